// Builds an InlineText from the codes of an exchange format (TMX seg, XLIFF source or
// target) as a reader meets them: text runs and codes in document order. It pairs openings
// with closings, turns what cannot be paired into isolated codes, and assigns ids.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/inline_text.h"

namespace dilmanc::memory {

class InlineCodesBuilder {
 public:
  struct Raw {
    enum class Kind { kOpen, kClose, kPlaceholder, kIsolatedOpen, kIsolatedClose };
    Kind kind = Kind::kPlaceholder;
    std::string pair_key;  // an opening pairs with the next closing of the same key
    std::string x;         // the id the format gives (TMX x, XLIFF id), may be empty
    std::string name;      // TMX type, XLIFF ctype/type...
    std::string original;  // the native code
  };

  void text(std::string_view run);
  void code(Raw raw);

  // The text with its codes. Ids come from `x` when every code (a pair counting once) has a
  // distinct positive integer there, else 1, 2, ... in order of appearance. Pairs that
  // overlap instead of nesting become isolated codes. A closing code takes its opening's
  // name. Sets `error` (translated) when the codes cannot be made consistent.
  InlineText finish(std::string& error);

 private:
  std::string text_;
  std::vector<Raw> raws_;
};

}  // namespace dilmanc::memory

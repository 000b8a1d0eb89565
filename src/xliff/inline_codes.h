// Helpers shared by the XLIFF writer and reader for InlineText with codes.
#pragma once

#include <string>
#include <string_view>

#include "dilmanc/inline_text.h"

namespace dilmanc::xliff_detail {

// Calls on_text(std::string_view) for each run of text and on_code(const InlineCode&,
// std::size_t index) for each code marker, in order.
template <class OnText, class OnCode>
void walk(const InlineText& t, OnText on_text, OnCode on_code) {
  std::size_t start = 0, k = 0;
  InlineCode::Kind kind;
  for (std::size_t i = 0; i < t.text.size();) {
    if (marker_at(t.text, i, &kind)) {
      if (i > start) on_text(std::string_view(t.text).substr(start, i - start));
      if (k < t.codes.size()) on_code(t.codes[k], k);
      ++k;
      i += kMarkerBytes;
      start = i;
    } else {
      ++i;
    }
  }
  if (start < t.text.size()) on_text(std::string_view(t.text).substr(start));
}

// Sets each opening's and closing's `isolated` flag by whether its partner (same id, the
// opening first) is in the same text. When the pairs would cross, every opening and
// closing is marked isolated: they can then be written, just not as nested pairs.
void repair_pairs(InlineText& t);

// a + b; spelled out because GCC 12 warns falsely (-Wrestrict) on "literal" + string.
inline std::string join(std::string_view a, std::string_view b) {
  std::string out(a);
  out += b;
  return out;
}

// Appends `more` to `t` (text and codes).
void append_inline(InlineText& t, const InlineText& more);

// The element name of a piece of markup: "<b class=x>" -> "b", "</a>" -> "a"; "" else.
std::string markup_name(std::string_view original);

}  // namespace dilmanc::xliff_detail

// InlineText: a piece of translatable text with the inline codes (markup) inside it, in
// the one form every part exchanges: documents produce it, the memory stores it, the
// matcher compares it, XLIFF and TMX writers and readers map it to their own elements.
//
// `text` is UTF-8 in which each inline code stands as ONE marker character from the
// Unicode private-use area; `codes[k]` describes the k-th marker in `text`. Markers make
// offsets, segmentation and edit distances treat a code as one unit without parsing.
// Real text never contains these three characters: readers reject or drop them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace dilmanc {

// The marker characters (U+E101, U+E102, U+E103), as UTF-8.
inline constexpr std::string_view kOpeningMarker = "\xEE\x84\x81";
inline constexpr std::string_view kClosingMarker = "\xEE\x84\x82";
inline constexpr std::string_view kPlaceholderMarker = "\xEE\x84\x83";
inline constexpr std::size_t kMarkerBytes = 3;

struct InlineCode {
  enum class Kind {
    kOpening,      // starts a pair: HTML <b>, XLIFF 1.2 g/bx/bpt, XLIFF 2 pc/sc, TMX bpt
    kClosing,      // ends a pair: </b>, ex/ept, ec
    kPlaceholder,  // stands alone: <br>, <img>, x/ph, ph, TMX ph/it/ut
  };
  Kind kind = Kind::kPlaceholder;
  int id = 0;              // an opening and its closing share the id; 1-based, unique per pair
  bool isolated = false;   // an opening or closing whose partner is in another segment
  std::string name;        // element or kind: "b", "a", "br", "img", "fmt"...; may be empty
  std::string original;    // the original markup, kept verbatim to write it back ("<b class=x>")
};

struct InlineText {
  std::string text;
  std::vector<InlineCode> codes;

  bool operator==(const InlineText&) const = default;
};

inline bool operator==(const InlineCode& a, const InlineCode& b) {
  return a.kind == b.kind && a.id == b.id && a.isolated == b.isolated && a.name == b.name &&
         a.original == b.original;
}

// The marker for a kind, and the kind of a marker at text[pos] (false when none is there).
std::string_view marker_for(InlineCode::Kind kind);
bool marker_at(std::string_view text, std::size_t pos, InlineCode::Kind* kind);

// The text without its codes.
std::string plain_text(const InlineText& t);

// The text with codes written as {1}...{/1} and {2/} (an isolated one as {1>} / {<1}),
// the form the command line shows. Literal braces are written as they are.
std::string display_text(const InlineText& t);

// Appends a run of text or one code.
void append_text(InlineText& t, std::string_view text);
void append_code(InlineText& t, InlineCode code);

// Finds a text's codes by kind and id in constant time: matching a translation's codes to
// the source's one by one would take time quadratic in their number (a segment may hold
// 100,000 codes). Refers to the codes it was built from; build it again after they change.
class CodeIndex {
 public:
  static constexpr std::size_t npos = static_cast<std::size_t>(-1);
  explicit CodeIndex(const std::vector<InlineCode>& codes);
  // The index of the first code with this kind and id, or npos.
  std::size_t find(InlineCode::Kind kind, int id) const;
  std::size_t find(const InlineCode& code) const { return find(code.kind, code.id); }

 private:
  static std::uint64_t key(InlineCode::Kind kind, int id) {
    return (static_cast<std::uint64_t>(kind) << 32) | static_cast<std::uint32_t>(id);
  }
  std::unordered_map<std::uint64_t, std::size_t> index_;
};

// Checks that `t` is consistent: one code per marker, pairs balanced and ordered (an
// opening before its closing, properly nested), isolated codes unpaired. Returns an
// empty string when fine, else an English description of the first problem.
std::string check_codes(const InlineText& t);

}  // namespace dilmanc

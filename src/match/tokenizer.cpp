#include "dilmanc/tokenizer.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <array>
#include <cstdint>

#include "dilmanc/inline_text.h"

namespace dilmanc {
namespace {

// Decodes the code point at `pos`; -1 for an ill-formed sequence. `next` is set past it.
UChar32 decode(std::string_view text, std::size_t pos, std::size_t* next) {
  if (pos >= text.size()) {
    *next = pos;
    return -1;
  }
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  auto i = static_cast<int32_t>(pos);
  UChar32 c;
  U8_NEXT(s, i, static_cast<int32_t>(text.size()), c);
  *next = static_cast<std::size_t>(i);
  return c;
}

bool is_marker(UChar32 c) { return c >= 0xE101 && c <= 0xE103; }

bool icu_letter(UChar32 c) { return !is_marker(c) && u_isalpha(c) != 0; }
bool icu_mark(UChar32 c) {
  auto t = u_charType(c);
  return t == U_NON_SPACING_MARK || t == U_COMBINING_SPACING_MARK || t == U_ENCLOSING_MARK;
}

// The classes of the two-byte code points (U+0080..U+07FF: Latin supplements, Greek,
// Cyrillic...) from a table made once from the same ICU properties: Russian text asked ICU
// several times for every letter.
enum : std::uint8_t { kLetter = 1, kMark = 2, kDigit = 4, kSpace = 8 };
constexpr UChar32 kTableEnd = 0x800;
// Made at load time (a function-local table cost a call and a guard per character): nothing
// tokenizes while static objects are being constructed.
const std::array<std::uint8_t, kTableEnd> two_byte_classes = [] {
  std::array<std::uint8_t, kTableEnd> t{};
  for (UChar32 c = 0x80; c < kTableEnd; ++c)
    t[static_cast<std::size_t>(c)] = static_cast<std::uint8_t>((icu_letter(c) ? kLetter : 0) | (icu_mark(c) ? kMark : 0) |
                                                               (u_isdigit(c) ? kDigit : 0) | (u_isUWhiteSpace(c) ? kSpace : 0));
  return t;
}();

bool in_class(UChar32 c, std::uint8_t bit) { return (two_byte_classes[static_cast<std::size_t>(c)] & bit) != 0; }

bool is_letter(UChar32 c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  if (c < kTableEnd) return in_class(c, kLetter);
  return icu_letter(c);
}

bool is_mark(UChar32 c) {
  if (c < 0x300) return false;
  if (c < kTableEnd) return in_class(c, kMark);
  return icu_mark(c);
}

bool is_digit(UChar32 c) {
  if (c < 0x80) return c >= '0' && c <= '9';
  if (c < kTableEnd) return in_class(c, kDigit);
  return u_isdigit(c) != 0;
}

bool is_space(UChar32 c) {
  if (c < 0x80) return c == ' ' || (c >= 0x09 && c <= 0x0D);
  if (c < kTableEnd) return in_class(c, kSpace);
  return u_isUWhiteSpace(c) != 0;
}

bool is_word_joiner(UChar32 c) {
  return c == '\'' || c == 0x2019 || c == 0x02BC || c == '-' || c == 0x2010 || c == '.';
}

bool is_group_separator(UChar32 c) {
  return c == '.' || c == ',' || c == 0x00A0 || c == 0x202F || c == 0x2009;
}

}  // namespace

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 4 + 1);
  int markers = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t next;
    UChar32 c = decode(text, pos, &next);
    Token t;
    t.begin = pos;
    if (c < 0) {
      t.kind = TokenKind::kPunctuation;
      t.end = pos + 1;
    } else if (is_marker(c)) {
      t.kind = TokenKind::kCode;
      t.code = markers++;
      t.end = next;
    } else if (is_space(c)) {
      t.kind = TokenKind::kSpace;
      std::size_t after;
      while (next < text.size() && is_space(decode(text, next, &after))) next = after;
      t.end = next;
    } else if (is_digit(c)) {
      t.kind = TokenKind::kNumber;
      std::size_t after;
      for (;;) {
        UChar32 d = decode(text, next, &after);
        if (d >= 0 && is_digit(d)) {
          next = after;
          continue;
        }
        std::size_t after_digit;
        if (d >= 0 && is_group_separator(d) && is_digit(decode(text, after, &after_digit))) {
          next = after_digit;
          continue;
        }
        break;
      }
      // A suffix glued to the number: "2nd", "5km".
      for (;;) {
        UChar32 d = decode(text, next, &after);
        if (d >= 0 && (is_letter(d) || is_mark(d))) {
          next = after;
          continue;
        }
        break;
      }
      t.end = next;
    } else if (is_letter(c) || c == '_') {
      t.kind = TokenKind::kWord;
      std::size_t after;
      for (;;) {
        UChar32 d = decode(text, next, &after);
        if (d < 0) break;
        if (is_letter(d) || is_mark(d) || is_digit(d) || d == '_') {
          next = after;
          continue;
        }
        std::size_t after_letter;
        if (is_word_joiner(d) && is_letter(decode(text, after, &after_letter))) {
          next = after_letter;
          continue;
        }
        break;
      }
      t.end = next;
    } else {
      t.kind = TokenKind::kPunctuation;
      // A combining mark stays with the symbol it modifies.
      std::size_t after;
      while (next < text.size() && is_mark(decode(text, next, &after))) next = after;
      t.end = next;
    }
    pos = t.end;
    tokens.push_back(t);
  }
  return tokens;
}

}  // namespace dilmanc

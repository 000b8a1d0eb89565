// Tokens for matching: the units the fuzzy matcher counts edits in.
//
// A token is a word, a number, one punctuation or symbol character, one inline-code
// marker (see inline_text.h), or a run of whitespace. Character classes come from ICU's
// Unicode properties, so Azerbaijani, Russian and English letters (with their combining
// marks) all make words. Tokens are byte spans into the text they were cut from, so the
// caller maps them back to the original exactly.
//
//   word     letters, combining marks and digits; an apostrophe, hyphen or period between
//            two letters stays inside ("don't", "e-mail", "Azərbaycan'ın"; "2-ci" is a
//            number, a hyphen and a word)
//   number   starts with a digit: digit groups joined by one '.', ',', no-break space
//            (U+00A0), narrow no-break space (U+202F) or thin space (U+2009) followed by a
//            digit ("250,000", "250 000", "3,5", "1.2.3"), then letters glued to it as a
//            suffix ("2nd", "10th", "5km")
//   code     one marker character U+E101..U+E103
//   space    a run of Unicode whitespace
//   punctuation  any other single code point
//
// Stateless and thread-safe.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace dilmanc {

enum class TokenKind { kWord, kNumber, kPunctuation, kCode, kSpace };

struct Token {
  TokenKind kind = TokenKind::kWord;
  std::size_t begin = 0;  // byte offset of the first byte
  std::size_t end = 0;    // one past the last byte
  int code = -1;          // for kCode: index of the marker among the text's markers (0-based)

  std::string_view in(std::string_view text) const { return text.substr(begin, end - begin); }
};

// Cuts `text` (valid UTF-8; the caller validates) into tokens covering it completely, in
// order. Invalid bytes, should any slip through, become punctuation tokens of one byte.
std::vector<Token> tokenize(std::string_view text);

// True for words and numbers: the tokens that carry content, as opposed to punctuation,
// codes and whitespace.
inline bool is_content(TokenKind kind) { return kind == TokenKind::kWord || kind == TokenKind::kNumber; }

}  // namespace dilmanc

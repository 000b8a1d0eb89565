// Word and character counts of translatable text, after GMX-V (the LISA Global
// Information Management Metrics Volume standard); the rules are in docs/word-count.md.
// Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <string_view>

#include "dilmanc/inline_text.h"

namespace dilmanc {

struct Document;

struct WordCount {
  std::size_t words = 0;       // every counted word, numbers and URLs included
  std::size_t numbers = 0;     // of which numbers (2019, 250,000, 18th is a word, not a number)
  std::size_t characters = 0;  // characters (grapheme clusters) that are not whitespace
  std::size_t codes = 0;       // inline codes; they are neither words nor characters

  WordCount& operator+=(const WordCount& other);
  bool operator==(const WordCount&) const = default;
};

// Counts `text` (valid UTF-8) in language `lang` (a BCP 47 tag).
WordCount count_words(std::string_view text, std::string_view lang);
WordCount count_words(const InlineText& text, std::string_view lang);

// The sum over the document's blocks (their sources).
WordCount count_words(const Document& document, std::string_view lang);

}  // namespace dilmanc

// Numbers as each language writes them, for adapting a translation to a query's numbers.
//
//   en      250,000   3.5     groups of three split by ',', decimal '.'
//   ru, az  250 000   3,5     groups split by a no-break space (U+00A0; U+202F, U+2009
//                             and a plain space are read too), decimal ','; four-digit
//                             numbers are not grouped (so do fr, uk, pl, kk, uz and the
//                             other languages listed in numbers.cpp)
//   de, tr  250.000   3,5     groups split by '.', decimal ','; four-digit numbers are
//                             not grouped (so do es, it, pt, nl and the others listed)
// Other languages are read and written as English. A string that could be read two ways
// in its language ("1.234" in Russian) is not read at all.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dilmanc::match {

struct Number {
  std::string integer;   // digits, no separators, no leading zeros ("0" for zero)
  std::string fraction;  // digits after the decimal separator, as written (may be empty)
  bool grouped = false;  // written with group separators
  std::string suffix;    // letters glued on: "nd" in "2nd"

  // The same value (fraction compared without trailing zeros), whatever the writing.
  bool same_value(const Number& other) const;
};

// Reads a whole number token ("250,000", "2nd") in language `lang` (primary subtag).
std::optional<Number> parse_number(std::string_view token, std::string_view lang);

// Writes `n`'s digits as `lang` does; `grouped` asks for group separators (ru and az never
// group four-digit numbers). The suffix is not written.
std::string format_number(const Number& n, std::string_view lang, bool grouped);

// True for the languages that read and write numbers as English does (all but those
// listed above).
bool writes_numbers_as_english(std::string_view lang);

// A number found in running text: its bytes and its reading.
struct NumberSpan {
  std::size_t begin = 0;
  std::size_t end = 0;
  Number number;
};

// Every number in `text` that reads unambiguously in `lang`, in order. In a language
// that does not write numbers as English does, a plain space between a group of one to
// three digits and a group of exactly three digits joins them ("250 000").
std::vector<NumberSpan> find_numbers(std::string_view text, std::string_view lang);

// The ordinal suffix `lang` writes after `integer` when it has one that depends on the
// number ("st", "nd", "rd", "th" in English; "ci", "cı", "cu", "cü" after a hyphen in
// Azerbaijani); empty when the language's suffix does not depend on the number.
std::string ordinal_suffix(const std::string& integer, std::string_view lang);

// The class of the last vowel of `integer` read aloud in Azerbaijani, which decides the
// vowel of every suffix after it: 'i' (i e ə), 'I' (ı a), 'u' (u o), 'U' (ü ö).
char azerbaijani_harmony(const std::string& integer);

}  // namespace dilmanc::match

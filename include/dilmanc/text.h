// Text utilities shared by every part: UTF-8 validation and conversion to ICU strings,
// NFC normalization, and the language-aware folding used for matching and search.
// All strings are UTF-8 in std::string; ICU is used only behind these functions.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unicode/unistr.h>

namespace dilmanc {

// Byte offset of the first byte that does not start a well-formed UTF-8 sequence, or
// nullopt when `text` is valid UTF-8. Overlong forms and surrogates count as invalid.
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// Throws Error(kInput) naming `source` and the byte offset (and its line) of the first
// invalid sequence.
void require_utf8(std::string_view text, const std::string& source);

// Conversions; the input must be valid UTF-8.
icu::UnicodeString to_unicode(std::string_view utf8);
std::string to_utf8(const icu::UnicodeString& text);

// Unicode Normalization Form C.
std::string to_nfc(std::string_view utf8);
bool is_nfc(std::string_view utf8);

// Primary language subtag, lower-cased: "en-US" -> "en", "az_Latn_AZ" -> "az", "RU" -> "ru".
std::string primary_language(std::string_view tag);

// Case folding by language: Turkic rules for az and tr (I -> ı, İ -> i), full Unicode
// folding elsewhere.
std::string fold_case(std::string_view utf8, std::string_view lang);

// The key for case- and accent-insensitive search: NFC, language-aware case folding,
// combining marks removed except where they make a distinct letter of the language
// (Russian й stays й; ё becomes е), whitespace runs collapsed to one space.
std::string search_key(std::string_view utf8, std::string_view lang);

}  // namespace dilmanc

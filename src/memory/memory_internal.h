// Pieces shared by the files of src/memory that are no part of the public interface.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dilmanc/translation_memory.h"

namespace dilmanc::memory {

// A unit with everything add() computes before it touches the database, so that the
// computing can run on another thread than the writing.
struct PreparedVariant {
  std::size_t index = 0;  // into unit.variants
  std::string lang;       // primary language
  std::string text;       // NFC marker text
  std::string codes;      // serialized codes, empty for none
  std::string normalized; // search key of the plain text
  std::int64_t hash = 0;
};
struct PreparedUnit {
  TranslationUnit unit;
  std::vector<PreparedVariant> variants;
};

// Thread-safe (no database). Throws Error(kUsage) like TranslationMemory::add.
PreparedUnit prepare_unit(TranslationUnit unit);
// Adds inside the memory's open Batch (Error(kUsage) without one).
AddResult add_prepared(TranslationMemory& memory, const PreparedUnit& unit);

// search_key, faster for ASCII text (the same result).
std::string fast_search_key(std::string_view text, std::string_view lang);

// The current time as "2024-05-01T12:00:00Z".
std::string now_iso();

// Marks the start and end of a search key in the trigram index, so that short queries can
// be anchored at word starts and a key of one or two characters still has trigrams.
inline constexpr char kKeyBoundary = '\x1f';
std::string indexed_key(std::string_view key);

// The name of the trigram index table of a primary language.
std::string search_table(std::string_view lang);

// The FTS5 MATCH expression that finds candidates for a search key (see concordance.cpp).
std::string trigram_query(std::string_view key);

// Byte ranges of `text` (a marker text) whose search key contains `key`.
std::vector<std::pair<std::size_t, std::size_t>> find_matches(std::string_view text, std::string_view key,
                                                              std::string_view lang);

// The text without the three inline-code marker characters, which real text never holds.
std::string strip_markers(std::string_view text);

// Converts between TMX dates ("20240501T120000Z") and the memory's ("2024-05-01T12:00:00Z");
// an empty string for anything malformed.
std::string iso_from_tmx_date(std::string_view tmx);
std::string tmx_date_from_iso(std::string_view iso);

}  // namespace dilmanc::memory

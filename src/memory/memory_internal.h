// Pieces shared by the files of src/memory that are no part of the public interface.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dilmanc/translation_memory.h"

namespace dilmanc::sql {
class Database;
class BulkInsert;
}

namespace dilmanc::memory {

// What the fuzzy index stores for a variant (docs/memory-format.md, "Fuzzy index"): the ids
// of its words and numbers as the row's blob, their number, and the distinct ids it is
// posted under (the "no words" id when there are none), ascending.
struct FuzzyTokens {
  std::string blob;
  std::int64_t length = 0;
  std::vector<std::int32_t> distinct;
};
// Thread-safe (no database). `lang` a primary language. `simple`: the caller found that
// simple_search_key takes the whole text (which spares the check).
FuzzyTokens fuzzy_tokens(std::string_view marker_text, std::string_view lang, bool simple = false);
// index_variant (memory/fuzzy_index.h) with the tokens computed beforehand.
void index_variant(sql::Database& db, std::int64_t variant_id, std::string_view lang, const FuzzyTokens& tokens);
// The same, its fuzzy_variants row written later with others, many to a statement (a bulk
// write): before anything reads the table, write_waiting_fuzzy_rows must run; a rollback
// drops the rows waiting.
void index_variant_later(sql::Database& db, std::int64_t variant_id, std::string_view lang, const FuzzyTokens& tokens);
void write_waiting_fuzzy_rows(sql::Database& db);
// Moves the postings of the variants this connection's transaction wrote to the index
// when enough wait; call it inside the transaction, just before its commit.
void finish_fuzzy_index(sql::Database& db);
// Optional, before finish_fuzzy_index and the commit's other last work: starts what of the
// moving can run beside that work.
void start_finishing_fuzzy_index(sql::Database& db);
// The bytes of postings a connection gathers before it writes them out mid-transaction
// (kFuzzyGatherLimit; tests set a small limit to exercise that path). Two such buffers
// may be in use: one gathering while the other's run is written.
inline constexpr std::size_t kFuzzyGatherLimit = std::size_t{8} << 20;
void set_fuzzy_gather_limit(std::size_t bytes);

// A unit with everything add() computes before it touches the database, so that the
// computing can run on another thread than the writing.
struct PreparedVariant {
  std::size_t index = 0;  // into unit.variants
  std::string lang;       // primary language
  std::string text;       // NFC marker text
  std::string codes;      // serialized codes, empty for none
  // The search key of the plain text; moved into the concordance index once the variant's
  // row is written.
  mutable std::string normalized;
  std::int64_t hash = 0;
  FuzzyTokens fuzzy;  // fuzzy_tokens(text, lang)
};
struct PreparedUnit {
  TranslationUnit unit;
  std::vector<PreparedVariant> variants;
};

// Thread-safe (no database). Throws Error(kUsage) like TranslationMemory::add.
PreparedUnit prepare_unit(TranslationUnit unit);
// Adds inside the memory's open Batch (Error(kUsage) without one).
AddResult add_prepared(TranslationMemory& memory, const PreparedUnit& unit);
// A hint that `unit` will be added soon: the memory starts fetching what its duplicate
// check will touch, so that the fetch overlaps the work on the units before it.
void prefetch_prepared(const TranslationMemory& memory, const PreparedUnit& unit);

class Writeback;

// Set up before a Batch that may fill an empty memory (an import), torn down after it.
// When the memory holds no variant and no other connection has the file open, the file
// leaves the write-ahead log for a rollback journal until the destructor: the batch then
// writes each page once, into the file, where through the log it wrote it twice (the
// log, then the checkpoint at the commit): a 1M-unit import spent 4 of its 36 s in that
// checkpoint, alone on one core. A memory without variants has nothing to journal.
// Meanwhile other processes wait to read it, up to their busy timeout, instead of
// reading the empty memory. Meanwhile the kernel is asked every half second to start
// writing the file's modified pages (memory/writeback.h). The destructor switches the file
// back to the log.
class BulkWrite {
 public:
  explicit BulkWrite(TranslationMemory& memory);
  ~BulkWrite();
  BulkWrite(const BulkWrite&) = delete;
  BulkWrite& operator=(const BulkWrite&) = delete;
  // True while the file is out of the log.
  bool active() const { return active_; }

 private:
  void restore() noexcept;
  TranslationMemory& memory_;
  bool active_ = false;
  std::unique_ptr<Writeback> writeback_;  // memory/writeback.h, while active
};

// search_key, faster for text of ASCII and basic Cyrillic (the same result).
std::string fast_search_key(std::string_view text, std::string_view lang);
// search_key(text, lang) for a language that is not Turkic (`russian`: lang is ru) into
// `out`, when `text` holds only ASCII, U+0400..U+045F, no-break and thin spaces and the
// quotes, dashes, ellipsis and numero sign of Russian text; false otherwise.
bool simple_search_key(std::string_view text, bool russian, std::string& out);

// simple_search_key's folding, its bytes handed to `put(char)` one by one; false (some
// bytes already handed over) when the text is not such text.
template <typename Put>
bool simple_fold(std::string_view text, bool russian, Put&& put) {
  // search_key folds case, decomposes, drops non-spacing marks (but the breve of Russian
  // й) and composes again; for these characters that is one character for one.
  auto fold = [russian](char32_t c) -> char32_t {
    if (c < 0x410) c += 0x50;
    else if (c < 0x430) c += 0x20;
    switch (c) {
      case 0x450: case 0x451: return 0x435;  // ѐ ё -> е
      case 0x453: return 0x433;              // ѓ -> г
      case 0x457: return 0x456;              // ї -> і
      case 0x45C: return 0x43A;              // ќ -> к
      case 0x45D: return 0x438;              // ѝ -> и
      case 0x45E: return 0x443;              // ў -> у
      case 0x439: return russian ? 0x439 : 0x438;  // й
      default: return c;
    }
  };
  bool written = false, pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      if (c == ' ' || (c >= '\t' && c <= '\r')) {
        pending_space = written;
        continue;
      }
      if (pending_space) put(' ');
      pending_space = false;
      written = true;
      put((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c));
      continue;
    }
    if (c == 0xC2 || c == 0xE2) {
      // Spaces and the punctuation of Russian text, which search_key leaves as they are.
      const std::size_t n = c == 0xC2 ? 2 : 3;
      if (i + n > text.size()) return false;
      const std::string_view ch = text.substr(i, n);
      const bool space = ch == "\u00A0" || ch == "\u2009" || ch == "\u202F";
      if (!space && ch != "\u00AB" && ch != "\u00BB" && ch != "\u2013" && ch != "\u2014" && ch != "\u2018" &&
          ch != "\u2019" && ch != "\u201C" && ch != "\u201D" && ch != "\u201E" && ch != "\u2026" && ch != "\u2116")
        return false;
      i += n;
      if (space) {
        pending_space = written;
        continue;
      }
      if (pending_space) put(' ');
      pending_space = false;
      written = true;
      for (char b : ch) put(b);
      continue;
    }
    if ((c != 0xD0 && c != 0xD1) || i + 1 >= text.size()) return false;
    const auto d = static_cast<unsigned char>(text[i + 1]);
    if ((d & 0xC0) != 0x80) return false;
    const char32_t code = static_cast<char32_t>((c & 0x1F) << 6 | (d & 0x3F));
    if (code > 0x45F) return false;
    const char32_t folded = fold(code);
    if (pending_space) put(' ');
    pending_space = false;
    written = true;
    put(static_cast<char>(0xC0 | (folded >> 6)));
    put(static_cast<char>(0x80 | (folded & 0x3F)));
    i += 2;
  }
  return true;
}

// The current time as "2024-05-01T12:00:00Z".
std::string now_iso();

// Marks the start and end of a search key in the trigram index, so that short queries can
// be anchored at word starts and a key of one or two characters still has trigrams.
inline constexpr char kKeyBoundary = '\x1f';

// The distinct trigrams of kKeyBoundary + key + kKeyBoundary, sorted, each as its three code
// points packed into 21 bits apiece: what the concordance index stores for a variant.
std::vector<std::uint64_t> key_trigrams(std::string_view key);
// The bridge term of five code points whose middle one is a space (0 for anything else): one
// of 16,384 buckets by their hash, negative as a signed number so that it is never a packed
// trigram.
std::uint64_t bridge_term(std::string_view five);
// What the concordance index stores for a variant: key_trigrams(key) and the bridge term of
// every space of kKeyBoundary + key + kKeyBoundary, the space and two code points either
// side of it; sorted, distinct.
std::vector<std::uint64_t> key_terms(std::string_view key);
// The same terms in the key's order, repeats and all: what the concordance writer takes (it
// skips a repeat), without the cost of sorting them.
std::vector<std::uint64_t> key_terms_in_order(std::string_view key);

// Gathers the postings of the variants a transaction writes and writes them to the
// concordance index as one segment per language (docs/memory-format.md). Variant ids must
// increase from one add() to the next, as SQLite assigns them. In a bulk write the postings
// are gathered on a worker thread of its own, beside the thread that writes to SQLite; the
// object itself belongs to one thread, like the memory.
class ConcordanceWriter {
 public:
  ConcordanceWriter();
  ~ConcordanceWriter();
  ConcordanceWriter(const ConcordanceWriter&) = delete;
  ConcordanceWriter& operator=(const ConcordanceWriter&) = delete;

  // `key`: the variant's search key. Its terms (key_terms_in_order) are made on the worker.
  void add(std::string_view lang, std::int64_t variant_id, std::string key);
  // To be called after each add() of a long transaction (inside it). When the pending
  // postings have grown large (set_concordance_flush_limit), cuts them into a segment, which
  // the calls after write a few rows each, while the next segment is gathered: written all
  // at once, a segment held up the import's writer thread for a third of a second, and with
  // it the thread reading the file.
  void keep_up(sql::Database& db);
  // Writes everything pending (inside the caller's transaction) and records that every
  // variant up to max(`through`, the last one added) is indexed.
  void flush(sql::Database& db, std::int64_t through);
  // Forgets what is pending (after a rollback). Before the connection is reopened: it holds
  // a statement of it while a segment is being written.
  void clear();
  bool empty() const { return pending_postings_ == 0 && !draining_; }

 private:
  struct Gatherer;
  bool wants_flush() const;
  void start_drain(sql::Database& db);
  // Writes up to `rows` rows of the cut segment, waiting until it is ready, and the segment
  // rows of each language it finishes; all or nothing.
  void drain(sql::Database& db, std::size_t rows);

  std::size_t rows_per_call() const;

  static constexpr std::size_t kDrainStatementRows = 64;

  std::unique_ptr<Gatherer> gatherer_;
  std::size_t pending_postings_ = 0;
  bool draining_ = false;  // a cut segment is not yet all written
  std::unique_ptr<sql::BulkInsert> drain_insert_;
  std::size_t drain_language_ = 0, drain_list_ = 0;  // the next row to write
  std::size_t drain_rows_per_call_ = 0, drain_owed_ = 0;
  std::int64_t drain_through_ = 0;
};

// Pending postings (terms, repeats counted) at which ConcordanceWriter cuts a segment: about
// 40 MB at about 1.3 bytes a posting, plus the lists' spare capacity.
constexpr std::size_t kConcordanceFlushLimit = std::size_t{24} << 20;
// For tests: a smaller limit, so that small imports cut segments mid-transaction.
void set_concordance_flush_limit(std::size_t postings);

// Indexes the variants the concordance index lacks (all of them in a memory of schema
// version 1, whose FTS5 tables it drops), in one transaction of its own. Cheap when
// nothing is missing.
void complete_concordance_index(sql::Database& db);

// Ids of the `lang` variants whose search key contains `key`, newest first, at most
// `limit`; keys of one character match whole words, of two characters word starts.
std::vector<std::int64_t> concordance_variants(sql::Database& db, std::string_view lang, std::string_view key,
                                               std::size_t limit);

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

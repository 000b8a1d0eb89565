// The fuzzy-match index kept inside the memory file (docs/memory-format.md, "Fuzzy index").
//
// For every variant it stores the base keys of its words and numbers (as 32-bit ids) and a
// posting (token id, length, variant) per distinct word. A query's candidates are the
// variants that can still reach a minimum score: length within the bounds the score
// allows, enough shared words (the count filter, with a prefix filter over the query's
// rarest words so that frequent words are never read in full when they need not be),
// and a token edit distance within the bound. The filters are lossless: hashing words to
// 32 bits can only merge different words, which lowers distances and raises counts, so a
// variant that can reach the minimum is never dropped; the matcher then scores the
// survivors exactly. Nothing here scans the memory.
//
// index_variant() is called by the memory for every variant it writes, inside the
// memory's transaction. A FuzzyIndex reads through its own connection and keeps the
// posting lists it has read, decoded, for its next lookups (docs/matching.md). Neither is
// thread-safe; use one per thread. Errors are Error(kIo) (SQLite failures) and
// Error(kInput) (a file that is not a memory), naming the file.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/inline_text.h"

namespace dilmanc::sql {
class Database;
}

namespace dilmanc::memory {

// Indexes one variant just written (`marker_text` NFC, `lang` its primary language).
// Creates the index tables on the first call for a file that has none, indexing every
// variant already there in the same transaction.
void index_variant(sql::Database& db, std::int64_t variant_id, std::int64_t unit_id, std::string_view lang,
                   std::string_view marker_text);

// A variant the index proposes, with what the matcher needs to score it.
struct FuzzyCandidate {
  std::int64_t variant_id = 0;
  std::int64_t unit_id = 0;
  InlineText text;
  int upper = 100;  // a bound on its base score (docs/matching.md): never below the true one
  // False while `upper` comes from the words it shares with the query alone and `unit_id`
  // and `text` are not read: FuzzyIndex::check() completes it.
  bool checked = true;
};

// The translation side of a unit, as the matcher ranks it.
struct FuzzyTarget {
  InlineText text;
  std::string tag;
  std::string changed_at;  // the unit's
  std::string changed_by, origin_file, origin_segment;  // the unit's
  std::optional<std::int64_t> context_prev, context_next;
};

// How much work a lookup did, for benchmarks and tests.
struct FuzzyLookupStats {
  std::size_t postings_read = 0;    // postings merged or looked up
  std::size_t candidates = 0;       // variants passing the length and count filters
};

class FuzzyIndex {
 public:
  // Opens the memory at `path` (which must exist and be a memory: open it with
  // TranslationMemory first) and brings the index up to date when it is missing, of an
  // older format, or behind the variants table. Throws Error(kIo), Error(kInput).
  explicit FuzzyIndex(const std::string& path);
  ~FuzzyIndex();
  FuzzyIndex(const FuzzyIndex&) = delete;
  FuzzyIndex& operator=(const FuzzyIndex&) = delete;

  // Reads between begin_read() and end_read() (which nest) see one snapshot of the file and
  // take its lock once; every other call is a read transaction of its own.
  void begin_read();
  void end_read();

  // Every variant of `query.lang` whose score against `query` may reach `min_score`
  // (1..101) before penalties: a superset of those that do, usually a small one. They come
  // unchecked, with the bound their shared words allow, so that a caller that needs only
  // the best few checks only those (check()).
  std::vector<FuzzyCandidate> candidates(const MatchText& query, int min_score, FuzzyLookupStats* stats = nullptr);

  // Completes an unchecked candidate of the last candidates() call, in the same read
  // transaction: the token distance gives its tighter bound, and its unit and text are
  // read. False when it cannot reach that call's minimum after all, or is gone.
  bool check(FuzzyCandidate& candidate);

  // Every variant of primary language `lang`, in id order, for exhaustive scans. Stops
  // when `visit` returns false.
  void scan(std::string_view lang, const std::function<bool(FuzzyCandidate&)>& visit);

  // The variant of primary language `lang` of unit `unit_id`, with the unit's date and
  // context, or nullopt when the unit has none in that language.
  std::optional<FuzzyTarget> target(std::int64_t unit_id, std::string_view lang);

  // The date unit `unit_id` was last changed ("" when it is gone): what ranks matches of
  // equal score, read without the unit's text.
  std::string unit_changed_at(std::int64_t unit_id);

  // The highest variant id in the memory (0 when empty): it grows with every new variant.
  std::int64_t newest_variant();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace dilmanc::memory

// TranslationMemory: the one SQLite file of multilingual translation units.
//
// A unit is one sentence in several languages: the same sentence in az, en and ru is ONE
// unit with three variants, so a unit serves every direction. Variants are keyed by the
// primary language of their tag ("en-US" and "en_GB" are both "en"); the full tag is kept.
// The file format, the duplicates policy and the schema versions are described in
// docs/memory-format.md.
//
// Several processes may open the same file and write at once (WAL mode, a busy timeout,
// every change in one IMMEDIATE transaction): writers queue, nothing is lost. One
// TranslationMemory object is not thread-safe: use one per thread.
//
// Every function that touches the file throws Error(kIo) when SQLite reports a failure
// (locked past the busy timeout, disk full, permission) and Error(kInput) when the file is
// not a translation memory or was written by a newer dilmanc.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/inline_text.h"

namespace dilmanc {

class TranslationMemory;
struct AddResult;
namespace memory {
struct PreparedUnit;
AddResult add_prepared(TranslationMemory& memory, const PreparedUnit& unit);
void prefetch_prepared(const TranslationMemory& memory, const PreparedUnit& unit);
class BulkWrite;
}  // namespace memory

// A TMX <prop> (is_note false: `type` holds its type) or <note> (is_note true), kept verbatim.
struct Annotation {
  bool is_note = false;
  std::string type;
  std::string lang;  // xml:lang of the prop or note, when given
  std::string text;

  bool operator==(const Annotation&) const = default;
};

// Dates are UTC in ISO 8601 basic-extended form "2024-05-01T12:00:00Z"; empty = unknown.
struct Variant {
  std::string tag;  // the language tag as given: "en", "en-US", "az-Latn-AZ"
  InlineText text;  // NFC, with one marker per inline code
  std::string created_at, created_by, changed_at, changed_by, last_used_at;
  std::int64_t usage_count = 0;
  std::vector<Annotation> annotations;

  std::string language() const;  // primary_language(tag)
};

struct TranslationUnit {
  std::int64_t id = 0;      // assigned by the memory; ignored by add()
  std::string tuid;         // the TMX tuid (or XLIFF unit id) it came with; may be empty
  std::string source_lang;  // full tag of the source variant; empty when any (TMX "*all*")
  // Hashes (segment_hash) of the previous and next source segments, for in-context matches.
  std::optional<std::int64_t> context_prev, context_next;
  std::string origin_file, origin_segment;  // where it was first read from (file name, unit id)
  std::string datatype, segtype;            // TMX attributes, kept for export
  std::string created_at, created_by, changed_at, changed_by, last_used_at;
  std::int64_t usage_count = 0;
  std::vector<Annotation> annotations;
  std::vector<Variant> variants;  // at most one per primary language

  // The variant whose primary language is primary_language(lang), or nullptr.
  const Variant* variant(std::string_view lang) const;
};

// The exact-lookup hash of a segment: FNV-1a (64 bits) of its NFC marker text (codes count
// as their marker, whatever their markup), as a signed integer. Callers use it for the
// context of a unit (the previous and next source segment).
std::int64_t segment_hash(std::string_view marker_text);

// True when the primary subtag of `tag` is a language ISO 639 knows ("en-US", "az-Latn-AZ",
// "ru"); false for "xx", "*all*", "" and malformed tags. Importers skip variants in others.
bool known_language(std::string_view tag);

// What add() did with a unit.
struct AddResult {
  enum class Outcome {
    kAdded,    // a new unit (possibly an alternative translation of a known source)
    kUpdated,  // merged into an existing unit: an identical unit refreshed, new languages added
  };
  Outcome outcome = Outcome::kAdded;
  std::int64_t unit_id = 0;
};

struct ConcordanceHit {
  TranslationUnit unit;
  // Byte ranges [first, second) in unit.variant(lang)->text.text that match the query.
  std::vector<std::pair<std::size_t, std::size_t>> matches;
};

struct MemoryStats {
  std::int64_t units = 0;
  std::map<std::string, std::int64_t> variants_per_language;        // "az" -> count
  std::map<std::string, std::int64_t> language_pairs;               // "az-en" -> units having both
  std::int64_t file_size = 0;                                       // bytes, WAL included
  std::string last_change;                                          // latest changed_at, or empty
};

// One variant as the fuzzy index and matcher read them in bulk.
struct VariantRecord {
  std::int64_t variant_id = 0;
  std::int64_t unit_id = 0;
  std::string tag;
  InlineText text;
  std::string normalized;  // search_key of the plain text
};

struct MemoryOptions {
  bool create_if_missing = true;   // else a missing file is Error(kIo)
  int busy_timeout_ms = 60000;     // how long a writer waits for another one
};

class TranslationMemory {
 public:
  // Opens the memory at `path`, creating it (or upgrading an older schema, in one
  // transaction) as needed. Throws Error(kIo) when the file cannot be opened or created,
  // Error(kInput) when it is not a dilmanc memory or its schema is newer than this program.
  explicit TranslationMemory(const std::string& path, MemoryOptions options = {});
  ~TranslationMemory();
  TranslationMemory(const TranslationMemory&) = delete;
  TranslationMemory& operator=(const TranslationMemory&) = delete;

  // Groups changes into one all-or-nothing transaction: add() calls between construction
  // and commit() are kept only when commit() runs; destruction without commit rolls them
  // back. Only one Batch may be open per memory object; add() without a Batch commits by
  // itself. A Batch holds the write lock until it ends.
  class Batch {
   public:
    explicit Batch(TranslationMemory& memory);
    ~Batch();
    Batch(const Batch&) = delete;
    Batch& operator=(const Batch&) = delete;
    void commit();

   private:
    TranslationMemory& memory_;
    bool open_ = true;
  };

  // Adds a unit following the duplicates policy (docs/memory-format.md): a unit whose
  // source variant (every variant when source_lang is empty) is already in the memory in
  // the same context, and that disagrees with no variant already there, is merged into
  // that unit (dates, users and usage refreshed, missing languages added): kUpdated.
  // Otherwise it is a new unit, an alternative when its source was known: kAdded.
  // Throws Error(kUsage) for a unit without variants, two variants of one language, or a
  // variant whose codes fail check_codes.
  AddResult add(const TranslationUnit& unit);

  // Keeps the props and notes of an exchange file's header (TMX <header>), in order, for
  // export; one identical to a kept one (same kind, type, language and text) is not added
  // again. `origin_file` names the file they came from. Inside an open Batch it is part of
  // it, else it commits by itself.
  void add_header_annotations(const std::vector<Annotation>& annotations, const std::string& origin_file);

  // The header props and notes kept, in the order they were first added.
  std::vector<Annotation> header_annotations() const;

  // Counts one more use of a unit (a translator took it): usage_count + 1, last_used_at now.
  void record_use(std::int64_t unit_id);

  // The unit with this id, or nullopt.
  std::optional<TranslationUnit> unit(std::int64_t id) const;

  // Units with a variant in `lang` whose text is exactly `source` (same text, codes at the
  // same places), those in the given context first, then newest first.
  std::vector<TranslationUnit> lookup_exact(const InlineText& source, std::string_view lang,
                                            std::optional<std::int64_t> context_prev = std::nullopt,
                                            std::optional<std::int64_t> context_next = std::nullopt) const;

  // Units whose `lang` variant contains `query`, case- and accent-insensitively (search_key
  // on both sides, so Turkic rules apply to az), newest first, at most `limit`. Served by a
  // trigram index; queries of one or two characters match a whole word (one character) or
  // the start of a word (two). An empty query gives no hits.
  std::vector<ConcordanceHit> concordance(std::string_view query, std::string_view lang,
                                          std::size_t limit) const;

  MemoryStats stats() const;

  // The latest changed_at of any unit, or empty for an empty memory.
  std::string last_change() const;

  // Every unit in id order, only the variants of `languages` (primary languages; empty =
  // all); units left with fewer than `min_variants` of them are skipped. Stops when `visit`
  // returns false.
  void for_each_unit(const std::function<bool(const TranslationUnit&)>& visit,
                     const std::vector<std::string>& languages = {}, std::size_t min_variants = 1) const;

  // Every variant of primary language `lang` in variant-id order. Stops when `visit` returns false.
  void for_each_variant(std::string_view lang, const std::function<bool(const VariantRecord&)>& visit) const;

  const std::string& path() const;

  struct Impl;

 private:
  friend AddResult memory::add_prepared(TranslationMemory& memory, const memory::PreparedUnit& unit);
  friend void memory::prefetch_prepared(const TranslationMemory& memory, const memory::PreparedUnit& unit);
  friend class memory::BulkWrite;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dilmanc

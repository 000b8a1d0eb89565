#include "dilmanc/translation_memory.h"

#include <unicode/locid.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <functional>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "memory/code_format.h"
#include "memory/memory_internal.h"
#include "memory/schema_migration.h"
#include "memory/fuzzy_index.h"
#include "memory/sqlite.h"
#include "memory/variant_hashes.h"
#include "memory/writeback.h"

namespace dilmanc {

std::string Variant::language() const { return primary_language(tag); }

const Variant* TranslationUnit::variant(std::string_view lang) const {
  const std::string want = primary_language(lang);
  for (const auto& v : variants)
    if (v.language() == want) return &v;
  return nullptr;
}

std::int64_t segment_hash(std::string_view marker_text) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : marker_text) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return static_cast<std::int64_t>(h);
}

bool known_language(std::string_view tag) {
  const std::string lang = primary_language(tag);
  if (lang.size() < 2 || lang.size() > 3) return false;
  for (char c : lang)
    if (c < 'a' || c > 'z') return false;
  icu::Locale locale(lang.c_str());
  return locale.getISO3Language()[0] != '\0';
}

namespace memory {

std::string now_iso() {
  std::time_t t = std::time(nullptr);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

}  // namespace memory

namespace {

using memory::now_iso;
using memory::PreparedUnit;
using memory::PreparedVariant;
using sql::Statement;

constexpr int kSchemaVersion = 4;

// Each step upgrades the schema from version k to k + 1; step 0 creates the first one.
// A new version appends its ALTER/CREATE step here and raises kSchemaVersion.
const char* const kMigrations[] = {
    R"sql(
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('format', 'dilmanc-memory');
CREATE TABLE units(
  id INTEGER PRIMARY KEY,
  tuid TEXT,
  source_lang TEXT,
  context_prev INTEGER,
  context_next INTEGER,
  origin_file TEXT,
  origin_segment TEXT,
  datatype TEXT,
  segtype TEXT,
  created_at TEXT NOT NULL,
  created_by TEXT,
  changed_at TEXT NOT NULL,
  changed_by TEXT,
  usage_count INTEGER NOT NULL DEFAULT 0,
  last_used_at TEXT);
CREATE TABLE variants(
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
  lang TEXT NOT NULL,
  tag TEXT NOT NULL,
  text TEXT NOT NULL,
  codes TEXT,
  normalized TEXT NOT NULL,
  hash INTEGER NOT NULL,
  created_at TEXT,
  created_by TEXT,
  changed_at TEXT,
  changed_by TEXT,
  usage_count INTEGER NOT NULL DEFAULT 0,
  last_used_at TEXT,
  UNIQUE(unit_id, lang));
CREATE INDEX variants_by_hash ON variants(lang, hash);
CREATE TABLE annotations(
  id INTEGER PRIMARY KEY,
  unit_id INTEGER NOT NULL REFERENCES units(id) ON DELETE CASCADE,
  variant_id INTEGER REFERENCES variants(id) ON DELETE CASCADE,
  is_note INTEGER NOT NULL,
  type TEXT,
  lang TEXT,
  text TEXT NOT NULL);
CREATE INDEX annotations_by_unit ON annotations(unit_id);
CREATE INDEX annotations_by_variant ON annotations(variant_id);
)sql",
    // Version 2: the concordance index in tables of its own instead of FTS5 (filled, and
    // the FTS5 tables dropped, by complete_concordance_index on opening), and the props and
    // notes of imported TMX headers.
    R"sql(
CREATE TABLE concordance_segments(
  lang TEXT NOT NULL,
  last_id INTEGER NOT NULL,
  first_id INTEGER NOT NULL,
  variants INTEGER NOT NULL,
  PRIMARY KEY(lang, last_id)) WITHOUT ROWID;
CREATE TABLE concordance_postings(
  id INTEGER PRIMARY KEY,
  lang TEXT NOT NULL,
  segment INTEGER NOT NULL,
  trigram INTEGER NOT NULL,
  ids BLOB NOT NULL);
CREATE UNIQUE INDEX concordance_by_trigram ON concordance_postings(lang, segment, trigram);
INSERT INTO meta(key, value) VALUES ('concordance_through', '0');
CREATE TABLE header_annotations(
  id INTEGER PRIMARY KEY,
  is_note INTEGER NOT NULL,
  type TEXT,
  lang TEXT,
  text TEXT NOT NULL,
  origin_file TEXT);
)sql",
    // Version 3: the concordance index holds bridge terms beside the trigrams, in a table of
    // a new name, so that a program of version 2 that still has the memory open fails on its
    // next write instead of adding lists without bridges, which queries would then miss.
    // The index is emptied here and rebuilt by complete_concordance_index on opening.
    R"sql(
DROP TABLE concordance_postings;
CREATE TABLE concordance_terms(
  id INTEGER PRIMARY KEY,
  lang TEXT NOT NULL,
  segment INTEGER NOT NULL,
  term INTEGER NOT NULL,
  ids BLOB NOT NULL);
CREATE UNIQUE INDEX concordance_by_term ON concordance_terms(lang, segment, term);
DELETE FROM concordance_segments;
UPDATE meta SET value = '0' WHERE key = 'concordance_through';
)sql",
    // Version 4: exact lookup through a table of (language, hash, variant id) that the
    // program writes beside each variant, instead of an index on variants: a batch filling
    // an empty memory holds its rows back and writes them in key order before its commit
    // (memory/variant_hashes.h). The column's new name makes a program of version 3 that
    // still has the memory open fail on its next insert instead of adding variants exact
    // lookup would not find. A variant deleted by other means takes its row with it.
    R"sql(
DROP INDEX variants_by_hash;
ALTER TABLE variants RENAME COLUMN hash TO segment_hash;
CREATE TABLE variant_hashes(
  lang TEXT NOT NULL,
  hash INTEGER NOT NULL,
  variant_id INTEGER NOT NULL,
  PRIMARY KEY(lang, hash, variant_id)) WITHOUT ROWID;
INSERT INTO variant_hashes(lang, hash, variant_id)
  SELECT lang, segment_hash, id FROM variants ORDER BY lang, segment_hash, id;
CREATE TRIGGER variants_hash_delete AFTER DELETE ON variants BEGIN
  DELETE FROM variant_hashes WHERE lang = old.lang AND hash = old.segment_hash AND variant_id = old.id;
END;
)sql",
};
static_assert(std::size(kMigrations) == kSchemaVersion);

struct StoredVariant {
  std::int64_t id = 0;
  std::string lang, text, codes;
};

}  // namespace

std::span<const char* const> memory::schema_steps() { return kMigrations; }

struct TranslationMemory::Impl {
  sql::Database db;
  bool in_batch = false;
  std::uint64_t concordance_queries = 0;  // on this connection
  memory::ConcordanceWriter concordance;  // postings of this transaction's variants
  // Rows of variant_hashes held back while a batch fills an empty memory.
  memory::PendingHashes pending_hashes;

  // Prepared on first use.
  std::unique_ptr<Statement> find_by_hash, check_held_back, insert_hash, insert_unit, insert_variant,
      insert_annotation, unit_row, unit_variants, unit_annotations, refresh_unit, refresh_variant;
  std::vector<std::int64_t> held_back_ids;

  // Set by BulkWrite while SQLite checks no foreign keys on this connection.
  bool unchecked_references = false;
  // A batch filling an empty memory without those checks writes its units and variants
  // many rows to a statement (one statement per row was a fifth of their inserts' cost),
  // with ids it assigns itself; a row may wait in memory after the rows that refer to it
  // are written. Whatever reads the tables first writes what waits (write_waiting).
  std::unique_ptr<sql::BulkInsert> waiting_units, waiting_variants;
  std::int64_t next_unit_id = 0, next_variant_id = 0;
  // For each of the last 64 units, the id of its first variant; the unit of the first
  // variant waiting. A duplicate check that finds a variant of a unit with rows waiting
  // writes them first. (A variant added to an older unit is written at once.)
  std::array<std::int64_t, 64> first_variant_of_unit{};
  std::int64_t unit_of_first_waiting_variant = 0;

  int busy_timeout_ms;

  Impl(const std::string& path, const MemoryOptions& options)
      : db(path, options.create_if_missing), busy_timeout_ms(options.busy_timeout_ms) {
    configure();
    migrate();
    memory::complete_concordance_index(db);
  }

  // Reading (the concordance's posting lists above all) through the mapped file rather
  // than a system call per page; docs/memory-format.md, "Connection settings".
  static constexpr const char* kMapFile = "PRAGMA mmap_size = 1073741824";
  void map_file() { db.exec(kMapFile); }

  void configure() {
    sqlite3_busy_timeout(db.handle(), busy_timeout_ms);
    db.exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536;"
            " PRAGMA temp_store = MEMORY;");
    map_file();
  }

  Statement& prepared(std::unique_ptr<Statement>& slot, const char* sql) {
    if (!slot) slot = std::make_unique<Statement>(db, sql);
    return *slot;
  }

  // Creates or upgrades the schema (schema_migration.h); the notice of an upgrade and its
  // backup copy goes to standard error, as the one thing a user must hear about on opening.
  void migrate() {
    memory::migrate_schema(db, kMigrations,
                           [](const std::string& notice) { std::cerr << "dilmanc: " << notice << "\n"; });
  }

  // A rolled-back transaction may have dropped tables created inside it (search tables,
  // index tables) that cached statements still refer to: start again on a fresh connection.
  void after_rollback() {
    for (auto* slot : {&find_by_hash, &check_held_back, &insert_hash, &insert_unit, &insert_variant,
                       &insert_annotation, &unit_row, &unit_variants, &unit_annotations, &refresh_unit,
                       &refresh_variant})
      slot->reset();
    stop_waiting_rows();
    pending_hashes.stop();
    concordance.clear();
    db.reopen();
    unchecked_references = false;
    configure();
  }

  void start_waiting_rows() {
    waiting_units = std::make_unique<sql::BulkInsert>(
        db, "units",
        std::initializer_list<std::string_view>{"id", "tuid", "source_lang", "context_prev", "context_next",
                                                "origin_file", "origin_segment", "datatype", "segtype", "created_at",
                                                "created_by", "changed_at", "changed_by", "usage_count",
                                                "last_used_at"});
    waiting_variants = std::make_unique<sql::BulkInsert>(
        db, "variants",
        std::initializer_list<std::string_view>{"id", "unit_id", "lang", "tag", "text", "codes", "normalized",
                                                "segment_hash", "created_at", "created_by", "changed_at",
                                                "changed_by", "usage_count", "last_used_at"});
    Statement units(db, "SELECT coalesce(max(id), 0) + 1 FROM units");
    units.step();
    next_unit_id = units.int64(0);
    Statement variants(db, "SELECT coalesce(max(id), 0) + 1 FROM variants");
    variants.step();
    next_variant_id = variants.int64(0);
  }

  void stop_waiting_rows() {
    waiting_units.reset();
    waiting_variants.reset();
  }

  // Writes the units, variants and fuzzy_variants rows waiting, in that order.
  void write_waiting() {
    if (!waiting_units) return;
    waiting_units->flush();
    waiting_variants->flush();
    memory::write_waiting_fuzzy_rows(db);
  }

  // The lowest variant id of the units that have a row waiting, their own or a variant's.
  std::int64_t oldest_waiting_variant() const {
    std::int64_t oldest = next_variant_id;
    if (waiting_variants->rows_waiting() > 0)
      oldest = first_variant_of_unit[static_cast<std::size_t>(unit_of_first_waiting_variant) % 64];
    if (const auto units = static_cast<std::int64_t>(waiting_units->rows_waiting()); units > 0)
      oldest = std::min(oldest, first_variant_of_unit[static_cast<std::size_t>(next_unit_id - units) % 64]);
    return oldest;
  }

  void write_annotations(std::int64_t unit_id, std::optional<std::int64_t> variant_id,
                         const std::vector<Annotation>& annotations) {
    auto& s = prepared(insert_annotation,
                       "INSERT INTO annotations(unit_id, variant_id, is_note, type, lang, text)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
    for (const auto& a : annotations) {
      s.bind(1, unit_id).bind_optional(2, variant_id).bind(3, a.is_note ? 1 : 0);
      s.bind_text_or_null(4, a.type).bind_text_or_null(5, a.lang).bind(6, a.text);
      s.run();
    }
  }

  // THE one place a variant enters the memory: the row, its search-index entry and its
  // annotations. Indexes kept inside the memory file (such as a fuzzy-match index) hook in here.
  std::int64_t write_variant(std::int64_t unit_id, const PreparedUnit& unit, const PreparedVariant& v) {
    const Variant& src = unit.unit.variants[v.index];
    const std::int64_t id = waiting_variants ? add_waiting_variant(unit_id, src, v) : insert_variant_row(unit_id, src, v);
    if (!pending_hashes.add(v.lang, v.hash, id)) {
      pending_hashes.write(db);  // when held back until now
      prepared(insert_hash, "INSERT INTO variant_hashes(lang, hash, variant_id) VALUES (?1, ?2, ?3)")
          .bind_view(1, v.lang).bind(2, v.hash).bind(3, id).run();
    }
    concordance.add(v.lang, id, std::move(v.normalized));
    concordance.keep_up(db);
    if (waiting_variants)
      memory::index_variant_later(db, id, v.lang, v.fuzzy);
    else
      memory::index_variant(db, id, v.lang, v.fuzzy);
    write_annotations(unit_id, id, src.annotations);
    return id;
  }

  std::int64_t add_waiting_variant(std::int64_t unit_id, const Variant& src, const PreparedVariant& v) {
    const std::int64_t id = next_variant_id++;
    sql::BulkInsert& w = *waiting_variants;
    if (w.rows_waiting() == 0) unit_of_first_waiting_variant = unit_id;
    w.add(id).add(unit_id).add_text(v.lang).add_text(src.tag).add_text(v.text).add_text_or_null(v.codes);
    w.add_text(v.normalized).add(v.hash).add_text_or_null(src.created_at).add_text_or_null(src.created_by);
    w.add_text_or_null(src.changed_at).add_text_or_null(src.changed_by).add(src.usage_count);
    w.add_text_or_null(src.last_used_at).end_row();
    return id;
  }

  std::int64_t insert_variant_row(std::int64_t unit_id, const Variant& src, const PreparedVariant& v) {
    auto& s = prepared(insert_variant,
                       "INSERT INTO variants(unit_id, lang, tag, text, codes, normalized, segment_hash,"
                       " created_at, created_by, changed_at, changed_by, usage_count, last_used_at)"
                       " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)");
    s.bind(1, unit_id).bind_view(2, v.lang).bind_view(3, src.tag).bind_view(4, v.text).bind_view_or_null(5, v.codes);
    s.bind_view(6, v.normalized).bind(7, v.hash);
    s.bind_view_or_null(8, src.created_at).bind_view_or_null(9, src.created_by);
    s.bind_view_or_null(10, src.changed_at).bind_view_or_null(11, src.changed_by);
    s.bind(12, src.usage_count).bind_view_or_null(13, src.last_used_at);
    s.run();
    return db.last_insert_id();
  }

  std::vector<StoredVariant> stored_variants(std::int64_t unit_id) {
    auto& s = prepared(unit_variants, "SELECT id, lang, text, coalesce(codes, '') FROM variants WHERE unit_id = ?1");
    s.bind(1, unit_id);
    std::vector<StoredVariant> out;
    while (s.step()) out.push_back({s.int64(0), s.text(1), s.text(2), s.text(3)});
    s.reset();
    return out;
  }

  std::vector<Annotation> annotations_of(std::int64_t unit_id, std::optional<std::int64_t> variant_id) {
    auto& s = prepared(unit_annotations,
                       "SELECT variant_id, is_note, coalesce(type, ''), coalesce(lang, ''), text"
                       " FROM annotations WHERE unit_id = ?1 ORDER BY id");
    s.bind(1, unit_id);
    std::vector<Annotation> out;
    while (s.step()) {
      if (s.optional_int64(0) != variant_id) continue;
      out.push_back({s.int64(1) != 0, s.text(2), s.text(3), s.text(4)});
    }
    s.reset();
    return out;
  }

  void merge_annotations(std::int64_t unit_id, std::optional<std::int64_t> variant_id,
                         const std::vector<Annotation>& incoming) {
    if (incoming.empty()) return;
    auto existing = annotations_of(unit_id, variant_id);
    std::vector<Annotation> missing;
    for (const auto& a : incoming)
      if (std::find(existing.begin(), existing.end(), a) == existing.end()) missing.push_back(a);
    write_annotations(unit_id, variant_id, missing);
  }

  AddResult add(const PreparedUnit& prepared);
  std::vector<TranslationUnit> load_units(const std::vector<std::int64_t>& ids);
};

}  // namespace dilmanc

namespace dilmanc::memory {

bool simple_search_key(std::string_view text, bool russian, std::string& out) {
  // The key is never longer than the text: written through a pointer, not appended.
  out.resize(text.size());
  char* p = out.data();
  const bool simple = simple_fold(text, russian, [&p](char c) { *p++ = c; });
  out.resize(simple ? static_cast<std::size_t>(p - out.data()) : 0);
  return simple;
}

std::string fast_search_key(std::string_view text, std::string_view lang) {
  const std::string primary = primary_language(lang);
  std::string out;
  // Turkic folding differs for I and i: those go the whole way.
  if (primary != "az" && primary != "tr" && simple_search_key(text, primary == "ru", out)) return out;
  return search_key(text, lang);
}

PreparedUnit prepare_unit(TranslationUnit unit) {
  if (unit.variants.empty()) ThrowUsage(tr("a translation unit needs at least one language variant"));
  PreparedUnit prepared;
  prepared.variants.reserve(unit.variants.size());
  for (std::size_t k = 0; k < unit.variants.size(); ++k) {
    const Variant& v = unit.variants[k];
    PreparedVariant p;
    p.index = k;
    p.lang = v.language();
    if (p.lang.empty()) ThrowUsage(tr("a language variant has no language tag"));
    for (const auto& q : prepared.variants)
      if (q.lang == p.lang) ThrowUsage(trf("a translation unit has two variants in language '{1}'", p.lang));
    if (std::string problem = check_codes(v.text); !problem.empty())
      ThrowUsage(trf("inline codes of a '{1}' variant are inconsistent: {2}", p.lang, problem));
    p.text = is_nfc(v.text.text) ? v.text.text : to_nfc(v.text.text);
    if (!v.text.codes.empty()) p.codes = serialize_codes(v.text.codes);
    // Text without codes in a language of simple folding (most of a bulk import) has its
    // search key made character by character, and the fuzzy index's word ids need not
    // check that again.
    bool simple = false;
    if (v.text.codes.empty()) {
      if (p.lang != "az" && p.lang != "tr") simple = simple_search_key(p.text, p.lang == "ru", p.normalized);
      if (!simple) p.normalized = search_key(p.text, p.lang);
    } else {
      p.normalized = fast_search_key(plain_text(InlineText{p.text, {}}), p.lang);
    }
    p.hash = segment_hash(p.text);
    p.fuzzy = fuzzy_tokens(p.text, p.lang, simple);
    prepared.variants.push_back(std::move(p));
  }
  prepared.unit = std::move(unit);
  return prepared;
}

}  // namespace dilmanc::memory

namespace dilmanc {

AddResult TranslationMemory::Impl::add(const PreparedUnit& input) {
  const TranslationUnit& unit = input.unit;
  const std::vector<PreparedVariant>& prepared_variants = input.variants;
  // The clock only for a unit without dates (an exchange file's units mostly have them).
  const std::string created_at =
      !unit.created_at.empty() ? unit.created_at : !unit.changed_at.empty() ? unit.changed_at : now_iso();
  const std::string changed_at = unit.changed_at.empty() ? created_at : unit.changed_at;

  // Candidates: units already holding the source variant (every variant when the source
  // language is unknown), in the same context.
  const std::string source_lang = primary_language(unit.source_lang);
  bool has_source = false;
  for (const auto& p : prepared_variants) has_source = has_source || p.lang == source_lang;
  std::vector<std::int64_t> candidates;
  auto take = [&candidates](std::int64_t id) {
    if (std::find(candidates.begin(), candidates.end(), id) == candidates.end()) candidates.push_back(id);
  };
  for (const auto& p : prepared_variants) {
    if (has_source && p.lang != source_lang) continue;
    // (After a failed commit the batch may go on: its rows are written, then looked up in SQLite.)
    if (pending_hashes.active() && !pending_hashes.findable()) pending_hashes.write(db);
    if (pending_hashes.active()) {
      // Every variant of the memory is held back here: the ids from memory, the rest of
      // the test, and the order of the query below, from the rows.
      held_back_ids.clear();
      pending_hashes.find(p.lang, p.hash, held_back_ids);
      if (held_back_ids.empty()) continue;
      if (waiting_units &&
          *std::max_element(held_back_ids.begin(), held_back_ids.end()) >= oldest_waiting_variant())
        write_waiting();
      auto& check = prepared(check_held_back,
                             "SELECT u.id, u.changed_at FROM variants v JOIN units u ON u.id = v.unit_id"
                             " WHERE v.id = ?1 AND v.text = ?2 AND coalesce(v.codes, '') = ?3"
                             " AND u.context_prev IS ?4 AND u.context_next IS ?5");
      std::vector<std::pair<std::string, std::int64_t>> found;
      for (std::int64_t variant_id : held_back_ids) {
        check.bind(1, variant_id).bind(2, p.text).bind(3, p.codes);
        check.bind_optional(4, unit.context_prev).bind_optional(5, unit.context_next);
        while (check.step()) found.emplace_back(check.text(1), check.int64(0));
        check.reset();
      }
      std::sort(found.begin(), found.end(), std::greater<>());
      for (const auto& f : found) take(f.second);
      continue;
    }
    write_waiting();
    auto& find = prepared(find_by_hash,
                          "SELECT v.unit_id FROM variant_hashes h"
                          " JOIN variants v ON v.id = h.variant_id AND v.segment_hash = h.hash"
                          " JOIN units u ON u.id = v.unit_id"
                          " WHERE h.lang = ?1 AND h.hash = ?2 AND v.text = ?3 AND coalesce(v.codes, '') = ?4"
                          " AND u.context_prev IS ?5 AND u.context_next IS ?6"
                          " ORDER BY u.changed_at DESC, u.id DESC");
    find.bind(1, p.lang).bind(2, p.hash).bind(3, p.text).bind(4, p.codes);
    find.bind_optional(5, unit.context_prev).bind_optional(6, unit.context_next);
    while (find.step()) take(find.int64(0));
    find.reset();
  }

  for (std::int64_t candidate : candidates) {
    auto stored = stored_variants(candidate);
    bool conflict = false;
    for (const auto& p : prepared_variants)
      for (const auto& s : stored)
        if (s.lang == p.lang && (s.text != p.text || s.codes != p.codes)) conflict = true;
    if (conflict) continue;

    // The same unit again: refresh it and add the languages it lacks.
    auto& refresh_v = prepared(refresh_variant,
                               "UPDATE variants SET"
                               " changed_at = CASE WHEN ?2 > coalesce(changed_at, '') THEN ?2 ELSE changed_at END,"
                               " changed_by = CASE WHEN ?2 > coalesce(changed_at, '') THEN ?3 ELSE changed_by END,"
                               " usage_count = max(usage_count, ?4),"
                               " last_used_at = CASE WHEN ?5 > coalesce(last_used_at, '') THEN ?5 ELSE last_used_at END"
                               " WHERE id = ?1");
    for (const auto& p : prepared_variants) {
      auto it = std::find_if(stored.begin(), stored.end(), [&](const StoredVariant& s) { return s.lang == p.lang; });
      if (it == stored.end()) {
        write_variant(candidate, input, p);
        write_waiting();
        continue;
      }
      const Variant& src = unit.variants[p.index];
      refresh_v.bind(1, it->id).bind_text_or_null(2, src.changed_at).bind_text_or_null(3, src.changed_by);
      refresh_v.bind(4, src.usage_count).bind_text_or_null(5, src.last_used_at).run();
      merge_annotations(candidate, it->id, src.annotations);
    }
    auto& refresh_u = prepared(refresh_unit,
                               "UPDATE units SET"
                               " created_at = min(created_at, ?2),"
                               " changed_by = CASE WHEN ?3 > changed_at THEN ?4 ELSE changed_by END,"
                               " changed_at = max(changed_at, ?3),"
                               " usage_count = max(usage_count, ?5),"
                               " last_used_at = CASE WHEN ?6 > coalesce(last_used_at, '') THEN ?6 ELSE last_used_at END,"
                               " tuid = coalesce(tuid, ?7), origin_file = coalesce(origin_file, ?8),"
                               " origin_segment = coalesce(origin_segment, ?9)"
                               " WHERE id = ?1");
    refresh_u.bind(1, candidate).bind(2, created_at).bind(3, changed_at).bind_text_or_null(4, unit.changed_by);
    refresh_u.bind(5, unit.usage_count).bind_text_or_null(6, unit.last_used_at);
    refresh_u.bind_text_or_null(7, unit.tuid).bind_text_or_null(8, unit.origin_file);
    refresh_u.bind_text_or_null(9, unit.origin_segment).run();
    merge_annotations(candidate, std::nullopt, unit.annotations);
    return {AddResult::Outcome::kUpdated, candidate};
  }

  if (waiting_units) {
    const std::int64_t unit_id = next_unit_id++;
    first_variant_of_unit[static_cast<std::size_t>(unit_id) % 64] = next_variant_id;
    sql::BulkInsert& w = *waiting_units;
    w.add(unit_id).add_text_or_null(unit.tuid).add_text_or_null(unit.source_lang);
    w.add_optional(unit.context_prev).add_optional(unit.context_next);
    w.add_text_or_null(unit.origin_file).add_text_or_null(unit.origin_segment);
    w.add_text_or_null(unit.datatype).add_text_or_null(unit.segtype);
    w.add_text(created_at).add_text_or_null(unit.created_by).add_text(changed_at).add_text_or_null(unit.changed_by);
    w.add(unit.usage_count).add_text_or_null(unit.last_used_at).end_row();
    write_annotations(unit_id, std::nullopt, unit.annotations);
    for (const auto& p : prepared_variants) write_variant(unit_id, input, p);
    return {AddResult::Outcome::kAdded, unit_id};
  }
  auto& insert = prepared(insert_unit,
                          "INSERT INTO units(tuid, source_lang, context_prev, context_next, origin_file,"
                          " origin_segment, datatype, segtype, created_at, created_by, changed_at, changed_by,"
                          " usage_count, last_used_at)"
                          " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)");
  insert.bind_view_or_null(1, unit.tuid).bind_view_or_null(2, unit.source_lang);
  insert.bind_optional(3, unit.context_prev).bind_optional(4, unit.context_next);
  insert.bind_view_or_null(5, unit.origin_file).bind_view_or_null(6, unit.origin_segment);
  insert.bind_view_or_null(7, unit.datatype).bind_view_or_null(8, unit.segtype);
  insert.bind_view(9, created_at).bind_view_or_null(10, unit.created_by);
  insert.bind_view(11, changed_at).bind_view_or_null(12, unit.changed_by);
  insert.bind(13, unit.usage_count).bind_view_or_null(14, unit.last_used_at);
  insert.run();
  const std::int64_t unit_id = db.last_insert_id();
  write_annotations(unit_id, std::nullopt, unit.annotations);
  for (const auto& p : prepared_variants) write_variant(unit_id, input, p);
  return {AddResult::Outcome::kAdded, unit_id};
}

std::vector<TranslationUnit> TranslationMemory::Impl::load_units(const std::vector<std::int64_t>& ids) {
  std::vector<TranslationUnit> out;
  auto& u = prepared(unit_row,
                     "SELECT id, coalesce(tuid, ''), coalesce(source_lang, ''), context_prev, context_next,"
                     " coalesce(origin_file, ''), coalesce(origin_segment, ''), coalesce(datatype, ''),"
                     " coalesce(segtype, ''), created_at, coalesce(created_by, ''), changed_at,"
                     " coalesce(changed_by, ''), usage_count, coalesce(last_used_at, '')"
                     " FROM units WHERE id = ?1");
  Statement variants(db,
                     "SELECT id, tag, text, coalesce(codes, ''), coalesce(created_at, ''),"
                     " coalesce(created_by, ''), coalesce(changed_at, ''), coalesce(changed_by, ''),"
                     " usage_count, coalesce(last_used_at, '') FROM variants WHERE unit_id = ?1 ORDER BY lang");
  for (std::int64_t id : ids) {
    u.bind(1, id);
    if (!u.step()) {
      u.reset();
      continue;
    }
    TranslationUnit t;
    t.id = u.int64(0);
    t.tuid = u.text(1);
    t.source_lang = u.text(2);
    t.context_prev = u.optional_int64(3);
    t.context_next = u.optional_int64(4);
    t.origin_file = u.text(5);
    t.origin_segment = u.text(6);
    t.datatype = u.text(7);
    t.segtype = u.text(8);
    t.created_at = u.text(9);
    t.created_by = u.text(10);
    t.changed_at = u.text(11);
    t.changed_by = u.text(12);
    t.usage_count = u.int64(13);
    t.last_used_at = u.text(14);
    u.reset();
    t.annotations = annotations_of(id, std::nullopt);
    variants.bind(1, id);
    std::vector<std::int64_t> variant_ids;
    while (variants.step()) {
      Variant v;
      variant_ids.push_back(variants.int64(0));
      v.tag = variants.text(1);
      v.text.text = variants.text(2);
      if (std::string codes = variants.text(3); !codes.empty()) v.text.codes = memory::parse_codes(codes);
      v.created_at = variants.text(4);
      v.created_by = variants.text(5);
      v.changed_at = variants.text(6);
      v.changed_by = variants.text(7);
      v.usage_count = variants.int64(8);
      v.last_used_at = variants.text(9);
      t.variants.push_back(std::move(v));
    }
    variants.reset();
    for (std::size_t k = 0; k < t.variants.size(); ++k) t.variants[k].annotations = annotations_of(id, variant_ids[k]);
    out.push_back(std::move(t));
  }
  return out;
}

TranslationMemory::TranslationMemory(const std::string& path, MemoryOptions options)
    : impl_(std::make_unique<Impl>(path, options)) {}

TranslationMemory::~TranslationMemory() = default;

const std::string& TranslationMemory::path() const { return impl_->db.path(); }

TranslationMemory::Batch::Batch(TranslationMemory& memory) : memory_(memory) {
  if (memory_.impl_->in_batch) ThrowUsage(tr("a batch of changes is already open on this memory"));
  memory_.impl_->db.exec("BEGIN IMMEDIATE");
  memory_.impl_->in_batch = true;
  try {
    sql::Statement any(memory_.impl_->db,
                       "SELECT EXISTS (SELECT 1 FROM variants) OR EXISTS (SELECT 1 FROM variant_hashes)");
    if (any.step() && any.int64(0) == 0) {
      memory_.impl_->pending_hashes.start();
      if (memory_.impl_->unchecked_references) memory_.impl_->start_waiting_rows();
    }
  } catch (...) {
    sqlite3_exec(memory_.impl_->db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    memory_.impl_->in_batch = false;
    memory_.impl_->stop_waiting_rows();
    throw;
  }
}

TranslationMemory::Batch::~Batch() {
  if (!open_) return;
  sqlite3_exec(memory_.impl_->db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
  memory_.impl_->in_batch = false;
  try {
    memory_.impl_->after_rollback();
  } catch (...) {
    // The next use of the memory reports the problem.
  }
}

void TranslationMemory::Batch::commit() {
  if (!open_) return;
  memory_.impl_->write_waiting();
  memory_.impl_->pending_hashes.sort_in_background();
  memory::start_finishing_fuzzy_index(memory_.impl_->db);
  memory_.impl_->concordance.flush(memory_.impl_->db, 0);
  memory::finish_fuzzy_index(memory_.impl_->db);
  memory_.impl_->pending_hashes.write(memory_.impl_->db);
  memory_.impl_->db.exec("COMMIT");
  memory_.impl_->in_batch = false;
  memory_.impl_->stop_waiting_rows();
  open_ = false;
}

namespace memory {
namespace {

// Sets the connection's journal mode; the mode in force afterwards, in lower case, or ""
// when SQLite refused (another connection holds the file: SQLITE_BUSY).
std::string set_journal_mode(sqlite3* db, const char* mode) {
  const std::string sql = std::string("PRAGMA journal_mode = ") + mode;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) return {};
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW)
    if (const unsigned char* text = sqlite3_column_text(stmt, 0)) out = reinterpret_cast<const char*>(text);
  sqlite3_finalize(stmt);
  return out;
}

}  // namespace

BulkWrite::BulkWrite(TranslationMemory& memory) : memory_(memory) {
  TranslationMemory::Impl& impl = *memory_.impl_;
  if (impl.in_batch) return;
  {
    sql::Statement any(impl.db, "SELECT EXISTS (SELECT 1 FROM variants)");
    if (!any.step() || any.int64(0) != 0) return;
  }
  sqlite3* db = impl.db.handle();
  // Never wait here: while any other connection has the file open it keeps the log.
  sqlite3_busy_timeout(db, 0);
  const bool switched = set_journal_mode(db, "DELETE") == "delete";
  sqlite3_busy_timeout(db, impl.busy_timeout_ms);
  if (!switched) return;
  active_ = true;
  try {
    // Pages read back come through the page cache, not the mapped file: mapped pages of
    // the growing file would count against the process's memory. FULL: the rollback
    // journal's safe setting (NORMAL is the log's). No foreign-key checks: every row the
    // import writes refers to the unit or variant it has just written, and the check, a
    // search of the units table per variant and per note, cost a tenth of the inserts.
    impl.db.exec("PRAGMA mmap_size = 0; PRAGMA synchronous = FULL; PRAGMA foreign_keys = OFF");
    impl.unchecked_references = true;
    writeback_ = std::make_unique<Writeback>(impl.db.handle(), 500);
  } catch (...) {
    restore();
    throw;
  }
}

BulkWrite::~BulkWrite() { restore(); }

void BulkWrite::restore() noexcept {
  if (!active_) return;
  active_ = false;
  writeback_.reset();
  // The connection may be a new one (a rolled-back batch reopens it); the file's mode is
  // the same. Other processes that opened the file meanwhile want the log too and may win
  // the switch: a few seconds of tries, after which the next opening switches.
  TranslationMemory::Impl& impl = *memory_.impl_;
  impl.unchecked_references = false;
  sqlite3* db = impl.db.handle();
  for (int attempt = 0; attempt < 250 && set_journal_mode(db, "WAL") != "wal"; ++attempt)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  sqlite3_exec(db, "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON", nullptr, nullptr, nullptr);
  sqlite3_exec(db, TranslationMemory::Impl::kMapFile, nullptr, nullptr, nullptr);
}

}  // namespace memory

AddResult TranslationMemory::add(const TranslationUnit& unit) {
  const PreparedUnit prepared = memory::prepare_unit(unit);
  if (impl_->in_batch) return impl_->add(prepared);
  try {
    sql::Transaction tx(impl_->db);
    AddResult result = impl_->add(prepared);
    impl_->concordance.flush(impl_->db, 0);
    memory::finish_fuzzy_index(impl_->db);
    tx.commit();
    return result;
  } catch (...) {
    impl_->after_rollback();
    throw;
  }
}

void memory::prefetch_prepared(const TranslationMemory& memory, const PreparedUnit& unit) {
  const memory::PendingHashes& held_back = memory.impl_->pending_hashes;
  for (const PreparedVariant& v : unit.variants) held_back.prefetch(v.lang, v.hash);
}

AddResult memory::add_prepared(TranslationMemory& memory, const PreparedUnit& unit) {
  if (!memory.impl_->in_batch) ThrowUsage(tr("prepared units are added inside a batch"));
  return memory.impl_->add(unit);
}

void TranslationMemory::add_header_annotations(const std::vector<Annotation>& annotations,
                                               const std::string& origin_file) {
  if (annotations.empty()) return;
  std::optional<sql::Transaction> tx;
  if (!impl_->in_batch) tx.emplace(impl_->db);
  Statement exists(impl_->db,
                   "SELECT 1 FROM header_annotations WHERE is_note = ?1 AND coalesce(type, '') = ?2"
                   " AND coalesce(lang, '') = ?3 AND text = ?4");
  Statement insert(impl_->db,
                   "INSERT INTO header_annotations(is_note, type, lang, text, origin_file) VALUES (?1, ?2, ?3, ?4, ?5)");
  for (const auto& a : annotations) {
    exists.bind(1, a.is_note ? 1 : 0).bind(2, a.type).bind(3, a.lang).bind(4, a.text);
    const bool known = exists.step();
    exists.reset();
    if (known) continue;
    insert.bind(1, a.is_note ? 1 : 0).bind_text_or_null(2, a.type).bind_text_or_null(3, a.lang).bind(4, a.text);
    insert.bind_text_or_null(5, origin_file).run();
  }
  if (tx) tx->commit();
}

std::vector<Annotation> TranslationMemory::header_annotations() const {
  Statement s(impl_->db,
              "SELECT is_note, coalesce(type, ''), coalesce(lang, ''), text FROM header_annotations ORDER BY id");
  std::vector<Annotation> out;
  while (s.step()) out.push_back({s.int64(0) != 0, s.text(1), s.text(2), s.text(3)});
  return out;
}

void TranslationMemory::record_use(std::int64_t unit_id) {
  impl_->write_waiting();
  Statement s(impl_->db, "UPDATE units SET usage_count = usage_count + 1, last_used_at = ?2 WHERE id = ?1");
  s.bind(1, unit_id).bind(2, now_iso()).run();
}

std::optional<TranslationUnit> TranslationMemory::unit(std::int64_t id) const {
  impl_->write_waiting();
  auto units = impl_->load_units({id});
  if (units.empty()) return std::nullopt;
  return std::move(units.front());
}

std::vector<TranslationUnit> TranslationMemory::lookup_exact(const InlineText& source, std::string_view lang,
                                                             std::optional<std::int64_t> context_prev,
                                                             std::optional<std::int64_t> context_next) const {
  impl_->write_waiting();
  const std::string text = is_nfc(source.text) ? source.text : to_nfc(source.text);
  // Inside a batch that holds rows back: written now, and one by one from now on.
  impl_->pending_hashes.write(impl_->db);
  Statement s(impl_->db,
              "SELECT v.unit_id FROM variant_hashes h"
              " JOIN variants v ON v.id = h.variant_id AND v.segment_hash = h.hash"
              " JOIN units u ON u.id = v.unit_id"
              " WHERE h.lang = ?1 AND h.hash = ?2 AND v.text = ?3"
              " ORDER BY (u.context_prev IS ?4 AND u.context_next IS ?5) DESC, u.changed_at DESC, u.id DESC");
  s.bind(1, primary_language(lang)).bind(2, segment_hash(text)).bind(3, text);
  s.bind_optional(4, context_prev).bind_optional(5, context_next);
  std::vector<std::int64_t> ids;
  while (s.step()) ids.push_back(s.int64(0));
  return impl_->load_units(ids);
}

std::vector<ConcordanceHit> TranslationMemory::concordance(std::string_view query, std::string_view lang,
                                                            std::size_t limit) const {
  impl_->write_waiting();
  const std::string primary = primary_language(lang);
  const std::string key = search_key(query, primary);
  if (key.empty() || limit == 0) return {};
  // Inside an open batch the pending postings belong to the same transaction.
  if (impl_->in_batch && !impl_->concordance.empty()) impl_->concordance.flush(impl_->db, 0);
  // A connection's first query reads through SQLite's cache rather than the mapped file:
  // every page it touches is new to the process, and a first touch of a mapped page cost
  // 30-40 us on the benchmark machine against 3 us for a read (a one-query `dilmanc
  // concordance` of a phrase on the 1M-unit memory: 22-24 ms instead of 28-45 ms). Later
  // queries find many of their pages mapped already. Outside a transaction only, where
  // SQLite can change its mapping.
  struct MapAfter {
    sql::Database* db = nullptr;
    ~MapAfter() {
      if (db) sqlite3_exec(db->handle(), Impl::kMapFile, nullptr, nullptr, nullptr);  // never throws
    }
  } map_after;
  if (impl_->concordance_queries++ == 0 && !impl_->in_batch) {
    impl_->db.exec("PRAGMA mmap_size = 0");
    map_after.db = &impl_->db;
  }
  std::vector<std::int64_t> ids;
  {
    Statement s(impl_->db, "SELECT unit_id FROM variants WHERE id = ?1");
    for (std::int64_t variant : memory::concordance_variants(impl_->db, primary, key, limit)) {
      s.bind(1, variant);
      if (s.step()) ids.push_back(s.int64(0));
      s.reset();
    }
  }
  std::vector<ConcordanceHit> hits;
  for (auto& unit : impl_->load_units(ids)) {
    ConcordanceHit hit;
    if (const Variant* v = unit.variant(primary)) hit.matches = memory::find_matches(v->text.text, key, primary);
    hit.unit = std::move(unit);
    hits.push_back(std::move(hit));
  }
  return hits;
}

std::string TranslationMemory::last_change() const {
  impl_->write_waiting();
  Statement s(impl_->db, "SELECT coalesce(max(changed_at), '') FROM units");
  s.step();
  return s.text(0);
}

MemoryStats TranslationMemory::stats() const {
  impl_->write_waiting();
  MemoryStats st;
  sql::Database& db = impl_->db;
  impl_->pending_hashes.write(db);  // inside a batch that holds rows back
  {
    Statement s(db, "SELECT count(*), coalesce(max(changed_at), '') FROM units");
    s.step();
    st.units = s.int64(0);
    st.last_change = s.text(1);
  }
  {
    // From the exact-lookup rows, one per variant: a fifth of the variants table's size.
    Statement s(db, "SELECT lang, count(*) FROM variant_hashes GROUP BY lang");
    while (s.step()) st.variants_per_language[s.text(0)] = s.int64(1);
  }
  {
    // Each unit's languages in one pass over the (unit_id, lang) index, and the pairs
    // counted from those combinations: a join of the variants with themselves took 6 s
    // of CPU at 1M units, this 1 s.
    Statement s(db,
                "SELECT langs, count(*) FROM (SELECT group_concat(lang, ' ') AS langs FROM variants GROUP BY unit_id)"
                " GROUP BY langs");
    while (s.step()) {
      std::vector<std::string> langs;
      std::istringstream words(s.text(0));
      for (std::string lang; words >> lang;) langs.push_back(lang);
      std::sort(langs.begin(), langs.end());
      for (std::size_t i = 0; i < langs.size(); ++i)
        for (std::size_t j = i + 1; j < langs.size(); ++j) st.language_pairs[langs[i] + "-" + langs[j]] += s.int64(1);
    }
  }
  std::error_code ec;
  for (const char* suffix : {"", "-wal"}) {
    auto size = std::filesystem::file_size(db.path() + suffix, ec);
    if (!ec) st.file_size += static_cast<std::int64_t>(size);
  }
  return st;
}

void TranslationMemory::for_each_unit(const std::function<bool(const TranslationUnit&)>& visit,
                                      const std::vector<std::string>& languages, std::size_t min_variants) const {
  impl_->write_waiting();
  std::vector<std::string> wanted;
  for (const auto& l : languages) wanted.push_back(primary_language(l));
  std::int64_t after = 0;
  constexpr std::int64_t kPage = 512;
  Statement page(impl_->db, "SELECT id FROM units WHERE id > ?1 ORDER BY id LIMIT ?2");
  for (;;) {
    page.bind(1, after).bind(2, kPage);
    std::vector<std::int64_t> ids;
    while (page.step()) ids.push_back(page.int64(0));
    page.reset();
    if (ids.empty()) return;
    after = ids.back();
    for (auto& unit : impl_->load_units(ids)) {
      if (!wanted.empty()) {
        std::vector<Variant> kept;
        for (auto& v : unit.variants)
          if (std::find(wanted.begin(), wanted.end(), v.language()) != wanted.end()) kept.push_back(std::move(v));
        unit.variants = std::move(kept);
      }
      if (unit.variants.size() < std::max<std::size_t>(min_variants, 1)) continue;
      if (!visit(unit)) return;
    }
  }
}

void TranslationMemory::for_each_variant(std::string_view lang,
                                         const std::function<bool(const VariantRecord&)>& visit) const {
  impl_->write_waiting();
  Statement s(impl_->db,
              "SELECT id, unit_id, tag, text, coalesce(codes, ''), normalized FROM variants"
              " WHERE lang = ?1 ORDER BY id");
  s.bind(1, primary_language(lang));
  while (s.step()) {
    VariantRecord r;
    r.variant_id = s.int64(0);
    r.unit_id = s.int64(1);
    r.tag = s.text(2);
    r.text.text = s.text(3);
    if (std::string codes = s.text(4); !codes.empty()) r.text.codes = memory::parse_codes(codes);
    r.normalized = s.text(5);
    if (!visit(r)) return;
  }
}

}  // namespace dilmanc

// The stored form of the fuzzy-match index (docs/memory-format.md, "Fuzzy index"), shared
// by its writer (fuzzy_index_writer.cpp: every variant the memory writes) and its reader
// (fuzzy_index.cpp: lookups). Internal to src/memory.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/text.h"
#include "match/index_keys.h"
#include "match/token_hash.h"
#include "memory/sqlite.h"
#include "memory/varint.h"

namespace dilmanc::memory::fuzzy {

// Raised whenever the stored form changes; an index of another version is rebuilt.
inline constexpr std::int64_t kIndexVersion = 5;

// New variants wait in fuzzy_variants until a transaction ends with this many waiting (or
// gathers many more); then their postings are appended to fuzzy_postings in one chunk per
// token. Lookups check the waiting ones directly, so the index stays exact in between.
inline constexpr std::int64_t kFlushThreshold = 4096;

// A token's 32-bit id, and the one that stands for "no words at all" so that variants
// made only of punctuation and codes are found too.
inline std::int32_t token_id(std::uint64_t base_key, std::string_view lang) {
  return static_cast<std::int32_t>(static_cast<std::uint64_t>(match::index_token(base_key, lang)) & 0xFFFFFFFFu);
}
inline std::int32_t empty_token(std::string_view lang) { return token_id(match::hash_key("\x02(no words)"), lang); }

inline const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS fuzzy_state(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fuzzy_variants(
  variant_id INTEGER PRIMARY KEY,
  lang TEXT NOT NULL,
  length INTEGER NOT NULL,
  tokens BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fuzzy_postings(
  token INTEGER NOT NULL,
  band INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  ids BLOB NOT NULL,
  PRIMARY KEY(token, band, chunk)) WITHOUT ROWID;
)sql";

// A token's postings are stored apart by the length of their variants, in bands that
// widen with the length: a lookup reads only the bands of the lengths its minimum score
// allows. A long query then skips the short segments that hold most postings of frequent
// words (half of the 1M-unit memory's variants have one to four words).
inline constexpr int kLengthBands = 12;
inline constexpr int kBandStart[kLengthBands] = {0, 2, 3, 4, 5, 7, 9, 12, 16, 22, 32, 48};
inline int length_band(std::int64_t length) {
  int band = 0;
  while (band + 1 < kLengthBands && length >= kBandStart[band + 1]) ++band;
  return band;
}
// The lengths of band `band`: [band_first(band), band_last(band)].
inline int band_first(int band) { return kBandStart[band]; }
inline int band_last(int band) {
  return band + 1 < kLengthBands ? kBandStart[band + 1] - 1 : std::numeric_limits<int>::max();
}

struct Posting {
  std::int64_t id = 0;
  int length = 0;
};

// A chunk holds its postings in id order, each as two varints: the id's distance from
// the previous one, and the variant's length (fuzzy_index_writer.cpp writes them).
// The chunk's postings whose length is in [lo, hi], appended to `out`.
inline void decode_postings(const unsigned char* p, std::size_t n, int lo, int hi, std::vector<Posting>& out) {
  std::int64_t id = 0;
  std::size_t i = 0;
  while (i < n) {
    id += static_cast<std::int64_t>(get_varint(p, n, &i));
    const auto length = static_cast<int>(get_varint(p, n, &i));
    if (length >= lo && length <= hi) out.push_back({id, length});
  }
}

// A prepared statement over the raw API: the memory's wrapper has no blobs.
class Query {
 public:
  Query(sql::Database& db, const char* text) : db_(db) {
    int rc = sqlite3_prepare_v3(db.handle(), text, -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) db.fail(rc);
  }
  ~Query() { sqlite3_finalize(stmt_); }
  Query(const Query&) = delete;
  Query& operator=(const Query&) = delete;

  Query& bind(int i, std::int64_t v) {
    check(sqlite3_bind_int64(stmt_, i, v));
    return *this;
  }
  Query& bind(int i, std::string_view v) {
    check(sqlite3_bind_text64(stmt_, i, v.data() ? v.data() : "", v.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
  }
  // Not copied (SQLITE_STATIC): the bytes stay alive until the statement is reset, which
  // every caller does at once with run().
  Query& bind_blob(int i, const void* data, std::size_t size) {
    check(sqlite3_bind_blob64(stmt_, i, size ? data : "", size, SQLITE_STATIC));
    return *this;
  }
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    reset();
    db_.fail(rc);
  }
  void run() {
    step();
    reset();
  }
  void reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
  std::int64_t int64(int col) const { return sqlite3_column_int64(stmt_, col); }
  sqlite3_stmt* raw() const { return stmt_; }
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
  }
  const unsigned char* blob(int col, std::size_t* size) const {
    const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_, col));
    *size = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col));
    return p;
  }
  std::vector<std::uint64_t> keys(int col) const {
    const auto* p = static_cast<const unsigned char*>(sqlite3_column_blob(stmt_, col));
    const std::size_t n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col)) / 4;
    std::vector<std::uint64_t> out(n);
    for (std::size_t i = 0; i < n; ++i)
      out[i] = static_cast<std::uint64_t>(p[4 * i]) | static_cast<std::uint64_t>(p[4 * i + 1]) << 8 |
               static_cast<std::uint64_t>(p[4 * i + 2]) << 16 | static_cast<std::uint64_t>(p[4 * i + 3]) << 24;
    return out;
  }

 private:
  void check(int rc) {
    if (rc != SQLITE_OK) db_.fail(rc);
  }
  sql::Database& db_;
  sqlite3_stmt* stmt_ = nullptr;
};

// The 32-bit ids of a text's words and numbers, in order.
inline std::vector<std::int32_t> variant_tokens(std::string_view marker_text, std::string_view lang) {
  const std::string primary = primary_language(lang);
  std::vector<std::int32_t> out;
  for (std::uint64_t key : content_base_keys(marker_text, primary)) out.push_back(token_id(key, primary));
  return out;
}

inline std::int64_t state_value(sql::Database& db, const char* key) {
  Query q(db, "SELECT value FROM fuzzy_state WHERE key = ?1");
  q.bind(1, key);
  return q.step() ? q.int64(0) : 0;
}

inline void set_state(sql::Database& db, const char* key, std::int64_t value) {
  Query q(db, "INSERT OR REPLACE INTO fuzzy_state(key, value) VALUES (?1, ?2)");
  q.bind(1, key).bind(2, value).run();
}

// Hands one token's postings (in id order) to `row(token, band, ids, last id)` as one
// stored list per length band.
template <typename Row>
void token_rows(std::int32_t token, const std::vector<Posting>& postings, std::vector<Posting>& scratch,
                std::string& blob, Row&& row) {
  std::size_t start[kLengthBands + 1] = {};
  for (const Posting& p : postings) ++start[length_band(p.length) + 1];
  for (int b = 0; b < kLengthBands; ++b) start[b + 1] += start[b];
  scratch.resize(postings.size());
  std::size_t fill[kLengthBands];
  for (int b = 0; b < kLengthBands; ++b) fill[b] = start[b];
  for (const Posting& p : postings) scratch[fill[length_band(p.length)]++] = p;  // stable: id order kept
  for (int b = 0; b < kLengthBands; ++b) {
    if (start[b] == start[b + 1]) continue;
    blob.clear();
    std::int64_t previous = 0;
    for (std::size_t i = start[b]; i < start[b + 1]; ++i) {
      put_varint(blob, static_cast<std::uint64_t>(scratch[i].id - previous));
      put_varint(blob, static_cast<std::uint64_t>(scratch[i].length));
      previous = scratch[i].id;
    }
    row(token, b, std::string_view(blob), previous);
  }
}

// True when the index is missing, of another version, or behind the variants table.
bool index_behind(sql::Database& db);

// Creates the tables when missing or outdated and indexes every variant not yet in the
// index, in slices. Runs inside the caller's transaction.
void build_index(sql::Database& db);

}  // namespace dilmanc::memory::fuzzy

#include "memory/fuzzy_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <mutex>
#include <random>
#include <span>
#include <unordered_map>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "match/index_keys.h"
#include "match/token_distance.h"
#include "match/token_hash.h"
#include "memory/code_format.h"
#include "memory/sqlite.h"

namespace dilmanc::memory {
namespace {

// Raised whenever the stored form changes; an index of another version is rebuilt.
constexpr std::int64_t kIndexVersion = 4;

// New variants wait in fuzzy_variants until this many have gathered; then their postings
// are appended to fuzzy_postings in one chunk per token. Lookups check the
// waiting ones directly, so the index stays exact in between.
constexpr std::int64_t kFlushThreshold = 4096;

// A token's 32-bit id, and the one that stands for "no words at all" so that variants
// made only of punctuation and codes are found too.
std::int32_t token_id(std::uint64_t base_key, std::string_view lang) {
  return static_cast<std::int32_t>(static_cast<std::uint64_t>(match::index_token(base_key, lang)) & 0xFFFFFFFFu);
}
std::int32_t empty_token(std::string_view lang) { return token_id(match::hash_key("\x02(no words)"), lang); }

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS fuzzy_state(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fuzzy_variants(
  variant_id INTEGER PRIMARY KEY,
  lang TEXT NOT NULL,
  length INTEGER NOT NULL,
  tokens BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fuzzy_postings(
  token INTEGER NOT NULL,
  chunk INTEGER NOT NULL,
  ids BLOB NOT NULL,
  PRIMARY KEY(token, chunk)) WITHOUT ROWID;
)sql";

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}

std::uint64_t get_varint(const unsigned char* p, std::size_t n, std::size_t* i) {
  std::uint64_t v = 0;
  int shift = 0;
  while (*i < n) {
    const unsigned char b = p[(*i)++];
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  return v;
}

struct Posting {
  std::int64_t id = 0;
  int length = 0;
};

// A chunk holds its postings in id order, each as two varints: the id's distance from
// the previous one, and the variant's length (flush_postings writes them).
// The chunk's postings whose length is in [lo, hi], appended to `out`.
void decode_postings(const unsigned char* p, std::size_t n, int lo, int hi, std::vector<Posting>& out) {
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
  Query& bind_blob(int i, const void* data, std::size_t size) {
    check(sqlite3_bind_blob64(stmt_, i, size ? data : "", size, SQLITE_TRANSIENT));
    return *this;
  }
  bool step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(stmt_);
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
std::vector<std::int32_t> variant_tokens(std::string_view marker_text, std::string_view lang) {
  const std::string primary = primary_language(lang);
  std::vector<std::int32_t> out;
  for (std::uint64_t key : content_base_keys(marker_text, primary)) out.push_back(token_id(key, primary));
  return out;
}

std::int64_t state_value(sql::Database& db, const char* key) {
  Query q(db, "SELECT value FROM fuzzy_state WHERE key = ?1");
  q.bind(1, key);
  return q.step() ? q.int64(0) : 0;
}

void set_state(sql::Database& db, const char* key, std::int64_t value) {
  Query q(db, "INSERT OR REPLACE INTO fuzzy_state(key, value) VALUES (?1, ?2)");
  q.bind(1, key).bind(2, value).run();
}

// Appends the postings of the waiting variants (ids above postings_through), at most
// `slice` of them, as one chunk per token. Returns the number moved.
std::int64_t flush_postings(sql::Database& db, std::int64_t slice) {
  const std::int64_t through = state_value(db, "postings_through");
  Query waiting(db, "SELECT variant_id, lang, length, tokens FROM fuzzy_variants WHERE variant_id > ?1"
                    " ORDER BY variant_id LIMIT ?2");
  waiting.bind(1, through).bind(2, slice);
  // (token, posting) pairs sorted once: cheaper than a list per token in a hash map.
  struct Entry {
    std::int32_t token;
    Posting posting;
  };
  std::vector<Entry> entries;
  std::int64_t last = through, moved = 0;
  while (waiting.step()) {
    const std::int64_t id = waiting.int64(0);
    const std::int64_t length = waiting.int64(2);
    auto keys = waiting.keys(3);
    if (keys.empty()) keys.push_back(static_cast<std::uint32_t>(empty_token(primary_language(waiting.text(1)))));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (std::uint64_t k : keys)
      entries.push_back({static_cast<std::int32_t>(static_cast<std::uint32_t>(k)), {id, static_cast<int>(length)}});
    last = id;
    ++moved;
  }
  if (moved == 0) return 0;
  // In token order, so that the inserts walk the table's B-tree once; each token's
  // postings in id order.
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.token != b.token ? a.token < b.token : a.posting.id < b.posting.id;
  });
  Query insert(db, "INSERT INTO fuzzy_postings(token, chunk, ids) VALUES (?1, ?2, ?3)");
  std::string blob;
  for (std::size_t i = 0; i < entries.size();) {
    blob.clear();
    const std::int32_t token = entries[i].token;
    std::int64_t previous = 0;
    for (; i < entries.size() && entries[i].token == token; ++i) {
      const Posting& p = entries[i].posting;
      put_varint(blob, static_cast<std::uint64_t>(p.id - previous));
      put_varint(blob, static_cast<std::uint64_t>(p.length));
      previous = p.id;
    }
    insert.bind(1, token).bind(2, last).bind_blob(3, blob.data(), blob.size()).run();
  }
  set_state(db, "postings_through", last);
  return moved;
}

// Statements for writing, one set per connection.
struct Writer {
  explicit Writer(sql::Database& db)
      : db(db),
        insert_variant(db, "INSERT OR REPLACE INTO fuzzy_variants(variant_id, lang, length, tokens)"
                           " VALUES (?1, ?2, ?3, ?4)") {}
  sql::Database& db;
  Query insert_variant;
  std::int64_t since_check = 0;

  void add(std::int64_t variant_id, std::string_view lang, std::string_view marker_text) {
    const std::string primary = primary_language(lang);
    auto tokens = variant_tokens(marker_text, primary);
    std::string blob(tokens.size() * 4, '\0');
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const auto v = static_cast<std::uint32_t>(tokens[i]);
      blob[4 * i] = static_cast<char>(v & 0xFF);
      blob[4 * i + 1] = static_cast<char>((v >> 8) & 0xFF);
      blob[4 * i + 2] = static_cast<char>((v >> 16) & 0xFF);
      blob[4 * i + 3] = static_cast<char>((v >> 24) & 0xFF);
    }
    insert_variant.bind(1, variant_id).bind(2, primary).bind(3, static_cast<std::int64_t>(tokens.size()));
    insert_variant.bind_blob(4, blob.data(), blob.size()).run();
    // Other processes add too: count the waiting ones only now and then.
    if (++since_check >= kFlushThreshold / 4) {
      since_check = 0;
      Query waiting(db, "SELECT count(*) FROM fuzzy_variants WHERE variant_id >"
                        " (SELECT coalesce(max(value), 0) FROM fuzzy_state WHERE key = 'postings_through')");
      waiting.step();
      if (waiting.int64(0) >= kFlushThreshold) flush_postings(db, 1 << 30);
    }
  }
};

bool index_current(sql::Database& db) {
  Query exists(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'fuzzy_state'");
  exists.step();
  if (exists.int64(0) == 0) return false;
  return state_value(db, "version") == kIndexVersion;
}

// Creates the tables when missing or outdated and indexes every variant not yet in the
// index, in slices. Runs inside the caller's transaction.
void build_index(sql::Database& db) {
  if (!index_current(db)) {
    db.exec("DROP TABLE IF EXISTS fuzzy_postings; DROP TABLE IF EXISTS fuzzy_variants;"
            " DROP TABLE IF EXISTS fuzzy_state;");
    db.exec(kSchema);
    set_state(db, "version", kIndexVersion);
    set_state(db, "postings_through", 0);
    // Readers keep lists between lookups: a new generation tells them a rebuilt index's
    // chunks are not the ones they hold.
    std::random_device random;
    set_state(db, "generation", (static_cast<std::int64_t>(random()) << 31 ^ random()) | 1);
  }
  Writer writer(db);
  writer.since_check = -(std::int64_t{1} << 60);  // flushed below, in slices
  Query missing(db,
                "SELECT id, lang, text FROM variants"
                " WHERE id > (SELECT coalesce(max(variant_id), 0) FROM fuzzy_variants) ORDER BY id");
  while (missing.step()) writer.add(missing.int64(0), missing.text(1), missing.text(2));
  while (flush_postings(db, 200000) > 0) {
  }
}

bool index_behind(sql::Database& db) {
  if (!index_current(db)) return true;
  Query q(db, "SELECT (SELECT coalesce(max(id), 0) FROM variants) > (SELECT coalesce(max(variant_id), 0) FROM fuzzy_variants)");
  q.step();
  return q.int64(0) != 0;
}

// The writers of open connections. A connection's writer is dropped (its statements
// finalized) when SQLite reports the connection closing, before it checks for open statements.
std::mutex writers_mutex;
std::unordered_map<sqlite3*, std::unique_ptr<Writer>>& writers() {
  static auto* map = new std::unordered_map<sqlite3*, std::unique_ptr<Writer>>();
  return *map;
}

int on_close(unsigned type, void*, void* connection, void*) {
  if (type != SQLITE_TRACE_CLOSE) return 0;
  std::unique_ptr<Writer> gone;
  {
    std::lock_guard<std::mutex> lock(writers_mutex);
    auto it = writers().find(static_cast<sqlite3*>(connection));
    if (it == writers().end()) return 0;
    gone = std::move(it->second);
    writers().erase(it);
  }
  return 0;
}

Writer& writer_for(sql::Database& db) {
  {
    std::lock_guard<std::mutex> lock(writers_mutex);
    auto it = writers().find(db.handle());
    if (it != writers().end()) return *it->second;
  }
  if (index_behind(db)) build_index(db);
  auto writer = std::make_unique<Writer>(db);
  Writer& ref = *writer;
  sqlite3_trace_v2(db.handle(), SQLITE_TRACE_CLOSE, on_close, nullptr);
  std::lock_guard<std::mutex> lock(writers_mutex);
  writers()[db.handle()] = std::move(writer);
  return ref;
}

}  // namespace

void index_variant(sql::Database& db, std::int64_t variant_id, std::int64_t /*unit_id*/, std::string_view lang,
                   std::string_view marker_text) {
  writer_for(db).add(variant_id, lang, marker_text);
}

namespace {

// Brings the index of a file up to date before anything reads it.
bool make_current(sql::Database& db) {
  sqlite3_busy_timeout(db.handle(), 60000);
  // Lookups read many small pages at random: map the file rather than copy it page by page.
  db.exec("PRAGMA mmap_size = 4294967296; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY");
  if (index_behind(db)) {
    sql::Transaction tx(db);
    if (index_behind(db)) build_index(db);
    tx.commit();
  }
  return true;
}


// Lists the prefix filter does not need are still read when they are shorter than this
// many bytes per candidate. Left unread, a word counts as shared by every candidate: more
// candidates pass and their bounds are higher, but the matcher checks only the best few,
// while reading a long list costs a short process its whole time (30: measured on the
// 1M-unit memory, both for batches and for one `dilmanc query`).
constexpr std::size_t kBytesPerCandidate = 30;

// Posting lists kept decoded between lookups, at most about this many bytes: a batch
// (extract, query on standard input) reads the lists of frequent words again and again.
constexpr std::size_t kCacheBytes = std::size_t{192} << 20;

struct QueryToken {
  std::int32_t id = 0;
  int count = 0;  // occurrences in the query
};

// A token's postings as a lookup uses them: the variant ids of each length, in id order.
struct PostingList {
  std::int64_t through = -1;  // holds every chunk up to this key (postings_through when read); -1: none
  std::size_t bytes = 0;     // stored size of those chunks: the cost of reading them again
  // The lengths held: a short process reads only those its lookup allows, a list needed
  // again for other lengths is read again in full.
  int covered_lo = 1, covered_hi = 0;
  std::vector<int> lengths;  // ascending
  std::vector<std::size_t> starts;  // ids of lengths[i]: [starts[i], starts[i + 1])
  // Not a vector: a long list is filled in place, and memory that is not cleared first is
  // memory not touched twice.
  std::unique_ptr<std::int64_t[]> ids;
  std::uint64_t used = 0;    // lookup counter at the last use, for eviction

  bool covers(int lo, int hi) const { return covered_lo <= lo && hi <= covered_hi; }
  std::size_t size() const { return starts.empty() ? 0 : starts.back(); }

  std::span<const std::int64_t> at(int length) const {
    auto it = std::lower_bound(lengths.begin(), lengths.end(), length);
    if (it == lengths.end() || *it != length) return {};
    const auto i = static_cast<std::size_t>(it - lengths.begin());
    return {ids.get() + starts[i], starts[i + 1] - starts[i]};
  }
  std::size_t memory() const { return 160 + size() * 8 + lengths.size() * 12; }

  // Adds postings in id order, all above the ids already held.
  void append(const std::vector<Posting>& postings) {
    if (postings.empty()) return;
    int longest = lengths.empty() ? 0 : lengths.back();
    for (const auto& p : postings) longest = std::max(longest, p.length);
    // Per length: postings held, then postings added.
    std::vector<std::size_t> held(static_cast<std::size_t>(longest) + 1, 0), added(held.size(), 0);
    for (std::size_t i = 0; i < lengths.size(); ++i) held[static_cast<std::size_t>(lengths[i])] = starts[i + 1] - starts[i];
    for (const auto& p : postings) ++added[static_cast<std::size_t>(p.length)];
    std::vector<int> all;
    std::vector<std::size_t> new_starts(1, 0);
    std::vector<std::size_t> fill(held.size(), 0);
    for (std::size_t l = 0; l < held.size(); ++l) {
      if (held[l] + added[l] == 0) continue;
      all.push_back(static_cast<int>(l));
      fill[l] = new_starts.back() + held[l];
      new_starts.push_back(new_starts.back() + held[l] + added[l]);
    }
    std::unique_ptr<std::int64_t[]> new_ids(new std::int64_t[new_starts.back()]);
    for (std::size_t i = 0; i < lengths.size(); ++i) {
      const auto at = static_cast<std::size_t>(lengths[i]);
      std::copy(ids.get() + starts[i], ids.get() + starts[i + 1], new_ids.get() + (fill[at] - held[at]));
    }
    for (const auto& p : postings) new_ids[fill[static_cast<std::size_t>(p.length)]++] = p.id;
    lengths = std::move(all);
    starts = std::move(new_starts);
    ids = std::move(new_ids);
  }
};

// A candidate of one length: its id and the query words it shares, counted so far.
struct Candidate {
  std::int64_t id;
  int shared;
};

// Adds `count` to the candidates in `list` (both in id order): a linear merge when the list
// is short, a galloping search when it is much longer than the candidates.
void count_shared(std::vector<Candidate>& candidates, std::span<const std::int64_t> list, int count) {
  if (list.empty() || candidates.empty()) return;
  if (list.size() <= 16 * candidates.size()) {
    std::size_t b = 0;
    for (auto& c : candidates) {
      while (b < list.size() && list[b] < c.id) ++b;
      if (b == list.size()) break;
      if (list[b] == c.id) c.shared += count;
    }
    return;
  }
  auto from = list.begin();
  for (auto& c : candidates) {
    std::size_t step = 1;
    auto hi = from;
    while (hi != list.end() && *hi < c.id) {
      from = hi;
      hi = static_cast<std::size_t>(list.end() - hi) > step ? hi + static_cast<std::ptrdiff_t>(step) : list.end();
      step *= 2;
    }
    from = std::lower_bound(from, hi, c.id);
    if (from == list.end()) break;
    if (*from == c.id) c.shared += count;
  }
}

// The union of lists (each in id order), each member counting `count` for every list it is in.
void merge_union(std::vector<Candidate>& found, std::span<const std::int64_t> list, int count,
                 std::vector<Candidate>& scratch) {
  scratch.clear();
  scratch.reserve(found.size() + list.size());
  std::size_t a = 0, b = 0;
  while (a < found.size() && b < list.size()) {
    if (found[a].id < list[b]) {
      scratch.push_back(found[a++]);
    } else if (list[b] < found[a].id) {
      scratch.push_back({list[b++], count});
    } else {
      scratch.push_back({found[a].id, found[a].shared + count});
      ++a;
      ++b;
    }
  }
  while (a < found.size()) scratch.push_back(found[a++]);
  while (b < list.size()) scratch.push_back({list[b++], count});
  found.swap(scratch);
}

// A variant written since the last move of postings, held for the lookups in between.
struct WaitingVariant {
  std::int64_t id = 0;
  std::string lang;
  int length = 0;
  std::vector<std::uint64_t> tokens;
};

}  // namespace

struct FuzzyIndex::Impl {
  sql::Database db;
  bool current;
  Query list_size{db, "SELECT coalesce(sum(length(ids)), 0) FROM fuzzy_postings WHERE token = ?1"};
  Query list{db, "SELECT chunk, ids FROM fuzzy_postings WHERE token = ?1 AND chunk > ?2"};
  Query state{db, "SELECT coalesce((SELECT value FROM fuzzy_state WHERE key = 'postings_through'), 0),"
                  " coalesce((SELECT value FROM fuzzy_state WHERE key = 'generation'), 0)"};
  Query waiting{db, "SELECT variant_id, lang, length, tokens FROM fuzzy_variants WHERE variant_id > ?1"};
  Query tokens{db, "SELECT tokens FROM fuzzy_variants WHERE variant_id = ?1"};
  Query variant{db, "SELECT unit_id, text, coalesce(codes, '') FROM variants WHERE id = ?1"};
  Query newest{db, "SELECT coalesce(max(id), 0) FROM variants"};
  Query target{db,
               "SELECT v.text, coalesce(v.codes, ''), v.tag, u.changed_at, u.context_prev, u.context_next,"
               " coalesce(u.changed_by, ''), coalesce(u.origin_file, ''), coalesce(u.origin_segment, '')"
               " FROM variants v JOIN units u ON u.id = v.unit_id WHERE v.unit_id = ?1 AND v.lang = ?2"};
  Query all_variants{db, "SELECT id, unit_id, text, coalesce(codes, '') FROM variants WHERE lang = ?1 ORDER BY id"};

  // What the lists and waiting variants below were read from: a rebuilt index (another
  // generation) or moved postings (another postings_through) invalidate them.
  std::int64_t generation = -1;
  std::int64_t through = -1;
  std::unordered_map<std::int32_t, PostingList> lists;
  std::size_t cached_bytes = 0;
  std::uint64_t lookups = 0;
  std::vector<WaitingVariant> waiting_variants;  // ids above `through`, in id order
  std::vector<Posting> postings;                 // scratch
  int reading = 0;                               // depth of begin_read()
  // The last candidates() call, for check().
  std::vector<std::uint64_t> query_ids;
  ScoreBounds bounds;

  explicit Impl(const std::string& path) : db(path, false), current(make_current(db)) {}

  // Reads the index's state; drops what no longer holds.
  void refresh() {
    state.step();
    const std::int64_t now_through = state.int64(0), now_generation = state.int64(1);
    state.reset();
    if (now_generation != generation) {
      lists.clear();
      cached_bytes = 0;
      waiting_variants.clear();
      generation = now_generation;
      through = -1;
    }
    if (now_through != through) {
      waiting_variants.clear();
      through = now_through;
    }
    // The waiting variants: only those written since the last lookup are read.
    waiting.bind(1, waiting_variants.empty() ? through : std::max(through, waiting_variants.back().id));
    while (waiting.step()) {
      WaitingVariant w;
      w.id = waiting.int64(0);
      w.lang = waiting.text(1);
      w.length = static_cast<int>(waiting.int64(2));
      w.tokens = waiting.keys(3);
      waiting_variants.push_back(std::move(w));
    }
    waiting.reset();
  }

  // The stored size of a token's list, without reading it when it is not held.
  std::size_t stored_bytes(std::int32_t token) {
    if (auto it = lists.find(token); it != lists.end()) {
      if (it->second.through != through) load(token, it->second.covered_lo, it->second.covered_hi);
      return it->second.bytes;
    }
    list_size.bind(1, token);
    list_size.step();
    const auto bytes = static_cast<std::size_t>(list_size.int64(0));
    list_size.reset();
    return bytes;
  }

  // A token's list, with at least the lengths lo..hi, read (or completed) from the index
  // and kept.
  const PostingList& load(std::int32_t token, int lo, int hi) {
    PostingList& l = lists[token];
    l.used = lookups;
    if (l.covers(lo, hi) && l.through == through) return l;
    const std::size_t before = l.memory();
    if (!l.covers(lo, hi)) {
      const bool first = l.through < 0;
      l = PostingList();
      l.used = lookups;
      l.covered_lo = first ? lo : 0;
      l.covered_hi = first ? hi : std::numeric_limits<int>::max();
    }
    postings.clear();
    list.bind(1, token).bind(2, l.through);
    std::size_t bytes = 0;
    while (list.step()) {
      std::size_t size;
      const unsigned char* p = list.blob(1, &size);
      decode_postings(p, size, l.covered_lo, l.covered_hi, postings);
      bytes += size;
    }
    list.reset();
    // Chunks come in key order, and each chunk's ids are above those of the chunks before it.
    l.append(postings);
    l.bytes += bytes;
    l.through = through;
    cached_bytes = cached_bytes + l.memory() - before;
    return l;
  }

  void evict() {
    if (cached_bytes <= kCacheBytes) return;
    std::vector<std::pair<std::uint64_t, std::int32_t>> by_use;
    by_use.reserve(lists.size());
    for (const auto& [token, l] : lists) by_use.emplace_back(l.used, token);
    std::sort(by_use.begin(), by_use.end());
    for (const auto& [used, token] : by_use) {
      if (cached_bytes <= kCacheBytes / 2 || used == lookups) break;
      auto it = lists.find(token);
      cached_bytes -= it->second.memory();
      lists.erase(it);
    }
  }
};

FuzzyIndex::FuzzyIndex(const std::string& path) : impl_(std::make_unique<Impl>(path)) {}
FuzzyIndex::~FuzzyIndex() = default;

void FuzzyIndex::begin_read() {
  if (impl_->reading++ == 0) impl_->db.exec("BEGIN");
}

void FuzzyIndex::end_read() {
  if (impl_->reading > 0 && --impl_->reading == 0) sqlite3_exec(impl_->db.handle(), "COMMIT", nullptr, nullptr, nullptr);
}

namespace {

// A read transaction: one snapshot for the whole lookup, and one lock instead of one per statement.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(FuzzyIndex& index) : index_(index) { index_.begin_read(); }
  ~ReadSnapshot() { index_.end_read(); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  FuzzyIndex& index_;
};

}  // namespace

std::vector<FuzzyCandidate> FuzzyIndex::candidates(const MatchText& query, int min_score, FuzzyLookupStats* stats) {
  FuzzyLookupStats local;
  if (!stats) stats = &local;
  *stats = {};
  Impl& x = *impl_;
  const std::string lang = primary_language(query.lang);
  const ScoreBounds bounds = score_bounds(query.content_length(), min_score);
  const int lo = bounds.min_length, hi = bounds.max_length;
  auto needed = [&](int length) { return bounds.query_length == 0 ? 1 : bounds.min_shared(length); };

  // The query's distinct tokens with their counts.
  // (Found through a map: a segment of 100,000 codes has as many distinct tokens.)
  std::vector<std::uint64_t> query_ids;
  std::vector<QueryToken> distinct;
  std::unordered_map<std::int32_t, std::size_t> position;
  for (const auto& t : query.tokens) {
    if (!is_content(t.kind)) continue;
    const std::int32_t id = token_id(t.base, lang);
    query_ids.push_back(static_cast<std::uint32_t>(id));
    const auto [it, added] = position.try_emplace(id, distinct.size());
    if (added)
      distinct.push_back({id, 1});
    else
      ++distinct[it->second].count;
  }
  if (distinct.empty()) distinct.push_back({empty_token(lang), 1});
  const int query_length = std::max(1, bounds.query_length);

  ReadSnapshot snapshot(*this);
  ++x.lookups;
  x.refresh();
  // The base score the stored ids allow, or -1 when it is below the minimum.
  auto upper_bound = [&](const std::vector<std::uint64_t>& ids, int length) {
    const int max = bounds.max_distance(length);
    const int d = match::token_distance(query_ids, ids, max);
    if (d > max) return -1;
    const int longest = std::max(bounds.query_length, length);
    return longest == 0 ? 100 : 100 * (longest - d) / longest;
  };

  // Each token's list size (stored bytes: the reading cost, and a proxy for its length).
  const std::size_t n = distinct.size();
  std::vector<std::size_t> bytes(n);
  for (std::size_t t = 0; t < n; ++t) bytes[t] = x.stored_bytes(distinct[t].id);
  std::vector<std::size_t> order(n);
  for (std::size_t t = 0; t < n; ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return bytes[a] < bytes[b]; });

  // Prefix filter: a variant of length l shares at least needed(l) tokens with the query,
  // so it holds one of any query tokens whose counts add up to query length - needed(l) + 1.
  // The shortest lists that can serve as such a prefix for every length are read in full.
  std::size_t widest = 0;
  for (int length = lo; length <= hi && widest < n; ++length) {
    int covered = 0;
    std::size_t r = 0;
    while (r < n && covered < query_length - needed(length) + 1) covered += distinct[order[r++]].count;
    widest = std::max(widest, r);
    if (length >= bounds.query_length) break;  // needed() only grows beyond the query's length
  }
  std::vector<const PostingList*> lists(n, nullptr);
  for (std::size_t t = 0; t < n; ++t)
    if (auto it = x.lists.find(distinct[t].id); it != x.lists.end() && it->second.covers(lo, hi))
      lists[t] = &x.load(distinct[t].id, lo, hi);  // held already: free
  for (std::size_t r = 0; r < widest; ++r) lists[order[r]] = &x.load(distinct[order[r]].id, lo, hi);

  // Per length, the prefix is chosen among the lists read, shortest at that length first
  // (a word absent at that length covers its count for free): their union is the
  // candidate set of that length.
  std::vector<int> lengths;
  for (std::size_t t = 0; t < n; ++t)
    if (lists[t])
      for (int l : lists[t]->lengths)
        if (l >= lo && l <= hi) lengths.push_back(l);
  std::sort(lengths.begin(), lengths.end());
  lengths.erase(std::unique(lengths.begin(), lengths.end()), lengths.end());
  struct LengthCandidates {
    int length;
    std::vector<Candidate> found;
    std::vector<char> in_prefix;  // per distinct token
  };
  std::vector<LengthCandidates> per_length;
  std::vector<Candidate> scratch;
  std::size_t total = 0;
  std::vector<std::size_t> by_size(n);
  for (int length : lengths) {
    LengthCandidates c{length, {}, std::vector<char>(n, 0)};
    std::vector<std::size_t> loaded;
    for (std::size_t t = 0; t < n; ++t)
      if (lists[t]) loaded.push_back(t);
    std::sort(loaded.begin(), loaded.end(), [&](std::size_t a, std::size_t b) {
      return lists[a]->at(length).size() < lists[b]->at(length).size();
    });
    int covered = 0;
    for (std::size_t t : loaded) {
      if (covered >= query_length - needed(length) + 1) break;
      covered += distinct[t].count;
      c.in_prefix[t] = 1;
      const auto list = lists[t]->at(length);
      stats->postings_read += list.size();
      merge_union(c.found, list, distinct[t].count, scratch);
    }
    total += c.found.size();
    if (!c.found.empty()) per_length.push_back(std::move(c));
  }

  // The other lists count shared words; one not held is read unless it is long for the
  // candidates it could rule out, and otherwise counts as shared by every candidate.
  int unread = 0;
  for (std::size_t r = widest; r < n; ++r) {
    const std::size_t t = order[r];
    if (lists[t]) continue;
    if (bytes[t] > kBytesPerCandidate * total) {
      unread += distinct[t].count;
      continue;
    }
    lists[t] = &x.load(distinct[t].id, lo, hi);
  }
  // The survivors, with the bound their count allows: D >= L - shared, so the base score
  // is at most 100 * shared / L (and the true shared count is at most either length).
  std::vector<FuzzyCandidate> out;
  for (auto& c : per_length) {
    for (std::size_t t = 0; t < n; ++t) {
      if (!lists[t] || c.in_prefix[t]) continue;
      const auto list = lists[t]->at(c.length);
      stats->postings_read += std::min(list.size(), c.found.size());
      count_shared(c.found, list, distinct[t].count);
    }
    const int need = needed(c.length) - unread;
    const int longest = std::max(bounds.query_length, c.length);
    for (const auto& f : c.found) {
      if (f.shared < need) continue;
      FuzzyCandidate candidate;
      candidate.variant_id = f.id;
      candidate.checked = false;
      const int shared = std::min({f.shared + unread, bounds.query_length, c.length});
      candidate.upper = longest == 0 ? 100 : 100 * shared / longest;
      out.push_back(std::move(candidate));
    }
  }
  // Variants still waiting for their postings: their ids are at hand, so the distance bound.
  for (const auto& w : x.waiting_variants) {
    if (w.length < lo || w.length > hi || w.lang != lang) continue;
    if (int upper = upper_bound(w.tokens, w.length); upper >= 0) {
      FuzzyCandidate candidate;
      candidate.variant_id = w.id;
      candidate.checked = false;
      candidate.upper = upper;
      out.push_back(std::move(candidate));
    }
  }
  stats->candidates = out.size();
  x.evict();
  x.query_ids = std::move(query_ids);
  x.bounds = bounds;
  return out;
}

bool FuzzyIndex::check(FuzzyCandidate& c) {
  if (c.checked) return true;
  Impl& x = *impl_;
  ReadSnapshot snapshot(*this);
  x.tokens.bind(1, c.variant_id);
  int upper = -1;
  if (x.tokens.step()) {
    const auto stored = x.tokens.keys(0);
    const int length = static_cast<int>(stored.size());
    const int max = x.bounds.max_distance(length);
    const int d = match::token_distance(x.query_ids, stored, max);
    const int longest = std::max(x.bounds.query_length, length);
    if (d <= max) upper = longest == 0 ? 100 : 100 * (longest - d) / longest;
  }
  x.tokens.reset();
  if (upper < 0) return false;
  x.variant.bind(1, c.variant_id);
  const bool found = x.variant.step();
  if (found) {
    c.upper = upper;
    c.unit_id = x.variant.int64(0);
    c.text.text = x.variant.text(1);
    if (std::string codes = x.variant.text(2); !codes.empty()) c.text.codes = parse_codes(codes);
    c.checked = true;
  }
  x.variant.reset();
  return found;
}

std::optional<FuzzyTarget> FuzzyIndex::target(std::int64_t unit_id, std::string_view lang) {
  Query& q = impl_->target;
  q.bind(1, unit_id).bind(2, primary_language(lang));
  std::optional<FuzzyTarget> out;
  if (q.step()) {
    out.emplace();
    out->text.text = q.text(0);
    if (std::string codes = q.text(1); !codes.empty()) out->text.codes = parse_codes(codes);
    out->tag = q.text(2);
    out->changed_at = q.text(3);
    if (sqlite3_column_type(q.raw(), 4) != SQLITE_NULL) out->context_prev = q.int64(4);
    if (sqlite3_column_type(q.raw(), 5) != SQLITE_NULL) out->context_next = q.int64(5);
    out->changed_by = q.text(6);
    out->origin_file = q.text(7);
    out->origin_segment = q.text(8);
  }
  q.reset();
  return out;
}

std::int64_t FuzzyIndex::newest_variant() {
  Query& q = impl_->newest;
  q.step();
  const std::int64_t id = q.int64(0);
  q.reset();
  return id;
}

void FuzzyIndex::scan(std::string_view lang, const std::function<bool(FuzzyCandidate&)>& visit) {
  Impl& x = *impl_;
  ReadSnapshot snapshot(*this);
  x.all_variants.bind(1, primary_language(lang));
  while (x.all_variants.step()) {
    FuzzyCandidate c;
    c.variant_id = x.all_variants.int64(0);
    c.unit_id = x.all_variants.int64(1);
    c.text.text = x.all_variants.text(2);
    if (std::string codes = x.all_variants.text(3); !codes.empty()) c.text.codes = parse_codes(codes);
    if (!visit(c)) break;
  }
  x.all_variants.reset();
}

}  // namespace dilmanc::memory

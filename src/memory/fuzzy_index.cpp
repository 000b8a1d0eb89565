#include "memory/fuzzy_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
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
constexpr std::int64_t kIndexVersion = 3;

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
// the previous one, and the variant's length.
void encode_postings(const std::vector<Posting>& postings, std::string& out) {
  std::int64_t previous = 0;
  for (const auto& p : postings) {
    put_varint(out, static_cast<std::uint64_t>(p.id - previous));
    put_varint(out, static_cast<std::uint64_t>(p.length));
    previous = p.id;
  }
}

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
  std::unordered_map<std::int32_t, std::vector<Posting>> groups;  // token -> postings, in id order
  std::int64_t last = through, moved = 0;
  while (waiting.step()) {
    const std::int64_t id = waiting.int64(0);
    const std::int64_t length = waiting.int64(2);
    auto keys = waiting.keys(3);
    if (keys.empty()) keys.push_back(static_cast<std::uint32_t>(empty_token(primary_language(waiting.text(1)))));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (std::uint64_t k : keys)
      groups[static_cast<std::int32_t>(static_cast<std::uint32_t>(k))].push_back({id, static_cast<int>(length)});
    last = id;
    ++moved;
  }
  if (moved == 0) return 0;
  // In token order, so that the inserts walk the table's B-tree once.
  std::vector<std::int32_t> tokens;
  tokens.reserve(groups.size());
  for (const auto& g : groups) tokens.push_back(g.first);
  std::sort(tokens.begin(), tokens.end());
  Query insert(db, "INSERT INTO fuzzy_postings(token, chunk, ids) VALUES (?1, ?2, ?3)");
  std::string blob;
  for (std::int32_t token : tokens) {
    blob.clear();
    encode_postings(groups[token], blob);
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

// A read transaction: one snapshot for the whole lookup, and one lock instead of one per statement.
class ReadSnapshot {
 public:
  explicit ReadSnapshot(sql::Database& db) : db_(db) { db_.exec("BEGIN"); }
  ~ReadSnapshot() { sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  sql::Database& db_;
};

// Lists the prefix filter does not need are still read when they are shorter than this
// many bytes per candidate: merging them costs less than checking the candidates one by one.
constexpr std::size_t kBytesPerCandidate = 300;

struct QueryToken {
  std::int32_t id = 0;
  int count = 0;  // occurrences in the query
};


}  // namespace

struct FuzzyIndex::Impl {
  sql::Database db;
  bool current;
  Query list_size{db, "SELECT coalesce(sum(length(ids)), 0) FROM fuzzy_postings WHERE token = ?1"};
  Query list{db, "SELECT ids FROM fuzzy_postings WHERE token = ?1"};
  Query through{db, "SELECT coalesce(max(value), 0) FROM fuzzy_state WHERE key = 'postings_through'"};
  Query waiting{db, "SELECT variant_id, length, tokens FROM fuzzy_variants WHERE variant_id > ?1 AND lang = ?2"};
  Query tokens{db, "SELECT tokens FROM fuzzy_variants WHERE variant_id = ?1"};
  Query variant{db, "SELECT unit_id, text, coalesce(codes, '') FROM variants WHERE id = ?1"};
  Query newest{db, "SELECT coalesce(max(id), 0) FROM variants"};
  Query target{db,
               "SELECT v.text, coalesce(v.codes, ''), v.tag, u.changed_at, u.context_prev, u.context_next"
               " FROM variants v JOIN units u ON u.id = v.unit_id WHERE v.unit_id = ?1 AND v.lang = ?2"};
  Query all_variants{db, "SELECT id, unit_id, text, coalesce(codes, '') FROM variants WHERE lang = ?1 ORDER BY id"};

  explicit Impl(const std::string& path) : db(path, false), current(make_current(db)) {}
};

FuzzyIndex::FuzzyIndex(const std::string& path) : impl_(std::make_unique<Impl>(path)) {}
FuzzyIndex::~FuzzyIndex() = default;

std::vector<FuzzyCandidate> FuzzyIndex::candidates(const MatchText& query, int min_score, FuzzyLookupStats* stats) {
  FuzzyLookupStats local;
  if (!stats) stats = &local;
  *stats = {};
  Impl& x = *impl_;
  const std::string lang = primary_language(query.lang);
  const ScoreBounds bounds = score_bounds(query.content_length(), min_score);
  const int lo = bounds.min_length, hi = bounds.max_length;

  // The query's distinct tokens with their counts.
  std::vector<std::uint64_t> query_ids;
  std::vector<QueryToken> distinct;
  for (const auto& t : query.tokens) {
    if (!is_content(t.kind)) continue;
    const std::int32_t id = token_id(t.base, lang);
    query_ids.push_back(static_cast<std::uint32_t>(id));
    auto it = std::find_if(distinct.begin(), distinct.end(), [&](const QueryToken& q) { return q.id == id; });
    if (it == distinct.end())
      distinct.push_back({id, 1});
    else
      ++it->count;
  }
  if (distinct.empty()) distinct.push_back({empty_token(lang), 1});
  const int query_length = std::max(1, bounds.query_length);

  ReadSnapshot snapshot(x.db);
  std::vector<std::int64_t> survivors;
  // The base score the stored ids allow, or -1 when it is below the minimum.
  auto upper_bound = [&](const std::vector<std::uint64_t>& ids, int length) {
    const int max = bounds.max_distance(length);
    const int d = match::token_distance(query_ids, ids, max);
    if (d > max) return -1;
    const int longest = std::max(bounds.query_length, length);
    return longest == 0 ? 100 : 100 * (longest - d) / longest;
  };

  // Each token's list size (stored bytes: the reading cost, and a proxy for its length).
  std::vector<std::size_t> bytes(distinct.size());
  for (std::size_t t = 0; t < distinct.size(); ++t) {
    x.list_size.bind(1, distinct[t].id);
    x.list_size.step();
    bytes[t] = static_cast<std::size_t>(x.list_size.int64(0));
    x.list_size.reset();
  }
  std::vector<std::size_t> order(distinct.size());
  for (std::size_t t = 0; t < order.size(); ++t) order[t] = t;
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return bytes[a] < bytes[b]; });
  std::vector<std::size_t> rank(distinct.size());
  for (std::size_t r = 0; r < order.size(); ++r) rank[order[r]] = r;

  // Prefix filter, per length: a variant of length l shares at least needed(l) tokens
  // with the query, so it holds one of any query tokens whose counts add up to
  // query length - needed(l) + 1. Take the shortest lists: ranks below prefix[l].
  std::vector<std::size_t> prefix(static_cast<std::size_t>(hi - lo + 1));
  std::size_t widest = 0;
  for (int length = lo; length <= hi; ++length) {
    const int needed = bounds.query_length == 0 ? 1 : bounds.min_shared(length);
    int covered = 0;
    std::size_t r = 0;
    while (r < order.size() && covered < query_length - needed + 1) covered += distinct[order[r++]].count;
    prefix[static_cast<std::size_t>(length - lo)] = r;
    widest = std::max(widest, r);
  }
  // Read the prefix lists first: their union, with counts, is the candidate set. Then the
  // other lists unless they are very long, adding to the counts of candidates only.
  int unread = 0;
  struct Candidate {
    std::int64_t id;
    int length;
    int shared;
    bool in_prefix;
  };
  std::vector<Candidate> found;
  std::vector<Posting> postings;
  std::vector<Candidate> merged;
  auto read_list = [&](std::size_t t) {
    postings.clear();
    x.list.bind(1, distinct[t].id);
    while (x.list.step()) {
      std::size_t size;
      const unsigned char* p = x.list.blob(0, &size);
      decode_postings(p, size, lo, hi, postings);
    }
    x.list.reset();
    stats->postings_read += postings.size();
  };
  for (std::size_t r = 0; r < order.size(); ++r) {
    const std::size_t t = order[r];
    const bool prefix_list = r < widest;
    // A list costs about 10 ns per posting (3 bytes) to merge; a candidate it might rule
    // out costs a lookup of about 2 microseconds.
    if (!prefix_list && bytes[t] > kBytesPerCandidate * found.size()) {
      unread += distinct[t].count;
      continue;
    }
    read_list(t);
    const int count = distinct[t].count;
    // Lists are in id order: merge.
    merged.clear();
    std::size_t a = 0, b = 0;
    while (a < found.size() || b < postings.size()) {
      if (b == postings.size() || (a < found.size() && found[a].id < postings[b].id)) {
        merged.push_back(found[a++]);
      } else if (a == found.size() || postings[b].id < found[a].id) {
        const Posting& p = postings[b++];
        const bool here = r < prefix[static_cast<std::size_t>(p.length - lo)];
        if (here) merged.push_back({p.id, p.length, count, true});
      } else {
        Candidate c = found[a++];
        const Posting& p = postings[b++];
        c.shared += count;
        c.in_prefix = c.in_prefix || r < prefix[static_cast<std::size_t>(p.length - lo)];
        merged.push_back(c);
      }
    }
    found.swap(merged);
  }
  for (const auto& c : found) {
    const int needed = bounds.query_length == 0 ? 1 : bounds.min_shared(c.length);
    if (c.in_prefix && c.shared + unread >= needed) survivors.push_back(c.id);
  }

  // Count filter passed: the distance bound on the stored token ids.
  std::vector<std::pair<std::int64_t, int>> verified;  // (variant, upper bound)
  for (std::int64_t id : survivors) {
    ++stats->candidates;
    x.tokens.bind(1, id);
    if (x.tokens.step()) {
      auto stored = x.tokens.keys(0);
      if (int upper = upper_bound(stored, static_cast<int>(stored.size())); upper >= 0) verified.emplace_back(id, upper);
    }
    x.tokens.reset();
  }
  // Variants still waiting for their postings are checked one by one.
  x.through.step();
  const std::int64_t through = x.through.int64(0);
  x.through.reset();
  x.waiting.bind(1, through).bind(2, lang);
  while (x.waiting.step()) {
    const auto length = x.waiting.int64(1);
    if (length < lo || length > hi) continue;
    ++stats->candidates;
    if (int upper = upper_bound(x.waiting.keys(2), static_cast<int>(length)); upper >= 0)
      verified.emplace_back(x.waiting.int64(0), upper);
  }
  x.waiting.reset();

  std::sort(verified.begin(), verified.end());
  stats->verified = verified.size();
  std::vector<FuzzyCandidate> out;
  out.reserve(verified.size());
  for (const auto& [id, upper] : verified) {
    x.variant.bind(1, id);
    if (x.variant.step()) {
      FuzzyCandidate c;
      c.variant_id = id;
      c.upper = upper;
      c.unit_id = x.variant.int64(0);
      c.text.text = x.variant.text(1);
      if (std::string codes = x.variant.text(2); !codes.empty()) c.text.codes = parse_codes(codes);
      out.push_back(std::move(c));
    }
    x.variant.reset();
  }
  return out;
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
  ReadSnapshot snapshot(x.db);
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

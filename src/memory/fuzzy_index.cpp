#include "memory/fuzzy_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <mutex>
#include <unordered_map>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "match/token_distance.h"
#include "match/token_hash.h"
#include "memory/code_format.h"
#include "memory/sqlite.h"

namespace dilmanc::memory {
namespace {

// Raised whenever the stored form changes; an index of another version is rebuilt.
constexpr std::int64_t kIndexVersion = 1;

// Tokens a variant's words and numbers, and the sentinel that stands for "no words at all"
// so that variants made only of punctuation and codes can be found too.
std::int32_t token_id(std::uint64_t base_key, std::string_view lang) {
  return static_cast<std::int32_t>(static_cast<std::uint64_t>(match::index_token(base_key, lang)) & 0xFFFFFFFFu);
}
std::int32_t empty_token(std::string_view lang) { return token_id(match::hash_key("\x02(no words)"), lang); }

const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS fuzzy_state(key TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS fuzzy_variants(
  variant_id INTEGER PRIMARY KEY,
  length INTEGER NOT NULL,
  tokens BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS fuzzy_postings(
  token INTEGER NOT NULL,
  length INTEGER NOT NULL,
  variant_id INTEGER NOT NULL,
  PRIMARY KEY(token, length, variant_id)) WITHOUT ROWID;
)sql";

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
  std::string text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
    return p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))) : std::string();
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
  InlineText t;
  t.text = std::string(marker_text);
  MatchText m = prepare_for_matching(t, lang);
  std::vector<std::int32_t> out;
  for (const auto& token : m.tokens)
    if (is_content(token.kind)) out.push_back(token_id(token.base, m.lang));
  return out;
}

// Statements for writing, one set per connection.
struct Writer {
  explicit Writer(sql::Database& db)
      : insert_variant(db, "INSERT OR REPLACE INTO fuzzy_variants(variant_id, length, tokens) VALUES (?1, ?2, ?3)"),
        insert_posting(db, "INSERT OR IGNORE INTO fuzzy_postings(token, length, variant_id) VALUES (?1, ?2, ?3)") {}
  Query insert_variant;
  Query insert_posting;

  void add(std::int64_t variant_id, std::string_view lang, std::string_view marker_text) {
    const std::string primary = primary_language(lang);
    auto tokens = variant_tokens(marker_text, primary);
    const auto length = static_cast<std::int64_t>(tokens.size());
    std::string blob(tokens.size() * 4, '\0');
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const auto v = static_cast<std::uint32_t>(tokens[i]);
      blob[4 * i] = static_cast<char>(v & 0xFF);
      blob[4 * i + 1] = static_cast<char>((v >> 8) & 0xFF);
      blob[4 * i + 2] = static_cast<char>((v >> 16) & 0xFF);
      blob[4 * i + 3] = static_cast<char>((v >> 24) & 0xFF);
    }
    insert_variant.bind(1, variant_id).bind(2, length).bind_blob(3, blob.data(), blob.size()).run();
    if (tokens.empty()) tokens.push_back(empty_token(primary));
    std::sort(tokens.begin(), tokens.end());
    tokens.erase(std::unique(tokens.begin(), tokens.end()), tokens.end());
    for (std::int32_t t : tokens) insert_posting.bind(1, t).bind(2, length).bind(3, variant_id).run();
  }
};

bool index_current(sql::Database& db) {
  Query exists(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'fuzzy_state'");
  exists.step();
  if (exists.int64(0) == 0) return false;
  Query version(db, "SELECT value FROM fuzzy_state WHERE key = 'version'");
  return version.step() && version.int64(0) == kIndexVersion;
}

// Creates the tables and indexes every variant with an id above the index's last one
// (all of them for a new index). Runs inside the caller's transaction.
void build_index(sql::Database& db, Writer* writer) {
  if (!index_current(db)) {
    db.exec("DROP TABLE IF EXISTS fuzzy_postings; DROP TABLE IF EXISTS fuzzy_variants;"
            " DROP TABLE IF EXISTS fuzzy_state;");
    db.exec(kSchema);
    Query v(db, "INSERT INTO fuzzy_state(key, value) VALUES ('version', ?1)");
    v.bind(1, kIndexVersion).run();
  }
  std::unique_ptr<Writer> own;
  if (!writer) {
    own = std::make_unique<Writer>(db);
    writer = own.get();
  }
  Query missing(db,
                "SELECT id, lang, text FROM variants"
                " WHERE id > (SELECT coalesce(max(variant_id), 0) FROM fuzzy_variants) ORDER BY id");
  while (missing.step()) writer->add(missing.int64(0), missing.text(1), missing.text(2));
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
  if (index_behind(db)) {
    db.exec(kSchema);  // so that the writer's statements can be prepared
    build_index(db, nullptr);
  }
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
  if (index_behind(db)) {
    sql::Transaction tx(db);
    if (index_behind(db)) build_index(db, nullptr);
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

// Posting lists shorter than this are read whole without a second thought; longer ones
// only when the prefix filter needs them.
constexpr std::int64_t kCheapPostings = 1000;

struct QueryToken {
  std::int32_t id = 0;
  int count = 0;              // occurrences in the query
  std::int64_t postings = 0;  // in the length window, capped at kCheapPostings + 1
};

struct CandidateState {
  int length = 0;
  int shared = 0;  // occurrences in the query of the read tokens the variant has
};

}  // namespace

struct FuzzyIndex::Impl {
  sql::Database db;
  bool current;
  Query count_postings{db,
                       "SELECT count(*) FROM (SELECT 1 FROM fuzzy_postings"
                       " WHERE token = ?1 AND length BETWEEN ?2 AND ?3 LIMIT ?4)"};
  Query postings{db, "SELECT length, variant_id FROM fuzzy_postings WHERE token = ?1 AND length BETWEEN ?2 AND ?3"};
  Query tokens{db, "SELECT tokens FROM fuzzy_variants WHERE variant_id = ?1"};
  Query variant{db, "SELECT unit_id, text, coalesce(codes, '') FROM variants WHERE id = ?1"};
  Query newest{db, "SELECT coalesce(max(id), 0) FROM variants"};
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

  // The query's distinct tokens with their counts.
  std::vector<std::uint64_t> query_ids;
  std::vector<QueryToken> distinct;
  for (const auto& t : query.tokens) {
    if (!is_content(t.kind)) continue;
    const std::int32_t id = token_id(t.base, lang);
    query_ids.push_back(static_cast<std::uint32_t>(id));
    auto it = std::find_if(distinct.begin(), distinct.end(), [&](const QueryToken& q) { return q.id == id; });
    if (it == distinct.end())
      distinct.push_back({id, 1, 0});
    else
      ++it->count;
  }
  if (distinct.empty()) distinct.push_back({empty_token(lang), 1, 0});

  ReadSnapshot snapshot(x.db);
  for (auto& t : distinct) {
    x.count_postings.bind(1, t.id).bind(2, bounds.min_length).bind(3, bounds.max_length).bind(4, kCheapPostings + 1);
    x.count_postings.step();
    t.postings = x.count_postings.int64(0);
    x.count_postings.reset();
  }
  std::sort(distinct.begin(), distinct.end(), [](const QueryToken& a, const QueryToken& b) {
    return a.postings != b.postings ? a.postings < b.postings : a.id < b.id;
  });

  // Prefix filter: a variant sharing at least `needed` tokens with the query (as
  // multisets) has one of any query tokens whose counts add up to length - needed + 1.
  const int query_length = std::max(1, bounds.query_length);
  const int needed = bounds.query_length == 0 ? 1 : bounds.min_shared(bounds.query_length);
  int prefix_count = 0;
  std::size_t prefix_end = 0;
  while (prefix_end < distinct.size() && prefix_count < query_length - needed + 1)
    prefix_count += distinct[prefix_end++].count;

  std::unordered_map<std::int64_t, CandidateState> found;
  int unread = 0;  // query occurrences of tokens whose postings were not read
  for (std::size_t i = 0; i < distinct.size(); ++i) {
    const QueryToken& t = distinct[i];
    const bool in_prefix = i < prefix_end;
    if (!in_prefix && t.postings > kCheapPostings) {
      unread += t.count;
      continue;
    }
    x.postings.bind(1, t.id).bind(2, bounds.min_length).bind(3, bounds.max_length);
    while (x.postings.step()) {
      ++stats->postings_read;
      const std::int64_t id = x.postings.int64(1);
      if (in_prefix) {
        auto& c = found[id];
        c.length = static_cast<int>(x.postings.int64(0));
        c.shared += t.count;
      } else if (auto it = found.find(id); it != found.end()) {
        it->second.shared += t.count;
      }
    }
    x.postings.reset();
  }

  // Count filter, then the distance bound on the stored token ids.
  std::vector<std::int64_t> verified;
  for (const auto& [id, c] : found) {
    if (bounds.query_length > 0 && c.shared + unread < bounds.min_shared(c.length)) continue;
    ++stats->candidates;
    x.tokens.bind(1, id);
    if (!x.tokens.step()) {
      x.tokens.reset();
      continue;
    }
    auto ids = x.tokens.keys(0);
    x.tokens.reset();
    if (match::token_distance(query_ids, ids, bounds.max_distance(c.length)) > bounds.max_distance(c.length)) continue;
    verified.push_back(id);
  }
  std::sort(verified.begin(), verified.end());
  stats->verified = verified.size();

  std::vector<FuzzyCandidate> out;
  out.reserve(verified.size());
  for (std::int64_t id : verified) {
    x.variant.bind(1, id);
    if (x.variant.step()) {
      FuzzyCandidate c;
      c.variant_id = id;
      c.unit_id = x.variant.int64(0);
      c.text.text = x.variant.text(1);
      if (std::string codes = x.variant.text(2); !codes.empty()) c.text.codes = parse_codes(codes);
      out.push_back(std::move(c));
    }
    x.variant.reset();
  }
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

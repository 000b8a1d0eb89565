// The writing half of the fuzzy-match index: every variant the memory writes, inside the
// memory's transaction (memory/fuzzy_index.h, index_variant).
#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>
#include <unordered_map>

#include "memory/fuzzy_index.h"
#include "memory/fuzzy_index_store.h"

namespace dilmanc::memory {
namespace fuzzy {

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

}  // namespace fuzzy

void index_variant(sql::Database& db, std::int64_t variant_id, std::int64_t /*unit_id*/, std::string_view lang,
                   std::string_view marker_text) {
  fuzzy::writer_for(db).add(variant_id, lang, marker_text);
}

}  // namespace dilmanc::memory

// The writing half of the fuzzy-match index: every variant the memory writes, inside the
// memory's transaction (memory/fuzzy_index.h, index_variant).
//
// A variant's row in fuzzy_variants is written with it. Its postings are gathered in memory
// for the rest of the transaction and written, one chunk per token, just before the commit
// (finish_fuzzy_index) when enough variants wait. When the gathered postings grow large
// before that, they are sorted into a run in a temporary file (memory/posting_runs.h), and
// the runs are merged into the chunks at the end. Reading the waiting variants back from fuzzy_variants to build a chunk every
// few thousand variants was most of the index's cost in a bulk import: many small chunks,
// each a B-tree insert per token. The gathered postings are only a copy of what the
// fuzzy_variants rows hold: dropping them or the runs (a rollback, a commit without finish) leaves
// those variants waiting in the table, where the next move reads them.
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <unordered_map>

#include "dilmanc/tokenizer.h"
#include "memory/fuzzy_index.h"
#include "memory/fuzzy_index_store.h"
#include "memory/memory_internal.h"
#include "memory/posting_runs.h"

namespace dilmanc::memory {

namespace {

// The ids content_base_keys gives, for text of ASCII and basic Cyrillic in a language that
// is not Turkic (NFC by construction), without ICU. Empty when the text is not such text.
// A word's key is hashed as it is folded, never made into a string.
std::optional<std::vector<std::int32_t>> simple_tokens(std::string_view text, const std::string& primary,
                                                      bool known_simple) {
  if (primary == "az" || primary == "tr") return std::nullopt;
  const bool russian = primary == "ru";
  if (!known_simple) {
    std::string key;
    if (!simple_search_key(text, russian, key)) return std::nullopt;
  }
  std::vector<std::int32_t> out;
  for (const Token& token : tokenize(text)) {
    if (!is_content(token.kind)) continue;
    match::KeyHasher key;
    simple_fold(token.in(text), russian, [&key](char c) { key.add(static_cast<unsigned char>(c)); });
    out.push_back(fuzzy::token_id(key.finish(), primary));
  }
  return out;
}

}  // namespace

FuzzyTokens fuzzy_tokens(std::string_view marker_text, std::string_view lang, bool simple_text) {
  FuzzyTokens out;
  const std::string primary = primary_language(lang);
  auto simple = simple_tokens(marker_text, primary, simple_text);
  const auto tokens = simple ? std::move(*simple) : fuzzy::variant_tokens(marker_text, primary);
  out.length = static_cast<std::int64_t>(tokens.size());
  out.blob.resize(tokens.size() * 4);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const auto v = static_cast<std::uint32_t>(tokens[i]);
    out.blob[4 * i] = static_cast<char>(v & 0xFF);
    out.blob[4 * i + 1] = static_cast<char>((v >> 8) & 0xFF);
    out.blob[4 * i + 2] = static_cast<char>((v >> 16) & 0xFF);
    out.blob[4 * i + 3] = static_cast<char>((v >> 24) & 0xFF);
  }
  out.distinct = tokens;
  if (out.distinct.empty()) out.distinct.push_back(fuzzy::empty_token(primary));
  std::sort(out.distinct.begin(), out.distinct.end());
  out.distinct.erase(std::unique(out.distinct.begin(), out.distinct.end()), out.distinct.end());
  return out;
}

namespace fuzzy {
namespace {

// Gathered postings above this many bytes are written out mid-transaction, so that an
// import's memory stays bounded whatever the file's size (set_fuzzy_gather_limit).
std::atomic<std::size_t> pending_limit{kFuzzyGatherLimit};

// The postings of variants written in this transaction and not yet moved, in the order
// they came: one 64-bit entry per posting (the token above, the variant's index below),
// sorted by token only when they move. Appending is what every variant pays; a table of
// lists per token cost it a few cache misses per posting.
class Pending {
 public:
  struct Variant {
    std::int64_t id;
    std::int64_t length;
  };

  std::int64_t first_id() const { return variants_.empty() ? 0 : variants_.front().id; }
  std::int64_t last_id() const { return variants_.empty() ? 0 : variants_.back().id; }
  std::int64_t variants() const { return static_cast<std::int64_t>(variants_.size()); }
  std::size_t bytes() const { return entries_.size() * sizeof(std::uint64_t) + variants_.size() * sizeof(Variant); }

  void add(std::int64_t id, std::int64_t length, const std::vector<std::int32_t>& distinct) {
    const auto index = static_cast<std::uint64_t>(variants_.size());
    // A bulk write fills the vector to the limit: reserved once, not doubled past it.
    if (entries_.size() >= 4096 && entries_.capacity() < 65536)
      entries_.reserve(pending_limit.load(std::memory_order_relaxed) / sizeof(std::uint64_t) + 4096);
    variants_.push_back({id, length});
    for (std::int32_t token : distinct) entries_.push_back(static_cast<std::uint64_t>(sortable(token)) << 32 | index);
  }
  static std::int32_t token(std::uint64_t entry) {
    return static_cast<std::int32_t>(static_cast<std::uint32_t>(entry >> 32) ^ 0x80000000u);
  }

  // The entries sorted by token (as signed numbers, the order of the table's key), each
  // token's in the order added (id order: the index is the entry's low half). In place,
  // without a second buffer of their size: spread over 256 buckets by the top byte
  // (American flag sort), then each bucket sorted.
  std::vector<std::uint64_t> take_sorted() {
    std::vector<std::uint64_t> a = std::move(entries_);
    entries_ = {};
    std::size_t start[257] = {};
    for (std::uint64_t e : a) ++start[(e >> 56) + 1];
    for (int i = 0; i < 256; ++i) start[i + 1] += start[i];
    std::size_t next[256];
    for (int i = 0; i < 256; ++i) next[i] = start[i];
    for (std::size_t bucket = 0; bucket < 256; ++bucket) {
      while (next[bucket] < start[bucket + 1]) {
        std::uint64_t e = a[next[bucket]];
        for (std::size_t home = e >> 56; home != bucket; home = e >> 56) std::swap(e, a[next[home]++]);
        a[next[bucket]++] = e;
      }
    }
    for (std::size_t bucket = 0; bucket < 256; ++bucket)
      std::sort(a.begin() + static_cast<std::ptrdiff_t>(start[bucket]), a.begin() + static_cast<std::ptrdiff_t>(start[bucket + 1]));
    return a;
  }
  const Variant& variant(std::uint64_t entry) const { return variants_[entry & 0xFFFFFFFFu]; }

  void clear() {
    std::vector<std::uint64_t>().swap(entries_);
    std::vector<Variant>().swap(variants_);
  }
  // Empties it, keeping `buffer` (from take_sorted) for the next entries: in a bulk write
  // the next ones fill it again, and fresh pages cost a fault each.
  void reuse(std::vector<std::uint64_t> buffer) {
    variants_.clear();
    entries_ = std::move(buffer);
    entries_.clear();
  }
  std::vector<std::uint64_t> release_buffer() {
    std::vector<Variant>().swap(variants_);
    return std::move(entries_);
  }

 private:
  static std::uint32_t sortable(std::int32_t token) { return static_cast<std::uint32_t>(token) ^ 0x80000000u; }

  std::vector<std::uint64_t> entries_;
  std::vector<Variant> variants_;
};

// What a move took: the variants and their lowest and highest ids.
struct Moved {
  std::int64_t variants = 0, first = 0, last = 0;
};

// The postings of a move read back from fuzzy_variants, as (token, posting) pairs sorted
// once: cheaper than a list per token in a hash map.
struct ReadBack {
  struct Entry {
    std::int32_t token;
    Posting posting;
  };
  std::vector<Entry> entries;
  Moved moved;  // with the gathered ones
};

// The waiting variants (ids above `through`) that `pending` does not hold, read back
// from fuzzy_variants: written by earlier transactions (whatever process wrote them), or
// gathered and then dropped. Drops the gathered copy unless it holds exactly the rows
// from its first id on.
ReadBack read_back(sql::Database& db, Pending& pending, std::int64_t through) {
  if (pending.variants() > 0) {
    Query rows(db, "SELECT count(*), coalesce(max(variant_id), 0) FROM fuzzy_variants WHERE variant_id >= ?1");
    rows.bind(1, pending.first_id());
    rows.step();
    if (pending.first_id() <= through || rows.int64(0) != pending.variants() || rows.int64(1) != pending.last_id())
      pending.clear();
  }
  const std::int64_t below = pending.variants() > 0 ? pending.first_id() : std::numeric_limits<std::int64_t>::max();
  Query waiting(db, "SELECT variant_id, lang, length, tokens FROM fuzzy_variants WHERE variant_id > ?1"
                    " AND variant_id < ?2 ORDER BY variant_id");
  waiting.bind(1, through).bind(2, below);
  ReadBack out;
  Moved& moved = out.moved;
  while (waiting.step()) {
    const std::int64_t id = waiting.int64(0);
    const std::int64_t length = waiting.int64(2);
    auto keys = waiting.keys(3);
    if (keys.empty()) keys.push_back(static_cast<std::uint32_t>(empty_token(primary_language(waiting.text(1)))));
    std::sort(keys.begin(), keys.end());
    keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
    for (std::uint64_t k : keys)
      out.entries.push_back({static_cast<std::int32_t>(static_cast<std::uint32_t>(k)), {id, static_cast<int>(length)}});
    if (moved.variants == 0) moved.first = id;
    moved.last = id;
    ++moved.variants;
  }
  waiting.reset();
  if (pending.variants() > 0) {
    if (moved.variants == 0) moved.first = pending.first_id();
    moved.last = pending.last_id();
    moved.variants += pending.variants();
  }
  return out;
}

// Hands the postings of a move (those read back and those gathered in `pending`) to
// `row(token, band, ids, last id of ids)`, in key order, one stored list per token and
// length band. Touches no connection. Empties `pending`, keeping its buffer.
template <typename Row>
void encode_rows(ReadBack& back, Pending& pending, Row&& row) {
  auto& entries = back.entries;
  // In token order, so that the rows come in the table's key order; each token's
  // postings in id order, those read back (lower ids) before the gathered ones.
  std::sort(entries.begin(), entries.end(), [](const ReadBack::Entry& a, const ReadBack::Entry& b) {
    return a.token != b.token ? a.token < b.token : a.posting.id < b.posting.id;
  });
  std::vector<std::uint64_t> gathered = pending.take_sorted();
  auto token_of = [](std::uint64_t entry) { return Pending::token(entry); };
  std::string blob;
  std::vector<Posting> postings, scratch;
  std::size_t e = 0, g = 0;
  while (e < entries.size() || g < gathered.size()) {
    const std::int32_t token = g == gathered.size() || (e < entries.size() && entries[e].token < token_of(gathered[g]))
                                   ? entries[e].token
                                   : token_of(gathered[g]);
    postings.clear();
    for (; e < entries.size() && entries[e].token == token; ++e) postings.push_back(entries[e].posting);
    for (; g < gathered.size() && token_of(gathered[g]) == token; ++g) {
      const Pending::Variant& v = pending.variant(gathered[g]);
      postings.push_back({v.id, static_cast<int>(v.length)});
    }
    token_rows(token, postings, scratch, blob, row);
  }
  pending.reuse(std::move(gathered));
}

// Postings that moved earlier in the transaction: runs in a temporary file, merged into
// fuzzy_postings when it ends (move_postings). A run is sorted, encoded and written on a
// thread of its own while the writer goes on with the next variants: in a bulk import that
// work was a tenth of the writer thread, the one the import waits for.
class Spill {
 public:
  Spill() = default;
  ~Spill() { clear(); }
  Spill(const Spill&) = delete;
  Spill& operator=(const Spill&) = delete;

  // What the runs hold, the one being written included.
  bool empty() const { return variants_ == 0; }
  std::int64_t first_id() const { return first_; }
  std::int64_t last_id() const { return last_; }
  std::int64_t variants() const { return variants_; }

  // Starts writing `back` and the postings gathered in `pending` as the next run, once the
  // run before it is written; `pending` is left empty, with a buffer to gather into.
  void add_run(ReadBack back, Pending& pending) {
    settle();
    auto job = std::make_shared<Pending>();
    std::swap(*job, pending);
    if (spare_.capacity() > 0) pending.reuse(std::move(spare_));
    if (variants_ == 0) first_ = back.moved.first;
    last_ = back.moved.last;
    variants_ += back.moved.variants;
    job_ = std::async(std::launch::async, [this, back = std::move(back), job]() mutable {
      encode_rows(back, *job, [&](std::int32_t token, int band, std::string_view ids, std::int64_t last) {
        runs_.add_row(token, band, ids, last);
      });
      runs_.end_run(back.moved.first, back.moved.last, back.moved.variants);
      return job->release_buffer();
    });
  }

  // The runs, all written. Rethrows the error of a run that could not be written, having
  // dropped them all.
  PostingRuns& runs() {
    settle();
    return runs_;
  }

  // Forgets the runs (waiting for the one being written) and the spare buffer.
  void clear() noexcept {
    if (job_.valid()) {
      try {
        job_.get();
      } catch (...) {
        // Dropped with the runs.
      }
    }
    runs_.clear();
    std::vector<std::uint64_t>().swap(spare_);
    first_ = last_ = variants_ = 0;
  }

 private:
  void settle() {
    if (!job_.valid()) return;
    try {
      spare_ = job_.get();
    } catch (...) {
      clear();
      throw;
    }
  }

  PostingRuns runs_;  // the job's while it runs
  std::future<std::vector<std::uint64_t>> job_;
  std::vector<std::uint64_t> spare_;  // the last run's buffer, for the next gathering
  std::int64_t first_ = 0, last_ = 0, variants_ = 0;
};

// A move in the middle of a transaction: the waiting variants' postings become a run of
// `spill`. On failure both are dropped; the variants' rows stay, for the next move to read
// back.
void spill_postings(sql::Database& db, Pending& pending, Spill& spill) {
  try {
    const std::int64_t through = spill.empty() ? state_value(db, "postings_through") : spill.last_id();
    ReadBack back = read_back(db, pending, through);
    if (back.moved.variants > 0) spill.add_run(std::move(back), pending);
  } catch (...) {
    spill.clear();
    pending.clear();
    throw;
  }
}

// Moves the postings of every waiting variant (ids above postings_through) to
// fuzzy_postings, one chunk per token and length band named by the highest id moved:
// those of the runs spilled earlier in the transaction merged with the rest, or the rest
// alone. Returns the number of variants moved.
std::int64_t move_postings(sql::Database& db, Pending& pending, Spill& spill) {
  const std::int64_t through = state_value(db, "postings_through");
  if (!spill.empty()) {
    // The runs are used only when they hold exactly the rows of their ids.
    spill.runs();
    Query rows(db, "SELECT count(*), coalesce(max(variant_id), 0) FROM fuzzy_variants"
                   " WHERE variant_id > ?1 AND variant_id <= ?2");
    rows.bind(1, through).bind(2, spill.last_id());
    rows.step();
    if (spill.first_id() <= through || rows.int64(0) != spill.variants() || rows.int64(1) != spill.last_id())
      spill.clear();
  }
  sql::BulkInsert insert(db, "fuzzy_postings", {"token", "band", "chunk", "ids"});
  ReadBack back = read_back(db, pending, spill.empty() ? through : spill.last_id());
  std::int64_t last = back.moved.last, moved = back.moved.variants;
  if (spill.empty() && moved == 0) return 0;
  // All the rows or none, so that a move that failed (a full disk) leaves the variants
  // waiting, for a commit tried again or the next move to read back.
  db.exec("SAVEPOINT dilmanc_postings");
  try {
    if (spill.empty()) {
      encode_rows(back, pending, [&](std::int32_t token, int band, std::string_view ids, std::int64_t) {
        insert.add(token).add(band).add(last).add_blob(ids).end_row();
      });
    } else {
      PostingRuns& runs = spill.runs();
      if (moved > 0) {
        encode_rows(back, pending, [&](std::int32_t token, int band, std::string_view ids, std::int64_t list_last) {
          runs.add_row(token, band, ids, list_last);
        });
        runs.end_run(back.moved.first, back.moved.last, back.moved.variants);
      }
      last = runs.last_id();
      moved = runs.variants();
      runs.merge([&](std::int32_t token, int band, std::string_view ids) {
        insert.add(token).add(band).add(last).add_blob(ids).end_row();
      });
    }
    insert.flush();
    set_state(db, "postings_through", last);
    db.exec("RELEASE dilmanc_postings");
  } catch (...) {
    sqlite3_exec(db.handle(), "ROLLBACK TO dilmanc_postings; RELEASE dilmanc_postings", nullptr, nullptr, nullptr);
    spill.clear();
    pending.clear();
    throw;
  }
  spill.clear();
  pending.clear();
  return moved;
}

// Statements and gathered postings for writing, one set per connection.
struct Writer {
  explicit Writer(sql::Database& db)
      : db(db),
        insert_variant(db, "INSERT OR REPLACE INTO fuzzy_variants(variant_id, lang, length, tokens)"
                           " VALUES (?1, ?2, ?3, ?4)") {}
  sql::Database& db;
  Query insert_variant;
  std::unique_ptr<sql::BulkInsert> later;  // index_variant_later's rows
  Pending pending;
  Spill spill;  // postings that moved earlier in the transaction
  // Variants up to this id were indexed when the writer was made (build_index), the one
  // being written among them: they are not gathered again.
  std::int64_t built_through = 0;

  void add(std::int64_t variant_id, std::string_view lang, const FuzzyTokens& tokens) {
    insert_variant.bind(1, variant_id).bind(2, lang).bind(3, tokens.length);
    insert_variant.bind_blob(4, tokens.blob.data(), tokens.blob.size()).run();
    gather(variant_id, tokens);
  }

  void gather(std::int64_t variant_id, const FuzzyTokens& tokens) {
    // Ids grow within a transaction as SQLite assigns them; should one not, the gathered
    // postings are dropped and the variants read back when they move.
    if (variant_id <= built_through) return;
    if (pending.variants() > 0 && variant_id <= pending.last_id()) pending.clear();
    if (!spill.empty() && variant_id <= spill.last_id()) spill.clear();
    pending.add(variant_id, tokens.length, tokens.distinct);
    if (pending.bytes() >= pending_limit.load(std::memory_order_relaxed)) {
      write_later();  // the run is checked against the rows
      spill_postings(db, pending, spill);
    }
  }

  void write_later() {
    if (later) later->flush();
  }

  // Early in the commit, before other last work: when postings moved earlier in the
  // transaction, the gathered rest becomes the last run, written beside that work.
  void start_finish() {
    write_later();
    if (!spill.empty() && pending.variants() > 0) spill_postings(db, pending, spill);
  }

  // Before the commit: moves the waiting postings when some moved earlier in the
  // transaction or kFlushThreshold variants or more wait (other processes add too: those
  // are counted in the table).
  void finish() {
    write_later();
    if (pending.variants() == 0 && spill.empty()) return;
    bool move = !spill.empty() || pending.variants() >= kFlushThreshold;
    if (!move) {
      Query waiting(db, "SELECT count(*) FROM fuzzy_variants WHERE variant_id >"
                        " (SELECT coalesce(max(value), 0) FROM fuzzy_state WHERE key = 'postings_through')");
      waiting.step();
      move = waiting.int64(0) >= kFlushThreshold;
    }
    if (move) move_postings(db, pending, spill);
    pending.clear();
    spill.clear();
  }
};

bool index_current(sql::Database& db) {
  Query exists(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'fuzzy_state'");
  exists.step();
  if (exists.int64(0) == 0) return false;
  return state_value(db, "version") == kIndexVersion;
}

}  // namespace

// Creates the tables when missing or outdated and indexes every variant not yet in the
// index. Runs inside the caller's transaction.
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
  Query missing(db,
                "SELECT id, lang, text FROM variants"
                " WHERE id > (SELECT coalesce(max(variant_id), 0) FROM fuzzy_variants) ORDER BY id");
  while (missing.step()) {
    const std::string lang = primary_language(missing.text(1));
    writer.add(missing.int64(0), lang, fuzzy_tokens(missing.text(2), lang));
  }
  missing.reset();
  move_postings(db, writer.pending, writer.spill);
}

bool index_behind(sql::Database& db) {
  if (!index_current(db)) return true;
  Query q(db, "SELECT (SELECT coalesce(max(id), 0) FROM variants) > (SELECT coalesce(max(variant_id), 0) FROM fuzzy_variants)");
  q.step();
  return q.int64(0) != 0;
}

namespace {

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

// The gathered postings live as long as the transaction that wrote their variants: a
// rollback takes the variants away, and after a commit without finish() they wait in the
// table. (The hooks must not touch the connection: they only forget.)
int on_commit(void* writer) {
  static_cast<Writer*>(writer)->pending.clear();
  static_cast<Writer*>(writer)->spill.clear();
  return 0;
}
void on_rollback(void* writer) {
  static_cast<Writer*>(writer)->pending.clear();
  static_cast<Writer*>(writer)->spill.clear();
  if (static_cast<Writer*>(writer)->later) static_cast<Writer*>(writer)->later->discard();
}

Writer* existing_writer(sql::Database& db) {
  std::lock_guard<std::mutex> lock(writers_mutex);
  auto it = writers().find(db.handle());
  return it == writers().end() ? nullptr : it->second.get();
}

Writer& writer_for(sql::Database& db) {
  if (Writer* writer = existing_writer(db)) return *writer;
  const bool behind = index_behind(db);
  if (behind) build_index(db);
  auto writer = std::make_unique<Writer>(db);
  Writer& ref = *writer;
  if (behind) ref.built_through = state_value(db, "postings_through");
  sqlite3_trace_v2(db.handle(), SQLITE_TRACE_CLOSE, on_close, nullptr);
  sqlite3_commit_hook(db.handle(), on_commit, &ref);
  sqlite3_rollback_hook(db.handle(), on_rollback, &ref);
  std::lock_guard<std::mutex> lock(writers_mutex);
  writers()[db.handle()] = std::move(writer);
  return ref;
}

}  // namespace
}  // namespace fuzzy

void index_variant(sql::Database& db, std::int64_t variant_id, std::int64_t /*unit_id*/, std::string_view lang,
                   std::string_view marker_text) {
  const std::string primary = primary_language(lang);
  fuzzy::writer_for(db).add(variant_id, primary, fuzzy_tokens(marker_text, primary));
}

void index_variant(sql::Database& db, std::int64_t variant_id, std::string_view lang, const FuzzyTokens& tokens) {
  fuzzy::writer_for(db).add(variant_id, lang, tokens);
}

void index_variant_later(sql::Database& db, std::int64_t variant_id, std::string_view lang, const FuzzyTokens& tokens) {
  fuzzy::Writer& writer = fuzzy::writer_for(db);
  if (!writer.later)
    writer.later = std::make_unique<sql::BulkInsert>(
        db, "fuzzy_variants", std::initializer_list<std::string_view>{"variant_id", "lang", "length", "tokens"}, 64,
        "INSERT OR REPLACE");
  // The row first: a move the gathering starts checks the gathered postings against the rows.
  writer.later->add(variant_id).add_text(lang).add(tokens.length).add_blob(tokens.blob).end_row();
  writer.gather(variant_id, tokens);
}

void write_waiting_fuzzy_rows(sql::Database& db) {
  if (fuzzy::Writer* writer = fuzzy::existing_writer(db)) writer->write_later();
}

void set_fuzzy_gather_limit(std::size_t bytes) { fuzzy::pending_limit = bytes; }

void start_finishing_fuzzy_index(sql::Database& db) {
  if (fuzzy::Writer* writer = fuzzy::existing_writer(db)) writer->start_finish();
}

void finish_fuzzy_index(sql::Database& db) {
  if (fuzzy::Writer* writer = fuzzy::existing_writer(db)) writer->finish();
}

}  // namespace dilmanc::memory

// The concordance index (docs/memory-format.md, "Concordance search"): the trigrams and
// bridge terms of every variant's search key, written in segments of variant-id postings,
// and the search that intersects them, newest first; and from a hit back to the byte ranges
// to highlight.
//
// It replaces SQLite's FTS5 trigram tables, whose in-memory hash of pending terms spends
// most of a bulk import walking collision chains. Here the pending postings sit in a hash
// table keyed by the term, and a segment is written once, in key order.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <limits>
#include <deque>
#include <mutex>
#include <thread>

#include <sqlite3.h>

#include "dilmanc/error.h"
#include "dilmanc/inline_text.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "memory/memory_internal.h"
#include "memory/sqlite.h"
#include "memory/varint.h"

namespace dilmanc::memory {
namespace {

// A small segment is merged into the next one when it is not larger (a binary counter), so
// that memories grown one unit at a time keep few segments; segments from this size up are
// left as they are, so that a bulk import never rewrites what it wrote.
constexpr std::int64_t kMergeBelow = 65536;

// The ids of a postings list (varint distances from the previous id, the first from 0).
void decode_ids(const unsigned char* p, std::size_t n, std::vector<std::int64_t>& out) {
  out.clear();
  std::int64_t id = 0;
  std::uint64_t v = 0;
  int shift = 0;
  for (std::size_t i = 0; i < n; ++i) {
    v |= static_cast<std::uint64_t>(p[i] & 0x7F) << shift;
    if (p[i] & 0x80) {
      shift += 7;
      continue;
    }
    id += static_cast<std::int64_t>(v);
    out.push_back(id);
    v = 0;
    shift = 0;
  }
}

std::int64_t last_id(std::string_view bytes) {
  std::vector<std::int64_t> ids;
  decode_ids(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), ids);
  return ids.empty() ? 0 : ids.back();
}

std::int64_t meta_int(sql::Database& db, const char* key, std::int64_t fallback) {
  sql::Statement s(db, "SELECT value FROM meta WHERE key = ?1");
  s.bind(1, key);
  return s.step() ? std::stoll(s.text(0)) : fallback;
}

void set_through(sql::Database& db, std::int64_t through) {
  sql::Statement s(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('concordance_through', ?1)");
  s.bind(1, std::to_string(through)).run();
}

}  // namespace

namespace {

// Bridge terms are hashed into this many buckets per language and segment. Most bridges
// are rare: a list of their own each (about 57 bytes of row and index apiece) made the
// memory 8 % larger and its import a sixth slower. A bucket holds a few hundred postings
// of a 250,000-variant segment, still few beside the candidates a phrase's trigrams leave,
// unless it shares its bucket with one of the few bridges common enough to matter.
constexpr std::uint64_t kBridgeBuckets = std::uint64_t{1} << 14;

// Feeds the code points of a key, with kKeyBoundary at both ends when `bounded`, to
// `trigram` (each window of three, packed) and `bridge` (the window of five around each
// space with two code points either side).
template <typename Trigram, typename Bridge>
void key_windows(std::string_view key, bool bounded, Trigram&& trigram, Bridge&& bridge) {
  const std::uint64_t mask = (std::uint64_t{1} << 63) - 1;
  std::uint64_t last[5] = {};  // the last five code points, newest at [4]
  std::size_t seen = 0;
  auto push = [&](std::uint64_t c) {
    for (int k = 0; k < 4; ++k) last[k] = last[k + 1];
    last[4] = c;
    ++seen;
    if (seen >= 3) trigram(((last[2] << 42) | (last[3] << 21) | last[4]) & mask);
    if (seen >= 5 && last[2] == ' ') {
      // FNV-1a, then MurmurHash3's finalizer: FNV's own middle bits filled barely half of
      // the buckets.
      std::uint64_t h = 0xcbf29ce484222325ull;
      for (std::uint64_t x : last) h = (h ^ x) * 0x100000001b3ull;
      h ^= h >> 33;
      h *= 0xff51afd7ed558ccdull;
      h ^= h >> 33;
      h *= 0xc4ceb9fe1a85ec53ull;
      h ^= h >> 33;
      bridge(static_cast<std::uint64_t>(-static_cast<std::int64_t>(h & (kBridgeBuckets - 1)) - 1));
    }
  };
  if (bounded) push(static_cast<unsigned char>(kKeyBoundary));
  for (std::size_t i = 0; i < key.size();) {
    UChar32 c;
    U8_NEXT(key.data(), i, key.size(), c);
    push(c < 0 ? 0xFFFD : static_cast<std::uint64_t>(c));
  }
  if (bounded) push(static_cast<unsigned char>(kKeyBoundary));
}

}  // namespace

std::vector<std::uint64_t> key_trigrams(std::string_view key) {
  std::vector<std::uint64_t> out;
  if (key.empty()) return out;
  out.reserve(key.size() + 2);
  key_windows(key, true, [&](std::uint64_t t) { out.push_back(t); }, [](std::uint64_t) {});
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<std::uint64_t> key_terms_in_order(std::string_view key) {
  std::vector<std::uint64_t> out;
  if (key.empty()) return out;
  out.reserve(key.size() + key.size() / 4 + 2);
  auto add = [&](std::uint64_t t) { out.push_back(t); };
  key_windows(key, true, add, add);
  return out;
}

std::vector<std::uint64_t> key_terms(std::string_view key) {
  std::vector<std::uint64_t> out = key_terms_in_order(key);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::uint64_t bridge_term(std::string_view five) {
  std::uint64_t term = 0;
  std::size_t length = 0;
  for (std::size_t i = 0; i < five.size(); ++length) U8_FWD_1(five.data(), i, five.size());
  if (length != 5) return 0;
  key_windows(five, false, [](std::uint64_t) {}, [&](std::uint64_t b) { term = b; });
  return term;
}

// ---- writing ------------------------------------------------------------------------------

namespace {
void merge_small_segments(sql::Database& db, const std::string& lang, std::int64_t last);
}  // namespace

// The pending postings, per language: an open-addressing table from the packed trigram to its
// list. Batches of variants reach it through a queue served by a worker thread, started with
// the first full batch; small writes never start it.
struct ConcordanceWriter::Gatherer {
  struct Variant {
    std::size_t language;
    std::int64_t id;
    std::string key;
  };
  struct Slot {
    std::uint64_t key;   // a trigram with the top bit set, a bridge term as it is; 0 = empty
    std::uint32_t list;  // index into lists
  };
  struct List {
    std::uint64_t term;
    std::string bytes;  // varint distances between ascending variant ids
    std::int64_t last;
  };
  struct Language {
    std::vector<Slot> slots;
    std::vector<List> lists;
    std::int64_t first_id = 0, last_id = 0, variants = 0;
  };

  struct Job {
    std::vector<Variant> variants;
    bool cut = false;  // freeze what was gathered before this job
  };

  static constexpr std::size_t kBatch = 2048;

  std::vector<Language> languages;  // the worker's while it runs
  std::vector<std::string> names;   // the writer's: language index by name
  std::vector<Variant> batch;       // the writer's: not yet handed over
  std::vector<std::uint64_t> terms;  // gather()'s: a variant's terms
  std::vector<std::size_t> home;     // gather()'s: the home slots of a variant's terms

  // A segment cut from the postings gathered so far, its lists sorted for writing: the
  // worker's until `frozen_ready`, then the writer's, who writes it a few rows at a time.
  std::vector<Language> frozen;
  bool frozen_ready = false;  // under `mutex`

  std::mutex mutex;
  std::condition_variable work, idle;
  std::deque<Job> queue;
  bool busy = false, stop = false;
  std::thread worker;

  ~Gatherer() {
    if (!worker.joinable()) return;
    {
      std::lock_guard lock(mutex);
      stop = true;
    }
    work.notify_one();
    worker.join();
  }

  std::size_t language(std::string_view lang) {
    for (std::size_t i = 0; i < names.size(); ++i)
      if (names[i] == lang) return i;
    names.emplace_back(lang);
    return names.size() - 1;
  }

  void hand_over() {
    if (batch.empty()) return;
    if (!worker.joinable()) worker = std::thread([this] { serve(); });
    {
      std::lock_guard lock(mutex);
      queue.push_back(Job{std::move(batch), false});
    }
    batch.clear();
    work.notify_one();
  }

  // Freezes everything added so far into `frozen` (which must be empty): on the worker,
  // behind the batches before it, when it runs; at once otherwise (small writes).
  void cut() {
    if (!worker.joinable()) {
      gather(batch);
      batch.clear();
      freeze();
      std::lock_guard lock(mutex);
      frozen_ready = true;
      return;
    }
    hand_over();
    {
      std::lock_guard lock(mutex);
      queue.push_back(Job{{}, true});
    }
    work.notify_one();
  }

  bool is_frozen_ready() {
    std::lock_guard lock(mutex);
    return frozen_ready;
  }

  void wait_frozen() {
    std::unique_lock lock(mutex);
    idle.wait(lock, [&] { return frozen_ready; });
  }

  void drop_frozen() {
    std::vector<Language>().swap(frozen);
    std::lock_guard lock(mutex);
    frozen_ready = false;
  }

  // Each language's lists in the column's order (bridge terms are negative), so that the
  // inserts append.
  void freeze() {
    frozen = std::move(languages);
    languages.clear();
    for (Language& l : frozen) {
      std::vector<Slot>().swap(l.slots);
      std::sort(l.lists.begin(), l.lists.end(), [](const List& a, const List& b) {
        return static_cast<std::int64_t>(a.term) < static_cast<std::int64_t>(b.term);
      });
    }
  }

  // Everything added so far is in `languages` when this returns.
  void settle() {
    if (worker.joinable()) {
      std::unique_lock lock(mutex);
      idle.wait(lock, [&] { return queue.empty() && !busy; });
    }
    gather(batch);
    batch.clear();
  }

  void serve() {
    std::unique_lock lock(mutex);
    for (;;) {
      work.wait(lock, [&] { return stop || !queue.empty(); });
      if (queue.empty()) return;
      Job next = std::move(queue.front());
      queue.pop_front();
      busy = true;
      lock.unlock();
      if (next.cut)
        freeze();
      else
        gather(next.variants);
      lock.lock();
      busy = false;
      if (next.cut) frozen_ready = true;
      if (queue.empty() || next.cut) idle.notify_all();
    }
  }

  static std::size_t slot_of(std::uint64_t key, std::size_t mask) {
    return static_cast<std::size_t>((key * 0x9E3779B97F4A7C15ull) >> 40) & mask;
  }

  void gather(std::vector<Variant>& variants) {
    for (Variant& v : variants) {
      while (languages.size() <= v.language) languages.emplace_back();
      Language& l = languages[v.language];
      if (l.slots.empty()) l.slots.assign(1024, Slot{0, 0});
      if (l.variants == 0) l.first_id = v.id;
      l.last_id = v.id;
      ++l.variants;
      terms.clear();
      auto push = [this](std::uint64_t t) { terms.push_back(t); };
      key_windows(v.key, true, push, push);
      // The slots and lists of a variant's terms are far apart in large tables: asked for
      // all at once, their cache misses overlap instead of coming one after another. First
      // the slots, then the lists they name (made when new), then the appends.
      const std::size_t n = terms.size();
      const std::size_t prefetch_mask = l.slots.size() - 1;
      home.resize(n);
      for (std::size_t k = 0; k < n; ++k) {
        home[k] = slot_of(terms[k] | (std::uint64_t{1} << 63), prefetch_mask);
        __builtin_prefetch(&l.slots[home[k]]);
      }
      for (std::size_t k = 0; k < n; ++k) {
        const std::uint64_t t = terms[k];
        const std::uint64_t key = t | (std::uint64_t{1} << 63);
        const std::size_t mask = l.slots.size() - 1;
        std::size_t i = mask == prefetch_mask ? home[k] : slot_of(key, mask);
        while (l.slots[i].key != key && l.slots[i].key != 0) i = (i + 1) & mask;
        std::uint32_t list = l.slots[i].list;
        if (l.slots[i].key == 0) {
          list = static_cast<std::uint32_t>(l.lists.size());
          l.slots[i] = Slot{key, list};
          l.lists.push_back(List{t, {}, 0});
          if (l.lists.size() * 2 > l.slots.size()) grow(l);
        } else {
          __builtin_prefetch(&l.lists[list]);
        }
        home[k] = list;
      }
      for (std::size_t k = 0; k < n; ++k) {
        List& list = l.lists[home[k]];
        if (list.last == v.id) continue;  // a term the variant has twice
        put_varint(list.bytes, static_cast<std::uint64_t>(v.id - list.last));  // a new list: last = 0
        list.last = v.id;
      }
      std::string().swap(v.key);
    }
  }

  static void grow(Language& l) {
    std::vector<Slot> slots(l.slots.size() * 2, Slot{0, 0});
    const std::size_t mask = slots.size() - 1;
    for (const Slot& s : l.slots) {
      if (s.key == 0) continue;
      std::size_t i = slot_of(s.key, mask);
      while (slots[i].key != 0) i = (i + 1) & mask;
      slots[i] = s;
    }
    l.slots.swap(slots);
  }
};

namespace {
std::atomic<std::size_t> flush_limit{kConcordanceFlushLimit};
}  // namespace

void set_concordance_flush_limit(std::size_t postings) { flush_limit = postings; }

ConcordanceWriter::ConcordanceWriter() : gatherer_(std::make_unique<Gatherer>()) {}
ConcordanceWriter::~ConcordanceWriter() = default;

void ConcordanceWriter::add(std::string_view lang, std::int64_t variant_id, std::string key) {
  Gatherer& g = *gatherer_;
  // Its terms: a trigram per code point, at most a bridge per space.
  std::size_t terms = 1;
  for (char c : key) terms += ((static_cast<unsigned char>(c) & 0xC0) != 0x80) + (c == ' ');
  pending_postings_ += terms;
  g.batch.push_back(Gatherer::Variant{g.language(lang), variant_id, std::move(key)});
  if (g.batch.size() >= Gatherer::kBatch) g.hand_over();
}

bool ConcordanceWriter::wants_flush() const { return pending_postings_ >= flush_limit.load(std::memory_order_relaxed); }

void ConcordanceWriter::keep_up(sql::Database& db) {
  if (draining_ && gatherer_->is_frozen_ready()) {
    // Whole statements at a time: the rows owed pile up until they fill one.
    if (drain_rows_per_call_ == 0) drain_rows_per_call_ = rows_per_call();
    drain_owed_ += drain_rows_per_call_;
    if (drain_owed_ >= kDrainStatementRows) {
      drain(db, drain_owed_);
      drain_owed_ = 0;
    }
  }
  if (!wants_flush()) return;
  if (draining_) drain(db, std::numeric_limits<std::size_t>::max());  // the earlier segment, all of it
  start_drain(db);
}

std::size_t ConcordanceWriter::rows_per_call() const {
  // Spread over about half as many calls (variants written) as the segment took to gather,
  // so that it is gone well before the next one is cut.
  std::size_t lists = 0, variants = 0;
  for (const Gatherer::Language& l : gatherer_->frozen) {
    lists += l.lists.size();
    variants += static_cast<std::size_t>(l.variants);
  }
  return 2 * lists / std::max<std::size_t>(variants, 1) + 1;
}

void ConcordanceWriter::start_drain(sql::Database& db) {
  drain_insert_ = std::make_unique<sql::BulkInsert>(
      db, "concordance_terms", std::initializer_list<std::string_view>{"lang", "segment", "term", "ids"},
      static_cast<int>(kDrainStatementRows));
  gatherer_->cut();
  drain_language_ = drain_list_ = 0;
  drain_rows_per_call_ = drain_owed_ = 0;
  drain_through_ = 0;
  draining_ = true;
  pending_postings_ = 0;
}

void ConcordanceWriter::drain(sql::Database& db, std::size_t rows) {
  Gatherer& g = *gatherer_;
  g.wait_frozen();
  std::vector<Gatherer::Language>& frozen = g.frozen;
  // Each call's rows all or none, its lists kept until they are in, so that a call that
  // failed (a full disk) can be made again: by a commit tried again, say.
  const std::size_t first_language = drain_language_, first_list = drain_list_;
  const std::int64_t first_through = drain_through_;
  db.exec("SAVEPOINT dilmanc_concordance");
  try {
    for (; drain_language_ < frozen.size() && rows > 0; ++drain_language_, drain_list_ = 0) {
      Gatherer::Language& l = frozen[drain_language_];
      const std::string& lang = g.names[drain_language_];
      for (; drain_list_ < l.lists.size() && rows > 0; ++drain_list_, --rows) {
        const Gatherer::List& list = l.lists[drain_list_];
        drain_insert_->add_text(lang).add(l.last_id).add(static_cast<std::int64_t>(list.term)).add_blob(list.bytes);
        drain_insert_->end_row();
      }
      if (drain_list_ < l.lists.size()) break;
      drain_insert_->flush();
      if (l.variants == 0) continue;
      sql::Statement segment(db, "INSERT INTO concordance_segments(lang, last_id, first_id, variants) VALUES (?1, ?2, ?3, ?4)");
      segment.bind(1, lang).bind(2, l.last_id).bind(3, l.first_id).bind(4, l.variants).run();
      merge_small_segments(db, lang, l.last_id);
      drain_through_ = std::max(drain_through_, l.last_id);
    }
    drain_insert_->flush();
    if (drain_language_ == frozen.size() && drain_through_ > 0) set_through(db, drain_through_);
    db.exec("RELEASE dilmanc_concordance");
  } catch (...) {
    drain_insert_->discard();
    sqlite3_exec(db.handle(), "ROLLBACK TO dilmanc_concordance; RELEASE dilmanc_concordance", nullptr, nullptr, nullptr);
    drain_language_ = first_language;
    drain_list_ = first_list;
    drain_through_ = first_through;
    throw;
  }
  // What went in leaves memory.
  for (std::size_t k = first_language; k < frozen.size() && k <= drain_language_; ++k) {
    std::vector<Gatherer::List>& lists = frozen[k].lists;
    if (k < drain_language_) {
      std::vector<Gatherer::List>().swap(lists);
      continue;
    }
    for (std::size_t i = k == first_language ? first_list : 0; i < drain_list_; ++i) std::string().swap(lists[i].bytes);
  }
  if (drain_language_ < frozen.size()) return;
  drain_insert_.reset();
  g.drop_frozen();
  draining_ = false;
}

void ConcordanceWriter::clear() {
  Gatherer& g = *gatherer_;
  g.settle();
  g.languages.clear();
  g.drop_frozen();
  drain_insert_.reset();
  draining_ = false;
  pending_postings_ = 0;
}

void ConcordanceWriter::flush(sql::Database& db, std::int64_t through) {
  if (pending_postings_ == 0 && through <= 0 && !draining_) return;
  if (draining_) drain(db, std::numeric_limits<std::size_t>::max());
  if (pending_postings_ > 0) {
    start_drain(db);
    drain(db, std::numeric_limits<std::size_t>::max());
  }
  if (through > 0) set_through(db, through);
}

// Merges the segment ending at `last` with the ones before it while they are small and not
// larger than it. Ids of an older segment are all below those of a newer one, so a merged
// list is the older list followed by the newer one, its first distance taken from the older
// list's last id.
namespace {
void merge_small_segments(sql::Database& db, const std::string& lang, std::int64_t last) {
  sql::Statement current(db, "SELECT first_id, variants FROM concordance_segments WHERE lang = ?1 AND last_id = ?2");
  sql::Statement previous(db, "SELECT last_id, first_id, variants FROM concordance_segments"
                              " WHERE lang = ?1 AND last_id < ?2 ORDER BY last_id DESC LIMIT 1");
  for (;;) {
    current.bind(1, lang).bind(2, last);
    if (!current.step()) return;
    std::int64_t first = current.int64(0), variants = current.int64(1);
    current.reset();
    previous.bind(1, lang).bind(2, first);
    if (!previous.step()) return;
    const std::int64_t old_last = previous.int64(0), old_first = previous.int64(1), old_variants = previous.int64(2);
    previous.reset();
    if (old_variants >= kMergeBelow || old_variants > variants) return;

    std::vector<std::pair<std::int64_t, std::string>> merged;
    {
      sql::Statement older(db, "SELECT term, ids FROM concordance_terms WHERE lang = ?1 AND segment = ?2"
                               " ORDER BY term");
      sql::Statement newer(db, "SELECT term, ids FROM concordance_terms WHERE lang = ?1 AND segment = ?2"
                               " ORDER BY term");
      older.bind(1, lang).bind(2, old_last);
      newer.bind(1, lang).bind(2, last);
      bool has_old = older.step(), has_new = newer.step();
      while (has_old || has_new) {
        if (has_old && (!has_new || older.int64(0) < newer.int64(0))) {
          merged.emplace_back(older.int64(0), older.blob(1));
          has_old = older.step();
        } else if (has_new && (!has_old || newer.int64(0) < older.int64(0))) {
          merged.emplace_back(newer.int64(0), newer.blob(1));
          has_new = newer.step();
        } else {
          std::string bytes = older.blob(1);
          const std::string tail = newer.blob(1);
          std::vector<std::int64_t> ids;
          decode_ids(reinterpret_cast<const unsigned char*>(tail.data()), tail.size(), ids);
          std::int64_t previous_id = last_id(bytes);
          for (std::int64_t id : ids) {
            put_varint(bytes, static_cast<std::uint64_t>(id - previous_id));
            previous_id = id;
          }
          merged.emplace_back(older.int64(0), std::move(bytes));
          has_old = older.step();
          has_new = newer.step();
        }
      }
    }
    sql::Statement drop(db, "DELETE FROM concordance_terms WHERE lang = ?1 AND segment IN (?2, ?3)");
    drop.bind(1, lang).bind(2, old_last).bind(3, last).run();
    sql::Statement insert(db, "INSERT INTO concordance_terms(lang, segment, term, ids) VALUES (?1, ?2, ?3, ?4)");
    for (const auto& [trigram, bytes] : merged) insert.bind(1, lang).bind(2, last).bind(3, trigram).bind_blob_view(4, bytes).run();
    sql::Statement forget(db, "DELETE FROM concordance_segments WHERE lang = ?1 AND last_id = ?2");
    forget.bind(1, lang).bind(2, old_last).run();
    sql::Statement grow(db, "UPDATE concordance_segments SET first_id = ?3, variants = ?4 WHERE lang = ?1 AND last_id = ?2");
    grow.bind(1, lang).bind(2, last).bind(3, old_first).bind(4, old_variants + variants).run();
  }
}

}  // namespace

void complete_concordance_index(sql::Database& db) {
  auto legacy_tables = [&] {
    // Schema version 1 kept the index in FTS5 tables search_<lang>.
    std::vector<std::string> names;
    sql::Statement s(db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name GLOB 'search_*'"
                         " AND sql LIKE 'CREATE VIRTUAL TABLE%'");
    while (s.step()) names.push_back(s.text(0));
    return names;
  };
  auto newest_variant = [&] {
    sql::Statement s(db, "SELECT coalesce(max(id), 0) FROM variants");
    s.step();
    return s.int64(0);
  };
  if (meta_int(db, "concordance_through", 0) >= newest_variant() && legacy_tables().empty()) return;
  sql::Transaction tx(db);
  for (const auto& name : legacy_tables()) db.exec(("DROP TABLE IF EXISTS \"" + name + "\"").c_str());
  const std::int64_t through = meta_int(db, "concordance_through", 0);
  ConcordanceWriter writer;
  {
    sql::Statement s(db, "SELECT id, lang, normalized FROM variants WHERE id > ?1 ORDER BY id");
    s.bind(1, through);
    while (s.step()) {
      writer.add(s.text(1), s.int64(0), s.text(2));
      writer.keep_up(db);
    }
  }
  writer.flush(db, newest_variant());
  tx.commit();
}

// ---- searching ----------------------------------------------------------------------------

namespace {
constexpr std::size_t kListBytesPerCheck = 4096;
}  // namespace

std::vector<std::int64_t> concordance_variants(sql::Database& db, std::string_view lang, std::string_view key,
                                               std::size_t limit) {
  std::vector<std::int64_t> out;
  if (key.empty() || limit == 0) return out;
  std::size_t length = 0;
  for (std::size_t i = 0; i < key.size(); ++length) U8_FWD_1(key.data(), i, key.size());
  // Keys of one or two characters have no trigram of their own: a whole word (one
  // character) or a word start (two) is any of a few trigrams with a boundary or a space.
  std::vector<std::uint64_t> terms;
  const bool any_of = length < 3;
  if (any_of) {
    const std::string k(key);
    std::vector<std::string> forms;
    if (length == 1) {
      for (const char* before : {"\x1f", " "})
        for (const char* after : {"\x1f", " "}) forms.push_back(before + k + after);
    } else {
      for (const char* before : {"\x1f", " "}) forms.push_back(before + k);
    }
    for (const auto& form : forms) {
      // The packed trigram of exactly these three characters.
      std::uint64_t packed = 0;
      for (std::size_t i = 0; i < form.size();) {
        UChar32 c;
        U8_NEXT(form.data(), i, form.size(), c);
        packed = (packed << 21) | static_cast<std::uint64_t>(c < 0 ? 0xFFFD : c);
      }
      terms.push_back(packed);
    }
  } else {
    // The key's own trigrams and the bridge terms of its spaces that have two of its code
    // points on either side: a variant holding the key holds them all, and a phrase of
    // common words ("require to") is in few of the variants that hold its bridges where
    // thousands hold its trigrams apart.
    auto add = [&](std::uint64_t t) { terms.push_back(t); };
    key_windows(key, false, add, add);
    std::sort(terms.begin(), terms.end());
    terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  }

  sql::Statement segments(db, "SELECT last_id FROM concordance_segments WHERE lang = ?1 ORDER BY last_id DESC");
  sql::Statement size(db, "SELECT length(ids) FROM concordance_terms WHERE lang = ?1 AND segment = ?2 AND term = ?3");
  sql::Statement list(db, "SELECT ids FROM concordance_terms WHERE lang = ?1 AND segment = ?2 AND term = ?3");
  sql::Statement text(db, "SELECT normalized FROM variants WHERE id = ?1");
  std::vector<std::int64_t> segment_ids;
  segments.bind(1, lang);
  while (segments.step()) segment_ids.push_back(segments.int64(0));

  std::vector<std::int64_t> ids, candidates, next;
  auto read_list = [&](std::int64_t segment, std::uint64_t trigram) {
    list.bind(1, lang).bind(2, segment).bind(3, static_cast<std::int64_t>(trigram));
    ids.clear();
    if (list.step()) {
      const std::string bytes = list.blob(0);
      decode_ids(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), ids);
    }
    list.reset();
  };
  for (std::int64_t segment : segment_ids) {
    candidates.clear();
    if (any_of) {
      for (std::uint64_t t : terms) {
        read_list(segment, t);
        next.clear();
        std::set_union(candidates.begin(), candidates.end(), ids.begin(), ids.end(), std::back_inserter(next));
        candidates.swap(next);
      }
      for (auto it = candidates.rbegin(); it != candidates.rend() && out.size() < limit; ++it) out.push_back(*it);
    } else {
      // The rarest terms first; a list is read only while it is worth more than
      // checking the candidates left against their text. A check reads a variant's row
      // at random: two or three pages the process has not touched, and on the 2-core
      // benchmark machine a first touch of a mapped page costs 30-40 us (a pread of one,
      // 3 us), where a list is read in order. At 4,096 bytes of list per candidate, and
      // reading on down to the last candidate, the slowest of the benchmark's queries took
      // 6.8 ms in each of three runs; at 1,024 bytes and stopping at 16 candidates,
      // 6.7-13.7 ms.
      std::vector<std::pair<std::int64_t, std::uint64_t>> sized;
      bool missing = false;
      for (std::uint64_t t : terms) {
        size.bind(1, lang).bind(2, segment).bind(3, static_cast<std::int64_t>(t));
        if (size.step())
          sized.emplace_back(size.int64(0), t);
        else
          missing = true;
        size.reset();
        if (missing) break;
      }
      if (missing || sized.empty()) continue;
      std::sort(sized.begin(), sized.end());
      read_list(segment, sized.front().second);
      candidates = ids;
      for (std::size_t k = 1; k < sized.size() && !candidates.empty(); ++k) {
        if (static_cast<std::size_t>(sized[k].first) > candidates.size() * kListBytesPerCheck) break;
        read_list(segment, sized[k].second);
        next.clear();
        std::set_intersection(candidates.begin(), candidates.end(), ids.begin(), ids.end(), std::back_inserter(next));
        candidates.swap(next);
      }
      for (auto it = candidates.rbegin(); it != candidates.rend() && out.size() < limit; ++it) {
        text.bind(1, *it);
        if (text.step() && text.text(0).find(key) != std::string::npos) out.push_back(*it);
        text.reset();
      }
    }
    if (out.size() >= limit) break;
  }
  return out;
}

// Folds the text one character at a time, remembering where each folded byte came from,
// then looks for the key in the folded text.
std::vector<std::pair<std::size_t, std::size_t>> find_matches(std::string_view text, std::string_view key,
                                                              std::string_view lang) {
  std::string folded;
  std::vector<std::size_t> from, to;  // per folded byte: the source character's range
  InlineCode::Kind kind;
  for (std::size_t i = 0; i < text.size();) {
    if (marker_at(text, i, &kind)) {
      i += kMarkerBytes;
      continue;
    }
    std::size_t start = i;
    UChar32 c;
    U8_NEXT(text.data(), i, text.size(), c);
    std::string piece;
    if (c < 0) continue;
    if (u_isUWhiteSpace(c)) {
      if (folded.empty() || folded.back() == ' ') continue;
      piece.assign(1, ' ');
    } else {
      piece = search_key(text.substr(start, i - start), lang);
    }
    for (char ch : piece) {
      folded += ch;
      from.push_back(start);
      to.push_back(i);
    }
  }
  std::vector<std::pair<std::size_t, std::size_t>> out;
  if (key.empty()) return out;
  for (std::size_t pos = folded.find(key); pos != std::string::npos; pos = folded.find(key, pos + key.size()))
    out.emplace_back(from[pos], to[pos + key.size() - 1]);
  return out;
}

}  // namespace dilmanc::memory

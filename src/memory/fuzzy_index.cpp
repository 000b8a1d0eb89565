#include "memory/fuzzy_index.h"

#include <sqlite3.h>

#include <algorithm>
#include <cstring>
#include <limits>
#include <span>
#include <unordered_map>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "match/index_keys.h"
#include "match/token_distance.h"
#include "match/token_hash.h"
#include "memory/code_format.h"
#include "memory/fuzzy_index_store.h"
#include "memory/sqlite.h"

namespace dilmanc::memory {

using namespace fuzzy;

namespace {

// Brings the index of a file up to date before anything reads it.
bool make_current(sql::Database& db) {
  sqlite3_busy_timeout(db.handle(), 60000);
  // The file is mapped only once a batch has shown itself (kLookupsBeforeMapping).
  db.exec("PRAGMA mmap_size = 0; PRAGMA cache_size = -32768; PRAGMA temp_store = MEMORY");
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

// A batch reads long posting lists and many pages at random, which a mapped file serves
// faster than SQLite's page cache (the 99th percentile of the match benchmark's held-out
// queries at 1M units: about 12 ms when mapped from the 33rd lookup, 9.5 ms from the
// second). But mapping costs a one-query process a page fault for every page it touches
// and a long unmapping at its end (about 8 ms of 60 at 1M units): the first lookup reads
// through the cache, and from the second on the file is mapped.
constexpr std::uint64_t kLookupsBeforeMapping = 1;

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
  // Stored size of those chunks per length band: the cost of reading them again.
  std::size_t band_bytes[kLengthBands] = {};
  // The lengths held, whole bands: a short process reads only those its lookup allows; a
  // list needed again for other lengths is read again for both.
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

  // Adds the postings of stored chunks (`raw` holds them one after the other, `rows` their
  // sizes): within every length the ids come in order, above the ids already held.
  // Decoded twice, once to count each length's postings and once to put them in place:
  // cheaper than an array of every posting in between, which a frequent word's list
  // (a million postings at 1M units) made a process spend most of its lookup filling.
  void append(const std::string& raw, const std::vector<std::size_t>& rows) {
    if (raw.empty()) return;
    const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
    std::vector<std::size_t> added(lengths.empty() ? 1 : static_cast<std::size_t>(lengths.back()) + 1, 0);
    for (std::size_t i = 0; i < raw.size();) {
      get_varint(bytes, raw.size(), &i);
      const auto length = static_cast<std::size_t>(get_varint(bytes, raw.size(), &i));
      if (length >= added.size()) added.resize(length + 1, 0);
      ++added[length];
    }
    // Per length: postings held, then postings added.
    std::vector<std::size_t> held(added.size(), 0);
    for (std::size_t i = 0; i < lengths.size(); ++i) held[static_cast<std::size_t>(lengths[i])] = starts[i + 1] - starts[i];
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
    std::size_t at = 0;
    for (std::size_t row : rows) {
      const std::size_t end = at + row;
      std::int64_t id = 0;
      while (at < end) {
        id += static_cast<std::int64_t>(get_varint(bytes, end, &at));
        const auto length = static_cast<std::size_t>(get_varint(bytes, end, &at));
        new_ids[fill[length]++] = id;
      }
    }
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
  Query list_size{db, "SELECT coalesce(sum(length(ids)), 0) FROM fuzzy_postings WHERE token = ?1 AND band BETWEEN ?2 AND ?3"};
  Query list{db, "SELECT band, ids FROM fuzzy_postings WHERE token = ?1 AND band BETWEEN ?2 AND ?3 AND chunk > ?4"};
  Query state{db, "SELECT coalesce((SELECT value FROM fuzzy_state WHERE key = 'postings_through'), 0),"
                  " coalesce((SELECT value FROM fuzzy_state WHERE key = 'generation'), 0)"};
  Query waiting{db, "SELECT variant_id, lang, length, tokens FROM fuzzy_variants WHERE variant_id > ?1"};
  Query tokens{db, "SELECT tokens FROM fuzzy_variants WHERE variant_id = ?1"};
  Query variant{db, "SELECT unit_id, text, coalesce(codes, '') FROM variants WHERE id = ?1"};
  Query newest{db, "SELECT coalesce(max(id), 0) FROM variants"};
  Query unit_date{db, "SELECT changed_at FROM units WHERE id = ?1"};
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
  bool mapped = false;  // the file mapped (kLookupsBeforeMapping)
  std::vector<WaitingVariant> waiting_variants;  // ids above `through`, in id order
  std::string raw;                               // scratch: stored chunks read
  std::vector<std::size_t> rows;                 // scratch: their sizes
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

  // The stored size of a token's postings of lengths lo..hi (of their bands), without
  // reading them when they are not held.
  std::size_t stored_bytes(std::int32_t token, int lo, int hi) {
    const int first = length_band(lo), last = length_band(hi);
    if (auto it = lists.find(token); it != lists.end() && it->second.covers(lo, hi)) {
      if (it->second.through != through) load(token, lo, hi);
      std::size_t bytes = 0;
      for (int b = first; b <= last; ++b) bytes += it->second.band_bytes[b];
      return bytes;
    }
    list_size.bind(1, token).bind(2, static_cast<std::int64_t>(first)).bind(3, static_cast<std::int64_t>(last));
    list_size.step();
    const auto bytes = static_cast<std::size_t>(list_size.int64(0));
    list_size.reset();
    return bytes;
  }

  // A token's list, with at least the lengths lo..hi, read (or completed) from the index
  // and kept. Only what is missing is read: the chunks moved since, and the bands not held.
  const PostingList& load(std::int32_t token, int lo, int hi) {
    PostingList& l = lists[token];
    l.used = lookups;
    if (l.covers(lo, hi) && l.through == through) return l;
    const std::size_t before = l.memory();
    raw.clear();
    rows.clear();
    auto read = [&](int first_band, int last_band, std::int64_t after) {
      list.bind(1, token).bind(2, static_cast<std::int64_t>(first_band)).bind(3, static_cast<std::int64_t>(last_band));
      list.bind(4, after);
      while (list.step()) {
        std::size_t size;
        const unsigned char* p = list.blob(1, &size);
        raw.append(reinterpret_cast<const char*>(p), size);
        rows.push_back(size);
        l.band_bytes[std::clamp<std::int64_t>(list.int64(0), 0, kLengthBands - 1)] += size;
      }
      list.reset();
    };
    const int want_lo = length_band(lo), want_hi = length_band(hi);
    if (l.through < 0) {
      read(want_lo, want_hi, -1);
      l.covered_lo = band_first(want_lo);
      l.covered_hi = band_last(want_hi);
    } else {
      const int held_lo = length_band(l.covered_lo), held_hi = length_band(l.covered_hi);
      if (l.through != through) read(held_lo, held_hi, l.through);
      if (want_lo < held_lo) read(want_lo, held_lo - 1, -1);
      if (want_hi > held_hi) read(held_hi + 1, want_hi, -1);
      l.covered_lo = band_first(std::min(want_lo, held_lo));
      l.covered_hi = band_last(std::max(want_hi, held_hi));
    }
    // Within every length (one band's) the ids come in order, and above those held: a
    // band's chunks come in key order, and a completion reads only chunks moved since.
    l.append(raw, rows);
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
  if (impl_->reading++ > 0) return;
  // Outside any transaction, where SQLite can change its mapping.
  if (!impl_->mapped && impl_->lookups >= kLookupsBeforeMapping) {
    impl_->db.exec("PRAGMA mmap_size = 4294967296");
    impl_->mapped = true;
  }
  impl_->db.exec("BEGIN");
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
  for (std::size_t t = 0; t < n; ++t) bytes[t] = x.stored_bytes(distinct[t].id, lo, hi);
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

std::string FuzzyIndex::unit_changed_at(std::int64_t unit_id) {
  Query& q = impl_->unit_date;
  ReadSnapshot snapshot(*this);
  q.bind(1, unit_id);
  std::string out = q.step() ? q.text(0) : std::string();
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

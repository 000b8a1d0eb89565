#include "memory/variant_hashes.h"

#include <algorithm>
#include <numeric>

#include "memory/sqlite.h"

namespace dilmanc::memory {

namespace {

constexpr std::uint64_t kIdMask = (std::uint64_t{1} << 56) - 1;

}  // namespace

void PendingHashes::start() {
  stop();
  active_ = true;
  slots_.assign(std::size_t{1} << 16, 0);
}

void PendingHashes::stop() {
  if (sorter_.joinable()) sorter_.join();
  sorted_ = false;
  sorting_ = false;
  active_ = false;
  std::vector<std::string>().swap(languages_);
  std::vector<Entry>().swap(entries_);
  std::vector<std::uint32_t>().swap(slots_);
}

int PendingHashes::language_index(std::string_view lang) {
  for (std::size_t i = 0; i < languages_.size(); ++i)
    if (languages_[i] == lang) return static_cast<int>(i);
  if (languages_.size() == 256) return -1;
  languages_.emplace_back(lang);
  return static_cast<int>(languages_.size() - 1);
}

std::size_t PendingHashes::slot_of(int lang, std::int64_t hash) const {
  std::uint64_t h = static_cast<std::uint64_t>(hash) ^ (static_cast<std::uint64_t>(lang) * 0x9E3779B97F4A7C15ull);
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 29;
  return static_cast<std::size_t>(h) & (slots_.size() - 1);
}

void PendingHashes::grow() {
  std::vector<std::uint32_t>(slots_.size() * 2, 0).swap(slots_);
  for (std::size_t k = 0; k < entries_.size(); ++k) {
    const Entry& e = entries_[k];
    std::size_t i = slot_of(static_cast<int>(e.lang_and_id >> kIdBits), e.hash);
    while (slots_[i] != 0) i = (i + 1) & (slots_.size() - 1);
    slots_[i] = static_cast<std::uint32_t>(k + 1);
  }
}

bool PendingHashes::add(std::string_view lang, std::int64_t hash, std::int64_t variant_id) {
  if (!active_ || sorting_ || variant_id < 0 || static_cast<std::uint64_t>(variant_id) > kIdMask ||
      entries_.size() >= 0xFFFFFFF0u)
    return false;
  const int index = language_index(lang);
  if (index < 0) return false;
  entries_.push_back({hash, static_cast<std::uint64_t>(index) << kIdBits | static_cast<std::uint64_t>(variant_id)});
  std::size_t i = slot_of(index, hash);
  while (slots_[i] != 0) i = (i + 1) & (slots_.size() - 1);
  slots_[i] = static_cast<std::uint32_t>(entries_.size());
  if (entries_.size() * 2 > slots_.size()) grow();
  return true;
}

void PendingHashes::find(std::string_view lang, std::int64_t hash, std::vector<std::int64_t>& ids) const {
  if (!findable()) return;
  const auto it = std::find(languages_.begin(), languages_.end(), lang);
  if (it == languages_.end()) return;
  const auto index = static_cast<std::uint64_t>(it - languages_.begin());
  for (std::size_t i = slot_of(static_cast<int>(index), hash); slots_[i] != 0; i = (i + 1) & (slots_.size() - 1)) {
    const Entry& e = entries_[slots_[i] - 1];
    if (e.hash == hash && e.lang_and_id >> kIdBits == index)
      ids.push_back(static_cast<std::int64_t>(e.lang_and_id & kIdMask));
  }
}

void PendingHashes::prefetch(std::string_view lang, std::int64_t hash) const {
  if (!findable()) return;
  for (std::size_t i = 0; i < languages_.size(); ++i)
    if (languages_[i] == lang) {
      __builtin_prefetch(&slots_[slot_of(static_cast<int>(i), hash)]);
      return;
    }
}

void PendingHashes::sort_in_background() {
  if (!active_ || sorting_) return;
  sorting_ = true;
  std::vector<std::uint32_t>().swap(slots_);
  sorter_ = std::thread([this] { sort(); });
}

void PendingHashes::sort() {
  // The table's key order: language (as SQLite compares text, byte by byte), hash, id.
  // Rows in that order go in at the right edge of its B-tree, each a short step from the last.
  std::vector<std::size_t> by_name(languages_.size());
  std::iota(by_name.begin(), by_name.end(), std::size_t{0});
  std::sort(by_name.begin(), by_name.end(), [&](std::size_t a, std::size_t b) { return languages_[a] < languages_[b]; });
  std::vector<std::uint64_t> rank(languages_.size());
  for (std::size_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;
  std::sort(entries_.begin(), entries_.end(), [&](const Entry& a, const Entry& b) {
    const std::uint64_t ra = rank[a.lang_and_id >> kIdBits], rb = rank[b.lang_and_id >> kIdBits];
    if (ra != rb) return ra < rb;
    if (a.hash != b.hash) return a.hash < b.hash;
    return (a.lang_and_id & kIdMask) < (b.lang_and_id & kIdMask);
  });
  sorted_ = true;
}

void PendingHashes::write(sql::Database& db) {
  if (!active_) return;
  if (sorter_.joinable()) sorter_.join();
  if (!sorted_) {
    sorting_ = true;  // no finds or adds from here on, even should the writing fail
    std::vector<std::uint32_t>().swap(slots_);
    sort();
  }
  // All rows or none, so that a write that failed (a full disk) can be tried again.
  db.exec("SAVEPOINT dilmanc_hashes");
  try {
    insert_sorted(db);
    db.exec("RELEASE dilmanc_hashes");
  } catch (...) {
    sqlite3_exec(db.handle(), "ROLLBACK TO dilmanc_hashes; RELEASE dilmanc_hashes", nullptr, nullptr, nullptr);
    throw;
  }
  stop();
}

void PendingHashes::insert_sorted(sql::Database& db) const {
  sql::BulkInsert insert(db, "variant_hashes", {"lang", "hash", "variant_id"});
  for (const Entry& e : entries_) {
    insert.add_text(languages_[e.lang_and_id >> kIdBits]).add(e.hash);
    insert.add(static_cast<std::int64_t>(e.lang_and_id & kIdMask)).end_row();
  }
  insert.flush();
}

}  // namespace dilmanc::memory

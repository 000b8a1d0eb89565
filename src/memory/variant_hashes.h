// The exact-lookup index of the memory: the table variant_hashes, one row (language, hash,
// variant id) per variant, written beside the variant (docs/memory-format.md, "Hashes"). A
// batch that fills an empty memory holds its rows back instead and writes them, sorted,
// before its commit: as an index on variants, updated one variant at a time in the random
// order of the hashes, they took a fifth of a bulk import's CPU time.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace dilmanc::sql {
class Database;
}

namespace dilmanc::memory {

// The rows of variants written while active, held back from the table: their lookup (the
// duplicate check of an import) from memory, their writing in key order.
// Belongs to one connection and its thread.
class PendingHashes {
 public:
  bool active() const { return active_; }
  // True while find() can be asked: active and not sorting.
  bool findable() const { return active_ && !sorting_; }
  // Holds rows back from now on. Only for a memory without variants, inside a transaction
  // that holds the write lock (Batch): the rows held back are then all there are.
  void start();
  // Forgets the rows held back (after a rollback) and stops holding back.
  void stop();

  // Holds the row of a new variant back. False (nothing held) when not active or when it
  // cannot (also once sorting): the caller writes the row itself, after write() in the
  // second case.
  bool add(std::string_view lang, std::int64_t hash, std::int64_t variant_id);
  // Ids of the variants held back with this language and hash, in the order added. Only
  // while findable().
  void find(std::string_view lang, std::int64_t hash, std::vector<std::int64_t>& ids) const;
  // Starts fetching the table's slot for this language and hash into the cache (find()
  // and add() for it come soon); a no-op when nothing would be found there.
  void prefetch(std::string_view lang, std::int64_t hash) const;
  // Starts sorting the rows held back into key order on a thread of its own, so that it
  // runs beside the caller's last other work before the commit.
  void sort_in_background();
  // Writes the rows held back to variant_hashes in key order, inside the caller's
  // transaction, and stops holding back. Throws Error(kIo) having written none of them,
  // still holding them (no longer findable): it can be called again.
  void write(sql::Database& db);

  PendingHashes() = default;
  ~PendingHashes() { stop(); }
  PendingHashes(const PendingHashes&) = delete;
  PendingHashes& operator=(const PendingHashes&) = delete;

  std::size_t size() const { return entries_.size(); }

 private:
  // The variant id in the low 56 bits, the language's index in languages_ above.
  struct Entry {
    std::int64_t hash;
    std::uint64_t lang_and_id;
  };
  static constexpr int kIdBits = 56;
  int language_index(std::string_view lang);
  std::size_t slot_of(int lang, std::int64_t hash) const;
  void grow();
  void sort();
  void insert_sorted(sql::Database& db) const;

  bool active_ = false;
  std::vector<std::string> languages_;
  std::vector<Entry> entries_;
  // Open addressing over entries_: index + 1, 0 for an empty slot; at most half full.
  std::vector<std::uint32_t> slots_;
  std::thread sorter_;
  bool sorting_ = false;  // sort_in_background() called: no more adds or finds
  bool sorted_ = false;
};

}  // namespace dilmanc::memory

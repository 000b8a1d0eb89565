// Starts the kernel writing a database file's modified pages to disk while a long
// transaction is still filling it, so that the fsync of its commit finds little left to write
// (RocksDB's bytes_per_sync does the same). An import into an empty memory writes the whole
// file in one transaction without the log: at 1M units, 880 MB that the kernel otherwise keeps
// dirty until the commit, which then waited about a second for the disk with the other core
// idle.
//
// Only a hint: durability still comes from SQLite's own syncs. It goes through SQLite's own
// descriptor of the file, never one of its own: closing any descriptor of a file releases the
// process's POSIX locks on it, those of every SQLite connection included. A no-op where that
// descriptor cannot be had (another VFS, a system without sync_file_range).
#pragma once

#include <sqlite3.h>
#include <sys/types.h>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace dilmanc::memory {

class Writeback {
 public:
  // For the main database of `db`, every `period_ms` until destroyed, on a thread of its own.
  // The connection must outlive this object; should it reopen the file meanwhile, the
  // descriptor stops matching the file and the thread stops.
  Writeback(sqlite3* db, int period_ms);
  ~Writeback();
  Writeback(const Writeback&) = delete;
  Writeback& operator=(const Writeback&) = delete;

  // True when the thread runs (the descriptor was found).
  bool running() const { return thread_.joinable(); }

 private:
  int fd_ = -1;
  dev_t device_ = 0;
  ino_t inode_ = 0;
  int period_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace dilmanc::memory

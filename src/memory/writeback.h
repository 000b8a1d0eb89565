// Starts the kernel writing a file's modified pages to disk while a long transaction is still
// filling it, so that the fsync of its commit finds little left to write (RocksDB's
// bytes_per_sync does the same). An import into an empty memory writes the whole file in one
// transaction without the log: at 1M units, 880 MB that the kernel otherwise keeps dirty
// until the commit, which then waited about a second for the disk with the other core idle.
//
// Only a hint: durability still comes from SQLite's own syncs. A no-op where the system
// lacks sync_file_range or the file cannot be opened.
#pragma once

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace dilmanc::memory {

class Writeback {
 public:
  // Every `period_ms` until destroyed, on a thread of its own.
  Writeback(const std::string& path, int period_ms);
  ~Writeback();
  Writeback(const Writeback&) = delete;
  Writeback& operator=(const Writeback&) = delete;

 private:
  int fd_ = -1;
  int period_ms_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace dilmanc::memory

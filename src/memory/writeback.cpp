#include "memory/writeback.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <chrono>
#include <cstring>
#include <string_view>

namespace dilmanc::memory {

namespace {

// The head of the unix VFS's file object (sqlite3.c, struct unixFile), the same since
// SQLite 3.7: SQLite has no call that gives the descriptor. Checked against the file's
// name below before it is used.
struct UnixFileHead {
  const sqlite3_io_methods* methods;
  sqlite3_vfs* vfs;
  void* inode;
  int h;
};

bool same_file(int fd, dev_t device, ino_t inode) {
  struct stat st;
  return ::fstat(fd, &st) == 0 && st.st_dev == device && st.st_ino == inode;
}

}  // namespace

Writeback::Writeback(sqlite3* db, int period_ms) : period_ms_(period_ms) {
#if defined(__linux__)
  char* vfs_name = nullptr;
  if (sqlite3_file_control(db, "main", SQLITE_FCNTL_VFSNAME, &vfs_name) != SQLITE_OK || vfs_name == nullptr) return;
  const bool unix_vfs = std::string_view(vfs_name).substr(0, 4) == "unix";
  sqlite3_free(vfs_name);
  sqlite3_file* file = nullptr;
  const char* path = sqlite3_db_filename(db, "main");
  struct stat st;
  if (!unix_vfs || path == nullptr || *path == '\0' || ::stat(path, &st) != 0 ||
      sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK || file == nullptr ||
      file->pMethods == nullptr)
    return;
  const int fd = reinterpret_cast<const UnixFileHead*>(file)->h;
  if (fd < 0 || !same_file(fd, st.st_dev, st.st_ino)) return;
  fd_ = fd;
  device_ = st.st_dev;
  inode_ = st.st_ino;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(period_ms_), [this] { return stop_; })) {
      // The connection may have closed the file, its number since given to another.
      if (!same_file(fd_, device_, inode_)) return;
      // Asynchronous: queues the dirty pages for writing and returns.
      ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
    }
  });
#else
  (void)db;
#endif
}

Writeback::~Writeback() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace dilmanc::memory

#include "memory/writeback.h"

#include <fcntl.h>
#include <unistd.h>

#include <chrono>

namespace dilmanc::memory {

Writeback::Writeback(const std::string& path, int period_ms) : period_ms_(period_ms) {
#if defined(__linux__)
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) return;
  thread_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, std::chrono::milliseconds(period_ms_), [this] { return stop_; })) {
      lock.unlock();
      // Asynchronous: queues the dirty pages for writing and returns.
      ::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
      lock.lock();
    }
  });
#else
  (void)path;
#endif
}

Writeback::~Writeback() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace dilmanc::memory

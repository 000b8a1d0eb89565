#include "memory/posting_runs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <condition_variable>
#include <deque>
#include <exception>
#include <queue>
#include <thread>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "memory/varint.h"

namespace dilmanc::memory {
namespace {

// A row in the file: token (4 bytes), band (1), last id (8), size of the list (4), the
// list. In the machine's byte order: the file lives and dies with the process.
constexpr std::size_t kHeader = 4 + 1 + 8 + 4;
constexpr std::size_t kWriteBuffer = std::size_t{1} << 20;
constexpr std::size_t kReadBuffer = std::size_t{256} << 10;

std::mutex directory_mutex;
std::string& test_directory() {
  static auto* directory = new std::string();
  return *directory;
}

std::string temporary_directory() {
  {
    std::lock_guard lock(directory_mutex);
    if (!test_directory().empty()) return test_directory();
  }
  for (const char* name : {"SQLITE_TMPDIR", "TMPDIR"}) {
    const char* value = std::getenv(name);
    struct stat st;
    if (value && *value && stat(value, &st) == 0 && S_ISDIR(st.st_mode)) return value;
  }
  struct stat st;
  if (stat("/var/tmp", &st) == 0 && S_ISDIR(st.st_mode) && access("/var/tmp", W_OK) == 0) return "/var/tmp";
  return "/tmp";
}

[[noreturn]] void fail(const std::string& directory, int error) {
  Error::Location where;
  where.file = directory;
  ThrowIo(trf("cannot write a temporary file: {1}", std::strerror(error)), where);
}

// One run read back in order, through a buffer of its own.
class Cursor {
 public:
  Cursor(int fd, std::uint64_t begin, std::uint64_t end, const std::string* directory)
      : fd_(fd), offset_(begin), end_(end), directory_(directory) {}

  // Reads the next row; false at the end of the run.
  bool next() {
    if (!fill(kHeader)) {
      if (buffer_.size() > pos_) fail(*directory_, EIO);  // a row cut short: the file changed under us
      return false;
    }
    const char* p = buffer_.data() + pos_;
    std::uint32_t size;
    std::memcpy(&token, p, 4);
    band = static_cast<unsigned char>(p[4]);
    std::memcpy(&last, p + 5, 8);
    std::memcpy(&size, p + 13, 4);
    pos_ += kHeader;
    if (!fill(size)) fail(*directory_, EIO);  // a row cut short: the file changed under us
    ids = std::string_view(buffer_.data() + pos_, size);
    pos_ += size;
    return true;
  }

  std::int32_t token = 0;
  int band = 0;
  std::int64_t last = 0;
  std::string_view ids;  // valid until the next call

 private:
  // At least `n` bytes from pos_ in the buffer, unless the run ends first.
  bool fill(std::size_t n) {
    if (buffer_.size() - pos_ >= n) return true;
    buffer_.erase(0, pos_);
    pos_ = 0;
    while (buffer_.size() < n) {
      if (offset_ >= end_) return false;
      const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(std::max(n, kReadBuffer), end_ - offset_));
      const std::size_t had = buffer_.size();
      buffer_.resize(had + want);
      const ssize_t got = pread(fd_, buffer_.data() + had, want, static_cast<off_t>(offset_));
      if (got <= 0) {
        if (got < 0 && errno == EINTR) {
          buffer_.resize(had);
          continue;
        }
        fail(*directory_, got < 0 ? errno : EIO);
      }
      buffer_.resize(had + static_cast<std::size_t>(got));
      offset_ += static_cast<std::uint64_t>(got);
    }
    return true;
  }

  int fd_;
  std::uint64_t offset_, end_;
  const std::string* directory_;
  std::string buffer_;
  std::size_t pos_ = 0;
};

}  // namespace

PostingRuns::~PostingRuns() {
  if (fd_ >= 0) close(fd_);
}

void PostingRuns::set_directory_for_testing(std::string directory) {
  std::lock_guard lock(directory_mutex);
  test_directory() = std::move(directory);
}

void PostingRuns::open_file() {
  directory_ = temporary_directory();
#ifdef O_TMPFILE
  fd_ = open(directory_.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
  if (fd_ < 0) {
    // File systems without O_TMPFILE: a named file, unlinked at once.
    std::string name = directory_ + "/dilmanc-postings-XXXXXX";
    fd_ = mkostemp(name.data(), O_CLOEXEC);
    if (fd_ < 0) fail(directory_, errno);
    unlink(name.c_str());
  }
}

void PostingRuns::flush() {
  std::size_t done = 0;
  while (done < buffer_.size()) {
    const ssize_t n = pwrite(fd_, buffer_.data() + done, buffer_.size() - done, static_cast<off_t>(size_ + done));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(directory_, errno);
    }
    done += static_cast<std::size_t>(n);
  }
  size_ += done;
  buffer_.clear();
}

void PostingRuns::add_row(std::int32_t token, int band, std::string_view ids, std::int64_t last) {
  if (fd_ < 0) open_file();
  if (buffer_.capacity() < kWriteBuffer) buffer_.reserve(kWriteBuffer);
  char header[kHeader];
  const auto size = static_cast<std::uint32_t>(ids.size());
  std::memcpy(header, &token, 4);
  header[4] = static_cast<char>(band);
  std::memcpy(header + 5, &last, 8);
  std::memcpy(header + 13, &size, 4);
  buffer_.append(header, kHeader);
  buffer_.append(ids);
  if (buffer_.size() >= kWriteBuffer) flush();
}

void PostingRuns::end_run(std::int64_t first, std::int64_t last, std::int64_t variants) {
  if (fd_ >= 0) flush();
  const std::uint64_t end = size_ + buffer_.size();
  runs_.push_back({run_begin_, end});
  run_begin_ = end;
  if (runs_.size() == 1) first_id_ = first;
  last_id_ = last;
  variants_ += variants;
}

namespace {

// Merged rows on their way from the merging thread to the caller's: the lists side by side
// in one buffer.
struct RowBatch {
  struct Row {
    std::int32_t token;
    int band;
    std::size_t offset, size;
  };
  std::vector<Row> rows;
  std::string bytes;
};
constexpr std::size_t kBatchBytes = std::size_t{1} << 20;
constexpr std::size_t kBatchesInFlight = 4;

}  // namespace

void PostingRuns::merge(const RowSink& row) {
  // The merging (reading the runs, joining the lists) runs on a thread of its own, beside
  // the caller's inserts, which take most of the time.
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<RowBatch> full;
  std::vector<RowBatch> spare;
  bool done = false, cancelled = false;
  std::exception_ptr error;

  std::thread merger([&] {
    try {
      std::vector<Cursor> cursors;
      cursors.reserve(runs_.size());
      for (const Run& run : runs_) cursors.emplace_back(fd_, run.begin, run.end, &directory_);
      // The next row of every run, smallest key first; of equal keys the earlier run
      // first, whose ids are the lower ones.
      using Head = std::pair<std::int64_t, std::size_t>;  // (token, band) packed, run
      auto key = [](const Cursor& c) { return static_cast<std::int64_t>(c.token) * 256 + c.band; };
      std::priority_queue<Head, std::vector<Head>, std::greater<Head>> heads;
      for (std::size_t i = 0; i < cursors.size(); ++i)
        if (cursors[i].next()) heads.emplace(key(cursors[i]), i);
      RowBatch batch;
      auto hand_over = [&] {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return full.size() < kBatchesInFlight || cancelled; });
        if (cancelled) return false;
        full.push_back(std::move(batch));
        changed.notify_all();
        if (!spare.empty()) {
          batch = std::move(spare.back());
          spare.pop_back();
        } else {
          batch = RowBatch();
        }
        batch.rows.clear();
        batch.bytes.clear();
        return true;
      };
      while (!heads.empty()) {
        const std::int64_t k = heads.top().first;
        const Cursor& first = cursors[heads.top().second];
        const std::size_t offset = batch.bytes.size();
        batch.rows.push_back({first.token, first.band, offset, 0});
        std::int64_t previous_last = 0;
        while (!heads.empty() && heads.top().first == k) {
          const std::size_t i = heads.top().second;
          heads.pop();
          Cursor& c = cursors[i];
          // The part's first id is stored as its distance from 0: rewritten as the
          // distance from the last id of the part before it.
          const auto* p = reinterpret_cast<const unsigned char*>(c.ids.data());
          std::size_t at = 0;
          const auto first_id = static_cast<std::int64_t>(get_varint(p, c.ids.size(), &at));
          put_varint(batch.bytes, static_cast<std::uint64_t>(first_id - previous_last));
          batch.bytes.append(c.ids.substr(at));
          previous_last = c.last;
          if (c.next()) heads.emplace(key(c), i);
        }
        batch.rows.back().size = batch.bytes.size() - offset;
        if (batch.bytes.size() >= kBatchBytes && !hand_over()) return;
      }
      if (!batch.rows.empty()) hand_over();
    } catch (...) {
      std::lock_guard lock(mutex);
      error = std::current_exception();
    }
    std::lock_guard lock(mutex);
    done = true;
    changed.notify_all();
  });

  try {
    for (;;) {
      RowBatch batch;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return !full.empty() || done; });
        if (full.empty()) break;
        batch = std::move(full.front());
        full.pop_front();
        changed.notify_all();
      }
      for (const RowBatch::Row& r : batch.rows) row(r.token, r.band, std::string_view(batch.bytes).substr(r.offset, r.size));
      std::lock_guard lock(mutex);
      spare.push_back(std::move(batch));
    }
  } catch (...) {
    {
      std::lock_guard lock(mutex);
      cancelled = true;
      changed.notify_all();
    }
    merger.join();
    clear();
    throw;
  }
  merger.join();
  if (error) {
    clear();
    std::rethrow_exception(error);
  }
  clear();
}

void PostingRuns::clear() noexcept {
  runs_.clear();
  buffer_.clear();
  if (fd_ >= 0 && size_ > 0 && ftruncate(fd_, 0) != 0) {
    close(fd_);  // the next run opens another
    fd_ = -1;
  }
  size_ = 0;
  run_begin_ = 0;
  first_id_ = last_id_ = variants_ = 0;
}

}  // namespace dilmanc::memory

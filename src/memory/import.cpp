// import_file: one exchange file into the memory, all or nothing.
//
// Reading, parsing and normalizing (libxml2, ICU) run on a second thread while this one
// writes to SQLite: the two halves cost about the same, so a bulk import takes the time of
// the slower one instead of their sum. The reader thread touches no database.
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/tmx.h"
#include "memory/memory_internal.h"
#include "memory/xliff_import.h"
#include "xml/reader.h"

namespace dilmanc {
namespace {

std::string root_element(const std::string& path) {
  xml::XmlReader xml(path, path);
  while (xml.read())
    if (xml.is_element()) return xml.local_name();
  xml.fail(tr("the file holds no XML element"));
}

struct Item {
  TmxEntry entry;  // its unit moved into `prepared` when there is one
  std::optional<memory::PreparedUnit> prepared;
};

// A bounded queue of batches from the reader thread to the writer.
class Pipe {
 public:
  static constexpr std::size_t kBatch = 256;
  static constexpr std::size_t kMaxBatches = 16;

  // Reader side. Returns false when the writer gave up. Batches the writer is done with
  // are freed here, on the reader's thread: freeing a unit's strings is work the writer,
  // the slower of the two, need not do.
  bool push(std::vector<Item>&& batch) {
    std::vector<std::vector<Item>> used;
    {
      std::unique_lock lock(mutex_);
      space_.wait(lock, [&] { return batches_.size() < kMaxBatches || cancelled_; });
      if (cancelled_) return false;
      batches_.push_back(std::move(batch));
      used.swap(used_);
      ready_.notify_one();
    }
    return true;
  }
  void close(std::exception_ptr error) {
    std::lock_guard lock(mutex_);
    closed_ = true;
    error_ = error;
    ready_.notify_one();
  }

  // Writer side: the next batch, or nullopt at the end (rethrowing the reader's error).
  std::optional<std::vector<Item>> pop() {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return !batches_.empty() || closed_; });
    if (!batches_.empty()) {
      auto batch = std::move(batches_.front());
      batches_.pop_front();
      space_.notify_one();
      return batch;
    }
    if (error_) std::rethrow_exception(error_);
    return std::nullopt;
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    space_.notify_all();
  }
  // Writer side: a batch it has written, for the reader to free.
  void give_back(std::vector<Item>&& batch) {
    std::lock_guard lock(mutex_);
    used_.push_back(std::move(batch));
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_, space_;
  std::deque<std::vector<Item>> batches_;
  std::vector<std::vector<Item>> used_;
  bool closed_ = false, cancelled_ = false;
  std::exception_ptr error_;
};

}  // namespace

ImportSummary import_file(TranslationMemory& memory, const std::string& path, const ImportOptions& options) {
  ImportSummary summary;
  summary.file = path;
  const std::string root = root_element(path);
  if (root != "tmx" && root != "xliff") {
    Error::Location where;
    where.file = path;
    ThrowInput(trf("the root element is <{1}>: expected <tmx> (TMX) or <xliff> (XLIFF)", root), where);
  }
  std::error_code ec;
  const auto total = static_cast<std::int64_t>(std::filesystem::file_size(path, ec));
  std::atomic<std::int64_t> bytes_done{0};

  Pipe pipe;
  // Set by the reader before its first batch; the pipe's lock orders it before the writer reads it.
  std::vector<Annotation> header_annotations;
  std::thread reader([&] {
    try {
      std::vector<Item> batch;
      bool open = true;
      auto take = [&](TmxEntry& entry) {
        if (!open) return;
        // Made in place: a unit is some twenty strings, each move of it a copy of them all.
        if (batch.capacity() < Pipe::kBatch) batch.reserve(Pipe::kBatch);
        Item& item = batch.emplace_back();
        item.entry = std::move(entry);
        if (!item.entry.skipped) {
          try {
            item.prepared.emplace(memory::prepare_unit(std::move(item.entry.unit)));
          } catch (const Error& e) {
            item.entry.skipped = true;
            item.entry.reason = e.cause();
          }
        }
        if (batch.size() >= Pipe::kBatch) {
          open = pipe.push(std::move(batch));
          batch.clear();
        }
      };
      if (root == "tmx") {
        TmxReader tmx(path);
        header_annotations = tmx.header().annotations;
        TmxEntry entry;
        while (open && tmx.next(entry)) {
          take(entry);
          bytes_done = tmx.bytes_read();
        }
      } else {
        memory::read_xliff(path, path, take, [&](std::int64_t done) { bytes_done = done; });
      }
      if (open && !batch.empty()) pipe.push(std::move(batch));
      pipe.close(nullptr);
    } catch (...) {
      pipe.close(std::current_exception());
    }
  });

  try {
    memory::BulkWrite bulk(memory);
    TranslationMemory::Batch transaction(memory);
    // Units this far ahead have their duplicate check's memory fetched beforehand.
    constexpr std::size_t kPrefetchAhead = 4;
    while (auto batch = pipe.pop()) {
      for (std::size_t k = 0; k < std::min(kPrefetchAhead, batch->size()); ++k)
        if ((*batch)[k].prepared) memory::prefetch_prepared(memory, *(*batch)[k].prepared);
      for (std::size_t k = 0; k < batch->size(); ++k) {
        auto& item = (*batch)[k];
        if (k + kPrefetchAhead < batch->size() && (*batch)[k + kPrefetchAhead].prepared)
          memory::prefetch_prepared(memory, *(*batch)[k + kPrefetchAhead].prepared);
        ++summary.read;
        TmxEntry& entry = item.entry;
        for (auto& note : entry.notes) summary.notes.push_back({entry.line, std::move(note)});
        if (entry.skipped) {
          ++summary.skipped;
          summary.skips.push_back({entry.line, entry.reason});
        } else if (memory::add_prepared(memory, *item.prepared).outcome == AddResult::Outcome::kAdded) {
          ++summary.added;
        } else {
          ++summary.updated;
        }
        if (options.after_unit) options.after_unit(summary.read);
      }
      if (options.progress) options.progress(bytes_done.load(), total);
      pipe.give_back(std::move(*batch));
    }
    memory.add_header_annotations(header_annotations, std::filesystem::path(path).filename().string());
    transaction.commit();
  } catch (...) {
    pipe.cancel();
    reader.join();
    throw;
  }
  reader.join();
  if (options.progress) options.progress(total, total);
  return summary;
}

}  // namespace dilmanc

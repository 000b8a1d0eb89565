// Sorted runs of fuzzy-index rows held in a temporary file until the end of a transaction,
// then merged into one row per token and length band (docs/memory-format.md, "Fuzzy
// index"). A bulk import gathers its postings in memory and has to let them go every few
// megabytes: inserted at once, every move after the first lands all over the key order of
// fuzzy_postings, and those random inserts were a fifth of the writer thread. Spilled as
// runs and merged at the end, the rows of an import into an empty memory are appended in
// key order, once.
//
// The file is anonymous (unlinked, or O_TMPFILE): whatever ends the process takes it with
// it, and nothing of it is ever part of the memory. The merge holds a read buffer of
// 256 KB per run (a run per 8 MB of gathered postings: some twenty at 1M units) and one
// word's list at a time, whatever the number of rows.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace dilmanc::memory {

// Belongs to one connection's writer and its thread. Errors of the file throw
// Error(kIo) naming the directory; the runs are then in an unspecified state and the
// caller drops them with clear() (the transaction fails anyway).
class PostingRuns {
 public:
  PostingRuns() = default;
  ~PostingRuns();
  PostingRuns(const PostingRuns&) = delete;
  PostingRuns& operator=(const PostingRuns&) = delete;

  bool empty() const { return runs_.empty(); }
  std::size_t runs() const { return runs_.size(); }
  // The variants whose postings the runs hold: every id in (first_id() - 1, last_id()]
  // that has a fuzzy_variants row, `variants()` of them.
  std::int64_t first_id() const { return first_id_; }
  std::int64_t last_id() const { return last_id_; }
  std::int64_t variants() const { return variants_; }

  // Appends a row to the run being written. Rows of a run come in (token, band) order;
  // `ids` is a posting list as stored (the first id's distance taken from 0) whose last
  // id is `last`.
  void add_row(std::int32_t token, int band, std::string_view ids, std::int64_t last);
  // Ends the run being written: the postings of `variants` variants with ids in
  // [first, last], all above those of the runs before it.
  void end_run(std::int64_t first, std::int64_t last, std::int64_t variants);

  // Calls `row` once per (token, band) of all runs, in key order, with the lists of that
  // key concatenated in id order (as one stored list). Then forgets the runs.
  using RowSink = std::function<void(std::int32_t token, int band, std::string_view ids)>;
  void merge(const RowSink& row);

  // Forgets the runs (the file is kept for the next ones, emptied).
  void clear() noexcept;

  // Where the file goes: $SQLITE_TMPDIR, $TMPDIR, /var/tmp or /tmp, the first that is a
  // directory. For tests: another directory.
  static void set_directory_for_testing(std::string directory);

 private:
  struct Run {
    std::uint64_t begin = 0, end = 0;  // byte range in the file
  };
  void open_file();
  void flush();

  int fd_ = -1;
  std::string directory_;  // of the open file, for messages
  std::uint64_t size_ = 0;  // bytes written to the file
  std::string buffer_;      // not yet written
  std::uint64_t run_begin_ = 0;
  std::vector<Run> runs_;
  std::int64_t first_id_ = 0, last_id_ = 0, variants_ = 0;
};

}  // namespace dilmanc::memory

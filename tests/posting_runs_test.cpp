// Runs of fuzzy-index rows in a temporary file (memory/posting_runs.h): merged into one list
// per token and band in key order, ids in order across runs; an unwritable directory is
// an error naming it.
#include "memory/posting_runs.h"

#include <doctest/doctest.h>

#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "dilmanc/error.h"
#include "memory/varint.h"
#include "support.h"

using dilmanc::memory::PostingRuns;

namespace {

// A stored list: (id distance, length) varints, the first distance from 0.
std::string encode(const std::vector<std::pair<std::int64_t, int>>& postings) {
  std::string out;
  std::int64_t previous = 0;
  for (const auto& [id, length] : postings) {
    dilmanc::memory::put_varint(out, static_cast<std::uint64_t>(id - previous));
    dilmanc::memory::put_varint(out, static_cast<std::uint64_t>(length));
    previous = id;
  }
  return out;
}

std::vector<std::pair<std::int64_t, int>> decode(std::string_view bytes) {
  std::vector<std::pair<std::int64_t, int>> out;
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  std::size_t i = 0;
  std::int64_t id = 0;
  while (i < bytes.size()) {
    id += static_cast<std::int64_t>(dilmanc::memory::get_varint(p, bytes.size(), &i));
    out.emplace_back(id, static_cast<int>(dilmanc::memory::get_varint(p, bytes.size(), &i)));
  }
  return out;
}

struct Directory {
  explicit Directory(const std::string& path) { PostingRuns::set_directory_for_testing(path); }
  ~Directory() { PostingRuns::set_directory_for_testing(""); }
};

}  // namespace

TEST_CASE("posting runs merge into one list per token and band, in key and id order") {
  dilmanc::test::TempDir dir;
  Directory in(dir.path().string());
  using Key = std::pair<std::int32_t, int>;
  std::map<Key, std::vector<std::pair<std::int64_t, int>>> expected;
  PostingRuns runs;
  std::mt19937 rng(42);
  std::int64_t id = 0;
  // Runs of different sizes, some keys in every run, some in one; negative tokens first;
  // lists far larger than a read buffer among them.
  for (int run = 0; run < 7; ++run) {
    std::map<Key, std::vector<std::pair<std::int64_t, int>>> rows;
    const std::int64_t first = id + 1;
    const int variants = run == 3 ? 1 : 2000 + run * 500;
    for (int v = 0; v < variants; ++v) {
      ++id;
      const int length = static_cast<int>(rng() % 60);
      for (std::int32_t token : {-7, 1, static_cast<std::int32_t>(rng() % 5000) - 2500, 1000 + run}) {
        auto& list = rows[{token, length % 12}];
        if (list.empty() || list.back().first != id) list.emplace_back(id, length);
      }
      if (run == 5)  // a list of 200,000 postings: bigger than the read buffer
        for (int k = 0; k < 100; ++k) rows[{99999, 0}].emplace_back(id * 1000 + k, 1);
    }
    for (const auto& [key, list] : rows) {
      runs.add_row(key.first, key.second, encode(list), list.back().first);
      auto& all = expected[key];
      all.insert(all.end(), list.begin(), list.end());
    }
    runs.end_run(first, run == 5 ? id * 1000 + 99 : id, variants);
    if (run == 5) id = id * 1000 + 99;
  }
  CHECK(runs.runs() == 7);
  CHECK(runs.first_id() == 1);
  std::vector<Key> keys;
  bool lists_match = true;
  runs.merge([&](std::int32_t token, int band, std::string_view ids) {
    keys.emplace_back(token, band);
    if (decode(ids) != expected[{token, band}]) lists_match = false;
  });
  CHECK(lists_match);
  CHECK(keys.size() == expected.size());
  CHECK(std::is_sorted(keys.begin(), keys.end()));
  CHECK(runs.empty());
  CHECK(runs.variants() == 0);

  // The file is emptied and used again.
  runs.add_row(5, 1, encode({{10, 1}}), 10);
  runs.end_run(10, 10, 1);
  runs.add_row(5, 1, encode({{12, 3}}), 12);
  runs.add_row(6, 0, encode({{12, 3}}), 12);
  runs.end_run(11, 12, 2);
  std::vector<std::string> merged;
  runs.merge([&](std::int32_t token, int band, std::string_view ids) {
    merged.push_back(std::to_string(token) + "/" + std::to_string(band) + ":" + std::to_string(decode(ids).size()));
    if (token == 5) CHECK(decode(ids) == std::vector<std::pair<std::int64_t, int>>{{10, 1}, {12, 3}});
  });
  CHECK(merged == std::vector<std::string>{"5/1:2", "6/0:1"});

  // Dropped runs leave nothing to merge.
  runs.add_row(5, 1, encode({{20, 1}}), 20);
  runs.end_run(20, 20, 1);
  runs.clear();
  int rows = 0;
  runs.merge([&](std::int32_t, int, std::string_view) { ++rows; });
  CHECK(rows == 0);
}

TEST_CASE("posting runs: a directory that cannot hold the file is an I/O error naming it") {
  dilmanc::test::TempDir dir;
  const std::string missing = (dir.path() / "no such directory").string();
  Directory in(missing);
  PostingRuns runs;
  try {
    runs.add_row(1, 0, encode({{1, 1}}), 1);
    FAIL("no error");
  } catch (const dilmanc::Error& e) {
    CHECK(e.kind() == dilmanc::Error::Kind::kIo);
    CHECK(e.where().file == missing);
    CHECK(std::string(e.what()).find("temporary file") != std::string::npos);
  }
}

TEST_CASE("posting runs: an error of the rows' receiver ends the merge, and the runs are dropped") {
  dilmanc::test::TempDir dir;
  Directory in(dir.path().string());
  PostingRuns runs;
  std::int64_t id = 0;
  for (int run = 0; run < 3; ++run) {
    const std::int64_t first = id + 1;
    for (std::int32_t token = 0; token < 20000; ++token) {
      ++id;
      runs.add_row(token, 0, encode({{id, 1}}), id);
    }
    runs.end_run(first, id, 20000);
  }
  int received = 0;
  CHECK_THROWS_AS(runs.merge([&](std::int32_t, int, std::string_view) {
                    if (++received == 5000) throw std::runtime_error("disk full");
                  }),
                  std::runtime_error);
  CHECK(received == 5000);
  CHECK(runs.empty());
  // And the next runs merge as usual.
  runs.add_row(7, 2, encode({{100000, 4}}), 100000);
  runs.end_run(100000, 100000, 1);
  int rows = 0;
  runs.merge([&](std::int32_t token, int band, std::string_view ids) {
    ++rows;
    CHECK(token == 7);
    CHECK(band == 2);
    CHECK(decode(ids) == std::vector<std::pair<std::int64_t, int>>{{100000, 4}});
  });
  CHECK(rows == 1);
}

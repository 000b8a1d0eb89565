// The dilmanc half of the side-by-side comparison with Translate Toolkit's TMDB
// (bench/tmdb_compare.py runs both halves and prints them together): FuzzyMatcher's
// lookups, timed one by one in this one process, on the query sets that
// `match_bench --write-queries` writes and on the memory those query sets belong to.
//
//   tmdb_compare_bench --queries FILE [--shared DIR] [--work DIR] [--sizes N,N,...]
//                      [--min N] [--limit K] [--results FILE]
//
// The memory of size N is the first N pairs of ../shared/data/corpus/en-ru.tsv.gz that
// are not held out, added in corpus order as match_bench adds them (single adds in
// batches of 20,000, the fuzzy index kept up to date); one memory grows through the
// sizes (default 10000,100000,342270). At each size the held-out queries and the edited
// queries made for that size run en -> ru with the given minimum score (default 75) and
// limit (default 5). Prints per query set the median and 99th percentile in wall-clock and
// CPU time (this thread's), the share of queries with a match, and for edited queries the
// share whose own memory sentence is a top-scored match (ties with the best count).
// --results FILE writes one line per query for tmdb_compare.py:
//   size <TAB> kind <TAB> n <TAB> wall ms <TAB> cpu ms <TAB> matches <TAB> best score <TAB> own sentence top (0/1)
#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/translation_memory.h"
#include "corpus.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Query {
  std::string text;
  std::string expected_en;  // empty for held-out
};

double thread_cpu_ms() {
  timespec t{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto k = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5);
  return v[std::min(k, v.size() - 1)];
}

std::vector<std::string> split_tabs(const std::string& line) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (;;) {
    const auto tab = line.find('\t', start);
    out.push_back(line.substr(start, tab == std::string::npos ? std::string::npos : tab - start));
    if (tab == std::string::npos) return out;
    start = tab + 1;
  }
}

std::vector<std::int64_t> parse_sizes(const std::string& s) {
  std::vector<std::int64_t> sizes;
  std::istringstream in(s);
  for (std::string part; std::getline(in, part, ',');) sizes.push_back(std::stoll(part));
  std::sort(sizes.begin(), sizes.end());
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path shared = fs::path(DILMANC_BENCH_SOURCE_DIR) / ".." / "shared";
  fs::path work = fs::temp_directory_path() / "dilmanc-tmdb-compare";
  fs::path queries_file, results_file;
  std::string sizes_arg = "10000,100000,342270";
  dilmanc::MatchOptions options;
  options.min_score = 75;
  options.limit = 5;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--shared" && i + 1 < argc) shared = argv[++i];
    else if (a == "--work" && i + 1 < argc) work = argv[++i];
    else if (a == "--queries" && i + 1 < argc) queries_file = argv[++i];
    else if (a == "--results" && i + 1 < argc) results_file = argv[++i];
    else if (a == "--sizes" && i + 1 < argc) sizes_arg = argv[++i];
    else if (a == "--min" && i + 1 < argc) options.min_score = std::stoi(argv[++i]);
    else if (a == "--limit" && i + 1 < argc) options.limit = std::stoul(argv[++i]);
    else {
      std::cerr << "usage: tmdb_compare_bench --queries FILE [--shared DIR] [--work DIR] [--sizes N,N,...]"
                   " [--min N] [--limit K] [--results FILE]\n";
      return 2;
    }
  }
  if (queries_file.empty()) {
    std::cerr << "tmdb_compare_bench: --queries FILE is required (write it with match_bench --write-queries FILE)\n";
    return 2;
  }
  const fs::path corpus = shared / "data" / "corpus" / "en-ru.tsv.gz";
  if (!fs::exists(corpus)) {
    std::cerr << "tmdb_compare_bench: " << corpus << " not found (use --shared DIR)\n";
    return 1;
  }

  // The query sets, and which corpus pairs they hold out of the memory.
  const auto pairs = dilmanc::bench::read_corpus(corpus);
  std::vector<char> held(pairs.size(), 0);
  std::vector<Query> held_out;
  std::map<std::int64_t, std::vector<Query>> edited;
  {
    std::ifstream in(queries_file, std::ios::binary);
    if (!in) {
      std::cerr << "tmdb_compare_bench: cannot read " << queries_file << "\n";
      return 1;
    }
    std::size_t line_no = 0;
    for (std::string line; std::getline(in, line);) {
      ++line_no;
      const auto f = split_tabs(line);
      if (f.size() == 3 && f[0] == "held-out") {
        const std::size_t i = std::stoul(f[1]);
        if (i >= pairs.size() || pairs[i].en != f[2]) {
          std::cerr << "tmdb_compare_bench: " << queries_file << ":" << line_no
                    << ": held-out query does not match the corpus (another corpus?)\n";
          return 1;
        }
        held[i] = 1;
        held_out.push_back({f[2], ""});
      } else if (f.size() == 4 && f[0] == "edited") {
        edited[std::stoll(f[1])].push_back({f[2], f[3]});
      } else {
        std::cerr << "tmdb_compare_bench: " << queries_file << ":" << line_no << ": not a query line\n";
        return 1;
      }
    }
  }
  std::vector<dilmanc::bench::Pair> memory_pairs;
  for (std::size_t i = 0; i < pairs.size(); ++i)
    if (!held[i]) memory_pairs.push_back(pairs[i]);
  std::printf("corpus: %zu pairs, %zu held out, %zu for the memory; min %d, limit %zu\n", pairs.size(),
              held_out.size(), memory_pairs.size(), options.min_score, options.limit);

  fs::create_directories(work);
  const fs::path db = work / "tmdb-compare.db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  std::ofstream results;
  if (!results_file.empty()) results.open(results_file, std::ios::binary | std::ios::trunc);

  dilmanc::TranslationMemory memory(db.string());
  std::int64_t added = 0;
  for (const std::int64_t size : parse_sizes(sizes_arg)) {
    if (size > static_cast<std::int64_t>(memory_pairs.size())) {
      std::cerr << "tmdb_compare_bench: only " << memory_pairs.size() << " pairs for the memory, not " << size << "\n";
      return 1;
    }
    if (!edited.count(size)) {
      std::cerr << "tmdb_compare_bench: " << queries_file << " has no edited queries for " << size << " units\n";
      return 1;
    }
    const auto start = Clock::now();
    const double cpu_start = thread_cpu_ms();
    const std::int64_t before = added;
    while (added < size) {
      dilmanc::TranslationMemory::Batch batch(memory);
      for (int k = 0; k < 20000 && added < size; ++k, ++added) {
        const auto& p = memory_pairs[static_cast<std::size_t>(added)];
        memory.add(dilmanc::bench::unit_of(p.en, p.ru, added + 1));
      }
      batch.commit();
    }
    std::printf("\n%lld units (+%lld in %.1f s wall, %.1f s CPU)\n", static_cast<long long>(size),
                static_cast<long long>(added - before), std::chrono::duration<double>(Clock::now() - start).count(),
                (thread_cpu_ms() - cpu_start) / 1e3);

    dilmanc::FuzzyMatcher matcher(memory);
    for (const char* kind : {"held-out", "edited"}) {
      const auto& queries = std::string(kind) == "held-out" ? held_out : edited[size];
      std::vector<double> wall, cpu;
      std::size_t any = 0, top = 0;
      for (std::size_t n = 0; n < queries.size(); ++n) {
        const Query& q = queries[n];
        const auto t0 = Clock::now();
        const double c0 = thread_cpu_ms();
        const auto matches = matcher.find(q.text, "en", "ru", options);
        cpu.push_back(thread_cpu_ms() - c0);
        wall.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        bool own_top = false;
        if (!q.expected_en.empty())
          for (const auto& m : matches)
            if (m.score == matches[0].score && dilmanc::plain_text(m.source) == q.expected_en) own_top = true;
        if (!matches.empty()) ++any;
        if (own_top) ++top;
        if (results.is_open())
          results << size << '\t' << kind << '\t' << n << '\t' << wall.back() << '\t' << cpu.back() << '\t'
                  << matches.size() << '\t' << (matches.empty() ? 0 : matches[0].score) << '\t' << (own_top ? 1 : 0)
                  << '\n';
      }
      const double count = static_cast<double>(queries.size());
      std::printf("  %-9s %5zu queries  wall median %7.3f ms p99 %7.3f ms  cpu median %7.3f ms p99 %7.3f ms"
                  "  with a match %5.1f%%",
                  kind, queries.size(), percentile(wall, 0.5), percentile(wall, 0.99), percentile(cpu, 0.5),
                  percentile(cpu, 0.99), 100.0 * static_cast<double>(any) / count);
      if (std::string(kind) == "edited") std::printf("  own sentence top %5.1f%%", 100.0 * static_cast<double>(top) / count);
      std::printf("\n");
      std::fflush(stdout);
    }
  }
  results.close();
  if (!results_file.empty() && !results) {
    std::cerr << "tmdb_compare_bench: cannot write " << results_file << "\n";
    return 1;
  }
  return 0;
}

// Extract benchmark: a 1,000-sentence article against a large memory, en -> ru.
//
//   extract_bench --memory DB [--shared DIR] [--work DIR] [--runs N]
//
// DB is an existing memory, e.g. the 1,000,000-unit memory the memory benchmark leaves in
// its work folder (million.db) or the one the match benchmark grows (match-bench.db).
//
// 1. Reads ../shared/data/corpus/en-ru.tsv.gz (through `gzip -dc`) and picks 1,000 English
//    sentences (5 to 40 words, ending in . ? or !) with a fixed seed: a third as they are
//    (exact matches when the memory holds the corpus), a third with their last word but
//    one dropped (fuzzy), a third with their words in reverse order (mostly no match).
//    Writes them as a plain-text article, one sentence per paragraph, under a title.
// 2. Opens the memory and its fuzzy index (FuzzyMatcher), then times extract() of the
//    article into XLIFF 1.2 (read, segment, leverage with min 75, write), N runs, and
//    prints the median and the match counts.
// 3. Times whole `dilmanc extract` processes (opening the memory included), N runs, median
//    wall-clock and CPU time.
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dilmanc/extract.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/translation_memory.h"
#include "corpus.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

using dilmanc::bench::join;
using dilmanc::bench::words;

std::vector<std::string> read_english(const fs::path& gz) {
  std::vector<std::string> out;
  for (auto& pair : dilmanc::bench::read_corpus(gz)) out.push_back(std::move(pair.en));
  return out;
}

// CPU time of this process (user + system), in seconds: on a shared machine the figure
// of the code, where the wall clock is that of the machine.
double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

// Runs `exe` with `args`; its wall-clock time, and its CPU time (user + system) in `cpu`.
double run_process(const fs::path& exe, const std::vector<std::string>& args, double& cpu) {
  const auto start = Clock::now();
  pid_t pid = ::fork();
  if (pid == 0) {
    std::vector<char*> argv{const_cast<char*>(exe.c_str())};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    int devnull = ::open("/dev/null", O_WRONLY);
    ::dup2(devnull, 1);
    ::dup2(devnull, 2);
    ::execv(exe.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  rusage u{};
  ::wait4(pid, &status, 0, &u);
  cpu = static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
        static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) std::cerr << "dilmanc extract failed\n";
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  fs::path shared = fs::path(DILMANC_BENCH_SOURCE_DIR) / ".." / "shared";
  fs::path work = fs::temp_directory_path() / "dilmanc-extract-bench";
  fs::path db;
  int runs = 5;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--shared" && i + 1 < argc) shared = argv[++i];
    else if (a == "--work" && i + 1 < argc) work = argv[++i];
    else if (a == "--memory" && i + 1 < argc) db = argv[++i];
    else if (a == "--runs" && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else {
      std::cerr << "usage: extract_bench --memory DB [--shared DIR] [--work DIR] [--runs N]\n";
      return 2;
    }
  }
  if (db.empty() || !fs::exists(db)) {
    std::cerr << "extract_bench needs an existing memory: --memory DB (memory_bench leaves million.db)\n";
    return 2;
  }
  fs::create_directories(work);
  const fs::path gz = shared / "data" / "corpus" / "en-ru.tsv.gz";
  if (!fs::exists(gz)) {
    std::cerr << "not found: " << gz << "\n";
    return 1;
  }

  std::vector<std::string> candidates;
  for (const std::string& s : read_english(gz)) {
    const std::size_t n = words(s).size();
    const char last = s.empty() ? ' ' : s.back();
    if (n >= 5 && n <= 40 && (last == '.' || last == '?' || last == '!')) candidates.push_back(s);
  }
  std::mt19937 rng(20261128);
  std::shuffle(candidates.begin(), candidates.end(), rng);
  std::string article = "Press review of the week\n";
  for (std::size_t i = 0; i < 1000 && i < candidates.size(); ++i) {
    std::vector<std::string> w = words(candidates[i]);
    if (i % 3 == 1) w.erase(w.end() - 2);
    if (i % 3 == 2) std::reverse(w.begin(), w.end());
    article += "\n" + join(w) + "\n";
  }
  const fs::path path = work / "review.en.txt";
  std::ofstream(path) << article;

  auto start = Clock::now();
  dilmanc::TranslationMemory memory(db.string());
  dilmanc::FuzzyMatcher matcher(memory);
  const double open_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("memory %s: %lld units, opened with its index in %.2f s\n", db.filename().c_str(),
              static_cast<long long>(memory.stats().units), open_s);

  dilmanc::ExtractOptions options;
  options.source_language = "en";
  options.target_languages = {"ru"};
  options.output_dir = work;
  std::vector<double> times, cpu, bare;
  dilmanc::LeverageCounts counts;
  for (int r = 0; r < runs; ++r) {
    start = Clock::now();
    const double c0 = cpu_seconds();
    auto files = dilmanc::extract({path.string()}, options, &matcher);
    cpu.push_back(cpu_seconds() - c0);
    times.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    counts = files.at(0).counts;
    const double c1 = cpu_seconds();
    dilmanc::extract({path.string()}, options, nullptr);
    bare.push_back(cpu_seconds() - c1);
  }
  std::printf("extract() of a %zu-segment article, en -> ru, XLIFF 1.2, min 75: median %.2f s wall, %.2f s CPU "
              "over %d runs (%.2f ms CPU per segment)\n",
              counts.segments, median(times), median(cpu), runs,
              1000.0 * median(cpu) / std::max<std::size_t>(counts.segments, 1));
  std::printf("  of which without the memory (read, segment, build and write the XLIFF): %.3f s CPU\n", median(bare));
  std::printf("  in context %zu, exact %zu, fuzzy %zu, new %zu, repetitions %zu\n", counts.in_context, counts.exact,
              counts.fuzzy, counts.no_match, counts.repetitions);

  const fs::path exe = fs::absolute(fs::path(argv[0])).parent_path().parent_path() / "dilmanc";
  if (fs::exists(exe)) {
    std::vector<double> process, process_cpu;
    for (int r = 0; r < runs; ++r) {
      double c = 0;
      process.push_back(run_process(exe, {"extract", "--memory", db.string(), "--from", "en", "--to", "ru", "-o",
                                          work.string(), path.string()}, c));
      process_cpu.push_back(c);
    }
    std::printf("dilmanc extract (whole process, memory opened): median %.2f s wall, %.2f s CPU over %d runs\n",
                median(process), median(process_cpu), runs);
  }
  return 0;
}

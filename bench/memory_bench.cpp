// Translation-memory benchmark: TMX import speed, peak memory and file size, and
// concordance latency, on the en-ru corpus in ../shared/data/corpus.
//
//   memory_bench [--shared DIR] [--work DIR] [--skip-million] [--keep-tmx]
//
// --keep-tmx leaves the TMX files in the work folder (to profile `dilmanc import` on them);
// --queries-only runs step 4 alone, on the 1M memory a previous run left there.
//
// 1. Unpacks en-ru.tsv.gz (through `gzip -dc`) and writes it as a TMX of 343,270 units.
// 2. Imports it into a new memory in a child process; prints units/s, the child's peak RSS
//    (getrusage ru_maxrss) and the memory file's size against the TMX size.
// 3. Builds a 1,000,000-unit TMX: every pair three times, the copies edited so that each
//    is a unit of its own (copy 1: the last word of each side dropped, or " (2)" appended
//    to a side of fewer than three words; copy 2: "2024" inserted after the first word of
//    each side); the first 1,000,000 of those 1,029,810 units. Imports it the same way.
// 4. Runs 300 concordance queries on the 1M memory (words and phrases taken from every
//    1,000th corpus line, both languages, plus one- and two-letter queries) and prints the
//    median and 99th percentile latency.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "corpus.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

using dilmanc::bench::Pair;
using dilmanc::bench::read_corpus;
using dilmanc::bench::words;
using dilmanc::bench::join;
using dilmanc::bench::drop_last_word;
using dilmanc::bench::insert_year;
using dilmanc::bench::unit_of;

void write_tmx(const fs::path& path, const std::vector<Pair>& pairs, bool million) {
  dilmanc::TmxWriterOptions options;
  options.srclang = "en";
  dilmanc::TmxWriter writer(path.string(), options);
  std::int64_t n = 0;
  const std::int64_t target = million ? 1000000 : static_cast<std::int64_t>(pairs.size());
  for (int copy = 0; copy < (million ? 3 : 1) && n < target; ++copy)
    for (const auto& p : pairs) {
      if (n >= target) break;
      ++n;
      if (copy == 0)
        writer.write(unit_of(p.en, p.ru, n));
      else if (copy == 1)
        writer.write(unit_of(drop_last_word(p.en), drop_last_word(p.ru), n));
      else
        writer.write(unit_of(insert_year(p.en), insert_year(p.ru), n));
    }
  writer.finish();
}

// `memory_bench --import-child TMX DB`: the import alone, in the process that measures it.
int import_child(const char* tmx, const char* db) {
  try {
    dilmanc::ImportSummary s;
    {
      dilmanc::TranslationMemory memory(db);
      s = dilmanc::import_file(memory, tmx);
    }  // closing the last connection checkpoints the WAL into the file
    std::printf("  units read %lld, added %lld, updated %lld, skipped %lld\n", static_cast<long long>(s.read),
                static_cast<long long>(s.added), static_cast<long long>(s.updated), static_cast<long long>(s.skipped));
    return s.read > 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "import failed: %s\n", e.what());
    return 1;
  }
}

// Imports in a child process so that its peak RSS is the import's alone.
void import_and_report(const char* label, const fs::path& tmx, const fs::path& db) {
  fs::remove(db);
  fs::remove(db.string() + "-wal");
  fs::remove(db.string() + "-shm");
  std::fflush(stdout);
  auto start = Clock::now();
  // A process of its own, started afresh: a forked child would count the corpus this
  // process holds in its resident set.
  pid_t child = ::fork();
  if (child == 0) {
    const std::string t = tmx.string(), d = db.string();
    const char* args[] = {"memory_bench", "--import-child", t.c_str(), d.c_str(), nullptr};
    ::execv("/proc/self/exe", const_cast<char* const*>(args));
    std::perror("exec");
    ::_exit(1);
  }
  int status = 0;
  struct rusage usage {};
  ::wait4(child, &status, 0, &usage);
  double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    std::cerr << "import failed\n";
    std::exit(1);
  }
  dilmanc::TranslationMemory memory(db.string());
  auto stats = memory.stats();
  const double tmx_size = static_cast<double>(fs::file_size(tmx));
  std::printf("%s\n", label);
  std::printf("  TMX %.1f MB; memory file %.1f MB (%.2fx the TMX)\n", tmx_size / 1e6,
              static_cast<double>(stats.file_size) / 1e6, static_cast<double>(stats.file_size) / tmx_size);
  std::printf("  %lld units in %.2f s: %.0f units/s\n", static_cast<long long>(stats.units), seconds,
              static_cast<double>(stats.units) / seconds);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf("  CPU time %.2f s (both threads): %.0f units per CPU second\n", cpu,
              static_cast<double>(stats.units) / cpu);
  std::printf("  peak RSS of the import: %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  std::fflush(stdout);
}

void concordance_latency(const fs::path& db, const std::vector<Pair>& pairs) {
  dilmanc::TranslationMemory memory(db.string());
  std::vector<std::pair<std::string, std::string>> queries;  // lang, text
  for (std::size_t i = 0; i < pairs.size() && queries.size() < 280; i += 1000) {
    auto en = words(pairs[i].en), ru = words(pairs[i].ru);
    if (en.size() >= 3) queries.emplace_back("en", en[en.size() / 2] + " " + en[en.size() / 2 + 1]);
    if (ru.size() >= 2) queries.emplace_back("ru", ru[ru.size() / 2]);
  }
  const std::pair<const char*, const char*> short_queries[] = {
      {"en", "a"}, {"ru", "и"}, {"en", "UN"}, {"en", "of"}, {"ru", "в"},
      {"ru", "по"}, {"en", "is"}, {"en", "to"}, {"ru", "МВД"}, {"ru", "ООН"}};
  for (const auto& [lang, text] : short_queries) queries.emplace_back(lang, text);
  std::vector<double> ms;
  std::vector<std::pair<double, std::string>> slowest;
  std::size_t total_hits = 0;
  for (const auto& [lang, text] : queries) {
    auto start = Clock::now();
    auto hits = memory.concordance(text, lang, 10);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    slowest.emplace_back(ms.back(), lang + ": " + text + " (" + std::to_string(hits.size()) + " hits)");
    total_hits += hits.size();
  }
  std::sort(slowest.rbegin(), slowest.rend());
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) { return ms[std::min(ms.size() - 1, static_cast<std::size_t>(q * static_cast<double>(ms.size())))]; };
  std::printf("concordance on the 1M memory: %zu queries (limit 10, %zu hits), median %.2f ms, p99 %.2f ms, max %.2f ms\n",
              ms.size(), total_hits, at(0.5), at(0.99), ms.back());
  for (std::size_t i = 0; i < 3 && i < slowest.size(); ++i)
    std::printf("  slow: %.2f ms  %s\n", slowest[i].first, slowest[i].second.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::string(argv[1]) == "--import-child") return import_child(argv[2], argv[3]);
  fs::path shared = fs::path(DILMANC_BENCH_SOURCE_DIR) / ".." / "shared";
  fs::path work = fs::temp_directory_path() / "dilmanc-memory-bench";
  bool million = true;
  bool keep = false;
  bool queries_only = false;  // concordance on the 1M memory a previous run left
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--shared" && i + 1 < argc) shared = argv[++i];
    else if (a == "--work" && i + 1 < argc) work = argv[++i];
    else if (a == "--skip-million") million = false;
    else if (a == "--keep-tmx") keep = true;
    else if (a == "--queries-only") queries_only = true;
    else {
      std::cerr << "usage: memory_bench [--shared DIR] [--work DIR] [--skip-million] [--keep-tmx] [--queries-only]\n";
      return 2;
    }
  }
  fs::create_directories(work);
  const fs::path gz = shared / "data" / "corpus" / "en-ru.tsv.gz";
  if (!fs::exists(gz)) {
    std::cerr << "not found: " << gz << "\n";
    return 1;
  }
  auto start = Clock::now();
  auto pairs = read_corpus(gz);
  std::printf("corpus: %zu pairs read in %.2f s\n", pairs.size(),
              std::chrono::duration<double>(Clock::now() - start).count());

  if (queries_only) {
    concordance_latency(work / "million.db", pairs);
    return 0;
  }
  const fs::path tmx = work / "en-ru.tmx";
  start = Clock::now();
  write_tmx(tmx, pairs, false);
  std::printf("TMX written in %.2f s\n", std::chrono::duration<double>(Clock::now() - start).count());
  import_and_report("import of the corpus TMX (343,270 units):", tmx, work / "corpus.db");
  if (!keep) fs::remove(tmx);
  if (!million) return 0;

  const fs::path big = work / "million.tmx";
  write_tmx(big, pairs, true);
  import_and_report("import of the 1,000,000-unit TMX:", big, work / "million.db");
  if (!keep) fs::remove(big);
  concordance_latency(work / "million.db", pairs);
  return 0;
}

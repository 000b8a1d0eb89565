// Fuzzy-matching benchmark: lookup latency of FuzzyMatcher as the memory grows, on the
// en-ru corpus in ../shared/data/corpus.
//
//   match_bench [--shared DIR] [--work DIR] [--skip-million] [--queries N] [--write-queries FILE]
//
// 1. Unpacks en-ru.tsv.gz (through `gzip -dc`). 1,000 pairs picked with a fixed seed are
//    held out: they are never added to the memory and serve as unseen queries.
// 2. Grows one memory through 10,000, 100,000 and all 342,270 remaining pairs, then to
//    1,000,000 units with the edited copies the memory benchmark uses (copy 1: the last
//    word of each side dropped, or " (2)" appended to a side of fewer than three words;
//    copy 2: "2024" inserted after the first word of each side). Prints the add rate.
// 3. At each size, in this one process, runs 1,000 held-out queries and 1,000 edited
//    memory sentences (a memory sentence with one word deleted, inserted, replaced by a
//    word of another sentence, or a number changed; fixed seed), en -> ru, min 50, limit
//    5, and prints the median and 99th percentile per query, and the average number of
//    candidates scored. Also checks that each edited sentence's own unit is among its
//    matches (recall at 5) and is the top match (recall at 1).
// 4. At 1M, times whole `dilmanc query` processes (wall clock, 20 runs, median).
//
// --write-queries FILE writes the query sets of every size and exits without building a
// memory, so that other tools (bench/tmdb_compare.py) run exactly the same queries on
// the same units. One query per line, tab-separated:
//   held-out <TAB> index of its pair in the corpus (0-based) <TAB> text
//   edited <TAB> memory size <TAB> text <TAB> the memory sentence it was made from
// The memory of size N is the first N corpus pairs that are not held out, in order.
//
// --index-cost measures what the fuzzy index adds to writing a variant: index_variant()
// alone on 200,000 corpus pairs (both sides), in one transaction that is rolled back, and
// the share of it that is cutting and folding the words (content_base_keys), in CPU time.
//
// --memory DB runs the queries of step 3 against an existing memory (for instance the
// memory benchmark's million.db) instead of growing one; its "held-out" sentences are in
// that memory when it was built from the whole corpus.
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
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

#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/translation_memory.h"
#include "corpus.h"
#include "match/index_keys.h"
#include "memory/fuzzy_index.h"
#include "memory/sqlite.h"

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

struct Query {
  std::string text;
  std::string expected_en;  // the memory sentence it was made from; empty for held-out
};

std::string edit(const std::string& s, const std::vector<Pair>& pool, std::mt19937& rng) {
  auto w = words(s);
  if (w.empty()) return s;
  // A number changed, when there is one.
  for (auto& x : w)
    if (!x.empty() && x[0] >= '0' && x[0] <= '9' && rng() % 2 == 0) {
      x = std::to_string(rng() % 3000);
      return join(w);
    }
  const std::size_t at = rng() % w.size();
  switch (rng() % 3) {
    case 0:
      if (w.size() > 1) {
        w.erase(w.begin() + static_cast<std::ptrdiff_t>(at));
        break;
      }
      [[fallthrough]];
    case 1: {
      auto other = words(pool[rng() % pool.size()].en);
      w.insert(w.begin() + static_cast<std::ptrdiff_t>(at), other.empty() ? "new" : other[0]);
      break;
    }
    default: {
      auto other = words(pool[rng() % pool.size()].en);
      w[at] = other.empty() ? "new" : other.back();
    }
  }
  return join(w);
}

// This thread's CPU time: on a shared machine the figure of the code, where the wall
// clock is that of the machine.
double cpu_ms() {
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

// --slowest N: the N slowest queries of each set, with what their lookups did.
std::size_t show_slowest = 0;

void run_queries(dilmanc::FuzzyMatcher& matcher, const char* label, const std::vector<Query>& queries) {
  std::vector<double> ms, cpu;
  struct Slow {
    double cpu;
    std::size_t index, postings, candidates, scored;
  };
  std::vector<Slow> slow;
  std::size_t candidates = 0, verified = 0, postings = 0, found = 0, top = 0, any = 0;
  for (const auto& q : queries) {
    const auto start = Clock::now();
    const double cpu_start = cpu_ms();
    auto matches = matcher.find(q.text, "en", "ru");
    cpu.push_back(cpu_ms() - cpu_start);
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    slow.push_back({cpu.back(), slow.size(), matcher.last_stats().postings_read, matcher.last_stats().candidates,
                    matcher.last_stats().scored});
    candidates += matcher.last_stats().scored;
    verified += matcher.last_stats().candidates;
    postings += matcher.last_stats().postings_read;
    if (!matches.empty()) ++any;
    if (!q.expected_en.empty()) {
      for (const auto& m : matches)
        if (dilmanc::plain_text(m.source) == q.expected_en) {
          ++found;
          if (m.score == matches[0].score) ++top;  // ties with the best count as top
          break;
        }
    }
  }
  std::printf("    %-9s %5zu queries  wall median %7.3f ms p99 %7.3f ms  cpu median %7.3f ms p99 %7.3f ms max %7.3f ms"
              "  avg postings %8.0f distances %7.1f scored %6.1f  with matches %5.1f%%",
              label, queries.size(), percentile(ms, 0.5), percentile(ms, 0.99), percentile(cpu, 0.5),
              percentile(cpu, 0.99), percentile(cpu, 1.0),
              static_cast<double>(postings) / static_cast<double>(queries.size()),
              static_cast<double>(verified) / static_cast<double>(queries.size()),
              static_cast<double>(candidates) / static_cast<double>(queries.size()),
              100.0 * static_cast<double>(any) / static_cast<double>(queries.size()));
  if (!queries.empty() && !queries[0].expected_en.empty())
    std::printf("  own unit in top 5 %5.1f%%, top-scored %5.1f%%", 100.0 * static_cast<double>(found) / static_cast<double>(queries.size()),
                100.0 * static_cast<double>(top) / static_cast<double>(queries.size()));
  std::printf("\n");
  std::sort(slow.begin(), slow.end(), [](const Slow& a, const Slow& b) { return a.cpu > b.cpu; });
  for (std::size_t i = 0; i < std::min(show_slowest, slow.size()); ++i)
    std::printf("      slow %7.3f ms cpu  postings %7zu distances %4zu scored %3zu  %s\n", slow[i].cpu, slow[i].postings,
                slow[i].candidates, slow[i].scored, queries[slow[i].index].text.c_str());
  std::fflush(stdout);
}

// index_variant() per variant, and its word keys alone, in CPU time.
void index_cost(const std::vector<Pair>& pairs, const fs::path& work) {
  fs::create_directories(work);
  const fs::path db = work / "index-cost.db";
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  { dilmanc::TranslationMemory memory(db.string()); }
  const std::size_t n = std::min<std::size_t>(pairs.size(), 200000);
  double keys_ms = 0, index_ms = 0;
  {
    const double start = cpu_ms();
    std::size_t total = 0;
    for (std::size_t i = 0; i < n; ++i)
      total += dilmanc::content_base_keys(pairs[i].en, "en").size() + dilmanc::content_base_keys(pairs[i].ru, "ru").size();
    keys_ms = cpu_ms() - start;
    if (total == 0) std::printf("(no words)\n");
  }
  {
    dilmanc::sql::Database connection(db.string(), false);
    // The memory's own settings for its connection.
    connection.exec("PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA temp_store = MEMORY; BEGIN");
    const double start = cpu_ms();
    for (std::size_t i = 0; i < n; ++i) {
      const auto id = static_cast<std::int64_t>(i);
      dilmanc::memory::index_variant(connection, 2 * id + 1, id + 1, "en", pairs[i].en);
      dilmanc::memory::index_variant(connection, 2 * id + 2, id + 1, "ru", pairs[i].ru);
    }
    index_ms = cpu_ms() - start;
    connection.exec("ROLLBACK");
  }
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  const double variants = 2.0 * static_cast<double>(n);
  std::printf("index_variant: %.2f us CPU per variant over %.0f variants, of which word keys %.2f us\n",
              1000.0 * index_ms / variants, variants, 1000.0 * keys_ms / variants);
}

fs::path dilmanc_executable() {
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return self.parent_path().parent_path() / "dilmanc";
}

// The wall-clock time of one run of `exe`; its CPU time (user + system) in *cpu.
double run_process(const fs::path& exe, const std::vector<std::string>& args, double* cpu = nullptr) {
  const auto start = Clock::now();
  pid_t child = ::fork();
  if (child == 0) {
    std::vector<char*> argv;
    std::string program = exe.string();
    argv.push_back(program.data());
    std::vector<std::string> copy = args;
    for (auto& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (!std::freopen("/dev/null", "w", stdout)) _exit(127);
    ::execv(program.c_str(), argv.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  ::wait4(child, &status, 0, &usage);
  const double wall = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  if (cpu)
    *cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
           static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
  return wall;
}

// One `dilmanc query` process per held-out sentence (the first 20), as a user runs it.
void time_processes(const fs::path& db, const std::vector<Query>& held_out, std::int64_t units) {
  const fs::path exe = dilmanc_executable();
  if (!fs::exists(exe)) return;
  std::vector<double> runs, cpus;
  for (std::size_t i = 0; i < std::min<std::size_t>(20, held_out.size()); ++i) {
    double cpu = 0;
    runs.push_back(run_process(exe, {"query", "--memory", db.string(), "--from", "en", "--to", "ru", held_out[i].text}, &cpu));
    cpus.push_back(cpu);
  }
  const std::string at = units < 0 ? db.filename().string() : std::to_string(units) + " units";
  std::printf("\none `dilmanc query` process on %s: median %.1f ms wall, max %.1f ms; CPU median %.1f ms, max %.1f ms"
              " (%zu runs)\n",
              at.c_str(), percentile(runs, 0.5), percentile(runs, 1.0), percentile(cpus, 0.5), percentile(cpus, 1.0),
              runs.size());
}

}  // namespace

int main(int argc, char** argv) {
  fs::path shared = fs::path(DILMANC_BENCH_SOURCE_DIR) / ".." / "shared";
  fs::path work = fs::temp_directory_path() / "dilmanc-match-bench";
  bool skip_million = false;
  std::size_t query_count = 1000;
  fs::path write_queries;
  fs::path existing;
  bool measure_index = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--shared" && i + 1 < argc) shared = argv[++i];
    else if (a == "--work" && i + 1 < argc) work = argv[++i];
    else if (a == "--skip-million") skip_million = true;
    else if (a == "--queries" && i + 1 < argc) query_count = std::stoul(argv[++i]);
    else if (a == "--write-queries" && i + 1 < argc) write_queries = argv[++i];
    else if (a == "--memory" && i + 1 < argc) existing = argv[++i];
    else if (a == "--index-cost") measure_index = true;
    else if (a == "--slowest" && i + 1 < argc) show_slowest = std::stoul(argv[++i]);
    else {
      std::cerr << "usage: match_bench [--shared DIR] [--work DIR] [--skip-million] [--queries N] [--write-queries FILE]"
                   " [--memory DB] [--index-cost] [--slowest N]\n";
      return 2;
    }
  }
  const fs::path corpus = shared / "data" / "corpus" / "en-ru.tsv.gz";
  if (!fs::exists(corpus)) {
    std::cerr << "match_bench: " << corpus << " not found (use --shared DIR)\n";
    return 1;
  }
  const fs::path db = work / "match-bench.db";
  if (write_queries.empty() && existing.empty()) {
    fs::create_directories(work);
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(db.string() + suffix);
  }

  auto pairs = read_corpus(corpus);
  std::mt19937 rng(20241128);
  std::vector<char> held(pairs.size(), 0);
  std::vector<Query> held_out;
  std::vector<std::size_t> held_index;
  while (held_out.size() < std::min<std::size_t>(query_count, pairs.size() / 10)) {
    const std::size_t i = rng() % pairs.size();
    if (held[i]) continue;
    held[i] = 1;
    held_out.push_back({pairs[i].en, ""});
    held_index.push_back(i);
  }
  std::vector<Pair> memory_pairs;
  for (std::size_t i = 0; i < pairs.size(); ++i)
    if (!held[i]) memory_pairs.push_back(pairs[i]);
  std::printf("corpus: %zu pairs, %zu held out, %zu for the memory\n", pairs.size(), held_out.size(), memory_pairs.size());

  auto edited_queries = [&](std::int64_t size) {
    std::vector<Query> edited;
    std::mt19937 edit_rng(static_cast<unsigned>(size));
    const std::size_t pool = std::min<std::size_t>(static_cast<std::size_t>(size), memory_pairs.size());
    while (edited.size() < query_count) {
      const Pair& p = memory_pairs[edit_rng() % pool];
      std::string e = edit(p.en, memory_pairs, edit_rng);
      if (e == p.en) continue;
      edited.push_back({e, p.en});
    }
    return edited;
  };
  std::vector<std::int64_t> sizes = {10000, 100000, static_cast<std::int64_t>(memory_pairs.size())};
  if (!skip_million) sizes.push_back(1000000);

  if (!write_queries.empty()) {
    std::ofstream out(write_queries, std::ios::binary);
    for (std::size_t k = 0; k < held_out.size(); ++k) out << "held-out\t" << held_index[k] << '\t' << held_out[k].text << '\n';
    for (std::int64_t size : sizes)
      for (const auto& q : edited_queries(size)) out << "edited\t" << size << '\t' << q.text << '\t' << q.expected_en << '\n';
    out.close();
    if (!out) {
      std::cerr << "match_bench: cannot write " << write_queries << "\n";
      return 1;
    }
    std::printf("query sets written to %s\n", write_queries.string().c_str());
    return 0;
  }

  if (measure_index) {
    index_cost(pairs, work);
    return 0;
  }
  if (!existing.empty()) {
    dilmanc::MemoryOptions options;
    options.create_if_missing = false;
    dilmanc::TranslationMemory memory(existing.string(), options);
    const auto start = Clock::now();
    const double cpu_start = cpu_ms();
    dilmanc::FuzzyMatcher matcher(memory);
    std::printf("%s: matcher ready in %.1f ms wall, %.1f ms CPU\n", existing.string().c_str(),
                std::chrono::duration<double, std::milli>(Clock::now() - start).count(), cpu_ms() - cpu_start);
    run_queries(matcher, "held-out", held_out);
    run_queries(matcher, "edited", edited_queries(static_cast<std::int64_t>(memory_pairs.size())));
    time_processes(existing, held_out, -1);
    return 0;
  }

  std::int64_t added = 0;
  {
    dilmanc::TranslationMemory memory(db.string());
    auto grow_to = [&](std::int64_t target) {
      const auto start = Clock::now();
      const std::int64_t before = added;
      while (added < target) {
        dilmanc::TranslationMemory::Batch batch(memory);
        for (int k = 0; k < 20000 && added < target; ++k, ++added) {
          const auto n = static_cast<std::size_t>(added);
          const std::size_t copy = n / memory_pairs.size();
          const Pair& p = memory_pairs[n % memory_pairs.size()];
          if (copy == 0)
            memory.add(unit_of(p.en, p.ru, added + 1));
          else if (copy == 1)
            memory.add(unit_of(drop_last_word(p.en), drop_last_word(p.ru), added + 1));
          else
            memory.add(unit_of(insert_year(p.en), insert_year(p.ru), added + 1));
        }
        batch.commit();
      }
      const double s = std::chrono::duration<double>(Clock::now() - start).count();
      std::printf("  memory grown to %lld units (+%lld in %.1f s, %.0f units/s including the fuzzy index), file %.1f MB\n",
                  static_cast<long long>(added), static_cast<long long>(added - before), s,
                  static_cast<double>(added - before) / s,
                  static_cast<double>(fs::file_size(db) + (fs::exists(db.string() + "-wal") ? fs::file_size(db.string() + "-wal") : 0)) / 1e6);
      std::fflush(stdout);
    };

    for (std::int64_t size : sizes) {
      std::printf("\n%lld units\n", static_cast<long long>(size));
      grow_to(size);
      // The queries see the memory at rest, as a user's memory is between sessions: the
      // write-ahead log of the growing is first checkpointed into the file (a long log makes
      // every page read look it up first).
      {
        std::error_code ec;
        const auto wal = fs::file_size(db.string() + "-wal", ec);
        dilmanc::sql::Database checkpoint(db.string(), false);
        checkpoint.exec("PRAGMA wal_checkpoint(TRUNCATE)");
        std::printf("  write-ahead log of %.1f MB checkpointed\n", ec ? 0.0 : static_cast<double>(wal) / 1e6);
      }
      const std::vector<Query> edited = edited_queries(size);
      dilmanc::FuzzyMatcher matcher(memory);
      run_queries(matcher, "held-out", held_out);
      run_queries(matcher, "edited", edited);
    }
  }
  // One process at a time on the memory at rest, after this process has closed it and the
  // kernel has written the file back (gigabytes were written while it grew).
  if (!skip_million) {
    ::sync();
    time_processes(db, held_out, added);
  }
  return 0;
}

// A killed import, merge or extract loses nothing that was committed and leaves nothing
// half-done: each is killed with SIGKILL at random moments, and after each kill the memory
// passes PRAGMA integrity_check and holds exactly the committed work (an import's file and a
// merge's units whole or not at all, nothing changed by extract), and every output file is
// either absent or complete, byte for byte the file an uninterrupted run writes.
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <thread>

#include "child_process.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

// When to kill: uniform over [0, bound), where bound starts a tenth above one uninterrupted
// run and drops to any wait by which a run had already finished. A calibration slowed by a
// busy machine would otherwise let most runs finish before their kill; the loops go on until
// they have their kills, so the figure the test reports never depends on the machine's load.
class KillClock {
 public:
  KillClock(std::chrono::microseconds whole, std::uint32_t seed)
      : bound_(std::max<long>(whole.count() * 11 / 10, 1000)), random_(seed) {}

  std::chrono::microseconds next() {
    return std::chrono::microseconds(std::uniform_int_distribution<long>(0, bound_ - 1)(random_));
  }
  // The run given `wait` exited by itself before its kill.
  void finished_within(std::chrono::microseconds wait) { bound_ = std::max<long>(std::min(bound_, wait.count()), 1000); }

 private:
  long bound_;
  std::mt19937 random_;
};

}  // namespace

TEST_CASE("SIGKILL at random points of import: the memory holds exactly the committed files") {
  constexpr int kKills = 30;
  constexpr int kUnits = kSanitizerBuild ? 500 : 1500;  // an import of a few hundred ms either way
  TempDir dir;
  const fs::path memory = dir / "m.db";
  const std::string memory_arg = memory.string();

  write_tmx(dir / "base.tmx", "base", 300);
  REQUIRE(run_child({"import", "--memory", memory_arg, (dir / "base.tmx").string()}, dir / "log").exit_code == 0);
  std::map<std::string, std::int64_t> expected = {{"base.tmx", 300}};

  // How long a start-up and a whole import take, to spread the kills over both.
  auto start = std::chrono::steady_clock::now();
  REQUIRE(run_child({"stats", "--memory", memory_arg}, dir / "log").exit_code == 0);
  const auto startup = std::chrono::steady_clock::now() - start;
  write_tmx(dir / "calibrate.tmx", "calibrate", kUnits);
  start = std::chrono::steady_clock::now();
  REQUIRE(run_child({"import", "--memory", memory_arg, (dir / "calibrate.tmx").string()}, dir / "log").exit_code == 0);
  const auto whole = std::chrono::steady_clock::now() - start;
  expected["calibrate.tmx"] = kUnits;
  const auto whole_us = std::chrono::duration_cast<std::chrono::microseconds>(whole).count();

  KillClock clock(std::chrono::microseconds(whole_us), 20261128);
  int killed = 0, killed_after_startup = 0, finished = 0, committed_when_killed = 0;
  for (int k = 0; killed < kKills && k < 4 * kKills; ++k) {
    const std::string name = "kill" + std::to_string(k) + ".tmx";
    write_tmx(dir / name, "kill" + std::to_string(k), kUnits);
    const auto wait = clock.next();
    pid_t pid = spawn_cli({"import", "--memory", memory_arg, (dir / name).string()}, dir / "log");
    std::this_thread::sleep_for(wait);
    kill(pid, SIGKILL);
    const int status = wait_child(pid);
    if (status == -SIGKILL) {
      ++killed;
      if (wait > startup) ++killed_after_startup;
    } else {
      REQUIRE_MESSAGE(status == 0, read_file(dir / "log"));
      ++finished;
      clock.finished_within(wait);
    }

    CAPTURE(k);
    CAPTURE(status);
    REQUIRE(integrity_check(memory) == "ok");
    auto counts = units_per_file(memory);
    const std::int64_t got = counts.count(name) ? counts[name] : 0;
    // The killed file: whole (the kill came after the commit) or not at all.
    CHECK((got == 0 || got == kUnits));
    if (status == 0) CHECK(got == kUnits);
    if (got == kUnits) {
      expected[name] = kUnits;
      if (status != 0) ++committed_when_killed;
    }
    counts.erase(name);
    if (got) counts[name] = got;
    CHECK(counts == expected);
    fs::remove(dir / name);
  }
  MESSAGE((killed + finished) << " imports of " << kUnits << " units: " << killed << " killed (" << killed_after_startup
                 << " after start-up, " << committed_when_killed << " of them after the commit), " << finished
                 << " finished; an import takes " << whole_us / 1000 << " ms; units lost: 0");
  CHECK(killed == kKills);
}

namespace {

// Name -> content of every file in `folder`.
std::map<std::string, std::string> files_in(const fs::path& folder) {
  std::map<std::string, std::string> out;
  for (const auto& entry : fs::directory_iterator(folder)) out[entry.path().filename().string()] = read_file(entry.path());
  return out;
}

// A file that a killed writer may leave beside one of the final names (never under it): its
// temporary copy, named after it.
bool temporary_of_any(const std::string& name, const std::map<std::string, std::string>& finals) {
  for (const auto& [final_name, content] : finals)
    if (name.starts_with(final_name + ".") &&
        (name.find(".tmp") != std::string::npos || name.find(".merging") != std::string::npos))
      return true;
  return false;
}

// A copy of a closed memory (its journal checkpointed into it) in place of another.
void copy_memory(const fs::path& from, const fs::path& to) {
  REQUIRE_FALSE(fs::exists(from.string() + "-wal"));
  for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(to.string() + suffix);
  fs::copy_file(from, to);
}

std::chrono::microseconds time_of(const std::vector<std::string>& args, const fs::path& log) {
  const auto start = std::chrono::steady_clock::now();
  const CliResult r = run_child(args, log);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start);
}

// Starts the command, kills it after `wait` (when it is still running), and returns its
// exit code or minus the signal.
int run_and_kill(const std::vector<std::string>& args, const fs::path& log, std::chrono::microseconds wait) {
  const pid_t pid = spawn_cli(args, log);
  std::this_thread::sleep_for(wait);
  kill(pid, SIGKILL);
  return wait_child(pid);
}

}  // namespace

TEST_CASE("SIGKILL at random points of merge: editions whole or absent, the memory all of the merge or none") {
  constexpr int kKills = 30;
  constexpr int kParagraphs = 30;  // 301 segments per language
  TempDir dir;
  const fs::path work = dir / "work";
  fs::create_directory(work);
  const fs::path article = work / "news.en.txt";
  write_article(article, "merge", kParagraphs);
  REQUIRE(run_child({"extract", "--memory", (dir / "none.db").string(), "--from", "en", "--to", "az,ru", "-o",
                     work.string(), article.string()},
                    dir / "log")
              .exit_code == 0);
  const std::vector<std::string> xliff = {(work / "news.az.xlf").string(), (work / "news.ru.xlf").string()};
  const int segments = translate_xliff(xliff[0]);
  REQUIRE(translate_xliff(xliff[1]) == segments);

  // Every merge starts from this memory of 300 units.
  const fs::path base = dir / "base.db";
  write_tmx(dir / "base.tmx", "base", 300);
  REQUIRE(run_child({"import", "--memory", base.string(), (dir / "base.tmx").string()}, dir / "log").exit_code == 0);
  auto merge_into = [&](const fs::path& memory, const fs::path& out) {
    fs::create_directory(out);
    return std::vector<std::string>{"merge", "--memory", memory.string(), "-o", out.string(), xliff[0], xliff[1]};
  };

  // The uninterrupted merge: its editions, its units, its time.
  copy_memory(base, dir / "ref.db");
  const auto startup = time_of({"stats", "--memory", base.string()}, dir / "log");
  const auto whole = time_of(merge_into(dir / "ref.db", dir / "ref"), dir / "log");
  const auto reference = files_in(dir / "ref");
  REQUIRE(reference.size() == 2);
  REQUIRE(reference.count("news.az.txt") == 1);
  REQUIRE(reference.count("news.ru.txt") == 1);
  // One unit per segment with its en, az and ru variants (the ru ones join the az units).
  const auto expected = variants_per_file(dir / "ref.db");
  const std::map<std::string, std::int64_t> before = {{"base.tmx", 600}};
  REQUIRE(expected == std::map<std::string, std::int64_t>{{"base.tmx", 600}, {"news.az.xlf", 3 * segments}});

  KillClock clock(whole, 20261204);
  int killed = 0, killed_after_startup = 0, finished = 0, committed_when_killed = 0, editions_seen = 0,
      some_editions = 0, leftovers = 0;
  const fs::path memory = dir / "m.db";
  for (int k = 0; killed < kKills && k < 4 * kKills; ++k) {
    CAPTURE(k);
    copy_memory(base, memory);
    const fs::path out = dir / ("out" + std::to_string(k));
    const auto wait = clock.next();
    const int status = run_and_kill(merge_into(memory, out), dir / "log", wait);
    CAPTURE(status);
    if (status == -SIGKILL) {
      ++killed;
      if (wait > startup) ++killed_after_startup;
    } else {
      REQUIRE_MESSAGE(status == 0, read_file(dir / "log"));
      ++finished;
      clock.finished_within(wait);
    }

    REQUIRE(integrity_check(memory) == "ok");
    const auto counts = variants_per_file(memory);
    const bool committed = counts == expected;
    const bool none = counts == before;
    CHECK_MESSAGE((committed || none), "units in the memory after the kill do not match all or none of the merge");
    if (committed && status != 0) ++committed_when_killed;

    // Editions: absent, or byte for byte the reference; nothing else but temporary files.
    int editions = 0;
    for (const auto& [name, content] : files_in(out)) {
      CAPTURE(name);
      if (reference.count(name)) {
        CHECK(content == reference.at(name));
        ++editions;
      } else {
        CHECK(temporary_of_any(name, reference));
        ++leftovers;
      }
    }
    editions_seen += editions;
    if (editions > 0 && editions < 2) ++some_editions;
    // Editions get their names only after the memory has committed.
    if (editions > 0) CHECK(committed);
    if (status == 0) {
      CHECK(committed);
      CHECK(files_in(out) == reference);
    }
    fs::remove_all(out);
  }
  MESSAGE((killed + finished) << " merges of 2 x " << segments << " segments into a memory of 300 units: " << killed
                 << " killed (" << killed_after_startup << " after start-up, " << committed_when_killed
                 << " of them after the memory's commit, " << some_editions << " between the two editions' renames), "
                 << finished << " finished; a merge takes " << whole.count() / 1000 << " ms; " << editions_seen
                 << " editions found, all whole; " << leftovers
                 << " temporary files left beside them; units lost or half-merged: 0");
  CHECK(killed == kKills);
}

TEST_CASE("SIGKILL at random points of extract: XLIFF files whole or absent, the memory unchanged") {
  constexpr int kKills = 30;
  constexpr int kParagraphs = 30;
  TempDir dir;
  const fs::path work = dir / "work";
  fs::create_directory(work);
  const fs::path article = work / "news.en.txt";
  const std::vector<std::string> sentences = write_article(article, "extract", kParagraphs);

  // A memory with a near neighbour of every sentence (another tag: one word differs), so
  // that extract finds fuzzy matches and builds the matcher's index on its first lookup.
  std::string tmx =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"test\""
      " creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"test\" adminlang=\"en\" srclang=\"en\""
      " datatype=\"plaintext\"/>\n<body>\n";
  for (std::string s : sentences) {
    s.replace(s.find("extract"), 7, "earlier");
    tmx += "<tu><tuv xml:lang=\"en\"><seg>" + s + "</seg></tuv><tuv xml:lang=\"az\"><seg>az " + s +
           "</seg></tuv><tuv xml:lang=\"ru\"><seg>ru " + s + "</seg></tuv></tu>\n";
  }
  write_file(dir / "near.tmx", tmx + "</body></tmx>\n");
  const fs::path pristine = dir / "pristine.db";
  REQUIRE(run_child({"import", "--memory", pristine.string(), (dir / "near.tmx").string()}, dir / "log").exit_code ==
          0);
  const auto expected = units_per_file(pristine);
  REQUIRE(expected.at("near.tmx") == static_cast<std::int64_t>(sentences.size()));
  auto extract_with = [&](const fs::path& memory, const fs::path& out) {
    fs::create_directory(out);
    return std::vector<std::string>{"extract", "--memory", memory.string(), "--from", "en", "--to", "az,ru",
                                    "-o",      out.string(), article.string()};
  };

  // The uninterrupted extract, on a memory whose index is not built yet, as every other
  // killed extract has it.
  copy_memory(pristine, dir / "ref.db");
  const auto startup = time_of({"stats", "--memory", pristine.string()}, dir / "log");
  const auto whole = time_of(extract_with(dir / "ref.db", dir / "ref"), dir / "log");
  const auto reference = files_in(dir / "ref");
  REQUIRE(reference.size() == 2);
  REQUIRE(reference.count("news.az.xlf") == 1);
  REQUIRE(reference.at("news.az.xlf").find("<alt-trans") != std::string::npos);  // matches were offered

  KillClock clock(whole, 20261205);
  int killed = 0, killed_after_startup = 0, finished = 0, files_seen = 0, leftovers = 0;
  const fs::path memory = dir / "m.db";
  copy_memory(pristine, memory);
  for (int k = 0; killed < kKills && k < 4 * kKills; ++k) {
    CAPTURE(k);
    if (k % 2 == 0) copy_memory(pristine, memory);  // the index to build again
    const fs::path out = dir / ("out" + std::to_string(k));
    const auto wait = clock.next();
    const int status = run_and_kill(extract_with(memory, out), dir / "log", wait);
    CAPTURE(status);
    if (status == -SIGKILL) {
      ++killed;
      if (wait > startup) ++killed_after_startup;
    } else {
      REQUIRE_MESSAGE(status == 0, read_file(dir / "log"));
      ++finished;
      clock.finished_within(wait);
    }
    REQUIRE(integrity_check(memory) == "ok");
    CHECK(units_per_file(memory) == expected);
    for (const auto& [name, content] : files_in(out)) {
      CAPTURE(name);
      if (reference.count(name)) {
        CHECK(content == reference.at(name));
        ++files_seen;
      } else {
        CHECK(temporary_of_any(name, reference));
        ++leftovers;
      }
    }
    if (status == 0) CHECK(files_in(out) == reference);
    fs::remove_all(out);
  }
  MESSAGE((killed + finished) << " extracts of " << sentences.size() << " segments into 2 XLIFF files, from a memory of "
                 << sentences.size() << " near matches: " << killed << " killed (" << killed_after_startup
                 << " after start-up), " << finished << " finished; an extract takes " << whole.count() / 1000
                 << " ms; " << files_seen << " XLIFF files found, all whole; " << leftovers
                 << " temporary files left beside them; memory changed: never");
  CHECK(killed == kKills);
}

// Eight processes import different files, or merge different articles, into one memory at
// the same time: every unit of every file is there afterwards, and the memory passes
// PRAGMA integrity_check.
#include <doctest/doctest.h>

#include <chrono>

#include "child_process.h"

using namespace dilmanc;
using namespace dilmanc::test;

TEST_CASE("eight concurrent importers into one memory lose nothing") {
  constexpr int kWriters = 8;
  constexpr int kUnits = 1500;
  TempDir dir;
  const fs::path memory = dir / "m.db";
  // Created first, so that the writers race on the data and not on the schema.
  write_tmx(dir / "base.tmx", "base", 10);
  REQUIRE(run_child({"import", "--memory", memory.string(), (dir / "base.tmx").string()}, dir / "base.log").exit_code ==
          0);

  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const std::string name = "writer" + std::to_string(w);
    write_tmx(dir / (name + ".tmx"), name, kUnits);
  }
  for (int w = 0; w < kWriters; ++w) {
    const std::string name = "writer" + std::to_string(w);
    children.push_back(
        spawn_cli({"import", "--memory", memory.string(), (dir / (name + ".tmx")).string()}, dir / (name + ".log")));
  }
  for (int w = 0; w < kWriters; ++w) {
    CAPTURE(w);
    const int status = wait_child(children[w]);
    CHECK_MESSAGE(status == 0, read_file(dir / ("writer" + std::to_string(w) + ".log")));
  }
  CHECK(integrity_check(memory) == "ok");
  auto counts = units_per_file(memory);
  CHECK(counts["base.tmx"] == 10);
  std::int64_t total = 0;
  for (int w = 0; w < kWriters; ++w) {
    CAPTURE(w);
    CHECK(counts["writer" + std::to_string(w) + ".tmx"] == kUnits);
    total += counts["writer" + std::to_string(w) + ".tmx"];
  }
  MESSAGE(kWriters << " concurrent importers of " << kUnits << " units each: " << total << " units there, "
                   << kWriters * kUnits - total << " lost");

  // And two at the same time into a memory that does not exist yet.
  const fs::path fresh = dir / "fresh.db";
  pid_t a = spawn_cli({"import", "--memory", fresh.string(), (dir / "writer0.tmx").string()}, dir / "a.log");
  pid_t b = spawn_cli({"import", "--memory", fresh.string(), (dir / "writer1.tmx").string()}, dir / "b.log");
  CHECK_MESSAGE(wait_child(a) == 0, read_file(dir / "a.log"));
  CHECK_MESSAGE(wait_child(b) == 0, read_file(dir / "b.log"));
  CHECK(integrity_check(fresh) == "ok");
  counts = units_per_file(fresh);
  CHECK(counts["writer0.tmx"] == kUnits);
  CHECK(counts["writer1.tmx"] == kUnits);
}

TEST_CASE("three processes creating one memory at once all succeed, round after round") {
  // The race is in the first moments of a new file (its switch to WAL, which SQLite
  // refused the loser of at once: "database is locked" about once in forty rounds of two
  // shells' imports); so, many rounds, the children let go at once.
  const int rounds = dilmanc::test::kSanitizerBuild ? 10 : 40;
  TempDir dir;
  write_tmx(dir / "one.tmx", "one", 3);
  for (int round = 0; round < rounds; ++round) {
    CAPTURE(round);
    // Names built piecewise: GCC 12 warns falsely on "a" + std::to_string(i) + "b".
    std::string name = "fresh";
    name += std::to_string(round);
    name += ".db";
    const fs::path fresh = dir / name;
    const fs::path logs[] = {dir / "c0.log", dir / "c1.log", dir / "c2.log"};
    // The children wait at a closed door (a pipe) until all three exist, then start at once.
    int door[2];
    REQUIRE(::pipe(door) == 0);
    std::vector<pid_t> children;
    for (const fs::path& log : logs)
      children.push_back(spawn_cli({"import", "--memory", fresh.string(), (dir / "one.tmx").string()}, log, [&] {
        ::close(door[1]);
        char c;
        while (::read(door[0], &c, 1) > 0) {
        }
        ::close(door[0]);
      }));
    ::close(door[0]);
    ::close(door[1]);
    for (int k = 0; k < 3; ++k) CHECK_MESSAGE(wait_child(children[k]) == 0, read_file(logs[k]));
    CHECK(units_per_file(fresh)["one.tmx"] == 3);
  }
}

TEST_CASE("eight concurrent merges of different articles into one memory lose nothing") {
  constexpr int kWriters = 8;
  constexpr int kParagraphs = 15;  // 151 segments per article and language
  TempDir dir;
  const fs::path work = dir / "work";
  const fs::path out = dir / "editions";
  fs::create_directory(work);
  fs::create_directory(out);
  const fs::path memory = dir / "m.db";
  write_tmx(dir / "base.tmx", "base", 10);
  REQUIRE(run_child({"import", "--memory", memory.string(), (dir / "base.tmx").string()}, dir / "base.log").exit_code ==
          0);

  std::vector<std::string> extract = {"extract", "--memory", (dir / "none.db").string(), "--from", "en", "--to",
                                      "az,ru",   "-o",       work.string()};
  for (int w = 0; w < kWriters; ++w) {
    const fs::path article = work / ("news" + std::to_string(w) + ".en.txt");
    write_article(article, "writer" + std::to_string(w), kParagraphs);
    extract.push_back(article.string());
  }
  REQUIRE(run_child(extract, dir / "extract.log").exit_code == 0);
  int segments = 0;
  for (int w = 0; w < kWriters; ++w)
    for (const char* lang : {"az", "ru"}) {
      CAPTURE(w);
      const int n = translate_xliff(work / ("news" + std::to_string(w) + "." + lang + ".xlf"));
      if (segments == 0) segments = n;
      REQUIRE(n == segments);
    }

  std::vector<pid_t> children;
  const auto start = std::chrono::steady_clock::now();
  for (int w = 0; w < kWriters; ++w) {
    const std::string name = "news" + std::to_string(w);
    children.push_back(spawn_cli({"merge", "--memory", memory.string(), "-o", out.string(),
                                  (work / (name + ".az.xlf")).string(), (work / (name + ".ru.xlf")).string()},
                                 dir / (name + ".log")));
  }
  for (int w = 0; w < kWriters; ++w) {
    CAPTURE(w);
    const int status = wait_child(children[w]);
    CHECK_MESSAGE(status == 0, read_file(dir / ("news" + std::to_string(w) + ".log")));
  }
  const auto wall = std::chrono::steady_clock::now() - start;
  CHECK(integrity_check(memory) == "ok");
  // Each segment is one unit with its en, az and ru variants: the ru translation joins the
  // unit the az one made, whose origin is the az file.
  auto units = units_per_file(memory);
  auto variants = variants_per_file(memory);
  CHECK(units["base.tmx"] == 10);
  std::int64_t total = 0;
  for (int w = 0; w < kWriters; ++w) {
    const std::string name = "news" + std::to_string(w);
    CAPTURE(name);
    CHECK(units[name + ".az.xlf"] == segments);
    CHECK(variants[name + ".az.xlf"] == 3 * segments);
    total += variants[name + ".az.xlf"] - units[name + ".az.xlf"];
    for (const std::string lang : {"az", "ru"}) {
      CAPTURE(lang);
      const std::string edition = read_file(out / (name + "." + lang + ".txt"));
      CHECK(edition.starts_with(lang + "-Report " + lang + "-writer" + std::to_string(w)));
    }
  }
  CHECK(units.size() == 1 + kWriters);
  MESSAGE(kWriters << " concurrent merges of 2 x " << segments << " segments each (in "
                   << std::chrono::duration_cast<std::chrono::milliseconds>(wall).count() << " ms): " << total
                   << " translations there, " << 2 * kWriters * segments - total << " lost");
}

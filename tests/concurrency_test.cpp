// Eight processes import different files into one memory at the same time: every unit of
// every file is there afterwards, and the memory passes PRAGMA integrity_check.
#include <doctest/doctest.h>

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

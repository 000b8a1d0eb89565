// A killed import loses nothing that was committed and leaves nothing half-done: imports
// are killed with SIGKILL at random moments, and after each kill the memory passes
// PRAGMA integrity_check and holds every earlier file whole and the killed file whole or
// not at all.
#include <doctest/doctest.h>

#include <chrono>
#include <random>
#include <thread>

#include "child_process.h"

using namespace dilmanc;
using namespace dilmanc::test;

TEST_CASE("SIGKILL at random points of import: the memory holds exactly the committed files") {
  constexpr int kKills = 30;
  constexpr int kUnits = 1500;
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

  std::mt19937 random(20261128);
  std::uniform_int_distribution<long> delay(0, whole_us * 11 / 10);
  int killed = 0, killed_after_startup = 0, finished = 0, committed_when_killed = 0;
  for (int k = 0; k < kKills; ++k) {
    const std::string name = "kill" + std::to_string(k) + ".tmx";
    write_tmx(dir / name, "kill" + std::to_string(k), kUnits);
    const auto wait = std::chrono::microseconds(delay(random));
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
  MESSAGE(kKills << " imports of " << kUnits << " units: " << killed << " killed (" << killed_after_startup
                 << " after start-up, " << committed_when_killed << " of them after the commit), " << finished
                 << " finished; an import takes " << whole_us / 1000 << " ms; units lost: 0");
  CHECK(killed >= kKills / 2);
}

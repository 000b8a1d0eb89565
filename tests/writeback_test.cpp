// memory::Writeback: a hint to the kernel on a thread of its own, which must never hold up
// the import that owns it.
#include "memory/writeback.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "support.h"

using namespace dilmanc;
using dilmanc::test::TempDir;

TEST_CASE("writeback stops when destroyed instead of sleeping out its period, and ignores a missing file") {
  TempDir dir;
  const auto file = dir / "data";
  dilmanc::test::write_file(file, std::string(1 << 20, 'x'));
  const auto start = std::chrono::steady_clock::now();
  {
    memory::Writeback hourly(file.string(), 3600 * 1000);
    memory::Writeback often(file.string(), 1);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // `often` has run several times
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::minutes(10));
  { memory::Writeback missing((dir / "missing").string(), 1); }
  CHECK(dilmanc::test::read_file(file).size() == (1u << 20));
}

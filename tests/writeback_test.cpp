// memory::Writeback: a hint to the kernel on a thread of its own, through SQLite's own
// descriptor of the file, which must never hold up the import that owns it.
#include "memory/writeback.h"

#include <doctest/doctest.h>

#include <chrono>
#include <string>
#include <thread>

#include "memory/sqlite.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::TempDir;

TEST_CASE("writeback finds SQLite's descriptor of the file, and stops when destroyed instead of sleeping out its period") {
  TempDir dir;
  sql::Database db((dir / "m.db").string(), true);
  db.exec("CREATE TABLE t(x); INSERT INTO t VALUES (zeroblob(1000000));");
  const auto start = std::chrono::steady_clock::now();
  {
    memory::Writeback hourly(db.handle(), 3600 * 1000);
    memory::Writeback often(db.handle(), 1);
#if defined(__linux__)
    // The unix VFS's file object as this SQLite lays it out: checked against the file.
    CHECK(hourly.running());
    CHECK(often.running());
#endif
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // `often` has run several times
    db.exec("INSERT INTO t VALUES (zeroblob(1000000));");
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::minutes(10));
  sql::Statement count(db, "SELECT count(*) FROM t");
  REQUIRE(count.step());
  CHECK(count.int64(0) == 2);
}

TEST_CASE("writeback does nothing for a database without a file") {
  sql::Database db(":memory:", true);
  memory::Writeback none(db.handle(), 1);
  CHECK_FALSE(none.running());
}

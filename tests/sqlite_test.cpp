#include <doctest/doctest.h>

#include <cstdio>
#include <stdexcept>

#include "dilmanc/error.h"
#include "memory/sqlite.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::TempDir;

namespace {

struct Table {
  TempDir dir;
  sql::Database db{(dir / "t.db").string(), true};
  Table() { db.exec("CREATE TABLE t(n INTEGER PRIMARY KEY, name TEXT, data BLOB)"); }

  std::vector<std::string> rows() {
    std::vector<std::string> out;
    sql::Statement s(db, "SELECT n, name, typeof(name), hex(data), typeof(data) FROM t ORDER BY n");
    while (s.step())
      out.push_back(std::to_string(s.int64(0)) + "|" + s.text(1) + "|" + s.text(2) + "|" + s.text(3) + "|" + s.text(4));
    return out;
  }
};

}  // namespace

TEST_CASE("BulkInsert writes whole statements of rows, then the rest at flush, values copied") {
  Table t;
  sql::BulkInsert insert(t.db, "t", {"n", "name", "data"}, 4);
  std::vector<std::string> expected;
  for (int i = 1; i <= 10; ++i) {
    std::string name = "row " + std::to_string(i);
    std::string data(static_cast<std::size_t>(i % 3), static_cast<char>(i));
    insert.add(i).add_text(name).add_blob(data).end_row();
    name = "overwritten";  // the insert holds its own copy
    std::fill(data.begin(), data.end(), 'x');
    char hex[3];
    std::string bytes;
    for (int k = 0; k < i % 3; ++k) std::snprintf(hex, sizeof hex, "%02X", i), bytes += hex;
    expected.push_back(std::to_string(i) + "|row " + std::to_string(i) + "|text|" + bytes + "|blob");
    // Two statements of four rows went out; rows 9 and 10 wait for flush().
    if (i == 8) CHECK(t.rows().size() == 8);
  }
  CHECK(t.rows().size() == 8);
  insert.flush();
  CHECK(t.rows() == expected);
  insert.flush();  // nothing waiting: nothing written twice
  CHECK(t.rows().size() == 10);
}

TEST_CASE("BulkInsert drops rows still waiting when destroyed, and tries a failed statement again") {
  Table t;
  {
    sql::BulkInsert insert(t.db, "t", {"n", "name", "data"}, 3);
    for (int i = 1; i <= 4; ++i) insert.add(i).add_text("a").add_blob("b").end_row();
  }
  CHECK(t.rows().size() == 3);  // row 4 was never written

  sql::BulkInsert insert(t.db, "t", {"n", "name", "data"}, 3);
  insert.add(10).add_text("a").add_blob("b").end_row();
  insert.add(2).add_text("a").add_blob("b").end_row();  // n = 2 exists
  CHECK_THROWS_AS((insert.add(11).add_text("a").add_blob("b").end_row()), Error);
  CHECK(t.rows().size() == 3);  // the statement is all or nothing
  CHECK(insert.rows_waiting() == 3);
  CHECK_THROWS_AS(insert.add(12), Error);  // tried again first, and failing again
  t.db.exec("DELETE FROM t WHERE n = 2");
  insert.add(12).add_text("c").add_blob("d").end_row();  // tried again: in
  CHECK(t.rows().size() == 5);
  insert.flush();
  CHECK(t.rows().back() == "12|c|text|64|blob");
  insert.add(13).add_text("e").add_null().end_row();
  insert.discard();
  insert.flush();
  CHECK(t.rows().size() == 6);
}

TEST_CASE("BulkInsert refuses rows of the wrong size as the bug they are") {
  Table t;
  sql::BulkInsert insert(t.db, "t", {"n", "name", "data"});
  insert.add(1).add_text("a");
  CHECK_THROWS_AS(insert.end_row(), std::logic_error);
  CHECK_THROWS_AS(insert.flush(), std::logic_error);
  insert.add_blob("b").end_row();
  CHECK_THROWS_AS(insert.add(2).add(3).add(4).add(5), std::logic_error);
}

TEST_CASE("BulkInsert writes NULL for no value, an empty text made NULL, and rows left over in one statement") {
  Table t;
  sql::BulkInsert insert(t.db, "t", {"n", "name", "data"}, 8);
  insert.add(1).add_text_or_null("").add_null().end_row();
  insert.add(2).add_text_or_null("b").add_blob("").end_row();
  insert.add_optional(std::nullopt).add_text("c").add_null().end_row();  // n NULL: SQLite picks 3
  CHECK(insert.rows_waiting() == 3);
  insert.flush();
  CHECK(insert.rows_waiting() == 0);
  CHECK(t.rows() == std::vector<std::string>{"1||null||null", "2|b|text||blob", "3|c|text||null"});
  // The rows of a flush are one statement: all or none, and kept for the next try.
  insert.add(4).add_text("d").add_null().end_row();
  insert.add(1).add_text("e").add_null().end_row();
  CHECK_THROWS_AS(insert.flush(), Error);
  CHECK(t.rows().size() == 3);
  t.db.exec("DELETE FROM t WHERE n = 1");
  insert.flush();
  CHECK(t.rows() == std::vector<std::string>{"1|e|text||null", "2|b|text||blob", "3|c|text||null", "4|d|text||null"});
}

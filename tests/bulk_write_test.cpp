// An import into an empty memory writes the file without the write-ahead log (BulkWrite):
// it ends in WAL mode with everything there, falls back to the log when another
// connection has the file open, and a failed import leaves the memory empty, in WAL mode.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "dilmanc/error.h"
#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "memory/memory_internal.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::numbered_tmx;
using dilmanc::test::TempDir;
using dilmanc::test::write_file;

namespace {

// numbered_tmx with a last unit cut short (malformed XML).
std::string broken_tmx(int units, const std::string& prefix) {
  std::string out = numbered_tmx(units, prefix);
  out.resize(out.rfind("</body>"));
  return out + "<tu><tuv xml:lang=\"en\"><seg>cut</tuv></tu></body></tmx>\n";
}

// A raw connection of its own, as another program would hold the file.
class Raw {
 public:
  explicit Raw(const std::string& path) { REQUIRE(sqlite3_open(path.c_str(), &db_) == SQLITE_OK); }
  ~Raw() { sqlite3_close(db_); }
  std::string text(const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    REQUIRE(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr) == SQLITE_OK);
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace

TEST_CASE("an import into an empty memory leaves the log while it writes, and returns to WAL mode") {
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  write_file(dir / "a.tmx", numbered_tmx(300, "Alpha"));
  {
    TranslationMemory memory(db);
    {
      memory::BulkWrite bulk(memory);
      CHECK(bulk.active());
    }
    {
      memory::BulkWrite bulk(memory);
      REQUIRE(bulk.active());
      Raw other(db);
      CHECK(other.text("PRAGMA journal_mode") == "delete");
    }
    CHECK(import_file(memory, (dir / "a.tmx").string()).added == 300);
    CHECK(memory.stats().units == 300);
    CHECK(memory.concordance("Alpha sentence number 299", "en", 5).size() == 1);
    // No longer empty: the next import keeps the log.
    memory::BulkWrite bulk(memory);
    CHECK_FALSE(bulk.active());
  }
  Raw after(db);
  CHECK(after.text("PRAGMA journal_mode") == "wal");
  CHECK(after.text("PRAGMA integrity_check") == "ok");
  CHECK(after.text("SELECT count(*) FROM units") == "300");
}

TEST_CASE("an import into an empty memory that another connection holds goes through the log") {
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  write_file(dir / "a.tmx", numbered_tmx(300, "Alpha"));
  TranslationMemory memory(db);
  Raw other(db);
  REQUIRE(other.text("SELECT count(*) FROM units") == "0");
  {
    memory::BulkWrite bulk(memory);
    CHECK_FALSE(bulk.active());
  }
  CHECK(import_file(memory, (dir / "a.tmx").string()).added == 300);
  CHECK(other.text("SELECT count(*) FROM units") == "300");
  CHECK(other.text("PRAGMA journal_mode") == "wal");
}

TEST_CASE("a failed import into an empty memory leaves it empty and in WAL mode") {
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  write_file(dir / "broken.tmx", broken_tmx(500, "Broken"));
  write_file(dir / "a.tmx", numbered_tmx(300, "Alpha"));
  TranslationMemory memory(db);
  CHECK_THROWS_AS(import_file(memory, (dir / "broken.tmx").string()), Error);
  CHECK(memory.stats().units == 0);
  CHECK(memory.concordance("Broken sentence", "en", 5).empty());
  {
    Raw other(db);
    CHECK(other.text("PRAGMA journal_mode") == "wal");
    CHECK(other.text("PRAGMA integrity_check") == "ok");
  }
  // And the memory still takes a file the same way.
  CHECK(import_file(memory, (dir / "a.tmx").string()).added == 300);
  CHECK(memory.stats().units == 300);
}

TEST_CASE("an import into an empty memory writes rows whose references all hold") {
  // The bulk write skips SQLite's foreign-key checks; every unit, variant and note it
  // writes must still refer to rows that are there.
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  std::string tmx =
      "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"en\" creationtool=\"t\" "
      "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" datatype=\"plaintext\"/><body>\n";
  for (int i = 0; i < 50; ++i)
    tmx += "<tu><note>unit note " + std::to_string(i) + "</note><prop type=\"x-domain\">press</prop>"
           "<tuv xml:lang=\"en\"><note>en note</note><seg>Statement " + std::to_string(i) + ".</seg></tuv>"
           "<tuv xml:lang=\"ru\"><prop type=\"x-checked\">yes</prop><seg>Заявление " + std::to_string(i) +
           ".</seg></tuv></tu>\n";
  write_file(dir / "a.tmx", tmx + "</body></tmx>\n");
  {
    TranslationMemory memory(db);
    CHECK(import_file(memory, (dir / "a.tmx").string()).added == 50);
  }
  Raw after(db);
  CHECK(after.text("SELECT count(*) FROM annotations") == "200");
  CHECK(after.text("SELECT count(*) FROM annotations WHERE variant_id IS NOT NULL") == "100");
  CHECK(after.text("SELECT count(*) FROM pragma_foreign_key_check") == "0");
  CHECK(after.text("PRAGMA integrity_check") == "ok");
}

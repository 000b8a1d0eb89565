// A memory written by an older schema version is copied to a backup first, then upgraded in
// one transaction. The upgrade is exercised with the real steps plus one more (what the next
// version will add), so that it is tested from the current version too; every real older
// version is also built by hand and opened through TranslationMemory
// and the command line.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "child_process.h"
#include "dilmanc/error.h"
#include "memory/schema_migration.h"
#include "memory/sqlite.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

// The real steps and one more, as the next schema version would append it.
std::vector<const char*> next_version_steps() {
  std::vector<const char*> steps(memory::schema_steps().begin(), memory::schema_steps().end());
  steps.push_back("ALTER TABLE units ADD COLUMN reviewed_by TEXT;");
  return steps;
}

int version_of(const fs::path& file) {
  sql::Database db(file.string(), false);
  sql::Statement s(db, "PRAGMA user_version");
  s.step();
  return static_cast<int>(s.int64(0));
}

std::int64_t count(const fs::path& file, const char* table) {
  sql::Database db(file.string(), false);
  sql::Statement s(db, (std::string("SELECT count(*) FROM ") + table).c_str());
  s.step();
  return s.int64(0);
}

bool has_column(const fs::path& file, const char* table, const std::string& column) {
  sql::Database db(file.string(), false);
  sql::Statement s(db, (std::string("PRAGMA table_info(") + table + ")").c_str());
  while (s.step())
    if (s.text(1) == column) return true;
  return false;
}

// A memory of the current version holding the 40 units of a TMX file.
void current_memory(const TempDir& dir, const fs::path& file) {
  write_tmx(dir / "units.tmx", "old", 40);
  REQUIRE(run_child({"import", "--memory", file.string(), (dir / "units.tmx").string()}, dir / "log").exit_code == 0);
}

std::vector<std::string> migrate(const fs::path& file, const std::vector<const char*>& steps) {
  std::vector<std::string> notices;
  sql::Database db(file.string(), false);
  memory::migrate_schema(db, steps, [&](const std::string& n) { notices.push_back(n); });
  return notices;
}

}  // namespace

TEST_CASE("an older memory is copied to a backup, the user told, then upgraded in one transaction") {
  TempDir dir;
  const fs::path file = dir / "m.db";
  current_memory(dir, file);
  const int old = static_cast<int>(memory::schema_steps().size());
  const fs::path backup = dir / ("m.db.v" + std::to_string(old) + ".bak");
  const std::vector<const char*> steps = next_version_steps();

  const std::vector<std::string> notices = migrate(file, steps);
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].find(file.string() + ": ") == 0);
  CHECK(notices[0].find(backup.string()) != std::string::npos);
  MESSAGE("notice: " << notices[0]);

  // The backup is the memory as it was: old version, every unit, a sound file, no journal.
  REQUIRE(fs::exists(backup));
  CHECK(version_of(backup) == old);
  CHECK(integrity_check(backup) == "ok");
  CHECK(count(backup, "units") == 40);
  CHECK_FALSE(has_column(backup, "units", "reviewed_by"));
  CHECK_FALSE(fs::exists(dir / ("m.db.v" + std::to_string(old) + ".bak-partial")));
  // The memory is upgraded, its units kept.
  CHECK(version_of(file) == old + 1);
  CHECK(has_column(file, "units", "reviewed_by"));
  CHECK(count(file, "units") == 40);
  CHECK(integrity_check(file) == "ok");

  // Opening it again neither copies nor upgrades anything.
  CHECK(migrate(file, steps).empty());
  int backups = 0;
  for (const auto& entry : fs::directory_iterator(dir.path()))
    if (entry.path().extension() == ".bak") ++backups;
  CHECK(backups == 1);
  // A program of the older version refuses the upgraded file rather than misreading it.
  CHECK_THROWS_AS(migrate(file, std::vector<const char*>(memory::schema_steps().begin(), memory::schema_steps().end())),
                  Error);
}

TEST_CASE("an existing backup is never overwritten: the next free name is taken") {
  TempDir dir;
  const fs::path file = dir / "m.db";
  current_memory(dir, file);
  const std::string old = std::to_string(memory::schema_steps().size());
  write_file(dir / ("m.db.v" + old + ".bak"), "an earlier backup");
  write_file(dir / ("m.db.v" + old + ".2.bak"), "another one");

  const std::vector<std::string> notices = migrate(file, next_version_steps());
  const fs::path third = dir / ("m.db.v" + old + ".3.bak");
  REQUIRE(notices.size() == 1);
  CHECK(notices[0].find(third.string()) != std::string::npos);
  CHECK(read_file(dir / ("m.db.v" + old + ".bak")) == "an earlier backup");
  CHECK(read_file(dir / ("m.db.v" + old + ".2.bak")) == "another one");
  CHECK(count(third, "units") == 40);
}

TEST_CASE("a failed upgrade leaves the memory as it was, and its backup") {
  TempDir dir;
  const fs::path file = dir / "m.db";
  current_memory(dir, file);
  const int old = static_cast<int>(memory::schema_steps().size());
  std::vector<const char*> steps = next_version_steps();
  steps.back() = "ALTER TABLE units ADD COLUMN reviewed_by TEXT; ALTER TABLE no_such_table ADD COLUMN x;";

  std::vector<std::string> notices;
  {
    sql::Database db(file.string(), false);
    CHECK_THROWS_AS(memory::migrate_schema(db, steps, [&](const std::string& n) { notices.push_back(n); }), Error);
  }
  CHECK(notices.size() == 1);
  CHECK(version_of(file) == old);
  CHECK_FALSE(has_column(file, "units", "reviewed_by"));
  CHECK(count(file, "units") == 40);
  CHECK(integrity_check(file) == "ok");
  CHECK(fs::exists(dir / ("m.db.v" + std::to_string(old) + ".bak")));
  // And the program of that version still opens it.
  CHECK(units_per_file(file)["units.tmx"] == 40);
}

TEST_CASE("a new file gets the schema without a backup, a file that is not a memory is refused untouched") {
  TempDir dir;
  const fs::path file = dir / "new.db";
  {
    sql::Database created(file.string(), true);
    int notices = 0;
    memory::migrate_schema(created, next_version_steps(), [&](const std::string&) { ++notices; });
    CHECK(notices == 0);
  }
  CHECK(version_of(file) == static_cast<int>(memory::schema_steps().size()) + 1);
  for (const auto& entry : fs::directory_iterator(dir.path())) CHECK(entry.path().extension() != ".bak");

  // Another program's database with a version number: refused, not copied, not changed.
  const fs::path other = dir / "other.db";
  {
    sql::Database db(other.string(), true);
    db.exec("CREATE TABLE t(x); PRAGMA user_version = 1;");
  }
  CHECK_THROWS_AS(migrate(other, next_version_steps()), Error);
  CHECK(version_of(other) == 1);
  CHECK_FALSE(fs::exists(dir / "other.db.v1.bak"));
}

TEST_CASE("every older schema version opens through TranslationMemory and the command line, with a backup") {
  const auto steps = memory::schema_steps();
  const int current = static_cast<int>(steps.size());
  int tried = 0;
  for (int version = 1; version < current; ++version) {
    CAPTURE(version);
    TempDir dir;
    const fs::path file = dir / "old.db";
    {
      // The file as that version wrote it: its steps, and a unit in the columns of the first one.
      sql::Database db(file.string(), true);
      for (int v = 0; v < version; ++v) db.exec(steps[v]);
      db.exec("INSERT INTO units(id, created_at, changed_at) VALUES (1, '2024-01-01T00:00:00Z', "
              "'2024-01-01T00:00:00Z');");
      db.exec(("PRAGMA user_version = " + std::to_string(version)).c_str());
    }
    CliResult r = run_child({"stats", "--memory", file.string()}, dir / "log");
    CHECK_MESSAGE(r.exit_code == 0, r.err);
    const fs::path backup = dir / ("old.db.v" + std::to_string(version) + ".bak");
    CHECK_MESSAGE(r.err.find(backup.string()) != std::string::npos, r.err);
    CHECK(version_of(backup) == version);
    CHECK(version_of(file) == current);
    CHECK(count(file, "units") == 1);
    CHECK(integrity_check(file) == "ok");
    ++tried;
  }
  MESSAGE("older schema versions opened: " << tried << " (the current version is " << current
                                          << "; the upgrade itself is tested above with one more step)");
}

// A killed import leaves the memory as it was before that file.
#include <doctest/doctest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <filesystem>
#include <thread>

#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::numbered_tmx;
using dilmanc::test::TempDir;
using dilmanc::test::write_file;

namespace {

// Imports `tmx` into the memory `db` in a child process, stops it inside the import's
// transaction after 2,500 units, runs `at_halfway` and kills the child with SIGKILL.
void kill_import_half_way(const std::string& db, const std::filesystem::path& tmx,
                          const std::function<void()>& at_halfway) {
  const auto marker = tmx.parent_path() / "halfway";
  std::filesystem::remove(marker);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      TranslationMemory memory(db);
      ImportOptions options;
      options.after_unit = [&](std::int64_t n) {
        if (n == 2500) {
          write_file(marker, "now");
          for (;;) ::pause();  // wait here, inside the open transaction, for the kill
        }
      };
      import_file(memory, tmx.string(), options);
    } catch (...) {
    }
    ::_exit(3);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(marker) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(std::filesystem::exists(marker));
  at_halfway();
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));
}

// PRAGMA integrity_check through a connection of SQLite's own.
std::string integrity(const std::string& db) {
  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* check = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &check, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(check) == SQLITE_ROW);
  std::string out = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
  sqlite3_finalize(check);
  sqlite3_close(raw);
  return out;
}

}  // namespace

TEST_CASE("an import killed half way leaves the memory intact and without any of that file") {
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  write_file(dir / "before.tmx", numbered_tmx(50, "Before"));
  write_file(dir / "big.tmx", numbered_tmx(5000, "Killed"));
  {
    TranslationMemory memory(db);
    REQUIRE(import_file(memory, (dir / "before.tmx").string()).added == 50);
  }
  kill_import_half_way(db, dir / "big.tmx",
                       [&] { CHECK_FALSE(std::filesystem::exists(db + "-journal")); });  // the log: not empty
  CHECK(integrity(db) == "ok");

  TranslationMemory memory(db);
  CHECK(memory.stats().units == 50);
  CHECK(memory.concordance("Killed", "en", 5).empty());
  CHECK(memory.concordance("Before sentence", "en", 5).size() == 5);
  // The memory still takes the file afterwards.
  CHECK(import_file(memory, (dir / "big.tmx").string()).added == 5000);
}

TEST_CASE("an import killed half way into an empty memory leaves it empty and usable") {
  // The import of an empty memory writes through a rollback journal (memory::BulkWrite):
  // the journal left by the kill takes the file back to empty.
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  write_file(dir / "big.tmx", numbered_tmx(5000, "Killed"));
  { TranslationMemory memory(db); }
  kill_import_half_way(db, dir / "big.tmx",
                       [&] { CHECK(std::filesystem::exists(db + "-journal")); });  // the rollback journal, not the log
  CHECK(integrity(db) == "ok");

  TranslationMemory memory(db);
  CHECK(memory.stats().units == 0);
  CHECK(memory.concordance("Killed", "en", 5).empty());
  CHECK(import_file(memory, (dir / "big.tmx").string()).added == 5000);
  CHECK(memory.concordance("Killed sentence", "en", 5).size() == 5);
}

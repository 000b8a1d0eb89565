// A killed import leaves the memory as it was before that file.
#include <doctest/doctest.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <thread>

#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::TempDir;
using dilmanc::test::write_file;

namespace {

std::string tmx_with(int units, const std::string& prefix) {
  std::string out =
      "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"en\" creationtool=\"t\" "
      "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" datatype=\"plaintext\"/><body>\n";
  for (int i = 0; i < units; ++i)
    out += "<tu><tuv xml:lang=\"en\"><seg>" + prefix + " sentence number " + std::to_string(i) +
           ".</seg></tuv><tuv xml:lang=\"ru\"><seg>" + prefix + " предложение номер " + std::to_string(i) +
           ".</seg></tuv></tu>\n";
  return out + "</body></tmx>\n";
}

}  // namespace

TEST_CASE("an import killed half way leaves the memory intact and without any of that file") {
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  write_file(dir / "before.tmx", tmx_with(50, "Before"));
  write_file(dir / "big.tmx", tmx_with(5000, "Killed"));
  {
    TranslationMemory memory(db);
    REQUIRE(import_file(memory, (dir / "before.tmx").string()).added == 50);
  }
  const auto marker = dir / "halfway";
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
      import_file(memory, (dir / "big.tmx").string(), options);
    } catch (...) {
    }
    ::_exit(3);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(marker) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(std::filesystem::exists(marker));
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));

  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* check = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &check, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(check) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(check, 0))) == "ok");
  sqlite3_finalize(check);
  sqlite3_close(raw);

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
  write_file(dir / "big.tmx", tmx_with(5000, "Killed"));
  { TranslationMemory memory(db); }
  const auto marker = dir / "halfway";
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    try {
      TranslationMemory memory(db);
      ImportOptions options;
      options.after_unit = [&](std::int64_t n) {
        if (n == 2500) {
          write_file(marker, "now");
          for (;;) ::pause();
        }
      };
      import_file(memory, (dir / "big.tmx").string(), options);
    } catch (...) {
    }
    ::_exit(3);
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!std::filesystem::exists(marker) && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(std::filesystem::exists(marker));
  CHECK(std::filesystem::exists(db + "-journal"));  // the rollback journal, not the log
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  CHECK(WIFSIGNALED(status));

  sqlite3* raw = nullptr;
  REQUIRE(sqlite3_open(db.c_str(), &raw) == SQLITE_OK);
  sqlite3_stmt* check = nullptr;
  REQUIRE(sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &check, nullptr) == SQLITE_OK);
  REQUIRE(sqlite3_step(check) == SQLITE_ROW);
  CHECK(std::string(reinterpret_cast<const char*>(sqlite3_column_text(check, 0))) == "ok");
  sqlite3_finalize(check);
  sqlite3_close(raw);

  TranslationMemory memory(db);
  CHECK(memory.stats().units == 0);
  CHECK(memory.concordance("Killed", "en", 5).empty());
  CHECK(import_file(memory, (dir / "big.tmx").string()).added == 5000);
  CHECK(memory.concordance("Killed sentence", "en", 5).size() == 5);
}

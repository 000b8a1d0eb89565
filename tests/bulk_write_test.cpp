// An import into an empty memory writes the file without the write-ahead log (BulkWrite):
// it ends in WAL mode with everything there, falls back to the log when another
// connection has the file open, and a failed import leaves the memory empty, in WAL mode.
#include <doctest/doctest.h>
#include <sqlite3.h>

#include <filesystem>
#include <set>
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

namespace {

TranslationUnit unit_of(std::initializer_list<std::pair<const char*, std::string>> variants) {
  TranslationUnit u;
  u.source_lang = "en";
  for (const auto& [lang, text] : variants) {
    Variant v;
    v.tag = lang;
    v.text.text = text;
    u.variants.push_back(v);
  }
  return u;
}

std::set<std::string> translations(const TranslationMemory& memory, const std::string& en) {
  std::set<std::string> out;
  InlineText source;
  source.text = en;
  for (const auto& u : memory.lookup_exact(source, "en"))
    if (const Variant* ru = u.variant("ru")) out.insert(ru->text.text);
  return out;
}

}  // namespace

TEST_CASE("a batch filling an empty memory holds rows back and finds every duplicate among them") {
  // Its units and variants go to SQLite 64 rows to a statement, so some wait in memory while
  // later units are checked against them. After a unit of three variants and 62 of two, the
  // 63rd unit's row ends a statement of units, its English variant one of variants, and its
  // Russian variant waits when the same source comes again with another translation.
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  TranslationMemory memory(db);
  const int kUnits = 200;
  auto report = [](int i, const char* ru) {
    const std::string n = std::to_string(i);
    return unit_of({{"en", "Report " + n + "."}, {"ru", ru + (" " + n + ".")}});
  };
  {
    memory::BulkWrite bulk(memory);
    REQUIRE(bulk.active());
    TranslationMemory::Batch batch(memory);
    memory.add(unit_of({{"en", "Opening."}, {"ru", "Открытие."}, {"az", "Açılış."}}));
    for (int i = 1; i <= kUnits; ++i) {
      memory.add(report(i, "Доклад"));
      if (i == 63) {
        CHECK(memory.add(report(i, "Отчёт")).outcome == AddResult::Outcome::kAdded);
        CHECK(memory.add(report(i, "Доклад")).outcome == AddResult::Outcome::kUpdated);
      }
    }
    // Older units again: the same unit refreshed; a language it lacked added, once.
    for (int i = 1; i <= kUnits; i += 9) {
      CHECK(memory.add(report(i, "Доклад")).outcome == AddResult::Outcome::kUpdated);
      TranslationUnit with_az = report(i, "Доклад");
      Variant az;
      az.tag = "az";
      az.text.text = "Hesabat " + std::to_string(i) + ".";
      with_az.variants.push_back(az);
      for (int twice = 0; twice < 2; ++twice) CHECK(memory.add(with_az).outcome == AddResult::Outcome::kUpdated);
    }
    // Reads inside the batch see the rows still held back.
    memory.add(unit_of({{"en", "Closing."}, {"ru", "Закрытие."}}));
    CHECK(memory.stats().units == kUnits + 3);
    CHECK(translations(memory, "Closing.") == std::set<std::string>{"Закрытие."});
    CHECK(memory.concordance("closing", "en", 5).size() == 1);
    batch.commit();
  }
  CHECK(memory.stats().units == kUnits + 3);
  for (int i = 1; i <= kUnits; ++i) {
    const std::string n = std::to_string(i);
    std::set<std::string> expected{"Доклад " + n + "."};
    if (i == 63) expected.insert("Отчёт 63.");
    CHECK(translations(memory, "Report " + n + ".") == expected);
  }
  Raw after(db);
  CHECK(after.text("SELECT count(*) FROM variants WHERE lang = 'az'") == std::to_string(1 + (kUnits + 8) / 9));
  CHECK(after.text("SELECT count(*) FROM pragma_foreign_key_check") == "0");
  CHECK(after.text("PRAGMA integrity_check") == "ok");
}

TEST_CASE("a rolled-back batch drops the rows it held back, and the next one numbers from the start") {
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  TranslationMemory memory(db);
  {
    memory::BulkWrite bulk(memory);
    {
      TranslationMemory::Batch batch(memory);
      for (int i = 0; i < 100; ++i) memory.add(unit_of({{"en", "Lost " + std::to_string(i) + "."}, {"ru", "Потеря."}}));
    }
    TranslationMemory::Batch batch(memory);
    for (int i = 0; i < 100; ++i) memory.add(unit_of({{"en", "Kept " + std::to_string(i) + "."}, {"ru", "Есть."}}));
    batch.commit();
  }
  CHECK(memory.stats().units == 100);
  CHECK(translations(memory, "Lost 5.").empty());
  CHECK(translations(memory, "Kept 99.") == std::set<std::string>{"Есть."});
  Raw after(db);
  CHECK(after.text("SELECT min(id) || '-' || max(id) FROM units") == "1-100");
  CHECK(after.text("PRAGMA integrity_check") == "ok");
}

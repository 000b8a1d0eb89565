// The exact-lookup rows (memory/variant_hashes.h): held back in memory by a batch that fills
// an empty memory, found there and written in key order before its commit; written one by one
// otherwise; filled by the upgrade from schema version 3, after which a writer of that version
// fails; removed with their variants.
#include "memory/variant_hashes.h"

#include <doctest/doctest.h>
#include <sqlite3.h>

#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "dilmanc/translation_memory.h"
#include "memory/sqlite.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::TempDir;

namespace {

std::int64_t count(sql::Database& db, const char* sql) {
  sql::Statement s(db, sql);
  REQUIRE(s.step());
  return s.int64(0);
}

std::int64_t count(const std::string& path, const char* sql) {
  sql::Database db(path, false);
  return count(db, sql);
}

TranslationUnit en_ru(const std::string& en, const std::string& ru) {
  TranslationUnit u;
  u.source_lang = "en";
  u.variants.resize(2);
  u.variants[0].tag = "en";
  u.variants[0].text.text = en;
  u.variants[1].tag = "ru";
  u.variants[1].text.text = ru;
  return u;
}

std::size_t exact(TranslationMemory& memory, const std::string& text, const char* lang) {
  return memory.lookup_exact(InlineText{text, {}}, lang).size();
}

// Every variant has its row and every row its variant.
void check_rows_match(const std::string& path) {
  sql::Database db(path, false);
  CHECK(count(db, "SELECT count(*) FROM variant_hashes") == count(db, "SELECT count(*) FROM variants"));
  CHECK(count(db, "SELECT count(*) FROM variants v WHERE NOT EXISTS (SELECT 1 FROM variant_hashes h"
                  " WHERE h.lang = v.lang AND h.hash = v.segment_hash AND h.variant_id = v.id)") == 0);
}

}  // namespace

TEST_CASE("held-back rows are found by language and hash in the order added, and all written") {
  TempDir dir;
  sql::Database db((dir / "h.db").string(), true);
  db.exec("CREATE TABLE variant_hashes(lang TEXT NOT NULL, hash INTEGER NOT NULL, variant_id INTEGER NOT NULL,"
          " PRIMARY KEY(lang, hash, variant_id)) WITHOUT ROWID;");
  memory::PendingHashes pending;
  CHECK_FALSE(pending.add("en", 1, 1));  // not holding back
  pending.start();
  // Enough rows to grow the slot table several times; negative hashes; hashes equal in
  // their low bits; each (language, hash) under ten ids.
  const char* langs[] = {"en", "ru", "az"};
  const int keys = 3000, per_key = 10;
  auto hash_of = [](int k) { return (static_cast<std::int64_t>(k % 1000) - 500) << 32; };
  std::set<std::tuple<std::string, std::int64_t, std::int64_t>> expected;
  std::int64_t id = 0;
  for (int round = 0; round < per_key; ++round)
    for (int k = 0; k < keys; ++k) {
      ++id;
      REQUIRE(pending.add(langs[k / 1000], hash_of(k), id));
      expected.emplace(langs[k / 1000], hash_of(k), id);
    }
  CHECK(pending.size() == expected.size());
  std::vector<std::int64_t> ids;
  pending.find("ru", hash_of(1007), ids);
  std::vector<std::int64_t> want;
  for (int round = 0; round < per_key; ++round) want.push_back(std::int64_t{round} * keys + 1007 + 1);
  CHECK(ids == want);
  ids.clear();
  pending.find("de", hash_of(1007), ids);  // a language never added
  pending.find("ru", 12345, ids);          // a hash never added
  CHECK(ids.empty());

  // Sorting starts beside other work; no rows are taken after it.
  pending.sort_in_background();
  CHECK(pending.active());
  CHECK_FALSE(pending.findable());
  CHECK_FALSE(pending.add("en", 1, id + 1));
  // A write that fails part way (here a row already there, the last in key order) writes
  // none, and can be tried again.
  db.exec(("INSERT INTO variant_hashes VALUES ('ru', " + std::to_string(hash_of(1999)) + ", " +
           std::to_string(std::int64_t{per_key - 1} * keys + 1999 + 1) + ")").c_str());
  CHECK_THROWS(pending.write(db));
  CHECK(count(db, "SELECT count(*) FROM variant_hashes") == 1);
  CHECK(pending.active());
  CHECK_FALSE(pending.findable());
  db.exec("DELETE FROM variant_hashes");
  pending.write(db);
  CHECK_FALSE(pending.active());
  CHECK(pending.size() == 0);
  CHECK_FALSE(pending.add("en", 1, id + 1));  // rows are written one by one again
  std::set<std::tuple<std::string, std::int64_t, std::int64_t>> written;
  sql::Statement rows(db, "SELECT lang, hash, variant_id FROM variant_hashes");
  while (rows.step()) written.emplace(rows.text(0), rows.int64(1), rows.int64(2));
  CHECK(written == expected);
}

TEST_CASE("a rolled-back batch into an empty memory leaves no rows, and later writes add theirs one by one") {
  TempDir dir;
  const std::string path = (dir / "m.db").string();
  TranslationMemory memory(path);
  {
    TranslationMemory::Batch batch(memory);
    memory.add(en_ru("The minister arrived.", "Министр прибыл."));
    CHECK(exact(memory, "The minister arrived.", "en") == 1);  // inside the batch, from its rows
  }
  CHECK(count(path, "SELECT count(*) FROM variant_hashes") == 0);
  CHECK(count(path, "SELECT count(*) FROM variants") == 0);
  {
    TranslationMemory::Batch batch(memory);
    CHECK(memory.add(en_ru("The minister arrived.", "Министр прибыл.")).outcome == AddResult::Outcome::kAdded);
    CHECK(memory.add(en_ru("The minister arrived.", "Министр прибыл.")).outcome == AddResult::Outcome::kUpdated);
    CHECK(memory.add(en_ru("The minister arrived.", "Министр приехал.")).outcome == AddResult::Outcome::kAdded);
    CHECK(memory.stats().variants_per_language.at("ru") == 2);  // counts the rows held back
    CHECK(memory.add(en_ru("The minister arrived.", "Министр прибыл.")).outcome == AddResult::Outcome::kUpdated);
    batch.commit();
  }
  check_rows_match(path);
  CHECK(count(path, "SELECT count(*) FROM variant_hashes") == 4);
  CHECK(memory.add(en_ru("The talks ended.", "Переговоры завершились.")).outcome == AddResult::Outcome::kAdded);
  CHECK(memory.add(en_ru("The minister arrived.", "Министр прибыл.")).outcome == AddResult::Outcome::kUpdated);
  check_rows_match(path);
  CHECK(exact(memory, "The talks ended.", "en") == 1);
  CHECK(exact(memory, "The minister arrived.", "en") == 2);  // the unit and its alternative
  CHECK(exact(memory, "Министр приехал.", "ru-RU") == 1);
}

TEST_CASE("a memory of schema version 3 gets its exact-lookup rows, and a writer of version 3 then fails") {
  TempDir dir;
  const std::string path = (dir / "old.db").string();
  {
    TranslationMemory memory(path);
    memory.add(en_ru("The minister arrived.", "Министр прибыл."));
    memory.add(en_ru("The talks ended.", "Переговоры завершились."));
  }
  dilmanc::test::downgrade_to_version_3(path);
  // A program of version 3 with the memory open: once the memory is upgraded, its next
  // insert must fail, not add a variant exact lookup would not find.
  sql::Database old_program(path, false);
  sql::Statement old_insert(old_program, "INSERT INTO variants(unit_id, lang, tag, text, normalized, hash)"
                                         " VALUES (1, 'de', 'de', 'Der Minister kam.', 'der minister kam.', 5)");
  {
    TranslationMemory memory(path);
    CHECK(exact(memory, "The minister arrived.", "en") == 1);
    CHECK(exact(memory, "Переговоры завершились.", "ru") == 1);
    CHECK(exact(memory, "The talks began.", "en") == 0);
  }
  CHECK_THROWS(old_insert.run());
  CHECK(count(path, "PRAGMA user_version") == 4);
  CHECK(count(path, "SELECT count(*) FROM variant_hashes") == 4);
  check_rows_match(path);
  CHECK(count((dir / "old.db.v3.bak").string(), "PRAGMA user_version") == 3);
}

TEST_CASE("a unit deleted by other means takes its exact-lookup rows with it") {
  TempDir dir;
  const std::string path = (dir / "m.db").string();
  TranslationMemory memory(path);
  const auto gone = memory.add(en_ru("The minister arrived.", "Министр прибыл.")).unit_id;
  memory.add(en_ru("The talks ended.", "Переговоры завершились."));
  {
    sql::Database other(path, false);
    other.exec("PRAGMA foreign_keys = ON;");
    other.exec(("DELETE FROM units WHERE id = " + std::to_string(gone)).c_str());
  }
  check_rows_match(path);
  CHECK(count(path, "SELECT count(*) FROM variant_hashes") == 2);
  CHECK(exact(memory, "The minister arrived.", "en") == 0);
  CHECK(exact(memory, "The talks ended.", "en") == 1);
}

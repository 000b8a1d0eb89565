#include <doctest/doctest.h>

#include "dilmanc/translation_memory.h"
#include "memory/memory_internal.h"
#include "memory/sqlite.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::TempDir;

namespace {

void add(TranslationMemory& m, const std::string& az, const std::string& en, const std::string& ru) {
  TranslationUnit u;
  for (auto [tag, text] : {std::pair{"az", az}, {"en", en}, {"ru", ru}}) {
    if (text.empty()) continue;
    Variant v;
    v.tag = tag;
    v.text.text = text;
    u.variants.push_back(v);
  }
  m.add(u);
}

std::vector<std::string> found(TranslationMemory& m, const std::string& query, const std::string& lang,
                               std::size_t limit = 10) {
  std::vector<std::string> out;
  for (const auto& hit : m.concordance(query, lang, limit)) out.push_back(hit.unit.variant(lang)->text.text);
  return out;
}

struct Fixture {
  TempDir dir;
  TranslationMemory memory{(dir / "m.db").string()};
  Fixture() {
    add(memory, "Nazir istanbulda çıxış etdi.", "The minister spoke in Istanbul.", "Министр выступил в Стамбуле.");
    add(memory, "Heyət ısparta şəhərinə getdi.", "The delegation went to Isparta.", "Делегация отправилась в Испарту.");
    add(memory, "Kafedə görüş keçirildi.", "A meeting was held at the café.", "Встреча прошла в кафе.");
    add(memory, "Ёлка", "Tree and a house", "Новогодняя ёлка у дома.");
    add(memory, "BMT bəyanat verdi.", "The UN issued a statement.", "ООН выступила с заявлением.");
  }
};

}  // namespace

TEST_CASE("concordance: Turkic case folding for az") {
  Fixture f;
  CHECK(found(f.memory, "İSTANBUL", "az") == std::vector<std::string>{"Nazir istanbulda çıxış etdi."});
  CHECK(found(f.memory, "ISPARTA", "az") == std::vector<std::string>{"Heyət ısparta şəhərinə getdi."});
  CHECK(found(f.memory, "ISTANBUL", "az").empty());  // I is ı in Azerbaijani
  CHECK(found(f.memory, "ISTANBUL", "en") == std::vector<std::string>{"The minister spoke in Istanbul."});
}

TEST_CASE("concordance: case- and accent-insensitive, ё as е, whitespace collapsed") {
  Fixture f;
  CHECK(found(f.memory, "CAFE", "en") == std::vector<std::string>{"A meeting was held at the café."});
  CHECK(found(f.memory, "новогодняя елка", "ru") == std::vector<std::string>{"Новогодняя ёлка у дома."});
  CHECK(found(f.memory, "minister   SPOKE", "en").size() == 1);
  CHECK(found(f.memory, "spoke in Paris", "en").empty());  // every trigram must be there, in order
  CHECK(found(f.memory, "", "en").empty());
  CHECK(found(f.memory, "istanbul", "fr").empty());
}

TEST_CASE("concordance: queries of one or two characters use word starts") {
  Fixture f;
  CHECK(found(f.memory, "UN", "en") == std::vector<std::string>{"The UN issued a statement."});
  CHECK(found(f.memory, "a", "en").size() == 3);  // "A meeting", "a house", "a statement"
  CHECK(found(f.memory, "в", "ru").size() == 3);
  CHECK(found(f.memory, "Ёл", "az") == std::vector<std::string>{"Ёлка"});
}

TEST_CASE("concordance: newest first, limited, with the other variants and match ranges") {
  Fixture f;
  add(f.memory, "", "The minister spoke again.", "Министр снова выступил.");
  auto hits = f.memory.concordance("minister spoke", "en", 1);
  REQUIRE(hits.size() == 1);
  CHECK(hits[0].unit.variant("en")->text.text == "The minister spoke again.");
  CHECK(hits[0].unit.variant("ru"));
  REQUIRE(hits[0].matches.size() == 1);
  CHECK(hits[0].matches[0] == std::pair<std::size_t, std::size_t>{4, 18});
  auto two = f.memory.concordance("minister spoke", "en", 10);
  CHECK(two.size() == 2);
}

TEST_CASE("concordance: match ranges point into the original text") {
  std::string text = "Nazir İSTANBULda, İstanbul";
  auto m = memory::find_matches(text, "istanbul", "az");
  REQUIRE(m.size() == 2);
  CHECK(text.substr(m[0].first, m[0].second - m[0].first) == "İSTANBUL");
  CHECK(text.substr(m[1].first, m[1].second - m[1].first) == "İstanbul");
  std::string with_code = std::string("a ") + std::string(kOpeningMarker) + "café" + std::string(kClosingMarker);
  auto c = memory::find_matches(with_code, "cafe", "en");
  REQUIRE(c.size() == 1);
  CHECK(with_code.substr(c[0].first, c[0].second - c[0].first) == "café");
}

TEST_CASE("concordance: a key's trigrams include the boundaries, packed by code point") {
  auto t = memory::key_trigrams("ab");
  // \x1f a b, a b \x1f
  const std::uint64_t a = 'a', b = 'b', bound = 0x1f;
  CHECK(t == std::vector<std::uint64_t>{(bound << 42) | (a << 21) | b, (a << 42) | (b << 21) | bound});
  CHECK(memory::key_trigrams("").empty());
  CHECK(memory::key_trigrams("ёё").size() == 2);
  CHECK(memory::key_trigrams("aaaa").size() == 3);  // \x1faa, aaa, aa\x1f
}

TEST_CASE("concordance: memories grown one unit at a time keep few segments, and find everything") {
  TempDir dir;
  const std::string path = (dir / "m.db").string();
  {
    TranslationMemory memory(path);
    for (int i = 0; i < 300; ++i)
      add(memory, "", "Sentence number " + std::to_string(i) + " of the report.", "Предложение " + std::to_string(i));
    CHECK(found(memory, "number 17 of", "en") == std::vector<std::string>{"Sentence number 17 of the report."});
    CHECK(found(memory, "REPORT", "en", 1000).size() == 300);
    CHECK(found(memory, "report", "en", 3).front() == "Sentence number 299 of the report.");
  }
  sql::Database db(path, false);
  sql::Statement s(db, "SELECT count(*) FROM concordance_segments WHERE lang = 'en'");
  REQUIRE(s.step());
  CHECK(s.int64(0) <= 9);  // a binary counter: one segment per set bit of 300
}

TEST_CASE("concordance: a batch sees its own pending units, a rolled-back batch leaves nothing") {
  Fixture f;
  {
    TranslationMemory::Batch batch(f.memory);
    add(f.memory, "", "Pending minister statement.", "");
    CHECK(found(f.memory, "pending minister", "en").size() == 1);
  }
  CHECK(found(f.memory, "pending minister", "en").empty());
  CHECK(found(f.memory, "minister", "en").size() == 1);
}

TEST_CASE("concordance: a memory of schema version 1 gets the new index and loses its FTS5 tables") {
  TempDir dir;
  const std::string path = (dir / "old.db").string();
  { TranslationMemory fresh(path); }
  {
    // Back to version 1: no index tables of its own, an FTS5 table instead.
    sql::Database db(path, false);
    db.exec("DROP TABLE concordance_segments; DROP TABLE concordance_postings; DROP TABLE header_annotations;"
            "DELETE FROM meta WHERE key = 'concordance_through'; PRAGMA user_version = 1;"
            "INSERT INTO units(id, created_at, changed_at) VALUES (1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');"
            "INSERT INTO variants(unit_id, lang, tag, text, normalized, hash) VALUES"
            " (1, 'en', 'en', 'The Minister spoke.', 'the minister spoke.', 1),"
            " (1, 'az', 'az', 'Nazir danışdı.', 'nazir danışdı.', 2);"
            "CREATE VIRTUAL TABLE search_en USING fts5(key, content='', detail='none', columnsize=0,"
            " tokenize='trigram case_sensitive 1');");
  }
  {
    TranslationMemory memory(path);
    CHECK(found(memory, "MINISTER", "en") == std::vector<std::string>{"The Minister spoke."});
    CHECK(found(memory, "nazir", "az") == std::vector<std::string>{"Nazir danışdı."});
  }
  sql::Database db(path, false);
  sql::Statement s(db, "SELECT count(*) FROM sqlite_schema WHERE name GLOB 'search_*'");
  REQUIRE(s.step());
  CHECK(s.int64(0) == 0);
}

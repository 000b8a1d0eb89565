#include <doctest/doctest.h>

#include <algorithm>
#include <optional>
#include <set>

#include "dilmanc/error.h"
#include "dilmanc/text.h"
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
  dilmanc::test::downgrade_to_version_3(path);
  {
    // Back to version 1: no index tables of its own, an FTS5 table instead.
    sql::Database db(path, false);
    db.exec("DROP TABLE concordance_segments; DROP TABLE concordance_terms; DROP TABLE header_annotations;"
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

TEST_CASE("concordance: a key's bridge terms are the five code points around each space") {
  const std::string bound = "\x1f";
  auto terms = memory::key_terms("ab cd");
  auto trigrams = memory::key_trigrams("ab cd");
  CHECK(terms.size() == trigrams.size() + 1);
  CHECK(std::find(terms.begin(), terms.end(), memory::bridge_term("ab cd")) != terms.end());
  // At the ends the boundary stands in for the missing code points.
  terms = memory::key_terms("a bc d");
  CHECK(std::find(terms.begin(), terms.end(), memory::bridge_term(bound + "a bc")) != terms.end());
  CHECK(std::find(terms.begin(), terms.end(), memory::bridge_term("bc d" + bound)) != terms.end());
  CHECK(terms.size() == memory::key_trigrams("a bc d").size() + 2);
  // Never a packed trigram, whatever the characters: those are not negative; one of 16,384
  // buckets, spread by the hash.
  std::set<std::uint64_t> buckets;
  for (const char* five : {"ab cd", "ёж ты", "\x1f" "a bc", "zz zz", "re to", "of th", "ne of", "ut 'l"}) {
    const auto b = static_cast<std::int64_t>(memory::bridge_term(five));
    CHECK(b < 0);
    CHECK(b >= -16384);
    buckets.insert(static_cast<std::uint64_t>(b));
  }
  CHECK(buckets.size() == 8);
  CHECK(memory::bridge_term("abcd") == 0);
  CHECK(memory::key_terms("abc") == memory::key_trigrams("abc"));
}

namespace {

// Sets the postings at which a batch cuts a concordance segment, for one test.
struct FlushLimit {
  explicit FlushLimit(std::size_t postings) { memory::set_concordance_flush_limit(postings); }
  ~FlushLimit() { memory::set_concordance_flush_limit(memory::kConcordanceFlushLimit); }
};

std::int64_t segments(const std::string& path, const char* lang) {
  sql::Database db(path, false);
  sql::Statement s(db, "SELECT count(*) FROM concordance_segments WHERE lang = ?1");
  s.bind(1, lang);
  REQUIRE(s.step());
  return s.int64(0);
}

// The distinct sentences whose search key holds the query's, against what the index finds.
// `flush_limit`: cut segments this small in the middle of the batch.
void check_phrases_against_scan(bool one_batch, std::size_t flush_limit = 0) {
  CAPTURE(one_batch);
  CAPTURE(flush_limit);
  std::optional<FlushLimit> limit;
  if (flush_limit > 0) limit.emplace(flush_limit);
  TempDir dir;
  const std::string path = (dir / "m.db").string();
  TranslationMemory memory(path);
  const std::vector<std::string> words = {"to", "are", "require", "the", "task", "at", "ore", "re"};
  std::vector<std::string> sentences;
  std::uint32_t seed = 12345;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7FFF; };
  {
    std::optional<TranslationMemory::Batch> batch;
    if (one_batch) batch.emplace(memory);
    for (int i = 0; i < 600; ++i) {
      std::string s;
      const int n = 2 + static_cast<int>(next() % 6);
      for (int k = 0; k < n; ++k) s += (k ? " " : "") + words[next() % words.size()];
      if (i % 3 == 0) s[0] = static_cast<char>(s[0] - 'a' + 'A');
      if (i % 20 == 0) s += " rare" + std::to_string(i) + " to";  // bridges in one variant alone
      sentences.push_back(s);
      add(memory, "", s, "");
      if (batch && i == 300) {
        // Inside the batch, segments half written included.
        const std::string key = search_key("require to", "en");
        std::set<std::string> expected;
        for (const auto& e : sentences)
          if (search_key(e, "en").find(key) != std::string::npos) expected.insert(e);
        const auto hits = found(memory, "require to", "en", 10000);
        CHECK(std::set<std::string>(hits.begin(), hits.end()) == expected);
        CHECK_FALSE(expected.empty());
      }
    }
    if (batch) batch->commit();
  }
  if (flush_limit > 0) CHECK(segments(path, "en") >= 4);
  int answered = 0;
  for (const std::string query : {"require to", "re to", "e t", "are the", "to the task", "at re", "ore re at",
                                   "the task at", "re re", "e ta", "TO ARE", "k a", "ask at", "to to to",
                                   "rare40 to", "e40 to", "0 to", "re20 t"}) {
    CAPTURE(query);
    const std::string key = search_key(query, "en");
    std::set<std::string> expected;  // identical sentences are one unit
    for (const auto& s : sentences)
      if (search_key(s, "en").find(key) != std::string::npos) expected.insert(s);
    const auto hits = found(memory, query, "en", 10000);
    CHECK(std::set<std::string>(hits.begin(), hits.end()) == expected);
    CHECK(hits.size() == expected.size());
    answered += expected.empty() ? 0 : 1;
  }
  CHECK(answered >= 10);  // the phrases are there to be found
}

}  // namespace

TEST_CASE("concordance: phrases of common words find exactly what a scan of the memory finds") {
  // Sentences of a few short words in every order, so that a phrase's trigrams and even its
  // words are in far more variants than the phrase itself: the index must narrow to the
  // variants holding the words side by side, and lose none of them. Once written as one
  // segment (a bulk import), once a unit at a time (small segments, merged).
  check_phrases_against_scan(true);
  check_phrases_against_scan(false);
}

TEST_CASE("concordance: a long batch writes its segments while it goes on, and finds everything") {
  // A bulk import cuts a segment when its pending postings grow large, and writes it a few
  // rows per unit while the next one is gathered.
  check_phrases_against_scan(true, 1500);
}

TEST_CASE("concordance: a batch rolled back while a segment is half written leaves nothing of it") {
  FlushLimit limit(800);
  Fixture f;
  const std::string path = (f.dir / "m.db").string();
  auto rows = [&] {
    sql::Database db(path, false);
    sql::Statement s(db, "SELECT count(*) FROM concordance_terms");
    REQUIRE(s.step());
    return s.int64(0);
  };
  const std::int64_t before = rows();
  for (int round = 0; round < 2; ++round) {
    TranslationMemory::Batch batch(f.memory);
    for (int i = 0; i < 200; ++i)
      add(f.memory, "", "Briefing number " + std::to_string(i) + " on the harvest.",
          "Брифинг номер " + std::to_string(i) + " о сборе урожая.");
    if (round == 1) batch.commit();
  }
  // The rolled-back round left nothing; the committed one, written on a new connection
  // after the rollback, everything.
  CHECK(found(f.memory, "harvest", "en", 1000).size() == 200);
  CHECK(found(f.memory, "сборе урожая", "ru", 1000).size() == 200);
  CHECK(found(f.memory, "number 199 on", "en") == std::vector<std::string>{"Briefing number 199 on the harvest."});
  CHECK(rows() > before);
  CHECK(segments(path, "en") >= 2);
}

TEST_CASE("concordance: a memory of schema version 2 gets its index rebuilt with bridge terms") {
  TempDir dir;
  const std::string path = (dir / "old.db").string();
  {
    TranslationMemory fresh(path);
    add(fresh, "", "They require to be told.", "");
    add(fresh, "", "Are they told to require it?", "");
  }
  dilmanc::test::downgrade_to_version_3(path);
  {
    // Back to version 2: an index of trigrams alone, in the table of that version.
    sql::Database db(path, false);
    db.exec("ALTER TABLE concordance_terms RENAME TO concordance_postings;"
            "ALTER TABLE concordance_postings RENAME COLUMN term TO trigram;"
            "DROP INDEX concordance_by_term;"
            "CREATE UNIQUE INDEX concordance_by_trigram ON concordance_postings(lang, segment, trigram);"
            "DELETE FROM concordance_postings WHERE trigram < 0; PRAGMA user_version = 2;");
  }
  // A program of version 2 with the memory open: its next write of the index must fail
  // once the memory is upgraded, not add lists without bridge terms.
  sql::Database old_program(path, false);
  sql::Statement old_insert(old_program, "INSERT INTO concordance_postings(lang, segment, trigram, ids) VALUES ('en', 1, 1, x'01')");
  {
    TranslationMemory memory(path);
    CHECK(found(memory, "require to", "en") == std::vector<std::string>{"They require to be told."});
  }
  CHECK_THROWS(old_insert.run());
  sql::Database db(path, false);
  sql::Statement s(db, "SELECT count(*) FROM concordance_terms WHERE term < 0");
  REQUIRE(s.step());
  CHECK(s.int64(0) > 0);
}

TEST_CASE("concordance: a segment write that fails half-way writes none of its rows, and is made again in full") {
  TempDir dir;
  const std::string path = (dir / "m.db").string();
  { TranslationMemory memory(path); }  // the schema
  sql::Database db(path, false);
  auto count = [&](const char* sql) {
    sql::Statement s(db, sql);
    REQUIRE(s.step());
    return s.int64(0);
  };
  std::vector<std::string> texts;
  memory::ConcordanceWriter writer;
  for (int i = 1; i <= 300; ++i) {
    texts.push_back("statement " + std::to_string(i) + " of the press office");
    writer.add("en", i, search_key(texts.back(), "en"));
  }
  db.exec("BEGIN");
  // The 100th row fails, as a full disk would make it.
  db.exec("CREATE TEMP TRIGGER fail_rows BEFORE INSERT ON concordance_terms"
          " WHEN (SELECT count(*) FROM concordance_terms) >= 100 BEGIN SELECT RAISE(ABORT, 'disk full'); END");
  CHECK_THROWS_AS(writer.flush(db, 0), Error);
  CHECK(count("SELECT count(*) FROM concordance_terms") == 0);
  CHECK(count("SELECT count(*) FROM concordance_segments") == 0);
  CHECK_FALSE(writer.empty());
  db.exec("DROP TRIGGER fail_rows");
  writer.flush(db, 0);  // tried again: every row, once
  CHECK(writer.empty());
  db.exec("COMMIT");
  CHECK(count("SELECT count(*) FROM concordance_segments") == 1);
  CHECK(count("SELECT value FROM meta WHERE key = 'concordance_through'") == 300);

  // The same rows as a write that never failed.
  const std::string clean_path = (dir / "clean.db").string();
  { TranslationMemory memory(clean_path); }
  sql::Database clean(clean_path, false);
  memory::ConcordanceWriter clean_writer;
  for (std::size_t i = 0; i < texts.size(); ++i)
    clean_writer.add("en", static_cast<std::int64_t>(i + 1), search_key(texts[i], "en"));
  clean.exec("BEGIN");
  clean_writer.flush(clean, 0);
  clean.exec("COMMIT");
  auto rows = [](sql::Database& d) {
    std::vector<std::string> out;
    sql::Statement s(d, "SELECT lang || ' ' || segment || ' ' || term || ' ' || hex(ids) FROM concordance_terms"
                        " ORDER BY lang, segment, term");
    while (s.step()) out.push_back(s.text(0));
    return out;
  };
  const auto written = rows(db);
  CHECK(written.size() > 300);
  CHECK(written == rows(clean));
}

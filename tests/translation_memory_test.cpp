#include "dilmanc/translation_memory.h"

#include <doctest/doctest.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <iterator>

#include "dilmanc/error.h"
#include "dilmanc/text.h"
#include "dilmanc/tmx.h"
#include "memory/code_format.h"
#include "memory/memory_internal.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::TempDir;

namespace {

Variant variant(const std::string& tag, const std::string& text) {
  Variant v;
  v.tag = tag;
  v.text.text = text;
  return v;
}

TranslationUnit unit(std::vector<Variant> variants, const std::string& source = "en") {
  TranslationUnit u;
  u.source_lang = source;
  u.variants = std::move(variants);
  return u;
}

std::int64_t query_int(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
  std::int64_t value = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

std::string query_text(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  REQUIRE(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK);
  std::string value;
  if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0))
    value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return value;
}

}  // namespace

TEST_CASE("a new memory has the current schema, WAL and its tables") {
  TempDir dir;
  const std::string path = (dir / "m.db").string();
  { TranslationMemory memory(path); }
  CHECK(query_int(path, "PRAGMA user_version") == 4);
  CHECK(query_text(path, "PRAGMA journal_mode") == "wal");
  CHECK(query_int(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('concordance_segments',"
                        " 'concordance_terms', 'header_annotations', 'variant_hashes')") == 4);
  CHECK(query_int(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('units', 'variants', 'annotations', 'meta')") == 4);
  // Opening again leaves it as it is.
  TranslationMemory again(path);
  CHECK(again.stats().units == 0);
}

TEST_CASE("a file that is not a memory, or from a newer dilmanc, is refused") {
  TempDir dir;
  const std::string other = (dir / "other.db").string();
  CHECK(query_int(other, "CREATE TABLE t(x)") == -1);
  CHECK_THROWS_AS(TranslationMemory{other}, Error);
  try {
    TranslationMemory m(other);
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().file == other);
  }

  const std::string newer = (dir / "newer.db").string();
  { TranslationMemory memory(newer); }
  CHECK(query_int(newer, "PRAGMA user_version = 99") == -1);
  CHECK_THROWS_AS(TranslationMemory{newer}, Error);

  const std::string text = (dir / "text.db").string();
  test::write_file(text, "this is not SQLite at all, just some text long enough to be a header...............");
  CHECK_THROWS_AS(TranslationMemory{text}, Error);

  MemoryOptions no_create;
  no_create.create_if_missing = false;
  CHECK_THROWS_AS(TranslationMemory((dir / "missing.db").string(), no_create), Error);
}

TEST_CASE("one unit holds all languages, tags match by primary language, full tag kept") {
  TempDir dir;
  TranslationMemory memory((dir / "m.db").string());
  auto r = memory.add(unit({variant("en-US", "Leaders meet in Baku."), variant("ru_RU", "Лидеры встречаются в Баку."),
                            variant("az-Latn-AZ", "Liderlər Bakıda görüşür.")}));
  CHECK(r.outcome == AddResult::Outcome::kAdded);
  auto u = memory.unit(r.unit_id);
  REQUIRE(u);
  REQUIRE(u->variants.size() == 3);
  REQUIRE(u->variant("az"));
  CHECK(u->variant("az")->tag == "az-Latn-AZ");
  CHECK(u->variant("en-GB")->tag == "en-US");
  CHECK(u->variant("RU")->text.text == "Лидеры встречаются в Баку.");
  auto st = memory.stats();
  CHECK(st.units == 1);
  CHECK(st.variants_per_language["az"] == 1);
  CHECK(st.language_pairs["az-en"] == 1);
  CHECK(st.language_pairs["en-ru"] == 1);
  CHECK(st.file_size > 0);
  CHECK(!st.last_change.empty());
}

TEST_CASE("duplicates: an identical unit refreshes, no second copy") {
  TempDir dir;
  TranslationMemory memory((dir / "m.db").string());
  auto first = unit({variant("en", "Good morning."), variant("ru", "Доброе утро.")});
  first.created_at = first.changed_at = "2024-01-01T00:00:00Z";
  first.usage_count = 2;
  auto a = memory.add(first);
  auto again = first;
  again.changed_at = "2025-03-01T10:00:00Z";
  again.changed_by = "editor";
  again.usage_count = 1;
  auto b = memory.add(again);
  CHECK(b.outcome == AddResult::Outcome::kUpdated);
  CHECK(b.unit_id == a.unit_id);
  CHECK(memory.stats().units == 1);
  auto u = memory.unit(a.unit_id);
  CHECK(u->changed_at == "2025-03-01T10:00:00Z");
  CHECK(u->changed_by == "editor");
  CHECK(u->created_at == "2024-01-01T00:00:00Z");
  CHECK(u->usage_count == 2);  // the larger count: re-importing a file does not inflate it

  memory.record_use(a.unit_id);
  CHECK(memory.unit(a.unit_id)->usage_count == 3);
  CHECK(!memory.unit(a.unit_id)->last_used_at.empty());
}

TEST_CASE("duplicates: a new language merges, a different translation is an alternative, newest first") {
  TempDir dir;
  TranslationMemory memory((dir / "m.db").string());
  auto en_ru = unit({variant("en", "The minister arrived."), variant("ru", "Министр прибыл.")});
  en_ru.changed_at = "2024-01-01T00:00:00Z";
  auto a = memory.add(en_ru);
  auto en_az = unit({variant("en", "The minister arrived."), variant("az", "Nazir gəldi.")});
  en_az.changed_at = "2024-01-02T00:00:00Z";
  auto b = memory.add(en_az);
  CHECK(b.outcome == AddResult::Outcome::kUpdated);
  CHECK(b.unit_id == a.unit_id);
  CHECK(memory.unit(a.unit_id)->variants.size() == 3);

  auto other = unit({variant("en", "The minister arrived."), variant("ru", "Министр приехал.")});
  other.changed_at = "2024-02-01T00:00:00Z";
  auto c = memory.add(other);
  CHECK(c.outcome == AddResult::Outcome::kAdded);
  CHECK(memory.stats().units == 2);

  InlineText source{"The minister arrived.", {}};
  auto found = memory.lookup_exact(source, "en-GB");
  REQUIRE(found.size() == 2);
  CHECK(found[0].variant("ru")->text.text == "Министр приехал.");  // newest first
  CHECK(found[1].variant("ru")->text.text == "Министр прибыл.");
  CHECK(memory.lookup_exact(InlineText{"The minister arrived", {}}, "en").empty());
}

TEST_CASE("duplicates: a batch into a new memory finds the units it added itself, then the stored ones") {
  TempDir dir;
  TranslationMemory memory((dir / "m.db").string());
  using Outcome = AddResult::Outcome;
  auto en_ru = unit({variant("en", "The minister arrived."), variant("ru", "Министр прибыл.")});
  auto en_az = unit({variant("en", "The minister arrived."), variant("az", "Nazir gəldi.")});
  auto other = unit({variant("en", "The minister arrived."), variant("ru", "Министр приехал.")});
  auto from_ru = unit({variant("ru", "Министр прибыл."), variant("de", "Der Minister ist angekommen.")}, "ru");
  auto any = unit({variant("de", "Der Minister ist angekommen."), variant("fr", "Le ministre est arrivé.")}, "*all*");
  auto in_context = en_ru;
  in_context.context_prev = 7;
  std::int64_t first = 0;
  {
    TranslationMemory::Batch batch(memory);
    const auto a = memory.add(en_ru);
    first = a.unit_id;
    CHECK(a.outcome == Outcome::kAdded);
    CHECK(memory.add(en_ru).outcome == Outcome::kUpdated);
    CHECK(memory.add(en_az).unit_id == first);
    CHECK(memory.add(other).outcome == Outcome::kAdded);
    CHECK(memory.add(in_context).outcome == Outcome::kAdded);
    CHECK(memory.add(from_ru).unit_id == first);  // found by its Russian source
    CHECK(memory.add(any).unit_id == first);      // by its German variant
    batch.commit();
  }
  CHECK(memory.stats().units == 3);
  CHECK(memory.unit(first)->variants.size() == 5);
  // A batch into the memory now that it holds units: the same answers.
  TranslationMemory::Batch batch(memory);
  CHECK(memory.add(en_ru).unit_id == first);
  CHECK(memory.add(other).outcome == Outcome::kUpdated);
  CHECK(memory.add(in_context).outcome == Outcome::kUpdated);
  CHECK(memory.add(unit({variant("en", "New."), variant("ru", "Новое.")})).outcome == Outcome::kAdded);
  batch.commit();
  CHECK(memory.stats().units == 4);
}

TEST_CASE("duplicates: a batch into a new memory decides as unit-by-unit adds do") {
  // A batch into an empty memory holds the exact-lookup rows of its variants back and finds
  // duplicates from memory (memory/variant_hashes.h); an exact lookup in the middle writes
  // them and the rest of the batch goes row by row. Either way the memory must come out the
  // same as the same units added one at a time, each in a transaction of its own.
  std::vector<TranslationUnit> units;
  const char* en[] = {"Yes.", "The minister arrived.", "The meeting ended.", "Thank you."};
  const char* ru[] = {"Да.", "Министр прибыл.", "Министр приехал.", "Встреча закончилась.", "Спасибо."};
  std::uint32_t seed = 7;
  auto next = [&] { return seed = seed * 1103515245u + 12345u, (seed >> 16) & 0x7FFF; };
  for (int i = 0; i < 400; ++i) {
    TranslationUnit u = unit({variant("en", en[next() % 4]), variant(next() % 5 ? "ru" : "ru-RU", ru[next() % 5])},
                             next() % 7 ? "en" : "*all*");
    if (next() % 3 == 0) u.context_prev = static_cast<std::int64_t>(next() % 3);
    if (next() % 9 == 0) u.variants.push_back(variant("az", "Bəli " + std::to_string(next() % 3) + "."));
    u.created_at = u.changed_at = "2024-01-0" + std::to_string(1 + next() % 9) + "T00:00:00Z";
    units.push_back(u);
  }
  TempDir dir;
  const std::string one_by_one = (dir / "a.db").string();
  std::vector<AddResult::Outcome> outcomes_a;
  {
    TranslationMemory a(one_by_one);
    for (const auto& u : units) outcomes_a.push_back(a.add(u).outcome);
  }
  export_tmx(TranslationMemory(one_by_one), (dir / "a.tmx").string());
  const std::string ta = dilmanc::test::read_file(dir / "a.tmx");
  for (const bool lookup_midway : {false, true}) {
    CAPTURE(lookup_midway);
    const std::string batched = (dir / (lookup_midway ? "c.db" : "b.db")).string();
    std::vector<AddResult::Outcome> outcomes_b;
    {
      TranslationMemory memory(batched);
      TranslationMemory::Batch batch(memory);
      for (std::size_t i = 0; i < units.size(); ++i) {
        outcomes_b.push_back(memory.add(units[i]).outcome);
        if (lookup_midway && i == 200) CHECK_FALSE(memory.lookup_exact(InlineText{"Yes.", {}}, "en").empty());
      }
      batch.commit();
    }
    CHECK(outcomes_a == outcomes_b);
    TranslationMemory a(one_by_one), b(batched);
    CHECK(a.stats().units == b.stats().units);
    CHECK(a.stats().units < 400);  // there were duplicates to find
    export_tmx(b, (dir / "b.tmx").string());
    CHECK(ta == dilmanc::test::read_file(dir / "b.tmx"));
    // One exact-lookup row per variant, whichever way it was written.
    CHECK(query_int(batched, "SELECT count(*) FROM variant_hashes") == query_int(batched, "SELECT count(*) FROM variants"));
    CHECK(query_int(batched, "SELECT count(*) FROM variants v WHERE NOT EXISTS (SELECT 1 FROM variant_hashes h"
                             " WHERE h.lang = v.lang AND h.hash = v.segment_hash AND h.variant_id = v.id)") == 0);
  }
}

TEST_CASE("context: the same source in another context is a unit of its own, in-context first") {
  TempDir dir;
  TranslationMemory memory((dir / "m.db").string());
  const auto prev = segment_hash("Title.");
  auto plain = unit({variant("en", "Yes."), variant("ru", "Да.")});
  plain.changed_at = "2024-05-01T00:00:00Z";
  memory.add(plain);
  auto in_context = unit({variant("en", "Yes."), variant("ru", "Да.")});
  in_context.context_prev = prev;
  in_context.changed_at = "2024-01-01T00:00:00Z";
  CHECK(memory.add(in_context).outcome == AddResult::Outcome::kAdded);
  CHECK(memory.add(in_context).outcome == AddResult::Outcome::kUpdated);
  auto found = memory.lookup_exact(InlineText{"Yes.", {}}, "en", prev, std::nullopt);
  REQUIRE(found.size() == 2);
  CHECK(found[0].context_prev == prev);
  CHECK(found[1].context_prev == std::nullopt);
}

TEST_CASE("inline codes, notes, props and metadata come back exactly") {
  TempDir dir;
  TranslationMemory memory((dir / "m.db").string());
  InlineText en;
  append_text(en, "Press ");
  append_code(en, {InlineCode::Kind::kOpening, 1, false, "bold", "<b class=\"x\">"});
  append_text(en, "OK");
  append_code(en, {InlineCode::Kind::kClosing, 1, false, "bold", "</b>"});
  append_code(en, {InlineCode::Kind::kPlaceholder, 2, false, "", "<br/>"});
  append_code(en, {InlineCode::Kind::kOpening, 3, true, "", "{\\i "});
  InlineText ru = en;
  ru.text = "Нажмите " + std::string(kOpeningMarker) + "ОК" + std::string(kClosingMarker) +
            std::string(kPlaceholderMarker) + std::string(kOpeningMarker);
  TranslationUnit u = unit({variant("en", ""), variant("ru", "")});
  u.variants[0].text = en;
  u.variants[1].text = ru;
  u.variants[1].annotations = {{true, "", "en", "checked"}};
  u.variants[1].created_by = "translator";
  u.annotations = {{false, "x-domain", "", "press"}, {true, "", "", "A note: with ':' and 12:3:"}};
  u.tuid = "t-1";
  u.origin_file = "a.tmx";
  u.origin_segment = "7";
  u.context_next = -42;
  u.datatype = "html";
  auto r = memory.add(u);
  auto back = memory.unit(r.unit_id);
  REQUIRE(back);
  CHECK(back->variant("en")->text == en);
  CHECK(back->variant("ru")->text == ru);
  CHECK(back->variant("ru")->annotations == u.variants[1].annotations);
  CHECK(back->variant("ru")->created_by == "translator");
  CHECK(back->annotations == u.annotations);
  CHECK(back->tuid == "t-1");
  CHECK(back->origin_file == "a.tmx");
  CHECK(back->origin_segment == "7");
  CHECK(back->context_next == -42);
  CHECK(back->datatype == "html");
  CHECK(memory::parse_codes(memory::serialize_codes(en.codes)) == en.codes);
  CHECK_THROWS_AS(memory::parse_codes("o1:3:ab"), Error);
}

TEST_CASE("bad units are refused with a usage error") {
  TempDir dir;
  TranslationMemory memory((dir / "m.db").string());
  CHECK_THROWS_AS(memory.add(TranslationUnit{}), Error);
  CHECK_THROWS_AS(memory.add(unit({variant("en", "a"), variant("en-GB", "b")})), Error);
  TranslationUnit bad = unit({variant("en", "x"), variant("ru", "y")});
  bad.variants[0].text.text += std::string(kOpeningMarker);  // a marker without its code
  CHECK_THROWS_AS(memory.add(bad), Error);
  CHECK(memory.stats().units == 0);
}

TEST_CASE("a batch is all or nothing") {
  TempDir dir;
  TranslationMemory memory((dir / "m.db").string());
  {
    TranslationMemory::Batch batch(memory);
    memory.add(unit({variant("en", "One."), variant("ru", "Один.")}));
    memory.add(unit({variant("en", "Two."), variant("ru", "Два.")}));
    CHECK_THROWS_AS(TranslationMemory::Batch{memory}, Error);
  }  // no commit
  CHECK(memory.stats().units == 0);
  {
    TranslationMemory::Batch batch(memory);
    memory.add(unit({variant("en", "One."), variant("ru", "Один.")}));
    batch.commit();
  }
  CHECK(memory.stats().units == 1);
}

TEST_CASE("variants of a language can be iterated with their unit ids") {
  TempDir dir;
  TranslationMemory memory((dir / "m.db").string());
  auto a = memory.add(unit({variant("en", "One."), variant("ru", "Один.")}));
  auto b = memory.add(unit({variant("en", "Two."), variant("az", "İki.")}));
  std::vector<std::int64_t> units;
  memory.for_each_variant("en-US", [&](const VariantRecord& r) {
    units.push_back(r.unit_id);
    CHECK(r.normalized == search_key(r.text.text, "en"));
    return true;
  });
  CHECK(units == std::vector<std::int64_t>{a.unit_id, b.unit_id});
  int seen = 0;
  memory.for_each_unit([&](const TranslationUnit& u) {
    ++seen;
    CHECK(u.variants.size() == 2);
    return true;
  }, {"en", "ru"}, 2);
  CHECK(seen == 1);
}

TEST_CASE("the ASCII shortcut of the search key agrees with search_key") {
  for (const char* s : {"Hello  World", "  MIXED\tCase\r\n text ", "", "a", "UN-GA 78/1 (2023)", "IBM"})
    for (const char* lang : {"en", "ru", "fr"}) CHECK(memory::fast_search_key(s, lang) == search_key(s, lang));
  CHECK(memory::fast_search_key("ISPARTA", "az") == search_key("ISPARTA", "az"));
  CHECK(memory::fast_search_key("Ёлка", "ru") == search_key("Ёлка", "ru"));
}

// Strings of ASCII and basic Cyrillic for the search key's shortcut: every letter of
// U+0400..U+045F alone, in words, upper and lower case, with spaces and punctuation.
std::vector<std::string> cyrillic_samples() {
  std::vector<std::string> out;
  std::string all;
  for (char32_t c = 0x400; c <= 0x45F; ++c) {
    std::string one;
    one += static_cast<char>(0xC0 | (c >> 6));
    one += static_cast<char>(0x80 | (c & 0x3F));
    out.push_back(one);
    out.push_back("\u0438" + one + "x " + one + "\u0439");  // after и, before й
    all += one;
    if (c % 7 == 0) all += ' ';
  }
  out.push_back(all);
  for (const char* s : {"Ёлка «пришёл»", "  ЙОГУРТ  и\tйогурт\n", "Київ, Ґанок, Їжак, Ўзбек", "МВД РФ: 250 000 руб.",
                        "Объявленная ВОЗ пандемия", "ѐѝ ЀЍ Ѓ ѓ Ќ ќ",
                        "«Ёлка» — „ёлка“ – ‘Й’ “й” № 5… 250\u00A0000\u202Fруб.\u2009\u00A0", "\u00A0\u2009«»\u00A0"})
    out.push_back(s);
  return out;
}

TEST_CASE("the Cyrillic shortcut of the search key agrees with search_key") {
  std::vector<std::string> texts = cyrillic_samples();
  if (auto shared = dilmanc::test::shared_dir()) {
    std::ifstream in(*shared / "data/corpus/az-ru.tsv");
    std::string line;
    for (int n = 0; n < 20000 && std::getline(in, line); ++n) {
      const auto tab = line.find('\t');
      if (tab != std::string::npos) texts.push_back(line.substr(tab + 1));
    }
  }
  std::size_t simple = 0;
  for (const auto& text : texts) {
    for (const char* lang : {"ru", "en", "uk", "ru-RU"}) {
      INFO(lang << ": " << text);
      CHECK(memory::fast_search_key(text, lang) == search_key(text, lang));
    }
    std::string key;
    simple += memory::simple_search_key(text, true, key) ? 1 : 0;
  }
  // Most of it takes the shortcut: the comparison is not of the fallback with itself.
  CHECK(simple * 10 > texts.size() * 8);
  std::string key;
  CHECK_FALSE(memory::simple_search_key("caf\u00E9", false, key));
  CHECK_FALSE(memory::simple_search_key("\u0463", true, key));
  CHECK_FALSE(memory::simple_search_key("\u0438\u0306", true, key));
  CHECK_FALSE(memory::simple_search_key("\xD0", true, key));
  CHECK_FALSE(memory::simple_search_key("a\u200Bb", true, key));
  CHECK_FALSE(memory::simple_search_key("\u00C0", true, key));
  CHECK_FALSE(memory::simple_search_key("\xE2\x80", true, key));
}

TEST_CASE("two processes writing at once lose nothing") {
  TempDir dir;
  const std::string path = (dir / "m.db").string();
  { TranslationMemory memory(path); }
  const int kUnits = 150;
  pid_t children[2];
  for (int c = 0; c < 2; ++c) {
    children[c] = ::fork();
    if (children[c] == 0) {
      int code = 0;
      try {
        TranslationMemory memory(path);
        for (int i = 0; i < kUnits; ++i) {
          const std::string n = std::to_string(c) + "-" + std::to_string(i);
          memory.add(unit({variant("en", "Sentence " + n + "."), variant("ru", "Предложение " + n + ".")}));
        }
      } catch (...) {
        code = 1;
      }
      ::_exit(code);
    }
  }
  for (pid_t child : children) {
    int status = 0;
    ::waitpid(child, &status, 0);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  TranslationMemory memory(path);
  CHECK(memory.stats().units == 2 * kUnits);
}

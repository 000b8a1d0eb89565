#include <doctest/doctest.h>

#include "dilmanc/translation_memory.h"
#include "memory/memory_internal.h"
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

TEST_CASE("concordance: the index query covers the key with trigrams") {
  CHECK(memory::trigram_query("abcdefg") == "\"abc\" AND \"def\" AND \"efg\"");
  CHECK(memory::trigram_query("abc") == "\"abc\"");
  CHECK(memory::trigram_query("a\"b") == "\"a\"\"b\"");
  CHECK(memory::trigram_query("ab").find("\" ab\"") != std::string::npos);
}

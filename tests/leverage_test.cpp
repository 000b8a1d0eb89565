// Leverage bands on a small memory: in-context, exact, fuzzy, repetitions inside and
// across articles, no match; word counts; the contexts merge stores; the minimum score,
// exact matches first and one lookup per source and context.
#include <doctest/doctest.h>

#include <string>
#include <utility>
#include <vector>

#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/leverage.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/translation_memory.h"
#include "support.h"

using dilmanc::Document;
using dilmanc::LeverageBand;
using dilmanc::segment_hash;
using dilmanc::TranslationUnit;
using dilmanc::test::TempDir;

namespace {

Document article(const std::string& text, const std::string& name) {
  Document d = dilmanc::parse_document(text, dilmanc::Format::kText, name);
  dilmanc::segment_document(d, dilmanc::Segmenter("en"));
  return d;
}

TranslationUnit unit(const std::string& en, const std::string& az, std::optional<std::int64_t> prev = std::nullopt,
                     std::optional<std::int64_t> next = std::nullopt) {
  TranslationUnit u;
  u.source_lang = "en";
  u.context_prev = prev;
  u.context_next = next;
  dilmanc::Variant s, t;
  s.tag = "en";
  s.text.text = en;
  t.tag = "az";
  t.text.text = az;
  u.variants = {s, t};
  return u;
}

const char* kArticle =
    "Migration news\n"
    "\n"
    "The Forum opened in Geneva on Monday morning with a plenary session. The delegation met the press. "
    "Nothing here resembles anything stored.\n"
    "\n"
    "The delegation met the press. Completely unrelated words about weather and cats.\n";

}  // namespace

TEST_CASE("leverage: bands, repetitions and counts on a small memory") {
  TempDir dir;
  dilmanc::TranslationMemory memory((dir / "tm.db").string());
  const std::int64_t forum = segment_hash("The Forum opened in Geneva on Monday morning with a plenary session.");
  const std::int64_t nothing = segment_hash("Nothing here resembles anything stored.");
  const std::int64_t unrelated = segment_hash("Completely unrelated words about weather and cats.");
  memory.add(unit("Migration news", "Miqrasiya xəbərləri", std::nullopt, forum));
  memory.add(unit("The delegation met the press.", "Nümayəndə heyəti mətbuatla görüşdü."));
  // The same sentence in the context of its second occurrence: 101 there.
  memory.add(unit("The delegation met the press.", "Nümayəndə heyəti mətbuatla görüşdü.", nothing, unrelated));
  memory.add(unit("The Forum opened in Geneva on Tuesday morning with a plenary session.",
                  "Forum çərşənbə axşamı səhər Cenevrədə plenar sessiya ilə açılıb."));

  dilmanc::FuzzyMatcher matcher(memory);
  const Document first = article(kArticle, "first.txt");
  const Document second = article("The delegation met the press\n\nThe delegation met the press.\n", "second.txt");
  const auto result = dilmanc::leverage({&first, &second}, matcher, "en", "az");
  REQUIRE(result.size() == 2);
  const auto& s = result[0].segments;
  REQUIRE(s.size() == 6);

  CHECK(s[0].id == "b1.s1");
  CHECK(s[0].best_score() == 101);
  CHECK(s[0].band == LeverageBand::kInContext);
  CHECK_FALSE(s[0].context.prev.has_value());
  CHECK(s[0].context.next == forum);
  CHECK(s[0].count.words == 2);

  // One word of twelve differs: floor(100 * 11 / 12) = 91.
  CHECK(s[1].id == "b2.s1");
  CHECK(s[1].best_score() == 91);
  CHECK(s[1].band == LeverageBand::kFuzzy85);
  CHECK(dilmanc::plain_text(s[1].matches.front().target) ==
        "Forum çərşənbə axşamı səhər Cenevrədə plenar sessiya ilə açılıb.");
  CHECK(s[1].count.words == 12);

  // Exact but the memory holds it in another context too: both translations are the same, so 100.
  CHECK(s[2].id == "b2.s2");
  CHECK(s[2].best_score() == 100);
  CHECK(s[2].band == LeverageBand::kExact);
  CHECK_FALSE(s[2].is_repetition());

  CHECK(s[3].band == LeverageBand::kNoMatch);
  CHECK(s[3].matches.empty());

  // The second occurrence is in the stored context: in-context wins over repetition,
  // and the first occurrence is still named.
  CHECK(s[4].id == "b3.s1");
  CHECK(s[4].best_score() == 101);
  CHECK(s[4].band == LeverageBand::kInContext);
  CHECK(s[4].match_band == LeverageBand::kInContext);
  REQUIRE(s[4].is_repetition());
  CHECK(*s[4].first_document == 0);
  CHECK(s[4].first_occurrence == "b2.s2");
  CHECK(s[5].band == LeverageBand::kNoMatch);

  // Across articles: a repetition of the first article's sentence; the sentence without
  // its full stop is not the same source (a fuzzy match instead).
  const auto& t = result[1].segments;
  REQUIRE(t.size() == 2);
  CHECK(t[0].best_score() < 100);
  CHECK_FALSE(t[0].is_repetition());
  CHECK(t[1].band == LeverageBand::kRepetition);
  CHECK(t[1].match_band == LeverageBand::kExact);
  CHECK(*t[1].first_document == 0);
  CHECK(t[1].first_occurrence == "b2.s2");
}

TEST_CASE("leverage: repetitions inside one article and the bands of scores") {
  TempDir dir;
  dilmanc::TranslationMemory memory((dir / "tm.db").string());
  dilmanc::FuzzyMatcher matcher(memory);
  const Document d = article("Title\n\nSame words. Same words. Other words. Same words.\n", "a.txt");
  const auto r = dilmanc::leverage(d, matcher, "en", "ru");
  REQUIRE(r.segments.size() == 5);
  CHECK(r.segments[0].band == LeverageBand::kNoMatch);
  CHECK(r.segments[1].band == LeverageBand::kNoMatch);
  CHECK(r.segments[2].band == LeverageBand::kRepetition);
  CHECK(r.segments[2].first_occurrence == "b2.s1");
  CHECK(r.segments[3].band == LeverageBand::kNoMatch);
  CHECK(r.segments[4].band == LeverageBand::kRepetition);
  CHECK(r.segments[4].first_occurrence == "b2.s1");
  CHECK(*r.segments[4].first_document == 0);

  CHECK(dilmanc::band_for_score(101) == LeverageBand::kInContext);
  CHECK(dilmanc::band_for_score(100) == LeverageBand::kExact);
  CHECK(dilmanc::band_for_score(95) == LeverageBand::kFuzzy95);
  CHECK(dilmanc::band_for_score(94) == LeverageBand::kFuzzy85);
  CHECK(dilmanc::band_for_score(85) == LeverageBand::kFuzzy85);
  CHECK(dilmanc::band_for_score(84) == LeverageBand::kFuzzy75);
  CHECK(dilmanc::band_for_score(75) == LeverageBand::kFuzzy75);
  CHECK(dilmanc::band_for_score(74) == LeverageBand::kFuzzy50);
  CHECK(dilmanc::band_for_score(50) == LeverageBand::kFuzzy50);
  CHECK(dilmanc::band_for_score(49) == LeverageBand::kNoMatch);
  for (LeverageBand b : dilmanc::all_leverage_bands())
    CHECK(dilmanc::parse_leverage_band_key(dilmanc::leverage_band_key(b)) == b);
  CHECK_FALSE(dilmanc::parse_leverage_band_key("99").has_value());
}

TEST_CASE("leverage: contexts run across blocks in document order") {
  const Document d = article("One.\n\nTwo. Three.\n", "c.txt");
  const auto c = dilmanc::segment_contexts(d);
  REQUIRE(c.size() == 3);
  CHECK_FALSE(c[0].prev.has_value());
  CHECK(c[0].next == segment_hash("Two."));
  CHECK(c[1].prev == segment_hash("One."));
  CHECK(c[1].next == segment_hash("Three."));
  CHECK(c[2].prev == segment_hash("Two."));
  CHECK_FALSE(c[2].next.has_value());
}

TEST_CASE("leverage: the minimum score, exact matches first, one lookup per source and context") {
  // A memory that knows "Known." verbatim and has a 80% match for everything else.
  std::vector<std::pair<std::string, int>> calls;  // (query, min_score)
  const dilmanc::LeverageLookup lookup = [&](const dilmanc::InlineText& query, std::string_view, std::string_view,
                                             const dilmanc::MatchOptions& o) {
    calls.emplace_back(query.text, o.min_score);
    std::vector<dilmanc::FuzzyMatch> out;
    for (int score : {query.text == "Known." ? 100 : 0, 80})
      if (score >= o.min_score) {
        out.emplace_back();
        out.back().score = score;
      }
    return out;
  };
  // "Same." twice between the same neighbours: looked up once.
  const Document d = article("Known. Same. Other. Known. Same. Other.\n", "m.txt");

  auto r = dilmanc::leverage(d, lookup, "en", "az");
  REQUIRE(r.segments.size() == 6);
  CHECK(calls.size() == 5);
  for (const auto& [query, min] : calls) CHECK(min == dilmanc::kLowestLeverageScore);
  CHECK(r.segments[0].matches.size() == 2);
  CHECK(r.segments[4].band == LeverageBand::kRepetition);
  CHECK(r.segments[4].matches.size() == 1);

  // From --min up, and nothing beside an exact match: "Known." costs one lookup, from 99.
  calls.clear();
  dilmanc::LeverageOptions o;
  o.min_score = 85;
  o.matches_below_exact = false;
  r = dilmanc::leverage(d, lookup, "en", "az", o);
  REQUIRE(r.segments.size() == 6);
  CHECK(r.segments[0].match_band == LeverageBand::kExact);
  CHECK(r.segments[0].matches.size() == 1);
  CHECK(r.segments[1].match_band == LeverageBand::kNoMatch);  // its 80 is below the minimum
  CHECK(calls.at(0) == std::pair<std::string, int>{"Known.", 99});
  CHECK(calls.at(1) == std::pair<std::string, int>{"Same.", 99});
  CHECK(calls.at(2) == std::pair<std::string, int>{"Same.", 85});

  o.min_score = 0;
  CHECK_THROWS_AS(dilmanc::leverage(d, lookup, "en", "az", o), dilmanc::Error);
}

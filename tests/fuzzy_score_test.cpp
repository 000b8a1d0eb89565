#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "dilmanc/fuzzy_matcher.h"
#include "match/token_distance.h"

using dilmanc::DiffPart;
using dilmanc::InlineCode;
using dilmanc::InlineText;
using dilmanc::prepare_for_matching;
using dilmanc::score_match;

namespace {

dilmanc::ScoreBreakdown score(std::string_view q, std::string_view s, std::string_view lang = "en") {
  return score_match(prepare_for_matching(q, lang), prepare_for_matching(s, lang));
}

InlineText bold(std::string_view before, std::string_view inside, std::string_view after, int id = 1,
                std::string name = "b") {
  InlineText t;
  dilmanc::append_text(t, before);
  dilmanc::append_code(t, {InlineCode::Kind::kOpening, id, false, name, "<" + name + ">"});
  dilmanc::append_text(t, inside);
  dilmanc::append_code(t, {InlineCode::Kind::kClosing, id, false, name, "</" + name + ">"});
  dilmanc::append_text(t, after);
  return t;
}

}  // namespace

TEST_CASE("token distance: bit-parallel equals the dynamic programme, bounded or not") {
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::uniform_int_distribution<int> len(0, round % 3 == 0 ? 90 : 20);
    std::uniform_int_distribution<int> sym(1, 1 + round % 8);
    std::vector<std::uint64_t> a(static_cast<std::size_t>(len(rng))), b(static_cast<std::size_t>(len(rng)));
    for (auto& x : a) x = static_cast<std::uint64_t>(sym(rng)) * 0x9E3779B97F4A7C15ULL;
    for (auto& x : b) x = static_cast<std::uint64_t>(sym(rng)) * 0x9E3779B97F4A7C15ULL;
    const int expected = dilmanc::match::token_distance_reference(a, b);
    CHECK(dilmanc::match::token_distance(a, b) == expected);
    const int bound = round % 12;
    const int bounded = dilmanc::match::token_distance(a, b, bound);
    if (expected <= bound)
      CHECK(bounded == expected);
    else
      CHECK(bounded > bound);
  }
}

TEST_CASE("score: the pinned values") {
  const std::string ten = "The ministry published the new migration rules on its website.";
  SUBCASE("identical is 100") { CHECK(score(ten, ten).score == 100); }
  SUBCASE("identical with the same neighbours is 101") {
    auto q = prepare_for_matching(ten, "en");
    CHECK(score_match(q, q, {}, 1, true).score == 101);
    CHECK(score_match(q, q, {}, 1, true).in_context);
    // Context does not lift a fuzzy match.
    CHECK(score_match(q, prepare_for_matching("The ministry published new migration rules on its website.", "en"), {},
                      1, true)
              .score < 100);
  }
  SUBCASE("a case-only difference is 95..99") {
    auto s = score(ten, "The Ministry published the new Migration Rules on its website.");
    CHECK(s.score >= 95);
    CHECK(s.score <= 99);
    CHECK(s.score == 98);
    CHECK(s.case_penalty == 2);
  }
  SUBCASE("one word replaced in a ten-word sentence is 85..95") {
    auto s = score(ten, "The ministry published the new visa rules on its website.");
    CHECK(s.distance == 1);
    CHECK(s.length == 10);
    CHECK(s.score >= 85);
    CHECK(s.score <= 95);
    CHECK(s.score == 90);
  }
  SUBCASE("an unrelated sentence is below 50") {
    auto s = score(ten, "Weather in Baku will be sunny tomorrow, forecasters say.");
    CHECK(s.score < 50);
  }
}

TEST_CASE("score: the examples of docs/matching.md") {
  // Kept in step with the worked examples there.
  CHECK(score("Save the file.", "Save the file").score == 99);
  CHECK(score("Save the file", "Save the file.").punctuation_penalty == 1);
  CHECK(score("Open the file", "Save the file").score == 66);
  CHECK(score("Open the file", "Open the selected file").score == 75);
  CHECK(score("Delete 3 files?", "Delete 25 files?").score == 66);
  CHECK(score("Café menu", "Cafe menu").score == 98);
  CHECK(score("Hello,world", "Hello, world").score == 99);
  CHECK(score("Hello,world", "Hello, world").whitespace_penalty == 1);
  auto q = prepare_for_matching(bold("Press ", "OK", " to continue."), "en");
  auto s = prepare_for_matching(InlineText{"Press OK to continue.", {}}, "en");
  auto b = score_match(q, s);
  CHECK(b.code_penalty == 2);
  CHECK(b.score == 98);
  auto italic = prepare_for_matching(bold("Press ", "OK", " to continue.", 1, "i"), "en");
  CHECK(score_match(q, italic).score == 98);  // <b> → <i>: two codes changed
  CHECK(score_match(q, q, {}, 3).score == 99);  // three translations of this source
  CHECK(score_match(q, q, {}, 3, true).score == 101);
}

TEST_CASE("score: the penalties are the options'") {
  dilmanc::ScoringOptions o;
  o.case_penalty = 5;
  o.punctuation_penalty = 4;
  o.max_punctuation_penalty = 6;
  auto q = prepare_for_matching("Hello, world!", "en");
  CHECK(score_match(q, prepare_for_matching("hello, world!", "en"), o).score == 95);
  CHECK(score_match(q, prepare_for_matching("Hello world", "en"), o).score == 94);
}

TEST_CASE("score: whitespace is normalized, not penalized, when only its amount differs") {
  CHECK(score("  Save   the\tfile ", "Save the file").score == 100);
}

TEST_CASE("score: Turkic folding for az, ё = е for ru, accents penalized") {
  // In Azerbaijani, I folds to ı, so ISPARTA and ısparta differ only in case.
  CHECK(score("ISPARTA şəhəri", "ısparta şəhəri", "az").score == 98);
  CHECK(score("İSTANBUL şəhəri", "istanbul şəhəri", "az").score == 98);
  // ...while in English I and ı are different letters (ı is i without its dot: an accent-like difference).
  CHECK(score("ISPARTA city", "ısparta city", "en").score < 98);
  CHECK(score("Ёлка в парке", "Елка в парке", "ru").score == 100);
  CHECK(score("пришёл домой", "пришел домой", "ru").score == 100);
  auto accent = score("şəhər mərkəzi", "səhər mərkəzi", "az");
  CHECK(accent.accent_penalty == 2);
  CHECK(accent.score == 98);
}

TEST_CASE("score: short segments") {
  CHECK(score("File", "File").score == 100);
  CHECK(score("File", "file").score == 98);
  CHECK(score("Open file", "Open files").score == 50);
  CHECK(score("Open", "Close").score == 0);
  CHECK(score("...", "...").score == 100);
  CHECK(score("...", "File").score == 0);
}

TEST_CASE("score bounds are lossless") {
  std::mt19937 rng(11);
  const std::vector<std::string> words = {"a", "b", "c", "d", "e", "f"};
  for (int round = 0; round < 2000; ++round) {
    auto sentence = [&](int n) {
      std::string s;
      for (int i = 0; i < n; ++i) s += words[rng() % words.size()] + " ";
      return s;
    };
    auto q = prepare_for_matching(sentence(static_cast<int>(rng() % 12)), "en");
    auto s = prepare_for_matching(sentence(static_cast<int>(rng() % 12)), "en");
    const int min = 1 + static_cast<int>(rng() % 100);
    auto b = score_match(q, s);
    if (b.score < min) continue;
    auto bounds = dilmanc::score_bounds(q.content_length(), min);
    const int lc = s.content_length();
    CHECK(lc >= bounds.min_length);
    CHECK(lc <= bounds.max_length);
    CHECK(b.distance <= bounds.max_distance(lc));
    // shared tokens as multisets
    auto qk = q.content_keys(), sk = s.content_keys();
    int shared = 0;
    std::vector<bool> used(sk.size());
    for (auto k : qk)
      for (std::size_t j = 0; j < sk.size(); ++j)
        if (!used[j] && sk[j] == k) {
          used[j] = true;
          ++shared;
          break;
        }
    CHECK(shared >= bounds.min_shared(lc));
  }
}

TEST_CASE("diff: words inserted, deleted and replaced against the query") {
  auto q = prepare_for_matching("The ministry published the new visa rules today.", "en");
  auto s = prepare_for_matching("The Ministry published new migration rules on its website today.", "en");
  auto d = dilmanc::diff_match(q, s);
  std::string shown;
  for (const auto& p : d) shown += std::string(dilmanc::diff_kind_name(p.kind)) + "(" + p.query + "|" + p.source + ") ";
  INFO(shown);
  REQUIRE(d.size() == 9);
  CHECK(d[0].kind == DiffPart::Kind::kEqual);
  CHECK(d[0].query == "The");
  CHECK(d[1].kind == DiffPart::Kind::kReplaced);  // case only
  CHECK(d[1].query == "ministry");
  CHECK(d[1].source == "Ministry");
  CHECK(d[2].kind == DiffPart::Kind::kEqual);
  CHECK(d[3].kind == DiffPart::Kind::kInserted);
  CHECK(d[3].query == "the");
  CHECK(d[4].kind == DiffPart::Kind::kEqual);
  CHECK(d[5].kind == DiffPart::Kind::kReplaced);
  CHECK(d[5].query == "visa");
  CHECK(d[5].source == "migration");
  CHECK(d[6].kind == DiffPart::Kind::kEqual);
  CHECK(d[6].query == "rules");
  CHECK(d[7].kind == DiffPart::Kind::kDeleted);
  CHECK(d[7].source == "on its website");
  CHECK(d[8].kind == DiffPart::Kind::kEqual);
  CHECK(d[8].query == "today.");
}

TEST_CASE("diff: codes are shown in display form") {
  auto q = prepare_for_matching(bold("Press ", "OK", " now"), "en");
  auto s = prepare_for_matching("Press OK now", "en");
  auto d = dilmanc::diff_match(q, s);
  REQUIRE(d.size() >= 2);
  bool saw = false;
  for (const auto& p : d)
    if (p.kind == DiffPart::Kind::kInserted && p.query == "{1}") saw = true;
  CHECK(saw);
}

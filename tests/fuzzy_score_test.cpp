#include <doctest/doctest.h>

#include <sys/resource.h>

#include <algorithm>
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

// The score as docs/matching.md defines it, every distance by the whole-table programme.
dilmanc::ScoreBreakdown reference_score(const dilmanc::MatchText& q, const dilmanc::MatchText& s,
                                        const dilmanc::ScoringOptions& o) {
  using dilmanc::TokenKind;
  auto keys = [](const dilmanc::MatchText& m, int level, bool punctuation, bool codes) {
    std::vector<std::uint64_t> out;
    for (const auto& t : m.tokens) {
      if (dilmanc::is_content(t.kind))
        out.push_back(level == 0 ? t.base : level == 1 ? t.cased : t.exact);
      else if ((punctuation && t.kind == TokenKind::kPunctuation) || (codes && t.kind == TokenKind::kCode))
        out.push_back(t.exact);
    }
    return out;
  };
  auto distance = [&](int level, bool punctuation, bool codes) {
    return dilmanc::match::token_distance_reference(keys(q, level, punctuation, codes),
                                                    keys(s, level, punctuation, codes));
  };
  dilmanc::ScoreBreakdown b;
  b.length = std::max(q.content_length(), s.content_length());
  b.distance = distance(0, false, false);
  b.base = b.length == 0 ? 100 : 100 * (b.length - b.distance) / b.length;
  const int cased = distance(1, false, false), exact = distance(2, false, false);
  if (cased > b.distance) b.accent_penalty = o.accent_penalty;
  if (exact > cased) b.case_penalty = o.case_penalty;
  const int punctuation = std::max(0, distance(0, true, false) - b.distance);
  b.punctuation_penalty = std::min(o.max_punctuation_penalty, punctuation * o.punctuation_penalty);
  const int codes = std::max(0, distance(0, false, true) - b.distance);
  b.code_penalty = std::min(o.max_code_penalty, codes * o.code_penalty);
  if (b.distance == 0 && punctuation == 0 && codes == 0 && q.tokens.size() == s.tokens.size()) {
    for (std::size_t i = 1; i < q.tokens.size(); ++i)
      if (q.tokens[i].space_before != s.tokens[i].space_before) b.whitespace_penalty = o.whitespace_penalty;
  }
  const int penalties = b.case_penalty + b.accent_penalty + b.punctuation_penalty + b.whitespace_penalty + b.code_penalty;
  b.score = std::clamp(b.base - penalties, 0, 100);
  return b;
}

// The diff by the whole alignment table, walked back preferring pairs, then insertions.
std::vector<DiffPart> reference_diff(const dilmanc::MatchText& q, const dilmanc::MatchText& s) {
  auto pair_cost = [](const dilmanc::MatchToken& a, const dilmanc::MatchToken& b) {
    return a.exact == b.exact ? 0 : a.base == b.base ? 4 : 10;
  };
  const std::size_t n = q.tokens.size(), m = s.tokens.size();
  std::vector<int> cost((n + 1) * (m + 1));
  auto at = [&](std::size_t i, std::size_t j) -> int& { return cost[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<int>(i) * 10;
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = static_cast<int>(j) * 10;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j)
      at(i, j) = std::min({at(i - 1, j) + 10, at(i, j - 1) + 10, at(i - 1, j - 1) + pair_cost(q.tokens[i - 1], s.tokens[j - 1])});
  // 0 equal, 1 changed, 2 query only, 3 source only
  std::vector<int> steps;
  std::size_t i = n, j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0) {
      const int c = pair_cost(q.tokens[i - 1], s.tokens[j - 1]);
      if (at(i, j) == at(i - 1, j - 1) + c) {
        steps.push_back(c == 0 ? 0 : 1);
        --i, --j;
        continue;
      }
    }
    if (i > 0 && at(i, j) == at(i - 1, j) + 10) {
      steps.push_back(2);
      --i;
    } else {
      steps.push_back(3);
      --j;
    }
  }
  std::reverse(steps.begin(), steps.end());
  auto text = [](const dilmanc::MatchText& m, std::size_t first, std::size_t last) {
    InlineText part;
    part.text = m.text.text.substr(m.tokens[first].begin, m.tokens[last].end - m.tokens[first].begin);
    for (std::size_t t = first; t <= last; ++t)
      if (m.tokens[t].kind == dilmanc::TokenKind::kCode && m.tokens[t].code >= 0)
        part.codes.push_back(m.text.codes[static_cast<std::size_t>(m.tokens[t].code)]);
    return dilmanc::display_text(part);
  };
  std::vector<DiffPart> parts;
  std::size_t qi = 0, si = 0, k = 0;
  while (k < steps.size()) {
    const bool equal = steps[k] == 0;
    const std::size_t q_first = qi, s_first = si;
    while (k < steps.size() && (steps[k] == 0) == equal) {
      if (steps[k] != 3) ++qi;
      if (steps[k] != 2) ++si;
      ++k;
    }
    DiffPart part;
    if (qi > q_first) part.query = text(q, q_first, qi - 1);
    if (si > s_first) part.source = text(s, s_first, si - 1);
    part.kind = equal ? DiffPart::Kind::kEqual
                : (qi > q_first && si > s_first) ? DiffPart::Kind::kReplaced
                : qi > q_first ? DiffPart::Kind::kInserted
                               : DiffPart::Kind::kDeleted;
    parts.push_back(std::move(part));
  }
  return parts;
}

// A random sentence of words (some differing only in case or accents), numbers,
// punctuation and codes, given as pieces, and a copy with `edits` random pieces changed.
struct Pieces {
  std::vector<int> items;  // >= 0 an entry of kWords, -1 a bold pair around the next piece, -2 a line break
};

const std::vector<std::string> kWords = {"file", "File", "FILE", "café", "cafe", "menu", "25", "3", ",", ".",
                                         "?", "open", "save", "the", "rules", "şəhər", "səhər", "(", ")"};

Pieces random_pieces(std::mt19937& rng, std::size_t count) {
  Pieces p;
  for (std::size_t i = 0; i < count; ++i) {
    const auto r = rng() % 24;
    p.items.push_back(r < static_cast<unsigned>(kWords.size()) ? static_cast<int>(r) : r < 22 ? -1 : -2);
  }
  return p;
}

void edit_pieces(std::mt19937& rng, Pieces& p, int edits) {
  for (int e = 0; e < edits; ++e) {
    const auto op = rng() % 3;
    const int item = static_cast<int>(rng() % 24) < static_cast<int>(kWords.size()) ? static_cast<int>(rng() % kWords.size()) : -1;
    if (op == 0 && !p.items.empty())
      p.items.erase(p.items.begin() + static_cast<std::ptrdiff_t>(rng() % p.items.size()));
    else if (op == 1)
      p.items.insert(p.items.begin() + static_cast<std::ptrdiff_t>(rng() % (p.items.size() + 1)), item);
    else if (!p.items.empty())
      p.items[rng() % p.items.size()] = item;
  }
}

InlineText inline_text(const Pieces& p, std::mt19937& rng) {
  InlineText t;
  int id = 0;
  for (std::size_t i = 0; i < p.items.size(); ++i) {
    const int item = p.items[i];
    if (item == -2) {
      dilmanc::append_code(t, {InlineCode::Kind::kPlaceholder, ++id, false, "br", "<br>"});
    } else if (item == -1) {
      const int pair = ++id;
      dilmanc::append_code(t, {InlineCode::Kind::kOpening, pair, false, "b", "<b>"});
      if (i + 1 < p.items.size() && p.items[i + 1] >= 0) dilmanc::append_text(t, kWords[static_cast<std::size_t>(p.items[++i])]);
      dilmanc::append_code(t, {InlineCode::Kind::kClosing, pair, false, "b", "</b>"});
    } else {
      dilmanc::append_text(t, kWords[static_cast<std::size_t>(item)]);
    }
    if (rng() % 4 != 0) dilmanc::append_text(t, " ");
  }
  return t;
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
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

TEST_CASE("token distance: the diagonal path of long sequences equals the whole table") {
  std::mt19937 rng(23);
  for (int round = 0; round < 3000; ++round) {
    std::uniform_int_distribution<int> len(0, 300);
    std::uniform_int_distribution<int> sym(1, 2 + round % 10);
    std::vector<std::uint64_t> a(static_cast<std::size_t>(len(rng)));
    for (auto& x : a) x = static_cast<std::uint64_t>(sym(rng)) * 0x9E3779B97F4A7C15ULL;
    std::vector<std::uint64_t> b = a;
    if (round % 7 == 0) {
      b.resize(static_cast<std::size_t>(len(rng)));
      for (auto& x : b) x = static_cast<std::uint64_t>(sym(rng)) * 0x9E3779B97F4A7C15ULL;
    } else {
      const int edits = static_cast<int>(rng() % (round % 3 == 0 ? 120 : 12));
      for (int e = 0; e < edits; ++e) {
        const auto op = rng() % 3;
        const auto id = static_cast<std::uint64_t>(sym(rng)) * 0x9E3779B97F4A7C15ULL;
        if (op == 0 && !b.empty())
          b.erase(b.begin() + static_cast<std::ptrdiff_t>(rng() % b.size()));
        else if (op == 1)
          b.insert(b.begin() + static_cast<std::ptrdiff_t>(rng() % (b.size() + 1)), id);
        else if (!b.empty())
          b[rng() % b.size()] = id;
      }
    }
    const int expected = dilmanc::match::token_distance_reference(a, b);
    CAPTURE(a.size());
    CAPTURE(b.size());
    CHECK(dilmanc::match::token_distance(a, b) == expected);
    CHECK(dilmanc::match::token_distance(b, a) == expected);
    const int bound = static_cast<int>(rng() % static_cast<unsigned>(expected + 8));
    const int bounded = dilmanc::match::token_distance(a, b, bound);
    if (expected <= bound)
      CHECK(bounded == expected);
    else
      CHECK(bounded > bound);
  }
}

TEST_CASE("score and diff: long segments with few or many edits equal the whole-table reference") {
  std::mt19937 rng(29);
  dilmanc::ScoringOptions tight;
  tight.punctuation_penalty = 2;
  tight.max_punctuation_penalty = 5;
  tight.code_penalty = 3;
  tight.max_code_penalty = 2;
  for (int round = 0; round < 1500; ++round) {
    Pieces query = random_pieces(rng, rng() % 160);
    Pieces source = query;
    edit_pieces(rng, source, static_cast<int>(rng() % (round % 4 == 0 ? 80 : 6)));
    const auto q = prepare_for_matching(inline_text(query, rng), "en");
    const auto s = prepare_for_matching(inline_text(source, rng), "en");
    CAPTURE(q.text.text);
    CAPTURE(s.text.text);
    for (const auto& options : {dilmanc::ScoringOptions{}, tight}) {
      const auto got = score_match(q, s, options);
      const auto expected = reference_score(q, s, options);
      CHECK(got.distance == expected.distance);
      CHECK(got.accent_penalty == expected.accent_penalty);
      CHECK(got.case_penalty == expected.case_penalty);
      CHECK(got.punctuation_penalty == expected.punctuation_penalty);
      CHECK(got.code_penalty == expected.code_penalty);
      CHECK(got.whitespace_penalty == expected.whitespace_penalty);
      CHECK(got.score == expected.score);
    }
    const auto diff = dilmanc::diff_match(q, s);
    const auto expected = reference_diff(q, s);
    REQUIRE(diff.size() == expected.size());
    for (std::size_t i = 0; i < diff.size(); ++i) {
      CHECK(diff[i].kind == expected[i].kind);
      CHECK(diff[i].query == expected[i].query);
      CHECK(diff[i].source == expected[i].source);
    }
  }
}

TEST_CASE("score and diff of a long segment against a near copy: time linear in its length") {
  // A segment of words in codes against the same with a word changed near either end and
  // in the middle: eight times the length takes about eight times the time, where the
  // whole tables took 64 times.
  auto prepare = [](std::size_t words) {
    InlineText query, source;
    for (std::size_t i = 0; i < words; ++i) {
      const std::string number = std::to_string(i);
      const bool changed = i == 3 || i == words / 2 || i + 2 == words;
      for (InlineText* t : {&query, &source}) {
        const int id = static_cast<int>(i) + 1;
        dilmanc::append_code(*t, {InlineCode::Kind::kOpening, id, false, "b", "<b>"});
        dilmanc::append_text(*t, changed && t == &source ? "v" : "w");
        dilmanc::append_text(*t, number);
        dilmanc::append_code(*t, {InlineCode::Kind::kClosing, id, false, "b", "</b>"});
        dilmanc::append_text(*t, " ");
      }
    }
    return std::pair{prepare_for_matching(query, "en"), prepare_for_matching(source, "en")};
  };
  // The CPU time of scoring and diffing, the texts prepared beforehand.
  auto timed = [](const std::pair<dilmanc::MatchText, dilmanc::MatchText>& texts) {
    const double start = cpu_seconds();
    const auto b = score_match(texts.first, texts.second);
    const auto diff = dilmanc::diff_match(texts.first, texts.second);
    const double seconds = cpu_seconds() - start;
    CHECK(b.distance == 3);
    CHECK(b.code_penalty == 0);
    CHECK(std::count_if(diff.begin(), diff.end(), [](const DiffPart& p) { return p.kind == DiffPart::Kind::kReplaced; }) == 3);
    return seconds;
  };
  const std::size_t small = 3000;
  const auto short_texts = prepare(small);
  const auto long_texts = prepare(8 * small);
  timed(long_texts);  // the allocator's first pages
  double ratio = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const double small_time = std::max(timed(short_texts), 0.002);
    ratio = timed(long_texts) / small_time;
    MESSAGE((8 * small) << " / " << small << " words takes " << ratio << " times the CPU time");
    if (ratio < 16) break;
  }
  CHECK_MESSAGE(ratio < 16, "eight times the length took ", ratio, " times the CPU time");
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

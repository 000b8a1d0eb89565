// The indexed lookup against the exhaustive scan, and the matcher's behaviour end to end.
#include <doctest/doctest.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "dilmanc/error.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/translation_memory.h"
#include "match/index_keys.h"
#include "memory/fuzzy_index_store.h"
#include "memory/memory_internal.h"
#include "memory/posting_runs.h"
#include "memory/sqlite.h"
#include "support.h"

using dilmanc::FuzzyMatch;
using dilmanc::FuzzyMatcher;
using dilmanc::InlineCode;
using dilmanc::InlineText;
using dilmanc::MatchOptions;
using dilmanc::TranslationMemory;
using dilmanc::TranslationUnit;
using dilmanc::test::TempDir;

namespace {

TranslationUnit pair_unit(const std::string& src_lang, const InlineText& source, const std::string& tgt_lang,
                          const InlineText& target, int serial) {
  TranslationUnit u;
  u.source_lang = src_lang;
  u.origin_file = "generated.tmx";
  u.origin_segment = std::to_string(serial);
  char date[32];
  std::snprintf(date, sizeof date, "2024-%02d-%02dT12:00:00Z", 1 + serial % 12, 1 + serial % 28);
  u.changed_at = u.created_at = date;
  dilmanc::Variant s, t;
  s.tag = src_lang;
  s.text = source;
  t.tag = tgt_lang;
  t.text = target;
  u.variants = {s, t};
  return u;
}

InlineText plain(const std::string& s) { return InlineText{s, {}}; }

// A compact description of a result list, to compare the two lookups.
std::string describe(const std::vector<FuzzyMatch>& matches) {
  std::ostringstream out;
  for (const auto& m : matches)
    out << m.score << " u" << m.unit_id << " [" << dilmanc::display_text(m.target) << "]" << (m.adapted ? " A" : "")
        << " d" << m.diff.size() << " t" << m.translations << "\n";
  return out.str();
}

// Generated sentences over a skewed vocabulary, so that some words are very frequent.
class SentenceMaker {
 public:
  explicit SentenceMaker(unsigned seed) : rng_(seed) {
    const char* stems[] = {"the", "a", "of", "file", "open", "save", "report", "ministry", "new", "rules", "migration",
                           "visa", "office", "press", "citizen", "service", "document", "state", "Baku", "meeting",
                           "year", "and", "to", "in", "for", "with", "on", "is", "was", "will", "be", "by", "from",
                           "project", "window", "error", "menu", "folder", "delete", "copy", "settings", "user",
                           "password", "network", "system", "Café", "résumé", "naïve", "select", "edit"};
    for (const char* s : stems) words_.push_back(s);
    // Built piecewise: GCC 12 warns falsely (-Wrestrict) on "w" + std::to_string(i) + "x".
    for (int i = 0; i < 250; ++i) {
      std::string w = "w";
      w += std::to_string(i);
      w += 'x';
      words_.push_back(std::move(w));
    }
  }

  std::string word() {
    std::uniform_real_distribution<double> u(0, 1);
    const double x = u(rng_);
    return words_[static_cast<std::size_t>(static_cast<double>(words_.size()) * x * x * x)];
  }

  std::string number() {
    switch (rng_() % 4) {
      case 0: return std::to_string(1990 + rng_() % 40);
      case 1: return std::to_string(rng_() % 100);
      case 2: return std::to_string(1 + rng_() % 9) + "," + std::to_string(100 + rng_() % 900);
      default: return std::to_string(rng_() % 10) + "." + std::to_string(rng_() % 10);
    }
  }

  std::vector<std::string> sentence() {
    std::vector<int> lengths = {1, 1, 2, 2, 3, 3, 4, 5, 6, 7, 8, 9, 10, 12, 14, 18, 25, 40, 70};
    const int n = lengths[rng_() % lengths.size()];
    std::vector<std::string> w;
    for (int i = 0; i < n; ++i) w.push_back(rng_() % 9 == 0 ? number() : word());
    if (rng_() % 3 == 0) w.push_back(rng_() % 2 ? "." : "?");
    if (rng_() % 5 == 0) w.insert(w.begin() + static_cast<std::ptrdiff_t>(rng_() % w.size()), ",");
    return w;
  }

  std::vector<std::string> edit(std::vector<std::string> w) {
    const int edits = 1 + static_cast<int>(rng_() % 3);
    for (int e = 0; e < edits; ++e) {
      const std::size_t at = w.empty() ? 0 : rng_() % w.size();
      switch (rng_() % 6) {
        case 0: w.insert(w.begin() + static_cast<std::ptrdiff_t>(at), word()); break;
        case 1:
          if (!w.empty()) w.erase(w.begin() + static_cast<std::ptrdiff_t>(at));
          break;
        case 2:
          if (!w.empty()) w[at] = word();
          break;
        case 3:
          for (auto& x : w)
            if (!x.empty() && x[0] >= '0' && x[0] <= '9') {
              x = number();
              break;
            }
          break;
        case 4:
          if (!w.empty() && !w[at].empty() && w[at][0] >= 'a' && w[at][0] <= 'z') w[at][0] = static_cast<char>(w[at][0] - 32);
          break;
        default: break;  // unchanged: an exact match
      }
    }
    return w;
  }

  static std::string join(const std::vector<std::string>& w) {
    std::string s;
    for (const auto& x : w) {
      if (!s.empty() && x != "." && x != "?" && x != ",") s += ' ';
      s += x;
    }
    return s;
  }

  unsigned next() { return static_cast<unsigned>(rng_()); }

 private:
  std::mt19937 rng_;
  std::vector<std::string> words_;
};

InlineText with_code(const std::string& before, const std::string& inside, const std::string& after, int id) {
  InlineText t;
  dilmanc::append_text(t, before);
  dilmanc::append_code(t, {InlineCode::Kind::kOpening, id, false, "b", "<b>"});
  dilmanc::append_text(t, inside);
  dilmanc::append_code(t, {InlineCode::Kind::kClosing, id, false, "b", "</b>"});
  dilmanc::append_text(t, after);
  return t;
}

void compare_lookups(FuzzyMatcher& matcher, const std::string& query, const std::string& from, const std::string& to,
                     int min, std::size_t limit, std::size_t* nonempty) {
  MatchOptions indexed;
  indexed.min_score = min;
  indexed.limit = limit;
  MatchOptions exhaustive = indexed;
  exhaustive.exhaustive = true;
  const auto a = matcher.find(query, from, to, indexed);
  const auto b = matcher.find(query, from, to, exhaustive);
  INFO("query: " << query << " min " << min);
  CHECK(describe(a) == describe(b));
  if (!a.empty()) ++*nonempty;
}

// The best `limit` matches are the first `limit` of the full ranking (score, then newest
// change, then newest unit): what the matcher skips at the cut must not change them.
void compare_with_full_ranking(FuzzyMatcher& matcher, const std::string& query, int min, std::size_t limit) {
  MatchOptions cut;
  cut.min_score = min;
  cut.limit = limit;
  MatchOptions all = cut;
  all.limit = 100000;
  auto full = matcher.find(query, "en", "ru", all);
  if (full.size() > limit) full.resize(limit);
  INFO("query: " << query << " min " << min << " limit " << limit);
  CHECK(describe(matcher.find(query, "en", "ru", cut)) == describe(full));
}


// Checks the stored postings against the stored variants: every variant up to
// postings_through is posted under each of its distinct tokens (or the "no words" one)
// exactly once, in id order across chunks, each chunk named by an id at or above its own;
// none above it is. Returns the number of variants still waiting.
std::int64_t check_postings(const std::string& path) {
  using namespace dilmanc::memory::fuzzy;
  dilmanc::sql::Database db(path, false);
  const std::int64_t through = state_value(db, "postings_through");
  std::map<std::int32_t, std::vector<Posting>> expected;
  std::int64_t waiting = 0;
  {
    Query rows(db, "SELECT variant_id, lang, length, tokens FROM fuzzy_variants ORDER BY variant_id");
    while (rows.step()) {
      const std::int64_t id = rows.int64(0);
      if (id > through) {
        ++waiting;
        continue;
      }
      auto keys = rows.keys(3);
      CHECK(static_cast<std::int64_t>(keys.size()) == rows.int64(2));
      std::set<std::int32_t> distinct;
      for (auto k : keys) distinct.insert(static_cast<std::int32_t>(static_cast<std::uint32_t>(k)));
      if (distinct.empty()) distinct.insert(empty_token(rows.text(1)));
      for (auto t : distinct) expected[t].push_back({id, static_cast<int>(rows.int64(2))});
    }
  }
  std::map<std::int32_t, std::vector<Posting>> stored;
  {
    // Each token's postings, band by band: in id order within a band, of its lengths only.
    Query chunks(db, "SELECT token, band, chunk, ids FROM fuzzy_postings ORDER BY token, band, chunk");
    std::map<std::pair<std::int32_t, std::int64_t>, std::int64_t> last_in_band;
    while (chunks.step()) {
      const auto token = static_cast<std::int32_t>(chunks.int64(0));
      const std::int64_t band = chunks.int64(1);
      const std::int64_t chunk = chunks.int64(2);
      CHECK(chunk <= through);
      std::size_t size;
      const unsigned char* p = chunks.blob(3, &size);
      std::vector<Posting> postings;
      decode_postings(p, size, 0, 1 << 30, postings);
      auto& list = stored[token];
      auto& last = last_in_band[{token, band}];
      for (const auto& posting : postings) {
        CHECK(posting.id <= chunk);
        CHECK(posting.id > last);
        CHECK(dilmanc::memory::fuzzy::length_band(posting.length) == band);
        last = posting.id;
        list.push_back(posting);
      }
    }
    for (auto& [token, list] : stored)
      std::sort(list.begin(), list.end(), [](const Posting& a, const Posting& b) { return a.id < b.id; });
  }
  CHECK(stored.size() == expected.size());
  for (const auto& [token, list] : expected) {
    INFO("token " << token);
    const auto& got = stored[token];
    REQUIRE(got.size() == list.size());
    for (std::size_t i = 0; i < list.size(); ++i) {
      CHECK(got[i].id == list[i].id);
      CHECK(got[i].length == list[i].length);
    }
  }
  return waiting;
}

}  // namespace

TEST_CASE("fuzzy index: the stored keys are the matcher's keys") {
  const std::pair<const char*, const char*> texts[] = {
      {"ISPARTA və İstanbul şəhərləri, 2019-cu il", "az"},
      {"Ёлка «пришёл» 250\u00A0000 рублей, Й й", "ru"},
      {"Café naïve résumé — ISTANBUL ıI 3.5 2nd", "en"},
      {"cafe\u0301 e\u0301 \u0301 x", "en"},
      {"\xEE\x84\x81Press\xEE\x84\x82 OK… ﬁle Straße ΣΊΣΥΦΟΣ", "de"},
      {"", "ru"},
      {"!!! ...", "az"},
  };
  for (const auto& [text, lang] : texts) {
    INFO(text);
    CHECK(dilmanc::content_base_keys(text, lang) == dilmanc::prepare_for_matching(std::string_view(text), lang).content_keys());
  }
}

TEST_CASE("fuzzy index: the word ids of the import's shortcut are those of content_base_keys") {
  std::vector<std::pair<std::string, std::string>> texts = {
      {"Ёлка «пришёл» 250\u00A0000 рублей, Й й", "ru"}, {"ЁЛКА ёлка Ѐ ѐ Ѝ ѝ Ў ў Ї ї Ќ ќ Ѓ ѓ", "ru"},
      {"ЁЛКА ёлка Ѐ ѐ Ѝ ѝ Ў ў Ї ї Ќ ќ Ѓ ѓ йод ЙОД", "uk"}, {"Hello, WORLD: 3.5 2nd UN-GA", "en"},
      {"ISPARTA İstanbul", "az"},  {"Isparta Д", "tr"}, {"\xEE\x84\x81Press\xEE\x84\x82 OK", "en"},
      {"", "ru"}, {"!!! ...", "ru"}, {"cafe\u0301 naïve", "en"}, {"и\u0306 й", "ru"}, {"МВД РФ", "ru-RU"}};
  if (auto shared = dilmanc::test::shared_dir()) {
    std::ifstream in(*shared / "data/corpus/az-ru.tsv");
    std::string line;
    for (int n = 0; n < 5000 && std::getline(in, line); ++n) {
      const auto tab = line.find('\t');
      if (tab == std::string::npos) continue;
      texts.emplace_back(line.substr(0, tab), "az");
      texts.emplace_back(line.substr(tab + 1), "ru");
    }
  }
  for (const auto& [text, lang] : texts) {
    INFO(lang << ": " << text);
    const auto ids = dilmanc::memory::fuzzy::variant_tokens(text, lang);
    const auto tokens = dilmanc::memory::fuzzy_tokens(text, lang);
    REQUIRE(tokens.length == static_cast<std::int64_t>(ids.size()));
    for (std::size_t i = 0; i < ids.size(); ++i) {
      std::uint32_t v = 0;
      for (int b = 3; b >= 0; --b) v = v << 8 | static_cast<unsigned char>(tokens.blob[4 * i + static_cast<std::size_t>(b)]);
      CHECK(static_cast<std::int32_t>(v) == ids[i]);
    }
  }
}

TEST_CASE("fuzzy index: the indexed lookup equals the exhaustive scan on generated sentences") {
  TempDir dir;
  TranslationMemory memory((dir / "memory.db").string());
  SentenceMaker maker(20240501);
  std::vector<std::vector<std::string>> sources;
  {
    TranslationMemory::Batch batch(memory);
    for (int i = 0; i < 1500; ++i) {
      auto w = maker.sentence();
      sources.push_back(w);
      const std::string s = SentenceMaker::join(w);
      memory.add(pair_unit("en", plain(s), "ru", plain("ru " + s + " ru"), i));
      // Some sources get a second, different translation.
      if (i % 50 == 0) memory.add(pair_unit("en", plain(s), "ru", plain("другой " + s), i + 100000));
    }
    // Short, punctuation-only and coded segments.
    memory.add(pair_unit("en", plain("..."), "ru", plain("…"), 900001));
    memory.add(pair_unit("en", plain("File"), "ru", plain("Файл"), 900002));
    memory.add(pair_unit("en", with_code("Press ", "OK", " now", 1), "ru", with_code("Нажмите ", "OK", " сейчас", 1), 900003));
    batch.commit();
  }
  FuzzyMatcher matcher(memory);
  std::size_t nonempty = 0;
  const int mins[] = {50, 50, 60, 75, 90, 100, 30, 1};
  for (int q = 0; q < 2000; ++q) {
    std::string query;
    if (q % 4 == 3)
      query = SentenceMaker::join(maker.sentence());  // unseen
    else
      query = SentenceMaker::join(maker.edit(sources[maker.next() % sources.size()]));
    const int min = mins[q % std::size(mins)];
    compare_lookups(matcher, query, "en", "ru", min, q % 7 == 0 ? 50 : 5, &nonempty);
    if (q % 3 == 0) compare_with_full_ranking(matcher, query, min, 1 + q % 6);
  }
  for (const char* q : {"...", "File", "file", "Files", "Press OK now", "", "!"})
    compare_lookups(matcher, q, "en", "ru", 50, 5, &nonempty);
  // Most queries find something: the comparison is not between empty lists.
  CHECK(nonempty > 1200);
}

TEST_CASE("matcher: matches tied at the cut are ranked by their dates, newest first") {
  TempDir dir;
  TranslationMemory memory((dir / "memory.db").string());
  {
    TranslationMemory::Batch batch(memory);
    // Forty sources that all score 50 against "Show Imports", with dates in no order and
    // some alike (then the newer unit wins), and one better match.
    for (int i = 0; i < 40; ++i) {
      auto u = pair_unit("en", plain("Show item" + std::to_string(i)), "ru", plain("Показать " + std::to_string(i)), 0);
      char date[32];
      std::snprintf(date, sizeof date, "2023-%02d-%02dT08:00:00Z", 1 + (i * 7) % 12, 1 + (i * 11) % 5);
      u.changed_at = u.created_at = date;
      memory.add(u);
    }
    memory.add(pair_unit("en", plain("Show imports"), "ru", plain("Показать импорт"), 3));
    batch.commit();
  }
  FuzzyMatcher matcher(memory);
  for (std::size_t limit : {1, 2, 5, 10, 39, 41, 50}) compare_with_full_ranking(matcher, "Show Imports", 50, limit);
  MatchOptions five;
  five.limit = 5;
  const auto matches = matcher.find("Show Imports", "en", "ru", five);
  REQUIRE(matches.size() == 5);
  CHECK(matches[0].score > 50);
  for (std::size_t k = 1; k < matches.size(); ++k) {
    CHECK(matches[k].score == 50);
    // Newest first among the tied, then the newer unit.
    if (k >= 2) {
      const bool ordered = matches[k - 1].changed_at > matches[k].changed_at ||
                           (matches[k - 1].changed_at == matches[k].changed_at && matches[k - 1].unit_id > matches[k].unit_id);
      CHECK(ordered);
    }
  }
  // The newest of the forty dates is among them.
  CHECK(matches[1].changed_at == "2023-12-05T08:00:00Z");
}

TEST_CASE("fuzzy index: indexed equals exhaustive on real corpus sentences") {
  SKIP_WITHOUT_SHARED();
  std::ifstream in(*dilmanc::test::shared_dir() / "data/corpus/en-az.tsv");
  REQUIRE(in);
  std::vector<std::pair<std::string, std::string>> pairs;
  std::string line;
  while (pairs.size() < 3000 && std::getline(in, line)) {
    auto tab = line.find('\t');
    if (tab != std::string::npos) pairs.emplace_back(line.substr(0, tab), line.substr(tab + 1));
  }
  TempDir dir;
  TranslationMemory memory((dir / "memory.db").string());
  {
    TranslationMemory::Batch batch(memory);
    for (std::size_t i = 0; i < 2500; ++i)
      memory.add(pair_unit("en", plain(pairs[i].first), "az", plain(pairs[i].second), static_cast<int>(i)));
    batch.commit();
  }
  FuzzyMatcher matcher(memory);
  SentenceMaker maker(7);
  std::size_t nonempty = 0;
  for (std::size_t i = 2500; i < pairs.size(); ++i) compare_lookups(matcher, pairs[i].first, "en", "az", 50, 5, &nonempty);
  std::mt19937 rng(99);
  for (int q = 0; q < 500; ++q) {
    // A memory sentence with a word dropped, doubled or replaced by a word of another sentence.
    std::istringstream words(pairs[rng() % 2500].first);
    std::vector<std::string> w;
    for (std::string x; words >> x;) w.push_back(x);
    if (w.empty()) continue;
    const std::size_t at = rng() % w.size();
    switch (rng() % 3) {
      case 0: w.erase(w.begin() + static_cast<std::ptrdiff_t>(at)); break;
      case 1: w.insert(w.begin() + static_cast<std::ptrdiff_t>(at), w[at]); break;
      default: {
        std::istringstream other(pairs[rng() % 2500].first);
        std::string x;
        other >> x;
        w[at] = x;
      }
    }
    compare_lookups(matcher, SentenceMaker::join(w), "en", "az", 50 + static_cast<int>(rng() % 40), 5, &nonempty);
  }
  CHECK(nonempty > 450);
  // The other direction works from the same memory.
  CHECK(!matcher.find(pairs[10].second, "az", "en").empty());
}

TEST_CASE("matcher: the pinned scores, alternatives, context, adaptation, metadata") {
  TempDir dir;
  TranslationMemory memory((dir / "memory.db").string());
  const std::string ten = "The ministry published the new migration rules on its website.";
  auto u1 = pair_unit("en", plain(ten), "ru", plain("Министерство опубликовало новые миграционные правила на своём сайте."), 1);
  u1.context_prev = 11;
  u1.context_next = 12;
  memory.add(u1);
  memory.add(pair_unit("en", plain("The report for 2019 is ready."), "ru", plain("Отчёт за 2019 год готов."), 2));
  memory.add(pair_unit("en", plain("Open the file"), "az", plain("Faylı aç"), 3));
  memory.add(pair_unit("en", plain("Open the file"), "az", plain("Faylı açın"), 4));
  FuzzyMatcher matcher(memory);

  auto exact = matcher.find(ten, "en", "ru");
  REQUIRE(exact.size() == 1);
  CHECK(exact[0].score == 100);
  CHECK(exact[0].diff.empty());
  CHECK(exact[0].origin_file == "generated.tmx");
  CHECK(exact[0].origin_segment == "1");
  CHECK(exact[0].changed_at == "2024-02-02T12:00:00Z");

  MatchOptions in_context;
  in_context.context_prev = 11;
  in_context.context_next = 12;
  CHECK(matcher.find(ten, "en", "ru", in_context)[0].score == 101);
  in_context.context_next = 13;
  CHECK(matcher.find(ten, "en", "ru", in_context)[0].score == 100);

  auto cased = matcher.find("The Ministry published the new migration rules on its website.", "en", "ru");
  REQUIRE(cased.size() == 1);
  CHECK(cased[0].score == 98);
  CHECK(!cased[0].diff.empty());

  auto replaced = matcher.find("The ministry published the new visa rules on its website.", "en", "ru");
  REQUIRE(replaced.size() == 1);
  CHECK(replaced[0].score == 90);

  CHECK(matcher.find("Weather in Baku will be sunny tomorrow, forecasters say.", "en", "ru").empty());

  auto adapted = matcher.find("The report for 2023 is ready.", "en", "ru");
  REQUIRE(adapted.size() == 1);
  CHECK(adapted[0].adapted);
  CHECK(adapted[0].target.text == "Отчёт за 2023 год готов.");
  CHECK(adapted[0].source.text == "The report for 2019 is ready.");

  auto two = matcher.find("Open the file", "en", "az");
  REQUIRE(two.size() == 2);
  CHECK(two[0].score == 99);
  CHECK(two[0].translations == 2);
  CHECK(two[0].target.text == "Faylı açın");  // the newer first
  CHECK(two[1].target.text == "Faylı aç");
  // No Russian translation of it: no match into Russian.
  CHECK(matcher.find("Open the file", "en", "ru").empty());
  // Short segments match like long ones.
  auto short_one = matcher.find("Open a file", "en", "az");
  REQUIRE(short_one.size() == 2);
  CHECK(short_one[0].score == 65);

  // The matcher sees units added after it was made.
  memory.add(pair_unit("en", plain("Close the file"), "az", plain("Faylı bağla"), 5));
  CHECK(matcher.find("Close the file", "en", "az").size() == 3);
  MatchOptions exhaustive;
  exhaustive.exhaustive = true;
  CHECK(matcher.find("Close the file", "en", "az", exhaustive).size() == 3);

  MatchOptions zero;
  zero.min_score = 0;
  CHECK_THROWS_AS(matcher.find("x", "en", "az", zero), dilmanc::Error);
}

TEST_CASE("fuzzy index: lists kept between lookups follow added units, moved postings and a rebuilt index") {
  TempDir dir;
  const std::string path = (dir / "memory.db").string();
  TranslationMemory memory(path);
  SentenceMaker maker(4242);
  std::vector<std::vector<std::string>> sources;
  auto add = [&](int count, int serial) {
    TranslationMemory::Batch batch(memory);
    for (int i = 0; i < count; ++i) {
      auto w = maker.sentence();
      sources.push_back(w);
      const std::string s = SentenceMaker::join(w);
      memory.add(pair_unit("en", plain(s), "ru", plain("ru " + s), serial + i));
    }
    batch.commit();
  };
  add(300, 0);
  FuzzyMatcher matcher(memory);
  std::size_t nonempty = 0;
  auto compare_some = [&](int queries) {
    for (int q = 0; q < queries; ++q) {
      const auto query = SentenceMaker::join(maker.edit(sources[maker.next() % sources.size()]));
      compare_lookups(matcher, query, "en", "ru", q % 2 ? 50 : 70, 5, &nonempty);
    }
  };
  // The lists of frequent words read for one range of lengths, then for lengths below and
  // above those held (stored apart by length band, only the bands missing are read).
  auto frequent_words = [](int n) {
    const char* words[] = {"the", "a", "of", "file", "open", "save", "report", "new", "and", "to"};
    std::string q;
    for (int i = 0; i < n; ++i) q += std::string(i ? " " : "") + words[i % 10];
    return q;
  };
  auto compare_lengths = [&] {
    for (int n : {3, 40, 1, 12, 70, 2, 25})
      for (int min : {50, 70}) compare_lookups(matcher, frequent_words(n), "en", "ru", min, 5, &nonempty);
  };
  compare_lengths();
  compare_some(60);  // the lists of this memory are read and kept
  // Enough units that postings move out of the waiting variants (more than one move's
  // worth), in several transactions, while the matcher holds lists read before.
  for (int round = 0; round < 3; ++round) {
    add(1500, 10000 + round * 1500);
    compare_lengths();
    compare_some(60);
  }
  // Another connection drops the index and the next matcher rebuilds it: the lists kept
  // from the old one must not be used.
  {
    dilmanc::sql::Database db(path, false);
    db.exec("DROP TABLE fuzzy_postings; DROP TABLE fuzzy_variants; DROP TABLE fuzzy_state;");
  }
  {
    TranslationMemory other(path);
    FuzzyMatcher rebuilding(other);
  }
  add(50, 90000);
  compare_some(60);
  CHECK(nonempty > 200);
}

// A small gather limit for one test, so that postings also move in the middle of transactions.
struct GatherLimit {
  explicit GatherLimit(std::size_t bytes) { dilmanc::memory::set_fuzzy_gather_limit(bytes); }
  ~GatherLimit() {
    dilmanc::memory::set_fuzzy_gather_limit(dilmanc::memory::kFuzzyGatherLimit);
    dilmanc::memory::PostingRuns::set_directory_for_testing("");
  }
};

// Adds `count` units of made-up English sentences with a Russian side, keeping the sentences.
struct SentenceUnits {
  explicit SentenceUnits(unsigned seed) : maker(seed) {}
  void add(TranslationMemory& memory, int count) {
    for (int i = 0; i < count; ++i) {
      auto w = maker.sentence();
      sources.push_back(w);
      const std::string s = SentenceMaker::join(w);
      memory.add(pair_unit("en", plain(s), "ru", plain("ru " + s), ++serial));
    }
  }
  // Lookups of `queries` edited sentences, indexed against exhaustive; how many found some.
  std::size_t check_lookups(TranslationMemory& memory, int queries) {
    FuzzyMatcher matcher(memory);
    std::size_t nonempty = 0;
    for (int q = 0; q < queries; ++q) {
      const auto query = SentenceMaker::join(maker.edit(sources[maker.next() % sources.size()]));
      compare_lookups(matcher, query, "en", "ru", q % 2 ? 50 : 70, 5, &nonempty);
    }
    return nonempty;
  }
  SentenceMaker maker;
  std::vector<std::vector<std::string>> sources;
  int serial = 0;
};

TEST_CASE("fuzzy index: postings gathered in a transaction are the stored variants' across moves, commits and rollbacks") {
  TempDir dir;
  const std::string path = (dir / "memory.db").string();
  GatherLimit limit(4000);
  TranslationMemory memory(path);
  SentenceMaker maker(777);
  std::vector<std::vector<std::string>> sources;
  int serial = 0;
  auto add = [&](int count, bool commit) {
    TranslationMemory::Batch batch(memory);
    for (int i = 0; i < count; ++i) {
      auto w = maker.sentence();
      if (commit) sources.push_back(w);
      const std::string s = SentenceMaker::join(w);
      memory.add(pair_unit("en", plain(s), "ru", plain(i % 97 == 0 ? "!" : "ru " + s), ++serial));
    }
    if (commit) batch.commit();
  };
  // Single units wait in the table (but the first, indexed with the new index's tables).
  for (int i = 0; i < 5; ++i) memory.add(pair_unit("en", plain("Open file " + std::to_string(i)), "ru", plain("..."), ++serial));
  CHECK(check_postings(path) == 9);
  // Moves in the middle of a transaction take the waiting ones with them.
  add(600, true);
  const std::int64_t left = check_postings(path);
  CHECK(left < 300);
  // A rolled-back transaction leaves nothing of what it gathered.
  add(300, false);
  CHECK(check_postings(path) == left);
  // Enough variants at the commit (some sentences repeat): everything moves.
  dilmanc::memory::set_fuzzy_gather_limit(dilmanc::memory::kFuzzyGatherLimit);
  add(2500, true);
  CHECK(check_postings(path) == 0);
  FuzzyMatcher matcher(memory);
  std::size_t nonempty = 0;
  for (int q = 0; q < 200; ++q) {
    const auto query = SentenceMaker::join(maker.edit(sources[maker.next() % sources.size()]));
    compare_lookups(matcher, query, "en", "ru", q % 2 ? 50 : 70, 5, &nonempty);
  }
  compare_lookups(matcher, "!", "ru", "en", 50, 5, &nonempty);
  CHECK(nonempty > 150);
}

TEST_CASE("fuzzy index: postings that move in the middle of a transaction are merged into one chunk per word at its end") {
  TempDir dir;
  const std::string path = (dir / "memory.db").string();
  GatherLimit limit(20000);
  SentenceUnits units(4242);
  auto chunks_per_key = [&](const char* sql) {
    dilmanc::sql::Database db(path, false);
    dilmanc::sql::Statement s(db, sql);
    REQUIRE(s.step());
    return s.int64(0);
  };
  {
    TranslationMemory memory(path);
    TranslationMemory::Batch batch(memory);
    units.add(memory, 1500);  // postings for many moves at this limit
    batch.commit();
  }
  CHECK(check_postings(path) == 0);
  // Two chunks: the first variant's, indexed on its own as the connection's index writer
  // was made, and one for all the rest (without the merge, one per move).
  CHECK(chunks_per_key("SELECT count(DISTINCT chunk) FROM fuzzy_postings") == 2);

  // Where the temporary file cannot be written, the batch fails and leaves the memory as it was.
  const std::int64_t variants_before = chunks_per_key("SELECT count(*) FROM variants");
  dilmanc::memory::PostingRuns::set_directory_for_testing((dir / "missing").string());
  {
    TranslationMemory memory(path);
    bool failed = false;
    try {
      TranslationMemory::Batch batch(memory);
      units.add(memory, 400);
      batch.commit();
    } catch (const dilmanc::Error& e) {
      failed = e.kind() == dilmanc::Error::Kind::kIo;
    }
    CHECK(failed);
  }
  units.sources.resize(1500);
  CHECK(chunks_per_key("SELECT count(*) FROM variants") == variants_before);
  CHECK(check_postings(path) == 0);

  // A second batch, on a connection of its own, adds two chunks the same way.
  dilmanc::memory::PostingRuns::set_directory_for_testing("");
  TranslationMemory memory(path);
  {
    TranslationMemory::Batch batch(memory);
    units.add(memory, 900);
    batch.commit();
  }
  CHECK(check_postings(path) == 0);
  CHECK(chunks_per_key("SELECT count(DISTINCT chunk) FROM fuzzy_postings") == 4);
  CHECK(units.check_lookups(memory, 150) > 100);
}

TEST_CASE("fuzzy index: a bulk write that holds its rows back moves postings mid-transaction, and loses none") {
  // Into an empty memory an import writes units, variants and their fuzzy_variants rows 64
  // to a statement; a move in the middle of the transaction, checked against the rows,
  // must come after them.
  TempDir dir;
  const std::string path = (dir / "memory.db").string();
  GatherLimit limit(20000);
  SentenceUnits units(9090);
  TranslationMemory memory(path);
  {
    dilmanc::memory::BulkWrite bulk(memory);
    REQUIRE(bulk.active());
    {
      TranslationMemory::Batch batch(memory);
      units.add(memory, 300);  // rolled back: nothing of it stays
    }
    units.sources.clear();
  }
  {
    dilmanc::memory::BulkWrite bulk(memory);
    REQUIRE(bulk.active());
    TranslationMemory::Batch batch(memory);
    units.add(memory, 1500);
    batch.commit();
  }
  CHECK(check_postings(path) == 0);
  {
    dilmanc::sql::Database db(path, false);
    dilmanc::sql::Statement s(db, "SELECT count(*), count(DISTINCT chunk) FROM fuzzy_postings");
    REQUIRE(s.step());
    CHECK(s.int64(0) > 1000);
    CHECK(s.int64(1) == 1);  // the runs merged into one chunk per word and band
  }
  CHECK(units.check_lookups(memory, 100) > 60);
}

TEST_CASE("fuzzy index: a move that fails half-way leaves no rows, and a commit tried again keeps the variants waiting") {
  TempDir dir;
  const std::string path = (dir / "memory.db").string();
  GatherLimit limit(20000);
  SentenceUnits units(99);
  TranslationMemory memory(path);
  units.add(memory, 1);  // the index's tables
  {
    // The 40th row of a move fails, as a full disk would make it.
    dilmanc::sql::Database db(path, false);
    db.exec("CREATE TABLE fail_after(rows INTEGER);"
            "CREATE TRIGGER fail_move BEFORE INSERT ON fuzzy_postings"
            " WHEN (SELECT count(*) FROM fuzzy_postings) >= (SELECT rows FROM fail_after)"
            " BEGIN SELECT RAISE(ABORT, 'disk full'); END;");
    db.exec("INSERT INTO fail_after SELECT count(*) + 40 FROM fuzzy_postings");
  }
  const std::int64_t through_before = [&] {
    dilmanc::sql::Database db(path, false);
    return dilmanc::memory::fuzzy::state_value(db, "postings_through");
  }();
  {
    TranslationMemory::Batch batch(memory);
    units.add(memory, 800);  // runs, merged at the commit
    CHECK_THROWS(batch.commit());
    batch.commit();  // tried again: the variants are kept, their postings wait
  }
  {
    dilmanc::sql::Database db(path, false);
    CHECK(dilmanc::memory::fuzzy::state_value(db, "postings_through") == through_before);
    {
      dilmanc::sql::Statement above(db, "SELECT count(*) FROM fuzzy_postings WHERE chunk > ?1");
      above.bind(1, through_before);
      REQUIRE(above.step());
      CHECK(above.int64(0) == 0);
    }
    db.exec("DROP TRIGGER fail_move; DROP TABLE fail_after;");
  }
  const std::int64_t written = [&] {
    dilmanc::sql::Database db(path, false);
    dilmanc::sql::Statement s(db, "SELECT count(*) FROM fuzzy_variants WHERE variant_id > ?1");
    s.bind(1, through_before);
    REQUIRE(s.step());
    return s.int64(0);
  }();
  CHECK(written > 1500);  // some sentences repeat
  CHECK(check_postings(path) == written);
  // The next move reads the waiting variants back and takes them along.
  {
    TranslationMemory::Batch batch(memory);
    units.add(memory, 300);
    batch.commit();
  }
  CHECK(check_postings(path) == 0);
  CHECK(units.check_lookups(memory, 100) > 60);
}

TEST_CASE("fuzzy index: a memory written before the index existed gets one when opened") {
  TempDir dir;
  const std::string path = (dir / "memory.db").string();
  {
    TranslationMemory memory(path);
    memory.add(pair_unit("en", plain("Save the file"), "ru", plain("Сохранить файл"), 1));
  }
  TranslationMemory memory(path);
  FuzzyMatcher matcher(memory);
  auto m = matcher.find("Save this file", "en", "ru");
  REQUIRE(m.size() == 1);
  CHECK(m[0].score == 66);
}

TEST_CASE("dilmanc query: text, batches on standard input, JSON, errors") {
  using dilmanc::test::run_cli;
  TempDir dir;
  const std::string path = (dir / "memory.db").string();
  {
    TranslationMemory memory(path);
    memory.add(pair_unit("en", plain("The report for 2019 is ready."), "ru", plain("Отчёт за 2019 год готов."), 1));
    memory.add(pair_unit("en", plain("The ministry published the new migration rules on its website."), "ru",
                         plain("Министерство опубликовало новые миграционные правила на своём сайте."), 2));
  }
  auto one = run_cli({"query", "--memory", path, "--from", "en", "--to", "ru", "The report for 2023 is ready."});
  CHECK(one.exit_code == 0);
  CHECK(one.out.find("Отчёт за 2023 год готов.") != std::string::npos);
  CHECK(one.out.find("adapted") != std::string::npos);
  CHECK(one.out.find("[-2019-]{+2023+}") != std::string::npos);  // no colours off a terminal
  CHECK(one.out.find("\x1b[") == std::string::npos);
  CHECK(one.out.find("generated.tmx #1") != std::string::npos);

  auto batch = run_cli({"query", "--memory", path, "--from", "en", "--to", "ru", "--json"},
                       "The report for 2019 is ready.\nThe ministry published the new visa rules on its website.\n"
                       "Nothing like this at all here.\n");
  CHECK(batch.exit_code == 0);
  CHECK(batch.out.rfind("{\"from\": \"en\", \"to\": \"ru\", \"min\": 50, \"queries\": [", 0) == 0);
  CHECK(batch.out.find("\"score\": 100") != std::string::npos);
  CHECK(batch.out.find("\"score\": 90") != std::string::npos);
  CHECK(batch.out.find("{\"kind\": \"replaced\", \"query\": \"visa\", \"source\": \"migration\"}") != std::string::npos);
  CHECK(batch.out.find("{\"query\": \"Nothing like this at all here.\", \"matches\": []}") != std::string::npos);

  auto exhaustive = run_cli({"query", "--memory", path, "--from", "en", "--to", "ru", "--json", "--exhaustive"},
                            "The report for 2019 is ready.\nThe ministry published the new visa rules on its website.\n"
                            "Nothing like this at all here.\n");
  CHECK(exhaustive.out == batch.out);

  auto az = run_cli({"--ui-lang", "az", "query", "--memory", path, "--from", "en", "--to", "ru", "Nothing here"});
  CHECK(az.out.find("uyğunluq tapılmadı") != std::string::npos);

  auto bad_min = run_cli({"query", "--memory", path, "--from", "en", "--to", "ru", "--min", "0", "x"});
  CHECK(bad_min.exit_code == 2);
  auto bad_lang = run_cli({"query", "--memory", path, "--from", "xx", "--to", "ru", "x"});
  CHECK(bad_lang.exit_code == 2);
  auto no_memory = run_cli({"query", "--memory", (dir / "missing.db").string(), "--from", "en", "--to", "ru", "x"});
  CHECK(no_memory.exit_code == 1);
  CHECK(!no_memory.err.empty());
  auto bad_utf8 = run_cli({"query", "--memory", path, "--from", "en", "--to", "ru"}, "fine\nbad \xff here\n");
  CHECK(bad_utf8.exit_code == 1);
  CHECK(bad_utf8.err.find("-:2") != std::string::npos);
}

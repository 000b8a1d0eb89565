// Analysis: band counts of the example articles against the bundled memory, agreement with
// extract, weights, the localized table and dates, JSON, the HTML page, the command line.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "dilmanc/analysis.h"
#include "dilmanc/error.h"
#include "dilmanc/extract.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/leverage.h"
#include "dilmanc/messages.h"
#include "dilmanc/report_format.h"
#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "dilmanc/word_count.h"
#include "dilmanc/xliff.h"
#include "support.h"

using dilmanc::Analysis;
using dilmanc::AnalysisOptions;
using dilmanc::BandCount;
using dilmanc::LeverageBand;
using dilmanc::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string example(const std::string& name) { return (dilmanc::test::source_dir() / "examples" / name).string(); }

// The bundled memory, imported into a fresh file.
std::string bundled_memory(const TempDir& dir) {
  const std::string path = (dir / "press-office.db").string();
  dilmanc::TranslationMemory memory(path);
  dilmanc::import_file(memory, (dilmanc::test::source_dir() / "memories" / "press-office.tmx").string());
  return path;
}

AnalysisOptions en_to(std::vector<std::string> targets) {
  AnalysisOptions o;
  o.source_language = "en";
  o.target_languages = std::move(targets);
  return o;
}

}  // namespace

TEST_CASE("analysis: the example articles against the bundled memory") {
  TempDir dir;
  dilmanc::TranslationMemory memory(bundled_memory(dir));
  dilmanc::FuzzyMatcher matcher(memory);

  // Every sentence of the plain-text article is in the memory as it is.
  const Analysis text = dilmanc::analyze({example("global-forum-on-refugees.en.txt")}, &matcher, en_to({"az"}));
  REQUIRE(text.languages.size() == 1);
  const auto& az = text.languages[0];
  CHECK(az.of(LeverageBand::kExact) == BandCount{20, 627, 3464});
  CHECK(az.total == BandCount{20, 627, 3464});
  CHECK(text.articles[0].total == BandCount{20, 627, 3464});
  CHECK(az.weighted_words == doctest::Approx(62.7));

  // The HTML page alone, then both: the page's sentences that the text article has are
  // repetitions across the batch.
  const Analysis page = dilmanc::analyze({example("global-forum-on-refugees.en.html")}, &matcher, en_to({"az"}));
  const auto& p = page.languages[0];
  CHECK(p.total == BandCount{39, 761, 4132});
  CHECK(p.of(LeverageBand::kRepetition) == BandCount{2, 33, 161});
  CHECK(p.of(LeverageBand::kExact) == BandCount{20, 405, 2225});
  CHECK(p.of(LeverageBand::kFuzzy95) == BandCount{17, 323, 1746});
  CHECK(p.of(LeverageBand::kNoMatch).segments == 0);

  const Analysis both = dilmanc::analyze(
      {example("global-forum-on-refugees.en.txt"), example("global-forum-on-refugees.en.html")}, &matcher,
      en_to({"az", "ru"}));
  REQUIRE(both.languages.size() == 2);
  for (const auto& l : both.languages) {
    CHECK(l.total == BandCount{59, 1388, 7596});
    CHECK(l.of(LeverageBand::kRepetition) == BandCount{14, 359, 1998});
    CHECK(l.of(LeverageBand::kExact) == BandCount{28, 706, 3852});
    CHECK(l.of(LeverageBand::kFuzzy95) == BandCount{17, 323, 1746});
  }
  CHECK(both.total.total == BandCount{118, 2776, 15192});
  CHECK(both.total.weighted_words == doctest::Approx(2 * (35.9 + 70.6 + 96.9)));

  // Without a memory everything is new.
  const Analysis none = dilmanc::analyze({example("global-forum-on-refugees.en.txt")}, nullptr, en_to({"ru"}));
  CHECK(none.languages[0].of(LeverageBand::kNoMatch) == BandCount{20, 627, 3464});
}

TEST_CASE("analysis: the counts agree with what extract writes into the XLIFF") {
  TempDir dir;
  dilmanc::TranslationMemory memory(bundled_memory(dir));
  dilmanc::FuzzyMatcher matcher(memory);
  const std::string article = example("global-forum-on-refugees.en.html");
  const Analysis analysis = dilmanc::analyze({article}, &matcher, en_to({"ru"}));

  dilmanc::ExtractOptions options;
  options.source_language = "en";
  options.target_languages = {"ru"};
  options.min_score = 50;
  options.output_dir = dir.path();
  const auto files = dilmanc::extract({article}, options, &matcher);
  REQUIRE(files.size() == 1);
  const dilmanc::XliffDocument xliff = dilmanc::read_xliff(files[0].path);

  // Each XLIFF segment in the analysis category of its best candidate (or repetition).
  std::array<BandCount, dilmanc::kLeverageBandCount> from_xliff{};
  for (const auto& file : xliff.files)
    for (const auto& unit : file.units)
      for (const auto& s : unit.segments) {
        if (s.ignorable) continue;
        const int best = s.matches.empty() ? 0 : s.matches.front().score;
        LeverageBand band = dilmanc::band_for_score(best);
        if (!s.repetition_of.empty() && band != LeverageBand::kInContext) band = LeverageBand::kRepetition;
        const dilmanc::WordCount c = dilmanc::count_words(s.source, "en");
        from_xliff[static_cast<std::size_t>(band)] += BandCount{1, c.words, c.characters};
      }
  for (LeverageBand band : dilmanc::all_leverage_bands()) {
    INFO("band " << dilmanc::leverage_band_key(band));
    CHECK(from_xliff[static_cast<std::size_t>(band)] == analysis.languages[0].of(band));
  }
}

TEST_CASE("analysis: weights") {
  const auto w = dilmanc::parse_weights("101=0,rep=0.25,new=1.5");
  CHECK(w.of(LeverageBand::kRepetition) == 0.25);
  CHECK(w.of(LeverageBand::kNoMatch) == 1.5);
  CHECK(w.of(LeverageBand::kFuzzy85) == 0.6);  // the default stays
  CHECK(dilmanc::parse_weights("").of(LeverageBand::kExact) == 0.1);
  CHECK_THROWS_AS(dilmanc::parse_weights("99=1"), dilmanc::Error);
  CHECK_THROWS_AS(dilmanc::parse_weights("95=x"), dilmanc::Error);
  CHECK_THROWS_AS(dilmanc::parse_weights("95=-1"), dilmanc::Error);
  CHECK_THROWS_AS(dilmanc::parse_weights("95"), dilmanc::Error);

  TempDir dir;
  dilmanc::TranslationMemory memory(bundled_memory(dir));
  dilmanc::FuzzyMatcher matcher(memory);
  AnalysisOptions o = en_to({"az"});
  o.weights = dilmanc::parse_weights("100=0.5");
  const Analysis a = dilmanc::analyze({example("global-forum-on-refugees.en.txt")}, &matcher, o);
  CHECK(a.languages[0].weighted_words == doctest::Approx(313.5));
}

TEST_CASE("analysis: dates and numbers in the reader's language") {
  const std::time_t day = 1795824000;  // 2026-11-28T00:00:00Z
  CHECK(dilmanc::format_long_date(day, dilmanc::format_locale("az")) == "28 noyabr 2026");
  CHECK(dilmanc::format_long_date(day, dilmanc::format_locale("ru")) == "28 ноября 2026");
  CHECK(dilmanc::format_long_date(day, dilmanc::format_locale("en")) == "28 November 2026");
  CHECK(dilmanc::format_long_date(1772323200, dilmanc::format_locale("az")) == "1 mart 2026");
  CHECK(dilmanc::format_count(1234567, dilmanc::format_locale("en")) == "1,234,567");
  CHECK(dilmanc::format_count(1234567, dilmanc::format_locale("az")) == "1.234.567");
  CHECK(dilmanc::format_count(1234567, dilmanc::format_locale("ru")) == "1\u00a0234\u00a0567");
  CHECK(dilmanc::format_decimal(62.7, 1, dilmanc::format_locale("ru")) == "62,7");
  CHECK(dilmanc::html_escape("a<b & \"c\"") == "a&lt;b &amp; &quot;c&quot;");
}

TEST_CASE("analysis: table, JSON and HTML page") {
  TempDir dir;
  dilmanc::TranslationMemory memory(bundled_memory(dir));
  dilmanc::FuzzyMatcher matcher(memory);
  Analysis a = dilmanc::analyze({example("global-forum-on-refugees.en.html")}, &matcher, en_to({"az", "ru"}));
  a.created = 1795824000;

  const std::string json = dilmanc::analysis_json(a);
  CHECK(json.find("\"created\": \"2026-11-28T00:00:00Z\"") != std::string::npos);
  CHECK(json.find("\"rep\": {\"segments\": 2, \"words\": 33, \"characters\": 161}") != std::string::npos);
  CHECK(json.find("\"target_language\": \"ru\"") != std::string::npos);

  const std::string table = dilmanc::analysis_table(a, dilmanc::format_locale("en"));
  CHECK(table.find("28 November 2026") != std::string::npos);
  CHECK(table.find("95–99%") != std::string::npos);
  CHECK(table.find("4,132") != std::string::npos);

  const fs::path page = dir / "report.html";
  dilmanc::write_analysis_html(a, page, dilmanc::format_locale("en"), "en");
  const std::string html = dilmanc::test::read_file(page);
  CHECK(html.find("<html lang=\"en\">") != std::string::npos);
  CHECK(html.find("class=\"bar\"") != std::string::npos);
  CHECK(html.find("data-band=\"95\"") != std::string::npos);
  CHECK(html.find("http") == std::string::npos);  // nothing external
  CHECK(html.find("28 November 2026") != std::string::npos);
}

TEST_CASE("analysis: an HTML article in another language is refused") {
  TempDir dir;
  CHECK_THROWS_AS(dilmanc::analyze({example("global-forum-on-refugees.az.html")}, nullptr, en_to({"ru"})),
                  dilmanc::Error);
  CHECK_THROWS_AS(dilmanc::analyze({example("global-forum-on-refugees.en.txt")}, nullptr, en_to({"en"})),
                  dilmanc::Error);
  CHECK_THROWS_AS(dilmanc::analyze({}, nullptr, en_to({"az"})), dilmanc::Error);
}

TEST_CASE("analyze command: localized table, JSON, HTML, errors") {
  TempDir dir;
  const std::string db = bundled_memory(dir);
  const std::string article = example("global-forum-on-refugees.en.txt");
  auto ru = dilmanc::test::run_cli({"analyze", article, "--from", "en", "--to", "az", "--memory", db, "--ui-lang", "ru"});
  CHECK(ru.exit_code == 0);
  CHECK(ru.out.find("Сегменты") != std::string::npos);
  CHECK(ru.out.find("3\u00a0464") != std::string::npos);

  auto az = dilmanc::test::run_cli({"analyze", article, "--from", "en", "--to", "az", "--memory", db, "--ui-lang", "az",
                                    "--html", (dir / "r.html").string()});
  CHECK(az.exit_code == 0);
  CHECK(az.out.find("Sözlər") != std::string::npos);
  CHECK(az.out.find("3.464") != std::string::npos);
  const std::string page = dilmanc::test::read_file(dir / "r.html");
  CHECK(page.find("<html lang=\"az\">") != std::string::npos);

  auto json = dilmanc::test::run_cli({"analyze", article, "--from", "en", "--to", "az,ru", "--json", "--memory", db,
                                      "--weights", "100=0.2"});
  CHECK(json.exit_code == 0);
  CHECK(json.out.find("\"100\": {\"segments\": 20, \"words\": 627, \"characters\": 3464}") != std::string::npos);
  CHECK(json.out.find("\"weighted_words\": 125.4") != std::string::npos);

  auto bad = dilmanc::test::run_cli({"analyze", article, "--from", "en", "--to", "az", "--memory", db, "--weights", "99=1"});
  CHECK(bad.exit_code == 2);
  auto wrong = dilmanc::test::run_cli(
      {"analyze", example("global-forum-on-refugees.ru.html"), "--from", "en", "--to", "az", "--memory", db});
  CHECK(wrong.exit_code == 1);
  CHECK(wrong.err.find("global-forum-on-refugees.ru.html") != std::string::npos);
  auto missing = dilmanc::test::run_cli({"analyze", (dir / "nope.txt").string(), "--from", "en", "--to", "az",
                                        "--memory", db});
  CHECK(missing.exit_code == 1);
}

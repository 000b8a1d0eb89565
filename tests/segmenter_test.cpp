#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dilmanc/error.h"
#include "dilmanc/segmenter.h"
#include "segmentation_cases.h"
#include "support.h"

using dilmanc::Error;
using dilmanc::Segmenter;
using dilmanc::SegmenterOptions;
using dilmanc::SentenceSpan;
using dilmanc::test::read_segmentation_cases;
using dilmanc::test::segment_as_cli;
using dilmanc::test::shared_dir;
using dilmanc::test::source_dir;
using dilmanc::test::TempDir;
using dilmanc::test::write_file;

namespace {

std::vector<std::string> sentences(const Segmenter& s, std::string_view text) {
  std::vector<std::string> out;
  for (const SentenceSpan& span : s.split(text)) out.emplace_back(text.substr(span.begin, span.end - span.begin));
  return out;
}

using Lines = std::vector<std::string>;

}  // namespace

TEST_CASE("spans are byte offsets without the surrounding whitespace") {
  Segmenter az("az");
  std::string text = "  Prezident İ. Əliyev çıxış edib.\u00a0 Görüş başa çatıb.  ";
  auto spans = az.split(text);
  REQUIRE(spans.size() == 2);
  CHECK(spans[0].begin == 2);
  CHECK(text.substr(spans[0].begin, spans[0].end - spans[0].begin) == "Prezident İ. Əliyev çıxış edib.");
  CHECK(text.substr(spans[1].begin, spans[1].end - spans[1].begin) == "Görüş başa çatıb.");
  CHECK(spans[1].end == text.size() - 2);
  CHECK(spans[0].end <= spans[1].begin);
}

TEST_CASE("empty and blank paragraphs give no sentences") {
  Segmenter en("en");
  CHECK(en.split("").empty());
  CHECK(en.split(" \n\t ").empty());
  CHECK(sentences(en, "No stop at the end") == Lines{"No stop at the end"});
}

TEST_CASE("a line break is whitespace unless line breaks end sentences") {
  const std::string text = "Azerbaijan is represented\nat the Forum\nHeadline";
  CHECK(sentences(Segmenter("en"), text) == Lines{text});
  SegmenterOptions options;
  options.line_breaks_end_sentences = true;
  CHECK(sentences(Segmenter("en", options), text) == Lines{"Azerbaijan is represented", "at the Forum", "Headline"});
  // and an abbreviation cannot hold a sentence across a line break in that mode
  CHECK(sentences(Segmenter("en", options), "Signed by Dr.\nSmith") == Lines{"Signed by Dr.", "Smith"});
}

TEST_CASE("sentence_as_line joins the lines of a sentence with one space") {
  CHECK(dilmanc::sentence_as_line("It was a cold \nnight.") == "It was a cold night.");
  CHECK(dilmanc::sentence_as_line("one\r\n  two\nthree") == "one two three");
  CHECK(dilmanc::sentence_as_line("kept  as   is") == "kept  as   is");
}

TEST_CASE("the built-in rules per language") {
  CHECK(Segmenter("en-GB").language() == "en-GB");
  CHECK(sentences(Segmenter("en-GB"), "Mr. Smith came. He left.") == Lines{"Mr. Smith came.", "He left."});
  // Russian: "г." after a year before a capital ends the sentence; before a name it does not
  CHECK(sentences(Segmenter("ru"), "Работа ведётся с 2022 г. Об этом сообщили в г. Баку.") ==
        Lines{"Работа ведётся с 2022 г.", "Об этом сообщили в г. Баку."});
  // a language without rules of its own still gets the language-independent ones
  CHECK(sentences(Segmenter("de"), "Das sagte V. Huseynov. Er kam am 13.12.2023 an.") ==
        Lines{"Das sagte V. Huseynov.", "Er kam am 13.12.2023 an."});
}

TEST_CASE("abbreviations: a capital after them may start a sentence, a lower-case word does not") {
  CHECK(sentences(Segmenter("ru"), "Прибыли 250 тыс. беженцев. Им помогают.") ==
        Lines{"Прибыли 250 тыс. беженцев.", "Им помогают."});
  CHECK(sentences(Segmenter("ru"), "Прибыло 250 тыс. Это рекорд.") == Lines{"Прибыло 250 тыс.", "Это рекорд."});
  CHECK(sentences(Segmenter("az"), "Səfirliklər və s. beynəlxalq təşkilatlar iştirak edib.") ==
        Lines{"Səfirliklər və s. beynəlxalq təşkilatlar iştirak edib."});
  CHECK(sentences(Segmenter("az"), "Səfirliklər və s. Bu barədə məlumat verilib.") ==
        Lines{"Səfirliklər və s.", "Bu barədə məlumat verilib."});
}

TEST_CASE("closing quotes and brackets stay with the sentence they end") {
  Segmenter en("en");
  CHECK(sentences(en, "He said: \"It is over.\" Then he left.") == Lines{"He said: \"It is over.\"", "Then he left."});
  CHECK(sentences(en, "He said: “It is over.” Then he left.") == Lines{"He said: “It is over.”", "Then he left."});
  CHECK(sentences(en, "(The text is final.) Then he left.") == Lines{"(The text is final.)", "Then he left."});
  CHECK(sentences(Segmenter("ru"), "Он сказал: «Всё кончено.» Затем ушёл.") ==
        Lines{"Он сказал: «Всё кончено.»", "Затем ушёл."});
}

TEST_CASE("rules from an SRX file") {
  TempDir dir;
  write_file(dir / "rules.srx", R"(<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="no"/>
  <body>
    <languagerules>
      <languagerule languagerulename="Custom">
        <rule break="no"><beforebreak>\bChapter\s\d+\.</beforebreak><afterbreak>\s</afterbreak></rule>
        <rule break="yes"><beforebreak>;</beforebreak><afterbreak>\s</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules><languagemap languagepattern=".*" languagerulename="Custom"/></maprules>
  </body>
</srx>
)");
  auto custom = Segmenter::FromSrxFile((dir / "rules.srx").string(), "en");
  CHECK(sentences(custom, "See Chapter 5. The rest; and more.") == Lines{"See Chapter 5. The rest;", "and more."});

  write_file(dir / "broken.srx", "<?xml version=\"1.0\"?>\n<srx>\n  <body>\n</srx>\n");
  try {
    Segmenter::FromSrxFile((dir / "broken.srx").string(), "en");
    FAIL("no error raised");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().line == 4);
  }
  CHECK_THROWS_AS(Segmenter::FromSrxFile((dir / "none.srx").string(), "en"), Error);
}

TEST_CASE("the real-world SRX files segment text") {
  SKIP_WITHOUT_SHARED();
  auto dir = *shared_dir() / "data" / "srx";
  for (const char* file : {"languagetool-segment.srx", "okapi-default-icu4j.srx"}) {
    CAPTURE(file);
    auto en = Segmenter::FromSrxFile((dir / file).string(), "en");
    CHECK(sentences(en, "Mr. Smith arrived in Geneva on Monday. The talks began at noon. Did they end?") ==
          Lines{"Mr. Smith arrived in Geneva on Monday.", "The talks began at noon.", "Did they end?"});
    auto ru = Segmenter::FromSrxFile((dir / file).string(), "ru");
    CHECK(sentences(ru, "Делегация прибыла в Женеву. Переговоры начались в полдень.") ==
          Lines{"Делегация прибыла в Женеву.", "Переговоры начались в полдень."});
    auto az = Segmenter::FromSrxFile((dir / file).string(), "az");
    CHECK(sentences(az, "Nümayəndə heyəti Cenevrəyə gəlib. Danışıqlar başlayıb.") ==
          Lines{"Nümayəndə heyəti Cenevrəyə gəlib.", "Danışıqlar başlayıb."});
  }
}

TEST_CASE("our news cases: every one passes, in every language") {
  for (const char* lang : {"az", "en", "ru"}) {
    CAPTURE(lang);
    auto cases = read_segmentation_cases(source_dir() / "tests" / "data" / "segmentation" /
                                         (std::string("news.") + lang + ".jsonl"));
    CHECK(cases.size() >= 30);
    Segmenter segmenter(lang);
    for (const auto& c : cases) {
      CAPTURE(c.id);
      CHECK(segment_as_cli(segmenter, c.text) == c.sentences);
    }
  }
}

// Extract: articles to XLIFF, with and without a memory; ids, states, candidates,
// repetitions; the files validate; targets put back into the document give the edition.
#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "dilmanc/error.h"
#include "dilmanc/extract.h"
#include "dilmanc/formats.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/translation_memory.h"
#include "dilmanc/xliff.h"
#include "support.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

const char* kText =
    "Leaders meet in Baku\n"
    "\n"
    "The summit opened on Monday. The delegation met the press.\n"
    "\n"
    "The delegation met the press. Talks went on until late.\n";

const char* kHtml =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Leaders meet in Baku</title></head>\n"
    "<body><h1>Leaders <em>meet</em> in Baku</h1>\n"
    "<p>The summit opened on <b>Monday</b>. <a href=\"/x\">Read the full report</a>.<br>Talks went on.</p>\n"
    "<p><img src=\"f.png\" alt=\"The flag\"> Photo</p>\n</body></html>\n";

TranslationUnit tm_unit(const std::string& en, const std::string& ru, std::optional<std::int64_t> prev = std::nullopt,
                        std::optional<std::int64_t> next = std::nullopt) {
  TranslationUnit u;
  u.source_lang = "en";
  u.context_prev = prev;
  u.context_next = next;
  Variant s, t;
  s.tag = "en";
  s.text.text = en;
  t.tag = "ru";
  t.text.text = ru;
  u.variants = {s, t};
  return u;
}

int xmllint(const fs::path& schema, const fs::path& file) {
  std::string cmd = "xmllint --nonet --noout --schema '" + schema.string() + "' '" + file.string() + "' >/dev/null 2>&1";
  int status = std::system(cmd.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

const XliffSegment* segment(const XliffDocument& doc, const std::string& id) {
  for (const XliffUnit& u : doc.files.at(0).units)
    for (const XliffSegment& s : u.segments)
      if (s.id == id) return &s;
  return nullptr;
}

// What merge does with a target read from XLIFF: codes carry block ids; the document wants
// the segment's own numbering.
InlineText to_segment_ids(const InlineText& target, const Segment& segment, const Block& block) {
  InlineText out = target;
  for (InlineCode& c : out.codes)
    for (std::size_t k = 0; k < segment.source.codes.size(); ++k)
      if (segment.source.codes[k].kind == c.kind && block.source.codes[segment.block_codes[k]].id == c.id) {
        c.id = segment.source.codes[k].id;
        break;
      }
  return out;
}

// A stand-in translation: the source with every letter run prefixed by "ru-".
InlineText pseudo_translate(const InlineText& source) {
  InlineText out;
  out.codes = source.codes;
  bool in_word = false;
  for (char c : source.text) {
    bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (letter && !in_word) out.text += "ru-";
    in_word = letter;
    out.text += c;
  }
  return out;
}

}  // namespace

TEST_CASE("extract without a memory: one file per language, ids from the document, repetitions") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  ExtractOptions o;
  o.source_language = "en";
  o.target_languages = {"ru", "az"};
  o.output_dir = dir.path();
  const std::vector<ExtractedFile> files = extract({(dir / "summit.en.txt").string()}, o, nullptr);
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == dir / "summit.ru.xlf");
  CHECK(files[1].path == dir / "summit.az.xlf");
  CHECK(files[0].counts.segments == 5);
  CHECK(files[0].counts.no_match == 5);
  CHECK(files[0].counts.repetitions == 1);

  const XliffDocument doc = read_xliff(files[0].path);
  const XliffFile& f = doc.files.at(0);
  CHECK(f.original == "summit.en.txt");
  CHECK(f.datatype == "plaintext");
  CHECK(f.source_language == "en");
  CHECK(f.target_language == "ru");
  REQUIRE(f.units.size() == 3);
  CHECK(f.units[0].id == "b1");
  CHECK(f.units[0].kind == "title");
  CHECK(f.units[0].segments.at(0).source.text == "Leaders meet in Baku");
  const XliffUnit& p1 = f.units[1];
  REQUIRE(p1.segments.size() == 3);
  CHECK(p1.segments[0].id == "b2.s1");
  CHECK(p1.segments[1].ignorable);
  CHECK(p1.segments[2].id == "b2.s2");
  CHECK(p1.segments[2].source.text == "The delegation met the press.");
  // No target: XLIFF 1.2 keeps the state on <target>, so there is none to read.
  CHECK_FALSE(p1.segments[0].has_target);
  CHECK(p1.segments[0].state == XliffState::kUnspecified);
  CHECK(segment(doc, "b3.s1")->repetition_of == "b2.s2");
  CHECK(f.units[0].notes.at(0).text.rfind("title", 0) == 0);
  CHECK(f.units[0].notes.at(0).from == "dilmanc");
}

TEST_CASE("extract with a memory: in-context, exact and fuzzy matches take their states") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  TranslationMemory memory((dir / "tm.db").string());
  // In context: the title, followed by the first sentence of the article.
  memory.add(tm_unit("Leaders meet in Baku", "Лидеры встречаются в Баку", std::nullopt,
                     segment_hash("The summit opened on Monday.")));
  memory.add(tm_unit("Talks went on until late.", "Переговоры шли до позднего вечера."));
  memory.add(tm_unit("The summit opened on Tuesday.", "Саммит открылся во вторник."));
  FuzzyMatcher matcher(memory);

  ExtractOptions o;
  o.source_language = "en";
  o.target_languages = {"ru"};
  o.output_dir = dir.path();
  o.min_score = 75;
  std::vector<ExtractedFile> files = extract({(dir / "summit.en.txt").string()}, o, &matcher);
  const LeverageCounts& c = files.at(0).counts;
  CHECK(c.in_context == 1);
  CHECK(c.exact == 1);
  CHECK(c.fuzzy == 1);
  CHECK(c.no_match == 2);

  XliffDocument doc = read_xliff(files[0].path);
  const XliffSegment* title = segment(doc, "b1");  // a block of one sentence: the unit's id
  REQUIRE(title);
  CHECK(title->target.text == "Лидеры встречаются в Баку");
  CHECK(title->state == XliffState::kTranslated);
  CHECK(title->state_qualifier == "exact-match");
  CHECK(title->approved == false);
  REQUIRE(title->matches.size() == 1);
  CHECK(title->matches[0].score == 101);
  CHECK(title->matches[0].in_context);

  // 1.2 holds one state per block: b2 has a fuzzy and an unmatched sentence.
  const XliffSegment* fuzzy = segment(doc, "b2.s1");
  REQUIRE(fuzzy);
  CHECK_FALSE(fuzzy->has_target);
  CHECK(fuzzy->state == XliffState::kUnspecified);
  REQUIRE(fuzzy->matches.size() == 1);
  CHECK(fuzzy->matches[0].score >= 75);
  CHECK(fuzzy->matches[0].score < 100);
  CHECK(fuzzy->matches[0].target.text == "Саммит открылся во вторник.");
  const XliffSegment* exact = segment(doc, "b3.s2");
  REQUIRE(exact);
  CHECK(exact->target.text == "Переговоры шли до позднего вечера.");

  // 2.1 keeps a state per segment; --prefill puts the best fuzzy match in the target.
  o.version = XliffVersion::k21;
  o.prefill = true;
  files = extract({(dir / "summit.en.txt").string()}, o, &matcher);
  doc = read_xliff(files[0].path);
  CHECK(segment(doc, "b1.s1")->state == XliffState::kTranslated);
  CHECK(segment(doc, "b1.s1")->state_qualifier == "exact-match");
  CHECK(segment(doc, "b3.s2")->state_qualifier == "leveraged-tm");
  CHECK(segment(doc, "b2.s1")->target.text == "Саммит открылся во вторник.");
  CHECK(segment(doc, "b2.s1")->state_qualifier == "fuzzy-match");
  CHECK(xliff2_state_name(segment(doc, "b2.s1")->state) == "translated");
  CHECK(segment(doc, "b2.s2")->state == XliffState::kNeedsTranslation);

  // Nothing under --min is offered.
  o.min_score = 100;
  files = extract({(dir / "summit.en.txt").string()}, o, &matcher);
  CHECK(files[0].counts.fuzzy == 0);
  CHECK(segment(read_xliff(files[0].path), "b2.s1")->matches.empty());
}

TEST_CASE("extracted files validate, and their targets put back give the edition, markup intact") {
  TempDir dir;
  write_file(dir / "page.en.html", kHtml);
  write_file(dir / "summit.en.txt", kText);
  for (XliffVersion version : {XliffVersion::k12, XliffVersion::k21}) {
    CAPTURE(static_cast<int>(version));
    ExtractOptions o;
    o.source_language = "en";
    o.target_languages = {"ru"};
    o.output_dir = dir.path();
    o.version = version;
    const auto files = extract({(dir / "page.en.html").string(), (dir / "summit.en.txt").string()}, o, nullptr);
    REQUIRE(files.size() == 2);
    if (shared_dir()) {
      const fs::path schemas = *shared_dir() / "data" / "schemas";
      const fs::path schema = version == XliffVersion::k12 ? schemas / "xliff-core-1.2-strict.xsd"
                                                           : schemas / "xliff-2.1" / "xliff_2.1_core_and_modules.xsd";
      for (const ExtractedFile& f : files) CHECK(xmllint(schema, f.path) == 0);
    }
    for (const char* name : {"page.en.html", "summit.en.txt"}) {
      CAPTURE(name);
      Document doc = read_document((dir / name).string());
      segment_document(doc, Segmenter("en"));
      const std::string base = fs::path(name).stem().stem().string();
      const XliffDocument x = read_xliff(dir / (base + ".ru.xlf"));
      // The translator's work, simulated: every sentence of the XLIFF gets a translation.
      std::vector<std::string> expected;
      for (Block& block : doc.blocks) {
        for (Segment& s : block.segments) {
          const XliffSegment* xs = segment(x, s.id);
          if (!xs) xs = segment(x, block.id);  // 1.2: a block of one sentence
          REQUIRE(xs);
          const InlineText target = pseudo_translate(xs->source);
          set_translation(doc, s.id, to_segment_ids(target, s, block));
          expected.push_back(plain_text(target));
        }
      }
      const std::string edition = render_document(doc);
      for (const std::string& t : expected) CHECK_MESSAGE(edition.find(t.substr(0, 12)) != std::string::npos, t);
      if (std::string(name) == "page.en.html") {
        CHECK(edition.find("<h1>ru-Leaders <em>ru-meet</em> ru-in ru-Baku</h1>") != std::string::npos);
        CHECK(edition.find("<a href=\"/x\">ru-Read ru-the ru-full ru-report</a>.<br>ru-Talks") != std::string::npos);
        CHECK(edition.find("alt=\"ru-The ru-flag\"") != std::string::npos);
      }
    }
  }
}

TEST_CASE("extract refuses bad requests and writes nothing") {
  TempDir dir;
  write_file(dir / "a.en.txt", kText);
  fs::create_directories(dir / "sub");
  write_file(dir / "sub" / "a.en.txt", kText);
  ExtractOptions o;
  o.source_language = "en";
  o.target_languages = {"ru"};
  o.output_dir = dir.path();
  auto kind_of = [&](const std::vector<std::string>& articles, const ExtractOptions& options) {
    try {
      extract(articles, options, nullptr);
    } catch (const Error& e) {
      return e.kind();
    }
    FAIL("no error");
    return Error::Kind::kUsage;
  };
  CHECK(kind_of({(dir / "a.en.txt").string(), (dir / "sub" / "a.en.txt").string()}, o) == Error::Kind::kUsage);
  ExtractOptions same = o;
  same.target_languages = {"en-GB"};
  CHECK(kind_of({(dir / "a.en.txt").string()}, same) == Error::Kind::kUsage);
  ExtractOptions taken = o;
  write_file(dir / "taken", "x");
  taken.output_dir = dir / "taken";
  CHECK(kind_of({(dir / "a.en.txt").string()}, taken) == Error::Kind::kUsage);
  // The second article cannot be read: not even the first one's file is written, nor a
  // folder made for it.
  CHECK(kind_of({(dir / "a.en.txt").string(), (dir / "gone.en.txt").string()}, o) == Error::Kind::kIo);
  CHECK_FALSE(fs::exists(dir / "a.ru.xlf"));
  ExtractOptions fresh = o;
  fresh.output_dir = dir / "new" / "xliff";
  CHECK(kind_of({(dir / "a.en.txt").string(), (dir / "gone.en.txt").string()}, fresh) == Error::Kind::kIo);
  CHECK_FALSE(fs::exists(dir / "new"));
  ExtractOptions low = o;
  low.min_score = 0;
  CHECK(kind_of({(dir / "a.en.txt").string()}, low) == Error::Kind::kUsage);
}

TEST_CASE("extract -o creates a missing output folder and its parents") {
  TempDir dir;
  write_file(dir / "a.en.txt", kText);
  ExtractOptions o;
  o.source_language = "en";
  o.target_languages = {"ru", "az"};
  o.output_dir = dir / "to" / "translators";
  const auto files = extract({(dir / "a.en.txt").string()}, o, nullptr);
  REQUIRE(files.size() == 2);
  CHECK(files[0].path == dir / "to" / "translators" / "a.ru.xlf");
  CHECK(read_xliff(files[0].path).files.at(0).original == "../../a.en.txt");
  // Only the two files: each written whole, no temporary file left.
  CHECK(std::distance(fs::directory_iterator(dir / "to" / "translators"), fs::directory_iterator()) == 2);
  // The same from the command line, with a trailing slash.
  CliResult r = run_cli({"extract", "--memory", (dir / "none.db").string(), "--from", "en", "--to", "ru", "-o",
                         (dir / "cli" / "out").string() + "/", (dir / "a.en.txt").string()});
  CHECK(r.exit_code == 0);
  CHECK(fs::exists(dir / "cli" / "out" / "a.ru.xlf"));
}

TEST_CASE("dilmanc extract on the command line") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  CliResult r = run_cli({"extract", "--from", "en", "--to", "ru,az", "--xliff", "2.1", "--copy-source", "-o",
                         dir.path().string(), (dir / "summit.en.txt").string()},
                        "", {}, dir.path());
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("summit.ru.xlf: segments: 5; in context: 0, exact: 0, fuzzy: 0, new: 5; repetitions: 1") != std::string::npos);
  CHECK(r.err.find("memory.db") != std::string::npos);
  const XliffDocument doc = read_xliff(dir / "summit.az.xlf");
  CHECK(doc.version == XliffVersion::k21);
  CHECK(segment(doc, "b2.s1")->target.text == "The summit opened on Monday.");

  CliResult bad = run_cli({"extract", "--from", "en", "--to", "ru", "--xliff", "3", (dir / "summit.en.txt").string()},
                          "", {}, dir.path());
  CHECK(bad.exit_code == 2);
  CliResult missing = run_cli({"extract", "--from", "en", "--to", "ru", (dir / "nope.txt").string()}, "", {}, dir.path());
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("nope.txt") != std::string::npos);
}

TEST_CASE("the README's workflow: extract with -o into another folder, merge from there without --article") {
  TempDir dir;
  fs::create_directories(dir / "articles");
  write_file(dir / "articles" / "article.html", kHtml);
  CliResult extracted = run_cli({"extract", "--memory", "tm.db", "articles/article.html", "--from", "en", "--to",
                                 "az,ru", "-o", "out/"},
                                "", {}, dir.path());
  REQUIRE_MESSAGE(extracted.exit_code == 0, extracted.err);
  const std::string xlf = read_file(dir / "out" / "article.ru.xlf");
  CHECK(xlf.find("original=\"../articles/article.html\"") != std::string::npos);
  // The translator's work on both files.
  for (const char* lang : {"az", "ru"}) {
    XliffDocument doc = read_xliff(dir / "out" / (std::string("article.") + lang + ".xlf"));
    for (XliffUnit& u : doc.files.at(0).units)
      for (XliffSegment& s : u.segments) {
        if (s.ignorable) continue;
        s.has_target = true;
        s.target = s.source;
        s.target.text = std::string(lang) + ": " + s.source.text;
        s.state = XliffState::kTranslated;
      }
    write_xliff(dir / "out" / (std::string("article.") + lang + ".xlf"), doc);
  }
  CliResult merged = run_cli({"merge", "--memory", "tm.db", "out/article.az.xlf", "out/article.ru.xlf", "-o",
                              "editions/"},
                             "", {}, dir.path());
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  const std::string edition = read_file(dir / "editions" / "article.ru.html");
  CHECK(edition.find("<html lang=\"ru\">") != std::string::npos);
  CHECK(edition.find("ru: The summit opened on <b>ru: Monday</b>") == std::string::npos);  // codes kept, not doubled
  CHECK(edition.find("<h1>ru: Leaders <em>meet</em> in Baku</h1>") != std::string::npos);
  CHECK(fs::exists(dir / "editions" / "article.az.html"));
  CHECK(read_file(dir / "articles" / "article.html") == kHtml);

  // From a working folder the article is not in, the same XLIFF is refused as before.
  fs::create_directories(dir / "elsewhere");
  CliResult away = run_cli({"merge", "--memory", "../tm.db", "../out/article.ru.xlf", "-o", "editions/"}, "", {},
                           dir / "elsewhere");
  CHECK(away.exit_code == 1);
  CHECK_MESSAGE(away.err.find("'../articles/article.html' lies outside") != std::string::npos, away.err);
  CHECK_FALSE(fs::exists(dir / "elsewhere" / "editions"));
  // --site names a folder the article may be in as well.
  CliResult site = run_cli({"merge", "--memory", "../tm.db", "--site", "..", "../out/article.ru.xlf", "-o", "editions/"},
                           "", {}, dir / "elsewhere");
  CHECK_MESSAGE(site.exit_code == 0, site.err);
  CHECK(fs::exists(dir / "elsewhere" / "editions" / "article.ru.html"));
}

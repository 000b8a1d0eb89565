// Merge: extract -> translate -> merge round trips for text and HTML in both XLIFF versions,
// other tools' shapes, and the inputs merge must refuse without writing anything.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "dilmanc/error.h"
#include "dilmanc/extract.h"
#include "dilmanc/merge.h"
#include "dilmanc/translation_memory.h"
#include "dilmanc/xliff.h"
#include "support.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

const char* kText =
    "Leaders meet in Baku\n"
    "\n"
    "The summit opened on Monday at 10:30. The delegation met the press.\n"
    "\n"
    "The delegation met the press. Talks went on until late.\n";

const char* kHtml =
    "<!DOCTYPE html>\n<html lang=\"en\"><head><title>Leaders meet in Baku</title></head>\n"
    "<body><h1>Leaders <em>meet</em> in Baku</h1>\n"
    "<p>The summit opened on <b>Monday</b>. <a href=\"/x\">Read the full report</a>.<br>Talks went on.</p>\n"
    "<p><img src=\"f.png\" alt=\"The flag\"> Photo</p>\n</body></html>\n";

// A stand-in translation: every letter run prefixed with "ru-"; codes and numbers kept.
InlineText pseudo(const InlineText& source) {
  InlineText out;
  out.codes = source.codes;
  bool in_word = false;
  for (char c : source.text) {
    const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (letter && !in_word) out.text += "ru-";
    in_word = letter;
    out.text += c;
  }
  return out;
}

// The translator's work: every sentence of every unit translated, state translated.
std::vector<std::string> translate_all(const fs::path& xlf, XliffVersion version) {
  XliffDocument doc = read_xliff(xlf);
  std::vector<std::string> targets;
  for (XliffFile& f : doc.files)
    for (XliffUnit& u : f.units)
      for (XliffSegment& s : u.segments) {
        if (s.ignorable) continue;
        s.has_target = true;
        s.target = pseudo(s.source);
        s.state = XliffState::kTranslated;
        targets.push_back(plain_text(s.target));
      }
  XliffWriteOptions o;
  o.version = version;
  write_xliff(xlf, doc, o);
  return targets;
}

std::vector<std::string> tags(const std::string& html) {
  std::vector<std::string> out;
  static const std::regex tag("<[^>]*>");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), tag); it != std::sregex_iterator(); ++it) {
    std::string t = it->str();
    // Translatable attribute values change with the text; the elements must not.
    t = std::regex_replace(t, std::regex("(alt|lang)=\"[^\"]*\""), "$1=\"\"");
    out.push_back(t);
  }
  return out;
}

Error merge_error(const std::vector<fs::path>& files, const MergeOptions& options, TranslationMemory* memory) {
  try {
    merge(files, options, memory);
  } catch (const Error& e) {
    return e;
  }
  FAIL("merge did not refuse");
  throw;
}

ExtractOptions extract_options(const TempDir& dir, XliffVersion version) {
  ExtractOptions o;
  o.source_language = "en";
  o.target_languages = {"ru"};
  o.output_dir = dir.path();
  o.version = version;
  return o;
}

}  // namespace

TEST_CASE("round trip: extract, translate, merge, and the next extract gives 101 everywhere") {
  for (XliffVersion version : {XliffVersion::k12, XliffVersion::k21}) {
    for (const char* name : {"summit.en.txt", "page.en.html"}) {
      CAPTURE(static_cast<int>(version));
      CAPTURE(name);
      TempDir dir;
      const std::string original = std::string(name).find(".html") != std::string::npos ? kHtml : kText;
      write_file(dir / name, original);
      TranslationMemory memory((dir / "tm.db").string());
      const ExtractOptions eo = extract_options(dir, version);
      const auto files = extract({(dir / name).string()}, eo, nullptr);
      const std::vector<std::string> targets = translate_all(files.at(0).path, version);

      MergeOptions mo;
      mo.output_dir = dir.path();
      const MergeResult result = merge({files[0].path}, mo, &memory);
      REQUIRE(result.editions.size() == 1);
      const MergedEdition& e = result.editions[0];
      const std::string ext = fs::path(name).extension().string();
      CHECK(e.edition.parent_path() == dir.path());
      CHECK(e.edition.filename() == (std::string(ext == ".html" ? "page" : "summit") + ".ru" + ext));
      CHECK(e.translated == e.segments);
      CHECK(e.memory_units == e.segments);
      const std::string edition = read_file(e.edition);
      // The text is the targets, in order.
      std::size_t at = 0;
      for (const std::string& t : targets) {
        const std::string probe = t.substr(0, std::min<std::size_t>(t.size(), 10));
        std::size_t found = edition.find(probe, at);
        CHECK_MESSAGE(found != std::string::npos, t);
        if (found != std::string::npos) at = found;
      }
      if (ext == ".html") {
        CHECK(tags(edition) == tags(original));
        CHECK(edition.find("<html lang=\"ru\">") != std::string::npos);
        CHECK(edition.find("<a href=\"/x\">ru-Read ru-the ru-full ru-report</a>") != std::string::npos);
      }
      // Number warnings: none, the numbers were kept.
      for (const std::string& w : result.warnings) CHECK_MESSAGE(w.find("number") == std::string::npos, w);

      FuzzyMatcher matcher(memory);
      const auto again = extract({(dir / name).string()}, eo, &matcher);
      CHECK(again.at(0).counts.in_context == again[0].counts.segments);
    }
  }
}

TEST_CASE("merge takes XLIFF shaped by other tools: resegmented, other namespaces, reordered") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  // As Trados or memoQ would send it back: units reversed, their own namespace, the
  // second block segmented differently (one sentence where extract had two).
  const std::string xlf =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" xmlns:sdl=\"http://sdl.com/FileTypes/SdlXliff/1.0\">"
      "<file original=\"summit.en.txt\" datatype=\"plaintext\" source-language=\"en-US\" target-language=\"ru-RU\"><body>"
      "<trans-unit id=\"b3\" sdl:x=\"1\"><source>The delegation met the press. Talks went on until late.</source>"
      "<seg-source><mrk mtype=\"seg\" mid=\"1\">The delegation met the press. Talks went on until late.</mrk></seg-source>"
      "<target><mrk mtype=\"seg\" mid=\"1\">Делегация встретилась с прессой. Переговоры шли допоздна.</mrk></target>"
      "<sdl:seg-defs><sdl:seg id=\"1\"/></sdl:seg-defs></trans-unit>"
      "<trans-unit id=\"b2\"><source>The summit opened on Monday at 10:30. The delegation met the press.</source>"
      "<target xml:space=\"default\">Саммит открылся в понедельник в 10:30. Делегация встретилась с прессой.</target></trans-unit>"
      "<trans-unit id=\"b1\"><source>Leaders meet in Baku</source><target state=\"new\">Лидеры встречаются в Баку</target></trans-unit>"
      "</body></file></xliff>";
  write_file(dir / "summit.ru.xlf", xlf);
  TranslationMemory memory((dir / "tm.db").string());
  MergeOptions mo;
  mo.output_dir = dir.path();
  const MergeResult r = merge({dir / "summit.ru.xlf"}, mo, &memory);
  REQUIRE(r.editions.size() == 1);
  CHECK(read_file(dir / "summit.ru-RU.txt") ==
        "Лидеры встречаются в Баку\n\nСаммит открылся в понедельник в 10:30. Делегация встретилась с прессой.\n\n"
        "Делегация встретилась с прессой. Переговоры шли допоздна.\n");
  // Only the title was a sentence of its own; blocks taken whole do not go to the memory.
  CHECK(r.editions[0].memory_units == 1);
}

TEST_CASE("merge refuses bad input with a clear message and writes nothing") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  const fs::path xlf = files.at(0).path;
  MergeOptions mo;
  mo.output_dir = dir.path();
  TranslationMemory memory((dir / "tm.db").string());
  auto nothing_written = [&] {
    CHECK_FALSE(fs::exists(dir / "summit.ru.txt"));
    CHECK(memory.stats().units == 0);
  };

  // Untranslated units are listed with their source.
  Error incomplete = merge_error({xlf}, mo, &memory);
  CHECK(incomplete.where().file == xlf.string());
  CHECK(std::string(incomplete.what()).find("b2.s2: The delegation met the press.") != std::string::npos);
  nothing_written();
  MergeOptions allow = mo;
  allow.allow_incomplete = true;
  MergeResult partial = merge({xlf}, allow, nullptr);
  CHECK(read_file(dir / "summit.ru.txt") == kText);
  CHECK(partial.warnings.size() == 1);
  fs::remove(dir / "summit.ru.txt");

  translate_all(xlf, XliffVersion::k12);
  const std::string good = read_file(xlf);

  // Malformed XML: file, line and column.
  write_file(xlf, good.substr(0, good.size() / 2));
  Error malformed = merge_error({xlf}, mo, &memory);
  CHECK(malformed.where().file == xlf.string());
  CHECK(malformed.where().line > 0);
  CHECK(malformed.where().column > 0);
  nothing_written();

  // A unit the article does not have.
  std::string extra = good;
  extra.replace(extra.find("id=\"b3\""), 7, "id=\"b9\"");
  write_file(xlf, extra);
  CHECK(std::string(merge_error({xlf}, mo, &memory).what()).find("'b9'") != std::string::npos);
  nothing_written();

  // No target language.
  std::string no_lang = good;
  no_lang.replace(no_lang.find(" target-language=\"ru\""), 21, "");
  write_file(xlf, no_lang);
  CHECK(std::string(merge_error({xlf}, mo, &memory).what()).find("target language") != std::string::npos);
  nothing_written();

  // The article changed since extraction: the segments are named.
  write_file(xlf, good);
  write_file(dir / "summit.en.txt", std::string(kText).replace(std::string(kText).find("Talks"), 5, "Speeches"));
  Error changed = merge_error({xlf}, mo, &memory);
  CHECK(std::string(changed.what()).find("b3.s2") != std::string::npos);
  nothing_written();
  write_file(dir / "summit.en.txt", kText);

  // Codes missing from a target are an error naming the unit.
  write_file(dir / "page.en.html", kHtml);
  const auto page = extract({(dir / "page.en.html").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  translate_all(page.at(0).path, XliffVersion::k12);
  std::string lost = read_file(page[0].path);
  const std::string coded = "<g id=\"1\" ctype=\"italic\">ru-meet</g>";
  const std::size_t g = lost.find("<target state=\"translated\">ru-Leaders " + coded);
  REQUIRE(g != std::string::npos);
  lost.replace(lost.find(coded, g), coded.size(), "ru-meet");
  write_file(page[0].path, lost);
  CHECK_THROWS_AS(merge({page[0].path}, mo, &memory), Error);
  CHECK_FALSE(fs::exists(dir / "page.ru.html"));

  // Paths that lead out of the XLIFF's folder.
  fs::create_directories(dir / "x");
  for (const char* original : {"../summit.en.txt", "/etc/passwd"}) {
    std::string escaped = good;
    escaped.replace(escaped.find("original=\"summit.en.txt\""), 24, "original=\"" + std::string(original) + "\"");
    write_file(dir / "x" / "s.xlf", escaped);
    Error e = merge_error({dir / "x" / "s.xlf"}, mo, &memory);
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(std::string(e.what()).find(original) != std::string::npos);
  }
  fs::create_directory_symlink(dir.path(), dir / "x" / "up");
  std::string linked = good;
  linked.replace(linked.find("original=\"summit.en.txt\""), 24, "original=\"up/summit.en.txt\"");
  write_file(dir / "x" / "s.xlf", linked);
  CHECK(std::string(merge_error({dir / "x" / "s.xlf"}, mo, &memory).what()).find("link") != std::string::npos);
  nothing_written();
  // --article names the article explicitly.
  MergeOptions given = mo;
  given.article = dir / "summit.en.txt";
  CHECK(merge({dir / "x" / "s.xlf"}, given, &memory).editions.size() == 1);
  CHECK(fs::exists(dir / "summit.ru.txt"));
}

TEST_CASE("dilmanc merge on the command line") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  CHECK(run_cli({"extract", "--from", "en", "--to", "ru", "-o", dir.path().string(), (dir / "summit.en.txt").string()},
                "", {}, dir.path())
            .exit_code == 0);
  CliResult incomplete = run_cli({"merge", "-o", dir.path().string(), (dir / "summit.ru.xlf").string()}, "", {}, dir.path());
  CHECK(incomplete.exit_code == 1);
  CHECK(incomplete.err.find("summit.ru.xlf") != std::string::npos);
  translate_all(dir / "summit.ru.xlf", XliffVersion::k12);
  CliResult ok = run_cli({"merge", "-o", dir.path().string(), (dir / "summit.ru.xlf").string()}, "", {}, dir.path());
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.find("summit.ru.txt: 5 of 5") != std::string::npos);
  CHECK(fs::exists(dir / "memory.db"));
  CliResult again = run_cli({"extract", "--from", "en", "--to", "ru", "-o", dir.path().string(),
                             (dir / "summit.en.txt").string()},
                            "", {}, dir.path());
  CHECK(again.out.find("in context: 5") != std::string::npos);
  CHECK(run_cli({"merge"}, "", {}, dir.path()).exit_code == 2);
}

TEST_CASE("merge refuses an article in another language than the XLIFF's source") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  const fs::path xlf = files.at(0).path;
  translate_all(xlf, XliffVersion::k12);
  MergeOptions mo;
  mo.output_dir = dir.path();

  // By file name...
  write_file(dir / "summit.az.txt", kText);
  mo.article = dir / "summit.az.txt";
  Error by_name = merge_error({xlf}, mo, nullptr);
  CHECK(by_name.where().file == xlf.string());
  CHECK(std::string(by_name.what()).find("'az'") != std::string::npos);

  // ...and by <html lang>.
  write_file(dir / "page.html", "<html lang=\"ru\"><body><p>The delegation met the press.</p></body></html>");
  mo.article = dir / "page.html";
  Error by_lang = merge_error({xlf}, mo, nullptr);
  CHECK(std::string(by_lang.what()).find("'ru'") != std::string::npos);
  CHECK_FALSE(fs::exists(dir / "summit.ru.txt"));
}

namespace {

XliffSegment* find_segment(XliffDocument& doc, const std::string& id) {
  for (XliffFile& f : doc.files)
    for (XliffUnit& u : f.units)
      for (XliffSegment& s : u.segments)
        if (!s.ignorable && s.id == id) return &s;
  return nullptr;
}

void give(XliffDocument& doc, const std::string& id, const std::string& target, XliffState state,
          std::string qualifier = "", bool approved = false) {
  XliffSegment* s = find_segment(doc, id);
  REQUIRE_MESSAGE(s, id);
  s->has_target = true;
  s->target = InlineText{target, {}};
  s->state = state;
  s->state_qualifier = std::move(qualifier);
  s->approved = approved;
}

std::vector<std::string> left_out_ids(const MergedEdition& e) {
  std::vector<std::string> ids;
  for (const MemoryExclusion& x : e.left_out) ids.push_back(x.id);
  return ids;
}

bool in_memory(const TranslationMemory& memory, const std::string& source) {
  return !memory.lookup_exact(InlineText{source, {}}, "en").empty();
}

}  // namespace

TEST_CASE("merge: every usable target goes into the edition, finished ones into the memory (XLIFF 2.1)") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k21), nullptr);
  XliffDocument doc = read_xliff(files.at(0).path);
  give(doc, "b1.s1", "Лидеры встречаются в Баку", XliffState::kTranslated);
  give(doc, "b2.s1", "Саммит открылся в понедельник в 10:30.", XliffState::kFinal);
  give(doc, "b2.s2", "Делегация встретилась с прессой.", XliffState::kNeedsTranslation);  // initial
  // Prefilled from a fuzzy match by extract and sent back untouched...
  give(doc, "b3.s1", "Делегация встретилась с журналистами.", XliffState::kTranslated, "fuzzy-match");
  XliffMatch fuzzy;
  fuzzy.score = 88;
  fuzzy.origin = "dilmanc memory";
  fuzzy.source = InlineText{"The delegation met the journalists.", {}};
  fuzzy.target = InlineText{"Делегация встретилась с журналистами.", {}};
  find_segment(doc, "b3.s1")->matches = {fuzzy};
  give(doc, "b3.s2", "Переговоры шли допоздна.", XliffState::kSignedOff);  // reviewed
  XliffWriteOptions wo;
  wo.version = XliffVersion::k21;
  write_xliff(files[0].path, doc, wo);

  TranslationMemory memory((dir / "tm.db").string());
  MergeOptions mo;
  mo.output_dir = dir.path();
  const MergeResult r = merge({files[0].path}, mo, &memory);
  REQUIRE(r.editions.size() == 1);
  const MergedEdition& e = r.editions[0];
  CHECK(e.translated == 5);
  CHECK(read_file(e.edition) ==
        "Лидеры встречаются в Баку\n\nСаммит открылся в понедельник в 10:30. Делегация встретилась с прессой.\n\n"
        "Делегация встретилась с журналистами. Переговоры шли допоздна.\n");
  CHECK(e.memory_units == 3);
  CHECK(left_out_ids(e) == std::vector<std::string>{"b2.s2", "b3.s1"});
  REQUIRE(e.left_out.size() == 2);
  CHECK(e.left_out[0].reason == "its state, initial, says it still needs translation");
  CHECK(e.left_out[1].reason == "it is the prefilled fuzzy match, unchanged");
  CHECK(in_memory(memory, "Leaders meet in Baku"));
  CHECK(in_memory(memory, "Talks went on until late."));
  CHECK_FALSE(in_memory(memory, "The delegation met the press."));
  CHECK(memory.stats().units == 3);

  // Once the translator changed the prefilled match, it is their translation.
  give(doc, "b3.s1", "Делегация встретилась с прессой.", XliffState::kTranslated, "fuzzy-match");
  find_segment(doc, "b3.s1")->matches = {fuzzy};
  write_xliff(files[0].path, doc, wo);
  const MergeResult again = merge({files[0].path}, mo, &memory);
  CHECK(left_out_ids(again.editions.at(0)) == std::vector<std::string>{"b2.s2"});
  CHECK(in_memory(memory, "The delegation met the press."));
}

TEST_CASE("merge: XLIFF 1.2 states, approved, and OmegaT's targets that keep state new") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  XliffDocument doc = read_xliff(files.at(0).path);
  // 1.2 keeps one state per trans-unit: one per block here.
  give(doc, "b1", "Лидеры встречаются в Баку", XliffState::kNeedsReviewTranslation, "fuzzy-match");
  give(doc, "b2.s1", "Саммит открылся в понедельник в 10:30.", XliffState::kNeedsReviewTranslation, "", true);
  give(doc, "b2.s2", "Делегация встретилась с прессой.", XliffState::kNeedsReviewTranslation, "", true);
  // As OmegaT returns what extract --copy-source sent: state new, the copy translated or not.
  give(doc, "b3.s1", "Делегация встретилась с прессой.", XliffState::kNew);
  give(doc, "b3.s2", "Talks went on until late.", XliffState::kNew);
  write_xliff(files[0].path, doc);
  const std::string written = read_file(files[0].path);
  CHECK(written.find("approved=\"yes\"") != std::string::npos);
  CHECK(written.find("<target state=\"new\">") != std::string::npos);

  TranslationMemory memory((dir / "tm.db").string());
  MergeOptions mo;
  mo.output_dir = dir.path();
  const MergeResult r = merge({files[0].path}, mo, &memory);
  const MergedEdition& e = r.editions.at(0);
  CHECK(e.translated == 5);
  CHECK(read_file(e.edition).find("Talks went on until late.") != std::string::npos);  // the edition has it
  CHECK(e.memory_units == 3);
  CHECK(left_out_ids(e) == std::vector<std::string>{"b1.s1", "b3.s2"});
  REQUIRE(e.left_out.size() == 2);
  CHECK(e.left_out[0].reason == "its state, needs-review-translation, says it awaits review");
  CHECK(e.left_out[1].reason == "it is a copy of the source, and no state says it was translated");
  CHECK(in_memory(memory, "The summit opened on Monday at 10:30."));
  CHECK(in_memory(memory, "The delegation met the press."));
  CHECK_FALSE(in_memory(memory, "Leaders meet in Baku"));
}

TEST_CASE("merge: Trados and memoQ progress read from their own namespaces, blocks taken whole are listed") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  const std::string xlf =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\" "
      "xmlns:sdl=\"http://sdl.com/FileTypes/SdlXliff/1.0\" xmlns:mq=\"MQXliff\">"
      "<file original=\"summit.en.txt\" datatype=\"plaintext\" source-language=\"en\" target-language=\"ru\"><body>"
      "<trans-unit id=\"b1\" mq:status=\"ManuallyConfirmed\"><source>Leaders meet in Baku</source>"
      "<target>Лидеры встречаются в Баку</target></trans-unit>"
      "<trans-unit id=\"b2\"><source>The summit opened on Monday at 10:30. The delegation met the press.</source>"
      "<seg-source><mrk mtype=\"seg\" mid=\"b2.s1\">The summit opened on Monday at 10:30.</mrk> "
      "<mrk mtype=\"seg\" mid=\"b2.s2\">The delegation met the press.</mrk></seg-source>"
      "<target><mrk mtype=\"seg\" mid=\"b2.s1\">Саммит открылся в понедельник в 10:30.</mrk> "
      "<mrk mtype=\"seg\" mid=\"b2.s2\">Делегация встретилась с прессой.</mrk></target>"
      "<sdl:seg-defs><sdl:seg id=\"b2.s1\" conf=\"Translated\"/><sdl:seg id=\"b2.s2\" conf=\"Draft\"/></sdl:seg-defs>"
      "</trans-unit>"
      "<trans-unit id=\"b3\" mq:status=\"Proofread\"><source>The delegation met the press. Talks went on until late.</source>"
      "<target>Делегация встретилась с прессой. Переговоры шли допоздна.</target></trans-unit>"
      "</body></file></xliff>";
  write_file(dir / "summit.ru.xlf", xlf);
  TranslationMemory memory((dir / "tm.db").string());
  MergeOptions mo;
  mo.output_dir = dir.path();
  const MergeResult r = merge({dir / "summit.ru.xlf"}, mo, &memory);
  const MergedEdition& e = r.editions.at(0);
  CHECK(e.translated == 4);  // b3 as a whole block
  CHECK(e.memory_units == 2);
  CHECK(left_out_ids(e) == std::vector<std::string>{"b2.s2", "b3"});
  REQUIRE(e.left_out.size() == 2);
  CHECK(e.left_out[0].reason == "its state, needs-translation, says it still needs translation");
  CHECK(e.left_out[1].reason.find("segmented the block otherwise") != std::string::npos);

  const XliffDocument read = read_xliff(dir / "summit.ru.xlf");
  const XliffUnit& b1 = read.files.at(0).units.at(0);
  CHECK(b1.segments.at(0).state == XliffState::kTranslated);
  CHECK(read.files[0].units.at(2).segments.at(0).state == XliffState::kSignedOff);
}

TEST_CASE("dilmanc merge: the summary says what went into the memory and what was left out, and why") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k21), nullptr);
  XliffDocument doc = read_xliff(files.at(0).path);
  give(doc, "b1.s1", "Лидеры встречаются в Баку", XliffState::kNeedsTranslation);
  give(doc, "b2.s1", "Саммит открылся в понедельник в 10:30.", XliffState::kFinal);
  give(doc, "b2.s2", "Делегация встретилась с прессой.", XliffState::kFinal);
  give(doc, "b3.s1", "Делегация встретилась с прессой.", XliffState::kFinal);
  give(doc, "b3.s2", "Переговоры шли допоздна.", XliffState::kNeedsTranslation);
  XliffWriteOptions wo;
  wo.version = XliffVersion::k21;
  write_xliff(files[0].path, doc, wo);
  const fs::path out = dir / "editions" / "ru";  // not there yet: made by merge
  CliResult r = run_cli({"merge", "--memory", (dir / "tm.db").string(), "-o", out.string(), files[0].path.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("summit.ru.txt: 5 of 5 segments translated; 3 memory units, 2 left out") != std::string::npos);
  CHECK(r.out.find("  left out of the memory: b1.s1, b3.s2: its state, initial, says it still needs translation\n") !=
        std::string::npos);
  CHECK(fs::exists(out / "summit.ru.txt"));
  CliResult quiet = run_cli({"merge", "--no-memory-update", "-o", out.string(), files[0].path.string()});
  CHECK(quiet.exit_code == 0);
  CHECK(quiet.out.find("5 of 5 segments translated; the memory is not updated") != std::string::npos);
  CHECK(quiet.out.find("left out") == std::string::npos);
}

TEST_CASE("merge -o creates a missing output folder, and only once everything was checked") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  MergeOptions mo;
  mo.output_dir = dir / "out" / "ru";
  // Untranslated: refused, and no folder is left behind.
  CHECK_THROWS_AS(merge({files[0].path}, mo, nullptr), Error);
  CHECK_FALSE(fs::exists(dir / "out"));
  translate_all(files[0].path, XliffVersion::k12);
  const MergeResult r = merge({files[0].path}, mo, nullptr);
  CHECK(r.editions.at(0).edition == dir / "out" / "ru" / "summit.ru.txt");
  CHECK(fs::exists(dir / "out" / "ru" / "summit.ru.txt"));
  // Nothing but the edition: no temporary file beside it.
  CHECK(std::distance(fs::directory_iterator(dir / "out" / "ru"), fs::directory_iterator()) == 1);
  // An output path that is a file is refused as such.
  write_file(dir / "taken", "x");
  mo.output_dir = dir / "taken";
  Error e = merge_error({files[0].path}, mo, nullptr);
  CHECK(e.kind() == Error::Kind::kUsage);
  CHECK(std::string(e.what()).find("is a file") != std::string::npos);
}

namespace {

// Every sentence of the extracted XLIFF 2.1 `xlf` given `targets` (by id, the rest pseudo).
void give_all(const fs::path& xlf, const std::map<std::string, std::string>& targets) {
  XliffDocument doc = read_xliff(xlf);
  for (XliffFile& f : doc.files)
    for (XliffUnit& u : f.units)
      for (XliffSegment& s : u.segments) {
        if (s.ignorable) continue;
        s.has_target = true;
        auto it = targets.find(s.id);
        s.target = it != targets.end() ? InlineText{it->second, {}} : pseudo(s.source);
        s.state = XliffState::kTranslated;
      }
  XliffWriteOptions wo;
  wo.version = XliffVersion::k21;
  write_xliff(xlf, doc, wo);
}

std::vector<std::string> warnings_with(const MergeResult& r, const std::string& text) {
  std::vector<std::string> out;
  for (const std::string& w : r.warnings)
    if (w.find(text) != std::string::npos) out.push_back(w);
  return out;
}

std::vector<std::string> listing(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(folder)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

TEST_CASE("merge never overwrites the article: a target language that is the source's is refused") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  ExtractOptions eo = extract_options(dir, XliffVersion::k12);
  const auto files = extract({(dir / "summit.en.txt").string()}, eo, nullptr);
  translate_all(files.at(0).path, XliffVersion::k12);
  const std::string good = read_file(files[0].path);
  MergeOptions mo;
  mo.output_dir = dir.path();
  TranslationMemory memory((dir / "tm.db").string());

  for (const char* language : {"en", "en-GB", "EN-us"}) {
    CAPTURE(language);
    std::string same = good;
    same.replace(same.find(" target-language=\"ru\""), 21, std::string(" target-language=\"") + language + "\"");
    write_file(dir / "same.xlf", same);
    Error e = merge_error({dir / "same.xlf"}, mo, &memory);
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().file == (dir / "same.xlf").string());
    CHECK_MESSAGE(std::string(e.what()).find("is the source language") != std::string::npos, e.what());
    CHECK(read_file(dir / "summit.en.txt") == kText);
    for (const std::string& name : listing(dir.path()))
      CHECK_MESSAGE((name == "same.xlf" || name == "summit.en.txt" || name == "summit.ru.xlf" || name.starts_with("tm.db")),
                    name);
  }

  // An edition whose place is the article itself (here through a link) is refused too.
  fs::create_directories(dir / "out");
  fs::create_symlink(dir / "summit.en.txt", dir / "out" / "summit.ru.txt");
  mo.output_dir = dir / "out";
  Error e = merge_error({files[0].path}, mo, &memory);
  CHECK(e.where().file == files[0].path.string());
  CHECK_MESSAGE(std::string(e.what()).find("would overwrite the article") != std::string::npos, e.what());
  CHECK(read_file(dir / "summit.en.txt") == kText);
  CHECK(memory.stats().units == 0);
}

TEST_CASE("merge: two XLIFF files that would write the same edition are refused before anything is written") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  translate_all(files.at(0).path, XliffVersion::k12);
  fs::copy_file(files[0].path, dir / "again.xlf");
  MergeOptions mo;
  mo.output_dir = dir / "out";
  TranslationMemory memory((dir / "tm.db").string());
  Error e = merge_error({files[0].path, dir / "again.xlf"}, mo, &memory);
  CHECK(e.kind() == Error::Kind::kInput);
  CHECK(e.where().file == (dir / "again.xlf").string());
  CHECK_MESSAGE(std::string(e.what()).find(files[0].path.string()) != std::string::npos, e.what());
  CHECK_MESSAGE(std::string(e.what()).find("summit.ru.txt") != std::string::npos, e.what());
  CHECK_FALSE(fs::exists(dir / "out"));
  CHECK(memory.stats().units == 0);
}

TEST_CASE("merge is all or nothing: a failure while writing one edition leaves no edition and the memory unchanged") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  ExtractOptions eo = extract_options(dir, XliffVersion::k12);
  eo.target_languages = {"az", "ru"};
  const auto files = extract({(dir / "summit.en.txt").string()}, eo, nullptr);
  REQUIRE(files.size() == 2);
  for (const ExtractedFile& f : files) translate_all(f.path, XliffVersion::k12);
  fs::create_directories(dir / "out");
  // An earlier edition in Azerbaijani, which must survive; the Russian edition's place
  // is taken by a folder, which nothing checked beforehand can know will fail.
  write_file(dir / "out" / "summit.az.txt", "the earlier edition\n");
  fs::create_directories(dir / "out" / "summit.ru.txt" / "inside");
  MergeOptions mo;
  mo.output_dir = dir / "out";
  TranslationMemory memory((dir / "tm.db").string());
  Error e = merge_error({files[0].path, files[1].path}, mo, &memory);
  CHECK(e.kind() == Error::Kind::kIo);
  CHECK(e.where().file == (dir / "out" / "summit.ru.txt").string());
  CHECK(read_file(dir / "out" / "summit.az.txt") == "the earlier edition\n");
  CHECK(listing(dir / "out") == std::vector<std::string>{"summit.az.txt", "summit.ru.txt"});
  CHECK(memory.stats().units == 0);

  // One XLIFF good and one refused by its checks (a unit without a target): neither is merged.
  fs::remove_all(dir / "out" / "summit.ru.txt");
  std::string untranslated = read_file(files[1].path);
  const std::size_t target = untranslated.find("<target state=\"translated\">");
  REQUIRE(target != std::string::npos);
  untranslated.erase(target, untranslated.find("</target>", target) + 9 - target);
  const std::string translated = read_file(files[1].path);
  write_file(files[1].path, untranslated);
  Error refused = merge_error({files[0].path, files[1].path}, mo, &memory);
  CHECK(refused.where().file == files[1].path.string());
  CHECK(read_file(dir / "out" / "summit.az.txt") == "the earlier edition\n");
  CHECK(listing(dir / "out") == std::vector<std::string>{"summit.az.txt"});
  CHECK(memory.stats().units == 0);
  write_file(files[1].path, translated);

  // Once the place is free, both go through, and the earlier edition is replaced.
  const MergeResult r = merge({files[0].path, files[1].path}, mo, &memory);
  CHECK(r.editions.size() == 2);
  CHECK(read_file(dir / "out" / "summit.az.txt") != "the earlier edition\n");
  CHECK(listing(dir / "out") == std::vector<std::string>{"summit.az.txt", "summit.ru.txt"});
  CHECK(memory.stats().units == 5);  // one unit per sentence and context, both languages in it
}

TEST_CASE("dilmanc merge: a refused merge leaves no new memory file behind") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  const std::string xlf = files.at(0).path.string();
  // Refused by its checks: units without a target.
  CliResult checks = run_cli({"merge", "--memory", (dir / "new.db").string(), "-o", (dir / "out").string(), xlf});
  CHECK(checks.exit_code == 1);
  CHECK_FALSE(fs::exists(dir / "new.db"));
  // Refused while writing: the edition's place is a folder.
  translate_all(files[0].path, XliffVersion::k12);
  fs::create_directories(dir / "out" / "summit.ru.txt" / "inside");
  CliResult writing = run_cli({"merge", "--memory", (dir / "new.db").string(), "-o", (dir / "out").string(), xlf});
  CHECK(writing.exit_code == 1);
  CHECK_MESSAGE(writing.err.find("summit.ru.txt") != std::string::npos, writing.err);
  CHECK(listing(dir.path()) == std::vector<std::string>{"out", "summit.en.txt", "summit.ru.xlf"});
  // A memory that was there stays, unchanged.
  { TranslationMemory made((dir / "old.db").string()); }
  CliResult kept = run_cli({"merge", "--memory", (dir / "old.db").string(), "-o", (dir / "out").string(), xlf});
  CHECK(kept.exit_code == 1);
  CHECK(TranslationMemory((dir / "old.db").string()).stats().units == 0);
  fs::remove_all(dir / "out" / "summit.ru.txt");
  CliResult ok = run_cli({"merge", "--memory", (dir / "new.db").string(), "-o", (dir / "out").string(), xlf});
  CHECK_MESSAGE(ok.exit_code == 0, ok.err);
  CHECK(TranslationMemory((dir / "new.db").string()).stats().units == 5);
}

TEST_CASE("merge: numbers are compared whole, each occurrence counted, as the target's language writes them") {
  TempDir dir;
  write_file(dir / "n.en.txt",
             "Talks run from December 13 to 15.\n\nThe fund holds 250,000 dollars and grew 3.5 percent.\n\n"
             "The 13 delegates met 13 ministers.\n\nThe fund grew 3.5 percent in 2024.\n");
  const auto files = extract({(dir / "n.en.txt").string()}, extract_options(dir, XliffVersion::k21), nullptr);
  MergeOptions mo;
  mo.output_dir = dir.path();

  // Digits that are all there when joined, but not the numbers.
  give_all(files.at(0).path, {{"b1.s1", "Переговоры идут с 1 по 315 декабря."},
                              {"b2.s1", "В фонде 250\u00A0000 долларов, он вырос на 3,5 процента."},
                              {"b3.s1", "13 делегатов встретились с министрами."},
                              {"b4.s1", "Фонд вырос на 3.5 процента в 2024 году."}});
  MergeResult r = merge({files[0].path}, mo, nullptr);
  const std::vector<std::string> numbers = warnings_with(r, "of the source is missing from the target");
  REQUIRE(numbers.size() == 3);
  CHECK(numbers[0] == files[0].path.string() + ": unit 'b1.s1': the number 13 of the source is missing from the target");
  CHECK(numbers[1] == files[0].path.string() + ": unit 'b1.s1': the number 15 of the source is missing from the target");
  CHECK(numbers[2] == files[0].path.string() + ": unit 'b3.s1': the number 13 of the source is missing from the target");

  // The same numbers in the target's own writing, or kept as the source wrote them.
  give_all(files[0].path, {{"b1.s1", "Переговоры идут с 13 по 15 декабря."},
                           {"b2.s1", "В фонде 250 000 долларов, он вырос на 3,5 процента."},
                           {"b3.s1", "13 делегатов встретились с 13 министрами."},
                           {"b4.s1", "Фонд вырос на 3.5 процента в 2024 году."}});
  r = merge({files[0].path}, mo, nullptr);
  CHECK(warnings_with(r, "number").empty());
  // In a language whose numbers are read as English, a decimal comma and spaced groups.
  ExtractOptions german = extract_options(dir, XliffVersion::k21);
  german.target_languages = {"de"};
  const auto de = extract({(dir / "n.en.txt").string()}, german, nullptr);
  give_all(de.at(0).path, {{"b1.s1", "Die Gespräche dauern vom 13. bis 15. Dezember."},
                           {"b2.s1", "Der Fonds hält 250 000 Dollar und wuchs um 3,5 Prozent."},
                           {"b3.s1", "13 Delegierte trafen 13 Minister."},
                           {"b4.s1", "Der Fonds wuchs 2024 um 3,5 Prozent."}});
  r = merge({de[0].path}, mo, nullptr);
  for (const std::string& w : warnings_with(r, "number")) FAIL_CHECK(w);
  // German's own writing: groups split by a dot.
  give_all(de[0].path, {{"b2.s1", "Der Fonds hält 250.000 Dollar und wuchs um 3,5 Prozent."}});
  r = merge({de[0].path}, mo, nullptr);
  for (const std::string& w : warnings_with(r, "number")) FAIL_CHECK(w);
  // In a language written as English, "250.000" and "3,5" are still the source's numbers.
  ExtractOptions malay = extract_options(dir, XliffVersion::k21);
  malay.target_languages = {"ms"};
  const auto ms = extract({(dir / "n.en.txt").string()}, malay, nullptr);
  give_all(ms.at(0).path, {{"b1.s1", "Rundingan berlangsung dari 13 hingga 15 Disember."},
                           {"b2.s1", "Dana itu memegang 250.000 dolar dan tumbuh 3,5 peratus."},
                           {"b3.s1", "13 perwakilan bertemu 13 menteri."},
                           {"b4.s1", "Dana itu tumbuh 3,5 peratus pada 2024."}});
  r = merge({ms[0].path}, mo, nullptr);
  for (const std::string& w : warnings_with(r, "number")) FAIL_CHECK(w);
  // ... where "250,000" reads 250.
  give_all(de[0].path, {{"b2.s1", "Der Fonds hält 250,000 Dollar und wuchs um 3,5 Prozent."}});
  r = merge({de[0].path}, mo, nullptr);
  CHECK(warnings_with(r, "the number 250,000 of the source") ==
        std::vector<std::string>{de[0].path.string() +
                                 ": unit 'b2.s1': the number 250,000 of the source is missing from the target"});
  // 250,000 in a Russian text reads 250: a number of the source missing.
  give_all(files[0].path, {{"b2.s1", "В фонде 250,000 долларов, он вырос на 3,5 процента."}});
  r = merge({files[0].path}, mo, nullptr);
  CHECK(warnings_with(r, "the number 250,000 of the source") ==
        std::vector<std::string>{files[0].path.string() +
                                 ": unit 'b2.s1': the number 250,000 of the source is missing from the target"});
}

TEST_CASE("merge warns, naming the unit, of a target identical to its source and of whitespace that differs") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k21), nullptr);
  give_all(files.at(0).path, {{"b1.s1", "Leaders meet in Baku"},
                              {"b2.s1", " Саммит открылся в понедельник в 10:30."},
                              {"b3.s2", "Переговоры шли допоздна. "}});
  MergeOptions mo;
  mo.output_dir = dir.path();
  const MergeResult r = merge({files[0].path}, mo, nullptr);
  const std::string xlf = files[0].path.string();
  CHECK(warnings_with(r, "identical") ==
        std::vector<std::string>{xlf + ": unit 'b1.s1': the target is identical to the source"});
  CHECK(warnings_with(r, "whitespace") ==
        std::vector<std::string>{xlf + ": unit 'b2.s1': leading or trailing whitespace differs from the source",
                                 xlf + ": unit 'b3.s2': leading or trailing whitespace differs from the source"});
  CHECK(r.warnings.size() == 3);
}

TEST_CASE("merge: a paragraph added to the article since extraction is an error, even with --allow-incomplete") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  translate_all(files.at(0).path, XliffVersion::k12);
  write_file(dir / "summit.en.txt", std::string(kText) + "\nA paragraph written later.\n");
  MergeOptions mo;
  mo.output_dir = dir.path();
  mo.allow_incomplete = true;
  TranslationMemory memory((dir / "tm.db").string());
  Error e = merge_error({files[0].path}, mo, &memory);
  CHECK(e.where().file == files[0].path.string());
  CHECK_MESSAGE(std::string(e.what()).find("changed since extraction: segments not in the XLIFF: b4") !=
                    std::string::npos,
                e.what());
  CHECK(std::string(e.what()).find("without a usable target") == std::string::npos);
  CHECK_FALSE(fs::exists(dir / "summit.ru.txt"));
  CHECK(memory.stats().units == 0);
}

TEST_CASE("merge: a target's codes missing, extra or repeated are errors naming the XLIFF, the line and the segment") {
  TempDir dir;
  write_file(dir / "page.en.html", kHtml);
  const auto files = extract({(dir / "page.en.html").string()}, extract_options(dir, XliffVersion::k12), nullptr);
  translate_all(files.at(0).path, XliffVersion::k12);
  const std::string good = read_file(files[0].path);
  const std::string coded = "<g id=\"1\" ctype=\"italic\">ru-meet</g>";
  const std::size_t at = good.find("<target state=\"translated\">ru-Leaders " + coded);
  REQUIRE(at != std::string::npos);
  const std::size_t code = good.find(coded, at);
  // The line of the trans-unit holding that target.
  const std::size_t unit = good.rfind("<trans-unit", at);
  const auto line = static_cast<std::int64_t>(std::count(good.begin(), good.begin() + unit, '\n') + 1);
  MergeOptions mo;
  mo.output_dir = dir.path();
  TranslationMemory memory((dir / "tm.db").string());

  struct Case {
    std::string replacement, message;
  };
  const std::vector<Case> cases = {
      {"ru-meet", "the translation lacks code {1}"},
      {coded + "<x id=\"9\"/>", "the translation has code {9/}, which the source does not have"},
      {coded + coded, "the translation repeats code {1}"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.replacement);
    std::string bad = good;
    bad.replace(code, coded.size(), c.replacement);
    write_file(files[0].path, bad);
    Error e = merge_error({files[0].path}, mo, &memory);
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().file == files[0].path.string());
    CHECK(e.where().line == line);
    CHECK_MESSAGE(std::string(e.what()).find(": segment b2") != std::string::npos, e.what());
    CHECK_MESSAGE(std::string(e.what()).find(c.message) != std::string::npos, e.what());
    CHECK_FALSE(fs::exists(dir / "page.ru.html"));
    CHECK(memory.stats().units == 0);
  }
}

TEST_CASE("merge: a target whose paired code is left open is refused, naming the XLIFF and the line") {
  TempDir dir;
  write_file(dir / "page.en.html", kHtml);
  const auto files = extract({(dir / "page.en.html").string()}, extract_options(dir, XliffVersion::k21), nullptr);
  translate_all(files.at(0).path, XliffVersion::k21);
  std::string text = read_file(files[0].path);
  const std::size_t target = text.find("<target>ru-Leaders ");
  REQUIRE(target != std::string::npos);
  const std::size_t end = text.find("ru-meet</pc>", target) + std::string("ru-meet</pc>").size();
  const std::size_t begin = text.rfind("<pc id=\"1\"", end);
  REQUIRE(begin > target);
  text.replace(begin, end - begin, "<sc id=\"1\" dataRefStart=\"d1\"/>ru-meet");
  write_file(files[0].path, text);
  MergeOptions mo;
  mo.output_dir = dir.path();
  TranslationMemory memory((dir / "tm.db").string());
  Error e = merge_error({files[0].path}, mo, &memory);
  CHECK(e.kind() == Error::Kind::kInput);
  CHECK(e.where().file == files[0].path.string());
  CHECK(e.where().line > 0);
  CHECK_MESSAGE(std::string(e.what()).find("start code '1' has no end in the unit") != std::string::npos, e.what());
  CHECK_FALSE(fs::exists(dir / "page.ru.html"));
  CHECK(memory.stats().units == 0);
}

TEST_CASE("dilmanc merge --no-memory-update leaves the memory as it was") {
  TempDir dir;
  write_file(dir / "summit.en.txt", kText);
  const auto files = extract({(dir / "summit.en.txt").string()}, extract_options(dir, XliffVersion::k21), nullptr);
  give_all(files.at(0).path, {{"b1.s1", "Лидеры встречаются в Баку"}});
  const std::string db = (dir / "tm.db").string();
  CliResult first = run_cli({"merge", "--memory", db, "-o", dir.path().string(), files[0].path.string()});
  REQUIRE_MESSAGE(first.exit_code == 0, first.err);
  const auto before = TranslationMemory(db).stats().units;
  CHECK(before == 5);
  // New translations, merged without the memory: the edition has them, the memory not.
  give_all(files[0].path, {{"b1.s1", "Лидеры собираются в Баку"}});
  CliResult quiet =
      run_cli({"merge", "--memory", db, "--no-memory-update", "-o", dir.path().string(), files[0].path.string()});
  REQUIRE_MESSAGE(quiet.exit_code == 0, quiet.err);
  CHECK(read_file(dir / "summit.ru.txt").starts_with("Лидеры собираются в Баку"));
  TranslationMemory memory(db);
  CHECK(memory.stats().units == before);
  CHECK(in_memory(memory, "Leaders meet in Baku"));
  const auto found = memory.lookup_exact(InlineText{"Leaders meet in Baku", {}}, "en");
  REQUIRE(found.size() == 1);
  for (const Variant& v : found[0].variants)
    if (v.tag == "ru") CHECK(v.text.text == "Лидеры встречаются в Баку");
}

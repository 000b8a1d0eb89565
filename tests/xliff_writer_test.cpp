#include <doctest/doctest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>

#include "dilmanc/error.h"
#include "dilmanc/xliff.h"
#include "support.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

InlineCode code(InlineCode::Kind kind, int id, std::string name, std::string original, bool isolated = false) {
  InlineCode c;
  c.kind = kind;
  c.id = id;
  c.name = std::move(name);
  c.original = std::move(original);
  c.isolated = isolated;
  return c;
}

InlineText plain(const std::string& s) {
  InlineText t;
  append_text(t, s);
  return t;
}

// An article's worth of units: a title with an exact match, a paragraph of two sentences
// with inline codes (one pair crossing the sentence boundary), fuzzy matches, a repeated
// sentence, and a code block that must not be translated.
XliffDocument sample() {
  XliffFile f;
  f.original = "news/summit.html";
  f.datatype = "html";
  f.source_language = "en";
  f.target_language = "ru";
  f.tool_name = "dilmanc";
  f.tool_version = "0.1.0";
  f.notes.push_back({"Press release of 1 May", "dilmanc", ""});

  XliffUnit title;
  title.id = "b1";
  title.kind = "title";
  title.notes.push_back({"title", "dilmanc", ""});
  XliffSegment t;
  t.id = "b1.1";
  t.source = plain("Leaders meet in Baku");
  t.has_target = true;
  t.target = plain("Лидеры встречаются в Баку");
  t.state = XliffState::kTranslated;
  t.state_qualifier = "leveraged-tm";
  t.approved = true;
  title.segments.push_back(t);
  f.units.push_back(title);

  XliffUnit para;
  para.id = "b2";
  para.kind = "paragraph";
  XliffSegment s1;
  s1.id = "b2.1";
  append_text(s1.source, "The summit opened on ");
  append_code(s1.source, code(InlineCode::Kind::kOpening, 1, "b", "<b>"));
  append_text(s1.source, "Monday");
  append_code(s1.source, code(InlineCode::Kind::kClosing, 1, "b", "</b>"));
  append_text(s1.source, ". ");
  append_code(s1.source, code(InlineCode::Kind::kOpening, 2, "a", "<a href=\"https://example.org/\">", true));
  append_text(s1.source, "Read on.");
  XliffMatch fuzzy;
  fuzzy.score = 87;
  fuzzy.origin = "dilmanc memory";
  fuzzy.source = plain("The summit opened on Tuesday.");
  fuzzy.target = plain("Саммит открылся во вторник.");
  s1.matches.push_back(fuzzy);
  fuzzy.score = 76;
  s1.matches.push_back(fuzzy);
  s1.state = XliffState::kNeedsTranslation;
  XliffSegment gap;
  gap.ignorable = true;
  gap.source = plain(" ");
  XliffSegment s2;
  s2.id = "b2.2";
  append_text(s2.source, "It ends & closes");
  append_code(s2.source, code(InlineCode::Kind::kClosing, 2, "a", "</a>", true));
  append_code(s2.source, code(InlineCode::Kind::kPlaceholder, 3, "br", "<br/>"));
  s2.has_target = true;
  s2.target = s2.source;
  s2.state = XliffState::kNeedsReviewTranslation;
  s2.state_qualifier = "fuzzy-match";
  para.segments = {s1, gap, s2};
  f.units.push_back(para);

  XliffUnit repeated;
  repeated.id = "b3";
  XliffSegment r;
  r.id = "b3.1";
  r.source = plain("Leaders meet in Baku");
  r.repetition_of = "b1.1";
  repeated.segments.push_back(r);
  f.units.push_back(repeated);

  XliffUnit code_block;
  code_block.id = "b4";
  code_block.translate = false;
  XliffSegment c;
  c.id = "b4.1";
  c.source = plain("x <- 1");
  code_block.segments.push_back(c);
  f.units.push_back(code_block);

  XliffDocument doc;
  doc.files.push_back(f);
  return doc;
}

// Runs xmllint on `file` against `schema`; returns its exit status and output.
std::pair<int, std::string> xmllint(const fs::path& schema, const fs::path& file) {
  std::string cmd = "xmllint --nonet --noout --schema '" + schema.string() + "' '" + file.string() + "' 2>&1";
  std::FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("XLIFF 1.2 output: one trans-unit per block, seg-source with a mrk per sentence") {
  const std::string x = format_xliff(sample());
  CHECK(contains(x, "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">"));
  CHECK(contains(x, "<file original=\"news/summit.html\" datatype=\"html\" source-language=\"en\" "
                    "target-language=\"ru\" tool-id=\"dilmanc\">"));
  CHECK(contains(x, "<tool tool-id=\"dilmanc\" tool-name=\"dilmanc\" tool-version=\"0.1.0\"/>"));
  CHECK(contains(x, "<trans-unit id=\"b1\" approved=\"yes\" xml:space=\"preserve\" restype=\"x-title\">"
                    "<source>Leaders meet in Baku</source>"
                    "<target state=\"translated\" state-qualifier=\"leveraged-tm\">Лидеры встречаются в Баку</target>"
                    "<note from=\"dilmanc\">title</note></trans-unit>"));
  // The whole block as source, the crossing link paired again; sentences as mrk.
  CHECK(contains(x, "<source>The summit opened on <g id=\"1\" ctype=\"bold\">Monday</g>. "
                    "<g id=\"2\" ctype=\"link\">Read on. It ends &amp; closes</g><x id=\"3\" ctype=\"lb\"/></source>"));
  CHECK(contains(x, "<seg-source><mrk mtype=\"seg\" mid=\"b2.1\">The summit opened on <g id=\"1\" ctype=\"bold\">"
                    "Monday</g>. <bx id=\"2\" ctype=\"link\"/>Read on.</mrk> <mrk mtype=\"seg\" mid=\"b2.2\">"
                    "It ends &amp; closes<ex id=\"2\"/><x id=\"3\" ctype=\"lb\"/></mrk></seg-source>"));
  // One target for both sentences: the least advanced state; the empty sentence stays an empty mrk.
  CHECK(contains(x, "<target state=\"needs-translation\"><mrk mtype=\"seg\" mid=\"b2.1\"/> "
                    "<mrk mtype=\"seg\" mid=\"b2.2\">It ends"));
  CHECK(contains(x, "<alt-trans mid=\"b2.1\" match-quality=\"87\" origin=\"dilmanc memory\">"
                    "<source xml:space=\"preserve\">The summit opened on Tuesday.</source>"
                    "<target xml:space=\"preserve\">Саммит открылся во вторник.</target></alt-trans>"
                    "<alt-trans mid=\"b2.1\" match-quality=\"76\""));
  CHECK(contains(x, "<context-group name=\"b3.1\" purpose=\"information\">"
                    "<context context-type=\"x-repetition-of\">b1.1</context></context-group>"));
  CHECK(contains(x, "<trans-unit id=\"b4\" translate=\"no\" xml:space=\"preserve\"><source>x &lt;- 1</source>"
                    "</trans-unit>"));
  CHECK_FALSE(contains(x, "approved=\"yes\" xml:space=\"preserve\" restype=\"x-paragraph\""));
}

TEST_CASE("XLIFF 2.1 output: unit/segment, pc/sc/ec/ph with originalData, matches and states") {
  XliffWriteOptions o;
  o.version = XliffVersion::k21;
  const std::string x = format_xliff(sample(), o);
  CHECK(contains(x, "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" "
                    "xmlns:mtc=\"urn:oasis:names:tc:xliff:matches:2.0\" "
                    "xmlns:mda=\"urn:oasis:names:tc:xliff:metadata:2.0\" version=\"2.1\" srcLang=\"en\" trgLang=\"ru\">"));
  CHECK(contains(x, "<segment id=\"b1.1\" state=\"translated\" subState=\"dilmanc:leveraged-tm\">"));
  CHECK(contains(x, "<mtc:match ref=\"#b2.1\" matchQuality=\"87\" origin=\"dilmanc memory\" type=\"tm\">"));
  CHECK(contains(x, "<originalData><data id=\"d1\">&lt;b&gt;</data><data id=\"d2\">&lt;/b&gt;</data>"));
  CHECK(contains(x, "<pc id=\"1\" dataRefStart=\"d1\" dataRefEnd=\"d2\">Monday</pc>"));
  // The link opens in one segment and closes in the next: sc/ec joined by startRef.
  CHECK(contains(x, "<sc id=\"2\" dataRef=\"d3\"/>Read on."));
  CHECK(contains(x, "<ec startRef=\"2\" dataRef=\"d4\"/><ph id=\"3\" dataRef=\"d5\"/>"));
  CHECK(contains(x, "<ignorable><source> </source></ignorable>"));
  CHECK(contains(x, "<segment id=\"b2.1\" state=\"initial\"><source>"));
  CHECK(contains(x, "<mda:meta type=\"b3.1\">b1.1</mda:meta>"));
  CHECK(contains(x, "<unit id=\"b4\" translate=\"no\""));
}

TEST_CASE("written XLIFF validates against the OASIS schemas") {
  SKIP_WITHOUT_SHARED();
  const fs::path schemas = *shared_dir() / "data" / "schemas";
  TempDir dir;
  for (bool copy : {false, true}) {
    XliffWriteOptions o;
    o.copy_source_to_empty_target = copy;
    write_xliff(dir / "a.xlf", sample(), o);
    auto [rc12, out12] = xmllint(schemas / "xliff-core-1.2-strict.xsd", dir / "a.xlf");
    INFO(out12);
    CHECK(rc12 == 0);
    o.version = XliffVersion::k21;
    write_xliff(dir / "b.xlf", sample(), o);
    auto [rc21, out21] = xmllint(schemas / "xliff-2.1" / "xliff_2.1_core_and_modules.xsd", dir / "b.xlf");
    INFO(out21);
    CHECK(rc21 == 0);
  }
  XliffDocument empty = sample();
  empty.files[0].units.clear();
  XliffWriteOptions o;
  o.version = XliffVersion::k21;
  write_xliff(dir / "c.xlf", empty, o);
  CHECK(xmllint(schemas / "xliff-2.1" / "xliff_2.1_core_and_modules.xsd", dir / "c.xlf").first == 0);
  write_xliff(dir / "d.xlf", empty);
  CHECK(xmllint(schemas / "xliff-core-1.2-strict.xsd", dir / "d.xlf").first == 0);
}

TEST_CASE("target as a copy of the source, for tools that translate the target") {
  XliffWriteOptions o;
  o.copy_source_to_empty_target = true;
  const std::string x = format_xliff(sample(), o);
  CHECK(contains(x, "<trans-unit id=\"b3\" xml:space=\"preserve\"><source>Leaders meet in Baku</source>"
                    "<target state=\"new\">Leaders meet in Baku</target>"));
  CHECK(contains(x, "<target state=\"needs-translation\"><mrk mtype=\"seg\" mid=\"b2.1\">The summit opened on"));
  // Text that must not change is not offered for translation.
  CHECK(contains(x, "<trans-unit id=\"b4\" translate=\"no\" xml:space=\"preserve\"><source>x &lt;- 1</source>"
                    "</trans-unit>"));
  o.version = XliffVersion::k21;
  const std::string y = format_xliff(sample(), o);
  CHECK(contains(y, "<segment id=\"b3.1\" state=\"initial\"><source>Leaders meet in Baku</source>"
                    "<target>Leaders meet in Baku</target></segment>"));
  CHECK(contains(y, "<segment id=\"b4.1\" state=\"initial\"><source>x &lt;- 1</source></segment>"));
}

TEST_CASE("what is written reads back the same, in both versions") {
  for (XliffVersion v : {XliffVersion::k12, XliffVersion::k21}) {
    CAPTURE(static_cast<int>(v));
    XliffWriteOptions o;
    o.version = v;
    const XliffDocument in = sample();
    const XliffDocument back = parse_xliff(format_xliff(in, o), "back.xlf");
    REQUIRE(back.files.size() == 1);
    const XliffFile& f = back.files[0];
    CHECK(f.original == "news/summit.html");
    CHECK(f.datatype == "html");
    CHECK(f.source_language == "en");
    CHECK(f.target_language == "ru");
    CHECK(f.tool_name == "dilmanc");
    CHECK(f.tool_version == "0.1.0");
    REQUIRE(f.units.size() == 4);
    for (std::size_t u = 0; u < 4; ++u) {
      const XliffUnit& a = in.files[0].units[u];
      const XliffUnit& b = f.units[u];
      CAPTURE(a.id);
      CHECK(b.id == a.id);
      CHECK(b.kind == a.kind);
      CHECK(b.translate == a.translate);
      REQUIRE(b.notes.size() == a.notes.size());
      for (std::size_t n = 0; n < a.notes.size(); ++n) CHECK(b.notes[n].text == a.notes[n].text);
      REQUIRE(b.segments.size() == a.segments.size());
      for (std::size_t s = 0; s < a.segments.size(); ++s) {
        const XliffSegment& x = a.segments[s];
        const XliffSegment& y = b.segments[s];
        // 1.2 names the sentences of a block only when there are several (seg-source);
        // a block of one sentence reads back as one segment named after its unit.
        if (v == XliffVersion::k12 && a.segments.size() == 1) CHECK(y.id == a.id);
        else CHECK(y.id == x.id);
        CHECK(y.ignorable == x.ignorable);
        CHECK(display_text(y.source) == display_text(x.source));
        CHECK(y.has_target == x.has_target);
        CHECK(display_text(y.target) == display_text(x.target));
        CHECK(y.repetition_of == x.repetition_of);
        REQUIRE(y.matches.size() == x.matches.size());
        for (std::size_t m = 0; m < x.matches.size(); ++m) {
          CHECK(y.matches[m].score == x.matches[m].score);
          CHECK(y.matches[m].origin == x.matches[m].origin);
          CHECK(display_text(y.matches[m].target) == display_text(x.matches[m].target));
        }
        if (v == XliffVersion::k21) {
          // 2.1 keeps the original markup of every code and a state per segment.
          CHECK(y.source == x.source);
          if (!x.ignorable) CHECK(xliff2_state_name(y.state) == xliff2_state_name(x.state));
          CHECK(y.state_qualifier == x.state_qualifier);
        }
      }
    }
    // 1.2 has one state per block: the least advanced of its sentences.
    if (v == XliffVersion::k12) {
      CHECK(f.units[1].segments[0].state == XliffState::kNeedsTranslation);
      CHECK(f.units[1].segments[2].state == XliffState::kNeedsTranslation);
      CHECK(f.units[0].segments[0].approved);
      CHECK(f.units[0].segments[0].state_qualifier == "leveraged-tm");
    }
  }
}

TEST_CASE("an in-context match keeps its kind in both versions") {
  XliffDocument doc = sample();
  XliffMatch m;
  m.score = 101;
  m.in_context = true;
  m.origin = "dilmanc memory";
  m.source = plain("Leaders meet in Baku");
  m.target = plain("Лидеры встречаются в Баку");
  doc.files[0].units[0].segments[0].matches.push_back(m);
  for (XliffVersion v : {XliffVersion::k12, XliffVersion::k21}) {
    XliffWriteOptions o;
    o.version = v;
    const std::string x = format_xliff(doc, o);
    CHECK(contains(x, v == XliffVersion::k12 ? "match-quality=\"101\"" : "matchQuality=\"100\" origin=\"dilmanc memory\" type=\"icm\""));
    const XliffMatch back = parse_xliff(x, "m.xlf").files[0].units[0].segments[0].matches.at(0);
    CHECK(back.in_context);
    CHECK(back.score == 101);
  }
}

TEST_CASE("models that cannot be written are refused with the unit named") {
  auto refuses = [](XliffDocument doc, const std::string& what) {
    for (XliffVersion v : {XliffVersion::k12, XliffVersion::k21}) {
      XliffWriteOptions o;
      o.version = v;
      try {
        format_xliff(doc, o);
        FAIL("not refused: " << what);
      } catch (const Error& e) {
        CHECK(e.kind() == Error::Kind::kUsage);
        CHECK_MESSAGE(std::string(e.what()).find(what) != std::string::npos, e.what());
      }
    }
  };
  XliffDocument dup = sample();
  dup.files[0].units[1].id = "b1";
  refuses(dup, "b1");
  XliffDocument dup_segment = sample();
  dup_segment.files[0].units[2].segments[0].id = "b1.1";
  refuses(dup_segment, "b1.1");
  XliffDocument no_id = sample();
  no_id.files[0].units[3].segments[0].id.clear();
  refuses(no_id, "b4");
  XliffDocument bad_codes = sample();
  bad_codes.files[0].units[1].segments[0].source.codes.pop_back();
  refuses(bad_codes, "b2");
  XliffDocument control = sample();
  control.files[0].units[3].segments[0].source = plain("bell \x07");
  refuses(control, "b4");
  XliffDocument bad_utf8 = sample();
  bad_utf8.files[0].units[2].segments[0].source = plain("caf\xC3");
  refuses(bad_utf8, "b3");
  XliffDocument no_lang = sample();
  no_lang.files[0].source_language.clear();
  refuses(no_lang, "news/summit.html");
}

TEST_CASE("write_xliff replaces the file whole or not at all") {
  TempDir dir;
  const fs::path path = dir / "a.ru.xlf";
  write_file(path, "old");
  XliffDocument bad = sample();
  bad.files[0].units[1].id = "b1";
  CHECK_THROWS_AS(write_xliff(path, bad), Error);
  CHECK(read_file(path) == "old");
  write_xliff(path, sample());
  CHECK(read_file(path).rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>", 0) == 0);
  CHECK(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()) == 1);

  try {
    write_xliff(dir / "missing" / "a.xlf", sample());
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kIo);
    CHECK(e.where().file == (dir / "missing" / "a.xlf").string());
  }
}

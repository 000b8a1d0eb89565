#include <doctest/doctest.h>

#include <chrono>

#include "dilmanc/error.h"
#include "dilmanc/xliff.h"
#include "support.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

// A one-file XLIFF 1.2 document around `body`, after `prolog` (declaration, DOCTYPE).
std::string xliff12(const std::string& body, const std::string& extra_ns = "",
                    const std::string& prolog = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n") {
  return prolog +
         "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"" + extra_ns + ">\n"
         "<file original=\"a.txt\" datatype=\"plaintext\" source-language=\"en\" target-language=\"ru\">\n"
         "<body>\n" + body + "\n</body></file></xliff>\n";
}

const XliffUnit& unit(const XliffDocument& doc, const std::string& id) {
  for (const XliffFile& f : doc.files)
    for (const XliffUnit& u : f.units)
      if (u.id == id) return u;
  FAIL("no unit " << id);
  throw;
}

Error input_error(const std::string& text, const std::string& name = "in.xlf") {
  try {
    parse_xliff(text, name);
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error for " << text);
  throw;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("reads OmegaT's translated output: targets filled, attributes kept, units reordered") {
  // OmegaT writes the file back as it read it, with the translation inside <target>.
  const std::string text = xliff12(
      "<trans-unit id=\"b2\" xml:space=\"preserve\"><source>Second <g id=\"1\" ctype=\"bold\">block</g>.</source>"
      "<target state=\"new\">Второй <g id=\"1\" ctype=\"bold\">блок</g>.</target></trans-unit>\n"
      "<trans-unit id=\"b1\" xml:space=\"preserve\" approved=\"yes\"><source>First.</source>"
      "<target xml:lang=\"ru\" state=\"translated\">Первый.</target></trans-unit>");
  const XliffDocument doc = parse_xliff(text, "omegat.xlf");
  CHECK(doc.version == XliffVersion::k12);
  REQUIRE(doc.files.at(0).units.size() == 2);
  CHECK(doc.files[0].units[0].id == "b2");
  const XliffSegment& s2 = unit(doc, "b2").segments.at(0);
  CHECK(s2.id == "b2");
  CHECK(s2.has_target);
  CHECK(display_text(s2.target) == "Второй {1}блок{/1}.");
  CHECK(s2.target.codes.at(0).name == "bold");
  CHECK(s2.state == XliffState::kNew);
  const XliffSegment& s1 = unit(doc, "b1").segments.at(0);
  CHECK(s1.approved);
  CHECK(s1.state == XliffState::kTranslated);
  CHECK(xliff_state_is_translated(s1.state));
}

TEST_CASE("reads a file OmegaT 3.6 translated (tests/data/xliff/omegat-3.6-output.xlf)") {
  // Made by OmegaT 3.6 (console-translate, sentence segmentation on, a TMX in tm/auto) from
  // a file in dilmanc's layout: it translates inside each mrk, keeps the mrk structure and
  // leaves the state as it was.
  const XliffDocument doc = read_xliff(source_dir() / "tests" / "data" / "xliff" / "omegat-3.6-output.xlf");
  const XliffUnit& a = unit(doc, "a");
  REQUIRE(a.segments.size() == 3);
  CHECK(a.segments[0].id == "a.1");
  CHECK(a.segments[0].target.text == "Читайте дальше.");
  CHECK(a.segments[2].id == "a.2");
  CHECK(a.segments[2].target.text == "Лидеры встречаются в Баку");
  CHECK(a.segments[2].state == XliffState::kNew);
  CHECK(unit(doc, "b").segments.at(0).target.text == "Читайте дальше. Лидеры встречаются в Баку");
  CHECK(display_text(unit(doc, "c").segments.at(0).target) == "Читайте дальше. {1}Leaders{/1} meet in Baku");
}

TEST_CASE("a unit the CAT tool segmented otherwise") {
  // Our seg-source said b5.1 / b5.2; the tool's target has its own segmentation.
  const std::string text = xliff12(
      "<trans-unit id=\"b5\"><source>One. Two. Three.</source>"
      "<seg-source><mrk mtype=\"seg\" mid=\"0\">One. Two.</mrk> <mrk mtype=\"seg\" mid=\"1\">Three.</mrk></seg-source>"
      "<target state=\"translated\"><mrk mtype=\"seg\" mid=\"0\">Раз. Два.</mrk> "
      "<mrk mtype=\"seg\" mid=\"1\">Три.</mrk></target></trans-unit>\n"
      "<trans-unit id=\"b6\"><source>Four. Five.</source>"
      "<seg-source><mrk mtype=\"seg\" mid=\"b6.1\">Four.</mrk> <mrk mtype=\"seg\" mid=\"b6.2\">Five.</mrk></seg-source>"
      "<target state=\"translated\"><mrk mtype=\"seg\" mid=\"x\">Четыре. Пять.</mrk></target></trans-unit>\n"
      "<trans-unit id=\"b7\"><source>Six. Seven.</source>"
      "<seg-source><mrk mtype=\"seg\" mid=\"b7.1\">Six.</mrk> <mrk mtype=\"seg\" mid=\"b7.2\">Seven.</mrk></seg-source>"
      "<target>Шесть. Семь.</target></trans-unit>");
  const XliffDocument doc = parse_xliff(text, "t.xlf");
  const XliffUnit& b5 = unit(doc, "b5");
  REQUIRE(b5.segments.size() == 3);
  CHECK(b5.segments[0].id == "0");
  CHECK(b5.segments[0].target.text == "Раз. Два.");
  CHECK(b5.segments[1].ignorable);
  CHECK(b5.segments[1].source.text == " ");
  CHECK(b5.segments[2].target.text == "Три.");
  // Targets that do not follow the seg-source: the unit is read as one segment.
  for (const char* id : {"b6", "b7"}) {
    const XliffUnit& u = unit(doc, id);
    REQUIRE(u.segments.size() == 1);
    CHECK(u.segments[0].id == id);
    CHECK(u.segments[0].has_target);
  }
  CHECK(unit(doc, "b6").segments[0].source.text == "Four. Five.");
  CHECK(unit(doc, "b6").segments[0].target.text == "Четыре. Пять.");
  CHECK(unit(doc, "b7").segments[0].target.text == "Шесть. Семь.");
}

TEST_CASE("whitespace and xml:space variations are read as written") {
  const std::string text = xliff12(
      "<trans-unit id=\"1\" xml:space=\"default\"><source>  two  spaces </source>"
      "<target>\n  перевод\t</target></trans-unit>\n"
      "<trans-unit id=\"2\" xml:space=\"preserve\"><source><![CDATA[a < b]]></source></trans-unit>");
  const XliffDocument doc = parse_xliff(text, "ws.xlf");
  CHECK(unit(doc, "1").segments[0].source.text == "  two  spaces ");
  CHECK(unit(doc, "1").segments[0].target.text == "\n  перевод\t");
  CHECK(unit(doc, "2").segments[0].source.text == "a < b");
}

TEST_CASE("other tools' namespaces (sdl:, okp:, memoQ) are skipped, their text kept") {
  const std::string text = xliff12(
      "<group id=\"g\" okp:x=\"1\"><trans-unit id=\"1\" m:locked=\"false\" okp:y=\"2\">"
      "<source>Hello <mrk mtype=\"x-sdl-comment\" sdl:cid=\"c1\">world</mrk>!</source>"
      "<seg-source><mrk mtype=\"seg\" mid=\"1\">Hello <mrk mtype=\"x-sdl-comment\">world</mrk>!</mrk></seg-source>"
      "<target><mrk mtype=\"seg\" mid=\"1\">Привет, <okp:span>мир</okp:span>!</mrk></target>"
      "<sdl:seg-defs><sdl:seg id=\"1\" conf=\"Translated\"/></sdl:seg-defs>"
      "<m:extra>ignored</m:extra></trans-unit></group>",
      " xmlns:sdl=\"http://sdl.com/FileTypes/SdlXliff/1.0\" xmlns:okp=\"okapi-framework:xliff-extensions\""
      " xmlns:m=\"MQXliff\"");
  const XliffDocument doc = parse_xliff(text, "ns.xlf");
  const XliffUnit& u = unit(doc, "1");
  REQUIRE(u.segments.size() == 1);
  CHECK(u.segments[0].source.text == "Hello world!");
  CHECK(u.segments[0].target.text == "Привет, мир!");
}

TEST_CASE("XLIFF 1.2 inline codes in targets: g, x, bx, ex, ph, bpt, ept, it, mrk") {
  const std::string text = xliff12(
      "<trans-unit id=\"1\"><source>s</source><target>"
      "<g id=\"1\" ctype=\"x-b\">a</g><x id=\"2\" ctype=\"lb\"/><bx id=\"3\"/>b<ex id=\"3\"/>"
      "<ph id=\"4\">&lt;br/&gt;</ph><bpt id=\"5\">&lt;i&gt;</bpt>c<ept id=\"5\">&lt;/i&gt;</ept>"
      "<it id=\"6\" pos=\"open\">&lt;u&gt;</it>d<mrk mtype=\"term\">e</mrk>"
      "<ph id=\"7\">{0}<sub>not text</sub></ph></target></trans-unit>");
  const XliffDocument doc = parse_xliff(text, "codes.xlf");
  const XliffSegment& s = unit(doc, "1").segments[0];
  CHECK(display_text(s.target) == "{1}a{/1}{2/}{3}b{/3}{4/}{5}c{/5}{6>}de{7/}");
  REQUIRE(s.target.codes.size() == 10);
  CHECK(s.target.codes[0].name == "b");
  CHECK(s.target.codes[2].name == "lb");
  CHECK(s.target.codes[5].original == "<br/>");
  CHECK(s.target.codes[5].name == "br");
  CHECK(s.target.codes[6].original == "<i>");
  CHECK(s.target.codes[6].name == "i");
  CHECK(s.target.codes[7].original == "</i>");
  CHECK(s.target.codes[8].isolated);
  CHECK(s.target.codes[9].original == "{0}");
  CHECK(check_codes(s.target).empty());
}

TEST_CASE("XLIFF 2.x inline codes: pc, ph, sc/ec across segments, mrk, cp") {
  const std::string text =
      "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.0\" srcLang=\"en\" trgLang=\"az\">"
      "<file id=\"f1\"><unit id=\"u1\"><originalData><data id=\"d1\">&lt;b&gt;</data><data id=\"d2\">&lt;/b&gt;</data>"
      "<data id=\"d3\">&lt;a href='x'&gt;</data></originalData>"
      "<segment id=\"s1\" state=\"reviewed\"><source><pc id=\"1\" dataRefStart=\"d1\" dataRefEnd=\"d2\">Bold</pc> "
      "<sc id=\"2\" dataRef=\"d3\"/>link<cp hex=\"0001\"/></source>"
      "<target><pc id=\"1\" dataRefStart=\"d1\" dataRefEnd=\"d2\">Qalın</pc> <sc id=\"2\" dataRef=\"d3\" isolated=\"yes\"/>keçid</target>"
      "</segment><ignorable><source> </source></ignorable>"
      "<segment id=\"s2\"><source>ends<ec startRef=\"2\"/> <mrk id=\"m1\" type=\"term\">here</mrk><ph id=\"3\"/></source>"
      "</segment></unit></file></xliff>";
  const XliffDocument doc = parse_xliff(text, "two.xlf");
  CHECK(doc.version == XliffVersion::k20);
  const XliffUnit& u = unit(doc, "u1");
  REQUIRE(u.segments.size() == 3);
  CHECK(display_text(u.segments[0].source) == "{1}Bold{/1} {2>}link\x01");
  CHECK(u.segments[0].source.codes[0].original == "<b>");
  CHECK(u.segments[0].source.codes[1].original == "</b>");
  CHECK(u.segments[0].source.codes[2].name == "a");
  CHECK(u.segments[0].state == XliffState::kSignedOff);
  CHECK(display_text(u.segments[0].target) == "{1}Qalın{/1} {2>}keçid");
  CHECK(display_text(u.segments[2].source) == "ends{<2} here{3/}");
  CHECK_FALSE(u.segments[2].has_target);
  CHECK(u.segments[2].state == XliffState::kUnspecified);
}

TEST_CASE("reading never loads a DTD, an external entity or the network") {
  TempDir dir;
  // A DTD beside the file that would mark every unit translate="no" if it were loaded: a
  // file that asks for a DTD is refused, naming it.
  write_file(dir / "x.dtd", "<!ATTLIST trans-unit translate CDATA \"no\">");
  write_file(dir / "a.xlf", xliff12("<trans-unit id=\"1\"><source>text</source></trans-unit>", "",
                                    "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff SYSTEM \"x.dtd\">\n"));
  try {
    read_xliff(dir / "a.xlf");
    FAIL("a DTD reference was accepted");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().line == 2);
    CHECK(contains(e.cause(), "'x.dtd'"));
  }

  // A DTD on an unreachable host is not fetched: the refusal comes at once.
  const auto start = std::chrono::steady_clock::now();
  const Error remote = input_error(
      xliff12("<trans-unit id=\"1\"><source>text</source></trans-unit>", "",
              "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff PUBLIC \"-//X//DTD X//EN\" \"http://192.0.2.1/xliff.dtd\">\n"),
      "remote.xlf");
  CHECK(contains(remote.cause(), "http://192.0.2.1/xliff.dtd"));
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));

  // A DOCTYPE that asks for nothing is harmless.
  const XliffDocument plain = parse_xliff(
      xliff12("<trans-unit id=\"1\"><source>text</source></trans-unit>", "", "<!DOCTYPE xliff>\n"), "p.xlf");
  CHECK(unit(plain, "1").segments[0].source.text == "text");

  // External entities are refused, whether they name a file or a URL.
  write_file(dir / "secret.txt", "secret");
  const std::string external =
      xliff12("<trans-unit id=\"1\"><source>&s;</source></trans-unit>", "", "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [<!ENTITY s SYSTEM \"" + (dir / "secret.txt").string() + "\">]>\n");
  Error e = input_error(external, "ext.xlf");
  CHECK(e.kind() == Error::Kind::kInput);
  CHECK(contains(e.what(), "ext.xlf:2:"));
  CHECK(contains(e.what(), "'s'"));
  CHECK_FALSE(contains(e.what(), "secret"));

  const std::string parameter = xliff12(
      "<trans-unit id=\"1\"><source>x</source></trans-unit>", "",
      "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [<!ENTITY % p SYSTEM \"http://192.0.2.1/p.dtd\"> %p;]>\n");
  CHECK(contains(input_error(parameter).what(), "entity"));
}

TEST_CASE("an entity-expansion bomb is refused with a clear error") {
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE xliff [\n<!ENTITY a0 \"lol\">\n";
  for (int i = 1; i < 10; ++i)
    bomb += "<!ENTITY a" + std::to_string(i) + " \"" + [&] {
      std::string s;
      for (int k = 0; k < 10; ++k) s += "&a" + std::to_string(i - 1) + ";";
      return s;
    }() + "\">\n";
  bomb += "]>\n";
  bomb = xliff12("<trans-unit id=\"1\"><source>&a9;</source></trans-unit>", "", bomb);
  const auto start = std::chrono::steady_clock::now();
  Error e = input_error(bomb, "bomb.xlf");
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
  CHECK(e.kind() == Error::Kind::kInput);
  CHECK(e.where().file == "bomb.xlf");
  CHECK(e.where().line == 3);
  CHECK(contains(e.cause(), "entity 'a0'"));
  CHECK(contains(e.cause(), "refused"));
}

TEST_CASE("malformed XML is reported with file, line and column") {
  const std::string broken = "<?xml version=\"1.0\"?>\n<xliff version=\"1.2\">\n<file>\n  <body></bdy>\n</file></xliff>";
  Error e = input_error(broken, "broken.xlf");
  CHECK(e.kind() == Error::Kind::kInput);
  CHECK(e.where().file == "broken.xlf");
  CHECK(e.where().line == 4);
  CHECK(e.where().column > 0);
  CHECK(contains(e.what(), "broken.xlf:4:"));
  CHECK(contains(e.cause(), "malformed XML"));

  Error truncated = input_error("<xliff version=\"1.2\"><file", "cut.xlf");
  CHECK(truncated.where().line == 1);
  CHECK(contains(truncated.cause(), "malformed XML"));
}

TEST_CASE("documents that are not usable XLIFF are refused, naming the problem") {
  CHECK(contains(input_error("<tmx version=\"1.4\"/>").cause(), "<tmx>"));
  CHECK(contains(input_error("<xliff version=\"3.0\"/>").cause(), "'3.0'"));
  CHECK(contains(input_error("<xliff xmlns=\"urn:x\"/>").cause(), "urn:x"));
  const Error no_lang = input_error(
      "<xliff version=\"1.2\">\n<file original=\"a\" datatype=\"plaintext\"><body/></file></xliff>");
  CHECK(contains(no_lang.cause(), "source-language"));
  CHECK(no_lang.where().line == 2);
  const Error twice = input_error(xliff12(
      "<trans-unit id=\"1\"><source>a</source></trans-unit>\n<trans-unit id=\"1\"><source>b</source></trans-unit>"));
  CHECK(contains(twice.cause(), "'1'"));
  CHECK(twice.where().line == 6);
  CHECK(contains(input_error(xliff12("<trans-unit id=\"1\"></trans-unit>")).cause(), "<source>"));
  const std::string two = "<xliff xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" version=\"2.1\" srcLang=\"en\">"
                          "<file id=\"f\"><unit id=\"u\"><segment><source><ph id=\"1\" dataRef=\"d9\"/></source>"
                          "</segment></unit></file></xliff>";
  CHECK(contains(input_error(two).cause(), "'d9'"));
  CHECK_THROWS_AS(read_xliff("/nonexistent/dir/file.xlf"), Error);
}

TEST_CASE("XLIFF 1.2 languages must be language tags: they name the editions' files") {
  // A target-language holding a path would put merge's edition outside its folder.
  const Error path = input_error(
      "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\">\n"
      "<file original=\"a.txt\" datatype=\"plaintext\" source-language=\"en\"\n"
      " target-language=\"ru/../../outside\"><body/></file></xliff>");
  CHECK(contains(path.cause(), "'ru/../../outside' is not a valid language tag"));
  CHECK(path.where().line == 3);  // where the start tag, and its target-language, ends
  CHECK(contains(input_error("<xliff version=\"1.2\"><file original=\"a\" datatype=\"plaintext\" "
                             "source-language=\"../en\"><body/></file></xliff>")
                     .cause(),
                 "'../en'"));
  CHECK(contains(input_error(xliff12("<trans-unit id=\"1\"><source>a</source><target xml:lang=\"x/y\">b</target>"
                                     "</trans-unit>"))
                     .cause(),
                 "'x/y'"));
  const XliffDocument fine = parse_xliff(xliff12("<trans-unit id=\"1\"><source>a</source><target "
                                                 "xml:lang=\"az-Latn-AZ\">b</target></trans-unit>"),
                                         "fine.xlf");
  CHECK(unit(fine, "1").target_language == "az-Latn-AZ");
}

TEST_CASE("text that looks like our code markers is dropped, not taken for codes") {
  const std::string text = xliff12("<trans-unit id=\"1\"><source>a\xEE\x84\x81" "b\xEE\x80\x80" "c</source></trans-unit>");
  const XliffDocument doc = parse_xliff(text, "m.xlf");
  const XliffSegment& s = unit(doc, "1").segments[0];
  CHECK(s.source.text == "ab\xEE\x80\x80" "c");
  CHECK(s.source.codes.empty());
}

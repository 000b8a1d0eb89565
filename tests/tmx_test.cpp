#include "dilmanc/tmx.h"

#include <doctest/doctest.h>

#include <chrono>
#include <cstdlib>

#include "dilmanc/error.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::TempDir;
using dilmanc::test::write_file;
using dilmanc::test::read_file;

namespace {

const char* kHeader =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" "
    "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" "
    "datatype=\"plaintext\"/><body>\n";

std::string tmx(const std::string& body) { return std::string(kHeader) + body + "</body></tmx>\n"; }

std::vector<TmxEntry> read_all(const std::string& path) {
  TmxReader reader(path);
  std::vector<TmxEntry> out;
  TmxEntry e;
  while (reader.next(e)) out.push_back(e);
  return out;
}

Error error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error");
  return Error(Error::Kind::kUsage, "");
}

}  // namespace

TEST_CASE("TMX: header, units, props, notes and dates are read") {
  TempDir dir;
  write_file(dir / "a.tmx", tmx(R"(<tu tuid="7" creationdate="20240501T120000Z" creationid="ed" usagecount="3">
<prop type="x-domain">politics</prop><note>n1</note>
<tuv xml:lang="en-US" changedate="20240601T000000Z"><prop type="x-q">ok</prop><seg>Leaders meet.</seg></tuv>
<tuv xml:lang="az"><seg>Liderlər görüşür.</seg></tuv></tu>)"));
  TmxReader reader((dir / "a.tmx").string());
  CHECK(reader.header().srclang == "en");
  CHECK(reader.header().version == "1.4");
  TmxEntry e;
  REQUIRE(reader.next(e));
  CHECK(!e.skipped);
  CHECK(e.line == 3);
  CHECK(e.unit.tuid == "7");
  CHECK(e.unit.source_lang == "en");
  CHECK(e.unit.created_at == "2024-05-01T12:00:00Z");
  CHECK(e.unit.created_by == "ed");
  CHECK(e.unit.usage_count == 3);
  CHECK(e.unit.origin_file == "a.tmx");
  CHECK(e.unit.origin_segment == "7");
  REQUIRE(e.unit.annotations.size() == 2);
  CHECK(e.unit.annotations[0] == Annotation{false, "x-domain", "", "politics"});
  CHECK(e.unit.annotations[1] == Annotation{true, "", "", "n1"});
  REQUIRE(e.unit.variants.size() == 2);
  CHECK(e.unit.variants[0].tag == "en-US");
  CHECK(e.unit.variants[0].changed_at == "2024-06-01T00:00:00Z");
  CHECK(e.unit.variants[0].annotations.size() == 1);
  CHECK(e.unit.variants[1].text.text == "Liderlər görüşür.");
  CHECK(!reader.next(e));
}

TEST_CASE("TMX: inline codes map to InlineText") {
  TempDir dir;
  write_file(dir / "c.tmx",
             tmx(R"(<tu><tuv xml:lang="en"><seg>A <bpt i="1" type="bold">&lt;b&gt;</bpt>b<ept i="1">&lt;/b&gt;</ept><ph type="lb">&lt;br/&gt;</ph> <hi type="em">c</hi> <it pos="begin">&lt;i&gt;</it>d<ut>{\x}</ut> <ph>x<sub>sub text</sub></ph></seg></tuv>
<tuv xml:lang="ru"><seg>Б</seg></tuv></tu>)"));
  auto entries = read_all((dir / "c.tmx").string());
  REQUIRE(entries.size() == 1);
  const InlineText& t = entries[0].unit.variants[0].text;
  CHECK(check_codes(t).empty());
  CHECK(display_text(t) == "A {1}b{/1}{2/} {3}c{/3} {4>}d{5/} {6/}");
  REQUIRE(t.codes.size() == 8);
  CHECK(t.codes[0].original == "<b>");
  CHECK(t.codes[0].name == "bold");
  CHECK(t.codes[1].original == "</b>");
  CHECK(t.codes[1].name == "bold");
  CHECK(t.codes[2].name == "lb");
  CHECK(t.codes[3].original.empty());  // hi: highlighting, no native code
  CHECK(t.codes[3].name == "em");
  CHECK(t.codes[5].isolated);
  CHECK(t.codes[6].original == "{\\x}");
  CHECK(t.codes[7].original == "xsub text");
}

TEST_CASE("TMX: marker characters in a file's text are dropped, other private-use characters kept") {
  // U+E101..U+E103 stand for inline codes inside dilmanc: a file's own are not codes.
  TempDir dir;
  write_file(dir / "m.tmx", tmx("<tu><tuv xml:lang=\"en\"><seg>\uE101A\uE000b <ph>x</ph>\uE102c\uE103"
                                "</seg></tuv><tuv xml:lang=\"ru\"><seg>\uE100Б\uE104</seg></tuv></tu>"));
  auto entries = read_all((dir / "m.tmx").string());
  REQUIRE(entries.size() == 1);
  const InlineText& en = entries[0].unit.variants[0].text;
  CHECK(display_text(en) == "A\uE000b {1/}c");
  CHECK(plain_text(en) == "A\uE000b c");
  CHECK(entries[0].unit.variants[1].text.text == "\uE100Б\uE104");
}

TEST_CASE("TMX: x attributes give the ids, overlapping pairs become isolated codes") {
  TempDir dir;
  write_file(dir / "x.tmx", tmx(R"(<tu><tuv xml:lang="en"><seg><ph x="5"/>a<bpt i="1" x="2">[</bpt>b<ept i="1">]</ept></seg></tuv>
<tuv xml:lang="ru"><seg><bpt i="1">[</bpt>a<bpt i="2">(</bpt>b<ept i="1">]</ept>c<ept i="2">)</ept><ept i="9">}</ept></seg></tuv></tu>)"));
  auto entries = read_all((dir / "x.tmx").string());
  REQUIRE(entries.size() == 1);
  REQUIRE(!entries[0].skipped);
  CHECK(display_text(entries[0].unit.variants[0].text) == "{5/}a{2}b{/2}");
  const InlineText& ru = entries[0].unit.variants[1].text;
  CHECK(check_codes(ru).empty());
  CHECK(display_text(ru) == "{1>}a{2>}b{<1}c{<2}{<3}");
}

TEST_CASE("TMX: older versions (lang attribute), *all*, skips with reasons, alternatives") {
  TempDir dir;
  write_file(dir / "o.tmx", R"(<?xml version="1.0"?><tmx version="1.1"><header srclang="*all*"/><body>
<tu><tuv lang="EN"><seg>One.</seg></tuv><tuv lang="RU"><seg>Один.</seg></tuv></tu>
<tu><tuv lang="en"><seg>Two.</seg></tuv><tuv lang="xx"><seg>Deux.</seg></tuv></tu>
<tu><tuv lang="en"><seg>Three.</seg></tuv><tuv lang="ru"><seg></seg></tuv></tu>
<tu><tuv lang="en"><seg>Four.</seg></tuv><tuv lang="ru"><seg>Четыре.</seg></tuv><tuv lang="ru"><seg>Четвёрка.</seg></tuv></tu>
<tu><tuv><seg>Five.</seg></tuv><tuv lang="ru"><seg>Пять.</seg></tuv></tu>
</body></tmx>)");
  auto e = read_all((dir / "o.tmx").string());
  REQUIRE(e.size() == 6);
  CHECK(!e[0].skipped);
  CHECK(e[0].unit.source_lang.empty());
  CHECK(e[0].unit.variants[0].tag == "EN");
  CHECK(e[1].skipped);
  CHECK(e[1].reason.find("'xx'") != std::string::npos);
  CHECK(e[1].line == 3);
  CHECK(e[2].skipped);
  CHECK(e[2].reason.find("two languages") != std::string::npos);
  CHECK(!e[3].skipped);
  CHECK(e[3].unit.variant("ru")->text.text == "Четыре.");
  CHECK(!e[4].skipped);  // the alternative translation, with the source
  CHECK(e[4].unit.variant("en")->text.text == "Four.");
  CHECK(e[4].unit.variant("ru")->text.text == "Четвёрка.");
  CHECK(e[5].skipped);
}

TEST_CASE("TMX: malformed XML, a wrong root and a missing file are errors with places") {
  TempDir dir;
  write_file(dir / "bad.tmx", tmx("<tu><tuv xml:lang=\"en\"><seg>a</tuv></tu>"));
  Error e = error_of([&] { read_all((dir / "bad.tmx").string()); });
  CHECK(e.kind() == Error::Kind::kInput);
  CHECK(e.where().line == 3);
  CHECK(e.where().column > 0);
  CHECK(e.where().file == (dir / "bad.tmx").string());

  write_file(dir / "root.tmx", "<?xml version=\"1.0\"?><html><body/></html>");
  Error r = error_of([&] { TmxReader reader((dir / "root.tmx").string()); });
  CHECK(std::string(r.what()).find("<html>") != std::string::npos);

  Error m = error_of([&] { TmxReader reader((dir / "missing.tmx").string()); });
  CHECK(m.kind() == Error::Kind::kIo);
}

TEST_CASE("TMX: entities are never expanded: a billion-laughs bomb and an external entity fail fast") {
  TempDir dir;
  std::string bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n<!ENTITY a \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\">\n";
  for (int i = 1; i < 12; ++i)
    bomb += "<!ENTITY " + std::string(1, static_cast<char>('a' + i)) + " \"" +
            std::string(10, '&') + "\">\n";
  // Each level refers ten times to the previous one.
  bomb.clear();
  bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [\n<!ENTITY l0 \"lol\">\n";
  for (int i = 1; i <= 10; ++i) {
    bomb += "<!ENTITY l" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) bomb += "&l" + std::to_string(i - 1) + ";";
    bomb += "\">\n";
  }
  bomb += "]>\n<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\"><seg>&l10;</seg></tuv>"
          "<tuv xml:lang=\"ru\"><seg>x</seg></tuv></tu></body></tmx>\n";
  write_file(dir / "bomb.tmx", bomb);
  auto start = std::chrono::steady_clock::now();
  Error e = error_of([&] { read_all((dir / "bomb.tmx").string()); });
  CHECK(e.kind() == Error::Kind::kInput);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));

  write_file(dir / "secret.txt", "TOP-SECRET-CONTENT");
  write_file(dir / "xxe.tmx", "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ENTITY x SYSTEM \"file://" +
                                  (dir / "secret.txt").string() +
                                  "\">]>\n<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\">"
                                  "<seg>&x;</seg></tuv><tuv xml:lang=\"ru\"><seg>x</seg></tuv></tu></body></tmx>\n");
  Error x = error_of([&] { read_all((dir / "xxe.tmx").string()); });
  CHECK(x.kind() == Error::Kind::kInput);
  CHECK(std::string(x.what()).find("TOP-SECRET") == std::string::npos);
}

TEST_CASE("TMX: UTF-16 files are read") {
  TempDir dir;
  const std::string utf8 = tmx("<tu><tuv xml:lang=\"en\"><seg>Baku</seg></tuv><tuv xml:lang=\"az\"><seg>Bakı</seg></tuv></tu>");
  std::string text = utf8;
  text.replace(text.find("UTF-8"), 5, "UTF-16");
  // UTF-16LE with a byte-order mark; the text is ASCII but for "ı" (U+0131).
  std::string utf16 = "\xFF\xFE";
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == 0xC4 && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) == 0xB1) {
      utf16 += '\x31';
      utf16 += '\x01';
      ++i;
      continue;
    }
    utf16 += static_cast<char>(c);
    utf16 += '\0';
  }
  write_file(dir / "u16.tmx", utf16);
  auto e = read_all((dir / "u16.tmx").string());
  REQUIRE(e.size() == 1);
  CHECK(e[0].unit.variant("az")->text.text == "Bakı");
}

TEST_CASE("TMX: export, import into a new memory, export again gives the same file, valid against the DTD") {
  TempDir dir;
  write_file(dir / "in.tmx", tmx(R"(<tu tuid="a1" creationdate="20240501T120000Z" creationid="ed" changedate="20240502T120000Z" usagecount="2">
<prop type="x-domain">politics</prop><note>Check &amp; approve</note>
<tuv xml:lang="en-US"><seg>Dr. Smith spoke at <bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>10 a.m.<ept i="1">&lt;/b&gt;</ept> local time.<ph x="2" type="lb">&lt;br/&gt;</ph></seg></tuv>
<tuv xml:lang="ru"><note>ok</note><seg>Д-р Смит выступил в <bpt i="1" x="1" type="bold">&lt;b&gt;</bpt>10 утра<ept i="1">&lt;/b&gt;</ept>.<ph x="2" type="lb">&lt;br/&gt;</ph></seg></tuv>
<tuv xml:lang="az"><seg>Tab	and  spaces &lt;kept&gt; <hi type="x">hi</hi> <it pos="end">&lt;/i&gt;</it></seg></tuv></tu>
<tu><tuv xml:lang="en"><seg>Second.</seg></tuv><tuv xml:lang="ru"><seg>Второе.</seg></tuv></tu>)"));
  {
    TranslationMemory m1((dir / "m1.db").string());
    auto s = import_file(m1, (dir / "in.tmx").string());
    CHECK(s.added == 2);
    TranslationUnit with_context = *m1.unit(2);
    with_context.context_prev = segment_hash("Before.");
    with_context.variants[1].text.text = "Второе (в контексте).";
    m1.add(with_context);
    CHECK(export_tmx(m1, (dir / "out1.tmx").string()) == 3);
  }
  {
    TranslationMemory m2((dir / "m2.db").string());
    auto s = import_file(m2, (dir / "out1.tmx").string());
    CHECK(s.added == 3);
    CHECK(s.skipped == 0);
    export_tmx(m2, (dir / "out2.tmx").string());
  }
  const std::string out1 = read_file(dir / "out1.tmx");
  CHECK(out1 == read_file(dir / "out2.tmx"));
  for (const char* expected : {"tuid=\"a1\"", "o-tmf=\"dilmanc\"", "datatype=\"plaintext\"", "segtype=\"sentence\"",
                               "<note>Check &amp; approve</note>", "x-context-prev", "<hi x=\"", "<it pos=\"end\"",
                               "creationid=\"ed\"", "usagecount=\"2\""})
    CHECK_MESSAGE(out1.find(expected) != std::string::npos, expected);
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0 && test::shared_dir()) {
    const std::string dtd = (*test::shared_dir() / "data" / "schemas" / "tmx14.dtd").string();
    const std::string command = "xmllint --nonet --noout --dtdvalid '" + dtd + "' '" + (dir / "out1.tmx").string() + "'";
    CHECK(std::system(command.c_str()) == 0);
  }
}

TEST_CASE("TMX: the header's props and notes are kept, exported, and survive export, import, export") {
  TempDir dir;
  const std::string header =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"t\" "
      "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" "
      "datatype=\"plaintext\">\n<prop type=\"x-client\">Press office</prop><note xml:lang=\"en\">Reviewed &amp; "
      "approved</note><prop type=\"x-domain\" xml:lang=\"az\">siyasət</prop>\n</header><body>\n"
      "<tu><tuv xml:lang=\"en\"><seg>First.</seg></tuv><tuv xml:lang=\"ru\"><seg>Первое.</seg></tuv></tu>\n"
      "</body></tmx>\n";
  write_file(dir / "in.tmx", header);
  const std::vector<Annotation> expected = {{false, "x-client", "", "Press office"},
                                            {true, "", "en", "Reviewed & approved"},
                                            {false, "x-domain", "az", "siyasət"}};
  {
    TranslationMemory m1((dir / "m1.db").string());
    import_file(m1, (dir / "in.tmx").string());
    CHECK(m1.header_annotations() == expected);
    // The same file again adds nothing; another file's new ones come after.
    import_file(m1, (dir / "in.tmx").string());
    CHECK(m1.header_annotations() == expected);
    export_tmx(m1, (dir / "out1.tmx").string());
  }
  {
    TranslationMemory m2((dir / "m2.db").string());
    import_file(m2, (dir / "out1.tmx").string());
    CHECK(m2.header_annotations() == expected);
    export_tmx(m2, (dir / "out2.tmx").string());
  }
  const std::string out1 = read_file(dir / "out1.tmx");
  CHECK(out1 == read_file(dir / "out2.tmx"));
  CHECK(out1.find("<prop type=\"x-client\">Press office</prop>") != std::string::npos);
  CHECK(out1.find("<note xml:lang=\"en\">Reviewed &amp; approved</note>") != std::string::npos);
  CHECK(out1.find("<prop type=\"x-domain\" xml:lang=\"az\">siyasət</prop>") < out1.find("<body>"));
  {
    // Nothing of a file that fails is kept, its header included.
    TranslationMemory m3((dir / "m3.db").string());
    write_file(dir / "broken.tmx", header.substr(0, header.size() - 20));
    CHECK_THROWS_AS(import_file(m3, (dir / "broken.tmx").string()), Error);
    CHECK(m3.header_annotations().empty());
  }
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0 && test::shared_dir()) {
    const std::string dtd = (*test::shared_dir() / "data" / "schemas" / "tmx14.dtd").string();
    const std::string command = "xmllint --nonet --noout --dtdvalid '" + dtd + "' '" + (dir / "out1.tmx").string() + "'";
    CHECK(std::system(command.c_str()) == 0);
  }
}

TEST_CASE("TMX: a bilingual export puts the source first and names it") {
  TempDir dir;
  TranslationMemory m((dir / "m.db").string());
  TranslationUnit u;
  for (auto [tag, text] : {std::pair{"az", "Salam."}, {"en", "Hello."}, {"ru", "Привет."}}) {
    Variant v;
    v.tag = tag;
    v.text.text = text;
    u.variants.push_back(v);
  }
  m.add(u);
  TranslationUnit only_az_en;
  only_az_en.variants = {u.variants[0], u.variants[1]};
  only_az_en.variants[0].text.text = "Salam!";
  m.add(only_az_en);
  CHECK(export_tmx(m, (dir / "b.tmx").string(), {"ru", "en"}) == 1);
  const std::string out = read_file(dir / "b.tmx");
  CHECK(out.find("srclang=\"ru\"") != std::string::npos);
  CHECK(out.find("xml:lang=\"az\"") == std::string::npos);
  CHECK(out.find("Привет.") < out.find("Hello."));
}

TEST_CASE("import: one file is all or nothing") {
  TempDir dir;
  TranslationMemory m((dir / "m.db").string());
  write_file(dir / "ok.tmx", tmx("<tu><tuv xml:lang=\"en\"><seg>A.</seg></tuv><tuv xml:lang=\"ru\"><seg>А.</seg></tuv></tu>"));
  CHECK(import_file(m, (dir / "ok.tmx").string()).added == 1);
  std::string body;
  for (int i = 0; i < 2000; ++i)
    body += "<tu><tuv xml:lang=\"en\"><seg>S" + std::to_string(i) + ".</seg></tuv><tuv xml:lang=\"ru\"><seg>П" +
            std::to_string(i) + ".</seg></tuv></tu>\n";
  write_file(dir / "broken.tmx", tmx(body + "<tu><tuv xml:lang=\"en\"><seg>x</seg></tu>"));
  Error e = error_of([&] { import_file(m, (dir / "broken.tmx").string()); });
  CHECK(e.where().line == 2003);
  CHECK(m.stats().units == 1);
  write_file(dir / "other.xml", "<?xml version=\"1.0\"?><html/>");
  Error r = error_of([&] { import_file(m, (dir / "other.xml").string()); });
  CHECK(std::string(r.what()).find("<html>") != std::string::npos);
  CHECK(m.stats().units == 1);
}

TEST_CASE("import: finished XLIFF 1.2 and 2.x units become memory units") {
  TempDir dir;
  write_file(dir / "a.xlf", R"(<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="news.html" source-language="en" target-language="az" datatype="html"><body>
<trans-unit id="1" approved="yes"><source>Press <g id="1" ctype="bold">OK</g><x id="2"/></source><target>Basın <g id="1" ctype="bold">OK</g><x id="2"/></target><note>n</note></trans-unit>
<trans-unit id="2"><source>Draft.</source><target state="needs-translation">Qaralama.</target></trans-unit>
<trans-unit id="3"><source>Done <bpt id="1">&lt;i&gt;</bpt>now<ept id="1">&lt;/i&gt;</ept>.</source><target state="final">İndi <bpt id="1">&lt;i&gt;</bpt>hazır<ept id="1">&lt;/i&gt;</ept>.</target></trans-unit>
<trans-unit id="4" translate="no"><source>Code</source><target state="final">Code</target></trans-unit>
</body></file></xliff>)");
  write_file(dir / "b.xlf", R"(<?xml version="1.0"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="ru"><file id="f1" original="news.html">
<unit id="u1"><originalData><data id="d1">&lt;b&gt;</data><data id="d2">&lt;/b&gt;</data><data id="d3">&lt;br/&gt;</data></originalData>
<segment state="final"><source><pc id="1" dataRefStart="d1" dataRefEnd="d2">Bold</pc> text<ph id="2" dataRef="d3"/></source><target><pc id="1" dataRefStart="d1" dataRefEnd="d2">Жирный</pc> текст<ph id="2" dataRef="d3"/></target></segment>
<segment state="initial"><source>Later.</source><target>Позже.</target></segment></unit>
<unit id="u2"><segment state="translated"><source><sc id="1"/>Split<ec startRef="1"/></source><target><sc id="1"/>Раздел<ec startRef="1"/></target></segment></unit>
</file></xliff>)");
  TranslationMemory m((dir / "m.db").string());
  auto a = import_file(m, (dir / "a.xlf").string());
  CHECK(a.read == 4);
  CHECK(a.added == 2);
  CHECK(a.skipped == 2);
  auto b = import_file(m, (dir / "b.xlf").string());
  CHECK(b.read == 3);
  CHECK(b.added == 2);
  CHECK(b.skipped == 1);
  auto found = m.lookup_exact(InlineText{"Press " + std::string(kOpeningMarker) + "OK" + std::string(kClosingMarker) +
                                             std::string(kPlaceholderMarker),
                                         {}},
                              "en");
  REQUIRE(found.size() == 1);
  CHECK(display_text(found[0].variant("az")->text) == "Basın {1}OK{/1}{2/}");
  CHECK(found[0].variant("az")->text.codes[0].name == "bold");
  CHECK(found[0].origin_file == "news.html");
  CHECK(found[0].annotations.size() == 1);
  auto bold = m.concordance("жирный", "ru", 5);
  REQUIRE(bold.size() == 1);
  const InlineText& en = bold[0].unit.variant("en")->text;
  CHECK(display_text(en) == "{1}Bold{/1} text{2/}");
  CHECK(en.codes[0].original == "<b>");
  CHECK(en.codes[2].original == "<br/>");
  CHECK(m.concordance("Раздел", "ru", 5).size() == 1);
}

TEST_CASE("TMX: a DTD named by URL or an external entity is refused, a bare tmx14.dtd is ignored") {
  TempDir dir;
  const std::string body = "<tmx version=\"1.4\"><header srclang=\"en\"/><body><tu><tuv xml:lang=\"en\"><seg>A</seg>"
                           "</tuv><tuv xml:lang=\"ru\"><seg>Б</seg></tuv></tu></body></tmx>\n";
  write_file(dir / "plain.tmx", "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n" + body);
  CHECK(read_all((dir / "plain.tmx").string()).size() == 1);
  write_file(dir / "url.tmx", "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx SYSTEM \"http://127.0.0.1:9/tmx14.dtd\">\n" + body);
  Error e = error_of([&] { read_all((dir / "url.tmx").string()); });
  CHECK(std::string(e.what()).find("http://127.0.0.1:9/tmx14.dtd") != std::string::npos);
  write_file(dir / "pe.tmx", "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ENTITY % p SYSTEM \"p.dtd\">]>\n" + body);
  CHECK(error_of([&] { read_all((dir / "pe.tmx").string()); }).kind() == Error::Kind::kInput);
}

TEST_CASE("TMX: attributes given in the file, by namespace, with references, and defaults the document type declares") {
  TempDir dir;
  const std::string body =
      "<tmx version=\"1.4\"><header srclang=\"en\"/><body>"
      "<tu tuid=\"a&amp;b&#x41;\" changeid=\"\"><tuv xml:lang=\"en\"><seg>A</seg></tuv>"
      "<tuv xmlns:p=\"urn:p\" p:lang=\"de\" lang=\"de\" xml:lang=\"ru-RU\"><seg>Б</seg></tuv></tu>"
      "<tu><tuv xml:lang=\"en\"><seg>C</seg></tuv><tuv xml:lang=\"ru\"><seg>Д</seg></tuv></tu>"
      "</body></tmx>\n";
  write_file(dir / "given.tmx", "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx SYSTEM \"tmx14.dtd\">\n" + body);
  auto given = read_all((dir / "given.tmx").string());
  REQUIRE(given.size() == 2);
  CHECK(given[0].unit.tuid == "a&bA");
  CHECK(given[0].unit.changed_by.empty());
  REQUIRE(given[0].unit.variants.size() == 2);
  CHECK(given[0].unit.variants[1].tag == "ru-RU");  // xml:lang, not another namespace's lang or the bare one
  CHECK(given[1].unit.tuid.empty());
  // A default declared in the internal subset counts as given where the attribute is absent.
  write_file(dir / "default.tmx",
             "<?xml version=\"1.0\"?>\n<!DOCTYPE tmx [<!ATTLIST tu tuid CDATA \"from-dtd\">]>\n" + body);
  auto defaulted = read_all((dir / "default.tmx").string());
  REQUIRE(defaulted.size() == 2);
  CHECK(defaulted[0].unit.tuid == "a&bA");
  CHECK(defaulted[1].unit.tuid == "from-dtd");
}

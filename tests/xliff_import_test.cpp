// Import of finished XLIFF into the memory, read through the XLIFF reader merge uses: what
// becomes a memory unit, what is skipped and why, and what the reader's model adds.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dilmanc/error.h"
#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "memory/xliff_import.h"
#include "support.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

std::vector<TmxEntry> entries_of(const fs::path& path) {
  std::vector<TmxEntry> out;
  memory::read_xliff(path.string(), path.filename().string(), [&](TmxEntry& e) { out.push_back(e); }, nullptr);
  return out;
}

const Variant& variant(const TmxEntry& e, const std::string& tag) {
  for (const Variant& v : e.unit.variants)
    if (v.tag == tag) return v;
  FAIL("no variant " << tag);
  throw;
}

// The id of the code whose text (between opening and closing) is `inside`.
int code_around(const InlineText& t, const std::string& inside) {
  const std::string shown = display_text(t);
  const std::size_t at = shown.find("}" + inside + "{/");
  REQUIRE(at != std::string::npos);
  const std::size_t open = shown.rfind('{', at);
  return std::stoi(shown.substr(open + 1, at - open - 1));
}

}  // namespace

TEST_CASE("XLIFF import: codes a translator reordered keep their pairing with the source") {
  TempDir dir;
  write_file(dir / "a.xlf", R"(<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="a.html" source-language="en" target-language="ru" datatype="html"><body>
<trans-unit id="1"><source>Press <g id="ok" ctype="x-key">OK</g> then <g id="go">Go</g>.</source><target state="translated">Затем <g id="go">Go</g>, нажмите <g id="ok" ctype="x-key">OK</g>.</target></trans-unit>
</body></file></xliff>)");
  const auto entries = entries_of(dir / "a.xlf");
  REQUIRE(entries.size() == 1);
  REQUIRE_FALSE(entries[0].skipped);
  const InlineText& en = variant(entries[0], "en").text;
  const InlineText& ru = variant(entries[0], "ru").text;
  // Ids that are not numbers are numbered once per unit, so both sides agree.
  CHECK(code_around(en, "OK") == code_around(ru, "OK"));
  CHECK(code_around(en, "Go") == code_around(ru, "Go"));
  CHECK(code_around(en, "OK") != code_around(en, "Go"));
  CHECK(en.codes[0].name == "key");  // ctype without its x-
}

TEST_CASE("XLIFF import: translate=\"no\" inherited from a group, segmented units, languages and notes") {
  TempDir dir;
  write_file(dir / "b.xlf", R"(<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="b.txt" source-language="en" target-language="ru" datatype="plaintext"><body>
<group translate="no"><trans-unit id="1"><source>Code</source><target state="final">Код</target></trans-unit></group>
<trans-unit id="2"><source>One. Two.</source><seg-source><mrk mtype="seg" mid="s1">One.</mrk> <mrk mtype="seg" mid="s2">Two.</mrk></seg-source><target state="translated" xml:lang="ru-RU"><mrk mtype="seg" mid="s1">Один.</mrk><mrk mtype="seg" mid="s2">Два.</mrk></target><note xml:lang="en">Counting</note></trans-unit>
<trans-unit id="3" approved="yes"><source>Three. Four.</source><seg-source><mrk mtype="seg" mid="s3">Three.</mrk> <mrk mtype="seg" mid="s4">Four.</mrk></seg-source><target><mrk mtype="seg" mid="s3">Три.</mrk> <mrk mtype="seg" mid="s4"></mrk></target></trans-unit>
<trans-unit id="4"><source>Five.</source><target state="needs-review-translation">Пять.</target></trans-unit>
</body></file></xliff>)");
  const auto entries = entries_of(dir / "b.xlf");
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].skipped);
  CHECK(entries[0].reason == "the unit is marked translate=\"no\"");
  CHECK(entries[0].line == 3);

  // A segmented trans-unit is one memory unit: its sentences joined with the target's own
  // text between them (none here), in the target's declared language.
  REQUIRE_FALSE(entries[1].skipped);
  CHECK(entries[1].line == 4);
  CHECK(entries[1].unit.origin_file == "b.txt");
  CHECK(entries[1].unit.origin_segment == "2");
  CHECK(display_text(variant(entries[1], "en").text) == "One. Two.");
  CHECK(display_text(variant(entries[1], "ru-RU").text) == "Один.Два.");
  REQUIRE(entries[1].unit.annotations.size() == 1);
  CHECK(entries[1].unit.annotations[0].lang == "en");
  CHECK(entries[1].unit.annotations[0].text == "Counting");

  // Approved without a state; its untranslated sentence leaves the first one alone.
  REQUIRE_FALSE(entries[2].skipped);
  CHECK(display_text(variant(entries[2], "ru").text) == "Три. ");

  // The reason merge gives for leaving the same unit out of the memory.
  CHECK(entries[3].skipped);
  CHECK(entries[3].reason == "its state, needs-review-translation, says it awaits review");
}

TEST_CASE("XLIFF import: 2.x segments, with and without ids") {
  TempDir dir;
  write_file(dir / "c.xlf", R"(<?xml version="1.0"?>
<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="ru"><file id="f1">
<unit id="u1"><segment state="translated"><source>One.</source><target>Один.</target></segment><ignorable><source> </source></ignorable>
<segment state="final"><source>Two.</source><target>Два.</target></segment>
<segment id="x" state="final"><source>Three.</source><target>Три.</target></segment>
<segment state="reviewed"><source>Four.</source><target>Четыре.</target></segment></unit>
<unit id="u2"><segment state="final"><source>Five.</source><target>Пять.</target></segment></unit>
</file></xliff>)");
  const auto entries = entries_of(dir / "c.xlf");
  REQUIRE(entries.size() == 5);
  CHECK(entries[0].unit.origin_segment == "u1#1");
  CHECK(entries[1].unit.origin_segment == "u1#2");
  CHECK(entries[2].unit.origin_segment == "u1#x");
  CHECK(entries[3].unit.origin_segment == "u1#4");
  CHECK(entries[4].unit.origin_segment == "u2");
  CHECK(entries[1].line == 4);
  CHECK(entries[0].unit.origin_file == "c.xlf");  // no original: the file's own name
  // translated, reviewed and final all go in, as merge takes them.
  for (int k : {0, 1, 2, 3, 4}) CHECK_FALSE(entries[k].skipped);
}

TEST_CASE("XLIFF import leaves out what merge leaves out, with merge's reason") {
  TempDir dir;
  write_file(dir / "d.xlf", R"(<?xml version="1.0"?>
<xliff version="2.1" xmlns="urn:oasis:names:tc:xliff:document:2.0" xmlns:mtc="urn:oasis:names:tc:xliff:matches:2.0" srcLang="en" trgLang="ru"><file id="f1">
<unit id="u1"><mtc:matches><mtc:match matchQuality="90" ref="#s1"><source>One day.</source><target>Один день.</target></mtc:match></mtc:matches>
<segment id="s1" state="translated" subState="dilmanc:fuzzy-match"><source>One.</source><target>Один день.</target></segment></unit>
<unit id="u2"><segment state="initial"><source>Two.</source><target>Два.</target></segment></unit>
<unit id="u3"><segment><source>Three.</source></segment></unit>
<unit id="u4"><segment state="reviewed"><source>Four.</source><target>Четыре.</target></segment></unit>
</file></xliff>)");
  const auto entries = entries_of(dir / "d.xlf");
  REQUIRE(entries.size() == 4);
  CHECK(entries[1].skipped);
  CHECK(entries[1].reason == "its state, initial, says it still needs translation");
  CHECK(entries[2].skipped);
  CHECK(entries[2].reason == "the segment has no target");
  CHECK_FALSE(entries[3].skipped);
}

TEST_CASE("XLIFF import refuses what merge's reader refuses, naming the file, and keeps nothing") {
  TempDir dir;
  // Two units with one id: merge could not tell them apart, and neither can the memory.
  write_file(dir / "dup.xlf", R"(<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="d.txt" source-language="en" target-language="ru" datatype="plaintext"><body>
<trans-unit id="1"><source>One.</source><target state="final">Один.</target></trans-unit>
<trans-unit id="1"><source>Two.</source><target state="final">Два.</target></trans-unit>
</body></file></xliff>)");
  TranslationMemory memory((dir / "m.db").string());
  try {
    import_file(memory, (dir / "dup.xlf").string());
    FAIL("the import did not refuse");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().file.find("dup.xlf") != std::string::npos);
    CHECK(e.where().line == 4);
    CHECK(std::string(e.what()).find("used twice") != std::string::npos);
  }
  CHECK(memory.stats().units == 0);
  CHECK_THROWS_AS(entries_of(dir / "missing.xlf"), Error);
}

TEST_CASE("XLIFF import streams: groups of 2.x, bin-units of 1.2, and entity references in a unit") {
  TempDir dir;
  write_file(dir / "g.xlf", R"(<?xml version="1.0"?>
<xliff version="2.1" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="en" trgLang="ru"><file id="f1" original="g.txt">
<notes><note>For the file</note></notes>
<group id="g1" translate="no"><unit id="u1"><segment state="final"><source>Code</source><target>Код</target></segment></unit>
<group id="g2" translate="yes"><unit id="u2"><segment state="final"><source>Open</source><target>Открыть</target></segment></unit></group></group>
<unit id="u3"><segment state="final"><source>Close</source><target>Закрыть</target></segment></unit>
</file><file id="f2"><unit id="u3"><segment state="final"><source>Save</source><target>Сохранить</target></segment></unit></file></xliff>)");
  const auto entries = entries_of(dir / "g.xlf");
  REQUIRE(entries.size() == 4);
  CHECK(entries[0].skipped);  // the group's translate="no"
  CHECK_FALSE(entries[1].skipped);  // an inner group says yes again
  CHECK_FALSE(entries[2].skipped);
  CHECK(entries[2].unit.origin_file == "g.txt");
  CHECK_FALSE(entries[3].skipped);  // unit ids are unique per file, not per document
  CHECK(entries[3].unit.origin_file == "g.xlf");

  write_file(dir / "bin.xlf", R"(<?xml version="1.0"?>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="b.rc" source-language="en" target-language="ru" datatype="winres"><header><skl><internal-file>&lt;trans-unit id="x"&gt;</internal-file></skl></header><body>
<bin-unit id="bin1" mime-type="image/png"><bin-source><external-file href="logo.png"/></bin-source>
<trans-unit id="t1"><source>Logo text</source><target state="final">Текст логотипа</target></trans-unit></bin-unit>
</body></file></xliff>)");
  const auto bin = entries_of(dir / "bin.xlf");
  REQUIRE(bin.size() == 1);
  CHECK_FALSE(bin[0].skipped);

  // Declared in the internal subset, used in a unit: never expanded, the file refused.
  write_file(dir / "ent.xlf", R"(<?xml version="1.0"?>
<!DOCTYPE xliff [<!ENTITY co "Example Inc.">]>
<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2"><file original="e.txt" source-language="en" target-language="ru" datatype="plaintext"><body>
<trans-unit id="1"><source>By &co;</source><target state="final">От &co;</target></trans-unit>
</body></file></xliff>)");
  try {
    entries_of(dir / "ent.xlf");
    FAIL("an entity reference was read");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(std::string(e.what()).find("&co;") != std::string::npos);
    CHECK(e.where().line == 4);
  }
}

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::read_file;
using dilmanc::test::run_cli;
using dilmanc::test::TempDir;
using dilmanc::test::write_file;

namespace {

const char* kTmx = R"(<?xml version="1.0" encoding="UTF-8"?>
<tmx version="1.4"><header creationtool="t" creationtoolversion="1" segtype="sentence" o-tmf="t" adminlang="en" srclang="en" datatype="plaintext"/><body>
<tu tuid="1"><tuv xml:lang="en"><seg>Leaders meet in Istanbul.</seg></tuv><tuv xml:lang="az"><seg>Liderlər İstanbulda görüşür.</seg></tuv><tuv xml:lang="ru"><seg>Лидеры встречаются в Стамбуле.</seg></tuv></tu>
<tu tuid="2"><tuv xml:lang="en"><seg>Press <bpt i="1" type="bold">&lt;b&gt;</bpt>OK<ept i="1">&lt;/b&gt;</ept>.</seg></tuv><tuv xml:lang="ru"><seg>Нажмите <bpt i="1" type="bold">&lt;b&gt;</bpt>ОК<ept i="1">&lt;/b&gt;</ept>.</seg></tuv></tu>
<tu tuid="3"><tuv xml:lang="en"><seg>Unknown.</seg></tuv><tuv xml:lang="qq"><seg>?</seg></tuv></tu>
</body></tmx>
)";

}  // namespace

TEST_CASE("dilmanc import prints a summary with every skip and its reason") {
  TempDir dir;
  write_file(dir / "a.tmx", kTmx);
  auto r = run_cli({"import", "--memory", (dir / "m.db").string(), (dir / "a.tmx").string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("3 units read, 2 added, 0 updated, 1 skipped") != std::string::npos);
  CHECK(r.out.find("line 5") != std::string::npos);
  CHECK(r.out.find("'qq'") != std::string::npos);
  CHECK(r.err.empty());  // no progress bar when stderr is not a terminal
  auto again = run_cli({"import", "--memory", (dir / "m.db").string(), (dir / "a.tmx").string()});
  CHECK(again.out.find("0 added, 2 updated, 1 skipped") != std::string::npos);

  auto az = run_cli({"--ui-lang", "az", "import", "--memory", (dir / "m.db").string(), (dir / "a.tmx").string()});
  CHECK(az.exit_code == 0);
  CHECK(az.out.find("3 units read") == std::string::npos);  // translated
}

TEST_CASE("dilmanc import: bad files exit 1 naming file, line and column, nothing is added") {
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  write_file(dir / "bad.tmx", std::string(kTmx).substr(0, std::string(kTmx).find("<tu tuid=\"3\"")) + "<tu><tuv>\n");
  auto r = run_cli({"import", "--memory", db, (dir / "bad.tmx").string()});
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("bad.tmx:") != std::string::npos);
  INFO(r.err);
  CHECK(r.err.find("bad.tmx:5:10:") != std::string::npos);
  CHECK(r.out.empty());
  auto stats = run_cli({"stats", "--json", "--memory", db});
  CHECK(stats.out.find("\"units\": 0") != std::string::npos);

  write_file(dir / "root.xml", "<?xml version=\"1.0\"?>\n<html/>\n");
  auto root = run_cli({"import", "--memory", db, (dir / "root.xml").string()});
  CHECK(root.exit_code == 1);
  CHECK(root.err.find("<html>") != std::string::npos);

  auto missing = run_cli({"import", "--memory", db, (dir / "none.tmx").string()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("none.tmx") != std::string::npos);

  auto usage = run_cli({"import", "--memory", db});
  CHECK(usage.exit_code == 2);
}

TEST_CASE("dilmanc stats, concordance and export") {
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  write_file(dir / "a.tmx", kTmx);
  REQUIRE(run_cli({"import", "--memory", db, (dir / "a.tmx").string()}).exit_code == 0);

  auto stats = run_cli({"stats", "--memory", db});
  CHECK(stats.exit_code == 0);
  CHECK(stats.out.find("az 1, en 2, ru 2") != std::string::npos);
  auto json = run_cli({"stats", "--json", "--memory", db});
  CHECK(json.out.find("\"units\": 2") != std::string::npos);
  CHECK(json.out.find("\"language_pairs\": {\"az-en\": 1, \"az-ru\": 1, \"en-ru\": 2}") != std::string::npos);

  auto c = run_cli({"concordance", "--memory", db, "--lang", "az", "İSTANBUL"});
  CHECK(c.exit_code == 0);
  CHECK(c.out.find("Liderlər İstanbulda görüşür.") != std::string::npos);
  CHECK(c.out.find("Лидеры встречаются в Стамбуле.") != std::string::npos);
  CHECK(c.out.find("\x1b[") == std::string::npos);  // highlighting only on a terminal
  auto cj = run_cli({"concordance", "--memory", db, "--lang", "en", "--json", "press", "ok"});
  CHECK(cj.out.find("\"text\": \"Press {1}OK{/1}.\"") != std::string::npos);
  CHECK(cj.out.find("\"matches\": [\"Press OK\"]") != std::string::npos);
  auto none = run_cli({"concordance", "--memory", db, "--lang", "en", "zebra"});
  CHECK(none.exit_code == 0);
  CHECK(none.out.empty());
  CHECK(run_cli({"concordance", "--memory", db, "--lang", "qq", "x"}).exit_code == 2);
  CHECK(run_cli({"concordance", "--memory", (dir / "none.db").string(), "--lang", "en", "x"}).exit_code == 1);

  const std::string out = (dir / "out.tmx").string();
  auto e = run_cli({"export", "--memory", db, "-o", out});
  CHECK(e.exit_code == 0);
  const std::string tmx = read_file(out);
  CHECK(tmx.find("<tmx version=\"1.4\">") != std::string::npos);
  CHECK(tmx.find("Liderlər İstanbulda görüşür.") != std::string::npos);
  auto bi = run_cli({"export", "--memory", db, "-o", (dir / "bi.tmx").string(), "--langs", "en,ru"});
  CHECK(bi.exit_code == 0);
  CHECK(read_file(dir / "bi.tmx").find("xml:lang=\"az\"") == std::string::npos);
  CHECK(run_cli({"export", "--memory", db, "-o", out, "--langs", "en"}).exit_code == 2);
  CHECK(run_cli({"export", "--memory", db}).exit_code == 2);
  if (std::system("command -v xmllint >/dev/null 2>&1") == 0 && test::shared_dir()) {
    const std::string dtd = (*test::shared_dir() / "data" / "schemas" / "tmx14.dtd").string();
    CHECK(std::system(("xmllint --nonet --noout --dtdvalid '" + dtd + "' '" + out + "' '" +
                       (dir / "bi.tmx").string() + "'").c_str()) == 0);
  }
}

// The sample files in ../shared/data/samples: every TMX and the finished units of the
// minimal XLIFF files import; the expected counts say what each one holds.
TEST_CASE("the shared TMX and XLIFF samples import") {
  SKIP_WITHOUT_SHARED();
  const auto samples = *test::shared_dir() / "data" / "samples";
  struct Expected {
    const char* file;
    std::int64_t read, kept;  // units read, units added or merged
  };
  const Expected expected[] = {
      {"tmx/compkit/ExportTest1A.tmx", 4, 4},
      {"tmx/compkit/ExportTest1B.tmx", 2, 2},
      {"tmx/compkit/ExportTest2A.tmx", 6, 6},
      {"tmx/compkit/ImportTest1A.tmx", 2, 2},  // UTF-16LE
      {"tmx/compkit/ImportTest1B.tmx", 1, 1},
      {"tmx/compkit/ImportTest1C.tmx", 3, 3},
      // en-us beside en-gb only: one language, so nothing to translate between (each
      // skip says so); the memory keeps one variant per primary language in a unit.
      {"tmx/compkit/ImportTest1D.tmx", 3, 0},
      {"tmx/compkit/ImportTest1H.tmx", 3, 0},
      {"tmx/compkit/ImportTest1I.tmx", 1, 1},
      {"tmx/compkit/ImportTest1L.tmx", 1, 1},
      {"tmx/compkit/ImportTest2A.tmx", 7, 7},
      {"tmx/compkit/ImportTest2B.tmx", 7, 7},
      {"tmx/okapi/Paragraph_TM.tmx", 7, 7},
      {"tmx/okapi/header_with_prop_and_note.tmx", 1, 1},
      {"tmx/okapi/html_test.tmx", 11, 11},  // not DTD-valid (type2 attributes), still readable
      {"tmx/openxliff/OpenXLIFF_Java_es.tmx", 519, 519},
      // Several Russian translations per English source: one unit per alternative.
      {"tmx/rus-ltc/new_rltc2demultiplicate.tmx", 22, 22},
      {"minimal/tmx14-en-ru-az.tmx", 2, 2},
      {"minimal/xliff12-en-ru.xlf", 5, 2},
      {"minimal/xliff21-en-ru.xlf", 3, 2},  // translated and reviewed in, initial out
  };
  TempDir dir;
  for (const auto& e : expected) {
    CAPTURE(e.file);
    TranslationMemory memory((dir / (std::filesystem::path(e.file).filename().string() + ".db")).string());
    auto s = import_file(memory, (samples / e.file).string());
    CHECK(s.read == e.read);
    CHECK(s.added + s.updated == e.kept);
    CHECK(s.skipped == e.read - e.kept);
    for (const auto& skip : s.skips) CHECK(!skip.reason.empty());
  }
  // Every TMX sample is covered above.
  int tmx_files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(samples / "tmx"))
    tmx_files += entry.path().extension() == ".tmx";
  CHECK(tmx_files == 17);
}

TEST_CASE("the bundled memories: every TMX under memories/ imports, az/en/ru throughout") {
  const auto folder = test::source_dir() / "memories";
  std::vector<std::filesystem::path> files;
  if (std::filesystem::exists(folder))
    for (const auto& entry : std::filesystem::directory_iterator(folder))
      if (entry.path().extension() == ".tmx") files.push_back(entry.path());
  if (files.empty()) {
    MESSAGE("skipped: no TMX under memories/ yet");
    return;
  }
  TempDir dir;
  TranslationMemory memory((dir / "bundled.db").string());
  for (const auto& file : files) {
    CAPTURE(file);
    auto s = import_file(memory, file.string());
    CHECK(s.skipped == 0);
  }
  auto st = memory.stats();
  CHECK(st.units >= 150);
  CHECK(st.variants_per_language["az"] == st.units);
  CHECK(st.variants_per_language["en"] == st.units);
  CHECK(st.variants_per_language["ru"] == st.units);
}

TEST_CASE("dilmanc concordance highlights matches when its output is a terminal") {
  if (std::system("command -v script >/dev/null 2>&1") != 0) {
    MESSAGE("skipped: no 'script' to provide a terminal");
    return;
  }
  TempDir dir;
  const std::string db = (dir / "m.db").string();
  write_file(dir / "a.tmx", kTmx);
  REQUIRE(run_cli({"import", "--memory", db, (dir / "a.tmx").string()}).exit_code == 0);
  const std::string out = (dir / "out.txt").string();
  const std::string command = "script -qec \"'" + std::string(DILMANC_TEST_CLI) + "' concordance --memory '" + db +
                              "' --lang az istanbul\" /dev/null > '" + out + "' 2>&1";
  REQUIRE(std::system(command.c_str()) == 0);
  CHECK(read_file(out).find("Liderlər \x1b[1;33mİstanbul\x1b[0mda görüşür.") != std::string::npos);
}

#include <doctest/doctest.h>

#include <string>

#include "support.h"

using dilmanc::test::read_file;
using dilmanc::test::run_cli;
using dilmanc::test::source_dir;
using dilmanc::test::TempDir;
using dilmanc::test::write_file;

TEST_CASE("dilmanc segment: one sentence per line, a blank line between paragraphs") {
  auto r = run_cli({"segment"}, "Mr. Smith came.  He left.\n\n\nThe end\nof it. Bye.\n");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Mr. Smith came.\nHe left.\n\nThe end of it.\nBye.\n");
  CHECK(r.err.empty());
}

TEST_CASE("dilmanc segment --json") {
  auto r = run_cli({"segment", "--json", "-"}, "He said \"hi.\" Then left.\n\nDone.");
  CHECK(r.exit_code == 0);
  CHECK(r.out == "[\n  [\"He said \\\"hi.\\\"\", \"Then left.\"],\n  [\"Done.\"]\n]\n");
}

TEST_CASE("dilmanc segment --line-breaks") {
  auto r = run_cli({"segment", "--line-breaks"}, "Features\ncontact manager\n\nNext.\n");
  CHECK(r.out == "Features\ncontact manager\n\nNext.\n");
  CHECK(run_cli({"segment"}, "Features\ncontact manager\n").out == "Features contact manager\n");
}

TEST_CASE("dilmanc segment --lang picks the language's rules") {
  auto ru = run_cli({"segment", "--lang", "ru"}, "Работа ведётся с 2022 г. Об этом сообщили в г. Баку.");
  CHECK(ru.out == "Работа ведётся с 2022 г.\nОб этом сообщили в г. Баку.\n");
  auto az = run_cli({"segment", "--lang", "az"}, "Tədbirdə prof. Ə. Məmmədov çıxış edib. Sonra sual-cavab olub.");
  CHECK(az.out == "Tədbirdə prof. Ə. Məmmədov çıxış edib.\nSonra sual-cavab olub.\n");
}

TEST_CASE("dilmanc segment reads a file and normalizes to NFC") {
  TempDir dir;
  write_file(dir / "in.txt", "Cafe\xCC\x81 opened. It closed.\n");  // e + combining acute
  auto r = run_cli({"segment", (dir / "in.txt").string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out == "Caf\xC3\xA9 opened.\nIt closed.\n");
}

TEST_CASE("dilmanc segment --srx uses a user's rules, and reports a broken file with its line") {
  TempDir dir;
  write_file(dir / "rules.srx", R"(<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="no"/>
  <body>
    <languagerules>
      <languagerule languagerulename="All">
        <rule break="yes"><beforebreak>,</beforebreak><afterbreak>\s</afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules><languagemap languagepattern=".*" languagerulename="All"/></maprules>
  </body>
</srx>
)");
  auto ok = run_cli({"segment", "--srx", (dir / "rules.srx").string()}, "One, two. Three");
  CHECK(ok.exit_code == 0);
  CHECK(ok.out == "One,\ntwo.\nThree\n");

  write_file(dir / "bad.srx", "<?xml version=\"1.0\"?>\n<srx version=\"2.0\">\n<body>\n<rule>\n</srx>\n");
  auto bad = run_cli({"segment", "--srx", (dir / "bad.srx").string()}, "Text.");
  CHECK(bad.exit_code == 1);
  CHECK(bad.out.empty());
  CHECK(bad.err.find((dir / "bad.srx").string() + ":5") != std::string::npos);
}

TEST_CASE("dilmanc segment: bad input") {
  auto invalid = run_cli({"segment"}, std::string("Good text. Bad \xFF byte."));
  CHECK(invalid.exit_code == 1);
  CHECK(invalid.out.empty());
  CHECK(invalid.err.find("15") != std::string::npos);  // the byte offset

  auto empty = run_cli({"segment"}, "");
  CHECK(empty.exit_code == 0);
  CHECK(empty.out.empty());
  CHECK(empty.err.empty());

  TempDir dir;
  auto missing = run_cli({"segment", (dir / "missing.txt").string()});
  CHECK(missing.exit_code == 1);
  CHECK(missing.err.find("missing.txt") != std::string::npos);
}

TEST_CASE("dilmanc segment: the example article") {
  auto path = source_dir() / "examples" / "global-forum-on-refugees.en.txt";
  auto r = run_cli({"segment", path.string()});
  CHECK(r.exit_code == 0);
  CHECK(r.out.find("A delegation from Azerbaijan, led by Mr. Vusal Huseynov, Chief of the State Migration "
                   "Service, has been participating") != std::string::npos);
  CHECK(r.out.find("\nMr.\n") == std::string::npos);
}

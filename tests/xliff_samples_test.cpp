// The XLIFF reader on the real files in ../shared/data/samples: tool output (Okapi,
// Swordfish, XTM, 24|xliff, OpenXLIFF), hand-written minimal files, and the OASIS 2.1
// test suite.
#include <doctest/doctest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "dilmanc/error.h"
#include "dilmanc/xliff.h"
#include "support.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

fs::path samples() { return *shared_dir() / "data" / "samples"; }

const XliffUnit& unit(const XliffFile& f, const std::string& id) {
  for (const XliffUnit& u : f.units)
    if (u.id == id) return u;
  FAIL("no unit " << id);
  throw;
}

std::size_t count_units(const XliffDocument& doc) {
  std::size_t n = 0;
  for (const XliffFile& f : doc.files) n += f.units.size();
  return n;
}

}  // namespace

TEST_CASE("every XLIFF 1.2 and 2.0 tool file in the samples reads") {
  SKIP_WITHOUT_SHARED();
  std::size_t files = 0;
  for (const char* folder : {"xliff-1.2/okapi", "xliff-2.0/openxliff", "minimal"}) {
    for (const auto& entry : fs::directory_iterator(samples() / folder)) {
      if (entry.path().extension() != ".xlf") continue;
      CAPTURE(entry.path().string());
      ++files;
      XliffDocument doc;
      CHECK_NOTHROW(doc = read_xliff(entry.path()));
      CHECK(count_units(doc) > 0);
      for (const XliffFile& f : doc.files)
        for (const XliffUnit& u : f.units)
          for (const XliffSegment& s : u.segments) {
            CHECK(check_codes(s.source) == "");
            CHECK(check_codes(s.target) == "");
          }
    }
  }
  CHECK(files == 13);
}

TEST_CASE("minimal XLIFF 1.2 sample: two files, seg-source, states, alt-trans, notes, translate=no") {
  SKIP_WITHOUT_SHARED();
  const XliffDocument doc = read_xliff(samples() / "minimal" / "xliff12-en-ru.xlf");
  REQUIRE(doc.files.size() == 2);
  const XliffFile& ru = doc.files[0];
  CHECK(ru.original == "news/2024-05-01-summit.html");
  CHECK(ru.target_language == "ru");
  CHECK(doc.files[1].target_language == "az");
  CHECK(ru.notes.at(0).text == "Sample news article, English to Russian.");
  const XliffUnit& u2 = unit(ru, "2");
  REQUIRE(u2.segments.size() == 3);
  CHECK(u2.segments[0].id == "0");
  CHECK(u2.segments[0].target.text == "Саммит открылся в понедельник.");
  CHECK(u2.segments[1].ignorable);
  CHECK(display_text(u2.segments[2].target) == "Д-р Смит выступил в {1}10 утра{/1} по местному времени.");
  CHECK(u2.segments[2].state == XliffState::kNeedsReviewTranslation);
  REQUIRE(u2.segments[0].matches.size() == 1);
  CHECK(u2.segments[0].matches[0].score == 87);
  CHECK(u2.segments[0].matches[0].origin == "tm");
  CHECK(u2.segments[0].matches[0].target.text == "Саммит открылся во вторник.");
  CHECK(u2.notes.at(0).from == "editor");
  const XliffUnit& u3 = unit(ru, "3");
  CHECK(display_text(u3.segments[0].source) == "See {1}the full report{/1}.{2/}");
  CHECK(u3.segments[0].source.codes[0].original == "<a href=\"https://example.org/\">");
  CHECK(u3.segments[0].state == XliffState::kNew);
  CHECK_FALSE(unit(ru, "4").translate);
  CHECK(unit(doc.files[1], "1").segments[0].state == XliffState::kFinal);
}

TEST_CASE("minimal XLIFF 2.1 sample: segments and ignorable, codes with original data, a match") {
  SKIP_WITHOUT_SHARED();
  const XliffDocument doc = read_xliff(samples() / "minimal" / "xliff21-en-ru.xlf");
  CHECK(doc.version == XliffVersion::k21);
  const XliffFile& f = doc.files.at(0);
  CHECK(f.source_language == "en");
  CHECK(f.target_language == "ru");
  const XliffUnit& u1 = unit(f, "u1");
  REQUIRE(u1.segments.size() == 3);
  CHECK(u1.segments[0].state == XliffState::kTranslated);
  CHECK(u1.segments[1].ignorable);
  CHECK(display_text(u1.segments[2].source) == "Dr. Smith spoke at {1}10 a.m.{/1} local time.{2/}");
  CHECK(u1.segments[2].source.codes[0].original == "<b>");
  CHECK(u1.segments[2].source.codes[2].original == "<br/>");
  REQUIRE(u1.segments[0].matches.size() == 1);
  CHECK(u1.segments[0].matches[0].score == 90);
  const XliffUnit& u2 = unit(f, "u2");
  CHECK(display_text(u2.segments[0].target) == "Читайте {1}полный{/1} отчёт.");
  CHECK(u2.segments[0].state == XliffState::kSignedOff);
}

TEST_CASE("real tool output: Swordfish, XTM, 24|xliff, Okapi, OpenXLIFF shapes") {
  SKIP_WITHOUT_SHARED();
  const fs::path okapi = samples() / "xliff-1.2" / "okapi";
  // Swordfish: UTF-8 BOM, 98 units, 133 alt-trans, processing instructions inside units.
  const XliffDocument sf = read_xliff(okapi / "SF-12-Test02.xlf");
  CHECK(count_units(sf) == 98);
  std::size_t matches = 0;
  for (const XliffUnit& u : sf.files[0].units) matches += u.segments[0].matches.size();
  CHECK(matches == 133);
  // Three <file> elements; a windows-1252 declaration.
  CHECK(read_xliff(okapi / "allItems.xlf").files.size() == 3);
  // No XLIFF namespace at all; segmented targets.
  const XliffDocument plain = read_xliff(okapi / "segmented.xlf");
  CHECK(count_units(plain) == 2);
  // The leading space sits inside the second mrk.
  const XliffDocument segsource = read_xliff(okapi / "segsource.xlf");
  const XliffUnit& seg = segsource.files.at(0).units.at(0);
  REQUIRE(seg.segments.size() == 2);
  CHECK(seg.segments[1].source.text.front() == ' ');
  // XTM: signed-off state, vendor namespaces.
  const XliffDocument xtm = read_xliff(okapi / "StatusSample.docx.xlf");
  bool signed_off = false;
  for (const XliffUnit& u : xtm.files[0].units) signed_off |= u.segments[0].state == XliffState::kSignedOff;
  CHECK(signed_off);
  // 24|xliff: three levels of nested g, mrk inside g in seg-source.
  const XliffDocument gtags = read_xliff(okapi / "3LevelGTags.xlf");
  const XliffUnit& nested = gtags.files.at(0).units.at(0);
  std::size_t codes = 0;
  for (const XliffSegment& s : nested.segments) codes += s.source.codes.size();
  CHECK(codes >= 6);
  // OpenXLIFF 2.0: 29 files, 519 units, all final.
  const XliffDocument ox = read_xliff(samples() / "xliff-2.0" / "openxliff" / "OpenXLIFF_Java_es.xlf");
  CHECK(ox.version == XliffVersion::k20);
  CHECK(ox.files.size() == 29);
  CHECK(count_units(ox) == 519);
  for (const XliffFile& f : ox.files)
    for (const XliffUnit& u : f.units) CHECK(u.segments.back().state == XliffState::kFinal);
}

TEST_CASE("OASIS XLIFF 2.1 test suite: valid files read, invalid ones refused or listed") {
  SKIP_WITHOUT_SHARED();
  const fs::path suite = samples() / "xliff-2.1-testsuite";
  std::set<std::string> accepted_invalid;
  {
    std::ifstream list(source_dir() / "tests" / "data" / "xliff" / "testsuite-invalid-accepted.txt");
    REQUIRE(list);
    std::string line;
    while (std::getline(list, line))
      if (!line.empty() && line[0] != '#') accepted_invalid.insert(line);
  }
  std::ifstream tsv(suite / "expected.tsv");
  REQUIRE(tsv);
  std::string line;
  std::getline(tsv, line);  // header
  std::size_t valid = 0, refused = 0, accepted = 0;
  std::set<std::string> now_accepted;
  while (std::getline(tsv, line)) {
    std::istringstream fields(line);
    std::string file, expected;
    std::getline(fields, file, '\t');
    std::getline(fields, expected, '\t');
    if (file.empty() || file.find(".xlf") == std::string::npos) continue;
    CAPTURE(file);
    const fs::path path = suite / file;
    if (expected == "valid") {
      ++valid;
      CHECK_NOTHROW(read_xliff(path));
      continue;
    }
    try {
      read_xliff(path);
      ++accepted;
      now_accepted.insert(file);
    } catch (const Error& e) {
      ++refused;
      CHECK(e.kind() == Error::Kind::kInput);
      CHECK(e.where().file == path.string());
      CHECK(e.where().line > 0);
    }
  }
  CHECK(valid == 77);
  CHECK(refused + accepted == 162);
  // The reader checks what merging needs (ids, data references, sc/ec pairing, languages,
  // states); the list names the rest.
  CHECK(refused == 46);
  CHECK(now_accepted == accepted_invalid);
}

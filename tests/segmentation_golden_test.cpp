// The "Golden Rules" and the other reference cases of ../shared/data/segmentation (from
// pragmatic_segmenter and pySBD), scored as those projects score them: a case passes when
// the list of trimmed sentences equals the expected list exactly. The counts are printed
// and must not fall below the figures recorded in docs/benchmarks.md (## Segmentation).
#include <doctest/doctest.h>

#include <iostream>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "dilmanc/document.h"
#include "dilmanc/formats.h"
#include "dilmanc/segmenter.h"
#include "segmentation_cases.h"
#include "support.h"

using dilmanc::Segmenter;
using dilmanc::test::read_file;
using dilmanc::test::read_segmentation_cases;
using dilmanc::test::segment_as_cli;
using dilmanc::test::SegmentationCase;
using dilmanc::test::shared_dir;
using dilmanc::test::source_dir;
using dilmanc::test::trimmed_all;

namespace {

struct Score {
  int passed = 0;
  int total = 0;
  std::string failed;  // ids
};

// The reviewed list of spec cases whose input is a line-structured document (a list, lines
// of headlines): "id<TAB>reason" lines, '#' comments. A user segments such a document with
// `dilmanc segment --line-breaks`; the list is judged from each input alone, never from the
// expected answer.
std::set<std::string> line_structured_ids(const std::filesystem::path& file) {
  std::set<std::string> ids;
  std::istringstream in(read_file(file));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto tab = line.find('\t');
    REQUIRE_MESSAGE(tab != std::string::npos, "no reason given in " << file << ": " << line);
    ids.insert(line.substr(0, tab));
  }
  return ids;
}

// The sentences as `dilmanc segment` gives them: an input that is HTML by its content
// (detect_format, as the command line decides) is read as a document and its segments'
// text is compared, the rest is segmented as plain text.
std::vector<std::string> segment_like_cli(const Segmenter& segmenter, const std::string& text) {
  if (dilmanc::detect_format("", text) != dilmanc::Format::kHtml) return segment_as_cli(segmenter, text);
  dilmanc::Document doc = dilmanc::parse_document(text, dilmanc::Format::kHtml, "case.html");
  dilmanc::segment_document(doc, segmenter);
  std::vector<std::string> out;
  for (const auto& block : doc.blocks)
    for (const auto& segment : block.segments) out.push_back(dilmanc::plain_text(segment.source));
  return trimmed_all(out);
}

// `line_mode_ids`: cases segmented with line_breaks_end_sentences, as listed above.
Score score(const std::vector<SegmentationCase>& cases, const char* lang, bool only_pysbd_48,
            const std::set<std::string>& line_mode_ids = {}) {
  Segmenter segmenter(lang);
  dilmanc::SegmenterOptions line_mode;
  line_mode.line_breaks_end_sentences = true;
  Segmenter line_segmenter(lang, line_mode);
  Score s;
  for (const auto& c : cases) {
    if (only_pysbd_48 && !c.in_pysbd_48) continue;
    ++s.total;
    const Segmenter& chosen = line_mode_ids.count(c.id) ? line_segmenter : segmenter;
    if (segment_like_cli(chosen, c.text) == trimmed_all(c.sentences))
      ++s.passed;
    else
      s.failed += (s.failed.empty() ? "" : " ") + c.id;
  }
  return s;
}

// "| golden rules en | 48/48 |" lines of our section of docs/benchmarks.md.
std::map<std::string, int> recorded_figures() {
  std::map<std::string, int> figures;
  std::istringstream doc(read_file(source_dir() / "docs" / "benchmarks.md"));
  std::string line;
  bool in_section = false;
  const std::regex row(R"(^\|\s*(golden rules en|spec en \(default mode only\)|spec en|ru)\s*\|\s*(\d+)/(\d+)\s*\|)");
  while (std::getline(doc, line)) {
    if (line.rfind("## ", 0) == 0) in_section = line == "## Segmentation";
    std::smatch m;
    if (in_section && std::regex_search(line, m, row)) figures[m[1]] = std::stoi(m[2]);
  }
  return figures;
}

void report(const char* name, const Score& s, const std::map<std::string, int>& recorded) {
  std::ostringstream line;
  line << name << ": " << s.passed << "/" << s.total;
  std::cout << line.str() << "\n";
  MESSAGE(line.str());
  if (!s.failed.empty()) MESSAGE((std::string(name) + " failures: " + s.failed));
  auto it = recorded.find(name);
  REQUIRE_MESSAGE(it != recorded.end(), "no figure for '" << std::string(name) << "' in docs/benchmarks.md");
  CHECK_MESSAGE(s.passed >= it->second, std::string(name) << " fell below the recorded " << it->second);
}

}  // namespace

TEST_CASE("segmentation reference cases: golden rules en, spec en, ru") {
  SKIP_WITHOUT_SHARED();
  auto dir = *shared_dir() / "data" / "segmentation";
  auto recorded = recorded_figures();

  Score golden = score(read_segmentation_cases(dir / "golden-rules.en.jsonl"), "en", true);
  CHECK(golden.total == 48);
  report("golden rules en", golden, recorded);

  auto spec_cases = read_segmentation_cases(dir / "spec-cases.en.jsonl");
  auto line_structured =
      line_structured_ids(source_dir() / "tests" / "data" / "segmentation" / "line-structured.en.tsv");
  for (const auto& id : line_structured) {
    bool known = false;
    for (const auto& c : spec_cases) known = known || c.id == id;
    CHECK_MESSAGE(known, "line-structured.en.tsv names an unknown case " << id);
  }
  Score spec = score(spec_cases, "en", false, line_structured);
  CHECK(spec.total == 129);
  report("spec en", spec, recorded);
  Score spec_default = score(spec_cases, "en", false);
  report("spec en (default mode only)", spec_default, recorded);

  auto ru_cases = read_segmentation_cases(dir / "golden-rules.ru.jsonl");
  auto more = read_segmentation_cases(dir / "spec-cases.ru.jsonl");
  ru_cases.insert(ru_cases.end(), more.begin(), more.end());
  Score ru = score(ru_cases, "ru", false);
  CHECK(ru.total == 42);
  report("ru", ru, recorded);
}

#include <doctest/doctest.h>

#include <algorithm>
#include <variant>

#include "dilmanc/document.h"
#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "dilmanc/segmenter.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::read_file;
using dilmanc::test::source_dir;

namespace {

// A splitter for tests: a sentence ends after ". " (the real rules are the Segmenter's).
std::vector<SentenceSpan> split_at_periods(std::string_view text) {
  std::vector<SentenceSpan> spans;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i >= text.size()) break;
    std::size_t end = text.find(". ", i);
    end = end == std::string_view::npos ? text.size() : end + 1;
    std::size_t trimmed = end;
    while (trimmed > i && std::isspace(static_cast<unsigned char>(text[trimmed - 1]))) --trimmed;
    spans.push_back({i, trimmed});
    i = end;
  }
  return spans;
}

Document segmented(const std::string& html) {
  Document doc = parse_document(html, Format::kHtml, "test.html");
  segment_document(doc, split_at_periods);
  return doc;
}

std::vector<std::string> shown(const Block& block) {
  std::vector<std::string> out;
  for (const Segment& s : block.segments) out.push_back(s.id + " " + display_text(s.source));
  return out;
}

InlineText marked(std::initializer_list<std::variant<std::string, InlineCode>> parts) {
  InlineText t;
  for (const auto& p : parts) {
    if (std::holds_alternative<std::string>(p)) append_text(t, std::get<std::string>(p));
    else append_code(t, std::get<InlineCode>(p));
  }
  return t;
}

InlineCode opening(int id) { return {InlineCode::Kind::kOpening, id, false, "", ""}; }
InlineCode closing(int id) { return {InlineCode::Kind::kClosing, id, false, "", ""}; }
InlineCode opening_isolated(int id) { return {InlineCode::Kind::kOpening, id, true, "", ""}; }
InlineCode closing_isolated(int id) { return {InlineCode::Kind::kClosing, id, true, "", ""}; }
InlineCode ph(int id) { return {InlineCode::Kind::kPlaceholder, id, false, "", ""}; }

}  // namespace

TEST_CASE("codes at sentence edges: a wrapping pair is inside, a pair across a boundary is split") {
  Document doc = segmented(
      "<p><b>Whole sentence.</b> Next <i>one. Then</i> more. End<br>line. Last.</p>");
  const Block& b = doc.blocks[0];
  CHECK(shown(b) == std::vector<std::string>{"b1.s1 {1}Whole sentence.{/1}", "b1.s2 Next {1>}one.",
                                             "b1.s3 Then{<1} more.", "b1.s4 End{1/}line.", "b1.s5 Last."});
  REQUIRE(b.gaps.size() == 6);
  CHECK(b.gaps[0].text.empty());
  CHECK(b.gaps[1].text == " ");
  CHECK(b.gaps[5].text.empty());
  // Segment codes point back at the block's codes and keep their markup.
  CHECK(b.segments[1].source.codes[0].original == "<i>");
  CHECK(b.segments[2].source.codes[0].original == "</i>");
  CHECK(b.segments[1].block_codes == std::vector<std::size_t>{2});
  CHECK(check_codes(b.segments[1].source).empty());
  CHECK(find_segment(doc, "b1.s3") == &b.segments[2]);
  CHECK(find_segment(doc, "b1.s9") == nullptr);
  CHECK(find_segment(doc, "b7.s1") == nullptr);
  CHECK(find_segment(doc, "x") == nullptr);
}

TEST_CASE("codes leading up to a sentence are its own, a line break between sentences is not") {
  Document doc = parse_document("<p>One. <a href=\"x\"><img src=\"y\"> Two</a> three. Four.<br>Five.</p>",
                                Format::kHtml, "t.html");
  segment_document(doc, Segmenter("en"));
  CHECK(shown(doc.blocks[0]) == std::vector<std::string>{"b1.s1 One.", "b1.s2 {1}{2/} Two{/1} three.",
                                                         "b1.s3 Four.", "b1.s4 Five."});
  CHECK(display_text(doc.blocks[0].gaps[3]) == "{3/}");  // gaps keep the block's numbers
  // At a block's edges every code the reader kept belongs to the first or last sentence.
  Document edges = segmented("<p><a href=\"/\"><img src=\"e.svg\" alt=\"Emblem\"> The service</a></p>");
  CHECK(shown(edges.blocks[0]) == std::vector<std::string>{"b1.s1 {1}{2/} The service{/1}"});
}

TEST_CASE("a br between sentences stays in the gap, and the splitter sees a line break") {
  std::string seen;
  Document doc = parse_document("<p>One.<br>Two.</p>", Format::kHtml, "t.html");
  segment_document(doc, [&](std::string_view plain) {
    seen = std::string(plain);
    return split_at_periods(plain);
  });
  CHECK(seen == "One.\nTwo.");
}

TEST_CASE("translations may reorder paired codes and move placeholders, but not lose or break them") {
  Document doc = segmented("<p>Mr. <b>Huseynov</b> met <a href=\"/x\">the minister</a> in <em>Baku</em><br>today.</p>");
  // "Mr. " ends a sentence for the test splitter; take the second segment.
  const Segment& s = doc.blocks[0].segments[1];
  REQUIRE(display_text(s.source) == "{1}Huseynov{/1} met {2}the minister{/2} in {3}Baku{/3}{4/}today.");

  set_translation(doc, s.id, marked({opening(3), "Bakıda", closing(3), " bu gün", ph(4), " ", opening(2), "nazirlə", closing(2),
                                     " ", opening(1), "Hüseynov", closing(1), " görüşdü."}));
  std::string out = render_document(doc);
  CHECK(out.find("<p>Mr. <em>Bakıda</em> bu gün<br> <a href=\"/x\">nazirlə</a> <b>Hüseynov</b> görüşdü.</p>") !=
        std::string::npos);

  auto refused = [&](InlineText t, const std::string& what) {
    try {
      set_translation(doc, s.id, t);
      FAIL("accepted: " << display_text(t));
    } catch (const Error& e) {
      CHECK(e.kind() == Error::Kind::kInput);
      CHECK(std::string(e.what()).find(s.id) != std::string::npos);
      CHECK(std::string(e.what()).find(what) != std::string::npos);
    }
  };
  // Dropping a placeholder, or a pair.
  refused(marked({opening(1), "a", closing(1), opening(2), "b", closing(2), opening(3), "c", closing(3)}), "{4/}");
  refused(marked({opening(1), "a", closing(1), ph(4), opening(3), "c", closing(3)}), "{2}");
  // Duplicating one.
  refused(marked({opening(1), "a", closing(1), ph(4), ph(4), opening(2), "b", closing(2), opening(3), "c", closing(3)}), "{4/}");
  // A code the source does not have.
  refused(marked({opening(1), "a", closing(1), ph(4), ph(5), opening(2), "b", closing(2), opening(3), "c", closing(3)}), "{5/}");
  // Unbalanced: closed before opened; crossing pairs.
  refused(marked({closing(1), "a", opening(1), ph(4), opening(2), "b", closing(2), opening(3), "c", closing(3)}), "");
  refused(marked({opening(1), "a", opening(2), closing(1), "b", closing(2), ph(4), opening(3), "c", closing(3)}), "");
  // Markers without codes.
  InlineText broken = marked({opening(1), "a", closing(1)});
  broken.codes.pop_back();
  refused(broken, "");
  // A refused translation leaves the accepted one in place.
  CHECK(find_segment(doc, s.id)->target.has_value());
  CHECK_THROWS_AS(set_translation(doc, "b9.s1", InlineText{}), Error);
}

TEST_CASE("isolated codes keep their order, segment and block translations replace each other") {
  Document doc = segmented("<p>Start <b><i>one. Two</i></b> end.</p>");
  const Block& b = doc.blocks[0];
  REQUIRE(shown(b) == std::vector<std::string>{"b1.s1 Start {1>}{2>}one.", "b1.s2 Two{<1}{<2} end."});
  CHECK_THROWS_AS(set_translation(doc, "b1.s1", marked({"Bir ", opening_isolated(2), opening_isolated(1), "başla."})), Error);
  set_translation(doc, "b1.s1", marked({opening_isolated(1), opening_isolated(2), "Bir başla."}));
  set_translation(doc, "b1.s2", marked({"İki", closing_isolated(1), closing_isolated(2), " son."}));
  CHECK(render_document(doc).find("<p><b><i>Bir başla. İki</i></b> son.</p>") != std::string::npos);
  CHECK(display_text(block_output(b)) == "{1}{2}Bir başla. İki{/2}{/1} son.");

  CHECK_THROWS_AS(set_block_translation(doc, 0, InlineText{"Hamısı birdən.", {}}), Error);
  set_block_translation(doc, 0, marked({"Hamısı ", opening(1), opening(2), "birdən", closing(2), closing(1), "."}));
  CHECK(render_document(doc).find("<p>Hamısı <b><i>birdən</i></b>.</p>") != std::string::npos);
  CHECK(!find_segment(doc, "b1.s1")->target);
  CHECK_THROWS_AS(set_block_translation(doc, 5, InlineText{}), Error);
  // Segmenting again starts afresh.
  segment_document(doc, split_at_periods);
  CHECK(doc.blocks[0].segments.size() == 2);
}

TEST_CASE("segment ids are stable from run to run") {
  std::string page = read_file(source_dir() / "tests/data/html/news.html");
  Document a = segmented(page), b = segmented(page);
  std::vector<std::string> ids_a, ids_b;
  for (const Block& block : a.blocks)
    for (const Segment& s : block.segments) ids_a.push_back(s.id + display_text(s.source));
  for (const Block& block : b.blocks)
    for (const Segment& s : block.segments) ids_b.push_back(s.id + display_text(s.source));
  CHECK(ids_a == ids_b);
  CHECK(!ids_a.empty());
}

TEST_CASE("the HTML example, segmented with the English rules") {
  auto path = source_dir() / "examples/global-forum-on-refugees.en.html";
  Document doc = read_document(path.string());
  segment_document(doc, Segmenter("en"));
  std::vector<std::string> all;
  for (const Block& block : doc.blocks)
    for (const Segment& s : block.segments) all.push_back(s.id + " " + display_text(s.source));
  auto has = [&](const std::string& line) { return std::find(all.begin(), all.end(), line) != all.end(); };
  CHECK(has("b1.s1 Azerbaijan is represented at the 2nd Global Forum on Refugees \xE2\x80\x93 State Migration Service"));
  CHECK(has("b16.s1 Azerbaijan is represented at the 2nd Global Forum on Refugees"));
  CHECK(has("b20.s1 A delegation from Azerbaijan, led by Mr. {1}Vusal Huseynov{/1}, Chief of the State Migration "
            "Service, has been participating in the 2nd Global Forum on Refugees jointly organized by the Government "
            "of Sweden and the United Nations High Commissioner for Refugees ({2}UNHCR{/2}) in Geneva on December 13 "
            "to 15."));
  CHECK(has("b23.s2 {1}V. Huseynov{/1} emphasized that contamination of these territories with landmines is one of "
            "the significant challenges to the return and reintegration processes."));
  CHECK(has("b34.s1 {1}Terms for users{/1} | {2}Privacy Policy{/2} | All rights reserved"));
  CHECK(has("b5.s1 {1}{2/} State Migration Service of the Republic of Azerbaijan{/1}"));
  const Segment* s = find_segment(doc, "b20.s1");
  REQUIRE(s);
  CHECK(s->source.codes[0].original == "<strong>");
  CHECK(s->source.codes[2].original == "<a href=\"https://www.unhcr.org/\">");
  CHECK(find_segment(doc, "b23.s1"));
  CHECK(find_segment(doc, "b23.s3"));
  // Untranslated, the segmented page still writes back byte for byte.
  CHECK(render_document(doc) == read_file(path));
}

TEST_CASE("inline markup across a sentence boundary, with the English rules") {
  Document doc = read_document((source_dir() / "tests/data/html/code-across-sentences.html").string());
  segment_document(doc, Segmenter("en"));
  const Block& b = doc.blocks[1];
  CHECK(shown(b) == std::vector<std::string>{"b2.s1 The first sentence is {1>}plain.",
                                             "b2.s2 The second{<1} is emphasized in part.",
                                             "b2.s3 {1}A third sentence in bold.{/1}", "b2.s4 Run {1}make{/1} now."});
  CHECK(b.segments[0].source.codes[0].original == "<em>");
  CHECK(b.segments[1].source.codes[0].original == "</em>");
  // Translated sentence by sentence, the page keeps <em> balanced.
  set_translation(doc, "b2.s1", marked({"Birinci cümlə ", opening_isolated(1), "sadədir."}));
  set_translation(doc, "b2.s2", marked({"İkinci", closing_isolated(1), " qismən vurğulanıb."}));
  CHECK(render_document(doc).find("<p>Birinci cümlə <em>sadədir. İkinci</em> qismən vurğulanıb. <b>A third") !=
        std::string::npos);
}

TEST_CASE("dilmanc segment reads HTML and shows the codes of each sentence") {
  using dilmanc::test::run_cli;
  auto page = (source_dir() / "examples/global-forum-on-refugees.en.html").string();
  auto r = run_cli({"segment", "--lang", "en", page});
  CHECK(r.exit_code == 0);
  CHECK(r.err.empty());
  CHECK(r.out.find("\n\nA delegation from Azerbaijan, led by Mr. {1}Vusal Huseynov{/1}, Chief of the State Migration "
                   "Service,") != std::string::npos);
  CHECK(r.out.find("\n{1}V. Huseynov{/1} emphasized that") != std::string::npos);
  CHECK(r.out.find("\n{1}Terms for users{/1} | {2}Privacy Policy{/2} | All rights reserved\n") != std::string::npos);
  CHECK(r.out.find("<strong>") == std::string::npos);
  CHECK(r.out.find("font-family") == std::string::npos);  // style is not text

  // Standard input: the format is told, or seen in the content.
  auto told = run_cli({"segment", "--format", "html"}, "<p>A <b>bold. Claim</b> here.</p>");
  CHECK(told.exit_code == 0);
  CHECK(told.out == "A {1>}bold.\nClaim{<1} here.\n");
  CHECK(run_cli({"segment"}, "<!DOCTYPE html><p>One. Two.</p>").out == "One.\nTwo.\n");
  CHECK(run_cli({"segment", "--format", "text"}, "<p>One. Two.</p>").out == "<p>One.\nTwo.</p>\n");
  auto json = run_cli({"segment", "--format", "html", "--json"}, "<h1>Title</h1><p>One. Two.</p>");
  CHECK(json.out == "[\n  [\"Title\"],\n  [\"One.\", \"Two.\"]\n]\n");

  // Recovered problems are shown on standard error; bad formats are usage errors.
  auto unclosed = run_cli({"segment", (source_dir() / "tests/data/html/unclosed.html").string()});
  CHECK(unclosed.exit_code == 0);
  CHECK(unclosed.err.find("unclosed.html:3: <b>") != std::string::npos);
  CHECK(unclosed.out == "An unclosed {1}bold paragraph{/1}\n\nThe next paragraph.\n");
  CHECK(run_cli({"segment", "--format", "docx"}, "x").exit_code == 2);
  CHECK(run_cli({"segment", "--format", "docx", "no-such-file"}).exit_code == 2);  // before reading
  auto binary = run_cli({"segment", "--format", "html"}, std::string("<p>\0</p>", 8));
  CHECK(binary.exit_code == 1);
  CHECK(binary.out.empty());
}

#include <doctest/doctest.h>

#include "dilmanc/document.h"
#include "dilmanc/formats.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/word_count.h"
#include "support.h"

using namespace dilmanc;

TEST_CASE("words: letters and numbers by Unicode word boundaries") {
  CHECK(count_words("The Forum will continue its work until December 15.", "en").words == 9);
  WordCount n = count_words("more than 250,000 refugees in 2019 and 3.5 percent", "en");
  CHECK(n.words == 9);
  CHECK(n.numbers == 3);
  // An ordinal is a word, not a number; an apostrophe does not split; a hyphen does.
  WordCount o = count_words("the world's 18th High-Level Segment", "en");
  CHECK(o.words == 6);
  CHECK(o.numbers == 0);
  CHECK(count_words("— , . ! « » | ©", "en").words == 0);
  CHECK(count_words("", "en") == WordCount{});
}

TEST_CASE("words in Azerbaijani and Russian") {
  CHECK(count_words("Dövlət Miqrasiya Xidmətinin rəisi İclasda çıxış etdi.", "az").words == 7);
  CHECK(count_words("Государственная миграционная служба «Азербайджана» — 5 дней.", "ru").words == 6);
}

TEST_CASE("a URL or an e-mail address is one word") {
  WordCount c = count_words("See https://www.unhcr.org/about-unhcr/who-we-are, or write to press@migration.gov.az.", "en");
  CHECK(c.words == 6);
  CHECK(count_words("www.migration.gov.az", "en").words == 1);
}

TEST_CASE("characters: not whitespace, codes count apart and are neither") {
  WordCount c = count_words("Ə ə  ab\tc\n", "az");
  CHECK(c.characters == 5);
  InlineText t;
  append_text(t, "H");
  append_code(t, InlineCode{InlineCode::Kind::kOpening, 1, false, "sub", "<sub>"});
  append_text(t, "2");
  append_code(t, InlineCode{InlineCode::Kind::kClosing, 1, false, "sub", "</sub>"});
  append_text(t, "O line");
  append_code(t, InlineCode{InlineCode::Kind::kPlaceholder, 2, false, "br", "<br>"});
  append_text(t, "break");
  WordCount w = count_words(t, "en");
  CHECK(w.words == 3);  // H2O, line, break
  CHECK(w.codes == 3);
  CHECK(w.characters == 12);
}

TEST_CASE("a document's count is the sum of its blocks, segments count the same") {
  Document doc = parse_document("<html><body><p>One two. Three <b>four</b>.</p><p title=\"Five six\">Seven</p></body></html>",
                                Format::kHtml, "t.html");
  WordCount total = count_words(doc, "en");
  CHECK(total.words == 7);
  CHECK(total.codes == 2);
  WordCount sum;
  for (const Block& b : doc.blocks) sum += count_words(b.source, "en");
  CHECK(sum == total);
}

TEST_CASE("the words and characters of a block's segments add up to the block's") {
  Document doc = read_document((dilmanc::test::source_dir() / "examples/global-forum-on-refugees.en.html").string());
  segment_document(doc, Segmenter("en"));
  WordCount blocks, segments;
  for (const Block& b : doc.blocks) {
    WordCount block = count_words(b.source, "en"), parts;
    for (const Segment& s : b.segments) parts += count_words(s.source, "en");
    CHECK(parts.words == block.words);
    CHECK(parts.characters == block.characters);
    blocks += block;
    segments += parts;
  }
  CHECK(blocks.words > 700);
  CHECK(segments.words == blocks.words);
}

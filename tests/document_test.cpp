#include <doctest/doctest.h>

#include <set>

#include "dilmanc/document.h"
#include "dilmanc/error.h"
#include "dilmanc/formats.h"

using namespace dilmanc;

TEST_CASE("block kinds have stable distinct names, block ids count from 1") {
  std::set<std::string> names;
  for (int k = 0; k <= static_cast<int>(BlockKind::kMetaDescription); ++k)
    names.insert(block_kind_name(static_cast<BlockKind>(k)));
  CHECK(names.size() == static_cast<std::size_t>(BlockKind::kMetaDescription) + 1);
  CHECK(std::string(block_kind_name(BlockKind::kListItem)) == "list-item");
  CHECK(std::string(block_kind_name(BlockKind::kAltText)) == "alt-text");
  CHECK(block_id(0) == "b1");
  CHECK(block_id(41) == "b42");
}

TEST_CASE("block output: the source until something is translated, then gaps and segments") {
  Document doc = parse_document("Title\n\nOne.  Two. Three.\n", Format::kText, "t.txt");
  Block& b = doc.blocks[1];
  CHECK(!block_translated(b));
  CHECK(block_output(b) == b.source);
  segment_document(doc, [](std::string_view) {
    return std::vector<SentenceSpan>{{0, 4}, {6, 10}, {11, 17}};
  });
  REQUIRE(b.segments.size() == 3);
  CHECK(b.gaps[1].text == "  ");
  CHECK(!block_translated(b));
  set_translation(doc, "b2.s2", InlineText{"İki.", {}});
  CHECK(block_translated(b));
  CHECK(block_output(b).text == "One.  İki. Three.");
  CHECK(render_document(doc) == "Title\n\nOne.  İki. Three.\n");

  // A copy is independent.
  Document copy = doc;
  set_translation(copy, "b2.s1", InlineText{"Bir.", {}});
  CHECK(render_document(doc) == "Title\n\nOne.  İki. Three.\n");
  CHECK(render_document(copy) == "Title\n\nBir.  İki. Three.\n");
}

TEST_CASE("unknown segments and blocks are usage errors") {
  Document doc = parse_document("Title\n\nBody.\n", Format::kText, "t.txt");
  try {
    set_translation(doc, "b2.s1", InlineText{"x", {}});  // not segmented yet
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kUsage);
    CHECK(std::string(e.what()).find("b2.s1") != std::string::npos);
  }
  CHECK_THROWS_AS(set_block_translation(doc, 2, InlineText{"x", {}}), Error);
}

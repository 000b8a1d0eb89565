#include <doctest/doctest.h>

#include "dilmanc/document.h"
#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::read_file;
using dilmanc::test::source_dir;

namespace {
std::string text_data(const std::string& name) { return read_file(source_dir() / "tests/data/text" / name); }
}  // namespace

TEST_CASE("the reference article: a title, paragraphs and two footer lines, written back byte for byte") {
  auto path = (source_dir() / "examples/global-forum-on-refugees.en.txt").string();
  Document doc = read_document(path);
  CHECK(doc.format == Format::kText);
  REQUIRE(doc.blocks.size() == 15);
  CHECK(doc.blocks[0].kind == BlockKind::kTitle);
  CHECK(doc.blocks[0].source.text == "Azerbaijan is represented at the 2nd Global Forum on Refugees");
  CHECK(doc.blocks[0].id == "b1");
  CHECK(doc.blocks[1].kind == BlockKind::kParagraph);
  CHECK(doc.blocks[1].line == 3);
  CHECK(doc.blocks[13].kind == BlockKind::kFooter);
  CHECK(doc.blocks[13].source.text == "\xC2\xA9 2024 The Republic of Azerbaijan State Migration Service");
  CHECK(doc.blocks[14].kind == BlockKind::kFooter);
  CHECK(doc.blocks[14].source.text == "Terms for users | Privacy Policy | All rights reserved");
  // A paragraph with trailing spaces: they stay outside the block.
  CHECK(doc.blocks[11].source.text.substr(doc.blocks[11].source.text.size() - 10) == "migration.");
  CHECK(render_document(doc) == read_file(path));
}

TEST_CASE("plain text keeps CRLF, trailing spaces, indentation and a missing final newline") {
  std::string bytes = text_data("crlf-no-final-newline.txt");
  Document doc = parse_document(bytes, Format::kText, "crlf.txt");
  REQUIRE(doc.blocks.size() == 5);
  CHECK(doc.blocks[0].kind == BlockKind::kTitle);
  CHECK(doc.blocks[0].source.text == "A title with CRLF");
  CHECK(doc.blocks[1].source.text == "First paragraph with trailing spaces.");
  CHECK(doc.blocks[2].source.text == "Indented second paragraph.");
  CHECK(doc.blocks[3].kind == BlockKind::kFooter);
  CHECK(doc.blocks[4].source.text == "Terms | Privacy");
  CHECK(render_document(doc) == bytes);

  std::string hard = text_data("hard-wrapped.txt");
  Document wrapped = parse_document(hard, Format::kText, "hard-wrapped.txt");
  REQUIRE(wrapped.blocks.size() == 3);
  CHECK(wrapped.blocks[1].source.text == "This paragraph is wrapped\nover three lines\nby its editor.");
  CHECK(wrapped.blocks[2].kind == BlockKind::kParagraph);  // one line, no copyright sign: not a footer
  CHECK(render_document(wrapped) == hard);

  for (std::string odd : {"", "\n\n", "One line only", "\xEF\xBB\xBFTitle\n\nBody\n"}) {
    CAPTURE(odd);
    CHECK(render_document(parse_document(odd, Format::kText, "odd.txt")) == odd);
  }
}

TEST_CASE("a translated text block replaces exactly its bytes") {
  std::string bytes = text_data("crlf-no-final-newline.txt");
  Document doc = parse_document(bytes, Format::kText, "crlf.txt");
  set_block_translation(doc, 1, InlineText{"Birinci abzas.", {}});
  CHECK(render_document(doc) ==
        "A title with CRLF\r\n\r\nBirinci abzas.   \r\n\r\n  Indented second paragraph.\r\n\r\n"
        "\xC2\xA9 2024 Footer line one\r\nTerms | Privacy");
  // A code in the translation of text that has none is refused.
  InlineText with_code;
  append_text(with_code, "Bir");
  append_code(with_code, InlineCode{InlineCode::Kind::kPlaceholder, 1, false, "br", "<br>"});
  CHECK_THROWS_AS(set_block_translation(doc, 2, with_code), Error);
}

TEST_CASE("bad text input: binary, invalid UTF-8, code markers") {
  try {
    parse_document(std::string("Title\n\nBody\0with a NUL", 22), Format::kText, "bin.txt");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(std::string(e.what()).find("bin.txt") == 0);
    CHECK(std::string(e.what()).find("binary") != std::string::npos);
  }
  try {
    parse_document("Title\n\nBad \xFF byte\n", Format::kText, "bad.txt");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.where().line == 3);
  }
  try {
    parse_document("Title\n\nA marker \xEE\x84\x81 here\n", Format::kText, "m.txt");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.where().line == 3);
  }
}

TEST_CASE("formats are detected from the extension, then the content") {
  CHECK(detect_format("a.txt", "<html>") == Format::kText);
  CHECK(detect_format("a.HTML", "plain") == Format::kHtml);
  CHECK(detect_format("a.xhtml", "") == Format::kHtml);
  CHECK(detect_format("article", "  <!DOCTYPE html><html>") == Format::kHtml);
  CHECK(detect_format("article", "A title\n\nA paragraph.") == Format::kText);
  CHECK(parse_format_name("html") == Format::kHtml);
  CHECK(parse_format_name("text") == Format::kText);
  CHECK(!parse_format_name("docx"));
  CHECK(std::string(format_name(Format::kHtml)) == "html");
}

TEST_CASE("write_document writes atomically and leaves nothing on an error") {
  dilmanc::test::TempDir dir;
  Document doc = parse_document("Title\n\nBody.\n", Format::kText, "in.txt");
  auto target = (dir / "out.txt").string();
  dilmanc::test::write_file(target, "old contents");
  write_document(doc, target);
  CHECK(read_file(target) == "Title\n\nBody.\n");

  auto missing = (dir / "no-such-folder" / "out.txt").string();
  CHECK_THROWS_AS(write_document(doc, missing), Error);
  // A folder in the way: the rename fails, and no temporary file is left behind.
  std::filesystem::create_directory(dir / "taken");
  try {
    write_document(doc, (dir / "taken").string());
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kIo);
  }
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path())) files += entry.is_regular_file();
  CHECK(files == 1);

  CHECK_THROWS_AS(read_document((dir / "absent.txt").string()), Error);
}

TEST_CASE("block text is in NFC, the file keeps its own form") {
  std::string decomposed = "Title\n\nCafe\xCC\x81 in Gəncə\n";  // e + combining acute
  Document doc = parse_document(decomposed, Format::kText, "nfd.txt");
  CHECK(doc.blocks[1].source.text == "Caf\xC3\xA9 in Gəncə");
  CHECK(render_document(doc) == decomposed);
  Document page = parse_document("<p>Cafe\xCC\x81</p>", Format::kHtml, "nfd.html");
  CHECK(page.blocks[0].source.text == "Caf\xC3\xA9");
  CHECK(render_document(page) == "<p>Cafe\xCC\x81</p>");
}

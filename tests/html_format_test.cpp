#include <doctest/doctest.h>
#include <libxml/HTMLparser.h>

#include <filesystem>
#include <random>

#include "dilmanc/document.h"
#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "support.h"

using namespace dilmanc;
using dilmanc::test::read_file;
using dilmanc::test::source_dir;

namespace {

std::string html_data(const std::string& name) { return read_file(source_dir() / "tests/data/html" / name); }

Document html(const std::string& name) { return parse_document(html_data(name), Format::kHtml, name); }

// The DOM as libxml2 builds it, one line per node, text with its whitespace runs
// collapsed (HTML shows them alike).
void outline(xmlNodePtr node, std::string& out, int depth) {
  for (; node; node = node->next) {
    std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
    if (node->type == XML_ELEMENT_NODE) {
      out += pad + "<" + reinterpret_cast<const char*>(node->name);
      for (xmlAttrPtr a = node->properties; a; a = a->next) {
        xmlChar* v = xmlNodeListGetString(node->doc, a->children, 1);
        out += std::string(" ") + reinterpret_cast<const char*>(a->name) + "=" + (v ? reinterpret_cast<char*>(v) : "");
        xmlFree(v);
      }
      out += ">\n";
      outline(node->children, out, depth + 1);
    } else if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      std::string text, raw = node->content ? reinterpret_cast<const char*>(node->content) : "";
      bool space = false;
      for (char c : raw) {
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r') {
          space = true;
          continue;
        }
        if (space && !text.empty()) text += ' ';
        space = false;
        text += c;
      }
      if (!text.empty()) out += pad + "\"" + text + "\"\n";
    }
  }
}

std::string dom_outline(const std::string& bytes) {
  htmlDocPtr doc = htmlReadMemory(bytes.data(), static_cast<int>(bytes.size()), nullptr, "UTF-8",
                                  HTML_PARSE_NONET | HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
  REQUIRE(doc != nullptr);
  std::string out;
  outline(xmlDocGetRootElement(doc), out, 0);
  xmlFreeDoc(doc);
  return out;
}

std::vector<std::filesystem::path> all_pages() {
  std::vector<std::filesystem::path> pages;
  for (const auto& e : std::filesystem::directory_iterator(source_dir() / "tests/data/html")) pages.push_back(e.path());
  for (const auto& e : std::filesystem::directory_iterator(source_dir() / "examples"))
    if (e.path().extension() == ".html") pages.push_back(e.path());
  std::sort(pages.begin(), pages.end());
  return pages;
}

const Block* find_block(const Document& doc, std::string_view element, std::string_view display) {
  for (const Block& b : doc.blocks)
    if (b.element == element && display_text(b.source) == display) return &b;
  return nullptr;
}

}  // namespace

TEST_CASE("every HTML page reads and writes back byte for byte, and renders to the same DOM") {
  auto pages = all_pages();
  CHECK(pages.size() >= 9);
  for (const auto& page : pages) {
    CAPTURE(page.string());
    std::string bytes = read_file(page);
    Document doc = read_document(page.string());
    CHECK(doc.format == Format::kHtml);
    CHECK(!doc.blocks.empty());
    CHECK(render_document(doc) == bytes);
    // Every block "translated" into itself goes through the rendering path: same DOM.
    for (std::size_t i = 0; i < doc.blocks.size(); ++i) set_block_translation(doc, i, doc.blocks[i].source);
    CHECK(dom_outline(render_document(doc)) == dom_outline(bytes));
  }
}

TEST_CASE("odd HTML reads and writes back too") {
  for (std::string odd : {"", "\xEF\xBB\xBF<p>Hi</p>", "plain words", "<!-- only a comment -->",
                          "<P CLASS=x>Upper <B>case</B></P>", "<p>a <!-- x --> b <?php echo 1 ?> c</p>",
                          "<p>x</p></div></span>trailing", "<table><tr><td>a<td>b</table>",
                          "<p>Tom &amp Jerry &unknown; &#0;</p>", "<p>a<p>b<div>c</div>d"}) {
    CAPTURE(odd);
    Document doc = parse_document(odd, Format::kHtml, "odd.html");
    CHECK(render_document(doc) == odd);
  }
  Document upper = parse_document("<P CLASS=x>Upper <B>case</B></P>", Format::kHtml, "u.html");
  REQUIRE(upper.blocks.size() == 1);
  CHECK(display_text(upper.blocks[0].source) == "Upper {1}case{/1}");
  CHECK(upper.blocks[0].source.codes[0].original == "<B>");
  Document comment = parse_document("<p>a <!-- x --> b</p>", Format::kHtml, "c.html");
  CHECK(display_text(comment.blocks[0].source) == "a {1/} b");
  CHECK(comment.blocks[0].source.codes[0].name == "comment");
}

TEST_CASE("a news page: blocks, kinds, inline codes and translatable attributes") {
  Document doc = html("news.html");
  CHECK(doc.language == "en");
  std::vector<std::string> shown;
  for (const Block& b : doc.blocks) shown.push_back(std::string(block_kind_name(b.kind)) + " " + display_text(b.source));
  std::vector<std::string> expected = {
      "title Press office \xE2\x80\x93 Minister visits Ganja",
      "meta-description The minister visited the new service centre in Ganja.",
      "meta-title Minister visits Ganja",
      "aria-label Main",
      "navigation {1}Home{/1}",
      "tooltip All the news of the office",
      "navigation {1}News{/1}",
      "heading Minister visits Ganja",
      "paragraph {1}2 May 2024{/1}",
      "alt-text The minister opens the centre",
      "paragraph On Thursday, {1}Minister Ali Aliyev{/1} opened the new service centre in Ganja. The centre will "
      "serve {2}more than 20,000 people{/2} a year.",
      "paragraph Text on several lines, indented like many editors write it.",
      "footer \xC2\xA9 2024 Press office",
  };
  CHECK(shown == expected);
  const Block& p = doc.blocks[10];
  CHECK(p.id == "b11");
  CHECK(p.line == 24);
  REQUIRE(p.source.codes.size() == 4);
  CHECK(p.source.codes[0].original == "<strong>");
  CHECK(p.source.codes[0].name == "strong");
  CHECK(p.source.codes[2].original == "<a href=\"https://example.org/stats\">");
  CHECK(p.source.codes[3].original == "</a>");
  CHECK(check_codes(p.source).empty());
  // The script's text is not translatable.
  for (const Block& b : doc.blocks) CHECK(b.source.text.find("not") == std::string::npos);
}

TEST_CASE("tables, nested lists, forms, XHTML and untranslatable content") {
  Document table = html("table.html");
  CHECK(find_block(table, "caption", "Arrivals by year"));
  CHECK(find_block(table, "td", "Estimated {1}1{/1}"));
  CHECK(find_block(table, "td", "Source: {1}statistics office{/1}"));
  CHECK(table.blocks.size() == 10);  // the empty and &nbsp; cells are not blocks

  Document lists = html("nested-lists.html");
  std::vector<std::string> items;
  for (const Block& b : lists.blocks) items.push_back(b.element + ":" + b.source.text);
  CHECK(items == std::vector<std::string>{"title:Services", "li:Residence permits", "li:Temporary residence",
                                          "li:Permanent residence", "li:Documents to submit", "li:and their renewal",
                                          "li:Work permits", "dt:Refugee", "dd:A person who fled their country."});

  Document forms = html("forms.html");
  CHECK(find_block(forms, "input@placeholder", "First and last name"));
  CHECK(find_block(forms, "button@aria-label", "Send the form"));
  CHECK(find_block(forms, "option", "English"));
  CHECK(find_block(forms, "label", "Your name"));

  Document x = html("xhtml.xhtml");
  const Block* p = find_block(x, "p", "First line{1/}second line with an image {2/} inside.");
  REQUIRE(p);
  CHECK(p->source.codes[0].original == "<br />");
  CHECK(find_block(x, "img@alt", "An image"));

  Document codes = html("code-across-sentences.html");
  for (const Block& b : codes.blocks) {
    CHECK(b.source.text.find("Preformatted") == std::string::npos);
    CHECK(b.source.text.find("code block") == std::string::npos);
    CHECK(b.source.text.find("Brand") == std::string::npos);
    CHECK(b.source.text.find("color") == std::string::npos);
  }
  const Block* pro = find_block(codes, "p", "We use {1/} daily.");
  REQUIRE(pro);
  CHECK(pro->source.codes[0].original == "<span class=\"notranslate\">Dilmanc Pro</span>");
}

TEST_CASE("character references are resolved on reading and escaped on writing, non-Latin text") {
  Document doc = html("entities-az-ru.html");
  CHECK(doc.language == "az");
  CHECK(find_block(doc, "title", "D\xC3\xB6vl\xC9\x99t Miqrasiya Xidm\xC9\x99ti & t\xC9\x99r\xC9\x99" "fda\xC5\x9Flar"));
  const Block* ru = find_block(doc, "p", "Государственная миграционная служба «Азербайджана» — 5 < 7 & \"цитата\".");
  REQUIRE(ru);
  CHECK(find_block(doc, "p", "İclasda «Qaçqınlar haqqında Qlobal Saziş» müzakirə edildi — 3\xC2\xA0gün."));
  CHECK(find_block(doc, "p", "Şəhər, ğ, ı, İ, ö, ü, ç, ə: hamısı əlifbadadır."));

  set_block_translation(doc, static_cast<std::size_t>(ru - doc.blocks.data()), InlineText{"A < B & \"C\" > D", {}});
  std::string out = render_document(doc);
  CHECK(out.find("<p lang=\"ru\">A &lt; B &amp; \"C\" &gt; D</p>") != std::string::npos);
  CHECK(out.find("&laquo;Qaçqınlar") != std::string::npos);  // untouched blocks keep their references
}

TEST_CASE("writing an edition: translated text and attributes, reordered codes, <html lang>") {
  Document doc = html("news.html");
  doc.language = "az";
  InlineText p;
  append_text(p, "Cümə axşamı ");
  append_code(p, InlineCode{InlineCode::Kind::kOpening, 2, false, "a", ""});
  append_text(p, "20 000-dən çox insana");
  append_code(p, InlineCode{InlineCode::Kind::kClosing, 2, false, "a", ""});
  append_text(p, " xidmət edəcək mərkəzi ");
  append_code(p, InlineCode{InlineCode::Kind::kOpening, 1, false, "strong", ""});
  append_text(p, "Nazir Əli Əliyev");
  append_code(p, InlineCode{InlineCode::Kind::kClosing, 1, false, "strong", ""});
  append_text(p, " açdı.");
  set_block_translation(doc, 10, p);
  set_block_translation(doc, 9, InlineText{"Nazir \"mərkəzi\" açır", {}});  // the img alt
  std::string out = render_document(doc);
  CHECK(out.find("<html lang=\"az\">") != std::string::npos);
  CHECK(out.find("<p>Cümə axşamı <a href=\"https://example.org/stats\">20 000-dən çox insana</a> xidmət edəcək "
                 "mərkəzi <strong>Nazir Əli Əliyev</strong> açdı.</p>") != std::string::npos);
  CHECK(out.find("<img src=\"ganja.jpg\" alt=\"Nazir &quot;mərkəzi&quot; açır\">") != std::string::npos);
  // Everything else is as it was.
  CHECK(out.find("<li><a href=\"/news\" title=\"All the news of the office\">News</a></li>") != std::string::npos);
  Document again = parse_document(out, Format::kHtml, "edition.html");
  CHECK(again.language == "az");
  CHECK(display_text(again.blocks[10].source) ==
        "Cümə axşamı {1}20 000-dən çox insana{/1} xidmət edəcək mərkəzi {2}Nazir Əli Əliyev{/2} açdı.");

  // A translated title attribute of a link inside an untranslated paragraph rebuilds the link.
  Document nested = html("nested-inline.html");
  set_block_translation(nested, 2, InlineText{"Hara aparır", {}});
  std::string n = render_document(nested);
  CHECK(n.find("<a href=\"/x\" title=\"Hara aparır\">italic link</a>") != std::string::npos);

  // XHTML keeps its self-closing form and xml:lang follows lang.
  Document x = html("xhtml.xhtml");
  x.language = "ru";
  set_block_translation(x, 2, InlineText{"Картинка", {}});
  std::string xo = render_document(x);
  CHECK(xo.find("lang=\"ru\" xml:lang=\"ru\"") != std::string::npos);
  CHECK(xo.find("<img src=\"a.png\" alt=\"Картинка\" />") != std::string::npos);
}

TEST_CASE("unclosed tags are read as a browser reads them, with a warning") {
  Document doc = html("unclosed.html");
  REQUIRE(doc.blocks.size() == 2);
  CHECK(doc.blocks[1].source.text == "The next paragraph.");
  REQUIRE(!doc.warnings.empty());
  CHECK(doc.warnings[0].find("unclosed.html:3") == 0);
  CHECK(doc.warnings[0].find("<b>") != std::string::npos);
  CHECK(render_document(doc) == html_data("unclosed.html"));
  // A translation closes the element the source left open.
  InlineText t;
  append_text(t, "Bağlanmamış ");
  append_code(t, InlineCode{InlineCode::Kind::kOpening, 1, false, "b", ""});
  append_text(t, "qalın abzas");
  append_code(t, InlineCode{InlineCode::Kind::kClosing, 1, false, "b", ""});
  set_block_translation(doc, 0, t);
  CHECK(render_document(doc).find("<p>Bağlanmamış <b>qalın abzas</b>\n<p>") != std::string::npos);
}

TEST_CASE("bad HTML input: binary, not UTF-8, unknown charset, a declared charset is honoured") {
  try {
    parse_document(std::string("<html>\0\x01\x02", 9), Format::kHtml, "image.html");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(std::string(e.what()).find("image.html") == 0);
  }
  try {
    parse_document("<html><body>\n<p>Caf\xE9</p></body></html>", Format::kHtml, "latin.html");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.where().line == 2);
    CHECK(std::string(e.what()).find("UTF-8") != std::string::npos);
  }
  CHECK_THROWS_AS(parse_document("<html><head><meta charset=\"x-no-such\"></head><p>\xE9</p></html>", Format::kHtml, "x.html"),
                  Error);
  // The code markers, even spelled as character references, are not text.
  for (std::string marked : {"<p>a \xEE\x84\x81 b</p>", "<p>\n\na &#xE101; b</p>", "<img alt=\"x &#57602; y\">"}) {
    CAPTURE(marked);
    try {
      parse_document(marked, Format::kHtml, "m.html");
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == Error::Kind::kInput);
      CHECK(std::string(e.what()).find("U+E101") != std::string::npos);
    }
  }

  // windows-1251: read as Cyrillic, written back in windows-1251 byte for byte; a
  // translation with letters the charset lacks gets character references.
  std::string cp1251 = "<html><head><meta charset=\"windows-1251\"></head><body><p>\xCF\xF0\xE8\xE2\xE5\xF2</p></body></html>";
  Document doc = parse_document(cp1251, Format::kHtml, "cp1251.html");
  REQUIRE(doc.blocks.size() == 1);
  CHECK(doc.blocks[0].source.text == "Привет");
  CHECK(doc.encoding == "windows-1251");
  CHECK(render_document(doc) == cp1251);
  set_block_translation(doc, 0, InlineText{"Salam, dünya ə", {}});
  CHECK(render_document(doc).find("<p>Salam, d&#252;nya &#601;</p>") != std::string::npos);
}

TEST_CASE("nothing is written when reading fails") {
  dilmanc::test::TempDir dir;
  dilmanc::test::write_file(dir / "bad.html", std::string("<p>\0</p>", 8));
  auto target = dir / "out.html";
  CHECK_THROWS_AS(write_document(read_document((dir / "bad.html").string()), target.string()), Error);
  CHECK(!std::filesystem::exists(target));
}

TEST_CASE("the Azerbaijani and Russian examples are editions of the English page, block for block") {
  auto example = [](const std::string& lang) {
    return read_document((source_dir() / ("examples/global-forum-on-refugees." + lang + ".html")).string());
  };
  Document en = example("en");
  for (std::string lang : {"az", "ru"}) {
    CAPTURE(lang);
    Document edition = example(lang);
    CHECK(edition.language == lang);
    REQUIRE(edition.blocks.size() == en.blocks.size());
    // Writing the English page with the edition's texts gives a page that reads as the edition.
    Document made = en;
    made.language = lang;
    for (std::size_t i = 0; i < en.blocks.size(); ++i) {
      CHECK(edition.blocks[i].kind == en.blocks[i].kind);
      set_block_translation(made, i, edition.blocks[i].source);
    }
    Document reread = parse_document(render_document(made), Format::kHtml, "made.html");
    CHECK(reread.language == lang);
    REQUIRE(reread.blocks.size() == edition.blocks.size());
    for (std::size_t i = 0; i < edition.blocks.size(); ++i)
      CHECK(display_text(reread.blocks[i].source) == display_text(edition.blocks[i].source));
  }
}

TEST_CASE("mangled pages still write back byte for byte (300 seeded mutations)") {
  const std::string base = html_data("news.html");
  const std::vector<std::string> pieces = {"<",  ">",   "</",     "<p>",         "</p>", "<b>",  "</b>",      "&",
                                           "&amp;", "&#", ";",    "\"",          "=",    "<!--", "-->",       "<br>",
                                           "<a href=x>", "</a>", "<script>", "</div>", "<td>", "<?", "<img alt=\"", "ə"};
  std::mt19937 random(20240502);
  int parsed = 0;
  for (int round = 0; round < 300; ++round) {
    std::string page = base;
    for (int edits = 1 + static_cast<int>(random() % 6); edits > 0; --edits) {
      std::size_t at = random() % (page.size() + 1);
      if (random() % 3 == 0 && at < page.size()) page.erase(at, 1 + random() % 20);
      else page.insert(at, pieces[random() % pieces.size()]);
    }
    Document doc;
    try {
      doc = parse_document(page, Format::kHtml, "mangled.html");
    } catch (const Error&) {
      continue;  // an erase that cut a character in two: not UTF-8
    }
    ++parsed;
    CAPTURE(page);
    REQUIRE(render_document(doc) == page);
    for (std::size_t i = 0; i < doc.blocks.size(); ++i) set_block_translation(doc, i, doc.blocks[i].source);
    CHECK(!render_document(doc).empty());
  }
  CHECK(parsed > 250);
}

TEST_CASE("a fragment that starts with an HTML element's tag is HTML by its content") {
  using dilmanc::detect_format;
  using dilmanc::Format;
  CHECK(detect_format("", "<h2 class=\"lined\">Hello</h2>\n<p>Text.</p>") == Format::kHtml);
  CHECK(detect_format("", "  <p>Text.</p>") == Format::kHtml);
  CHECK(detect_format("-", "<!DOCTYPE html><html></html>") == Format::kHtml);
  CHECK(detect_format("", "<br/>line") == Format::kHtml);
  // Text that merely starts with a bracket, or with an unknown tag-like word, stays text.
  CHECK(detect_format("", "<3 the forum") == Format::kText);
  CHECK(detect_format("", "<hello> said the man.") == Format::kText);
  CHECK(detect_format("", "<pre-forum meeting>") == Format::kText);
  CHECK(detect_format("notes.txt", "<p>Text.</p>") == Format::kText);
}

#include <doctest/doctest.h>
#include <libxml/parser.h>
#include <libxml/xmlschemas.h>

#include <memory>
#include <regex>
#include <string>

#include "dilmanc/error.h"
#include "dilmanc/srx.h"
#include "segment/bounded_regex.h"
#include "support.h"

using dilmanc::Error;
using dilmanc::parse_srx;
using dilmanc::read_srx_file;
using dilmanc::test::read_file;
using dilmanc::test::shared_dir;
using dilmanc::test::source_dir;
using dilmanc::test::TempDir;
using dilmanc::test::write_file;

namespace {

const char* kTwoSets = R"(<?xml version="1.0" encoding="UTF-8"?>
<srx xmlns="http://www.lisa.org/srx20" version="2.0">
  <header segmentsubflows="yes" cascade="CASCADE"/>
  <body>
    <languagerules>
      <languagerule languagerulename="English">
        <rule break="no"><beforebreak>\bMr\.</beforebreak><afterbreak>\s</afterbreak></rule>
        <rule><beforebreak>[.?!]</beforebreak><afterbreak>\s</afterbreak></rule>
      </languagerule>
      <languagerule languagerulename="Default">
        <rule break="yes"><beforebreak>\n</beforebreak><afterbreak></afterbreak></rule>
      </languagerule>
    </languagerules>
    <maprules>
      <languagemap languagepattern="en.*" languagerulename="English"/>
      <languagemap languagepattern=".*" languagerulename="Default"/>
    </maprules>
  </body>
</srx>
)";

std::string with_cascade(const char* value) {
  return std::regex_replace(kTwoSets, std::regex("CASCADE"), value);
}

// The error a parse raises, for checking its kind, cause and place.
Error parse_error(const std::string& xml) {
  try {
    parse_srx(xml, "rules.srx");
  } catch (const Error& e) {
    return e;
  }
  FAIL("no error raised");
  return Error(Error::Kind::kUsage, "");
}

}  // namespace

TEST_CASE("SRX: rule sets, maps and cascading") {
  auto cascading = parse_srx(with_cascade("yes"), "rules.srx");
  CHECK(cascading.cascade);
  REQUIRE(cascading.language_rules.size() == 2);
  CHECK(cascading.language_rules[0].name == "English");
  REQUIRE(cascading.language_rules[0].rules.size() == 2);
  CHECK_FALSE(cascading.language_rules[0].rules[0].is_break);
  CHECK(cascading.language_rules[0].rules[0].before == R"(\bMr\.)");
  CHECK(cascading.language_rules[0].rules[0].after == R"(\s)");
  CHECK(cascading.language_rules[0].rules[1].is_break);  // break="yes" is the default
  CHECK(cascading.language_rules[0].rules[0].line == 7);

  // cascade: every matching map, in map order
  auto en = cascading.rules_for("en-GB");
  REQUIRE(en.size() == 3);
  CHECK(en[2].before == "\\n");
  CHECK(cascading.rules_for("az").size() == 1);

  // no cascade: the first matching map only
  auto single = parse_srx(with_cascade("no"), "rules.srx");
  CHECK(single.rules_for("en").size() == 2);
  CHECK(single.rules_for("ru").size() == 1);
}

TEST_CASE("SRX: a language code is tried as given, then by its primary subtag") {
  std::string xml = std::regex_replace(with_cascade("no"), std::regex("en\\.\\*"), "en");
  xml = std::regex_replace(xml, std::regex("<languagemap languagepattern=\"\\.\\*\"[^>]*/>"), "");
  auto doc = parse_srx(xml, "rules.srx");
  CHECK(doc.rules_for("en").size() == 2);
  CHECK(doc.rules_for("en-US").size() == 2);  // "en-US" matches no map; "en" does
  CHECK(doc.rules_for("fr").empty());
}

TEST_CASE("SRX: malformed documents are errors naming file and line") {
  SUBCASE("not well-formed XML") {
    Error e = parse_error("<?xml version=\"1.0\"?>\n<srx>\n<body>\n</srx>\n");
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().file == "rules.srx");
    CHECK(e.where().line == 4);
    CHECK(std::string(e.what()).find("rules.srx:4") != std::string::npos);
  }
  SUBCASE("an invalid regular expression") {
    std::string xml = std::regex_replace(with_cascade("no"), std::regex(R"(\\bMr\\\.)"), "(unclosed");
    Error e = parse_error(xml);
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().line == 7);
    CHECK(e.cause().find("(unclosed") != std::string::npos);
  }
  SUBCASE("a map naming a rule set that does not exist") {
    std::string xml = std::regex_replace(with_cascade("no"), std::regex("languagerulename=\"Default\"/>"),
                                         "languagerulename=\"Nowhere\"/>");
    Error e = parse_error(xml);
    CHECK(e.where().line == 16);
    CHECK(e.cause().find("Nowhere") != std::string::npos);
  }
  SUBCASE("a break attribute that is neither yes nor no") {
    std::string xml = std::regex_replace(with_cascade("no"), std::regex("break=\"no\""), "break=\"maybe\"");
    Error e = parse_error(xml);
    CHECK(e.where().line == 7);
    CHECK(e.cause().find("maybe") != std::string::npos);
  }
  SUBCASE("another root element") {
    Error e = parse_error("<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"/>\n");
    CHECK(e.where().line == 2);
  }
}

TEST_CASE("SRX: a missing file is an I/O error") {
  TempDir dir;
  try {
    read_srx_file((dir / "missing.srx").string());
    FAIL("no error raised");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kIo);
    CHECK(e.where().file == (dir / "missing.srx").string());
  }
  write_file(dir / "ok.srx", with_cascade("yes"));
  CHECK(read_srx_file((dir / "ok.srx").string()).language_rules.size() == 2);
}

TEST_CASE("SRX: our rule files are valid SRX 2.0, share one Default set, and never use [A-Z]") {
  const char* langs[] = {"az", "en", "ru"};
  std::string first_default;
  for (const char* lang : langs) {
    CAPTURE(lang);
    auto path = source_dir() / "locales" / lang / "segment.srx";
    std::string text = read_file(path);
    auto doc = read_srx_file(path.string());
    CHECK(doc.cascade);
    CHECK(doc.rules_for(lang).size() > doc.rules_for("xx").size());
    // letters are matched by Unicode property, so that Ə, İ, ş, ё... count as letters
    CHECK(text.find("A-Z") == std::string::npos);
    CHECK(text.find("a-z") == std::string::npos);
    CHECK(text.find("А-Я") == std::string::npos);
    auto begin = text.find("<languagerule languagerulename=\"Default\">");
    auto end = text.find("</languagerule>", begin);
    REQUIRE(begin != std::string::npos);
    std::string default_set = text.substr(begin, end - begin);
    if (first_default.empty()) first_default = default_set;
    CHECK(default_set == first_default);
  }
}

TEST_CASE("SRX: our rule files validate against the SRX 2.0 schema") {
  SKIP_WITHOUT_SHARED();
  auto xsd = *shared_dir() / "data" / "schemas" / "srx20.xsd";
  REQUIRE(std::filesystem::exists(xsd));
  std::unique_ptr<xmlSchemaParserCtxt, decltype(&xmlSchemaFreeParserCtxt)> parser(
      xmlSchemaNewParserCtxt(xsd.string().c_str()), xmlSchemaFreeParserCtxt);
  REQUIRE(parser);
  std::unique_ptr<xmlSchema, decltype(&xmlSchemaFree)> schema(xmlSchemaParse(parser.get()), xmlSchemaFree);
  REQUIRE(schema);
  for (const char* lang : {"az", "en", "ru"}) {
    CAPTURE(lang);
    std::unique_ptr<xmlSchemaValidCtxt, decltype(&xmlSchemaFreeValidCtxt)> valid(
        xmlSchemaNewValidCtxt(schema.get()), xmlSchemaFreeValidCtxt);
    auto path = source_dir() / "locales" / lang / "segment.srx";
    CHECK(xmlSchemaValidateFile(valid.get(), path.string().c_str(), 0) == 0);
  }
}

TEST_CASE("SRX: the two real-world files load") {
  SKIP_WITHOUT_SHARED();
  auto dir = *shared_dir() / "data" / "srx";
  auto languagetool = read_srx_file((dir / "languagetool-segment.srx").string());
  CHECK(languagetool.cascade);
  std::size_t rules = 0;
  for (const auto& set : languagetool.language_rules) rules += set.rules.size();
  CHECK(rules == 1549);  // <rule> elements (the README counts one more, in a comment)
  CHECK(languagetool.rules_for("ru").size() > languagetool.rules_for("az").size());
  CHECK_FALSE(languagetool.rules_for("az").empty());  // the catch-all sets

  auto okapi = read_srx_file((dir / "okapi-default-icu4j.srx").string());
  rules = 0;
  for (const auto& set : okapi.language_rules) rules += set.rules.size();
  CHECK(rules == 2223);
  CHECK(okapi.rules_for("en").size() > 100);
}

TEST_CASE("bounded look-behind: unbounded quantifiers are capped") {
  using dilmanc::segment_detail::bound_quantifiers;
  CHECK(bound_quantifiers(R"(\b\p{L}+\.)", 20) == R"(\b\p{L}{1,20}\.)");
  CHECK(bound_quantifiers(R"(\s*x)", 20) == R"(\s{0,20}x)");
  CHECK(bound_quantifiers(R"(a{2,}b{3,40})", 20) == R"(a{2,20}b{3,40})");
  CHECK(bound_quantifiers(R"(a{30,})", 20) == R"(a{30,30})");
  CHECK(bound_quantifiers(R"(a*?b++)", 9) == R"(a{0,9}?b{1,9}+)");
  CHECK(bound_quantifiers(R"([*+]\*\+)", 9) == R"([*+]\*\+)");           // sets and escapes stay
  CHECK(bound_quantifiers(R"([^]*]x*)", 9) == R"([^]*]x{0,9})");         // ']' first in a set
  CHECK(bound_quantifiers(R"(\Qa*b\E+)", 9) == R"(\Qa*b\E{1,9})");
}

TEST_CASE("rule patterns: the character a match must start with") {
  using dilmanc::segment_detail::first_required_item;
  using dilmanc::segment_detail::item_as_set_pattern;
  CHECK(first_required_item(R"(\s{1,8}\p{Lu})") == R"(\s)");
  CHECK(first_required_item(R"(\p{Lu}\p{Ll})") == R"(\p{Lu})");
  CHECK(first_required_item(R"([.!?]x)") == "[.!?]");
  CHECK(first_required_item("«x") == "«");
  CHECK(first_required_item(R"(\s?x)").empty());    // optional
  CHECK(first_required_item(R"(\s{0,3}x)").empty());
  CHECK(first_required_item("a|b").empty());        // alternation
  CHECK(first_required_item("(?=x)y").empty());
  CHECK(first_required_item(R"(\bx)").empty());
  CHECK(item_as_set_pattern(R"(\s)") == "[:White_Space:]");
  CHECK(item_as_set_pattern(R"(\p{Lu})") == R"([\p{Lu}])");
  CHECK(item_as_set_pattern(R"([\s\d])").empty());  // reads differently as a UnicodeSet
}

// Files from strangers: every XML reader refuses external entities, DTD loading and entity
// bombs; invalid encodings, NUL bytes, huge paragraphs, huge numbers of inline codes and
// deep nesting give a clear error or a correct result, never a crash.
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/document.h"
#include "dilmanc/error.h"
#include "dilmanc/extract.h"
#include "dilmanc/formats.h"
#include "dilmanc/leverage.h"
#include "dilmanc/merge.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/srx.h"
#include "dilmanc/text.h"
#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "dilmanc/xliff.h"
#include "support.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

constexpr std::string_view kSecret = "SECRET-7f3a9c";

// A TCP port on the loopback interface that records whether anyone connected: the readers
// must never touch the network, whatever a document asks for.
class Listener {
 public:
  Listener() {
    fd_ = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    REQUIRE(fd_ >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    REQUIRE(listen(fd_, 16) == 0);
    socklen_t len = sizeof addr;
    REQUIRE(getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
    port_ = ntohs(addr.sin_port);
  }
  ~Listener() { close(fd_); }
  std::string url(const std::string& file) const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/" + file;
  }
  bool contacted() const {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, 0) > 0;
  }

 private:
  int fd_ = -1;
  int port_ = 0;
};

// The attacks, as the inside of a DOCTYPE: `e` is the entity the document uses.
struct Attack {
  const char* name;
  std::string doctype;      // after "<!DOCTYPE root"
  bool uses_entity = true;  // the body references &e;
};

std::vector<Attack> attacks(const TempDir& dir, const Listener& net) {
  write_file(dir / "secret.txt", std::string(kSecret));
  write_file(dir / "evil.dtd", "<!ENTITY e \"" + std::string(kSecret) + "\">");
  const std::string secret = "file://" + (dir / "secret.txt").string();
  const std::string dtd = "file://" + (dir / "evil.dtd").string();
  std::string laughs = " [<!ENTITY l0 \"lol\">";
  for (int i = 1; i <= 9; ++i) {
    laughs += "<!ENTITY l" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) laughs += "&l" + std::to_string(i - 1) + ";";
    laughs += "\">";
  }
  laughs += "<!ENTITY e \"&l9;\">]";
  // Quadratic blowup: one 50 kB entity referenced 20,000 times by another (1 GB).
  std::string quadratic = " [<!ENTITY a \"" + std::string(50000, 'A') + "\"><!ENTITY e \"";
  for (int k = 0; k < 20000; ++k) quadratic += "&a;";
  quadratic += "\">]";
  return {
      {"external entity (file)", " [<!ENTITY e SYSTEM \"" + secret + "\">]"},
      {"external entity (network)", " [<!ENTITY e SYSTEM \"" + net.url("e.txt") + "\">]"},
      {"external DTD (file)", " SYSTEM \"" + dtd + "\""},
      {"external DTD (network)", " SYSTEM \"" + net.url("tmx14.dtd") + "\"", false},
      {"parameter entity (network)", " [<!ENTITY % p SYSTEM \"" + net.url("p.dtd") + "\"> %p;]", false},
      {"billion laughs", laughs},
      {"quadratic blowup", quadratic},
  };
}

// The DOCTYPE line, or nothing for a plain document.
std::string dt(const char* root, const std::string& doctype) {
  return doctype.empty() ? std::string() : "<!DOCTYPE " + std::string(root) + doctype + ">\n";
}

std::string tmx_with(const std::string& doctype, bool uses_entity) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + dt("tmx", doctype) + "<tmx version=\"1.4\"><header creationtool=\"t\" creationtoolversion=\"1\" segtype=\"sentence\""
         " o-tmf=\"t\" adminlang=\"en\" srclang=\"en\" datatype=\"plaintext\"/><body>"
         "<tu><tuv xml:lang=\"en\"><seg>Hello world</seg></tuv><tuv xml:lang=\"ru\"><seg>Привет, мир</seg></tuv></tu>"
         "<tu><tuv xml:lang=\"en\"><seg>Hello " +
         std::string(uses_entity ? "&e;" : "there") +
         "</seg></tuv><tuv xml:lang=\"ru\"><seg>Привет</seg></tuv></tu></body></tmx>\n";
}

std::string xliff12_with(const std::string& doctype, bool uses_entity) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + dt("xliff", doctype) + "<xliff version=\"1.2\" xmlns=\"urn:oasis:names:tc:xliff:document:1.2\"><file original=\"a.txt\""
         " datatype=\"plaintext\" source-language=\"en\" target-language=\"ru\"><body>"
         "<trans-unit id=\"1\" approved=\"yes\"><source>Hello " +
         std::string(uses_entity ? "&e;" : "there") +
         "</source><target state=\"final\">Привет</target></trans-unit></body></file></xliff>\n";
}

std::string xliff2_with(const std::string& doctype, bool uses_entity) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + dt("xliff", doctype) + "<xliff version=\"2.1\" xmlns=\"urn:oasis:names:tc:xliff:document:2.0\" srcLang=\"en\" trgLang=\"ru\">"
         "<file id=\"f1\"><unit id=\"u1\"><segment id=\"s1\" state=\"final\"><source>Hello " +
         std::string(uses_entity ? "&e;" : "there") +
         "</source><target>Привет</target></segment></unit></file></xliff>\n";
}

std::string html_with(const std::string& doctype, bool uses_entity) {
  return dt("html", doctype) + "<html lang=\"en\"><head><title>Page</title></head><body><p>Hello " +
         std::string(uses_entity ? "&e;" : "there") + ".</p></body></html>\n";
}

std::string srx_with(const std::string& doctype, bool uses_entity) {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + dt("srx", doctype) + "<srx xmlns=\"http://www.lisa.org/srx20\" version=\"2.0\"><header segmentsubflows=\"yes\""
         " cascade=\"no\"/><body><languagerules><languagerule languagerulename=\"en\"><rule break=\"no\">"
         "<beforebreak>" +
         std::string(uses_entity ? "&e;" : "Mr") +
         "\\.</beforebreak><afterbreak>\\s</afterbreak></rule></languagerule></languagerules><maprules>"
         "<languagemap languagepattern=\"en.*\" languagerulename=\"en\"/></maprules></body></srx>\n";
}

std::size_t text_size(const InlineText& t) { return t.text.size(); }

// Whether an imported memory holds the secret or an expansion (more than 10 kB in a unit).
bool memory_leaked(const TranslationMemory& memory) {
  bool leaked = false;
  memory.for_each_unit([&](const TranslationUnit& unit) {
    for (const Variant& v : unit.variants)
      if (v.text.text.find(kSecret) != std::string::npos || text_size(v.text) > 10000) leaked = true;
    return true;
  });
  return leaked;
}

// Imports `xml` with `dilmanc import`'s function: the file must be refused, naming it, and
// the memory left untouched, with nothing from outside the file or from an expansion in it.
// Returns the error.
std::string check_import_refused(const TempDir& dir, const std::string& name, const std::string& xml) {
  static int memories = 0;
  write_file(dir / name, xml);
  TranslationMemory memory((dir / ("m" + std::to_string(++memories) + ".db")).string());
  std::string error;
  try {
    import_file(memory, (dir / name).string());
    FAIL_CHECK("imported ", name);
  } catch (const Error& e) {
    error = e.what();
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK_MESSAGE(e.where().file.find(name) != std::string::npos, e.what());
  }
  CHECK(memory.stats().units == 0);
  CHECK_FALSE(memory_leaked(memory));
  return error;
}

// The two attacks that name something outside the file by URL without using an entity in
// the body: nothing would be fetched either way, and import refuses them all the same.
bool names_url_without_entity(const Attack& attack) {
  const std::string_view name = attack.name;
  return name == "external DTD (network)" || name == "parameter entity (network)";
}

// What every reader's attack test shares: a folder for the files (holding the secret and
// the evil DTD), a listener that must never be contacted, and the attacks built against
// both. each() runs a check on every attack, naming the attack in any failure, and then
// checks that nothing reached the network.
class AttackFixture {
 protected:
  void each(const std::function<void(const Attack&)>& check) {
    for (const Attack& attack : attacks(dir, net)) {
      const std::string attack_name = attack.name;
      CAPTURE(attack_name);
      check(attack);
    }
    CHECK_FALSE(net.contacted());
  }

  TempDir dir;
  Listener net;
};

}  // namespace

namespace {

// parse_xliff (what merge reads with) refuses the document, naming the file and the line of
// the DOCTYPE (the second).
void check_xliff_refused(const std::string& xml) {
  try {
    parse_xliff(xml, "attack.xlf");
    FAIL_CHECK("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().file == "attack.xlf");
    CHECK_MESSAGE(e.where().line == 2, e.what());
  }
}

}  // namespace

TEST_CASE_FIXTURE(AttackFixture, "TMX import refuses external entities, DTD loading and entity bombs") {
  each([&](const Attack& attack) {
    check_import_refused(dir, "attack.tmx", tmx_with(attack.doctype, attack.uses_entity));
    // The reader on its own as well.
    write_file(dir / "reader.tmx", tmx_with(attack.doctype, attack.uses_entity));
    bool refused = false;
    try {
      TmxReader reader((dir / "reader.tmx").string());
      TmxEntry entry;
      while (reader.next(entry)) CHECK(entry.unit.variants.at(0).text.text.find(kSecret) == std::string::npos);
    } catch (const Error&) {
      refused = true;
    }
    CHECK(refused);
  });
}

TEST_CASE_FIXTURE(AttackFixture,
                  "XLIFF 1.2 readers (merge and import) refuse external entities, DTD loading and entity bombs") {
  each([&](const Attack& attack) {
    const std::string xml = xliff12_with(attack.doctype, attack.uses_entity);
    check_xliff_refused(xml);
    check_import_refused(dir, "attack.xlf", xml);
  });
}

TEST_CASE_FIXTURE(AttackFixture,
                  "XLIFF 2 readers (merge and import) refuse external entities, DTD loading and entity bombs") {
  each([&](const Attack& attack) {
    const std::string xml = xliff2_with(attack.doctype, attack.uses_entity);
    check_xliff_refused(xml);
    check_import_refused(dir, "attack2.xlf", xml);
  });
}

TEST_CASE_FIXTURE(AttackFixture, "the HTML reader never expands entities from a DOCTYPE nor loads a DTD") {
  each([&](const Attack& attack) {
    const std::string html = html_with(attack.doctype, attack.uses_entity);
    try {
      Document doc = parse_document(html, Format::kHtml, "attack.html");
      // Libxml2's HTML parser keeps an internal subset's text as text; it never expands it.
      std::size_t text = 0;
      for (const Block& block : doc.blocks) {
        CHECK(block.source.text.find(kSecret) == std::string::npos);
        text += block.source.text.size();
      }
      CHECK(text <= html.size());
      CHECK(render_document(doc) == html);
    } catch (const Error& e) {
      CHECK(e.kind() == Error::Kind::kInput);
    }
  });
}

// A page that is not UTF-8 is read twice: once for the charset it declares, then, converted,
// by the reader proper. The first reading must be as safe as the second.
TEST_CASE_FIXTURE(AttackFixture, "the HTML reader's charset search for a page not in UTF-8 expands and loads nothing") {
  each([&](const Attack& attack) {
    std::string html = html_with(attack.doctype, attack.uses_entity);
    html.replace(html.find("<title>"), 0, "<meta charset=\"windows-1252\">");
    html.replace(html.find("Hello"), 5, "Caf\xE9");  // é in windows-1252: not UTF-8
    REQUIRE(find_invalid_utf8(html));
    Document doc = parse_document(html, Format::kHtml, "attack.html");
    CHECK(doc.encoding == "windows-1252");
    bool found = false;
    for (const Block& block : doc.blocks) {
      CHECK(block.source.text.find(kSecret) == std::string::npos);
      CHECK(block.source.text.size() <= html.size());
      if (block.source.text.find("Café") != std::string::npos) found = true;
    }
    CHECK(found);
  });
}

TEST_CASE_FIXTURE(AttackFixture, "the SRX reader refuses or ignores external entities, DTD loading and entity bombs") {
  each([&](const Attack& attack) {
    const std::string xml = srx_with(attack.doctype, attack.uses_entity);
    try {
      SrxDocument doc = parse_srx(xml, "attack.srx");
      for (const auto& set : doc.language_rules)
        for (const SrxRule& rule : set.rules) {
          CHECK(rule.before.find(kSecret) == std::string::npos);
          CHECK(rule.before.size() < 1000);
        }
    } catch (const Error& e) {
      CHECK(e.kind() == Error::Kind::kInput);
    }
    write_file(dir / "attack.srx", xml);
    try {
      Segmenter s = Segmenter::FromSrxFile((dir / "attack.srx").string(), "en");
      s.split("Hello Mr. Smith. Bye.");
    } catch (const Error& e) {
      CHECK(e.kind() == Error::Kind::kInput);
    }
  });
}

// Both were gaps once (the readers accepted these); they are fixed and must stay so.
TEST_CASE_FIXTURE(AttackFixture, "TMX and XLIFF import refuse a DTD or parameter entity named by URL") {
  each([&](const Attack& attack) {
    if (!names_url_without_entity(attack)) return;
    check_import_refused(dir, "attack.tmx", tmx_with(attack.doctype, attack.uses_entity));
    check_import_refused(dir, "attack.xlf", xliff12_with(attack.doctype, attack.uses_entity));
    check_import_refused(dir, "attack2.xlf", xliff2_with(attack.doctype, attack.uses_entity));
  });
}

TEST_CASE("the SRX reader refuses entity declarations instead of expanding them") {
  // 200 references to a 50 kB entity: 10 MB from a 51 kB file.
  std::string doctype = " [<!ENTITY a \"" + std::string(50000, 'A') + "\"><!ENTITY e \"";
  for (int k = 0; k < 200; ++k) doctype += "&a;";
  doctype += "\">]";
  const std::string xml = srx_with(doctype, true);
  try {
    SrxDocument doc = parse_srx(xml, "blowup.srx");
    for (const auto& set : doc.language_rules)
      for (const SrxRule& rule : set.rules) CHECK(rule.before.size() <= xml.size());
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(std::string(e.what()).size() < 1000);  // not the expansion quoted back
  }
}

// ---- encodings and bytes --------------------------------------------------------------------

namespace {

std::string utf16le(std::string_view ascii) {
  std::string out;
  for (char c : ascii) {
    out += c;
    out += '\0';
  }
  return out;
}

}  // namespace

TEST_CASE("invalid UTF-8 is a clear error in every reader") {
  const std::string bad = "Caf\xC3\x28 \xFF\xFE end";
  SUBCASE("text article: error with the line") {
    try {
      parse_document("Title\n\nFirst paragraph.\n\nThe " + bad + ".\n", Format::kText, "bad.txt");
      FAIL("no error");
    } catch (const Error& e) {
      CHECK(e.kind() == Error::Kind::kInput);
      CHECK(e.where().file == "bad.txt");
      CHECK(e.where().line == 5);
    }
  }
  SUBCASE("HTML without a charset") {
    CHECK_THROWS_AS(parse_document("<html><body><p>" + bad + "</p></body></html>", Format::kHtml, "bad.html"), Error);
  }
  SUBCASE("TMX") {
    TempDir dir;
    check_import_refused(dir, "bad.tmx",
                         tmx_with("", false).replace(tmx_with("", false).find("Hello world"), 11, bad));
  }
  SUBCASE("XLIFF") {
    std::string xml = xliff12_with("", false);
    xml.replace(xml.find("Hello"), 5, bad);
    CHECK_THROWS_AS(parse_xliff(xml, "bad.xlf"), Error);
    std::string xml2 = xliff2_with("", false);
    xml2.replace(xml2.find("Hello"), 5, bad);
    CHECK_THROWS_AS(parse_xliff(xml2, "bad.xlf"), Error);
  }
  SUBCASE("SRX") {
    std::string xml = srx_with("", false);
    xml.replace(xml.find("Mr"), 2, bad);
    CHECK_THROWS_AS(parse_srx(xml, "bad.srx"), Error);
  }
  SUBCASE("query text") {
    TempDir dir;
    write_file(dir / "q.txt", "Hello " + bad + "\n");
    CliResult r = run_cli({"import", "--memory", (dir / "m.db").string(),
                           (source_dir() / "memories" / "press-office.tmx").string()});
    REQUIRE(r.exit_code == 0);
    r = run_cli({"query", "--memory", (dir / "m.db").string(), "--from", "en", "--to", "az"}, "Hello " + bad + "\n");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("dilmanc: -:1") == 0);
  }
}

TEST_CASE("UTF-16 without a byte-order mark: an error in the text, HTML and SRX readers, the right text from TMX and XLIFF") {
  const std::string text = utf16le("Title\n\nA paragraph.\n");
  CHECK_THROWS_AS(parse_document(text, Format::kText, "u16.txt"), Error);
  CHECK_THROWS_AS(parse_document(utf16le("<html><body><p>Hello.</p></body></html>"), Format::kHtml, "u16.html"),
                  Error);

  // XML declares its encoding; libxml2 recognises UTF-16 from the first characters.
  TempDir dir;
  const std::string tmx = utf16le(
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><tmx version=\"1.4\"><header creationtool=\"t\""
      " creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" srclang=\"en\""
      " datatype=\"plaintext\"/><body><tu><tuv xml:lang=\"en\"><seg>Hello world</seg></tuv>"
      "<tuv xml:lang=\"de\"><seg>Hallo Welt</seg></tuv></tu></body></tmx>");
  write_file(dir / "u16.tmx", tmx);
  TranslationMemory memory((dir / "m.db").string());
  const ImportSummary s = import_file(memory, (dir / "u16.tmx").string());
  CHECK(s.added == 1);
  auto unit = memory.unit(1);
  REQUIRE(unit);
  REQUIRE(unit->variant("en"));
  CHECK(unit->variant("en")->text.text == "Hello world");
  REQUIRE(unit->variant("de"));
  CHECK(unit->variant("de")->text.text == "Hallo Welt");
  const std::string xlf = utf16le(xliff12_with("", false).substr(xliff12_with("", false).find("?>") + 2));
  const XliffDocument doc = parse_xliff(utf16le("<?xml version=\"1.0\" encoding=\"UTF-16\"?>") + xlf, "u16.xlf");
  REQUIRE(doc.files.size() == 1);
  CHECK(doc.files[0].units.at(0).segments.at(0).source.text == "Hello there");
  // Without a declaration, UTF-16 cannot be XML at all.
  CHECK_THROWS_AS(parse_srx(utf16le(srx_with("", false).substr(srx_with("", false).find("?>") + 2)), "u16.srx"),
                  Error);
}

TEST_CASE("NUL bytes are a clear error") {
  const std::string nul("Hello\0world", 11);
  CHECK_THROWS_AS(parse_document("Title\n\n" + nul + "\n", Format::kText, "nul.txt"), Error);
  CHECK_THROWS_AS(parse_document("<html><body><p>" + nul + "</p></body></html>", Format::kHtml, "nul.html"), Error);
  std::string xml = xliff12_with("", false);
  xml.replace(xml.find("Hello"), 5, nul);
  CHECK_THROWS_AS(parse_xliff(xml, "nul.xlf"), Error);
  std::string srx = srx_with("", false);
  srx.replace(srx.find("Mr"), 2, nul);
  CHECK_THROWS_AS(parse_srx(srx, "nul.srx"), Error);
  TempDir dir;
  std::string tmx = tmx_with("", false);
  tmx.replace(tmx.find("Hello world"), 11, nul);
  check_import_refused(dir, "nul.tmx", tmx);
}

TEST_CASE("dilmanc import of an XLIFF file with invalid UTF-8 or a NUL byte: an error naming the file and line") {
  TempDir dir;
  const std::string memory = (dir / "m.db").string();
  // Each on line 3, after a unit that is fine.
  const std::pair<const char*, std::string> cases[] = {{"invalid UTF-8", "Caf\xC3\x28 \xFF"},
                                                       {"NUL byte", std::string("Hello\0world", 11)}};
  for (const auto& [kind, bad] : cases) {
    const std::string what = kind;
    CAPTURE(what);
    for (const bool v2 : {false, true}) {
      CAPTURE(v2);
      std::string xml = v2 ? xliff2_with("", false) : xliff12_with("", false);
      const std::string unit = v2 ? "<unit id=\"u2\"><segment id=\"s2\" state=\"final\"><source>Good"
                                    "</source><target>Yaxşı</target></segment></unit>"
                                  : "<trans-unit id=\"2\" approved=\"yes\"><source>Good</source>"
                                    "<target state=\"final\">Yaxşı</target></trans-unit>";
      xml.replace(xml.find(v2 ? "<unit" : "<trans-unit"), 0, unit + "\n");
      xml.replace(xml.find("Hello there"), 11, bad);
      const fs::path file = dir / (std::string(v2 ? "v2-" : "v12-") + (bad.find('\0') != std::string::npos ? "nul" : "utf8") + ".xlf");
      write_file(file, xml);
      const CliResult r = run_cli({"import", "--memory", memory, file.string()});
      CHECK(r.exit_code == 1);
      CHECK_MESSAGE(r.err.starts_with("dilmanc: " + file.string() + ":3:"), r.err);
      CHECK_MESSAGE(r.err.find(bad.find('\0') != std::string::npos ? "Char 0x0" : "not valid UTF-8") != std::string::npos,
                    r.err);
      CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
      TranslationMemory m(memory);
      CHECK(m.stats().units == 0);
    }
  }
}

TEST_CASE("query and concordance refuse a NUL byte or invalid UTF-8 in the text") {
  TempDir dir;
  const std::string memory = (dir / "m.db").string();
  CliResult r = run_cli({"import", "--memory", memory, (source_dir() / "memories" / "press-office.tmx").string()});
  REQUIRE(r.exit_code == 0);
  SUBCASE("query, a line of standard input with a NUL byte") {
    r = run_cli({"query", "--memory", memory, "--from", "en", "--to", "az"},
                "The minister said.\n" + std::string("Hello\0world", 11) + "\n");
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("dilmanc: -:2: ") == 0);
    CHECK(r.err.find("NUL byte (at byte offset 5)") != std::string::npos);
    CHECK(r.out.empty());
  }
  SUBCASE("query, TEXT not UTF-8") {
    r = run_cli({"query", "--memory", memory, "--from", "en", "--to", "az", "Caf\xC3\x28"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not valid UTF-8") != std::string::npos);
    CHECK(r.out.empty());
  }
  // A command-line argument cannot hold a NUL byte (the system ends it there); TEXT goes
  // through the same check as the lines of query's standard input.
  SUBCASE("concordance, TEXT not UTF-8") {
    r = run_cli({"concordance", "--memory", memory, "--lang", "en", "minister \xFF"});
    CHECK(r.exit_code == 1);
    CHECK(r.err.find("not valid UTF-8") != std::string::npos);
    CHECK(r.out.empty());
  }
}

// ---- sizes and depths -----------------------------------------------------------------------

namespace {

// CPU time of this process (user + system): unlike wall time, hardly changed by other work
// on the machine.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// Runs `work(size)` (which checks its own result) at `small` and at eight times that, and
// checks that the larger takes less than 16 times the CPU time: linear time takes 8 times,
// n^1.5 23 times, quadratic 64. The margin is wide enough for caches, sanitizers and a
// loaded machine; a second measurement is taken before failing. Figures for the real sizes
// are in docs/reliability.md, from the benchmarks.
void check_linear(const std::string& what, std::size_t small, const std::function<void(std::size_t)>& work) {
  CAPTURE(what);
  // First use: compiled rules, and memory that the allocator takes from the system once
  // (and would otherwise charge to the larger size alone).
  work(8 * small);
  double ratio = 0;
  for (int attempt = 0; attempt < 2; ++attempt) {
    double start = cpu_seconds();
    work(small);
    const double small_time = std::max(cpu_seconds() - start, 0.005);
    start = cpu_seconds();
    work(8 * small);
    ratio = (cpu_seconds() - start) / small_time;
    MESSAGE(what << ": " << (8 * small) << " / " << small << " takes " << ratio << " times the CPU time");
    if (ratio < 16) break;
  }
  CHECK_MESSAGE(ratio < 16, what, ": eight times the input took ", ratio, " times the CPU time");
}

// The `pairs` code pairs of `source` in the opposite order, pair i around `word` and i, each
// followed by a space, then `end`: a translation that moves every code.
InlineText pairs_reversed(const InlineText& source, std::size_t pairs, const std::string& word, const std::string& end) {
  InlineText out;
  for (std::size_t i = pairs; i-- > 0;) {
    append_code(out, source.codes[2 * i]);
    append_text(out, word);
    append_text(out, std::to_string(i));
    append_code(out, source.codes[2 * i + 1]);
    append_text(out, " ");
  }
  append_text(out, end);
  return out;
}

// `count` copies of `unit`, without the last one's trailing space.
std::string repeated(std::string_view unit, std::size_t count) {
  std::string out;
  out.reserve(unit.size() * count);
  for (std::size_t i = 0; i < count; ++i) out += unit;
  if (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

}  // namespace

TEST_CASE("a single long paragraph: the right sentences, in time linear in its size") {
  // The 50 MB paragraph runs in bench/segment_bench.cpp (--paragraph) and bench/hostile_bench.cpp.
  const std::string sentence = "The forum met in Geneva on 14 December and agreed on 3 pledges. ";
  Segmenter segmenter("en");
  check_linear("segmenter, one paragraph of sentences", 1 << 19, [&](std::size_t size) {
    const std::size_t count = size / sentence.size();
    const std::string paragraph = repeated(sentence, count);
    const std::vector<SentenceSpan> spans = segmenter.split(paragraph);
    REQUIRE(spans.size() == count);
    for (std::size_t i = 0; i < count; ++i) {
      CHECK(spans[i].begin == i * sentence.size());
      CHECK(spans[i].end == (i + 1) * sentence.size() - 1);
    }
  });
  check_linear("segmenter, one paragraph without a sentence end", 1 << 19, [&](std::size_t size) {
    const std::string words = repeated("word ", size / 5);
    const std::vector<SentenceSpan> spans = segmenter.split(words);
    REQUIRE(spans.size() == 1);
    CHECK(spans[0].begin == 0);
    CHECK(spans[0].end == words.size());
  });
  check_linear("text reader and segment_document, one paragraph", 1 << 18, [&](std::size_t size) {
    const std::size_t count = size / sentence.size();
    const std::string paragraph = repeated(sentence, count);
    Document doc = parse_document("Title\n\n" + paragraph + "\n", Format::kText, "big.txt");
    REQUIRE(doc.blocks.size() == 2);
    CHECK(doc.blocks[1].source.text == paragraph);
    segment_document(doc, segmenter);
    REQUIRE(doc.blocks[1].segments.size() == count);
    CHECK(doc.blocks[1].segments.back().source.text == sentence.substr(0, sentence.size() - 1));
  });
}

TEST_CASE("100,000 inline codes in one segment") {
  constexpr int kPairs = 50000;
  SUBCASE("HTML: read, segmented and written back") {
    std::string body;
    for (int i = 0; i < kPairs; ++i) body += "<b>w</b> ";
    const std::string html = "<html lang=\"en\"><body><p>" + body + "end.</p></body></html>";
    Document doc = parse_document(html, Format::kHtml, "codes.html");
    REQUIRE(doc.blocks.size() == 1);
    CHECK(doc.blocks[0].source.codes.size() == 2 * kPairs);
    segment_document(doc, Segmenter("en"));
    REQUIRE(doc.blocks[0].segments.size() == 1);
    CHECK(doc.blocks[0].segments[0].source.codes.size() == 2 * kPairs);
    CHECK(render_document(doc) == html);
  }
  SUBCASE("HTML: translated with every pair moved, and written, in time linear in the codes") {
    const Segmenter segmenter("en");
    auto translate = [&](std::size_t pairs) {
      auto pair = [](std::size_t i) {
        const std::string n = std::to_string(i);
        std::string out = "<a href=\"#";
        out += n;
        out += "\">w";
        out += n;
        out += "</a> ";
        return out;
      };
      std::string body, reversed;
      for (std::size_t i = 0; i < pairs; ++i) body += pair(i);
      for (std::size_t i = pairs; i-- > 0;) reversed += pair(i);
      const std::string html = "<html lang=\"en\"><body><p>" + body + "end.</p></body></html>";
      Document doc = parse_document(html, Format::kHtml, "codes.html");
      segment_document(doc, segmenter);
      REQUIRE(doc.blocks.at(0).segments.size() == 1);
      const InlineText& source = doc.blocks[0].segments[0].source;
      REQUIRE(source.codes.size() == 2 * pairs);
      // The translation puts the pairs in the opposite order.
      const InlineText target = pairs_reversed(source, pairs, "w", "end.");
      set_translation(doc, "b1.s1", target);
      doc.language = "az";
      CHECK(render_document(doc) == "<html lang=\"az\"><body><p>" + reversed + "end.</p></body></html>");
    };
    translate(kPairs);
    // Growth is measured below 100,000 codes: there the time goes to the memory system
    // (fresh pages, cache misses) more than to the code.
    check_linear("read, segment, translate, write", kPairs / 20, translate);
  }
  SUBCASE("XLIFF 1.2") {
    std::string source;
    for (int i = 1; i <= 2 * kPairs; ++i) source += "<x id=\"" + std::to_string(i) + "\"/>w ";
    std::string xml = xliff12_with("", false);
    xml.replace(xml.find("Hello there"), 11, source);
    XliffDocument doc = parse_xliff(xml, "codes.xlf");
    CHECK(doc.files.at(0).units.at(0).segments.at(0).source.codes.size() == 2 * kPairs);
  }
  SUBCASE("TMX import") {
    std::string seg;
    for (int i = 1; i <= 2 * kPairs; ++i) seg += "<ph x=\"" + std::to_string(i) + "\">{" + std::to_string(i) + "}</ph>w ";
    std::string tmx = tmx_with("", false);
    tmx.replace(tmx.find("Hello world"), 11, seg);
    TempDir dir;
    write_file(dir / "codes.tmx", tmx);
    TranslationMemory memory((dir / "m.db").string());
    try {
      ImportSummary s = import_file(memory, (dir / "codes.tmx").string());
      CHECK(s.read == 2);
      // Kept (with every code) or skipped with a reason; never half there.
      bool found = false;
      memory.for_each_unit([&](const TranslationUnit& unit) {
        if (const Variant* en = unit.variant("en"); en && en->text.codes.size() > 1000) {
          CHECK(en->text.codes.size() == 2 * kPairs);
          found = true;
        }
        return true;
      });
      CHECK(found == (s.added + s.updated == 2));
    } catch (const Error& e) {
      CHECK(e.kind() == Error::Kind::kInput);
      CHECK(memory.stats().units == 0);
    }
  }
}

namespace {

// A link of the paragraphs below: "<a href="#7">W7</a> " (capitals: a sentence starts with one).
std::string link(std::string_view word, std::size_t i) {
  const std::string n = std::to_string(i);
  std::string out = "<a href=\"#";
  out += n;
  out += "\">";
  out += word;
  out += n;
  out += "</a> ";
  return out;
}

// The memory's translation of a segment of the paragraph extract_and_merge() builds, with
// the segment's own code ids (as FuzzyMatcher gives them): the links in the opposite order.
InlineText translation_of(const InlineText& source) {
  InlineText target;
  if (source.codes.size() == 2 && plain_text(source) == "Intro sentence of 2026.") {
    append_code(target, source.codes[0]);
    append_text(target, "Giriş");
    append_code(target, source.codes[1]);
    append_text(target, " cümləsi, 2025.");  // a wrong number, for merge to warn about
    return target;
  }
  for (std::size_t i = source.codes.size() / 2; i-- > 0;) {
    append_code(target, source.codes[2 * i]);
    append_text(target, "V");
    append_text(target, std::to_string(i));
    append_code(target, source.codes[2 * i + 1]);
    append_text(target, " ");
  }
  append_text(target, "son.");
  return target;
}

// `dilmanc extract` of a paragraph whose second sentence holds `pairs` links, the memory's
// translations filled in (the first sentence's link makes the XLIFF's code ids, the
// block's, differ from the segment's, which the memory uses), and `dilmanc merge`: the
// XLIFF must carry every code with the block's id, the edition every link in its
// translated place, and merge must warn of the one number the translation lost.
void extract_and_merge(std::size_t pairs) {
  TempDir dir;
  std::string links, translated;
  for (std::size_t i = 0; i < pairs; ++i) links += link("W", i);
  for (std::size_t i = pairs; i-- > 0;) translated += link("V", i);
  write_file(dir / "codes.html", "<html lang=\"en\"><body><p><i>Intro</i> sentence of 2026. " + links + "end.</p></body></html>\n");

  ExtractOptions options;
  options.source_language = "en";
  options.target_languages = {"az"};
  options.output_dir = dir.path();
  const std::vector<ExtractedFile> files = extract({(dir / "codes.html").string()}, options, nullptr);
  REQUIRE(files.size() == 1);
  const XliffDocument extracted = read_xliff(files[0].path);
  const XliffUnit& unit = extracted.files.at(0).units.at(0);
  REQUIRE(unit.segments.size() == 3);  // the sentences and the space between them
  const InlineText& big = unit.segments[2].source;
  REQUIRE(big.codes.size() == 2 * pairs);
  CHECK(big.codes.front().id == 2);  // the block's: <i> is 1
  CHECK(big.codes.back().id == static_cast<int>(pairs) + 1);

  // The memory's exact matches, as extract gets them from leverage(): targets with the
  // segment's ids, given the block's by extract. The lookup answers what a memory holding
  // the translations would; FuzzyMatcher's own lookup of such a segment is not linear
  // (docs/reliability.md, "Known gaps").
  Document document = read_document((dir / "codes.html").string());
  segment_document(document, Segmenter("en"));
  const LeverageLookup memory = [](const InlineText& query, std::string_view, std::string_view, const MatchOptions&) {
    FuzzyMatch match;
    match.score = 100;
    match.source = query;
    match.target = translation_of(query);
    return std::vector<FuzzyMatch>{match};
  };
  const DocumentLeverage found = leverage(document, memory, "en", "az");
  const XliffDocument filled =
      xliff_for_document(document, &found, extracted.files[0].original, "az", options);
  const XliffSegment& big_filled = filled.files.at(0).units.at(0).segments.at(2);
  REQUIRE(big_filled.has_target);
  CHECK(display_text(big_filled.source) == display_text(big));
  // The same links as the source's, in the opposite order.
  const InlineText expected = pairs_reversed(big, pairs, "V", "son.");
  CHECK(display_text(big_filled.target) == display_text(expected));
  write_xliff(files[0].path, filled);

  MergeOptions merge_options;
  merge_options.output_dir = dir / "editions";
  const MergeResult merged = merge({files[0].path}, merge_options, nullptr);
  REQUIRE(merged.editions.size() == 1);
  CHECK(merged.editions[0].translated == 2);
  // Among 50,000 numbers kept, the one that was not.
  REQUIRE(merged.warnings.size() == 1);
  CHECK(merged.warnings[0].find("b1.s1") != std::string::npos);
  CHECK(merged.warnings[0].find("2026") != std::string::npos);
  CHECK(read_file(merged.editions[0].edition) ==
        "<html lang=\"az\"><body><p><i>Giriş</i> cümləsi, 2025. " + translated + "son.</p></body></html>\n");
}

}  // namespace

TEST_CASE("100,000 inline codes in one segment: extracted with the memory's translation and merged, in linear time") {
  if (kSanitizerBuild) {
    extract_and_merge(5000);  // 10,000 codes: four minutes at full size under the sanitizers
    return;
  }
  extract_and_merge(50000);
  check_linear("extract, fill from the memory, merge", 2500, extract_and_merge);
}

namespace {

// A page nesting `depth` elements of `open` (closed by `close`, or left open when empty)
// around the text, inside <body>.
std::string nested_page(std::size_t depth, std::string_view open, std::string_view close, std::string_view inner) {
  std::string body;
  body.reserve(depth * (open.size() + close.size()) + inner.size());
  for (std::size_t i = 0; i < depth; ++i) body += open;
  body += inner;
  for (std::size_t i = 0; i < depth; ++i) body += close;
  return "<html><body>" + body + "</body></html>";
}

// Reads, segments, translates and writes `html`: the page must write back byte for byte,
// the text be found, and the translation be in the edition.
void check_nested_page(const std::string& html, const Segmenter& segmenter) {
  Document doc = parse_document(html, Format::kHtml, "deep.html");
  CHECK(doc.warnings.size() <= 101);  // the first 100 and a count of the others
  segment_document(doc, segmenter);
  CHECK(render_document(doc) == html);
  const Segment* deep = nullptr;
  for (const Block& block : doc.blocks)
    for (const Segment& segment : block.segments)
      if (plain_text(segment.source) == "Deep text.") deep = &segment;
  REQUIRE(deep);
  InlineText target = deep->source;
  target.text.replace(target.text.find("Deep text."), 10, "Dərin mətn.");
  set_translation(doc, deep->id, target);
  doc.language = "az";
  const std::string edition = render_document(doc);
  CHECK(edition.find("Dərin mətn.") != std::string::npos);
  CHECK(edition.find("Deep text.") == std::string::npos);
  Document again = parse_document(edition, Format::kHtml, "edition.html");
  CHECK(again.blocks.size() == doc.blocks.size());
}

}  // namespace

TEST_CASE("deeply nested HTML (10,000 levels): the right result, in time linear in the depth") {
  const Segmenter segmenter("en");
  struct Shape {
    const char* what;
    std::string_view open, close, inner;
    bool linear = true;
  };
  // Block containers, inline elements, both (the shape of the slow fuzz inputs, left open
  // as they were) and inline elements followed by stray end tags of another name: libxml2
  // compares each with every open element, so that one grows with the square of the depth,
  // within the budget that refuses it further on (below).
  const Shape shapes[] = {
      {"blocks", "<div>", "</div>", "<p>Deep text.</p>"},
      {"inline", "<b>", "</b>", "Deep text."},
      {"inline in paragraphs", "<p><b>", "</b>", "Deep text."},
      {"blocks and inline, never closed", "<div><b>", "", "Deep text."},
      {"inline, then stray end tags", "<b>", "</i>", "Deep text.", false},
  };
  for (const Shape& shape : shapes) {
    const std::string what = shape.what;
    CAPTURE(what);
    check_nested_page(nested_page(10000, shape.open, shape.close, shape.inner), segmenter);
    if (!shape.linear) continue;
    check_linear(shape.what, 1250, [&](std::size_t depth) {
      check_nested_page(nested_page(depth, shape.open, shape.close, shape.inner), segmenter);
    });
  }
}

namespace {

// Reading `html` as `file` must fail as bad input naming that file, `line` and `phrase`.
void check_html_refused(const std::string& html, const std::string& file, int line, const std::string& phrase) {
  try {
    parse_document(html, Format::kHtml, file);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().file == file);
    CHECK(e.where().line == line);
    CHECK(std::string(e.what()).find(phrase) != std::string::npos);
  }
}

}  // namespace

TEST_CASE("HTML nested beyond reason is a clear error naming the file and line") {
  SUBCASE("more than 100,000 levels") {
    std::string html = "<html><body>\n";
    for (int i = 0; i < 100001; ++i) html += "<b>";
    html += "Deep text.";
    check_html_refused(html, "deep.html", 2, "100000 levels");
  }
  SUBCASE("stray end tags that would each make the parser search 30,000 open elements") {
    const std::string html = nested_page(30000, "<b>", "</i>", "Deep text.");
    check_html_refused(html, "stray.html", 1, "end tags");
  }
}

TEST_CASE("HTML not in UTF-8 nested beyond reason: a clear error in bounded time") {
  // 30,000 open elements and as many stray end tags: libxml2 compares each stray end tag
  // with every open element, 9·10^8 comparisons if nothing bounded the charset search.
  const std::string deep = nested_page(30000, "<b>", "</i>", "Caf\xE9.");
  const double start = cpu_seconds();
  SUBCASE("the charset declared first: the reader proper refuses the page") {
    std::string html = deep;
    html.replace(html.find("<body>"), 0, "<head><meta charset=\"windows-1252\"></head>\n");
    check_html_refused(html, "stray.html", 2, "end tags");
  }
  SUBCASE("no charset before the nesting: a page that declares none") {
    std::string html = deep;
    html.replace(html.find("</body>"), 0, "<meta charset=\"windows-1252\">");
    check_html_refused(html, "deep.html", 1, "declares no other charset");
  }
  SUBCASE("more than 100,000 levels after the charset") {
    std::string html = "<html><head><meta charset=\"windows-1252\"></head><body>\n";
    for (int i = 0; i < 100001; ++i) html += "<b>";
    html += "Caf\xE9.";
    check_html_refused(html, "deep.html", 2, "100000 levels");
  }
  // The reader proper stops the stray end tags at 2·10^8 comparisons (about half a second
  // in a release build); ten seconds leaves room for sanitizers and load.
  const double seconds = cpu_seconds() - start;
  MESSAGE("refused after " << seconds << " s of CPU time");
  CHECK(seconds < 10);
}

TEST_CASE("deeply nested XML (10,000 levels) is a clear error in the XML readers") {
  // libxml2 stops at 256 levels with a hint at a parser option (XML_PARSE_HUGE) that no
  // user can set: the readers say what the limit is instead.
  auto check_message = [](const std::string& what) {
    CAPTURE(what);
    CHECK(what.find("elements are nested more than 256 levels deep") != std::string::npos);
    CHECK(what.find("XML_PARSE") == std::string::npos);
  };
  std::string codes;
  for (int i = 1; i <= 10000; ++i) codes += "<g id=\"" + std::to_string(i) + "\">";
  codes += "x";
  for (int i = 0; i < 10000; ++i) codes += "</g>";
  std::string xml = xliff12_with("", false);
  xml.replace(xml.find("Hello there"), 11, codes);
  try {
    parse_xliff(xml, "deep.xlf");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.where().file == "deep.xlf");
    CHECK(e.where().line == 2);
    check_message(e.what());
  }
  TempDir dir;
  check_message(check_import_refused(dir, "deep.xlf", xml));
  std::string pcs;
  for (int i = 1; i <= 10000; ++i) pcs += "<pc id=\"" + std::to_string(i) + "\">";
  pcs += "x";
  for (int i = 0; i < 10000; ++i) pcs += "</pc>";
  std::string xml2 = xliff2_with("", false);
  xml2.replace(xml2.find("Hello there"), 11, pcs);
  check_message(check_import_refused(dir, "deep2.xlf", xml2));

  std::string bpts;
  for (int i = 1; i <= 10000; ++i) bpts += "<hi>";
  bpts += "x";
  for (int i = 0; i < 10000; ++i) bpts += "</hi>";
  std::string tmx = tmx_with("", false);
  tmx.replace(tmx.find("Hello world"), 11, bpts);
  check_message(check_import_refused(dir, "deep.tmx", tmx));

  std::string srx = srx_with("", false);
  std::string nested;
  for (int i = 0; i < 10000; ++i) nested += "<header>";
  srx.replace(srx.find("<body>"), 0, nested);
  try {
    parse_srx(srx, "deep.srx");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.where().file == "deep.srx");
    check_message(e.what());
  }
}

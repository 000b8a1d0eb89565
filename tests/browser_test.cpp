// The demo's editions as a browser sees them: headless Chromium (Debian's `chromium`)
// loads each page; the DOM must be in the edition's language, carry the switcher whose
// links lead to the other editions, and hold no sentence of the English source. Skipped
// when Chromium is not installed.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <string>

#include "dilmanc/formats.h"
#include "support.h"

using dilmanc::test::TempDir;
namespace fs = std::filesystem;

namespace {

std::string chromium() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(p)) return p;
  return {};
}

// The page's DOM after loading, as Chromium serializes it.
std::string dump_dom(const std::string& browser, const fs::path& page, const fs::path& profile) {
  const std::string command = browser + " --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir='" +
                              profile.string() + "' --dump-dom 'file://" + page.string() + "' 2>/dev/null";
  std::string out;
  if (FILE* pipe = popen(command.c_str(), "r")) {
    char buffer[65536];
    std::size_t n;
    while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    pclose(pipe);
  }
  return out;
}

}  // namespace

TEST_CASE("demo editions in a headless browser") {
  const std::string browser = chromium();
  if (browser.empty()) {
    MESSAGE("skipped: chromium is not installed");
    return;
  }
  TempDir dir;
  REQUIRE(dilmanc::test::run_cli({"demo", (dir / "demo").string()}).exit_code == 0);
  const std::string name = "global-forum-on-refugees";
  const fs::path site = dir / "demo" / "site";

  std::map<std::string, std::string> dom;
  for (const std::string lang : {"az", "en", "ru"}) {
    dom[lang] = dump_dom(browser, fs::canonical(site / lang / (name + ".html")), dir / "profile");
    REQUIRE_MESSAGE(!dom[lang].empty(), "chromium gave no DOM for " << lang);
  }
  // The English sentences of the source: none may be left in the other editions.
  const dilmanc::Document english =
      dilmanc::read_document((dilmanc::test::source_dir() / "examples" / (name + ".en.html")).string());
  for (const auto& [lang, page] : dom) {
    INFO(lang);
    CHECK(page.find("<html lang=\"" + lang + "\">") != std::string::npos);
    const std::size_t nav = page.find("class=\"dilmanc-languages\"");
    REQUIRE(nav != std::string::npos);
    const std::string switcher = page.substr(nav, page.find("</nav>", nav) - nav);
    // Every switcher link leads to an edition whose DOM is in the link's language.
    const std::regex link("href=\"([^\"]+)\" hreflang=\"([a-z]+)\"");
    int links = 0;
    for (auto it = std::sregex_iterator(switcher.begin(), switcher.end(), link); it != std::sregex_iterator(); ++it) {
      ++links;
      const fs::path target = fs::weakly_canonical(site / lang / (*it)[1].str());
      CHECK(fs::exists(target));
      CHECK(dom.at((*it)[2].str()).find("<html lang=\"" + (*it)[2].str() + "\">") != std::string::npos);
      CHECK(target == fs::weakly_canonical(site / (*it)[2].str() / (name + ".html")));
    }
    CHECK(links == 3);
    CHECK(switcher.find("aria-current=\"page\"") != std::string::npos);
    int english_found = 0;
    for (const dilmanc::Block& block : english.blocks) {
      const std::string text = dilmanc::plain_text(block.source);
      if (std::count(text.begin(), text.end(), ' ') < 2) continue;  // names, short labels
      if (page.find(text) != std::string::npos) ++english_found;
      if (lang != "en") CHECK_MESSAGE(page.find(text) == std::string::npos, "English left in the " << lang << ": " << text);
    }
    // The same search finds the sentences in the English edition itself.
    if (lang == "en") CHECK(english_found > 10);
  }
}

// Linked editions: hreflang links and switcher through the skeleton, the static-site
// layout and its index, plain text as it is, refusal to overwrite newer editions.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "dilmanc/editions.h"
#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "support.h"

using dilmanc::EditionSource;
using dilmanc::EditionsOptions;
using dilmanc::test::read_file;
using dilmanc::test::TempDir;
namespace fs = std::filesystem;

namespace {

const std::string kName = "global-forum-on-refugees";

std::vector<EditionSource> example_editions(const std::string& ext, std::vector<std::string> langs = {"en", "az", "ru"}) {
  std::vector<EditionSource> out;
  for (const std::string& l : langs) {
    const fs::path p = dilmanc::test::source_dir() / "examples" / (kName + "." + l + ext);
    out.push_back({l, dilmanc::read_document(p.string()), p});
  }
  return out;
}

std::size_t count(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t p = haystack.find(needle); p != std::string::npos; p = haystack.find(needle, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("editions: three HTML editions that link each other") {
  TempDir dir;
  EditionsOptions o;
  o.output_dir = dir / "site";
  o.name = kName;
  const auto result = dilmanc::write_editions(example_editions(".html"), o);
  REQUIRE(result.editions.size() == 3);
  CHECK(result.editions[1].path == dir / "site" / "az" / (kName + ".html"));

  for (const std::string lang : {"az", "en", "ru"}) {
    INFO(lang);
    const std::string page = read_file(dir / "site" / lang / (kName + ".html"));
    CHECK(page.find("<html lang=\"" + lang + "\">") != std::string::npos);
    // Exactly one alternate link per edition plus x-default: the page's own were replaced.
    CHECK(count(page, "rel=\"alternate\"") == 4);
    for (const std::string other : {"az", "en", "ru"}) {
      CHECK(page.find("<link rel=\"alternate\" hreflang=\"" + other + "\" href=\"../" + other + "/" + kName +
                      ".html\">") != std::string::npos);
      CHECK(fs::exists(dir / "site" / lang / ("../" + other + "/" + kName + ".html")));
    }
    CHECK(page.find("hreflang=\"x-default\" href=\"../en/" + kName + ".html\"") != std::string::npos);
    // The switcher, right after <body>, the current language marked.
    const std::size_t body = page.find("<body>");
    const std::size_t nav = page.find("<nav class=\"dilmanc-languages\"");
    REQUIRE(nav != std::string::npos);
    CHECK(body < nav);
    CHECK(page.find("hreflang=\"" + lang + "\" lang=\"" + lang + "\" aria-current=\"page\"", nav) !=
          std::string::npos);
    CHECK(count(page, "aria-current=\"page\"") == 1);
    // The page's own links to its siblings point at the layout.
    CHECK(page.find(kName + ".az.html") == std::string::npos);
    CHECK(page.find("<a href=\"../ru/" + kName + ".html\" hreflang=\"ru\" lang=\"ru\">RU</a>") != std::string::npos);
  }
  // Nothing else changed: the edition is the page plus our parts.
  const std::string original = read_file(dilmanc::test::source_dir() / "examples" / (kName + ".ru.html"));
  const std::string edition = read_file(dir / "site" / "ru" / (kName + ".html"));
  CHECK(edition.find("<title>Азербайджан представлен") != std::string::npos);
  CHECK(edition.size() > original.size());

  const std::string index = read_file(result.index);
  CHECK(result.index == dir / "site" / "index.html");
  CHECK(index.find("<a href=\"az/" + kName + ".html\">Azərbaycan Qaçqınlar") != std::string::npos);
  CHECK(index.find("<a href=\"ru/" + kName + ".html\">Азербайджан") != std::string::npos);
  CHECK(index.find("class=\"missing\"") == std::string::npos);
}

TEST_CASE("editions: plain text as it is, the index says where an edition is missing") {
  TempDir dir;
  EditionsOptions o;
  o.output_dir = dir.path();
  o.name = kName;
  o.now = 1795824000;  // 2026-11-28
  const auto sources = example_editions(".txt", {"en", "az"});
  dilmanc::write_editions(sources, o);
  CHECK(read_file(dir / "az" / (kName + ".txt")) ==
        read_file(dilmanc::test::source_dir() / "examples" / (kName + ".az.txt")));
  CHECK_FALSE(fs::exists(dir / "ru"));
  // The index dates each edition by its file: dated in November, the index made again.
  for (const char* lang : {"en", "az"})
    fs::last_write_time(dir / lang / (kName + ".txt"),
                        std::chrono::file_clock::from_sys(std::chrono::sys_seconds(std::chrono::seconds(o.now))));
  dilmanc::write_editions_index(dir.path(), o.now);
  const std::string index = read_file(dir / "index.html");
  CHECK(index.find("<section lang=\"ru\">") != std::string::npos);
  CHECK(index.find("class=\"missing\"") != std::string::npos);
  CHECK(index.find(kName + ": no edition in this language") != std::string::npos);
  CHECK(index.find("Updated 28 November 2026") != std::string::npos);
  // Each section's dates in its language.
  const std::size_t az = index.find("<section lang=\"az\">");
  const std::size_t en = index.find("<section lang=\"en\">");
  CHECK(index.find("<time>28 noyabr 2026</time>", az) < en);
  CHECK(index.find("<time>28 November 2026</time>", en) != std::string::npos);
}

TEST_CASE("editions: a newer edition on disk is not overwritten without force") {
  TempDir dir;
  // Sources copied into the temporary folder so that their times can be set.
  std::vector<EditionSource> sources = example_editions(".html", {"en", "ru"});
  for (auto& s : sources) {
    const fs::path copy = dir / s.from_file.filename();
    fs::copy_file(s.from_file, copy);
    fs::last_write_time(copy, fs::file_time_type::clock::now() - std::chrono::hours(2));
    s.from_file = copy;
  }
  EditionsOptions o;
  o.output_dir = dir / "site";
  o.name = kName;
  dilmanc::write_editions(sources, o);
  const fs::path ru = dir / "site" / "ru" / (kName + ".html");
  dilmanc::test::write_file(ru, "edited by hand");  // newer than the sources
  CHECK_THROWS_AS(dilmanc::write_editions(sources, o), dilmanc::Error);
  CHECK(read_file(ru) == "edited by hand");
  o.force = true;
  dilmanc::write_editions(sources, o);
  CHECK(read_file(ru).find("<html lang=\"ru\">") != std::string::npos);

  // Rewriting the same editions is fine; older editions on disk are simply replaced.
  o.force = false;
  CHECK_NOTHROW(dilmanc::write_editions(sources, o));
  dilmanc::test::write_file(ru, "edited by hand");
  fs::last_write_time(ru, fs::file_time_type::clock::now() - std::chrono::hours(5));
  o.force = false;
  CHECK_NOTHROW(dilmanc::write_editions(sources, o));
}

TEST_CASE("editions: bad requests") {
  TempDir dir;
  EditionsOptions o;
  o.output_dir = dir.path();
  o.name = "../escape";
  CHECK_THROWS_AS(dilmanc::write_editions(example_editions(".txt", {"en"}), o), dilmanc::Error);
  o.name = kName;
  CHECK_THROWS_AS(dilmanc::write_editions({}, o), dilmanc::Error);
  auto twice = example_editions(".txt", {"en", "en"});
  CHECK_THROWS_AS(dilmanc::write_editions(twice, o), dilmanc::Error);
  CHECK(fs::is_empty(dir.path()));
}

// dilmanc demo end to end: every step's line, the files it leaves, editions equal to the
// bundled translations, and the folders it refuses.
#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "support.h"

using dilmanc::test::read_file;
using dilmanc::test::run_cli;
using dilmanc::test::TempDir;
namespace fs = std::filesystem;

TEST_CASE("demo: the whole workflow in a fresh folder") {
  TempDir dir;
  const auto r = run_cli({"demo"}, "", {}, dir.path());
  REQUIRE(r.exit_code == 0);
  INFO(r.out << r.err);
  const fs::path demo = dir / "dilmanc-demo";
  for (const char* step : {"1. Imported 176 units", "2. Analyzed", "3. Extracted", "4. Translated", "5. Merged",
                           "6. Editions", "7. The memory now holds", "8. Fuzzy query", "9. Concordance"})
    CHECK(r.out.find(step) != std::string::npos);
  CHECK(r.out.find("39 segments filled") != std::string::npos);

  const fs::path examples = dilmanc::test::source_dir() / "examples";
  const std::string name = "global-forum-on-refugees";
  // The merged editions are the bundled translations, byte for byte.
  for (const std::string lang : {"az", "ru"})
    CHECK(read_file(demo / "merged" / (name + "." + lang + ".html")) ==
          read_file(examples / (name + "." + lang + ".html")));
  for (const std::string lang : {"az", "en", "ru"}) {
    const std::string page = read_file(demo / "site" / lang / (name + ".html"));
    CHECK(page.find("<html lang=\"" + lang + "\">") != std::string::npos);
    CHECK(page.find("hreflang=\"x-default\"") != std::string::npos);
  }
  // No English sentence is left in the translated editions.
  const std::string az = read_file(demo / "site" / "az" / (name + ".html"));
  CHECK(az.find("Azerbaijan is represented") == std::string::npos);
  CHECK(az.find("Chief of the State Migration Service") == std::string::npos);
  CHECK(fs::exists(demo / "site" / "index.html"));
  CHECK(fs::exists(demo / "analysis.html"));
  CHECK(fs::exists(demo / "memory.db"));

  // merge --site: the demo's translated XLIFF merged again, with the linked editions.
  fs::create_directories(dir / "again");
  const auto site = run_cli({"merge", (demo / "xliff" / (name + ".az.xlf")).string(),
                             (demo / "xliff" / (name + ".ru.xlf")).string(), "--article",
                             (demo / "articles" / (name + ".en.html")).string(), "-o", (dir / "again").string(),
                             "--no-memory-update", "--site", (dir / "site").string()});
  CHECK(site.exit_code == 0);
  for (const std::string lang : {"az", "en", "ru"})
    CHECK(read_file(dir / "site" / lang / (name + ".html")).find("<link rel=\"alternate\" hreflang=\"x-default\"") !=
          std::string::npos);
  CHECK(fs::exists(dir / "site" / "index.html"));

  // A second run takes a fresh folder.
  const auto again = run_cli({"demo"}, "", {}, dir.path());
  CHECK(again.exit_code == 0);
  CHECK(fs::exists(dir / "dilmanc-demo-2" / "site" / "index.html"));
}

TEST_CASE("demo: folders it refuses") {
  TempDir dir;
  dilmanc::test::write_file(dir / "busy" / "file.txt", "x");
  const auto busy = run_cli({"demo", (dir / "busy").string()});
  CHECK(busy.exit_code == 2);
  CHECK(busy.err.find("busy") != std::string::npos);

  const fs::path inside = dilmanc::test::source_dir() / "dilmanc-demo-refused";
  const auto refused = run_cli({"demo", inside.string()});
  CHECK(refused.exit_code == 2);
  CHECK_FALSE(fs::exists(inside));
}

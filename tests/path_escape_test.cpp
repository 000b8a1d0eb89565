// Merge never reads or writes outside the folders it was given: an XLIFF's `original`
// cannot climb out of the XLIFF's folder, name an absolute path or lead out through a
// link; editions land in the output folder only, and a link planted there is replaced,
// never written through.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "support.h"

using namespace dilmanc::test;

namespace {

const char* const kArticle = "Forum news\n\nThe forum met in Geneva. Delegates agreed on three pledges.\n";

struct Setup {
  TempDir root;
  fs::path work = root / "work", out = root / "out", outside = root / "outside";
  std::string xliff;  // the extracted XLIFF's text, original="article.txt"

  Setup() {
    fs::create_directories(work);
    fs::create_directories(out);
    fs::create_directories(outside);
    write_file(work / "article.txt", kArticle);
    // The same text outside: merging it would succeed, so only the path check can stop it.
    write_file(outside / "secret.txt", kArticle);
    CliResult r = run_cli({"extract", "--memory", (root / "m.db").string(), (work / "article.txt").string(), "--from",
                           "en", "--to", "az", "-o", work.string()});
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    xliff = read_file(work / "article.az.xlf");
    REQUIRE(xliff.find("original=\"article.txt\"") != std::string::npos);
  }

  CliResult merge_with_original(const std::string& original, const std::string& name) {
    std::string text = xliff;
    text.replace(text.find("original=\"article.txt\""), 22, "original=\"" + original + "\"");
    write_file(work / name, text);
    return run_cli({"merge", "--memory", (root / "m.db").string(), "--allow-incomplete", "--no-memory-update", "-o",
                    out.string(), (work / name).string()});
  }

  std::vector<std::string> listing(const fs::path& folder) const {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(folder)) names.push_back(e.path().filename().string());
    return names;
  }
};

}  // namespace

TEST_CASE("merge: an XLIFF's original cannot lead outside the XLIFF's folder") {
  Setup s;
  CliResult ok = s.merge_with_original("article.txt", "plain.xlf");
  REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
  REQUIRE(fs::exists(s.out / "article.az.txt"));
  fs::remove(s.out / "article.az.txt");

  fs::create_directory_symlink(s.outside, s.work / "link");
  fs::create_symlink(s.outside / "secret.txt", s.work / "sym.txt");
  const std::vector<std::string> escapes = {"../outside/secret.txt", (s.outside / "secret.txt").string(),
                                            "link/secret.txt", "sym.txt", "./../outside/secret.txt",
                                            "file://" + (s.outside / "secret.txt").string()};
  for (const std::string& original : escapes) {
    CAPTURE(original);
    CliResult r = s.merge_with_original(original, "escape.xlf");
    CHECK(r.exit_code == 1);
    // Refused naming the XLIFF; a URL is a (missing) relative file name inside its folder.
    CHECK_MESSAGE(r.err.starts_with("dilmanc: "), r.err);
    if (!original.starts_with("file:")) CHECK_MESSAGE(r.err.find("escape.xlf") != std::string::npos, r.err);
    CHECK(s.listing(s.out).empty());
    CHECK(s.listing(s.outside) == std::vector<std::string>{"secret.txt"});
  }
}

TEST_CASE("merge: a link planted at the edition's place is replaced, not written through") {
  Setup s;
  write_file(s.outside / "victim.txt", "victim");
  fs::create_symlink(s.outside / "victim.txt", s.out / "article.az.txt");
  CliResult r = s.merge_with_original("article.txt", "plain.xlf");
  if (r.exit_code == 0) {
    CHECK_FALSE(fs::is_symlink(s.out / "article.az.txt"));
    CHECK(read_file(s.out / "article.az.txt").find("Forum news") != std::string::npos);
  } else {
    CHECK(r.exit_code == 1);
  }
  CHECK(read_file(s.outside / "victim.txt") == "victim");
}

TEST_CASE("merge --article: the edition goes to the output folder, nothing beside the article") {
  Setup s;
  CliResult r = run_cli({"merge", "--memory", (s.root / "m.db").string(), "--allow-incomplete", "--no-memory-update",
                         "--article", (s.outside / "secret.txt").string(), "-o", s.out.string(),
                         (s.work / "article.az.xlf").string()});
  CHECK_MESSAGE(r.exit_code == 0, r.err);
  CHECK(s.listing(s.outside) == std::vector<std::string>{"secret.txt"});
  CHECK(fs::exists(s.out / "secret.az.txt"));
}

TEST_CASE("merge: an original may lie in the working folder, but no link leads out of it") {
  // The working folder holds the articles and the XLIFF files extracted with -o: an
  // `original` climbing out of the XLIFF's folder into it is the documented workflow.
  TempDir root;
  const fs::path site = root / "site", outside = root / "outside";
  fs::create_directories(site / "articles");
  fs::create_directories(site / "out");
  fs::create_directories(outside);
  write_file(site / "articles" / "article.txt", kArticle);
  write_file(outside / "secret.txt", kArticle);
  CliResult r = run_cli({"extract", "--memory", "m.db", "articles/article.txt", "--from", "en", "--to", "az", "-o",
                         "out"},
                        "", {}, site);
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const std::string xliff = read_file(site / "out" / "article.az.xlf");
  REQUIRE(xliff.find("original=\"../articles/article.txt\"") != std::string::npos);
  auto merge_with = [&](const std::string& original) {
    std::string text = xliff;
    const std::string attribute = "original=\"../articles/article.txt\"";
    text.replace(text.find(attribute), attribute.size(), "original=\"" + original + "\"");
    write_file(site / "out" / "x.xlf", text);
    return run_cli({"merge", "--memory", "m.db", "--allow-incomplete", "--no-memory-update", "-o", "editions",
                    "out/x.xlf"},
                   "", {}, site);
  };
  CliResult ok = merge_with("../articles/article.txt");
  CHECK_MESSAGE(ok.exit_code == 0, ok.err);
  CHECK(fs::exists(site / "editions" / "article.az.txt"));
  fs::remove_all(site / "editions");

  // Links inside the working folder that lead out of it, and climbs past it.
  fs::create_directory_symlink(outside, site / "linked");
  fs::create_symlink(outside / "secret.txt", site / "articles" / "secret.txt");
  for (const std::string& original : std::vector<std::string>{"../linked/secret.txt", "../articles/secret.txt", "../../outside/secret.txt",
                                      "../../../../../../../etc/passwd", (outside / "secret.txt").string()}) {
    CAPTURE(original);
    CliResult refused = merge_with(original);
    CHECK(refused.exit_code == 1);
    CHECK_MESSAGE(refused.err.find("x.xlf") != std::string::npos, refused.err);
    CHECK_FALSE(fs::exists(site / "editions"));
  }
}

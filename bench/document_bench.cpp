// Reads and writes back 1,000 news pages (about 30 MB) generated from the HTML example,
// and the same volume of plain-text articles; prints MB/s. Target: >= 20 MB/s for HTML.
//
//   build/bench/document_bench [PAGES]
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dilmanc/formats.h"

namespace {

std::string read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A page of about 30 KB: the example's article repeated with numbered variations, so
// that no two pages are equal.
std::string news_page(const std::string& example, int n) {
  std::size_t start = example.find("<main");
  std::size_t end = example.find("</main>");
  std::string article = example.substr(start, end + 7 - start);
  std::string page = example.substr(0, start);
  for (int copy = 0; page.size() + article.size() < 30000; ++copy)
    page += "<!-- part " + std::to_string(n) + "." + std::to_string(copy) + " -->\n" + article + "\n";
  page += example.substr(end + 7);
  return page;
}

}  // namespace

int main(int argc, char** argv) {
  int pages = argc > 1 ? std::atoi(argv[1]) : 1000;
  std::string dir = DILMANC_BENCH_SOURCE_DIR "/examples/";
  std::string html = read_all(dir + "global-forum-on-refugees.en.html");
  std::string text = read_all(dir + "global-forum-on-refugees.en.txt");
  if (html.empty() || text.empty()) {
    std::fprintf(stderr, "document_bench: the examples are missing\n");
    return 1;
  }

  std::vector<std::string> inputs;
  std::size_t total = 0;
  for (int i = 0; i < pages; ++i) {
    inputs.push_back(news_page(html, i));
    total += inputs.back().size();
  }
  auto run = [&](dilmanc::Format format, const char* label) {
    std::size_t blocks = 0;
    auto t0 = std::chrono::steady_clock::now();
    std::clock_t c0 = std::clock();
    for (const std::string& input : inputs) {
      dilmanc::Document doc = dilmanc::parse_document(input, format, "page");
      blocks += doc.blocks.size();
      if (dilmanc::render_document(doc) != input) {
        std::fprintf(stderr, "document_bench: a page did not round-trip\n");
        std::exit(1);
      }
    }
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
    double mb = static_cast<double>(total) / 1e6;
    // CPU time too: on a busy machine the wall clock also measures the other processes.
    std::printf("%-5s %d documents, %.1f MB, %zu blocks: read + write back in %.2f s = %.1f MB/s (CPU %.2f s = %.1f MB/s)\n",
                label, static_cast<int>(inputs.size()), mb, blocks, seconds, mb / seconds, cpu, mb / cpu);
  };
  run(dilmanc::Format::kHtml, "html");

  inputs.clear();
  total = 0;
  for (int i = 0; i < pages; ++i) {
    std::string article;
    for (int copy = 0; article.size() < 30000; ++copy) article += "Part " + std::to_string(i) + "." + std::to_string(copy) + "\n\n" + text + "\n\n";
    inputs.push_back(article);
    total += article.size();
  }
  run(dilmanc::Format::kText, "text");
  return 0;
}

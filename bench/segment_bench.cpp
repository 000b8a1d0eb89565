// Segmentation speed: splits about 10 MB of news text per language into sentences on one
// core and prints MB/s. The text is built from the news sentences of the shared corpus
// (../shared/data/corpus: English and Azerbaijani from en-az.tsv, Russian from az-ru.tsv,
// lines 1-2600, newspaper text), five sentences to a paragraph, repeated to 10 MB, plus the
// bundled example article when there is one for the language.
//
// Usage: segment_bench [MEGABYTES]   (default 10)
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "dilmanc/segmenter.h"

namespace fs = std::filesystem;

namespace {

std::vector<std::string> corpus_column(const fs::path& tsv, int column, int max_lines) {
  std::vector<std::string> out;
  std::ifstream in(tsv);
  std::string line;
  for (int n = 0; n < max_lines && std::getline(in, line); ++n) {
    auto tab = line.find('\t');
    if (tab == std::string::npos) continue;
    out.push_back(column == 0 ? line.substr(0, tab) : line.substr(tab + 1));
  }
  return out;
}

std::vector<std::string> article_paragraphs(const fs::path& path) {
  std::vector<std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line))
    if (!line.empty()) out.push_back(line);
  return out;
}

// Paragraphs of five corpus sentences, with the article's paragraphs mixed in, until
// `target` bytes.
std::vector<std::string> build_text(const std::vector<std::string>& sentences,
                                    const std::vector<std::string>& article, std::size_t target) {
  std::vector<std::string> paragraphs;
  std::size_t total = 0;
  std::size_t next = 0;
  while (total < target && !sentences.empty()) {
    for (const auto& p : article) {
      paragraphs.push_back(p);
      total += p.size() + 2;
    }
    for (int k = 0; k < 40 && total < target; ++k) {
      std::string p;
      for (int s = 0; s < 5; ++s) {
        if (!p.empty()) p += ' ';
        p += sentences[next++ % sentences.size()];
      }
      total += p.size() + 2;
      paragraphs.push_back(std::move(p));
    }
  }
  return paragraphs;
}

// CPU time of this process: the figure for "one core", unaffected by other work on the machine.
double cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const double megabytes = argc > 1 ? std::atof(argv[1]) : 10.0;
  const fs::path shared = fs::path(DILMANC_BENCH_SOURCE_DIR) / ".." / "shared" / "data";
  const fs::path examples = fs::path(DILMANC_BENCH_SOURCE_DIR) / "examples";
  if (!fs::exists(shared / "corpus" / "en-az.tsv")) {
    std::cerr << "segment_bench: ../shared/data/corpus not found\n";
    return 1;
  }
  struct Language {
    const char* lang;
    fs::path tsv;
    int column;
  };
  const Language languages[] = {
      {"en", shared / "corpus" / "en-az.tsv", 0},
      {"az", shared / "corpus" / "en-az.tsv", 1},
      {"ru", shared / "corpus" / "az-ru.tsv", 1},
  };
  std::printf("segmentation speed, one core, %.0f MB of news text per language\n", megabytes);
  for (const auto& l : languages) {
    auto sentences = corpus_column(l.tsv, l.column, 2600);
    auto article = article_paragraphs(examples / (std::string("global-forum-on-refugees.") + l.lang + ".txt"));
    auto paragraphs = build_text(sentences, article, static_cast<std::size_t>(megabytes * 1e6));
    std::size_t bytes = 0;
    for (const auto& p : paragraphs) bytes += p.size();

    dilmanc::Segmenter segmenter(l.lang);
    std::size_t count = 0;
    const double cpu_start = cpu_seconds();
    auto start = std::chrono::steady_clock::now();
    for (const auto& p : paragraphs) count += segmenter.split(p).size();
    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    double cpu = cpu_seconds() - cpu_start;
    std::printf("segment %s: %.1f MB, %zu paragraphs, %zu sentences; CPU %.2f s: %.1f MB/s (wall %.2f s)\n",
                l.lang, bytes / 1e6, paragraphs.size(), count, cpu, bytes / 1e6 / cpu, wall);
  }
  return 0;
}

// Segmentation speed: splits about 10 MB of news text per language into sentences on one
// core and prints MB/s. The text is built from the news sentences of the shared corpus
// (../shared/data/corpus: English and Azerbaijani from en-az.tsv, Russian from az-ru.tsv,
// lines 1-2600, newspaper text), five sentences to a paragraph, repeated to 10 MB, plus the
// bundled example article when there is one for the language.
//
// Usage: segment_bench [MEGABYTES]   (default 10)
//
// With --paragraph [MEGABYTES,...] (default 5,10,25,50) it splits instead ONE paragraph of
// each size (English news sentences, as above, joined into a single paragraph, and a
// paragraph of words without a sentence end), checks the result, and prints the CPU time,
// MB/s and the peak memory of the process after each: a hostile file's worst case, which
// must grow linearly with the size.
#include <sys/resource.h>
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

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

double load_average() {
  double load = 0;
  std::ifstream in("/proc/loadavg");
  in >> load;
  return load;
}

// One paragraph of `bytes`: the sentences joined by spaces, or "word " repeated.
std::string one_paragraph(const std::vector<std::string>& sentences, std::size_t bytes) {
  std::string out;
  out.reserve(bytes + 4096);
  for (std::size_t next = 0; out.size() < bytes; ++next) {
    if (!out.empty()) out += ' ';
    out += sentences.empty() ? std::string("word") : sentences[next % sentences.size()];
  }
  return out;
}

// Splits one paragraph per size; the sizes grow, so the peak memory after each is its own.
int long_paragraphs(const std::vector<double>& sizes, const std::vector<std::string>& sentences) {
  dilmanc::Segmenter segmenter("en");
  std::printf("one English paragraph per size, split on one core (load average %.1f)\n", load_average());
  bool all_right = true;
  for (double megabytes : sizes) {
    for (bool with_sentences : {true, false}) {
      std::string paragraph = one_paragraph(with_sentences ? sentences : std::vector<std::string>{},
                                            static_cast<std::size_t>(megabytes * 1e6));
      const double cpu_start = cpu_seconds();
      auto start = std::chrono::steady_clock::now();
      std::vector<dilmanc::SentenceSpan> spans = segmenter.split(paragraph);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double cpu = cpu_seconds() - cpu_start;
      // Right: spans in order, inside the text, ending the text; one span without a stop.
      bool right = !spans.empty() && spans.back().end == paragraph.size() && spans.front().begin == 0;
      for (std::size_t i = 1; right && i < spans.size(); ++i) right = spans[i - 1].end < spans[i].begin;
      if (!with_sentences) right = right && spans.size() == 1;
      all_right = all_right && right;
      std::printf("%-14s %5.1f MB: %8zu sentences; CPU %6.2f s = %5.1f MB/s (wall %6.2f s); peak RSS %5ld MB%s\n",
                  with_sentences ? "sentences" : "no stop", paragraph.size() / 1e6, spans.size(), cpu,
                  paragraph.size() / 1e6 / cpu, wall, peak_rss_mb(), right ? "" : "  WRONG");
    }
  }
  return all_right ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const bool paragraph_mode = argc > 1 && std::string(argv[1]) == "--paragraph";
  const double megabytes = !paragraph_mode && argc > 1 ? std::atof(argv[1]) : 10.0;
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
  if (paragraph_mode) {
    std::vector<double> sizes;
    std::stringstream list(argc > 2 ? argv[2] : "5,10,25,50");
    for (std::string item; std::getline(list, item, ',');) sizes.push_back(std::atof(item.c_str()));
    return long_paragraphs(sizes, corpus_column(languages[0].tsv, languages[0].column, 2600));
  }
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

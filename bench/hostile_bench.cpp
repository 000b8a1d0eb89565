// Hostile sizes: a 50 MB single paragraph through the segmenter and the plain-text reader,
// a 50 MB paragraph with no sentence end at all, and an HTML paragraph with 100,000 inline
// codes read, segmented, translated and written. Checks the results (sentence counts,
// offsets, codes) and prints the time, throughput and peak memory of each.
//
// Usage: hostile_bench [MEGABYTES [CODES]]   (defaults 50 and 100000)
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "dilmanc/document.h"
#include "dilmanc/formats.h"
#include "dilmanc/segmenter.h"

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

void report(const char* what, std::size_t bytes, double secs, bool ok) {
  std::printf("%-48s %8.1f MB %7.2f s %7.1f MB/s  peak RSS %ld MB  %s\n", what, bytes / 1e6, secs,
              bytes / 1e6 / secs, peak_rss_mb(), ok ? "correct" : "WRONG");
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t megabytes = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 50;
  const std::size_t size = megabytes * 1000 * 1000;
  const int codes = argc > 2 ? std::atoi(argv[2]) : 100000;
  bool all_ok = true;

  {
    std::string body;
    for (int i = 0; i < codes / 2; ++i) body += "<b>w</b> ";
    const std::string html = "<html lang=\"en\"><body><p>" + body + "end.</p></body></html>";
    auto start = std::chrono::steady_clock::now();
    dilmanc::Document doc = dilmanc::parse_document(html, dilmanc::Format::kHtml, "codes.html");
    dilmanc::segment_document(doc, dilmanc::Segmenter("en"));
    bool ok = doc.blocks.size() == 1 && doc.blocks[0].segments.size() == 1 &&
              doc.blocks[0].segments[0].source.codes.size() == static_cast<std::size_t>(codes / 2 * 2) &&
              dilmanc::render_document(doc) == html;
    all_ok &= ok;
    std::printf("%d codes: read, segment, write back          %7.2f s  %s\n", codes, seconds_since(start),
                ok ? "correct" : "WRONG");
    start = std::chrono::steady_clock::now();
    dilmanc::set_translation(doc, "b1.s1", doc.blocks[0].segments[0].source);
    std::printf("%d codes: set_translation                    %7.2f s\n", codes, seconds_since(start));
    start = std::chrono::steady_clock::now();
    doc.language = "az";
    const std::string edition = dilmanc::render_document(doc);
    ok = edition.size() >= html.size();
    all_ok &= ok;
    std::printf("%d codes: write the translated edition       %7.2f s  %s\n", codes, seconds_since(start),
                ok ? "correct" : "WRONG");
  }

  const std::string sentence = "The forum met in Geneva on 14 December and agreed on 3 pledges. ";
  std::string paragraph;
  paragraph.reserve(size + sentence.size());
  while (paragraph.size() < size) paragraph += sentence;
  paragraph.pop_back();
  const std::size_t count = (paragraph.size() + 1) / sentence.size();

  dilmanc::Segmenter segmenter("en");
  auto start = std::chrono::steady_clock::now();
  std::vector<dilmanc::SentenceSpan> spans = segmenter.split(paragraph);
  bool ok = spans.size() == count && spans.back().end == paragraph.size();
  all_ok &= ok;
  report("segmenter: one paragraph of sentences", paragraph.size(), seconds_since(start), ok);

  start = std::chrono::steady_clock::now();
  dilmanc::Document doc = dilmanc::parse_document("Title\n\n" + paragraph + "\n", dilmanc::Format::kText, "big.txt");
  dilmanc::segment_document(doc, segmenter);
  ok = doc.blocks.size() == 2 && doc.blocks[1].segments.size() == count;
  all_ok &= ok;
  report("text reader + segment_document", paragraph.size(), seconds_since(start), ok);
  doc = {};

  std::string words;
  words.reserve(size + 8);
  while (words.size() < size) words += "word ";
  words.pop_back();
  start = std::chrono::steady_clock::now();
  spans = segmenter.split(words);
  ok = spans.size() == 1 && spans[0].begin == 0 && spans[0].end == words.size();
  all_ok &= ok;
  report("segmenter: one paragraph, no sentence end", words.size(), seconds_since(start), ok);

  start = std::chrono::steady_clock::now();
  doc = dilmanc::parse_document("Title\n\n" + words + "\n", dilmanc::Format::kText, "words.txt");
  dilmanc::segment_document(doc, segmenter);
  ok = doc.blocks.size() == 2 && doc.blocks[1].segments.size() == 1;
  all_ok &= ok;
  report("text reader + segment_document, no sentence end", words.size(), seconds_since(start), ok);
  return all_ok ? 0 : 1;
}

// Reads and writes back 1,000 news pages (about 30 MB) generated from the HTML example,
// and the same volume of plain-text articles; prints MB/s. Target: >= 20 MB/s for HTML.
//
//   build/bench/document_bench [PAGES]
//
// With --hostile it measures instead the hostile shapes of one page, each at growing sizes
// so that the growth shows: one paragraph of N inline codes (read, segmented, translated
// with every pair moved, written; the edition checked), and elements nested N levels deep
// (read, segmented, translated, written; checked). CPU time (user + system) and the peak
// memory of the process after each (nesting first, as its pages take less memory).
#include <sys/resource.h>

#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "dilmanc/document.h"
#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "dilmanc/segmenter.h"

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

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

long peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

// One paragraph of `pairs` links: read, segment, translate with the pairs in the opposite
// order, write. True when the edition is exactly the expected page.
bool codes_case(std::size_t pairs, const dilmanc::Segmenter& segmenter, std::size_t& bytes) {
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
  bytes = html.size();
  dilmanc::Document doc = dilmanc::parse_document(html, dilmanc::Format::kHtml, "codes.html");
  dilmanc::segment_document(doc, segmenter);
  if (doc.blocks.size() != 1 || doc.blocks[0].segments.size() != 1) return false;
  const dilmanc::InlineText& source = doc.blocks[0].segments[0].source;
  if (source.codes.size() != 2 * pairs) return false;
  dilmanc::InlineText target;
  for (std::size_t i = pairs; i-- > 0;) {
    dilmanc::append_code(target, source.codes[2 * i]);
    dilmanc::append_text(target, "w");
    dilmanc::append_text(target, std::to_string(i));
    dilmanc::append_code(target, source.codes[2 * i + 1]);
    dilmanc::append_text(target, " ");
  }
  dilmanc::append_text(target, "end.");
  dilmanc::set_translation(doc, "b1.s1", target);
  doc.language = "az";
  return dilmanc::render_document(doc) == "<html lang=\"az\"><body><p>" + reversed + "end.</p></body></html>";
}

// `depth` levels of `open` ... `close` around a sentence: read, segment, translate, write.
bool depth_case(std::size_t depth, const std::string& open, const std::string& close, const std::string& inner,
                const dilmanc::Segmenter& segmenter, std::size_t& bytes) {
  std::string body;
  for (std::size_t i = 0; i < depth; ++i) body += open;
  body += inner;
  for (std::size_t i = 0; i < depth; ++i) body += close;
  const std::string html = "<html><body>" + body + "</body></html>";
  bytes = html.size();
  dilmanc::Document doc = dilmanc::parse_document(html, dilmanc::Format::kHtml, "deep.html");
  dilmanc::segment_document(doc, segmenter);
  if (dilmanc::render_document(doc) != html) return false;
  for (const dilmanc::Block& block : doc.blocks)
    for (const dilmanc::Segment& segment : block.segments) {
      if (dilmanc::plain_text(segment.source) != "Deep text.") continue;
      dilmanc::InlineText target = segment.source;
      target.text.replace(target.text.find("Deep text."), 10, "Dərin mətn.");
      dilmanc::set_translation(doc, segment.id, target);
      doc.language = "az";
      const std::string edition = dilmanc::render_document(doc);
      return edition.find("Dərin mətn.") != std::string::npos && edition.find("Deep text.") == std::string::npos;
    }
  return false;
}

int hostile() {
  const dilmanc::Segmenter segmenter("en");
  bool all_right = true;
  auto report = [&](const char* what, std::size_t n, std::size_t bytes, double cpu, bool right) {
    all_right = all_right && right;
    std::printf("%-36s %7zu: %6.2f MB, CPU %6.3f s, peak RSS %4ld MB%s\n", what, n, bytes / 1e6, cpu, peak_rss_mb(),
                right ? "" : "  WRONG");
  };
  struct Shape {
    const char* what;
    const char* open;
    const char* close;
    const char* inner;
  };
  const Shape shapes[] = {
      {"levels of <div>", "<div>", "</div>", "<p>Deep text.</p>"},
      {"levels of <b>", "<b>", "</b>", "Deep text."},
      {"levels of <div><b>, never closed", "<div><b>", "", "Deep text."},
      {"levels of <b>, then stray </i>", "<b>", "</i>", "Deep text."},
  };
  for (const Shape& shape : shapes)
    for (std::size_t depth : {2500, 5000, 10000, 20000}) {
      std::size_t bytes = 0;
      const double start = cpu_seconds();
      bool right = false;
      try {
        right = depth_case(depth, shape.open, shape.close, shape.inner, segmenter, bytes);
      } catch (const dilmanc::Error& e) {
        // Refusing the page is a right answer too, when it says why.
        std::printf("  refused: %s\n", e.what());
        right = e.kind() == dilmanc::Error::Kind::kInput;
      }
      report(shape.what, depth, bytes, cpu_seconds() - start, right);
    }
  for (std::size_t codes : {12500, 25000, 50000, 100000, 200000}) {
    std::size_t bytes = 0;
    const double start = cpu_seconds();
    const bool right = codes_case(codes / 2, segmenter, bytes);
    report("inline codes in one segment", codes, bytes, cpu_seconds() - start, right);
  }
  return all_right ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--hostile") return hostile();
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

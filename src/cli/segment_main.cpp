// dilmanc segment: splits plain text or an HTML page into sentences, one per line.
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "cli/command.h"
#include "dilmanc/document.h"
#include "dilmanc/formats.h"
#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/text.h"

namespace dilmanc::cli {
namespace {

using Paragraphs = std::vector<std::vector<std::string>>;

bool is_blank_line(std::string_view line) {
  return line.find_first_not_of(" \t\r\f\v") == std::string_view::npos;
}

// Plain text: paragraphs are separated by blank lines; inside one, line breaks are left to
// the segmenter (whitespace, or sentence ends with --line-breaks).
Paragraphs segment_plain_text(std::string_view text, const Segmenter& segmenter) {
  Paragraphs result;
  auto flush = [&](std::size_t begin, std::size_t end) {
    if (end <= begin) return;
    std::string_view paragraph = text.substr(begin, end - begin);
    std::vector<std::string> sentences;
    for (const SentenceSpan& span : segmenter.split(paragraph))
      sentences.push_back(sentence_as_line(paragraph.substr(span.begin, span.end - span.begin)));
    if (!sentences.empty()) result.push_back(std::move(sentences));
  };
  std::optional<std::size_t> paragraph_begin;
  std::size_t paragraph_end = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t newline = text.find('\n', pos);
    std::size_t line_end = newline == std::string_view::npos ? text.size() : newline;
    if (is_blank_line(text.substr(pos, line_end - pos))) {
      if (paragraph_begin) flush(*paragraph_begin, paragraph_end);
      paragraph_begin.reset();
    } else {
      if (!paragraph_begin) paragraph_begin = pos;
      paragraph_end = line_end;
    }
    pos = newline == std::string_view::npos ? text.size() : newline + 1;
  }
  if (paragraph_begin) flush(*paragraph_begin, paragraph_end);
  return result;
}

// HTML: each block (a paragraph, a heading, an alt text...) is a paragraph, its sentences
// shown with their inline codes as {1}...{/1}. Recovered problems go to standard error.
Paragraphs segment_html(std::string_view page, const std::string& name, const Segmenter& segmenter, Context& ctx) {
  Document document = parse_document(page, Format::kHtml, name);
  for (const std::string& warning : document.warnings) ctx.err << "dilmanc: " << warning << '\n';
  segment_document(document, segmenter);
  Paragraphs result;
  for (const Block& block : document.blocks) {
    std::vector<std::string> sentences;
    for (const Segment& segment : block.segments) sentences.push_back(sentence_as_line(display_text(segment.source)));
    if (!sentences.empty()) result.push_back(std::move(sentences));
  }
  return result;
}

void print_lines(const Paragraphs& paragraphs, std::ostream& out) {
  for (std::size_t p = 0; p < paragraphs.size(); ++p) {
    if (p > 0) out << '\n';
    for (const auto& sentence : paragraphs[p]) out << sentence << '\n';
  }
}

void print_json(const Paragraphs& paragraphs, std::ostream& out) {
  out << "[\n";
  for (std::size_t p = 0; p < paragraphs.size(); ++p) {
    out << "  [";
    for (std::size_t s = 0; s < paragraphs[p].size(); ++s)
      out << (s > 0 ? ", " : "") << json_quote(paragraphs[p][s]);
    out << (p + 1 < paragraphs.size() ? "],\n" : "]\n");
  }
  out << "]\n";
}

void declare(po::options_description& options, po::positional_options_description& positional) {
  options.add_options()
      ("lang", po::value<std::string>()->default_value("en")->value_name("LANG"),
       tr("language of the text: az, en, ru (others get the language-independent rules)").c_str())
      ("srx", po::value<std::string>()->value_name("FILE"),
       tr("use the segmentation rules of this SRX 2.0 file instead of the built-in ones").c_str())
      ("json", tr("print a JSON array of paragraphs, each an array of sentences").c_str())
      ("line-breaks", tr("a line break also ends a sentence (lists, headlines)").c_str())
      ("format", po::value<std::string>()->value_name("text|html"),
       tr("the input's format (default: from the file name, else the content)").c_str())
      ("input", po::value<std::string>()->default_value("-")->value_name("FILE"),
       tr("the text to segment (default: standard input)").c_str());
  positional.add("input", 1);
}

int run(const po::variables_map& vm, Context& ctx) {
  const std::string lang = vm["lang"].as<std::string>();
  const std::string path = vm["input"].as<std::string>();
  SegmenterOptions options;
  options.line_breaks_end_sentences = vm.count("line-breaks") > 0;
  Segmenter segmenter = vm.count("srx") ? Segmenter::FromSrxFile(vm["srx"].as<std::string>(), lang, options)
                                        : Segmenter(lang, options);

  std::optional<Format> format;
  if (vm.count("format") && !(format = parse_format_name(vm["format"].as<std::string>())))
    ThrowUsage(trf("unknown format '{1}' (use text or html)", vm["format"].as<std::string>()));
  std::string input = read_input(path, ctx);
  const std::string name = path == "-" ? tr("standard input") : path;
  Paragraphs paragraphs;
  if (format.value_or(detect_format(path == "-" ? "" : path, input)) == Format::kHtml) {
    paragraphs = segment_html(input, name, segmenter, ctx);  // the page may declare its charset
  } else {
    require_utf8(input, name);
    if (input.empty()) return 0;
    paragraphs = segment_plain_text(to_nfc(input), segmenter);
  }
  if (vm.count("json"))
    print_json(paragraphs, ctx.out);
  else
    print_lines(paragraphs, ctx.out);
  return 0;
}

}  // namespace

DILMANC_COMMAND(segment, "segment", N_("[--lang L] [--srx FILE] [--json] [--line-breaks] [FILE|-]"),
                N_("split text into sentences, one per line"), 10, declare, run);

}  // namespace dilmanc::cli

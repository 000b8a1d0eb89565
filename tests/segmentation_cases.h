// Test helpers for segmentation: reading cases from JSON Lines files (the format of
// ../shared/data/segmentation and tests/data/segmentation) and segmenting a text the way
// `dilmanc segment` does (paragraphs at blank lines, each sentence on one line).
#pragma once

#define BOOST_BIND_GLOBAL_PLACEHOLDERS  // quiets a deprecation note inside property_tree
#include <boost/property_tree/json_parser.hpp>
#include <boost/property_tree/ptree.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/segmenter.h"

namespace dilmanc::test {

struct SegmentationCase {
  std::string id;
  std::string text;
  std::vector<std::string> sentences;
  bool in_pysbd_48 = false;
  std::string doc_type;  // options.doc_type, when given
};

// One case per non-empty line: {"id": ..., "text": ..., "sentences": [...], ...}.
inline std::vector<SegmentationCase> read_segmentation_cases(const std::filesystem::path& file) {
  std::vector<SegmentationCase> cases;
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    std::istringstream json(line);
    boost::property_tree::ptree tree;
    boost::property_tree::read_json(json, tree);
    SegmentationCase c;
    c.id = tree.get<std::string>("id");
    c.text = tree.get<std::string>("text");
    for (const auto& item : tree.get_child("sentences")) c.sentences.push_back(item.second.get_value<std::string>());
    c.in_pysbd_48 = tree.get<bool>("in_pysbd_48", false);
    c.doc_type = tree.get<std::string>("options.doc_type", "");
    cases.push_back(std::move(c));
  }
  return cases;
}

inline std::string trimmed(std::string_view s) {
  const char* space = " \t\r\n\f\v";
  auto b = s.find_first_not_of(space);
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(space);
  return std::string(s.substr(b, e - b + 1));
}

// Sentences as `dilmanc segment` prints them: paragraphs split at blank lines, each sentence
// with its line breaks turned into spaces, trimmed.
inline std::vector<std::string> segment_as_cli(const Segmenter& segmenter, std::string_view text) {
  std::vector<std::string> out;
  std::size_t pos = 0;
  std::size_t paragraph_begin = std::string_view::npos;
  std::size_t paragraph_end = 0;
  auto flush = [&] {
    if (paragraph_begin == std::string_view::npos) return;
    std::string_view p = text.substr(paragraph_begin, paragraph_end - paragraph_begin);
    for (const SentenceSpan& span : segmenter.split(p))
      out.push_back(trimmed(sentence_as_line(p.substr(span.begin, span.end - span.begin))));
    paragraph_begin = std::string_view::npos;
  };
  while (pos <= text.size()) {
    std::size_t nl = text.find('\n', pos);
    std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view line = text.substr(pos, end - pos);
    if (line.find_first_not_of(" \t\r\f\v") == std::string_view::npos) {
      flush();
    } else {
      if (paragraph_begin == std::string_view::npos) paragraph_begin = pos;
      paragraph_end = end;
    }
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  flush();
  return out;
}

// Expected sentences compared as the reference projects do: trimmed.
inline std::vector<std::string> trimmed_all(const std::vector<std::string>& sentences) {
  std::vector<std::string> out;
  for (const auto& s : sentences) out.push_back(trimmed(s));
  return out;
}

}  // namespace dilmanc::test

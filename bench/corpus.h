// What the benchmarks share: the parallel corpus of ../shared/data/corpus read through
// `gzip -dc` (no zlib dependency), and the deterministic edits that turn its 343,270 en-ru
// pairs into the 1,000,000-unit memory, so that every benchmark measures the same memory.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "dilmanc/translation_memory.h"

namespace dilmanc::bench {

struct Pair {
  std::string en, ru;
};

// The tab-separated pairs of a gzipped corpus file, in order; exits when gzip cannot run.
inline std::vector<Pair> read_corpus(const std::filesystem::path& gz) {
  std::vector<Pair> pairs;
  const std::string command = "gzip -dc '" + gz.string() + "'";
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) {
    std::cerr << "cannot run gzip\n";
    std::exit(1);
  }
  std::string line;
  char buffer[1 << 16];
  auto flush_line = [&] {
    auto tab = line.find('\t');
    if (tab != std::string::npos) pairs.push_back({line.substr(0, tab), line.substr(tab + 1)});
    line.clear();
  };
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, p))
    for (std::size_t i = 0; i < n; ++i) {
      if (buffer[i] == '\n')
        flush_line();
      else
        line += buffer[i];
    }
  if (!line.empty()) flush_line();
  ::pclose(p);
  return pairs;
}

inline std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

inline std::string join(const std::vector<std::string>& w) {
  std::string out;
  for (const auto& x : w) {
    if (!out.empty()) out += ' ';
    out += x;
  }
  return out;
}

// The 1M memory's first edited copy: the last word dropped, or " (2)" appended to a side of
// fewer than three words.
inline std::string drop_last_word(const std::string& s) {
  auto w = words(s);
  if (w.size() < 3) return s + " (2)";
  w.pop_back();
  return join(w);
}

// The second edited copy: "2024" inserted after the first word.
inline std::string insert_year(const std::string& s) {
  auto w = words(s);
  if (w.empty()) return "2024";
  w.insert(w.begin() + 1, "2024");
  return join(w);
}

// An en-ru unit as the benchmarks add it, with fixed dates.
inline TranslationUnit unit_of(const std::string& en, const std::string& ru, std::int64_t n) {
  TranslationUnit u;
  u.tuid = std::to_string(n);
  u.source_lang = "en";
  u.created_at = u.changed_at = "2024-01-01T00:00:00Z";
  Variant e, r;
  e.tag = "en";
  e.text.text = en;
  r.tag = "ru";
  r.text.text = ru;
  u.variants = {std::move(e), std::move(r)};
  return u;
}

}  // namespace dilmanc::bench

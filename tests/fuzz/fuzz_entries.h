// The fuzz entry points: one function per reader, each feeding arbitrary bytes to the
// library's public parsing functions (the same ones the command line uses) and exercising
// what a caller does next with the result. A reader may give a result or throw
// dilmanc::Error; anything else (another exception, a crash, a sanitizer report, a hang)
// is a bug. The libFuzzer targets in this folder and tests/fuzz_regressions_test.cpp call
// these same functions, so every kept regression input is replayed by a normal test run.
//
// Not thread-safe: the entries share temporary files and cached segmenters.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/document.h"
#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/inline_text.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/srx.h"
#include "dilmanc/text.h"
#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "dilmanc/xliff.h"
#include "memory/xliff_import.h"

namespace dilmanc::fuzz {

namespace detail {

// A private folder for the files the path-based readers need, removed at exit.
class Scratch {
 public:
  Scratch() {
    std::filesystem::path base = std::filesystem::is_directory("/dev/shm") && access("/dev/shm", W_OK) == 0
                                     ? std::filesystem::path("/dev/shm")
                                     : std::filesystem::temp_directory_path();
    std::string pattern = (base / "dilmanc-fuzz-XXXXXX").string();
    if (!mkdtemp(pattern.data())) std::abort();
    dir_ = pattern;
  }
  ~Scratch() {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  // Writes `data` to the file `name` in the folder and returns its path.
  std::string put(const std::string& name, std::string_view data) const {
    std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
    out.close();
    if (!out) std::abort();
    return path;
  }
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
};

inline Scratch& scratch() {
  static Scratch s;
  return s;
}

// One segmenter per language, built once (construction compiles the rules).
inline const Segmenter& segmenter_for(std::string_view tag) {
  static std::map<std::string, std::unique_ptr<Segmenter>> cache;
  std::string lang = primary_language(tag);
  if (lang != "az" && lang != "ru") lang = "en";
  auto& slot = cache[lang];
  if (!slot) slot = std::make_unique<Segmenter>(lang);
  return *slot;
}

// Segments the document, translates every segment with its own source and writes it:
// what extract and merge do with an article once it is read.
inline void exercise_document(Document& doc) {
  render_document(doc);
  segment_document(doc, segmenter_for(doc.language));
  std::vector<std::pair<std::string, InlineText>> sources;
  for (const Block& block : doc.blocks)
    for (const Segment& segment : block.segments) sources.emplace_back(segment.id, segment.source);
  for (auto& [id, source] : sources) {
    try {
      set_translation(doc, id, source);
    } catch (const Error&) {
    }
  }
  doc.language = "az";
  render_document(doc);
}

inline std::string source_tree() {
#if defined(DILMANC_TEST_SOURCE_DIR)
  return DILMANC_TEST_SOURCE_DIR;
#elif defined(DILMANC_FUZZ_SOURCE_DIR)
  return DILMANC_FUZZ_SOURCE_DIR;
#else
  return ".";
#endif
}

// A small memory (the bundled press-office TMX) for the query target, built once.
struct QueryMemory {
  std::unique_ptr<TranslationMemory> memory;
  std::unique_ptr<FuzzyMatcher> matcher;
  QueryMemory() {
    std::string path = (scratch().dir() / "query.db").string();
    memory = std::make_unique<TranslationMemory>(path);
    import_file(*memory, source_tree() + "/memories/press-office.tmx");
    matcher = std::make_unique<FuzzyMatcher>(*memory);
  }
};

}  // namespace detail

// TMX through the streaming reader that `dilmanc import` uses.
inline void tmx(std::string_view data) {
  const std::string path = detail::scratch().put("input.tmx", data);
  try {
    TmxReader reader(path, "fuzz.tmx");
    TmxEntry entry;
    while (reader.next(entry)) {
      if (!entry.skipped) check_codes(entry.unit.variants.empty() ? InlineText{} : entry.unit.variants[0].text);
      entry = TmxEntry{};
    }
  } catch (const Error&) {
  }
}

// XLIFF 1.2 and 2.x: the DOM reader of `dilmanc merge` (and writing its result back), and
// the streaming reader of `dilmanc import`.
inline void xliff(std::string_view data) {
  try {
    XliffDocument doc = parse_xliff(data, "fuzz.xlf");
    try {
      XliffWriteOptions options;
      options.version = doc.version == XliffVersion::k12 ? XliffVersion::k12 : XliffVersion::k21;
      parse_xliff(format_xliff(doc, options), "fuzz-written.xlf");
    } catch (const Error& e) {
      // The model read may not be writable (kUsage: ids missing...). What the writer
      // writes must read back, though.
      if (e.kind() != Error::Kind::kUsage) throw std::logic_error("written XLIFF does not read back: " + e.cause());
    }
  } catch (const Error&) {
  }
  const std::string path = detail::scratch().put("input.xlf", data);
  try {
    memory::read_xliff(path, "fuzz.xlf", [](TmxEntry&) {}, [](std::int64_t) {});
  } catch (const Error&) {
  }
}

// An HTML article, read, segmented, translated and written as extract and merge do.
inline void html(std::string_view data) {
  try {
    Document doc = parse_document(data, Format::kHtml, "fuzz.html");
    detail::exercise_document(doc);
  } catch (const Error&) {
  }
}

// A plain-text article, the same way; and the text as `dilmanc segment` splits it.
inline void text_article(std::string_view data) {
  try {
    Document doc = parse_document(data, Format::kText, "fuzz.txt");
    detail::exercise_document(doc);
  } catch (const Error&) {
  }
  if (!find_invalid_utf8(data) && is_nfc(data)) {
    for (const SentenceSpan& span : detail::segmenter_for("en").split(data))
      if (span.begin > span.end || span.end > data.size()) throw std::logic_error("span outside the text");
  }
}

// SRX rules: parsed, selected for a language, and used by a segmenter as `dilmanc segment
// --srx` does.
inline void srx(std::string_view data) {
  try {
    SrxDocument doc = parse_srx(data, "fuzz.srx");
    for (const char* lang : {"en", "az-Latn-AZ", "ru", "xx"}) doc.rules_for(lang);
  } catch (const Error&) {
    return;
  }
  const std::string path = detail::scratch().put("input.srx", data);
  try {
    Segmenter segmenter = Segmenter::FromSrxFile(path, "en");
    segmenter.split("Dr. Smith arrived at 5 p.m. yesterday. He left! Did he? Yes... (Maybe.) \"Done.\" Next");
  } catch (const Error&) {
  }
}

// A query: the first byte picks the languages and the minimum score, the rest is the text
// as `dilmanc query` takes it (valid UTF-8, else refused before matching).
inline void query(std::string_view data) {
  if (data.empty()) return;
  static const char* const kLangs[] = {"en", "az", "ru"};
  const unsigned char pick = static_cast<unsigned char>(data[0]);
  std::string_view text = data.substr(1);
  if (find_invalid_utf8(text)) return;
  static detail::QueryMemory memory;
  MatchOptions options;
  options.min_score = 1 + (pick >> 4) * 6;  // 1..91
  options.limit = 3;
  const char* from = kLangs[pick % 3];
  const char* to = kLangs[(pick / 3 + 1 + pick % 3) % 3];
  try {
    if (from != to) memory.matcher->find(text, from, to, options);
    MatchText query = prepare_for_matching(text, from);
    MatchText self = prepare_for_matching(text, from);
    ScoreBreakdown b = score_match(query, self);
    if (b.score < 0 || b.score > 101) throw std::logic_error("score out of range");
    diff_match(query, self);
  } catch (const Error&) {
  }
}

struct Target {
  const char* name;
  void (*run)(std::string_view);
};

// Every target, by the name of its folder under tests/fuzz/regressions/.
inline const std::vector<Target>& targets() {
  static const std::vector<Target> all = {
      {"tmx", tmx}, {"xliff", xliff}, {"html", html}, {"text", text_article}, {"srx", srx}, {"query", query},
  };
  return all;
}

}  // namespace dilmanc::fuzz

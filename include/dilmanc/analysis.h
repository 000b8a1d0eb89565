// Analysis: what a batch of articles costs to translate into each target language, the
// report translation agencies quote prices from. For every target language and in total:
// segments, words and characters per leverage band (in-context 101%, repetitions, 100%,
// 95-99%, 85-94%, 75-84%, 50-74%, no match; leverage.h defines them) and weighted words.
// The bands come from leverage(), the same function extract uses, so the counts agree
// with what extract puts into the XLIFF. docs/analysis.md gives the definitions, the
// default weights and the JSON format.
//
// Thread-safety: analyze() uses the FuzzyMatcher it is given from the calling thread
// only. The formatting functions are pure.
#pragma once

#include <array>
#include <cstddef>
#include <ctime>
#include <filesystem>
#include <locale>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/document.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/leverage.h"

namespace dilmanc {

// What a price is computed from: the share of a new word's price each band costs.
struct AnalysisWeights {
  // Indexed by LeverageBand. Defaults: 101% 0, repetitions 0.1, 100% 0.1, 95-99% 0.3,
  // 85-94% 0.6, 75-84% 0.8, 50-74% 1, no match 1.
  std::array<double, kLeverageBandCount> weight = {0.0, 0.1, 0.1, 0.3, 0.6, 0.8, 1.0, 1.0};

  double of(LeverageBand band) const { return weight[static_cast<std::size_t>(band)]; }
};

// Reads "101=0,rep=0.1,100=0.1,95=0.3,85=0.6,75=0.8,50=1,new=1" (any subset; the others
// keep `base`'s values). Throws Error(kUsage) naming the item for an unknown band key, a
// value that is not a number, or a negative one.
AnalysisWeights parse_weights(std::string_view text, const AnalysisWeights& base = {});

struct BandCount {
  std::size_t segments = 0;
  std::size_t words = 0;
  std::size_t characters = 0;

  BandCount& operator+=(const BandCount& other);
  bool operator==(const BandCount&) const = default;
};

struct LanguageAnalysis {
  std::string target_language;                      // as given ("az", "ru-RU"); "" for the total
  std::array<BandCount, kLeverageBandCount> bands;  // indexed by LeverageBand
  BandCount total;
  double weighted_words = 0;

  const BandCount& of(LeverageBand band) const { return bands[static_cast<std::size_t>(band)]; }
};

struct AnalyzedArticle {
  std::string path;  // as given
  std::string name;  // file name
  BandCount total;   // segments, words and characters of the source
};

struct Analysis {
  std::string source_language;
  std::vector<AnalyzedArticle> articles;
  std::vector<LanguageAnalysis> languages;  // one per target language, in the order given
  LanguageAnalysis total;                   // the sum over the target languages
  AnalysisWeights weights;
  std::time_t created = 0;                  // when the analysis was made
};

struct AnalysisOptions {
  std::string source_language;                // BCP 47
  std::vector<std::string> target_languages;  // at least one, none equal to the source
  AnalysisWeights weights;
};

// Analyzes segmented documents (their text in the source language): each target language
// through leverage() over the whole batch, so a sentence repeated in a later article is a
// repetition. `names` gives each document's path for the report (same size as `documents`).
// `matcher` may be nullptr: no memory, everything is new. Throws Error(kUsage) for no
// target language or a target equal to the source, and what leverage() throws.
Analysis analyze_documents(const std::vector<const Document*>& documents, const std::vector<std::string>& names,
                           FuzzyMatcher* matcher, const AnalysisOptions& options);

// Reads each article (format by extension or content), checks that an HTML article
// declaring a language (<html lang>) declares the source language, segments it with the
// source language's rules and analyzes the batch. Throws as analyze_documents(), and
// Error(kIo) / Error(kInput) from reading, Error(kInput) naming the file for an article
// in another language, Error(kUsage) for no article.
Analysis analyze(const std::vector<std::string>& articles, FuzzyMatcher* matcher, const AnalysisOptions& options);

// The band's name in the interface language: "In context (101%)", "Repetitions"...
std::string band_label(LeverageBand band);

// The report as one JSON document (docs/analysis.md), ending with a newline.
std::string analysis_json(const Analysis& analysis);

// The report as a table for a terminal, headers and numbers in the language of `locale`
// (the interface language's: ui_locale()).
std::string analysis_table(const Analysis& analysis, const std::locale& locale);

// The report as a self-contained HTML page (no external resources) with a bar chart per
// target language, in the interface language; and written to `path` atomically. Throws
// Error(kIo) when it cannot be written.
std::string analysis_html(const Analysis& analysis, const std::locale& locale, std::string_view ui_lang);
void write_analysis_html(const Analysis& analysis, const std::filesystem::path& path, const std::locale& locale,
                         std::string_view ui_lang);

}  // namespace dilmanc

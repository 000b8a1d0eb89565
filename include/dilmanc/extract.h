// Extract: articles to translate, as one XLIFF file per article and target language, with
// what the translation memory already knows filled in or offered.
//
// Each block of the article becomes one XLIFF unit (id "b<N>", the block's id) and each
// of its sentences one segment (id "b<N>.s<M>", the document's segment id); whitespace and
// codes between sentences are ignorable parts. The same article read with the same rules
// gives the same ids. Inline code ids in the XLIFF are the block's (Block::source), so
// they are unique in the unit: code k of a segment has the id
// block.source.codes[segment.block_codes[k]].id. docs/xliff-mapping.md gives the states
// and state qualifiers each kind of match gets.
//
// What the memory offers comes from leverage() (leverage.h), the one place that decides
// it, so that `analyze` and `extract` agree. Without a memory, extract still writes every
// segment (state needs-translation) and marks repetitions.
//
// Thread-safety: the functions share no state; the FuzzyMatcher given to extract() is
// used from the calling thread only.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/document.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/leverage.h"
#include "dilmanc/xliff.h"

namespace dilmanc {

struct ExtractOptions {
  std::string source_language;                // BCP 47, the articles' language
  std::vector<std::string> target_languages;  // one XLIFF per language and article
  XliffVersion version = XliffVersion::k12;
  int min_score = 75;            // fuzzy matches below this are not looked for (1..100)
  // Candidates offered per segment, best first; a segment with matches from 99 up (exact,
  // in context) is offered only those (LeverageOptions::matches_below_exact).
  std::size_t max_matches = 3;
  bool prefill = false;          // an empty target takes the best fuzzy match
  bool copy_source = false;      // a target left empty gets a copy of the source (OmegaT)
  std::filesystem::path output_dir = ".";
  std::string tool_version;      // written in the XLIFF header
};

// What the memory gave, per article and target language.
struct LeverageCounts {
  std::size_t segments = 0;
  std::size_t in_context = 0;   // 101
  std::size_t exact = 0;        // 100
  std::size_t fuzzy = 0;        // min_score..99
  std::size_t no_match = 0;
  std::size_t repetitions = 0;  // the same source as an earlier sentence of the article
};

// The XLIFF for one segmented document and one target language; no I/O. `leverage` is
// leverage()'s result for this document and language, or nullptr for no memory.
// `original` is written as the file's original (the article's path relative to the
// XLIFF's folder). Throws Error(kUsage) for a min_score outside 1..100 and for a
// `leverage` that does not belong to the document.
XliffDocument xliff_for_document(const Document& document, const DocumentLeverage* leverage,
                                 const std::string& original, std::string_view target_language,
                                 const ExtractOptions& options, LeverageCounts* counts = nullptr);

// The name an article's files take: its file name without extension, and without a last
// ".<source language>" ("summit.en.html" from en gives "summit").
std::string article_name(const std::filesystem::path& article, std::string_view source_language);

struct ExtractedFile {
  std::filesystem::path article;
  std::filesystem::path path;  // output_dir / "<name>.<lang>.xlf" (see article_name)
  std::string target_language;
  LeverageCounts counts;
};

// Reads and segments each article (the source language's segmentation rules), looks its
// segments up through `matcher` (nullptr: no memory), builds every XLIFF first and then
// writes them, each atomically: an unreadable article or a bad option writes nothing.
// The output folder is created, with its parents, when it does not exist (and removed
// again if no file could be written into it).
// Throws Error(kUsage) for no article or target language, a target equal to the source,
// an output path that is a file or two articles with the same name; Error(kInput) and
// Error(kIo) from reading the articles, the memory, creating the folder and writing the
// files.
std::vector<ExtractedFile> extract(const std::vector<std::string>& articles, const ExtractOptions& options,
                                   FuzzyMatcher* matcher);

}  // namespace dilmanc

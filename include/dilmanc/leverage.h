// Leverage: for every segment of a batch of segmented articles, what the translation
// memory offers (in-context, exact, fuzzy in bands, or nothing), whether the segment is a
// repetition, and its word and character counts. This is the one place that decides it:
// `analyze` counts its results and `extract` writes them into XLIFF, so their numbers agree.
//
// Definitions (docs/analysis.md has them with examples):
//   - Context of a segment: the segment_hash() of the NFC marker text of the previous and
//     the next segment of the same article, in document order across blocks (none before
//     the first segment, none after the last). Merge stores the same context with each
//     unit (segment_contexts()), so re-extracting a merged article gives 101.
//   - Match band: from the best score the FuzzyMatcher gives: 101 in-context, 100 exact,
//     95-99, 85-94, 75-84, 50-74, below 50 no match. A source the memory translates in
//     several different ways scores 99 (the matcher's alternatives penalty), not 100.
//   - Repetition: a segment whose source (the NFC marker text: the same words, punctuation
//     and codes at the same places) already occurred earlier in the same article or in an
//     earlier article of the batch. The first occurrence counts in its match band; every
//     later occurrence names the first (`first_occurrence`) and is counted as a repetition,
//     unless it is an in-context match, which takes precedence (category kInContext).
//   - Counts: count_words() (GMX-V) of the segment's source in the source language.
//
// Thread-safety: leverage() calls the lookup it is given from the calling thread only; a
// FuzzyMatcher is not thread-safe, so one call per matcher at a time. Everything else here is a pure function.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/document.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/word_count.h"

namespace dilmanc {

// The analysis categories, best first. kRepetition is never a match band.
enum class LeverageBand {
  kInContext,   // 101
  kRepetition,  // a later occurrence of a source seen earlier in the batch
  kExact,       // 100
  kFuzzy95,     // 95-99
  kFuzzy85,     // 85-94
  kFuzzy75,     // 75-84
  kFuzzy50,     // 50-74
  kNoMatch,     // below 50, or nothing
};
inline constexpr std::size_t kLeverageBandCount = 8;

// All bands in report order (the order of the enum).
const std::vector<LeverageBand>& all_leverage_bands();

// A stable machine name: "101", "rep", "100", "95", "85", "75", "50", "new" (used in JSON
// and in --weights); and the reverse (nullopt for anything else).
const char* leverage_band_key(LeverageBand band);
std::optional<LeverageBand> parse_leverage_band_key(std::string_view key);

// The match band of a score: kInContext for 101, kExact for 100, ..., kNoMatch below 50.
LeverageBand band_for_score(int score);

// The lowest score of a match band; below it a segment is kNoMatch. The lowest score
// leverage() looks up by default.
inline constexpr int kLowestLeverageScore = 50;

struct SegmentContext {
  std::optional<std::int64_t> prev, next;  // segment_hash of the neighbours' NFC marker text
};

// The context of every segment of `document`, in document order (blocks in order, each
// block's segments in order). The document must have been segmented.
std::vector<SegmentContext> segment_contexts(const Document& document);

// The memory lookup made for each segment: the matches for `query` from `from` to `to`
// with `options` (min_score, limit, context), best first. An empty function means no
// memory: every segment is new.
using LeverageLookup = std::function<std::vector<FuzzyMatch>(const InlineText& query, std::string_view from,
                                                             std::string_view to, const MatchOptions& options)>;

// A lookup through `matcher` (which must outlive the function).
LeverageLookup memory_lookup(FuzzyMatcher& matcher);

struct SegmentLeverage {
  std::size_t block = 0;    // index into Document::blocks
  std::size_t segment = 0;  // index into Block::segments
  std::string id;           // the segment's id, "b3.s2"
  SegmentContext context;
  // What the memory offers for Segment::source (targets carry the segment's own code ids;
  // a caller that numbers codes as in the block maps them). Best first, every match scoring
  // at least LeverageOptions::min_score (at most LeverageOptions::max_matches); without
  // LeverageOptions::matches_below_exact, only those from 99 up when there are any.
  std::vector<FuzzyMatch> matches;
  // From matches[0]; never kRepetition. kNoMatch when nothing reaches min_score, so with a
  // min_score above kLowestLeverageScore the bands below it are empty.
  LeverageBand match_band = LeverageBand::kNoMatch;
  LeverageBand band = LeverageBand::kNoMatch;        // the category analysis counts it in
  // When the same source occurred earlier in the batch: which article (index into the
  // batch) and which segment id. Set for every later occurrence, in context or not.
  std::optional<std::size_t> first_document;
  std::string first_occurrence;
  WordCount count;  // of the source, in the source language

  bool is_repetition() const { return first_document.has_value(); }
  int best_score() const { return matches.empty() ? 0 : matches.front().score; }
};

struct DocumentLeverage {
  std::vector<SegmentLeverage> segments;  // every segment, in document order
};

struct LeverageOptions {
  // The lowest score looked up (1..101). Analysis needs every band and keeps the default;
  // extract needs only its --min, and a higher minimum lets the matcher's score bounds
  // discard far more candidates (docs/benchmarks.md, "Extract"). The matches at or above
  // it, and so every band at or above it, are the same whatever the minimum; matches below
  // kLowestLeverageScore (a minimum under 50) are kept but still band kNoMatch.
  int min_score = kLowestLeverageScore;
  std::size_t max_matches = 5;  // matches kept per segment, best first
  // When false, a segment is first looked up from score 99 (the index then reads almost
  // nothing) and only a segment with no match there is looked up again from min_score: an
  // exact or in-context match comes without the lower matches beside it. The best match,
  // and so every band, is the same either way. Extract sets it false: a translator who has
  // the exact match gains nothing from lesser ones, and the search for them is most of the
  // cost of a lookup in a large memory.
  bool matches_below_exact = true;
  ScoringOptions scoring;
  bool adapt = true;            // adapt numbers and codes of the translations
};

// Looks up every segment of every document of `batch` (each segmented, with its text in
// language `from`) through `lookup` for translations into `to`. The result has one
// DocumentLeverage per document, in order. Throws Error(kUsage) for a min_score outside
// 1..101, and what `lookup` throws (FuzzyMatcher::find: Error(kIo) on
// SQLite failures, Error(kUsage) for an empty language).
std::vector<DocumentLeverage> leverage(const std::vector<const Document*>& batch, const LeverageLookup& lookup,
                                       std::string_view from, std::string_view to,
                                       const LeverageOptions& options = {});

// The same for one document: repetitions are those inside it.
DocumentLeverage leverage(const Document& document, const LeverageLookup& lookup, std::string_view from,
                          std::string_view to, const LeverageOptions& options = {});

// Through a FuzzyMatcher.
inline std::vector<DocumentLeverage> leverage(const std::vector<const Document*>& batch, FuzzyMatcher& matcher,
                                              std::string_view from, std::string_view to,
                                              const LeverageOptions& options = {}) {
  return leverage(batch, memory_lookup(matcher), from, to, options);
}
inline DocumentLeverage leverage(const Document& document, FuzzyMatcher& matcher, std::string_view from,
                                 std::string_view to, const LeverageOptions& options = {}) {
  return leverage(document, memory_lookup(matcher), from, to, options);
}

}  // namespace dilmanc

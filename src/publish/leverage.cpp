// Leverage of segmented articles against the memory; the definitions are in leverage.h
// and docs/analysis.md.
#include "dilmanc/leverage.h"

#include <map>
#include <tuple>
#include <utility>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc {

const std::vector<LeverageBand>& all_leverage_bands() {
  static const std::vector<LeverageBand> bands = {
      LeverageBand::kInContext, LeverageBand::kRepetition, LeverageBand::kExact,   LeverageBand::kFuzzy95,
      LeverageBand::kFuzzy85,   LeverageBand::kFuzzy75,    LeverageBand::kFuzzy50, LeverageBand::kNoMatch};
  return bands;
}

const char* leverage_band_key(LeverageBand band) {
  switch (band) {
    case LeverageBand::kInContext: return "101";
    case LeverageBand::kRepetition: return "rep";
    case LeverageBand::kExact: return "100";
    case LeverageBand::kFuzzy95: return "95";
    case LeverageBand::kFuzzy85: return "85";
    case LeverageBand::kFuzzy75: return "75";
    case LeverageBand::kFuzzy50: return "50";
    case LeverageBand::kNoMatch: return "new";
  }
  return "new";
}

std::optional<LeverageBand> parse_leverage_band_key(std::string_view key) {
  for (LeverageBand band : all_leverage_bands())
    if (key == leverage_band_key(band)) return band;
  return std::nullopt;
}

LeverageBand band_for_score(int score) {
  if (score >= 101) return LeverageBand::kInContext;
  if (score >= 100) return LeverageBand::kExact;
  if (score >= 95) return LeverageBand::kFuzzy95;
  if (score >= 85) return LeverageBand::kFuzzy85;
  if (score >= 75) return LeverageBand::kFuzzy75;
  if (score >= kLowestLeverageScore) return LeverageBand::kFuzzy50;
  return LeverageBand::kNoMatch;
}

namespace {

// The key two segments must share to be the same source: the NFC marker text. Codes of
// the same kinds at the same places are the same; their markup may differ, as it does
// for exact matches in the memory.
std::string source_key(const Segment& segment) { return to_nfc(segment.source.text); }

// The first lookup without LeverageOptions::matches_below_exact.
constexpr int kExactFirstScore = 99;

// Every code of `text` in full (kind, id, isolation, name, markup): two queries with the same key get
// the same matches.
std::string codes_key(const InlineText& text) {
  std::string key;
  for (const InlineCode& c : text.codes) {
    key += std::to_string(static_cast<int>(c.kind)) + ':' + std::to_string(c.id) + (c.isolated ? ":i:" : "::") +
           c.name + ':' + c.original + '\x1f';
  }
  return key;
}

}  // namespace

LeverageLookup memory_lookup(FuzzyMatcher& matcher) {
  return [&matcher](const InlineText& query, std::string_view from, std::string_view to, const MatchOptions& options) {
    return matcher.find(query, from, to, options);
  };
}

std::vector<SegmentContext> segment_contexts(const Document& document) {
  std::vector<std::int64_t> hashes;
  for (const Block& block : document.blocks)
    for (const Segment& segment : block.segments) hashes.push_back(segment_hash(source_key(segment)));
  std::vector<SegmentContext> contexts(hashes.size());
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    if (i > 0) contexts[i].prev = hashes[i - 1];
    if (i + 1 < hashes.size()) contexts[i].next = hashes[i + 1];
  }
  return contexts;
}

std::vector<DocumentLeverage> leverage(const std::vector<const Document*>& batch, const LeverageLookup& lookup,
                                       std::string_view from, std::string_view to,
                                       const LeverageOptions& options) {
  if (options.min_score < 1 || options.min_score > 101)
    ThrowUsage(trf("the minimum score must be between 1 and 101, not {1}", options.min_score));
  // The first occurrence of each source in the batch: (document, segment id).
  std::map<std::string, std::pair<std::size_t, std::string>, std::less<>> first_seen;
  // What the memory gave for a source in a context: a repetition in the same context (a
  // repeated boilerplate paragraph) costs no second lookup.
  std::map<std::tuple<std::string, std::optional<std::int64_t>, std::optional<std::int64_t>>,
           std::vector<FuzzyMatch>>
      looked_up;
  std::vector<DocumentLeverage> result;
  result.reserve(batch.size());
  for (std::size_t d = 0; d < batch.size(); ++d) {
    const Document& document = *batch[d];
    const std::vector<SegmentContext> contexts = segment_contexts(document);
    DocumentLeverage out;
    out.segments.reserve(contexts.size());
    std::size_t position = 0;
    for (std::size_t b = 0; b < document.blocks.size(); ++b) {
      const Block& block = document.blocks[b];
      for (std::size_t s = 0; s < block.segments.size(); ++s, ++position) {
        const Segment& segment = block.segments[s];
        SegmentLeverage l;
        l.block = b;
        l.segment = s;
        l.id = segment.id;
        l.context = contexts[position];
        l.count = count_words(segment.source, from);

        const std::string key = source_key(segment);
        if (lookup) {
          // The marker text alone does not say which codes: a repeated source whose codes
          // differ in markup is looked up again, since adaptation copies the query's codes.
          auto [cached, fresh] =
              looked_up.try_emplace({key + '\x1f' + codes_key(segment.source), l.context.prev, l.context.next});
          if (fresh) {
            MatchOptions match;
            match.min_score = options.min_score;
            match.limit = options.max_matches;
            match.scoring = options.scoring;
            match.adapt = options.adapt;
            match.context_prev = l.context.prev;
            match.context_next = l.context.next;
            // Matches from 99 up are the first of a full lookup, in the same order; a source
            // the memory holds verbatim scores 99 (several translations) to 101.
            if (!options.matches_below_exact && options.min_score < kExactFirstScore) {
              MatchOptions exact = match;
              exact.min_score = kExactFirstScore;
              cached->second = lookup(segment.source, from, to, exact);
            }
            if (cached->second.empty()) cached->second = lookup(segment.source, from, to, match);
          }
          l.matches = cached->second;
        }
        l.match_band = l.matches.empty() ? LeverageBand::kNoMatch : band_for_score(l.matches.front().score);

        auto [seen, inserted] = first_seen.try_emplace(key, d, segment.id);
        if (!inserted) {
          l.first_document = seen->second.first;
          l.first_occurrence = seen->second.second;
        }
        l.band = l.is_repetition() && l.match_band != LeverageBand::kInContext ? LeverageBand::kRepetition
                                                                                 : l.match_band;
        out.segments.push_back(std::move(l));
      }
    }
    result.push_back(std::move(out));
  }
  return result;
}

DocumentLeverage leverage(const Document& document, const LeverageLookup& lookup, std::string_view from,
                          std::string_view to, const LeverageOptions& options) {
  return std::move(leverage(std::vector<const Document*>{&document}, lookup, from, to, options).front());
}

}  // namespace dilmanc

// FuzzyMatcher: candidates from the index (or every variant), exact scores, then the
// best `limit` with their translations, adapted, and their diffs.
#include "dilmanc/fuzzy_matcher.h"

#include <algorithm>
#include <map>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "match/token_distance.h"
#include "memory/fuzzy_index.h"

namespace dilmanc {
namespace {

// A variant of the source language as the exhaustive scan keeps it.
struct ScannedVariant {
  memory::FuzzyCandidate candidate;
  std::vector<std::uint64_t> keys;
};

struct Scored {
  memory::FuzzyCandidate candidate;
  MatchText source;
  ScoreBreakdown breakdown;  // without the alternatives penalty and context
  int upper = 0;             // the best the final score can be
};

std::string codes_key(const InlineText& t) {
  std::string key = t.text;
  for (const auto& c : t.codes) {
    key += '\x1f';
    key += std::to_string(static_cast<int>(c.kind)) + ':' + std::to_string(c.id) + ':' + c.name + ':' + c.original;
  }
  return key;
}

}  // namespace

struct FuzzyMatcher::Impl {
  TranslationMemory& memory;
  memory::FuzzyIndex index;
  MatcherStats stats;
  // The exhaustive scan's copy of each language's variants, with the highest variant id
  // it saw, so that a memory that grew is read again.
  std::map<std::string, std::vector<ScannedVariant>> scanned;
  std::map<std::string, std::int64_t> scanned_through;

  explicit Impl(TranslationMemory& m) : memory(m), index(m.path()) {}

  std::vector<memory::FuzzyCandidate> exhaustive(const MatchText& query, int min_score) {
    const std::int64_t newest = index.newest_variant();
    auto& variants = scanned[query.lang];
    if (scanned_through[query.lang] != newest || variants.empty()) {
      variants.clear();
      index.scan(query.lang, [&](memory::FuzzyCandidate& c) {
        ScannedVariant v;
        v.keys = prepare_for_matching(c.text, query.lang).content_keys();
        v.candidate = std::move(c);
        variants.push_back(std::move(v));
        return true;
      });
      scanned_through[query.lang] = newest;
    }
    const ScoreBounds bounds = score_bounds(query.content_length(), min_score);
    const auto keys = query.content_keys();
    std::vector<memory::FuzzyCandidate> out;
    for (const auto& v : variants) {
      const int length = static_cast<int>(v.keys.size());
      if (length < bounds.min_length || length > bounds.max_length) continue;
      ++stats.candidates;
      const int max = bounds.max_distance(length);
      if (match::token_distance(keys, v.keys, max) <= max) out.push_back(v.candidate);
    }
    return out;
  }
};

FuzzyMatcher::FuzzyMatcher(TranslationMemory& memory) : impl_(std::make_unique<Impl>(memory)) {}
FuzzyMatcher::~FuzzyMatcher() = default;

const MatcherStats& FuzzyMatcher::last_stats() const { return impl_->stats; }

std::vector<FuzzyMatch> FuzzyMatcher::find(std::string_view plain_query, std::string_view from, std::string_view to,
                                           const MatchOptions& options) {
  InlineText t;
  t.text = std::string(plain_query);
  return find(t, from, to, options);
}

std::vector<FuzzyMatch> FuzzyMatcher::find(const InlineText& query_text, std::string_view from, std::string_view to,
                                           const MatchOptions& options) {
  if (options.min_score < 1 || options.min_score > 101)
    ThrowUsage(trf("the minimum score must be between 1 and 101, not {1}", options.min_score));
  if (primary_language(from).empty() || primary_language(to).empty()) ThrowUsage(tr("a language is missing"));
  Impl& x = *impl_;
  x.stats = {};
  const MatchText query = prepare_for_matching(query_text, from);
  const std::string target_lang = primary_language(to);
  const bool has_context = options.context_prev.has_value() || options.context_next.has_value();

  std::vector<memory::FuzzyCandidate> candidates;
  if (options.exhaustive) {
    candidates = x.exhaustive(query, options.min_score);
  } else {
    memory::FuzzyLookupStats lookup;
    candidates = x.index.candidates(query, options.min_score, &lookup);
    x.stats.postings_read = lookup.postings_read;
    x.stats.candidates = lookup.candidates;
  }

  // Exact scores; what can still reach the minimum, best first.
  std::vector<Scored> scored;
  for (auto& c : candidates) {
    Scored s;
    s.source = prepare_for_matching(c.text, from);
    s.breakdown = score_match(query, s.source, options.scoring, 1, false);
    ++x.stats.scored;
    s.upper = s.breakdown.score + (has_context && s.breakdown.score == 100 ? 1 : 0);
    if (s.upper < options.min_score) continue;
    s.candidate = std::move(c);
    scored.push_back(std::move(s));
  }
  std::sort(scored.begin(), scored.end(), [](const Scored& a, const Scored& b) {
    return a.upper != b.upper ? a.upper > b.upper : a.candidate.variant_id < b.candidate.variant_id;
  });

  // Walk groups of identical sources (identical text scores the same, so they are
  // neighbours) until no later group can enter the best `limit`.
  std::vector<FuzzyMatch> results;
  auto kth_score = [&]() {
    std::vector<int> scores;
    for (const auto& r : results) scores.push_back(r.score);
    std::sort(scores.rbegin(), scores.rend());
    return scores.size() >= options.limit && options.limit > 0 ? scores[options.limit - 1] : -1;
  };
  std::size_t i = 0;
  while (i < scored.size()) {
    if (options.limit == 0 || scored[i].upper < kth_score()) break;
    const std::string key = codes_key(scored[i].candidate.text);
    std::size_t end = i + 1;
    std::vector<std::size_t> group{i};
    for (std::size_t j = i + 1; j < scored.size() && scored[j].upper == scored[i].upper; ++j)
      if (codes_key(scored[j].candidate.text) == key) group.push_back(j);
    while (end < scored.size() && scored[end].upper == scored[i].upper) ++end;

    // The group's units with a translation, and how many different translations they hold.
    std::vector<std::pair<std::size_t, TranslationUnit>> units;
    std::vector<std::string> translations;
    for (std::size_t j : group) {
      auto unit = x.memory.unit(scored[j].candidate.unit_id);
      if (!unit) continue;
      const Variant* target = unit->variant(target_lang);
      if (!target) continue;
      std::string t = codes_key(target->text);
      if (std::find(translations.begin(), translations.end(), t) == translations.end()) translations.push_back(t);
      units.emplace_back(j, std::move(*unit));
    }
    for (auto& [j, unit] : units) {
      const Scored& s = scored[j];
      const bool same_context = has_context && unit.context_prev == options.context_prev &&
                                unit.context_next == options.context_next;
      FuzzyMatch m;
      m.breakdown = score_match(query, s.source, options.scoring, static_cast<int>(translations.size()), same_context);
      m.score = m.breakdown.score;
      if (m.score < options.min_score) continue;
      const Variant* target = unit.variant(target_lang);
      m.source = s.candidate.text;
      m.target = target->text;
      m.target_tag = target->tag;
      m.translations = static_cast<int>(translations.size());
      if (options.adapt) {
        Adaptation a = adapt_translation(query, s.source, target->text, target_lang);
        m.target = std::move(a.target);
        m.adapted = a.adapted;
      }
      if (m.score < 100) m.diff = diff_match(query, s.source);
      m.unit_id = unit.id;
      m.origin_file = unit.origin_file;
      m.origin_segment = unit.origin_segment;
      m.changed_at = unit.changed_at;
      m.changed_by = unit.changed_by;
      results.push_back(std::move(m));
    }
    // Members of this score level that are not in the group come next.
    std::vector<Scored> rest;
    for (std::size_t j = i; j < end; ++j)
      if (std::find(group.begin(), group.end(), j) == group.end()) rest.push_back(std::move(scored[j]));
    std::size_t k = i + group.size();
    for (auto& r : rest) scored[k++] = std::move(r);
    i += group.size();
  }

  std::sort(results.begin(), results.end(), [](const FuzzyMatch& a, const FuzzyMatch& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.changed_at != b.changed_at) return a.changed_at > b.changed_at;
    return a.unit_id > b.unit_id;
  });
  if (results.size() > options.limit) results.resize(options.limit);
  return results;
}

}  // namespace dilmanc

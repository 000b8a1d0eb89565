// FuzzyMatcher: candidates from the index (or every variant), exact scores, then the
// best `limit` with their translations, adapted, and their diffs.
#include "dilmanc/fuzzy_matcher.h"

#include <algorithm>
#include <map>
#include <queue>
#include <tuple>

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

// A candidate in ranking order: best bound first, identical sources together.
struct Ranked {
  memory::FuzzyCandidate candidate;
  std::string key;  // the source's text and codes
};

// A match found, before the final cut: what it needs to be ranked and completed.
struct Found {
  FuzzyMatch match;
  const MatchText* source = nullptr;
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
      const int d = match::token_distance(keys, v.keys, max);
      if (d > max) continue;
      out.push_back(v.candidate);
      const int longest = std::max(bounds.query_length, length);
      out.back().upper = longest == 0 ? 100 : 100 * (longest - d) / longest;
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
  // One snapshot and one lock for every read of this lookup.
  struct Reading {
    memory::FuzzyIndex& index;
    explicit Reading(memory::FuzzyIndex& i) : index(i) { index.begin_read(); }
    ~Reading() { index.end_read(); }
    Reading(const Reading&) = delete;
    Reading& operator=(const Reading&) = delete;
  } reading(x.index);
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
  }

  // Best bound first. At equal bounds unchecked candidates come first, so that once the
  // best is checked, so is every candidate that could tie with it; a candidate's check only
  // ever lowers its bound. Most candidates are never checked: the loop ends once no bound
  // left can enter the best `limit`.
  auto heap_less = [](const memory::FuzzyCandidate& a, const memory::FuzzyCandidate& b) {
    if (a.upper != b.upper) return a.upper < b.upper;
    return a.checked && !b.checked;
  };
  std::make_heap(candidates.begin(), candidates.end(), heap_less);
  auto pop = [&] {
    std::pop_heap(candidates.begin(), candidates.end(), heap_less);
    memory::FuzzyCandidate c = std::move(candidates.back());
    candidates.pop_back();
    return c;
  };

  // Score group by group (identical sources, which share their bound, together) until no
  // later group can enter the best `limit`: a group's final scores never exceed its bound
  // (plus one for a possible in-context match).
  std::vector<Found> found;
  std::vector<std::unique_ptr<MatchText>> sources;
  // The `limit` best matches so far, in the final order (score, then newest change, then
  // newest unit), the worst on top.
  using Rank = std::tuple<int, std::string, std::int64_t>;
  std::priority_queue<Rank, std::vector<Rank>, std::greater<Rank>> best;
  bool done = options.limit == 0;
  while (!done && !candidates.empty()) {
    const int upper = candidates.front().upper;
    if (best.size() >= options.limit && upper + (has_context && upper == 100 ? 1 : 0) < std::get<0>(best.top())) break;
    if (!candidates.front().checked) {
      memory::FuzzyCandidate c = pop();
      ++x.stats.candidates;
      if (x.index.check(c)) {
        candidates.push_back(std::move(c));
        std::push_heap(candidates.begin(), candidates.end(), heap_less);
      }
      continue;
    }
    std::vector<Ranked> ranked;
    while (!candidates.empty() && candidates.front().upper == upper) {
      memory::FuzzyCandidate c = pop();
      std::string key = codes_key(c.text);
      ranked.push_back({std::move(c), std::move(key)});
    }
    std::sort(ranked.begin(), ranked.end(), [](const Ranked& a, const Ranked& b) {
      if (a.key != b.key) return a.key < b.key;
      return a.candidate.variant_id < b.candidate.variant_id;
    });
    std::size_t i = 0;
    while (i < ranked.size()) {
      const int bound = upper + (has_context && upper == 100 ? 1 : 0);
      if (best.size() >= options.limit && bound < std::get<0>(best.top())) {
        done = true;
        break;
      }
      std::size_t end = i + 1;
      while (end < ranked.size() && ranked[end].candidate.upper == ranked[i].candidate.upper && ranked[end].key == ranked[i].key)
        ++end;
      // A group whose bound only ties with the last of the best can enter only through a
      // newer change: its units' dates decide without scoring it (short queries have
      // hundreds of such groups, "Show X" against "Show Imports").
      if (best.size() >= options.limit && bound == std::get<0>(best.top())) {
        bool can_enter = false;
        for (std::size_t j = i; j < end && !can_enter; ++j) {
          const std::int64_t unit = ranked[j].candidate.unit_id;
          can_enter = Rank{bound, x.index.unit_changed_at(unit), unit} > best.top();
        }
        if (!can_enter) {
          i = end;
          continue;
        }
      }
      auto source = std::make_unique<MatchText>(prepare_for_matching(ranked[i].candidate.text, from));
      ++x.stats.scored;
      const ScoreBreakdown plain = score_match(query, *source, options.scoring, 1, false);
      if (plain.score + (has_context && plain.score == 100 ? 1 : 0) < options.min_score) {
        i = end;
        continue;
      }
      // The group's translations: how many different ones, and each unit's date and context.
      std::vector<std::pair<std::size_t, memory::FuzzyTarget>> targets;
      std::vector<std::string> distinct;
      for (std::size_t j = i; j < end; ++j) {
        auto target = x.index.target(ranked[j].candidate.unit_id, target_lang);
        if (!target) continue;
        std::string k = codes_key(target->text);
        if (std::find(distinct.begin(), distinct.end(), k) == distinct.end()) distinct.push_back(std::move(k));
        targets.emplace_back(j, std::move(*target));
      }
      for (auto& [j, target] : targets) {
        const bool same_context =
            has_context && target.context_prev == options.context_prev && target.context_next == options.context_next;
        Found f;
        f.match.breakdown = score_match(query, *source, options.scoring, static_cast<int>(distinct.size()), same_context);
        f.match.score = f.match.breakdown.score;
        if (f.match.score < options.min_score) continue;
        f.match.source = ranked[j].candidate.text;
        f.match.target = std::move(target.text);
        f.match.target_tag = std::move(target.tag);
        f.match.translations = static_cast<int>(distinct.size());
        f.match.unit_id = ranked[j].candidate.unit_id;
        f.match.changed_at = std::move(target.changed_at);
        f.match.changed_by = std::move(target.changed_by);
        f.match.origin_file = std::move(target.origin_file);
        f.match.origin_segment = std::move(target.origin_segment);
        f.source = source.get();
        best.push(Rank{f.match.score, f.match.changed_at, f.match.unit_id});
        if (best.size() > options.limit) best.pop();
        found.push_back(std::move(f));
      }
      sources.push_back(std::move(source));
      i = end;
    }
  }

  std::sort(found.begin(), found.end(), [](const Found& a, const Found& b) {
    if (a.match.score != b.match.score) return a.match.score > b.match.score;
    if (a.match.changed_at != b.match.changed_at) return a.match.changed_at > b.match.changed_at;
    return a.match.unit_id > b.match.unit_id;
  });
  if (found.size() > options.limit) found.resize(options.limit);

  // Only the matches shown are completed: adaptation, diff, the unit's origin.
  std::vector<FuzzyMatch> results;
  results.reserve(found.size());
  for (auto& f : found) {
    FuzzyMatch& m = f.match;
    if (options.adapt) {
      Adaptation a = adapt_translation(query, *f.source, m.target, target_lang);
      m.target = std::move(a.target);
      m.adapted = a.adapted;
    }
    if (m.score < 100) m.diff = diff_match(query, *f.source);
    results.push_back(std::move(m));
  }
  return results;
}

}  // namespace dilmanc

// The score: token edit distance over words and numbers, then penalties.
#include <algorithm>

#include "dilmanc/fuzzy_matcher.h"
#include "match/token_distance.h"

namespace dilmanc {
namespace {

enum class Level { kExact, kCased, kBase };

std::uint64_t key_at(const MatchToken& t, Level level) {
  switch (level) {
    case Level::kExact: return t.exact;
    case Level::kCased: return t.cased;
    case Level::kBase: break;
  }
  return t.base;
}

// The keys of the tokens `keep` selects, words and numbers at `level`, others exact.
template <class Keep>
std::vector<std::uint64_t> keys(const MatchText& m, Level level, Keep keep) {
  std::vector<std::uint64_t> out;
  out.reserve(m.tokens.size());
  for (const auto& t : m.tokens) {
    if (!keep(t.kind)) continue;
    out.push_back(is_content(t.kind) ? key_at(t, level) : t.exact);
  }
  return out;
}

// The distance, or any value above `max` once it exceeds it: the time it takes grows with
// the distance it looks for, so each penalty asks only as far as can change the score.
int distance(const MatchText& a, const MatchText& b, Level level, bool (*keep)(TokenKind), int max = 1 << 30) {
  auto ka = keys(a, level, keep);
  auto kb = keys(b, level, keep);
  return match::token_distance(ka, kb, max);
}

// How far beyond `distance` a count of edits at `per` each, capped at `cap` in all, can
// change the penalty: beyond it the penalty is the cap whatever the count.
int penalty_bound(int distance, int per, int cap) {
  if (per <= 0) return 1 << 30;
  const long long edits = std::max(0LL, (static_cast<long long>(cap) + per - 1) / per);
  return static_cast<int>(std::min<long long>(distance + edits, 1 << 30));
}

bool content_only(TokenKind k) { return is_content(k); }
bool content_and_punctuation(TokenKind k) { return is_content(k) || k == TokenKind::kPunctuation; }
bool content_and_codes(TokenKind k) { return is_content(k) || k == TokenKind::kCode; }

}  // namespace

ScoreBreakdown score_match(const MatchText& query, const MatchText& source, const ScoringOptions& options,
                           int translations, bool same_context) {
  ScoreBreakdown s;
  const int lq = query.content_length();
  const int lc = source.content_length();
  s.length = std::max(lq, lc);
  s.distance = distance(query, source, Level::kBase, content_only);
  s.base = s.length == 0 ? 100 : 100 * (s.length - s.distance) / s.length;

  const int cased = distance(query, source, Level::kCased, content_only);
  // Only whether it exceeds `cased` matters.
  const int exact = distance(query, source, Level::kExact, content_only, cased);
  if (cased > s.distance) s.accent_penalty = options.accent_penalty;
  if (exact > cased) s.case_penalty = options.case_penalty;

  const int with_punctuation = distance(query, source, Level::kBase, content_and_punctuation,
               penalty_bound(s.distance, options.punctuation_penalty, options.max_punctuation_penalty));
  const int punctuation_edits = std::max(0, with_punctuation - s.distance);
  s.punctuation_penalty = std::min(options.max_punctuation_penalty, punctuation_edits * options.punctuation_penalty);

  const int with_codes = distance(query, source, Level::kBase, content_and_codes,
               penalty_bound(s.distance, options.code_penalty, options.max_code_penalty));
  const int code_edits = std::max(0, with_codes - s.distance);
  s.code_penalty = std::min(options.max_code_penalty, code_edits * options.code_penalty);

  // Spacing matters only once everything else lines up token for token.
  if (s.distance == 0 && punctuation_edits == 0 && code_edits == 0 && query.tokens.size() == source.tokens.size()) {
    for (std::size_t i = 1; i < query.tokens.size(); ++i) {
      if (query.tokens[i].space_before != source.tokens[i].space_before) {
        s.whitespace_penalty = options.whitespace_penalty;
        break;
      }
    }
  }

  const int penalties = s.case_penalty + s.accent_penalty + s.punctuation_penalty + s.whitespace_penalty + s.code_penalty;
  if (s.base == 100 && penalties == 0 && same_context) {
    s.in_context = true;
    s.score = 101;
    return s;
  }
  if (translations > 1) s.alternatives_penalty = options.alternatives_penalty;
  s.score = std::clamp(s.base - penalties - s.alternatives_penalty, 0, 100);
  return s;
}

ScoreBounds score_bounds(int query_length, int min_score) {
  ScoreBounds b;
  b.query_length = query_length;
  b.min_score = std::clamp(min_score, 1, 100);
  b.min_length = (b.min_score * query_length + 99) / 100;
  b.max_length = 100 * query_length / b.min_score;
  return b;
}

int ScoreBounds::max_distance(int source_length) const {
  const int length = std::max(query_length, source_length);
  return length * (100 - min_score) / 100;
}

int ScoreBounds::min_shared(int source_length) const {
  const int length = std::max(query_length, source_length);
  return length - max_distance(source_length);
}

}  // namespace dilmanc

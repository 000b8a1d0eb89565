// The diff shown with a match: an alignment of all non-space tokens, grouped in runs.
#include <algorithm>
#include <string>

#include "dilmanc/fuzzy_matcher.h"

namespace dilmanc {
namespace {

// Costs in tenths: a token that differs only in case or accents is cheaper to align than
// a different one, so the diff pairs "Report" with "report" rather than inserting both.
constexpr int kIndel = 10;
constexpr int kReplace = 10;
constexpr int kFolded = 4;

int pair_cost(const MatchToken& a, const MatchToken& b) {
  if (a.exact == b.exact) return 0;
  if (a.base == b.base) return kFolded;
  return kReplace;
}

// The text of tokens [first, last] of `m`, inner whitespace kept, codes as {1}.
std::string span_text(const MatchText& m, std::size_t first, std::size_t last) {
  InlineText part;
  const std::size_t begin = m.tokens[first].begin;
  const std::size_t end = m.tokens[last].end;
  part.text = m.text.text.substr(begin, end - begin);
  for (std::size_t i = first; i <= last; ++i) {
    const auto& t = m.tokens[i];
    if (t.kind == TokenKind::kCode && t.code >= 0 && static_cast<std::size_t>(t.code) < m.text.codes.size())
      part.codes.push_back(m.text.codes[static_cast<std::size_t>(t.code)]);
  }
  return display_text(part);
}

enum class Step { kEqual, kChanged, kInsert, kDelete };

}  // namespace

const char* diff_kind_name(DiffPart::Kind kind) {
  switch (kind) {
    case DiffPart::Kind::kEqual: return "equal";
    case DiffPart::Kind::kInserted: return "inserted";
    case DiffPart::Kind::kDeleted: return "deleted";
    case DiffPart::Kind::kReplaced: break;
  }
  return "replaced";
}

std::vector<DiffPart> diff_match(const MatchText& query, const MatchText& source) {
  const std::size_t n = query.tokens.size();
  const std::size_t m = source.tokens.size();
  std::vector<int> cost((n + 1) * (m + 1));
  auto at = [&](std::size_t i, std::size_t j) -> int& { return cost[i * (m + 1) + j]; };
  for (std::size_t i = 0; i <= n; ++i) at(i, 0) = static_cast<int>(i) * kIndel;
  for (std::size_t j = 0; j <= m; ++j) at(0, j) = static_cast<int>(j) * kIndel;
  for (std::size_t i = 1; i <= n; ++i)
    for (std::size_t j = 1; j <= m; ++j)
      at(i, j) = std::min({at(i - 1, j) + kIndel, at(i, j - 1) + kIndel,
                           at(i - 1, j - 1) + pair_cost(query.tokens[i - 1], source.tokens[j - 1])});

  // Walk back, preferring pairs, so runs come out in reading order once reversed.
  std::vector<Step> steps;
  std::size_t i = n, j = m;
  while (i > 0 || j > 0) {
    if (i > 0 && j > 0) {
      int c = pair_cost(query.tokens[i - 1], source.tokens[j - 1]);
      if (at(i, j) == at(i - 1, j - 1) + c) {
        steps.push_back(c == 0 ? Step::kEqual : Step::kChanged);
        --i, --j;
        continue;
      }
    }
    if (i > 0 && at(i, j) == at(i - 1, j) + kIndel) {
      steps.push_back(Step::kInsert);
      --i;
    } else {
      steps.push_back(Step::kDelete);
      --j;
    }
  }
  std::reverse(steps.begin(), steps.end());

  std::vector<DiffPart> parts;
  std::size_t qi = 0, si = 0;
  std::size_t k = 0;
  while (k < steps.size()) {
    const bool equal = steps[k] == Step::kEqual;
    std::size_t q_first = qi, s_first = si;
    while (k < steps.size() && (steps[k] == Step::kEqual) == equal) {
      if (steps[k] != Step::kDelete) ++qi;
      if (steps[k] != Step::kInsert) ++si;
      ++k;
    }
    DiffPart part;
    const bool has_query = qi > q_first;
    const bool has_source = si > s_first;
    if (has_query) part.query = span_text(query, q_first, qi - 1);
    if (has_source) part.source = span_text(source, s_first, si - 1);
    if (equal)
      part.kind = DiffPart::Kind::kEqual;
    else if (has_query && has_source)
      part.kind = DiffPart::Kind::kReplaced;
    else
      part.kind = has_query ? DiffPart::Kind::kInserted : DiffPart::Kind::kDeleted;
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace dilmanc

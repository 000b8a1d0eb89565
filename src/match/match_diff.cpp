// The diff shown with a match: an alignment of all non-space tokens, grouped in runs.
#include <algorithm>
#include <cstdlib>
#include <limits>
#include <string>
#include <vector>

#include "dilmanc/fuzzy_matcher.h"
#include "match/token_distance.h"

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

enum class Step : unsigned char { kEqual, kChanged, kInsert, kDelete };

// The step a walk back from each cell takes, for the cells on diagonals lo..hi (k = i - j):
// a path of cost at most `budget` needs |k| insertions or deletions to reach a cell and
// |n - m - k| more to reach the end, so it touches no other. Given a budget no less than
// the cheapest cost, the walk back follows cheapest paths only, whose every cell holds the
// same cost as in the whole table, so it takes the same steps. Costs are kept for two
// rows; the steps, a byte a cell, for the band.
class Band {
 public:
  static constexpr int kUnreachable = std::numeric_limits<int>::max() / 4;

  Band(const MatchText& query, const MatchText& source, long long budget)
      : n_(query.tokens.size()), m_(source.tokens.size()) {
    const long long gap = static_cast<long long>(n_) - static_cast<long long>(m_);
    const long long slack = std::max(0LL, (budget / kIndel - std::abs(gap)) / 2);
    lo_ = std::max(std::min(0LL, gap) - slack, -static_cast<long long>(m_));
    hi_ = std::min(std::max(0LL, gap) + slack, static_cast<long long>(n_));
    width_ = static_cast<std::size_t>(hi_ - lo_ + 1);
    steps_.assign((n_ + 1) * width_, Step::kDelete);
    // Row i, cell j at index j - i + hi + 1: the cell above is one to the right in the row
    // before, the one diagonally before at the same index, the one to the left one before.
    std::vector<int> before(width_ + 2, kUnreachable), row(width_ + 2, kUnreachable);
    for (std::size_t i = 0; i <= n_; ++i) {
      std::fill(row.begin(), row.end(), kUnreachable);
      const auto first = static_cast<std::size_t>(std::max(0LL, static_cast<long long>(i) - hi_));
      const auto last = static_cast<std::size_t>(std::min(static_cast<long long>(i) - lo_, static_cast<long long>(m_)));
      for (std::size_t j = first; j <= last; ++j) {
        const std::size_t x = index(i, j);
        int cost;
        Step step = Step::kDelete;
        if (i == 0) {
          cost = static_cast<int>(j) * kIndel;
        } else if (j == 0) {
          cost = static_cast<int>(i) * kIndel;
          step = Step::kInsert;
        } else {
          const int c = pair_cost(query.tokens[i - 1], source.tokens[j - 1]);
          const int pair = before[x] + c;
          const int insert = before[x + 1] + kIndel;
          cost = std::min({pair, insert, row[x - 1] + kIndel});
          if (cost == pair)
            step = c == 0 ? Step::kEqual : Step::kChanged;
          else if (cost == insert)
            step = Step::kInsert;
        }
        row[x] = cost;
        steps_[i * width_ + x - 1] = step;
      }
      std::swap(before, row);
    }
  }

  Step step(std::size_t i, std::size_t j) const { return steps_[i * width_ + index(i, j) - 1]; }

 private:
  std::size_t index(std::size_t i, std::size_t j) const {
    return static_cast<std::size_t>(static_cast<long long>(j) - static_cast<long long>(i) + hi_ + 1);
  }

  std::size_t n_, m_;
  long long lo_ = 0, hi_ = 0;
  std::size_t width_ = 0;
  std::vector<Step> steps_;
};

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
  // Every token pair costs at most what a replacement does, so ten times the edit distance
  // over the tokens bounds the cost, and the band needs to be no wider than that distance:
  // time and memory grow with the length times the edits, not with n x m.
  std::vector<std::uint64_t> query_keys, source_keys;
  for (const auto& t : query.tokens) query_keys.push_back(t.exact);
  for (const auto& t : source.tokens) source_keys.push_back(t.exact);
  const Band band(query, source, static_cast<long long>(kIndel) * match::token_distance(query_keys, source_keys));

  // Walk back, preferring pairs, so runs come out in reading order once reversed.
  std::vector<Step> steps;
  std::size_t i = n, j = m;
  while (i > 0 || j > 0) {
    const Step step = band.step(i, j);
    steps.push_back(step);
    if (step != Step::kDelete) --i;
    if (step != Step::kInsert) --j;
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

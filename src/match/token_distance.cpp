#include "match/token_distance.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <vector>

namespace dilmanc::match {
namespace {

// The pattern's match vectors (one bit per pattern position) in a small open-addressing
// table: at most 64 distinct ids in 128 slots.
class PatternMasks {
 public:
  explicit PatternMasks(std::span<const std::uint64_t> pattern) {
    used_.fill(false);
    for (std::size_t i = 0; i < pattern.size(); ++i) slot(pattern[i]) |= std::uint64_t{1} << i;
  }

  std::uint64_t find(std::uint64_t id) const {
    std::size_t s = start(id);
    while (used_[s]) {
      if (keys_[s] == id) return masks_[s];
      s = (s + 1) & (kSlots - 1);
    }
    return 0;
  }

 private:
  static constexpr std::size_t kSlots = 128;
  static std::size_t start(std::uint64_t id) { return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ULL) >> 57); }

  std::uint64_t& slot(std::uint64_t id) {
    std::size_t s = start(id);
    while (used_[s] && keys_[s] != id) s = (s + 1) & (kSlots - 1);
    if (!used_[s]) {
      used_[s] = true;
      keys_[s] = id;
      masks_[s] = 0;
    }
    return masks_[s];
  }

  std::array<std::uint64_t, kSlots> keys_;
  std::array<std::uint64_t, kSlots> masks_;
  std::array<bool, kSlots> used_;
};

int myers(std::span<const std::uint64_t> pattern, std::span<const std::uint64_t> text, int max) {
  const int m = static_cast<int>(pattern.size());
  const int n = static_cast<int>(text.size());
  PatternMasks peq(pattern);
  const std::uint64_t last = std::uint64_t{1} << (m - 1);
  std::uint64_t pv = ~std::uint64_t{0};
  std::uint64_t mv = 0;
  int score = m;
  for (int j = 0; j < n; ++j) {
    const std::uint64_t eq = peq.find(text[static_cast<std::size_t>(j)]);
    const std::uint64_t xv = eq | mv;
    const std::uint64_t xh = (((eq & pv) + pv) ^ pv) | eq;
    std::uint64_t ph = mv | ~(xh | pv);
    std::uint64_t mh = pv & xh;
    if (ph & last)
      ++score;
    else if (mh & last)
      --score;
    // Row 0 of the global distance grows by one per column.
    ph = (ph << 1) | 1;
    mh <<= 1;
    pv = mh | ~(xv | ph);
    mv = ph & xv;
    // Each remaining column lowers the last row by at most one.
    if (score - (n - 1 - j) > max) return max + 1;
  }
  return score;
}

// Diagonal transitions (Ukkonen 1985, Landau and Vishkin 1989): for e = 0, 1, ... the
// furthest row each diagonal reaches with e edits, each followed by its run of equal tokens.
// Time O((n + m) * d) and memory O(d) for a distance d, so near-identical long segments cost
// one pass however long they are; the classic programme filled the whole n x m table.
int diagonal(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b, int max) {
  // a is the shorter: diagonal k = j - i runs from -n to m, and the end is on m - n.
  const int n = static_cast<int>(a.size());
  const int m = static_cast<int>(b.size());
  const int target = m - n;
  const int limit = std::min(max, m);  // never more than m edits
  constexpr int kUnreached = std::numeric_limits<int>::min() / 2;
  // Diagonals -reach-2 .. reach+2, two of margin that are never written on each side; the
  // arrays grow with the edits found, not with the lengths, since fresh pages cost more
  // than a short distance.
  int reach = std::min(limit, 32);
  int offset = reach + 2;
  std::vector<int> previous(static_cast<std::size_t>(2 * reach + 5), kUnreached);
  std::vector<int> current(previous.size(), kUnreached);
  auto slide = [&](int k, int i) {
    while (i < n && i + k < m && a[static_cast<std::size_t>(i)] == b[static_cast<std::size_t>(i + k)]) ++i;
    return i;
  };
  previous[static_cast<std::size_t>(offset)] = slide(0, 0);
  if (target == 0 && previous[static_cast<std::size_t>(offset)] == n) return 0;
  for (int e = 1; e <= limit; ++e) {
    if (e > reach) {
      const int wider = std::min(limit, 2 * reach);
      std::vector<int> moved(static_cast<std::size_t>(2 * wider + 5), kUnreached);
      std::copy(previous.begin(), previous.end(), moved.begin() + (wider - reach));
      previous = std::move(moved);
      current.assign(previous.size(), kUnreached);
      reach = wider;
      offset = reach + 2;
    }
    // A diagonal k still needs |target - k| edits to reach the end: those too far are left.
    const int lo = std::max({-n, -e, target - (limit - e)});
    const int hi = std::min({m, e, target + (limit - e)});
    for (int k = lo; k <= hi; ++k) {
      const auto at = static_cast<std::size_t>(k + offset);
      int i = std::max({previous[at] + 1, previous[at + 1] + 1, previous[at - 1]});
      i = std::min({i, n, m - k});
      i = slide(k, i);
      current[at] = i;
      if (k == target && i == n) return e;
    }
    // The next round reads one diagonal beyond each end of this one.
    current[static_cast<std::size_t>(lo - 1 + offset)] = kUnreached;
    current[static_cast<std::size_t>(hi + 1 + offset)] = kUnreached;
    std::swap(previous, current);
  }
  return max + 1;
}

// The classic dynamic programme over the whole table, as the reference.
int dynamic(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (std::size_t j = 1; j <= b.size(); ++j) {
      int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

int token_distance(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b, int max) {
  if (a.size() > b.size()) std::swap(a, b);
  const int length_gap = static_cast<int>(b.size() - a.size());
  if (length_gap > max) return max + 1;
  if (a.empty()) return static_cast<int>(b.size());
  if (a.size() <= 64) return myers(a, b, max);
  return diagonal(a, b, max);
}

int token_distance_reference(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  return dynamic(a, b);
}

}  // namespace dilmanc::match

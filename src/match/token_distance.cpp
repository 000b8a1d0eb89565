#include "match/token_distance.h"

#include <algorithm>
#include <array>
#include <cstdlib>
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

int dynamic(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b, int max) {
  std::vector<int> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (std::size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    int best = row[0];
    for (std::size_t j = 1; j <= b.size(); ++j) {
      int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
      best = std::min(best, row[j]);
    }
    // Values along a row never fall below the row minimum in later rows.
    if (best > max) return max + 1;
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
  return dynamic(a, b, max);
}

int token_distance_reference(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b) {
  return dynamic(a, b, 1 << 30);
}

}  // namespace dilmanc::match

// A segment's codes found by kind and id, in either numbering: the segment's own
// (Segment::source, what set_translation and the memory use) or the block's (what the
// XLIFF carries, unique in the unit). Extract and merge translate one numbering into the
// other for every code of a translation; a search through the segment's codes for each
// would take time quadratic in their number (a segment may hold 100,000 codes).
#pragma once

#include <algorithm>
#include <cstddef>
#include <vector>

#include "dilmanc/document.h"
#include "dilmanc/inline_text.h"

namespace dilmanc::publish_detail {

class SegmentCodes {
 public:
  enum class Numbering { kSegment, kBlock };

  // Only the segment's codes that stand for a code of the block are found. Refers to
  // `segment` and `block`, which must outlive it unchanged.
  SegmentCodes(const Segment& segment, const Block& block, Numbering by)
      : segment_(segment),
        block_(block),
        by_(by),
        positions_(usable(segment, block)),
        keys_(make_keys(by)),
        index_(keys_) {}

  // The id in the other numbering of the first such code with this kind and id (in the
  // numbering given to the constructor); `fallback` when there is none.
  int other_id(const InlineCode& code, int fallback) const {
    const std::size_t found = index_.find(code);
    if (found == CodeIndex::npos) return fallback;
    const std::size_t k = positions_[found];
    return by_ == Numbering::kSegment ? block_code_id(k) : segment_.source.codes[k].id;
  }

 private:
  // The segment's codes that stand for a code of the block, in the segment's order (so
  // that the index finds the first of equal keys).
  static std::vector<std::size_t> usable(const Segment& segment, const Block& block) {
    std::vector<std::size_t> out;
    const std::size_t n = std::min(segment.source.codes.size(), segment.block_codes.size());
    out.reserve(n);
    for (std::size_t k = 0; k < n; ++k)
      if (segment.block_codes[k] < block.source.codes.size()) out.push_back(k);
    return out;
  }

  int block_code_id(std::size_t k) const { return block_.source.codes[segment_.block_codes[k]].id; }

  // One key (kind and id, nothing else) per usable code.
  std::vector<InlineCode> make_keys(Numbering by) const {
    std::vector<InlineCode> out(positions_.size());
    for (std::size_t i = 0; i < positions_.size(); ++i) {
      const std::size_t k = positions_[i];
      out[i].kind = segment_.source.codes[k].kind;
      out[i].id = by == Numbering::kSegment ? segment_.source.codes[k].id : block_code_id(k);
    }
    return out;
  }

  const Segment& segment_;
  const Block& block_;
  Numbering by_;
  std::vector<std::size_t> positions_;
  std::vector<InlineCode> keys_;
  CodeIndex index_;
};

}  // namespace dilmanc::publish_detail

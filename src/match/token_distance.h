// Edit distance between two sequences of token ids (64-bit hashes): insertions,
// deletions and replacements of whole tokens, each costing 1.
//
// Bit-parallel (Myers 1999, in Hyyro's formulation for the global distance): the shorter
// sequence, up to 64 tokens, becomes bit vectors and each token of the other costs a
// handful of word operations. Longer pairs follow the diagonals (Ukkonen, Landau and
// Vishkin): time grows with length times the distance found, memory with the distance,
// so a segment of 100,000 tokens against a near copy costs about one pass. With a bound
// `max`, both stop as soon as the distance is known to exceed it.
#pragma once

#include <cstdint>
#include <span>

namespace dilmanc::match {

// The distance, or any value greater than `max` when it exceeds `max`.
int token_distance(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b,
                   int max = 1 << 30);

// The same by the plain dynamic programme over the whole table, for tests.
int token_distance_reference(std::span<const std::uint64_t> a, std::span<const std::uint64_t> b);

}  // namespace dilmanc::match

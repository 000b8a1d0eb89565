// The neutral form in which the memory stores a variant's inline codes (docs/memory-format.md):
// the marker text as it is, plus this compact, length-prefixed serialization of `codes`,
// one record per code in marker order:
//
//   KIND ID [i] ":" LEN ":" NAME ":" LEN ":" ORIGINAL
//
// KIND is o (opening), c (closing) or p (placeholder); "i" marks an isolated code; LEN is
// the byte length of the following field in decimal. Lengths make any byte sequence safe
// in NAME and ORIGINAL. A variant without codes stores NULL.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/inline_text.h"

namespace dilmanc::memory {

std::string serialize_codes(const std::vector<InlineCode>& codes);

// Throws Error(kInput) when `data` is not a serialization made by serialize_codes.
std::vector<InlineCode> parse_codes(std::string_view data);

}  // namespace dilmanc::memory

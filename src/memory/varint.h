// Unsigned varints, 7 bits a byte, low bits first, the high bit set on every byte but the
// last: the encoding of the posting lists of the concordance and fuzzy-match indexes
// (docs/memory-format.md).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace dilmanc::memory {

inline void put_varint(std::string& out, std::uint64_t v) {
  char buffer[10];
  std::size_t n = 0;
  while (v >= 0x80) {
    buffer[n++] = static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  buffer[n++] = static_cast<char>(v);
  out.append(buffer, n);
}

// The varint at p[*i] (of n bytes), advancing *i past it; a truncated one ends at n.
inline std::uint64_t get_varint(const unsigned char* p, std::size_t n, std::size_t* i) {
  std::uint64_t v = 0;
  int shift = 0;
  while (*i < n) {
    const unsigned char b = p[(*i)++];
    v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) break;
  }
  return v;
}

}  // namespace dilmanc::memory

// The 64-bit token ids the matcher compares and the fuzzy index stores. They are part of
// the memory file's format (docs/memory-format.md): changing them means rebuilding the index.
#pragma once

#include <cstdint>
#include <string_view>

namespace dilmanc::match {

// FNV-1a over the bytes, then a final mix so that nearby keys spread over all bits.
// hash_key fed a byte at a time, for keys folded on the fly.
class KeyHasher {
 public:
  void add(unsigned char c) {
    h_ ^= c;
    h_ *= 0x100000001B3ULL;
  }
  std::uint64_t finish() const {
    std::uint64_t h = h_;
    h ^= h >> 33;
    h *= 0xFF51AFD7ED558CCDULL;
    h ^= h >> 33;
    return h;
  }

 private:
  std::uint64_t h_ = 0xCBF29CE484222325ULL;
};

inline std::uint64_t hash_key(std::string_view key) {
  KeyHasher h;
  for (unsigned char c : key) h.add(c);
  return h.finish();
}

// A token's id in the index: its base key within one language, as a signed 64-bit value
// (what SQLite's INTEGER holds).
inline std::int64_t index_token(std::uint64_t base_key, std::string_view primary_lang) {
  std::uint64_t h = base_key ^ (hash_key(primary_lang) * 0x9E3779B97F4A7C15ULL);
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 32;
  return static_cast<std::int64_t>(h);
}

}  // namespace dilmanc::match

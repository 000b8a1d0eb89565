// Concordance search: from a search key to an FTS5 query over the per-language trigram
// index, and from a hit back to the byte ranges to highlight.
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include "dilmanc/inline_text.h"
#include "dilmanc/text.h"
#include "memory/memory_internal.h"

namespace dilmanc::memory {
namespace {

std::vector<std::string> code_points(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t start = i;
    UChar32 c;
    U8_NEXT(s.data(), i, s.size(), c);
    out.emplace_back(s.substr(start, i - start));
  }
  return out;
}

std::string quoted(const std::string& term) {
  std::string out = "\"";
  for (char c : term) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

// The index has detail=none (a third of the size of a full one), so it cannot check that
// trigrams are adjacent: the query asks for a covering set of them and the caller confirms
// each candidate with instr() on its key. Keys of one or two characters have no trigram of
// their own; they are anchored on the boundary marker or a space instead.
std::string trigram_query(std::string_view key) {
  const auto cps = code_points(key);
  const std::string b(1, kKeyBoundary);
  std::string query;
  auto add = [&](const std::string& term, const char* op) {
    if (!query.empty()) query += op;
    query += quoted(term);
  };
  if (cps.size() == 1) {
    const std::string& c = cps[0];
    for (const auto& before : {b, std::string(" ")})
      for (const auto& after : {b, std::string(" ")}) {
        std::string term = before;
        term.append(c).append(after);
        add(term, " OR ");
      }
    return query;
  }
  if (cps.size() == 2) {
    for (const auto& before : {b, std::string(" ")}) {
      std::string term = before;
      term.append(cps[0]).append(cps[1]);
      add(term, " OR ");
    }
    return query;
  }
  for (std::size_t i = 0;; i += 3) {
    if (i + 3 >= cps.size()) {
      std::size_t last = cps.size() - 3;
      add(cps[last] + cps[last + 1] + cps[last + 2], " AND ");
      break;
    }
    add(cps[i] + cps[i + 1] + cps[i + 2], " AND ");
  }
  return query;
}

// Folds the text one character at a time, remembering where each folded byte came from,
// then looks for the key in the folded text.
std::vector<std::pair<std::size_t, std::size_t>> find_matches(std::string_view text, std::string_view key,
                                                              std::string_view lang) {
  std::string folded;
  std::vector<std::size_t> from, to;  // per folded byte: the source character's range
  InlineCode::Kind kind;
  for (std::size_t i = 0; i < text.size();) {
    if (marker_at(text, i, &kind)) {
      i += kMarkerBytes;
      continue;
    }
    std::size_t start = i;
    UChar32 c;
    U8_NEXT(text.data(), i, text.size(), c);
    std::string piece;
    if (c < 0) continue;
    if (u_isUWhiteSpace(c)) {
      if (folded.empty() || folded.back() == ' ') continue;
      piece.assign(1, ' ');
    } else {
      piece = search_key(text.substr(start, i - start), lang);
    }
    for (char ch : piece) {
      folded += ch;
      from.push_back(start);
      to.push_back(i);
    }
  }
  std::vector<std::pair<std::size_t, std::size_t>> out;
  if (key.empty()) return out;
  for (std::size_t pos = folded.find(key); pos != std::string::npos; pos = folded.find(key, pos + key.size()))
    out.emplace_back(from[pos], to[pos + key.size() - 1]);
  return out;
}

}  // namespace dilmanc::memory

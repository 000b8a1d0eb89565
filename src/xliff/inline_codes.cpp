#include "xliff/inline_codes.h"

#include <map>
#include <utility>

namespace dilmanc::xliff_detail {

void repair_pairs(InlineText& t) {
  // For each id, the index of its first opening and of the first closing after it.
  std::map<int, std::size_t> open_at;
  std::vector<bool> paired(t.codes.size(), false);
  for (std::size_t k = 0; k < t.codes.size(); ++k) {
    const InlineCode& c = t.codes[k];
    if (c.kind == InlineCode::Kind::kOpening) {
      open_at.emplace(c.id, k);
    } else if (c.kind == InlineCode::Kind::kClosing) {
      auto it = open_at.find(c.id);
      if (it != open_at.end() && !paired[it->second]) {
        paired[it->second] = true;
        paired[k] = true;
      }
    }
  }
  for (std::size_t k = 0; k < t.codes.size(); ++k)
    if (t.codes[k].kind != InlineCode::Kind::kPlaceholder) t.codes[k].isolated = !paired[k];
  if (!check_codes(t).empty()) {
    for (InlineCode& c : t.codes)
      if (c.kind != InlineCode::Kind::kPlaceholder) c.isolated = true;
  }
}

void append_inline(InlineText& t, const InlineText& more) {
  t.text += more.text;
  t.codes.insert(t.codes.end(), more.codes.begin(), more.codes.end());
}

std::string markup_name(std::string_view original) {
  std::size_t i = 0;
  while (i < original.size() && (original[i] == ' ' || original[i] == '\t' || original[i] == '\n')) ++i;
  if (i >= original.size() || original[i] != '<') return "";
  ++i;
  if (i < original.size() && original[i] == '/') ++i;
  std::size_t start = i;
  while (i < original.size()) {
    char c = original[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == ':';
    if (!ok) break;
    ++i;
  }
  std::string name(original.substr(start, i - start));
  for (char& c : name)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return name;
}

}  // namespace dilmanc::xliff_detail

#include "memory/inline_codes_builder.h"

#include <charconv>
#include <set>

#include "dilmanc/messages.h"

namespace dilmanc::memory {

void InlineCodesBuilder::text(std::string_view run) { text_.append(run); }

void InlineCodesBuilder::code(Raw raw) {
  using K = Raw::Kind;
  const bool opening = raw.kind == K::kOpen || raw.kind == K::kIsolatedOpen;
  const bool closing = raw.kind == K::kClose || raw.kind == K::kIsolatedClose;
  text_.append(opening ? kOpeningMarker : closing ? kClosingMarker : kPlaceholderMarker);
  raws_.push_back(std::move(raw));
}

InlineText InlineCodesBuilder::finish(std::string& error) {
  using K = Raw::Kind;
  const std::size_t n = raws_.size();
  std::vector<long> partner(n, -1);
  for (std::size_t a = 0; a < n; ++a) {
    if (raws_[a].kind != K::kOpen) continue;
    for (std::size_t b = a + 1; b < n; ++b)
      if (raws_[b].kind == K::kClose && partner[b] < 0 && raws_[b].pair_key == raws_[a].pair_key) {
        partner[a] = static_cast<long>(b);
        partner[b] = static_cast<long>(a);
        break;
      }
  }
  // Pairs must nest; when they overlap, every pair is written as two isolated codes.
  bool nested = true;
  std::vector<std::size_t> open;
  for (std::size_t k = 0; k < n; ++k) {
    if (partner[k] < 0) continue;
    if (raws_[k].kind == K::kOpen) {
      open.push_back(k);
    } else {
      if (open.empty() || open.back() != static_cast<std::size_t>(partner[k])) nested = false;
      if (!open.empty()) open.pop_back();
    }
  }
  // Overlapping pairs keep their shared id but are written as isolated codes.
  const bool isolate_pairs = !nested;

  // Ids: one per pair, isolated code or placeholder ("unit"), taken from x when possible.
  std::vector<long> unit_of(n, -1);
  std::vector<std::string> unit_x;
  for (std::size_t k = 0; k < n; ++k) {
    if (partner[k] >= 0 && static_cast<std::size_t>(partner[k]) < k) {
      unit_of[k] = unit_of[static_cast<std::size_t>(partner[k])];
      continue;
    }
    unit_of[k] = static_cast<long>(unit_x.size());
    unit_x.push_back(raws_[k].x);
  }
  bool use_x = true;
  std::set<int> seen;
  std::vector<int> ids(unit_x.size());
  for (std::size_t u = 0; u < unit_x.size() && use_x; ++u) {
    int v = 0;
    auto [p, ec] = std::from_chars(unit_x[u].data(), unit_x[u].data() + unit_x[u].size(), v);
    if (ec != std::errc() || p != unit_x[u].data() + unit_x[u].size() || v <= 0 || !seen.insert(v).second)
      use_x = false;
    ids[u] = v;
  }
  if (!use_x)
    for (std::size_t u = 0; u < ids.size(); ++u) ids[u] = static_cast<int>(u) + 1;

  InlineText out;
  out.text = std::move(text_);
  for (std::size_t k = 0; k < n; ++k) {
    const Raw& r = raws_[k];
    InlineCode c;
    c.id = ids[static_cast<std::size_t>(unit_of[k])];
    c.original = r.original;
    c.name = r.name;
    switch (r.kind) {
      case K::kOpen:
      case K::kIsolatedOpen:
        c.kind = InlineCode::Kind::kOpening;
        c.isolated = partner[k] < 0 || isolate_pairs;
        break;
      case K::kClose:
      case K::kIsolatedClose:
        c.kind = InlineCode::Kind::kClosing;
        c.isolated = partner[k] < 0 || isolate_pairs;
        if (partner[k] >= 0) c.name = raws_[static_cast<std::size_t>(partner[k])].name;
        break;
      case K::kPlaceholder:
        c.kind = InlineCode::Kind::kPlaceholder;
        break;
    }
    out.codes.push_back(std::move(c));
  }
  raws_.clear();
  text_.clear();
  if (std::string problem = check_codes(out); !problem.empty())
    error = trf("inconsistent inline codes: {1}", problem);
  return out;
}

}  // namespace dilmanc::memory

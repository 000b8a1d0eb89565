#include "dilmanc/inline_text.h"

#include <unordered_map>
#include <vector>

namespace dilmanc {

std::string_view marker_for(InlineCode::Kind kind) {
  switch (kind) {
    case InlineCode::Kind::kOpening: return kOpeningMarker;
    case InlineCode::Kind::kClosing: return kClosingMarker;
    case InlineCode::Kind::kPlaceholder: break;
  }
  return kPlaceholderMarker;
}

bool marker_at(std::string_view text, std::size_t pos, InlineCode::Kind* kind) {
  if (pos + kMarkerBytes > text.size() || text[pos] != '\xEE' || text[pos + 1] != '\x84') return false;
  switch (text[pos + 2]) {
    case '\x81': *kind = InlineCode::Kind::kOpening; return true;
    case '\x82': *kind = InlineCode::Kind::kClosing; return true;
    case '\x83': *kind = InlineCode::Kind::kPlaceholder; return true;
    default: return false;
  }
}

std::string plain_text(const InlineText& t) {
  // Spans between markers copied whole: most text has none.
  const std::string_view text = t.text;
  std::string out;
  out.reserve(text.size());
  InlineCode::Kind kind;
  std::size_t from = 0;
  for (std::size_t i = text.find('\xEE'); i != std::string_view::npos; i = text.find('\xEE', i)) {
    if (!marker_at(text, i, &kind)) {
      ++i;
      continue;
    }
    out.append(text, from, i - from);
    i += kMarkerBytes;
    from = i;
  }
  out.append(text, from);
  return out;
}

std::string display_text(const InlineText& t) {
  std::string out;
  out.reserve(t.text.size() + 8 * t.codes.size());
  std::size_t k = 0;
  InlineCode::Kind kind;
  for (std::size_t i = 0; i < t.text.size();) {
    if (marker_at(t.text, i, &kind)) {
      i += kMarkerBytes;
      if (k >= t.codes.size()) continue;
      const InlineCode& c = t.codes[k++];
      std::string id = std::to_string(c.id);
      switch (c.kind) {
        case InlineCode::Kind::kOpening: out += c.isolated ? "{" + id + ">}" : "{" + id + "}"; break;
        case InlineCode::Kind::kClosing: out += c.isolated ? "{<" + id + "}" : "{/" + id + "}"; break;
        case InlineCode::Kind::kPlaceholder: out += "{" + id + "/}"; break;
      }
      continue;
    }
    out += t.text[i++];
  }
  return out;
}

void append_text(InlineText& t, std::string_view text) { t.text.append(text); }

void append_code(InlineText& t, InlineCode code) {
  t.text.append(marker_for(code.kind));
  t.codes.push_back(std::move(code));
}

CodeIndex::CodeIndex(const std::vector<InlineCode>& codes) {
  index_.reserve(codes.size());
  for (std::size_t k = 0; k < codes.size(); ++k) index_.emplace(key(codes[k].kind, codes[k].id), k);
}

std::size_t CodeIndex::find(InlineCode::Kind kind, int id) const {
  auto it = index_.find(key(kind, id));
  return it == index_.end() ? npos : it->second;
}

std::string check_codes(const InlineText& t) {
  std::size_t markers = 0;
  std::vector<const InlineCode*> order;
  InlineCode::Kind kind;
  // From one marker lead byte to the next: most text has none.
  for (std::size_t i = t.text.find('\xEE'); i != std::string::npos; i = t.text.find('\xEE', i)) {
    if (marker_at(t.text, i, &kind)) {
      if (markers >= t.codes.size()) return "more code markers than codes";
      if (t.codes[markers].kind != kind) return "code " + std::to_string(t.codes[markers].id) + " has the wrong marker";
      order.push_back(&t.codes[markers]);
      ++markers;
      i += kMarkerBytes;
    } else {
      ++i;
    }
  }
  if (markers != t.codes.size()) return "fewer code markers than codes";
  std::vector<int> open;
  std::unordered_map<int, int> seen_opening, seen_closing, seen_placeholder;
  for (const InlineCode* c : order) {
    if (c->kind == InlineCode::Kind::kPlaceholder) {
      if (seen_placeholder[c->id]++) return "code " + std::to_string(c->id) + " appears twice";
      continue;
    }
    if (c->kind == InlineCode::Kind::kOpening) {
      if (seen_opening[c->id]++) return "code " + std::to_string(c->id) + " opens twice";
      if (!c->isolated) open.push_back(c->id);
      continue;
    }
    if (seen_closing[c->id]++) return "code " + std::to_string(c->id) + " closes twice";
    if (c->isolated) continue;
    if (open.empty() || open.back() != c->id) return "code " + std::to_string(c->id) + " closes out of order";
    open.pop_back();
  }
  if (!open.empty()) return "code " + std::to_string(open.back()) + " is not closed";
  return "";
}

}  // namespace dilmanc

// Blocks, segments and putting translations back.
#include "dilmanc/document.h"

#include <algorithm>
#include <cstdio>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"

namespace dilmanc {

std::string block_id(std::size_t index) {
  char id[24];
  std::snprintf(id, sizeof id, "b%zu", index + 1);
  return id;
}

const char* block_kind_name(BlockKind kind) {
  switch (kind) {
    case BlockKind::kTitle: return "title";
    case BlockKind::kHeading: return "heading";
    case BlockKind::kParagraph: return "paragraph";
    case BlockKind::kListItem: return "list-item";
    case BlockKind::kTableCell: return "table-cell";
    case BlockKind::kCaption: return "caption";
    case BlockKind::kQuote: return "quote";
    case BlockKind::kTerm: return "term";
    case BlockKind::kDefinition: return "definition";
    case BlockKind::kLabel: return "label";
    case BlockKind::kText: return "text";
    case BlockKind::kNavigation: return "navigation";
    case BlockKind::kFooter: return "footer";
    case BlockKind::kAltText: return "alt-text";
    case BlockKind::kTooltip: return "tooltip";
    case BlockKind::kPlaceholderText: return "placeholder";
    case BlockKind::kAriaLabel: return "aria-label";
    case BlockKind::kMetaTitle: return "meta-title";
    case BlockKind::kMetaDescription: return "meta-description";
  }
  return "paragraph";
}

namespace {

// How a code is shown in messages, the way display_text shows it.
std::string code_token(const InlineCode& c) {
  std::string id = std::to_string(c.id);
  switch (c.kind) {
    case InlineCode::Kind::kOpening: return c.isolated ? "{" + id + ">}" : "{" + id + "}";
    case InlineCode::Kind::kClosing: return c.isolated ? "{<" + id + "}" : "{/" + id + "}";
    case InlineCode::Kind::kPlaceholder: break;
  }
  return "{" + id + "/}";
}

// Checks `target` against `source` (see set_translation) and returns it with the
// source's codes in the target's order, so that the writer has their markup.
InlineText checked_translation(const InlineText& source, InlineText target, const std::string& unit) {
  std::size_t markers = 0;
  InlineCode::Kind kind;
  for (std::size_t i = 0; i < target.text.size();) {
    if (marker_at(target.text, i, &kind)) {
      if (markers < target.codes.size() && target.codes[markers].kind != kind) break;
      ++markers;
      i += kMarkerBytes;
    } else {
      ++i;
    }
  }
  if (markers != target.codes.size())
    ThrowInput(trf("segment {1}: the code markers of the translation do not match its codes", unit));

  std::vector<int> used(source.codes.size(), 0);
  InlineText out;
  out.text = std::move(target.text);
  out.codes.reserve(target.codes.size());
  const CodeIndex index(source.codes);
  for (const InlineCode& t : target.codes) {
    const std::size_t k = index.find(t);
    if (k == CodeIndex::npos)
      ThrowInput(trf("segment {1}: the translation has code {2}, which the source does not have", unit,
                     code_token(t)));
    if (used[k]++) ThrowInput(trf("segment {1}: the translation repeats code {2}", unit, code_token(source.codes[k])));
    out.codes.push_back(source.codes[k]);
  }
  for (std::size_t k = 0; k < source.codes.size(); ++k)
    if (!used[k]) ThrowInput(trf("segment {1}: the translation lacks code {2}", unit, code_token(source.codes[k])));
  if (!check_codes(out).empty())
    ThrowInput(trf("segment {1}: the paired codes of the translation are not balanced", unit));

  // Isolated codes pair with codes in other segments: reordering them would cross pairs.
  std::vector<std::pair<InlineCode::Kind, int>> source_isolated, target_isolated;
  for (const auto& c : source.codes)
    if (c.isolated) source_isolated.emplace_back(c.kind, c.id);
  for (const auto& c : out.codes)
    if (c.isolated) target_isolated.emplace_back(c.kind, c.id);
  for (std::size_t i = 0; i < source_isolated.size(); ++i) {
    if (source_isolated[i] == target_isolated[i]) continue;
    auto token = [&](const std::pair<InlineCode::Kind, int>& k) {
      for (const auto& c : source.codes)
        if (c.kind == k.first && c.id == k.second) return code_token(c);
      return std::string();
    };
    ThrowInput(trf("segment {1}: the translation changes the order of codes {2} and {3}", unit,
                   token(source_isolated[i]), token(target_isolated[i])));
  }
  return out;
}

}  // namespace

Segment* find_segment(Document& document, std::string_view id) {
  return const_cast<Segment*>(find_segment(static_cast<const Document&>(document), id));
}

const Segment* find_segment(const Document& document, std::string_view id) {
  // "b<N>.s<M>": go to the block directly, then search it.
  if (id.size() < 5 || id[0] != 'b') return nullptr;
  std::size_t dot = id.find(".s");
  if (dot == std::string_view::npos) return nullptr;
  std::size_t n = 0;
  for (std::size_t i = 1; i < dot; ++i) {
    if (id[i] < '0' || id[i] > '9') return nullptr;
    n = n * 10 + static_cast<std::size_t>(id[i] - '0');
  }
  if (n == 0 || n > document.blocks.size()) return nullptr;
  for (const Segment& s : document.blocks[n - 1].segments)
    if (s.id == id) return &s;
  return nullptr;
}

void set_translation(Document& document, std::string_view id, InlineText target) {
  Segment* segment = find_segment(document, id);
  if (!segment) ThrowUsage(trf("no segment '{1}' in the document", std::string(id)));
  segment->target = checked_translation(segment->source, std::move(target), segment->id);
  Block& block = document.blocks[static_cast<std::size_t>(std::stoul(segment->id.substr(1))) - 1];
  block.target.reset();
}

void set_block_translation(Document& document, std::size_t index, InlineText target) {
  if (index >= document.blocks.size())
    ThrowUsage(trf("no block {1} in the document", std::to_string(index + 1)));
  Block& block = document.blocks[index];
  block.target = checked_translation(block.source, std::move(target), block.id);
  for (Segment& s : block.segments) s.target.reset();
}

bool block_translated(const Block& block) {
  if (block.target) return true;
  return std::any_of(block.segments.begin(), block.segments.end(),
                     [](const Segment& s) { return s.target.has_value(); });
}

InlineText block_output(const Block& block) {
  if (block.target) return *block.target;
  if (block.segments.empty() || !block_translated(block)) return block.source;
  InlineText out;
  auto append = [&out](const InlineText& part, const std::vector<std::size_t>* map, const Block& b) {
    std::size_t k = 0;
    InlineCode::Kind kind;
    for (std::size_t i = 0; i < part.text.size();) {
      if (marker_at(part.text, i, &kind)) {
        const InlineCode& c = part.codes[k];
        append_code(out, map ? b.source.codes[(*map)[k]] : c);
        ++k;
        i += kMarkerBytes;
        continue;
      }
      std::size_t j = i;
      while (j < part.text.size() && !marker_at(part.text, j, &kind)) ++j;
      append_text(out, std::string_view(part.text).substr(i, j - i));
      i = j;
    }
  };
  for (std::size_t i = 0; i < block.segments.size(); ++i) {
    append(block.gaps[i], nullptr, block);
    const Segment& s = block.segments[i];
    if (!s.target) {
      append(s.source, &s.block_codes, block);
      continue;
    }
    // The target holds the segment's codes in a new order: map each back by kind and id.
    InlineText mapped;
    mapped.text = s.target->text;
    mapped.codes.reserve(s.target->codes.size());
    const CodeIndex index(s.source.codes);
    for (const InlineCode& c : s.target->codes)
      if (std::size_t k = index.find(c); k != CodeIndex::npos && k < s.block_codes.size())
        mapped.codes.push_back(block.source.codes[s.block_codes[k]]);
    append(mapped, nullptr, block);
  }
  append(block.gaps.back(), nullptr, block);
  return out;
}

}  // namespace dilmanc

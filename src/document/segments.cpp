// Cutting blocks into sentence segments: the block's text without codes goes to the
// sentence splitter, and the spans it returns are mapped back onto the marked-up text.
//
// Everything here is linear in the block's size and number of codes (a block may be a
// 50 MB paragraph, or hold 100,000 codes): maps between offsets are kept per code, not
// per byte, and codes are found by offset with a binary search.
#include <algorithm>
#include <unordered_map>
#include <vector>

#include "dilmanc/document.h"

namespace dilmanc {
namespace {

// The block's text as the splitter sees it: the marked text without its markers, a br
// becoming a line break. The two differ only at codes, so the map between their offsets
// is a list of runs, one per stretch of text between codes and one per br.
struct PlainView {
  struct Run {
    std::size_t plain = 0;   // where the run starts in `text`
    std::size_t marked = 0;  // where it starts in the marked text
    bool br = false;         // a line break standing for a br code (one byte for a marker)
  };
  std::string text;
  std::vector<Run> runs;

  const Run& run_of(std::size_t p) const {
    auto it = std::upper_bound(runs.begin(), runs.end(), p, [](std::size_t x, const Run& r) { return x < r.plain; });
    return *(it - 1);
  }
  // The offset in the marked text of plain byte p, and the offset after it.
  std::size_t begin(std::size_t p) const {
    const Run& r = run_of(p);
    return r.br ? r.marked : r.marked + (p - r.plain);
  }
  std::size_t end(std::size_t p) const {
    const Run& r = run_of(p);
    return r.br ? r.marked + kMarkerBytes : r.marked + (p - r.plain) + 1;
  }
};

PlainView plain_view(const InlineText& t) {
  PlainView v;
  v.text.reserve(t.text.size());
  std::size_t k = 0;
  InlineCode::Kind kind;
  for (std::size_t i = 0; i < t.text.size();) {
    if (marker_at(t.text, i, &kind)) {
      // A line break ends a line of text: the splitter must see whitespace there.
      if (kind == InlineCode::Kind::kPlaceholder && k < t.codes.size() && t.codes[k].name == "br") {
        v.runs.push_back({v.text.size(), i, true});
        v.text += '\n';
      }
      ++k;
      i += kMarkerBytes;
      continue;
    }
    std::size_t j = i;
    while (j < t.text.size() && !marker_at(t.text, j, &kind)) ++j;
    v.runs.push_back({v.text.size(), i, false});
    v.text.append(t.text, i, j - i);
    i = j;
  }
  return v;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; }

// The offset of each code's marker in `t`, in code order (so in increasing order).
std::vector<std::size_t> code_offsets(const InlineText& t) {
  std::vector<std::size_t> out;
  out.reserve(t.codes.size());
  InlineCode::Kind kind;
  for (std::size_t i = 0; i < t.text.size();) {
    if (marker_at(t.text, i, &kind)) {
      out.push_back(i);
      i += kMarkerBytes;
    } else {
      ++i;
    }
  }
  return out;
}

// The first code whose marker is at or after `offset`.
std::size_t first_code_from(const std::vector<std::size_t>& offsets, std::size_t offset) {
  return static_cast<std::size_t>(std::lower_bound(offsets.begin(), offsets.end(), offset) - offsets.begin());
}

// The part [from, to) of the block's text as a gap: codes keep their block numbers.
InlineText gap_text(const InlineText& t, const std::vector<std::size_t>& offsets, std::size_t from, std::size_t to) {
  InlineText out;
  out.text = t.text.substr(from, to - from);
  for (std::size_t k = first_code_from(offsets, from); k < offsets.size() && offsets[k] < to && k < t.codes.size(); ++k)
    out.codes.push_back(t.codes[k]);
  return out;
}

// The partner of each paired code, by code index (-1: none): an opening pairs with the
// first closing of the same id after it.
std::vector<std::ptrdiff_t> partners(const std::vector<InlineCode>& codes) {
  std::vector<std::ptrdiff_t> partner(codes.size(), -1);
  std::unordered_map<int, std::vector<std::size_t>> open;  // id -> openings not yet closed
  for (std::size_t k = 0; k < codes.size(); ++k) {
    if (codes[k].kind == InlineCode::Kind::kOpening) {
      open[codes[k].id].push_back(k);
    } else if (codes[k].kind == InlineCode::Kind::kClosing) {
      auto it = open.find(codes[k].id);
      if (it == open.end() || it->second.empty()) continue;
      for (std::size_t opening : it->second) partner[opening] = static_cast<std::ptrdiff_t>(k);
      partner[k] = static_cast<std::ptrdiff_t>(it->second.back());
      it->second.clear();
    }
  }
  return partner;
}

}  // namespace

void segment_document(Document& document, const SentenceSplitter& split) {
  for (std::size_t b = 0; b < document.blocks.size(); ++b) {
    Block& block = document.blocks[b];
    block.segments.clear();
    block.gaps.clear();
    const InlineText& src = block.source;
    const PlainView plain = plain_view(src);
    const std::vector<std::size_t> offset_of = code_offsets(src);
    const std::vector<std::ptrdiff_t> partner = partners(src.codes);

    std::size_t previous_end = 0;
    InlineCode::Kind kind;
    std::vector<SentenceSpan> spans;
    for (const SentenceSpan& span : split(plain.text))
      if (span.begin < span.end && span.end <= plain.text.size()) spans.push_back(span);
    for (std::size_t n = 0; n < spans.size(); ++n) {
      std::size_t from = plain.begin(spans[n].begin);
      std::size_t to = plain.end(spans[n].end - 1);
      // Codes before the first sentence and after the last one are the sentence's: the
      // reader left only codes that belong to the text at a block's edges.
      if (n == 0) from = 0;
      if (n + 1 == spans.size()) to = src.text.size();
      // Between sentences, openings and standalone codes other than line breaks that lead
      // up to a sentence (across spaces) are its own, and so are closings right after it.
      for (std::size_t at = from; at > previous_end;) {
        std::size_t k = at;
        while (k > previous_end && is_space(src.text[k - 1])) --k;
        if (k < previous_end + kMarkerBytes || !marker_at(src.text, k - kMarkerBytes, &kind)) break;
        const std::size_t index = first_code_from(offset_of, k - kMarkerBytes);
        if (index >= src.codes.size()) break;
        const InlineCode& code = src.codes[index];
        bool leads = kind == InlineCode::Kind::kOpening || (kind == InlineCode::Kind::kPlaceholder && code.name != "br");
        if (!leads) break;
        at = from = k - kMarkerBytes;
      }
      while (marker_at(src.text, to, &kind) && kind == InlineCode::Kind::kClosing) to += kMarkerBytes;

      block.gaps.push_back(gap_text(src, offset_of, previous_end, from));
      Segment segment;
      segment.id = block.id + ".s" + std::to_string(block.segments.size() + 1);
      segment.source.text = src.text.substr(from, to - from);
      std::unordered_map<std::size_t, int> new_ids;  // block code index -> segment id
      int next_id = 1;
      for (std::size_t k = first_code_from(offset_of, from); k < offset_of.size() && offset_of[k] < to && k < src.codes.size();
           ++k) {
        InlineCode code = src.codes[k];
        std::ptrdiff_t p = partner[k];
        bool partner_inside = p >= 0 && static_cast<std::size_t>(p) < offset_of.size() &&
                              offset_of[static_cast<std::size_t>(p)] >= from && offset_of[static_cast<std::size_t>(p)] < to;
        if (code.kind == InlineCode::Kind::kClosing && partner_inside) {
          code.id = new_ids[static_cast<std::size_t>(p)];
        } else {
          code.id = next_id++;
          new_ids[k] = code.id;
        }
        code.isolated = code.kind != InlineCode::Kind::kPlaceholder && !partner_inside;
        segment.source.codes.push_back(std::move(code));
        segment.block_codes.push_back(k);
      }
      block.segments.push_back(std::move(segment));
      previous_end = to;
    }
    block.gaps.push_back(gap_text(src, offset_of, previous_end, src.text.size()));
  }
}

}  // namespace dilmanc

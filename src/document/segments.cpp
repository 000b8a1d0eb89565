// Cutting blocks into sentence segments: the block's text without codes goes to the
// sentence splitter, and the spans it returns are mapped back onto the marked-up text.
#include <map>

#include "dilmanc/document.h"

namespace dilmanc {
namespace {

// The block's text as the splitter sees it, and for each of its bytes where it came from
// in the marked text: begin[i] is the offset of plain byte i, end[i] the offset after it.
struct PlainView {
  std::string text;
  std::vector<std::size_t> begin, end;
};

PlainView plain_view(const InlineText& t) {
  PlainView v;
  std::size_t k = 0;
  InlineCode::Kind kind;
  for (std::size_t i = 0; i < t.text.size();) {
    if (marker_at(t.text, i, &kind)) {
      // A line break ends a line of text: the splitter must see whitespace there.
      if (kind == InlineCode::Kind::kPlaceholder && k < t.codes.size() && t.codes[k].name == "br") {
        v.text += '\n';
        v.begin.push_back(i);
        v.end.push_back(i + kMarkerBytes);
      }
      ++k;
      i += kMarkerBytes;
      continue;
    }
    v.text += t.text[i];
    v.begin.push_back(i);
    v.end.push_back(i + 1);
    ++i;
  }
  return v;
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f'; }

// Code index at each marker offset of `t`.
std::map<std::size_t, std::size_t> code_offsets(const InlineText& t) {
  std::map<std::size_t, std::size_t> out;
  std::size_t k = 0;
  InlineCode::Kind kind;
  for (std::size_t i = 0; i < t.text.size();) {
    if (marker_at(t.text, i, &kind)) {
      out[i] = k++;
      i += kMarkerBytes;
    } else {
      ++i;
    }
  }
  return out;
}

// The part [from, to) of the block's text as a gap: codes keep their block numbers.
InlineText gap_text(const InlineText& t, const std::map<std::size_t, std::size_t>& codes, std::size_t from,
                    std::size_t to) {
  InlineText out;
  out.text = t.text.substr(from, to - from);
  for (auto it = codes.lower_bound(from); it != codes.end() && it->first < to; ++it)
    out.codes.push_back(t.codes[it->second]);
  return out;
}

}  // namespace

void segment_document(Document& document, const SentenceSplitter& split) {
  for (std::size_t b = 0; b < document.blocks.size(); ++b) {
    Block& block = document.blocks[b];
    block.segments.clear();
    block.gaps.clear();
    const InlineText& src = block.source;
    PlainView plain = plain_view(src);
    auto codes = code_offsets(src);
    std::vector<std::size_t> offset_of(src.codes.size(), 0);
    for (const auto& [offset, k] : codes) offset_of[k] = offset;
    // Partner of each paired code, by code index.
    std::vector<std::ptrdiff_t> partner(src.codes.size(), -1);
    for (std::size_t k = 0; k < src.codes.size(); ++k) {
      if (src.codes[k].kind != InlineCode::Kind::kOpening) continue;
      for (std::size_t j = k + 1; j < src.codes.size(); ++j)
        if (src.codes[j].kind == InlineCode::Kind::kClosing && src.codes[j].id == src.codes[k].id) {
          partner[k] = static_cast<std::ptrdiff_t>(j);
          partner[j] = static_cast<std::ptrdiff_t>(k);
          break;
        }
    }

    std::size_t previous_end = 0;
    InlineCode::Kind kind;
    std::vector<SentenceSpan> spans;
    for (const SentenceSpan& span : split(plain.text))
      if (span.begin < span.end && span.end <= plain.text.size()) spans.push_back(span);
    for (std::size_t n = 0; n < spans.size(); ++n) {
      std::size_t from = plain.begin[spans[n].begin];
      std::size_t to = plain.end[spans[n].end - 1];
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
        const InlineCode& code = src.codes[codes.at(k - kMarkerBytes)];
        bool leads = kind == InlineCode::Kind::kOpening || (kind == InlineCode::Kind::kPlaceholder && code.name != "br");
        if (!leads) break;
        at = from = k - kMarkerBytes;
      }
      while (marker_at(src.text, to, &kind) && kind == InlineCode::Kind::kClosing) to += kMarkerBytes;

      block.gaps.push_back(gap_text(src, codes, previous_end, from));
      Segment segment;
      segment.id = block.id + ".s" + std::to_string(block.segments.size() + 1);
      segment.source.text = src.text.substr(from, to - from);
      std::map<std::size_t, int> new_ids;  // block code index -> segment id
      int next_id = 1;
      for (auto it = codes.lower_bound(from); it != codes.end() && it->first < to; ++it) {
        std::size_t k = it->second;
        InlineCode code = src.codes[k];
        std::ptrdiff_t p = partner[k];
        bool partner_inside = p >= 0 && offset_of[static_cast<std::size_t>(p)] >= from &&
                              offset_of[static_cast<std::size_t>(p)] < to;
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
    block.gaps.push_back(gap_text(src, codes, previous_end, src.text.size()));
  }
}

}  // namespace dilmanc

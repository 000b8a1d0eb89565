// Plain-text articles: a title line, paragraphs separated by blank lines, footer lines.
// Everything that is not a block's text (line ends, blank lines, indentation, trailing
// spaces, a byte-order mark) is kept in the skeleton as it is.
#include <algorithm>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "formats/format_parts.h"

namespace dilmanc::formats {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr std::string_view kNoBreakSpace = "\xC2\xA0";

bool is_blank_byte(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

struct Line {
  std::size_t begin = 0;  // first non-blank byte
  std::size_t end = 0;    // after the last non-blank byte
  std::int64_t number = 0;
};

bool starts_footer(std::string_view line) {
  for (std::string_view mark : {"\xC2\xA9", "(c)", "(C)", "Copyright"})
    if (line.substr(0, mark.size()) == mark) return true;
  return false;
}

}  // namespace

Document parse_text(std::string_view bytes, const std::string& source_name) {
  reject_binary(bytes, source_name);
  require_utf8(bytes, source_name);
  reject_markers(bytes, source_name);

  Document doc;
  doc.format = Format::kText;
  doc.source_name = source_name;

  // Lines with content, and the paragraphs they form (runs of lines without blank ones).
  std::vector<std::vector<Line>> paragraphs;
  bool previous_blank = true;
  std::size_t start = bytes.substr(0, 3) == kByteOrderMark ? 3 : 0;
  std::int64_t number = 0;
  while (start < bytes.size()) {
    std::size_t newline = bytes.find('\n', start);
    std::size_t stop = newline == std::string_view::npos ? bytes.size() : newline;
    Line line{start, stop, ++number};
    // Spaces, tabs and no-break spaces at the ends of a line are not text.
    for (bool trimmed = true; trimmed;) {
      trimmed = false;
      if (line.begin < line.end && is_blank_byte(bytes[line.begin])) ++line.begin, trimmed = true;
      else if (bytes.substr(line.begin, 2) == kNoBreakSpace && line.begin + 2 <= line.end) line.begin += 2, trimmed = true;
    }
    for (bool trimmed = true; trimmed;) {
      trimmed = false;
      if (line.end > line.begin && is_blank_byte(bytes[line.end - 1])) --line.end, trimmed = true;
      else if (line.end >= line.begin + 2 && bytes.substr(line.end - 2, 2) == kNoBreakSpace) line.end -= 2, trimmed = true;
    }
    if (line.begin == line.end) {
      previous_blank = true;
    } else {
      if (previous_blank) paragraphs.emplace_back();
      paragraphs.back().push_back(line);
      previous_blank = false;
    }
    start = newline == std::string_view::npos ? bytes.size() : newline + 1;
  }

  // The footer: the last paragraph when it starts like a copyright line, or when it has
  // several lines and no other paragraph does (then its lines are separate items).
  bool has_footer = false;
  if (paragraphs.size() > 1) {
    const auto& last = paragraphs.back();
    std::string_view first_line = bytes.substr(last.front().begin, last.front().end - last.front().begin);
    bool others_single = std::all_of(paragraphs.begin(), paragraphs.end() - 1,
                                     [](const std::vector<Line>& p) { return p.size() == 1; });
    has_footer = starts_footer(first_line) || (last.size() > 1 && others_single);
  }

  std::size_t written = 0;  // bytes of the input already in the skeleton or a block
  auto add_block = [&](BlockKind kind, std::size_t begin, std::size_t end, std::int64_t line) {
    doc.skeleton.push_back({SkeletonPart::Kind::kLiteral, std::string(bytes.substr(written, begin - written)), 0});
    Block block;
    block.id = block_id(doc.blocks.size());
    block.kind = kind;
    block.element = "line";
    block.line = line;
    block.raw = std::string(bytes.substr(begin, end - begin));
    block.source.text = nfc_text(block.raw);  // segmentation and the memory compare NFC text
    doc.skeleton.push_back({SkeletonPart::Kind::kBlock, {}, doc.blocks.size()});
    doc.blocks.push_back(std::move(block));
    written = end;
  };
  for (std::size_t p = 0; p < paragraphs.size(); ++p) {
    const auto& lines = paragraphs[p];
    if (has_footer && p + 1 == paragraphs.size()) {
      for (const Line& line : lines) add_block(BlockKind::kFooter, line.begin, line.end, line.number);
    } else {
      BlockKind kind = p == 0 && lines.size() == 1 && paragraphs.size() > 1 ? BlockKind::kTitle : BlockKind::kParagraph;
      add_block(kind, lines.front().begin, lines.back().end, lines.front().number);
    }
  }
  doc.skeleton.push_back({SkeletonPart::Kind::kLiteral, std::string(bytes.substr(written)), 0});
  return doc;
}

std::string render_text(const Document& doc) {
  std::string out;
  for (const SkeletonPart& part : doc.skeleton) {
    if (part.kind == SkeletonPart::Kind::kLiteral) {
      out += part.bytes;
    } else if (part.kind == SkeletonPart::Kind::kBlock) {
      const Block& block = doc.blocks[part.index];
      out += block_translated(block) ? plain_text(block_output(block)) : block.raw;
    }
  }
  return out;
}

}  // namespace dilmanc::formats

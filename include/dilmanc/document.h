// Document: an article read from a file, as blocks of translatable text with inline codes
// and the skeleton of everything else, so that writing it back rebuilds the original byte
// for byte and a translated edition differs only where text was replaced.
//
// A Block is one unit of translatable text (a title, a paragraph, a list item, an alt
// text...). Its `source` is an InlineText: markup inside the block (HTML <b>, <a>, <br>...)
// stands as inline codes. After segment_document() each block also holds its Segments:
// sentences, each a slice of the block's InlineText with the codes inside it. Whitespace
// and codes between sentences stay with the block ("gaps") and are never translated.
//
// Translations are put in with set_translation() (one segment) or
// set_block_translation() (a whole block); both check the codes and refuse a translation
// that loses, duplicates or unbalances one. The rules are in docs/document-model.md.
//
// Identifiers are stable for the same article read with the same rules: block "b<N>"
// (N = 1-based position among the blocks, in document order) and segment "b<N>.s<M>"
// (M = 1-based position among the block's sentences).
//
// A Document is a plain value: copyable, not thread-safe to modify concurrently.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dilmanc/inline_text.h"
#include "dilmanc/segmenter.h"

namespace dilmanc {

enum class Format { kText, kHtml };

// Where a block's text comes from; XLIFF notes and reports show it.
enum class BlockKind {
  kTitle,            // first line of a text article; HTML <title>
  kHeading,          // h1-h6
  kParagraph,        // text paragraph; HTML <p>
  kListItem,         // li
  kTableCell,        // td, th
  kCaption,          // caption, figcaption
  kQuote,            // blockquote
  kTerm,             // dt
  kDefinition,       // dd
  kLabel,            // label, button, option, legend, summary
  kText,             // text directly inside a container such as div
  kNavigation,       // a text block inside <nav>
  kFooter,           // footer lines of a text article; a text block inside <footer>
  kAltText,          // alt attribute
  kTooltip,          // title attribute
  kPlaceholderText,  // placeholder attribute
  kAriaLabel,        // aria-label attribute
  kMetaTitle,        // <meta property="og:title" content>
  kMetaDescription,  // <meta name="description"> and og:description content
};

// "b<index + 1>": the id of the block at `index`.
std::string block_id(std::size_t index);

// A stable lower-case English name: "title", "list-item", "alt-text", "meta-description"...
const char* block_kind_name(BlockKind kind);

struct Segment {
  std::string id;  // "b3.s2"
  // The sentence with its codes, numbered 1, 2... within the segment (display_text shows
  // "{1}Vusal Huseynov{/1}"). A pair whose other half is in another sentence is isolated.
  InlineText source;
  std::optional<InlineText> target;
  // For each code of `source`, the index of the block code it stands for.
  std::vector<std::size_t> block_codes;
};

struct Block {
  std::string id;              // "b3"
  BlockKind kind = BlockKind::kParagraph;
  std::string element;         // "p", "li", "title", "img@alt", "meta@description"; "line" in text
  std::int64_t line = 0;       // 1-based line of the block's start in the source file
  InlineText source;           // codes numbered 1, 2... within the block
  std::optional<InlineText> target;  // a translation of the whole block, if one was set

  // Filled by segment_document(); empty before. gaps.size() == segments.size() + 1:
  // gaps[i] comes before segments[i], the last gap after the last segment.
  std::vector<Segment> segments;
  std::vector<InlineText> gaps;

  // Writer data: the source bytes of the block's content, written back as they are while
  // the block is untranslated; and, per code of `source`, the index into
  // Document::tags of its start tag when that tag has translatable attributes, else -1.
  std::string raw;
  std::vector<int> code_tags;
};

// A start tag that the writer may have to rebuild: the root <html> (for its lang) and tags
// with translatable attributes. Attribute values are decoded.
struct SkeletonTag {
  std::string raw;   // as in the source, e.g. <img src="a.jpg" alt="Flag">
  std::string name;  // lower case
  std::vector<std::pair<std::string, std::optional<std::string>>> attributes;  // nullopt: no value
  std::vector<int> attribute_blocks;  // per attribute, the block holding its text, or -1
  bool self_closing = false;          // written as <... />
};

// The skeleton is the file as a sequence of parts: literal bytes, blocks and tags.
struct SkeletonPart {
  enum class Kind { kLiteral, kBlock, kTag };
  Kind kind = Kind::kLiteral;
  std::string bytes;      // kLiteral
  std::size_t index = 0;  // kBlock: into blocks; kTag: into tags
};

struct Document {
  Format format = Format::kText;
  std::string source_name;  // file name for messages
  // The language of the text. Reading sets it from <html lang> (empty when there is none);
  // for an edition the caller sets the target language, and writing HTML then puts it in
  // <html lang> (and xml:lang when present).
  std::string language;
  std::string original_language;  // <html lang> as read
  std::string encoding;  // declared non-UTF-8 charset the file was converted from, else empty
  std::vector<Block> blocks;
  std::vector<SkeletonTag> tags;
  std::vector<SkeletonPart> skeleton;
  int html_tag = -1;  // index into tags of <html>, or -1
  // Problems the reader recovered from (unclosed tags...), as "FILE:LINE:COLUMN: message"
  // in the interface language (libxml2's own descriptions stay in English).
  std::vector<std::string> warnings;
};

// Splits every block into sentences and fills Block::segments and gaps (replacing earlier
// ones, and their targets). The block's text is given to `split` without its codes (a br
// becomes a line break). Codes at the block's edges go with the first and last sentence;
// between sentences, openings and non-br placeholders leading up to a sentence and closings
// right after it are inside it; whitespace and other codes there are in the gaps
// (docs/document-model.md). Throws what `split` throws.
using SentenceSplitter = std::function<std::vector<SentenceSpan>(std::string_view plain)>;
void segment_document(Document& document, const SentenceSplitter& split);

// The same with a language's Segmenter.
inline void segment_document(Document& document, const Segmenter& segmenter) {
  segment_document(document, [&segmenter](std::string_view plain) { return segmenter.split(plain); });
}

// The segment with `id`, or nullptr.
Segment* find_segment(Document& document, std::string_view id);
const Segment* find_segment(const Document& document, std::string_view id);

// Sets the translation of segment `id`. `target` must hold every code of the segment's
// source exactly once (matched by kind and id; its `original` is ignored); paired codes
// may be reordered but must stay balanced and nested; isolated codes keep their order
// relative to one another; placeholders (br, img) may move but not disappear.
// Throws Error(kInput) naming the segment and the code when it does not, and
// Error(kUsage) when there is no segment `id`. Clears a block-level target of the block.
void set_translation(Document& document, std::string_view id, InlineText target);

// Sets the translation of a whole block (same rules against Block::source); clears the
// block's segment targets. Throws like set_translation.
void set_block_translation(Document& document, std::size_t block, InlineText target);

// The block's text to write: its block target, else its segments' targets (or sources)
// joined with the gaps, else its source. Codes are the block's.
InlineText block_output(const Block& block);

// True when writing the block must render text rather than copy Block::raw.
bool block_translated(const Block& block);

}  // namespace dilmanc

// XLIFF exchange: a small data model of what dilmanc sends to translators and reads back,
// and its writers (XLIFF 1.2 and 2.1) and reader (1.2 and 2.x, including what other CAT
// tools write). The model knows nothing of documents or the memory: the publishing
// workflows fill it from a document and read targets back out of it.
//
// The mapping of every field to both XLIFF versions is written down in
// docs/xliff-mapping.md.
//
// Thread-safety: the functions keep no state of their own; different documents may be
// written and read from different threads at the same time.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/inline_text.h"

namespace dilmanc {

enum class XliffVersion {
  k12,  // urn:oasis:names:tc:xliff:document:1.2
  k20,  // read only: a 2.0 document (written as 2.1, which shares its namespace)
  k21,
};

// The state of a segment's target, in XLIFF 1.2 terms (the richer set). XLIFF 2.x has four
// states; docs/xliff-mapping.md gives the mapping both ways.
enum class XliffState {
  kUnspecified,             // no state given
  kNew,                     // 2.x: initial
  kNeedsTranslation,        // 2.x: initial
  kNeedsAdaptation,         // 2.x: initial
  kNeedsL10n,               // 2.x: initial
  kNeedsReviewTranslation,  // 2.x: translated
  kNeedsReviewAdaptation,   // 2.x: translated
  kNeedsReviewL10n,         // 2.x: translated
  kTranslated,              // 2.x: translated
  kSignedOff,               // 2.x: reviewed
  kFinal,                   // 2.x: final
};

// "needs-review-translation"...; "" for kUnspecified.
std::string_view xliff12_state_name(XliffState state);
// "initial", "translated", "reviewed", "final"; "initial" for kUnspecified.
std::string_view xliff2_state_name(XliffState state);
// The state named in a 1.2 (or 2.x, by `version`) document; kUnspecified for names that
// neither version defines (such as "x-..." extensions).
XliffState parse_xliff_state(std::string_view name, XliffVersion version);
// Whether a target in this state holds a translation someone has made or accepted
// (translated, needs-review-*, signed-off, final).
bool xliff_state_is_translated(XliffState state);

struct XliffSegment;

// Why a segment's target, as a translator's tool sent it back, should stay out of a
// translation memory, in the interface language; "" when it may go in. In: approved, or
// translated, signed-off (2.x reviewed) or final, except a 2.x target still equal to the
// fuzzy match extract prefilled (state translated, qualifier fuzzy-match); a target with no
// state or state new (OmegaT, Okapi) unless it is a copy of its source. Out: states that
// say the target needs translation or review, and a segment without target.
// docs/xliff-mapping.md ("Which translations go into the memory") has the reasoning.
std::string xliff_memory_exclusion(const XliffSegment& segment, XliffVersion version);

// A translation candidate for one segment: 1.2 <alt-trans>, 2.x <mtc:match>.
struct XliffMatch {
  int score = 0;            // 0-100; 101 for an in-context match (2.x writes it as 100)
  bool in_context = false;  // same text in the same context: 2.x type="icm"
  std::string origin;       // where the candidate comes from ("dilmanc memory", a file name)
  InlineText source;        // the candidate's source; may be empty
  InlineText target;
};

struct XliffNote {
  std::string text;
  std::string from;  // 1.2 from=, 2.x category=; may be empty
  std::string lang;  // xml:lang; may be empty
};

// One segment of a unit (a sentence), or the text between segments (`ignorable`: spaces
// between sentences; never translated, kept so that the unit's full text is known).
struct XliffSegment {
  // Writing: unique in the file, required for segments. Read: the mrk mid or segment id
  // as found (unique in its unit only, in other tools' files), the unit's id for a 1.2
  // trans-unit without seg-source, or the segment's number in its unit ("1", "2"...) for
  // a 2.x segment without id.
  std::string id;
  bool ignorable = false;
  InlineText source;
  // false: no <target> element at all. An ignorable part without target stands for itself
  // in the target; read from 1.2, it has one where the text between the target's mrk is
  // not the seg-source's.
  bool has_target = false;
  InlineText target;
  XliffState state = XliffState::kUnspecified;
  std::string state_qualifier;       // 1.2 state-qualifier ("exact-match", "leveraged-tm"...)
  bool approved = false;
  std::vector<XliffMatch> matches;   // best first
  std::string repetition_of;         // id of the earlier segment with the same source; "" if none
  std::int64_t line = 0;             // read: where the segment (1.2: its trans-unit) starts
};

// One translatable block of the original (a title, a paragraph, an alt text...).
struct XliffUnit {
  std::string id;                    // unique in its file, stable across runs
  std::string kind;                  // "title", "heading", "paragraph", "alt-text"...; may be empty
  bool translate = true;             // false: translate="no"
  std::vector<XliffNote> notes;
  std::vector<XliffSegment> segments;  // in order; ignorable parts between segments
  // Read from 1.2: the xml:lang of <source> and <target> where given ("": the file's).
  std::string source_language, target_language;
  std::int64_t line = 0;               // read: where the unit starts in the file
};

struct XliffFile {
  std::string id;               // 2.x <file id>; the writer uses "f1", "f2"... when empty
  std::string original;         // the article's path, relative to the XLIFF's folder
  std::string datatype;         // 1.2 datatype ("plaintext", "html"...); "x-undefined" if empty
  std::string source_language;  // BCP 47
  std::string target_language;  // BCP 47; may be empty
  std::string tool_name;        // 1.2 <tool>; empty: no tool is named
  std::string tool_version;
  std::vector<XliffNote> notes;
  std::vector<XliffUnit> units;
};

struct XliffDocument {
  XliffVersion version = XliffVersion::k12;  // what the reader found; the writer ignores it
  std::vector<XliffFile> files;
};

struct XliffWriteOptions {
  XliffVersion version = XliffVersion::k12;  // k12 or k21 (k20 writes 2.1)
  // Segments without a target get a copy of their source as target, with state "new" (1.2)
  // or "initial" (2.x). OmegaT translates the content of <target>, so it needs this form.
  bool copy_source_to_empty_target = false;
};

// The document as XLIFF text (UTF-8). Throws Error(kUsage) when the model cannot be
// written: a unit or segment without id, duplicate unit ids in a file, a file without
// source language, files of one 2.x document with different languages, or inline codes
// that check_codes() rejects (the message names the unit).
std::string format_xliff(const XliffDocument& doc, const XliffWriteOptions& options = {});

// Writes format_xliff() to `path` atomically (a temporary file beside it, then rename):
// either the whole new file is there or the old one is untouched. Throws as
// format_xliff(), and Error(kIo) when the file cannot be written.
void write_xliff(const std::filesystem::path& path, const XliffDocument& doc,
                 const XliffWriteOptions& options = {});

// Reads XLIFF 1.2 (also without the namespace, as some tools write it) and 2.0/2.1/2.2.
// `name` is used in error messages. Never loads a DTD or external entity, never touches
// the network. Throws Error(kInput), naming the file and, where known, line and column,
// when: the XML is malformed; it declares entities (refused: they could expand without
// bound or reach outside the file) or names an external DTD (never loaded); the root is not an XLIFF root or the version is not
// supported; a required attribute is missing; ids are duplicated; an inline code refers
// to data or a start code that does not exist. Other tools' namespaces are skipped.
XliffDocument parse_xliff(std::string_view data, const std::string& name);

// parse_xliff() on a file's contents; errors name the file as `name` (default: the path).
// Throws Error(kIo) when it cannot be read.
XliffDocument read_xliff(const std::filesystem::path& path, const std::string& name = "");

}  // namespace dilmanc

// TMX (Translation Memory eXchange) 1.4b reading and writing, and importing exchange
// files (TMX, finished XLIFF) into a TranslationMemory.
//
// TmxReader streams a file with libxml2's xmlTextReader, so memory stays bounded whatever
// the file's size. It reads TMX 1.1 to 1.4 (`lang` as well as `xml:lang`, `ut`), UTF-8 and
// UTF-16. It never loads a DTD or an external entity, never touches the network, and
// refuses any entity reference (so entity-expansion bombs and external entities fail).
// Inline codes map to InlineText: bpt/ept pairs and hi become opening and closing codes,
// ph and ut placeholders, it (and a bpt or ept without its partner) isolated codes. Code
// ids come from the `x` attributes when every code has a distinct one, else they are
// numbered 1, 2, ... in order of appearance.
//
// TmxWriter writes TMX 1.4b, valid against tmx14.dtd, atomically (a temporary file renamed
// over the target at finish()).
//
// Neither class is thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "dilmanc/translation_memory.h"

namespace dilmanc {

struct TmxHeader {
  std::string version;  // the tmx element's version attribute ("1.4")
  std::string srclang, adminlang, creationtool, creationtoolversion, segtype, datatype, o_tmf;
  std::string creationdate;  // ISO 8601 as in the memory, or empty
  std::vector<Annotation> annotations;
};

// One <tu> as read: a unit, or the reason it cannot become one.
struct TmxEntry {
  std::int64_t line = 0;  // where the tu starts
  bool skipped = false;
  std::string reason;  // translated; set when skipped
  std::vector<std::string> notes;  // translated: what was left out of a unit that was kept
  TranslationUnit unit;
};

class TmxReader {
 public:
  // Opens `path`; errors name `display_name` (default: the path). Reads up to the end of
  // the header. Throws Error(kIo) when the file cannot be opened, Error(kInput) with line
  // and column when it is not well-formed XML, its root is not <tmx>, or it has no header.
  explicit TmxReader(const std::string& path, const std::string& display_name = "");
  ~TmxReader();
  TmxReader(const TmxReader&) = delete;
  TmxReader& operator=(const TmxReader&) = delete;

  const TmxHeader& header() const;

  // Reads the next <tu>; false after the last one. A tu with a variant in a language
  // ISO 639 does not know, or with fewer than two languages holding text, comes back
  // skipped with its reason. A tu with several variants in one target language gives one
  // entry per alternative (the first with every language, then source + alternative). Units get origin_file = the file's name and origin_segment =
  // the tuid unless the tu carries x-origin-file / x-origin-segment props. Throws
  // Error(kInput) with line and column on malformed XML or TMX.
  bool next(TmxEntry& entry);

  // Bytes of the file consumed so far, for progress display.
  std::int64_t bytes_read() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

struct TmxWriterOptions {
  // The header's srclang: a language tag, or "*all*" for a multilingual file.
  std::string srclang = "*all*";
  std::string creationdate;  // ISO 8601; empty leaves it out
  std::vector<Annotation> header_annotations;  // the header's props and notes, in order
};

class TmxWriter {
 public:
  // Starts writing `path` (through a temporary file beside it). Throws Error(kIo).
  TmxWriter(const std::string& path, const TmxWriterOptions& options);
  // Without finish(), the temporary file is removed and `path` left untouched.
  ~TmxWriter();
  TmxWriter(const TmxWriter&) = delete;
  TmxWriter& operator=(const TmxWriter&) = delete;

  // Writes one unit: its variants in the order given, metadata as TMX attributes, props
  // and notes (context and origin as x-context-prev, x-context-next, x-origin-file,
  // x-origin-segment props). The tuid is the unit's, else its id. Throws Error(kIo).
  void write(const TranslationUnit& unit);

  // Closes the document and renames it into place. Throws Error(kIo).
  void finish();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

// ---- importing exchange files ------------------------------------------------------------

struct ImportSkip {
  std::int64_t line = 0;
  std::string reason;  // translated
};

struct ImportSummary {
  std::string file;
  std::int64_t read = 0, added = 0, updated = 0, skipped = 0;
  std::vector<ImportSkip> skips;  // one per skipped unit
  std::vector<ImportSkip> notes;  // parts of kept units that were left out
};

struct ImportOptions {
  // Called now and then with bytes consumed and the file's size, for a progress bar.
  std::function<void(std::int64_t done, std::int64_t total)> progress;
  // Called after each unit read (with the count so far), inside the open transaction.
  std::function<void(std::int64_t units_read)> after_unit;
};

// Imports one file into `memory` in ONE transaction: either every unit it yields is added
// (or merged), with the props and notes of a TMX header, or, on any error, none is. TMX and XLIFF (1.2 and 2.x) are told apart by the
// root element; from XLIFF only finished units become memory units (1.2: approved="yes" or a
// target in state translated, final or signed-off; 2.x: segments in state translated or
// final). Throws Error(kIo) when the file cannot be read, Error(kInput) with line and
// column when it is malformed or its root element is neither tmx nor xliff.
// Into a memory without variants that no other connection holds, the import writes the file
// directly (a rollback journal instead of the write-ahead log, docs/memory-format.md):
// meanwhile other processes wait for it, up to their busy timeout, rather than read it empty.
ImportSummary import_file(TranslationMemory& memory, const std::string& path, const ImportOptions& options = {});

// Writes the memory as TMX 1.4b to `path` atomically, with the header props and notes it
// keeps from imported files; `languages` (primary languages)
// limits the variants written, and then units need at least two of them (with two
// languages, the first is the header's srclang and comes first in every tu). Returns the
// number of units written. Throws Error(kIo).
std::int64_t export_tmx(const TranslationMemory& memory, const std::string& path,
                        const std::vector<std::string>& languages = {});

}  // namespace dilmanc

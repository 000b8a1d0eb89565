// Editions: the az, en and ru versions of one article, written so that they know each
// other, in the layout a static site serves as it is:
//
//   DIR/az/<name>.html   DIR/en/<name>.html   DIR/ru/<name>.html   DIR/index.html
//
// HTML editions get a <link rel="alternate" hreflang="L" href="..."> for every edition and
// one for x-default (the first edition given, normally the source language), replacing
// alternate links the page had; a small language switcher (<nav class="dilmanc-languages">)
// right after <body>, the current language marked with aria-current; and links the page
// had to its sibling files ("<name>.<L>.html", as the example pages link them) pointed at
// the editions' new places. All of it goes through the document's skeleton: the text and
// markup of the page are otherwise untouched. Plain-text editions are written as they are.
// DIR/index.html lists every article found under DIR in each language and says where an
// edition is missing. docs/editions.md describes the layout.
//
// Thread-safety: no shared state; two processes writing into the same DIR at once may
// each rebuild the index (each write is atomic; the last one wins).
#pragma once

#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "dilmanc/document.h"

namespace dilmanc {

struct EditionSource {
  std::string language;  // BCP 47; its primary language names the folder ("az-Latn" -> az/)
  Document document;     // the edition's text (a translated copy, or the source article)
  // The file the document was read from, if any: an existing edition NEWER than the newest
  // of these, and different from what would be written, is not overwritten without
  // `force` (someone changed the published page after it was made).
  std::filesystem::path from_file;
};

struct EditionsOptions {
  std::filesystem::path output_dir;  // created when missing (with its language folders)
  std::string name;                  // the article's name: file name without extension
  bool force = false;                // overwrite editions newer than the sources
  std::time_t now = 0;               // the date the index shows; 0 = the current time
};

struct WrittenEdition {
  std::string language;  // primary language
  std::filesystem::path path;
};

struct EditionsResult {
  std::vector<WrittenEdition> editions;  // in the order given
  std::filesystem::path index;
};

// The edition of `sources[which]` as bytes, linked to the others (which live at
// "../<lang>/<name>.<ext>" relative to it).
std::string render_edition(const std::vector<EditionSource>& sources, std::size_t which, const std::string& name);

// Writes every edition and then DIR/index.html, each atomically. Checks everything first:
// Error(kUsage) for no source, an empty or unusable name (a path separator, "." or ".."),
// or two sources of the same language; Error(kInput) naming the file for an edition
// that would overwrite a different file newer than the sources (unless `force`); Error(kIo) when a
// folder or file cannot be written. Nothing is written when a check fails.
EditionsResult write_editions(const std::vector<EditionSource>& sources, const EditionsOptions& options);

// Rebuilds DIR/index.html from the editions found in DIR's language folders (az, en, ru
// and any other folder named by a language code), atomically: one section per language,
// each article linked by its title, and a note where an article has no edition in that
// language. Dates follow each section's language. Throws Error(kIo).
std::filesystem::path write_editions_index(const std::filesystem::path& output_dir, std::time_t now = 0);

}  // namespace dilmanc

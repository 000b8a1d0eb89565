// Reading articles into Documents and writing Documents back: plain text and HTML.
//
// Plain text: the first line is the title; paragraphs are separated by blank lines; a last
// paragraph that starts with "©", "(c)" or "Copyright", or that has several lines while
// the others have one, is the footer, one block per line. HTML and XHTML are read with
// libxml2's HTML parser and a skeleton of the original bytes (docs/document-model.md).
//
// Read and written back with no translation, a document gives the same bytes. All
// functions are thread-safe (they share no state).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "dilmanc/document.h"

namespace dilmanc {

struct ReadOptions {
  // The format; when unset it is detected from the extension (.txt, .text; .html, .htm,
  // .xhtml) and, for other names, from the content: a doctype, <html>, an XML declaration,
  // a comment or an HTML element's tag ("<p>", "<h2 class=...>") at the start means HTML.
  std::optional<Format> format;
};

// "text" or "html"; and the reverse (nullopt for anything else).
const char* format_name(Format format);
std::optional<Format> parse_format_name(std::string_view name);

// The format of `bytes` named `path` (see ReadOptions::format).
Format detect_format(std::string_view path, std::string_view bytes);

// Reads the file at `path`. Throws Error(kIo) when it cannot be read and Error(kInput)
// naming the file (and line) when it is binary, not UTF-8 without a charset declaration,
// holds a charset ICU does not know, or contains the private-use code markers.
// Recoverable HTML problems (unclosed tags...) end up in Document::warnings.
Document read_document(const std::string& path, const ReadOptions& options = {});

// The same from memory; `source_name` names the input in messages.
Document parse_document(std::string_view bytes, Format format, const std::string& source_name);

// The document as bytes: the skeleton with every block's output (see block_output) in
// place, text escaped for HTML, <html lang> set to Document::language.
std::string render_document(const Document& document);

// Writes render_document() to `path` atomically (a temporary file in the same folder,
// then a rename): on any error nothing is written. Throws Error(kIo).
void write_document(const Document& document, const std::string& path);

}  // namespace dilmanc

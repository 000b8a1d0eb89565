// A streaming XML reader (libxml2's xmlTextReader) with the settings every file dilmanc
// imports is read with: no network (XML_PARSE_NONET), no DTD loading, no entity
// substitution, libxml2's entity-amplification limits left on (no XML_PARSE_HUGE), any
// entity reference in the document refused, and so is a document type that names a DTD
// by URL or declares external entities (a bare "tmx14.dtd" is accepted and never read).
// The first error becomes Error(kInput) with the file, line and column. For files read
// whole into a tree instead (XLIFF, SRX), xml/document.h applies the same rules.
//
// Owns its libxml2 reader. Not thread-safe; one per thread.
#pragma once

#include <libxml/xmlreader.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace dilmanc::xml {

class XmlReader {
 public:
  // Opens `path` (libxml2 detects UTF-8, UTF-16 and declared encodings). `display_name`
  // names the file in errors. Throws Error(kIo) when the file cannot be opened.
  XmlReader(const std::string& path, const std::string& display_name);
  ~XmlReader();
  XmlReader(const XmlReader&) = delete;
  XmlReader& operator=(const XmlReader&) = delete;

  // Moves to the next node; false at the end of the document. Throws Error(kInput) on
  // malformed XML or an entity reference.
  bool read();
  // Skips the current element's subtree and moves to the node after it; false at the end.
  bool skip();

  int type() const { return xmlTextReaderNodeType(reader_); }
  bool is_element() const { return type() == XML_READER_TYPE_ELEMENT; }
  bool is_end_element() const { return type() == XML_READER_TYPE_END_ELEMENT; }
  bool is_text() const;  // text, CDATA or whitespace
  bool is_empty_element() const { return xmlTextReaderIsEmptyElement(reader_) == 1; }
  int depth() const { return xmlTextReaderDepth(reader_); }
  std::string local_name() const;
  std::string value() const;
  // The attribute by qualified name ("xml:lang", "type"), or nullopt.
  std::optional<std::string> attribute(const char* name) const;
  // The text of the current element and all its descendants; the reader stays on it.
  std::string inner_text() const;

  // The current element with its whole subtree as a DOM node, owned by the reader and
  // valid until the next read() or skip(). Throws Error(kInput) on malformed XML.
  xmlNodePtr expand();

  std::int64_t line() const;
  // The line of the current node itself (line() is where the parser has read to).
  std::int64_t node_line() const;
  std::int64_t column() const;
  std::int64_t bytes_read() const { return xmlTextReaderByteConsumed(reader_); }
  const std::string& file() const { return name_; }

  // Throws Error(kInput) with `cause` at the current line and column.
  [[noreturn]] void fail(const std::string& cause) const;

 private:
  // After a move of the reader (libxml2's return code): its errors, and the nodes it must
  // not stand on.
  bool arrive(int rc);
  [[noreturn]] void fail_from_libxml();
  void check_doctype();
  static void on_error(void* self, xmlErrorPtr error);

  xmlTextReaderPtr reader_ = nullptr;
  std::string name_;
  std::string first_error_;
  std::int64_t error_line_ = 0, error_column_ = 0;
};

}  // namespace dilmanc::xml

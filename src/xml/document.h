// Safe parsing of XML exchange files into a libxml2 tree: no DTD is loaded, no entity is
// declared or expanded, the network is never touched, and the first error is reported
// with its line and column. Large files are streamed instead (xml/reader.h).
#pragma once

#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <memory>
#include <string>
#include <string_view>

namespace dilmanc::xml {

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

// Parses `data` (any encoding libxml2 detects or the declaration names). Throws
// Error(kInput) naming `name`, line and column when the XML is not well-formed, when the
// document declares entities, and when its DOCTYPE names an external DTD (a DOCTYPE with
// neither is accepted and ignored).
DocPtr parse(std::string_view data, const std::string& name);

// libxml2's message for an error, for a user: without its line break, and with a limit of the
// parser or invalid UTF-8 said in our words rather than with libxml2's hints (to set a parser
// option, XML_PARSE_HUGE, or to "indicate encoding"), which nobody running dilmanc can act on.
std::string error_message(const xmlError& error);

// Element helpers. `local_name` compares the name without prefix.
bool is(const xmlNode* node, const char* local_name);
// The attribute's value without namespace (or in `ns` when given); "" when absent.
std::string attr(const xmlNode* node, const char* name, const char* ns = nullptr);
bool has_attr(const xmlNode* node, const char* name, const char* ns = nullptr);
// The concatenated text of the node and its descendants.
std::string text_content(const xmlNode* node);
// The first element child; nullptr when there is none.
const xmlNode* first_element(const xmlNode* node);
// The namespace URI of an element; "" when it has none.
std::string_view ns_of(const xmlNode* node);

}  // namespace dilmanc::xml

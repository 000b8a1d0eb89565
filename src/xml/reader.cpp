#include "xml/reader.h"

#include <libxml/entities.h>
#include <libxml/hash.h>
#include <unistd.h>

#include <string_view>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "xml/document.h"

namespace dilmanc::xml {
namespace {

std::string take(xmlChar* s) {
  if (!s) return {};
  std::string out(reinterpret_cast<const char*>(s));
  xmlFree(s);
  return out;
}

// Whether a system identifier names something to fetch rather than a bare file name such
// as the customary "tmx14.dtd" (which is never read either).
bool is_url(const xmlChar* id) {
  return id && std::string_view(reinterpret_cast<const char*>(id)).find("://") != std::string_view::npos;
}

void find_external_entity(void* payload, void* data, const xmlChar*) {
  auto* entity = static_cast<xmlEntityPtr>(payload);
  auto* found = static_cast<std::string*>(data);
  if (!found->empty() || !entity) return;
  const bool external = entity->etype == XML_EXTERNAL_GENERAL_PARSED_ENTITY ||
                        entity->etype == XML_EXTERNAL_GENERAL_UNPARSED_ENTITY ||
                        entity->etype == XML_EXTERNAL_PARAMETER_ENTITY;
  if (external && entity->name) *found = reinterpret_cast<const char*>(entity->name);
}

}  // namespace

// A document type that points outside the file (a DTD by URL, external entities, external
// parameter entities) is refused outright: nothing is fetched either way, but such a file is
// an attack or a mistake, and importing it half-understood would be worse than an error.
void XmlReader::check_doctype() {
  auto* dtd = reinterpret_cast<xmlDtdPtr>(xmlTextReaderCurrentNode(reader_));
  if (!dtd || dtd->type != XML_DTD_NODE) return;
  if (is_url(dtd->SystemID))
    fail(trf("the document type refers to an external DTD ({1}); dilmanc never loads DTDs",
             reinterpret_cast<const char*>(dtd->SystemID)));
  std::string external;
  if (dtd->entities) xmlHashScan(static_cast<xmlHashTablePtr>(dtd->entities), find_external_entity, &external);
  if (external.empty() && dtd->pentities)
    xmlHashScan(static_cast<xmlHashTablePtr>(dtd->pentities), find_external_entity, &external);
  if (!external.empty())
    fail(trf("the document declares the external entity '{1}'; dilmanc never reads entities, for safety", external));
}

XmlReader::XmlReader(const std::string& path, const std::string& display_name) : name_(display_name) {
  Error::Location where;
  where.file = display_name;
  if (::access(path.c_str(), R_OK) != 0) ThrowIo(tr("cannot open the file for reading"), where);
  reader_ = xmlReaderForFile(path.c_str(), nullptr, XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT);
  if (!reader_) ThrowIo(tr("cannot open the file for reading"), where);
  xmlTextReaderSetStructuredErrorHandler(reader_, &XmlReader::on_error, this);
}

XmlReader::~XmlReader() { xmlFreeTextReader(reader_); }

void XmlReader::on_error(void* self, xmlErrorPtr error) {
  auto* r = static_cast<XmlReader*>(self);
  if (!error || error->level < XML_ERR_ERROR || !r->first_error_.empty()) return;
  const std::string message = xml::error_message(*error);
  r->first_error_ = message.empty() ? "XML error" : message;
  r->error_line_ = error->line;
  r->error_column_ = error->int2;
}

void XmlReader::fail_from_libxml() {
  Error::Location where;
  where.file = name_;
  where.line = error_line_ ? error_line_ : line();
  where.column = error_line_ ? error_column_ : column();
  if (first_error_.empty()) ThrowInput(tr("the file is not well-formed XML"), where);
  ThrowInput(trf("malformed XML: {1}", first_error_), where);
}

void XmlReader::fail(const std::string& cause) const {
  Error::Location where;
  where.file = name_;
  where.line = node_line();
  // The parser's column belongs to the line it has read to, which may be a later one.
  if (where.line == line()) where.column = column();
  ThrowInput(cause, where);
}

bool XmlReader::read() { return arrive(xmlTextReaderRead(reader_)); }

bool XmlReader::skip() { return arrive(xmlTextReaderNext(reader_)); }

bool XmlReader::arrive(int rc) {
  if (rc < 0 || !first_error_.empty()) fail_from_libxml();
  if (rc == 0) return false;
  const int t = type();
  if (t == XML_READER_TYPE_ENTITY_REFERENCE || t == XML_READER_TYPE_ENTITY)
    fail(trf("the entity reference '&{1};' is not expanded: dilmanc never reads entities, for safety", local_name()));
  if (t == XML_READER_TYPE_DOCUMENT_TYPE) check_doctype();
  return true;
}

bool XmlReader::is_text() const {
  const int t = type();
  return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA || t == XML_READER_TYPE_WHITESPACE ||
         t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
}

std::string XmlReader::local_name() const {
  const xmlChar* n = xmlTextReaderConstLocalName(reader_);
  return n ? reinterpret_cast<const char*>(n) : "";
}

std::string XmlReader::value() const {
  const xmlChar* v = xmlTextReaderConstValue(reader_);
  return v ? reinterpret_cast<const char*>(v) : "";
}

std::optional<std::string> XmlReader::attribute(const char* name) const {
  // What xmlTextReaderGetAttribute finds, without its copies of the name's parts and of
  // the value: a unit of an exchange file asks for a dozen attributes, most of them absent.
  xmlNodePtr node = xmlTextReaderCurrentNode(reader_);
  const std::string_view qualified(name);
  if (!node || node->type != XML_ELEMENT_NODE || qualified.substr(0, 5) == "xmlns") {
    xmlChar* v = xmlTextReaderGetAttribute(reader_, reinterpret_cast<const xmlChar*>(name));
    if (!v) return std::nullopt;
    return take(v);
  }
  const std::size_t colon = qualified.find(':');
  const xmlChar* href = nullptr;  // of the prefix, when there is one
  if (colon != std::string_view::npos) {
    const std::string prefix(qualified.substr(0, colon));
    xmlNsPtr ns = xmlSearchNs(node->doc, node, reinterpret_cast<const xmlChar*>(prefix.c_str()));
    if (!ns || !ns->href) return std::nullopt;
    href = ns->href;
  }
  const auto* local = reinterpret_cast<const xmlChar*>(colon == std::string_view::npos ? name : name + colon + 1);
  for (xmlAttrPtr a = node->properties; a; a = a->next) {
    if (!xmlStrEqual(a->name, local)) continue;
    if (href ? !(a->ns && xmlStrEqual(a->ns->href, href)) : a->ns != nullptr) continue;
    const xmlNode* child = a->children;
    if (!child) return std::string();
    if (child->type == XML_TEXT_NODE && !child->next)
      return child->content ? std::string(reinterpret_cast<const char*>(child->content)) : std::string();
    return take(xmlNodeListGetString(node->doc, a->children, 1));
  }
  // Not given: libxml2's own lookup also finds a default the document type declares (a
  // DOCTYPE without attribute declarations, the usual one, has none to give).
  const xmlDoc* doc = node->doc;
  if (doc && ((doc->intSubset && doc->intSubset->attributes) || (doc->extSubset && doc->extSubset->attributes))) {
    xmlChar* v = xmlTextReaderGetAttribute(reader_, reinterpret_cast<const xmlChar*>(name));
    if (v) return take(v);
  }
  return std::nullopt;
}

std::string XmlReader::inner_text() const {
  std::string text = take(xmlTextReaderReadString(reader_));
  if (!first_error_.empty()) const_cast<XmlReader*>(this)->fail_from_libxml();
  return text;
}

xmlNodePtr XmlReader::expand() {
  xmlNodePtr node = xmlTextReaderExpand(reader_);
  if (!node || !first_error_.empty()) fail_from_libxml();
  return node;
}

std::int64_t XmlReader::node_line() const {
  xmlNodePtr node = xmlTextReaderCurrentNode(reader_);
  long n = node ? xmlGetLineNo(node) : -1;
  return n > 0 ? n : line();
}

std::int64_t XmlReader::line() const { return xmlTextReaderGetParserLineNumber(reader_); }
std::int64_t XmlReader::column() const { return xmlTextReaderGetParserColumnNumber(reader_); }

}  // namespace dilmanc::xml

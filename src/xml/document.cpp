#include "xml/document.h"

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include <climits>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"

namespace dilmanc::xml {
namespace {

struct ParseState {
  bool have_error = false;
  std::string message;
  int line = 0;
  int column = 0;
  std::string entity;  // the first entity declaration seen
  std::string dtd;     // the external DTD the DOCTYPE names
};

struct CtxtDeleter {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};

void record_error(void* data, xmlErrorPtr error) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(data);
  auto* state = static_cast<ParseState*>(ctxt->_private);
  if (state == nullptr || state->have_error || error == nullptr) return;
  if (error->level < XML_ERR_ERROR) return;  // warnings do not stop us
  state->have_error = true;
  state->message = error_message(*error);
  state->line = error->line;
  state->column = error->int2;
}

// XLIFF and TMX never need entities; refusing every declaration closes the door on
// expansion bombs and on external entities (files, URLs) in one place.
void refuse_entity(void* data, const xmlChar* name, int, const xmlChar*, const xmlChar*, xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(data);
  auto* state = static_cast<ParseState*>(ctxt->_private);
  if (state != nullptr && state->entity.empty()) {
    state->entity = name ? reinterpret_cast<const char*>(name) : "?";
    state->line = xmlSAX2GetLineNumber(ctxt);
    state->column = xmlSAX2GetColumnNumber(ctxt);
  }
  xmlStopParser(ctxt);
}

// A DOCTYPE that names an external DTD asks for it to be loaded (which never happens):
// such files are refused with a clear message rather than read as if it were not there.
void refuse_external_dtd(void* data, const xmlChar* name, const xmlChar* public_id, const xmlChar* system_id) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(data);
  auto* state = static_cast<ParseState*>(ctxt->_private);
  if (public_id == nullptr && system_id == nullptr) {
    xmlSAX2InternalSubset(data, name, public_id, system_id);
    return;
  }
  if (state != nullptr && state->dtd.empty()) {
    state->dtd = reinterpret_cast<const char*>(system_id ? system_id : public_id);
    state->line = xmlSAX2GetLineNumber(ctxt);
    state->column = xmlSAX2GetColumnNumber(ctxt);
  }
  xmlStopParser(ctxt);
}

}  // namespace

DocPtr parse(std::string_view data, const std::string& name) {
  if (data.size() > static_cast<std::size_t>(INT_MAX))
    ThrowInput(tr("the file is too large to read as XML"), {name});
  std::unique_ptr<xmlParserCtxt, CtxtDeleter> ctxt(xmlNewParserCtxt());
  if (!ctxt) ThrowIo(tr("out of memory while reading XML"), {name});
  ParseState state;
  ctxt->_private = &state;
  ctxt->sax->serror = &record_error;
  ctxt->sax->entityDecl = &refuse_entity;
  ctxt->sax->internalSubset = &refuse_external_dtd;
  // No DTD loading, no entity substitution, no network; CDATA read as text.
  const int options = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
  DocPtr doc(xmlCtxtReadMemory(ctxt.get(), data.data(), static_cast<int>(data.size()), nullptr,
                               nullptr, options));
  if (!state.entity.empty()) {
    ThrowInput(trf("the file declares the entity '{1}'; entity declarations are refused "
                   "(they can expand without bound or read other files)",
                   state.entity),
               {name, state.line, state.column});
  }
  if (!state.dtd.empty()) {
    ThrowInput(trf("the file asks for the external DTD '{1}'; DTDs are never loaded, and such files "
                   "are refused",
                   state.dtd),
               {name, state.line, state.column});
  }
  if (state.have_error || !doc || !ctxt->wellFormed) {
    std::string cause = state.message.empty() ? std::string("unknown error") : state.message;
    ThrowInput(trf("malformed XML: {1}", cause), {name, state.line, state.column});
  }
  return doc;
}

std::string error_message(const xmlError& error) {
  std::string message = error.message ? error.message : "";
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  // "Excessive depth in document: 256 use XML_PARSE_HUGE option", the limit in int1.
  if (message.starts_with("Excessive depth in document"))
    return trf("elements are nested more than {1} levels deep",
               std::to_string(error.int1 > 0 ? error.int1 : static_cast<int>(xmlParserMaxDepth)));
  // "Input is not proper UTF-8, indicate encoding !" and a line of bytes: the encoding is
  // the file's to declare, not the user's to indicate.
  if (message.starts_with("Input is not proper UTF-8")) return tr("the text is not valid UTF-8");
  constexpr std::string_view kHint = "use XML_PARSE_HUGE option";
  if (const std::size_t hint = message.find(kHint); hint != std::string::npos) {
    message.erase(hint, kHint.size());
    while (!message.empty() && (message.back() == ' ' || message.back() == ',' || message.back() == ':'))
      message.pop_back();
    return trf("{1} (beyond a size limit of the XML reader)", message);
  }
  return message;
}

bool is(const xmlNode* node, const char* local_name) {
  return node != nullptr && node->type == XML_ELEMENT_NODE &&
         xmlStrEqual(node->name, reinterpret_cast<const xmlChar*>(local_name));
}

std::string attr(const xmlNode* node, const char* name, const char* ns) {
  xmlChar* value = ns ? xmlGetNsProp(node, reinterpret_cast<const xmlChar*>(name),
                                     reinterpret_cast<const xmlChar*>(ns))
                      : xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

bool has_attr(const xmlNode* node, const char* name, const char* ns) {
  if (ns) return xmlHasNsProp(node, reinterpret_cast<const xmlChar*>(name),
                              reinterpret_cast<const xmlChar*>(ns)) != nullptr;
  return xmlHasNsProp(node, reinterpret_cast<const xmlChar*>(name), nullptr) != nullptr;
}

std::string text_content(const xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  if (value == nullptr) return "";
  std::string out(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return out;
}

const xmlNode* first_element(const xmlNode* node) {
  for (const xmlNode* c = node ? node->children : nullptr; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE) return c;
  return nullptr;
}

std::string_view ns_of(const xmlNode* node) {
  if (node == nullptr || node->ns == nullptr || node->ns->href == nullptr) return {};
  return reinterpret_cast<const char*>(node->ns->href);
}

}  // namespace dilmanc::xml

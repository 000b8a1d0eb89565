#include "dilmanc/srx.h"

#include <libxml/SAX2.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <unicode/regex.h>
#include <unicode/utypes.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "segment/bounded_regex.h"
#include "xml/document.h"

namespace dilmanc {
namespace {

struct ParserContextDeleter {
  void operator()(xmlParserCtxt* ctxt) const { xmlFreeParserCtxt(ctxt); }
};
struct DocumentDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using ParserContext = std::unique_ptr<xmlParserCtxt, ParserContextDeleter>;
using Document = std::unique_ptr<xmlDoc, DocumentDeleter>;

struct FirstError {
  bool seen = false;
  int line = 0;
  std::string message;
  std::string entity;  // the first entity declared, if any
};

void remember_first_error(void* user_data, xmlErrorPtr error) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(user_data);
  auto* first = ctxt ? static_cast<FirstError*>(ctxt->_private) : nullptr;
  if (!first || first->seen || !error || error->level < XML_ERR_ERROR) return;
  first->seen = true;
  first->line = error->line;
  first->message = xml::error_message(*error);
}

// SRX needs no entities; declaring one is refused before anything is expanded (entity
// "bombs" would otherwise cost minutes or gigabytes).
void refuse_entity(void* user_data, const xmlChar* name, int, const xmlChar*, const xmlChar*, xmlChar*) {
  auto* ctxt = static_cast<xmlParserCtxtPtr>(user_data);
  auto* first = ctxt ? static_cast<FirstError*>(ctxt->_private) : nullptr;
  if (first && first->entity.empty()) {
    first->entity = name ? reinterpret_cast<const char*>(name) : "?";
    first->line = xmlSAX2GetLineNumber(ctxt);
  }
  xmlStopParser(ctxt);
}

[[noreturn]] void fail(const std::string& source, std::int64_t line, std::string cause) {
  Error::Location where;
  where.file = source;
  where.line = line;
  ThrowInput(std::move(cause), where);
}

std::int64_t line_of(const xmlNode* node) { return static_cast<std::int64_t>(xmlGetLineNo(node)); }

std::string_view name_of(const xmlNode* node) {
  return reinterpret_cast<const char*>(node->name);
}

// SRX elements live in the SRX 2.0 namespace; files without a namespace are accepted too.
// Elements of any other namespace (Okapi's okpsrx:options, okpsrx:sample...) are skipped.
bool is_srx_element(const xmlNode* node, std::string_view name) {
  if (node->type != XML_ELEMENT_NODE || name_of(node) != name) return false;
  if (!node->ns) return true;
  std::string_view href = reinterpret_cast<const char*>(node->ns->href);
  return href == "http://www.lisa.org/srx20";
}

const xmlNode* first_child(const xmlNode* parent, std::string_view name) {
  for (const xmlNode* c = parent->children; c; c = c->next)
    if (is_srx_element(c, name)) return c;
  return nullptr;
}

std::optional<std::string> attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetProp(node, reinterpret_cast<const xmlChar*>(name));
  if (!value) return std::nullopt;
  std::string result(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return result;
}

std::string content(const xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  if (!value) return {};
  std::string result(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return result;
}

bool yes_no(const std::optional<std::string>& value, bool fallback, const std::string& source,
            const xmlNode* node, const char* attribute_name) {
  if (!value) return fallback;
  if (*value == "yes") return true;
  if (*value == "no") return false;
  fail(source, line_of(node),
       trf("SRX attribute '{1}' must be \"yes\" or \"no\", not \"{2}\"", attribute_name, *value));
}

void check_regex(const std::string& pattern, const std::string& source, const xmlNode* node,
                 const char* element) {
  if (pattern.empty()) return;
  UErrorCode status = U_ZERO_ERROR;
  UParseError parse_error;
  std::unique_ptr<icu::RegexPattern> compiled(
      icu::RegexPattern::compile(to_unicode(segment_detail::adapt_for_icu(pattern)), parse_error, status));
  if (U_FAILURE(status))
    fail(source, line_of(node),
         trf("invalid regular expression in <{1}> \"{2}\": {3}", element, pattern, u_errorName(status)));
}

SrxRule read_rule(const xmlNode* node, const std::string& source) {
  SrxRule rule;
  rule.line = line_of(node);
  rule.is_break = yes_no(attribute(node, "break"), true, source, node, "break");
  if (const xmlNode* before = first_child(node, "beforebreak")) rule.before = content(before);
  if (const xmlNode* after = first_child(node, "afterbreak")) rule.after = content(after);
  if (find_invalid_utf8(rule.before) || find_invalid_utf8(rule.after))
    fail(source, rule.line, tr("the SRX rule is not valid UTF-8"));
  check_regex(rule.before, source, node, "beforebreak");
  check_regex(rule.after, source, node, "afterbreak");
  return rule;
}

}  // namespace

SrxDocument parse_srx(std::string_view xml, const std::string& source) {
  ParserContext ctxt(xmlNewParserCtxt());
  if (!ctxt) throw std::bad_alloc();
  // The first error is the one to report (later ones follow from it); libxml2 only keeps
  // the last, so catch them as they come.
  FirstError first;
  ctxt->_private = &first;
  ctxt->sax->serror = remember_first_error;
  ctxt->sax->entityDecl = refuse_entity;
  const int options = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
  Document doc(xmlCtxtReadMemory(ctxt.get(), xml.data(), static_cast<int>(xml.size()), source.c_str(),
                                 nullptr, options));
  if (!first.entity.empty())
    fail(source, first.line, trf("the SRX file declares the entity \"{1}\"; SRX files need none", first.entity));
  if (!doc || !ctxt->wellFormed) {
    if (!first.seen) {
      const xmlError* e = xmlCtxtGetLastError(ctxt.get());
      first.line = e ? e->line : 0;
      first.message = e ? xml::error_message(*e) : "";
    }
    fail(source, first.line, trf("the SRX file is not well-formed XML: {1}", first.message));
  }
  const xmlNode* root = xmlDocGetRootElement(doc.get());
  if (!root || !is_srx_element(root, "srx"))
    fail(source, root ? line_of(root) : 0, tr("not an SRX document: the root element must be <srx>"));

  SrxDocument result;
  result.source = source;
  if (const xmlNode* header = first_child(root, "header"))
    result.cascade = yes_no(attribute(header, "cascade"), false, source, header, "cascade");
  const xmlNode* body = first_child(root, "body");
  if (!body) fail(source, line_of(root), tr("the SRX document has no <body>"));

  if (const xmlNode* rule_sets = first_child(body, "languagerules")) {
    for (const xmlNode* set = rule_sets->children; set; set = set->next) {
      if (!is_srx_element(set, "languagerule")) continue;
      SrxLanguageRules rules;
      auto name = attribute(set, "languagerulename");
      if (!name) fail(source, line_of(set), tr("<languagerule> lacks its languagerulename"));
      rules.name = *name;
      for (const xmlNode* r = set->children; r; r = r->next)
        if (is_srx_element(r, "rule")) rules.rules.push_back(read_rule(r, source));
      result.language_rules.push_back(std::move(rules));
    }
  }

  if (const xmlNode* map_rules = first_child(body, "maprules")) {
    // SRX 1.0 wrapped the maps in <maprule>; accept both layouts.
    std::vector<const xmlNode*> containers{map_rules};
    for (const xmlNode* c = map_rules->children; c; c = c->next)
      if (is_srx_element(c, "maprule")) containers.push_back(c);
    for (const xmlNode* container : containers) {
      for (const xmlNode* m = container->children; m; m = m->next) {
        if (!is_srx_element(m, "languagemap")) continue;
        SrxLanguageMap map;
        map.line = line_of(m);
        auto pattern = attribute(m, "languagepattern");
        auto rule_name = attribute(m, "languagerulename");
        if (!pattern || !rule_name)
          fail(source, map.line, tr("<languagemap> needs languagepattern and languagerulename"));
        map.language_pattern = *pattern;
        map.rule_name = *rule_name;
        check_regex(map.language_pattern, source, m, "languagemap");
        bool known = false;
        for (const auto& set : result.language_rules) known = known || set.name == map.rule_name;
        if (!known)
          fail(source, map.line, trf("<languagemap> names the rule set \"{1}\", which is not defined",
                                     map.rule_name));
        result.maps.push_back(std::move(map));
      }
    }
  }
  return result;
}

SrxDocument read_srx_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  Error::Location where;
  where.file = path;
  if (!file) ThrowIo(tr("cannot open the file for reading"), where);
  std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) ThrowIo(tr("cannot read the file"), where);
  return parse_srx(data, path);
}

std::vector<SrxRule> SrxDocument::rules_for(std::string_view lang) const {
  auto collect = [this](const std::string& code) {
    std::vector<SrxRule> rules;
    bool matched = false;
    for (const auto& map : maps) {
      UErrorCode status = U_ZERO_ERROR;
      icu::RegexMatcher matcher(to_unicode(map.language_pattern), 0, status);
      if (U_FAILURE(status)) continue;  // checked when parsed
      icu::UnicodeString input = to_unicode(code);
      matcher.reset(input);
      if (!matcher.matches(status) || U_FAILURE(status)) continue;
      for (const auto& set : language_rules)
        if (set.name == map.rule_name) rules.insert(rules.end(), set.rules.begin(), set.rules.end());
      matched = true;
      if (!cascade) break;
    }
    return std::make_pair(matched, rules);
  };
  auto [matched, rules] = collect(std::string(lang));
  if (!matched) {
    std::string primary = primary_language(lang);
    if (primary != lang) rules = collect(primary).second;
  }
  return rules;
}

}  // namespace dilmanc

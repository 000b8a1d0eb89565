// The small part of XLIFF the memory needs: finished translations of XLIFF 1.2 and 2.x
// files, read as memory units. Each trans-unit (1.2) or unit (2.x) is expanded into a DOM
// subtree by the streaming reader, so the file as a whole is never held in memory.
#include "memory/xliff_import.h"

#include <libxml/tree.h>

#include <filesystem>
#include <map>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "memory/inline_codes_builder.h"
#include "memory/memory_internal.h"
#include "memory/xml_reader.h"

namespace dilmanc::memory {
namespace {

using Raw = InlineCodesBuilder::Raw;
using K = Raw::Kind;

std::string name_of(xmlNodePtr n) { return n->name ? reinterpret_cast<const char*>(n->name) : ""; }

std::string prop(xmlNodePtr n, const char* name) {
  xmlChar* v = xmlGetProp(n, reinterpret_cast<const xmlChar*>(name));
  if (!v) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

std::string lang_prop(xmlNodePtr n) {
  xmlChar* v = xmlGetNsProp(n, reinterpret_cast<const xmlChar*>("lang"), XML_XML_NAMESPACE);
  if (!v) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

std::string content(xmlNodePtr n) {
  xmlChar* v = xmlNodeGetContent(n);
  if (!v) return {};
  std::string out(reinterpret_cast<const char*>(v));
  xmlFree(v);
  return out;
}

std::vector<xmlNodePtr> children(xmlNodePtr n, const char* name = nullptr) {
  std::vector<xmlNodePtr> out;
  for (xmlNodePtr c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && (!name || name_of(c) == name)) out.push_back(c);
  return out;
}

xmlNodePtr child(xmlNodePtr n, const char* name) {
  for (xmlNodePtr c = n->children; c; c = c->next)
    if (c->type == XML_ELEMENT_NODE && name_of(c) == name) return c;
  return nullptr;
}

// Maps the inline content of a source or target to an InlineText.
class InlineMapper {
 public:
  InlineMapper(const XmlReader& xml, const std::map<std::string, std::string>& data, bool v2)
      : xml_(xml), data_(data), v2_(v2) {}

  InlineText map(xmlNodePtr element, std::string& error) {
    walk(element);
    return builder_.finish(error);
  }

 private:
  void walk(xmlNodePtr parent) {
    for (xmlNodePtr n = parent->children; n; n = n->next) {
      if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        builder_.text(strip_markers(reinterpret_cast<const char*>(n->content ? n->content : BAD_CAST "")));
        continue;
      }
      if (n->type == XML_ENTITY_REF_NODE)
        xml_.fail(trf("the entity reference '&{1};' is not expanded: dilmanc never reads entities, for safety",
                      name_of(n)));
      if (n->type != XML_ELEMENT_NODE) continue;
      element(n);
    }
  }

  void add(K kind, std::string key, std::string x, std::string name, std::string original) {
    Raw r;
    r.kind = kind;
    r.pair_key = std::move(key);
    r.x = std::move(x);
    r.name = std::move(name);
    r.original = std::move(original);
    builder_.code(std::move(r));
  }

  std::string data(const std::string& ref) const {
    auto it = data_.find(ref);
    return it == data_.end() ? std::string() : it->second;
  }

  void element(xmlNodePtr n) {
    const std::string name = name_of(n);
    const std::string id = prop(n, "id");
    // XLIFF 1.2
    if (name == "g") {
      const std::string key = "#g" + std::to_string(++pairs_);
      add(K::kOpen, key, id, prop(n, "ctype"), "");
      walk(n);
      add(K::kClose, key, "", "", "");
    } else if (name == "x") {
      add(K::kPlaceholder, "", id, prop(n, "ctype"), "");
    } else if (name == "bx") {
      add(K::kOpen, "bx" + (prop(n, "rid").empty() ? id : prop(n, "rid")), id, prop(n, "ctype"), "");
    } else if (name == "ex") {
      add(K::kClose, "bx" + (prop(n, "rid").empty() ? id : prop(n, "rid")), id, "", "");
    } else if (name == "bpt") {
      add(K::kOpen, "bpt" + (prop(n, "rid").empty() ? id : prop(n, "rid")), id, prop(n, "ctype"), content(n));
    } else if (name == "ept") {
      add(K::kClose, "bpt" + (prop(n, "rid").empty() ? id : prop(n, "rid")), id, "", content(n));
    } else if (name == "it") {
      add(prop(n, "pos") == "close" ? K::kIsolatedClose : K::kIsolatedOpen, "", id, prop(n, "ctype"), content(n));
    } else if (name == "ph" && !v2_) {
      add(K::kPlaceholder, "", id, prop(n, "ctype"), content(n));  // 1.2 ph holds its native code
    }
    // XLIFF 2.x
    else if (name == "ph") {
      add(K::kPlaceholder, "", id, prop(n, "type"), data(prop(n, "dataRef")));
    } else if (name == "pc") {
      const std::string key = "#pc" + std::to_string(++pairs_);
      add(K::kOpen, key, id, prop(n, "type"), data(prop(n, "dataRefStart")));
      walk(n);
      add(K::kClose, key, "", "", data(prop(n, "dataRefEnd")));
    } else if (name == "sc") {
      add(prop(n, "isolated") == "yes" ? K::kIsolatedOpen : K::kOpen, "sc" + id, id, prop(n, "type"),
          data(prop(n, "dataRef")));
    } else if (name == "ec") {
      const bool isolated = prop(n, "isolated") == "yes";
      add(isolated ? K::kIsolatedClose : K::kClose, "sc" + prop(n, "startRef"), isolated ? id : "", prop(n, "type"),
          data(prop(n, "dataRef")));
    } else {
      // mrk, sm/em, sub and anything unknown: the text stays, the markup goes.
      walk(n);
    }
  }

  const XmlReader& xml_;
  const std::map<std::string, std::string>& data_;
  InlineCodesBuilder builder_;
  bool v2_;
  int pairs_ = 0;
};

bool finished_12(xmlNodePtr unit, xmlNodePtr target) {
  if (prop(unit, "approved") == "yes") return true;
  const std::string state = prop(target, "state");
  return state == "translated" || state == "final" || state == "signed-off";
}

void annotations_from(xmlNodePtr parent, TranslationUnit& unit) {
  for (xmlNodePtr n : children(parent, "note")) {
    Annotation a;
    a.is_note = true;
    a.lang = lang_prop(n);
    a.text = content(n);
    unit.annotations.push_back(std::move(a));
  }
}

struct Languages {
  std::string source, target, original;
};

void check_languages(TmxEntry& entry) {
  if (entry.skipped) return;
  for (const auto& v : entry.unit.variants)
    if (!known_language(v.tag)) {
      entry.skipped = true;
      entry.reason = trf("unknown language code '{1}'", v.tag);
      return;
    }
}

void read_unit_12(XmlReader& xml, xmlNodePtr tu, const Languages& langs, const std::string& file_name,
                  const std::function<void(TmxEntry&)>& yield) {
  TmxEntry entry;
  entry.line = xmlGetLineNo(tu);
  entry.unit.tuid = prop(tu, "id");
  entry.unit.origin_file = langs.original.empty() ? file_name : langs.original;
  entry.unit.origin_segment = entry.unit.tuid;
  entry.unit.source_lang = langs.source;
  xmlNodePtr source = child(tu, "source");
  xmlNodePtr target = child(tu, "target");
  if (prop(tu, "translate") == "no") {
    entry.skipped = true;
    entry.reason = tr("the unit is marked translate=\"no\"");
  } else if (!source || !target || !finished_12(tu, target)) {
    entry.skipped = true;
    entry.reason = tr("the unit is not translated and approved yet");
  } else {
    std::map<std::string, std::string> none;
    std::string error;
    Variant s, t;
    s.tag = lang_prop(source).empty() ? langs.source : lang_prop(source);
    t.tag = lang_prop(target).empty() ? langs.target : lang_prop(target);
    s.text = InlineMapper(xml, none, false).map(source, error);
    if (error.empty()) t.text = InlineMapper(xml, none, false).map(target, error);
    if (!error.empty()) {
      entry.skipped = true;
      entry.reason = error;
    } else if (s.tag.empty() || t.tag.empty()) {
      entry.skipped = true;
      entry.reason = tr("a variant has no language (xml:lang)");
    } else if (plain_text(s.text).empty() || plain_text(t.text).empty()) {
      entry.skipped = true;
      entry.reason = tr("fewer than two languages with text");
    } else if (primary_language(s.tag) == primary_language(t.tag)) {
      entry.skipped = true;
      entry.reason = tr("source and target are in the same language");
    } else {
      entry.unit.variants.push_back(std::move(s));
      entry.unit.variants.push_back(std::move(t));
      annotations_from(tu, entry.unit);
    }
  }
  check_languages(entry);
  yield(entry);
}

void read_unit_2(XmlReader& xml, xmlNodePtr unit, const Languages& langs, const std::string& file_name,
                 const std::function<void(TmxEntry&)>& yield) {
  std::map<std::string, std::string> data;
  if (xmlNodePtr original = child(unit, "originalData"))
    for (xmlNodePtr d : children(original, "data")) data[prop(d, "id")] = content(d);
  TranslationUnit base;
  base.tuid = prop(unit, "id");
  base.origin_file = langs.original.empty() ? file_name : langs.original;
  base.source_lang = langs.source;
  if (xmlNodePtr notes = child(unit, "notes")) annotations_from(notes, base);
  const auto segments = children(unit, "segment");
  int index = 0;
  for (xmlNodePtr segment : segments) {
    ++index;
    TmxEntry entry;
    entry.line = xmlGetLineNo(segment);
    entry.unit = base;
    entry.unit.origin_segment =
        segments.size() == 1 ? base.tuid : base.tuid + "#" + (prop(segment, "id").empty() ? std::to_string(index) : prop(segment, "id"));
    const std::string state = prop(segment, "state");
    xmlNodePtr source = child(segment, "source");
    xmlNodePtr target = child(segment, "target");
    if (prop(unit, "translate") == "no") {
      entry.skipped = true;
      entry.reason = tr("the unit is marked translate=\"no\"");
    } else if (!source || !target || (state != "translated" && state != "final")) {
      entry.skipped = true;
      entry.reason = tr("the unit is not translated and approved yet");
    } else {
      std::string error;
      Variant s, t;
      s.tag = langs.source;
      t.tag = langs.target;
      s.text = InlineMapper(xml, data, true).map(source, error);
      if (error.empty()) t.text = InlineMapper(xml, data, true).map(target, error);
      if (!error.empty()) {
        entry.skipped = true;
        entry.reason = error;
      } else if (s.tag.empty() || t.tag.empty()) {
        entry.skipped = true;
        entry.reason = tr("a variant has no language (xml:lang)");
      } else if (plain_text(s.text).empty() || plain_text(t.text).empty()) {
        entry.skipped = true;
        entry.reason = tr("fewer than two languages with text");
      } else if (primary_language(s.tag) == primary_language(t.tag)) {
        entry.skipped = true;
        entry.reason = tr("source and target are in the same language");
      } else {
        entry.unit.variants.push_back(std::move(s));
        entry.unit.variants.push_back(std::move(t));
      }
    }
    check_languages(entry);
    yield(entry);
  }
}

}  // namespace

void read_xliff(const std::string& path, const std::string& display_name,
                const std::function<void(TmxEntry&)>& yield,
                const std::function<void(std::int64_t bytes)>& progress) {
  XmlReader xml(path, display_name);
  const std::string file_name = std::filesystem::path(path).filename().string();
  bool more = xml.read();
  while (more && !xml.is_element()) more = xml.read();
  if (!more) xml.fail(tr("the file holds no XML element"));
  if (xml.local_name() != "xliff")
    xml.fail(trf("the root element is <{1}>, not <xliff>: this is not an XLIFF file", xml.local_name()));
  const std::string version = xml.attribute("version").value_or("");
  const bool v2 = !version.empty() && version[0] == '2';
  Languages langs;
  if (v2) {
    langs.source = xml.attribute("srcLang").value_or("");
    langs.target = xml.attribute("trgLang").value_or("");
  }
  std::int64_t units = 0;
  more = xml.read();
  while (more) {
    if (xml.is_element()) {
      const std::string name = xml.local_name();
      if (name == "file") {
        langs.original = xml.attribute("original").value_or("");
        if (!v2) {
          langs.source = xml.attribute("source-language").value_or("");
          langs.target = xml.attribute("target-language").value_or("");
        }
      } else if ((!v2 && name == "trans-unit") || (v2 && name == "unit")) {
        xmlNodePtr node = xml.expand();
        if (v2)
          read_unit_2(xml, node, langs, file_name, yield);
        else
          read_unit_12(xml, node, langs, file_name, yield);
        if (progress && ++units % 1024 == 0) progress(xml.bytes_read());
        more = xml.skip();
        continue;
      } else if (name == "alt-trans" || name == "skeleton" || name == "header" || name == "bin-unit") {
        more = xml.skip();
        continue;
      }
    }
    more = xml.read();
  }
}

}  // namespace dilmanc::memory

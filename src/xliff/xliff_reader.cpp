// Reads XLIFF 1.2 and 2.x into the XLIFF model, tolerating what CAT tools write: their
// own segmentation, other namespaces, units in any order, whitespace as it comes.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <libxml/tree.h>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/xliff.h"
#include "xliff/inline_codes.h"
#include "xliff/unit_stream.h"
#include "xml/document.h"

namespace dilmanc {
namespace {

using Kind = InlineCode::Kind;
using xliff_detail::join;

constexpr std::string_view kNs12 = "urn:oasis:names:tc:xliff:document:1.2";
constexpr std::string_view kNs2Prefix = "urn:oasis:names:tc:xliff:document:2.";
constexpr std::string_view kNsMtc = "urn:oasis:names:tc:xliff:matches:2.0";
constexpr std::string_view kNsMda = "urn:oasis:names:tc:xliff:metadata:2.0";
constexpr const char* kNsXml = "http://www.w3.org/XML/1998/namespace";
constexpr std::string_view kNsSdl = "http://sdl.com/FileTypes/SdlXliff/1.0";
constexpr const char* kNsMemoQ = "MQXliff";

// Trados keeps a segment's progress in <sdl:seg conf="..."> (its confirmation levels),
// memoQ in mq:status on the trans-unit; neither writes a 1.2 state. Their values in
// XLIFF terms; kUnspecified for values not known here.
XliffState trados_state(std::string_view conf) {
  if (conf == "Draft" || conf == "RejectedTranslation" || conf == "NotTranslated")
    return XliffState::kNeedsTranslation;
  if (conf == "Translated") return XliffState::kTranslated;
  if (conf == "RejectedSignOff") return XliffState::kNeedsReviewTranslation;
  if (conf == "ApprovedTranslation") return XliffState::kSignedOff;
  if (conf == "ApprovedSignOff") return XliffState::kFinal;
  return XliffState::kUnspecified;
}

XliffState memoq_state(std::string_view status) {
  if (status == "NotStarted" || status == "Rejected") return XliffState::kNeedsTranslation;
  // Filled but not confirmed by anyone: edited, pre-translated, machine-translated,
  // assembled from fragments.
  if (status == "PartiallyEdited" || status == "Edited" || status == "PreTranslated" ||
      status == "MachineTranslated" || status == "AssembledFromFragments")
    return XliffState::kNeedsReviewTranslation;
  if (status == "ManuallyConfirmed" || status == "ConfirmedTranslator") return XliffState::kTranslated;
  if (status == "Proofread" || status == "Reviewer1Confirmed") return XliffState::kSignedOff;
  if (status == "Reviewer2Confirmed") return XliffState::kFinal;
  return XliffState::kUnspecified;
}

// Appends real text, dropping the private-use characters InlineText reserves as markers.
void append_plain(InlineText& t, std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    Kind kind;
    if (marker_at(s, i, &kind)) {
      i += kMarkerBytes;
      continue;
    }
    std::size_t j = i + 1;
    while (j < s.size() && !(s[j] == '\xEE')) ++j;
    t.text.append(s.substr(i, j - i));
    i = j;
  }
}

// XML NMTOKEN, which XLIFF 2 ids must be: no spaces and no ASCII punctuation but . - _ :
bool is_nmtoken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (c >= 0x80) continue;
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
              c == '-' || c == '_' || c == ':';
    if (!ok) return false;
  }
  return true;
}

// The shape of a BCP 47 tag: a 2-8 letter language (or a singleton such as x), then
// subtags of 1-8 letters and digits.
bool is_language_tag(std::string_view tag) {
  std::size_t start = 0;
  bool first = true;
  while (true) {
    std::size_t end = tag.find('-', start);
    std::string_view sub = tag.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
    if (sub.empty() || sub.size() > 8) return false;
    for (char c : sub) {
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      bool digit = c >= '0' && c <= '9';
      if (!alpha && !(digit && !first)) return false;
    }
    if (first && sub.size() == 1 && sub != "x" && sub != "i" && sub != "X" && sub != "I") return false;
    first = false;
    if (end == std::string_view::npos) return true;
    start = end + 1;
  }
}

// The integer ids of one unit's codes: numeric XLIFF ids keep their value, others get
// fresh numbers, so that source, target and matches of a unit agree.
class CodeIds {
 public:
  int get(const std::string& key) {
    auto it = ids_.find(key);
    if (it != ids_.end()) return it->second;
    int id = 0;
    if (!key.empty() && key.size() < 9 && key.find_first_not_of("0123456789") == std::string::npos)
      id = std::atoi(key.c_str());
    if (id <= 0 || used_.count(id)) {
      while (used_.count(next_)) ++next_;
      id = next_++;
    }
    used_.insert(id);
    ids_.emplace(key, id);
    return id;
  }

 private:
  std::map<std::string, int> ids_;
  std::set<int> used_;
  int next_ = 1000;
};

// Content split at <mrk mtype="seg">: the pieces in order.
struct Piece {
  bool segment = false;
  std::string id;
  InlineText text;
};

struct Pieces {
  std::vector<Piece> list{Piece{}};
  bool split = false;  // whether mrk mtype="seg" splits (seg-source, target)
  InlineText& current() { return list.back().text; }
  void start_segment(std::string id) { list.push_back(Piece{true, std::move(id), {}}); }
  void end_segment() { list.push_back(Piece{}); }
  // The pieces without empty non-segment ones, each with its pairs repaired.
  std::vector<Piece> finish() {
    std::vector<Piece> out;
    for (Piece& p : list) {
      if (!p.segment && p.text.text.empty()) continue;
      xliff_detail::repair_pairs(p.text);
      out.push_back(std::move(p));
    }
    return out;
  }
  bool has_segments() const {
    for (const Piece& p : list)
      if (p.segment) return true;
    return false;
  }
};

class Reader {
 public:
  explicit Reader(const std::string& name) : name_(name) {}

  XliffDocument read(xmlDoc* doc) {
    xmlNode* root = xmlDocGetRootElement(doc);
    const XliffVersion version = start(root);
    return version == XliffVersion::k12 ? read12(root) : read2(root);
  }

  // Streaming: `node` is a unit element expanded by a streaming parser, its ancestors up to
  // the root still attached (their attributes read, their other children not). new_file()
  // is called at each <file> start before its units.
  void new_file() { file_started_ = true; }

  bool stream_unit(const xmlNode* node, XliffVersion& version, XliffFile& file, XliffUnit& unit) {
    const xmlNode* root = node;
    while (root->parent && root->parent->type == XML_ELEMENT_NODE) root = root->parent;
    if (!streaming_) {
      stream_version_ = start(root);
      streaming_ = true;
    }
    version = stream_version_;
    const bool v2 = version != XliffVersion::k12;
    if (!el(node, v2 ? "unit" : "trans-unit")) return false;
    const xmlNode* f = node->parent;
    while (f && !el(f, "file")) f = f->parent;
    if (!f) return false;
    refuse_entity_references(node);
    if (file_started_) {
      file_started_ = false;
      stream_unit_ids_.clear();
      stream_file_ = XliffFile{};
      if (v2) {
        stream_file_.id = id2(f);
        stream_file_.source_language = src_lang_;
        stream_file_.target_language = trg_lang_;
      } else {
        stream_file_.datatype = xml::attr(f, "datatype");
        stream_file_.source_language = required(f, "source-language");
        stream_file_.target_language = xml::attr(f, "target-language");
        stream_file_.tool_name = xml::attr(f, "tool");
      }
      stream_file_.original = xml::attr(f, "original");
    }
    // translate="no" of the nearest group (1.2: or bin-unit; 2.x: or the file).
    bool translate = true;
    for (const xmlNode* a = node->parent; a; a = a->parent) {
      const bool holder = el(a, "group") || (!v2 && el(a, "bin-unit")) || (v2 && a == f);
      if (holder && xml::has_attr(a, "translate")) {
        translate = xml::attr(a, "translate") != "no";
        break;
      }
      if (a == f) break;
    }
    unit = v2 ? unit2(node, translate) : unit12(node, translate);
    if (!stream_unit_ids_.insert(unit.id).second) fail(node, trf("unit id '{1}' is used twice in the file", unit.id));
    file = stream_file_;
    return true;
  }

 private:
  // Checks the root and takes the document's namespace and version from it.
  XliffVersion start(const xmlNode* root) {
    if (root == nullptr || !xml::is(root, "xliff"))
      fail(root, trf("not an XLIFF document: the root element is <{1}>",
                     root ? reinterpret_cast<const char*>(root->name) : ""));
    std::string_view ns = xml::ns_of(root);
    std::string version = xml::attr(root, "version");
    if (ns.substr(0, kNs2Prefix.size()) == kNs2Prefix) {
      ns_ = std::string(ns);
      if (version.empty()) required(root, "version");
      XliffVersion v = XliffVersion::k21;
      if (version == "2.0") v = XliffVersion::k20;
      else if (version != "2.1" && version != "2.2") fail(root, trf("unsupported XLIFF version '{1}'", version));
      required(root, "srcLang");
      src_lang_ = lang2(root, "srcLang");
      trg_lang_ = lang2(root, "trgLang");
      return v;
    }
    if (ns.empty() || ns == kNs12) {
      ns_ = std::string(ns);
      if (!version.empty() && version != "1.2" && version != "1.1" && version != "1.0")
        fail(root, trf("unsupported XLIFF version '{1}'", version));
      return XliffVersion::k12;
    }
    fail(root, trf("not an XLIFF document: unknown namespace '{1}'", std::string(ns)));
  }

  // A streaming parser leaves entity references in place (it never substitutes them); a
  // unit holding one is refused rather than read without the entity's text.
  void refuse_entity_references(const xmlNode* node) const {
    for (const xmlNode* c = node->children; c; c = c->next) {
      if (c->type == XML_ENTITY_REF_NODE)
        fail(c, trf("the entity reference '&{1};' is not expanded: dilmanc never reads entities, for safety",
                    reinterpret_cast<const char*>(c->name)));
      if (c->type == XML_ELEMENT_NODE) refuse_entity_references(c);
    }
  }

 private:
  [[noreturn]] void fail(const xmlNode* node, std::string cause) const {
    ThrowInput(std::move(cause), {name_, node ? static_cast<std::int64_t>(xmlGetLineNo(node)) : 0});
  }

  std::string required(const xmlNode* node, const char* attr) const {
    if (!xml::has_attr(node, attr))
      fail(node, trf("<{1}> lacks the required attribute '{2}'", reinterpret_cast<const char*>(node->name), attr));
    return xml::attr(node, attr);
  }

  // A required XLIFF 2 id: present and an NMTOKEN.
  std::string id2(const xmlNode* node, const char* attr = "id") const {
    std::string id = required(node, attr);
    if (!is_nmtoken(id)) fail(node, trf("'{1}' is not a valid id", id));
    return id;
  }

  std::string lang2(const xmlNode* node, const char* attr, const char* ns = nullptr) const {
    std::string lang = xml::attr(node, attr, ns);
    if (!lang.empty() && !is_language_tag(lang)) fail(node, trf("'{1}' is not a valid language tag", lang));
    return lang;
  }

  // An element of the document's XLIFF namespace (1.2 files may have none).
  bool el(const xmlNode* node, const char* name) const {
    return xml::is(node, name) && xml::ns_of(node) == ns_;
  }

  static std::vector<XliffNote> notes_of(const std::vector<const xmlNode*>& nodes, const char* from_attr) {
    std::vector<XliffNote> notes;
    for (const xmlNode* n : nodes)
      notes.push_back({xml::text_content(n), xml::attr(n, from_attr), xml::attr(n, "lang", kNsXml)});
    return notes;
  }

  static std::int64_t line_of(const xmlNode* node) { return static_cast<std::int64_t>(xmlGetLineNo(node)); }

  static std::string name_from(const std::string& ctype, const std::string& original) {
    std::string name = xliff_detail::markup_name(original);
    if (!name.empty()) return name;
    if (ctype.rfind("x-", 0) == 0) return ctype.substr(2);
    return ctype;
  }

  // The text of a native-code element (bpt, ept, ph, it) without its <sub> flows.
  static std::string code_content(const xmlNode* node) {
    std::string out;
    for (const xmlNode* c = node->children; c; c = c->next) {
      if (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) out += reinterpret_cast<const char*>(c->content);
      else if (c->type == XML_ELEMENT_NODE && !xml::is(c, "sub")) out += code_content(c);
    }
    return out;
  }

  static void add_code(InlineText& t, Kind kind, int id, std::string name, std::string original, bool isolated) {
    InlineCode c;
    c.kind = kind;
    c.id = id;
    c.name = std::move(name);
    c.original = std::move(original);
    c.isolated = isolated && kind != Kind::kPlaceholder;
    append_code(t, std::move(c));
  }

  // ---- XLIFF 1.2 -------------------------------------------------------------------------

  void inline12(const xmlNode* parent, Pieces& out, CodeIds& ids) const {
    for (const xmlNode* n = parent->children; n; n = n->next) {
      if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        append_plain(out.current(), reinterpret_cast<const char*>(n->content));
        continue;
      }
      if (n->type != XML_ELEMENT_NODE) continue;
      const std::string id = xml::attr(n, "id"), rid = xml::attr(n, "rid"), ctype = xml::attr(n, "ctype");
      const std::string pair_key = rid.empty() ? id : rid;
      if (el(n, "g")) {
        int k = ids.get(id);
        add_code(out.current(), Kind::kOpening, k, name_from(ctype, ""), "", false);
        inline12(n, out, ids);
        add_code(out.current(), Kind::kClosing, k, name_from(ctype, ""), "", false);
      } else if (el(n, "x")) {
        add_code(out.current(), Kind::kPlaceholder, ids.get(id), name_from(ctype, ""), "", false);
      } else if (el(n, "bx")) {
        add_code(out.current(), Kind::kOpening, ids.get(pair_key), name_from(ctype, ""), "", true);
      } else if (el(n, "ex")) {
        add_code(out.current(), Kind::kClosing, ids.get(pair_key), name_from(ctype, ""), "", true);
      } else if (el(n, "bpt")) {
        std::string original = code_content(n);
        add_code(out.current(), Kind::kOpening, ids.get(pair_key), name_from(ctype, original), original, true);
      } else if (el(n, "ept")) {
        std::string original = code_content(n);
        add_code(out.current(), Kind::kClosing, ids.get(pair_key), name_from(ctype, original), original, true);
      } else if (el(n, "ph")) {
        std::string original = code_content(n);
        add_code(out.current(), Kind::kPlaceholder, ids.get(id), name_from(ctype, original), original, false);
      } else if (el(n, "it")) {
        std::string original = code_content(n);
        Kind kind = xml::attr(n, "pos") == "close" ? Kind::kClosing : Kind::kOpening;
        add_code(out.current(), kind, ids.get(pair_key), name_from(ctype, original), original, true);
      } else if (el(n, "mrk") && out.split && xml::attr(n, "mtype") == "seg") {
        out.start_segment(xml::attr(n, "mid"));
        inline12(n, out, ids);
        out.end_segment();
      } else if (el(n, "sub")) {
        continue;  // a sub-flow belongs to its code, not to this text
      } else {
        inline12(n, out, ids);  // mrk annotations and other tools' inline elements: their text counts
      }
    }
  }

  InlineText whole12(const xmlNode* node, CodeIds& ids) const {
    Pieces p;
    inline12(node, p, ids);
    InlineText out;
    for (Piece& piece : p.finish()) xliff_detail::append_inline(out, piece.text);
    xliff_detail::repair_pairs(out);
    return out;
  }

  XliffDocument read12(const xmlNode* root) {
    XliffDocument doc;
    doc.version = XliffVersion::k12;
    for (const xmlNode* f = root->children; f; f = f->next) {
      if (!el(f, "file")) continue;
      XliffFile file;
      file.original = xml::attr(f, "original");
      file.datatype = xml::attr(f, "datatype");
      // Languages name the editions' files: anything but a language tag is refused here.
      file.source_language = required(f, "source-language");
      if (!is_language_tag(file.source_language))
        fail(f, trf("'{1}' is not a valid language tag", file.source_language));
      file.target_language = lang2(f, "target-language");
      file.tool_name = xml::attr(f, "tool");
      const std::string tool_id = xml::attr(f, "tool-id");
      std::set<std::string> unit_ids;
      for (const xmlNode* part = f->children; part; part = part->next) {
        if (el(part, "header")) {
          std::vector<const xmlNode*> notes;
          for (const xmlNode* h = part->children; h; h = h->next) {
            if (el(h, "note")) notes.push_back(h);
            if (el(h, "tool") && (file.tool_name.empty() || xml::attr(h, "tool-id") == tool_id)) {
              file.tool_name = xml::attr(h, "tool-name");
              file.tool_version = xml::attr(h, "tool-version");
            }
          }
          file.notes = notes_of(notes, "from");
        } else if (el(part, "body")) {
          body12(part, file, unit_ids, true);
        }
      }
      doc.files.push_back(std::move(file));
    }
    return doc;
  }

  void body12(const xmlNode* parent, XliffFile& file, std::set<std::string>& unit_ids, bool translate) {
    for (const xmlNode* n = parent->children; n; n = n->next) {
      if (el(n, "group") || el(n, "bin-unit")) {
        std::string t = xml::attr(n, "translate");
        body12(n, file, unit_ids, t.empty() ? translate : t != "no");
      } else if (el(n, "trans-unit")) {
        XliffUnit unit = unit12(n, translate);
        if (!unit_ids.insert(unit.id).second) fail(n, trf("unit id '{1}' is used twice in the file", unit.id));
        file.units.push_back(std::move(unit));
      }
    }
  }

  XliffUnit unit12(const xmlNode* tu, bool translate) {
    XliffUnit unit;
    unit.id = required(tu, "id");
    std::string t = xml::attr(tu, "translate");
    unit.translate = t.empty() ? translate : t != "no";
    unit.kind = xml::attr(tu, "restype");
    if (unit.kind.rfind("x-", 0) == 0) unit.kind.erase(0, 2);
    const bool approved = xml::attr(tu, "approved") == "yes";

    const xmlNode *source = nullptr, *seg_source = nullptr, *target = nullptr, *seg_defs = nullptr;
    std::vector<const xmlNode*> notes, alt_trans, context_groups;
    for (const xmlNode* n = tu->children; n; n = n->next) {
      if (el(n, "source") && !source) source = n;
      else if (el(n, "seg-source") && !seg_source) seg_source = n;
      else if (el(n, "target") && !target) target = n;
      else if (el(n, "note")) notes.push_back(n);
      else if (el(n, "alt-trans")) alt_trans.push_back(n);
      else if (el(n, "context-group")) context_groups.push_back(n);
      else if (xml::is(n, "seg-defs") && xml::ns_of(n) == kNsSdl) seg_defs = n;
    }
    if (!source) fail(tu, trf("unit '{1}' has no <source>", unit.id));
    unit.notes = notes_of(notes, "from");
    unit.line = line_of(tu);
    unit.source_language = lang2(source, "lang", kNsXml);
    if (target) unit.target_language = lang2(target, "lang", kNsXml);

    CodeIds ids;
    bool segmented = false;
    if (seg_source) {
      Pieces src;
      src.split = true;
      inline12(seg_source, src, ids);
      if (src.has_segments()) {
        std::vector<Piece> src_pieces = src.finish();
        std::map<std::string, InlineText> targets;
        // The target's text between its mrk, keyed by the id of the mrk before it ("" for
        // the text before the first), to pair with the seg-source's.
        std::map<std::string, InlineText> between;
        bool targets_fit = true;
        if (target) {
          Pieces tgt;
          tgt.split = true;
          inline12(target, tgt, ids);
          std::set<std::string> src_ids, tgt_ids;
          for (const Piece& p : src_pieces)
            if (p.segment) src_ids.insert(p.id);
          std::string previous;
          for (Piece& p : tgt.finish())
            if (p.segment) {
              tgt_ids.insert(p.id);
              previous = p.id;
              targets[p.id] = std::move(p.text);
            } else {
              between[previous] = std::move(p.text);
            }
          // A target the translator's tool segmented otherwise is read as one segment.
          targets_fit = std::includes(src_ids.begin(), src_ids.end(), tgt_ids.begin(), tgt_ids.end()) &&
                        !tgt_ids.empty();
        }
        if (targets_fit) {
          segmented = true;
          std::string previous;
          for (Piece& p : src_pieces) {
            XliffSegment s;
            s.ignorable = !p.segment;
            s.id = p.id;
            s.source = std::move(p.text);
            s.line = unit.line;
            if (p.segment) {
              previous = p.id;
              auto it = targets.find(s.id);
              // An empty mrk in the target is a sentence not yet translated.
              if (it != targets.end() && !it->second.text.empty()) {
                s.has_target = true;
                s.target = it->second;
              }
            } else if (target) {
              // The translator's text between sentences where it is not the source's (none
              // where their language needs none).
              auto gap = between.find(previous);
              InlineText text = gap == between.end() ? InlineText{} : gap->second;
              if (text.text != s.source.text || text.codes != s.source.codes) {
                s.has_target = true;
                s.target = std::move(text);
              }
            }
            unit.segments.push_back(std::move(s));
          }
        }
      }
    }
    if (!segmented) {
      XliffSegment s;
      s.id = unit.id;
      s.line = unit.line;
      s.source = whole12(source, ids);
      if (target) {
        s.has_target = true;
        s.target = whole12(target, ids);
      }
      unit.segments.push_back(std::move(s));
    }

    const XliffState state = target ? parse_xliff_state(xml::attr(target, "state"), XliffVersion::k12)
                                    : XliffState::kUnspecified;
    const std::string qualifier = target ? xml::attr(target, "state-qualifier") : "";
    // Without a 1.2 state, Trados's per sentence (the least advanced for a unit read as one
    // segment) or memoQ's per unit.
    std::map<std::string, XliffState> trados;
    std::optional<XliffState> trados_least;
    for (const xmlNode* n = seg_defs ? seg_defs->children : nullptr; n; n = n->next) {
      if (!xml::is(n, "seg") || xml::ns_of(n) != kNsSdl || !xml::has_attr(n, "conf")) continue;
      const XliffState vendor = trados_state(xml::attr(n, "conf"));
      trados[xml::attr(n, "id")] = vendor;
      trados_least = trados_least ? std::min(*trados_least, vendor) : vendor;
    }
    const XliffState memoq = memoq_state(xml::attr(tu, "status", kNsMemoQ));
    for (XliffSegment& s : unit.segments) {
      if (s.ignorable) continue;
      s.state = state;
      if (state == XliffState::kUnspecified) {
        auto t = trados.find(s.id);
        s.state = t != trados.end() ? t->second : trados_least.value_or(memoq);
      }
      s.state_qualifier = qualifier;
      s.approved = approved;
    }

    for (const xmlNode* a : alt_trans) {
      if (xml::attr(a, "alttranstype") == "rejected") continue;
      XliffMatch m;
      m.origin = xml::attr(a, "origin");
      std::string quality = xml::attr(a, "match-quality");
      double score = std::strtod(quality.c_str(), nullptr);
      if (!std::isfinite(score) || score < 0) score = 0;
      m.score = static_cast<int>(std::lround(std::min(score, 101.0)));
      m.in_context = m.score > 100;
      CodeIds match_ids;
      for (const xmlNode* n = a->children; n; n = n->next) {
        if (el(n, "source")) m.source = whole12(n, match_ids);
        if (el(n, "target")) m.target = whole12(n, match_ids);
      }
      segment_for(unit, xml::attr(a, "mid")).matches.push_back(std::move(m));
    }
    for (const xmlNode* g : context_groups) {
      for (const xmlNode* c = g->children; c; c = c->next)
        if (el(c, "context") && xml::attr(c, "context-type") == "x-repetition-of")
          segment_for(unit, xml::attr(g, "name")).repetition_of = xml::text_content(c);
    }
    return unit;
  }

  // The segment with `id`, or the first segment when none has it.
  static XliffSegment& segment_for(XliffUnit& unit, const std::string& id) {
    XliffSegment* first = nullptr;
    for (XliffSegment& s : unit.segments) {
      if (s.ignorable) continue;
      if (!first) first = &s;
      if (s.id == id) return s;
    }
    return *first;  // a unit always has a segment
  }

  // ---- XLIFF 2.x -------------------------------------------------------------------------

  // The start codes of one side (source or target) of a unit, for the sc/ec checks.
  struct Side {
    std::map<std::string, std::pair<bool, const xmlNode*>> sc;  // id -> (isolated, element)
    std::set<std::string> ended;
  };

  void inline2(const xmlNode* parent, InlineText& out, CodeIds& ids, const std::map<std::string, std::string>& data,
               Side& side) const {
    auto original = [&](const xmlNode* n, const char* attr) -> std::string {
      if (!xml::has_attr(n, attr)) return "";
      std::string ref = xml::attr(n, attr);
      auto it = data.find(ref);
      if (it == data.end()) fail(n, trf("the inline code refers to data '{1}', which the unit does not have", ref));
      return it->second;
    };
    for (const xmlNode* n = parent->children; n; n = n->next) {
      if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        append_plain(out, reinterpret_cast<const char*>(n->content));
        continue;
      }
      if (n->type != XML_ELEMENT_NODE) continue;
      if (xml::ns_of(n) != ns_) {
        inline2(n, out, ids, data, side);
        continue;
      }
      const std::string id = xml::attr(n, "id");
      if (xml::has_attr(n, "subType") && !xml::has_attr(n, "type"))
        fail(n, trf("<{1}> has subType but no type", reinterpret_cast<const char*>(n->name)));
      if (xml::is(n, "pc")) {
        int k = ids.get(id2(n));
        std::string start = original(n, "dataRefStart"), end = original(n, "dataRefEnd");
        add_code(out, Kind::kOpening, k, xliff_detail::markup_name(start), start, false);
        inline2(n, out, ids, data, side);
        add_code(out, Kind::kClosing, k, xliff_detail::markup_name(start), end, false);
      } else if (xml::is(n, "ph")) {
        std::string o = original(n, "dataRef");
        add_code(out, Kind::kPlaceholder, ids.get(id2(n)), xliff_detail::markup_name(o), o, false);
      } else if (xml::is(n, "sc")) {
        side.sc[id2(n)] = {xml::attr(n, "isolated") == "yes", n};
        std::string o = original(n, "dataRef");
        add_code(out, Kind::kOpening, ids.get(id), xliff_detail::markup_name(o), o, true);
      } else if (xml::is(n, "ec")) {
        std::string o = original(n, "dataRef");
        std::string key;
        if (xml::attr(n, "isolated") == "yes") {
          key = id2(n);
        } else {
          key = id2(n, "startRef");
          auto sc = side.sc.find(key);
          if (sc == side.sc.end())
            fail(n, trf("<ec> refers to start code '{1}', which the unit does not have before it", key));
          if (sc->second.first) fail(n, trf("start code '{1}' is isolated, yet its end is in the unit", key));
          side.ended.insert(key);
        }
        add_code(out, Kind::kClosing, ids.get(key), xliff_detail::markup_name(o), o, true);
      } else if (xml::is(n, "cp")) {
        unsigned long cp = std::strtoul(required(n, "hex").c_str(), nullptr, 16);
        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
          fail(n, trf("<cp> holds an invalid code point '{1}'", xml::attr(n, "hex")));
        // <cp> exists for characters XML cannot carry; any other is written as itself.
        const bool xml_char = cp == 0x9 || cp == 0xA || cp == 0xD || (cp >= 0x20 && cp <= 0xD7FF) ||
                              (cp >= 0xE000 && cp <= 0xFFFD) || cp >= 0x10000;
        if (xml_char) fail(n, trf("<cp> holds '{1}', a character XML can carry as it is", xml::attr(n, "hex")));
        std::string utf8;
        if (cp < 0x80) utf8 += static_cast<char>(cp);
        else if (cp < 0x800) utf8 += {static_cast<char>(0xC0 | (cp >> 6)), static_cast<char>(0x80 | (cp & 0x3F))};
        else if (cp < 0x10000)
          utf8 += {static_cast<char>(0xE0 | (cp >> 12)), static_cast<char>(0x80 | ((cp >> 6) & 0x3F)),
                   static_cast<char>(0x80 | (cp & 0x3F))};
        else
          utf8 += {static_cast<char>(0xF0 | (cp >> 18)), static_cast<char>(0x80 | ((cp >> 12) & 0x3F)),
                   static_cast<char>(0x80 | ((cp >> 6) & 0x3F)), static_cast<char>(0x80 | (cp & 0x3F))};
        append_plain(out, utf8);
      } else if (xml::is(n, "sm") || xml::is(n, "em")) {
        continue;  // annotation boundaries carry no text
      } else {
        inline2(n, out, ids, data, side);  // mrk: the annotated text counts
      }
    }
  }

  void check_side(const Side& side) const {
    for (const auto& [id, sc] : side.sc)
      if (!sc.first && !side.ended.count(id))
        fail(sc.second, trf("start code '{1}' has no end in the unit and is not marked isolated", id));
  }

  std::map<std::string, std::string> original_data(const xmlNode* parent) const {
    std::map<std::string, std::string> data;
    for (const xmlNode* n = parent->children; n; n = n->next) {
      if (!el(n, "originalData")) continue;
      if (!xml::first_element(n)) fail(n, tr("<originalData> holds no <data>"));
      for (const xmlNode* d = n->children; d; d = d->next) {
        if (!el(d, "data")) continue;
        std::string id = id2(d);
        if (!data.emplace(id, xml::text_content(d)).second) fail(d, trf("data id '{1}' is used twice", id));
      }
    }
    return data;
  }

  std::vector<XliffNote> notes2(const xmlNode* parent) const {
    std::vector<const xmlNode*> nodes;
    for (const xmlNode* n = parent->children; n; n = n->next)
      if (el(n, "notes") && !xml::first_element(n)) fail(n, tr("<notes> holds no <note>"));
      else if (el(n, "notes"))
        for (const xmlNode* note = n->children; note; note = note->next)
          if (el(note, "note")) nodes.push_back(note);
    return notes_of(nodes, "category");
  }

  void check_lang(const xmlNode* node, const std::string& expected, bool target) const {
    if (!xml::has_attr(node, "lang", kNsXml)) return;
    std::string lang = lang2(node, "lang", kNsXml);
    if (target && expected.empty()) fail(node, tr("a target has a language, but the document declares no trgLang"));
    if (lang != expected)
      fail(node, trf("the language '{1}' differs from the document's '{2}'", lang, expected));
  }

  XliffDocument read2(const xmlNode* root) {
    XliffDocument doc;
    doc.version = xml::attr(root, "version") == "2.0" ? XliffVersion::k20 : XliffVersion::k21;
    std::set<std::string> file_ids;
    for (const xmlNode* f = root->children; f; f = f->next) {
      if (!el(f, "file")) continue;
      XliffFile file;
      file.id = id2(f);
      if (!file_ids.insert(file.id).second) fail(f, trf("file id '{1}' is used twice", file.id));
      file.original = xml::attr(f, "original");
      file.source_language = src_lang_;
      file.target_language = trg_lang_;
      file.notes = notes2(f);
      for (const xmlNode* m = f->children; m; m = m->next) {
        if (!xml::is(m, "metadata") || xml::ns_of(m) != kNsMda) continue;
        for (const xmlNode* g = m->children; g; g = g->next)
          if (xml::is(g, "metaGroup") && xml::attr(g, "category") == "tool")
            for (const xmlNode* meta = g->children; meta; meta = meta->next) {
              if (!xml::is(meta, "meta")) continue;
              std::string type = xml::attr(meta, "type");
              if (type == "tool-name") file.tool_name = xml::text_content(meta);
              if (type == "tool-version") file.tool_version = xml::text_content(meta);
              if (type == "datatype") file.datatype = xml::text_content(meta);
            }
      }
      std::set<std::string> unit_ids;
      group_ids_.clear();
      std::string t = xml::attr(f, "translate");
      bool any = false;
      for (const xmlNode* c = f->children; c && !any; c = c->next) any = el(c, "unit") || el(c, "group");
      if (!any) fail(f, trf("file '{1}' holds no unit or group", file.id));
      units2(f, file, unit_ids, t != "no");
      doc.files.push_back(std::move(file));
    }
    if (doc.files.empty()) fail(root, tr("the document has no <file>"));
    return doc;
  }

  void units2(const xmlNode* parent, XliffFile& file, std::set<std::string>& unit_ids, bool translate) {
    for (const xmlNode* n = parent->children; n; n = n->next) {
      if (el(n, "group")) {
        std::string id = id2(n);
        if (!group_ids_.insert(id).second) fail(n, trf("group id '{1}' is used twice in the file", id));
        std::string t = xml::attr(n, "translate");
        units2(n, file, unit_ids, t.empty() ? translate : t != "no");
      } else if (el(n, "unit")) {
        XliffUnit unit = unit2(n, translate);
        if (!unit_ids.insert(unit.id).second) fail(n, trf("unit id '{1}' is used twice in the file", unit.id));
        file.units.push_back(std::move(unit));
      }
    }
  }

  XliffUnit unit2(const xmlNode* u, bool translate) {
    XliffUnit unit;
    unit.id = id2(u);
    std::string t = xml::attr(u, "translate");
    unit.translate = t.empty() ? translate : t != "no";
    unit.kind = xml::attr(u, "type");
    if (auto colon = unit.kind.find(':'); colon != std::string::npos) unit.kind.erase(0, colon + 1);
    unit.notes = notes2(u);
    unit.line = line_of(u);
    const std::map<std::string, std::string> data = original_data(u);

    CodeIds ids;
    Side source_side, target_side;
    std::set<std::string> part_ids;
    std::vector<std::pair<std::size_t, int>> unnamed;  // segments without id: index, number
    int number = 0;
    for (const xmlNode* n = u->children; n; n = n->next) {
      const bool ignorable = el(n, "ignorable");
      if (!ignorable && !el(n, "segment")) continue;
      XliffSegment s;
      s.ignorable = ignorable;
      s.line = line_of(n);
      if (!ignorable) ++number;
      if (xml::has_attr(n, "id")) s.id = id2(n);
      if (!s.id.empty() && !part_ids.insert(s.id).second) fail(n, trf("segment id '{1}' is used twice", s.id));
      if (s.id.empty() && !ignorable) unnamed.emplace_back(unit.segments.size(), number);
      const xmlNode *source = nullptr, *target = nullptr;
      for (const xmlNode* c = n->children; c; c = c->next) {
        if (el(c, "source") && source) fail(c, trf("unit '{1}' has a segment with two <source>", unit.id));
        if (el(c, "target") && target) fail(c, trf("unit '{1}' has a segment with two <target>", unit.id));
        if (el(c, "source")) source = c;
        if (el(c, "target")) target = c;
      }
      if (!source) fail(n, trf("unit '{1}' has a segment without <source>", unit.id));
      check_lang(source, src_lang_, false);
      inline2(source, s.source, ids, data, source_side);
      xliff_detail::repair_pairs(s.source);
      if (target) {
        if (trg_lang_.empty()) fail(target, tr("the document has targets but declares no trgLang"));
        check_lang(target, trg_lang_, true);
        s.has_target = true;
        inline2(target, s.target, ids, data, target_side);
        xliff_detail::repair_pairs(s.target);
      }
      if (!ignorable) {
        std::string state = xml::attr(n, "state");
        s.state = parse_xliff_state(state, XliffVersion::k21);
        if (!state.empty() && s.state == XliffState::kUnspecified)
          fail(n, trf("unknown segment state '{1}'", state));
        std::string sub = xml::attr(n, "subState");
        if (!sub.empty() && state.empty()) fail(n, tr("subState is given without state"));
        s.state_qualifier = sub.rfind("dilmanc:", 0) == 0 ? sub.substr(8) : sub;
        s.approved = s.state == XliffState::kFinal;
      }
      unit.segments.push_back(std::move(s));
    }
    // A segment without id is named by its number in the unit, unless another segment
    // has that id; merge and import need a name for each.
    for (const auto& [k, n] : unnamed) {
      std::string id = std::to_string(n);
      while (part_ids.count(id)) id = unit.id + "." + id;
      part_ids.insert(id);
      unit.segments[k].id = id;
    }
    if (unit.segments.empty()) fail(u, trf("unit '{1}' has no segment", unit.id));
    if (std::all_of(unit.segments.begin(), unit.segments.end(), [](const XliffSegment& s) { return s.ignorable; }))
      fail(u, trf("unit '{1}' has no segment", unit.id));
    check_side(source_side);
    check_side(target_side);

    for (const xmlNode* n = u->children; n; n = n->next) {
      if (xml::is(n, "matches") && xml::ns_of(n) == kNsMtc) {
        for (const xmlNode* m = n->children; m; m = m->next) {
          if (!xml::is(m, "match") || xml::ns_of(m) != kNsMtc) continue;
          XliffMatch match;
          match.origin = xml::attr(m, "origin");
          std::string quality = xml::attr(m, "matchQuality");
          if (quality.empty()) quality = xml::attr(m, "similarity");
          double score = std::strtod(quality.c_str(), nullptr);
          if (!std::isfinite(score) || score < 0) score = 0;
          match.score = static_cast<int>(std::lround(std::min(score, 100.0)));
          match.in_context = xml::attr(m, "type") == "icm";
          if (match.in_context) match.score = 101;
          const std::map<std::string, std::string> match_data = original_data(m);
          CodeIds match_ids;
          Side s1, s2;
          for (const xmlNode* c = m->children; c; c = c->next) {
            if (el(c, "source")) inline2(c, match.source, match_ids, match_data, s1);
            if (el(c, "target")) inline2(c, match.target, match_ids, match_data, s2);
          }
          xliff_detail::repair_pairs(match.source);
          xliff_detail::repair_pairs(match.target);
          std::string ref = required(m, "ref");
          if (auto hash = ref.rfind('#'); hash != std::string::npos) ref.erase(0, hash + 1);
          if (auto slash = ref.rfind('/'); slash != std::string::npos) ref.erase(0, slash + 1);
          if (auto eq = ref.find('='); eq != std::string::npos) ref.erase(0, eq + 1);
          segment_for(unit, ref).matches.push_back(std::move(match));
        }
      }
      if (xml::is(n, "metadata") && xml::ns_of(n) == kNsMda) {
        for (const xmlNode* g = n->children; g; g = g->next)
          if (xml::is(g, "metaGroup") && xml::attr(g, "category") == "repetitions")
            for (const xmlNode* meta = g->children; meta; meta = meta->next)
              if (xml::is(meta, "meta"))
                segment_for(unit, xml::attr(meta, "type")).repetition_of = xml::text_content(meta);
      }
    }
    return unit;
  }

  std::string name_;
  std::string ns_;
  bool streaming_ = false, file_started_ = false;
  XliffVersion stream_version_ = XliffVersion::k12;
  XliffFile stream_file_;
  std::set<std::string> stream_unit_ids_;
  std::string src_lang_, trg_lang_;
  std::set<std::string> group_ids_;
};

}  // namespace

namespace xliff_detail {

struct UnitStream::Impl {
  explicit Impl(const std::string& name) : reader(name) {}
  Reader reader;
};

UnitStream::UnitStream(const std::string& name) : impl_(std::make_unique<Impl>(name)) {}
UnitStream::~UnitStream() = default;
void UnitStream::new_file() { impl_->reader.new_file(); }
bool UnitStream::read(const xmlNode* node, XliffVersion& version, XliffFile& file, XliffUnit& unit) {
  return impl_->reader.stream_unit(node, version, file, unit);
}

}  // namespace xliff_detail

XliffDocument parse_xliff(std::string_view data, const std::string& name) {
  xml::DocPtr doc = xml::parse(data, name);
  return Reader(name).read(doc.get());
}

XliffDocument read_xliff(const std::filesystem::path& path, const std::string& display_name) {
  const std::string name = display_name.empty() ? path.string() : display_name;
  std::FILE* f = std::fopen(path.string().c_str(), "rb");
  if (f == nullptr) ThrowIo(tr("cannot open the file for reading"), {name});
  std::string data;
  char buffer[65536];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0) data.append(buffer, n);
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) ThrowIo(tr("cannot read the file"), {name});
  return parse_xliff(data, name);
}

}  // namespace dilmanc

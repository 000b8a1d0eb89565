// Writes the XLIFF model as XLIFF 1.2 (one trans-unit per unit, seg-source/mrk for its
// sentences) or XLIFF 2.1 (unit/segment, matches module). docs/xliff-mapping.md has the
// mapping.
#include <algorithm>
#include <map>
#include <set>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/xliff.h"
#include "xliff/inline_codes.h"
#include "xliff/xml_output.h"

namespace dilmanc {
namespace {

using xliff_detail::join;
using xliff_detail::walk;
using Kind = InlineCode::Kind;

constexpr const char* kNs12 = "urn:oasis:names:tc:xliff:document:1.2";
constexpr const char* kNs2 = "urn:oasis:names:tc:xliff:document:2.0";
constexpr const char* kNsMtc = "urn:oasis:names:tc:xliff:matches:2.0";
constexpr const char* kNsMda = "urn:oasis:names:tc:xliff:metadata:2.0";

// Characters allowed in extension values (x-NAME in 1.2, prefix:NAME in 2.x).
std::string token(std::string_view s) {
  std::string out;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '_' || c == '.';
    out += ok ? c : '-';
  }
  return out;
}

// 1.2 ctype for an element name; the standard values where one fits.
std::string ctype_for(const InlineCode& c) {
  static const std::map<std::string, std::string, std::less<>> standard{
      {"b", "bold"}, {"strong", "bold"}, {"i", "italic"}, {"em", "italic"}, {"u", "underlined"},
      {"a", "link"}, {"img", "image"},   {"br", "lb"}};
  // Names read from another XLIFF may already be ctype values.
  static const std::set<std::string, std::less<>> values{"bold", "italic", "underlined", "link", "image", "lb", "pb",
                                                         "font", "superscript", "subscript"};
  if (c.name.empty()) return "";
  auto it = standard.find(c.name);
  if (it != standard.end()) return it->second;
  if (values.count(c.name)) return c.name;
  return join("x-", token(c.name));
}

// 1.2 restype for a block kind: the standard values where one fits, else x-KIND.
std::string restype_for(const std::string& kind) {
  static const std::set<std::string, std::less<>> standard{"caption", "footer", "header", "heading",
                                                           "label", "listitem", "row", "cell",
                                                           "table", "string", "uri"};
  if (kind.empty()) return "";
  if (standard.count(kind)) return kind;
  return join("x-", token(kind));
}

std::string unit_label(const XliffUnit& u) { return trf("unit '{1}'", u.id); }

void check_model(const XliffDocument& doc, XliffVersion version) {
  if (version != XliffVersion::k12) {
    for (const XliffFile& f : doc.files) {
      if (f.source_language != doc.files.front().source_language ||
          f.target_language != doc.files.front().target_language)
        ThrowUsage(tr("the files of one XLIFF 2 document must share their source and target languages"));
    }
  }
  std::set<std::string> file_ids;
  for (const XliffFile& f : doc.files) {
    if (f.source_language.empty())
      ThrowUsage(trf("file '{1}' has no source language", f.original));
    if (!f.id.empty() && !file_ids.insert(f.id).second)
      ThrowUsage(trf("file id '{1}' is used twice", f.id));
    std::set<std::string> unit_ids, segment_ids;
    for (const XliffUnit& u : f.units) {
      if (u.id.empty()) ThrowUsage(trf("file '{1}' has a unit without id", f.original));
      if (!unit_ids.insert(u.id).second) ThrowUsage(trf("unit id '{1}' is used twice in the file", u.id));
      if (u.segments.empty()) ThrowUsage(trf("unit '{1}' has no segment", u.id));
      bool any_segment = false;
      for (const XliffSegment& s : u.segments) {
        if (!s.ignorable) {
          any_segment = true;
          if (s.id.empty()) ThrowUsage(trf("unit '{1}' has a segment without id", u.id));
          if (!segment_ids.insert(s.id).second) ThrowUsage(trf("segment id '{1}' is used twice", s.id));
        }
        for (const InlineText* t : {&s.source, &s.target}) {
          std::string problem = check_codes(*t);
          if (!problem.empty()) ThrowUsage(trf("unit '{1}': inline codes: {2}", u.id, problem));
        }
      }
      if (!any_segment) ThrowUsage(trf("unit '{1}' has no segment", u.id));
    }
  }
}

// ---- XLIFF 1.2 ---------------------------------------------------------------------------

void write_inline12(xml::Writer& w, const InlineText& t) {
  walk(
      t, [&](std::string_view run) { w.text(run); },
      [&](const InlineCode& c, std::size_t) {
        const std::string id = std::to_string(c.id);
        const std::string ctype = ctype_for(c);
        switch (c.kind) {
          case Kind::kOpening:
            w.start(c.isolated ? "bx" : "g");
            w.attr("id", id);
            if (!ctype.empty()) w.attr("ctype", ctype);
            if (c.isolated) w.end();
            break;
          case Kind::kClosing:
            if (c.isolated) {
              w.start("ex");
              w.attr("id", id);
            }
            w.end();
            break;
          case Kind::kPlaceholder:
            w.start("x");
            w.attr("id", id);
            if (!ctype.empty()) w.attr("ctype", ctype);
            w.end();
            break;
        }
      });
}

const InlineText& target_or_copy(const XliffSegment& s, const XliffWriteOptions& o) {
  return (s.has_target || !o.copy_source_to_empty_target) ? s.target : s.source;
}

bool writes_target(const XliffSegment& s, const XliffWriteOptions& o) {
  return s.has_target || o.copy_source_to_empty_target;
}

XliffState effective_state(const XliffSegment& s, const XliffWriteOptions& o) {
  if (!s.has_target && o.copy_source_to_empty_target && s.state == XliffState::kUnspecified)
    return XliffState::kNew;
  return s.state;
}

void write_notes12(xml::Writer& w, const std::vector<XliffNote>& notes) {
  for (const XliffNote& n : notes) {
    w.start("note");
    if (!n.from.empty()) w.attr("from", n.from);
    if (!n.lang.empty()) w.attr("xml:lang", n.lang);
    w.text(n.text);
    w.end();
  }
}

// A candidate's codes come from elsewhere (the memory, another tool): pair them anew so
// that whatever they hold is written as well-formed markup.
XliffMatch repaired(const XliffMatch& match) {
  XliffMatch m = match;
  xliff_detail::repair_pairs(m.source);
  xliff_detail::repair_pairs(m.target);
  return m;
}

void write_match12(xml::Writer& w, const XliffMatch& candidate, const std::string& mid) {
  const XliffMatch m = repaired(candidate);
  w.start("alt-trans");
  if (!mid.empty()) w.attr("mid", mid);
  w.attr("match-quality", std::to_string(m.in_context ? std::max(m.score, 101) : m.score));
  if (!m.origin.empty()) w.attr("origin", m.origin);
  if (!m.source.text.empty()) {
    w.start("source");
    w.attr("xml:space", "preserve");
    write_inline12(w, m.source);
    w.end();
  }
  w.start("target");
  w.attr("xml:space", "preserve");
  write_inline12(w, m.target);
  w.end();
  w.end();
}

void write_unit12(xml::Writer& w, const XliffUnit& u, const XliffWriteOptions& options) {
  w.what = unit_label(u);
  // Text that must not change gets no target to translate.
  XliffWriteOptions o = options;
  if (!u.translate) o.copy_source_to_empty_target = false;
  std::vector<const XliffSegment*> segs;
  for (const XliffSegment& s : u.segments)
    if (!s.ignorable) segs.push_back(&s);
  // The block is one sentence: no seg-source needed.
  const bool segmented = segs.size() > 1 || u.segments.size() > 1;

  w.start("trans-unit");
  w.attr("id", u.id);
  const bool approved =
      std::all_of(segs.begin(), segs.end(), [](const XliffSegment* s) { return s->approved; });
  if (approved) w.attr("approved", "yes");
  if (!u.translate) w.attr("translate", "no");
  w.attr("xml:space", "preserve");
  const std::string restype = restype_for(u.kind);
  if (!restype.empty()) w.attr("restype", restype);

  InlineText whole;
  for (const XliffSegment& s : u.segments) xliff_detail::append_inline(whole, s.source);
  xliff_detail::repair_pairs(whole);
  w.start("source");
  write_inline12(w, whole);
  w.end();

  if (segmented) {
    w.start("seg-source");
    for (const XliffSegment& s : u.segments) {
      if (s.ignorable) {
        write_inline12(w, s.source);
        continue;
      }
      w.start("mrk");
      w.attr("mtype", "seg");
      w.attr("mid", s.id);
      write_inline12(w, s.source);
      w.end();
    }
    w.end();
  }

  const bool any_target = std::any_of(segs.begin(), segs.end(),
                                      [&](const XliffSegment* s) { return writes_target(*s, o); });
  if (any_target) {
    // One target holds every sentence: it takes the least advanced state among them.
    XliffState state = effective_state(*segs.front(), o);
    std::string qualifier = segs.front()->state_qualifier;
    for (const XliffSegment* s : segs) {
      state = std::min(state, effective_state(*s, o));
      if (s->state_qualifier != qualifier) qualifier.clear();
    }
    w.start("target");
    if (state != XliffState::kUnspecified) w.attr("state", xliff12_state_name(state));
    if (!qualifier.empty()) w.attr("state-qualifier", qualifier);
    if (!segmented) {
      write_inline12(w, target_or_copy(*segs.front(), o));
    } else {
      for (const XliffSegment& s : u.segments) {
        if (s.ignorable) {
          write_inline12(w, s.has_target ? s.target : s.source);
          continue;
        }
        w.start("mrk");
        w.attr("mtype", "seg");
        w.attr("mid", s.id);
        if (writes_target(s, o)) write_inline12(w, target_or_copy(s, o));
        w.end();
      }
    }
    w.end();
  }

  for (const XliffSegment* s : segs) {
    if (s->repetition_of.empty()) continue;
    w.start("context-group");
    w.attr("name", s->id);
    w.attr("purpose", "information");
    w.start("context");
    w.attr("context-type", "x-repetition-of");
    w.text(s->repetition_of);
    w.end();
    w.end();
  }
  for (const XliffSegment* s : segs)
    for (const XliffMatch& m : s->matches) write_match12(w, m, segmented ? s->id : std::string());
  write_notes12(w, u.notes);
  w.end();
}

std::string format12(const XliffDocument& doc, const XliffWriteOptions& o) {
  xml::Writer w;
  w.start("xliff");
  w.attr("version", "1.2");
  w.attr("xmlns", kNs12);
  for (const XliffFile& f : doc.files) {
    w.what = f.original;
    w.start("file");
    w.attr("original", f.original);
    w.attr("datatype", f.datatype.empty() ? "x-undefined" : f.datatype);
    w.attr("source-language", f.source_language);
    if (!f.target_language.empty()) w.attr("target-language", f.target_language);
    if (!f.tool_name.empty()) w.attr("tool-id", f.tool_name);
    if (!f.tool_name.empty() || !f.notes.empty()) {
      w.start("header");
      if (!f.tool_name.empty()) {
        w.start("tool");
        w.attr("tool-id", f.tool_name);
        w.attr("tool-name", f.tool_name);
        if (!f.tool_version.empty()) w.attr("tool-version", f.tool_version);
        w.end();
      }
      write_notes12(w, f.notes);
      w.end();
    }
    w.start("body");
    for (const XliffUnit& u : f.units) write_unit12(w, u, o);
    w.end();
    w.end();
  }
  return w.finish();
}

// ---- XLIFF 2.1 ---------------------------------------------------------------------------

// The originalData of one unit (or one match): each distinct original gets one data id.
class DataTable {
 public:
  std::string ref(const std::string& original) {
    if (original.empty()) return "";
    auto [it, added] = ids_.emplace(original, join("d", std::to_string(ids_.size() + 1)));
    if (added) order_.push_back(&it->first);
    return it->second;
  }
  void collect(const InlineText& t) {
    for (const InlineCode& c : t.codes) ref(c.original);
  }
  void write(xml::Writer& w) const {
    if (order_.empty()) return;
    w.start("originalData");
    for (const std::string* original : order_) {
      w.start("data");
      w.attr("id", ids_.at(*original));
      w.text(*original);
      w.end();
    }
    w.end();
  }

 private:
  std::map<std::string, std::string> ids_;
  std::vector<const std::string*> order_;
};

// `paired_in_unit`: ids whose isolated opening and closing both occur in this unit's
// source (or target); they are written as sc/ec without isolated="yes".
void write_inline2(xml::Writer& w, const InlineText& t, DataTable& data, const std::set<int>& paired_in_unit) {
  walk(
      t, [&](std::string_view run) { w.text(run); },
      [&](const InlineCode& c, std::size_t k) {
        const std::string id = std::to_string(c.id);
        switch (c.kind) {
          case Kind::kOpening: {
            if (c.isolated) {
              w.start("sc");
              w.attr("id", id);
              if (!paired_in_unit.count(c.id)) w.attr("isolated", "yes");
              std::string ref = data.ref(c.original);
              if (!ref.empty()) w.attr("dataRef", ref);
              w.end();
              break;
            }
            std::string end_original;
            for (std::size_t j = k + 1; j < t.codes.size(); ++j)
              if (t.codes[j].kind == Kind::kClosing && t.codes[j].id == c.id) {
                end_original = t.codes[j].original;
                break;
              }
            w.start("pc");
            w.attr("id", id);
            std::string start_ref = data.ref(c.original), end_ref = data.ref(end_original);
            if (!start_ref.empty()) w.attr("dataRefStart", start_ref);
            if (!end_ref.empty()) w.attr("dataRefEnd", end_ref);
            break;
          }
          case Kind::kClosing: {
            if (!c.isolated) {
              w.end();
              break;
            }
            w.start("ec");
            if (paired_in_unit.count(c.id)) {
              w.attr("startRef", id);
            } else {
              w.attr("id", id);
              w.attr("isolated", "yes");
            }
            std::string ref = data.ref(c.original);
            if (!ref.empty()) w.attr("dataRef", ref);
            w.end();
            break;
          }
          case Kind::kPlaceholder: {
            w.start("ph");
            w.attr("id", id);
            std::string ref = data.ref(c.original);
            if (!ref.empty()) w.attr("dataRef", ref);
            w.end();
            break;
          }
        }
      });
}

// Ids of isolated codes whose partner is in another segment of the same unit.
std::set<int> pairs_across(const std::vector<const InlineText*>& texts) {
  std::set<int> opening, closing, both;
  for (const InlineText* t : texts)
    for (const InlineCode& c : t->codes) {
      if (!c.isolated) continue;
      if (c.kind == Kind::kOpening) opening.insert(c.id);
      if (c.kind == Kind::kClosing) closing.insert(c.id);
    }
  std::set_intersection(opening.begin(), opening.end(), closing.begin(), closing.end(),
                        std::inserter(both, both.begin()));
  return both;
}

std::string format_score(int score) { return std::to_string(std::clamp(score, 0, 100)); }

void write_unit2(xml::Writer& w, const XliffUnit& u, const XliffWriteOptions& options) {
  w.what = unit_label(u);
  XliffWriteOptions o = options;
  if (!u.translate) o.copy_source_to_empty_target = false;
  w.start("unit");
  w.attr("id", u.id);
  if (!u.translate) w.attr("translate", "no");
  if (!u.kind.empty()) w.attr("type", join("dilmanc:", token(u.kind)));
  w.attr("xml:space", "preserve");

  const bool any_match = std::any_of(u.segments.begin(), u.segments.end(),
                                     [](const XliffSegment& s) { return !s.matches.empty(); });
  if (any_match) {
    w.start_ns("mtc", "matches");
    for (const XliffSegment& s : u.segments) {
      for (const XliffMatch& candidate : s.matches) {
        const XliffMatch m = repaired(candidate);
        w.start_ns("mtc", "match");
        w.attr("ref", join("#", s.id));
        w.attr("matchQuality", format_score(m.score));
        if (!m.origin.empty()) w.attr("origin", m.origin);
        w.attr("type", m.in_context ? "icm" : "tm");
        DataTable data;
        data.collect(m.source);
        data.collect(m.target);
        data.write(w);
        const std::set<int> paired = pairs_across({&m.source});
        const std::set<int> paired_target = pairs_across({&m.target});
        w.start("source");
        write_inline2(w, m.source, data, paired);
        w.end();
        w.start("target");
        write_inline2(w, m.target, data, paired_target);
        w.end();
        w.end();
      }
    }
    w.end();
  }

  const bool any_repetition = std::any_of(u.segments.begin(), u.segments.end(),
                                          [](const XliffSegment& s) { return !s.repetition_of.empty(); });
  if (any_repetition) {
    w.start_ns("mda", "metadata");
    w.start_ns("mda", "metaGroup");
    w.attr("category", "repetitions");
    for (const XliffSegment& s : u.segments) {
      if (s.repetition_of.empty()) continue;
      w.start_ns("mda", "meta");
      w.attr("type", s.id);
      w.text(s.repetition_of);
      w.end();
    }
    w.end();
    w.end();
  }

  if (!u.notes.empty()) {
    w.start("notes");
    for (const XliffNote& n : u.notes) {
      w.start("note");
      if (!n.from.empty()) w.attr("category", n.from);
      w.text(n.text);
      w.end();
    }
    w.end();
  }

  DataTable data;
  std::vector<const InlineText*> sources, targets;
  for (const XliffSegment& s : u.segments) {
    data.collect(s.source);
    sources.push_back(&s.source);
    if (writes_target(s, o)) targets.push_back(&target_or_copy(s, o));
  }
  for (const InlineText* t : targets) data.collect(*t);
  data.write(w);
  const std::set<int> paired_source = pairs_across(sources), paired_target = pairs_across(targets);

  for (const XliffSegment& s : u.segments) {
    w.start(s.ignorable ? "ignorable" : "segment");
    if (!s.id.empty()) w.attr("id", s.id);
    if (!s.ignorable) {
      w.attr("state", xliff2_state_name(effective_state(s, o)));
      if (!s.state_qualifier.empty()) w.attr("subState", join("dilmanc:", token(s.state_qualifier)));
    }
    w.start("source");
    write_inline2(w, s.source, data, paired_source);
    w.end();
    if (writes_target(s, o) && !(s.ignorable && !s.has_target)) {
      w.start("target");
      write_inline2(w, target_or_copy(s, o), data, paired_target);
      w.end();
    }
    w.end();
  }
  w.end();
}

std::string format2(const XliffDocument& doc, const XliffWriteOptions& o) {
  xml::Writer w;
  w.start("xliff");
  w.attr("xmlns", kNs2);
  w.attr("xmlns:mtc", kNsMtc);
  w.attr("xmlns:mda", kNsMda);
  w.attr("version", "2.1");
  const XliffFile* first = doc.files.empty() ? nullptr : &doc.files.front();
  w.attr("srcLang", first ? first->source_language : std::string("und"));
  if (first && !first->target_language.empty()) w.attr("trgLang", first->target_language);
  int n = 0;
  for (const XliffFile& f : doc.files) {
    ++n;
    w.what = f.original;
    w.start("file");
    w.attr("id", f.id.empty() ? join("f", std::to_string(n)) : f.id);
    if (!f.original.empty()) w.attr("original", f.original);
    if (!f.tool_name.empty() || !f.datatype.empty()) {
      w.start_ns("mda", "metadata");
      w.start_ns("mda", "metaGroup");
      w.attr("category", "tool");
      auto meta = [&](const char* type, const std::string& value) {
        if (value.empty()) return;
        w.start_ns("mda", "meta");
        w.attr("type", type);
        w.text(value);
        w.end();
      };
      meta("tool-name", f.tool_name);
      meta("tool-version", f.tool_version);
      meta("datatype", f.datatype);
      w.end();
      w.end();
    }
    if (!f.notes.empty()) {
      w.start("notes");
      for (const XliffNote& note : f.notes) {
        w.start("note");
        if (!note.from.empty()) w.attr("category", note.from);
        w.text(note.text);
        w.end();
      }
      w.end();
    }
    // A 2.x file must hold at least one unit or group.
    if (f.units.empty()) {
      w.start("group");
      w.attr("id", "empty");
      w.end();
    }
    for (const XliffUnit& u : f.units) write_unit2(w, u, o);
    w.end();
  }
  return w.finish();
}

}  // namespace

std::string format_xliff(const XliffDocument& doc, const XliffWriteOptions& options) {
  check_model(doc, options.version);
  if (options.version == XliffVersion::k12) return format12(doc, options);
  return format2(doc, options);
}

void write_xliff(const std::filesystem::path& path, const XliffDocument& doc, const XliffWriteOptions& options) {
  const std::string text = format_xliff(doc, options);
  xml::write_file_atomically(path, text);
}

}  // namespace dilmanc

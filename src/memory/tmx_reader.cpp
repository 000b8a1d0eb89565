#include <algorithm>
#include <charconv>
#include <deque>
#include <filesystem>
#include <map>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "dilmanc/tmx.h"
#include "memory/inline_codes_builder.h"
#include "memory/memory_internal.h"
#include "xml/reader.h"

namespace dilmanc {
namespace memory {

std::string iso_from_tmx_date(std::string_view d) {
  // YYYYMMDDThhmmssZ
  if (d.size() != 16 || d[8] != 'T' || d[15] != 'Z') return {};
  for (std::size_t i = 0; i < 15; ++i)
    if (i != 8 && (d[i] < '0' || d[i] > '9')) return {};
  const char out[20] = {d[0], d[1],  d[2],  d[3],  '-',   d[4],  d[5], '-', d[6], d[7],
                        'T',  d[9], d[10], ':',   d[11], d[12], ':',  d[13], d[14], 'Z'};
  return std::string(out, sizeof out);
}

std::string tmx_date_from_iso(std::string_view iso) {
  // YYYY-MM-DDThh:mm:ssZ
  if (iso.size() != 20) return {};
  std::string out;
  for (char c : iso)
    if (c != '-' && c != ':') out += c;
  return out.size() == 16 ? out : std::string();
}

std::string strip_markers(std::string_view text) {
  // Spans between markers copied whole: text read from a file has none (plain_text's way).
  std::string out;
  out.reserve(text.size());
  InlineCode::Kind kind;
  std::size_t from = 0;
  for (std::size_t i = text.find('\xEE'); i != std::string_view::npos; i = text.find('\xEE', i)) {
    if (!marker_at(text, i, &kind)) {
      ++i;
      continue;
    }
    out.append(text, from, i - from);
    i += kMarkerBytes;
    from = i;
  }
  out.append(text, from);
  return out;
}

}  // namespace memory

namespace {

using xml::XmlReader;

std::int64_t parse_count(const std::optional<std::string>& s) {
  if (!s) return 0;
  std::int64_t v = 0;
  auto [p, ec] = std::from_chars(s->data(), s->data() + s->size(), v);
  return ec == std::errc() && v > 0 ? v : 0;
}

std::optional<std::int64_t> parse_hash(const std::string& hex) {
  std::uint64_t v = 0;
  auto [p, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), v, 16);
  if (ec != std::errc() || p != hex.data() + hex.size() || hex.empty()) return std::nullopt;
  return static_cast<std::int64_t>(v);
}

std::string attr(const XmlReader& xml, const char* name) { return xml.attribute(name).value_or(""); }

std::string language_attr(const XmlReader& xml) {
  if (auto l = xml.attribute("xml:lang")) return *l;
  return attr(xml, "lang");  // TMX 1.1 to 1.3
}

bool is_all(const std::string& srclang) { return srclang == "*all*" || srclang == "all" || srclang.empty(); }

// Reads a prop or note (the reader on its start tag) and moves past it.
Annotation read_annotation(XmlReader& xml, bool is_note) {
  Annotation a;
  a.is_note = is_note;
  if (!is_note) a.type = attr(xml, "type");
  a.lang = language_attr(xml);
  a.text = xml.inner_text();
  return a;
}

// Calls `child` for each element child of the current element; `child` returns true when it
// consumed the element (the reader then already stands on the next node).
template <class F>
void for_each_child(XmlReader& xml, F child) {
  const int depth = xml.depth();
  if (xml.is_empty_element()) return;
  bool more = xml.read();
  while (more) {
    if (xml.depth() <= depth) return;
    if (xml.is_element() && xml.depth() == depth + 1 && child()) {
      more = xml.skip();
      continue;
    }
    more = xml.read();
  }
  xml.fail(tr("the file ends in the middle of an element"));
}

}  // namespace

struct TmxReader::Impl {
  XmlReader xml;
  std::string file_name;
  TmxHeader header;
  bool in_body = false;
  bool done = false;
  int body_depth = 0;

  Impl(const std::string& path, const std::string& display) : xml(path, display) {
    file_name = std::filesystem::path(path).filename().string();
  }

  void read_header();
  void read_seg(Variant& variant, std::string& error);
  void read_tu(TmxEntry& entry);
  std::deque<TmxEntry> pending;  // alternatives split off the last tu
  std::map<std::string, bool, std::less<>> known_tags;  // known_language, asked once per tag

  bool known(const std::string& tag) {
    auto it = known_tags.find(tag);
    if (it == known_tags.end()) it = known_tags.emplace(tag, known_language(tag)).first;
    return it->second;
  }
};

void TmxReader::Impl::read_header() {
  bool found = false;
  while (xml.read())
    if (xml.is_element()) {
      found = true;
      break;
    }
  if (!found) xml.fail(tr("the file holds no XML element"));
  if (xml.local_name() != "tmx") xml.fail(trf("the root element is <{1}>, not <tmx>: this is not a TMX file", xml.local_name()));
  header.version = attr(xml, "version");
  if (xml.is_empty_element()) {
    done = true;
    return;
  }
  while (xml.read()) {
    if (xml.is_end_element() && xml.depth() == 0) {
      done = true;
      return;
    }
    if (!xml.is_element() || xml.depth() != 1) continue;
    const std::string name = xml.local_name();
    if (name == "header") {
      header.srclang = attr(xml, "srclang");
      header.adminlang = attr(xml, "adminlang");
      header.creationtool = attr(xml, "creationtool");
      header.creationtoolversion = attr(xml, "creationtoolversion");
      header.segtype = attr(xml, "segtype");
      header.datatype = attr(xml, "datatype");
      header.o_tmf = attr(xml, "o-tmf");
      header.creationdate = memory::iso_from_tmx_date(attr(xml, "creationdate"));
      for_each_child(xml, [&] {
        const std::string child = xml.local_name();
        if (child == "prop" || child == "note") {
          header.annotations.push_back(read_annotation(xml, child == "note"));
          return true;
        }
        return false;
      });
    } else if (name == "body") {
      in_body = !xml.is_empty_element();
      done = !in_body;
      body_depth = xml.depth();
      return;
    }
  }
  xml.fail(tr("the file ends in the middle of an element"));
}

void TmxReader::Impl::read_seg(Variant& variant, std::string& error) {
  using Raw = memory::InlineCodesBuilder::Raw;
  using K = Raw::Kind;
  memory::InlineCodesBuilder builder;
  const int depth = xml.depth();
  if (xml.is_empty_element()) {
    variant.text = builder.finish(error);
    return;
  }
  std::vector<std::string> open_hi;
  int hi_count = 0;
  bool more = xml.read();
  while (more) {
    if (xml.depth() <= depth) break;
    if (xml.is_text()) {
      builder.text(memory::strip_markers(xml.value()));
    } else if (xml.is_element()) {
      const std::string name = xml.local_name();
      if (name == "bpt" || name == "ept" || name == "ph" || name == "it" || name == "ut") {
        Raw raw;
        if (name == "bpt") raw.kind = K::kOpen;
        else if (name == "ept") raw.kind = K::kClose;
        else if (name == "it") raw.kind = attr(xml, "pos") == "end" ? K::kIsolatedClose : K::kIsolatedOpen;
        else raw.kind = K::kPlaceholder;
        raw.pair_key = attr(xml, "i");
        if (name != "ept") raw.x = attr(xml, "x");
        if (name != "ept" && name != "ut") raw.name = attr(xml, "type");
        raw.original = xml.inner_text();
        builder.code(std::move(raw));
        more = xml.skip();
        continue;
      }
      if (name == "hi") {
        Raw raw;
        raw.kind = K::kOpen;
        raw.pair_key = "#hi" + std::to_string(++hi_count);
        raw.x = attr(xml, "x");
        raw.name = attr(xml, "type");
        const std::string key = raw.pair_key;
        builder.code(std::move(raw));
        if (xml.is_empty_element()) {
          Raw end;
          end.kind = K::kClose;
          end.pair_key = key;
          builder.code(std::move(end));
        } else {
          open_hi.push_back(key);
        }
      }
      // Any other element inside a segment is not TMX: its text is kept, its tags dropped.
    } else if (xml.is_end_element() && xml.local_name() == "hi" && !open_hi.empty()) {
      Raw end;
      end.kind = K::kClose;
      end.pair_key = open_hi.back();
      open_hi.pop_back();
      builder.code(std::move(end));
    }
    more = xml.read();
  }
  if (!more) xml.fail(tr("the file ends in the middle of an element"));
  variant.text = builder.finish(error);
}

void TmxReader::Impl::read_tu(TmxEntry& entry) {
  entry = TmxEntry{};
  entry.line = xml.node_line();
  bool origin_given = false;  // our own exports carry the origin as props
  TranslationUnit& unit = entry.unit;
  unit.tuid = attr(xml, "tuid");
  if (unit.tuid.empty()) unit.tuid = attr(xml, "id");  // some older tools
  std::string srclang = xml.attribute("srclang").value_or(header.srclang);
  unit.source_lang = is_all(srclang) ? "" : srclang;
  unit.datatype = attr(xml, "datatype");
  unit.segtype = attr(xml, "segtype");
  unit.created_at = memory::iso_from_tmx_date(attr(xml, "creationdate"));
  unit.created_by = attr(xml, "creationid");
  unit.changed_at = memory::iso_from_tmx_date(attr(xml, "changedate"));
  unit.changed_by = attr(xml, "changeid");
  unit.usage_count = parse_count(xml.attribute("usagecount"));
  unit.last_used_at = memory::iso_from_tmx_date(attr(xml, "lastusagedate"));

  std::string code_error;
  std::vector<std::string> languages;  // primary languages of the variants kept
  std::vector<Variant> extras;  // further variants of a language already present
  for_each_child(xml, [&] {
    const std::string name = xml.local_name();
    if (name == "note" || name == "prop") {
      Annotation a = read_annotation(xml, name == "note");
      if (a.type == "x-context-prev" || a.type == "x-context-next") {
        auto h = parse_hash(a.text);
        (a.type == "x-context-prev" ? unit.context_prev : unit.context_next) = h;
        if (h) return true;
      } else if (a.type == "x-origin-file") {
        unit.origin_file = a.text;
        origin_given = true;
        return true;
      } else if (a.type == "x-origin-segment") {
        unit.origin_segment = a.text;
        return true;
      }
      unit.annotations.push_back(std::move(a));
      return true;
    }
    if (name != "tuv") return false;
    Variant v;
    v.tag = language_attr(xml);
    v.created_at = memory::iso_from_tmx_date(attr(xml, "creationdate"));
    v.created_by = attr(xml, "creationid");
    v.changed_at = memory::iso_from_tmx_date(attr(xml, "changedate"));
    v.changed_by = attr(xml, "changeid");
    v.usage_count = parse_count(xml.attribute("usagecount"));
    v.last_used_at = memory::iso_from_tmx_date(attr(xml, "lastusagedate"));
    bool has_seg = false;
    for_each_child(xml, [&] {
      const std::string child = xml.local_name();
      if (child == "note" || child == "prop") {
        v.annotations.push_back(read_annotation(xml, child == "note"));
        return true;
      }
      if (child == "seg") {
        has_seg = true;
        read_seg(v, code_error);
        return false;  // read_seg left the reader on </seg>
      }
      return false;
    });
    if (!entry.skipped) {
      if (v.tag.empty()) {
        entry.skipped = true;
        entry.reason = tr("a variant has no language (xml:lang)");
      } else if (!known(v.tag)) {
        entry.skipped = true;
        entry.reason = trf("unknown language code '{1}'", v.tag);
      }
    }
    if (!has_seg || v.text.text.empty()) return false;
    const std::string lang = primary_language(v.tag);
    if (std::find(languages.begin(), languages.end(), lang) != languages.end()) {
      extras.push_back(std::move(v));
      return false;
    }
    languages.push_back(lang);
    unit.variants.push_back(std::move(v));
    return false;  // for_each_child already consumed the tuv
  });
  if (unit.origin_file.empty()) unit.origin_file = file_name;
  if (unit.origin_segment.empty() && !origin_given) unit.origin_segment = unit.tuid;
  if (entry.skipped) return;
  if (!code_error.empty()) {
    entry.skipped = true;
    entry.reason = code_error;
    return;
  }
  if (unit.variants.size() < 2) {
    entry.skipped = true;
    entry.reason = extras.empty() ? tr("fewer than two languages with text")
                                  : trf("all variants are in one language ('{1}'); the memory keeps one variant "
                                        "per language in a unit",
                                        unit.variants.empty() ? std::string() : unit.variants.front().language());
    return;
  }
  // Several translations into one language are alternatives: each becomes a unit of its
  // own with the source. A second variant in the source's own language cannot be paired.
  const Variant* source = unit.variant(unit.source_lang.empty() ? unit.variants.front().tag : unit.source_lang);
  if (!source) source = &unit.variants.front();
  for (auto& extra : extras) {
    if (extra.language() == source->language()) {
      entry.notes.push_back(trf("a second '{1}' variant ({2}) was left out", extra.language(), extra.tag));
      continue;
    }
    TmxEntry alternative;
    alternative.line = entry.line;
    alternative.unit = unit;
    alternative.unit.variants = {*source, std::move(extra)};
    pending.push_back(std::move(alternative));
  }
}

TmxReader::TmxReader(const std::string& path, const std::string& display_name)
    : impl_(std::make_unique<Impl>(path, display_name.empty() ? path : display_name)) {
  impl_->read_header();
}

TmxReader::~TmxReader() = default;

const TmxHeader& TmxReader::header() const { return impl_->header; }

std::int64_t TmxReader::bytes_read() const { return impl_->xml.bytes_read(); }

bool TmxReader::next(TmxEntry& entry) {
  Impl& m = *impl_;
  if (!m.pending.empty()) {
    entry = std::move(m.pending.front());
    m.pending.pop_front();
    return true;
  }
  if (m.done) return false;
  bool more = m.xml.read();
  while (more) {
    if (m.xml.is_end_element() && m.xml.depth() <= m.body_depth) {
      m.done = true;
      return false;
    }
    if (m.xml.is_element() && m.xml.depth() == m.body_depth + 1) {
      if (m.xml.local_name() != "tu") {
        more = m.xml.skip();
        continue;
      }
      m.read_tu(entry);
      return true;
    }
    more = m.xml.read();
  }
  m.xml.fail(tr("the file ends in the middle of an element"));
}

}  // namespace dilmanc

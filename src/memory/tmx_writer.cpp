#include <libxml/xmlwriter.h>
#include <unistd.h>

#include <cinttypes>
#include <cstdio>
#include <filesystem>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "dilmanc/tmx.h"
#include "memory/memory_internal.h"

#ifndef DILMANC_VERSION
#define DILMANC_VERSION "0"
#endif

namespace dilmanc {
namespace {

const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

// XML 1.0 cannot carry C0 controls other than tab, line feed and carriage return.
std::string xml_safe(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 && c != '\t' && c != '\n' && c != '\r') continue;
    out += c;
  }
  return out;
}

bool valid_segtype(const std::string& s) {
  return s == "block" || s == "paragraph" || s == "sentence" || s == "phrase";
}

std::string hash_hex(std::int64_t h) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%016" PRIx64, static_cast<std::uint64_t>(h));
  return buffer;
}

}  // namespace

struct TmxWriter::Impl {
  std::string path, temp;
  xmlTextWriterPtr w = nullptr;
  bool finished = false;

  void check(int rc) {
    if (rc < 0) {
      Error::Location where;
      where.file = path;
      ThrowIo(tr("cannot write the file"), where);
    }
  }
  void start(const char* name) { check(xmlTextWriterStartElement(w, X(name))); }
  void end() { check(xmlTextWriterEndElement(w)); }
  void attribute(const char* name, const std::string& value) {
    check(xmlTextWriterWriteAttribute(w, X(name), X(xml_safe(value).c_str())));
  }
  void optional_attribute(const char* name, const std::string& value) {
    if (!value.empty()) attribute(name, value);
  }
  void text(std::string_view s) { check(xmlTextWriterWriteString(w, X(xml_safe(s).c_str()))); }
  void indent(int level) {
    std::string spacing(static_cast<std::size_t>(level) * 2 + 1, ' ');
    spacing[0] = '\n';
    text(spacing);
  }

  void date(const char* name, const std::string& iso) { optional_attribute(name, memory::tmx_date_from_iso(iso)); }

  void annotation(const Annotation& a, int level) {
    indent(level);
    start(a.is_note ? "note" : "prop");
    if (!a.is_note) attribute("type", a.type);
    optional_attribute("xml:lang", a.lang);
    text(a.text);
    end();
  }

  void prop(const char* type, const std::string& value, int level) {
    if (value.empty()) return;
    annotation(Annotation{false, type, "", value}, level);
  }

  void code_element(const char* element, const InlineCode& c, bool with_i, bool with_x, bool with_type,
                    const char* pos = nullptr) {
    start(element);
    if (pos) attribute("pos", pos);
    if (with_i) attribute("i", std::to_string(c.id));
    if (with_x) attribute("x", std::to_string(c.id));
    if (with_type) optional_attribute("type", c.name);
    text(c.original);
    end();
  }

  void seg(const InlineText& t) {
    start("seg");
    // Pairs whose opening and closing carry no native code are highlighting (hi).
    std::vector<bool> as_hi(t.codes.size(), false);
    for (std::size_t a = 0; a < t.codes.size(); ++a) {
      const InlineCode& o = t.codes[a];
      if (o.kind != InlineCode::Kind::kOpening || o.isolated || !o.original.empty()) continue;
      for (std::size_t b = a + 1; b < t.codes.size(); ++b) {
        const InlineCode& c = t.codes[b];
        if (c.kind == InlineCode::Kind::kClosing && !c.isolated && c.id == o.id) {
          if (c.original.empty()) as_hi[a] = as_hi[b] = true;
          break;
        }
      }
    }
    std::size_t k = 0, run = 0;
    InlineCode::Kind kind;
    for (std::size_t i = 0; i < t.text.size();) {
      if (!marker_at(t.text, i, &kind)) {
        ++i;
        continue;
      }
      text(std::string_view(t.text).substr(run, i - run));
      i += kMarkerBytes;
      run = i;
      if (k >= t.codes.size()) continue;
      const InlineCode& c = t.codes[k];
      if (as_hi[k]) {
        if (c.kind == InlineCode::Kind::kOpening) {
          start("hi");
          attribute("x", std::to_string(c.id));
          optional_attribute("type", c.name);
        } else {
          end();
        }
      } else if (c.kind == InlineCode::Kind::kPlaceholder) {
        code_element("ph", c, false, true, true);
      } else if (c.isolated) {
        code_element("it", c, false, true, true, c.kind == InlineCode::Kind::kOpening ? "begin" : "end");
      } else if (c.kind == InlineCode::Kind::kOpening) {
        code_element("bpt", c, true, true, true);
      } else {
        code_element("ept", c, true, false, false);
      }
      ++k;
    }
    text(std::string_view(t.text).substr(run));
    end();
  }
};

TmxWriter::TmxWriter(const std::string& path, const TmxWriterOptions& options) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.path = path;
  std::filesystem::path p(path);
  std::string hidden = ".";
  hidden.append(p.filename().string()).append(".XXXXXX");
  std::string pattern = (p.parent_path() / hidden).string();
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkstemp(name.data());
  Error::Location where;
  where.file = path;
  if (fd < 0) ThrowIo(tr("cannot create the file"), where);
  ::close(fd);
  m.temp = name.data();
  m.w = xmlNewTextWriterFilename(m.temp.c_str(), 0);
  if (!m.w) {
    std::remove(m.temp.c_str());
    ThrowIo(tr("cannot create the file"), where);
  }
  m.check(xmlTextWriterStartDocument(m.w, "1.0", "UTF-8", nullptr));
  m.start("tmx");
  m.attribute("version", "1.4");
  m.indent(1);
  m.start("header");
  m.attribute("creationtool", "dilmanc");
  m.attribute("creationtoolversion", DILMANC_VERSION);
  m.attribute("segtype", "sentence");
  m.attribute("o-tmf", "dilmanc");
  m.attribute("adminlang", "en");
  m.attribute("srclang", options.srclang.empty() ? "*all*" : options.srclang);
  m.attribute("datatype", "plaintext");
  m.date("creationdate", options.creationdate);
  for (const auto& a : options.header_annotations) m.annotation(a, 2);
  if (!options.header_annotations.empty()) m.indent(1);
  m.end();
  m.indent(1);
  m.start("body");
}

TmxWriter::~TmxWriter() {
  if (impl_->w) xmlFreeTextWriter(impl_->w);
  if (!impl_->finished && !impl_->temp.empty()) std::remove(impl_->temp.c_str());
}

void TmxWriter::write(const TranslationUnit& unit) {
  Impl& m = *impl_;
  m.indent(2);
  m.start("tu");
  m.attribute("tuid", unit.tuid.empty() ? std::to_string(unit.id) : unit.tuid);
  m.optional_attribute("srclang", unit.source_lang);
  m.optional_attribute("datatype", unit.datatype);
  if (valid_segtype(unit.segtype)) m.attribute("segtype", unit.segtype);
  m.date("creationdate", unit.created_at);
  m.optional_attribute("creationid", unit.created_by);
  m.date("changedate", unit.changed_at);
  m.optional_attribute("changeid", unit.changed_by);
  if (unit.usage_count > 0) m.attribute("usagecount", std::to_string(unit.usage_count));
  m.date("lastusagedate", unit.last_used_at);
  for (const auto& a : unit.annotations) m.annotation(a, 3);
  if (unit.context_prev) m.prop("x-context-prev", hash_hex(*unit.context_prev), 3);
  if (unit.context_next) m.prop("x-context-next", hash_hex(*unit.context_next), 3);
  m.prop("x-origin-file", unit.origin_file, 3);
  m.prop("x-origin-segment", unit.origin_segment, 3);
  for (const auto& v : unit.variants) {
    m.indent(3);
    m.start("tuv");
    m.attribute("xml:lang", v.tag);
    m.date("creationdate", v.created_at);
    m.optional_attribute("creationid", v.created_by);
    m.date("changedate", v.changed_at);
    m.optional_attribute("changeid", v.changed_by);
    if (v.usage_count > 0) m.attribute("usagecount", std::to_string(v.usage_count));
    m.date("lastusagedate", v.last_used_at);
    for (const auto& a : v.annotations) m.annotation(a, 4);
    if (!v.annotations.empty()) m.indent(4);
    m.seg(v.text);
    if (!v.annotations.empty()) m.indent(3);
    m.end();
  }
  m.indent(2);
  m.end();
}

void TmxWriter::finish() {
  Impl& m = *impl_;
  m.indent(1);
  m.end();  // body
  m.text("\n");
  m.end();  // tmx
  m.check(xmlTextWriterEndDocument(m.w));
  int rc = xmlTextWriterFlush(m.w);
  xmlFreeTextWriter(m.w);
  m.w = nullptr;
  Error::Location where;
  where.file = m.path;
  if (rc < 0) ThrowIo(tr("cannot write the file"), where);
  if (std::rename(m.temp.c_str(), m.path.c_str()) != 0) ThrowIo(tr("cannot write the file"), where);
  m.finished = true;
}

std::int64_t export_tmx(const TranslationMemory& memory, const std::string& path,
                        const std::vector<std::string>& languages) {
  std::vector<std::string> wanted;
  for (const auto& l : languages) wanted.push_back(primary_language(l));
  TmxWriterOptions options;
  if (wanted.size() == 2) options.srclang = wanted.front();
  options.creationdate = memory.last_change();
  options.header_annotations = memory.header_annotations();
  TmxWriter writer(path, options);
  std::int64_t written = 0;
  memory.for_each_unit(
      [&](const TranslationUnit& unit) {
        if (wanted.empty()) {
          writer.write(unit);
        } else {
          TranslationUnit ordered = unit;
          ordered.variants.clear();
          for (const auto& l : wanted)
            if (const Variant* v = unit.variant(l)) ordered.variants.push_back(*v);
          // A bilingual file names its source language in every unit; the memory's own
          // source language is then the first of the two.
          if (wanted.size() == 2) ordered.source_lang = ordered.variants.front().tag;
          writer.write(ordered);
        }
        ++written;
        return true;
      },
      wanted, wanted.empty() ? 1 : 2);
  writer.finish();
  return written;
}

}  // namespace dilmanc

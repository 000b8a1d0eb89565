// Finished translations of XLIFF 1.2 and 2.x files as memory units. Each unit is read by
// the XLIFF reader merge uses (src/xliff), so both see the same units, codes and states;
// the file is streamed, a unit at a time, so it is never held whole.
#include "memory/xliff_import.h"

#include <filesystem>

#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "dilmanc/xliff.h"
#include "xml/reader.h"
#include "xliff/inline_codes.h"
#include "xliff/unit_stream.h"

namespace dilmanc::memory {
namespace {

struct Side {
  InlineText text;
  std::string lang;
};

// What becomes of one unit (1.2) or segment (2.x): a translation of `source` into
// `target`, or a skip with its reason. `unfinished` says why the target is not a finished
// translation ("" when it is): the judgement merge makes, so that importing a file and
// merging it put the same translations into the memory.
void fill(TmxEntry& entry, const XliffUnit& unit, const std::string& unfinished, Side source, Side target) {
  if (!unit.translate) {
    entry.skipped = true;
    entry.reason = tr("the unit is marked translate=\"no\"");
  } else if (!unfinished.empty()) {
    entry.skipped = true;
    entry.reason = unfinished;
  } else if (source.lang.empty() || target.lang.empty()) {
    entry.skipped = true;
    entry.reason = tr("a variant has no language (xml:lang)");
  } else if (plain_text(source.text).empty() || plain_text(target.text).empty()) {
    entry.skipped = true;
    entry.reason = tr("fewer than two languages with text");
  } else if (primary_language(source.lang) == primary_language(target.lang)) {
    entry.skipped = true;
    entry.reason = tr("source and target are in the same language");
  } else {
    for (Side* side : {&source, &target}) {
      Variant v;
      v.tag = std::move(side->lang);
      v.text = std::move(side->text);
      entry.unit.variants.push_back(std::move(v));
    }
    for (const XliffNote& note : unit.notes) {
      Annotation a;
      a.is_note = true;
      a.lang = note.lang;
      a.text = note.text;
      entry.unit.annotations.push_back(std::move(a));
    }
  }
  if (entry.skipped) return;
  for (const auto& v : entry.unit.variants)
    if (!known_language(v.tag)) {
      entry.skipped = true;
      entry.reason = trf("unknown language code '{1}'", v.tag);
      entry.unit.variants.clear();
      entry.unit.annotations.clear();
      return;
    }
}

// XLIFF 1.2: the trans-unit as one memory unit, its sentences and the text between them
// joined again; finished when approved or its target's state says translated, signed-off
// or final.
void read_unit_12(const XliffFile& file, const XliffUnit& unit, const std::string& origin,
                  const std::function<void(TmxEntry&)>& yield) {
  TmxEntry entry;
  entry.line = unit.line;
  entry.unit.tuid = unit.id;
  entry.unit.origin_file = origin;
  entry.unit.origin_segment = unit.id;
  entry.unit.source_lang = file.source_language;
  Side source, target;
  source.lang = unit.source_language.empty() ? file.source_language : unit.source_language;
  target.lang = unit.target_language.empty() ? file.target_language : unit.target_language;
  bool has_target = false;
  XliffState state = XliffState::kUnspecified;
  for (const XliffSegment& s : unit.segments) {
    xliff_detail::append_inline(source.text, s.source);
    if (s.ignorable) continue;
    has_target = has_target || s.has_target;
    state = s.state;  // one state per trans-unit in 1.2
  }
  // The text between sentences counts only around a translated one.
  for (const XliffSegment& s : unit.segments)
    if (s.has_target || (s.ignorable && has_target))
      xliff_detail::append_inline(target.text, s.has_target ? s.target : s.source);
  xliff_detail::repair_pairs(source.text);
  xliff_detail::repair_pairs(target.text);
  // A <target> whose sentences are all empty still holds a state: the target is there.
  has_target = has_target || state != XliffState::kUnspecified;
  std::string unfinished;
  if (!has_target) {
    unfinished = tr("the unit is not translated and approved yet");
  } else {
    // 1.2 keeps one state per trans-unit; its sentences are judged as merge judges them.
    for (const XliffSegment& s : unit.segments)
      if (!s.ignorable && s.has_target && unfinished.empty()) unfinished = xliff_memory_exclusion(s, XliffVersion::k12);
  }
  fill(entry, unit, unfinished, std::move(source), std::move(target));
  yield(entry);
}

// XLIFF 2.x: one memory unit per segment; finished in state translated, reviewed or final
// (a translated one unless it is the prefilled fuzzy match, unchanged).
void read_unit_2(XliffVersion version, const XliffFile& file, const XliffUnit& unit, const std::string& origin,
                 const std::function<void(TmxEntry&)>& yield) {
  std::size_t sentences = 0;
  for (const XliffSegment& s : unit.segments) sentences += !s.ignorable;
  for (const XliffSegment& s : unit.segments) {
    if (s.ignorable) continue;
    TmxEntry entry;
    entry.line = s.line;
    entry.unit.tuid = unit.id;
    entry.unit.origin_file = origin;
    entry.unit.origin_segment = sentences == 1 ? unit.id : unit.id + "#" + s.id;
    entry.unit.source_lang = file.source_language;
    fill(entry, unit, xliff_memory_exclusion(s, version), Side{s.source, file.source_language},
         Side{s.target, file.target_language});
    yield(entry);
  }
}

}  // namespace

void read_xliff(const std::string& path, const std::string& display_name,
                const std::function<void(TmxEntry&)>& yield,
                const std::function<void(std::int64_t bytes)>& progress) {
  // One unit at a time: the streaming parser expands each unit, the XLIFF reader reads it.
  xml::XmlReader xml(path, display_name);
  xliff_detail::UnitStream units(display_name);
  const std::string file_name = std::filesystem::path(path).filename().string();
  std::int64_t count = 0;
  bool more = xml.read();
  while (more) {
    if (xml.is_element()) {
      const std::string name = xml.local_name();
      if (name == "file") {
        units.new_file();
      } else if (name == "trans-unit" || name == "unit") {
        XliffVersion version;
        XliffFile file;
        XliffUnit unit;
        if (units.read(xml.expand(), version, file, unit)) {
          const std::string& origin = file.original.empty() ? file_name : file.original;
          if (version == XliffVersion::k12)
            read_unit_12(file, unit, origin, yield);
          else
            read_unit_2(version, file, unit, origin, yield);
        }
        if (progress && ++count % 1024 == 0) progress(xml.bytes_read());
        more = xml.skip();
        continue;
      } else if (name == "header" || name == "skeleton" || name == "notes" || name == "metadata") {
        more = xml.skip();  // nothing the memory keeps, and 1.2 skeletons can be large
        continue;
      }
    }
    more = xml.read();
  }
}

}  // namespace dilmanc::memory

// Merge: XLIFF targets back into articles, editions written, the memory updated.
#include "dilmanc/merge.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string_view>
#include <system_error>

#include "dilmanc/error.h"
#include "dilmanc/extract.h"
#include "dilmanc/formats.h"
#include "dilmanc/leverage.h"
#include "dilmanc/messages.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/text.h"
#include "dilmanc/translation_memory.h"
#include "dilmanc/xliff.h"
#include "publish/segment_codes.h"
#include "xliff/inline_codes.h"
#include "xliff/xml_output.h"

namespace dilmanc {
namespace {

namespace fs = std::filesystem;

// A translation read from XLIFF (codes with the block's ids, as extract writes them) with
// the codes numbered as in `segment`, which set_translation expects; codes that are not
// the segment's keep their numbers.
InlineText to_segment_ids(const InlineText& target, const Segment& segment, const Block& block) {
  InlineText out = target;
  const publish_detail::SegmentCodes codes(segment, block, publish_detail::SegmentCodes::Numbering::kBlock);
  for (InlineCode& c : out.codes) c.id = codes.other_id(c, c.id);
  return out;
}

bool usable(const XliffSegment& s) { return s.has_target && !s.target.text.empty(); }

// The article an XLIFF file names, refused when it would lead outside the XLIFF's folder.
fs::path article_of(const fs::path& xliff, const XliffFile& file, const MergeOptions& options) {
  if (options.article) return *options.article;
  const std::string where = xliff.string();
  const fs::path original(file.original);
  if (file.original.empty()) ThrowInput(tr("the file names no original article (use --article)"), {where});
  // A URI ("file:///...", "http://...") names a place outside the folder just as an
  // absolute path does.
  const bool uri = file.original.find("://") != std::string::npos || file.original.rfind("file:", 0) == 0;
  if (uri || original.is_absolute() || original.has_root_name() || original.has_root_directory())
    ThrowInput(trf("the original '{1}' is an absolute path; give the article with --article", file.original), {where});
  for (const fs::path& part : original)
    if (part == "..")
      ThrowInput(trf("the original '{1}' leads out of the XLIFF's folder; give the article with --article",
                     file.original),
                 {where});
  const fs::path base = fs::weakly_canonical(fs::absolute(xliff).parent_path());
  const fs::path resolved = fs::weakly_canonical(base / original);
  auto [b, r] = std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
  if (b != base.end())
    ThrowInput(trf("the original '{1}' leads out of the XLIFF's folder through a link", file.original), {where});
  if (!fs::exists(resolved))
    ThrowInput(trf("the original article '{1}' is not there; give it with --article", file.original), {where});
  return resolved;
}

// An article in another language than the XLIFF's source would only show up as "every
// segment changed"; say what is really wrong. The language comes from <html lang>, or
// from a language suffix of the file name ("article.ru.txt").
void check_article_language(const fs::path& article, const Document& doc, const XliffFile& file,
                            const std::string& where) {
  std::string declared = doc.original_language;
  if (declared.empty()) {
    const std::string suffix = article.stem().extension().string();  // ".ru" of "article.ru.txt"
    if (suffix.size() >= 3 && suffix.size() <= 4 && known_language(suffix.substr(1))) declared = suffix.substr(1);
  }
  if (declared.empty() || primary_language(declared) == primary_language(file.source_language)) return;
  ThrowInput(trf("the article '{1}' is in '{2}', but the XLIFF's source language is '{3}'", article.string(),
                 declared, file.source_language),
             {where});
}

// Whether a string of digits occurs in the digits of a text (all its digits joined, as
// the check of numbers compares them). Asking std::string::find for every number of a
// segment takes time quadratic in the segment's length; a suffix automaton of the
// digits answers each number in time linear in its own length, and is built in time and
// memory linear in the text (at most two states per digit).
class DigitSubstrings {
 public:
  explicit DigitSubstrings(std::string_view text) {
    states_.emplace_back();
    std::int32_t last = 0;
    for (char c : text) {
      if (c < '0' || c > '9') continue;
      const int d = c - '0';
      const auto current = static_cast<std::int32_t>(states_.size());
      states_.push_back(State{states_[static_cast<std::size_t>(last)].length + 1, -1, {}});
      std::int32_t p = last;
      while (p != -1 && at(p).next[d] == kNone) {
        at(p).next[d] = current;
        p = at(p).link;
      }
      if (p == -1) {
        at(current).link = 0;
      } else if (const std::int32_t q = at(p).next[d]; at(p).length + 1 == at(q).length) {
        at(current).link = q;
      } else {
        const auto clone = static_cast<std::int32_t>(states_.size());
        State copy = at(q);
        copy.length = at(p).length + 1;
        states_.push_back(copy);
        while (p != -1 && at(p).next[d] == q) {
          at(p).next[d] = clone;
          p = at(p).link;
        }
        at(q).link = clone;
        at(current).link = clone;
      }
      last = current;
    }
  }

  // `digits` holds only '0' to '9'.
  bool contains(std::string_view digits) const {
    std::int32_t state = 0;
    for (char c : digits) {
      state = states_[static_cast<std::size_t>(state)].next[static_cast<std::size_t>(c - '0')];
      if (state == kNone) return false;
    }
    return true;
  }

 private:
  static constexpr std::int32_t kNone = 0;  // no transition leads back to the start
  struct State {
    std::int32_t length = 0;
    std::int32_t link = -1;
    std::array<std::int32_t, 10> next{};
  };
  State& at(std::int32_t i) { return states_[static_cast<std::size_t>(i)]; }
  std::vector<State> states_;
};

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct Pending {
  MergedEdition edition;
  std::string bytes;
  std::vector<TranslationUnit> units;
};

}  // namespace

MergeResult merge(const std::vector<fs::path>& xliff_files, const MergeOptions& options, TranslationMemory* memory) {
  xml::check_output_folder(options.output_dir);
  MergeResult result;
  std::vector<Pending> pending;

  for (const fs::path& xliff : xliff_files) {
    const std::string where = xliff.string();
    const XliffDocument x = read_xliff(xliff);
    for (const XliffFile& file : x.files) {
      if (file.target_language.empty()) ThrowInput(tr("the file declares no target language"), {where});
      const fs::path article = article_of(xliff, file, options);
      Document doc = read_document(article.string());
      check_article_language(article, doc, file, where);
      segment_document(doc, Segmenter(file.source_language));
      const std::vector<SegmentContext> contexts = segment_contexts(doc);

      std::map<std::string, const XliffUnit*> units;
      for (const XliffUnit& u : file.units) units[u.id] = &u;
      std::map<std::string, std::size_t> blocks;
      for (std::size_t b = 0; b < doc.blocks.size(); ++b) blocks[doc.blocks[b].id] = b;
      for (const XliffUnit& u : file.units)
        if (!blocks.count(u.id)) ThrowInput(trf("unit '{1}' is not in the article '{2}'", u.id, article.string()), {where});

      Pending out;
      out.edition.xliff = xliff;
      out.edition.article = article;
      out.edition.target_language = file.target_language;
      std::vector<std::string> changed, missing;
      auto warn = [&](const std::string& id, const std::string& message) {
        result.warnings.push_back(trf("{1}: unit '{2}': {3}", where, id, message));
      };
      auto check = [&](const std::string& id, const std::string& source, const std::string& target) {
        if (source == target) warn(id, tr("the target is identical to the source"));
        std::optional<DigitSubstrings> target_digits;
        std::string run;
        for (std::size_t i = 0; i <= source.size(); ++i) {
          if (i < source.size() && source[i] >= '0' && source[i] <= '9') {
            run += source[i];
            continue;
          }
          if (!run.empty()) {
            if (!target_digits) target_digits.emplace(target);
            if (!target_digits->contains(run))
              warn(id, trf("the number {1} of the source is missing from the target", run));
          }
          run.clear();
        }
        const bool lead_s = !source.empty() && is_space(source.front()), lead_t = !target.empty() && is_space(target.front());
        const bool trail_s = !source.empty() && is_space(source.back()), trail_t = !target.empty() && is_space(target.back());
        if (lead_s != lead_t || trail_s != trail_t) warn(id, tr("leading or trailing whitespace differs from the source"));
      };

      std::size_t index = 0;
      for (std::size_t b = 0; b < doc.blocks.size(); ++b) {
        Block& block = doc.blocks[b];
        const std::size_t first_index = index;
        index += block.segments.size();
        out.edition.segments += block.segments.size();
        if (block.segments.empty()) continue;
        auto found = units.find(block.id);
        if (found == units.end()) {
          missing.push_back(xliff_detail::join(block.id, ": ") + plain_text(block.source));
          continue;
        }
        const XliffUnit& unit = *found->second;
        std::map<std::string, const XliffSegment*> parts;
        std::vector<const XliffSegment*> sentences;
        for (const XliffSegment& s : unit.segments)
          if (!s.ignorable) {
            parts[s.id] = &s;
            sentences.push_back(&s);
          }
        bool per_segment = true;
        for (const Segment& s : block.segments) per_segment = per_segment && parts.count(s.id);
        const bool single = !per_segment && sentences.size() == 1 && block.segments.size() == 1;

        if (per_segment || single) {
          for (std::size_t k = 0; k < block.segments.size(); ++k) {
            Segment& segment = block.segments[k];
            const XliffSegment& xs = single ? *sentences.front() : *parts.at(segment.id);
            if (plain_text(xs.source) != plain_text(segment.source)) {
              changed.push_back(segment.id);
              continue;
            }
            if (!unit.translate) continue;
            if (!usable(xs)) {
              missing.push_back(segment.id + ": " + plain_text(segment.source));
              continue;
            }
            const InlineText target = to_segment_ids(xs.target, segment, block);
            set_translation(doc, segment.id, target);
            check(segment.id, plain_text(segment.source), plain_text(target));
            ++out.edition.translated;
            if (std::string why = xliff_memory_exclusion(xs, x.version); !why.empty()) {
              out.edition.left_out.push_back({segment.id, std::move(why)});
              continue;
            }
            TranslationUnit tu;
            tu.tuid = segment.id;
            tu.source_lang = file.source_language;
            tu.context_prev = contexts[first_index + k].prev;
            tu.context_next = contexts[first_index + k].next;
            tu.origin_file = xliff.filename().string();
            tu.origin_segment = segment.id;
            tu.changed_by = options.user;
            tu.created_by = options.user;
            Variant source, translation;
            source.tag = file.source_language;
            source.text = segment.source;
            source.text.text = to_nfc(source.text.text);
            translation.tag = file.target_language;
            translation.text = target;
            translation.text.text = to_nfc(translation.text.text);
            tu.variants = {source, translation};
            out.units.push_back(std::move(tu));
          }
          continue;
        }
        // The translator's tool segmented the block its own way: the block as a whole.
        InlineText whole_source, whole_target;
        bool complete = true;
        for (const XliffSegment& s : unit.segments) {
          xliff_detail::append_inline(whole_source, s.source);
          if (s.ignorable) xliff_detail::append_inline(whole_target, s.has_target ? s.target : s.source);
          else if (usable(s)) xliff_detail::append_inline(whole_target, s.target);
          else complete = false;
        }
        if (plain_text(whole_source) != plain_text(block.source)) {
          changed.push_back(block.id);
          continue;
        }
        if (!unit.translate) continue;
        if (!complete) {
          missing.push_back(block.id + ": " + plain_text(block.source));
          continue;
        }
        xliff_detail::repair_pairs(whole_target);
        set_block_translation(doc, b, whole_target);
        check(block.id, plain_text(block.source), plain_text(whole_target));
        ++out.edition.translated;
        out.edition.left_out.push_back(
            {block.id, tr("the translator's tool segmented the block otherwise: its sentences are not aligned")});
      }

      if (!changed.empty()) {
        std::string list;
        for (const std::string& id : changed) {
          if (!list.empty()) list += ", ";
          list += id;
        }
        ThrowInput(trf("the article '{1}' changed since extraction: segments {2} differ", article.string(), list),
                   {where});
      }
      if (!missing.empty()) {
        std::string list;
        for (const std::string& m : missing) {
          list += "\n  ";
          list += m;
        }
        if (!options.allow_incomplete)
          ThrowInput(trf("units without a usable target (use --allow-incomplete to keep their source):{1}", list),
                     {where});
        result.warnings.push_back(trf("{1}: units left untranslated:{2}", where, list));
      }
      doc.language = file.target_language;
      std::string ext = article.extension().string();
      out.edition.edition =
          options.output_dir / (article_name(article, file.source_language) + "." + file.target_language + ext);
      out.bytes = render_document(doc);
      pending.push_back(std::move(out));
    }
  }

  // Everything is known to be good: temporary files, then the memory, then the names.
  std::vector<fs::path> temps, created;
  auto remove_temps = [&] {
    for (const fs::path& t : temps) {
      std::error_code ignored;
      fs::remove(t, ignored);
    }
    xml::remove_created_folders(created);
  };
  try {
    created = xml::create_output_folder(options.output_dir);
    for (const Pending& p : pending) {
      fs::path temp = p.edition.edition;
      temp += ".merging";
      xml::write_file_atomically(temp, p.bytes);
      temps.push_back(temp);
    }
    if (memory) {
      TranslationMemory::Batch batch(*memory);
      for (Pending& p : pending) {
        for (const TranslationUnit& u : p.units) memory->add(u);
        p.edition.memory_units = p.units.size();
      }
      batch.commit();
    }
    for (std::size_t i = 0; i < pending.size(); ++i) {
      std::error_code rename_error;
      fs::rename(temps[i], pending[i].edition.edition, rename_error);
      if (rename_error)
        ThrowIo(trf("cannot write the file: {1}", rename_error.message()), {pending[i].edition.edition.string()});
    }
  } catch (...) {
    remove_temps();
    throw;
  }
  for (Pending& p : pending) result.editions.push_back(std::move(p.edition));
  return result;
}

}  // namespace dilmanc

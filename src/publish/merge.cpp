// Merge: XLIFF targets back into articles, editions written, the memory updated.
#include "dilmanc/merge.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <iterator>
#include <map>
#include <set>
#include <optional>
#include <random>
#include <string_view>
#include <system_error>

#include <unistd.h>

#include "dilmanc/error.h"
#include "dilmanc/extract.h"
#include "dilmanc/formats.h"
#include "dilmanc/leverage.h"
#include "dilmanc/messages.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/text.h"
#include "dilmanc/translation_memory.h"
#include "dilmanc/xliff.h"
#include "match/numbers.h"
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

// `path` made absolute with its links followed, without a trailing separator, so that
// one folder's paths start with the folder's.
fs::path real_path(const fs::path& path) {
  fs::path out = fs::weakly_canonical(fs::absolute(path));
  if (!out.has_filename() && out.has_relative_path()) out = out.parent_path();
  return out;
}

bool inside(const fs::path& path, const fs::path& folder) {
  auto [f, p] = std::mismatch(folder.begin(), folder.end(), path.begin(), path.end());
  return f == folder.end();
}

// The article an XLIFF file names. `original` is resolved against the XLIFF's folder;
// the file it reaches, links followed, must lie inside that folder or one of
// options.article_folders (an XLIFF extracted with -o elsewhere names "../a/x.html").
// Absolute paths and URIs are refused whatever they name: extract never writes them.
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
  const fs::path base = real_path(fs::absolute(xliff).parent_path());
  const fs::path resolved = real_path(base / original);
  bool allowed = inside(resolved, base);
  for (const fs::path& folder : options.article_folders) allowed = allowed || inside(resolved, real_path(folder));
  if (!allowed) {
    const bool climbs = std::any_of(original.begin(), original.end(), [](const fs::path& p) { return p == ".."; });
    if (climbs)
      ThrowInput(trf("the original '{1}' lies outside the XLIFF's folder and the folders merge reads articles from; "
                     "give the article with --article",
                     file.original),
                 {where});
    ThrowInput(trf("the original '{1}' leads out of the XLIFF's folder through a link", file.original), {where});
  }
  std::error_code ec;
  if (!fs::is_regular_file(resolved, ec))
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

// A number's value as a key: "250000", "3.5" (trailing zeros of the fraction dropped),
// however the language wrote it.
std::string number_key(const match::Number& n) {
  std::string fraction = n.fraction;
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  return fraction.empty() ? n.integer : n.integer + "." + fraction;
}

// The numbers of the source that the target lacks, as the source writes them, in order.
// Numbers are whole tokens compared by value, each occurrence counted ("13" twice in the
// source needs it twice in the target). A target in a language whose writing numbers.h
// knows (en, ru, az, de and the others it lists) is read that way first: "250,000" in
// Russian reads 250. What that leaves, and every number of a target in another language
// (read as English there, which a "3,5" or "250.000" is not), is read the longest way the
// source's language or any of the three conventions allows, so that a translator who kept
// "3.5" is not warned.
std::vector<std::string> missing_numbers(const std::string& source, std::string_view source_language,
                                         const std::string& target, std::string_view target_language) {
  const std::vector<match::NumberSpan> wanted = match::find_numbers(source, source_language);
  if (wanted.empty()) return {};
  struct Reading {
    int rank;  // 0: the target language's own, first
    std::size_t order;
    match::NumberSpan span;
    bool wanted = false;  // a value of the source's
  };
  const bool known = target_language == "en" || !match::writes_numbers_as_english(target_language);
  std::vector<Reading> readings;
  std::vector<std::string_view> done;
  for (std::string_view lang :
       {target_language, source_language, std::string_view("en"), std::string_view("ru"), std::string_view("de")}) {
    if (std::find(done.begin(), done.end(), lang) != done.end()) continue;
    const int rank = known && done.empty() ? 0 : 1;
    done.push_back(lang);
    for (match::NumberSpan& n : match::find_numbers(target, lang)) readings.push_back({rank, readings.size(), std::move(n)});
  }
  // Of two readings of the same characters, the one the source has comes first ("250.000"
  // in a Malay target is 250000 when the source says 250,000).
  std::set<std::string> wanted_keys;
  for (const match::NumberSpan& n : wanted) wanted_keys.insert(number_key(n.number));
  for (Reading& r : readings) r.wanted = wanted_keys.count(number_key(r.span.number)) > 0;
  std::sort(readings.begin(), readings.end(), [](const Reading& a, const Reading& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    const std::size_t la = a.span.end - a.span.begin, lb = b.span.end - b.span.begin;
    if (la != lb) return la > lb;
    if (a.wanted != b.wanted) return a.wanted;
    return a.order < b.order;
  });
  std::map<std::string, std::size_t> have;
  std::map<std::size_t, std::size_t> taken;  // begin -> end of the target's numbers read
  for (const Reading& r : readings) {
    const match::NumberSpan& n = r.span;
    auto next = taken.lower_bound(n.begin);
    if (next != taken.end() && next->first < n.end) continue;
    if (next != taken.begin() && std::prev(next)->second > n.begin) continue;
    taken.emplace(n.begin, n.end);
    ++have[number_key(n.number)];
  }
  std::vector<std::string> missing;
  for (const match::NumberSpan& n : wanted) {
    auto it = have.find(number_key(n.number));
    if (it != have.end() && it->second > 0) --it->second;
    else missing.push_back(source.substr(n.begin, n.end - n.begin));
  }
  return missing;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

struct Pending {
  MergedEdition edition;
  std::string bytes;
  std::vector<TranslationUnit> units;
};

// Turns an Error from putting a target into the document (its codes do not fit), which
// names the segment only, into one naming the XLIFF and the unit's line as well.
template <typename F>
void in_xliff(const std::string& where, std::int64_t line, F&& put) {
  try {
    put();
  } catch (const Error& e) {
    if (e.kind() != Error::Kind::kInput || !e.where().file.empty()) throw;
    ThrowInput(e.cause(), {where, line});
  }
}

}  // namespace

MergeResult merge(const std::vector<fs::path>& xliff_files, const MergeOptions& options, TranslationMemory* memory) {
  return merge(xliff_files, options, std::function<TranslationMemory*()>([memory] { return memory; }));
}

MergeResult merge(const std::vector<fs::path>& xliff_files, const MergeOptions& options,
                  const std::function<TranslationMemory*()>& open_memory) {
  xml::check_output_folder(options.output_dir);
  MergeResult result;
  std::vector<Pending> pending;
  const fs::path output_folder = real_path(options.output_dir);
  std::map<fs::path, std::size_t> editions;  // real path -> index in pending

  for (const fs::path& xliff : xliff_files) {
    const std::string where = xliff.string();
    const XliffDocument x = read_xliff(xliff);
    for (const XliffFile& file : x.files) {
      if (file.target_language.empty()) ThrowInput(tr("the file declares no target language"), {where});
      // The edition would be the article in its own language: it could only replace it.
      if (primary_language(file.target_language) == primary_language(file.source_language))
        ThrowInput(trf("the target language '{1}' is the source language '{2}': merging would overwrite the article",
                       file.target_language, file.source_language),
                   {where});
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
      std::vector<std::string> changed, not_in_xliff, missing;
      auto warn = [&](const std::string& id, const std::string& message) {
        result.warnings.push_back(trf("{1}: unit '{2}': {3}", where, id, message));
      };
      const std::string source_language = primary_language(file.source_language);
      const std::string target_language = primary_language(file.target_language);
      auto check = [&](const std::string& id, const std::string& source, const std::string& target) {
        if (source == target) warn(id, tr("the target is identical to the source"));
        for (const std::string& number : missing_numbers(source, source_language, target, target_language))
          warn(id, trf("the number {1} of the source is missing from the target", number));
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
          // Extract writes a unit for every block with text: a block without one was added
          // to the article since.
          not_in_xliff.push_back(block.id);
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
            in_xliff(where, xs.line ? xs.line : unit.line, [&] { set_translation(doc, segment.id, target); });
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
        in_xliff(where, unit.line, [&] { set_block_translation(doc, b, whole_target); });
        check(block.id, plain_text(block.source), plain_text(whole_target));
        ++out.edition.translated;
        out.edition.left_out.push_back(
            {block.id, tr("the translator's tool segmented the block otherwise: its sentences are not aligned")});
      }

      auto join = [](const std::vector<std::string>& ids) {
        std::string list;
        for (const std::string& id : ids) {
          if (!list.empty()) list += ", ";
          list += id;
        }
        return list;
      };
      // Whatever --allow-incomplete says: these targets would go to the wrong text.
      if (!changed.empty() && !not_in_xliff.empty())
        ThrowInput(trf("the article '{1}' changed since extraction: segments {2} differ, segments not in the XLIFF: {3}",
                       article.string(), join(changed), join(not_in_xliff)),
                   {where});
      if (!changed.empty())
        ThrowInput(trf("the article '{1}' changed since extraction: segments {2} differ", article.string(), join(changed)),
                   {where});
      if (!not_in_xliff.empty())
        ThrowInput(trf("the article '{1}' changed since extraction: segments not in the XLIFF: {2}", article.string(),
                       join(not_in_xliff)),
                   {where});
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
      const std::string name =
          article_name(article, file.source_language) + "." + file.target_language + article.extension().string();
      // The reader accepts only language tags, so the name is one file name; checked
      // again here, as writing outside the output folder must not depend on it.
      const fs::path leaf(name);
      if (leaf != leaf.filename() || leaf.has_parent_path() || name == "." || name == "..")
        ThrowInput(trf("the edition '{1}' would be written outside the output folder", name), {where});
      out.edition.edition = options.output_dir / leaf;
      const fs::path real = output_folder / leaf;
      std::error_code ec;
      if (fs::equivalent(out.edition.edition, article, ec))
        ThrowInput(trf("the edition '{1}' would overwrite the article", out.edition.edition.string()), {where});
      for (const fs::path& input : xliff_files)
        if (fs::equivalent(out.edition.edition, input, ec))
          ThrowInput(trf("the edition '{1}' would overwrite the XLIFF file '{2}'", out.edition.edition.string(),
                         input.string()),
                     {where});
      if (auto [it, fresh] = editions.emplace(real, pending.size()); !fresh)
        ThrowInput(trf("the edition '{1}' would be written from both '{2}' and this file: merge them one at a time",
                       out.edition.edition.string(), pending[it->second].edition.xliff.string()),
                   {where});
      out.bytes = render_document(doc);
      pending.push_back(std::move(out));
    }
  }

  // One XLIFF's edition must not replace another one's article either.
  for (const Pending& p : pending)
    for (const Pending& q : pending) {
      std::error_code ec;
      if (fs::equivalent(p.edition.edition, q.edition.article, ec))
        ThrowInput(trf("the edition '{1}' would overwrite the article", p.edition.edition.string()),
                   {p.edition.xliff.string()});
    }

  // Everything is known to be good: the memory, temporary files, the memory's commit,
  // then the names. Editions get their names only once the memory has committed, so that
  // a kill leaves at worst editions under their temporary names, which the same merge
  // run again writes; so whatever can keep a name from being taken is tried before the
  // commit, and a failure there removes every temporary file and leaves the memory as
  // it was.
  TranslationMemory* memory = open_memory ? open_memory() : nullptr;
  const std::string tag = std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}() % 1000000);
  std::vector<fs::path> temps(pending.size()), created;
  auto remove_temps = [&] {
    for (const fs::path& t : temps) {
      std::error_code ignored;
      if (!t.empty()) fs::remove(t, ignored);
    }
    xml::remove_created_folders(created);
  };
  try {
    created = xml::create_output_folder(options.output_dir);
    for (std::size_t i = 0; i < pending.size(); ++i) {
      const fs::path& edition = pending[i].edition.edition;
      // A file (or a link, which the rename replaces) may be replaced; a folder may not.
      std::error_code ec;
      if (fs::symlink_status(edition, ec).type() == fs::file_type::directory)
        ThrowIo(trf("cannot write the file: {1}", std::make_error_code(std::errc::is_a_directory).message()),
                {edition.string()});
      // Unique, so that two merges (or two editions of one) never share one.
      fs::path temp = edition;
      temp += ".merging." + tag + "-" + std::to_string(i);
      xml::write_file_atomically(temp, pending[i].bytes);
      temps[i] = temp;
    }
    if (memory) {
      TranslationMemory::Batch batch(*memory);
      for (Pending& p : pending) {
        for (const TranslationUnit& u : p.units) memory->add(u);
        p.edition.memory_units = p.units.size();
      }
      batch.commit();
    }
  } catch (...) {
    remove_temps();
    throw;
  }
  // Only a change made meanwhile by someone else can make a rename fail now: the editions
  // not renamed keep their temporary names, as after a kill.
  for (std::size_t i = 0; i < pending.size(); ++i) {
    std::error_code rename_error;
    fs::rename(temps[i], pending[i].edition.edition, rename_error);
    if (rename_error)
      ThrowIo(trf("cannot write the file: {1}", rename_error.message()), {pending[i].edition.edition.string()});
  }
  for (Pending& p : pending) result.editions.push_back(std::move(p.edition));
  return result;
}

}  // namespace dilmanc

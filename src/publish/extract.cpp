// Extract: articles into XLIFF for translators, with the memory's matches.
#include "dilmanc/extract.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "dilmanc/messages.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/text.h"
#include "dilmanc/translation_memory.h"
#include "publish/segment_codes.h"
#include "xliff/inline_codes.h"
#include "xliff/xml_output.h"

namespace dilmanc {
namespace {

namespace fs = std::filesystem;

// The segment's source with each code carrying its block id, unique in the unit.
InlineText with_block_ids(const Segment& segment, const Block& block) {
  InlineText out = segment.source;
  for (std::size_t k = 0; k < out.codes.size() && k < segment.block_codes.size(); ++k) {
    const std::size_t b = segment.block_codes[k];
    if (b < block.source.codes.size()) out.codes[k].id = block.source.codes[b].id;
  }
  return out;
}

// Whether `target` holds exactly the codes of `source` (by kind and id), so that it can
// stand as the segment's translation.
bool codes_fit(const InlineText& target, const InlineText& source) {
  auto key = [](const InlineText& t) {
    std::multiset<std::pair<int, int>> out;
    for (const InlineCode& c : t.codes) out.emplace(static_cast<int>(c.kind), c.id);
    return out;
  };
  return key(target) == key(source) && check_codes(target).empty();
}

// A translation of `segment` (codes numbered as in the segment) with block ids; codes
// that are not the segment's keep their numbers.
InlineText with_block_ids_like(const InlineText& target, const Segment& segment, const Block& block) {
  InlineText out = target;
  const publish_detail::SegmentCodes codes(segment, block, publish_detail::SegmentCodes::Numbering::kSegment);
  for (InlineCode& c : out.codes) c.id = codes.other_id(c, c.id);
  return out;
}

std::string origin_of(const FuzzyMatch& m) {
  if (m.origin_file.empty()) return "translation memory";
  return m.origin_segment.empty() ? m.origin_file : m.origin_file + "#" + m.origin_segment;
}

void add_gap(XliffUnit& unit, const InlineText& gap) {
  if (gap.text.empty()) return;
  XliffSegment part;
  part.ignorable = true;
  part.source = gap;
  xliff_detail::repair_pairs(part.source);
  unit.segments.push_back(std::move(part));
}

std::string block_note(const Block& block) {
  std::string note = block_kind_name(block.kind);
  if (!block.element.empty() && block.element != note) note += " (" + block.element + ")";
  if (block.line > 0) note += ", line " + std::to_string(block.line);
  return note;
}

}  // namespace

std::string article_name(const fs::path& article, std::string_view source_language) {
  fs::path stem = article.stem();
  const std::string suffix = stem.extension().string();  // ".en" in "summit.en"
  if (suffix.size() > 1 && primary_language(suffix.substr(1)) == primary_language(source_language))
    stem = stem.stem();
  return stem.string();
}

XliffDocument xliff_for_document(const Document& document, const DocumentLeverage* leverage,
                                 const std::string& original, std::string_view target_language,
                                 const ExtractOptions& options, LeverageCounts* counts) {
  if (options.min_score < 1 || options.min_score > 100)
    ThrowUsage(trf("the minimum score must be between 1 and 100, not {1}", options.min_score));
  LeverageCounts local;
  LeverageCounts& count = counts ? *counts : local;
  count = {};

  XliffFile file;
  file.original = original;
  file.datatype = document.format == Format::kHtml ? "html" : "plaintext";
  file.source_language = options.source_language;
  file.target_language = std::string(target_language);
  file.tool_name = "dilmanc";
  file.tool_version = options.tool_version;

  std::size_t total = 0;
  for (const Block& block : document.blocks) total += block.segments.size();
  if (leverage && leverage->segments.size() != total)
    ThrowUsage(tr("the leverage given does not belong to the document"));
  std::map<std::string, std::string> first_with_source;  // NFC marker text -> segment id
  std::size_t index = 0;
  for (const Block& block : document.blocks) {
    if (block.segments.empty()) continue;  // nothing to translate: merge keeps the block as it is
    XliffUnit unit;
    unit.id = block.id;
    unit.kind = block_kind_name(block.kind);
    unit.notes.push_back({block_note(block), "dilmanc", ""});
    for (std::size_t k = 0; k < block.segments.size(); ++k) {
      if (k < block.gaps.size()) add_gap(unit, block.gaps[k]);
      const Segment& segment = block.segments[k];
      const SegmentLeverage* found = leverage ? &leverage->segments[index] : nullptr;
      ++index;
      if (found && found->id != segment.id) ThrowUsage(tr("the leverage given does not belong to the document"));
      XliffSegment s;
      s.id = segment.id;
      s.source = with_block_ids(segment, block);
      s.state = XliffState::kNeedsTranslation;
      ++count.segments;

      auto [first, inserted] = first_with_source.emplace(to_nfc(s.source.text), s.id);
      if (!inserted) {
        s.repetition_of = first->second;
        ++count.repetitions;
      }

      // leverage() looked the segment up with its own codes; the XLIFF carries block ids.
      std::vector<FuzzyMatch> matches;
      if (found)
        for (const FuzzyMatch& m : found->matches)
          if (m.score >= options.min_score && matches.size() < std::max<std::size_t>(options.max_matches, 1)) {
            matches.push_back(m);
            matches.back().target = with_block_ids_like(m.target, segment, block);
          }
      const FuzzyMatch* best = matches.empty() ? nullptr : &matches.front();
      const bool fits = best && codes_fit(best->target, s.source);
      if (best && best->score >= 101) {
        ++count.in_context;
        s.state_qualifier = "exact-match";
      } else if (best && best->score == 100) {
        ++count.exact;
        s.state_qualifier = "leveraged-tm";
      } else if (best) {
        ++count.fuzzy;
        s.state_qualifier = "fuzzy-match";
      } else {
        ++count.no_match;
      }
      if (best && fits && best->score >= 100) {
        s.has_target = true;
        s.target = best->target;
        s.state = XliffState::kTranslated;
      } else if (best && fits && options.prefill) {
        s.has_target = true;
        s.target = best->target;
        s.state = XliffState::kNeedsReviewTranslation;
      }
      for (std::size_t m = 0; m < matches.size() && m < options.max_matches; ++m) {
        XliffMatch candidate;
        candidate.score = std::min(matches[m].score, 101);
        candidate.in_context = matches[m].score >= 101 || matches[m].breakdown.in_context;
        candidate.origin = origin_of(matches[m]);
        candidate.source = matches[m].source;
        candidate.target = matches[m].target;
        s.matches.push_back(std::move(candidate));
      }
      unit.segments.push_back(std::move(s));
    }
    if (!block.gaps.empty() && block.gaps.size() > block.segments.size()) add_gap(unit, block.gaps.back());
    file.units.push_back(std::move(unit));
  }
  XliffDocument doc;
  doc.version = options.version;
  doc.files.push_back(std::move(file));
  return doc;
}

std::vector<ExtractedFile> extract(const std::vector<std::string>& articles, const ExtractOptions& options,
                                   FuzzyMatcher* matcher) {
  if (articles.empty()) ThrowUsage(tr("no article to extract"));
  if (options.target_languages.empty()) ThrowUsage(tr("no target language given"));
  const std::string from = primary_language(options.source_language);
  if (from.empty()) ThrowUsage(tr("no source language given"));
  for (const std::string& to : options.target_languages)
    if (primary_language(to) == from)
      ThrowUsage(trf("the target language '{1}' is the source language", to));
  xml::check_output_folder(options.output_dir);
  const fs::path out_dir = fs::weakly_canonical(fs::absolute(options.output_dir));

  std::set<std::string> names;
  for (const std::string& article : articles)
    if (!names.insert(article_name(article, options.source_language)).second)
      ThrowUsage(trf("two articles are named '{1}': their XLIFF files would overwrite each other",
                     article_name(article, options.source_language)));

  XliffWriteOptions write;
  write.version = options.version;
  write.copy_source_to_empty_target = options.copy_source;
  const Segmenter segmenter(options.source_language);

  std::vector<ExtractedFile> files;
  std::vector<std::string> texts;
  for (const std::string& article : articles) {
    Document document = read_document(article);
    segment_document(document, segmenter);
    const fs::path absolute = fs::weakly_canonical(fs::absolute(article));
    std::string original = absolute.lexically_relative(out_dir).generic_string();
    if (original.empty()) original = absolute.generic_string();
    for (const std::string& lang : options.target_languages) {
      ExtractedFile out;
      out.article = article;
      out.target_language = lang;
      out.path = options.output_dir / (article_name(article, options.source_language) + "." + lang + ".xlf");
      std::optional<DocumentLeverage> found;
      if (matcher) {
        // Only matches from --min up are offered, and none beside an exact one: looking no
        // further is what keeps extract fast on a large memory. The best match of every
        // segment, and so its band from --min up, is the same as analyze's.
        LeverageOptions lo;
        lo.min_score = options.min_score;
        lo.matches_below_exact = false;
        lo.max_matches = std::max<std::size_t>(options.max_matches, 1);
        found = leverage(document, *matcher, options.source_language, lang, lo);
      }
      const XliffDocument doc =
          xliff_for_document(document, found ? &*found : nullptr, original, lang, options, &out.counts);
      texts.push_back(format_xliff(doc, write));
      files.push_back(std::move(out));
    }
  }
  // Each file is written whole or not at all; a folder made for them goes again if none
  // could be written.
  const std::vector<fs::path> created = xml::create_output_folder(options.output_dir);
  try {
    for (std::size_t i = 0; i < files.size(); ++i) xml::write_file_atomically(files[i].path, texts[i]);
  } catch (...) {
    xml::remove_created_folders(created);
    throw;
  }
  return files;
}

}  // namespace dilmanc

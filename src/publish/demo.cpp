// The demo pipeline on the bundled data.
#include "dilmanc/demo.h"

#include <algorithm>
#include <map>
#include <set>

#include "dilmanc/analysis.h"
#include "dilmanc/document.h"
#include "dilmanc/editions.h"
#include "dilmanc/error.h"
#include "dilmanc/extract.h"
#include "dilmanc/formats.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/merge.h"
#include "dilmanc/messages.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/text.h"
#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"
#include "dilmanc/xliff.h"

namespace dilmanc {
namespace fs = std::filesystem;

namespace {

constexpr const char* kArticle = "global-forum-on-refugees";
constexpr const char* kSource = "en";
const std::vector<std::string> kTargets = {"az", "ru"};

bool has_data(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "memories" / "press-office.tmx", ec) &&
         fs::is_regular_file(dir / "examples" / (std::string(kArticle) + ".en.html"), ec);
}

bool inside(const fs::path& path, const fs::path& folder) {
  const fs::path p = fs::weakly_canonical(fs::absolute(path));
  const fs::path f = fs::weakly_canonical(fs::absolute(folder));
  auto pi = p.begin();
  for (auto fi = f.begin(); fi != f.end(); ++fi, ++pi) {
    if (fi->empty()) continue;  // a trailing separator
    if (pi == p.end() || *pi != *fi) return false;
  }
  return true;
}

// The code ids of a text, as a multiset of (kind, id).
std::multiset<std::pair<int, int>> code_key(const InlineText& t) {
  std::multiset<std::pair<int, int>> out;
  for (const InlineCode& c : t.codes) out.emplace(static_cast<int>(c.kind), c.id);
  return out;
}

// A segment's text with its codes numbered as in its block (as extract writes them).
InlineText with_block_ids(const Segment& segment, const Block& block) {
  InlineText out = segment.source;
  for (std::size_t k = 0; k < out.codes.size() && k < segment.block_codes.size(); ++k)
    if (segment.block_codes[k] < block.source.codes.size())
      out.codes[k].id = block.source.codes[segment.block_codes[k]].id;
  return out;
}

// Fills the XLIFF's targets from the bundled translation, block by block: sentence by
// sentence where the translation has the same sentences, else the whole block as one
// segment (as CAT tools do when they join sentences). Returns the sentences filled.
std::size_t fill_from_translation(XliffDocument& xliff, const Document& translation) {
  std::map<std::string, const Block*> blocks;
  for (const Block& b : translation.blocks) blocks[b.id] = &b;
  std::size_t filled = 0;
  for (XliffFile& file : xliff.files)
    for (XliffUnit& unit : file.units) {
      auto found = blocks.find(unit.id);
      if (found == blocks.end() || !unit.translate) continue;
      const Block& block = *found->second;
      std::vector<XliffSegment*> sentences;
      for (XliffSegment& s : unit.segments)
        if (!s.ignorable) sentences.push_back(&s);
      bool per_sentence = sentences.size() == block.segments.size();
      for (std::size_t i = 0; per_sentence && i < sentences.size(); ++i)
        per_sentence = code_key(with_block_ids(block.segments[i], block)) == code_key(sentences[i]->source);
      if (per_sentence) {
        for (std::size_t i = 0; i < sentences.size(); ++i) {
          sentences[i]->target = with_block_ids(block.segments[i], block);
          sentences[i]->has_target = true;
          sentences[i]->state = XliffState::kTranslated;
          ++filled;
        }
        continue;
      }
      InlineText whole;
      for (const XliffSegment& s : unit.segments) {
        std::string text = whole.text + s.source.text;
        whole.text = std::move(text);
        whole.codes.insert(whole.codes.end(), s.source.codes.begin(), s.source.codes.end());
      }
      if (code_key(block.source) != code_key(whole)) continue;
      XliffSegment joined;
      joined.id = unit.id;
      joined.source = whole;
      joined.target = block.source;
      joined.has_target = true;
      joined.state = XliffState::kTranslated;
      unit.segments = {joined};
      filled += sentences.size();
    }
  return filled;
}

std::string shown(const fs::path& path, const fs::path& folder) {
  return fs::relative(path, folder.parent_path()).generic_string();
}

}  // namespace

std::optional<fs::path> find_demo_data(const std::vector<fs::path>& candidates) {
  for (const fs::path& c : candidates)
    if (has_data(c)) return c;
#ifdef DILMANC_SOURCE_DIR
  if (has_data(DILMANC_SOURCE_DIR)) return fs::path(DILMANC_SOURCE_DIR);
#endif
  return std::nullopt;
}

fs::path demo_folder(const std::optional<fs::path>& requested, const fs::path& cwd) {
  std::error_code ec;
  if (requested) {
    if (fs::exists(*requested, ec) && (!fs::is_directory(*requested, ec) || !fs::is_empty(*requested, ec)))
      ThrowUsage(trf("'{1}' exists and is not an empty folder; give a new one", requested->string()));
    return *requested;
  }
  for (int n = 1;; ++n) {
    const fs::path candidate = cwd / (n == 1 ? std::string("dilmanc-demo") : "dilmanc-demo-" + std::to_string(n));
    if (!fs::exists(candidate, ec)) return candidate;
  }
}

void run_demo(const DemoOptions& options, const std::function<void(const std::string&)>& report) {
  const fs::path& data = options.data_dir;
  const fs::path& folder = options.folder;
  if (inside(folder, data))
    ThrowUsage(trf("the demo does not write into its own data folder '{1}'; give another folder", data.string()));
  std::error_code ec;
  for (const char* sub : {"articles", "xliff", "merged", "site"}) {
    fs::create_directories(folder / sub, ec);
    if (ec) ThrowIo(trf("cannot create the folder: {1}", ec.message()), {(folder / sub).string()});
  }
  report(trf("Demo folder: {1}", folder.string()));

  // 1. The memory.
  const fs::path memory_path = folder / "memory.db";
  TranslationMemory memory(memory_path.string());
  std::vector<fs::path> tmx;
  for (const auto& entry : fs::directory_iterator(data / "memories"))
    if (entry.path().extension() == ".tmx") tmx.push_back(entry.path());
  std::sort(tmx.begin(), tmx.end());
  for (const fs::path& file : tmx) {
    const ImportSummary s = import_file(memory, file.string());
    report(trf("1. Imported {1} units from {2} into {3}", s.added + s.updated, file.filename().string(),
               shown(memory_path, folder)));
  }
  FuzzyMatcher matcher(memory);

  // 2. The article, copied so that everything the demo writes stays in its folder.
  const std::string name = kArticle;
  const fs::path article = folder / "articles" / (name + ".en.html");
  fs::copy_file(data / "examples" / (name + ".en.html"), article, fs::copy_options::overwrite_existing, ec);
  if (ec) ThrowIo(trf("cannot write the file: {1}", ec.message()), {article.string()});
  AnalysisOptions analysis_options;
  analysis_options.source_language = kSource;
  analysis_options.target_languages = kTargets;
  const Analysis analysis = analyze({article.string()}, &matcher, analysis_options);
  const fs::path report_path = folder / "analysis.html";
  write_analysis_html(analysis, report_path, ui_locale(), ui_language());
  const LanguageAnalysis& first = analysis.languages.front();
  report(trf("2. Analyzed {1}: {2} segments, {3} words; per language {4} exact, {5} fuzzy, {6} repetitions, "
             "{7} new; report in {8}",
             shown(article, folder), first.total.segments, first.total.words,
             first.of(LeverageBand::kInContext).segments + first.of(LeverageBand::kExact).segments,
             first.of(LeverageBand::kFuzzy95).segments + first.of(LeverageBand::kFuzzy85).segments +
                 first.of(LeverageBand::kFuzzy75).segments + first.of(LeverageBand::kFuzzy50).segments,
             first.of(LeverageBand::kRepetition).segments, first.of(LeverageBand::kNoMatch).segments,
             shown(report_path, folder)));

  // 3. Extract.
  ExtractOptions extract_options;
  extract_options.source_language = kSource;
  extract_options.target_languages = kTargets;
  extract_options.output_dir = folder / "xliff";
  extract_options.tool_version = DILMANC_VERSION;
  const std::vector<ExtractedFile> extracted = extract({article.string()}, extract_options, &matcher);
  for (const ExtractedFile& f : extracted)
    report(trf("3. Extracted {1}: {2} segments, {3} filled from the memory", shown(f.path, folder),
               f.counts.segments, f.counts.in_context + f.counts.exact));

  // 4. The translator's work: the bundled translations put into the XLIFF targets.
  std::vector<fs::path> translated;
  for (const ExtractedFile& f : extracted) {
    const fs::path source = data / "examples" / (name + "." + f.target_language + ".html");
    Document translation = read_document(source.string());
    segment_document(translation, Segmenter(f.target_language));
    XliffDocument xliff = read_xliff(f.path);
    const std::size_t filled = fill_from_translation(xliff, translation);
    write_xliff(f.path, xliff);
    translated.push_back(f.path);
    report(trf("4. Translated {1}: {2} segments filled from {3}", shown(f.path, folder), filled,
               source.filename().string()));
  }

  // 5. Merge: editions beside each other, and the memory learns the article in context.
  MergeOptions merge_options;
  merge_options.output_dir = folder / "merged";
  merge_options.article = article;
  merge_options.allow_incomplete = true;
  merge_options.user = "dilmanc-demo";
  const MergeResult merged = merge(translated, merge_options, &memory);
  std::vector<EditionSource> sources;
  sources.push_back({kSource, read_document(article.string()), article});
  for (const MergedEdition& e : merged.editions) {
    report(trf("5. Merged {1} into {2}; {3} memory units added or refreshed", shown(e.xliff, folder),
               shown(e.edition, folder), e.memory_units));
    sources.push_back({e.target_language, read_document(e.edition.string()), e.edition});
  }
  for (const std::string& w : merged.warnings) report("   " + w);

  // 6. Three linked editions.
  EditionsOptions editions_options;
  editions_options.output_dir = folder / "site";
  editions_options.name = name;
  const EditionsResult editions = write_editions(sources, editions_options);
  std::string paths;
  for (const WrittenEdition& e : editions.editions) paths += (paths.empty() ? "" : ", ") + shown(e.path, folder);
  report(trf("6. Editions: {1}; index: {2}", paths, shown(editions.index, folder)));

  // 7. The updated memory at work.
  const MemoryStats stats = memory.stats();
  report(trf("7. The memory now holds {1} units", stats.units));
  FuzzyMatcher updated(memory);
  const std::string query = "V. Huseynov emphasized that contamination of the liberated territories with landmines "
                            "is one of the main challenges to the return process.";
  MatchOptions match;
  match.limit = 1;
  const auto matches = updated.find(query, kSource, "az", match);
  report(trf("8. Fuzzy query (en to az): {1}", query));
  if (matches.empty())
    report("   " + tr("no match"));
  else
    report("   " + trf("{1}%: {2}", matches.front().score, display_text(matches.front().target)));
  const std::string term = "Qlobal Forum";
  const auto hits = memory.concordance(term, "az", 100);
  report(trf("9. Concordance for \"{1}\" in az: {2} units", term, hits.size()));
  if (!hits.empty()) {
    const Variant* v = hits.front().unit.variant("az");
    if (v) report("   " + display_text(v->text));
  }
  report(trf("Open {1} in a browser.", (folder / "site" / "index.html").string()));
}

}  // namespace dilmanc

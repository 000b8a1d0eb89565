// dilmanc extract: articles to XLIFF for translators, one file per article and target
// language, with the memory's matches.
#include <filesystem>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "dilmanc/error.h"
#include "dilmanc/extract.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/messages.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc::cli {
namespace {

void declare(po::options_description& options, po::positional_options_description& positional) {
  options.add_options()("from", po::value<std::string>()->required()->value_name("L"),
                        tr("the language of the articles").c_str())(
      "to", po::value<std::string>()->required()->value_name("L1,L2"),
      tr("the languages to translate into, separated by commas").c_str())(
      "xliff", po::value<std::string>()->default_value("1.2")->value_name("1.2|2.1"),
      tr("the XLIFF version to write").c_str())(
      "min", po::value<int>()->default_value(75)->value_name("N"),
      tr("the lowest fuzzy match score to offer (1 to 100)").c_str())(
      "prefill", tr("fill empty targets with the best fuzzy match").c_str())(
      "copy-source", tr("fill targets left empty with a copy of the source (for OmegaT)").c_str())(
      "output,o", po::value<std::string>()->default_value(".")->value_name("DIR"),
      tr("the folder to write the XLIFF files to (made if missing)").c_str())(
      "articles", po::value<std::vector<std::string>>()->value_name("ARTICLE"), tr("the articles to extract").c_str());
  positional.add("articles", -1);
}

int run(const po::variables_map& vm, Context& ctx) {
  if (!vm.count("articles")) ThrowUsage(tr("no article to extract"));
  ExtractOptions options;
  options.target_languages = checked_language_list(vm["to"].as<std::string>());
  options.source_language = checked_language(vm["from"].as<std::string>());
  const std::string version = vm["xliff"].as<std::string>();
  if (version == "1.2") options.version = XliffVersion::k12;
  else if (version == "2.1" || version == "2") options.version = XliffVersion::k21;
  else ThrowUsage(trf("unknown XLIFF version '{1}' (use 1.2 or 2.1)", version));
  options.min_score = vm["min"].as<int>();
  if (options.min_score < 1 || options.min_score > 100)
    ThrowUsage(trf("the minimum score must be between 1 and 100, not {1}", options.min_score));
  options.prefill = vm.count("prefill") > 0;
  options.copy_source = vm.count("copy-source") > 0;
  options.output_dir = vm["output"].as<std::string>();
  options.tool_version = DILMANC_VERSION;

  // Without a memory file every segment is new; extract does not create one.
  std::unique_ptr<TranslationMemory> memory;
  std::unique_ptr<FuzzyMatcher> matcher;
  std::error_code ec;
  if (std::filesystem::exists(ctx.memory_path, ec)) {
    memory = std::make_unique<TranslationMemory>(ctx.memory_path);
    matcher = std::make_unique<FuzzyMatcher>(*memory);
  } else {
    ctx.err << "dilmanc: " << trf("no memory at '{1}': every segment is extracted as new", ctx.memory_path) << "\n";
  }

  const std::vector<ExtractedFile> files = extract(vm["articles"].as<std::vector<std::string>>(), options, matcher.get());
  for (const ExtractedFile& f : files) {
    const LeverageCounts& c = f.counts;
    ctx.out << f.path.string() << ": "
            << trf("segments: {1}; in context: {2}, exact: {3}, fuzzy: {4}, new: {5}; repetitions: {6}",
                   c.segments, c.in_context, c.exact, c.fuzzy, c.no_match, c.repetitions)
            << "\n";
  }
  return 0;
}

}  // namespace

DILMANC_COMMAND(extract, "extract", N_("--from L --to L1,L2 [--xliff 1.2|2.1] [--min N] [--prefill] [--copy-source] [-o DIR] ARTICLE..."),
                N_("write XLIFF files for translators, filled from the memory"), 50, declare, run);

}  // namespace dilmanc::cli

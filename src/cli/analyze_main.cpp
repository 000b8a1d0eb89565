// dilmanc analyze: what the articles cost to translate, per target language and match band.
#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "dilmanc/analysis.h"
#include "dilmanc/error.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc::cli {
namespace {

void declare(po::options_description& options, po::positional_options_description& positional) {
  options.add_options()("from", po::value<std::string>()->required()->value_name("L"),
                        tr("the language of the articles").c_str())(
      "to", po::value<std::string>()->required()->value_name("L1,L2"),
      tr("the languages to translate into, separated by commas").c_str())(
      "json", tr("print one JSON document").c_str())(
      "html", po::value<std::string>()->value_name("FILE"), tr("also write the report as an HTML page").c_str())(
      "weights", po::value<std::string>()->value_name("BAND=W,..."),
      tr("weights of the bands, e.g. 101=0,rep=0.1,100=0.1,95=0.3,85=0.6,75=0.8,50=1,new=1").c_str())(
      "article", po::value<std::vector<std::string>>()->value_name("ARTICLE"), tr("the articles to analyze").c_str());
  positional.add("article", -1);
}

int run(const po::variables_map& vm, Context& ctx) {
  if (!vm.count("article")) ThrowUsage(tr("no article to analyze"));
  AnalysisOptions options;
  options.source_language = checked_language(vm["from"].as<std::string>());
  options.target_languages = checked_language_list(vm["to"].as<std::string>());
  if (vm.count("weights")) options.weights = parse_weights(vm["weights"].as<std::string>());

  // Without a memory file everything is new; analyze does not create one.
  std::unique_ptr<TranslationMemory> memory;
  std::unique_ptr<FuzzyMatcher> matcher;
  std::error_code ec;
  if (std::filesystem::exists(ctx.memory_path, ec)) {
    MemoryOptions memory_options;
    memory_options.create_if_missing = false;
    memory = std::make_unique<TranslationMemory>(ctx.memory_path, memory_options);
    matcher = std::make_unique<FuzzyMatcher>(*memory);
  } else {
    ctx.err << "dilmanc: " << trf("no memory at '{1}': every segment counts as new", ctx.memory_path) << "\n";
  }

  const Analysis analysis = analyze(vm["article"].as<std::vector<std::string>>(), matcher.get(), options);
  if (vm.count("html")) write_analysis_html(analysis, vm["html"].as<std::string>(), ui_locale(), ui_language());
  if (vm.count("json"))
    ctx.out << analysis_json(analysis);
  else
    ctx.out << analysis_table(analysis, ui_locale());
  return 0;
}

}  // namespace

DILMANC_COMMAND(analyze, Command{"analyze", N_("ARTICLE... --from L --to L1,L2 [--json] [--html FILE] [--weights ...]"),
                                 N_("count words per match band: what the articles cost to translate"), 45, declare,
                                 run});

}  // namespace dilmanc::cli

// dilmanc export: the memory as TMX 1.4b.
#include <sstream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc::cli {
namespace {

void declare(po::options_description& options, po::positional_options_description&) {
  options.add_options()("output,o", po::value<std::string>()->required()->value_name("FILE"),
                        tr("the TMX file to write").c_str())(
      "langs", po::value<std::string>()->value_name("L1,L2,..."),
      tr("only these languages, in this order; two give a bilingual file (default: all)").c_str());
}

int run(const po::variables_map& vm, Context& ctx) {
  std::vector<std::string> languages;
  if (vm.count("langs")) {
    for (const std::string& lang : checked_language_list(vm["langs"].as<std::string>())) {
      for (const auto& l : languages)
        if (primary_language(l) == primary_language(lang)) ThrowUsage(trf("language '{1}' is given twice", lang));
      languages.push_back(lang);
    }
    if (languages.size() < 2) ThrowUsage(tr("--langs needs at least two languages"));
  }
  MemoryOptions options;
  options.create_if_missing = false;
  TranslationMemory memory(ctx.memory_path, options);
  const std::string output = vm["output"].as<std::string>();
  std::int64_t units = export_tmx(memory, output, languages);
  ctx.out << trf("{1}: {2} units written", output, units) << "\n";
  return 0;
}

}  // namespace

DILMANC_COMMAND(export_tmx, Command{"export", N_("-o FILE.tmx [--langs az,en,ru]"),
                                    N_("write the translation memory as TMX 1.4b"), 21, declare, run});

}  // namespace dilmanc::cli

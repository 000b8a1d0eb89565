// dilmanc import: TMX and finished XLIFF files into the memory, one transaction per file.
#include <iostream>
#include <string>
#include <vector>

#include "cli/command.h"
#include "dilmanc/messages.h"
#include "dilmanc/tmx.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc::cli {
namespace {

void declare(po::options_description& options, po::positional_options_description& positional) {
  options.add_options()("files", po::value<std::vector<std::string>>()->required()->value_name("FILE"),
                        tr("TMX or XLIFF files to import").c_str());
  positional.add("files", -1);
}

// A one-line bar on standard error, redrawn in place; only shown on a terminal.
void draw_progress(std::ostream& err, const std::string& file, std::int64_t done, std::int64_t total) {
  const int width = 30;
  const int percent = total > 0 ? static_cast<int>(std::min<std::int64_t>(100, done * 100 / total)) : 0;
  const int filled = percent * width / 100;
  err << "\r[" << std::string(static_cast<std::size_t>(filled), '#')
      << std::string(static_cast<std::size_t>(width - filled), ' ') << "] " << percent << "% " << file << std::flush;
}

int run(const po::variables_map& vm, Context& ctx) {
  TranslationMemory memory(ctx.memory_path);
  for (const auto& file : vm["files"].as<std::vector<std::string>>()) {
    ImportOptions options;
    if (ctx.err_is_terminal)
      options.progress = [&](std::int64_t done, std::int64_t total) { draw_progress(ctx.err, file, done, total); };
    ImportSummary s;
    try {
      s = import_file(memory, file, options);
    } catch (...) {
      if (ctx.err_is_terminal) ctx.err << "\n";
      throw;
    }
    if (ctx.err_is_terminal) ctx.err << "\r\x1b[K" << std::flush;
    ctx.out << trf("{1}: {2} units read, {3} added, {4} updated, {5} skipped", file, s.read, s.added, s.updated,
                   s.skipped)
            << "\n";
    for (const auto& skip : s.skips)
      ctx.out << "  " << trf("line {1}: unit skipped: {2}", skip.line, skip.reason) << "\n";
    for (const auto& note : s.notes) ctx.out << "  " << trf("line {1}: {2}", note.line, note.reason) << "\n";
  }
  return 0;
}

}  // namespace

DILMANC_COMMAND(import, Command{"import", N_("[options] FILE..."),
                                N_("add TMX or finished XLIFF files to the translation memory"), 20, declare, run});

}  // namespace dilmanc::cli

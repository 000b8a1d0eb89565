// dilmanc stats: what the memory holds.
#include <string>

#include "cli/command.h"
#include "dilmanc/messages.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc::cli {
namespace {

void declare(po::options_description& options, po::positional_options_description&) {
  options.add_options()("json", tr("print one JSON document").c_str());
}

template <class Map>
std::string json_counts(const Map& counts) {
  std::string out = "{";
  for (const auto& [key, value] : counts) {
    if (out.size() > 1) out += ", ";
    out += json_quote(key) + ": " + std::to_string(value);
  }
  return out + "}";
}

template <class Map>
std::string listed(const Map& counts) {
  std::string out;
  for (const auto& [key, value] : counts) {
    if (!out.empty()) out += ", ";
    out += key + " " + std::to_string(value);
  }
  return out.empty() ? "-" : out;
}

int run(const po::variables_map& vm, Context& ctx) {
  MemoryOptions options;
  options.create_if_missing = false;
  TranslationMemory memory(ctx.memory_path, options);
  MemoryStats st = memory.stats();
  if (vm.count("json")) {
    ctx.out << "{\"memory\": " << json_quote(ctx.memory_path) << ", \"units\": " << st.units
            << ", \"variants\": " << json_counts(st.variants_per_language)
            << ", \"language_pairs\": " << json_counts(st.language_pairs) << ", \"file_size\": " << st.file_size
            << ", \"last_change\": " << (st.last_change.empty() ? "null" : json_quote(st.last_change)) << "}\n";
    return 0;
  }
  ctx.out << trf("Memory: {1}", ctx.memory_path) << "\n"
          << trf("Units: {1}", st.units) << "\n"
          << trf("Variants per language: {1}", listed(st.variants_per_language)) << "\n"
          << trf("Language pairs: {1}", listed(st.language_pairs)) << "\n"
          << trf("File size: {1} bytes", st.file_size) << "\n"
          << trf("Last change: {1}", st.last_change.empty() ? std::string("-") : st.last_change) << "\n";
  return 0;
}

}  // namespace

DILMANC_COMMAND(stats, Command{"stats", N_("[--json]"), N_("show what the translation memory holds"), 40, declare, run});

}  // namespace dilmanc::cli

// dilmanc merge: translated XLIFF files back into their articles, as editions in the
// target language, and the translations into the memory.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/command.h"
#include "dilmanc/editions.h"
#include "dilmanc/error.h"
#include "dilmanc/extract.h"
#include "dilmanc/formats.h"
#include "dilmanc/merge.h"
#include "dilmanc/messages.h"
#include "dilmanc/translation_memory.h"
#include "dilmanc/xliff.h"

namespace dilmanc::cli {
namespace {

void declare(po::options_description& options, po::positional_options_description& positional) {
  options.add_options()("output,o", po::value<std::string>()->default_value(".")->value_name("DIR"),
                        tr("the folder to write the editions to (made if missing)").c_str())(
      "article", po::value<std::string>()->value_name("PATH"),
      tr("the article of the XLIFF files, instead of their 'original'").c_str())(
      "allow-incomplete", tr("keep the source where a unit has no usable target").c_str())(
      "no-memory-update", tr("do not add the translations to the memory").c_str())(
      "site", po::value<std::string>()->value_name("DIR"),
      tr("also write the article's linked editions as DIR/<lang>/<name>.html with DIR/index.html").c_str())(
      "force", tr("with --site, overwrite editions changed after the translations were made").c_str())(
      "xliff", po::value<std::vector<std::string>>()->value_name("FILE.xlf"), tr("the XLIFF files to merge").c_str());
  positional.add("xliff", -1);
}

int run(const po::variables_map& vm, Context& ctx) {
  if (!vm.count("xliff")) ThrowUsage(tr("no XLIFF file to merge"));
  MergeOptions options;
  options.output_dir = vm["output"].as<std::string>();
  if (vm.count("article")) options.article = std::filesystem::path(vm["article"].as<std::string>());
  options.allow_incomplete = vm.count("allow-incomplete") > 0;
  // Articles named by an XLIFF extracted with -o elsewhere ("../articles/a.html") may lie
  // in the working folder or the site's, as well as beside the XLIFF.
  options.article_folders.push_back(std::filesystem::current_path());
  if (vm.count("site")) options.article_folders.emplace_back(vm["site"].as<std::string>());
  std::vector<std::filesystem::path> files;
  for (const std::string& f : vm["xliff"].as<std::vector<std::string>>()) files.emplace_back(f);
  // The memory is opened only once merge has checked everything, and a memory file this
  // merge created goes again when the merge fails after all.
  std::unique_ptr<TranslationMemory> memory;
  bool created_memory = false;
  auto open_memory = [&]() -> TranslationMemory* {
    if (vm.count("no-memory-update")) return nullptr;
    std::error_code ec;
    created_memory = !std::filesystem::exists(ctx.memory_path, ec);
    memory = std::make_unique<TranslationMemory>(ctx.memory_path);
    return memory.get();
  };
  MergeResult result;
  try {
    result = merge(files, options, open_memory);
  } catch (...) {
    // Removed only while empty: another merge into the same new memory may have
    // committed meanwhile (a memory that cannot say is left alone).
    std::int64_t units = -1;
    if (created_memory && memory) {
      try {
        units = memory->stats().units;
      } catch (const Error&) {
      }
    }
    if (units == 0) {
      memory.reset();
      for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
        std::error_code ignored;
        std::filesystem::remove(ctx.memory_path + suffix, ignored);
      }
    }
    throw;
  }
  for (const std::string& w : result.warnings) ctx.err << "dilmanc: " << trf("warning: {1}", w) << "\n";
  for (const MergedEdition& e : result.editions) {
    ctx.out << e.edition.string() << ": ";
    if (!memory) {
      ctx.out << trf("{1} of {2} segments translated; the memory is not updated", e.translated, e.segments) << "\n";
      continue;
    }
    ctx.out << trf("{1} of {2} segments translated; {3} memory units, {4} left out", e.translated, e.segments,
                   e.memory_units, e.left_out.size())
            << "\n";
    // One line per reason, with the segments it applies to, in the article's order.
    std::vector<std::pair<std::string, std::string>> reasons;
    for (const MemoryExclusion& x : e.left_out) {
      auto it = std::find_if(reasons.begin(), reasons.end(), [&](const auto& r) { return r.first == x.reason; });
      if (it == reasons.end()) reasons.emplace_back(x.reason, x.id);
      else it->second += ", " + x.id;
    }
    for (const auto& [reason, ids] : reasons)
      ctx.out << "  " << trf("left out of the memory: {1}: {2}", ids, reason) << "\n";
  }
  if (vm.count("site")) {
    // Per article: the source and its merged editions, linked to each other.
    std::vector<std::filesystem::path> articles;
    for (const MergedEdition& e : result.editions)
      if (std::find(articles.begin(), articles.end(), e.article) == articles.end()) articles.push_back(e.article);
    for (const std::filesystem::path& article : articles) {
      std::vector<EditionSource> sources;
      std::string source_language;
      for (const MergedEdition& e : result.editions)
        if (e.article == article) {
          if (source_language.empty()) source_language = read_xliff(e.xliff).files.at(0).source_language;
          sources.push_back({e.target_language, read_document(e.edition.string()), e.edition});
        }
      sources.insert(sources.begin(), EditionSource{source_language, read_document(article.string()), article});
      EditionsOptions site;
      site.output_dir = vm["site"].as<std::string>();
      site.name = article_name(article, source_language);
      site.force = vm.count("force") > 0;
      const EditionsResult written = write_editions(sources, site);
      for (const WrittenEdition& w : written.editions) ctx.out << w.path.string() << "\n";
      ctx.out << written.index.string() << "\n";
    }
  }
  return 0;
}

}  // namespace

DILMANC_COMMAND(merge, "merge",
                N_("[-o DIR] [--article PATH] [--allow-incomplete] [--no-memory-update] FILE.xlf..."),
                N_("put translated XLIFF files back into their articles and the memory"), 55, declare, run);

}  // namespace dilmanc::cli

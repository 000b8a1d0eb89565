// dilmanc demo: the whole workflow on the bundled data, in a new folder.
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "dilmanc/demo.h"
#include "dilmanc/error.h"
#include "dilmanc/messages.h"

namespace dilmanc::cli {
namespace {

namespace fs = std::filesystem;

void declare(po::options_description& options, po::positional_options_description& positional) {
  options.add_options()("folder", po::value<std::string>()->value_name("DIR"),
                        tr("the new folder to work in (default: a fresh dilmanc-demo in the current folder)").c_str());
  positional.add("folder", 1);
}

// Installed data sits in <prefix>/share/dilmanc beside <prefix>/bin/dilmanc.
std::vector<fs::path> data_candidates() {
  std::vector<fs::path> out;
  if (const char* env = std::getenv("DILMANC_DATADIR")) out.emplace_back(env);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) out.push_back(exe.parent_path().parent_path() / "share" / "dilmanc");
  return out;
}

int run(const po::variables_map& vm, Context& ctx) {
  const auto data = find_demo_data(data_candidates());
  if (!data) ThrowIo(tr("the bundled memories/ and examples/ are not found (set DILMANC_DATADIR)"));
  std::optional<fs::path> requested;
  if (vm.count("folder")) requested = fs::path(vm["folder"].as<std::string>());
  DemoOptions options;
  options.data_dir = *data;
  options.folder = demo_folder(requested, fs::current_path());
  run_demo(options, [&ctx](const std::string& line) { ctx.out << line << "\n" << std::flush; });
  return 0;
}

}  // namespace

DILMANC_COMMAND(demo, Command{"demo", N_("[DIR]"),
                              N_("run the whole workflow on the bundled article: memory, analysis, XLIFF, editions"),
                              90, declare, run});

}  // namespace dilmanc::cli

// The demo: the whole press-office workflow on the bundled data, in a folder of its own.
// Imports memories/*.tmx into a new memory, analyzes the example article, extracts it
// (English) to XLIFF for az and ru, fills the targets from the bundled translations the way
// a translator's tool would, merges them (editions and memory update), writes the three
// linked editions, and ends with a fuzzy query and a concordance search on the updated
// memory. Each step reports one line through `report`, in the interface language.
//
// Thread-safety: no shared state. Everything is written under DemoOptions::folder.
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace dilmanc {

// The folder holding memories/press-office.tmx and examples/: the first of `candidates`
// that has them, then the source tree this program was built from. nullopt when none.
std::optional<std::filesystem::path> find_demo_data(const std::vector<std::filesystem::path>& candidates);

// A folder for the demo: `requested` when given (it must not exist or be empty), else a
// fresh "dilmanc-demo" (then "dilmanc-demo-2"...) in `cwd`. Throws Error(kUsage) when
// `requested` is a file or a folder that is not empty.
std::filesystem::path demo_folder(const std::optional<std::filesystem::path>& requested,
                                  const std::filesystem::path& cwd);

struct DemoOptions {
  std::filesystem::path data_dir;  // from find_demo_data
  std::filesystem::path folder;    // from demo_folder; created
};

// Runs the demo. Throws Error(kUsage) when `folder` is inside `data_dir` (the demo never
// writes into the source tree), and what the steps throw (Error(kIo), Error(kInput)).
void run_demo(const DemoOptions& options, const std::function<void(const std::string& line)>& report);

}  // namespace dilmanc

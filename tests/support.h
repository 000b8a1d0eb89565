// Helpers for the tests: temporary folders, the shared data folder, running the real
// command line, reading and writing files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dilmanc::test {

// True in the build with AddressSanitizer (-DDILMANC_SANITIZE=ON), where code runs several
// times slower: tests of size and growth give it smaller inputs (its job there is to find
// memory errors), and the release build runs them at full size.
#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kSanitizerBuild = true;
#else
inline constexpr bool kSanitizerBuild = false;
#endif

namespace fs = std::filesystem;

// The project's source tree (examples/, locales/, memories/).
fs::path source_dir();

// ../shared beside the source tree, when it exists. Tests that need it call
// SKIP_WITHOUT_SHARED() first, which prints "skipped: ../shared not found" and returns.
std::optional<fs::path> shared_dir();
#define SKIP_WITHOUT_SHARED()                              \
  do {                                                     \
    if (!::dilmanc::test::shared_dir()) {                  \
      MESSAGE("skipped: ../shared not found");             \
      return;                                              \
    }                                                      \
  } while (0)

// A fresh folder under the system's temporary folder, removed with everything in it.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

std::string read_file(const fs::path& path);
void write_file(const fs::path& path, std::string_view data);

// Takes a memory of the current schema (version 4) back to version 3, as a program of that
// version wrote it: tests of upgrades start from there, and go further back by hand.
void downgrade_to_version_3(const fs::path& memory);

// A TMX 1.4 file of `units` en/ru units: "<prefix> sentence number <i>." and its Russian.
std::string numbered_tmx(int units, const std::string& prefix);

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

// Runs the dilmanc executable with `args` (no shell involved), feeding `input` to its
// standard input, with the environment's locale variables replaced by `env` entries
// ("NAME=value"; LANG, LC_ALL and LC_MESSAGES are cleared unless given).
CliResult run_cli(const std::vector<std::string>& args, const std::string& input = "",
                  const std::vector<std::string>& env = {}, const fs::path& cwd = {});

}  // namespace dilmanc::test

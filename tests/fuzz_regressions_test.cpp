// Replays every kept fuzz input (tests/fuzz/regressions/<target>/) through the same entry
// functions the libFuzzer targets call: each must give a result or a dilmanc::Error, never
// another exception (a crash or a sanitizer report ends the test binary itself), and in
// bounded time: the fuzzers stop at a second under sanitizers; the replay allows ten
// seconds of CPU time, far above what any input takes (0.07 s at most in a release build),
// so that only a hang or a return of the slow paths these inputs found can fail it.
#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "fuzz/fuzz_entries.h"
#include "support.h"

namespace fs = std::filesystem;
using namespace dilmanc::test;

namespace {

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

constexpr double kMaxSecondsPerInput = 10;

}  // namespace

TEST_CASE("fuzz regression inputs give a result or a dilmanc::Error") {
  const fs::path root = source_dir() / "tests" / "fuzz" / "regressions";
  std::size_t replayed = 0;
  for (const auto& target : dilmanc::fuzz::targets()) {
    const fs::path folder = root / target.name;
    if (!fs::is_directory(folder)) continue;
    std::vector<fs::path> inputs;
    for (const auto& entry : fs::directory_iterator(folder))
      if (entry.is_regular_file()) inputs.push_back(entry.path());
    std::sort(inputs.begin(), inputs.end());
    for (const fs::path& input : inputs) {
      CAPTURE(input.string());
      const std::string data = read_file(input);
      std::string failure;
      const double start = cpu_seconds();
      try {
        target.run(data);
      } catch (const std::exception& e) {
        failure = e.what();
      }
      const double seconds = cpu_seconds() - start;
      CHECK_MESSAGE(failure.empty(), target.name, " input ", input.filename().string(), ": ", failure);
      CHECK_MESSAGE(seconds < kMaxSecondsPerInput, target.name, " input ", input.filename().string(), " took ",
                    seconds, " s of CPU time");
      ++replayed;
    }
  }
  MESSAGE("replayed " << replayed << " fuzz regression inputs");
  CHECK(replayed > 0);
}

TEST_CASE("every fuzz target has a regressions folder") {
  const fs::path root = source_dir() / "tests" / "fuzz" / "regressions";
  for (const auto& target : dilmanc::fuzz::targets()) {
    CAPTURE(target.name);
    CHECK(fs::is_directory(root / target.name));
  }
}

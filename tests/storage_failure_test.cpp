// The memory on storage that refuses writes (a read-only file, a read-only folder, a full
// disk): a clear error, and the memory exactly as it was.
#include <doctest/doctest.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <cerrno>
#include <cstring>

#include "child_process.h"

using namespace dilmanc;
using namespace dilmanc::test;

namespace {

constexpr uid_t kNobody = 65534;

// File permissions do not stop root. When the tests run as root, the command runs as the
// user "nobody" (65534) instead, for whom they do.
std::function<void()> as_unprivileged_user() {
  if (geteuid() != 0) return {};
  return [] {
    if (setgid(kNobody) != 0 || setuid(kNobody) != 0) _exit(125);
  };
}

// The memory with `units` committed units from base.tmx, and a file of 500 more to import.
void prepare(const TempDir& dir, const fs::path& memory, int units) {
  write_tmx(dir / "base.tmx", "base", units);
  write_tmx(dir / "more.tmx", "more", 500);
  REQUIRE(run_child({"import", "--memory", memory.string(), (dir / "base.tmx").string()}, dir / "log").exit_code == 0);
  fs::permissions(dir.path(), fs::perms::all);  // others may read the inputs
  fs::permissions(dir / "more.tmx", fs::perms::all);
}

void check_unchanged(const fs::path& memory, int units) {
  CHECK(integrity_check(memory) == "ok");
  auto counts = units_per_file(memory);
  CHECK(counts["base.tmx"] == units);
  CHECK(counts.count("more.tmx") == 0);
}

}  // namespace

TEST_CASE("a read-only memory file: import fails with a clear error, nothing lost") {
  TempDir dir;
  const fs::path memory = dir / "m.db";
  prepare(dir, memory, 50);
  fs::permissions(memory, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  if (geteuid() == 0) MESSAGE("running as root: the commands run as the user nobody, whom permissions stop");

  CliResult r = run_child({"import", "--memory", memory.string(), (dir / "more.tmx").string()}, dir / "log",
                          as_unprivileged_user());
  CHECK(r.exit_code == 1);
  CHECK_MESSAGE(r.err.starts_with("dilmanc: "), r.err);
  CHECK_MESSAGE(r.err.find(memory.string()) != std::string::npos, r.err);
  MESSAGE("read-only file: " << r.err);
  // Reading still works, or fails as clearly.
  r = run_child({"stats", "--memory", memory.string()}, dir / "log", as_unprivileged_user());
  CHECK((r.exit_code == 0 || (r.exit_code == 1 && r.err.starts_with("dilmanc: "))));
  fs::permissions(memory, fs::perms::owner_read | fs::perms::owner_write);
  check_unchanged(memory, 50);
}

TEST_CASE("a read-only memory file: merge fails with a clear error, no edition written, nothing lost") {
  TempDir dir;
  const fs::path memory = dir / "m.db";
  prepare(dir, memory, 50);
  const fs::path work = dir / "work";
  const fs::path out = dir / "editions";
  fs::create_directory(work);
  fs::create_directory(out);
  write_article(work / "news.en.txt", "news", 3);
  REQUIRE(run_child({"extract", "--memory", (dir / "none.db").string(), "--from", "en", "--to", "az", "-o",
                     work.string(), (work / "news.en.txt").string()},
                    dir / "log")
              .exit_code == 0);
  REQUIRE(translate_xliff(work / "news.az.xlf") == 31);
  // Everyone may read the article and its XLIFF and write the editions: only the memory
  // refuses.
  for (const fs::path& p : {work, out}) fs::permissions(p, fs::perms::all);
  for (const auto& entry : fs::directory_iterator(work)) fs::permissions(entry.path(), fs::perms::all);
  fs::permissions(memory, fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read);
  const std::string before = read_file(memory);

  CliResult r = run_child({"merge", "--memory", memory.string(), "-o", out.string(), (work / "news.az.xlf").string()},
                          dir / "log", as_unprivileged_user());
  CHECK(r.exit_code == 1);
  CHECK_MESSAGE(r.err.starts_with("dilmanc: "), r.err);
  CHECK_MESSAGE(r.err.find(memory.string()) != std::string::npos, r.err);
  MESSAGE("merge into a read-only file: " << r.err);
  // No edition, not even under a temporary name.
  CHECK(fs::is_empty(out));
  CHECK(read_file(memory) == before);
  fs::permissions(memory, fs::perms::owner_read | fs::perms::owner_write);
  check_unchanged(memory, 50);
  CHECK(variants_per_file(memory).count("news.az.xlf") == 0);
}

TEST_CASE("a memory in a read-only folder (no room for its journal): a clear error, nothing lost") {
  TempDir dir;
  fs::create_directory(dir / "ro");
  const fs::path memory = dir / "ro" / "m.db";
  prepare(dir, memory, 50);
  REQUIRE_FALSE(fs::exists(dir / "ro" / "m.db-wal"));
  fs::permissions(memory, fs::perms::all);
  fs::permissions(dir / "ro", fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read |
                                  fs::perms::group_exec | fs::perms::others_read | fs::perms::others_exec);
  CliResult r = run_child({"import", "--memory", memory.string(), (dir / "more.tmx").string()}, dir / "log",
                          as_unprivileged_user());
  CHECK(r.exit_code == 1);
  CHECK_MESSAGE(r.err.starts_with("dilmanc: "), r.err);
  MESSAGE("read-only folder: " << r.err);
  fs::permissions(dir / "ro", fs::perms::owner_all);
  check_unchanged(memory, 50);
}

namespace {

// A small tmpfs mounted for the test (root only), unmounted at the end.
class SmallDisk {
 public:
  SmallDisk(const fs::path& where, const char* size) : where_(where) {
    fs::create_directory(where);
    mounted_ = mount("tmpfs", where.c_str(), "tmpfs", 0, (std::string("size=") + size).c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) umount2(where_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

 private:
  fs::path where_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace

TEST_CASE("a full disk: import fails with a clear error, nothing lost") {
  TempDir dir;
  SmallDisk disk(dir / "disk", "1m");
  if (!disk.mounted()) {
    MESSAGE("skipped: a small disk needs mounting a tmpfs, which is not permitted here (" << disk.error() << ")");
    return;
  }
  const fs::path memory = dir / "disk" / "m.db";
  prepare(dir, memory, 50);
  write_tmx(dir / "big.tmx", "big", 20000);
  CliResult r = run_child({"import", "--memory", memory.string(), (dir / "big.tmx").string()}, dir / "log");
  CHECK(r.exit_code == 1);
  CHECK_MESSAGE(r.err.starts_with("dilmanc: "), r.err);
  MESSAGE("full disk: " << r.err);
  check_unchanged(memory, 50);
  CHECK(units_per_file(memory).count("big.tmx") == 0);
}

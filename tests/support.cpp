#include "support.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <random>
#include <stdexcept>

extern char** environ;

namespace dilmanc::test {

fs::path source_dir() { return fs::path(DILMANC_TEST_SOURCE_DIR); }

std::optional<fs::path> shared_dir() {
  fs::path p = source_dir().parent_path() / "shared";
  if (fs::is_directory(p)) return p;
  return std::nullopt;
}

TempDir::TempDir() {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    fs::path p = fs::temp_directory_path() / ("dilmanc-test-" + std::to_string(rd()));
    std::error_code ec;
    if (fs::create_directory(p, ec)) {
      path_ = p;
      return;
    }
  }
  throw std::runtime_error("cannot create a temporary folder");
}

TempDir::~TempDir() {
  std::error_code ec;
  // Tests may leave read-only files behind; make them removable first.
  for (auto it = fs::recursive_directory_iterator(path_, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec))
    fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(path_, ec);
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const fs::path& path, std::string_view data) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

void downgrade_to_version_3(const fs::path& memory) {
  sqlite3* db = nullptr;
  if (sqlite3_open(memory.c_str(), &db) != SQLITE_OK) throw std::runtime_error("cannot open " + memory.string());
  char* error = nullptr;
  const int rc = sqlite3_exec(db,
                              "DROP TRIGGER variants_hash_delete; DROP TABLE variant_hashes;"
                              "ALTER TABLE variants RENAME COLUMN segment_hash TO hash;"
                              "CREATE INDEX variants_by_hash ON variants(lang, hash); PRAGMA user_version = 3;",
                              nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  if (rc != SQLITE_OK) throw std::runtime_error("downgrade of " + memory.string() + ": " + message);
}

std::string numbered_tmx(int units, const std::string& prefix) {
  std::string out =
      "<?xml version=\"1.0\"?>\n<tmx version=\"1.4\"><header srclang=\"en\" creationtool=\"t\" "
      "creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"t\" adminlang=\"en\" datatype=\"plaintext\"/><body>\n";
  for (int i = 0; i < units; ++i)
    out += "<tu><tuv xml:lang=\"en\"><seg>" + prefix + " sentence number " + std::to_string(i) +
           ".</seg></tuv><tuv xml:lang=\"ru\"><seg>" + prefix + " предложение номер " + std::to_string(i) +
           ".</seg></tuv></tu>\n";
  return out + "</body></tmx>\n";
}

CliResult run_cli(const std::vector<std::string>& args, const std::string& input,
                  const std::vector<std::string>& env, const fs::path& cwd) {
  TempDir io;
  const fs::path in_path = io / "stdin", out_path = io / "stdout", err_path = io / "stderr";
  write_file(in_path, input);

  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    if (entry.rfind("LANG=", 0) == 0 || entry.rfind("LC_ALL=", 0) == 0 ||
        entry.rfind("LC_MESSAGES=", 0) == 0 || entry.rfind("LANGUAGE=", 0) == 0 ||
        entry.rfind("DILMANC_MEMORY=", 0) == 0)
      continue;
    env_strings.emplace_back(entry);
  }
  for (const auto& e : env) env_strings.push_back(e);
  std::vector<char*> envp;
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  std::string program = DILMANC_TEST_CLI;
  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, in_path.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 29))
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&actions, cwd.c_str());
#endif
  pid_t pid;
  int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start " + program + ": " + std::strerror(rc));
  int status = 0;
  waitpid(pid, &status, 0);

  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = read_file(out_path);
  result.err = read_file(err_path);
  return result;
}

}  // namespace dilmanc::test

// Running the dilmanc executable as a child process that a test can kill, run as another
// user or give resource limits; generating TMX files of distinct units, articles and their
// translated XLIFF; checking a memory file the way SQLite itself does. For the crash,
// concurrency and storage-failure tests.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "dilmanc/translation_memory.h"
#include "dilmanc/xliff.h"
#include "support.h"

extern char** environ;

namespace dilmanc::test {

// Starts `dilmanc args...` with standard output and error going to `log` and the
// interface in English. `in_child` runs in the child between fork and exec (only
// async-signal-safe calls: setuid, setrlimit, signal...). Returns the child's pid.
inline pid_t spawn_cli(const std::vector<std::string>& args, const fs::path& log,
                       const std::function<void()>& in_child = {}) {
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string_view v(*e);
    if (v.starts_with("LANG=") || v.starts_with("LC_") || v.starts_with("LANGUAGE=")) continue;
    env_strings.emplace_back(v);
  }
  std::vector<char*> env;
  for (auto& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::vector<std::string> argv_strings = {DILMANC_TEST_CLI};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string log_path = log.string();
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int out = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0666);
    int in = open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) _exit(126);
    dup2(in, 0);
    dup2(out, 1);
    dup2(out, 2);
    if (in_child) in_child();
    execve(argv[0], argv.data(), env.data());
    _exit(127);
  }
  return pid;
}

// The child's exit code, or minus the signal that ended it.
inline int wait_child(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return -1000;
  }
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  return -WTERMSIG(status);
}

// Runs the command to its end: exit code and what it printed.
inline CliResult run_child(const std::vector<std::string>& args, const fs::path& log,
                           const std::function<void()>& in_child = {}) {
  CliResult r;
  r.exit_code = wait_child(spawn_cli(args, log, in_child));
  r.err = read_file(log);
  return r;
}

// A TMX 1.4b file of `units` en/ru units whose sentences are unique to `tag`, so that the
// units of each file can be counted in a memory by their origin file.
inline void write_tmx(const fs::path& path, const std::string& tag, int units) {
  static const char* const kWords[] = {"refugees", "forum", "pledges", "Geneva", "ministry", "migration",
                                       "delegation", "support", "housing", "education"};
  std::string out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<tmx version=\"1.4\"><header creationtool=\"test\""
      " creationtoolversion=\"1\" segtype=\"sentence\" o-tmf=\"test\" adminlang=\"en\" srclang=\"en\""
      " datatype=\"plaintext\"/>\n<body>\n";
  for (int i = 0; i < units; ++i) {
    const std::string n = std::to_string(i);
    out += "<tu tuid=\"" + tag + "-" + n + "\"><tuv xml:lang=\"en\"><seg>Report " + tag + " item " + n +
           " on the " + kWords[i % 10] + " and the " + kWords[(i / 10) % 10] + ".</seg></tuv><tuv xml:lang=\"ru\">"
           "<seg>Доклад " + tag + " пункт " + n + " о работе " + std::to_string(i * 7 % 1000) +
           ".</seg></tuv></tu>\n";
  }
  out += "</body></tmx>\n";
  write_file(path, out);
}

// A plain-text article: a title and `paragraphs` paragraphs of ten sentences unique to `tag`.
// Returns the sentences in order.
inline std::vector<std::string> write_article(const fs::path& path, const std::string& tag, int paragraphs) {
  static const char* const kWords[] = {"refugees", "forum", "pledges", "Geneva", "ministry", "migration",
                                       "delegation", "support", "housing", "education"};
  std::vector<std::string> sentences = {"Report " + tag + " from the forum"};
  std::string out = sentences.front() + "\n";
  for (int p = 0; p < paragraphs; ++p) {
    out += "\n";
    for (int i = 0; i < 10; ++i) {
      const int n = p * 10 + i;
      if (i) out += " ";
      sentences.push_back("The " + std::string(kWords[n % 10]) + " of " + tag + " item " + std::to_string(n) +
                          " met the " + kWords[(n / 10) % 10] + " in Baku on day " + std::to_string(n % 28 + 1) + ".");
      out += sentences.back();
    }
    out += "\n";
  }
  write_file(path, out);
  return sentences;
}

// What a translator's tool leaves: every segment of the XLIFF file translated (each word
// marked with the target language, numbers kept), state "translated". Returns the number of
// segments translated.
inline int translate_xliff(const fs::path& path) {
  XliffDocument doc = read_xliff(path);
  int translated = 0;
  for (XliffFile& f : doc.files)
    for (XliffUnit& u : f.units)
      for (XliffSegment& s : u.segments) {
        if (s.ignorable) continue;
        s.has_target = true;
        s.target.codes = s.source.codes;
        s.target.text.clear();
        bool in_word = false;
        for (char c : s.source.text) {
          const bool letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
          if (letter && !in_word) s.target.text += f.target_language + "-";
          in_word = letter;
          s.target.text += c;
        }
        s.state = XliffState::kTranslated;
        ++translated;
      }
  write_xliff(path, doc);
  return translated;
}

// Units per origin file name (the file name without folders).
inline std::map<std::string, std::int64_t> units_per_file(const fs::path& memory_path) {
  MemoryOptions options;
  options.create_if_missing = false;
  TranslationMemory memory(memory_path.string(), options);
  std::map<std::string, std::int64_t> counts;
  memory.for_each_unit([&](const TranslationUnit& unit) {
    ++counts[fs::path(unit.origin_file).filename().string()];
    return true;
  });
  return counts;
}

// Variants per origin file name of their unit: a merge adds a language to a unit that
// already has the same source (docs/memory-format.md), so units alone do not show it.
inline std::map<std::string, std::int64_t> variants_per_file(const fs::path& memory_path) {
  MemoryOptions options;
  options.create_if_missing = false;
  TranslationMemory memory(memory_path.string(), options);
  std::map<std::string, std::int64_t> counts;
  memory.for_each_unit([&](const TranslationUnit& unit) {
    counts[fs::path(unit.origin_file).filename().string()] += static_cast<std::int64_t>(unit.variants.size());
    return true;
  });
  return counts;
}

// "ok", or what PRAGMA integrity_check reports, or the error opening the file.
inline std::string integrity_check(const fs::path& memory_path) {
  sqlite3* db = nullptr;
  std::string result;
  if (sqlite3_open_v2(memory_path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
    result = std::string("cannot open: ") + (db ? sqlite3_errmsg(db) : "?");
  } else {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s, nullptr) != SQLITE_OK) {
      result = std::string("cannot check: ") + sqlite3_errmsg(db);
    } else {
      while (sqlite3_step(s) == SQLITE_ROW) {
        if (!result.empty()) result += "; ";
        result += reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
      }
    }
    sqlite3_finalize(s);
  }
  sqlite3_close(db);
  return result;
}

}  // namespace dilmanc::test

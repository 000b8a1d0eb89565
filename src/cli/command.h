// The command line's subcommands. Each lives in its own src/cli/<name>_main.cpp and
// registers itself with DILMANC_COMMAND; main.cpp parses the common options, dispatches,
// and maps dilmanc::Error to messages and exit codes (0 done, 1 bad input, 2 wrong usage).
// Nothing here does real work: subcommands call the library and print its results.
#pragma once

#include <boost/program_options.hpp>
#include <iosfwd>
#include <string>
#include <vector>

#include "dilmanc/error.h"

namespace dilmanc::cli {

namespace po = boost::program_options;

// What a subcommand gets besides its options.
struct Context {
  std::ostream& out;
  std::ostream& err;
  std::istream& in;
  bool out_is_terminal = false;  // colors, highlighting and progress only then
  bool err_is_terminal = false;
  std::string memory_path;       // --memory, else $DILMANC_MEMORY, else "memory.db"
};

struct Command {
  const char* name;     // "segment"
  const char* usage;    // msgid (N_): the arguments after the name, e.g. "[options] [FILE|-]"
  const char* summary;  // msgid (N_): one line for `dilmanc --help`
  int order;            // position in `dilmanc --help`
  // Declares the command's own options and positional arguments. Translate descriptions
  // with tr(); --help, --ui-lang and --memory are added by main.
  void (*declare)(po::options_description& options, po::positional_options_description& positional);
  // Runs the command; returns the exit code. Throws dilmanc::Error for bad input or usage.
  int (*run)(const po::variables_map& vm, Context& ctx);
};

// Registers a command at static-initialization time; use once per *_main.cpp.
struct Registrar {
  explicit Registrar(const Command& command);
};
const std::vector<Command>& commands();

#define DILMANC_COMMAND(ident, ...) \
  static const ::dilmanc::cli::Registrar dilmanc_registrar_##ident{::dilmanc::cli::Command{__VA_ARGS__}}

// Helpers shared by subcommands.
// Reads FILE, or standard input for "-", whole; throws Error(kIo) naming the file.
std::string read_input(const std::string& path, Context& ctx);
// A language code given on the command line, returned as is; throws Error(kUsage) when
// the memory does not know it (known_language).
const std::string& checked_language(const std::string& lang);
// A comma-separated list of language codes ("az,ru"), empty items skipped, each checked.
std::vector<std::string> checked_language_list(const std::string& list);
// A text to look up, given as TEXT or read as a line of standard input (`where` then names
// "-" and the line): throws Error(kInput) at `where`, with the byte offset, unless it is valid
// UTF-8 without NUL bytes, the rule every reader applies to its input.
void check_text(std::string_view text, Error::Location where);
// Quotes a string as a JSON string literal (UTF-8 kept as is).
std::string json_quote(std::string_view text);

}  // namespace dilmanc::cli

// dilmanc's front end: picks the interface language, finds the subcommand, parses its
// options and turns errors into one-line messages and exit codes.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "cli/command.h"
#include "dilmanc/error.h"
#include "dilmanc/messages.h"

namespace dilmanc::cli {
namespace {

constexpr int kExitUsage = 2;

// --ui-lang must take effect before any message, including option errors, so it is read
// ahead of the real parse.
std::optional<std::string> find_ui_lang(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") break;
    if (args[i] == "--ui-lang" && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind("--ui-lang=", 0) == 0) return args[i].substr(10);
  }
  return std::nullopt;
}

const Command* find_command(const std::string& name) {
  for (const auto& c : commands())
    if (name == c.name) return &c;
  return nullptr;
}

// Levenshtein distance over bytes; command names are ASCII.
std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diag = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

const Command* closest_command(const std::string& name) {
  const Command* best = nullptr;
  std::size_t best_distance = 3;  // suggest only near misses
  for (const auto& c : commands()) {
    std::size_t d = edit_distance(name, c.name);
    if (d < best_distance) best_distance = d, best = &c;
  }
  return best;
}

void add_common_options(po::options_description& options) {
  options.add_options()
      ("help,h", tr("show this help and exit").c_str())
      ("ui-lang", po::value<std::string>()->value_name("az|en|ru"),
       tr("language of the interface (default: from LC_ALL, LC_MESSAGES, LANG)").c_str())
      ("memory", po::value<std::string>()->value_name("DB"),
       tr("the translation memory (default: $DILMANC_MEMORY, else memory.db)").c_str());
}

void print_general_help(std::ostream& out) {
  out << trf("Usage: {1}", "dilmanc [--ui-lang az|en|ru] COMMAND [options] [arguments]") << "\n\n"
      << tr("dilmanc keeps a translation memory and turns articles into XLIFF for translators "
            "and finished XLIFF into editions in Azerbaijani, English and Russian.")
      << "\n\n"
      << tr("Commands:") << "\n";
  for (const auto& c : commands()) {
    std::string name = c.name;
    name.resize(std::max<std::size_t>(name.size() + 2, 14), ' ');
    out << "  " << name << tr(c.summary) << "\n";
  }
  out << "\n"
      << tr("Run 'dilmanc help COMMAND' or 'dilmanc COMMAND --help' for a command's options.") << "\n"
      << tr("Exit status: 0 done, 1 bad input or data, 2 wrong usage.") << "\n";
}

void print_command_help(const Command& c, std::ostream& out) {
  po::options_description options(tr("Options"));
  po::positional_options_description positional;
  c.declare(options, positional);
  add_common_options(options);
  out << trf("Usage: {1}", std::string("dilmanc ") + c.name + " " + tr(c.usage)) << "\n"
      << tr(c.summary) << "\n\n"
      << options << "\n";
}

int usage_error(const std::string& message, const std::string& hint) {
  std::cerr << "dilmanc: " << message << "\n" << hint << "\n";
  return kExitUsage;
}

int run(const std::vector<std::string>& args) {
  try {
    set_ui_language(select_ui_language(find_ui_lang(args)));
  } catch (const Error&) {
    // Say so in the language the environment asks for.
    set_ui_language(select_ui_language(std::nullopt));
    return usage_error(trf("unknown interface language '{1}' (use az, en or ru)", *find_ui_lang(args)),
                       tr("Try 'dilmanc --help'."));
  }

  // Global options come before the command name.
  std::size_t i = 0;
  while (i < args.size() && args[i].rfind("-", 0) == 0) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      print_general_help(std::cout);
      return 0;
    }
    if (a == "--version") {
      std::cout << "dilmanc " << DILMANC_VERSION << "\n";
      return 0;
    }
    if (a == "--ui-lang") {
      i += 2;
      continue;
    }
    if (a.rfind("--ui-lang=", 0) == 0) {
      ++i;
      continue;
    }
    return usage_error(trf("unknown option '{1}'", a), tr("Try 'dilmanc --help'."));
  }
  if (i >= args.size()) {
    std::cerr << tr("dilmanc: no command given.") << "\n";
    print_general_help(std::cerr);
    return kExitUsage;
  }

  std::string name = args[i];
  std::vector<std::string> rest(args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
  if (name == "help") {
    if (rest.empty()) {
      print_general_help(std::cout);
      return 0;
    }
    name = rest[0];
    if (const Command* c = find_command(name)) {
      print_command_help(*c, std::cout);
      return 0;
    }
  }

  const Command* command = find_command(name);
  if (!command) {
    std::string hint;
    if (const Command* near = closest_command(name))
      hint = trf("Did you mean 'dilmanc {1}'? Try 'dilmanc --help'.", near->name);
    else
      hint = tr("Try 'dilmanc --help'.");
    return usage_error(trf("unknown command '{1}'", name), hint);
  }

  po::options_description options;
  po::positional_options_description positional;
  command->declare(options, positional);
  add_common_options(options);
  po::variables_map vm;
  const std::string command_hint = trf("Try 'dilmanc {1} --help'.", command->name);
  try {
    po::store(po::command_line_parser(rest).options(options).positional(positional).run(), vm);
    if (vm.count("help")) {
      print_command_help(*command, std::cout);
      return 0;
    }
    po::notify(vm);
  } catch (const po::unknown_option& e) {
    return usage_error(trf("{1}: unknown option '{2}'", command->name, e.get_option_name()), command_hint);
  } catch (const po::too_many_positional_options_error&) {
    return usage_error(trf("{1}: too many arguments", command->name), command_hint);
  } catch (const po::required_option& e) {
    return usage_error(trf("{1}: missing option '{2}'", command->name, e.get_option_name()), command_hint);
  } catch (const po::invalid_option_value& e) {
    return usage_error(trf("{1}: invalid value for option '{2}'", command->name, e.get_option_name()),
                       command_hint);
  } catch (const po::error& e) {
    return usage_error(trf("{1}: {2}", command->name, e.what()), command_hint);
  }

  Context ctx{std::cout, std::cerr, std::cin, false, false, {}};
  ctx.out_is_terminal = ::isatty(STDOUT_FILENO) == 1;
  ctx.err_is_terminal = ::isatty(STDERR_FILENO) == 1;
  if (vm.count("memory")) {
    ctx.memory_path = vm["memory"].as<std::string>();
  } else if (const char* env = std::getenv("DILMANC_MEMORY"); env && *env) {
    ctx.memory_path = env;
  } else {
    ctx.memory_path = "memory.db";
  }

  try {
    int code = command->run(vm, ctx);
    std::cout.flush();
    return code;
  } catch (const Error& e) {
    std::cout.flush();
    std::cerr << "dilmanc: " << e.what() << "\n";
    if (e.kind() == Error::Kind::kUsage) {
      std::cerr << command_hint << "\n";
      return kExitUsage;
    }
    return 1;
  } catch (const std::bad_alloc&) {
    std::cerr << "dilmanc: " << tr("out of memory") << "\n";
    return 1;
  } catch (const std::exception& e) {
    std::cerr << "dilmanc: " << trf("internal error: {1}", e.what()) << "\n";
    return 1;
  }
}

}  // namespace
}  // namespace dilmanc::cli

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  std::vector<std::string> args(argv + 1, argv + argc);
  return dilmanc::cli::run(args);
}

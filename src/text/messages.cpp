#include "dilmanc/messages.h"

#include <boost/locale/generator.hpp>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <unistd.h>

#include "dilmanc/error.h"
#include "dilmanc/text.h"

namespace dilmanc {
namespace {

struct UiState {
  std::string lang = "en";
  std::locale messages = std::locale::classic();  // the catalogs only: all tr() needs
  std::optional<std::locale> full;                 // with ICU's formatting, made on first use
  bool initialized = false;
};

UiState& state() {
  static UiState s;
  return s;
}

std::filesystem::path executable_dir() {
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  return ec ? std::filesystem::path() : exe.parent_path();
}

// The folders that may hold <lang>/LC_MESSAGES/dilmanc.mo, most specific first.
std::vector<std::string> catalog_dirs() {
  std::vector<std::string> dirs;
  if (const char* env = std::getenv("DILMANC_LOCALEDIR"); env && *env) dirs.emplace_back(env);
  if (auto dir = executable_dir(); !dir.empty()) {
    dirs.push_back((dir / "share" / "locale").string());         // the build tree (bin == build)
    dirs.push_back((dir / ".." / "share" / "locale").string());  // an installed prefix
  }
#ifdef DILMANC_INSTALL_LOCALEDIR
  dirs.emplace_back(DILMANC_INSTALL_LOCALEDIR);
#endif
  return dirs;
}

// "ru_RU.UTF-8" -> "ru"; "C", "POSIX" and empty give "".
std::string language_of_locale_name(const char* name) {
  if (!name || !*name) return "";
  std::string s(name);
  if (s == "C" || s == "POSIX" || s.rfind("C.", 0) == 0) return "";
  auto end = s.find_first_of("_.@-");
  return primary_language(s.substr(0, end));
}

bool have_language(const std::string& lang) {
  for (const auto& l : ui_languages())
    if (l == lang) return true;
  return false;
}

}  // namespace

const std::vector<std::string>& ui_languages() {
  static const std::vector<std::string> langs = {"az", "en", "ru"};
  return langs;
}

std::string select_ui_language(const std::optional<std::string>& requested) {
  if (requested) {
    std::string lang = primary_language(*requested);
    if (!have_language(lang))
      ThrowUsage(trf("unknown interface language '{1}' (use az, en or ru)", *requested));
    return lang;
  }
  // POSIX precedence: LC_ALL overrides LC_MESSAGES, which overrides LANG. The first one
  // that is set decides, even when it names a language we lack (then English).
  for (const char* var : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
    const char* value = std::getenv(var);
    if (!value || !*value) continue;
    std::string lang = language_of_locale_name(value);
    return have_language(lang) ? lang : "en";
  }
  return "en";
}

namespace {

std::locale generate_ui_locale(const std::string& lang, bool formatting) {
  boost::locale::generator gen;
  // ICU's date and number formatters cost a short command (one query) several
  // milliseconds to build: messages, which every command prints, do not need them.
  if (!formatting) gen.categories(boost::locale::message_facet | boost::locale::information_facet);
  for (const auto& dir : catalog_dirs()) gen.add_messages_path(dir);
  gen.add_messages_domain("dilmanc");
  const std::string name = lang == "az" ? "az_AZ.UTF-8" : lang == "ru" ? "ru_RU.UTF-8" : "en_US.UTF-8";
  return gen(name);
}

}  // namespace

void set_ui_language(const std::string& lang) {
  auto& s = state();
  s.messages = generate_ui_locale(lang, false);
  s.full.reset();
  s.lang = lang;
  s.initialized = true;
}

const std::string& ui_language() { return state().lang; }

const std::locale& ui_messages_locale() {
  auto& s = state();
  if (!s.initialized) set_ui_language("en");
  return s.messages;
}

const std::locale& ui_locale() {
  auto& s = state();
  if (!s.initialized) set_ui_language("en");
  static std::mutex making;  // readers on several threads may ask first at once
  std::lock_guard<std::mutex> lock(making);
  if (!s.full) s.full = generate_ui_locale(s.lang, true);
  return *s.full;
}

std::string tr(const char* msgid) { return boost::locale::translate(msgid).str(ui_messages_locale()); }

}  // namespace dilmanc

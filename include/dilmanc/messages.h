// The interface language. Every message a user can see (errors included) is written in
// English in the source, wrapped in tr()/trf(), and translated through Boost.Locale's
// gettext catalogs ("dilmanc" domain, compiled from locales/<lang>/*.po).
//
// The translation locale is process-wide state set once by the front end, before any
// message is produced; it is never installed as the global C++ locale, so number
// formatting in streams and parsers stays the classic one. Not thread-safe to change
// while other threads translate.
#pragma once

#include <boost/locale/format.hpp>
#include <boost/locale/message.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace dilmanc {

// The interface languages we ship catalogs for.
const std::vector<std::string>& ui_languages();

// Picks the interface language: `requested` (from --ui-lang) when given, else the first of
// LC_ALL, LC_MESSAGES, LANG that names a language we have; anything else means English.
// Returns the chosen language ("az", "en" or "ru"). Throws Error(kUsage) when `requested`
// names a language we do not have.
std::string select_ui_language(const std::optional<std::string>& requested);

// Installs the catalogs for `lang` ("az", "en", "ru"). Catalogs are looked for in
// $DILMANC_LOCALEDIR, next to the executable (../share/locale), the build tree and the
// install prefix; when none is found, messages stay in English.
void set_ui_language(const std::string& lang);
const std::string& ui_language();

// The locale carrying the catalogs, for Boost.Locale formatting of dates and numbers.
const std::locale& ui_locale();
// The catalogs alone (no formatting facets, cheaper to make): what tr() and trf() use.
const std::locale& ui_messages_locale();

// Translates a message. msgid must be a string literal so that xgettext finds it.
std::string tr(const char* msgid);

// Translates and formats with Boost.Locale's "{1}", "{2}"... placeholders.
template <class... Args>
std::string trf(const char* msgid, const Args&... args) {
  boost::locale::format fmt(boost::locale::translate(msgid));
  (fmt % ... % args);
  return fmt.str(ui_messages_locale());
}

// Marks a literal for extraction without translating it now (tables of static text).
#define N_(msgid) msgid

}  // namespace dilmanc

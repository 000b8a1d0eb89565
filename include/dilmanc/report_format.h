// Numbers, dates and HTML text in the reports and pages dilmanc writes (analysis, the
// editions' index), in the reader's language through Boost.Locale's ICU backend:
// 28 noyabr 2026 · 28 ноября 2026 · 28 November 2026; 12.345 · 12 345 · 12,345.
// Pure functions of their arguments; thread-safe.
#pragma once

#include <cstddef>
#include <ctime>
#include <locale>
#include <string>
#include <string_view>

namespace dilmanc {

// A locale for formatting in `lang` ("az", "en", "ru"; other tags by their primary
// language, unknown ones as English). Generated once per language and kept.
const std::locale& format_locale(std::string_view lang);

// The day `time` falls on in UTC, as the language writes it in running text: day, month
// name, year ("28 noyabr 2026", "28 ноября 2026", "28 November 2026").
std::string format_long_date(std::time_t time, const std::locale& locale);

// An integer with the language's digit grouping; a decimal with at most `decimals` digits
// after the language's decimal separator.
std::string format_count(std::size_t value, const std::locale& locale);
std::string format_decimal(double value, int decimals, const std::locale& locale);

// Text escaped for HTML element content and attribute values (& < > " ').
std::string html_escape(std::string_view text);

}  // namespace dilmanc

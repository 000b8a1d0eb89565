// Locale-aware formatting for reports and pages.
#include "dilmanc/report_format.h"

#include <boost/locale/format.hpp>
#include <boost/locale/formatting.hpp>
#include <boost/locale/generator.hpp>
#include <map>
#include <mutex>
#include <sstream>

#include "dilmanc/text.h"

namespace dilmanc {

const std::locale& format_locale(std::string_view lang) {
  static std::mutex mutex;
  static std::map<std::string, std::locale> cache;
  const std::string primary = primary_language(lang);
  const std::string name = primary == "az" ? "az_AZ.UTF-8" : primary == "ru" ? "ru_RU.UTF-8" : "en_US.UTF-8";
  std::lock_guard<std::mutex> lock(mutex);
  auto found = cache.find(name);
  if (found == cache.end()) {
    boost::locale::generator gen;
    found = cache.emplace(name, gen(name)).first;
  }
  return found->second;
}

std::string format_long_date(std::time_t time, const std::locale& locale) {
  std::ostringstream out;
  out.imbue(locale);
  // ICU's pattern "d MMMM y" with the genitive month names of az and ru (the formatting
  // context), which is what running text needs: "28 ноября", not "28 ноябрь".
  out << boost::locale::as::gmt << boost::locale::as::ftime("%e %B %Y") << time;
  return out.str();
}

std::string format_count(std::size_t value, const std::locale& locale) {
  std::ostringstream out;
  out.imbue(locale);
  out << boost::locale::as::number << static_cast<long long>(value);
  return out.str();
}

std::string format_decimal(double value, int decimals, const std::locale& locale) {
  std::ostringstream out;
  out.imbue(locale);
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << boost::locale::as::number << value;
  return out.str();
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace dilmanc

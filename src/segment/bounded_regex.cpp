#include "segment/bounded_regex.h"

#include <unicode/regex.h>

#include <algorithm>
#include <memory>

#include "dilmanc/text.h"

namespace dilmanc::segment_detail {

std::string bound_quantifiers(std::string_view p, int limit) {
  const std::string cap = std::to_string(limit);
  std::string out;
  out.reserve(p.size() + 16);
  int set_depth = 0;  // ICU sets nest: [\p{L}&&[^a]]
  std::size_t i = 0;
  while (i < p.size()) {
    char c = p[i];
    if (c == '\\') {
      if (i + 1 < p.size() && p[i + 1] == 'Q') {  // \Q...\E is literal text
        std::size_t end = p.find("\\E", i + 2);
        std::size_t stop = end == std::string_view::npos ? p.size() : end + 2;
        out.append(p.substr(i, stop - i));
        i = stop;
        continue;
      }
      out.append(p.substr(i, std::min<std::size_t>(2, p.size() - i)));
      i += 2;
      continue;
    }
    if (set_depth > 0) {
      if (c == '[') ++set_depth;
      if (c == ']') --set_depth;
      out += c;
      ++i;
      continue;
    }
    if (c == '[') {
      ++set_depth;
      out += c;
      ++i;
      // a ']' right after '[' or '[^' is a literal member
      if (i < p.size() && p[i] == '^') out += p[i++];
      if (i < p.size() && p[i] == ']') out += p[i++];
      continue;
    }
    bool quantified = false;
    if (c == '*') {
      out.append("{0,").append(cap).append("}");
      quantified = true;
      ++i;
    } else if (c == '+') {
      out.append("{1,").append(cap).append("}");
      quantified = true;
      ++i;
    } else if (c == '{') {
      std::size_t close = p.find('}', i);
      std::string_view inner = close == std::string_view::npos ? std::string_view{} : p.substr(i + 1, close - i - 1);
      if (inner.size() > 1 && inner.back() == ',' && inner.find_first_not_of("0123456789,") == std::string_view::npos) {
        int least = std::stoi(std::string(inner.substr(0, inner.size() - 1)));
        out += '{';
        out.append(inner);
        out += std::to_string(std::max(least, limit));
        out += '}';
        quantified = true;
        i = close + 1;
      } else {
        out += c;
        ++i;
      }
    } else {
      out += c;
      ++i;
    }
    // a lazy or possessive mark belongs to the quantifier just rewritten
    if (quantified && i < p.size() && (p[i] == '?' || p[i] == '+')) out += p[i++];
  }
  return out;
}

}  // namespace dilmanc::segment_detail

namespace dilmanc::segment_detail {

std::string first_required_item(std::string_view p) {
  if (p.empty()) return {};
  int depth = 0;
  int set_depth = 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\') {
      ++i;
      continue;
    }
    if (set_depth > 0) {
      if (c == '[') ++set_depth;
      if (c == ']') --set_depth;
      continue;
    }
    if (c == '[') ++set_depth;
    else if (c == '(') ++depth;
    else if (c == ')') --depth;
    else if (c == '|' && depth == 0) return {};
  }
  std::size_t end = 0;
  const char c = p[0];
  if (c == '\\') {
    if (p.size() < 2) return {};
    const char e = p[1];
    if (e == 'p' || e == 'P') {
      end = p.find('}', 2);
      if (end == std::string_view::npos) return {};
      ++end;
    } else if (std::string_view("sSdD").find(e) != std::string_view::npos ||
               std::string_view(".()[]{}?*+|^$\\-!\"'/,;:@#%&~<>=").find(e) != std::string_view::npos) {
      end = 2;
    } else {
      return {};  // \b, \z, \Q, \x, \u, back-references...
    }
  } else if (c == '[') {
    int nest = 0;
    for (std::size_t i = 0; i < p.size() && end == 0; ++i) {
      if (p[i] == '\\') {
        ++i;
        continue;
      }
      if (p[i] == '[') ++nest;
      if (p[i] == ']' && --nest == 0) end = i + 1;
    }
    if (end == 0) return {};
  } else if (std::string_view("()^$.|*+?{}").find(c) != std::string_view::npos) {
    return {};
  } else {
    end = 1;  // one literal character, UTF-8
    while (end < p.size() && (static_cast<unsigned char>(p[end]) & 0xC0) == 0x80) ++end;
  }
  if (end < p.size()) {
    const char q = p[end];
    if (q == '?' || q == '*') return {};
    if (q == '{' && end + 1 < p.size() && p[end + 1] == '0') return {};
  }
  return std::string(p.substr(0, end));
}

std::string item_as_set_pattern(std::string_view item) {
  if (item.empty()) return {};
  if (item == "\\s") return "[:White_Space:]";
  if (item == "\\S") return "[:^White_Space:]";
  if (item == "\\d") return "[:Nd:]";
  if (item == "\\D") return "[:^Nd:]";
  if (item[0] == '[') {
    // \w, \s and \d inside a set differ between the two syntaxes; leave such sets alone
    for (std::size_t i = 0; i + 1 < item.size(); ++i) {
      if (item[i] != '\\') continue;
      if (std::string_view("sSdDwWhHvVbBRX").find(item[i + 1]) != std::string_view::npos) return {};
      ++i;
    }
    return std::string(item);
  }
  std::string set = "[";
  set.append(item);
  set += ']';
  return set;
}

}  // namespace dilmanc::segment_detail

namespace dilmanc::segment_detail {

std::string adapt_for_icu(std::string_view pattern, int limit) {
  auto compiles = [](std::string_view p, UErrorCode& status) {
    UParseError where;
    std::unique_ptr<icu::RegexPattern> compiled(icu::RegexPattern::compile(to_unicode(p), where, status));
    return U_SUCCESS(status);
  };
  UErrorCode status = U_ZERO_ERROR;
  if (compiles(pattern, status) || status != U_REGEX_LOOK_BEHIND_LIMIT) return std::string(pattern);
  std::string bounded = bound_quantifiers(pattern, limit);
  status = U_ZERO_ERROR;
  return compiles(bounded, status) ? bounded : std::string(pattern);
}

}  // namespace dilmanc::segment_detail

#include "segment/bounded_regex.h"

#include <algorithm>

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

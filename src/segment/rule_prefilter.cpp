#include "segment/rule_prefilter.h"

#include <unicode/utf8.h>

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "dilmanc/text.h"

namespace dilmanc::segment_detail {
namespace {

using Set = std::unique_ptr<icu::UnicodeSet>;
constexpr std::size_t kNone = std::string_view::npos;

// What one item of a pattern contributes: nothing (an assertion, which consumes no text), a
// set of characters, or something not understood.
struct ItemSet {
  bool zero_width = false;
  Set set;  // null and not zero_width: unknown
};

Set last_char_set_of(std::string_view p);

// One past the end of the atom that starts at `i`, or kNone.
std::size_t atom_end(std::string_view p, std::size_t i) {
  const char c = p[i];
  if (c == '\\') {
    if (i + 1 >= p.size()) return kNone;
    const char e = p[i + 1];
    if (e == 'p' || e == 'P') {
      if (i + 2 < p.size() && p[i + 2] == '{') {
        std::size_t close = p.find('}', i + 3);
        return close == kNone ? kNone : close + 1;
      }
      return i + 3 <= p.size() ? i + 3 : kNone;
    }
    if (e >= '1' && e <= '9') {  // a back-reference: all its digits
      std::size_t end = i + 2;
      while (end < p.size() && p[end] >= '0' && p[end] <= '9') ++end;
      return end;
    }
    // Escapes of a letter that stand alone; any other (\uhhhh, \x{..}, \N{..}, \0ooo, \cX,
    // \k<name>) runs on, and its tail must not be read as text.
    const bool letter = (e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || e == '0';
    if (letter && std::string_view("bBAzZGsSdDwWhHvVRXtnrfea").find(e) == kNone) return kNone;
    std::size_t end = i + 2;
    while (end < p.size() && (static_cast<unsigned char>(p[end]) & 0xC0) == 0x80) ++end;
    return end;
  }
  if (c == '[' || c == '(') {
    int sets = 0;
    int groups = 0;
    for (std::size_t k = i; k < p.size(); ++k) {
      const char d = p[k];
      if (d == '\\') {
        ++k;
        continue;
      }
      if (sets > 0) {
        if (d == '[') ++sets;
        if (d == ']' && --sets == 0 && groups == 0) return k + 1;
        continue;
      }
      if (d == '[') {
        ++sets;
        // a ']' right after '[' or '[^' is a member
        if (k + 1 < p.size() && p[k + 1] == '^') ++k;
        if (k + 1 < p.size() && p[k + 1] == ']') ++k;
      } else if (d == '(') {
        ++groups;
      } else if (d == ')' && --groups == 0) {
        return k + 1;
      }
    }
    return kNone;
  }
  std::size_t end = i + 1;
  while (end < p.size() && (static_cast<unsigned char>(p[end]) & 0xC0) == 0x80) ++end;
  return end;
}

// Reads the quantifier at `i`, if any: advances `i` past it and returns its minimum.
int read_quantifier(std::string_view p, std::size_t& i) {
  if (i >= p.size()) return 1;
  int least = 1;
  const char q = p[i];
  if (q == '?' || q == '*') {
    least = 0;
    ++i;
  } else if (q == '+') {
    ++i;
  } else if (q == '{') {
    std::size_t close = p.find('}', i);
    if (close == kNone) return 1;
    least = 0;
    std::size_t k = i + 1;
    bool digits = false;
    for (; k < close && p[k] >= '0' && p[k] <= '9'; ++k) {
      least = least * 10 + (p[k] - '0');
      digits = true;
      if (least > 1000) least = 1000;
    }
    if (!digits) return 1;  // not a quantifier; the caller treats the rest as unknown text
    i = close + 1;
  } else {
    return 1;
  }
  if (i < p.size() && (p[i] == '?' || p[i] == '+')) ++i;  // lazy or possessive
  return least;
}

Set single(UChar32 c) { return std::make_unique<icu::UnicodeSet>(c, c); }

// Building a set from a property ("\p{Lu}") costs far more than copying one, and the
// same few properties recur in every rule file: built sets are kept, per pattern.
Set from_pattern(std::string_view pattern) {
  static std::mutex lock;
  static std::map<std::string, std::unique_ptr<icu::UnicodeSet>, std::less<>> built;
  std::lock_guard<std::mutex> hold(lock);
  auto it = built.find(pattern);
  if (it == built.end()) {
    UErrorCode status = U_ZERO_ERROR;
    // options 0: a space in the set is a member, as in a regular expression
    auto set = std::make_unique<icu::UnicodeSet>(to_unicode(pattern), 0u, nullptr, status);
    if (U_FAILURE(status)) set.reset();
    it = built.emplace(std::string(pattern), std::move(set)).first;
  }
  return it->second ? std::make_unique<icu::UnicodeSet>(*it->second) : nullptr;
}

ItemSet item_set(std::string_view atom) {
  ItemSet out;
  const char c = atom[0];
  if (c == '^' || c == '$') {
    out.zero_width = true;
    return out;
  }
  if (c == '.') return out;
  if (c == '\\') {
    const char e = atom[1];
    if (std::string_view("bBAzZG").find(e) != kNone) {
      out.zero_width = true;
    } else if (e == 'p' || e == 'P') {
      out.set = from_pattern(atom);
    } else if (e == 's') {
      out.set = from_pattern("[[:White_Space:][:Z:]]");
    } else if (e == 'd') {
      out.set = from_pattern("[:Nd:]");
    } else if (static_cast<unsigned char>(e) >= 0x80) {
      int32_t k = 1;
      UChar32 cp;
      U8_NEXT(reinterpret_cast<const uint8_t*>(atom.data()), k, static_cast<int32_t>(atom.size()), cp);
      if (cp >= 0) out.set = single(cp);
    } else if (!((e >= 'a' && e <= 'z') || (e >= 'A' && e <= 'Z') || (e >= '0' && e <= '9'))) {
      out.set = single(static_cast<unsigned char>(e));  // an escaped punctuation mark
    }
    return out;  // other escapes (\w, \x.., back-references): unknown
  }
  if (c == '[') {
    // \w, \s and \d inside a set read differently as a UnicodeSet
    for (std::size_t i = 0; i + 1 < atom.size(); ++i) {
      if (atom[i] != '\\') continue;
      if (std::string_view("sSdDwWhHvVbBRXxuUNQE0123456789").find(atom[i + 1]) != kNone) return out;
      ++i;
    }
    out.set = from_pattern(atom);
    return out;
  }
  if (c == '(') {
    std::string_view inner = atom.substr(1, atom.size() - 2);
    if (inner.rfind("?=", 0) == 0 || inner.rfind("?!", 0) == 0 || inner.rfind("?<=", 0) == 0 ||
        inner.rfind("?<!", 0) == 0) {
      out.zero_width = true;
      return out;
    }
    if (inner.rfind("?:", 0) == 0 || inner.rfind("?>", 0) == 0) {
      inner.remove_prefix(2);
    } else if (inner.rfind("?i:", 0) == 0) {
      inner.remove_prefix(3);  // the caller closes the whole set over case
    } else if (!inner.empty() && inner[0] == '?') {
      return out;  // named groups, other flags
    }
    out.set = last_char_set_of(inner);
    return out;
  }
  int32_t k = 0;
  UChar32 cp;
  U8_NEXT(reinterpret_cast<const uint8_t*>(atom.data()), k, static_cast<int32_t>(atom.size()), cp);
  if (cp >= 0 && std::string_view("|)]{}*+?").find(c) == kNone) out.set = single(cp);
  return out;
}

// The last-character set of a sequence without top-level alternation.
Set sequence_set(std::string_view p) {
  struct Item {
    std::string_view atom;
    int least;
  };
  std::vector<Item> items;
  for (std::size_t i = 0; i < p.size();) {
    std::size_t end = atom_end(p, i);
    if (end == kNone) return nullptr;
    Item item{p.substr(i, end - i), 1};
    i = end;
    item.least = read_quantifier(p, i);
    items.push_back(item);
  }
  auto result = std::make_unique<icu::UnicodeSet>();
  for (auto it = items.rbegin(); it != items.rend(); ++it) {
    ItemSet s = item_set(it->atom);
    if (s.zero_width) continue;
    if (!s.set) return nullptr;
    result->addAll(*s.set);
    if (it->least > 0) return result;
  }
  return nullptr;  // the sequence may match nothing
}

// The top-level alternatives of `p` ("a|b(c|d)" -> "a", "b(c|d)"), skipping escapes,
// sets and groups.
std::vector<std::string_view> top_level_alternatives(std::string_view p) {
  std::vector<std::string_view> alternatives;
  std::size_t begin = 0;
  int sets = 0;
  int groups = 0;
  for (std::size_t k = 0; k < p.size(); ++k) {
    const char d = p[k];
    if (d == '\\') {
      ++k;
      continue;
    }
    if (sets > 0) {
      if (d == '[') ++sets;
      if (d == ']') --sets;
      continue;
    }
    if (d == '[') {
      ++sets;
      if (k + 1 < p.size() && p[k + 1] == '^') ++k;
      if (k + 1 < p.size() && p[k + 1] == ']') ++k;
    } else if (d == '(') {
      ++groups;
    } else if (d == ')') {
      --groups;
    } else if (d == '|' && groups == 0) {
      alternatives.push_back(p.substr(begin, k - begin));
      begin = k + 1;
    }
  }
  alternatives.push_back(p.substr(begin));
  return alternatives;
}

// The union of `per_alternative` over the top-level alternatives, or null when any gives null.
Set union_over_alternatives(std::string_view p, Set (*per_alternative)(std::string_view)) {
  auto result = std::make_unique<icu::UnicodeSet>();
  for (std::string_view alternative : top_level_alternatives(p)) {
    Set s = per_alternative(alternative);
    if (!s) return nullptr;
    result->addAll(*s);
  }
  return result;
}

Set last_char_set_of(std::string_view p) { return union_over_alternatives(p, sequence_set); }

// A set of which every match of `p` holds at least one character: the smallest such set
// among the sequence's required items, or null.
Set required_set_of(std::string_view p);

Set required_sequence_set(std::string_view p) {
  Set best;
  for (std::size_t i = 0; i < p.size();) {
    std::size_t end = atom_end(p, i);
    if (end == kNone) return nullptr;
    std::string_view atom = p.substr(i, end - i);
    i = end;
    if (read_quantifier(p, i) == 0) continue;
    Set candidate;
    if (atom[0] == '(') {
      std::string_view inner = atom.substr(1, atom.size() - 2);
      if (inner.rfind("?:", 0) == 0 || inner.rfind("?>", 0) == 0) inner.remove_prefix(2);
      else if (inner.rfind("?i:", 0) == 0) inner.remove_prefix(3);
      else if (!inner.empty() && inner[0] == '?') continue;  // look-arounds consume nothing
      candidate = required_set_of(inner);
    } else {
      candidate = item_set(atom).set;
    }
    if (candidate && (!best || candidate->size() < best->size())) best = std::move(candidate);
  }
  return best;
}

Set required_set_of(std::string_view p) { return union_over_alternatives(p, required_sequence_set); }

// Inline flags: sets `case_insensitive` for (?i; false when the pattern has flags that
// change how it reads ((?x), (?s), or (?i) for the rest of the pattern) or \Q...\E quotes.
bool readable_flags(std::string_view pattern, bool& case_insensitive) {
  case_insensitive = false;
  if (pattern.find("\\Q") != kNone) return false;  // quoted text would be read as a pattern
  for (std::size_t k = pattern.find("(?"); k != kNone; k = pattern.find("(?", k + 1)) {
    if (k > 0 && pattern[k - 1] == '\\') continue;
    std::size_t f = k + 2;
    while (f < pattern.size() && ((pattern[f] >= 'a' && pattern[f] <= 'z') || pattern[f] == '-')) {
      if (pattern[f] == 'i') case_insensitive = true;
      else if (pattern[f] != '-') return false;
      ++f;
    }
    if (f > k + 2 && f < pattern.size() && pattern[f] == ')') return false;
  }
  return true;
}

}  // namespace

std::unique_ptr<icu::UnicodeSet> required_char_set(std::string_view pattern) {
  bool case_insensitive = false;
  if (!readable_flags(pattern, case_insensitive)) return nullptr;
  Set set = required_set_of(pattern);
  if (!set) return nullptr;
  if (case_insensitive) set->closeOver(USET_CASE_INSENSITIVE);
  set->freeze();
  return set;
}

std::unique_ptr<icu::UnicodeSet> last_char_set(std::string_view pattern) {
  bool case_insensitive = false;
  if (!readable_flags(pattern, case_insensitive)) return nullptr;
  Set set = last_char_set_of(pattern);
  if (!set) return nullptr;
  if (case_insensitive) set->closeOver(USET_CASE_INSENSITIVE);
  set->freeze();
  return set;
}

}  // namespace dilmanc::segment_detail

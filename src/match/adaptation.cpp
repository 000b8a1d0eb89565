// Adapting a memory translation to a query that differs from its source only in numbers
// and inline codes. Every doubt leaves the translation as it is.
#include <algorithm>
#include <map>
#include <optional>

#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/text.h"
#include "match/numbers.h"

namespace dilmanc {
namespace {

using match::Number;

struct Change {
  Number from;  // the memory source's number
  Number to;    // the query's
};

// Equal for two numbers exactly when Number::same_value holds.
std::string value_key(const Number& n) {
  std::string key = n.integer;
  key += '.';
  key.append(n.fraction, 0, n.fraction.find_last_not_of('0') + 1);
  return key;
}

struct Replacement {
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string text;
};

bool is_ordinal_suffix(std::string_view s, std::string_view lang) {
  if (lang == "en") return s == "st" || s == "nd" || s == "rd" || s == "th";
  if (lang == "az") return s == "ci" || s == "cı" || s == "cu" || s == "cü";
  return false;
}

std::size_t letters_end(std::string_view text, std::size_t pos) {
  // The letters of an Azerbaijani suffix: ASCII letters and the two-byte letters ı ü ö ə ş ç ğ.
  while (pos < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      if (!((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) break;
      ++pos;
    } else if ((c & 0xE0) == 0xC0 && pos + 1 < text.size()) {
      pos += 2;
    } else {
      break;
    }
  }
  return pos;
}

// The replacement of one number in the target, or nullopt when the words around it would
// no longer agree with the new number.
std::optional<Replacement> replace_number(std::string_view target, const match::NumberSpan& span,
                                          const Number& to, std::string_view lang) {
  Replacement r;
  r.begin = span.begin;
  r.end = span.end;
  r.text = match::format_number(to, lang, to.grouped || span.number.grouped);
  const std::string& suffix = span.number.suffix;
  if (!suffix.empty()) {
    if (is_ordinal_suffix(suffix, lang))
      r.text += match::ordinal_suffix(to.integer, lang);
    else if (lang == "az" && match::azerbaijani_harmony(span.number.integer) != match::azerbaijani_harmony(to.integer))
      return std::nullopt;
    else
      r.text += suffix;
  }
  // Azerbaijani writes suffixes after a hyphen: "2019-cu", "2019-da". Their vowels follow the number.
  if (lang == "az" && span.end < target.size() && target[span.end] == '-') {
    const std::size_t word_end = letters_end(target, span.end + 1);
    const std::string_view word = target.substr(span.end + 1, word_end - span.end - 1);
    if (!word.empty()) {
      if (is_ordinal_suffix(word, lang)) {
        r.end = word_end;
        r.text += '-';
        r.text += match::ordinal_suffix(to.integer, lang);
      } else if (match::azerbaijani_harmony(span.number.integer) != match::azerbaijani_harmony(to.integer)) {
        return std::nullopt;
      }
    }
  }
  return r;
}

// The query's numbers that differ from the source's, or nullopt when the two differ in
// anything but numbers and codes, or a changed number cannot be told apart.
std::optional<std::vector<Change>> number_changes(const MatchText& query, const MatchText& source) {
  if (query.tokens.size() != source.tokens.size()) return std::nullopt;
  std::vector<Change> changes;
  std::vector<Number> source_numbers;
  auto text_of = [](const MatchText& m, std::size_t i) {
    return std::string_view(m.text.text).substr(m.tokens[i].begin, m.tokens[i].end - m.tokens[i].begin);
  };
  // Azerbaijani writes an ordinal as "2-ci": the suffix after the hyphen goes with the number.
  auto hyphen_ordinal = [&](const MatchText& m, std::size_t i) {
    return i + 2 < m.tokens.size() && m.tokens[i].kind == TokenKind::kNumber && text_of(m, i + 1) == "-" &&
           !m.tokens[i + 2].space_before && !m.tokens[i + 1].space_before &&
           is_ordinal_suffix(text_of(m, i + 2), m.lang);
  };
  std::size_t ordinal_word = static_cast<std::size_t>(-1);
  for (std::size_t i = 0; i < query.tokens.size(); ++i) {
    const MatchToken& q = query.tokens[i];
    const MatchToken& s = source.tokens[i];
    if (q.kind != s.kind) return std::nullopt;
    if (q.kind == TokenKind::kCode || i == ordinal_word) continue;
    if (q.kind != TokenKind::kNumber) {
      if (q.base != s.base) return std::nullopt;
      continue;
    }
    if (hyphen_ordinal(query, i) && hyphen_ordinal(source, i)) ordinal_word = i + 2;
    auto sn = match::parse_number(std::string_view(source.text.text).substr(s.begin, s.end - s.begin), source.lang);
    if (!sn) {
      if (q.exact != s.exact) return std::nullopt;
      continue;
    }
    source_numbers.push_back(*sn);
    if (q.exact == s.exact) {
      changes.push_back({*sn, *sn});
      continue;
    }
    auto qn = match::parse_number(std::string_view(query.text.text).substr(q.begin, q.end - q.begin), query.lang);
    if (!qn) return std::nullopt;
    // A changed suffix ("2nd" → "3rd") is fine only where it is the ordinal agreeing with the number.
    if (sn->suffix != qn->suffix && !(is_ordinal_suffix(sn->suffix, source.lang) && is_ordinal_suffix(qn->suffix, query.lang)))
      return std::nullopt;
    changes.push_back({*sn, *qn});
  }
  // Every occurrence of a source value must change the same way: each value's first change
  // kept by its key, so that a segment of many numbers stays linear.
  std::vector<Change> real;
  std::map<std::string, std::size_t> first_change;
  for (std::size_t i = 0; i < changes.size(); ++i) {
    const Change& c = changes[i];
    const auto [it, first] = first_change.emplace(value_key(c.from), i);
    if (!first) {
      if (!changes[it->second].to.same_value(c.to)) return std::nullopt;
      continue;
    }
    if (!c.from.same_value(c.to)) real.push_back(c);
  }
  return real;
}

}  // namespace

Adaptation adapt_translation(const MatchText& query, const MatchText& source, const InlineText& target,
                             std::string_view target_lang) {
  Adaptation out;
  out.target = target;
  const std::string lang = primary_language(target_lang);
  auto changes = number_changes(query, source);
  if (!changes) return out;

  std::vector<Replacement> replacements;
  if (!changes->empty()) {
    const auto spans = match::find_numbers(target.text, lang);
    // The source's numbers counted and the target's grouped by value, once for all changes.
    std::map<std::string, std::size_t> in_source;
    for (const auto& t : source.tokens) {
      if (t.kind != TokenKind::kNumber) continue;
      auto n = match::parse_number(std::string_view(source.text.text).substr(t.begin, t.end - t.begin), source.lang);
      if (n) ++in_source[value_key(*n)];
    }
    std::map<std::string, std::vector<const match::NumberSpan*>> in_target;
    for (const auto& span : spans) in_target[value_key(span.number)].push_back(&span);
    for (const Change& c : *changes) {
      const std::string key = value_key(c.from);
      const auto counted = in_source.find(key);
      const auto listed = in_target.find(key);
      if (listed == in_target.end() || counted == in_source.end() || listed->second.size() != counted->second) return out;
      const std::vector<const match::NumberSpan*>& found = listed->second;
      for (const auto* span : found) {
        auto r = replace_number(target.text, *span, c.to, lang);
        if (!r) return out;
        replacements.push_back(*r);
      }
    }
  }

  // Codes: the k-th code of the source becomes the k-th code of the query.
  std::vector<std::pair<const InlineCode*, const InlineCode*>> code_map;
  for (std::size_t i = 0; i < query.tokens.size(); ++i) {
    const MatchToken& q = query.tokens[i];
    const MatchToken& s = source.tokens[i];
    if (q.kind != TokenKind::kCode || q.code < 0 || s.code < 0) continue;
    if (static_cast<std::size_t>(q.code) >= query.text.codes.size() ||
        static_cast<std::size_t>(s.code) >= source.text.codes.size())
      return out;
    const InlineCode& qc = query.text.codes[static_cast<std::size_t>(q.code)];
    const InlineCode& sc = source.text.codes[static_cast<std::size_t>(s.code)];
    if (qc.kind != sc.kind) return out;
    code_map.emplace_back(&sc, &qc);
  }
  // Each source code's first place in the map, by kind and id: a look-up per target code
  // keeps a segment with 100,000 codes linear.
  std::map<std::pair<int, int>, const InlineCode*> first_mapped;
  for (const auto& [from, to] : code_map) first_mapped.emplace(std::pair{static_cast<int>(from->kind), from->id}, to);
  bool codes_changed = false;
  std::vector<InlineCode> codes = target.codes;
  for (auto& code : codes) {
    const auto it = first_mapped.find({static_cast<int>(code.kind), code.id});
    if (it == first_mapped.end()) continue;
    if (!(code == *it->second)) codes_changed = true;
    code = *it->second;
  }

  if (replacements.empty() && !codes_changed) return out;
  std::sort(replacements.begin(), replacements.end(),
            [](const Replacement& a, const Replacement& b) { return a.begin < b.begin; });
  std::string text;
  std::size_t pos = 0;
  for (const auto& r : replacements) {
    if (r.begin < pos) return Adaptation{target, false};  // overlapping: cannot be told apart
    text.append(target.text, pos, r.begin - pos);
    text += r.text;
    pos = r.end;
  }
  text.append(target.text, pos, std::string::npos);
  out.target.text = std::move(text);
  out.target.codes = std::move(codes);
  out.adapted = true;
  return out;
}

}  // namespace dilmanc

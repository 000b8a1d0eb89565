// Preparing a sentence for matching: NFC, tokens, and each token's keys.
#include <string>

#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/text.h"
#include "match/token_hash.h"

namespace dilmanc {
namespace {

bool is_ascii(std::string_view s) {
  for (unsigned char c : s)
    if (c >= 0x80) return false;
  return true;
}

// Russian ё is written as е in most texts; for matching they are one letter.
std::string russian_yo_as_ye(std::string_view s) {
  std::string out(s);
  for (std::size_t i = 0; i + 1 < out.size(); ++i) {
    if (out[i] == '\xD1' && out[i + 1] == '\x91') out.replace(i, 2, "\xD0\xB5");        // ё -> е
    else if (out[i] == '\xD0' && out[i + 1] == '\x81') out.replace(i, 2, "\xD0\x95");   // Ё -> Е
  }
  return out;
}

void set_keys(MatchToken& t, std::string_view token, const std::string& lang, bool turkic, bool russian) {
  if (is_ascii(token)) {
    t.exact = match::hash_key(token);
    std::string folded(token);
    bool dotless = false;
    for (auto& ch : folded) {
      if (turkic && ch == 'I') dotless = true;
      if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
    }
    if (dotless) folded = fold_case(token, lang);  // Turkic I folds to ı, outside ASCII
    t.cased = match::hash_key(folded);
    t.base = dotless ? match::hash_key(search_key(token, lang)) : t.cased;
    return;
  }
  std::string exact = russian ? russian_yo_as_ye(token) : std::string(token);
  t.exact = match::hash_key(exact);
  std::string folded = fold_case(exact, lang);
  t.cased = match::hash_key(folded);
  t.base = match::hash_key(search_key(exact, lang));
}

}  // namespace

int MatchText::content_length() const {
  int n = 0;
  for (const auto& t : tokens) n += is_content(t.kind) ? 1 : 0;
  return n;
}

std::vector<std::uint64_t> MatchText::content_keys() const {
  std::vector<std::uint64_t> keys;
  keys.reserve(tokens.size());
  for (const auto& t : tokens)
    if (is_content(t.kind)) keys.push_back(t.base);
  return keys;
}

MatchText prepare_for_matching(const InlineText& text, std::string_view lang) {
  MatchText m;
  m.lang = primary_language(lang);
  m.text.text = to_nfc(text.text);
  m.text.codes = text.codes;
  const bool turkic = m.lang == "az" || m.lang == "tr";
  const bool russian = m.lang == "ru";
  bool space = false;
  // Tokens that need ICU to fold are folded together, joined by U+001F (which folding
  // leaves alone and no token contains): one ICU call per text instead of two per token.
  std::vector<std::size_t> batched;
  std::string joined;
  for (const Token& token : tokenize(m.text.text)) {
    if (token.kind == TokenKind::kSpace) {
      space = !m.tokens.empty();
      continue;
    }
    MatchToken t;
    t.kind = token.kind;
    t.begin = token.begin;
    t.end = token.end;
    t.code = token.code;
    t.space_before = space;
    space = false;
    const std::string_view piece = token.in(m.text.text);
    if (token.kind == TokenKind::kCode) {
      std::string key = "\x01";
      key += piece;
      if (token.code >= 0 && static_cast<std::size_t>(token.code) < m.text.codes.size())
        key += m.text.codes[static_cast<std::size_t>(token.code)].name;
      t.exact = t.cased = t.base = match::hash_key(key);
    } else if (is_ascii(piece) && !(turkic && piece.find('I') != std::string_view::npos)) {
      set_keys(t, piece, m.lang, turkic, russian);
    } else {
      std::string exact = russian ? russian_yo_as_ye(piece) : std::string(piece);
      t.exact = match::hash_key(exact);
      if (!joined.empty()) joined += '\x1f';
      joined += exact;
      batched.push_back(m.tokens.size());
    }
    m.tokens.push_back(t);
  }
  if (batched.empty()) return m;
  auto split = [](const std::string& s) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
      std::size_t at = s.find('\x1f', start);
      parts.push_back(std::string_view(s).substr(start, at == std::string::npos ? std::string::npos : at - start));
      if (at == std::string::npos) break;
      start = at + 1;
    }
    return parts;
  };
  const std::string folded = fold_case(joined, m.lang);
  const std::string keys = search_key(joined, m.lang);
  auto folded_parts = split(folded);
  auto key_parts = split(keys);
  if (folded_parts.size() == batched.size() && key_parts.size() == batched.size()) {
    for (std::size_t i = 0; i < batched.size(); ++i) {
      m.tokens[batched[i]].cased = match::hash_key(folded_parts[i]);
      m.tokens[batched[i]].base = match::hash_key(key_parts[i]);
    }
  } else {
    // Folding changed the separators (it never should): fold token by token.
    for (std::size_t i : batched) {
      MatchToken& t = m.tokens[i];
      set_keys(t, std::string_view(m.text.text).substr(t.begin, t.end - t.begin), m.lang, turkic, russian);
    }
  }
  return m;
}

MatchText prepare_for_matching(std::string_view plain_text, std::string_view lang) {
  InlineText t;
  t.text = std::string(plain_text);
  return prepare_for_matching(t, lang);
}

}  // namespace dilmanc

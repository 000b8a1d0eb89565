// Preparing a sentence for matching: NFC, tokens, and each token's keys.
#include <string>

#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/text.h"
#include "match/index_keys.h"
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

std::vector<std::string_view> split_folded(const std::string& s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  for (;;) {
    std::size_t at = s.find('\x1f', start);
    parts.push_back(std::string_view(s).substr(start, at == std::string::npos ? std::string::npos : at - start));
    if (at == std::string::npos) break;
    start = at + 1;
  }
  return parts;
}

// Folds pieces that need ICU together, joined by U+001F (which folding leaves alone and no
// token contains): one ICU call per text instead of one per token. Should folding ever
// change the separators, each piece is folded alone. `cased` may be null.
void fold_pieces(const std::vector<std::string>& pieces, const std::string& lang, std::vector<std::uint64_t>* cased,
                 std::vector<std::uint64_t>& base) {
  base.assign(pieces.size(), 0);
  if (pieces.empty()) return;
  std::string joined;
  for (const auto& p : pieces) {
    if (!joined.empty()) joined += '\x1f';
    joined += p;
  }
  const std::string keys = search_key(joined, lang);
  auto key_parts = split_folded(keys);
  for (std::size_t i = 0; i < pieces.size(); ++i)
    base[i] = match::hash_key(key_parts.size() == pieces.size() ? std::string(key_parts[i]) : search_key(pieces[i], lang));
  if (!cased) return;
  cased->assign(pieces.size(), 0);
  const std::string folded = fold_case(joined, lang);
  auto folded_parts = split_folded(folded);
  for (std::size_t i = 0; i < pieces.size(); ++i)
    (*cased)[i] = match::hash_key(folded_parts.size() == pieces.size() ? std::string(folded_parts[i])
                                                                       : fold_case(pieces[i], lang));
}

// A token ASCII folding handles: lower case, except a Turkic capital I (which folds to ı).
bool ascii_foldable(std::string_view piece, bool turkic) {
  return is_ascii(piece) && !(turkic && piece.find('I') != std::string_view::npos);
}

std::string ascii_lower(std::string_view piece) {
  std::string folded(piece);
  for (auto& ch : folded)
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch + 32);
  return folded;
}

}  // namespace

std::vector<std::uint64_t> content_base_keys(std::string_view marker_text, std::string_view lang) {
  const std::string primary = primary_language(lang);
  const bool turkic = primary == "az" || primary == "tr";
  const bool russian = primary == "ru";
  const std::string text = to_nfc(marker_text);
  std::vector<std::uint64_t> keys;
  std::vector<std::size_t> batched;
  std::vector<std::string> pieces;
  for (const Token& token : tokenize(text)) {
    if (!is_content(token.kind)) continue;
    const std::string_view piece = token.in(text);
    if (ascii_foldable(piece, turkic)) {
      keys.push_back(match::hash_key(ascii_lower(piece)));
    } else {
      batched.push_back(keys.size());
      keys.push_back(0);
      pieces.push_back(russian ? russian_yo_as_ye(piece) : std::string(piece));
    }
  }
  std::vector<std::uint64_t> base;
  fold_pieces(pieces, primary, nullptr, base);
  for (std::size_t i = 0; i < batched.size(); ++i) keys[batched[i]] = base[i];
  return keys;
}

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
  // Words and numbers that need ICU are folded as one batch (content_base_keys folds the
  // same batch, so the index and the matcher agree on every key), other tokens as another.
  std::vector<std::size_t> batched[2];
  std::vector<std::string> pieces[2];
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
    } else if (ascii_foldable(piece, turkic)) {
      t.exact = match::hash_key(piece);
      t.cased = t.base = match::hash_key(ascii_lower(piece));
    } else {
      std::string exact = russian ? russian_yo_as_ye(piece) : std::string(piece);
      t.exact = match::hash_key(exact);
      const int batch = is_content(token.kind) ? 0 : 1;
      batched[batch].push_back(m.tokens.size());
      pieces[batch].push_back(std::move(exact));
    }
    m.tokens.push_back(t);
  }
  for (int batch = 0; batch < 2; ++batch) {
    std::vector<std::uint64_t> cased, base;
    fold_pieces(pieces[batch], m.lang, &cased, base);
    for (std::size_t i = 0; i < batched[batch].size(); ++i) {
      m.tokens[batched[batch][i]].cased = cased[i];
      m.tokens[batched[batch][i]].base = base[i];
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

#include "dilmanc/tokenizer.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "dilmanc/inline_text.h"

using dilmanc::TokenKind;

namespace {

struct Piece {
  TokenKind kind;
  std::string text;
  bool operator==(const Piece&) const = default;
};

std::vector<Piece> pieces(std::string_view text, bool keep_spaces = false) {
  std::vector<Piece> out;
  for (const auto& t : dilmanc::tokenize(text))
    if (keep_spaces || t.kind != TokenKind::kSpace) out.push_back({t.kind, std::string(t.in(text))});
  return out;
}

const char* kind_name(TokenKind k) {
  switch (k) {
    case TokenKind::kWord: return "word";
    case TokenKind::kNumber: return "number";
    case TokenKind::kPunctuation: return "punct";
    case TokenKind::kCode: return "code";
    case TokenKind::kSpace: return "space";
  }
  return "?";
}

std::string show(const std::vector<Piece>& ps) {
  std::string s;
  for (const auto& p : ps) s += std::string(kind_name(p.kind)) + "[" + p.text + "] ";
  return s;
}

}  // namespace

TEST_CASE("tokenizer: words, numbers, punctuation and spaces cover the text") {
  const std::string text = "  Hello, world!  It's 2019.\n";
  auto tokens = dilmanc::tokenize(text);
  std::size_t pos = 0;
  for (const auto& t : tokens) {
    CHECK(t.begin == pos);
    CHECK(t.end > t.begin);
    pos = t.end;
  }
  CHECK(pos == text.size());
  auto ps = pieces(text);
  INFO(show(ps));
  CHECK(ps == std::vector<Piece>{{TokenKind::kWord, "Hello"}, {TokenKind::kPunctuation, ","},
                                 {TokenKind::kWord, "world"}, {TokenKind::kPunctuation, "!"},
                                 {TokenKind::kWord, "It's"}, {TokenKind::kNumber, "2019"},
                                 {TokenKind::kPunctuation, "."}});
}

TEST_CASE("tokenizer: numbers keep their group and decimal separators and glued suffixes") {
  auto ps = pieces("250,000 and 250\u00A0000 or 3,5 vs 3.5, the 2nd and 10th; 5km");
  INFO(show(ps));
  CHECK(ps[0] == Piece{TokenKind::kNumber, "250,000"});
  CHECK(ps[2] == Piece{TokenKind::kNumber, "250\u00A0000"});
  CHECK(ps[4] == Piece{TokenKind::kNumber, "3,5"});
  CHECK(ps[6] == Piece{TokenKind::kNumber, "3.5"});
  CHECK(ps[7] == Piece{TokenKind::kPunctuation, ","});
  CHECK(ps[9] == Piece{TokenKind::kNumber, "2nd"});
  CHECK(ps[11] == Piece{TokenKind::kNumber, "10th"});
  CHECK(ps.back() == Piece{TokenKind::kNumber, "5km"});
  // A plain space is not part of a number: that reading depends on the language.
  CHECK(pieces("250 000").size() == 2);
}

TEST_CASE("tokenizer: Azerbaijani and Russian words, hyphens and apostrophes") {
  auto az = pieces("İSTANBUL-da 2019-cu ildə Azərbaycan'ın");
  INFO(show(az));
  CHECK(az == std::vector<Piece>{{TokenKind::kWord, "İSTANBUL-da"}, {TokenKind::kNumber, "2019"},
                                 {TokenKind::kPunctuation, "-"}, {TokenKind::kWord, "cu"},
                                 {TokenKind::kWord, "ildə"}, {TokenKind::kWord, "Azərbaycan'ın"}});
  auto ru = pieces("Ёлка — «кто-то» пришёл");
  INFO(show(ru));
  CHECK(ru == std::vector<Piece>{{TokenKind::kWord, "Ёлка"}, {TokenKind::kPunctuation, "—"},
                                 {TokenKind::kPunctuation, "«"}, {TokenKind::kWord, "кто-то"},
                                 {TokenKind::kPunctuation, "»"}, {TokenKind::kWord, "пришёл"}});
}

TEST_CASE("tokenizer: combining marks stay inside their word") {
  auto ps = pieces("cafe\u0301 ok");  // decomposed é
  CHECK(ps.size() == 2);
  CHECK(ps[0].text == "cafe\u0301");
}

TEST_CASE("tokenizer: an inline-code marker is one code token, numbered in order") {
  dilmanc::InlineText t;
  dilmanc::append_text(t, "Press ");
  dilmanc::append_code(t, {dilmanc::InlineCode::Kind::kOpening, 1, false, "b", "<b>"});
  dilmanc::append_text(t, "OK");
  dilmanc::append_code(t, {dilmanc::InlineCode::Kind::kClosing, 1, false, "b", "</b>"});
  dilmanc::append_code(t, {dilmanc::InlineCode::Kind::kPlaceholder, 2, false, "br", "<br/>"});
  auto tokens = dilmanc::tokenize(t.text);
  std::vector<int> codes;
  std::vector<TokenKind> kinds;
  for (const auto& tok : tokens) {
    kinds.push_back(tok.kind);
    if (tok.kind == TokenKind::kCode) codes.push_back(tok.code);
  }
  CHECK(kinds == std::vector<TokenKind>{TokenKind::kWord, TokenKind::kSpace, TokenKind::kCode, TokenKind::kWord,
                                        TokenKind::kCode, TokenKind::kCode});
  CHECK(codes == std::vector<int>{0, 1, 2});
}

TEST_CASE("tokenizer: empty text and invalid bytes") {
  CHECK(dilmanc::tokenize("").empty());
  auto ps = pieces(std::string("a\xFF" "b"));
  CHECK(ps.size() == 3);
  CHECK(ps[1].kind == TokenKind::kPunctuation);
}

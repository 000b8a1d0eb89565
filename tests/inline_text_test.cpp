#include <doctest/doctest.h>

#include "dilmanc/inline_text.h"

using namespace dilmanc;

namespace {
InlineCode code(InlineCode::Kind kind, int id, std::string name = "b", bool isolated = false) {
  InlineCode c;
  c.kind = kind;
  c.id = id;
  c.name = std::move(name);
  c.isolated = isolated;
  return c;
}
}  // namespace

TEST_CASE("InlineText shows codes as {n}...{/n} and strips them for plain text") {
  InlineText t;
  append_text(t, "Mr. ");
  append_code(t, code(InlineCode::Kind::kOpening, 1));
  append_text(t, "Vusal Huseynov");
  append_code(t, code(InlineCode::Kind::kClosing, 1));
  append_code(t, code(InlineCode::Kind::kPlaceholder, 2, "br"));
  CHECK(plain_text(t) == "Mr. Vusal Huseynov");
  CHECK(display_text(t) == "Mr. {1}Vusal Huseynov{/1}{2/}");
  CHECK(check_codes(t).empty());
}

TEST_CASE("plain text keeps other private-use characters and text between markers in place") {
  InlineText t;
  append_code(t, code(InlineCode::Kind::kPlaceholder, 1, "x"));
  append_text(t, "\uE000a\uE100b\uE104");  // same lead bytes as the markers, not markers
  append_code(t, code(InlineCode::Kind::kOpening, 2));
  append_code(t, code(InlineCode::Kind::kPlaceholder, 3, "x"));
  append_text(t, "c");
  append_code(t, code(InlineCode::Kind::kClosing, 2));
  CHECK(plain_text(t) == "\uE000a\uE100b\uE104c");
  CHECK(plain_text(InlineText{"no markers at all", {}}) == "no markers at all");
  CHECK(plain_text(InlineText{}).empty());
  // A marker cut short at the end is text (plain_text does not judge it).
  CHECK(plain_text(InlineText{"a\xEE\x84", {}}) == "a\xEE\x84");
}

TEST_CASE("check_codes finds unbalanced, duplicated and crossed codes") {
  InlineText unclosed;
  append_code(unclosed, code(InlineCode::Kind::kOpening, 1));
  append_text(unclosed, "x");
  CHECK(check_codes(unclosed) == "code 1 is not closed");

  InlineText crossed;
  append_code(crossed, code(InlineCode::Kind::kOpening, 1));
  append_code(crossed, code(InlineCode::Kind::kOpening, 2));
  append_code(crossed, code(InlineCode::Kind::kClosing, 1));
  append_code(crossed, code(InlineCode::Kind::kClosing, 2));
  CHECK(check_codes(crossed) == "code 1 closes out of order");

  InlineText twice;
  append_code(twice, code(InlineCode::Kind::kPlaceholder, 3, "br"));
  append_code(twice, code(InlineCode::Kind::kPlaceholder, 3, "br"));
  CHECK(check_codes(twice) == "code 3 appears twice");

  InlineText isolated;
  append_code(isolated, code(InlineCode::Kind::kClosing, 4, "a", true));
  append_text(isolated, "tail");
  CHECK(check_codes(isolated).empty());
  CHECK(display_text(isolated) == "{<4}tail");
}

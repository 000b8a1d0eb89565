// The character tests a segmenter makes before it calls ICU for a rule. They must never be
// narrower than the pattern: a set too small would silently drop a rule.
#include <doctest/doctest.h>

#include <unicode/regex.h>

#include <string>

#include "dilmanc/text.h"
#include "segment/rule_prefilter.h"

using dilmanc::segment_detail::last_char_set;
using dilmanc::segment_detail::required_char_set;

namespace {

bool holds(const std::unique_ptr<icu::UnicodeSet>& set, UChar32 c) { return set && set->contains(c); }

}  // namespace

TEST_CASE("rule patterns: the characters a match can end with") {
  CHECK(holds(last_char_set(R"(\bDr\.)"), '.'));
  CHECK(last_char_set(R"(\bDr\.)")->size() == 1);
  auto quote = last_char_set(R"([.!?]["'”’)]{0,2})");
  for (UChar32 c : {U'.', U'!', U'?', U'"', U'\'', U'”', U'’', U')'}) CHECK(holds(quote, c));
  CHECK_FALSE(holds(quote, 'a'));
  auto alternatives = last_char_set(R"((?:U\.S|E\.U)\.|№)");
  CHECK(holds(alternatives, '.'));
  CHECK(holds(alternatives, U'№'));
  auto folded = last_char_set(R"((?i:[ap]\.m))");  // case-insensitive: M as well as m
  CHECK(holds(folded, 'm'));
  CHECK(holds(folded, 'M'));
  CHECK(holds(last_char_set(R"(\d(?=x))"), '5'));  // a look-ahead consumes nothing
  // Unknown or possibly empty: no set, so no filtering.
  CHECK_FALSE(last_char_set(R"(x?)"));
  CHECK_FALSE(last_char_set(R"(^)"));
  CHECK_FALSE(last_char_set(R"(a|b*)"));
  CHECK_FALSE(last_char_set(R"(x.)"));
  CHECK_FALSE(last_char_set(R"(\w)"));
  CHECK_FALSE(last_char_set(R"([^\s•])"));
  CHECK_FALSE(last_char_set(R"((?x) a b)"));
  CHECK_FALSE(last_char_set(R"(\Q[a]\E)"));
}

TEST_CASE("rule patterns: the characters every match holds one of") {
  auto quoted = required_char_set(R"(\s[^"]{0,300}")");
  CHECK(holds(quoted, '"'));
  CHECK(quoted->size() == 1);
  auto either = required_char_set(R"(\s{1,3}\(|KG)");
  CHECK(holds(either, '('));
  CHECK((holds(either, 'K') || holds(either, 'G')));
  CHECK_FALSE(required_char_set(R"(x?|y)"));
  // An escape that runs on is not followed by text of its own: "\u2026" is not "\u", "2026".
  CHECK_FALSE(required_char_set(R"(\u2026|\.\.\.)"));
  CHECK_FALSE(required_char_set(R"(\x{2026})"));
  CHECK_FALSE(last_char_set(R"(\u2026)"));
  CHECK_FALSE(required_char_set(R"((?=")\s)")->contains('"'));  // look-arounds are not text
}

TEST_CASE("rule patterns: the sets agree with ICU on sample text") {
  // Every match found by ICU ends in the last-character set and holds a required character.
  const char* patterns[] = {R"([.!?…]["'’”“»]?)", R"(\p{Lu}\p{L}{0,20}\sI\.)", R"(\d[.,]\d{1,3}(?:\s\d{1,3}){0,3})",
                            R"((?:^|[\s(\[])'[^']{0,30}[.!?…])", R"(\b(?i:p|pp|no|dec)\.)"};
  const std::string text = "He said 'fine.' Then No. 5, p. 12, 3.5 and 1.250 000 came! Dec. I. Smith I. “Yes?” ";
  for (const char* pattern : patterns) {
    CAPTURE(pattern);
    auto last = last_char_set(pattern);
    auto required = required_char_set(pattern);
    REQUIRE(last);
    UErrorCode status = U_ZERO_ERROR;
    icu::UnicodeString u = dilmanc::to_unicode(text);
    icu::RegexMatcher m(dilmanc::to_unicode(pattern), u, 0, status);
    REQUIRE(U_SUCCESS(status));
    int found = 0;
    while (m.find(status)) {
      ++found;
      int32_t end = m.end(status);
      CHECK(last->contains(u.char32At(end - 1)));
      if (required) {
        bool any = false;
        for (int32_t i = m.start(status); i < end; ++i) any = any || required->contains(u.char32At(i));
        CHECK(any);
      }
    }
    CHECK(found > 0);
  }
}

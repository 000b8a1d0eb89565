#include <doctest/doctest.h>

#include "dilmanc/error.h"
#include "dilmanc/text.h"

using namespace dilmanc;

TEST_CASE("find_invalid_utf8 reports the first bad byte") {
  CHECK_FALSE(find_invalid_utf8("Dövlət Миграция"));
  CHECK(find_invalid_utf8("ab\xff") == std::optional<std::size_t>(2));
  CHECK(find_invalid_utf8("\xc0\xaf") == std::optional<std::size_t>(0));      // overlong '/'
  CHECK(find_invalid_utf8("x\xed\xa0\x80") == std::optional<std::size_t>(1));  // a surrogate
  CHECK(find_invalid_utf8("ok\xe2\x82") == std::optional<std::size_t>(2));     // truncated
}

TEST_CASE("require_utf8 names the source, line and byte offset") {
  try {
    require_utf8("one\ntwo \xfe", "article.txt");
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.kind() == Error::Kind::kInput);
    CHECK(e.where().file == "article.txt");
    CHECK(e.where().line == 2);
    CHECK(e.where().offset == 8);
    CHECK(std::string(e.what()).find("8") != std::string::npos);
  }
}

TEST_CASE("NFC normalization") {
  CHECK(to_nfc("e\xcc\x81") == "\xc3\xa9");
  CHECK(is_nfc("Məmmədov"));
  CHECK_FALSE(is_nfc("e\xcc\x81"));
}

TEST_CASE("primary_language") {
  CHECK(primary_language("en-US") == "en");
  CHECK(primary_language("en_GB") == "en");
  CHECK(primary_language("az-Latn-AZ") == "az");
  CHECK(primary_language("RU") == "ru");
}

TEST_CASE("Turkic case folding for Azerbaijani") {
  CHECK(fold_case("İSTANBUL", "az") == "istanbul");
  CHECK(fold_case("ISPARTA", "az") == "ısparta");
  CHECK(fold_case("ISPARTA", "en") == "isparta");
}

TEST_CASE("search_key folds case and accents, keeping Russian й") {
  CHECK(search_key("  Dövlət   Miqrasiya ", "az") == "dovlət miqrasiya");
  CHECK(search_key("Ёлка", "ru") == "елка");
  CHECK(search_key("Йод", "ru") == "йод");
  CHECK(search_key("İSTANBUL", "az") == search_key("istanbul", "az"));
  CHECK(search_key("Café", "en") == "cafe");
}

#include <doctest/doctest.h>
#include <sys/resource.h>

#include <algorithm>
#include <string>

#include "dilmanc/fuzzy_matcher.h"
#include "match/numbers.h"

using dilmanc::InlineCode;
using dilmanc::InlineText;
using dilmanc::prepare_for_matching;

namespace {

dilmanc::Adaptation adapt(std::string_view query, std::string_view source, std::string_view target,
                          std::string_view from, std::string_view to) {
  return dilmanc::adapt_translation(prepare_for_matching(query, from), prepare_for_matching(source, from),
                                    InlineText{std::string(target), {}}, to);
}

const std::string kNbsp = "\u00A0";

}  // namespace

TEST_CASE("numbers: read and written the way each language does") {
  using dilmanc::match::format_number;
  using dilmanc::match::parse_number;
  auto en = parse_number("250,000", "en");
  REQUIRE(en);
  CHECK(en->integer == "250000");
  CHECK(en->grouped);
  CHECK(format_number(*en, "ru", true) == "250" + kNbsp + "000");
  CHECK(format_number(*en, "az", true) == "250" + kNbsp + "000");
  CHECK(format_number(*en, "en", true) == "250,000");
  auto ru = parse_number("3,5", "ru");
  REQUIRE(ru);
  CHECK(ru->integer == "3");
  CHECK(ru->fraction == "5");
  CHECK(format_number(*ru, "en", false) == "3.5");
  CHECK(parse_number("3.5", "en")->same_value(*ru));
  CHECK(parse_number("250" + kNbsp + "000", "ru")->integer == "250000");
  // Ambiguous or malformed in the language: not read.
  CHECK_FALSE(parse_number("1.234", "ru"));
  CHECK_FALSE(parse_number("1,5", "en"));
  CHECK_FALSE(parse_number("12,34,567", "en"));
  CHECK(parse_number("2nd", "en")->suffix == "nd");
  // Four-digit numbers are not grouped in Russian and Azerbaijani.
  CHECK(format_number(*parse_number("2,500", "en"), "ru", true) == "2500");
  CHECK(format_number(*parse_number("2,500", "en"), "en", true) == "2,500");
}

TEST_CASE("numbers: German, Turkish and the other languages that group with a dot") {
  using dilmanc::match::find_numbers;
  using dilmanc::match::format_number;
  using dilmanc::match::parse_number;
  using dilmanc::match::writes_numbers_as_english;
  auto de = parse_number("250.000", "de");
  REQUIRE(de);
  CHECK(de->integer == "250000");
  CHECK(de->grouped);
  CHECK(parse_number("1.234.567,89", "tr")->integer == "1234567");
  CHECK(parse_number("1.234.567,89", "tr")->fraction == "89");
  CHECK(parse_number("3,5", "de")->same_value(*parse_number("3.5", "en")));
  // "3.5" is no German number (a group has three digits); "250,000" is 250.
  CHECK_FALSE(parse_number("3.5", "de"));
  CHECK(parse_number("250,000", "de")->integer == "250");
  CHECK(format_number(*parse_number("250,000", "en"), "de", true) == "250.000");
  CHECK(format_number(*parse_number("250,000", "en"), "es", true) == "250.000");
  CHECK(format_number(*parse_number("3.5", "en"), "tr", false) == "3,5");
  CHECK(format_number(*parse_number("2,500", "en"), "de", true) == "2500");
  // French groups with a space, as Russian does.
  CHECK(format_number(*parse_number("250,000", "en"), "fr", true) == "250" + kNbsp + "000");
  // Spaced groups are read wherever the decimal mark is a comma, never in English.
  const auto spaced = find_numbers("Der Fonds hält 250 000 Dollar.", "de");
  REQUIRE(spaced.size() == 1);
  CHECK(spaced[0].number.integer == "250000");
  CHECK(find_numbers("between 250 000 and more", "en").size() == 2);
  CHECK(writes_numbers_as_english("en"));
  CHECK(writes_numbers_as_english("ja"));
  CHECK_FALSE(writes_numbers_as_english("de"));
  CHECK_FALSE(writes_numbers_as_english("az"));
}

TEST_CASE("numbers: ordinal suffixes agree with the number") {
  using dilmanc::match::ordinal_suffix;
  CHECK(ordinal_suffix("1", "en") == "st");
  CHECK(ordinal_suffix("2", "en") == "nd");
  CHECK(ordinal_suffix("3", "en") == "rd");
  CHECK(ordinal_suffix("11", "en") == "th");
  CHECK(ordinal_suffix("23", "en") == "rd");
  CHECK(ordinal_suffix("2", "az") == "ci");
  CHECK(ordinal_suffix("3", "az") == "cü");
  CHECK(ordinal_suffix("6", "az") == "cı");
  CHECK(ordinal_suffix("9", "az") == "cu");
  CHECK(ordinal_suffix("10", "az") == "cu");
  CHECK(ordinal_suffix("40", "az") == "cı");
  CHECK(ordinal_suffix("100", "az") == "cü");
  CHECK(ordinal_suffix("1000", "az") == "ci");
  CHECK(ordinal_suffix("2019", "az") == "cu");
  CHECK(ordinal_suffix("2023", "az") == "cü");
  CHECK(ordinal_suffix("5", "ru").empty());
}

TEST_CASE("adaptation: a year changes in the translation") {
  auto a = adapt("The report for 2023 is ready.", "The report for 2019 is ready.", "Отчёт за 2019 год готов.", "en",
                 "ru");
  CHECK(a.adapted);
  CHECK(a.target.text == "Отчёт за 2023 год готов.");
}

TEST_CASE("adaptation: amounts are written the target language's way") {
  auto ru = adapt("The fund received 250,000 manats.", "The fund received 120,000 manats.",
                  "Фонд получил 120 000 манатов.", "en", "ru");
  CHECK(ru.adapted);
  CHECK(ru.target.text == "Фонд получил 250" + kNbsp + "000 манатов.");
  auto az = adapt("Fond 250,000 manat aldı.", "Fond 120,000 manat aldı.", "Fond 120 000 manat aldı.", "en", "az");
  CHECK(az.adapted);
  CHECK(az.target.text == "Fond 250" + kNbsp + "000 manat aldı.");
  auto back = adapt("Инфляция составила 3,5 процента.", "Инфляция составила 2,7 процента.",
                    "Inflation was 2.7 percent.", "ru", "en");
  CHECK(back.adapted);
  CHECK(back.target.text == "Inflation was 3.5 percent.");
  auto en = adapt("Инфляция составила 3,5 процента.", "Инфляция составила 2,7 процента.",
                  "İnflyasiya 2,7 faiz təşkil edib.", "ru", "az");
  CHECK(en.target.text == "İnflyasiya 3,5 faiz təşkil edib.");
}

TEST_CASE("adaptation: a German or Turkish target gets its own grouping and decimal mark") {
  auto de = adapt("The fund received 250,000 dollars.", "The fund received 120,000 dollars.",
                  "Der Fonds erhielt 120.000 Dollar.", "en", "de");
  CHECK(de.adapted);
  CHECK(de.target.text == "Der Fonds erhielt 250.000 Dollar.");
  auto tr = adapt("Inflation was 3.5 percent.", "Inflation was 2.7 percent.", "Enflasyon yüzde 2,7 oldu.", "en", "tr");
  CHECK(tr.adapted);
  CHECK(tr.target.text == "Enflasyon yüzde 3,5 oldu.");
}

TEST_CASE("adaptation: ordinals follow the target's grammar") {
  auto az = adapt("The 3rd meeting was held in Baku.", "The 2nd meeting was held in Baku.",
                  "2-ci görüş Bakıda keçirildi.", "en", "az");
  CHECK(az.adapted);
  CHECK(az.target.text == "3-cü görüş Bakıda keçirildi.");
  auto en = adapt("3-cü görüş Bakıda keçirildi.", "2-ci görüş Bakıda keçirildi.", "The 2nd meeting was held in Baku.",
                  "az", "en");
  CHECK(en.adapted);
  CHECK(en.target.text == "The 3rd meeting was held in Baku.");
  auto ru = adapt("The 3rd meeting was held in Baku.", "The 2nd meeting was held in Baku.",
                  "2-я встреча прошла в Баку.", "en", "ru");
  CHECK(ru.target.text == "3-я встреча прошла в Баку.");
}

TEST_CASE("adaptation: Azerbaijani case suffixes that would no longer agree stop it") {
  // 2019-da (doqquz) would have to become 2023-də (üç): not guessed.
  auto a = adapt("It happened in 2023.", "It happened in 2019.", "Bu, 2019-da baş verib.", "en", "az");
  CHECK_FALSE(a.adapted);
  CHECK(a.target.text == "Bu, 2019-da baş verib.");
  // 2019 → 2029: the same vowel, the suffix stays right.
  auto b = adapt("It happened in 2029.", "It happened in 2019.", "Bu, 2019-da baş verib.", "en", "az");
  CHECK(b.adapted);
  CHECK(b.target.text == "Bu, 2029-da baş verib.");
}

TEST_CASE("adaptation: nothing when the number cannot be found unambiguously") {
  // Not in the target at all (written in words).
  CHECK_FALSE(adapt("He has 3 cats.", "He has 2 cats.", "У него две кошки.", "en", "ru").adapted);
  // Twice in the target but once in the source.
  CHECK_FALSE(adapt("Room 5.", "Room 4.", "Комната 4 (4 этаж).", "en", "ru").adapted);
  // The same source number changed two different ways.
  CHECK_FALSE(adapt("From 5 to 6.", "From 4 to 4.", "С 4 по 4.", "en", "ru").adapted);
  // Words differ too: not a number-only difference.
  CHECK_FALSE(adapt("The report for 2023 is late.", "The report for 2019 is ready.", "Отчёт за 2019 год готов.", "en",
                    "ru")
                  .adapted);
  // Identical: nothing to do.
  CHECK_FALSE(adapt("Room 4.", "Room 4.", "Комната 4.", "en", "ru").adapted);
}

TEST_CASE("adaptation: two numbers swap places") {
  auto a = adapt("From 2023 to 2019.", "From 2019 to 2023.", "С 2019 по 2023 год.", "en", "ru");
  CHECK(a.adapted);
  CHECK(a.target.text == "С 2023 по 2019 год.");
}

TEST_CASE("adaptation: a number the source language writes differently is read in its own convention") {
  // Russian "1 500" with a plain space is one number.
  auto a = adapt("Выделено 2 500 рублей.", "Выделено 1 500 рублей.", "1,500 rubles were allocated.", "ru", "en");
  CHECK_FALSE(a.adapted);  // "1 500" is two number tokens in the query, "2" and "500": changed "1" is not in the target
}

TEST_CASE("adaptation: inline codes take the query's ids and markup") {
  InlineText query, source, target;
  dilmanc::append_text(query, "Press ");
  dilmanc::append_code(query, {InlineCode::Kind::kOpening, 3, false, "b", "<b class=\"key\">"});
  dilmanc::append_text(query, "OK");
  dilmanc::append_code(query, {InlineCode::Kind::kClosing, 3, false, "b", "</b>"});
  dilmanc::append_text(query, " twice.");
  dilmanc::append_text(source, "Press ");
  dilmanc::append_code(source, {InlineCode::Kind::kOpening, 1, false, "b", "<b>"});
  dilmanc::append_text(source, "OK");
  dilmanc::append_code(source, {InlineCode::Kind::kClosing, 1, false, "b", "</b>"});
  dilmanc::append_text(source, " twice.");
  dilmanc::append_code(target, {InlineCode::Kind::kOpening, 1, false, "b", "<b>"});
  dilmanc::append_text(target, "OK");
  dilmanc::append_code(target, {InlineCode::Kind::kClosing, 1, false, "b", "</b>"});
  dilmanc::append_text(target, " düyməsini iki dəfə basın.");
  auto a = dilmanc::adapt_translation(prepare_for_matching(query, "en"), prepare_for_matching(source, "en"), target, "az");
  CHECK(a.adapted);
  REQUIRE(a.target.codes.size() == 2);
  CHECK(a.target.codes[0].id == 3);
  CHECK(a.target.codes[0].original == "<b class=\"key\">");
  CHECK(a.target.codes[1].id == 3);
  CHECK(a.target.text == target.text);
  CHECK(dilmanc::check_codes(a.target).empty());
}

TEST_CASE("adaptation: a segment of many numbers in codes, one changed, in time linear in its length") {
  auto cpu_seconds = [] {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
    return seconds(usage.ru_utime) + seconds(usage.ru_stime);
  };
  // "<b>1</b> <b>2</b> ...": the query has 7 where the source and its translation have
  // count + 7, and its codes other ids; each occurrence and code is looked up once.
  auto run = [&](int count) {
    InlineText query, source;
    for (int i = 1; i <= count; ++i) {
      for (InlineText* t : {&query, &source}) {
        const int id = t == &query ? i + count : i;
        dilmanc::append_code(*t, {InlineCode::Kind::kOpening, id, false, "b", "<b>"});
        dilmanc::append_text(*t, std::to_string(i == 7 && t == &source ? count + 7 : i));
        dilmanc::append_code(*t, {InlineCode::Kind::kClosing, id, false, "b", "</b>"});
        dilmanc::append_text(*t, " ");
      }
    }
    const auto q = prepare_for_matching(query, "en");
    const auto s = prepare_for_matching(source, "en");
    const double start = cpu_seconds();
    const auto a = dilmanc::adapt_translation(q, s, source, "en");
    const double seconds = cpu_seconds() - start;
    CHECK(a.adapted);
    CHECK(a.target.text.find("7") != std::string::npos);
    CHECK(a.target.text.find(std::to_string(count + 7)) == std::string::npos);
    REQUIRE(a.target.codes.size() == query.codes.size());
    CHECK(a.target.codes.back().id == query.codes.back().id);
    return seconds;
  };
  const int small = 2000;
  run(8 * small);  // the allocator's first pages
  double ratio = 0;
  for (int attempt = 0; attempt < 3; ++attempt) {
    const double small_time = std::max(run(small), 0.002);
    ratio = run(8 * small) / small_time;
    MESSAGE((8 * small) << " / " << small << " numbers takes " << ratio << " times the CPU time");
    if (ratio < 16) break;
  }
  CHECK_MESSAGE(ratio < 16, "eight times the numbers took ", ratio, " times the CPU time");
}

#include "match/numbers.h"

#include "dilmanc/tokenizer.h"

namespace dilmanc::match {
namespace {

enum class Convention {
  kEnglish,  // 250,000  3.5
  kSpaced,   // 250 000  3,5
  kDotted,   // 250.000  3,5
};

Convention convention_of(std::string_view lang) {
  // CLDR's grouping and decimal symbols for the languages a press office most often meets
  // beside its own; every other language writes numbers as English does.
  static constexpr std::string_view kSpaced[] = {"az", "ru", "uk", "be", "kk", "ky", "uz", "tg", "fr", "pl", "cs",
                                                 "sk", "fi", "sv", "nb", "nn", "no", "hu", "bg", "lt", "lv", "et"};
  static constexpr std::string_view kDotted[] = {"de", "tr", "es", "it", "pt", "nl", "da", "id", "el",
                                                 "ro", "hr", "sr", "sl", "vi"};
  for (std::string_view l : kSpaced)
    if (l == lang) return Convention::kSpaced;
  for (std::string_view l : kDotted)
    if (l == lang) return Convention::kDotted;
  return Convention::kEnglish;
}


bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }

// Length of a group separator at `pos` (0 when none): ',', '.', no-break, narrow no-break
// and thin spaces, and a plain space.
std::size_t separator_at(std::string_view s, std::size_t pos, char* which) {
  if (pos >= s.size()) return 0;
  char c = s[pos];
  if (c == ',' || c == '.') {
    *which = c;
    return 1;
  }
  if (c == ' ') {
    *which = ' ';
    return 1;
  }
  if (s.substr(pos, 2) == "\xC2\xA0") {
    *which = ' ';
    return 2;
  }
  if (s.substr(pos, 3) == "\xE2\x80\xAF" || s.substr(pos, 3) == "\xE2\x80\x89") {
    *which = ' ';
    return 3;
  }
  return 0;
}

std::string strip_leading_zeros(const std::string& digits) {
  std::size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  return digits.substr(i);
}

std::string strip_trailing_zeros(std::string digits) {
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  return digits;
}

}  // namespace

char azerbaijani_harmony(const std::string& integer) {
  auto cls = [](int digit, bool ten) -> char {
    if (ten) {
      switch (digit) {
        case 1: return 'u';  // on
        case 2: return 'i';  // iyirmi
        case 3: return 'u';  // otuz
        case 4: return 'I';  // qırx
        case 5: return 'i';  // əlli
        case 6: return 'I';  // altmış
        case 7: return 'i';  // yetmiş
        case 8: return 'i';  // səksən
        default: return 'I';  // doxsan
      }
    }
    switch (digit) {
      case 1: return 'i';  // bir
      case 2: return 'i';  // iki
      case 3: return 'U';  // üç
      case 4: return 'U';  // dörd
      case 5: return 'i';  // beş
      case 6: return 'I';  // altı
      case 7: return 'i';  // yeddi
      case 8: return 'i';  // səkkiz
      default: return 'u';  // doqquz
    }
  };
  std::string n = strip_leading_zeros(integer);
  if (n == "0") return 'I';  // sıfır
  std::size_t zeros = 0;
  while (zeros < n.size() && n[n.size() - 1 - zeros] == '0') ++zeros;
  const int digit = n[n.size() - 1 - zeros] - '0';
  if (zeros == 0) return cls(digit, false);
  if (zeros == 1) return cls(digit, true);
  if (zeros == 2) return 'U';  // yüz
  if (zeros <= 5) return 'i';  // min
  if (zeros <= 8) return 'u';  // milyon
  return 'I';                  // milyard
}

bool Number::same_value(const Number& other) const {
  return integer == other.integer && strip_trailing_zeros(fraction) == strip_trailing_zeros(other.fraction);
}

std::optional<Number> parse_number(std::string_view token, std::string_view lang) {
  std::vector<std::string> groups;
  std::vector<char> separators;
  std::size_t pos = 0;
  std::string current;
  while (pos < token.size()) {
    char c = token[pos];
    if (is_ascii_digit(c)) {
      current += c;
      ++pos;
      continue;
    }
    char which;
    std::size_t len = separator_at(token, pos, &which);
    if (len > 0 && !current.empty() && pos + len < token.size() && is_ascii_digit(token[pos + len])) {
      groups.push_back(current);
      current.clear();
      separators.push_back(which);
      pos += len;
      continue;
    }
    break;
  }
  if (current.empty()) return std::nullopt;
  groups.push_back(current);
  Number n;
  n.suffix = std::string(token.substr(pos));
  for (unsigned char c : n.suffix)
    if (c < 0x80 && !((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) return std::nullopt;

  const Convention convention = convention_of(lang);
  const char decimal = convention == Convention::kEnglish ? '.' : ',';
  const char group = convention == Convention::kSpaced ? ' ' : convention == Convention::kDotted ? '.' : ',';
  std::size_t integer_groups = groups.size();
  if (!separators.empty() && separators.back() == decimal) {
    n.fraction = groups.back();
    --integer_groups;
  }
  for (std::size_t i = 0; i + 1 < integer_groups; ++i) {
    const char s = separators[i];
    // A space groups in every language; otherwise only the language's own separator.
    if (s != group && s != ' ') return std::nullopt;
  }
  if (integer_groups > 1) {
    if (groups[0].size() > 3) return std::nullopt;
    for (std::size_t i = 1; i < integer_groups; ++i)
      if (groups[i].size() != 3) return std::nullopt;
    n.grouped = true;
  }
  for (std::size_t i = 0; i < integer_groups; ++i) n.integer += groups[i];
  n.integer = strip_leading_zeros(n.integer);
  return n;
}

std::string format_number(const Number& n, std::string_view lang, bool grouped) {
  const Convention convention = convention_of(lang);
  const std::string group = convention == Convention::kSpaced ? "\xC2\xA0" : convention == Convention::kDotted ? "." : ",";
  std::string out;
  const std::size_t digits = n.integer.size();
  const bool split = grouped && digits >= (convention == Convention::kEnglish ? 4u : 5u);
  for (std::size_t i = 0; i < digits; ++i) {
    if (split && i > 0 && (digits - i) % 3 == 0) out += group;
    out += n.integer[i];
  }
  if (!n.fraction.empty()) {
    out += convention == Convention::kEnglish ? '.' : ',';
    out += n.fraction;
  }
  return out;
}

bool writes_numbers_as_english(std::string_view lang) { return convention_of(lang) == Convention::kEnglish; }

std::vector<NumberSpan> find_numbers(std::string_view text, std::string_view lang) {
  // Where the decimal mark is a comma, groups may also be split by spaces (German's DIN
  // 5008 asks for them); in English "13 000" is two numbers.
  const bool english = convention_of(lang) == Convention::kEnglish;
  std::vector<NumberSpan> spans;
  const auto tokens = tokenize(text);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (tokens[i].kind != TokenKind::kNumber) continue;
    NumberSpan span;
    span.begin = tokens[i].begin;
    span.end = tokens[i].end;
    auto number = parse_number(tokens[i].in(text), lang);
    if (!number) continue;
    // "250 000" with a plain space: join groups of exactly three digits.
    while (!english && number->suffix.empty() && number->fraction.empty() && i + 2 < tokens.size() &&
           tokens[i + 1].kind == TokenKind::kSpace && tokens[i + 1].in(text) == " " &&
           tokens[i + 2].kind == TokenKind::kNumber) {
      auto joined = parse_number(text.substr(span.begin, tokens[i + 2].end - span.begin), lang);
      if (!joined || !joined->grouped) break;
      number = joined;
      span.end = tokens[i + 2].end;
      i += 2;
    }
    span.number = *number;
    spans.push_back(std::move(span));
  }
  return spans;
}

std::string ordinal_suffix(const std::string& integer, std::string_view lang) {
  if (integer.empty()) return {};
  if (lang == "en") {
    const int last = integer.back() - '0';
    const int tens = integer.size() > 1 ? integer[integer.size() - 2] - '0' : 0;
    if (tens == 1) return "th";
    switch (last) {
      case 1: return "st";
      case 2: return "nd";
      case 3: return "rd";
      default: return "th";
    }
  }
  if (lang == "az") {
    switch (azerbaijani_harmony(integer)) {
      case 'i': return "ci";
      case 'I': return "cı";
      case 'u': return "cu";
      default: return "cü";
    }
  }
  return {};
}

}  // namespace dilmanc::match

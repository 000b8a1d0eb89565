#include "dilmanc/text.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cctype>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"

namespace dilmanc {
namespace {

const icu::Normalizer2& nfc() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFCInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFC data missing");
  return *n;
}

const icu::Normalizer2& nfd() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFDInstance(status);
  if (U_FAILURE(status)) throw std::runtime_error("ICU NFD data missing");
  return *n;
}

bool is_turkic(std::string_view lang) {
  auto p = primary_language(lang);
  return p == "az" || p == "tr";
}

}  // namespace

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t length = static_cast<int32_t>(text.size());
  // ICU's macros work on int32_t offsets; validate huge inputs in slices at a safe boundary.
  if (text.size() > static_cast<std::size_t>(INT32_MAX)) {
    std::size_t done = 0;
    while (done < text.size()) {
      std::size_t take = std::min<std::size_t>(text.size() - done, 1u << 30);
      // move the slice end back to a lead byte so no sequence is cut
      while (done + take < text.size() && take > 0 &&
             (static_cast<uint8_t>(text[done + take]) & 0xC0) == 0x80)
        --take;
      if (auto bad = find_invalid_utf8(text.substr(done, take))) return done + *bad;
      done += take;
    }
    return std::nullopt;
  }
  int32_t i = 0;
  while (i < length) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return static_cast<std::size_t>(start);
  }
  return std::nullopt;
}

void require_utf8(std::string_view text, const std::string& source) {
  auto bad = find_invalid_utf8(text);
  if (!bad) return;
  Error::Location where;
  where.file = source;
  where.offset = static_cast<std::int64_t>(*bad);
  where.line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(*bad), '\n');
  ThrowInput(trf("invalid UTF-8 at byte offset {1}", std::to_string(*bad)), where);
}

icu::UnicodeString to_unicode(std::string_view utf8) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
}

std::string to_utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

std::string to_nfc(std::string_view utf8) {
  const auto& n = nfc();
  UErrorCode status = U_ZERO_ERROR;
  // Fast path: most text is already NFC.
  if (n.isNormalizedUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), status) &&
      U_SUCCESS(status))
    return std::string(utf8);
  status = U_ZERO_ERROR;
  std::string out;
  icu::StringByteSink<std::string> sink(&out);
  n.normalizeUTF8(0, icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), sink, nullptr,
                  status);
  if (U_FAILURE(status)) return to_utf8(n.normalize(to_unicode(utf8), status));
  return out;
}

bool is_nfc(std::string_view utf8) {
  UErrorCode status = U_ZERO_ERROR;
  bool ok = nfc().isNormalizedUTF8(icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())), status);
  return U_SUCCESS(status) && ok;
}

std::string primary_language(std::string_view tag) {
  auto end = tag.find_first_of("-_");
  std::string lang(tag.substr(0, end));
  for (auto& ch : lang) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return lang;
}

std::string fold_case(std::string_view utf8, std::string_view lang) {
  icu::UnicodeString u = to_unicode(utf8);
  u.foldCase(is_turkic(lang) ? U_FOLD_CASE_EXCLUDE_SPECIAL_I : U_FOLD_CASE_DEFAULT);
  return to_utf8(u);
}

std::string search_key(std::string_view utf8, std::string_view lang) {
  const bool russian = primary_language(lang) == "ru";
  icu::UnicodeString u = to_unicode(utf8);
  u.foldCase(is_turkic(lang) ? U_FOLD_CASE_EXCLUDE_SPECIAL_I : U_FOLD_CASE_DEFAULT);
  UErrorCode status = U_ZERO_ERROR;
  icu::UnicodeString d = nfd().normalize(u, status);
  if (U_FAILURE(status)) d = u;
  icu::UnicodeString out;
  bool pending_space = false;
  for (int32_t i = 0; i < d.length();) {
    UChar32 c = d.char32At(i);
    i += U16_LENGTH(c);
    if (u_isUWhiteSpace(c)) {
      pending_space = !out.isEmpty();
      continue;
    }
    if (u_charType(c) == U_NON_SPACING_MARK) {
      // й is a letter of its own in Russian, not и with an accent.
      if (russian && c == 0x0306 && !out.isEmpty() && out.char32At(out.length() - 1) == 0x0438) out.append(c);
      continue;
    }
    if (pending_space) out.append(UChar32(' '));
    pending_space = false;
    out.append(c);
  }
  return to_nfc(to_utf8(out));
}

}  // namespace dilmanc

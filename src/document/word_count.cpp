// Word and character counts (docs/word-count.md): words are the letter and number tokens
// of ICU's word break iterator (Unicode UAX #29), except that a URL or an e-mail address
// is one word; characters are the non-whitespace grapheme clusters; codes count apart.
#include "dilmanc/word_count.h"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <map>
#include <memory>

#include "dilmanc/document.h"
#include "dilmanc/text.h"

namespace dilmanc {
namespace {

// Iterators are costly to create and not thread-safe: one per thread and language.
icu::BreakIterator* iterator(bool words, std::string_view lang) {
  thread_local std::map<std::string, std::unique_ptr<icu::BreakIterator>> cache;
  std::string key = (words ? "w:" : "c:") + primary_language(lang);
  auto& slot = cache[key];
  if (!slot) {
    UErrorCode status = U_ZERO_ERROR;
    icu::Locale locale(primary_language(lang).c_str());
    slot.reset(words ? icu::BreakIterator::createWordInstance(locale, status)
                     : icu::BreakIterator::createCharacterInstance(locale, status));
    if (U_FAILURE(status)) slot.reset();
  }
  return slot.get();
}

bool is_space(UChar32 c) { return u_isUWhiteSpace(c); }

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// A URL or an e-mail address, once trailing punctuation is set aside.
bool is_address(std::string_view chunk) {
  while (!chunk.empty() && std::string_view(".,;:!?)]}\"'").find(chunk.back()) != std::string_view::npos)
    chunk.remove_suffix(1);
  if (starts_with(chunk, "http://") || starts_with(chunk, "https://") || starts_with(chunk, "ftp://") ||
      starts_with(chunk, "mailto:") || (starts_with(chunk, "www.") && chunk.size() > 4))
    return true;
  std::size_t at = chunk.find('@');
  return at != std::string_view::npos && at > 0 && chunk.find('.', at) != std::string_view::npos &&
         chunk.find('.', at) + 1 < chunk.size();
}

void count_chunk(std::string_view chunk, std::string_view lang, WordCount& out) {
  if (is_address(chunk)) {
    ++out.words;
    return;
  }
  icu::BreakIterator* words = iterator(true, lang);
  if (!words) return;
  icu::UnicodeString text = to_unicode(chunk);
  words->setText(text);
  for (int32_t end = words->next(); end != icu::BreakIterator::DONE; end = words->next()) {
    int32_t status = words->getRuleStatus();
    if (status >= UBRK_WORD_NUMBER && status < UBRK_WORD_NUMBER_LIMIT) {
      ++out.words;
      ++out.numbers;
    } else if (status >= UBRK_WORD_LETTER) {
      ++out.words;
    }
  }
}

}  // namespace

WordCount& WordCount::operator+=(const WordCount& other) {
  words += other.words;
  numbers += other.numbers;
  characters += other.characters;
  codes += other.codes;
  return *this;
}

WordCount count_words(std::string_view text, std::string_view lang) {
  WordCount out;
  // Words: whitespace-separated chunks, each an address or split by UAX #29.
  std::size_t i = 0, chunk_begin = std::string_view::npos;
  while (i <= text.size()) {
    UChar32 c = ' ';
    std::size_t at = i;
    if (i < text.size()) U8_NEXT(text.data(), i, text.size(), c);
    else ++i;
    bool space = c < 0 || is_space(c);
    if (!space && chunk_begin == std::string_view::npos) chunk_begin = at;
    if (space && chunk_begin != std::string_view::npos) {
      count_chunk(text.substr(chunk_begin, at - chunk_begin), lang, out);
      chunk_begin = std::string_view::npos;
    }
  }
  // Characters: user-perceived characters that are not whitespace.
  if (icu::BreakIterator* chars = iterator(false, lang)) {
    icu::UnicodeString u = to_unicode(text);
    chars->setText(u);
    int32_t start = chars->first();
    for (int32_t end = chars->next(); end != icu::BreakIterator::DONE; start = end, end = chars->next())
      if (!is_space(u.char32At(start))) ++out.characters;
  }
  return out;
}

WordCount count_words(const InlineText& text, std::string_view lang) {
  // Paired codes join what they touch (H<sub>2</sub>O is one word); standalone ones
  // (a line break, an image) separate words.
  std::string plain;
  plain.reserve(text.text.size());
  InlineCode::Kind kind;
  std::size_t codes = 0;
  for (std::size_t i = 0; i < text.text.size();) {
    if (marker_at(text.text, i, &kind)) {
      if (kind == InlineCode::Kind::kPlaceholder) plain += ' ';
      ++codes;
      i += kMarkerBytes;
      continue;
    }
    plain += text.text[i++];
  }
  WordCount out = count_words(plain, lang);
  out.codes = codes;
  return out;
}

WordCount count_words(const Document& document, std::string_view lang) {
  WordCount out;
  for (const Block& block : document.blocks) out += count_words(block.source, lang);
  return out;
}

}  // namespace dilmanc

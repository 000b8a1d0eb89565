// Sentence segmentation per language.
//
// A Segmenter splits one paragraph of UTF-8 text into sentence spans: byte offsets into the
// text it was given, so callers that map plain text back to marked-up text (inline codes,
// original whitespace) keep everything exact. ICU's sentence BreakIterator proposes
// boundaries; the language's SRX 2.0 rules (locales/<lang>/segment.srx, compiled in, or a
// user's file) then veto or add breaks, in rule order, the way OmegaT and Okapi apply SRX.
//
// A Segmenter is immutable after construction but holds ICU iterators: use one per thread.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace dilmanc {

struct SentenceSpan {
  std::size_t begin = 0;  // byte offset of the sentence's first character
  std::size_t end = 0;    // one past its last character; surrounding whitespace is excluded
};

struct SegmenterOptions {
  // A line break ends a sentence (for lists, headlines, hard-wrapped-free text). Off by
  // default: a single line break inside a paragraph is then ordinary whitespace.
  bool line_breaks_end_sentences = false;
};

class Segmenter {
 public:
  // The built-in rules for `lang` (a BCP 47 tag; matched by its primary language). A
  // language without rules of its own gets ICU's rules for it plus the generic ones.
  explicit Segmenter(std::string_view lang, SegmenterOptions options = {});

  // Rules from an SRX 2.0 file: the language rules whose map pattern matches `lang`, in
  // map order. Throws Error(kIo) when the file cannot be read and Error(kInput) naming the
  // file and line when it is not well-formed SRX or holds an invalid regular expression.
  static Segmenter FromSrxFile(const std::string& path, std::string_view lang,
                               SegmenterOptions options = {});

  Segmenter(Segmenter&&) noexcept;
  Segmenter& operator=(Segmenter&&) noexcept;
  ~Segmenter();

  // Splits `paragraph` (valid UTF-8, NFC; the caller validates) into sentences in order.
  // Spans never overlap and never include leading or trailing whitespace; text that is
  // only whitespace gives no span.
  std::vector<SentenceSpan> split(std::string_view paragraph) const;

  const std::string& language() const;

  struct Impl;

 private:
  explicit Segmenter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// A sentence as one line of text, the way `dilmanc segment` prints it: each line break,
// together with the spaces and tabs around it, becomes a single space. Other text is kept.
std::string sentence_as_line(std::string_view sentence);

}  // namespace dilmanc

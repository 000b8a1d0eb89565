// Fuzzy matching: how close a memory's source sentence is to the sentence being
// translated, why, and what its translation becomes for the new sentence; and the
// FuzzyMatcher that finds the best ones in a translation memory through its index.
//
// The score (0..100, 101 for an in-context exact match) comes from the token edit
// distance between the two sentences' words and numbers, compared with case and accents
// folded, minus fixed penalties for differences of case, accents, punctuation,
// whitespace and inline codes. docs/matching.md gives the formula, the penalties and
// worked examples. Everything but FuzzyMatcher is a pure function of its arguments:
// thread-safe, no I/O, no exceptions beyond std::bad_alloc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "dilmanc/inline_text.h"
#include "dilmanc/tokenizer.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc {

// The penalties, in score points. Each applies once per match unless it says otherwise.
struct ScoringOptions {
  int case_penalty = 2;          // some word differs only in upper/lower case
  int accent_penalty = 2;        // some word differs only in accents/diacritics (é/e, ş/s)
  int punctuation_penalty = 1;   // per punctuation mark inserted, deleted or replaced...
  int max_punctuation_penalty = 3;  // ...but never more than this in all
  int whitespace_penalty = 1;    // the same tokens, spaced differently ("a,b" / "a, b")
  int code_penalty = 1;          // per inline code added, removed or changed...
  int max_code_penalty = 4;      // ...but never more than this in all
  int alternatives_penalty = 1;  // the source has several different translations
};

// One token of a sentence prepared for matching, with its comparison keys: 64-bit
// hashes of the token at three levels of folding.
struct MatchToken {
  TokenKind kind = TokenKind::kWord;
  std::size_t begin = 0;  // bytes in MatchText::text.text
  std::size_t end = 0;
  int code = -1;              // kCode: index into MatchText::text.codes
  bool space_before = false;  // whitespace separates it from the previous token
  std::uint64_t exact = 0;    // the NFC text (Russian ё counts as е); a code's kind and name
  std::uint64_t cased = 0;    // after language-aware case folding (Turkic I/ı, İ/i for az)
  std::uint64_t base = 0;     // after case folding and removing accents (search_key)
};

// A sentence ready for matching: NFC text, its non-space tokens and their keys.
struct MatchText {
  std::string lang;  // primary language subtag ("az", "en", "ru")
  InlineText text;   // NFC
  std::vector<MatchToken> tokens;

  // Words and numbers: the tokens the distance is counted in.
  int content_length() const;
  // The base keys of the words and numbers, in order (what the distance compares).
  std::vector<std::uint64_t> content_keys() const;
};

// Prepares `text` (valid UTF-8; codes consistent with markers) in language `lang` (any
// BCP 47 tag; its primary subtag decides folding).
MatchText prepare_for_matching(const InlineText& text, std::string_view lang);
MatchText prepare_for_matching(std::string_view plain_text, std::string_view lang);

// What the score is made of.
struct ScoreBreakdown {
  int score = 0;     // final: clamp(base - penalties, 0, 100), or 101 in context
  int base = 0;      // floor(100 * (length - distance) / length); 100 when length is 0 on both sides
  int distance = 0;  // token edits between the words and numbers (base keys)
  int length = 0;    // the larger number of words and numbers of the two
  int case_penalty = 0;
  int accent_penalty = 0;
  int punctuation_penalty = 0;
  int whitespace_penalty = 0;
  int code_penalty = 0;
  int alternatives_penalty = 0;
  bool in_context = false;  // 101: identical, and the neighbouring source segments match
};

// Scores memory source `source` against `query`. `translations` is the number of
// different translations the memory holds for this source (the alternatives penalty
// applies when it is above 1, except in context); `same_context` says whether the
// previous and next source segments of the query and of the memory unit are the same.
ScoreBreakdown score_match(const MatchText& query, const MatchText& source,
                           const ScoringOptions& options = {}, int translations = 1,
                           bool same_context = false);

// The bounds a minimum score puts on a candidate, before any penalty: a source whose
// score can reach `min_score` against a query with `query_length` words and numbers has
// between min_length and max_length of them, at most max_distance(its length) edits, and
// shares at least min_shared(its length) of them with the query (as multisets). Lossless:
// every source that scores >= min_score satisfies all four. min_score must be 1..101.
struct ScoreBounds {
  int query_length = 0;
  int min_score = 0;
  int min_length = 0;
  int max_length = 0;
  int max_distance(int source_length) const;
  int min_shared(int source_length) const;
};
ScoreBounds score_bounds(int query_length, int min_score);

// Why a match is below 100: the query and the memory source side by side, as runs of
// tokens. Texts are display forms (codes as {1}, {/1}, {2/}) with inner whitespace kept.
struct DiffPart {
  enum class Kind {
    kEqual,     // the same in both (query's text; case may differ only within kReplaced)
    kInserted,  // in the query, missing from the memory source
    kDeleted,   // in the memory source, not in the query
    kReplaced,  // the memory source's words where the query has others
  };
  Kind kind = Kind::kEqual;
  std::string query;   // empty for kDeleted
  std::string source;  // empty for kInserted
};
std::vector<DiffPart> diff_match(const MatchText& query, const MatchText& source);

// Name of a diff kind for JSON: "equal", "inserted", "deleted", "replaced".
const char* diff_kind_name(DiffPart::Kind kind);

// The memory's translation made to fit the query, when the query and the memory source
// differ only in numbers and inline codes: each changed number's occurrence in `target`
// (found by value, parsed with the source language's conventions, and found exactly as
// often as in the source) is replaced by the query's number written the target language's
// way (en 250,000 and 3.5; ru and az 250 000 with U+00A0 and 3,5; ordinal suffixes
// "3rd", "3-cü" agreed); the target's codes take the ids and markup of the query's
// corresponding codes. When anything is ambiguous the target is returned unchanged and
// `adapted` is false.
struct Adaptation {
  InlineText target;
  bool adapted = false;
};
Adaptation adapt_translation(const MatchText& query, const MatchText& source, const InlineText& target,
                             std::string_view target_lang);

struct MatchOptions {
  int min_score = 50;      // 1..101; matches scoring less are not returned
  std::size_t limit = 5;   // at most this many matches, best first
  ScoringOptions scoring;
  bool adapt = true;       // adapt numbers and codes of the translations (adapt_translation)
  // Compare with every variant of the source language instead of using the index: the
  // reference the index must agree with, and slow on a large memory.
  bool exhaustive = false;
  // segment_hash of the previous and next source segments, for in-context (101) matches.
  std::optional<std::int64_t> context_prev, context_next;
};

struct FuzzyMatch {
  int score = 0;
  ScoreBreakdown breakdown;
  InlineText source;          // the memory's source-language text
  InlineText target;          // its translation, adapted when `adapted`
  std::string target_tag;     // the translation's language tag as stored
  bool adapted = false;
  std::vector<DiffPart> diff;  // empty when the score is 100 or 101
  int translations = 1;       // different translations the memory has for this source
  std::int64_t unit_id = 0;
  std::string origin_file, origin_segment;
  std::string changed_at, changed_by;  // the unit's last change (ISO 8601, may be empty)
};

// What the last lookup did, for benchmarks and tests.
struct MatcherStats {
  std::size_t postings_read = 0;  // index rows read (0 for an exhaustive scan)
  std::size_t candidates = 0;     // variants whose distance was computed
  std::size_t scored = 0;         // variants scored in full
};

// Finds a sentence's best matches in a memory. Holds a reference to `memory`, which must
// outlive it, and a connection of its own to the memory file for the index. Not
// thread-safe: one per thread. Every lookup throws Error(kIo) on SQLite failures and
// Error(kUsage) for a min_score outside 1..101 or an empty language.
//
// Results are the matches scoring at least min_score, ordered by score, then newest unit
// first, then highest unit id; a unit without a variant in the target language is not a
// match. Indexed and exhaustive lookups return the same matches (tests check it). An
// exhaustive lookup keeps the words of every variant of the source language in memory,
// read again when the memory has grown.
class FuzzyMatcher {
 public:
  // Opens the index, building it when the memory file has none (memories written before
  // it existed). Throws Error(kIo), Error(kInput).
  explicit FuzzyMatcher(TranslationMemory& memory);
  ~FuzzyMatcher();
  FuzzyMatcher(const FuzzyMatcher&) = delete;
  FuzzyMatcher& operator=(const FuzzyMatcher&) = delete;

  std::vector<FuzzyMatch> find(const InlineText& query, std::string_view from, std::string_view to,
                               const MatchOptions& options = {});
  std::vector<FuzzyMatch> find(std::string_view plain_query, std::string_view from, std::string_view to,
                               const MatchOptions& options = {});

  const MatcherStats& last_stats() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace dilmanc

#include "dilmanc/segmenter.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/regex.h>
#include <unicode/uchar.h>
#include <unicode/uniset.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdint>
#include <new>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/srx.h"
#include "dilmanc/text.h"
#include "segment/bounded_regex.h"
#include "segment/embedded_rules.h"
#include "segment/rule_prefilter.h"

namespace dilmanc {
namespace {

// How far back an unbounded quantifier in <beforebreak> may reach (see bounded_regex.h).
constexpr int kLookBehindLimit = 32;
// The window searched for <beforebreak> when ICU cannot use it as a look-behind at all.
constexpr int32_t kFallbackWindow = 96;

using Matcher = std::unique_ptr<icu::RegexMatcher>;

Matcher compile(const std::string& pattern, UErrorCode& status) {
  Matcher m(new icu::RegexMatcher(to_unicode(pattern), 0, status));
  if (U_FAILURE(status)) return nullptr;
  return m;
}

bool is_space(UChar c) { return u_isUWhiteSpace(c); }

bool is_line_break(UChar c) {
  return c == u'\n' || c == u'\r' || c == u'\v' || c == u'\f' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

}  // namespace

// One SRX rule, ready to test at any position of the current paragraph.
struct CompiledRule {
  bool is_break = true;
  std::int64_t line = 0;
  // (?=after)(?<=before): tests the whole rule in place with one anchored match. The
  // after-part comes first because it is a single cheap attempt that rejects most rules.
  Matcher test;
  // When ICU refuses <beforebreak> as a look-behind: after-part and a windowed search.
  Matcher after;
  Matcher before_in_window;  // (?:before)\z over [position - kFallbackWindow, position)
  // Break rules only: finds where the rule may apply (ends of <beforebreak> matches, or
  // starts of <afterbreak> matches); each place found is then tested with the whole rule.
  Matcher finder;
  bool finder_is_before = true;
  Matcher precheck;  // the other part, searched once per paragraph
  // The other part is anchored at the paragraph start: its search is a single attempt, so
  // it is made before the scan for places rather than after the first one.
  bool precheck_first = false;

  // The characters the after-part must start with, when the pattern tells: a cheap test
  // that spares calls into ICU at positions the rule cannot fit.
  std::unique_ptr<icu::UnicodeSet> first_char;
  // The characters the before-part can end with: most rules end in a stop or an
  // abbreviation's dot, so the character before the position rules them out at once.
  std::unique_ptr<icu::UnicodeSet> last_char;
  // The characters the after-part can end with. Rules that look ahead for a closing quote
  // or bracket scan up to hundreds of characters at every stop; when no such character
  // follows the position, the rule cannot match there.
  std::unique_ptr<icu::UnicodeSet> after_last_char;
  // What is known of where after_last_char occurs: none in [scanned_from, next_hit), one
  // at next_hit (the text's length: none up to the end). Reset for each paragraph.
  int32_t scanned_from = INT32_MAX;
  int32_t next_hit = 0;

  // Characters of which the rule's text must hold one for each part (small sets only):
  // a rule none of whose characters occur in a paragraph is skipped there.
  std::vector<std::vector<UChar>> required;
  bool possible = true;  // for the current paragraph

  void require(std::unique_ptr<icu::UnicodeSet> set) {
    if (!set || set->size() > 32 || set->getRangeEnd(set->getRangeCount() - 1) > 0xFFFF) return;
    std::vector<UChar> chars;
    for (int32_t r = 0; r < set->getRangeCount(); ++r)
      for (UChar32 c = set->getRangeStart(r); c <= set->getRangeEnd(r); ++c) chars.push_back(static_cast<UChar>(c));
    required.push_back(std::move(chars));
  }

  // The first character of after_last_char in [from, to), else `to`.
  int32_t find_after_last_char(int32_t from, int32_t to, const icu::UnicodeString& text) const {
    while (from < to) {
      UChar32 c = text.char32At(from);
      if (after_last_char->contains(c)) return from;
      from += U16_LENGTH(c);
    }
    return to;
  }

  // Positions are asked for mostly in increasing order, within one pass and then again in
  // the next, and a little backwards inside a run of spaces: extending what is known,
  // forwards or backwards, searches each character about once per pass however long the
  // paragraph and however far the next closing character.
  bool after_can_end_from(int32_t position, const icu::UnicodeString& text) {
    const int32_t n = text.length();
    if (scanned_from != INT32_MAX && position < scanned_from) {
      const int32_t hit = find_after_last_char(position, scanned_from, text);
      if (hit < scanned_from) next_hit = hit;
      scanned_from = position;
    } else if (scanned_from == INT32_MAX || (next_hit < n && position > next_hit)) {
      scanned_from = position;
      next_hit = find_after_last_char(position, n, text);
    }
    return next_hit < n;
  }

  // The cheap necessary conditions of matches_at.
  bool fits_characters_at(int32_t position, const icu::UnicodeString& text) {
    if (last_char && (position <= 0 || !last_char->contains(text.char32At(position - 1)))) return false;
    if (first_char && (position >= text.length() || !first_char->contains(text.char32At(position))))
      return false;
    return !after_last_char || after_can_end_from(position, text);
  }

  bool matches_at(int32_t position, const icu::UnicodeString& text) {
    if (!fits_characters_at(position, text)) return false;
    UErrorCode status = U_ZERO_ERROR;
    if (test) return test->lookingAt(position, status) && U_SUCCESS(status);
    if (after && !(after->lookingAt(position, status) && U_SUCCESS(status))) return false;
    if (!before_in_window) return true;
    before_in_window->region(std::max<int32_t>(0, position - kFallbackWindow), position, status);
    return before_in_window->find(status) && U_SUCCESS(status);
  }
};

struct Segmenter::Impl {
  std::string lang;
  SegmenterOptions options;
  std::unique_ptr<icu::BreakIterator> sentences;
  std::vector<CompiledRule> rules;
  std::vector<std::size_t> break_rules;  // indexes into rules
  // Work state of split(): one paragraph in UTF-16.
  icu::UnicodeString text;
  std::vector<std::uint64_t> present = std::vector<std::uint64_t>(65536 / 64);  // code units in `text`

  Impl(std::string_view language, SegmenterOptions opts, const std::vector<SrxRule>& srx_rules,
       const std::string& source);
  // Points every matcher and the break iterator at `text` after it changed.
  void load();
  // 1 break, 0 no break, -1 no rule applies. `break_rules_tried`: the break rules are
  // known not to match at `position`.
  int decide(int32_t position, bool break_rules_tried);
};

Segmenter::Impl::Impl(std::string_view language, SegmenterOptions opts,
                      const std::vector<SrxRule>& srx_rules, const std::string& source)
    : lang(language), options(opts) {
  UErrorCode status = U_ZERO_ERROR;
  sentences.reset(icu::BreakIterator::createSentenceInstance(icu::Locale(primary_language(lang).c_str()), status));
  if (U_FAILURE(status) || !sentences) throw std::runtime_error("ICU sentence break rules are missing");

  for (const SrxRule& original : srx_rules) {
    SrxRule r = original;
    r.before = segment_detail::adapt_for_icu(r.before);
    r.after = segment_detail::adapt_for_icu(r.after);
    CompiledRule rule;
    rule.is_break = r.is_break;
    rule.line = r.line;
    auto invalid = [&](const std::string& pattern, UErrorCode code) {
      Error::Location where;
      where.file = source;
      where.line = r.line;
      ThrowInput(trf("invalid regular expression \"{1}\": {2}", pattern, u_errorName(code)), where);
    };
    std::string combined;
    if (!r.after.empty()) combined += "(?=" + r.after + ")";
    if (!r.before.empty()) combined += "(?<=" + segment_detail::bound_quantifiers(r.before, kLookBehindLimit) + ")";
    status = U_ZERO_ERROR;
    rule.test = compile(combined, status);
    if (std::string set = segment_detail::item_as_set_pattern(segment_detail::first_required_item(r.after));
        !set.empty()) {
      status = U_ZERO_ERROR;
      auto first = std::make_unique<icu::UnicodeSet>(to_unicode(set), status);
      if (U_SUCCESS(status)) rule.first_char = std::move(first);
    }
    if (!r.before.empty()) rule.last_char = segment_detail::last_char_set(r.before);
    if (!r.after.empty()) rule.after_last_char = segment_detail::last_char_set(r.after);
    if (!r.before.empty()) rule.require(segment_detail::required_char_set(r.before));
    if (!r.after.empty()) rule.require(segment_detail::required_char_set(r.after));
    if (!rule.test) {
      if (!r.after.empty()) {
        status = U_ZERO_ERROR;
        rule.after = compile(r.after, status);
        if (!rule.after) invalid(r.after, status);
      }
      status = U_ZERO_ERROR;
      rule.before_in_window = compile("(?:" + r.before + ")\\z", status);
      if (!rule.before_in_window) invalid(r.before, status);
      rule.before_in_window->useTransparentBounds(true);
    }
    if (rule.is_break && !(r.before.empty() && r.after.empty())) {
      // The before-part finds candidate places fastest (its ends). One anchored at the
      // paragraph start ("^...") or running over any text (".{1,300}") matches once,
      // greedily, and would hide the places further on, so such rules are found by the
      // starts of their after-part instead.
      const bool greedy = r.before.find('^') != std::string::npos || r.before.find(".{") != std::string::npos ||
                          r.before.find(".*") != std::string::npos || r.before.find(".+") != std::string::npos;
      rule.finder_is_before = !r.before.empty() && (r.after.empty() || !greedy);
      status = U_ZERO_ERROR;
      const std::string& pattern = rule.finder_is_before ? r.before : r.after;
      rule.finder = compile(pattern, status);
      if (!rule.finder) invalid(pattern, status);
      const std::string& other = rule.finder_is_before ? r.after : r.before;
      if (!other.empty()) {
        status = U_ZERO_ERROR;
        rule.precheck = compile(other, status);
        if (!rule.precheck) invalid(other, status);
        rule.precheck_first = other[0] == '^';
      }
      break_rules.push_back(rules.size());
    }
    rules.push_back(std::move(rule));
  }
}

void Segmenter::Impl::load() {
  present.assign(present.size(), 0);
  for (int32_t i = 0; i < text.length(); ++i) {
    const UChar c = text[i];
    present[c >> 6] |= std::uint64_t{1} << (c & 63);
  }
  auto occurs = [&](UChar c) { return (present[c >> 6] >> (c & 63)) & 1; };
  for (auto& rule : rules) {
    rule.possible = std::all_of(rule.required.begin(), rule.required.end(), [&](const std::vector<UChar>& chars) {
      return std::any_of(chars.begin(), chars.end(), occurs);
    });
    rule.scanned_from = INT32_MAX;
    if (rule.test) rule.test->reset(text);
    if (rule.after) rule.after->reset(text);
    if (rule.before_in_window) rule.before_in_window->reset(text);
    if (rule.finder) rule.finder->reset(text);
    if (rule.precheck) rule.precheck->reset(text);
  }
  sentences->setText(text);
}

int Segmenter::Impl::decide(int32_t position, bool break_rules_tried) {
  for (auto& rule : rules) {
    // Where the break rules' own search found nothing, none of them matches: skip them.
    if (!rule.possible || (break_rules_tried && rule.finder)) continue;
    if (rule.matches_at(position, text)) return rule.is_break ? 1 : 0;
  }
  return -1;
}

namespace {

// A place where a sentence may end: the whitespace run [end, next) between two sentences
// (empty when they touch), and what proposed it.
struct Candidate {
  int32_t end = 0;
  int32_t next = 0;
  bool from_icu = false;
  bool forced = false;  // a line break in line-break mode
  std::vector<int32_t> inner;  // other positions inside the run that a break rule matched
};

}  // namespace

Segmenter::Segmenter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Segmenter::Segmenter(Segmenter&&) noexcept = default;
Segmenter& Segmenter::operator=(Segmenter&&) noexcept = default;
Segmenter::~Segmenter() = default;

Segmenter::Segmenter(std::string_view lang, SegmenterOptions options) {
  const std::string primary = primary_language(lang);
  const auto& embedded = segment_detail::embedded_rules();
  const segment_detail::EmbeddedRules* own = nullptr;
  const segment_detail::EmbeddedRules* generic = nullptr;
  for (const auto& e : embedded) {
    if (e.lang == primary) own = &e;
    if (e.lang == "en") generic = &e;
  }
  // A language without a file of its own still gets the language-independent rule set
  // ("Default", mapped by ".*") of the English file.
  const auto* chosen = own ? own : generic;
  std::vector<SrxRule> rules;
  std::string source;
  if (chosen) {
    source = "locales/" + std::string(chosen->lang) + "/segment.srx";
    rules = parse_srx(chosen->srx, source).rules_for(lang);
  }
  impl_ = std::make_unique<Impl>(lang, options, rules, source);
}

Segmenter Segmenter::FromSrxFile(const std::string& path, std::string_view lang, SegmenterOptions options) {
  SrxDocument doc = read_srx_file(path);
  return Segmenter(std::make_unique<Impl>(lang, options, doc.rules_for(lang), path));
}

const std::string& Segmenter::language() const { return impl_->lang; }

std::vector<SentenceSpan> Segmenter::split(std::string_view paragraph) const {
  Impl& m = *impl_;
  std::vector<SentenceSpan> spans;
  if (paragraph.empty()) return spans;
  if (paragraph.size() > static_cast<std::size_t>(INT32_MAX / 2))
    ThrowInput(tr("the paragraph is too long to segment (over 1 GB)"));

  // UTF-16 copy for ICU. Where each code unit came from is found again by walking the
  // UTF-8 text alongside, as spans come in order: a table of offsets would take eight bytes
  // per character (400 MB for a 50 MB paragraph).
  icu::UnicodeString& work = m.text;
  work.remove();
  const auto* s = reinterpret_cast<const uint8_t*>(paragraph.data());
  const int32_t length = static_cast<int32_t>(paragraph.size());
  // Written straight into the string's buffer: appending code point by code point costs
  // more than the rest of a paragraph's conversion. UTF-16 never needs more units than
  // UTF-8 has bytes.
  UChar* units = work.getBuffer(length + 1);
  if (!units) throw std::bad_alloc();
  int32_t count = 0;
  for (int32_t i = 0; i < length;) {
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) c = 0xFFFD;
    // Outside line-break mode a line break is ordinary whitespace; ICU would end a
    // sentence there, so it sees a space (same length, offsets unchanged).
    if (!m.options.line_breaks_end_sentences && c < 0x10000 && is_line_break(static_cast<UChar>(c))) c = u' ';
    U16_APPEND_UNSAFE(units, count, c);
  }
  work.releaseBuffer(count);
  m.load();
  const icu::UnicodeString& t = m.text;
  const int32_t n = t.length();

  auto run_start = [&](int32_t x) {
    while (x > 0 && is_space(t[x - 1])) --x;
    return x;
  };
  auto run_end = [&](int32_t x) {
    while (x < n && is_space(t[x])) ++x;
    return x;
  };

  std::vector<Candidate> candidates;
  auto propose = [&](int32_t x, bool from_icu, bool forced) {
    Candidate c;
    c.end = run_start(x);
    c.next = run_end(x);
    c.from_icu = from_icu;
    c.forced = forced;
    if (x != c.end && x != c.next) c.inner.push_back(x);
    candidates.push_back(std::move(c));
  };
  for (int32_t b = m.sentences->next(); b != icu::BreakIterator::DONE; b = m.sentences->next())
    if (b > 0 && b < n) propose(b, true, false);
  if (m.options.line_breaks_end_sentences)
    for (int32_t i = 0; i < n; ++i)
      if (is_line_break(t[i])) propose(i, false, true);
  std::vector<int32_t> rule_hits;  // where some break rule matches
  for (std::size_t index : m.break_rules) {
    CompiledRule& rule = m.rules[index];
    if (!rule.possible) continue;
    UErrorCode status = U_ZERO_ERROR;
    // A rule whose other part matches nowhere in the paragraph cannot apply anywhere: one
    // search spares testing the places found. It is made only once a place passes the
    // rule's character tests, as most paragraphs have no such place for most rules.
    bool prechecked = !rule.precheck;
    if (!prechecked && rule.precheck_first) {
      if (!(rule.precheck->find(status) && U_SUCCESS(status))) continue;
      prechecked = true;
    }
    while (rule.finder->find(status) && U_SUCCESS(status)) {
      int32_t x = rule.finder_is_before ? rule.finder->end(status) : rule.finder->start(status);
      if (x <= 0 || x >= n || !rule.fits_characters_at(x, t)) continue;
      if (!prechecked) {
        UErrorCode precheck_status = U_ZERO_ERROR;
        if (!(rule.precheck->find(precheck_status) && U_SUCCESS(precheck_status))) break;
        prechecked = true;
      }
      if (rule.matches_at(x, t)) {
        propose(x, false, false);
        rule_hits.push_back(x);
      }
    }
  }

  std::sort(rule_hits.begin(), rule_hits.end());
  // One decision per whitespace run.
  std::sort(candidates.begin(), candidates.end(),
            [](const Candidate& a, const Candidate& b) { return a.end < b.end; });
  std::vector<std::pair<int32_t, int32_t>> breaks;  // (end of sentence, start of next)
  for (std::size_t i = 0; i < candidates.size();) {
    Candidate merged = candidates[i];
    std::size_t j = i + 1;
    for (; j < candidates.size() && candidates[j].end == merged.end; ++j) {
      merged.from_icu = merged.from_icu || candidates[j].from_icu;
      merged.forced = merged.forced || candidates[j].forced;
      merged.inner.insert(merged.inner.end(), candidates[j].inner.begin(), candidates[j].inner.end());
    }
    i = j;
    if (merged.end == 0 || merged.next == n) continue;  // only whitespace on one side
    bool cut = merged.forced;
    if (!cut) {
      // An explicit break rule at any position of the run wins; else a no-break rule
      // vetoes; else ICU's proposal stands.
      std::vector<int32_t> positions{merged.end};
      if (merged.next != merged.end) positions.push_back(merged.next);
      positions.insert(positions.end(), merged.inner.begin(), merged.inner.end());
      bool vetoed = false;
      for (int32_t x : positions) {
        int d = m.decide(x, !std::binary_search(rule_hits.begin(), rule_hits.end(), x));
        if (d == 1) {
          cut = true;
          break;
        }
        if (d == 0) vetoed = true;
      }
      if (!cut && !vetoed) cut = merged.from_icu;
    }
    if (cut) breaks.emplace_back(merged.end, merged.next);
  }

  // The UTF-8 offset of the code point holding UTF-16 unit `unit`, for units in
  // increasing order; decoded as above, so an invalid sequence is one unit.
  int32_t unit_at = 0, byte_at = 0;  // a code point's first unit and first byte
  auto byte_offset = [&](int32_t unit) -> std::size_t {
    if (unit >= n) return paragraph.size();
    for (;;) {
      int32_t i = byte_at;
      UChar32 c;
      U8_NEXT(s, i, length, c);
      const int32_t width = c >= 0x10000 ? 2 : 1;
      if (unit_at + width > unit) return static_cast<std::size_t>(byte_at);
      unit_at += width;
      byte_at = i;
    }
  };
  int32_t start = run_end(0);
  auto emit = [&](int32_t end) {
    end = run_start(end);
    if (end > start) {
      const std::size_t begin_byte = byte_offset(start);
      spans.push_back({begin_byte, byte_offset(end)});
    }
  };
  for (auto [end, next] : breaks) {
    if (end < start) continue;
    emit(end);
    start = next;
  }
  emit(n);
  return spans;
}

std::string sentence_as_line(std::string_view sentence) {
  std::string out;
  out.reserve(sentence.size());
  for (std::size_t i = 0; i < sentence.size();) {
    char c = sentence[i];
    if (c == '\n' || c == '\r') {
      while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
      while (i < sentence.size() && (sentence[i] == '\n' || sentence[i] == '\r' || sentence[i] == ' ' ||
                                     sentence[i] == '\t'))
        ++i;
      out += ' ';
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

}  // namespace dilmanc

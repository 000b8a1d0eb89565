// Target states of XLIFF 1.2 and 2.x and the mapping between them.
#include <array>
#include <string>
#include <utility>

#include "dilmanc/messages.h"
#include "dilmanc/xliff.h"

namespace dilmanc {
namespace {

constexpr std::array<std::pair<XliffState, std::string_view>, 10> k12Names{{
    {XliffState::kNew, "new"},
    {XliffState::kNeedsTranslation, "needs-translation"},
    {XliffState::kNeedsAdaptation, "needs-adaptation"},
    {XliffState::kNeedsL10n, "needs-l10n"},
    {XliffState::kNeedsReviewTranslation, "needs-review-translation"},
    {XliffState::kNeedsReviewAdaptation, "needs-review-adaptation"},
    {XliffState::kNeedsReviewL10n, "needs-review-l10n"},
    {XliffState::kTranslated, "translated"},
    {XliffState::kSignedOff, "signed-off"},
    {XliffState::kFinal, "final"},
}};

}  // namespace

std::string_view xliff12_state_name(XliffState state) {
  for (const auto& [s, name] : k12Names)
    if (s == state) return name;
  return "";
}

std::string_view xliff2_state_name(XliffState state) {
  switch (state) {
    case XliffState::kUnspecified:
    case XliffState::kNew:
    case XliffState::kNeedsTranslation:
    case XliffState::kNeedsAdaptation:
    case XliffState::kNeedsL10n: return "initial";
    case XliffState::kNeedsReviewTranslation:
    case XliffState::kNeedsReviewAdaptation:
    case XliffState::kNeedsReviewL10n:
    case XliffState::kTranslated: return "translated";
    case XliffState::kSignedOff: return "reviewed";
    case XliffState::kFinal: return "final";
  }
  return "initial";
}

XliffState parse_xliff_state(std::string_view name, XliffVersion version) {
  if (version == XliffVersion::k12) {
    for (const auto& [s, n] : k12Names)
      if (n == name) return s;
    return XliffState::kUnspecified;
  }
  if (name == "initial") return XliffState::kNeedsTranslation;
  if (name == "translated") return XliffState::kTranslated;
  if (name == "reviewed") return XliffState::kSignedOff;
  if (name == "final") return XliffState::kFinal;
  return XliffState::kUnspecified;
}

bool xliff_state_is_translated(XliffState state) {
  switch (state) {
    case XliffState::kNeedsReviewTranslation:
    case XliffState::kNeedsReviewAdaptation:
    case XliffState::kNeedsReviewL10n:
    case XliffState::kTranslated:
    case XliffState::kSignedOff:
    case XliffState::kFinal: return true;
    default: return false;
  }
}

std::string xliff_memory_exclusion(const XliffSegment& s, XliffVersion version) {
  if (s.ignorable || !s.has_target) return tr("the segment has no target");
  if (s.approved) return "";
  const std::string state(version == XliffVersion::k12 ? xliff12_state_name(s.state) : xliff2_state_name(s.state));
  switch (s.state) {
    case XliffState::kNeedsTranslation:
    case XliffState::kNeedsAdaptation:
    case XliffState::kNeedsL10n: return trf("its state, {1}, says it still needs translation", state);
    case XliffState::kNeedsReviewTranslation:
    case XliffState::kNeedsReviewAdaptation:
    case XliffState::kNeedsReviewL10n: return trf("its state, {1}, says it awaits review", state);
    case XliffState::kTranslated: {
      // XLIFF 2 has no state for "prefilled, to review": extract writes a fuzzy match as
      // translated with the qualifier fuzzy-match, and only a changed target shows that
      // someone worked on it. (1.2 says needs-review-translation, caught above.)
      if (version == XliffVersion::k12 || s.state_qualifier != "fuzzy-match") return "";
      const std::string target = plain_text(s.target);
      for (const XliffMatch& m : s.matches)
        if (!m.in_context && m.score < 100 && plain_text(m.target) == target)
          return tr("it is the prefilled fuzzy match, unchanged");
      return "";
    }
    case XliffState::kSignedOff:
    case XliffState::kFinal: return "";
    case XliffState::kUnspecified:
    case XliffState::kNew:
      // Tools that keep no state (OmegaT leaves the "new" it was given, Okapi writes none):
      // the target's content is all there is to judge by.
      if (plain_text(s.target) == plain_text(s.source))
        return tr("it is a copy of the source, and no state says it was translated");
      return "";
  }
  return "";
}

}  // namespace dilmanc

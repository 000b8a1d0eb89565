// Target states of XLIFF 1.2 and 2.x and the mapping between them.
#include <array>
#include <utility>

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

}  // namespace dilmanc

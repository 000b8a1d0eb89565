// A cheap necessary condition for an SRX <beforebreak> pattern: the characters its match can
// end with.
//
// Testing a rule at a position costs a regular-expression look-behind, tried by ICU from
// every start it allows. Most rules can only match text that ends in one of a few
// characters ("\.", "[.!?]["')]{0,2}"), so one look at the character before the position
// rules them out almost everywhere.
#pragma once

#include <unicode/uniset.h>

#include <memory>
#include <string_view>

namespace dilmanc::segment_detail {

// The set of characters that the last character of every non-empty match of `pattern` (an
// ICU regular expression) belongs to, or null when that cannot be told or the pattern may
// match the empty string. Conservative: the set may hold more than the pattern can end with,
// never less. Null for any construct it does not understand (back-references, \w, \Q...).
std::unique_ptr<icu::UnicodeSet> last_char_set(std::string_view pattern);

// A set of characters of which every match of `pattern` holds at least one (the smallest
// such set among its required items), or null when that cannot be told. A rule whose set
// has no character in a paragraph cannot match anywhere in it. Conservative, like
// last_char_set.
std::unique_ptr<icu::UnicodeSet> required_char_set(std::string_view pattern);

}  // namespace dilmanc::segment_detail

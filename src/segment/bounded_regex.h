// Rewrites an ICU regular expression so that ICU accepts it inside a look-behind.
//
// SRX rules test the text that ends at a candidate break with <beforebreak>. ICU can test
// that in place, without scanning the whole paragraph, as a look-behind (?<=...), but only
// for patterns of bounded length. Unbounded quantifiers (*, +, {n,}) are therefore capped at
// `limit` repetitions; a rule then sees at most that much of a repeated item before the
// position, which is how other SRX engines (loomchild's segment, for one) apply such rules.
#pragma once

#include <string>
#include <string_view>

namespace dilmanc::segment_detail {

// Returns `pattern` with *, + and {n,} replaced by {0,limit}, {1,limit} and {n,limit};
// lazy and possessive suffixes, escapes, \Q...\E quotes and [...] sets are kept as they are.
std::string bound_quantifiers(std::string_view pattern, int limit);

}  // namespace dilmanc::segment_detail

namespace dilmanc::segment_detail {

// The first item of a pattern when every match must start with one character it describes:
// a set ("[.!?]"), a class escape ("\s", "\d", "\p{Lu}"), an escaped or plain literal; not
// optional ("?", "*", "{0,") and with no alternation at the top level. Empty when there is
// none or it cannot be told. A segmenter tests that character before calling ICU.
std::string first_required_item(std::string_view pattern);

// The item as a UnicodeSet pattern ("\s" -> "[:White_Space:]"), or empty when ICU's sets
// would read it differently from its regular expressions.
std::string item_as_set_pattern(std::string_view item);

}  // namespace dilmanc::segment_detail

namespace dilmanc::segment_detail {

// `pattern` as ICU can compile it. Java, the dialect of most SRX files, accepts some
// look-behinds of unbounded length ("(?<=[XVI]+)"); ICU refuses them, so such a pattern
// gets its quantifiers bounded by `limit` (an approximation). Any other pattern, and any
// pattern that still does not compile, is returned as it is, for the caller to report.
std::string adapt_for_icu(std::string_view pattern, int limit = 32);

}  // namespace dilmanc::segment_detail

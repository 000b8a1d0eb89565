// The keys the fuzzy index stores for a variant: the base keys of its words and numbers,
// exactly as prepare_for_matching() computes them, without the rest of its work.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace dilmanc {

// `marker_text` valid UTF-8; `lang` any tag (its primary subtag decides folding).
std::vector<std::uint64_t> content_base_keys(std::string_view marker_text, std::string_view lang);

}  // namespace dilmanc

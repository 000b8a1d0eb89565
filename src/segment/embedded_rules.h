// The segmentation rules compiled into the library from locales/<lang>/segment.srx.
#pragma once

#include <string_view>
#include <vector>

namespace dilmanc::segment_detail {

struct EmbeddedRules {
  std::string_view lang;  // "az", "en", "ru"
  std::string_view srx;   // the SRX 2.0 document
};

const std::vector<EmbeddedRules>& embedded_rules();

}  // namespace dilmanc::segment_detail

// Reading finished translations out of XLIFF 1.2 and 2.x files for the memory.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "dilmanc/tmx.h"

namespace dilmanc::memory {

// Calls `yield` for every trans-unit (1.2) or segment (2.x): a unit made of the source and
// target when it is finished (1.2: approved="yes" or a target state translated, final or
// signed-off; 2.x: state translated or final), else an entry marked skipped with its
// reason. Units under translate="no" (their own or a group's) are skipped. The file is
// streamed with TmxReader's settings (XmlReader) and each unit read by the XLIFF reader
// merge uses (xliff_detail::UnitStream): inline codes, languages and refusals as
// docs/xliff-mapping.md says. Throws Error(kIo) when the file cannot be read and
// Error(kInput) naming `display_name`, with line and column, for malformed XML, entities,
// and what the XLIFF reader refuses in a unit or its file's attributes.
void read_xliff(const std::string& path, const std::string& display_name,
                const std::function<void(TmxEntry&)>& yield,
                const std::function<void(std::int64_t bytes)>& progress);

}  // namespace dilmanc::memory

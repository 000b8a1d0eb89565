// The readers and writers of each format, behind formats.h.
#pragma once

#include <string>
#include <string_view>

#include "dilmanc/document.h"

namespace dilmanc::formats {

Document parse_text(std::string_view bytes, const std::string& source_name);
std::string render_text(const Document& document);

Document parse_html(std::string_view bytes, const std::string& source_name);
std::string render_html(const Document& document);

// Throws Error(kInput) when `bytes` hold a NUL byte (a binary file, not an article).
void reject_binary(std::string_view bytes, const std::string& source_name);

// Throws Error(kInput) naming the line when `text` holds an inline-code marker character.
void reject_markers(std::string_view text, const std::string& source_name);

// `text` (valid UTF-8) in NFC. Text of code points below U+0300 and code markers only
// (most English text) is NFC already and is not given to ICU.
std::string nfc_text(std::string_view text);

// 1-based line of byte `offset`.
std::int64_t line_at(std::string_view bytes, std::size_t offset);

}  // namespace dilmanc::formats

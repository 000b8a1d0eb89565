// Writing XML through libxml2's xmlTextWriter into memory, and saving files atomically.
#pragma once

#include <libxml/xmlwriter.h>

#include <filesystem>
#include <string>
#include <string_view>

namespace dilmanc::xml {

// An XML document being written to a memory buffer, UTF-8, with a declaration.
// Throws Error(kUsage) when asked to write text that XML cannot hold (invalid UTF-8,
// control characters), naming `what` (set by the caller to the unit being written).
class Writer {
 public:
  Writer();
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void start(const char* name);
  void start_ns(const char* prefix, const char* name, const char* uri = nullptr);
  void attr(const char* name, std::string_view value);
  void attr_ns(const char* prefix, const char* name, std::string_view value, const char* uri = nullptr);
  void text(std::string_view text);
  void end();
  void empty(const char* name) { start(name), end(); }

  // Ends every open element and returns the document.
  std::string finish();

  // Names the part being written, for error messages.
  std::string what;

 private:
  void check(int rc);
  void validate(const std::string& value) const;
  xmlBufferPtr buffer_;
  xmlTextWriterPtr writer_;
};

// Replaces `path` with `data`: written to a temporary file in the same folder, flushed,
// then renamed over it. Throws Error(kIo) naming the path when any step fails; the
// temporary file is removed then.
void write_file_atomically(const std::filesystem::path& path, std::string_view data);

}  // namespace dilmanc::xml

// Writing XML through libxml2's xmlTextWriter into memory, and saving files atomically.
#pragma once

#include <libxml/xmlwriter.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

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

// Refuses an output folder that exists as something else: Error(kUsage) naming it.
void check_output_folder(const std::filesystem::path& dir);

// Creates `dir` and its missing parents, and returns the folders it created, deepest first,
// for remove_created_folders() when what was to go in them fails. Throws Error(kUsage) as
// check_output_folder(), Error(kIo) naming the folder when it cannot be created.
std::vector<std::filesystem::path> create_output_folder(const std::filesystem::path& dir);

// Removes those of `created` that are still empty; never throws.
void remove_created_folders(const std::vector<std::filesystem::path>& created) noexcept;

}  // namespace dilmanc::xml

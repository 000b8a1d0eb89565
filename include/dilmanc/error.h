// dilmanc::Error: the one exception type the library throws for bad input, bad usage and
// failed I/O. Every function in include/dilmanc/ that can fail says which kinds it throws.
//
// An Error carries where the problem is (a file, a line and column or a byte offset, when
// known) and a cause already translated into the interface language (see messages.h), so
// the command line prints it as "dilmanc: FILE:LINE:COLUMN: cause" without knowing more.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace dilmanc {

// Where a problem is. Unknown parts stay at their defaults and are left out of messages.
struct ErrorLocation {
  std::string file;          // empty when the input has no name
  std::int64_t line = 0;     // 1-based; 0 when unknown
  std::int64_t column = 0;   // 1-based; 0 when unknown
  std::int64_t offset = -1;  // byte offset into the input; -1 when unknown
};

class Error : public std::runtime_error {
 public:
  enum class Kind {
    kInput,  // the data is wrong: malformed file, invalid UTF-8, unknown id... (exit 1)
    kIo,     // the file system refused: missing file, no permission, disk full (exit 1)
    kUsage,  // the caller asked for something that cannot be done as asked (exit 2)
  };

  using Location = ErrorLocation;

  Error(Kind kind, std::string cause, Location where = {});

  Kind kind() const { return kind_; }
  const std::string& cause() const { return cause_; }
  const Location& where() const { return where_; }

  // "FILE:LINE:COLUMN: cause", omitting the parts that are unknown.
  static std::string Describe(const std::string& cause, const Location& where);

 private:
  Kind kind_;
  std::string cause_;
  Location where_;
};

// Shorthands for the common cases.
[[noreturn]] void ThrowInput(std::string cause, Error::Location where = {});
[[noreturn]] void ThrowIo(std::string cause, Error::Location where = {});
[[noreturn]] void ThrowUsage(std::string cause);

}  // namespace dilmanc

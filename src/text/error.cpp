#include "dilmanc/error.h"

#include <utility>

namespace dilmanc {

Error::Error(Kind kind, std::string cause, Location where)
    : std::runtime_error(Describe(cause, where)),
      kind_(kind),
      cause_(std::move(cause)),
      where_(std::move(where)) {}

std::string Error::Describe(const std::string& cause, const Location& where) {
  std::string out;
  if (!where.file.empty()) {
    out += where.file;
    if (where.line > 0) {
      out += ':' + std::to_string(where.line);
      if (where.column > 0) out += ':' + std::to_string(where.column);
    }
    out += ": ";
  }
  out += cause;
  return out;
}

void ThrowInput(std::string cause, Error::Location where) {
  throw Error(Error::Kind::kInput, std::move(cause), std::move(where));
}
void ThrowIo(std::string cause, Error::Location where) {
  throw Error(Error::Kind::kIo, std::move(cause), std::move(where));
}
void ThrowUsage(std::string cause) { throw Error(Error::Kind::kUsage, std::move(cause)); }

}  // namespace dilmanc

#include "cli/command.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc::cli {
namespace {
std::vector<Command>& registry() {
  static std::vector<Command> r;
  return r;
}
}  // namespace

Registrar::Registrar(const Command& command) {
  auto& r = registry();
  r.push_back(command);
  std::sort(r.begin(), r.end(), [](const Command& a, const Command& b) { return a.order < b.order; });
}

const std::vector<Command>& commands() { return registry(); }

std::string read_input(const std::string& path, Context& ctx) {
  if (path == "-") {
    std::ostringstream buffer;
    buffer << ctx.in.rdbuf();
    return buffer.str();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    Error::Location where;
    where.file = path;
    ThrowIo(tr("cannot open the file for reading"), where);
  }
  std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  if (file.bad()) {
    Error::Location where;
    where.file = path;
    ThrowIo(tr("cannot read the file"), where);
  }
  return data;
}

const std::string& checked_language(const std::string& lang) {
  if (!known_language(lang)) ThrowUsage(trf("unknown language code '{1}'", lang));
  return lang;
}

std::vector<std::string> checked_language_list(const std::string& list) {
  std::vector<std::string> out;
  std::stringstream in(list);
  for (std::string lang; std::getline(in, lang, ',');)
    if (!lang.empty()) out.push_back(checked_language(lang));
  return out;
}

void check_text(std::string_view text, Error::Location where) {
  if (auto bad = find_invalid_utf8(text)) {
    where.offset = static_cast<std::int64_t>(*bad);
    ThrowInput(tr("the text is not valid UTF-8"), where);
  }
  if (const std::size_t nul = text.find('\0'); nul != std::string_view::npos) {
    where.offset = static_cast<std::int64_t>(nul);
    ThrowInput(trf("the text contains a NUL byte (at byte offset {1})", std::to_string(nul)), where);
  }
}

std::string json_quote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          static const char* hex = "0123456789abcdef";
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

}  // namespace dilmanc::cli

#include "memory/code_format.h"

#include <charconv>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"

namespace dilmanc::memory {
namespace {

void append_field(std::string& out, std::string_view field) {
  out += std::to_string(field.size());
  out += ':';
  out += field;
}

[[noreturn]] void corrupt() { ThrowInput(tr("the memory holds damaged inline-code data")); }

std::size_t read_number(std::string_view data, std::size_t& pos) {
  std::size_t value = 0;
  auto [end, ec] = std::from_chars(data.data() + pos, data.data() + data.size(), value);
  if (ec != std::errc() || end == data.data() + pos) corrupt();
  pos = static_cast<std::size_t>(end - data.data());
  return value;
}

void expect(std::string_view data, std::size_t& pos, char c) {
  if (pos >= data.size() || data[pos] != c) corrupt();
  ++pos;
}

std::string read_field(std::string_view data, std::size_t& pos) {
  std::size_t length = read_number(data, pos);
  expect(data, pos, ':');
  if (length > data.size() - pos) corrupt();
  std::string field(data.substr(pos, length));
  pos += length;
  return field;
}

}  // namespace

std::string serialize_codes(const std::vector<InlineCode>& codes) {
  std::string out;
  for (const auto& c : codes) {
    out += c.kind == InlineCode::Kind::kOpening ? 'o' : c.kind == InlineCode::Kind::kClosing ? 'c' : 'p';
    out += std::to_string(c.id);
    if (c.isolated) out += 'i';
    out += ':';
    append_field(out, c.name);
    out += ':';
    append_field(out, c.original);
  }
  return out;
}

std::vector<InlineCode> parse_codes(std::string_view data) {
  std::vector<InlineCode> codes;
  std::size_t pos = 0;
  while (pos < data.size()) {
    InlineCode c;
    switch (data[pos++]) {
      case 'o': c.kind = InlineCode::Kind::kOpening; break;
      case 'c': c.kind = InlineCode::Kind::kClosing; break;
      case 'p': c.kind = InlineCode::Kind::kPlaceholder; break;
      default: corrupt();
    }
    c.id = static_cast<int>(read_number(data, pos));
    if (pos < data.size() && data[pos] == 'i') {
      c.isolated = true;
      ++pos;
    }
    expect(data, pos, ':');
    c.name = read_field(data, pos);
    expect(data, pos, ':');
    c.original = read_field(data, pos);
    codes.push_back(std::move(c));
  }
  return codes;
}

}  // namespace dilmanc::memory

// Format detection, reading files, atomic writing.
#include "dilmanc/formats.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "formats/format_parts.h"

namespace dilmanc {

const char* format_name(Format format) { return format == Format::kHtml ? "html" : "text"; }

std::optional<Format> parse_format_name(std::string_view name) {
  if (name == "text" || name == "txt") return Format::kText;
  if (name == "html" || name == "htm" || name == "xhtml") return Format::kHtml;
  return std::nullopt;
}

Format detect_format(std::string_view path, std::string_view bytes) {
  std::string ext = std::filesystem::path(std::string(path)).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  if (ext == ".txt" || ext == ".text") return Format::kText;
  if (ext == ".html" || ext == ".htm" || ext == ".xhtml") return Format::kHtml;
  // Other names: markup at the start (after a byte-order mark and whitespace) means HTML.
  std::size_t i = bytes.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
  while (i < bytes.size() && std::isspace(static_cast<unsigned char>(bytes[i]))) ++i;
  std::string head(bytes.substr(i, 64));
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string_view start : {"<!doctype html", "<html", "<?xml", "<!--"})
    if (head.rfind(start, 0) == 0) return Format::kHtml;
  // A fragment that starts with an HTML element's tag: "<p>", "<h2 class=...>", "<div>".
  static const char* const kElements[] = {
      "a", "article", "aside", "b", "blockquote", "body", "br", "dd", "div", "dl", "dt", "em",
      "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
      "i", "img", "li", "main", "meta", "nav", "ol", "p", "section", "span", "strong", "table",
      "title", "ul"};
  if (head.size() > 1 && head[0] == '<') {
    std::size_t end = 1;
    while (end < head.size() && std::isalnum(static_cast<unsigned char>(head[end]))) ++end;
    const std::string name = head.substr(1, end - 1);
    const bool delimited = end < head.size() && (head[end] == '>' || head[end] == '/' ||
                                                 std::isspace(static_cast<unsigned char>(head[end])));
    if (delimited)
      for (const char* element : kElements)
        if (name == element) return Format::kHtml;
  }
  return Format::kText;
}

Document parse_document(std::string_view bytes, Format format, const std::string& source_name) {
  return format == Format::kHtml ? formats::parse_html(bytes, source_name)
                                 : formats::parse_text(bytes, source_name);
}

Document read_document(const std::string& path, const ReadOptions& options) {
  Error::Location where;
  where.file = path;
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowIo(tr("cannot open the file for reading"), where);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) ThrowIo(tr("cannot read the file"), where);
  std::string bytes = std::move(buffer).str();
  Format format = options.format ? *options.format : detect_format(path, bytes);
  return parse_document(bytes, format, path);
}

std::string render_document(const Document& document) {
  return document.format == Format::kHtml ? formats::render_html(document) : formats::render_text(document);
}

void write_document(const Document& document, const std::string& path) {
  std::string bytes = render_document(document);  // rendering fails before anything is written
  Error::Location where;
  where.file = path;
  std::filesystem::path target(path);
  std::string pattern = (target.has_parent_path() ? target.parent_path() / "" : std::filesystem::path()).string() +
                        "." + target.filename().string() + ".XXXXXX";
  int fd = ::mkstemp(pattern.data());
  if (fd < 0) ThrowIo(trf("cannot create a temporary file in the target folder: {1}", std::strerror(errno)), where);
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  bool ok = true;
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  int saved = errno;
  // The new file gets the usual permissions of a created file, not mkstemp's 0600.
  mode_t mask = ::umask(0);
  ::umask(mask);
  if (ok && ::fchmod(fd, 0666 & ~mask) != 0) ok = false, saved = errno;
  if (ok && ::fsync(fd) != 0) ok = false, saved = errno;
  if (::close(fd) != 0 && ok) ok = false, saved = errno;
  if (ok && std::rename(pattern.c_str(), path.c_str()) != 0) ok = false, saved = errno;
  if (!ok) {
    ::unlink(pattern.c_str());
    ThrowIo(trf("cannot write the file: {1}", std::strerror(saved)), where);
  }
}

namespace formats {

std::int64_t line_at(std::string_view bytes, std::size_t offset) {
  offset = std::min(offset, bytes.size());
  return 1 + std::count(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(offset), '\n');
}

std::string nfc_text(std::string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0xCC) continue;  // U+0000..U+02FF (and continuation bytes): starters, always NFC
    InlineCode::Kind kind;
    if (marker_at(text, i, &kind)) {
      i += kMarkerBytes - 1;
      continue;
    }
    return to_nfc(text);
  }
  return std::string(text);
}

void reject_binary(std::string_view bytes, const std::string& source_name) {
  std::size_t nul = bytes.find('\0');
  if (nul == std::string_view::npos) return;
  Error::Location where;
  where.file = source_name;
  where.offset = static_cast<std::int64_t>(nul);
  ThrowInput(trf("this is a binary file, not an article (a NUL byte at byte offset {1})", std::to_string(nul)),
             where);
}

void reject_markers(std::string_view text, const std::string& source_name) {
  InlineCode::Kind kind;
  for (std::size_t i = text.find('\xEE'); i != std::string_view::npos; i = text.find('\xEE', i + 1)) {
    if (!marker_at(text, i, &kind)) continue;
    Error::Location where;
    where.file = source_name;
    where.line = line_at(text, i);
    where.offset = static_cast<std::int64_t>(i);
    ThrowInput(tr("the text contains a private-use character (U+E101 to U+E103) reserved for inline codes"),
               where);
  }
}

}  // namespace formats
}  // namespace dilmanc

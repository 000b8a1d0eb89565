#include "xliff/xml_output.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"

namespace dilmanc::xml {
namespace {
const xmlChar* X(const char* s) { return reinterpret_cast<const xmlChar*>(s); }

bool xml_char_ok(unsigned char c) { return c >= 0x20 || c == '\t' || c == '\n' || c == '\r'; }
}  // namespace

Writer::Writer() : buffer_(xmlBufferCreate()), writer_(nullptr) {
  if (buffer_) writer_ = xmlNewTextWriterMemory(buffer_, 0);
  if (!writer_) ThrowIo(tr("out of memory while writing XML"));
  check(xmlTextWriterSetIndent(writer_, 0));
  check(xmlTextWriterStartDocument(writer_, "1.0", "UTF-8", nullptr));
}

Writer::~Writer() {
  if (writer_) xmlFreeTextWriter(writer_);
  if (buffer_) xmlBufferFree(buffer_);
}

void Writer::check(int rc) {
  if (rc < 0) ThrowIo(tr("out of memory while writing XML"));
}

void Writer::validate(const std::string& v) const {
  if (find_invalid_utf8(v)) ThrowUsage(trf("{1}: the text is not valid UTF-8", what));
  for (unsigned char c : v)
    if (!xml_char_ok(c)) ThrowUsage(trf("{1}: the text holds a control character that XML cannot carry", what));
}

void Writer::start(const char* name) { check(xmlTextWriterStartElement(writer_, X(name))); }

void Writer::start_ns(const char* prefix, const char* name, const char* uri) {
  check(xmlTextWriterStartElementNS(writer_, X(prefix), X(name), uri ? X(uri) : nullptr));
}

void Writer::attr(const char* name, std::string_view value) {
  std::string v(value);
  validate(v);
  check(xmlTextWriterWriteAttribute(writer_, X(name), X(v.c_str())));
}

void Writer::attr_ns(const char* prefix, const char* name, std::string_view value, const char* uri) {
  std::string v(value);
  validate(v);
  check(xmlTextWriterWriteAttributeNS(writer_, X(prefix), X(name), uri ? X(uri) : nullptr, X(v.c_str())));
}

void Writer::text(std::string_view text) {
  if (text.empty()) return;
  std::string v(text);
  validate(v);
  check(xmlTextWriterWriteString(writer_, X(v.c_str())));
}

void Writer::end() { check(xmlTextWriterEndElement(writer_)); }

std::string Writer::finish() {
  check(xmlTextWriterEndDocument(writer_));
  check(xmlTextWriterFlush(writer_));
  return std::string(reinterpret_cast<const char*>(xmlBufferContent(buffer_)),
                     static_cast<std::size_t>(xmlBufferLength(buffer_)));
}

void write_file_atomically(const std::filesystem::path& path, std::string_view data) {
  namespace fs = std::filesystem;
  const std::string where = path.string();
  std::random_device rd;
  fs::path temp = path;
  temp += ".tmp";
  temp += std::to_string(rd() % 1000000);
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) ThrowIo(trf("cannot create the file: {1}", std::strerror(errno)), {where});
  auto fail = [&](int err) {
    ::close(fd);
    ::unlink(temp.c_str());
    ThrowIo(trf("cannot write the file: {1}", std::strerror(err)), {where});
  };
  const char* p = data.data();
  std::size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail(errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) fail(errno);
  if (::close(fd) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    ThrowIo(trf("cannot write the file: {1}", std::strerror(err)), {where});
  }
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(temp.c_str());
    ThrowIo(trf("cannot write the file: {1}", std::strerror(err)), {where});
  }
}

void check_output_folder(const std::filesystem::path& dir) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec))
    ThrowUsage(trf("the output folder '{1}' is a file, not a folder", dir.string()));
}

std::vector<std::filesystem::path> create_output_folder(const std::filesystem::path& dir) {
  namespace fs = std::filesystem;
  check_output_folder(dir);
  std::vector<fs::path> created;
  std::error_code ec;
  // The missing folders, from `dir` up to the first that exists.
  fs::path p = fs::absolute(dir, ec).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();  // "out/" names "out"
  for (; !p.empty() && p != p.parent_path() && !fs::exists(p, ec); p = p.parent_path()) created.push_back(p);
  for (auto it = created.rbegin(); it != created.rend(); ++it) {
    std::error_code exists;
    if (fs::create_directory(*it, ec) || fs::is_directory(*it, exists)) continue;
    const std::string cause = ec ? ec.message() : tr("a file of that name is in the way");
    remove_created_folders(created);
    ThrowIo(trf("cannot create the folder: {1}", cause), {it->string()});
  }
  return created;
}

void remove_created_folders(const std::vector<std::filesystem::path>& created) noexcept {
  for (const auto& dir : created) {
    std::error_code ignored;
    if (std::filesystem::is_empty(dir, ignored)) std::filesystem::remove(dir, ignored);
  }
}

}  // namespace dilmanc::xml

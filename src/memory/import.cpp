// import_file: one exchange file into the memory, all or nothing.
#include <filesystem>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/tmx.h"
#include "memory/xliff_import.h"
#include "memory/xml_reader.h"

namespace dilmanc {
namespace {

std::string root_element(const std::string& path) {
  memory::XmlReader xml(path, path);
  while (xml.read())
    if (xml.is_element()) return xml.local_name();
  xml.fail(tr("the file holds no XML element"));
}

}  // namespace

ImportSummary import_file(TranslationMemory& memory, const std::string& path, const ImportOptions& options) {
  ImportSummary summary;
  summary.file = path;
  const std::string root = root_element(path);
  std::error_code ec;
  const auto total = static_cast<std::int64_t>(std::filesystem::file_size(path, ec));

  TranslationMemory::Batch batch(memory);
  auto consume = [&](TmxEntry& entry) {
    ++summary.read;
    for (auto& note : entry.notes) summary.notes.push_back({entry.line, std::move(note)});
    if (entry.skipped) {
      ++summary.skipped;
      summary.skips.push_back({entry.line, entry.reason});
    } else if (memory.add(entry.unit).outcome == AddResult::Outcome::kAdded) {
      ++summary.added;
    } else {
      ++summary.updated;
    }
    if (options.after_unit) options.after_unit(summary.read);
  };
  if (root == "tmx") {
    TmxReader reader(path);
    TmxEntry entry;
    while (reader.next(entry)) {
      consume(entry);
      if (options.progress && summary.read % 1024 == 0) options.progress(reader.bytes_read(), total);
    }
  } else if (root == "xliff") {
    memory::read_xliff(path, path, consume, [&](std::int64_t done) {
      if (options.progress) options.progress(done, total);
    });
  } else {
    Error::Location where;
    where.file = path;
    ThrowInput(trf("the root element is <{1}>: expected <tmx> (TMX) or <xliff> (XLIFF)", root), where);
  }
  batch.commit();
  if (options.progress) options.progress(total, total);
  return summary;
}

}  // namespace dilmanc

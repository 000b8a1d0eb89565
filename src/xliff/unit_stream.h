// The XLIFF reader one unit at a time, for a streaming parser (the memory's import): the
// file is never held whole. Each unit is read exactly as parse_xliff() reads it.
#pragma once

#include <libxml/tree.h>

#include <memory>
#include <string>

#include "dilmanc/xliff.h"

namespace dilmanc::xliff_detail {

class UnitStream {
 public:
  // `name` names the file in errors.
  explicit UnitStream(const std::string& name);
  ~UnitStream();
  UnitStream(const UnitStream&) = delete;
  UnitStream& operator=(const UnitStream&) = delete;

  // To call at each <file> start element, before its units.
  void new_file();

  // Reads `node`, a trans-unit (1.2) or unit (2.x) element the parser expanded with its
  // ancestors up to the root still attached. False when it is not a unit of the document's
  // XLIFF namespace inside a <file>. Sets the document's version, the fields of its <file>
  // (no units; 1.2 header and 2.x file notes and metadata are not read) and the unit.
  // Throws Error(kInput) as parse_xliff() does for the root, the file's required
  // attributes, the unit, a unit id used twice in a file, and for an entity reference in
  // the unit (a streaming parser leaves them in place). Checks parse_xliff() makes on the
  // whole of a 2.x document (file and group ids, empty files, file notes) are not made.
  bool read(const xmlNode* node, XliffVersion& version, XliffFile& file, XliffUnit& unit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dilmanc::xliff_detail

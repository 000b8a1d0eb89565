// Reading SRX 2.0 segmentation rules (the LISA format that OmegaT, Okapi and LanguageTool
// exchange): named sets of ordered break / no-break rules, each a pair of ICU regular
// expressions (the text before the break position and the text after it), and the map from
// language codes to rule sets.
//
// Reading checks everything a segmenter will rely on: the document is well-formed XML with
// an <srx> root, every rule's `break` is "yes" or "no", every <languagemap> names a rule set
// that exists, and every regular expression compiles with ICU. Elements of other namespaces
// (Okapi's extensions) and <formathandle> are ignored. SRX documents are plain values: copy
// them freely; all functions here are thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace dilmanc {

struct SrxRule {
  bool is_break = true;  // break="yes" (the SRX default) or break="no"
  std::string before;    // <beforebreak>: ICU regex that must match the text ending at the position
  std::string after;     // <afterbreak>: ICU regex that must match the text starting there
  std::int64_t line = 0; // line of the <rule> element, for messages
};

struct SrxLanguageRules {
  std::string name;  // languagerulename
  std::vector<SrxRule> rules;
};

struct SrxLanguageMap {
  std::string language_pattern;  // ICU regex matched against the whole language code
  std::string rule_name;         // the SrxLanguageRules it selects
  std::int64_t line = 0;
};

struct SrxDocument {
  std::string source;  // the file name (or the name given to parse_srx), for messages
  bool cascade = false;
  std::vector<SrxLanguageRules> language_rules;
  std::vector<SrxLanguageMap> maps;

  // The rules that apply to language code `lang`, in order: with cascade, the rules of every
  // map whose pattern matches `lang`, map by map; without, those of the first matching map
  // only. `lang` is tried as given, then by its primary subtag ("az-Latn-AZ" -> "az").
  // Empty when no map matches.
  std::vector<SrxRule> rules_for(std::string_view lang) const;
};

// Parses an SRX 2.0 document held in memory; `source` names it in errors. Throws
// Error(kInput) with file and line when the XML is not well-formed, the root is not <srx>,
// a rule or map is incomplete, a map names an unknown rule set, or a regular expression
// does not compile.
SrxDocument parse_srx(std::string_view xml, const std::string& source);

// Reads and parses an SRX file. Throws Error(kIo) when it cannot be read, and the errors of
// parse_srx otherwise.
SrxDocument read_srx_file(const std::string& path);

}  // namespace dilmanc

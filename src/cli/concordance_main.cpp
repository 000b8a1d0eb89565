// dilmanc concordance: units whose text in one language contains a phrase.
#include <string>
#include <vector>

#include "cli/command.h"
#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc::cli {
namespace {

constexpr const char* kHighlight = "\x1b[1;33m";
constexpr const char* kReset = "\x1b[0m";

void declare(po::options_description& options, po::positional_options_description& positional) {
  options.add_options()("lang", po::value<std::string>()->required()->value_name("L"),
                        tr("the language to search in").c_str())(
      "limit", po::value<std::size_t>()->default_value(10)->value_name("K"), tr("show at most K units").c_str())(
      "json", tr("print one JSON document").c_str())(
      "text", po::value<std::vector<std::string>>()->required()->value_name("TEXT"), tr("the text to look for").c_str());
  positional.add("text", -1);
}

// The text as the command line shows it (codes as {1}...{/1}), with the byte ranges of the
// marker text in `matches` wrapped in `open`/`close`.
std::string render(const InlineText& t, const std::vector<std::pair<std::size_t, std::size_t>>& matches,
                   const std::string& open, const std::string& close) {
  std::string out;
  std::size_t code = 0;
  InlineCode::Kind kind;
  for (std::size_t i = 0; i <= t.text.size();) {
    for (const auto& m : matches) {
      if (m.second == i && !close.empty()) out += close;
      if (m.first == i && !open.empty()) out += open;
    }
    if (i == t.text.size()) break;
    if (marker_at(t.text, i, &kind)) {
      if (code < t.codes.size()) {
        InlineText one;
        append_code(one, t.codes[code++]);
        out += display_text(one);
      }
      i += kMarkerBytes;
      continue;
    }
    out += t.text[i++];
  }
  return out;
}

int run(const po::variables_map& vm, Context& ctx) {
  const std::string lang = checked_language(vm["lang"].as<std::string>());
  std::string query;
  for (const auto& word : vm["text"].as<std::vector<std::string>>()) query += (query.empty() ? "" : " ") + word;
  check_text(query, {});
  const std::size_t limit = vm["limit"].as<std::size_t>();
  MemoryOptions options;
  options.create_if_missing = false;
  TranslationMemory memory(ctx.memory_path, options);
  auto hits = memory.concordance(query, lang, limit);

  if (vm.count("json")) {
    ctx.out << "{\"query\": " << json_quote(query) << ", \"lang\": " << json_quote(primary_language(lang))
            << ", \"hits\": [";
    bool first_hit = true;
    for (const auto& hit : hits) {
      ctx.out << (first_hit ? "" : ", ") << "{\"unit\": " << hit.unit.id << ", \"variants\": [";
      first_hit = false;
      bool first = true;
      for (const auto& v : hit.unit.variants) {
        ctx.out << (first ? "" : ", ") << "{\"lang\": " << json_quote(v.language()) << ", \"tag\": " << json_quote(v.tag)
                << ", \"text\": " << json_quote(display_text(v.text));
        first = false;
        if (v.language() == primary_language(lang)) {
          ctx.out << ", \"matches\": [";
          for (std::size_t k = 0; k < hit.matches.size(); ++k) {
            const auto& m = hit.matches[k];
            ctx.out << (k ? ", " : "") << json_quote(plain_text(InlineText{v.text.text.substr(m.first, m.second - m.first), {}}));
          }
          ctx.out << "]";
        }
        ctx.out << "}";
      }
      ctx.out << "]}";
    }
    ctx.out << "]}\n";
    return 0;
  }

  if (hits.empty()) {
    ctx.err << tr("No units found.") << "\n";
    return 0;
  }
  const std::string open = ctx.out_is_terminal ? kHighlight : "";
  const std::string close = ctx.out_is_terminal ? kReset : "";
  for (const auto& hit : hits) {
    ctx.out << trf("unit {1}", hit.unit.id) << "\n";
    const Variant* searched = hit.unit.variant(lang);
    if (searched) ctx.out << "  " << searched->tag << ": " << render(searched->text, hit.matches, open, close) << "\n";
    for (const auto& v : hit.unit.variants)
      if (&v != searched) ctx.out << "  " << v.tag << ": " << render(v.text, {}, "", "") << "\n";
  }
  return 0;
}

}  // namespace

DILMANC_COMMAND(concordance, Command{"concordance", N_("--lang L [--limit K] [--json] TEXT"),
                                     N_("find units whose text in one language contains TEXT"), 30, declare, run});

}  // namespace dilmanc::cli

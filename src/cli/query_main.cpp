// dilmanc query: the memory's best translations for a sentence, or for each line of
// standard input.
#include <string>
#include <vector>

#include "cli/command.h"
#include "dilmanc/error.h"
#include "dilmanc/fuzzy_matcher.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "dilmanc/translation_memory.h"

namespace dilmanc::cli {
namespace {

constexpr const char* kInserted = "\x1b[32m";
constexpr const char* kDeleted = "\x1b[31;9m";
constexpr const char* kScore = "\x1b[1m";
constexpr const char* kReset = "\x1b[0m";

void declare(po::options_description& options, po::positional_options_description& positional) {
  options.add_options()("from", po::value<std::string>()->required()->value_name("L"),
                        tr("the language of the text").c_str())(
      "to", po::value<std::string>()->required()->value_name("L"), tr("the language to translate into").c_str())(
      "min", po::value<int>()->default_value(50)->value_name("N"), tr("the lowest score to show (1 to 101)").c_str())(
      "limit", po::value<std::size_t>()->default_value(5)->value_name("K"), tr("show at most K matches per text").c_str())(
      "json", tr("print one JSON document").c_str())(
      "exhaustive", tr("compare with every unit instead of using the index (slow)").c_str())(
      "text", po::value<std::vector<std::string>>()->value_name("TEXT"),
      tr("the text to match; without it, one text per line of standard input").c_str());
  positional.add("text", -1);
}

// The diff as text: [-deleted-]{+inserted+}, or in colour on a terminal.
std::string render_diff(const std::vector<DiffPart>& diff, bool color) {
  const std::string del_open = color ? kDeleted : "[-";
  const std::string del_close = color ? kReset : "-]";
  const std::string ins_open = color ? kInserted : "{+";
  const std::string ins_close = color ? kReset : "+}";
  std::string out;
  for (const auto& part : diff) {
    if (!out.empty()) out += ' ';
    switch (part.kind) {
      case DiffPart::Kind::kEqual: out += part.query; break;
      case DiffPart::Kind::kInserted: out += ins_open + part.query + ins_close; break;
      case DiffPart::Kind::kDeleted: out += del_open + part.source + del_close; break;
      case DiffPart::Kind::kReplaced: out += del_open + part.source + del_close + ins_open + part.query + ins_close; break;
    }
  }
  return out;
}

std::string origin_of(const FuzzyMatch& m) {
  if (m.origin_file.empty()) return m.origin_segment;
  return m.origin_segment.empty() ? m.origin_file : m.origin_file + " #" + m.origin_segment;
}

void print_json(std::ostream& out, const std::string& query, const std::vector<FuzzyMatch>& matches) {
  out << "{\"query\": " << json_quote(query) << ", \"matches\": [";
  for (std::size_t i = 0; i < matches.size(); ++i) {
    const FuzzyMatch& m = matches[i];
    const ScoreBreakdown& b = m.breakdown;
    out << (i ? ", " : "") << "{\"score\": " << m.score << ", \"target\": " << json_quote(display_text(m.target))
        << ", \"target_lang\": " << json_quote(m.target_tag) << ", \"source\": " << json_quote(display_text(m.source))
        << ", \"adapted\": " << (m.adapted ? "true" : "false") << ", \"translations\": " << m.translations
        << ", \"unit\": " << m.unit_id << ", \"origin\": {\"file\": " << json_quote(m.origin_file)
        << ", \"segment\": " << json_quote(m.origin_segment) << "}, \"date\": " << json_quote(m.changed_at)
        << ", \"changed_by\": " << json_quote(m.changed_by) << ", \"in_context\": " << (b.in_context ? "true" : "false")
        << ", \"distance\": " << b.distance << ", \"length\": " << b.length << ", \"penalties\": {\"case\": "
        << b.case_penalty << ", \"accents\": " << b.accent_penalty << ", \"punctuation\": " << b.punctuation_penalty
        << ", \"whitespace\": " << b.whitespace_penalty << ", \"codes\": " << b.code_penalty
        << ", \"alternatives\": " << b.alternatives_penalty << "}, \"diff\": [";
    for (std::size_t k = 0; k < m.diff.size(); ++k) {
      const DiffPart& p = m.diff[k];
      out << (k ? ", " : "") << "{\"kind\": " << json_quote(diff_kind_name(p.kind))
          << ", \"query\": " << json_quote(p.query) << ", \"source\": " << json_quote(p.source) << "}";
    }
    out << "]}";
  }
  out << "]}";
}

void print_text(Context& ctx, const std::string& query, const std::vector<FuzzyMatch>& matches, bool batch) {
  const bool color = ctx.out_is_terminal;
  if (batch) ctx.out << trf("Query: {1}", query) << "\n";
  if (matches.empty()) {
    ctx.out << "  " << tr("no matches") << "\n";
    return;
  }
  for (const FuzzyMatch& m : matches) {
    std::string score = std::to_string(m.score);
    score.insert(0, score.size() < 3 ? 3 - score.size() : 0, ' ');
    ctx.out << "  " << (color ? kScore : "") << score << (color ? kReset : "") << "  " << display_text(m.target) << "\n";
    ctx.out << "       " << trf("source: {1}", display_text(m.source)) << "\n";
    if (!m.diff.empty()) ctx.out << "       " << trf("diff: {1}", render_diff(m.diff, color)) << "\n";
    std::vector<std::string> notes;
    if (m.adapted) notes.push_back(tr("adapted"));
    if (m.breakdown.in_context) notes.push_back(tr("in context"));
    if (m.translations > 1) notes.push_back(trf("one of {1} translations", m.translations));
    if (std::string origin = origin_of(m); !origin.empty()) notes.push_back(trf("origin: {1}", origin));
    if (!m.changed_at.empty()) notes.push_back(trf("date: {1}", m.changed_at));
    if (!notes.empty()) {
      ctx.out << "       ";
      for (std::size_t i = 0; i < notes.size(); ++i) ctx.out << (i ? " · " : "") << notes[i];
      ctx.out << "\n";
    }
  }
}

int run(const po::variables_map& vm, Context& ctx) {
  const std::string from = checked_language(vm["from"].as<std::string>());
  const std::string to = checked_language(vm["to"].as<std::string>());
  MatchOptions options;
  options.min_score = vm["min"].as<int>();
  options.limit = vm["limit"].as<std::size_t>();
  options.exhaustive = vm.count("exhaustive") > 0;
  if (options.min_score < 1 || options.min_score > 101)
    ThrowUsage(trf("the minimum score must be between 1 and 101, not {1}", options.min_score));

  std::vector<std::string> queries;
  const bool batch = !vm.count("text");
  if (batch) {
    std::string line;
    while (std::getline(ctx.in, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) queries.push_back(line);
    }
  } else {
    std::string query;
    for (const auto& word : vm["text"].as<std::vector<std::string>>()) query += (query.empty() ? "" : " ") + word;
    queries.push_back(query);
  }
  for (std::size_t i = 0; i < queries.size(); ++i) {
    Error::Location where;
    where.file = batch ? "-" : "";
    where.line = batch ? static_cast<std::int64_t>(i + 1) : 0;
    check_text(queries[i], where);
  }

  MemoryOptions memory_options;
  memory_options.create_if_missing = false;
  TranslationMemory memory(ctx.memory_path, memory_options);
  FuzzyMatcher matcher(memory);
  const bool json = vm.count("json") > 0;
  if (json) ctx.out << "{\"from\": " << json_quote(primary_language(from)) << ", \"to\": " << json_quote(primary_language(to))
                    << ", \"min\": " << options.min_score << ", \"queries\": [";
  for (std::size_t i = 0; i < queries.size(); ++i) {
    auto matches = matcher.find(queries[i], from, to, options);
    if (json) {
      if (i) ctx.out << ", ";
      print_json(ctx.out, queries[i], matches);
    } else {
      print_text(ctx, queries[i], matches, batch);
    }
  }
  if (json) ctx.out << "]}\n";
  return 0;
}

}  // namespace

DILMANC_COMMAND(query, Command{"query", N_("--from L --to L [--min N] [--limit K] [--json] [--exhaustive] [TEXT]"),
                               N_("find the memory's best translations for a text (fuzzy matches)"), 25, declare, run});

}  // namespace dilmanc::cli

// Analysis of a batch of articles: leverage() per target language, summed per band.
#include "dilmanc/analysis.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "dilmanc/messages.h"
#include "dilmanc/report_format.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/text.h"
#include "xliff/xml_output.h"

namespace dilmanc {
namespace fs = std::filesystem;

BandCount& BandCount::operator+=(const BandCount& other) {
  segments += other.segments;
  words += other.words;
  characters += other.characters;
  return *this;
}

AnalysisWeights parse_weights(std::string_view text, const AnalysisWeights& base) {
  AnalysisWeights weights = base;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view item = text.substr(start, end - start);
    start = end + 1;
    if (item.empty()) {
      if (end == text.size()) break;
      continue;
    }
    const std::size_t eq = item.find('=');
    const auto band = parse_leverage_band_key(item.substr(0, eq));
    if (eq == std::string_view::npos || !band)
      ThrowUsage(trf("unknown weight '{1}' (use 101, rep, 100, 95, 85, 75, 50, new, as in 95=0.3)", std::string(item)));
    const std::string_view number = item.substr(eq + 1);
    double value = 0;
    auto [ptr, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc() || ptr != number.data() + number.size() || number.empty() || !std::isfinite(value) ||
        value < 0)
      ThrowUsage(trf("the weight '{1}' is not a number of 0 or more", std::string(item)));
    weights.weight[static_cast<std::size_t>(*band)] = value;
  }
  return weights;
}

namespace {

void check_languages(const AnalysisOptions& options) {
  if (primary_language(options.source_language).empty()) ThrowUsage(tr("no source language given"));
  if (options.target_languages.empty()) ThrowUsage(tr("no target language given"));
  for (const std::string& to : options.target_languages)
    if (primary_language(to) == primary_language(options.source_language))
      ThrowUsage(trf("the target language '{1}' is the source language", to));
}

double weighted(const LanguageAnalysis& l, const AnalysisWeights& w) {
  double sum = 0;
  for (LeverageBand band : all_leverage_bands()) sum += static_cast<double>(l.of(band).words) * w.of(band);
  return sum;
}

}  // namespace

Analysis analyze_documents(const std::vector<const Document*>& documents, const std::vector<std::string>& names,
                           FuzzyMatcher* matcher, const AnalysisOptions& options) {
  check_languages(options);
  Analysis analysis;
  analysis.source_language = options.source_language;
  analysis.weights = options.weights;
  analysis.created = std::time(nullptr);
  for (std::size_t d = 0; d < documents.size(); ++d) {
    AnalyzedArticle a;
    a.path = d < names.size() ? names[d] : documents[d]->source_name;
    a.name = fs::path(a.path).filename().string();
    for (const Block& block : documents[d]->blocks)
      for (const Segment& segment : block.segments) {
        const WordCount c = count_words(segment.source, options.source_language);
        a.total += BandCount{1, c.words, c.characters};
      }
    analysis.articles.push_back(std::move(a));
  }
  const LeverageLookup lookup = matcher ? memory_lookup(*matcher) : LeverageLookup();
  LeverageOptions leverage_options;
  leverage_options.max_matches = 1;  // the band needs only the best
  for (const std::string& to : options.target_languages) {
    LanguageAnalysis language;
    language.target_language = to;
    for (const DocumentLeverage& document :
         leverage(documents, lookup, options.source_language, to, leverage_options))
      for (const SegmentLeverage& s : document.segments) {
        const BandCount c{1, s.count.words, s.count.characters};
        language.bands[static_cast<std::size_t>(s.band)] += c;
        language.total += c;
      }
    language.weighted_words = weighted(language, options.weights);
    for (std::size_t b = 0; b < kLeverageBandCount; ++b) analysis.total.bands[b] += language.bands[b];
    analysis.total.total += language.total;
    analysis.languages.push_back(std::move(language));
  }
  analysis.total.weighted_words = weighted(analysis.total, options.weights);
  return analysis;
}

Analysis analyze(const std::vector<std::string>& articles, FuzzyMatcher* matcher, const AnalysisOptions& options) {
  if (articles.empty()) ThrowUsage(tr("no article to analyze"));
  check_languages(options);
  const Segmenter segmenter(options.source_language);
  std::vector<Document> documents;
  documents.reserve(articles.size());
  for (const std::string& path : articles) {
    Document document = read_document(path);
    const std::string declared = primary_language(document.original_language);
    if (!declared.empty() && declared != primary_language(options.source_language))
      ThrowInput(trf("the article is in '{1}' (its <html lang>), not in the source language '{2}'",
                     document.original_language, options.source_language),
                 {path});
    segment_document(document, segmenter);
    documents.push_back(std::move(document));
  }
  std::vector<const Document*> batch;
  for (const Document& d : documents) batch.push_back(&d);
  return analyze_documents(batch, articles, matcher, options);
}

std::string band_label(LeverageBand band) {
  switch (band) {
    case LeverageBand::kInContext: return tr("In context (101%)");
    case LeverageBand::kRepetition: return tr("Repetitions");
    case LeverageBand::kExact: return "100%";
    case LeverageBand::kFuzzy95: return "95–99%";
    case LeverageBand::kFuzzy85: return "85–94%";
    case LeverageBand::kFuzzy75: return "75–84%";
    case LeverageBand::kFuzzy50: return "50–74%";
    case LeverageBand::kNoMatch: return tr("No match");
  }
  return {};
}

namespace {

std::string json_string(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

// A weight or weighted count: shortest form that reads back the same, "C" locale.
std::string json_number(double value) {
  char buffer[64];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, ptr) : "0";
}

std::string json_count(const BandCount& c) {
  return "{\"segments\": " + std::to_string(c.segments) + ", \"words\": " + std::to_string(c.words) +
         ", \"characters\": " + std::to_string(c.characters) + "}";
}

std::string json_language(const LanguageAnalysis& l, bool with_language) {
  std::string out = "{";
  if (with_language) out += "\"target_language\": " + json_string(l.target_language) + ", ";
  out += "\"bands\": {";
  bool first = true;
  for (LeverageBand band : all_leverage_bands()) {
    if (!first) out += ", ";
    first = false;
    out += json_string(leverage_band_key(band)) + ": " + json_count(l.of(band));
  }
  out += "}, \"total\": " + json_count(l.total) + ", \"weighted_words\": " + json_number(l.weighted_words) + "}";
  return out;
}

std::string iso_date(std::time_t t) {
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// Width of a cell on a terminal: code points (the labels are Latin and Cyrillic).
std::size_t display_width(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s)
    if ((c & 0xC0) != 0x80) ++n;
  return n;
}

std::string pad_left(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : std::string(width - w, ' ') + s;
}
std::string pad_right(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string percent(std::size_t part, std::size_t whole, const std::locale& locale) {
  if (whole == 0) return format_decimal(0, 1, locale) + "%";
  return format_decimal(100.0 * static_cast<double>(part) / static_cast<double>(whole), 1, locale) + "%";
}

std::string language_table(const LanguageAnalysis& l, const AnalysisWeights& weights, const std::locale& locale) {
  std::vector<std::vector<std::string>> rows;
  rows.push_back({tr("Match"), tr("Segments"), tr("Words"), tr("Characters"), tr("Share of words"), tr("Weight"),
                  tr("Weighted words")});
  for (LeverageBand band : all_leverage_bands()) {
    const BandCount& c = l.of(band);
    rows.push_back({band_label(band), format_count(c.segments, locale), format_count(c.words, locale),
                    format_count(c.characters, locale), percent(c.words, l.total.words, locale),
                    format_decimal(weights.of(band), 2, locale),
                    format_decimal(static_cast<double>(c.words) * weights.of(band), 1, locale)});
  }
  rows.push_back({tr("Total"), format_count(l.total.segments, locale), format_count(l.total.words, locale),
                  format_count(l.total.characters, locale), percent(l.total.words, l.total.words, locale), "",
                  format_decimal(l.weighted_words, 1, locale)});
  std::vector<std::size_t> width(rows.front().size(), 0);
  for (const auto& row : rows)
    for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], display_width(row[i]));
  std::string out;
  for (std::size_t r = 0; r < rows.size(); ++r) {
    std::string line;
    for (std::size_t i = 0; i < rows[r].size(); ++i) {
      if (i > 0) line += "  ";
      line += i == 0 ? pad_right(rows[r][i], width[i]) : pad_left(rows[r][i], width[i]);
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
    if (r == 0 || r + 2 == rows.size()) {
      std::size_t total = 0;
      for (std::size_t w : width) total += w + 2;
      std::string rule;
      for (std::size_t i = 0; i + 2 < total; ++i) rule += "─";
      out += rule + "\n";
    }
  }
  return out;
}

}  // namespace

std::string analysis_json(const Analysis& a) {
  std::string out = "{\"source_language\": " + json_string(a.source_language) +
                    ", \"created\": " + json_string(iso_date(a.created)) + ", \"articles\": [";
  for (std::size_t i = 0; i < a.articles.size(); ++i) {
    if (i) out += ", ";
    out += "{\"path\": " + json_string(a.articles[i].path) + ", \"total\": " + json_count(a.articles[i].total) + "}";
  }
  out += "], \"weights\": {";
  bool first = true;
  for (LeverageBand band : all_leverage_bands()) {
    if (!first) out += ", ";
    first = false;
    out += json_string(leverage_band_key(band)) + ": " + json_number(a.weights.of(band));
  }
  out += "}, \"languages\": [";
  for (std::size_t i = 0; i < a.languages.size(); ++i) {
    if (i) out += ", ";
    out += json_language(a.languages[i], true);
  }
  out += "], \"total\": " + json_language(a.total, false) + "}\n";
  return out;
}

std::string analysis_table(const Analysis& a, const std::locale& locale) {
  std::string targets;
  for (const auto& l : a.languages) targets += (targets.empty() ? "" : ", ") + l.target_language;
  std::string out = trf("Articles: {1}, from {2} into {3}, {4}", a.articles.size(), a.source_language,
                        targets, format_long_date(a.created, locale)) +
                    "\n";
  for (const auto& article : a.articles)
    out += "  " + trf("{1}: {2} segments, {3} words, {4} characters", article.path,
                      format_count(article.total.segments, locale), format_count(article.total.words, locale),
                      format_count(article.total.characters, locale)) +
           "\n";
  for (const auto& l : a.languages) {
    out += "\n" + trf("Into {1}:", l.target_language) + "\n";
    out += language_table(l, a.weights, locale);
  }
  if (a.languages.size() > 1) {
    out += "\n" + tr("All target languages:") + "\n";
    out += language_table(a.total, a.weights, locale);
  }
  return out;
}

namespace {

// One colour per band, from "already translated" (greens) to "new" (red).
const char* band_colour(LeverageBand band) {
  switch (band) {
    case LeverageBand::kInContext: return "#1b7837";
    case LeverageBand::kRepetition: return "#5aae61";
    case LeverageBand::kExact: return "#a6dba0";
    case LeverageBand::kFuzzy95: return "#d9f0d3";
    case LeverageBand::kFuzzy85: return "#fee08b";
    case LeverageBand::kFuzzy75: return "#fdae61";
    case LeverageBand::kFuzzy50: return "#f46d43";
    case LeverageBand::kNoMatch: return "#d73027";
  }
  return "#999";
}

std::string html_language(const LanguageAnalysis& l, const std::string& title, const AnalysisWeights& weights,
                          const std::locale& locale) {
  std::string out = "<section>\n<h2>" + html_escape(title) + "</h2>\n";
  // The bar: each band's share of the words, as wide as its share.
  out += "<div class=\"bar\" role=\"img\" aria-label=\"" + html_escape(title) + "\">";
  for (LeverageBand band : all_leverage_bands()) {
    const BandCount& c = l.of(band);
    if (c.words == 0 || l.total.words == 0) continue;
    const double share = 100.0 * static_cast<double>(c.words) / static_cast<double>(l.total.words);
    char width[32];
    std::snprintf(width, sizeof width, "%.3f", share);
    out += "<span style=\"width:" + std::string(width) + "%;background:" + band_colour(band) + "\" title=\"" +
           html_escape(band_label(band) + ": " + format_count(c.words, locale) + " (" +
                       percent(c.words, l.total.words, locale) + ")") +
           "\"></span>";
  }
  out += "</div>\n<table>\n<thead><tr><th>" + html_escape(tr("Match")) + "</th><th>" + html_escape(tr("Segments")) +
         "</th><th>" + html_escape(tr("Words")) + "</th><th>" + html_escape(tr("Characters")) + "</th><th>" +
         html_escape(tr("Share of words")) + "</th><th>" + html_escape(tr("Weight")) + "</th><th>" +
         html_escape(tr("Weighted words")) + "</th></tr></thead>\n<tbody>\n";
  for (LeverageBand band : all_leverage_bands()) {
    const BandCount& c = l.of(band);
    out += std::string("<tr data-band=\"") + leverage_band_key(band) + "\"><td><i style=\"background:" +
           band_colour(band) + "\"></i>" + html_escape(band_label(band)) + "</td><td>" +
           html_escape(format_count(c.segments, locale)) + "</td><td>" + html_escape(format_count(c.words, locale)) +
           "</td><td>" + html_escape(format_count(c.characters, locale)) + "</td><td>" +
           html_escape(percent(c.words, l.total.words, locale)) + "</td><td>" +
           html_escape(format_decimal(weights.of(band), 2, locale)) + "</td><td>" +
           html_escape(format_decimal(static_cast<double>(c.words) * weights.of(band), 1, locale)) + "</td></tr>\n";
  }
  out += "</tbody>\n<tfoot><tr><th>" + html_escape(tr("Total")) + "</th><th>" +
         html_escape(format_count(l.total.segments, locale)) + "</th><th>" +
         html_escape(format_count(l.total.words, locale)) + "</th><th>" +
         html_escape(format_count(l.total.characters, locale)) + "</th><th></th><th></th><th>" +
         html_escape(format_decimal(l.weighted_words, 1, locale)) + "</th></tr></tfoot>\n</table>\n</section>\n";
  return out;
}

}  // namespace

std::string analysis_html(const Analysis& a, const std::locale& locale, std::string_view ui_lang) {
  std::string targets;
  for (const auto& l : a.languages) targets += (targets.empty() ? "" : ", ") + l.target_language;
  const std::string title = tr("Translation analysis");
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + html_escape(ui_lang) +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                    "content=\"width=device-width, initial-scale=1\">\n<title>" +
                    html_escape(title) + "</title>\n<style>\n"
                    "body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:60rem;padding:0 1rem;color:#222}\n"
                    "table{border-collapse:collapse;width:100%;margin:.5rem 0 2rem}\n"
                    "th,td{padding:.25rem .5rem;border-bottom:1px solid #ddd;text-align:right}\n"
                    "th:first-child,td:first-child{text-align:left}\n"
                    "td i{display:inline-block;width:.8em;height:.8em;margin-right:.4em;border-radius:2px}\n"
                    ".bar{display:flex;height:2rem;border:1px solid #999;border-radius:3px;overflow:hidden}\n"
                    ".bar span{display:block;height:100%}\n"
                    "</style>\n</head>\n<body>\n<h1>" +
                    html_escape(title) + "</h1>\n<p>" +
                    html_escape(trf("Articles: {1}, from {2} into {3}, {4}", a.articles.size(),
                                    a.source_language, targets, format_long_date(a.created, locale))) +
                    "</p>\n<ul>\n";
  for (const auto& article : a.articles)
    out += "<li>" +
           html_escape(trf("{1}: {2} segments, {3} words, {4} characters", article.name,
                           format_count(article.total.segments, locale), format_count(article.total.words, locale),
                           format_count(article.total.characters, locale))) +
           "</li>\n";
  out += "</ul>\n";
  for (const auto& l : a.languages) out += html_language(l, trf("Into {1}:", l.target_language), a.weights, locale);
  if (a.languages.size() > 1) out += html_language(a.total, tr("All target languages:"), a.weights, locale);
  out += "</body>\n</html>\n";
  return out;
}

void write_analysis_html(const Analysis& analysis, const fs::path& path, const std::locale& locale,
                         std::string_view ui_lang) {
  xml::write_file_atomically(path, analysis_html(analysis, locale, ui_lang));
}

}  // namespace dilmanc

// Linked editions of one article and the index of a folder of editions.
#include "dilmanc/editions.h"

#include <unicode/locid.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <set>

#include "dilmanc/error.h"
#include "dilmanc/formats.h"
#include "dilmanc/messages.h"
#include "dilmanc/report_format.h"
#include "dilmanc/segmenter.h"
#include "dilmanc/text.h"
#include "dilmanc/translation_memory.h"
#include "xliff/xml_output.h"

namespace dilmanc {
namespace fs = std::filesystem;

namespace {

const char* extension_of(Format format) { return format == Format::kHtml ? ".html" : ".txt"; }

// The language's name in that language, as a switcher shows it.
std::string autonym(const std::string& lang) {
  if (lang == "az") return "Azərbaycanca";
  if (lang == "en") return "English";
  if (lang == "ru") return "Русский";
  icu::UnicodeString name;
  icu::Locale locale(lang.c_str());
  locale.getDisplayLanguage(locale, name);
  std::string out = to_utf8(name);
  return out.empty() ? lang : out;
}

std::string lower_ascii(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// Removes <link ... rel="alternate" ... hreflang=...> tags from a literal part of the
// skeleton, with the whitespace that indented them, so that ours are the only ones.
void remove_alternate_links(std::string& bytes) {
  std::string lower = lower_ascii(bytes);
  std::size_t pos = 0;
  while ((pos = lower.find("<link", pos)) != std::string::npos) {
    const std::size_t end = lower.find('>', pos);
    if (end == std::string::npos) break;
    const std::string_view tag(lower.data() + pos, end + 1 - pos);
    if (tag.find("hreflang") == std::string_view::npos || tag.find("alternate") == std::string_view::npos) {
      pos = end;
      continue;
    }
    std::size_t begin = pos;
    while (begin > 0 && (lower[begin - 1] == ' ' || lower[begin - 1] == '\t')) --begin;
    std::size_t stop = end + 1;
    if (begin > 0 && lower[begin - 1] == '\n' && stop < lower.size() && lower[stop] == '\n') --begin;
    else if (begin > 0 && lower[begin - 1] == '\n') --begin;
    bytes.erase(begin, stop - begin);
    lower.erase(begin, stop - begin);
    pos = begin;
  }
}

// Points the page's links to its sibling editions ("<name>.<L>.html", as a page kept beside
// its translations links them) at their places in the layout.
void relink_siblings(std::string& bytes, const std::vector<EditionSource>& sources, const std::string& name) {
  for (const EditionSource& s : sources) {
    const std::string lang = primary_language(s.language);
    const std::string ext = extension_of(s.document.format);
    const std::string target = "../" + lang + "/" + name + ext;
    for (const std::string& old : {name + "." + lang + ext, name + "." + s.language + ext}) {
      for (const char quote : {'"', '\''}) {
        const std::string from = std::string("href=") + quote + old + quote;
        const std::string to = std::string("href=") + quote + target + quote;
        std::size_t pos = 0;
        while ((pos = bytes.find(from, pos)) != std::string::npos) {
          bytes.replace(pos, from.size(), to);
          pos += to.size();
        }
      }
    }
  }
}

std::string links_html(const std::vector<EditionSource>& sources, const std::string& name, const std::string& indent) {
  std::string out;
  for (const EditionSource& s : sources) {
    const std::string lang = primary_language(s.language);
    out += indent + "<link rel=\"alternate\" hreflang=\"" + html_escape(lang) + "\" href=\"../" + html_escape(lang) +
           "/" + html_escape(name) + extension_of(s.document.format) + "\">\n";
  }
  const EditionSource& first = sources.front();
  const std::string lang = primary_language(first.language);
  out += indent + "<link rel=\"alternate\" hreflang=\"x-default\" href=\"../" + html_escape(lang) + "/" +
         html_escape(name) + extension_of(first.document.format) + "\">\n";
  return out;
}

std::string switcher_html(const std::vector<EditionSource>& sources, std::size_t which, const std::string& name) {
  std::string out =
      "\n<nav class=\"dilmanc-languages\" translate=\"no\" aria-label=\"Language / Dil / Язык\" "
      "style=\"text-align:right;padding:4px 12px;font:14px sans-serif\">";
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const std::string lang = primary_language(sources[i].language);
    if (i > 0) out += " | ";
    out += "<a href=\"../" + html_escape(lang) + "/" + html_escape(name) + extension_of(sources[i].document.format) +
           "\" hreflang=\"" + html_escape(lang) + "\" lang=\"" + html_escape(lang) + "\"";
    if (i == which) out += " aria-current=\"page\" style=\"font-weight:bold\"";
    out += ">" + html_escape(autonym(lang)) + "</a>";
  }
  return out + "</nav>";
}

// Inserts `text` right after the start tag of `element`: into the literal part holding it,
// or, when the start tag is a skeleton tag, as a new literal part after it. Returns false when the
// document has no such tag.
bool insert_after_start_tag(Document& d, const std::string& element, const std::string& text) {
  const std::string open = "<" + element;
  for (std::size_t p = 0; p < d.skeleton.size(); ++p) {
    SkeletonPart& part = d.skeleton[p];
    if (part.kind == SkeletonPart::Kind::kLiteral) {
      const std::string lower = lower_ascii(part.bytes);
      std::size_t pos = lower.find(open);
      while (pos != std::string::npos) {
        const char next = pos + open.size() < lower.size() ? lower[pos + open.size()] : '>';
        if (next == '>' || next == ' ' || next == '\t' || next == '\n' || next == '\r' || next == '/') break;
        pos = lower.find(open, pos + 1);
      }
      if (pos == std::string::npos) continue;
      const std::size_t end = lower.find('>', pos);
      if (end == std::string::npos) continue;
      part.bytes.insert(end + 1, text);
      return true;
    }
    if (part.kind == SkeletonPart::Kind::kTag && part.index < d.tags.size() && d.tags[part.index].name == element) {
      SkeletonPart literal;
      literal.kind = SkeletonPart::Kind::kLiteral;
      literal.bytes = text;
      d.skeleton.insert(d.skeleton.begin() + static_cast<std::ptrdiff_t>(p + 1), literal);
      return true;
    }
  }
  return false;
}

bool insert_before_end_tag(Document& d, const std::string& element, const std::string& text) {
  const std::string close = "</" + element;
  for (SkeletonPart& part : d.skeleton) {
    if (part.kind != SkeletonPart::Kind::kLiteral) continue;
    const std::size_t pos = lower_ascii(part.bytes).find(close);
    if (pos == std::string::npos) continue;
    // Keep the closing tag's indentation: insert at the start of its line.
    std::size_t at = pos;
    while (at > 0 && (part.bytes[at - 1] == ' ' || part.bytes[at - 1] == '\t')) --at;
    part.bytes.insert(at, text);
    return true;
  }
  return false;
}

void check_name(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
      name.find('\\') != std::string::npos)
    ThrowUsage(trf("'{1}' cannot name an edition (a file name without folders is needed)", name));
}

// The file's bytes, or an empty string when it cannot be read (then it differs).
std::string read_whole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  return in.bad() ? std::string() : out;
}

std::time_t file_time(const fs::path& path) {
  std::error_code ec;
  const auto t = fs::last_write_time(path, ec);
  if (ec) return 0;
  return std::chrono::system_clock::to_time_t(std::chrono::file_clock::to_sys(t));
}

}  // namespace

std::string render_edition(const std::vector<EditionSource>& sources, std::size_t which, const std::string& name) {
  Document d = sources.at(which).document;
  d.language = sources[which].language;
  if (d.format != Format::kHtml) return render_document(d);
  for (SkeletonPart& part : d.skeleton)
    if (part.kind == SkeletonPart::Kind::kLiteral) {
      remove_alternate_links(part.bytes);
      relink_siblings(part.bytes, sources, name);
    }
  for (SkeletonTag& tag : d.tags) relink_siblings(tag.raw, sources, name);
  const std::string links = links_html(sources, name, "    ");
  if (!insert_before_end_tag(d, "head", links) && !insert_after_start_tag(d, "html", "\n" + links)) {
    SkeletonPart literal;
    literal.bytes = links;
    d.skeleton.insert(d.skeleton.begin(), literal);
  }
  const std::string nav = switcher_html(sources, which, name);
  if (!insert_after_start_tag(d, "body", nav)) {
    SkeletonPart literal;
    literal.bytes = nav + "\n";
    // After the head when there is one: after the last part holding "</head>".
    std::size_t at = 0;
    for (std::size_t p = 0; p < d.skeleton.size(); ++p)
      if (d.skeleton[p].kind == SkeletonPart::Kind::kLiteral &&
          lower_ascii(d.skeleton[p].bytes).find("</head>") != std::string::npos)
        at = p + 1;
    d.skeleton.insert(d.skeleton.begin() + static_cast<std::ptrdiff_t>(at), literal);
  }
  return render_document(d);
}

EditionsResult write_editions(const std::vector<EditionSource>& sources, const EditionsOptions& options) {
  if (sources.empty()) ThrowUsage(tr("no edition to write"));
  check_name(options.name);
  std::set<std::string> languages;
  for (const EditionSource& s : sources) {
    const std::string lang = primary_language(s.language);
    if (lang.empty()) ThrowUsage(tr("an edition has no language"));
    if (!languages.insert(lang).second) ThrowUsage(trf("two editions in '{1}'", lang));
  }
  std::time_t newest_source = 0;
  for (const EditionSource& s : sources)
    if (!s.from_file.empty()) newest_source = std::max(newest_source, file_time(s.from_file));

  EditionsResult result;
  std::vector<std::string> bytes;
  for (std::size_t i = 0; i < sources.size(); ++i) {
    const std::string lang = primary_language(sources[i].language);
    WrittenEdition e;
    e.language = lang;
    e.path = options.output_dir / lang / (options.name + extension_of(sources[i].document.format));
    bytes.push_back(render_edition(sources, i, options.name));
    std::error_code ec;
    if (!options.force && newest_source > 0 && fs::exists(e.path, ec) && file_time(e.path) > newest_source &&
        read_whole(e.path) != bytes.back())
      ThrowInput(tr("the edition on disk is newer than the translations it would be made from; "
                    "use --force to overwrite it"),
                 {e.path.string()});
    result.editions.push_back(std::move(e));
  }
  for (std::size_t i = 0; i < result.editions.size(); ++i) {
    std::error_code ec;
    fs::create_directories(result.editions[i].path.parent_path(), ec);
    if (ec) ThrowIo(trf("cannot create the folder: {1}", ec.message()), {result.editions[i].path.parent_path().string()});
    xml::write_file_atomically(result.editions[i].path, bytes[i]);
  }
  result.index = write_editions_index(options.output_dir, options.now);
  return result;
}

namespace {

struct IndexedEdition {
  fs::path file;
  std::string title;
  std::time_t modified = 0;
};

std::string title_of(const fs::path& file) {
  try {
    const Document d = read_document(file.string());
    for (const Block& b : d.blocks)
      if (b.kind == BlockKind::kTitle || b.kind == BlockKind::kHeading) {
        const std::string t = plain_text(block_output(b));
        if (!t.empty()) return sentence_as_line(t);
      }
  } catch (const Error&) {
    // A file that cannot be read is listed by its name.
  }
  return file.stem().string();
}

}  // namespace

fs::path write_editions_index(const fs::path& output_dir, std::time_t now) {
  if (now == 0) now = std::time(nullptr);
  // language -> name -> edition
  std::map<std::string, std::map<std::string, IndexedEdition>> found;
  std::set<std::string> names;
  std::vector<std::string> languages = {"az", "en", "ru"};
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(output_dir, ec)) {
    if (!entry.is_directory()) continue;
    const std::string lang = entry.path().filename().string();
    if (lang != primary_language(lang) || !known_language(lang)) continue;
    if (std::find(languages.begin(), languages.end(), lang) == languages.end()) languages.push_back(lang);
    for (const auto& file : fs::directory_iterator(entry.path(), ec)) {
      const std::string ext = file.path().extension().string();
      if (!file.is_regular_file() || (ext != ".html" && ext != ".txt")) continue;
      IndexedEdition e;
      e.file = file.path();
      e.title = title_of(file.path());
      e.modified = file_time(file.path());
      names.insert(file.path().stem().string());
      found[lang][file.path().stem().string()] = std::move(e);
    }
  }
  std::sort(languages.begin() + 3, languages.end());

  const std::string title = tr("Editions");
  std::string out = "<!DOCTYPE html>\n<html lang=\"" + html_escape(ui_language()) +
                    "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, "
                    "initial-scale=1\">\n<title>" +
                    html_escape(title) +
                    "</title>\n<style>body{font-family:system-ui,sans-serif;margin:2rem auto;max-width:50rem;"
                    "padding:0 1rem}li{margin:.3rem 0}.missing{color:#a33}time{color:#667}</style>\n</head>\n<body>\n<h1>" +
                    html_escape(title) + "</h1>\n<p>" +
                    html_escape(trf("Updated {1}", format_long_date(now, ui_locale()))) + "</p>\n";
  for (const std::string& lang : languages) {
    const auto by_name = found.find(lang);
    if (by_name == found.end() && lang != "az" && lang != "en" && lang != "ru") continue;
    out += "<section lang=\"" + html_escape(lang) + "\">\n<h2>" + html_escape(autonym(lang)) + "</h2>\n<ul>\n";
    for (const std::string& name : names) {
      const IndexedEdition* e = nullptr;
      if (by_name != found.end()) {
        auto it = by_name->second.find(name);
        if (it != by_name->second.end()) e = &it->second;
      }
      if (e) {
        out += "<li><a href=\"" + html_escape(lang) + "/" + html_escape(e->file.filename().string()) + "\">" +
               html_escape(e->title) + "</a> <time>" +
               html_escape(format_long_date(e->modified, format_locale(lang))) + "</time></li>\n";
      } else {
        out += "<li class=\"missing\" lang=\"" + html_escape(ui_language()) + "\">" +
               html_escape(trf("{1}: no edition in this language", name)) + "</li>\n";
      }
    }
    if (names.empty()) out += "<li lang=\"" + html_escape(ui_language()) + "\">" + html_escape(tr("no articles yet")) + "</li>\n";
    out += "</ul>\n</section>\n";
  }
  out += "</body>\n</html>\n";
  fs::create_directories(output_dir, ec);
  const fs::path index = output_dir / "index.html";
  xml::write_file_atomically(index, out);
  return index;
}

}  // namespace dilmanc

// Reading HTML into a Document.
//
// libxml2's HTML parser does the parsing (recovery, implied elements, character
// references) and reports SAX events; each event is tied to the bytes it consumed through
// the parser's input position, so the skeleton keeps the original bytes and a page read and
// written back without translation is identical. See docs/document-model.md.
#include <libxml/HTMLparser.h>
#include <libxml/globals.h>
#include <libxml/parserInternals.h>
#include <unicode/uchar.h>
#include <unicode/ucnv.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "formats/format_parts.h"

namespace dilmanc::formats {
namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";

enum class ElementClass { kContainer, kBlock, kInline, kSkip };

const std::map<std::string, BlockKind, std::less<>>& block_elements() {
  static const std::map<std::string, BlockKind, std::less<>> m = {
      {"title", BlockKind::kTitle},       {"h1", BlockKind::kHeading},          {"h2", BlockKind::kHeading},
      {"h3", BlockKind::kHeading},        {"h4", BlockKind::kHeading},          {"h5", BlockKind::kHeading},
      {"h6", BlockKind::kHeading},        {"p", BlockKind::kParagraph},         {"li", BlockKind::kListItem},
      {"td", BlockKind::kTableCell},      {"th", BlockKind::kTableCell},        {"caption", BlockKind::kCaption},
      {"figcaption", BlockKind::kCaption}, {"blockquote", BlockKind::kQuote},   {"dt", BlockKind::kTerm},
      {"dd", BlockKind::kDefinition},     {"label", BlockKind::kLabel},         {"button", BlockKind::kLabel},
      {"option", BlockKind::kLabel},      {"legend", BlockKind::kLabel},        {"summary", BlockKind::kLabel},
      {"address", BlockKind::kParagraph},
  };
  return m;
}

bool is_inline_element(std::string_view name) {
  static const std::set<std::string, std::less<>> s = {
      "a",   "abbr", "acronym", "b",    "bdi",  "bdo",    "big",  "br",    "cite", "code", "data",
      "del", "dfn",  "em",      "font", "i",    "img",    "input", "ins",  "kbd",  "mark", "q",
      "s",   "samp", "small",   "span", "strike", "strong", "sub", "sup",  "time", "tt",   "u",
      "var", "wbr",  "nobr",
  };
  return s.count(name) > 0;
}

bool is_skipped_element(std::string_view name) {
  static const std::set<std::string, std::less<>> s = {
      "script", "style", "noscript", "template", "textarea", "svg", "math", "pre", "iframe", "object", "canvas",
  };
  return s.count(name) > 0;
}

bool is_void_element(std::string_view name) {
  static const std::set<std::string, std::less<>> s = {
      "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr",
  };
  return s.count(name) > 0;
}

// Elements whose end tag HTML lets authors leave out: no warning when it is missing.
bool end_tag_optional(std::string_view name) {
  static const std::set<std::string, std::less<>> s = {
      "html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th", "thead", "tbody",
      "tfoot", "colgroup", "caption", "rb", "rt", "rp", "rtc",
  };
  return s.count(name) > 0 || is_void_element(name);
}

bool is_ascii_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == ':' || c == '.';
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// True when the text has a letter or a digit: only such text is worth translating.
bool has_word_character(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    UChar32 c;
    U8_NEXT(text.data(), i, text.size(), c);
    if (c >= 0 && u_isalnum(c)) return true;
  }
  return false;
}

bool is_all_space(std::string_view text) {
  return std::all_of(text.begin(), text.end(), is_ascii_space);
}

// libxml2 reports some problems (encoder errors) through its per-thread generic error
// handler, which prints to standard error; the library must not print. Silenced while an
// instance lives, restored after.
class QuietLibxml2 {
 public:
  QuietLibxml2() : saved_(xmlGenericError), saved_context_(xmlGenericErrorContext) {
    xmlSetGenericErrorFunc(nullptr, &QuietLibxml2::ignore);
  }
  ~QuietLibxml2() { xmlSetGenericErrorFunc(saved_context_, saved_); }
  QuietLibxml2(const QuietLibxml2&) = delete;
  QuietLibxml2& operator=(const QuietLibxml2&) = delete;

 private:
  static void ignore(void*, const char*, ...) {}
  xmlGenericErrorFunc saved_;
  void* saved_context_;
};

// One piece of a block's content in document order: text or an inline code.
struct Item {
  enum class Kind { kText, kOpening, kClosing, kPlaceholder };
  Kind kind = Kind::kText;
  std::size_t begin = 0, end = 0;  // raw byte range
  std::string text;                // decoded text (kText)
  std::string name;                // element (codes)
  int pair = 0;                    // pairs an opening with its closing
  int tag = -1;                    // index into Document::tags
};

struct OpenElement {
  std::string name;
  ElementClass cls = ElementClass::kContainer;
  bool untranslatable = false;       // inside script, translate="no"...
  std::size_t skip_begin = std::string::npos;  // a skipped subtree inside a block: its start
  int block_serial = -1;             // inline: the block its opening went to
  int pair = 0;
  bool started_real = false;         // its start tag is in the input (not implied)
  std::size_t begin = 0;             // where its start tag is
  // Kept for every open element so that a new block needs no walk up the (possibly
  // thousands deep) stack: the nearest footer or nav around it or itself, and the index in
  // the stack of the nearest block element around it or itself (-1: none).
  enum class Section { kNone, kFooter, kNav } section = Section::kNone;
  std::ptrdiff_t block_index = -1;
};

struct PendingBlock {
  Block block;
  std::size_t position = 0;  // raw offset, for document order
};

class HtmlReader {
 public:
  HtmlReader(std::string_view bytes, const std::string& source_name) : bytes_(bytes), source_(source_name) {}

  Document read() {
    doc_.format = Format::kHtml;
    doc_.source_name = source_;
    std::size_t start = bytes_.substr(0, 3) == kByteOrderMark ? 3 : 0;
    base_ = start;
    pos_ = start;
    if (start == bytes_.size()) {  // nothing to parse (libxml2 refuses an empty buffer)
      finish();
      return std::move(doc_);
    }

    htmlParserCtxtPtr raw_ctxt =
        htmlCreateMemoryParserCtxt(bytes_.data() + start, static_cast<int>(bytes_.size() - start));
    if (!raw_ctxt) ThrowInput(tr("the HTML parser could not start"), where(0));
    std::unique_ptr<htmlParserCtxt, void (*)(htmlParserCtxtPtr)> ctxt(raw_ctxt, htmlFreeParserCtxt);
    QuietLibxml2 quiet;
    ctxt_ = ctxt.get();
    htmlCtxtUseOptions(ctxt_, HTML_PARSE_NONET | HTML_PARSE_RECOVER | HTML_PARSE_IGNORE_ENC);
    xmlSwitchEncoding(ctxt_, XML_CHAR_ENCODING_UTF8);
    xmlSAXHandler* sax = ctxt_->sax;
    std::memset(sax, 0, sizeof(*sax));
    sax->initialized = XML_SAX2_MAGIC;  // makes libxml2 report errors through serror
    sax->startElement = &HtmlReader::on_start;
    sax->endElement = &HtmlReader::on_end;
    sax->characters = &HtmlReader::on_text;
    sax->ignorableWhitespace = &HtmlReader::on_text;
    sax->cdataBlock = &HtmlReader::on_cdata;
    sax->comment = &HtmlReader::on_comment;
    sax->processingInstruction = &HtmlReader::on_pi;
    sax->serror = &HtmlReader::on_error;
    ctxt_->userData = this;
    htmlParseDocument(ctxt_);
    commit_stray_end_work();
    if (ctxt_->myDoc) {
      xmlFreeDoc(ctxt_->myDoc);
      ctxt_->myDoc = nullptr;
    }
    if (failure_) throw *failure_;
    flush();
    finish();
    return std::move(doc_);
  }

 private:
  // --- positions ---------------------------------------------------------------------
  std::size_t now() const {
    const xmlParserInputPtr in = ctxt_->input;
    return base_ + static_cast<std::size_t>(in->consumed) + static_cast<std::size_t>(in->cur - in->base);
  }

  // Line numbers are asked for out of order (an unclosed element's warning names the line
  // of its start tag): the offsets of the line breaks, found once, answer each in log time.
  std::int64_t line_of(std::size_t offset) const {
    if (!lines_indexed_) {
      for (std::size_t i = bytes_.find('\n'); i != std::string_view::npos; i = bytes_.find('\n', i + 1))
        line_breaks_.push_back(i);
      lines_indexed_ = true;
    }
    offset = std::min(offset, bytes_.size());
    auto before = std::lower_bound(line_breaks_.begin(), line_breaks_.end(), offset);
    return 1 + static_cast<std::int64_t>(before - line_breaks_.begin());
  }

  Error::Location where(std::size_t offset) const {
    Error::Location loc;
    loc.file = source_;
    loc.line = line_of(offset);
    loc.offset = static_cast<std::int64_t>(offset);
    return loc;
  }

  // The last occurrence of `prefix` (ASCII, any case) in [from, to) followed by a
  // character that cannot continue a tag name.
  //
  // End tags the parser implies have no bytes, and each such event would search all the
  // input it has read ahead (thousands of unclosed elements ended at once, each searching
  // the same stray tags): what a search has found absent is remembered per prefix, and
  // `from` never decreases, so each byte is searched once per prefix.
  std::size_t find_tag(const std::string& prefix, std::size_t from, std::size_t to) const {
    to = std::min(to, bytes_.size());
    if (to < from + prefix.size()) return std::string::npos;
    // Places i in [from, stop) are known not to start the tag.
    std::size_t stop = from;
    auto known = absent_.find(prefix);
    if (known != absent_.end() && known->second.first <= from)
      stop = std::max(from, std::min(known->second.second, to) + 1 - prefix.size());
    std::size_t found = std::string::npos;
    for (std::size_t i = to - prefix.size() + 1; i-- > stop;) {
      if (bytes_[i] != '<' || !equals_ignoring_case(bytes_.substr(i, prefix.size()), prefix)) continue;
      std::size_t after = i + prefix.size();
      if (after < bytes_.size() && is_name_char(bytes_[after])) continue;
      found = i;
      break;
    }
    // Now known: no place in [from, to - size] before `found`, none after it up to there.
    std::size_t covered = known != absent_.end() && known->second.first <= from ? std::max(known->second.second, to) : to;
    if (found == std::string::npos)
      absent_[prefix] = {from, covered};
    else
      absent_[prefix] = {found + 1, covered};
    return found;
  }

  // The first '>' at or after `from`, remembered: a page of tags that never close would
  // otherwise search to its end once per tag.
  std::size_t next_tag_end(std::size_t from) const {
    if (!(gt_from_ <= from && (gt_at_ == std::string_view::npos || from <= gt_at_))) {
      gt_from_ = from;
      gt_at_ = bytes_.find('>', from);
    }
    return gt_at_;
  }

  // --- SAX callbacks -----------------------------------------------------------------
  static void on_start(void* self, const xmlChar* name, const xmlChar** atts) {
    static_cast<HtmlReader*>(self)->start_element(reinterpret_cast<const char*>(name), atts);
  }
  static void on_end(void* self, const xmlChar* name) {
    static_cast<HtmlReader*>(self)->end_element(reinterpret_cast<const char*>(name));
  }
  static void on_text(void* self, const xmlChar* ch, int len) {
    static_cast<HtmlReader*>(self)->text(std::string_view(reinterpret_cast<const char*>(ch), static_cast<std::size_t>(len)));
  }
  static void on_cdata(void* self, const xmlChar*, int) { static_cast<HtmlReader*>(self)->other("cdata"); }
  static void on_comment(void* self, const xmlChar*) { static_cast<HtmlReader*>(self)->other("comment"); }
  static void on_pi(void* self, const xmlChar*, const xmlChar*) { static_cast<HtmlReader*>(self)->other("pi"); }
  static void on_error(void* self, xmlErrorPtr error) { static_cast<HtmlReader*>(self)->problem(error); }

  void problem(xmlErrorPtr error) {
    if (!error || error->code == XML_HTML_UNKNOWN_TAG) return;  // HTML5 elements libxml2 does not know
    if (error->code == XML_ERR_TAG_NAME_MISMATCH) {
      // For an end tag that closes nothing (or that an element above keeps from closing
      // anything), libxml2 compares its name with the open elements: with thousands open,
      // a page of such tags takes time of their number times the depth. libxml2 reports
      // the same error for each element an end tag does close on its way down, which costs
      // nothing more; that one is followed at once, at the same place, by the element's end.
      commit_stray_end_work();
      pending_stray_end_work_ = stack_.size() + 1;
      pending_stray_end_at_ = now();
      if (failure_) return;
    }
    if (!room_for_warning()) return;
    std::string message = error->message ? error->message : "";
    while (!message.empty() && is_ascii_space(message.back())) message.pop_back();
    Error::Location loc;
    loc.file = source_;
    loc.line = error->line;
    loc.column = error->int2;
    doc_.warnings.push_back(Error::Describe(trf("HTML problem, read as a browser would: {1}", message), loc));
  }

  // Past a budget of name comparisons (about half a second) the page is refused.
  void commit_stray_end_work() {
    if (pending_stray_end_work_ == 0) return;
    stray_end_work_ += pending_stray_end_work_;
    pending_stray_end_work_ = 0;
    if (stray_end_work_ <= kMaxStrayEndWork || failure_) return;
    failure_.emplace(Error::Kind::kInput,
                     trf("too many end tags close no open element at a nesting depth of {1}: the page "
                         "cannot be read in reasonable time",
                         std::to_string(stack_.size())),
                     where(pending_stray_end_at_));
    xmlStopParser(ctxt_);
  }

  // A broken page can have a problem every few bytes: the first ones are kept, the rest
  // counted, so that the warnings stay small beside the page.
  bool room_for_warning() {
    if (doc_.warnings.size() < kMaxWarnings) return true;
    ++warnings_left_out_;
    return false;
  }

  // A charset the page declares; parse_html converts the page when it is not UTF-8.
  void note_charset(const std::vector<std::pair<std::string, std::optional<std::string>>>& attributes) {
    bool content_type = false;
    std::optional<std::string> content;
    for (const auto& [k, v] : attributes) {
      if (!v) continue;
      if (k == "charset") doc_.encoding = *v;
      if (k == "http-equiv" && equals_ignoring_case(*v, "content-type")) content_type = true;
      if (k == "content") content = *v;
    }
    if (!content_type || !content) return;
    std::string lower = *content;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t at = lower.find("charset=");
    if (at == std::string::npos) return;
    std::string charset = content->substr(at + 8);
    charset.erase(std::find_if(charset.begin(), charset.end(), [](char c) { return c == ';' || is_ascii_space(c) || c == '"'; }),
                  charset.end());
    doc_.encoding = charset;
  }

  // A character reference can spell one of the code markers (&#xE101;): text must not
  // hold them. Exceptions must not cross libxml2's C frames, so the parser is stopped and
  // the error thrown when it returns.
  void refuse_markers(std::string_view decoded, std::size_t offset) {
    if (failure_ || decoded.find('\xEE') == std::string_view::npos) return;
    try {
      reject_markers(decoded, source_);
    } catch (const Error&) {
      Error::Location loc = where(offset);
      failure_.emplace(Error::Kind::kInput,
                       tr("the text contains a private-use character (U+E101 to U+E103) reserved for inline codes"),
                       loc);
      xmlStopParser(ctxt_);
    }
  }

  bool untranslatable() const { return !stack_.empty() && stack_.back().untranslatable; }

  void start_element(const char* name_chars, const xmlChar** atts) {
    commit_stray_end_work();
    if (failure_) return;
    std::string name = name_chars;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t current = now();
    std::size_t tag_begin = find_tag("<" + name, pos_, current + 1);
    std::size_t tag_end;
    if (tag_begin == std::string::npos) {  // implied by the parser: no bytes
      tag_begin = tag_end = pos_;
    } else {
      std::size_t close = next_tag_end(std::max(current, tag_begin));
      tag_end = close == std::string::npos ? std::max(current, tag_begin) : close + 1;
      pos_ = tag_end;
    }
    bool real = tag_end > tag_begin;

    std::vector<std::pair<std::string, std::optional<std::string>>> attributes;
    for (const xmlChar** a = atts; a && a[0]; a += 2) {
      std::string attr = reinterpret_cast<const char*>(a[0]);
      std::transform(attr.begin(), attr.end(), attr.begin(), [](unsigned char c) { return std::tolower(c); });
      if (a[1])
        attributes.emplace_back(attr, std::string(reinterpret_cast<const char*>(a[1])));
      else
        attributes.emplace_back(attr, std::nullopt);
    }
    auto attribute = [&](std::string_view key) -> const std::optional<std::string>* {
      for (const auto& [k, v] : attributes)
        if (k == key) return &v;
      return nullptr;
    };

    // Every open element costs memory here and in libxml2, and some of libxml2's work
    // grows with the depth: a limit far beyond any real page keeps both bounded.
    if (stack_.size() >= kMaxDepth) {
      if (!failure_) {
        failure_.emplace(Error::Kind::kInput,
                         trf("elements are nested more than {1} levels deep", std::to_string(kMaxDepth)),
                         where(tag_begin));
        xmlStopParser(ctxt_);
      }
      return;
    }

    OpenElement element;
    element.name = name;
    element.started_real = real;
    element.begin = tag_begin;
    if (untranslatable()) {
      element.untranslatable = true;
      element.cls = ElementClass::kSkip;
      push(std::move(element));
      return;
    }

    bool no_translate = false;
    if (auto t = attribute("translate"); t && *t && equals_ignoring_case(**t, "no")) no_translate = true;
    if (auto c = attribute("class"); c && *c) {
      std::string_view classes = **c;
      for (std::size_t i = 0; i < classes.size();) {
        while (i < classes.size() && is_ascii_space(classes[i])) ++i;
        std::size_t j = i;
        while (j < classes.size() && !is_ascii_space(classes[j])) ++j;
        if (classes.substr(i, j - i) == "notranslate") no_translate = true;
        i = j;
      }
    }
    if (no_translate || is_skipped_element(name) || (name == "code" && !block_active_)) {
      element.cls = ElementClass::kSkip;
    } else if (block_elements().count(name)) {
      element.cls = ElementClass::kBlock;
    } else if (is_inline_element(name)) {
      element.cls = ElementClass::kInline;
    }

    if (name == "meta") note_charset(attributes);
    if (name == "html" && real) {
      for (const auto& [k, v] : attributes)
        if (k == "lang" && v) doc_.language = doc_.original_language = *v;
    }

    // A tag the writer may rebuild: the root, and tags with translatable attributes
    // (those are not translated in a skipped subtree).
    int tag = -1;
    if (real && (name == "html" || element.cls != ElementClass::kSkip)) tag = record_tag(name, attributes, tag_begin, tag_end);

    switch (element.cls) {
      case ElementClass::kSkip:
        element.untranslatable = true;
        if (block_active_) element.skip_begin = tag_begin;
        else emit_tag(tag, tag_begin, tag_end);
        break;
      case ElementClass::kBlock:
        flush();
        emit_tag(tag, tag_begin, tag_end);
        begin_block(kind_for(name), name);
        break;
      case ElementClass::kInline: {
        if (!block_active_) begin_anonymous_block();
        Item item;
        item.begin = tag_begin;
        item.end = tag_end;
        item.name = name;
        item.tag = tag;
        if (is_void_element(name)) {
          item.kind = Item::Kind::kPlaceholder;
        } else {
          item.kind = Item::Kind::kOpening;
          item.pair = element.pair = ++pair_counter_;
          element.block_serial = block_serial_;
        }
        items_.push_back(std::move(item));
        break;
      }
      case ElementClass::kContainer:
        flush();
        emit_tag(tag, tag_begin, tag_end);
        break;
    }
    push(std::move(element));
  }

  void end_element(const char* name_chars) {
    if (pending_stray_end_work_ > 0 && now() == pending_stray_end_at_)
      pending_stray_end_work_ = 0;  // an element closed on the way down (see problem())
    commit_stray_end_work();
    if (failure_) return;
    std::string name = name_chars;
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
    std::size_t current = now();
    std::size_t tag_begin = find_tag("</" + name, pos_, current);
    std::size_t tag_end = pos_;
    if (tag_begin != std::string::npos) {
      std::size_t close = next_tag_end(tag_begin);
      if (close != std::string::npos && close < current) tag_end = close + 1;
      else tag_begin = std::string::npos;
    }
    bool implied = tag_begin == std::string::npos;
    if (implied) tag_begin = tag_end = pos_;  // no bytes
    pos_ = tag_end;

    // libxml2 ends elements innermost first; find ours.
    std::size_t index = stack_.size();
    while (index > 0 && stack_[index - 1].name != name) --index;
    if (index == 0) return;
    OpenElement element = stack_[index - 1];
    stack_.resize(index - 1);
    if (implied && element.started_real && !end_tag_optional(name) && room_for_warning()) {
      Error::Location loc;
      loc.file = source_;
      loc.line = line_of(element.begin);
      doc_.warnings.push_back(
          Error::Describe(trf("<{1}> is not closed; it ends where a browser would end it, at line {2}", name,
                              std::to_string(line_of(tag_begin))),
                          loc));
    }

    switch (element.cls) {
      case ElementClass::kSkip:
        if (element.skip_begin != std::string::npos && block_active_) {
          Item item;
          item.kind = Item::Kind::kPlaceholder;
          item.begin = element.skip_begin;
          item.end = tag_end;
          item.name = name;
          items_.push_back(std::move(item));
        }
        break;
      case ElementClass::kBlock:
      case ElementClass::kContainer:
        flush();
        break;
      case ElementClass::kInline:
        if (is_void_element(name) || !block_active_) break;
        {
          Item item;
          item.kind = Item::Kind::kClosing;
          item.begin = tag_begin;
          item.end = tag_end;
          item.name = name;
          item.pair = element.block_serial == block_serial_ ? element.pair : ++pair_counter_;
          items_.push_back(std::move(item));
        }
        break;
    }
  }

  void text(std::string_view decoded) {
    commit_stray_end_work();
    if (failure_) return;
    std::size_t begin = pos_;
    std::size_t end = std::max(now(), pos_);
    pos_ = end;
    if (untranslatable()) return;
    refuse_markers(decoded, begin);
    if (!block_active_) {
      if (is_all_space(decoded)) return;
      begin_anonymous_block();
    }
    if (!items_.empty() && items_.back().kind == Item::Kind::kText && items_.back().end == begin) {
      items_.back().text += decoded;
      items_.back().end = end;
      return;
    }
    Item item;
    item.kind = Item::Kind::kText;
    item.begin = begin;
    item.end = end;
    item.text = std::string(decoded);
    items_.push_back(std::move(item));
  }

  // Comments, processing instructions, CDATA: placeholders inside a block, skeleton outside.
  void other(const char* what) {
    commit_stray_end_work();
    if (failure_) return;
    std::size_t begin = pos_;
    std::size_t end = std::max(now(), pos_);
    pos_ = end;
    if (untranslatable() || !block_active_ || end == begin) return;
    Item item;
    item.kind = Item::Kind::kPlaceholder;
    item.begin = begin;
    item.end = end;
    item.name = what;
    items_.push_back(std::move(item));
  }

  // --- blocks ------------------------------------------------------------------------
  BlockKind kind_for(const std::string& name) const {
    BlockKind kind = BlockKind::kText;
    if (auto it = block_elements().find(name); it != block_elements().end()) kind = it->second;
    if ((kind == BlockKind::kParagraph || kind == BlockKind::kListItem || kind == BlockKind::kText) &&
        !stack_.empty()) {
      if (stack_.back().section == OpenElement::Section::kFooter) return BlockKind::kFooter;
      if (stack_.back().section == OpenElement::Section::kNav) return BlockKind::kNavigation;
    }
    return kind;
  }

  void push(OpenElement element) {
    const OpenElement* parent = stack_.empty() ? nullptr : &stack_.back();
    if (element.name == "footer") element.section = OpenElement::Section::kFooter;
    else if (element.name == "nav") element.section = OpenElement::Section::kNav;
    else if (parent) element.section = parent->section;
    if (element.cls == ElementClass::kBlock) element.block_index = static_cast<std::ptrdiff_t>(stack_.size());
    else if (parent) element.block_index = parent->block_index;
    stack_.push_back(std::move(element));
  }

  void begin_block(BlockKind kind, const std::string& element) {
    block_active_ = true;
    ++block_serial_;
    block_kind_ = kind;
    block_element_ = element;
    items_.clear();
  }

  // Text or an inline element outside any block element: a block of its own, named after
  // the nearest block element around it (the rest of an li after a nested list) or the
  // container.
  void begin_anonymous_block() {
    std::string element = stack_.empty() ? "body" : stack_.back().name;
    BlockKind kind = kind_for("");
    if (!stack_.empty() && stack_.back().block_index >= 0) {
      element = stack_[static_cast<std::size_t>(stack_.back().block_index)].name;
      kind = kind_for(element);
    }
    begin_block(kind, element);
  }

  int record_tag(const std::string& name, const std::vector<std::pair<std::string, std::optional<std::string>>>& attributes,
                 std::size_t begin, std::size_t end) {
    SkeletonTag tag;
    tag.raw = std::string(bytes_.substr(begin, end - begin));
    tag.name = name;
    tag.attributes = attributes;
    tag.attribute_blocks.assign(attributes.size(), -1);
    tag.self_closing = tag.raw.size() >= 2 && tag.raw.compare(tag.raw.size() - 2, 2, "/>") == 0;
    bool any = false;
    std::string meta_key;
    if (name == "meta") {
      for (const auto& [k, v] : attributes)
        if ((k == "name" || k == "property") && v) meta_key = *v;
      std::transform(meta_key.begin(), meta_key.end(), meta_key.begin(), [](unsigned char c) { return std::tolower(c); });
    }
    for (std::size_t i = 0; i < attributes.size(); ++i) {
      const auto& [k, v] = attributes[i];
      if (!v || !has_word_character(*v)) continue;
      refuse_markers(*v, begin);
      BlockKind kind;
      std::string element;
      if (k == "alt") kind = BlockKind::kAltText;
      else if (k == "title") kind = BlockKind::kTooltip;
      else if (k == "placeholder") kind = BlockKind::kPlaceholderText;
      else if (k == "aria-label") kind = BlockKind::kAriaLabel;
      else if (k == "content" && name == "meta" && (meta_key == "description" || meta_key == "og:description"))
        kind = BlockKind::kMetaDescription;
      else if (k == "content" && name == "meta" && meta_key == "og:title")
        kind = BlockKind::kMetaTitle;
      else
        continue;
      element = name == "meta" ? "meta@" + meta_key : name + "@" + k;
      PendingBlock pending;
      pending.position = begin;
      pending.block.kind = kind;
      pending.block.element = element;
      pending.block.line = line_of(begin);
      pending.block.source.text = nfc_text(*v);
      tag.attribute_blocks[i] = static_cast<int>(pending_.size());  // remapped in finish()
      pending_.push_back(std::move(pending));
      any = true;
    }
    if (!any && name != "html") return -1;
    doc_.tags.push_back(std::move(tag));
    if (name == "html") doc_.html_tag = static_cast<int>(doc_.tags.size() - 1);
    return static_cast<int>(doc_.tags.size() - 1);
  }

  void literal_until(std::size_t offset) {
    if (offset <= literal_from_) return;
    doc_.skeleton.push_back({SkeletonPart::Kind::kLiteral, std::string(bytes_.substr(literal_from_, offset - literal_from_)), 0});
    literal_from_ = offset;
  }

  void emit_tag(int tag, std::size_t begin, std::size_t end) {
    if (tag < 0) return;
    literal_until(begin);
    doc_.skeleton.push_back({SkeletonPart::Kind::kTag, {}, static_cast<std::size_t>(tag)});
    literal_from_ = end;
  }

  // Items of the block that go to the skeleton: literal bytes, or tags that may be rebuilt.
  void to_skeleton(const std::vector<Item>& items, std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i)
      if (items[i].tag >= 0) emit_tag(items[i].tag, items[i].begin, items[i].end);
  }

  // Ends the current block: whitespace and codes at its edges that do not belong to its
  // text (standalone, or unpaired in the block) go to the skeleton.
  void flush() {
    if (!block_active_) return;
    block_active_ = false;
    std::vector<Item> items = std::move(items_);
    items_.clear();

    std::map<int, int> pair_count;
    for (const Item& it : items)
      if (it.kind == Item::Kind::kOpening || it.kind == Item::Kind::kClosing) pair_count[it.pair]++;
    auto paired = [&](const Item& it) { return pair_count[it.pair] == 2; };
    auto edge_junk = [&](const Item& it) {
      if (it.kind == Item::Kind::kText) return is_all_space(it.text);
      return it.kind == Item::Kind::kPlaceholder || !paired(it);
    };
    std::size_t first = 0, last = items.size();
    auto recount = [&] {
      pair_count.clear();
      for (std::size_t i = first; i < last; ++i)
        if (items[i].kind == Item::Kind::kOpening || items[i].kind == Item::Kind::kClosing) pair_count[items[i].pair]++;
    };
    for (bool changed = true; changed;) {
      changed = false;
      while (first < last && edge_junk(items[first])) ++first, changed = true;
      while (last > first && edge_junk(items[last - 1])) --last, changed = true;
      if (changed) recount();
    }
    bool has_text = false;
    for (std::size_t i = first; i < last; ++i)
      if (items[i].kind == Item::Kind::kText && has_word_character(items[i].text)) has_text = true;
    if (!has_text) {
      to_skeleton(items, 0, items.size());
      return;
    }

    to_skeleton(items, 0, first);
    // Leading and trailing whitespace of the edge texts stays outside the block.
    // (End tags the parser implied have no bytes: look past them.)
    std::size_t head = first, tail = last;
    while (head + 1 < tail && items[head].begin == items[head].end) ++head;
    while (tail - 1 > head && items[tail - 1].begin == items[tail - 1].end) --tail;
    std::size_t begin_raw = items[head].begin, end_raw = items[tail - 1].end;
    if (items[head].kind == Item::Kind::kText)
      while (begin_raw < end_raw && is_ascii_space(bytes_[begin_raw])) ++begin_raw;
    if (items[tail - 1].kind == Item::Kind::kText)
      while (end_raw > begin_raw && is_ascii_space(bytes_[end_raw - 1])) --end_raw;

    PendingBlock pending;
    pending.position = begin_raw;
    Block& block = pending.block;
    block.kind = block_kind_;
    block.element = block_element_;
    block.line = line_of(begin_raw);
    block.raw = std::string(bytes_.substr(begin_raw, end_raw - begin_raw));
    std::map<int, int> ids;  // pair -> code id
    int next_id = 1;
    bool pending_space = false;
    for (std::size_t i = first; i < last; ++i) {
      const Item& it = items[i];
      if (it.kind == Item::Kind::kText) {
        // Runs of HTML whitespace show as one space: store them so.
        for (char c : it.text) {
          if (is_ascii_space(c)) {
            pending_space = true;
            continue;
          }
          if (pending_space && !block.source.text.empty()) block.source.text += ' ';
          pending_space = false;
          block.source.text += c;
        }
        continue;
      }
      if (pending_space && !block.source.text.empty()) block.source.text += ' ';
      pending_space = false;
      InlineCode code;
      code.name = it.name;
      code.original = std::string(bytes_.substr(it.begin, it.end - it.begin));
      if (it.kind == Item::Kind::kPlaceholder) {
        code.kind = InlineCode::Kind::kPlaceholder;
        code.id = next_id++;
      } else if (it.kind == Item::Kind::kOpening) {
        code.kind = InlineCode::Kind::kOpening;
        code.id = ids[it.pair] = next_id++;
        code.isolated = !paired(it);
      } else {
        code.kind = InlineCode::Kind::kClosing;
        code.isolated = !paired(it);
        code.id = code.isolated ? next_id++ : ids[it.pair];
        // An end tag the parser implied has no bytes; a rendered translation writes one.
        if (code.original.empty()) code.original = "</" + it.name + ">";
      }
      append_code(block.source, std::move(code));
      block.code_tags.push_back(it.tag);
    }
    // No space at the very start or end of the text, even inside codes ("<b> word </b>");
    // a space after an image or before one is the text's own.
    InlineText& t = block.source;
    InlineCode::Kind kind;
    std::size_t lead = 0;
    while (lead < t.text.size() && marker_at(t.text, lead, &kind) && kind == InlineCode::Kind::kOpening)
      lead += kMarkerBytes;
    if (lead < t.text.size() && t.text[lead] == ' ') t.text.erase(lead, 1);
    std::size_t trail = t.text.size();
    while (trail >= kMarkerBytes && marker_at(t.text, trail - kMarkerBytes, &kind) && kind == InlineCode::Kind::kClosing)
      trail -= kMarkerBytes;
    if (trail > 0 && t.text[trail - 1] == ' ') t.text.erase(trail - 1, 1);
    t.text = nfc_text(t.text);  // segmentation and the memory compare NFC text

    literal_until(begin_raw);
    doc_.skeleton.push_back({SkeletonPart::Kind::kBlock, {}, pending_.size()});
    pending_.push_back(std::move(pending));
    literal_from_ = end_raw;
    to_skeleton(items, last, items.size());
  }

  // Blocks in document order, with their ids; skeleton and tags point at the new order.
  void finish() {
    if (warnings_left_out_ > 0) {
      Error::Location loc;
      loc.file = source_;
      doc_.warnings.push_back(Error::Describe(
          trf("{1} more problems in the HTML are not shown", std::to_string(warnings_left_out_)), loc));
    }
    literal_until(bytes_.size());
    std::vector<std::size_t> order(pending_.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return pending_[a].position < pending_[b].position; });
    std::vector<std::size_t> new_index(order.size());
    for (std::size_t i = 0; i < order.size(); ++i) new_index[order[i]] = i;
    for (std::size_t i = 0; i < order.size(); ++i) {
      Block block = std::move(pending_[order[i]].block);
      block.id = block_id(i);
      doc_.blocks.push_back(std::move(block));
    }
    for (SkeletonPart& part : doc_.skeleton)
      if (part.kind == SkeletonPart::Kind::kBlock) part.index = new_index[part.index];
    for (SkeletonTag& tag : doc_.tags)
      for (int& b : tag.attribute_blocks)
        if (b >= 0) b = static_cast<int>(new_index[static_cast<std::size_t>(b)]);
    // Merge adjacent literals left by the walk.
    std::vector<SkeletonPart> merged;
    for (SkeletonPart& part : doc_.skeleton) {
      if (part.kind == SkeletonPart::Kind::kLiteral && !merged.empty() &&
          merged.back().kind == SkeletonPart::Kind::kLiteral) {
        merged.back().bytes += part.bytes;
        continue;
      }
      merged.push_back(std::move(part));
    }
    doc_.skeleton = std::move(merged);
  }

  static constexpr std::size_t kMaxDepth = 100000;
  static constexpr std::size_t kMaxStrayEndWork = 200'000'000;  // names compared by libxml2
  static constexpr std::size_t kMaxWarnings = 100;

  std::string_view bytes_;
  std::string source_;
  Document doc_;
  htmlParserCtxtPtr ctxt_ = nullptr;
  std::size_t base_ = 0;          // bytes before what libxml2 sees (a byte-order mark)
  std::size_t pos_ = 0;           // input consumed by the events so far
  std::size_t literal_from_ = 0;  // start of the skeleton bytes not yet emitted
  mutable std::map<std::string, std::pair<std::size_t, std::size_t>, std::less<>> absent_;  // find_tag
  mutable std::size_t gt_from_ = std::string::npos, gt_at_ = std::string::npos;             // next_tag_end
  mutable std::vector<std::size_t> line_breaks_;
  mutable bool lines_indexed_ = false;
  std::vector<OpenElement> stack_;
  std::vector<PendingBlock> pending_;

  bool block_active_ = false;
  int block_serial_ = 0;
  int pair_counter_ = 0;
  BlockKind block_kind_ = BlockKind::kText;
  std::string block_element_;
  std::vector<Item> items_;
  std::optional<Error> failure_;
  std::size_t stray_end_work_ = 0;          // name comparisons libxml2 made for stray end tags
  std::size_t pending_stray_end_work_ = 0;  // the last one's, unless an element closes at once
  std::size_t pending_stray_end_at_ = 0;
  std::size_t warnings_left_out_ = 0;
};

// The charset the page declares (meta charset or http-equiv), as libxml2 finds it, for a
// page that is not UTF-8. The page is read with no tree and only as far as needed: up to the
// first declaration, and never deeper than kMaxCharsetDepth open elements (libxml2's own limit
// for a tree, where reading the page into one stopped before), since a declaration belongs in
// the head. Past that depth the page counts as declaring none. The bound matters: libxml2
// compares each stray end tag with every open element, so a hostile page (100,000 open
// elements, then as many stray end tags) read without it would take time with the square of
// its size before the reader proper, with its own bounds, ever saw it. Entities and DTDs need
// no care here: libxml2's HTML parser neither expands declared entities nor loads a DTD
// (HTML_PARSE_NONET all the same).
constexpr int kMaxCharsetDepth = 256;

struct CharsetSearch {
  htmlParserCtxtPtr ctxt = nullptr;

  // libxml2 takes in a meta element's declaration before it reports the element.
  static void on_start(void* data, const xmlChar*, const xmlChar**) {
    auto* self = static_cast<CharsetSearch*>(data);
    if (self->found() || self->ctxt->nameNr > kMaxCharsetDepth) xmlStopParser(self->ctxt);
  }
  static void on_error(void*, xmlErrorPtr) {}

  bool found() const { return ctxt->input && ctxt->input->encoding; }
};

std::string declared_charset(std::string_view bytes) {
  QuietLibxml2 quiet;
  std::unique_ptr<htmlParserCtxt, void (*)(htmlParserCtxtPtr)> ctxt(
      htmlCreateMemoryParserCtxt(bytes.data(), static_cast<int>(bytes.size())), htmlFreeParserCtxt);
  if (!ctxt) return "";
  htmlCtxtUseOptions(ctxt.get(), HTML_PARSE_NONET | HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING);
  CharsetSearch search{ctxt.get()};
  xmlSAXHandler* sax = ctxt->sax;
  std::memset(sax, 0, sizeof(*sax));
  sax->initialized = XML_SAX2_MAGIC;  // errors through serror, which ignores them
  sax->startElement = &CharsetSearch::on_start;
  sax->serror = &CharsetSearch::on_error;
  ctxt->userData = &search;
  htmlParseDocument(ctxt.get());
  if (ctxt->myDoc) {
    xmlFreeDoc(ctxt->myDoc);
    ctxt->myDoc = nullptr;
  }
  return search.found() ? reinterpret_cast<const char*>(ctxt->input->encoding) : "";
}

bool is_utf8_name(std::string name) {
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  return name == "utf-8" || name == "utf8";
}

// Converts a page in a declared legacy charset to UTF-8 with ICU.
std::string charset_to_utf8(std::string_view bytes, const std::string& charset, const std::string& source) {
  Error::Location loc;
  loc.file = source;
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open(charset.c_str(), &status), ucnv_close);
  if (U_FAILURE(status)) ThrowInput(trf("the page declares the unknown charset '{1}'", charset), loc);
  ucnv_setToUCallBack(conv.get(), UCNV_TO_U_CALLBACK_STOP, nullptr, nullptr, nullptr, &status);
  icu::UnicodeString text(bytes.data(), static_cast<int32_t>(bytes.size()), conv.get(), status);
  if (U_FAILURE(status)) ThrowInput(trf("the bytes are not valid in the declared charset '{1}'", charset), loc);
  return to_utf8(text);
}

}  // namespace

Document parse_html(std::string_view bytes, const std::string& source_name) {
  // libxml2's global tables must be set up once before threads parse at the same time.
  static std::once_flag libxml2_ready;
  std::call_once(libxml2_ready, xmlInitParser);
  reject_binary(bytes, source_name);
  std::string converted;
  std::string encoding;
  if (find_invalid_utf8(bytes)) {
    std::string charset = declared_charset(bytes);
    if (charset.empty() || is_utf8_name(charset)) {
      auto bad = find_invalid_utf8(bytes);
      Error::Location loc;
      loc.file = source_name;
      loc.offset = static_cast<std::int64_t>(*bad);
      loc.line = line_at(bytes, *bad);
      ThrowInput(trf("the page is not UTF-8 (invalid byte at offset {1}) and declares no other charset",
                     std::to_string(*bad)),
                 loc);
    }
    converted = charset_to_utf8(bytes, charset, source_name);
    encoding = charset;
    bytes = converted;
  }
  reject_markers(bytes, source_name);
  Document doc = HtmlReader(bytes, source_name).read();
  if (encoding.empty() && !doc.encoding.empty() && !is_utf8_name(doc.encoding)) {
    // Valid UTF-8 (often plain ASCII) that declares a legacy charset: read it as the
    // declaration says, as a browser does.
    encoding = doc.encoding;
    converted = charset_to_utf8(bytes, encoding, source_name);
    reject_markers(converted, source_name);
    doc = HtmlReader(converted, source_name).read();
  }
  doc.encoding = encoding;
  return doc;
}

}  // namespace dilmanc::formats

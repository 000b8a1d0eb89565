// Writing a Document read from HTML: the skeleton's bytes as they were, untranslated
// blocks as they were, translated blocks and changed tags rendered and escaped.
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>

#include <memory>

#include "dilmanc/error.h"
#include "dilmanc/messages.h"
#include "dilmanc/text.h"
#include "formats/format_parts.h"

namespace dilmanc::formats {
namespace {

void append_escaped(std::string& out, std::string_view text, bool attribute) {
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"':
        if (attribute) {
          out += "&quot;";
          break;
        }
        [[fallthrough]];
      default: out += c;
    }
  }
}

class HtmlWriter {
 public:
  explicit HtmlWriter(const Document& doc) : doc_(doc) {}

  std::string render() {
    std::string out;
    for (const SkeletonPart& part : doc_.skeleton) {
      switch (part.kind) {
        case SkeletonPart::Kind::kLiteral: out += part.bytes; break;
        case SkeletonPart::Kind::kTag: out += tag(part.index); break;
        case SkeletonPart::Kind::kBlock: block(out, doc_.blocks[part.index]); break;
      }
    }
    return out;
  }

 private:
  bool language_changed() const { return !doc_.language.empty() && doc_.language != doc_.original_language; }

  bool tag_changed(std::size_t index) const {
    const SkeletonTag& t = doc_.tags[index];
    if (static_cast<int>(index) == doc_.html_tag && language_changed()) return true;
    for (int b : t.attribute_blocks)
      if (b >= 0 && block_translated(doc_.blocks[static_cast<std::size_t>(b)])) return true;
    return false;
  }

  std::string tag(std::size_t index) const {
    const SkeletonTag& t = doc_.tags[index];
    if (!tag_changed(index)) return t.raw;
    bool root = static_cast<int>(index) == doc_.html_tag;
    std::string out = "<" + t.name;
    bool has_lang = false;
    for (std::size_t i = 0; i < t.attributes.size(); ++i) {
      const auto& [name, value] = t.attributes[i];
      out += ' ';
      out += name;
      std::optional<std::string> v = value;
      if (t.attribute_blocks[i] >= 0) {
        const Block& b = doc_.blocks[static_cast<std::size_t>(t.attribute_blocks[i])];
        if (block_translated(b)) v = plain_text(block_output(b));
      }
      if (root && (name == "lang" || name == "xml:lang") && language_changed()) {
        v = doc_.language;
        has_lang |= name == "lang";
      }
      if (!v) continue;
      out += "=\"";
      append_escaped(out, *v, true);
      out += '"';
    }
    if (root && language_changed() && !has_lang) {
      out += " lang=\"";
      append_escaped(out, doc_.language, true);
      out += '"';
    }
    out += t.self_closing ? " />" : ">";
    return out;
  }

  void block(std::string& out, const Block& b) const {
    bool render = block_translated(b);
    for (std::size_t k = 0; !render && k < b.code_tags.size(); ++k)
      if (b.code_tags[k] >= 0 && tag_changed(static_cast<std::size_t>(b.code_tags[k]))) render = true;
    if (!render) {
      out += b.raw;
      return;
    }
    InlineText text = block_output(b);
    const CodeIndex index(b.source.codes);
    std::size_t k = 0;
    InlineCode::Kind kind;
    for (std::size_t i = 0; i < text.text.size();) {
      if (marker_at(text.text, i, &kind)) {
        const InlineCode& code = text.codes[k++];
        out += code_markup(b, index, code);
        i += kMarkerBytes;
        continue;
      }
      std::size_t j = i;
      while (j < text.text.size() && !marker_at(text.text, j, &kind)) ++j;
      append_escaped(out, std::string_view(text.text).substr(i, j - i), false);
      i = j;
    }
  }

  // `index`: of b.source.codes.
  std::string code_markup(const Block& b, const CodeIndex& index, const InlineCode& code) const {
    const std::size_t k = index.find(code);
    if (k == CodeIndex::npos) return code.original;
    if (k < b.code_tags.size() && b.code_tags[k] >= 0) return tag(static_cast<std::size_t>(b.code_tags[k]));
    return b.source.codes[k].original;
  }

  const Document& doc_;
};

// Back to the page's declared legacy charset; characters it lacks become references.
std::string utf8_to_charset(const std::string& utf8, const std::string& charset, const std::string& source) {
  UErrorCode status = U_ZERO_ERROR;
  std::unique_ptr<UConverter, void (*)(UConverter*)> conv(ucnv_open(charset.c_str(), &status), ucnv_close);
  if (U_FAILURE(status)) {
    Error::Location loc;
    loc.file = source;
    ThrowInput(trf("the page declares the unknown charset '{1}'", charset), loc);
  }
  ucnv_setFromUCallBack(conv.get(), UCNV_FROM_U_CALLBACK_ESCAPE, UCNV_ESCAPE_XML_DEC, nullptr, nullptr, &status);
  icu::UnicodeString text = to_unicode(utf8);
  std::string out(static_cast<std::size_t>(UCNV_GET_MAX_BYTES_FOR_STRING(text.length(), ucnv_getMaxCharSize(conv.get()))) +
                      16 * static_cast<std::size_t>(text.length()) + 16,
                  '\0');
  int32_t n = text.extract(out.data(), static_cast<int32_t>(out.size()), conv.get(), status);
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

std::string render_html(const Document& document) {
  std::string out = HtmlWriter(document).render();
  if (!document.encoding.empty()) out = utf8_to_charset(out, document.encoding, document.source_name);
  return out;
}

}  // namespace dilmanc::formats

// The copy of text files: plain text as it is, HTML through libxml2's HTML
// parser, which reads real-world markup as browsers do.
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <climits>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>

#include "assets/internal/readers.h"
#include "core/text.h"

namespace livesop::assets::internal {
namespace {

// Code points of UTF-8 text: every byte that does not continue a sequence.
int64_t CodePoints(std::string_view text) {
  int64_t count = 0;
  for (char c : text) {
    if ((static_cast<unsigned char>(c) & 0xc0) != 0x80) ++count;
  }
  return count;
}

bool IsHidden(const xmlNode* node) {
  static const char* const kHidden[] = {"script", "style", "template",
                                        "noscript", "head"};
  for (const char* name : kHidden) {
    if (xmlStrcasecmp(node->name, reinterpret_cast<const xmlChar*>(name)) ==
        0) {
      return true;
    }
  }
  return false;
}

// Appends the text a browser shows under `node`. Iterative, so that deeply
// nested markup cannot exhaust the stack.
void AppendShownText(const xmlNode* root, std::string* out) {
  const xmlNode* node = root;
  while (node != nullptr) {
    bool descend = false;
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content != nullptr) {
        out->append(reinterpret_cast<const char*>(node->content));
      }
    } else if (node->type == XML_ELEMENT_NODE && !IsHidden(node)) {
      // Block boundaries separate words even without white space.
      out->push_back(' ');
      descend = node->children != nullptr;
    }
    if (descend) {
      node = node->children;
      continue;
    }
    while (node != nullptr && node != root && node->next == nullptr) {
      node = node->parent;
    }
    if (node == nullptr || node == root) break;
    node = node->next;
  }
}

struct FreeDoc {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

}  // namespace

Result<TextInfo> ReadText(const std::string& path, bool html) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError(path + ": cannot be opened");
  std::ostringstream content;
  content << in.rdbuf();
  if (in.bad()) return InternalError(path + ": cannot be read");
  const std::string bytes = content.str();

  TextInfo info;
  info.html = html;
  if (!html) {
    info.characters = CodePoints(Trim(bytes));
    return info;
  }
  if (bytes.size() > static_cast<size_t>(INT_MAX)) {
    return InvalidArgumentError(path + ": is too large to read as HTML");
  }
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
  // Errors and warnings off: markup mistakes are the browser's business,
  // and libxml2 would print them to stderr.
  std::unique_ptr<xmlDoc, FreeDoc> doc(htmlReadMemory(
      bytes.data(), static_cast<int>(bytes.size()), path.c_str(), nullptr,
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
          HTML_PARSE_NONET | HTML_PARSE_NOIMPLIED));
  std::string shown;
  if (doc != nullptr) {
    for (xmlNode* top = doc->children; top != nullptr; top = top->next) {
      AppendShownText(top, &shown);
    }
  }
  info.characters = CodePoints(OneLine(shown));
  return info;
}

}  // namespace livesop::assets::internal

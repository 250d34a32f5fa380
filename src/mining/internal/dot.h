// Graphviz DOT helpers shared by the map and model renderers.
#ifndef LIVESOP_MINING_INTERNAL_DOT_H_
#define LIVESOP_MINING_INTERNAL_DOT_H_

#include <string>

namespace livesop::mining::internal {

// `text` as a DOT string literal: quoted, with quotes and backslashes
// escaped and line breaks as \n (a line break in a label).
inline std::string DotQuote(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace livesop::mining::internal

#endif  // LIVESOP_MINING_INTERNAL_DOT_H_

#include "sop/render.h"

#include <cmark-gfm-core-extensions.h>
#include <cmark-gfm-extension_api.h>
#include <cmark-gfm.h>
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/text.h"
#include "sop/condition.h"

namespace livesop::sop {
namespace {

// ---------------------------------------------------------------------------
// Text helpers shared by the Markdown and DOT writers.

bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || IsAsciiDigit(c); }

// C0 control characters other than tab and newline are never meaningful in
// an SOP and make the HTML invalid, so they are dropped everywhere.
bool IsDroppedControl(char c) {
  auto u = static_cast<unsigned char>(c);
  return (u < 0x20 && c != '\n' && c != '\t' && c != '\r') || u == 0x7f;
}

// Replaces every byte that is not part of well-formed UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF included) with U+FFFD, so the
// Markdown, the DOT and the SVG made from it are valid UTF-8.
std::string ValidUtf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    auto b = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t min = 0;
    uint32_t cp = 0;
    if (b < 0x80) {
      out += s[i++];
      continue;
    } else if ((b & 0xe0) == 0xc0) {
      len = 2, min = 0x80, cp = b & 0x1f;
    } else if ((b & 0xf0) == 0xe0) {
      len = 3, min = 0x800, cp = b & 0x0f;
    } else if ((b & 0xf8) == 0xf0) {
      len = 4, min = 0x10000, cp = b & 0x07;
    }
    bool ok = len > 0 && i + len <= s.size();
    for (size_t k = 1; ok && k < len; ++k) {
      auto c = static_cast<unsigned char>(s[i + k]);
      ok = (c & 0xc0) == 0x80;
      cp = (cp << 6) | (c & 0x3f);
    }
    ok = ok && cp >= min && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff);
    if (ok) {
      out.append(s.substr(i, len));
      i += len;
    } else {
      out += "\xEF\xBF\xBD";
      ++i;
    }
  }
  return out;
}

// Replaces line breaks and tabs by single spaces and trims, for text that
// must stay on one line (table cells, list items, headings, labels). The
// result is valid UTF-8.
std::string OneLine(std::string_view raw) {
  std::string s = ValidUtf8(raw);
  s.erase(std::remove_if(s.begin(), s.end(), IsDroppedControl), s.end());
  return livesop::OneLine(s);
}

// The name to show for an element: its name on one line, else its id.
// Never blank: Graphviz aborts on a cluster label made of line breaks.
std::string DisplayName(std::string_view name, std::string_view id) {
  std::string shown = OneLine(name);
  if (shown.empty()) shown = OneLine(id);
  return shown.empty() ? "(unnamed)" : shown;
}

// True when `s` at `i` (an '&') starts something CommonMark would read as
// an entity or numeric character reference.
bool LooksLikeEntity(std::string_view s, size_t i) {
  size_t j = i + 1;
  if (j < s.size() && s[j] == '#') {
    ++j;
    bool hex = j < s.size() && (s[j] == 'x' || s[j] == 'X');
    if (hex) ++j;
    size_t start = j;
    while (j < s.size() &&
           (hex ? std::isxdigit(static_cast<unsigned char>(s[j])) != 0
                : IsAsciiDigit(s[j]))) {
      ++j;
    }
    return j > start && j < s.size() && s[j] == ';';
  }
  size_t start = j;
  while (j < s.size() && IsAsciiAlnum(s[j])) ++j;
  return j > start && j < s.size() && s[j] == ';';
}

// Escapes the start of a line so it cannot open a block (heading, list,
// block quote, setext underline, numbered list). Appends the escaped prefix
// to `out` and returns how many characters of `s` it consumed.
size_t EscapeLineStart(std::string& out, std::string_view s) {
  if (s.empty()) return 0;
  char c = s[0];
  if (c == '#' || c == '-' || c == '+' || c == '=' || c == '>' || c == '*') {
    out += '\\';
    return 0;
  }
  size_t digits = 0;
  while (digits < s.size() && IsAsciiDigit(s[digits])) ++digits;
  if (digits > 0 && digits < s.size() &&
      (s[digits] == '.' || s[digits] == ')')) {
    out.append(s.substr(0, digits));
    out += '\\';
    return digits;
  }
  return 0;
}

// Literal text in Markdown: names, values, ids outside code spans. Every
// character that could start inline Markdown or HTML is backslash-escaped,
// so the text renders exactly as written, on one line. Not for the start of
// a list item (see ListItemMd).
std::string Lit(std::string_view raw) {
  std::string s = OneLine(raw);
  std::string out;
  out.reserve(s.size() + 8);
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    switch (c) {
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '<':
      case '>':
      case '|':
      case '~':
      case '#':  // a trailing " #" would close an ATX heading
        out += '\\';
        out += c;
        break;
      case '&':
        if (LooksLikeEntity(s, i)) out += '\\';
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

// Length of the code span that starts at `i` (a run of backticks) including
// its closing run, or 0 when the run is not closed on this line.
size_t CodeSpanLength(std::string_view s, size_t i) {
  size_t run = 0;
  while (i + run < s.size() && s[i + run] == '`') ++run;
  size_t j = i + run;
  while (j < s.size()) {
    if (s[j] != '`') {
      ++j;
      continue;
    }
    size_t close = 0;
    while (j + close < s.size() && s[j + close] == '`') ++close;
    if (close == run) return j + close - i;
    j += close;
  }
  return 0;
}

// True when `s` at `i` (a '<') starts a CommonMark autolink (<scheme:...> or
// <user@host>), which is a link rather than HTML and is kept.
bool IsAutolinkAt(std::string_view s, size_t i) {
  size_t close = s.find('>', i + 1);
  if (close == std::string_view::npos) return false;
  std::string_view body = s.substr(i + 1, close - i - 1);
  if (body.empty() || body.find_first_of(" <\t\n") != std::string_view::npos) {
    return false;
  }
  size_t colon = body.find(':');
  if (colon != std::string_view::npos && colon >= 2 && colon <= 32 &&
      IsAsciiAlpha(body[0])) {
    bool scheme = true;
    for (size_t k = 0; k < colon; ++k) {
      char c = body[k];
      if (!IsAsciiAlnum(c) && c != '+' && c != '.' && c != '-') scheme = false;
    }
    if (scheme) return true;
  }
  size_t at = body.find('@');
  return at != std::string_view::npos && at > 0 && at + 1 < body.size() &&
         body.find('/') == std::string_view::npos;
}

// Inline free text: Markdown emphasis, code and links stay, but anything
// that looks like an HTML tag is escaped so it shows as text.
void AppendInlineMarkdown(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (IsDroppedControl(c)) continue;
    if (c == '`') {
      size_t len = CodeSpanLength(s, i);
      if (len > 0) {
        out.append(s.substr(i, len));
        i += len - 1;
        continue;
      }
      while (i < s.size() && s[i] == '`') out += s[i++];
      --i;
      continue;
    }
    if (c == '!' && i + 1 < s.size() && s[i + 1] == '[') {
      // An image would load from anywhere; a link to it keeps the manual
      // self-contained.
      out += "\\!";
      continue;
    }
    if (c == '<' && i + 1 < s.size() &&
        (IsAsciiAlpha(s[i + 1]) || s[i + 1] == '/' || s[i + 1] == '!' ||
         s[i + 1] == '?') &&
        !IsAutolinkAt(s, i)) {
      out += "\\<";
      continue;
    }
    out += c;
  }
}

// Free text kept as Markdown but flattened to one line, for table cells
// and the middle of a line.
std::string InlineMd(std::string_view raw) {
  std::string out;
  AppendInlineMarkdown(out, OneLine(raw));
  return out;
}

// InlineMd for the text of a list item, where a leading "#", "-", "1." …
// would open a nested block.
std::string ListItemMd(std::string_view raw) {
  std::string s = OneLine(raw);
  std::string out;
  size_t skip = EscapeLineStart(out, s);
  AppendInlineMarkdown(out, std::string_view(s).substr(skip));
  return out;
}

// Leading spaces of `line` (a tab counts as four), capped at `cap` + 1.
size_t Indent(std::string_view line) {
  size_t n = 0;
  for (char c : line) {
    if (c == ' ') {
      ++n;
    } else if (c == '\t') {
      n += 4;
    } else {
      break;
    }
  }
  return n;
}

// Block free text (overview, purpose, description): Markdown paragraphs,
// lists, emphasis, code and tables stay. Escaped so the text cannot change
// the manual around it: no headings (they would break the table of
// contents), no raw HTML, and no code fence left open over the rest of the
// document. Returns "" for blank text.
std::string BlockMd(std::string_view input) {
  std::string raw = ValidUtf8(input);
  std::vector<std::string> lines;
  std::string current;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '\r') {
      if (i + 1 < raw.size() && raw[i + 1] == '\n') ++i;
      lines.push_back(std::move(current));
      current.clear();
    } else if (c == '\n') {
      lines.push_back(std::move(current));
      current.clear();
    } else if (!IsDroppedControl(c)) {
      current += c;
    }
  }
  lines.push_back(std::move(current));

  std::vector<std::string> out;
  char fence_char = 0;
  size_t fence_len = 0;
  bool previous_blank = true;
  for (const std::string& line : lines) {
    size_t indent = Indent(line);
    std::string_view rest = line;
    size_t first = line.find_first_not_of(" \t");
    rest = first == std::string::npos ? std::string_view() : rest.substr(first);
    bool blank = rest.empty();
    if (fence_char != 0) {
      size_t run = 0;
      while (run < rest.size() && rest[run] == fence_char) ++run;
      if (indent <= 3 && run >= fence_len && Trim(rest.substr(run)).empty()) {
        fence_char = 0;
      }
      out.push_back(line);
      previous_blank = blank;
      continue;
    }
    if (indent <= 3 && !rest.empty() && (rest[0] == '`' || rest[0] == '~')) {
      size_t run = 0;
      while (run < rest.size() && rest[run] == rest[0]) ++run;
      bool backtick_info = rest[0] == '`' &&
                           rest.substr(run).find('`') != std::string_view::npos;
      if (run >= 3 && !backtick_info) {
        fence_char = rest[0];
        fence_len = run;
        out.push_back(line);
        previous_blank = false;
        continue;
      }
    }
    std::string escaped(line.substr(0, line.size() - rest.size()));
    if (indent <= 3 && !rest.empty()) {
      size_t hashes = 0;
      while (hashes < rest.size() && rest[hashes] == '#') ++hashes;
      bool atx = hashes >= 1 && hashes <= 6 &&
                 (hashes == rest.size() || rest[hashes] == ' ' ||
                  rest[hashes] == '\t');
      std::string_view trimmed = Trim(rest);
      bool setext = !previous_blank &&
                    (trimmed.find_first_not_of('=') == std::string_view::npos ||
                     trimmed.find_first_not_of('-') == std::string_view::npos);
      if (atx || setext) escaped += '\\';
    }
    AppendInlineMarkdown(escaped, rest);
    out.push_back(std::move(escaped));
    previous_blank = blank;
  }
  if (fence_char != 0) out.push_back(std::string(fence_len, fence_char));

  while (!out.empty() && Trim(out.back()).empty()) out.pop_back();
  size_t start = 0;
  while (start < out.size() && Trim(out[start]).empty()) ++start;
  std::string text;
  for (size_t i = start; i < out.size(); ++i) {
    if (!text.empty()) text += '\n';
    text += out[i];
  }
  return text;
}

// A Markdown code span holding `raw` verbatim, on one line.
std::string Code(std::string_view raw) {
  std::string s = OneLine(raw);
  if (s.empty()) return "";
  size_t longest = 0;
  size_t run = 0;
  for (char c : s) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  std::string fence(longest + 1, '`');
  bool pad = s.front() == '`' || s.back() == '`' ||
             (s.front() == ' ' && s.back() == ' ');
  return fence + (pad ? " " : "") + s + (pad ? " " : "") + fence;
}

// Joins free-text items: items that end a sentence are followed by a space,
// others by "; ", so "Writes briefs." and "Writes briefs" both read well.
std::string JoinItems(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (item.empty()) continue;
    if (!out.empty()) {
      char last = out.back();
      out += (last == '.' || last == '!' || last == '?') ? " " : "; ";
    }
    out += item;
  }
  return out;
}

// GitHub-style heading anchor: lower-case, punctuation dropped, spaces to
// hyphens. Non-ASCII bytes are kept (they form letters in UTF-8 text).
std::string Slug(std::string_view text) {
  std::string slug;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      slug += c;
    } else if (IsAsciiAlpha(c)) {
      slug += static_cast<char>(std::tolower(u));
    } else if (IsAsciiDigit(c) || c == '-' || c == '_') {
      slug += c;
    } else if (c == ' ') {
      slug += '-';
    }
  }
  return slug.empty() ? "section" : slug;
}

// Ids for file names and SVG element ids: [A-Za-z0-9_-], anything else '_'.
std::string SafeId(std::string_view id) {
  std::string out;
  for (char c : id) out += (IsAsciiAlnum(c) || c == '-' || c == '_') ? c : '_';
  return out.empty() ? "_" : out;
}

std::string FormatDuration(const BusinessDuration& d) {
  if (!d.text.empty()) return d.text;
  const char* unit = "d";
  switch (d.unit) {
    case BusinessDuration::Unit::kMinutes:
      unit = "m";
      break;
    case BusinessDuration::Unit::kHours:
      unit = "h";
      break;
    case BusinessDuration::Unit::kDays:
      unit = "d";
      break;
    case BusinessDuration::Unit::kWeeks:
      unit = "w";
      break;
  }
  return std::to_string(d.amount) + unit;
}

// Whole numbers with thousands separators ("50,000,000"); others in the
// shortest form that reads back exactly.
std::string FormatNumber(double v) {
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) {
    auto n = static_cast<int64_t>(v);
    std::string digits = std::to_string(n < 0 ? -n : n);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    return n < 0 ? "-" + out : out;
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), v);
  return std::string(buffer, result.ptr);
}

// One unary test as readable text: "campaign_type ∈ {a, b}". `name` and
// `value` format the input name and literal values for the target format
// (Markdown or plain text). The test is parsed by the same code that
// evaluates it, so the manual says what the engine does.
template <typename NameFn, typename ValueFn>
std::string UnaryTestText(std::string_view input, std::string_view raw_test,
                          NameFn name, ValueFn value) {
  const std::string subject = name(input);
  Result<UnaryTest> parsed = ParseUnaryTest(raw_test);
  if (!parsed.ok()) return subject + " " + value(OneLine(raw_test));
  auto set = [&](const std::vector<std::string>& items) {
    std::string out = "{";
    for (size_t i = 0; i < items.size(); ++i) {
      if (i > 0) out += ", ";
      out += value(items[i]);
    }
    return out + "}";
  };
  const UnaryTest& test = *parsed;
  switch (test.kind) {
    case UnaryTest::Kind::kAny:
      return subject + ": any";
    case UnaryTest::Kind::kValues:
      if (test.values.size() == 1)
        return subject + " = " + value(test.values[0]);
      return subject + " ∈ " + set(test.values);
    case UnaryTest::Kind::kNotValues:
      if (test.values.size() == 1)
        return subject + " ≠ " + value(test.values[0]);
      return subject + " ∉ " + set(test.values);
    case UnaryTest::Kind::kRange:
      break;
  }
  const bool has_low = std::isfinite(test.low);
  const bool has_high = std::isfinite(test.high);
  if (has_low && has_high) {
    return subject + " ∈ " +
           value(std::string(test.low_open ? "(" : "[") +
                 FormatNumber(test.low) + ".." + FormatNumber(test.high) +
                 (test.high_open ? ")" : "]"));
  }
  if (has_high) {
    return subject + (test.high_open ? " < " : " ≤ ") +
           value(FormatNumber(test.high));
  }
  return subject + (test.low_open ? " > " : " ≥ ") +
         value(FormatNumber(test.low));
}

// "300 dpi, 3 mm bleed" for print specs; empty otherwise.
std::string PrintSpec(const AssetSpec& a) {
  std::vector<std::string> parts;
  if (a.min_dpi) parts.push_back("≥ " + std::to_string(*a.min_dpi) + " dpi");
  if (a.bleed_mm) parts.push_back(FormatNumber(*a.bleed_mm) + " mm bleed");
  return Join(parts, ", ");
}

std::string ConditionMd(const Condition& condition) {
  std::vector<std::string> parts;
  for (const auto& [input, test] : condition.tests) {
    parts.push_back(UnaryTestText(
        input, test, [](std::string_view s) { return Code(s); },
        [](std::string_view s) { return Lit(s); }));
  }
  return parts.empty() ? "always" : Join(parts, " and ");
}

std::string ConditionPlain(const Condition& condition) {
  std::vector<std::string> parts;
  for (const auto& [input, test] : condition.tests) {
    parts.push_back(UnaryTestText(
        input, test, [](std::string_view s) { return OneLine(s); },
        [](std::string_view s) { return OneLine(s); }));
  }
  return parts.empty() ? "always" : Join(parts, " and ");
}

// ---------------------------------------------------------------------------
// DOT.

// A DOT string. '&' is written as an entity because Graphviz reads
// entities in labels ("&#;" would otherwise lose characters).
std::string DotQuote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '&') {
      out += "&amp;";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else if (!IsDroppedControl(c) && c != '\r') {
      out += c;
    }
  }
  return out + "\"";
}

// Word-wraps `text` for a node label; lines are joined with '\n', which
// DotQuote turns into DOT's centred line break.
std::string WrapLabel(std::string_view raw, size_t width = 22) {
  std::string text = OneLine(raw);
  std::string out;
  size_t line = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t space = text.find(' ', i);
    if (space == std::string::npos) space = text.size();
    std::string_view word = std::string_view(text).substr(i, space - i);
    if (line > 0 && line + 1 + word.size() > width) {
      out += '\n';
      line = 0;
    } else if (line > 0) {
      out += ' ';
      ++line;
    }
    out.append(word);
    line += word.size();
    i = space + 1;
  }
  return out;
}

// DOT node names per step index: "step:<id>", made unique when ids repeat
// (the validator reports duplicates; the diagram must still lay out, and
// Graphviz crashes on a node placed in two clusters).
std::vector<std::string> StepNodeNames(const Process& process) {
  std::vector<std::string> names;
  std::set<std::string> used;
  for (const Step& step : process.steps) {
    // Graphviz writes node names into the SVG with little escaping, so
    // they keep to [A-Za-z0-9_-].
    std::string name = "step:" + SafeId(step.id);
    while (used.count(name) > 0) name += "'";
    used.insert(name);
    names.push_back(DotQuote(name));
  }
  return names;
}

constexpr const char* kStartNode = "\"livesop:start\"";
constexpr const char* kEndNode = "\"livesop:end\"";

std::string EndFill(std::string_view outcome) {
  if (outcome == "rejected") return "#fed7d7";
  if (outcome == "cancelled") return "#e2e8f0";
  return "#c6f6d5";
}

std::string NodeAttributes(const Step& step) {
  std::string name = DisplayName(step.name, step.id);
  std::string label = WrapLabel(name);
  if (step.sla) label += "\nSLA " + FormatDuration(*step.sla);
  auto boxed = [&](const char* shape, const char* style, const char* fill) {
    return std::string("shape=") + shape + ", style=\"" + style +
           "\", fillcolor=\"" + fill + "\", label=" + DotQuote(label);
  };
  // The symbol is an HTML-like label so it can be larger than the node's
  // font, which the external name label (xlabel) keeps. `symbol` is ours.
  auto gateway = [&](const char* symbol, const char* fill) {
    std::string attrs = std::string("shape=diamond, style=\"filled\", ") +
                        "fillcolor=\"" + fill +
                        "\", width=0.45, height=0.45, fixedsize=true, "
                        "label=<<FONT POINT-SIZE=\"16\">" +
                        symbol + "</FONT>>";
    if (!step.name.empty()) attrs += ", xlabel=" + DotQuote(WrapLabel(name));
    return attrs;
  };
  switch (step.type) {
    case StepType::kTask:
      return boxed("box", "rounded,filled", "#ebf4ff");
    case StepType::kReview:
      return boxed("box", "rounded,filled,dashed", "#fefcbf");
    case StepType::kApproval:
      return boxed("box", "filled,bold", "#feebc8") + ", peripheries=2";
    case StepType::kChecklist:
      return boxed("note", "filled", "#f0fff4");
    case StepType::kNotification:
      return boxed("cds", "filled", "#faf5ff");
    case StepType::kWait:
      return boxed("hexagon", "filled", "#f7fafc");
    case StepType::kExclusive:
      return gateway("×", "#fffff0");
    case StepType::kParallel:
    case StepType::kJoin:
      return gateway("+", "#fffff0");
    case StepType::kEnd: {
      std::string outcome = step.outcome.empty() ? "completed" : step.outcome;
      return "shape=doublecircle, style=\"filled\", fillcolor=\"" +
             EndFill(outcome) +
             "\", width=0.25, height=0.25, fixedsize=true, label=\"\", "
             "xlabel=" +
             DotQuote(WrapLabel(name));
    }
  }
  return boxed("box", "rounded,filled", "#ebf4ff");
}

struct DotEdge {
  std::string to;  // step id or kEndStep
  std::string label;
  std::string style;  // extra attributes
};

// The routes out of `step`, in a fixed order, with the defaults of the
// format applied (approved → next, rejected → end).
std::vector<DotEdge> StepEdges(const Step& step) {
  std::vector<DotEdge> edges;
  switch (step.type) {
    case StepType::kApproval:
    case StepType::kReview: {
      std::string approved =
          step.on_approved.empty() ? step.next : step.on_approved;
      if (!approved.empty()) edges.push_back({approved, "approved", ""});
      std::string rejected =
          step.on_rejected.empty() ? std::string(kEndStep) : step.on_rejected;
      edges.push_back({rejected, "rejected", "color=\"#c53030\""});
      if (!step.on_changes_requested.empty()) {
        edges.push_back(
            {step.on_changes_requested, "changes requested", "style=dashed"});
      }
      break;
    }
    case StepType::kExclusive:
    case StepType::kParallel:
      for (const Branch& branch : step.branches) {
        std::string label = OneLine(branch.label);
        if (label.empty() && branch.is_default) label = "default";
        if (label.empty() && branch.when) label = ConditionPlain(*branch.when);
        edges.push_back(
            {branch.next, label, branch.is_default ? "style=dashed" : ""});
      }
      break;
    case StepType::kEnd:
      break;
    default:
      if (!step.next.empty()) edges.push_back({step.next, "", ""});
  }
  return edges;
}

// The lane a step is drawn in: its role, else its person; "" for none.
std::string LaneKey(const Step& step) {
  if (!step.role.empty()) return "role:" + step.role;
  if (!step.person.empty()) return "person:" + step.person;
  return "";
}

std::string LaneLabel(const Definition& def, const Step& step) {
  if (!step.role.empty()) {
    const Role* role = def.FindRole(step.role);
    return DisplayName(role != nullptr ? role->name : "", step.role);
  }
  const Person* person = def.FindPerson(step.person);
  return DisplayName(person != nullptr ? person->name : "", step.person);
}

// ---------------------------------------------------------------------------
// Graphviz.

std::mutex& GraphvizMutex() {
  static std::mutex mutex;
  return mutex;
}

// Messages Graphviz reports while GraphvizMutex() is held.
std::string& GraphvizMessages() {
  static std::string messages;
  return messages;
}

int CaptureGraphvizMessage(char* message) {
  if (message != nullptr) GraphvizMessages() += message;
  return 0;
}

// cgraph's default id discipline uses the address of the interned name as
// the id of a named object, and keeps subgraphs ordered by id, so clusters
// come out (and may be laid out) in an order that depends on the heap. This
// discipline numbers names in the order they are first seen instead: named
// objects get even ids, anonymous ones odd ids, as in the default.
struct IdState {
  std::map<std::string, IDTYPE> ids;
  std::map<IDTYPE, std::string> names;
  IDTYPE next_named = 2;
  IDTYPE next_anonymous = 1;
};

void* IdOpen(Agraph_t*, Agdisc_t*) { return new IdState(); }

long IdMap(void* state, int, char* name, IDTYPE* id, int create) {
  auto* ids = static_cast<IdState*>(state);
  if (name == nullptr) {
    *id = ids->next_anonymous;
    ids->next_anonymous += 2;
    return 1;
  }
  auto it = ids->ids.find(name);
  if (it != ids->ids.end()) {
    *id = it->second;
    return 1;
  }
  if (create == 0) return 0;
  *id = ids->next_named;
  ids->next_named += 2;
  ids->ids.emplace(name, *id);
  ids->names.emplace(*id, name);
  return 1;
}

long IdAlloc(void*, int, IDTYPE) { return 0; }  // no ids chosen by callers
void IdFree(void*, int, IDTYPE) {}              // names live with the graph

char* IdPrint(void* state, int, IDTYPE id) {
  auto* ids = static_cast<IdState*>(state);
  auto it = ids->names.find(id);
  return it == ids->names.end() ? nullptr : it->second.data();
}

void IdClose(void* state) { delete static_cast<IdState*>(state); }
void IdRegister(void*, int, void*) {}

// Reads DOT text from memory a line at a time, as agmemread does.
struct DotReader {
  std::string_view text;
  size_t pos = 0;
};

int ReadDot(void* chan, char* buffer, int size) {
  auto* reader = static_cast<DotReader*>(chan);
  int n = 0;
  while (n < size && reader->pos < reader->text.size()) {
    char c = reader->text[reader->pos++];
    buffer[n++] = c;
    if (c == '\n') break;
  }
  return n;
}

// Strips what precedes the <svg> element (XML declaration, DOCTYPE, the
// generator comments) and trailing white space.
std::string SvgElement(std::string_view svg) {
  size_t start = svg.find("<svg");
  if (start == std::string_view::npos) return "";
  std::string_view element = svg.substr(start);
  while (!element.empty() &&
         (element.back() == '\n' || element.back() == ' ')) {
    element.remove_suffix(1);
  }
  return std::string(element);
}

Result<std::string> LayoutSvgOnce(const std::string& dot) {
  std::lock_guard<std::mutex> lock(GraphvizMutex());
  // One context for the process: creating one loads every plugin.
  static GVC_t* gvc = gvContext();
  if (gvc == nullptr) return InternalError("Graphviz: cannot create context");
  GraphvizMessages().clear();
  agusererrf previous_handler = agseterrf(CaptureGraphvizMessage);
  agreseterrors();
  struct Restore {
    agusererrf handler;
    ~Restore() { agseterrf(handler); }
  } restore{previous_handler};

  static Agiddisc_t id_disc = {IdOpen,  IdMap,   IdAlloc,   IdFree,
                               IdPrint, IdClose, IdRegister};
  static Agiodisc_t io_disc = {ReadDot, AgIoDisc.putstr, AgIoDisc.flush};
  static Agdisc_t disc = {&AgMemDisc, &id_disc, &io_disc};
  DotReader reader{dot};
  Agraph_t* graph = agread(&reader, &disc);
  if (graph == nullptr) {
    return InternalError("Graphviz cannot parse the diagram: " +
                         GraphvizMessages());
  }
  std::unique_ptr<Agraph_t, int (*)(Agraph_t*)> owned(graph, agclose);
  if (gvLayout(gvc, graph, "dot") != 0) {
    return InternalError("Graphviz layout failed: " + GraphvizMessages());
  }
  char* data = nullptr;
  unsigned int length = 0;
  int rc = gvRenderData(gvc, graph, "svg", &data, &length);
  std::string svg = data != nullptr ? std::string(data, length) : "";
  if (data != nullptr) gvFreeRenderData(data);
  gvFreeLayout(gvc, graph);
  if (rc != 0 || svg.find("<svg") == std::string::npos) {
    return InternalError("Graphviz cannot render SVG: " + GraphvizMessages());
  }
  return SvgElement(svg);
}

// ---------------------------------------------------------------------------
// Markdown building blocks.

// A GFM table. Cells are Markdown already; the table keeps each on one line
// and escapes every '|' that would end the cell.
class MdTable {
 public:
  explicit MdTable(std::vector<std::string> header)
      : header_(std::move(header)) {}

  void Row(std::vector<std::string> cells) {
    cells.resize(header_.size());
    rows_.push_back(std::move(cells));
  }
  bool empty() const { return rows_.empty(); }

  std::string ToString() const {
    std::string out = Line(header_);
    out += '|';
    for (size_t i = 0; i < header_.size(); ++i) out += " --- |";
    out += '\n';
    for (const auto& row : rows_) out += Line(row);
    return out + '\n';
  }

 private:
  static std::string Cell(std::string_view md) {
    std::string out;
    size_t backslashes = 0;
    for (char c : md) {
      if (c == '\n' || c == '\r') c = ' ';
      if (c == '|' && backslashes % 2 == 0) out += '\\';
      backslashes = c == '\\' ? backslashes + 1 : 0;
      out += c;
    }
    return std::string(Trim(out));
  }
  static std::string Line(const std::vector<std::string>& cells) {
    std::string out = "|";
    for (const auto& cell : cells) {
      std::string text = Cell(cell);
      out += text.empty() ? " |" : " " + text + " |";
    }
    return out + '\n';
  }

  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

struct Heading {
  int level = 0;
  std::string plain;     // the heading text as shown
  std::string markdown;  // the same, escaped
  std::string slug;
};

// How process diagrams appear in the Markdown.
struct DiagramRefs {
  bool enabled = false;
  // Markdown variant: the file name per process index. HTML variant: the
  // marker paragraph per process index (replaced after cmark rendering).
  std::vector<std::string> files;
  std::vector<std::string> markers;
};

const char* PhaseTitle(std::string_view phase) {
  if (phase == "pre-launch") return "Pre-launch";
  if (phase == "launch-day") return "Launch day";
  if (phase == "post-launch") return "Post-launch";
  if (phase == "other") return "Other";
  return nullptr;
}

// Writes the manual's Markdown. One instance per rendering.
class ManualWriter {
 public:
  ManualWriter(const Definition& def, const DiagramRefs& diagrams)
      : def_(def), diagrams_(diagrams) {}

  std::string Write();

  const std::vector<Heading>& headings() const { return headings_; }

 private:
  // Numbers a level 2 or 3 heading ("3. Organisation", "3.1 Teams") and
  // adds it.
  void Section(int level, std::string_view plain);
  // Registers a heading with a unique anchor and appends it to the body.
  void AddHeading(int level, const std::string& raw);
  std::string UniqueSlug(std::string_view text);
  void Para(std::string_view markdown) {
    if (markdown.empty()) return;
    body_.append(markdown);
    body_ += "\n\n";
  }
  void Block(std::string_view raw) { Para(BlockMd(raw)); }
  void None(std::string_view what) { Para("_No " + std::string(what) + "._"); }
  // A bullet list of "**label:** value" lines; empty values are left out.
  void Facts(const std::vector<std::pair<std::string, std::string>>& facts);
  void Table(const MdTable& table) {
    if (!table.empty()) body_ += table.ToString();
  }

  // References by id, as Markdown: the element's name, else its id.
  std::string Who(const std::string& id) const;
  std::string RoleName(const std::string& id) const;
  std::string RoleList(const std::vector<std::string>& ids) const;
  std::string PersonList(const std::vector<std::string>& ids) const;
  std::string StepRef(const Process& process, const std::string& id) const;
  std::string TemplateName(const std::string& id) const;
  std::string ProcessName(const std::string& id) const;
  std::string CalendarName(const std::string& id) const;
  std::string ObjectiveName(const std::string& id) const;

  void WriteOverview();
  void WriteCatalogue();
  void WriteOrganisation();
  void WriteCalendars();
  void WriteObjectives();
  void WriteBudget();
  void WriteCampaignTypes();
  void WriteForms();
  void WriteProcesses();
  void WriteProcess(int number, size_t index, const Process& process);
  void WriteStep(const std::string& number, const Process& process,
                 const Step& step);
  void WriteMatrices();
  void WriteRaci();
  void WriteSlasAndEscalations();
  void WriteTemplates();
  void WriteChannels();
  void WriteChecklists();
  void WriteMarketingCalendar();
  void WriteCommunication();
  void WriteAutomations();
  void WriteChangelog();

  // The approver roles of an approval step: its own list, or every role the
  // matrix can name, in first-appearance order.
  std::vector<std::string> ApproverRoles(const Step& step) const;
  // Names of the escalation rules that watch `step`.
  std::vector<std::string> EscalationsFor(const Step& step) const;

  const Definition& def_;
  const DiagramRefs& diagrams_;
  std::vector<Heading> headings_;
  std::set<std::string> slugs_;
  std::string body_;
  int section_ = 0;
  int subsection_ = 0;
};

void ManualWriter::Section(int level, std::string_view plain) {
  std::string text;
  if (level == 2) {
    ++section_;
    subsection_ = 0;
    text = std::to_string(section_) + ". " + OneLine(plain);
  } else if (level == 3) {
    ++subsection_;
    text = std::to_string(section_) + "." + std::to_string(subsection_) + " " +
           OneLine(plain);
  } else {
    text = OneLine(plain);
  }
  AddHeading(level, text);
}

std::string ManualWriter::UniqueSlug(std::string_view text) {
  std::string base = Slug(text);
  std::string slug = base;
  for (int n = 1; slugs_.count(slug) > 0; ++n) {
    slug = base + "-" + std::to_string(n);
  }
  slugs_.insert(slug);
  return slug;
}

void ManualWriter::AddHeading(int level, const std::string& raw) {
  std::string text = OneLine(raw);
  std::string markdown = Lit(text);
  headings_.push_back({level, text, markdown, UniqueSlug(text)});
  body_ +=
      std::string(static_cast<size_t>(level), '#') + " " + markdown + "\n\n";
}

void ManualWriter::Facts(
    const std::vector<std::pair<std::string, std::string>>& facts) {
  std::string list;
  for (const auto& [label, value] : facts) {
    if (value.empty()) continue;
    list += "- **" + label + ":** " + value + "\n";
  }
  if (!list.empty()) body_ += list + "\n";
}

std::string ManualWriter::Who(const std::string& id) const {
  if (id.empty()) return "";
  if (const Role* role = def_.FindRole(id); role != nullptr) {
    return Lit(role->name.empty() ? id : role->name);
  }
  if (const Person* person = def_.FindPerson(id); person != nullptr) {
    return Lit(person->name.empty() ? id : person->name);
  }
  if (id == kTemplateOwner) return "the owner of the missing template";
  if (id == kProcessOwner) return "the process owner";
  if (id == kAssignee) return "the task's assignee";
  return Code(id);
}

std::string ManualWriter::RoleName(const std::string& id) const {
  const Role* role = def_.FindRole(id);
  if (role == nullptr || role->name.empty()) return Code(id);
  return Lit(role->name);
}

std::string ManualWriter::RoleList(const std::vector<std::string>& ids) const {
  std::vector<std::string> names;
  for (const auto& id : ids) names.push_back(RoleName(id));
  return Join(names, ", ");
}

std::string ManualWriter::PersonList(
    const std::vector<std::string>& ids) const {
  std::vector<std::string> names;
  for (const auto& id : ids) {
    const Person* person = def_.FindPerson(id);
    names.push_back(person != nullptr && !person->name.empty()
                        ? Lit(person->name)
                        : Code(id));
  }
  return Join(names, ", ");
}

std::string ManualWriter::StepRef(const Process& process,
                                  const std::string& id) const {
  if (id == kEndStep) return "end of process";
  for (const Step& step : process.steps) {
    if (step.id == id) return Lit(step.name.empty() ? id : step.name);
  }
  return Code(id) + " (unknown step)";
}

std::string ManualWriter::TemplateName(const std::string& id) const {
  const Template* t = def_.FindTemplate(id);
  return t != nullptr && !t->name.empty() ? Lit(t->name) : Code(id);
}

std::string ManualWriter::ProcessName(const std::string& id) const {
  const Process* p = def_.FindProcess(id);
  return p != nullptr && !p->name.empty() ? Lit(p->name) : Code(id);
}

std::string ManualWriter::CalendarName(const std::string& id) const {
  const BusinessCalendar* c = def_.FindCalendar(id);
  return c != nullptr && !c->name.empty() ? Lit(c->name) : Code(id);
}

std::string ManualWriter::ObjectiveName(const std::string& id) const {
  for (const Objective& o : def_.objectives) {
    if (o.id == id && !o.name.empty()) return Lit(o.name);
  }
  return Code(id);
}

std::vector<std::string> ManualWriter::ApproverRoles(const Step& step) const {
  std::vector<std::string> roles = step.approvers;
  if (!step.matrix.empty()) {
    if (const ApprovalMatrix* m = def_.FindMatrix(step.matrix); m != nullptr) {
      for (const MatrixRule& rule : m->rules) {
        for (const auto& id : rule.approvers) {
          if (std::find(roles.begin(), roles.end(), id) == roles.end()) {
            roles.push_back(id);
          }
        }
      }
    }
  }
  return roles;
}

std::vector<std::string> ManualWriter::EscalationsFor(const Step& step) const {
  std::vector<std::string> names;
  const std::string type = StepTypeName(step.type);
  for (const EscalationRule& rule : def_.escalations) {
    bool watches = std::find(rule.steps.begin(), rule.steps.end(), step.id) !=
                       rule.steps.end() ||
                   std::find(rule.step_types.begin(), rule.step_types.end(),
                             type) != rule.step_types.end();
    if (watches) names.push_back(Lit(rule.name.empty() ? rule.id : rule.name));
  }
  return names;
}

std::string ManualWriter::Write() {
  const SopInfo& sop = def_.sop;
  std::string title = DisplayName(sop.title, "SOP manual");
  headings_.push_back({1, title, Lit(title), UniqueSlug(title)});
  std::string contents_slug = UniqueSlug("Contents");

  WriteOverview();
  WriteCatalogue();
  WriteOrganisation();
  WriteCalendars();
  WriteObjectives();
  WriteBudget();
  WriteCampaignTypes();
  WriteForms();
  WriteProcesses();
  WriteMatrices();
  WriteRaci();
  WriteSlasAndEscalations();
  WriteTemplates();
  WriteChannels();
  WriteChecklists();
  WriteMarketingCalendar();
  WriteCommunication();
  WriteAutomations();
  WriteChangelog();

  std::string out = "# " + Lit(title) + "\n\n";
  out += "Generated from SOP " + (sop.id.empty() ? "(no id)" : Code(sop.id)) +
         " version " + (sop.version.empty() ? "(none)" : Lit(sop.version)) +
         ".\n\n";
  std::string facts;
  auto fact = [&](const char* label, const std::string& value) {
    if (!value.empty())
      facts += "- **" + std::string(label) + ":** " + value + "\n";
  };
  fact("Department", Lit(sop.department));
  fact("Version", Lit(sop.version));
  fact("Owner", Who(sop.owner));
  fact("Effective", Lit(sop.effective));
  if (!facts.empty()) out += facts + "\n";

  out += "## Contents\n\n";
  for (const Heading& h : headings_) {
    if (h.level == 2) {
      out += "- [" + h.markdown + "](#" + h.slug + ")\n";
    } else if (h.level == 3) {
      out += "  - [" + h.markdown + "](#" + h.slug + ")\n";
    }
  }
  out += "\n";
  // The title and "Contents" headings come first in document order.
  headings_.insert(headings_.begin() + 1,
                   Heading{2, "Contents", "Contents", contents_slug});
  out += body_;
  while (out.size() >= 2 && out[out.size() - 1] == '\n' &&
         out[out.size() - 2] == '\n') {
    out.pop_back();
  }
  return out;
}

void ManualWriter::WriteOverview() {
  const SopInfo& sop = def_.sop;
  Section(2, "Overview & objectives");
  if (sop.overview.empty() && sop.goals.empty()) None("overview given");
  Block(sop.overview);
  if (!sop.goals.empty()) {
    Para("**Goals**");
    std::string list;
    for (const auto& goal : sop.goals) list += "- " + ListItemMd(goal) + "\n";
    Para(list.substr(0, list.size() - 1));
  }
}

void ManualWriter::WriteCatalogue() {
  Section(2, "Process catalogue");
  if (def_.processes.empty()) return None("processes defined");
  Para(
      "Revenue-facing processes bring campaigns to market; efficiency-facing "
      "processes keep the department running.");
  MdTable table({"Id", "Process", "Owner", "Category", "Purpose"});
  for (const Process& p : def_.processes) {
    table.Row({Code(p.id), Lit(p.name), Who(p.owner), CategoryName(p.category),
               InlineMd(p.purpose)});
  }
  Table(table);
}

void ManualWriter::WriteOrganisation() {
  Section(2, "Organisation");
  Section(3, "Teams");
  if (def_.teams.empty()) {
    None("teams defined");
  } else {
    MdTable table({"Team", "Id", "Lead", "Members", "Description"});
    for (const Team& team : def_.teams) {
      std::vector<std::string> members;
      for (const Person& person : def_.people) {
        if (person.team == team.id) members.push_back(person.id);
      }
      table.Row({Lit(team.name), Code(team.id), Who(team.lead),
                 PersonList(members), InlineMd(team.description)});
    }
    Table(table);
  }

  Section(3, "Roles");
  if (def_.roles.empty()) {
    None("roles defined");
  } else {
    MdTable table(
        {"Role", "Id", "Team", "Held by", "Responsibilities", "Description"});
    for (const Role& role : def_.roles) {
      std::vector<std::string> holders;
      for (const Person& person : def_.people) {
        if (std::find(person.roles.begin(), person.roles.end(), role.id) !=
            person.roles.end()) {
          holders.push_back(person.id);
        }
      }
      std::vector<std::string> duties;
      for (const auto& r : role.responsibilities) duties.push_back(InlineMd(r));
      std::string team;
      for (const Team& t : def_.teams) {
        if (t.id == role.team) team = Lit(t.name.empty() ? t.id : t.name);
      }
      if (team.empty() && !role.team.empty()) team = Code(role.team);
      table.Row({Lit(role.name), Code(role.id), team,
                 holders.empty() ? "nobody" : PersonList(holders),
                 JoinItems(duties), InlineMd(role.description)});
    }
    Table(table);
  }

  Section(3, "People");
  if (def_.people.empty()) {
    None("people defined");
  } else {
    // Contact details (phone numbers, e-mail) stay out of the manual.
    MdTable table(
        {"Person", "Id", "Roles", "Team", "Calendar", "Delegates", "Notes"});
    for (const Person& person : def_.people) {
      std::string team;
      std::string calendar =
          person.calendar.empty() ? "" : CalendarName(person.calendar);
      for (const Team& t : def_.teams) {
        if (t.id != person.team) continue;
        team = Lit(t.name.empty() ? t.id : t.name);
        if (calendar.empty() && !t.calendar.empty()) {
          calendar = CalendarName(t.calendar) + " (the team's)";
        }
      }
      if (team.empty() && !person.team.empty()) team = Code(person.team);
      table.Row({Lit(person.name), Code(person.id), RoleList(person.roles),
                 team, calendar, PersonList(person.delegates),
                 person.external ? "external (agency or freelancer)" : ""});
    }
    Table(table);
  }
}

void ManualWriter::WriteCalendars() {
  Section(2, "Business calendars");
  if (def_.calendars.empty()) return None("business calendars defined");
  Para(
      "SLAs count working time in the calendar of the person assigned (their "
      "own, else their team's); a task queued for a role counts it in the "
      "calendar of the role's team; everything else, escalation delays "
      "included, in the default calendar.");
  std::string default_calendar =
      def_.calendar ? def_.calendar->default_calendar : "";
  MdTable table(
      {"Calendar", "Id", "Timezone", "Working days", "Working hours"});
  // Each holiday once, with every calendar that observes it: calendars
  // often share one holiday file.
  std::map<std::pair<std::string, std::string>, std::vector<std::string>>
      observed;
  for (const BusinessCalendar& c : def_.calendars) {
    std::string name = Lit(c.name.empty() ? c.id : c.name);
    if (c.id == default_calendar) name += " (default)";
    std::vector<std::string> days;
    for (const auto& d : c.working_days) days.push_back(Lit(d));
    std::vector<std::string> hours;
    for (const auto& h : c.working_hours) hours.push_back(Lit(h));
    table.Row({name, Code(c.id), Lit(c.timezone),
               days.empty() ? "mon–fri" : Join(days, ", "),
               hours.empty() ? "09:00-17:00" : Join(hours, ", ")});
    for (const Holiday& h : c.holidays) {
      observed[{h.date, h.name}].push_back(Lit(c.name.empty() ? c.id : c.name));
    }
  }
  MdTable holidays({"Date", "Holiday", "Calendars"});
  for (const auto& [holiday, calendars] : observed) {
    holidays.Row(
        {Lit(holiday.first), Lit(holiday.second), Join(calendars, ", ")});
  }
  Table(table);
  if (!holidays.empty()) {
    Para("**Holidays**");
    Table(holidays);
  }
}

void ManualWriter::WriteObjectives() {
  Section(2, "Campaign objectives & KPIs");
  if (def_.objectives.empty()) return None("objectives defined");
  for (const Objective& o : def_.objectives) {
    Section(3, DisplayName(o.name, o.id));
    Block(o.description);
    std::string reporting;
    if (!o.reporting_cadence.empty()) reporting = Lit(o.reporting_cadence);
    if (!o.reporting_template.empty()) {
      reporting += (reporting.empty() ? "" : ", ") + std::string("using ") +
                   TemplateName(o.reporting_template);
    }
    Facts({{"Id", Code(o.id)}, {"Reporting", reporting}});
    if (o.kpis.empty()) continue;
    MdTable table({"KPI", "Id", "Unit", "Target", "Measured from results"});
    for (const Kpi& k : o.kpis) {
      std::string measured;
      if (!k.measure.empty()) {
        measured = Code(k.measure);
        std::string goal;
        if (k.value) goal = Lit(FormatNumber(*k.value));
        if (!k.field.empty()) {
          goal += (goal.empty() ? "" : ", or ") +
                  std::string("the request's ") + Code(k.field);
        }
        if (!goal.empty()) {
          measured +=
              (k.direction == "at_most" ? " at most " : " at least ") + goal;
        }
      }
      table.Row(
          {Lit(k.name), Code(k.id), Lit(k.unit), Lit(k.target), measured});
    }
    Table(table);
  }
}

void ManualWriter::WriteBudget() {
  Section(2, "Budget bands");
  if (!def_.budget || def_.budget->bands.empty()) {
    return None("budget bands defined");
  }
  const Budget& budget = *def_.budget;
  std::string intro = "A campaign's budget band is derived from ";
  intro += budget.field.empty() ? "its budget"
                                : "the form field " + Code(budget.field);
  if (!budget.currency.empty()) intro += ", in " + Lit(budget.currency);
  Para(intro + ".");
  MdTable table({"Band", "Id", "Range"});
  std::optional<double> from;
  for (const BudgetBand& band : budget.bands) {
    std::string range;
    if (from && band.below) {
      range = "from " + FormatNumber(*from) + " to below " +
              FormatNumber(*band.below);
    } else if (band.below) {
      range = "below " + FormatNumber(*band.below);
    } else if (from) {
      range = FormatNumber(*from) + " and above";
    } else {
      range = "any amount";
    }
    table.Row(
        {Lit(band.name.empty() ? band.id : band.name), Code(band.id), range});
    if (band.below) from = band.below;
  }
  Table(table);
}

void ManualWriter::WriteCampaignTypes() {
  Section(2, "Campaign types");
  if (def_.campaign_types.empty()) return None("campaign types defined");
  MdTable table({"Campaign type", "Id", "Process", "Form", "Objectives",
                 "Lead time", "Description"});
  for (const CampaignType& t : def_.campaign_types) {
    const Form* form = def_.FindForm(t.form);
    std::vector<std::string> objectives;
    for (const auto& o : t.objectives) objectives.push_back(ObjectiveName(o));
    table.Row({Lit(t.name), Code(t.id), ProcessName(t.process),
               form != nullptr && !form->name.empty() ? Lit(form->name)
                                                      : Code(t.form),
               Join(objectives, ", "),
               t.lead_time ? FormatDuration(*t.lead_time) : "",
               InlineMd(t.description)});
  }
  Table(table);
}

void ManualWriter::WriteForms() {
  Section(2, "Request forms");
  if (def_.forms.empty()) return None("request forms defined");
  for (const Form& form : def_.forms) {
    Section(3, DisplayName(form.name, form.id));
    std::vector<std::string> used_by;
    for (const CampaignType& t : def_.campaign_types) {
      if (t.form == form.id) used_by.push_back(Lit(t.name));
    }
    Facts({{"Id", Code(form.id)}, {"Used by", Join(used_by, ", ")}});
    MdTable table({"Field", "Id", "Type", "Required", "Validation", "Help"});
    for (const FormField& f : form.fields) {
      std::string type = FieldTypeName(f.type);
      if (!f.currency.empty()) type += " (" + Lit(f.currency) + ")";
      std::string required = f.required ? "yes" : "no";
      if (!f.required && f.required_when) {
        required = "when " + ConditionMd(*f.required_when);
      }
      std::vector<std::string> checks;
      if (!f.options.empty()) {
        std::vector<std::string> options;
        for (const auto& o : f.options) options.push_back(Lit(o));
        checks.push_back(
            (f.type == FieldType::kMultiChoice ? "any of: " : "one of: ") +
            Join(options, ", "));
      }
      const bool counted = f.type == FieldType::kMultiChoice;
      if (f.min) {
        checks.push_back(counted
                             ? "at least " + FormatNumber(*f.min) + " selected"
                             : "min " + FormatNumber(*f.min));
      }
      if (f.max) {
        checks.push_back(counted
                             ? "at most " + FormatNumber(*f.max) + " selected"
                             : "max " + FormatNumber(*f.max));
      }
      if (f.max_length) {
        checks.push_back("at most " + std::to_string(*f.max_length) +
                         " characters");
      }
      if (!f.pattern.empty()) checks.push_back("matches " + Code(f.pattern));
      table.Row({Lit(f.label.empty() ? f.id : f.label), Code(f.id), type,
                 required, Join(checks, "; "), InlineMd(f.help)});
    }
    Table(table);
    if (form.rules.empty()) continue;
    std::string rules = "**Rules**\n\n";
    for (const FormRule& r : form.rules) {
      std::string what;
      if (r.kind == "date_order") {
        what = Code(r.later) + " at least " +
               (r.min_gap ? FormatDuration(*r.min_gap) : std::string("0d")) +
               " after " + Code(r.earlier);
      } else if (r.kind == "compare") {
        what = Code(r.left) + " " + Lit(r.op) + " " + Code(r.right);
      } else {
        what = Code(r.kind);
      }
      rules += "- " + Code(r.id) + ": " + what;
      if (!r.message.empty()) rules += " — " + InlineMd(r.message);
      rules += "\n";
    }
    Para(rules.substr(0, rules.size() - 1));
  }
}

void ManualWriter::WriteProcesses() {
  Section(2, "Processes");
  if (def_.processes.empty()) return None("processes defined");
  Para(
      "Each process lists its purpose, owner and trigger, its diagram, and "
      "then every step: who does it, within which SLA, with which templates, "
      "and where it goes next.");
  int number = section_;
  for (size_t i = 0; i < def_.processes.size(); ++i) {
    WriteProcess(number, i, def_.processes[i]);
  }
}

void ManualWriter::WriteProcess(int number, size_t index,
                                const Process& process) {
  Section(3, DisplayName(process.name, process.id));
  std::string prefix =
      std::to_string(number) + "." + std::to_string(subsection_) + ".";
  Block(process.purpose);
  std::string start = process.start;
  if (start.empty() && !process.steps.empty()) start = process.steps[0].id;
  Facts({{"Id", Code(process.id)},
         {"Owner", Who(process.owner)},
         {"Category", CategoryName(process.category)},
         {"Trigger", InlineMd(process.trigger)},
         {"Starts with", start.empty() ? "" : StepRef(process, start)}});
  if (diagrams_.enabled) {
    if (index < diagrams_.markers.size()) {
      Para(diagrams_.markers[index]);
    } else if (index < diagrams_.files.size()) {
      Para("![Process diagram](" + diagrams_.files[index] + ")");
    }
  }
  int step_number = 0;
  for (const Step& step : process.steps) {
    WriteStep(prefix + std::to_string(++step_number), process, step);
  }
}

void ManualWriter::WriteStep(const std::string& number, const Process& process,
                             const Step& step) {
  AddHeading(4, number + " " + DisplayName(step.name, step.id));

  Block(step.description);
  std::vector<std::pair<std::string, std::string>> facts;
  facts.push_back({"Id", Code(step.id)});
  facts.push_back({"Type", StepTypeName(step.type)});
  std::string responsible;
  if (!step.role.empty()) responsible = RoleName(step.role);
  if (!step.person.empty()) {
    responsible += (responsible.empty() ? "" : ", ") + Who(step.person);
  }
  facts.push_back({"Responsible", responsible});
  facts.push_back({"Consulted", RoleList(step.consulted)});
  facts.push_back({"Informed", RoleList(step.informed)});
  if (step.sla) facts.push_back({"SLA", FormatDuration(*step.sla)});
  if (step.remind_before) {
    facts.push_back(
        {"Reminder", FormatDuration(*step.remind_before) + " before due"});
  }
  std::vector<std::string> templates;
  for (const auto& t : step.templates) templates.push_back(TemplateName(t));
  facts.push_back({"Templates", Join(templates, ", ")});
  std::vector<std::string> outputs;
  for (const auto& o : step.outputs) outputs.push_back(InlineMd(o));
  facts.push_back({"Outputs", JoinItems(outputs)});
  if (step.results) {
    facts.push_back({"Results",
                     "opens with the campaign's imported results and each KPI "
                     "against its target"});
  }
  if (!step.checklist.empty()) {
    const Checklist* c = def_.FindChecklist(step.checklist);
    facts.push_back(
        {"Checklist", c == nullptr
                          ? Code(step.checklist)
                          : Lit(c->name.empty() ? c->id : c->name) + " (" +
                                std::to_string(c->items.size()) + " items)"});
  }
  if (step.type == StepType::kApproval || step.type == StepType::kReview) {
    if (!step.matrix.empty()) {
      const ApprovalMatrix* m = def_.FindMatrix(step.matrix);
      facts.push_back(
          {"Approvers", "from the approval matrix " +
                            (m == nullptr || m->name.empty() ? Code(step.matrix)
                                                             : Lit(m->name))});
    } else {
      facts.push_back({"Approvers", RoleList(step.approvers)});
    }
    if (step.type == StepType::kApproval && step.matrix.empty()) {
      facts.push_back({"Quorum", QuorumText(step.quorum, step.quorum_count)});
      facts.push_back({"Mode", step.mode == ApprovalMode::kSequential
                                   ? "sequential"
                                   : "parallel"});
    } else if (step.type == StepType::kApproval) {
      facts.push_back({"Quorum and mode", "per matching matrix rule"});
    }
    if (step.max_revisions > 0) {
      facts.push_back({"Max revisions", std::to_string(step.max_revisions)});
    }
    if (step.reapproval == "not_needed") {
      facts.push_back(
          {"Documents changed after approval", "no new approval needed"});
    }
  }
  if (step.type == StepType::kWait) {
    std::string wait;
    if (step.wait_for) wait = FormatDuration(*step.wait_for);
    if (!step.until.empty()) {
      wait +=
          (wait.empty() ? "" : ", ") + std::string("until ") + Code(step.until);
    }
    facts.push_back({"Wait", wait});
  }
  if (step.type == StepType::kNotification) {
    std::vector<std::string> recipients;
    for (const std::string& id : step.notify) recipients.push_back(Who(id));
    facts.push_back({"Notify", Join(recipients, ", ")});
    facts.push_back({"Message", InlineMd(step.message)});
  }
  if (step.type == StepType::kEnd) {
    facts.push_back(
        {"Outcome", Lit(step.outcome.empty() ? "completed" : step.outcome)});
  }

  // Routing.
  std::string branches;
  switch (step.type) {
    case StepType::kApproval:
    case StepType::kReview: {
      std::vector<std::string> outcomes;
      std::string approved =
          step.on_approved.empty() ? step.next : step.on_approved;
      if (!approved.empty()) {
        outcomes.push_back("approved → " + StepRef(process, approved));
      }
      outcomes.push_back("rejected → " +
                         StepRef(process, step.on_rejected.empty()
                                              ? std::string(kEndStep)
                                              : step.on_rejected));
      if (!step.on_changes_requested.empty()) {
        outcomes.push_back("changes requested → " +
                           StepRef(process, step.on_changes_requested));
      }
      facts.push_back({"Outcomes", Join(outcomes, "; ")});
      break;
    }
    case StepType::kExclusive:
    case StepType::kParallel:
      for (const Branch& b : step.branches) {
        std::string line = "  - ";
        if (step.type == StepType::kParallel) {
          line += "→ " + StepRef(process, b.next);
        } else if (b.is_default || !b.when) {
          line += "otherwise → " + StepRef(process, b.next);
        } else {
          line +=
              "when " + ConditionMd(*b.when) + " → " + StepRef(process, b.next);
        }
        if (!b.label.empty()) line += " (" + Lit(b.label) + ")";
        branches += line + "\n";
      }
      break;
    case StepType::kEnd:
      break;
    default:
      if (!step.next.empty()) {
        facts.push_back({"Next", StepRef(process, step.next)});
      }
  }
  std::vector<std::string> escalations = EscalationsFor(step);
  facts.push_back({"Escalations", Join(escalations, ", ")});
  Facts(facts);
  if (!branches.empty()) {
    // Facts() ended the list with a blank line; continue it instead.
    if (body_.size() >= 2 && body_.substr(body_.size() - 2) == "\n\n") {
      body_.pop_back();
    }
    body_ += std::string(step.type == StepType::kParallel
                             ? "- **Branches (all at once):**\n"
                             : "- **Branches (first that holds):**\n") +
             branches + "\n";
  }
}

void ManualWriter::WriteMatrices() {
  Section(2, "Role & approval matrix");
  if (def_.approval_matrices.empty()) return None("approval matrices defined");
  for (const ApprovalMatrix& m : def_.approval_matrices) {
    Section(3, DisplayName(m.name, m.id));
    std::string policy;
    switch (m.hit_policy) {
      case HitPolicy::kUnique:
        policy = "exactly one rule matches each case";
        break;
      case HitPolicy::kFirst:
        policy = "the first matching rule, in order, applies";
        break;
      case HitPolicy::kCollect:
        policy = "every matching rule applies and their approvers combine";
        break;
    }
    std::vector<std::string> used_by;
    for (const Process& p : def_.processes) {
      for (const Step& s : p.steps) {
        if (s.matrix == m.id) {
          used_by.push_back(Lit(s.name.empty() ? s.id : s.name) + " (" +
                            Lit(p.name.empty() ? p.id : p.name) + ")");
        }
      }
    }
    Facts({{"Id", Code(m.id)},
           {"Hit policy",
            "**" + std::string(HitPolicyName(m.hit_policy)) + "**: " + policy},
           {"Used by", Join(used_by, ", ")}});
    MdTable table({"Rule", "Campaign type", "Budget band", "Channel",
                   "Approvers", "Quorum", "Mode", "Note"});
    for (const MatrixRule& r : m.rules) {
      std::string cells[3] = {"any", "any", "any"};
      std::vector<std::string> other;
      for (size_t i = 0; i < r.when.tests.size(); ++i) {
        const auto& [input, test] = r.when.tests[i];
        std::string t(Trim(test));
        std::string shown = t.empty() || t == "-" ? "any" : Lit(t);
        if (input == "campaign_type") {
          cells[0] = shown;
        } else if (input == "budget_band") {
          cells[1] = shown;
        } else if (input == "channel") {
          cells[2] = shown;
        } else {
          Condition single;
          single.tests.push_back({input, test});
          other.push_back(ConditionMd(single));
        }
      }
      std::string note = InlineMd(r.note);
      if (!other.empty()) {
        note =
            "when " + Join(other, " and ") + (note.empty() ? "" : "; ") + note;
      }
      table.Row(
          {Code(r.id), cells[0], cells[1], cells[2], RoleList(r.approvers),
           QuorumText(r.quorum, r.quorum_count),
           r.mode == ApprovalMode::kSequential ? "sequential" : "parallel",
           note});
    }
    Table(table);
  }
}

void ManualWriter::WriteRaci() {
  Section(2, "RACI");
  Para(
      "**R** responsible (does the step), **A** accountable (the process "
      "owner; the approvers for approval steps), **C** consulted, **I** "
      "informed. Gateways, waits and end steps involve nobody and are left "
      "out.");
  struct Row {
    std::string process;
    std::string step;
    std::map<std::string, std::string> letters;  // role id -> "RACI" subset
  };
  std::vector<Row> rows;
  std::set<std::string> used;
  for (const Process& p : def_.processes) {
    for (const Step& s : p.steps) {
      switch (s.type) {
        case StepType::kTask:
        case StepType::kReview:
        case StepType::kApproval:
        case StepType::kChecklist:
        case StepType::kNotification:
          break;
        default:
          continue;
      }
      Row row{Lit(p.name.empty() ? p.id : p.name),
              Lit(s.name.empty() ? s.id : s.name),
              {}};
      auto mark = [&](const std::string& role, char letter) {
        if (def_.FindRole(role) == nullptr) return;
        std::string& cell = row.letters[role];
        if (cell.find(letter) == std::string::npos) cell += letter;
        used.insert(role);
      };
      if (!s.role.empty()) mark(s.role, 'R');
      if (!s.person.empty()) {
        // A named person acts in their primary (first) role.
        const Person* person = def_.FindPerson(s.person);
        if (person != nullptr && !person->roles.empty()) {
          mark(person->roles[0], 'R');
        }
      }
      if (s.type == StepType::kChecklist) {
        if (const Checklist* c = def_.FindChecklist(s.checklist); c) {
          for (const ChecklistItem& item : c->items) {
            if (!item.role.empty()) mark(item.role, 'R');
          }
        }
      }
      if (s.type == StepType::kApproval) {
        for (const auto& role : ApproverRoles(s)) mark(role, 'A');
      } else if (!p.owner.empty()) {
        mark(p.owner, 'A');
      }
      for (const auto& role : s.consulted) mark(role, 'C');
      for (const auto& role : s.informed) mark(role, 'I');
      if (s.type == StepType::kNotification) {
        for (const std::string& id : s.notify) mark(id, 'I');
      }
      rows.push_back(std::move(row));
    }
  }
  if (rows.empty() || used.empty()) return None("RACI assignments");
  std::vector<std::string> header = {"Process", "Step"};
  std::vector<std::string> columns;
  for (const Role& role : def_.roles) {
    if (used.count(role.id) > 0 &&
        std::find(columns.begin(), columns.end(), role.id) == columns.end()) {
      columns.push_back(role.id);
      header.push_back(Lit(role.name.empty() ? role.id : role.name));
    }
  }
  MdTable table(header);
  for (const Row& row : rows) {
    std::vector<std::string> cells = {row.process, row.step};
    for (const auto& role : columns) {
      auto it = row.letters.find(role);
      std::string text;
      if (it != row.letters.end()) {
        for (char letter : std::string("RACI")) {
          if (it->second.find(letter) == std::string::npos) continue;
          if (!text.empty()) text += '/';
          text += letter;
        }
      }
      cells.push_back(text);
    }
    table.Row(cells);
  }
  Table(table);
}

void ManualWriter::WriteSlasAndEscalations() {
  Section(2, "SLAs & escalations");
  Section(3, "Step SLAs");
  MdTable slas(
      {"Process", "Step", "Type", "Responsible", "SLA", "Escalations"});
  for (const Process& p : def_.processes) {
    for (const Step& s : p.steps) {
      if (!s.sla) continue;
      std::string responsible =
          s.role.empty() ? Who(s.person) : RoleName(s.role);
      if (responsible.empty() && s.type == StepType::kApproval) {
        responsible = RoleList(ApproverRoles(s));
      }
      slas.Row({Lit(p.name.empty() ? p.id : p.name),
                Lit(s.name.empty() ? s.id : s.name), StepTypeName(s.type),
                responsible, FormatDuration(*s.sla),
                Join(EscalationsFor(s), ", ")});
    }
  }
  if (slas.empty()) {
    None("step SLAs defined");
  } else {
    Para("SLAs are business time from the moment the step starts.");
    Table(slas);
  }

  Section(3, "Escalation rules");
  if (def_.escalations.empty()) return None("escalation rules defined");
  int n = 0;
  std::string prefix =
      std::to_string(section_) + "." + std::to_string(subsection_) + ".";
  for (const EscalationRule& rule : def_.escalations) {
    AddHeading(4, prefix + std::to_string(++n) + " " +
                      DisplayName(rule.name, rule.id));

    std::vector<std::string> watched;
    for (const auto& type : rule.step_types) {
      watched.push_back("every " + Lit(type) + " step");
    }
    for (const auto& id : rule.steps) {
      std::string name = Code(id);
      for (const Process& p : def_.processes) {
        bool found = false;
        for (const Step& s : p.steps) {
          if (s.id == id) {
            name = Lit(s.name.empty() ? s.id : s.name) + " (" +
                   Lit(p.name.empty() ? p.id : p.name) + ")";
            found = true;
            break;
          }
        }
        if (found) break;
      }
      watched.push_back(name);
    }
    std::string repeat;
    if (rule.repeat_every) {
      repeat = "every " + FormatDuration(*rule.repeat_every);
      repeat += rule.repeat_times > 0
                    ? ", " + std::to_string(rule.repeat_times) + " times"
                    : ", until it stops";
    }
    Facts({{"Id", Code(rule.id)},
           {"Trigger", Code(rule.trigger)},
           {"Watches", Join(watched, ", ")},
           {"When", rule.when ? ConditionMd(*rule.when) : ""},
           {"Raised in", InlineMd(rule.channel)},
           {"Repeat", repeat},
           {"Stops when", rule.stop.empty() ? "" : Code(rule.stop)},
           {"Action", InlineMd(rule.action)}});
    if (!rule.levels.empty()) {
      MdTable levels({"Level", "Escalate to", "After"});
      int level = 0;
      for (const EscalationLevel& l : rule.levels) {
        levels.Row(
            {std::to_string(++level), Who(l.to), FormatDuration(l.after)});
      }
      Table(levels);
    }
  }
}

void ManualWriter::WriteTemplates() {
  Section(2, "Templates & document management");
  if (def_.templates.empty()) return None("templates defined");
  Para(
      "Every template has an owner and a version history; steps may only use "
      "an approved version.");
  MdTable summary({"Template", "Id", "Owner", "Current approved version",
                   "Required by", "Description"});
  MdTable history({"Template", "Version", "Status", "Date", "File", "Changes"});
  for (const Template& t : def_.templates) {
    std::string approved;
    for (const TemplateVersion& v : t.versions) {
      if (v.status == "approved") {
        approved =
            Lit(v.version) + (v.date.empty() ? "" : " (" + Lit(v.date) + ")");
      }
    }
    std::vector<std::string> required_by;
    for (const Process& p : def_.processes) {
      for (const Step& s : p.steps) {
        if (std::find(s.templates.begin(), s.templates.end(), t.id) !=
            s.templates.end()) {
          required_by.push_back(Lit(s.name.empty() ? s.id : s.name));
        }
      }
    }
    std::string name = Lit(t.name.empty() ? t.id : t.name);
    summary.Row({name, Code(t.id), Who(t.owner),
                 approved.empty() ? "none approved" : approved,
                 Join(required_by, ", "), InlineMd(t.description)});
    for (const TemplateVersion& v : t.versions) {
      history.Row({name, Lit(v.version), Lit(v.status), Lit(v.date),
                   v.file.empty() ? "" : Code(v.file), InlineMd(v.changes)});
    }
  }
  Table(summary);
  if (!history.empty()) {
    Para("**Version history**");
    Table(history);
  }
}

void ManualWriter::WriteChannels() {
  Section(2, "Channels & asset specs");
  if (def_.channels.empty()) return None("channels defined");
  for (const Channel& c : def_.channels) {
    Section(3, DisplayName(c.name, c.id));
    Facts({{"Id", Code(c.id)}, {"Owner", Who(c.owner)}});
    if (c.assets.empty()) continue;
    MdTable table({"Asset", "Id", "Formats", "Sizes", "Aspect ratios",
                   "Max file size", "Max duration", "Max copy", "Colour space",
                   "Print", "Notes"});
    for (const AssetSpec& a : c.assets) {
      auto list = [](const std::vector<std::string>& items) {
        std::vector<std::string> out;
        for (const auto& i : items) out.push_back(Lit(i));
        return Join(out, ", ");
      };
      table.Row(
          {Lit(a.name.empty() ? a.id : a.name), Code(a.id), list(a.formats),
           list(a.sizes), list(a.aspect_ratios), Lit(a.max_file_size),
           a.max_duration_seconds ? FormatNumber(*a.max_duration_seconds) + " s"
                                  : "",
           a.max_copy_length
               ? std::to_string(*a.max_copy_length) + " characters"
               : "",
           Lit(a.color_space), PrintSpec(a), InlineMd(a.notes)});
    }
    Table(table);
  }
}

void ManualWriter::WriteChecklists() {
  Section(2, "Launch checklists");
  if (def_.checklists.empty()) return None("checklists defined");
  std::vector<std::string> phases = {"pre-launch", "launch-day", "post-launch",
                                     "other"};
  for (const Checklist& c : def_.checklists) {
    if (std::find(phases.begin(), phases.end(), c.phase) == phases.end()) {
      phases.push_back(c.phase);
    }
  }
  for (const auto& phase : phases) {
    std::vector<const Checklist*> lists;
    for (const Checklist& c : def_.checklists) {
      if (c.phase == phase) lists.push_back(&c);
    }
    if (lists.empty()) continue;
    const char* title = PhaseTitle(phase);
    Section(3, title != nullptr ? title : (phase.empty() ? "Unphased" : phase));
    for (const Checklist* c : lists) {
      Para("**" + Lit(c->name.empty() ? c->id : c->name) + "** (" +
           Code(c->id) + ")");
      MdTable table({"#", "Item", "Role", "Required", "Applies to"});
      int n = 0;
      for (const ChecklistItem& item : c->items) {
        table.Row({std::to_string(++n), InlineMd(item.text), Who(item.role),
                   item.required ? "yes" : "no",
                   item.when ? ConditionMd(*item.when) : "every campaign"});
      }
      Table(table);
    }
  }
}

void ManualWriter::WriteMarketingCalendar() {
  Section(2, "Marketing calendar & deadlines");
  if (!def_.calendar) return None("marketing calendar defined");
  const CalendarInfo& c = *def_.calendar;
  Facts({{"Planning cycle", InlineMd(c.planning_cycle)},
         {"Default calendar",
          c.default_calendar.empty() ? "" : CalendarName(c.default_calendar)},
         {"Reminders", c.remind_before
                           ? FormatDuration(*c.remind_before) +
                                 " before a step's SLA is due, unless the step "
                                 "sets its own"
                           : ""}});
  if (!c.deadlines.empty()) {
    std::vector<const Deadline*> deadlines;
    for (const Deadline& d : c.deadlines) deadlines.push_back(&d);
    // The timeline reads from the earliest obligation to launch.
    std::stable_sort(deadlines.begin(), deadlines.end(),
                     [](const Deadline* a, const Deadline* b) {
                       return a->before_launch.Minutes() >
                              b->before_launch.Minutes();
                     });
    MdTable table({"Deadline", "Id", "Before launch", "Step", "Role"});
    for (const Deadline* d : deadlines) {
      std::string step;
      if (!d->step.empty()) {
        step = Code(d->step);
        for (const Process& p : def_.processes) {
          for (const Step& s : p.steps) {
            if (s.id == d->step && !s.name.empty()) step = Lit(s.name);
          }
        }
      }
      table.Row({Lit(d->name.empty() ? d->id : d->name), Code(d->id),
                 FormatDuration(d->before_launch), step, Who(d->role)});
    }
    Para("**Deadlines before launch**");
    Table(table);
  }
  if (!c.freeze_periods.empty()) {
    MdTable table({"Freeze period", "From", "To", "Rule"});
    for (const FreezePeriod& f : c.freeze_periods) {
      table.Row({Lit(f.name), f.from, f.to, InlineMd(f.rule)});
    }
    Para("**Freeze periods** (launches frozen, both days included)");
    Table(table);
  }
}

void ManualWriter::WriteCommunication() {
  Section(2, "Communication & collaboration");
  if (!def_.communication) return None("communication rules defined");
  const Communication& c = *def_.communication;
  if (!c.tools.empty()) {
    MdTable table({"Tool", "Id", "Purpose", "Status"});
    for (const Tool& t : c.tools) {
      table.Row({Lit(t.name.empty() ? t.id : t.name), Code(t.id),
                 InlineMd(t.purpose),
                 t.official ? "official" : "side path (not official)"});
    }
    Table(table);
  }
  if (!c.rules.empty()) {
    std::string list = "**Rules**\n\n";
    for (const auto& r : c.rules) list += "- " + ListItemMd(r) + "\n";
    Para(list.substr(0, list.size() - 1));
  }
}

void ManualWriter::WriteAutomations() {
  Section(2, "Automations");
  if (def_.automations.empty()) return None("automations defined");
  Para(
      "Deterministic checks and actions the system performs (the AI "
      "assistant usage scenarios).");
  MdTable table({"Automation", "Id", "Trigger", "Description"});
  for (const Automation& a : def_.automations) {
    table.Row({Lit(a.name.empty() ? a.id : a.name), Code(a.id),
               InlineMd(a.trigger), InlineMd(a.description)});
  }
  Table(table);
}

void ManualWriter::WriteChangelog() {
  Section(2, "Changelog");
  if (def_.changelog.empty()) return None("changelog entries");
  std::string list;
  for (const ChangelogEntry& e : def_.changelog) {
    list += "- **" + Lit(e.version) + "**";
    if (!e.date.empty()) list += " — " + Lit(e.date);
    if (!e.author.empty()) list += " — " + Who(e.author);
    list += "\n";
    for (const auto& change : e.changes)
      list += "  - " + ListItemMd(change) + "\n";
  }
  Para(list.substr(0, list.size() - 1));
}

// ---------------------------------------------------------------------------
// HTML.

constexpr const char* kStyle = R"css(
body { margin: 0; color: #1a202c; background: #fff;
  font: 16px/1.55 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; }
.manual { max-width: 62rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1, h2, h3, h4 { line-height: 1.25; margin: 2rem 0 0.75rem; }
h1 { font-size: 2rem; }
h2 { border-bottom: 1px solid #e2e8f0; padding-bottom: 0.3rem; }
a { color: #2b6cb0; }
table { border-collapse: collapse; margin: 1rem 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #cbd5e0; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f7fafc; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 0.9em;
  background: #edf2f7; padding: 0.1em 0.3em; border-radius: 3px; }
pre { background: #edf2f7; padding: 0.75rem; overflow-x: auto; }
.diagram { margin: 1rem 0; overflow-x: auto; }
.diagram svg { max-width: 100%; height: auto; }
@media print { .manual { max-width: none; padding: 0; } a { color: inherit; } }
)css";

struct CmarkDeleter {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};

// The text of a heading node: its text and code literals.
std::string NodeText(cmark_node* node) {
  std::string text;
  cmark_iter* iter = cmark_iter_new(node);
  for (cmark_event_type ev = cmark_iter_next(iter); ev != CMARK_EVENT_DONE;
       ev = cmark_iter_next(iter)) {
    cmark_node* child = cmark_iter_get_node(iter);
    cmark_node_type type = cmark_node_get_type(child);
    if (ev == CMARK_EVENT_ENTER &&
        (type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE)) {
      const char* literal = cmark_node_get_literal(child);
      if (literal != nullptr) text += literal;
    }
  }
  cmark_iter_free(iter);
  return text;
}

// Renders Markdown to an HTML fragment in safe mode (raw HTML dropped,
// dangerous URLs removed) with GFM tables, and gives the renderer's own
// headings their anchors: `headings` lists them in document order, and a
// heading gets an id only when it is top-level and reads as expected.
Result<std::string> MarkdownToHtml(const std::string& markdown,
                                   const std::vector<Heading>& headings) {
  static std::once_flag registered;
  std::call_once(registered,
                 [] { cmark_gfm_core_extensions_ensure_registered(); });
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_VALIDATE_UTF8;
  std::unique_ptr<cmark_parser, CmarkDeleter> parser(cmark_parser_new(options));
  if (parser == nullptr) return InternalError("cmark: cannot create parser");
  cmark_syntax_extension* table = cmark_find_syntax_extension("table");
  if (table == nullptr) return InternalError("cmark: no table extension");
  cmark_parser_attach_syntax_extension(parser.get(), table);
  cmark_parser_feed(parser.get(), markdown.data(), markdown.size());
  std::unique_ptr<cmark_node, CmarkDeleter> doc(
      cmark_parser_finish(parser.get()));
  if (doc == nullptr) return InternalError("cmark: cannot parse the manual");

  // The anchor of every heading node in document order ("" for none).
  std::vector<std::string> anchors;
  size_t next = 0;
  cmark_iter* iter = cmark_iter_new(doc.get());
  for (cmark_event_type ev = cmark_iter_next(iter); ev != CMARK_EVENT_DONE;
       ev = cmark_iter_next(iter)) {
    cmark_node* node = cmark_iter_get_node(iter);
    if (ev != CMARK_EVENT_ENTER ||
        cmark_node_get_type(node) != CMARK_NODE_HEADING) {
      continue;
    }
    bool ours = cmark_node_parent(node) == doc.get() &&
                next < headings.size() &&
                cmark_node_get_heading_level(node) == headings[next].level &&
                NodeText(node) == headings[next].plain;
    anchors.push_back(ours ? headings[next++].slug : "");
  }
  cmark_iter_free(iter);

  char* rendered = cmark_render_html(
      doc.get(), options, cmark_parser_get_syntax_extensions(parser.get()));
  if (rendered == nullptr) return InternalError("cmark: cannot render HTML");
  std::string html(rendered);
  free(rendered);  // NOLINT: cmark allocates with malloc

  std::string out;
  out.reserve(html.size() + anchors.size() * 24);
  size_t heading = 0;
  size_t pos = 0;
  while (true) {
    size_t open = html.find("<h", pos);
    if (open == std::string::npos || open + 3 >= html.size()) break;
    char level = html[open + 2];
    if (level < '1' || level > '6' || html[open + 3] != '>') {
      out.append(html, pos, open + 2 - pos);
      pos = open + 2;
      continue;
    }
    out.append(html, pos, open + 3 - pos);
    if (heading < anchors.size() && !anchors[heading].empty()) {
      out += " id=\"" + HtmlEscape(anchors[heading]) + "\"";
    }
    ++heading;
    pos = open + 3;
  }
  out.append(html, pos, std::string::npos);
  return out;
}

uint64_t Fnv1a(std::string_view s) {
  uint64_t hash = 14695981039346656037ull;
  for (char c : s) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  return hash;
}

}  // namespace

std::string RenderProcessDot(const Definition& def, const Process& process) {
  std::string id = SafeId(process.id);
  std::string out = "digraph " + DotQuote(SafeId(process.id)) + " {\n";
  out += "  graph [id=" + DotQuote("livesop-diagram-" + id) +
         ", rankdir=TB, newrank=true, nodesep=0.4, ranksep=0.45, "
         "fontname=\"Helvetica\", fontsize=10, labeljust=l];\n";
  out +=
      "  node [fontname=\"Helvetica\", fontsize=10, color=\"#4a5568\", "
      "margin=\"0.12,0.06\"];\n";
  out +=
      "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#4a5568\", "
      "fontcolor=\"#2d3748\"];\n";
  out += std::string("  ") + kStartNode +
         " [shape=circle, style=\"filled\", fillcolor=\"#c6f6d5\", "
         "label=\"\", width=0.25, height=0.25, fixedsize=true];\n";

  // Lanes in order of first appearance; steps without a lane stay outside.
  const std::vector<std::string> names = StepNodeNames(process);
  std::vector<std::string> lanes;
  std::map<std::string, std::vector<size_t>> lane_steps;
  std::map<std::string, std::string> lane_labels;
  for (size_t i = 0; i < process.steps.size(); ++i) {
    const Step& step = process.steps[i];
    std::string key = LaneKey(step);
    if (key.empty()) continue;
    if (lane_steps.count(key) == 0) {
      lanes.push_back(key);
      lane_labels[key] = WrapLabel(LaneLabel(def, step), 28);
    }
    lane_steps[key].push_back(i);
  }
  for (size_t i = 0; i < lanes.size(); ++i) {
    const std::string& key = lanes[i];
    out +=
        "  subgraph " + DotQuote("cluster_lane_" + std::to_string(i)) + " {\n";
    out += "    graph [id=" +
           DotQuote("livesop-diagram-" + id + "-lane-" + std::to_string(i)) +
           ", label=" + DotQuote(lane_labels[key]) +
           ", style=\"rounded,filled\", fillcolor=\"#f7fafc\", "
           "color=\"#cbd5e0\", fontcolor=\"#4a5568\"];\n";
    for (size_t step : lane_steps[key]) {
      out += "    " + names[step] + " [" + NodeAttributes(process.steps[step]) +
             "];\n";
    }
    out += "  }\n";
  }
  // Routes name steps by id; a repeated id means its first step.
  std::map<std::string, size_t> by_id;
  for (size_t i = 0; i < process.steps.size(); ++i) {
    const Step& step = process.steps[i];
    by_id.emplace(step.id, i);
    if (!LaneKey(step).empty()) continue;
    out += "  " + names[i] + " [" + NodeAttributes(step) + "];\n";
  }

  std::string edges;
  bool uses_end = false;
  auto target = [&](const std::string& to) -> std::string {
    if (auto it = by_id.find(to); it != by_id.end()) return names[it->second];
    if (to == kEndStep) {
      uses_end = true;
      return kEndNode;
    }
    return "";  // unknown: left out, as in CompileGraph
  };
  std::string start = process.start;
  if (start.empty() && !process.steps.empty()) start = process.steps[0].id;
  if (std::string to = target(start); !to.empty()) {
    edges += std::string("  ") + kStartNode + " -> " + to + ";\n";
  }
  for (size_t i = 0; i < process.steps.size(); ++i) {
    for (const DotEdge& e : StepEdges(process.steps[i])) {
      std::string to = target(e.to);
      if (to.empty()) continue;
      std::vector<std::string> attrs;
      if (!e.label.empty()) {
        attrs.push_back("label=" + DotQuote(WrapLabel(e.label, 28)));
      }
      if (!e.style.empty()) attrs.push_back(e.style);
      edges += "  " + names[i] + " -> " + to;
      if (!attrs.empty()) edges += " [" + Join(attrs, ", ") + "]";
      edges += ";\n";
    }
  }
  if (uses_end) {
    out += std::string("  ") + kEndNode +
           " [shape=doublecircle, style=\"filled\", fillcolor=\"#c6f6d5\", "
           "label=\"\", xlabel=\"End\", width=0.25, height=0.25, "
           "fixedsize=true];\n";
  }
  out += edges;
  out += "}\n";
  return ValidUtf8(out);
}

Result<std::string> RenderProcessSvg(const Definition& def,
                                     const Process& process) {
  Result<std::string> svg = LayoutSvgOnce(RenderProcessDot(def, process));
  if (!svg.ok()) {
    return svg.status().WithContext("diagram of process '" + process.id + "'");
  }
  return svg;
}

Result<RenderedManual> RenderManual(const Definition& def,
                                    const RenderOptions& options) {
  std::vector<std::string> svgs;
  DiagramRefs refs;
  refs.enabled = options.diagrams;
  if (options.diagrams) {
    std::set<std::string> names;
    for (const Process& process : def.processes) {
      LIVESOP_ASSIGN_OR_RETURN(std::string svg, RenderProcessSvg(def, process));
      svgs.push_back(std::move(svg));
      // Ids are validated elsewhere; here they only must not escape the
      // diagrams folder or collide.
      std::string base = SafeId(process.id);
      std::string name = base;
      for (int n = 2; names.count(name) > 0; ++n) {
        name = base + "-" + std::to_string(n);
      }
      names.insert(name);
      refs.files.push_back("diagrams/" + name + ".svg");
    }
  }

  ManualWriter writer(def, refs);
  std::string markdown = ValidUtf8(writer.Write()) + "\n";
  RenderedManual manual;
  if (options.format == ManualFormat::kMarkdown) {
    manual.text = std::move(markdown);
    for (size_t i = 0; i < svgs.size(); ++i) {
      manual.files.emplace_back(
          refs.files[i],
          "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n" +
              svgs[i] + "\n");
    }
    return manual;
  }

  // The HTML variant has marker paragraphs where the images were. The marker
  // carries a hash of the whole Markdown, which SOP text cannot predict, so
  // only the renderer's own markers turn into SVG.
  char nonce[17];
  std::snprintf(nonce, sizeof(nonce), "%016llx",
                static_cast<unsigned long long>(Fnv1a(markdown)));
  DiagramRefs html_refs = refs;
  for (size_t i = 0; i < svgs.size(); ++i) {
    html_refs.markers.push_back("livesopdiagram" + std::string(nonce) + "n" +
                                std::to_string(i));
  }
  ManualWriter html_writer(def, html_refs);
  std::string html_markdown = ValidUtf8(html_writer.Write()) + "\n";
  LIVESOP_ASSIGN_OR_RETURN(
      std::string body, MarkdownToHtml(html_markdown, html_writer.headings()));
  for (size_t i = 0; i < svgs.size(); ++i) {
    std::string paragraph = "<p>" + html_refs.markers[i] + "</p>";
    size_t at = body.find(paragraph);
    if (at == std::string::npos) {
      return InternalError("diagram placeholder for process '" +
                           def.processes[i].id + "' lost in HTML rendering");
    }
    body.replace(at, paragraph.size(),
                 "<div class=\"diagram\">\n" + svgs[i] + "\n</div>");
  }

  std::string title = ValidUtf8(DisplayName(def.sop.title, "SOP manual"));
  std::string& html = manual.text;
  html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html +=
      "<meta name=\"viewport\" content=\"width=device-width, "
      "initial-scale=1\">\n";
  html += "<meta name=\"generator\" content=\"livesop\">\n";
  html += "<title>" + HtmlEscape(title) + "</title>\n";
  html += "<style>" + std::string(kStyle) + "</style>\n</head>\n<body>\n";
  html += "<div class=\"manual\">\n" + body + "</div>\n</body>\n</html>\n";
  return manual;
}

Result<std::string> LayoutDotSvg(const std::string& dot) {
  return LayoutSvgOnce(dot);
}

}  // namespace livesop::sop

// The email connector: single messages (.eml), mailboxes (mbox) and zips of
// .eml files, read with GMime 3. HTML-only bodies become text through
// libxml2's HTML parser. docs/side-paths/email.md is the user's view of what
// is read and why.
#include <gmime/gmime.h>
#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include <algorithm>
#include <array>
#include <climits>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "connect/connector.h"
#include "connect/internal/connectors.h"
#include "connect/internal/digest.h"
#include "connect/internal/zip.h"
#include "connect/message.h"
#include "core/status.h"
#include "core/text.h"
#include "core/time.h"

namespace livesop::connect::internal {
namespace {

constexpr std::string_view kSource = "email";
constexpr int64_t kMicrosPerSecond = 1'000'000;
// Forwards inside forwards are followed this deep; a deeper chain is left
// in the innermost message's text.
constexpr int kMaxForwardDepth = 8;
// libxml2 limits HTML nesting itself (256 by default); this guards the
// recursion below should that limit ever be raised.
constexpr int kMaxHtmlDepth = 512;

// ---------------------------------------------------------------------------
// Ownership of GLib and GMime objects.

struct GObjectUnref {
  void operator()(void* object) const {
    if (object != nullptr) g_object_unref(object);
  }
};
template <typename T>
using GObjectPtr = std::unique_ptr<T, GObjectUnref>;

struct GFree {
  void operator()(void* memory) const { g_free(memory); }
};
using GCharPtr = std::unique_ptr<char, GFree>;

struct DateTimeUnref {
  void operator()(GDateTime* date) const { g_date_time_unref(date); }
};
struct ReferencesFree {
  void operator()(GMimeReferences* references) const {
    g_mime_references_free(references);
  }
};
struct ParserOptionsFree {
  void operator()(GMimeParserOptions* options) const {
    g_mime_parser_options_free(options);
  }
};
struct XmlDocFree {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};

void InitLibraries() {
  static std::once_flag once;
  std::call_once(once, [] {
    g_mime_init();
    xmlInitParser();
  });
}

// ---------------------------------------------------------------------------
// Small text helpers.

char AsciiLower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string AsciiLowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = AsciiLower(c);
  return lower;
}

bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (AsciiLower(text[i]) != AsciiLower(prefix[i])) return false;
  }
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && StartsWithIgnoreCase(a, b);
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

std::string_view TrimLeft(std::string_view text) {
  size_t start = 0;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) {
    ++start;
  }
  return text.substr(start);
}

// "+07:00" for 420 minutes: how an email's Date header states its zone.
std::string FormatOffset(int minutes) {
  const char sign = minutes < 0 ? '-' : '+';
  const int magnitude = minutes < 0 ? -minutes : minutes;
  std::string zone(1, sign);
  const int hours = magnitude / 60;
  const int rest = magnitude % 60;
  zone += static_cast<char>('0' + hours / 10);
  zone += static_cast<char>('0' + hours % 10);
  zone += ':';
  zone += static_cast<char>('0' + rest / 10);
  zone += static_cast<char>('0' + rest % 10);
  return zone;
}

// Splits `text` into lines without their line break ("\n" or "\r\n").
std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

// Joins `lines` with '\n', without blank lines at either end and without
// white space at the ends of lines.
std::string JoinTrimmed(const std::vector<std::string_view>& lines) {
  size_t first = 0;
  size_t last = lines.size();
  while (first < last && Trim(lines[first]).empty()) ++first;
  while (last > first && Trim(lines[last - 1]).empty()) --last;
  std::string text;
  for (size_t i = first; i < last; ++i) {
    std::string_view line = lines[i];
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
      line.remove_suffix(1);
    }
    if (i > first) text += '\n';
    text += line;
  }
  return text;
}

// Where a message was read, for errors: "inbox.mbox message 3 (line 45)".
struct Origin {
  std::string_view file;
  std::string member;  // the zip member, empty outside a zip
  bool mailbox = false;
  int number = 1;    // the message's number in its file or member
  int64_t line = 1;  // its first line: the mbox "From " line, or 1
  int64_t first_header_line = 1;

  std::string Where(int64_t at_line) const {
    std::string where(file);
    if (!member.empty()) where += " " + member;
    where += " message " + std::to_string(number) + " (line " +
             std::to_string(at_line) + ")";
    return where;
  }
  std::string Locator() const {
    if (!mailbox) return member;
    std::string locator = member;
    if (!locator.empty()) locator += ' ';
    return locator + "message " + std::to_string(number);
  }
};

// ---------------------------------------------------------------------------
// Subjects, quotes and forwarded blocks: plain text rules.

// The subject without the reply and forward prefixes mail clients add, in
// the languages the team writes in.
std::string_view ConversationOf(std::string_view subject) {
  static constexpr std::string_view kPrefixes[] = {
      "re:", "fwd:", "fw:", "aw:", "wg:", "balas:", "teruskan:"};
  std::string_view rest = Trim(subject);
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (std::string_view prefix : kPrefixes) {
      if (StartsWithIgnoreCase(rest, prefix)) {
        rest = Trim(rest.substr(prefix.size()));
        stripped = true;
        break;
      }
    }
  }
  return rest;
}

// When lines[i] opens an attribution ("On Mon, 2 Mar 2026 ... wrote:",
// "Pada Sen, 2 Mar 2026 ... menulis:"), possibly wrapped over three lines,
// and only quoted lines follow it, returns the index of its last line.
std::optional<size_t> AttributionEnd(const std::vector<std::string_view>& lines,
                                     size_t i) {
  struct Form {
    std::string_view opens;
    std::string_view closes;
  };
  static constexpr Form kForms[] = {
      {"On ", "wrote:"}, {"Pada ", "menulis:"}, {"Am ", "schrieb:"}};
  const std::string_view first = Trim(lines[i]);
  for (const Form& form : kForms) {
    if (!first.starts_with(form.opens)) continue;
    for (size_t j = i; j < lines.size() && j < i + 3; ++j) {
      const std::string_view line = Trim(lines[j]);
      if (line.empty()) break;
      if (!line.ends_with(form.closes)) continue;
      // A sentence that merely starts with "On" is no attribution: one is
      // followed by the quote (or by nothing).
      size_t next = j + 1;
      while (next < lines.size() && Trim(lines[next]).empty()) ++next;
      if (next == lines.size() || TrimLeft(lines[next]).starts_with('>')) {
        return j;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

// The text without quoted earlier mail: lines starting with '>' and the
// attribution lines that introduce them.
std::string StripQuoted(std::string_view text) {
  const std::vector<std::string_view> lines = SplitLines(text);
  std::vector<std::string_view> kept;
  kept.reserve(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) {
    if (TrimLeft(lines[i]).starts_with('>')) continue;
    if (const std::optional<size_t> end = AttributionEnd(lines, i)) {
      i = *end;
      continue;
    }
    kept.push_back(lines[i]);
  }
  return JoinTrimmed(kept);
}

// A forwarded message found in a body: its header lines and what follows.
struct ForwardedBlock {
  size_t marker = 0;  // where its marker line starts in the searched text
  std::string_view from;
  std::string_view date;
  std::string_view subject;
  std::string_view body;  // everything after its header lines
};

bool IsForwardMarker(std::string_view line) {
  static constexpr std::string_view kMarkers[] = {
      "forwarded message",         // Gmail
      "original message",          // Outlook
      "begin forwarded message:",  // Apple Mail
      "pesan terusan",             // Gmail in Indonesian
      "pesan asli",                // Outlook in Indonesian
  };
  std::string_view core = Trim(line);
  while (!core.empty() && (core.front() == '-' || core.front() == ' ')) {
    core.remove_prefix(1);
  }
  while (!core.empty() && (core.back() == '-' || core.back() == ' ')) {
    core.remove_suffix(1);
  }
  for (std::string_view marker : kMarkers) {
    if (EqualsIgnoreCase(core, marker)) return true;
  }
  return false;
}

enum class BlockField { kOther, kFrom, kDate, kSubject };

// The field a forwarded block's header line names ("From:", "Tanggal:",
// "*Subject:*"), and its value; nullopt when the line is no header line.
std::optional<std::pair<BlockField, std::string_view>> BlockHeader(
    std::string_view line) {
  struct Name {
    std::string_view name;
    BlockField field;
  };
  static constexpr Name kNames[] = {
      {"from", BlockField::kFrom},      {"dari", BlockField::kFrom},
      {"date", BlockField::kDate},      {"sent", BlockField::kDate},
      {"tanggal", BlockField::kDate},   {"dikirim", BlockField::kDate},
      {"terkirim", BlockField::kDate},  {"subject", BlockField::kSubject},
      {"subjek", BlockField::kSubject}, {"perihal", BlockField::kSubject},
      {"to", BlockField::kOther},       {"kepada", BlockField::kOther},
      {"cc", BlockField::kOther},       {"bcc", BlockField::kOther},
      {"reply-to", BlockField::kOther}, {"balas ke", BlockField::kOther},
  };
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  std::string_view name = Trim(line.substr(0, colon));
  while (!name.empty() && name.front() == '*') name.remove_prefix(1);
  while (!name.empty() && name.back() == '*') name.remove_suffix(1);
  std::string_view value = Trim(line.substr(colon + 1));
  while (!value.empty() && value.front() == '*') value.remove_prefix(1);
  value = Trim(value);
  for (const Name& known : kNames) {
    if (EqualsIgnoreCase(name, known.name)) {
      return std::make_pair(known.field, value);
    }
  }
  return std::nullopt;
}

// The first forwarded message in `text` whose header lines give its From,
// Date and Subject. A marker without them is left in the text.
std::optional<ForwardedBlock> FindForwarded(std::string_view text) {
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    if (IsForwardMarker(text.substr(start, end - start))) {
      ForwardedBlock block;
      block.marker = start;
      size_t at = end + 1;
      bool in_headers = false;
      while (at < text.size()) {
        size_t line_end = text.find('\n', at);
        if (line_end == std::string_view::npos) line_end = text.size();
        const std::string_view line = text.substr(at, line_end - at);
        if (Trim(line).empty()) {
          if (in_headers) break;
          at = line_end + 1;
          continue;
        }
        const auto header = BlockHeader(line);
        if (!header) break;
        in_headers = true;
        switch (header->first) {
          case BlockField::kFrom:
            block.from = header->second;
            break;
          case BlockField::kDate:
            block.date = header->second;
            break;
          case BlockField::kSubject:
            block.subject = header->second;
            break;
          case BlockField::kOther:
            break;
        }
        at = line_end + 1;
      }
      if (!block.from.empty() && !block.date.empty() && in_headers) {
        block.body = at < text.size() ? text.substr(at) : std::string_view();
        return block;
      }
    }
    start = end + 1;
  }
  return std::nullopt;
}

// ---------------------------------------------------------------------------
// Dates in forwarded blocks, as mail clients print them for people:
//   Mon, Mar 2, 2026 at 1:30 PM          (Gmail)
//   Sen, 2 Mar 2026 pukul 17.05          (Gmail in Indonesian)
//   Monday, March 2, 2026 4:45 PM        (Outlook)
//   2 March 2026 at 20:15:00 GMT+7       (Apple Mail)
//   Mon, 2 Mar 2026 09:15:00 +0700       (RFC 5322, Thunderbird)
// No library reads these localized forms, so they are read token by token.

struct HumanDate {
  int year = -1;
  int month = -1;
  int day = -1;
  int hour = -1;
  int minute = -1;
  int second = 0;
  int meridiem = 0;  // 0 none, 1 am, 2 pm
  std::optional<int> offset_minutes;
};

bool ParseNumber(std::string_view text, int* value) {
  if (text.empty() || text.size() > 4) return false;
  int number = 0;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    number = number * 10 + (c - '0');
  }
  *value = number;
  return true;
}

int MonthOf(std::string_view token) {
  struct Month {
    std::string_view name;
    int number;
  };
  static constexpr Month kMonths[] = {
      {"jan", 1},      {"january", 1},   {"januari", 1}, {"feb", 2},
      {"february", 2}, {"februari", 2},  {"mar", 3},     {"march", 3},
      {"maret", 3},    {"apr", 4},       {"april", 4},   {"may", 5},
      {"mei", 5},      {"jun", 6},       {"june", 6},    {"juni", 6},
      {"jul", 7},      {"july", 7},      {"juli", 7},    {"aug", 8},
      {"august", 8},   {"agu", 8},       {"agt", 8},     {"ags", 8},
      {"agustus", 8},  {"sep", 9},       {"sept", 9},    {"september", 9},
      {"oct", 10},     {"october", 10},  {"okt", 10},    {"oktober", 10},
      {"nov", 11},     {"november", 11}, {"dec", 12},    {"december", 12},
      {"des", 12},     {"desember", 12},
  };
  for (const Month& month : kMonths) {
    if (token == month.name) return month.number;
  }
  return 0;
}

bool IsIgnoredWord(std::string_view token) {
  static constexpr std::string_view kWords[] = {
      "mon",      "tue",    "wed",     "thu",       "fri",      "sat",
      "sun",      "monday", "tuesday", "wednesday", "thursday", "friday",
      "saturday", "sunday", "sen",     "sel",       "rab",      "kam",
      "jum",      "sab",    "min",     "senin",     "selasa",   "rabu",
      "kamis",    "jumat",  "jum'at",  "sabtu",     "minggu",   "ahad",
      "at",       "pukul",  "jam",     "on",        "-",        "um",
      "the"};
  for (std::string_view word : kWords) {
    if (token == word) return true;
  }
  return false;
}

// "9:15", "09.15", "20:15:00".
bool ParseClock(std::string_view token, HumanDate* date) {
  int parts[3] = {0, 0, 0};
  int count = 0;
  size_t start = 0;
  while (true) {
    size_t end = token.find_first_of(":.", start);
    if (end == std::string_view::npos) end = token.size();
    const std::string_view digits = token.substr(start, end - start);
    if (count == 3 || digits.empty() || digits.size() > 2 ||
        !ParseNumber(digits, &parts[count])) {
      return false;
    }
    ++count;
    if (end == token.size()) break;
    start = end + 1;
  }
  if (count < 2) return false;
  date->hour = parts[0];
  date->minute = parts[1];
  date->second = count == 3 ? parts[2] : 0;
  return true;
}

// "+0700", "+07:00", "+7", "gmt+7", "utc+07:00", "gmt", "utc", "z", "wib".
bool ParseZone(std::string_view token, HumanDate* date) {
  struct Named {
    std::string_view name;
    int minutes;
  };
  static constexpr Named kNamed[] = {
      {"gmt", 0},      {"utc", 0},       {"ut", 0},      {"z", 0},
      {"wib", 7 * 60}, {"wita", 8 * 60}, {"wit", 9 * 60}};
  for (const Named& named : kNamed) {
    if (token == named.name) {
      date->offset_minutes = named.minutes;
      return true;
    }
  }
  std::string_view rest = token;
  if (rest.starts_with("gmt") || rest.starts_with("utc")) rest.remove_prefix(3);
  if (rest.empty() || (rest.front() != '+' && rest.front() != '-')) {
    return false;
  }
  const int sign = rest.front() == '-' ? -1 : 1;
  rest.remove_prefix(1);
  int hours = 0;
  int minutes = 0;
  const size_t colon = rest.find(':');
  if (colon != std::string_view::npos) {
    if (!ParseNumber(rest.substr(0, colon), &hours) ||
        !ParseNumber(rest.substr(colon + 1), &minutes)) {
      return false;
    }
  } else if (rest.size() == 4) {
    if (!ParseNumber(rest.substr(0, 2), &hours) ||
        !ParseNumber(rest.substr(2), &minutes)) {
      return false;
    }
  } else if (rest.size() <= 2) {
    if (!ParseNumber(rest, &hours)) return false;
  } else {
    return false;
  }
  if (hours > 14 || minutes > 59) return false;
  date->offset_minutes = sign * (hours * 60 + minutes);
  return true;
}

bool ParseIsoDate(std::string_view token, HumanDate* date) {
  if (token.size() != 10 || token[4] != '-' || token[7] != '-') return false;
  return ParseNumber(token.substr(0, 4), &date->year) &&
         ParseNumber(token.substr(5, 2), &date->month) &&
         ParseNumber(token.substr(8, 2), &date->day);
}

bool ReadDateToken(std::string token, HumanDate* date) {
  for (char& c : token) c = AsciiLower(c);
  std::erase_if(token, [](char c) { return c == '(' || c == ')'; });
  if (token.empty()) return true;
  std::string bare = token;
  std::erase(bare, '.');
  if (bare == "am" || bare == "pm") {
    date->meridiem = bare == "am" ? 1 : 2;
    return true;
  }
  if (ParseClock(token, date)) return true;
  // "2." (German day), "Mar." and the like.
  while (!token.empty() && token.back() == '.') token.pop_back();
  if (token.empty() || IsIgnoredWord(token)) return true;
  if (const int month = MonthOf(token); month != 0) {
    date->month = month;
    return true;
  }
  if (ParseIsoDate(token, date) || ParseZone(token, date)) return true;
  int number = 0;
  if (!ParseNumber(token, &number)) return false;
  if (token.size() == 4) {
    date->year = number;
  } else if (date->day < 0) {
    date->day = number;
  } else {
    return false;
  }
  return true;
}

// The instant a forwarded block's date names; a date without a zone is
// read at `default_offset_minutes` (the forwarding message's own offset:
// the mail client printed it in the forwarder's zone).
std::optional<ZonedInstant> ParseHumanDate(std::string_view text,
                                           int default_offset_minutes) {
  HumanDate date;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find_first_of(" \t,", start);
    if (end == std::string_view::npos) end = text.size();
    if (end > start &&
        !ReadDateToken(std::string(text.substr(start, end - start)), &date)) {
      return std::nullopt;
    }
    start = end + 1;
  }
  if (date.year < 0 || date.month < 0 || date.day < 0 || date.hour < 0) {
    return std::nullopt;
  }
  if (date.meridiem != 0) {
    if (date.hour < 1 || date.hour > 12) return std::nullopt;
    if (date.meridiem == 1 && date.hour == 12) date.hour = 0;
    if (date.meridiem == 2 && date.hour < 12) date.hour += 12;
  }
  CivilTime civil;
  civil.year = date.year;
  civil.month = date.month;
  civil.day = date.day;
  civil.hour = date.hour;
  civil.minute = date.minute;
  civil.second = date.second;
  const Result<ZonedInstant> utc = ResolveCivilTime("UTC", civil);
  if (!utc.ok()) return std::nullopt;
  ZonedInstant instant;
  instant.utc_offset_minutes =
      date.offset_minutes.value_or(default_offset_minutes);
  instant.time_us = utc->time_us -
                    int64_t{instant.utc_offset_minutes} * 60 * kMicrosPerSecond;
  return instant;
}

// ---------------------------------------------------------------------------
// HTML bodies as text, through libxml2's HTML parser.

class HtmlText {
 public:
  void Walk(const xmlNode* node, int depth) {
    for (; node != nullptr; node = node->next) Visit(node, depth);
  }

  // The text, with at most one blank line in a row (nested blocks would
  // otherwise stack them).
  std::string Take() {
    EndLine();
    std::vector<std::string_view> lines;
    for (std::string_view line : SplitLines(out_)) {
      if (Trim(line).empty() && !lines.empty() && Trim(lines.back()).empty()) {
        continue;
      }
      lines.push_back(line);
    }
    return JoinTrimmed(lines);
  }

 private:
  static bool NameIs(const xmlNode* node, const char* name) {
    return xmlStrcasecmp(node->name, reinterpret_cast<const xmlChar*>(name)) ==
           0;
  }

  static bool IsHidden(const xmlNode* node) {
    static const char* const kHidden[] = {"script", "style",    "head",
                                          "title",  "template", "noscript"};
    for (const char* name : kHidden) {
      if (NameIs(node, name)) return true;
    }
    return false;
  }

  static bool IsBlock(const xmlNode* node) {
    static const char* const kBlocks[] = {
        "p",       "div",    "li",   "tr",       "table",   "ul",     "ol",
        "h1",      "h2",     "h3",   "h4",       "h5",      "h6",     "hr",
        "dl",      "dt",     "dd",   "section",  "article", "header", "footer",
        "address", "center", "form", "fieldset", "body",    "html",   "pre"};
    for (const char* name : kBlocks) {
      if (NameIs(node, name)) return true;
    }
    return false;
  }

  // Elements followed by a blank line, as browsers space them.
  static bool IsParagraph(const xmlNode* node) {
    static const char* const kParagraphs[] = {"p",  "h1", "h2", "h3",
                                              "h4", "h5", "h6"};
    for (const char* name : kParagraphs) {
      if (NameIs(node, name)) return true;
    }
    return false;
  }

  void Visit(const xmlNode* node, int depth) {
    if (node->type == XML_TEXT_NODE || node->type == XML_CDATA_SECTION_NODE) {
      if (node->content != nullptr) {
        AppendText(reinterpret_cast<const char*>(node->content));
      }
      return;
    }
    if (node->type != XML_ELEMENT_NODE || IsHidden(node)) return;
    if (depth > kMaxHtmlDepth) return;
    if (NameIs(node, "br")) {
      out_ += '\n';
      pending_space_ = false;
      return;
    }
    if (NameIs(node, "blockquote")) {
      // Quoted mail: marked the way plain-text mail marks it, so that the
      // same rule strips it.
      HtmlText inner;
      inner.Walk(node->children, depth + 1);
      const std::string quoted = inner.Take();
      EndLine();
      for (std::string_view line : SplitLines(quoted)) {
        out_ += line.empty() ? ">" : "> ";
        out_ += line;
        out_ += '\n';
      }
      return;
    }
    const bool block = IsBlock(node);
    const bool pre = NameIs(node, "pre");
    if (block) EndLine();
    if (pre) ++pre_depth_;
    Walk(node->children, depth + 1);
    if (pre) --pre_depth_;
    if (block) EndLine();
    if (IsParagraph(node)) out_ += '\n';
  }

  void EndLine() {
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
    pending_space_ = false;
  }

  void AppendText(std::string_view text) {
    if (pre_depth_ > 0) {
      out_ += text;
      return;
    }
    for (size_t i = 0; i < text.size(); ++i) {
      const char c = text[i];
      const bool nbsp =
          c == '\xc2' && i + 1 < text.size() && text[i + 1] == '\xa0';
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || nbsp) {
        if (nbsp) ++i;
        pending_space_ = !out_.empty() && out_.back() != '\n';
        continue;
      }
      if (pending_space_) out_ += ' ';
      pending_space_ = false;
      out_ += c;
    }
  }

  std::string out_;
  bool pending_space_ = false;
  int pre_depth_ = 0;
};

std::string HtmlToText(std::string_view html) {
  if (html.size() > static_cast<size_t>(INT_MAX)) return std::string();
  // Markup mistakes are the sender's business; libxml2 would print them.
  std::unique_ptr<xmlDoc, XmlDocFree> doc(htmlReadMemory(
      html.data(), static_cast<int>(html.size()), nullptr, "UTF-8",
      HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
          HTML_PARSE_NONET));
  if (doc == nullptr) return std::string();
  HtmlText text;
  text.Walk(doc->children, 0);
  return text.Take();
}

// ---------------------------------------------------------------------------
// MIME parts.

// Problems GMime reports that say a part of the message was damaged; the
// others (a repeated header, 8-bit header text) are everyday mail and read
// fine.
std::optional<std::string_view> WarningText(GMimeParserWarning code) {
  switch (code) {
    case GMIME_WARN_INVALID_CONTENT_TYPE:
      return "an invalid Content-Type, read as application/octet-stream";
    case GMIME_WARN_MALFORMED_MULTIPART:
      return "a multipart without parts";
    case GMIME_WARN_TRUNCATED_MESSAGE:
      return "the message is truncated (a multipart without its closing "
             "boundary)";
    case GMIME_WARN_MALFORMED_MESSAGE:
      return "the message is malformed";
    case GMIME_CRIT_INVALID_HEADER_NAME:
      return "an invalid header name; lines after it may be read as body";
    case GMIME_CRIT_CONFLICTING_HEADER:
      return "conflicting headers";
    case GMIME_CRIT_MULTIPART_WITHOUT_BOUNDARY:
      return "a multipart without a boundary";
    case GMIME_CRIT_NESTING_OVERFLOW:
      return "MIME parts nested too deep; the deepest were not read";
    case GMIME_WARN_PART_WITHOUT_CONTENT:
      return "a part without content";
    case GMIME_CRIT_PART_WITHOUT_HEADERS_OR_CONTENT:
      return "a part without headers or content";
    default:
      return std::nullopt;
  }
}

struct ParseProblems {
  std::vector<std::string> warnings;  // for fields["mime_warning"]
  bool truncated = false;

  void Add(std::string warning) {
    if (std::find(warnings.begin(), warnings.end(), warning) ==
        warnings.end()) {
      warnings.push_back(std::move(warning));
    }
  }
};

void OnParserWarning(gint64 /*offset*/, GMimeParserWarning code,
                     const gchar* /*item*/, gpointer user_data) {
  auto* problems = static_cast<ParseProblems*>(user_data);
  if (code == GMIME_WARN_TRUNCATED_MESSAGE) problems->truncated = true;
  if (const auto text = WarningText(code)) problems->Add(std::string(*text));
}

// The part's content after its Content-Transfer-Encoding is undone. The
// array belongs to the returned stream.
GObjectPtr<GMimeStream> DecodedContent(GMimePart* part) {
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content != nullptr) {
    g_mime_data_wrapper_write_to_stream(content, sink.get());
  }
  return sink;
}

std::string_view StreamBytes(GMimeStream* stream) {
  const GByteArray* bytes =
      g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(stream));
  if (bytes == nullptr || bytes->len == 0) return std::string_view();
  return std::string_view(reinterpret_cast<const char*>(bytes->data),
                          bytes->len);
}

std::string PartLabel(GMimeObject* object) {
  GMimeContentType* type = g_mime_object_get_content_type(object);
  GCharPtr mime_type(type != nullptr ? g_mime_content_type_get_mime_type(type)
                                     : nullptr);
  std::string label = "part";
  if (GMIME_IS_PART(object)) {
    if (const char* name = g_mime_part_get_filename(GMIME_PART(object))) {
      label += " \"" + std::string(name) + "\"";
    }
  }
  if (mime_type != nullptr) label += " (" + std::string(mime_type.get()) + ")";
  return label;
}

// GMime decodes base64 by skipping what is not base64; the message then
// reads, but the part's bytes are not what was sent, which the reader
// should know.
void CheckBase64(GMimePart* part, ParseProblems* problems) {
  if (g_mime_part_get_content_encoding(part) != GMIME_CONTENT_ENCODING_BASE64) {
    return;
  }
  GMimeDataWrapper* content = g_mime_part_get_content(part);
  if (content == nullptr) return;
  GMimeStream* encoded = g_mime_data_wrapper_get_stream(content);
  if (encoded == nullptr) return;
  GObjectPtr<GMimeStream> copy(g_mime_stream_mem_new());
  g_mime_stream_reset(encoded);
  g_mime_stream_write_to_stream(encoded, copy.get());
  g_mime_stream_reset(encoded);
  size_t symbols = 0;
  bool padded = false;
  bool valid = true;
  for (char c : StreamBytes(copy.get())) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') continue;
    const bool symbol = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                        IsDigit(c) || c == '+' || c == '/';
    if (c == '=') {
      padded = true;
    } else if (!symbol || padded) {
      valid = false;
      break;
    }
    ++symbols;
  }
  if (!valid || symbols % 4 != 0) {
    problems->Add(PartLabel(GMIME_OBJECT(part)) +
                  ": invalid base64, decoded as far as it could be read");
  }
}

bool IsValidUtf8(std::string_view text) {
  return g_utf8_validate(text.data(), static_cast<gssize>(text.size()),
                         nullptr) != FALSE;
}

std::string MakeValidUtf8(std::string_view text) {
  GCharPtr valid(
      g_utf8_make_valid(text.data(), static_cast<gssize>(text.size())));
  return valid != nullptr ? std::string(valid.get()) : std::string();
}

// `bytes` from `charset` to UTF-8 with GMime's charset filter (iconv, with
// GMime's table of charset names). False for a charset iconv does not know.
bool ConvertToUtf8(std::string_view bytes, const char* charset,
                   std::string* out) {
  GMimeFilter* filter = g_mime_filter_charset_new(charset, "UTF-8");
  if (filter == nullptr) return false;
  if (bytes.empty()) {
    g_object_unref(filter);
    out->clear();
    return true;
  }
  GObjectPtr<GMimeStream> sink(g_mime_stream_mem_new());
  {
    GObjectPtr<GMimeStream> filtered(g_mime_stream_filter_new(sink.get()));
    g_mime_stream_filter_add(GMIME_STREAM_FILTER(filtered.get()), filter);
    g_object_unref(filter);
    g_mime_stream_write(filtered.get(), bytes.data(), bytes.size());
    g_mime_stream_flush(filtered.get());
  }
  out->assign(StreamBytes(sink.get()));
  return true;
}

// The text of a text/* part in UTF-8, whatever its transfer encoding and
// charset.
std::string PartText(GMimePart* part, ParseProblems* problems) {
  CheckBase64(part, problems);
  const GObjectPtr<GMimeStream> decoded = DecodedContent(part);
  const std::string_view bytes = StreamBytes(decoded.get());
  const char* declared =
      g_mime_object_get_content_type_parameter(GMIME_OBJECT(part), "charset");
  std::string charset = declared != nullptr ? AsciiLowercase(declared) : "";
  const bool utf8 = charset.empty() || charset == "utf-8" ||
                    charset == "utf8" || charset == "us-ascii" ||
                    charset == "ascii";
  if (utf8 && IsValidUtf8(bytes)) return std::string(bytes);
  if (utf8) {
    // Undeclared or mislabelled 8-bit text: what mail clients then assume
    // (WHATWG's encoding standard reads US-ASCII so too).
    charset = "windows-1252";
  } else if (charset.starts_with("iso-8859-1") || charset == "latin1" ||
             charset == "iso8859-1") {
    // Windows-1252 is the superset mail labelled ISO-8859-1 is written in;
    // reading its curly quotes as C1 controls would garble the text.
    charset = "windows-1252";
  }
  std::string text;
  if (!ConvertToUtf8(bytes, charset.c_str(), &text)) {
    problems->Add(PartLabel(GMIME_OBJECT(part)) + ": unknown charset \"" +
                  charset + "\", read as UTF-8");
    text.assign(bytes);
  }
  if (!IsValidUtf8(text)) {
    problems->Add(PartLabel(GMIME_OBJECT(part)) +
                  ": bytes not valid in its charset, replaced with U+FFFD");
    text = MakeValidUtf8(text);
  }
  return text;
}

bool IsAttachment(GMimeObject* object) {
  GMimeContentDisposition* disposition =
      g_mime_object_get_content_disposition(object);
  if (disposition != nullptr &&
      g_mime_content_disposition_is_attachment(disposition)) {
    return true;
  }
  if (GMIME_IS_PART(object)) {
    return g_mime_part_get_filename(GMIME_PART(object)) != nullptr;
  }
  if (disposition != nullptr && g_mime_content_disposition_get_parameter(
                                    disposition, "filename") != nullptr) {
    return true;
  }
  return g_mime_object_get_content_type_parameter(object, "name") != nullptr;
}

bool IsTextBody(GMimeObject* object, const char* subtype) {
  return GMIME_IS_PART(object) && !IsAttachment(object) &&
         g_mime_content_type_is_type(g_mime_object_get_content_type(object),
                                     "text", subtype);
}

// The parts that make up the body: in multipart/alternative the text/plain
// one (else the richest, usually HTML); in other multiparts every inline
// text part in order, as mail clients show them.
void CollectBody(GMimeObject* object, std::vector<GMimePart*>* body) {
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    const int count = g_mime_multipart_get_count(multipart);
    if (g_mime_content_type_is_type(g_mime_object_get_content_type(object),
                                    "multipart", "alternative")) {
      std::vector<GMimePart*> fallback;
      for (int i = 0; i < count; ++i) {
        GMimeObject* child = g_mime_multipart_get_part(multipart, i);
        std::vector<GMimePart*> candidate;
        CollectBody(child, &candidate);
        if (candidate.empty()) continue;
        const bool plain = std::any_of(
            candidate.begin(), candidate.end(), [](GMimePart* part) {
              return IsTextBody(GMIME_OBJECT(part), "plain");
            });
        if (plain) {
          body->insert(body->end(), candidate.begin(), candidate.end());
          return;
        }
        fallback = std::move(candidate);
      }
      body->insert(body->end(), fallback.begin(), fallback.end());
      return;
    }
    for (int i = 0; i < count; ++i) {
      CollectBody(g_mime_multipart_get_part(multipart, i), body);
    }
    return;
  }
  if (IsTextBody(object, "plain") || IsTextBody(object, "html")) {
    body->push_back(GMIME_PART(object));
  }
}

Attachment AttachmentOf(GMimeObject* object) {
  Attachment attachment;
  GMimeContentType* type = g_mime_object_get_content_type(object);
  if (type != nullptr) {
    GCharPtr mime_type(g_mime_content_type_get_mime_type(type));
    if (mime_type != nullptr) attachment.mime_type = mime_type.get();
  }
  GObjectPtr<GMimeStream> bytes;
  if (GMIME_IS_PART(object)) {
    if (const char* name = g_mime_part_get_filename(GMIME_PART(object))) {
      attachment.name = name;
    }
    bytes = DecodedContent(GMIME_PART(object));
  } else {
    GMimeContentDisposition* disposition =
        g_mime_object_get_content_disposition(object);
    const char* name =
        disposition != nullptr
            ? g_mime_content_disposition_get_parameter(disposition, "filename")
            : nullptr;
    if (name == nullptr) {
      name = g_mime_object_get_content_type_parameter(object, "name");
    }
    if (name != nullptr) attachment.name = name;
    bytes.reset(g_mime_stream_mem_new());
    GMimeMessage* attached =
        GMIME_IS_MESSAGE_PART(object)
            ? g_mime_message_part_get_message(GMIME_MESSAGE_PART(object))
            : nullptr;
    if (attached != nullptr) {
      g_mime_object_write_to_stream(GMIME_OBJECT(attached), nullptr,
                                    bytes.get());
    }
  }
  const std::string_view content = StreamBytes(bytes.get());
  attachment.size = static_cast<int64_t>(content.size());
  attachment.sha256 =
      Sha256Hex(std::string_view(content.data(), content.size()));
  return attachment;
}

// Every part that is not the body and has a file name or is marked as an
// attachment, in the message's order. Messages attached without a name
// are part of the text the sender quoted and are not descended into.
void CollectAttachments(GMimeObject* object,
                        const std::vector<GMimePart*>& body,
                        std::vector<Attachment>* attachments,
                        ParseProblems* problems) {
  if (GMIME_IS_MULTIPART(object)) {
    GMimeMultipart* multipart = GMIME_MULTIPART(object);
    const int count = g_mime_multipart_get_count(multipart);
    for (int i = 0; i < count; ++i) {
      CollectAttachments(g_mime_multipart_get_part(multipart, i), body,
                         attachments, problems);
    }
    return;
  }
  if (GMIME_IS_PART(object) &&
      std::find(body.begin(), body.end(), GMIME_PART(object)) != body.end()) {
    return;
  }
  if (!IsAttachment(object)) return;
  if (GMIME_IS_PART(object)) CheckBase64(GMIME_PART(object), problems);
  attachments->push_back(AttachmentOf(object));
}

// The first Message-ID a References or In-Reply-To header holds.
std::string FirstReference(GMimeObject* message, const char* header,
                           GMimeParserOptions* options) {
  const char* value = g_mime_object_get_header(message, header);
  if (value == nullptr) return std::string();
  std::unique_ptr<GMimeReferences, ReferencesFree> references(
      g_mime_references_parse(options, value));
  if (references == nullptr ||
      g_mime_references_length(references.get()) == 0) {
    return std::string();
  }
  const char* id = g_mime_references_get_message_id(references.get(), 0);
  return id != nullptr ? std::string(id) : std::string();
}

// The first mailbox of an address list, looking into groups.
InternetAddressMailbox* FirstMailbox(InternetAddressList* list) {
  if (list == nullptr) return nullptr;
  const int count = internet_address_list_length(list);
  for (int i = 0; i < count; ++i) {
    InternetAddress* address = internet_address_list_get_address(list, i);
    if (INTERNET_ADDRESS_IS_MAILBOX(address)) {
      return INTERNET_ADDRESS_MAILBOX(address);
    }
    if (INTERNET_ADDRESS_IS_GROUP(address)) {
      InternetAddressMailbox* member = FirstMailbox(
          internet_address_group_get_members(INTERNET_ADDRESS_GROUP(address)));
      if (member != nullptr) return member;
    }
  }
  return nullptr;
}

// A forwarded block's From value: "Name <address>", Outlook's
// "Name [mailto:address]", or a bare name when the client printed no address.
void ReadBlockSender(std::string_view value, GMimeParserOptions* options,
                     Message* message) {
  std::string text(value);
  if (const size_t mailto = text.find("[mailto:");
      mailto != std::string::npos) {
    const size_t close = text.find(']', mailto);
    if (close != std::string::npos) {
      text = text.substr(0, mailto) + "<" +
             text.substr(mailto + 8, close - mailto - 8) + ">";
    }
  }
  GObjectPtr<InternetAddressList> list(
      internet_address_list_parse(options, text.c_str()));
  InternetAddressMailbox* mailbox = FirstMailbox(list.get());
  const char* address =
      mailbox != nullptr ? internet_address_mailbox_get_addr(mailbox) : nullptr;
  if (address != nullptr &&
      std::string_view(address).find('@') != std::string_view::npos) {
    message->sender = AsciiLowercase(address);
    const char* name = internet_address_get_name(INTERNET_ADDRESS(mailbox));
    message->sender_name = name != nullptr ? std::string(Trim(name)) : "";
    return;
  }
  message->sender = OneLine(value);
  message->sender_name = message->sender;
}

// ---------------------------------------------------------------------------
// One message.

class MessageReader {
 public:
  MessageReader(std::string_view raw, const Origin& origin)
      : raw_(raw), origin_(origin) {}

  // Appends the message (and the messages it forwards, before it) to `out`.
  Status Read(std::vector<Message>* out) {
    options_.reset(g_mime_parser_options_new());
    g_mime_parser_options_set_warning_callback(options_.get(), OnParserWarning,
                                               &problems_);
    GObjectPtr<GMimeStream> stream(
        g_mime_stream_mem_new_with_buffer(raw_.data(), raw_.size()));
    GObjectPtr<GMimeParser> parser(g_mime_parser_new_with_stream(stream.get()));
    g_mime_parser_set_format(parser.get(), GMIME_FORMAT_MESSAGE);
    GObjectPtr<GMimeMessage> message(
        g_mime_parser_construct_message(parser.get(), options_.get()));
    if (message == nullptr ||
        g_mime_header_list_get_count(
            g_mime_object_get_header_list(GMIME_OBJECT(message.get()))) == 0) {
      return InvalidArgumentError(
          origin_.Where(origin_.line) +
          ": not an email message (no readable headers); give an .eml file, "
          "an mbox mailbox or a zip of .eml files");
    }
    // Cut inside a header line: a message may end after its headers, but
    // not in the middle of one.
    if (problems_.truncated && !HasHeaderEnd() && !raw_.ends_with('\n')) {
      return InvalidArgumentError(
          origin_.Where(origin_.line) +
          ": the message ends inside its headers, so the file was cut off; "
          "export the mailbox again");
    }
    GMimeObject* object = GMIME_OBJECT(message.get());

    Message read;
    read.source = std::string(kSource);
    read.file = std::string(origin_.file);
    read.line = origin_.line;
    read.locator = origin_.Locator();
    LIVESOP_RETURN_IF_ERROR(ReadDate(object, &read));
    LIVESOP_RETURN_IF_ERROR(ReadSender(message.get(), &read));

    const char* id = g_mime_message_get_message_id(message.get());
    read.id =
        id != nullptr && *id != '\0'
            ? std::string(id)
            : "sha256:" + Sha256Hex(std::string_view(raw_.data(), raw_.size()));
    if (const char* subject = g_mime_message_get_subject(message.get())) {
      read.subject = subject;
    }
    read.conversation = std::string(ConversationOf(read.subject));
    read.reply_to = FirstReference(object, "In-Reply-To", options_.get());
    read.thread = FirstReference(object, "References", options_.get());
    if (read.thread.empty()) read.thread = read.reply_to;
    if (read.thread.empty()) read.thread = read.id;

    std::vector<GMimePart*> body;
    GMimeObject* root = g_mime_message_get_mime_part(message.get());
    std::string text;
    if (root != nullptr) {
      CollectBody(root, &body);
      for (GMimePart* part : body) {
        std::string part_text = PartText(part, &problems_);
        if (g_mime_content_type_is_type(
                g_mime_object_get_content_type(GMIME_OBJECT(part)), "text",
                "html")) {
          part_text = HtmlToText(part_text);
        }
        if (!text.empty()) text += "\n\n";
        text += part_text;
      }
      CollectAttachments(root, body, &read.attachments, &problems_);
    }
    if (!problems_.warnings.empty()) {
      read.fields["mime_warning"] = Join(problems_.warnings, "; ");
    }
    return SplitText(text, std::move(read), out);
  }

 private:
  bool HasHeaderEnd() const {
    return raw_.starts_with("\n") || raw_.starts_with("\r\n") ||
           raw_.find("\n\n") != std::string_view::npos ||
           raw_.find("\n\r\n") != std::string_view::npos;
  }

  int64_t LineOfHeader(GMimeObject* object, const char* name) const {
    GMimeHeader* header = g_mime_header_list_get_header(
        g_mime_object_get_header_list(object), name);
    if (header == nullptr) return origin_.line;
    const gint64 offset = g_mime_header_get_offset(header);
    if (offset < 0 || static_cast<uint64_t>(offset) > raw_.size()) {
      return origin_.line;
    }
    return origin_.first_header_line +
           std::count(raw_.begin(), raw_.begin() + offset, '\n');
  }

  Status ReadDate(GMimeObject* object, Message* message) const {
    const char* text = g_mime_object_get_header(object, "Date");
    if (text == nullptr) {
      return InvalidArgumentError(
          origin_.Where(origin_.line) +
          ": no Date header, so when it was written is unknown; export the "
          "mailbox again from the mail program, or remove this message");
    }
    std::unique_ptr<GDateTime, DateTimeUnref> date(
        g_mime_utils_header_decode_date(text));
    if (date == nullptr) {
      return InvalidArgumentError(
          origin_.Where(LineOfHeader(object, "Date")) + ": Date \"" +
          OneLine(text) +
          "\" cannot be read; it should read like \"Mon, 2 Mar 2026 09:15:00 "
          "+0700\"");
    }
    const GTimeSpan offset = g_date_time_get_utc_offset(date.get());
    message->time_us = g_date_time_to_unix(date.get()) * kMicrosPerSecond +
                       g_date_time_get_microsecond(date.get());
    message->utc_offset_minutes =
        static_cast<int>(offset / (60 * G_TIME_SPAN_SECOND));
    message->zone = FormatOffset(message->utc_offset_minutes);
    return OkStatus();
  }

  Status ReadSender(GMimeMessage* message, Message* read) const {
    InternetAddressMailbox* mailbox =
        FirstMailbox(g_mime_message_get_from(message));
    const char* address = mailbox != nullptr
                              ? internet_address_mailbox_get_addr(mailbox)
                              : nullptr;
    if (address == nullptr || *address == '\0') {
      return InvalidArgumentError(
          origin_.Where(origin_.line) +
          ": no From address, so who wrote it is unknown; export the mailbox "
          "again, or remove this message");
    }
    read->sender = AsciiLowercase(address);
    if (const char* name =
            internet_address_get_name(INTERNET_ADDRESS(mailbox))) {
      read->sender_name = std::string(Trim(name));
    }
    return OkStatus();
  }

  // Splits the body into the message's own text and the messages it
  // forwards, strips quoted mail, and appends them, forwarded ones first
  // (innermost, hence earliest, first).
  Status SplitText(std::string_view full, Message outer,
                   std::vector<Message>* out) const {
    std::string normalized;
    if (full.find('\r') != std::string_view::npos) {
      normalized.reserve(full.size());
      for (size_t i = 0; i < full.size(); ++i) {
        if (full[i] == '\r' && i + 1 < full.size() && full[i + 1] == '\n') {
          continue;
        }
        normalized += full[i];
      }
      full = normalized;
    }
    // Each level's own text (up to the next forwarded block) and its whole
    // text (with the blocks it holds): level 0 is the outer message.
    struct Level {
      std::string_view own;
      std::string_view whole;
    };
    std::vector<Level> levels;
    std::vector<ForwardedBlock> blocks;
    std::string_view rest = full;
    for (int depth = 0; depth < kMaxForwardDepth; ++depth) {
      std::optional<ForwardedBlock> block = FindForwarded(rest);
      if (!block) break;
      levels.push_back({rest.substr(0, block->marker), rest});
      blocks.push_back(*block);
      rest = block->body;
    }
    levels.push_back({rest, rest});

    SetText(levels[0].own, levels[0].whole, &outer);
    std::vector<Message> chain;
    chain.reserve(blocks.size());
    for (size_t i = 0; i < blocks.size(); ++i) {
      const ForwardedBlock& block = blocks[i];
      Message forwarded;
      forwarded.source = outer.source;
      forwarded.id = outer.id + "#fwd" + std::to_string(i + 1);
      forwarded.conversation = outer.conversation;
      forwarded.thread = outer.thread;
      forwarded.subject = OneLine(block.subject);
      forwarded.file = outer.file;
      forwarded.line = outer.line;
      forwarded.locator = outer.locator;
      ReadBlockSender(block.from, options_.get(), &forwarded);
      forwarded.fields["forwarded_by"] =
          i == 0 ? outer.sender : chain.back().sender;
      const std::optional<ZonedInstant> when =
          ParseHumanDate(block.date, outer.utc_offset_minutes);
      if (!when) {
        return InvalidArgumentError(
            origin_.Where(origin_.line) + ": the forwarded message's date \"" +
            OneLine(block.date) +
            "\" cannot be read; write it like \"Date: Mon, 2 Mar 2026 "
            "09:15:00 +0700\" or remove the forwarded block");
      }
      forwarded.time_us = when->time_us;
      forwarded.utc_offset_minutes = when->utc_offset_minutes;
      forwarded.zone = FormatOffset(when->utc_offset_minutes);
      SetText(levels[i + 1].own, levels[i + 1].whole, &forwarded);
      chain.push_back(std::move(forwarded));
    }
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      out->push_back(std::move(*it));
    }
    out->push_back(std::move(outer));
    return OkStatus();
  }

  // The message's own text without quotes; the whole when they differ.
  static void SetText(std::string_view own, std::string_view whole,
                      Message* message) {
    message->text = StripQuoted(own);
    std::string original = JoinTrimmed(SplitLines(whole));
    if (original != message->text) {
      message->fields["quoted"] = std::move(original);
    }
  }

  std::string_view raw_;
  const Origin& origin_;
  std::unique_ptr<GMimeParserOptions, ParserOptionsFree> options_;
  ParseProblems problems_;
};

// ---------------------------------------------------------------------------
// Files: a message, a mailbox, or a zip of them.

bool IsBlankLine(std::string_view line) { return line.empty() || line == "\r"; }

// An mbox "From " line: "From sender@example Mon Mar  2 02:00:00 2026".
bool LooksLikePostmark(std::string_view line) {
  bool clock = false;
  for (size_t i = 1; i + 1 < line.size(); ++i) {
    if (line[i] == ':' && IsDigit(line[i - 1]) && IsDigit(line[i + 1])) {
      clock = true;
    }
  }
  return clock;
}

struct MboxEntry {
  int64_t line = 0;  // of its "From " line
  std::string_view raw;
};

// The messages of an mbox. A "From " line separates messages at the start
// of the file, after a blank line, or when it reads as a postmark; writers
// quote body lines that start with "From ", so no message text is cut.
std::vector<MboxEntry> SplitMbox(std::string_view bytes) {
  std::vector<MboxEntry> entries;
  size_t start = 0;
  int64_t line_number = 1;
  bool previous_blank = true;
  while (start < bytes.size()) {
    size_t end = bytes.find('\n', start);
    const size_t next = end == std::string_view::npos ? bytes.size() : end + 1;
    if (end == std::string_view::npos) end = bytes.size();
    const std::string_view line = bytes.substr(start, end - start);
    if (line.starts_with("From ") &&
        (previous_blank || LooksLikePostmark(line))) {
      if (!entries.empty()) {
        MboxEntry& last = entries.back();
        last.raw = std::string_view(last.raw.data(),
                                    bytes.data() + start - last.raw.data());
      }
      entries.push_back(
          {line_number, std::string_view(bytes.data() + next, 0)});
    }
    previous_blank = IsBlankLine(line);
    start = next;
    ++line_number;
  }
  if (!entries.empty()) {
    MboxEntry& last = entries.back();
    last.raw = std::string_view(last.raw.data(),
                                bytes.data() + bytes.size() - last.raw.data());
  }
  for (MboxEntry& entry : entries) {
    // The blank line before the next "From " line belongs to the mailbox.
    if (entry.raw.ends_with("\r\n\r\n")) {
      entry.raw.remove_suffix(2);
    } else if (entry.raw.ends_with("\n\n")) {
      entry.raw.remove_suffix(1);
    }
  }
  return entries;
}

bool IsQuotedFrom(std::string_view line) {
  size_t quotes = 0;
  while (quotes < line.size() && line[quotes] == '>') ++quotes;
  return quotes > 0 && line.substr(quotes).starts_with("From ");
}

// The message as written, with the mbox quoting undone: mboxrd and mboxo
// writers put '>' before body lines starting with "From " (mboxrd also
// before ">From "); one '>' comes off. Returns `raw` itself when nothing was
// quoted.
std::string_view Unquote(std::string_view raw, std::string* storage) {
  bool quoted = false;
  for (size_t start = 0; start < raw.size();) {
    if (raw[start] == '>' && IsQuotedFrom(raw.substr(start))) {
      quoted = true;
      break;
    }
    const size_t end = raw.find('\n', start);
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (!quoted) return raw;
  storage->clear();
  storage->reserve(raw.size());
  for (size_t start = 0; start < raw.size();) {
    size_t end = raw.find('\n', start);
    const size_t next = end == std::string_view::npos ? raw.size() : end + 1;
    const std::string_view line = raw.substr(start, next - start);
    *storage += IsQuotedFrom(line) ? line.substr(1) : line;
    start = next;
  }
  return *storage;
}

Status ReadMailFile(std::string_view file, const std::string& member,
                    std::string_view bytes, std::vector<Message>* out) {
  std::string where(file);
  if (!member.empty()) where += " " + member;
  if (Trim(bytes).empty()) {
    return InvalidArgumentError(where +
                                ": empty; export the message or mailbox again");
  }
  Origin origin;
  origin.file = file;
  origin.member = member;
  if (!bytes.starts_with("From ")) {
    return MessageReader(bytes, origin).Read(out);
  }
  origin.mailbox = true;
  const std::vector<MboxEntry> entries = SplitMbox(bytes);
  std::string storage;
  for (size_t i = 0; i < entries.size(); ++i) {
    origin.number = static_cast<int>(i + 1);
    origin.line = entries[i].line;
    origin.first_header_line = entries[i].line + 1;
    if (Trim(entries[i].raw).empty()) {
      return InvalidArgumentError(
          origin.Where(origin.line) +
          ": an empty message (a \"From \" line with nothing after it); "
          "export the mailbox again");
    }
    LIVESOP_RETURN_IF_ERROR(
        MessageReader(Unquote(entries[i].raw, &storage), origin).Read(out));
  }
  return OkStatus();
}

bool IsMetadataMember(std::string_view name) {
  const size_t slash = name.rfind('/');
  const std::string_view base =
      slash == std::string_view::npos ? name : name.substr(slash + 1);
  return name.starts_with("__MACOSX/") || base.starts_with('.');
}

bool IsMailMember(std::string_view name) {
  const std::string lower = AsciiLowercase(name);
  return lower.ends_with(".eml") || lower.ends_with(".mbox") ||
         lower.ends_with(".mbx");
}

class EmailConnectorImpl final : public Connector {
 public:
  std::string_view Name() const override { return kSource; }
  std::string_view Description() const override {
    return "email: a message (.eml), an mbox mailbox, or a zip of .eml files";
  }

  Result<Export> Parse(std::string_view name, std::string_view bytes,
                       const ReadOptions& options) const override {
    if (static_cast<int64_t>(bytes.size()) > options.max_bytes) {
      return ResourceExhaustedError(
          std::string(name) + ": " + std::to_string(bytes.size()) +
          " bytes, more than the " + std::to_string(options.max_bytes) +
          " an import reads; split the mailbox");
    }
    InitLibraries();
    Export result;
    result.source = std::string(kSource);
    result.file = std::string(name);
    if (!LooksLikeZip(bytes)) {
      LIVESOP_RETURN_IF_ERROR(
          ReadMailFile(name, std::string(), bytes, &result.messages));
      return result;
    }
    LIVESOP_ASSIGN_OR_RETURN(std::vector<ZipMember> members,
                             ReadZip(name, bytes, options.max_bytes));
    bool any = false;
    for (const ZipMember& member : members) {
      if (IsMetadataMember(member.name)) continue;
      if (!IsMailMember(member.name)) {
        return InvalidArgumentError(
            std::string(name) + " " + member.name +
            ": not an .eml or mbox file; remove it from the zip, or zip only "
            "the .eml files");
      }
      any = true;
      LIVESOP_RETURN_IF_ERROR(
          ReadMailFile(name, member.name, member.bytes, &result.messages));
    }
    if (!any) {
      return InvalidArgumentError(
          std::string(name) +
          ": the zip holds no .eml or mbox file; zip the exported messages");
    }
    return result;
  }
};

}  // namespace

const Connector& EmailConnector() {
  static const EmailConnectorImpl connector;
  return connector;
}

}  // namespace livesop::connect::internal

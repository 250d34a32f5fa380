// ReadXes: libxml2's xmlTextReader pulls one node at a time and frees the
// nodes behind it, so memory stays at one trace however large the file is.
#include <libxml/parser.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlreader.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "core/time.h"
#include "eventlog/internal/input_file.h"
#include "eventlog/internal/libxml.h"
#include "eventlog/xes.h"

namespace livesop::eventlog {
namespace {

// The single-valued attribute elements; nullopt for every other name.
std::optional<AttributeType> AttributeTypeOf(std::string_view element) {
  if (element == "string") return AttributeType::kString;
  if (element == "date") return AttributeType::kDate;
  if (element == "int") return AttributeType::kInt;
  if (element == "float") return AttributeType::kFloat;
  if (element == "boolean") return AttributeType::kBoolean;
  if (element == "id") return AttributeType::kId;
  return std::nullopt;
}

// Splits a classifier's `keys`: keys are separated by white space, and a key
// that holds a space is written in single quotes ('Activity Name').
std::vector<std::string> SplitClassifierKeys(std::string_view text) {
  std::vector<std::string> keys;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' ||
        text[i] == '\r') {
      ++i;
      continue;
    }
    if (text[i] == '\'') {
      size_t end = text.find('\'', i + 1);
      if (end == std::string_view::npos) end = text.size();
      keys.emplace_back(text.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    size_t end = text.find_first_of(" \t\r\n", i);
    if (end == std::string_view::npos) end = text.size();
    keys.emplace_back(text.substr(i, end - i));
    i = end;
  }
  return keys;
}

// One libxml2 error, as reported to the structured handler.
struct XmlError {
  int level = 0;
  int line = 0;
  std::string message;
};

// The state of one ReadXes call.
class XesParser {
 public:
  XesParser(internal::InputFile& file, XesVisitor& visitor)
      : file_(file), visitor_(visitor) {}

  ~XesParser() {
    if (reader_ != nullptr) xmlFreeTextReader(reader_);
  }
  XesParser(const XesParser&) = delete;
  XesParser& operator=(const XesParser&) = delete;

  Status Run() {
    reader_ = xmlReaderForIO(&XesParser::ReadInput, nullptr, this,
                             file_.path().c_str(), nullptr, kParseOptions);
    if (reader_ == nullptr) {
      return ResourceExhaustedError("cannot read " + file_.path() +
                                    ": out of memory");
    }
    xmlTextReaderSetStructuredErrorHandler(reader_, &XesParser::OnXmlError,
                                           this);
    LIVESOP_ASSIGN_OR_RETURN(bool found, Next());
    while (found && xmlTextReaderNodeType(reader_) != XML_READER_TYPE_ELEMENT) {
      LIVESOP_ASSIGN_OR_RETURN(found, Next());
    }
    if (!found) return Error(1, "no root element; expected <log>");
    if (Name() != "log") {
      return Error(Line(), "the root element is <" + std::string(Name()) +
                               ">; expected <log>");
    }
    LIVESOP_RETURN_IF_ERROR(ForEachChild([this] { return ReadLogChild(); }));
    LIVESOP_RETURN_IF_ERROR(SendHeader());
    // Reading on to the end lets libxml2 report anything after </log>.
    bool more = true;
    while (more) {
      LIVESOP_ASSIGN_OR_RETURN(more, Next());
    }
    return OkStatus();
  }

 private:
  // No network, and (by leaving out XML_PARSE_DTDLOAD and XML_PARSE_NOENT)
  // no external DTD and no external entities: a log file is data and must
  // not make the reader fetch anything.
  static constexpr int kParseOptions = XML_PARSE_NONET;

  static int ReadInput(void* context, char* buffer, int size) {
    auto* self = static_cast<XesParser*>(context);
    if (size <= 0) return 0;
    Result<size_t> n = self->file_.Read(buffer, static_cast<size_t>(size));
    if (!n.ok()) {
      self->input_error_ = n.status();
      return -1;
    }
    if (self->first_char_ == '\0') {
      for (size_t i = 0; i < *n; ++i) {
        const char c = buffer[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
          self->first_char_ = c;
          break;
        }
      }
    }
    self->bytes_read_ += *n;
    return static_cast<int>(*n);
  }

  static void OnXmlError(void* context, internal::XmlErrorArg error) {
    auto* self = static_cast<XesParser*>(context);
    // Warnings never stop the parse; a file with many errors needs no more
    // than the first few to be fixed.
    constexpr size_t kMaxErrors = 8;
    if (error == nullptr || error->level < XML_ERR_ERROR ||
        self->xml_errors_.size() >= kMaxErrors) {
      return;
    }
    self->xml_errors_.push_back(
        {error->level, error->line,
         OneLine(error->message != nullptr ? error->message : "")});
  }

  // Moves to the next node: true on a node, false at the end of the
  // document, an error when the file is not well-formed or unreadable.
  Result<bool> Next() {
    const int result = xmlTextReaderRead(reader_);
    if (result == 1) return true;
    // Errors that libxml2 recovers from (an undeclared namespace prefix) do
    // not stop the read; only a failed read does.
    if (result == 0 && input_error_.ok()) return false;
    return ParseError();
  }

  Status ParseError() const {
    if (!input_error_.ok()) return input_error_;
    if (bytes_read_ == 0) {
      return Error(1, "the file is empty; expected an XES log");
    }
    // libxml2 says "Document is empty" for text without markup, which
    // misleads when someone passes a CSV file. A byte order mark (0xEF) or
    // a UTF-16 file (0xFE, 0xFF, NUL) is left to libxml2.
    const auto lead = static_cast<unsigned char>(first_char_);
    if (first_char_ != '<' && lead < 0x80 && lead != 0) {
      return Error(1,
                   "not XML: the file does not start with '<'; expected "
                   "an XES log");
    }
    if (xml_errors_.empty()) {
      return Error(xmlTextReaderGetParserLineNumber(reader_),
                   "the XML parser failed");
    }
    // The first fatal error is the one that stopped the parse; libxml2 often
    // follows it with consequences on the same line, which add detail
    // ("attributes construct error; Couldn't find end of Start Tag string").
    const XmlError* first = &xml_errors_.front();
    for (const XmlError& e : xml_errors_) {
      if (e.level == XML_ERR_FATAL) {
        first = &e;
        break;
      }
    }
    std::vector<std::string> messages;
    for (const XmlError& e : xml_errors_) {
      if (e.line == first->line && messages.size() < 3 &&
          std::find(messages.begin(), messages.end(), e.message) ==
              messages.end()) {
        messages.push_back(e.message);
      }
    }
    return Error(first->line, "not well-formed XML: " + Join(messages, "; "));
  }

  Status Error(int64_t line, const std::string& what) const {
    return InvalidArgumentError(file_.path() + ":" + std::to_string(line) +
                                ": " + what);
  }

  std::string_view Name() const {
    const xmlChar* name = xmlTextReaderConstLocalName(reader_);
    return name != nullptr ? reinterpret_cast<const char*>(name) : "";
  }

  // The line of the current node; the parser's own line number runs ahead
  // of the node by up to one buffered chunk.
  int64_t Line() const {
    xmlNodePtr node = xmlTextReaderCurrentNode(reader_);
    return node != nullptr ? xmlGetLineNo(node)
                           : xmlTextReaderGetParserLineNumber(reader_);
  }

  std::optional<std::string> XmlAttribute(const char* name) const {
    xmlChar* value = xmlTextReaderGetAttribute(
        reader_, reinterpret_cast<const xmlChar*>(name));
    if (value == nullptr) return std::nullopt;
    std::string text(reinterpret_cast<const char*>(value));
    xmlFree(value);
    return text;
  }

  // Calls `on_child` for each child element of the current element, which
  // must consume that child whole (its end tag included).
  template <typename F>
  Status ForEachChild(F on_child) {
    if (xmlTextReaderIsEmptyElement(reader_) == 1) return OkStatus();
    const int depth = xmlTextReaderDepth(reader_);
    while (true) {
      LIVESOP_ASSIGN_OR_RETURN(bool found, Next());
      if (!found) return Error(Line(), "unexpected end of the document");
      const int type = xmlTextReaderNodeType(reader_);
      if (type == XML_READER_TYPE_END_ELEMENT &&
          xmlTextReaderDepth(reader_) == depth) {
        return OkStatus();
      }
      if (type == XML_READER_TYPE_ELEMENT) LIVESOP_RETURN_IF_ERROR(on_child());
    }
  }

  // Consumes the current element and everything in it.
  Status Skip() {
    return ForEachChild([this] { return Skip(); });
  }

  // Reads the current element into `into` when it is a single-valued
  // attribute (its meta-attributes skipped); skips anything else.
  Status ReadAttribute(std::vector<Attribute>& into) {
    std::optional<AttributeType> type = AttributeTypeOf(Name());
    if (!type) return Skip();
    std::optional<std::string> key = XmlAttribute("key");
    if (!key) {
      return Error(Line(), "<" + std::string(Name()) + "> has no key");
    }
    std::optional<std::string> value = XmlAttribute("value");
    if (!value) {
      return Error(Line(), "<" + std::string(Name()) + " key=\"" + *key +
                               "\"> has no value");
    }
    if (*type == AttributeType::kDate) {
      Result<int64_t> time = ParseTimestamp(*value);
      if (!time.ok()) {
        return Error(Line(),
                     "attribute \"" + *key + "\": " + time.status().message());
      }
      *value = FormatTimestamp(*time);
    }
    into.push_back({std::move(*key), *type, std::move(*value)});
    return Skip();
  }

  Status ReadLogChild() {
    const std::string_view name = Name();
    if (name == "trace") {
      LIVESOP_RETURN_IF_ERROR(SendHeader());
      return ReadTrace();
    }
    // Header elements after the first trace would arrive too late for
    // OnLog; they are skipped (see XesVisitor::OnLog).
    if (header_sent_) return Skip();
    if (name == "extension") {
      header_.extensions.push_back({XmlAttribute("name").value_or(""),
                                    XmlAttribute("prefix").value_or(""),
                                    XmlAttribute("uri").value_or("")});
      return Skip();
    }
    if (name == "global") {
      // IEEE 1849: the scope defaults to "event".
      std::vector<Attribute>& globals =
          XmlAttribute("scope").value_or("event") == "trace"
              ? header_.trace_globals
              : header_.event_globals;
      return ForEachChild([&] { return ReadAttribute(globals); });
    }
    if (name == "classifier") {
      header_.classifiers.push_back(
          {XmlAttribute("name").value_or(""),
           SplitClassifierKeys(XmlAttribute("keys").value_or(""))});
      return Skip();
    }
    return ReadAttribute(header_.attributes);
  }

  Status ReadTrace() {
    trace_.attributes.clear();
    trace_.events.clear();
    LIVESOP_RETURN_IF_ERROR(ForEachChild([this] {
      if (Name() == "event") {
        Event& event = trace_.events.emplace_back();
        return ForEachChild([&] { return ReadAttribute(event); });
      }
      return ReadAttribute(trace_.attributes);
    }));
    return visitor_.OnTrace(trace_);
  }

  Status SendHeader() {
    if (header_sent_) return OkStatus();
    header_sent_ = true;
    Status status = visitor_.OnLog(header_);
    header_ = LogHeader();
    return status;
  }

  internal::InputFile& file_;
  XesVisitor& visitor_;
  xmlTextReaderPtr reader_ = nullptr;
  Status input_error_;
  size_t bytes_read_ = 0;
  char first_char_ = '\0';  // the first that is not white space
  std::vector<XmlError> xml_errors_;
  LogHeader header_;
  bool header_sent_ = false;
  Trace trace_;
};

}  // namespace

Status XesVisitor::OnLog(const LogHeader& /*header*/) { return OkStatus(); }

Status ReadXes(const std::string& path, XesVisitor& visitor) {
  internal::InitLibXml();
  internal::QuietLibXml quiet;
  LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<internal::InputFile> file,
                           internal::InputFile::Open(path));
  XesParser parser(*file, visitor);
  return parser.Run();
}

}  // namespace livesop::eventlog

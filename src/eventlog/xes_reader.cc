// ReadXes: libxml2's SAX2 push parser, fed 256 KiB chunks, calls back for
// each start and end tag; a stack of open elements says where each
// attribute goes. The Trace handed to the visitor is reused from one trace
// to the next (strings assigned in place, surplus attributes and events kept
// aside for later traces), so reading a large log allocates next to
// nothing once the first traces have been read.
#include <libxml/SAX2.h>
#include <libxml/dict.h>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "eventlog/internal/input_file.h"
#include "eventlog/internal/libxml.h"
#include "eventlog/internal/readers.h"
#include "eventlog/internal/timestamp.h"
#include "eventlog/internal/xes_tags.h"
#include "eventlog/xes.h"

namespace livesop::eventlog {
namespace {

constexpr size_t kChunkBytes = size_t{256} << 10;

// Elements nested deeper than this are refused: the record is recursive
// (attributes in attributes), and a file of a million nested elements must
// not exhaust the stack of whoever copies or destroys it.
constexpr int kMaxDepth = 256;

// The element names the reader acts on.
using Tag = internal::XesTag;

constexpr std::array<std::pair<Tag, const char*>, 15> kTagNames = {{
    // The attribute elements first: they are most of a log.
    {Tag::kString, "string"},
    {Tag::kDate, "date"},
    {Tag::kEvent, "event"},
    {Tag::kInt, "int"},
    {Tag::kFloat, "float"},
    {Tag::kBoolean, "boolean"},
    {Tag::kId, "id"},
    {Tag::kTrace, "trace"},
    {Tag::kList, "list"},
    {Tag::kContainer, "container"},
    {Tag::kValues, "values"},
    {Tag::kLog, "log"},
    {Tag::kExtension, "extension"},
    {Tag::kGlobal, "global"},
    {Tag::kClassifier, "classifier"},
}};

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

// Sets `out` to an attribute value as SAX2 passes it. Without entity
// substitution (XML_PARSE_NOENT, left out on purpose) libxml2 decodes every
// reference in a value except one: an ampersand, written `&amp;` or
// `&#38;`, comes through as the text `&#38;` (so that a tree builder could
// tell it from an entity reference). No entity is ever declared to the
// reader, so every '&' left in a value starts such a `&#38;`.
void AssignValue(std::string& out, std::string_view raw) {
  size_t amp = raw.find('&');
  if (amp == std::string_view::npos) {
    out.assign(raw);
    return;
  }
  constexpr std::string_view kEncoded = "&#38;";
  out.clear();
  while (amp != std::string_view::npos) {
    out.append(raw.substr(0, amp));
    out += '&';
    raw.remove_prefix(raw.substr(amp, kEncoded.size()) == kEncoded
                          ? amp + kEncoded.size()
                          : amp + 1);
    amp = raw.find('&');
  }
  out.append(raw);
}

std::string_view View(const xmlChar* text) {
  return text != nullptr ? reinterpret_cast<const char*>(text) : "";
}

// One libxml2 error, as reported to the structured handler.
struct XmlError {
  int level = 0;
  int line = 0;
  std::string message;
};

// The XML attributes of one start tag, as SAX2 passes them: five pointers
// each (local name, prefix, URI, value, end of value).
class XmlAttributes {
 public:
  XmlAttributes(const xmlChar** attributes, int count)
      : attributes_(attributes), count_(count) {}

  // The value of the unprefixed attribute whose local name is the
  // dictionary string `name` (pointer comparison), or nullopt.
  std::optional<std::string_view> Find(const xmlChar* name) const {
    for (int i = 0; i < count_; ++i) {
      const xmlChar** a = attributes_ + static_cast<ptrdiff_t>(i) * 5;
      if (a[0] == name && a[1] == nullptr) {
        return std::string_view(reinterpret_cast<const char*>(a[3]),
                                static_cast<size_t>(a[4] - a[3]));
      }
    }
    return std::nullopt;
  }

  // As Find, by text and decoded, for the rare header elements; "" when
  // absent.
  std::string Get(std::string_view name) const {
    std::string value;
    for (int i = 0; i < count_; ++i) {
      const xmlChar** a = attributes_ + static_cast<ptrdiff_t>(i) * 5;
      if (a[1] == nullptr && View(a[0]) == name) {
        AssignValue(value, std::string_view(reinterpret_cast<const char*>(a[3]),
                                            static_cast<size_t>(a[4] - a[3])));
        break;
      }
    }
    return value;
  }

 private:
  const xmlChar** attributes_;
  int count_;
};

// The state of one ReadXes call.
class XesParser {
 public:
  XesParser(internal::ByteSource& input, XesVisitor& visitor)
      : input_(input), visitor_(visitor) {
    frames_.reserve(kMaxDepth + 1);
  }

  ~XesParser() {
    if (ctxt_ == nullptr) return;
    // libxml2 keeps the entity declarations of an internal DTD in a
    // document of its own when no SAX handler takes them ("expat
    // compatibility"); they are never looked up, but must be freed.
    if (ctxt_->myDoc != nullptr) xmlFreeDoc(ctxt_->myDoc);
    xmlFreeParserCtxt(ctxt_);
  }
  XesParser(const XesParser&) = delete;
  XesParser& operator=(const XesParser&) = delete;

  Status Run() {
    std::vector<char> chunk(kChunkBytes);
    LIVESOP_ASSIGN_OR_RETURN(size_t n, Read(chunk.data()));
    if (n == 0) return Error(1, "the file is empty; expected an XES log");

    xmlSAXHandler sax;
    std::memset(&sax, 0, sizeof sax);
    sax.initialized = XML_SAX2_MAGIC;
    sax.startElementNs = &XesParser::OnStartElement;
    sax.endElementNs = &XesParser::OnEndElement;
    sax.serror = &XesParser::OnXmlError;
    // Everything else stays null: no document is built, text is not
    // collected, and with no entity handlers an entity the file declares is
    // never stored, so referring to one is an error rather than an
    // expansion (no external entities, no "billion laughs").
    //
    // The first four bytes go in with the context: libxml2 detects the
    // encoding (UTF-16, a byte order mark) from them.
    const size_t head = std::min<size_t>(n, 4);
    ctxt_ =
        xmlCreatePushParserCtxt(&sax, this, chunk.data(),
                                static_cast<int>(head), input_.path().c_str());
    if (ctxt_ == nullptr) {
      return ResourceExhaustedError("cannot read " + input_.path() +
                                    ": out of memory");
    }
    // No network, and (by leaving out XML_PARSE_DTDLOAD and XML_PARSE_NOENT)
    // no external DTD and no entity substitution: a log file is data and
    // must not make the reader fetch anything.
    xmlCtxtUseOptions(ctxt_, XML_PARSE_NONET);
    for (size_t i = 0; i < kTagNames.size(); ++i) {
      tag_names_[i] =
          xmlDictLookup(ctxt_->dict, BAD_CAST kTagNames[i].second, -1);
    }
    key_name_ = xmlDictLookup(ctxt_->dict, BAD_CAST "key", -1);
    value_name_ = xmlDictLookup(ctxt_->dict, BAD_CAST "value", -1);

    LIVESOP_RETURN_IF_ERROR(Parse(chunk.data() + head, n - head, false));
    while (true) {
      LIVESOP_ASSIGN_OR_RETURN(n, Read(chunk.data()));
      LIVESOP_RETURN_IF_ERROR(Parse(chunk.data(), n, n == 0));
      if (n == 0) break;
    }
    if (!root_seen_) return Error(1, "no root element; expected <log>");
    return OkStatus();
  }

 private:
  Result<size_t> Read(char* buffer) {
    LIVESOP_ASSIGN_OR_RETURN(size_t n, input_.Read(buffer, kChunkBytes));
    if (first_char_ == '\0') {
      for (size_t i = 0; i < n; ++i) {
        const char c = buffer[i];
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
          first_char_ = c;
          break;
        }
      }
    }
    bytes_read_ += n;
    return n;
  }

  Status Parse(const char* data, size_t size, bool terminate) {
    const int result =
        xmlParseChunk(ctxt_, data, static_cast<int>(size), terminate ? 1 : 0);
    if (!status_.ok()) return status_;
    // Errors libxml2 recovers from (an undeclared namespace prefix) leave
    // the document well-formed and do not stop the read.
    if (ctxt_->wellFormed == 0 || undeclared_entity_) return ParseError();
    if (result == XML_ERR_INVALID_ENCODING) {
      // Reported to the generic handler only, with the document left
      // "well-formed": text the declared encoding cannot convert.
      return Error(Line(),
                   "not well-formed XML: the text cannot be read in its "
                   "declared encoding");
    }
    if (result != XML_ERR_OK) return ParseError();
    if (terminate && !frames_.empty()) {
      // libxml2 stopped without saying why; the log was not read whole.
      return Error(Line(), "the document ends inside <log>");
    }
    return OkStatus();
  }

  static void OnXmlError(void* context, internal::XmlErrorArg error) {
    auto* self = static_cast<XesParser*>(context);
    if (error == nullptr || error->level < XML_ERR_ERROR) return;
    // With an external DTD named, libxml2 reports an undeclared entity as a
    // mere error and drops the reference from the value; the value would
    // silently lose text.
    if (error->code == XML_WAR_UNDECLARED_ENTITY) {
      self->undeclared_entity_ = true;
      xmlStopParser(self->ctxt_);
    }
    // A file with many errors needs no more than the first few to be fixed.
    constexpr size_t kMaxErrors = 8;
    if (self->xml_errors_.size() >= kMaxErrors) return;
    self->xml_errors_.push_back(
        {error->level, error->line,
         OneLine(error->message != nullptr ? error->message : "")});
  }

  static void OnStartElement(void* context, const xmlChar* localname,
                             const xmlChar* /*prefix*/, const xmlChar* uri,
                             int /*nb_namespaces*/,
                             const xmlChar** /*namespaces*/, int nb_attributes,
                             int nb_defaulted, const xmlChar** attributes) {
    auto* self = static_cast<XesParser*>(context);
    // Attributes defaulted by a DTD come last; like a document built
    // without XML_PARSE_DTDATTR, the reader sees only those in the file.
    self->StartElement(localname, uri,
                       XmlAttributes(attributes, nb_attributes - nb_defaulted));
  }

  static void OnEndElement(void* context, const xmlChar* /*localname*/,
                           const xmlChar* /*prefix*/, const xmlChar* /*uri*/) {
    static_cast<XesParser*>(context)->EndElement();
  }

  Status ParseError() const {
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
      return Error(Line(), "the XML parser failed");
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
    return InvalidArgumentError(input_.path() + ":" + std::to_string(line) +
                                ": " + what);
  }

  // The line the parser is on: in a start tag's callback, the line of its
  // closing '>'.
  int64_t Line() const { return xmlSAX2GetLineNumber(ctxt_); }

  // Stops the parse with `status` as ReadXes's result.
  void Fail(Status status) {
    status_ = std::move(status);
    xmlStopParser(ctxt_);
  }

  Tag TagOf(const xmlChar* name) const {
    for (size_t i = 0; i < kTagNames.size(); ++i) {
      if (tag_names_[i] == name) return kTagNames[i].first;
    }
    return Tag::kOther;
  }

  // What an open element holds, and where its attributes go.
  enum class Scope {
    kLog,
    kGlobal,
    kTrace,
    kEvent,
    kAttribute,
    kList,
    kValues
  };
  struct Frame {
    Scope scope;
    std::vector<Attribute>* into;  // where child attributes go
    size_t used;                   // how many of *into this element filled
  };

  void StartElement(const xmlChar* name, const xmlChar* uri,
                    const XmlAttributes& attributes) {
    if (!status_.ok()) return;
    if (++depth_ > kMaxDepth) {
      Fail(Error(Line(), "elements are nested more than " +
                             std::to_string(kMaxDepth) + " levels deep"));
      return;
    }
    if (skip_depth_ > 0) {
      ++skip_depth_;
      return;
    }
    const Tag tag = TagOf(name);
    if (frames_.empty()) {
      root_seen_ = true;
      if (tag != Tag::kLog) {
        Fail(Error(Line(), "the root element is <" + std::string(View(name)) +
                               ">; expected <log>"));
        return;
      }
      frames_.push_back({Scope::kLog, &header_.attributes, 0});
      return;
    }
    Frame& top = frames_.back();
    const std::optional<AttributeType> type = AttributeTypeOf(tag);
    switch (top.scope) {
      case Scope::kLog:
        if (tag == Tag::kTrace) {
          if (!SendHeader()) return;
          events_used_ = 0;
          frames_.push_back({Scope::kTrace, &trace_.attributes, 0});
          return;
        }
        // Header elements after the first trace would arrive too late for
        // OnLog; they are skipped (see XesVisitor::OnLog). So are events
        // outside any trace: they belong to no case.
        if (header_sent_) break;
        if (type) return StartAttribute(top, *type, name, attributes);
        if (tag == Tag::kExtension) {
          header_.extensions.push_back({attributes.Get("name"),
                                        attributes.Get("prefix"),
                                        attributes.Get("uri")});
        } else if (tag == Tag::kClassifier) {
          header_.classifiers.push_back(
              {attributes.Get("name"),
               SplitClassifierKeys(attributes.Get("keys"))});
        } else if (tag == Tag::kGlobal) {
          // IEEE 1849: the scope defaults to "event".
          std::vector<Attribute>& globals = attributes.Get("scope") == "trace"
                                                ? header_.trace_globals
                                                : header_.event_globals;
          frames_.push_back({Scope::kGlobal, &globals, globals.size()});
          return;
        }
        break;
      case Scope::kTrace:
        if (tag == Tag::kEvent) return StartEvent();
        if (type) return StartAttribute(top, *type, name, attributes);
        break;
      case Scope::kList:
        if (tag == Tag::kValues) {
          frames_.push_back({Scope::kValues, top.into, top.used});
          return;
        }
        if (type) return StartAttribute(top, *type, name, attributes);
        break;
      case Scope::kGlobal:
      case Scope::kEvent:
      case Scope::kAttribute:
      case Scope::kValues:
        if (type) return StartAttribute(top, *type, name, attributes);
        break;
    }
    // An element with a key, in no namespace or XES's, is an attribute of
    // a type XES does not define: its value would be lost without a word.
    // Elements of other namespaces are extensions and are skipped.
    if (tag == Tag::kOther && IsXesNamespace(uri)) {
      if (const std::optional<std::string_view> key =
              attributes.Find(key_name_)) {
        Fail(Error(Line(), "<" + std::string(View(name)) + "> (key \"" +
                               std::string(*key) +
                               "\") is not an XES attribute type; use string, "
                               "date, int, float, boolean, id, list or "
                               "container"));
        return;
      }
    }
    skip_depth_ = 1;  // unknown or out of place: skipped with its content
  }

  static bool IsXesNamespace(const xmlChar* uri) {
    return uri == nullptr || View(uri) == "http://www.xes-standard.org/" ||
           View(uri) == "http://www.xes-standard.org";
  }

  void EndElement() {
    if (!status_.ok()) return;
    --depth_;
    if (skip_depth_ > 0) {
      --skip_depth_;
      return;
    }
    if (frames_.empty()) return;
    const Frame frame = frames_.back();
    frames_.pop_back();
    switch (frame.scope) {
      case Scope::kLog:
        SendHeader();
        return;
      case Scope::kValues:
        // The list's elements continue after </values>.
        frames_.back().used = frame.used;
        return;
      case Scope::kTrace: {
        Trim(trace_.attributes, frame.used);
        while (trace_.events.size() > events_used_) {
          spare_events_.push_back(std::move(trace_.events.back()));
          trace_.events.pop_back();
        }
        Status status = visitor_.OnTrace(trace_);
        if (!status.ok()) Fail(std::move(status));
        return;
      }
      case Scope::kGlobal:
      case Scope::kEvent:
      case Scope::kAttribute:
      case Scope::kList:
        Trim(*frame.into, frame.used);
        return;
    }
  }

  void StartEvent() {
    if (events_used_ < trace_.events.size()) {
      // Reused: its attributes are overwritten in place.
    } else if (!spare_events_.empty()) {
      trace_.events.push_back(std::move(spare_events_.back()));
      spare_events_.pop_back();
    } else {
      trace_.events.emplace_back();
    }
    Event& event = trace_.events[events_used_++];
    frames_.push_back({Scope::kEvent, &event, 0});
  }

  void StartAttribute(Frame& parent, AttributeType type, const xmlChar* name,
                      const XmlAttributes& attributes) {
    const std::optional<std::string_view> key = attributes.Find(key_name_);
    if (!key) {
      Fail(Error(Line(), "<" + std::string(View(name)) + "> has no key"));
      return;
    }
    const std::optional<std::string_view> value = attributes.Find(value_name_);
    const bool collection =
        type == AttributeType::kList || type == AttributeType::kContainer;
    if (!value && !collection) {
      std::string key_text;
      AssignValue(key_text, *key);
      Fail(Error(Line(), "<" + std::string(View(name)) + " key=\"" + key_text +
                             "\"> has no value"));
      return;
    }
    Attribute& attribute = NextSlot(parent);
    AssignValue(attribute.key, *key);
    attribute.type = type;
    if (type == AttributeType::kDate) {
      std::string_view text = *value;
      if (text.find('&') != std::string_view::npos) {
        AssignValue(scratch_, text);
        text = scratch_;
      }
      Status status = internal::NormaliseTimestamp(text, attribute.value);
      if (!status.ok()) {
        Fail(Error(Line(),
                   "attribute \"" + attribute.key + "\": " + status.message()));
        return;
      }
    } else if (value) {
      AssignValue(attribute.value, *value);
    } else {
      attribute.value.clear();
    }
    frames_.push_back(
        {type == AttributeType::kList ? Scope::kList : Scope::kAttribute,
         &attribute.children, 0});
  }

  // The next attribute of `frame`, reused when an earlier trace left one
  // there or aside.
  Attribute& NextSlot(Frame& frame) {
    std::vector<Attribute>& attributes = *frame.into;
    if (frame.used == attributes.size()) {
      if (!spare_attributes_.empty()) {
        attributes.push_back(std::move(spare_attributes_.back()));
        spare_attributes_.pop_back();
      } else {
        attributes.emplace_back();
      }
    }
    return attributes[frame.used++];
  }

  // Cuts `attributes` to its first `used`, keeping the rest (with their
  // strings' buffers) for later.
  void Trim(std::vector<Attribute>& attributes, size_t used) {
    while (attributes.size() > used) {
      spare_attributes_.push_back(std::move(attributes.back()));
      attributes.pop_back();
    }
  }

  // Calls OnLog once; false when it failed (the parse is then stopped).
  bool SendHeader() {
    if (header_sent_) return true;
    header_sent_ = true;
    Status status = visitor_.OnLog(header_);
    if (status.ok()) return true;
    Fail(std::move(status));
    return false;
  }

  internal::ByteSource& input_;
  XesVisitor& visitor_;
  xmlParserCtxtPtr ctxt_ = nullptr;
  std::array<const xmlChar*, kTagNames.size()> tag_names_{};
  const xmlChar* key_name_ = nullptr;
  const xmlChar* value_name_ = nullptr;

  Status status_;  // the first error of a callback or the visitor
  size_t bytes_read_ = 0;
  char first_char_ = '\0';  // the first that is not white space
  std::vector<XmlError> xml_errors_;
  bool undeclared_entity_ = false;

  int depth_ = 0;       // of the element being parsed
  int skip_depth_ = 0;  // > 0 inside a skipped element
  bool root_seen_ = false;
  std::vector<Frame> frames_;

  LogHeader header_;
  bool header_sent_ = false;
  Trace trace_;
  size_t events_used_ = 0;  // events of the current trace
  std::vector<Attribute> spare_attributes_;
  std::vector<Event> spare_events_;
  std::string scratch_;
};

}  // namespace

Status XesVisitor::OnLog(const LogHeader& /*header*/) { return OkStatus(); }

namespace internal {

Status ReadXesFrom(ByteSource& input, XesVisitor& visitor) {
  InitLibXml();
  QuietLibXml quiet;
  XesParser parser(input, visitor);
  return parser.Run();
}

}  // namespace internal

Status ReadXes(const std::string& path, XesVisitor& visitor) {
  LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<internal::InputFile> file,
                           internal::InputFile::Open(path));
  return internal::ReadXesFrom(*file, visitor);
}

}  // namespace livesop::eventlog

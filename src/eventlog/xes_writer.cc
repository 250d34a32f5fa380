// XesWriter: libxml2's xmlTextWriter does the XML escaping; it is given an
// output buffer that forwards to the caller's std::ostream in chunks, so
// nothing but the current element is held in memory.
#include <libxml/xmlwriter.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"
#include "eventlog/internal/libxml.h"
#include "eventlog/xes.h"

namespace livesop::eventlog {
namespace {

// Deeper nesting is refused rather than recursed into: the reader refuses
// files nested deeper than 256 elements, so nothing it read comes near.
constexpr int kMaxAttributeDepth = 256;

const xmlChar* X(const char* text) {
  return reinterpret_cast<const xmlChar*>(text);
}

// The offset of the first byte of `text` that XML 1.0 cannot carry (not
// UTF-8, or a code point outside the Char production: controls other than
// tab, LF and CR, surrogates, U+FFFE, U+FFFF), or nullopt when all can be.
std::optional<size_t> FindInvalidXmlChar(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    if (lead < 0x80) {
      if (lead < 0x20 && lead != '\t' && lead != '\n' && lead != '\r') {
        return i;
      }
      ++i;
      continue;
    }
    size_t length = 0;
    uint32_t code = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      code = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      code = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      code = lead & 0x07;
    } else {
      return i;
    }
    if (text.size() - i < length) return i;
    for (size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(text[i + k]);
      if ((next & 0xC0) != 0x80) return i;
      code = (code << 6) | (next & 0x3F);
    }
    const bool overlong =
        (length == 3 && code < 0x800) || (length == 4 && code < 0x10000);
    const bool not_char = (code >= 0xD800 && code <= 0xDFFF) ||
                          code == 0xFFFE || code == 0xFFFF || code > 0x10FFFF;
    if (overlong || not_char) return i;
    i += length;
  }
  return std::nullopt;
}

Status CheckText(std::string_view text, std::string_view what,
                 std::string_view key) {
  std::optional<size_t> bad = FindInvalidXmlChar(text);
  if (!bad) return OkStatus();
  return InvalidArgumentError(
      "cannot write the " + std::string(what) + " of attribute \"" +
      std::string(key.substr(0, 64)) + "\" as XES: byte " +
      std::to_string(*bad) +
      " is not valid UTF-8 or is a control character XML cannot hold");
}

// A classifier's keys, separated by spaces; a key holding white space is
// quoted ('Activity Name'), as OpenXES does.
std::string JoinClassifierKeys(const std::vector<std::string>& keys) {
  std::string out;
  for (const std::string& key : keys) {
    if (!out.empty()) out += ' ';
    if (key.find_first_of(" \t\r\n") != std::string::npos) {
      out += '\'' + key + '\'';
    } else {
      out += key;
    }
  }
  return out;
}

}  // namespace

struct XesWriter::Impl {
  enum class Stage { kNew, kInLog, kInTrace, kFinished };

  explicit Impl(std::ostream& stream) : out(stream) {
    internal::InitLibXml();
    xmlOutputBufferPtr buffer =
        xmlOutputBufferCreateIO(&Impl::WriteOutput, nullptr, this, nullptr);
    if (buffer != nullptr) writer = xmlNewTextWriter(buffer);
    if (writer == nullptr) {
      if (buffer != nullptr) xmlOutputBufferClose(buffer);
      failed = ResourceExhaustedError("cannot write XES: out of memory");
      return;
    }
    xmlTextWriterSetIndent(writer, 1);
    xmlTextWriterSetIndentString(writer, X("  "));
  }

  ~Impl() {
    internal::QuietLibXml quiet;
    if (writer != nullptr) xmlFreeTextWriter(writer);
  }
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  static int WriteOutput(void* context, const char* data, int size) {
    auto* self = static_cast<Impl*>(context);
    self->out.write(data, size);
    return self->out ? size : -1;
  }

  // Checks that the writer is usable and at `expected`; records misuse so
  // that it is reported by every later call too.
  Status Expect(Stage expected, std::string_view call) {
    if (!failed.ok()) return failed;
    if (stage != expected) {
      static constexpr const char* kStageNames[] = {
          "before Begin", "outside a trace", "inside a trace", "after Finish"};
      failed = FailedPreconditionError("XesWriter::" + std::string(call) +
                                       " called " +
                                       kStageNames[static_cast<int>(stage)]);
      return failed;
    }
    return OkStatus();
  }

  // Turns a libxml2 result into a Status; a negative result means the
  // stream (or memory) failed, after which the document is unusable.
  Status Check(int result) {
    if (result >= 0) return OkStatus();
    failed = UnavailableError("cannot write XES: the output stream failed");
    return failed;
  }

  // Checks every attribute, children included, before anything is
  // written, so a rejected value leaves the document well-formed. Fills
  // `date_values` with the normalised text of each kDate value, in the
  // order WriteAttributes meets them (each attribute before its children).
  static Status Validate(const std::vector<Attribute>& attributes,
                         std::vector<std::string>& date_values) {
    date_values.clear();
    return ValidateNested(attributes, 0, date_values);
  }

  static Status ValidateNested(const std::vector<Attribute>& attributes,
                               int depth,
                               std::vector<std::string>& date_values) {
    for (const Attribute& a : attributes) {
      if (depth >= kMaxAttributeDepth) {
        return InvalidArgumentError(
            "cannot write attribute \"" + a.key.substr(0, 64) +
            "\" as XES: attributes are nested more than " +
            std::to_string(kMaxAttributeDepth) + " levels deep");
      }
      LIVESOP_RETURN_IF_ERROR(CheckText(a.key, "key", a.key));
      if (a.type == AttributeType::kDate) {
        Result<int64_t> time = ParseTimestamp(a.value);
        if (!time.ok()) {
          return time.status().WithContext("cannot write date attribute \"" +
                                           a.key + "\"");
        }
        date_values.push_back(FormatTimestamp(*time));
      } else {
        LIVESOP_RETURN_IF_ERROR(CheckText(a.value, "value", a.key));
      }
      LIVESOP_RETURN_IF_ERROR(
          ValidateNested(a.children, depth + 1, date_values));
    }
    return OkStatus();
  }

  // Writes `attributes` with their children: a single-valued attribute's
  // children are its meta-attributes, nested in its element; a list's are
  // its elements, inside `<values>` (IEEE 1849-2016); a container's are
  // nested directly. A list or container gets a `value` only when it has
  // one. `date_index` walks `date_values` as Validate filled it.
  Status WriteAttributes(const std::vector<Attribute>& attributes,
                         const std::vector<std::string>& date_values) {
    size_t date_index = 0;
    return WriteNested(attributes, date_values, date_index);
  }

  Status WriteNested(const std::vector<Attribute>& attributes,
                     const std::vector<std::string>& date_values,
                     size_t& date_index) {
    for (const Attribute& a : attributes) {
      const std::string type(AttributeTypeName(a.type));
      const bool collection =
          a.type == AttributeType::kList || a.type == AttributeType::kContainer;
      const std::string& value =
          a.type == AttributeType::kDate ? date_values[date_index++] : a.value;
      LIVESOP_RETURN_IF_ERROR(
          Check(xmlTextWriterStartElement(writer, X(type.c_str()))));
      LIVESOP_RETURN_IF_ERROR(Check(
          xmlTextWriterWriteAttribute(writer, X("key"), X(a.key.c_str()))));
      if (!collection || !value.empty()) {
        LIVESOP_RETURN_IF_ERROR(Check(
            xmlTextWriterWriteAttribute(writer, X("value"), X(value.c_str()))));
      }
      if (a.type == AttributeType::kList) {
        LIVESOP_RETURN_IF_ERROR(
            Check(xmlTextWriterStartElement(writer, X("values"))));
        LIVESOP_RETURN_IF_ERROR(
            WriteNested(a.children, date_values, date_index));
        LIVESOP_RETURN_IF_ERROR(Check(xmlTextWriterEndElement(writer)));
      } else {
        LIVESOP_RETURN_IF_ERROR(
            WriteNested(a.children, date_values, date_index));
      }
      LIVESOP_RETURN_IF_ERROR(Check(xmlTextWriterEndElement(writer)));
    }
    return OkStatus();
  }

  // Writes `<name attributes...>` ... `</name>` around `attributes`.
  Status WriteElementWithAttributes(
      const char* name, const std::vector<Attribute>& attributes,
      const std::vector<std::string>& date_values) {
    LIVESOP_RETURN_IF_ERROR(Check(xmlTextWriterStartElement(writer, X(name))));
    LIVESOP_RETURN_IF_ERROR(WriteAttributes(attributes, date_values));
    return Check(xmlTextWriterEndElement(writer));
  }

  Status WriteGlobals(const char* scope,
                      const std::vector<Attribute>& attributes,
                      const std::vector<std::string>& date_values) {
    if (attributes.empty()) return OkStatus();
    LIVESOP_RETURN_IF_ERROR(
        Check(xmlTextWriterStartElement(writer, X("global"))));
    LIVESOP_RETURN_IF_ERROR(
        Check(xmlTextWriterWriteAttribute(writer, X("scope"), X(scope))));
    LIVESOP_RETURN_IF_ERROR(WriteAttributes(attributes, date_values));
    return Check(xmlTextWriterEndElement(writer));
  }

  Status WriteSimpleElement(
      const char* name,
      const std::vector<std::pair<const char*, std::string>>& attributes) {
    LIVESOP_RETURN_IF_ERROR(Check(xmlTextWriterStartElement(writer, X(name))));
    for (const auto& [attribute, value] : attributes) {
      LIVESOP_RETURN_IF_ERROR(Check(
          xmlTextWriterWriteAttribute(writer, X(attribute), X(value.c_str()))));
    }
    return Check(xmlTextWriterEndElement(writer));
  }

  std::ostream& out;
  xmlTextWriterPtr writer = nullptr;
  Stage stage = Stage::kNew;
  Status failed;
  std::vector<std::string> dates;  // reused by every call
};

XesWriter::XesWriter(std::ostream& out) : impl_(std::make_unique<Impl>(out)) {}

XesWriter::~XesWriter() = default;

Status XesWriter::Begin(const LogHeader& header) {
  internal::QuietLibXml quiet;
  Impl& w = *impl_;
  LIVESOP_RETURN_IF_ERROR(w.Expect(Impl::Stage::kNew, "Begin"));

  std::vector<Extension> extensions = StandardExtensions();
  for (const Extension& e : header.extensions) {
    bool standard = false;
    for (const Extension& s : StandardExtensions()) {
      standard = standard || s.prefix == e.prefix;
    }
    if (!standard) extensions.push_back(e);
  }
  for (const Extension& e : extensions) {
    LIVESOP_RETURN_IF_ERROR(CheckText(e.name, "extension name", e.prefix));
    LIVESOP_RETURN_IF_ERROR(CheckText(e.prefix, "extension prefix", e.prefix));
    LIVESOP_RETURN_IF_ERROR(CheckText(e.uri, "extension uri", e.prefix));
  }
  std::vector<std::string> classifier_keys;
  for (const Classifier& c : header.classifiers) {
    classifier_keys.push_back(JoinClassifierKeys(c.keys));
    LIVESOP_RETURN_IF_ERROR(CheckText(c.name, "classifier name", c.name));
    LIVESOP_RETURN_IF_ERROR(
        CheckText(classifier_keys.back(), "classifier keys", c.name));
  }
  std::vector<std::string> trace_global_dates;
  std::vector<std::string> event_global_dates;
  std::vector<std::string> log_dates;
  LIVESOP_RETURN_IF_ERROR(
      Impl::Validate(header.trace_globals, trace_global_dates));
  LIVESOP_RETURN_IF_ERROR(
      Impl::Validate(header.event_globals, event_global_dates));
  LIVESOP_RETURN_IF_ERROR(Impl::Validate(header.attributes, log_dates));

  w.stage = Impl::Stage::kInLog;
  LIVESOP_RETURN_IF_ERROR(
      w.Check(xmlTextWriterStartDocument(w.writer, nullptr, "UTF-8", nullptr)));
  LIVESOP_RETURN_IF_ERROR(
      w.Check(xmlTextWriterStartElement(w.writer, X("log"))));
  LIVESOP_RETURN_IF_ERROR(w.Check(
      xmlTextWriterWriteAttribute(w.writer, X("xes.version"), X("1849-2016"))));
  LIVESOP_RETURN_IF_ERROR(
      w.Check(xmlTextWriterWriteAttribute(w.writer, X("xes.features"), X(""))));
  LIVESOP_RETURN_IF_ERROR(w.Check(xmlTextWriterWriteAttribute(
      w.writer, X("xmlns"), X("http://www.xes-standard.org/"))));
  for (const Extension& e : extensions) {
    LIVESOP_RETURN_IF_ERROR(w.WriteSimpleElement(
        "extension", {{"name", e.name}, {"prefix", e.prefix}, {"uri", e.uri}}));
  }
  LIVESOP_RETURN_IF_ERROR(
      w.WriteGlobals("trace", header.trace_globals, trace_global_dates));
  LIVESOP_RETURN_IF_ERROR(
      w.WriteGlobals("event", header.event_globals, event_global_dates));
  for (size_t i = 0; i < header.classifiers.size(); ++i) {
    LIVESOP_RETURN_IF_ERROR(w.WriteSimpleElement(
        "classifier",
        {{"name", header.classifiers[i].name}, {"keys", classifier_keys[i]}}));
  }
  return w.WriteAttributes(header.attributes, log_dates);
}

Status XesWriter::BeginTrace(const std::vector<Attribute>& attributes) {
  internal::QuietLibXml quiet;
  Impl& w = *impl_;
  LIVESOP_RETURN_IF_ERROR(w.Expect(Impl::Stage::kInLog, "BeginTrace"));
  LIVESOP_RETURN_IF_ERROR(Impl::Validate(attributes, w.dates));
  w.stage = Impl::Stage::kInTrace;
  LIVESOP_RETURN_IF_ERROR(
      w.Check(xmlTextWriterStartElement(w.writer, X("trace"))));
  return w.WriteAttributes(attributes, w.dates);
}

Status XesWriter::WriteEvent(const Event& event) {
  internal::QuietLibXml quiet;
  Impl& w = *impl_;
  LIVESOP_RETURN_IF_ERROR(w.Expect(Impl::Stage::kInTrace, "WriteEvent"));
  LIVESOP_RETURN_IF_ERROR(Impl::Validate(event, w.dates));
  return w.WriteElementWithAttributes("event", event, w.dates);
}

Status XesWriter::EndTrace() {
  internal::QuietLibXml quiet;
  Impl& w = *impl_;
  LIVESOP_RETURN_IF_ERROR(w.Expect(Impl::Stage::kInTrace, "EndTrace"));
  w.stage = Impl::Stage::kInLog;
  return w.Check(xmlTextWriterEndElement(w.writer));
}

Status XesWriter::WriteTrace(const Trace& trace) {
  LIVESOP_RETURN_IF_ERROR(BeginTrace(trace.attributes));
  for (const Event& event : trace.events) {
    LIVESOP_RETURN_IF_ERROR(WriteEvent(event));
  }
  return EndTrace();
}

Status XesWriter::Finish() {
  internal::QuietLibXml quiet;
  Impl& w = *impl_;
  LIVESOP_RETURN_IF_ERROR(w.Expect(Impl::Stage::kInLog, "Finish"));
  w.stage = Impl::Stage::kFinished;
  LIVESOP_RETURN_IF_ERROR(w.Check(xmlTextWriterEndDocument(w.writer)));
  LIVESOP_RETURN_IF_ERROR(w.Check(xmlTextWriterFlush(w.writer)));
  w.out.flush();
  if (!w.out) return w.Check(-1);
  return OkStatus();
}

}  // namespace livesop::eventlog

#include "eventlog/event.h"

#include <ostream>

namespace livesop::eventlog {

std::string_view AttributeTypeName(AttributeType type) {
  switch (type) {
    case AttributeType::kString:
      return "string";
    case AttributeType::kDate:
      return "date";
    case AttributeType::kInt:
      return "int";
    case AttributeType::kFloat:
      return "float";
    case AttributeType::kBoolean:
      return "boolean";
    case AttributeType::kId:
      return "id";
    case AttributeType::kList:
      return "list";
    case AttributeType::kContainer:
      return "container";
  }
  return "string";
}

const std::vector<Extension>& StandardExtensions() {
  static const std::vector<Extension>* const extensions =
      new std::vector<Extension>{
          {"Concept", "concept", "http://www.xes-standard.org/concept.xesext"},
          {"Time", "time", "http://www.xes-standard.org/time.xesext"},
          {"Lifecycle", "lifecycle",
           "http://www.xes-standard.org/lifecycle.xesext"},
          {"Organizational", "org", "http://www.xes-standard.org/org.xesext"},
      };
  return *extensions;
}

const Attribute* FindAttribute(const std::vector<Attribute>& attributes,
                               std::string_view key) {
  for (const Attribute& attribute : attributes) {
    if (attribute.key == key) return &attribute;
  }
  return nullptr;
}

std::string_view AttributeValue(const std::vector<Attribute>& attributes,
                                std::string_view key,
                                std::string_view fallback) {
  const Attribute* attribute = FindAttribute(attributes, key);
  return attribute != nullptr ? std::string_view(attribute->value) : fallback;
}

namespace {

void PrintQuoted(std::string_view text, std::ostream& out) {
  out << '"';
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out << '\\' << c;
    } else if (c == '\n') {
      out << "\\n";
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out << "\\x"
          << "0123456789abcdef"[(c >> 4) & 0xF] << "0123456789abcdef"[c & 0xF];
    } else {
      out << c;
    }
  }
  out << '"';
}

void PrintAttributes(const std::vector<Attribute>& attributes,
                     std::ostream* out) {
  *out << "{";
  for (size_t i = 0; i < attributes.size(); ++i) {
    *out << (i == 0 ? "" : ", ");
    PrintTo(attributes[i], out);
  }
  *out << "}";
}

}  // namespace

void PrintTo(const Attribute& attribute, std::ostream* out) {
  *out << AttributeTypeName(attribute.type) << " ";
  PrintQuoted(attribute.key, *out);
  *out << "=";
  PrintQuoted(attribute.value, *out);
  if (!attribute.children.empty()) {
    *out << " ";
    PrintAttributes(attribute.children, out);
  }
}

void PrintTo(const Trace& trace, std::ostream* out) {
  *out << "trace ";
  PrintAttributes(trace.attributes, out);
  for (const Event& event : trace.events) {
    *out << " event ";
    PrintAttributes(event, out);
  }
}

}  // namespace livesop::eventlog

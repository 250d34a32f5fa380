#include "eventlog/event.h"

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

}  // namespace livesop::eventlog

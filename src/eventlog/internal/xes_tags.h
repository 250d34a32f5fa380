// The XES elements both XES readers (xes_reader.cc and parallel_xes.cc) act
// on, and the attribute type each attribute element stands for. Each reader
// tells names apart its own way (libxml2's dictionary pointers, or bytes).
#ifndef LIVESOP_EVENTLOG_INTERNAL_XES_TAGS_H_
#define LIVESOP_EVENTLOG_INTERNAL_XES_TAGS_H_

#include <optional>

#include "eventlog/event.h"

namespace livesop::eventlog::internal {

enum class XesTag {
  kOther,
  kLog,
  kTrace,
  kEvent,
  kExtension,
  kGlobal,
  kClassifier,
  kValues,
  kString,
  kDate,
  kInt,
  kFloat,
  kBoolean,
  kId,
  kList,
  kContainer,
};

// The attribute type an element stands for; nullopt for other elements.
inline std::optional<AttributeType> AttributeTypeOf(XesTag tag) {
  switch (tag) {
    case XesTag::kString:
      return AttributeType::kString;
    case XesTag::kDate:
      return AttributeType::kDate;
    case XesTag::kInt:
      return AttributeType::kInt;
    case XesTag::kFloat:
      return AttributeType::kFloat;
    case XesTag::kBoolean:
      return AttributeType::kBoolean;
    case XesTag::kId:
      return AttributeType::kId;
    case XesTag::kList:
      return AttributeType::kList;
    case XesTag::kContainer:
      return AttributeType::kContainer;
    default:
      return std::nullopt;
  }
}

}  // namespace livesop::eventlog::internal

#endif  // LIVESOP_EVENTLOG_INTERNAL_XES_TAGS_H_

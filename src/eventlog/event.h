// The record every event log reader and writer of livesop exchanges: XES
// (IEEE 1849-2016) attributes, traces made of events, and the log header.
// Readers deliver these one trace or one row at a time, so a log of any size
// streams through in the memory of its largest trace; the columnar log for
// mining is built from them.
#ifndef LIVESOP_EVENTLOG_EVENT_H_
#define LIVESOP_EVENTLOG_EVENT_H_

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

namespace livesop::eventlog {

// The standard attribute keys of DESIGN.md, "Event attributes". In XES the
// case id is the trace's `concept:name`; flat formats (CSV, the store) carry
// it on each event as `case:concept:name`.
inline constexpr std::string_view kCaseIdKey = "case:concept:name";
inline constexpr std::string_view kActivityKey = "concept:name";
inline constexpr std::string_view kTimestampKey = "time:timestamp";
inline constexpr std::string_view kLifecycleKey = "lifecycle:transition";
inline constexpr std::string_view kResourceKey = "org:resource";
inline constexpr std::string_view kRoleKey = "org:role";

// The XES attribute types, named after their XML elements (`<string>`,
// `<date>`, ..., `<list>`, `<container>`). The first six are single-valued;
// a kList or kContainer attribute holds other attributes (its `children`).
enum class AttributeType {
  kString,
  kDate,
  kInt,
  kFloat,
  kBoolean,
  kId,
  kList,
  kContainer
};

// The XES element name of `type`: "string", "date", "int", "float",
// "boolean", "id", "list" or "container".
std::string_view AttributeTypeName(AttributeType type);

// One attribute. The value is kept as text so that a log passes through
// unchanged: a kDate value is FormatTimestamp text (core/time.h; readers
// normalise every date to it, writers parse it); kInt, kFloat, kBoolean and
// kId values are the text of the file, not checked, because nothing in
// livesop computes with them and rejecting a log over a sloppy meta
// attribute would help no one. A kList or kContainer has no value of its
// own (empty, unless a file gave one).
//
// `children` are, for a single-valued attribute, its nested
// meta-attributes (IEEE 1849 lets any attribute carry attributes, to any
// depth); for a kList, its elements in order (keys may repeat); for a
// kContainer, the attributes it contains. Code that only wants flat values
// can ignore them.
struct Attribute {
  std::string key;
  AttributeType type = AttributeType::kString;
  std::string value;
  // Defaulted so that `{key, type, value}` initialises an attribute
  // without children, without a missing-initializer warning.
  std::vector<Attribute> children = {};

  friend bool operator==(const Attribute&, const Attribute&) = default;
};

// An event is its attributes, in file order. Keys are normally unique; when
// a file repeats one, the first wins in FindAttribute.
using Event = std::vector<Attribute>;

// A case: its own attributes (`concept:name` is the case id) and its
// events in file order.
struct Trace {
  std::vector<Attribute> attributes;
  std::vector<Event> events;

  friend bool operator==(const Trace&, const Trace&) = default;
};

// An XES extension declaration: attributes whose key starts with
// `prefix` + ":" get their meaning from the definition at `uri`.
struct Extension {
  std::string name;
  std::string prefix;
  std::string uri;

  friend bool operator==(const Extension&, const Extension&) = default;
};

// An XES classifier: events are told apart by the values of `keys`
// together (for example concept:name and lifecycle:transition).
struct Classifier {
  std::string name;
  std::vector<std::string> keys;

  friend bool operator==(const Classifier&, const Classifier&) = default;
};

// Everything an XES log declares before its traces.
struct LogHeader {
  std::vector<Attribute> attributes;  // log-level attributes
  std::vector<Extension> extensions;
  // The attributes every trace, resp. every event, is declared to carry,
  // with default values. They are declarations, never events.
  std::vector<Attribute> trace_globals;
  std::vector<Attribute> event_globals;
  std::vector<Classifier> classifiers;

  friend bool operator==(const LogHeader&, const LogHeader&) = default;
};

// The Concept, Time, Lifecycle and Organizational extensions with their
// IEEE 1849-2016 prefixes and URIs
// (http://www.xes-standard.org/concept.xesext and so on), which cover the
// standard keys above. XesWriter declares them in every log.
const std::vector<Extension>& StandardExtensions();

// The first attribute with `key`, or nullptr when there is none. The
// pointer is valid as long as `attributes` is not changed.
const Attribute* FindAttribute(const std::vector<Attribute>& attributes,
                               std::string_view key);

// The value of the first attribute with `key`, or `fallback` when there is
// none. The view points into `attributes` (or is `fallback`).
std::string_view AttributeValue(const std::vector<Attribute>& attributes,
                                std::string_view key,
                                std::string_view fallback = {});

// Write `attribute` (with its children) or `trace` as one line of text, for
// test failures and debugging. GoogleTest finds them by name, so that a
// failed comparison of records shows their content.
void PrintTo(const Attribute& attribute, std::ostream* out);
void PrintTo(const Trace& trace, std::ostream* out);

}  // namespace livesop::eventlog

#endif  // LIVESOP_EVENTLOG_EVENT_H_

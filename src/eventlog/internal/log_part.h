// A run of traces built into columns apart from the log, so that the XES
// fast path (parallel_xes.h) can build each chunk of a file on the thread
// that parsed it. LogBuilder::AddPart then merges the parts in file order,
// giving the log AddTrace would have built trace by trace: the same cases,
// columns and complex values, and the same strings with the same ids.
//
// Strings are interned per part, in the order first seen, and held as views
// into the chunk's text (or into the part, for the few texts the chunk does
// not hold as they are), so a part copies no string; the merge interns each
// distinct string of the part once into the log's pool.
#ifndef LIVESOP_EVENTLOG_INTERNAL_LOG_PART_H_
#define LIVESOP_EVENTLOG_INTERNAL_LOG_PART_H_

#include <cstdint>
#include <deque>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eventlog/event.h"
#include "eventlog/internal/text_ids.h"
#include "eventlog/log.h"

namespace livesop::eventlog::internal {

// The columns of a run of traces, as LogBuilder::AddTrace would add them to
// an empty log, except that strings are ids into `strings` and activities
// ids into `activities`, both the part's own.
struct LogPart {
  TextIds strings;
  TextIds activities;
  std::vector<uint32_t> case_ids;
  // The number of events before the end of each case.
  std::vector<uint32_t> case_ends;
  std::vector<uint32_t> activity;
  std::vector<int64_t> timestamp;
  std::vector<uint32_t> resource;
  std::vector<uint32_t> lifecycle;
  // As EventLog's; a column may have fewer rows than the part (the rest
  // are missing values). Rows of list and container columns index
  // `complex`.
  std::vector<AttributeColumn> event_columns;
  std::vector<AttributeColumn> case_columns;
  std::vector<Attribute> complex;
  // False when the traces hold something a merge cannot give exactly as
  // AddTrace would (a case without concept:name, numbered by its place in
  // the whole log; an attribute whose rows disagree on type, kept as text
  // from the first disagreement on): the caller then adds the traces
  // with AddTrace. The other members are then incomplete.
  bool mergeable = true;
  // Texts the views above point to that the chunk does not hold as they
  // are (decoded references, dates as text, joined classifier keys).
  std::deque<std::string> kept;
};

// One attribute of a trace or an event as LogPartBuilder takes it: a view
// of what an Attribute would hold, its date parsed.
struct AttributeView {
  std::string_view key;
  AttributeType type = AttributeType::kString;
  // The value as the Attribute would hold it, followed by a NUL (for
  // strtoll and strtod); empty for a kDate, whose value is `time`.
  std::string_view text;
  // kDate: the instant, as ParseTimestamp gives it.
  int64_t time = 0;
  // kList and kContainer: the whole attribute, children included.
  const Attribute* whole = nullptr;
};

// Builds a LogPart trace by trace. Mirrors LogBuilder::AddTrace (log.cc);
// the two change together. Not thread-safe; one per thread.
class LogPartBuilder {
 public:
  explicit LogPartBuilder(ClassifierSpec classifier);

  // Empties `part` (keeping its memory) and builds into it until the next
  // Start. `part` must outlive the building.
  void Start(LogPart& part);

  // Adds a case with its attributes; its events follow, then EndTrace.
  // Keys and texts must stay valid until the part is merged; `whole` need
  // only last the call.
  void BeginTrace(std::span<const AttributeView> attributes);
  void AddEvent(std::span<const AttributeView> attributes);
  void EndTrace();

  // Copies `text` into the part, for views that must outlive the chunk's
  // buffers; the copy is NUL-terminated.
  std::string_view Keep(std::string_view text);

 private:
  // The text an Attribute would hold as value: dates as FormatTimestamp
  // text.
  std::string_view TextOf(const AttributeView& attribute);
  // The time LogBuilder reads from a date's text.
  static int64_t TimeOf(const AttributeView& attribute);
  uint32_t ActivityOf(std::span<const AttributeView> event);
  void SetColumn(std::vector<AttributeColumn>& columns,
                 std::unordered_map<std::string_view, uint32_t>& index,
                 std::vector<uint32_t>& hints, size_t position,
                 const AttributeView& attribute, size_t row);

  ClassifierSpec classifier_;
  LogPart* part_ = nullptr;
  // Columns by key (views into the chunk), and the column the attribute at
  // each position had last time: events of a log mostly list the same keys
  // in the same order.
  std::unordered_map<std::string_view, uint32_t> event_column_index_;
  std::unordered_map<std::string_view, uint32_t> case_column_index_;
  std::vector<uint32_t> event_hints_;
  std::vector<uint32_t> case_hints_;
  std::string scratch_;  // a date's text
  std::string joined_;   // the values of several classifier keys
};

}  // namespace livesop::eventlog::internal

#endif  // LIVESOP_EVENTLOG_INTERNAL_LOG_PART_H_

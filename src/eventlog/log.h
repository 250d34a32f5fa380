// The columnar in-memory event log that mining works on.
//
// Events are stored case by case in columns: one activity id, one timestamp,
// one resource id and one lifecycle id per event, plus typed columns for
// every other attribute. A case is a range of event indices (offsets), so a
// million-event log is a handful of flat arrays, not a million objects.
// Strings are interned: each distinct activity, resource or attribute text
// is held once and events refer to it by a 32-bit id.
//
// Views (LogView) select cases without copying; Variants groups cases by
// their activity sequence.
//
// Thread safety: a built EventLog is immutable and may be read from any
// number of threads at once.
#ifndef LIVESOP_EVENTLOG_LOG_H_
#define LIVESOP_EVENTLOG_LOG_H_

#include <cstdint>
#include <iosfwd>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "eventlog/csv.h"
#include "eventlog/event.h"
#include "eventlog/internal/text_ids.h"

namespace livesop::eventlog {

namespace internal {
struct LogPart;
}  // namespace internal

// A missing timestamp, or a missing value in an integer column.
inline constexpr int64_t kNoTime = std::numeric_limits<int64_t>::min();
// A missing value in a string column (and no resource / no lifecycle).
inline constexpr uint32_t kNoString = std::numeric_limits<uint32_t>::max();

// Distinct strings, each held once, numbered from 0 in the order first seen.
class StringPool {
 public:
  StringPool() = default;
  StringPool(const StringPool&) = delete;
  StringPool& operator=(const StringPool&) = delete;
  StringPool(StringPool&& other) noexcept;
  StringPool& operator=(StringPool&& other) noexcept;

  // The id of `text`, adding it when new.
  uint32_t Intern(std::string_view text);
  // The id of `text`, or kNoString when it was never interned.
  uint32_t Find(std::string_view text) const;
  // The text of `id`; `id` must be below size(). Views stay valid for the
  // pool's lifetime (the texts never move).
  std::string_view operator[](uint32_t id) const { return ids_.texts()[id]; }
  size_t size() const { return ids_.size(); }
  // Bytes held by the texts and the index, for memory reports.
  size_t MemoryBytes() const;

 private:
  // LogBuilder::AddPart interns with the hashes a part computed already.
  friend class LogBuilder;
  uint32_t Intern(std::string_view text, uint32_t hash);

  // A copy of `text` in the blocks.
  std::string_view Store(std::string_view text);

  internal::TextIds ids_;  // views into blocks_
  // The texts, one after the other, in blocks that never move.
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;  // the free end of the block being filled
  size_t free_ = 0;       // bytes free there
  size_t block_bytes_ = 0;
};

// One attribute other than the standard columns, per event or per case.
// The column has one row per event (event columns) or per case (case
// columns). Which vector holds the values depends on `type`:
//   kString, kId       -> strings (pool ids; kNoString when absent)
//   kDate              -> ints (microseconds since the epoch; kNoTime)
//   kInt, kBoolean     -> ints (0/1 for booleans; kNoTime when absent)
//   kFloat             -> floats (NaN when absent)
//   kList, kContainer  -> complex (index into EventLog::complex_values(),
//                         kNoString when absent)
// An attribute whose rows disagree on type is kept as kString with each
// value's text.
struct AttributeColumn {
  std::string key;
  AttributeType type = AttributeType::kString;
  std::vector<uint32_t> strings;
  std::vector<int64_t> ints;
  std::vector<double> floats;
  std::vector<uint32_t> complex;

  // Whether row `row` has a value.
  bool Has(size_t row) const;
  // The value of row `row` as XES text (FormatTimestamp for dates), or ""
  // when absent. `log` resolves string ids.
  std::string Text(size_t row, const class EventLog& log) const;
};

// How events are told apart as activities.
struct ClassifierSpec {
  // The attribute keys whose values, joined by "+", name an event's
  // activity. Default: concept:name alone, as PM4Py and ProM do.
  std::vector<std::string> keys = {std::string(kActivityKey)};
};

class EventLog {
 public:
  EventLog() = default;
  EventLog(EventLog&&) = default;
  EventLog& operator=(EventLog&&) = default;

  size_t num_cases() const { return case_ids_.size(); }
  size_t num_events() const { return activity_.size(); }

  // Case c holds the events [case_begin(c), case_end(c)).
  size_t case_begin(size_t c) const { return offsets_[c]; }
  size_t case_end(size_t c) const { return offsets_[c + 1]; }
  size_t case_size(size_t c) const { return offsets_[c + 1] - offsets_[c]; }
  // The activity ids of case c's events, in order.
  std::span<const uint32_t> trace(size_t c) const {
    return {activity_.data() + offsets_[c], case_size(c)};
  }
  std::string_view case_id(size_t c) const { return strings_[case_ids_[c]]; }

  // Per event: the activity (an index into activities()), the timestamp
  // (kNoTime when the event has none), the resource and the lifecycle
  // transition (pool ids into strings(), kNoString when absent).
  std::span<const uint32_t> activity() const { return activity_; }
  std::span<const int64_t> timestamp() const { return timestamp_; }
  std::span<const uint32_t> resource() const { return resource_; }
  std::span<const uint32_t> lifecycle() const { return lifecycle_; }

  // Activity names, indexed by activity id, numbered in order first seen.
  const std::vector<std::string>& activities() const { return activities_; }
  // The id of `name`, or kNoString when no event has it.
  uint32_t FindActivity(std::string_view name) const;

  const StringPool& strings() const { return strings_; }
  // Other event attributes (one row per event) and case attributes (one row
  // per case, concept:name excepted: that is case_id).
  const std::vector<AttributeColumn>& event_columns() const {
    return event_columns_;
  }
  const std::vector<AttributeColumn>& case_columns() const {
    return case_columns_;
  }
  // The column with `key`, or nullptr.
  const AttributeColumn* FindEventColumn(std::string_view key) const;
  const AttributeColumn* FindCaseColumn(std::string_view key) const;
  // List and container values, whole.
  const std::vector<Attribute>& complex_values() const { return complex_; }

  // The XES header the log was read with (extensions, globals,
  // classifiers, log attributes); empty for CSV.
  const LogHeader& header() const { return header_; }
  const ClassifierSpec& classifier() const { return classifier_; }

  // Approximate bytes held, for memory reports.
  size_t MemoryBytes() const;

 private:
  friend class LogBuilder;

  StringPool strings_;
  std::vector<uint32_t> case_ids_;
  std::vector<uint32_t> offsets_ = {0};
  std::vector<uint32_t> activity_;
  std::vector<int64_t> timestamp_;
  std::vector<uint32_t> resource_;
  std::vector<uint32_t> lifecycle_;
  std::vector<std::string> activities_;
  std::unordered_map<std::string, uint32_t> activity_ids_;
  std::vector<AttributeColumn> event_columns_;
  std::vector<AttributeColumn> case_columns_;
  std::vector<Attribute> complex_;
  LogHeader header_;
  ClassifierSpec classifier_;
};

// Builds an EventLog case by case. Events of a case are kept in the order
// they are added (file order), as PM4Py does for conformance; SortByTime
// orders each case by timestamp (stable) where a caller wants that.
class LogBuilder {
 public:
  explicit LogBuilder(ClassifierSpec classifier = {});

  void SetHeader(const LogHeader& header);
  // Adds a case with its attributes (concept:name is the case id; a case
  // without one is numbered "case <n>") and events.
  void AddTrace(const Trace& trace);
  // Adds the traces of `part` (internal/log_part.h), built apart from
  // this builder, exactly as AddTrace would have added them one by one,
  // string ids included; moves the part's complex values out. Returns
  // false, having added nothing, when that cannot be done exactly (the part
  // says it is not mergeable, or a column has another type here than in the
  // part): the caller then adds the same traces with AddTrace.
  bool AddPart(internal::LogPart& part);
  // Adds one event of case `case_id` (flat formats such as CSV, one row
  // an event). Rows of a case need not be consecutive; cases are ordered by
  // their first row.
  void AddRow(std::string_view case_id, const Event& event);

  // Orders the events of every case by timestamp, keeping file order among
  // equal times and placing events without a time where they stood
  // relative to their neighbours' order.
  void SortByTime() { sort_by_time_ = true; }

  // The log; the builder is left empty.
  EventLog Finish();

  // The classifier that names activities.
  const ClassifierSpec& classifier() const { return log_.classifier_; }

 private:
  uint32_t ActivityOf(const Event& event);
  void AddEvent(const Event& event);
  void SetColumn(std::vector<AttributeColumn>& columns,
                 std::unordered_map<std::string, size_t>& index,
                 size_t rows_before, const Attribute& attribute, size_t row);
  void PadColumns(std::vector<AttributeColumn>& columns, size_t rows);
  void MergeColumns(std::vector<AttributeColumn>& columns,
                    std::unordered_map<std::string, size_t>& index,
                    size_t rows_before,
                    const std::vector<AttributeColumn>& from,
                    size_t complex_before);

  EventLog log_;
  bool sort_by_time_ = false;
  std::unordered_map<std::string, size_t> event_column_index_;
  std::unordered_map<std::string, size_t> case_column_index_;
  // Flat rows (AddRow) grouped by case before Finish.
  std::unordered_map<std::string, size_t> row_case_;
  std::vector<std::vector<Event>> row_events_;
  std::vector<std::string> row_case_ids_;
  std::string scratch_;
  // AddPart: the log's id of each of the part's strings and activities.
  std::vector<uint32_t> string_ids_;
  std::vector<uint32_t> activity_ids_;
};

struct ReadLogOptions {
  ClassifierSpec classifier;
  // CSV only: separator and column mapping (csv.h).
  CsvOptions csv;
  // Order each case's events by timestamp (default: file order, as PM4Py
  // replays them).
  bool sort_by_time = false;
  // XES only: threads that parse the file, the calling one included; 0
  // (the default) means one per core. Chunks of traces are parsed in
  // parallel when the file allows it and read by the streaming reader
  // otherwise (docs/formats/xes.md); the log is the same either way.
  int threads = 0;
};

// Reads an XES (plain or gzip) or CSV file into a columnar log. The format
// is told by the name: `.csv` / `.csv.gz` is CSV, anything else XES.
// Errors are the readers' (xes.h, csv.h): file:line and what is wrong.
// Memory: the log and a few chunks of the file, never the whole file.
Result<EventLog> ReadLog(const std::string& path,
                         const ReadLogOptions& options = {});

// Writes `log` as XES (IEEE 1849) to `out`: the header it was read with,
// every case with its attributes, every event with its attributes.
Status WriteXesLog(const EventLog& log, std::ostream& out);

// A selection of a log's cases, by index, in order. It copies no events.
class LogView {
 public:
  // Every case of `log`.
  explicit LogView(const EventLog& log);
  LogView(const EventLog& log, std::vector<uint32_t> cases);

  const EventLog& log() const { return *log_; }
  size_t num_cases() const { return cases_.size(); }
  uint32_t case_at(size_t i) const { return cases_[i]; }
  const std::vector<uint32_t>& cases() const { return cases_; }
  size_t num_events() const;

  // The cases for which `keep(log, case)` is true.
  template <typename Predicate>
  LogView Filter(Predicate keep) const {
    std::vector<uint32_t> kept;
    for (uint32_t c : cases_) {
      if (keep(*log_, c)) kept.push_back(c);
    }
    return LogView(*log_, std::move(kept));
  }

 private:
  const EventLog* log_;
  std::vector<uint32_t> cases_;
};

// Cases grouped by their activity sequence.
struct Variant {
  std::vector<uint32_t> activities;  // the sequence
  std::vector<uint32_t> cases;       // the cases that follow it, in order
};

// The variants of `view`, most frequent first (ties: the variant whose
// first case comes first).
std::vector<Variant> Variants(const LogView& view);

}  // namespace livesop::eventlog

#endif  // LIVESOP_EVENTLOG_LOG_H_

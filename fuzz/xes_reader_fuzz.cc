// libFuzzer target for the XES reader and writer: any bytes must read
// without crashing, hanging or tripping a sanitizer, and whatever reads must
// write back and read again to the same records. An error status is the
// expected outcome for nearly every input. The parallel fast path of
// ReadLog reads the same bytes, in small chunks on two threads: when it
// says it read the log, the streaming reader must have read the same
// records without error, and the columnar log it built from parts must be
// the one the log builder makes from those records trace by trace.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/time.h"
#include "eventlog/internal/input_file.h"
#include "eventlog/internal/parallel_xes.h"
#include "eventlog/internal/readers.h"
#include "eventlog/log.h"
#include "eventlog/xes.h"

namespace {

using livesop::OkStatus;
using livesop::Status;
using livesop::eventlog::Attribute;
using livesop::eventlog::AttributeColumn;
using livesop::eventlog::AttributeType;
using livesop::eventlog::EventLog;
using livesop::eventlog::LogBuilder;
using livesop::eventlog::LogHeader;
using livesop::eventlog::Trace;
using livesop::eventlog::XesVisitor;

// Stops the run with a crash libFuzzer reports, when an invariant breaks.
void Check(bool condition) {
  if (!condition) __builtin_trap();
}

// Every date the reader delivers is in the normal form.
void CheckDates(const std::vector<Attribute>& attributes) {
  for (const Attribute& a : attributes) {
    if (a.type == AttributeType::kDate) {
      livesop::Result<int64_t> time = livesop::ParseTimestamp(a.value);
      Check(time.ok() && livesop::FormatTimestamp(*time) == a.value);
    }
    CheckDates(a.children);
  }
}

class Keeper : public XesVisitor {
 public:
  Status OnLog(const LogHeader& header) override {
    ++log_calls;
    kept_header = header;
    CheckDates(header.attributes);
    CheckDates(header.trace_globals);
    CheckDates(header.event_globals);
    return OkStatus();
  }
  Status OnTrace(const Trace& trace) override {
    Check(log_calls == 1);
    CheckDates(trace.attributes);
    for (const auto& event : trace.events) CheckDates(event);
    traces.push_back(trace);
    return OkStatus();
  }

  int log_calls = 0;
  LogHeader kept_header;
  std::vector<Trace> traces;
};

Status Read(std::string_view data, Keeper& keeper) {
  livesop::eventlog::internal::MemoryInput input(data, "fuzz.xes");
  return livesop::eventlog::internal::ReadXesFrom(input, keeper);
}

// Whether the fast path read `data` whole; `keeper` holds what it read.
bool ReadFast(std::string_view data, Keeper& keeper) {
  livesop::eventlog::internal::MemoryInput input(data, "fuzz.xes");
  livesop::Result<bool> read = livesop::eventlog::internal::ReadXesParallel(
      input, keeper, {.threads = 2, .chunk_bytes = 64});
  Check(read.ok());  // Keeper never fails
  return *read;
}

// Whether the fast path built a log from `data`, into `log`.
bool BuildFast(std::string_view data, EventLog& log) {
  livesop::eventlog::internal::MemoryInput input(data, "fuzz.xes");
  LogBuilder builder;
  if (!livesop::eventlog::internal::ReadLogParallel(
          input, builder, {.threads = 2, .chunk_bytes = 64})) {
    return false;
  }
  log = builder.Finish();
  return true;
}

bool SameColumns(const std::vector<AttributeColumn>& a,
                 const std::vector<AttributeColumn>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const auto same_float = [](double x, double y) {
      return x == y || (std::isnan(x) && std::isnan(y));
    };
    if (a[i].key != b[i].key || a[i].type != b[i].type ||
        a[i].strings != b[i].strings || a[i].ints != b[i].ints ||
        a[i].complex != b[i].complex ||
        !std::equal(a[i].floats.begin(), a[i].floats.end(), b[i].floats.begin(),
                    b[i].floats.end(), same_float)) {
      return false;
    }
  }
  return true;
}

// Every part of two logs, string ids and their order included.
bool SameLog(const EventLog& a, const EventLog& b) {
  const auto same = [](auto x, auto y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end());
  };
  if (a.num_cases() != b.num_cases() ||
      a.strings().size() != b.strings().size()) {
    return false;
  }
  for (uint32_t i = 0; i < a.strings().size(); ++i) {
    if (a.strings()[i] != b.strings()[i]) return false;
  }
  for (size_t c = 0; c < a.num_cases(); ++c) {
    if (a.case_id(c) != b.case_id(c) || a.case_end(c) != b.case_end(c)) {
      return false;
    }
  }
  return a.activities() == b.activities() && same(a.activity(), b.activity()) &&
         same(a.timestamp(), b.timestamp()) &&
         same(a.resource(), b.resource()) &&
         same(a.lifecycle(), b.lifecycle()) &&
         SameColumns(a.event_columns(), b.event_columns()) &&
         SameColumns(a.case_columns(), b.case_columns()) &&
         a.complex_values() == b.complex_values() && a.header() == b.header();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Keeper first;
  const Status status = Read(bytes, first);
  Keeper fast;
  if (ReadFast(bytes, fast)) {
    Check(status.ok());
    Check(fast.log_calls == 1);
    Check(fast.traces == first.traces);
    Check(fast.kept_header == first.kept_header);
  }
  EventLog built;
  if (BuildFast(bytes, built)) {
    Check(status.ok());
    LogBuilder builder;
    builder.SetHeader(first.kept_header);
    for (const Trace& trace : first.traces) builder.AddTrace(trace);
    Check(SameLog(built, builder.Finish()));
  }
  if (!status.ok()) return 0;
  Check(first.log_calls == 1);

  // What was read writes back, and reads again to the same records.
  std::ostringstream out;
  livesop::eventlog::XesWriter writer(out);
  Check(writer.Begin(first.kept_header).ok());
  for (const Trace& trace : first.traces) Check(writer.WriteTrace(trace).ok());
  Check(writer.Finish().ok());
  const std::string xml = out.str();
  Keeper second;
  Check(Read(xml, second).ok());
  Check(second.traces == first.traces);
  Check(second.kept_header.attributes == first.kept_header.attributes);
  Check(second.kept_header.trace_globals == first.kept_header.trace_globals);
  Check(second.kept_header.event_globals == first.kept_header.event_globals);
  return 0;
}

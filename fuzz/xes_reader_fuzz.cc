// libFuzzer target for the XES reader and writer: any bytes must read
// without crashing, hanging or tripping a sanitizer, and whatever reads must
// write back and read again to the same records. An error status is the
// expected outcome for nearly every input. The parallel fast path of
// ReadLog reads the same bytes, in small chunks on two threads: when it
// says it read the log, the streaming reader must have read the same
// records without error.
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
#include "eventlog/xes.h"

namespace {

using livesop::OkStatus;
using livesop::Status;
using livesop::eventlog::Attribute;
using livesop::eventlog::AttributeType;
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

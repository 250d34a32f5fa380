// libFuzzer target for the CSV reader, timestamp-format detection included:
// any bytes must read without crashing, hanging or tripping a sanitizer, and
// every row delivered must keep the reader's promises. The first byte picks
// the options; the rest is the file.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/time.h"
#include "eventlog/csv.h"
#include "eventlog/internal/input_file.h"
#include "eventlog/internal/readers.h"

namespace {

using livesop::OkStatus;
using livesop::Status;
using livesop::eventlog::AttributeType;
using livesop::eventlog::CsvHeader;
using livesop::eventlog::Event;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

class Checker : public livesop::eventlog::CsvVisitor {
 public:
  Status OnHeader(const CsvHeader& header) override {
    Check(!header_seen_);
    Check(header.columns.size() == header.keys.size());
    header_seen_ = true;
    return OkStatus();
  }
  Status OnRow(int64_t line, const Event& event) override {
    Check(header_seen_);
    // Lines are counted by LF, so rows ended by a lone CR share one.
    Check(line >= last_line_ && line >= 1);
    last_line_ = line;
    // The case id and the activity come first and are never empty.
    Check(event.size() >= 2);
    Check(event[0].key == livesop::eventlog::kCaseIdKey &&
          !event[0].value.empty());
    Check(event[1].key == livesop::eventlog::kActivityKey &&
          !event[1].value.empty());
    for (const auto& attribute : event) {
      if (attribute.type != AttributeType::kDate) continue;
      livesop::Result<int64_t> time = livesop::ParseTimestamp(attribute.value);
      Check(time.ok() && livesop::FormatTimestamp(*time) == attribute.value);
    }
    return OkStatus();
  }

 private:
  bool header_seen_ = false;
  int64_t last_line_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t choice = data[0];
  livesop::eventlog::CsvOptions options;
  options.require_timestamp = (choice & 1) == 0;
  static constexpr char kDelimiters[] = {'\0', ',', ';', '\t'};
  options.delimiter = kDelimiters[(choice >> 1) & 3];
  static constexpr const char* kFormats[] = {"",
                                             "",
                                             "",
                                             "%FT%T%Ez",
                                             "%d/%m/%Y %H:%M",
                                             "unix milliseconds",
                                             "%c",
                                             "%Y%m%d%H%M%S%z"};
  options.timestamp_format = kFormats[(choice >> 3) & 7];
  livesop::eventlog::internal::MemoryInput input(
      std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1),
      "fuzz.csv");
  Checker checker;
  const Status status =
      livesop::eventlog::internal::ReadCsvFrom(input, options, checker);
  static_cast<void>(status);
  return 0;
}

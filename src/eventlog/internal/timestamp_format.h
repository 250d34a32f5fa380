// The timestamp formats of CSV logs: detecting one from sample cells and
// reading cells with it. The ISO 8601 family is read by ParseTimestamp
// (core/time.h), Unix times as integers, and every other format by Howard
// Hinnant's date::parse.
#ifndef LIVESOP_EVENTLOG_INTERNAL_TIMESTAMP_FORMAT_H_
#define LIVESOP_EVENTLOG_INTERNAL_TIMESTAMP_FORMAT_H_

#include <cstdint>
#include <istream>
#include <memory>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace livesop::eventlog::internal {

// The names of the formats that are not date::parse strings.
inline constexpr std::string_view kIsoFormat = "ISO 8601";
inline constexpr std::string_view kUnixSecondsFormat = "unix seconds";
inline constexpr std::string_view kUnixMillisFormat = "unix milliseconds";

// One way of reading timestamp text. Not thread-safe: it keeps a stream for
// date::parse.
class TimestampFormat {
 public:
  // `format` is kIsoFormat, kUnixSecondsFormat, kUnixMillisFormat or a
  // date::parse format string such as "%d/%m/%Y %H:%M". `detected` formats
  // also require a year of four digits (1000-9999), so that "01/02/24" is
  // not read as the year 24.
  explicit TimestampFormat(std::string format, bool detected = false);
  ~TimestampFormat();
  TimestampFormat(const TimestampFormat&) = delete;
  TimestampFormat& operator=(const TimestampFormat&) = delete;

  const std::string& name() const { return format_; }

  // Reads `text` (white space around it ignored) into microseconds since
  // the epoch, UTC unless the format has a zone. Returns false when the
  // text does not match the format whole, or the time is outside the years
  // 0000-9999.
  bool Parse(std::string_view text, int64_t& micros);

 private:
  enum class Kind { kIso, kUnixSeconds, kUnixMillis, kDateParse };

  // A read-only stream buffer over a string_view, so that date::parse reads
  // each cell without the cost of a new stream.
  class ViewBuffer : public std::streambuf {
   public:
    void Reset(std::string_view text);
    // How many characters have been read since Reset.
    size_t consumed() const { return static_cast<size_t>(gptr() - eback()); }
  };

  // Runs date::parse with `format` on `text`; false when it fails or leaves
  // text unread.
  bool RunDateParse(const std::string& format, std::string_view text,
                    int64_t& micros);

  std::string format_;        // as given, for name()
  std::string parse_format_;  // with %T, %r, %X and %c spelled out
  // Fields date::parse (date.h 3.0, from_stream) reads with undefined
  // behaviour when they fail to read: %S converts an uninitialised long
  // double; %z negates its "no value" minimum after a '-' without digits.
  // Such a field is only parsed after a dry run of the format before it
  // has shown that what follows will read.
  struct Checkpoint {
    std::string before;  // parse_format_ up to the field
    char field;          // 'S' or 'z'
    int zone_digits;     // for 'z': digits needed after a '-'
  };
  std::vector<Checkpoint> checkpoints_;
  Kind kind_;
  bool detected_;
  ViewBuffer buffer_;
  std::istream stream_;
};

// The outcome of DetectTimestampFormat.
struct TimestampDetection {
  // The format every sample cell matches; empty when none does.
  std::string format;
  // True when the cells read as well day-first as month-first (no day or
  // month above 12) and day-first was taken.
  bool ambiguous = false;
  // When no format matches: the cell that ended the candidate matching the
  // most cells before it, and that candidate.
  size_t failed_cell = 0;
  std::string closest_format;
};

// Finds the format all of `cells` (non-empty timestamp texts, in file
// order) are written in, trying in turn: Unix times (all digits: seconds,
// or milliseconds when one has 12 digits or more); ISO 8601 (ParseTimestamp);
// then YYYY/MM/DD, DD-MM-YYYY, MM-DD-YYYY, DD/MM/YYYY, MM/DD/YYYY,
// DD.MM.YYYY and MM.DD.YYYY, each alone or followed by HH:MM or HH:MM:SS
// (with a fraction). A day-first and a month-first format that both match
// are ambiguous; day-first wins.
TimestampDetection DetectTimestampFormat(
    const std::vector<std::string_view>& cells);

// The formats DetectTimestampFormat tries, for messages.
std::string DetectableFormats();

}  // namespace livesop::eventlog::internal

#endif  // LIVESOP_EVENTLOG_INTERNAL_TIMESTAMP_FORMAT_H_

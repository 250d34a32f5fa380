// date.h's from_stream converts the long double it reads seconds into even
// when the read failed, and so before it was ever set (TimestampFormat's
// checkpoints keep that from happening at run time). GCC sees it once
// from_stream is inlined at -O2 and above, in a system header's code that
// the usual suppression misses; the pragma comes before every include so
// that it covers <chrono> too.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include "eventlog/internal/timestamp_format.h"

#include <date/date.h>

#include <array>
#include <charconv>
#include <chrono>
#include <utility>

#include "core/text.h"
#include "core/time.h"

namespace livesop::eventlog::internal {
namespace {

using Micros = std::chrono::microseconds;

// 9999-12-31T23:59:59.999999Z, the last instant FormatTimestamp writes with
// a four-digit year.
constexpr int64_t kMaxSeconds = 253'402'300'799;

bool AllDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// The date parts tried, each day-first one followed by its month-first
// twin (the pairs DetectTimestampFormat calls ambiguous).
struct DatePart {
  const char* format;
  const char* twin;  // the month-first reading of a day-first part, or null
};
constexpr std::array<DatePart, 7> kDateParts = {{
    {"%Y/%m/%d", nullptr},
    {"%d-%m-%Y", "%m-%d-%Y"},
    {"%m-%d-%Y", nullptr},
    {"%d/%m/%Y", "%m/%d/%Y"},
    {"%m/%d/%Y", nullptr},
    {"%d.%m.%Y", "%m.%d.%Y"},
    {"%m.%d.%Y", nullptr},
}};
constexpr std::array<const char*, 3> kTimeParts = {"", " %H:%M", " %H:%M:%S"};

}  // namespace

void TimestampFormat::ViewBuffer::Reset(std::string_view text) {
  // std::streambuf never writes through the get area; the cast only
  // satisfies its interface.
  char* begin = const_cast<char*>(text.data());
  setg(begin, begin, begin + text.size());
}

TimestampFormat::TimestampFormat(std::string format, bool detected)
    : format_(std::move(format)), detected_(detected), stream_(&buffer_) {
  if (format_ == kIsoFormat) {
    kind_ = Kind::kIso;
  } else if (format_ == kUnixSecondsFormat) {
    kind_ = Kind::kUnixSeconds;
  } else if (format_ == kUnixMillisFormat) {
    kind_ = Kind::kUnixMillis;
  } else {
    kind_ = Kind::kDateParse;
  }
  if (kind_ != Kind::kDateParse) return;
  // Spells out the conversions that read seconds, so that every seconds
  // field is a %S (the C locale's forms, as date::parse uses with
  // ONLY_C_LOCALE), and notes where each %S starts.
  for (size_t i = 0; i < format_.size(); ++i) {
    if (format_[i] != '%' || i + 1 == format_.size()) {
      parse_format_ += format_[i];
      continue;
    }
    size_t end = i + 1;  // past the modifiers: a width, or E or O
    while (end < format_.size() && format_[end] >= '0' && format_[end] <= '9') {
      ++end;
    }
    if (end < format_.size() && (format_[end] == 'E' || format_[end] == 'O')) {
      ++end;
    }
    if (end == format_.size()) {
      parse_format_.append(format_, i, std::string::npos);
      break;
    }
    const char conversion = format_[end];
    const std::string_view modifiers(format_.data() + i + 1, end - i - 1);
    const bool plain =
        modifiers.empty() || modifiers == "E" || modifiers == "O";
    if (plain && (conversion == 'T' || conversion == 'X')) {
      parse_format_ += "%H:%M:";
    } else if (plain && conversion == 'r') {
      parse_format_ += "%I:%M:";
    } else if (plain && conversion == 'c') {
      parse_format_ += "%a %b %e %H:%M:";
    }
    if (conversion == 'z') {
      checkpoints_.push_back({parse_format_, 'z', modifiers.empty() ? 2 : 1});
    }
    if (conversion == 'S' ||
        (plain && (conversion == 'T' || conversion == 'X' ||
                   conversion == 'r' || conversion == 'c'))) {
      checkpoints_.push_back({parse_format_, 'S', 0});
      parse_format_ += conversion == 'S' && !plain
                           ? format_.substr(i, end + 1 - i)
                           : std::string("%S");
      if (plain && conversion == 'r') parse_format_ += " %p";
      if (plain && conversion == 'c') parse_format_ += " %Y";
    } else {
      parse_format_.append(format_, i, end + 1 - i);
    }
    i = end;
  }
}

TimestampFormat::~TimestampFormat() = default;

bool TimestampFormat::Parse(std::string_view text, int64_t& micros) {
  text = Trim(text);
  switch (kind_) {
    case Kind::kIso: {
      Result<int64_t> parsed = ParseTimestamp(text);
      if (!parsed.ok()) return false;
      micros = *parsed;
      return true;
    }
    case Kind::kUnixSeconds:
    case Kind::kUnixMillis: {
      if (!AllDigits(text)) return false;
      int64_t value = 0;
      const auto [end, error] =
          std::from_chars(text.data(), text.data() + text.size(), value);
      if (error != std::errc() || end != text.data() + text.size()) {
        return false;
      }
      const int64_t per_unit = kind_ == Kind::kUnixSeconds ? 1'000'000 : 1'000;
      if (value / (1'000'000 / per_unit) > kMaxSeconds) return false;
      micros = value * per_unit;
      return true;
    }
    case Kind::kDateParse:
      break;
  }
  for (const Checkpoint& checkpoint : checkpoints_) {
    int64_t ignored = 0;
    RunDateParse(checkpoint.before, text, ignored);
    const std::string_view rest = text.substr(buffer_.consumed());
    const auto digit = [&](size_t i) {
      return i < rest.size() && rest[i] >= '0' && rest[i] <= '9';
    };
    if (checkpoint.field == 'S' && !digit(0) &&
        !(!rest.empty() && rest[0] == '.')) {
      return false;  // the seconds would not read
    }
    if (checkpoint.field == 'z' && !rest.empty() && rest[0] == '-') {
      for (int i = 1; i <= checkpoint.zone_digits; ++i) {
        if (!digit(static_cast<size_t>(i))) return false;
      }
    }
  }
  if (!RunDateParse(parse_format_, text, micros)) return false;
  const date::year_month_day ymd{
      date::floor<date::days>(date::sys_time<Micros>(Micros(micros)))};
  const int year = static_cast<int>(ymd.year());
  return year >= (detected_ ? 1000 : 0) && year <= 9999;
}

bool TimestampFormat::RunDateParse(const std::string& format,
                                   std::string_view text, int64_t& micros) {
  buffer_.Reset(text);
  stream_.clear();
  date::sys_time<Micros> time{};
  stream_ >> date::parse(format, time);
  if (stream_.fail() || stream_.peek() != std::istream::traits_type::eof()) {
    return false;
  }
  micros = time.time_since_epoch().count();
  return true;
}

TimestampDetection DetectTimestampFormat(
    const std::vector<std::string_view>& cells) {
  TimestampDetection detection;
  if (cells.empty()) return detection;

  // Unix times: all digits, nine or more of them (eight would more likely
  // be YYYYMMDD, which is left to an explicit "%Y%m%d").
  bool seconds = true;
  bool millis = true;
  for (std::string_view cell : cells) {
    const std::string_view text = Trim(cell);
    if (!AllDigits(text) || text.size() < 9) {
      seconds = millis = false;
      break;
    }
    (text.size() >= 12 ? seconds : millis) = false;
  }
  std::vector<std::string> candidates;
  if (seconds) candidates.emplace_back(kUnixSecondsFormat);
  if (millis) candidates.emplace_back(kUnixMillisFormat);
  candidates.emplace_back(kIsoFormat);
  for (const DatePart& date : kDateParts) {
    for (const char* time : kTimeParts) {
      candidates.push_back(std::string(date.format) + time);
    }
  }

  size_t best_count = 0;
  for (const std::string& candidate : candidates) {
    TimestampFormat format(candidate, /*detected=*/true);
    size_t count = 0;
    int64_t micros = 0;
    while (count < cells.size() && format.Parse(cells[count], micros)) {
      ++count;
    }
    if (count == cells.size()) {
      detection.format = candidate;
      break;
    }
    // On a tie the earlier candidate stays: ISO 8601 before the rest.
    if (detection.closest_format.empty() || count > best_count) {
      best_count = count;
      detection.closest_format = candidate;
      detection.failed_cell = count;
    }
  }
  if (detection.format.empty()) return detection;
  detection.closest_format.clear();
  detection.failed_cell = 0;

  // A day-first format that matched every cell: when its month-first twin
  // matches them too, no cell told the two apart.
  for (const DatePart& date : kDateParts) {
    if (date.twin == nullptr) continue;
    const std::string_view found = detection.format;
    if (found.substr(0, std::string_view(date.format).size()) != date.format) {
      continue;
    }
    TimestampFormat twin(date.twin + std::string(found.substr(
                                         std::string_view(date.format).size())),
                         /*detected=*/true);
    bool all = true;
    int64_t micros = 0;
    for (std::string_view cell : cells) {
      if (!twin.Parse(cell, micros)) {
        all = false;
        break;
      }
    }
    detection.ambiguous = all;
    break;
  }
  return detection;
}

std::string DetectableFormats() {
  std::string out = "unix seconds or milliseconds, ISO 8601";
  for (const DatePart& date : kDateParts) {
    out += ", ";
    out += date.format;
  }
  out += " (each alone, or followed by %H:%M or %H:%M:%S)";
  return out;
}

}  // namespace livesop::eventlog::internal

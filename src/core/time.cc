#include "core/time.h"

#include <date/date.h>
#include <date/tz.h>

#include <chrono>
#include <cstdio>

#include "core/text.h"

namespace livesop {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

// A cursor over the text being parsed.
class Scanner {
 public:
  explicit Scanner(std::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ == text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  void Skip() { ++pos_; }

  // Consumes `c` when it is next.
  bool Accept(char c) {
    if (Peek() != c) return false;
    ++pos_;
    return true;
  }

  // Consumes exactly `count` decimal digits into `value`.
  bool Digits(int count, int& value) {
    if (text_.size() - pos_ < static_cast<size_t>(count)) return false;
    int v = 0;
    for (int i = 0; i < count; ++i) {
      const char c = text_[pos_ + i];
      if (c < '0' || c > '9') return false;
      v = v * 10 + (c - '0');
    }
    value = v;
    pos_ += count;
    return true;
  }

  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

 private:
  std::string_view text_;
  size_t pos_ = 0;
};

Status Invalid(std::string_view text, std::string_view what) {
  // A CSV cell or an attribute can be arbitrarily long; the start is enough
  // to recognise it.
  constexpr size_t kShown = 64;
  std::string shown = OneLine(text.substr(0, kShown));
  if (text.size() > kShown) shown += "...";
  return InvalidArgumentError(
      "invalid timestamp \"" + shown + "\": " + std::string(what) +
      "; expected ISO 8601 such as 2010-12-30T14:32:00.000+01:00 "
      "(YYYY-MM-DD[THH:MM[:SS[.fraction]]][Z|+HH:MM], UTC when no offset)");
}

}  // namespace

Result<int64_t> ParseTimestamp(std::string_view text) {
  Scanner in(Trim(text));
  int year = 0;
  int month = 0;
  int day = 0;
  if (!in.Digits(4, year) || !in.Accept('-') || !in.Digits(2, month) ||
      !in.Accept('-') || !in.Digits(2, day)) {
    return Invalid(text, "the date is not YYYY-MM-DD");
  }
  const date::year_month_day ymd{date::year{year},
                                 date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return Invalid(text, "there is no such day");

  int hour = 0;
  int minute = 0;
  int second = 0;
  int64_t fraction_us = 0;
  int offset_minutes = 0;
  const char separator = in.Peek();
  if (separator == 'T' || separator == 't' || separator == ' ') {
    in.Skip();
    if (!in.Digits(2, hour) || !in.Accept(':') || !in.Digits(2, minute)) {
      return Invalid(text, "the time is not HH:MM[:SS]");
    }
    const bool has_seconds = in.Accept(':');
    if (has_seconds && !in.Digits(2, second)) {
      return Invalid(text, "the seconds are not two digits");
    }
    if (hour > 23 || minute > 59 || second > 59) {
      return Invalid(text, "the time of day is out of range");
    }
    if (has_seconds && (in.Accept('.') || in.Accept(','))) {
      int digits = 0;
      while (Scanner::IsDigit(in.Peek())) {
        // Digits below the microsecond are read and dropped (truncation).
        if (digits < 6) fraction_us = fraction_us * 10 + (in.Peek() - '0');
        ++digits;
        in.Skip();
      }
      if (digits == 0) return Invalid(text, "the fraction has no digits");
      for (; digits < 6; ++digits) fraction_us *= 10;
    }
    const char sign = in.Peek();
    if (sign == 'Z' || sign == 'z') {
      in.Skip();
    } else if (sign == '+' || sign == '-') {
      in.Skip();
      int offset_hours = 0;
      int offset_mins = 0;
      if (!in.Digits(2, offset_hours)) {
        return Invalid(text, "the offset is not +HH:MM");
      }
      if (!in.AtEnd()) {
        in.Accept(':');
        if (!in.Digits(2, offset_mins)) {
          return Invalid(text, "the offset is not +HH:MM");
        }
      }
      if (offset_hours > 23 || offset_mins > 59) {
        return Invalid(text, "the offset is out of range");
      }
      offset_minutes = offset_hours * 60 + offset_mins;
      if (sign == '-') offset_minutes = -offset_minutes;
    }
  }
  if (!in.AtEnd()) return Invalid(text, "unexpected text after the time");

  const int64_t days = date::sys_days{ymd}.time_since_epoch().count();
  const int64_t seconds =
      ((days * 24 + hour) * 60 + minute - offset_minutes) * 60 + second;
  return seconds * kMicrosPerSecond + fraction_us;
}

std::string FormatTimestamp(int64_t micros) {
  // Floor division, so that times before 1970 fall on the right day; written
  // this way round because subtracting whole days back from a time near the
  // int64 minimum would overflow.
  int64_t micros_of_day = micros % kMicrosPerDay;
  int64_t days = micros / kMicrosPerDay;
  if (micros_of_day < 0) {
    micros_of_day += kMicrosPerDay;
    --days;
  }
  const date::year_month_day ymd{
      date::sys_days{date::days{static_cast<date::days::rep>(days)}}};
  const int64_t seconds_of_day = micros_of_day / kMicrosPerSecond;
  const int64_t fraction_us = micros_of_day % kMicrosPerSecond;

  char text[96];
  int n = std::snprintf(
      text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d",
      static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
      static_cast<unsigned>(ymd.day()), static_cast<int>(seconds_of_day / 3600),
      static_cast<int>(seconds_of_day / 60 % 60),
      static_cast<int>(seconds_of_day % 60));
  std::string out(text, static_cast<size_t>(n));
  if (fraction_us % 1000 == 0) {
    std::snprintf(text, sizeof text, ".%03d",
                  static_cast<int>(fraction_us / 1000));
  } else {
    std::snprintf(text, sizeof text, ".%06d", static_cast<int>(fraction_us));
  }
  out += text;
  out += "+00:00";
  return out;
}

Result<ZonedInstant> ResolveCivilTime(std::string_view zone,
                                      const CivilTime& civil) {
  const date::year_month_day day{
      date::year{civil.year}, date::month{static_cast<unsigned>(civil.month)},
      date::day{static_cast<unsigned>(civil.day)}};
  if (!day.ok() || civil.hour < 0 || civil.hour > 23 || civil.minute < 0 ||
      civil.minute > 59 || civil.second < 0 || civil.second > 59) {
    return InvalidArgumentError(
        "no such date and time: " + std::to_string(civil.year) + "-" +
        std::to_string(civil.month) + "-" + std::to_string(civil.day) + " " +
        std::to_string(civil.hour) + ":" + std::to_string(civil.minute));
  }
  const date::time_zone* tz = nullptr;
  try {
    tz = date::locate_zone(zone);
  } catch (const std::exception&) {
    return InvalidArgumentError("unknown time zone \"" + std::string(zone) +
                                "\"; give an IANA name such as Asia/Jakarta");
  }
  const date::local_seconds local =
      date::local_days{day} + std::chrono::hours{civil.hour} +
      std::chrono::minutes{civil.minute} + std::chrono::seconds{civil.second};
  // The offset in force before the moment: for a time that falls twice it
  // gives the earlier instant, for one in a gap the instant the gap's
  // length later, as calendar apps do.
  const date::local_info info = tz->get_info(local);
  const date::sys_seconds instant{local.time_since_epoch() - info.first.offset};
  const date::sys_info at = tz->get_info(instant);
  ZonedInstant result;
  result.time_us = std::chrono::duration_cast<std::chrono::microseconds>(
                       instant.time_since_epoch())
                       .count();
  result.utc_offset_minutes = static_cast<int>(
      std::chrono::duration_cast<std::chrono::minutes>(at.offset).count());
  return result;
}

}  // namespace livesop

#include "eventlog/internal/timestamp.h"

#include <date/date.h>

#include "core/time.h"

namespace livesop::eventlog::internal {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerDay = 86'400 * kMicrosPerSecond;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The `count` digits at `text[at]` as a number, or -1 when one is not a
// digit. The caller has checked the length.
int Digits(std::string_view text, size_t at, int count) {
  int value = 0;
  for (int i = 0; i < count; ++i) {
    const char c = text[at + static_cast<size_t>(i)];
    if (!IsDigit(c)) return -1;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Writes `value` as `width` digits, zero-padded, ending just before `end`.
void PutDigits(char* end, int64_t value, int width) {
  for (int i = 0; i < width; ++i) {
    *--end = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

// Whether `text`, which ParseCommonTimestamp read as `micros`, is already
// what FormatTimestamp(micros) gives: `YYYY-MM-DDTHH:MM:SS.fff+00:00`, or
// six fraction digits when the microseconds are not whole milliseconds.
bool IsNormalForm(std::string_view text, int64_t micros) {
  if (text[10] != 'T' || text[19] != '.') return false;
  if (text.size() == 29) {
    return text.substr(23) == "+00:00";
  }
  return text.size() == 32 && text.substr(26) == "+00:00" && micros % 1000 != 0;
}

}  // namespace

bool ParseCommonTimestamp(std::string_view text, int64_t& micros) {
  // 2010-12-30T14:32:00
  // 0123456789012345678
  if (text.size() < 19 || text[4] != '-' || text[7] != '-' ||
      (text[10] != 'T' && text[10] != ' ') || text[13] != ':' ||
      text[16] != ':') {
    return false;
  }
  const int year = Digits(text, 0, 4);
  const int month = Digits(text, 5, 2);
  const int day = Digits(text, 8, 2);
  const int hour = Digits(text, 11, 2);
  const int minute = Digits(text, 14, 2);
  const int second = Digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 ||
      minute < 0 || minute > 59 || second < 0 || second > 59) {
    return false;
  }
  size_t at = 19;
  int64_t fraction = 0;
  if (at < text.size() && (text[at] == '.' || text[at] == ',')) {
    ++at;
    int digits = 0;
    while (at < text.size() && IsDigit(text[at])) {
      if (digits < 6) fraction = fraction * 10 + (text[at] - '0');
      ++digits;
      ++at;
    }
    if (digits == 0) return false;
    for (; digits < 6; ++digits) fraction *= 10;
  }
  int offset_minutes = 0;
  if (at < text.size()) {
    const char sign = text[at];
    if (sign == 'Z' || sign == 'z') {
      ++at;
    } else if ((sign == '+' || sign == '-') && text.size() - at == 6 &&
               text[at + 3] == ':') {
      const int hours = Digits(text, at + 1, 2);
      const int minutes = Digits(text, at + 4, 2);
      if (hours < 0 || hours > 23 || minutes < 0 || minutes > 59) {
        return false;
      }
      offset_minutes = hours * 60 + minutes;
      if (sign == '-') offset_minutes = -offset_minutes;
      at += 6;
    } else {
      return false;
    }
  }
  if (at != text.size()) return false;
  const date::year_month_day ymd{date::year{year},
                                 date::month{static_cast<unsigned>(month)},
                                 date::day{static_cast<unsigned>(day)}};
  if (!ymd.ok()) return false;
  const int64_t days = date::sys_days{ymd}.time_since_epoch().count();
  const int64_t seconds =
      ((days * 24 + hour) * 60 + minute - offset_minutes) * 60 + second;
  micros = seconds * kMicrosPerSecond + fraction;
  return true;
}

void FormatTimestampInto(int64_t micros, std::string& out) {
  int64_t micros_of_day = micros % kMicrosPerDay;
  int64_t days = micros / kMicrosPerDay;
  if (micros_of_day < 0) {
    micros_of_day += kMicrosPerDay;
    --days;
  }
  const date::year_month_day ymd{
      date::sys_days{date::days{static_cast<date::days::rep>(days)}}};
  const int year = static_cast<int>(ymd.year());
  if (year < 0 || year > 9999) {
    // Outside four digits FormatTimestamp's printf layout decides.
    out = FormatTimestamp(micros);
    return;
  }
  const int64_t seconds_of_day = micros_of_day / kMicrosPerSecond;
  const int64_t fraction = micros_of_day % kMicrosPerSecond;
  const bool millis = fraction % 1000 == 0;
  // YYYY-MM-DDTHH:MM:SS.fff+00:00 or YYYY-MM-DDTHH:MM:SS.ffffff+00:00
  char text[32] = "0000-00-00T00:00:00.";
  PutDigits(text + 4, year, 4);
  PutDigits(text + 7, static_cast<unsigned>(ymd.month()), 2);
  PutDigits(text + 10, static_cast<unsigned>(ymd.day()), 2);
  PutDigits(text + 13, seconds_of_day / 3600, 2);
  PutDigits(text + 16, seconds_of_day / 60 % 60, 2);
  PutDigits(text + 19, seconds_of_day % 60, 2);
  size_t length = 20;
  if (millis) {
    PutDigits(text + 23, fraction / 1000, 3);
    length = 23;
  } else {
    PutDigits(text + 26, fraction, 6);
    length = 26;
  }
  const char zone[] = "+00:00";
  for (size_t i = 0; i < 6; ++i) text[length + i] = zone[i];
  out.assign(text, length + 6);
}

Status NormaliseTimestamp(std::string_view text, std::string& out) {
  int64_t micros = 0;
  if (!ParseCommonTimestamp(text, micros)) {
    Result<int64_t> parsed = ParseTimestamp(text);
    if (!parsed.ok()) return parsed.status();
    micros = *parsed;
  } else if (IsNormalForm(text, micros)) {
    // Logs written by livesop, and many others, are in the normal form
    // already: copying is cheaper than formatting.
    out.assign(text);
    return OkStatus();
  }
  FormatTimestampInto(micros, out);
  return OkStatus();
}

}  // namespace livesop::eventlog::internal

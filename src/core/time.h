// Timestamps as livesop stores and exchanges them: microseconds since
// 1970-01-01T00:00:00Z in an int64_t, written as ISO 8601 / RFC 3339 text.
// Microseconds cover every year from 0000 to 9999 and are as fine as any
// process mining tool records time.
#ifndef LIVESOP_CORE_TIME_H_
#define LIVESOP_CORE_TIME_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace livesop {

// Parses an ISO 8601 / RFC 3339 date and time into microseconds since the
// Unix epoch (UTC). Accepted, with surrounding white space ignored:
//   2010-12-30T14:32:00.000+01:00   2010-12-30T13:32:00Z
//   2010-12-30T14:32:00+0100        2010-12-30 14:32:00.123456789+01
//   2010-12-30T14:32                2010-12-30
// The separator may be `T`, `t` or a space; seconds are optional; the
// fraction (after `.` or `,`) may have any number of digits and is truncated
// to microseconds; the offset is `Z`, `z`, `+HH:MM`, `+HHMM` or `+HH` (or
// `-`). Text without an offset, and a date alone (midnight), is taken as UTC:
// spreadsheet exports rarely carry a zone, and guessing the machine's local
// zone would make the same file mean different instants on different hosts.
// Years are 0000 to 9999; leap seconds (`:60`) are rejected.
// Returns InvalidArgument naming the text, what is wrong and the expected
// form.
Result<int64_t> ParseTimestamp(std::string_view text);

// Formats `micros` (microseconds since the Unix epoch) as
// `YYYY-MM-DDTHH:MM:SS.mmm+00:00`, with milliseconds when the time is a
// whole millisecond (the form XES tools write) and six fraction digits
// (`.uuuuuu`) otherwise, so no precision is lost. Always UTC (`+00:00`).
// Times before 1970 are negative and format as such (1969-12-31T...).
// ParseTimestamp(FormatTimestamp(t)) == t for every t in years 0000-9999.
std::string FormatTimestamp(int64_t micros);

// A wall-clock date and time, as people and chat exports write them.
struct CivilTime {
  int year = 1970;
  int month = 1;  // 1-12
  int day = 1;    // 1-31
  int hour = 0;   // 0-23
  int minute = 0;
  int second = 0;
};

// An instant and the offset from UTC its zone had then.
struct ZonedInstant {
  int64_t time_us = 0;  // µs since the epoch, UTC
  int utc_offset_minutes = 0;
};

// The instant `civil` names in the IANA time zone `zone` ("Asia/Jakarta",
// "UTC"). A time that falls twice (clocks set back) is the earlier one; a
// time that never happens (clocks set forward) is moved on by the gap, as
// calendar apps do. Errors: InvalidArgument for an unknown zone (with the
// zone named) or a date or time that does not exist (31 April, 25:00).
Result<ZonedInstant> ResolveCivilTime(std::string_view zone,
                                      const CivilTime& civil);

}  // namespace livesop

#endif  // LIVESOP_CORE_TIME_H_

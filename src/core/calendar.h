// Business time: the working calendar an SOP's SLAs and lead times are
// counted on ("2 business days", "4 working hours"). A calendar is an IANA
// time zone, the working weekdays, the working hours of each such day and
// the holidays; every instant in and out is microseconds since the Unix
// epoch (UTC), as in core/time.h. docs/calendars.md states each rule with
// examples.
#ifndef LIVESOP_CORE_CALENDAR_H_
#define LIVESOP_CORE_CALENDAR_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace livesop {

// An immutable business calendar. Cheap to copy (copies share the rules);
// all methods are const and safe to call from many threads at once.
//
// Working time on a local date that is a working weekday and not a holiday
// is the union of the working-hour intervals, each closed at its start and
// open at its end (09:00 is working time, 17:00 is not). Intervals are local
// wall-clock times converted to instants through the zone's rules, so a
// Berlin 09:00 is 08:00Z in winter and 07:00Z in summer. Working time is
// measured in elapsed time: an interval that spans a daylight-saving change
// (only possible when working hours cover the change, usually 02:00-03:00)
// is an hour shorter or longer that day. An interval that starts in an hour
// the clocks skip starts when they jump; one that ends in an hour the clocks
// repeat ends at its second occurrence.
//
// Zone rules come from the system's tz data through the date library, which
// reads the listed changes (to 2037) but not the rule for later years: from
// 2038 each zone keeps its last offset, so Berlin stays on winter time.
//
// Instants are clamped to years 0000-9999 (the range of core/time.h);
// an answer that would lie beyond that range is its nearest end.
class WorkCalendar {
 public:
  // The first and last instants the calendar computes with:
  // 0000-01-01T00:00:00Z and 9999-12-31T23:59:59.999999Z.
  static constexpr int64_t kMinInstant = -62'167'219'200'000'000;
  static constexpr int64_t kMaxInstant = 253'402'300'799'999'999;

  // Builds a calendar.
  //   time_zone     IANA name from the system's tz database (package
  //                 tzdata), "Asia/Jakarta", "Europe/Berlin", "UTC".
  //   working_days  "mon", "tue", "wed", "thu", "fri", "sat", "sun" (lower
  //                 case, as the SOP format writes them); repeats are
  //                 harmless. Empty means Monday to Friday.
  //   working_hours "HH:MM-HH:MM", start before end, 00:00 to 24:00, in any
  //                 order; intervals that touch ("09:00-12:00",
  //                 "12:00-13:00") join, intervals that overlap are an
  //                 error. An interval cannot cross midnight. Empty means
  //                 "09:00-17:00".
  //   holidays      local dates "YYYY-MM-DD" on which no one works.
  // These defaults are the SOP format's (docs/formats/sop.md).
  // Returns InvalidArgument naming the first bad value (unknown zone, with
  // a "did you mean" when one is close; unknown day; malformed, reversed or
  // overlapping hours; malformed or impossible date), or FailedPrecondition
  // when the tz database itself cannot be read. Thread-safe.
  static Result<WorkCalendar> Make(std::string time_zone,
                                   std::vector<std::string> working_days,
                                   std::vector<std::string> working_hours,
                                   const std::vector<std::string>& holidays);

  // The zone's IANA name, as given to Make.
  const std::string& time_zone() const;

  // The length of one working day in minutes of wall-clock time: the sum of
  // the working-hour intervals (420 for 09:00-12:00 and 13:00-17:00). Use it
  // to turn "N days" of an SLA into minutes.
  int64_t MinutesPerWorkingDay() const;

  // Returns whether `at` lies in working time.
  bool IsWorkingTime(int64_t at) const;

  // Returns `at` when it is working time, else the start of the next
  // working interval (Saturday 10:00 -> Monday 09:00 on a Monday-to-Friday
  // calendar; 12:30 during a 12:00-13:00 break -> 13:00).
  int64_t NextWorkingInstant(int64_t at) const;

  // Returns the instant at which `minutes` of working time, counted from
  // `start`, have passed. Counting begins at NextWorkingInstant(start); the
  // answer is the earliest such instant, so an amount that ends exactly at a
  // closing time returns the closing time (Friday 15:00 + 120 = Friday
  // 17:00, not Monday 09:00). Friday 16:00 + 120 = Monday 10:00 on a 09-17
  // Monday-to-Friday calendar.
  // A negative amount counts backwards: the latest instant from which
  // -minutes of working time reach `start`, counting back from the end of
  // the last working time before `start` (Monday 10:00 - 120 = Friday
  // 16:00). 0 returns `start` unchanged.
  // Takes one step per calendar day, so ten years cost a few thousand steps.
  int64_t AddWorkingMinutes(int64_t start, int64_t minutes) const;

  // Returns the deadline `days` business days after `start`:
  //  - when `start` is working time, the same local time of day on the
  //    `days`-th working day after the start's local date (Tuesday 10:30 +
  //    2 = Thursday 10:30; Friday 10:30 + 1 = Monday 10:30);
  //  - when `start` is outside working time, AddWorkingMinutes(start,
  //    days * MinutesPerWorkingDay()): whole working days counted from the
  //    next opening, which ends at the close of the `days`-th working day
  //    (Saturday + 1 = Monday 17:00; Tuesday 07:00 + 1 = Tuesday 17:00;
  //    Tuesday 18:00 + 2 = Thursday 17:00).
  // A negative count goes back the same way (working time: same time of
  // day on the -days-th working day before; otherwise it ends at the opening
  // of a working day: 5 business days before Monday 00:00 is the previous
  // Monday 09:00). 0 returns `start` unchanged. A working day is a working
  // weekday that is not a holiday.
  int64_t AddWorkingDays(int64_t start, int64_t days) const;

  // Returns the working time between `from` and `to` in whole minutes
  // (rounded down); 0 when `to` <= `from`. For m >= 0,
  // WorkingMinutesBetween(s, AddWorkingMinutes(s, m)) == m.
  int64_t WorkingMinutesBetween(int64_t from, int64_t to) const;

  // Returns the local date of `at` in the calendar's zone, "YYYY-MM-DD".
  std::string LocalDate(int64_t at) const;

  // Returns the first instant of the local date `date` ("YYYY-MM-DD") in
  // the calendar's zone: its midnight, or the end of the daylight-saving
  // gap when that midnight does not exist. Returns InvalidArgument naming
  // `date` when it is malformed or no such day exists.
  Result<int64_t> StartOfLocalDate(std::string_view date) const;

 private:
  // The parsed, immutable rules and the arithmetic on them; calendar.cc.
  struct Rules;

  explicit WorkCalendar(std::shared_ptr<const Rules> rules)
      : rules_(std::move(rules)) {}

  std::shared_ptr<const Rules> rules_;
};

}  // namespace livesop

#endif  // LIVESOP_CORE_CALENDAR_H_

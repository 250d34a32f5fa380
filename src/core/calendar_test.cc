#include "core/calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/time.h"

namespace livesop {
namespace {

using testing::HasSubstr;

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
constexpr int64_t kDay = 24 * kHour;
constexpr int64_t kWeek = 7 * kDay;

// An instant written with its UTC offset, so that expectations say which
// local time they mean without asking the calendar under test.
int64_t At(std::string_view text) {
  Result<int64_t> r = ParseTimestamp(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : 0;
}

WorkCalendar Calendar(std::string zone, std::vector<std::string> days = {},
                      std::vector<std::string> hours = {},
                      std::vector<std::string> holidays = {}) {
  Result<WorkCalendar> r = WorkCalendar::Make(
      std::move(zone), std::move(days), std::move(hours), std::move(holidays));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) std::abort();
  return *std::move(r);
}

Status MakeError(std::string zone, std::vector<std::string> days,
                 std::vector<std::string> hours,
                 std::vector<std::string> holidays) {
  return WorkCalendar::Make(std::move(zone), std::move(days), std::move(hours),
                            std::move(holidays))
      .status();
}

TEST(WorkCalendarTest, DefaultsAreMondayToFridayNineToFive) {
  const WorkCalendar cal = Calendar("Asia/Jakarta");
  EXPECT_EQ(cal.time_zone(), "Asia/Jakarta");
  EXPECT_EQ(cal.MinutesPerWorkingDay(), 480);
  // 2026-03-02 is a Monday; Jakarta is UTC+7 all year.
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-02T09:00+07:00")));
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-02T09:00+07:00") - 1));
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-02T16:59+07:00")));
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-02T17:00+07:00")));
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-06T12:00+07:00")));   // Friday
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-07T12:00+07:00")));  // Saturday
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-08T12:00+07:00")));  // Sunday
}

TEST(WorkCalendarTest, FridayAfternoonPlusHoursIsMonday) {
  const WorkCalendar cal = Calendar("Asia/Jakarta");
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-06T16:00+07:00"), 120),
            At("2026-03-09T10:00+07:00"));
  EXPECT_EQ(cal.WorkingMinutesBetween(At("2026-03-06T16:00+07:00"),
                                      At("2026-03-09T10:00+07:00")),
            120);
  // Ending exactly at closing time gives the closing time.
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-06T15:00+07:00"), 120),
            At("2026-03-06T17:00+07:00"));
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-06T15:00+07:00"), 0),
            At("2026-03-06T15:00+07:00"));
}

TEST(WorkCalendarTest, SkipsAMondayHoliday) {
  const WorkCalendar cal =
      Calendar("Asia/Jakarta", {}, {}, {"2026-03-09", "2026-12-25"});
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-09T10:00+07:00")));
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-10T10:00+07:00")));
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-06T16:00+07:00"), 120),
            At("2026-03-10T10:00+07:00"));
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-06T10:30+07:00"), 1),
            At("2026-03-10T10:30+07:00"));
  EXPECT_EQ(cal.NextWorkingInstant(At("2026-03-07T10:00+07:00")),
            At("2026-03-10T09:00+07:00"));
  EXPECT_EQ(cal.WorkingMinutesBetween(At("2026-03-02T00:00+07:00"),
                                      At("2026-03-16T00:00+07:00")),
            9 * 480);
}

TEST(WorkCalendarTest, LunchBreakIsNotWorkingTime) {
  const WorkCalendar cal =
      Calendar("Asia/Jakarta", {}, {"13:00-17:00", "09:00-12:00"});
  EXPECT_EQ(cal.MinutesPerWorkingDay(), 420);
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-02T11:59+07:00")));
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-02T12:00+07:00")));
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-02T12:59+07:00")));
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-02T13:00+07:00")));
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-02T11:00+07:00"), 120),
            At("2026-03-02T14:00+07:00"));
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-02T11:00+07:00"), 60),
            At("2026-03-02T12:00+07:00"));
  EXPECT_EQ(cal.WorkingMinutesBetween(At("2026-03-02T08:00+07:00"),
                                      At("2026-03-02T18:00+07:00")),
            420);
  EXPECT_EQ(cal.WorkingMinutesBetween(At("2026-03-02T11:30+07:00"),
                                      At("2026-03-02T13:30+07:00")),
            60);
}

TEST(WorkCalendarTest, TouchingIntervalsJoin) {
  const WorkCalendar cal =
      Calendar("Asia/Jakarta", {}, {"09:00-12:00", "12:00-13:00"});
  EXPECT_EQ(cal.MinutesPerWorkingDay(), 240);
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-02T12:00+07:00")));
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-02T11:00+07:00"), 120),
            At("2026-03-02T13:00+07:00"));
}

TEST(WorkCalendarTest, StartsOutsideWorkingTimeCountFromTheNextOpening) {
  const WorkCalendar cal =
      Calendar("Asia/Jakarta", {}, {"09:00-12:00", "13:00-17:00"});
  struct Case {
    const char* start;
    const char* next;
    const char* plus_30;
  };
  const Case cases[] = {
      {"2026-03-03T07:00+07:00", "2026-03-03T09:00+07:00",
       "2026-03-03T09:30+07:00"},  // before opening
      {"2026-03-03T12:30+07:00", "2026-03-03T13:00+07:00",
       "2026-03-03T13:30+07:00"},  // during the break
      {"2026-03-03T18:00+07:00", "2026-03-04T09:00+07:00",
       "2026-03-04T09:30+07:00"},  // after closing
      {"2026-03-03T17:00+07:00", "2026-03-04T09:00+07:00",
       "2026-03-04T09:30+07:00"},  // at closing
      {"2026-03-07T10:00+07:00", "2026-03-09T09:00+07:00",
       "2026-03-09T09:30+07:00"},  // Saturday
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.start);
    EXPECT_EQ(cal.NextWorkingInstant(At(c.start)), At(c.next));
    EXPECT_EQ(cal.AddWorkingMinutes(At(c.start), 30), At(c.plus_30));
    EXPECT_EQ(cal.WorkingMinutesBetween(At(c.start), At(c.next)), 0);
    EXPECT_EQ(cal.WorkingMinutesBetween(At(c.start), At(c.plus_30)), 30);
  }
  const int64_t working = At("2026-03-03T10:15:30.5+07:00");
  EXPECT_EQ(cal.NextWorkingInstant(working), working);
}

TEST(WorkCalendarTest, NegativeMinutesCountBackwards) {
  const WorkCalendar cal = Calendar("Asia/Jakarta");
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-09T10:00+07:00"), -120),
            At("2026-03-06T16:00+07:00"));
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-09T07:00+07:00"), -60),
            At("2026-03-06T16:00+07:00"));
  // Ending exactly at opening time gives the opening time.
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-09T11:00+07:00"), -120),
            At("2026-03-09T09:00+07:00"));
}

TEST(WorkCalendarTest, AddWorkingDaysKeepsTheTimeOfDayOrEndsAtAClose) {
  const WorkCalendar cal = Calendar("Asia/Jakarta");
  // Working time: the same time of day, n working days on.
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-03T10:30+07:00"), 2),
            At("2026-03-05T10:30+07:00"));
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-06T10:30+07:00"), 1),
            At("2026-03-09T10:30+07:00"));
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-05T10:30+07:00"), -2),
            At("2026-03-03T10:30+07:00"));
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-09T10:30+07:00"), -1),
            At("2026-03-06T10:30+07:00"));
  // Outside working time: whole days from the next opening.
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-07T10:00+07:00"), 1),
            At("2026-03-09T17:00+07:00"));
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-03T07:00+07:00"), 1),
            At("2026-03-03T17:00+07:00"));
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-03T18:00+07:00"), 2),
            At("2026-03-05T17:00+07:00"));
  // Backwards from outside working time ends at an opening.
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-16T00:00+07:00"), -5),
            At("2026-03-09T09:00+07:00"));
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-07T10:00+07:00"), 0),
            At("2026-03-07T10:00+07:00"));

  const WorkCalendar lunch =
      Calendar("Asia/Jakarta", {}, {"09:00-12:00", "13:00-17:00"});
  EXPECT_EQ(lunch.AddWorkingDays(At("2026-03-03T12:30+07:00"), 1),
            At("2026-03-04T12:00+07:00"));
}

TEST(WorkCalendarTest, WeekendShiftsWork) {
  const WorkCalendar cal =
      Calendar("Asia/Jakarta", {"sat", "sun", "sat"}, {"10:00-14:00"});
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-06T11:00+07:00")));
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-07T11:00+07:00")));
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-08T11:00+07:00"), 1),
            At("2026-03-14T11:00+07:00"));
}

TEST(WorkCalendarTest, BerlinSpringForwardMovesOpeningByAnHourOfUtc) {
  const WorkCalendar cal = Calendar("Europe/Berlin");
  // Clocks go forward on Sunday 2026-03-29.
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-03-27T16:00+01:00"), 120),
            At("2026-03-30T10:00+02:00"));
  EXPECT_EQ(cal.NextWorkingInstant(At("2026-03-28T12:00+01:00")),
            At("2026-03-30T07:00Z"));
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-30T06:30Z")));
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-30T07:00Z")));
  EXPECT_TRUE(cal.IsWorkingTime(At("2026-03-27T08:00Z")));
  EXPECT_FALSE(cal.IsWorkingTime(At("2026-03-27T07:30Z")));
  EXPECT_EQ(cal.WorkingMinutesBetween(At("2026-03-27T09:00+01:00"),
                                      At("2026-03-30T17:00+02:00")),
            960);
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-27T10:30+01:00"), 1),
            At("2026-03-30T10:30+02:00"));
  EXPECT_EQ(cal.AddWorkingDays(At("2026-03-30T10:30+02:00"), -1),
            At("2026-03-27T10:30+01:00"));
}

TEST(WorkCalendarTest, BerlinFallBackMovesOpeningByAnHourOfUtc) {
  const WorkCalendar cal = Calendar("Europe/Berlin");
  // Clocks go back on Sunday 2026-10-25.
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-10-23T16:00+02:00"), 120),
            At("2026-10-26T10:00+01:00"));
  EXPECT_EQ(cal.WorkingMinutesBetween(At("2026-10-23T09:00+02:00"),
                                      At("2026-10-26T17:00+01:00")),
            960);
  EXPECT_EQ(cal.AddWorkingDays(At("2026-10-23T10:30+02:00"), 1),
            At("2026-10-26T10:30+01:00"));
  EXPECT_EQ(cal.AddWorkingMinutes(At("2026-10-26T10:00+01:00"), -120),
            At("2026-10-23T16:00+02:00"));
}

TEST(WorkCalendarTest, DaylightSavingDaysAreShorterAndLongerInElapsedTime) {
  const WorkCalendar always = Calendar(
      "Europe/Berlin", {"mon", "tue", "wed", "thu", "fri", "sat", "sun"},
      {"00:00-24:00"});
  Result<int64_t> march29 = always.StartOfLocalDate("2026-03-29");
  Result<int64_t> march30 = always.StartOfLocalDate("2026-03-30");
  Result<int64_t> october25 = always.StartOfLocalDate("2026-10-25");
  Result<int64_t> october26 = always.StartOfLocalDate("2026-10-26");
  ASSERT_TRUE(march29.ok() && march30.ok() && october25.ok() && october26.ok());
  EXPECT_EQ(*march29, At("2026-03-28T23:00Z"));
  EXPECT_EQ(*march30, At("2026-03-29T22:00Z"));
  EXPECT_EQ(always.WorkingMinutesBetween(*march29, *march30), 23 * 60);
  EXPECT_EQ(always.WorkingMinutesBetween(*october25, *october26), 25 * 60);
  EXPECT_EQ(always.AddWorkingMinutes(*march29, 23 * 60), *march30);
  EXPECT_EQ(always.LocalDate(At("2026-03-28T23:00Z")), "2026-03-29");
  EXPECT_EQ(always.LocalDate(At("2026-03-28T23:00Z") - 1), "2026-03-28");
  EXPECT_EQ(always.LocalDate(At("2026-10-25T22:59Z")), "2026-10-25");
  EXPECT_EQ(always.LocalDate(At("2026-10-25T23:00Z")), "2026-10-26");

  // Hours that cover the change itself lose or gain the hour.
  const WorkCalendar night =
      Calendar("Europe/Berlin", {"sun"}, {"01:00-04:00"});
  EXPECT_EQ(night.WorkingMinutesBetween(At("2026-03-28T00:00Z"),
                                        At("2026-03-30T00:00Z")),
            120);
  EXPECT_EQ(night.WorkingMinutesBetween(At("2026-10-24T00:00Z"),
                                        At("2026-10-26T00:00Z")),
            240);
  EXPECT_EQ(night.WorkingMinutesBetween(At("2026-03-21T00:00Z"),
                                        At("2026-03-23T00:00Z")),
            180);
  EXPECT_TRUE(night.IsWorkingTime(At("2026-10-25T01:30+02:00")));
  EXPECT_TRUE(night.IsWorkingTime(At("2026-10-25T01:30+01:00")));

  // An interval ending in the repeated hour runs to its second occurrence;
  // one starting in the skipped hour starts when clocks jump.
  const WorkCalendar late = Calendar("Europe/Berlin", {"sun"}, {"01:00-02:30"});
  EXPECT_EQ(late.WorkingMinutesBetween(At("2026-10-24T00:00Z"),
                                       At("2026-10-26T00:00Z")),
            150);
  EXPECT_TRUE(late.IsWorkingTime(At("2026-10-25T02:15+01:00")));
  EXPECT_FALSE(late.IsWorkingTime(At("2026-10-25T02:30+01:00")));
  const WorkCalendar gap = Calendar("Europe/Berlin", {"sun"}, {"02:30-04:00"});
  EXPECT_EQ(gap.NextWorkingInstant(At("2026-03-28T12:00Z")),
            At("2026-03-29T03:00+02:00"));
  EXPECT_EQ(gap.WorkingMinutesBetween(At("2026-03-28T00:00Z"),
                                      At("2026-03-30T00:00Z")),
            60);
}

TEST(WorkCalendarTest, LocalDatesInJakarta) {
  const WorkCalendar cal = Calendar("Asia/Jakarta");
  EXPECT_EQ(cal.LocalDate(At("2026-03-01T16:59:59Z")), "2026-03-01");
  EXPECT_EQ(cal.LocalDate(At("2026-03-01T17:00Z")), "2026-03-02");
  Result<int64_t> start = cal.StartOfLocalDate("2026-03-02");
  ASSERT_TRUE(start.ok()) << start.status().ToString();
  EXPECT_EQ(*start, At("2026-03-01T17:00Z"));
  EXPECT_EQ(cal.LocalDate(*start), "2026-03-02");
}

TEST(WorkCalendarTest, StartOfLocalDateRejectsWhatIsNotADate) {
  const WorkCalendar cal = Calendar("UTC");
  for (const char* bad : {"2026-02-30", "2026-13-01", "2026-3-01", "",
                          "2026-03-01T00:00", "yesterday"}) {
    Result<int64_t> r = cal.StartOfLocalDate(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(r.status().message(),
                HasSubstr("\"" + std::string(bad) + "\""));
  }
}

TEST(WorkCalendarTest, TwoThousandWorkingDaysAreFourHundredWeeks) {
  const WorkCalendar cal = Calendar("Asia/Jakarta");
  const int64_t monday = At("2026-03-02T09:00+07:00");
  EXPECT_EQ(cal.AddWorkingDays(monday, 2000), monday + 400 * kWeek);
  EXPECT_EQ(cal.AddWorkingDays(monday + 400 * kWeek, -2000), monday);
  EXPECT_EQ(cal.WorkingMinutesBetween(monday, monday + 400 * kWeek),
            2000 * 480);
  // The last minute falls on the Friday closing of week 400.
  EXPECT_EQ(cal.AddWorkingMinutes(monday, 2000 * 480),
            monday + 399 * kWeek + 4 * kDay + 8 * kHour);
}

// Working days between two dates, counted one date at a time with the
// standard library's calendar rather than the calendar under test.
std::vector<std::chrono::sys_days> BruteForceWorkingDays(
    std::chrono::sys_days from, std::chrono::sys_days to,
    const std::set<std::chrono::sys_days>& holidays) {
  std::vector<std::chrono::sys_days> out;
  for (std::chrono::sys_days d = from; d < to; d += std::chrono::days{1}) {
    const std::chrono::weekday wd{d};
    if (wd != std::chrono::Saturday && wd != std::chrono::Sunday &&
        holidays.count(d) == 0) {
      out.push_back(d);
    }
  }
  return out;
}

std::string DateText(std::chrono::sys_days d) {
  const std::chrono::year_month_day ymd{d};
  char text[16];
  std::snprintf(
      text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

TEST(WorkCalendarTest, ThreeBerlinYearsAgreeWithADayByDayCount) {
  using std::chrono::sys_days;
  using namespace std::chrono_literals;  // NOLINT(google-build-using-namespace)
  const std::set<sys_days> holidays = {
      sys_days{2026y / 1 / 1},   sys_days{2026y / 4 / 3},
      sys_days{2026y / 4 / 6},   sys_days{2026y / 5 / 1},
      sys_days{2026y / 10 / 3},  sys_days{2026y / 12 / 25},
      sys_days{2027y / 1 / 1},   sys_days{2027y / 3 / 26},
      sys_days{2027y / 3 / 29},  sys_days{2027y / 10 / 4},
      sys_days{2027y / 12 / 24}, sys_days{2028y / 4 / 17},
      sys_days{2028y / 5 / 1},   sys_days{2028y / 12 / 25},
      sys_days{2028y / 12 / 26}, sys_days{2028y / 7 / 15}};
  std::vector<std::string> holiday_text;
  for (sys_days d : holidays) holiday_text.push_back(DateText(d));
  const WorkCalendar cal = Calendar(
      "Europe/Berlin", {}, {"09:00-12:00", "13:00-17:00"}, holiday_text);

  const sys_days first = sys_days{2026y / 1 / 1};
  const sys_days last = sys_days{2029y / 1 / 1};
  const std::vector<sys_days> working =
      BruteForceWorkingDays(first, last, holidays);
  ASSERT_GT(working.size(), 700u);

  Result<int64_t> from = cal.StartOfLocalDate(DateText(first));
  Result<int64_t> to = cal.StartOfLocalDate(DateText(last));
  ASSERT_TRUE(from.ok() && to.ok());
  EXPECT_EQ(cal.WorkingMinutesBetween(*from, *to),
            static_cast<int64_t>(working.size()) * 420);
  EXPECT_EQ(
      cal.AddWorkingMinutes(*from, static_cast<int64_t>(working.size()) * 420),
      At(DateText(working.back()) + "T17:00+01:00"));

  // From 10:15 on the first working day, n days on is 10:15 on the n-th.
  Result<int64_t> day0 = cal.StartOfLocalDate(DateText(working[0]));
  ASSERT_TRUE(day0.ok());
  const int64_t start = *day0 + 10 * kHour + 15 * kMinute;  // winter: +01:00
  ASSERT_TRUE(cal.IsWorkingTime(start));
  for (size_t n : {size_t{1}, size_t{4}, size_t{60}, size_t{130}, size_t{300},
                   working.size() - 1}) {
    SCOPED_TRACE(n);
    const int64_t due = cal.AddWorkingDays(start, static_cast<int64_t>(n));
    EXPECT_EQ(cal.LocalDate(due), DateText(working[n]));
    Result<int64_t> midnight = cal.StartOfLocalDate(DateText(working[n]));
    ASSERT_TRUE(midnight.ok());
    EXPECT_EQ(due - *midnight, 10 * kHour + 15 * kMinute);
  }
}

TEST(WorkCalendarTest, AddThenMeasureRoundTrips) {
  const WorkCalendar cal =
      Calendar("Europe/Berlin", {"mon", "tue", "wed", "thu", "sat"},
               {"08:30-12:00", "12:45-17:15", "18:00-19:00"},
               {"2026-03-30", "2026-10-26", "2027-01-01"});
  std::mt19937_64 rng(20260302);
  const int64_t lo = At("2025-06-01T00:00Z");
  const int64_t hi = At("2028-06-01T00:00Z");
  std::uniform_int_distribution<int64_t> instant(lo, hi);
  std::uniform_int_distribution<int64_t> amount(1, 60 * 24 * 90);
  for (int i = 0; i < 300; ++i) {
    const int64_t s = instant(rng);
    const int64_t m = amount(rng);
    SCOPED_TRACE(FormatTimestamp(s) + " + " + std::to_string(m));
    const int64_t later = cal.AddWorkingMinutes(s, m);
    EXPECT_EQ(cal.WorkingMinutesBetween(s, later), m);
    // The answer is the earliest: its last microsecond was working time.
    EXPECT_TRUE(cal.IsWorkingTime(later - 1));
    const int64_t earlier = cal.AddWorkingMinutes(s, -m);
    EXPECT_EQ(cal.WorkingMinutesBetween(earlier, s), m);
    EXPECT_TRUE(cal.IsWorkingTime(earlier));
    const int64_t next = cal.NextWorkingInstant(s);
    EXPECT_TRUE(cal.IsWorkingTime(next));
    EXPECT_EQ(cal.WorkingMinutesBetween(s, next), 0);
    EXPECT_EQ(cal.WorkingMinutesBetween(later, s), 0);
  }
}

TEST(WorkCalendarTest, TenYearsOfMinutesRoundTrip) {
  const WorkCalendar cal = Calendar("Europe/Berlin");
  const int64_t start = At("2026-03-02T09:00+01:00");
  const int64_t minutes = int64_t{10} * 52 * 5 * 480;
  const int64_t due = cal.AddWorkingMinutes(start, minutes);
  EXPECT_EQ(cal.WorkingMinutesBetween(start, due), minutes);
  EXPECT_EQ(cal.LocalDate(due), "2036-02-15");  // 520 weeks, Friday before
}

TEST(WorkCalendarTest, ExtremeAmountsSaturateInsteadOfOverflowing) {
  const WorkCalendar cal = Calendar("UTC", {}, {}, {});
  EXPECT_EQ(cal.AddWorkingMinutes(0, INT64_MAX), WorkCalendar::kMaxInstant);
  EXPECT_EQ(cal.AddWorkingMinutes(0, INT64_MIN), WorkCalendar::kMinInstant);
  EXPECT_EQ(cal.AddWorkingDays(0, INT64_MIN), WorkCalendar::kMinInstant);
  EXPECT_EQ(cal.AddWorkingDays(At("1970-01-01T10:00Z"), INT64_MAX),
            WorkCalendar::kMaxInstant);
  EXPECT_FALSE(cal.IsWorkingTime(INT64_MAX));
  EXPECT_EQ(cal.LocalDate(INT64_MIN), "0000-01-01");
  EXPECT_EQ(cal.LocalDate(INT64_MAX), "9999-12-31");
  EXPECT_EQ(cal.WorkingMinutesBetween(10, 5), 0);
  EXPECT_EQ(cal.NextWorkingInstant(INT64_MAX), WorkCalendar::kMaxInstant);
}

TEST(WorkCalendarTest, CopiesAreSharedSafelyAcrossThreads) {
  const WorkCalendar cal = Calendar("Europe/Berlin", {}, {}, {"2026-12-25"});
  const int64_t start = At("2026-03-02T09:00+01:00");
  const int64_t expected = cal.AddWorkingMinutes(start, 480 * 300);
  std::vector<std::thread> threads;
  std::vector<int64_t> results(4);
  for (size_t i = 0; i < results.size(); ++i) {
    threads.emplace_back([copy = cal, start, &results, i] {
      results[i] = copy.AddWorkingMinutes(start, 480 * 300);
    });
  }
  for (std::thread& t : threads) t.join();
  for (int64_t r : results) EXPECT_EQ(r, expected);
}

TEST(WorkCalendarTest, BadInputsNameTheBadValue) {
  struct Case {
    Status status;
    const char* named;
  };
  const Case cases[] = {
      {MakeError("Mars/Olympus", {}, {}, {}), "\"Mars/Olympus\""},
      {MakeError("", {}, {}, {}), "unknown time zone \"\""},
      {MakeError("Asia/Jakarta", {"mon", "Tue"}, {}, {}), "\"Tue\""},
      {MakeError("Asia/Jakarta", {"monday"}, {}, {}), "\"monday\""},
      {MakeError("Asia/Jakarta", {}, {"9:00-17:00"}, {}), "\"9:00-17:00\""},
      {MakeError("Asia/Jakarta", {}, {"09:00-17:60"}, {}), "\"09:00-17:60\""},
      {MakeError("Asia/Jakarta", {}, {"24:00-24:00"}, {}), "\"24:00-24:00\""},
      {MakeError("Asia/Jakarta", {}, {"09:00-24:30"}, {}), "\"09:00-24:30\""},
      {MakeError("Asia/Jakarta", {}, {"09:00 17:00"}, {}), "\"09:00 17:00\""},
      {MakeError("Asia/Jakarta", {}, {"17:00-09:00"}, {}), "\"17:00-09:00\""},
      {MakeError("Asia/Jakarta", {}, {"10:00-10:00"}, {}), "\"10:00-10:00\""},
      {MakeError("Asia/Jakarta", {}, {"13:00-17:00", "09:00-13:30"}, {}),
       "\"09:00-13:30\" and \"13:00-17:00\" overlap"},
      {MakeError("Asia/Jakarta", {}, {}, {"2026-02-29"}), "\"2026-02-29\""},
      {MakeError("Asia/Jakarta", {}, {}, {"2026-1-1"}), "\"2026-1-1\""},
      {MakeError("Asia/Jakarta", {}, {}, {"2026-01-01", "01/05/2026"}),
       "\"01/05/2026\""},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.named);
    EXPECT_EQ(c.status.code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status.message(), HasSubstr(c.named));
  }
  EXPECT_THAT(MakeError("Asia/Jakrta", {}, {}, {}).message(),
              HasSubstr("did you mean \"Asia/Jakarta\""));
}

TEST(WorkCalendarTest, AcceptsEveryDayNameAndTheWholeDay) {
  Result<WorkCalendar> cal = WorkCalendar::Make(
      "UTC", {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, {"00:00-24:00"},
      {"2026-03-02"});
  ASSERT_TRUE(cal.ok()) << cal.status().ToString();
  EXPECT_EQ(cal->MinutesPerWorkingDay(), 24 * 60);
  EXPECT_TRUE(cal->IsWorkingTime(At("2026-03-01T23:59:59.999999Z")));
  EXPECT_FALSE(cal->IsWorkingTime(At("2026-03-02T00:00Z")));
  EXPECT_EQ(cal->NextWorkingInstant(At("2026-03-02T12:00Z")),
            At("2026-03-03T00:00Z"));
  EXPECT_EQ(cal->AddWorkingMinutes(At("2026-03-01T23:00Z"), 120),
            At("2026-03-03T01:00Z"));
}

}  // namespace
}  // namespace livesop

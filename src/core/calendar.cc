#include "core/calendar.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <exception>
#include <optional>

#include "core/text.h"

namespace livesop {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;
constexpr int64_t kMicrosPerMinute = 60 * kMicrosPerSecond;
constexpr int64_t kSecondsPerDay = 86'400;
constexpr int64_t kMicrosPerDay = kSecondsPerDay * kMicrosPerSecond;

// Local day numbers (days since 1970-01-01 on the wall clock) the loops may
// visit: one day either side of the instant range, because a zone's offset
// moves the local date of an instant by up to a day.
constexpr int64_t kFirstDay = WorkCalendar::kMinInstant / kMicrosPerDay - 1;
constexpr int64_t kLastDay = WorkCalendar::kMaxInstant / kMicrosPerDay + 1;
// The local dates LocalDate can name: 0000-01-01 and 9999-12-31.
constexpr int64_t kFirstDate = kFirstDay + 1;
constexpr int64_t kLastDate = kLastDay - 1;

// More working minutes (and days) than the whole instant range holds, so
// larger amounts can be capped before they are multiplied into
// microseconds, where they would overflow.
constexpr int64_t kMaxMinutes = int64_t{10'001} * 366 * 24 * 60;
constexpr int64_t kMaxDays = int64_t{10'001} * 366;

// How far an instant must be from the ends of a cached offset period for
// the cached offset to be the only reading of a local time: more than the
// largest difference between two UTC offsets (-12:00 to +14:00).
constexpr int64_t kOffsetMarginSeconds = 3 * kSecondsPerDay;
// Bounds for cached periods, whose ends the tz library marks with extreme
// values; clamping keeps the margin arithmetic from overflowing.
constexpr int64_t kSecondsBound = int64_t{1} << 40;

constexpr std::array<const char*, 7> kDayNames = {"sun", "mon", "tue", "wed",
                                                  "thu", "fri", "sat"};

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t ClampInstant(int64_t at) {
  return std::clamp(at, WorkCalendar::kMinInstant, WorkCalendar::kMaxInstant);
}

// Days since Sunday of local day number `day` (1970-01-01 was a Thursday).
int WeekdayOf(int64_t day) { return static_cast<int>(((day + 4) % 7 + 7) % 7); }

// Reads exactly `count` decimal digits of `text` at `pos`.
std::optional<int> Digits(std::string_view text, size_t pos, size_t count) {
  if (pos + count > text.size()) return std::nullopt;
  int value = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return std::nullopt;
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

// The local day number of a "YYYY-MM-DD" date, if it is one.
std::optional<int64_t> ParseDate(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  const std::optional<int> y = Digits(text, 0, 4);
  const std::optional<int> m = Digits(text, 5, 2);
  const std::optional<int> d = Digits(text, 8, 2);
  if (!y || !m || !d) return std::nullopt;
  const date::year_month_day ymd{date::year{*y},
                                 date::month{static_cast<unsigned>(*m)},
                                 date::day{static_cast<unsigned>(*d)}};
  if (!ymd.ok()) return std::nullopt;
  return date::sys_days{ymd}.time_since_epoch().count();
}

// Minutes since midnight of "HH:MM"; 24:00 only when `end_of_day`.
std::optional<int> ParseClock(std::string_view text, size_t pos,
                              bool end_of_day) {
  const std::optional<int> h = Digits(text, pos, 2);
  const std::optional<int> m = Digits(text, pos + 3, 2);
  if (!h || !m || text[pos + 2] != ':' || *m > 59) return std::nullopt;
  if (*h > 23 && !(end_of_day && *h == 24 && *m == 0)) return std::nullopt;
  return *h * 60 + *m;
}

std::string Quoted(std::string_view text) {
  constexpr size_t kShown = 64;
  std::string shown = OneLine(text.substr(0, kShown));
  if (text.size() > kShown) shown += "...";
  return "\"" + shown + "\"";
}

// A stretch of working time, in microseconds since the epoch: [begin, end).
struct Window {
  int64_t begin;
  int64_t end;
};

// Converts between local and UTC seconds in one zone, remembering the last
// offset period it looked up: consecutive days almost always share it, which
// turns a day-by-day walk over years into plain arithmetic. Not shared
// between threads; each calendar call makes its own.
class ZoneCursor {
 public:
  explicit ZoneCursor(const date::time_zone* zone) : zone_(zone) {}

  // The UTC reading of local time `local`. A time that occurs twice (the
  // hour repeated when clocks go back) is read at its first occurrence, or
  // its second when `latest`; a time that does not occur (the hour skipped
  // when clocks go forward) is read as the instant of the change.
  int64_t ToUtc(int64_t local, bool latest) {
    if (valid_) {
      const int64_t utc = local - offset_;
      if (utc - begin_ >= kOffsetMarginSeconds &&
          end_ - utc > kOffsetMarginSeconds) {
        return utc;
      }
    }
    const date::local_info info =
        zone_->get_info(date::local_seconds{std::chrono::seconds{local}});
    switch (info.result) {
      case date::local_info::nonexistent:
        Remember(info.second);
        return info.first.end.time_since_epoch().count();
      case date::local_info::ambiguous:
        if (latest) {
          Remember(info.second);
          return local - info.second.offset.count();
        }
        Remember(info.first);
        return local - info.first.offset.count();
      default:
        Remember(info.first);
        return local - info.first.offset.count();
    }
  }

  // The local wall-clock reading of UTC time `utc`.
  int64_t ToLocal(int64_t utc) {
    if (!valid_ || utc < begin_ || utc >= end_) {
      Remember(zone_->get_info(date::sys_seconds{std::chrono::seconds{utc}}));
    }
    return utc + offset_;
  }

  int64_t ToUtcMicros(int64_t local, bool latest) {
    const int64_t seconds = FloorDiv(local, kMicrosPerSecond);
    return ToUtc(seconds, latest) * kMicrosPerSecond +
           (local - seconds * kMicrosPerSecond);
  }

  int64_t ToLocalMicros(int64_t utc) {
    const int64_t seconds = FloorDiv(utc, kMicrosPerSecond);
    return ToLocal(seconds) * kMicrosPerSecond +
           (utc - seconds * kMicrosPerSecond);
  }

 private:
  void Remember(const date::sys_info& info) {
    begin_ = std::clamp<int64_t>(info.begin.time_since_epoch().count(),
                                 -kSecondsBound, kSecondsBound);
    end_ = std::clamp<int64_t>(info.end.time_since_epoch().count(),
                               -kSecondsBound, kSecondsBound);
    offset_ = info.offset.count();
    valid_ = true;
  }

  const date::time_zone* zone_;
  bool valid_ = false;
  int64_t begin_ = 0;
  int64_t end_ = 0;
  int64_t offset_ = 0;
};

}  // namespace

struct WorkCalendar::Rules {
  struct Span {
    int begin;  // minutes since local midnight
    int end;
  };

  std::string zone_name;
  const date::time_zone* zone = nullptr;
  std::array<bool, 7> working_weekday{};  // by days since Sunday
  std::vector<Span> spans;                // sorted, disjoint, not touching
  std::vector<int64_t> holidays;          // local day numbers, sorted
  int64_t minutes_per_day = 0;

  bool IsWorkingDay(int64_t day) const {
    return working_weekday[WeekdayOf(day)] &&
           !std::binary_search(holidays.begin(), holidays.end(), day);
  }

  // The first instant of local day `day`. Days so bounded partition the
  // time line, even where a zone repeats or skips midnight.
  static int64_t DayStart(ZoneCursor& cursor, int64_t day) {
    return cursor.ToUtc(day * kSecondsPerDay, false) * kMicrosPerSecond;
  }

  // The local day whose [DayStart(day), DayStart(day + 1)) holds `at`.
  static int64_t DayOf(ZoneCursor& cursor, int64_t at) {
    int64_t day = FloorDiv(cursor.ToLocalMicros(at), kMicrosPerDay);
    while (day > kFirstDay && at < DayStart(cursor, day)) --day;
    while (day < kLastDay && at >= DayStart(cursor, day + 1)) ++day;
    return day;
  }

  // Fills `out` with the working windows of local day `day`, in order.
  // Windows are clamped into the day and after one another, so that
  // repeated local hours are never counted twice.
  void Windows(ZoneCursor& cursor, int64_t day,
               std::vector<Window>* out) const {
    out->clear();
    if (!IsWorkingDay(day)) return;
    const int64_t midnight = day * kSecondsPerDay;
    int64_t floor = DayStart(cursor, day);
    const int64_t next_day = DayStart(cursor, day + 1);
    for (const Span& span : spans) {
      const int64_t begin = std::max(
          floor, cursor.ToUtc(midnight + int64_t{span.begin} * 60, false) *
                     kMicrosPerSecond);
      const int64_t end = std::min(
          next_day, cursor.ToUtc(midnight + int64_t{span.end} * 60, true) *
                        kMicrosPerSecond);
      if (begin < end) {
        out->push_back({begin, end});
        floor = end;
      }
    }
  }

  // The instant `amount` microseconds of working time after `start`
  // (clamped), counting from the next working instant.
  int64_t Forward(int64_t start, int64_t amount) const {
    ZoneCursor cursor(zone);
    std::vector<Window> windows;
    for (int64_t day = DayOf(cursor, start); day <= kLastDay; ++day) {
      Windows(cursor, day, &windows);
      for (const Window& w : windows) {
        if (w.end <= start) continue;
        const int64_t from = std::max(w.begin, start);
        if (amount <= w.end - from) return from + amount;
        amount -= w.end - from;
      }
    }
    return kMaxInstant;
  }

  // The instant `amount` microseconds of working time before `start`
  // (clamped), counting back from the last working instant before it.
  int64_t Backward(int64_t start, int64_t amount) const {
    ZoneCursor cursor(zone);
    std::vector<Window> windows;
    for (int64_t day = DayOf(cursor, start); day >= kFirstDay; --day) {
      Windows(cursor, day, &windows);
      for (auto w = windows.rbegin(); w != windows.rend(); ++w) {
        if (w->begin >= start) continue;
        const int64_t to = std::min(w->end, start);
        if (amount <= to - w->begin) return to - amount;
        amount -= to - w->begin;
      }
    }
    return kMinInstant;
  }
};

Result<WorkCalendar> WorkCalendar::Make(
    std::string time_zone, std::vector<std::string> working_days,
    std::vector<std::string> working_hours,
    const std::vector<std::string>& holidays) {
  auto rules = std::make_shared<Rules>();

  // The tz library reports problems by throwing; they stop here.
  const date::tzdb* db = nullptr;
  try {
    db = &date::get_tzdb();
  } catch (const std::exception& e) {
    return FailedPreconditionError(
        "cannot read the time zone database (is package tzdata installed?): " +
        OneLine(e.what()));
  }
  try {
    rules->zone = date::locate_zone(time_zone);
  } catch (const std::exception&) {
    std::vector<std::string> names;
    names.reserve(db->zones.size());
    for (const date::time_zone& z : db->zones) names.emplace_back(z.name());
    const std::string close = ClosestMatch(time_zone, names);
    return InvalidArgumentError(
        "unknown time zone " + Quoted(time_zone) +
        (close.empty() ? "" : "; did you mean \"" + close + "\"?") +
        " Use an IANA name such as Asia/Jakarta or Europe/Berlin");
  }
  try {
    // Reads the zone's file now, so later calls, which cannot report
    // errors, never meet a failure to read it.
    (void)rules->zone->get_info(date::sys_seconds{});
  } catch (const std::exception& e) {
    return FailedPreconditionError("cannot read time zone " +
                                   Quoted(time_zone) + ": " +
                                   OneLine(e.what()));
  }
  rules->zone_name = std::move(time_zone);

  if (working_days.empty()) working_days = {"mon", "tue", "wed", "thu", "fri"};
  for (const std::string& name : working_days) {
    const auto it = std::find(kDayNames.begin(), kDayNames.end(), name);
    if (it == kDayNames.end()) {
      return InvalidArgumentError("unknown working day " + Quoted(name) +
                                  "; use mon, tue, wed, thu, fri, sat, sun");
    }
    rules->working_weekday[it - kDayNames.begin()] = true;
  }

  if (working_hours.empty()) working_hours = {"09:00-17:00"};
  struct Parsed {
    Rules::Span span;
    const std::string* text;
  };
  std::vector<Parsed> parsed;
  parsed.reserve(working_hours.size());
  for (const std::string& text : working_hours) {
    std::optional<int> begin;
    std::optional<int> end;
    if (text.size() == 11 && text[5] == '-') {
      begin = ParseClock(text, 0, false);
      end = ParseClock(text, 6, true);
    }
    if (!begin || !end) {
      return InvalidArgumentError("working hours " + Quoted(text) +
                                  " are not HH:MM-HH:MM (such as 09:00-17:00; "
                                  "00:00 to 24:00)");
    }
    if (*begin >= *end) {
      return InvalidArgumentError(
          "working hours " + Quoted(text) +
          " end before they start; write the start first, and split hours "
          "that cross midnight into two days' intervals");
    }
    parsed.push_back({{*begin, *end}, &text});
  }
  std::sort(parsed.begin(), parsed.end(), [](const Parsed& a, const Parsed& b) {
    return a.span.begin < b.span.begin;
  });
  for (size_t i = 0; i < parsed.size(); ++i) {
    const Rules::Span span = parsed[i].span;
    rules->minutes_per_day += span.end - span.begin;
    if (i > 0 && span.begin < parsed[i - 1].span.end) {
      return InvalidArgumentError("working hours " +
                                  Quoted(*parsed[i - 1].text) + " and " +
                                  Quoted(*parsed[i].text) + " overlap");
    }
    if (!rules->spans.empty() && rules->spans.back().end == span.begin) {
      rules->spans.back().end = span.end;
    } else {
      rules->spans.push_back(span);
    }
  }

  rules->holidays.reserve(holidays.size());
  for (const std::string& text : holidays) {
    const std::optional<int64_t> day = ParseDate(text);
    if (!day) {
      return InvalidArgumentError("holiday " + Quoted(text) +
                                  " is not a date YYYY-MM-DD that exists");
    }
    rules->holidays.push_back(*day);
  }
  std::sort(rules->holidays.begin(), rules->holidays.end());
  rules->holidays.erase(
      std::unique(rules->holidays.begin(), rules->holidays.end()),
      rules->holidays.end());

  return WorkCalendar(std::move(rules));
}

const std::string& WorkCalendar::time_zone() const { return rules_->zone_name; }

int64_t WorkCalendar::MinutesPerWorkingDay() const {
  return rules_->minutes_per_day;
}

bool WorkCalendar::IsWorkingTime(int64_t at) const {
  if (at < kMinInstant || at > kMaxInstant) return false;
  ZoneCursor cursor(rules_->zone);
  std::vector<Window> windows;
  rules_->Windows(cursor, Rules::DayOf(cursor, at), &windows);
  return std::any_of(windows.begin(), windows.end(), [at](const Window& w) {
    return w.begin <= at && at < w.end;
  });
}

int64_t WorkCalendar::NextWorkingInstant(int64_t at) const {
  return rules_->Forward(ClampInstant(at), 0);
}

int64_t WorkCalendar::AddWorkingMinutes(int64_t start, int64_t minutes) const {
  if (minutes == 0) return start;
  // Clamped before negating, which would overflow for INT64_MIN.
  const int64_t amount =
      std::clamp(minutes, -kMaxMinutes, kMaxMinutes) * kMicrosPerMinute;
  return amount > 0 ? rules_->Forward(ClampInstant(start), amount)
                    : rules_->Backward(ClampInstant(start), -amount);
}

int64_t WorkCalendar::AddWorkingDays(int64_t start, int64_t days) const {
  if (days == 0) return start;
  days = std::clamp(days, -kMaxDays, kMaxDays);
  const int64_t at = ClampInstant(start);
  if (!IsWorkingTime(at)) {
    return AddWorkingMinutes(at, days * rules_->minutes_per_day);
  }
  ZoneCursor cursor(rules_->zone);
  int64_t day = Rules::DayOf(cursor, at);
  const int64_t time_of_day = cursor.ToLocalMicros(at) - day * kMicrosPerDay;
  const int64_t step = days > 0 ? 1 : -1;
  std::vector<Window> windows;
  for (int64_t left = days > 0 ? days : -days; left > 0;) {
    day += step;
    if (day > kLastDay) return kMaxInstant;
    if (day < kFirstDay) return kMinInstant;
    rules_->Windows(cursor, day, &windows);
    if (!windows.empty()) --left;
  }
  return ClampInstant(
      cursor.ToUtcMicros(day * kMicrosPerDay + time_of_day, false));
}

int64_t WorkCalendar::WorkingMinutesBetween(int64_t from, int64_t to) const {
  from = ClampInstant(from);
  to = ClampInstant(to);
  if (to <= from) return 0;
  ZoneCursor cursor(rules_->zone);
  std::vector<Window> windows;
  int64_t total = 0;
  for (int64_t day = Rules::DayOf(cursor, from);
       day <= kLastDay && Rules::DayStart(cursor, day) < to; ++day) {
    rules_->Windows(cursor, day, &windows);
    for (const Window& w : windows) {
      const int64_t overlap = std::min(w.end, to) - std::max(w.begin, from);
      if (overlap > 0) total += overlap;
    }
  }
  return total / kMicrosPerMinute;
}

std::string WorkCalendar::LocalDate(int64_t at) const {
  ZoneCursor cursor(rules_->zone);
  const int64_t day = std::clamp(
      FloorDiv(cursor.ToLocalMicros(ClampInstant(at)), kMicrosPerDay),
      kFirstDate, kLastDate);
  const date::year_month_day ymd{
      date::sys_days{date::days{static_cast<int>(day)}}};
  char text[16];
  std::snprintf(
      text, sizeof(text), "%04d-%02u-%02u", static_cast<int>(ymd.year()),
      static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return text;
}

Result<int64_t> WorkCalendar::StartOfLocalDate(std::string_view date) const {
  const std::optional<int64_t> day = ParseDate(date);
  if (!day) {
    return InvalidArgumentError("invalid date " + Quoted(date) +
                                "; expected a date YYYY-MM-DD that exists");
  }
  ZoneCursor cursor(rules_->zone);
  return ClampInstant(Rules::DayStart(cursor, *day));
}

}  // namespace livesop

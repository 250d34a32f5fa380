#include "sop/holidays.h"

#include <libical/ical.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <set>
#include <string_view>

namespace livesop::sop {
namespace {

// Occurrences of one rule at most, and how far an unbounded rule runs.
constexpr int kMaxOccurrences = 1000;
constexpr int kUnboundedYears = 30;
// An event longer than this is not a holiday but a mistake.
constexpr int kMaxDaysPerEvent = 366;

std::string FormatDate(int year, int month, int day) {
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02d-%02d", year, month, day);
  return text;
}

bool IsRealDate(int year, int month, int day) {
  return year >= 1 && year <= 9999 &&
         std::chrono::year_month_day(
             std::chrono::year(year),
             std::chrono::month(static_cast<unsigned>(month)),
             std::chrono::day(static_cast<unsigned>(day)))
             .ok();
}

bool IsRealDate(const std::string& text) {
  int year = 0;
  int month = 0;
  int day = 0;
  char tail = 0;
  return text.size() == 10 &&
         std::sscanf(text.c_str(), "%4d-%2d-%2d%c", &year, &month, &day,
                     &tail) == 3 &&
         text[4] == '-' && text[7] == '-' && IsRealDate(year, month, day);
}

std::string DateOf(const icaltimetype& t) {
  return FormatDate(t.year, t.month, t.day);
}

// libical aborts on errors unless told once not to.
void QuietLibical() {
  static std::once_flag once;
  std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

struct ComponentDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};

// The 1-based line of each `BEGIN:VEVENT`, in order: libical keeps no
// positions, so the n-th event is found by counting.
std::vector<int> EventLines(std::string_view text) {
  std::vector<int> lines;
  int line = 1;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view row = text.substr(start, end - start);
    if (!row.empty() && row.back() == '\r') row.remove_suffix(1);
    if (row.size() == 12) {
      std::string upper(row);
      for (char& c : upper) c = static_cast<char>(std::toupper(c));
      if (upper == "BEGIN:VEVENT") lines.push_back(line);
    }
    ++line;
    start = end + 1;
  }
  return lines;
}

class IcsReader {
 public:
  IcsReader(const std::string& text, const std::string& name,
            HolidayFileResult* out)
      : text_(text), name_(name), out_(out) {}

  void Read() {
    QuietLibical();
    const std::vector<int> lines = EventLines(text_);
    std::unique_ptr<icalcomponent, ComponentDeleter> root(
        icalparser_parse_string(text_.c_str()));
    if (root == nullptr ||
        icalcomponent_isa(root.get()) != ICAL_VCALENDAR_COMPONENT) {
      Error(1, "not an iCalendar file: it should begin with BEGIN:VCALENDAR",
            "export the holidays as .ics, or list them in a .yaml file");
      return;
    }
    int index = 0;
    for (icalcomponent* event = icalcomponent_get_first_component(
             root.get(), ICAL_VEVENT_COMPONENT);
         event != nullptr; event = icalcomponent_get_next_component(
                               root.get(), ICAL_VEVENT_COMPONENT)) {
      const int line = index < static_cast<int>(lines.size())
                           ? lines[static_cast<size_t>(index)]
                           : 0;
      ++index;
      ReadEvent(event, line);
    }
    if (index == 0) {
      Error(1, "the calendar holds no VEVENT, so no holiday",
            "check that this is the holiday calendar");
    }
  }

 private:
  void Error(int line, std::string message, std::string hint = {}) {
    out_->diagnostics.Error({name_, line, line > 0 ? 1 : 0}, "holidays-invalid",
                            std::move(message), std::move(hint));
  }

  void ReadEvent(icalcomponent* event, int line) {
    const char* summary = icalcomponent_get_summary(event);
    const std::string title = summary != nullptr ? summary : "";
    for (icalproperty* p =
             icalcomponent_get_first_property(event, ICAL_XLICERROR_PROPERTY);
         p != nullptr;
         p = icalcomponent_get_next_property(event, ICAL_XLICERROR_PROPERTY)) {
      const char* what = icalproperty_get_xlicerror(p);
      Error(line,
            "event " + Quoted(title) + "is not valid iCalendar: " +
                (what != nullptr ? what : "unreadable property"),
            "dates are written DTSTART;VALUE=DATE:YYYYMMDD");
      return;
    }
    const icaltimetype start = icalcomponent_get_dtstart(event);
    if (icaltime_is_null_time(start) ||
        !IsRealDate(start.year, start.month, start.day)) {
      Error(line, "event " + Quoted(title) + "has no start date (DTSTART)",
            "write DTSTART;VALUE=DATE:YYYYMMDD");
      return;
    }
    // DTEND is exclusive; dates written as YYYY-MM-DD compare in order.
    int days = 1;
    const icaltimetype end = icalcomponent_get_dtend(event);
    if (!icaltime_is_null_time(end) && icaltime_is_date(start)) {
      icaltimetype day = start;
      const std::string last = DateOf(end);
      days = 0;
      while (DateOf(day) < last && days <= kMaxDaysPerEvent) {
        ++days;
        icaltime_adjust(&day, 1, 0, 0, 0);
      }
      days = std::max(days, 1);
    }
    if (days > kMaxDaysPerEvent) {
      Error(line,
            "event " + Quoted(title) + "lasts " + std::to_string(days) +
                " days, longer than any holiday",
            "check DTEND");
      return;
    }
    std::set<std::string> excluded;
    for (icalproperty* p =
             icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY);
         p != nullptr;
         p = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY)) {
      excluded.insert(DateOf(icalproperty_get_exdate(p)));
    }
    std::vector<icaltimetype> starts;
    icalproperty* rule =
        icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY);
    if (rule == nullptr) {
      starts.push_back(start);
    } else {
      const icalrecurrencetype recurrence = icalproperty_get_rrule(rule);
      icalrecur_iterator* it = icalrecur_iterator_new(recurrence, start);
      if (it == nullptr) {
        Error(line,
              "event " + Quoted(title) +
                  "has an RRULE libical cannot "
                  "expand",
              "list each year's date as its own VEVENT");
        return;
      }
      for (icaltimetype t = icalrecur_iterator_next(it);
           !icaltime_is_null_time(t) &&
           static_cast<int>(starts.size()) < kMaxOccurrences &&
           t.year < start.year + kUnboundedYears;
           t = icalrecur_iterator_next(it)) {
        starts.push_back(t);
      }
      icalrecur_iterator_free(it);
    }
    for (const icaltimetype& first : starts) {
      icaltimetype day = first;
      day.is_date = 1;
      for (int i = 0; i < days; ++i) {
        const std::string date = DateOf(day);
        if (excluded.count(date) == 0) {
          Holiday holiday;
          holiday.where = {name_, line, 1};
          holiday.date = date;
          holiday.name = title;
          out_->holidays.push_back(std::move(holiday));
        }
        icaltime_adjust(&day, 1, 0, 0, 0);
      }
    }
  }

  static std::string Quoted(const std::string& title) {
    return title.empty() ? "" : "\"" + title + "\" ";
  }

  const std::string& text_;
  const std::string& name_;
  HolidayFileResult* out_;
};

void ReadYaml(const std::string& text, const std::string& name,
              HolidayFileResult* out) {
  auto at = [&](const YAML::Node& node) -> SourceLocation {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {name, 0, 0};
    return {name, mark.line + 1, mark.column + 1};
  };
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    SourceLocation where{name, 0, 0};
    if (!e.mark.is_null()) where = {name, e.mark.line + 1, e.mark.column + 1};
    out->diagnostics.Error(where, "holidays-invalid",
                           "not valid YAML: " + e.msg,
                           "check indentation and quoting near here");
    return;
  }
  YAML::Node list = root;
  if (root.IsMap() && root["holidays"]) list = root["holidays"];
  if (!list.IsSequence()) {
    out->diagnostics.Error(
        at(root), "holidays-invalid",
        "a holiday file should be a list of {date, name}, or a map with a "
        "`holidays` list",
        "write `- { date: 2026-01-01, name: New Year's Day }` per holiday");
    return;
  }
  try {
    for (const YAML::Node& item : list) {
      if (!item.IsMap() || !item["date"] || !item["date"].IsScalar()) {
        out->diagnostics.Error(at(item), "holidays-invalid",
                               "a holiday needs a `date`",
                               "write `{ date: YYYY-MM-DD, name: ... }`");
        continue;
      }
      const std::string date = item["date"].Scalar();
      if (!IsRealDate(date)) {
        out->diagnostics.Error(at(item["date"]), "holidays-invalid",
                               "\"" + date + "\" is not a date",
                               "write dates as YYYY-MM-DD");
        continue;
      }
      Holiday holiday;
      holiday.where = at(item);
      holiday.date = date;
      if (item["name"] && item["name"].IsScalar()) {
        holiday.name = item["name"].Scalar();
      }
      out->holidays.push_back(std::move(holiday));
    }
  } catch (const YAML::Exception& e) {
    out->diagnostics.Error({name, 0, 0}, "holidays-invalid",
                           std::string("could not read the YAML: ") + e.msg);
  }
}

}  // namespace

HolidayFileResult ParseHolidayFile(const std::string& text,
                                   const std::string& name) {
  HolidayFileResult result;
  std::string extension = std::filesystem::path(name).extension().string();
  for (char& c : extension) c = static_cast<char>(std::tolower(c));
  if (extension == ".ics") {
    IcsReader(text, name, &result).Read();
  } else if (extension == ".yaml" || extension == ".yml") {
    ReadYaml(text, name, &result);
  } else {
    result.diagnostics.Error(
        {name, 0, 0}, "holidays-invalid",
        "\"" + name + "\" is neither iCalendar (.ics) nor YAML (.yaml)",
        "export the holidays as .ics, or list them in a .yaml file");
  }
  return result;
}

}  // namespace livesop::sop

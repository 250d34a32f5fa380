#include "engine/ical.h"

#include <libical/ical.h>

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <mutex>
#include <set>
#include <unordered_map>

#include "core/text.h"

namespace livesop::engine {
namespace {

constexpr const char* kProdId = "-//livesop//Marketing calendar//EN";

// libical aborts on errors unless told once not to.
void QuietLibical() {
  static std::once_flag once;
  std::call_once(once, [] { icalerror_set_errors_are_fatal(0); });
}

struct ComponentDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using Component = std::unique_ptr<icalcomponent, ComponentDeleter>;

icaltimetype UtcTime(int64_t micros) {
  return icaltime_from_timet_with_zone(static_cast<time_t>(micros / 1000000), 0,
                                       icaltimezone_get_utc_timezone());
}

// A local date, YYYY-MM-DD, as an iCalendar DATE.
icaltimetype Date(const std::string& date) {
  icaltimetype t = icaltime_null_date();
  t.year = std::atoi(date.substr(0, 4).c_str());
  t.month = std::atoi(date.substr(5, 2).c_str());
  t.day = std::atoi(date.substr(8, 2).c_str());
  return t;
}

void AddX(icalcomponent* c, const char* name, const std::string& value) {
  icalproperty* p = icalproperty_new_x(value.c_str());
  icalproperty_set_x_name(p, name);
  icalcomponent_add_property(c, p);
}

int Sequence(int64_t sequence) {
  return static_cast<int>(std::clamp<int64_t>(sequence, 0, 2147483647));
}

std::string KindText(const Milestone& m) {
  if (m.kind == "deadline") return "deadline";
  if (m.kind == "step") return "latest finish of step " + m.step;
  if (m.kind == "after-launch") return "expected finish of step " + m.step;
  return "launch";
}

icalcomponent* EventOf(const CalendarItem& item, const icaltimetype& stamp) {
  const Milestone& m = item.milestone;
  const CalendarCampaign& c = *item.campaign;
  icalcomponent* e = icalcomponent_new_vevent();
  icalcomponent_add_property(
      e, icalproperty_new_uid(MilestoneUid(c.campaign, m.id).c_str()));
  icalcomponent_add_property(e, icalproperty_new_dtstamp(stamp));
  icalcomponent_add_property(
      e, icalproperty_new_sequence(Sequence(item.sequence)));
  if (m.all_day) {
    icalcomponent_add_property(e, icalproperty_new_dtstart(Date(m.date)));
  } else {
    icalcomponent_add_property(e, icalproperty_new_dtstart(UtcTime(m.due_us)));
  }
  const std::string title = c.title.empty() ? c.campaign : c.title;
  const std::string summary =
      m.kind == "launch" ? "Launch: " + title : m.name + " — " + title;
  icalcomponent_add_property(e, icalproperty_new_summary(summary.c_str()));
  std::string description = "Campaign " + title + " (" + c.campaign + ", " +
                            c.campaign_type + "). " + m.name + ": " +
                            KindText(m) + ", due " + m.date + ".";
  if (!m.role.empty()) description += " Role: " + m.role + ".";
  if (!m.status.empty()) description += " Status: " + m.status + ".";
  icalcomponent_add_property(e,
                             icalproperty_new_description(description.c_str()));
  icalcomponent_add_property(e, icalproperty_new_categories(m.kind.c_str()));
  const bool ended = c.status == "cancelled" || c.status == "rejected";
  icalcomponent_add_property(
      e, icalproperty_new_status(ended ? ICAL_STATUS_CANCELLED
                                       : ICAL_STATUS_CONFIRMED));
  icalcomponent_add_property(
      e, icalproperty_new_relatedto(CampaignUid(c.campaign).c_str()));
  if (!m.status.empty()) AddX(e, "X-LIVESOP-STATUS", m.status);
  return e;
}

icalcomponent* TodoOf(const FeedTask& f, const icaltimetype& stamp) {
  const store::TaskRecord& t = f.task;
  icalcomponent* c = icalcomponent_new_vtodo();
  icalcomponent_add_property(c, icalproperty_new_uid(TaskUid(t.task).c_str()));
  icalcomponent_add_property(c, icalproperty_new_dtstamp(stamp));
  icalcomponent_add_property(c,
                             icalproperty_new_sequence(Sequence(f.sequence)));
  if (t.due_us > 0) {
    icalcomponent_add_property(c, icalproperty_new_due(UtcTime(t.due_us)));
  }
  const std::string title =
      f.campaign_title.empty() ? t.campaign : f.campaign_title;
  const std::string what = t.activity.empty() ? t.step : t.activity;
  icalcomponent_add_property(
      c, icalproperty_new_summary((what + " — " + title).c_str()));
  std::string description =
      "Campaign " + title + " (" + t.campaign + "), step " + t.step + ".";
  if (!t.role.empty()) description += " Role: " + t.role + ".";
  if (!t.assignee.empty()) description += " Assigned to " + t.assignee + ".";
  icalcomponent_add_property(c,
                             icalproperty_new_description(description.c_str()));
  const bool done = t.status == "done" || t.status == "skipped";
  icalcomponent_add_property(
      c, icalproperty_new_status(done ? ICAL_STATUS_COMPLETED
                                      : ICAL_STATUS_NEEDSACTION));
  if (done && t.completed_us > 0) {
    icalcomponent_add_property(
        c, icalproperty_new_completed(UtcTime(t.completed_us)));
  }
  icalcomponent_add_property(
      c, icalproperty_new_relatedto(CampaignUid(t.campaign).c_str()));
  return c;
}

}  // namespace

std::string MilestoneUid(const std::string& campaign,
                         const std::string& milestone) {
  return campaign + "/" + milestone + "@livesop";
}
std::string TaskUid(const std::string& task) { return task + "@livesop"; }
std::string CampaignUid(const std::string& campaign) {
  return campaign + "@livesop";
}

std::vector<FeedTask> FeedTasks(const CalendarInputs& inputs,
                                const std::vector<std::string>& people,
                                const std::vector<std::string>& campaigns,
                                int64_t since_us) {
  std::unordered_map<std::string, const CalendarCampaign*> by_id;
  for (const CalendarCampaign& c : inputs.campaigns) by_id[c.campaign] = &c;
  const std::set<std::string> who(people.begin(), people.end());
  const std::set<std::string> which(campaigns.begin(), campaigns.end());
  std::vector<FeedTask> out;
  for (const store::TaskRecord& t : inputs.tasks) {
    const bool open = t.status == "open" || t.status == "in_progress";
    const bool done_lately = t.status == "done" && t.completed_us >= since_us;
    if (!open && !done_lately) continue;
    if (!which.empty()) {
      if (!which.contains(t.campaign)) continue;
    } else if (!(open ? who.contains(t.assignee)
                      : who.contains(t.completed_by) ||
                            who.contains(t.assignee))) {
      continue;
    }
    FeedTask f;
    f.task = t;
    if (auto it = by_id.find(t.campaign); it != by_id.end()) {
      f.campaign_title = it->second->title;
      if (auto s = it->second->step_sequence.find(t.step);
          s != it->second->step_sequence.end()) {
        f.sequence = std::max<int64_t>(0, s->second - 1);
      }
    }
    out.push_back(std::move(f));
  }
  std::sort(out.begin(), out.end(), [](const FeedTask& a, const FeedTask& b) {
    return a.task.task < b.task.task;
  });
  return out;
}

Result<std::string> WriteICalendar(const ICalFeed& feed) {
  QuietLibical();
  Component calendar(icalcomponent_new_vcalendar());
  if (!calendar) return InternalError("libical could not make a calendar");
  icalcomponent* cal = calendar.get();
  icalcomponent_add_property(cal, icalproperty_new_prodid(kProdId));
  icalcomponent_add_property(cal, icalproperty_new_version("2.0"));
  icalcomponent_add_property(cal, icalproperty_new_calscale("GREGORIAN"));
  AddX(cal, "X-WR-CALNAME",
       feed.name.empty() ? "Marketing calendar" : OneLine(feed.name));
  const icaltimetype stamp = UtcTime(feed.stamp_us);
  for (const CalendarItem& item : feed.items) {
    icalcomponent_add_component(cal, EventOf(item, stamp));
  }
  for (const FeedTask& task : feed.tasks) {
    icalcomponent_add_component(cal, TodoOf(task, stamp));
  }
  char* text = icalcomponent_as_ical_string_r(cal);
  if (text == nullptr) {
    return InternalError("libical could not write the calendar");
  }
  std::string out(text);
  icalmemory_free_buffer(text);
  return out;
}

}  // namespace livesop::engine

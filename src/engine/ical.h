// The marketing calendar as iCalendar (RFC 5545), for calendar apps to
// subscribe to: a VEVENT per launch and milestone, a VTODO per task, with
// UIDs that never change and SEQUENCE numbers that only grow.
// docs/marketing-calendar.md gives the mapping. Built and serialised with
// libical.
#ifndef LIVESOP_ENGINE_ICAL_H_
#define LIVESOP_ENGINE_ICAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/marketing_calendar.h"
#include "store/store.h"

namespace livesop::engine {

// A task in a feed, with what its VTODO shows besides the task itself.
struct FeedTask {
  store::TaskRecord task;
  std::string campaign_title;
  // The campaign version at the task's last change minus one (the last
  // event naming its step).
  int64_t sequence = 0;
};

struct ICalFeed {
  std::string name;      // X-WR-CALNAME
  int64_t stamp_us = 0;  // DTSTAMP of every component: when it was made
  // A VEVENT each; their campaigns (CalendarInputs) must outlive the feed.
  std::vector<CalendarItem> items;
  std::vector<FeedTask> tasks;  // a VTODO each
};

// The tasks a feed of `people` holds: their open tasks (open, in
// progress) and those they completed at or after `since_us`, so a
// subscriber sees them ticked off; with `campaigns` set, every task of
// those campaigns instead (open, or done since `since_us`). By task id.
std::vector<FeedTask> FeedTasks(const CalendarInputs& inputs,
                                const std::vector<std::string>& people,
                                const std::vector<std::string>& campaigns,
                                int64_t since_us);

// The UIDs: "CAMPAIGN/MILESTONE@livesop", "TASK@livesop" and, for
// RELATED-TO, "CAMPAIGN@livesop".
std::string MilestoneUid(const std::string& campaign,
                         const std::string& milestone);
std::string TaskUid(const std::string& task);
std::string CampaignUid(const std::string& campaign);

// The VCALENDAR text (CRLF line ends, folded lines). Internal when libical
// fails to build a component.
Result<std::string> WriteICalendar(const ICalFeed& feed);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_ICAL_H_

// The marketing calendar: when each campaign's launch and the work before
// and after it fall due, derived backwards from the launch date through the
// SOP's deadlines and SLAs; the what-if of a launch date not yet requested;
// and the clashes between campaigns (too many launches on a day or a
// channel, launches in a freeze, work due while its person is away or on a
// day the office is closed). docs/marketing-calendar.md states the rules.
//
// Pure functions of their arguments: the SOP, the campaigns' form values,
// tasks and absences (read from the store by ReadCalendarInputs, the one
// function here that touches it) and "now" are passed in.
#ifndef LIVESOP_ENGINE_MARKETING_CALENDAR_H_
#define LIVESOP_ENGINE_MARKETING_CALENDAR_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/preview.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::engine {

// One dated item of a campaign's plan.
struct Milestone {
  // Stable within the campaign: the deadline's id, "step:STEP", "launch".
  std::string id;
  std::string name;
  // "deadline" (calendar.deadlines), "step" (the latest finish of a step
  // before the launch), "launch", "after-launch" (a step after the launch,
  // expected finish).
  std::string kind;
  std::string step;  // the step it belongs to; empty for a deadline without
  std::string role;  // who is responsible: the deadline's or step's role
  int64_t due_us = 0;
  std::string date;      // the local date of due_us on the default calendar
  bool all_day = false;  // the launch, and deadlines in days or weeks
  // For a real campaign: "done" (the step's tasks are all done or skipped,
  // or the campaign completed), "late" (due before now and not done),
  // "open"; empty for a what-if.
  std::string status;

  friend bool operator==(const Milestone&, const Milestone&) = default;
};

// What `calendar plan` answers: the milestones of a launch on a date not
// yet requested.
struct LaunchPlan {
  std::string campaign_type;
  std::string launch_date;            // YYYY-MM-DD as asked
  std::vector<Milestone> milestones;  // by due time
  // One per pre-launch milestone already past at `now`, in words: "the
  // Campaign brief reviewed deadline would be 2026-10-12, 8 business days
  // ago".
  std::vector<std::string> warnings;
  // The route preview's verdict on the date (a working day, outside the
  // freezes, not before the earliest launch) and no warning.
  bool feasible = false;
  std::string verdict;          // the preview's verdict in words
  std::string earliest_launch;  // the preview's earliest feasible launch
  std::vector<PreviewProblem> problems;  // the preview's
};

// The milestones for a campaign of `campaign_type` launching on
// `launch_date` (YYYY-MM-DD) with form `values` (launch_date included or
// not: the date given wins), as if asked at `now_us`, on `sop`'s default
// calendar. InvalidArgument for an unknown type (naming the closest), a
// malformed date or a type whose process is missing.
Result<LaunchPlan> PlanLaunch(const sop::Definition& sop,
                              const std::string& campaign_type,
                              const std::string& launch_date, int64_t now_us,
                              const nlohmann::json& values = nullptr);

// A campaign as the calendar needs it, with the campaign version at which
// each part of it last changed (for iCalendar SEQUENCE numbers).
struct CalendarCampaign {
  std::string campaign;
  std::string campaign_type;
  std::string title;
  std::string owner;
  std::string status;  // as the campaigns read model has it
  int64_t version = 0;
  // The time of its latest event (the campaigns read model's): when any
  // part of it last changed, for a served feed's DTSTAMP.
  int64_t last_event_us = 0;
  nlohmann::json values = nlohmann::json::object();  // the form values
  int64_t values_sequence = 1;  // the event that last set the values
  int64_t status_sequence = 0;  // the event that ended it; 0 while active
  // The last event that named each step (a task created, done, reopened).
  std::map<std::string, int64_t> step_sequence;
};

struct CalendarInputs {
  std::vector<CalendarCampaign> campaigns;  // by campaign id
  std::vector<store::TaskRecord> tasks;     // every task
  std::vector<store::Absence> absences;     // every absence
  int64_t now_us = 0;
};

// Reads what the calendar needs from `store`: the campaigns read model, one
// Scan of the events for form values and change sequences, every task and
// absence. Store errors as they come.
Result<CalendarInputs> ReadCalendarInputs(store::Store& store, int64_t now_us);

// A milestone of one campaign on the calendar. The campaign is not copied
// (a year of 10,000 campaigns has 300,000 items): the item points to it in
// the CalendarInputs the calendar was built from, which must outlive it.
struct CalendarItem {
  const CalendarCampaign* campaign = nullptr;  // never null in a calendar
  Milestone milestone;
  // The iCalendar SEQUENCE: the campaign version at the item's last change
  // minus one (docs/marketing-calendar.md); never decreases.
  int64_t sequence = 0;
};

// A clash on the calendar. `kind`: "launches-per-day",
// "launches-per-channel", "freeze", "absent", "not-working-day".
struct CalendarConflict {
  std::string kind;
  std::string date;                    // YYYY-MM-DD
  std::vector<std::string> campaigns;  // the campaigns involved, sorted
  std::string message;                 // what is wrong and what to do

  friend bool operator==(const CalendarConflict&,
                         const CalendarConflict&) = default;
};

struct MarketingCalendar {
  std::string from;                 // YYYY-MM-DD, inclusive
  std::string to;                   // YYYY-MM-DD, exclusive
  std::vector<CalendarItem> items;  // by due time, campaign, milestone id
  std::vector<CalendarConflict> conflicts;  // by date, kind
  // Campaigns left out: no launch date, or a type the SOP lacks ("ID: why").
  std::vector<std::string> skipped;
};

struct CalendarOptions {
  // Default false. True keeps cancelled and rejected campaigns (the
  // iCalendar feed marks their items CANCELLED so subscribers drop them).
  bool include_ended = false;
  // Default empty: every campaign. Else only these campaigns' items and
  // the conflicts that involve them (conflicts are still found among all).
  std::vector<std::string> only_campaigns;
};

// The calendar of every campaign in `inputs` (not cancelled or rejected
// unless options say) whose milestones fall in [from, to) (local dates on
// the default calendar), with their status at inputs.now_us, and the
// conflicts among them. Each campaign type's route is previewed once per
// route (the gateway inputs it reads) and its milestones computed once per
// launch date. The items point into `inputs`: keep it while the calendar
// is used. InvalidArgument for a malformed date or `to` not after `from`.
Result<MarketingCalendar> BuildMarketingCalendar(
    const sop::Definition& sop, const CalendarInputs& inputs,
    const std::string& from, const std::string& to,
    const CalendarOptions& options = {});

// The campaigns a person's feed shows: those they own or hold (or held) a
// task in. For a team, its members'. Sorted.
std::vector<std::string> CampaignsOfPeople(
    const CalendarInputs& inputs, const std::vector<std::string>& people);

// The members of team `team` (people whose `team` it is).
std::vector<std::string> MembersOf(const sop::Definition& sop,
                                   const std::string& team);

// As JSON for `--json` and the API: {"from", "to", "items": [{"campaign",
// "campaign_type", "title", "owner", "channels", "id", "name", "kind",
// "step", "role", "due", "date", "all_day", "status", "sequence"}],
// "conflicts": [{"kind", "date", "campaigns", "message"}], "skipped"}.
nlohmann::json MarketingCalendarToJson(const MarketingCalendar& calendar);
// {"campaign_type", "launch_date", "feasible", "verdict",
// "earliest_launch", "warnings", "milestones": [...], "problems": [...]}.
nlohmann::json LaunchPlanToJson(const LaunchPlan& plan);
nlohmann::json MilestoneToJson(const Milestone& milestone);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_MARKETING_CALENDAR_H_

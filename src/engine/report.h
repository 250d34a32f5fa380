// The department report of the SOP's section 10 (Campaign Reporting &
// Performance Review): for the campaigns of a period, how many there are and
// how they ended, whether they launched on the date their request asked
// for, how long they took from submission to completion, how long approvals
// took and how often they were given outside the app or sent back, and what
// was spent against each budget. docs/reports.md defines every figure.
//
// It reads and never writes: the campaigns read model and one Scan of the
// store, filtered to the event types the figures need; nothing is read per
// campaign.
#ifndef LIVESOP_ENGINE_REPORT_H_
#define LIVESOP_ENGINE_REPORT_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::engine {

struct ReportOptions {
  // The period, as local dates (YYYY-MM-DD) on the SOP's default calendar,
  // both included. A campaign is in it when its requested launch date or
  // the date it was submitted falls in it. Default empty: no bound on that
  // side (both empty: every campaign).
  std::string from;
  std::string to;
  // Default empty: every type. Else only campaigns of this type, which the
  // SOP (or one of `pinned`) must have.
  std::string campaign_type;
  // "Now", for launches overdue: a launch date before the local date of
  // now that has not launched yet. Default 0: none is overdue.
  int64_t now_us = 0;
  // The older published SOP versions campaigns may be pinned to. A
  // campaign whose version is one of these is read with it (its launch
  // steps, budget field); any other campaign with the current SOP. Each
  // must outlive the call.
  std::vector<const sop::Definition*> pinned;
};

// Count, median, 90th percentile, minimum and maximum of a set of
// durations. Percentiles interpolate linearly between the two nearest
// ranks (Percentile below); all are 0 when `count` is 0.
struct DurationStats {
  int64_t count = 0;
  double median = 0;
  double p90 = 0;
  double min = 0;
  double max = 0;

  friend bool operator==(const DurationStats&, const DurationStats&) = default;
};

// The `p`-th quantile (0 ≤ p ≤ 1) of `values`, interpolated linearly
// between the closest ranks: sorted x[0..n-1], h = (n - 1) * p, the value
// x[⌊h⌋] + (h - ⌊h⌋) * (x[⌊h⌋ + 1] - x[⌊h⌋]) (numpy's default, Excel's
// PERCENTILE.INC). 0 for no values. `values` need not be sorted.
double Percentile(std::vector<double> values, double p);

// The stats of `values` (in any order).
DurationStats StatsOf(const std::vector<double>& values);

// How a campaign's launch went against its requested launch date.
enum class LaunchStatus {
  kOnTime,         // launched on or before the launch date
  kLate,           // launched after it
  kNotYet,         // open, not launched, the date is today or later
  kOverdue,        // open, not launched, the date has passed
  kNeverLaunched,  // ended (completed, rejected, cancelled) unlaunched
  kNoLaunchDate,   // the request has no (valid) launch date
};

// "on_time", "late", "not_yet", "overdue", "never_launched",
// "no_launch_date".
const char* LaunchStatusName(LaunchStatus status);

// The figures of one campaign of the period.
struct CampaignFigures {
  std::string campaign;
  std::string campaign_type;
  std::string title;
  std::string status;  // "active", "completed", "rejected", "cancelled"
  std::string sop_version;
  // When it was submitted: its campaign_created event (for a campaign known
  // only from imported events, its earliest event).
  int64_t submitted_us = 0;
  std::string submitted_date;  // its local date on the default calendar
  int64_t closed_us = 0;       // when it ended; 0 while active

  // The launch. `launch_date` is the request's launch_date (YYYY-MM-DD) as
  // the marketing calendar reads it; empty when there is none.
  std::string launch_date;
  // The first time one of its process's launch steps (LaunchStepsOf) was
  // done (completed, finished, or skipped as a departure); 0: never.
  int64_t launched_us = 0;
  std::string launched_date;  // its local date on the default calendar
  std::string launch_step;    // the step that marked it
  LaunchStatus launch = LaunchStatus::kNoLaunchDate;
  int64_t days_late = 0;  // kLate: calendar days after the launch date

  // Submission to completion, in days; only for completed campaigns.
  std::optional<double> cycle_days;

  // Decisions on its approval and review steps; those recorded as informal
  // approvals (given outside the app); and requests for changes.
  int64_t decisions = 0;
  int64_t informal = 0;
  int64_t changes_requested = 0;

  // Spend against the budget, in the SOP's budget currency. `budget` is
  // the request's value of the SOP's budget field (nullopt: none);
  // `spent` the spend so far (the last spend_recorded's total; 0 without
  // any). `remaining` and `used_pct` only with a budget (`used_pct` only
  // with a budget above 0).
  std::optional<double> budget;
  double spent = 0;
  std::optional<double> remaining;
  std::optional<double> used_pct;
  bool over_budget = false;  // spent > budget

  // Imported channel results (impressions, clicks, conversions) and KPI
  // attainment will be figures of their own here; none are read yet.
};

// Campaigns by status.
struct StatusCounts {
  int64_t total = 0;
  int64_t active = 0;
  int64_t completed = 0;
  int64_t rejected = 0;
  int64_t cancelled = 0;

  friend bool operator==(const StatusCounts&, const StatusCounts&) = default;
};

// Launches against their dates (LaunchStatus). `on_time_share` is on time
// / (on time + late), the share of launched campaigns with a date that
// launched on time; nullopt when none launched.
struct LaunchSummary {
  int64_t on_time = 0;
  int64_t late = 0;
  int64_t not_yet = 0;
  int64_t overdue = 0;
  int64_t never_launched = 0;
  int64_t no_launch_date = 0;
  std::optional<double> on_time_share;
  DurationStats days_late;  // over the late launches

  friend bool operator==(const LaunchSummary&, const LaunchSummary&) = default;
};

// Submission to completion, in days, of completed campaigns; those still
// active and those that ended otherwise are counted, not measured.
struct CycleTimes {
  DurationStats days;  // count = completed campaigns
  int64_t open = 0;
  int64_t rejected_or_cancelled = 0;

  friend bool operator==(const CycleTimes&, const CycleTimes&) = default;
};

// Decisions on one approval or review step (of any process), or by one
// role on it. A decision's time is from the creation of the task it
// decides (its round, after a revision loop) to the decision, in hours.
struct ApprovalFigures {
  std::string step;
  std::string name;  // the step's name in the SOP; else the step id
  std::string role;  // by role: the role decided in; else empty
  int64_t decisions = 0;
  DurationStats hours;   // count: the decisions whose task creation was seen
  int64_t informal = 0;  // deviation informal_approval: given outside the app
  int64_t approved = 0;
  int64_t rejected = 0;
  int64_t changes_requested = 0;         // decisions that sent it back
  int64_t campaigns = 0;                 // campaigns with a decision on it
  int64_t campaigns_with_revisions = 0;  // ... of which sent back at least once
  std::vector<ApprovalFigures> roles;    // the step's: by role, sorted

  friend bool operator==(const ApprovalFigures&,
                         const ApprovalFigures&) = default;
};

// Spend against budget over a group of campaigns. `budget`, `spent`,
// `remaining` and `used_pct` are over the campaigns with a budget;
// `unbudgeted_spent` is the spend of those without one.
struct SpendTotals {
  int64_t campaigns = 0;
  int64_t with_budget = 0;
  double budget = 0;
  double spent = 0;
  double remaining = 0;
  std::optional<double> used_pct;  // nullopt when the budgets sum to 0
  int64_t over_budget = 0;         // campaigns over their budget
  double unbudgeted_spent = 0;

  friend bool operator==(const SpendTotals&, const SpendTotals&) = default;
};

// The figures of one campaign type.
struct TypeFigures {
  std::string campaign_type;
  std::string name;  // the type's name in the SOP; else its id
  StatusCounts status;
  LaunchSummary launch;
  CycleTimes cycle;
  SpendTotals spend;
};

struct DepartmentReport {
  // The period and filters as given (empty: unbounded, every type).
  std::string from;
  std::string to;
  std::string campaign_type;
  std::string currency;       // the SOP's budget currency; empty when none
  std::string calendar_zone;  // the default calendar's time zone
  // How many campaigns the store holds (of the type, when one is given),
  // in the period or not: 0 means an empty store.
  int64_t campaigns_in_store = 0;

  StatusCounts status;
  LaunchSummary launch;
  CycleTimes cycle;
  SpendTotals spend;
  std::vector<TypeFigures> types;          // by type id
  std::vector<ApprovalFigures> approvals;  // by the SOP's step order
  std::vector<CampaignFigures> campaigns;  // by campaign id

  // Imported channel results and KPI attainment will be a section of their
  // own here, beside the sections above; the report has none yet.
};

// The report of the campaigns in `store` that `options` selects, read with
// `sop` (the current version) and `options.pinned`. Errors:
// InvalidArgument naming the option for a malformed --from or --to, or
// --from after --to; NotFound for a campaign type no SOP version has
// (naming the closest); store errors as they come. An empty store, or a
// period without campaigns, is an empty report, not an error.
Result<DepartmentReport> BuildDepartmentReport(store::Store& store,
                                               const sop::Definition& sop,
                                               const ReportOptions& options);

// As one JSON object (docs/reports.md lists every field).
nlohmann::json DepartmentReportToJson(const DepartmentReport& report);

// One CSV row per campaign (RFC 4180, a header row first, "\r\n" line
// ends; docs/reports.md lists the columns).
std::string DepartmentReportToCsv(const DepartmentReport& report);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_REPORT_H_

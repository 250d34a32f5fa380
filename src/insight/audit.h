// The audit of a department's history against its SOP (docs/audit.md):
// per process, tagged revenue- or efficiency-facing, the findings of four
// kinds (friction, redundancy, handoff failures, gaps), each with the
// campaigns and events behind it; the six diagnostic questions answered
// with numbers; and a maturity level from 1 to 5 computed from the data
// by a published rubric. Pure: the history and the SOP versions are
// arguments, nothing is read or written.
#ifndef LIVESOP_INSIGHT_AUDIT_H_
#define LIVESOP_INSIGHT_AUDIT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "insight/history.h"
#include "sop/model.h"

namespace livesop::insight {

enum class FindingKind { kFriction, kRedundancy, kHandoff, kGap };

// "friction", "redundancy", "handoff", "gap".
const char* FindingKindName(FindingKind kind);

struct Finding {
  FindingKind kind = FindingKind::kFriction;
  // What was found, stable for tooling: sla-breaches, slow-step,
  // repeated-step, duplicate-approval, handoff-rework, ping-pong,
  // skipped-step, side-path-step, ad-hoc-step, side-activity,
  // matrix-bypassed.
  std::string code;
  std::string process;  // process id
  std::string step;     // step id (or the ad-hoc step's or activity's name)
  std::string summary;  // one sentence with the numbers
  int64_t count = 0;    // cases found
  int64_t out_of = 0;   // cases they were found among
  double share = 0;     // count / out_of
  std::vector<std::string> people;  // the people involved, most first
  // Every campaign behind it, and up to kMaxEvidence of its events.
  std::vector<std::string> campaigns;
  std::vector<EventRef> evidence;
};

inline constexpr size_t kMaxEvidence = 25;

// The figures of one step of a process over the history.
struct StepFigures {
  std::string step;
  std::string name;
  std::string type;         // task, approval, ... ("ad-hoc" for ad-hoc steps)
  std::string sla;          // as written in the SOP; empty: none
  int64_t visits = 0;       // visits that ended (not cancelled)
  int64_t campaigns = 0;    // campaigns that visited it
  double median_hours = 0;  // time active, start to end, wall-clock hours
  double p90_hours = 0;
  int64_t breached = 0;    // visits with an SLA breach recorded
  int64_t with_due = 0;    // visits that had a deadline
  int64_t skipped = 0;     // visits passed by a skip
  int64_t off_system = 0;  // visits ended through a side path
  int64_t repeated = 0;    // campaigns that visited it more than once
};

// A maturity level with the rubric's criteria and whether each was met.
struct Criterion {
  int level = 0;  // the level it belongs to
  std::string text;
  bool met = false;
};

struct Maturity {
  int level = 1;     // 1 initial ... 5 optimising
  std::string name;  // Initial, Repeatable, Defined, Managed, Optimising
  std::vector<Criterion> criteria;
};

struct ProcessAudit {
  std::string process;  // process id
  std::string name;
  std::string category;  // revenue-facing, efficiency-facing
  std::vector<std::string> campaign_types;
  int64_t campaigns = 0;
  int64_t completed = 0;
  int64_t on_path = 0;  // campaigns without a departure
  double on_path_share = 0;
  double median_cycle_days = 0;  // of completed campaigns
  // Of the time steps were active, the share spent in approvals and
  // reviews (waiting for a decision) against tasks and checklists (work).
  double decision_wait_share = 0;
  double informal_share = 0;       // decisions given through a side path
  double breach_share = 0;         // visits with a deadline that breached it
  double rework_share = 0;         // campaigns with a step done twice
  std::vector<StepFigures> steps;  // in the SOP's order, then ad-hoc ones
  std::vector<Finding> findings;   // by kind, then the most affected first
  Maturity maturity;
};

// A person's share of some kind of work.
struct PersonShare {
  std::string person;
  int64_t count = 0;
  double share = 0;
};

// Counts of work and how much of it went through side paths.
struct InformalCounts {
  std::string campaign_type;  // empty for the whole department
  int64_t campaigns = 0;
  // Steps done, decisions given and side-path activities.
  int64_t work_items = 0;
  int64_t informal_items = 0;
  double informal_share = 0;
  int64_t decisions = 0;  // approval decisions
  int64_t informal_decisions = 0;
  double informal_decision_share = 0;
  std::map<std::string, int64_t> by_source;  // informal items by source
};

struct StepCount {
  std::string process;
  std::string step;
  int64_t campaigns = 0;
  double share = 0;
  std::map<std::string, int64_t> kinds;  // the departures' kinds
};

struct WeekShare {
  int64_t week_us = 0;  // Monday 00:00 UTC of the week
  int64_t campaigns = 0;
  int64_t on_path = 0;
};

struct VersionLife {
  std::string version;
  int64_t published_us = 0;  // 0 when unknown: its first campaign's start
  int64_t campaigns = 0;
  double on_path_share = 0;
  std::vector<WeekShare> weeks;  // campaigns started each week
  // Days from publication to the first of two weeks in a row with fewer
  // than half the campaigns on the documented path; -1 while that has not
  // happened.
  int64_t days_real = -1;
  int64_t observed_days = 0;  // publication to the history's last event
};

// The six diagnostic questions of the SOP manual's introduction.
struct Answers {
  // 1. How much work goes through informal approvals, side conversations
  // and spreadsheets, and for which campaign types.
  InformalCounts informal;
  std::vector<InformalCounts> informal_by_type;  // most informal first
  // 2. Under pressure (urgent or expedited), the SOP path or a few people.
  int64_t pressured = 0;
  double pressured_on_path_share = 0;
  double calm_on_path_share = 0;
  std::vector<PersonShare> pressure_people;  // departures in pressured ones
  // 3. Where control is lost first: the step of each campaign's first
  // departure.
  std::vector<StepCount> first_departures;
  // 4. How much execution depends on undocumented coordination:
  // campaigns with a side-path event, an informal approval or an ad-hoc
  // step.
  int64_t coordinated = 0;
  double coordinated_share = 0;
  double off_system_event_share = 0;
  // 5. What holds the department together: the documented path against
  // the few who handle the exceptions.
  double on_path_share = 0;
  int64_t exceptions = 0;  // departures
  std::vector<PersonShare> exception_people;
  int bus_factor = 0;  // fewest people handling half the exceptions
  // 6. How long after a version is published its path stays the real one.
  std::vector<VersionLife> versions;
};

// Where a rate changed over time (drift of the documented path).
struct RateChange {
  int64_t time_us = 0;  // when the first case after the change happened
  EventRef first;       // that case: its campaign and event
  double before = 0;    // the rate before, since the previous change
  double after = 0;     // the rate after, up to the next change
  int64_t cases_before = 0;
  int64_t cases_after = 0;
  double p_value = 0;  // of the permutation test
};

// A rate over the history in time order: of a campaign type's campaigns,
// the share on the documented path (`step` empty); of a step's visits in
// campaigns of the type, the share done as written (not skipped, not done
// early, not settled through a side path).
struct RateSeries {
  std::string campaign_type;
  std::string process;
  std::string step;
  int64_t cases = 0;
  double rate = 0;
  std::vector<WeekShare> weeks;  // campaign types only: campaigns per week
  std::vector<RateChange> changes;
};

// Who the approval matrix named against who decided: one row per
// approval step, campaign type, budget band and role the matrix named.
struct MatrixCell {
  std::string process;
  std::string step;
  std::string campaign_type;
  std::string budget_band;
  std::string role;
  std::string rule;       // the matrix rule that named the role (the last)
  int64_t named = 0;      // approvals that ended and named the role
  int64_t required = 0;   // of those, where every role of its group had to
                          // decide (quorum all)
  int64_t decided = 0;    // decided by a holder of the role, in livesop
  int64_t informal = 0;   // decided through a side path
  int64_t by_others = 0;  // decided by someone who does not hold the role
                          // (a reassigned task)
  int64_t skipped = 0;    // the approval was skipped before they decided
  int64_t without = 0;    // it was settled without their decision
  std::vector<PersonShare> deciders;  // who decided for the role
  std::vector<RateChange> changes;    // of the share decided in livesop
};

struct AuditOptions {
  // Fewest cases behind a finding (default 3): below it, nothing is said.
  int64_t min_count = 3;
  // Smallest share that makes a finding (default 0.2): a fifth of the
  // visits breached, skipped, repeated, ...
  double min_share = 0.2;
  // Drift of the documented path: cases on each side of a change at
  // least (default 8), and the smallest change of a rate reported (default
  // 0.2: twenty percentage points). Significance is fixed: a seeded
  // permutation test at 1%.
  int64_t drift_min_segment = 8;
  double drift_min_effect = 0.2;
  // When each SOP version was published (store::SopVersionRecord), for
  // question 6; a version missing here starts at its first campaign.
  std::map<std::string, int64_t> published_us;
};

struct Audit {
  int64_t campaigns = 0;
  int64_t events = 0;
  int64_t from_us = 0;
  int64_t until_us = 0;
  std::vector<ProcessAudit> processes;  // revenue-facing first, then by id
  Answers answers;
  // Every campaign type's series, then the steps' series that changed
  // (by type, then step in the SOP's order).
  std::vector<RateSeries> drift;
  // By process, step, campaign type, budget band and role.
  std::vector<MatrixCell> matrix;
};

// Audits `history` against the SOP: each campaign is read with the version
// it ran on (`versions`: every version known, by version string; a
// campaign on a version not given is read with `current`). Campaigns whose
// type no version knows are counted in the answers and left out of the
// processes. The definitions must outlive the call.
Audit RunAudit(const History& history, const sop::Definition& current,
               const std::map<std::string, const sop::Definition*>& versions,
               const AuditOptions& options = {});

}  // namespace livesop::insight

#endif  // LIVESOP_INSIGHT_AUDIT_H_

// The route preview: before a campaign request is submitted, the steps it
// will go through, who does and who approves each, when each is expected on
// the business calendar, and the earliest launch date the SOP allows, with
// every constraint that set or moved that date in words.
//
// The process is walked with the engine's own flow (flow.h) on the request's
// facts (facts.h), so every exclusive gateway takes the branch the engine
// will take and every approval gets the approvers PlanApproval gives it.
// Every approval and review is taken as approved and every task as done on
// time: no revision loops. docs/engine.md states how the times and the
// earliest launch are computed.
//
// A pure function of its arguments: the time of the preview and the
// calendar are passed in, nothing is read or written, and the same request
// previews the same way every time.
#ifndef LIVESOP_ENGINE_PREVIEW_H_
#define LIVESOP_ENGINE_PREVIEW_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/calendar.h"
#include "core/status.h"
#include "engine/approvals.h"
#include "sop/graph.h"
#include "sop/model.h"

namespace livesop::engine {

// One step of the route, as it would run.
struct PreviewStep {
  std::string step;  // the step's id
  std::string name;
  std::string type;    // sop::StepTypeName: "task", "approval", "wait", ...
  std::string role;    // who does it (tasks, reviews, checklists)
  std::string person;  // the step's person, or the person the request names
                       // in the step's `assignee_from` field
  std::vector<ApproverGroup> approvers;  // approvals: PlanApproval's groups
  std::vector<std::string> notify;       // notifications: the recipients
  // How long it takes, as the SOP writes it: the SLA ("3d"), a wait's
  // `wait_for`, or "until launch_date" for a wait `until` a date field;
  // empty for a step that takes no time (a notification, a step without
  // an SLA).
  std::string duration;
  // Expected start and finish: a step starts when the step that leads to it
  // finishes (at a join, the latest of its branches) and takes `duration`
  // on the business calendar. The launch step is placed at the launch (see
  // RequestPreview::launch_step).
  int64_t starts_us = 0;
  int64_t due_us = 0;
  // The gateway branch that led here, "production-split: Content"; empty
  // when the step follows another step directly.
  std::string via;
  bool parallel = false;  // runs beside the branches of a parallel gateway
  // On the chain of steps, each started by the previous one finishing, that
  // sets when the launch step is reached (else the last approval before the
  // launch): one of them running late moves the earliest launch.
  bool critical = false;
  bool after_launch = false;  // the launch step and every step after it

  friend bool operator==(const PreviewStep&, const PreviewStep&) = default;
};

// An exclusive gateway passed on the route, and why it took its branch.
struct GatewayDecision {
  std::string gateway;  // the gateway's step id
  std::string branch;   // the branch's label, else "to <next>"
  std::string next;     // the step the branch leads to
  bool is_default = false;
  // Why, naming the branches passed over: "gateway route-approval: branch
  // 'Urgent, small or medium budget — fast track' because urgent = true;
  // not 'Large or strategic budget — Finance Ops first': budget_band =
  // small fails "large, strategic"".
  std::string text;

  friend bool operator==(const GatewayDecision&,
                         const GatewayDecision&) = default;
};

// A constraint on the launch date. A bound says the launch cannot be
// before `date`; a move says `date` (the first of the days moved past) is
// not a possible launch day.
struct LaunchConstraint {
  // Bounds: "lead-time", "path", "deadline", "form-rule".
  // Moves: "not-working-day", "freeze".
  std::string kind;
  std::string date;  // YYYY-MM-DD
  std::string text;  // in words, for the requester
  // Set the earliest launch: a bound no other bound is later than, or a
  // move (moves always apply).
  bool binding = false;
  // Does not apply to this request: the lead time and the calendar's
  // deadlines of an urgent request (the fast track). Listed so the
  // requester sees what was waived.
  bool waived = false;

  friend bool operator==(const LaunchConstraint&,
                         const LaunchConstraint&) = default;
};

// The request's own launch date, judged against the earliest launch.
struct RequestedLaunch {
  std::string date;  // YYYY-MM-DD, the date of the request's launch_date
  // Not before the earliest launch, a working day, in no freeze period.
  bool feasible = false;
  int64_t short_by_days = 0;          // calendar days before the earliest
  int64_t short_by_working_days = 0;  // working days from it to the earliest
  std::string text;                   // the verdict in words

  friend bool operator==(const RequestedLaunch&,
                         const RequestedLaunch&) = default;
};

// Something that stops the route as previewed, or makes a date impossible.
// `code` is stable:
//   no-branch        an exclusive gateway has no branch for the request: the
//                    engine would refuse the move; the route stops there
//   no-path          a step has no path for its approved or done outcome
//   no-approvers     an approval's matrix has no rule for the request (or
//                    several under `unique`): the engine would refuse to
//                    reach it; the route is shown past it
//   route-ends       the route ends rejected or cancelled
//   route-loops      the route does not end (a loop on approved outcomes)
//   deadline-after-launch  a calendar deadline is tied to a step that runs
//                    after the launch step
//   rule             even the earliest launch breaks a form rule that
//                    bounds the launch from above (`event-after-launch`)
//   not-a-date       the request's launch_date is not a date
//   no-launch-day    no working day outside the freeze periods in ten years
struct PreviewProblem {
  std::string step;  // the step concerned; empty for the request
  std::string code;
  std::string message;

  friend bool operator==(const PreviewProblem&,
                         const PreviewProblem&) = default;
};

struct RequestPreview {
  std::string campaign_type;
  std::string process;
  // In the order they would start (by expected start; steps starting
  // together in the order the engine activates them).
  std::vector<PreviewStep> steps;
  std::vector<GatewayDecision> gateways;  // in the order passed
  // "completed", "rejected" or "cancelled"; empty when the route stops at a
  // problem before it ends.
  std::string outcome;
  int64_t finish_us = 0;  // the latest expected finish of any step
  // The step the launch is tied to: a wait `until: launch_date`, else the
  // first checklist step whose checklist's phase is `launch-day`; empty when
  // the route has neither (the last approval bounds the launch then).
  std::string launch_step;
  // The earliest feasible launch date (YYYY-MM-DD), and its first instant
  // as a date field holds it (midnight UTC, core/time.h), the instant the
  // intake checks compare.
  std::string earliest_launch;
  int64_t earliest_launch_us = 0;
  // The bounds in the order lead time, path, deadlines (in SOP order), form
  // rules; then the moves, in date order.
  std::vector<LaunchConstraint> launch_constraints;
  std::optional<RequestedLaunch> requested_launch;  // when it has one
  std::vector<PreviewProblem> problems;
};

// Previews the route of a request for a campaign of `campaign_type` with
// form `values` (as CheckRequest reads them, docs/intake.md), as if
// submitted at `now_us`, on `graph`, the compiled graph of the campaign
// type's process (sop::CompileGraph; the engine keeps one per process).
// Business time is counted on `calendar` (the SOP's default calendar,
// DefaultCalendar in facts.h, for the engine's view). The route, the
// earliest launch and what is wrong with either are data in the preview;
// the request's form is not checked here (CheckRequest does that).
//
// Errors: InvalidArgument for an unknown campaign type (naming the known
// ones), a type whose process the SOP does not have, or a `graph` that is
// not that process's. `sop` and `graph` are only read during the call.
Result<RequestPreview> PreviewRequest(const sop::Definition& sop,
                                      const sop::ProcessGraph& graph,
                                      const std::string& campaign_type,
                                      const nlohmann::json& values,
                                      int64_t now_us,
                                      const WorkCalendar& calendar);

// The steps of `process` that mark a campaign's launch, in the process's
// order: its waits `until: launch_date` when it has any, else its checklist
// steps whose checklist's phase is `launch-day`; empty when it has
// neither. The route preview's launch step is the first of them the route
// reaches; the department report counts a campaign as launched when one of
// them is done.
std::vector<std::string> LaunchStepsOf(const sop::Definition& sop,
                                       const sop::Process& process);

// The preview as JSON, for the API and `--json` outputs:
// {"campaign_type", "process", "steps": [{"step", "name", "type", "role",
//  "person", "approvers": [{"rule", "roles", "quorum", "needed", "mode"}],
//  "notify", "duration", "starts", "due", "via", "parallel", "critical",
//  "after_launch"}], "gateways": [{"gateway", "branch", "next", "default",
//  "text"}], "outcome", "finish", "launch_step", "earliest_launch",
//  "launch_constraints": [{"kind", "date", "text", "binding", "waived"}],
//  "requested_launch": null or {"date", "feasible", "short_by_days",
//  "short_by_working_days", "text"}, "problems": [{"step", "code",
//  "message"}]}. Instants are ISO 8601 (FormatTimestamp), dates YYYY-MM-DD.
nlohmann::json RequestPreviewToJson(const RequestPreview& preview);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_PREVIEW_H_

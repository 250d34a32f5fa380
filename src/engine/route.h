// The route preview: before a request is submitted, the steps it will go
// through and who approves, walked on the SOP exactly as the engine will
// (the same gateways on the same facts, the same approval matrices), with
// the times each step is expected on the business calendar and the earliest
// launch date the SOP allows. Deterministic and explained: every gateway
// decision and every constraint on the launch date is given in words.
#ifndef LIVESOP_ENGINE_ROUTE_H_
#define LIVESOP_ENGINE_ROUTE_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "core/calendar.h"
#include "core/status.h"
#include "engine/approvals.h"
#include "engine/intake.h"
#include "sop/model.h"

namespace livesop::engine {

struct RouteStep {
  std::string step;
  std::string name;
  std::string type;    // sop::StepTypeName
  std::string role;    // who does it (tasks, reviews, checklists)
  std::string person;  // or a named person
  std::vector<ApproverGroup> approvers;  // approvals
  std::string sla;                       // as written, "3d"
  int64_t starts_us = 0;      // expected, when everything before is on time
  int64_t due_us = 0;         // starts + SLA on the business calendar
  bool after_launch = false;  // runs once the campaign is live

  friend bool operator==(const RouteStep&, const RouteStep&) = default;
};

struct RoutePreview {
  std::string campaign_type;
  std::string process;
  std::string sop_version;
  // In the order they would run when every approval is given; steps of
  // parallel branches interleave by their expected start.
  std::vector<RouteStep> steps;
  // Each exclusive gateway passed: which branch, and why.
  std::vector<std::string> decisions;
  // The earliest launch date the SOP allows ("YYYY-MM-DD"), and every
  // constraint that set or moved it, in words.
  std::string earliest_launch;
  std::vector<std::string> launch_constraints;
  // When the request names a launch date: whether it can be met.
  std::string requested_launch;
  bool requested_launch_feasible = true;
  // What stops the route (an approval no rule of its matrix covers, a
  // gateway without a branch for the request); the route is cut there.
  std::vector<std::string> problems;
  // The intake checks of the request, as Submit would run them.
  IntakeReport intake;
};

// Walks `campaign_type`'s process in `sop` for a request with `values`, as
// submitted at `now_us`, on `calendar`. Errors: InvalidArgument for an
// unknown campaign type (the known ones are listed).
//
// The earliest launch is the first working day, outside every freeze
// period, not before: the campaign type's lead time from now; the end of
// the last approval before the launch (nothing launches unapproved); the end
// of every step before a wait `until` the launch date; and, for each of the
// calendar's deadlines tied to a step of the route, that step's expected end
// plus its `before_launch`.
Result<RoutePreview> PreviewRoute(const sop::Definition& sop,
                                  const std::string& campaign_type,
                                  const nlohmann::json& values, int64_t now_us,
                                  const WorkCalendar& calendar);

// {"campaign_type", "process", "sop_version", "steps": [{"step", "name",
// "type", "role", "person", "approvers": [{"rule", "roles", "quorum",
// "sequential"}], "sla", "starts", "due", "after_launch"}], "decisions",
// "earliest_launch", "launch_constraints", "requested_launch",
// "requested_launch_feasible", "problems", "intake"}; times in ISO 8601.
nlohmann::json RoutePreviewToJson(const RoutePreview& preview);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_ROUTE_H_

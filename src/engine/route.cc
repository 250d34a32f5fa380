#include "engine/route.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "core/text.h"
#include "core/time.h"
#include "engine/facts.h"
#include "engine/flow.h"
#include "sop/graph.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

constexpr int64_t kDay = int64_t{86400} * 1000 * 1000;
constexpr const char* kLaunchField = "launch_date";

// The first UTC midnight at or after `at`: a date field's value (intake
// reads dates so, too).
int64_t CeilToDay(int64_t at) {
  int64_t days = at / kDay;
  if (at % kDay > 0) ++days;
  return days * kDay;
}

std::string Day(int64_t at) { return FormatTimestamp(at).substr(0, 10); }

std::string Tests(const sop::Condition& condition) {
  std::vector<std::string> parts;
  for (const auto& [input, test] : condition.tests) {
    parts.push_back(input + " " + test);
  }
  return Join(parts, ", ");
}

// Why exclusive gateway `node` took the branch it took for `facts`.
std::string BranchTaken(const sop::ProcessGraph& graph, int node,
                        const sop::Case& facts) {
  const sop::GraphNode& gateway = graph.nodes[node];
  const sop::GraphEdge* chosen = nullptr;
  const sop::GraphEdge* fallback = nullptr;
  for (int e : gateway.out) {
    const sop::GraphEdge& edge = graph.edges[e];
    if (edge.kind == sop::EdgeKind::kDefault) {
      if (fallback == nullptr) fallback = &edge;
    } else if (chosen == nullptr &&
               (edge.when == nullptr || sop::Holds(*edge.when, facts))) {
      chosen = &edge;
    }
  }
  const sop::GraphEdge* taken = chosen != nullptr ? chosen : fallback;
  if (taken == nullptr) return gateway.id + ": no branch applies";
  std::string text = gateway.id + ": ";
  text += taken->label.empty() ? "to " + graph.nodes[taken->to].id
                               : "\"" + taken->label + "\" (to " +
                                     graph.nodes[taken->to].id + ")";
  if (taken == chosen && chosen->when != nullptr) {
    text += ", because " + Tests(*chosen->when);
  } else if (taken == fallback) {
    text += ", the default: no other branch applies";
  }
  return text;
}

bool IsWorkingDay(const WorkCalendar& calendar, int64_t midnight) {
  // A working day has working time on it.
  const int64_t next = calendar.NextWorkingInstant(midnight);
  return calendar.LocalDate(next) == calendar.LocalDate(midnight);
}

}  // namespace

Result<RoutePreview> PreviewRoute(const sop::Definition& sop,
                                  const std::string& campaign_type,
                                  const Json& values, int64_t now_us,
                                  const WorkCalendar& calendar) {
  LIVESOP_ASSIGN_OR_RETURN(const sop::CampaignType* type,
                           CampaignTypeOf(sop, campaign_type));
  const sop::Process* process = sop.FindProcess(type->process);
  if (process == nullptr) {
    return InvalidArgumentError("campaign type " + campaign_type +
                                " names no process of the SOP");
  }
  const AddBusinessTime add = BusinessTimeOn(calendar);
  RoutePreview preview;
  preview.campaign_type = campaign_type;
  preview.process = process->id;
  preview.sop_version = sop.sop.version;
  preview.intake = CheckRequest(sop, campaign_type, values, now_us, add);

  const sop::ProcessGraph graph = sop::CompileGraph(*process);
  const sop::Case facts = CaseFacts(sop, campaign_type, values);
  const ApprovalInputs approval_facts =
      ApprovalFacts(sop, campaign_type, values);

  // Walk the approved path: each active step starts when the step that led
  // to it ends; the next to finish is the one that started first.
  FlowState flow;
  std::map<int, int64_t> starts;  // active node -> expected start
  auto record_passed = [&](const FlowStep& moved) {
    for (int node : moved.passed) {
      if (graph.nodes[node].type == sop::StepType::kExclusive) {
        preview.decisions.push_back(BranchTaken(graph, node, facts));
      }
    }
  };
  Result<FlowStep> started = Start(graph, flow, facts);
  if (!started.ok()) {
    preview.problems.push_back(started.status().message());
    return preview;
  }
  record_passed(*started);
  for (int node : started->activated) starts[node] = now_us;

  bool after_launch = false;
  int64_t last_approval_end = 0;
  int64_t before_wait_end = 0;  // the end of the work before an until-wait
  bool waits_for_launch = false;
  std::map<std::string, int64_t> ends;  // step -> expected end
  for (int guard = 0; guard < 1000 && !starts.empty() && !flow.ended; ++guard) {
    auto next = std::min_element(
        starts.begin(), starts.end(),
        [](const auto& a, const auto& b) { return a.second < b.second; });
    const int node = next->first;
    const int64_t start = next->second;
    starts.erase(next);
    const sop::Step& step = *graph.nodes[node].step;
    RouteStep out;
    out.step = step.id;
    out.name = step.name;
    out.type = sop::StepTypeName(step.type);
    out.role = step.role;
    out.person = step.person;
    out.starts_us = start;
    out.after_launch = after_launch;
    int64_t end = start;
    if (step.sla) {
      out.sla = step.sla->text;
      end = add(start, *step.sla);
    }
    if (step.type == sop::StepType::kWait) {
      if (step.wait_for) {
        out.sla = step.wait_for->text;
        end = add(start, *step.wait_for);
      } else if (!step.until.empty()) {
        // The campaign is live from here: what follows runs after launch.
        waits_for_launch = true;
        before_wait_end = std::max(before_wait_end, start);
        after_launch = true;
      }
    }
    if (step.type == sop::StepType::kApproval) {
      Result<ApprovalPlan> plan = PlanApproval(sop, step, approval_facts);
      if (plan.ok()) {
        out.approvers = plan->groups;
      } else {
        preview.problems.push_back(step.id + ": " + plan.status().message());
      }
      if (!after_launch) last_approval_end = std::max(last_approval_end, end);
    }
    out.due_us = end;
    ends[step.id] = end;
    preview.steps.push_back(std::move(out));
    const bool decided = step.type == sop::StepType::kApproval ||
                         step.type == sop::StepType::kReview;
    Result<FlowStep> moved =
        Advance(graph, flow, node,
                decided ? Outcome::kApproved : Outcome::kDone, facts);
    if (!moved.ok()) {
      preview.problems.push_back(moved.status().message());
      break;
    }
    record_passed(*moved);
    for (int activated : moved->activated) starts[activated] = end;
  }

  // The earliest launch, constraint by constraint.
  int64_t earliest = now_us;
  std::vector<std::string>& why = preview.launch_constraints;
  auto at_least = [&](int64_t at, const std::string& reason) {
    why.push_back(reason + ": " + Day(CeilToDay(at)));
    earliest = std::max(earliest, at);
  };
  if (type->lead_time) {
    at_least(add(now_us, *type->lead_time),
             "lead time of " + type->lead_time->text + " from submission");
  }
  if (last_approval_end > 0) {
    at_least(last_approval_end, "every approval given, each in its SLA");
  }
  if (waits_for_launch) {
    at_least(before_wait_end, "the work before the launch done in its SLAs");
  }
  if (sop.calendar) {
    for (const sop::Deadline& d : sop.calendar->deadlines) {
      std::string step = d.step;
      if (const size_t dot = step.find('.'); dot != std::string::npos) {
        if (step.substr(0, dot) != process->id) continue;
        step = step.substr(dot + 1);
      }
      auto end = ends.find(step);
      if (step.empty() || end == ends.end()) continue;
      at_least(add(end->second, d.before_launch), d.name + " (" + step + ") " +
                                                      d.before_launch.text +
                                                      " before the launch");
    }
  }
  int64_t day = CeilToDay(earliest);
  for (int guard = 0; guard < 400; ++guard) {
    const std::string date = Day(day);
    Result<int64_t> midnight = calendar.StartOfLocalDate(date);
    if (midnight.ok() && !IsWorkingDay(calendar, *midnight)) {
      why.push_back(date + " is not a working day");
      day += kDay;
      continue;
    }
    const sop::FreezePeriod* frozen = nullptr;
    if (sop.calendar) {
      for (const sop::FreezePeriod& f : sop.calendar->freeze_periods) {
        if (date >= f.from && date <= f.to) frozen = &f;
      }
    }
    if (frozen != nullptr) {
      why.push_back(date + " is in the " + frozen->name + " (" + frozen->from +
                    " to " + frozen->to + ")");
      Result<int64_t> after = ParseTimestamp(frozen->to);
      day = after.ok() ? *after + kDay : day + kDay;
      continue;
    }
    break;
  }
  preview.earliest_launch = Day(day);

  if (auto launch = values.find(kLaunchField);
      values.is_object() && launch != values.end() && launch->is_string()) {
    preview.requested_launch = launch->get<std::string>().substr(0, 10);
    preview.requested_launch_feasible =
        preview.requested_launch >= preview.earliest_launch;
  }
  return preview;
}

Json RoutePreviewToJson(const RoutePreview& preview) {
  Json steps = Json::array();
  for (const RouteStep& s : preview.steps) {
    Json approvers = Json::array();
    for (const ApproverGroup& g : s.approvers) {
      approvers.push_back(
          {{"rule", g.rule},
           {"roles", g.roles},
           {"needed", g.Needed()},
           {"sequential", g.mode == sop::ApprovalMode::kSequential}});
    }
    steps.push_back({{"step", s.step},
                     {"name", s.name},
                     {"type", s.type},
                     {"role", s.role},
                     {"person", s.person},
                     {"approvers", approvers},
                     {"sla", s.sla},
                     {"starts", FormatTimestamp(s.starts_us)},
                     {"due", FormatTimestamp(s.due_us)},
                     {"after_launch", s.after_launch}});
  }
  return {{"campaign_type", preview.campaign_type},
          {"process", preview.process},
          {"sop_version", preview.sop_version},
          {"steps", steps},
          {"decisions", preview.decisions},
          {"earliest_launch", preview.earliest_launch},
          {"launch_constraints", preview.launch_constraints},
          {"requested_launch", preview.requested_launch},
          {"requested_launch_feasible", preview.requested_launch_feasible},
          {"problems", preview.problems},
          {"intake", IntakeReportToJson(preview.intake)}};
}

}  // namespace livesop::engine

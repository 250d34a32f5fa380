#include "engine/preview.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <numeric>
#include <set>
#include <string_view>
#include <utility>

#include "core/text.h"
#include "core/time.h"
#include "engine/facts.h"
#include "engine/flow.h"
#include "engine/intake.h"
#include "sop/condition.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;
using sop::StepType;

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;

// How far a launch is moved past days off and freezes before the preview
// gives up: ten years, far beyond any real calendar's gaps.
constexpr int kMaxDaysMoved = 3660;

// The date an instant falls on as a date field holds it (UTC).
std::string DayOf(int64_t at) { return FormatTimestamp(at).substr(0, 10); }

// The first midnight (UTC) at or after `at`: the earliest date a date field
// can hold and still be at or after `at`, as the intake checks count.
int64_t CeilToDay(int64_t at) {
  int64_t days = at / kMicrosPerDay;
  if (at % kMicrosPerDay > 0) ++days;
  return days * kMicrosPerDay;
}

// The first instant of `day` (YYYY-MM-DD) as a date field holds it:
// midnight UTC (core/time.h). 0 for text that is not a date.
int64_t StartOfDay(const std::string& day) {
  Result<int64_t> at = ParseTimestamp(day);
  return at.ok() ? *at : 0;
}

std::string NextDay(const std::string& day) {
  return DayOf(StartOfDay(day) + kMicrosPerDay);
}

const char* WeekdayName(const std::string& day) {
  // 1970-01-01 was a Thursday.
  static constexpr const char* kNames[] = {"Thursday", "Friday", "Saturday",
                                           "Sunday",   "Monday", "Tuesday",
                                           "Wednesday"};
  const int64_t days = StartOfDay(day) / kMicrosPerDay;
  return kNames[((days % 7) + 7) % 7];
}

// Whether the calendar has working time on its local date `day`.
bool IsWorkingDay(const WorkCalendar& calendar, const std::string& day) {
  Result<int64_t> midnight = calendar.StartOfLocalDate(day);
  if (!midnight.ok()) return false;
  return calendar.LocalDate(calendar.NextWorkingInstant(*midnight)) == day;
}

// "A", "A and B", "A, B and C".
std::string ListText(const std::vector<std::string>& items) {
  if (items.size() <= 1) return items.empty() ? "" : items.front();
  const std::vector<std::string> head(items.begin(), items.end() - 1);
  return Join(head, ", ") + " and " + items.back();
}

// The SOP calendar the engine's default calendar is made from (as
// DefaultCalendar chooses it), for the names of its holidays.
const sop::BusinessCalendar* SopCalendar(const sop::Definition& sop) {
  const sop::BusinessCalendar* calendar =
      sop.calendar ? sop.FindCalendar(sop.calendar->default_calendar) : nullptr;
  if (calendar == nullptr && !sop.calendars.empty()) {
    calendar = &sop.calendars.front();
  }
  return calendar;
}

// Whether the single test `input: test` holds on `facts`, as sop::Holds
// judges it (an input the facts do not have passes).
bool TestHolds(const std::string& input, const std::string& test,
               const sop::Case& facts) {
  sop::Condition single;
  single.tests.emplace_back(input, test);
  return sop::Holds(single, facts);
}

std::string FactText(const sop::Case& facts, const std::string& input) {
  auto it = facts.find(input);
  if (it == facts.end()) return "(not given)";
  return it->second.empty() ? "(empty)" : it->second;
}

// Why `condition` holds: "urgent = true", "budget_band = large passes
// "large, strategic"".
std::string WhyHolds(const sop::Condition& condition, const sop::Case& facts) {
  std::vector<std::string> parts;
  for (const auto& [input, test] : condition.tests) {
    if (test == "-") continue;
    const std::string value = FactText(facts, input);
    parts.push_back(input + " = " + value +
                    (value == test ? "" : " passes \"" + test + "\""));
  }
  return parts.empty() ? "its condition holds for every request"
                       : Join(parts, ", ");
}

// Why `condition` fails: each test that fails, "urgent = false fails
// "true"".
std::string WhyFails(const sop::Condition& condition, const sop::Case& facts) {
  std::vector<std::string> parts;
  for (const auto& [input, test] : condition.tests) {
    if (TestHolds(input, test, facts)) continue;
    parts.push_back(input + " = " + FactText(facts, input) + " fails \"" +
                    test + "\"");
  }
  return Join(parts, ", ");
}

// ` ("message")`, without the message's closing period; empty for none.
std::string Quoted(std::string message) {
  if (!message.empty() && message.back() == '.') message.pop_back();
  return message.empty() ? "" : " (\"" + message + "\")";
}

std::string BranchName(const sop::ProcessGraph& graph,
                       const sop::GraphEdge& edge) {
  return edge.label.empty() ? "to " + graph.nodes[edge.to].id : edge.label;
}

struct Choice {
  int edge = -1;  // -1: no branch applies
  GatewayDecision decision;
};

// The branch exclusive gateway `node` takes on `facts`, chosen as flow.cc's
// ChooseBranch chooses it (the first branch whose condition holds, else the
// default), and why, naming the branches passed over.
Choice Choose(const sop::ProcessGraph& graph, int node,
              const sop::Case& facts) {
  const sop::GraphNode& gateway = graph.nodes[node];
  Choice out;
  int fallback = -1;
  std::vector<std::string> passed_over;
  for (int e : gateway.out) {
    const sop::GraphEdge& edge = graph.edges[e];
    if (edge.kind == sop::EdgeKind::kDefault) {
      if (fallback < 0) fallback = e;
      continue;
    }
    if (edge.when == nullptr || sop::Holds(*edge.when, facts)) {
      out.edge = e;
      break;
    }
    passed_over.push_back("'" + BranchName(graph, edge) +
                          "': " + WhyFails(*edge.when, facts));
  }
  const bool is_default = out.edge < 0;
  if (is_default) out.edge = fallback;
  if (out.edge < 0) return out;
  const sop::GraphEdge& taken = graph.edges[out.edge];
  GatewayDecision& d = out.decision;
  d.gateway = gateway.id;
  d.branch = BranchName(graph, taken);
  d.next = graph.nodes[taken.to].id;
  d.is_default = is_default;
  d.text = "gateway " + gateway.id + ": branch '" + d.branch + "'";
  if (is_default) {
    d.text += ", the default, because ";
    d.text += passed_over.empty()
                  ? "it has no other branch"
                  : "no other branch applies: " + Join(passed_over, "; ");
  } else {
    d.text += " because " + (taken.when == nullptr
                                 ? std::string("it has no condition")
                                 : WhyHolds(*taken.when, facts));
    if (!passed_over.empty()) d.text += "; not " + Join(passed_over, "; not ");
  }
  return out;
}

// Walks one request's route and fixes its launch; fills `out`.
class Walk {
 public:
  Walk(const sop::Definition& sop, const sop::CampaignType& type,
       const sop::ProcessGraph& graph, const Json& values, int64_t now,
       const WorkCalendar& calendar, RequestPreview& out)
      : sop_(sop),
        type_(type),
        graph_(graph),
        values_(values),
        now_(now),
        calendar_(calendar),
        add_(BusinessTimeOn(calendar)),
        facts_(CaseFacts(sop, type.id, values)),
        approval_facts_(ApprovalFacts(sop, type.id, values)),
        out_(out) {
    const Json* urgent = Value(kUrgentField);
    urgent_ = urgent != nullptr && urgent->is_boolean() && urgent->get<bool>();
    // The launch is tied to a wait until the launch date when the process
    // has one; else to its launch-day checklists.
    const std::vector<std::string> launch = LaunchStepsOf(sop, *graph.process);
    launch_steps_.insert(launch.begin(), launch.end());
    for (const sop::Step& step : graph.process->steps) {
      if (!launch.empty() && step.id == launch.front()) {
        basis_ =
            step.type == StepType::kWait ? Basis::kWait : Basis::kLaunchDay;
      }
    }
  }

  void Run() {
    Result<FlowStep> started = Start(graph_, flow_, facts_);
    if (started.ok()) {
      Moved(*started, -1, now_);
    } else {
      const bool gateway =
          graph_.start >= 0 &&
          graph_.nodes[graph_.start].type == StepType::kExclusive;
      Problem("", gateway ? "no-branch" : "no-path",
              started.status().message() + "; the route cannot start.");
    }
    // Approved outcomes only: a route longer than this loops.
    const size_t max_steps = 4 * graph_.nodes.size() + 16;
    while (true) {
      auto next = NextToFinish();
      if (next == active_.end()) {
        if (launch_fixed_ || active_.empty()) break;
        // Only launch steps are left waiting: the launch can be fixed.
        FixLaunch();
        for (auto& [node, token] : active_) {
          PlaceAtLaunch(token.step, token.ready);
          token.held = false;
        }
        continue;
      }
      const int node = next->first;
      const size_t index = next->second.step;
      active_.erase(next);
      if (out_.steps.size() > max_steps) {
        Problem("", "route-loops",
                "The route does not end: with every approval given it goes "
                "round a loop (last at " +
                    out_.steps[index].step + "); the SOP needs correcting.");
        break;
      }
      const StepType type = graph_.nodes[node].type;
      const bool decides =
          type == StepType::kApproval || type == StepType::kReview;
      Result<FlowStep> moved =
          Advance(graph_, flow_, node,
                  decides ? Outcome::kApproved : Outcome::kDone, facts_);
      if (!moved.ok()) {
        const bool no_branch =
            moved.status().code() == StatusCode::kFailedPrecondition;
        Problem(out_.steps[index].step, no_branch ? "no-branch" : "no-path",
                moved.status().message() + "; the route stops after " +
                    out_.steps[index].step + ".");
        continue;
      }
      Moved(*moved, static_cast<int>(index), out_.steps[index].due_us);
    }
    if (!launch_fixed_) FixLaunch();
    if (flow_.ended) {
      out_.outcome = flow_.end_outcome;
      if (out_.outcome != "completed") {
        Problem("", "route-ends",
                "With every approval given, the route ends " + out_.outcome +
                    "; the request cannot run as it stands.");
      }
    }
    out_.finish_us = now_;
    for (const PreviewStep& s : out_.steps) {
      out_.finish_us = std::max(out_.finish_us, s.due_us);
    }
    for (int i = critical_from_; i >= 0; i = cause_[i]) {
      out_.steps[i].critical = true;
    }
    SortByStart();
  }

 private:
  enum class Basis { kWait, kLaunchDay, kApprovals };

  // An active step of the route: `step` indexes out_.steps. A launch step
  // is held until the launch is fixed.
  struct Token {
    size_t step = 0;
    int64_t ready = 0;  // when the steps before it finished
    bool held = false;
  };

  // The active step expected to finish first (not a held launch step);
  // ties by start, then in the order started.
  std::map<int, Token>::iterator NextToFinish() {
    auto next = active_.end();
    for (auto it = active_.begin(); it != active_.end(); ++it) {
      if (it->second.held) continue;
      if (next == active_.end() || FinishesFirst(it->second, next->second)) {
        next = it;
      }
    }
    return next;
  }

  // The steps in the order they start; steps starting together in the
  // order the flow started them.
  void SortByStart() {
    std::vector<size_t> order(out_.steps.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return out_.steps[a].starts_us < out_.steps[b].starts_us;
    });
    std::vector<PreviewStep> sorted;
    sorted.reserve(order.size());
    for (size_t i : order) sorted.push_back(std::move(out_.steps[i]));
    out_.steps = std::move(sorted);
  }

  const Json* Value(const std::string& field) const {
    if (!values_.is_object()) return nullptr;
    auto it = values_.find(field);
    return it == values_.end() ? nullptr : &*it;
  }

  // A date field's text as written; empty when it is not given.
  std::string DateText(const std::string& field) const {
    const Json* value = Value(field);
    if (value == nullptr || !value->is_string()) return "";
    return std::string(Trim(value->get_ref<const std::string&>()));
  }

  bool IsLaunchStep(const sop::Step& step) const {
    return launch_steps_.contains(step.id);
  }

  bool FinishesFirst(const Token& a, const Token& b) const {
    const PreviewStep& x = out_.steps[a.step];
    const PreviewStep& y = out_.steps[b.step];
    if (x.due_us != y.due_us) return x.due_us < y.due_us;
    if (x.starts_us != y.starts_us) return x.starts_us < y.starts_us;
    return a.step < b.step;
  }

  void Problem(std::string step, std::string code, std::string message) {
    out_.problems.push_back(
        {std::move(step), std::move(code), std::move(message)});
  }

  // Records what a move did: the gateways it passed and the steps it
  // started at `at`, after the step `from` (an index of out_.steps; -1 for
  // the start).
  void Moved(const FlowStep& move, int from, int64_t at) {
    std::map<int, std::string> via;  // node -> the branch that led there
    for (int gateway : move.passed) {
      const sop::GraphNode& g = graph_.nodes[gateway];
      if (g.type == StepType::kExclusive) {
        Choice choice = Choose(graph_, gateway, facts_);
        if (choice.edge < 0) continue;  // the flow would have refused
        via[graph_.edges[choice.edge].to] =
            g.id + ": " + choice.decision.branch;
        out_.gateways.push_back(std::move(choice.decision));
      } else if (g.type == StepType::kParallel) {
        for (int e : g.out) {
          const sop::GraphEdge& edge = graph_.edges[e];
          via[edge.to] = g.id + ": " + BranchName(graph_, edge);
        }
      }
    }
    // Other branches running, or waiting in a join: this runs beside them.
    const bool parallel =
        flow_.active.size() > 1 || !flow_.join_arrivals.empty();
    for (int node : move.activated) {
      const sop::Step& step = *graph_.nodes[node].step;
      PreviewStep s = Describe(step);
      if (auto it = via.find(node); it != via.end()) s.via = it->second;
      s.parallel = parallel;
      s.after_launch = from >= 0 && out_.steps[from].after_launch;
      const bool launch = IsLaunchStep(step);
      if (launch) {
        s.after_launch = true;
        if (out_.launch_step.empty()) out_.launch_step = step.id;
      }
      const size_t index = out_.steps.size();
      out_.steps.push_back(std::move(s));
      defs_.push_back(&step);
      cause_.push_back(from);
      const bool held = launch && !launch_fixed_;
      if (held) {
        out_.steps[index].starts_us = at;
        out_.steps[index].due_us = at;
      } else if (launch) {
        PlaceAtLaunch(index, at);
      } else {
        Place(index, at);
      }
      active_[node] = Token{index, at, held};
    }
  }

  // Who does `step` and who approves it, as the route shows it.
  PreviewStep Describe(const sop::Step& step) {
    PreviewStep s;
    s.step = step.id;
    s.name = step.name;
    s.type = sop::StepTypeName(step.type);
    s.role = step.role;
    s.person = step.person;
    if (s.person.empty() && !step.assignee_from.empty()) {
      const Json* named = Value(step.assignee_from);
      if (named != nullptr && named->is_string()) {
        s.person = named->get<std::string>();
      }
    }
    s.notify = step.notify;
    if (step.type == StepType::kApproval) {
      Result<ApprovalPlan> plan = PlanApproval(sop_, step, approval_facts_);
      if (plan.ok()) {
        s.approvers = plan->groups;
      } else {
        Problem(step.id, "no-approvers",
                plan.status().message() +
                    "; the engine would refuse to move the campaign into " +
                    step.id + ".");
      }
    }
    return s;
  }

  // Sets when step `index` starts and is expected done, starting at
  // `start`: its SLA, a wait's `wait_for`, or a wait until a date field
  // (the start of that date on the calendar, as the engine's timer ends
  // it).
  void Place(size_t index, int64_t start) {
    const sop::Step& step = *defs_[index];
    PreviewStep& s = out_.steps[index];
    s.starts_us = start;
    s.due_us = start;
    if (step.type == StepType::kWait) {
      if (step.wait_for) {
        s.duration = step.wait_for->ToString();
        s.due_us = add_(start, *step.wait_for);
      } else if (!step.until.empty()) {
        s.duration = "until " + step.until;
        const std::string date = DateText(step.until);
        Result<int64_t> at =
            calendar_.StartOfLocalDate(std::string_view(date).substr(0, 10));
        if (at.ok()) {
          s.due_us = std::max(start, *at);
        } else {
          s.duration += " (not given)";
        }
      }
      return;
    }
    if (step.sla) {
      s.duration = step.sla->ToString();
      s.due_us = add_(start, *step.sla);
    }
  }

  // A launch step, ready at `ready`: a wait until the launch date ends at
  // the launch; a launch-day checklist starts then.
  void PlaceAtLaunch(size_t index, int64_t ready) {
    const sop::Step& step = *defs_[index];
    const int64_t launch = std::max(ready, launch_start_);
    if (step.type == StepType::kWait) {
      PreviewStep& s = out_.steps[index];
      s.starts_us = ready;
      s.due_us = launch;
      s.duration = "until " + step.until;
      return;
    }
    Place(index, launch);
  }

  // The first step of the route with id `id`, as an index of out_.steps.
  int Visited(const std::string& id) const {
    for (size_t i = 0; i < out_.steps.size(); ++i) {
      if (out_.steps[i].step == id) return static_cast<int>(i);
    }
    return -1;
  }

  // Adds a bound: the launch cannot be before `at`.
  void Bound(std::string kind, int64_t at, const std::string& reason,
             bool waived) {
    const std::string day = DayOf(CeilToDay(at));
    std::string text =
        reason + ", so the launch can be on " + day + " at the earliest";
    if (waived) {
      text +=
          "; waived, as at intake, because the request is urgent (the "
          "fast track)";
    }
    bounds_.push_back({{std::move(kind), day, text + ".", false, waived}, at});
  }

  void LeadTimeBound() {
    if (!type_.lead_time) return;
    Bound("lead-time", add_(now_, *type_.lead_time),
          type_.name + " campaigns need " + type_.lead_time->ToString() +
              " of business time from submission to launch",
          urgent_);
  }

  // What must be done before the launch: the steps before the launch
  // steps, else the approvals (nothing launches unapproved).
  void PathBound() {
    const Token* latest = nullptr;
    for (const auto& [node, token] : active_) {
      if (token.held && (latest == nullptr || token.ready > latest->ready)) {
        latest = &token;
      }
    }
    if (latest != nullptr) {
      const PreviewStep& s = out_.steps[latest->step];
      critical_from_ = cause_[latest->step];
      Bound("path", latest->ready,
            "Every step before " + s.step + " (" + s.name + ", " +
                (defs_[latest->step]->type == StepType::kWait
                     ? "the wait for the launch date"
                     : "the launch-day checklist") +
                ") is expected done on " + calendar_.LocalDate(latest->ready),
            false);
      return;
    }
    int last = -1;
    for (size_t i = 0; i < out_.steps.size(); ++i) {
      const PreviewStep& s = out_.steps[i];
      if (defs_[i]->type != StepType::kApproval || s.after_launch) continue;
      if (last < 0 || s.due_us > out_.steps[last].due_us) {
        last = static_cast<int>(i);
      }
    }
    if (last < 0) return;
    critical_from_ = last;
    const PreviewStep& s = out_.steps[last];
    Bound("path", s.due_us,
          std::string(basis_ == Basis::kApprovals
                          ? "The route has no launch step"
                          : "The route does not reach its launch step") +
              "; its last approval, " + s.name + " (" + s.step +
              "), is expected on " + calendar_.LocalDate(s.due_us) +
              ", and nothing launches unapproved",
          false);
  }

  // The calendar's deadlines tied to steps of this route.
  void DeadlineBounds() {
    if (!sop_.calendar) return;
    for (const sop::Deadline& d : sop_.calendar->deadlines) {
      std::string id = d.step;
      if (const size_t dot = id.find('.'); dot != std::string::npos) {
        if (id.substr(0, dot) != graph_.process->id) continue;
        id = id.substr(dot + 1);
      }
      const int index = id.empty() ? -1 : Visited(id);
      if (index < 0) continue;  // not on this route
      const PreviewStep& s = out_.steps[index];
      if (s.after_launch) {
        Problem(s.step, "deadline-after-launch",
                "The deadline " + d.id + " (" + d.name + ") is " +
                    d.before_launch.ToString() + " before the launch, but " +
                    s.step + " runs after the launch step " + out_.launch_step +
                    "; the SOP needs correcting.");
        continue;
      }
      Bound("deadline", add_(s.due_us, d.before_launch),
            "Deadline " + d.id + " (" + d.name +
                "): " + d.before_launch.ToString() +
                " before the launch, and " + s.name + " (" + s.step +
                ") is expected done on " + calendar_.LocalDate(s.due_us),
            urgent_);
    }
  }

  // The form's rules that keep the launch date after another date
  // (`date_order` with `later: launch_date`), as the intake checks them.
  void FormRuleBounds() {
    const sop::Form* form = sop_.FindForm(type_.form);
    if (form == nullptr) return;
    for (const sop::FormRule& rule : form->rules) {
      if (rule.kind != "date_order" || rule.later != kLaunchDateField) continue;
      int64_t earlier = now_;
      std::string what = "the submission";
      if (rule.earlier != kSubmittedAt) {
        Result<int64_t> at = ParseTimestamp(DateText(rule.earlier));
        if (!at.ok()) continue;  // not given: the rule does not apply
        earlier = *at;
        what = rule.earlier + " (" + DayOf(*at) + ")";
      }
      const int64_t at = rule.min_gap ? add_(earlier, *rule.min_gap) : earlier;
      const std::string gap =
          rule.min_gap ? rule.min_gap->ToString() + " after " : "after ";
      Bound("form-rule", at,
            "Form rule " + rule.id + Quoted(rule.message) +
                ": the launch at least " + gap + what,
            false);
    }
  }

  // Even the earliest launch breaks a form rule that keeps another date
  // after the launch (`date_order` with `earlier: launch_date`).
  void CheckRulesAfterLaunch() {
    const sop::Form* form = sop_.FindForm(type_.form);
    if (form == nullptr) return;
    for (const sop::FormRule& rule : form->rules) {
      if (rule.kind != "date_order" || rule.earlier != kLaunchDateField) {
        continue;
      }
      Result<int64_t> later = ParseTimestamp(DateText(rule.later));
      if (!later.ok()) continue;
      const int64_t needed = rule.min_gap
                                 ? add_(out_.earliest_launch_us, *rule.min_gap)
                                 : out_.earliest_launch_us;
      if (*later >= needed) continue;
      Problem("", "rule",
              "Even the earliest launch, " + out_.earliest_launch +
                  ", breaks the form rule " + rule.id + ": " + rule.later +
                  " (" + DayOf(*later) + ") must be " +
                  (rule.min_gap ? "at least " + rule.min_gap->ToString() +
                                      " of business time after the launch"
                                : "on or after the launch") +
                  Quoted(rule.message) + ".");
    }
  }

  // "Friday, Wafat Yesus Kristus (Good Friday)".
  std::string DayName(const std::string& day) const {
    std::string name = WeekdayName(day);
    if (const sop::BusinessCalendar* c = SopCalendar(sop_)) {
      for (const sop::Holiday& h : c->holidays) {
        if (h.date == day && !h.name.empty()) name += ", " + h.name;
      }
    }
    return name;
  }

  const sop::FreezePeriod* FrozenOn(const std::string& day) const {
    if (!sop_.calendar) return nullptr;
    for (const sop::FreezePeriod& f : sop_.calendar->freeze_periods) {
      if (f.from <= day && day <= f.to) return &f;
    }
    return nullptr;
  }

  // The first day from `day` on that is a working day of the calendar and
  // in no freeze period, adding to `moves` each day or freeze passed;
  // empty when there is none in ten years.
  std::string FirstLaunchDay(std::string day,
                             std::vector<LaunchConstraint>* moves) const {
    std::vector<std::string> off;  // a run of days that are not working days
    std::string off_from;
    auto flush = [&] {
      if (off.empty()) return;
      moves->push_back({"not-working-day", off_from,
                        ListText(off) +
                            (off.size() == 1 ? " is not a working day"
                                             : " are not working days") +
                            " of the calendar.",
                        true, false});
      off.clear();
    };
    for (int i = 0; i < kMaxDaysMoved; ++i) {
      if (const sop::FreezePeriod* f = FrozenOn(day)) {
        flush();
        moves->push_back({"freeze", day,
                          day + " is in the " + f->name + " (" + f->from +
                              " to " + f->to + ")" +
                              (f->rule.empty() ? "" : ": " + f->rule) +
                              " No launch until it is over.",
                          true, false});
        const std::string after = NextDay(f->to);
        day = after > day ? after : NextDay(day);
        continue;
      }
      if (!IsWorkingDay(calendar_, day)) {
        if (off.empty()) off_from = day;
        off.push_back(day + " (" + DayName(day) + ")");
        day = NextDay(day);
        continue;
      }
      flush();
      return day;
    }
    flush();
    return "";
  }

  int64_t WorkingDaysBetween(const std::string& from,
                             const std::string& to) const {
    Result<int64_t> a = calendar_.StartOfLocalDate(from);
    Result<int64_t> b = calendar_.StartOfLocalDate(to);
    if (!a.ok() || !b.ok()) return 0;
    return calendar_.WorkingMinutesBetween(*a, *b) /
           std::max<int64_t>(1, calendar_.MinutesPerWorkingDay());
  }

  // Judges the request's launch_date against the earliest launch.
  void JudgeRequested() {
    const Json* value = Value(kLaunchDateField);
    if (value == nullptr || value->is_null()) return;
    if (value->is_string() &&
        Trim(value->get_ref<const std::string&>()).empty()) {
      return;
    }
    Result<int64_t> at = ParseTimestamp(
        value->is_string() ? value->get_ref<const std::string&>() : "");
    if (!at.ok()) {
      Problem("", "not-a-date",
              "The request's launch_date, " + value->dump() +
                  ", is not a date (YYYY-MM-DD); it is left out of the "
                  "preview.");
      return;
    }
    RequestedLaunch r;
    r.date = DayOf(*at);
    std::vector<LaunchConstraint> moves;
    const std::string first = FirstLaunchDay(r.date, &moves);
    const bool early = r.date < out_.earliest_launch;
    r.feasible = !early && first == r.date;
    const std::string target = early ? out_.earliest_launch : first;
    if (!r.feasible && !target.empty()) {
      r.short_by_days =
          (StartOfDay(target) - StartOfDay(r.date)) / kMicrosPerDay;
      r.short_by_working_days = WorkingDaysBetween(r.date, target);
    }
    const std::string shortfall = std::to_string(r.short_by_days) + " days (" +
                                  std::to_string(r.short_by_working_days) +
                                  " working days)";
    if (r.feasible) {
      r.text = "The requested launch date " + r.date +
               " is feasible; the earliest is " + out_.earliest_launch + ".";
    } else if (early) {
      r.text = "The requested launch date " + r.date + " is " + shortfall +
               " too early: the earliest feasible launch is " +
               out_.earliest_launch + ".";
    } else {
      r.text = "The requested launch date " + r.date + " is not possible: " +
               (moves.empty() ? std::string() : moves.front().text + " ") +
               (target.empty()
                    ? std::string("No later date is possible.")
                    : "The next feasible launch is " + target + ", " +
                          std::to_string(r.short_by_days) + " days later.");
    }
    out_.requested_launch = std::move(r);
  }

  // Fixes the earliest launch from what the route has done so far: every
  // step before the launch steps is placed.
  void FixLaunch() {
    launch_fixed_ = true;
    LeadTimeBound();
    PathBound();
    DeadlineBounds();
    FormRuleBounds();
    int64_t required = now_;
    for (const auto& [constraint, at] : bounds_) {
      if (!constraint.waived) required = std::max(required, at);
    }
    const std::string unmoved = DayOf(CeilToDay(required));
    std::vector<LaunchConstraint>& out = out_.launch_constraints;
    for (auto& [constraint, at] : bounds_) {
      constraint.binding = !constraint.waived && constraint.date == unmoved;
      out.push_back(std::move(constraint));
    }
    std::vector<LaunchConstraint> moves;
    out_.earliest_launch = FirstLaunchDay(unmoved, &moves);
    out.insert(out.end(), moves.begin(), moves.end());
    if (out_.earliest_launch.empty()) {
      Problem("", "no-launch-day",
              "No day from " + unmoved +
                  " on, for ten years, is a working day outside the freeze "
                  "periods.");
      out_.earliest_launch_us = 0;
      launch_start_ = required;
      return;
    }
    out_.earliest_launch_us = StartOfDay(out_.earliest_launch);
    CheckRulesAfterLaunch();
    JudgeRequested();
    // The launch steps run when the request says it launches, else at the
    // earliest launch; never before the steps before them are done.
    const std::string day = out_.requested_launch ? out_.requested_launch->date
                                                  : out_.earliest_launch;
    Result<int64_t> start = calendar_.StartOfLocalDate(day);
    launch_start_ = start.ok() ? *start : out_.earliest_launch_us;
  }

  const sop::Definition& sop_;
  const sop::CampaignType& type_;
  const sop::ProcessGraph& graph_;
  const Json& values_;
  const int64_t now_;
  const WorkCalendar& calendar_;
  const AddBusinessTime add_;
  const sop::Case facts_;
  const ApprovalInputs approval_facts_;
  RequestPreview& out_;

  bool urgent_ = false;
  Basis basis_ = Basis::kApprovals;
  std::set<std::string> launch_steps_;  // LaunchStepsOf the process
  FlowState flow_;
  std::map<int, Token> active_;         // node -> its step on the route
  std::vector<const sop::Step*> defs_;  // parallel to out_.steps
  std::vector<int> cause_;              // the step whose finish started it
  std::vector<std::pair<LaunchConstraint, int64_t>> bounds_;
  bool launch_fixed_ = false;
  int64_t launch_start_ = 0;  // when the launch steps run
  int critical_from_ = -1;    // the last step of the critical chain
};

Json ApproversToJson(const std::vector<ApproverGroup>& groups) {
  Json out = Json::array();
  for (const ApproverGroup& g : groups) {
    out.push_back(
        {{"rule", g.rule},
         {"roles", g.roles},
         {"quorum", sop::QuorumText(g.quorum, g.quorum_count)},
         {"needed", g.Needed()},
         {"mode", g.mode == sop::ApprovalMode::kSequential ? "sequential"
                                                           : "parallel"}});
  }
  return out;
}

}  // namespace

std::vector<std::string> LaunchStepsOf(const sop::Definition& sop,
                                       const sop::Process& process) {
  std::vector<std::string> waits, checklists;
  for (const sop::Step& step : process.steps) {
    if (step.type == StepType::kWait && step.until == kLaunchDateField) {
      waits.push_back(step.id);
    } else if (step.type == StepType::kChecklist) {
      const sop::Checklist* checklist = sop.FindChecklist(step.checklist);
      if (checklist != nullptr && checklist->phase == "launch-day") {
        checklists.push_back(step.id);
      }
    }
  }
  return waits.empty() ? checklists : waits;
}

Result<RequestPreview> PreviewRequest(const sop::Definition& sop,
                                      const sop::ProcessGraph& graph,
                                      const std::string& campaign_type,
                                      const Json& values, int64_t now_us,
                                      const WorkCalendar& calendar) {
  const sop::CampaignType* type = nullptr;
  std::vector<std::string> known;
  for (const sop::CampaignType& t : sop.campaign_types) {
    known.push_back(t.id);
    if (t.id == campaign_type) type = &t;
  }
  if (type == nullptr) {
    std::string message =
        "There is no campaign type \"" + campaign_type + "\".";
    const std::string closest = ClosestMatch(campaign_type, known);
    if (!closest.empty()) message += " Did you mean \"" + closest + "\"?";
    return InvalidArgumentError(
        message + " The campaign types are: " + Join(known, ", ") + ".");
  }
  if (sop.FindProcess(type->process) == nullptr) {
    return InvalidArgumentError("The campaign type " + type->id +
                                " runs the process \"" + type->process +
                                "\", which the SOP does not have.");
  }
  if (graph.process == nullptr || graph.process->id != type->process) {
    return InvalidArgumentError(
        "The graph given is of the process " +
        (graph.process == nullptr ? std::string("(none)") : graph.process->id) +
        ", not of " + type->process + ", the process of campaign type " +
        type->id + ".");
  }
  RequestPreview preview;
  preview.campaign_type = type->id;
  preview.process = type->process;
  Walk(sop, *type, graph, values, now_us, calendar, preview).Run();
  return preview;
}

Json RequestPreviewToJson(const RequestPreview& preview) {
  Json steps = Json::array();
  for (const PreviewStep& s : preview.steps) {
    steps.push_back({{"step", s.step},
                     {"name", s.name},
                     {"type", s.type},
                     {"role", s.role},
                     {"person", s.person},
                     {"approvers", ApproversToJson(s.approvers)},
                     {"notify", s.notify},
                     {"duration", s.duration},
                     {"starts", FormatTimestamp(s.starts_us)},
                     {"due", FormatTimestamp(s.due_us)},
                     {"via", s.via},
                     {"parallel", s.parallel},
                     {"critical", s.critical},
                     {"after_launch", s.after_launch}});
  }
  Json gateways = Json::array();
  for (const GatewayDecision& g : preview.gateways) {
    gateways.push_back({{"gateway", g.gateway},
                        {"branch", g.branch},
                        {"next", g.next},
                        {"default", g.is_default},
                        {"text", g.text}});
  }
  Json constraints = Json::array();
  for (const LaunchConstraint& c : preview.launch_constraints) {
    constraints.push_back({{"kind", c.kind},
                           {"date", c.date},
                           {"text", c.text},
                           {"binding", c.binding},
                           {"waived", c.waived}});
  }
  Json requested = nullptr;
  if (const auto& r = preview.requested_launch) {
    requested = {{"date", r->date},
                 {"feasible", r->feasible},
                 {"short_by_days", r->short_by_days},
                 {"short_by_working_days", r->short_by_working_days},
                 {"text", r->text}};
  }
  Json problems = Json::array();
  for (const PreviewProblem& p : preview.problems) {
    problems.push_back(
        {{"step", p.step}, {"code", p.code}, {"message", p.message}});
  }
  return {{"campaign_type", preview.campaign_type},
          {"process", preview.process},
          {"steps", steps},
          {"gateways", gateways},
          {"outcome", preview.outcome},
          {"finish", FormatTimestamp(preview.finish_us)},
          {"launch_step", preview.launch_step},
          {"earliest_launch", preview.earliest_launch},
          {"launch_constraints", constraints},
          {"requested_launch", requested},
          {"problems", problems}};
}

}  // namespace livesop::engine

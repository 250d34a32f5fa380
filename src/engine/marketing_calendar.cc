#include "engine/marketing_calendar.h"

#include <algorithm>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/calendar.h"
#include "core/text.h"
#include "core/time.h"
#include "engine/facts.h"
#include "sop/graph.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;
using sop::BusinessDuration;
using sop::StepType;

constexpr const char* kLaunchId = "launch";

// A step of a campaign type's expected route, with the steps that follow
// it on the route (through gateways and joins).
struct RouteStep {
  std::string id;
  std::string name;
  std::string role;
  StepType type = StepType::kTask;
  std::optional<BusinessDuration> duration;  // SLA, else a wait's wait_for
  bool after_launch = false;
  bool is_launch = false;
  std::vector<size_t> next;
};

// What the preview of one route gives, reduced to what milestones need.
struct Route {
  std::string process;
  std::string launch_step;
  std::vector<RouteStep> steps;  // in the preview's order
  std::vector<PreviewProblem> problems;
  std::string signature;  // the type, launch step and steps, in order
};

bool IsGateway(StepType type) {
  return type == StepType::kExclusive || type == StepType::kParallel ||
         type == StepType::kJoin;
}

bool HasWork(StepType type) {
  return type == StepType::kTask || type == StepType::kApproval ||
         type == StepType::kReview || type == StepType::kChecklist;
}

Route MakeRoute(const sop::ProcessGraph& graph, const RequestPreview& preview) {
  Route route;
  route.process = preview.process;
  route.launch_step = preview.launch_step;
  route.problems = preview.problems;
  std::unordered_map<std::string, size_t> index;
  for (const PreviewStep& p : preview.steps) {
    if (index.contains(p.step)) continue;  // a step met twice: its first run
    index[p.step] = route.steps.size();
    RouteStep s;
    s.id = p.step;
    s.name = p.name;
    s.role = p.role;
    s.after_launch = p.after_launch;
    s.is_launch = p.step == preview.launch_step;
    const int node = graph.Find(p.step);
    if (node >= 0 && graph.nodes[node].step != nullptr) {
      const sop::Step& step = *graph.nodes[node].step;
      s.type = step.type;
      s.duration = step.sla ? step.sla : step.wait_for;
    }
    route.steps.push_back(std::move(s));
  }
  // The steps each one leads to on the route: forward edges only (not the
  // rejected or revision outcomes), passing through gateways and joins.
  for (RouteStep& s : route.steps) {
    const int node = graph.Find(s.id);
    if (node < 0) continue;
    std::vector<int> stack = {node};
    std::set<int> seen = {node};
    std::set<size_t> next;
    while (!stack.empty()) {
      const int at = stack.back();
      stack.pop_back();
      for (int e : graph.nodes[at].out) {
        const sop::GraphEdge& edge = graph.edges[e];
        if (edge.kind == sop::EdgeKind::kRejected ||
            edge.kind == sop::EdgeKind::kChangesRequested) {
          continue;
        }
        if (!seen.insert(edge.to).second) continue;
        const sop::GraphNode& target = graph.nodes[edge.to];
        if (auto it = index.find(target.id);
            it != index.end() && target.step != nullptr) {
          next.insert(it->second);
        } else if (IsGateway(target.type)) {
          stack.push_back(edge.to);
        }
      }
    }
    s.next.assign(next.begin(), next.end());
  }
  return route;
}

int64_t Add(const WorkCalendar& calendar, int64_t at,
            const BusinessDuration& duration, bool backwards) {
  BusinessDuration d = duration;
  if (backwards) d.amount = -d.amount;
  return BusinessTimeOn(calendar)(at, d);
}

// The close of the last working time at or before `at`, so that a finish
// "by the start of the launch day" reads as the evening before.
int64_t LastClose(const WorkCalendar& calendar, int64_t at) {
  return calendar.AddWorkingMinutes(calendar.AddWorkingMinutes(at, -1), 1);
}

bool IsAllDay(const BusinessDuration& d) {
  return d.unit == BusinessDuration::Unit::kDays ||
         d.unit == BusinessDuration::Unit::kWeeks;
}

// The step id a deadline names: "step" or "process.step" of `process`.
std::string DeadlineStep(const std::string& ref, const std::string& process) {
  const size_t dot = ref.find('.');
  if (dot == std::string::npos) return ref;
  if (ref.substr(0, dot) != process) return {};
  return ref.substr(dot + 1);
}

// The milestones of `route` for a launch at `launch_us` (the start of the
// launch date), by due time.
std::vector<Milestone> MilestonesOf(const sop::Definition& sop,
                                    const Route& route,
                                    const WorkCalendar& calendar,
                                    int64_t launch_us) {
  std::vector<Milestone> out;
  std::set<std::string> on_route;
  for (const RouteStep& s : route.steps) on_route.insert(s.id);
  if (sop.calendar) {
    for (const sop::Deadline& d : sop.calendar->deadlines) {
      Milestone m;
      m.id = d.id;
      m.name = d.name;
      m.kind = "deadline";
      if (!d.step.empty()) {
        m.step = DeadlineStep(d.step, route.process);
        if (!on_route.contains(m.step)) continue;  // another process's
      }
      m.role = d.role;
      m.due_us = Add(calendar, launch_us, d.before_launch, true);
      m.all_day = IsAllDay(d.before_launch);
      out.push_back(std::move(m));
    }
  }

  // Backward pass: a step before the launch must finish by the latest
  // start of every step it leads to; the launch step starts at the launch.
  const size_t n = route.steps.size();
  std::vector<std::optional<int64_t>> latest_finish(n), latest_start(n);
  std::vector<bool> visiting(n, false);
  std::function<int64_t(size_t)> start_by = [&](size_t i) -> int64_t {
    if (latest_start[i]) return *latest_start[i];
    const RouteStep& s = route.steps[i];
    if (s.is_launch || s.after_launch || visiting[i]) return launch_us;
    visiting[i] = true;
    int64_t finish = launch_us;
    for (size_t j : s.next) finish = std::min(finish, start_by(j));
    visiting[i] = false;
    latest_finish[i] = finish;
    latest_start[i] =
        s.duration ? Add(calendar, finish, *s.duration, true) : finish;
    return *latest_start[i];
  };
  // Forward pass after the launch, in route order (a step's predecessors
  // come before it).
  std::vector<std::optional<int64_t>> early_start(n);
  for (size_t i = 0; i < n; ++i) {
    if (route.steps[i].is_launch) early_start[i] = launch_us;
  }
  for (size_t i = 0; i < n; ++i) {
    const RouteStep& s = route.steps[i];
    if (!s.after_launch) {
      start_by(i);
      if (s.next.empty() || !HasWork(s.type)) continue;
      Milestone m;
      m.id = "step:" + s.id;
      m.name = s.name;
      m.kind = "step";
      m.step = s.id;
      m.role = s.role;
      m.due_us = LastClose(calendar, *latest_finish[i]);
      out.push_back(std::move(m));
      continue;
    }
    const int64_t start = early_start[i].value_or(launch_us);
    const int64_t finish =
        s.duration ? Add(calendar, start, *s.duration, false) : start;
    for (size_t j : s.next) {
      if (!route.steps[j].after_launch) continue;
      early_start[j] = std::max(early_start[j].value_or(finish), finish);
    }
    if (s.is_launch || !HasWork(s.type)) continue;
    Milestone m;
    m.id = "step:" + s.id;
    m.name = s.name;
    m.kind = "after-launch";
    m.step = s.id;
    m.role = s.role;
    m.due_us = finish;
    out.push_back(std::move(m));
  }

  Milestone launch;
  launch.id = kLaunchId;
  launch.name = "Launch";
  launch.kind = "launch";
  launch.step = route.launch_step;
  for (const RouteStep& s : route.steps) {
    if (s.is_launch) {
      launch.name = "Launch (" + s.name + ")";
      launch.role = s.role;
    }
  }
  launch.due_us = launch_us;
  launch.all_day = true;
  out.push_back(std::move(launch));
  for (Milestone& m : out) m.date = calendar.LocalDate(m.due_us);
  std::stable_sort(out.begin(), out.end(),
                   [](const Milestone& a, const Milestone& b) {
                     return a.due_us < b.due_us;
                   });
  return out;
}

bool IsDate(const std::string& text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (text[i] < '0' || text[i] > '9') return false;
  }
  return true;
}

Result<int64_t> StartOfDate(const WorkCalendar& calendar,
                            const std::string& date, const std::string& what) {
  if (!IsDate(date)) {
    return InvalidArgumentError(what + " \"" + date +
                                "\" is not a date: write YYYY-MM-DD");
  }
  Result<int64_t> at = calendar.StartOfLocalDate(date);
  if (!at.ok()) {
    return InvalidArgumentError(what + " \"" + date +
                                "\" is not a date: " + at.status().message());
  }
  return *at;
}

// Whole business days from `from` to `to` on `calendar`.
int64_t BusinessDaysBetween(const WorkCalendar& calendar, int64_t from,
                            int64_t to) {
  const int64_t per_day = std::max<int64_t>(1, calendar.MinutesPerWorkingDay());
  return calendar.WorkingMinutesBetween(from, to) / per_day;
}

std::string LaunchDateOf(const Json& values) {
  if (!values.is_object()) return {};
  auto it = values.find("launch_date");
  if (it == values.end() || !it->is_string()) return {};
  std::string text = it->get<std::string>();
  return text.substr(0, 10);
}

// The routes and milestone plans of one SOP, each computed once.
class Planner {
 public:
  Planner(const sop::Definition& sop, const WorkCalendar& calendar,
          int64_t now_us)
      : sop_(sop), calendar_(calendar), now_us_(now_us) {}

  // The milestones of a campaign of `type` with `values` launching at the
  // start of `date`; null with `why` set when there are none.
  const std::vector<Milestone>* Plan(const std::string& type,
                                     const Json& values,
                                     const std::string& date, std::string* why,
                                     std::string* launch_step) {
    Result<const ProcessEntry*> process = ProcessOf(type);
    if (!process.ok()) {
      *why = process.status().message();
      return nullptr;
    }
    const ProcessEntry& entry = **process;
    std::string key = type;
    const sop::Case facts = CaseFacts(sop_, type, values);
    for (const std::string& input : entry.inputs) {
      key += '\x1f';
      if (auto it = facts.find(input); it != facts.end()) key += it->second;
    }
    if (entry.reads_channel) key += '\x1e' + Join(ChannelsOf(values), ",");
    auto route_it = routes_.find(key);
    if (route_it == routes_.end()) {
      Result<RequestPreview> preview =
          PreviewRequest(sop_, *entry.graph, type, values, now_us_, calendar_);
      if (!preview.ok()) {
        *why = preview.status().message();
        return nullptr;
      }
      auto route = std::make_unique<Route>(MakeRoute(*entry.graph, *preview));
      // Routes that take the same steps share their plans.
      route->signature = type + '\x1f' + route->launch_step;
      for (const RouteStep& step : route->steps) {
        route->signature += '\x1f' + step.id;
      }
      route_it = routes_.emplace(key, std::move(route)).first;
    }
    const Route& route = *route_it->second;
    *launch_step = route.launch_step;
    const std::string plan_key = route.signature + '\x1d' + date;
    auto plan_it = plans_.find(plan_key);
    if (plan_it == plans_.end()) {
      Result<int64_t> launch = StartOfDate(calendar_, date, "launch_date");
      if (!launch.ok()) {
        *why = launch.status().message();
        return nullptr;
      }
      plan_it =
          plans_
              .emplace(plan_key, MilestonesOf(sop_, route, calendar_, *launch))
              .first;
    }
    return &plan_it->second;
  }

 private:
  struct ProcessEntry {
    std::unique_ptr<sop::ProcessGraph> graph;
    std::vector<std::string> inputs;  // what its gateways read, sorted
    bool reads_channel = false;       // a gateway reads `channel`
  };

  Result<const ProcessEntry*> ProcessOf(const std::string& type) {
    if (auto it = by_type_.find(type); it != by_type_.end()) return it->second;
    LIVESOP_ASSIGN_OR_RETURN(const sop::CampaignType* t,
                             CampaignTypeOf(sop_, type));
    const sop::Process* process = nullptr;
    for (const sop::Process& p : sop_.processes) {
      if (p.id == t->process) process = &p;
    }
    if (process == nullptr) {
      return InvalidArgumentError("campaign type " + type + " names process " +
                                  t->process + ", which the SOP does not have");
    }
    auto& entry = processes_[process->id];
    if (!entry.graph) {
      entry.graph =
          std::make_unique<sop::ProcessGraph>(sop::CompileGraph(*process));
      std::set<std::string> inputs;
      for (const sop::GraphEdge& edge : entry.graph->edges) {
        if (edge.when == nullptr) continue;
        for (const auto& test : edge.when->tests) inputs.insert(test.first);
      }
      entry.inputs.assign(inputs.begin(), inputs.end());
      entry.reads_channel =
          inputs.contains("channel") || inputs.contains("channels");
    }
    by_type_[type] = &entry;
    return &entry;
  }

  const sop::Definition& sop_;
  const WorkCalendar& calendar_;
  int64_t now_us_;
  std::unordered_map<std::string, ProcessEntry> processes_;
  std::unordered_map<std::string, const ProcessEntry*> by_type_;
  std::unordered_map<std::string, std::unique_ptr<Route>> routes_;
  std::unordered_map<std::string, std::vector<Milestone>> plans_;
};

// "1 launch", "2 launches", "3 business days".
std::string Plural(size_t n, const std::string& word) {
  if (n == 1) return "1 " + word;
  const bool sibilant = word.ends_with("ch") || word.ends_with("sh") ||
                        word.ends_with("s") || word.ends_with("x");
  return std::to_string(n) + " " + word + (sibilant ? "es" : "s");
}

}  // namespace

Result<LaunchPlan> PlanLaunch(const sop::Definition& sop,
                              const std::string& campaign_type,
                              const std::string& launch_date, int64_t now_us,
                              const Json& values) {
  LIVESOP_ASSIGN_OR_RETURN(const sop::CampaignType* type,
                           CampaignTypeOf(sop, campaign_type));
  const WorkCalendar calendar = DefaultCalendar(sop);
  LIVESOP_ASSIGN_OR_RETURN(int64_t launch_us,
                           StartOfDate(calendar, launch_date, "launch date"));
  const sop::Process* process = nullptr;
  for (const sop::Process& p : sop.processes) {
    if (p.id == type->process) process = &p;
  }
  if (process == nullptr) {
    return InvalidArgumentError("campaign type " + campaign_type +
                                " names process " + type->process +
                                ", which the SOP does not have");
  }
  const sop::ProcessGraph graph = sop::CompileGraph(*process);
  Json request = values.is_object() ? values : Json::object();
  request["launch_date"] = launch_date;
  LIVESOP_ASSIGN_OR_RETURN(
      RequestPreview preview,
      PreviewRequest(sop, graph, campaign_type, request, now_us, calendar));
  const Route route = MakeRoute(graph, preview);

  LaunchPlan plan;
  plan.campaign_type = campaign_type;
  plan.launch_date = launch_date;
  plan.milestones = MilestonesOf(sop, route, calendar, launch_us);
  plan.earliest_launch = preview.earliest_launch;
  plan.problems = preview.problems;
  if (preview.requested_launch) {
    plan.feasible = preview.requested_launch->feasible;
    plan.verdict = preview.requested_launch->text;
  }
  for (const Milestone& m : plan.milestones) {
    if (m.kind == "after-launch" || m.kind == "launch" || m.due_us >= now_us) {
      continue;
    }
    const int64_t days = BusinessDaysBetween(calendar, m.due_us, now_us);
    const std::string ago =
        days == 0 ? "earlier today" : Plural(days, "business day") + " ago";
    if (m.kind == "deadline") {
      plan.warnings.push_back("the " + m.name + " deadline would be " + m.date +
                              ", " + ago);
    } else {
      plan.warnings.push_back("step " + m.step + " (" + m.name +
                              ") would have to finish by " + m.date + ", " +
                              ago);
    }
  }
  if (!plan.warnings.empty()) plan.feasible = false;
  return plan;
}

Result<CalendarInputs> ReadCalendarInputs(store::Store& store, int64_t now_us) {
  CalendarInputs inputs;
  inputs.now_us = now_us;
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::CampaignRecord> campaigns,
                           store.Campaigns({}));
  std::unordered_map<std::string, size_t> index;
  inputs.campaigns.reserve(campaigns.size());
  for (store::CampaignRecord& c : campaigns) {
    index[c.campaign] = inputs.campaigns.size();
    CalendarCampaign cc;
    cc.campaign = std::move(c.campaign);
    cc.campaign_type = std::move(c.campaign_type);
    cc.title = std::move(c.title);
    cc.owner = std::move(c.owner);
    cc.status = std::move(c.status);
    cc.version = c.version;
    cc.last_event_us = c.last_event_us;
    inputs.campaigns.push_back(std::move(cc));
  }
  LIVESOP_RETURN_IF_ERROR(store.Scan({}, [&](const store::Event& e) -> Status {
    auto it = index.find(e.campaign);
    if (it == index.end()) return OkStatus();
    CalendarCampaign& c = inputs.campaigns[it->second];
    if (e.type == "campaign_created") {
      Json payload = Json::parse(e.payload, nullptr, false);
      if (payload.is_object() && payload.contains("values") &&
          payload["values"].is_object()) {
        c.values = payload["values"];
      }
      c.values_sequence = e.sequence;
    } else if (e.type == "campaign_completed" ||
               e.type == "campaign_cancelled" ||
               e.type == "campaign_rejected") {
      c.status_sequence = e.sequence;
    }
    if (!e.step.empty()) c.step_sequence[e.step] = e.sequence;
    return OkStatus();
  }));
  LIVESOP_ASSIGN_OR_RETURN(inputs.tasks, store.Tasks({}));
  LIVESOP_ASSIGN_OR_RETURN(inputs.absences, store.Absences("", 0));
  return inputs;
}

Result<MarketingCalendar> BuildMarketingCalendar(
    const sop::Definition& sop, const CalendarInputs& inputs,
    const std::string& from, const std::string& to,
    const CalendarOptions& options) {
  const WorkCalendar calendar = DefaultCalendar(sop);
  LIVESOP_ASSIGN_OR_RETURN(int64_t from_us,
                           StartOfDate(calendar, from, "--from date"));
  LIVESOP_ASSIGN_OR_RETURN(int64_t to_us,
                           StartOfDate(calendar, to, "--to date"));
  if (to_us <= from_us) {
    return InvalidArgumentError("the range ends (" + to +
                                ") before or when it starts (" + from +
                                "): the end date is exclusive");
  }
  MarketingCalendar out;
  out.from = from;
  out.to = to;

  // The tasks grouped by campaign, in one pass (sorting them all costs
  // more), and each campaign's by step: a campaign's tasks are one range,
  // a handful long, and a step's tasks one range of that.
  std::unordered_map<std::string_view, size_t> campaign_index;
  for (size_t i = 0; i < inputs.campaigns.size(); ++i) {
    campaign_index.emplace(inputs.campaigns[i].campaign, i);
  }
  constexpr size_t kNone = static_cast<size_t>(-1);
  std::vector<size_t> task_campaign(inputs.tasks.size(), kNone);
  std::vector<size_t> group_start(inputs.campaigns.size() + 1, 0);
  for (size_t t = 0; t < inputs.tasks.size(); ++t) {
    auto it = campaign_index.find(inputs.tasks[t].campaign);
    if (it == campaign_index.end()) continue;
    task_campaign[t] = it->second;
    ++group_start[it->second + 1];
  }
  for (size_t i = 0; i < inputs.campaigns.size(); ++i) {
    group_start[i + 1] += group_start[i];
  }
  std::vector<const store::TaskRecord*> tasks(group_start.back());
  {
    std::vector<size_t> next(group_start.begin(), group_start.end() - 1);
    for (size_t t = 0; t < inputs.tasks.size(); ++t) {
      if (task_campaign[t] != kNone) {
        tasks[next[task_campaign[t]]++] = &inputs.tasks[t];
      }
    }
  }
  using TaskRange = std::span<const store::TaskRecord* const>;
  for (size_t i = 0; i < inputs.campaigns.size(); ++i) {
    std::stable_sort(
        tasks.begin() + group_start[i], tasks.begin() + group_start[i + 1],
        [](const store::TaskRecord* a, const store::TaskRecord* b) {
          return a->step < b->step;
        });
  }
  auto tasks_of = [&](const std::string& campaign) -> TaskRange {
    const size_t i = campaign_index.at(campaign);
    return TaskRange(tasks.begin() + group_start[i],
                     tasks.begin() + group_start[i + 1]);
  };
  auto tasks_of_step = [](TaskRange of, const std::string& step) {
    auto first =
        std::lower_bound(of.begin(), of.end(), step,
                         [](const store::TaskRecord* t, const std::string& s) {
                           return t->step < s;
                         });
    auto last = first;
    while (last != of.end() && (*last)->step == step) ++last;
    return TaskRange(first, last);
  };
  // Whether there are tasks and all of them are done or skipped.
  auto all_done = [](TaskRange of) {
    return !of.empty() &&
           std::all_of(of.begin(), of.end(), [](const store::TaskRecord* t) {
             return t->status == "done" || t->status == "skipped";
           });
  };

  // The campaigns with items in the range, and their items, small (a
  // pointer to the planned milestone, its status, sequence and tasks) so
  // that sorting 300,000 of them is cheap; the items proper are written
  // once, in order, at the end.
  struct Shown {
    const CalendarCampaign* campaign = nullptr;
    std::vector<std::string> channels;
    bool ended = false;
    bool listed = true;  // in options.only_campaigns, or no such option
  };
  struct Placed {
    int64_t due_us = 0;
    const Milestone* milestone = nullptr;  // in the planner's cache
    uint32_t shown = 0;
    std::string_view status;  // "done", "late" or "open"
    TaskRange step_tasks;     // the tasks of its step
    int64_t sequence = 0;
  };
  const std::set<std::string> only(options.only_campaigns.begin(),
                                   options.only_campaigns.end());
  std::vector<Shown> shown;
  std::vector<Placed> placed;
  Planner planner(sop, calendar, inputs.now_us);
  for (const CalendarCampaign& c : inputs.campaigns) {
    const bool ended = c.status == "cancelled" || c.status == "rejected";
    if (ended && !options.include_ended) continue;
    const std::string date = LaunchDateOf(c.values);
    if (date.empty()) {
      out.skipped.push_back(c.campaign + ": no launch_date");
      continue;
    }
    std::string why, launch_step;
    const std::vector<Milestone>* plan =
        planner.Plan(c.campaign_type, c.values, date, &why, &launch_step);
    if (plan == nullptr) {
      out.skipped.push_back(c.campaign + ": " + why);
      continue;
    }
    if (std::none_of(plan->begin(), plan->end(), [&](const Milestone& m) {
          return m.due_us >= from_us && m.due_us < to_us;
        })) {
      continue;
    }
    const TaskRange own_tasks = tasks_of(c.campaign);
    const bool completed = c.status == "completed";
    const bool launched =
        completed || (!launch_step.empty() &&
                      all_done(tasks_of_step(own_tasks, launch_step)));
    auto seq_of = [&](const std::string& step) -> int64_t {
      auto it = c.step_sequence.find(step);
      return it == c.step_sequence.end() ? 0 : it->second;
    };
    const auto index = static_cast<uint32_t>(shown.size());
    shown.push_back({&c, ChannelsOf(c.values), ended,
                     only.empty() || only.contains(c.campaign)});
    for (const Milestone& m : *plan) {
      if (m.due_us < from_us || m.due_us >= to_us) continue;
      Placed& p = placed.emplace_back();
      p.due_us = m.due_us;
      p.milestone = &m;
      p.shown = index;
      const bool before_launch = m.kind == "deadline" || m.kind == "step";
      if (!m.step.empty()) p.step_tasks = tasks_of_step(own_tasks, m.step);
      const bool done =
          completed || all_done(p.step_tasks) || (before_launch && launched);
      p.status = done ? "done" : (m.due_us < inputs.now_us ? "late" : "open");
      int64_t seq = std::max(c.values_sequence, c.status_sequence);
      seq = std::max(seq, seq_of(m.step));
      if (before_launch) seq = std::max(seq, seq_of(launch_step));
      p.sequence = std::max<int64_t>(0, seq - 1);
    }
  }
  // By due time, campaign and milestone id; campaigns by their rank in id
  // order, so that most comparisons are of numbers.
  std::vector<uint32_t> rank(shown.size());
  {
    std::vector<uint32_t> by_id(shown.size());
    for (uint32_t i = 0; i < by_id.size(); ++i) by_id[i] = i;
    std::sort(by_id.begin(), by_id.end(), [&](uint32_t a, uint32_t b) {
      return shown[a].campaign->campaign < shown[b].campaign->campaign;
    });
    for (uint32_t r = 0; r < by_id.size(); ++r) rank[by_id[r]] = r;
  }
  std::sort(placed.begin(), placed.end(),
            [&](const Placed& a, const Placed& b) {
              if (a.due_us != b.due_us) return a.due_us < b.due_us;
              if (a.shown != b.shown) return rank[a.shown] < rank[b.shown];
              return a.milestone->id < b.milestone->id;
            });

  // Conflicts, among active campaigns only.
  const sop::CalendarLimits limits =
      sop.calendar ? sop.calendar->limits : sop::CalendarLimits{};
  std::map<std::string, std::vector<std::string>> per_day;
  std::map<std::pair<std::string, std::string>, std::vector<std::string>>
      per_channel;
  std::unordered_map<std::string, std::vector<const store::Absence*>> away;
  for (const store::Absence& a : inputs.absences) away[a.person].push_back(&a);
  auto is_away = [&](const std::string& person, int64_t at) {
    auto it = away.find(person);
    if (it == away.end()) return false;
    for (const store::Absence* a : it->second) {
      if (a->from_us <= at && at < a->until_us) return true;
    }
    return false;
  };
  // By YYYYMMDD: a year's dates are looked up once per item.
  std::unordered_map<int, bool> working_day;
  auto is_working_day = [&](const std::string& date) {
    int key = 0;
    for (char ch : date) {
      if (ch >= '0' && ch <= '9') key = key * 10 + (ch - '0');
    }
    auto it = working_day.find(key);
    if (it != working_day.end()) return it->second;
    Result<int64_t> start = calendar.StartOfLocalDate(date);
    const bool working =
        start.ok() &&
        calendar.LocalDate(calendar.NextWorkingInstant(*start)) == date;
    working_day[key] = working;
    return working;
  };
  std::unordered_map<std::string, std::vector<std::string>> holders;
  for (const sop::Person& p : sop.people) {
    for (const std::string& role : p.roles) holders[role].push_back(p.id);
  }
  std::vector<CalendarConflict> conflicts;
  std::vector<std::string> assignees;
  for (const Placed& p : placed) {
    const Shown& s = shown[p.shown];
    if (s.ended) continue;
    const std::string& campaign = s.campaign->campaign;
    const Milestone& m = *p.milestone;
    if (m.kind == "launch") {
      per_day[m.date].push_back(campaign);
      for (const std::string& ch : s.channels) {
        per_channel[{m.date, ch}].push_back(campaign);
      }
      if (sop.calendar) {
        for (const sop::FreezePeriod& f : sop.calendar->freeze_periods) {
          if (m.date < f.from || m.date > f.to) continue;
          conflicts.push_back(
              {"freeze",
               m.date,
               {campaign},
               "campaign " + campaign + " launches on " + m.date +
                   ", inside the " + f.name + " (" + f.from + " to " + f.to +
                   ")" + (f.rule.empty() ? "" : ": " + OneLine(f.rule)) +
                   "; move the launch outside the freeze or record an "
                   "approved exception"});
        }
      }
    }
    if (!is_working_day(m.date)) {
      conflicts.push_back({"not-working-day",
                           m.date,
                           {campaign},
                           m.name + " of campaign " + campaign + " falls on " +
                               m.date +
                               ", not a working day of the calendar; move "
                               "it to a working day or staff it on purpose"});
    }
    if (p.status == "done" || m.kind == "launch") continue;
    // Who answers for it: the assignee of the step's open task, else every
    // holder of its role.
    assignees.clear();
    if (!m.step.empty()) {
      for (const store::TaskRecord* t : p.step_tasks) {
        if ((t->status == "open" || t->status == "in_progress") &&
            !t->assignee.empty()) {
          assignees.push_back(t->assignee);
        }
      }
    }
    const std::vector<std::string>* people = &assignees;
    if (people->empty() && !m.role.empty()) {
      if (auto it = holders.find(m.role); it != holders.end()) {
        people = &it->second;
      }
    }
    if (people->empty()) continue;
    const bool all_away = std::all_of(
        people->begin(), people->end(),
        [&](const std::string& who) { return is_away(who, m.due_us); });
    if (all_away) {
      conflicts.push_back(
          {"absent",
           m.date,
           {campaign},
           m.name + " of campaign " + campaign + " is due " + m.date +
               " while " + Join(*people, ", ") +
               (people->size() == 1 ? " is" : " are") +
               " away; reassign the task, name a delegate or move the "
               "date"});
    }
  }
  for (auto& [date, campaigns] : per_day) {
    if (limits.launches_per_day <= 0 ||
        campaigns.size() <= static_cast<size_t>(limits.launches_per_day)) {
      continue;
    }
    std::sort(campaigns.begin(), campaigns.end());
    conflicts.push_back(
        {"launches-per-day", date, campaigns,
         Plural(campaigns.size(), "launch") + " on " + date +
             ", more than the " + std::to_string(limits.launches_per_day) +
             " a day the SOP allows (calendar.limits.launches_per_day); move " +
             std::to_string(campaigns.size() - limits.launches_per_day) +
             " of them to another day"});
  }
  for (auto& [key, campaigns] : per_channel) {
    if (limits.launches_per_channel_per_day <= 0 ||
        campaigns.size() <=
            static_cast<size_t>(limits.launches_per_channel_per_day)) {
      continue;
    }
    std::sort(campaigns.begin(), campaigns.end());
    conflicts.push_back(
        {"launches-per-channel", key.first, campaigns,
         Plural(campaigns.size(), "launch") + " on channel " + key.second +
             " on " + key.first + ", more than the " +
             std::to_string(limits.launches_per_channel_per_day) +
             " the SOP allows (calendar.limits.launches_per_channel_per_day);"
             " move " +
             std::to_string(campaigns.size() -
                            limits.launches_per_channel_per_day) +
             " of them to another day or channel"});
  }
  std::stable_sort(conflicts.begin(), conflicts.end(),
                   [](const CalendarConflict& a, const CalendarConflict& b) {
                     return std::tie(a.date, a.kind) < std::tie(b.date, b.kind);
                   });
  out.conflicts = std::move(conflicts);

  if (!only.empty()) {
    std::erase_if(out.conflicts, [&](const CalendarConflict& c) {
      return std::none_of(
          c.campaigns.begin(), c.campaigns.end(),
          [&](const std::string& id) { return only.contains(id); });
    });
    std::erase_if(out.skipped, [&](const std::string& s) {
      return !only.contains(s.substr(0, s.find(':')));
    });
  }

  size_t listed = 0;
  for (const Placed& p : placed) listed += shown[p.shown].listed ? 1 : 0;
  out.items.reserve(listed);
  for (const Placed& p : placed) {
    const Shown& s = shown[p.shown];
    if (!s.listed) continue;
    CalendarItem& item = out.items.emplace_back();
    item.campaign = s.campaign;
    item.milestone = *p.milestone;
    item.milestone.status = p.status;
    item.sequence = p.sequence;
  }
  return out;
}

std::vector<std::string> CampaignsOfPeople(
    const CalendarInputs& inputs, const std::vector<std::string>& people) {
  const std::set<std::string> who(people.begin(), people.end());
  std::set<std::string> out;
  for (const CalendarCampaign& c : inputs.campaigns) {
    if (who.contains(c.owner)) out.insert(c.campaign);
  }
  for (const store::TaskRecord& t : inputs.tasks) {
    if (who.contains(t.assignee) || who.contains(t.completed_by)) {
      out.insert(t.campaign);
    }
  }
  return {out.begin(), out.end()};
}

std::vector<std::string> MembersOf(const sop::Definition& sop,
                                   const std::string& team) {
  std::vector<std::string> out;
  for (const sop::Person& p : sop.people) {
    if (p.team == team) out.push_back(p.id);
  }
  return out;
}

Json MilestoneToJson(const Milestone& m) {
  return Json{{"id", m.id},        {"name", m.name},
              {"kind", m.kind},    {"step", m.step},
              {"role", m.role},    {"due", FormatTimestamp(m.due_us)},
              {"date", m.date},    {"all_day", m.all_day},
              {"status", m.status}};
}

Json MarketingCalendarToJson(const MarketingCalendar& calendar) {
  Json items = Json::array();
  for (const CalendarItem& item : calendar.items) {
    const CalendarCampaign& c = *item.campaign;
    Json j = MilestoneToJson(item.milestone);
    j["campaign"] = c.campaign;
    j["campaign_type"] = c.campaign_type;
    j["title"] = c.title;
    j["owner"] = c.owner;
    j["channels"] = ChannelsOf(c.values);
    j["sequence"] = item.sequence;
    items.push_back(std::move(j));
  }
  Json conflicts = Json::array();
  for (const CalendarConflict& c : calendar.conflicts) {
    conflicts.push_back({{"kind", c.kind},
                         {"date", c.date},
                         {"campaigns", c.campaigns},
                         {"message", c.message}});
  }
  return Json{{"from", calendar.from},
              {"to", calendar.to},
              {"items", std::move(items)},
              {"conflicts", std::move(conflicts)},
              {"skipped", calendar.skipped}};
}

Json LaunchPlanToJson(const LaunchPlan& plan) {
  Json milestones = Json::array();
  for (const Milestone& m : plan.milestones) {
    milestones.push_back(MilestoneToJson(m));
  }
  Json problems = Json::array();
  for (const PreviewProblem& p : plan.problems) {
    problems.push_back(
        {{"step", p.step}, {"code", p.code}, {"message", p.message}});
  }
  return Json{{"campaign_type", plan.campaign_type},
              {"launch_date", plan.launch_date},
              {"feasible", plan.feasible},
              {"verdict", plan.verdict},
              {"earliest_launch", plan.earliest_launch},
              {"warnings", plan.warnings},
              {"milestones", std::move(milestones)},
              {"problems", std::move(problems)}};
}

}  // namespace livesop::engine

#include "engine/report.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <unordered_map>
#include <utility>

#include "core/calendar.h"
#include "core/text.h"
#include "core/time.h"
#include "engine/facts.h"
#include "engine/intake.h"
#include "engine/preview.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

constexpr double kUsPerDay = 86'400'000'000.0;
constexpr double kUsPerHour = 3'600'000'000.0;

// Percentile of values sorted already.
double QuantileOfSorted(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  const double h =
      static_cast<double>(sorted.size() - 1) * std::clamp(p, 0.0, 1.0);
  const auto below = static_cast<size_t>(std::floor(h));
  const size_t above = std::min(below + 1, sorted.size() - 1);
  return sorted[below] +
         (h - static_cast<double>(below)) * (sorted[above] - sorted[below]);
}

// The event types the figures read; the one Scan asks for these only.
const std::vector<std::string>& ScannedTypes() {
  static const std::vector<std::string> kTypes = {
      "campaign_created", "task_created", "approval_decided", "task_completed",
      "step_finished",    "task_skipped", "spend_recorded"};
  return kTypes;
}

// The day number of a well-formed date "YYYY-MM-DD" (days since
// 1970-01-01); nullopt when it is not one or no such day exists.
std::optional<int64_t> DayNumber(const std::string& date) {
  if (date.size() != 10 || date[4] != '-' || date[7] != '-') {
    return std::nullopt;
  }
  int parts[3] = {0, 0, 0};
  const size_t starts[3] = {0, 5, 8};
  const size_t lengths[3] = {4, 2, 2};
  for (int i = 0; i < 3; ++i) {
    for (size_t k = 0; k < lengths[i]; ++k) {
      const char c = date[starts[i] + k];
      if (c < '0' || c > '9') return std::nullopt;
      parts[i] = parts[i] * 10 + (c - '0');
    }
  }
  const std::chrono::year_month_day ymd{
      std::chrono::year(parts[0]),
      std::chrono::month(static_cast<unsigned>(parts[1])),
      std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd).time_since_epoch().count();
}

// The request's launch date as the marketing calendar reads it (the
// `launch_date` value's first ten characters); empty when there is none or
// it is not a date.
std::string LaunchDateIn(const Json& values) {
  if (!values.is_object()) return {};
  auto it = values.find(kLaunchDateField);
  if (it == values.end() || !it->is_string()) return {};
  std::string date = it->get_ref<const std::string&>().substr(0, 10);
  return DayNumber(date) ? date : std::string();
}

// A period bound as given: empty, or a date. InvalidArgument naming the
// option otherwise.
Status CheckDate(const std::string& date, const char* option) {
  if (date.empty() || DayNumber(date)) return OkStatus();
  return InvalidArgumentError(std::string(option) + " \"" + date +
                              "\" is not a date: write YYYY-MM-DD");
}

// What the report needs of a campaign's process in its SOP version.
struct ProcessFacts {
  std::set<std::string> launch_steps;
  std::set<std::string> decision_steps;  // approvals and reviews
};

// A decision on an approval or review, as the scan met it.
struct DecisionSeen {
  size_t campaign = 0;  // index into the campaigns
  std::string step;
  std::string role;
  std::string decision;  // approve, reject, request_changes
  bool informal = false;
  std::optional<double> hours;  // from its task's creation
};

// A campaign as the scan builds it up.
struct Building {
  CampaignFigures figures;
  const sop::Definition* sop = nullptr;
  const ProcessFacts* process = nullptr;
  bool created = false;
};

// Figures that group campaigns: by type and overall.
struct Group {
  StatusCounts status;
  LaunchSummary launch;
  CycleTimes cycle;
  SpendTotals spend;
  std::vector<double> cycle_days;
  std::vector<double> days_late;

  void Add(const CampaignFigures& c) {
    ++status.total;
    if (c.status == "completed") {
      ++status.completed;
    } else if (c.status == "rejected") {
      ++status.rejected;
    } else if (c.status == "cancelled") {
      ++status.cancelled;
    } else {
      ++status.active;
    }
    switch (c.launch) {
      case LaunchStatus::kOnTime:
        ++launch.on_time;
        break;
      case LaunchStatus::kLate:
        ++launch.late;
        days_late.push_back(static_cast<double>(c.days_late));
        break;
      case LaunchStatus::kNotYet:
        ++launch.not_yet;
        break;
      case LaunchStatus::kOverdue:
        ++launch.overdue;
        break;
      case LaunchStatus::kNeverLaunched:
        ++launch.never_launched;
        break;
      case LaunchStatus::kNoLaunchDate:
        ++launch.no_launch_date;
        break;
    }
    if (c.cycle_days) {
      cycle_days.push_back(*c.cycle_days);
    } else if (c.status == "active") {
      ++cycle.open;
    } else if (c.status != "completed") {
      ++cycle.rejected_or_cancelled;
    }
    ++spend.campaigns;
    if (c.budget) {
      ++spend.with_budget;
      spend.budget += *c.budget;
      spend.spent += c.spent;
      if (c.over_budget) ++spend.over_budget;
    } else {
      spend.unbudgeted_spent += c.spent;
    }
  }

  void Finish() {
    const int64_t launched = launch.on_time + launch.late;
    if (launched > 0) {
      launch.on_time_share =
          static_cast<double>(launch.on_time) / static_cast<double>(launched);
    }
    launch.days_late = StatsOf(days_late);
    cycle.days = StatsOf(cycle_days);
    spend.remaining = spend.budget - spend.spent;
    if (spend.budget > 0) spend.used_pct = spend.spent / spend.budget * 100;
  }
};

// Decisions grouped: a step, or a role on it.
struct DecisionGroup {
  ApprovalFigures figures;
  std::vector<double> hours;
  std::set<size_t> campaigns;
  std::set<size_t> revised;

  void Add(const DecisionSeen& d) {
    ++figures.decisions;
    if (d.hours) hours.push_back(*d.hours);
    if (d.informal) ++figures.informal;
    if (d.decision == "approve") ++figures.approved;
    if (d.decision == "reject") ++figures.rejected;
    campaigns.insert(d.campaign);
    if (d.decision == "request_changes") {
      ++figures.changes_requested;
      revised.insert(d.campaign);
    }
  }

  ApprovalFigures Finish() {
    figures.hours = StatsOf(hours);
    figures.campaigns = static_cast<int64_t>(campaigns.size());
    figures.campaigns_with_revisions = static_cast<int64_t>(revised.size());
    return std::move(figures);
  }
};

bool InPeriod(const std::string& date, const std::string& from,
              const std::string& to) {
  if (date.empty()) return false;
  return (from.empty() || date >= from) && (to.empty() || date <= to);
}

Json StatsJson(const DurationStats& s) {
  return {{"count", s.count},
          {"median", s.median},
          {"p90", s.p90},
          {"min", s.min},
          {"max", s.max}};
}

Json Optional(const std::optional<double>& value) {
  return value ? Json(*value) : Json(nullptr);
}

Json StatusJson(const StatusCounts& s) {
  return {{"total", s.total},
          {"active", s.active},
          {"completed", s.completed},
          {"rejected", s.rejected},
          {"cancelled", s.cancelled}};
}

Json LaunchJson(const LaunchSummary& l) {
  return {{"on_time", l.on_time},
          {"late", l.late},
          {"not_yet", l.not_yet},
          {"overdue", l.overdue},
          {"never_launched", l.never_launched},
          {"no_launch_date", l.no_launch_date},
          {"on_time_share", Optional(l.on_time_share)},
          {"days_late", StatsJson(l.days_late)}};
}

Json CycleJson(const CycleTimes& c) {
  return {{"days", StatsJson(c.days)},
          {"open", c.open},
          {"rejected_or_cancelled", c.rejected_or_cancelled}};
}

Json SpendJson(const SpendTotals& s) {
  return {
      {"campaigns", s.campaigns},     {"with_budget", s.with_budget},
      {"budget", s.budget},           {"spent", s.spent},
      {"remaining", s.remaining},     {"used_pct", Optional(s.used_pct)},
      {"over_budget", s.over_budget}, {"unbudgeted_spent", s.unbudgeted_spent}};
}

Json ApprovalJson(const ApprovalFigures& a, bool of_role) {
  Json out = {{"step", a.step},
              {"name", a.name},
              {"decisions", a.decisions},
              {"hours", StatsJson(a.hours)},
              {"informal", a.informal},
              {"approved", a.approved},
              {"rejected", a.rejected},
              {"changes_requested", a.changes_requested},
              {"campaigns", a.campaigns},
              {"campaigns_with_revisions", a.campaigns_with_revisions}};
  if (of_role) {
    out["role"] = a.role;
  } else {
    Json roles = Json::array();
    for (const ApprovalFigures& r : a.roles) {
      roles.push_back(ApprovalJson(r, true));
    }
    out["roles"] = std::move(roles);
  }
  return out;
}

// A number for a CSV cell: integers without a fraction, else up to six
// significant decimals, as JSON writes them.
std::string Number(double value) {
  if (std::isfinite(value) && value == std::floor(value) &&
      std::fabs(value) < 1e15) {
    char text[32];
    std::snprintf(text, sizeof text, "%.0f", value);
    return text;
  }
  return Json(value).dump();
}

std::string CsvCell(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

}  // namespace

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  return QuantileOfSorted(values, p);
}

DurationStats StatsOf(const std::vector<double>& values) {
  DurationStats stats;
  if (values.empty()) return stats;
  std::vector<double> sorted = values;
  std::sort(sorted.begin(), sorted.end());
  stats.count = static_cast<int64_t>(sorted.size());
  stats.median = QuantileOfSorted(sorted, 0.5);
  stats.p90 = QuantileOfSorted(sorted, 0.9);
  stats.min = sorted.front();
  stats.max = sorted.back();
  return stats;
}

const char* LaunchStatusName(LaunchStatus status) {
  switch (status) {
    case LaunchStatus::kOnTime:
      return "on_time";
    case LaunchStatus::kLate:
      return "late";
    case LaunchStatus::kNotYet:
      return "not_yet";
    case LaunchStatus::kOverdue:
      return "overdue";
    case LaunchStatus::kNeverLaunched:
      return "never_launched";
    case LaunchStatus::kNoLaunchDate:
      return "no_launch_date";
  }
  return "no_launch_date";
}

Result<DepartmentReport> BuildDepartmentReport(store::Store& store,
                                               const sop::Definition& sop,
                                               const ReportOptions& options) {
  LIVESOP_RETURN_IF_ERROR(CheckDate(options.from, "--from"));
  LIVESOP_RETURN_IF_ERROR(CheckDate(options.to, "--to"));
  if (!options.from.empty() && !options.to.empty() &&
      options.from > options.to) {
    return InvalidArgumentError("--from " + options.from + " is after --to " +
                                options.to + ": the period would be empty");
  }
  // Every SOP version this report reads, by version; the current one wins
  // a version it shares with a pinned one.
  std::map<std::string, const sop::Definition*> versions;
  for (const sop::Definition* p : options.pinned) {
    if (p != nullptr) versions[p->sop.version] = p;
  }
  versions[sop.sop.version] = &sop;
  if (!options.campaign_type.empty()) {
    std::vector<std::string> known;
    bool found = false;
    for (const auto& [version, definition] : versions) {
      for (const sop::CampaignType& t : definition->campaign_types) {
        found = found || t.id == options.campaign_type;
        known.push_back(t.id);
      }
    }
    if (!found) {
      const std::string closest = ClosestMatch(options.campaign_type, known);
      return NotFoundError(
          "--type \"" + options.campaign_type + "\" is no campaign type of " +
          "the SOP" +
          (closest.empty() ? "" : "; did you mean \"" + closest + "\"?"));
    }
  }

  const WorkCalendar calendar = DefaultCalendar(sop);
  DepartmentReport report;
  report.from = options.from;
  report.to = options.to;
  report.campaign_type = options.campaign_type;
  report.currency = sop.budget ? sop.budget->currency : "";
  report.calendar_zone = calendar.time_zone();

  store::CampaignQuery query;
  query.campaign_type = options.campaign_type;
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::CampaignRecord> records,
                           store.Campaigns(query));
  report.campaigns_in_store = static_cast<int64_t>(records.size());

  // The facts of each (version, type) met, computed once.
  std::map<std::pair<const sop::Definition*, std::string>, ProcessFacts>
      process_facts;
  auto facts_of = [&](const sop::Definition& definition,
                      const std::string& type) -> const ProcessFacts* {
    auto key = std::make_pair(&definition, type);
    if (auto it = process_facts.find(key); it != process_facts.end()) {
      return &it->second;
    }
    ProcessFacts& facts = process_facts[key];
    const sop::Process* process = nullptr;
    for (const sop::CampaignType& t : definition.campaign_types) {
      if (t.id == type) process = definition.FindProcess(t.process);
    }
    if (process != nullptr) {
      for (const std::string& s : LaunchStepsOf(definition, *process)) {
        facts.launch_steps.insert(s);
      }
      for (const sop::Step& s : process->steps) {
        if (s.type == sop::StepType::kApproval ||
            s.type == sop::StepType::kReview) {
          facts.decision_steps.insert(s.id);
        }
      }
    }
    return &facts;
  };

  std::vector<Building> campaigns(records.size());
  std::unordered_map<std::string, size_t> index;
  index.reserve(records.size());
  for (size_t i = 0; i < records.size(); ++i) {
    store::CampaignRecord& r = records[i];
    Building& b = campaigns[i];
    auto version = versions.find(r.sop_version);
    b.sop = version == versions.end() ? &sop : version->second;
    b.process = facts_of(*b.sop, r.campaign_type);
    CampaignFigures& c = b.figures;
    c.campaign = std::move(r.campaign);
    c.campaign_type = std::move(r.campaign_type);
    c.title = std::move(r.title);
    c.status = std::move(r.status);
    c.sop_version = std::move(r.sop_version);
    c.submitted_us = r.first_event_us;
    c.closed_us = r.closed_us;
    index.emplace(c.campaign, i);
  }

  // One scan: the request (launch date, budget), the launch, the
  // decisions with their tasks' creation, the spend.
  std::unordered_map<std::string, int64_t> task_created;
  std::vector<DecisionSeen> decisions;
  store::EventFilter filter;
  filter.types = ScannedTypes();
  if (!options.campaign_type.empty()) {
    filter.campaign_types = {options.campaign_type};
  }
  LIVESOP_RETURN_IF_ERROR(
      store.Scan(filter, [&](const store::Event& e) -> Status {
        auto found = index.find(e.campaign);
        if (found == index.end()) return OkStatus();
        Building& b = campaigns[found->second];
        CampaignFigures& c = b.figures;
        const std::string& type = e.type;
        if (type == "campaign_created") {
          if (b.created) return OkStatus();
          b.created = true;
          c.submitted_us = e.time_us;
          const Json payload = Json::parse(e.payload, nullptr, false);
          if (payload.is_object()) {
            auto values = payload.find("values");
            if (values != payload.end() && values->is_object()) {
              c.launch_date = LaunchDateIn(*values);
              c.budget = BudgetIn(*b.sop, *values);
            }
          }
        } else if (type == "task_created") {
          if (!b.process->decision_steps.contains(e.step)) return OkStatus();
          const Json payload = Json::parse(e.payload, nullptr, false);
          if (!payload.is_object()) return OkStatus();
          const std::string task = payload.value("task", "");
          if (!task.empty()) task_created[task] = e.time_us;
        } else if (type == "approval_decided") {
          const Json payload = Json::parse(e.payload, nullptr, false);
          if (!payload.is_object()) return OkStatus();
          DecisionSeen d;
          d.campaign = found->second;
          d.step = payload.value("step", e.step);
          d.role = e.role;
          d.decision = payload.value("decision", "");
          d.informal = e.deviation == "informal_approval";
          if (auto t = task_created.find(payload.value("task", ""));
              t != task_created.end()) {
            // An informal approval dated before its task counts as at once.
            d.hours = static_cast<double>(
                          std::max<int64_t>(0, e.time_us - t->second)) /
                      kUsPerHour;
          }
          decisions.push_back(std::move(d));
        } else if (type == "spend_recorded") {
          const Json payload = Json::parse(e.payload, nullptr, false);
          if (payload.is_object()) {
            auto total = payload.find("total");
            if (total != payload.end() && total->is_number()) {
              c.spent = total->get<double>();
            }
          }
        } else if (b.process->launch_steps.contains(e.step)) {
          // task_completed, step_finished, task_skipped: a launch step done.
          if (c.launched_us == 0 || e.time_us < c.launched_us) {
            c.launched_us = e.time_us;
            c.launch_step = e.step;
          }
        }
        return OkStatus();
      }));

  // The campaigns of the period, with their figures.
  const std::string today =
      options.now_us > 0 ? calendar.LocalDate(options.now_us) : "";
  std::vector<size_t> in_period;
  for (size_t i = 0; i < campaigns.size(); ++i) {
    CampaignFigures& c = campaigns[i].figures;
    c.submitted_date = calendar.LocalDate(c.submitted_us);
    if (!InPeriod(c.launch_date, options.from, options.to) &&
        !InPeriod(c.submitted_date, options.from, options.to)) {
      continue;
    }
    in_period.push_back(i);
    if (c.launched_us > 0) c.launched_date = calendar.LocalDate(c.launched_us);
    if (c.launch_date.empty()) {
      c.launch = LaunchStatus::kNoLaunchDate;
    } else if (c.launched_us > 0) {
      const int64_t late = DayNumber(c.launched_date).value_or(0) -
                           DayNumber(c.launch_date).value_or(0);
      c.launch = late > 0 ? LaunchStatus::kLate : LaunchStatus::kOnTime;
      c.days_late = std::max<int64_t>(0, late);
    } else if (c.status != "active") {
      c.launch = LaunchStatus::kNeverLaunched;
    } else if (!today.empty() && c.launch_date < today) {
      c.launch = LaunchStatus::kOverdue;
    } else {
      c.launch = LaunchStatus::kNotYet;
    }
    if (c.status == "completed" && c.closed_us > 0) {
      c.cycle_days = static_cast<double>(
                         std::max<int64_t>(0, c.closed_us - c.submitted_us)) /
                     kUsPerDay;
    }
    if (c.budget) {
      c.remaining = *c.budget - c.spent;
      if (*c.budget > 0) c.used_pct = c.spent / *c.budget * 100;
      c.over_budget = c.spent > *c.budget;
    }
  }
  std::vector<bool> selected(campaigns.size(), false);
  for (size_t i : in_period) selected[i] = true;

  // Decisions: by step, and by role on it; the campaign's counts.
  std::map<std::string, DecisionGroup> by_step;
  std::map<std::pair<std::string, std::string>, DecisionGroup> by_role;
  for (const DecisionSeen& d : decisions) {
    if (!selected[d.campaign]) continue;
    CampaignFigures& c = campaigns[d.campaign].figures;
    ++c.decisions;
    if (d.informal) ++c.informal;
    if (d.decision == "request_changes") ++c.changes_requested;
    by_step[d.step].Add(d);
    by_role[{d.step, d.role}].Add(d);
  }
  // Steps in the SOP's order (the current version's processes, then the
  // pinned ones), each named as the first version to have it names it.
  std::unordered_map<std::string, std::pair<size_t, std::string>> order;
  auto number_steps = [&](const sop::Definition& definition) {
    for (const sop::Process& p : definition.processes) {
      for (const sop::Step& s : p.steps) {
        order.try_emplace(s.id, order.size(), s.name);
      }
    }
  };
  number_steps(sop);
  for (const sop::Definition* p : options.pinned) {
    if (p != nullptr) number_steps(*p);
  }
  for (auto& [step, group] : by_step) {
    ApprovalFigures figures = group.Finish();
    figures.step = step;
    auto known = order.find(step);
    figures.name = known == order.end() ? step : known->second.second;
    for (auto it = by_role.lower_bound({step, ""});
         it != by_role.end() && it->first.first == step; ++it) {
      ApprovalFigures role = it->second.Finish();
      role.step = step;
      role.name = figures.name;
      role.role = it->first.second;
      figures.roles.push_back(std::move(role));
    }
    report.approvals.push_back(std::move(figures));
  }
  std::stable_sort(report.approvals.begin(), report.approvals.end(),
                   [&](const ApprovalFigures& a, const ApprovalFigures& b) {
                     auto rank = [&](const std::string& step) {
                       auto it = order.find(step);
                       return it == order.end() ? order.size()
                                                : it->second.first;
                     };
                     return rank(a.step) < rank(b.step);
                   });

  // Totals by type and overall.
  Group all;
  std::map<std::string, Group> groups;
  for (size_t i : in_period) {
    const CampaignFigures& c = campaigns[i].figures;
    all.Add(c);
    groups[c.campaign_type].Add(c);
  }
  all.Finish();
  report.status = all.status;
  report.launch = all.launch;
  report.cycle = all.cycle;
  report.spend = all.spend;
  for (auto& [type, group] : groups) {
    group.Finish();
    TypeFigures t;
    t.campaign_type = type;
    t.name = type;
    for (const sop::CampaignType& known : sop.campaign_types) {
      if (known.id == type) t.name = known.name;
    }
    t.status = group.status;
    t.launch = group.launch;
    t.cycle = group.cycle;
    t.spend = group.spend;
    report.types.push_back(std::move(t));
  }
  report.campaigns.reserve(in_period.size());
  for (size_t i : in_period) {
    report.campaigns.push_back(std::move(campaigns[i].figures));
  }
  return report;
}

Json DepartmentReportToJson(const DepartmentReport& report) {
  Json types = Json::array();
  for (const TypeFigures& t : report.types) {
    types.push_back({{"campaign_type", t.campaign_type},
                     {"name", t.name},
                     {"status", StatusJson(t.status)},
                     {"launch", LaunchJson(t.launch)},
                     {"cycle_time", CycleJson(t.cycle)},
                     {"spend", SpendJson(t.spend)}});
  }
  Json approvals = Json::array();
  for (const ApprovalFigures& a : report.approvals) {
    approvals.push_back(ApprovalJson(a, false));
  }
  Json campaigns = Json::array();
  for (const CampaignFigures& c : report.campaigns) {
    campaigns.push_back(
        {{"campaign", c.campaign},
         {"campaign_type", c.campaign_type},
         {"title", c.title},
         {"status", c.status},
         {"sop_version", c.sop_version},
         {"submitted", c.submitted_us != 0
                           ? Json(FormatTimestamp(c.submitted_us))
                           : Json(nullptr)},
         {"closed", c.closed_us != 0 ? Json(FormatTimestamp(c.closed_us))
                                     : Json(nullptr)},
         {"launch_date",
          c.launch_date.empty() ? Json(nullptr) : Json(c.launch_date)},
         {"launched", c.launched_us != 0 ? Json(FormatTimestamp(c.launched_us))
                                         : Json(nullptr)},
         {"launched_date",
          c.launched_date.empty() ? Json(nullptr) : Json(c.launched_date)},
         {"launch_step",
          c.launch_step.empty() ? Json(nullptr) : Json(c.launch_step)},
         {"launch_status", LaunchStatusName(c.launch)},
         {"days_late", c.days_late},
         {"cycle_days", Optional(c.cycle_days)},
         {"decisions", c.decisions},
         {"informal", c.informal},
         {"changes_requested", c.changes_requested},
         {"budget", Optional(c.budget)},
         {"spent", c.spent},
         {"remaining", Optional(c.remaining)},
         {"used_pct", Optional(c.used_pct)},
         {"over_budget", c.over_budget}});
  }
  auto bound = [](const std::string& text) {
    return text.empty() ? Json(nullptr) : Json(text);
  };
  return {{"period", {{"from", bound(report.from)}, {"to", bound(report.to)}}},
          {"campaign_type", bound(report.campaign_type)},
          {"currency", report.currency},
          {"calendar_zone", report.calendar_zone},
          {"campaigns_in_store", report.campaigns_in_store},
          {"status", StatusJson(report.status)},
          {"launch", LaunchJson(report.launch)},
          {"cycle_time", CycleJson(report.cycle)},
          {"spend", SpendJson(report.spend)},
          {"types", std::move(types)},
          {"approvals", std::move(approvals)},
          {"campaigns", std::move(campaigns)}};
}

std::string DepartmentReportToCsv(const DepartmentReport& report) {
  static const char* const kColumns[] = {
      "campaign",    "campaign_type",     "title",
      "status",      "submitted",         "closed",
      "launch_date", "launched_date",     "launch_status",
      "days_late",   "cycle_days",        "decisions",
      "informal",    "changes_requested", "budget",
      "spent",       "remaining",         "used_pct",
      "over_budget", "currency"};
  std::string out;
  for (const char* column : kColumns) {
    if (!out.empty()) out += ',';
    out += column;
  }
  out += "\r\n";
  auto optional = [](const std::optional<double>& value) {
    return value ? Number(*value) : std::string();
  };
  auto time = [](int64_t us) {
    return us != 0 ? FormatTimestamp(us) : std::string();
  };
  for (const CampaignFigures& c : report.campaigns) {
    const std::vector<std::string> cells = {c.campaign,
                                            c.campaign_type,
                                            c.title,
                                            c.status,
                                            time(c.submitted_us),
                                            time(c.closed_us),
                                            c.launch_date,
                                            c.launched_date,
                                            LaunchStatusName(c.launch),
                                            std::to_string(c.days_late),
                                            optional(c.cycle_days),
                                            std::to_string(c.decisions),
                                            std::to_string(c.informal),
                                            std::to_string(c.changes_requested),
                                            optional(c.budget),
                                            Number(c.spent),
                                            optional(c.remaining),
                                            optional(c.used_pct),
                                            c.over_budget ? "true" : "false",
                                            report.currency};
    for (size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out += ',';
      out += CsvCell(cells[i]);
    }
    out += "\r\n";
  }
  return out;
}

}  // namespace livesop::engine

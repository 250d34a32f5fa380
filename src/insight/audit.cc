#include "insight/audit.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include "engine/facts.h"
#include "engine/report.h"
#include "insight/internal/format.h"
#include "insight/internal/rate_change.h"

namespace livesop::insight {
namespace {

using internal::Fixed;
using internal::HoldsRole;
using internal::Percent;

constexpr double kUsPerHour = 3600.0 * 1e6;
constexpr double kUsPerDay = 24 * kUsPerHour;
constexpr int64_t kUsPerWeek = int64_t{7} * 24 * 3600 * 1'000'000;

double Share(int64_t part, int64_t whole) {
  return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole)
                   : 0.0;
}

// Monday 00:00 UTC of the week holding `us` (1970-01-01 was a Thursday).
int64_t WeekOf(int64_t us) {
  constexpr int64_t kMondayOffset = int64_t{3} * 24 * 3600 * 1'000'000;
  const int64_t shifted = us + kMondayOffset;
  int64_t week = shifted / kUsPerWeek;
  if (shifted < 0 && shifted % kUsPerWeek != 0) --week;
  return week * kUsPerWeek - kMondayOffset;
}

// People ranked by count, most first, with their share of `total`.
std::vector<PersonShare> Ranked(const std::map<std::string, int64_t>& counts,
                                int64_t total) {
  std::vector<PersonShare> out;
  for (const auto& [person, count] : counts) {
    if (!person.empty()) out.push_back({person, count, Share(count, total)});
  }
  std::sort(out.begin(), out.end(),
            [](const PersonShare& a, const PersonShare& b) {
              return std::tie(b.count, a.person) < std::tie(a.count, b.person);
            });
  return out;
}

std::vector<std::string> PeopleOf(
    const std::map<std::string, int64_t>& counts) {
  std::vector<std::string> out;
  for (const PersonShare& p : Ranked(counts, 1)) out.push_back(p.person);
  return out;
}

bool IsDecisionStep(sop::StepType type) {
  return type == sop::StepType::kApproval || type == sop::StepType::kReview;
}

// What a campaign is read with: its SOP version's process.
struct Reading {
  const sop::Definition* sop = nullptr;
  const sop::Process* process = nullptr;
};

// Builds a finding's evidence and campaign list as cases are found.
class FindingBuilder {
 public:
  FindingBuilder(FindingKind kind, std::string code, std::string process,
                 std::string step) {
    finding_.kind = kind;
    finding_.code = std::move(code);
    finding_.process = std::move(process);
    finding_.step = std::move(step);
  }

  void Case(const EventRef& ref, const std::string& person = "") {
    ++finding_.count;
    if (campaigns_.insert(ref.campaign).second) {
      finding_.campaigns.push_back(ref.campaign);
    }
    if (finding_.evidence.size() < kMaxEvidence) {
      finding_.evidence.push_back(ref);
    }
    if (!person.empty()) ++people_[person];
  }

  int64_t count() const { return finding_.count; }

  Finding Done(int64_t out_of, std::string summary) {
    finding_.out_of = out_of;
    finding_.share = Share(finding_.count, out_of);
    finding_.summary = std::move(summary);
    finding_.people = PeopleOf(people_);
    return std::move(finding_);
  }

 private:
  Finding finding_;
  std::set<std::string> campaigns_;
  std::map<std::string, int64_t> people_;
};

// Everything gathered for one process before its findings are judged.
struct StepGather {
  StepFigures figures;
  sop::StepType type = sop::StepType::kTask;
  bool in_sop = false;
  std::vector<double> hours;
  std::vector<EventRef> breached;
  std::vector<std::pair<EventRef, std::string>> skipped;     // ref, actor
  std::vector<std::pair<EventRef, std::string>> off_system;  // ref, by
  std::vector<std::pair<EventRef, std::string>> repeated;    // ref, by
  std::set<std::string> campaigns;
  double active_hours = 0;
};

struct HandoffGather {
  int64_t handoffs = 0;
  std::vector<std::pair<EventRef, std::string>> reworked;  // ref, pair
};

struct ProcessGather {
  const sop::Process* process = nullptr;
  std::vector<const CampaignHistory*> campaigns;
  std::set<std::string> types;
  std::vector<std::string> step_order;
  std::unordered_map<std::string, StepGather> steps;
  std::map<std::pair<std::string, std::string>, HandoffGather> handoffs;
  // Unordered pairs of people with the campaigns where work went back and
  // forth between them.
  std::map<std::pair<std::string, std::string>, std::vector<EventRef>>
      ping_pong;
  std::vector<std::pair<EventRef, std::string>> duplicates;  // ref, approver
  int64_t decisions = 0;
  int64_t informal_decisions = 0;
  std::map<std::string, std::vector<std::pair<EventRef, std::string>>> adhoc;
  std::map<std::string, std::vector<std::pair<EventRef, std::string>>> side;
  int64_t with_due = 0;
  int64_t breached = 0;
  int64_t reworked_campaigns = 0;
  std::vector<double> cycle_days;
};

void GatherCampaign(const CampaignHistory& c, ProcessGather& g) {
  g.campaigns.push_back(&c);
  g.types.insert(c.type);
  if (c.status == "completed" && c.closed_us > 0) {
    g.cycle_days.push_back((c.closed_us - c.created_us) / kUsPerDay);
  }
  bool reworked = false;
  for (const StepVisit& v : c.visits) {
    if (v.outcome == "cancelled" || v.open()) continue;
    StepGather& s = g.steps[v.step];
    if (s.figures.step.empty()) {
      s.figures.step = v.step;
      s.figures.name = v.activity;
      s.figures.type = v.adhoc ? "ad-hoc" : "task";
      g.step_order.push_back(v.step);
    }
    ++s.figures.visits;
    if (s.campaigns.insert(c.id).second) ++s.figures.campaigns;
    const double hours = (v.end_us - v.start_us) / kUsPerHour;
    s.hours.push_back(hours);
    s.active_hours += hours;
    if (v.due_us > 0) {
      ++s.figures.with_due;
      ++g.with_due;
    }
    if (v.breached) {
      ++s.figures.breached;
      ++g.breached;
      s.breached.push_back(v.start);
    }
    if (v.outcome == "skipped") {
      ++s.figures.skipped;
      s.skipped.emplace_back(v.end, v.by);
    }
    if (IsOffSystem(v.source)) {
      ++s.figures.off_system;
      s.off_system.emplace_back(v.end, v.by);
    }
    if (v.visit == 2) {
      ++s.figures.repeated;
      s.repeated.emplace_back(v.start, v.by);
      reworked = true;
    }
    if (v.adhoc) g.adhoc[v.activity].emplace_back(v.start, v.by);
  }
  if (reworked) ++g.reworked_campaigns;

  // Handoffs: the step whose end started another, done by someone else.
  // The step a visit follows is the one whose end was appended last before
  // the visit started (one command appends both), so parallel branches do
  // not interleave. A handoff followed by changes requested or a rejection
  // failed; the same two people failing twice in one campaign is ping-pong.
  // Failed handoffs per (from, to) people: how many, and the last.
  std::map<std::pair<std::string, std::string>, std::pair<int, EventRef>>
      failed;
  const std::vector<int> followed = FollowedVisits(c);
  for (size_t i = 0; i < c.visits.size(); ++i) {
    const StepVisit* v = &c.visits[i];
    if (followed[i] < 0 || v->open() || v->outcome == "cancelled") continue;
    const StepVisit* from = &c.visits[followed[i]];
    if (from->by.empty() || v->by.empty() || from->by == v->by) continue;
    HandoffGather& h = g.handoffs[{from->step, v->step}];
    ++h.handoffs;
    if (v->outcome == "changes_requested" || v->outcome == "rejected") {
      h.reworked.emplace_back(v->end, from->by + " → " + v->by);
      auto& [count, last] = failed[{from->by, v->by}];
      ++count;
      last = v->end;
    }
  }
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& [people, failures] : failed) {
    if (failures.first < 2) continue;
    auto pair = std::minmax(people.first, people.second);
    if (seen.insert({pair.first, pair.second}).second) {
      g.ping_pong[{pair.first, pair.second}].push_back(failures.second);
    }
  }

  // Redundancy: the same person approving the same versions twice.
  std::set<std::tuple<std::string, std::string>> approved;
  for (const Decision& d : c.decisions) {
    ++g.decisions;
    if (d.deviation == "informal_approval" || IsOffSystem(d.source)) {
      ++g.informal_decisions;
    }
    if (d.decision != "approve" || d.versions.empty()) continue;
    if (!approved.emplace(d.approver, d.versions).second) {
      g.duplicates.emplace_back(d.at, d.approver);
    }
  }
  for (const SideActivity& s : c.side) {
    g.side[s.activity].emplace_back(s.at, s.person);
  }
}

std::string StepLabel(const ProcessGather& g, const std::string& step) {
  auto it = g.steps.find(step);
  const std::string name =
      it != g.steps.end() && !it->second.figures.name.empty()
          ? it->second.figures.name
          : step;
  return name == step ? step : name + " (" + step + ")";
}

void JudgeFindings(ProcessGather& g, const AuditOptions& options,
                   ProcessAudit& out) {
  const std::string& pid = out.process;
  const int64_t campaigns = static_cast<int64_t>(g.campaigns.size());
  auto enough = [&](int64_t count, int64_t out_of) {
    return count >= options.min_count &&
           Share(count, out_of) >= options.min_share;
  };
  auto with_people = [](FindingBuilder& b, const auto& cases) {
    for (const auto& [ref, person] : cases) b.Case(ref, person);
  };

  double total_hours = 0;
  for (const auto& [id, s] : g.steps) total_hours += s.active_hours;
  for (const std::string& id : g.step_order) {
    StepGather& s = g.steps[id];
    const std::string label = StepLabel(g, id);
    // Friction: deadlines missed.
    if (enough(s.figures.breached, s.figures.with_due)) {
      FindingBuilder b(FindingKind::kFriction, "sla-breaches", pid, id);
      for (const EventRef& ref : s.breached) b.Case(ref);
      out.findings.push_back(
          b.Done(s.figures.with_due,
                 label + " missed its SLA (" +
                     (s.figures.sla.empty() ? "none written" : s.figures.sla) +
                     ") in " + std::to_string(s.figures.breached) + " of " +
                     std::to_string(s.figures.with_due) + " visits (" +
                     Percent(Share(s.figures.breached, s.figures.with_due)) +
                     "); median " + Fixed(s.figures.median_hours, 1) +
                     " h, p90 " + Fixed(s.figures.p90_hours, 1) + " h."));
    }
    // Friction: one step holding most of the time.
    const double time_share =
        total_hours > 0 ? s.active_hours / total_hours : 0;
    // A step done within the hour is no friction however large its share.
    if (s.figures.visits >= options.min_count && time_share >= 0.3 &&
        g.steps.size() > 2 && s.figures.median_hours >= 1.0) {
      FindingBuilder b(FindingKind::kFriction, "slow-step", pid, id);
      std::vector<std::pair<double, EventRef>> slowest;
      for (const CampaignHistory* c : g.campaigns) {
        for (const StepVisit& v : c->visits) {
          if (v.step == id && !v.open() && v.outcome != "cancelled") {
            slowest.emplace_back(v.end_us - v.start_us, v.start);
          }
        }
      }
      std::sort(slowest.begin(), slowest.end(),
                [](const auto& x, const auto& y) { return x.first > y.first; });
      for (const auto& [us, ref] : slowest) b.Case(ref);
      Finding f = b.Done(
          s.figures.visits,
          label + " holds " + Percent(time_share) +
              " of the time this process's steps are active (" +
              (IsDecisionStep(s.type) ? "waiting for a decision" : "work") +
              "); median " + Fixed(s.figures.median_hours, 1) + " h, p90 " +
              Fixed(s.figures.p90_hours, 1) + " h.");
      f.share = time_share;
      out.findings.push_back(std::move(f));
    }
    // Redundancy: the same step done again.
    if (enough(s.figures.repeated, s.figures.campaigns)) {
      FindingBuilder b(FindingKind::kRedundancy, "repeated-step", pid, id);
      with_people(b, s.repeated);
      out.findings.push_back(b.Done(
          s.figures.campaigns,
          label + " was done more than once in " +
              std::to_string(s.figures.repeated) + " of " +
              std::to_string(s.figures.campaigns) + " campaigns (" +
              Percent(Share(s.figures.repeated, s.figures.campaigns)) + ")."));
    }
    // Gaps: skipped, or carried by side paths.
    if (s.in_sop && enough(s.figures.skipped, s.figures.visits)) {
      FindingBuilder b(FindingKind::kGap, "skipped-step", pid, id);
      with_people(b, s.skipped);
      out.findings.push_back(b.Done(
          s.figures.visits,
          label + " was skipped in " + std::to_string(s.figures.skipped) +
              " of " + std::to_string(s.figures.visits) + " visits (" +
              Percent(Share(s.figures.skipped, s.figures.visits)) + ")."));
    }
    if (s.in_sop && enough(s.figures.off_system, s.figures.visits)) {
      FindingBuilder b(FindingKind::kGap, "side-path-step", pid, id);
      with_people(b, s.off_system);
      out.findings.push_back(
          b.Done(s.figures.visits,
                 label +
                     " was settled through a side path (chat, mail, a "
                     "tracker) in " +
                     std::to_string(s.figures.off_system) + " of " +
                     std::to_string(s.figures.visits) + " visits (" +
                     Percent(Share(s.figures.off_system, s.figures.visits)) +
                     "): the SOP's record of it is second-hand."));
    }
  }
  // Redundancy: approvals of versions already approved.
  if (static_cast<int64_t>(g.duplicates.size()) >= options.min_count) {
    FindingBuilder b(FindingKind::kRedundancy, "duplicate-approval", pid, "");
    with_people(b, g.duplicates);
    out.findings.push_back(b.Done(
        g.decisions, std::to_string(g.duplicates.size()) +
                         " approvals were given by someone who had already "
                         "approved the same versions of the campaign's "
                         "documents and assets."));
  }
  // Handoff failures.
  for (auto& [steps, h] : g.handoffs) {
    if (!enough(static_cast<int64_t>(h.reworked.size()), h.handoffs)) continue;
    FindingBuilder b(FindingKind::kHandoff, "handoff-rework", pid,
                     steps.first + " → " + steps.second);
    with_people(b, h.reworked);
    out.findings.push_back(b.Done(
        h.handoffs, "The handoff from " + StepLabel(g, steps.first) + " to " +
                        StepLabel(g, steps.second) +
                        " came back for rework "
                        "in " +
                        std::to_string(h.reworked.size()) + " of " +
                        std::to_string(h.handoffs) + " handoffs (" +
                        Percent(Share(static_cast<int64_t>(h.reworked.size()),
                                      h.handoffs)) +
                        ")."));
  }
  for (auto& [pair, refs] : g.ping_pong) {
    if (static_cast<int64_t>(refs.size()) < options.min_count) continue;
    FindingBuilder b(FindingKind::kHandoff, "ping-pong", pid, "");
    for (const EventRef& ref : refs) {
      b.Case(ref, pair.first);
    }
    Finding f = b.Done(
        campaigns, "Work went back and forth between " + pair.first + " and " +
                       pair.second + " (sent back twice or more) in " +
                       std::to_string(refs.size()) + " campaigns.");
    f.people = {pair.first, pair.second};
    out.findings.push_back(std::move(f));
  }
  // Gaps: work the SOP does not describe.
  for (auto& [name, cases] : g.adhoc) {
    std::set<std::string> in;
    for (const auto& [ref, person] : cases) in.insert(ref.campaign);
    if (!enough(static_cast<int64_t>(in.size()), campaigns) &&
        static_cast<int64_t>(in.size()) < options.min_count * 2) {
      continue;
    }
    FindingBuilder b(FindingKind::kGap, "ad-hoc-step", pid, name);
    with_people(b, cases);
    Finding f =
        b.Done(campaigns, "An ad-hoc step \"" + name + "\" was added to " +
                              std::to_string(in.size()) + " of " +
                              std::to_string(campaigns) +
                              " campaigns: work the SOP does not describe.");
    f.count = static_cast<int64_t>(in.size());
    f.share = Share(f.count, campaigns);
    out.findings.push_back(std::move(f));
  }
  for (auto& [activity, cases] : g.side) {
    std::set<std::string> in;
    for (const auto& [ref, person] : cases) in.insert(ref.campaign);
    if (static_cast<int64_t>(in.size()) < options.min_count) continue;
    FindingBuilder b(FindingKind::kGap, "side-activity", pid, activity);
    with_people(b, cases);
    Finding f =
        b.Done(campaigns, "\"" + activity + "\" happened on side paths " +
                              std::to_string(cases.size()) + " times in " +
                              std::to_string(in.size()) + " of " +
                              std::to_string(campaigns) +
                              " campaigns, outside the SOP's steps.");
    f.count = static_cast<int64_t>(in.size());
    f.share = Share(f.count, campaigns);
    out.findings.push_back(std::move(f));
  }
}

void SortFindings(std::vector<Finding>& findings) {
  std::stable_sort(findings.begin(), findings.end(),
                   [](const Finding& a, const Finding& b) {
                     if (a.kind != b.kind) return a.kind < b.kind;
                     return a.count * a.share > b.count * b.share;
                   });
}

Maturity Assess(const ProcessAudit& p, int sop_versions_used, bool sla_coverage,
                bool has_gap) {
  Maturity m;
  const bool measured = p.campaigns >= 5;
  m.criteria = {
      {2,
       "at least half the campaigns on the documented path (" +
           Percent(p.on_path_share) + ")",
       p.on_path_share >= 0.5},
      {2,
       "fewer than 30% of decisions through side paths (" +
           Percent(p.informal_share) + ")",
       p.informal_share < 0.3},
      {3, "at least 70% of campaigns on the documented path",
       p.on_path_share >= 0.7},
      {3, "fewer than 15% of decisions through side paths",
       p.informal_share < 0.15},
      {3,
       "no step that recurring work adds, skips or settles elsewhere "
       "(no gap finding)",
       !has_gap},
      {4,
       "SLAs on the process's work steps, and fewer than 10% of "
       "deadlines missed (" +
           Percent(p.breach_share) + ")",
       sla_coverage && p.breach_share < 0.1},
      {4,
       "fewer than 20% of campaigns with a step done twice (" +
           Percent(p.rework_share) + ")",
       p.rework_share < 0.2},
      {4,
       "enough history to measure: 5 campaigns or more (" +
           std::to_string(p.campaigns) + ")",
       measured},
      {5, "at least 90% of campaigns on the documented path",
       p.on_path_share >= 0.9},
      {5,
       "the SOP is kept up: campaigns ran on more than one version (" +
           std::to_string(sop_versions_used) + ")",
       sop_versions_used > 1},
  };
  m.level = 1;
  for (int level = 2; level <= 5; ++level) {
    bool all = true;
    for (const Criterion& c : m.criteria) {
      if (c.level == level && !c.met) all = false;
    }
    if (!all) break;
    m.level = level;
  }
  static const char* const kNames[] = {"",        "Initial", "Repeatable",
                                       "Defined", "Managed", "Optimising"};
  m.name = kNames[m.level];
  return m;
}

Answers Answer(const History& history,
               const std::map<std::string, std::string>& type_process,
               const AuditOptions& options) {
  Answers a;
  std::map<std::string, InformalCounts> by_type;
  std::map<std::string, int64_t> pressure_people;
  std::map<std::string, int64_t> exception_people;
  std::map<std::pair<std::string, std::string>, StepCount> first;
  int64_t pressured_on_path = 0;
  int64_t calm = 0;
  int64_t calm_on_path = 0;
  int64_t on_path = 0;
  int64_t off_system_events = 0;
  int64_t with_departure = 0;
  std::map<std::string, std::vector<const CampaignHistory*>> by_version;

  for (const CampaignHistory& c : history.campaigns) {
    InformalCounts& t = by_type[c.type];
    t.campaign_type = c.type;
    ++t.campaigns;
    // Work items: steps done, decisions given, side-path activities.
    for (const StepVisit& v : c.visits) {
      if (v.open() || v.outcome == "cancelled" || v.decided) continue;
      ++t.work_items;
      if (IsOffSystem(v.source)) {
        ++t.informal_items;
        ++t.by_source[v.source];
      }
    }
    for (const SideActivity& s : c.side) {
      ++t.work_items;
      ++t.informal_items;
      ++t.by_source[s.source];
    }
    for (const Decision& d : c.decisions) {
      ++t.decisions;
      ++t.work_items;
      if (d.deviation == "informal_approval" || IsOffSystem(d.source)) {
        ++t.informal_decisions;
        ++t.informal_items;
        ++t.by_source[IsOffSystem(d.source) ? d.source : "informal"];
      }
    }
    off_system_events += c.off_system_events;
    if (c.on_path()) ++on_path;
    if (c.pressured()) {
      ++a.pressured;
      if (c.on_path()) ++pressured_on_path;
      for (const Departure& d : c.departures) ++pressure_people[d.actor];
    } else {
      ++calm;
      if (c.on_path()) ++calm_on_path;
    }
    for (const Departure& d : c.departures) ++exception_people[d.actor];
    a.exceptions += static_cast<int64_t>(c.departures.size());
    if (!c.departures.empty()) {
      ++with_departure;
      const Departure& d = c.departures.front();
      auto process = type_process.find(c.type);
      StepCount& s = first[{
          process != type_process.end() ? process->second : c.type, d.step}];
      s.process = process != type_process.end() ? process->second : c.type;
      s.step = d.step;
      ++s.campaigns;
      ++s.kinds[d.kind];
    }
    bool coordinated = !c.side.empty() || c.off_system_events > 0;
    for (const Departure& d : c.departures) {
      if (d.kind == "informal_approval" || d.kind == "ad_hoc_step") {
        coordinated = true;
      }
    }
    if (coordinated) ++a.coordinated;
    by_version[c.sop_version].push_back(&c);
  }

  const int64_t campaigns = static_cast<int64_t>(history.campaigns.size());
  for (auto& [type, t] : by_type) {
    t.informal_share = Share(t.informal_items, t.work_items);
    t.informal_decision_share = Share(t.informal_decisions, t.decisions);
    a.informal.campaigns += t.campaigns;
    a.informal.work_items += t.work_items;
    a.informal.informal_items += t.informal_items;
    a.informal.decisions += t.decisions;
    a.informal.informal_decisions += t.informal_decisions;
    for (const auto& [source, n] : t.by_source)
      a.informal.by_source[source] += n;
    a.informal_by_type.push_back(t);
  }
  a.informal.informal_share =
      Share(a.informal.informal_items, a.informal.work_items);
  a.informal.informal_decision_share =
      Share(a.informal.informal_decisions, a.informal.decisions);
  std::sort(a.informal_by_type.begin(), a.informal_by_type.end(),
            [](const InformalCounts& x, const InformalCounts& y) {
              return std::tie(y.informal_share, x.campaign_type) <
                     std::tie(x.informal_share, y.campaign_type);
            });

  a.pressured_on_path_share = Share(pressured_on_path, a.pressured);
  a.calm_on_path_share = Share(calm_on_path, calm);
  int64_t pressure_departures = 0;
  for (const auto& [p, n] : pressure_people) pressure_departures += n;
  a.pressure_people = Ranked(pressure_people, pressure_departures);

  for (auto& [key, s] : first) {
    s.share = Share(s.campaigns, with_departure);
    a.first_departures.push_back(s);
  }
  std::sort(a.first_departures.begin(), a.first_departures.end(),
            [](const StepCount& x, const StepCount& y) {
              return std::tie(y.campaigns, x.process, x.step) <
                     std::tie(x.campaigns, y.process, y.step);
            });

  a.coordinated_share = Share(a.coordinated, campaigns);
  a.off_system_event_share = Share(off_system_events, history.events);
  a.on_path_share = Share(on_path, campaigns);
  a.exception_people = Ranked(exception_people, a.exceptions);
  int64_t covered = 0;
  for (const PersonShare& p : a.exception_people) {
    if (2 * covered >= a.exceptions) break;
    covered += p.count;
    ++a.bus_factor;
  }

  for (auto& [version, list] : by_version) {
    VersionLife life;
    life.version = version;
    auto published = options.published_us.find(version);
    life.published_us = published != options.published_us.end()
                            ? published->second
                            : list.front()->created_us;
    life.campaigns = static_cast<int64_t>(list.size());
    int64_t on = 0;
    std::map<int64_t, WeekShare> weeks;
    for (const CampaignHistory* c : list) {
      WeekShare& w = weeks[WeekOf(c->created_us)];
      w.week_us = WeekOf(c->created_us);
      ++w.campaigns;
      if (c->on_path()) {
        ++w.on_path;
        ++on;
      }
    }
    life.on_path_share = Share(on, life.campaigns);
    for (const auto& [week, w] : weeks) life.weeks.push_back(w);
    for (size_t i = 0; i + 1 < life.weeks.size(); ++i) {
      const WeekShare& w0 = life.weeks[i];
      const WeekShare& w1 = life.weeks[i + 1];
      if (2 * w0.on_path < w0.campaigns && 2 * w1.on_path < w1.campaigns) {
        life.days_real = std::max<int64_t>(
            0, static_cast<int64_t>((w0.week_us - WeekOf(life.published_us)) /
                                    kUsPerDay));
        break;
      }
    }
    life.observed_days = static_cast<int64_t>(
        std::max<int64_t>(0, history.last_us - life.published_us) / kUsPerDay);
    a.versions.push_back(std::move(life));
  }
  std::sort(a.versions.begin(), a.versions.end(),
            [](const VersionLife& x, const VersionLife& y) {
              return std::tie(x.published_us, x.version) <
                     std::tie(y.published_us, y.version);
            });
  return a;
}

// A visit done as the SOP says: not skipped, not done early, not settled
// through a side path.
bool AsWritten(const StepVisit& v) {
  return v.outcome != "skipped" && v.deviation.empty() &&
         !IsOffSystem(v.source);
}

// One case of a rate: when, whether, and where to find it.
struct RateCase {
  int64_t time_us = 0;
  bool yes = false;
  EventRef ref;
};

RateSeries SeriesOf(std::vector<RateCase> cases, const AuditOptions& options) {
  std::stable_sort(cases.begin(), cases.end(),
                   [](const RateCase& a, const RateCase& b) {
                     return a.time_us < b.time_us;
                   });
  RateSeries series;
  series.cases = static_cast<int64_t>(cases.size());
  std::vector<bool> yes;
  yes.reserve(cases.size());
  int64_t count = 0;
  for (const RateCase& c : cases) {
    yes.push_back(c.yes);
    count += c.yes ? 1 : 0;
  }
  series.rate = Share(count, series.cases);
  internal::RateChangeOptions rate_options;
  rate_options.min_segment = options.drift_min_segment;
  rate_options.min_effect = options.drift_min_effect;
  const std::vector<internal::RateCut> cuts =
      internal::FindRateChanges(yes, rate_options);
  for (size_t i = 0; i < cuts.size(); ++i) {
    const internal::RateCut& cut = cuts[i];
    const int64_t begin = i == 0 ? 0 : cuts[i - 1].index + 1;
    const int64_t end =
        i + 1 < cuts.size() ? cuts[i + 1].index + 1 : series.cases;
    const RateCase& first = cases[cut.index + 1];
    series.changes.push_back({first.time_us, first.ref, cut.before, cut.after,
                              cut.index + 1 - begin, end - cut.index - 1,
                              cut.p_value});
  }
  return series;
}

std::vector<RateSeries> Drift(
    const History& history,
    const std::map<std::string, const sop::Process*>& type_process,
    const AuditOptions& options) {
  std::map<std::string, std::vector<RateCase>> campaigns;  // by type
  std::map<std::string, std::map<int64_t, WeekShare>> weeks;
  std::map<std::pair<std::string, std::string>, std::vector<RateCase>> steps;
  for (const CampaignHistory& c : history.campaigns) {
    campaigns[c.type].push_back(
        {c.created_us, c.on_path(), {c.id, 0, c.created_us}});
    WeekShare& w = weeks[c.type][WeekOf(c.created_us)];
    w.week_us = WeekOf(c.created_us);
    ++w.campaigns;
    if (c.on_path()) ++w.on_path;
    for (const StepVisit& v : c.visits) {
      if (v.open() || v.outcome == "cancelled" || v.adhoc) continue;
      steps[{c.type, v.step}].push_back({v.end_us, AsWritten(v), v.end});
    }
  }
  std::vector<RateSeries> out;
  for (auto& [type, cases] : campaigns) {
    RateSeries series = SeriesOf(std::move(cases), options);
    series.campaign_type = type;
    auto process = type_process.find(type);
    if (process != type_process.end()) series.process = process->second->id;
    for (const auto& [week, w] : weeks[type]) series.weeks.push_back(w);
    out.push_back(std::move(series));
  }
  // Steps in the SOP's order within each type; steps the SOP does not have
  // (imported logs) after them, by id.
  for (const auto& [type, unused] : weeks) {
    auto process = type_process.find(type);
    std::vector<std::string> order;
    if (process != type_process.end()) {
      for (const sop::Step& step : process->second->steps) {
        order.push_back(step.id);
      }
    }
    for (const auto& [key, cases] : steps) {
      if (key.first == type &&
          std::find(order.begin(), order.end(), key.second) == order.end()) {
        order.push_back(key.second);
      }
    }
    for (const std::string& step : order) {
      auto it = steps.find({type, step});
      if (it == steps.end()) continue;
      RateSeries series = SeriesOf(std::move(it->second), options);
      if (series.changes.empty()) continue;
      series.campaign_type = type;
      if (process != type_process.end()) {
        series.process = process->second->id;
      }
      series.step = step;
      out.push_back(std::move(series));
    }
  }
  return out;
}

struct CampaignReading {
  const CampaignHistory* campaign = nullptr;
  const sop::Definition* sop = nullptr;
  const sop::Process* process = nullptr;
};

struct MatrixGather {
  MatrixCell cell;
  std::map<std::string, int64_t> deciders;
  std::vector<RateCase> cases;
  std::vector<std::pair<EventRef, std::string>> departed;  // ref, person
};

// The matrix against the decisions, and a finding wherever the roles it
// names for every approval of a group were passed by.
std::vector<MatrixCell> MatrixDrift(const std::vector<CampaignReading>& read,
                                    const AuditOptions& options,
                                    std::vector<ProcessAudit>& processes) {
  using Key = std::tuple<std::string, std::string, std::string, std::string,
                         std::string>;
  std::map<Key, MatrixGather> cells;
  for (const CampaignReading& r : read) {
    const CampaignHistory& c = *r.campaign;
    nlohmann::json values = nlohmann::json::parse(c.values, nullptr, false);
    if (!values.is_object()) values = nlohmann::json::object();
    const engine::ApprovalInputs facts =
        engine::ApprovalFacts(*r.sop, c.type, values);
    for (const StepVisit& v : c.visits) {
      if (v.named.empty() || v.open() || v.outcome == "cancelled") continue;
      for (const NamedGroup& group : v.named) {
        for (const std::string& role : group.roles) {
          MatrixGather& g =
              cells[{r.process->id, v.step, c.type, facts.budget_band, role}];
          MatrixCell& cell = g.cell;
          if (cell.role.empty()) {
            cell.process = r.process->id;
            cell.step = v.step;
            cell.campaign_type = c.type;
            cell.budget_band = facts.budget_band;
            cell.role = role;
          }
          cell.rule = group.rule;
          ++cell.named;
          const bool required =
              group.needed == static_cast<int>(group.roles.size());
          if (required) ++cell.required;
          const Decision* decision = nullptr;
          for (const Decision& d : c.decisions) {
            if (d.step == v.step && d.visit == v.visit && d.role == role) {
              decision = &d;
            }
          }
          bool in_livesop = false;
          if (decision == nullptr) {
            if (v.outcome == "skipped") {
              ++cell.skipped;
              if (required) g.departed.emplace_back(v.end, v.by);
            } else {
              ++cell.without;
            }
          } else {
            ++g.deciders[decision->approver];
            if (decision->deviation == "informal_approval" ||
                IsOffSystem(decision->source)) {
              ++cell.informal;
              if (required)
                g.departed.emplace_back(decision->at, decision->approver);
            } else if (!HoldsRole(*r.sop, decision->approver, role)) {
              ++cell.by_others;
              if (required)
                g.departed.emplace_back(decision->at, decision->approver);
            } else {
              ++cell.decided;
              in_livesop = true;
            }
          }
          if (required) g.cases.push_back({v.end_us, in_livesop, v.end});
        }
      }
    }
  }
  std::vector<MatrixCell> out;
  for (auto& [key, g] : cells) {
    MatrixCell& cell = g.cell;
    cell.deciders = Ranked(g.deciders, cell.named);
    const int64_t passed = static_cast<int64_t>(g.departed.size());
    if (passed >= options.min_count &&
        Share(passed, cell.required) >= options.min_share) {
      FindingBuilder b(FindingKind::kGap, "matrix-bypassed", cell.process,
                       cell.step);
      for (const auto& [ref, person] : g.departed) b.Case(ref, person);
      Finding f = b.Done(
          cell.required,
          "The matrix names " + cell.role + " for " + cell.step + " (" +
              cell.campaign_type +
              (cell.budget_band.empty() ? ""
                                        : ", " + cell.budget_band + " budget") +
              "); of " + std::to_string(cell.required) +
              " approvals that needed them, " + std::to_string(cell.decided) +
              " were decided by a holder in livesop, " +
              std::to_string(cell.informal) + " through a side path, " +
              std::to_string(cell.by_others) + " by someone else, " +
              std::to_string(cell.skipped) + " skipped.");
      auto process = std::find_if(
          processes.begin(), processes.end(),
          [&](const ProcessAudit& p) { return p.process == cell.process; });
      if (process != processes.end()) process->findings.push_back(std::move(f));
    }
    RateSeries series = SeriesOf(std::move(g.cases), options);
    cell.changes = std::move(series.changes);
    out.push_back(std::move(cell));
  }
  return out;
}

}  // namespace

const char* FindingKindName(FindingKind kind) {
  switch (kind) {
    case FindingKind::kFriction:
      return "friction";
    case FindingKind::kRedundancy:
      return "redundancy";
    case FindingKind::kHandoff:
      return "handoff";
    case FindingKind::kGap:
      return "gap";
  }
  return "friction";
}

Audit RunAudit(const History& history, const sop::Definition& current,
               const std::map<std::string, const sop::Definition*>& versions,
               const AuditOptions& options) {
  Audit audit;
  audit.campaigns = static_cast<int64_t>(history.campaigns.size());
  audit.events = history.events;
  audit.from_us = history.first_us;
  audit.until_us = history.last_us;

  std::map<std::string, ProcessGather> gathers;  // by process id
  std::map<std::string, std::string> type_process;
  std::map<std::string, const sop::Process*> type_processes;
  std::vector<CampaignReading> readings;
  std::map<std::string, bool> sla_covered;  // by process
  std::map<std::string, std::set<std::string>> versions_used;
  for (const CampaignHistory& c : history.campaigns) {
    auto version = versions.find(c.sop_version);
    const sop::Definition& sop =
        version != versions.end() && version->second != nullptr
            ? *version->second
            : current;
    const sop::CampaignType* type = nullptr;
    for (const sop::CampaignType& t : sop.campaign_types) {
      if (t.id == c.type) type = &t;
    }
    const sop::Process* process =
        type != nullptr ? sop.FindProcess(type->process) : nullptr;
    if (process == nullptr) continue;
    type_process[c.type] = process->id;
    type_processes[c.type] = process;
    readings.push_back({&c, &sop, process});
    ProcessGather& g = gathers[process->id];
    // The latest version's process names the steps.
    if (g.process == nullptr || &sop == &current) g.process = process;
    versions_used[process->id].insert(c.sop_version);
    GatherCampaign(c, g);
  }

  for (auto& [id, g] : gathers) {
    ProcessAudit p;
    p.process = id;
    p.name = g.process->name;
    p.category = sop::CategoryName(g.process->category);
    p.campaign_types.assign(g.types.begin(), g.types.end());
    p.campaigns = static_cast<int64_t>(g.campaigns.size());
    int64_t work_steps = 0;
    int64_t with_sla = 0;
    // The SOP's steps first, in its order, then what only the history has.
    std::vector<std::string> order;
    for (const sop::Step& step : g.process->steps) {
      const bool work = step.type != sop::StepType::kExclusive &&
                        step.type != sop::StepType::kParallel &&
                        step.type != sop::StepType::kJoin &&
                        step.type != sop::StepType::kEnd;
      if (!work) continue;
      if (step.type != sop::StepType::kNotification) {
        ++work_steps;
        if (step.sla.has_value()) ++with_sla;
      }
      auto it = g.steps.find(step.id);
      if (it == g.steps.end()) continue;
      StepGather& s = it->second;
      s.in_sop = true;
      s.type = step.type;
      s.figures.name = step.name;
      s.figures.type = sop::StepTypeName(step.type);
      if (step.sla.has_value()) s.figures.sla = step.sla->ToString();
      order.push_back(step.id);
    }
    for (const std::string& step : g.step_order) {
      if (!g.steps[step].in_sop) order.push_back(step);
    }
    g.step_order = order;
    double decision_hours = 0;
    double all_hours = 0;
    for (const std::string& step : order) {
      StepGather& s = g.steps[step];
      const engine::DurationStats stats = engine::StatsOf(s.hours);
      s.figures.median_hours = stats.median;
      s.figures.p90_hours = stats.p90;
      all_hours += s.active_hours;
      if (IsDecisionStep(s.type) && s.in_sop) decision_hours += s.active_hours;
      p.steps.push_back(s.figures);
    }
    for (const CampaignHistory* c : g.campaigns) {
      if (c->status == "completed") ++p.completed;
      if (c->on_path()) ++p.on_path;
    }
    p.on_path_share = Share(p.on_path, p.campaigns);
    p.median_cycle_days = engine::StatsOf(g.cycle_days).median;
    p.decision_wait_share = all_hours > 0 ? decision_hours / all_hours : 0;
    p.informal_share = Share(g.informal_decisions, g.decisions);
    p.breach_share = Share(g.breached, g.with_due);
    p.rework_share = Share(g.reworked_campaigns, p.campaigns);
    JudgeFindings(g, options, p);
    sla_covered[id] = work_steps > 0 && 5 * with_sla >= 4 * work_steps;
    audit.processes.push_back(std::move(p));
  }
  // Revenue-facing before efficiency-facing, as the seed prioritises them.
  std::stable_sort(audit.processes.begin(), audit.processes.end(),
                   [](const ProcessAudit& a, const ProcessAudit& b) {
                     if (a.category != b.category) {
                       return a.category > b.category;
                     }
                     return a.process < b.process;
                   });
  audit.answers = Answer(history, type_process, options);
  audit.drift = Drift(history, type_processes, options);
  audit.matrix = MatrixDrift(readings, options, audit.processes);
  for (ProcessAudit& p : audit.processes) {
    SortFindings(p.findings);
    bool has_gap = false;
    for (const Finding& f : p.findings) {
      if (f.kind == FindingKind::kGap) has_gap = true;
    }
    p.maturity = Assess(p, static_cast<int>(versions_used[p.process].size()),
                        sla_covered[p.process], has_gap);
  }
  return audit;
}

}  // namespace livesop::insight

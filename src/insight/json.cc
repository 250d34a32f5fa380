#include "insight/json.h"

#include <cmath>
#include <string>

#include "core/time.h"

namespace livesop::insight {
namespace {

using Json = nlohmann::json;

// Shares and hours rounded for reading; the JSON is a report, not a store.
double Round(double value, double unit) {
  return std::round(value / unit) * unit;
}

std::string Time(int64_t us) { return us == 0 ? "" : FormatTimestamp(us); }

Json RefToJson(const EventRef& ref) {
  return {{"campaign", ref.campaign},
          {"position", ref.position},
          {"time", Time(ref.time_us)}};
}

Json FindingToJson(const Finding& f) {
  Json evidence = Json::array();
  for (const EventRef& ref : f.evidence) evidence.push_back(RefToJson(ref));
  return {{"kind", FindingKindName(f.kind)},
          {"code", f.code},
          {"process", f.process},
          {"step", f.step},
          {"summary", f.summary},
          {"count", f.count},
          {"out_of", f.out_of},
          {"share", Round(f.share, 1e-4)},
          {"people", f.people},
          {"campaigns", f.campaigns},
          {"evidence", evidence}};
}

Json StepToJson(const StepFigures& s) {
  return {{"step", s.step},
          {"name", s.name},
          {"type", s.type},
          {"sla", s.sla},
          {"visits", s.visits},
          {"campaigns", s.campaigns},
          {"median_hours", Round(s.median_hours, 0.01)},
          {"p90_hours", Round(s.p90_hours, 0.01)},
          {"breached", s.breached},
          {"with_due", s.with_due},
          {"skipped", s.skipped},
          {"off_system", s.off_system},
          {"repeated", s.repeated}};
}

Json MaturityToJson(const Maturity& m) {
  Json criteria = Json::array();
  for (const Criterion& c : m.criteria) {
    criteria.push_back({{"level", c.level}, {"text", c.text}, {"met", c.met}});
  }
  return {{"level", m.level}, {"name", m.name}, {"criteria", criteria}};
}

Json ProcessToJson(const ProcessAudit& p) {
  Json steps = Json::array();
  for (const StepFigures& s : p.steps) steps.push_back(StepToJson(s));
  Json findings = Json::array();
  for (const Finding& f : p.findings) findings.push_back(FindingToJson(f));
  return {{"process", p.process},
          {"name", p.name},
          {"category", p.category},
          {"campaign_types", p.campaign_types},
          {"campaigns", p.campaigns},
          {"completed", p.completed},
          {"on_path", p.on_path},
          {"on_path_share", Round(p.on_path_share, 1e-4)},
          {"median_cycle_days", Round(p.median_cycle_days, 0.01)},
          {"decision_wait_share", Round(p.decision_wait_share, 1e-4)},
          {"informal_share", Round(p.informal_share, 1e-4)},
          {"breach_share", Round(p.breach_share, 1e-4)},
          {"rework_share", Round(p.rework_share, 1e-4)},
          {"steps", steps},
          {"findings", findings},
          {"maturity", MaturityToJson(p.maturity)}};
}

Json CountsToJson(const InformalCounts& c) {
  return {{"campaign_type", c.campaign_type},
          {"campaigns", c.campaigns},
          {"work_items", c.work_items},
          {"informal_items", c.informal_items},
          {"informal_share", Round(c.informal_share, 1e-4)},
          {"decisions", c.decisions},
          {"informal_decisions", c.informal_decisions},
          {"informal_decision_share", Round(c.informal_decision_share, 1e-4)},
          {"by_source", c.by_source}};
}

Json PeopleToJson(const std::vector<PersonShare>& people) {
  Json out = Json::array();
  for (const PersonShare& p : people) {
    out.push_back({{"person", p.person},
                   {"count", p.count},
                   {"share", Round(p.share, 1e-4)}});
  }
  return out;
}

Json AnswersToJson(const Answers& a) {
  Json by_type = Json::array();
  for (const InformalCounts& c : a.informal_by_type) {
    by_type.push_back(CountsToJson(c));
  }
  Json first = Json::array();
  for (const StepCount& s : a.first_departures) {
    first.push_back({{"process", s.process},
                     {"step", s.step},
                     {"campaigns", s.campaigns},
                     {"share", Round(s.share, 1e-4)},
                     {"kinds", s.kinds}});
  }
  Json versions = Json::array();
  for (const VersionLife& v : a.versions) {
    Json weeks = Json::array();
    for (const WeekShare& w : v.weeks) {
      weeks.push_back({{"week", Time(w.week_us).substr(0, 10)},
                       {"campaigns", w.campaigns},
                       {"on_path", w.on_path}});
    }
    versions.push_back({{"version", v.version},
                        {"published", Time(v.published_us)},
                        {"campaigns", v.campaigns},
                        {"on_path_share", Round(v.on_path_share, 1e-4)},
                        {"days_real", v.days_real},
                        {"observed_days", v.observed_days},
                        {"weeks", weeks}});
  }
  return {{"informal_work",
           {{"all", CountsToJson(a.informal)}, {"by_type", by_type}}},
          {"under_pressure",
           {{"campaigns", a.pressured},
            {"on_path_share", Round(a.pressured_on_path_share, 1e-4)},
            {"others_on_path_share", Round(a.calm_on_path_share, 1e-4)},
            {"people", PeopleToJson(a.pressure_people)}}},
          {"control_lost_first", first},
          {"undocumented_coordination",
           {{"campaigns", a.coordinated},
            {"share", Round(a.coordinated_share, 1e-4)},
            {"off_system_event_share", Round(a.off_system_event_share, 1e-4)}}},
          {"holding_together",
           {{"on_path_share", Round(a.on_path_share, 1e-4)},
            {"exceptions", a.exceptions},
            {"people", PeopleToJson(a.exception_people)},
            {"bus_factor", a.bus_factor}}},
          {"sop_versions", versions}};
}

Json ChangesToJson(const std::vector<RateChange>& changes) {
  Json out = Json::array();
  for (const RateChange& c : changes) {
    out.push_back({{"time", Time(c.time_us)},
                   {"first", RefToJson(c.first)},
                   {"before", Round(c.before, 1e-4)},
                   {"after", Round(c.after, 1e-4)},
                   {"cases_before", c.cases_before},
                   {"cases_after", c.cases_after},
                   {"p_value", Round(c.p_value, 1e-4)}});
  }
  return out;
}

Json DriftToJson(const std::vector<RateSeries>& drift) {
  Json out = Json::array();
  for (const RateSeries& r : drift) {
    Json weeks = Json::array();
    for (const WeekShare& w : r.weeks) {
      weeks.push_back({{"week", Time(w.week_us).substr(0, 10)},
                       {"campaigns", w.campaigns},
                       {"on_path", w.on_path}});
    }
    Json changes = ChangesToJson(r.changes);
    Json series = {{"campaign_type", r.campaign_type},
                   {"process", r.process},
                   {"step", r.step},
                   {"measure", r.step.empty() ? "on_path" : "as_written"},
                   {"cases", r.cases},
                   {"rate", Round(r.rate, 1e-4)},
                   {"changes", changes}};
    if (r.step.empty()) series["weeks"] = weeks;
    out.push_back(std::move(series));
  }
  return out;
}

Json MatrixToJson(const std::vector<MatrixCell>& cells) {
  Json out = Json::array();
  for (const MatrixCell& c : cells) {
    out.push_back({{"process", c.process},
                   {"step", c.step},
                   {"campaign_type", c.campaign_type},
                   {"budget_band", c.budget_band},
                   {"role", c.role},
                   {"rule", c.rule},
                   {"named", c.named},
                   {"required", c.required},
                   {"decided", c.decided},
                   {"informal", c.informal},
                   {"by_others", c.by_others},
                   {"skipped", c.skipped},
                   {"without", c.without},
                   {"deciders", PeopleToJson(c.deciders)},
                   {"changes", ChangesToJson(c.changes)}});
  }
  return out;
}

}  // namespace

Json AuditToJson(const Audit& audit) {
  Json processes = Json::array();
  for (const ProcessAudit& p : audit.processes) {
    processes.push_back(ProcessToJson(p));
  }
  return {{"campaigns", audit.campaigns},
          {"events", audit.events},
          {"from", Time(audit.from_us)},
          {"until", Time(audit.until_us)},
          {"processes", processes},
          {"answers", AnswersToJson(audit.answers)},
          {"drift", DriftToJson(audit.drift)},
          {"matrix", MatrixToJson(audit.matrix)}};
}

}  // namespace livesop::insight

#include "insight/propose.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string_view>
#include <utility>

#include <dtl/dtl.hpp>

#include "core/calendar.h"
#include "core/time.h"
#include "engine/facts.h"
#include "engine/report.h"
#include "engine/sop_owner.h"
#include "insight/internal/format.h"

namespace livesop::insight {
namespace {

using internal::HoldsRole;
using internal::Percent;

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

std::string Joined(const std::vector<std::string>& lines, bool final_newline) {
  std::string out;
  for (size_t i = 0; i < lines.size(); ++i) {
    out += lines[i];
    if (i + 1 < lines.size() || final_newline) out += "\n";
  }
  return out;
}

// The line of `loc` in `bundle`, or nullptr.
const std::string* LineAt(
    const sop::Bundle& bundle,
    std::map<std::string, std::vector<std::string>>& cache,
    const SourceLocation& loc) {
  auto file = bundle.files.find(loc.file);
  if (file == bundle.files.end() || loc.line <= 0) return nullptr;
  auto [it, fresh] = cache.try_emplace(loc.file);
  if (fresh) it->second = Lines(file->second);
  if (loc.line > static_cast<int>(it->second.size())) return nullptr;
  return &it->second[loc.line - 1];
}

// `line` with the plain scalar that starts at 1-based `column` replaced by
// `value`. A scalar ends at a comma, bracket, brace, or " #".
std::optional<std::string> ReplaceScalar(const std::string& line, int column,
                                         const std::string& value) {
  if (column <= 0 || column > static_cast<int>(line.size())) {
    return std::nullopt;
  }
  const size_t begin = static_cast<size_t>(column - 1);
  size_t end = begin;
  while (end < line.size() && line[end] != ',' && line[end] != ']' &&
         line[end] != '}' &&
         !(line[end] == '#' && end > begin && line[end - 1] == ' ')) {
    ++end;
  }
  while (end > begin && line[end - 1] == ' ') --end;
  return line.substr(0, begin) + value + line.substr(end);
}

// Every file the edits touch as a unified diff, "--- a/F", "+++ b/F".
std::string DiffOf(const sop::Bundle& before, const sop::Bundle& after) {
  std::string out;
  for (const auto& [path, text] : after.files) {
    auto old = before.files.find(path);
    const std::string& old_text =
        old != before.files.end() ? old->second : std::string();
    if (old_text == text) continue;
    dtl::Diff<std::string, std::vector<std::string>> diff(Lines(old_text),
                                                          Lines(text));
    diff.compose();
    diff.composeUnifiedHunks();
    std::ostringstream hunks;
    diff.printUnifiedFormat(hunks);
    out += "--- a/" + path + "\n+++ b/" + path + "\n" + hunks.str();
  }
  return out;
}

// The bundle with `edits` applied. FailedPrecondition when a line to
// replace is not what the edit expects.
Result<sop::Bundle> Apply(const sop::Bundle& bundle,
                          const std::vector<LineEdit>& edits) {
  std::map<std::string, std::vector<LineEdit>> by_file;
  for (const LineEdit& e : edits) by_file[e.file].push_back(e);
  sop::Bundle out = bundle;
  for (auto& [path, file_edits] : by_file) {
    auto file = out.files.find(path);
    if (file == out.files.end()) {
      return FailedPreconditionError("the SOP has no file " + path +
                                     " any more: propose again");
    }
    const bool final_newline = file->second.ends_with("\n");
    std::vector<std::string> lines = Lines(file->second);
    // From the bottom up, so earlier line numbers stay valid; insertions
    // after a line go before a replacement of that line's successor.
    std::stable_sort(
        file_edits.begin(), file_edits.end(),
        [](const LineEdit& a, const LineEdit& b) { return a.line > b.line; });
    for (const LineEdit& e : file_edits) {
      if (e.insert) {
        if (e.line < 0 || e.line > static_cast<int>(lines.size())) {
          return FailedPreconditionError(path + " has no line " +
                                         std::to_string(e.line) +
                                         " any more: propose again");
        }
        lines.insert(lines.begin() + e.line, e.after);
        continue;
      }
      if (e.line <= 0 || e.line > static_cast<int>(lines.size()) ||
          lines[e.line - 1] != e.before) {
        return FailedPreconditionError(
            path + ":" + std::to_string(e.line) +
            " is no longer the line the proposal changes (the SOP was "
            "edited since): propose again");
      }
      lines[e.line - 1] = e.after;
    }
    file->second = Joined(lines, final_newline);
  }
  return out;
}

// Which process each campaign type runs.
std::map<std::string, std::string> TypeProcesses(const sop::Definition& sop) {
  std::map<std::string, std::string> out;
  for (const sop::CampaignType& t : sop.campaign_types) out[t.id] = t.process;
  return out;
}

std::string DurationText(int64_t minutes, int64_t minutes_per_day) {
  if (minutes_per_day > 0 && minutes >= minutes_per_day) {
    return std::to_string((minutes + minutes_per_day - 1) / minutes_per_day) +
           "d";
  }
  return std::to_string(std::max<int64_t>(1, (minutes + 59) / 60)) + "h";
}

int64_t DurationMinutes(const std::string& text, int64_t minutes_per_day) {
  const int64_t n = std::stoll(text.substr(0, text.size() - 1));
  return text.back() == 'd' ? n * minutes_per_day : n * 60;
}

void AddEvidence(Proposal& p, const EventRef& ref) {
  if (std::find(p.campaigns.begin(), p.campaigns.end(), ref.campaign) ==
      p.campaigns.end()) {
    p.campaigns.push_back(ref.campaign);
  }
  if (p.evidence.size() < kMaxEvidence) p.evidence.push_back(ref);
}

// set-sla: deadlines missed because the SLA is shorter than the work.
void ProposeSlas(const History& history, const sop::Definition& sop,
                 const sop::Bundle& bundle, const ProposeOptions& options,
                 std::map<std::string, std::vector<std::string>>& cache,
                 std::vector<Proposal>& out) {
  const WorkCalendar calendar = engine::DefaultCalendar(sop);
  const int64_t per_day = calendar.MinutesPerWorkingDay();
  const std::map<std::string, std::string> processes = TypeProcesses(sop);
  for (const sop::Process& process : sop.processes) {
    for (const sop::Step& step : process.steps) {
      if (!step.sla.has_value()) continue;
      std::vector<double> minutes;
      std::vector<EventRef> breached;
      int64_t with_due = 0;
      for (const CampaignHistory& c : history.campaigns) {
        auto p = processes.find(c.type);
        if (p == processes.end() || p->second != process.id) continue;
        for (const StepVisit& v : c.visits) {
          if (v.step != step.id || v.open() || v.outcome == "cancelled" ||
              v.outcome == "skipped" || v.due_us == 0) {
            continue;
          }
          ++with_due;
          minutes.push_back(static_cast<double>(
              calendar.WorkingMinutesBetween(v.start_us, v.end_us)));
          if (v.breached) breached.push_back(v.start);
        }
      }
      const int64_t breaches = static_cast<int64_t>(breached.size());
      if (breaches < options.min_count ||
          breaches <= options.breach_share * static_cast<double>(with_due)) {
        continue;
      }
      const int64_t current = step.sla->Minutes(per_day);
      const std::string text = DurationText(
          static_cast<int64_t>(
              std::ceil(engine::Percentile(minutes, options.sla_percentile))),
          per_day);
      const int64_t proposed = DurationMinutes(text, per_day);
      if (proposed <= current) continue;
      const SourceLocation at = sop::LocationOf(step.at, "sla", step.where);
      const std::string* line = LineAt(bundle, cache, at);
      if (line == nullptr) continue;
      const std::optional<std::string> edited =
          ReplaceScalar(*line, at.column, text);
      if (!edited) continue;
      int64_t met_before = 0;
      int64_t met_after = 0;
      for (double m : minutes) {
        if (m <= static_cast<double>(current)) ++met_before;
        if (m <= static_cast<double>(proposed)) ++met_after;
      }
      Proposal p;
      p.kind = "set-sla";
      p.id = "set-sla:" + process.id + "/" + step.id;
      p.title = "Set the SLA of " + step.name + " (" + process.id + "/" +
                step.id + ") from " + step.sla->ToString() + " to " + text;
      p.rationale = std::to_string(breaches) + " of " +
                    std::to_string(with_due) + " visits (" +
                    Percent(static_cast<double>(breaches) / with_due) +
                    ") missed the " + step.sla->ToString() + " SLA; " +
                    Percent(options.sla_percentile) + " of visits took up to " +
                    text + " of working time on the " +
                    (calendar.time_zone().empty() ? std::string("default")
                                                  : calendar.time_zone()) +
                    " calendar.";
      p.effect = "Visits within the SLA: " +
                 Percent(static_cast<double>(met_before) / minutes.size()) +
                 " with " + step.sla->ToString() + ", " +
                 Percent(static_cast<double>(met_after) / minutes.size()) +
                 " with " + text +
                 ", so escalations go to the late work that is really late.";
      for (const EventRef& ref : breached) AddEvidence(p, ref);
      p.edits.push_back({at.file, at.line, *line, *edited, false});
      out.push_back(std::move(p));
    }
  }
}

// change-approver: a matrix role whose approvals another role gives.
void ProposeApprovers(const History& history, const Audit& audit,
                      const sop::Definition& sop, const sop::Bundle& bundle,
                      const ProposeOptions& options,
                      std::map<std::string, std::vector<std::string>>& cache,
                      std::vector<Proposal>& out) {
  // (process, step, rule, role) → required, deciders.
  struct Tally {
    int64_t required = 0;
    std::map<std::string, int64_t> deciders;
  };
  std::map<std::tuple<std::string, std::string, std::string, std::string>,
           Tally>
      tallies;
  for (const MatrixCell& cell : audit.matrix) {
    Tally& t = tallies[{cell.process, cell.step, cell.rule, cell.role}];
    t.required += cell.required;
    for (const PersonShare& d : cell.deciders) t.deciders[d.person] += d.count;
  }
  for (const auto& [key, tally] : tallies) {
    const auto& [process_id, step_id, rule_id, role] = key;
    if (tally.required < options.min_count) continue;
    std::map<std::string, int64_t> votes;  // roles of those who decided
    for (const auto& [person, count] : tally.deciders) {
      if (HoldsRole(sop, person, role)) continue;
      const sop::Person* p = sop.FindPerson(person);
      if (p == nullptr) continue;
      for (const std::string& r : p->roles) votes[r] += count;
    }
    std::string best;
    int64_t most = 0;
    for (const auto& [r, n] : votes) {
      if (n > most) best = r, most = n;
    }
    if (best.empty() ||
        most < options.approver_share * static_cast<double>(tally.required)) {
      continue;
    }
    const sop::Process* process = sop.FindProcess(process_id);
    if (process == nullptr) continue;
    const sop::Step* step = nullptr;
    for (const sop::Step& s : process->steps) {
      if (s.id == step_id) step = &s;
    }
    if (step == nullptr || step->matrix.empty()) continue;
    const sop::ApprovalMatrix* matrix = sop.FindMatrix(step->matrix);
    if (matrix == nullptr) continue;
    const sop::MatrixRule* rule = nullptr;
    for (const sop::MatrixRule& r : matrix->rules) {
      if (r.id == rule_id) rule = &r;
    }
    if (rule == nullptr ||
        std::find(rule->approvers.begin(), rule->approvers.end(), best) !=
            rule->approvers.end()) {
      continue;
    }
    const auto index =
        std::find(rule->approvers.begin(), rule->approvers.end(), role) -
        rule->approvers.begin();
    if (index >= static_cast<long>(rule->approvers.size())) continue;
    const SourceLocation at = sop::LocationOf(
        rule->at, "approvers[" + std::to_string(index) + "]", rule->where);
    const std::string* line = LineAt(bundle, cache, at);
    if (line == nullptr) continue;
    const std::optional<std::string> edited =
        ReplaceScalar(*line, at.column, best);
    if (!edited) continue;
    Proposal p;
    p.kind = "change-approver";
    p.id = "change-approver:" + matrix->id + "/" + rule->id + "/" + role;
    p.title = "In the " + matrix->id + " matrix, rule " + rule->id +
              ": approvals by " + best + " instead of " + role;
    p.rationale = std::to_string(most) + " of the " +
                  std::to_string(tally.required) + " " + step_id +
                  " approvals that needed " + role + " (" +
                  Percent(static_cast<double>(most) / tally.required) +
                  ") were decided by people holding " + best +
                  ", who do not hold " + role + ".";
    p.effect =
        "The matrix names who decides in practice: those approvals "
        "stop counting as departures and are asked of " +
        best + " from the start, without a reassignment.";
    for (const CampaignHistory& c : history.campaigns) {
      for (const Decision& d : c.decisions) {
        if (d.step == step_id && d.role == role &&
            !HoldsRole(sop, d.approver, role) &&
            HoldsRole(sop, d.approver, best)) {
          AddEvidence(p, d.at);
        }
      }
    }
    p.edits.push_back({at.file, at.line, *line, *edited, false});
    out.push_back(std::move(p));
  }
}

// The one person holding `role`, or "".
std::string OnlyHolder(const sop::Definition& sop, const std::string& role) {
  std::string holder;
  for (const sop::Person& p : sop.people) {
    if (std::find(p.roles.begin(), p.roles.end(), role) == p.roles.end()) {
      continue;
    }
    if (!holder.empty()) return "";
    holder = p.id;
  }
  return holder;
}

// add-delegate: the same colleague taking over someone's tasks again and
// again.
void ProposeDelegates(const History& history, const sop::Definition& sop,
                      const sop::Bundle& bundle, const ProposeOptions& options,
                      std::map<std::string, std::vector<std::string>>& cache,
                      std::vector<Proposal>& out) {
  std::map<std::pair<std::string, std::string>, std::vector<EventRef>> pairs;
  std::map<std::string, int64_t> handed;  // reassignments away, by person
  for (const CampaignHistory& c : history.campaigns) {
    for (const Departure& d : c.departures) {
      if (d.kind != "reassign" || d.to.empty()) continue;
      const std::string from =
          !d.from.empty() ? d.from : OnlyHolder(sop, d.role);
      if (from.empty() || from == d.to) continue;
      pairs[{from, d.to}].push_back(d.at);
      ++handed[from];
    }
  }
  for (const auto& [pair, refs] : pairs) {
    const auto& [from, to] = pair;
    const int64_t count = static_cast<int64_t>(refs.size());
    if (count < options.min_count) continue;
    const sop::Person* person = sop.FindPerson(from);
    if (person == nullptr || sop.FindPerson(to) == nullptr ||
        std::find(person->delegates.begin(), person->delegates.end(), to) !=
            person->delegates.end()) {
      continue;
    }
    LineEdit edit;
    if (!person->delegates.empty()) {
      // Add to the list: [a, b] on its line, or a block of "- a" lines.
      const SourceLocation at =
          sop::LocationOf(person->at, "delegates", person->where);
      const std::string* line = LineAt(bundle, cache, at);
      if (line == nullptr) continue;
      const size_t close = line->rfind(']');
      if (at.column > 0 && (*line)[at.column - 1] == '[' &&
          close != std::string::npos) {
        edit = {at.file, at.line, *line,
                line->substr(0, close) + ", " + to + line->substr(close),
                false};
      } else {
        const SourceLocation last = sop::LocationOf(
            person->at,
            "delegates[" + std::to_string(person->delegates.size() - 1) + "]",
            at);
        const std::string* item = LineAt(bundle, cache, last);
        if (item == nullptr || last.column <= 1) continue;
        edit = {last.file, last.line, "", item->substr(0, last.column - 1) + to,
                true};
      }
    } else {
      // A new key after the roles, indented as they are.
      const SourceLocation at =
          sop::LocationOf(person->at, "roles", person->where);
      const std::string* line = LineAt(bundle, cache, at);
      if (line == nullptr) continue;
      const size_t key = line->find("roles:");
      if (key == std::string::npos || line->find('[') == std::string::npos) {
        continue;  // roles written as a block: left to a person
      }
      edit = {at.file, at.line, "",
              std::string(key, ' ') + "delegates: [" + to + "]", true};
    }
    Proposal p;
    p.kind = "add-delegate";
    p.id = "add-delegate:" + from + "/" + to;
    p.title = "Make " + to + " a delegate of " + from;
    p.rationale = from + "'s tasks were reassigned to " + to + " " +
                  std::to_string(count) + " times (of " +
                  std::to_string(handed[from]) + " reassignments away from " +
                  from + ").";
    p.effect = "When " + from + " is away, " + to +
               " gets their tasks without anyone reassigning them, and the "
               "escalations that wait for a reassignment stop.";
    for (const EventRef& ref : refs) AddEvidence(p, ref);
    p.edits.push_back(std::move(edit));
    out.push_back(std::move(p));
  }
}

// A YAML double-quoted scalar: titles hold ": ", which plain scalars
// cannot.
std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char ch : text) {
    if (ch == '"' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "\"";
}

// Edits that put new steps in front of `step`: every way into it (the
// process's start, `next`, outcome routes, branches) leads to `entry`
// instead, and `blocks` (each a step as YAML lines, its first line the
// list item's; indentation added here, as the step's) are written just
// before it. False when a reference cannot be located in the files.
bool InsertBefore(const sop::Process& process, const sop::Step& step,
                  const std::string& entry,
                  const std::vector<std::vector<std::string>>& blocks,
                  const sop::Bundle& bundle,
                  std::map<std::string, std::vector<std::string>>& cache,
                  std::vector<LineEdit>& edits) {
  bool placed = true;
  auto redirect = [&](const sop::KeyLocations& at, const std::string& name,
                      const SourceLocation& fallback) {
    const SourceLocation loc = sop::LocationOf(at, name, fallback);
    const std::string* line = LineAt(bundle, cache, loc);
    std::optional<std::string> edited;
    if (line != nullptr) edited = ReplaceScalar(*line, loc.column, entry);
    if (!edited) {
      placed = false;
      return;
    }
    edits.push_back({loc.file, loc.line, *line, *edited, false});
  };
  if (process.start == step.id) redirect(process.at, "start", process.where);
  for (const sop::Step& s : process.steps) {
    if (s.next == step.id) redirect(s.at, "next", s.where);
    if (s.on_approved == step.id) redirect(s.at, "on_approved", s.where);
    if (s.on_rejected == step.id) redirect(s.at, "on_rejected", s.where);
    if (s.on_changes_requested == step.id) {
      redirect(s.at, "on_changes_requested", s.where);
    }
    for (const sop::Branch& b : s.branches) {
      if (b.next == step.id) redirect(b.at, "next", b.where);
    }
  }
  const std::string* first = LineAt(bundle, cache, step.where);
  if (!placed || first == nullptr || step.where.column <= 1) return false;
  const std::string dash = first->substr(0, step.where.column - 1);
  const std::string indent(step.where.column - 1, ' ');
  std::vector<std::string> lines;
  for (const std::vector<std::string>& block : blocks) {
    for (size_t i = 0; i < block.size(); ++i) {
      lines.push_back((i == 0 ? dash : indent) + block[i]);
    }
  }
  for (size_t i = lines.size(); i-- > 0;) {
    edits.push_back({step.where.file, step.where.line - 1, "", lines[i], true});
  }
  return true;
}

// An id for a new step of `process`, `base` unless a step has it.
std::string NewStepId(const sop::Process& process, std::string base) {
  auto taken = [&](const std::string& id) {
    for (const sop::Step& s : process.steps) {
      if (s.id == id) return true;
    }
    return false;
  };
  while (taken(base)) base += "-x";
  return base;
}

// make-step-optional: a step that campaigns of some types now skip as a
// rule gets a gateway before it that routes those types past it.
void ProposeOptionalSteps(
    const History& history, const Audit& audit, const sop::Definition& sop,
    const sop::Bundle& bundle, const ProposeOptions& options,
    std::map<std::string, std::vector<std::string>>& cache,
    std::vector<Proposal>& out) {
  const std::map<std::string, std::string> processes = TypeProcesses(sop);
  // Since when each (type, step) changed last, from the audit's drift.
  std::map<std::pair<std::string, std::string>, int64_t> since;
  for (const RateSeries& r : audit.drift) {
    if (!r.step.empty() && !r.changes.empty()) {
      since[{r.campaign_type, r.step}] = r.changes.back().time_us;
    }
  }
  // (type, step) → visits, and the skips among them, since the change.
  std::map<std::pair<std::string, std::string>,
           std::pair<int64_t, std::vector<EventRef>>>
      counts;
  for (const CampaignHistory& c : history.campaigns) {
    for (const StepVisit& v : c.visits) {
      if (v.open() || v.outcome == "cancelled" || v.adhoc) continue;
      auto change = since.find({c.type, v.step});
      if (change != since.end() && v.end_us < change->second) continue;
      auto& [n, skips] = counts[{c.type, v.step}];
      ++n;
      if (v.outcome == "skipped") skips.push_back(v.end);
    }
  }
  // (process, step) → the types that skip it as a rule.
  struct Habit {
    std::vector<std::string> types;
    std::vector<EventRef> skips;
    int64_t skipped = 0;
    int64_t visits = 0;
    int64_t from_us = 0;
  };
  std::map<std::pair<std::string, std::string>, Habit> habits;
  for (const auto& [key, tally] : counts) {
    const auto& [type, step] = key;
    const auto& [n, skips] = tally;
    const int64_t skipped = static_cast<int64_t>(skips.size());
    if (skipped < options.min_count ||
        static_cast<double>(skipped) <
            options.optional_share * static_cast<double>(n)) {
      continue;
    }
    auto process = processes.find(type);
    if (process == processes.end()) continue;
    Habit& h = habits[{process->second, step}];
    h.types.push_back(type);
    h.skips.insert(h.skips.end(), skips.begin(), skips.end());
    h.skipped += skipped;
    h.visits += n;
    auto change = since.find(key);
    if (change != since.end()) h.from_us = std::max(h.from_us, change->second);
  }
  for (const auto& [key, h] : habits) {
    const auto& [process_id, step_id] = key;
    const sop::Process* process = sop.FindProcess(process_id);
    if (process == nullptr) continue;
    const sop::Step* step = nullptr;
    for (const sop::Step& s : process->steps) {
      if (s.id == step_id) step = &s;
    }
    if (step == nullptr) continue;
    const std::string past = !step->next.empty()          ? step->next
                             : !step->on_approved.empty() ? step->on_approved
                                                          : sop::kEndStep;
    const std::string gateway = NewStepId(*process, step_id + "-applies");
    std::string types;
    for (const std::string& t : h.types) {
      types += (types.empty() ? "" : ", ") + t;
    }
    std::vector<LineEdit> edits;
    if (!InsertBefore(
            *process, *step, gateway,
            {{"id: " + gateway,
              "name: " + Quoted("Whether " + step->name + " applies"),
              "type: exclusive",
              "branches:", "  - when: { campaign_type: " + Quoted(types) + " }",
              "    next: " + past,
              "    label: " + Quoted(types + " campaigns go without it"),
              "  - default: true", "    next: " + step_id,
              "    label: " + Quoted("Every other campaign")}},
            bundle, cache, edits)) {
      continue;
    }
    Proposal p;
    p.kind = "make-step-optional";
    p.id = "make-step-optional:" + process_id + "/" + step_id;
    p.title = "Make " + step->name + " (" + process_id + "/" + step_id +
              ") optional for " + types;
    p.rationale =
        std::to_string(h.skipped) + " of " + std::to_string(h.visits) +
        " visits by " + types + " campaigns" +
        (h.from_us > 0 ? " since " + FormatTimestamp(h.from_us).substr(0, 10)
                       : std::string()) +
        " (" +
        Percent(static_cast<double>(h.skipped) /
                static_cast<double>(h.visits)) +
        ") skipped it.";
    p.effect = "Those campaigns go from the step before it straight to " +
               past + ", as they already do, without a skip to record; " +
               "every other campaign keeps the step.";
    for (const EventRef& ref : h.skips) AddEvidence(p, ref);
    p.edits = std::move(edits);
    out.push_back(std::move(p));
  }
}

// expedite-variant: campaigns of a process without a fast track are
// expedited as a habit; the variant they already use (their approval given
// in parallel by the roles that gave it, in the time it took) becomes the
// process's fast track for urgent requests.
void ProposeExpediteVariants(
    const History& history, const sop::Definition& sop,
    const sop::Bundle& bundle, const ProposeOptions& options,
    std::map<std::string, std::vector<std::string>>& cache,
    std::vector<Proposal>& out) {
  const WorkCalendar calendar = engine::DefaultCalendar(sop);
  const std::map<std::string, std::string> processes = TypeProcesses(sop);
  std::map<std::string, std::vector<const CampaignHistory*>> expedited;
  std::map<std::string, int64_t> campaigns;
  for (const CampaignHistory& c : history.campaigns) {
    auto process = processes.find(c.type);
    if (process == processes.end()) continue;
    ++campaigns[process->second];
    if (c.expedited) expedited[process->second].push_back(&c);
  }
  for (const auto& [process_id, list] : expedited) {
    const int64_t count = static_cast<int64_t>(list.size());
    if (count < options.min_count) continue;
    const sop::Process* process = sop.FindProcess(process_id);
    if (process == nullptr) continue;
    bool has_fast_track = false;
    for (const sop::Step& s : process->steps) {
      for (const sop::Branch& b : s.branches) {
        if (!b.when.has_value()) continue;
        for (const auto& [input, test] : b.when->tests) {
          if (input == "urgent") has_fast_track = true;
        }
      }
    }
    if (has_fast_track) continue;
    // The approval the expedited campaigns went through most.
    std::map<std::string, int64_t> visits;
    for (const CampaignHistory* c : list) {
      for (const StepVisit& v : c->visits) {
        if (!v.named.empty() && !v.open()) ++visits[v.step];
      }
    }
    std::string approval;
    int64_t most = 0;
    for (const auto& [step, n] : visits) {
      if (n > most) approval = step, most = n;
    }
    const sop::Step* step = nullptr;
    for (const sop::Step& s : process->steps) {
      if (s.id == approval && s.type == sop::StepType::kApproval) step = &s;
    }
    if (step == nullptr) continue;
    const std::string after =
        !step->on_approved.empty() ? step->on_approved : step->next;
    if (after.empty()) continue;
    // Who approved them, and how long it took.
    std::map<std::string, int64_t> roles;
    std::vector<double> minutes;
    std::vector<EventRef> evidence;
    for (const CampaignHistory* c : list) {
      std::set<std::string> seen;
      for (const Decision& d : c->decisions) {
        if (d.step == approval && d.decision == "approve" && !d.role.empty() &&
            seen.insert(d.role).second) {
          ++roles[d.role];
        }
      }
      for (const StepVisit& v : c->visits) {
        if (v.step == approval && !v.open() && v.outcome == "approved") {
          minutes.push_back(static_cast<double>(
              calendar.WorkingMinutesBetween(v.start_us, v.end_us)));
        }
      }
      for (const Departure& d : c->departures) {
        if (d.kind == "expedite") evidence.push_back(d.at);
      }
    }
    std::vector<std::string> approvers;
    for (const auto& [role, n] : roles) {
      if (2 * n >= count) approvers.push_back(role);
    }
    if (approvers.empty() || minutes.empty()) continue;
    std::string approver_list;
    for (const std::string& r : approvers) {
      approver_list += (approver_list.empty() ? "" : ", ") + r;
    }
    const std::string sla = DurationText(
        static_cast<int64_t>(
            std::ceil(engine::Percentile(minutes, options.sla_percentile))),
        calendar.MinutesPerWorkingDay());
    const std::string fast = NewStepId(*process, "fast-track-" + approval);
    const std::string route = NewStepId(*process, approval + "-route");
    std::vector<std::string> fast_block = {
        "id: " + fast,
        "name: " + Quoted(step->name + " (urgent)"),
        "type: approval",
        "approvers: [" + approver_list + "]",
        "quorum: all",
        "mode: parallel",
        "sla: " + sla,
        "description: " +
            Quoted("The fast track expedited campaigns already took: the "
                   "same approvers at once. A refusal falls back to " +
                   step->name + "."),
        "on_approved: " + after,
        "on_rejected: " + approval};
    if (!step->on_changes_requested.empty()) {
      fast_block.push_back("on_changes_requested: " +
                           step->on_changes_requested);
    }
    std::vector<LineEdit> edits;
    if (!InsertBefore(*process, *step, route,
                      {{"id: " + route,
                        "name: " + Quoted("Urgent or standard " + step->name),
                        "type: exclusive", "branches:",
                        "  - when: { urgent: \"true\" }", "    next: " + fast,
                        "    label: " + Quoted("Urgent: the fast track"),
                        "  - default: true", "    next: " + approval,
                        "    label: " + Quoted("Standard")},
                       fast_block},
                      bundle, cache, edits)) {
      continue;
    }
    Proposal p;
    p.kind = "expedite-variant";
    p.id = "expedite-variant:" + process_id + "/" + approval;
    p.title = "Give " + process->name + " (" + process_id +
              ") a fast track: " + step->name + " by " + approver_list +
              " at once, within " + sla;
    p.rationale =
        std::to_string(count) + " of " + std::to_string(campaigns[process_id]) +
        " campaigns (" +
        Percent(static_cast<double>(count) /
                static_cast<double>(campaigns[process_id])) +
        ") were expedited although the process has no fast track; their " +
        approval + " was approved by " + approver_list + ", " +
        Percent(options.sla_percentile) + " of them within " + sla +
        " of working time.";
    p.effect =
        "Urgent requests (the form's urgent field, which expediting "
        "with the fast track sets) take " +
        fast +
        " instead of departing from the SOP; a refusal falls "
        "back to the standard " +
        approval + ".";
    for (const EventRef& ref : evidence) AddEvidence(p, ref);
    p.edits = std::move(edits);
    out.push_back(std::move(p));
  }
}

std::string NextMinor(const std::string& version) {
  int major = 0;
  int minor = 0;
  if (std::sscanf(version.c_str(), "%d.%d", &major, &minor) != 2) {
    return version + ".1";
  }
  return std::to_string(major) + "." + std::to_string(minor + 1) + ".0";
}

}  // namespace

std::vector<Proposal> Propose(const History& history, const Audit& audit,
                              const sop::Definition& sop,
                              const sop::Bundle& bundle,
                              const ProposeOptions& options) {
  std::map<std::string, std::vector<std::string>> cache;
  std::vector<Proposal> out;
  ProposeSlas(history, sop, bundle, options, cache, out);
  ProposeApprovers(history, audit, sop, bundle, options, cache, out);
  ProposeDelegates(history, sop, bundle, options, cache, out);
  ProposeOptionalSteps(history, audit, sop, bundle, options, cache, out);
  ProposeExpediteVariants(history, sop, bundle, options, cache, out);
  // Only what applies and loads cleanly is proposed.
  std::erase_if(out, [&](Proposal& p) {
    Result<sop::Bundle> after = Apply(bundle, p.edits);
    if (!after.ok()) return true;
    if (sop::LoadDefinitionFromBundle(*after).diagnostics.has_errors()) {
      return true;
    }
    p.diff = DiffOf(bundle, *after);
    return false;
  });
  std::sort(out.begin(), out.end(),
            [](const Proposal& a, const Proposal& b) { return a.id < b.id; });
  return out;
}

Result<Accepted> AcceptProposal(const Proposal& proposal,
                                const sop::Definition& sop,
                                const sop::Bundle& bundle,
                                const std::string& person,
                                const std::string& date) {
  LIVESOP_RETURN_IF_ERROR(engine::CheckSopOwner(sop, person));
  std::vector<LineEdit> edits = proposal.edits;
  std::map<std::string, std::vector<std::string>> cache;
  // The next minor version, and its changelog entry first in the log.
  const std::string version = NextMinor(sop.sop.version);
  const SourceLocation at =
      sop::LocationOf(sop.sop.at, "version", sop.sop.where);
  const std::string* line = LineAt(bundle, cache, at);
  std::optional<std::string> bumped;
  if (line != nullptr) bumped = ReplaceScalar(*line, at.column, version);
  if (!bumped) {
    return FailedPreconditionError(
        "cannot find sop.version in the SOP's files to raise it");
  }
  edits.push_back({at.file, at.line, *line, *bumped, false});
  std::vector<std::string> entry = {
      "version: " + version, "date: " + date, "author: " + person,
      "changes:", "  - " + Quoted(proposal.title + " (" + proposal.id + ")")};
  if (!sop.changelog.empty()) {
    const SourceLocation first = sop.changelog.front().where;
    const std::string* first_line = LineAt(bundle, cache, first);
    if (first_line == nullptr || first.column <= 1) {
      return FailedPreconditionError("cannot find the SOP's changelog");
    }
    const std::string dash = first_line->substr(0, first.column - 1);
    const std::string indent(first.column - 1, ' ');
    for (size_t i = entry.size(); i-- > 0;) {
      edits.push_back({first.file, first.line - 1, "",
                       (i == 0 ? dash : indent) + entry[i], true});
    }
  } else {
    const int end =
        static_cast<int>(Lines(bundle.files.at(bundle.root)).size());
    std::vector<std::string> block = {"changelog:"};
    for (size_t i = 0; i < entry.size(); ++i) {
      block.push_back((i == 0 ? "  - " : "    ") + entry[i]);
    }
    for (size_t i = block.size(); i-- > 0;) {
      edits.push_back({bundle.root, end, "", block[i], true});
    }
  }
  LIVESOP_ASSIGN_OR_RETURN(sop::Bundle next, Apply(bundle, edits));
  const sop::LoadResult loaded = sop::LoadDefinitionFromBundle(next);
  if (const Diagnostic* d = loaded.diagnostics.FirstError(); d != nullptr) {
    return FailedPreconditionError(
        "the SOP with this change does not load: " + d->location.file + ":" +
        std::to_string(d->location.line) + ": " + d->message);
  }
  if (loaded.io_failure) {
    return FailedPreconditionError("the SOP with this change does not load");
  }
  Accepted accepted;
  accepted.version = version;
  accepted.diff = DiffOf(bundle, next);
  accepted.bundle = std::move(next);
  return accepted;
}

}  // namespace livesop::insight

// Deadlines and escalations: the due dates tasks get when they are created
// (SLAs on the business calendar, the ends of waits), and the sweep that
// fires what is due: waits move on, SLA breaches are recorded and
// escalated, escalation notices go out level by level until the
// escalation stops.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "core/time.h"
#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/internal/context.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

bool EndsTask(const std::string& stop) {
  return stop.empty() || stop == "task_completed";
}

// `payload` with the fields of `about` (what an escalation is about, such
// as the missing template) added.
Json WithAbout(Json payload, const Json& about) {
  if (about.is_object()) {
    for (auto it = about.begin(); it != about.end(); ++it) {
      payload[it.key()] = it.value();
    }
  }
  return payload;
}

}  // namespace

int64_t Engine::AddBusiness(int64_t start,
                            const sop::BusinessDuration& d) const {
  return BusinessTimeOn(*calendar_)(start, d);
}

int64_t Engine::DueFor(const CampaignState& state, const sop::Step& step,
                       int64_t now, const WorkCalendar& calendar) const {
  if (step.type == sop::StepType::kWait) {
    if (step.wait_for) return AddBusiness(now, *step.wait_for);
    if (!step.until.empty()) {
      auto date = state.values->find(step.until);
      if (date == state.values->end() || !date->is_string()) return 0;
      const std::string text = date->get<std::string>();
      Result<int64_t> start =
          calendar_->StartOfLocalDate(std::string_view(text).substr(0, 10));
      return start.ok() ? std::max(*start, now) : 0;
    }
    return 0;
  }
  if (!step.sla) return 0;
  const double factor = state.expedite.sla_factor;
  if (factor >= 1.0) return BusinessTimeOn(calendar)(now, *step.sla);
  const auto minutes = static_cast<int64_t>(
      static_cast<double>(step.sla->Minutes(calendar.MinutesPerWorkingDay())) *
      factor);
  return calendar.AddWorkingMinutes(now, std::max<int64_t>(minutes, 1));
}

Status Engine::CreateTask(Context& context, const sop::Step& step,
                          const std::string& role) {
  const std::string& campaign = context.state.campaign;
  Json payload = {{"task", role.empty()
                               ? campaign + "/" + step.id
                               : campaign + "/" + step.id + "/" + role}};
  LIVESOP_ASSIGN_OR_RETURN(
      std::string assignee,
      PickAssignee(context, step, role.empty() ? step.role : role));
  if (!assignee.empty()) payload["assignee"] = assignee;
  const std::string& holder = role.empty() ? step.role : role;
  const WorkCalendar& calendar = assignee.empty()
                                     ? calendars_->OfRole(holder)
                                     : calendars_->OfPerson(assignee);
  const int64_t due = DueFor(context.state, step, context.now, calendar);
  if (due > 0) {
    payload["due_us"] = due;
    payload["timer"] = step.type == sop::StepType::kWait ? "wait" : "sla";
  }
  if (due > 0 && step.type != sop::StepType::kWait) {
    const sop::Definition& sop = Pinned(context.state);
    const std::optional<sop::BusinessDuration>& before =
        step.remind_before ? step.remind_before
        : sop.calendar     ? sop.calendar->remind_before
                           : std::nullopt;
    if (before) {
      // Counted back from the deadline in the holder's working time; a
      // reminder that would come before the task exists is not sent.
      const int64_t remind = calendar.AddWorkingMinutes(
          due, -before->Minutes(calendar.MinutesPerWorkingDay()));
      if (remind > context.now && remind < due) payload["remind_us"] = remind;
    }
  }
  // A step on the campaign's results starts with them filled in.
  if (step.results) payload["results"] = ResultsSummary(context.state);
  const std::string task = payload["task"].get<std::string>();
  LIVESOP_RETURN_IF_ERROR(Add(context, "task_created", step.name, step.id,
                              role.empty() ? step.role : role, payload));
  return FlagMissingTemplates(context, step, task);
}

Status Engine::FlagMissingTemplates(Context& context, const sop::Step& step,
                                    const std::string& task) {
  const sop::Definition& sop = Pinned(context.state);
  for (const std::string& id : step.templates) {
    const sop::Template* found = sop.FindTemplate(id);
    LIVESOP_ASSIGN_OR_RETURN(const std::string approved,
                             ApprovedTemplateVersion(sop, id));
    if (!approved.empty()) continue;
    const std::string owner = found != nullptr ? found->owner : "";
    Context::Plain plain(context);
    LIVESOP_RETURN_IF_ERROR(
        Add(context, "template_missing",
            "Missing template: " + (found != nullptr ? found->name : id),
            step.id, "",
            {{"task", task},
             {"step", step.id},
             {"template", id},
             {"owner", owner},
             {"reason", found == nullptr ? "not in the SOP's templates"
                                         : "no approved version"}}));
    for (const sop::EscalationRule* rule :
         Watching("missing_template", context.state, step)) {
      LIVESOP_RETURN_IF_ERROR(OpenEscalation(context, *rule, task, step.id,
                                             context.now, {{"template", id}}));
    }
  }
  return OkStatus();
}

const sop::EscalationRule* Engine::FindEscalation(const CampaignState& state,
                                                  const std::string& id) const {
  for (const sop::EscalationRule& rule : Pinned(state).escalations) {
    if (rule.id == id) return &rule;
  }
  return nullptr;
}

std::vector<const sop::EscalationRule*> Engine::Watching(
    const std::string& trigger, const CampaignState& state,
    const sop::Step& step) const {
  std::vector<const sop::EscalationRule*> out;
  const sop::ProcessGraph* graph = GraphOf(state);
  const std::string process =
      graph != nullptr && graph->process != nullptr ? graph->process->id : "";
  for (const sop::EscalationRule& rule : Pinned(state).escalations) {
    if (rule.trigger != trigger) continue;
    const bool by_step = std::find(rule.steps.begin(), rule.steps.end(),
                                   step.id) != rule.steps.end() ||
                         std::find(rule.steps.begin(), rule.steps.end(),
                                   process + "." + step.id) != rule.steps.end();
    const bool by_type =
        std::find(rule.step_types.begin(), rule.step_types.end(),
                  sop::StepTypeName(step.type)) != rule.step_types.end();
    const bool any = rule.steps.empty() && rule.step_types.empty();
    if (by_step || by_type || any) out.push_back(&rule);
  }
  return out;
}

int64_t Engine::NoticeDue(const sop::EscalationRule& rule, int64_t since,
                          int fired) const {
  const int levels = static_cast<int>(rule.levels.size());
  if (levels == 0) return 0;
  if (fired < levels) return AddBusiness(since, rule.levels[fired].after);
  const int repeat = fired - levels + 1;
  if (!rule.repeat_every || repeat > rule.repeat_times) return 0;
  int64_t at = AddBusiness(since, rule.levels.back().after);
  for (int i = 0; i < repeat; ++i) at = AddBusiness(at, *rule.repeat_every);
  return at;
}

std::vector<std::string> Engine::Recipients(const CampaignState& state,
                                            const sop::EscalationLevel& level,
                                            const Timer& timer) const {
  std::vector<std::string> people;
  auto holders = [&](const std::string& role) {
    const std::vector<std::string>& all = HoldersOf(role);
    people.insert(people.end(), all.begin(), all.end());
  };
  const sop::ProcessGraph* graph = GraphOf(state);
  const std::string process_owner =
      graph != nullptr && graph->process != nullptr ? graph->process->owner
                                                    : "";
  if (level.to == sop::kAssignee) {
    // Whoever holds the task chased: given by hand, the step's person, or
    // the holders of its role.
    if (auto given = state.assignees.find(timer.subject);
        given != state.assignees.end()) {
      people.push_back(given->second);
    } else {
      const int node = graph != nullptr ? graph->Find(timer.step) : -1;
      const sop::Step* step = node >= 0 ? graph->nodes[node].step : nullptr;
      if (step != nullptr && !step->person.empty()) {
        people.push_back(step->person);
      } else if (step != nullptr) {
        // An approver's task names its role last: CAMPAIGN/STEP/ROLE.
        const std::string prefix = state.campaign + "/" + step->id + "/";
        holders(timer.subject.starts_with(prefix)
                    ? timer.subject.substr(prefix.size())
                    : step->role);
      }
    }
  } else if (level.to == sop::kTemplateOwner && !timer.template_id.empty()) {
    // The missing template's owner (the seed's "document owner"): a person,
    // or the holders of a role; the process owner's role when it has none.
    const sop::Template* t = Pinned(state).FindTemplate(timer.template_id);
    const std::string owner = t != nullptr ? t->owner : "";
    if (sop_.FindPerson(owner) != nullptr) {
      people.push_back(owner);
    } else if (!owner.empty()) {
      holders(owner);
    }
  } else if (level.to == sop::kProcessOwner ||
             level.to == sop::kTemplateOwner) {
    holders(process_owner);
  } else if (sop_.FindPerson(level.to) != nullptr) {
    people.push_back(level.to);
  } else {
    holders(level.to);
  }
  if (people.empty()) holders(process_owner);  // never a notice to nobody
  return people;
}

Status Engine::OpenEscalation(Context& context, const sop::EscalationRule& rule,
                              const std::string& subject,
                              const std::string& step, int64_t since,
                              const Json& about) {
  const std::string id = subject + "#" + rule.id;
  if (context.state.timers.count(id) > 0 || rule.levels.empty()) {
    return OkStatus();
  }
  Context::Plain plain(context);
  LIVESOP_RETURN_IF_ERROR(Add(context, "task_created",
                              "Escalation: " + rule.name, step, "",
                              WithAbout({{"task", id},
                                         {"timer", "escalation"},
                                         {"rule", rule.id},
                                         {"subject", subject},
                                         {"since_us", since},
                                         {"fired", 0},
                                         {"due_us", NoticeDue(rule, since, 0)}},
                                        about)));
  return RaiseDue(context, id);
}

Status Engine::RaiseDue(Context& context, const std::string& escalation) {
  for (int guard = 0; guard < 1000; ++guard) {
    auto found = context.state.timers.find(escalation);
    if (found == context.state.timers.end()) return OkStatus();
    const Timer timer = found->second;
    if (timer.due_us == 0 || timer.due_us > context.now) return OkStatus();
    const sop::EscalationRule* rule = FindEscalation(context.state, timer.rule);
    if (rule == nullptr || rule->levels.empty()) return OkStatus();
    const int levels = static_cast<int>(rule->levels.size());
    const sop::EscalationLevel& level =
        rule->levels[std::min(timer.fired, levels - 1)];
    const std::vector<std::string> to = Recipients(context.state, level, timer);
    const std::string about =
        (context.state.title.empty() ? context.state.campaign
                                     : context.state.title) +
        (timer.step.empty() ? "" : " (" + timer.step + ")");
    LIVESOP_RETURN_IF_ERROR(
        Add(context, "escalation_raised", "Escalation: " + rule->name,
            timer.step, sop_.FindRole(level.to) != nullptr ? level.to : "",
            {{"escalation", escalation},
             {"rule", rule->id},
             {"notice", timer.fired + 1},
             {"repeat", timer.fired >= levels},
             {"subject", timer.subject},
             {"recipients", to},
             {"channel", rule->channel},
             {"action", rule->action}}));
    LIVESOP_RETURN_IF_ERROR(Add(context, "notification_sent",
                                "Escalation: " + rule->name, timer.step, "",
                                {{"recipients", to},
                                 {"subject", rule->name + ": " + about},
                                 {"body", rule->action},
                                 {"task", escalation}}));
    // The escalation's task is now the recipients' to acknowledge, due at
    // the next notice.
    LIVESOP_RETURN_IF_ERROR(
        Add(context, "task_created", "Escalation: " + rule->name, timer.step,
            sop_.FindRole(level.to) != nullptr ? level.to : "",
            WithAbout(
                {{"task", escalation},
                 {"timer", "escalation"},
                 {"rule", rule->id},
                 {"subject", timer.subject},
                 {"since_us", timer.since_us},
                 {"fired", timer.fired + 1},
                 {"assignee", to.front()},
                 {"due_us", NoticeDue(*rule, timer.since_us, timer.fired + 1)}},
                timer.template_id.empty()
                    ? Json::object()
                    : Json{{"template", timer.template_id}})));
  }
  return InternalError("escalation " + escalation + " fired too often");
}

Status Engine::Rejected(Context& context, const sop::Step& step) {
  for (const sop::EscalationRule* rule :
       Watching("rejected", context.state, step)) {
    LIVESOP_RETURN_IF_ERROR(OpenEscalation(
        context, *rule, context.state.campaign, step.id, context.now));
  }
  return OkStatus();
}

Status Engine::CloseEscalations(Context& context, const std::string& subject,
                                bool all) {
  std::vector<std::pair<std::string, Timer>> open;
  for (const auto& [id, timer] : context.state.timers) {
    if (timer.kind != "escalation") continue;
    const sop::EscalationRule* rule = FindEscalation(context.state, timer.rule);
    const std::string stop = rule != nullptr ? rule->stop : "";
    // When the campaign closes, only those waiting for an acknowledgement
    // go on.
    if (all ? stop != "acknowledged"
            : timer.subject == subject && EndsTask(stop)) {
      open.emplace_back(id, timer);
    }
  }
  if (open.empty()) return OkStatus();
  Context::Plain plain(context);
  for (const auto& [id, timer] : open) {
    LIVESOP_RETURN_IF_ERROR(Add(context, "task_cancelled", "Escalation closed",
                                timer.step, "",
                                {{"task", id}, {"closed", "stopped"}}));
  }
  return OkStatus();
}

Status Engine::FireDue(Context& context) {
  if (context.state.version == 0) return OkStatus();
  context.graph = GraphOf(context.state);
  if (context.graph == nullptr) return OkStatus();
  // An ended campaign has only escalations waiting for an acknowledgement.
  std::vector<std::pair<int64_t, std::string>> due;
  std::vector<std::pair<int64_t, std::string>> reminders;
  for (const auto& [task, timer] : context.state.timers) {
    if (timer.due_us > 0 && timer.due_us <= context.now &&
        !(timer.kind == "sla" && timer.breached)) {
      due.emplace_back(timer.due_us, task);
    } else if (timer.kind == "sla" && timer.remind_us > 0 &&
               timer.remind_us <= context.now) {
      // A deadline already passed needs no reminder: its breach says more.
      reminders.emplace_back(timer.remind_us, task);
    }
  }
  std::sort(reminders.begin(), reminders.end());
  for (const auto& [at, task] : reminders) {
    LIVESOP_RETURN_IF_ERROR(Remind(context, task));
  }
  std::sort(due.begin(), due.end());
  for (const auto& [at, task] : due) {
    auto found = context.state.timers.find(task);
    if (found == context.state.timers.end()) continue;  // closed meanwhile
    const Timer timer = found->second;
    if (timer.kind == "escalation") {
      if (!timer.template_id.empty()) {
        // The template may have been approved since (by another engine, or
        // before a crash cut the approval's follow-up short): the request
        // is met, and nobody is chased for it.
        LIVESOP_ASSIGN_OR_RETURN(
            const std::string approved,
            ApprovedTemplateVersion(Pinned(context.state), timer.template_id));
        if (!approved.empty()) {
          LIVESOP_RETURN_IF_ERROR(
              ProvideTemplate(context, timer.template_id, approved, ""));
          continue;
        }
      }
      LIVESOP_RETURN_IF_ERROR(RaiseDue(context, task));
      continue;
    }
    const int node = context.graph->Find(timer.step);
    if (node < 0 || context.state.flow.active.count(node) == 0) continue;
    const sop::Step& step = *context.graph->nodes[node].step;
    if (timer.kind == "wait") {
      // The wait is over: the flow moves on by itself.
      FlowStep moved;
      LIVESOP_RETURN_IF_ERROR(
          Finish(context, node, Outcome::kDone, "task_completed", step.role,
                 {{"task", task}, {"timer", "wait"}}, &moved));
      LIVESOP_RETURN_IF_ERROR(FollowUp(context, moved));
      continue;
    }
    LIVESOP_RETURN_IF_ERROR(Add(context, "sla_breached",
                                "SLA breached: " + step.name, step.id, "",
                                {{"task", task},
                                 {"step", step.id},
                                 {"due_us", timer.due_us},
                                 {"sla", step.sla ? step.sla->text : ""}}));
    for (const sop::EscalationRule* rule :
         Watching("sla_breach", context.state, step)) {
      LIVESOP_RETURN_IF_ERROR(
          OpenEscalation(context, *rule, task, step.id, timer.due_us));
    }
  }
  return OkStatus();
}

Status Engine::Remind(Context& context, const std::string& task) {
  const Timer timer = context.state.timers.at(task);
  const int node = context.graph->Find(timer.step);
  if (node < 0 || context.state.flow.active.count(node) == 0) return OkStatus();
  const sop::Step& step = *context.graph->nodes[node].step;
  sop::EscalationLevel level;
  level.to = sop::kAssignee;
  Timer chase;
  chase.subject = task;
  chase.step = timer.step;
  const std::vector<std::string> to = Recipients(context.state, level, chase);
  const std::string about = context.state.title.empty() ? context.state.campaign
                                                        : context.state.title;
  LIVESOP_RETURN_IF_ERROR(Add(context, "sla_reminded", "Reminder: " + step.name,
                              step.id, "",
                              {{"task", task},
                               {"step", step.id},
                               {"due_us", timer.due_us},
                               {"recipients", to}}));
  return Add(context, "notification_sent", "Reminder: " + step.name, step.id,
             "",
             {{"recipients", to},
              {"subject", "Due " + FormatTimestamp(timer.due_us) + ": " +
                              step.name + " (" + about + ")"},
              {"body", "\"" + step.name + "\" of " + about + " is due at " +
                           FormatTimestamp(timer.due_us) + "."},
              {"task", task},
              {"kind", "reminder"}});
}

bool Engine::IsWaitStep(const std::string& step) const {
  for (const sop::Process& process : sop_.processes) {
    for (const sop::Step& s : process.steps) {
      if (s.id == step) return s.type == sop::StepType::kWait;
    }
  }
  return false;
}

Result<std::vector<PendingTimer>> Engine::PendingTimers(
    int64_t until_us) const {
  store::TaskQuery query;
  query.timer_by_us = until_us;
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TaskRecord> tasks,
                           store_.Tasks(query));
  std::vector<PendingTimer> out;
  out.reserve(tasks.size());
  for (store::TaskRecord& t : tasks) {
    PendingTimer& p = out.emplace_back();
    // An escalation's task is TASK#RULE or CAMPAIGN#RULE; a reminder comes
    // before the deadline; a wait is a task whose step is a wait.
    p.kind = t.task.find('#') != std::string::npos ? "escalation"
             : t.timer_us < t.due_us               ? "reminder"
                                                   : "deadline";
    if (p.kind == "deadline" && IsWaitStep(t.step)) p.kind = "wait";
    p.at_us = t.timer_us;
    p.due_us = t.due_us;
    p.task = std::move(t.task);
    p.campaign = std::move(t.campaign);
    p.step = std::move(t.step);
    p.assignee = std::move(t.assignee);
    p.role = std::move(t.role);
  }
  std::sort(out.begin(), out.end(),
            [](const PendingTimer& a, const PendingTimer& b) {
              return a.at_us != b.at_us ? a.at_us < b.at_us : a.task < b.task;
            });
  return out;
}

Result<SweepReport> Engine::Sweep() {
  SweepReport report;
  const int64_t now = clock_.NowMicros();
  store::TaskQuery query;
  query.timer_by_us = now;
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TaskRecord> tasks,
                           store_.Tasks(query));
  std::set<std::string> due;
  for (const store::TaskRecord& t : tasks) due.insert(t.campaign);
  const std::vector<std::string> campaigns(due.begin(), due.end());
  report.campaigns = static_cast<int>(campaigns.size());
  // Campaigns are fired a batch at a time, each batch one transaction
  // (each campaign's events with its own expected version): a sweep after
  // a weekend or a restart fires thousands. When the batch cannot be
  // written (another engine moved one of its campaigns, or one failed),
  // each of its campaigns is fired again as a command of its own.
  constexpr size_t kBatch = 256;
  for (size_t start = 0; start < campaigns.size(); start += kBatch) {
    const size_t end = std::min(campaigns.size(), start + kBatch);
    std::vector<Context> fired;
    fired.reserve(end - start);
    std::vector<store::AppendRequest> requests;
    bool batched = true;
    for (size_t i = start; i < end && batched; ++i) {
      Context& context = fired.emplace_back();
      context.command = "sweep";
      context.now = now;
      context.state.campaign = campaigns[i];
      if (auto cached = cache_.find(campaigns[i]); cached != cache_.end()) {
        // Taken out of the cache, put back by Remember once written; if the
        // batch fails, the campaign is read again from the store.
        context.state = std::move(cached->second);
        cache_.erase(cached);
      } else {
        batched = ScanInto(context.state).ok();
      }
      batched = batched && FireDue(context).ok();
      if (batched && !context.events.empty()) {
        store::AppendRequest& request = requests.emplace_back();
        request.campaign = campaigns[i];
        request.expected_version = context.state.version;
        request.events = context.events;
      }
    }
    if (batched) {
      Result<std::vector<store::AppendResult>> appended =
          requests.empty() ? std::vector<store::AppendResult>{}
                           : store_.AppendAll(requests);
      if (appended.ok()) {
        size_t next = 0;
        for (Context& context : fired) {
          if (!context.events.empty()) {
            context.state.version = (*appended)[next++].version;
            report.events += static_cast<int64_t>(context.events.size());
          }
          Remember(std::move(context.state));
        }
        continue;
      }
    }
    for (size_t i = start; i < end; ++i) {
      size_t written = 0;
      Result<CampaignState> swept =
          Run(campaigns[i], "sweep", [&](Context& context) {
            Status status = FireDue(context);
            written = context.events.size();
            return status;
          });
      if (!swept.ok()) {
        report.problems.push_back(campaigns[i] + ": " +
                                  swept.status().ToString());
        continue;
      }
      report.events += static_cast<int64_t>(written);
    }
  }
  return report;
}

Result<CampaignState> Engine::Acknowledge(const std::string& campaign,
                                          const std::string& escalation,
                                          const std::string& actor) {
  return Run(campaign, "acknowledge", [&](Context& context) -> Status {
    context.actor = actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, false));
    auto found = context.state.timers.find(escalation);
    if (found == context.state.timers.end() ||
        found->second.kind != "escalation") {
      std::vector<std::string> open;
      for (const auto& [id, timer] : context.state.timers) {
        if (timer.kind == "escalation") open.push_back(id);
      }
      return NotFoundError(
          "campaign " + campaign + " has no open escalation " + escalation +
          "; open ones: " +
          (open.empty() ? std::string("none") : Join(open, ", ")));
    }
    const Timer& timer = found->second;
    const sop::EscalationRule* rule = FindEscalation(context.state, timer.rule);
    bool allowed = Holds(actor, context.graph->process != nullptr
                                    ? context.graph->process->owner
                                    : "");
    if (rule != nullptr) {
      const int levels = static_cast<int>(rule->levels.size());
      for (int i = 0; i < std::max(1, std::min(timer.fired, levels)); ++i) {
        if (i >= levels) break;
        for (const std::string& p :
             Recipients(context.state, rule->levels[i], timer)) {
          allowed = allowed || p == actor;
        }
      }
    }
    if (!allowed) {
      return PermissionDeniedError(actor + " may not acknowledge " +
                                   escalation +
                                   ": it is for the people it was raised to");
    }
    return Add(context, "task_completed", "Escalation acknowledged", timer.step,
               "", {{"task", escalation}, {"acknowledged", true}});
  });
}

}  // namespace livesop::engine

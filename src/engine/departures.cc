// The engine's departure commands (skip, do early, informal approval,
// ad-hoc step, expedite, reassign, reopen), and the checklist and comment
// commands: each checks the campaign, the step and the actor's right,
// and records what happened with the departure's reason and evidence.
#include <algorithm>
#include <cctype>
#include <regex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "engine/engine.h"
#include "engine/internal/context.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

bool IsWorkStep(const sop::Step& step) {
  switch (step.type) {
    case sop::StepType::kExclusive:
    case sop::StepType::kParallel:
    case sop::StepType::kJoin:
    case sop::StepType::kEnd:
      return false;
    default:
      return true;
  }
}

bool IsHex64(const std::string& text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(),
                     [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// Ids of ad-hoc steps: lowercase letters, digits and dashes.
bool IsStepId(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) {
           return std::islower(c) != 0 || std::isdigit(c) != 0 || c == '-';
         });
}

}  // namespace

Status Engine::Open(Context& context, bool must_be_active) const {
  if (context.state.version == 0) {
    return NotFoundError("no campaign " + context.state.campaign);
  }
  if (must_be_active && context.state.status != "active") {
    return FailedPreconditionError("campaign " + context.state.campaign +
                                   " has ended (" + context.state.status + ")");
  }
  context.graph = GraphOf(context.state);
  if (context.graph == nullptr) {
    return FailedPreconditionError("campaign " + context.state.campaign +
                                   " has a type whose process the SOP lacks");
  }
  return OkStatus();
}

Result<int> Engine::StepNode(const Context& context,
                             const std::string& step) const {
  const int node = context.graph->Find(step);
  if (node >= 0 && context.graph->nodes[node].step != nullptr &&
      IsWorkStep(*context.graph->nodes[node].step)) {
    return node;
  }
  std::vector<std::string> known;
  if (context.graph->process != nullptr) {
    for (const sop::Step& s : context.graph->process->steps) {
      if (IsWorkStep(s)) known.push_back(s.id);
    }
  }
  const std::string hint = ClosestMatch(step, known);
  return NotFoundError("campaign " + context.state.campaign +
                       " has no work step " + step +
                       (hint.empty() ? "" : "; did you mean " + hint + "?"));
}

Status Engine::Depart(Context& context, const Departure& departure,
                      const std::string& kind, const sop::Step* step,
                      const std::string& also_allowed) const {
  context.actor = departure.actor;
  if (sop_.FindPerson(departure.actor) == nullptr) {
    return PermissionDeniedError("\"" + departure.actor +
                                 "\" is not a person of the SOP");
  }
  if (departure.reason.find_first_not_of(" \t\r\n") == std::string::npos) {
    return InvalidArgumentError("a " + kind +
                                " is a departure from the SOP and needs a "
                                "reason: say why, in a few words");
  }
  if (!departure.evidence_sha256.empty() &&
      !IsHex64(departure.evidence_sha256)) {
    return InvalidArgumentError(
        "evidence_sha256 must be 64 hexadecimal digits (the SHA-256 of the "
        "evidence file), not \"" +
        departure.evidence_sha256 + "\"");
  }
  const std::string& actor = departure.actor;
  const std::string process_owner = context.graph->process != nullptr
                                        ? context.graph->process->owner
                                        : std::string();
  bool allowed = Holds(actor, process_owner) || actor == sop_.sop.owner ||
                 Holds(actor, sop_.sop.owner) ||
                 (!also_allowed.empty() && actor == also_allowed);
  std::string who = "role " + process_owner + " (the process owner)";
  if (kind == "expedite" || kind == "ad_hoc_step" ||
      kind == "informal_approval") {
    allowed = allowed || actor == context.state.owner;
    who += ", the campaign owner " + context.state.owner;
  }
  if (kind == "reorder" && step != nullptr) {
    allowed = allowed || (!step->person.empty() ? step->person == actor
                                                : Holds(actor, step->role));
    who += ", and whoever does the step";
  }
  if (!allowed) {
    return PermissionDeniedError(actor + " may not record a " + kind +
                                 " on campaign " + context.state.campaign +
                                 ": that is for " + who);
  }
  context.departure = &departure;
  context.deviation = kind;
  return OkStatus();
}

Result<CampaignState> Engine::Skip(const std::string& campaign,
                                   const std::string& step,
                                   const Departure& departure) {
  return Run(campaign, "skip", [&](Context& context) -> Status {
    context.actor = departure.actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, true));
    LIVESOP_ASSIGN_OR_RETURN(int node, StepNode(context, step));
    const sop::Step& s = *context.graph->nodes[node].step;
    LIVESOP_RETURN_IF_ERROR(Depart(context, departure, "skip", &s, ""));
    if (context.state.flow.active.count(node) == 0) {
      if (context.state.finished.count(step) > 0) {
        return FailedPreconditionError("step " + step + " of campaign " +
                                       campaign + " is finished already");
      }
      if (context.state.skip_planned.count(step) > 0) return OkStatus();
      // Not reached yet: skipped when it is.
      return Add(context, "step_skip_planned", s.name, s.id, s.role,
                 {{"step", s.id}});
    }
    std::vector<std::string> tasks;
    if (s.type == sop::StepType::kApproval) {
      auto plan = context.state.plans.find(s.id);
      if (plan != context.state.plans.end()) {
        for (const std::string& role :
             AwaitedRoles(plan->second, context.state.decisions[s.id])) {
          tasks.push_back(campaign + "/" + s.id + "/" + role);
        }
      }
    }
    if (tasks.empty()) tasks.push_back(campaign + "/" + s.id);
    for (size_t i = 0; i + 1 < tasks.size(); ++i) {
      LIVESOP_RETURN_IF_ERROR(Add(context, "task_skipped", s.name, s.id, s.role,
                                  {{"task", tasks[i]}}));
    }
    FlowStep moved;
    LIVESOP_RETURN_IF_ERROR(Finish(
        context, node, IsDecided(s) ? Outcome::kApproved : Outcome::kDone,
        "task_skipped", s.role, {{"task", tasks.back()}}, &moved));
    return FollowUp(context, moved);
  });
}

Result<CampaignState> Engine::CompleteEarly(const std::string& campaign,
                                            const std::string& step,
                                            const Departure& departure) {
  return Run(campaign, "complete early", [&](Context& context) -> Status {
    context.actor = departure.actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, true));
    LIVESOP_ASSIGN_OR_RETURN(int node, StepNode(context, step));
    const sop::Step& s = *context.graph->nodes[node].step;
    if (IsDecided(s)) {
      return InvalidArgumentError(
          "step " + step +
          " is decided, not done: its approvers may approve it before its "
          "turn, or record an informal approval");
    }
    if (s.type != sop::StepType::kTask && s.type != sop::StepType::kChecklist) {
      return InvalidArgumentError("step " + step + " is a " +
                                  sop::StepTypeName(s.type) +
                                  "; only tasks and checklists are done early");
    }
    if (context.state.flow.active.count(node) > 0) {
      return FailedPreconditionError("step " + step +
                                     " is active: complete it the usual way");
    }
    if (context.state.done_early.count(step) > 0) {
      return FailedPreconditionError("step " + step + " of campaign " +
                                     campaign + " was done early already");
    }
    if (context.state.finished.count(step) > 0) {
      return FailedPreconditionError("step " + step + " of campaign " +
                                     campaign +
                                     " is finished; reopen it to do it again");
    }
    LIVESOP_RETURN_IF_ERROR(Depart(context, departure, "reorder", &s, ""));
    const std::string task = campaign + "/" + s.id;
    LIVESOP_RETURN_IF_ERROR(
        Add(context, "task_created", s.name, s.id, s.role, {{"task", task}}));
    return Add(context, "task_completed", s.name, s.id, s.role,
               {{"task", task}, {"step", s.id}, {"early", true}});
  });
}

Status Engine::HoldEarly(Context& context, int node, Verdict verdict,
                         const std::string& comment) {
  const sop::Step& s = *context.graph->nodes[node].step;
  if (!IsDecided(s)) {
    return FailedPreconditionError(
        "step " + s.id + " of campaign " + context.state.campaign +
        " is not reached yet; to do it before its turn, record it as done "
        "early");
  }
  LIVESOP_RETURN_IF_ERROR(MayApprove(context, s, context.actor));
  Departure early;
  early.actor = context.actor;
  early.reason =
      comment.empty() ? "decided before the step was reached" : comment;
  context.departure = &early;
  context.deviation = "reorder";
  Status held = Add(context, "approval_held", s.name, s.id, "",
                    {{"step", s.id},
                     {"decision", VerdictName(verdict)},
                     {"comment", comment}});
  context.departure = nullptr;
  return held;
}

// Whether `person` is among the approvers `step` will ask of this campaign:
// a role of its plan (an approval) or its role (a review).
Status Engine::MayApprove(const Context& context, const sop::Step& step,
                          const std::string& person,
                          const ApprovalInputs* facts) const {
  std::vector<std::string> found;
  const std::vector<std::string>* kept = nullptr;
  if (context.decider_roles != nullptr) {
    const auto it = context.decider_roles->find(step.id);
    if (it != context.decider_roles->end()) kept = &it->second;
  }
  if (kept == nullptr) {
    if (step.type == sop::StepType::kReview) {
      found = {step.role};
    } else {
      LIVESOP_ASSIGN_OR_RETURN(ApprovalPlan plan,
                               PlanFor(context.state, step, facts));
      for (const ApproverGroup& group : plan.groups) {
        found.insert(found.end(), group.roles.begin(), group.roles.end());
      }
    }
    kept = context.decider_roles != nullptr
               ? &context.decider_roles->emplace(step.id, std::move(found))
                      .first->second
               : &found;
  }
  const std::vector<std::string>& roles = *kept;
  for (const std::string& role : roles) {
    if (Holds(person, role)) return OkStatus();
  }
  return PermissionDeniedError(person + " is not an approver of " + step.id +
                               " for campaign " + context.state.campaign +
                               "; its approvers are the roles " +
                               Join(roles, ", "));
}

Result<CampaignState> Engine::RecordInformalApproval(
    const std::string& campaign, const std::string& step,
    const InformalApproval& approval, const Departure& departure) {
  return Run(campaign, "record informal approval",
             [&](Context& context) -> Status {
               context.actor = departure.actor;
               LIVESOP_RETURN_IF_ERROR(Open(context, true));
               return InformalDecision(context, step, approval, departure);
             });
}

Status Engine::InformalDecision(Context& context, const std::string& step,
                                const InformalApproval& approval,
                                const Departure& departure) {
  LIVESOP_ASSIGN_OR_RETURN(int node, StepNode(context, step));
  const sop::Step& s = *context.graph->nodes[node].step;
  if (!IsDecided(s)) {
    return InvalidArgumentError("step " + step + " is a " +
                                sop::StepTypeName(s.type) +
                                ", not an approval or review");
  }
  if (sop_.FindPerson(approval.approver) == nullptr) {
    return InvalidArgumentError("the approver \"" + approval.approver +
                                "\" is not a person of the SOP");
  }
  if (approval.channel.empty()) {
    return InvalidArgumentError(
        "say where the approval was given: whatsapp, email, phone, ...");
  }
  const int64_t occurred =
      approval.occurred_us != 0 ? approval.occurred_us : context.now;
  if (occurred > context.now) {
    return InvalidArgumentError(
        "the approval's time is in the future; give when it was given");
  }
  LIVESOP_RETURN_IF_ERROR(
      Depart(context, departure, "informal_approval", &s, approval.approver));
  context.resource = approval.approver;
  context.time_us = occurred;
  context.source = approval.channel;
  Json payload = {{"comment", approval.comment}, {"channel", approval.channel}};
  if (!approval.evidence.is_null()) payload["evidence"] = approval.evidence;
  if (context.state.flow.active.count(node) > 0) {
    const std::string role = AwaitedRoleOf(context, node, approval.approver);
    if (role.empty()) {
      return PermissionDeniedError(approval.approver +
                                   " is not awaited at step " + step +
                                   " now; " + AwaitedText(context, node));
    }
    return DecideAs(context, node, role, approval.verdict, payload);
  }
  if (context.state.finished.count(step) > 0) {
    return FailedPreconditionError("step " + step + " of campaign " +
                                   context.state.campaign +
                                   " is decided already");
  }
  LIVESOP_RETURN_IF_ERROR(MayApprove(context, s, approval.approver));
  payload["step"] = s.id;
  payload["decision"] = VerdictName(approval.verdict);
  return Add(context, "approval_held", s.name, s.id, "", payload);
}

Result<CampaignState> Engine::AddStep(const std::string& campaign,
                                      const AdHocStep& step,
                                      const Departure& departure) {
  return Run(campaign, "add step", [&](Context& context) -> Status {
    context.actor = departure.actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, true));
    if (!IsStepId(step.id)) {
      return InvalidArgumentError(
          "an ad-hoc step needs an id of lowercase letters, digits and "
          "dashes (at most 64), not \"" +
          step.id + "\"");
    }
    if (context.graph->Find(step.id) >= 0 ||
        context.state.adhoc.count(step.id) > 0) {
      return AlreadyExistsError("campaign " + campaign + " has a step " +
                                step.id + " already; choose another id");
    }
    if (!step.role.empty() && sop_.FindRole(step.role) == nullptr) {
      return InvalidArgumentError("unknown role \"" + step.role + "\"");
    }
    if (!step.person.empty() && sop_.FindPerson(step.person) == nullptr) {
      return InvalidArgumentError("\"" + step.person +
                                  "\" is not a person of the SOP");
    }
    LIVESOP_RETURN_IF_ERROR(
        Depart(context, departure, "ad_hoc_step", nullptr, ""));
    Json payload = {{"task", campaign + "/" + step.id},
                    {"step", step.id},
                    {"adhoc", true},
                    {"description", step.description}};
    if (!step.person.empty()) payload["assignee"] = step.person;
    return Add(context, "task_created", step.name.empty() ? step.id : step.name,
               step.id, step.role, payload);
  });
}

Result<CampaignState> Engine::ExpediteCampaign(const std::string& campaign,
                                               const Expedite& how,
                                               const Departure& departure) {
  return Run(campaign, "expedite", [&](Context& context) -> Status {
    context.actor = departure.actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, true));
    if (!how.fast_track && !how.parallel_approvals && how.sla_factor >= 1.0) {
      return InvalidArgumentError(
          "say how to expedite: the fast track, approvals in parallel, or "
          "shorter SLAs (a factor below 1)");
    }
    if (!(how.sla_factor > 0.0 && how.sla_factor <= 1.0)) {
      return InvalidArgumentError(
          "the SLA factor must be above 0 and at most 1 (0.5 halves every "
          "SLA)");
    }
    Json payload = {{"fast_track", how.fast_track},
                    {"parallel_approvals", how.parallel_approvals},
                    {"sla_factor", how.sla_factor}};
    if (how.fast_track) {
      const sop::CampaignType* type =
          TypeIn(Pinned(context.state), context.state.campaign_type);
      const sop::Form* form = type != nullptr
                                  ? Pinned(context.state).FindForm(type->form)
                                  : nullptr;
      const bool has_urgent =
          form != nullptr &&
          std::any_of(form->fields.begin(), form->fields.end(),
                      [](const sop::FormField& f) {
                        return f.id == "urgent" &&
                               f.type == sop::FieldType::kBoolean;
                      });
      if (!has_urgent) {
        return InvalidArgumentError(
            "the form of campaign type " + context.state.campaign_type +
            " has no `urgent` yes/no field, so the SOP has no fast track to "
            "take; expedite with approvals in parallel or shorter SLAs");
      }
      payload["field"] = "urgent";
    }
    LIVESOP_RETURN_IF_ERROR(
        Depart(context, departure, "expedite", nullptr, ""));
    std::map<std::string, std::vector<std::string>> awaited_before;
    for (const auto& [step, plan] : context.state.plans) {
      awaited_before[step] = AwaitedRoles(plan, context.state.decisions[step]);
    }
    LIVESOP_RETURN_IF_ERROR(Add(context, "campaign_expedited",
                                "Campaign expedited", "", "", payload));
    // Approvers whose turn comes now that the approvals run in parallel.
    Context::Plain plain(context);
    for (const auto& [step, before] : awaited_before) {
      const sop::Step* s = context.graph->nodes[context.graph->Find(step)].step;
      for (const std::string& role : AwaitedRoles(
               context.state.plans[step], context.state.decisions[step])) {
        if (std::find(before.begin(), before.end(), role) != before.end()) {
          continue;
        }
        LIVESOP_RETURN_IF_ERROR(CreateTask(context, *s, role));
      }
    }
    return OkStatus();
  });
}

Result<CampaignState> Engine::Reassign(const std::string& campaign,
                                       const std::string& step,
                                       const std::string& role,
                                       const std::string& to,
                                       const Departure& departure) {
  return Run(campaign, "reassign", [&](Context& context) -> Status {
    context.actor = departure.actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, true));
    if (sop_.FindPerson(to) == nullptr) {
      return InvalidArgumentError("\"" + to + "\" is not a person of the SOP");
    }
    std::string task = campaign + "/" + step;
    std::string current;
    std::string activity;
    std::string task_role;
    const sop::Step* s = nullptr;
    if (auto adhoc = context.state.adhoc.find(step);
        adhoc != context.state.adhoc.end()) {
      if (adhoc->second.done) {
        return FailedPreconditionError("ad-hoc step " + step + " is done");
      }
      current = adhoc->second.person;
      activity = adhoc->second.name;
      task_role = adhoc->second.role;
    } else {
      LIVESOP_ASSIGN_OR_RETURN(int node, StepNode(context, step));
      s = context.graph->nodes[node].step;
      if (context.state.flow.active.count(node) == 0) {
        return FailedPreconditionError("step " + step + " of campaign " +
                                       campaign +
                                       " is not active; only open tasks are "
                                       "reassigned");
      }
      activity = s->name;
      task_role = s->role;
      current = s->person;
      if (s->type == sop::StepType::kApproval) {
        auto plan = context.state.plans.find(step);
        const std::vector<std::string> awaited =
            plan == context.state.plans.end()
                ? std::vector<std::string>{}
                : AwaitedRoles(plan->second, context.state.decisions[step]);
        if (std::find(awaited.begin(), awaited.end(), role) == awaited.end()) {
          return InvalidArgumentError(
              "say which approver's task to reassign: the role awaited at " +
              step + " (" +
              (awaited.empty() ? std::string("none") : Join(awaited, ", ")) +
              ")");
        }
        task += "/" + role;
        task_role = role;
        current.clear();
      }
    }
    if (auto given = context.state.assignees.find(task);
        given != context.state.assignees.end()) {
      current = given->second;
    }
    if (current == to) {
      return FailedPreconditionError("the task is " + to + "'s already");
    }
    LIVESOP_RETURN_IF_ERROR(Depart(context, departure, "reassign", s, current));
    Json payload = {{"task", task}, {"step", step}, {"assignee", to}};
    if (!current.empty()) payload["from"] = current;
    return Add(context, "task_assigned", activity, step, task_role, payload);
  });
}

Result<CampaignState> Engine::Reopen(const std::string& campaign,
                                     const std::string& step,
                                     const Departure& departure) {
  return Run(campaign, "reopen", [&](Context& context) -> Status {
    context.actor = departure.actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, false));
    LIVESOP_ASSIGN_OR_RETURN(int node, StepNode(context, step));
    const sop::Step& s = *context.graph->nodes[node].step;
    if (context.state.flow.active.count(node) > 0) {
      return FailedPreconditionError("step " + step + " of campaign " +
                                     campaign + " is active already");
    }
    LIVESOP_RETURN_IF_ERROR(Depart(context, departure, "reopen", &s, ""));
    if (context.state.status != "active") {
      LIVESOP_RETURN_IF_ERROR(Add(context, "campaign_reopened",
                                  "Campaign reopened", "", "",
                                  {{"was", context.state.status}}));
    }
    FlowStep moved;
    LIVESOP_RETURN_IF_ERROR(Add(context, "step_reopened", s.name, s.id, s.role,
                                {{"step", s.id}}, &moved));
    return FollowUp(context, moved);
  });
}

Result<CampaignState> Engine::Tick(const std::string& campaign,
                                   const std::string& step,
                                   const std::string& item,
                                   const std::string& actor, bool ticked) {
  return Tick(campaign, step, std::vector<std::string>{item}, actor, ticked);
}

Result<CampaignState> Engine::Tick(const std::string& campaign,
                                   const std::string& step,
                                   const std::vector<std::string>& items,
                                   const std::string& actor, bool ticked) {
  return Run(campaign, "tick", [&](Context& context) -> Status {
    context.actor = actor;
    int node = -1;
    LIVESOP_RETURN_IF_ERROR(Active(context, step, &node));
    const sop::Step& s = *context.graph->nodes[node].step;
    const sop::Checklist* checklist =
        s.type == sop::StepType::kChecklist
            ? FindChecklist(context.state, s.checklist)
            : nullptr;
    if (checklist == nullptr) {
      return InvalidArgumentError("step " + step + " is not a checklist");
    }
    if (items.empty()) return InvalidArgumentError("name the items to tick");
    const std::string task = campaign + "/" + s.id;
    // Every item is checked before any is ticked: all or nothing.
    std::vector<const sop::ChecklistItem*> found;
    for (const std::string& item : items) {
      const sop::ChecklistItem* match = nullptr;
      std::vector<std::string> ids;
      for (const sop::ChecklistItem& i : checklist->items) {
        ids.push_back(i.id);
        if (i.id == item) match = &i;
      }
      if (match == nullptr) {
        const std::string hint = ClosestMatch(item, ids);
        return NotFoundError(
            "checklist " + checklist->id + " has no item " + item +
            (hint.empty() ? "" : "; did you mean " + hint + "?"));
      }
      if (!Applies(context.state, *match)) {
        return FailedPreconditionError(
            "item " + item + " of checklist " + checklist->id +
            " does not apply to campaign " + campaign);
      }
      const bool allowed =
          (!match->role.empty() && Holds(actor, match->role)) ||
          MayDo(context.state, s, task, actor);
      if (!allowed) {
        return PermissionDeniedError(
            actor + " may not tick " + item + ": it belongs to " +
            (!match->role.empty() ? "role " + match->role
                                  : Owner(context.state, s, task)));
      }
      found.push_back(match);
    }
    for (const sop::ChecklistItem* i : found) {
      auto done = context.state.ticked.find(s.id);
      const bool now =
          done != context.state.ticked.end() && done->second.count(i->id) > 0;
      if (now == ticked) continue;
      LIVESOP_RETURN_IF_ERROR(Add(context, "checklist_item_ticked", i->text,
                                  s.id, i->role.empty() ? s.role : i->role,
                                  {{"task", task},
                                   {"step", s.id},
                                   {"item", i->id},
                                   {"ticked", ticked}}));
    }
    return OkStatus();
  });
}

Result<CampaignState> Engine::Comment(const std::string& campaign,
                                      const std::string& step,
                                      const std::string& actor,
                                      const std::string& text) {
  return Run(campaign, "comment", [&](Context& context) -> Status {
    context.actor = actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, false));
    const sop::Person* author = sop_.FindPerson(actor);
    if (author == nullptr) {
      return PermissionDeniedError("\"" + actor +
                                   "\" is not a person of the SOP");
    }
    if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
      return InvalidArgumentError("a comment needs some text");
    }
    if (text.size() > 10000) {
      return InvalidArgumentError(
          "a comment holds at most 10,000 characters; link a document for "
          "more");
    }
    if (!step.empty() && context.state.adhoc.count(step) == 0) {
      LIVESOP_RETURN_IF_ERROR(StepNode(context, step).status());
    }
    // @mentions: a person or a role of the SOP, not inside a word or an
    // email address.
    static const std::regex kMention(
        R"((^|[^A-Za-z0-9_.@])@([A-Za-z0-9][A-Za-z0-9_.-]*))");
    std::vector<std::string> mentions;
    std::set<std::string> notified;
    std::vector<std::string> names;
    for (const sop::Person& p : sop_.people) names.push_back(p.id);
    for (const sop::Role& r : sop_.roles) names.push_back(r.id);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kMention);
         it != std::sregex_iterator(); ++it) {
      std::string name = (*it)[2].str();
      while (!name.empty() && (name.back() == '.' || name.back() == '-')) {
        name.pop_back();
      }
      if (sop_.FindPerson(name) != nullptr) {
        notified.insert(name);
      } else if (sop_.FindRole(name) != nullptr) {
        const std::vector<std::string>& holders = HoldersOf(name);
        notified.insert(holders.begin(), holders.end());
      } else {
        const std::string hint = ClosestMatch(name, names);
        return InvalidArgumentError(
            "the comment mentions @" + name +
            ", who is neither a person nor a role of the SOP" +
            (hint.empty() ? "" : "; did you mean @" + hint + "?"));
      }
      if (std::find(mentions.begin(), mentions.end(), name) == mentions.end()) {
        mentions.push_back(name);
      }
    }
    notified.erase(actor);
    const std::string task = step.empty() ? "" : campaign + "/" + step;
    LIVESOP_RETURN_IF_ERROR(Add(context, "comment_added", "Comment", step, "",
                                {{"step", step},
                                 {"task", task},
                                 {"text", text},
                                 {"mentions", mentions}}));
    if (notified.empty()) return OkStatus();
    const std::string who = author->name.empty() ? actor : author->name;
    return Add(
        context, "notification_sent", "Mention", step, "",
        {{"recipients",
          std::vector<std::string>(notified.begin(), notified.end())},
         {"subject",
          who + " mentioned you on " +
              (context.state.title.empty() ? campaign : context.state.title)},
         {"body", text},
         {"task", task}});
  });
}

}  // namespace livesop::engine

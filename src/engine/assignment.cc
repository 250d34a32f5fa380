// Who gets a task: the step's person, the request's person field, or the
// assignment policy of the step or its role (queue, explicit, round-robin,
// least-loaded), passing over people who are away in favour of their
// delegates; and the Assign command for tasks given by hand.
#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "core/text.h"
#include "engine/engine.h"
#include "engine/internal/context.h"

namespace livesop::engine {

Result<bool> Engine::Away(const std::string& person, int64_t at) const {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::Absence> absences,
                           store_.Absences(person, at));
  return !absences.empty();
}

// `person`, or, when they are away, whoever stands in: the delegate their
// absence names, else the first of their SOP delegates who is not away.
// Empty when everyone is away.
Result<std::string> Engine::StandIn(const std::string& person,
                                    int64_t at) const {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::Absence> absences,
                           store_.Absences(person, at));
  if (absences.empty()) return person;
  std::vector<std::string> candidates;
  for (const store::Absence& a : absences) {
    if (!a.delegate.empty()) candidates.push_back(a.delegate);
  }
  if (const sop::Person* p = sop_.FindPerson(person); p != nullptr) {
    candidates.insert(candidates.end(), p->delegates.begin(),
                      p->delegates.end());
  }
  for (const std::string& candidate : candidates) {
    if (candidate == person || sop_.FindPerson(candidate) == nullptr) continue;
    LIVESOP_ASSIGN_OR_RETURN(bool away, Away(candidate, at));
    if (!away) return candidate;
  }
  return std::string();
}

Result<std::string> Engine::PickAssignee(const Context& context,
                                         const sop::Step& step,
                                         const std::string& role) {
  const CampaignState& state = context.state;
  if (!step.person.empty()) {
    LIVESOP_ASSIGN_OR_RETURN(std::string who,
                             StandIn(step.person, context.now));
    return who.empty() ? step.person : who;  // nobody better: still theirs
  }
  if (!step.assignee_from.empty()) {
    auto named = state.values->find(step.assignee_from);
    if (named != state.values->end() && named->is_string() &&
        sop_.FindPerson(named->get<std::string>()) != nullptr) {
      const std::string person = named->get<std::string>();
      LIVESOP_ASSIGN_OR_RETURN(std::string who, StandIn(person, context.now));
      if (!who.empty()) return who;
    }
  }
  std::string policy = step.assignment;
  if (policy.empty()) {
    if (const sop::Role* r = sop_.FindRole(role); r != nullptr) {
      policy = r->assignment;
    }
  }
  if (policy != "round_robin" && policy != "least_loaded") return std::string();
  // The role's holders who are here, in the SOP's order.
  std::vector<std::string> here;
  for (const std::string& person : HoldersOf(role)) {
    LIVESOP_ASSIGN_OR_RETURN(bool away, Away(person, context.now));
    if (!away) here.push_back(person);
  }
  if (here.empty()) return std::string();  // the role's queue
  std::string best;
  int64_t best_score = std::numeric_limits<int64_t>::max();
  for (const std::string& person : here) {
    store::TaskQuery query;
    query.assignee = person;
    if (policy == "least_loaded") query.status = "open";
    LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TaskRecord> tasks,
                             store_.Tasks(query));
    int64_t score = 0;
    if (policy == "least_loaded") {
      score = static_cast<int64_t>(tasks.size());
    } else {
      // Round-robin: the one whose last task of this role is oldest.
      for (const store::TaskRecord& t : tasks) {
        if (t.role == role) score = std::max(score, t.created_us);
      }
    }
    // Tasks this command gives out count too.
    for (const store::Event& e : context.events) {
      if (e.type != "task_created" || e.role != role) continue;
      if (e.payload.find("\"assignee\":\"" + person + "\"") ==
          std::string::npos) {
        continue;
      }
      score =
          policy == "least_loaded" ? score + 1 : std::max(score, e.time_us + 1);
    }
    if (score < best_score) {
      best = person;
      best_score = score;
    }
  }
  return best;
}

Result<CampaignState> Engine::Assign(const std::string& campaign,
                                     const std::string& step,
                                     const std::string& role,
                                     const std::string& person,
                                     const std::string& actor) {
  return Run(campaign, "assign", [&](Context& context) -> Status {
    context.actor = actor;
    int node = -1;
    LIVESOP_RETURN_IF_ERROR(Active(context, step, &node));
    const sop::Step& s = *context.graph->nodes[node].step;
    if (sop_.FindPerson(person) == nullptr) {
      return InvalidArgumentError("\"" + person +
                                  "\" is not a person of the SOP");
    }
    std::string task = campaign + "/" + s.id;
    std::string task_role = s.role;
    if (s.type == sop::StepType::kApproval) {
      auto plan = context.state.plans.find(s.id);
      const std::vector<std::string> awaited =
          plan == context.state.plans.end()
              ? std::vector<std::string>{}
              : AwaitedRoles(plan->second, context.state.decisions[s.id]);
      if (std::find(awaited.begin(), awaited.end(), role) == awaited.end()) {
        return InvalidArgumentError(
            "say which approver's task to give: a role awaited at " + step +
            " (" +
            (awaited.empty() ? std::string("none") : Join(awaited, ", ")) +
            ")");
      }
      task += "/" + role;
      task_role = role;
    }
    if (context.state.assignees.count(task) > 0 ||
        context.state.assigned.count(task) > 0 || !s.person.empty()) {
      return FailedPreconditionError(
          "task " + task + " is someone's already; hand it on with reassign");
    }
    const std::string owner =
        context.graph->process != nullptr ? context.graph->process->owner : "";
    const bool allowed =
        Holds(actor, owner) || (actor == person && Holds(actor, task_role));
    if (!allowed) {
      return PermissionDeniedError(
          actor + " may not give " + task + " to " + person + ": role " +
          owner + " (the process owner) gives tasks; a holder of role " +
          task_role + " may take one themselves");
    }
    return Add(context, "task_assigned", s.name, s.id, task_role,
               {{"task", task}, {"step", s.id}, {"assignee", person}});
  });
}

}  // namespace livesop::engine

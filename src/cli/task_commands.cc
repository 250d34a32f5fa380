// livesop task list|complete|approve|reject|request-changes: parse, call the
// engine or the tasks read model, format.
#include <algorithm>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/workflow.h"
#include "core/text.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

// The tasks that are `person`'s: assigned to them, and the open tasks no
// one is assigned to of the roles they hold. Ordered by task id, as the
// read model orders them.
Result<std::vector<store::TaskRecord>> TasksOf(store::Store& store,
                                               const sop::Person& person,
                                               const WorkflowArgs& args) {
  std::map<std::string, store::TaskRecord> mine;
  store::TaskQuery assigned;
  assigned.campaign = args.campaign;
  assigned.assignee = person.id;
  assigned.status = args.status;
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TaskRecord> tasks,
                           store.Tasks(assigned));
  for (store::TaskRecord& t : tasks) mine[t.task] = std::move(t);
  if (args.status.empty() || args.status == "open") {
    store::TaskQuery open;
    open.campaign = args.campaign;
    open.status = "open";
    LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TaskRecord> role_tasks,
                             store.Tasks(open));
    for (store::TaskRecord& t : role_tasks) {
      if (t.assignee.empty() &&
          std::find(person.roles.begin(), person.roles.end(), t.role) !=
              person.roles.end()) {
        mine[t.task] = std::move(t);
      }
    }
  }
  std::vector<store::TaskRecord> out;
  out.reserve(mine.size());
  for (auto& [id, task] : mine) out.push_back(std::move(task));
  return out;
}

// What an acting command reports: what was done and where the campaign
// stands now. `held` is for a decision on a step not reached yet, which the
// engine keeps until the step is reached.
int Report(const WorkflowArgs& args, const Session& session,
           const engine::CampaignState& state, const std::string& action,
           const std::string& done, bool held = false) {
  const std::vector<engine::Awaited> awaited =
      session.engine->AwaitedNow(state);
  if (args.json) {
    Json out = {{"ok", true},
                {"campaign", state.campaign},
                {"step", args.step},
                {"action", action},
                {"actor", args.as},
                {"held", held},
                {"status", state.status},
                {"version", state.version},
                {"awaited", AwaitedToJson(awaited)}};
    if (!args.item.empty()) out["item"] = args.item;
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << args.as << " " << done << " " << args.step;
  if (!args.item.empty()) std::cout << " item " << args.item;
  std::cout << " of campaign " << state.campaign << "\n";
  if (held) {
    std::cout << "the step is not reached yet: the decision is held and "
                 "counts when it is (recorded as a departure from the SOP's "
                 "order)\n";
  }
  PrintStanding(state, awaited, std::cout);
  return kExitOk;
}

// Whether `person` has a decision held for `step` (given before the step
// was reached).
bool Held(const engine::CampaignState& state, const std::string& step,
          const std::string& person) {
  const auto found = state.held.find(step);
  if (found == state.held.end()) return false;
  return std::any_of(
      found->second.begin(), found->second.end(),
      [&](const engine::HeldApproval& h) { return h.approver == person; });
}

}  // namespace

int RunTaskList(const WorkflowArgs& args) {
  const std::string command = "task list";
  if (args.mine && args.as.empty()) {
    return UsageError(command, "--mine needs --as PERSON");
  }
  Session session;
  if (const int code =
          OpenSession(args, command, /*with_sop=*/args.mine, session);
      code != kExitOk) {
    return code;
  }
  Result<std::vector<store::TaskRecord>> tasks = NotFoundError("no tasks read");
  if (args.mine) {
    const sop::Person* person = session.sop.FindPerson(args.as);
    if (person == nullptr) {
      return Fail(
          command,
          NotFoundError("\"" + args.as + "\" is not a person of the SOP"),
          args.json);
    }
    tasks = TasksOf(*session.store, *person, args);
  } else {
    store::TaskQuery query;
    query.campaign = args.campaign;
    query.assignee = args.assignee;
    query.status = args.status;
    tasks = session.store->Tasks(query);
  }
  if (!tasks.ok()) return Fail(command, tasks.status(), args.json);
  if (args.json) {
    Json list = Json::array();
    for (const store::TaskRecord& t : *tasks) list.push_back(TaskToJson(t));
    std::cout << Json({{"ok", true}, {"tasks", std::move(list)}}).dump(2)
              << "\n";
  } else if (tasks->empty()) {
    std::cout << "no tasks\n";
  } else {
    PrintTasks(*tasks, std::cout);
  }
  return kExitOk;
}

int RunTaskComplete(const WorkflowArgs& args) {
  const std::string command = "task complete";
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignState> state =
      session.engine->Complete(args.campaign, args.step, args.as);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  return Report(args, session, *state, "complete", "completed");
}

int RunTaskDecide(const WorkflowArgs& args, engine::Verdict verdict) {
  std::string command = "task approve";
  std::string action = "approve";
  std::string done = "approved";
  if (verdict == engine::Verdict::kReject) {
    command = "task reject";
    action = "reject";
    done = "rejected";
  } else if (verdict == engine::Verdict::kRequestChanges) {
    command = "task request-changes";
    action = "request_changes";
    done = "requested changes on";
  }
  // Whoever has to revise or take the rejection needs to know why.
  if (verdict != engine::Verdict::kApprove && Trim(args.comment).empty()) {
    return UsageError(command,
                      "--comment TEXT is required: say what has to change "
                      "or why it is rejected");
  }
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignState> state = session.engine->Decide(
      args.campaign, args.step, args.as, verdict, args.comment);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  return Report(args, session, *state, action, done,
                Held(*state, args.step, args.as));
}

int RunTaskTick(const WorkflowArgs& args) {
  const std::string command = "task tick";
  Session session;
  if (const int code = OpenSession(args, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignState> state = session.engine->Tick(
      args.campaign, args.step, args.item, args.as, !args.untick);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  return Report(args, session, *state, args.untick ? "untick" : "tick",
                args.untick ? "unticked" : "ticked");
}

}  // namespace livesop::cli

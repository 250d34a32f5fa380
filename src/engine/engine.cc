#include "engine/engine.h"

#include <algorithm>
#include <functional>
#include <utility>

#include "core/text.h"
#include "engine/facts.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kApprove:
      return "approve";
    case Verdict::kReject:
      return "reject";
    case Verdict::kRequestChanges:
      return "request_changes";
  }
  return "approve";
}

Result<Verdict> VerdictOf(const std::string& name) {
  if (name == "approve") return Verdict::kApprove;
  if (name == "reject") return Verdict::kReject;
  if (name == "request_changes") return Verdict::kRequestChanges;
  return DataLossError("unknown decision \"" + name + "\" in the history");
}

Result<Outcome> OutcomeOf(const std::string& name) {
  for (Outcome o : {Outcome::kDone, Outcome::kApproved, Outcome::kRejected,
                    Outcome::kChangesRequested}) {
    if (name == OutcomeName(o)) return o;
  }
  return DataLossError("unknown outcome \"" + name + "\" in the history");
}

Json PlanToJson(const ApprovalPlan& plan) {
  Json groups = Json::array();
  for (const ApproverGroup& g : plan.groups) {
    groups.push_back(
        {{"rule", g.rule},
         {"roles", g.roles},
         {"quorum", static_cast<int>(g.quorum)},
         {"count", g.quorum_count},
         {"sequential", g.mode == sop::ApprovalMode::kSequential}});
  }
  return groups;
}

ApprovalPlan PlanFromJson(const Json& groups) {
  ApprovalPlan plan;
  for (const Json& g : groups) {
    ApproverGroup group;
    group.rule = g.value("rule", "");
    group.roles = g.value("roles", std::vector<std::string>{});
    group.quorum = static_cast<sop::Quorum>(g.value("quorum", 0));
    group.quorum_count = g.value("count", 0);
    group.mode = g.value("sequential", false) ? sop::ApprovalMode::kSequential
                                              : sop::ApprovalMode::kParallel;
    plan.groups.push_back(std::move(group));
  }
  return plan;
}

Outcome OutcomeFor(Tally tally) {
  switch (tally) {
    case Tally::kApproved:
      return Outcome::kApproved;
    case Tally::kRejected:
      return Outcome::kRejected;
    default:
      return Outcome::kChangesRequested;
  }
}

Outcome OutcomeFor(Verdict verdict) {
  switch (verdict) {
    case Verdict::kApprove:
      return Outcome::kApproved;
    case Verdict::kReject:
      return Outcome::kRejected;
    case Verdict::kRequestChanges:
      return Outcome::kChangesRequested;
  }
  return Outcome::kApproved;
}

}  // namespace

struct Engine::Context {
  CampaignState state;
  std::vector<store::Event> events;
  const sop::ProcessGraph* graph = nullptr;
  std::string actor;
  int64_t now = 0;
  std::string idempotency_key;
  bool creates = false;  // the campaign must not exist yet
};

Engine::Engine(store::Store& store, const sop::Definition& sop,
               const Clock& clock)
    : store_(store), sop_(sop), clock_(clock) {
  for (const sop::Process& process : sop_.processes) {
    graphs_.emplace(process.id, sop::CompileGraph(process));
  }
  calendar_ = DefaultCalendar(sop_);
}

IntakeReport Engine::Check(const std::string& campaign_type,
                           const nlohmann::json& values) const {
  return CheckRequest(sop_, campaign_type, values, clock_.NowMicros(),
                      BusinessTimeOn(*calendar_));
}

const sop::CampaignType* Engine::TypeOf(const std::string& id) const {
  for (const sop::CampaignType& type : sop_.campaign_types) {
    if (type.id == id) return &type;
  }
  return nullptr;
}

const sop::ProcessGraph* Engine::GraphOf(
    const std::string& campaign_type) const {
  const sop::CampaignType* type = TypeOf(campaign_type);
  if (type == nullptr) return nullptr;
  auto it = graphs_.find(type->process);
  return it == graphs_.end() ? nullptr : &it->second;
}

bool Engine::Holds(const std::string& person, const std::string& role) const {
  const sop::Person* p = sop_.FindPerson(person);
  return p != nullptr &&
         std::find(p->roles.begin(), p->roles.end(), role) != p->roles.end();
}

Status Engine::Apply(CampaignState& state, const store::Event& event,
                     const Json& payload, FlowStep* moved) const {
  const std::string& type = event.type;
  if (type == "campaign_created") {
    state.campaign = event.campaign;
    state.campaign_type = event.campaign_type;
    state.sop_version = event.sop_version;
    state.title = payload.value("title", "");
    state.owner = payload.value("owner", "");
    state.values = payload.value("values", Json::object());
    state.status = "active";
    state.facts = CaseFacts(sop_, state.campaign_type, state.values);
    const sop::ProcessGraph* graph = GraphOf(state.campaign_type);
    if (graph == nullptr) {
      return DataLossError(
          "campaign " + state.campaign +
          " has a type the SOP does not know: " + state.campaign_type);
    }
    LIVESOP_ASSIGN_OR_RETURN(
        FlowStep step,
        Start(*graph, state.flow, state.facts));
    if (moved != nullptr) *moved = std::move(step);
  } else if (type == "step_finished") {
    LIVESOP_RETURN_IF_ERROR(AdvanceFlow(state, payload, moved));
  } else if (type == "approval_requested") {
    const std::string step = payload.value("step", "");
    state.plans[step] = PlanFromJson(payload.value("groups", Json::array()));
    state.decisions[step].clear();
  } else if (type == "approval_decided") {
    LIVESOP_ASSIGN_OR_RETURN(Verdict verdict,
                             VerdictOf(payload.value("decision", "")));
    const std::string step = payload.value("step", "");
    if (state.plans.count(step) > 0) {
      state.decisions[step].push_back({event.role, event.resource, verdict});
    }
    if (payload.contains("outcome")) {
      LIVESOP_RETURN_IF_ERROR(AdvanceFlow(state, payload, moved));
    }
  } else if (type == "task_completed" || type == "notification_sent") {
    if (payload.contains("outcome")) {
      LIVESOP_RETURN_IF_ERROR(AdvanceFlow(state, payload, moved));
    }
  } else if (type == "campaign_cancelled") {
    engine::Cancel(state.flow);
    state.plans.clear();
    state.decisions.clear();
    state.status = "cancelled";
  }
  if (event.sequence > 0) state.version = event.sequence;
  return OkStatus();
}

// A step's work is over: its token moves on with the payload's "outcome".
Status Engine::AdvanceFlow(CampaignState& state, const Json& payload,
                           FlowStep* moved) const {
  const sop::ProcessGraph* graph = GraphOf(state.campaign_type);
  if (graph == nullptr) return DataLossError("a step of an unknown process");
  const std::string step = payload.value("step", "");
  LIVESOP_ASSIGN_OR_RETURN(Outcome outcome,
                           OutcomeOf(payload.value("outcome", "")));
  LIVESOP_ASSIGN_OR_RETURN(
      FlowStep advanced,
      Advance(*graph, state.flow, graph->Find(step), outcome, state.facts));
  if (moved != nullptr) *moved = std::move(advanced);
  state.plans.erase(step);
  state.decisions.erase(step);
  if (state.flow.ended) state.status = state.flow.end_outcome;
  return OkStatus();
}

std::vector<Awaited> Engine::AwaitedNow(const CampaignState& state) const {
  std::vector<Awaited> out;
  const sop::ProcessGraph* graph = GraphOf(state.campaign_type);
  if (graph == nullptr) return out;
  auto holders = [&](const std::string& role) {
    std::vector<std::string> people;
    for (const sop::Person& p : sop_.people) {
      if (std::find(p.roles.begin(), p.roles.end(), role) != p.roles.end()) {
        people.push_back(p.id);
      }
    }
    return people;
  };
  for (int node : state.flow.active) {
    const sop::Step& step = *graph->nodes[node].step;
    if (step.type == sop::StepType::kApproval) {
      auto plan = state.plans.find(step.id);
      if (plan == state.plans.end()) continue;
      auto decisions = state.decisions.find(step.id);
      for (const std::string& role : AwaitedRoles(
               plan->second, decisions == state.decisions.end()
                                 ? std::vector<Decision>{}
                                 : decisions->second)) {
        out.push_back({step.id, step.name, true, role, holders(role)});
      }
      continue;
    }
    Awaited awaited{step.id, step.name,
                    step.type == sop::StepType::kReview, step.role, {}};
    if (!step.person.empty()) {
      awaited.role.clear();
      awaited.people = {step.person};
    } else if (!step.role.empty()) {
      awaited.people = holders(step.role);
    } else {
      awaited.people = {state.owner};
      if (graph->process != nullptr) {
        for (const std::string& p : holders(graph->process->owner)) {
          if (p != state.owner) awaited.people.push_back(p);
        }
      }
    }
    out.push_back(std::move(awaited));
  }
  return out;
}

Result<CampaignState> Engine::Load(const std::string& campaign) {
  CampaignState state;
  state.campaign = campaign;
  LIVESOP_RETURN_IF_ERROR(ScanInto(state));
  if (state.version == 0) {
    return NotFoundError("no campaign " + campaign);
  }
  return state;
}

Result<CampaignState> Engine::Run(
    const std::string& campaign,
    const std::function<Status(Context&)>& command) {
  // The cached state is used when there is one; anything it makes go wrong
  // (a refusal, a lost race) is tried once more on the state the store
  // holds, since another process may have moved the campaign on.
  for (int attempt = 0;; ++attempt) {
    Context context;
    context.now = clock_.NowMicros();
    context.state.campaign = campaign;
    auto cached = cache_.find(campaign);
    const bool from_cache = cached != cache_.end() && attempt == 0;
    if (from_cache) {
      context.state = std::move(cached->second);
      cache_.erase(cached);
    } else {
      // A new campaign (a submit) has no history to read.
      LIVESOP_ASSIGN_OR_RETURN(int64_t stored, store_.CampaignVersion(campaign));
      if (stored > 0) LIVESOP_RETURN_IF_ERROR(ScanInto(context.state));
    }
    const int64_t loaded = context.state.version;
    Status status = command(context);
    if (!status.ok()) {
      if (from_cache) continue;
      if (context.events.empty() && loaded > 0) Remember(context.state);
      return status;
    }
    if (context.events.empty()) {
      Remember(context.state);
      return std::move(context.state);
    }
    store::AppendRequest request;
    request.campaign = campaign;
    request.expected_version = loaded;
    request.idempotency_key = context.idempotency_key;
    request.events = std::move(context.events);
    Result<store::AppendResult> appended = store_.Append(request);
    if (!appended.ok()) {
      if (from_cache && appended.status().code() == StatusCode::kAborted) {
        continue;
      }
      return appended.status();
    }
    if (appended->duplicate) return Load(campaign);
    context.state.version = appended->version;
    Remember(context.state);
    return std::move(context.state);
  }
}

void Engine::Remember(const CampaignState& state) {
  if (state.status != "active") return;  // ended campaigns are rarely touched
  if (cache_.size() >= cache_capacity_ && !cache_.empty()) {
    cache_.erase(cache_.begin());
  }
  cache_[state.campaign] = state;
}

Status Engine::ScanInto(CampaignState& state) const {
  store::EventFilter filter;
  filter.campaign = state.campaign;
  return store_.Scan(filter, [&](const store::Event& e) {
    Json payload = Json::parse(e.payload, nullptr, false);
    if (!payload.is_object()) payload = Json::object();
    return Apply(state, e, payload);
  });
}

Status Engine::Add(Context& context, const std::string& type,
                   const std::string& activity, const std::string& step,
                   const std::string& role, const Json& payload,
                   FlowStep* moved) {
  store::Event event;
  event.campaign = context.state.campaign;
  event.type = type;
  event.activity = activity;
  event.time_us = context.now;
  event.resource = context.actor;
  event.role = role;
  event.step = step;
  event.sop_version = sop_.sop.version;
  event.campaign_type = context.state.campaign_type;
  event.payload = payload.dump();
  // Applied at once, so what a command returns is what a replay rebuilds.
  LIVESOP_RETURN_IF_ERROR(Apply(context.state, event, payload, moved));
  context.events.push_back(std::move(event));
  return OkStatus();
}

Status Engine::Activated(Context& context, const std::vector<int>& nodes) {
  const std::string& campaign = context.state.campaign;
  for (int node : nodes) {
    const sop::Step& step = *context.graph->nodes[node].step;
    switch (step.type) {
      case sop::StepType::kApproval: {
        LIVESOP_ASSIGN_OR_RETURN(
            ApprovalPlan plan,
            PlanApproval(sop_, step,
                         ApprovalFacts(sop_, context.state.campaign_type,
                                       context.state.values)));
        LIVESOP_RETURN_IF_ERROR(
            Add(context, "approval_requested", step.name, step.id, "",
                {{"step", step.id}, {"groups", PlanToJson(plan)}}));
        for (const std::string& role : AwaitedRoles(plan, {})) {
          LIVESOP_RETURN_IF_ERROR(
              Add(context, "task_created", step.name, step.id, role,
                  {{"task", campaign + "/" + step.id + "/" + role}}));
        }
        break;
      }
      case sop::StepType::kNotification: {
        // Nothing to do by hand: the message goes out and the flow moves on.
        FlowStep moved;
        LIVESOP_RETURN_IF_ERROR(Finish(context, node, Outcome::kDone,
                                       "notification_sent", "",
                                       {{"recipients", step.notify},
                                        {"subject", step.name},
                                        {"body", step.message}},
                                       &moved));
        LIVESOP_RETURN_IF_ERROR(FollowUp(context, moved));
        break;
      }
      default: {
        Json payload = {{"task", campaign + "/" + step.id}};
        if (!step.person.empty()) payload["assignee"] = step.person;
        LIVESOP_RETURN_IF_ERROR(Add(context, "task_created", step.name, step.id,
                                    step.role, payload));
      }
    }
  }
  return OkStatus();
}

Status Engine::Finish(Context& context, int node, Outcome outcome,
                      const std::string& type, const std::string& role,
                      Json payload, FlowStep* moved) {
  const sop::Step& step = *context.graph->nodes[node].step;
  payload["step"] = step.id;
  payload["outcome"] = OutcomeName(outcome);
  return Add(context, type, step.name, step.id, role, payload, moved);
}

Status Engine::FollowUp(Context& context, const FlowStep& moved) {
  LIVESOP_RETURN_IF_ERROR(Activated(context, moved.activated));
  if (moved.ended) {
    const std::string& how = context.state.flow.end_outcome;
    LIVESOP_RETURN_IF_ERROR(Add(context, "campaign_" + how, "Campaign " + how,
                                "", "", Json::object()));
  }
  return OkStatus();
}

Result<CampaignState> Engine::Submit(const SubmitCommand& command) {
  if (command.campaign.empty()) {
    return InvalidArgumentError("a campaign needs an id");
  }
  const sop::CampaignType* type = TypeOf(command.campaign_type);
  if (type == nullptr) {
    std::vector<std::string> known;
    for (const sop::CampaignType& t : sop_.campaign_types) {
      known.push_back(t.id);
    }
    return InvalidArgumentError("unknown campaign type \"" +
                                command.campaign_type + "\"; the SOP has " +
                                Join(known, ", "));
  }
  if (sop_.FindPerson(command.actor) == nullptr) {
    return PermissionDeniedError("\"" + command.actor +
                                 "\" is not a person of the SOP");
  }
  const IntakeReport report = Check(command.campaign_type, command.values);
  if (!report.ok()) {
    std::vector<std::string> problems;
    for (const FieldProblem& p : report.problems) {
      problems.push_back(p.field + ": " + p.message);
    }
    return InvalidArgumentError("the request for campaign " + command.campaign +
                                " is not complete: " + Join(problems, "; "));
  }
  return Run(command.campaign, [&](Context& context) -> Status {
    if (context.state.version > 0) {
      return AlreadyExistsError("campaign " + command.campaign +
                                " exists already");
    }
    context.actor = command.actor;
    context.idempotency_key = command.idempotency_key;
    context.state.campaign_type = command.campaign_type;
    context.graph = GraphOf(command.campaign_type);
    if (context.graph == nullptr) {
      return FailedPreconditionError("campaign type " + command.campaign_type +
                                     " names no process of the SOP");
    }
    FlowStep started;
    LIVESOP_RETURN_IF_ERROR(Add(context, "campaign_created", "Submit request",
                                "", "",
                                {{"title", command.title},
                                 {"owner", command.actor},
                                 {"values", command.values}},
                                &started));
    // The start was applied with the creation; its activations follow.
    return FollowUp(context, started);
  });
}

Status Engine::Active(Context& context, const std::string& step_id,
                      int* node) const {
  if (context.state.version == 0) {
    return NotFoundError("no campaign " + context.state.campaign);
  }
  if (context.state.status != "active") {
    return FailedPreconditionError("campaign " + context.state.campaign +
                                   " has ended (" + context.state.status + ")");
  }
  context.graph = GraphOf(context.state.campaign_type);
  *node = context.graph == nullptr ? -1 : context.graph->Find(step_id);
  if (*node < 0 || context.state.flow.active.count(*node) == 0) {
    return FailedPreconditionError("step " + step_id + " of campaign " +
                                   context.state.campaign + " is not active");
  }
  return OkStatus();
}

Result<CampaignState> Engine::Complete(const std::string& campaign,
                                       const std::string& step,
                                       const std::string& actor) {
  return Run(campaign, [&](Context& context) -> Status {
    int node = -1;
    LIVESOP_RETURN_IF_ERROR(Active(context, step, &node));
    context.actor = actor;
    const sop::Step& s = *context.graph->nodes[node].step;
    if (s.type == sop::StepType::kApproval ||
        s.type == sop::StepType::kReview) {
      return InvalidArgumentError("step " + step +
                                  " is decided, not completed: approve, "
                                  "reject or request changes");
    }
    // A step without a role or person (a wait) is the campaign's: its owner
    // or the process owner's role says when it is over.
    const std::string& process_owner = context.graph->process != nullptr
                                           ? context.graph->process->owner
                                           : s.role;
    const bool allowed = !s.person.empty() ? s.person == actor
                         : !s.role.empty() ? Holds(actor, s.role)
                                           : actor == context.state.owner ||
                                                 Holds(actor, process_owner);
    if (!allowed) {
      return PermissionDeniedError(
          actor + " may not complete " + step + ": it belongs to " +
          (!s.person.empty() ? s.person
           : !s.role.empty() ? "role " + s.role
                             : "the campaign owner or role " + process_owner));
    }
    FlowStep moved;
    LIVESOP_RETURN_IF_ERROR(Finish(context, node, Outcome::kDone,
                                   "task_completed", s.role,
                                   {{"task", campaign + "/" + s.id}}, &moved));
    return FollowUp(context, moved);
  });
}

Result<CampaignState> Engine::Decide(const std::string& campaign,
                                     const std::string& step,
                                     const std::string& actor, Verdict verdict,
                                     const std::string& comment) {
  return Run(campaign, [&](Context& context) -> Status {
    int node = -1;
    LIVESOP_RETURN_IF_ERROR(Active(context, step, &node));
    context.actor = actor;
    const sop::Step& s = *context.graph->nodes[node].step;
    if (s.type == sop::StepType::kReview) {
      if (!Holds(actor, s.role)) {
        return PermissionDeniedError(actor + " may not decide " + step +
                                     ": it belongs to role " + s.role);
      }
      FlowStep moved;
      LIVESOP_RETURN_IF_ERROR(Finish(context, node, OutcomeFor(verdict),
                                     "approval_decided", s.role,
                                     {{"task", campaign + "/" + s.id},
                                      {"decision", VerdictName(verdict)},
                                      {"comment", comment}},
                                     &moved));
      return FollowUp(context, moved);
    }
    if (s.type != sop::StepType::kApproval) {
      return InvalidArgumentError("step " + step +
                                  " is completed, not decided");
    }
    const ApprovalPlan plan = context.state.plans[s.id];
    std::vector<Decision> decisions = context.state.decisions[s.id];
    const std::vector<std::string> awaited = AwaitedRoles(plan, decisions);
    std::string role;
    for (const std::string& r : awaited) {
      if (Holds(actor, r)) {
        role = r;
        break;
      }
    }
    if (role.empty()) {
      return PermissionDeniedError(
          actor + " may not decide " + step + " now; awaited: " +
          (awaited.empty() ? std::string("nobody") : Join(awaited, ", ")));
    }
    decisions.push_back({role, actor, verdict});
    const Tally tally = Count(plan, decisions);
    Json payload = {{"task", campaign + "/" + s.id + "/" + role},
                    {"step", s.id},
                    {"decision", VerdictName(verdict)},
                    {"comment", comment}};
    if (tally == Tally::kPending) {
      LIVESOP_RETURN_IF_ERROR(
          Add(context, "approval_decided", s.name, s.id, role, payload));
      // In a sequential group, the next approver's turn comes.
      for (const std::string& r : AwaitedRoles(plan, decisions)) {
        if (std::find(awaited.begin(), awaited.end(), r) != awaited.end()) {
          continue;
        }
        LIVESOP_RETURN_IF_ERROR(
            Add(context, "task_created", s.name, s.id, r,
                {{"task", campaign + "/" + s.id + "/" + r}}));
      }
      return OkStatus();
    }
    // This decision decides the approval: the approvers still asked are
    // asked no more.
    FlowStep moved;
    LIVESOP_RETURN_IF_ERROR(Finish(context, node, OutcomeFor(tally),
                                   "approval_decided", role, payload, &moved));
    for (const std::string& r : awaited) {
      if (r == role) continue;
      LIVESOP_RETURN_IF_ERROR(Add(context, "task_cancelled", s.name, s.id, r,
                                  {{"task", campaign + "/" + s.id + "/" + r}}));
    }
    return FollowUp(context, moved);
  });
}

Result<CampaignState> Engine::Cancel(const std::string& campaign,
                                     const std::string& actor,
                                     const std::string& reason) {
  if (sop_.FindPerson(actor) == nullptr) {
    return PermissionDeniedError("\"" + actor +
                                 "\" is not a person of the SOP");
  }
  return Run(campaign, [&](Context& context) -> Status {
    if (context.state.version == 0)
      return NotFoundError("no campaign " + campaign);
    if (context.state.status != "active") {
      return FailedPreconditionError("campaign " + campaign + " has ended (" +
                                     context.state.status + ")");
    }
    context.actor = actor;
    // Every open task closes with the campaign.
    context.graph = GraphOf(context.state.campaign_type);
    for (int node : context.state.flow.active) {
      const sop::Step& s = *context.graph->nodes[node].step;
      std::vector<std::string> tasks = {campaign + "/" + s.id};
      if (auto plan = context.state.plans.find(s.id);
          plan != context.state.plans.end()) {
        tasks.clear();
        for (const std::string& r :
             AwaitedRoles(plan->second, context.state.decisions[s.id])) {
          tasks.push_back(campaign + "/" + s.id + "/" + r);
        }
      }
      for (const std::string& task : tasks) {
        LIVESOP_RETURN_IF_ERROR(
            Add(context, "task_cancelled", s.name, s.id, "", {{"task", task}}));
      }
    }
    return Add(context, "campaign_cancelled", "Campaign cancelled", "", "",
               {{"reason", reason}});
  });
}

}  // namespace livesop::engine

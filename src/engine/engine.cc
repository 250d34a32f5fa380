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
                     FlowStep* moved) const {
  Json payload = Json::parse(event.payload, nullptr, false);
  if (!payload.is_object()) payload = Json::object();
  const std::string& type = event.type;
  if (type == "campaign_created") {
    state.campaign = event.campaign;
    state.campaign_type = event.campaign_type;
    state.sop_version = event.sop_version;
    state.title = payload.value("title", "");
    state.owner = payload.value("owner", "");
    state.values = payload.value("values", Json::object());
    state.status = "active";
    const sop::ProcessGraph* graph = GraphOf(state.campaign_type);
    if (graph == nullptr) {
      return DataLossError(
          "campaign " + state.campaign +
          " has a type the SOP does not know: " + state.campaign_type);
    }
    LIVESOP_ASSIGN_OR_RETURN(
        FlowStep step,
        Start(*graph, state.flow,
              CaseFacts(sop_, state.campaign_type, state.values)));
    if (moved != nullptr) *moved = std::move(step);
  } else if (type == "step_finished") {
    const sop::ProcessGraph* graph = GraphOf(state.campaign_type);
    if (graph == nullptr) return DataLossError("a step of an unknown process");
    const std::string step = payload.value("step", "");
    LIVESOP_ASSIGN_OR_RETURN(Outcome outcome,
                             OutcomeOf(payload.value("outcome", "")));
    LIVESOP_ASSIGN_OR_RETURN(
        FlowStep advanced,
        Advance(*graph, state.flow, graph->Find(step), outcome,
                CaseFacts(sop_, state.campaign_type, state.values)));
    if (moved != nullptr) *moved = std::move(advanced);
    state.plans.erase(step);
    state.decisions.erase(step);
    if (state.flow.ended) state.status = state.flow.end_outcome;
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
  } else if (type == "campaign_cancelled") {
    engine::Cancel(state.flow);
    state.plans.clear();
    state.decisions.clear();
    state.status = "cancelled";
  }
  if (event.sequence > 0) state.version = event.sequence;
  return OkStatus();
}

Result<CampaignState> Engine::Load(const std::string& campaign) {
  CampaignState state;
  store::EventFilter filter;
  filter.campaign = campaign;
  LIVESOP_RETURN_IF_ERROR(store_.Scan(
      filter, [&](const store::Event& e) { return Apply(state, e); }));
  if (state.version == 0) {
    return NotFoundError("no campaign " + campaign);
  }
  return state;
}

Result<CampaignState> Engine::Run(
    const std::string& campaign,
    const std::function<Status(Context&)>& command) {
  Context context;
  context.now = clock_.NowMicros();
  store::EventFilter filter;
  filter.campaign = campaign;
  context.state.campaign = campaign;
  LIVESOP_RETURN_IF_ERROR(store_.Scan(
      filter, [&](const store::Event& e) { return Apply(context.state, e); }));
  const int64_t loaded = context.state.version;
  LIVESOP_RETURN_IF_ERROR(command(context));
  if (context.events.empty()) return context.state;
  store::AppendRequest request;
  request.campaign = campaign;
  request.expected_version = loaded;
  request.idempotency_key = context.idempotency_key;
  request.events = std::move(context.events);
  LIVESOP_ASSIGN_OR_RETURN(store::AppendResult appended,
                           store_.Append(request));
  if (appended.duplicate) return Load(campaign);
  context.state.version = appended.version;
  return context.state;
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
  LIVESOP_RETURN_IF_ERROR(Apply(context.state, event, moved));
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
        LIVESOP_RETURN_IF_ERROR(Add(context, "notification_sent", step.name,
                                    step.id, "",
                                    {{"recipients", step.notify},
                                     {"subject", step.name},
                                     {"body", step.message}}));
        LIVESOP_RETURN_IF_ERROR(Finish(context, node, Outcome::kDone));
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

Status Engine::Finish(Context& context, int node, Outcome outcome) {
  const sop::Step& step = *context.graph->nodes[node].step;
  FlowStep moved;
  LIVESOP_RETURN_IF_ERROR(
      Add(context, "step_finished", step.name, step.id, "",
          {{"step", step.id}, {"outcome", OutcomeName(outcome)}}, &moved));
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
    return Activated(context, started.activated);
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
    LIVESOP_RETURN_IF_ERROR(Add(context, "task_completed", s.name, s.id, s.role,
                                {{"task", campaign + "/" + s.id}}));
    return Finish(context, node, Outcome::kDone);
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
      LIVESOP_RETURN_IF_ERROR(Add(context, "approval_decided", s.name, s.id,
                                  s.role,
                                  {{"task", campaign + "/" + s.id},
                                   {"step", s.id},
                                   {"decision", VerdictName(verdict)},
                                   {"comment", comment}}));
      return Finish(context, node, OutcomeFor(verdict));
    }
    if (s.type != sop::StepType::kApproval) {
      return InvalidArgumentError("step " + step +
                                  " is completed, not decided");
    }
    const ApprovalPlan& plan = context.state.plans[s.id];
    const std::vector<std::string> awaited =
        AwaitedRoles(plan, context.state.decisions[s.id]);
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
    LIVESOP_RETURN_IF_ERROR(Add(context, "approval_decided", s.name, s.id, role,
                                {{"task", campaign + "/" + s.id + "/" + role},
                                 {"step", s.id},
                                 {"decision", VerdictName(verdict)},
                                 {"comment", comment}}));
    const std::vector<Decision>& decisions = context.state.decisions[s.id];
    const Tally tally = Count(plan, decisions);
    const std::vector<std::string> now_awaited = AwaitedRoles(plan, decisions);
    if (tally == Tally::kPending) {
      for (const std::string& r : now_awaited) {
        if (std::find(awaited.begin(), awaited.end(), r) != awaited.end()) {
          continue;
        }
        LIVESOP_RETURN_IF_ERROR(
            Add(context, "task_created", s.name, s.id, r,
                {{"task", campaign + "/" + s.id + "/" + r}}));
      }
      return OkStatus();
    }
    // Decided: the approvers still asked are asked no more.
    for (const std::string& r : awaited) {
      if (r == role) continue;
      LIVESOP_RETURN_IF_ERROR(Add(context, "task_cancelled", s.name, s.id, r,
                                  {{"task", campaign + "/" + s.id + "/" + r}}));
    }
    return Finish(context, node, OutcomeFor(tally));
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

#include "engine/engine.h"

#include <algorithm>
#include <functional>
#include <iterator>
#include <utility>

#include "core/text.h"
#include "engine/facts.h"
#include "engine/internal/context.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

Result<Verdict> VerdictOf(const std::string& name) {
  std::optional<Verdict> verdict = ParseVerdict(name);
  if (!verdict) {
    return DataLossError("unknown decision \"" + name + "\" in the history");
  }
  return *verdict;
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

Engine::Engine(store::Store& store, const sop::Definition& sop,
               const Clock& clock)
    : Engine(store, sop, {}, clock) {}

Engine::Engine(store::Store& store, const sop::Definition& current,
               const std::vector<const sop::Definition*>& pinned,
               const Clock& clock)
    : store_(store), sop_(current), clock_(clock) {
  auto load = [&](const sop::Definition& sop) {
    PinnedSop& version = versions_[sop.sop.version];
    version.sop = &sop;
    for (const sop::Process& process : sop.processes) {
      version.graphs.emplace(process.id, sop::CompileGraph(process));
    }
  };
  for (const sop::Definition* sop : pinned) {
    if (sop != nullptr && sop->sop.version != current.sop.version) load(*sop);
  }
  load(current);
  calendar_ = DefaultCalendar(sop_);
  calendars_.emplace(sop_);
  for (const sop::Person& p : sop_.people) {
    for (const std::string& role : p.roles) {
      if (roles_of_[p.id].insert(role).second) holders_[role].push_back(p.id);
    }
  }
}

const sop::Definition& Engine::Pinned(const CampaignState& state) const {
  auto it = versions_.find(state.sop_version);
  return it == versions_.end() ? sop_ : *it->second.sop;
}

IntakeReport Engine::Check(const std::string& campaign_type,
                           const nlohmann::json& values) const {
  return CheckRequest(sop_, campaign_type, values, clock_.NowMicros(),
                      BusinessTimeOn(*calendar_));
}

Result<RequestPreview> Engine::Preview(const std::string& campaign_type,
                                       const nlohmann::json& values) const {
  LIVESOP_RETURN_IF_ERROR(CampaignTypeOf(sop_, campaign_type).status());
  const sop::ProcessGraph* graph = GraphIn(sop_.sop.version, campaign_type);
  if (graph == nullptr) {
    return InvalidArgumentError("campaign type " + campaign_type +
                                " names no process of the SOP");
  }
  return PreviewRequest(sop_, *graph, campaign_type, values, clock_.NowMicros(),
                        *calendar_);
}

const sop::CampaignType* Engine::TypeOf(const std::string& id) const {
  return TypeIn(sop_, id);
}

const sop::CampaignType* Engine::TypeIn(const sop::Definition& sop,
                                        const std::string& id) {
  for (const sop::CampaignType& type : sop.campaign_types) {
    if (type.id == id) return &type;
  }
  return nullptr;
}

const sop::ProcessGraph* Engine::GraphIn(
    const std::string& version, const std::string& campaign_type) const {
  auto pinned = versions_.find(version);
  if (pinned == versions_.end()) return nullptr;
  const sop::CampaignType* type = TypeIn(*pinned->second.sop, campaign_type);
  if (type == nullptr) return nullptr;
  auto it = pinned->second.graphs.find(type->process);
  return it == pinned->second.graphs.end() ? nullptr : &it->second;
}

const sop::ProcessGraph* Engine::GraphOf(const CampaignState& state) const {
  return GraphIn(state.sop_version, state.campaign_type);
}

bool Engine::Holds(const std::string& person, const std::string& role) const {
  auto it = roles_of_.find(person);
  return it != roles_of_.end() && it->second.count(role) > 0;
}

const std::vector<std::string>& Engine::HoldersOf(
    const std::string& role) const {
  static const std::vector<std::string> kNobody;
  auto it = holders_.find(role);
  return it == holders_.end() ? kNobody : it->second;
}

Status Engine::Apply(CampaignState& state, const store::Event& event,
                     const Json& payload, FlowStep* moved) const {
  const std::string& type = event.type;
  const std::string step = payload.value("step", event.step);
  if (type == "campaign_created") {
    state.campaign = event.campaign;
    state.campaign_type = event.campaign_type;
    state.sop_version = event.sop_version;
    state.title = payload.value("title", "");
    state.owner = payload.value("owner", "");
    state.values.Set(payload.value("values", Json::object()));
    state.status = "active";
    if (versions_.count(state.sop_version) == 0) {
      return FailedPreconditionError(
          "campaign " + state.campaign + " runs on SOP version " +
          state.sop_version +
          ", which this engine has not loaded; publish it, or load every "
          "published version");
    }
    state.facts.Set(
        CaseFacts(Pinned(state), state.campaign_type, *state.values));
    const sop::ProcessGraph* graph = GraphOf(state);
    if (graph == nullptr) {
      return DataLossError(
          "campaign " + state.campaign +
          " has a type its SOP version does not know: " + state.campaign_type);
    }
    LIVESOP_ASSIGN_OR_RETURN(FlowStep started,
                             Start(*graph, state.flow, *state.facts));
    if (moved != nullptr) *moved = std::move(started);
  } else if (type == "step_finished") {
    state.done_early.erase(step);
    LIVESOP_RETURN_IF_ERROR(AdvanceFlow(state, payload, moved));
  } else if (type == "approval_requested") {
    ApprovalPlan plan = PlanFromJson(payload.value("groups", Json::array()));
    state.plans[step] = std::move(plan);
    state.decisions[step].clear();
  } else if (type == "approval_decided") {
    LIVESOP_ASSIGN_OR_RETURN(Verdict verdict,
                             VerdictOf(payload.value("decision", "")));
    if (state.plans.count(step) > 0) {
      state.decisions[step].push_back({event.role, event.resource, verdict});
    }
    if (payload.value("held", false)) {
      if (auto held = state.held.find(step); held != state.held.end()) {
        std::erase_if(held->second, [&](const HeldApproval& h) {
          return h.approver == event.resource;
        });
        if (held->second.empty()) state.held.erase(held);
      }
    }
    if (payload.contains("outcome")) {
      LIVESOP_RETURN_IF_ERROR(AdvanceFlow(state, payload, moved));
    }
  } else if (type == "approval_held") {
    LIVESOP_ASSIGN_OR_RETURN(Verdict verdict,
                             VerdictOf(payload.value("decision", "")));
    std::vector<HeldApproval>& held = state.held[step];
    // A later word from the same approver replaces the earlier one.
    std::erase_if(held, [&](const HeldApproval& h) {
      return h.approver == event.resource;
    });
    held.push_back({event.resource, event.source, event.time_us, verdict,
                    event.deviation, event.reason});
  } else if (type == "task_completed") {
    if (payload.value("early", false)) state.done_early.insert(step);
    if (auto adhoc = state.adhoc.find(step);
        adhoc != state.adhoc.end() && payload.value("adhoc", false)) {
      adhoc->second.done = true;
    }
    if (payload.contains("outcome")) {
      LIVESOP_RETURN_IF_ERROR(AdvanceFlow(state, payload, moved));
    }
  } else if (type == "notification_sent") {
    if (payload.contains("outcome")) {
      LIVESOP_RETURN_IF_ERROR(AdvanceFlow(state, payload, moved));
    }
  } else if (type == "task_skipped") {
    state.skip_planned.erase(step);
    if (payload.contains("outcome")) {
      LIVESOP_RETURN_IF_ERROR(AdvanceFlow(state, payload, moved));
    }
  } else if (type == "step_skip_planned") {
    state.skip_planned.insert(step);
  } else if (type == "task_created") {
    if (const std::string who = payload.value("assignee", ""); !who.empty()) {
      state.assigned[payload.value("task", "")] = who;
    }
    if (payload.value("adhoc", false)) {
      AdHocStep adhoc;
      adhoc.id = step;
      adhoc.name = event.activity;
      adhoc.role = event.role;
      adhoc.person = payload.value("assignee", "");
      adhoc.description = payload.value("description", "");
      state.adhoc[step] = std::move(adhoc);
    }
  } else if (type == "task_assigned") {
    state.assignees[payload.value("task", "")] = payload.value("assignee", "");
  } else if (type == "checklist_item_ticked") {
    const std::string item = payload.value("item", "");
    if (payload.value("ticked", true)) {
      state.ticked[step].insert(item);
    } else {
      state.ticked[step].erase(item);
    }
  } else if (type == "campaign_expedited") {
    Expedite& how = state.expedite;
    how.fast_track = how.fast_track || payload.value("fast_track", false);
    how.parallel_approvals =
        how.parallel_approvals || payload.value("parallel_approvals", false);
    how.sla_factor = std::min(how.sla_factor, payload.value("sla_factor", 1.0));
    if (payload.value("fast_track", false)) {
      Json values = *state.values;
      values[payload.value("field", "urgent")] = true;
      state.values.Set(std::move(values));
      state.facts.Set(
          CaseFacts(Pinned(state), state.campaign_type, *state.values));
    }
    if (how.parallel_approvals) {
      for (auto& [id, plan] : state.plans) {
        for (ApproverGroup& group : plan.groups) {
          group.mode = sop::ApprovalMode::kParallel;
        }
      }
    }
  } else if (type == "campaign_migrated") {
    LIVESOP_RETURN_IF_ERROR(ApplyMigration(state, payload));
  } else if (type == "step_reopened") {
    const sop::ProcessGraph* graph = GraphOf(state);
    const int node = graph == nullptr ? -1 : graph->Find(step);
    if (node < 0) {
      return DataLossError("step " + step + " of campaign " + state.campaign +
                           " was reopened but is not in its process");
    }
    state.flow.active.insert(node);
    state.flow.ended = false;
    state.flow.end_outcome.clear();
    state.status = "active";
    state.ticked.erase(step);
    if (moved != nullptr) moved->activated = {node};
  } else if (type == "campaign_cancelled") {
    engine::Cancel(state.flow);
    state.plans.clear();
    state.decisions.clear();
    state.status = "cancelled";
  }
  // Deadlines: a task's comes with it and goes when it ends.
  if (type == "task_created") {
    const int64_t due = payload.value("due_us", int64_t{0});
    const std::string kind = payload.value("timer", "");
    if (due > 0 || kind == "escalation") {
      Timer& timer = state.timers[payload.value("task", "")];
      timer.kind = kind.empty() ? "sla" : kind;
      timer.due_us = due;
      timer.step = event.step;
      timer.breached = false;
      timer.rule = payload.value("rule", "");
      timer.subject = payload.value("subject", "");
      timer.since_us = payload.value("since_us", int64_t{0});
      timer.fired = payload.value("fired", 0);
      timer.remind_us = payload.value("remind_us", int64_t{0});
      timer.template_id = payload.value("template", "");
    }
  } else if (type == "task_completed" || type == "approval_decided" ||
             type == "task_skipped" || type == "task_cancelled") {
    state.timers.erase(payload.value("task", ""));
  } else if (type == "sla_breached") {
    if (auto t = state.timers.find(payload.value("task", ""));
        t != state.timers.end()) {
      t->second.breached = true;
      t->second.remind_us = 0;
    }
  } else if (type == "sla_reminded") {
    if (auto t = state.timers.find(payload.value("task", ""));
        t != state.timers.end()) {
      t->second.remind_us = 0;
    }
  } else if (type == "campaign_completed" || type == "campaign_rejected" ||
             type == "campaign_cancelled") {
    // Work has no deadlines left; escalations to acknowledge go on.
    std::erase_if(state.timers, [](const auto& entry) {
      return entry.second.kind != "escalation";
    });
  }
  // Documents and the templates their tasks wait for.
  if (type == "document_version_added") {
    const std::string id = payload.value("document", "");
    Document& document = state.documents[id];
    document.id = id;
    if (document.kind.empty()) document.kind = payload.value("kind", "other");
    DocumentVersion& v = document.versions.emplace_back();
    v.version =
        payload.value("version", static_cast<int>(document.versions.size()));
    v.author = event.resource;
    v.time_us = event.time_us;
    v.comment = payload.value("comment", "");
    v.is_file = payload.value("content", "text") == "file";
    v.bytes = payload.value("bytes", int64_t{0});
    v.sha256 = payload.value("sha256", "");
    v.mime = payload.value("mime", "");
    v.name = payload.value("name", "");
  } else if (type == "approval_decided" &&
             payload.value("outcome", "") == "approved") {
    // The deciding approval binds the versions it names. Decisions
    // recorded before assets were named carry no `assets`.
    for (const Json& named : payload.value("documents", Json::array())) {
      auto document = state.documents.find(named.value("document", ""));
      if (document == state.documents.end()) continue;
      document->second.approvals.push_back(
          {named.value("version", 0), step, event.resource, event.time_us});
    }
    if (const auto assets = payload.find("assets");
        assets != payload.end() && assets->is_array()) {
      for (const Json& named : *assets) {
        if (!named.is_object()) continue;
        const std::string asset = named.value("asset", "");
        if (state.assets.count(asset) == 0) continue;
        state.asset_approvals[asset].push_back(
            {named.value("version", 0), step, event.resource, event.time_us});
      }
    }
  } else if (type == "template_missing") {
    state.missing_templates[payload.value("template", "")]
                           [payload.value("task", "")] = step;
  } else if (type == "template_provided") {
    const std::string id = payload.value("template", "");
    if (auto open = state.missing_templates.find(id);
        open != state.missing_templates.end()) {
      open->second.erase(payload.value("task", ""));
      if (open->second.empty()) state.missing_templates.erase(open);
    }
  }
  if (type == "task_completed" || type == "approval_decided" ||
      type == "task_skipped" || type == "task_cancelled") {
    // A task that ended waits for no template.
    const std::string task = payload.value("task", "");
    for (auto it = state.missing_templates.begin();
         it != state.missing_templates.end();) {
      it->second.erase(task);
      it = it->second.empty() ? state.missing_templates.erase(it)
                              : std::next(it);
    }
  }
  if (type == "spend_recorded") state.spent = payload.value("total", 0.0);
  if (type == "results_imported") ApplyResults(state, payload);
  if (type.starts_with("asset_")) ApplyAssetEvent(state, event, payload);
  if (event.sequence > 0) state.version = event.sequence;
  return OkStatus();
}

// A step's work is over: its token moves on with the payload's "outcome".
Status Engine::AdvanceFlow(CampaignState& state, const Json& payload,
                           FlowStep* moved) const {
  const sop::ProcessGraph* graph = GraphOf(state);
  if (graph == nullptr) return DataLossError("a step of an unknown process");
  const std::string step = payload.value("step", "");
  LIVESOP_ASSIGN_OR_RETURN(Outcome outcome,
                           OutcomeOf(payload.value("outcome", "")));
  LIVESOP_ASSIGN_OR_RETURN(
      FlowStep advanced,
      Advance(*graph, state.flow, graph->Find(step), outcome, *state.facts));
  if (moved != nullptr) *moved = std::move(advanced);
  state.finished.insert(step);
  state.plans.erase(step);
  state.decisions.erase(step);
  if (state.flow.ended) state.status = state.flow.end_outcome;
  return OkStatus();
}

std::vector<Awaited> Engine::AwaitedNow(const CampaignState& state) const {
  std::vector<Awaited> out;
  const sop::ProcessGraph* graph = GraphOf(state);
  if (graph == nullptr) return out;
  auto holders = [&](const std::string& role) { return HoldersOf(role); };
  // Who may do `task` of `role`: the person it was given to by hand, else
  // the person it was given to first, then the role's holders.
  auto doers = [&](const std::string& task, const std::string& role) {
    if (auto given = state.assignees.find(task);
        given != state.assignees.end()) {
      return std::vector<std::string>{given->second};
    }
    std::vector<std::string> people = holders(role);
    if (auto given = state.assigned.find(task); given != state.assigned.end()) {
      std::erase(people, given->second);
      people.insert(people.begin(), given->second);
    }
    return people;
  };
  for (int node : state.flow.active) {
    const sop::Step& step = *graph->nodes[node].step;
    if (step.type == sop::StepType::kApproval) {
      auto plan = state.plans.find(step.id);
      if (plan == state.plans.end()) continue;
      auto decisions = state.decisions.find(step.id);
      for (const std::string& role :
           AwaitedRoles(plan->second, decisions == state.decisions.end()
                                          ? std::vector<Decision>{}
                                          : decisions->second)) {
        out.push_back(
            {step.id, step.name, true, "", role,
             doers(state.campaign + "/" + step.id + "/" + role, role)});
      }
      continue;
    }
    if (step.type == sop::StepType::kChecklist) {
      for (const sop::ChecklistItem* i : OpenItemsOf(state, step)) {
        const std::string& role = i->role.empty() ? step.role : i->role;
        out.push_back({step.id, i->text, false, i->id, role, holders(role)});
      }
    }
    const std::string task = state.campaign + "/" + step.id;
    Awaited awaited{step.id, step.name, step.type == sop::StepType::kReview,
                    "",      step.role, {}};
    if (auto given = state.assignees.find(task);
        given != state.assignees.end()) {
      awaited.role.clear();
      awaited.people = {given->second};
    } else if (!step.person.empty()) {
      awaited.role.clear();
      awaited.people = {step.person};
    } else if (!step.role.empty()) {
      awaited.people = doers(task, step.role);
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
    const std::string& campaign, const char* name,
    const std::function<Status(Context&)>& command) {
  // The cached state is used when there is one; anything it makes go wrong
  // (a refusal, a lost race) is tried again on the state the store holds,
  // since another process may have moved the campaign on.
  for (int attempt = 0;; ++attempt) {
    Context context;
    context.command = name;
    context.now = clock_.NowMicros();
    context.state.campaign = campaign;
    auto cached = cache_.find(campaign);
    const bool from_cache = cached != cache_.end() && attempt == 0;
    if (from_cache) {
      context.state = std::move(cached->second);
      cache_.erase(cached);
    } else {
      // A new campaign (a submit) has no history: the scan finds nothing.
      LIVESOP_RETURN_IF_ERROR(ScanInto(context.state));
    }
    const int64_t loaded = context.state.version;
    Status status = command(context);
    if (!status.ok()) {
      if (from_cache) continue;
      if (status.code() == StatusCode::kPermissionDenied && loaded > 0) {
        RecordRefusal(context, status);
      }
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
      // Another engine appended first (two servers on one database): the
      // command is tried again on the campaign as it now is, where it may
      // find nothing left to do.
      if (appended.status().code() == StatusCode::kAborted && attempt < 3) {
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

Status Engine::RunAll(const std::vector<std::string>& campaigns,
                      const char* name,
                      const std::function<Status(Context&)>& command) {
  for (int attempt = 0;; ++attempt) {
    std::vector<Context> contexts(campaigns.size());
    std::vector<store::AppendRequest> requests;
    for (size_t i = 0; i < campaigns.size(); ++i) {
      Context& context = contexts[i];
      context.command = name;
      context.now = clock_.NowMicros();
      context.state.campaign = campaigns[i];
      // Read from the store, not the cache: a refusal leaves the cache as
      // it was.
      LIVESOP_RETURN_IF_ERROR(ScanInto(context.state));
      const int64_t loaded = context.state.version;
      Status status = command(context);
      if (!status.ok()) {
        if (status.code() == StatusCode::kPermissionDenied && loaded > 0) {
          RecordRefusal(context, status);
        }
        return status;
      }
      if (context.events.empty()) continue;
      store::AppendRequest& request = requests.emplace_back();
      request.campaign = campaigns[i];
      request.expected_version = loaded;
      request.events = context.events;
    }
    if (requests.empty()) return OkStatus();
    Result<std::vector<store::AppendResult>> appended =
        store_.AppendAll(requests);
    if (!appended.ok()) {
      if (appended.status().code() == StatusCode::kAborted && attempt < 3) {
        continue;
      }
      return appended.status();
    }
    size_t next = 0;
    for (Context& context : contexts) {
      if (context.events.empty()) continue;
      context.state.version = (*appended)[next++].version;
      cache_.erase(context.state.campaign);
      Remember(std::move(context.state));
    }
    return OkStatus();
  }
}

// A command refused for want of the right is itself recorded (who tried
// what, and why it was refused), in an append of its own that any version
// takes; the refusal is returned whether or not that append succeeds.
void Engine::RecordRefusal(Context& context, const Status& refusal) {
  store::Event event;
  event.campaign = context.state.campaign;
  event.type = "command_refused";
  event.activity = "Refused: " + context.command;
  event.time_us = context.now;
  event.resource = context.actor;
  event.sop_version = context.state.sop_version;
  event.campaign_type = context.state.campaign_type;
  event.payload =
      Json{{"command", context.command}, {"message", refusal.message()}}.dump();
  store::AppendRequest request;
  request.campaign = context.state.campaign;
  request.expected_version = store::kAnyVersion;
  request.events.push_back(std::move(event));
  Result<store::AppendResult> appended = store_.Append(request);
  if (appended.ok() && context.events.empty()) {
    context.state.version = appended->version;
    Remember(context.state);
  }
}

void Engine::SetCacheCapacity(size_t campaigns) {
  cache_capacity_ = campaigns;
  while (cache_.size() > cache_capacity_) cache_.erase(cache_.begin());
}

void Engine::Remember(CampaignState state) {
  if (cache_capacity_ == 0) return;
  if (state.status != "active") {
    cache_.erase(state.campaign);  // ended campaigns are rarely touched
    return;
  }
  if (cache_.size() >= cache_capacity_ && !cache_.empty()) {
    cache_.erase(cache_.begin());
  }
  std::string campaign = state.campaign;
  cache_.insert_or_assign(std::move(campaign), std::move(state));
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
  event.time_us = context.time_us != 0 ? context.time_us : context.now;
  event.resource = !context.resource.empty() ? context.resource : context.actor;
  event.role = role;
  event.step = step;
  event.sop_version = context.state.sop_version.empty()
                          ? sop_.sop.version
                          : context.state.sop_version;
  event.campaign_type = context.state.campaign_type;
  if (!context.source.empty()) event.source = context.source;
  if (context.departure == nullptr) {
    event.payload = payload.dump();
    // Applied at once, so what a command returns is what a replay rebuilds.
    LIVESOP_RETURN_IF_ERROR(Apply(context.state, event, payload, moved));
    context.events.push_back(std::move(event));
    return Ended(context, type, payload);
  }
  const Departure& departure = *context.departure;
  event.deviation = context.deviation;
  event.reason = departure.reason;
  if (!departure.source.empty() && context.source.empty()) {
    event.source = departure.source;
  }
  Json marked = payload;
  if (departure.actor != event.resource)
    marked["recorded_by"] = departure.actor;
  if (!departure.evidence.empty()) marked["evidence"] = departure.evidence;
  if (!departure.evidence_sha256.empty()) {
    marked["evidence_sha256"] = departure.evidence_sha256;
  }
  event.payload = marked.dump();
  LIVESOP_RETURN_IF_ERROR(Apply(context.state, event, marked, moved));
  context.events.push_back(std::move(event));
  return Ended(context, type, payload);
}

// After an event that ends a task: the escalations chasing it stop.
Status Engine::Ended(Context& context, const std::string& type,
                     const Json& payload) {
  if (type != "task_completed" && type != "approval_decided" &&
      type != "task_skipped" && type != "task_cancelled") {
    return OkStatus();
  }
  const std::string task = payload.value("task", "");
  for (const auto& [id, timer] : context.state.timers) {
    if (timer.kind == "escalation" && timer.subject == task) {
      return CloseEscalations(context, task, false);
    }
  }
  return OkStatus();
}

Status Engine::Activated(Context& context, const std::vector<int>& nodes) {
  const std::string& campaign = context.state.campaign;
  for (int node : nodes) {
    const sop::Step& step = *context.graph->nodes[node].step;
    const bool decided = step.type == sop::StepType::kApproval ||
                         step.type == sop::StepType::kReview;
    // Departures recorded ahead of the step take effect now.
    if (context.state.skip_planned.count(step.id) > 0) {
      FlowStep moved;
      LIVESOP_RETURN_IF_ERROR(Finish(
          context, node, decided ? Outcome::kApproved : Outcome::kDone,
          "task_skipped", step.role,
          {{"task", campaign + "/" + step.id}, {"planned", true}}, &moved));
      LIVESOP_RETURN_IF_ERROR(FollowUp(context, moved));
      continue;
    }
    if (context.state.done_early.count(step.id) > 0 && !decided) {
      FlowStep moved;
      LIVESOP_RETURN_IF_ERROR(Finish(context, node, Outcome::kDone,
                                     "step_finished", step.role,
                                     {{"early", true}}, &moved));
      LIVESOP_RETURN_IF_ERROR(FollowUp(context, moved));
      continue;
    }
    switch (step.type) {
      case sop::StepType::kApproval: {
        LIVESOP_ASSIGN_OR_RETURN(ApprovalPlan plan,
                                 PlanFor(context.state, step));
        LIVESOP_RETURN_IF_ERROR(
            Add(context, "approval_requested", step.name, step.id, "",
                {{"step", step.id}, {"groups", PlanToJson(plan)}}));
        for (const std::string& role : AwaitedRoles(plan, {})) {
          LIVESOP_RETURN_IF_ERROR(CreateTask(context, step, role));
        }
        LIVESOP_RETURN_IF_ERROR(ApplyHeld(context, node));
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
        LIVESOP_RETURN_IF_ERROR(CreateTask(context, step, ""));
        if (step.type == sop::StepType::kReview) {
          LIVESOP_RETURN_IF_ERROR(ApplyHeld(context, node));
        }
      }
    }
  }
  return OkStatus();
}

Result<ApprovalPlan> Engine::PlanFor(const CampaignState& state,
                                     const sop::Step& step,
                                     const ApprovalInputs* facts) const {
  LIVESOP_ASSIGN_OR_RETURN(
      ApprovalPlan plan,
      PlanApproval(Pinned(state), step,
                   facts != nullptr
                       ? *facts
                       : ApprovalFacts(Pinned(state), state.campaign_type,
                                       *state.values)));
  if (state.expedite.parallel_approvals) {
    for (ApproverGroup& group : plan.groups) {
      group.mode = sop::ApprovalMode::kParallel;
    }
  }
  return plan;
}

// Approvals given before approval or review `node` was reached count now,
// in the order they were given, as long as the step waits for their
// approver; the others stay held.
Status Engine::ApplyHeld(Context& context, int node) {
  const sop::Step& step = *context.graph->nodes[node].step;
  auto held = context.state.held.find(step.id);
  if (held == context.state.held.end()) return OkStatus();
  std::vector<HeldApproval> waiting = held->second;
  std::stable_sort(waiting.begin(), waiting.end(),
                   [](const HeldApproval& a, const HeldApproval& b) {
                     return a.occurred_us < b.occurred_us;
                   });
  for (const HeldApproval& h : waiting) {
    if (context.state.flow.active.count(node) == 0) break;  // decided
    const std::string role = AwaitedRoleOf(context, node, h.approver);
    if (role.empty()) continue;
    // Recorded as it was given: by its approver, when and where.
    Departure given;
    given.actor = h.approver;
    given.reason = h.reason;
    given.source = h.channel;
    context.departure = &given;
    context.deviation = h.deviation;
    context.resource = h.approver;
    context.time_us = h.occurred_us;
    Status decided = DecideAs(context, node, role, h.verdict, {{"held", true}});
    context.departure = nullptr;
    context.deviation.clear();
    context.resource.clear();
    context.time_us = 0;
    LIVESOP_RETURN_IF_ERROR(decided);
  }
  return OkStatus();
}

// The role in which `person` may decide active step `node` now: for an
// approval, an awaited role they hold or whose task was given to them; for
// a review, its role. Empty when they may not.
std::string Engine::AwaitedRoleOf(const Context& context, int node,
                                  const std::string& person) const {
  const sop::Step& step = *context.graph->nodes[node].step;
  const std::string& campaign = context.state.campaign;
  if (step.type == sop::StepType::kReview) {
    return MayDo(context.state, step, campaign + "/" + step.id, person)
               ? step.role
               : "";
  }
  auto plan = context.state.plans.find(step.id);
  if (plan == context.state.plans.end()) return "";
  auto decisions = context.state.decisions.find(step.id);
  for (const std::string& role :
       AwaitedRoles(plan->second, decisions == context.state.decisions.end()
                                      ? std::vector<Decision>{}
                                      : decisions->second)) {
    const std::string task = campaign + "/" + step.id + "/" + role;
    auto given = context.state.assignees.find(task);
    auto assigned = context.state.assigned.find(task);
    if (given != context.state.assignees.end()
            ? given->second == person
            : Holds(person, role) ||
                  (assigned != context.state.assigned.end() &&
                   assigned->second == person)) {
      return role;
    }
  }
  return "";
}

// Whether `person` may complete or decide `task` of `step`: the person it
// was given to when it was given by hand; else the step's person, else a
// holder of its role; a step with neither (a wait) is the campaign owner's
// or the process owner's.
bool Engine::MayDo(const CampaignState& state, const sop::Step& step,
                   const std::string& task, const std::string& person) const {
  if (auto given = state.assignees.find(task); given != state.assignees.end()) {
    return given->second == person;
  }
  if (!step.person.empty()) return step.person == person;
  // The person it was given to (a delegate, maybe) and the role's holders.
  if (auto given = state.assigned.find(task);
      given != state.assigned.end() && given->second == person) {
    return true;
  }
  if (!step.role.empty()) return Holds(person, step.role);
  const sop::ProcessGraph* graph = GraphOf(state);
  return person == state.owner ||
         (graph != nullptr && graph->process != nullptr &&
          Holds(person, graph->process->owner));
}

// Records `role`'s decision on active approval or review `node` (the
// context's resource or actor decides); when it decides the step, the flow
// moves on and the approvers still asked are asked no more.
Status Engine::DecideAs(Context& context, int node, const std::string& role,
                        Verdict verdict, Json payload) {
  const sop::Step& s = *context.graph->nodes[node].step;
  const std::string& campaign = context.state.campaign;
  const std::string person =
      !context.resource.empty() ? context.resource : context.actor;
  payload["step"] = s.id;
  payload["decision"] = VerdictName(verdict);
  // The decision is on the versions current now: an approval that decides
  // the step binds them (docs/documents.md).
  if (!context.state.documents.empty()) {
    Json named = Json::array();
    for (const auto& [id, document] : context.state.documents) {
      if (document.versions.empty()) continue;
      named.push_back(
          {{"document", id}, {"version", document.versions.back().version}});
    }
    payload["documents"] = std::move(named);
  }
  // So are the assets' latest versions (docs/assets.md).
  if (!context.state.assets.empty()) {
    Json named = Json::array();
    for (const auto& [name, versions] : context.state.assets) {
      if (versions.empty()) continue;
      named.push_back({{"asset", name}, {"version", versions.back().version}});
    }
    payload["assets"] = std::move(named);
  }
  // A review of the results records the figures it decided on.
  if (s.results) payload["results"] = ResultsSummary(context.state);
  if (s.type == sop::StepType::kReview) {
    payload["task"] = campaign + "/" + s.id;
    FlowStep moved;
    LIVESOP_RETURN_IF_ERROR(Finish(context, node, OutcomeFor(verdict),
                                   "approval_decided", role, payload, &moved));
    if (verdict == Verdict::kReject) {
      LIVESOP_RETURN_IF_ERROR(Rejected(context, s));
    }
    return FollowUp(context, moved);
  }
  payload["task"] = campaign + "/" + s.id + "/" + role;
  const ApprovalPlan plan = context.state.plans[s.id];
  std::vector<Decision> decisions = context.state.decisions[s.id];
  const std::vector<std::string> awaited = AwaitedRoles(plan, decisions);
  decisions.push_back({role, person, verdict});
  const Tally tally = Count(plan, decisions);
  if (tally == Tally::kPending) {
    LIVESOP_RETURN_IF_ERROR(
        Add(context, "approval_decided", s.name, s.id, role, payload));
    // In a sequential group, the next approver's turn comes.
    for (const std::string& r : AwaitedRoles(plan, decisions)) {
      if (std::find(awaited.begin(), awaited.end(), r) != awaited.end()) {
        continue;
      }
      LIVESOP_RETURN_IF_ERROR(CreateTask(context, s, r));
    }
    return OkStatus();
  }
  FlowStep moved;
  LIVESOP_RETURN_IF_ERROR(Finish(context, node, OutcomeFor(tally),
                                 "approval_decided", role, payload, &moved));
  Context::Plain plain(context);
  if (tally == Tally::kRejected) LIVESOP_RETURN_IF_ERROR(Rejected(context, s));
  for (const std::string& r : awaited) {
    if (r == role) continue;
    LIVESOP_RETURN_IF_ERROR(Add(context, "task_cancelled", s.name, s.id, r,
                                {{"task", campaign + "/" + s.id + "/" + r}}));
  }
  return FollowUp(context, moved);
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
  Context::Plain plain(context);
  LIVESOP_RETURN_IF_ERROR(Activated(context, moved.activated));
  if (moved.ended) {
    LIVESOP_RETURN_IF_ERROR(CloseEscalations(context, "", true));
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
  LIVESOP_RETURN_IF_ERROR(CampaignTypeOf(sop_, command.campaign_type).status());
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
  return Run(command.campaign, "submit", [&](Context& context) -> Status {
    if (context.state.version > 0) {
      return AlreadyExistsError("campaign " + command.campaign +
                                " exists already");
    }
    context.actor = command.actor;
    context.idempotency_key = command.idempotency_key;
    context.state.campaign_type = command.campaign_type;
    context.state.sop_version = sop_.sop.version;  // pinned from here on
    context.graph = GraphOf(context.state);
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
    LIVESOP_RETURN_IF_ERROR(FollowUp(context, started));
    // Escalations the request's facts raise at once ("urgent and large").
    const std::vector<std::string> channels =
        ApprovalFacts(sop_, context.state.campaign_type, *context.state.values)
            .channels;
    for (const sop::EscalationRule& rule : Pinned(context.state).escalations) {
      if (rule.trigger != "condition" || !rule.when ||
          !HoldsForAnyChannel(*rule.when, *context.state.facts, channels)) {
        continue;
      }
      LIVESOP_RETURN_IF_ERROR(
          OpenEscalation(context, rule, command.campaign, "", context.now));
    }
    return OkStatus();
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
  context.graph = GraphOf(context.state);
  *node = context.graph == nullptr ? -1 : context.graph->Find(step_id);
  if (*node < 0 || context.graph->nodes[*node].step == nullptr) {
    std::vector<std::string> known;
    if (context.graph != nullptr && context.graph->process != nullptr) {
      for (const sop::Step& s : context.graph->process->steps) {
        known.push_back(s.id);
      }
    }
    std::string hint = ClosestMatch(step_id, known);
    return NotFoundError("campaign " + context.state.campaign +
                         " has no step " + step_id +
                         (hint.empty() ? "" : "; did you mean " + hint + "?"));
  }
  if (context.state.flow.active.count(*node) == 0) {
    std::vector<std::string> active;
    for (int n : context.state.flow.active) {
      active.push_back(context.graph->nodes[n].step->id);
    }
    return FailedPreconditionError(
        "step " + step_id + " of campaign " + context.state.campaign +
        (context.state.finished.count(step_id) > 0 ? " is finished"
                                                   : " is not reached yet") +
        "; active now: " +
        (active.empty() ? std::string("none") : Join(active, ", ")));
  }
  return OkStatus();
}

Result<CampaignState> Engine::Complete(const std::string& campaign,
                                       const std::string& step,
                                       const std::string& actor) {
  return Run(campaign, "complete", [&](Context& context) -> Status {
    context.actor = actor;
    if (auto adhoc = context.state.adhoc.find(step);
        adhoc != context.state.adhoc.end() && context.state.version > 0) {
      return CompleteAdHoc(context, adhoc->second);
    }
    int node = -1;
    LIVESOP_RETURN_IF_ERROR(Active(context, step, &node));
    const sop::Step& s = *context.graph->nodes[node].step;
    if (s.type == sop::StepType::kApproval ||
        s.type == sop::StepType::kReview) {
      return InvalidArgumentError("step " + step +
                                  " is decided, not completed: approve, "
                                  "reject or request changes");
    }
    const std::string task = campaign + "/" + s.id;
    if (!MayDo(context.state, s, task, actor)) {
      return PermissionDeniedError(actor + " may not complete " + step +
                                   ": it belongs to " +
                                   Owner(context.state, s, task));
    }
    if (s.type == sop::StepType::kChecklist) {
      const std::vector<std::string> open = OpenItems(context.state, s);
      if (!open.empty()) {
        return FailedPreconditionError(
            "checklist " + step + " of campaign " + campaign +
            " has required items not ticked: " + Join(open, ", ") +
            "; tick them, or skip the step with a reason to go on without "
            "them");
      }
    }
    FlowStep moved;
    LIVESOP_RETURN_IF_ERROR(Finish(context, node, Outcome::kDone,
                                   "task_completed", s.role, {{"task", task}},
                                   &moved));
    return FollowUp(context, moved);
  });
}

Status Engine::CompleteAdHoc(Context& context, const AdHocStep& step) {
  if (step.done) {
    return FailedPreconditionError("ad-hoc step " + step.id + " of campaign " +
                                   context.state.campaign + " is done already");
  }
  const bool allowed = !step.person.empty() ? step.person == context.actor
                       : !step.role.empty()
                           ? Holds(context.actor, step.role)
                           : context.actor == context.state.owner;
  if (!allowed) {
    return PermissionDeniedError(
        context.actor + " may not complete " + step.id + ": it belongs to " +
        (!step.person.empty() ? step.person
         : !step.role.empty() ? "role " + step.role
                              : "the campaign owner " + context.state.owner));
  }
  return Add(
      context, "task_completed", step.name, step.id, step.role,
      {{"task", context.state.campaign + "/" + step.id}, {"adhoc", true}});
}

// Who may act on `task` of `step`, in words, for refusals.
std::string Engine::Owner(const CampaignState& state, const sop::Step& step,
                          const std::string& task) const {
  if (auto given = state.assignees.find(task); given != state.assignees.end()) {
    return given->second + " (given to them by hand)";
  }
  if (!step.person.empty()) return step.person;
  if (!step.role.empty()) return "role " + step.role;
  const sop::ProcessGraph* graph = GraphOf(state);
  return "the campaign owner " + state.owner +
         (graph != nullptr && graph->process != nullptr
              ? " or role " + graph->process->owner
              : std::string());
}

// The required items of checklist `step` that apply to the campaign and are
// not ticked, in the checklist's order.
std::vector<std::string> Engine::OpenItems(const CampaignState& state,
                                           const sop::Step& step) const {
  std::vector<std::string> open;
  for (const sop::ChecklistItem* item : OpenItemsOf(state, step)) {
    open.push_back(item->id);
  }
  return open;
}

std::vector<const sop::ChecklistItem*> Engine::OpenItemsOf(
    const CampaignState& state, const sop::Step& step) const {
  std::vector<const sop::ChecklistItem*> open;
  const sop::Checklist* checklist = FindChecklist(state, step.checklist);
  if (checklist == nullptr) return open;
  auto ticked = state.ticked.find(step.id);
  // Read once for all the items: every command's AwaitedNow asks.
  const std::vector<std::string> channels = ChannelsOf(*state.values);
  for (const sop::ChecklistItem& item : checklist->items) {
    if (!item.required) continue;
    if (ticked != state.ticked.end() && ticked->second.count(item.id) > 0) {
      continue;
    }
    if (item.when && !HoldsForAnyChannel(*item.when, *state.facts, channels)) {
      continue;
    }
    open.push_back(&item);
  }
  return open;
}

const sop::Checklist* Engine::FindChecklist(const CampaignState& state,
                                            const std::string& id) const {
  for (const sop::Checklist& c : Pinned(state).checklists) {
    if (c.id == id) return &c;
  }
  return nullptr;
}

bool Engine::Applies(const CampaignState& state,
                     const sop::ChecklistItem& item) const {
  return !item.when || HoldsForAnyChannel(*item.when, *state.facts,
                                          ChannelsOf(*state.values));
}

Result<CampaignState> Engine::Decide(const std::string& campaign,
                                     const std::string& step,
                                     const std::string& actor, Verdict verdict,
                                     const std::string& comment) {
  return Run(campaign, "decide", [&](Context& context) -> Status {
    context.actor = actor;
    int node = -1;
    Status active = Active(context, step, &node);
    if (active.code() == StatusCode::kFailedPrecondition &&
        context.state.status == "active" &&
        context.state.finished.count(step) == 0) {
      // An approval given before its step is reached is held for it.
      return HoldEarly(context, context.graph->Find(step), verdict, comment);
    }
    LIVESOP_RETURN_IF_ERROR(active);
    const sop::Step& s = *context.graph->nodes[node].step;
    if (s.type != sop::StepType::kApproval &&
        s.type != sop::StepType::kReview) {
      return InvalidArgumentError("step " + step +
                                  " is completed, not decided");
    }
    const std::string role = AwaitedRoleOf(context, node, actor);
    if (role.empty()) {
      return PermissionDeniedError(actor + " may not decide " + step +
                                   " now; " + AwaitedText(context, node));
    }
    return DecideAs(context, node, role, verdict, {{"comment", comment}});
  });
}

// Who step `node` waits for, in words, for refusals.
std::string Engine::AwaitedText(const Context& context, int node) const {
  std::vector<std::string> names;
  for (const Awaited& a : AwaitedNow(context.state)) {
    if (a.step != context.graph->nodes[node].step->id) continue;
    names.push_back(!a.role.empty() ? "role " + a.role : Join(a.people, ", "));
  }
  return names.empty() ? "it awaits nobody" : "it awaits " + Join(names, "; ");
}

Result<CampaignState> Engine::Cancel(const std::string& campaign,
                                     const std::string& actor,
                                     const std::string& reason) {
  if (sop_.FindPerson(actor) == nullptr) {
    return PermissionDeniedError("\"" + actor +
                                 "\" is not a person of the SOP");
  }
  return Run(campaign, "cancel", [&](Context& context) -> Status {
    if (context.state.version == 0)
      return NotFoundError("no campaign " + campaign);
    if (context.state.status != "active") {
      return FailedPreconditionError("campaign " + campaign + " has ended (" +
                                     context.state.status + ")");
    }
    context.actor = actor;
    // Every open task closes with the campaign.
    context.graph = GraphOf(context.state);
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
    for (const auto& [id, adhoc] : context.state.adhoc) {
      if (adhoc.done) continue;
      LIVESOP_RETURN_IF_ERROR(Add(context, "task_cancelled", adhoc.name, id,
                                  adhoc.role, {{"task", campaign + "/" + id}}));
    }
    LIVESOP_RETURN_IF_ERROR(CloseEscalations(context, "", true));
    return Add(context, "campaign_cancelled", "Campaign cancelled", "", "",
               {{"reason", reason}});
  });
}

}  // namespace livesop::engine

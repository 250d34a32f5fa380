// What side paths show, recorded in campaigns' histories
// (docs/side-paths.md): decisions given in chats and mails through the
// informal-approval rules, other activities as side_activity events.
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/internal/context.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

}  // namespace

std::string Engine::NextDecisionOf(const Context& context,
                                   const std::string& person) const {
  const sop::ProcessGraph& graph = *context.graph;
  for (int node : context.state.flow.active) {
    const sop::Step* step = graph.nodes[node].step;
    if (step != nullptr && IsDecided(*step) &&
        !AwaitedRoleOf(context, node, person).empty()) {
      return step->id;
    }
  }
  if (graph.process == nullptr) return "";
  // The campaign's facts once for all its approvals.
  std::optional<ApprovalInputs> facts;
  for (const sop::Step& step : graph.process->steps) {
    if (!IsDecided(step) || context.state.finished.count(step.id) > 0) {
      continue;
    }
    const int node = graph.Find(step.id);
    if (node >= 0 && context.state.flow.active.count(node) > 0) continue;
    const bool known = context.decider_roles != nullptr &&
                       context.decider_roles->count(step.id) > 0;
    if (!known && !facts.has_value()) {
      facts = ApprovalFacts(Pinned(context.state), context.state.campaign_type,
                            *context.state.values);
    }
    if (MayApprove(context, step, person, facts ? &*facts : nullptr).ok()) {
      return step.id;
    }
  }
  return "";
}

Status Engine::RecordSideEntry(Context& context, const SideEntry& entry,
                               const std::string& actor, SideOutcome& outcome) {
  LIVESOP_RETURN_IF_ERROR(Open(context, entry.decision));
  if (entry.occurred_us > context.now) {
    return InvalidArgumentError(
        "written after now; check the zone it was "
        "read in");
  }
  Json evidence = entry.evidence;
  evidence["text"] = entry.text;
  evidence["key"] = entry.key;
  if (entry.decision) {
    if (entry.person.empty()) {
      return InvalidArgumentError("the sender is not a person of the SOP");
    }
    std::string step = entry.step;
    if (step.empty()) step = NextDecisionOf(context, entry.person);
    if (step.empty()) {
      return PermissionDeniedError(
          entry.person + " decides no approval or review of campaign " +
          context.state.campaign + " that is still open");
    }
    const Departure departure{
        actor,
        "given on " + entry.source + ": \"" + entry.text.substr(0, 200) + "\"",
        "", "", entry.source};
    InformalApproval approval;
    approval.approver = entry.person;
    approval.channel = entry.source;
    approval.occurred_us = entry.occurred_us;
    approval.verdict = entry.verdict;
    approval.comment = entry.text;
    approval.evidence = evidence;
    LIVESOP_RETURN_IF_ERROR(
        InformalDecision(context, step, approval, departure));
    outcome.step = step;
    return OkStatus();
  }
  context.actor = actor;
  context.resource = entry.person;
  context.time_us = entry.occurred_us;
  context.source = entry.source;
  Json payload = {{"activity", entry.activity},
                  {"recorded_by", actor},
                  {"evidence", evidence}};
  return Add(context, "side_activity", entry.label, entry.step, "", payload);
}

Result<std::vector<SideOutcome>> Engine::RecordSidePath(
    const std::vector<SideEntry>& entries, const std::string& actor,
    const SideAppend& append, bool dry_run) {
  // Each campaign's entries in time order; entries keep their input order
  // among equal times.
  std::map<std::string, std::vector<size_t>> by_campaign;
  for (size_t i = 0; i < entries.size(); ++i) {
    by_campaign[entries[i].campaign].push_back(i);
  }
  for (auto& [campaign, indexes] : by_campaign) {
    std::stable_sort(indexes.begin(), indexes.end(), [&](size_t a, size_t b) {
      return entries[a].occurred_us < entries[b].occurred_us;
    });
  }
  for (int attempt = 0;; ++attempt) {
    std::vector<SideOutcome> outcomes(entries.size());
    std::vector<Context> contexts;
    contexts.reserve(by_campaign.size());
    std::vector<std::unordered_map<std::string, std::vector<std::string>>>
        deciders(by_campaign.size());
    std::vector<store::AppendRequest> requests;
    std::set<std::string> wrote;  // campaigns with events to append
    for (const auto& [campaign, indexes] : by_campaign) {
      Context& context = contexts.emplace_back();
      context.decider_roles = &deciders[contexts.size() - 1];
      context.command = "record side path";
      context.now = clock_.NowMicros();
      context.state.campaign = campaign;
      // The cached state when there is one, as commands use it; a lost race
      // reads every campaign from the store again.
      auto cached = cache_.find(campaign);
      if (attempt == 0 && cached != cache_.end()) {
        context.state = cached->second;
      } else if (!campaign.empty()) {
        LIVESOP_RETURN_IF_ERROR(ScanInto(context.state));
      }
      const int64_t loaded = context.state.version;
      for (size_t i : indexes) {
        SideOutcome& outcome = outcomes[i];
        outcome.key = entries[i].key;
        if (campaign.empty()) {
          outcome.refusal = "no campaign";
          continue;
        }
        // An entry the engine refuses leaves the state as it was.
        CampaignState before = context.state;
        const size_t events_before = context.events.size();
        Status status = RecordSideEntry(context, entries[i], actor, outcome);
        // What one entry left on the context; the next starts plain.
        context.departure = nullptr;
        context.deviation.clear();
        context.resource.clear();
        context.time_us = 0;
        context.source.clear();
        if (status.ok()) {
          outcome.recorded = true;
          continue;
        }
        outcome.refusal = status.message();
        outcome.step.clear();
        context.state = std::move(before);
        context.events.resize(events_before);
      }
      if (context.events.empty()) continue;
      store::AppendRequest& request = requests.emplace_back();
      request.campaign = campaign;
      request.expected_version = loaded;
      request.events = std::move(context.events);
      context.events.clear();
      wrote.insert(campaign);
    }
    if (dry_run) return outcomes;
    if (!append && requests.empty()) return outcomes;
    Result<std::vector<store::AppendResult>> appended =
        append ? append(std::move(requests), outcomes)
               : store_.AppendAll(requests);
    if (!appended.ok()) {
      if (appended.status().code() == StatusCode::kAborted && attempt < 3) {
        continue;
      }
      return appended.status();
    }
    size_t next = 0;
    for (Context& context : contexts) {
      if (wrote.count(context.state.campaign) == 0) continue;
      if (next < appended->size()) {
        context.state.version = (*appended)[next++].version;
      }
      cache_.erase(context.state.campaign);
      Remember(std::move(context.state));
    }
    return outcomes;
  }
}

}  // namespace livesop::engine

// Moving a running campaign to another SOP version: every step its state
// refers to is mapped to a step of the new version (by an explicit mapping,
// else by the same id), the mapping is checked, and the campaign moves only
// when everything maps; otherwise the report says what could not be mapped
// and nothing is written.
#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/internal/context.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

}  // namespace

Json MigrationReportToJson(const MigrationReport& report) {
  Json mapped = Json::array();
  for (const auto& [from, to] : report.mapped) {
    mapped.push_back({{"from", from}, {"to", to}});
  }
  return {{"campaign", report.campaign},
          {"from", report.from},
          {"to", report.to},
          {"applied", report.applied},
          {"mapped", mapped},
          {"unmapped", report.unmapped}};
}

// Maps every step `state` refers to into `graph` (the new version's
// process), by `mapping` or the same id. `active` steps must map to a step
// of the same type; other references (held approvals, planned skips, steps
// done early) to an approval or review, or a task or checklist, as they
// were.
MigrationReport Engine::MapSteps(
    const CampaignState& state, const sop::ProcessGraph& from,
    const sop::ProcessGraph& graph,
    const std::map<std::string, std::string>& mapping) const {
  MigrationReport report;
  report.campaign = state.campaign;
  report.from = state.sop_version;
  std::set<std::string> seen;
  auto map_one = [&](const std::string& step, const std::string& why) {
    if (!seen.insert(step).second) return;
    const int old_node = from.Find(step);
    const sop::Step* old_step =
        old_node >= 0 ? from.nodes[old_node].step : nullptr;
    auto given = mapping.find(step);
    const std::string target = given != mapping.end() ? given->second : step;
    const int node = graph.Find(target);
    const sop::Step* to = node >= 0 ? graph.nodes[node].step : nullptr;
    if (to == nullptr) {
      report.unmapped.push_back(
          why + " " + step + ": the new version has no step " + target +
          (given == mapping.end() ? "; map it to one (" + step + "=STEP)"
                                  : ""));
      return;
    }
    if (old_step != nullptr && old_step->type != to->type) {
      report.unmapped.push_back(
          why + " " + step + " is a " + sop::StepTypeName(old_step->type) +
          ", but " + target + " in the new version is a " +
          sop::StepTypeName(to->type) + "; map it to a step of its kind");
      return;
    }
    report.mapped.emplace_back(step, target);
  };
  for (int node : state.flow.active) {
    map_one(from.nodes[node].id, "active step");
  }
  for (const auto& [node, arrived] : state.flow.join_arrivals) {
    map_one(from.nodes[node].id, "join with branches arrived");
  }
  for (const auto& [step, held] : state.held) {
    map_one(step, "held approvals of");
  }
  for (const std::string& step : state.skip_planned) {
    map_one(step, "skip planned of");
  }
  for (const std::string& step : state.done_early) {
    map_one(step, "step done early");
  }
  for (const auto& [from_step, to_step] : mapping) {
    if (from.Find(from_step) < 0) {
      report.unmapped.push_back("the mapping names " + from_step +
                                ", which is not a step of the campaign's "
                                "process");
    }
  }
  return report;
}

Result<MigrationReport> Engine::Migrate(const MigrateCommand& command) {
  MigrationReport out;
  Result<CampaignState> run =
      Run(command.campaign, "migrate", [&](Context& context) -> Status {
        context.actor = command.actor;
        LIVESOP_RETURN_IF_ERROR(Open(context, true));
        if (versions_.count(command.to_version) == 0) {
          std::vector<std::string> known;
          for (const auto& [version, pinned] : versions_) {
            known.push_back(version);
          }
          return NotFoundError("SOP version " + command.to_version +
                               " is not loaded; the engine has " +
                               Join(known, ", "));
        }
        if (command.to_version == context.state.sop_version) {
          return FailedPreconditionError("campaign " + command.campaign +
                                         " runs on version " +
                                         command.to_version + " already");
        }
        const std::string owner = context.graph->process != nullptr
                                      ? context.graph->process->owner
                                      : "";
        if (!Holds(command.actor, owner) && command.actor != sop_.sop.owner &&
            !Holds(command.actor, sop_.sop.owner)) {
          return PermissionDeniedError(
              command.actor + " may not migrate campaign " + command.campaign +
              ": that is for role " + owner + " (the process owner)");
        }
        const sop::ProcessGraph* graph =
            GraphIn(command.to_version, context.state.campaign_type);
        if (graph == nullptr) {
          return FailedPreconditionError(
              "SOP version " + command.to_version + " has no campaign type " +
              context.state.campaign_type + " (or no process for it)");
        }
        out = MapSteps(context.state, *context.graph, *graph, command.mapping);
        out.to = command.to_version;
        if (!out.unmapped.empty() || command.dry_run) return OkStatus();

        std::map<std::string, std::string> steps(out.mapped.begin(),
                                                 out.mapped.end());
        // An active step that changes its id starts afresh under the new
        // version: its tasks end here and begin again there.
        std::vector<std::string> restarted;
        for (int node : context.state.flow.active) {
          const sop::Step& s = *context.graph->nodes[node].step;
          if (steps.at(s.id) == s.id) continue;
          restarted.push_back(steps.at(s.id));
          std::vector<std::string> tasks = {command.campaign + "/" + s.id};
          if (auto plan = context.state.plans.find(s.id);
              plan != context.state.plans.end()) {
            tasks.clear();
            for (const std::string& r :
                 AwaitedRoles(plan->second, context.state.decisions[s.id])) {
              tasks.push_back(command.campaign + "/" + s.id + "/" + r);
            }
          }
          for (const std::string& task : tasks) {
            LIVESOP_RETURN_IF_ERROR(Add(context, "task_cancelled", s.name, s.id,
                                        "",
                                        {{"task", task}, {"migrated", true}}));
          }
        }
        Json mapped = Json::object();
        for (const auto& [from, to] : steps) mapped[from] = to;
        LIVESOP_RETURN_IF_ERROR(Add(context, "campaign_migrated",
                                    "Campaign migrated", "", "",
                                    {{"from", out.from},
                                     {"to", out.to},
                                     {"steps", mapped},
                                     {"reason", command.reason}}));
        context.graph = GraphOf(context.state);
        std::vector<int> nodes;
        for (const std::string& step : restarted) {
          nodes.push_back(context.graph->Find(step));
        }
        out.applied = true;
        return Activated(context, nodes);
      });
  if (!run.ok()) return run.status();
  return out;
}

// Applies a migration to `state`: the new version, and every step id the
// state holds renamed by `steps` (those not in it are dropped from the
// history-only sets).
Status Engine::ApplyMigration(CampaignState& state, const Json& payload) const {
  const std::string to = payload.value("to", "");
  const sop::ProcessGraph* from = GraphOf(state);
  const sop::ProcessGraph* graph = GraphIn(to, state.campaign_type);
  if (from == nullptr || graph == nullptr) {
    return FailedPreconditionError("campaign " + state.campaign +
                                   " moved to SOP version " + to +
                                   ", which this engine has not loaded");
  }
  std::map<std::string, std::string> steps;
  if (auto it = payload.find("steps"); it != payload.end() && it->is_object()) {
    for (const auto& [old_id, new_id] : it->items()) {
      if (new_id.is_string()) steps[old_id] = new_id.get<std::string>();
    }
  }
  auto rename = [&](const std::string& id) {
    auto it = steps.find(id);
    return it == steps.end() ? id : it->second;
  };
  auto node_of = [&](int old_node) {
    return graph->Find(rename(from->nodes[old_node].id));
  };
  FlowState flow = state.flow;
  flow.active.clear();
  flow.join_arrivals.clear();
  for (int node : state.flow.active) {
    const int moved = node_of(node);
    if (moved < 0) return DataLossError("a migration maps to a missing step");
    flow.active.insert(moved);
  }
  for (const auto& [node, arrived] : state.flow.join_arrivals) {
    const int moved = node_of(node);
    if (moved >= 0) flow.join_arrivals[moved] = arrived;
  }
  state.flow = std::move(flow);
  auto rekey = [&](auto& by_step) {
    std::remove_reference_t<decltype(by_step)> renamed;
    for (auto& [id, value] : by_step) {
      if (steps.count(id) > 0 || graph->Find(id) >= 0) {
        renamed[rename(id)] = std::move(value);
      }
    }
    by_step = std::move(renamed);
  };
  auto reset = [&](std::set<std::string>& ids) {
    std::set<std::string> renamed;
    for (const std::string& id : ids) {
      if (steps.count(id) > 0 || graph->Find(id) >= 0) {
        renamed.insert(rename(id));
      }
    }
    ids = std::move(renamed);
  };
  // Approvals of steps that start afresh are asked again.
  for (const auto& [old_id, new_id] : steps) {
    if (old_id != new_id) {
      state.plans.erase(old_id);
      state.decisions.erase(old_id);
    }
  }
  rekey(state.plans);
  rekey(state.decisions);
  rekey(state.held);
  rekey(state.ticked);
  reset(state.skip_planned);
  reset(state.done_early);
  reset(state.finished);
  state.sop_version = to;
  state.facts.Set(CaseFacts(Pinned(state), state.campaign_type, *state.values));
  return OkStatus();
}

}  // namespace livesop::engine

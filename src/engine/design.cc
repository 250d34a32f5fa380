// Design and asset requests, the files delivered for them, their checks
// against the channels' asset specs, and each campaign's readiness: the
// SOP's "design requests checked against channel specs".
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "assets/check.h"
#include "core/text.h"
#include "engine/engine.h"
#include "engine/internal/context.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

// Asset names are ids within a campaign: "hero-banner", "reel-2".
bool ValidName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

Result<const sop::Channel*> FindChannel(const sop::Definition& sop,
                                        const std::string& id) {
  std::vector<std::string> known;
  for (const sop::Channel& c : sop.channels) {
    if (c.id == id) return &c;
    known.push_back(c.id);
  }
  const std::string hint = ClosestMatch(id, known);
  return NotFoundError("the SOP has no channel \"" + id + "\"" +
                       (hint.empty() ? "" : "; did you mean " + hint + "?") +
                       " Channels: " + Join(known, ", "));
}

Result<const sop::AssetSpec*> FindSpec(const sop::Channel& channel,
                                       const std::string& id) {
  std::vector<std::string> known;
  for (const sop::AssetSpec& a : channel.assets) {
    if (a.id == id) return &a;
    known.push_back(a.id);
  }
  const std::string hint = ClosestMatch(id, known);
  return NotFoundError(
      "channel " + channel.id + " has no asset spec \"" + id + "\"" +
      (hint.empty() ? "" : "; did you mean " + hint + "?") + " Its specs: " +
      (known.empty() ? std::string("none") : Join(known, ", ")));
}

}  // namespace

// The campaign's owner, the process owner's role, the channel's owner role
// and whoever holds a role of the campaign's process work on its assets.
Status Engine::MayWorkOnAssets(const Context& context, const std::string& actor,
                               const sop::Channel* channel) const {
  if (sop_.FindPerson(actor) == nullptr) {
    return PermissionDeniedError("\"" + actor +
                                 "\" is not a person of the SOP");
  }
  bool allowed = actor == context.state.owner;
  const sop::Process* process =
      context.graph != nullptr ? context.graph->process : nullptr;
  if (process != nullptr) {
    allowed = allowed || Holds(actor, process->owner);
    for (const sop::Step& step : process->steps) {
      allowed = allowed || (!step.role.empty() && Holds(actor, step.role));
    }
  }
  if (channel != nullptr) allowed = allowed || Holds(actor, channel->owner);
  if (allowed) return OkStatus();
  return PermissionDeniedError(
      actor + " may not work on campaign " + context.state.campaign +
      "'s assets: its owner, the process's roles and the channel's owner may");
}

Result<CampaignState> Engine::RequestAsset(const std::string& campaign,
                                           const std::string& actor,
                                           const std::string& name,
                                           const AssetRequest& request) {
  return Run(campaign, "asset request", [&](Context& context) -> Status {
    context.actor = actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, true));
    if (!ValidName(name)) {
      return InvalidArgumentError(
          "asset name \"" + name +
          "\": use up to 64 lower-case letters, digits and hyphens "
          "(hero-banner)");
    }
    const sop::Definition& sop = Pinned(context.state);
    LIVESOP_ASSIGN_OR_RETURN(const sop::Channel* channel,
                             FindChannel(sop, request.channel));
    if (!request.spec.empty()) {
      LIVESOP_RETURN_IF_ERROR(FindSpec(*channel, request.spec).status());
    }
    LIVESOP_RETURN_IF_ERROR(MayWorkOnAssets(context, actor, channel));
    if (request.note.size() > 2000) {
      return InvalidArgumentError(
          "an asset request's note holds at most 2,000 characters");
    }
    return Add(context, "asset_requested", "Asset requested: " + name, "", "",
               {{"asset", name},
                {"channel", request.channel},
                {"spec", request.spec},
                {"note", request.note}});
  });
}

Result<CampaignState> Engine::AddAsset(const std::string& campaign,
                                       const std::string& actor,
                                       const AssetUpload& upload) {
  return Run(campaign, "asset add", [&](Context& context) -> Status {
    context.actor = actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, false));
    if (!ValidName(upload.name)) {
      return InvalidArgumentError(
          "asset name \"" + upload.name +
          "\": use up to 64 lower-case letters, digits and hyphens "
          "(hero-banner)");
    }
    if (upload.sha256.size() != 64) {
      return InvalidArgumentError("an asset needs the SHA-256 of its file");
    }
    std::string channel_id = upload.channel;
    std::string spec_id = upload.spec;
    auto requested = context.state.asset_requests.find(upload.name);
    if (requested != context.state.asset_requests.end()) {
      if (channel_id.empty()) channel_id = requested->second.channel;
      if (spec_id.empty() && channel_id == requested->second.channel) {
        spec_id = requested->second.spec;
      }
    }
    if (channel_id.empty()) {
      return InvalidArgumentError(
          "asset " + upload.name +
          " was not requested: say which channel it is for (--channel)");
    }
    const sop::Definition& sop = Pinned(context.state);
    LIVESOP_ASSIGN_OR_RETURN(const sop::Channel* channel,
                             FindChannel(sop, channel_id));
    std::optional<assets::AssetReport> report;
    if (!spec_id.empty()) {
      LIVESOP_ASSIGN_OR_RETURN(const sop::AssetSpec* spec,
                               FindSpec(*channel, spec_id));
      report = assets::CheckAsset(upload.inspection, *spec);
    } else {
      report = assets::BestSpecFor(upload.inspection, *channel);
    }
    LIVESOP_RETURN_IF_ERROR(MayWorkOnAssets(context, actor, channel));
    if (upload.comment.size() > 2000) {
      return InvalidArgumentError(
          "an asset's comment holds at most 2,000 characters");
    }
    const auto versions = context.state.assets.find(upload.name);
    const int version = versions == context.state.assets.end()
                            ? 1
                            : static_cast<int>(versions->second.size()) + 1;
    const assets::Inspection& file = upload.inspection;
    LIVESOP_RETURN_IF_ERROR(Add(context, "asset_added",
                                "Asset added: " + upload.name, "", "",
                                {{"asset", upload.name},
                                 {"version", version},
                                 {"sha256", upload.sha256},
                                 {"file_name", upload.file_name},
                                 {"mime", file.mime},
                                 {"size", file.file_size},
                                 {"summary", assets::Summary(file)},
                                 {"channel", channel_id},
                                 {"comment", upload.comment}}));
    Json rules = Json::array();
    if (report) {
      for (const assets::RuleCheck& r : report->rules) {
        rules.push_back({{"rule", r.rule},
                         {"outcome", assets::RuleOutcomeName(r.outcome)},
                         {"expected", r.expected},
                         {"actual", r.actual},
                         {"reason", r.reason}});
      }
    }
    const bool passed = report && report->passed;
    LIVESOP_RETURN_IF_ERROR(
        Add(context, "asset_checked",
            std::string(passed ? "Asset meets spec: " : "Asset fails spec: ") +
                upload.name,
            "", "",
            {{"asset", upload.name},
             {"version", version},
             {"channel", channel_id},
             {"spec", report ? report->spec_id : ""},
             {"passed", passed},
             {"rules", std::move(rules)}}));
    // A version after an approved one asks for approval again, as a
    // document's does.
    auto approvals = context.state.asset_approvals.find(upload.name);
    if (approvals == context.state.asset_approvals.end()) return OkStatus();
    return AfterNewVersion(context, "asset", upload.name, version,
                           approvals->second);
  });
}

void Engine::ApplyAssetEvent(CampaignState& state, const store::Event& event,
                             const Json& payload) {
  const std::string name = payload.value("asset", "");
  if (event.type == "asset_requested") {
    AssetRequest& r = state.asset_requests[name];
    r.channel = payload.value("channel", "");
    r.spec = payload.value("spec", "");
    r.note = payload.value("note", "");
    r.requested_by = event.resource;
    r.at_us = event.time_us;
  } else if (event.type == "asset_added") {
    AssetVersion& v = state.assets[name].emplace_back();
    v.version = payload.value("version", 0);
    v.sha256 = payload.value("sha256", "");
    v.file_name = payload.value("file_name", "");
    v.mime = payload.value("mime", "");
    v.size = payload.value("size", int64_t{0});
    v.summary = payload.value("summary", "");
    v.uploaded_by = event.resource;
    v.at_us = event.time_us;
    v.comment = payload.value("comment", "");
    v.channel = payload.value("channel", "");
  } else if (event.type == "asset_checked") {
    auto found = state.assets.find(name);
    if (found == state.assets.end() || found->second.empty()) return;
    // The check of the version it names (the latest, for a check that
    // names none).
    const int version = payload.value("version", 0);
    auto checked = std::find_if(
        found->second.begin(), found->second.end(),
        [&](const AssetVersion& v) { return v.version == version; });
    AssetVersion& v =
        checked == found->second.end() ? found->second.back() : *checked;
    v.spec = payload.value("spec", "");
    v.passed = payload.value("passed", false);
    v.failures.clear();
    for (const Json& r : payload.value("rules", Json::array())) {
      if (r.value("outcome", "") == "failed") {
        v.failures.push_back(r.value("reason", ""));
      }
    }
  }
}

std::vector<AssetReadiness> Engine::Readiness(
    const CampaignState& state) const {
  std::vector<AssetReadiness> out;
  std::set<std::string> names;
  for (const auto& [name, request] : state.asset_requests) names.insert(name);
  for (const auto& [name, versions] : state.assets) names.insert(name);
  std::set<std::string> covered;
  for (const std::string& name : names) {
    AssetReadiness& r = out.emplace_back();
    r.asset = name;
    auto requested = state.asset_requests.find(name);
    r.requested = requested != state.asset_requests.end();
    if (r.requested) {
      r.channel = requested->second.channel;
      r.spec = requested->second.spec;
    }
    auto uploaded = state.assets.find(name);
    if (uploaded == state.assets.end() || uploaded->second.empty()) {
      r.status = "missing";
      r.reasons.push_back("requested for " + r.channel +
                          (r.spec.empty() ? "" : " (" + r.spec + ")") +
                          "; nothing uploaded yet");
    } else {
      const AssetVersion& latest = uploaded->second.back();
      r.versions = static_cast<int>(uploaded->second.size());
      r.channel = latest.channel;
      r.spec = latest.spec;
      r.status = latest.passed ? "ready" : "fails";
      r.reasons = latest.failures;
      if (!latest.passed && latest.spec.empty()) {
        r.reasons.push_back("channel " + latest.channel +
                            " has no asset spec to check it against");
      }
    }
    covered.insert(r.channel);
  }
  for (const std::string& channel : ChannelsOf(*state.values)) {
    if (covered.count(channel) > 0) continue;
    AssetReadiness& r = out.emplace_back();
    r.channel = channel;
    r.status = "unplanned";
    r.reasons.push_back("the request names channel " + channel +
                        " but no asset is requested or uploaded for it");
  }
  std::sort(out.begin(), out.end(),
            [](const AssetReadiness& a, const AssetReadiness& b) {
              return std::tie(a.channel, a.asset) <
                     std::tie(b.channel, b.asset);
            });
  return out;
}

std::string AssetVersionStatus(const CampaignState& state,
                               const std::string& asset, int version) {
  if (auto approved = state.asset_approvals.find(asset);
      approved != state.asset_approvals.end()) {
    for (const AssetApproval& a : approved->second) {
      if (a.version == version) return "approved";
    }
  }
  auto versions = state.assets.find(asset);
  if (versions != state.assets.end() && !versions->second.empty() &&
      versions->second.back().version == version) {
    return versions->second.back().passed ? "ready" : "fails";
  }
  return "superseded";
}

Result<ProofHistory> Engine::AssetHistory(const std::string& campaign,
                                          const std::string& asset) {
  LIVESOP_ASSIGN_OR_RETURN(CampaignState state, Load(campaign));
  auto requested = state.asset_requests.find(asset);
  auto uploaded = state.assets.find(asset);
  if (requested == state.asset_requests.end() &&
      uploaded == state.assets.end()) {
    std::set<std::string> names;
    for (const auto& [name, request] : state.asset_requests) names.insert(name);
    for (const auto& [name, versions] : state.assets) names.insert(name);
    return NotFoundError(
        "campaign " + campaign + " has no asset " + asset + "; " +
        (names.empty() ? std::string("it has none requested or uploaded yet")
                       : "its assets: " + Join(std::vector<std::string>(
                                                   names.begin(), names.end()),
                                               ", ")));
  }
  ProofHistory out;
  out.campaign = campaign;
  out.asset = asset;
  out.requested = requested != state.asset_requests.end();
  if (out.requested) out.request = requested->second;
  if (uploaded != state.assets.end()) {
    for (const AssetVersion& v : uploaded->second) {
      Proof& proof = out.versions.emplace_back();
      proof.version = v;
      proof.status = AssetVersionStatus(state, asset, v.version);
      proof.locked = proof.status == "approved";
    }
  }
  out.status = out.versions.empty() ? "missing" : out.versions.back().status;
  LIVESOP_ASSIGN_OR_RETURN(std::vector<RevisionEntry> log,
                           ScanRevisions(campaign));
  for (RevisionEntry& e : log) {
    if (e.subject != "asset" || e.asset != asset) continue;
    auto proof = std::find_if(
        out.versions.begin(), out.versions.end(),
        [&](const Proof& p) { return p.version.version == e.version; });
    if (proof == out.versions.end()) continue;
    if (e.kind == "version" || e.kind == "check") {
      // The latest check is the one the version stands by.
      if (e.checked) proof->rules = e.rules;
    } else if (e.kind == "decision") {
      proof->decisions.push_back(std::move(e));
    } else if (e.kind == "changed_after_approval") {
      proof->after_approval = std::move(e);
    }
  }
  return out;
}

}  // namespace livesop::engine

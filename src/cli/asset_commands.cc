#include "cli/asset_commands.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "assets/check.h"
#include "assets/file_store.h"
#include "assets/inspect.h"
#include "cli/doc_commands.h"
#include "cli/exit_codes.h"
#include "cli/workflow.h"
#include "core/text.h"
#include "engine/engine.h"
#include "sop/validate.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

constexpr const char* kCheck = "asset check";

struct AssetArgs {
  std::string file;
  std::string sop;
  std::string channel;
  bool json = false;
  // asset request, add, readiness
  std::string db;
  std::string campaign;
  std::string name;
  std::string spec;
  std::string note;  // request: note; add: comment
  std::string files;
  std::string as;
};

// The arguments a store session takes (workflow.h's OpenSession).
WorkflowArgs SessionArgs(const AssetArgs& args) {
  WorkflowArgs out;
  out.db = args.db;
  out.sop = args.sop;
  out.json = args.json;
  out.as = args.as;
  return out;
}

Json RuleToJson(const assets::RuleCheck& rule) {
  return {{"rule", rule.rule},
          {"expected", rule.expected},
          {"actual", rule.actual},
          {"outcome", assets::RuleOutcomeName(rule.outcome)},
          {"reason", rule.reason}};
}

Json ReportToJson(const std::string& channel,
                  const std::optional<assets::AssetReport>& report) {
  Json out = {{"channel", channel}};
  if (!report) {
    out["spec"] = nullptr;
    out["passed"] = nullptr;
    out["rules"] = Json::array();
    return out;
  }
  out["spec"] = report->spec_id;
  out["spec_name"] = report->spec_name;
  out["passed"] = report->passed;
  Json rules = Json::array();
  for (const assets::RuleCheck& r : report->rules) {
    rules.push_back(RuleToJson(r));
  }
  out["rules"] = std::move(rules);
  return out;
}

Json InspectionToJson(const assets::Inspection& i) {
  Json out = {
      {"path", i.path},           {"kind", assets::AssetKindName(i.kind)},
      {"mime", i.mime},           {"format", i.format},
      {"file_size", i.file_size}, {"summary", assets::Summary(i)},
      {"warnings", i.warnings}};
  if (i.image) {
    out["image"] = {{"width", i.image->width},
                    {"height", i.image->height},
                    {"aspect_ratio", i.image->aspect_ratio},
                    {"color_space", i.image->color_space},
                    {"icc_profile", i.image->icc_profile},
                    {"has_alpha", i.image->has_alpha},
                    {"dpi", i.image->dpi ? Json(*i.image->dpi) : Json(nullptr)},
                    {"pages", i.image->pages},
                    {"animated", i.image->animated},
                    {"duration_seconds", i.image->duration_seconds}};
  }
  if (i.video) {
    out["video"] = {{"container", i.video->container},
                    {"video_codec", i.video->video_codec},
                    {"audio_codec", i.video->audio_codec},
                    {"duration_seconds", i.video->duration_seconds},
                    {"width", i.video->width},
                    {"height", i.video->height},
                    {"aspect_ratio", i.video->aspect_ratio},
                    {"frame_rate", i.video->frame_rate},
                    {"color_primaries", i.video->color_primaries},
                    {"rotation", i.video->rotation}};
  }
  if (i.pdf) {
    out["pdf"] = {{"pages", i.pdf->pages},
                  {"version", i.pdf->version},
                  {"width_mm", i.pdf->width_mm},
                  {"height_mm", i.pdf->height_mm},
                  {"aspect_ratio", i.pdf->aspect_ratio},
                  {"bleed_mm", i.pdf->bleed_mm}};
  }
  if (i.text) {
    out["text"] = {{"characters", i.text->characters}, {"html", i.text->html}};
  }
  return out;
}

int RunAssetCheck(const AssetArgs& args) {
  Result<assets::Inspection> inspected = assets::Inspect(args.file);
  if (!inspected.ok()) return Fail(kCheck, inspected.status(), args.json);

  // The channels to check against: the one named, or every channel of the
  // SOP; none without an SOP.
  std::optional<sop::LoadResult> loaded;
  std::vector<const sop::Channel*> channels;
  if (!args.sop.empty()) {
    loaded = sop::Check(args.sop);
    if (loaded->diagnostics.has_errors()) {
      return Fail(kCheck,
                  FailedPreconditionError("the SOP " + args.sop +
                                          " has errors; run `livesop check " +
                                          args.sop + "`"),
                  args.json);
    }
    std::vector<std::string> known;
    for (const sop::Channel& c : loaded->definition.channels) {
      known.push_back(c.id);
      if (args.channel.empty() || c.id == args.channel) channels.push_back(&c);
    }
    if (!args.channel.empty() && channels.empty()) {
      const std::string hint = ClosestMatch(args.channel, known);
      return Fail(
          kCheck,
          NotFoundError("--channel: the SOP has no channel \"" + args.channel +
                        "\"" +
                        (hint.empty() ? "" : "; did you mean " + hint + "?") +
                        " Channels: " + Join(known, ", ")),
          args.json);
    }
  } else if (!args.channel.empty()) {
    return UsageError(kCheck,
                      "--channel needs the SOP whose channel specs to check "
                      "against: give --sop or set LIVESOP_SOP");
  }

  std::vector<std::pair<std::string, std::optional<assets::AssetReport>>>
      reports;
  for (const sop::Channel* c : channels) {
    reports.emplace_back(c->id, assets::BestSpecFor(*inspected, *c));
  }
  // With one channel named, the exit code says whether the file meets it.
  const bool named_fails =
      !args.channel.empty() && !reports.empty() &&
      (!reports.front().second || !reports.front().second->passed);

  if (args.json) {
    Json checks = Json::array();
    for (const auto& [channel, report] : reports) {
      checks.push_back(ReportToJson(channel, report));
    }
    std::cout << Json({{"ok", true},
                       {"file", InspectionToJson(*inspected)},
                       {"channels", std::move(checks)}})
                     .dump(2)
              << "\n";
    return named_fails ? kExitInvalid : kExitOk;
  }
  std::cout << args.file << ": " << assets::Summary(*inspected) << "\n";
  for (const std::string& w : inspected->warnings) {
    std::cout << "  warning: " << w << "\n";
  }
  for (const auto& [channel, report] : reports) {
    if (!report) {
      std::cout << "\n" << channel << ": no asset specs\n";
      continue;
    }
    // A channel that takes no file of this format is one line, unless it
    // was asked for by name.
    const bool wrong_format =
        !report->rules.empty() && report->rules.front().rule == "formats" &&
        report->rules.front().outcome == assets::RuleOutcome::kFailed;
    if (wrong_format && args.channel.empty()) {
      std::cout << "\n"
                << channel << ": no spec for it ("
                << report->rules.front().reason << ")\n";
      continue;
    }
    std::cout << "\n"
              << channel << ", " << report->spec_name << " (" << report->spec_id
              << "): " << (report->passed ? "meets it" : "fails it") << "\n";
    for (const assets::RuleCheck& r : report->rules) {
      const char* mark = r.outcome == assets::RuleOutcome::kPassed   ? "ok  "
                         : r.outcome == assets::RuleOutcome::kFailed ? "FAIL"
                                                                     : "n/a ";
      std::cout << "  " << mark << " " << r.rule << ": " << r.reason << "\n";
    }
  }
  return named_fails ? kExitInvalid : kExitOk;
}

int RunAssetRequest(const AssetArgs& args) {
  const std::string command = "asset request";
  Session session;
  if (const int code = OpenSession(SessionArgs(args), command, true, session);
      code != kExitOk) {
    return code;
  }
  engine::AssetRequest request;
  request.channel = args.channel;
  request.spec = args.spec;
  request.note = args.note;
  Result<engine::CampaignState> state =
      session.engine->RequestAsset(args.campaign, args.as, args.name, request);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  if (args.json) {
    std::cout << Json({{"ok", true},
                       {"campaign", state->campaign},
                       {"asset", args.name},
                       {"channel", args.channel},
                       {"spec", args.spec},
                       {"version", state->version}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << args.as << " requested asset " << args.name << " of campaign "
              << state->campaign << " for " << args.channel
              << (args.spec.empty() ? "" : " (" + args.spec + ")") << "\n";
  }
  return kExitOk;
}

int RunAssetAdd(const AssetArgs& args) {
  const std::string command = "asset add";
  Session session;
  if (const int code = OpenSession(SessionArgs(args), command, true, session);
      code != kExitOk) {
    return code;
  }
  // An unknown campaign is refused before its file is stored.
  if (Result<engine::CampaignState> known = session.engine->Load(args.campaign);
      !known.ok()) {
    return Fail(command, known.status(), args.json);
  }
  Result<std::string> root = FilesRoot(args.files, args.db);
  if (!root.ok()) return UsageError(command, root.status().message());
  Result<assets::FileStore> files = assets::FileStore::Open(*root);
  if (!files.ok()) return Fail(command, files.status(), args.json);
  // Inspected before it is stored, so a damaged file is refused and never
  // kept.
  Result<assets::Inspection> inspected = assets::Inspect(args.file);
  if (!inspected.ok()) return Fail(command, inspected.status(), args.json);
  Result<assets::StoredFile> stored = files->PutFile(args.file, "");
  if (!stored.ok()) return Fail(command, stored.status(), args.json);
  engine::AssetUpload upload;
  upload.name = args.name;
  upload.channel = args.channel;
  upload.spec = args.spec;
  upload.sha256 = stored->sha256;
  upload.file_name = stored->safe_name;
  upload.comment = args.note;
  upload.inspection = std::move(*inspected);
  // What a version after an approved one led to is in the events the
  // command wrote: those after the store's last position now.
  Result<int64_t> before = session.store->LastPosition();
  if (!before.ok()) return Fail(command, before.status(), args.json);
  Result<engine::CampaignState> state =
      session.engine->AddAsset(args.campaign, args.as, upload);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  const engine::AssetVersion& added = state->assets.at(args.name).back();
  Result<Json> changed = ChangesAfterApproval(*session.store, args.campaign,
                                              "asset_changed_after_approval",
                                              *before, state->version);
  if (!changed.ok()) return Fail(command, changed.status(), args.json);
  if (args.json) {
    std::cout << Json({{"ok", true},
                       {"campaign", state->campaign},
                       {"asset", args.name},
                       {"asset_version", added.version},
                       {"sha256", added.sha256},
                       {"already_stored", stored->already_stored},
                       {"summary", added.summary},
                       {"channel", added.channel},
                       {"spec", added.spec},
                       {"passed", added.passed},
                       {"failures", added.failures},
                       {"changed_after_approval", *changed},
                       {"version", state->version}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << args.as << " added version " << added.version << " of asset "
              << args.name << " to campaign " << state->campaign << ": "
              << added.summary << "\n"
              << (added.passed ? "meets " : "fails ") << added.channel
              << (added.spec.empty() ? "" : " spec " + added.spec)
              << (added.passed ? "" : ":") << "\n";
    for (const std::string& reason : added.failures) {
      std::cout << "  " << reason << "\n";
    }
    for (const Json& c : *changed) {
      std::cout << "it came after version " << c["approved_version"].get<int>()
                << " was approved at " << c["step"].get<std::string>() << ": "
                << (c["reapproval"] == "needed"
                        ? "the step is asked to approve again"
                    : c["reapproval"] == "campaign_ended"
                        ? "the campaign has ended, so no step is asked again"
                        : "no new approval needed (the SOP's reapproval: "
                          "not_needed)")
                << "\n";
    }
  }
  return kExitOk;
}

Json ProofToJson(const engine::Proof& p) {
  const engine::AssetVersion& v = p.version;
  Json rules = Json::array();
  Json failures = Json::array();
  for (const engine::CheckedRule& r : p.rules) {
    rules.push_back({{"rule", r.rule},
                     {"outcome", r.outcome},
                     {"expected", r.expected},
                     {"actual", r.actual},
                     {"reason", r.reason}});
    if (r.outcome == "failed") {
      failures.push_back({{"rule", r.rule}, {"reason", r.reason}});
    }
  }
  Json decisions = Json::array();
  for (const engine::RevisionEntry& d : p.decisions) {
    decisions.push_back(RevisionToJson(d));
  }
  return {
      {"version", v.version},
      {"status", p.status},
      {"locked", p.locked},
      {"uploaded_by", v.uploaded_by},
      {"time", TimeJson(v.at_us)},
      {"comment", v.comment},
      {"file_name", v.file_name},
      {"size", v.size},
      {"sha256", v.sha256},
      {"mime", v.mime},
      {"summary", v.summary},
      {"channel", v.channel},
      {"spec", v.spec.empty() ? Json(nullptr) : Json(v.spec)},
      {"passed", v.passed},
      {"failures", std::move(failures)},
      {"rules", std::move(rules)},
      {"decisions", std::move(decisions)},
      {"changed_after_approval",
       p.after_approval ? RevisionToJson(*p.after_approval) : Json(nullptr)}};
}

void PrintProof(const engine::Proof& p) {
  const engine::AssetVersion& v = p.version;
  std::cout << "\nversion " << v.version << ": " << p.status
            << (p.locked ? " (locked)" : "") << "\n";
  std::cout << "  uploaded by " << v.uploaded_by << " at " << TimeText(v.at_us)
            << (v.comment.empty() ? "" : ": " + OneLine(v.comment)) << "\n";
  std::cout << "  file: " << v.file_name << ", " << v.size
            << (v.size == 1 ? " byte" : " bytes") << ", sha256 " << v.sha256
            << "\n";
  std::cout << "  what it is: " << v.summary << "\n";
  std::cout << "  check: " << (v.passed ? "meets " : "fails ") << v.channel
            << (v.spec.empty()
                    ? ": the channel has no asset spec to check it against"
                    : " (" + v.spec + ")")
            << "\n";
  for (const engine::CheckedRule& r : p.rules) {
    if (r.outcome == "failed") {
      std::cout << "    FAIL " << r.rule << ": " << r.reason << "\n";
    }
  }
  if (p.after_approval) {
    std::cout << "  " << RevisionText(*p.after_approval).front() << "\n";
  }
  for (const engine::RevisionEntry& d : p.decisions) {
    std::cout << "  " << TimeText(d.time_us) << " " << RevisionText(d).front()
              << "\n";
  }
}

int RunAssetHistory(const AssetArgs& args) {
  const std::string command = "asset history";
  Session session;
  if (const int code = OpenSession(SessionArgs(args), command, true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::ProofHistory> history =
      session.engine->AssetHistory(args.campaign, args.name);
  if (!history.ok()) return Fail(command, history.status(), args.json);
  const engine::AssetRequest& r = history->request;
  if (args.json) {
    Json versions = Json::array();
    for (const engine::Proof& p : history->versions) {
      versions.push_back(ProofToJson(p));
    }
    Json request = nullptr;
    if (history->requested) {
      request = {{"channel", r.channel},
                 {"spec", r.spec.empty() ? Json(nullptr) : Json(r.spec)},
                 {"note", r.note},
                 {"requested_by", r.requested_by},
                 {"time", TimeJson(r.at_us)}};
    }
    std::cout << Json({{"ok", true},
                       {"campaign", history->campaign},
                       {"asset", history->asset},
                       {"status", history->status},
                       {"request", std::move(request)},
                       {"versions", std::move(versions)}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << "asset " << history->asset << " of campaign "
            << history->campaign << ": " << history->status << ", "
            << history->versions.size()
            << (history->versions.size() == 1 ? " version" : " versions")
            << "\n";
  if (history->requested) {
    std::cout << "requested by " << r.requested_by << " at "
              << TimeText(r.at_us) << " for " << r.channel
              << (r.spec.empty() ? "" : " (" + r.spec + ")")
              << (r.note.empty() ? "" : ": " + OneLine(r.note)) << "\n";
  } else {
    std::cout << "not requested: uploaded for its channel directly\n";
  }
  for (const engine::Proof& p : history->versions) PrintProof(p);
  return kExitOk;
}

int RunAssetReadiness(const AssetArgs& args) {
  const std::string command = "asset readiness";
  Session session;
  if (const int code = OpenSession(SessionArgs(args), command, true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignState> state = session.engine->Load(args.campaign);
  if (!state.ok()) return Fail(command, state.status(), args.json);
  const std::vector<engine::AssetReadiness> report =
      session.engine->Readiness(*state);
  bool ready = true;
  for (const engine::AssetReadiness& r : report) {
    ready = ready && r.status == "ready";
  }
  if (args.json) {
    Json items = Json::array();
    for (const engine::AssetReadiness& r : report) {
      items.push_back({{"asset", r.asset},
                       {"channel", r.channel},
                       {"spec", r.spec},
                       {"requested", r.requested},
                       {"versions", r.versions},
                       {"status", r.status},
                       {"reasons", r.reasons}});
    }
    std::cout << Json({{"ok", true},
                       {"campaign", state->campaign},
                       {"ready", ready && !report.empty()},
                       {"assets", std::move(items)}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  if (report.empty()) {
    std::cout << "campaign " << state->campaign
              << " has no channel, asset request or asset\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"CHANNEL", "ASSET", "SPEC", "VERSIONS", "STATUS"}};
  for (const engine::AssetReadiness& r : report) {
    rows.push_back({r.channel, r.asset.empty() ? "-" : r.asset,
                    r.spec.empty() ? "-" : r.spec, std::to_string(r.versions),
                    r.status});
  }
  PrintTable(rows, std::cout);
  for (const engine::AssetReadiness& r : report) {
    if (r.status == "ready") continue;
    for (const std::string& reason : r.reasons) {
      std::cout << "  " << (r.asset.empty() ? r.channel : r.asset) << ": "
                << reason << "\n";
    }
  }
  std::cout << (ready ? "every asset is ready\n"
                      : "not ready: fix or deliver what is listed\n");
  return kExitOk;
}

// --db, --sop, --as and --json of the commands that work on a campaign.
void AddCampaignOptions(CLI::App* command, AssetArgs& a, bool with_as) {
  command
      ->add_option("--db", a.db,
                   "The store: a SQLite file or a postgresql:// URL; default "
                   "from LIVESOP_DB")
      ->envname("LIVESOP_DB")
      ->required();
  command
      ->add_option("--sop", a.sop,
                   "The root YAML file of the SOP; default from LIVESOP_SOP, "
                   "else the latest published")
      ->envname("LIVESOP_SOP");
  command->add_flag("--json", a.json, "Print the result as one JSON object");
  if (with_as) {
    command->add_option("--as", a.as, "Who does it: a person id")->required();
  }
  command->footer(
      "Exit codes: 0 done, 1 refused (an unknown campaign, asset, channel or "
      "spec, a damaged file, someone who may not), 2 usage error or a file "
      "that cannot be read, 3 the store failed.");
}

}  // namespace

std::function<int()> AddAssetCommands(CLI::App& app) {
  auto args = std::make_shared<AssetArgs>();
  CLI::App* asset =
      app.add_subcommand("asset",
                         "Inspect files and check them against the "
                         "SOP's channel asset specs");
  asset->require_subcommand(1);
  CLI::App* check = asset->add_subcommand(
      "check",
      "What FILE really is (format, pixel size, colour space, duration, "
      "pages, read from its content) and, with an SOP, which spec of each "
      "channel it meets or fails and why");
  check->add_option("FILE", args->file, "The file to inspect")
      ->required()
      ->check(CLI::ExistingFile);
  check
      ->add_option("--sop", args->sop,
                   "The root YAML file of the SOP whose channel specs to "
                   "check against; default from LIVESOP_SOP")
      ->envname("LIVESOP_SOP");
  check->add_option("--channel", args->channel,
                    "Only this channel (its id in the SOP); the exit code "
                    "then says whether the file meets one of its specs");
  check->add_flag("--json", args->json, "Print the result as one JSON object");
  check->footer(
      "Exit codes: 0 inspected (with --channel: the file meets one of the "
      "channel's specs), 1 a damaged file, an unknown channel, an SOP with "
      "errors, or with --channel a file that meets none of its specs, 2 "
      "usage error or a file that cannot be read.");
  AssetArgs& a = *args;
  CLI::App* request = asset->add_subcommand(
      "request",
      "Request an asset of a campaign for a channel (a design request), "
      "optionally for one of its asset specs");
  request->add_option("CAMPAIGN", a.campaign, "The campaign's id")->required();
  request->add_option("NAME", a.name, "The asset's name: hero-banner")
      ->required();
  request->add_option("--channel", a.channel, "The SOP's channel id")
      ->required();
  request->add_option("--spec", a.spec, "One of the channel's asset specs");
  request->add_option("--note", a.note, "What it should show or say");
  AddCampaignOptions(request, a, true);

  CLI::App* add = asset->add_subcommand(
      "add",
      "Upload FILE as the next version of a campaign's asset: stored once "
      "by content, inspected, and checked against its channel's spec");
  add->add_option("CAMPAIGN", a.campaign, "The campaign's id")->required();
  add->add_option("FILE", a.file, "The file")
      ->required()
      ->check(CLI::ExistingFile);
  add->add_option("--name", a.name, "The asset's name: hero-banner")
      ->required();
  add->add_option("--channel", a.channel,
                  "The SOP's channel id (default: the request's)");
  add->add_option("--spec", a.spec,
                  "The spec to check against (default: the request's, else "
                  "the best fit)");
  add->add_option("--comment", a.note, "What changed in this version");
  add->add_option("--files", a.files,
                  "Where files are kept (default: files/ beside a SQLite "
                  "database; required with PostgreSQL)")
      ->envname("LIVESOP_FILES");
  AddCampaignOptions(add, a, true);

  CLI::App* readiness = asset->add_subcommand(
      "readiness",
      "Per asset and channel of a campaign: ready, failing its spec (why), "
      "missing, or a channel with nothing planned");
  readiness->add_option("CAMPAIGN", a.campaign, "The campaign's id")
      ->required();
  AddCampaignOptions(readiness, a, false);

  CLI::App* history = asset->add_subcommand(
      "history",
      "The proof history of a campaign's asset: its request, then every "
      "version with its file, its spec check and the decisions that named "
      "it, and which one is approved");
  history->add_option("CAMPAIGN", a.campaign, "The campaign's id")->required();
  history->add_option("ASSET", a.name, "The asset's name: hero-banner")
      ->required();
  AddCampaignOptions(history, a, false);

  return [=]() -> int {
    if (check->parsed()) return RunAssetCheck(*args);
    if (request->parsed()) return RunAssetRequest(*args);
    if (add->parsed()) return RunAssetAdd(*args);
    if (readiness->parsed()) return RunAssetReadiness(*args);
    if (history->parsed()) return RunAssetHistory(*args);
    return -1;
  };
}

}  // namespace livesop::cli

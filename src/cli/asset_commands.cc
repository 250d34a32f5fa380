#include "cli/asset_commands.h"

#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "assets/check.h"
#include "assets/inspect.h"
#include "cli/exit_codes.h"
#include "cli/workflow.h"
#include "core/text.h"
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
};

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
  return [=]() -> int {
    if (check->parsed()) return RunAssetCheck(*args);
    return -1;
  };
}

}  // namespace livesop::cli

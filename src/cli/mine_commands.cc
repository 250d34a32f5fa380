#include "cli/mine_commands.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "cli/exit_codes.h"
#include "core/diagnostic.h"
#include "core/text.h"
#include "core/time.h"
#include "mining/alignments.h"
#include "mining/dfg.h"
#include "mining/drift.h"
#include "mining/heuristics.h"
#include "mining/inductive.h"
#include "mining/json.h"
#include "mining/model_render.h"
#include "mining/pnml.h"
#include "mining/process_map.h"
#include "mining/stats.h"
#include "mining/token_replay.h"
#include "sop/graph.h"
#include "sop/petri_net.h"
#include "sop/validate.h"
#include "store/exchange.h"
#include "store/store.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

struct MineArgs {
  std::string log;
  bool json = false;
  bool sort_by_time = false;
  std::vector<std::string> classifier;
  bool steps = false;
  // discover
  std::string algo = "dfg";
  double noise = 0;
  std::string pnml;
  std::string svg;
  // conformance
  std::string model;
  std::string method = "token";
  std::string process;
  size_t max_states = 1'000'000;
  // variants
  size_t top = 20;
  bool top_given = false;
  // map
  std::string view = "frequency";
  double activities = 1;
  double paths = 1;
  std::string dot;
  // drift
  std::vector<std::string> logs;
  std::string db;  // --db: a store, as one more log
  bool csv = false;
};

void PrintError(const char* command, const Status& status) {
  std::cerr << "livesop mine " << command << ": " << status.message() << "\n";
}

bool IsSqliteFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[16] = {};
  in.read(magic, sizeof(magic));
  return in.gcount() == sizeof(magic) &&
         std::string_view(magic, 15) == "SQLite format 3";
}

// Whether LOG names a store rather than an XES or CSV file.
bool IsStoreLog(const std::string& log) {
  return log.starts_with("sqlite:") || log.starts_with("postgresql://") ||
         log.starts_with("postgres://") || IsSqliteFile(log);
}

}  // namespace

Progress::Progress() : on_(isatty(STDERR_FILENO) == 1) {}

void Progress::Begin(const std::string& stage) {
  if (!on_) return;
  stage_ = stage;
  started_ = std::chrono::steady_clock::now();
  std::cerr << stage << " …" << std::flush;
}

void Progress::End(const std::string& result) {
  if (!on_) return;
  const double ms = std::chrono::duration<double, std::milli>(
                        std::chrono::steady_clock::now() - started_)
                        .count();
  char took[32];
  std::snprintf(took, sizeof(took), "%.0f ms", ms);
  std::cerr << "\r" << stage_ << ": " << result << " (" << took << ")\n";
}

Result<eventlog::EventLog> LoadLog(const std::string& log,
                                   const std::vector<std::string>& classifier,
                                   bool sort_by_time, Progress& progress,
                                   bool steps_only) {
  eventlog::ClassifierSpec spec;
  if (!classifier.empty()) spec.keys = classifier;
  progress.Begin("reading " + log);
  Result<eventlog::EventLog> read = [&]() -> Result<eventlog::EventLog> {
    if (IsStoreLog(log)) {
      store::OpenOptions options;
      options.read_only = !log.starts_with("postgres");
      LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> opened,
                               store::OpenStore(log, options));
      store::StoreLogOptions store_options;
      store_options.classifier = spec;
      store_options.steps_only = steps_only;
      return store::ReadStoreLog(*opened, {}, store_options);
    }
    eventlog::ReadLogOptions options;
    options.classifier = spec;
    options.sort_by_time = sort_by_time;
    return eventlog::ReadLog(log, options);
  }();
  if (read.ok()) {
    progress.End(std::to_string(read->num_events()) + " events, " +
                 std::to_string(read->num_cases()) + " cases");
  } else {
    progress.End("failed");
  }
  return read;
}

namespace {

// Writes `text` to `path` through a temporary file renamed into place, so a
// failed write never leaves half a file under the real name.
Status WriteFile(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::remove(temporary.c_str());
      return UnavailableError("cannot write \"" + path + "\"");
    }
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    std::remove(temporary.c_str());
    return UnavailableError("cannot write \"" + path + "\"");
  }
  return OkStatus();
}

int RunStats(const MineArgs& args) {
  Progress progress;
  Result<eventlog::EventLog> log = LoadLog(
      args.log, args.classifier, args.sort_by_time, progress, args.steps);
  if (!log.ok()) {
    PrintError("stats", log.status());
    return kExitInvalid;
  }
  const mining::LogStatistics stats =
      mining::ComputeStatistics(eventlog::LogView(*log));
  if (args.json) {
    std::cout << mining::StatisticsToJson(stats).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "cases: " << stats.cases << "\nevents: " << stats.events
            << "\nvariants: " << stats.variants
            << "\nactivities: " << log->activities().size() << "\n";
  if (stats.case_duration.count > 0) {
    std::cout << "case duration: median "
              << mining::HumanDuration(stats.case_duration.median_us)
              << ", mean " << mining::HumanDuration(stats.case_duration.mean_us)
              << ", p90 " << mining::HumanDuration(stats.case_duration.p90_us)
              << "\n";
  }
  if (!stats.rework.empty()) {
    std::cout << "rework (activity: cases, repetitions):\n";
    for (size_t i = 0; i < stats.rework.size() && i < 10; ++i) {
      std::cout << "  " << stats.rework[i].activity << ": "
                << stats.rework[i].cases << ", " << stats.rework[i].repetitions
                << "\n";
    }
  }
  if (!stats.workload.empty()) {
    std::cout << "workload (resource: events, cases):\n";
    for (size_t i = 0; i < stats.workload.size() && i < 10; ++i) {
      std::cout << "  " << stats.workload[i].resource << ": "
                << stats.workload[i].events << ", " << stats.workload[i].cases
                << "\n";
    }
  }
  if (!stats.handovers.empty()) {
    std::cout << "handovers (from -> to: count):\n";
    for (size_t i = 0; i < stats.handovers.size() && i < 10; ++i) {
      std::cout << "  " << stats.handovers[i].from << " -> "
                << stats.handovers[i].to << ": " << stats.handovers[i].count
                << "\n";
    }
  }
  return kExitOk;
}

int RunVariants(const MineArgs& args) {
  Progress progress;
  Result<eventlog::EventLog> log = LoadLog(
      args.log, args.classifier, args.sort_by_time, progress, args.steps);
  if (!log.ok()) {
    PrintError("variants", log.status());
    return kExitInvalid;
  }
  const std::vector<eventlog::Variant> variants =
      eventlog::Variants(eventlog::LogView(*log));
  const Json json = mining::VariantsToJson(*log, variants, args.top);
  if (args.json) {
    std::cout << Json{{"variants", variants.size()},
                      {"cases", log->num_cases()},
                      {"top", json}}
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << variants.size() << " variants in " << log->num_cases()
            << " cases\n";
  for (const Json& v : json) {
    std::printf("%3d. %5d cases (%4.1f%%) ", v["rank"].get<int>(),
                v["cases"].get<int>(), 100 * v["share"].get<double>());
    std::fflush(stdout);
    std::string sequence;
    for (const Json& a : v["activities"]) {
      if (!sequence.empty()) sequence += " → ";
      sequence += a.get<std::string>();
    }
    std::cout << sequence << "\n";
  }
  return kExitOk;
}

Result<mining::MapOptions> MapOptionsOf(const MineArgs& args) {
  mining::MapOptions options;
  if (args.view == "frequency") {
    options.view = mining::MapView::kFrequency;
  } else if (args.view == "performance") {
    options.view = mining::MapView::kPerformance;
  } else {
    return InvalidArgumentError("--view is frequency or performance, not \"" +
                                args.view + "\"");
  }
  options.activities = args.activities;
  options.paths = args.paths;
  return options;
}

int RunMap(const MineArgs& args) {
  Result<mining::MapOptions> options = MapOptionsOf(args);
  if (!options.ok()) {
    PrintError("map", options.status());
    return kExitUsage;
  }
  Progress progress;
  Result<eventlog::EventLog> log = LoadLog(
      args.log, args.classifier, args.sort_by_time, progress, args.steps);
  if (!log.ok()) {
    PrintError("map", log.status());
    return kExitInvalid;
  }
  const mining::Dfg dfg = mining::DiscoverDfg(eventlog::LogView(*log));
  const mining::ProcessMap map = mining::SelectMap(dfg, *options);
  if (!args.dot.empty()) {
    if (Status written = WriteFile(args.dot, mining::MapToDot(dfg, *options));
        !written.ok()) {
      PrintError("map", written);
      return kExitUsage;
    }
  }
  if (!args.svg.empty()) {
    Result<std::string> svg = mining::RenderMapSvg(dfg, *options);
    if (!svg.ok()) {
      PrintError("map", svg.status());
      return kExitUsage;
    }
    if (Status written = WriteFile(args.svg, *svg + "\n"); !written.ok()) {
      PrintError("map", written);
      return kExitUsage;
    }
  }
  if (args.json) {
    Json json = mining::DfgToJson(dfg);
    Json kept_activities = Json::array();
    for (uint32_t a : map.activities)
      kept_activities.push_back(dfg.activities[a]);
    json["map"] = {{"view", args.view},
                   {"activities", kept_activities},
                   {"paths", map.paths.size()}};
    std::cout << json.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "map: " << map.activities.size() << " of "
            << dfg.activities.size() << " activities, " << map.paths.size()
            << " of " << dfg.edges.size() << " paths";
  if (!args.svg.empty()) std::cout << "; SVG in " << args.svg;
  if (!args.dot.empty()) std::cout << "; DOT in " << args.dot;
  std::cout << "\n";
  return kExitOk;
}

// Writes `text` to `path` when a path was given.
Status WriteIfAsked(const std::string& path, const Result<std::string>& text) {
  if (path.empty()) return OkStatus();
  if (!text.ok()) return text.status();
  return WriteFile(path, *text + "\n");
}

Status WritePnmlIfAsked(const std::string& path, const sop::PetriNet& net) {
  if (path.empty()) return OkStatus();
  std::ostringstream pnml;
  LIVESOP_RETURN_IF_ERROR(mining::WritePnml(net, pnml));
  return WriteFile(path, pnml.str());
}

Status WritePnmlIfAsked(const std::string& path, const mining::Dfg& dfg) {
  if (path.empty()) return OkStatus();
  return WritePnmlIfAsked(path, mining::DfgToPetriNet(dfg));
}

int RunDiscover(const MineArgs& args) {
  if (!args.pnml.empty() && args.algo == "heuristics") {
    PrintError("discover",
               InvalidArgumentError("--pnml writes a Petri net, which --algo "
                                    "dfg and --algo inductive give; a "
                                    "heuristics net is not one"));
    return kExitUsage;
  }
  if (args.noise < 0 || args.noise > 1) {
    PrintError("discover",
               InvalidArgumentError("--noise is a share between 0 and 1, not " +
                                    std::to_string(args.noise)));
    return kExitUsage;
  }
  Progress progress;
  Result<eventlog::EventLog> log = LoadLog(
      args.log, args.classifier, args.sort_by_time, progress, args.steps);
  if (!log.ok()) {
    PrintError("discover", log.status());
    return kExitInvalid;
  }
  const eventlog::LogView view(*log);
  Json json = {{"algorithm", args.algo}};
  Status written;
  if (args.algo == "dfg") {
    progress.Begin("directly-follows graph");
    const mining::Dfg dfg = mining::DiscoverDfg(view);
    progress.End(std::to_string(dfg.edges.size()) + " edges");
    written = WriteIfAsked(args.svg, mining::RenderMapSvg(dfg, {}));
    if (written.ok()) written = WritePnmlIfAsked(args.pnml, dfg);
    json["dfg"] = mining::DfgToJson(dfg);
    if (!args.json && written.ok()) {
      std::cout << "directly-follows graph: " << dfg.activities.size()
                << " activities, " << dfg.edges.size() << " edges, "
                << dfg.cases << " cases\n";
      for (const mining::DfgEdge& edge : dfg.edges) {
        std::cout << "  " << dfg.activities[edge.source] << " -> "
                  << dfg.activities[edge.target] << ": " << edge.count << "\n";
      }
    }
  } else if (args.algo == "heuristics") {
    progress.Begin("heuristics miner");
    Result<mining::HeuristicsNet> net = mining::DiscoverHeuristicsNet(view);
    progress.End(net.ok() ? std::to_string(net->edges.size()) + " dependencies"
                          : "failed");
    if (!net.ok()) {
      PrintError("discover", net.status());
      return kExitInvalid;
    }
    written = WriteIfAsked(args.svg, mining::HeuristicsNetToSvg(*net));
    json["heuristics_net"] = mining::HeuristicsNetToJson(*net);
    if (!args.json && written.ok()) {
      std::cout << "heuristics net: " << net->nodes.size() << " activities, "
                << net->edges.size() << " dependencies\n";
      for (const mining::HeuristicsEdge& edge : net->edges) {
        std::printf("  %s -> %s: %.3f (%lld)\n",
                    net->activities[edge.source].c_str(),
                    net->activities[edge.target].c_str(), edge.dependency,
                    static_cast<long long>(edge.count));
      }
    }
  } else {
    mining::InductiveOptions options;
    options.noise_threshold = args.noise;
    progress.Begin(args.noise > 0 ? "inductive miner (IMf)"
                                  : "inductive miner");
    Result<mining::ProcessTree> tree =
        mining::DiscoverProcessTree(view, options);
    Result<sop::PetriNet> net = tree.ok()
                                    ? mining::ProcessTreeToPetriNet(*tree)
                                    : Result<sop::PetriNet>(tree.status());
    progress.End(net.ok()
                     ? std::to_string(net->transitions.size()) + " transitions"
                     : "failed");
    if (!net.ok()) {
      PrintError("discover", net.status());
      return kExitInvalid;
    }
    written = WriteIfAsked(args.svg, mining::PetriNetToSvg(*net));
    if (written.ok()) written = WritePnmlIfAsked(args.pnml, *net);
    json["noise_threshold"] = args.noise;
    json["process_tree"] = mining::ToString(*tree);
    json["petri_net"] = mining::PetriNetToJson(*net);
    if (!args.json && written.ok()) {
      const Json& counts = json["petri_net"]["counts"];
      std::cout << "process tree: " << mining::ToString(*tree) << "\n"
                << "workflow net: " << counts["places"] << " places, "
                << counts["transitions"] << " transitions ("
                << counts["silent_transitions"] << " silent), "
                << counts["arcs"] << " arcs\n";
    }
  }
  if (!written.ok()) {
    PrintError("discover", written);
    return kExitUsage;
  }
  if (args.json) std::cout << json.dump(2) << "\n";
  return kExitOk;
}

// The model a log is checked against: a Petri net from PNML, or a process of
// an SOP compiled to a workflow net.
struct ConformanceModel {
  sop::PetriNet net;
  std::string description;
  // For an SOP: the campaign types that run the process; cases of other
  // types are left out of the check.
  std::vector<std::string> campaign_types;
  bool from_sop = false;
};

// Picks the process named by --process (a process id, or a campaign type
// whose process it is), or the SOP's only process.
Result<const sop::Process*> ChooseProcess(const sop::Definition& def,
                                          const std::string& wanted) {
  std::vector<std::string> process_ids;
  for (const sop::Process& p : def.processes) process_ids.push_back(p.id);
  const std::string ids = Join(process_ids, ", ");
  if (wanted.empty()) {
    if (def.processes.size() == 1) return &def.processes.front();
    return InvalidArgumentError(
        "the SOP has " + std::to_string(def.processes.size()) + " processes (" +
        ids + "); choose one with --process ID");
  }
  std::string process_id = wanted;
  for (const sop::CampaignType& type : def.campaign_types) {
    if (type.id == wanted) process_id = type.process;
  }
  for (const sop::Process& p : def.processes) {
    if (p.id == process_id) return &p;
  }
  return InvalidArgumentError("--process " + wanted +
                              ": the SOP has no such process or campaign "
                              "type; its processes are " +
                              ids);
}

// Reads --model. Errors: NotFound or InvalidArgument when the file cannot
// be read (exit 1), FailedPrecondition for --process problems (exit 2).
Result<ConformanceModel> LoadModel(const MineArgs& args) {
  ConformanceModel model;
  if (args.model.ends_with(".pnml")) {
    LIVESOP_ASSIGN_OR_RETURN(mining::PnmlNet pnml,
                             mining::ReadPnml(args.model));
    model.net = std::move(pnml.net);
    model.description = "Petri net " + args.model;
    return model;
  }
  sop::LoadResult loaded = sop::Check(args.model);
  if (loaded.io_failure || loaded.diagnostics.has_errors()) {
    const Diagnostic* error = loaded.diagnostics.FirstError();
    const std::string first = error != nullptr ? FormatDiagnostic(*error) : "";
    if (loaded.io_failure) return NotFoundError(first);
    return InvalidArgumentError(
        "the model " + args.model +
        " is neither a .pnml file nor a valid SOP (`livesop check " +
        args.model + "` lists its errors); the first: " + first);
  }
  Result<const sop::Process*> chosen =
      ChooseProcess(loaded.definition, args.process);
  if (!chosen.ok()) return FailedPreconditionError(chosen.status().message());
  const sop::Process& process = **chosen;
  model.net = sop::CompileNet(sop::CompileGraph(process));
  model.from_sop = true;
  model.description = "process " + process.id + " of SOP " +
                      loaded.definition.sop.id + " " +
                      loaded.definition.sop.version;
  for (const sop::CampaignType& type : loaded.definition.campaign_types) {
    if (type.process == process.id) model.campaign_types.push_back(type.id);
  }
  return model;
}

// The cases to check: for an SOP model, those whose campaign type runs the
// process, when the log tells campaign types apart (livesop's own history
// and its exports do); every case otherwise.
eventlog::LogView CasesOfModel(const eventlog::EventLog& log,
                               const ConformanceModel& model) {
  const eventlog::AttributeColumn* types =
      log.FindEventColumn("livesop:campaign_type");
  if (!model.from_sop || types == nullptr) return eventlog::LogView(log);
  return eventlog::LogView(log).Filter([&](const eventlog::EventLog& l,
                                           uint32_t c) {
    if (l.case_size(c) == 0) return false;
    const std::string type = types->Text(l.case_begin(c), l);
    return std::find(model.campaign_types.begin(), model.campaign_types.end(),
                     type) != model.campaign_types.end();
  });
}

std::string Percent(double share) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.1f%%", share);
  return text;
}

std::string Fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4f", value);
  return text;
}

std::string JoinNames(const Json& names) {
  return Join(names.get<std::vector<std::string>>(), ", ");
}

// "3 cases" / "1 case".
std::string Cases(int64_t n) {
  return std::to_string(n) + (n == 1 ? " case" : " cases");
}

// Prints the deviating variants of `json["variants"]`, at most `top` (all
// when 0), most frequent first; `print` writes one variant's details.
template <typename PrintVariant>
void PrintDeviating(const Json& json, size_t top, PrintVariant print) {
  size_t shown = 0;
  size_t deviating = 0;
  for (const Json& variant : json["variants"]) {
    if (variant.value("computed", true) && variant["is_fit"].get<bool>()) {
      continue;
    }
    ++deviating;
    if (top != 0 && shown == top) continue;
    if (shown++ == 0) {
      std::cout << "deviating variants (most frequent first):\n";
    }
    std::cout << "  #" << variant["rank"] << " "
              << Cases(static_cast<int64_t>(variant["case_ids"].size()));
    print(variant);
    std::cout << "\n";
  }
  if (deviating > shown) {
    std::cout << "  … " << deviating - shown
              << " more (--top 0 lists all, --json gives every case)\n";
  }
}

void PrintTokenReplay(const Json& json, size_t top) {
  std::cout << "token-based replay: " << json["cases"] << " cases, "
            << json["variants_total"] << " variants\n"
            << "  log fitness " << Fixed(json["log_fitness"])
            << ", average trace fitness "
            << Fixed(json["average_trace_fitness"]) << ", fitting cases "
            << json["fitting_cases"] << " ("
            << Percent(json["percentage_of_fitting_traces"]) << ")\n";
  const Json& tokens = json["tokens"];
  std::cout << "  tokens: " << tokens["missing"] << " missing, "
            << tokens["remaining"] << " remaining, " << tokens["consumed"]
            << " consumed, " << tokens["produced"] << " produced\n";
  PrintDeviating(json, top, [](const Json& variant) {
    std::cout << ", fitness " << Fixed(variant["fitness"]);
    if (!variant["not_enabled"].empty()) {
      std::cout << "; not enabled: " << JoinNames(variant["not_enabled"]);
    }
    if (!variant["unknown_activities"].empty()) {
      std::cout << "; not in the model: "
                << JoinNames(variant["unknown_activities"]);
    }
    if (variant["remaining"].get<int64_t>() > 0) {
      const int64_t left = variant["remaining"];
      std::cout << "; " << left << (left == 1 ? " token" : " tokens")
                << " left over";
    }
  });
  std::vector<const Json*> places;
  for (const Json& place : json["places"]) {
    if (place["underfed_cases"].get<int64_t>() > 0 ||
        place["overfed_cases"].get<int64_t>() > 0) {
      places.push_back(&place);
    }
  }
  std::stable_sort(places.begin(), places.end(),
                   [](const Json* a, const Json* b) {
                     return (*a)["underfed_cases"].get<int64_t>() +
                                (*a)["overfed_cases"].get<int64_t>() >
                            (*b)["underfed_cases"].get<int64_t>() +
                                (*b)["overfed_cases"].get<int64_t>();
                   });
  if (!places.empty()) std::cout << "places short of or left with tokens:\n";
  for (const Json* place : places) {
    const int64_t underfed = (*place)["underfed_cases"];
    const int64_t overfed = (*place)["overfed_cases"];
    std::cout << "  " << (*place)["place"].get<std::string>() << ":";
    if (underfed > 0) std::cout << " missing in " << Cases(underfed);
    if (underfed > 0 && overfed > 0) std::cout << ",";
    if (overfed > 0) std::cout << " left over in " << Cases(overfed);
    std::cout << "\n";
  }
}

void PrintAlignments(const Json& json, size_t top) {
  std::cout << "alignments: " << json["cases"] << " cases, "
            << json["variants_total"] << " variants";
  if (json["not_computed_cases"].get<int64_t>() > 0) {
    std::cout << " (" << Cases(json["not_computed_cases"])
              << " not computed: over --max-states)";
  }
  std::cout << "\n  log fitness " << Fixed(json["log_fitness"])
            << ", average trace fitness "
            << Fixed(json["average_trace_fitness"]) << ", fitting cases "
            << json["fitting_cases"] << " ("
            << Percent(json["percentage_of_fitting_traces"]) << ")\n";
  PrintDeviating(json, top, [](const Json& variant) {
    if (!variant["computed"].get<bool>()) {
      std::cout << ": not computed ("
                << variant["not_computed_reason"].get<std::string>() << ")";
      return;
    }
    std::cout << ", fitness " << Fixed(variant["fitness"]) << ", cost "
              << variant["cost"];
    if (!variant["log_moves"].empty()) {
      std::cout << "; log moves: " << JoinNames(variant["log_moves"]);
    }
    if (!variant["model_moves"].empty()) {
      std::cout << "; model moves: " << JoinNames(variant["model_moves"]);
    }
  });
}

int RunConformance(const MineArgs& args) {
  Progress progress;
  progress.Begin("reading model " + args.model);
  Result<ConformanceModel> model = LoadModel(args);
  progress.End(model.ok() ? std::to_string(model->net.transitions.size()) +
                                " transitions"
                          : "failed");
  if (!model.ok()) {
    PrintError("conformance", model.status());
    return model.status().code() == StatusCode::kFailedPrecondition
               ? kExitUsage
               : kExitInvalid;
  }
  Result<eventlog::EventLog> log =
      LoadLog(args.log, args.classifier, args.sort_by_time, progress,
              /*steps_only=*/model->from_sop || args.steps);
  if (!log.ok()) {
    PrintError("conformance", log.status());
    return kExitInvalid;
  }
  const eventlog::LogView view = CasesOfModel(*log, *model);
  // JSON lists every variant unless --top is given; text lists the `top`
  // most frequent deviating variants, so it needs them all.
  const size_t json_top = args.json && args.top_given ? args.top : 0;
  Json json;
  if (args.method == "token") {
    progress.Begin("token-based replay");
    Result<mining::TokenReplayResult> replay =
        mining::TokenReplay(view, model->net);
    progress.End(replay.ok() ? "log fitness " + Fixed(replay->log_fitness)
                             : "failed");
    if (!replay.ok()) {
      PrintError("conformance", replay.status());
      return kExitInvalid;
    }
    json = mining::TokenReplayToJson(view, model->net, *replay, json_top);
  } else {
    mining::AlignmentOptions options;
    options.max_states = args.max_states;
    progress.Begin("alignments");
    Result<mining::AlignmentResult> aligned =
        mining::Align(view, model->net, options);
    progress.End(aligned.ok() ? "log fitness " + Fixed(aligned->log_fitness)
                              : "failed");
    if (!aligned.ok()) {
      PrintError("conformance", aligned.status());
      return kExitInvalid;
    }
    json = mining::AlignmentToJson(view, *aligned, json_top);
  }
  json["model"] = {{"source", args.model},
                   {"description", model->description},
                   {"places", model->net.places.size()},
                   {"transitions", model->net.transitions.size()}};
  if (model->from_sop) {
    json["model"]["campaign_types"] = model->campaign_types;
    json["cases_of_other_types"] = log->num_cases() - view.num_cases();
  }
  if (args.json) {
    std::cout << json.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "model: " << model->description << " ("
            << model->net.places.size() << " places, "
            << model->net.transitions.size() << " transitions)\n";
  if (model->from_sop && log->num_cases() != view.num_cases()) {
    std::cout << "left out: " << log->num_cases() - view.num_cases()
              << " cases of campaign types that do not run this process\n";
  }
  if (args.method == "token") {
    PrintTokenReplay(json, args.top);
  } else {
    PrintAlignments(json, args.top);
  }
  return kExitOk;
}

// A log's name in drift's CSV: the file's name without its folder and its
// .xes/.xes.gz/.csv ending (the scorer's `log` column); a store's URL as
// given.
std::string LogName(const std::string& log) {
  if (IsStoreLog(log)) return log;
  std::string name = std::filesystem::path(log).filename().string();
  for (const char* ending : {".gz", ".xes", ".csv"}) {
    if (name.ends_with(ending)) name.resize(name.size() - strlen(ending));
  }
  return name;
}

int RunDrift(MineArgs args) {
  if (!args.db.empty()) {
    args.logs.push_back(IsStoreLog(args.db) ? args.db : "sqlite:" + args.db);
  }
  if (args.logs.empty()) {
    std::cerr << "livesop drift: name a log (LOG...) or a store (--db URL)\n";
    return kExitUsage;
  }
  Json logs = Json::array();
  if (args.csv) std::cout << "log,change_point_trace_index\n";
  for (const std::string& path : args.logs) {
    Progress progress;
    Result<eventlog::EventLog> log =
        LoadLog(path, args.classifier, args.sort_by_time, progress, args.steps);
    if (!log.ok()) {
      PrintError("drift", log.status());
      return kExitInvalid;
    }
    progress.Begin("looking for change points");
    Result<std::vector<mining::ChangePoint>> found = mining::DetectDrift(*log);
    progress.End(found.ok() ? std::to_string(found->size()) + " found"
                            : "failed");
    if (!found.ok()) {
      PrintError("drift", found.status());
      return kExitInvalid;
    }
    const std::string name = LogName(path);
    if (args.csv) {
      if (found->empty()) std::cout << name << ",\n";
      for (const mining::ChangePoint& point : *found) {
        std::cout << name << "," << point.trace_index << "\n";
      }
      continue;
    }
    Json points = Json::array();
    for (const mining::ChangePoint& point : *found) {
      Json relations = Json::array();
      for (const mining::DriftRelation& r : point.relations) {
        relations.push_back({{"from", r.from},
                             {"to", r.to},
                             {"before", r.before},
                             {"after", r.after},
                             {"chi_square", r.chi_square}});
      }
      points.push_back({{"trace_index", point.trace_index},
                        {"time", point.time_us == eventlog::kNoTime
                                     ? Json(nullptr)
                                     : Json(FormatTimestamp(point.time_us))},
                        {"statistic", point.statistic},
                        {"p_value", point.p_value},
                        {"relations", relations}});
    }
    if (args.json) {
      logs.push_back({{"log", name},
                      {"traces", log->num_cases()},
                      {"change_points", points}});
      continue;
    }
    std::cout << name << ": " << log->num_cases() << " traces, "
              << found->size()
              << (found->size() == 1 ? " change point\n" : " change points\n");
    for (const mining::ChangePoint& point : *found) {
      std::cout << "  after trace " << point.trace_index;
      if (point.time_us != eventlog::kNoTime) {
        std::cout << " (" << FormatTimestamp(point.time_us) << ")";
      }
      std::printf(
          ", p = %.3f; what changed (share of traces before → after):\n",
          point.p_value);
      std::fflush(stdout);
      for (size_t i = 0; i < point.relations.size() && i < 5; ++i) {
        const mining::DriftRelation& r = point.relations[i];
        std::printf("    %s → %s  %3.0f%% → %3.0f%%\n",
                    r.from.empty() ? "(start)" : r.from.c_str(),
                    r.to.empty() ? "(end)" : r.to.c_str(), 100 * r.before,
                    100 * r.after);
      }
    }
  }
  if (args.json) std::cout << Json({{"logs", logs}}).dump(2) << "\n";
  return kExitOk;
}

void AddLogOptions(CLI::App* command, MineArgs& args) {
  command
      ->add_option("LOG", args.log,
                   "An XES (.xes, .xes.gz) or CSV (.csv) file, or a store: a "
                   "SQLite file, sqlite:PATH or postgresql://…")
      ->required();
  command->add_option(
      "--classifier", args.classifier,
      "Event attributes naming an activity, joined by '+' (default: "
      "concept:name)");
  command->add_flag("--sort-by-time", args.sort_by_time,
                    "Order each case's events by timestamp (default: file "
                    "order)");
  command->add_flag("--json", args.json, "Print JSON");
  command
      ->add_flag("--steps", args.steps,
                 "A store only: read each campaign as its path through the "
                 "SOP's steps (the events that finish a step's work)")
      ->check([&args](const std::string&) -> std::string {
        if (!IsStoreLog(args.log)) {
          return "--steps reads a store's history; " + args.log +
                 " is a file (its events are taken as they are)";
        }
        return "";
      });
}

}  // namespace

std::function<int()> AddMineCommands(CLI::App& app) {
  auto args = std::make_shared<MineArgs>();
  CLI::App* mine = app.add_subcommand(
      "mine", "Process mining on an event log or the store's history");
  mine->require_subcommand(1);

  CLI::App* stats = mine->add_subcommand(
      "stats", "Case durations, rework, workload and handovers");
  AddLogOptions(stats, *args);

  CLI::App* variants =
      mine->add_subcommand("variants", "Cases grouped by activity sequence");
  AddLogOptions(variants, *args);
  variants->add_option("--top", args->top,
                       "How many variants to list (0: all; default 20)");

  CLI::App* map = mine->add_subcommand(
      "map", "Draw the process map (directly-follows graph) with Graphviz");
  AddLogOptions(map, *args);
  map->add_option("--view", args->view,
                  "frequency (counts) or performance (median times); default "
                  "frequency");
  map->add_option("--activities", args->activities,
                  "Share of activities kept, most frequent first (0-1, "
                  "default 1)");
  map->add_option("--paths", args->paths,
                  "Share of paths kept, most frequent first (0-1, default 1)");
  map->add_option("--svg", args->svg, "Write the map as SVG to this file");
  map->add_option("--dot", args->dot, "Write the map as Graphviz DOT");

  CLI::App* discover =
      mine->add_subcommand("discover", "Discover a process model from the log");
  AddLogOptions(discover, *args);
  discover
      ->add_option("--algo", args->algo,
                   "dfg (default), heuristics, or inductive (IM; IMf with "
                   "--noise)")
      ->check(CLI::IsMember({"dfg", "heuristics", "inductive"}));
  discover->add_option("--noise", args->noise,
                       "Inductive Miner noise threshold, 0-1 (default 0: IM)");
  discover->add_option("--svg", args->svg, "Write the model as SVG");
  discover->add_option(
      "--pnml", args->pnml,
      "Write the Petri net as PNML (--algo dfg: the graph's net; --algo "
      "inductive: the workflow net)");

  CLI::App* conformance = mine->add_subcommand(
      "conformance", "Check the log against a Petri net or an SOP process");
  AddLogOptions(conformance, *args);
  conformance
      ->add_option("--model", args->model,
                   "A Petri net (.pnml) or an SOP (its root YAML file)")
      ->required();
  conformance
      ->add_option("--method", args->method,
                   "token (token-based replay, default) or alignment "
                   "(optimal alignments)")
      ->check(CLI::IsMember({"token", "alignment"}));
  conformance->add_option(
      "--process", args->process,
      "For an SOP: the process (or a campaign type running it); needed "
      "when the SOP has more than one");
  conformance
      ->add_option("--top", args->top,
                   "How many deviating variants to list (0: all; default "
                   "20); with --json, how many variants (default all)")
      ->each([args](const std::string&) { args->top_given = true; });
  conformance->add_option(
      "--max-states", args->max_states,
      "Alignments: search states per trace before it is left not computed "
      "(default 1000000)");

  for (CLI::App* command : mine->get_subcommands({})) {
    command->footer(
        "Exit codes: 0 done, 1 the log or model cannot be read (the message "
        "names file and line), 2 usage or an output file cannot be written.");
  }
  CLI::App* drift = app.add_subcommand(
      "drift",
      "Where a log's behaviour changes: change points in its traces' "
      "directly-follows relations, each with what changed (docs/drift.md)");
  drift->add_option("LOG", args->logs,
                    "XES (.xes, .xes.gz) or CSV files, or a store (a SQLite "
                    "file, sqlite:PATH or postgresql://…); traces in file "
                    "order");
  drift->add_option("--db", args->db,
                    "A store (a SQLite file, sqlite:PATH or postgresql://…): "
                    "its history as one more log, each campaign a trace in "
                    "the order campaigns started");
  drift->add_option("--classifier", args->classifier,
                    "Event attributes naming an activity, joined by '+' "
                    "(default: concept:name)");
  drift->add_flag("--json", args->json, "Print JSON");
  drift->add_flag("--csv", args->csv,
                  "Print log,change_point_trace_index, one row a change "
                  "point (an empty index for a log with none)");
  drift->add_flag("--steps", args->steps,
                  "A store only: each campaign as its path through the SOP's "
                  "steps");

  return [=]() -> int {
    if (drift->parsed()) return RunDrift(*args);
    if (stats->parsed()) return RunStats(*args);
    if (variants->parsed()) return RunVariants(*args);
    if (map->parsed()) return RunMap(*args);
    if (discover->parsed()) return RunDiscover(*args);
    if (conformance->parsed()) return RunConformance(*args);
    return -1;
  };
}

}  // namespace livesop::cli

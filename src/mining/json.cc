#include "mining/json.h"

#include "core/time.h"

namespace livesop::mining {

using Json = nlohmann::json;

namespace {

double Seconds(double micros) { return micros / 1e6; }

}  // namespace

Json DurationToJson(const DurationStats& d) {
  return Json{{"count", d.count},
              {"mean_s", Seconds(d.mean_us)},
              {"median_s", Seconds(d.median_us)},
              {"p90_s", Seconds(d.p90_us)},
              {"min_s", Seconds(static_cast<double>(d.min_us))},
              {"max_s", Seconds(static_cast<double>(d.max_us))}};
}

Json DfgToJson(const Dfg& dfg) {
  Json activities = Json::array();
  Json starts = Json::object();
  Json ends = Json::object();
  for (size_t a = 0; a < dfg.activities.size(); ++a) {
    if (dfg.activity_count[a] == 0) continue;
    activities.push_back({{"name", dfg.activities[a]},
                          {"count", dfg.activity_count[a]},
                          {"start", dfg.start_count[a]},
                          {"end", dfg.end_count[a]}});
    if (dfg.start_count[a] > 0) starts[dfg.activities[a]] = dfg.start_count[a];
    if (dfg.end_count[a] > 0) ends[dfg.activities[a]] = dfg.end_count[a];
  }
  Json edges = Json::array();
  for (const DfgEdge& edge : dfg.edges) {
    edges.push_back({{"source", dfg.activities[edge.source]},
                     {"target", dfg.activities[edge.target]},
                     {"count", edge.count},
                     {"duration", DurationToJson(edge.duration)}});
  }
  return Json{{"cases", dfg.cases},         {"events", dfg.events},
              {"activities", activities},   {"edges", edges},
              {"start_activities", starts}, {"end_activities", ends}};
}

Json StatisticsToJson(const LogStatistics& stats) {
  auto time = [](int64_t us) -> Json {
    return us == eventlog::kNoTime ? Json(nullptr) : Json(FormatTimestamp(us));
  };
  Json activities = Json::array();
  for (const ActivityTimes& a : stats.activities) {
    if (a.occurrences == 0) continue;
    activities.push_back({{"name", a.activity},
                          {"occurrences", a.occurrences},
                          {"waiting", DurationToJson(a.waiting)},
                          {"service", DurationToJson(a.service)}});
  }
  Json rework = Json::array();
  for (const Rework& r : stats.rework) {
    rework.push_back({{"activity", r.activity},
                      {"cases", r.cases},
                      {"repetitions", r.repetitions}});
  }
  auto links = [](const std::vector<ResourceLink>& list) {
    Json out = Json::array();
    for (const ResourceLink& l : list) {
      out.push_back({{"from", l.from}, {"to", l.to}, {"count", l.count}});
    }
    return out;
  };
  Json workload = Json::array();
  for (const ResourceLoad& l : stats.workload) {
    workload.push_back({{"resource", l.resource},
                        {"events", l.events},
                        {"cases", l.cases},
                        {"activities", l.activities},
                        {"share", l.share}});
  }
  return Json{{"cases", stats.cases},
              {"events", stats.events},
              {"variants", stats.variants},
              {"first_event", time(stats.first_event_us)},
              {"last_event", time(stats.last_event_us)},
              {"case_duration", DurationToJson(stats.case_duration)},
              {"activities", activities},
              {"rework", rework},
              {"handovers", links(stats.handovers)},
              {"working_together", links(stats.working_together)},
              {"workload", workload}};
}

Json PetriNetToJson(const sop::PetriNet& net) {
  Json places = Json::array();
  for (size_t p = 0; p < net.places.size(); ++p) {
    places.push_back({{"id", net.places[p].id},
                      {"initial", p < net.initial.size() ? net.initial[p] : 0},
                      {"final", p < net.final.size() ? net.final[p] : 0}});
  }
  Json transitions = Json::array();
  size_t silent = 0;
  size_t arcs = 0;
  for (const sop::Transition& t : net.transitions) {
    Json inputs = Json::array();
    Json outputs = Json::array();
    for (int p : t.inputs) inputs.push_back(net.places[p].id);
    for (int p : t.outputs) outputs.push_back(net.places[p].id);
    arcs += t.inputs.size() + t.outputs.size();
    if (t.silent) ++silent;
    transitions.push_back({{"id", t.id},
                           {"label", t.silent ? Json(nullptr) : Json(t.label)},
                           {"silent", t.silent},
                           {"inputs", inputs},
                           {"outputs", outputs}});
  }
  return Json{{"counts",
               {{"places", net.places.size()},
                {"transitions", net.transitions.size()},
                {"visible_transitions", net.transitions.size() - silent},
                {"silent_transitions", silent},
                {"arcs", arcs}}},
              {"places", places},
              {"transitions", transitions}};
}

Json HeuristicsNetToJson(const HeuristicsNet& net) {
  auto names = [&net](const std::vector<uint32_t>& ids) {
    Json out = Json::array();
    for (uint32_t id : ids) out.push_back(net.activities[id]);
    return out;
  };
  Json nodes = Json::array();
  for (const HeuristicsNode& node : net.nodes) {
    Json splits = Json::array();
    Json joins = Json::array();
    for (const auto& binding : node.split_bindings)
      splits.push_back(names(binding));
    for (const auto& binding : node.join_bindings)
      joins.push_back(names(binding));
    nodes.push_back({{"name", node.name},
                     {"count", node.count},
                     {"start", node.start_count},
                     {"end", node.end_count},
                     {"inputs", names(node.inputs)},
                     {"outputs", names(node.outputs)},
                     {"split_bindings", splits},
                     {"join_bindings", joins}});
  }
  Json edges = Json::array();
  for (const HeuristicsEdge& edge : net.edges) {
    edges.push_back({{"source", net.activities[edge.source]},
                     {"target", net.activities[edge.target]},
                     {"dependency", edge.dependency},
                     {"count", edge.count},
                     {"loop_two", edge.loop_two}});
  }
  return Json{
      {"counts",
       {{"nodes", net.nodes.size()}, {"dependency_edges", net.edges.size()}}},
      {"nodes", nodes},
      {"edges", edges}};
}

Json VariantsToJson(const eventlog::EventLog& log,
                    const std::vector<eventlog::Variant>& variants,
                    size_t top) {
  size_t cases = 0;
  for (const eventlog::Variant& v : variants) cases += v.cases.size();
  Json out = Json::array();
  for (size_t i = 0; i < variants.size() && (top == 0 || i < top); ++i) {
    const eventlog::Variant& v = variants[i];
    Json activities = Json::array();
    for (uint32_t a : v.activities) activities.push_back(log.activities()[a]);
    Json examples = Json::array();
    for (size_t k = 0; k < v.cases.size() && k < 5; ++k) {
      examples.push_back(std::string(log.case_id(v.cases[k])));
    }
    out.push_back({{"rank", i + 1},
                   {"cases", v.cases.size()},
                   {"share", cases > 0 ? static_cast<double>(v.cases.size()) /
                                             static_cast<double>(cases)
                                       : 0.0},
                   {"activities", activities},
                   {"example_cases", examples}});
  }
  return out;
}

namespace {

Json CaseIds(const eventlog::EventLog& log,
             const std::vector<uint32_t>& cases) {
  Json ids = Json::array();
  for (uint32_t c : cases) ids.push_back(std::string(log.case_id(c)));
  return ids;
}

// The cases of each variant, in view order, from a result's `case_variant`
// (position -> variant): the grouping eventlog::Variants made for the
// result, without sorting the sequences again.
std::vector<std::vector<uint32_t>> CasesByVariant(
    const eventlog::LogView& view, const std::vector<uint32_t>& case_variant,
    size_t variants) {
  std::vector<std::vector<uint32_t>> cases(variants);
  for (size_t i = 0; i < case_variant.size() && i < view.num_cases(); ++i) {
    cases[case_variant[i]].push_back(view.case_at(i));
  }
  return cases;
}

// A variant's activities: those of its first case.
Json VariantActivities(const eventlog::EventLog& log,
                       const std::vector<uint32_t>& cases) {
  Json names = Json::array();
  if (cases.empty()) return names;
  for (uint32_t a : log.trace(cases.front())) {
    names.push_back(log.activities()[a]);
  }
  return names;
}

const char* MoveTypeName(MoveType type) {
  switch (type) {
    case MoveType::kSync:
      return "sync";
    case MoveType::kLog:
      return "log";
    case MoveType::kModel:
      return "model";
  }
  return "sync";
}

}  // namespace

Json TokenReplayToJson(const eventlog::LogView& view, const sop::PetriNet& net,
                       const TokenReplayResult& result, size_t top) {
  const eventlog::EventLog& log = view.log();
  const std::vector<std::vector<uint32_t>> cases =
      CasesByVariant(view, result.case_variant, result.variants.size());
  Json places = Json::array();
  for (size_t p = 0; p < result.places.size() && p < net.places.size(); ++p) {
    const PlaceReplayCounts& counts = result.places[p];
    places.push_back({{"place", net.places[p].id},
                      {"missing", counts.missing},
                      {"remaining", counts.remaining},
                      {"consumed", counts.consumed},
                      {"produced", counts.produced},
                      {"underfed_cases", counts.underfed_cases},
                      {"overfed_cases", counts.overfed_cases}});
  }
  Json out_variants = Json::array();
  for (size_t i = 0; i < result.variants.size() && (top == 0 || i < top); ++i) {
    const TraceReplay& replay = result.variants[i];
    out_variants.push_back({{"rank", i + 1},
                            {"activities", VariantActivities(log, cases[i])},
                            {"is_fit", replay.is_fit},
                            {"fitness", replay.fitness},
                            {"missing", replay.missing},
                            {"remaining", replay.remaining},
                            {"consumed", replay.consumed},
                            {"produced", replay.produced},
                            {"not_enabled", replay.not_enabled_activities},
                            {"unknown_activities", replay.unknown_activities},
                            {"case_ids", CaseIds(log, cases[i])}});
  }
  return {{"method", "token"},
          {"cases", view.num_cases()},
          {"variants_total", result.variants.size()},
          {"log_fitness", result.log_fitness},
          {"average_trace_fitness", result.average_trace_fitness},
          {"percentage_of_fitting_traces", result.percentage_of_fitting_traces},
          {"fitting_cases", result.fitting_cases},
          {"tokens",
           {{"missing", result.missing},
            {"remaining", result.remaining},
            {"consumed", result.consumed},
            {"produced", result.produced}}},
          {"places", places},
          {"variants", out_variants}};
}

Json AlignmentToJson(const eventlog::LogView& view,
                     const AlignmentResult& result, size_t top) {
  const eventlog::EventLog& log = view.log();
  const std::vector<std::vector<uint32_t>> cases =
      CasesByVariant(view, result.case_variant, result.variants.size());
  Json out_variants = Json::array();
  for (size_t i = 0; i < result.variants.size() && (top == 0 || i < top); ++i) {
    const TraceAlignment& alignment = result.variants[i];
    Json variant = {{"rank", i + 1},
                    {"activities", VariantActivities(log, cases[i])},
                    {"computed", alignment.computed},
                    {"case_ids", CaseIds(log, cases[i])}};
    if (!alignment.computed) {
      variant["not_computed_reason"] = alignment.not_computed_reason;
      out_variants.push_back(std::move(variant));
      continue;
    }
    Json moves = Json::array();
    Json log_moves = Json::array();
    Json model_moves = Json::array();
    for (const AlignmentMove& move : alignment.moves) {
      Json m = {{"type", MoveTypeName(move.type)}, {"activity", move.activity}};
      if (move.silent) m["silent"] = true;
      moves.push_back(m);
      if (move.type == MoveType::kLog) log_moves.push_back(move.activity);
      if (move.type == MoveType::kModel && !move.silent) {
        model_moves.push_back(move.activity);
      }
    }
    variant["cost"] = alignment.cost;
    variant["fitness"] = alignment.fitness;
    variant["is_fit"] = log_moves.empty() && model_moves.empty();
    variant["log_moves"] = log_moves;
    variant["model_moves"] = model_moves;
    variant["moves"] = moves;
    out_variants.push_back(std::move(variant));
  }
  return {{"method", "alignment"},
          {"cases", view.num_cases()},
          {"variants_total", result.variants.size()},
          {"log_fitness", result.log_fitness},
          {"average_trace_fitness", result.average_trace_fitness},
          {"percentage_of_fitting_traces", result.percentage_of_fitting_traces},
          {"fitting_cases", result.fitting_cases},
          {"computed_cases", result.computed_cases},
          {"not_computed_cases", result.not_computed_cases},
          {"empty_trace_cost", result.empty_trace_cost},
          {"variants", out_variants}};
}

}  // namespace livesop::mining

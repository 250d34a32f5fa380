// Mining results as JSON, the one shape the CLI's --json and the HTTP API
// share (docs/mining.md describes every field). Durations are in seconds.
#ifndef LIVESOP_MINING_JSON_H_
#define LIVESOP_MINING_JSON_H_

#include <nlohmann/json.hpp>
#include <vector>

#include "eventlog/log.h"
#include "mining/dfg.h"
#include "mining/heuristics.h"
#include "mining/stats.h"
#include "sop/petri_net.h"

namespace livesop::mining {

nlohmann::json DurationToJson(const DurationStats& duration);
nlohmann::json DfgToJson(const Dfg& dfg);
nlohmann::json StatisticsToJson(const LogStatistics& stats);
// Counts (places, transitions, visible, silent, arcs) and every place and
// transition, arcs as place ids.
nlohmann::json PetriNetToJson(const sop::PetriNet& net);
nlohmann::json HeuristicsNetToJson(const HeuristicsNet& net);
// The `top` most frequent variants (all when 0), each with its activities,
// case count, share of cases and up to 5 example case ids.
nlohmann::json VariantsToJson(const eventlog::EventLog& log,
                              const std::vector<eventlog::Variant>& variants,
                              size_t top = 0);

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_JSON_H_

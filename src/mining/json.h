// Mining results as JSON, the one shape the CLI's --json and the HTTP API
// share (docs/mining.md describes every field). Durations are in seconds.
#ifndef LIVESOP_MINING_JSON_H_
#define LIVESOP_MINING_JSON_H_

#include <nlohmann/json.hpp>
#include <vector>

#include "eventlog/log.h"
#include "mining/alignments.h"
#include "mining/dfg.h"
#include "mining/heuristics.h"
#include "mining/stats.h"
#include "mining/token_replay.h"
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

// A token-based replay of `view` on `net` (the arguments TokenReplay was
// given): the log figures, the token counts, every place's counts, and the
// `top` most frequent variants (all when 0), each with its fitness, token
// counts, the activities that were not enabled or that no transition
// carries, and its case ids (every one: the deviations per trace).
nlohmann::json TokenReplayToJson(const eventlog::LogView& view,
                                 const sop::PetriNet& net,
                                 const TokenReplayResult& result,
                                 size_t top = 0);

// Alignments of `view` with `net` (the arguments Align was given): the log
// figures and the `top` most frequent variants (all when 0), each with its
// cost, fitness, the moves in order and the log and model moves apart, and
// its case ids.
nlohmann::json AlignmentToJson(const eventlog::LogView& view,
                               const AlignmentResult& result, size_t top = 0);

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_JSON_H_

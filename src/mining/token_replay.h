// Token-based replay of a log on a Petri net, as PM4Py 2.7 does it
// (pm4py.algo.conformance.tokenreplay.variants.token_replay with the options
// its fitness evaluation uses), so that fitness figures agree with PM4Py's.
//
// Each trace is replayed from the net's initial marking. For an event whose
// activity labels a transition: when the transition is not enabled, silent
// transitions are fired along the shortest silent paths from marked places
// to the places that lack tokens (PM4Py's heuristic, which does not search
// all silent firing sequences); when it is still not enabled, the missing
// tokens are added and counted (as in PM4Py, a weighted arc short of tokens
// gets its whole weight added, so the surplus later counts as remaining).
// Events whose activity no transition carries are skipped. At the end,
// silent paths towards the final marking are fired; the tokens left beyond
// the final marking are "remaining", the final marking's tokens not reached
// are "missing". Produced counts the initial marking's tokens, consumed the
// final marking's, as PM4Py counts them.
//
// Replay is per variant (equal activity sequences get equal results) and
// runs over the variants on several threads.
#ifndef LIVESOP_MINING_TOKEN_REPLAY_H_
#define LIVESOP_MINING_TOKEN_REPLAY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "eventlog/log.h"
#include "sop/petri_net.h"

namespace livesop::mining {

struct TokenReplayOptions {
  // Fire silent transitions to enable the transition of an event before
  // adding missing tokens (PM4Py's walk_through_hidden_trans). Default true.
  bool walk_through_silent = true;
  // After the last event, fire silent transitions towards the final marking
  // (PM4Py's try_to_reach_final_marking_through_hidden). Default true.
  bool reach_final_through_silent = true;
  // Longest silent path, in transitions, considered between two places
  // (PM4Py's MAX_REC_DEPTH, 50). Longer silent chains are not walked.
  int max_silent_path = 50;
  // Worker threads over the variants; 0 = one per core, or the calling
  // thread alone when the variants hold fewer than about 40,000 events
  // (replay is cheaper than starting a thread). Results do not depend on it.
  int threads = 0;
};

// The replay of one activity sequence.
struct TraceReplay {
  // No missing and no remaining tokens. As in PM4Py, the final marking's
  // missing tokens do not count here (tokens elsewhere do, as remaining).
  bool is_fit = true;
  // 1/2 (1 - missing/consumed) + 1/2 (1 - remaining/produced); 1 when
  // nothing was consumed or produced.
  double fitness = 1;
  int64_t missing = 0;
  int64_t remaining = 0;
  int64_t consumed = 0;
  int64_t produced = 0;
  // The transitions (indices into the net) that were not enabled when their
  // event came, after silent firing, in event order; tokens were added
  // for each.
  std::vector<int> problem_transitions;
  // Their labels, the activities that were not enabled, in the same order.
  std::vector<std::string> not_enabled_activities;
  // Activities of the trace that no transition carries, in event order.
  std::vector<std::string> unknown_activities;
  // Every transition fired, silent ones included, in order.
  std::vector<int> fired;
  // The marking reached (before the final marking is taken off).
  sop::Marking reached;
  // Per place (indexed as the net's places): tokens added because missing,
  // the final marking's shortfall included, and tokens left over.
  std::vector<int64_t> place_missing;
  std::vector<int64_t> place_remaining;
};

// Counts of one place over a whole log, every case counted (PM4Py's
// place_fitness "m", "r", "c", "p").
struct PlaceReplayCounts {
  int64_t missing = 0;
  int64_t remaining = 0;
  int64_t consumed = 0;
  int64_t produced = 0;
  // Cases with missing (underfed) or remaining (overfed) tokens here.
  int64_t underfed_cases = 0;
  int64_t overfed_cases = 0;
};

struct TokenReplayResult {
  // One replay per variant, in the order of eventlog::Variants (most
  // frequent first).
  std::vector<TraceReplay> variants;
  // For each case of the view, by position: its variant's index.
  std::vector<uint32_t> case_variant;
  // Per place, summed over every case.
  std::vector<PlaceReplayCounts> places;

  // Sums over every case (not every variant).
  int64_t missing = 0;
  int64_t remaining = 0;
  int64_t consumed = 0;
  int64_t produced = 0;
  // 1/2 (1 - Σmissing/Σconsumed) + 1/2 (1 - Σremaining/Σproduced), PM4Py's
  // log_fitness; 0 for an empty view (as PM4Py).
  double log_fitness = 0;
  // The mean of the cases' fitness, and the percentage of fit cases.
  double average_trace_fitness = 0;
  double percentage_of_fitting_traces = 0;
  int64_t fitting_cases = 0;

  // The replay of the view's case at `position`.
  const TraceReplay& ForCase(size_t position) const {
    return variants[case_variant[position]];
  }
};

// Replays every case of `view` on `net` from `net.initial` to `net.final`.
// Activities are matched to transition labels by name (the log's
// classifier, concept:name by default).
//
// Errors: InvalidArgument when the net is malformed (an arc to a place that
// does not exist, a marking whose size is not the number of places or with
// negative counts, an empty final marking).
//
// Thread safety: reads `view` and `net` only; any number of calls may run
// at once.
Result<TokenReplayResult> TokenReplay(const eventlog::LogView& view,
                                      const sop::PetriNet& net,
                                      const TokenReplayOptions& options = {});

// Replays one sequence of activity names; errors as TokenReplay.
Result<TraceReplay> TokenReplayTrace(const std::vector<std::string>& activities,
                                     const sop::PetriNet& net,
                                     const TokenReplayOptions& options = {});

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_TOKEN_REPLAY_H_

// Optimal alignments of traces with a Petri net: for each trace, a cheapest
// sequence of moves that explains the trace by a complete run of the net
// (from the initial to the final marking).
//
// A move is synchronous (the event and a transition with its activity as
// label, cost 0), a log move (the event alone, cost 10000), or a model move
// (a transition alone: 10000 when visible, 1 when silent) — PM4Py's standard
// costs, so costs and fitness agree with PM4Py's. The search is A* over the
// synchronous product of the trace and the net with an admissible,
// consistent heuristic, so every computed alignment is optimal; its cost is
// unique even where several alignments reach it.
//
// Fitness as PM4Py defines it: a trace's bwc (best worst cost) is the cost
// of aligning the empty trace plus 10000 per event; its fitness is
// 1 - (cost div 10000) / (bwc div 10000) (silent moves ignored; 0 when the
// divisor is 0); the log's is 1 - Σcost / Σbwc over the cases.
//
// Alignments are computed once per variant, over the variants on several
// threads.
#ifndef LIVESOP_MINING_ALIGNMENTS_H_
#define LIVESOP_MINING_ALIGNMENTS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "eventlog/log.h"
#include "sop/petri_net.h"

namespace livesop::mining {

// PM4Py's standard costs.
inline constexpr int64_t kAlignLogMoveCost = 10000;
inline constexpr int64_t kAlignModelMoveCost = 10000;
inline constexpr int64_t kAlignSilentMoveCost = 1;

struct AlignmentOptions {
  // The most search states (marking and trace position pairs) one trace may
  // create. A trace that needs more is left "not computed" rather than
  // holding the memory (about 60 bytes plus one byte per place a state) or
  // the time. Default 1,000,000.
  size_t max_states = 1'000'000;
  // Worker threads over the variants; 0 = one per core, or the calling
  // thread alone when the work is too small to gain (a few short traces).
  // Results do not depend on it.
  int threads = 0;
};

enum class MoveType {
  kSync,   // the event and a transition together
  kLog,    // the event alone
  kModel,  // a transition alone (silent or visible)
};

struct AlignmentMove {
  MoveType type = MoveType::kSync;
  // The event's activity (sync, log moves) or the transition's label
  // (model moves; empty for a silent transition).
  std::string activity;
  // The transition (index into the net's transitions), -1 for a log move.
  int transition = -1;
  // The event (index in the trace), -1 for a model move.
  int event = -1;
  bool silent = false;  // a model move on a silent transition

  friend bool operator==(const AlignmentMove&, const AlignmentMove&) = default;
};

struct TraceAlignment {
  // False when the search hit AlignmentOptions::max_states (or a place
  // would hold more than 255 tokens); `cost`, `fitness` and `moves` are then
  // not set, and the trace counts in no log figure.
  bool computed = true;
  std::string not_computed_reason;

  int64_t cost = 0;
  // The empty trace's cost + 10000 per event.
  int64_t bwc = 0;
  double fitness = 0;
  std::vector<AlignmentMove> moves;

  // Search effort: states taken off the queue, states created.
  size_t visited_states = 0;
  size_t queued_states = 0;
};

struct AlignmentResult {
  // One alignment per variant, in the order of eventlog::Variants (most
  // frequent first).
  std::vector<TraceAlignment> variants;
  // For each case of the view, by position: its variant's index.
  std::vector<uint32_t> case_variant;

  // The cost of the cheapest complete run of the net (the empty trace's
  // alignment).
  int64_t empty_trace_cost = 0;

  // Over the computed cases (every case counted, not every variant):
  // 1 - Σcost/Σbwc; the mean of the fitness; the percentage with fitness 1.
  // All 0 when no case was computed.
  double log_fitness = 0;
  double average_trace_fitness = 0;
  double percentage_of_fitting_traces = 0;
  int64_t fitting_cases = 0;
  int64_t computed_cases = 0;
  int64_t not_computed_cases = 0;

  // The alignment of the view's case at `position`.
  const TraceAlignment& ForCase(size_t position) const {
    return variants[case_variant[position]];
  }
};

// Aligns every case of `view` with `net`, from `net.initial` to
// `net.final`. Activities are matched to transition labels by name.
//
// Errors: InvalidArgument for a malformed net (as TokenReplay);
// FailedPrecondition when the final marking cannot be reached from the
// initial one (no alignment exists); ResourceExhausted when even the empty
// trace's alignment needs more than max_states states.
//
// Thread safety: reads `view` and `net` only; any number of calls may run
// at once.
Result<AlignmentResult> Align(const eventlog::LogView& view,
                              const sop::PetriNet& net,
                              const AlignmentOptions& options = {});

// Aligns one sequence of activity names; errors as Align.
Result<TraceAlignment> AlignTrace(const std::vector<std::string>& activities,
                                  const sop::PetriNet& net,
                                  const AlignmentOptions& options = {});

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_ALIGNMENTS_H_

// Control-flow drift: where, in a log's sequence of traces, the behaviour
// changes (docs/drift.md).
//
// Each trace is described by the directly-follows relations it shows (with
// its start and end). The log is cut where the relations' shares before and
// after differ most (the sum over relations of the 2x2 chi-square of "the
// trace shows it", before against after); the cut is kept when a
// permutation test of the same traces in random orders says it beats
// chance, and both sides are searched again (binary segmentation). No
// parameter depends on the log: the defaults are the detector.
#ifndef LIVESOP_MINING_DRIFT_H_
#define LIVESOP_MINING_DRIFT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "eventlog/log.h"

namespace livesop::mining {

struct DriftOptions {
  // Traces on each side of a cut, at least.
  int64_t min_segment = 40;
  // Random orders a cut's statistic is compared with.
  int permutations = 39;
  // A cut is kept when at most this share of the random orders reach its
  // statistic (with 39 orders, 0.03 means none of them).
  double significance = 0.03;
  // Relations shown by fewer traces of a segment (or by all but fewer)
  // are left out: too rare to tell anything.
  int64_t min_support = 5;
  // Seeds the random orders; the same seed gives the same answer.
  uint64_t seed = 1;
};

// A relation whose share changed at a change point.
struct DriftRelation {
  std::string from;   // an activity, or "" for the trace's start
  std::string to;     // an activity, or "" for the trace's end
  double before = 0;  // share of the traces before that show it
  double after = 0;
  double chi_square = 0;
};

struct ChangePoint {
  // The last trace before the change, 0-based in the log's order.
  int64_t trace_index = 0;
  // The first event time of the first trace after it; kNoTime when it has
  // none.
  int64_t time_us = eventlog::kNoTime;
  double statistic = 0;
  // Share of random orders of the segment's traces that reached the
  // statistic, (k + 1) / (permutations + 1).
  double p_value = 0;
  // The relations that changed most, largest chi-square first (at most 10).
  std::vector<DriftRelation> relations;
};

// The change points of `log`, traces in the log's order, earliest first.
// InvalidArgument for options out of range (min_segment < 2, no
// permutations, significance outside (0, 1)).
Result<std::vector<ChangePoint>> DetectDrift(const eventlog::EventLog& log,
                                             const DriftOptions& options = {});

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_DRIFT_H_

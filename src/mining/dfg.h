// The directly-follows graph of a log: how often activity b directly
// follows activity a within a case, how long that takes, and which
// activities start and end cases.
#ifndef LIVESOP_MINING_DFG_H_
#define LIVESOP_MINING_DFG_H_

#include <cstdint>
#include <string>
#include <vector>

#include "eventlog/log.h"
#include "sop/petri_net.h"

namespace livesop::mining {

// Durations of the time between the two events of an edge, in
// microseconds, over the pairs where both events have a timestamp.
struct DurationStats {
  int64_t count = 0;  // pairs with both timestamps
  // Mean, median and 90th percentile as numpy computes them (the median of
  // an even count is the mean of the two middle values; percentiles
  // interpolate linearly between ranks), so they match PM4Py's.
  double mean_us = 0;
  double median_us = 0;
  double p90_us = 0;
  int64_t min_us = 0;
  int64_t max_us = 0;

  friend bool operator==(const DurationStats&, const DurationStats&) = default;
};

struct DfgEdge {
  uint32_t source = 0;  // activity ids of the log
  uint32_t target = 0;
  int64_t count = 0;
  DurationStats duration;

  friend bool operator==(const DfgEdge&, const DfgEdge&) = default;
};

struct Dfg {
  // The log's activity names, indexed by activity id.
  std::vector<std::string> activities;
  // How many events carry each activity (in the view's cases).
  std::vector<int64_t> activity_count;
  // Edges with count > 0, ordered by (source, target).
  std::vector<DfgEdge> edges;
  // How many cases start / end with each activity (indexed by activity id;
  // zero for none).
  std::vector<int64_t> start_count;
  std::vector<int64_t> end_count;
  int64_t cases = 0;
  int64_t events = 0;

  // The edge a -> b, or nullptr.
  const DfgEdge* Find(uint32_t a, uint32_t b) const;
};

struct DfgOptions {
  // Compute duration statistics (costs a sort of every edge's durations).
  bool durations = true;
  // Worker threads; 0 = one per core. Results do not depend on it.
  int threads = 0;
};

// The directly-follows graph of the cases of `view`.
Dfg DiscoverDfg(const eventlog::LogView& view, const DfgOptions& options = {});

// `dfg` as a workflow net, as PM4Py converts one ("activity defines
// place"): a place per activity (id `p_N`, named by the activity) that holds
// a token once the activity ran; a transition labelled a from the source
// place to a's place per start activity a, one labelled b from a's place to
// b's per edge a -> b, and a silent transition from a's place to the sink
// per end activity a. The net replays exactly the directly-follows
// behaviour, labels repeating; an empty graph gives source and sink alone.
sop::PetriNet DfgToPetriNet(const Dfg& dfg);

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_DFG_H_

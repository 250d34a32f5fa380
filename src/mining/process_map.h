// Process maps: the directly-follows graph drawn with Graphviz, as process
// mining tools show it. The frequency view labels activities and paths with
// how often they occur; the performance view labels paths with the median
// time between their events. Sliders as in those tools keep the most
// frequent activities and paths.
#ifndef LIVESOP_MINING_PROCESS_MAP_H_
#define LIVESOP_MINING_PROCESS_MAP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "mining/dfg.h"

namespace livesop::mining {

enum class MapView { kFrequency, kPerformance };

struct MapOptions {
  MapView view = MapView::kFrequency;
  // The share (0..1] of activities kept, most frequent first; default all.
  // Ties at the cut are kept.
  double activities = 1.0;
  // The share (0..1] of paths (edges between kept activities) kept, most
  // frequent first; default all. Ties at the cut are kept.
  double paths = 1.0;
  // Activities / paths seen fewer times than this are left out (default 1:
  // none).
  int64_t min_activity_count = 1;
  int64_t min_path_count = 1;
};

// What a map shows after the thresholds.
struct ProcessMap {
  std::vector<uint32_t> activities;  // kept activity ids, most frequent first
  std::vector<DfgEdge> paths;        // kept edges
  std::vector<std::pair<uint32_t, int64_t>> starts;  // kept start activities
  std::vector<std::pair<uint32_t, int64_t>> ends;
};

// The activities and paths of `dfg` that `options` keep.
ProcessMap SelectMap(const Dfg& dfg, const MapOptions& options);

// The map as Graphviz DOT text (deterministic).
std::string MapToDot(const Dfg& dfg, const MapOptions& options);

// The map as an `<svg>` element laid out by Graphviz. InvalidArgument when a
// share is outside (0, 1]; Internal when Graphviz fails.
Result<std::string> RenderMapSvg(const Dfg& dfg, const MapOptions& options);

// A duration for people: "45 s", "12 min", "3.5 h", "2.1 d".
std::string HumanDuration(double micros);

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_PROCESS_MAP_H_

#include "mining/process_map.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>

#include "mining/internal/dot.h"
#include "sop/render.h"

namespace livesop::mining {
namespace {

// How many of `counts` (sorted descending) a share keeps: ceil(share * n),
// plus every later one equal to the last kept.
size_t Kept(const std::vector<int64_t>& counts, double share) {
  if (counts.empty()) return 0;
  auto keep = static_cast<size_t>(
      std::ceil(share * static_cast<double>(counts.size()) - 1e-9));
  keep = std::clamp<size_t>(keep, 1, counts.size());
  while (keep < counts.size() && counts[keep] == counts[keep - 1]) ++keep;
  return keep;
}

// A fill from light to dark blue by `weight` in [0, 1].
std::string Shade(double weight) {
  const int light = 230 - static_cast<int>(std::lround(weight * 140));
  char color[16];
  std::snprintf(color, sizeof(color), "#%02x%02xff", light, light);
  return color;
}

}  // namespace

std::string HumanDuration(double micros) {
  const double seconds = micros / 1e6;
  char text[32];
  if (seconds < 60) {
    std::snprintf(text, sizeof(text), "%.0f s", seconds);
  } else if (seconds < 3600) {
    std::snprintf(text, sizeof(text), "%.0f min", seconds / 60);
  } else if (seconds < 86400) {
    std::snprintf(text, sizeof(text), "%.1f h", seconds / 3600);
  } else {
    std::snprintf(text, sizeof(text), "%.1f d", seconds / 86400);
  }
  return text;
}

ProcessMap SelectMap(const Dfg& dfg, const MapOptions& options) {
  ProcessMap map;
  std::vector<uint32_t> order;
  for (uint32_t a = 0; a < dfg.activities.size(); ++a) {
    if (dfg.activity_count[a] >=
        std::max<int64_t>(options.min_activity_count, 1)) {
      order.push_back(a);
    }
  }
  std::stable_sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) {
    return dfg.activity_count[x] > dfg.activity_count[y];
  });
  std::vector<int64_t> counts;
  for (uint32_t a : order) counts.push_back(dfg.activity_count[a]);
  order.resize(Kept(counts, options.activities));
  map.activities = order;
  const std::set<uint32_t> kept(order.begin(), order.end());

  std::vector<DfgEdge> candidates;
  for (const DfgEdge& edge : dfg.edges) {
    if (kept.count(edge.source) > 0 && kept.count(edge.target) > 0 &&
        edge.count >= std::max<int64_t>(options.min_path_count, 1)) {
      candidates.push_back(edge);
    }
  }
  std::stable_sort(
      candidates.begin(), candidates.end(),
      [](const DfgEdge& x, const DfgEdge& y) { return x.count > y.count; });
  counts.clear();
  for (const DfgEdge& edge : candidates) counts.push_back(edge.count);
  candidates.resize(Kept(counts, options.paths));
  map.paths = candidates;
  for (uint32_t a : order) {
    if (dfg.start_count[a] > 0) map.starts.emplace_back(a, dfg.start_count[a]);
    if (dfg.end_count[a] > 0) map.ends.emplace_back(a, dfg.end_count[a]);
  }
  return map;
}

std::string MapToDot(const Dfg& dfg, const MapOptions& options) {
  const ProcessMap map = SelectMap(dfg, options);
  const bool performance = options.view == MapView::kPerformance;
  int64_t most = 1;
  for (uint32_t a : map.activities)
    most = std::max(most, dfg.activity_count[a]);
  int64_t most_path = 1;
  double slowest = 1;
  for (const DfgEdge& edge : map.paths) {
    most_path = std::max(most_path, edge.count);
    slowest = std::max(slowest, edge.duration.median_us);
  }
  std::ostringstream dot;
  dot << "digraph map {\n  rankdir=TB;\n"
      << "  node [shape=box, style=\"rounded,filled\", fontname=\"Helvetica\", "
         "fontsize=11];\n  edge [fontname=\"Helvetica\", fontsize=9];\n"
      << "  start [shape=circle, label=\"\", width=0.25, style=filled, "
         "fillcolor=\"#4caf50\"];\n"
      << "  end [shape=doublecircle, label=\"\", width=0.2, style=filled, "
         "fillcolor=\"#e53935\"];\n";
  for (uint32_t a : map.activities) {
    const double weight =
        static_cast<double>(dfg.activity_count[a]) / static_cast<double>(most);
    dot << "  a" << a << " [label="
        << internal::DotQuote(dfg.activities[a] + "\n" +
                              std::to_string(dfg.activity_count[a]))
        << ", fillcolor=\"" << Shade(weight) << "\""
        << (weight > 0.6 ? ", fontcolor=white" : "") << "];\n";
  }
  for (const auto& [a, count] : map.starts) {
    dot << "  start -> a" << a
        << " [label=" << internal::DotQuote(std::to_string(count))
        << ", style=dashed];\n";
  }
  for (const auto& [a, count] : map.ends) {
    dot << "  a" << a
        << " -> end [label=" << internal::DotQuote(std::to_string(count))
        << ", style=dashed];\n";
  }
  for (const DfgEdge& edge : map.paths) {
    const double weight = performance ? edge.duration.median_us / slowest
                                      : static_cast<double>(edge.count) /
                                            static_cast<double>(most_path);
    const std::string label =
        performance
            ? (edge.duration.count > 0 ? HumanDuration(edge.duration.median_us)
                                       : std::string("no time"))
            : std::to_string(edge.count);
    char width[16];
    std::snprintf(width, sizeof(width), "%.2f", 1.0 + 4.0 * weight);
    dot << "  a" << edge.source << " -> a" << edge.target
        << " [label=" << internal::DotQuote(label) << ", penwidth=" << width
        << (performance && weight > 0.5 ? ", color=\"#c62828\"" : "") << "];\n";
  }
  dot << "}\n";
  return dot.str();
}

Result<std::string> RenderMapSvg(const Dfg& dfg, const MapOptions& options) {
  for (double share : {options.activities, options.paths}) {
    if (!(share > 0 && share <= 1)) {
      return InvalidArgumentError(
          "a map keeps a share of activities and paths between 0 (exclusive) "
          "and 1; got " +
          std::to_string(share));
    }
  }
  return sop::LayoutDotSvg(MapToDot(dfg, options));
}

}  // namespace livesop::mining

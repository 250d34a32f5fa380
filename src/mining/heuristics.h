// The Heuristics Miner (Weijters, van der Aalst, Alves de Medeiros), as
// PM4Py 2.7 implements it: a heuristics net whose arcs are the
// directly-follows relations that are frequent and one-directional enough.
//
// Steps, over the directly-follows graph of the log:
//   1. pre-cleaning: an edge a->b seen fewer times than
//      dfg_pre_cleaning_noise_threshold x min(max_a, max_b) goes, where
//      max_x is the count of x's most frequent incoming or outgoing edge;
//   2. dependency of a->b: (|a>b| - |b>a|) / (|a>b| + |b>a| + 1), and of a
//      self-loop a->a (loop of length one): |a>a| / (|a>a| + 1);
//   3. an edge is kept when its dependency reaches dependency_threshold, it
//      was seen min_dfg_occurrences times and both activities
//      min_activity_count times; the nodes are the activities of kept edges;
//   4. AND measure of two outputs b, c of a node a:
//      (|b>c| + |c>b|) / (|a>b| + |a>c| + 1), and of two inputs b, c of a:
//      (|b>c| + |c>b|) / (|b>a| + |c>a| + 1); pairs reaching and_threshold
//      are AND-related (both taken), the others exclusive;
//   5. loops of length two: for a node a and b with a b a in the log,
//      (|aba| + |bab|) / (|aba| + |bab| + 1) reaching loop_two_threshold
//      adds the edges a->b and b->a (dependency 0) unless either direction
//      is already a dependency edge.
// The net is data: nodes with counts, edges with dependency and count, and
// per node the AND pairs and the bindings they make (PM4Py's cliques).
//
// Thread safety: the function keeps no state and may run concurrently.
#ifndef LIVESOP_MINING_HEURISTICS_H_
#define LIVESOP_MINING_HEURISTICS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "eventlog/log.h"

namespace livesop::mining {

struct HeuristicsOptions {
  // Least dependency measure of a kept edge, in [-1, 1]. Higher keeps
  // fewer, more certain edges. Default 0.5, as PM4Py.
  double dependency_threshold = 0.5;
  // Least AND measure for two branches to be concurrent rather than
  // exclusive, >= 0. Default 0.65, as PM4Py.
  double and_threshold = 0.65;
  // Least loop-of-length-two measure, in [0, 1). Default 0.5, as PM4Py.
  double loop_two_threshold = 0.5;
  // Least occurrences of an activity for its edges to count (default 1).
  int64_t min_activity_count = 1;
  // Least directly-follows count of a kept edge ("positive observations";
  // default 1).
  int64_t min_dfg_occurrences = 1;
  // Share of an activity's busiest edge below which an edge is noise and
  // removed before anything else, in [0, 1). Default 0.05, as PM4Py; 0
  // turns the cleaning off.
  double dfg_pre_cleaning_noise_threshold = 0.05;
};

// Two outputs (or two inputs) of a node that are AND-related.
struct AndPair {
  uint32_t first = 0;  // activity ids, `first` before `second` by name
  uint32_t second = 0;
  double measure = 0;
};

struct HeuristicsEdge {
  uint32_t source = 0;  // activity ids of the log
  uint32_t target = 0;
  // The dependency measure; 0 on an edge of a length-two loop.
  double dependency = 0;
  // How often target directly follows source (after pre-cleaning; 0 when
  // a length-two loop edge goes where the cleaning removed the relation).
  int64_t count = 0;
  bool loop_two = false;  // added for a loop of length two

  friend bool operator==(const HeuristicsEdge&,
                         const HeuristicsEdge&) = default;
};

struct HeuristicsNode {
  uint32_t activity = 0;
  std::string name;
  int64_t count = 0;        // events with this activity
  int64_t start_count = 0;  // cases starting / ending with it
  int64_t end_count = 0;
  // Activity ids this node leads to / is reached from, by name.
  std::vector<uint32_t> outputs;
  std::vector<uint32_t> inputs;
  // AND-related pairs among the outputs (split) and inputs (join), of the
  // dependency edges only (not the length-two loop edges), by name.
  std::vector<AndPair> and_outputs;
  std::vector<AndPair> and_inputs;
  // The ways out (in): each binding is a set of outputs (inputs) taken
  // together, a maximal clique of AND pairs; an output in no AND pair is a
  // binding of its own. Bindings exclude each other (XOR). Sorted by name
  // inside, then by their first member.
  std::vector<std::vector<uint32_t>> split_bindings;
  std::vector<std::vector<uint32_t>> join_bindings;
};

struct HeuristicsNet {
  // The log's activity names, indexed by activity id.
  std::vector<std::string> activities;
  // Nodes ordered by name. When no edge is kept, every activity is a node.
  std::vector<HeuristicsNode> nodes;
  // Edges ordered by (source name, target name).
  std::vector<HeuristicsEdge> edges;

  // The node of `name`, or nullptr.
  const HeuristicsNode* FindNode(std::string_view name) const;
  // The edge source -> target by name, or nullptr.
  const HeuristicsEdge* FindEdge(std::string_view source,
                                 std::string_view target) const;
};

// The heuristics net of the cases of `view`. InvalidArgument when an option
// is out of its range.
Result<HeuristicsNet> DiscoverHeuristicsNet(
    const eventlog::LogView& view, const HeuristicsOptions& options = {});

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_HEURISTICS_H_

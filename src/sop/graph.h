// Compilation of one process to an executable graph: one node per step plus
// the implicit end, edges labelled by how they are taken (plain sequence, an
// approval outcome, a gateway branch). The engine walks this graph; the
// validator checks reachability on it; petri_net.h translates it to a net.
#ifndef LIVESOP_SOP_GRAPH_H_
#define LIVESOP_SOP_GRAPH_H_

#include <string>
#include <vector>

#include "sop/model.h"

namespace livesop::sop {

enum class EdgeKind {
  kNext,      // step.next
  kApproved,  // approval/review outcome
  kRejected,
  kChangesRequested,  // the revision loop
  kBranch,            // gateway branch with a condition (or parallel branch)
  kDefault,           // exclusive gateway's default branch
};

const char* EdgeKindName(EdgeKind kind);  // "next", "approved", …

struct GraphEdge {
  int from = 0;
  int to = 0;
  EdgeKind kind = EdgeKind::kNext;
  const Condition* when = nullptr;  // kBranch on exclusive gateways
  std::string label;                // for diagrams: branch label or outcome
  SourceLocation where;             // where the target was written
};

struct GraphNode {
  std::string id;
  const Step* step = nullptr;  // nullptr for the implicit end node
  StepType type = StepType::kEnd;
  std::vector<int> out;  // indices into ProcessGraph::edges
  std::vector<int> in;
};

// The graph of one process. Node 0 .. steps.size()-1 are the process's steps
// in written order; the last node is the implicit "end". Pointers refer into
// the Process, which must outlive the graph.
struct ProcessGraph {
  const Process* process = nullptr;
  int start = -1;  // -1 when the process has no steps or `start` is unknown
  int end = -1;    // the implicit end node
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;

  // Index of the node with `id`, or -1.
  int Find(const std::string& id) const;
  // True when the node completes the process: the implicit end or an end step.
  bool IsTerminal(int node) const;
};

// Builds the graph of `process`. Never fails: targets that name no step are
// left out (the validator reports them as unknown-reference).
ProcessGraph CompileGraph(const Process& process);

// Nodes reachable from the start, as a mask indexed by node.
std::vector<bool> ReachableFromStart(const ProcessGraph& graph);

// Nodes from which some terminal node can be reached, as a mask.
std::vector<bool> CanReachEnd(const ProcessGraph& graph);

// Strongly connected components (Tarjan); each component lists node indices.
std::vector<std::vector<int>> StronglyConnectedComponents(
    const ProcessGraph& graph);

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_GRAPH_H_

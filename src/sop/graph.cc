#include "sop/graph.h"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <unordered_map>
#include <utility>

namespace livesop::sop {
namespace {

// Step ids to node indices; the first step wins when ids repeat, as in
// ProcessGraph::Find.
using IdIndex = std::unordered_map<std::string, int>;

// Resolves a written target to a node index. A step id wins over the reserved
// "end", so a process that names a step "end" routes to that step.
int ResolveTarget(const ProcessGraph& graph, const IdIndex& ids,
                  const std::string& target) {
  if (target.empty()) return -1;
  auto it = ids.find(target);
  if (it != ids.end()) return it->second;
  if (target == kEndStep) return graph.end;
  return -1;
}

void AddEdge(ProcessGraph& graph, const IdIndex& ids, int from,
             const std::string& target, EdgeKind kind, const Condition* when,
             std::string label, const SourceLocation& where) {
  const int to = ResolveTarget(graph, ids, target);
  if (to < 0) return;  // unknown-reference is the validator's finding
  const int index = static_cast<int>(graph.edges.size());
  GraphEdge edge;
  edge.from = from;
  edge.to = to;
  edge.kind = kind;
  edge.when = when;
  edge.label = std::move(label);
  edge.where = where;
  graph.edges.push_back(std::move(edge));
  graph.nodes[from].out.push_back(index);
  graph.nodes[to].in.push_back(index);
}

void AddStepEdges(ProcessGraph& graph, const IdIndex& ids, int node,
                  const Step& step) {
  // Each edge points at the value that names its target, falling back to the
  // step (or branch) when the key was not written or its location not kept.
  auto at = [&step](const char* key) {
    return LocationOf(step.at, key, step.where);
  };
  switch (step.type) {
    case StepType::kTask:
    case StepType::kChecklist:
    case StepType::kNotification:
    case StepType::kWait:
    case StepType::kJoin:
      AddEdge(graph, ids, node, step.next, EdgeKind::kNext, nullptr, {},
              at("next"));
      break;
    case StepType::kApproval:
    case StepType::kReview: {
      const bool approved_by_next = step.on_approved.empty();
      AddEdge(graph, ids, node, approved_by_next ? step.next : step.on_approved,
              EdgeKind::kApproved, nullptr, EdgeKindName(EdgeKind::kApproved),
              at(approved_by_next ? "next" : "on_approved"));
      const std::string rejected =
          step.on_rejected.empty() ? std::string(kEndStep) : step.on_rejected;
      AddEdge(graph, ids, node, rejected, EdgeKind::kRejected, nullptr,
              EdgeKindName(EdgeKind::kRejected), at("on_rejected"));
      AddEdge(graph, ids, node, step.on_changes_requested,
              EdgeKind::kChangesRequested, nullptr,
              EdgeKindName(EdgeKind::kChangesRequested),
              at("on_changes_requested"));
      break;
    }
    case StepType::kExclusive:
    case StepType::kParallel:
      for (const Branch& branch : step.branches) {
        const bool is_default =
            step.type == StepType::kExclusive && branch.is_default;
        const Condition* when = nullptr;
        if (step.type == StepType::kExclusive && branch.when.has_value()) {
          when = &*branch.when;
        }
        std::string label = branch.label;
        if (label.empty() && is_default) {
          label = EdgeKindName(EdgeKind::kDefault);
        }
        AddEdge(graph, ids, node, branch.next,
                is_default ? EdgeKind::kDefault : EdgeKind::kBranch, when,
                std::move(label), LocationOf(branch.at, "next", branch.where));
      }
      break;
    case StepType::kEnd:
      break;
  }
}

// Breadth-first search over `graph` from `seeds`, forward along `out` edges
// or backward along `in` edges.
std::vector<bool> Search(const ProcessGraph& graph,
                         const std::vector<int>& seeds, bool forward) {
  std::vector<bool> seen(graph.nodes.size(), false);
  std::deque<int> queue;
  for (int seed : seeds) {
    if (seed < 0 || seed >= static_cast<int>(seen.size()) || seen[seed]) {
      continue;
    }
    seen[seed] = true;
    queue.push_back(seed);
  }
  while (!queue.empty()) {
    const int node = queue.front();
    queue.pop_front();
    const GraphNode& n = graph.nodes[node];
    for (int e : forward ? n.out : n.in) {
      const GraphEdge& edge = graph.edges[e];
      const int next = forward ? edge.to : edge.from;
      if (!seen[next]) {
        seen[next] = true;
        queue.push_back(next);
      }
    }
  }
  return seen;
}

}  // namespace

const char* EdgeKindName(EdgeKind kind) {
  switch (kind) {
    case EdgeKind::kNext:
      return "next";
    case EdgeKind::kApproved:
      return "approved";
    case EdgeKind::kRejected:
      return "rejected";
    case EdgeKind::kChangesRequested:
      return "changes_requested";
    case EdgeKind::kBranch:
      return "branch";
    case EdgeKind::kDefault:
      return "default";
  }
  return "next";
}

int ProcessGraph::Find(const std::string& id) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].id == id) return static_cast<int>(i);
  }
  return -1;
}

bool ProcessGraph::IsTerminal(int node) const {
  if (node < 0 || node >= static_cast<int>(nodes.size())) return false;
  return node == end || nodes[node].type == StepType::kEnd;
}

ProcessGraph CompileGraph(const Process& process) {
  ProcessGraph graph;
  graph.process = &process;
  const int step_count = static_cast<int>(process.steps.size());
  graph.nodes.reserve(process.steps.size() + 1);
  for (const Step& step : process.steps) {
    GraphNode node;
    node.id = step.id;
    node.step = &step;
    node.type = step.type;
    graph.nodes.push_back(std::move(node));
  }
  GraphNode end;
  end.id = kEndStep;
  end.type = StepType::kEnd;
  graph.nodes.push_back(std::move(end));
  graph.end = step_count;

  IdIndex ids;
  ids.reserve(process.steps.size());
  for (int i = 0; i < step_count; ++i) ids.emplace(process.steps[i].id, i);

  if (step_count > 0) {
    if (process.start.empty()) {
      graph.start = 0;
    } else {
      auto it = ids.find(process.start);
      if (it != ids.end()) graph.start = it->second;
    }
  }

  for (int i = 0; i < step_count; ++i) {
    AddStepEdges(graph, ids, i, process.steps[i]);
  }
  return graph;
}

std::vector<bool> ReachableFromStart(const ProcessGraph& graph) {
  return Search(graph, {graph.start}, /*forward=*/true);
}

std::vector<bool> CanReachEnd(const ProcessGraph& graph) {
  std::vector<int> terminals;
  for (int i = 0; i < static_cast<int>(graph.nodes.size()); ++i) {
    if (graph.IsTerminal(i)) terminals.push_back(i);
  }
  return Search(graph, terminals, /*forward=*/false);
}

// Tarjan's algorithm with an explicit call stack: each frame remembers the
// node and how many of its out edges have been visited, so a chain of any
// length uses heap memory rather than the thread's stack.
std::vector<std::vector<int>> StronglyConnectedComponents(
    const ProcessGraph& graph) {
  const int n = static_cast<int>(graph.nodes.size());
  std::vector<int> index(n, -1);
  std::vector<int> lowlink(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<int> stack;
  std::vector<std::pair<int, size_t>> frames;  // node, next out edge
  std::vector<std::vector<int>> components;
  int counter = 0;

  for (int root = 0; root < n; ++root) {
    if (index[root] != -1) continue;
    frames.emplace_back(root, 0);
    index[root] = lowlink[root] = counter++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      auto& [node, next_edge] = frames.back();
      const std::vector<int>& out = graph.nodes[node].out;
      if (next_edge < out.size()) {
        const int to = graph.edges[out[next_edge]].to;
        ++next_edge;
        if (index[to] == -1) {
          index[to] = lowlink[to] = counter++;
          stack.push_back(to);
          on_stack[to] = true;
          frames.emplace_back(to, 0);  // invalidates `node`, `next_edge`
        } else if (on_stack[to]) {
          lowlink[node] = std::min(lowlink[node], index[to]);
        }
        continue;
      }
      const int done = node;
      frames.pop_back();
      if (!frames.empty()) {
        const int parent = frames.back().first;
        lowlink[parent] = std::min(lowlink[parent], lowlink[done]);
      }
      if (lowlink[done] == index[done]) {
        std::vector<int> component;
        int member = -1;
        do {
          member = stack.back();
          stack.pop_back();
          on_stack[member] = false;
          component.push_back(member);
        } while (member != done);
        std::sort(component.begin(), component.end());
        components.push_back(std::move(component));
      }
    }
  }
  return components;
}

}  // namespace livesop::sop

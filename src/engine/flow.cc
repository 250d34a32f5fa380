#include "engine/flow.h"

#include <deque>
#include <utility>

namespace livesop::engine {
namespace {

using sop::EdgeKind;
using sop::ProcessGraph;
using sop::StepType;

bool IsGateway(StepType type) {
  return type == StepType::kExclusive || type == StepType::kParallel ||
         type == StepType::kJoin;
}

// The outcome an end reached this way records.
std::string EndOutcome(const ProcessGraph& graph, int node,
                       EdgeKind arrived_by) {
  const sop::Step* step = graph.nodes[node].step;
  if (step != nullptr && !step->outcome.empty()) return step->outcome;
  return arrived_by == EdgeKind::kRejected ? "rejected" : "completed";
}

// The edge an exclusive gateway takes: the first branch whose condition
// holds on `inputs`, else its default.
Result<int> ChooseBranch(const ProcessGraph& graph, int node,
                         const sop::Case& inputs) {
  int chosen = -1;
  int fallback = -1;
  for (int e : graph.nodes[node].out) {
    const sop::GraphEdge& out = graph.edges[e];
    if (out.kind == EdgeKind::kDefault) {
      if (fallback < 0) fallback = e;
    } else if (chosen < 0 &&
               (out.when == nullptr || sop::Holds(*out.when, inputs))) {
      chosen = e;
    }
  }
  if (chosen >= 0) return chosen;
  if (fallback >= 0) return fallback;
  return FailedPreconditionError(
      "no branch of gateway " + graph.nodes[node].id + " applies to " +
      sop::CaseToString(inputs) +
      "; give it a default branch in the SOP, or complete the campaign's "
      "data");
}

// The edges a token leaves gateway `node` by.
Result<std::vector<int>> PassGateway(const ProcessGraph& graph, int node,
                                     const sop::Case& inputs) {
  if (graph.nodes[node].type == StepType::kExclusive) {
    LIVESOP_ASSIGN_OR_RETURN(int edge, ChooseBranch(graph, node, inputs));
    return std::vector<int>{edge};
  }
  return graph.nodes[node].out;
}

// Moves tokens from `edges` on until each rests on a work step, waits in a
// join, or reaches an end. An end that completes the process waits for the
// other tokens; one that rejects or cancels it ends it at once, as a
// rejected approval stops the work of every branch.
Status Flow(const ProcessGraph& graph, FlowState& state,
            const std::vector<int>& edges, const sop::Case& inputs,
            FlowStep& step) {
  std::deque<int> pending(edges.begin(), edges.end());
  bool completed = false;
  while (true) {
    if (pending.empty()) {
      // A join never waits for a branch that can no longer arrive: with no
      // work step active anywhere, a join holding tokens lets them on.
      // Sound processes never get here; departures can (a step reopened
      // inside a parallel region).
      if (!state.active.empty() || state.join_arrivals.empty()) break;
      const int join = state.join_arrivals.begin()->first;
      state.join_arrivals.erase(join);
      step.passed.push_back(join);
      const std::vector<int>& out = graph.nodes[join].out;
      pending.insert(pending.end(), out.begin(), out.end());
      continue;
    }
    const sop::GraphEdge& edge = graph.edges[pending.front()];
    pending.pop_front();
    const int node = edge.to;
    if (graph.IsTerminal(node)) {
      const std::string outcome = EndOutcome(graph, node, edge.kind);
      if (outcome == "completed") {
        completed = true;
        continue;
      }
      state.active.clear();
      state.join_arrivals.clear();
      state.ended = true;
      state.end_outcome = outcome;
      step.ended = true;
      return OkStatus();
    }
    const sop::GraphNode& target = graph.nodes[node];
    if (!IsGateway(target.type)) {
      if (state.active.insert(node).second) step.activated.push_back(node);
      continue;
    }
    if (target.type == StepType::kJoin) {
      const int arrived = ++state.join_arrivals[node];
      if (arrived < static_cast<int>(target.in.size())) continue;
      state.join_arrivals.erase(node);
    }
    step.passed.push_back(node);
    LIVESOP_ASSIGN_OR_RETURN(std::vector<int> out,
                             PassGateway(graph, node, inputs));
    pending.insert(pending.end(), out.begin(), out.end());
  }
  if (completed && state.active.empty()) {
    state.join_arrivals.clear();
    state.ended = true;
    state.end_outcome = "completed";
    step.ended = true;
  }
  return OkStatus();
}

EdgeKind EdgeFor(Outcome outcome) {
  switch (outcome) {
    case Outcome::kApproved:
      return EdgeKind::kApproved;
    case Outcome::kRejected:
      return EdgeKind::kRejected;
    case Outcome::kChangesRequested:
      return EdgeKind::kChangesRequested;
    case Outcome::kDone:
      break;
  }
  return EdgeKind::kNext;
}

}  // namespace

const char* OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kDone:
      return "done";
    case Outcome::kApproved:
      return "approved";
    case Outcome::kRejected:
      return "rejected";
    case Outcome::kChangesRequested:
      return "changes_requested";
  }
  return "done";
}

Result<FlowStep> Start(const ProcessGraph& graph, FlowState& state,
                       const sop::Case& inputs) {
  if (graph.start < 0) {
    return FailedPreconditionError("the process has no start step");
  }
  if (state.ended || !state.active.empty() || !state.join_arrivals.empty()) {
    return FailedPreconditionError("the process has started already");
  }
  FlowState next = state;
  FlowStep step;
  const int start = graph.start;
  if (graph.IsTerminal(start)) {
    next.ended = true;
    next.end_outcome = EndOutcome(graph, start, EdgeKind::kNext);
    step.ended = true;
  } else if (IsGateway(graph.nodes[start].type)) {
    step.passed.push_back(start);
    LIVESOP_ASSIGN_OR_RETURN(std::vector<int> out,
                             PassGateway(graph, start, inputs));
    LIVESOP_RETURN_IF_ERROR(Flow(graph, next, out, inputs, step));
  } else {
    next.active.insert(start);
    step.activated.push_back(start);
  }
  state = std::move(next);
  return step;
}

Result<FlowStep> Advance(const ProcessGraph& graph, FlowState& state, int node,
                         Outcome outcome, const sop::Case& inputs) {
  if (state.ended) {
    return FailedPreconditionError("the process has ended (" +
                                   state.end_outcome + ")");
  }
  if (node < 0 || node >= static_cast<int>(graph.nodes.size()) ||
      state.active.count(node) == 0) {
    return FailedPreconditionError(
        "step " +
        (node >= 0 && node < static_cast<int>(graph.nodes.size())
             ? graph.nodes[node].id
             : std::to_string(node)) +
        " is not active");
  }
  const sop::GraphNode& current = graph.nodes[node];
  const bool decides =
      current.type == StepType::kApproval || current.type == StepType::kReview;
  if (decides == (outcome == Outcome::kDone)) {
    return InvalidArgumentError(
        std::string("step ") + current.id + " is finished with " +
        (decides ? "a decision (approved, rejected or changes_requested)"
                 : "done") +
        ", not " + OutcomeName(outcome));
  }
  const EdgeKind kind = EdgeFor(outcome);
  std::vector<int> edges;
  for (int e : current.out) {
    if (graph.edges[e].kind == kind) edges.push_back(e);
  }
  if (edges.empty()) {
    return InvalidArgumentError("step " + current.id + " has no " +
                                OutcomeName(outcome) + " path in the SOP");
  }
  FlowState next = state;
  next.active.erase(node);
  FlowStep step;
  LIVESOP_RETURN_IF_ERROR(Flow(graph, next, edges, inputs, step));
  state = std::move(next);
  return step;
}

void Cancel(FlowState& state) {
  state.active.clear();
  state.join_arrivals.clear();
  state.ended = true;
  state.end_outcome = "cancelled";
}

}  // namespace livesop::engine

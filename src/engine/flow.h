// Where a campaign stands in its process, and how it moves on: tokens on the
// process graph of sop/graph.h. When a work step completes (with an outcome
// for approvals and reviews), its token follows the matching edge and passes
// through gateways at once: an exclusive gateway takes the first branch whose
// condition holds on the campaign's inputs (else its default), a parallel
// gateway starts every branch, a join waits until a token has arrived on
// every incoming edge. The result is the work steps that became active, and
// whether the process ended and how.
//
// Pure functions on a value: the engine keeps a FlowState per campaign in its
// projection and records what Advance returns as events, so replaying the
// events rebuilds the same state.
#ifndef LIVESOP_ENGINE_FLOW_H_
#define LIVESOP_ENGINE_FLOW_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "sop/condition.h"
#include "sop/graph.h"

namespace livesop::engine {

// How a work step was finished.
enum class Outcome { kDone, kApproved, kRejected, kChangesRequested };

// "done", "approved", "rejected", "changes_requested".
const char* OutcomeName(Outcome outcome);

struct FlowState {
  std::set<int> active;              // work steps waiting to be finished
  std::map<int, int> join_arrivals;  // join node → tokens arrived so far
  bool ended = false;
  // "completed", "rejected" or "cancelled" once ended: the outcome of the
  // end step reached, or "rejected" for a rejection without on_rejected.
  std::string end_outcome;

  friend bool operator==(const FlowState&, const FlowState&) = default;
};

// What one move changed.
struct FlowStep {
  std::vector<int> activated;  // work steps that became active, in order
  std::vector<int> passed;     // gateways passed on the way, in order
  bool ended = false;
};

// Puts the first token on the process's start step. Errors:
// FailedPrecondition when the graph has no start, or the state has started.
Result<FlowStep> Start(const sop::ProcessGraph& graph, FlowState& state,
                       const sop::Case& inputs);

// Finishes the active work step `node` with `outcome` and moves its token
// on. Errors: FailedPrecondition when `node` is not active (finished
// already, or not reached yet) or the process has ended; InvalidArgument
// for an outcome the step does not have (an approval outcome on a task, a
// changes request on a step without a revision loop); FailedPrecondition
// when an exclusive gateway finds no branch for the inputs. The state is
// unchanged on error.
Result<FlowStep> Advance(const sop::ProcessGraph& graph, FlowState& state,
                         int node, Outcome outcome, const sop::Case& inputs);

// Ends the process at once (a cancellation): every token is removed.
void Cancel(FlowState& state);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_FLOW_H_

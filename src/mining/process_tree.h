// Process trees: block-structured process models, the form the Inductive
// Miner discovers. A tree is an activity leaf, a silent leaf (tau), or an
// operator over subtrees:
//   ->( A, B, ... )  sequence: A, then B, ...
//   X( A, B, ... )   exclusive choice: exactly one of them
//   +( A, B, ... )   parallel: all of them, interleaved in any order
//   *( A, B )        loop: A, then any number of times B followed by A again
//                    (PM4Py's two-child do/redo form)
// The text form is PM4Py's (`->( 'a', X( 'b', 'c' ), tau )`), so trees can be
// compared with PM4Py's output as strings.
//
// Thread safety: trees are plain values; the functions here keep no state.
#ifndef LIVESOP_MINING_PROCESS_TREE_H_
#define LIVESOP_MINING_PROCESS_TREE_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sop/petri_net.h"

namespace livesop::mining {

enum class TreeKind {
  kActivity,
  kTau,
  kSequence,
  kExclusiveChoice,
  kParallel,
  kLoop,
};

struct ProcessTree {
  TreeKind kind = TreeKind::kTau;
  // The activity of a kActivity leaf; empty otherwise.
  std::string label;
  // Operators: at least one child; a loop exactly two (do, redo). Leaves:
  // none.
  std::vector<ProcessTree> children;

  static ProcessTree Activity(std::string label);
  static ProcessTree Tau();
  static ProcessTree Operator(TreeKind kind, std::vector<ProcessTree> children);

  bool is_leaf() const {
    return kind == TreeKind::kActivity || kind == TreeKind::kTau;
  }

  // Structural equality: same kinds, labels and children in the same order.
  friend bool operator==(const ProcessTree&, const ProcessTree&) = default;
};

// The tree in PM4Py's notation: operators `->`, `X`, `+`, `*` followed by
// "( " children joined by ", " " )", activities in single quotes, silent
// leaves as `tau`. One difference: a tree that is a single activity prints
// quoted (`'a'`), where PM4Py prints the bare label, so every string parses
// back.
std::string ToString(const ProcessTree& tree);

// Parses PM4Py's notation (whitespace between tokens is free; `τ` is read
// as tau). Labels run to the next single quote, as in PM4Py, so they cannot
// contain one. InvalidArgument, with the byte offset, on malformed text or a
// tree ValidateProcessTree rejects.
Result<ProcessTree> ParseProcessTree(std::string_view text);

// OK, or InvalidArgument naming the first node (by its path of child
// indices from the root) that breaks the shape rules of ProcessTree:
// an operator without children, a loop without exactly two, a leaf with
// children, an activity with an empty label.
Status ValidateProcessTree(const ProcessTree& tree);

// PM4Py's `fold`: the same language with less structure. Repeats until
// nothing changes: operators with one child become that child; taus are
// dropped from sequences and parallels; choices keep at most one tau;
// nested sequences, choices and parallels of the same kind are flattened
// into their parent; a loop of two taus becomes tau. `tree` must be valid.
ProcessTree FoldProcessTree(ProcessTree tree);

// PM4Py's `tree_sort`: orders the children of every choice and parallel
// node by the sum of the MD5 digests (as 128-bit numbers) of the activity
// labels below them, ties keeping their order, so equal models print alike.
void SortProcessTree(ProcessTree& tree);

// Converts `tree` to a workflow net as PM4Py's `convert_to_petri_net`
// does: a source place and a sink place (initial and final marking one
// token each); a visible transition per activity leaf (id "t<n>"), a silent
// one per tau leaf ("skip_<n>"), a silent split and join per parallel node
// ("tauSplit_<n>", "tauJoin_<n>"), silent transitions entering and
// repeating each loop ("init_loop_<n>", "loop_<n>") plus one to leave it;
// a silent "tau_<n>" after the source (before the sink) when the tree
// starts (ends) with a choice, a parallel or a loop. PM4Py's simple
// reduction then fuses each silent transition with the transition before
// (after) it where a place with one input and one output links just those
// two. Place and silent transition ids follow PM4Py's counters ("p_<n>").
// The net of a valid tree is a sound workflow net.
// InvalidArgument when ValidateProcessTree rejects `tree`.
Result<sop::PetriNet> ProcessTreeToPetriNet(const ProcessTree& tree);

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_PROCESS_TREE_H_

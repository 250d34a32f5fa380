// The Inductive Miner: discovers a process tree (and from it a sound
// workflow net) that can replay every case of a log, as PM4Py 2.7 does it.
//
// The log is taken as its variants with counts. Each step looks at the
// directly-follows graph of the current sub-log and tries, in order:
//   base cases   no traces: tau; one variant of at most one event: that
//                activity (or tau);
//   empty traces a sub-log with empty traces becomes X( tau, rest );
//   cuts         exclusive choice (components of the undirected graph),
//                sequence (PM4Py's strict sequence cut), parallel (every
//                part holding a start and an end activity), loop
//                (do part: the start and end activities; redo parts: the
//                other components, entered only from every end activity and
//                left only to every start activity);
//   fall-throughs an activity in every trace exactly once, in parallel with
//                the rest; an activity whose removal leaves a cut, in
//                parallel with the rest; a strict tau loop (traces split
//                where an end activity is followed by a start activity); a
//                tau loop (split before every start activity); the flower
//                model *( X( every activity ), tau ).
// Each cut splits the variants into sub-logs (with their counts) that are
// mined the same way. The tree is then folded and sorted as PM4Py does
// (FoldProcessTree, SortProcessTree), so it prints as PM4Py's would.
//
// IMf (noise_threshold > 0): empty traces below the threshold's share of
// the traces are dropped instead of making a choice; and where no cut is
// found, the cuts are tried once more on the graph without the edges a→b
// seen at most noise_threshold × the count of a's most frequent outgoing
// edge (or end), before falling through.
//
// Where PM4Py depends on Python's set order (the order of choice and redo
// parts before sorting) this implementation orders parts by their first
// activity name, which changes no tree of IM: no trace straddles two parts
// there. Multiplicities are summed wherever projected traces coincide
// (PM4Py overwrites them in its parallel projection, which only IMf's
// thresholds could notice).
//
// Thread safety: the functions keep no state and may run concurrently.
#ifndef LIVESOP_MINING_INDUCTIVE_H_
#define LIVESOP_MINING_INDUCTIVE_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/status.h"
#include "eventlog/log.h"
#include "mining/process_tree.h"
#include "sop/petri_net.h"

namespace livesop::mining {

struct InductiveOptions {
  // IMf's noise threshold, in [0, 1]. Default 0: the plain Inductive Miner
  // (IM), whose model replays every trace. Higher values drop more
  // infrequent behaviour for a simpler, less fitting model; PM4Py's IMf
  // default is 0.2.
  double noise_threshold = 0.0;
};

// One distinct trace of a log with how many cases follow it.
struct TraceCount {
  std::vector<uint32_t> activities;  // indices into the activity names
  int64_t count = 1;
};

// The process tree of `traces`, whose activity ids index `activities`.
// InvalidArgument when the threshold is outside [0, 1], an activity id is
// out of range or a count is not positive. An empty log gives tau.
Result<ProcessTree> DiscoverProcessTree(
    std::span<const TraceCount> traces,
    const std::vector<std::string>& activities,
    const InductiveOptions& options = {});

// The process tree of the cases of `view` (their variants).
Result<ProcessTree> DiscoverProcessTree(const eventlog::LogView& view,
                                        const InductiveOptions& options = {});

// The process tree of `view` converted by ProcessTreeToPetriNet: PM4Py's
// `discover_petri_net_inductive`.
Result<sop::PetriNet> DiscoverPetriNetInductive(
    const eventlog::LogView& view, const InductiveOptions& options = {});

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_INDUCTIVE_H_

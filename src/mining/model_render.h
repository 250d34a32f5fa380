// Discovered models drawn with Graphviz: Petri nets (places as circles with
// their tokens, visible transitions as labelled boxes, silent ones as small
// black bars) and heuristics nets (activities with counts, dependency arcs
// with their measure and count).
#ifndef LIVESOP_MINING_MODEL_RENDER_H_
#define LIVESOP_MINING_MODEL_RENDER_H_

#include <string>

#include "core/status.h"
#include "mining/heuristics.h"
#include "sop/petri_net.h"

namespace livesop::mining {

// Graphviz DOT text of `net`, left to right; the initial marking's places
// show a token, the final marking's a double circle. Deterministic.
std::string PetriNetToDot(const sop::PetriNet& net);

// Graphviz DOT text of `net`: one box per activity with its count, one arc
// per dependency edge labelled "measure (count)". Deterministic.
std::string HeuristicsNetToDot(const HeuristicsNet& net);

// Either, laid out as an `<svg>` element (sop::LayoutDotSvg).
Result<std::string> PetriNetToSvg(const sop::PetriNet& net);
Result<std::string> HeuristicsNetToSvg(const HeuristicsNet& net);

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_MODEL_RENDER_H_

// Workflow Petri nets: the formal form of a process, for the soundness check
// here and for conformance checking in the mining module. A process graph
// compiles to a workflow net with one source place and one sink place; each
// work step becomes a visible transition labelled with the step's name, and
// gateways, outcome routing and joins become silent transitions.
#ifndef LIVESOP_SOP_PETRI_NET_H_
#define LIVESOP_SOP_PETRI_NET_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "sop/graph.h"

namespace livesop::sop {

struct Place {
  std::string id;
  std::string name;
};

struct Transition {
  std::string id;
  std::string label;  // the activity (step name); empty when silent
  bool silent = false;
  std::string step;          // the step id it stems from, if any
  std::vector<int> inputs;   // place indices, one entry per arc (weight 1)
  std::vector<int> outputs;  // place indices
};

// A marking: tokens per place index.
using Marking = std::vector<int>;

struct PetriNet {
  std::string id;
  std::vector<Place> places;
  std::vector<Transition> transitions;
  Marking initial;  // one token on the source place
  Marking final;    // one token on the sink place
  int source = -1;
  int sink = -1;

  int AddPlace(std::string id, std::string name = {});
  int AddTransition(std::string id, std::string label, bool silent,
                    std::string step = {});
  void AddArc(int place, int transition);                 // place -> transition
  void AddArc(int transition, int place, bool to_place);  // transition -> place
};

// Translates `graph` into a workflow net. Approval and review outcomes become
// silent choices after the step's transition; an exclusive gateway becomes a
// silent transition per branch; a parallel gateway one silent transition with
// an output per branch; a join one silent transition with an input per
// incoming edge.
PetriNet CompileNet(const ProcessGraph& graph);

// The result of exploring the reachability graph (van der Aalst soundness).
struct SoundnessReport {
  bool option_to_complete =
      true;  // from every reachable marking, final is reachable
  bool proper_completion = true;  // no reachable marking > final
  bool bounded = true;            // no place grows without bound
  bool truncated = false;         // the state limit was hit; results partial
  std::vector<int> dead_transitions;  // never enabled
  // Example markings, rendered "p1, 2*p3", for each violated property.
  std::vector<std::string> deadlocks;
  std::vector<std::string> improper_markings;
  size_t states_explored = 0;

  bool sound() const {
    return option_to_complete && proper_completion && bounded &&
           dead_transitions.empty() && !truncated;
  }
};

// Explores the reachability graph of `net` breadth first, up to `max_states`
// markings.
SoundnessReport CheckSoundness(const PetriNet& net, size_t max_states = 200000);

// Renders `marking` as "p_a, 2*p_b" using place ids.
std::string MarkingToString(const PetriNet& net, const Marking& marking);

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_PETRI_NET_H_

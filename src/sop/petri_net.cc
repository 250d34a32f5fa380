#include "sop/petri_net.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <unordered_set>
#include <utility>

namespace livesop::sop {
namespace {

constexpr size_t kMaxExamples = 3;

// How the net reaches one node of the graph: the place each incoming edge
// deposits its token into.
struct NodePlaces {
  int input = -1;                // every node but a join
  std::vector<int> join_inputs;  // a join: one place per incoming edge
  std::vector<int> edge_place;   // parallel to GraphNode::in
};

std::string StepLabel(const Step& step) {
  return step.name.empty() ? step.id : step.name;
}

// The place an edge's token lands in.
int TargetPlace(const ProcessGraph& graph,
                const std::vector<NodePlaces>& places, int edge_index) {
  const GraphEdge& edge = graph.edges[edge_index];
  const GraphNode& to = graph.nodes[edge.to];
  const NodePlaces& target = places[edge.to];
  for (size_t k = 0; k < to.in.size(); ++k) {
    if (to.in[k] == edge_index) return target.edge_place[k];
  }
  return target.input;
}

}  // namespace

int PetriNet::AddPlace(std::string place_id, std::string name) {
  const int index = static_cast<int>(places.size());
  places.push_back(Place{std::move(place_id), std::move(name)});
  initial.resize(places.size(), 0);
  final.resize(places.size(), 0);
  return index;
}

int PetriNet::AddTransition(std::string transition_id, std::string label,
                            bool silent, std::string step) {
  const int index = static_cast<int>(transitions.size());
  Transition t;
  t.id = std::move(transition_id);
  t.label = silent ? std::string() : std::move(label);
  t.silent = silent;
  t.step = std::move(step);
  transitions.push_back(std::move(t));
  return index;
}

void PetriNet::AddArc(int place, int transition) {
  transitions[transition].inputs.push_back(place);
}

void PetriNet::AddArc(int transition, int place, bool to_place) {
  if (to_place) {
    transitions[transition].outputs.push_back(place);
  } else {
    transitions[transition].inputs.push_back(place);
  }
}

PetriNet CompileNet(const ProcessGraph& graph) {
  PetriNet net;
  if (graph.process != nullptr) net.id = graph.process->id;
  net.source = net.AddPlace("i", "source");
  net.sink = net.AddPlace("o", "sink");
  net.initial[net.source] = 1;
  net.final[net.sink] = 1;

  const int node_count = static_cast<int>(graph.nodes.size());
  std::vector<NodePlaces> places(node_count);

  // The start step takes its token straight from the source, unless something
  // loops back to it: a workflow net's source place has no incoming arcs, so
  // then a silent t_start moves the token on.
  const bool start_in_source =
      graph.start >= 0 && graph.nodes[graph.start].in.empty() &&
      graph.nodes[graph.start].type != StepType::kJoin &&
      graph.start != graph.end;
  int start_place = -1;

  for (int n = 0; n < node_count; ++n) {
    const GraphNode& node = graph.nodes[n];
    NodePlaces& np = places[n];
    if (n == graph.end) {
      np.input = net.sink;
    } else if (node.type == StepType::kJoin) {
      for (size_t k = 0; k < node.in.size(); ++k) {
        const int p =
            net.AddPlace("p_" + node.id + "_in" + std::to_string(k), node.id);
        np.join_inputs.push_back(p);
        np.edge_place.push_back(p);
      }
      if (n == graph.start || node.in.empty()) {
        // A join nothing leads into still needs an input, or its transition
        // would fire from the empty marking.
        const int p = net.AddPlace("p_" + node.id + "_start", node.id);
        np.join_inputs.push_back(p);
        if (n == graph.start) start_place = p;
      }
      continue;
    } else if (n == graph.start && start_in_source) {
      np.input = net.source;
    } else {
      np.input = net.AddPlace(
          "p_" + node.id, node.step != nullptr ? StepLabel(*node.step) : "");
      if (n == graph.start) start_place = np.input;
    }
    np.edge_place.assign(node.in.size(), np.input);
  }

  if (graph.start >= 0 && !start_in_source) {
    const int t = net.AddTransition("t_start", {}, /*silent=*/true);
    net.AddArc(net.source, t);
    net.AddArc(t, start_place, /*to_place=*/true);
  }

  for (int n = 0; n < node_count; ++n) {
    if (n == graph.end) continue;
    const GraphNode& node = graph.nodes[n];
    const Step& step = *node.step;
    const NodePlaces& np = places[n];
    const std::string tid = "t_" + node.id;
    switch (node.type) {
      case StepType::kTask:
      case StepType::kChecklist:
      case StepType::kNotification:
      case StepType::kWait: {
        const int t = net.AddTransition(tid, StepLabel(step), false, step.id);
        net.AddArc(np.input, t);
        for (int e : node.out) {
          net.AddArc(t, TargetPlace(graph, places, e), true);
        }
        break;
      }
      case StepType::kApproval:
      case StepType::kReview: {
        const int t = net.AddTransition(tid, StepLabel(step), false, step.id);
        net.AddArc(np.input, t);
        if (node.out.size() == 1) {
          net.AddArc(t, TargetPlace(graph, places, node.out[0]), true);
        } else if (node.out.size() > 1) {
          const int decided = net.AddPlace("p_" + node.id + "_out", node.id);
          net.AddArc(t, decided, true);
          for (int e : node.out) {
            const int choice =
                net.AddTransition(tid + "_" + EdgeKindName(graph.edges[e].kind),
                                  {}, true, step.id);
            net.AddArc(decided, choice);
            net.AddArc(choice, TargetPlace(graph, places, e), true);
          }
        }
        break;
      }
      case StepType::kExclusive: {
        if (node.out.empty()) {
          const int t = net.AddTransition(tid, {}, true, step.id);
          net.AddArc(np.input, t);
          break;
        }
        for (size_t k = 0; k < node.out.size(); ++k) {
          const int t = net.AddTransition(tid + "_" + std::to_string(k), {},
                                          true, step.id);
          net.AddArc(np.input, t);
          net.AddArc(t, TargetPlace(graph, places, node.out[k]), true);
        }
        break;
      }
      case StepType::kParallel: {
        const int t = net.AddTransition(tid, {}, true, step.id);
        net.AddArc(np.input, t);
        for (int e : node.out) {
          net.AddArc(t, TargetPlace(graph, places, e), true);
        }
        break;
      }
      case StepType::kJoin: {
        const int t = net.AddTransition(tid, {}, true, step.id);
        for (int p : np.join_inputs) net.AddArc(p, t);
        for (int e : node.out) {
          net.AddArc(t, TargetPlace(graph, places, e), true);
        }
        break;
      }
      case StepType::kEnd: {
        const int t = net.AddTransition(tid, {}, true, step.id);
        net.AddArc(np.input, t);
        net.AddArc(t, net.sink, true);
        break;
      }
    }
  }
  return net;
}

namespace {

struct MarkingHash {
  const std::vector<Marking>* states;
  size_t operator()(int index) const {
    uint64_t h = 1469598103934665603ULL;
    for (int tokens : (*states)[index]) {
      h ^= static_cast<uint64_t>(static_cast<uint32_t>(tokens));
      h *= 1099511628211ULL;
    }
    return static_cast<size_t>(h);
  }
};

struct MarkingEqual {
  const std::vector<Marking>* states;
  bool operator()(int a, int b) const { return (*states)[a] == (*states)[b]; }
};

// True when `bigger` >= `smaller` on every place and differs somewhere.
bool StrictlyCovers(const Marking& bigger, const Marking& smaller) {
  bool differs = false;
  for (size_t p = 0; p < bigger.size(); ++p) {
    if (bigger[p] < smaller[p]) return false;
    if (bigger[p] > smaller[p]) differs = true;
  }
  return differs;
}

bool Enabled(const Transition& t, const Marking& m, std::vector<int>& need) {
  // `need` is a zeroed scratch buffer sized to the places; an input listed
  // twice needs two tokens.
  bool ok = true;
  for (int p : t.inputs) {
    if (++need[p] > m[p]) ok = false;
  }
  for (int p : t.inputs) need[p] = 0;
  return ok;
}

}  // namespace

SoundnessReport CheckSoundness(const PetriNet& net, size_t max_states) {
  SoundnessReport report;
  const size_t place_count = net.places.size();
  const int transition_count = static_cast<int>(net.transitions.size());

  // Transitions by input place, so only those near a token are tried.
  std::vector<std::vector<int>> consumers(place_count);
  std::vector<int> sourceless;  // no inputs: enabled everywhere
  for (int t = 0; t < transition_count; ++t) {
    const std::vector<int>& inputs = net.transitions[t].inputs;
    if (inputs.empty()) {
      sourceless.push_back(t);
      continue;
    }
    for (int p : inputs) {
      std::vector<int>& list = consumers[p];
      if (list.empty() || list.back() != t) list.push_back(t);
    }
  }

  std::vector<Marking> states;
  std::vector<int> parent;
  std::vector<int> totals;
  std::vector<bool> expanded;
  std::vector<std::vector<int>> predecessors;
  std::unordered_set<int, MarkingHash, MarkingEqual> known(
      16, MarkingHash{&states}, MarkingEqual{&states});
  std::deque<int> queue;
  std::vector<bool> ever_enabled(transition_count, false);

  Marking final_marking = net.final;
  final_marking.resize(place_count, 0);

  // Adds `m` (reached from `from`) unless known; returns its index, or -1
  // when the state limit stops the search.
  auto add_state = [&](Marking m, int from) -> int {
    states.push_back(std::move(m));
    const int candidate = static_cast<int>(states.size()) - 1;
    auto it = known.find(candidate);
    if (it != known.end()) {
      states.pop_back();
      return *it;
    }
    if (static_cast<size_t>(candidate) >= max_states) {
      states.pop_back();
      report.truncated = true;
      return -1;
    }
    known.insert(candidate);
    const Marking& added = states.back();
    int total = 0;
    for (int tokens : added) total += tokens;
    parent.push_back(from);
    totals.push_back(total);
    expanded.push_back(false);
    predecessors.emplace_back();

    if (net.sink >= 0 && static_cast<size_t>(net.sink) < place_count &&
        added[net.sink] > 0 && total > 1) {
      report.proper_completion = false;
      if (report.improper_markings.size() < kMaxExamples) {
        report.improper_markings.push_back(MarkingToString(net, added));
      }
    }

    // Coverability shortcut: a marking that strictly covers one on its own
    // path can repeat the same firing sequence forever.
    bool covers = false;
    for (int a = from; a >= 0 && !covers; a = parent[a]) {
      if (totals[a] < total && StrictlyCovers(added, states[a])) covers = true;
    }
    if (covers) {
      report.bounded = false;
    } else {
      queue.push_back(candidate);
    }
    return candidate;
  };

  Marking initial = net.initial;
  initial.resize(place_count, 0);
  add_state(std::move(initial), -1);

  std::vector<int> need(place_count, 0);
  std::vector<int> candidates;
  std::vector<bool> tried(transition_count, false);
  while (!queue.empty() && !report.truncated) {
    const int s = queue.front();
    queue.pop_front();

    candidates.assign(sourceless.begin(), sourceless.end());
    for (size_t p = 0; p < place_count; ++p) {
      if (states[s][p] == 0) continue;
      for (int t : consumers[p]) {
        if (!tried[t]) {
          tried[t] = true;
          candidates.push_back(t);
        }
      }
    }
    std::sort(candidates.begin(), candidates.end());

    bool any_enabled = false;
    bool complete = true;
    for (int t : candidates) {
      tried[t] = false;
      if (!complete) continue;
      const Transition& transition = net.transitions[t];
      if (!Enabled(transition, states[s], need)) continue;
      any_enabled = true;
      ever_enabled[t] = true;
      Marking next = states[s];
      for (int p : transition.inputs) --next[p];
      for (int p : transition.outputs) ++next[p];
      const int target = add_state(std::move(next), s);
      if (target < 0) {
        complete = false;
        continue;
      }
      predecessors[target].push_back(s);
    }
    if (!complete) break;
    expanded[s] = true;
    if (!any_enabled && states[s] != final_marking) {
      if (report.deadlocks.size() < kMaxExamples) {
        report.deadlocks.push_back(MarkingToString(net, states[s]));
      }
    }
  }
  report.states_explored = states.size();

  // Option to complete: walk back from the final marking. States that were
  // not expanded (the frontier of a truncated or unbounded search) might
  // still complete, so they count as able to; every expanded state's future
  // is then fully known.
  std::vector<bool> completes(states.size(), false);
  std::deque<int> back;
  for (size_t s = 0; s < states.size(); ++s) {
    if (!expanded[s] || states[s] == final_marking) {
      completes[s] = true;
      back.push_back(static_cast<int>(s));
    }
  }
  while (!back.empty()) {
    const int s = back.front();
    back.pop_front();
    for (int pred : predecessors[s]) {
      if (!completes[pred]) {
        completes[pred] = true;
        back.push_back(pred);
      }
    }
  }
  report.option_to_complete =
      std::all_of(completes.begin(), completes.end(), [](bool b) { return b; });

  for (int t = 0; t < transition_count; ++t) {
    if (!ever_enabled[t]) report.dead_transitions.push_back(t);
  }
  return report;
}

std::string MarkingToString(const PetriNet& net, const Marking& marking) {
  std::string out;
  for (size_t p = 0; p < marking.size(); ++p) {
    if (marking[p] == 0) continue;
    if (!out.empty()) out += ", ";
    if (marking[p] != 1) out += std::to_string(marking[p]) + "*";
    out += p < net.places.size() ? net.places[p].id : "#" + std::to_string(p);
  }
  return out.empty() ? "(empty)" : out;
}

}  // namespace livesop::sop

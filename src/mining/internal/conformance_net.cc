#include "mining/internal/conformance_net.h"

#include <algorithm>
#include <string>
#include <utility>

namespace livesop::mining::internal {
namespace {

std::vector<WeightedArc> Weighted(const std::vector<int>& places) {
  std::vector<WeightedArc> arcs;
  for (int p : places) {
    bool found = false;
    for (WeightedArc& arc : arcs) {
      if (arc.place == p) {
        ++arc.weight;
        found = true;
        break;
      }
    }
    if (!found) arcs.push_back({p, 1});
  }
  return arcs;
}

Status CheckMarking(const sop::Marking& marking, size_t places,
                    const char* what) {
  if (marking.size() > places) {
    return InvalidArgumentError(std::string("the ") + what + " marking has " +
                                std::to_string(marking.size()) +
                                " counts for " + std::to_string(places) +
                                " places");
  }
  for (int tokens : marking) {
    if (tokens < 0) {
      return InvalidArgumentError(std::string("the ") + what +
                                  " marking has a negative count");
    }
  }
  return OkStatus();
}

}  // namespace

int ConformanceNet::FindLabel(std::string_view name) const {
  const auto found = label_ids.find(std::string(name));
  return found == label_ids.end() ? -1 : found->second;
}

Result<ConformanceNet> BuildConformanceNet(const sop::PetriNet& net) {
  const size_t places = net.places.size();
  LIVESOP_RETURN_IF_ERROR(CheckMarking(net.initial, places, "initial"));
  LIVESOP_RETURN_IF_ERROR(CheckMarking(net.final, places, "final"));
  bool any_final = false;
  for (int tokens : net.final) any_final = any_final || tokens > 0;
  if (!any_final) {
    return InvalidArgumentError("the net has no final marking");
  }

  ConformanceNet c;
  c.num_places = static_cast<int>(places);
  c.num_transitions = static_cast<int>(net.transitions.size());
  c.initial.assign(places, 0);
  c.final.assign(places, 0);
  std::copy(net.initial.begin(), net.initial.end(), c.initial.begin());
  std::copy(net.final.begin(), net.final.end(), c.final.begin());
  c.consumers.resize(places);
  c.producers.resize(places);
  for (int t = 0; t < c.num_transitions; ++t) {
    const sop::Transition& transition = net.transitions[t];
    for (const std::vector<int>* arcs :
         {&transition.inputs, &transition.outputs}) {
      for (int p : *arcs) {
        if (p < 0 || static_cast<size_t>(p) >= places) {
          return InvalidArgumentError(
              "transition '" + transition.id + "' has an arc to place index " +
              std::to_string(p) + ", which is not a place");
        }
      }
    }
    c.pre.push_back(Weighted(transition.inputs));
    c.post.push_back(Weighted(transition.outputs));
    for (const WeightedArc& arc : c.pre.back()) {
      c.consumers[arc.place].push_back(t);
    }
    for (const WeightedArc& arc : c.post.back()) {
      c.producers[arc.place].push_back(t);
    }
    if (transition.silent) {
      c.label.push_back(-1);
      continue;
    }
    auto [at, added] = c.label_ids.try_emplace(
        transition.label, static_cast<int>(c.label_names.size()));
    if (added) {
      c.label_names.push_back(transition.label);
      c.label_transitions.emplace_back();
    }
    c.label.push_back(at->second);
    c.label_transitions[at->second].push_back(t);
  }
  return c;
}

std::vector<int> MapActivities(const eventlog::EventLog& log,
                               const ConformanceNet& net) {
  std::vector<int> labels;
  labels.reserve(log.activities().size());
  for (const std::string& activity : log.activities()) {
    labels.push_back(net.FindLabel(activity));
  }
  return labels;
}

}  // namespace livesop::mining::internal

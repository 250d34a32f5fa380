// The form of a Petri net that conformance checking (token replay,
// alignments) works on: arcs with weights, transitions grouped by label, and
// each log activity mapped to a label once.
#ifndef LIVESOP_MINING_INTERNAL_CONFORMANCE_NET_H_
#define LIVESOP_MINING_INTERNAL_CONFORMANCE_NET_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "eventlog/log.h"
#include "sop/petri_net.h"

namespace livesop::mining::internal {

// One arc: a place and how many tokens move along it.
struct WeightedArc {
  int place = 0;
  int weight = 1;
};

struct ConformanceNet {
  int num_places = 0;
  int num_transitions = 0;
  // Per transition: its input and output arcs, one per place (a place
  // listed w times in sop::Transition::inputs is one arc of weight w), in
  // the order the places first appear.
  std::vector<std::vector<WeightedArc>> pre;
  std::vector<std::vector<WeightedArc>> post;
  // Per transition: its label's id, or -1 when silent.
  std::vector<int> label;
  // Per label id: the text and the transitions carrying it (ascending).
  std::vector<std::string> label_names;
  std::vector<std::vector<int>> label_transitions;
  // Per place: the transitions with an arc from it / to it (ascending).
  std::vector<std::vector<int>> consumers;
  std::vector<std::vector<int>> producers;
  // The markings, one count per place.
  std::vector<int> initial;
  std::vector<int> final;

  bool silent(int t) const { return label[t] < 0; }
  // The id of label `name`, or -1 when no transition carries it.
  int FindLabel(std::string_view name) const;

  std::unordered_map<std::string, int> label_ids;
};

// Checks `net` (arcs to existing places, markings no longer than the places
// and without negative counts, a non-empty final marking) and builds its
// conformance form. Errors are InvalidArgument.
Result<ConformanceNet> BuildConformanceNet(const sop::PetriNet& net);

// For each activity of `log` (by activity id), its label id in `net` or -1.
std::vector<int> MapActivities(const eventlog::EventLog& log,
                               const ConformanceNet& net);

}  // namespace livesop::mining::internal

#endif  // LIVESOP_MINING_INTERNAL_CONFORMANCE_NET_H_

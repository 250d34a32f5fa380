// A* over the synchronous product of a trace and a net.
//
// A search state is a marking of the net and a position in the trace; its
// moves are the log move of the event at the position, the model move of
// each enabled transition, and the synchronous move of each enabled
// transition labelled with the event's activity. The heuristic is the sum of
// two lower bounds on the cost still to pay, over disjoint sets of moves:
//
//  - trace side: 10000 for each remaining event whose activity no
//    transition carries (it can only be a log move);
//  - model side: every token on a place outside the final marking must be
//    consumed, and the transition consuming it puts a token on one of its
//    output places, which in turn must be consumed unless the place is in the
//    final marking: so the run still to come contains, for each marked place
//    p, a chain of transitions from p to a final place (or to a transition
//    without outputs). Its cost is at least d(p), the cheapest such path in
//    the net's graph when a silent transition costs 1 and a visible one 0 if
//    its label occurs in the rest of the trace (it may be synchronous), else
//    10000. The bound is the largest d(p) over the marked places; a marked
//    place with no such path makes the state a dead end.
//
// Both parts are consistent (a move of cost c lowers them by at most c), so
// A* with a closed set returns an optimal alignment the first time it takes
// the goal (final marking, end of trace) off the queue. d is computed per
// distinct set of labels in a suffix: at most one Dijkstra per distinct
// activity of the trace.
#include "mining/alignments.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <limits>
#include <numeric>
#include <queue>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mining/internal/conformance_net.h"
#include "mining/internal/parallel.h"

namespace livesop::mining {
namespace {

using internal::ConformanceNet;
using internal::WeightedArc;

constexpr int64_t kInfinite = std::numeric_limits<int64_t>::max() / 4;
constexpr uint32_t kNoNode = std::numeric_limits<uint32_t>::max();
constexpr int32_t kLogMove = -1;
// Tokens a place may hold in a search state (one byte each).
constexpr int kMaxTokens = 255;

// Work (trace positions times transitions, over the variants) below which
// one thread is quicker than several: starting a thread costs about as much
// as aligning a few short traces.
constexpr size_t kWorkPerThread = 20000;

enum class Outcome { kFound, kUnreachable, kStateLimit, kTokenLimit };

// The search of one trace at a time; reused across traces by one thread so
// its buffers are allocated once.
class Aligner {
 public:
  Aligner(const ConformanceNet& net, size_t max_states)
      : net_(net),
        max_states_(max_states),
        words_((static_cast<size_t>(net.num_places) + 7) / 8),
        final_(words_, 0) {
    Pack(net.final, final_.data());
  }

  // `labels[i]` is the label id of event i (-1: no transition carries it);
  // `names[i]` its activity, for the moves.
  TraceAlignment Align(std::span<const int> labels,
                       std::span<const std::string_view> names) {
    TraceAlignment out;
    const Outcome outcome = Search(labels);
    out.visited_states = visited_;
    out.queued_states = nodes_.size();
    if (outcome != Outcome::kFound) {
      out.computed = false;
      switch (outcome) {
        case Outcome::kStateLimit:
          out.not_computed_reason = "the search needed more than " +
                                    std::to_string(max_states_) + " states";
          break;
        case Outcome::kTokenLimit:
          out.not_computed_reason =
              "a place would hold more than 255 tokens (is the net bounded?)";
          break;
        default:
          out.not_computed_reason =
              "the final marking cannot be reached from the initial marking";
          break;
      }
      return out;
    }
    out.cost = nodes_[goal_].g;
    std::vector<uint32_t> path;
    for (uint32_t n = goal_; nodes_[n].parent != kNoNode;
         n = nodes_[n].parent) {
      path.push_back(n);
    }
    std::reverse(path.begin(), path.end());
    out.moves.reserve(path.size());
    for (uint32_t n : path) {
      const Node& node = nodes_[n];
      const Node& parent = nodes_[node.parent];
      AlignmentMove& move = out.moves.emplace_back();
      move.transition = node.move;
      if (node.move == kLogMove) {
        move.type = MoveType::kLog;
        move.event = static_cast<int>(parent.pos);
        move.activity = std::string(names[parent.pos]);
      } else if (node.pos != parent.pos) {
        move.type = MoveType::kSync;
        move.event = static_cast<int>(parent.pos);
        move.activity = std::string(names[parent.pos]);
      } else {
        move.type = MoveType::kModel;
        move.silent = net_.silent(node.move);
        if (!move.silent)
          move.activity = net_.label_names[net_.label[node.move]];
      }
    }
    return out;
  }

  // The outcome and cost of aligning the empty trace.
  std::pair<Outcome, int64_t> EmptyTraceCost() {
    const Outcome outcome = Search({});
    return {outcome, outcome == Outcome::kFound ? nodes_[goal_].g : 0};
  }

 private:
  struct Node {
    int64_t g = 0;
    int64_t h = 0;
    uint64_t hash = 0;
    uint32_t pos = 0;
    uint32_t parent = kNoNode;
    int32_t move = kLogMove;
    bool closed = false;
  };

  struct QueueEntry {
    int64_t f;
    int64_t g;
    uint32_t pos;
    uint32_t node;
    // std::priority_queue takes the largest first: the smallest f, then the
    // furthest in the trace, then the largest g (closest to done).
    bool operator<(const QueueEntry& o) const {
      if (f != o.f) return f > o.f;
      if (pos != o.pos) return pos < o.pos;
      return g < o.g;
    }
  };

  void Pack(const std::vector<int>& marking, uint64_t* words) const {
    auto* bytes = reinterpret_cast<uint8_t*>(words);
    for (int p = 0; p < net_.num_places; ++p) {
      bytes[p] = static_cast<uint8_t>(std::min(marking[p], kMaxTokens));
    }
  }
  static int Tokens(const uint64_t* words, int place) {
    return reinterpret_cast<const uint8_t*>(words)[place];
  }
  static void SetTokens(uint64_t* words, int place, int tokens) {
    reinterpret_cast<uint8_t*>(words)[place] = static_cast<uint8_t>(tokens);
  }

  uint64_t Hash(const uint64_t* words, uint32_t pos) const {
    uint64_t h = 0x9E3779B97F4A7C15ULL ^ pos;
    for (size_t w = 0; w < words_; ++w) {
      h = (h ^ words[w]) * 0xFF51AFD7ED558CCDULL;
      h ^= h >> 32;
    }
    return h;
  }

  const uint64_t* MarkingOf(uint32_t node) const {
    return marks_.data() + static_cast<size_t>(node) * words_;
  }

  // The distances d(p) of the header comment for every distinct label set of
  // the trace's suffixes, and the trace side bound per position.
  void PrepareHeuristic(std::span<const int> labels) {
    const size_t n = labels.size();
    const int places = net_.num_places;
    unsync_.assign(n + 1, 0);
    band_.assign(n + 1, 0);
    in_suffix_.assign(net_.label_names.size(), 0);
    dist_.clear();
    AddBand();
    for (size_t i = n; i-- > 0;) {
      unsync_[i] = unsync_[i + 1] + (labels[i] < 0 ? kAlignLogMoveCost : 0);
      if (labels[i] >= 0 && !in_suffix_[labels[i]]) {
        in_suffix_[labels[i]] = 1;
        AddBand();
      }
      band_[i] = dist_.size() / places - 1;
    }
  }

  // Dijkstra backwards from the final places over the current label set.
  void AddBand() {
    const int places = net_.num_places;
    const int transitions = net_.num_transitions;
    const size_t base = dist_.size();
    dist_.resize(base + places, kInfinite);
    int64_t* d = dist_.data() + base;
    value_.assign(transitions, kInfinite);
    using Item = std::pair<int64_t, int>;  // distance, node (place or ~t)
    std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
    auto cost = [&](int t) -> int64_t {
      if (net_.silent(t)) return kAlignSilentMoveCost;
      return in_suffix_[net_.label[t]] ? 0 : kAlignModelMoveCost;
    };
    for (int p = 0; p < places; ++p) {
      if (net_.final[p] > 0) {
        d[p] = 0;
        heap.emplace(0, p);
      }
    }
    for (int t = 0; t < transitions; ++t) {
      if (net_.post[t].empty()) {
        value_[t] = cost(t);
        heap.emplace(value_[t], ~t);
      }
    }
    while (!heap.empty()) {
      const auto [dist, node] = heap.top();
      heap.pop();
      if (node >= 0) {
        if (dist != d[node]) continue;
        for (int t : net_.producers[node]) {
          const int64_t candidate = cost(t) + dist;
          if (candidate < value_[t]) {
            value_[t] = candidate;
            heap.emplace(candidate, ~t);
          }
        }
      } else {
        const int t = ~node;
        if (dist != value_[t]) continue;
        for (const WeightedArc& arc : net_.pre[t]) {
          if (dist < d[arc.place]) {
            d[arc.place] = dist;
            heap.emplace(dist, arc.place);
          }
        }
      }
    }
  }

  // The heuristic of a state, or kInfinite for a dead end.
  int64_t Heuristic(const uint64_t* marking, uint32_t pos) const {
    const int64_t* d =
        dist_.data() + static_cast<size_t>(band_[pos]) * net_.num_places;
    int64_t model = 0;
    for (int p = 0; p < net_.num_places; ++p) {
      if (Tokens(marking, p) > 0) model = std::max(model, d[p]);
    }
    if (model >= kInfinite) return kInfinite;
    return model + unsync_[pos];
  }

  void ResetSearch() {
    nodes_.clear();
    marks_.clear();
    queue_ = {};
    visited_ = 0;
    // A table grown by a large search is dropped rather than cleared slot
    // by slot for every later (usually small) one.
    constexpr size_t kInitialSlots = 1024;
    if (slots_.size() != kInitialSlots) {
      slots_.assign(kInitialSlots, kNoNode);
    } else {
      std::fill(slots_.begin(), slots_.end(), kNoNode);
    }
  }

  void Grow() {
    std::vector<uint32_t> bigger(slots_.size() * 2, kNoNode);
    const size_t mask = bigger.size() - 1;
    for (uint32_t n = 0; n < nodes_.size(); ++n) {
      size_t slot = nodes_[n].hash & mask;
      while (bigger[slot] != kNoNode) slot = (slot + 1) & mask;
      bigger[slot] = n;
    }
    slots_ = std::move(bigger);
  }

  // Reaches state (`marking`, `pos`) from `parent` by `move` at cost `g`.
  // False when the state limit is hit.
  bool Relax(const uint64_t* marking, uint32_t pos, int64_t g, uint32_t parent,
             int32_t move) {
    const uint64_t hash = Hash(marking, pos);
    const size_t mask = slots_.size() - 1;
    size_t slot = hash & mask;
    for (uint32_t n = slots_[slot]; n != kNoNode;
         slot = (slot + 1) & mask, n = slots_[slot]) {
      Node& node = nodes_[n];
      if (node.hash != hash || node.pos != pos ||
          std::memcmp(MarkingOf(n), marking, words_ * 8) != 0) {
        continue;
      }
      // A closed state already has its least cost (the heuristic is
      // consistent).
      if (node.closed || g >= node.g) return true;
      node.g = g;
      node.parent = parent;
      node.move = move;
      queue_.push({g + node.h, g, pos, n});
      return true;
    }
    const int64_t h = Heuristic(marking, pos);
    if (h >= kInfinite) return true;
    if (nodes_.size() >= max_states_) return false;
    const auto n = static_cast<uint32_t>(nodes_.size());
    Node& node = nodes_.emplace_back();
    node.g = g;
    node.h = h;
    node.hash = hash;
    node.pos = pos;
    node.parent = parent;
    node.move = move;
    marks_.insert(marks_.end(), marking, marking + words_);
    slots_[slot] = n;
    if (nodes_.size() * 2 > slots_.size()) Grow();
    queue_.push({g + h, g, pos, n});
    return true;
  }

  bool Enabled(const uint64_t* marking, int t) const {
    for (const WeightedArc& arc : net_.pre[t]) {
      if (Tokens(marking, arc.place) < arc.weight) return false;
    }
    return true;
  }

  // The marking after firing `t` in `from`, into `to`; false when a place
  // would overflow.
  bool Fire(const uint64_t* from, int t, uint64_t* to) const {
    std::memcpy(to, from, words_ * 8);
    for (const WeightedArc& arc : net_.pre[t]) {
      SetTokens(to, arc.place, Tokens(to, arc.place) - arc.weight);
    }
    for (const WeightedArc& arc : net_.post[t]) {
      const int tokens = Tokens(to, arc.place) + arc.weight;
      if (tokens > kMaxTokens) return false;
      SetTokens(to, arc.place, tokens);
    }
    return true;
  }

  Outcome Search(std::span<const int> labels) {
    ResetSearch();
    PrepareHeuristic(labels);
    const auto n = static_cast<uint32_t>(labels.size());
    for (int p = 0; p < net_.num_places; ++p) {
      if (net_.initial[p] > kMaxTokens || net_.final[p] > kMaxTokens) {
        return Outcome::kTokenLimit;
      }
    }
    current_.assign(words_, 0);
    next_.assign(words_, 0);
    Pack(net_.initial, current_.data());
    if (!Relax(current_.data(), 0, 0, kNoNode, kLogMove)) {
      return Outcome::kStateLimit;
    }
    while (!queue_.empty()) {
      const QueueEntry top = queue_.top();
      queue_.pop();
      Node& node = nodes_[top.node];
      if (node.closed || node.g != top.g) continue;
      node.closed = true;
      ++visited_;
      const uint32_t pos = node.pos;
      const int64_t g = node.g;
      const uint32_t id = top.node;
      // The marking is copied: Relax may grow marks_.
      std::memcpy(current_.data(), MarkingOf(id), words_ * 8);
      if (pos == n &&
          std::memcmp(current_.data(), final_.data(), words_ * 8) == 0) {
        goal_ = id;
        return Outcome::kFound;
      }
      const int label = pos < n ? labels[pos] : -2;
      if (pos < n && !Relax(current_.data(), pos + 1, g + kAlignLogMoveCost, id,
                            kLogMove)) {
        return Outcome::kStateLimit;
      }
      for (int t = 0; t < net_.num_transitions; ++t) {
        if (!Enabled(current_.data(), t)) continue;
        if (!Fire(current_.data(), t, next_.data()))
          return Outcome::kTokenLimit;
        if (net_.silent(t)) {
          if (!Relax(next_.data(), pos, g + kAlignSilentMoveCost, id, t)) {
            return Outcome::kStateLimit;
          }
          continue;
        }
        if (net_.label[t] == label && !Relax(next_.data(), pos + 1, g, id, t)) {
          return Outcome::kStateLimit;
        }
        if (!Relax(next_.data(), pos, g + kAlignModelMoveCost, id, t)) {
          return Outcome::kStateLimit;
        }
      }
    }
    return Outcome::kUnreachable;
  }

  const ConformanceNet& net_;
  const size_t max_states_;
  const size_t words_;  // 64-bit words per marking, one byte a place
  std::vector<uint64_t> final_;

  std::vector<Node> nodes_;
  std::vector<uint64_t> marks_;  // words_ per node
  std::vector<uint32_t> slots_;  // hash table of node indices
  std::priority_queue<QueueEntry> queue_;
  std::vector<uint64_t> current_;
  std::vector<uint64_t> next_;
  size_t visited_ = 0;
  uint32_t goal_ = kNoNode;

  std::vector<int64_t> unsync_;  // trace side bound per position
  std::vector<size_t> band_;     // per position: its distances in dist_
  std::vector<int64_t> dist_;    // num_places per band
  std::vector<char> in_suffix_;  // per label
  std::vector<int64_t> value_;   // per transition, during AddBand
};

// PM4Py's per-trace fitness: silent moves (cost below 10000) do not count.
double TraceFitness(int64_t cost, int64_t bwc) {
  // Integer division on purpose: whole deviations only, as PM4Py's `//`.
  const int64_t deviations = cost / kAlignLogMoveCost;
  const int64_t worst = bwc / kAlignLogMoveCost;
  if (worst <= 0) return 0;
  return 1.0 - static_cast<double>(deviations) / static_cast<double>(worst);
}

Result<int64_t> EmptyTraceCost(const ConformanceNet& net,
                               const AlignmentOptions& options) {
  Aligner aligner(net, options.max_states);
  const auto [outcome, cost] = aligner.EmptyTraceCost();
  switch (outcome) {
    case Outcome::kFound:
      return cost;
    case Outcome::kUnreachable:
      return FailedPreconditionError(
          "the final marking cannot be reached from the initial marking; no "
          "trace can be aligned");
    case Outcome::kStateLimit:
      return ResourceExhaustedError(
          "aligning the empty trace needs more than " +
          std::to_string(options.max_states) + " states");
    case Outcome::kTokenLimit:
      break;
  }
  return ResourceExhaustedError(
      "aligning the empty trace puts more than 255 tokens on a place");
}

void Finish(TraceAlignment& alignment, size_t events, int64_t empty_cost) {
  alignment.bwc = empty_cost + kAlignLogMoveCost * static_cast<int64_t>(events);
  if (alignment.computed) {
    alignment.fitness = TraceFitness(alignment.cost, alignment.bwc);
  }
}

}  // namespace

Result<AlignmentResult> Align(const eventlog::LogView& view,
                              const sop::PetriNet& net,
                              const AlignmentOptions& options) {
  LIVESOP_ASSIGN_OR_RETURN(const ConformanceNet cnet,
                           internal::BuildConformanceNet(net));
  LIVESOP_ASSIGN_OR_RETURN(const int64_t empty_cost,
                           EmptyTraceCost(cnet, options));
  const eventlog::EventLog& log = view.log();
  const std::vector<int> activity_labels = internal::MapActivities(log, cnet);
  const std::vector<eventlog::Variant> variants = eventlog::Variants(view);

  AlignmentResult result;
  result.empty_trace_cost = empty_cost;
  result.variants.resize(variants.size());

  // Longest variants first, so that no thread is left with a long one at
  // the end.
  std::vector<size_t> order(variants.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return variants[a].activities.size() > variants[b].activities.size();
  });
  size_t work = 0;
  for (const eventlog::Variant& v : variants) {
    work +=
        (v.activities.size() + 1) * static_cast<size_t>(cnet.num_transitions);
  }
  int threads = options.threads;
  if (threads <= 0) {
    threads = work >= kWorkPerThread ? internal::Threads(0) : 1;
  }
  threads = static_cast<int>(std::clamp<size_t>(
      static_cast<size_t>(threads), 1, std::max<size_t>(variants.size(), 1)));
  std::atomic<size_t> next{0};
  const std::vector<internal::Slice> workers(static_cast<size_t>(threads));
  internal::RunSlices(workers, [&](size_t, const internal::Slice&) {
    Aligner aligner(cnet, options.max_states);
    std::vector<int> labels;
    std::vector<std::string_view> names;
    for (size_t k = next++; k < order.size(); k = next++) {
      const eventlog::Variant& variant = variants[order[k]];
      labels.clear();
      names.clear();
      for (uint32_t a : variant.activities) {
        labels.push_back(activity_labels[a]);
        names.push_back(log.activities()[a]);
      }
      TraceAlignment& alignment = result.variants[order[k]];
      alignment = aligner.Align(labels, names);
      Finish(alignment, labels.size(), empty_cost);
    }
  });

  std::vector<uint32_t> variant_of(log.num_cases(), 0);
  double cost_sum = 0;
  double bwc_sum = 0;
  double fitness_sum = 0;
  for (size_t v = 0; v < variants.size(); ++v) {
    const TraceAlignment& a = result.variants[v];
    const auto cases = static_cast<int64_t>(variants[v].cases.size());
    for (uint32_t c : variants[v].cases)
      variant_of[c] = static_cast<uint32_t>(v);
    if (!a.computed) {
      result.not_computed_cases += cases;
      continue;
    }
    result.computed_cases += cases;
    cost_sum += static_cast<double>(a.cost) * static_cast<double>(cases);
    bwc_sum += static_cast<double>(a.bwc) * static_cast<double>(cases);
    fitness_sum += a.fitness * static_cast<double>(cases);
    if (a.fitness == 1.0) result.fitting_cases += cases;
  }
  result.case_variant.reserve(view.num_cases());
  for (uint32_t c : view.cases()) result.case_variant.push_back(variant_of[c]);
  if (result.computed_cases > 0) {
    const auto n = static_cast<double>(result.computed_cases);
    result.log_fitness = bwc_sum > 0 ? 1.0 - cost_sum / bwc_sum : 0;
    result.average_trace_fitness = fitness_sum / n;
    result.percentage_of_fitting_traces =
        100.0 * static_cast<double>(result.fitting_cases) / n;
  }
  return result;
}

Result<TraceAlignment> AlignTrace(const std::vector<std::string>& activities,
                                  const sop::PetriNet& net,
                                  const AlignmentOptions& options) {
  LIVESOP_ASSIGN_OR_RETURN(const ConformanceNet cnet,
                           internal::BuildConformanceNet(net));
  LIVESOP_ASSIGN_OR_RETURN(const int64_t empty_cost,
                           EmptyTraceCost(cnet, options));
  std::vector<int> labels;
  std::vector<std::string_view> names;
  for (const std::string& activity : activities) {
    labels.push_back(cnet.FindLabel(activity));
    names.emplace_back(activity);
  }
  TraceAlignment alignment =
      Aligner(cnet, options.max_states).Align(labels, names);
  Finish(alignment, labels.size(), empty_cost);
  return alignment;
}

}  // namespace livesop::mining

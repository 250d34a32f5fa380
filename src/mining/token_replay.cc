// Token-based replay, a transcription of PM4Py 2.7's
// algo/conformance/tokenreplay/variants/token_replay.py (apply_trace and its
// helpers) with the parameters PM4Py's fitness evaluation passes
// (consider_remaining_in_fitness, no token-flood cleaning, no caches).
//
// Where PM4Py's outcome depends on the iteration order of Python sets (arcs
// of a place, transitions of a net, which hash by object address and so vary
// from run to run), this code takes the file order: the arcs of a place in
// transition order, the first enabled transition among several with the same
// label, else the first with it. PM4Py's shortest silent paths are found by a
// depth-first search that keeps the first of several equally short paths it
// meets, so on a net with two equally short silent paths between two places
// the path fired may differ from PM4Py's, and so may the counts of a trace
// whose replay depends on that choice. On the three reference logs the
// fitness figures agree to 1e-9 (token_replay_test.cc).
#include "mining/token_replay.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <numeric>
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

// PM4Py's MAX_REC_DEPTH_HIDTRANSENABL: how deep apply_hidden_trans recurses.
constexpr int kMaxSilentRecursion = 2;
// PM4Py's MAX_IT_FINAL1 and MAX_IT_FINAL2: rounds of silent firing towards
// the final marking.
constexpr int kFinalRounds = 5;
// Work (events over the variants) below which one thread is quicker than
// several.
constexpr size_t kEventsPerThread = 20000;

// What replay needs of a net, computed once: the conformance form, the
// places in PM4Py's name order and the shortest silent paths between places.
class ReplayNet {
 public:
  ReplayNet(ConformanceNet net, const sop::PetriNet& source,
            const TokenReplayOptions& options)
      : net_(std::move(net)), options_(options) {
    const int places = net_.num_places;
    by_name_.resize(places);
    std::iota(by_name_.begin(), by_name_.end(), 0);
    // PM4Py sorts places by name, which its PNML import sets to the id.
    std::stable_sort(by_name_.begin(), by_name_.end(), [&](int a, int b) {
      return source.places[a].id < source.places[b].id;
    });
    for (int p : by_name_) {
      if (net_.final[p] > 0) final_by_name_.push_back(p);
    }
    paths_.resize(static_cast<size_t>(places) * places);
    std::vector<int> path;
    for (int p = 0; p < places; ++p) FindSilentPaths(p, p, path, 0);
  }

  const ConformanceNet& net() const { return net_; }
  const TokenReplayOptions& options() const { return options_; }
  const std::vector<int>& by_name() const { return by_name_; }
  const std::vector<int>& final_by_name() const { return final_by_name_; }
  // The shortest silent path from place `from` to place `to` (transitions
  // to fire, in order), empty when there is none.
  const std::vector<int>& Path(int from, int to) const {
    return paths_[static_cast<size_t>(from) * net_.num_places + to];
  }

 private:
  // PM4Py's get_places_shortest_path: a depth-first walk over silent
  // transitions that records a path to a place when it is the first found
  // or shorter than the one recorded, and walks on from there.
  void FindSilentPaths(int origin, int place, std::vector<int>& path,
                       int depth) {
    if (depth > options_.max_silent_path) return;
    for (int t : net_.consumers[place]) {
      if (!net_.silent(t)) continue;
      for (const WeightedArc& arc : net_.post[t]) {
        std::vector<int>& best =
            paths_[static_cast<size_t>(origin) * net_.num_places + arc.place];
        if (best.empty() || path.size() + 1 < best.size()) {
          path.push_back(t);
          best = path;
          FindSilentPaths(origin, arc.place, path, depth + 1);
          path.pop_back();
        }
      }
    }
  }

  ConformanceNet net_;
  TokenReplayOptions options_;
  std::vector<int> by_name_;
  std::vector<int> final_by_name_;
  std::vector<std::vector<int>> paths_;
};

// The replay of one trace. The marking remembers the order in which places
// gained their tokens, as PM4Py's Marking (a dict) does, because one step
// walks the marked places in that order.
class TraceReplayer {
 public:
  explicit TraceReplayer(const ReplayNet& replay_net)
      : rn_(replay_net), net_(replay_net.net()) {}

  // `labels[i]` is the label id of event i (-1: no transition carries it),
  // `names[i]` its activity.
  TraceReplay Run(std::span<const int> labels,
                  std::span<const std::string_view> names) {
    const int places = net_.num_places;
    out_ = TraceReplay();
    out_.place_missing.assign(places, 0);
    out_.place_remaining.assign(places, 0);
    tokens_.assign(places, 0);
    order_.assign(places, 0);
    clock_ = 0;
    for (int p = 0; p < places; ++p) {
      if (net_.initial[p] > 0) Add(p, net_.initial[p]);
      out_.produced += net_.initial[p];
    }
    const TokenReplayOptions& options = rn_.options();

    for (size_t i = 0; i < labels.size(); ++i) {
      if (labels[i] < 0) {
        out_.unknown_activities.emplace_back(names[i]);
        continue;
      }
      const std::vector<int>& candidates = net_.label_transitions[labels[i]];
      int t = candidates.front();
      for (int candidate : candidates) {
        if (Enabled(candidate)) {
          t = candidate;
          break;
        }
      }
      if (options.walk_through_silent && !Enabled(t)) {
        visited_.assign(net_.num_transitions, 0);
        const size_t before = out_.fired.size();
        ApplySilent(t, 0);
        for (size_t k = before; k < out_.fired.size(); ++k) {
          Count(out_.fired[k]);
        }
      }
      if (!Enabled(t)) {
        out_.problem_transitions.push_back(t);
        out_.not_enabled_activities.push_back(net_.label_names[labels[i]]);
        // As PM4Py's add_missing_tokens: the shortfall is counted, but the
        // arc's whole weight is added (the same for weight 1).
        for (const WeightedArc& arc : net_.pre[t]) {
          if (tokens_[arc.place] < arc.weight) {
            const int shortfall = arc.weight - tokens_[arc.place];
            out_.missing += shortfall;
            out_.place_missing[arc.place] += shortfall;
            Add(arc.place, arc.weight);
          }
        }
      }
      Count(t);
      Fire(t);
    }

    if (options.reach_final_through_silent) ReachFinal();

    out_.reached = tokens_;
    int64_t final_shortfall = 0;
    for (int p = 0; p < places; ++p) {
      const int short_by = net_.final[p] - tokens_[p];
      if (short_by > 0) {
        final_shortfall += short_by;
        out_.place_missing[p] += short_by;
      }
      const int left = std::max(0, tokens_[p] - net_.final[p]);
      out_.remaining += left;
      out_.place_remaining[p] = left;
    }
    out_.is_fit = out_.missing == 0 && out_.remaining == 0;
    for (int p = 0; p < places; ++p) out_.consumed += net_.final[p];
    out_.missing += final_shortfall;
    if (out_.consumed > 0 && out_.produced > 0) {
      out_.fitness = 0.5 * (1.0 - static_cast<double>(out_.missing) /
                                      static_cast<double>(out_.consumed)) +
                     0.5 * (1.0 - static_cast<double>(out_.remaining) /
                                      static_cast<double>(out_.produced));
    } else {
      out_.fitness = 1.0;
    }
    return std::move(out_);
  }

 private:
  bool Enabled(int t) const {
    for (const WeightedArc& arc : net_.pre[t]) {
      if (tokens_[arc.place] < arc.weight) return false;
    }
    return true;
  }

  void Add(int place, int n) {
    if (tokens_[place] == 0 && n > 0) order_[place] = ++clock_;
    tokens_[place] += n;
  }

  // Fires `t`, which must be enabled, and records it.
  void Fire(int t) {
    for (const WeightedArc& arc : net_.pre[t]) tokens_[arc.place] -= arc.weight;
    for (const WeightedArc& arc : net_.post[t]) Add(arc.place, arc.weight);
    out_.fired.push_back(t);
  }

  void Count(int t) {
    for (const WeightedArc& arc : net_.pre[t]) out_.consumed += arc.weight;
    for (const WeightedArc& arc : net_.post[t]) out_.produced += arc.weight;
  }

  bool FinalCovered() const {
    for (int p : rn_.final_by_name()) {
      if (tokens_[p] == 0) return false;
    }
    return true;
  }

  // PM4Py's get_hidden_transitions_to_enable and
  // get_req_transitions_for_final_marking: the silent paths from every
  // marked place to every place of `targets`, both in name order, shortest
  // first (a stable sort).
  std::vector<const std::vector<int>*> PathsTo(
      const std::vector<int>& targets) {
    std::vector<const std::vector<int>*> paths;
    for (int from : rn_.by_name()) {
      if (tokens_[from] == 0) continue;
      for (int to : targets) {
        const std::vector<int>& path = rn_.Path(from, to);
        if (!path.empty()) paths.push_back(&path);
      }
    }
    std::stable_sort(paths.begin(), paths.end(),
                     [](const std::vector<int>* a, const std::vector<int>* b) {
                       return a->size() < b->size();
                     });
    return paths;
  }

  // PM4Py's apply_hidden_trans: tries to enable `t` by firing silent
  // transitions, recursing (to depth 2) to enable silent transitions on the
  // way. `visited_` holds the transitions already tried or fired.
  void ApplySilent(int t, int depth) {
    if (depth >= kMaxSilentRecursion || visited_[t]) return;
    visited_[t] = 1;
    std::vector<int> lacking;
    for (int p : rn_.by_name()) {
      for (const WeightedArc& arc : net_.pre[t]) {
        if (arc.place == p && tokens_[p] < arc.weight) lacking.push_back(p);
      }
    }
    std::vector<const std::vector<int>*> paths = PathsTo(lacking);
    if (paths.empty()) return;
    EnableSilent(paths, t);
    if (Enabled(t)) return;
    paths = PathsTo(lacking);
    for (const std::vector<int>* path : paths) {
      for (int t4 : *path) {
        if (t4 == t || visited_[t4]) continue;
        if (!Enabled(t4)) ApplySilent(t4, depth + 1);
        if (Enabled(t4)) {
          Fire(t4);
          visited_[t4] = 1;
        }
      }
    }
    // PM4Py then calls itself once more for `t` when the marking changed,
    // which returns at once: `t` is already visited.
  }

  // PM4Py's enable_hidden_transitions: walks the paths in order, firing
  // each enabled, unvisited transition, until `t` is enabled or a path
  // fires nothing.
  void EnableSilent(const std::vector<const std::vector<int>*>& paths, int t) {
    for (const std::vector<int>* path : paths) {
      bool changed = false;
      for (int t3 : *path) {
        if (t3 != t && Enabled(t3) && !visited_[t3]) {
          Fire(t3);
          visited_[t3] = 1;
          changed = true;
        }
        if (Enabled(t)) break;
      }
      if (Enabled(t) || !changed) return;
    }
  }

  void FireCounted(int t) {
    Fire(t);
    Count(t);
  }

  // The end of PM4Py's apply_trace: up to five rounds along the silent paths
  // from the marked places to the final marking's places, then (for a
  // final marking on one place) up to five rounds along the paths to it from
  // the marked places in the order they gained their tokens.
  void ReachFinal() {
    for (int round = 0; round < kFinalRounds; ++round) {
      if (FinalCovered()) break;
      const std::vector<const std::vector<int>*> paths =
          PathsTo(rn_.final_by_name());
      for (const std::vector<int>* path : paths) {
        for (int t : *path) {
          if (Enabled(t)) FireCounted(t);
        }
        if (FinalCovered()) break;
      }
    }
    if (FinalCovered() || rn_.final_by_name().size() != 1) return;
    const int sink = rn_.final_by_name().front();
    std::vector<int> marked;
    for (int p = 0; p < net_.num_places; ++p) {
      if (tokens_[p] > 0 && !rn_.Path(p, sink).empty()) marked.push_back(p);
    }
    std::stable_sort(marked.begin(), marked.end(),
                     [&](int a, int b) { return order_[a] < order_[b]; });
    std::stable_sort(marked.begin(), marked.end(), [&](int a, int b) {
      return rn_.Path(a, sink).size() < rn_.Path(b, sink).size();
    });
    for (int round = 0; round < kFinalRounds; ++round) {
      for (int p : marked) {
        for (int t : rn_.Path(p, sink)) {
          if (!Enabled(t)) break;
          FireCounted(t);
        }
      }
    }
  }

  const ReplayNet& rn_;
  const ConformanceNet& net_;
  TraceReplay out_;
  std::vector<int> tokens_;
  std::vector<uint64_t> order_;
  uint64_t clock_ = 0;
  std::vector<char> visited_;
};

Result<ReplayNet> Prepare(const sop::PetriNet& net,
                          const TokenReplayOptions& options) {
  LIVESOP_ASSIGN_OR_RETURN(ConformanceNet conformance,
                           internal::BuildConformanceNet(net));
  return ReplayNet(std::move(conformance), net, options);
}

}  // namespace

Result<TokenReplayResult> TokenReplay(const eventlog::LogView& view,
                                      const sop::PetriNet& net,
                                      const TokenReplayOptions& options) {
  LIVESOP_ASSIGN_OR_RETURN(const ReplayNet replay_net, Prepare(net, options));
  const ConformanceNet& cnet = replay_net.net();
  const eventlog::EventLog& log = view.log();
  const std::vector<int> activity_labels = internal::MapActivities(log, cnet);

  std::vector<eventlog::Variant> variants = eventlog::Variants(view);
  TokenReplayResult result;
  result.variants.resize(variants.size());

  size_t work = 0;
  for (const eventlog::Variant& v : variants) work += v.activities.size();
  int threads = options.threads;
  if (threads <= 0) {
    threads = work >= 2 * kEventsPerThread ? internal::Threads(0) : 1;
  }
  threads = static_cast<int>(std::clamp<size_t>(
      static_cast<size_t>(threads), 1, std::max<size_t>(variants.size(), 1)));
  std::atomic<size_t> next{0};
  std::vector<internal::Slice> workers(static_cast<size_t>(threads));
  internal::RunSlices(workers, [&](size_t, const internal::Slice&) {
    TraceReplayer replayer(replay_net);
    std::vector<int> labels;
    std::vector<std::string_view> names;
    for (size_t v = next++; v < variants.size(); v = next++) {
      labels.clear();
      names.clear();
      for (uint32_t a : variants[v].activities) {
        labels.push_back(activity_labels[a]);
        names.push_back(log.activities()[a]);
      }
      result.variants[v] = replayer.Run(labels, names);
    }
  });

  std::vector<uint32_t> variant_of(log.num_cases(), 0);
  const int places = cnet.num_places;
  result.places.resize(places);
  double fitness_sum = 0;
  for (size_t v = 0; v < variants.size(); ++v) {
    const TraceReplay& r = result.variants[v];
    const auto cases = static_cast<int64_t>(variants[v].cases.size());
    for (uint32_t c : variants[v].cases) {
      variant_of[c] = static_cast<uint32_t>(v);
    }
    result.missing += r.missing * cases;
    result.remaining += r.remaining * cases;
    result.consumed += r.consumed * cases;
    result.produced += r.produced * cases;
    fitness_sum += r.fitness * static_cast<double>(cases);
    if (r.is_fit) result.fitting_cases += cases;
    for (int p = 0; p < places; ++p) {
      PlaceReplayCounts& counts = result.places[p];
      counts.missing += r.place_missing[p] * cases;
      counts.remaining += r.place_remaining[p] * cases;
      counts.produced += cnet.initial[p] * cases;
      counts.consumed += cnet.final[p] * cases;
      if (r.place_missing[p] > 0) counts.underfed_cases += cases;
      if (r.place_remaining[p] > 0) counts.overfed_cases += cases;
    }
    for (int t : r.fired) {
      for (const WeightedArc& arc : cnet.pre[t]) {
        result.places[arc.place].consumed += arc.weight * cases;
      }
      for (const WeightedArc& arc : cnet.post[t]) {
        result.places[arc.place].produced += arc.weight * cases;
      }
    }
  }
  result.case_variant.reserve(view.num_cases());
  for (uint32_t c : view.cases()) result.case_variant.push_back(variant_of[c]);
  const auto n = static_cast<double>(view.num_cases());
  if (view.num_cases() > 0 && result.consumed > 0 && result.produced > 0) {
    result.log_fitness =
        0.5 * (1.0 - static_cast<double>(result.missing) /
                         static_cast<double>(result.consumed)) +
        0.5 * (1.0 - static_cast<double>(result.remaining) /
                         static_cast<double>(result.produced));
    result.average_trace_fitness = fitness_sum / n;
    result.percentage_of_fitting_traces =
        100.0 * static_cast<double>(result.fitting_cases) / n;
  }
  return result;
}

Result<TraceReplay> TokenReplayTrace(const std::vector<std::string>& activities,
                                     const sop::PetriNet& net,
                                     const TokenReplayOptions& options) {
  LIVESOP_ASSIGN_OR_RETURN(const ReplayNet replay_net, Prepare(net, options));
  std::vector<int> labels;
  std::vector<std::string_view> names;
  for (const std::string& activity : activities) {
    labels.push_back(replay_net.net().FindLabel(activity));
    names.emplace_back(activity);
  }
  return TraceReplayer(replay_net).Run(labels, names);
}

}  // namespace livesop::mining

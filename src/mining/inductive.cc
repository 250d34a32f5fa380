#include "mining/inductive.h"

#include <algorithm>
#include <limits>
#include <numeric>
#include <optional>
#include <unordered_map>
#include <utility>

namespace livesop::mining {
namespace {

using Trace = std::span<const uint32_t>;

// A sub-log as its distinct traces with multiplicities, the traces stored
// one after the other. Adding a trace already held adds to its count.
class VariantLog {
 public:
  size_t size() const { return counts_.size(); }
  Trace trace(size_t i) const {
    return {events_.data() + offsets_[i], offsets_[i + 1] - offsets_[i]};
  }
  int64_t count(size_t i) const { return counts_[i]; }
  int64_t total() const {
    return std::accumulate(counts_.begin(), counts_.end(), int64_t{0});
  }

  void Add(Trace trace, int64_t count) {
    const uint64_t hash = Hash(trace);
    auto [begin, end] = index_.equal_range(hash);
    for (auto it = begin; it != end; ++it) {
      const Trace held = this->trace(it->second);
      if (std::equal(held.begin(), held.end(), trace.begin(), trace.end())) {
        counts_[it->second] += count;
        return;
      }
    }
    index_.emplace(hash, static_cast<uint32_t>(counts_.size()));
    events_.insert(events_.end(), trace.begin(), trace.end());
    offsets_.push_back(static_cast<uint32_t>(events_.size()));
    counts_.push_back(count);
  }

 private:
  static uint64_t Hash(Trace trace) {
    uint64_t h = 1469598103934665603ULL;
    for (uint32_t a : trace) h = (h ^ a) * 1099511628211ULL;
    return h ^ (trace.size() * 0x9E3779B97F4A7C15ULL);
  }

  std::vector<uint32_t> events_;
  std::vector<uint32_t> offsets_ = {0};
  std::vector<int64_t> counts_;
  std::unordered_multimap<uint64_t, uint32_t> index_;
};

constexpr int kNone = -1;

// The directly-follows graph of a sub-log over its own alphabet: local
// activity i is acts[i], the alphabet ordered by name.
struct Graph {
  std::vector<uint32_t> acts;
  std::vector<int> local;  // global id -> local index, kNone when absent
  size_t k = 0;
  std::vector<int64_t> edges;  // k * k counts
  std::vector<int64_t> start, end;

  bool Has(size_t a, size_t b) const { return edges[a * k + b] > 0; }
  bool IsStart(size_t a) const { return start[a] > 0; }
  bool IsEnd(size_t a) const { return end[a] > 0; }
  bool Empty() const {
    return std::none_of(edges.begin(), edges.end(),
                        [](int64_t c) { return c > 0; });
  }
};

// Parts of a cut, as lists of local activity indices.
using Groups = std::vector<std::vector<size_t>>;

// A found cut: the operator and the sub-logs of its children, in order.
struct Split {
  TreeKind kind = TreeKind::kSequence;
  std::vector<VariantLog> logs;
};

// Union-find over local activity indices.
class Partition {
 public:
  explicit Partition(size_t n) : parent_(n) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  size_t Find(size_t a) {
    while (parent_[a] != a) a = parent_[a] = parent_[parent_[a]];
    return a;
  }
  void Union(size_t a, size_t b) {
    a = Find(a);
    b = Find(b);
    if (a != b) parent_[std::max(a, b)] = std::min(a, b);
  }
  // The classes, each sorted, ordered by their smallest member.
  Groups Classes() {
    Groups groups;
    std::vector<int> index(parent_.size(), kNone);
    for (size_t a = 0; a < parent_.size(); ++a) {
      const size_t root = Find(a);
      if (index[root] == kNone) {
        index[root] = static_cast<int>(groups.size());
        groups.emplace_back();
      }
      groups[static_cast<size_t>(index[root])].push_back(a);
    }
    return groups;
  }

 private:
  std::vector<size_t> parent_;
};

class Miner {
 public:
  Miner(const std::vector<std::string>& names, double threshold)
      : names_(names), threshold_(threshold), rank_(names.size()) {
    std::vector<uint32_t> order(names.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](uint32_t a, uint32_t b) { return names[a] < names[b]; });
    for (size_t r = 0; r < order.size(); ++r) {
      rank_[order[r]] = static_cast<uint32_t>(r);
    }
  }

  ProcessTree Mine(const VariantLog& input) {
    // Empty traces: a choice to skip everything, or (IMf, when rare)
    // dropped.
    const VariantLog* log = &input;
    VariantLog rest;
    bool has_empty = false;
    for (size_t i = 0; i < input.size() && !has_empty; ++i) {
      has_empty = input.trace(i).empty();
    }
    if (has_empty) {
      for (size_t i = 0; i < input.size(); ++i) {
        if (!input.trace(i).empty()) rest.Add(input.trace(i), input.count(i));
      }
      if (rest.size() == 0) return ProcessTree::Tau();
      const int64_t total = input.total();
      if (static_cast<double>(total - rest.total()) >
          threshold_ * static_cast<double>(total)) {
        std::vector<ProcessTree> children;
        children.push_back(ProcessTree::Tau());
        children.push_back(Mine(rest));
        return ProcessTree::Operator(TreeKind::kExclusiveChoice,
                                     std::move(children));
      }
      log = &rest;
    }

    // Base cases.
    if (log->size() == 0) return ProcessTree::Tau();
    if (log->size() == 1 && log->trace(0).size() <= 1) {
      return log->trace(0).empty()
                 ? ProcessTree::Tau()
                 : ProcessTree::Activity(names_[log->trace(0)[0]]);
    }

    const Graph graph = BuildGraph(*log, std::nullopt);
    if (std::optional<Split> split = FindCut(*log, graph)) {
      return Recurse(*split);
    }
    if (threshold_ > 0) {
      const Graph filtered = FilterNoise(graph);
      if (std::optional<Split> split = FindCut(*log, filtered)) {
        return Recurse(*split);
      }
    }
    return Recurse(FallThrough(*log, graph));
  }

 private:
  ProcessTree Recurse(const Split& split) {
    std::vector<ProcessTree> children;
    children.reserve(split.logs.size());
    for (const VariantLog& sub : split.logs) children.push_back(Mine(sub));
    if (split.kind == TreeKind::kLoop && children.size() > 2) {
      // PM4Py keeps *( do, redo1, redo2, ... ); the two-child form puts the
      // redo parts under a choice, which gives the same net.
      std::vector<ProcessTree> redo(
          std::make_move_iterator(children.begin() + 1),
          std::make_move_iterator(children.end()));
      children.resize(1);
      children.push_back(
          ProcessTree::Operator(TreeKind::kExclusiveChoice, std::move(redo)));
    }
    return ProcessTree::Operator(split.kind, std::move(children));
  }

  // ---- the graph -----------------------------------------------------------

  // The directly-follows graph of `log`, leaving out activity `without`
  // (as if its events were removed from the traces) when given.
  Graph BuildGraph(const VariantLog& log,
                   std::optional<uint32_t> without) const {
    Graph g;
    g.local.assign(names_.size(), kNone);
    for (size_t i = 0; i < log.size(); ++i) {
      for (uint32_t a : log.trace(i)) {
        if (g.local[a] == kNone && a != without) {
          g.local[a] = 0;
          g.acts.push_back(a);
        }
      }
    }
    std::sort(g.acts.begin(), g.acts.end(),
              [&](uint32_t a, uint32_t b) { return rank_[a] < rank_[b]; });
    g.k = g.acts.size();
    for (size_t i = 0; i < g.k; ++i) g.local[g.acts[i]] = static_cast<int>(i);
    g.edges.assign(g.k * g.k, 0);
    g.start.assign(g.k, 0);
    g.end.assign(g.k, 0);
    for (size_t i = 0; i < log.size(); ++i) {
      const int64_t count = log.count(i);
      int previous = kNone;
      for (uint32_t a : log.trace(i)) {
        if (a == without) continue;
        const int current = g.local[a];
        if (previous == kNone) {
          g.start[static_cast<size_t>(current)] += count;
        } else {
          g.edges[static_cast<size_t>(previous) * g.k +
                  static_cast<size_t>(current)] += count;
        }
        previous = current;
      }
      if (previous != kNone) g.end[static_cast<size_t>(previous)] += count;
    }
    return g;
  }

  // IMf: the edges a->b above threshold x the count of a's most frequent
  // outgoing edge or end.
  Graph FilterNoise(const Graph& graph) const {
    Graph filtered = graph;
    for (size_t a = 0; a < graph.k; ++a) {
      int64_t max_out = 0;
      bool has_out = false;
      for (size_t b = 0; b < graph.k; ++b) {
        if (graph.Has(a, b)) {
          has_out = true;
          max_out = std::max(max_out, graph.edges[a * graph.k + b]);
        }
      }
      if (!has_out) continue;
      max_out = std::max(max_out, graph.end[a]);
      for (size_t b = 0; b < graph.k; ++b) {
        const int64_t count = graph.edges[a * graph.k + b];
        if (count > 0 && !(static_cast<double>(count) >
                           threshold_ * static_cast<double>(max_out))) {
          filtered.edges[a * graph.k + b] = 0;
        }
      }
    }
    return filtered;
  }

  // group_of over global activity ids.
  std::vector<int> GroupOf(const Graph& graph, const Groups& groups) const {
    std::vector<int> group_of(names_.size(), kNone);
    for (size_t g = 0; g < groups.size(); ++g) {
      for (size_t a : groups[g]) {
        group_of[graph.acts[a]] = static_cast<int>(g);
      }
    }
    return group_of;
  }

  // ---- cuts ----------------------------------------------------------------

  std::optional<Split> FindCut(const VariantLog& log, const Graph& graph) {
    if (std::optional<Groups> groups = ExclusiveChoiceCut(graph)) {
      return ProjectExclusiveChoice(log, graph, *groups);
    }
    if (std::optional<Groups> groups = StrictSequenceCut(graph)) {
      return ProjectSequence(log, graph, *groups);
    }
    if (std::optional<Groups> groups = ParallelCut(graph)) {
      return ProjectParallel(log, graph, *groups);
    }
    if (std::optional<Groups> groups = LoopCut(graph)) {
      return ProjectLoop(log, graph, *groups);
    }
    return std::nullopt;
  }

  bool AnyCut(const Graph& graph) {
    return ExclusiveChoiceCut(graph) || StrictSequenceCut(graph) ||
           ParallelCut(graph) || LoopCut(graph);
  }

  // The connected components of the graph taken undirected.
  static std::optional<Groups> ExclusiveChoiceCut(const Graph& graph) {
    Partition partition(graph.k);
    for (size_t a = 0; a < graph.k; ++a) {
      for (size_t b = 0; b < graph.k; ++b) {
        if (graph.Has(a, b)) partition.Union(a, b);
      }
    }
    Groups groups = partition.Classes();
    if (groups.size() < 2) return std::nullopt;
    return groups;
  }

  // Which activities reach which by one or more edges: a row of bits per
  // activity, closed transitively with Warshall's algorithm.
  class Reach {
   public:
    explicit Reach(const Graph& graph)
        : words_((graph.k + 63) / 64), bits_(graph.k * words_, 0) {
      for (size_t a = 0; a < graph.k; ++a) {
        for (size_t b = 0; b < graph.k; ++b) {
          if (graph.Has(a, b)) bits_[a * words_ + b / 64] |= Bit(b);
        }
      }
      for (size_t m = 0; m < graph.k; ++m) {
        for (size_t i = 0; i < graph.k; ++i) {
          if (!Get(i, m)) continue;
          for (size_t w = 0; w < words_; ++w) {
            bits_[i * words_ + w] |= bits_[m * words_ + w];
          }
        }
      }
    }
    bool Get(size_t a, size_t b) const {
      return (bits_[a * words_ + b / 64] & Bit(b)) != 0;
    }

   private:
    static uint64_t Bit(size_t b) { return uint64_t{1} << (b % 64); }

    size_t words_;
    std::vector<uint64_t> bits_;
  };

  // Leemans' maximal sequence cut: activities that reach each other, or
  // that neither reaches, share a part; parts ordered by reachability.
  static std::optional<Groups> SequenceCut(const Graph& graph) {
    if (graph.k == 0) return std::nullopt;
    const Reach reach(graph);
    Partition partition(graph.k);
    for (size_t a = 0; a < graph.k; ++a) {
      for (size_t b = a + 1; b < graph.k; ++b) {
        if (reach.Get(a, b) == reach.Get(b, a)) partition.Union(a, b);
      }
    }
    Groups groups = partition.Classes();
    if (groups.size() < 2) return std::nullopt;
    // PM4Py orders the parts by |predecessors| + (n - |successors|) of one
    // of their activities (any one: in a sequence cut all rank alike).
    std::vector<size_t> keys(groups.size());
    for (size_t g = 0; g < groups.size(); ++g) {
      const size_t x = groups[g].front();
      size_t pred = 0;
      size_t succ = 0;
      for (size_t y = 0; y < graph.k; ++y) {
        if (y == x) continue;
        pred += reach.Get(y, x) ? 1 : 0;
        succ += reach.Get(x, y) ? 1 : 0;
      }
      keys[g] = pred + (graph.k - succ);
    }
    std::vector<size_t> order(groups.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return keys[a] < keys[b]; });
    Groups sorted;
    sorted.reserve(groups.size());
    for (size_t g : order) sorted.push_back(std::move(groups[g]));
    return sorted;
  }

  // PM4Py's strict sequence cut: the sequence cut with skippable parts
  // merged with the parts that can be skipped together with them.
  static std::optional<Groups> StrictSequenceCut(const Graph& graph) {
    std::optional<Groups> cut = SequenceCut(graph);
    if (!cut) return std::nullopt;
    Groups& c = *cut;
    const int n = static_cast<int>(c.size());
    constexpr int kMin = std::numeric_limits<int>::min() + 1;
    constexpr int kMax = std::numeric_limits<int>::max();
    std::vector<std::pair<size_t, size_t>> edges;
    for (size_t a = 0; a < graph.k; ++a) {
      for (size_t b = 0; b < graph.k; ++b) {
        if (graph.Has(a, b)) edges.emplace_back(a, b);
      }
    }
    // The part of each activity: as cut (for mf and mt, which PM4Py
    // computes once) and as merged so far (for skippability).
    std::vector<int> cmap(graph.k, 0);
    std::vector<int> mf(c.size()), mt(c.size());
    for (int g = 0; g < n; ++g) {
      bool has_start = false;
      bool has_end = false;
      for (size_t a : c[static_cast<size_t>(g)]) {
        cmap[a] = g;
        has_start = has_start || graph.IsStart(a);
        has_end = has_end || graph.IsEnd(a);
      }
      mf[static_cast<size_t>(g)] = has_start ? kMin : kMax;
      mt[static_cast<size_t>(g)] = has_end ? kMax : kMin;
    }
    for (const auto& [a, b] : edges) {
      int& from = mf[static_cast<size_t>(cmap[b])];
      from = std::min(from, cmap[a]);
      int& to = mt[static_cast<size_t>(cmap[a])];
      to = std::max(to, cmap[b]);
    }
    std::vector<int> now = cmap;
    // Part p can be skipped: an edge jumps over it, a later part starts a
    // trace or an earlier one ends one.
    auto skippable = [&](int p) {
      for (const auto& [a, b] : edges) {
        if (now[a] < p && now[b] > p) return true;
      }
      for (size_t a = 0; a < graph.k; ++a) {
        if (graph.IsStart(a) && now[a] > p) return true;
        if (graph.IsEnd(a) && now[a] < p) return true;
      }
      return false;
    };
    auto absorb = [&](int into, int from) {
      std::vector<size_t>& target = c[static_cast<size_t>(into)];
      std::vector<size_t>& source = c[static_cast<size_t>(from)];
      for (size_t a : source) now[a] = into;
      target.insert(target.end(), source.begin(), source.end());
      source.clear();
    };
    for (int p = 0; p < n; ++p) {
      if (!skippable(p)) continue;
      for (int q = p - 1; q >= 0 && mt[static_cast<size_t>(q)] <= p; --q) {
        absorb(p, q);
      }
      for (int q = p + 1; q < n && mf[static_cast<size_t>(q)] >= p; ++q) {
        absorb(p, q);
      }
    }
    std::erase_if(c, [](const std::vector<size_t>& g) { return g.empty(); });
    for (std::vector<size_t>& g : c) std::sort(g.begin(), g.end());
    // A single part left is no cut (PM4Py would recurse on the same log
    // for ever).
    if (c.size() < 2) return std::nullopt;
    return cut;
  }

  // Parts whose activities all directly follow each other both ways; each
  // part must hold a start and an end activity, else it joins a neighbour.
  static std::optional<Groups> ParallelCut(const Graph& graph) {
    if (graph.k == 0) return std::nullopt;
    Partition partition(graph.k);
    for (size_t a = 0; a < graph.k; ++a) {
      for (size_t b = a + 1; b < graph.k; ++b) {
        if (!(graph.Has(a, b) && graph.Has(b, a))) partition.Union(a, b);
      }
    }
    Groups groups = partition.Classes();
    std::stable_sort(
        groups.begin(), groups.end(),
        [](const std::vector<size_t>& a, const std::vector<size_t>& b) {
          return a.size() < b.size();
        });
    auto complete = [&](const std::vector<size_t>& g) {
      return std::any_of(g.begin(), g.end(),
                         [&](size_t a) { return graph.IsStart(a); }) &&
             std::any_of(g.begin(), g.end(),
                         [&](size_t a) { return graph.IsEnd(a); });
    };
    size_t i = 0;
    while (i < groups.size() && groups.size() > 1) {
      if (complete(groups[i])) {
        ++i;
        continue;
      }
      std::vector<size_t> group = std::move(groups[i]);
      groups.erase(groups.begin() + static_cast<long>(i));
      std::vector<size_t>& into = groups[i == 0 ? 0 : i - 1];
      into.insert(into.end(), group.begin(), group.end());
    }
    if (groups.size() < 2) return std::nullopt;
    for (std::vector<size_t>& g : groups) std::sort(g.begin(), g.end());
    return groups;
  }

  // The do part (start and end activities, and what must go with them)
  // first, then the redo parts.
  std::optional<Groups> LoopCut(const Graph& graph) const {
    if (graph.Empty()) return std::nullopt;
    const size_t k = graph.k;
    std::vector<char> in_do(k, 0);
    for (size_t a = 0; a < k; ++a) {
      in_do[a] = graph.IsStart(a) || graph.IsEnd(a) ? 1 : 0;
    }
    // Components of the graph without the do activities.
    Partition partition(k);
    for (size_t a = 0; a < k; ++a) {
      for (size_t b = 0; b < k; ++b) {
        if (graph.Has(a, b) && !in_do[a] && !in_do[b]) partition.Union(a, b);
      }
    }
    std::vector<int> group(k, 0);  // 0: do
    int redo_parts = 0;
    {
      std::vector<int> id(k, kNone);
      for (size_t a = 0; a < k; ++a) {
        if (in_do[a]) continue;
        const size_t root = partition.Find(a);
        if (id[root] == kNone) id[root] = ++redo_parts;
        group[a] = id[root];
      }
    }
    auto merge_into_do = [&](int g) {
      if (g == 0) return;
      for (int& x : group) {
        if (x == g) x = 0;
      }
    };
    // What directly follows a start activity that is not an end activity
    // belongs to the do part; so does what directly precedes an end
    // activity that is not a start activity.
    for (size_t a = 0; a < k; ++a) {
      if (!graph.IsStart(a) || graph.IsEnd(a)) continue;
      for (size_t b = 0; b < k; ++b) {
        if (graph.Has(a, b)) merge_into_do(group[b]);
      }
    }
    for (size_t b = 0; b < k; ++b) {
      if (!graph.IsEnd(b) || graph.IsStart(b)) continue;
      for (size_t a = 0; a < k; ++a) {
        if (graph.Has(a, b)) merge_into_do(group[a]);
      }
    }
    // A redo activity that leads to a start activity must lead to all of
    // them; one reached from an end activity must be reached from all.
    for (int g = 1; g <= redo_parts; ++g) {
      bool merge = false;
      for (size_t a = 0; a < k && !merge; ++a) {
        if (group[a] != g) continue;
        bool to_start = false;
        bool to_all_starts = true;
        for (size_t s = 0; s < k; ++s) {
          if (!graph.IsStart(s)) continue;
          if (graph.Has(a, s)) {
            to_start = true;
          } else {
            to_all_starts = false;
          }
        }
        merge = to_start && !to_all_starts;
      }
      if (merge) merge_into_do(g);
    }
    for (int g = 1; g <= redo_parts; ++g) {
      bool merge = false;
      for (size_t a = 0; a < k && !merge; ++a) {
        if (group[a] != g) continue;
        bool from_end = false;
        bool from_all_ends = true;
        for (size_t e = 0; e < k; ++e) {
          if (!graph.IsEnd(e)) continue;
          if (graph.Has(e, a)) {
            from_end = true;
          } else {
            from_all_ends = false;
          }
        }
        merge = from_end && !from_all_ends;
      }
      if (merge) merge_into_do(g);
    }
    Groups groups(static_cast<size_t>(redo_parts) + 1);
    for (size_t a = 0; a < k; ++a) {
      groups[static_cast<size_t>(group[a])].push_back(a);
    }
    std::erase_if(groups,
                  [](const std::vector<size_t>& g) { return g.empty(); });
    if (groups.size() < 2) return std::nullopt;
    return groups;
  }

  // ---- projections ---------------------------------------------------------

  // Each trace goes whole to the part holding most of its events (ties: the
  // later part), keeping only that part's events.
  Split ProjectExclusiveChoice(const VariantLog& log, const Graph& graph,
                               const Groups& groups) const {
    const std::vector<int> group_of = GroupOf(graph, groups);
    Split split{TreeKind::kExclusiveChoice,
                std::vector<VariantLog>(groups.size())};
    std::vector<int64_t> hits(groups.size());
    std::vector<uint32_t> projected;
    for (size_t i = 0; i < log.size(); ++i) {
      std::fill(hits.begin(), hits.end(), 0);
      for (uint32_t a : log.trace(i)) {
        if (group_of[a] != kNone) ++hits[static_cast<size_t>(group_of[a])];
      }
      size_t best = 0;
      for (size_t g = 1; g < groups.size(); ++g) {
        if (hits[g] >= hits[best]) best = g;
      }
      projected.clear();
      for (uint32_t a : log.trace(i)) {
        if (group_of[a] == static_cast<int>(best)) projected.push_back(a);
      }
      split.logs[best].Add(projected, log.count(i));
    }
    return split;
  }

  // Each trace is cut where the cost of the next part (its own events
  // count -1, events of later parts +1) is lowest, as PM4Py's
  // _find_split_point.
  Split ProjectSequence(const VariantLog& log, const Graph& graph,
                        const Groups& groups) const {
    const std::vector<int> group_of = GroupOf(graph, groups);
    Split split{TreeKind::kSequence, std::vector<VariantLog>(groups.size())};
    std::vector<uint32_t> projected;
    for (size_t i = 0; i < log.size(); ++i) {
      const Trace t = log.trace(i);
      size_t split_point = 0;
      for (size_t g = 0; g < groups.size(); ++g) {
        const int part = static_cast<int>(g);
        int64_t cost = 0;
        int64_t least = 0;
        size_t next = split_point;
        for (size_t j = split_point; j < t.size(); ++j) {
          const int of = group_of[t[j]];
          if (of == part) {
            --cost;
          } else if (of == kNone || of > part) {
            ++cost;
          }
          if (cost < least) {
            least = cost;
            next = j + 1;
          }
        }
        projected.clear();
        for (size_t j = split_point; j < next; ++j) {
          if (group_of[t[j]] == part) projected.push_back(t[j]);
        }
        split.logs[g].Add(projected, log.count(i));
        split_point = next;
      }
    }
    return split;
  }

  Split ProjectParallel(const VariantLog& log, const Graph& graph,
                        const Groups& groups) const {
    const std::vector<int> group_of = GroupOf(graph, groups);
    Split split{TreeKind::kParallel, std::vector<VariantLog>(groups.size())};
    std::vector<uint32_t> projected;
    for (size_t g = 0; g < groups.size(); ++g) {
      for (size_t i = 0; i < log.size(); ++i) {
        projected.clear();
        for (uint32_t a : log.trace(i)) {
          if (group_of[a] == static_cast<int>(g)) projected.push_back(a);
        }
        split.logs[g].Add(projected, log.count(i));
      }
    }
    return split;
  }

  // Traces cut into do and redo stretches; each redo stretch goes to the
  // redo part sharing most distinct activities with it (ties: the later).
  Split ProjectLoop(const VariantLog& log, const Graph& graph,
                    const Groups& groups) const {
    const std::vector<int> group_of = GroupOf(graph, groups);
    Split split{TreeKind::kLoop, std::vector<VariantLog>(groups.size())};
    std::vector<uint32_t> stretch;
    std::vector<int64_t> shared(groups.size());
    std::vector<char> seen(names_.size(), 0);
    auto add_redo = [&](int64_t count) {
      std::fill(shared.begin(), shared.end(), 0);
      for (uint32_t a : stretch) {
        if (!seen[a]) {
          seen[a] = 1;
          ++shared[static_cast<size_t>(group_of[a])];
        }
      }
      for (uint32_t a : stretch) seen[a] = 0;
      size_t best = 1;
      for (size_t g = 2; g < groups.size(); ++g) {
        if (shared[g] >= shared[best]) best = g;
      }
      split.logs[best].Add(stretch, count);
      stretch.clear();
    };
    std::vector<uint32_t> doing;
    for (size_t i = 0; i < log.size(); ++i) {
      const int64_t count = log.count(i);
      doing.clear();
      stretch.clear();
      for (uint32_t a : log.trace(i)) {
        const int of = group_of[a];
        if (of == 0) {
          doing.push_back(a);
          if (!stretch.empty()) add_redo(count);
        } else if (of != kNone) {
          stretch.push_back(a);
          if (!doing.empty()) {
            split.logs[0].Add(doing, count);
            doing.clear();
          }
        }
      }
      if (!stretch.empty()) add_redo(count);
      split.logs[0].Add(doing, count);
    }
    return split;
  }

  // ---- fall-throughs -------------------------------------------------------

  Split FallThrough(const VariantLog& log, const Graph& graph) {
    if (std::optional<uint32_t> a = ActivityOncePerTrace(log, graph)) {
      return ActivityInParallel(log, *a);
    }
    for (uint32_t a : graph.acts) {
      if (AnyCut(BuildGraph(log, a))) return ActivityInParallel(log, a);
    }
    if (std::optional<Split> split = TauLoop(log, graph, true)) return *split;
    if (std::optional<Split> split = TauLoop(log, graph, false)) return *split;
    return Flower(graph);
  }

  // The first activity by name that occurs exactly once in every trace.
  static std::optional<uint32_t> ActivityOncePerTrace(const VariantLog& log,
                                                      const Graph& graph) {
    std::vector<char> candidate(graph.k, 1);
    std::vector<int> seen(graph.k, 0);
    for (size_t i = 0; i < log.size(); ++i) {
      std::fill(seen.begin(), seen.end(), 0);
      for (uint32_t a : log.trace(i))
        ++seen[static_cast<size_t>(graph.local[a])];
      for (size_t a = 0; a < graph.k; ++a) {
        if (seen[a] != 1) candidate[a] = 0;
      }
    }
    for (size_t a = 0; a < graph.k; ++a) {
      if (candidate[a]) return graph.acts[a];
    }
    return std::nullopt;
  }

  static Split ActivityInParallel(const VariantLog& log, uint32_t activity) {
    Split split{TreeKind::kParallel, std::vector<VariantLog>(2)};
    std::vector<uint32_t> only, others;
    for (size_t i = 0; i < log.size(); ++i) {
      only.clear();
      others.clear();
      for (uint32_t a : log.trace(i))
        (a == activity ? only : others).push_back(a);
      split.logs[0].Add(only, log.count(i));
      split.logs[1].Add(others, log.count(i));
    }
    return split;
  }

  // Traces split before every start activity that follows an end activity
  // (strict) or before every start activity; a loop *( split log, tau )
  // when that makes more traces.
  static std::optional<Split> TauLoop(const VariantLog& log, const Graph& graph,
                                      bool strict) {
    Split split{TreeKind::kLoop, std::vector<VariantLog>(2)};
    int64_t before = 0;
    int64_t after = 0;
    for (size_t i = 0; i < log.size(); ++i) {
      const Trace t = log.trace(i);
      const int64_t count = log.count(i);
      before += count;
      size_t from = 0;
      for (size_t j = 1; j < t.size(); ++j) {
        const size_t a = static_cast<size_t>(graph.local[t[j]]);
        const size_t previous = static_cast<size_t>(graph.local[t[j - 1]]);
        if (graph.IsStart(a) && (!strict || graph.IsEnd(previous))) {
          split.logs[0].Add(t.subspan(from, j - from), count);
          after += count;
          from = j;
        }
      }
      split.logs[0].Add(t.subspan(from), count);
      after += count;
    }
    if (after <= before) return std::nullopt;
    return split;
  }

  // *( X( every activity ), tau ).
  static Split Flower(const Graph& graph) {
    Split split{TreeKind::kLoop, std::vector<VariantLog>(2)};
    for (uint32_t a : graph.acts) split.logs[0].Add(Trace(&a, 1), 1);
    return split;
  }

  const std::vector<std::string>& names_;
  const double threshold_;
  std::vector<uint32_t> rank_;
};

Status CheckOptions(const InductiveOptions& options) {
  if (!(options.noise_threshold >= 0.0 && options.noise_threshold <= 1.0)) {
    return InvalidArgumentError("noise threshold must be in [0, 1], not " +
                                std::to_string(options.noise_threshold));
  }
  return OkStatus();
}

ProcessTree Finish(ProcessTree tree) {
  tree = FoldProcessTree(std::move(tree));
  SortProcessTree(tree);
  return tree;
}

}  // namespace

Result<ProcessTree> DiscoverProcessTree(
    std::span<const TraceCount> traces,
    const std::vector<std::string>& activities,
    const InductiveOptions& options) {
  LIVESOP_RETURN_IF_ERROR(CheckOptions(options));
  VariantLog log;
  for (size_t i = 0; i < traces.size(); ++i) {
    const TraceCount& trace = traces[i];
    if (trace.count <= 0) {
      return InvalidArgumentError("trace " + std::to_string(i) +
                                  ": count must be positive");
    }
    for (uint32_t a : trace.activities) {
      if (a >= activities.size()) {
        return InvalidArgumentError("trace " + std::to_string(i) +
                                    ": activity id " + std::to_string(a) +
                                    " out of range");
      }
    }
    log.Add(trace.activities, trace.count);
  }
  return Finish(Miner(activities, options.noise_threshold).Mine(log));
}

Result<ProcessTree> DiscoverProcessTree(const eventlog::LogView& view,
                                        const InductiveOptions& options) {
  LIVESOP_RETURN_IF_ERROR(CheckOptions(options));
  VariantLog log;
  for (const eventlog::Variant& variant : eventlog::Variants(view)) {
    log.Add(variant.activities, static_cast<int64_t>(variant.cases.size()));
  }
  return Finish(
      Miner(view.log().activities(), options.noise_threshold).Mine(log));
}

Result<sop::PetriNet> DiscoverPetriNetInductive(
    const eventlog::LogView& view, const InductiveOptions& options) {
  LIVESOP_ASSIGN_OR_RETURN(ProcessTree tree,
                           DiscoverProcessTree(view, options));
  return ProcessTreeToPetriNet(tree);
}

}  // namespace livesop::mining

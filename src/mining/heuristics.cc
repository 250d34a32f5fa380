#include "mining/heuristics.h"

#include <algorithm>
#include <numeric>
#include <utility>

#include "mining/dfg.h"

namespace livesop::mining {
namespace {

bool InRange(double value, double low, double high) {
  return value >= low && value <= high;  // false for NaN
}

Status CheckOptions(const HeuristicsOptions& options) {
  if (!InRange(options.dependency_threshold, -1.0, 1.0)) {
    return InvalidArgumentError("dependency threshold must be in [-1, 1]");
  }
  if (!(options.and_threshold >= 0.0)) {
    return InvalidArgumentError("AND threshold must be at least 0");
  }
  if (!InRange(options.loop_two_threshold, 0.0, 1.0)) {
    return InvalidArgumentError("loop-two threshold must be in [0, 1]");
  }
  if (!(options.dfg_pre_cleaning_noise_threshold >= 0.0 &&
        options.dfg_pre_cleaning_noise_threshold < 1.0)) {
    return InvalidArgumentError("pre-cleaning threshold must be in [0, 1)");
  }
  if (options.min_activity_count < 0 || options.min_dfg_occurrences < 0) {
    return InvalidArgumentError("minimum counts must not be negative");
  }
  return OkStatus();
}

// The maximal cliques of the undirected graph `adjacent` over `members`
// (Bron-Kerbosch), each sorted.
void Cliques(const std::vector<std::vector<char>>& adjacent,
             std::vector<size_t> r, std::vector<size_t> p,
             std::vector<size_t> x, std::vector<std::vector<size_t>>& out) {
  if (p.empty() && x.empty()) {
    std::sort(r.begin(), r.end());
    out.push_back(std::move(r));
    return;
  }
  while (!p.empty()) {
    const size_t v = p.back();
    std::vector<size_t> r2 = r, p2, x2;
    r2.push_back(v);
    for (size_t u : p) {
      if (adjacent[v][u]) p2.push_back(u);
    }
    for (size_t u : x) {
      if (adjacent[v][u]) x2.push_back(u);
    }
    Cliques(adjacent, std::move(r2), std::move(p2), std::move(x2), out);
    p.pop_back();
    x.push_back(v);
  }
}

// The bindings over `ends` (activity ids sorted by name) given their AND
// pairs: maximal cliques of the pairs, then each end in no pair alone.
std::vector<std::vector<uint32_t>> Bindings(const std::vector<uint32_t>& ends,
                                            const std::vector<AndPair>& pairs,
                                            const std::vector<uint32_t>& rank) {
  const size_t m = ends.size();
  auto position = [&](uint32_t a) {
    return static_cast<size_t>(std::find(ends.begin(), ends.end(), a) -
                               ends.begin());
  };
  std::vector<std::vector<char>> adjacent(m, std::vector<char>(m, 0));
  std::vector<char> paired(m, 0);
  for (const AndPair& pair : pairs) {
    const size_t i = position(pair.first);
    const size_t j = position(pair.second);
    if (i == j || i >= m || j >= m) continue;
    adjacent[i][j] = adjacent[j][i] = 1;
    paired[i] = paired[j] = 1;
  }
  std::vector<size_t> candidates;
  for (size_t i = 0; i < m; ++i) {
    if (paired[i]) candidates.push_back(i);
  }
  std::vector<std::vector<size_t>> cliques;
  if (!candidates.empty()) Cliques(adjacent, {}, candidates, {}, cliques);
  for (size_t i = 0; i < m; ++i) {
    if (!paired[i]) cliques.push_back({i});
  }
  std::vector<std::vector<uint32_t>> bindings;
  bindings.reserve(cliques.size());
  for (const std::vector<size_t>& clique : cliques) {
    std::vector<uint32_t>& binding = bindings.emplace_back();
    for (size_t i : clique) binding.push_back(ends[i]);
  }
  std::sort(
      bindings.begin(), bindings.end(),
      [&](const std::vector<uint32_t>& a, const std::vector<uint32_t>& b) {
        return std::lexicographical_compare(
            a.begin(), a.end(), b.begin(), b.end(),
            [&](uint32_t x, uint32_t y) { return rank[x] < rank[y]; });
      });
  return bindings;
}

}  // namespace

const HeuristicsNode* HeuristicsNet::FindNode(std::string_view name) const {
  for (const HeuristicsNode& node : nodes) {
    if (node.name == name) return &node;
  }
  return nullptr;
}

const HeuristicsEdge* HeuristicsNet::FindEdge(std::string_view source,
                                              std::string_view target) const {
  for (const HeuristicsEdge& edge : edges) {
    if (activities[edge.source] == source &&
        activities[edge.target] == target) {
      return &edge;
    }
  }
  return nullptr;
}

Result<HeuristicsNet> DiscoverHeuristicsNet(const eventlog::LogView& view,
                                            const HeuristicsOptions& options) {
  LIVESOP_RETURN_IF_ERROR(CheckOptions(options));
  const Dfg dfg = DiscoverDfg(view, {.durations = false, .threads = 1});
  const size_t n = dfg.activities.size();
  HeuristicsNet net;
  net.activities = dfg.activities;

  std::vector<uint32_t> rank(n);
  {
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
      return dfg.activities[a] < dfg.activities[b];
    });
    for (size_t r = 0; r < n; ++r) rank[order[r]] = static_cast<uint32_t>(r);
  }
  auto by_name = [&](uint32_t a, uint32_t b) { return rank[a] < rank[b]; };

  // 1. The directly-follows counts, pre-cleaned.
  std::vector<int64_t> follows(n * n, 0);
  for (const DfgEdge& edge : dfg.edges) {
    follows[edge.source * n + edge.target] = edge.count;
  }
  if (options.dfg_pre_cleaning_noise_threshold > 0) {
    std::vector<int64_t> busiest(n, -1);
    for (const DfgEdge& edge : dfg.edges) {
      busiest[edge.source] = std::max(busiest[edge.source], edge.count);
      busiest[edge.target] = std::max(busiest[edge.target], edge.count);
    }
    const double t = options.dfg_pre_cleaning_noise_threshold;
    for (const DfgEdge& edge : dfg.edges) {
      const double bar =
          std::min(static_cast<double>(busiest[edge.source]) * t,
                   static_cast<double>(busiest[edge.target]) * t);
      if (static_cast<double>(edge.count) < bar) {
        follows[edge.source * n + edge.target] = 0;
      }
    }
  }
  auto m = [&](uint32_t a, uint32_t b) { return follows[a * n + b]; };

  // 2. Dependencies of the cleaned edges.
  std::vector<double> dependency(n * n, 0);
  for (uint32_t a = 0; a < n; ++a) {
    for (uint32_t b = 0; b < n; ++b) {
      const int64_t c = m(a, b);
      if (c == 0) continue;
      const int64_t back = a == b ? 0 : m(b, a);
      dependency[a * n + b] =
          static_cast<double>(c - back) / static_cast<double>(c + back + 1);
    }
  }

  // 3. The kept edges and their nodes.
  std::vector<char> is_node(n, 0);
  std::vector<char> is_edge(n * n, 0);
  auto frequent = [&](uint32_t a) {
    return dfg.activity_count[a] >= options.min_activity_count;
  };
  for (uint32_t a = 0; a < n; ++a) {
    for (uint32_t b = 0; b < n; ++b) {
      const int64_t c = m(a, b);
      if (c == 0 || !frequent(a) || !frequent(b) ||
          c < options.min_dfg_occurrences ||
          dependency[a * n + b] < options.dependency_threshold) {
        continue;
      }
      is_edge[a * n + b] = 1;
      is_node[a] = is_node[b] = 1;
      net.edges.push_back({a, b, dependency[a * n + b], c, false});
    }
  }

  // 4. AND measures over the dependency edges.
  std::vector<std::vector<AndPair>> and_out(n), and_in(n);
  for (uint32_t a = 0; a < n; ++a) {
    if (!is_node[a]) continue;
    std::vector<uint32_t> outs, ins;
    for (uint32_t b = 0; b < n; ++b) {
      if (is_edge[a * n + b]) outs.push_back(b);
      if (is_edge[b * n + a]) ins.push_back(b);
    }
    std::sort(outs.begin(), outs.end(), by_name);
    std::sort(ins.begin(), ins.end(), by_name);
    for (size_t i = 0; i < outs.size(); ++i) {
      for (size_t j = i + 1; j < outs.size(); ++j) {
        const uint32_t x = outs[i];
        const uint32_t y = outs[j];
        const double value = static_cast<double>(m(x, y) + m(y, x)) /
                             static_cast<double>(m(a, x) + m(a, y) + 1);
        if (value >= options.and_threshold) and_out[a].push_back({x, y, value});
      }
    }
    for (size_t i = 0; i < ins.size(); ++i) {
      for (size_t j = i + 1; j < ins.size(); ++j) {
        const uint32_t x = ins[i];
        const uint32_t y = ins[j];
        const double value = static_cast<double>(m(x, y) + m(y, x)) /
                             static_cast<double>(m(x, a) + m(y, a) + 1);
        if (value >= options.and_threshold) and_in[a].push_back({x, y, value});
      }
    }
  }

  // 5. Loops of length two, from the a b a patterns of the whole log.
  std::vector<int64_t> triples(n * n, 0);  // [a][b]: a b a
  const eventlog::EventLog& log = view.log();
  for (uint32_t c : view.cases()) {
    const std::span<const uint32_t> t = log.trace(c);
    for (size_t k = 2; k < t.size(); ++k) {
      if (t[k - 2] == t[k] && t[k - 1] != t[k]) ++triples[t[k] * n + t[k - 1]];
    }
  }
  std::vector<char> loop_added(n * n, 0);
  std::vector<char> was_node = is_node;
  for (uint32_t a = 0; a < n; ++a) {
    if (!was_node[a]) continue;
    for (uint32_t b = 0; b < n; ++b) {
      const int64_t v1 = triples[a * n + b];
      if (v1 == 0) continue;
      const int64_t v2 = triples[b * n + a];
      const double measure =
          static_cast<double>(v1 + v2) / static_cast<double>(v1 + v2 + 1);
      if (measure < options.loop_two_threshold) continue;
      const int64_t ab = m(a, b);
      if (ab == 0 || ab < options.min_dfg_occurrences || !frequent(a) ||
          !frequent(b)) {
        continue;
      }
      const bool dependent =
          (ab > 0 && dependency[a * n + b] >= options.dependency_threshold) ||
          (m(b, a) > 0 &&
           dependency[b * n + a] >= options.dependency_threshold);
      if (dependent) continue;
      is_node[b] = 1;
      if (!loop_added[a * n + b]) {
        loop_added[a * n + b] = 1;
        net.edges.push_back({a, b, 0.0, ab, true});
      }
      if (!loop_added[b * n + a]) {
        loop_added[b * n + a] = 1;
        net.edges.push_back({b, a, 0.0, m(b, a), true});
      }
    }
  }
  if (net.edges.empty()) std::fill(is_node.begin(), is_node.end(), 1);

  std::sort(net.edges.begin(), net.edges.end(),
            [&](const HeuristicsEdge& x, const HeuristicsEdge& y) {
              return std::pair(rank[x.source], rank[x.target]) <
                     std::pair(rank[y.source], rank[y.target]);
            });
  std::vector<uint32_t> node_ids;
  for (uint32_t a = 0; a < n; ++a) {
    if (is_node[a]) node_ids.push_back(a);
  }
  std::sort(node_ids.begin(), node_ids.end(), by_name);
  std::vector<int> node_of(n, -1);
  for (uint32_t a : node_ids) {
    node_of[a] = static_cast<int>(net.nodes.size());
    HeuristicsNode& node = net.nodes.emplace_back();
    node.activity = a;
    node.name = dfg.activities[a];
    node.count = dfg.activity_count[a];
    node.start_count = dfg.start_count[a];
    node.end_count = dfg.end_count[a];
    node.and_outputs = std::move(and_out[a]);
    node.and_inputs = std::move(and_in[a]);
  }
  // Edges are in (source, target) name order, so outputs come out sorted;
  // inputs are sorted afterwards.
  for (const HeuristicsEdge& edge : net.edges) {
    net.nodes[static_cast<size_t>(node_of[edge.source])].outputs.push_back(
        edge.target);
    net.nodes[static_cast<size_t>(node_of[edge.target])].inputs.push_back(
        edge.source);
  }
  for (HeuristicsNode& node : net.nodes) {
    std::sort(node.inputs.begin(), node.inputs.end(), by_name);
    node.split_bindings = Bindings(node.outputs, node.and_outputs, rank);
    node.join_bindings = Bindings(node.inputs, node.and_inputs, rank);
  }
  return net;
}

}  // namespace livesop::mining

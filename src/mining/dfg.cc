#include "mining/dfg.h"

#include <algorithm>
#include <thread>
#include <unordered_map>

#include "mining/internal/parallel.h"
#include "mining/internal/quantile.h"

namespace livesop::mining {
namespace {

using eventlog::kNoTime;

// Activities up to this many count their edges in a dense matrix; more use
// a hash map (a 1,024² matrix of counts is 8 MiB per thread).
constexpr size_t kDenseLimit = 1024;

// Edge counts of a range of cases, dense or hashed.
struct Counts {
  size_t activities = 0;
  bool dense = true;
  std::vector<int64_t> matrix;
  std::unordered_map<uint64_t, int64_t> map;
  std::vector<int64_t> starts, ends, occurrences;

  explicit Counts(size_t n)
      : activities(n),
        dense(n <= kDenseLimit),
        starts(n),
        ends(n),
        occurrences(n) {
    if (dense) matrix.assign(n * n, 0);
  }
  void Add(uint32_t a, uint32_t b) {
    if (dense) {
      ++matrix[static_cast<size_t>(a) * activities + b];
    } else {
      ++map[(static_cast<uint64_t>(a) << 32) | b];
    }
  }
};

void CountCases(const eventlog::LogView& view, size_t begin, size_t end,
                Counts& counts) {
  const eventlog::EventLog& log = view.log();
  for (size_t i = begin; i < end; ++i) {
    std::span<const uint32_t> trace = log.trace(view.case_at(i));
    if (trace.empty()) continue;
    ++counts.starts[trace.front()];
    ++counts.ends[trace.back()];
    ++counts.occurrences[trace[0]];
    for (size_t k = 1; k < trace.size(); ++k) {
      ++counts.occurrences[trace[k]];
      counts.Add(trace[k - 1], trace[k]);
    }
  }
}

}  // namespace

const DfgEdge* Dfg::Find(uint32_t a, uint32_t b) const {
  auto at =
      std::lower_bound(edges.begin(), edges.end(), std::pair(a, b),
                       [](const DfgEdge& e, std::pair<uint32_t, uint32_t> key) {
                         return std::pair(e.source, e.target) < key;
                       });
  return at != edges.end() && at->source == a && at->target == b ? &*at
                                                                 : nullptr;
}

Dfg DiscoverDfg(const eventlog::LogView& view, const DfgOptions& options) {
  const eventlog::EventLog& log = view.log();
  const size_t n = log.activities().size();
  Dfg dfg;
  dfg.activities = log.activities();
  dfg.cases = static_cast<int64_t>(view.num_cases());

  // Pass 1: counts, each worker over its own slice of the cases.
  const std::vector<internal::Slice> slices =
      internal::SliceCases(view, options.threads);
  std::vector<Counts> partial;
  partial.reserve(slices.size());
  for (size_t t = 0; t < slices.size(); ++t) partial.emplace_back(n);
  internal::RunSlices(slices, [&](size_t t, const internal::Slice& slice) {
    CountCases(view, slice.begin, slice.end, partial[t]);
  });
  Counts total(n);
  for (const Counts& part : partial) {
    for (size_t a = 0; a < n; ++a) {
      total.starts[a] += part.starts[a];
      total.ends[a] += part.ends[a];
      total.occurrences[a] += part.occurrences[a];
    }
    if (total.dense) {
      for (size_t i = 0; i < total.matrix.size(); ++i) {
        total.matrix[i] += part.matrix[i];
      }
    } else {
      for (const auto& [key, count] : part.map) total.map[key] += count;
    }
  }
  dfg.start_count = total.starts;
  dfg.end_count = total.ends;
  dfg.activity_count = total.occurrences;
  for (int64_t count : dfg.activity_count) dfg.events += count;
  if (total.dense) {
    for (size_t a = 0; a < n; ++a) {
      for (size_t b = 0; b < n; ++b) {
        const int64_t count = total.matrix[a * n + b];
        if (count > 0) {
          dfg.edges.push_back(
              {static_cast<uint32_t>(a), static_cast<uint32_t>(b), count, {}});
        }
      }
    }
  } else {
    for (const auto& [key, count] : total.map) {
      dfg.edges.push_back({static_cast<uint32_t>(key >> 32),
                           static_cast<uint32_t>(key & 0xffffffffU),
                           count,
                           {}});
    }
    std::sort(dfg.edges.begin(), dfg.edges.end(),
              [](const DfgEdge& x, const DfgEdge& y) {
                return std::pair(x.source, x.target) <
                       std::pair(y.source, y.target);
              });
  }
  if (!options.durations || dfg.edges.empty()) return dfg;

  // Pass 2: every edge's durations in one flat array, each edge a range of
  // it sized by its count; the workers' shares of a range follow each
  // other in slice order.
  std::unordered_map<uint64_t, uint32_t> index;
  std::vector<uint32_t> dense_index;
  if (total.dense) {
    dense_index.assign(n * n, 0);
    for (size_t e = 0; e < dfg.edges.size(); ++e) {
      dense_index[dfg.edges[e].source * n + dfg.edges[e].target] =
          static_cast<uint32_t>(e);
    }
  } else {
    index.reserve(dfg.edges.size());
    for (size_t e = 0; e < dfg.edges.size(); ++e) {
      index.emplace((static_cast<uint64_t>(dfg.edges[e].source) << 32) |
                        dfg.edges[e].target,
                    static_cast<uint32_t>(e));
    }
  }
  auto edge_of = [&](uint32_t a, uint32_t b) -> uint32_t {
    if (total.dense) return dense_index[static_cast<size_t>(a) * n + b];
    return index.at((static_cast<uint64_t>(a) << 32) | b);
  };
  std::vector<size_t> begin(dfg.edges.size() + 1, 0);
  for (size_t e = 0; e < dfg.edges.size(); ++e) {
    begin[e + 1] = begin[e] + static_cast<size_t>(dfg.edges[e].count);
  }
  // Where worker t starts writing in edge e's range.
  std::vector<std::vector<size_t>> cursor(
      slices.size(), std::vector<size_t>(begin.begin(), begin.end() - 1));
  for (size_t t = 1; t < slices.size(); ++t) {
    const Counts& before = partial[t - 1];
    for (size_t e = 0; e < dfg.edges.size(); ++e) {
      const DfgEdge& edge = dfg.edges[e];
      int64_t counted = 0;
      if (before.dense) {
        counted =
            before.matrix[static_cast<size_t>(edge.source) * n + edge.target];
      } else {
        auto found = before.map.find(
            (static_cast<uint64_t>(edge.source) << 32) | edge.target);
        counted = found == before.map.end() ? 0 : found->second;
      }
      cursor[t][e] = cursor[t - 1][e] + static_cast<size_t>(counted);
    }
  }
  std::vector<int64_t> durations(begin.back(), kNoTime);
  internal::RunSlices(slices, [&](size_t t, const internal::Slice& slice) {
    std::vector<size_t>& at = cursor[t];
    std::span<const int64_t> time = log.timestamp();
    for (size_t i = slice.begin; i < slice.end; ++i) {
      const uint32_t c = view.case_at(i);
      const size_t first = log.case_begin(c);
      std::span<const uint32_t> trace = log.trace(c);
      for (size_t k = 1; k < trace.size(); ++k) {
        const int64_t from = time[first + k - 1];
        const int64_t to = time[first + k];
        const uint32_t e = edge_of(trace[k - 1], trace[k]);
        durations[at[e]++] =
            from == kNoTime || to == kNoTime ? kNoTime : to - from;
      }
    }
  });
  internal::RunSlices(internal::SliceRange(dfg.edges.size(), options.threads),
                      [&](size_t, const internal::Slice& slice) {
                        std::vector<int64_t> values;
                        for (size_t e = slice.begin; e < slice.end; ++e) {
                          values.clear();
                          for (size_t i = begin[e]; i < begin[e + 1]; ++i) {
                            if (durations[i] != kNoTime)
                              values.push_back(durations[i]);
                          }
                          dfg.edges[e].duration = internal::Describe(values);
                        }
                      });
  return dfg;
}

sop::PetriNet DfgToPetriNet(const Dfg& dfg) {
  sop::PetriNet net;
  net.source = net.AddPlace("source", "source");
  net.sink = net.AddPlace("sink", "sink");
  net.initial[net.source] = 1;
  net.final[net.sink] = 1;
  std::vector<int> place(dfg.activities.size(), -1);
  for (size_t a = 0; a < dfg.activities.size(); ++a) {
    if (dfg.activity_count[a] == 0) continue;
    place[a] = net.AddPlace("p_" + std::to_string(a), dfg.activities[a]);
  }
  auto transition = [&](const std::string& label, bool silent) {
    return net.AddTransition("t_" + std::to_string(net.transitions.size()),
                             label, silent);
  };
  for (size_t a = 0; a < dfg.activities.size(); ++a) {
    if (place[a] < 0 || dfg.start_count[a] == 0) continue;
    const int t = transition(dfg.activities[a], false);
    net.AddArc(net.source, t);
    net.AddArc(t, place[a], /*to_place=*/true);
  }
  for (size_t a = 0; a < dfg.activities.size(); ++a) {
    if (place[a] < 0 || dfg.end_count[a] == 0) continue;
    const int t = transition("", true);
    net.AddArc(place[a], t);
    net.AddArc(t, net.sink, /*to_place=*/true);
  }
  for (const DfgEdge& edge : dfg.edges) {
    const int t = transition(dfg.activities[edge.target], false);
    net.AddArc(place[edge.source], t);
    net.AddArc(t, place[edge.target], /*to_place=*/true);
  }
  return net;
}

}  // namespace livesop::mining

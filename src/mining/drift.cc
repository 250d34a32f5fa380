#include "mining/drift.h"

#include <algorithm>
#include <numeric>
#include <random>
#include <unordered_map>
#include <utility>

namespace livesop::mining {
namespace {

// Each trace as the relations it shows, numbered densely; a relation is
// (from, to) with -1 for the start and the end.
struct Relations {
  std::vector<std::vector<uint32_t>> of_trace;  // sorted, unique
  std::vector<std::pair<int64_t, int64_t>> pairs;
};

Relations RelationsOf(const eventlog::EventLog& log) {
  Relations out;
  std::unordered_map<uint64_t, uint32_t> ids;
  const auto id_of = [&](int64_t from, int64_t to) {
    const uint64_t key =
        (static_cast<uint64_t>(from + 1) << 32) | static_cast<uint64_t>(to + 1);
    auto [it, added] = ids.emplace(key, static_cast<uint32_t>(ids.size()));
    if (added) out.pairs.emplace_back(from, to);
    return it->second;
  };
  out.of_trace.resize(log.num_cases());
  for (size_t c = 0; c < log.num_cases(); ++c) {
    std::vector<uint32_t>& shown = out.of_trace[c];
    int64_t previous = -1;
    for (uint32_t activity : log.trace(c)) {
      shown.push_back(id_of(previous, activity));
      previous = activity;
    }
    shown.push_back(id_of(previous, -1));
    std::sort(shown.begin(), shown.end());
    shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  }
  return out;
}

// One segment of the log, [begin, end) of the traces in log order, and
// what its relations' counts weigh.
class Segment {
 public:
  Segment(const Relations& relations, int64_t begin, int64_t end,
          int64_t min_support)
      : relations_(relations), begin_(begin), end_(end) {
    const double n = static_cast<double>(end - begin);
    total_.assign(relations.pairs.size(), 0);
    for (int64_t t = begin; t < end; ++t) {
      for (uint32_t r : relations.of_trace[t]) ++total_[r];
    }
    weight_.assign(relations.pairs.size(), 0);
    for (size_t r = 0; r < total_.size(); ++r) {
      const int64_t count = total_[r];
      if (count < min_support || (end - begin) - count < min_support) continue;
      const double t = static_cast<double>(count);
      weight_[r] = 1.0 / (t * (n - t));
      constant_ += weight_[r] * t * t;
    }
  }

  // The best cut of the traces in `order` (trace indices, a permutation of
  // the segment's): the statistic and how many traces go before it. The
  // sum over relations of the 2x2 chi-square, n/(L R) * sum w (a n - T L)^2,
  // kept up to date trace by trace.
  std::pair<double, int64_t> BestCut(const std::vector<int64_t>& order,
                                     int64_t min_segment) const {
    const int64_t size = end_ - begin_;
    const double n = static_cast<double>(size);
    std::vector<int64_t> before(total_.size(), 0);
    double squares = 0;   // sum w a^2
    double products = 0;  // sum w a T
    std::pair<double, int64_t> best{-1, 0};
    for (int64_t k = 0; k + 1 < size; ++k) {
      for (uint32_t r : relations_.of_trace[order[k]]) {
        if (weight_[r] == 0) continue;
        squares += weight_[r] * static_cast<double>(2 * before[r] + 1);
        products += weight_[r] * static_cast<double>(total_[r]);
        ++before[r];
      }
      const int64_t left = k + 1;
      const int64_t right = size - left;
      if (left < min_segment || right < min_segment) continue;
      const double l = static_cast<double>(left);
      const double statistic =
          n / (l * static_cast<double>(right)) *
          (n * n * squares - 2 * n * l * products + l * l * constant_);
      if (statistic > best.first) best = {statistic, left};
    }
    return best;
  }

  // Every relation counted at a cut after `left` traces, with its shares
  // before and after and its chi-square; `from` and `to` are left empty.
  std::vector<std::pair<uint32_t, DriftRelation>> Changed(int64_t left) const {
    std::vector<int64_t> before(total_.size(), 0);
    for (int64_t t = begin_; t < begin_ + left; ++t) {
      for (uint32_t r : relations_.of_trace[t]) ++before[r];
    }
    const int64_t size = end_ - begin_;
    const double n = static_cast<double>(size);
    const double l = static_cast<double>(left);
    const double rt = static_cast<double>(size - left);
    std::vector<std::pair<uint32_t, DriftRelation>> out;
    for (size_t r = 0; r < total_.size(); ++r) {
      if (weight_[r] == 0) continue;
      const double a = static_cast<double>(before[r]);
      const double t = static_cast<double>(total_[r]);
      const double d = a * n - t * l;
      DriftRelation relation;
      relation.before = a / l;
      relation.after = (t - a) / rt;
      relation.chi_square = n * weight_[r] * d * d / (l * rt);
      out.emplace_back(static_cast<uint32_t>(r), std::move(relation));
    }
    return out;
  }

  int64_t begin() const { return begin_; }
  int64_t end() const { return end_; }

 private:
  const Relations& relations_;
  int64_t begin_;
  int64_t end_;
  std::vector<int64_t> total_;
  std::vector<double> weight_;
  double constant_ = 0;  // sum w T^2
};

class Detector {
 public:
  Detector(const eventlog::EventLog& log, const DriftOptions& options)
      : log_(log), options_(options), relations_(RelationsOf(log)) {}

  void Search(int64_t begin, int64_t end, std::vector<ChangePoint>& found) {
    if (end - begin < 2 * options_.min_segment) return;
    const Segment segment(relations_, begin, end, options_.min_support);
    std::vector<int64_t> order(static_cast<size_t>(end - begin));
    std::iota(order.begin(), order.end(), begin);
    const auto [statistic, left] = segment.BestCut(order, options_.min_segment);
    if (statistic <= 0) return;
    std::mt19937_64 random(
        options_.seed ^ (static_cast<uint64_t>(begin) * 0x9E3779B97F4A7C15u) ^
        static_cast<uint64_t>(end));
    int reached = 0;
    for (int i = 0; i < options_.permutations; ++i) {
      std::shuffle(order.begin(), order.end(), random);
      if (segment.BestCut(order, options_.min_segment).first >= statistic) {
        ++reached;
      }
    }
    const double p = static_cast<double>(reached + 1) /
                     static_cast<double>(options_.permutations + 1);
    if (p > options_.significance) return;
    const int64_t cut = begin + left;  // the first trace after the change
    Search(begin, cut, found);
    found.push_back(Describe(segment, left, statistic, p));
    Search(cut, end, found);
  }

 private:
  ChangePoint Describe(const Segment& segment, int64_t left, double statistic,
                       double p) const {
    ChangePoint point;
    point.trace_index = segment.begin() + left - 1;
    point.statistic = statistic;
    point.p_value = p;
    const size_t first = static_cast<size_t>(segment.begin() + left);
    if (log_.case_size(first) > 0) {
      point.time_us = log_.timestamp()[log_.case_begin(first)];
    }
    std::vector<std::pair<uint32_t, DriftRelation>> changed =
        segment.Changed(left);
    std::sort(changed.begin(), changed.end(), [](const auto& a, const auto& b) {
      return a.second.chi_square > b.second.chi_square;
    });
    const auto name = [&](int64_t activity) {
      return activity < 0 ? std::string()
                          : log_.activities()[static_cast<size_t>(activity)];
    };
    for (size_t i = 0; i < changed.size() && i < 10; ++i) {
      DriftRelation relation = std::move(changed[i].second);
      const auto& [from, to] = relations_.pairs[changed[i].first];
      relation.from = name(from);
      relation.to = name(to);
      point.relations.push_back(std::move(relation));
    }
    return point;
  }

  const eventlog::EventLog& log_;
  const DriftOptions& options_;
  const Relations relations_;
};

}  // namespace

Result<std::vector<ChangePoint>> DetectDrift(const eventlog::EventLog& log,
                                             const DriftOptions& options) {
  if (options.min_segment < 2) {
    return InvalidArgumentError("min_segment must be 2 traces or more");
  }
  if (options.permutations < 1) {
    return InvalidArgumentError("permutations must be 1 or more");
  }
  if (!(options.significance > 0 && options.significance < 1)) {
    return InvalidArgumentError("significance must lie between 0 and 1");
  }
  std::vector<ChangePoint> found;
  Detector detector(log, options);
  detector.Search(0, static_cast<int64_t>(log.num_cases()), found);
  return found;
}

}  // namespace livesop::mining

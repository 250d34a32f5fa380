#include "insight/internal/rate_change.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <utility>

namespace livesop::insight::internal {
namespace {

struct Best {
  int64_t cut = -1;  // the last index of the left part
  double statistic = 0;
};

// The cut of cases[begin, end) with the largest 2x2 chi-square of yes/no
// before against after.
Best BestCut(const std::vector<char>& cases, int64_t begin, int64_t end,
             int64_t min_segment) {
  Best best;
  const int64_t n = end - begin;
  int64_t total_yes = 0;
  for (int64_t i = begin; i < end; ++i) total_yes += cases[i];
  const int64_t total_no = n - total_yes;
  if (total_yes == 0 || total_no == 0) return best;
  int64_t yes = 0;
  for (int64_t i = begin; i < end - min_segment; ++i) {
    yes += cases[i];
    const int64_t left = i - begin + 1;
    if (left < min_segment) continue;
    const int64_t right = n - left;
    // (ad - bc)^2 n / (row and column totals)
    const double a = static_cast<double>(yes);
    const double b = static_cast<double>(left - yes);
    const double c = static_cast<double>(total_yes - yes);
    const double d = static_cast<double>(right - (total_yes - yes));
    const double diff = a * d - b * c;
    const double statistic =
        diff * diff * static_cast<double>(n) /
        (static_cast<double>(left) * static_cast<double>(right) *
         static_cast<double>(total_yes) * static_cast<double>(total_no));
    if (statistic > best.statistic) best = {i, statistic};
  }
  return best;
}

double Rate(const std::vector<char>& cases, int64_t begin, int64_t end) {
  if (end <= begin) return 0;
  int64_t yes = 0;
  for (int64_t i = begin; i < end; ++i) yes += cases[i];
  return static_cast<double>(yes) / static_cast<double>(end - begin);
}

void Segment(std::vector<char>& cases, int64_t begin, int64_t end,
             const RateChangeOptions& options, std::mt19937_64& random,
             std::vector<RateCut>& cuts) {
  if (end - begin < 2 * options.min_segment) return;
  const Best best = BestCut(cases, begin, end, options.min_segment);
  if (best.cut < 0) return;
  const double effect = std::abs(Rate(cases, begin, best.cut + 1) -
                                 Rate(cases, best.cut + 1, end));
  if (effect < options.min_effect) return;
  // The same cases in random orders: how often does chance cut as well?
  std::vector<char> shuffled(cases.begin() + begin, cases.begin() + end);
  int reached = 0;
  for (int p = 0; p < options.permutations; ++p) {
    std::shuffle(shuffled.begin(), shuffled.end(), random);
    if (BestCut(shuffled, 0, static_cast<int64_t>(shuffled.size()),
                options.min_segment)
            .statistic >= best.statistic) {
      ++reached;
    }
  }
  const double p_value =
      static_cast<double>(reached + 1) / (options.permutations + 1);
  if (p_value > options.significance) return;
  cuts.push_back({best.cut, 0, 0, best.statistic, p_value});
  Segment(cases, begin, best.cut + 1, options, random, cuts);
  Segment(cases, best.cut + 1, end, options, random, cuts);
}

}  // namespace

std::vector<RateCut> FindRateChanges(const std::vector<bool>& cases,
                                     const RateChangeOptions& options) {
  std::vector<char> values(cases.begin(), cases.end());
  std::mt19937_64 random(options.seed);
  std::vector<RateCut> cuts;
  Segment(values, 0, static_cast<int64_t>(values.size()), options, random,
          cuts);
  std::sort(cuts.begin(), cuts.end(), [](const RateCut& a, const RateCut& b) {
    return a.index < b.index;
  });
  for (size_t i = 0; i < cuts.size(); ++i) {
    const int64_t begin = i == 0 ? 0 : cuts[i - 1].index + 1;
    const int64_t end = i + 1 < cuts.size()
                            ? cuts[i + 1].index + 1
                            : static_cast<int64_t>(values.size());
    cuts[i].before = Rate(values, begin, cuts[i].index + 1);
    cuts[i].after = Rate(values, cuts[i].index + 1, end);
  }
  return cuts;
}

}  // namespace livesop::insight::internal

// Change points in a rate: where, in a sequence of yes/no cases in time
// order (a campaign on the documented path, a step done as written), the
// share of yes changes. Binary segmentation on the 2x2 chi-square of
// before against after, each cut kept when a seeded permutation test says
// it beats chance and the rate moved by at least `min_effect`.
#ifndef LIVESOP_INSIGHT_INTERNAL_RATE_CHANGE_H_
#define LIVESOP_INSIGHT_INTERNAL_RATE_CHANGE_H_

#include <cstdint>
#include <vector>

namespace livesop::insight::internal {

struct RateChangeOptions {
  int64_t min_segment = 8;  // cases on each side of a cut, at least
  int permutations = 99;
  double significance = 0.01;  // with 99 orders: at most none reach it
  double min_effect = 0.2;     // |after - before|, at least
  uint64_t seed = 1;
};

struct RateCut {
  int64_t index = 0;  // the last case before the change, 0-based
  double before = 0;  // the rate in the segment before the cut
  double after = 0;   // and after it, up to the next cut
  double statistic = 0;
  double p_value = 0;
};

// The cuts of `cases`, in order. Rates are those of the final segments
// around each cut.
std::vector<RateCut> FindRateChanges(const std::vector<bool>& cases,
                                     const RateChangeOptions& options = {});

}  // namespace livesop::insight::internal

#endif  // LIVESOP_INSIGHT_INTERNAL_RATE_CHANGE_H_

// Summary statistics of durations, computed as numpy does them so results
// agree with PM4Py's.
#ifndef LIVESOP_MINING_INTERNAL_QUANTILE_H_
#define LIVESOP_MINING_INTERNAL_QUANTILE_H_

#include <cstdint>
#include <vector>

#include "mining/dfg.h"

namespace livesop::mining::internal {

// The q-th quantile (0 <= q <= 1) of `values` with linear interpolation
// between ranks (numpy's default). Reorders `values`; 0 when empty.
double Quantile(std::vector<int64_t>& values, double q);

// Count, mean, median, 90th percentile, min and max of `values` (reordered).
DurationStats Describe(std::vector<int64_t>& values);

}  // namespace livesop::mining::internal

#endif  // LIVESOP_MINING_INTERNAL_QUANTILE_H_

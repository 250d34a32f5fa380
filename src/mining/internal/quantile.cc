#include "mining/internal/quantile.h"

#include <algorithm>
#include <cmath>

namespace livesop::mining::internal {

double Quantile(std::vector<int64_t>& values, double q) {
  if (values.empty()) return 0;
  const double rank = q * static_cast<double>(values.size() - 1);
  const auto low = static_cast<size_t>(std::floor(rank));
  std::nth_element(values.begin(), values.begin() + static_cast<ptrdiff_t>(low),
                   values.end());
  const auto low_value = static_cast<double>(values[low]);
  if (low + 1 >= values.size()) return low_value;
  // The next rank's value is the smallest of those after `low`.
  const auto high_value = static_cast<double>(*std::min_element(
      values.begin() + static_cast<ptrdiff_t>(low) + 1, values.end()));
  return low_value +
         (rank - static_cast<double>(low)) * (high_value - low_value);
}

DurationStats Describe(std::vector<int64_t>& values) {
  DurationStats stats;
  stats.count = static_cast<int64_t>(values.size());
  if (values.empty()) return stats;
  double sum = 0;
  stats.min_us = values[0];
  stats.max_us = values[0];
  for (int64_t v : values) {
    sum += static_cast<double>(v);
    stats.min_us = std::min(stats.min_us, v);
    stats.max_us = std::max(stats.max_us, v);
  }
  stats.mean_us = sum / static_cast<double>(values.size());
  stats.median_us = Quantile(values, 0.5);
  stats.p90_us = Quantile(values, 0.9);
  return stats;
}

}  // namespace livesop::mining::internal

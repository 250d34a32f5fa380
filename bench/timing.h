// Timing a piece of work over several runs, for the benchmarks: the median
// (what BENCHMARKS.md reports, the machines being shared and noisy) and the
// fastest run.
#ifndef LIVESOP_BENCH_TIMING_H_
#define LIVESOP_BENCH_TIMING_H_

#include <algorithm>
#include <chrono>
#include <functional>
#include <vector>

namespace livesop::bench {

struct Timing {
  double median_ms = 0;
  double min_ms = 0;
};

// Runs `work` `runs` times (at least once).
inline Timing Time(int runs, const std::function<void()>& work) {
  std::vector<double> ms;
  for (int i = 0; i < std::max(runs, 1); ++i) {
    const auto start = std::chrono::steady_clock::now();
    work();
    ms.push_back(std::chrono::duration<double, std::milli>(
                     std::chrono::steady_clock::now() - start)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front()};
}

inline double MedianMs(int runs, const std::function<void()>& work) {
  return Time(runs, work).median_ms;
}

}  // namespace livesop::bench

#endif  // LIVESOP_BENCH_TIMING_H_

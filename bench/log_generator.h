// A synthetic but realistic marketing-campaign event log for benchmarks:
// about 30 activities (intake with a completeness loop, four campaign types
// with their own steps, parallel copy and design work, a review loop,
// parallel approvals that depend on the campaign, launch on several
// channels, reporting), random interleavings of the parallel work, 2 % of
// steps skipped and 1 % of neighbours swapped as noise, role-based
// resources and working-hour durations. Thousands of variants arise, as in
// a real department's history.
#ifndef LIVESOP_BENCH_LOG_GENERATOR_H_
#define LIVESOP_BENCH_LOG_GENERATOR_H_

#include <cstdint>
#include <ostream>

#include "core/status.h"

namespace livesop::bench {

struct GeneratedLog {
  int64_t cases = 0;
  int64_t events = 0;
};

// Writes a log of at least `events` events (whole cases) as XES to `out`.
// The same seed gives the same log.
Result<GeneratedLog> GenerateCampaignLog(int64_t events, uint64_t seed,
                                         std::ostream& out);

}  // namespace livesop::bench

#endif  // LIVESOP_BENCH_LOG_GENERATOR_H_

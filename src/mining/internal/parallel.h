// Splitting work over the machine's cores: a log's cases (balanced by
// events) or a plain range, run by one thread per slice.
#ifndef LIVESOP_MINING_INTERNAL_PARALLEL_H_
#define LIVESOP_MINING_INTERNAL_PARALLEL_H_

#include <cstddef>
#include <functional>
#include <vector>

#include "eventlog/log.h"

namespace livesop::mining::internal {

struct Slice {
  size_t begin = 0;
  size_t end = 0;
};

// How many threads `requested` means: itself when positive, else one per
// core (std::thread::hardware_concurrency, at least 1).
int Threads(int requested);

// The view's case positions [0, num_cases) cut into at most Threads(threads)
// consecutive slices holding about the same number of events. Small views
// (under ~20,000 events) get one slice: threads cost more than they save.
std::vector<Slice> SliceCases(const eventlog::LogView& view, int threads);

// [0, n) cut into at most Threads(threads) consecutive slices.
std::vector<Slice> SliceRange(size_t n, int threads);

// Runs `work(index, slice)` for every slice, each on its own thread (the
// first on the calling thread), and returns when all are done.
void RunSlices(const std::vector<Slice>& slices,
               const std::function<void(size_t, const Slice&)>& work);

}  // namespace livesop::mining::internal

#endif  // LIVESOP_MINING_INTERNAL_PARALLEL_H_

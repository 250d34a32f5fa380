#include "mining/internal/parallel.h"

#include <algorithm>
#include <thread>

namespace livesop::mining::internal {
namespace {

constexpr size_t kEventsPerThread = 20000;

}  // namespace

int Threads(int requested) {
  if (requested > 0) return requested;
  return std::max(1U, std::thread::hardware_concurrency());
}

std::vector<Slice> SliceCases(const eventlog::LogView& view, int threads) {
  const size_t cases = view.num_cases();
  const size_t events = view.num_events();
  const size_t parts =
      std::clamp<size_t>(std::min<size_t>(static_cast<size_t>(Threads(threads)),
                                          events / kEventsPerThread),
                         1, std::max<size_t>(cases, 1));
  std::vector<Slice> slices;
  size_t begin = 0;
  size_t seen = 0;
  for (size_t part = 1; part <= parts; ++part) {
    const size_t goal = events * part / parts;
    size_t end = begin;
    while (end < cases && (seen < goal || part == parts)) {
      seen += view.log().case_size(view.case_at(end));
      ++end;
    }
    slices.push_back({begin, end});
    begin = end;
  }
  return slices;
}

std::vector<Slice> SliceRange(size_t n, int threads) {
  const size_t parts = std::clamp<size_t>(static_cast<size_t>(Threads(threads)),
                                          1, std::max<size_t>(n, 1));
  std::vector<Slice> slices;
  for (size_t part = 0; part < parts; ++part) {
    slices.push_back({n * part / parts, n * (part + 1) / parts});
  }
  return slices;
}

void RunSlices(const std::vector<Slice>& slices,
               const std::function<void(size_t, const Slice&)>& work) {
  std::vector<std::thread> threads;
  threads.reserve(slices.size());
  for (size_t i = 1; i < slices.size(); ++i) {
    threads.emplace_back([&work, &slices, i] { work(i, slices[i]); });
  }
  if (!slices.empty()) work(0, slices[0]);
  for (std::thread& thread : threads) thread.join();
}

}  // namespace livesop::mining::internal

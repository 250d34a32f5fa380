#include "mining/stats.h"

#include <algorithm>
#include <unordered_map>

#include "mining/internal/quantile.h"

namespace livesop::mining {
namespace {

using eventlog::kNoString;
using eventlog::kNoTime;

// A start waiting for its completion.
struct OpenStart {
  uint32_t activity = 0;
  int64_t start = kNoTime;
  int64_t previous_end = kNoTime;  // the case's last end when it started
};

template <typename T>
void SortByCountThenName(std::vector<T>& links) {
  std::sort(links.begin(), links.end(), [](const T& a, const T& b) {
    if (a.count != b.count) return a.count > b.count;
    if (a.from != b.from) return a.from < b.from;
    return a.to < b.to;
  });
}

}  // namespace

LogStatistics ComputeStatistics(const eventlog::LogView& view) {
  const eventlog::EventLog& log = view.log();
  const size_t n = log.activities().size();
  const uint32_t start_id = log.strings().Find("start");
  const uint32_t complete_id = log.strings().Find("complete");
  std::span<const int64_t> time = log.timestamp();
  std::span<const uint32_t> lifecycle = log.lifecycle();
  std::span<const uint32_t> resource = log.resource();

  LogStatistics stats;
  stats.cases = static_cast<int64_t>(view.num_cases());
  stats.variants = static_cast<int64_t>(eventlog::Variants(view).size());
  std::vector<int64_t> case_durations;
  std::vector<std::vector<int64_t>> waiting(n), service(n);
  std::vector<int64_t> occurrences(n, 0);
  std::vector<int64_t> rework_cases(n, 0), rework_extra(n, 0);
  std::vector<uint32_t> seen_in_case(n, 0);
  std::vector<uint32_t> touched;
  // Resource pairs packed into one key: (from << 32) | to.
  std::unordered_map<uint64_t, int64_t> handovers, together;
  struct Load {
    int64_t events = 0;
    int64_t cases = 0;
    uint32_t last_case = eventlog::kNoString;
    std::vector<bool> activities;
  };
  std::unordered_map<uint32_t, Load> loads;
  auto pair = [](uint32_t a, uint32_t b) {
    return (static_cast<uint64_t>(a) << 32) | b;
  };
  int64_t resourced_events = 0;
  std::vector<OpenStart> open;
  std::vector<uint32_t> people;

  for (uint32_t c : view.cases()) {
    const size_t begin = log.case_begin(c);
    const size_t end = log.case_end(c);
    stats.events += static_cast<int64_t>(end - begin);
    int64_t first = kNoTime, last = kNoTime, previous_end = kNoTime;
    open.clear();
    touched.clear();
    people.clear();
    for (size_t e = begin; e < end; ++e) {
      const uint32_t a = log.activity()[e];
      const int64_t t = time[e];
      if (t != kNoTime) {
        if (first == kNoTime) first = t;
        last = t;
      }
      if (resource[e] != kNoString) {
        ++resourced_events;
        Load& load = loads[resource[e]];
        ++load.events;
        if (load.last_case != c) {
          load.last_case = c;
          ++load.cases;
        }
        if (load.activities.empty()) load.activities.resize(n);
        load.activities[a] = true;
        people.push_back(resource[e]);
        if (e > begin && resource[e - 1] != kNoString &&
            resource[e - 1] != resource[e]) {
          ++handovers[pair(resource[e - 1], resource[e])];
        }
      }
      const uint32_t phase = lifecycle[e];
      if (phase != kNoString && phase == start_id) {
        open.push_back({a, t, previous_end});
        continue;
      }
      if (phase != kNoString && phase != complete_id) continue;
      ++occurrences[a];
      if (seen_in_case[a]++ == 0) touched.push_back(a);
      auto started =
          std::find_if(open.begin(), open.end(),
                       [a](const OpenStart& s) { return s.activity == a; });
      if (started != open.end()) {
        if (started->start != kNoTime && t != kNoTime) {
          service[a].push_back(t - started->start);
        }
        if (started->start != kNoTime && started->previous_end != kNoTime) {
          waiting[a].push_back(started->start - started->previous_end);
        }
        open.erase(started);
      } else if (t != kNoTime && previous_end != kNoTime) {
        waiting[a].push_back(t - previous_end);
      }
      if (t != kNoTime) previous_end = t;
    }
    if (first != kNoTime) {
      case_durations.push_back(last - first);
      if (stats.first_event_us == kNoTime || first < stats.first_event_us) {
        stats.first_event_us = first;
      }
      stats.last_event_us = std::max(stats.last_event_us, last);
    }
    for (uint32_t a : touched) {
      if (seen_in_case[a] > 1) {
        ++rework_cases[a];
        rework_extra[a] += seen_in_case[a] - 1;
      }
      seen_in_case[a] = 0;
    }
    std::sort(people.begin(), people.end());
    people.erase(std::unique(people.begin(), people.end()), people.end());
    for (size_t i = 0; i < people.size(); ++i) {
      for (size_t j = i + 1; j < people.size(); ++j) {
        ++together[pair(people[i], people[j])];
      }
    }
  }

  stats.case_duration = internal::Describe(case_durations);
  for (size_t a = 0; a < n; ++a) {
    ActivityTimes& times = stats.activities.emplace_back();
    times.activity = log.activities()[a];
    times.occurrences = occurrences[a];
    times.waiting = internal::Describe(waiting[a]);
    times.service = internal::Describe(service[a]);
    if (rework_cases[a] > 0) {
      stats.rework.push_back(
          {log.activities()[a], rework_cases[a], rework_extra[a]});
    }
  }
  std::sort(stats.rework.begin(), stats.rework.end(),
            [](const Rework& x, const Rework& y) {
              if (x.repetitions != y.repetitions)
                return x.repetitions > y.repetitions;
              return x.activity < y.activity;
            });
  auto name = [&log](uint32_t id) { return std::string(log.strings()[id]); };
  for (const auto& [key, count] : handovers) {
    stats.handovers.push_back({name(static_cast<uint32_t>(key >> 32)),
                               name(static_cast<uint32_t>(key)), count});
  }
  SortByCountThenName(stats.handovers);
  for (const auto& [key, count] : together) {
    std::string from = name(static_cast<uint32_t>(key >> 32));
    std::string to = name(static_cast<uint32_t>(key));
    if (to < from) std::swap(from, to);
    stats.working_together.push_back({from, to, count});
  }
  SortByCountThenName(stats.working_together);
  for (const auto& [id, load] : loads) {
    stats.workload.push_back(
        {name(id), load.events, load.cases,
         static_cast<int64_t>(
             std::count(load.activities.begin(), load.activities.end(), true)),
         resourced_events > 0 ? static_cast<double>(load.events) /
                                    static_cast<double>(resourced_events)
                              : 0});
  }
  std::sort(stats.workload.begin(), stats.workload.end(),
            [](const ResourceLoad& x, const ResourceLoad& y) {
              if (x.events != y.events) return x.events > y.events;
              return x.resource < y.resource;
            });
  return stats;
}

}  // namespace livesop::mining

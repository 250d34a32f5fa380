// Performance and organisational statistics of a log: how long cases take,
// where time goes per activity, what is done twice, who hands work to whom,
// who works together and how work is spread over people.
#ifndef LIVESOP_MINING_STATS_H_
#define LIVESOP_MINING_STATS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "eventlog/log.h"
#include "mining/dfg.h"

namespace livesop::mining {

// Time spent per activity. An event's waiting time is the time from the
// end of the case's previous event to its own start; its service time runs
// from its start to its completion. Where the log records lifecycle
// `start` events, a start is paired with the next `complete` of the same
// activity in the case (the pair counts as one occurrence). Where it
// records completions only, an event starts when it completes: waiting is
// the time since the previous event and service time is not measured
// (count 0).
struct ActivityTimes {
  std::string activity;
  int64_t occurrences = 0;  // completed occurrences in the view
  DurationStats waiting;
  DurationStats service;
};

// Activities done more than once in a case.
struct Rework {
  std::string activity;
  int64_t cases = 0;        // cases where it occurs twice or more
  int64_t repetitions = 0;  // occurrences beyond the first, summed
};

// A weighted, directed relation between resources (people).
struct ResourceLink {
  std::string from;
  std::string to;
  int64_t count = 0;
};

struct ResourceLoad {
  std::string resource;
  int64_t events = 0;
  int64_t cases = 0;       // distinct cases the resource worked on
  int64_t activities = 0;  // distinct activities it performed
  double share = 0;        // events / all events with a resource
};

struct LogStatistics {
  int64_t cases = 0;
  int64_t events = 0;
  int64_t variants = 0;
  int64_t first_event_us = eventlog::kNoTime;  // kNoTime when no times
  int64_t last_event_us = eventlog::kNoTime;
  // From each case's first timestamped event to its last, over the cases
  // with at least one timestamp.
  DurationStats case_duration;
  std::vector<ActivityTimes> activities;  // by activity id
  std::vector<Rework> rework;             // most repeated first; none omitted
  // Handover of work: in a case, event e by `from` directly followed by an
  // event by another resource `to` (same-resource pairs are no handover).
  // Most frequent first.
  std::vector<ResourceLink> handovers;
  // Working together: two resources who both worked on a case, counted once
  // per case, each pair once with `from` < `to`. Most frequent first.
  std::vector<ResourceLink> working_together;
  std::vector<ResourceLoad> workload;  // most events first
};

// The statistics of the cases of `view`, in one pass over its events.
LogStatistics ComputeStatistics(const eventlog::LogView& view);

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_STATS_H_

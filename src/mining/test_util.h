// Helpers shared by the mining tests: the shared real logs, and small logs
// written inline.
#ifndef LIVESOP_MINING_TEST_UTIL_H_
#define LIVESOP_MINING_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "eventlog/log.h"

namespace livesop::mining {

inline const std::string kSharedLogs =
    LIVESOP_SOURCE_DIR "/../shared/data/logs/";

// Reads a log of ../shared/data/logs; fails the test when it cannot.
inline eventlog::EventLog LoadSharedLog(const std::string& name) {
  Result<eventlog::EventLog> log = eventlog::ReadLog(kSharedLogs + name);
  EXPECT_TRUE(log.ok()) << log.status().message();
  return log.ok() ? std::move(*log) : eventlog::EventLog();
}

struct TestEvent {
  TestEvent(std::string a, int64_t m, std::string r = {})
      : activity(std::move(a)), minute(m), resource(std::move(r)) {}
  std::string activity;
  int64_t minute = 0;  // minutes after 2026-01-05T09:00Z; negative: no time
  std::string resource;
};

struct TestCase {
  std::string id;
  std::vector<TestEvent> events;
};

// A log of `cases`, events in the order given.
inline eventlog::EventLog BuildLog(const std::vector<TestCase>& cases) {
  using eventlog::Attribute;
  using eventlog::AttributeType;
  eventlog::LogBuilder builder;
  const int64_t base = *ParseTimestamp("2026-01-05T09:00:00Z");
  for (const TestCase& c : cases) {
    eventlog::Trace trace;
    trace.attributes.push_back({"concept:name", AttributeType::kString, c.id});
    for (const TestEvent& e : c.events) {
      eventlog::Event& event = trace.events.emplace_back();
      event.push_back({"concept:name", AttributeType::kString, e.activity});
      if (e.minute >= 0) {
        event.push_back({"time:timestamp", AttributeType::kDate,
                         FormatTimestamp(base + e.minute * 60'000'000)});
      }
      if (!e.resource.empty()) {
        event.push_back({"org:resource", AttributeType::kString, e.resource});
      }
    }
    builder.AddTrace(trace);
  }
  return builder.Finish();
}

// A log of activity sequences, one case per string of one-letter
// activities ("abcd"), each repeated `times[i]` times (1 when absent).
inline eventlog::EventLog LettersLog(const std::vector<std::string>& traces,
                                     const std::vector<int>& times = {}) {
  std::vector<TestCase> cases;
  for (size_t i = 0; i < traces.size(); ++i) {
    const int n = i < times.size() ? times[i] : 1;
    for (int k = 0; k < n; ++k) {
      TestCase& c = cases.emplace_back();
      c.id = std::to_string(cases.size());
      int minute = 0;
      for (char a : traces[i])
        c.events.push_back({std::string(1, a), minute++});
    }
  }
  return BuildLog(cases);
}

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_TEST_UTIL_H_

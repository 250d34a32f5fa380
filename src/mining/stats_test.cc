#include "mining/stats.h"

#include <gtest/gtest.h>

#include "mining/test_util.h"

namespace livesop::mining {
namespace {

using eventlog::EventLog;
using eventlog::LogView;

constexpr double kMinute = 60e6;

TEST(StatisticsTest, CaseDurationsWaitingReworkAndPeople) {
  const EventLog log = BuildLog({
      {"1",
       {{"draft", 0, "ana"},
        {"review", 30, "ben"},
        {"draft", 40, "ana"},
        {"review", 100, "ben"}}},
      {"2", {{"draft", 0, "ana"}, {"review", 10, "ana"}}},
      {"3", {{"draft", 5, "cy"}}},
  });
  const LogStatistics stats = ComputeStatistics(LogView(log));
  EXPECT_EQ(stats.cases, 3);
  EXPECT_EQ(stats.events, 7);
  EXPECT_EQ(stats.variants, 3);
  EXPECT_EQ(stats.case_duration.count, 3);
  EXPECT_DOUBLE_EQ(stats.case_duration.median_us, 10 * kMinute);
  EXPECT_EQ(stats.case_duration.max_us, 100 * 60'000'000LL);

  const ActivityTimes& review = stats.activities[log.FindActivity("review")];
  EXPECT_EQ(review.occurrences, 3);
  // Waiting before review: 30, 60 (after the second draft) and 10 minutes.
  EXPECT_EQ(review.waiting.count, 3);
  EXPECT_DOUBLE_EQ(review.waiting.median_us, 30 * kMinute);
  EXPECT_EQ(review.service.count, 0);  // completions only

  ASSERT_EQ(stats.rework.size(), 2u);
  EXPECT_EQ(stats.rework[0].cases, 1);
  EXPECT_EQ(stats.rework[0].repetitions, 1);

  // ana -> ben three times in case 1 (draft->review twice, ... ) and
  // ben -> ana once; case 2 is ana alone: no handover.
  ASSERT_EQ(stats.handovers.size(), 2u);
  EXPECT_EQ(stats.handovers[0].from, "ana");
  EXPECT_EQ(stats.handovers[0].to, "ben");
  EXPECT_EQ(stats.handovers[0].count, 2);
  EXPECT_EQ(stats.handovers[1].count, 1);

  ASSERT_EQ(stats.working_together.size(), 1u);
  EXPECT_EQ(stats.working_together[0].from, "ana");
  EXPECT_EQ(stats.working_together[0].to, "ben");
  EXPECT_EQ(stats.working_together[0].count, 1);

  ASSERT_EQ(stats.workload.size(), 3u);
  EXPECT_EQ(stats.workload[0].resource, "ana");
  EXPECT_EQ(stats.workload[0].events, 4);
  EXPECT_EQ(stats.workload[0].cases, 2);
  EXPECT_EQ(stats.workload[0].activities, 2);
  EXPECT_DOUBLE_EQ(stats.workload[0].share, 4.0 / 7.0);
}

TEST(StatisticsTest, StartAndCompletePairsGiveServiceTimes) {
  using eventlog::Attribute;
  using eventlog::AttributeType;
  eventlog::LogBuilder builder;
  eventlog::Trace trace;
  trace.attributes = {{"concept:name", AttributeType::kString, "1"}};
  auto event = [](const char* activity, const char* phase, const char* time) {
    return eventlog::Event{
        {"concept:name", AttributeType::kString, activity},
        {"lifecycle:transition", AttributeType::kString, phase},
        {"time:timestamp", AttributeType::kDate, time}};
  };
  trace.events = {event("a", "start", "2026-01-05T09:00:00Z"),
                  event("a", "complete", "2026-01-05T09:20:00Z"),
                  event("b", "start", "2026-01-05T10:00:00Z"),
                  event("b", "complete", "2026-01-05T10:05:00Z")};
  builder.AddTrace(trace);
  const EventLog log = builder.Finish();
  const LogStatistics stats = ComputeStatistics(LogView(log));
  const ActivityTimes& a = stats.activities[log.FindActivity("a")];
  const ActivityTimes& b = stats.activities[log.FindActivity("b")];
  EXPECT_EQ(a.occurrences, 1);
  EXPECT_DOUBLE_EQ(a.service.median_us, 20 * kMinute);
  EXPECT_EQ(a.waiting.count, 0);  // nothing before it
  EXPECT_DOUBLE_EQ(b.service.median_us, 5 * kMinute);
  EXPECT_DOUBLE_EQ(b.waiting.median_us, 40 * kMinute);
  EXPECT_TRUE(stats.rework.empty());
}

TEST(StatisticsTest, TheReceiptLogHasItsKnownShape) {
  const EventLog log = LoadSharedLog("receipt.xes");
  const LogStatistics stats = ComputeStatistics(LogView(log));
  EXPECT_EQ(stats.cases, 1434);
  EXPECT_EQ(stats.events, 8577);
  EXPECT_EQ(stats.variants, 116);
  EXPECT_EQ(stats.case_duration.count, 1434);
  EXPECT_LE(stats.case_duration.min_us, stats.case_duration.median_us);
  EXPECT_LE(stats.case_duration.median_us, stats.case_duration.p90_us);
  int64_t events = 0;
  for (const ResourceLoad& load : stats.workload) events += load.events;
  EXPECT_LE(events, stats.events);
  EXPECT_GT(stats.workload.size(), 1u);
}

}  // namespace
}  // namespace livesop::mining

#include "mining/dfg.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>

#include "mining/alignments.h"
#include "mining/test_util.h"
#include "mining/token_replay.h"

namespace livesop::mining {
namespace {

using eventlog::EventLog;
using eventlog::LogView;

// Every edge, start and end count of PM4Py's directly-follows graph, exactly.
class ReferenceDfgTest : public testing::TestWithParam<std::string> {};

TEST_P(ReferenceDfgTest, MatchesPm4pyExactly) {
  const EventLog log = LoadSharedLog(GetParam() + ".xes");
  std::ifstream file(kSharedLogs + "reference/" + GetParam() + ".dfg.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json reference = nlohmann::json::parse(file);

  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    const Dfg dfg =
        DiscoverDfg(LogView(log), {.durations = true, .threads = threads});
    std::map<std::pair<std::string, std::string>, int64_t> expected, actual;
    for (const auto& edge : reference["dfg"]) {
      expected[{edge[0].get<std::string>(), edge[1].get<std::string>()}] =
          edge[2].get<int64_t>();
    }
    for (const DfgEdge& edge : dfg.edges) {
      actual[{dfg.activities[edge.source], dfg.activities[edge.target]}] =
          edge.count;
    }
    EXPECT_EQ(actual, expected);
    std::map<std::string, int64_t> starts, ends;
    for (size_t a = 0; a < dfg.activities.size(); ++a) {
      if (dfg.start_count[a] > 0)
        starts[dfg.activities[a]] = dfg.start_count[a];
      if (dfg.end_count[a] > 0) ends[dfg.activities[a]] = dfg.end_count[a];
    }
    EXPECT_EQ(starts, reference["start_activities"].get<decltype(starts)>());
    EXPECT_EQ(ends, reference["end_activities"].get<decltype(ends)>());
    EXPECT_EQ(dfg.cases, static_cast<int64_t>(log.num_cases()));
    EXPECT_EQ(dfg.events, static_cast<int64_t>(log.num_events()));
  }
}

INSTANTIATE_TEST_SUITE_P(SharedLogs, ReferenceDfgTest,
                         testing::Values("running-example", "receipt",
                                         "roadtraffic100traces"));

// The net of a log's DFG replays every case of the log: each event's
// transition leaves the place of the event before it.
TEST_P(ReferenceDfgTest, NetOfTheGraphFitsItsLog) {
  const EventLog log = LoadSharedLog(GetParam() + ".xes");
  const Dfg dfg = DiscoverDfg(LogView(log), {.durations = false});
  const sop::PetriNet net = DfgToPetriNet(dfg);
  size_t starts = 0;
  size_t ends = 0;
  for (size_t a = 0; a < dfg.activities.size(); ++a) {
    starts += dfg.start_count[a] > 0;
    ends += dfg.end_count[a] > 0;
  }
  EXPECT_EQ(net.places.size(), dfg.activities.size() + 2);
  EXPECT_EQ(net.transitions.size(), starts + ends + dfg.edges.size());
  auto replay = TokenReplay(LogView(log), net);
  ASSERT_TRUE(replay.ok()) << replay.status().ToString();
  EXPECT_EQ(replay->log_fitness, 1.0);
  EXPECT_EQ(replay->fitting_cases, static_cast<int64_t>(log.num_cases()));
}

TEST(DfgToPetriNetTest, LabelsRepeatAndEndsAreSilent) {
  const EventLog log = LettersLog({"abc", "ac", "abbc"});
  const sop::PetriNet net = DfgToPetriNet(DiscoverDfg(LogView(log)));
  // a starts; a->b, a->c, b->b, b->c; c ends.
  std::multiset<std::string> labels;
  int silent = 0;
  for (const sop::Transition& t : net.transitions) {
    if (t.silent) {
      ++silent;
    } else {
      labels.insert(t.label);
    }
  }
  EXPECT_EQ(silent, 1);
  EXPECT_EQ(labels, (std::multiset<std::string>{"a", "b", "b", "c", "c"}));
  // A sequence the graph does not allow costs a move: "ca" is no path.
  auto aligned = AlignTrace({"a", "c", "b"}, net);
  ASSERT_TRUE(aligned.ok());
  EXPECT_LT(aligned->fitness, 1.0);
  auto fits = AlignTrace({"a", "b", "b", "b", "c"}, net);
  ASSERT_TRUE(fits.ok());
  EXPECT_EQ(fits->fitness, 1.0);
}

TEST(DfgToPetriNetTest, AnEmptyGraphIsSourceAndSinkAlone) {
  const sop::PetriNet net = DfgToPetriNet(Dfg{});
  EXPECT_EQ(net.places.size(), 2u);
  EXPECT_TRUE(net.transitions.empty());
  EXPECT_EQ(net.initial, (sop::Marking{1, 0}));
  EXPECT_EQ(net.final, (sop::Marking{0, 1}));
}

TEST(DfgTest, DurationsAreMeanMedianAndP90AsNumpyComputesThem) {
  // a->b takes 10, 20, 30 and 100 minutes in four cases; b->c once, 5
  // minutes; the last case has no time on c, so that pair has no duration.
  const EventLog log = BuildLog({
      {"1", {{"a", 0}, {"b", 10}, {"c", 15}}},
      {"2", {{"a", 0}, {"b", 20}}},
      {"3", {{"a", 0}, {"b", 30}}},
      {"4", {{"a", 0}, {"b", 100}, {"c", -1}}},
  });
  const Dfg dfg = DiscoverDfg(LogView(log));
  const uint32_t a = log.FindActivity("a"), b = log.FindActivity("b"),
                 c = log.FindActivity("c");
  const DfgEdge* ab = dfg.Find(a, b);
  ASSERT_NE(ab, nullptr);
  EXPECT_EQ(ab->count, 4);
  EXPECT_EQ(ab->duration.count, 4);
  constexpr double kMinute = 60e6;
  EXPECT_DOUBLE_EQ(ab->duration.mean_us, 40 * kMinute);
  EXPECT_DOUBLE_EQ(ab->duration.median_us, 25 * kMinute);  // (20 + 30) / 2
  // numpy.percentile([10, 20, 30, 100], 90) = 30 + 0.7 * 70 = 79.
  EXPECT_DOUBLE_EQ(ab->duration.p90_us, 79 * kMinute);
  EXPECT_EQ(ab->duration.min_us, 10 * 60'000'000LL);
  EXPECT_EQ(ab->duration.max_us, 100 * 60'000'000LL);
  const DfgEdge* bc = dfg.Find(b, c);
  ASSERT_NE(bc, nullptr);
  EXPECT_EQ(bc->count, 2);
  EXPECT_EQ(bc->duration.count, 1);
  EXPECT_EQ(dfg.Find(c, a), nullptr);
}

TEST(DfgTest, AViewCountsOnlyItsCases) {
  const EventLog log = BuildLog({
      {"1", {{"a", 0}, {"b", 1}}},
      {"2", {{"a", 0}, {"c", 1}}},
      {"3", {{"a", 0}, {"b", 1}}},
  });
  const LogView only_b = LogView(log).Filter(
      [](const EventLog& l, uint32_t c) { return l.case_id(c) != "2"; });
  const Dfg dfg = DiscoverDfg(only_b);
  ASSERT_EQ(dfg.edges.size(), 1u);
  EXPECT_EQ(dfg.edges[0].count, 2);
  EXPECT_EQ(dfg.cases, 2);
  EXPECT_EQ(dfg.activity_count[log.FindActivity("c")], 0);
}

TEST(DfgTest, ManyActivitiesUseTheSparseCountsWithTheSameResult) {
  // 1,500 activities (more than the dense matrix holds) in a chain.
  std::vector<TestCase> cases;
  for (int k = 0; k < 3; ++k) {
    TestCase& c = cases.emplace_back();
    c.id = std::to_string(k);
    for (int i = 0; i < 1500; ++i)
      c.events.push_back({"act" + std::to_string(i), i});
  }
  const EventLog log = BuildLog(cases);
  const Dfg dfg = DiscoverDfg(LogView(log), {.durations = true, .threads = 2});
  ASSERT_EQ(dfg.edges.size(), 1499u);
  for (const DfgEdge& edge : dfg.edges) {
    EXPECT_EQ(edge.count, 3);
    EXPECT_EQ(edge.target, edge.source + 1);
    EXPECT_DOUBLE_EQ(edge.duration.median_us, 60e6);
  }
}

}  // namespace
}  // namespace livesop::mining

#include "mining/heuristics.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mining/test_util.h"

namespace livesop::mining {
namespace {

using eventlog::EventLog;
using eventlog::LogView;

HeuristicsNet Discover(const EventLog& log,
                       const HeuristicsOptions& options = {}) {
  Result<HeuristicsNet> net = DiscoverHeuristicsNet(LogView(log), options);
  EXPECT_TRUE(net.ok()) << net.status().ToString();
  return net.ok() ? std::move(*net) : HeuristicsNet();
}

// "a->b" for every edge, in the net's order.
std::vector<std::string> EdgeNames(const HeuristicsNet& net) {
  std::vector<std::string> names;
  for (const HeuristicsEdge& edge : net.edges) {
    names.push_back(net.activities[edge.source] + "->" +
                    net.activities[edge.target]);
  }
  return names;
}

std::vector<std::string> NodeNames(const HeuristicsNet& net) {
  std::vector<std::string> names;
  for (const HeuristicsNode& node : net.nodes) names.push_back(node.name);
  return names;
}

// Bindings as names: "b+c" for b and c together.
std::vector<std::string> BindingNames(
    const HeuristicsNet& net, const std::vector<std::vector<uint32_t>>& all) {
  std::vector<std::string> names;
  for (const std::vector<uint32_t>& binding : all) {
    std::string name;
    for (uint32_t a : binding) {
      if (!name.empty()) name += '+';
      name += net.activities[a];
    }
    names.push_back(name);
  }
  return names;
}

// a, then b and c in either order, then d: b and c follow each other as
// often as a leads to them, so a splits and d joins with AND.
TEST(HeuristicsMinerTest, ConcurrencyMakesAndBindings) {
  const HeuristicsNet net = Discover(LettersLog({"abcd", "acbd"}, {10, 10}));
  EXPECT_EQ(NodeNames(net), (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_EQ(EdgeNames(net),
            (std::vector<std::string>{"a->b", "a->c", "b->d", "c->d"}));
  for (const HeuristicsEdge& edge : net.edges) {
    EXPECT_DOUBLE_EQ(edge.dependency, 10.0 / 11.0);  // (10 - 0) / (10 + 0 + 1)
    EXPECT_EQ(edge.count, 10);
    EXPECT_FALSE(edge.loop_two);
  }
  // b->c and c->b cancel out: (10 - 10) / 21 = 0.
  EXPECT_EQ(net.FindEdge("b", "c"), nullptr);

  const HeuristicsNode* a = net.FindNode("a");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->count, 20);
  EXPECT_EQ(a->start_count, 20);
  ASSERT_EQ(a->and_outputs.size(), 1u);
  EXPECT_DOUBLE_EQ(a->and_outputs[0].measure, 20.0 / 21.0);
  EXPECT_EQ(BindingNames(net, a->split_bindings),
            (std::vector<std::string>{"b+c"}));
  const HeuristicsNode* d = net.FindNode("d");
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->end_count, 20);
  EXPECT_EQ(BindingNames(net, d->join_bindings),
            (std::vector<std::string>{"b+c"}));
  EXPECT_EQ(BindingNames(net, d->split_bindings), std::vector<std::string>{});
}

// b or c: they never follow each other, so a splits with XOR.
TEST(HeuristicsMinerTest, ChoiceMakesXorBindings) {
  const HeuristicsNet net = Discover(LettersLog({"abd", "acd"}, {10, 10}));
  const HeuristicsNode* a = net.FindNode("a");
  ASSERT_NE(a, nullptr);
  EXPECT_TRUE(a->and_outputs.empty());
  EXPECT_EQ(BindingNames(net, a->split_bindings),
            (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(BindingNames(net, net.FindNode("d")->join_bindings),
            (std::vector<std::string>{"b", "c"}));
}

// b repeats: the self-loop's dependency is 5 / (5 + 1).
TEST(HeuristicsMinerTest, LoopOfLengthOne) {
  const HeuristicsNet net = Discover(LettersLog({"abbc"}, {5}));
  EXPECT_EQ(EdgeNames(net), (std::vector<std::string>{"a->b", "b->b", "b->c"}));
  EXPECT_DOUBLE_EQ(net.FindEdge("b", "b")->dependency, 5.0 / 6.0);
  // b's outputs b and c: (|b>c| + |c>b|) / (|b>b| + |b>c| + 1) = 5 / 11,
  // below 0.65.
  EXPECT_TRUE(net.FindNode("b")->and_outputs.empty());
}

// a b a: a->b and b->a cancel out (dependency 0), but the pattern a b a
// seen 5 times gives 5 / 6 >= 0.5: both edges come back as a length-two
// loop.
TEST(HeuristicsMinerTest, LoopOfLengthTwo) {
  const HeuristicsNet net = Discover(LettersLog({"xabay"}, {5}));
  EXPECT_EQ(NodeNames(net), (std::vector<std::string>{"a", "b", "x", "y"}));
  EXPECT_EQ(EdgeNames(net),
            (std::vector<std::string>{"a->b", "a->y", "b->a", "x->a"}));
  const HeuristicsEdge* ab = net.FindEdge("a", "b");
  ASSERT_NE(ab, nullptr);
  EXPECT_TRUE(ab->loop_two);
  EXPECT_EQ(ab->dependency, 0.0);
  EXPECT_EQ(ab->count, 5);
  EXPECT_TRUE(net.FindEdge("b", "a")->loop_two);
  EXPECT_FALSE(net.FindEdge("x", "a")->loop_two);

  HeuristicsOptions strict;
  strict.loop_two_threshold = 0.9;  // 5 / 6 is below
  EXPECT_EQ(EdgeNames(Discover(LettersLog({"xabay"}, {5}), strict)),
            (std::vector<std::string>{"a->y", "x->a"}));
}

// b->a once against a->b a hundred times: below 5% of either activity's
// busiest edge, so the pre-cleaning removes it before the dependencies.
TEST(HeuristicsMinerTest, PreCleaningRemovesRareEdges) {
  const EventLog log = LettersLog({"ab", "ba"}, {100, 1});
  EXPECT_DOUBLE_EQ(Discover(log).FindEdge("a", "b")->dependency, 100.0 / 101.0);
  HeuristicsOptions raw;
  raw.dfg_pre_cleaning_noise_threshold = 0;
  const HeuristicsNet net = Discover(log, raw);
  EXPECT_DOUBLE_EQ(net.FindEdge("a", "b")->dependency, 99.0 / 102.0);
  EXPECT_EQ(net.FindEdge("b", "a"), nullptr);  // (1 - 100) / 102 < 0.5
}

TEST(HeuristicsMinerTest, ThresholdsAndMinimumCounts) {
  const EventLog log = LettersLog({"abcd", "acbd"}, {10, 10});
  HeuristicsOptions options;
  options.dependency_threshold = 0.95;  // 10 / 11 is below
  EXPECT_EQ(Discover(log, options).edges.size(), 0u);
  options = {};
  options.and_threshold = 0.96;  // 20 / 21 is below: b, c exclusive
  EXPECT_EQ(BindingNames(Discover(log, options),
                         Discover(log, options).FindNode("a")->split_bindings),
            (std::vector<std::string>{"b", "c"}));
  options = {};
  options.min_dfg_occurrences = 11;
  EXPECT_TRUE(Discover(log, options).edges.empty());
  options = {};
  options.min_activity_count = 21;
  EXPECT_TRUE(Discover(log, options).edges.empty());
}

// Without a kept edge every activity is a node, as in PM4Py.
TEST(HeuristicsMinerTest, NoEdgesKeepsEveryActivity) {
  const HeuristicsNet net = Discover(LettersLog({"ab", "ba"}));
  EXPECT_TRUE(net.edges.empty());
  EXPECT_EQ(NodeNames(net), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(Discover(EventLog()).nodes.empty());
}

TEST(HeuristicsMinerTest, RejectsOptionsOutOfRange) {
  const EventLog log = LettersLog({"ab"});
  for (auto change : std::vector<void (*)(HeuristicsOptions&)>{
           [](HeuristicsOptions& o) { o.dependency_threshold = 1.5; },
           [](HeuristicsOptions& o) { o.and_threshold = -1; },
           [](HeuristicsOptions& o) { o.loop_two_threshold = 2; },
           [](HeuristicsOptions& o) { o.dfg_pre_cleaning_noise_threshold = 1; },
           [](HeuristicsOptions& o) { o.min_dfg_occurrences = -1; },
       }) {
    HeuristicsOptions options;
    change(options);
    EXPECT_EQ(DiscoverHeuristicsNet(LogView(log), options).status().code(),
              StatusCode::kInvalidArgument);
  }
}

class ReferenceHeuristicsTest : public testing::TestWithParam<std::string> {};

// Nodes and dependency edges of PM4Py's heuristics net (the logs'
// fitness.json, "heuristics_net"), with PM4Py's defaults.
TEST_P(ReferenceHeuristicsTest, MatchesPm4pyCounts) {
  const EventLog log = LoadSharedLog(GetParam() + ".xes");
  std::ifstream file(kSharedLogs + "reference/" + GetParam() + ".fitness.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json expected = nlohmann::json::parse(file)["heuristics_net"];
  const HeuristicsNet net = Discover(log);
  EXPECT_EQ(net.nodes.size(), expected["nodes"].get<size_t>());
  EXPECT_EQ(net.edges.size(), expected["dependency_edges"].get<size_t>());
  for (const HeuristicsEdge& edge : net.edges) {
    EXPECT_TRUE(edge.loop_two || edge.dependency >= 0.5);
    EXPECT_GE(edge.count, edge.loop_two ? 0 : 1);
  }
}

INSTANTIATE_TEST_SUITE_P(SharedLogs, ReferenceHeuristicsTest,
                         testing::Values("running-example", "receipt",
                                         "roadtraffic100traces"),
                         [](const testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           std::erase(name, '-');
                           return name;
                         });

}  // namespace
}  // namespace livesop::mining

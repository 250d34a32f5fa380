#include "mining/process_map.h"

#include <gtest/gtest.h>

#include "mining/test_util.h"

namespace livesop::mining {
namespace {

using eventlog::EventLog;
using eventlog::LogView;

TEST(ProcessMapTest, SlidersKeepTheMostFrequentActivitiesAndPaths) {
  // a: 10, b: 6, c: 4, d: 1.
  const EventLog log = LettersLog({"ab", "ac", "abd", "ab"}, {4, 4, 1, 1});
  const Dfg dfg = DiscoverDfg(LogView(log));
  ProcessMap all = SelectMap(dfg, {});
  EXPECT_EQ(all.activities.size(), 4u);
  EXPECT_EQ(all.paths.size(), 3u);

  MapOptions half;
  half.activities = 0.5;
  ProcessMap top = SelectMap(dfg, half);
  ASSERT_EQ(top.activities.size(), 2u);
  EXPECT_EQ(dfg.activities[top.activities[0]], "a");
  EXPECT_EQ(dfg.activities[top.activities[1]], "b");
  ASSERT_EQ(top.paths.size(), 1u);  // a->b; a->c and b->d lost an end
  EXPECT_EQ(top.paths[0].count, 6);

  MapOptions few_paths;
  few_paths.paths = 0.33;  // ceil(0.99) = one of three: a->b (6)
  EXPECT_EQ(SelectMap(dfg, few_paths).paths.size(), 1u);
  MapOptions min_count;
  min_count.min_path_count = 4;
  EXPECT_EQ(SelectMap(dfg, min_count).paths.size(), 2u);  // a->b 6, a->c 4
}

TEST(ProcessMapTest, ViewsLabelCountsOrMedianTimes) {
  const EventLog log = BuildLog({
      {"1", {{"a", 0}, {"b", 90}}},
      {"2", {{"a", 0}, {"b", 150}}},
  });
  const Dfg dfg = DiscoverDfg(LogView(log));
  const std::string frequency = MapToDot(dfg, {});
  EXPECT_NE(frequency.find("a0 -> a1 [label=\"2\""), std::string::npos)
      << frequency;
  MapOptions performance;
  performance.view = MapView::kPerformance;
  const std::string timed = MapToDot(dfg, performance);
  EXPECT_NE(timed.find("a0 -> a1 [label=\"2.0 h\""), std::string::npos)
      << timed;
  EXPECT_EQ(HumanDuration(45e6), "45 s");
  EXPECT_EQ(HumanDuration(12 * 60e6), "12 min");
  EXPECT_EQ(HumanDuration(2.5 * 86400e6), "2.5 d");
}

TEST(ProcessMapTest, RendersSvgWithGraphviz) {
  const EventLog log = LoadSharedLog("running-example.xes");
  const Dfg dfg = DiscoverDfg(LogView(log));
  Result<std::string> svg = RenderMapSvg(dfg, {});
  ASSERT_TRUE(svg.ok()) << svg.status().message();
  EXPECT_EQ(svg->rfind("<svg", 0), 0u);
  EXPECT_NE(svg->find("register request"), std::string::npos);
  MapOptions bad;
  bad.paths = 0;
  Result<std::string> refused = RenderMapSvg(dfg, bad);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("between 0"), std::string::npos);
}

}  // namespace
}  // namespace livesop::mining

#include "mining/inductive.h"
#include "mining/model_render.h"

namespace livesop::mining {
namespace {

TEST(ModelRenderTest, NetsAndHeuristicsNetsDrawEveryNodeAndArc) {
  const eventlog::EventLog log = LettersLog({"abd", "acd"});
  Result<sop::PetriNet> net = DiscoverPetriNetInductive(eventlog::LogView(log));
  ASSERT_TRUE(net.ok());
  const std::string dot = PetriNetToDot(*net);
  size_t arcs = 0;
  for (const sop::Transition& t : net->transitions) {
    arcs += t.inputs.size() + t.outputs.size();
  }
  size_t drawn = 0;
  for (size_t at = dot.find(" -> "); at != std::string::npos;
       at = dot.find(" -> ", at + 1)) {
    ++drawn;
  }
  EXPECT_EQ(drawn, arcs);
  EXPECT_NE(dot.find("label=\"b\""), std::string::npos);
  EXPECT_NE(dot.find("label=\"●\""), std::string::npos);   // the initial token
  EXPECT_NE(dot.find("doublecircle"), std::string::npos);  // the final place
  Result<std::string> svg = PetriNetToSvg(*net);
  ASSERT_TRUE(svg.ok()) << svg.status().message();
  EXPECT_EQ(svg->rfind("<svg", 0), 0u);

  Result<HeuristicsNet> heuristics =
      DiscoverHeuristicsNet(eventlog::LogView(log));
  ASSERT_TRUE(heuristics.ok());
  const std::string hdot = HeuristicsNetToDot(*heuristics);
  EXPECT_NE(hdot.find("label=\"a\\n2\""), std::string::npos) << hdot;
  EXPECT_NE(hdot.find("(1)"), std::string::npos) << hdot;
}

}  // namespace
}  // namespace livesop::mining

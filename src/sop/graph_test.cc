#include "sop/graph.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sop/process_builders_test_util.h"

namespace livesop::sop {
namespace {

using namespace test_util;  // NOLINT(google-build-using-namespace): builders
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// Edges as "from->to:kind" strings, in edge order.
std::vector<std::string> EdgeStrings(const ProcessGraph& graph) {
  std::vector<std::string> out;
  for (const GraphEdge& e : graph.edges) {
    out.push_back(graph.nodes[e.from].id + "->" + graph.nodes[e.to].id + ":" +
                  EdgeKindName(e.kind));
  }
  return out;
}

std::vector<int> Indices(const std::vector<bool>& mask) {
  std::vector<int> out;
  for (size_t i = 0; i < mask.size(); ++i) {
    if (mask[i]) out.push_back(static_cast<int>(i));
  }
  return out;
}

TEST(EdgeKindNameTest, NamesEveryKind) {
  EXPECT_STREQ(EdgeKindName(EdgeKind::kNext), "next");
  EXPECT_STREQ(EdgeKindName(EdgeKind::kApproved), "approved");
  EXPECT_STREQ(EdgeKindName(EdgeKind::kRejected), "rejected");
  EXPECT_STREQ(EdgeKindName(EdgeKind::kChangesRequested), "changes_requested");
  EXPECT_STREQ(EdgeKindName(EdgeKind::kBranch), "branch");
  EXPECT_STREQ(EdgeKindName(EdgeKind::kDefault), "default");
}

TEST(CompileGraphTest, SequenceEndsInImplicitEnd) {
  Process process = MakeProcess({Task("a", "b"), Task("b", "end")});
  ProcessGraph graph = CompileGraph(process);

  ASSERT_EQ(graph.nodes.size(), 3u);
  EXPECT_EQ(graph.process, &process);
  EXPECT_EQ(graph.start, 0);
  EXPECT_EQ(graph.end, 2);
  EXPECT_EQ(graph.nodes[2].id, "end");
  EXPECT_EQ(graph.nodes[2].step, nullptr);
  EXPECT_EQ(graph.nodes[2].type, StepType::kEnd);
  EXPECT_EQ(graph.nodes[0].step, &process.steps[0]);
  EXPECT_THAT(EdgeStrings(graph), ElementsAre("a->b:next", "b->end:next"));
  EXPECT_THAT(graph.nodes[0].out, ElementsAre(0));
  EXPECT_THAT(graph.nodes[1].in, ElementsAre(0));
  EXPECT_THAT(graph.nodes[2].in, ElementsAre(1));
  EXPECT_THAT(graph.nodes[2].out, IsEmpty());
  EXPECT_EQ(graph.Find("b"), 1);
  EXPECT_EQ(graph.Find("end"), 2);
  EXPECT_EQ(graph.Find("missing"), -1);
  EXPECT_TRUE(graph.IsTerminal(2));
  EXPECT_FALSE(graph.IsTerminal(0));
  EXPECT_FALSE(graph.IsTerminal(-1));
  EXPECT_FALSE(graph.IsTerminal(3));
}

TEST(CompileGraphTest, StartNamesAStep) {
  Process process = MakeProcess({Task("a", "end"), Task("b", "a")});
  process.start = "b";
  EXPECT_EQ(CompileGraph(process).start, 1);

  process.start = "nowhere";
  EXPECT_EQ(CompileGraph(process).start, -1);
}

TEST(CompileGraphTest, EmptyProcessHasOnlyTheEnd) {
  Process process = MakeProcess({});
  ProcessGraph graph = CompileGraph(process);
  EXPECT_EQ(graph.start, -1);
  EXPECT_EQ(graph.end, 0);
  ASSERT_EQ(graph.nodes.size(), 1u);
  EXPECT_THAT(Indices(ReachableFromStart(graph)), IsEmpty());
  EXPECT_THAT(Indices(CanReachEnd(graph)), ElementsAre(0));
}

TEST(CompileGraphTest, ApprovalWithRevisionLoop) {
  Step draft = Task("draft", "review");
  Step review = Review("review", "publish", "", "draft");
  review.where = {"sop.yaml", 12, 5};
  review.at["on_changes_requested"] = {"sop.yaml", 15, 27};
  Process process = MakeProcess({draft, review, Task("publish", "end")});
  ProcessGraph graph = CompileGraph(process);

  EXPECT_THAT(
      EdgeStrings(graph),
      ElementsAre("draft->review:next", "review->publish:approved",
                  "review->end:rejected", "review->draft:changes_requested",
                  "publish->end:next"));
  EXPECT_EQ(graph.edges[1].label, "approved");
  EXPECT_EQ(graph.edges[3].label, "changes_requested");
  // The implicit rejection has no key of its own: it points at the step.
  EXPECT_EQ(graph.edges[2].where, (SourceLocation{"sop.yaml", 12, 5}));
  EXPECT_EQ(graph.edges[3].where, (SourceLocation{"sop.yaml", 15, 27}));
  EXPECT_THAT(graph.nodes[0].in, ElementsAre(3));

  std::vector<std::vector<int>> sccs = StronglyConnectedComponents(graph);
  EXPECT_THAT(sccs, UnorderedElementsAre(ElementsAre(0, 1), ElementsAre(2),
                                         ElementsAre(3)));
}

TEST(CompileGraphTest, ApprovedDefaultsToNext) {
  Step approval = MakeStep("approve", StepType::kApproval);
  approval.next = "ship";
  approval.on_rejected = "rework";
  approval.at["next"] = {"sop.yaml", 4, 11};
  Process process =
      MakeProcess({approval, Task("ship", "end"), Task("rework", "approve")});
  ProcessGraph graph = CompileGraph(process);
  EXPECT_THAT(EdgeStrings(graph),
              ElementsAre("approve->ship:approved", "approve->rework:rejected",
                          "ship->end:next", "rework->approve:next"));
  EXPECT_EQ(graph.edges[0].where, (SourceLocation{"sop.yaml", 4, 11}));
}

TEST(CompileGraphTest, ExclusiveGatewayKeepsConditionsAndLabels) {
  Step gateway = Gateway(
      "route", StepType::kExclusive,
      {When("budget", "< 5000", "small", "Small budget"), Default("large")});
  gateway.branches[0].where = {"sop.yaml", 30, 9};
  gateway.branches[1].at["next"] = {"sop.yaml", 33, 15};
  Process process =
      MakeProcess({gateway, Task("small", "end"), Task("large", "end")});
  ProcessGraph graph = CompileGraph(process);

  ASSERT_THAT(EdgeStrings(graph),
              ElementsAre("route->small:branch", "route->large:default",
                          "small->end:next", "large->end:next"));
  const GraphEdge& branch = graph.edges[0];
  EXPECT_EQ(branch.when, &*process.steps[0].branches[0].when);
  EXPECT_EQ(branch.label, "Small budget");
  EXPECT_EQ(branch.where, (SourceLocation{"sop.yaml", 30, 9}));
  EXPECT_EQ(graph.edges[1].when, nullptr);
  EXPECT_EQ(graph.edges[1].label, "default");
  EXPECT_EQ(graph.edges[1].where, (SourceLocation{"sop.yaml", 33, 15}));
}

TEST(CompileGraphTest, ParallelSplitAndJoin) {
  Process process =
      MakeProcess({Gateway("split", StepType::kParallel, {To("a"), To("b")}),
                   Task("a", "join"), Task("b", "join"), Join("join", "end")});
  ProcessGraph graph = CompileGraph(process);

  EXPECT_THAT(EdgeStrings(graph),
              ElementsAre("split->a:branch", "split->b:branch", "a->join:next",
                          "b->join:next", "join->end:next"));
  EXPECT_EQ(graph.edges[0].when, nullptr);
  EXPECT_THAT(graph.nodes[3].in, ElementsAre(2, 3));
  EXPECT_THAT(Indices(ReachableFromStart(graph)), ElementsAre(0, 1, 2, 3, 4));
  EXPECT_THAT(Indices(CanReachEnd(graph)), ElementsAre(0, 1, 2, 3, 4));
}

TEST(CompileGraphTest, EndStepsAreTerminalWithoutEdges) {
  Step end_step = EndStep("cancelled");
  end_step.next = "a";  // ignored: end steps route nowhere
  Process process = MakeProcess({Task("a", "cancelled"), end_step});
  ProcessGraph graph = CompileGraph(process);

  EXPECT_THAT(EdgeStrings(graph), ElementsAre("a->cancelled:next"));
  EXPECT_TRUE(graph.IsTerminal(1));
  EXPECT_THAT(Indices(CanReachEnd(graph)), ElementsAre(0, 1, 2));
}

TEST(CompileGraphTest, StepNamedEndWinsOverImplicitEnd) {
  Process process = MakeProcess({Task("a", "end"), Task("end", "")});
  ProcessGraph graph = CompileGraph(process);
  EXPECT_THAT(EdgeStrings(graph), ElementsAre("a->end:next"));
  EXPECT_EQ(graph.edges[0].to, 1);
  EXPECT_EQ(graph.Find("end"), 1);
}

TEST(CompileGraphTest, UnknownTargetsAreIgnored) {
  Process process =
      MakeProcess({Task("a", "nowhere"),
                   Gateway("g", StepType::kExclusive,
                           {When("x", "1", "ghost"), Default("end")}),
                   Review("r", "missing", "also_missing", "gone")});
  ProcessGraph graph = CompileGraph(process);

  EXPECT_THAT(EdgeStrings(graph), ElementsAre("g->end:default"));
  EXPECT_THAT(graph.nodes[0].out, IsEmpty());
  EXPECT_THAT(graph.nodes[2].out, IsEmpty());
}

TEST(ReachabilityTest, UnreachableStepAndDeadEnd) {
  // "orphan" is never entered; "stuck" has no next and cannot finish.
  Process process = MakeProcess({Task("a", "b"), Task("b", "end"),
                                 Task("orphan", "b"), Task("stuck", "")});
  process.steps[0].next = "stuck";
  ProcessGraph graph = CompileGraph(process);

  EXPECT_THAT(Indices(ReachableFromStart(graph)), ElementsAre(0, 3));
  EXPECT_THAT(Indices(CanReachEnd(graph)), ElementsAre(1, 2, 4));
}

TEST(ReachabilityTest, LoopWithoutExitCannotReachEnd) {
  Process process =
      MakeProcess({Task("a", "b"), Task("b", "c"), Task("c", "b")});
  ProcessGraph graph = CompileGraph(process);

  EXPECT_THAT(Indices(ReachableFromStart(graph)), ElementsAre(0, 1, 2));
  EXPECT_THAT(Indices(CanReachEnd(graph)), ElementsAre(3));
  EXPECT_THAT(
      StronglyConnectedComponents(graph),
      UnorderedElementsAre(ElementsAre(0), ElementsAre(1, 2), ElementsAre(3)));
}

std::vector<Step> Chain(int length) {
  std::vector<Step> steps;
  steps.reserve(length);
  for (int i = 0; i < length; ++i) {
    steps.push_back(Task("s" + std::to_string(i),
                         i + 1 < length ? "s" + std::to_string(i + 1) : "end"));
  }
  return steps;
}

TEST(StronglyConnectedComponentsTest, LongChainDoesNotOverflowTheStack) {
  Process process = MakeProcess(Chain(2000));
  ProcessGraph graph = CompileGraph(process);

  std::vector<std::vector<int>> sccs = StronglyConnectedComponents(graph);
  EXPECT_EQ(sccs.size(), 2001u);
  for (const std::vector<int>& component : sccs) {
    EXPECT_EQ(component.size(), 1u);
  }
  EXPECT_EQ(Indices(ReachableFromStart(graph)).size(), 2001u);
  EXPECT_EQ(Indices(CanReachEnd(graph)).size(), 2001u);
}

TEST(StronglyConnectedComponentsTest, LongCycleIsOneComponent) {
  // Deep enough that a recursive Tarjan would exhaust a default stack.
  const int length = 100000;
  std::vector<Step> steps = Chain(length);
  steps.back().next = "s0";
  Process process = MakeProcess(std::move(steps));
  ProcessGraph graph = CompileGraph(process);

  std::vector<std::vector<int>> sccs = StronglyConnectedComponents(graph);
  ASSERT_EQ(sccs.size(), 2u);
  EXPECT_EQ(sccs[0].size(), static_cast<size_t>(length));
  EXPECT_EQ(sccs[0].front(), 0);
  EXPECT_EQ(sccs[0].back(), length - 1);
  EXPECT_THAT(sccs[1], ElementsAre(length));
}

}  // namespace
}  // namespace livesop::sop

// Tokens through the example department's campaign-delivery process.
#include "engine/flow.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/test_util.h"
#include "sop/loader.h"

namespace livesop::engine {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

class FlowTest : public testing::Test {
 protected:
  void SetUp() override {
    for (const sop::Process& p : ExampleSop().processes) {
      if (p.id == "campaign-delivery") graph_ = sop::CompileGraph(p);
    }
    ASSERT_GE(graph_.start, 0);
  }

  int Node(const std::string& id) const { return graph_.Find(id); }

  std::vector<std::string> Names(const std::vector<int>& nodes) const {
    std::vector<std::string> out;
    for (int n : nodes) out.push_back(graph_.nodes[n].id);
    return out;
  }

  std::vector<std::string> Active() const {
    return Names(std::vector<int>(state_.active.begin(), state_.active.end()));
  }

  // Finishes `id` and returns the names of the steps it activated.
  std::vector<std::string> Finish(const std::string& id,
                                  Outcome outcome = Outcome::kDone) {
    auto step = Advance(graph_, state_, Node(id), outcome, inputs_);
    EXPECT_TRUE(step.ok()) << id << ": " << step.status().ToString();
    return step.ok() ? Names(step->activated) : std::vector<std::string>{};
  }

  sop::ProcessGraph graph_;
  FlowState state_;
  sop::Case inputs_ = {{"budget_band", "medium"}, {"urgent", "false"}};
};

TEST_F(FlowTest, StandardRouteRunsToTheEnd) {
  auto started = Start(graph_, state_, inputs_);
  ASSERT_TRUE(started.ok());
  EXPECT_THAT(Names(started->activated), ElementsAre("plan"));
  EXPECT_THAT(Finish("plan"), ElementsAre("internal-review"));
  EXPECT_THAT(Finish("internal-review", Outcome::kApproved),
              ElementsAre("submit-request"));
  EXPECT_THAT(Finish("submit-request"), ElementsAre("completeness-check"));
  // Medium budget, not urgent: the default branch.
  auto routed = Advance(graph_, state_, Node("completeness-check"),
                        Outcome::kApproved, inputs_);
  ASSERT_TRUE(routed.ok());
  EXPECT_THAT(Names(routed->passed), ElementsAre("route-approval"));
  EXPECT_THAT(Names(routed->activated), ElementsAre("campaign-approval"));
  // Approval opens content and design at once.
  EXPECT_THAT(Finish("campaign-approval", Outcome::kApproved),
              ElementsAre("write-copy", "design-request"));
  EXPECT_THAT(Finish("write-copy"), ElementsAre("peer-review"));
  EXPECT_THAT(Finish("peer-review", Outcome::kApproved),
              ElementsAre("final-edits"));
  // Content is ready first: the join waits for design.
  EXPECT_TRUE(Finish("final-edits").empty());
  EXPECT_EQ(state_.join_arrivals.at(Node("production-join")), 1);
  EXPECT_THAT(Active(), ElementsAre("design-request"));
  EXPECT_THAT(Finish("design-request"), ElementsAre("designer-kickoff"));
  EXPECT_THAT(Finish("designer-kickoff"), ElementsAre("asset-production"));
  EXPECT_THAT(Finish("asset-production"), ElementsAre("asset-spec-check"));
  EXPECT_THAT(Finish("asset-spec-check", Outcome::kApproved),
              ElementsAre("content-approval"));
  EXPECT_TRUE(state_.join_arrivals.empty());
  for (const char* step :
       {"content-approval", "pre-launch", "launch-day", "go-live-announcement",
        "live-period", "post-launch", "reporting", "performance-review"}) {
    ASSERT_FALSE(state_.ended) << step;
    const bool decides = std::string(step) == "content-approval" ||
                         std::string(step) == "performance-review";
    Finish(step, decides ? Outcome::kApproved : Outcome::kDone);
  }
  EXPECT_TRUE(state_.ended);
  EXPECT_EQ(state_.end_outcome, "completed");
  EXPECT_TRUE(state_.active.empty());
}

TEST_F(FlowTest, BranchesFollowTheCampaignData) {
  inputs_["budget_band"] = "large";
  inputs_["urgent"] = "true";  // large budgets see Finance first anyway
  ASSERT_TRUE(Start(graph_, state_, inputs_).ok());
  Finish("plan");
  Finish("internal-review", Outcome::kApproved);
  Finish("submit-request");
  EXPECT_THAT(Finish("completeness-check", Outcome::kApproved),
              ElementsAre("finance-approval"));

  FlowState urgent;
  sop::Case small = {{"budget_band", "small"}, {"urgent", "true"}};
  ASSERT_TRUE(Start(graph_, urgent, small).ok());
  for (const char* step : {"plan", "internal-review", "submit-request"}) {
    ASSERT_TRUE(Advance(graph_, urgent, Node(step),
                        std::string(step) == "internal-review"
                            ? Outcome::kApproved
                            : Outcome::kDone,
                        small)
                    .ok());
  }
  auto fast = Advance(graph_, urgent, Node("completeness-check"),
                      Outcome::kApproved, small);
  ASSERT_TRUE(fast.ok());
  EXPECT_THAT(Names(fast->activated), ElementsAre("fast-track-approval"));
}

TEST_F(FlowTest, RevisionLoopsAndRejections) {
  ASSERT_TRUE(Start(graph_, state_, inputs_).ok());
  Finish("plan");
  EXPECT_THAT(Finish("internal-review", Outcome::kChangesRequested),
              ElementsAre("plan"));
  Finish("plan");
  // A rejection reaches the end step `brief-dropped`, whose outcome is
  // cancelled.
  auto dropped = Advance(graph_, state_, Node("internal-review"),
                         Outcome::kRejected, inputs_);
  ASSERT_TRUE(dropped.ok());
  EXPECT_TRUE(dropped->ended);
  EXPECT_EQ(state_.end_outcome, "cancelled");
  EXPECT_EQ(Advance(graph_, state_, Node("plan"), Outcome::kDone, inputs_)
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(FlowTest, ChangesOnTheContentApprovalReopenBothBranches) {
  ASSERT_TRUE(Start(graph_, state_, inputs_).ok());
  for (const auto& [step, outcome] :
       std::vector<std::pair<std::string, Outcome>>{
           {"plan", Outcome::kDone},
           {"internal-review", Outcome::kApproved},
           {"submit-request", Outcome::kDone},
           {"completeness-check", Outcome::kApproved},
           {"campaign-approval", Outcome::kApproved},
           {"write-copy", Outcome::kDone},
           {"peer-review", Outcome::kApproved},
           {"final-edits", Outcome::kDone},
           {"design-request", Outcome::kDone},
           {"designer-kickoff", Outcome::kDone},
           {"asset-production", Outcome::kDone},
           {"asset-spec-check", Outcome::kApproved}}) {
    Finish(step, outcome);
  }
  // Changes requested on the content approval reopen both branches.
  EXPECT_THAT(Finish("content-approval", Outcome::kChangesRequested),
              ElementsAre("write-copy", "design-request"));
  Finish("write-copy");
  auto rejected =
      Advance(graph_, state_, Node("peer-review"), Outcome::kRejected, inputs_);
  ASSERT_TRUE(rejected.ok());  // peer review's rejection loops to write-copy
  EXPECT_FALSE(state_.ended);
  Cancel(state_);
  EXPECT_TRUE(state_.ended);
  EXPECT_EQ(state_.end_outcome, "cancelled");
  EXPECT_TRUE(state_.active.empty());
}

TEST_F(FlowTest, WrongMovesAreRefusedAndChangeNothing) {
  ASSERT_TRUE(Start(graph_, state_, inputs_).ok());
  const FlowState before = state_;
  // Not active yet.
  auto early =
      Advance(graph_, state_, Node("reporting"), Outcome::kDone, inputs_);
  EXPECT_EQ(early.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(early.status().message(), HasSubstr("reporting"));
  // A decision on a task, and done on a review.
  EXPECT_EQ(Advance(graph_, state_, Node("plan"), Outcome::kApproved, inputs_)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  Finish("plan");
  EXPECT_EQ(
      Advance(graph_, state_, Node("internal-review"), Outcome::kDone, inputs_)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  // Started twice.
  EXPECT_EQ(Start(graph_, state_, inputs_).status().code(),
            StatusCode::kFailedPrecondition);
  FlowState fresh;
  ASSERT_TRUE(Start(graph_, fresh, inputs_).ok());
  EXPECT_EQ(fresh, before);
}

// split → (approve | work) → join → end; approve's rejection ends at
// `rejected`.
sop::Process SplitProcess() {
  sop::Process process;
  process.id = "split";
  sop::Step split;
  split.id = "split";
  split.type = sop::StepType::kParallel;
  for (const char* next : {"approve", "work"}) {
    sop::Branch branch;
    branch.next = next;
    split.branches.push_back(branch);
  }
  sop::Step approve;
  approve.id = "approve";
  approve.type = sop::StepType::kApproval;
  approve.next = "join";
  approve.on_rejected = "rejected";
  sop::Step work;
  work.id = "work";
  work.type = sop::StepType::kTask;
  work.next = "join";
  sop::Step join;
  join.id = "join";
  join.type = sop::StepType::kJoin;
  join.next = "end";
  sop::Step rejected;
  rejected.id = "rejected";
  rejected.type = sop::StepType::kEnd;
  rejected.outcome = "rejected";
  process.steps = {split, approve, work, join, rejected};
  return process;
}

TEST(FlowSplitTest, RejectionInOneBranchStopsEveryBranch) {
  const sop::Process process = SplitProcess();
  const sop::ProcessGraph graph = sop::CompileGraph(process);
  FlowState state;
  auto started = Start(graph, state, {});
  ASSERT_TRUE(started.ok()) << started.status().ToString();
  EXPECT_EQ(state.active.size(), 2u);
  auto rejected =
      Advance(graph, state, graph.Find("approve"), Outcome::kRejected, {});
  ASSERT_TRUE(rejected.ok());
  EXPECT_TRUE(rejected->ended);
  EXPECT_EQ(state.end_outcome, "rejected");
  EXPECT_TRUE(state.active.empty());
  EXPECT_EQ(Advance(graph, state, graph.Find("work"), Outcome::kDone, {})
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST(FlowSplitTest, CompletedEndWaitsForTheJoin) {
  const sop::Process process = SplitProcess();
  const sop::ProcessGraph graph = sop::CompileGraph(process);
  FlowState state;
  ASSERT_TRUE(Start(graph, state, {}).ok());
  auto first = Advance(graph, state, graph.Find("work"), Outcome::kDone, {});
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->ended);
  auto second =
      Advance(graph, state, graph.Find("approve"), Outcome::kApproved, {});
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(second->ended);
  EXPECT_EQ(state.end_outcome, "completed");
  EXPECT_TRUE(state.join_arrivals.empty());
}

TEST_F(FlowTest, MissingDataAtAGatewayWithoutDefaultIsClear) {
  sop::Process process;
  process.id = "p";
  sop::Step gate;
  gate.id = "gate";
  gate.type = sop::StepType::kExclusive;
  sop::Branch only;
  only.next = "work";
  sop::Condition when;
  when.tests = {{"channel", "email"}};
  only.when = when;
  gate.branches = {only};
  sop::Step work;
  work.id = "work";
  work.type = sop::StepType::kTask;
  work.next = "end";
  process.steps = {gate, work};
  const sop::ProcessGraph graph = sop::CompileGraph(process);
  FlowState state;
  auto none = Start(graph, state, {{"channel", "print"}});
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(), HasSubstr("no branch of gateway gate"));
  EXPECT_TRUE(state.active.empty());
  auto email = Start(graph, state, {{"channel", "email"}});
  ASSERT_TRUE(email.ok());
  ASSERT_EQ(email->activated.size(), 1u);
  EXPECT_EQ(graph.nodes[email->activated[0]].id, "work");
}

}  // namespace
}  // namespace livesop::engine

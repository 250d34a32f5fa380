#include "sop/petri_net.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sop/process_builders_test_util.h"

namespace livesop::sop {
namespace {

using namespace test_util;  // NOLINT(google-build-using-namespace): builders
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;

// Compiles and checks; the process and graph must outlive the net only while
// compiling, so the helper can own them.
struct Checked {
  Process process;
  ProcessGraph graph;
  PetriNet net;
  SoundnessReport report;
};

Checked Check(std::vector<Step> steps, size_t max_states = 200000) {
  Checked c;
  c.process = MakeProcess(std::move(steps));
  c.graph = CompileGraph(c.process);
  c.net = CompileNet(c.graph);
  c.report = CheckSoundness(c.net, max_states);
  return c;
}

int FindTransition(const PetriNet& net, const std::string& id) {
  for (size_t t = 0; t < net.transitions.size(); ++t) {
    if (net.transitions[t].id == id) return static_cast<int>(t);
  }
  return -1;
}

int FindPlace(const PetriNet& net, const std::string& id) {
  for (size_t p = 0; p < net.places.size(); ++p) {
    if (net.places[p].id == id) return static_cast<int>(p);
  }
  return -1;
}

std::vector<std::string> TransitionIds(const PetriNet& net,
                                       const std::vector<int>& indices) {
  std::vector<std::string> out;
  for (int t : indices) out.push_back(net.transitions[t].id);
  return out;
}

std::vector<std::string> VisibleLabels(const PetriNet& net) {
  std::vector<std::string> out;
  for (const Transition& t : net.transitions) {
    if (!t.silent) out.push_back(t.label);
  }
  return out;
}

TEST(PetriNetTest, BuildersKeepMarkingsSizedToPlaces) {
  PetriNet net;
  EXPECT_EQ(net.AddPlace("a"), 0);
  EXPECT_EQ(net.AddPlace("b", "Bee"), 1);
  EXPECT_EQ(net.places[1].name, "Bee");
  EXPECT_EQ(net.initial.size(), 2u);
  EXPECT_EQ(net.final.size(), 2u);

  EXPECT_EQ(net.AddTransition("t", "Work", false, "step"), 0);
  EXPECT_EQ(net.AddTransition("tau", "ignored", true), 1);
  EXPECT_EQ(net.transitions[0].label, "Work");
  EXPECT_EQ(net.transitions[0].step, "step");
  EXPECT_TRUE(net.transitions[1].silent);
  EXPECT_EQ(net.transitions[1].label, "");

  net.AddArc(0, 0);
  net.AddArc(0, 1, /*to_place=*/true);
  net.AddArc(1, 1, /*to_place=*/false);
  EXPECT_THAT(net.transitions[0].inputs, ElementsAre(0));
  EXPECT_THAT(net.transitions[0].outputs, ElementsAre(1));
  EXPECT_THAT(net.transitions[1].inputs, ElementsAre(1));
}

TEST(PetriNetTest, MarkingToStringShowsCounts) {
  PetriNet net;
  net.AddPlace("i");
  net.AddPlace("p_a");
  net.AddPlace("p_b");
  EXPECT_EQ(MarkingToString(net, {1, 0, 2}), "i, 2*p_b");
  EXPECT_EQ(MarkingToString(net, {0, 1, 0}), "p_a");
  EXPECT_EQ(MarkingToString(net, {0, 0, 0}), "(empty)");
}

TEST(CheckSoundnessTest, ArcMultiplicityCounts) {
  // t needs two tokens from p but p only ever holds one.
  PetriNet net;
  net.source = net.AddPlace("i");
  net.sink = net.AddPlace("o");
  net.initial[net.source] = 1;
  net.final[net.sink] = 1;
  const int t = net.AddTransition("t", "T", false);
  net.AddArc(net.source, t);
  net.AddArc(net.source, t);
  net.AddArc(t, net.sink, true);

  SoundnessReport report = CheckSoundness(net);
  EXPECT_THAT(report.dead_transitions, ElementsAre(t));
  EXPECT_THAT(report.deadlocks, ElementsAre("i"));
  EXPECT_FALSE(report.option_to_complete);
}

TEST(CompileNetTest, SequenceIsSound) {
  Checked c = Check({Task("a", "b"), Task("b", "end")});
  const PetriNet& net = c.net;

  EXPECT_EQ(net.id, "p");
  EXPECT_EQ(net.places[net.source].id, "i");
  EXPECT_EQ(net.places[net.sink].id, "o");
  EXPECT_EQ(MarkingToString(net, net.initial), "i");
  EXPECT_EQ(MarkingToString(net, net.final), "o");
  ASSERT_EQ(net.transitions.size(), 2u);
  const Transition& a = net.transitions[FindTransition(net, "t_a")];
  EXPECT_EQ(a.label, "Step a");
  EXPECT_EQ(a.step, "a");
  EXPECT_FALSE(a.silent);
  EXPECT_THAT(a.inputs, ElementsAre(net.source));
  EXPECT_THAT(a.outputs, ElementsAre(FindPlace(net, "p_b")));
  const Transition& b = net.transitions[FindTransition(net, "t_b")];
  EXPECT_THAT(b.outputs, ElementsAre(net.sink));

  EXPECT_TRUE(c.report.sound());
  EXPECT_EQ(c.report.states_explored, 3u);
  EXPECT_THAT(c.report.deadlocks, IsEmpty());
}

TEST(CompileNetTest, NameFallsBackToId) {
  Step step = Task("a", "end");
  step.name.clear();
  Checked c = Check({step});
  EXPECT_THAT(VisibleLabels(c.net), ElementsAre("a"));
}

TEST(CompileNetTest, ApprovalWithRevisionLoopIsSound) {
  Checked c =
      Check({Task("draft", "review"), Review("review", "publish", "", "draft"),
             Task("publish", "end")});
  const PetriNet& net = c.net;

  // "draft" is entered again by the loop, so the source hands over silently.
  const int start = FindTransition(net, "t_start");
  ASSERT_GE(start, 0);
  EXPECT_TRUE(net.transitions[start].silent);
  EXPECT_THAT(net.transitions[start].inputs, ElementsAre(net.source));
  EXPECT_THAT(net.transitions[start].outputs,
              ElementsAre(FindPlace(net, "p_draft")));

  const int decided = FindPlace(net, "p_review_out");
  ASSERT_GE(decided, 0);
  EXPECT_THAT(net.transitions[FindTransition(net, "t_review")].outputs,
              ElementsAre(decided));
  for (const char* id : {"t_review_approved", "t_review_rejected",
                         "t_review_changes_requested"}) {
    const int t = FindTransition(net, id);
    ASSERT_GE(t, 0) << id;
    EXPECT_TRUE(net.transitions[t].silent) << id;
    EXPECT_EQ(net.transitions[t].step, "review") << id;
    EXPECT_THAT(net.transitions[t].inputs, ElementsAre(decided)) << id;
  }
  EXPECT_THAT(net.transitions[FindTransition(net, "t_review_changes_requested")]
                  .outputs,
              ElementsAre(FindPlace(net, "p_draft")));
  EXPECT_THAT(VisibleLabels(net),
              ElementsAre("Step draft", "Step review", "Step publish"));

  EXPECT_TRUE(c.report.sound());
  EXPECT_TRUE(c.report.bounded);
  EXPECT_THAT(c.report.dead_transitions, IsEmpty());
}

TEST(CompileNetTest, ExclusiveGatewayIsSound) {
  Checked c =
      Check({Gateway("route", StepType::kExclusive,
                     {When("budget", "< 5000", "small"), Default("large")}),
             Task("small", "end"), Task("large", "end")});
  const PetriNet& net = c.net;

  const int first = FindTransition(net, "t_route_0");
  const int second = FindTransition(net, "t_route_1");
  ASSERT_GE(first, 0);
  ASSERT_GE(second, 0);
  EXPECT_TRUE(net.transitions[first].silent);
  EXPECT_THAT(net.transitions[first].inputs, ElementsAre(net.source));
  EXPECT_THAT(net.transitions[first].outputs,
              ElementsAre(FindPlace(net, "p_small")));
  EXPECT_THAT(net.transitions[second].outputs,
              ElementsAre(FindPlace(net, "p_large")));
  EXPECT_TRUE(c.report.sound());
}

TEST(CheckSoundnessTest, ParallelSplitAndJoinIsSound) {
  Checked c =
      Check({Gateway("split", StepType::kParallel, {To("a"), To("b")}),
             Task("a", "join"), Task("b", "join"), Join("join", "end")});
  const PetriNet& net = c.net;

  const Transition& split = net.transitions[FindTransition(net, "t_split")];
  EXPECT_TRUE(split.silent);
  EXPECT_THAT(split.outputs,
              ElementsAre(FindPlace(net, "p_a"), FindPlace(net, "p_b")));
  const Transition& join = net.transitions[FindTransition(net, "t_join")];
  EXPECT_TRUE(join.silent);
  EXPECT_THAT(join.inputs, ElementsAre(FindPlace(net, "p_join_in0"),
                                       FindPlace(net, "p_join_in1")));
  EXPECT_THAT(join.outputs, ElementsAre(net.sink));

  EXPECT_TRUE(c.report.sound());
  // i; a+b; join_in0+b; a+join_in1; join_in0+join_in1; o.
  EXPECT_EQ(c.report.states_explored, 6u);
}

TEST(CheckSoundnessTest, ParallelSplitClosedByExclusiveMergeIsImproper) {
  Checked c = Check({Gateway("split", StepType::kParallel, {To("a"), To("b")}),
                     Task("a", "merge"), Task("b", "merge"),
                     Gateway("merge", StepType::kExclusive, {Default("done")}),
                     Task("done", "end")});

  EXPECT_FALSE(c.report.sound());
  EXPECT_FALSE(c.report.proper_completion);
  EXPECT_TRUE(c.report.bounded);
  EXPECT_THAT(c.report.improper_markings, Contains("o, p_merge"));
  EXPECT_LE(c.report.improper_markings.size(), 3u);
  // Two tokens end up in the sink and nothing can take them away.
  EXPECT_THAT(c.report.deadlocks, ElementsAre("2*o"));
  EXPECT_FALSE(c.report.option_to_complete);
}

TEST(CheckSoundnessTest, ExclusiveSplitClosedByJoinDeadlocks) {
  Checked c =
      Check({Gateway("route", StepType::kExclusive,
                     {When("x", "1", "a"), Default("b")}),
             Task("a", "join"), Task("b", "join"), Join("join", "end")});

  EXPECT_FALSE(c.report.sound());
  EXPECT_THAT(c.report.deadlocks,
              UnorderedElementsAre("p_join_in0", "p_join_in1"));
  EXPECT_FALSE(c.report.option_to_complete);
  EXPECT_TRUE(c.report.proper_completion);
  EXPECT_TRUE(c.report.bounded);
  EXPECT_THAT(TransitionIds(c.net, c.report.dead_transitions),
              ElementsAre("t_join"));
}

TEST(CheckSoundnessTest, DeadEndStepHasNoOptionToComplete) {
  Checked c =
      Check({Task("a", "stuck"), Task("stuck", ""), Task("never", "end")});

  const Transition& stuck = c.net.transitions[FindTransition(c.net, "t_stuck")];
  EXPECT_THAT(stuck.outputs, IsEmpty());
  EXPECT_FALSE(c.report.option_to_complete);
  EXPECT_THAT(c.report.deadlocks, ElementsAre("(empty)"));
  EXPECT_FALSE(c.report.sound());
}

TEST(CheckSoundnessTest, UnreachableStepIsADeadTransition) {
  Checked c = Check({Task("a", "end"), Task("orphan", "end")});

  EXPECT_THAT(TransitionIds(c.net, c.report.dead_transitions),
              ElementsAre("t_orphan"));
  EXPECT_TRUE(c.report.option_to_complete);
  EXPECT_TRUE(c.report.proper_completion);
  EXPECT_THAT(c.report.deadlocks, IsEmpty());
  EXPECT_FALSE(c.report.sound());
}

TEST(CheckSoundnessTest, LoopWithoutExitCannotComplete) {
  Checked c = Check({Task("a", "b"), Task("b", "c"), Task("c", "b")});

  EXPECT_FALSE(c.report.option_to_complete);
  EXPECT_THAT(c.report.deadlocks, IsEmpty());
  EXPECT_THAT(c.report.dead_transitions, IsEmpty());
  EXPECT_TRUE(c.report.bounded);
  EXPECT_FALSE(c.report.truncated);
  EXPECT_FALSE(c.report.sound());
}

TEST(CheckSoundnessTest, ParallelBranchBackToItselfIsUnbounded) {
  // Each pass through "split" leaves one more token for "a".
  Checked c =
      Check({Gateway("split", StepType::kParallel, {To("a"), To("split")}),
             Task("a", "end")});

  EXPECT_FALSE(c.report.bounded);
  EXPECT_FALSE(c.report.truncated);
  EXPECT_FALSE(c.report.sound());
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

TEST(CheckSoundnessTest, LongChainIsSound) {
  Checked c = Check(Chain(2000));

  EXPECT_EQ(c.net.transitions.size(), 2000u);
  EXPECT_TRUE(c.report.sound());
  EXPECT_EQ(c.report.states_explored, 2001u);
}

TEST(CheckSoundnessTest, StateLimitTruncatesWithoutFalseAlarms) {
  Checked c = Check(Chain(50), /*max_states=*/10);

  EXPECT_TRUE(c.report.truncated);
  EXPECT_EQ(c.report.states_explored, 10u);
  EXPECT_FALSE(c.report.sound());
  // The unexplored rest may still complete: nothing is claimed about it.
  EXPECT_TRUE(c.report.option_to_complete);
  EXPECT_THAT(c.report.deadlocks, IsEmpty());
}

TEST(CompileNetTest, UnknownTargetsAreIgnored) {
  Checked c = Check(
      {Task("a", "route"), Gateway("route", StepType::kExclusive,
                                   {When("x", "1", "ghost"), Default("end")})});
  const PetriNet& net = c.net;

  EXPECT_EQ(FindTransition(net, "t_route_1"), -1);
  const Transition& route = net.transitions[FindTransition(net, "t_route_0")];
  EXPECT_THAT(route.outputs, ElementsAre(net.sink));
  EXPECT_TRUE(c.report.sound());
}

TEST(CompileNetTest, UnknownNextLeavesATransitionWithoutOutput) {
  Checked c = Check({Task("a", "nowhere")});

  EXPECT_THAT(c.net.transitions[FindTransition(c.net, "t_a")].outputs,
              IsEmpty());
  EXPECT_THAT(c.report.deadlocks, ElementsAre("(empty)"));
}

TEST(CompileNetTest, EndStepDrainsIntoTheSink) {
  Step cancelled = MakeStep("cancelled", StepType::kEnd);
  cancelled.outcome = "cancelled";
  Checked c = Check({Review("check", "end", "cancelled"), cancelled});
  const PetriNet& net = c.net;

  const Transition& end = net.transitions[FindTransition(net, "t_cancelled")];
  EXPECT_TRUE(end.silent);
  EXPECT_THAT(end.inputs, ElementsAre(FindPlace(net, "p_cancelled")));
  EXPECT_THAT(end.outputs, ElementsAre(net.sink));
  EXPECT_TRUE(c.report.sound());
}

TEST(CompileNetTest, EmptyProcessDeadlocksAtTheSource) {
  Checked c = Check({});
  EXPECT_THAT(c.net.transitions, IsEmpty());
  EXPECT_THAT(c.report.deadlocks, ElementsAre("i"));
  EXPECT_FALSE(c.report.sound());
}

}  // namespace
}  // namespace livesop::sop

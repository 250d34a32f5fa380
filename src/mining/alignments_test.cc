#include "mining/alignments.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "mining/pnml.h"
#include "mining/test_util.h"

namespace livesop::mining {
namespace {

using eventlog::EventLog;
using eventlog::LogView;
using testing::HasSubstr;

const std::string kTestdata = LIVESOP_SOURCE_DIR "/testdata/mining/";

sop::PetriNet LoadNet(const std::string& path) {
  Result<PnmlNet> pnml = ReadPnml(path);
  EXPECT_TRUE(pnml.ok()) << pnml.status().message();
  return pnml.ok() ? std::move(pnml->net) : sop::PetriNet();
}

std::vector<std::string> Letters(const std::string& letters) {
  std::vector<std::string> activities;
  for (char c : letters) activities.emplace_back(1, c);
  return activities;
}

// Checks that `alignment` is a well-formed alignment of `trace`: its log
// side is the trace, its model side a run from the initial to the final
// marking, synchronous moves pair equal labels, and its cost adds up.
void ExpectValidAlignment(const sop::PetriNet& net,
                          const std::vector<std::string>& trace,
                          const TraceAlignment& alignment) {
  ASSERT_TRUE(alignment.computed);
  sop::Marking marking = net.initial;
  std::vector<std::string> log_side;
  int64_t cost = 0;
  for (const AlignmentMove& move : alignment.moves) {
    if (move.type != MoveType::kModel) {
      ASSERT_EQ(move.event, static_cast<int>(log_side.size()));
      log_side.push_back(move.activity);
    }
    if (move.type == MoveType::kLog) {
      EXPECT_EQ(move.transition, -1);
      cost += kAlignLogMoveCost;
      continue;
    }
    ASSERT_GE(move.transition, 0);
    const sop::Transition& t = net.transitions[move.transition];
    for (int p : t.inputs) {
      ASSERT_GT(marking[p], 0) << "transition " << t.id << " not enabled";
      --marking[p];
    }
    for (int p : t.outputs) ++marking[p];
    if (move.type == MoveType::kSync) {
      EXPECT_FALSE(t.silent);
      EXPECT_EQ(t.label, move.activity);
    } else {
      EXPECT_EQ(move.silent, t.silent);
      EXPECT_EQ(move.event, -1);
      cost += t.silent ? kAlignSilentMoveCost : kAlignModelMoveCost;
    }
  }
  EXPECT_EQ(log_side, trace);
  EXPECT_EQ(marking, net.final);
  EXPECT_EQ(cost, alignment.cost);
}

TraceAlignment AlignLetters(const sop::PetriNet& net,
                            const std::string& letters) {
  Result<TraceAlignment> alignment = AlignTrace(Letters(letters), net);
  EXPECT_TRUE(alignment.ok()) << alignment.status().message();
  if (!alignment.ok()) return {};
  ExpectValidAlignment(net, Letters(letters), *alignment);
  return *alignment;
}

// PM4Py's alignment-based fitness of each reference log against its
// inductive net, to 1e-6 (optimal costs are unique).
class ReferenceAlignmentTest : public testing::TestWithParam<std::string> {};

TEST_P(ReferenceAlignmentTest, MatchesPm4py) {
  const EventLog log = LoadSharedLog(GetParam() + ".xes");
  const sop::PetriNet net =
      LoadNet(kSharedLogs + "reference/" + GetParam() + ".im.pnml");
  std::ifstream file(kSharedLogs + "reference/" + GetParam() + ".fitness.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json expected = nlohmann::json::parse(file)["align_fitness"];
  for (int threads : {1, 2}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    Result<AlignmentResult> result =
        Align(LogView(log), net, {.threads = threads});
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_NEAR(result->log_fitness, expected["log_fitness"].get<double>(),
                1e-6);
    EXPECT_NEAR(result->average_trace_fitness,
                expected["average_trace_fitness"].get<double>(), 1e-6);
    EXPECT_NEAR(result->percentage_of_fitting_traces,
                expected["percentage_of_fitting_traces"].get<double>(), 1e-6);
    EXPECT_EQ(result->not_computed_cases, 0);
    EXPECT_EQ(result->computed_cases, static_cast<int64_t>(log.num_cases()));
    // Every variant's alignment is a valid run with the trace as log side.
    std::vector<std::string> trace;
    for (size_t c = 0; c < log.num_cases(); c += 37) {
      trace.clear();
      for (uint32_t a : log.trace(c)) trace.push_back(log.activities()[a]);
      ExpectValidAlignment(net, trace, result->ForCase(c));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(SharedLogs, ReferenceAlignmentTest,
                         testing::Values("running-example", "receipt",
                                         "roadtraffic100traces"));

// skip.pnml: i -a-> p1 -(b | silent tau1)-> p2 -c-> o. The empty trace's
// cheapest run is a, tau1, c: 10000 + 1 + 10000 = 20001.
TEST(AlignmentTest, SilentSkipCostsOne) {
  const sop::PetriNet net = LoadNet(kTestdata + "skip.pnml");
  const TraceAlignment abc = AlignLetters(net, "abc");
  EXPECT_EQ(abc.cost, 0);
  EXPECT_EQ(abc.bwc, 20001 + 30000);
  EXPECT_DOUBLE_EQ(abc.fitness, 1.0);
  // a c: the skip is one silent move; fitness ignores it.
  const TraceAlignment ac = AlignLetters(net, "ac");
  EXPECT_EQ(ac.cost, 1);
  EXPECT_DOUBLE_EQ(ac.fitness, 1.0);
  ASSERT_EQ(ac.moves.size(), 3U);
  EXPECT_EQ(ac.moves[1].type, MoveType::kModel);
  EXPECT_TRUE(ac.moves[1].silent);
  // a b b c: one b is a log move. bwc = 20001 + 40000: fitness 1 - 1/6.
  const TraceAlignment abbc = AlignLetters(net, "abbc");
  EXPECT_EQ(abbc.cost, 10000);
  EXPECT_NEAR(abbc.fitness, 1.0 - 1.0 / 6.0, 1e-12);
  // The empty trace: cost = bwc = 20001, fitness 1 - 2/2 = 0.
  const TraceAlignment empty = AlignLetters(net, "");
  EXPECT_EQ(empty.cost, 20001);
  EXPECT_DOUBLE_EQ(empty.fitness, 0.0);
  // x is in no label: a log move whatever else happens.
  EXPECT_EQ(AlignLetters(net, "axc").cost, 10001);
}

// parallel.pnml: i -split-> p1, p2; p1 -a-> p3; p2 -b-> p4; p3, p4 -join-> o.
// Empty trace: split + a + b + join = 20002.
TEST(AlignmentTest, ParallelBranchesInEitherOrder) {
  const sop::PetriNet net = LoadNet(kTestdata + "parallel.pnml");
  EXPECT_EQ(AlignLetters(net, "ab").cost, 2);
  EXPECT_EQ(AlignLetters(net, "ba").cost, 2);
  // a alone: b is a model move. bwc = 20002 + 10000, fitness 1 - 1/3.
  const TraceAlignment a = AlignLetters(net, "a");
  EXPECT_EQ(a.cost, 10002);
  EXPECT_EQ(a.bwc, 30002);
  EXPECT_NEAR(a.fitness, 2.0 / 3.0, 1e-12);
  // a b a: one a too many.
  EXPECT_EQ(AlignLetters(net, "aba").cost, 10002);
}

// loop.pnml: i -a-> p1 -b-> p2 -c-> o and p2 -redo (silent)-> p1.
// Empty trace: a b c = 30000.
TEST(AlignmentTest, LoopRepeatsThroughTheSilentRedo) {
  const sop::PetriNet net = LoadNet(kTestdata + "loop.pnml");
  EXPECT_EQ(AlignLetters(net, "abc").cost, 0);
  EXPECT_EQ(AlignLetters(net, "abbbc").cost, 2);
  // a c: b is a model move. bwc = 30000 + 20000: fitness 1 - 1/5.
  const TraceAlignment ac = AlignLetters(net, "ac");
  EXPECT_EQ(ac.cost, 10000);
  EXPECT_NEAR(ac.fitness, 0.8, 1e-12);
  // a b c b: the last b is a log move (c ends the run).
  const TraceAlignment abcb = AlignLetters(net, "abcb");
  EXPECT_EQ(abcb.cost, 10000);
  EXPECT_NEAR(abcb.fitness, 1.0 - 1.0 / 7.0, 1e-12);
  // c b a: at most one event can be synchronous (the runs are a b+ c), so
  // four deviations, e.g. log c, model a, sync b, log a, model c.
  EXPECT_EQ(AlignLetters(net, "cba").cost, 40000);
}

// duplicates.pnml: x and y both labelled a; x leads to c, y to d.
TEST(AlignmentTest, DuplicateLabelsPickTheTransitionThatFits) {
  const sop::PetriNet net = LoadNet(kTestdata + "duplicates.pnml");
  const TraceAlignment ad = AlignLetters(net, "ad");
  EXPECT_EQ(ad.cost, 0);
  ASSERT_EQ(ad.moves.size(), 2U);
  EXPECT_EQ(net.transitions[ad.moves[0].transition].id, "y");
  EXPECT_EQ(AlignLetters(net, "ac").cost, 0);
  // d alone: a model move on y. bwc = 20000 + 10000: fitness 2/3.
  const TraceAlignment d = AlignLetters(net, "d");
  EXPECT_EQ(d.cost, 10000);
  EXPECT_NEAR(d.fitness, 2.0 / 3.0, 1e-12);
  // a c d: d is a log move.
  EXPECT_EQ(AlignLetters(net, "acd").cost, 10000);
}

// weighted.pnml: a puts two tokens on p1, b takes both.
TEST(AlignmentTest, WeightedArcs) {
  const sop::PetriNet net = LoadNet(kTestdata + "weighted.pnml");
  EXPECT_EQ(AlignLetters(net, "ab").cost, 0);
  EXPECT_EQ(AlignLetters(net, "b").cost, 10000);
  EXPECT_EQ(AlignLetters(net, "abb").cost, 10000);
}

// The cost of an optimal alignment by plain uniform-cost search (no
// heuristic), written independently of alignments.cc.
int64_t BruteForceCost(const sop::PetriNet& net,
                       const std::vector<std::string>& trace) {
  using State = std::pair<sop::Marking, size_t>;
  std::map<State, int64_t> best;
  using Item = std::pair<int64_t, State>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> queue;
  const State start{net.initial, 0};
  best[start] = 0;
  queue.emplace(0, start);
  while (!queue.empty()) {
    auto [cost, state] = queue.top();
    queue.pop();
    if (cost != best[state]) continue;
    const auto& [marking, pos] = state;
    if (pos == trace.size() && marking == net.final) return cost;
    auto push = [&](const sop::Marking& m, size_t p, int64_t c) {
      const State next{m, p};
      auto found = best.find(next);
      if (found == best.end() || c < found->second) {
        best[next] = c;
        queue.emplace(c, next);
      }
    };
    if (pos < trace.size()) push(marking, pos + 1, cost + 10000);
    for (const sop::Transition& t : net.transitions) {
      sop::Marking next = marking;
      bool enabled = true;
      for (int p : t.inputs) enabled = enabled && next[p]-- > 0;
      if (!enabled) continue;
      for (int p : t.outputs) ++next[p];
      push(next, pos, cost + (t.silent ? 1 : 10000));
      if (!t.silent && pos < trace.size() && t.label == trace[pos]) {
        push(next, pos + 1, cost);
      }
    }
  }
  return -1;
}

// Random traces, most of them deviating, on nets with silent transitions,
// parallelism and loops: A* finds the cost plain search finds.
TEST(AlignmentTest, CostsEqualUninformedSearchOnRandomTraces) {
  std::mt19937 random(20260105);
  struct Case {
    std::string path;
    int rounds;
    int max_length;
  };
  // The receipt net's 47 silent transitions make plain search slow: fewer,
  // shorter traces there.
  for (const Case& c :
       {Case{kSharedLogs + "reference/running-example.im.pnml", 60, 8},
        Case{kSharedLogs + "reference/receipt.im.pnml", 12, 4},
        Case{kTestdata + "parallel.pnml", 60, 8},
        Case{kTestdata + "loop.pnml", 60, 8},
        Case{kTestdata + "duplicates.pnml", 60, 8},
        Case{kTestdata + "skip.pnml", 60, 8}}) {
    SCOPED_TRACE(c.path);
    const sop::PetriNet net = LoadNet(c.path);
    std::vector<std::string> alphabet = {"zz"};
    for (const sop::Transition& t : net.transitions) {
      if (!t.silent) alphabet.push_back(t.label);
    }
    for (int round = 0; round < c.rounds; ++round) {
      std::vector<std::string> trace;
      const int length = static_cast<int>(random() % (c.max_length + 1));
      for (int i = 0; i < length; ++i) {
        trace.push_back(alphabet[random() % alphabet.size()]);
      }
      Result<TraceAlignment> alignment = AlignTrace(trace, net);
      ASSERT_TRUE(alignment.ok());
      ExpectValidAlignment(net, trace, *alignment);
      EXPECT_EQ(alignment->cost, BruteForceCost(net, trace))
          << testing::PrintToString(trace);
    }
  }
}

// Real receipt traces, disturbed (two events swapped, the last dropped):
// deviations on a net with many silent transitions, against plain search.
TEST(AlignmentTest, CostsEqualUninformedSearchOnDisturbedReceiptTraces) {
  const EventLog log = LoadSharedLog("receipt.xes");
  const sop::PetriNet net = LoadNet(kSharedLogs + "reference/receipt.im.pnml");
  int checked = 0;
  for (const eventlog::Variant& variant : eventlog::Variants(LogView(log))) {
    if (variant.activities.size() < 3 || variant.activities.size() > 7) {
      continue;
    }
    std::vector<std::string> trace;
    for (uint32_t a : variant.activities) {
      trace.push_back(log.activities()[a]);
    }
    std::swap(trace[1], trace[2]);
    trace.pop_back();
    Result<TraceAlignment> alignment = AlignTrace(trace, net);
    ASSERT_TRUE(alignment.ok());
    ExpectValidAlignment(net, trace, *alignment);
    EXPECT_EQ(alignment->cost, BruteForceCost(net, trace))
        << testing::PrintToString(trace);
    if (++checked == 8) break;
  }
  EXPECT_EQ(checked, 8);
}

TEST(AlignmentTest, LogFiguresSumOverComputedCases) {
  const sop::PetriNet net = LoadNet(kTestdata + "skip.pnml");
  // abc (twice): cost 0, bwc 50001; ac: 1, 40001; abbc: 10000, 60001.
  // log fitness = 1 - 10001 / (2 * 50001 + 40001 + 60001); fitness 1, 1,
  // 1, 5/6: mean (3 + 5/6) / 4; 3 of 4 fit.
  const EventLog log = LettersLog({"abc", "ac", "abbc"}, {2, 1, 1});
  for (int threads : {1, 2}) {
    Result<AlignmentResult> result =
        Align(LogView(log), net, {.threads = threads});
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->empty_trace_cost, 20001);
    EXPECT_NEAR(result->log_fitness, 1.0 - 10001.0 / 200004.0, 1e-12);
    EXPECT_NEAR(result->average_trace_fitness, (3.0 + 5.0 / 6.0) / 4.0, 1e-12);
    EXPECT_DOUBLE_EQ(result->percentage_of_fitting_traces, 75.0);
    EXPECT_EQ(result->variants.size(), 3U);
    EXPECT_EQ(result->case_variant[0], result->case_variant[1]);
    EXPECT_EQ(result->ForCase(3).cost, 10000);
  }
}

TEST(AlignmentTest, StateLimitLeavesTheTraceNotComputed) {
  const sop::PetriNet net = LoadNet(kTestdata + "loop.pnml");
  const EventLog log = LettersLog({"abc", "cbacbacbacba"});
  // The empty trace needs a handful of states; the long deviating trace
  // needs more than 40.
  Result<AlignmentResult> result =
      Align(LogView(log), net, {.max_states = 40, .threads = 1});
  ASSERT_TRUE(result.ok()) << result.status().message();
  const TraceAlignment& bad = result->ForCase(1);
  EXPECT_FALSE(bad.computed);
  EXPECT_THAT(bad.not_computed_reason, HasSubstr("more than 40 states"));
  EXPECT_TRUE(bad.moves.empty());
  EXPECT_LE(bad.queued_states, 40U);
  EXPECT_TRUE(result->ForCase(0).computed);
  EXPECT_EQ(result->not_computed_cases, 1);
  EXPECT_EQ(result->computed_cases, 1);
  EXPECT_DOUBLE_EQ(result->log_fitness, 1.0);
  EXPECT_DOUBLE_EQ(result->percentage_of_fitting_traces, 100.0);

  Result<AlignmentResult> tiny =
      Align(LogView(log), net, {.max_states = 2, .threads = 1});
  EXPECT_EQ(tiny.status().code(), StatusCode::kResourceExhausted);
}

TEST(AlignmentTest, UnreachableFinalMarkingIsAnError) {
  sop::PetriNet net;
  const int i = net.AddPlace("i");
  const int o = net.AddPlace("o");
  const int dead = net.AddPlace("dead");
  const int t = net.AddTransition("t", "a", false);
  net.AddArc(i, t);
  net.AddArc(dead, t);
  net.AddArc(t, o, true);
  net.initial[i] = 1;
  net.final[o] = 1;
  Result<TraceAlignment> alignment = AlignTrace({"a"}, net);
  EXPECT_EQ(alignment.status().code(), StatusCode::kFailedPrecondition);
  net.final.assign(3, 0);
  EXPECT_EQ(AlignTrace({"a"}, net).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(AlignmentTest, UnboundedNetStopsAtTheTokenLimit) {
  // grow (label g) keeps adding tokens to p while i stays marked; the
  // final marking needs a token on o, which only `end` (label e) gives.
  sop::PetriNet net;
  const int i = net.AddPlace("i");
  const int p = net.AddPlace("p");
  const int o = net.AddPlace("o");
  const int grow = net.AddTransition("grow", "g", false);
  const int end = net.AddTransition("end", "e", false);
  net.AddArc(i, grow);
  net.AddArc(grow, i, true);
  net.AddArc(grow, p, true);
  net.AddArc(i, end);
  net.AddArc(end, o, true);
  net.AddArc(p, end);
  net.initial[i] = 1;
  net.final[o] = 1;
  // The trace asks for 300 g: past 255 tokens on p.
  std::vector<std::string> trace(300, "g");
  trace.emplace_back("e");
  Result<TraceAlignment> alignment = AlignTrace(trace, net);
  ASSERT_TRUE(alignment.ok()) << alignment.status().message();
  EXPECT_FALSE(alignment->computed);
  EXPECT_THAT(alignment->not_computed_reason, HasSubstr("255 tokens"));
}

}  // namespace
}  // namespace livesop::mining

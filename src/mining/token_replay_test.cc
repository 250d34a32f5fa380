#include "mining/token_replay.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "mining/pnml.h"
#include "mining/test_util.h"

namespace livesop::mining {
namespace {

using eventlog::EventLog;
using eventlog::LogView;
using testing::ElementsAre;

const std::string kTestdata = LIVESOP_SOURCE_DIR "/testdata/mining/";

sop::PetriNet LoadNet(const std::string& path) {
  Result<PnmlNet> pnml = ReadPnml(path);
  EXPECT_TRUE(pnml.ok()) << pnml.status().message();
  return pnml.ok() ? std::move(pnml->net) : sop::PetriNet();
}

int Place(const sop::PetriNet& net, const std::string& id) {
  for (size_t p = 0; p < net.places.size(); ++p) {
    if (net.places[p].id == id) return static_cast<int>(p);
  }
  ADD_FAILURE() << "no place " << id;
  return 0;
}

int Transition(const sop::PetriNet& net, const std::string& id) {
  for (size_t t = 0; t < net.transitions.size(); ++t) {
    if (net.transitions[t].id == id) return static_cast<int>(t);
  }
  ADD_FAILURE() << "no transition " << id;
  return 0;
}

TraceReplay Replay(const sop::PetriNet& net, const std::string& letters) {
  std::vector<std::string> activities;
  for (char c : letters) activities.emplace_back(1, c);
  Result<TraceReplay> replay = TokenReplayTrace(activities, net);
  EXPECT_TRUE(replay.ok()) << replay.status().message();
  return replay.ok() ? *replay : TraceReplay();
}

struct Counts {
  int64_t missing, remaining, consumed, produced;
};

void ExpectCounts(const TraceReplay& r, Counts expected) {
  EXPECT_EQ(r.missing, expected.missing);
  EXPECT_EQ(r.remaining, expected.remaining);
  EXPECT_EQ(r.consumed, expected.consumed);
  EXPECT_EQ(r.produced, expected.produced);
  const double fitness =
      0.5 * (1 - static_cast<double>(expected.missing) /
                     static_cast<double>(expected.consumed)) +
      0.5 * (1 - static_cast<double>(expected.remaining) /
                     static_cast<double>(expected.produced));
  EXPECT_DOUBLE_EQ(r.fitness, fitness);
}

// PM4Py's token-based fitness of each reference log against its inductive
// net. The README allows 0.001; the figures agree to 1e-9 today, and the
// tighter bound catches a change of the replay's choices (token_replay.cc
// says where PM4Py's own choices depend on Python's set order).
class ReferenceTokenReplayTest : public testing::TestWithParam<std::string> {};

TEST_P(ReferenceTokenReplayTest, MatchesPm4py) {
  const EventLog log = LoadSharedLog(GetParam() + ".xes");
  const sop::PetriNet net =
      LoadNet(kSharedLogs + "reference/" + GetParam() + ".im.pnml");
  std::ifstream file(kSharedLogs + "reference/" + GetParam() + ".fitness.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json expected = nlohmann::json::parse(file)["tbr_fitness"];
  for (int threads : {1, 2}) {
    SCOPED_TRACE("threads " + std::to_string(threads));
    Result<TokenReplayResult> result =
        TokenReplay(LogView(log), net, {.threads = threads});
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_NEAR(result->log_fitness, expected["log_fitness"].get<double>(),
                1e-9);
    EXPECT_NEAR(result->average_trace_fitness,
                expected["average_trace_fitness"].get<double>(), 1e-9);
    EXPECT_NEAR(result->percentage_of_fitting_traces,
                expected["percentage_of_fitting_traces"].get<double>(), 1e-9);
    EXPECT_EQ(result->case_variant.size(), log.num_cases());
  }
}

INSTANTIATE_TEST_SUITE_P(SharedLogs, ReferenceTokenReplayTest,
                         testing::Values("running-example", "receipt",
                                         "roadtraffic100traces"));

// skip.pnml: i -a-> p1 -(b | silent tau1)-> p2 -c-> o.
TEST(TokenReplayTest, SilentTransitionIsFiredToEnableTheNextEvent) {
  const sop::PetriNet net = LoadNet(kTestdata + "skip.pnml");
  // a, then c is not enabled: the silent path p1 -> p2 ([tau1]) fires.
  // produced = 1 (initial) + a + tau1 + c = 4; consumed = a + tau1 + c + 1
  // (final) = 4.
  const TraceReplay ac = Replay(net, "ac");
  EXPECT_TRUE(ac.is_fit);
  ExpectCounts(ac, {0, 0, 4, 4});
  EXPECT_THAT(ac.fired,
              ElementsAre(Transition(net, "ta"), Transition(net, "tau1"),
                          Transition(net, "tc")));
  EXPECT_TRUE(ac.problem_transitions.empty());
  ExpectCounts(Replay(net, "abc"), {0, 0, 4, 4});
}

TEST(TokenReplayTest, MissingTokensAreAddedAndLeftOverTokensRemain) {
  const sop::PetriNet net = LoadNet(kTestdata + "skip.pnml");
  // a b: p2 marked. The second b finds p1 empty and no silent path from
  // p2 to p1: one token is added (missing 1) and b puts a second token on
  // p2; c takes one, the other remains. consumed = a b b c + 1 = 5,
  // produced = 1 + a b b c = 5; fitness 1/2 (1 - 1/5) + 1/2 (1 - 1/5) = 0.8.
  const TraceReplay abbc = Replay(net, "abbc");
  EXPECT_FALSE(abbc.is_fit);
  ExpectCounts(abbc, {1, 1, 5, 5});
  EXPECT_DOUBLE_EQ(abbc.fitness, 0.8);
  EXPECT_THAT(abbc.problem_transitions, ElementsAre(Transition(net, "tb")));
  EXPECT_THAT(abbc.not_enabled_activities, ElementsAre("b"));
  EXPECT_EQ(abbc.place_missing[Place(net, "p1")], 1);
  EXPECT_EQ(abbc.place_remaining[Place(net, "p2")], 1);
  EXPECT_EQ(abbc.reached[Place(net, "p2")], 1);
  EXPECT_EQ(abbc.reached[Place(net, "o")], 1);

  // c alone: p2 gets its token added; the initial token on i remains.
  // consumed = c + 1 = 2, produced = 1 + c = 2: fitness 0.5.
  const TraceReplay c = Replay(net, "c");
  ExpectCounts(c, {1, 1, 2, 2});
  EXPECT_DOUBLE_EQ(c.fitness, 0.5);
}

TEST(TokenReplayTest, EmptyTraceMissesTheFinalTokenOutsideIsFit) {
  const sop::PetriNet net = LoadNet(kTestdata + "skip.pnml");
  // Nothing fires: the token stays on i (remaining 1) and the final
  // marking lacks one (missing 1, counted after is_fit as PM4Py does).
  // consumed = 1 (final), produced = 1 (initial): fitness 0.
  const TraceReplay empty = Replay(net, "");
  ExpectCounts(empty, {1, 1, 1, 1});
  EXPECT_FALSE(empty.is_fit);
  EXPECT_DOUBLE_EQ(empty.fitness, 0);
  EXPECT_EQ(empty.place_missing[Place(net, "o")], 1);
}

TEST(TokenReplayTest, OptionsTurnSilentFiringOff) {
  // skip.pnml without walking through silent transitions: c misses its
  // token on p2 and p1 keeps one. consumed = a + c + 1 = 3, produced =
  // 1 + a + c = 3.
  const sop::PetriNet skip = LoadNet(kTestdata + "skip.pnml");
  Result<TraceReplay> ac =
      TokenReplayTrace({"a", "c"}, skip, {.walk_through_silent = false});
  ASSERT_TRUE(ac.ok());
  ExpectCounts(*ac, {1, 1, 3, 3});
  // parallel.pnml without the silent join at the end: o lacks its token,
  // p3 and p4 keep theirs. consumed = split + a + b + 1 = 4, produced =
  // 1 + 2 + 1 + 1 = 5.
  const sop::PetriNet parallel = LoadNet(kTestdata + "parallel.pnml");
  Result<TraceReplay> ab = TokenReplayTrace(
      {"a", "b"}, parallel, {.reach_final_through_silent = false});
  ASSERT_TRUE(ab.ok());
  ExpectCounts(*ab, {1, 2, 4, 5});
}

TEST(TokenReplayTest, ActivitiesOutsideTheNetAreSkipped) {
  const sop::PetriNet net = LoadNet(kTestdata + "skip.pnml");
  const TraceReplay r = Replay(net, "axbzc");
  EXPECT_TRUE(r.is_fit);
  ExpectCounts(r, {0, 0, 4, 4});
  EXPECT_THAT(r.unknown_activities, ElementsAre("x", "z"));
}

// parallel.pnml: i -split-> p1, p2; p1 -a-> p3; p2 -b-> p4; p3, p4 -join-> o.
TEST(TokenReplayTest, ParallelBranchesAndTheSilentJoinAtTheEnd) {
  const sop::PetriNet net = LoadNet(kTestdata + "parallel.pnml");
  // split (silent, to enable a), a, b, then join towards the final marking.
  // produced = 1 + 2 + 1 + 1 + 1 = 6, consumed = 1 + 1 + 1 + 2 + 1 = 6.
  for (const char* trace : {"ab", "ba"}) {
    const TraceReplay r = Replay(net, trace);
    EXPECT_TRUE(r.is_fit) << trace;
    ExpectCounts(r, {0, 0, 6, 6});
  }
  // a alone: join cannot fire (p4 empty); p2 and p3 keep their tokens
  // (remaining 2) and o lacks one (missing 1). consumed = split + a + 1 = 3,
  // produced = 1 + 2 + 1 = 4: fitness 1/2 (1 - 1/3) + 1/2 (1 - 2/4).
  const TraceReplay a = Replay(net, "a");
  EXPECT_FALSE(a.is_fit);
  ExpectCounts(a, {1, 2, 3, 4});
  EXPECT_NEAR(a.fitness, 7.0 / 12.0, 1e-12);
  EXPECT_EQ(a.place_remaining[Place(net, "p2")], 1);
  EXPECT_EQ(a.place_remaining[Place(net, "p3")], 1);
  EXPECT_EQ(a.place_missing[Place(net, "o")], 1);
}

// loop.pnml: i -a-> p1 -b-> p2 -c-> o, and p2 -redo (silent)-> p1.
TEST(TokenReplayTest, LoopIsReenteredThroughTheSilentRedo) {
  const sop::PetriNet net = LoadNet(kTestdata + "loop.pnml");
  // a b (redo b) (redo b) c: seven firings, produced 1 + 7, consumed 7 + 1.
  const TraceReplay r = Replay(net, "abbbc");
  EXPECT_TRUE(r.is_fit);
  ExpectCounts(r, {0, 0, 8, 8});
  // a c: no silent path from p1 to p2 (b is visible): one token missing on
  // p2, one left on p1. consumed = 3, produced = 3.
  const TraceReplay ac = Replay(net, "ac");
  ExpectCounts(ac, {1, 1, 3, 3});
  EXPECT_NEAR(ac.fitness, 2.0 / 3.0, 1e-12);
}

// duplicates.pnml: x and y are both labelled a; x leads to c, y to d.
TEST(TokenReplayTest, DuplicateLabelsTakeTheFirstEnabledTransition) {
  const sop::PetriNet net = LoadNet(kTestdata + "duplicates.pnml");
  ExpectCounts(Replay(net, "ac"), {0, 0, 3, 3});
  // Both x and y are enabled for a; replay takes x (file order; PM4Py
  // takes whichever its set yields first), so d misses its token on p2
  // and p1 keeps one.
  const TraceReplay ad = Replay(net, "ad");
  EXPECT_THAT(ad.fired,
              ElementsAre(Transition(net, "x"), Transition(net, "td")));
  ExpectCounts(ad, {1, 1, 3, 3});
}

// weighted.pnml: a puts two tokens on p1, b takes two.
TEST(TokenReplayTest, ArcWeightsCountEveryToken) {
  const sop::PetriNet net = LoadNet(kTestdata + "weighted.pnml");
  // produced = 1 + 2 (a) + 1 (b) = 4; consumed = 1 (a) + 2 (b) + 1 = 4.
  ExpectCounts(Replay(net, "ab"), {0, 0, 4, 4});
  // b alone: two tokens missing on p1, i's token remains. consumed =
  // 2 + 1 = 3, produced = 1 + 1 = 2: fitness 1/2 (1/3) + 1/2 (1/2).
  const TraceReplay b = Replay(net, "b");
  ExpectCounts(b, {2, 1, 3, 2});
  EXPECT_EQ(b.place_missing[Place(net, "p1")], 2);
}

TEST(TokenReplayTest, LogFiguresSumOverCasesAndVariantsShareResults) {
  const sop::PetriNet net = LoadNet(kTestdata + "skip.pnml");
  // Cases: abc twice, ac, abbc, c (see the tests above).
  // Σmissing = 0 + 0 + 0 + 1 + 1 = 2, Σconsumed = 4 + 4 + 4 + 5 + 2 = 19,
  // Σremaining = 2, Σproduced = 19: log fitness 1 - 2/19. Trace fitness
  // 1, 1, 1, 0.8, 0.5: mean 0.86; 3 of 5 cases fit.
  const EventLog log = LettersLog({"abc", "ac", "abbc", "c"}, {2, 1, 1, 1});
  for (int threads : {1, 2, 3}) {
    SCOPED_TRACE(threads);
    Result<TokenReplayResult> result =
        TokenReplay(LogView(log), net, {.threads = threads});
    ASSERT_TRUE(result.ok()) << result.status().message();
    EXPECT_EQ(result->variants.size(), 4U);
    EXPECT_EQ(result->missing, 2);
    EXPECT_EQ(result->consumed, 19);
    EXPECT_EQ(result->remaining, 2);
    EXPECT_EQ(result->produced, 19);
    EXPECT_NEAR(result->log_fitness, 1.0 - 2.0 / 19.0, 1e-12);
    EXPECT_NEAR(result->average_trace_fitness, 0.86, 1e-12);
    EXPECT_DOUBLE_EQ(result->percentage_of_fitting_traces, 60.0);
    EXPECT_EQ(result->fitting_cases, 3);
    // The two abc cases share one replay.
    ASSERT_EQ(result->case_variant.size(), 5U);
    EXPECT_EQ(result->case_variant[0], result->case_variant[1]);
    EXPECT_DOUBLE_EQ(result->ForCase(3).fitness, 0.8);
    EXPECT_DOUBLE_EQ(result->ForCase(4).fitness, 0.5);
    // Per place: p1 underfed in abbc, p2 in c; p2 overfed in abbc, i in c.
    const PlaceReplayCounts& p1 = result->places[Place(net, "p1")];
    const PlaceReplayCounts& p2 = result->places[Place(net, "p2")];
    EXPECT_EQ(p1.missing, 1);
    EXPECT_EQ(p1.underfed_cases, 1);
    EXPECT_EQ(p2.missing, 1);
    EXPECT_EQ(p2.remaining, 1);
    EXPECT_EQ(result->places[Place(net, "i")].remaining, 1);
    // Every case produces one token on i (initial) and consumes one from o
    // (final); abc: a consumes i, c produces o.
    EXPECT_EQ(result->places[Place(net, "i")].produced, 5);
    EXPECT_EQ(result->places[Place(net, "o")].consumed, 5);
    EXPECT_EQ(result->places[Place(net, "o")].produced, 5);
  }
}

TEST(TokenReplayTest, ViewSelectsCases) {
  const sop::PetriNet net = LoadNet(kTestdata + "skip.pnml");
  const EventLog log = LettersLog({"abc", "c", "ac"});
  Result<TokenReplayResult> result = TokenReplay(LogView(log, {2, 0}), net);
  ASSERT_TRUE(result.ok());
  EXPECT_DOUBLE_EQ(result->log_fitness, 1.0);
  EXPECT_EQ(result->case_variant.size(), 2U);
  EXPECT_DOUBLE_EQ(result->percentage_of_fitting_traces, 100.0);
  Result<TokenReplayResult> none = TokenReplay(LogView(log, {}), net);
  ASSERT_TRUE(none.ok());
  EXPECT_DOUBLE_EQ(none->log_fitness, 0.0);
}

TEST(TokenReplayTest, MalformedNetsAreInvalidArgument) {
  sop::PetriNet net = LoadNet(kTestdata + "skip.pnml");
  net.final.assign(net.places.size(), 0);
  Result<TraceReplay> no_final = TokenReplayTrace({"a"}, net);
  EXPECT_EQ(no_final.status().code(), StatusCode::kInvalidArgument);

  net = LoadNet(kTestdata + "skip.pnml");
  net.transitions[0].outputs.push_back(99);
  Result<TraceReplay> bad_arc = TokenReplayTrace({"a"}, net);
  EXPECT_EQ(bad_arc.status().code(), StatusCode::kInvalidArgument);

  net = LoadNet(kTestdata + "skip.pnml");
  net.initial.push_back(1);
  const EventLog log = LettersLog({"a"});
  EXPECT_EQ(TokenReplay(LogView(log), net).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace livesop::mining

#include "sop/condition.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace livesop::sop {
namespace {

UnaryTest Parse(const std::string& text) {
  Result<UnaryTest> r = ParseUnaryTest(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().message();
  return r.ok() ? *r : UnaryTest{};
}

TEST(UnaryTestTest, AnyAndValueLists) {
  EXPECT_TRUE(Parse("-").Matches("whatever"));
  UnaryTest list = Parse("tv, radio, \"out-of-home\"");
  EXPECT_EQ(list.kind, UnaryTest::Kind::kValues);
  EXPECT_THAT(list.values, testing::ElementsAre("tv", "radio", "out-of-home"));
  EXPECT_TRUE(list.Matches("radio"));
  EXPECT_TRUE(list.Matches("out-of-home"));
  EXPECT_FALSE(list.Matches("email"));
  UnaryTest negated = Parse("not(tv, radio)");
  EXPECT_FALSE(negated.Matches("tv"));
  EXPECT_TRUE(negated.Matches("email"));
}

TEST(UnaryTestTest, ComparisonsAndIntervals) {
  UnaryTest below = Parse("< 5000");
  EXPECT_TRUE(below.MatchesNumber(4999.5));
  EXPECT_FALSE(below.MatchesNumber(5000));
  EXPECT_TRUE(Parse("<= 5000").MatchesNumber(5000));
  EXPECT_TRUE(Parse(">= 1_000_000").MatchesNumber(1000000));
  EXPECT_FALSE(Parse("> 10").Matches("ten"));
  UnaryTest interval = Parse("[1000..5000)");
  EXPECT_TRUE(interval.MatchesNumber(1000));
  EXPECT_FALSE(interval.MatchesNumber(5000));
  EXPECT_TRUE(Parse("(1000..5000]").MatchesNumber(5000));
  EXPECT_FALSE(Parse("(1000..5000]").MatchesNumber(1000));
  EXPECT_TRUE(Parse("= 3").Matches("3.0"));
  EXPECT_FALSE(Parse("!= 3").Matches("3"));
}

TEST(UnaryTestTest, BadTestsSayWhatIsWrong) {
  EXPECT_THAT(ParseUnaryTest("[1000, 5000]").status().message(),
              testing::HasSubstr("\"..\""));
  EXPECT_THAT(ParseUnaryTest("< lots").status().message(),
              testing::HasSubstr("number"));
  EXPECT_THAT(ParseUnaryTest("not(tv").status().message(),
              testing::HasSubstr("closing"));
  EXPECT_THAT(ParseUnaryTest("[9..1]").status().message(),
              testing::HasSubstr("lower bound"));
  EXPECT_FALSE(ParseUnaryTest("a,,b").ok());
  EXPECT_FALSE(ParseUnaryTest("").ok());
  EXPECT_FALSE(ParseUnaryTest("\"open").ok());
}

Condition Make(std::vector<std::pair<std::string, std::string>> tests) {
  Condition c;
  c.tests = std::move(tests);
  c.test_locations.resize(c.tests.size());
  return c;
}

TEST(ConditionTest, HoldsWhenEveryTestHolds) {
  Condition c = Make({{"budget_band", "large"}, {"channel", "not(print)"}});
  EXPECT_TRUE(Holds(c, {{"budget_band", "large"}, {"channel", "email"}}));
  EXPECT_FALSE(Holds(c, {{"budget_band", "large"}, {"channel", "print"}}));
  EXPECT_FALSE(Holds(c, {{"budget_band", "small"}, {"channel", "email"}}));
  EXPECT_TRUE(Holds(c, {{"campaign_type", "event"}}));  // untested inputs pass
}

TEST(ConditionTest, NumericCasesFindTheGapBetweenBranches) {
  Condition low = Make({{"budget", "< 1000"}});
  Condition high = Make({{"budget", "> 1000"}});
  std::vector<InputDomain> domains = {{"budget", true, {}}};
  bool truncated = false;
  std::vector<Case> cases =
      EnumerateCases(domains, {&low, &high}, 1000, &truncated);
  EXPECT_FALSE(truncated);
  auto uncovered = std::find_if(cases.begin(), cases.end(), [&](const Case& c) {
    return !Holds(low, c) && !Holds(high, c);
  });
  ASSERT_NE(uncovered, cases.end());
  EXPECT_EQ(uncovered->at("budget"), "1000");
}

TEST(ConditionTest, EnumerationIsTheProductAndStopsAtTheLimit) {
  std::vector<InputDomain> domains = {{"a", false, {"x", "y"}},
                                      {"b", false, {"1", "2", "3"}}};
  bool truncated = true;
  EXPECT_EQ(EnumerateCases(domains, {}, 100, &truncated).size(), 6u);
  EXPECT_FALSE(truncated);
  EXPECT_EQ(EnumerateCases(domains, {}, 4, &truncated).size(), 4u);
  EXPECT_TRUE(truncated);
  EXPECT_EQ(CaseToString({{"a", "x"}, {"b", "2"}}), "a=x, b=2");
}

}  // namespace
}  // namespace livesop::sop

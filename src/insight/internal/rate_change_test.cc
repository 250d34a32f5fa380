#include "insight/internal/rate_change.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace livesop::insight::internal {
namespace {

// `n` cases, `yes_per_ten` of each ten yes, spread evenly.
void Append(std::vector<bool>& cases, int n, int yes_per_ten) {
  for (int i = 0; i < n; ++i) cases.push_back(i % 10 < yes_per_ten);
}

TEST(RateChangeTest, ASwitchIsFoundAtItsCase) {
  std::vector<bool> cases;
  Append(cases, 40, 10);
  Append(cases, 40, 0);
  const std::vector<RateCut> cuts = FindRateChanges(cases);
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0].index, 39);
  EXPECT_DOUBLE_EQ(cuts[0].before, 1.0);
  EXPECT_DOUBLE_EQ(cuts[0].after, 0.0);
  EXPECT_LE(cuts[0].p_value, 0.01);
}

TEST(RateChangeTest, TwoChangesAreBothFoundWithTheirOwnRates) {
  std::vector<bool> cases;
  Append(cases, 50, 9);
  Append(cases, 50, 1);
  Append(cases, 50, 9);
  const std::vector<RateCut> cuts = FindRateChanges(cases);
  ASSERT_EQ(cuts.size(), 2u);
  EXPECT_NEAR(cuts[0].index, 49, 2);
  EXPECT_NEAR(cuts[1].index, 99, 2);
  EXPECT_NEAR(cuts[0].before, 0.9, 0.05);
  EXPECT_NEAR(cuts[0].after, 0.1, 0.05);
  EXPECT_NEAR(cuts[1].after, 0.9, 0.05);
}

TEST(RateChangeTest, ChanceAloneFindsNothing) {
  std::mt19937_64 random(7);
  std::bernoulli_distribution coin(0.5);
  int found = 0;
  for (int run = 0; run < 20; ++run) {
    std::vector<bool> cases;
    for (int i = 0; i < 300; ++i) cases.push_back(coin(random));
    found += static_cast<int>(FindRateChanges(cases).size());
  }
  EXPECT_EQ(found, 0);
}

TEST(RateChangeTest, ASmallShiftIsBelowTheEffectReported) {
  std::vector<bool> cases;
  Append(cases, 2000, 5);
  Append(cases, 2000, 6);
  EXPECT_TRUE(FindRateChanges(cases).empty());
  RateChangeOptions fine;
  fine.min_effect = 0.05;
  EXPECT_EQ(FindRateChanges(cases, fine).size(), 1u);
}

TEST(RateChangeTest, TooFewCasesOrOneValueFindNothing) {
  std::vector<bool> cases;
  Append(cases, 7, 10);
  Append(cases, 7, 0);
  EXPECT_TRUE(FindRateChanges(cases).empty());
  EXPECT_TRUE(FindRateChanges(std::vector<bool>(100, true)).empty());
  EXPECT_TRUE(FindRateChanges({}).empty());
}

}  // namespace
}  // namespace livesop::insight::internal

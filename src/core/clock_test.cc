#include "core/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

namespace livesop {
namespace {

constexpr int64_t kSecond = 1'000'000;
// 2026-03-02T09:00:00Z.
constexpr int64_t kMonday = 1'772'442'000 * kSecond;

TEST(FakeClockTest, StartsWhereToldAndMovesOnlyWhenTold) {
  FakeClock clock(kMonday);
  EXPECT_EQ(clock.NowMicros(), kMonday);
  EXPECT_EQ(clock.NowMicros(), kMonday);
  EXPECT_EQ(clock.Advance(90 * kSecond), kMonday + 90 * kSecond);
  EXPECT_EQ(clock.NowMicros(), kMonday + 90 * kSecond);
  EXPECT_EQ(clock.Advance(-30 * kSecond), kMonday + 60 * kSecond);
  clock.Set(42);
  EXPECT_EQ(clock.NowMicros(), 42);
}

TEST(FakeClockTest, WorksThroughTheInterface) {
  FakeClock fake(kMonday);
  const Clock& clock = fake;
  fake.Advance(kSecond);
  EXPECT_EQ(clock.NowMicros(), kMonday + kSecond);
}

TEST(FakeClockTest, ConcurrentAdvancesAreAllCounted) {
  FakeClock clock(0);
  constexpr int kThreads = 4;
  constexpr int kSteps = 10'000;
  std::vector<std::thread> threads;
  threads.reserve(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&clock] {
      for (int j = 0; j < kSteps; ++j) clock.Advance(1);
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(clock.NowMicros(), int64_t{kThreads} * kSteps);
}

TEST(SystemClockTest, IsTheSameObjectEveryTime) {
  EXPECT_EQ(&SystemClock(), &SystemClock());
}

TEST(SystemClockTest, AgreesWithTheSystemClockAndDoesNotGoBackInALoop) {
  const int64_t before =
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count();
  int64_t last = SystemClock().NowMicros();
  for (int i = 0; i < 1000; ++i) {
    const int64_t now = SystemClock().NowMicros();
    EXPECT_GE(now, last);
    last = now;
  }
  const int64_t after = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  EXPECT_GE(last, before);
  EXPECT_LE(last, after);
  // Later than 2020-01-01: a sanity check on the unit (not seconds or ns).
  EXPECT_GT(last, int64_t{1'577'836'800} * kSecond);
  EXPECT_LT(last, int64_t{4'102'444'800} * kSecond);
}

}  // namespace
}  // namespace livesop

#include "eventlog/internal/timestamp.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/time.h"

namespace livesop::eventlog::internal {
namespace {

// What the fast path must agree with.
std::string Reference(std::string_view text) {
  Result<int64_t> parsed = ParseTimestamp(text);
  return parsed.ok() ? FormatTimestamp(*parsed) : "error";
}

std::string Fast(std::string_view text) {
  std::string out = "left over from an earlier value";
  Status status = NormaliseTimestamp(text, out);
  return status.ok() ? out : "error";
}

TEST(TimestampTest, TheCommonShapeTakesTheFastPath) {
  for (const char* text : {
           "2010-12-30T14:32:00.000+01:00",
           "2010-12-30T14:32:00Z",
           "2010-12-30 14:32:00",
           "2010-12-30T14:32:00.5-02:30",
           "2010-12-30T14:32:00,123456789z",
           "2024-02-29T23:59:59.999999+00:00",
           "1970-01-01T00:00:00.000+01:00",
           "0000-01-01T00:00:00+00:00",
           "9999-12-31T23:59:59.999-23:59",
       }) {
    int64_t micros = 0;
    EXPECT_TRUE(ParseCommonTimestamp(text, micros)) << text;
    EXPECT_EQ(micros, *ParseTimestamp(text)) << text;
    EXPECT_EQ(Fast(text), Reference(text)) << text;
  }
}

TEST(TimestampTest, EverythingElseFallsBackToParseTimestamp) {
  for (const char* text : {
           "2010-12-30",                 // a date alone
           "2010-12-30T14:32",           // no seconds
           " 2010-12-30T14:32:00Z",      // white space
           "2010-12-30t14:32:00Z",       // lower-case t
           "2010-12-30T14:32:00+0100",   // offset without colon
           "2010-12-30T14:32:00+01",     // hours only
           "2010-02-30T14:32:00Z",       // no such day
           "2010-13-01T14:32:00Z",       // no such month
           "2010-12-30T24:00:00Z",       // out of range
           "2010-12-30T14:32:60Z",       // leap second
           "2010-12-30T14:32:00.Z",      // fraction without digits
           "2010-12-30T14:32:00+24:00",  // offset out of range
           "2010-12-30T14:32:00Zjunk",   // trailing text
           "30/12/2010 14:32",           // not ISO
       }) {
    int64_t micros = 0;
    EXPECT_FALSE(ParseCommonTimestamp(text, micros)) << text;
    EXPECT_EQ(Fast(text), Reference(text)) << text;
  }
  std::string out;
  Status status = NormaliseTimestamp("30/12/2010 15:06", out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("invalid timestamp \"30/12/2010 15:06\""),
            std::string::npos);
}

TEST(TimestampTest, FormattingMatchesFormatTimestampEverywhere) {
  std::mt19937_64 random(1849);
  std::vector<int64_t> times = {0,
                                -1,
                                1,
                                999,
                                1000,
                                -86'400'000'000LL,
                                253'402'300'799'999'999LL,   // 9999-12-31
                                -62'167'219'200'000'000LL,   // 0000-01-01
                                -62'167'219'200'000'001LL};  // year -1
  std::uniform_int_distribution<int64_t> any(-62'167'219'200'000'000LL,
                                             253'402'300'799'999'999LL);
  for (int i = 0; i < 20000; ++i) {
    int64_t t = any(random);
    if (i % 3 == 0) t -= t % 1000;  // whole milliseconds
    times.push_back(t);
  }
  std::string out;
  for (int64_t t : times) {
    FormatTimestampInto(t, out);
    ASSERT_EQ(out, FormatTimestamp(t)) << t;
  }
}

TEST(TimestampTest, MutatedTextsAgreeWithParseTimestamp) {
  // Every single-character change of a few valid texts: the fast path may
  // decline, but when it accepts it must give ParseTimestamp's instant.
  const std::string alphabet = "0123456789-+:.,TZtz 9";
  std::string out;
  for (const std::string base :
       {"2010-12-30T14:32:00.123+01:00", "2024-02-29T23:59:59Z"}) {
    for (size_t i = 0; i < base.size(); ++i) {
      for (char c : alphabet) {
        std::string text = base;
        text[i] = c;
        ASSERT_EQ(Fast(text), Reference(text)) << text;
        text = base;
        text.erase(i, 1);
        ASSERT_EQ(Fast(text), Reference(text)) << text;
      }
    }
  }
}

}  // namespace
}  // namespace livesop::eventlog::internal

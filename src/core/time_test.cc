#include "core/time.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdint>

namespace livesop {
namespace {

using testing::HasSubstr;

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kMinute = 60 * kSecond;
constexpr int64_t kHour = 60 * kMinute;
// 2010-12-30T13:32:00Z, checked with `date -u -d @1293715920`.
constexpr int64_t kExample = 1'293'715'920 * kSecond;

int64_t Parse(std::string_view text) {
  Result<int64_t> r = ParseTimestamp(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : INT64_MIN;
}

TEST(ParseTimestampTest, AcceptsTheIsoFormsLogsUse) {
  EXPECT_EQ(Parse("2010-12-30T14:32:00.000+01:00"), kExample);
  EXPECT_EQ(Parse("2010-12-30T13:32:00Z"), kExample);
  EXPECT_EQ(Parse("2010-12-30t13:32:00z"), kExample);
  EXPECT_EQ(Parse("2010-12-30T14:32:00+0100"), kExample);
  EXPECT_EQ(Parse("2010-12-30T14:32:00+01"), kExample);
  EXPECT_EQ(Parse("2010-12-30T08:02:00-05:30"), kExample);
  EXPECT_EQ(Parse("2010-12-30 14:32:00+01:00"), kExample);
  EXPECT_EQ(Parse("  2010-12-30T13:32:00Z \n"), kExample);
  EXPECT_EQ(Parse("1970-01-01T00:00:00Z"), 0);
}

TEST(ParseTimestampTest, NoOffsetMeansUtc) {
  EXPECT_EQ(Parse("2010-12-30T13:32:00"), kExample);
  EXPECT_EQ(Parse("2010-12-30 13:32"), kExample);
  EXPECT_EQ(Parse("2010-12-30"), kExample - 13 * kHour - 32 * kMinute);
}

TEST(ParseTimestampTest, FractionsAreTruncatedToMicroseconds) {
  EXPECT_EQ(Parse("1970-01-01T00:00:00.5Z"), 500'000);
  EXPECT_EQ(Parse("1970-01-01T00:00:00.12Z"), 120'000);
  EXPECT_EQ(Parse("1970-01-01T00:00:00.123456Z"), 123'456);
  EXPECT_EQ(Parse("1970-01-01T00:00:00.123456789Z"), 123'456);
  EXPECT_EQ(Parse("1970-01-01T00:00:00,999999999"), 999'999);
  EXPECT_EQ(Parse("1969-12-31T23:59:59.999999999Z"), -1);
}

TEST(ParseTimestampTest, RejectsWhatIsNotATimestamp) {
  for (const char* text :
       {"", "yesterday", "30/12/2010 14:32", "2010-12-30T", "2010-13-01",
        "2010-02-29", "2010-12-32", "2010-12-30T24:00:00Z",
        "2010-12-30T14:60:00Z", "2010-12-30T14:32:60Z", "2010-12-30T14:32:00.Z",
        "2010-12-30T14:32:00+1", "2010-12-30T14:32:00+24:00",
        "2010-12-30T14:32:00Z junk", "2010-12-30T14:32.5", "20101230",
        "2010-12-30T14:32:00+01:0x"}) {
    Result<int64_t> r = ParseTimestamp(text);
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(r.status().message(),
                HasSubstr("\"" + std::string(text).substr(0, 30)))
        << text;
    EXPECT_THAT(r.status().message(), HasSubstr("expected ISO 8601"));
  }
}

TEST(ParseTimestampTest, LongTextIsShortenedInTheMessage) {
  Result<int64_t> r = ParseTimestamp(std::string(1000, 'x'));
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 300u);
}

TEST(FormatTimestampTest, MillisecondsWhenWholeElseMicroseconds) {
  EXPECT_EQ(FormatTimestamp(0), "1970-01-01T00:00:00.000+00:00");
  EXPECT_EQ(FormatTimestamp(kExample), "2010-12-30T13:32:00.000+00:00");
  EXPECT_EQ(FormatTimestamp(kExample + 123'000),
            "2010-12-30T13:32:00.123+00:00");
  EXPECT_EQ(FormatTimestamp(kExample + 123'456),
            "2010-12-30T13:32:00.123456+00:00");
  EXPECT_EQ(FormatTimestamp(1), "1970-01-01T00:00:00.000001+00:00");
}

TEST(FormatTimestampTest, BeforeTheEpoch) {
  EXPECT_EQ(FormatTimestamp(-1), "1969-12-31T23:59:59.999999+00:00");
  EXPECT_EQ(FormatTimestamp(-1000), "1969-12-31T23:59:59.999+00:00");
  EXPECT_EQ(FormatTimestamp(-24 * kHour), "1969-12-31T00:00:00.000+00:00");
  EXPECT_EQ(Parse("1900-01-01T00:00:00Z"), -2'208'988'800 * kSecond);
  EXPECT_EQ(FormatTimestamp(-2'208'988'800 * kSecond),
            "1900-01-01T00:00:00.000+00:00");
}

TEST(FormatTimestampTest, LeapDays) {
  EXPECT_EQ(FormatTimestamp(Parse("2024-02-29T12:00:00+13:00")),
            "2024-02-28T23:00:00.000+00:00");
  EXPECT_EQ(FormatTimestamp(Parse("2000-02-29T23:30:00-01:00")),
            "2000-03-01T00:30:00.000+00:00");
  EXPECT_FALSE(ParseTimestamp("1900-02-29").ok());  // not a leap year
  EXPECT_FALSE(ParseTimestamp("2023-02-29").ok());
}

TEST(FormatTimestampTest, RoundTrips) {
  for (int64_t t :
       {int64_t{0}, int64_t{1}, int64_t{-1}, kExample, kExample + 7,
        -kExample - 999'999, Parse("0000-01-01T00:00:00Z"),
        Parse("9999-12-31T23:59:59.999999Z"), Parse("1600-02-29T01:02:03Z"),
        Parse("1969-12-31T23:59:59.000001Z"), Parse("2024-02-29T23:59:59Z")}) {
    EXPECT_EQ(Parse(FormatTimestamp(t)), t) << FormatTimestamp(t);
  }
  // Steps of just under a day across two centuries, so that
  // every day of the year, leap days and month ends included, is crossed.
  const int64_t from = Parse("1890-01-01T00:00:00Z");
  const int64_t to = Parse("2110-01-01T00:00:00Z");
  for (int64_t t = from; t < to; t += 80021 * kSecond + 123) {
    ASSERT_EQ(Parse(FormatTimestamp(t)), t) << FormatTimestamp(t);
  }
}

TEST(ResolveCivilTimeTest, JakartaIsSevenHoursAhead) {
  Result<ZonedInstant> r =
      ResolveCivilTime("Asia/Jakarta", {2010, 12, 30, 20, 32, 0});
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->time_us, kExample);
  EXPECT_EQ(r->utc_offset_minutes, 7 * 60);
}

TEST(ResolveCivilTimeTest, ClocksSetBackGiveTheEarlierInstant) {
  // 2026-10-25 02:30 happens twice in Berlin: first at +02:00.
  Result<ZonedInstant> r =
      ResolveCivilTime("Europe/Berlin", {2026, 10, 25, 2, 30, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->time_us, Parse("2026-10-25T02:30:00+02:00"));
  EXPECT_EQ(r->utc_offset_minutes, 120);
}

TEST(ResolveCivilTimeTest, ClocksSetForwardMoveOnByTheGap) {
  // 2026-03-29 02:30 does not happen in Berlin; it is read as 03:30 +02:00.
  Result<ZonedInstant> r =
      ResolveCivilTime("Europe/Berlin", {2026, 3, 29, 2, 30, 0});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->time_us, Parse("2026-03-29T03:30:00+02:00"));
  EXPECT_EQ(r->utc_offset_minutes, 120);
}

TEST(ResolveCivilTimeTest, RefusesUnknownZonesAndImpossibleDates) {
  Result<ZonedInstant> zone = ResolveCivilTime("Asia/Jakartaa", {});
  ASSERT_FALSE(zone.ok());
  EXPECT_THAT(zone.status().message(), HasSubstr("Asia/Jakartaa"));
  EXPECT_FALSE(ResolveCivilTime("UTC", {2026, 4, 31, 0, 0, 0}).ok());
  EXPECT_FALSE(ResolveCivilTime("UTC", {2026, 2, 29, 0, 0, 0}).ok());
  EXPECT_FALSE(ResolveCivilTime("UTC", {2026, 1, 1, 24, 0, 0}).ok());
  EXPECT_TRUE(ResolveCivilTime("UTC", {2028, 2, 29, 0, 0, 0}).ok());
}

}  // namespace
}  // namespace livesop

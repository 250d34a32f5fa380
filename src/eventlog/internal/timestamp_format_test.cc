#include "eventlog/internal/timestamp_format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/time.h"

namespace livesop::eventlog::internal {
namespace {

// The normalised text of `text` read with `format`, or "no match".
std::string Read(const std::string& format, std::string_view text,
                 bool detected = false) {
  TimestampFormat reader(format, detected);
  int64_t micros = 0;
  if (!reader.Parse(text, micros)) return "no match";
  return FormatTimestamp(micros);
}

TEST(TimestampFormatTest, ReadsWithDateParseFormats) {
  EXPECT_EQ(Read("%d/%m/%Y %H:%M:%S", "13/03/2024 09:05:07.25"),
            "2024-03-13T09:05:07.250+00:00");
  EXPECT_EQ(Read("%d/%m/%Y %H:%M:%S", " 1/3/2024 9:05:07 "),
            "2024-03-01T09:05:07.000+00:00");  // white space around: trimmed
  EXPECT_EQ(Read("%Y-%m-%dT%H:%M:%S%z", "2024-03-13T09:05:07+0100"),
            "2024-03-13T08:05:07.000+00:00");
  // %T, %r and %c read seconds too, spelled out.
  EXPECT_EQ(Read("%FT%T", "2024-03-13T09:05:07"),
            "2024-03-13T09:05:07.000+00:00");
  EXPECT_EQ(Read("%d/%m/%Y %r", "13/03/2024 09:05:07 PM"),
            "2024-03-13T21:05:07.000+00:00");
  EXPECT_EQ(Read("%c", "Wed Mar 13 09:05:07 2024"),
            "2024-03-13T09:05:07.000+00:00");
  EXPECT_EQ(Read("%d/%m/%y", "13/03/24"), "2024-03-13T00:00:00.000+00:00");
}

TEST(TimestampFormatTest, RejectsWhatDoesNotMatchWhole) {
  for (const char* text : {
           "13/03/2024 09:05:",     // no seconds at all
           "13/03/2024 09:05:x",    // not seconds
           "13/03/2024 09:05: 07",  // a space where seconds start
           "13/03/2024 09:05:07x",  // trailing text
           "13/03/2024 09:05",      // no seconds field
           "32/03/2024 09:05:07",   // no such day
           "13/13/2024 09:05:07",   // no such month
           "13/03/2024 24:05:07",   // no such hour
           "",
       }) {
    EXPECT_EQ(Read("%d/%m/%Y %H:%M:%S", text), "no match") << text;
  }
  EXPECT_EQ(Read("%FT%T", "2024-03-13T09:05:"), "no match");
  // A '-' without the offset's digits.
  EXPECT_EQ(Read("%Y%m%d%H%M%z", "202403130905-x"), "no match");
  EXPECT_EQ(Read("%Y%m%d%H%M%z", "202403130905-1"), "no match");
  EXPECT_EQ(Read("%Y%m%d%H%M%z", "202403130905-0130"),
            "2024-03-13T10:35:00.000+00:00");
  EXPECT_EQ(Read("%Y%m%d%H%M%Ez", "202403130905-"), "no match");
  EXPECT_EQ(Read("%Y%m%d%H%M%Ez", "202403130905-1:30"),
            "2024-03-13T10:35:00.000+00:00");
  EXPECT_EQ(Read("%S:%M:%H %d/%m/%Y", ":05:09 13/03/2024"), "no match");
  EXPECT_EQ(Read("%S:%M:%H %d/%m/%Y", "07:05:09 13/03/2024"),
            "2024-03-13T09:05:07.000+00:00");
  // Detected formats want four-digit years; a named one takes what it says.
  EXPECT_EQ(Read("%d/%m/%Y", "13/03/24", /*detected=*/true), "no match");
  EXPECT_EQ(Read("%d/%m/%Y", "13/03/24"), "0024-03-13T00:00:00.000+00:00");
}

TEST(TimestampFormatTest, ReadsUnixTimesAndIso) {
  EXPECT_EQ(Read("unix seconds", "1709283900"),
            "2024-03-01T09:05:00.000+00:00");
  EXPECT_EQ(Read("unix milliseconds", "1709283900123"),
            "2024-03-01T09:05:00.123+00:00");
  EXPECT_EQ(Read("unix seconds", "-1"), "no match");
  EXPECT_EQ(Read("unix seconds", "253402300799"),
            "9999-12-31T23:59:59.000+00:00");
  EXPECT_EQ(Read("unix seconds", "253402300800"), "no match");  // year 10000
  EXPECT_EQ(Read("unix seconds", "99999999999999999999999"), "no match");
  EXPECT_EQ(Read("ISO 8601", "2024-03-01 09:05+01:00"),
            "2024-03-01T08:05:00.000+00:00");
  EXPECT_EQ(Read("ISO 8601", "1709283900"), "no match");
}

TimestampDetection Detect(const std::vector<std::string_view>& cells) {
  return DetectTimestampFormat(cells);
}

TEST(TimestampFormatTest, DetectsTheFormatAllCellsShare) {
  EXPECT_EQ(Detect({"1709283900", "1709283907"}).format, "unix seconds");
  EXPECT_EQ(Detect({"1709283900000", "1709283907000"}).format,
            "unix milliseconds");
  // Eight digits are more likely YYYYMMDD than 1970: not a Unix time.
  EXPECT_EQ(Detect({"20240301"}).format, "");
  // Seconds and milliseconds mixed: neither.
  EXPECT_EQ(Detect({"1709283900", "1709283907000"}).format, "");
  EXPECT_EQ(Detect({"2024-03-01", "2024-03-01T10:00:00Z"}).format, "ISO 8601");
  EXPECT_EQ(Detect({"2024/03/01"}).format, "%Y/%m/%d");
  EXPECT_EQ(Detect({"13.03.2024 09:05"}).format, "%d.%m.%Y %H:%M");
  EXPECT_EQ(Detect({"03.13.2024 09:05"}).format, "%m.%d.%Y %H:%M");

  TimestampDetection ambiguous = Detect({"01-02-2024", "03-04-2024"});
  EXPECT_EQ(ambiguous.format, "%d-%m-%Y");
  EXPECT_TRUE(ambiguous.ambiguous);
  TimestampDetection decided = Detect({"01-02-2024", "03-14-2024"});
  EXPECT_EQ(decided.format, "%m-%d-%Y");
  EXPECT_FALSE(decided.ambiguous);

  TimestampDetection none =
      Detect({"13/03/2024 09:05", "14/03/2024 09:05", "2024-03-15 09:05"});
  EXPECT_EQ(none.format, "");
  EXPECT_EQ(none.closest_format, "%d/%m/%Y %H:%M");
  EXPECT_EQ(none.failed_cell, 2u);
  none = Detect({"soon"});
  EXPECT_EQ(none.closest_format, "ISO 8601");
  EXPECT_EQ(none.failed_cell, 0u);
  EXPECT_EQ(Detect({}).format, "");
}

}  // namespace
}  // namespace livesop::eventlog::internal

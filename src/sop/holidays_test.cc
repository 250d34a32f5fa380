#include "sop/holidays.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace livesop::sop {
namespace {

std::vector<std::string> Dates(const HolidayFileResult& r) {
  std::vector<std::string> out;
  for (const Holiday& h : r.holidays) out.push_back(h.date);
  return out;
}

TEST(HolidayFileTest, ReadsIcsEventsWithNamesAndLines) {
  const std::string ics =
      "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
      "BEGIN:VEVENT\r\nUID:a@test\r\nDTSTART;VALUE=DATE:20260101\r\n"
      "SUMMARY:New Year's Day\r\nEND:VEVENT\r\n"
      "BEGIN:VEVENT\r\nUID:b@test\r\nDTSTART;VALUE=DATE:20260320\r\n"
      "DTEND;VALUE=DATE:20260323\r\nSUMMARY:Idulfitri\r\nEND:VEVENT\r\n"
      "END:VCALENDAR\r\n";
  HolidayFileResult r = ParseHolidayFile(ics, "id.ics");
  EXPECT_FALSE(r.diagnostics.has_errors()) << r.diagnostics.items().size();
  EXPECT_EQ(Dates(r), (std::vector<std::string>{"2026-01-01", "2026-03-20",
                                                "2026-03-21", "2026-03-22"}));
  ASSERT_EQ(r.holidays.size(), 4u);
  EXPECT_EQ(r.holidays[0].name, "New Year's Day");
  EXPECT_EQ(r.holidays[0].where.line, 4);
  EXPECT_EQ(r.holidays[1].name, "Idulfitri");
  EXPECT_EQ(r.holidays[1].where.line, 9);
}

TEST(HolidayFileTest, ExpandsYearlyRulesAndLeavesOutExdates) {
  const std::string ics =
      "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n"
      "BEGIN:VEVENT\nUID:c@test\nDTSTART;VALUE=DATE:20260817\n"
      "RRULE:FREQ=YEARLY;COUNT=3\nEXDATE;VALUE=DATE:20270817\n"
      "SUMMARY:Independence Day\nEND:VEVENT\nEND:VCALENDAR\n";
  HolidayFileResult r = ParseHolidayFile(ics, "rule.ics");
  EXPECT_FALSE(r.diagnostics.has_errors());
  EXPECT_EQ(Dates(r), (std::vector<std::string>{"2026-08-17", "2028-08-17"}));
}

TEST(HolidayFileTest, UnboundedRulesStop) {
  const std::string ics =
      "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n"
      "BEGIN:VEVENT\nUID:d@test\nDTSTART;VALUE=DATE:20260101\n"
      "RRULE:FREQ=YEARLY\nSUMMARY:New Year\nEND:VEVENT\nEND:VCALENDAR\n";
  HolidayFileResult r = ParseHolidayFile(ics, "forever.ics");
  EXPECT_FALSE(r.diagnostics.has_errors());
  ASSERT_EQ(r.holidays.size(), 30u);
  EXPECT_EQ(r.holidays.back().date, "2055-01-01");
}

TEST(HolidayFileTest, MalformedIcsNamesFileAndLine) {
  const std::string ics =
      "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\n"
      "BEGIN:VEVENT\nUID:e@test\nDTSTART;VALUE=DATE:20260101\n"
      "SUMMARY:Good\nEND:VEVENT\n"
      "BEGIN:VEVENT\nUID:f@test\nDTSTART;VALUE=DATE:2026-13-45\n"
      "SUMMARY:Broken\nEND:VEVENT\nEND:VCALENDAR\n";
  HolidayFileResult r = ParseHolidayFile(ics, "holidays/bad.ics");
  ASSERT_TRUE(r.diagnostics.has_errors());
  const Diagnostic& d = r.diagnostics.items().front();
  EXPECT_EQ(d.location.file, "holidays/bad.ics");
  EXPECT_EQ(d.location.line, 9);
  EXPECT_EQ(d.code, "holidays-invalid");
  EXPECT_NE(d.message.find("Broken"), std::string::npos) << d.message;
  EXPECT_EQ(Dates(r), (std::vector<std::string>{"2026-01-01"}));
}

TEST(HolidayFileTest, TextThatIsNotIcalendarIsRefused) {
  HolidayFileResult r = ParseHolidayFile("date,name\n2026-01-01,x\n", "x.ics");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_NE(r.diagnostics.items().front().message.find("BEGIN:VCALENDAR"),
            std::string::npos);
  EXPECT_TRUE(r.holidays.empty());
}

TEST(HolidayFileTest, ReadsYamlListOrMap) {
  HolidayFileResult list = ParseHolidayFile(
      "- { date: 2026-05-01, name: Labour Day }\n- date: 2026-05-14\n",
      "h.yaml");
  EXPECT_FALSE(list.diagnostics.has_errors());
  EXPECT_EQ(Dates(list),
            (std::vector<std::string>{"2026-05-01", "2026-05-14"}));
  EXPECT_EQ(list.holidays[1].where.line, 2);
  HolidayFileResult map = ParseHolidayFile(
      "holidays:\n  - { date: 2026-12-25, name: Christmas }\n", "h.yml");
  EXPECT_EQ(Dates(map), (std::vector<std::string>{"2026-12-25"}));
}

TEST(HolidayFileTest, YamlDateThatIsNotRealIsAnErrorWithItsLine) {
  HolidayFileResult r = ParseHolidayFile(
      "- { date: 2026-01-01 }\n- { date: 2026-02-30, name: Nope }\n", "h.yaml");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_EQ(r.diagnostics.items().front().location.line, 2);
  EXPECT_NE(r.diagnostics.items().front().message.find("2026-02-30"),
            std::string::npos);
  EXPECT_EQ(Dates(r), (std::vector<std::string>{"2026-01-01"}));
}

TEST(HolidayFileTest, UnknownExtensionIsRefused) {
  HolidayFileResult r = ParseHolidayFile("x", "holidays.csv");
  ASSERT_TRUE(r.diagnostics.has_errors());
  EXPECT_NE(r.diagnostics.items().front().hint.find(".ics"), std::string::npos);
}

}  // namespace
}  // namespace livesop::sop

// The marketing calendar on the example department's SOP: milestones
// derived backwards from a launch date on the Jakarta calendar (09:00-12:00
// and 13:00-18:00, Monday to Friday, with the 2026 holidays: 18-24 March
// are Nyepi and the Lebaran holidays), the what-if, every conflict kind and
// the iCalendar SEQUENCE rule. Expected dates are worked out from
// examples/marketing-ops/*.yaml by hand, not taken from the output.
#include "engine/marketing_calendar.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "core/time.h"
#include "engine/ical.h"
#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::Contains;
using testing::HasSubstr;
using testing::IsEmpty;

const int64_t kJan5 = *ParseTimestamp("2026-01-05T09:00:00+07:00");

const Milestone* Find(const std::vector<Milestone>& ms, const std::string& id) {
  for (const Milestone& m : ms) {
    if (m.id == id) return &m;
  }
  return nullptr;
}

nlohmann::json Values(const std::string& launch,
                      const std::vector<std::string>& channels = {"email"}) {
  return {{"launch_date", launch},
          {"channels", channels},
          {"budget", 25000000},
          {"urgent", false}};
}

TEST(PlanLaunchTest, CountsBackAcrossHolidaysAndWeekends) {
  // Monday 30 March 2026: the Friday before is a working day; 18-24 March
  // are holidays, 21-22 a weekend.
  Result<LaunchPlan> plan =
      PlanLaunch(ExampleSop(), "product-launch", "2026-03-30", kJan5,
                 Values("2026-03-30"));
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  const auto& ms = plan->milestones;
  ASSERT_NE(Find(ms, "launch"), nullptr);
  EXPECT_EQ(Find(ms, "launch")->date, "2026-03-30");
  EXPECT_TRUE(Find(ms, "launch")->all_day);
  EXPECT_EQ(Find(ms, "launch")->step, "launch-day");
  // 1d and 2d back from the close of Friday 27th: its opening and the
  // opening of Thursday 26th.
  ASSERT_NE(Find(ms, "email-scheduled"), nullptr);
  EXPECT_EQ(Find(ms, "email-scheduled")->due_us,
            *ParseTimestamp("2026-03-27T09:00:00+07:00"));
  EXPECT_EQ(Find(ms, "pre-launch-done")->date, "2026-03-26");
  // 1w = 5 working days: 27, 26, 25, then past the holidays 17, 16.
  EXPECT_EQ(Find(ms, "content-approved")->date, "2026-03-16");
  // 2w = 10 working days: ... 17, 16, 13, 12, 11, 10, 9.
  EXPECT_EQ(Find(ms, "copy-final")->date, "2026-03-09");
  EXPECT_TRUE(Find(ms, "copy-final")->all_day);
  // The pre-launch checklist (2d) must be done by the close of Friday; it
  // starts at Thursday's opening, so content approval ends by Wednesday's
  // close; content approval (2d) starts two working days before Thursday
  // 09:00, past the holidays: Tuesday 17th, so production ends by Monday
  // 16th's close.
  ASSERT_NE(Find(ms, "step:pre-launch"), nullptr);
  EXPECT_EQ(Find(ms, "step:pre-launch")->due_us,
            *ParseTimestamp("2026-03-27T18:00:00+07:00"));
  EXPECT_EQ(Find(ms, "step:pre-launch")->kind, "step");
  EXPECT_EQ(Find(ms, "step:content-approval")->due_us,
            *ParseTimestamp("2026-03-25T18:00:00+07:00"));
  ASSERT_NE(Find(ms, "step:asset-spec-check"), nullptr);
  EXPECT_EQ(Find(ms, "step:asset-spec-check")->due_us,
            *ParseTimestamp("2026-03-16T18:00:00+07:00"));
  // After the launch, forward.
  ASSERT_NE(Find(ms, "step:reporting"), nullptr);
  EXPECT_EQ(Find(ms, "step:reporting")->kind, "after-launch");
  EXPECT_GT(Find(ms, "step:reporting")->due_us, Find(ms, "launch")->due_us);
  EXPECT_TRUE(std::is_sorted(ms.begin(), ms.end(),
                             [](const Milestone& a, const Milestone& b) {
                               return a.due_us < b.due_us;
                             }));
}

TEST(PlanLaunchTest, WarnsWhenTheLaunchIsTooSoon) {
  // Asked on Monday 2 March for a launch four weeks later: the six-week
  // brief deadline has passed.
  const int64_t now = *ParseTimestamp("2026-03-02T10:00:00+07:00");
  Result<LaunchPlan> plan =
      PlanLaunch(ExampleSop(), "product-launch", "2026-03-30", now);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_FALSE(plan->feasible);
  ASSERT_FALSE(plan->warnings.empty());
  EXPECT_THAT(plan->warnings,
              Contains(HasSubstr("the Campaign brief reviewed deadline would "
                                 "be 2026-02-")));
  EXPECT_THAT(plan->warnings, Contains(HasSubstr("business days ago")));
  EXPECT_GT(plan->earliest_launch, "2026-03-30");
}

TEST(PlanLaunchTest, FarEnoughAheadIsFeasible) {
  Result<LaunchPlan> plan =
      PlanLaunch(ExampleSop(), "product-launch", "2026-06-15", kJan5);
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_THAT(plan->warnings, IsEmpty());
  EXPECT_TRUE(plan->feasible) << plan->verdict;
}

TEST(PlanLaunchTest, RefusesUnknownTypesAndBadDates) {
  Result<LaunchPlan> plan =
      PlanLaunch(ExampleSop(), "product-lunch", "2026-06-15", kJan5);
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(plan.status().message(), HasSubstr("product-launch"));
  EXPECT_FALSE(
      PlanLaunch(ExampleSop(), "product-launch", "2026-13-01", kJan5).ok());
  EXPECT_FALSE(
      PlanLaunch(ExampleSop(), "product-launch", "15/06/2026", kJan5).ok());
}

CalendarCampaign Campaign(const std::string& id, const std::string& launch,
                          const std::vector<std::string>& channels) {
  CalendarCampaign c;
  c.campaign = id;
  c.campaign_type = "product-launch";
  c.title = "Campaign " + id;
  c.owner = "intan-permata";
  c.status = "active";
  c.version = 1;
  c.values = Values(launch, channels);
  return c;
}

bool HasConflict(const MarketingCalendar& cal, const std::string& kind,
                 const std::string& date) {
  return std::any_of(cal.conflicts.begin(), cal.conflicts.end(),
                     [&](const CalendarConflict& c) {
                       return c.kind == kind && c.date == date;
                     });
}

TEST(MarketingCalendarTest, FindsEveryConflictKind) {
  CalendarInputs in;
  in.now_us = kJan5;
  // Four launches on Monday 15 June: more than 3 a day; two on email.
  in.campaigns.push_back(Campaign("a", "2026-06-15", {"email"}));
  in.campaigns.push_back(Campaign("b", "2026-06-15", {"email"}));
  in.campaigns.push_back(Campaign("c", "2026-06-15", {"instagram"}));
  in.campaigns.push_back(Campaign("d", "2026-06-15", {"tiktok"}));
  // In the year-end freeze.
  in.campaigns.push_back(Campaign("e", "2026-12-22", {"youtube"}));
  // Independence Day, a holiday.
  in.campaigns.push_back(Campaign("f", "2026-08-17", {"website"}));
  // Cancelled campaigns clash with nothing.
  CalendarCampaign g = Campaign("g", "2026-06-15", {"email"});
  g.status = "cancelled";
  in.campaigns.push_back(g);
  // Every CRM specialist away on the day campaign a's emails are due.
  for (const sop::Person& p : ExampleSop().people) {
    if (std::find(p.roles.begin(), p.roles.end(), "crm-specialist") ==
        p.roles.end()) {
      continue;
    }
    store::Absence away;
    away.person = p.id;
    away.from_us = *ParseTimestamp("2026-06-12T00:00:00+07:00");
    away.until_us = *ParseTimestamp("2026-06-13T00:00:00+07:00");
    in.absences.push_back(away);
  }
  ASSERT_FALSE(in.absences.empty());

  Result<MarketingCalendar> cal =
      BuildMarketingCalendar(ExampleSop(), in, "2026-01-01", "2027-01-01");
  ASSERT_TRUE(cal.ok()) << cal.status().message();
  EXPECT_TRUE(HasConflict(*cal, "launches-per-day", "2026-06-15"));
  EXPECT_TRUE(HasConflict(*cal, "launches-per-channel", "2026-06-15"));
  EXPECT_TRUE(HasConflict(*cal, "freeze", "2026-12-22"));
  EXPECT_TRUE(HasConflict(*cal, "not-working-day", "2026-08-17"));
  EXPECT_TRUE(HasConflict(*cal, "absent", "2026-06-12"));
  for (const CalendarConflict& c : cal->conflicts) {
    EXPECT_THAT(c.campaigns, testing::Not(Contains("g"))) << c.message;
    if (c.kind == "launches-per-day") {
      EXPECT_EQ(c.campaigns, (std::vector<std::string>{"a", "b", "c", "d"}));
      EXPECT_THAT(c.message, HasSubstr("move 1"));
    }
    if (c.kind == "launches-per-channel") {
      EXPECT_EQ(c.campaigns, (std::vector<std::string>{"a", "b"}));
      EXPECT_THAT(c.message, HasSubstr("email"));
    }
  }
  // Three launches a day, one per channel: no clash.
  in.campaigns.erase(in.campaigns.begin() + 1);  // b
  in.absences.clear();
  cal = BuildMarketingCalendar(ExampleSop(), in, "2026-06-01", "2026-07-01");
  ASSERT_TRUE(cal.ok());
  EXPECT_THAT(cal->conflicts, IsEmpty());
}

TEST(MarketingCalendarTest, StatusFromTasksAndRange) {
  CalendarInputs in;
  in.now_us = *ParseTimestamp("2026-06-10T12:00:00+07:00");
  in.campaigns.push_back(Campaign("a", "2026-06-15", {"email"}));
  store::TaskRecord done;
  done.task = "a/content-approval";
  done.campaign = "a";
  done.step = "content-approval";
  done.status = "done";
  in.tasks.push_back(done);
  Result<MarketingCalendar> cal =
      BuildMarketingCalendar(ExampleSop(), in, "2026-06-01", "2026-06-16");
  ASSERT_TRUE(cal.ok());
  std::string content, email, launch;
  for (const CalendarItem& item : cal->items) {
    if (item.milestone.id == "step:content-approval") {
      content = item.milestone.status;
    }
    if (item.milestone.id == "email-scheduled") email = item.milestone.status;
    if (item.milestone.id == "launch") launch = item.milestone.status;
    EXPECT_GE(item.milestone.date, "2026-06-01");
    EXPECT_LT(item.milestone.date, "2026-06-16");
  }
  EXPECT_EQ(content, "done");
  EXPECT_EQ(email, "open");  // 12 June, after now
  EXPECT_EQ(launch, "open");
  EXPECT_FALSE(
      BuildMarketingCalendar(ExampleSop(), in, "2026-06-16", "2026-06-01")
          .ok());
  EXPECT_FALSE(
      BuildMarketingCalendar(ExampleSop(), in, "2026-06-xx", "2026-07-01")
          .ok());
}

TEST(MarketingCalendarTest, SequenceGrowsWhenAnItemChanges) {
  CalendarInputs in;
  in.now_us = kJan5;
  in.campaigns.push_back(Campaign("a", "2026-06-15", {"email"}));
  in.campaigns[0].step_sequence["content-approval"] = 7;
  auto sequences = [&] {
    std::map<std::string, int64_t> out;
    Result<MarketingCalendar> cal =
        BuildMarketingCalendar(ExampleSop(), in, "2026-01-01", "2027-01-01");
    EXPECT_TRUE(cal.ok());
    for (const CalendarItem& item : cal->items) {
      out[item.milestone.id] = item.sequence;
    }
    return out;
  };
  std::map<std::string, int64_t> before = sequences();
  EXPECT_EQ(before["step:content-approval"], 6);
  EXPECT_EQ(before["launch"], 0);
  // The content approval is decided (event 12), then the launch is done
  // (event 20): their items change, and so do the pre-launch ones whose
  // status follows the launch; after-launch items stay.
  in.campaigns[0].step_sequence["content-approval"] = 12;
  in.campaigns[0].step_sequence["launch-day"] = 20;
  std::map<std::string, int64_t> after = sequences();
  EXPECT_EQ(after["step:content-approval"], 19);
  EXPECT_GT(after["launch"], before["launch"]);
  EXPECT_GT(after["email-scheduled"], before["email-scheduled"]);
  EXPECT_EQ(after["step:reporting"], before["step:reporting"]);
  // Cancelling changes every item.
  in.campaigns[0].status = "cancelled";
  in.campaigns[0].status_sequence = 25;
  CalendarOptions options;
  options.include_ended = true;
  Result<MarketingCalendar> cal = BuildMarketingCalendar(
      ExampleSop(), in, "2026-01-01", "2027-01-01", options);
  ASSERT_TRUE(cal.ok());
  ASSERT_FALSE(cal->items.empty());
  for (const CalendarItem& item : cal->items) {
    EXPECT_EQ(item.sequence, 24) << item.milestone.id;
  }
  // And the feed says so.
  ICalFeed feed;
  feed.name = "test";
  feed.stamp_us = kJan5;
  feed.items = cal->items;
  Result<std::string> ics = WriteICalendar(feed);
  ASSERT_TRUE(ics.ok());
  EXPECT_THAT(*ics, HasSubstr("SEQUENCE:24"));
  EXPECT_THAT(*ics, HasSubstr("STATUS:CANCELLED"));
  EXPECT_THAT(*ics, HasSubstr("UID:a/launch@livesop"));
  EXPECT_THAT(*ics, HasSubstr("DTSTART;VALUE=DATE:20260615"));
  EXPECT_THAT(*ics, HasSubstr("RELATED-TO:a@livesop"));
}

}  // namespace
}  // namespace livesop::engine

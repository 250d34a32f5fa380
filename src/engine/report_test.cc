// The department report on campaigns driven through the engine on the
// example SOP with a fake clock: one launched on time and completed 100 days
// after its submission, one launched two days late, one sent back at its
// internal review and approved partly on WhatsApp, one cancelled, and two
// left at their first step. Expected figures are worked out by hand from
// the times the test sets, not taken from the output.
#include "engine/report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/time.h"
#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::HasSubstr;

constexpr int64_t kHour = int64_t{3600} * 1000000;
constexpr int64_t kDay = 24 * kHour;

const CampaignFigures* Find(const DepartmentReport& r, const std::string& id) {
  for (const CampaignFigures& c : r.campaigns) {
    if (c.campaign == id) return &c;
  }
  return nullptr;
}

const ApprovalFigures* Step(const DepartmentReport& r,
                            const std::string& step) {
  for (const ApprovalFigures& a : r.approvals) {
    if (a.step == step) return &a;
  }
  return nullptr;
}

const ApprovalFigures* Role(const ApprovalFigures& step,
                            const std::string& role) {
  for (const ApprovalFigures& a : step.roles) {
    if (a.role == role) return &a;
  }
  return nullptr;
}

TEST(ReportPercentileTest, InterpolatesBetweenTheClosestRanks) {
  EXPECT_DOUBLE_EQ(Percentile({4, 1, 3, 2}, 0.5), 2.5);
  EXPECT_DOUBLE_EQ(Percentile({4, 1, 3, 2}, 0.9), 3.7);
  EXPECT_DOUBLE_EQ(Percentile({1, 2, 3, 4, 5}, 0.5), 3);
  EXPECT_DOUBLE_EQ(Percentile({7}, 0.9), 7);
  EXPECT_DOUBLE_EQ(Percentile({}, 0.5), 0);
  const DurationStats s = StatsOf({10, 0, 5});
  EXPECT_EQ(s.count, 3);
  EXPECT_DOUBLE_EQ(s.median, 5);
  EXPECT_DOUBLE_EQ(s.p90, 9);
  EXPECT_DOUBLE_EQ(s.min, 0);
  EXPECT_DOUBLE_EQ(s.max, 10);
}

class ReportTest : public EngineFixture {
 protected:
  Result<CampaignState> Submit(const std::string& id, const std::string& type,
                               const std::string& launch,
                               const std::string& end) {
    SubmitCommand command;
    command.campaign = id;
    command.campaign_type = type;
    command.title = "Campaign " + id;
    command.actor = PersonFor("campaign-manager");
    command.values = ValidLaunch(command.actor);
    command.values["campaign_type"] = type;
    command.values["launch_date"] = launch;
    command.values["end_date"] = end;
    return engine_->Submit(command);
  }

  // Decides the approval or review the campaign waits for first, as the
  // first person awaited.
  CampaignState DecideFirst(const CampaignState& state, Verdict verdict) {
    const std::vector<Awaited> awaited = engine_->AwaitedNow(state);
    EXPECT_FALSE(awaited.empty());
    if (awaited.empty()) return state;
    EXPECT_TRUE(awaited.front().decision) << awaited.front().step;
    Result<CampaignState> next =
        engine_->Decide(state.campaign, awaited.front().step,
                        awaited.front().people.front(), verdict, "");
    EXPECT_TRUE(next.ok()) << next.status().ToString();
    return next.ok() ? *next : state;
  }

  // Six campaigns, five product launches and one always-on, each budgeted
  // at IDR 50 million (see the file comment). The clock ends at
  // 2026-04-11T00:00Z, 100 days after the submissions.
  void DriveSixCampaigns() {
    const int64_t t0 = clock_.NowMicros();  // 2026-01-01T00:00Z
    for (const char* id : {"a", "b", "d", "e"}) {
      ASSERT_TRUE(
          Submit(id, "product-launch", "2026-04-01", "2026-04-30").ok());
    }
    ASSERT_TRUE(Submit("c", "product-launch", "2026-05-04", "2026-05-31").ok());
    ASSERT_TRUE(Submit("f", "always-on", "2026-04-01", "2026-04-30").ok());
    const std::string owner = PersonFor("campaign-manager");

    // a: launched at once, well before 1 April; waits at its review.
    Result<CampaignState> a = engine_->Load("a");
    ASSERT_TRUE(a.ok());
    CampaignState sa = Until(*a, "performance-review");
    ASSERT_TRUE(engine_->RecordSpend("a", owner, 60'000'000, "media").ok());

    // d: spends, then is cancelled before any work.
    ASSERT_TRUE(engine_->RecordSpend("d", owner, 10'000'000, "deposit").ok());
    ASSERT_TRUE(engine_->Cancel("d", owner, "budget moved").ok());

    // c: its brief is sent back after 2 hours, approved an hour after it
    // came back; one campaign approval is given on WhatsApp half an hour
    // before the others, an hour after the approval was asked for.
    Result<CampaignState> c = engine_->Load("c");
    ASSERT_TRUE(c.ok());
    CampaignState sc = Until(*c, "internal-review");
    clock_.Set(t0 + 2 * kHour);
    sc = DecideFirst(sc, Verdict::kRequestChanges);
    sc = Until(sc, "internal-review");
    clock_.Set(t0 + 3 * kHour);
    sc = DecideFirst(sc, Verdict::kApprove);
    sc = Until(sc, "campaign-approval");
    clock_.Set(t0 + 4 * kHour);
    InformalApproval ok;
    ok.approver = PersonFor("brand-manager");
    ok.channel = "whatsapp";
    ok.occurred_us = t0 + 3 * kHour + kHour / 2;
    Departure recorded;
    recorded.actor = PersonFor("marketing-ops-lead");
    recorded.reason = "approved on WhatsApp";
    Result<CampaignState> informal =
        engine_->RecordInformalApproval("c", "campaign-approval", ok, recorded);
    ASSERT_TRUE(informal.ok()) << informal.status().ToString();
    sc = Until(*informal, "launch-day");

    // b: reaches its launch day, spends twice, launches on 3 April, two
    // days late (10:00 in Jakarta).
    Result<CampaignState> b = engine_->Load("b");
    ASSERT_TRUE(b.ok());
    CampaignState sb = Until(*b, "launch-day");
    ASSERT_TRUE(engine_->RecordSpend("b", owner, 20'000'000, "agency").ok());
    ASSERT_TRUE(engine_->RecordSpend("b", owner, 5'000'000, "ads").ok());
    clock_.Set(*ParseTimestamp("2026-04-03T10:00:00+07:00"));
    sb = Until(sb, "live-period");

    // a: its performance review approves it 100 days after submission.
    clock_.Set(t0 + 100 * kDay);
    sa = DecideFirst(sa, Verdict::kApprove);
    ASSERT_EQ(sa.status, "completed");
  }

  Result<DepartmentReport> Report(ReportOptions options = {}) {
    options.now_us = clock_.NowMicros();
    return BuildDepartmentReport(*store_, ExampleSop(), options);
  }
};

TEST_F(ReportTest, CountsLaunchesCycleTimesApprovalsAndSpend) {
  ASSERT_NO_FATAL_FAILURE(DriveSixCampaigns());
  Result<DepartmentReport> report = Report();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  const DepartmentReport& r = *report;
  EXPECT_EQ(r.campaigns_in_store, 6);
  EXPECT_EQ(r.currency, "IDR");
  ASSERT_EQ(r.campaigns.size(), 6u);

  // 1. Status, overall and by type.
  EXPECT_EQ(r.status, (StatusCounts{6, 4, 1, 0, 1}));
  ASSERT_EQ(r.types.size(), 2u);
  EXPECT_EQ(r.types[0].campaign_type, "always-on");
  EXPECT_EQ(r.types[0].status, (StatusCounts{1, 1, 0, 0, 0}));
  EXPECT_EQ(r.types[1].campaign_type, "product-launch");
  EXPECT_EQ(r.types[1].status, (StatusCounts{5, 3, 1, 0, 1}));

  // 2. Launches against 1 April (c: 4 May); now is 11 April.
  EXPECT_EQ(Find(r, "a")->launch, LaunchStatus::kOnTime);
  EXPECT_EQ(Find(r, "a")->launched_date, "2026-01-01");
  EXPECT_EQ(Find(r, "a")->launch_step, "launch-day");
  EXPECT_EQ(Find(r, "b")->launch, LaunchStatus::kLate);
  EXPECT_EQ(Find(r, "b")->launched_date, "2026-04-03");
  EXPECT_EQ(Find(r, "b")->days_late, 2);
  EXPECT_EQ(Find(r, "c")->launch, LaunchStatus::kNotYet);
  EXPECT_EQ(Find(r, "d")->launch, LaunchStatus::kNeverLaunched);
  EXPECT_EQ(Find(r, "e")->launch, LaunchStatus::kOverdue);
  EXPECT_EQ(Find(r, "f")->launch, LaunchStatus::kOverdue);
  EXPECT_EQ(r.launch.on_time, 1);
  EXPECT_EQ(r.launch.late, 1);
  EXPECT_EQ(r.launch.not_yet, 1);
  EXPECT_EQ(r.launch.overdue, 2);
  EXPECT_EQ(r.launch.never_launched, 1);
  EXPECT_EQ(r.launch.no_launch_date, 0);
  ASSERT_TRUE(r.launch.on_time_share.has_value());
  EXPECT_DOUBLE_EQ(*r.launch.on_time_share, 0.5);
  EXPECT_EQ(r.launch.days_late.count, 1);
  EXPECT_DOUBLE_EQ(r.launch.days_late.median, 2);
  EXPECT_FALSE(r.types[0].launch.on_time_share.has_value());

  // 3. Cycle time: a only, 100 days; the active four and d counted.
  EXPECT_EQ(r.cycle.days.count, 1);
  EXPECT_DOUBLE_EQ(r.cycle.days.median, 100);
  EXPECT_DOUBLE_EQ(r.cycle.days.p90, 100);
  EXPECT_DOUBLE_EQ(r.cycle.days.min, 100);
  EXPECT_DOUBLE_EQ(r.cycle.days.max, 100);
  EXPECT_EQ(r.cycle.open, 4);
  EXPECT_EQ(r.cycle.rejected_or_cancelled, 1);
  ASSERT_TRUE(Find(r, "a")->cycle_days.has_value());
  EXPECT_DOUBLE_EQ(*Find(r, "a")->cycle_days, 100);
  EXPECT_FALSE(Find(r, "b")->cycle_days.has_value());

  // 4. Approvals. Internal review: a and b at once, c after 2 h (sent
  // back) and 1 h: [0, 0, 1, 2] hours.
  const ApprovalFigures* review = Step(r, "internal-review");
  ASSERT_NE(review, nullptr);
  EXPECT_EQ(review->name, "Internal review of the brief");
  EXPECT_EQ(review->decisions, 4);
  EXPECT_EQ(review->hours.count, 4);
  EXPECT_DOUBLE_EQ(review->hours.median, 0.5);
  EXPECT_DOUBLE_EQ(review->hours.p90, 1.7);
  EXPECT_DOUBLE_EQ(review->hours.max, 2);
  EXPECT_EQ(review->approved, 3);
  EXPECT_EQ(review->changes_requested, 1);
  EXPECT_EQ(review->campaigns, 3);
  EXPECT_EQ(review->campaigns_with_revisions, 1);
  EXPECT_EQ(review->informal, 0);
  // Campaign approval: five roles each on a, b and c (brand, campaign
  // lead and Marketing Ops lead for a medium budget, product accuracy, CRM
  // for email); on c one informal after half an hour, four after an hour:
  // ten zeros, 0.5 and four ones.
  const ApprovalFigures* approval = Step(r, "campaign-approval");
  ASSERT_NE(approval, nullptr);
  EXPECT_EQ(approval->decisions, 15);
  EXPECT_EQ(approval->informal, 1);
  EXPECT_DOUBLE_EQ(approval->hours.median, 0);
  EXPECT_DOUBLE_EQ(approval->hours.p90, 1);
  EXPECT_EQ(approval->changes_requested, 0);
  ASSERT_EQ(approval->roles.size(), 5u);
  EXPECT_EQ(approval->campaigns, 3);
  const ApprovalFigures* brand = Role(*approval, "brand-manager");
  ASSERT_NE(brand, nullptr);
  EXPECT_EQ(brand->decisions, 3);
  EXPECT_EQ(brand->informal, 1);
  EXPECT_DOUBLE_EQ(brand->hours.max, 0.5);
  EXPECT_DOUBLE_EQ(brand->hours.p90, 0.4);
  const ApprovalFigures* lead = Role(*approval, "campaign-lead");
  ASSERT_NE(lead, nullptr);
  EXPECT_EQ(lead->informal, 0);
  EXPECT_DOUBLE_EQ(lead->hours.max, 1);
  // The performance review of a: asked at once, decided 100 days later.
  const ApprovalFigures* performance = Step(r, "performance-review");
  ASSERT_NE(performance, nullptr);
  EXPECT_EQ(performance->decisions, 1);
  EXPECT_DOUBLE_EQ(performance->hours.median, 2400);
  // In the SOP's order: the internal review comes first.
  EXPECT_EQ(r.approvals.front().step, "internal-review");
  EXPECT_EQ(Find(r, "c")->informal, 1);
  EXPECT_EQ(Find(r, "c")->changes_requested, 1);
  EXPECT_EQ(Find(r, "e")->decisions, 0);

  // 5. Spend against IDR 50 million each.
  const CampaignFigures& fa = *Find(r, "a");
  ASSERT_TRUE(fa.budget.has_value());
  EXPECT_DOUBLE_EQ(*fa.budget, 50'000'000);
  EXPECT_DOUBLE_EQ(fa.spent, 60'000'000);
  EXPECT_DOUBLE_EQ(*fa.remaining, -10'000'000);
  EXPECT_DOUBLE_EQ(*fa.used_pct, 120);
  EXPECT_TRUE(fa.over_budget);
  EXPECT_DOUBLE_EQ(Find(r, "b")->spent, 25'000'000);
  EXPECT_DOUBLE_EQ(*Find(r, "b")->used_pct, 50);
  EXPECT_FALSE(Find(r, "b")->over_budget);
  EXPECT_DOUBLE_EQ(Find(r, "d")->spent, 10'000'000);
  EXPECT_DOUBLE_EQ(Find(r, "e")->spent, 0);
  EXPECT_EQ(r.spend.campaigns, 6);
  EXPECT_EQ(r.spend.with_budget, 6);
  EXPECT_DOUBLE_EQ(r.spend.budget, 300'000'000);
  EXPECT_DOUBLE_EQ(r.spend.spent, 95'000'000);
  EXPECT_DOUBLE_EQ(r.spend.remaining, 205'000'000);
  EXPECT_DOUBLE_EQ(*r.spend.used_pct, 95.0 / 3);
  EXPECT_EQ(r.spend.over_budget, 1);
  EXPECT_DOUBLE_EQ(r.types[1].spend.budget, 250'000'000);
  EXPECT_DOUBLE_EQ(r.types[1].spend.spent, 95'000'000);
  EXPECT_DOUBLE_EQ(r.types[0].spend.spent, 0);
}

TEST_F(ReportTest, APeriodTakesLaunchDatesAndSubmissions) {
  ASSERT_NO_FATAL_FAILURE(DriveSixCampaigns());
  ReportOptions may;  // only c launches in May; nothing was submitted then
  may.from = "2026-05-01";
  may.to = "2026-05-31";
  Result<DepartmentReport> r = Report(may);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->campaigns.size(), 1u);
  EXPECT_EQ(r->campaigns[0].campaign, "c");
  EXPECT_EQ(r->campaigns_in_store, 6);
  // Every approval of c, whenever decided, and only c's.
  ASSERT_NE(Step(*r, "internal-review"), nullptr);
  EXPECT_EQ(Step(*r, "internal-review")->decisions, 2);

  ReportOptions new_year;  // every submission, both bounds included
  new_year.from = "2026-01-01";
  new_year.to = "2026-01-01";
  r = Report(new_year);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->campaigns.size(), 6u);

  ReportOptions february;
  february.from = "2026-02-01";
  february.to = "2026-02-28";
  r = Report(february);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->campaigns.empty());
  EXPECT_EQ(r->status.total, 0);
  EXPECT_TRUE(r->approvals.empty());

  ReportOptions open_ended;  // from 2 April on: only c's 4 May
  open_ended.from = "2026-04-02";
  r = Report(open_ended);
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->campaigns.size(), 1u);
  EXPECT_EQ(r->campaigns[0].campaign, "c");

  ReportOptions always_on;
  always_on.campaign_type = "always-on";
  r = Report(always_on);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->campaigns_in_store, 1);
  ASSERT_EQ(r->campaigns.size(), 1u);
  EXPECT_EQ(r->campaigns[0].campaign, "f");
}

TEST_F(ReportTest, RefusesABadPeriodAndAnUnknownType) {
  ReportOptions bad;
  bad.from = "2026-13-01";
  Result<DepartmentReport> r = Report(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("--from \"2026-13-01\""));
  bad.from = "";
  bad.to = "1 April";
  r = Report(bad);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("--to"));
  ReportOptions reversed;
  reversed.from = "2026-05-01";
  reversed.to = "2026-04-01";
  r = Report(reversed);
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("is after --to"));
  ReportOptions unknown;
  unknown.campaign_type = "product-lunch";
  r = Report(unknown);
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr("--type \"product-lunch\""));
  EXPECT_THAT(r.status().message(), HasSubstr("\"product-launch\""));
}

TEST_F(ReportTest, AnEmptyStoreIsAnEmptyReport) {
  Result<DepartmentReport> r = Report();
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->campaigns_in_store, 0);
  EXPECT_TRUE(r->campaigns.empty());
  EXPECT_TRUE(r->types.empty());
  EXPECT_EQ(r->status.total, 0);
  EXPECT_FALSE(r->launch.on_time_share.has_value());
  EXPECT_EQ(r->cycle.days.count, 0);
  EXPECT_FALSE(r->spend.used_pct.has_value());
  const nlohmann::json json = DepartmentReportToJson(*r);
  EXPECT_EQ(json["campaigns_in_store"], 0);
  EXPECT_TRUE(json["launch"]["on_time_share"].is_null());
  EXPECT_EQ(DepartmentReportToCsv(*r).find("\r\n"),
            DepartmentReportToCsv(*r).size() - 2);  // the header only
}

TEST_F(ReportTest, WritesJsonAndOneCsvRowPerCampaign) {
  ASSERT_NO_FATAL_FAILURE(DriveSixCampaigns());
  Result<DepartmentReport> r = Report();
  ASSERT_TRUE(r.ok());
  const nlohmann::json json = DepartmentReportToJson(*r);
  EXPECT_EQ(json["status"]["total"], 6);
  EXPECT_EQ(json["launch"]["on_time_share"], 0.5);
  EXPECT_EQ(json["campaigns"].size(), 6u);
  EXPECT_EQ(json["campaigns"][1]["campaign"], "b");
  EXPECT_EQ(json["campaigns"][1]["launch_status"], "late");
  EXPECT_EQ(json["campaigns"][1]["days_late"], 2);
  EXPECT_TRUE(json["campaigns"][4]["cycle_days"].is_null());
  EXPECT_TRUE(json["period"]["from"].is_null());
  EXPECT_EQ(json["approvals"][0]["roles"][0]["role"], "campaign-lead");

  const std::string csv = DepartmentReportToCsv(*r);
  std::vector<std::string> lines;
  for (size_t at = 0; at < csv.size();) {
    const size_t end = csv.find("\r\n", at);
    ASSERT_NE(end, std::string::npos);
    lines.push_back(csv.substr(at, end - at));
    at = end + 2;
  }
  ASSERT_EQ(lines.size(), 7u);
  EXPECT_THAT(lines[0], testing::StartsWith("campaign,campaign_type,title,"));
  EXPECT_THAT(lines[1], testing::StartsWith("a,product-launch,Campaign a,"
                                            "completed,"));
  EXPECT_THAT(lines[1], HasSubstr(",2026-04-01,2026-01-01,on_time,0,100,"));
  EXPECT_THAT(lines[1], HasSubstr(",50000000,60000000,-10000000,120,true,IDR"));
  EXPECT_THAT(lines[2], HasSubstr(",late,2,,"));
}

}  // namespace
}  // namespace livesop::engine

// The route preview on the example department: the steps and approvers a
// request will get, decided as the engine decides, and the earliest launch
// with every constraint that set it.
#include "engine/route.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "core/time.h"
#include "engine/facts.h"
#include "engine/sample.h"
#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::Contains;
using testing::HasSubstr;
using testing::Not;

const int64_t kNow = *ParseTimestamp("2026-01-05T02:00:00Z");  // Monday
constexpr int64_t kDay = int64_t{86400} * 1'000'000;

class RouteTest : public testing::Test {
 protected:
  nlohmann::json Request(const std::string& type) {
    return SampleRequest(ExampleSop(), type, kNow, calendar_);
  }
  RoutePreview Preview(const nlohmann::json& values,
                       const sop::Definition& sop = ExampleSop(),
                       const std::string& type = "product-launch") {
    Result<RoutePreview> preview =
        PreviewRoute(sop, type, values, kNow, calendar_);
    EXPECT_TRUE(preview.ok()) << preview.status().ToString();
    return preview.ok() ? *preview : RoutePreview();
  }
  static std::vector<std::string> Steps(const RoutePreview& p) {
    std::vector<std::string> out;
    for (const RouteStep& s : p.steps) out.push_back(s.step);
    return out;
  }
  static const RouteStep* StepOf(const RoutePreview& p, const std::string& id) {
    for (const RouteStep& s : p.steps) {
      if (s.step == id) return &s;
    }
    return nullptr;
  }

  const WorkCalendar calendar_ = DefaultCalendar(ExampleSop());
};

TEST_F(RouteTest, AStandardLaunchGoesThroughTheMatrixApproval) {
  nlohmann::json values = Request("product-launch");
  values["budget"] = 25'000'000;  // small
  values["channels"] = {"instagram"};
  const RoutePreview p = Preview(values);
  ASSERT_TRUE(p.problems.empty()) << p.problems.front();
  EXPECT_EQ(p.process, "campaign-delivery");
  const std::vector<std::string> steps = Steps(p);
  ASSERT_GE(steps.size(), 10u);
  EXPECT_EQ(steps[0], "plan");
  EXPECT_EQ(steps[1], "internal-review");
  EXPECT_THAT(steps, Contains("campaign-approval"));
  EXPECT_THAT(steps, Not(Contains("fast-track-approval")));
  EXPECT_THAT(steps, Not(Contains("finance-approval")));
  // Both production branches, and the work after the launch.
  EXPECT_THAT(steps, Contains("write-copy"));
  EXPECT_THAT(steps, Contains("asset-production"));
  EXPECT_THAT(steps, Contains("performance-review"));
  // The matrix asks the brand manager for every campaign and the campaign
  // lead for a small budget.
  const RouteStep* approval = StepOf(p, "campaign-approval");
  ASSERT_NE(approval, nullptr);
  std::vector<std::string> rules;
  for (const ApproverGroup& g : approval->approvers) rules.push_back(g.rule);
  EXPECT_THAT(rules, Contains("brand-fit"));
  EXPECT_THAT(rules, Contains("small-budget"));
  EXPECT_THAT(p.decisions, Contains(HasSubstr("route-approval")));
  // Each step starts when the one before it is due.
  EXPECT_EQ(p.steps[1].starts_us, p.steps[0].due_us);
  EXPECT_EQ(p.steps[0].due_us, calendar_.AddWorkingDays(kNow, 5));  // 5d
  EXPECT_TRUE(p.intake.ok());
}

TEST_F(RouteTest, AnUrgentRequestTakesTheFastTrackAndALargeOneFinance) {
  nlohmann::json urgent = Request("product-launch");
  urgent["budget"] = 25'000'000;
  urgent["urgent"] = true;
  urgent["urgency_reason"] = "competitor launch";
  const RoutePreview fast = Preview(urgent);
  EXPECT_THAT(Steps(fast), Contains("fast-track-approval"));
  EXPECT_THAT(Steps(fast), Not(Contains("campaign-approval")));
  EXPECT_THAT(fast.decisions, Contains(HasSubstr("urgent")));

  nlohmann::json large = Request("product-launch");
  large["budget"] = 400'000'000;
  const RoutePreview finance = Preview(large);
  const std::vector<std::string> steps = Steps(finance);
  ASSERT_THAT(steps, Contains("finance-approval"));
  const RouteStep* step = StepOf(finance, "finance-approval");
  ASSERT_EQ(step->approvers.size(), 1u);
  EXPECT_THAT(step->approvers[0].roles, Contains("finance-ops"));
  // Finance first, then the matrix, whose large-budget rule asks in turn.
  EXPECT_LT(std::find(steps.begin(), steps.end(), "finance-approval"),
            std::find(steps.begin(), steps.end(), "campaign-approval"));
  bool sequential = false;
  for (const ApproverGroup& g :
       StepOf(finance, "campaign-approval")->approvers) {
    sequential = sequential || (g.rule == "large-budget" &&
                                g.mode == sop::ApprovalMode::kSequential);
  }
  EXPECT_TRUE(sequential);
}

TEST_F(RouteTest, TheEarliestLaunchMeetsLeadTimeApprovalsAndDeadlines) {
  const RoutePreview p = Preview(Request("product-launch"));
  ASSERT_FALSE(p.earliest_launch.empty());
  const sop::CampaignType& type = ExampleSop().campaign_types.front();
  ASSERT_EQ(type.id, "product-launch");
  ASSERT_TRUE(type.lead_time);
  const int64_t launch = *ParseTimestamp(p.earliest_launch);
  EXPECT_GE(launch, BusinessTimeOn(calendar_)(kNow, *type.lead_time) - kDay);
  EXPECT_GE(launch + kDay, StepOf(p, "campaign-approval")->due_us);
  // The brief must be reviewed six weeks before the launch.
  const RouteStep* review = StepOf(p, "internal-review");
  ASSERT_NE(review, nullptr);
  EXPECT_GE(launch + kDay, calendar_.AddWorkingDays(review->due_us, 30));
  EXPECT_THAT(p.launch_constraints, Contains(HasSubstr("lead time")));
  EXPECT_THAT(p.launch_constraints, Contains(HasSubstr("internal-review")));
  EXPECT_THAT(p.launch_constraints, Contains(HasSubstr("every approval")));
  // A working day.
  const int64_t midnight = *calendar_.StartOfLocalDate(p.earliest_launch);
  EXPECT_EQ(calendar_.LocalDate(calendar_.NextWorkingInstant(midnight)),
            p.earliest_launch);
}

TEST_F(RouteTest, AFreezeAndAWeekendMoveTheLaunch) {
  const RoutePreview first = Preview(Request("product-launch"));
  // A freeze from the earliest date to the Friday after it.
  using std::chrono::days;
  using std::chrono::sys_days;
  const auto from =
      sys_days{days{*ParseTimestamp(first.earliest_launch) / kDay}};
  auto friday = from;
  while (std::chrono::weekday{friday} != std::chrono::Friday) friday += days{1};
  const auto monday = friday + days{3};
  auto day_text = [](sys_days d) {
    return FormatTimestamp(d.time_since_epoch().count() * kDay).substr(0, 10);
  };
  sop::Definition frozen = ExampleSop();
  ASSERT_TRUE(frozen.calendar);
  sop::FreezePeriod freeze;
  freeze.name = "Test freeze";
  freeze.from = day_text(from);
  freeze.to = day_text(friday);
  frozen.calendar->freeze_periods = {freeze};
  const RoutePreview moved = Preview(Request("product-launch"), frozen);
  EXPECT_EQ(moved.earliest_launch, day_text(monday));
  EXPECT_THAT(moved.launch_constraints, Contains(HasSubstr("Test freeze")));
  EXPECT_THAT(moved.launch_constraints,
              Contains(HasSubstr("is not a working day")));
}

TEST_F(RouteTest, ARequestedLaunchTooEarlyIsSaid) {
  nlohmann::json values = Request("product-launch");
  const RoutePreview p = Preview(values);
  EXPECT_TRUE(p.requested_launch_feasible) << values["launch_date"];
  values["launch_date"] = FormatTimestamp(kNow + 7 * kDay).substr(0, 10);
  const RoutePreview early = Preview(values);
  EXPECT_FALSE(early.requested_launch_feasible);
  EXPECT_FALSE(early.intake.ok());  // the lead time refuses it too
}

TEST_F(RouteTest, AnApprovalWithoutApproversIsAProblemNotACrash) {
  sop::Definition broken = ExampleSop();
  for (sop::ApprovalMatrix& m : broken.approval_matrices) {
    if (m.id == "content-approval") m.rules.clear();
  }
  const RoutePreview p = Preview(Request("product-launch"), broken);
  ASSERT_FALSE(p.problems.empty());
  EXPECT_THAT(p.problems[0], HasSubstr("content-approval"));
  EXPECT_THAT(Steps(p), Contains("content-approval"));
  EXPECT_EQ(PreviewRoute(ExampleSop(), "product-lunch", {}, kNow, calendar_)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(RouteTest, EveryCampaignTypeHasARoute) {
  for (const sop::CampaignType& type : ExampleSop().campaign_types) {
    const RoutePreview p = Preview(Request(type.id), ExampleSop(), type.id);
    EXPECT_TRUE(p.problems.empty()) << type.id << ": " << p.problems.front();
    EXPECT_GT(p.steps.size(), 3u) << type.id;
    EXPECT_FALSE(p.earliest_launch.empty()) << type.id;
    const nlohmann::json json = RoutePreviewToJson(p);
    EXPECT_EQ(json["steps"].size(), p.steps.size());
  }
}

}  // namespace
}  // namespace livesop::engine

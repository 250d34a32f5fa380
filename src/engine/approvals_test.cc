// Approval routing through the example department's matrices, and quorums.
#include "engine/approvals.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/test_util.h"
#include "sop/loader.h"

namespace livesop::engine {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;

class ApprovalsTest : public testing::Test {
 protected:
  static const sop::Step& StepOf(const std::string& process,
                                 const std::string& id) {
    for (const sop::Process& p : ExampleSop().processes) {
      if (p.id != process) continue;
      for (const sop::Step& s : p.steps) {
        if (s.id == id) return s;
      }
    }
    ADD_FAILURE() << process << "." << id << " not in the example";
    static const sop::Step none;
    return none;
  }

  static std::vector<std::string> Rules(const ApprovalPlan& plan) {
    std::vector<std::string> out;
    for (const ApproverGroup& g : plan.groups) out.push_back(g.rule);
    return out;
  }
};

TEST_F(ApprovalsTest, CollectMatrixGathersEveryMatchingRule) {
  const sop::Step& step = StepOf("campaign-delivery", "campaign-approval");
  auto plan = PlanApproval(ExampleSop(), step,
                           {"product-launch", "medium", {"email", "social"}});
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_THAT(Rules(*plan), ElementsAre("brand-fit", "medium-budget",
                                        "product-accuracy", "email-consent"));
  // Paid channels on a large budget: sequential leadership sign-off too.
  auto large =
      PlanApproval(ExampleSop(), step, {"seasonal", "large", {"youtube"}});
  ASSERT_TRUE(large.ok());
  EXPECT_THAT(Rules(*large),
              ElementsAre("brand-fit", "large-budget",
                          "seasonal-media-calendar", "paid-media"));
  EXPECT_EQ(large->groups[1].mode, sop::ApprovalMode::kSequential);
  EXPECT_THAT(large->groups[1].roles,
              ElementsAre("marketing-ops-lead", "head-of-marketing"));
}

TEST_F(ApprovalsTest, UniqueMatrixPicksOneRule) {
  const sop::Step& step = StepOf("campaign-delivery", "content-approval");
  auto product = PlanApproval(ExampleSop(), step,
                              {"product-launch", "medium", {"social"}});
  ASSERT_TRUE(product.ok()) << product.status().ToString();
  EXPECT_THAT(Rules(*product), ElementsAre("medium-product-content"));
  auto other =
      PlanApproval(ExampleSop(), step, {"always-on", "medium", {"social"}});
  ASSERT_TRUE(other.ok());
  EXPECT_THAT(Rules(*other), ElementsAre("medium-other-content"));
}

TEST_F(ApprovalsTest, StepApproversAndRefusals) {
  const sop::Step& finance = StepOf("campaign-delivery", "finance-approval");
  auto plan =
      PlanApproval(ExampleSop(), finance, {"product-launch", "large", {}});
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->groups.size(), 1u);
  EXPECT_THAT(plan->groups[0].roles, ElementsAre("finance-ops"));
  EXPECT_EQ(plan->groups[0].Needed(), 1);

  const sop::Step& task = StepOf("campaign-delivery", "plan");
  EXPECT_EQ(PlanApproval(ExampleSop(), task, {}).status().code(),
            StatusCode::kInvalidArgument);

  sop::Step unknown = finance;
  unknown.matrix = "no-such-matrix";
  auto missing = PlanApproval(ExampleSop(), unknown, {});
  EXPECT_EQ(missing.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(missing.status().message(), HasSubstr("no-such-matrix"));

  // A budget band no rule knows: refused, never an approval without
  // approvers.
  const sop::Step& content = StepOf("campaign-delivery", "content-approval");
  auto none =
      PlanApproval(ExampleSop(), content, {"product-launch", "enormous", {}});
  EXPECT_EQ(none.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(), HasSubstr("budget_band=enormous"));
}

ApprovalPlan Plan(std::vector<ApproverGroup> groups) {
  ApprovalPlan plan;
  plan.groups = std::move(groups);
  return plan;
}

ApproverGroup Group(std::vector<std::string> roles, sop::Quorum quorum,
                    int count = 0,
                    sop::ApprovalMode mode = sop::ApprovalMode::kParallel) {
  ApproverGroup g;
  g.roles = std::move(roles);
  g.quorum = quorum;
  g.quorum_count = count;
  g.mode = mode;
  return g;
}

TEST(ApprovalTallyTest, QuorumsDecide) {
  const ApprovalPlan two_of_three =
      Plan({Group({"head", "ops", "brand"}, sop::Quorum::kCount, 2)});
  EXPECT_EQ(Count(two_of_three, {}), Tally::kPending);
  EXPECT_EQ(Count(two_of_three, {{"head", "hana", Verdict::kApprove}}),
            Tally::kPending);
  // One rejection still leaves two who can approve.
  EXPECT_EQ(Count(two_of_three, {{"head", "hana", Verdict::kApprove},
                                 {"ops", "omar", Verdict::kReject}}),
            Tally::kPending);
  EXPECT_EQ(Count(two_of_three, {{"head", "hana", Verdict::kApprove},
                                 {"ops", "omar", Verdict::kReject},
                                 {"brand", "bea", Verdict::kApprove}}),
            Tally::kApproved);
  EXPECT_EQ(Count(two_of_three, {{"head", "hana", Verdict::kReject},
                                 {"ops", "omar", Verdict::kReject}}),
            Tally::kRejected);

  const ApprovalPlan all = Plan({Group({"lead", "ops"}, sop::Quorum::kAll),
                                 Group({"crm", "legal"}, sop::Quorum::kAny)});
  EXPECT_EQ(Count(all, {{"lead", "l", Verdict::kApprove},
                        {"ops", "o", Verdict::kApprove}}),
            Tally::kPending);  // the second group has not decided
  EXPECT_EQ(Count(all, {{"lead", "l", Verdict::kApprove},
                        {"ops", "o", Verdict::kApprove},
                        {"legal", "g", Verdict::kApprove}}),
            Tally::kApproved);
  EXPECT_EQ(Count(all, {{"lead", "l", Verdict::kReject}}), Tally::kRejected);
  EXPECT_EQ(Count(all, {{"lead", "l", Verdict::kApprove},
                        {"crm", "c", Verdict::kRequestChanges}}),
            Tally::kChangesRequested);
  // A later decision of the same role replaces the earlier one; decisions
  // of roles outside the plan do not count.
  EXPECT_EQ(Count(all, {{"lead", "l", Verdict::kReject},
                        {"lead", "l", Verdict::kApprove},
                        {"ops", "o", Verdict::kApprove},
                        {"intern", "i", Verdict::kReject},
                        {"crm", "c", Verdict::kApprove}}),
            Tally::kApproved);
}

TEST(ApprovalTallyTest, SequentialGroupsAskOneRoleAtATime) {
  const ApprovalPlan plan = Plan({Group({"ops", "head"}, sop::Quorum::kAll, 0,
                                        sop::ApprovalMode::kSequential),
                                  Group({"brand", "crm"}, sop::Quorum::kAll)});
  EXPECT_THAT(AwaitedRoles(plan, {}), ElementsAre("ops", "brand", "crm"));
  EXPECT_THAT(AwaitedRoles(plan, {{"ops", "o", Verdict::kApprove}}),
              ElementsAre("head", "brand", "crm"));
  EXPECT_THAT(AwaitedRoles(plan, {{"ops", "o", Verdict::kApprove},
                                  {"head", "h", Verdict::kApprove},
                                  {"brand", "b", Verdict::kApprove}}),
              ElementsAre("crm"));
  // A rejected sequential group asks no one further.
  EXPECT_THAT(AwaitedRoles(plan, {{"ops", "o", Verdict::kReject},
                                  {"brand", "b", Verdict::kApprove},
                                  {"crm", "c", Verdict::kApprove}}),
              IsEmpty());
}

}  // namespace
}  // namespace livesop::engine

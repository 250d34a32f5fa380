// SOP versions: campaigns stay on the version they started with; a
// migration maps their steps onto another version, checked, with a report
// of what could not be mapped.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::HasSubstr;

// The example SOP as version 2.0: the internal review is renamed
// `brief-review` and takes one day instead of two.
std::unique_ptr<sop::Definition> VersionTwo() {
  auto v2 = std::make_unique<sop::Definition>(ExampleSop());
  v2->sop.version = "2.0";
  for (sop::Process& p : v2->processes) {
    if (p.id != "campaign-delivery") continue;
    for (sop::Step& s : p.steps) {
      for (std::string* ref : {&s.id, &s.next, &s.on_approved, &s.on_rejected,
                               &s.on_changes_requested}) {
        if (*ref == "internal-review") *ref = "brief-review";
      }
      for (sop::Branch& b : s.branches) {
        if (b.next == "internal-review") b.next = "brief-review";
      }
      if (s.id == "brief-review") s.sla->amount = 1;
    }
  }
  return v2;
}

class MigrationTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    v2_ = VersionTwo();
  }

  // An engine that knows both versions, with `current` for new campaigns.
  std::unique_ptr<Engine> Both(const sop::Definition& current) {
    return std::make_unique<Engine>(
        *store_, current,
        std::vector<const sop::Definition*>{&ExampleSop(), v2_.get()}, clock_);
  }

  std::string TaskStatus(const std::string& task) {
    return TaskOf(task).status;
  }

  std::unique_ptr<sop::Definition> v2_;
};

TEST_F(MigrationTest, PublishingANewVersionMovesNoRunningCampaign) {
  ASSERT_TRUE(SubmitLaunch("m-1").ok());  // on the example's version
  const std::string v1 = ExampleSop().sop.version;
  engine_ = Both(*v2_);  // 2.0 is published and current
  auto old = engine_->Complete("m-1", "plan", PersonFor("campaign-manager"));
  ASSERT_TRUE(old.ok()) << old.status().ToString();
  EXPECT_EQ(old->sop_version, v1);
  EXPECT_EQ(old->flow.active.count(Graph().Find("internal-review")), 1u);
  ASSERT_TRUE(SubmitLaunch("m-2").ok());
  auto fresh = engine_->Complete("m-2", "plan", PersonFor("campaign-manager"));
  ASSERT_TRUE(fresh.ok()) << fresh.status().ToString();
  EXPECT_EQ(fresh->sop_version, "2.0");
  EXPECT_EQ(TaskStatus("m-2/brief-review"), "open");
  EXPECT_EQ(*engine_->Load("m-1"), *old);
  EXPECT_EQ(*engine_->Load("m-2"), *fresh);
}

TEST_F(MigrationTest, AStepWithoutACounterpartIsReportedAndNothingMoves) {
  ASSERT_TRUE(SubmitLaunch("m-3").ok());
  engine_ = Both(*v2_);
  ASSERT_TRUE(
      engine_->Complete("m-3", "plan", PersonFor("campaign-manager")).ok());
  const int64_t version = engine_->Load("m-3")->version;
  MigrateCommand command;
  command.campaign = "m-3";
  command.to_version = "2.0";
  command.actor = PersonFor("marketing-ops-lead");
  auto report = engine_->Migrate(command);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_FALSE(report->applied);
  ASSERT_EQ(report->unmapped.size(), 1u);
  EXPECT_THAT(report->unmapped[0], HasSubstr("internal-review"));
  EXPECT_THAT(report->unmapped[0], HasSubstr("map it"));
  EXPECT_EQ(engine_->Load("m-3")->version, version);
  // A mapping to a step of another kind does not do either.
  command.mapping = {{"internal-review", "submit-request"}};
  report = engine_->Migrate(command);
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->applied);
  EXPECT_THAT(report->unmapped[0], HasSubstr("is a review"));
  // Nor a mapping of a step the campaign's process does not have.
  command.mapping = {{"internal-review", "brief-review"}, {"nope", "plan"}};
  report = engine_->Migrate(command);
  EXPECT_FALSE(report->applied);
  EXPECT_EQ(engine_->Load("m-3")->version, version);
}

TEST_F(MigrationTest, AMappedCampaignRunsOnTheNewVersion) {
  ASSERT_TRUE(SubmitLaunch("m-4").ok());
  engine_ = Both(*v2_);
  ASSERT_TRUE(
      engine_->Complete("m-4", "plan", PersonFor("campaign-manager")).ok());
  MigrateCommand command;
  command.campaign = "m-4";
  command.to_version = "2.0";
  command.mapping = {{"internal-review", "brief-review"}};
  command.actor = PersonFor("marketing-ops-lead");
  command.reason = "the review is renamed and faster";
  command.dry_run = true;
  auto dry = engine_->Migrate(command);
  ASSERT_TRUE(dry.ok());
  EXPECT_FALSE(dry->applied);
  EXPECT_TRUE(dry->unmapped.empty());
  EXPECT_EQ(TaskStatus("m-4/internal-review"), "open");
  command.dry_run = false;
  auto report = engine_->Migrate(command);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->applied) << testing::PrintToString(report->unmapped);
  EXPECT_EQ(report->from, ExampleSop().sop.version);
  auto state = engine_->Load("m-4");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->sop_version, "2.0");
  EXPECT_EQ(TaskStatus("m-4/internal-review"), "cancelled");
  EXPECT_EQ(TaskStatus("m-4/brief-review"), "open");
  // The new version's one-day SLA applies to the step started afresh.
  EXPECT_EQ(state->timers.count("m-4/brief-review"), 1u);
  auto reviewed =
      engine_->Decide("m-4", "brief-review", PersonFor("campaign-lead"),
                      Verdict::kApprove, "good");
  ASSERT_TRUE(reviewed.ok()) << reviewed.status().ToString();
  EXPECT_EQ(*engine_->Load("m-4"), *reviewed);
  store::EventFilter filter;
  filter.campaign = "m-4";
  std::vector<std::string> versions;
  ASSERT_TRUE(store_
                  ->Scan(filter,
                         [&](const store::Event& e) {
                           versions.push_back(e.type + "@" + e.sop_version);
                           return OkStatus();
                         })
                  .ok());
  EXPECT_THAT(versions, testing::Contains("approval_decided@2.0"));
  EXPECT_THAT(versions, testing::Contains("campaign_migrated@" +
                                          ExampleSop().sop.version));
}

TEST_F(MigrationTest, OnlyTheProcessOwnerMigratesToAVersionTheEngineHas) {
  ASSERT_TRUE(SubmitLaunch("m-5").ok());
  engine_ = Both(*v2_);
  MigrateCommand command;
  command.campaign = "m-5";
  command.to_version = "3.0";
  command.actor = PersonFor("marketing-ops-lead");
  EXPECT_EQ(engine_->Migrate(command).status().code(), StatusCode::kNotFound);
  command.to_version = ExampleSop().sop.version;
  EXPECT_EQ(engine_->Migrate(command).status().code(),
            StatusCode::kFailedPrecondition);
  command.to_version = "2.0";
  command.actor = PersonFor("copywriter");
  EXPECT_EQ(engine_->Migrate(command).status().code(),
            StatusCode::kPermissionDenied);
  // The plan is active and keeps its id: no mapping needed.
  command.actor = PersonFor("marketing-ops-lead");
  auto report = engine_->Migrate(command);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->applied);
  EXPECT_EQ(TaskStatus("m-5/plan"), "open");
}

}  // namespace
}  // namespace livesop::engine

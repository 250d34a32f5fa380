// Campaigns of the example department through the engine, on a SQLite
// store: end to end, with decisions, revision loops, refusals and
// cancellation; every returned state equals a replay of the events.
#include "engine/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "engine/test_util.h"
#include "sop/loader.h"

namespace livesop::engine {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

using EngineTest = EngineFixture;

TEST_F(EngineTest, ProductLaunchRunsEndToEnd) {
  auto submitted = SubmitLaunch("c-1");
  ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
  CampaignState state = *submitted;
  EXPECT_EQ(state.status, "active");
  EXPECT_EQ(state.flow.active.size(), 1u);
  EXPECT_EQ(*engine_->Load("c-1"), state);
  for (int round = 0; round < 200 && state.status == "active"; ++round) {
    clock_.Advance(3'600'000'000);
    state = Round(state);
    ASSERT_EQ(*engine_->Load("c-1"), state) << "round " << round;
  }
  EXPECT_EQ(state.status, "completed");
  EXPECT_TRUE(state.flow.active.empty());

  // The read models followed every step.
  auto campaigns = store_->Campaigns({});
  ASSERT_TRUE(campaigns.ok());
  ASSERT_EQ(campaigns->size(), 1u);
  EXPECT_EQ((*campaigns)[0].status, "completed");
  EXPECT_EQ((*campaigns)[0].title, "Spring launch");
  store::TaskQuery open;
  open.status = "open";
  EXPECT_TRUE(store_->Tasks(open)->empty());
  EXPECT_GT(store_->Tasks({})->size(), 20u);
  // The matrix asked brand, budget, product and email approvers.
  store::TaskQuery approval;
  approval.campaign = "c-1";
  int approval_tasks = 0;
  auto tasks = store_->Tasks(approval);
  ASSERT_TRUE(tasks.ok());
  for (const store::TaskRecord& t : *tasks) {
    if (t.step == "campaign-approval") {
      ++approval_tasks;
      EXPECT_EQ(t.decision, "approve");
    }
  }
  EXPECT_EQ(approval_tasks, 5);  // brand, lead and ops, product, CRM
}

TEST_F(EngineTest, RevisionLoopAndRejection) {
  ASSERT_TRUE(SubmitLaunch("c-2").ok());
  const std::string manager = PersonFor("campaign-manager");
  const std::string lead = PersonFor("campaign-lead");
  ASSERT_TRUE(engine_->Complete("c-2", "plan", manager).ok());
  auto changes = engine_->Decide("c-2", "internal-review", lead,
                                 Verdict::kRequestChanges, "sharpen the KPIs");
  ASSERT_TRUE(changes.ok()) << changes.status().ToString();
  EXPECT_EQ(changes->flow.active.count(Graph().Find("plan")), 1u);
  ASSERT_TRUE(engine_->Complete("c-2", "plan", manager).ok());
  auto dropped = engine_->Decide("c-2", "internal-review", lead,
                                 Verdict::kReject, "not this quarter");
  ASSERT_TRUE(dropped.ok());
  EXPECT_EQ(dropped->status, "cancelled");  // brief-dropped ends as cancelled
  EXPECT_EQ(*engine_->Load("c-2"), *dropped);
  EXPECT_EQ(engine_->Complete("c-2", "plan", manager).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(EngineTest, RefusalsWriteNothing) {
  ASSERT_TRUE(SubmitLaunch("c-3").ok());
  const int64_t version = engine_->Load("c-3")->version;
  // Not the role of the step.
  auto denied = engine_->Complete("c-3", "plan", PersonFor("copywriter"));
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.status().message(), HasSubstr("campaign-manager"));
  // The refusal itself is recorded, and nothing else.
  std::vector<store::Event> events;
  store::EventFilter filter;
  filter.campaign = "c-3";
  ASSERT_TRUE(store_
                  ->Scan(filter,
                         [&](const store::Event& e) {
                           events.push_back(e);
                           return OkStatus();
                         })
                  .ok());
  ASSERT_EQ(events.size(), static_cast<size_t>(version + 1));
  EXPECT_EQ(events.back().type, "command_refused");
  EXPECT_EQ(events.back().resource, PersonFor("copywriter"));
  EXPECT_THAT(events.back().payload, HasSubstr("may not complete plan"));
  const int64_t refused = version + 1;
  // Not active yet, unknown campaign, a decision on a task, a second
  // submission with the same id, an unknown type.
  EXPECT_EQ(
      engine_->Complete("c-3", "reporting", PersonFor("marketing-analyst"))
          .status()
          .code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Complete("nope", "plan", PersonFor("campaign-manager"))
                .status()
                .code(),
            StatusCode::kNotFound);
  EXPECT_EQ(engine_
                ->Decide("c-3", "plan", PersonFor("campaign-manager"),
                         Verdict::kApprove, "")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(SubmitLaunch("c-3").status().code(), StatusCode::kAlreadyExists);
  SubmitCommand unknown;
  unknown.campaign = "c-4";
  unknown.campaign_type = "product-lunch";
  unknown.actor = PersonFor("campaign-manager");
  auto typo = engine_->Submit(unknown);
  EXPECT_EQ(typo.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(typo.status().message(), HasSubstr("product-launch"));
  EXPECT_EQ(engine_->Load("c-3")->version, refused);
  EXPECT_EQ(engine_->Load("c-4").status().code(), StatusCode::kNotFound);
}

TEST_F(EngineTest, ApprovalWaitsForItsQuorumAndCancellationClosesTasks) {
  auto state = SubmitLaunch("c-5");
  ASSERT_TRUE(state.ok());
  const int approval = Graph().Find("campaign-approval");
  for (int round = 0; round < 50 && state->flow.active.count(approval) == 0;
       ++round) {
    *state = Round(*state);
  }
  ASSERT_EQ(state->flow.active.count(approval), 1u);
  // One approver is not enough for a collect matrix.
  auto one = engine_->Decide("c-5", "campaign-approval",
                             PersonFor("brand-manager"), Verdict::kApprove, "");
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  EXPECT_EQ(one->flow.active.count(approval), 1u);
  // The same role again is no longer awaited.
  EXPECT_EQ(engine_
                ->Decide("c-5", "campaign-approval", PersonFor("brand-manager"),
                         Verdict::kApprove, "")
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  auto cancelled =
      engine_->Cancel("c-5", PersonFor("marketing-ops-lead"), "budget cut");
  ASSERT_TRUE(cancelled.ok()) << cancelled.status().ToString();
  EXPECT_EQ(cancelled->status, "cancelled");
  EXPECT_EQ(*engine_->Load("c-5"), *cancelled);
  store::TaskQuery open;
  open.campaign = "c-5";
  open.status = "open";
  EXPECT_TRUE(store_->Tasks(open)->empty());
  EXPECT_EQ(store_->Campaigns({})->at(0).status, "cancelled");
}

TEST_F(EngineTest, RandomCommandsAlwaysReplayToTheSameState) {
  // Random decisions, completions, wrong actors and cancellations over
  // several campaigns: after every command, accepted or refused, the state
  // equals a replay of the stored events.
  std::mt19937 random(20261128);
  std::vector<std::string> people;
  for (const sop::Person& p : ExampleSop().people) people.push_back(p.id);
  int accepted = 0;
  for (int c = 0; c < 10; ++c) {
    const std::string id = "r-" + std::to_string(c);
    auto state = SubmitLaunch(id);
    ASSERT_TRUE(state.ok());
    for (int n = 0; n < 60 && state->status == "active"; ++n) {
      clock_.Advance(60'000'000);
      const std::vector<int> active(state->flow.active.begin(),
                                    state->flow.active.end());
      ASSERT_FALSE(active.empty());
      const sop::Step& step =
          *Graph().nodes[active[random() % active.size()]].step;
      // Mostly someone allowed, sometimes anyone.
      std::string actor = people[random() % people.size()];
      if (random() % 4 != 0) {
        if (step.type == sop::StepType::kApproval) {
          auto awaited =
              AwaitedRoles(state->plans[step.id], state->decisions[step.id]);
          if (!awaited.empty()) {
            actor = PersonFor(awaited[random() % awaited.size()]);
          }
        } else if (!step.role.empty()) {
          actor = PersonFor(step.role);
        } else {
          actor = state->owner;
        }
      }
      Result<CampaignState> next = state;
      const unsigned pick = random() % 50;
      if (pick == 0) {
        next = engine_->Cancel(id, actor, "random");
      } else if (step.type == sop::StepType::kApproval ||
                 step.type == sop::StepType::kReview) {
        const Verdict verdict = pick < 42   ? Verdict::kApprove
                                : pick < 48 ? Verdict::kRequestChanges
                                            : Verdict::kReject;
        next = engine_->Decide(id, step.id, actor, verdict, "");
      } else if (step.type == sop::StepType::kChecklist &&
                 !engine_->AwaitedNow(*state).front().item.empty()) {
        const Awaited a = engine_->AwaitedNow(*state).front();
        next = engine_->Tick(id, a.step, a.item,
                             random() % 4 != 0 ? a.people.front() : actor);
      } else {
        next = engine_->Complete(id, step.id, actor);
      }
      auto replayed = engine_->Load(id);
      ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
      if (next.ok()) {
        ++accepted;
        ASSERT_EQ(*replayed, *next) << id << " after " << step.id;
        state = next;
      } else {
        // A refusal for want of the right is recorded; nothing else is.
        const bool denied =
            next.status().code() == StatusCode::kPermissionDenied;
        ASSERT_EQ(replayed->version, state->version + (denied ? 1 : 0));
        state->version = replayed->version;
        ASSERT_EQ(*replayed, *state) << "a refused command changed " << id;
        ASSERT_TRUE(next.status().code() == StatusCode::kPermissionDenied ||
                    next.status().code() == StatusCode::kInvalidArgument ||
                    next.status().code() == StatusCode::kFailedPrecondition)
            << next.status().ToString();
      }
    }
  }
  EXPECT_GT(accepted, 100);
}

TEST_F(EngineTest, IncompleteRequestsAreRefusedWithEveryProblem) {
  SubmitCommand command;
  command.campaign = "c-6";
  command.campaign_type = "product-launch";
  command.actor = PersonFor("campaign-manager");
  command.values = ValidLaunch(command.actor);
  command.values.erase("key_message");
  command.values["cost_center"] = "marketing";
  command.values["launch_date"] = "2026-01-06";  // too soon
  const IntakeReport report =
      engine_->Check(command.campaign_type, command.values);
  EXPECT_FALSE(report.ok());
  std::vector<std::string> fields;
  for (const FieldProblem& p : report.problems) fields.push_back(p.field);
  EXPECT_THAT(fields, testing::IsSupersetOf(
                          {"key_message", "cost_center", "launch_date"}));
  auto refused = engine_->Submit(command);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(refused.status().message(), HasSubstr("key_message"));
  EXPECT_THAT(refused.status().message(), HasSubstr("cost_center"));
  EXPECT_EQ(engine_->Load("c-6").status().code(), StatusCode::kNotFound);
  EXPECT_TRUE(
      engine_->Check("product-launch", ValidLaunch(command.actor)).ok());
}

}  // namespace
}  // namespace livesop::engine

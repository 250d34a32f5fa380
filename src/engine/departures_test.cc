// Departures from the SOP's path, checklists and comments, on the example
// department: each is recorded with its kind, reason and evidence, takes
// effect when its step is reached, and replays to the same state.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/engine.h"
#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::Contains;
using testing::ElementsAre;
using testing::HasSubstr;

class DeparturesTest : public EngineFixture {
 protected:
  Departure By(const std::string& role, const std::string& reason) {
    Departure d;
    d.actor = PersonFor(role);
    d.reason = reason;
    return d;
  }

  std::string TaskStatus(const std::string& task) {
    const store::TaskRecord t = TaskOf(task);
    return t.status + "/" + t.assignee;
  }

  void ExpectReplays(const CampaignState& state) {
    auto replayed = engine_->Load(state.campaign);
    ASSERT_TRUE(replayed.ok());
    EXPECT_EQ(*replayed, state);
  }
};

TEST_F(DeparturesTest, SkippingAnActiveStepMovesOnAndIsRecorded) {
  ASSERT_TRUE(SubmitLaunch("s-1").ok());
  auto skipped = engine_->Skip(
      "s-1", "plan", By("marketing-ops-lead", "plan agreed in the kickoff"));
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_TRUE(IsActive(*skipped, "internal-review"));
  EXPECT_FALSE(IsActive(*skipped, "plan"));
  const auto events = EventsOf("s-1", "task_skipped");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].deviation, "skip");
  EXPECT_EQ(events[0].reason, "plan agreed in the kickoff");
  EXPECT_EQ(events[0].resource, PersonFor("marketing-ops-lead"));
  EXPECT_EQ(TaskStatus("s-1/plan"), "skipped/");
  // The task that follows is ordinary work.
  EXPECT_EQ(EventsOf("s-1", "task_created").back().deviation, "");
  auto campaigns = store_->Campaigns({});
  EXPECT_EQ((*campaigns)[0].deviation_count, 1);
  ExpectReplays(*skipped);
}

TEST_F(DeparturesTest, AStepSkippedAheadIsPassedWhenReached) {
  auto state = SubmitLaunch("s-2");
  ASSERT_TRUE(state.ok());
  auto planned =
      engine_->Skip("s-2", "completeness-check",
                    By("marketing-ops-lead", "ops checked by phone"));
  ASSERT_TRUE(planned.ok()) << planned.status().ToString();
  EXPECT_THAT(planned->skip_planned, ElementsAre("completeness-check"));
  EXPECT_TRUE(IsActive(*planned, "plan"));  // nothing moved yet
  CampaignState s = *planned;
  s = Round(s);  // plan
  s = Round(s);  // internal review
  s = Round(s);  // submit request: the completeness check is passed
  EXPECT_FALSE(IsActive(s, "completeness-check"));
  EXPECT_TRUE(IsActive(s, "campaign-approval"));
  EXPECT_TRUE(s.skip_planned.empty());
  const auto skipped = EventsOf("s-2", "task_skipped");
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_EQ(skipped[0].step, "completeness-check");
  EXPECT_EQ(skipped[0].deviation, "");  // recorded when it was planned
  EXPECT_EQ(EventsOf("s-2", "step_skip_planned")[0].deviation, "skip");
  ExpectReplays(s);
}

TEST_F(DeparturesTest, SkippingAnApprovalClosesEveryApproverTask) {
  auto state = SubmitLaunch("s-3");
  ASSERT_TRUE(state.ok());
  CampaignState s = Until(*state, "campaign-approval");
  const size_t asked = engine_->AwaitedNow(s).size();
  ASSERT_GT(asked, 1u);
  auto skipped = engine_->Skip("s-3", "campaign-approval",
                               By("head-of-marketing-ops", "board approved"));
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  EXPECT_TRUE(IsActive(*skipped, "write-copy"));
  EXPECT_EQ(EventsOf("s-3", "task_skipped").size(), asked);
  store::TaskQuery open;
  open.campaign = "s-3";
  open.status = "open";
  auto tasks = store_->Tasks(open);
  ASSERT_TRUE(tasks.ok());
  for (const store::TaskRecord& t : *tasks) {
    EXPECT_NE(t.step, "campaign-approval") << t.task;
  }
  ExpectReplays(*skipped);
}

TEST_F(DeparturesTest, DeparturesNeedAReasonAndTheRight) {
  ASSERT_TRUE(SubmitLaunch("s-4").ok());
  const int64_t version = engine_->Load("s-4")->version;
  auto no_reason = engine_->Skip("s-4", "plan", By("marketing-ops-lead", " "));
  EXPECT_EQ(no_reason.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(no_reason.status().message(), HasSubstr("needs a reason"));
  auto typo = engine_->Skip("s-4", "plann", By("marketing-ops-lead", "why"));
  EXPECT_EQ(typo.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(typo.status().message(), HasSubstr("did you mean plan?"));
  auto gateway =
      engine_->Skip("s-4", "route-approval", By("marketing-ops-lead", "why"));
  EXPECT_EQ(gateway.status().code(), StatusCode::kNotFound);
  Departure bad_hash = By("marketing-ops-lead", "why");
  bad_hash.evidence_sha256 = "abc";
  EXPECT_EQ(engine_->Skip("s-4", "plan", bad_hash).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->Load("s-4")->version, version);  // nothing written
  auto denied = engine_->Skip("s-4", "plan", By("copywriter", "in a hurry"));
  EXPECT_EQ(denied.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(denied.status().message(), HasSubstr("marketing-ops-lead"));
  // The refusal is recorded, the skip is not.
  EXPECT_EQ(EventsOf("s-4", "command_refused").size(), 1u);
  EXPECT_TRUE(EventsOf("s-4", "task_skipped").empty());
  EXPECT_EQ(engine_->Skip("nope", "plan", By("marketing-ops-lead", "why"))
                .status()
                .code(),
            StatusCode::kNotFound);
}

TEST_F(DeparturesTest, AStepDoneEarlyIsPassedWhenReached) {
  ASSERT_TRUE(SubmitLaunch("e-1").ok());
  // The campaign manager writes the formal request before the review.
  auto early = engine_->CompleteEarly(
      "e-1", "submit-request", By("campaign-manager", "form ready already"));
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_THAT(early->done_early, ElementsAre("submit-request"));
  EXPECT_EQ(TaskStatus("e-1/submit-request"), "done/");
  CampaignState s = Round(Round(*early));  // plan, internal review
  EXPECT_TRUE(IsActive(s, "completeness-check"));
  EXPECT_TRUE(s.done_early.empty());
  const auto completed = EventsOf("e-1", "task_completed");
  ASSERT_FALSE(completed.empty());
  EXPECT_EQ(completed[0].deviation, "reorder");
  const auto finished = EventsOf("e-1", "step_finished");
  ASSERT_EQ(finished.size(), 1u);
  EXPECT_EQ(finished[0].step, "submit-request");
  ExpectReplays(s);
  // Not twice, not an active step, not an approval, not by another role.
  EXPECT_EQ(engine_
                ->CompleteEarly("e-1", "submit-request",
                                By("campaign-manager", "again"))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_
                ->CompleteEarly("e-1", "completeness-check",
                                By("marketing-ops-lead", "why"))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->CompleteEarly("e-1", "reporting", By("copywriter", "why"))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
}

TEST_F(DeparturesTest, InformalApprovalCountsWithItsChannelTimeAndEvidence) {
  auto state = SubmitLaunch("i-1");
  ASSERT_TRUE(state.ok());
  CampaignState s = Until(*state, "campaign-approval");
  InformalApproval ok;
  ok.approver = PersonFor("brand-manager");
  ok.channel = "whatsapp";
  ok.occurred_us = clock_.NowMicros() - 3'600'000'000;  // an hour ago
  ok.comment = "ok 👍";
  Departure recorded = By("marketing-ops-lead", "approved on WhatsApp");
  recorded.evidence = "[10:02] Brand: ok 👍 go ahead";
  recorded.evidence_sha256 = std::string(64, 'a');
  auto approved =
      engine_->RecordInformalApproval("i-1", "campaign-approval", ok, recorded);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  const auto decided = EventsOf("i-1", "approval_decided");
  const store::Event& e = decided.back();
  EXPECT_EQ(e.resource, ok.approver);
  EXPECT_EQ(e.role, "brand-manager");
  EXPECT_EQ(e.source, "whatsapp");
  EXPECT_EQ(e.deviation, "informal_approval");
  EXPECT_EQ(e.time_us, ok.occurred_us);
  EXPECT_THAT(e.payload, HasSubstr("\"recorded_by\":\"" +
                                   PersonFor("marketing-ops-lead") + "\""));
  EXPECT_THAT(e.payload, HasSubstr("go ahead"));
  for (const Awaited& a : engine_->AwaitedNow(*approved)) {
    EXPECT_NE(a.role, "brand-manager");
  }
  ExpectReplays(*approved);
  // Someone not awaited, a time in the future, no channel.
  InformalApproval stranger = ok;
  stranger.approver = PersonFor("copywriter");
  EXPECT_EQ(engine_
                ->RecordInformalApproval("i-1", "campaign-approval", stranger,
                                         recorded)
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  InformalApproval future = ok;
  future.approver = PersonFor("campaign-lead");
  future.occurred_us = clock_.NowMicros() + 1;
  EXPECT_EQ(
      engine_
          ->RecordInformalApproval("i-1", "campaign-approval", future, recorded)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
}

TEST_F(DeparturesTest, AnEarlyApprovalIsHeldAndAppliedWhenTheStepIsReached) {
  auto state = SubmitLaunch("i-2");
  ASSERT_TRUE(state.ok());
  InformalApproval ok;
  ok.approver = PersonFor("brand-manager");
  ok.channel = "email";
  ok.occurred_us = clock_.NowMicros();
  auto held = engine_->RecordInformalApproval(
      "i-2", "campaign-approval", ok,
      By("campaign-manager", "brand said yes by email"));
  ASSERT_TRUE(held.ok()) << held.status().ToString();
  ASSERT_EQ(held->held.count("campaign-approval"), 1u);
  EXPECT_EQ(held->held.at("campaign-approval")[0].approver, ok.approver);
  // The finance approver decides early inside livesop too: held as well.
  auto early = engine_->Decide("i-2", "campaign-approval",
                               PersonFor("marketing-ops-lead"),
                               Verdict::kApprove, "fine by me");
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_EQ(early->held.at("campaign-approval").size(), 2u);
  EXPECT_EQ(EventsOf("i-2", "approval_held").back().deviation, "reorder");
  // Someone who is no approver of it cannot.
  EXPECT_EQ(engine_
                ->Decide("i-2", "campaign-approval", PersonFor("copywriter"),
                         Verdict::kApprove, "")
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  clock_.Advance(86'400'000'000);
  CampaignState s = Until(*early, "campaign-approval");
  EXPECT_EQ(s.held.count("campaign-approval"), 0u);
  std::vector<std::string> awaited;
  for (const Awaited& a : engine_->AwaitedNow(s)) awaited.push_back(a.role);
  EXPECT_THAT(awaited, testing::Not(Contains("brand-manager")));
  EXPECT_THAT(awaited, testing::Not(Contains("marketing-ops-lead")));
  const auto decided = EventsOf("i-2", "approval_decided");
  int applied = 0;
  for (const store::Event& e : decided) {
    if (e.payload.find("\"held\":true") == std::string::npos) continue;
    ++applied;
    if (e.resource == ok.approver) {
      EXPECT_EQ(e.deviation, "informal_approval");
      EXPECT_EQ(e.source, "email");
      EXPECT_EQ(e.time_us, ok.occurred_us);
    }
  }
  EXPECT_EQ(applied, 2);
  ExpectReplays(s);
}

TEST_F(DeparturesTest, AnAdHocStepIsExtraWorkThatDoesNotHoldTheFlowUp) {
  ASSERT_TRUE(SubmitLaunch("a-1").ok());
  AdHocStep legal;
  legal.id = "legal-check";
  legal.name = "Legal check of the claims";
  legal.role = "legal-counsel";
  auto added =
      engine_->AddStep("a-1", legal, By("campaign-manager", "health claims"));
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(added->adhoc.at("legal-check").name, "Legal check of the claims");
  EXPECT_EQ(TaskStatus("a-1/legal-check"), "open/");
  EXPECT_EQ(EventsOf("a-1", "task_created").back().deviation, "ad_hoc_step");
  // The process goes on beside it.
  CampaignState s = Round(*added);
  EXPECT_TRUE(IsActive(s, "internal-review"));
  EXPECT_EQ(engine_->Complete("a-1", "legal-check", PersonFor("copywriter"))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  auto done =
      engine_->Complete("a-1", "legal-check", PersonFor("legal-counsel"));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->adhoc.at("legal-check").done);
  EXPECT_EQ(TaskStatus("a-1/legal-check"), "done/");
  EXPECT_EQ(engine_->Complete("a-1", "legal-check", PersonFor("legal-counsel"))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  ExpectReplays(*done);
  // Ids are the campaign's own.
  EXPECT_EQ(engine_->AddStep("a-1", legal, By("campaign-manager", "again"))
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  AdHocStep clash = legal;
  clash.id = "plan";
  EXPECT_EQ(engine_->AddStep("a-1", clash, By("campaign-manager", "x"))
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  clash.id = "Bad Id";
  EXPECT_EQ(engine_->AddStep("a-1", clash, By("campaign-manager", "x"))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DeparturesTest, ExpeditingTakesTheFastTrackAndRunsApprovalsInParallel) {
  ASSERT_TRUE(SubmitLaunch("x-1").ok());
  Expedite how;
  how.fast_track = true;
  how.parallel_approvals = true;
  how.sla_factor = 0.5;
  auto expedited = engine_->ExpediteCampaign(
      "x-1", how, By("campaign-manager", "competitor launched early"));
  ASSERT_TRUE(expedited.ok()) << expedited.status().ToString();
  EXPECT_EQ(expedited->values->at("urgent"), true);
  EXPECT_EQ(expedited->expedite, how);
  EXPECT_EQ(EventsOf("x-1", "campaign_expedited")[0].deviation, "expedite");
  CampaignState s = Until(*expedited, "fast-track-approval");
  EXPECT_FALSE(IsActive(s, "campaign-approval"));
  ExpectReplays(s);
  Expedite nothing;
  EXPECT_EQ(
      engine_->ExpediteCampaign("x-1", nothing, By("campaign-manager", "?"))
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  Expedite zero;
  zero.sla_factor = 0;
  EXPECT_EQ(engine_->ExpediteCampaign("x-1", zero, By("campaign-manager", "?"))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DeparturesTest, ParallelApprovalsAskTheNextSequentialApproversAtOnce) {
  // A partnership's agreement is signed in turn: partnerships, then legal.
  SubmitCommand command;
  command.campaign = "x-2";
  command.campaign_type = "partnership";
  command.title = "Co-branded launch";
  command.actor = PersonFor("campaign-manager");
  command.values = ValidLaunch(command.actor);
  command.values["campaign_type"] = "partnership";
  command.values["partner_name"] = "Acme Coffee";
  auto state = engine_->Submit(command);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  CampaignState s = Until(*state, "campaign-approval");
  const auto& plan = s.plans.at("campaign-approval");
  const bool sequential = std::any_of(
      plan.groups.begin(), plan.groups.end(), [](const ApproverGroup& g) {
        return g.mode == sop::ApprovalMode::kSequential && g.roles.size() > 1;
      });
  ASSERT_TRUE(sequential) << "the example's matrix has a sequential group";
  const size_t before = engine_->AwaitedNow(s).size();
  Expedite how;
  how.parallel_approvals = true;
  auto expedited =
      engine_->ExpediteCampaign("x-2", how, By("marketing-ops-lead", "rush"));
  ASSERT_TRUE(expedited.ok()) << expedited.status().ToString();
  EXPECT_GT(engine_->AwaitedNow(*expedited).size(), before);
  // Every approver now asked has an open task.
  for (const Awaited& a : engine_->AwaitedNow(*expedited)) {
    EXPECT_EQ(TaskStatus("x-2/campaign-approval/" + a.role), "open/") << a.role;
  }
  ExpectReplays(*expedited);
}

TEST_F(DeparturesTest, AReassignedTaskBelongsToItsNewPerson) {
  ASSERT_TRUE(SubmitLaunch("r-1").ok());
  const std::string stand_in = PersonFor("marketing-analyst");
  auto given = engine_->Reassign("r-1", "plan", "", stand_in,
                                 By("marketing-ops-lead", "manager on leave"));
  ASSERT_TRUE(given.ok()) << given.status().ToString();
  EXPECT_EQ(TaskStatus("r-1/plan"), "open/" + stand_in);
  EXPECT_EQ(EventsOf("r-1", "task_assigned")[0].deviation, "reassign");
  EXPECT_EQ(engine_->Complete("r-1", "plan", PersonFor("campaign-manager"))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
  // The person holding it may hand it on.
  Departure handover;
  handover.actor = stand_in;
  handover.reason = "back from leave";
  auto back = engine_->Reassign("r-1", "plan", "",
                                PersonFor("campaign-manager"), handover);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto done = engine_->Complete("r-1", "plan", PersonFor("campaign-manager"));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ExpectReplays(*done);
  // Not a step that is not active; not a stranger.
  EXPECT_EQ(engine_
                ->Reassign("r-1", "reporting", "", stand_in,
                           By("marketing-ops-lead", "x"))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_
                ->Reassign("r-1", "internal-review", "", "nobody",
                           By("marketing-ops-lead", "x"))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

TEST_F(DeparturesTest, AReopenedCampaignRunsToItsEndAgain) {
  auto state = SubmitLaunch("o-1");
  ASSERT_TRUE(state.ok());
  CampaignState s = *state;
  for (int i = 0; i < 300 && s.status == "active"; ++i) s = Round(s);
  ASSERT_EQ(s.status, "completed");
  auto reopened = engine_->Reopen("o-1", "reporting",
                                  By("marketing-ops-lead", "numbers were off"));
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(reopened->status, "active");
  EXPECT_TRUE(IsActive(*reopened, "reporting"));
  EXPECT_EQ((*store_->Campaigns({}))[0].status, "active");
  EXPECT_EQ(TaskStatus("o-1/reporting"), "open/");
  ExpectReplays(*reopened);
  s = *reopened;
  for (int i = 0; i < 10 && s.status == "active"; ++i) s = Round(s);
  EXPECT_EQ(s.status, "completed");
  EXPECT_EQ((*store_->Campaigns({}))[0].status, "completed");
  EXPECT_EQ(engine_->Reopen("o-1", "reporting", By("campaign-manager", "again"))
                .status()
                .code(),
            StatusCode::kPermissionDenied);
}

TEST_F(DeparturesTest, ChecklistItemsAreTickedOneByOneByTheirRoles) {
  auto state = SubmitLaunch("k-1");
  ASSERT_TRUE(state.ok());
  CampaignState s = Until(*state, "pre-launch");
  auto refused =
      engine_->Complete("k-1", "pre-launch", PersonFor("campaign-manager"));
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("tracking-ready"));
  // legal-ok is optional; email-test applies (the campaign uses email).
  EXPECT_THAT(refused.status().message(), testing::Not(HasSubstr("legal-ok")));
  EXPECT_THAT(refused.status().message(), HasSubstr("email-test"));
  EXPECT_EQ(
      engine_
          ->Tick("k-1", "pre-launch", "tracking-ready", PersonFor("copywriter"))
          .status()
          .code(),
      StatusCode::kPermissionDenied);
  auto typo = engine_->Tick("k-1", "pre-launch", "tracking-redy",
                            PersonFor("marketing-analyst"));
  EXPECT_EQ(typo.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(typo.status().message(), HasSubstr("tracking-ready"));
  auto ticked = engine_->Tick("k-1", "pre-launch", "tracking-ready",
                              PersonFor("marketing-analyst"));
  ASSERT_TRUE(ticked.ok()) << ticked.status().ToString();
  EXPECT_EQ(ticked->ticked.at("pre-launch").count("tracking-ready"), 1u);
  auto unticked = engine_->Tick("k-1", "pre-launch", "tracking-ready",
                                PersonFor("marketing-analyst"), false);
  ASSERT_TRUE(unticked.ok());
  EXPECT_EQ(unticked->ticked.at("pre-launch").count("tracking-ready"), 0u);
  // Unticking what is not ticked changes nothing.
  auto again = engine_->Tick("k-1", "pre-launch", "tracking-ready",
                             PersonFor("marketing-analyst"), false);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*engine_->Load("k-1"), *again);
  // Several items at once, all or none.
  const std::string manager = PersonFor("campaign-manager");
  auto none = engine_->Tick(
      "k-1", "pre-launch",
      std::vector<std::string>{"content-final", "no-such-item"}, manager);
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(
      engine_->Load("k-1")->ticked.count("pre-launch") > 0 &&
          engine_->Load("k-1")->ticked.at("pre-launch").count("content-final") >
              0,
      false);
  auto both = engine_->Tick(
      "k-1", "pre-launch",
      std::vector<std::string>{"content-final", "sales-briefed"}, manager);
  ASSERT_TRUE(both.ok()) << both.status().ToString();
  EXPECT_EQ(both->ticked.at("pre-launch"),
            (std::set<std::string>{"content-final", "sales-briefed"}));
  EXPECT_EQ(*engine_->Load("k-1"), *both);
  s = *both;
  while (!engine_->AwaitedNow(s).front().item.empty()) s = Round(s);
  EXPECT_TRUE(IsActive(s, "pre-launch"));
  s = Round(s);  // now it completes
  EXPECT_TRUE(IsActive(s, "launch-day"));
  ExpectReplays(s);
  EXPECT_EQ(engine_
                ->Tick("k-1", "pre-launch", "tracking-ready",
                       PersonFor("marketing-analyst"))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(DeparturesTest, AChecklistItemForAnotherChannelDoesNotApply) {
  SubmitCommand command;
  command.campaign = "k-2";
  command.campaign_type = "product-launch";
  command.title = "Instagram only";
  command.actor = PersonFor("campaign-manager");
  command.values = ValidLaunch(command.actor);
  command.values["channels"] = {"instagram"};
  auto state = engine_->Submit(command);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  CampaignState s = Until(*state, "pre-launch");
  auto tick = engine_->Tick("k-2", "pre-launch", "email-test",
                            PersonFor("crm-specialist"));
  EXPECT_EQ(tick.status().code(), StatusCode::kFailedPrecondition);
  for (const Awaited& a : engine_->AwaitedNow(s))
    EXPECT_NE(a.item, "email-test");
}

TEST_F(DeparturesTest, CommentsNotifyThePeopleAndRolesTheyMention) {
  ASSERT_TRUE(SubmitLaunch("m-1").ok());
  const std::string analyst = PersonFor("marketing-analyst");
  auto commented =
      engine_->Comment("m-1", "plan", PersonFor("campaign-manager"),
                       "@" + analyst +
                           " can you check the KPIs? cc @brand-manager, "
                           "mail me at ana@example.com");
  ASSERT_TRUE(commented.ok()) << commented.status().ToString();
  const auto comments = EventsOf("m-1", "comment_added");
  ASSERT_EQ(comments.size(), 1u);
  EXPECT_THAT(comments[0].payload, HasSubstr("\"mentions\":[\"" + analyst +
                                             "\",\"brand-manager\"]"));
  store::InboxQuery inbox;
  inbox.recipient = analyst;
  EXPECT_EQ(store_->Inbox(inbox)->size(), 1u);
  inbox.recipient = PersonFor("brand-manager");
  ASSERT_EQ(store_->Inbox(inbox)->size(), 1u);
  auto items = store_->Inbox(inbox);
  ASSERT_TRUE(items.ok());
  EXPECT_THAT((*items)[0].subject, HasSubstr("mentioned you"));
  inbox.recipient = "example.com";
  EXPECT_TRUE(store_->Inbox(inbox)->empty());
  auto unknown = engine_->Comment("m-1", "", PersonFor("campaign-manager"),
                                  "ping @brand-manger");
  EXPECT_EQ(unknown.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unknown.status().message(), HasSubstr("@brand-manager"));
  EXPECT_EQ(engine_->Comment("m-1", "", PersonFor("campaign-manager"), "  ")
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->Comment("m-1", "", "stranger", "hi").status().code(),
            StatusCode::kPermissionDenied);
  ExpectReplays(*engine_->Load("m-1"));
}

TEST_F(DeparturesTest, TwoPeopleDecidingOneReviewAtOnceGetOneWinner) {
  ASSERT_TRUE(SubmitLaunch("c-1").ok());
  ASSERT_TRUE(
      engine_->Complete("c-1", "plan", PersonFor("campaign-manager")).ok());
  // Two engines (two server processes, say) with their own connections,
  // both holding the campaign's state.
  auto other_store = store::OpenStore((dir_ / "livesop.db").string());
  ASSERT_TRUE(other_store.ok());
  Engine other(**other_store, ExampleSop(), clock_);
  ASSERT_TRUE(other.Load("c-1").ok());
  std::vector<std::string> leads;
  for (const sop::Person& p : ExampleSop().people) {
    for (const std::string& r : p.roles) {
      if (r == "campaign-lead") leads.push_back(p.id);
    }
  }
  const std::string first = leads.front();
  const std::string second = leads.size() > 1 ? leads[1] : leads.front();
  Result<CampaignState> a = Status(StatusCode::kUnknown, "");
  Result<CampaignState> b = Status(StatusCode::kUnknown, "");
  std::thread one([&] {
    a = engine_->Decide("c-1", "internal-review", first, Verdict::kApprove,
                        "go");
  });
  std::thread two([&] {
    b = other.Decide("c-1", "internal-review", second, Verdict::kRequestChanges,
                     "wait");
  });
  one.join();
  two.join();
  ASSERT_NE(a.ok(), b.ok())
      << a.status().ToString() << " / " << b.status().ToString();
  const Status& lost = a.ok() ? b.status() : a.status();
  EXPECT_EQ(lost.code(), StatusCode::kFailedPrecondition) << lost.ToString();
  EXPECT_THAT(lost.message(), HasSubstr("internal-review"));
  EXPECT_EQ(EventsOf("c-1", "approval_decided").size(), 1u);
  ExpectReplays(a.ok() ? *a : *b);
}

TEST_F(DeparturesTest, RandomDeparturesAlwaysReplayToTheSameState) {
  // Ordinary work mixed with every kind of departure, by people allowed
  // and not: after every command the state equals a replay of the events.
  std::mt19937 random(20261128);
  std::vector<std::string> people;
  for (const sop::Person& p : ExampleSop().people) people.push_back(p.id);
  std::vector<std::string> steps;
  for (const sop::Step& s : Graph().process->steps) steps.push_back(s.id);
  std::map<std::string, int> accepted;
  for (int c = 0; c < 8; ++c) {
    const std::string id = "d-" + std::to_string(c);
    auto state = SubmitLaunch(id);
    ASSERT_TRUE(state.ok());
    for (int n = 0; n < 120; ++n) {
      clock_.Advance(600'000'000);
      const std::string step = steps[random() % steps.size()];
      const std::string anyone = people[random() % people.size()];
      const std::string ops =
          random() % 5 != 0 ? PersonFor("marketing-ops-lead") : anyone;
      Departure d;
      d.actor = ops;
      d.reason = "random";
      Result<CampaignState> next = *state;
      std::string kind;
      const unsigned pick = random() % 100;
      if (state->status != "active") {
        kind = "reopen";
        next = engine_->Reopen(id, step, d);
      } else if (pick < 55) {
        kind = "work";
        next = Round(*state);
      } else if (pick < 60) {
        kind = "skip";
        next = engine_->Skip(id, step, d);
      } else if (pick < 65) {
        kind = "early";
        next = engine_->CompleteEarly(id, step, d);
      } else if (pick < 72) {
        kind = "informal";
        InformalApproval ok;
        ok.approver = anyone;
        ok.channel = "whatsapp";
        std::string on = step;
        for (const Awaited& a : engine_->AwaitedNow(*state)) {
          if (a.decision && random() % 4 != 0) {
            on = a.step;
            ok.approver = a.people.front();
            break;
          }
        }
        ok.verdict =
            random() % 5 == 0 ? Verdict::kRequestChanges : Verdict::kApprove;
        next = engine_->RecordInformalApproval(id, on, ok, d);
      } else if (pick < 77) {
        kind = "early decision";
        next = engine_->Decide(id, step, anyone, Verdict::kApprove, "");
      } else if (pick < 82) {
        kind = "reassign";
        const auto awaited = engine_->AwaitedNow(*state);
        const Awaited a = awaited.empty() ? Awaited{} : awaited.front();
        next = engine_->Reassign(id, a.step.empty() ? step : a.step,
                                 a.decision ? a.role : "", anyone, d);
      } else if (pick < 86) {
        kind = "adhoc";
        AdHocStep extra;
        extra.id = "extra-" + std::to_string(n);
        extra.role = "legal-counsel";
        next = engine_->AddStep(id, extra, d);
      } else if (pick < 88) {
        kind = "expedite";
        Expedite how;
        how.parallel_approvals = true;
        next = engine_->ExpediteCampaign(id, how, d);
      } else if (pick < 93) {
        kind = "comment";
        next =
            engine_->Comment(id, "", anyone, "@" + people[n % people.size()]);
      } else if (pick < 94) {
        kind = "cancel";
        next = engine_->Cancel(id, ops, "random");
      } else {
        kind = "wrong person";
        next = engine_->Complete(id, step, anyone);
      }
      auto replayed = engine_->Load(id);
      ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
      if (next.ok()) {
        ++accepted[kind];
        ASSERT_EQ(*replayed, *next) << id << " after " << kind << " " << step;
        state = next;
      } else {
        const bool denied =
            next.status().code() == StatusCode::kPermissionDenied;
        ASSERT_EQ(replayed->version, state->version + (denied ? 1 : 0))
            << kind << ": " << next.status().ToString();
        state->version = replayed->version;
        ASSERT_EQ(*replayed, *state) << "a refused " << kind << " changed "
                                     << id << ": " << next.status().ToString();
      }
    }
  }
  for (const char* kind : {"work", "skip", "early", "informal", "reassign",
                           "adhoc", "expedite", "comment"}) {
    EXPECT_GT(accepted[kind], 0) << kind << " was never accepted";
  }
}

}  // namespace
}  // namespace livesop::engine

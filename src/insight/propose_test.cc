#include "insight/propose.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "engine/test_util.h"
#include "insight/audit.h"
#include "insight/history.h"

namespace livesop::insight {
namespace {

using testing::HasSubstr;

constexpr int64_t kHour = int64_t{3600} * 1'000'000;
constexpr int64_t kDay = 24 * kHour;

class ProposeTest : public engine::EngineFixture {
 protected:
  static constexpr int64_t kStart = 1'767'225'600'000'000;  // 2026-01-01

  void SetUp() override {
    engine::EngineFixture::SetUp();
    Result<sop::Bundle> bundle = sop::ReadBundle(
        std::string(LIVESOP_SOURCE_DIR) + "/examples/marketing-ops/sop.yaml");
    ASSERT_TRUE(bundle.ok()) << bundle.status().ToString();
    bundle_ = *bundle;
    sop::LoadResult loaded = sop::LoadDefinitionFromBundle(bundle_);
    ASSERT_FALSE(loaded.diagnostics.has_errors());
    sop_ = loaded.definition;
  }

  // Campaign `i`: its plan done ten days late (the sweep records the
  // breach), then run to its pre-launch checklist; with `reassign`, the
  // brand manager's campaign approval goes to the product marketing
  // manager, by the Marketing Ops lead.
  void RunCampaign(int i, bool reassign, bool skip_peer_review = false) {
    clock_.Set(kStart + i * 7 * kDay);
    const std::string id = "P" + std::to_string(100 + i);
    engine::SubmitCommand submit;
    submit.campaign = id;
    submit.campaign_type = "product-launch";
    submit.title = "Launch " + std::to_string(i);
    submit.actor = PersonFor("campaign-manager");
    submit.values = LaunchFrom(submit.actor, clock_.NowMicros(), 120);
    Result<engine::CampaignState> state = engine_->Submit(submit);
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    clock_.Advance(10 * kDay);
    ASSERT_TRUE(engine_->Sweep().ok());
    Result<engine::CampaignState> loaded = engine_->Load(id);
    ASSERT_TRUE(loaded.ok());
    engine::CampaignState s = *loaded;
    bool reassigned = false;
    for (int move = 0;
         move < 300 && s.status == "active" && !IsActive(s, "pre-launch");
         ++move) {
      clock_.Advance(kHour);
      if (skip_peer_review && IsActive(s, "peer-review")) {
        Result<engine::CampaignState> next = engine_->Skip(
            id, "peer-review",
            {PersonFor("marketing-ops-lead"), "the copy is fine", "", "", ""});
        ASSERT_TRUE(next.ok()) << next.status().ToString();
        s = *next;
        continue;
      }
      if (reassign && !reassigned && IsActive(s, "campaign-approval")) {
        reassigned = true;
        Result<engine::CampaignState> next = engine_->Reassign(
            id, "campaign-approval", "brand-manager", kStandIn,
            {PersonFor("marketing-ops-lead"), "Larasati is at the shoot", "",
             "", ""});
        ASSERT_TRUE(next.ok()) << next.status().ToString();
        s = *next;
        continue;
      }
      s = Round(s);
    }
    ASSERT_TRUE(IsActive(s, "pre-launch")) << id;
  }

  std::vector<Proposal> Run(int campaigns, bool reassign, int skip_from = -1) {
    for (int i = 0; i < campaigns; ++i) {
      RunCampaign(i, reassign, skip_from >= 0 && i >= skip_from);
      if (HasFatalFailure()) return {};
    }
    Result<History> history = ReadHistory(*store_);
    EXPECT_TRUE(history.ok());
    history_ = *history;
    audit_ = RunAudit(history_, sop_, {});
    return Propose(history_, audit_, sop_, bundle_);
  }

  static const Proposal* Find(const std::vector<Proposal>& proposals,
                              const std::string& id) {
    for (const Proposal& p : proposals) {
      if (p.id == id) return &p;
    }
    return nullptr;
  }

  // An event request of the example, submitted now, launching in 120 days.
  static nlohmann::json EventRequest(const std::string& requester, int64_t now,
                                     bool urgent) {
    nlohmann::json values = LaunchFrom(requester, now, 120);
    values["campaign_type"] = "event";
    values["event_date"] = FormatTimestamp(now + 140 * kDay).substr(0, 10);
    values["event_venue"] = "Jakarta Convention Center";
    values["expected_attendees"] = 300;
    values["urgent"] = urgent;
    if (urgent) values["urgency_reason"] = "A partner moved the date";
    return values;
  }

  static constexpr const char* kStandIn = "hendra-gunawan";
  sop::Bundle bundle_;
  sop::Definition sop_;
  History history_;
  Audit audit_;
};

TEST_F(ProposeTest, AnSlaMissedByHabitIsSetToWhatTheWorkTakes) {
  const std::vector<Proposal> proposals = Run(6, false);
  ASSERT_FALSE(HasFatalFailure());
  const Proposal* sla = Find(proposals, "set-sla:campaign-delivery/plan");
  ASSERT_NE(sla, nullptr);
  EXPECT_EQ(sla->kind, "set-sla");
  EXPECT_THAT(sla->title, HasSubstr("from 5d to "));
  EXPECT_THAT(sla->rationale, HasSubstr("6 of 6 visits (100%) missed"));
  EXPECT_EQ(sla->campaigns.size(), 6u);
  ASSERT_EQ(sla->edits.size(), 1u);
  EXPECT_EQ(sla->edits[0].file, "processes.yaml");
  EXPECT_THAT(sla->edits[0].before, HasSubstr("sla: 5d"));
  EXPECT_THAT(sla->diff,
              HasSubstr("--- a/processes.yaml\n+++ b/processes.yaml\n"));
  EXPECT_THAT(sla->diff, HasSubstr("\n-" + sla->edits[0].before + "\n"));
  EXPECT_THAT(sla->diff, HasSubstr("\n+" + sla->edits[0].after + "\n"));

  // The SOP's owner accepts it: the next version, with its log entry.
  const std::string owner = PersonFor("head-of-marketing-ops");
  Result<Accepted> accepted =
      AcceptProposal(*sla, sop_, bundle_, owner, "2026-03-01");
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  EXPECT_EQ(accepted->version, "1.1.0");
  const sop::LoadResult next = sop::LoadDefinitionFromBundle(accepted->bundle);
  ASSERT_FALSE(next.diagnostics.has_errors());
  EXPECT_EQ(next.definition.sop.version, "1.1.0");
  ASSERT_FALSE(next.definition.changelog.empty());
  EXPECT_EQ(next.definition.changelog.front().version, "1.1.0");
  EXPECT_EQ(next.definition.changelog.front().author, owner);
  EXPECT_THAT(next.definition.changelog.front().changes.at(0),
              HasSubstr(sla->id));
  const sop::Step* plan = nullptr;
  for (const sop::Step& s :
       next.definition.FindProcess("campaign-delivery")->steps) {
    if (s.id == "plan") plan = &s;
  }
  ASSERT_NE(plan, nullptr);
  ASSERT_TRUE(plan->sla.has_value());
  EXPECT_GT(plan->sla->Minutes(), 5 * 8 * 60);
  EXPECT_THAT(accepted->diff, HasSubstr("+  version: 1.1.0"));

  // Nobody else may; and a proposal for lines that changed is refused.
  Result<Accepted> refused = AcceptProposal(
      *sla, sop_, bundle_, PersonFor("campaign-manager"), "2026-03-01");
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.status().message(), HasSubstr("head-of-marketing-ops"));
  sop::Bundle edited = bundle_;
  std::string& text = edited.files.at("processes.yaml");
  text.replace(text.find(sla->edits[0].before), sla->edits[0].before.size(),
               "        sla: 6d");
  Result<Accepted> stale =
      AcceptProposal(*sla, sop_, edited, owner, "2026-03-01");
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(stale.status().message(), HasSubstr("propose again"));
}

TEST_F(ProposeTest, AReassignmentHabitChangesTheMatrixAndAddsADelegate) {
  const std::vector<Proposal> proposals = Run(6, true);
  ASSERT_FALSE(HasFatalFailure());
  const std::string brand = PersonFor("brand-manager");

  const Proposal* approver = Find(
      proposals, "change-approver:campaign-approval/brand-fit/brand-manager");
  ASSERT_NE(approver, nullptr);
  EXPECT_THAT(approver->title,
              HasSubstr("approvals by product-marketing-manager instead of "
                        "brand-manager"));
  EXPECT_EQ(approver->campaigns.size(), 6u);
  ASSERT_EQ(approver->edits.size(), 1u);
  EXPECT_EQ(approver->edits[0].file, "approvals.yaml");
  EXPECT_THAT(approver->edits[0].after,
              HasSubstr("approvers: [product-marketing-manager]"));

  const Proposal* delegate =
      Find(proposals, "add-delegate:" + brand + "/" + kStandIn);
  ASSERT_NE(delegate, nullptr);
  EXPECT_EQ(delegate->campaigns.size(), 6u);
  ASSERT_EQ(delegate->edits.size(), 1u);
  EXPECT_EQ(delegate->edits[0].file, "organisation.yaml");

  // Accepted, the person has the delegate and the rule the other role.
  const std::string owner = PersonFor("head-of-marketing-ops");
  Result<Accepted> accepted =
      AcceptProposal(*delegate, sop_, bundle_, owner, "2026-03-01");
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  sop::LoadResult next = sop::LoadDefinitionFromBundle(accepted->bundle);
  ASSERT_FALSE(next.diagnostics.has_errors());
  EXPECT_THAT(next.definition.FindPerson(brand)->delegates,
              testing::Contains(kStandIn));
  accepted = AcceptProposal(*approver, sop_, bundle_, owner, "2026-03-01");
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  next = sop::LoadDefinitionFromBundle(accepted->bundle);
  ASSERT_FALSE(next.diagnostics.has_errors());
  const sop::ApprovalMatrix* matrix =
      next.definition.FindMatrix("campaign-approval");
  ASSERT_NE(matrix, nullptr);
  EXPECT_EQ(matrix->rules.at(0).id, "brand-fit");
  EXPECT_EQ(matrix->rules.at(0).approvers,
            std::vector<std::string>{"product-marketing-manager"});
}

TEST_F(ProposeTest, AHistoryAsWrittenProposesNothing) {
  for (int i = 0; i < 6; ++i) {
    clock_.Set(kStart + i * kDay);
    Result<engine::CampaignState> state = SubmitLaunch("Q" + std::to_string(i));
    ASSERT_TRUE(state.ok()) << state.status().ToString();
  }
  Result<History> history = ReadHistory(*store_);
  ASSERT_TRUE(history.ok());
  const Audit audit = RunAudit(*history, sop_, {});
  EXPECT_TRUE(Propose(*history, audit, sop_, bundle_).empty());
}

TEST_F(ProposeTest, AStepSkippedAsARuleSinceAChangeBecomesOptional) {
  const std::vector<Proposal> proposals = Run(16, false, 8);
  ASSERT_FALSE(HasFatalFailure());
  const Proposal* optional =
      Find(proposals, "make-step-optional:campaign-delivery/peer-review");
  ASSERT_NE(optional, nullptr);
  EXPECT_THAT(optional->title, HasSubstr("optional for product-launch"));
  // Counted since the change the drift found: the eight skips alone.
  EXPECT_THAT(optional->rationale,
              HasSubstr("8 of 8 visits by product-launch campaigns since "));
  EXPECT_EQ(optional->campaigns.size(), 8u);
  EXPECT_THAT(optional->diff, HasSubstr("+      - id: peer-review-applies"));
  EXPECT_THAT(optional->diff, HasSubstr("+            next: final-edits"));

  const std::string owner = PersonFor("head-of-marketing-ops");
  Result<Accepted> accepted =
      AcceptProposal(*optional, sop_, bundle_, owner, "2026-04-01");
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  const sop::LoadResult next = sop::LoadDefinitionFromBundle(accepted->bundle);
  ASSERT_FALSE(next.diagnostics.has_errors());

  // A product launch on the new version goes from the copy straight to
  // its final edits; the peer review is never active.
  engine::Engine on_next(*store_, next.definition, clock_);
  engine::SubmitCommand submit;
  submit.campaign = "N1";
  submit.campaign_type = "product-launch";
  submit.title = "On 1.1.0";
  submit.actor = PersonFor("campaign-manager");
  submit.values = LaunchFrom(submit.actor, clock_.NowMicros(), 120);
  Result<engine::CampaignState> state = on_next.Submit(submit);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  bool peer_review = false;
  bool final_edits = false;
  for (int move = 0; move < 200 && state->status == "active" && !final_edits;
       ++move) {
    const std::vector<engine::Awaited> awaited = on_next.AwaitedNow(*state);
    ASSERT_FALSE(awaited.empty());
    for (const engine::Awaited& a : awaited) {
      peer_review |= a.step == "peer-review";
      final_edits |= a.step == "final-edits";
    }
    const engine::Awaited& a = awaited.front();
    state = !a.item.empty()
                ? on_next.Tick("N1", a.step, a.item, a.people.front())
            : a.decision ? on_next.Decide("N1", a.step, a.people.front(),
                                          engine::Verdict::kApprove, "ok")
                         : on_next.Complete("N1", a.step, a.people.front());
    ASSERT_TRUE(state.ok()) << a.step << ": " << state.status().ToString();
  }
  EXPECT_TRUE(final_edits);
  EXPECT_FALSE(peer_review);
}

TEST_F(ProposeTest, ExpeditingWithoutAFastTrackProposesTheOnePeopleUse) {
  // Six event campaigns, each expedited by its owner with parallel
  // approvals, run through their campaign approval.
  const std::string owner = PersonFor("campaign-manager");
  for (int i = 0; i < 6; ++i) {
    clock_.Set(kStart + i * 7 * kDay);
    engine::SubmitCommand submit;
    submit.campaign = "E" + std::to_string(i);
    submit.campaign_type = "event";
    submit.title = "Event " + std::to_string(i);
    submit.actor = owner;
    submit.values = EventRequest(owner, clock_.NowMicros(), false);
    Result<engine::CampaignState> state = engine_->Submit(submit);
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    engine::Expedite how;
    how.parallel_approvals = true;
    state = engine_->ExpediteCampaign(
        submit.campaign, how, {owner, "the partner moved it", "", "", ""});
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    bool approved = false;
    for (int move = 0; move < 100 && !approved; ++move) {
      clock_.Advance(kHour);
      const std::vector<engine::Awaited> awaited = engine_->AwaitedNow(*state);
      ASSERT_FALSE(awaited.empty());
      for (const engine::Awaited& a : awaited) {
        approved |= a.step == "venue-booking";
      }
      if (!approved) *state = Round(*state);
    }
    ASSERT_TRUE(approved) << submit.campaign;
  }
  Result<History> history = ReadHistory(*store_);
  ASSERT_TRUE(history.ok());
  const Audit audit = RunAudit(*history, sop_, {});
  const std::vector<Proposal> proposals =
      Propose(*history, audit, sop_, bundle_);
  const Proposal* variant =
      Find(proposals, "expedite-variant:event-campaign/campaign-approval");
  ASSERT_NE(variant, nullptr);
  EXPECT_THAT(variant->rationale,
              HasSubstr("6 of 6 campaigns (100%) were expedited"));
  EXPECT_EQ(variant->campaigns.size(), 6u);
  EXPECT_THAT(variant->diff, HasSubstr("+      - id: campaign-approval-route"));
  EXPECT_THAT(variant->diff,
              HasSubstr("+      - id: fast-track-campaign-approval"));
  // The process that has a fast track gets no second one.
  for (const Proposal& p : proposals) {
    EXPECT_NE(p.id.rfind("expedite-variant:campaign-delivery", 0), 0u) << p.id;
  }

  const std::string sop_owner = PersonFor("head-of-marketing-ops");
  Result<Accepted> accepted =
      AcceptProposal(*variant, sop_, bundle_, sop_owner, "2026-04-01");
  ASSERT_TRUE(accepted.ok()) << accepted.status().ToString();
  const sop::LoadResult next = sop::LoadDefinitionFromBundle(accepted->bundle);
  ASSERT_FALSE(next.diagnostics.has_errors());

  // An urgent event on the new version reaches the fast track, which asks
  // every approver at once.
  engine::Engine on_next(*store_, next.definition, clock_);
  engine::SubmitCommand submit;
  submit.campaign = "E-urgent";
  submit.campaign_type = "event";
  submit.title = "Urgent event";
  submit.actor = owner;
  submit.values = EventRequest(owner, clock_.NowMicros(), true);
  Result<engine::CampaignState> state = on_next.Submit(submit);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  std::set<std::string> fast_roles;
  for (int move = 0; move < 100 && fast_roles.empty(); ++move) {
    const std::vector<engine::Awaited> awaited = on_next.AwaitedNow(*state);
    ASSERT_FALSE(awaited.empty());
    for (const engine::Awaited& a : awaited) {
      ASSERT_NE(a.step, "campaign-approval");
      if (a.step == "fast-track-campaign-approval") fast_roles.insert(a.role);
    }
    if (!fast_roles.empty()) break;
    const engine::Awaited& a = awaited.front();
    state = !a.item.empty()
                ? on_next.Tick("E-urgent", a.step, a.item, a.people.front())
            : a.decision
                ? on_next.Decide("E-urgent", a.step, a.people.front(),
                                 engine::Verdict::kApprove, "ok")
                : on_next.Complete("E-urgent", a.step, a.people.front());
    ASSERT_TRUE(state.ok()) << a.step << ": " << state.status().ToString();
  }
  EXPECT_GE(fast_roles.size(), 2u);
  EXPECT_TRUE(fast_roles.count("brand-manager"));
}

}  // namespace
}  // namespace livesop::insight

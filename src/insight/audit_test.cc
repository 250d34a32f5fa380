#include "insight/audit.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "engine/test_util.h"
#include "insight/history.h"
#include "insight/html.h"
#include "insight/json.h"

namespace livesop::insight {
namespace {

using testing::Contains;
using testing::Field;
using testing::Not;

constexpr int64_t kHour = int64_t{3600} * 1'000'000;
constexpr int64_t kDay = 24 * kHour;

// What a test plants in the history it builds through the engine, and the
// truth it keeps while doing so.
struct Plan {
  int campaigns = 30;
  int skip_from = -1;       // from this campaign on, peer-review skipped
  int whatsapp_every = 0;   // the brand manager's word on WhatsApp, every n-th
  int expedite_every = 0;   // every n-th campaign expedited
  int ping_pong_until = 0;  // campaigns before it send the copy back twice
  std::string title;        // every campaign's, when given
};

struct Truth {
  int64_t decisions = 0;
  int64_t informal = 0;
  int64_t informal_campaigns = 0;
  std::map<std::string, int64_t> informal_at;       // by step
  std::map<std::string, int> first_departure_step;  // campaigns per step
  int64_t skip_start_us = 0;
  std::vector<std::string> skipped;  // campaigns with peer-review skipped
};

class AuditTest : public engine::EngineFixture {
 protected:
  static constexpr int64_t kStart = 1'767'225'600'000'000;  // 2026-01-01

  // Campaign `i` starts 3.5 days after campaign i-1 and runs until its
  // pre-launch checklist is active, one move every two hours, each move
  // by whoever the campaign waits for, departing as `plan` says.
  void RunCampaign(int i, const Plan& plan, Truth& truth) {
    clock_.Set(kStart + i * (7 * kDay / 2));
    const std::string id = "C" + std::to_string(100 + i);
    static const char* const kManagers[] = {"bayu-setiawan", "intan-permata",
                                            "rizky-hidayat"};
    engine::SubmitCommand submit;
    submit.campaign = id;
    submit.campaign_type = "product-launch";
    submit.title =
        plan.title.empty() ? "Launch " + std::to_string(i) : plan.title;
    submit.actor = kManagers[i % 3];
    submit.values = LaunchFrom(submit.actor, clock_.NowMicros(), 90);
    Result<engine::CampaignState> state = engine_->Submit(submit);
    ASSERT_TRUE(state.ok()) << state.status().ToString();

    const std::string lead = PersonFor("marketing-ops-lead");
    bool departed_before = false;
    auto departed = [&](const std::string& step) {
      if (!departed_before) ++truth.first_departure_step[step];
      departed_before = true;
    };
    if (plan.expedite_every > 0 && i % plan.expedite_every == 0) {
      engine::Expedite how;
      how.parallel_approvals = true;
      state =
          engine_->ExpediteCampaign(id, how, {lead, "sales asked", "", "", ""});
      ASSERT_TRUE(state.ok()) << state.status().ToString();
      departed("");
    }
    int copy_sent_back = 0;
    bool informal_before = false;
    for (int move = 0; move < 300 && state->status == "active" &&
                       !IsActive(*state, "pre-launch");
         ++move) {
      clock_.Advance(2 * kHour);
      if (plan.skip_from >= 0 && i >= plan.skip_from &&
          IsActive(*state, "peer-review")) {
        if (truth.skip_start_us == 0) truth.skip_start_us = clock_.NowMicros();
        state = engine_->Skip(id, "peer-review",
                              {lead, "no time for a second read", "", "", ""});
        ASSERT_TRUE(state.ok()) << state.status().ToString();
        truth.skipped.push_back(id);
        departed("peer-review");
        continue;
      }
      const std::vector<engine::Awaited> awaited = engine_->AwaitedNow(*state);
      ASSERT_FALSE(awaited.empty());
      const engine::Awaited& a = awaited.front();
      ASSERT_FALSE(a.people.empty()) << a.step;
      if (a.decision) ++truth.decisions;
      if (a.decision && plan.whatsapp_every > 0 &&
          i % plan.whatsapp_every == 0 && a.role == "brand-manager") {
        engine::InformalApproval approval;
        approval.approver = a.people.front();
        approval.channel = "whatsapp";
        approval.occurred_us = clock_.NowMicros() - kHour;
        state = engine_->RecordInformalApproval(
            id, a.step, approval,
            {a.people.front(), "approved in the group", "ok!", "", "whatsapp"});
        ASSERT_TRUE(state.ok()) << state.status().ToString();
        ++truth.informal;
        ++truth.informal_at[a.step];
        if (!informal_before) ++truth.informal_campaigns;
        informal_before = true;
        departed(a.step);
        continue;
      }
      if (a.step == "peer-review" && i < plan.ping_pong_until &&
          copy_sent_back < 2) {
        ++copy_sent_back;
        state = engine_->Decide(id, a.step, a.people.front(),
                                engine::Verdict::kRequestChanges, "tighten it");
        ASSERT_TRUE(state.ok()) << state.status().ToString();
        continue;
      }
      *state = Round(*state);
    }
    ASSERT_TRUE(IsActive(*state, "pre-launch")) << id << " stopped short";
  }

  Audit Run(const Plan& plan, Truth& truth) {
    for (int i = 0; i < plan.campaigns; ++i) {
      RunCampaign(i, plan, truth);
      if (testing::Test::HasFatalFailure()) return {};
    }
    Result<History> history = ReadHistory(*store_);
    EXPECT_TRUE(history.ok()) << history.status().ToString();
    return RunAudit(*history, engine::ExampleSop(), {});
  }

  static const ProcessAudit* Delivery(const Audit& audit) {
    for (const ProcessAudit& p : audit.processes) {
      if (p.process == "campaign-delivery") return &p;
    }
    ADD_FAILURE() << "no campaign-delivery in the audit";
    return nullptr;
  }

  static const Finding* FindingOf(const ProcessAudit& p,
                                  const std::string& code,
                                  const std::string& step) {
    for (const Finding& f : p.findings) {
      if (f.code == code && f.step == step) return &f;
    }
    return nullptr;
  }
};

TEST_F(AuditTest, FindsTheStepPeopleStartedSkippingWhoSkipsItAndSinceWhen) {
  Plan plan;
  plan.skip_from = 12;
  Truth truth;
  const Audit audit = Run(plan, truth);
  ASSERT_FALSE(HasFatalFailure());
  const ProcessAudit* p = Delivery(audit);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->category, "revenue-facing");
  EXPECT_EQ(p->campaigns, plan.campaigns);

  const Finding* skipped = FindingOf(*p, "skipped-step", "peer-review");
  ASSERT_NE(skipped, nullptr);
  EXPECT_EQ(skipped->kind, FindingKind::kGap);
  EXPECT_EQ(skipped->campaigns, truth.skipped);
  EXPECT_EQ(skipped->count, static_cast<int64_t>(truth.skipped.size()));
  ASSERT_FALSE(skipped->people.empty());
  EXPECT_EQ(skipped->people.front(), PersonFor("marketing-ops-lead"));
  ASSERT_FALSE(skipped->evidence.empty());
  EXPECT_EQ(skipped->evidence.front().campaign, truth.skipped.front());

  // Question 3: control is lost first at the skipped step.
  ASSERT_FALSE(audit.answers.first_departures.empty());
  EXPECT_EQ(audit.answers.first_departures.front().step, "peer-review");
  EXPECT_EQ(audit.answers.first_departures.front().campaigns,
            static_cast<int64_t>(truth.skipped.size()));
  EXPECT_DOUBLE_EQ(audit.answers.first_departures.front().share, 1.0);

  // Question 6: the documented path stopped being the real one the week
  // the skipping began.
  ASSERT_EQ(audit.answers.versions.size(), 1u);
  const VersionLife& life = audit.answers.versions[0];
  ASSERT_GE(life.days_real, 0);
  const int64_t planted_days = (truth.skip_start_us - life.published_us) / kDay;
  EXPECT_LE(std::abs(life.days_real - planted_days), 7)
      << "found " << life.days_real << " days, planted " << planted_days;

  // Drift: the type's campaigns left the documented path with campaign
  // 12, and peer-review stopped being done as written at the first skip.
  ASSERT_FALSE(audit.drift.empty());
  const RateSeries& type = audit.drift[0];
  EXPECT_EQ(type.campaign_type, "product-launch");
  EXPECT_EQ(type.step, "");
  EXPECT_EQ(type.cases, plan.campaigns);
  ASSERT_EQ(type.changes.size(), 1u);
  EXPECT_EQ(type.changes[0].first.campaign, "C112");
  EXPECT_DOUBLE_EQ(type.changes[0].before, 1.0);
  EXPECT_DOUBLE_EQ(type.changes[0].after, 0.0);
  EXPECT_EQ(type.changes[0].cases_before, 12);
  ASSERT_EQ(audit.drift.size(), 2u) << "only peer-review changed";
  const RateSeries& step = audit.drift[1];
  EXPECT_EQ(step.step, "peer-review");
  ASSERT_EQ(step.changes.size(), 1u);
  EXPECT_EQ(step.changes[0].time_us, truth.skip_start_us);
  EXPECT_EQ(step.changes[0].first.campaign, truth.skipped.front());
  EXPECT_EQ(step.changes[0].cases_after,
            static_cast<int64_t>(truth.skipped.size()));

  // Most campaigns departed: level 1, and the rubric says why.
  EXPECT_EQ(p->maturity.level, 1);
  EXPECT_THAT(p->maturity.criteria,
              Contains(testing::AllOf(Field(&Criterion::level, 2),
                                      Field(&Criterion::met, false))));
}

TEST_F(AuditTest, NamesTheWhatsAppApproverAndTheKeyPersonOfExpedites) {
  Plan plan;
  plan.campaigns = 24;
  plan.whatsapp_every = 4;
  plan.expedite_every = 3;
  plan.skip_from = 12;
  Truth truth;
  const Audit audit = Run(plan, truth);
  ASSERT_FALSE(HasFatalFailure());

  // Question 1: the informal share is what was planted.
  const InformalCounts& informal = audit.answers.informal;
  EXPECT_EQ(informal.informal_decisions, truth.informal);
  EXPECT_EQ(informal.decisions, truth.decisions);
  EXPECT_NEAR(informal.informal_decision_share,
              static_cast<double>(truth.informal) / truth.decisions, 1e-9);
  EXPECT_EQ(informal.by_source.at("whatsapp"), truth.informal);
  ASSERT_EQ(audit.answers.informal_by_type.size(), 1u);
  EXPECT_EQ(audit.answers.informal_by_type[0].campaign_type, "product-launch");

  // Question 5: the lead, who expedites and skips, handles most exceptions;
  // the brand manager's WhatsApp approvals come next.
  const std::string lead = PersonFor("marketing-ops-lead");
  const std::string brand = PersonFor("brand-manager");
  ASSERT_GE(audit.answers.exception_people.size(), 2u);
  EXPECT_EQ(audit.answers.exception_people[0].person, lead);
  EXPECT_EQ(audit.answers.exception_people[1].person, brand);
  EXPECT_EQ(audit.answers.exception_people[1].count, truth.informal);
  EXPECT_EQ(audit.answers.bus_factor, 1);

  // Question 2: under pressure, the same person decides.
  EXPECT_EQ(audit.answers.pressured, (plan.campaigns + 2) / 3);
  ASSERT_FALSE(audit.answers.pressure_people.empty());
  EXPECT_EQ(audit.answers.pressure_people[0].person, lead);
  EXPECT_EQ(audit.answers.pressured_on_path_share, 0.0);

  // Question 3 from the planted order of departures.
  std::string top;
  int most = 0;
  for (const auto& [step, n] : truth.first_departure_step) {
    if (n > most) top = step, most = n;
  }
  ASSERT_FALSE(audit.answers.first_departures.empty());
  EXPECT_EQ(audit.answers.first_departures.front().step, top);
  EXPECT_EQ(audit.answers.first_departures.front().campaigns, most);

  // Question 4: the campaigns with an informal approval needed a side path.
  EXPECT_EQ(audit.answers.coordinated, truth.informal_campaigns);

  // The matrix names the brand manager for every campaign approval; a
  // quarter of them came through WhatsApp.
  const MatrixCell* brand_cell = nullptr;
  for (const MatrixCell& cell : audit.matrix) {
    if (cell.step == "campaign-approval" && cell.role == "brand-manager") {
      brand_cell = &cell;
    }
  }
  ASSERT_NE(brand_cell, nullptr);
  EXPECT_EQ(brand_cell->campaign_type, "product-launch");
  EXPECT_EQ(brand_cell->named, plan.campaigns);
  EXPECT_EQ(brand_cell->required, plan.campaigns);
  EXPECT_EQ(brand_cell->informal, truth.informal_at.at("campaign-approval"));
  EXPECT_EQ(brand_cell->decided, plan.campaigns - brand_cell->informal);
  ASSERT_FALSE(brand_cell->deciders.empty());
  EXPECT_EQ(brand_cell->deciders[0].person, brand);

  const ProcessAudit* p = Delivery(audit);
  ASSERT_NE(p, nullptr);
  const Finding* bypassed =
      FindingOf(*p, "matrix-bypassed", "campaign-approval");
  ASSERT_NE(bypassed, nullptr);
  EXPECT_EQ(bypassed->count, truth.informal_at.at("campaign-approval"));
  EXPECT_EQ(bypassed->people, std::vector<std::string>{brand});
  EXPECT_NEAR(p->informal_share,
              static_cast<double>(truth.informal) / truth.decisions, 1e-9);
}

TEST_F(AuditTest, RevisionLoopsShowAsReworkFailedHandoffsAndPingPong) {
  Plan plan;
  plan.campaigns = 12;
  plan.ping_pong_until = 6;
  Truth truth;
  const Audit audit = Run(plan, truth);
  ASSERT_FALSE(HasFatalFailure());
  const ProcessAudit* p = Delivery(audit);
  ASSERT_NE(p, nullptr);

  const Finding* repeated = FindingOf(*p, "repeated-step", "write-copy");
  ASSERT_NE(repeated, nullptr);
  EXPECT_EQ(repeated->kind, FindingKind::kRedundancy);
  EXPECT_EQ(repeated->count, plan.ping_pong_until);

  const Finding* handoff =
      FindingOf(*p, "handoff-rework", "write-copy → peer-review");
  ASSERT_NE(handoff, nullptr);
  EXPECT_EQ(handoff->count, 2 * plan.ping_pong_until);

  const std::string writer = PersonFor("copywriter");
  const std::string reviewer = PersonFor("content-lead");
  const Finding* ping = FindingOf(*p, "ping-pong", "");
  ASSERT_NE(ping, nullptr);
  EXPECT_EQ(ping->kind, FindingKind::kHandoff);
  EXPECT_EQ(ping->count, plan.ping_pong_until);
  EXPECT_THAT(ping->people, testing::UnorderedElementsAre(writer, reviewer));

  EXPECT_NEAR(p->rework_share,
              static_cast<double>(plan.ping_pong_until) / plan.campaigns, 1e-9);
  // Nobody departed: every campaign is on the documented path.
  EXPECT_EQ(p->on_path, plan.campaigns);
  EXPECT_EQ(audit.answers.exceptions, 0);
  EXPECT_EQ(audit.answers.bus_factor, 0);
}

TEST_F(AuditTest, AProcessRunAsWrittenIsManagedWithoutGaps) {
  Plan plan;
  plan.campaigns = 8;
  Truth truth;
  const Audit audit = Run(plan, truth);
  ASSERT_FALSE(HasFatalFailure());
  const ProcessAudit* p = Delivery(audit);
  ASSERT_NE(p, nullptr);
  EXPECT_THAT(p->findings,
              Not(Contains(Field(&Finding::kind, FindingKind::kGap))));
  EXPECT_DOUBLE_EQ(p->on_path_share, 1.0);
  // Level 5 needs more than one SOP version in use.
  EXPECT_EQ(p->maturity.level, 4);
  EXPECT_EQ(p->maturity.name, "Managed");
  EXPECT_EQ(audit.answers.versions.at(0).days_real, -1);

  // Steps in the SOP's order, with their SLAs as written.
  ASSERT_GE(p->steps.size(), 3u);
  EXPECT_EQ(p->steps[0].step, "plan");
  EXPECT_EQ(p->steps[0].visits, plan.campaigns);
  EXPECT_FALSE(p->steps[0].sla.empty());

  const nlohmann::json json = AuditToJson(audit);
  EXPECT_EQ(json["campaigns"], plan.campaigns);
  EXPECT_EQ(json["processes"][0]["process"], "campaign-delivery");
  EXPECT_EQ(json["processes"][0]["maturity"]["level"], 4);
  EXPECT_EQ(json["answers"]["holding_together"]["on_path_share"], 1.0);
}

TEST_F(AuditTest, TheHtmlReportShowsFindingsWithTheirEvidenceAndNoScript) {
  Plan plan;
  plan.campaigns = 20;
  plan.skip_from = 8;
  plan.title = "<script>alert('x')</script> & launch";
  Truth truth;
  const Audit audit = Run(plan, truth);
  ASSERT_FALSE(HasFatalFailure());
  Result<History> history = ReadHistory(*store_);
  ASSERT_TRUE(history.ok());
  Result<std::string> html = AuditToHtml(audit, *history, engine::ExampleSop());
  ASSERT_TRUE(html.ok()) << html.status().ToString();
  // Campaign text never runs: escaped, and the page allows no script.
  EXPECT_THAT(*html, Not(testing::HasSubstr("<script")));
  EXPECT_THAT(*html,
              testing::HasSubstr("&lt;script&gt;alert('x')&lt;/script&gt; "
                                 "&amp; launch"));
  EXPECT_THAT(*html, testing::HasSubstr("Content-Security-Policy"));
  // The finding, linked to its campaigns in the appendix.
  EXPECT_THAT(*html, testing::HasSubstr("gap · skipped-step"));
  EXPECT_THAT(*html, testing::HasSubstr("<a href=\"#c0\">" +
                                        truth.skipped.front() + "</a>"));
  EXPECT_THAT(*html,
              testing::HasSubstr("<h3 id=\"c0\">" + truth.skipped.front()));
  EXPECT_THAT(*html, testing::HasSubstr("class=\"hit\""));
  // Maturity, charts (gnuplot) and process maps (Graphviz).
  EXPECT_THAT(*html, testing::HasSubstr("<h3>Maturity 1: Initial</h3>"));
  EXPECT_THAT(*html, testing::HasSubstr("<div class=\"chart\"><svg"));
  EXPECT_THAT(*html, testing::HasSubstr("<div class=\"map\"><svg"));
  EXPECT_THAT(*html, testing::HasSubstr("<h3>As documented</h3>"));
  EXPECT_THAT(*html, testing::HasSubstr("Steps whose practice changed"));
}

}  // namespace
}  // namespace livesop::insight

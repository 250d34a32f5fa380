// The route preview on the example department's SOP, and on small SOPs
// written here for what the example cannot show. Expected routes, approvers
// and dates are read from examples/marketing-ops/*.yaml and the Jakarta
// calendar (09:00-12:00 and 13:00-18:00, Monday to Friday, with the 2026
// holidays), not taken from the preview's output.
#include "engine/preview.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/time.h"
#include "engine/facts.h"
#include "engine/test_util.h"
#include "sop/loader.h"

namespace livesop::engine {
namespace {

using testing::Contains;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;
using testing::Not;

// Monday 2026-01-05, 09:00 in Jakarta: the office has just opened.
const int64_t kMonday = *ParseTimestamp("2026-01-05T09:00:00+07:00");

class PreviewTest : public testing::Test {
 protected:
  static const WorkCalendar& Jakarta() {
    static const WorkCalendar calendar = DefaultCalendar(ExampleSop());
    return calendar;
  }

  // The compiled graph of the example's process `id`, kept for the binary.
  static const sop::ProcessGraph& GraphOf(const std::string& id) {
    static std::map<std::string, sop::ProcessGraph> graphs;
    auto it = graphs.find(id);
    if (it == graphs.end()) {
      const sop::Process* process = ExampleSop().FindProcess(id);
      EXPECT_NE(process, nullptr) << id;
      it = graphs
               .emplace(id, process == nullptr ? sop::ProcessGraph()
                                               : sop::CompileGraph(*process))
               .first;
    }
    return it->second;
  }

  static std::string ProcessOf(const std::string& type) {
    for (const sop::CampaignType& t : ExampleSop().campaign_types) {
      if (t.id == type) return t.process;
    }
    return "";
  }

  // The preview of a request on the example SOP; a failure fails the test.
  static RequestPreview Preview(const std::string& type,
                                const nlohmann::json& values,
                                int64_t now = kMonday) {
    Result<RequestPreview> preview = PreviewRequest(
        ExampleSop(), GraphOf(ProcessOf(type)), type, values, now, Jakarta());
    EXPECT_TRUE(preview.ok()) << preview.status().ToString();
    return preview.ok() ? *preview : RequestPreview();
  }

  // A complete Campaign Request Form with a medium budget (IDR 100
  // million), Instagram and email, launching far ahead.
  static nlohmann::json Request(const std::string& type) {
    nlohmann::json values = {
        {"campaign_name", "Spring"},
        {"requester", "rina-wijaya"},
        {"campaign_type", type},
        {"objective", "awareness"},
        {"target_audience", "Urban professionals, 25-40"},
        {"key_message", "Lighter, faster, greener"},
        {"strategic_outline", "Supports the Q2 growth goal"},
        {"campaign_brief", "https://drive.example.com/brief"},
        {"channels", {"instagram", "email"}},
        {"asset_needs", "Reels, stories, one email"},
        {"budget", 100'000'000},
        {"cost_center", "CC-1234"},
        {"brief_date", "2026-01-05"},
        {"end_date", "2026-12-31"},
        {"timeline", "https://drive.example.com/timeline"},
        {"urgent", false}};
    if (type == "event") {
      values["event_date"] = "2026-09-01";
      values["event_venue"] = "Jakarta";
      values["expected_attendees"] = 300;
    }
    if (type == "partnership") values["partner_name"] = "Bank Nusantara";
    if (type == "seasonal") values["promo_mechanics"] = "20% off";
    return values;
  }

  static std::vector<std::string> Ids(const RequestPreview& p) {
    std::vector<std::string> out;
    for (const PreviewStep& s : p.steps) out.push_back(s.step);
    return out;
  }

  static const PreviewStep& StepOf(const RequestPreview& p,
                                   const std::string& id) {
    for (const PreviewStep& s : p.steps) {
      if (s.step == id) return s;
    }
    ADD_FAILURE() << id << " is not on the route";
    static const PreviewStep none;
    return none;
  }

  // Each approver group as "rule: role, role".
  static std::vector<std::string> Groups(const PreviewStep& step) {
    std::vector<std::string> out;
    for (const ApproverGroup& g : step.approvers) {
      std::string text = g.rule + ":";
      for (const std::string& role : g.roles) text += " " + role;
      out.push_back(text);
    }
    return out;
  }

  static std::vector<std::string> Kinds(const RequestPreview& p,
                                        bool binding_only) {
    std::vector<std::string> out;
    for (const LaunchConstraint& c : p.launch_constraints) {
      if (!binding_only || c.binding) out.push_back(c.kind);
    }
    return out;
  }

  static const LaunchConstraint* ConstraintOf(const RequestPreview& p,
                                              const std::string& kind,
                                              const std::string& date) {
    for (const LaunchConstraint& c : p.launch_constraints) {
      if (c.kind == kind && c.date == date) return &c;
    }
    return nullptr;
  }

  static std::string Codes(const RequestPreview& p) {
    std::string out;
    for (const PreviewProblem& problem : p.problems) {
      out += problem.code + "@" + problem.step + " ";
    }
    return out;
  }

  // The date a date field must hold to be at or after `at` (UTC), as the
  // intake checks count.
  static std::string DayAtOrAfter(int64_t at) {
    constexpr int64_t kDay = int64_t{86400} * 1000 * 1000;
    const int64_t days = at / kDay + (at % kDay > 0 ? 1 : 0);
    return FormatTimestamp(days * kDay).substr(0, 10);
  }

  static sop::BusinessDuration Weeks(int64_t n) {
    sop::BusinessDuration d;
    d.amount = n;
    d.unit = sop::BusinessDuration::Unit::kWeeks;
    return d;
  }
};

// A small SOP on a UTC office calendar (Monday to Friday, 09:00-17:00):
// one campaign type `t` with a lead time of 1w running process `p`, whose
// steps are `steps` (YAML list entries); a matrix `m` that covers only
// small budgets; a deadline 3d before the launch on step `proof`.
sop::LoadResult SmallSop(const std::string& steps) {
  sop::LoadResult loaded = sop::LoadDefinitionFromString(R"yaml(
sop: { id: s, title: T, version: "1.0", owner: ops }
calendars:
  - { id: utc, name: UTC office, timezone: UTC }
calendar:
  default_calendar: utc
  deadlines:
    - { id: proofs, name: Proofs signed off, before_launch: 3d, step: p.proof }
roles:
  - { id: ops, name: Ops }
  - { id: lead, name: Lead }
people:
  - { id: ana, name: Ana, roles: [ops, lead] }
budget:
  currency: IDR
  field: budget
  bands:
    - { id: small, name: Small, below: 1000 }
    - { id: big, name: Big }
approval_matrices:
  - id: m
    name: M
    hit_policy: unique
    rules:
      - { id: small-only, when: { budget_band: small }, approvers: [lead] }
forms:
  - id: f
    name: F
    fields:
      - { id: budget, label: Budget, type: money, currency: IDR }
      - { id: launch_date, label: Launch date, type: date }
      - { id: urgent, label: Urgent, type: boolean }
campaign_types:
  - { id: t, name: Tiny, process: p, form: f, lead_time: 1w }
processes:
  - id: p
    name: P
    owner: ops
    category: revenue-facing
    steps:
)yaml" + steps,
                                                         "small.yaml");
  EXPECT_FALSE(loaded.diagnostics.has_errors());
  return loaded;
}

// Prepare, a proof review, a wait until the launch date, a report.
constexpr const char* kWaitForLaunch = R"yaml(
      - { id: prepare, name: Prepare, type: task, role: ops, sla: 2d, next: proof }
      - { id: proof, name: Proof, type: review, role: lead, sla: 1d, on_approved: launch-wait, on_changes_requested: prepare }
      - { id: launch-wait, name: Until launch, type: wait, until: launch_date, next: report }
      - { id: report, name: Report, type: task, role: ops, sla: 1d, next: end }
)yaml";

RequestPreview PreviewOf(const sop::Definition& sop,
                         const nlohmann::json& values, int64_t now) {
  const sop::ProcessGraph graph = sop::CompileGraph(*sop.FindProcess("p"));
  const WorkCalendar calendar = DefaultCalendar(sop);
  Result<RequestPreview> preview =
      PreviewRequest(sop, graph, "t", values, now, calendar);
  EXPECT_TRUE(preview.ok()) << preview.status().ToString();
  return preview.ok() ? *preview : RequestPreview();
}

TEST_F(PreviewTest, AProductLaunchTakesTheStandardRouteWithItsMatrix) {
  const RequestPreview p = Preview("product-launch", Request("product-launch"));
  EXPECT_EQ(p.process, "campaign-delivery");
  EXPECT_EQ(p.outcome, "completed");
  EXPECT_THAT(p.problems, IsEmpty());
  // Planning to approval one after the other; content and design side by
  // side; approval of both, launch and reporting one after the other.
  const std::vector<std::string> ids = Ids(p);
  ASSERT_EQ(ids.size(), 20u);
  EXPECT_THAT(std::vector<std::string>(ids.begin(), ids.begin() + 5),
              ElementsAre("plan", "internal-review", "submit-request",
                          "completeness-check", "campaign-approval"));
  EXPECT_THAT(std::vector<std::string>(ids.begin() + 5, ids.begin() + 12),
              testing::UnorderedElementsAre(
                  "write-copy", "peer-review", "final-edits", "design-request",
                  "designer-kickoff", "asset-production", "asset-spec-check"));
  EXPECT_THAT(std::vector<std::string>(ids.begin() + 12, ids.end()),
              ElementsAre("content-approval", "pre-launch", "launch-day",
                          "go-live-announcement", "live-period", "post-launch",
                          "reporting", "performance-review"));
  for (size_t i = 5; i < 12; ++i) EXPECT_TRUE(p.steps[i].parallel) << ids[i];
  EXPECT_FALSE(StepOf(p, "campaign-approval").parallel);
  EXPECT_FALSE(StepOf(p, "content-approval").parallel);
  EXPECT_EQ(StepOf(p, "write-copy").via, "production-split: Content");
  EXPECT_EQ(StepOf(p, "campaign-approval").via,
            "route-approval: Standard route");

  // IDR 100 million is the medium band; the channels add email consent;
  // the type adds product accuracy.
  EXPECT_THAT(Groups(StepOf(p, "campaign-approval")),
              ElementsAre("brand-fit: brand-manager",
                          "medium-budget: campaign-lead marketing-ops-lead",
                          "product-accuracy: product-marketing-manager",
                          "email-consent: crm-specialist"));
  EXPECT_THAT(Groups(StepOf(p, "content-approval")),
              ElementsAre("medium-product-content: brand-manager "
                          "product-marketing-manager"));
  EXPECT_EQ(StepOf(p, "plan").role, "campaign-manager");
  EXPECT_EQ(StepOf(p, "internal-review").role, "campaign-lead");
  EXPECT_EQ(StepOf(p, "asset-production").role, "graphic-designer");
  EXPECT_THAT(
      StepOf(p, "go-live-announcement").notify,
      ElementsAre("sales-manager", "head-of-marketing", "campaign-manager"));

  ASSERT_EQ(p.gateways.size(), 1u);
  EXPECT_EQ(p.gateways[0].gateway, "route-approval");
  EXPECT_EQ(p.gateways[0].branch, "Standard route");
  EXPECT_TRUE(p.gateways[0].is_default);
  EXPECT_THAT(p.gateways[0].text, HasSubstr("urgent = false fails \"true\""));
  EXPECT_THAT(p.gateways[0].text,
              HasSubstr("budget_band = medium fails \"large, strategic\""));

  // Each step starts when the one before it is expected done; the join
  // waits for the longer branch (design: 1d + 1d + 5d + 4h against copy:
  // 3d + 1d + 1d).
  EXPECT_EQ(StepOf(p, "plan").starts_us, kMonday);
  EXPECT_EQ(StepOf(p, "plan").due_us, Jakarta().AddWorkingDays(kMonday, 5));
  EXPECT_EQ(StepOf(p, "internal-review").starts_us, StepOf(p, "plan").due_us);
  const PreviewStep& approval = StepOf(p, "campaign-approval");
  EXPECT_EQ(approval.due_us, Jakarta().AddWorkingDays(approval.starts_us, 3));
  EXPECT_EQ(StepOf(p, "content-approval").starts_us,
            StepOf(p, "asset-spec-check").due_us);
  EXPECT_LT(StepOf(p, "final-edits").due_us,
            StepOf(p, "asset-spec-check").due_us);
  EXPECT_TRUE(StepOf(p, "asset-production").critical);
  EXPECT_FALSE(StepOf(p, "write-copy").critical);

  // The launch is tied to the launch-day checklist: it runs on the launch
  // day, and what follows runs after the launch.
  EXPECT_EQ(p.launch_step, "launch-day");
  EXPECT_FALSE(StepOf(p, "pre-launch").after_launch);
  EXPECT_TRUE(StepOf(p, "launch-day").after_launch);
  EXPECT_TRUE(StepOf(p, "reporting").after_launch);
  EXPECT_EQ(StepOf(p, "launch-day").starts_us,
            *Jakarta().StartOfLocalDate(p.earliest_launch));
  EXPECT_EQ(StepOf(p, "live-period").duration, "10d");
}

TEST_F(PreviewTest, EveryCampaignTypeOfTheExampleGetsItsRoute) {
  struct Expected {
    std::string process;
    std::vector<std::string> steps;   // on the route
    std::vector<std::string> absent;  // not on it
    std::string group;                // a group of the campaign approval
  };
  const std::map<std::string, Expected> expected = {
      {"product-launch",
       {"campaign-delivery",
        {"plan", "write-copy", "design-request", "pre-launch", "launch-day",
         "live-period"},
        {"finance-approval", "fast-track-approval", "legal-review"},
        "product-accuracy: product-marketing-manager"}},
      {"event",
       {"event-campaign",
        {"venue-booking", "vendor-contracts", "logistics-plan",
         "registration-page", "registration-test", "write-copy",
         "asset-production", "event-readiness", "launch-day", "until-event",
         "event-day", "lead-handoff"},
        {"pre-launch", "live-period", "finance-approval"},
        "event-sales-commitment: sales-manager"}},
      {"seasonal",
       {"seasonal-campaign",
        {"write-copy", "design-request", "promo-setup", "legal-review",
         "launch-day", "until-end", "post-launch"},
        {"live-period", "finance-approval"},
        "seasonal-media-calendar: digital-marketing-manager"}},
      {"always-on",
       {"campaign-delivery",
        {"plan", "campaign-approval", "content-approval", "launch-day"},
        {"fast-track-approval", "promo-setup"},
        "medium-budget: campaign-lead marketing-ops-lead"}},
      {"partnership",
       {"campaign-delivery",
        {"plan", "campaign-approval", "content-approval", "launch-day"},
        {"fast-track-approval"},
        "partner-agreement: partnerships-manager legal-counsel"}},
  };
  ASSERT_EQ(ExampleSop().campaign_types.size(), expected.size());
  for (const sop::CampaignType& type : ExampleSop().campaign_types) {
    SCOPED_TRACE(type.id);
    ASSERT_EQ(expected.count(type.id), 1u);
    const Expected& want = expected.at(type.id);
    const RequestPreview p = Preview(type.id, Request(type.id));
    EXPECT_EQ(p.process, want.process);
    EXPECT_EQ(p.outcome, "completed");
    EXPECT_EQ(Codes(p), "");
    EXPECT_EQ(p.launch_step, "launch-day");
    for (const std::string& id : want.steps) EXPECT_THAT(Ids(p), Contains(id));
    for (const std::string& id : want.absent) {
      EXPECT_THAT(Ids(p), Not(Contains(id)));
    }
    EXPECT_THAT(Groups(StepOf(p, "campaign-approval")), Contains(want.group));
    for (size_t i = 0; i < p.steps.size(); ++i) {
      EXPECT_LE(p.steps[i].starts_us, p.steps[i].due_us) << p.steps[i].step;
      if (i > 0) {
        EXPECT_LE(p.steps[i - 1].starts_us, p.steps[i].starts_us);
      }
    }
    EXPECT_FALSE(p.earliest_launch.empty());
    // The same request previews the same way; the JSON carries it all.
    const nlohmann::json json = RequestPreviewToJson(p);
    EXPECT_EQ(json, RequestPreviewToJson(Preview(type.id, Request(type.id))));
    EXPECT_EQ(json["steps"].size(), p.steps.size());
    EXPECT_EQ(json["earliest_launch"], p.earliest_launch);
    EXPECT_TRUE(json["requested_launch"].is_null());
  }
  // Only product launches need product accuracy; a partnership's agreement
  // is signed in order.
  EXPECT_THAT(Groups(StepOf(Preview("always-on", Request("always-on")),
                            "campaign-approval")),
              Not(Contains("product-accuracy: product-marketing-manager")));
  const RequestPreview partnership =
      Preview("partnership", Request("partnership"));
  for (const ApproverGroup& g :
       StepOf(partnership, "campaign-approval").approvers) {
    if (g.rule == "partner-agreement") {
      EXPECT_EQ(g.mode, sop::ApprovalMode::kSequential);
    }
  }
  // Events: three branches, one of them split again; the event day waits
  // for the event date.
  const RequestPreview event = Preview("event", Request("event"));
  EXPECT_EQ(StepOf(event, "venue-booking").via,
            "event-split: Venue and logistics");
  EXPECT_EQ(StepOf(event, "write-copy").via, "creative-split: Copy");
  EXPECT_TRUE(StepOf(event, "registration-test").parallel);
  EXPECT_FALSE(StepOf(event, "event-readiness").parallel);
  EXPECT_EQ(StepOf(event, "until-event").duration, "until event_date");
  EXPECT_EQ(StepOf(event, "event-day").starts_us,
            *Jakarta().StartOfLocalDate("2026-09-01"));
  // Seasonal promotions run until their end date.
  const RequestPreview seasonal = Preview("seasonal", Request("seasonal"));
  EXPECT_EQ(StepOf(seasonal, "legal-review").role, "legal-counsel");
  EXPECT_TRUE(StepOf(seasonal, "promo-setup").parallel);
  EXPECT_EQ(StepOf(seasonal, "post-launch").starts_us,
            *Jakarta().StartOfLocalDate("2026-12-31"));
}

TEST_F(PreviewTest, AnUrgentRequestTakesTheFastTrack) {
  nlohmann::json values = Request("product-launch");
  values["budget"] = 20'000'000;  // small
  values["urgent"] = true;
  values["urgency_reason"] = "A competitor launches next month";
  const RequestPreview fast = Preview("product-launch", values);
  values["urgent"] = false;
  const RequestPreview normal = Preview("product-launch", values);

  EXPECT_THAT(Ids(fast), Contains("fast-track-approval"));
  EXPECT_THAT(Ids(fast), Not(Contains("campaign-approval")));
  EXPECT_THAT(Ids(fast), Not(Contains("finance-approval")));
  const PreviewStep& approval = StepOf(fast, "fast-track-approval");
  EXPECT_THAT(Groups(approval),
              ElementsAre(": head-of-marketing marketing-ops-lead "
                          "brand-manager"));
  ASSERT_EQ(approval.approvers.size(), 1u);
  EXPECT_EQ(approval.approvers[0].Needed(), 2);
  EXPECT_EQ(approval.duration, "4h");
  ASSERT_EQ(fast.gateways.size(), 1u);
  EXPECT_EQ(fast.gateways[0].branch,
            "Urgent, small or medium budget — fast track");
  EXPECT_FALSE(fast.gateways[0].is_default);
  EXPECT_THAT(fast.gateways[0].text, HasSubstr("because urgent = true"));

  EXPECT_THAT(Ids(normal), Contains("campaign-approval"));
  EXPECT_THAT(Ids(normal), Not(Contains("fast-track-approval")));

  // The fast track may miss the lead time and the calendar's standard
  // deadlines (both listed, waived); the work itself and the form's
  // minimum notice still hold. Its route: planning to submission 8d, the
  // check and the fast-track approval 4h each (Thursday 2026-01-15, 18:00),
  // design 1d + 1d + 5d from Monday 01-19 (01-16 is a holiday) to
  // 01-27 18:00, the spec check 4h (01-28 14:00), content approval 2d and
  // pre-launch 2d: ready for the launch-day checklist on Tuesday 02-03,
  // so the launch is on Wednesday 02-04.
  EXPECT_EQ(fast.earliest_launch, "2026-02-04");
  EXPECT_THAT(Kinds(fast, true), ElementsAre("path"));
  for (const LaunchConstraint& c : fast.launch_constraints) {
    if (c.kind == "lead-time" || c.kind == "deadline") {
      EXPECT_TRUE(c.waived) << c.text;
      EXPECT_THAT(c.text, HasSubstr("waived"));
    }
  }
  EXPECT_THAT(Kinds(fast, false), Contains("lead-time"));
  EXPECT_LT(fast.earliest_launch, normal.earliest_launch);
  EXPECT_THAT(Kinds(normal, true), Not(Contains("path")));

  // A large budget sees Finance Ops first even when urgent.
  values["urgent"] = true;
  values["budget"] = 500'000'000;
  values["finance_reference"] = "FIN-000123";
  const RequestPreview large = Preview("product-launch", values);
  EXPECT_THAT(Ids(large), Contains("finance-approval"));
  EXPECT_THAT(Ids(large), Contains("campaign-approval"));
  EXPECT_THAT(Ids(large), Not(Contains("fast-track-approval")));
  ASSERT_EQ(large.gateways.size(), 1u);
  EXPECT_THAT(large.gateways[0].text,
              HasSubstr("budget_band = large passes \"large, strategic\""));
}

TEST_F(PreviewTest, BudgetBandsChangeTheApprovers) {
  nlohmann::json values = Request("product-launch");
  values["budget"] = 20'000'000;
  const RequestPreview small = Preview("product-launch", values);
  EXPECT_THAT(Groups(StepOf(small, "campaign-approval")),
              Contains("small-budget: campaign-lead"));
  EXPECT_THAT(Groups(StepOf(small, "campaign-approval")),
              Not(Contains("medium-budget: campaign-lead marketing-ops-lead")));
  EXPECT_THAT(Groups(StepOf(small, "content-approval")),
              ElementsAre("small-content: content-lead"));
  EXPECT_THAT(Ids(small), Not(Contains("finance-approval")));

  values["budget"] = 500'000'000;
  values["finance_reference"] = "FIN-000123";
  const RequestPreview large = Preview("product-launch", values);
  const std::vector<std::string> ids = Ids(large);
  const auto finance = std::find(ids.begin(), ids.end(), "finance-approval");
  const auto campaign = std::find(ids.begin(), ids.end(), "campaign-approval");
  ASSERT_NE(finance, ids.end());
  ASSERT_NE(campaign, ids.end());
  EXPECT_LT(finance, campaign);
  const PreviewStep& finance_step = StepOf(large, "finance-approval");
  EXPECT_THAT(Groups(finance_step), ElementsAre(": finance-ops"));
  EXPECT_EQ(finance_step.approvers[0].quorum, sop::Quorum::kAny);
  EXPECT_EQ(StepOf(large, "campaign-approval").via,
            "");  // reached from the finance approval, not the gateway
  const PreviewStep& campaign_step = StepOf(large, "campaign-approval");
  EXPECT_THAT(Groups(campaign_step),
              Contains("large-budget: marketing-ops-lead head-of-marketing"));
  for (const ApproverGroup& g : campaign_step.approvers) {
    if (g.rule == "large-budget") {
      EXPECT_EQ(g.mode, sop::ApprovalMode::kSequential);
    }
  }
  EXPECT_THAT(Groups(StepOf(large, "content-approval")),
              ElementsAre("large-product-content: brand-manager "
                          "product-marketing-manager head-of-marketing"));

  values["budget"] = 2'000'000'000;
  const RequestPreview strategic = Preview("product-launch", values);
  EXPECT_THAT(Groups(StepOf(strategic, "campaign-approval")),
              Contains("strategic-budget: marketing-ops-lead "
                       "head-of-marketing-ops head-of-marketing"));

  // Paid channels on a budget above small add the media owner.
  values["budget"] = 100'000'000;
  values["channels"] = {"youtube"};
  const RequestPreview paid = Preview("product-launch", values);
  EXPECT_THAT(Groups(StepOf(paid, "campaign-approval")),
              Contains("paid-media: digital-marketing-manager"));
  EXPECT_THAT(Groups(StepOf(paid, "campaign-approval")),
              Not(Contains("email-consent: crm-specialist")));
}

TEST_F(PreviewTest, TheLeadTimeSetsTheLaunchOfAnEvent) {
  // Events need 8w: 40 working days from Monday 2026-01-05 09:00 (01-16,
  // 02-16 and 02-17 are holidays) end on Thursday 03-05 at 09:00, so the
  // launch date is Friday 03-06. The standard deadlines (6w after the
  // brief review on 01-14 ends 03-02) are earlier.
  const RequestPreview p = Preview("event", Request("event"));
  EXPECT_EQ(p.earliest_launch, "2026-03-06");
  EXPECT_EQ(p.earliest_launch,
            DayAtOrAfter(BusinessTimeOn(Jakarta())(kMonday, Weeks(8))));
  EXPECT_THAT(Kinds(p, true), ElementsAre("lead-time"));
  const LaunchConstraint* lead = ConstraintOf(p, "lead-time", "2026-03-06");
  ASSERT_NE(lead, nullptr);
  EXPECT_THAT(lead->text, HasSubstr("Event campaigns need 8w"));
  EXPECT_FALSE(lead->waived);
  EXPECT_EQ(p.earliest_launch_us, *ParseTimestamp("2026-03-06"));

  // The promotion must start 2w before the event (form rule
  // event-after-launch): an event on Friday 03-13 is too soon even for the
  // earliest launch.
  nlohmann::json values = Request("event");
  values["event_date"] = "2026-03-13";
  const RequestPreview soon = Preview("event", values);
  EXPECT_EQ(Codes(soon), "rule@ ");
  EXPECT_THAT(soon.problems[0].message, HasSubstr("event-after-launch"));
}

TEST_F(PreviewTest, ADeadlineSetsTheLaunchOfAProductLaunch) {
  // The brief must be reviewed 6w before the launch: the review is expected
  // done on Wednesday 2026-01-14 at 09:00, and 30 working days later is
  // Monday 03-02 at 09:00; the 6w lead time from 01-05 ends earlier, on
  // 02-19.
  const RequestPreview p = Preview("product-launch", Request("product-launch"));
  const PreviewStep& review = StepOf(p, "internal-review");
  EXPECT_EQ(p.earliest_launch,
            DayAtOrAfter(BusinessTimeOn(Jakarta())(review.due_us, Weeks(6))));
  EXPECT_EQ(p.earliest_launch, "2026-03-03");
  EXPECT_THAT(Kinds(p, true), ElementsAre("deadline"));
  const LaunchConstraint* deadline = ConstraintOf(p, "deadline", "2026-03-03");
  ASSERT_NE(deadline, nullptr);
  EXPECT_THAT(deadline->text, HasSubstr("brief-final"));
  EXPECT_TRUE(deadline->binding);
  const LaunchConstraint* lead = ConstraintOf(p, "lead-time", "2026-02-20");
  ASSERT_NE(lead, nullptr);
  EXPECT_FALSE(lead->binding);
  // Every bound the SOP sets is listed: the lead time, the path, each
  // deadline tied to a step of the route, the form's date rules.
  EXPECT_THAT(Kinds(p, false), Contains("path"));
  EXPECT_THAT(Kinds(p, false), Contains("form-rule"));
  const std::vector<std::string> kinds = Kinds(p, false);
  // The example's 11 deadlines less the 3 tied to no step.
  EXPECT_EQ(std::count(kinds.begin(), kinds.end(), "deadline"), 8);
}

TEST_F(PreviewTest, TheLaunchMovesOffAWeekendAndOutOfAFreeze) {
  // From Monday 2026-01-19 the brief review is done on 01-28; 6w later is
  // Friday 03-13 at 09:00, so the launch would be Saturday 03-14. The
  // weekend and the Lebaran freeze (03-16 to 03-27, a Friday) move it to
  // Monday 03-30.
  const RequestPreview p =
      Preview("product-launch", Request("product-launch"),
              *ParseTimestamp("2026-01-19T09:00:00+07:00"));
  EXPECT_EQ(p.earliest_launch, "2026-03-30");
  const LaunchConstraint* deadline = ConstraintOf(p, "deadline", "2026-03-14");
  ASSERT_NE(deadline, nullptr);
  EXPECT_TRUE(deadline->binding);
  const LaunchConstraint* weekend =
      ConstraintOf(p, "not-working-day", "2026-03-14");
  ASSERT_NE(weekend, nullptr);
  EXPECT_THAT(weekend->text, HasSubstr("2026-03-15 (Sunday)"));
  const LaunchConstraint* freeze = ConstraintOf(p, "freeze", "2026-03-16");
  ASSERT_NE(freeze, nullptr);
  EXPECT_THAT(freeze->text, HasSubstr("Lebaran freeze"));
  EXPECT_TRUE(freeze->binding);
  EXPECT_NE(ConstraintOf(p, "not-working-day", "2026-03-28"), nullptr);
  EXPECT_THAT(Kinds(p, false),
              testing::IsSupersetOf({"not-working-day", "freeze"}));
}

TEST_F(PreviewTest, TheLaunchMovesOffAHoliday) {
  // From Friday 2026-01-30 the brief review is done on Tuesday 02-10; 30
  // working days later (past Nyepi and Idulfitri) is Thursday 04-02, so the
  // launch would be on Good Friday, 04-03; then the weekend.
  const RequestPreview p =
      Preview("product-launch", Request("product-launch"),
              *ParseTimestamp("2026-01-30T09:00:00+07:00"));
  EXPECT_EQ(p.earliest_launch, "2026-04-06");
  const LaunchConstraint* holiday =
      ConstraintOf(p, "not-working-day", "2026-04-03");
  ASSERT_NE(holiday, nullptr);
  EXPECT_THAT(holiday->text, HasSubstr("Good Friday"));
  EXPECT_THAT(holiday->text, HasSubstr("2026-04-05"));
  EXPECT_EQ(ConstraintOf(p, "freeze", "2026-04-03"), nullptr);
}

TEST_F(PreviewTest, TheRequestedLaunchDateIsJudged) {
  nlohmann::json values = Request("product-launch");
  values["launch_date"] = "2026-02-20";
  RequestPreview p = Preview("product-launch", values);
  ASSERT_EQ(p.earliest_launch, "2026-03-03");
  ASSERT_TRUE(p.requested_launch.has_value());
  EXPECT_FALSE(p.requested_launch->feasible);
  EXPECT_EQ(p.requested_launch->short_by_days, 11);
  // 02-20, 02-23 to 02-27 and 03-02.
  EXPECT_EQ(p.requested_launch->short_by_working_days, 7);
  EXPECT_THAT(p.requested_launch->text, HasSubstr("too early"));

  // Later than the earliest, but in the Lebaran freeze: the next possible
  // day is Monday 03-30.
  values["launch_date"] = "2026-03-20";
  p = Preview("product-launch", values);
  EXPECT_FALSE(p.requested_launch->feasible);
  EXPECT_EQ(p.requested_launch->short_by_days, 10);
  EXPECT_THAT(p.requested_launch->text, HasSubstr("Lebaran freeze"));
  EXPECT_THAT(p.requested_launch->text, HasSubstr("2026-03-30"));

  // A feasible date: the launch-day checklist is placed on it.
  values["launch_date"] = "2026-04-01";
  p = Preview("product-launch", values);
  EXPECT_TRUE(p.requested_launch->feasible);
  EXPECT_EQ(p.requested_launch->short_by_days, 0);
  EXPECT_EQ(StepOf(p, "launch-day").starts_us,
            *Jakarta().StartOfLocalDate("2026-04-01"));
  EXPECT_EQ(RequestPreviewToJson(p)["requested_launch"]["feasible"], true);

  values["launch_date"] = "soon";
  p = Preview("product-launch", values);
  EXPECT_FALSE(p.requested_launch.has_value());
  EXPECT_EQ(Codes(p), "not-a-date@ ");
}

TEST_F(PreviewTest, AWaitUntilTheLaunchHoldsTheRouteAtTheLaunch) {
  const sop::LoadResult loaded = SmallSop(kWaitForLaunch);
  // Monday 2026-06-01 09:00 UTC: prepare 2d (06-03), proof 1d (06-04 09:00,
  // so 06-05); the lead time 1w (06-08 09:00, so 06-09); the deadline
  // "proofs", 3d after the proof (06-09 09:00), sets Wednesday 06-10.
  const int64_t now = *ParseTimestamp("2026-06-01T09:00:00Z");
  RequestPreview p = PreviewOf(loaded.definition, {{"urgent", false}}, now);
  EXPECT_EQ(Codes(p), "");
  EXPECT_THAT(Ids(p), ElementsAre("prepare", "proof", "launch-wait", "report"));
  EXPECT_EQ(p.launch_step, "launch-wait");
  EXPECT_EQ(p.earliest_launch, "2026-06-10");
  EXPECT_THAT(Kinds(p, true), ElementsAre("deadline"));
  EXPECT_EQ(ConstraintOf(p, "lead-time", "2026-06-09")->binding, false);
  EXPECT_NE(ConstraintOf(p, "path", "2026-06-05"), nullptr);
  // The wait ends at the launch; the report follows it.
  const int64_t launch = *ParseTimestamp("2026-06-10T00:00:00Z");
  EXPECT_EQ(StepOf(p, "launch-wait").starts_us,
            *ParseTimestamp("2026-06-04T09:00:00Z"));
  EXPECT_EQ(StepOf(p, "launch-wait").due_us, launch);
  EXPECT_EQ(StepOf(p, "report").starts_us, launch);
  EXPECT_EQ(StepOf(p, "report").due_us,
            *ParseTimestamp("2026-06-10T17:00:00Z"));
  EXPECT_TRUE(StepOf(p, "report").after_launch);
  EXPECT_FALSE(StepOf(p, "proof").after_launch);
  EXPECT_TRUE(StepOf(p, "proof").critical);

  // Urgent: the lead time and the deadline are waived; the work is not.
  p = PreviewOf(loaded.definition, {{"urgent", true}}, now);
  EXPECT_EQ(p.earliest_launch, "2026-06-05");
  EXPECT_THAT(Kinds(p, true), ElementsAre("path"));

  // A requested Saturday is no launch day; the engine would still end the
  // wait on it.
  p = PreviewOf(loaded.definition, {{"launch_date", "2026-06-20"}}, now);
  ASSERT_TRUE(p.requested_launch.has_value());
  EXPECT_FALSE(p.requested_launch->feasible);
  EXPECT_THAT(p.requested_launch->text,
              HasSubstr("2026-06-21 (Sunday) are not working days"));
  EXPECT_THAT(p.requested_launch->text, HasSubstr("2026-06-22"));
  EXPECT_EQ(p.requested_launch->short_by_days, 2);
  EXPECT_EQ(p.requested_launch->short_by_working_days, 0);
  EXPECT_EQ(StepOf(p, "report").starts_us,
            *ParseTimestamp("2026-06-20T00:00:00Z"));
}

TEST_F(PreviewTest, AJoinWaitsForItsLongestBranch) {
  // The short branch's second step starts after the long branch, but is
  // done first: the step after the join starts when the long one is done.
  const sop::LoadResult loaded = SmallSop(R"yaml(
      - id: split
        name: Split
        type: parallel
        branches:
          - { next: long, label: Long }
          - { next: short-1, label: Short }
      - { id: long, name: Long, type: task, role: ops, sla: 5d, next: join }
      - { id: short-1, name: Short 1, type: task, role: ops, sla: 1d, next: short-2 }
      - { id: short-2, name: Short 2, type: task, role: ops, sla: 1d, next: join }
      - { id: join, name: Join, type: join, next: after }
      - { id: after, name: After, type: task, role: ops, sla: 1d, next: end }
)yaml");
  const int64_t now = *ParseTimestamp("2026-06-01T09:00:00Z");
  const RequestPreview p = PreviewOf(loaded.definition, {}, now);
  EXPECT_EQ(Codes(p), "");
  EXPECT_THAT(Ids(p), ElementsAre("long", "short-1", "short-2", "after"));
  EXPECT_EQ(StepOf(p, "short-2").due_us,
            *ParseTimestamp("2026-06-03T09:00:00Z"));
  EXPECT_EQ(StepOf(p, "after").starts_us,
            *ParseTimestamp("2026-06-08T09:00:00Z"));
  EXPECT_EQ(p.finish_us, *ParseTimestamp("2026-06-09T09:00:00Z"));
  EXPECT_EQ(StepOf(p, "long").via, "split: Long");
  EXPECT_TRUE(StepOf(p, "short-2").parallel);
  EXPECT_FALSE(StepOf(p, "after").parallel);
  EXPECT_EQ(p.outcome, "completed");
}

TEST_F(PreviewTest, AGatewayWithNoBranchIsAProblemNotACrash) {
  const sop::LoadResult loaded = SmallSop(R"yaml(
      - { id: intake, name: Intake, type: task, role: ops, sla: 1d, next: route }
      - id: route
        name: Route
        type: exclusive
        branches:
          - { when: { urgent: "true" }, next: rush, label: Rush }
      - { id: rush, name: Rush, type: task, role: ops, next: end }
)yaml");
  const int64_t now = *ParseTimestamp("2026-06-01T09:00:00Z");
  const RequestPreview p =
      PreviewOf(loaded.definition, {{"urgent", false}}, now);
  EXPECT_EQ(Codes(p), "no-branch@intake ");
  ASSERT_FALSE(p.problems.empty());
  EXPECT_THAT(p.problems[0].message, HasSubstr("gateway route"));
  EXPECT_THAT(Ids(p), ElementsAre("intake"));
  EXPECT_THAT(p.gateways, IsEmpty());
  EXPECT_EQ(p.outcome, "");
  // The launch still has its lead time: 1w from Monday 06-01.
  EXPECT_EQ(p.earliest_launch, "2026-06-09");

  const RequestPreview rush =
      PreviewOf(loaded.definition, {{"urgent", true}}, now);
  EXPECT_EQ(Codes(rush), "");
  EXPECT_THAT(Ids(rush), ElementsAre("intake", "rush"));
  EXPECT_EQ(rush.outcome, "completed");
}

TEST_F(PreviewTest, AnApprovalNoMatrixRuleCoversIsAProblem) {
  const sop::LoadResult loaded = SmallSop(R"yaml(
      - { id: approve, name: Approve, type: approval, matrix: m, sla: 1d, on_approved: publish }
      - { id: publish, name: Publish, type: task, role: ops, sla: 1d, next: end }
)yaml");
  const int64_t now = *ParseTimestamp("2026-06-01T09:00:00Z");
  const RequestPreview big =
      PreviewOf(loaded.definition, {{"budget", 5000}}, now);
  EXPECT_EQ(Codes(big), "no-approvers@approve ");
  EXPECT_THAT(big.problems[0].message, HasSubstr("big"));
  EXPECT_THAT(StepOf(big, "approve").approvers, IsEmpty());
  // The rest of the route is still shown.
  EXPECT_THAT(Ids(big), ElementsAre("approve", "publish"));
  EXPECT_EQ(big.outcome, "completed");
  // No launch step: the approval bounds the launch.
  EXPECT_EQ(big.launch_step, "");
  EXPECT_NE(ConstraintOf(big, "path", "2026-06-03"), nullptr);

  const RequestPreview small =
      PreviewOf(loaded.definition, {{"budget", 500}}, now);
  EXPECT_EQ(Codes(small), "");
  EXPECT_THAT(Groups(StepOf(small, "approve")),
              ElementsAre("small-only: lead"));
}

TEST_F(PreviewTest, AnUnknownTypeOrAnotherProcesssGraphIsRefused) {
  Result<RequestPreview> typo =
      PreviewRequest(ExampleSop(), GraphOf("event-campaign"), "evnt",
                     Request("event"), kMonday, Jakarta());
  EXPECT_EQ(typo.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(typo.status().message(), HasSubstr("Did you mean \"event\""));
  Result<RequestPreview> wrong =
      PreviewRequest(ExampleSop(), GraphOf("campaign-delivery"), "event",
                     Request("event"), kMonday, Jakarta());
  EXPECT_EQ(wrong.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(wrong.status().message(), HasSubstr("event-campaign"));
}

}  // namespace
}  // namespace livesop::engine

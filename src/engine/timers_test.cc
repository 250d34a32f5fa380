// Deadlines on the business calendar and the sweep that fires them: SLA
// breaches escalated level by level, waits that end by themselves,
// escalations raised by the request's facts and by rejections.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::HasSubstr;

constexpr int64_t kHour = int64_t{3600} * 1'000'000;

class TimersTest : public EngineFixture {
 protected:
  size_t InboxOf(const std::string& person) {
    store::InboxQuery query;
    query.recipient = person;
    auto items = store_->Inbox(query);
    EXPECT_TRUE(items.ok());
    return items.ok() ? items->size() : 0;
  }

  int64_t Sweep() {
    auto report = engine_->Sweep();
    EXPECT_TRUE(report.ok()) << report.status().ToString();
    if (!report.ok()) return -1;
    EXPECT_TRUE(report->problems.empty()) << report->problems.front();
    return report->events;
  }

  const WorkCalendar calendar_ = DefaultCalendar(ExampleSop());
};

TEST_F(TimersTest, TasksAreDueAfterTheirSlaInWorkingTime) {
  auto state = SubmitLaunch("t-1");
  ASSERT_TRUE(state.ok());
  // The plan has a 5-day SLA on the Jakarta calendar.
  const int64_t due = calendar_.AddWorkingDays(clock_.NowMicros(), 5);
  ASSERT_EQ(state->timers.count("t-1/plan"), 1u);
  EXPECT_EQ(state->timers.at("t-1/plan").due_us, due);
  EXPECT_EQ(state->timers.at("t-1/plan").kind, "sla");
  store::TaskQuery query;
  query.campaign = "t-1";
  auto tasks = store_->Tasks(query);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].due_us, due);
  // Done in time: no timer is left and nothing fires.
  auto done = engine_->Complete("t-1", "plan", PersonFor("campaign-manager"));
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->timers.count("t-1/plan"), 0u);
  clock_.Advance(6 * 24 * kHour);
  EXPECT_GE(Sweep(), 0);
  EXPECT_TRUE(EventsOf("t-1", "sla_breached").empty() ||
              EventsOf("t-1", "sla_breached")[0].step != "plan");
}

// SLAs run on the calendar of whoever holds the task: their own, else
// their team's; a queued task on its role's team's calendar.
TEST_F(TimersTest, SlasRunOnTheCalendarOfThePersonOrTeamHoldingTheTask) {
  sop::Definition sop = ExampleSop();
  sop::BusinessCalendar berlin;
  berlin.id = "berlin";
  berlin.timezone = "Europe/Berlin";
  berlin.working_days = {"mon", "tue", "wed", "thu", "fri"};
  berlin.working_hours = {"09:00-17:00"};
  berlin.holidays.push_back({{}, {}, "2026-01-02", "Office closed"});
  sop.calendars.push_back(berlin);
  std::string team;
  for (const sop::Role& r : sop.roles) {
    if (r.id == "campaign-manager") team = r.team;
  }
  ASSERT_FALSE(team.empty());
  for (sop::Team& t : sop.teams) {
    if (t.id == team) t.calendar = "berlin";
  }
  for (sop::Person& p : sop.people) {
    if (p.team == team) p.calendar.clear();
  }
  Calendars calendars(sop);
  const WorkCalendar& on_berlin = calendars.ById("berlin");
  EXPECT_EQ(&calendars.OfRole("campaign-manager"), &on_berlin);
  EXPECT_EQ(&calendars.OfPerson(PersonFor("campaign-manager")), &on_berlin);
  EXPECT_EQ(calendars.IdOfPerson(PersonFor("campaign-manager")), "berlin");
  EXPECT_EQ(&calendars.ById("nowhere"), &calendars.Default());

  engine_ = std::make_unique<Engine>(*store_, sop, clock_);
  auto state = SubmitLaunch("t-cal");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(state->timers.count("t-cal/plan"), 1u);
  const int64_t due = on_berlin.AddWorkingDays(clock_.NowMicros(), 5);
  EXPECT_EQ(state->timers.at("t-cal/plan").due_us, due);
  // Berlin's day off on 2 January and its hours make it differ from Jakarta.
  EXPECT_NE(due, calendar_.AddWorkingDays(clock_.NowMicros(), 5));
}

// A reminder goes to whoever holds the task before it is due, once; the
// task's timer then points at the deadline, and after the breach at
// nothing, so later sweeps do not find it again.
TEST_F(TimersTest, AReminderGoesOutOnceBeforeTheDeadline) {
  sop::Definition sop = ExampleSop();
  ASSERT_TRUE(sop.calendar.has_value());
  sop.calendar->remind_before = sop::BusinessDuration{};
  sop.calendar->remind_before->amount = 4;
  sop.calendar->remind_before->unit = sop::BusinessDuration::Unit::kHours;
  sop.calendar->remind_before->text = "4h";
  engine_ = std::make_unique<Engine>(*store_, sop, clock_);
  auto state = SubmitLaunch("t-rem");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const Timer& timer = state->timers.at("t-rem/plan");
  const int64_t due = timer.due_us;
  EXPECT_EQ(timer.remind_us, calendar_.AddWorkingMinutes(due, -4 * 60));
  store::TaskQuery query;
  query.campaign = "t-rem";
  auto tasks = store_->Tasks(query);
  ASSERT_TRUE(tasks.ok());
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].timer_us, timer.remind_us);

  clock_.Set(timer.remind_us - 1);
  EXPECT_EQ(Sweep(), 0);
  EXPECT_TRUE(EventsOf("t-rem", "sla_reminded").empty());
  clock_.Set(timer.remind_us);
  EXPECT_EQ(Sweep(), 2);  // sla_reminded and its notification
  ASSERT_EQ(EventsOf("t-rem", "sla_reminded").size(), 1u);
  store::InboxQuery inbox;
  inbox.recipient = PersonFor("campaign-manager");
  auto items = store_->Inbox(inbox);
  ASSERT_TRUE(items.ok());
  bool reminded = false;
  for (const store::InboxItem& item : *items) {
    reminded = reminded || item.subject.find("Due ") == 0;
  }
  EXPECT_TRUE(reminded);
  tasks = store_->Tasks(query);
  ASSERT_TRUE(tasks.ok());
  EXPECT_EQ((*tasks)[0].timer_us, due);
  EXPECT_EQ(Sweep(), 0);  // once

  clock_.Set(due);
  EXPECT_GT(Sweep(), 0);
  EXPECT_EQ(EventsOf("t-rem", "sla_breached").size(), 1u);
  tasks = store_->Tasks(query);
  ASSERT_TRUE(tasks.ok());
  EXPECT_EQ((*tasks)[0].timer_us, 0);
  store::TaskQuery sweep;
  sweep.timer_by_us = due + 1;
  sweep.campaign = "t-rem";
  auto found = store_->Tasks(sweep);
  ASSERT_TRUE(found.ok());
  for (const store::TaskRecord& t : *found) EXPECT_NE(t.task, "t-rem/plan");
}

// A reminder counted back past the task's start is not sent.
TEST_F(TimersTest, NoReminderBeforeTheTaskExists) {
  sop::Definition sop = ExampleSop();
  sop.calendar->remind_before = sop::BusinessDuration{};
  sop.calendar->remind_before->amount = 30;
  sop.calendar->remind_before->unit = sop::BusinessDuration::Unit::kDays;
  engine_ = std::make_unique<Engine>(*store_, sop, clock_);
  auto state = SubmitLaunch("t-rem2");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->timers.at("t-rem2/plan").remind_us, 0);
}

// A step that needs a template without an approved version flags it and
// escalates to the template's owner (seed 001, section 13: "Missing
// templates → AI flags and logs request to document owner"), from the
// moment the task is created; the escalation stops when the task moves.
TEST_F(TimersTest, AMissingTemplateIsFlaggedToItsOwner) {
  sop::Definition sop = ExampleSop();
  std::string owner;
  for (sop::Template& t : sop.templates) {
    if (t.id != "campaign-brief") continue;
    for (sop::TemplateVersion& v : t.versions) {
      if (v.status == "approved") v.status = "draft";
    }
    owner = t.owner;
  }
  ASSERT_FALSE(owner.empty());
  engine_ = std::make_unique<Engine>(*store_, sop, clock_);
  auto state = SubmitLaunch("t-tpl");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const auto flags = EventsOf("t-tpl", "template_missing");
  ASSERT_EQ(flags.size(), 1u);
  EXPECT_THAT(flags[0].payload, HasSubstr("\"template\":\"campaign-brief\""));
  EXPECT_THAT(flags[0].payload, HasSubstr("no approved version"));
  // The first level goes at once (after: 0h) to the template's owner role.
  const auto raised = EventsOf("t-tpl", "escalation_raised");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_THAT(raised[0].payload, HasSubstr("missing-template"));
  for (const sop::Person& p : sop.people) {
    const bool holds =
        std::find(p.roles.begin(), p.roles.end(), owner) != p.roles.end();
    if (holds) {
      EXPECT_THAT(raised[0].payload, HasSubstr("\"" + p.id + "\""));
    }
  }
  ASSERT_EQ(state->timers.count("t-tpl/plan#missing-template"), 1u);
  EXPECT_EQ(state->timers.at("t-tpl/plan#missing-template").template_id,
            "campaign-brief");
  // The plan done: the escalation stops.
  auto done = engine_->Complete("t-tpl", "plan", PersonFor("campaign-manager"));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_EQ(done->timers.count("t-tpl/plan#missing-template"), 0u);
}

// With every template approved, nothing is flagged.
TEST_F(TimersTest, ApprovedTemplatesAreNotFlagged) {
  auto state = SubmitLaunch("t-tpl2");
  ASSERT_TRUE(state.ok());
  EXPECT_TRUE(EventsOf("t-tpl2", "template_missing").empty());
}

TEST_F(TimersTest, ALateApprovalIsEscalatedLevelByLevelOnce) {
  auto state = SubmitLaunch("t-2");
  ASSERT_TRUE(state.ok());
  CampaignState s = Until(*state, "campaign-approval");
  const std::string task = "t-2/campaign-approval/brand-manager";
  ASSERT_EQ(s.timers.count(task), 1u);
  const int64_t due = s.timers.at(task).due_us;
  const std::string ops = PersonFor("marketing-ops-lead");
  const size_t ops_inbox = InboxOf(ops);
  // Due, but the first level waits 2 working hours after the breach.
  clock_.Set(due + 1);
  EXPECT_GT(Sweep(), 0);
  EXPECT_FALSE(EventsOf("t-2", "sla_breached").empty());
  EXPECT_TRUE(EventsOf("t-2", "escalation_raised").empty());
  EXPECT_EQ(Sweep(), 0);  // nothing twice
  clock_.Set(calendar_.AddWorkingMinutes(due, 2 * 60) + 1);
  EXPECT_GT(Sweep(), 0);
  auto raised = EventsOf("t-2", "escalation_raised");
  // One escalation per approver task that is late (the whole matrix was
  // asked at once), each to the Marketing Ops Lead.
  ASSERT_FALSE(raised.empty());
  for (const store::Event& e : raised) {
    EXPECT_EQ(e.role, "marketing-ops-lead");
    EXPECT_THAT(e.payload, HasSubstr("\"notice\":1"));
  }
  EXPECT_EQ(InboxOf(ops), ops_inbox + raised.size());
  const size_t first = raised.size();
  EXPECT_EQ(Sweep(), 0);
  // A working day after the breach: the Head of Marketing.
  clock_.Set(calendar_.AddWorkingDays(due, 1) + 1);
  EXPECT_GT(Sweep(), 0);
  raised = EventsOf("t-2", "escalation_raised");
  ASSERT_EQ(raised.size(), 2 * first);
  EXPECT_EQ(raised.back().role, "head-of-marketing");
  // Then three repeats, four working hours apart, and no more.
  clock_.Set(calendar_.AddWorkingDays(due, 10));
  EXPECT_GT(Sweep(), 0);
  EXPECT_EQ(EventsOf("t-2", "escalation_raised").size(), 5 * first);
  clock_.Advance(30 * 24 * kHour);
  EXPECT_EQ(Sweep(), 0);
  // Deciding the approval closes what chases it.
  auto now = engine_->Load("t-2");
  ASSERT_TRUE(now.ok());
  ASSERT_TRUE(engine_
                  ->Decide("t-2", "campaign-approval",
                           PersonFor("brand-manager"), Verdict::kApprove, "")
                  .ok());
  auto after = engine_->Load("t-2");
  EXPECT_EQ(after->timers.count(task + "#delayed-approval"), 0u);
  EXPECT_EQ(after->timers.count(task), 0u);
}

TEST_F(TimersTest, TwoEnginesSweepingAtOnceRaiseEachNoticeOnce) {
  auto state = SubmitLaunch("t-3");
  ASSERT_TRUE(state.ok());
  CampaignState s = Until(*state, "campaign-approval");
  const int64_t due = s.timers.at("t-3/campaign-approval/brand-manager").due_us;
  auto other_store = store::OpenStore((dir_ / "livesop.db").string());
  ASSERT_TRUE(other_store.ok());
  Engine other(**other_store, ExampleSop(), clock_);
  clock_.Set(calendar_.AddWorkingMinutes(due, 2 * 60) + 1);
  ASSERT_TRUE(other.Sweep().ok());
  const size_t raised = EventsOf("t-3", "escalation_raised").size();
  ASSERT_GT(raised, 0u);
  // This engine's cached state is behind; its sweep finds nothing left.
  EXPECT_EQ(Sweep(), 0);
  EXPECT_EQ(EventsOf("t-3", "escalation_raised").size(), raised);
  // Each late task's breach is recorded once.
  std::set<std::string> late;
  const auto breaches = EventsOf("t-3", "sla_breached");
  for (const store::Event& e : breaches) late.insert(e.payload);
  EXPECT_EQ(late.size(), breaches.size());
  EXPECT_GT(breaches.size(), 0u);
}

TEST_F(TimersTest, AWaitEndsByItself) {
  auto state = SubmitLaunch("t-4");
  ASSERT_TRUE(state.ok());
  CampaignState s = Until(*state, "live-period");
  ASSERT_EQ(s.timers.at("t-4/live-period").kind, "wait");
  const int64_t end = s.timers.at("t-4/live-period").due_us;
  EXPECT_EQ(end, calendar_.AddWorkingDays(clock_.NowMicros(), 10));
  clock_.Set(end - 1);
  EXPECT_EQ(Sweep(), 0);
  clock_.Set(end);
  EXPECT_GT(Sweep(), 0);
  auto after = engine_->Load("t-4");
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->flow.active.count(Graph().Find("live-period")), 0u);
  EXPECT_EQ(after->flow.active.count(Graph().Find("post-launch")), 1u);
  EXPECT_TRUE(EventsOf("t-4", "sla_breached").empty() ||
              EventsOf("t-4", "sla_breached").back().step != "live-period");
}

TEST_F(TimersTest, AnExpeditedCampaignGetsShorterSlas) {
  ASSERT_TRUE(SubmitLaunch("t-5").ok());
  Expedite how;
  how.sla_factor = 0.5;
  Departure d;
  d.actor = PersonFor("campaign-manager");
  d.reason = "launch moved forward";
  ASSERT_TRUE(engine_->ExpediteCampaign("t-5", how, d).ok());
  auto done = engine_->Complete("t-5", "plan", PersonFor("campaign-manager"));
  ASSERT_TRUE(done.ok());
  // The internal review's 2 days (2 x 8 working hours in Jakarta) become
  // 8 hours.
  EXPECT_EQ(done->timers.at("t-5/internal-review").due_us,
            calendar_.AddWorkingMinutes(clock_.NowMicros(), 8 * 60));
}

TEST_F(TimersTest, AnUrgentLargeRequestIsEscalatedUntilAcknowledged) {
  SubmitCommand command;
  command.campaign = "t-6";
  command.campaign_type = "product-launch";
  command.title = "Flash sale";
  command.actor = PersonFor("campaign-manager");
  command.values = ValidLaunch(command.actor);
  command.values["urgent"] = true;
  command.values["budget"] = 400'000'000;  // large
  command.values["urgency_reason"] = "competitor launch";
  auto state = engine_->Submit(command);
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const std::string id = "t-6#urgent-large-campaign";
  ASSERT_EQ(state->timers.count(id), 1u);
  const std::string head = PersonFor("head-of-marketing");
  const size_t before = InboxOf(head);
  clock_.Set(calendar_.AddWorkingMinutes(clock_.NowMicros(), 60) + 1);
  EXPECT_GT(Sweep(), 0);
  EXPECT_EQ(InboxOf(head), before + 1);
  EXPECT_EQ(
      engine_->Acknowledge("t-6", id, PersonFor("copywriter")).status().code(),
      StatusCode::kPermissionDenied);
  EXPECT_EQ(engine_->Acknowledge("t-6", "t-6#nope", head).status().code(),
            StatusCode::kNotFound);
  auto acknowledged = engine_->Acknowledge("t-6", id, head);
  ASSERT_TRUE(acknowledged.ok()) << acknowledged.status().ToString();
  EXPECT_EQ(acknowledged->timers.count(id), 0u);
  EXPECT_EQ(*engine_->Load("t-6"), *acknowledged);
}

TEST_F(TimersTest, ARejectionIsFollowedUpAfterTheCampaignEnds) {
  auto state = SubmitLaunch("t-7");
  ASSERT_TRUE(state.ok());
  CampaignState s = Until(*state, "campaign-approval");
  auto rejected =
      engine_->Decide("t-7", "campaign-approval", PersonFor("brand-manager"),
                      Verdict::kReject, "off brand");
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(rejected->status, "rejected");
  const std::string id = "t-7#campaign-rejected";
  ASSERT_EQ(rejected->timers.count(id), 1u);
  // The approvers' SLA timers went with the campaign.
  EXPECT_EQ(rejected->timers.size(), 1u);
  clock_.Set(calendar_.AddWorkingMinutes(clock_.NowMicros(), 60) + 1);
  EXPECT_GT(Sweep(), 0);
  auto raised = EventsOf("t-7", "escalation_raised");
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].role, "campaign-lead");
  auto done = engine_->Acknowledge("t-7", id, PersonFor("campaign-lead"));
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  EXPECT_TRUE(done->timers.empty());
}

// Spend over the request's budget starts the budget-constraint escalation
// to Finance Ops; it stops when acknowledged, and a later spend still over
// the budget starts it again.
TEST_F(TimersTest, SpendOverTheBudgetIsEscalatedToFinanceOps) {
  auto state = SubmitLaunch("t-spend");  // budget IDR 50,000,000
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const std::string owner = state->owner;
  const std::string finance = PersonFor("finance-ops");
  ASSERT_EQ(engine_->BudgetOf(*state), 50'000'000.0);
  const std::string id = "t-spend#budget-constraint";

  auto under = engine_->RecordSpend("t-spend", owner, 30'000'000, "media buy");
  ASSERT_TRUE(under.ok()) << under.status().ToString();
  EXPECT_EQ(under->spent, 30'000'000.0);
  EXPECT_TRUE(EventsOf("t-spend", "budget_exceeded").empty());

  auto over =
      engine_->RecordSpend("t-spend", finance, 25'000'000, "agency invoice");
  ASSERT_TRUE(over.ok()) << over.status().ToString();
  EXPECT_EQ(over->spent, 55'000'000.0);
  const auto exceeded = EventsOf("t-spend", "budget_exceeded");
  ASSERT_EQ(exceeded.size(), 1u);
  EXPECT_THAT(exceeded[0].payload, HasSubstr("\"over\":5000000"));
  EXPECT_THAT(exceeded[0].payload, HasSubstr("by 5000000"));
  ASSERT_EQ(over->timers.count(id), 1u);

  // Still over and the escalation open: no second one.
  auto more = engine_->RecordSpend("t-spend", owner, 1'000'000, "print");
  ASSERT_TRUE(more.ok()) << more.status().ToString();
  EXPECT_EQ(EventsOf("t-spend", "budget_exceeded").size(), 1u);

  // The first level goes to Finance Ops after two working hours.
  const size_t before = InboxOf(finance);
  clock_.Set(calendar_.AddWorkingMinutes(clock_.NowMicros(), 121));
  EXPECT_GT(Sweep(), 0);
  EXPECT_EQ(InboxOf(finance), before + 1);
  const auto raised = EventsOf("t-spend", "escalation_raised");
  ASSERT_FALSE(raised.empty());
  EXPECT_THAT(raised.back().payload, HasSubstr("\"" + finance + "\""));

  auto acknowledged = engine_->Acknowledge("t-spend", id, finance);
  ASSERT_TRUE(acknowledged.ok()) << acknowledged.status().ToString();
  EXPECT_EQ(acknowledged->timers.count(id), 0u);
  // A refund raises nothing; more spend while over starts it again.
  ASSERT_TRUE(engine_->RecordSpend("t-spend", owner, -500'000, "credit").ok());
  EXPECT_EQ(EventsOf("t-spend", "budget_exceeded").size(), 1u);
  auto again = engine_->RecordSpend("t-spend", owner, 2'000'000, "reprint");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(EventsOf("t-spend", "budget_exceeded").size(), 2u);
  EXPECT_EQ(again->spent, 57'500'000.0);
  EXPECT_EQ(*engine_->Load("t-spend"), *again);
}

TEST_F(TimersTest, SpendIsRefusedWithAReason) {
  auto state = SubmitLaunch("t-spend2");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const std::string owner = state->owner;
  auto zero = engine_->RecordSpend("t-spend2", owner, 0, "");
  EXPECT_EQ(zero.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(zero.status().message(), HasSubstr("other than 0"));
  EXPECT_EQ(
      engine_->RecordSpend("t-spend2", owner, std::nan(""), "").status().code(),
      StatusCode::kInvalidArgument);
  auto stranger =
      engine_->RecordSpend("t-spend2", PersonFor("copywriter"), 10, "");
  EXPECT_EQ(stranger.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(stranger.status().message(), HasSubstr("Finance Ops"));
  EXPECT_EQ(engine_->RecordSpend("t-nope", owner, 10, "").status().code(),
            StatusCode::kNotFound);
  // Nothing was written by the refused spends but the refusal itself.
  EXPECT_TRUE(EventsOf("t-spend2", "spend_recorded").empty());
  EXPECT_EQ(EventsOf("t-spend2", "command_refused").size(), 1u);
}

}  // namespace
}  // namespace livesop::engine

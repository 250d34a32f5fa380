#include "insight/history.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace livesop::insight {
namespace {

using testing::ElementsAre;
using testing::Field;

constexpr int64_t kHour = int64_t{3600} * 1'000'000;

// Events of one campaign, positions and times from 1 hour on.
class Events {
 public:
  store::Event& Add(const std::string& type, const std::string& step = "",
                    const std::string& payload = "{}") {
    store::Event e;
    e.position = static_cast<int64_t>(events_.size()) + 1;
    e.campaign = "C1";
    e.campaign_type = "product-launch";
    e.sop_version = "1.0.0";
    e.type = type;
    e.activity = step.empty() ? type : "Step " + step;
    e.step = step;
    e.time_us = e.position * kHour;
    e.payload = payload;
    events_.push_back(e);
    return events_.back();
  }

  History Build() const {
    HistoryBuilder builder;
    for (const store::Event& e : events_) builder.Add(e);
    return builder.Finish();
  }

 private:
  std::vector<store::Event> events_;
};

TEST(HistoryTest, VisitsRunFromTheStartToTheEventThatEndsTheWork) {
  Events log;
  log.Add("campaign_created", "",
          R"({"title": "Spring", "owner": "ana", "values": {"urgent": true,
              "channels": ["email", "instagram"], "budget": 5000}})");
  log.Add("task_created", "plan", R"({"due_us": 99})");
  log.Add("task_completed", "plan", R"({"outcome": "done"})").resource = "ana";
  log.Add("approval_requested", "approve");
  log.Add("task_created", "approve", R"({"due_us": 77})");  // an approver's
  log.Add("approval_decided", "approve", R"({"decision": "approve"})")
      .resource = "budi";
  log.Add("approval_decided", "approve",
          R"({"decision": "request_changes", "outcome": "changes_requested"})")
      .resource = "citra";
  log.Add("task_cancelled", "approve");
  log.Add("task_created", "plan");
  log.Add("campaign_cancelled");

  const History history = log.Build();
  ASSERT_EQ(history.campaigns.size(), 1u);
  const CampaignHistory& c = history.campaigns[0];
  EXPECT_EQ(c.title, "Spring");
  EXPECT_EQ(c.owner, "ana");
  EXPECT_TRUE(c.urgent);
  EXPECT_THAT(c.channels, ElementsAre("email", "instagram"));
  EXPECT_EQ(c.budget, 5000);
  EXPECT_EQ(c.status, "cancelled");
  EXPECT_EQ(c.closed_us, 10 * kHour);
  ASSERT_EQ(c.visits.size(), 3u);
  EXPECT_EQ(c.visits[0].step, "plan");
  EXPECT_EQ(c.visits[0].start_us, 2 * kHour);
  EXPECT_EQ(c.visits[0].end_us, 3 * kHour);
  EXPECT_EQ(c.visits[0].due_us, 99);
  EXPECT_EQ(c.visits[0].by, "ana");
  EXPECT_EQ(c.visits[1].step, "approve");
  EXPECT_EQ(c.visits[1].outcome, "changes_requested");
  EXPECT_EQ(c.visits[1].by, "citra");
  EXPECT_EQ(c.visits[1].start.position, 4);
  EXPECT_EQ(c.visits[1].due_us, 77);
  EXPECT_EQ(c.visits[2].step, "plan");
  EXPECT_EQ(c.visits[2].visit, 2);
  EXPECT_EQ(c.visits[2].outcome, "cancelled");
  ASSERT_EQ(c.decisions.size(), 2u);
  EXPECT_FALSE(c.decisions[0].settled);
  EXPECT_TRUE(c.decisions[1].settled);
  EXPECT_TRUE(c.on_path());
  EXPECT_TRUE(c.pressured());
}

TEST(HistoryTest, ADepartureIsCountedOnceHoweverManyEventsItWrote) {
  Events log;
  log.Add("approval_requested", "approve");
  log.Add("task_created", "approve");
  log.Add("task_created", "approve");
  for (int i = 0; i < 2; ++i) {
    store::Event& e =
        log.Add("task_skipped", "approve", R"({"outcome": "approved"})");
    e.deviation = "skip";
    e.resource = "sari";
    e.reason = "launch tomorrow";
    e.time_us = 4 * kHour;  // one command: one time
  }
  const History history = log.Build();
  const CampaignHistory& c = history.campaigns[0];
  ASSERT_EQ(c.visits.size(), 1u);
  EXPECT_EQ(c.visits[0].outcome, "skipped");
  EXPECT_EQ(c.visits[0].deviation, "skip");
  ASSERT_EQ(c.departures.size(), 1u);
  EXPECT_EQ(c.departures[0].kind, "skip");
  EXPECT_EQ(c.departures[0].actor, "sari");
  EXPECT_EQ(c.departures[0].reason, "launch tomorrow");
  EXPECT_FALSE(c.on_path());
}

TEST(HistoryTest, EscalationTasksAreNotVisitsAndBreachesMarkTheVisit) {
  Events log;
  log.Add("task_created", "plan");
  log.Add("sla_breached", "plan");
  log.Add("task_created", "plan", R"({"timer": "escalation"})");
  log.Add("task_completed", "plan", R"({"outcome": "done"})");
  const History history = log.Build();
  const CampaignHistory& c = history.campaigns[0];
  ASSERT_EQ(c.visits.size(), 1u);
  EXPECT_TRUE(c.visits[0].breached);
  EXPECT_EQ(c.visits[0].visit, 1);
}

TEST(HistoryTest, InformalApprovalsAndSidePathsAreKeptApart) {
  Events log;
  log.Add("approval_requested", "approve");
  store::Event& informal =
      log.Add("approval_decided", "approve",
              R"({"decision": "approve", "outcome": "approved",
          "documents": [{"document": "brief", "version": 2}]})");
  informal.source = "whatsapp";
  informal.deviation = "informal_approval";
  informal.resource = "dewi";
  store::Event& side =
      log.Add("side_activity", "", R"({"activity": "asset_delivered"})");
  side.source = "slack";
  side.resource = "eko";
  store::Event& tracker = log.Add("tracker_status");
  tracker.source = "sheet";

  const History history = log.Build();
  const CampaignHistory& c = history.campaigns[0];
  ASSERT_EQ(c.decisions.size(), 1u);
  EXPECT_EQ(c.decisions[0].versions, "brief:2");
  EXPECT_EQ(c.decisions[0].source, "whatsapp");
  ASSERT_EQ(c.visits.size(), 1u);
  EXPECT_EQ(c.visits[0].source, "whatsapp");
  EXPECT_THAT(c.side,
              ElementsAre(Field(&SideActivity::activity, "asset_delivered"),
                          Field(&SideActivity::source, "sheet")));
  EXPECT_EQ(c.off_system_events, 3);
  EXPECT_THAT(c.departures,
              ElementsAre(Field(&Departure::kind, "informal_approval")));
}

TEST(HistoryTest, APayloadThatIsNotJsonLosesOnlyItsFields) {
  Events log;
  log.Add("campaign_created", "", "{not json");
  log.Add("task_created", "plan", "[1, 2]");
  // Imported events carry any text in their payloads.
  log.Add("task_created", "brief", R"({"adhoc": "yes", "due_us": "soon"})");
  log.Add("approval_requested", "approve",
          R"({"groups": [{"roles": "brand", "quorum": "all"}, 7,
                         {"roles": ["a", 3], "quorum": 2, "count": "x"}]})");
  log.Add("approval_decided", "approve",
          R"({"decision": 5, "outcome": ["approved"], "documents": "v2"})");
  const History history = log.Build();
  ASSERT_EQ(history.campaigns.size(), 1u);
  EXPECT_EQ(history.campaigns[0].title, "");
  const CampaignHistory& c = history.campaigns[0];
  ASSERT_EQ(c.visits.size(), 3u);
  EXPECT_TRUE(c.visits[0].open());
  EXPECT_FALSE(c.visits[1].adhoc);
  EXPECT_EQ(c.visits[1].due_us, 0);
  ASSERT_EQ(c.visits[2].named.size(), 2u);
  EXPECT_TRUE(c.visits[2].named[0].roles.empty());
  EXPECT_EQ(c.visits[2].named[1].roles, std::vector<std::string>{"a"});
  EXPECT_EQ(c.visits[2].named[1].needed, 1);
  ASSERT_EQ(c.decisions.size(), 1u);
  EXPECT_EQ(c.decisions[0].decision, "");
  EXPECT_EQ(c.decisions[0].versions, "");
  EXPECT_EQ(history.events, 5);
}

TEST(HistoryTest, OffSystemSources) {
  EXPECT_FALSE(IsOffSystem("engine"));
  EXPECT_FALSE(IsOffSystem("import"));
  EXPECT_FALSE(IsOffSystem(""));
  EXPECT_TRUE(IsOffSystem("whatsapp"));
  EXPECT_TRUE(IsOffSystem("meeting"));
}

}  // namespace
}  // namespace livesop::insight

// The store contract: one suite, run against every backend. SQLite always
// runs; PostgreSQL runs when LIVESOP_TEST_POSTGRES_URL names a server
// (scripts/with-postgres.sh starts a throw-away one). Tests use campaign ids
// unique to the run, so they can share one PostgreSQL database.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include <nlohmann/json.hpp>

#include "store/backup.h"
#include "store/store.h"
#include "store/test_util.h"

namespace livesop::store {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

std::string UniqueSuffix() {
  static int counter = 0;
  return std::to_string(::getpid()) + "-" +
         std::to_string(
             std::chrono::steady_clock::now().time_since_epoch().count()) +
         "-" + std::to_string(++counter);
}

Event MakeEvent(const std::string& type, const std::string& activity,
                int64_t time_us) {
  Event e;
  e.type = type;
  e.activity = activity;
  e.time_us = time_us;
  e.resource = "ana";
  e.role = "campaign-manager";
  e.step = "brief";
  e.sop_version = "1.0.0";
  e.campaign_type = "product-launch";
  e.payload = R"({"budget":50000000})";
  return e;
}

AppendRequest Request(const std::string& campaign, std::vector<Event> events,
                      int64_t expected = kAnyVersion, std::string key = {}) {
  AppendRequest r;
  r.campaign = campaign;
  r.expected_version = expected;
  r.idempotency_key = std::move(key);
  r.events = std::move(events);
  return r;
}

// A backend under test: how to open it (again).
struct Backend {
  std::string name;
  std::function<std::string()> url;  // a URL to open; same URL on reopen
};

class StoreContractTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      const char* url = std::getenv("LIVESOP_TEST_POSTGRES_URL");
      if (url == nullptr || *url == '\0') {
        GTEST_SKIP() << "LIVESOP_TEST_POSTGRES_URL is not set; run the tests "
                        "through scripts/with-postgres.sh";
      }
      url_ = url;
    } else {
      dir_ = fs::temp_directory_path() / ("livesop-store-" + UniqueSuffix());
      fs::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "livesop.db").string();
    }
    Result<std::unique_ptr<Store>> opened = OpenStore(url_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
    campaign_ = "c-" + UniqueSuffix();
  }
  void TearDown() override {
    store_.reset();
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string url_;
  fs::path dir_;
  std::unique_ptr<Store> store_;
  std::string campaign_;
};

TEST_P(StoreContractTest, AppendsAndReadsBackEveryAttribute) {
  EXPECT_STREQ(store_->Backend(), GetParam().c_str());
  EXPECT_EQ(*store_->SchemaVersion(), CurrentSchemaVersion());
  Event first = MakeEvent("campaign_submitted", "Submit request", 1000);
  first.source = "whatsapp";
  first.deviation = "informal_approval";
  first.reason = "approved on WhatsApp by the brand manager";
  first.lifecycle = "start";
  Result<AppendResult> r = store_->Append(Request(
      campaign_, {first, MakeEvent("task_completed", "Write brief", 2000),
                  MakeEvent("task_completed", "Review brief", 3000)}));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->version, 3);
  EXPECT_EQ(r->last_position - r->first_position, 2);
  EXPECT_FALSE(r->duplicate);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 3);
  EXPECT_GE(*store_->LastPosition(), r->last_position);

  EventFilter filter;
  filter.campaign = campaign_;
  std::vector<Event> events = ScanAll(*store_, filter);
  ASSERT_EQ(events.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(events[i].sequence, i + 1);
    EXPECT_EQ(events[i].position, r->first_position + i);
    EXPECT_EQ(events[i].campaign, campaign_);
    EXPECT_GT(events[i].recorded_us, 0);
  }
  const Event& got = events[0];
  EXPECT_EQ(got.type, "campaign_submitted");
  EXPECT_EQ(got.activity, "Submit request");
  EXPECT_EQ(got.time_us, 1000);
  EXPECT_EQ(got.lifecycle, "start");
  EXPECT_EQ(got.resource, "ana");
  EXPECT_EQ(got.role, "campaign-manager");
  EXPECT_EQ(got.step, "brief");
  EXPECT_EQ(got.sop_version, "1.0.0");
  EXPECT_EQ(got.source, "whatsapp");
  EXPECT_EQ(got.deviation, "informal_approval");
  EXPECT_EQ(got.reason, "approved on WhatsApp by the brand manager");
  EXPECT_EQ(got.campaign_type, "product-launch");
  EXPECT_THAT(got.payload, HasSubstr("50000000"));
}

TEST_P(StoreContractTest, ExpectedVersionDetectsLostUpdates) {
  auto one = [&](int64_t expected) {
    return store_->Append(
        Request(campaign_, {MakeEvent("note", "Note", 1)}, expected));
  };
  ASSERT_TRUE(one(kNoCampaign).ok());
  Result<AppendResult> again = one(kNoCampaign);
  EXPECT_EQ(again.status().code(), StatusCode::kAborted);
  EXPECT_THAT(again.status().message(), HasSubstr("version 1"));
  ASSERT_TRUE(one(1).ok());
  EXPECT_EQ(one(1).status().code(), StatusCode::kAborted);
  EXPECT_EQ(one(7).status().code(), StatusCode::kAborted);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 2);
  ASSERT_TRUE(one(kAnyVersion).ok());
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 3);
}

TEST_P(StoreContractTest, IdempotentRetriesAppendNothingNew) {
  const std::string key = "cmd-" + campaign_;
  Result<AppendResult> first = store_->Append(Request(
      campaign_, {MakeEvent("note", "Note", 1), MakeEvent("note", "Note", 2)},
      kNoCampaign, key));
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  // The retry carries the version the caller saw before its first attempt;
  // it must not fail as a conflict, and must not append again.
  Result<AppendResult> retry = store_->Append(Request(
      campaign_, {MakeEvent("note", "Note", 1), MakeEvent("note", "Note", 2)},
      kNoCampaign, key));
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->first_position, first->first_position);
  EXPECT_EQ(retry->last_position, first->last_position);
  EXPECT_EQ(retry->version, 2);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 2);
  EventFilter filter;
  filter.campaign = campaign_;
  EXPECT_EQ(ScanAll(*store_, filter).size(), 2u);
  Result<AppendResult> other = store_->Append(Request(
      campaign_ + "-other", {MakeEvent("note", "Note", 1)}, kAnyVersion, key));
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, AppendAllIsAllOrNothing) {
  const std::string a = campaign_ + "-a";
  const std::string b = campaign_ + "-b";
  ASSERT_TRUE(store_->Append(Request(b, {MakeEvent("note", "Note", 1)})).ok());
  const int64_t last = *store_->LastPosition();
  Result<std::vector<AppendResult>> failed = store_->AppendAll(
      {Request(a, {MakeEvent("note", "Note", 1)}, kNoCampaign),
       Request(b, {MakeEvent("note", "Note", 2)}, kNoCampaign)});
  EXPECT_EQ(failed.status().code(), StatusCode::kAborted);
  EXPECT_EQ(*store_->CampaignVersion(a), 0);
  EventFilter after;
  after.after_position = last;
  after.campaign = a;
  EXPECT_TRUE(ScanAll(*store_, after).empty());

  Result<std::vector<AppendResult>> ok = store_->AppendAll(
      {Request(a, {MakeEvent("note", "Note", 1)}, kNoCampaign),
       Request(b, {MakeEvent("note", "Note", 2)}, 1)});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].version, 1);
  EXPECT_EQ((*ok)[1].version, 2);
  EXPECT_EQ((*ok)[1].first_position, (*ok)[0].last_position + 1);
}

TEST_P(StoreContractTest, RejectsMalformedRequests) {
  EXPECT_EQ(store_->Append(Request(campaign_, {})).status().code(),
            StatusCode::kInvalidArgument);
  Event foreign = MakeEvent("note", "Note", 1);
  foreign.campaign = "someone-else";
  EXPECT_EQ(store_->Append(Request(campaign_, {foreign})).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Append(Request(campaign_, {MakeEvent("", "Note", 1)}))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Append(Request("", {MakeEvent("note", "Note", 1)}))
                .status()
                .code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 0);
}

TEST_P(StoreContractTest, ScanFiltersAndKeepsGlobalOrder) {
  const std::string a = campaign_ + "-a";
  const std::string b = campaign_ + "-b";
  const int64_t start = *store_->LastPosition();
  Event sheet = MakeEvent("task_completed", "Design", 500);
  sheet.source = "sheet";
  Event seasonal = MakeEvent("task_completed", "Launch", 900);
  seasonal.campaign_type = "seasonal";
  ASSERT_TRUE(
      store_->Append(Request(a, {MakeEvent("task_completed", "Brief", 100)}))
          .ok());
  ASSERT_TRUE(store_->Append(Request(b, {sheet, seasonal})).ok());
  ASSERT_TRUE(
      store_->Append(Request(a, {MakeEvent("task_completed", "Design", 700)}))
          .ok());

  EventFilter mine;
  mine.after_position = start;
  std::vector<Event> all = ScanAll(*store_, mine);
  std::vector<std::string> order;
  for (const Event& e : all) {
    if (e.campaign == a || e.campaign == b) order.push_back(e.activity);
  }
  EXPECT_THAT(order,
              testing::ElementsAre("Brief", "Design", "Launch", "Design"));
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1].position, all[i].position);
  }

  auto activities = [&](EventFilter f) {
    f.after_position = start;
    std::vector<std::string> out;
    for (const Event& e : ScanAll(*store_, f)) {
      if (e.campaign == a || e.campaign == b)
        out.push_back(e.campaign + ":" + e.activity);
    }
    return out;
  };
  EventFilter by_time;
  by_time.from_us = 500;
  by_time.until_us = 900;
  EXPECT_THAT(activities(by_time),
              testing::ElementsAre(b + ":Design", a + ":Design"));
  EventFilter by_source;
  by_source.sources = {"sheet", "email"};
  EXPECT_THAT(activities(by_source), testing::ElementsAre(b + ":Design"));
  EventFilter by_type;
  by_type.campaign_types = {"seasonal"};
  EXPECT_THAT(activities(by_type), testing::ElementsAre(b + ":Launch"));
  EventFilter by_activity;
  by_activity.activities = {"Design"};
  by_activity.campaign = a;
  EXPECT_THAT(activities(by_activity), testing::ElementsAre(a + ":Design"));
}

TEST_P(StoreContractTest, ScanFiltersByEventType) {
  const std::string a = campaign_ + "-types";
  const int64_t start = *store_->LastPosition();
  ASSERT_TRUE(
      store_
          ->Append(Request(a, {MakeEvent("task_created", "Brief", 100),
                               MakeEvent("task_completed", "Brief", 200),
                               MakeEvent("note", "Note", 300),
                               MakeEvent("task_created", "Review", 400),
                               MakeEvent("approval_decided", "Review", 500)}))
          .ok());
  auto scanned = [&](std::vector<std::string> types) {
    EventFilter f;
    f.after_position = start;
    f.campaign = a;
    f.types = std::move(types);
    std::vector<std::string> out;
    for (const Event& e : ScanAll(*store_, f)) {
      out.push_back(e.type + ":" + e.activity);
    }
    return out;
  };
  EXPECT_THAT(scanned({"task_created", "approval_decided"}),
              testing::ElementsAre("task_created:Brief", "task_created:Review",
                                   "approval_decided:Review"));
  EXPECT_THAT(scanned({"note"}), testing::ElementsAre("note:Note"));
  EXPECT_THAT(scanned({"nothing"}), testing::IsEmpty());
  EXPECT_EQ(scanned({}).size(), 5u);
}

TEST_P(StoreContractTest, ScanStreamsManyBatchesAndStopsOnRequest) {
  std::vector<AppendRequest> requests;
  for (int c = 0; c < 5; ++c) {
    std::vector<Event> events;
    for (int i = 0; i < 1000; ++i)
      events.push_back(MakeEvent("note", "Note", i));
    requests.push_back(
        Request(campaign_ + "-" + std::to_string(c), std::move(events)));
  }
  const int64_t start = *store_->LastPosition();
  ASSERT_TRUE(store_->AppendAll(requests).ok());
  EventFilter filter;
  filter.after_position = start;
  int64_t seen = 0;
  int64_t previous = start;
  Status s = store_->Scan(filter, [&](const Event& e) {
    EXPECT_GT(e.position, previous);
    previous = e.position;
    ++seen;
    return OkStatus();
  });
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(seen, 5000);
  int visited = 0;
  Status stopped = store_->Scan(filter, [&](const Event&) {
    return ++visited == 3000 ? Status(StatusCode::kCancelled, "enough")
                             : OkStatus();
  });
  EXPECT_EQ(stopped.code(), StatusCode::kCancelled);
  EXPECT_EQ(visited, 3000);
}

TEST_P(StoreContractTest, ReopenedStoreHasEverything) {
  ASSERT_TRUE(
      store_->Append(Request(campaign_, {MakeEvent("note", "Note", 1)})).ok());
  store_.reset();
  Result<std::unique_ptr<Store>> reopened = OpenStore(url_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(*(*reopened)->CampaignVersion(campaign_), 1);
  EXPECT_EQ(*(*reopened)->SchemaVersion(), CurrentSchemaVersion());
}

TEST_P(StoreContractTest, TwoHandlesCannotBothWinTheSameVersion) {
  Result<std::unique_ptr<Store>> second = OpenStore(url_);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  ASSERT_TRUE(
      store_->Append(Request(campaign_, {MakeEvent("note", "Note", 1)})).ok());
  const int64_t seen = *(*second)->CampaignVersion(campaign_);
  ASSERT_TRUE(
      store_->Append(Request(campaign_, {MakeEvent("note", "A", 2)}, seen))
          .ok());
  Result<AppendResult> lost =
      (*second)->Append(Request(campaign_, {MakeEvent("note", "B", 2)}, seen));
  EXPECT_EQ(lost.status().code(), StatusCode::kAborted);
  EXPECT_EQ(*(*second)->CampaignVersion(campaign_), 2);
}

// ---------------------------------------------------------------------------
// Read models.

Event Typed(const std::string& type, const std::string& step, int64_t time_us,
            const std::string& payload) {
  Event e = MakeEvent(type, "Activity " + step, time_us);
  e.step = step;
  e.payload = payload;
  return e;
}

// This test's rows only: a PostgreSQL database is shared by every test.
template <typename Row>
std::vector<Row> Only(std::vector<Row> rows, const std::string& campaign) {
  std::erase_if(
      rows, [&](const Row& r) { return !r.campaign.starts_with(campaign); });
  return rows;
}

TEST_P(StoreContractTest, ProjectsCampaignsTasksAndInbox) {
  const std::string task = campaign_ + "/approve-brief";
  Event created = Typed("campaign_created", "intake", 1000,
                        R"({"title":"Spring launch","due_us":900000})");
  created.resource = "ana";
  ASSERT_TRUE(store_->Append(Request(campaign_, {created})).ok());
  ASSERT_TRUE(
      store_
          ->Append(Request(
              campaign_,
              {Typed("task_created", "write-brief", 2000,
                     R"({"task":"t-1","assignee":"ana","due_us":5000})"),
               Typed("task_created", "approve-brief", 2100,
                     R"({"assignee":"cleo"})"),
               Typed("task_created", "legal", 2200, "{}")}))
          .ok());
  Event started =
      Typed("task_started", "write-brief", 2500, R"({"task":"t-1"})");
  Event done =
      Typed("task_completed", "write-brief", 3000, R"({"task":"t-1"})");
  done.resource = "ana";
  Event reassigned =
      Typed("task_assigned", "approve-brief", 3100, R"({"assignee":"dev"})");
  Event decided = Typed("approval_decided", "approve-brief", 3200,
                        R"({"decision":"approve"})");
  decided.resource = "dev";
  decided.source = "whatsapp";
  decided.deviation = "informal_approval";
  Event skipped = Typed("task_skipped", "legal", 3300, "{}");
  skipped.deviation = "skip";
  Event notified =
      Typed("notification_sent", "approve-brief", 3400,
            R"({"recipients":["ana","ben"],"subject":"Brief approved",)"
            R"("body":"Go ahead","task":"t-1"})");
  auto appended = store_->Append(Request(
      campaign_, {started, done, reassigned, decided, skipped, notified}));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  const std::string ana_item = std::to_string(appended->last_position) + ":ana";
  ASSERT_TRUE(
      store_
          ->Append(Request(campaign_,
                           {Typed("notification_read", "", 3500,
                                  R"({"item":")" + ana_item + R"("})"),
                            Typed("campaign_completed", "launch", 4000, "{}")}))
          .ok());

  auto campaigns = store_->Campaigns({});
  ASSERT_TRUE(campaigns.ok()) << campaigns.status().ToString();
  auto mine = Only(*campaigns, campaign_);
  ASSERT_EQ(mine.size(), 1u);
  const CampaignRecord& c = mine[0];
  EXPECT_EQ(c.title, "Spring launch");
  EXPECT_EQ(c.owner, "ana");
  EXPECT_EQ(c.status, "completed");
  EXPECT_EQ(c.campaign_type, "product-launch");
  EXPECT_EQ(c.version, 12);
  EXPECT_EQ(c.event_count, 12);
  EXPECT_EQ(c.deviation_count, 2);
  EXPECT_EQ(c.first_event_us, 1000);
  EXPECT_EQ(c.last_event_us, 4000);
  EXPECT_EQ(c.due_us, 900000);
  EXPECT_EQ(c.closed_us, 4000);
  CampaignQuery completed;
  completed.status = "completed";
  EXPECT_EQ(Only(*store_->Campaigns(completed), campaign_).size(), 1u);
  completed.status = "active";
  EXPECT_TRUE(Only(*store_->Campaigns(completed), campaign_).empty());

  TaskQuery by_campaign;
  by_campaign.campaign = campaign_;
  auto tasks = store_->Tasks(by_campaign);
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->size(), 3u);  // ordered by task id
  const TaskRecord& approve = (*tasks)[0];
  EXPECT_EQ(approve.task, task);
  EXPECT_EQ(approve.assignee, "dev");
  EXPECT_EQ(approve.status, "done");
  EXPECT_EQ(approve.decision, "approve");
  EXPECT_EQ(approve.completed_by, "dev");
  EXPECT_EQ(approve.completed_us, 3200);
  const TaskRecord& legal = (*tasks)[1];
  EXPECT_EQ(legal.task, campaign_ + "/legal");
  EXPECT_EQ(legal.status, "skipped");
  const TaskRecord& brief = (*tasks)[2];
  EXPECT_EQ(brief.task, "t-1");
  EXPECT_EQ(brief.status, "done");
  EXPECT_EQ(brief.due_us, 5000);
  EXPECT_EQ(brief.created_us, 2000);

  InboxQuery ana;
  ana.recipient = "ana";
  auto inbox = store_->Inbox(ana);
  ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
  auto ana_items = Only(*inbox, campaign_);
  ASSERT_EQ(ana_items.size(), 1u);
  EXPECT_EQ(ana_items[0].id, ana_item);
  EXPECT_EQ(ana_items[0].subject, "Brief approved");
  EXPECT_EQ(ana_items[0].task, "t-1");
  EXPECT_EQ(ana_items[0].read_us, 3500);
  ana.unread_only = true;
  EXPECT_TRUE(Only(*store_->Inbox(ana), campaign_).empty());
  InboxQuery ben;
  ben.recipient = "ben";
  ben.unread_only = true;
  EXPECT_EQ(Only(*store_->Inbox(ben), campaign_).size(), 1u);
}

TEST_P(StoreContractTest, RebuildRecreatesIdenticalReadModels) {
  // Campaigns interleaved, appended one by one, in requests and with
  // AppendAll, so a rebuild groups the events differently than the appends.
  std::vector<AppendRequest> all;
  for (int c = 0; c < 5; ++c) {
    const std::string id = campaign_ + "-" + std::to_string(c);
    ASSERT_TRUE(store_
                    ->Append(Request(id, {Typed("campaign_created", "intake",
                                                100 + c, R"({"title":"T"})")}))
                    .ok());
    all.push_back(Request(
        id, {Typed("task_created", "brief", 200 + c, R"({"assignee":"ana"})"),
             Typed("notification_sent", "brief", 210 + c,
                   R"({"recipient":"ana","subject":"New task"})")}));
  }
  ASSERT_TRUE(store_->AppendAll(all).ok());
  for (int round = 0; round < 3; ++round) {
    for (int c = 0; c < 5; ++c) {
      const std::string id = campaign_ + "-" + std::to_string(c);
      Event e = Typed(round == 2 && c % 2 == 0 ? "task_completed" : "note",
                      "brief", 1000 - round * 100 + c, "{}");
      if (c == 3) e.deviation = "expedite";
      if (round == 1) e.campaign_type = "";  // keeps the last non-empty type
      ASSERT_TRUE(store_->Append(Request(id, {e})).ok());
    }
  }
  ASSERT_TRUE(store_
                  ->Append(Request(campaign_ + "-4",
                                   {Typed("campaign_cancelled", "", 5, "{}")}))
                  .ok());
  auto campaigns = Only(*store_->Campaigns({}), campaign_);
  TaskQuery tasks_query;
  auto tasks = Only(*store_->Tasks(tasks_query), campaign_);
  auto inbox = Only(*store_->Inbox({}), campaign_);
  ASSERT_EQ(campaigns.size(), 5u);
  ASSERT_EQ(tasks.size(), 5u);
  ASSERT_EQ(inbox.size(), 5u);
  EXPECT_EQ(campaigns[4].status, "cancelled");
  EXPECT_EQ(campaigns[3].deviation_count, 3);
  EXPECT_EQ(campaigns[0].first_event_us, 100);  // the earliest, not the first
  EXPECT_EQ(campaigns[0].last_event_us, 1000);
  EXPECT_EQ(tasks[0].status, "done");
  EXPECT_EQ(tasks[1].status, "open");

  Result<int64_t> replayed = store_->RebuildReadModels();
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  if (GetParam() == "sqlite") {
    EXPECT_EQ(*replayed, 31);  // PostgreSQL holds other tests' events too
  }
  EXPECT_EQ(Only(*store_->Campaigns({}), campaign_), campaigns);
  EXPECT_EQ(Only(*store_->Tasks(tasks_query), campaign_), tasks);
  EXPECT_EQ(Only(*store_->Inbox({}), campaign_), inbox);
  // The version the next append checks against survives the rebuild.
  EXPECT_EQ(*store_->CampaignVersion(campaign_ + "-0"), 6);
  EXPECT_EQ(
      store_
          ->Append(Request(campaign_ + "-0", {MakeEvent("note", "Note", 9)}, 5))
          .status()
          .code(),
      StatusCode::kAborted);
}

TEST_P(StoreContractTest, AppendsCheckPayloadsAndCharacters) {
  Event bad = MakeEvent("note", "Note", 1);
  bad.payload = R"(["not", "an", "object"])";
  auto result = store_->Append(Request(campaign_, {bad}));
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("not a JSON object"));
  bad.payload = R"({"unterminated": )";
  EXPECT_EQ(store_->Append(Request(campaign_, {bad})).status().code(),
            StatusCode::kInvalidArgument);
  Event nul = MakeEvent("note", "Note", 1);
  nul.reason = std::string("a\0b", 3);
  result =
      store_->Append(Request(campaign_, {MakeEvent("note", "Ok", 1), nul}));
  EXPECT_EQ(result.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("event 2"));
  EXPECT_THAT(result.status().message(), HasSubstr("NUL"));
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 0);
}

TEST_P(StoreContractTest, ReadOnlyStoresRefuseWrites) {
  ASSERT_TRUE(
      store_->Append(Request(campaign_, {MakeEvent("note", "Note", 1)})).ok());
  OpenOptions options;
  options.read_only = true;
  auto reader = OpenStore(url_, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(*(*reader)->CampaignVersion(campaign_), 1);
  EXPECT_EQ((*reader)
                ->Append(Request(campaign_, {MakeEvent("note", "Note", 2)}))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*reader)->RebuildReadModels().status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 1);
}

TEST_P(StoreContractTest, LargeAppendsKeepEveryCharacter) {
  // Big appends take another path on PostgreSQL (COPY), with its own
  // escaping; the characters must come back as they went in.
  std::vector<Event> events;
  for (int i = 0; i < 40; ++i) {
    Event e = MakeEvent(
        "note", "Tab\there, newline\nthere \\N " + std::to_string(i), i);
    e.reason = "back\\slash\r\n, quote \" and ünïcödé ✓";
    e.resource = i % 2 == 0 ? "" : "ana\\";
    e.payload = R"({"text":"a\tb\\c\n","n":)" + std::to_string(i) + "}";
    events.push_back(e);
  }
  auto appended = store_->Append(Request(campaign_, events));
  ASSERT_TRUE(appended.ok()) << appended.status().ToString();
  EventFilter mine;
  mine.campaign = campaign_;
  std::vector<Event> back = ScanAll(*store_, mine);
  ASSERT_EQ(back.size(), events.size());
  for (size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(back[i].activity, events[i].activity);
    EXPECT_EQ(back[i].reason, events[i].reason);
    EXPECT_EQ(back[i].resource, events[i].resource);
    EXPECT_EQ(nlohmann::json::parse(back[i].payload),
              nlohmann::json::parse(events[i].payload));
  }
  Event bad = MakeEvent("note", "Bad", 1);
  bad.payload = R"({"n": 1} trailing)";
  std::vector<Event> with_bad(20, MakeEvent("note", "Fine", 1));
  with_bad.push_back(bad);
  EXPECT_EQ(store_->Append(Request(campaign_, with_bad)).status().code(),
            StatusCode::kInvalidArgument);
  with_bad.back().payload = R"({"nul":"a\u0000b"})";
  EXPECT_EQ(store_->Append(Request(campaign_, with_bad)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 40);
}

TEST_P(StoreContractTest, KeyRepeatedInOneAppendAllAppendsOnce) {
  const std::string key = "k-" + campaign_;
  auto results = store_->AppendAll(
      {Request(campaign_, {MakeEvent("note", "A", 1)}, kAnyVersion, key),
       Request(campaign_ + "-b", {MakeEvent("note", "B", 2)}),
       Request(campaign_, {MakeEvent("note", "A again", 3)}, kAnyVersion,
               key)});
  ASSERT_TRUE(results.ok()) << results.status().ToString();
  EXPECT_FALSE((*results)[0].duplicate);
  EXPECT_TRUE((*results)[2].duplicate);
  EXPECT_EQ((*results)[2].first_position, (*results)[0].first_position);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 1);
  auto mixed =
      store_->AppendAll({Request(campaign_ + "-c", {MakeEvent("note", "C", 1)},
                                 kAnyVersion, "k2-" + campaign_),
                         Request(campaign_ + "-d", {MakeEvent("note", "D", 1)},
                                 kAnyVersion, "k2-" + campaign_)});
  EXPECT_EQ(mixed.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->CampaignVersion(campaign_ + "-c"), 0);
}

TEST_P(StoreContractTest, TasksDueByADeadline) {
  ASSERT_TRUE(
      store_
          ->Append(Request(
              campaign_,
              {Typed("task_created", "a", 1,
                     R"({"task":")" + campaign_ + R"(/a","due_us":100})"),
               Typed("task_created", "b", 2,
                     R"({"task":")" + campaign_ + R"(/b","due_us":300})"),
               Typed("task_created", "c", 3,
                     R"({"task":")" + campaign_ + R"(/c"})")}))
          .ok());
  TaskQuery due;
  due.campaign = campaign_;
  due.due_by_us = 200;
  auto tasks = store_->Tasks(due);
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->size(), 1u);  // not the later one, not the one without
  EXPECT_EQ((*tasks)[0].task, campaign_ + "/a");
  due.due_by_us = 300;
  EXPECT_EQ(store_->Tasks(due)->size(), 2u);
}

// Times are microseconds since 1970, beyond 32 bits: every query that takes
// one must bind it as a 64-bit integer on both backends.
TEST_P(StoreContractTest, QueriesTakeTodaysMicrosecondTimes) {
  constexpr int64_t kNow = int64_t{1767578400} * 1000000;  // 2026-01-05
  ASSERT_TRUE(
      store_
          ->Append(Request(
              campaign_,
              {Typed("task_created", "a", 1,
                     R"({"task":")" + campaign_ + R"(/a","due_us":)" +
                         std::to_string(kNow + 100) + R"(,"remind_us":)" +
                         std::to_string(kNow + 50) + "}"),
               Typed("task_created", "b", 2,
                     R"({"task":")" + campaign_ + R"(/b","due_us":)" +
                         std::to_string(kNow + 300) + "}")}))
          .ok());
  TaskQuery due;
  due.campaign = campaign_;
  due.due_by_us = kNow + 200;
  auto tasks = store_->Tasks(due);
  ASSERT_TRUE(tasks.ok()) << tasks.status().ToString();
  ASSERT_EQ(tasks->size(), 1u);
  EXPECT_EQ((*tasks)[0].task, campaign_ + "/a");
  TaskQuery timers;
  timers.campaign = campaign_;
  timers.timer_by_us = kNow + 60;
  auto firing = store_->Tasks(timers);
  ASSERT_TRUE(firing.ok()) << firing.status().ToString();
  ASSERT_EQ(firing->size(), 1u);  // a's reminder; b's deadline comes later
  EXPECT_EQ((*firing)[0].timer_us, kNow + 50);

  Absence away;
  away.person = "p-" + campaign_;
  away.from_us = kNow;
  away.until_us = kNow + 1000;
  away.recorded_us = kNow;
  ASSERT_TRUE(store_->RecordAbsence(away).ok());
  auto at = store_->Absences(away.person, kNow + 500);
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  EXPECT_EQ(at->size(), 1u);
  auto after = store_->Absences(away.person, kNow + 1000);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_TRUE(after->empty());
}

TEST_P(StoreContractTest, AbsencesAreRecordedQueriedAndCancelled) {
  const std::string person = "p-" + campaign_;
  Absence away;
  away.person = person;
  away.from_us = 1000;
  away.until_us = 2000;
  away.delegate = "d-" + campaign_;
  away.note = "Holiday in Bali";
  away.recorded_by = "ops";
  away.recorded_us = 10;
  Result<int64_t> id = store_->RecordAbsence(away);
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  away.id = *id;
  Absence later = away;
  later.from_us = 5000;
  later.until_us = 6000;
  later.delegate.clear();
  Result<int64_t> second = store_->RecordAbsence(later);
  ASSERT_TRUE(second.ok());
  later.id = *second;
  EXPECT_NE(*id, *second);
  EXPECT_EQ(*store_->Absences(person, 1000), std::vector<Absence>{away});
  EXPECT_TRUE(store_->Absences(person, 2000)->empty());  // back at 2000
  EXPECT_TRUE(store_->Absences(person, 999)->empty());
  EXPECT_EQ(*store_->Absences(person, 0), (std::vector<Absence>{away, later}));
  EXPECT_TRUE(store_->Absences("someone-else-" + campaign_, 1500)->empty());
  // Bad input changes nothing.
  Absence backwards = away;
  backwards.until_us = backwards.from_us;
  EXPECT_EQ(store_->RecordAbsence(backwards).status().code(),
            StatusCode::kInvalidArgument);
  Absence nobody = away;
  nobody.person.clear();
  EXPECT_EQ(store_->RecordAbsence(nobody).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->Absences(person, 0)->size(), 2u);
  ASSERT_TRUE(store_->CancelAbsence(*id).ok());
  EXPECT_EQ(*store_->Absences(person, 0), std::vector<Absence>{later});
  EXPECT_EQ(store_->CancelAbsence(*id).code(), StatusCode::kNotFound);
}

SopVersionRecord SopVersionOf(const std::string& version, char digest,
                              int64_t published_us) {
  SopVersionRecord r;
  r.version = version;
  r.sop_id = "marketing-ops";
  r.digest = std::string(64, digest);
  // The store keeps the bundle as text, byte for byte.
  r.bundle = R"({"format":1,"root":"sop.yaml","files":{"sop.yaml":"sop:\n  )"
             R"(title: \"Café ☕\"\n"}})" +
             std::string(1, digest);
  r.published_by = "ana";
  r.published_us = published_us;
  r.note = "reviewed by the marketing leads; ñ, 日本, 'quotes' \"and\" \\";
  return r;
}

// The versions of `all` whose name ends with `suffix`: a PostgreSQL
// database is shared with other tests and runs.
std::vector<SopVersionRecord> Ending(const std::vector<SopVersionRecord>& all,
                                     const std::string& suffix) {
  std::vector<SopVersionRecord> out;
  for (const SopVersionRecord& r : all) {
    if (r.version.ends_with(suffix)) out.push_back(r);
  }
  return out;
}

TEST_P(StoreContractTest, SopVersionsArePublishedOnceAndKeptForGood) {
  const std::string suffix = "+" + campaign_;
  const SopVersionRecord first = SopVersionOf("1.0.0" + suffix, 'a', 2000);
  ASSERT_TRUE(store_->PublishSop(first).ok());
  Result<SopVersionRecord> read = store_->SopVersion(first.version);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, first);

  // The same content again is a no-op: the first record stays.
  SopVersionRecord same = first;
  same.published_by = "ben";
  same.published_us = 9000;
  same.note = "again";
  EXPECT_TRUE(store_->PublishSop(same).ok());
  EXPECT_EQ(*store_->SopVersion(first.version), first);

  // Other content under the same version is refused and changes nothing.
  const SopVersionRecord other = SopVersionOf(first.version, 'b', 3000);
  Status conflict = store_->PublishSop(other);
  EXPECT_EQ(conflict.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(conflict.message(), HasSubstr(first.version));
  EXPECT_THAT(conflict.message(), HasSubstr("sop.version"));
  EXPECT_EQ(*store_->SopVersion(first.version), first);

  // Listed by publish time, not by version or publishing order; no bundles.
  const SopVersionRecord earlier = SopVersionOf("2.0.0" + suffix, 'c', 1000);
  const SopVersionRecord later = SopVersionOf("0.9.0" + suffix, 'd', 5000);
  ASSERT_TRUE(store_->PublishSop(later).ok());
  ASSERT_TRUE(store_->PublishSop(earlier).ok());
  Result<std::vector<SopVersionRecord>> all = store_->SopVersions();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<SopVersionRecord> mine = Ending(*all, suffix);
  ASSERT_EQ(mine.size(), 3u);
  std::vector<SopVersionRecord> expected = {earlier, first, later};
  for (SopVersionRecord& r : expected) r.bundle.clear();
  EXPECT_EQ(mine, expected);

  Result<SopVersionRecord> missing = store_->SopVersion("9.9.9" + suffix);
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("9.9.9" + suffix));

  // Kept across reopening.
  store_.reset();
  auto reopened = OpenStore(url_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ(*(*reopened)->SopVersion(first.version), first);
  EXPECT_EQ(Ending(*(*reopened)->SopVersions(), suffix), expected);
}

TEST_P(StoreContractTest, MalformedSopVersionsWriteNothing) {
  const std::string suffix = "+" + campaign_;
  std::vector<SopVersionRecord> bad(6, SopVersionOf("1.0" + suffix, 'a', 1));
  bad[0].version.clear();
  bad[1].sop_id.clear();
  bad[2].digest.clear();
  bad[3].bundle.clear();
  bad[4].bundle += std::string("\0x", 2);
  bad[5].published_us = -1;
  for (const SopVersionRecord& r : bad) {
    EXPECT_EQ(store_->PublishSop(r).code(), StatusCode::kInvalidArgument)
        << r.version << " " << r.sop_id << " " << r.digest;
  }
  EXPECT_EQ(store_->SopVersion("1.0" + suffix).status().code(),
            StatusCode::kNotFound);
  EXPECT_TRUE(Ending(*store_->SopVersions(), suffix).empty());

  // A large bundle keeps every character.
  SopVersionRecord large = SopVersionOf("big" + suffix, 'e', 1);
  for (int i = 1; i < 300000; ++i) {
    large.bundle += static_cast<char>(i % 127 + 1);
  }
  large.bundle += "é末";
  ASSERT_TRUE(store_->PublishSop(large).ok());
  EXPECT_EQ(store_->SopVersion(large.version)->bundle, large.bundle);

  OpenOptions options;
  options.read_only = true;
  auto reader = OpenStore(url_, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)->PublishSop(SopVersionOf("ro" + suffix, 'f', 1)).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*reader)->SopVersion(large.version)->digest, large.digest);
  EXPECT_EQ(store_->SopVersion("ro" + suffix).status().code(),
            StatusCode::kNotFound);
}

// ---------------------------------------------------------------------------
// The template library. Template ids carry the campaign id, unique to the
// run, because PostgreSQL runs share one database.

TemplateVersionRecord TemplateVersionOf(const std::string& template_id,
                                        const std::string& version,
                                        const std::string& status,
                                        int64_t created_us) {
  TemplateVersionRecord r;
  r.template_id = template_id;
  r.version = version;
  r.status = status;
  r.author = "ana";
  r.created_us = created_us;
  r.sha256 = std::string(64, 'a');
  r.file_name = "brief_v" + version + ".docx";
  r.size = 2048;
  r.mime =
      "application/vnd.openxmlformats-officedocument.wordprocessingml."
      "document";
  r.changes = "Bagian mitra; ñ, 日本, 'quotes'";
  return r;
}

TemplateVersionRecord SeedOf(const std::string& template_id,
                             const std::string& version,
                             const std::string& status, int64_t created_us) {
  TemplateVersionRecord r;
  r.template_id = template_id;
  r.version = version;
  r.status = status;
  r.created_us = created_us;
  r.file_name = "knowledge-library/templates/brief_v" + version + ".docx";
  r.from_sop = true;
  return r;
}

// 64 hex digits drawn from `seed`, ending in `last`: hashes of this test's
// own, since a PostgreSQL server keeps those of earlier runs.
std::string HashOf(const std::string& seed, char last) {
  std::string hex;
  uint64_t h = std::hash<std::string>{}(seed);
  while (hex.size() < 63) {
    hex += "0123456789abcdef"[h % 16];
    h = h / 16 + hex.size() * 2654435761u;
  }
  return hex + last;
}

SideMessage SideOf(const std::string& hash, const std::string& outcome,
                   int64_t time_us) {
  SideMessage m;
  m.hash = hash;
  m.source = "whatsapp";
  m.file = "chat.txt";
  m.location = "chat.txt:4";
  m.conversation = "Ramadan Sale";
  m.sender = "+62 812-3456-7890";
  m.sender_name = "Budi";
  m.time_us = time_us;
  m.utc_offset_minutes = 420;
  m.zone = "Asia/Jakarta";
  m.text = "ok lanjut";
  m.outcome = outcome;
  m.reason = outcome == "event" ? "" : "unknown sender";
  m.activity = "approval";
  m.confidence_per_mille = 600;
  m.detail = "{\"phrase\":\"ok lanjut\"}";
  m.imported_us = 5000;
  m.imported_by = "dina";
  return m;
}

TEST_P(StoreContractTest, SidePathsKeepEachMessageOnceWithItsEvents) {
  SideMessage event = SideOf(HashOf(campaign_, '0'), "event", 1000);
  SideMessage review = event;
  review.hash = HashOf(campaign_ + "/review", '1');
  review.outcome = "review";
  review.reason = "unknown sender";
  SidePathWrite write;
  write.appends = {
      Request(campaign_, {MakeEvent("side_activity", "Launched", 1000)})};
  write.inserts = {event, review};
  write.rules = {{"sender", "+62 812-3456-7890", "budi", "dina", 5000}};
  Result<std::vector<AppendResult>> written = store_->WriteSidePath(write);
  ASSERT_TRUE(written.ok()) << written.status().ToString();
  ASSERT_EQ(written->size(), 1u);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 1);

  Result<std::vector<std::string>> known = store_->KnownSideMessages(
      {event.hash, review.hash, std::string(64, 'f')});
  ASSERT_TRUE(known.ok());
  EXPECT_EQ(known->size(), 2u);
  Result<SideMessage> read =
      store_->SideMessageByHash(review.hash.substr(0, 63));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, review);

  // The same message again: nothing is written, the campaign included.
  Result<std::vector<AppendResult>> again = store_->WriteSidePath(write);
  EXPECT_EQ(again.status().code(), StatusCode::kAborted);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 1);

  // Settling the review.
  SideMessage settled = review;
  settled.outcome = "ignored";
  settled.reason = "not about a campaign";
  settled.resolution = "dismissed";
  settled.resolved_by = "dina";
  settled.resolved_us = 6000;
  SidePathWrite update;
  update.updates = {settled};
  update.rules = {{"sender", "+62 812-3456-7890", "rina", "dina", 6000}};
  ASSERT_TRUE(store_->WriteSidePath(update).ok());
  read = store_->SideMessageByHash(review.hash);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, settled);
  Result<std::vector<SideRule>> rules = store_->SideRules();
  ASSERT_TRUE(rules.ok());
  bool found = false;
  for (const SideRule& rule : *rules) {
    if (rule.key == "+62 812-3456-7890") {
      found = true;
      EXPECT_EQ(rule.value, "rina");  // replaced
    }
  }
  EXPECT_TRUE(found);

  SideMessageQuery query;
  query.conversation = "Ramadan Sale";
  query.outcome = "event";
  Result<std::vector<SideMessage>> listed = store_->SideMessages(query);
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(std::any_of(listed->begin(), listed->end(),
                          [&](const SideMessage& m) { return m == event; }));

  // Unknown updates and malformed records write nothing.
  SidePathWrite unknown;
  unknown.appends = {Request(campaign_, {MakeEvent("note", "Note", 2)})};
  SideMessage missing = event;
  missing.hash = HashOf(campaign_, '2');
  unknown.updates = {missing};
  EXPECT_EQ(store_->WriteSidePath(unknown).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(*store_->CampaignVersion(campaign_), 1);
  SidePathWrite malformed;
  SideMessage bad = event;
  bad.hash = "xyz";
  malformed.inserts = {bad};
  EXPECT_EQ(store_->WriteSidePath(malformed).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SideMessageByHash("abc").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, KnownSideMessagesAnswersForAnyNumberOfHashes) {
  SidePathWrite write;
  std::vector<std::string> asked;
  for (int i = 0; i < 600; ++i) {
    const std::string hash = HashOf(campaign_ + std::to_string(i), 'a');
    asked.push_back(hash);
    if (i % 3 == 0) write.inserts.push_back(SideOf(hash, "ignored", i));
  }
  for (SideMessage& m : write.inserts) m.reason = "chat";
  ASSERT_TRUE(store_->WriteSidePath(write).ok());
  Result<std::vector<std::string>> known = store_->KnownSideMessages(asked);
  ASSERT_TRUE(known.ok()) << known.status().ToString();
  std::set<std::string> expected;
  for (const SideMessage& m : write.inserts) expected.insert(m.hash);
  EXPECT_EQ(std::set<std::string>(known->begin(), known->end()), expected);
  EXPECT_TRUE(store_->KnownSideMessages({})->empty());
}

TEST_P(StoreContractTest, TrackerRowsKeepTheLatestExportsStatus) {
  const std::string tracker = "tracker " + campaign_;
  SidePathWrite first;
  first.tracker_rows = {{tracker, "CMP-1", "Brief", 1000, HashOf("t1", '1')},
                        {tracker, "CMP-2", "Brief", 1000, HashOf("t2", '1')}};
  ASSERT_TRUE(store_->WriteSidePath(first).ok());
  SidePathWrite later;
  later.tracker_rows = {
      {tracker, "CMP-1", "Approved", 2000, HashOf("t1", '2')}};
  ASSERT_TRUE(store_->WriteSidePath(later).ok());
  // An older export imported last changes nothing.
  SidePathWrite older;
  older.tracker_rows = {{tracker, "CMP-1", "Draft", 500, HashOf("t1", '3')}};
  ASSERT_TRUE(store_->WriteSidePath(older).ok());
  Result<std::vector<TrackerRow>> rows = store_->TrackerRows(tracker);
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], (TrackerRow{tracker, "CMP-1", "Approved", 2000,
                                    HashOf("t1", '2')}));
  EXPECT_EQ((*rows)[1].status, "Brief");
  EXPECT_TRUE(store_->TrackerRows("another " + tracker)->empty());
  SidePathWrite keyless;
  keyless.tracker_rows = {{tracker, "", "Brief", 1, HashOf("t3", '1')}};
  EXPECT_EQ(store_->WriteSidePath(keyless).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, SideHooksAreAddedFoundAndRevokedForGood) {
  std::string name = "hook-" + campaign_.substr(2);
  std::transform(name.begin(), name.end(), name.begin(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : '-';
  });
  name = name.substr(0, 40);
  SideHook hook{
      name, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "dina", "dina", 1000, 0};
  ASSERT_TRUE(store_->AddSideHook(hook).ok());
  EXPECT_EQ(store_->AddSideHook(hook).code(), StatusCode::kAlreadyExists);
  Result<SideHook> found = store_->FindSideHook(name);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, hook);
  Result<std::vector<SideHook>> all = store_->SideHooks();
  ASSERT_TRUE(all.ok());
  EXPECT_TRUE(std::find(all->begin(), all->end(), hook) != all->end());
  Result<SideHook> revoked = store_->RevokeSideHook(name, 2000);
  ASSERT_TRUE(revoked.ok());
  EXPECT_EQ(revoked->revoked_us, 2000);
  EXPECT_EQ(store_->RevokeSideHook(name, 3000)->revoked_us, 2000);
  // A revoked name is not given again.
  EXPECT_EQ(store_->AddSideHook(hook).code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->FindSideHook("no-" + name.substr(0, 30)).status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(
      store_->RevokeSideHook("no-" + name.substr(0, 30), 1).status().code(),
      StatusCode::kNotFound);
  SideHook bad = hook;
  bad.name = "Has Spaces";
  EXPECT_EQ(store_->AddSideHook(bad).code(), StatusCode::kInvalidArgument);
  bad = hook;
  bad.name = name.substr(0, 30) + "-x";
  bad.secret = "plain";
  EXPECT_EQ(store_->AddSideHook(bad).code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, TemplateLibraryKeepsApprovesAndRetiresVersions) {
  const std::string tpl = "tpl-" + campaign_;
  const std::vector<TemplateVersionRecord> seed = {
      SeedOf(tpl, "1.0", "retired", 100), SeedOf(tpl, "2.0", "approved", 200),
      SeedOf(tpl, "2.1", "draft", 300)};
  ASSERT_TRUE(store_->AddTemplateVersions(seed).ok());
  // Seeding again (a second command at once) changes nothing.
  ASSERT_TRUE(store_->AddTemplateVersions(seed).ok());
  Result<std::vector<TemplateVersionRecord>> read =
      store_->TemplateVersions(tpl);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(*read, seed);

  const TemplateVersionRecord draft =
      TemplateVersionOf(tpl, "3.0", "draft", 400);
  ASSERT_TRUE(store_->AddTemplateVersions({draft}).ok());
  Status again = store_->AddTemplateVersions({draft});
  EXPECT_EQ(again.code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(again.message(), HasSubstr("3.0"));

  // Approving retires the version approved before, in one transaction.
  Result<std::vector<std::string>> retired =
      store_->ApproveTemplateVersion(tpl, "3.0", "ben", 500);
  ASSERT_TRUE(retired.ok()) << retired.status().ToString();
  EXPECT_EQ(*retired, std::vector<std::string>{"2.0"});
  read = store_->TemplateVersions(tpl);
  ASSERT_TRUE(read.ok());
  ASSERT_EQ(read->size(), 4u);
  EXPECT_EQ((*read)[1].status, "retired");
  EXPECT_EQ((*read)[1].retired_by, "ben");
  EXPECT_EQ((*read)[1].retired_us, 500);
  TemplateVersionRecord approved = draft;
  approved.status = "approved";
  approved.approved_by = "ben";
  approved.approved_us = 500;
  EXPECT_EQ((*read)[3], approved);

  EXPECT_EQ(
      store_->ApproveTemplateVersion(tpl, "3.0", "ben", 600).status().code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      store_->ApproveTemplateVersion(tpl, "2.0", "ben", 600).status().code(),
      StatusCode::kFailedPrecondition);
  Result<std::vector<std::string>> unknown =
      store_->ApproveTemplateVersion(tpl, "9.9", "ben", 600);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("1.0, 2.0, 2.1, 3.0"));

  ASSERT_TRUE(store_->RetireTemplateVersion(tpl, "2.1", "ben", 700).ok());
  EXPECT_EQ(store_->RetireTemplateVersion(tpl, "2.1", "ben", 700).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->RetireTemplateVersion(tpl, "7", "ben", 700).code(),
            StatusCode::kNotFound);
  ASSERT_TRUE(store_->RetireTemplateVersion(tpl, "3.0", "ben", 800).ok());
  read = store_->TemplateVersions(tpl);
  ASSERT_TRUE(read.ok());
  for (const TemplateVersionRecord& r : *read) {
    EXPECT_EQ(r.status, "retired") << r.version;
  }

  // Listed with every template's versions, by template.
  const std::string other = "tpl-0-" + campaign_;
  ASSERT_TRUE(
      store_
          ->AddTemplateVersions({TemplateVersionOf(other, "1", "approved", 50)})
          .ok());
  Result<std::vector<TemplateVersionRecord>> all = store_->TemplateVersions("");
  ASSERT_TRUE(all.ok());
  std::vector<std::string> order;
  for (const TemplateVersionRecord& r : *all) {
    if (r.template_id == tpl || r.template_id == other) {
      order.push_back(r.template_id + "@" + r.version);
    }
  }
  EXPECT_EQ(order,
            (std::vector<std::string>{other + "@1", tpl + "@1.0", tpl + "@2.0",
                                      tpl + "@2.1", tpl + "@3.0"}));

  // Kept across reopening.
  store_.reset();
  auto reopened = OpenStore(url_);
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  EXPECT_EQ((*reopened)->TemplateVersions(tpl)->size(), 4u);
}

TEST_P(StoreContractTest, MalformedTemplateVersionsWriteNothing) {
  const std::string tpl = "tpl-" + campaign_;
  std::vector<TemplateVersionRecord> bad(
      6, TemplateVersionOf(tpl, "1.0", "draft", 1));
  bad[0].template_id.clear();
  bad[1].version.clear();
  bad[2].status = "published";
  bad[3].sha256 = "ABC";
  bad[4].created_us = -1;
  bad[5].changes += std::string("\0x", 2);
  for (const TemplateVersionRecord& r : bad) {
    const TemplateVersionRecord fine =
        TemplateVersionOf(tpl, "0.9", "draft", 1);
    EXPECT_EQ(store_->AddTemplateVersions({fine, r}).code(),
              StatusCode::kInvalidArgument)
        << r.template_id << " " << r.version << " " << r.status;
  }
  EXPECT_TRUE(store_->TemplateVersions(tpl)->empty());

  // One version that exists refuses the whole batch.
  ASSERT_TRUE(
      store_->AddTemplateVersions({TemplateVersionOf(tpl, "1.0", "draft", 1)})
          .ok());
  EXPECT_EQ(
      store_
          ->AddTemplateVersions({TemplateVersionOf(tpl, "1.1", "draft", 2),
                                 TemplateVersionOf(tpl, "1.0", "draft", 3)})
          .code(),
      StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->TemplateVersions(tpl)->size(), 1u);

  // A second approved version cannot be added; a seed's is left out.
  ASSERT_TRUE(store_->ApproveTemplateVersion(tpl, "1.0", "ana", 5).ok());
  EXPECT_EQ(
      store_
          ->AddTemplateVersions({TemplateVersionOf(tpl, "2.0", "approved", 6)})
          .code(),
      StatusCode::kAborted);
  EXPECT_TRUE(
      store_->AddTemplateVersions({SeedOf(tpl, "0.5", "approved", 0)}).ok());
  EXPECT_EQ(store_->TemplateVersions(tpl)->size(), 1u);

  OpenOptions options;
  options.read_only = true;
  auto reader = OpenStore(url_, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ((*reader)
                ->AddTemplateVersions({TemplateVersionOf(tpl, "4", "draft", 1)})
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*reader)->RetireTemplateVersion(tpl, "1.0", "ana", 9).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*reader)->TemplateVersions(tpl)->size(), 1u);
}

TEST_P(StoreContractTest, TwoApprovalsAtOnceLeaveOneApprovedVersion) {
  const std::string tpl = "tpl-" + campaign_;
  std::vector<TemplateVersionRecord> drafts;
  for (int i = 0; i < 8; ++i) {
    drafts.push_back(TemplateVersionOf(tpl, std::to_string(i), "draft", i));
  }
  ASSERT_TRUE(store_->AddTemplateVersions(drafts).ok());
  std::vector<Status> results(drafts.size());
  std::vector<std::thread> approvers;
  for (size_t i = 0; i < drafts.size(); ++i) {
    approvers.emplace_back([&, i] {
      Result<std::unique_ptr<Store>> own = OpenStore(url_);
      results[i] =
          own.ok() ? (*own)
                         ->ApproveTemplateVersion(tpl, drafts[i].version, "ana",
                                                  static_cast<int64_t>(i))
                         .status()
                   : own.status();
    });
  }
  for (std::thread& t : approvers) t.join();
  int won = 0;
  for (const Status& s : results) {
    EXPECT_TRUE(s.ok() || s.code() == StatusCode::kAborted ||
                s.code() == StatusCode::kUnavailable)
        << s.ToString();
    won += s.ok() ? 1 : 0;
  }
  EXPECT_GE(won, 1);
  int approved = 0;
  Result<std::vector<TemplateVersionRecord>> read =
      store_->TemplateVersions(tpl);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  for (const TemplateVersionRecord& r : *read) {
    approved += r.status == "approved" ? 1 : 0;
  }
  EXPECT_EQ(approved, 1);
}

TEST_P(StoreContractTest, BackupsCarryTheTemplateLibrary) {
  const std::string tpl = "tpl-" + campaign_;
  ASSERT_TRUE(
      store_
          ->AddTemplateVersions({SeedOf(tpl, "1.0", "approved", 1),
                                 TemplateVersionOf(tpl, "2.0", "draft", 2)})
          .ok());
  ASSERT_TRUE(store_->ApproveTemplateVersion(tpl, "2.0", "ben", 3).ok());
  ASSERT_TRUE(
      store_->Append(Request(campaign_, {MakeEvent("note", "N", 1)})).ok());
  const std::vector<TemplateVersionRecord> before =
      *store_->TemplateVersions(tpl);
  const fs::path backup =
      fs::temp_directory_path() / ("livesop-backup-tpl-" + campaign_ + ".db");
  Result<BackupStats> stats = BackupStore(*store_, backup.string());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  const fs::path restored =
      fs::temp_directory_path() / ("livesop-restored-tpl-" + campaign_ + ".db");
  {
    Result<std::unique_ptr<Store>> target = OpenStore(restored.string());
    ASSERT_TRUE(target.ok());
    Result<int64_t> events = RestoreStore(backup.string(), **target);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    EXPECT_EQ(*(*target)->TemplateVersions(tpl), before);
  }
  fs::remove(backup);
  fs::remove(restored);
  fs::remove(restored.string() + "-wal");
  fs::remove(restored.string() + "-shm");
}

// ---------------------------------------------------------------------------
// Notification delivery: endpoints, preferences and the outbox. Keys and
// names carry the campaign id, unique to the run, because PostgreSQL runs
// share one database; claims look at the rows of their own test only.

Delivery OutboxRow(const std::string& key, int64_t due_us) {
  Delivery d;
  d.key = key;
  d.channel = "webhook";
  d.target = "wh_test";
  d.subject = "task_created";
  d.body = R"({"type":"task_created"})";
  d.next_attempt_us = due_us;
  d.created_us = due_us;
  return d;
}

// The rows of `all` whose key starts with `prefix`, by key.
std::map<std::string, Delivery> Mine(const std::vector<Delivery>& all,
                                     const std::string& prefix) {
  std::map<std::string, Delivery> out;
  for (const Delivery& d : all) {
    if (d.key.starts_with(prefix)) out.emplace(d.key, d);
  }
  return out;
}

TEST_P(StoreContractTest, WebhookEndpointsAndPreferencesAreKept) {
  WebhookEndpoint endpoint;
  endpoint.id = "wh_" + campaign_;
  endpoint.url = "https://example.com/hooks";
  endpoint.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  endpoint.event_types = {"task_created", "campaign_completed"};
  endpoint.created_us = 42;
  ASSERT_TRUE(store_->AddWebhookEndpoint(endpoint).ok());
  EXPECT_EQ(store_->AddWebhookEndpoint(endpoint).code(),
            StatusCode::kAlreadyExists);
  WebhookEndpoint bad = endpoint;
  bad.id = "wh_bad" + campaign_;
  bad.event_types = {"a,b"};
  EXPECT_EQ(store_->AddWebhookEndpoint(bad).code(),
            StatusCode::kInvalidArgument);
  Result<std::vector<WebhookEndpoint>> all = store_->WebhookEndpoints();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  EXPECT_THAT(*all, testing::Contains(endpoint));
  EXPECT_THAT(*all, testing::Not(testing::Contains(
                        testing::Field(&WebhookEndpoint::id, bad.id))));
  ASSERT_TRUE(store_->RemoveWebhookEndpoint(endpoint.id).ok());
  EXPECT_EQ(store_->RemoveWebhookEndpoint(endpoint.id).code(),
            StatusCode::kNotFound);
  EXPECT_THAT(*store_->WebhookEndpoints(),
              testing::Not(testing::Contains(endpoint)));

  const std::string person = "p-" + campaign_;
  Result<NotifyPreference> none = store_->NotifyPreferenceOf(person);
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->person, person);
  EXPECT_EQ(none->email_mode, "immediate");
  EXPECT_EQ(none->digest_hour, 8);
  NotifyPreference daily{person, "daily", 17, 99};
  ASSERT_TRUE(store_->SetNotifyPreference(daily).ok());
  EXPECT_EQ(*store_->NotifyPreferenceOf(person), daily);
  EXPECT_THAT(*store_->NotifyPreferences(), testing::Contains(daily));
  EXPECT_EQ(store_->SetNotifyPreference({person, "weekly", 8, 0}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->SetNotifyPreference({person, "daily", 24, 0}).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->NotifyPreferenceOf(person), daily);
}

TEST_P(StoreContractTest, EnqueueAddsEachKeyOnceWithItsCursor) {
  const std::string key = "k-" + campaign_ + ":";
  const std::string cursor = "cursor-" + campaign_;
  EXPECT_EQ(*store_->DispatchCursor(cursor), 0);
  Result<int64_t> added = store_->EnqueueDeliveries(
      {OutboxRow(key + "1", 10), OutboxRow(key + "2", 10)}, cursor, 7);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 2);
  EXPECT_EQ(*store_->DispatchCursor(cursor), 7);
  // The same keys again (a retried pass) add nothing; the cursor never
  // moves back.
  Delivery changed = OutboxRow(key + "1", 10);
  changed.body = "changed";
  added =
      store_->EnqueueDeliveries({changed, OutboxRow(key + "3", 10)}, cursor, 5);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(*added, 1);
  EXPECT_EQ(*store_->DispatchCursor(cursor), 7);
  std::map<std::string, Delivery> mine = Mine(*store_->Deliveries({}), key);
  ASSERT_EQ(mine.size(), 3u);
  EXPECT_EQ(mine[key + "1"].body, R"({"type":"task_created"})");
  EXPECT_EQ(mine[key + "1"].status, "pending");
  EXPECT_EQ(mine[key + "1"].attempts, 0);
  // A malformed row refuses the whole call: no row, no cursor move.
  Delivery bad = OutboxRow(key + "4", 10);
  bad.channel = "pigeon";
  EXPECT_EQ(
      store_->EnqueueDeliveries({OutboxRow(key + "5", 10), bad}, cursor, 9)
          .status()
          .code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(*store_->DispatchCursor(cursor), 7);
  EXPECT_EQ(Mine(*store_->Deliveries({}), key).size(), 3u);
}

TEST_P(StoreContractTest, ClaimsLeaseRetryDieAndReplay) {
  const std::string key = "c-" + campaign_ + ":";
  const std::string cursor = "cursor-" + campaign_;
  const int64_t due = 1'000'000;
  ASSERT_TRUE(store_
                  ->EnqueueDeliveries(
                      {OutboxRow(key + "a", due), OutboxRow(key + "b", due),
                       OutboxRow(key + "c", due)},
                      cursor, 1)
                  .ok());
  const int64_t kMany = 100000;
  EXPECT_TRUE(
      Mine(*store_->ClaimDeliveries("one", due - 1, 1000, kMany), key).empty());
  std::map<std::string, Delivery> claimed =
      Mine(*store_->ClaimDeliveries("one", due, 1000, kMany), key);
  ASSERT_EQ(claimed.size(), 3u);
  EXPECT_EQ(claimed[key + "a"].lease_owner, "one");
  EXPECT_EQ(claimed[key + "a"].lease_until_us, due + 1000);
  // Leased: nobody else gets them until the lease ends.
  EXPECT_TRUE(Mine(*store_->ClaimDeliveries("two", due + 999, 1000, kMany), key)
                  .empty());

  const int64_t a = claimed[key + "a"].id;
  const int64_t b = claimed[key + "b"].id;
  const int64_t c = claimed[key + "c"].id;
  EXPECT_EQ(store_->MarkDeliverySent(a, "two", due + 5).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->MarkDeliverySent(a, "one", due + 5).ok());
  EXPECT_EQ(store_->MarkDeliverySent(a, "one", due + 6).code(),
            StatusCode::kFailedPrecondition);
  ASSERT_TRUE(store_->MarkDeliveryFailed(b, "one", "HTTP 500", due + 30).ok());
  ASSERT_TRUE(
      store_->MarkDeliveryFailed(c, "one", "HTTP 410 gone", std::nullopt).ok());
  EXPECT_EQ(store_->MarkDeliverySent(987654321, "one", due).code(),
            StatusCode::kNotFound);

  std::map<std::string, Delivery> rows = Mine(*store_->Deliveries({}), key);
  EXPECT_EQ(rows[key + "a"].status, "sent");
  EXPECT_EQ(rows[key + "a"].sent_us, due + 5);
  EXPECT_EQ(rows[key + "a"].attempts, 1);
  EXPECT_EQ(rows[key + "b"].status, "pending");
  EXPECT_EQ(rows[key + "b"].attempts, 1);
  EXPECT_EQ(rows[key + "b"].next_attempt_us, due + 30);
  EXPECT_EQ(rows[key + "b"].last_error, "HTTP 500");
  EXPECT_EQ(rows[key + "b"].lease_owner, "");
  EXPECT_EQ(rows[key + "c"].status, "dead");
  EXPECT_EQ(rows[key + "c"].last_error, "HTTP 410 gone");
  EXPECT_EQ(Mine(*store_->Deliveries({"dead", 1000}), key).size(), 1u);
  EXPECT_EQ(Mine(*store_->Deliveries({"sent", 1000}), key).size(), 1u);

  // The failed one is due again at its retry time, not before.
  EXPECT_TRUE(Mine(*store_->ClaimDeliveries("two", due + 29, 1000, kMany), key)
                  .empty());
  claimed = Mine(*store_->ClaimDeliveries("two", due + 30, 10, kMany), key);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed.begin()->second.id, b);
  // A lease that ran out goes to the next claimer.
  claimed = Mine(*store_->ClaimDeliveries("three", due + 41, 10, kMany), key);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed.begin()->second.lease_owner, "three");
  EXPECT_EQ(store_->MarkDeliverySent(b, "two", due + 42).code(),
            StatusCode::kFailedPrecondition);

  EXPECT_EQ(store_->ReplayDelivery(a, due).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->ReplayDelivery(987654321, due).code(),
            StatusCode::kNotFound);
  Result<int64_t> replayed = store_->ReplayDeadDeliveries(due + 100);
  ASSERT_TRUE(replayed.ok()) << replayed.status().ToString();
  EXPECT_GE(*replayed, 1);
  rows = Mine(*store_->Deliveries({}), key);
  EXPECT_EQ(rows[key + "c"].status, "pending");
  EXPECT_EQ(rows[key + "c"].attempts, 0);
  EXPECT_EQ(rows[key + "c"].next_attempt_us, due + 100);
  EXPECT_EQ(rows[key + "c"].last_error, "HTTP 410 gone");
  ASSERT_TRUE(store_->ReplayDelivery(b, due + 100).ok());
  rows = Mine(*store_->Deliveries({}), key);
  EXPECT_EQ(rows[key + "b"].lease_owner, "");
  EXPECT_EQ(rows[key + "b"].attempts, 0);
}

TEST_P(StoreContractTest, TwoClaimersAtOnceNeverGetTheSameRow) {
  const std::string key = "t-" + campaign_ + ":";
  std::vector<Delivery> rows;
  for (int i = 0; i < 60; ++i) {
    rows.push_back(OutboxRow(key + std::to_string(100 + i), 5));
  }
  ASSERT_TRUE(store_->EnqueueDeliveries(rows, "cursor-" + campaign_, 1).ok());
  std::vector<std::vector<std::string>> got(2);
  std::vector<Status> failures(2);
  auto claimer = [&](int n) {
    Result<std::unique_ptr<Store>> own = OpenStore(url_);
    if (!own.ok()) {
      failures[n] = own.status();
      return;
    }
    while (true) {
      Result<std::vector<Delivery>> batch = (*own)->ClaimDeliveries(
          "claimer-" + std::to_string(n), 10, int64_t{1} << 40, 7);
      if (!batch.ok()) {
        failures[n] = batch.status();
        return;
      }
      if (batch->empty()) return;
      for (const Delivery& d : *batch) got[n].push_back(d.key);
    }
  };
  std::thread first(claimer, 0);
  std::thread second(claimer, 1);
  first.join();
  second.join();
  ASSERT_TRUE(failures[0].ok()) << failures[0].ToString();
  ASSERT_TRUE(failures[1].ok()) << failures[1].ToString();
  std::multiset<std::string> all;
  for (const auto& keys : got) {
    for (const std::string& k : keys) {
      if (k.starts_with(key)) all.insert(k);
    }
  }
  EXPECT_EQ(all.size(), 60u);
  for (const Delivery& d : rows) EXPECT_EQ(all.count(d.key), 1u) << d.key;
}

TEST_P(StoreContractTest, BackupsCarryEndpointsPreferencesAndOutbox) {
  WebhookEndpoint endpoint;
  endpoint.id = "wh_b" + campaign_;
  endpoint.url = "http://127.0.0.1:9/hook";
  endpoint.secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  ASSERT_TRUE(store_->AddWebhookEndpoint(endpoint).ok());
  const NotifyPreference daily{"p-" + campaign_, "daily", 7, 1};
  ASSERT_TRUE(store_->SetNotifyPreference(daily).ok());
  const std::string key = "b-" + campaign_ + ":";
  const std::string cursor = "cursor-" + campaign_;
  ASSERT_TRUE(
      store_
          ->EnqueueDeliveries(
              {OutboxRow(key + "1", 5), OutboxRow(key + "2", 5)}, cursor, 3)
          .ok());
  ASSERT_EQ(Mine(*store_->ClaimDeliveries("x", 5, 1000, 100000), key).size(),
            2u);
  ASSERT_TRUE(
      store_->Append(Request(campaign_, {MakeEvent("note", "N", 1)})).ok());

  const fs::path backup =
      fs::temp_directory_path() / ("livesop-backup-" + campaign_ + ".db");
  Result<BackupStats> stats = BackupStore(*store_, backup.string());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  const fs::path restored =
      fs::temp_directory_path() / ("livesop-restored-" + campaign_ + ".db");
  {
    Result<std::unique_ptr<Store>> target = OpenStore(restored.string());
    ASSERT_TRUE(target.ok());
    Result<int64_t> events = RestoreStore(backup.string(), **target);
    ASSERT_TRUE(events.ok()) << events.status().ToString();
    EXPECT_THAT(*(*target)->WebhookEndpoints(), testing::Contains(endpoint));
    EXPECT_EQ(*(*target)->NotifyPreferenceOf(daily.person), daily);
    EXPECT_EQ(*(*target)->DispatchCursor(cursor), 3);
    std::map<std::string, Delivery> rows =
        Mine(*(*target)->Deliveries({}), key);
    ASSERT_EQ(rows.size(), 2u);
    // Leases stay behind: the copy's senders start afresh.
    EXPECT_EQ(rows[key + "1"].lease_owner, "");
    // New rows come after the copied ones.
    ASSERT_TRUE((*target)
                    ->EnqueueDeliveries({OutboxRow(key + "3", 5)}, cursor, 3)
                    .ok());
    rows = Mine(*(*target)->Deliveries({}), key);
    EXPECT_GT(rows[key + "3"].id, rows[key + "2"].id);
  }
  fs::remove(backup);
  fs::remove(restored);
  fs::remove(restored.string() + "-wal");
  fs::remove(restored.string() + "-shm");
}

// A live feed of a person, with a token hash made from `hash_seed` (a
// PostgreSQL database is shared: ids and hashes must differ per test).
CalendarFeed FeedOf(const std::string& id, const std::string& hash_seed,
                    int64_t created_us) {
  CalendarFeed feed;
  feed.id = id;
  feed.scope_kind = "person";
  feed.scope_id = "intan-permata";
  feed.label = "Intan's phone: ñ, 日本, 'quotes'";
  // 64 hex digits: the hex of the seed's last 32 characters (where
  // campaign ids differ), zeros before.
  const std::string tail = hash_seed.size() > 32
                               ? hash_seed.substr(hash_seed.size() - 32)
                               : hash_seed;
  std::string hash;
  for (unsigned char c : tail) {
    constexpr char kHex[] = "0123456789abcdef";
    hash += kHex[c >> 4];
    hash += kHex[c & 15];
  }
  feed.token_hash = std::string(64 - hash.size(), '0') + hash;
  feed.created_by = "ops";
  feed.created_us = created_us;
  return feed;
}

TEST_P(StoreContractTest, CalendarFeedsAreFoundByTokenHashAndRevoked) {
  const CalendarFeed feed = FeedOf("cf_" + campaign_, campaign_ + "a", 100);
  ASSERT_TRUE(store_->AddCalendarFeed(feed).ok());
  Result<CalendarFeed> found = store_->CalendarFeedByTokenHash(feed.token_hash);
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  EXPECT_EQ(*found, feed);
  EXPECT_EQ(
      store_->CalendarFeedByTokenHash(std::string(64, 'f')).status().code(),
      StatusCode::kNotFound);

  CalendarFeed team = FeedOf("cf_t" + campaign_, campaign_ + "b", 200);
  team.scope_kind = "team";
  team.scope_id = "campaigns";
  team.label.clear();
  ASSERT_TRUE(store_->AddCalendarFeed(team).ok());
  CalendarFeed everyone = FeedOf("cf_a" + campaign_, campaign_ + "c", 200);
  everyone.scope_kind = "all";
  everyone.scope_id.clear();
  ASSERT_TRUE(store_->AddCalendarFeed(everyone).ok());
  Result<std::vector<CalendarFeed>> all = store_->CalendarFeeds();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  std::vector<CalendarFeed> mine;
  for (const CalendarFeed& f : *all) {
    if (f.id.ends_with(campaign_)) mine.push_back(f);
  }
  // By creation time, then id.
  EXPECT_EQ(mine, (std::vector<CalendarFeed>{feed, everyone, team}));

  Result<CalendarFeed> revoked = store_->RevokeCalendarFeed(feed.id, 300);
  ASSERT_TRUE(revoked.ok()) << revoked.status().ToString();
  EXPECT_EQ(revoked->revoked_us, 300);
  // A second revocation keeps the first time.
  EXPECT_EQ(store_->RevokeCalendarFeed(feed.id, 400)->revoked_us, 300);
  // Found still, revoked: what that means is the caller's.
  EXPECT_EQ(store_->CalendarFeedByTokenHash(feed.token_hash)->revoked_us, 300);
  EXPECT_EQ(store_->CalendarFeedByTokenHash(team.token_hash)->revoked_us, 0);
  EXPECT_EQ(
      store_->RevokeCalendarFeed("cf_none" + campaign_, 300).status().code(),
      StatusCode::kNotFound);
  EXPECT_EQ(store_->RevokeCalendarFeed(team.id, 0).status().code(),
            StatusCode::kInvalidArgument);
}

TEST_P(StoreContractTest, MalformedOrTakenCalendarFeedsWriteNothing) {
  const CalendarFeed feed = FeedOf("cf_" + campaign_, campaign_ + "d", 100);
  ASSERT_TRUE(store_->AddCalendarFeed(feed).ok());
  CalendarFeed same_id = FeedOf(feed.id, campaign_ + "e", 100);
  EXPECT_EQ(store_->AddCalendarFeed(same_id).code(),
            StatusCode::kAlreadyExists);
  CalendarFeed same_hash = FeedOf("cf_2" + campaign_, campaign_ + "d", 100);
  EXPECT_EQ(store_->AddCalendarFeed(same_hash).code(),
            StatusCode::kAlreadyExists);

  auto refused = [&](const std::function<void(CalendarFeed&)>& change) {
    CalendarFeed bad = FeedOf("cf_bad" + campaign_, campaign_ + "f", 100);
    change(bad);
    return store_->AddCalendarFeed(bad).code() == StatusCode::kInvalidArgument;
  };
  EXPECT_TRUE(refused([](CalendarFeed& f) { f.id.clear(); }));
  EXPECT_TRUE(refused([](CalendarFeed& f) { f.scope_kind = "role"; }));
  EXPECT_TRUE(refused([](CalendarFeed& f) { f.scope_id.clear(); }));
  EXPECT_TRUE(refused([](CalendarFeed& f) { f.scope_kind = "all"; }));
  EXPECT_TRUE(refused([](CalendarFeed& f) { f.token_hash = "secret"; }));
  EXPECT_TRUE(refused([](CalendarFeed& f) {
    f.token_hash = std::string(64, 'A');  // hex, but not lowercase
  }));
  EXPECT_TRUE(refused([](CalendarFeed& f) { f.created_us = -1; }));
  EXPECT_TRUE(
      refused([](CalendarFeed& f) { f.label = std::string("a\0b", 3); }));
  Result<std::vector<CalendarFeed>> all = store_->CalendarFeeds();
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  for (const CalendarFeed& f : *all) {
    EXPECT_FALSE(f.id.starts_with("cf_bad") || f.id.starts_with("cf_2"))
        << f.id;
  }
  EXPECT_EQ(*store_->CalendarFeedByTokenHash(feed.token_hash), feed);

  OpenOptions options;
  options.read_only = true;
  auto reader = OpenStore(url_, options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  EXPECT_EQ(*(*reader)->CalendarFeedByTokenHash(feed.token_hash), feed);
  EXPECT_EQ(
      (*reader)
          ->AddCalendarFeed(FeedOf("cf_ro" + campaign_, campaign_ + "g", 1))
          .code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ((*reader)->RevokeCalendarFeed(feed.id, 5).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_P(StoreContractTest, BackupsCarryCalendarFeeds) {
  const CalendarFeed live = FeedOf("cf_l" + campaign_, campaign_ + "h", 10);
  CalendarFeed revoked = FeedOf("cf_r" + campaign_, campaign_ + "i", 20);
  ASSERT_TRUE(store_->AddCalendarFeed(live).ok());
  ASSERT_TRUE(store_->AddCalendarFeed(revoked).ok());
  revoked = *store_->RevokeCalendarFeed(revoked.id, 30);
  ASSERT_TRUE(
      store_->Append(Request(campaign_, {MakeEvent("note", "N", 1)})).ok());
  const fs::path backup =
      fs::temp_directory_path() / ("livesop-feeds-" + campaign_ + ".db");
  ASSERT_TRUE(BackupStore(*store_, backup.string()).ok());
  {
    OpenOptions options;
    options.read_only = true;
    Result<std::unique_ptr<Store>> copy = OpenStore(backup.string(), options);
    ASSERT_TRUE(copy.ok()) << copy.status().ToString();
    EXPECT_EQ(*(*copy)->CalendarFeedByTokenHash(live.token_hash), live);
    EXPECT_EQ(*(*copy)->CalendarFeedByTokenHash(revoked.token_hash), revoked);
  }
  fs::remove(backup);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreContractTest,
                         testing::Values("sqlite", "postgresql"),
                         [](const testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

// ---------------------------------------------------------------------------
// SQLite files: what happens with files that are not what they should be.

class SqliteFileTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("livesop-sqlite-" + UniqueSuffix());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  static std::string Contents(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path dir_;
};

TEST_F(SqliteFileTest, PlainPathAndSqliteUrlOpenTheSameFile) {
  const std::string path = (dir_ / "a.db").string();
  {
    auto store = OpenStore(path);
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE(
        (*store)->Append(Request("c1", {MakeEvent("note", "Note", 1)})).ok());
  }
  auto again = OpenStore("sqlite:" + path);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*(*again)->CampaignVersion("c1"), 1);
}

TEST_F(SqliteFileTest, TextFileIsNotADatabaseAndIsLeftAlone) {
  const fs::path path = dir_ / "notes.txt";
  std::ofstream(path) << "campaign notes, not a database\n";
  auto store = OpenStore(path.string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("not a SQLite database"));
  EXPECT_EQ(Contents(path), "campaign notes, not a database\n");
}

TEST_F(SqliteFileTest, NewerSchemaIsRefusedAndNothingChanges) {
  const fs::path path = dir_ / "future.db";
  {
    auto store = OpenStore(path.string());
    ASSERT_TRUE(store.ok());
  }
  {
    // Simulate a database written by a newer livesop.
    auto store = OpenStore(path.string());
    ASSERT_TRUE(store.ok());
  }
  const std::string command =
      "sqlite3 '" + path.string() + "' 'PRAGMA user_version=99' 2>/dev/null";
  if (std::system(command.c_str()) != 0) {
    GTEST_SKIP() << "the sqlite3 shell is not installed";
  }
  const std::string before = Contents(path);
  auto store = OpenStore(path.string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("schema version 99"));
  EXPECT_THAT(store.status().message(), HasSubstr("upgrade livesop"));
  EXPECT_EQ(Contents(path), before);
}

TEST_F(SqliteFileTest, MigrationElevenFillsTrackerRowsFromTheMessages) {
  const fs::path path = dir_ / "tracker.db";
  {
    auto store = OpenStore(path.string());
    ASSERT_TRUE(store.ok());
  }
  // Back to schema version 10, with tracker rows read before migration 11.
  const auto row = [](char digit, int time, const std::string& detail) {
    return "INSERT INTO side_messages VALUES ('" + std::string(64, digit) +
           "', 'sheet', 'f.csv', 'f.csv:2', 'Tracker', '', '', " +
           std::to_string(time) +
           ", 0, 'UTC', 'x', 'ignored', 'unchanged', '', '', '', 0, '" +
           detail + "', 0, 'dina', '', '', 0);";
  };
  const fs::path script = dir_ / "downgrade.sql";
  std::ofstream(script)
      << "DROP TABLE side_tracker_rows; DROP TABLE "
         "side_hooks; PRAGMA user_version=10;\n"
      << row('1', 100, R"({"row_key":"CMP-1","status":"Brief"})")
      << row('2', 200, R"({"row_key":"CMP-1","status":"Approved"})")
      << row('3', 150, R"({"row_key":"CMP-2","status":"Brief"})")
      << row('4', 300, R"({"person":"x"})") << row('5', 50, "{") << "\n";
  const std::string command =
      "sqlite3 '" + path.string() + "' < '" + script.string() + "' 2>/dev/null";
  if (std::system(command.c_str()) != 0) {
    GTEST_SKIP() << "the sqlite3 shell is not installed";
  }
  auto store = OpenStore(path.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->SchemaVersion().value(), CurrentSchemaVersion());
  Result<std::vector<TrackerRow>> rows = (*store)->TrackerRows("Tracker");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].status, "Approved");
  EXPECT_EQ((*rows)[0].time_us, 200);
  EXPECT_EQ((*rows)[1].row_key, "CMP-2");
}

TEST_F(SqliteFileTest, AnotherProgramsDatabaseIsRefused) {
  const fs::path path = dir_ / "crm.db";
  const std::string command = "sqlite3 '" + path.string() +
                              "' 'CREATE TABLE contacts(id, name)' 2>/dev/null";
  if (std::system(command.c_str()) != 0) {
    GTEST_SKIP() << "the sqlite3 shell is not installed";
  }
  auto store = OpenStore(path.string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("another program"));
}

TEST_F(SqliteFileTest, DirectoriesAndMissingFoldersAreClearErrors) {
  auto dir = OpenStore(dir_.string());
  EXPECT_EQ(dir.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(dir.status().message(), HasSubstr("is a directory"));
  auto missing = OpenStore((dir_ / "no" / "such" / "x.db").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(missing.status().message(), HasSubstr("does not exist"));
  OpenOptions read_only;
  read_only.read_only = true;
  auto absent = OpenStore((dir_ / "absent.db").string(), read_only);
  EXPECT_EQ(absent.status().code(), StatusCode::kUnavailable);
  EXPECT_FALSE(fs::exists(dir_ / "absent.db"));
}

TEST_F(SqliteFileTest, VersionOneDatabaseIsMigratedWithItsHistory) {
  const fs::path path = dir_ / "v1.db";
  const std::string command = "sqlite3 '" + path.string() + "' < '" +
                              LIVESOP_SOURCE_DIR +
                              "/testdata/store/schema-v1.sql' 2>/dev/null";
  if (std::system(command.c_str()) != 0) {
    GTEST_SKIP() << "the sqlite3 shell is not installed";
  }
  auto store = OpenStore(path.string());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*(*store)->SchemaVersion(), CurrentSchemaVersion());
  EXPECT_EQ(*(*store)->CampaignVersion("spring-launch"), 2);
  EXPECT_EQ(*(*store)->LastPosition(), 3);
  auto campaigns = (*store)->Campaigns({});
  ASSERT_TRUE(campaigns.ok()) << campaigns.status().ToString();
  ASSERT_EQ(campaigns->size(), 2u);
  EXPECT_EQ((*campaigns)[1].campaign, "spring-launch");
  EXPECT_EQ((*campaigns)[1].title, "Spring launch");
  EXPECT_EQ((*campaigns)[1].deviation_count, 1);
  EXPECT_EQ((*campaigns)[1].due_us, 1710000000000000);
  // The migrated store appends after the history it brought along.
  auto next = (*store)->Append(
      Request("spring-launch", {MakeEvent("note", "Note", 1)}, 2));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_EQ(next->first_position, 4);
  EXPECT_EQ(next->version, 3);
  // The migrations added the SOP versions, empty.
  Result<std::vector<SopVersionRecord>> versions = (*store)->SopVersions();
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  EXPECT_TRUE(versions->empty());
  SopVersionRecord published;
  published.version = "1.0.0";
  published.sop_id = "marketing-ops";
  published.digest = std::string(64, 'a');
  published.bundle = "{}";
  EXPECT_TRUE((*store)->PublishSop(published).ok());
  EXPECT_EQ((*store)->SopVersions()->size(), 1u);
}

TEST_F(SqliteFileTest, UnknownSchemesAreRejected) {
  auto store = OpenStore("mysql://localhost/livesop");
  EXPECT_EQ(store.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(store.status().message(), HasSubstr("mysql://"));
}

}  // namespace
}  // namespace livesop::store

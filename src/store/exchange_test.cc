// Export to and import from XES and CSV, with the real logs of
// ../shared/data/logs and with logs broken on purpose.
#include "store/exchange.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "store/test_util.h"

namespace livesop::store {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

const std::string kLogs =
    std::string(LIVESOP_SOURCE_DIR) + "/../shared/data/logs/";

// What an event means, without where a store put it (position, sequence,
// recorded time) and with the payload compared as JSON.
struct Meaning {
  std::string activity, lifecycle, resource, role, type, step, sop_version,
      source, deviation, reason, campaign_type;
  int64_t time_us;
  nlohmann::json payload;
  friend bool operator==(const Meaning&, const Meaning&) = default;
};

std::map<std::string, std::vector<Meaning>> ByCampaign(Store& store) {
  std::map<std::string, std::vector<Meaning>> out;
  EXPECT_TRUE(store
                  .Scan({},
                        [&](const Event& e) {
                          out[e.campaign].push_back(
                              {e.activity, e.lifecycle, e.resource, e.role,
                               e.type, e.step, e.sop_version, e.source,
                               e.deviation, e.reason, e.campaign_type,
                               e.time_us, nlohmann::json::parse(e.payload)});
                          return OkStatus();
                        })
                  .ok());
  return out;
}

class ExchangeTest : public testing::Test {
 protected:
  std::unique_ptr<Store> Fresh(const std::string& name) {
    auto store = OpenStore((dir_ / name).string());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return std::move(*store);
  }

  std::string Export(Store& store, LogFormat format, const std::string& name,
                     const EventFilter& filter = {}) {
    const std::string path = (dir_ / name).string();
    std::ofstream out(path, std::ios::binary);
    auto stats = ExportLog(store, filter, format, out);
    EXPECT_TRUE(stats.ok()) << stats.status().ToString();
    return path;
  }

  TestDir test_dir_{"livesop-exchange"};
  const fs::path& dir_ = test_dir_.path();
};

TEST_F(ExchangeTest, ImportsTheRunningExampleOnceOnly) {
  auto store = Fresh("a.db");
  auto stats =
      ImportLog(*store, kLogs + "running-example.xes", LogFormat::kXes, {});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->campaigns, 6);
  EXPECT_EQ(stats->events, 42);
  EXPECT_FALSE(stats->already_imported);
  auto log = ByCampaign(*store);
  ASSERT_EQ(log.size(), 6u);
  std::set<std::string> activities;
  for (const auto& [c, events] : log) {
    for (const Meaning& m : events) activities.insert(m.activity);
  }
  EXPECT_EQ(activities.size(), 8u);
  // Case 3 of the book starts with Pete registering the request.
  const Meaning& first = log.at("3").front();
  EXPECT_EQ(first.activity, "register request");
  EXPECT_EQ(first.resource, "Pete");
  EXPECT_EQ(first.source, "import");
  EXPECT_EQ(first.type, "activity");
  EXPECT_EQ(first.payload.at("Costs"), "50");
  EXPECT_EQ(first.time_us, 1293715920000000);  // 2010-12-30T14:32+01:00

  auto again =
      ImportLog(*store, kLogs + "running-example.xes", LogFormat::kXes, {});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->already_imported);
  EXPECT_EQ(again->events, 0);
  EXPECT_EQ(*store->LastPosition(), 42);
}

TEST_F(ExchangeTest, ReceiptLogImportsWhole) {
  auto store = Fresh("receipt.db");
  ImportOptions options;
  options.campaign_type = "permit";
  auto stats =
      ImportLog(*store, kLogs + "receipt.xes", LogFormat::kXes, options);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->campaigns, 1434);
  EXPECT_EQ(stats->events, 8577);
  EXPECT_EQ(store->Campaigns({})->size(), 1434u);
  EventFilter permits;
  permits.campaign_types = {"permit"};
  int64_t n = 0;
  ASSERT_TRUE(store
                  ->Scan(permits,
                         [&](const Event&) {
                           ++n;
                           return OkStatus();
                         })
                  .ok());
  EXPECT_EQ(n, 8577);
}

TEST_F(ExchangeTest, XesAndCsvRoundTripsKeepEveryAttribute) {
  auto source = Fresh("source.db");
  for (int c = 0; c < 4; ++c) {
    AppendRequest r;
    r.campaign = c == 3 ? "launch <&> \"q3\"" : "c" + std::to_string(c);
    for (int i = 0; i < 5; ++i) {
      Event e;
      e.type = i == 0 ? "campaign_created" : "task_completed";
      e.activity = "Step, \"" + std::to_string(i) + "\"\nnext line";
      e.time_us = 1'700'000'000'123'456 + i * 1'000'000 + c;
      e.lifecycle = i % 2 == 0 ? "complete" : "start";
      e.resource = i == 2 ? "" : "ana";
      e.role = "brand-manager";
      e.step = "s" + std::to_string(i);
      e.sop_version = "1.2.0";
      e.source = i == 3 ? "whatsapp" : "engine";
      e.deviation = i == 3 ? "informal_approval" : "";
      e.reason = i == 3 ? "ok'd in the <team> chat & on a call" : "";
      e.campaign_type = "product-launch";
      e.payload = i == 1 ? R"({"budget":5000,"tags":["a","b"]})" : "{}";
      r.events.push_back(e);
    }
    ASSERT_TRUE(source->Append(r).ok());
  }
  const auto expected = ByCampaign(*source);
  for (LogFormat format : {LogFormat::kXes, LogFormat::kCsv}) {
    const std::string name = format == LogFormat::kXes ? "log.xes" : "log.csv";
    const std::string path = Export(*source, format, name);
    auto target = Fresh(name + ".db");
    auto stats = ImportLog(*target, path, format, {});
    ASSERT_TRUE(stats.ok()) << name << ": " << stats.status().ToString();
    EXPECT_EQ(stats->events, 20) << name;
    EXPECT_EQ(ByCampaign(*target), expected) << name;
    // The read models follow the imported history.
    auto campaigns = *target->Campaigns({});
    ASSERT_EQ(campaigns.size(), 4u);
    EXPECT_EQ(campaigns[0].deviation_count, 1);
  }
}

TEST_F(ExchangeTest, ExportFiltersAndDeclaresTheExtensions) {
  auto store = Fresh("a.db");
  ASSERT_TRUE(
      ImportLog(*store, kLogs + "running-example.xes", LogFormat::kXes, {})
          .ok());
  EventFilter filter;
  filter.activities = {"decide"};
  const std::string path =
      Export(*store, LogFormat::kXes, "decide.xes", filter);
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_THAT(text.str(), HasSubstr("xes.version=\"1849-2016\""));
  EXPECT_THAT(text.str(),
              HasSubstr("uri=\"http://www.xes-standard.org/concept.xesext\""));
  EXPECT_THAT(text.str(), HasSubstr(kLivesopXesUri));
  auto target = Fresh("decide.db");
  auto stats = ImportLog(*target, path, LogFormat::kXes, {});
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->campaigns, 6);
  EXPECT_EQ(stats->events, 9);  // "decide" occurs 9 times in the book's log
}

TEST_F(ExchangeTest, MalformedHalfwayImportsNothing) {
  auto store = Fresh("a.db");
  // A log cut off in the middle: the first traces are fine.
  std::ifstream in(kLogs + "running-example.xes");
  std::stringstream whole;
  whole << in.rdbuf();
  const std::string text = whole.str();
  const fs::path cut = dir_ / "cut.xes";
  std::ofstream(cut) << text.substr(0, text.size() / 2);
  auto xes = ImportLog(*store, cut.string(), LogFormat::kXes, {});
  EXPECT_EQ(xes.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(xes.status().message(), HasSubstr(cut.string() + ":"));

  // A date that does not parse in the fourth trace.
  const fs::path bad_date = dir_ / "bad-date.xes";
  std::string broken = text;
  size_t at = 0;
  for (int i = 0; i < 30; ++i) at = broken.find("time:timestamp", at + 1);
  broken.replace(broken.find("value=\"", at) + 7, 4, "20xx");
  std::ofstream(bad_date) << broken;
  auto date = ImportLog(*store, bad_date.string(), LogFormat::kXes, {});
  EXPECT_EQ(date.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(date.status().message(), HasSubstr("20xx"));

  // A CSV whose fifth line has a field too many.
  const fs::path csv = dir_ / "bad.csv";
  std::ofstream(csv) << "case,activity,timestamp\n"
                        "c1,Brief,2026-01-05T09:00:00Z\n"
                        "c1,Review,2026-01-06T09:00:00Z\n"
                        "c2,Brief,2026-01-07T09:00:00Z\n"
                        "c2,Review,2026-01-08T09:00:00Z,extra\n";
  auto rows = ImportLog(*store, csv.string(), LogFormat::kCsv, {});
  EXPECT_EQ(rows.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(rows.status().message(), HasSubstr(csv.string() + ":5"));

  // An event without an activity.
  const fs::path no_activity = dir_ / "no-activity.csv";
  std::ofstream(no_activity) << "case,activity,timestamp,cost\n"
                                "c1,Brief,2026-01-05T09:00:00Z,3\n"
                                "c1,,2026-01-06T09:00:00Z,4\n";
  auto empty = ImportLog(*store, no_activity.string(), LogFormat::kCsv, {});
  EXPECT_EQ(empty.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(empty.status().message(), HasSubstr(":3"));

  EXPECT_EQ(*store->LastPosition(), 0);
  EXPECT_TRUE(store->Campaigns({})->empty());
}

TEST_F(ExchangeTest, CsvCasesAreOrderedByTime) {
  const fs::path csv = dir_ / "sheet.csv";
  std::ofstream(csv) << "Case ID;Activity;Timestamp;Resource;Channel\n"
                        "c1;Review;2026-01-06 09:00;ben;email\n"
                        "c2;Brief;2026-01-05 10:00;cleo;\n"
                        "c1;Brief;2026-01-05 09:00;ana;email\n";
  auto store = Fresh("sheet.db");
  ImportOptions options;
  options.source = "sheet";
  auto stats = ImportLog(*store, csv.string(), LogFormat::kCsv, options);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  auto log = ByCampaign(*store);
  ASSERT_EQ(log.at("c1").size(), 2u);
  EXPECT_EQ(log.at("c1")[0].activity, "Brief");
  EXPECT_EQ(log.at("c1")[0].source, "sheet");
  EXPECT_EQ(log.at("c1")[0].payload.at("Channel"), "email");
  EXPECT_EQ(log.at("c1")[1].resource, "ben");
}

}  // namespace
}  // namespace livesop::store

namespace livesop::store {
namespace {

TEST_F(ExchangeTest, TheHistoryReadsAsAColumnarLogWithAStepView) {
  auto store = Fresh("mined.db");
  // Two campaigns, interleaved in the store; only events with an outcome
  // finish a step.
  auto event = [](const char* type, const char* activity, const char* step,
                  const char* payload, int64_t minute) {
    Event e;
    e.type = type;
    e.activity = activity;
    e.step = step;
    e.payload = payload;
    e.time_us = 1'700'000'000'000'000 + minute * 60'000'000;
    e.resource = "ana";
    e.campaign_type = "newsletter";
    return e;
  };
  AppendRequest a;
  a.campaign = "a";
  a.events = {
      event("campaign_created", "Campaign created", "", "{}", 0),
      event("task_completed", "Draft", "draft", R"({"outcome":"done"})", 5)};
  AppendRequest b;
  b.campaign = "b";
  b.events = {event("campaign_created", "Campaign created", "", "{}", 1),
              event("approval_decided", "Approve", "approve",
                    R"({"decision":"approve","note":"no outcome yet"})", 2),
              event("approval_decided", "Approve", "approve",
                    R"({"decision":"approve","outcome":"approved"})", 3)};
  AppendRequest a2;
  a2.campaign = "a";
  // A skipped step is not on the path: its work was not done.
  a2.events = {event("task_skipped", "Proofread", "proofread",
                     R"({"outcome":"done"})", 8),
               event("task_completed", "Review", "review",
                     R"({"outcome":"approved"})", 9)};
  for (AppendRequest* r : {&a, &b, &a2}) {
    r->expected_version = kAnyVersion;
    ASSERT_TRUE(store->Append(*r).ok());
  }

  auto all = ReadStoreLog(*store, {});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->num_cases(), 2u);
  EXPECT_EQ(all->case_id(0), "a");
  EXPECT_EQ(all->case_size(0), 4u);
  EXPECT_EQ(all->case_size(1), 3u);
  EXPECT_EQ(all->activities()[all->trace(0)[3]], "Review");
  EXPECT_EQ(all->FindEventColumn("livesop:payload"), nullptr);
  const eventlog::AttributeColumn* type = all->FindEventColumn("livesop:type");
  ASSERT_NE(type, nullptr);
  EXPECT_EQ(type->Text(0, *all), "campaign_created");

  StoreLogOptions steps;
  steps.steps_only = true;
  auto path = ReadStoreLog(*store, {}, steps);
  ASSERT_TRUE(path.ok());
  ASSERT_EQ(path->num_cases(), 2u);
  std::vector<std::string> a_steps, b_steps;
  for (uint32_t x : path->trace(0)) a_steps.push_back(path->activities()[x]);
  for (uint32_t x : path->trace(1)) b_steps.push_back(path->activities()[x]);
  EXPECT_EQ(a_steps, (std::vector<std::string>{"Draft", "Review"}));
  EXPECT_EQ(b_steps, (std::vector<std::string>{"Approve"}));
}

}  // namespace
}  // namespace livesop::store

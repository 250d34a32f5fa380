// Two engines, each with its own connection to one store, sweeping the same
// overdue timers at the same moment, as two server processes sharing a
// PostgreSQL database do: every timer fires exactly once. Runs on SQLite
// always and on PostgreSQL when LIVESOP_TEST_POSTGRES_ADMIN_URL names a
// server (scripts/with-postgres.sh), in a database of its own so that no
// other test's campaigns are swept.
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/sample.h"
#include "engine/test_util.h"
#include "store/store.h"

namespace livesop::engine {
namespace {

namespace fs = std::filesystem;

// Runs `sql` on the server `url` names; fails the test when it fails.
void Exec(const std::string& url, const std::string& sql) {
  PGconn* conn = PQconnectdb(url.c_str());
  ASSERT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  PGresult* result = PQexec(conn, sql.c_str());
  const bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
  const std::string error = PQerrorMessage(conn);
  PQclear(result);
  PQfinish(conn);
  ASSERT_TRUE(ok) << sql << ": " << error;
}

// `url` with its database name (the path after the last '/') replaced.
std::string WithDatabase(const std::string& url, const std::string& name) {
  const size_t slash = url.rfind('/');
  const size_t query = url.find('?', slash);
  return url.substr(0, slash + 1) + name +
         (query == std::string::npos ? "" : url.substr(query));
}

class SweepConcurrencyTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    const std::string suffix =
        std::to_string(::getpid()) + "_" +
        std::to_string(
            testing::UnitTest::GetInstance()->current_test_info()->line());
    if (GetParam() == "postgresql") {
      const char* admin = std::getenv("LIVESOP_TEST_POSTGRES_ADMIN_URL");
      const char* user = std::getenv("LIVESOP_TEST_POSTGRES_URL");
      if (admin == nullptr || *admin == '\0' || user == nullptr) {
        GTEST_SKIP() << "LIVESOP_TEST_POSTGRES_ADMIN_URL is not set; run the "
                        "tests through scripts/with-postgres.sh";
      }
      admin_ = admin;
      database_ = "livesop_sweep_" + suffix;
      ASSERT_NO_FATAL_FAILURE(
          Exec(admin_, "CREATE DATABASE " + database_ + " OWNER livesop"));
      url_ = WithDatabase(user, database_);
    } else {
      dir_ = fs::temp_directory_path() / ("livesop-sweep-" + suffix);
      fs::remove_all(dir_);
      fs::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "livesop.db").string();
    }
  }
  void TearDown() override {
    if (!database_.empty()) {
      Exec(admin_, "DROP DATABASE IF EXISTS " + database_ + " WITH (FORCE)");
    }
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::unique_ptr<store::Store> Open() {
    auto opened = store::OpenStore(url_);
    EXPECT_TRUE(opened.ok()) << opened.status().ToString();
    return opened.ok() ? std::move(*opened) : nullptr;
  }

  std::string admin_;
  std::string database_;
  std::string url_;
  fs::path dir_;
};

TEST_P(SweepConcurrencyTest, TwoEnginesAtOnceFireEachTimerOnce) {
  const sop::Definition& sop = ExampleSop();
  // Monday 2026-01-05 09:00 in Jakarta.
  FakeClock clock(int64_t{1767578400} * 1000000);
  std::unique_ptr<store::Store> writer = Open();
  ASSERT_NE(writer, nullptr);
  constexpr int kCampaigns = 300;  // more than one sweep batch
  {
    Engine engine(*writer, sop, clock);
    for (int i = 0; i < kCampaigns; ++i) {
      SubmitCommand command;
      command.campaign = "race-" + std::to_string(i);
      command.campaign_type = "product-launch";
      command.title = "Race " + std::to_string(i);
      command.actor = "intan-permata";
      command.values = SampleRequest(sop, command.campaign_type,
                                     clock.NowMicros(), DefaultCalendar(sop));
      auto submitted = engine.Submit(command);
      ASSERT_TRUE(submitted.ok()) << submitted.status().ToString();
    }
    // Nine days on, every plan (5 working days) is overdue and the first
    // notices of its escalation are due.
    auto pending = engine.PendingTimers(clock.NowMicros() +
                                        int64_t{7} * 24 * 3600 * 1000000);
    ASSERT_TRUE(pending.ok()) << pending.status().ToString();
    ASSERT_GE(pending->size(), static_cast<size_t>(kCampaigns));
  }
  clock.Set(clock.NowMicros() + int64_t{9} * 24 * 3600 * 1000000);

  // Two fresh engines (nothing kept: as two servers after a restart), each
  // on its own connection, sweep at once, each a few times.
  std::vector<std::string> problems[2];
  int64_t written[2] = {0, 0};
  std::vector<std::thread> sweepers;
  for (int s = 0; s < 2; ++s) {
    sweepers.emplace_back([&, s] {
      std::unique_ptr<store::Store> store = Open();
      if (store == nullptr) return;
      Engine engine(*store, sop, clock);
      for (int round = 0; round < 3; ++round) {
        auto report = engine.Sweep();
        if (!report.ok()) {
          problems[s].push_back(report.status().ToString());
          continue;
        }
        written[s] += report->events;
        problems[s].insert(problems[s].end(), report->problems.begin(),
                           report->problems.end());
      }
    });
  }
  for (std::thread& t : sweepers) t.join();
  EXPECT_TRUE(problems[0].empty()) << problems[0].front();
  EXPECT_TRUE(problems[1].empty()) << problems[1].front();
  EXPECT_GT(written[0] + written[1], 0);

  // Each campaign: its plan's breach recorded once, each notice raised
  // once, and the same history as a single engine sweeping alone writes.
  std::map<std::string, std::multiset<std::string>> fired;
  store::EventFilter filter;
  ASSERT_TRUE(writer
                  ->Scan(filter,
                         [&](const store::Event& e) {
                           if (e.type == "sla_breached" ||
                               e.type == "escalation_raised" ||
                               e.type == "sla_reminded") {
                             const auto payload =
                                 nlohmann::json::parse(e.payload);
                             fired[e.campaign].insert(
                                 e.type + " " + payload.value("task", "") +
                                 payload.value("escalation", "") + " " +
                                 std::to_string(payload.value("notice", 0)));
                           }
                           return OkStatus();
                         })
                  .ok());
  ASSERT_EQ(fired.size(), static_cast<size_t>(kCampaigns));
  const std::multiset<std::string>& first = fired.begin()->second;
  EXPECT_GT(first.size(), 1u) << *first.begin();
  for (const auto& [campaign, events] : fired) {
    const std::set<std::string> distinct(events.begin(), events.end());
    EXPECT_EQ(distinct.size(), events.size()) << campaign << " fired twice";
    EXPECT_EQ(events.size(), first.size()) << campaign;
  }
  // Nothing is left to fire.
  Engine after(*writer, sop, clock);
  auto again = after.Sweep();
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->events, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, SweepConcurrencyTest,
                         testing::Values("sqlite", "postgresql"),
                         [](const testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace livesop::engine

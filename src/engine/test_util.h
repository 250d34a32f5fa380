// Helpers shared by the engine's tests.
#ifndef LIVESOP_ENGINE_TEST_UTIL_H_
#define LIVESOP_ENGINE_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/time.h"
#include "engine/engine.h"
#include "sop/loader.h"
#include "store/store.h"

namespace livesop::engine {

// The example department's SOP (examples/marketing-ops), loaded once per
// test binary; a load with errors fails the test that asked for it.
inline const sop::Definition& ExampleSop() {
  static const sop::LoadResult loaded = sop::LoadDefinition(
      std::string(LIVESOP_SOURCE_DIR) + "/examples/marketing-ops/sop.yaml");
  EXPECT_FALSE(loaded.diagnostics.has_errors());
  return loaded.definition;
}

// An engine on a fresh SQLite store in a temporary folder, running the
// example SOP on a fake clock at 2026-01-01, with helpers to submit and
// move campaigns.
class EngineFixture : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("livesop-engine-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    auto store = store::OpenStore((dir_ / "livesop.db").string());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    store_ = std::move(*store);
    engine_ = std::make_unique<Engine>(*store_, ExampleSop(), clock_);
  }
  void TearDown() override {
    engine_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  // The first person of the example who holds `role`.
  static std::string PersonFor(const std::string& role) {
    for (const sop::Person& p : ExampleSop().people) {
      for (const std::string& r : p.roles) {
        if (r == role) return p.id;
      }
    }
    ADD_FAILURE() << "nobody holds " << role;
    return "";
  }

  // A complete Campaign Request Form for a product launch, three months
  // after the fake clock's 2026-01-01.
  static nlohmann::json ValidLaunch(const std::string& requester) {
    return {{"campaign_name", "Spring launch"},
            {"requester", requester},
            {"campaign_type", "product-launch"},
            {"objective", "awareness"},
            {"target_audience", "Urban professionals, 25-40"},
            {"key_message", "Lighter, faster, greener"},
            {"strategic_outline", "SWOT done; supports the Q2 growth goal"},
            {"campaign_brief", "https://drive.example.com/brief-v3"},
            {"channels", {"instagram", "email"}},
            {"asset_needs", "Reels, stories, one email"},
            {"budget", 50'000'000},
            {"cost_center", "CC-1234"},
            {"finance_reference", "FIN-000123"},
            {"brief_date", "2026-01-05"},
            {"launch_date", "2026-04-01"},
            {"end_date", "2026-04-30"},
            {"timeline", "https://drive.example.com/timeline"},
            {"urgent", false}};
  }

  // ValidLaunch with its dates moved: the brief on the date of `now_us`
  // (UTC), the launch `launch_days` later, its end 30 days after that.
  static nlohmann::json LaunchFrom(const std::string& requester, int64_t now_us,
                                   int launch_days) {
    constexpr int64_t kDayUs = int64_t{24} * 3600 * 1'000'000;
    nlohmann::json values = ValidLaunch(requester);
    const int64_t launch = now_us + launch_days * kDayUs;
    values["brief_date"] = FormatTimestamp(now_us).substr(0, 10);
    values["launch_date"] = FormatTimestamp(launch).substr(0, 10);
    values["end_date"] = FormatTimestamp(launch + 30 * kDayUs).substr(0, 10);
    return values;
  }

  Result<CampaignState> SubmitLaunch(const std::string& id) {
    SubmitCommand command;
    command.campaign = id;
    command.campaign_type = "product-launch";
    command.title = "Spring launch";
    command.actor = PersonFor("campaign-manager");
    command.values = ValidLaunch(command.actor);
    return engine_->Submit(command);
  }

  const sop::ProcessGraph& Graph() {
    static const sop::ProcessGraph graph = [] {
      for (const sop::Process& p : ExampleSop().processes) {
        if (p.id == "campaign-delivery") return sop::CompileGraph(p);
      }
      return sop::ProcessGraph();
    }();
    return graph;
  }

  // Does what the campaign waits for first (AwaitedNow), as the first
  // person allowed to: ticks a checklist item, completes a step, or
  // approves. Returns the new state.
  CampaignState Round(CampaignState state) {
    const std::vector<Awaited> awaited = engine_->AwaitedNow(state);
    if (awaited.empty() || awaited.front().people.empty()) {
      std::string active;
      for (int n : state.flow.active) active += " " + std::to_string(n);
      ADD_FAILURE() << "campaign " << state.campaign << " (" << state.status
                    << ", active nodes" << active << ") waits for nobody";
      return state;
    }
    const Awaited& a = awaited.front();
    const std::string& person = a.people.front();
    Result<CampaignState> next =
        !a.item.empty() ? engine_->Tick(state.campaign, a.step, a.item, person)
        : a.decision    ? engine_->Decide(state.campaign, a.step, person,
                                          Verdict::kApprove, "ok")
                        : engine_->Complete(state.campaign, a.step, person);
    EXPECT_TRUE(next.ok()) << a.step << ": " << next.status().ToString();
    return next.ok() ? *next : state;
  }

  // The events of `campaign` in order; only those of `type` when given.
  std::vector<store::Event> EventsOf(const std::string& campaign,
                                     const std::string& type = "") {
    std::vector<store::Event> events;
    store::EventFilter filter;
    filter.campaign = campaign;
    EXPECT_TRUE(store_
                    ->Scan(filter,
                           [&](const store::Event& e) {
                             if (type.empty() || e.type == type) {
                               events.push_back(e);
                             }
                             return OkStatus();
                           })
                    .ok());
    return events;
  }

  // The tasks read model's row of `task`; status "missing" when none.
  store::TaskRecord TaskOf(const std::string& task) {
    auto tasks = store_->Tasks({});
    EXPECT_TRUE(tasks.ok());
    if (tasks.ok()) {
      for (const store::TaskRecord& t : *tasks) {
        if (t.task == task) return t;
      }
    }
    store::TaskRecord missing;
    missing.status = "missing";
    return missing;
  }

  // Whether `step` of the campaign-delivery process is active in `state`.
  bool IsActive(const CampaignState& state, const std::string& step) {
    return state.flow.active.count(Graph().Find(step)) > 0;
  }

  // Rounds until `step` is active (at most 300 moves).
  CampaignState Until(CampaignState state, const std::string& step) {
    for (int i = 0;
         i < 300 && !IsActive(state, step) && state.status == "active"; ++i) {
      state = Round(state);
    }
    EXPECT_TRUE(IsActive(state, step)) << step << " never reached";
    return state;
  }

  std::filesystem::path dir_;
  FakeClock clock_{1'767'225'600'000'000};  // 2026-01-01
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Engine> engine_;
};

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_TEST_UTIL_H_

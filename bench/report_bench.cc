// The department report of 10,000 campaigns, timed on the example SOP
// (examples/marketing-ops) with a SQLite store written for it: campaigns of
// every type submitted over 2026, each with about 70 events as the engine
// writes them (the request, tasks created and completed, approval decisions
// with a revision loop now and then, checklist ticks, notifications, spend;
// a third completed, a tenth cancelled). BENCHMARKS.md reports the medians.
//
//   build/bench/report_bench [CAMPAIGNS] [RUNS] [SOP]
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/time.h"
#include "engine/report.h"
#include "sop/loader.h"
#include "store/store.h"
#include "timing.h"

namespace {

namespace store = livesop::store;
using Json = nlohmann::json;

constexpr int64_t kHour = int64_t{3600} * 1000000;
constexpr int64_t kDay = 24 * kHour;

store::Event Make(const std::string& type, const std::string& step,
                  const std::string& role, int64_t at, const Json& payload) {
  store::Event e;
  e.type = type;
  e.activity = step.empty() ? type : step;
  e.step = step;
  e.role = role;
  e.time_us = at;
  e.payload = payload.dump();
  return e;
}

// One campaign's events, in the order the engine would write them.
std::vector<store::Event> Campaign(const std::string& id, int64_t start,
                                   std::mt19937& random) {
  std::vector<store::Event> out;
  const int64_t launch =
      start + (42 + static_cast<int64_t>(random() % 60)) * kDay;
  const std::string launch_date =
      livesop::FormatTimestamp(launch).substr(0, 10);
  out.push_back(Make("campaign_created", "", "", start,
                     {{"title", "Campaign " + id},
                      {"owner", "intan-permata"},
                      {"values",
                       {{"launch_date", launch_date},
                        {"budget", (random() % 2) ? 25000000 : 400000000},
                        {"channels", {"email", "instagram"}},
                        {"urgent", false}}}}));
  int64_t at = start;
  auto task = [&](const std::string& step, const std::string& role) {
    out.push_back(Make("task_created", step, role, at,
                       {{"task", id + "/" + step}, {"due_us", at + 2 * kDay}}));
    at += static_cast<int64_t>(random() % 48) * kHour;
    out.push_back(
        Make("task_completed", step, role, at,
             {{"task", id + "/" + step}, {"step", step}, {"outcome", "done"}}));
    out.push_back(Make("notification_sent", step, "", at,
                       {{"recipients", {"intan-permata"}}, {"subject", step}}));
  };
  auto decide = [&](const std::string& step, const std::string& role,
                    const char* decision) {
    const std::string t = id + "/" + step + "/" + role;
    out.push_back(Make("task_created", step, role, at, {{"task", t}}));
    at += static_cast<int64_t>(random() % 72) * kHour;
    out.push_back(Make("approval_decided", step, role, at,
                       {{"task", t},
                        {"step", step},
                        {"decision", decision},
                        {"outcome", std::string(decision) == "approve"
                                        ? "approved"
                                        : "changes_requested"}}));
  };
  const bool cancelled = random() % 10 == 0;
  const bool completed = !cancelled && random() % 3 == 0;
  task("plan", "campaign-manager");
  if (random() % 4 == 0) {
    decide("internal-review", "campaign-lead", "request_changes");
    task("plan", "campaign-manager");
  }
  decide("internal-review", "campaign-lead", "approve");
  task("submit-request", "campaign-manager");
  decide("completeness-check", "marketing-ops-specialist", "approve");
  if (cancelled) {
    out.push_back(Make("campaign_cancelled", "", "", at, Json::object()));
    return out;
  }
  for (const char* role : {"brand-manager", "campaign-lead",
                           "marketing-ops-lead", "product-marketing-manager"}) {
    decide("campaign-approval", role, "approve");
  }
  for (const char* step : {"write-copy", "design-request", "designer-kickoff",
                           "asset-production", "final-edits"}) {
    task(step, "copywriter");
  }
  decide("peer-review", "content-lead", "approve");
  decide("asset-spec-check", "creative-lead", "approve");
  decide("content-approval", "head-of-marketing", "approve");
  for (int i = 0; i < 8; ++i) {
    out.push_back(
        Make("checklist_item_ticked", "pre-launch", "", at,
             {{"item", "item-" + std::to_string(i)}, {"ticked", true}}));
  }
  task("pre-launch", "campaign-manager");
  out.push_back(Make("spend_recorded", "", "", at,
                     {{"amount", 10000000}, {"total", 10000000}}));
  if (at < launch) at = launch + static_cast<int64_t>(random() % 3) * kDay;
  task("launch-day", "campaign-manager");
  out.push_back(Make("spend_recorded", "", "", at,
                     {{"amount", 20000000}, {"total", 30000000}}));
  if (!completed) return out;
  task("live-period", "");
  task("post-launch", "campaign-manager");
  task("reporting", "marketing-analyst");
  decide("performance-review", "campaign-lead", "approve");
  out.push_back(Make("campaign_completed", "", "", at, Json::object()));
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::atoi(argv[1]) : 10000;
  const int runs = argc > 2 ? std::atoi(argv[2]) : 5;
  const std::string path = argc > 3 ? argv[3]
                                    : std::string(LIVESOP_SOURCE_DIR) +
                                          "/examples/marketing-ops/sop.yaml";
  const livesop::sop::LoadResult loaded = livesop::sop::LoadDefinition(path);
  if (loaded.diagnostics.has_errors()) {
    std::fprintf(stderr, "the SOP %s has errors\n", path.c_str());
    return 1;
  }
  const livesop::sop::Definition& sop = loaded.definition;
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / "livesop-report-bench";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  auto opened = store::OpenStore((dir / "store.db").string());
  if (!opened.ok()) {
    std::fprintf(stderr, "%s\n", opened.status().ToString().c_str());
    return 1;
  }
  store::Store& db = **opened;

  std::mt19937 random(42);
  const int64_t jan1 = *livesop::ParseTimestamp("2026-01-01T02:00:00Z");
  int64_t events = 0;
  const auto written = livesop::bench::Time(1, [&] {
    std::vector<store::AppendRequest> batch;
    for (int i = 0; i < n; ++i) {
      const auto& type = sop.campaign_types[i % sop.campaign_types.size()];
      store::AppendRequest request;
      request.campaign = "c" + std::to_string(100000 + i);
      request.expected_version = store::kNoCampaign;
      request.events =
          Campaign(request.campaign,
                   jan1 + static_cast<int64_t>(random() % 300) * kDay, random);
      for (store::Event& e : request.events) {
        e.campaign = request.campaign;
        e.sop_version = sop.sop.version;
        e.campaign_type = type.id;
      }
      events += static_cast<int64_t>(request.events.size());
      batch.push_back(std::move(request));
      if (batch.size() == 100 || i + 1 == n) {
        if (auto r = db.AppendAll(batch); !r.ok()) {
          std::fprintf(stderr, "%s\n", r.status().ToString().c_str());
          std::exit(1);
        }
        batch.clear();
      }
    }
  });
  std::printf("store: %d campaigns, %lld events, written in %.0f ms\n", n,
              static_cast<long long>(events), written.median_ms);

  // The floor: the one scan the report makes, visiting each event and
  // doing nothing with it.
  int64_t scanned = 0;
  const auto scan = livesop::bench::Time(runs, [&] {
    store::EventFilter filter;
    filter.types = {"campaign_created", "task_created",  "approval_decided",
                    "task_completed",   "step_finished", "task_skipped",
                    "spend_recorded"};
    scanned = 0;
    const livesop::Status status = db.Scan(filter, [&](const store::Event&) {
      ++scanned;
      return livesop::OkStatus();
    });
    if (!status.ok()) std::exit(1);
  });
  std::printf("the scan alone (%lld events): median %.0f ms, fastest %.0f ms\n",
              static_cast<long long>(scanned), scan.median_ms, scan.min_ms);

  livesop::engine::ReportOptions options;
  options.now_us = *livesop::ParseTimestamp("2026-07-01T00:00:00Z");
  size_t campaigns = 0;
  const auto whole = livesop::bench::Time(runs, [&] {
    auto report = livesop::engine::BuildDepartmentReport(db, sop, options);
    if (!report.ok()) {
      std::fprintf(stderr, "%s\n", report.status().ToString().c_str());
      std::exit(1);
    }
    campaigns = report->campaigns.size();
  });
  std::printf("report, every campaign (%zu): median %.0f ms, fastest %.0f ms\n",
              campaigns, whole.median_ms, whole.min_ms);

  options.from = "2026-04-01";
  options.to = "2026-06-30";
  const auto quarter = livesop::bench::Time(runs, [&] {
    auto report = livesop::engine::BuildDepartmentReport(db, sop, options);
    if (!report.ok()) std::exit(1);
    campaigns = report->campaigns.size();
  });
  std::printf("report, one quarter (%zu): median %.0f ms, fastest %.0f ms\n",
              campaigns, quarter.median_ms, quarter.min_ms);

  const auto to_json = livesop::bench::Time(runs, [&] {
    auto report = livesop::engine::BuildDepartmentReport(db, sop, {});
    if (!report.ok()) std::exit(1);
    const std::string text =
        livesop::engine::DepartmentReportToJson(*report).dump();
    const std::string csv = livesop::engine::DepartmentReportToCsv(*report);
    campaigns = text.size() + csv.size();
  });
  std::printf("report with JSON and CSV written: median %.0f ms (%zu bytes)\n",
              to_json.median_ms, campaigns);
  std::filesystem::remove_all(dir);
  return 0;
}

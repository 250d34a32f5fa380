// Deadlines firing with many open timers, on the SQLite store: N open
// campaigns of the example department, each with its first task open (the
// plan, with its SLA and reminder), all overdue at once. Each campaign's
// firing (the SLA breach recorded and the SOP's escalation opened) is one
// command and one durable transaction, as in production.
//
//   timers_bench [--open N] [--runs R] [--sop PATH]
//
// Prints, medians of R runs on fresh stores: timers fired per second by a
// sweep over N overdue timers, the time of the sweep after it (nothing
// left to fire), and of listing the pending timers.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "bench/timing.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/sample.h"
#include "sop/loader.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using livesop::engine::Engine;

constexpr int64_t kDayUs = int64_t{24} * 3600 * 1000000;

std::string Replace(std::string text, const std::string& from,
                    const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos;
       at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

struct RunResult {
  double fired_per_s = 0;
  double fired_per_cpu_s = 0;  // per second of the process's CPU time
  double idle_sweep_ms = 0;
  double pending_ms = 0;
  int64_t fired = 0;
};

// One run on a fresh store: a campaign submitted through the engine,
// copied N times under new ids (the copies are what the engine wrote, so
// it replays them as its own), then swept a minute after their deadline.
RunResult RunOnce(const livesop::sop::Definition& sop, int open,
                  const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto store = livesop::store::OpenStore((dir / "livesop.db").string());
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  // Monday 2026-01-05 09:00 in Jakarta.
  livesop::FakeClock clock(int64_t{1767578400} * 1000000);
  const std::string type = "product-launch";
  {
    Engine engine(**store, sop, clock);
    livesop::engine::SubmitCommand command;
    command.campaign = "template";
    command.campaign_type = type;
    command.title = "Timer benchmark";
    command.actor = sop.people.front().id;
    command.values = livesop::engine::SampleRequest(
        sop, type, clock.NowMicros(), livesop::engine::DefaultCalendar(sop));
    auto submitted = engine.Submit(command);
    if (!submitted.ok()) {
      std::fprintf(stderr, "submit: %s\n",
                   submitted.status().ToString().c_str());
      std::exit(1);
    }
  }
  std::vector<livesop::store::Event> events;
  livesop::store::EventFilter filter;
  filter.campaign = "template";
  (void)(*store)->Scan(filter, [&](const livesop::store::Event& e) {
    events.push_back(e);
    return livesop::OkStatus();
  });
  std::vector<livesop::store::AppendRequest> batch;
  for (int i = 0; i < open; ++i) {
    const std::string id = "c-" + std::to_string(i);
    livesop::store::AppendRequest request;
    request.campaign = id;
    request.expected_version = 0;
    for (livesop::store::Event e : events) {
      e.campaign = id;
      e.payload = Replace(e.payload, "\"template/", "\"" + id + "/");
      request.events.push_back(std::move(e));
    }
    batch.push_back(std::move(request));
    if (batch.size() == 1000 || i + 1 == open) {
      auto appended = (*store)->AppendAll(batch);
      if (!appended.ok()) {
        std::fprintf(stderr, "append: %s\n",
                     appended.status().ToString().c_str());
        std::exit(1);
      }
      batch.clear();
    }
  }
  // A fresh engine, as after a restart: no state kept, every campaign's
  // events read again when it is swept.
  Engine engine(**store, sop, clock);
  // A minute past the plans' deadline: each campaign's firing is the SLA
  // breach (the escalation it opens waits its first level's delay).
  auto ahead = engine.PendingTimers(clock.NowMicros() + 365 * kDayUs);
  int64_t due = 0;
  if (ahead.ok()) {
    for (const auto& t : *ahead) due = std::max(due, t.due_us);
  }
  if (due == 0) {
    std::fprintf(stderr, "the template campaign has no deadline\n");
    std::exit(1);
  }
  clock.Set(due + 60 * 1000000);
  RunResult result;
  result.pending_ms = livesop::bench::MedianMs(1, [&] {
    auto pending = engine.PendingTimers(clock.NowMicros());
    if (!pending.ok() || static_cast<int>(pending->size()) < open) {
      std::fprintf(stderr, "pending timers: expected %d\n", open);
      std::exit(1);
    }
  });
  const auto start = std::chrono::steady_clock::now();
  const std::clock_t cpu_start = std::clock();
  auto swept = engine.Sweep();
  const double cpu_seconds =
      static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  if (!swept.ok() || !swept->problems.empty()) {
    std::fprintf(stderr, "sweep failed\n");
    std::exit(1);
  }
  result.fired = swept->campaigns;
  result.fired_per_s = static_cast<double>(swept->campaigns) / seconds;
  result.fired_per_cpu_s =
      static_cast<double>(swept->campaigns) / std::max(cpu_seconds, 1e-9);
  result.idle_sweep_ms = livesop::bench::MedianMs(3, [&] {
    auto again = engine.Sweep();
    if (!again.ok() || again->events != 0) {
      std::fprintf(stderr, "a second sweep fired again\n");
      std::exit(1);
    }
  });
  return result;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int open = 100000;
  int runs = 3;
  std::string sop_path =
      std::string(LIVESOP_SOURCE_DIR) + "/examples/marketing-ops/sop.yaml";
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--open" && i + 1 < argc) {
      open = std::atoi(argv[++i]);
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (arg == "--sop" && i + 1 < argc) {
      sop_path = argv[++i];
    } else {
      std::fprintf(stderr,
                   "usage: timers_bench [--open N] [--runs R] [--sop PATH]\n");
      return 2;
    }
  }
  const livesop::sop::LoadResult loaded =
      livesop::sop::LoadDefinition(sop_path);
  if (loaded.diagnostics.has_errors()) {
    std::fprintf(stderr, "the SOP at %s does not load\n", sop_path.c_str());
    return 1;
  }
  const fs::path dir = fs::temp_directory_path() /
                       ("livesop-timers-bench-" + std::to_string(::getpid()));
  std::vector<double> rates, cpu_rates, idle, pending;
  int64_t fired = 0;
  for (int r = 0; r < runs; ++r) {
    RunResult result = RunOnce(loaded.definition, open, dir);
    std::printf(
        "run %d: %lld timers fired in one sweep, %.0f /s (%.0f per CPU "
        "second); idle sweep %.1f ms; pending list %.1f ms\n",
        r + 1, static_cast<long long>(result.fired), result.fired_per_s,
        result.fired_per_cpu_s, result.idle_sweep_ms, result.pending_ms);
    rates.push_back(result.fired_per_s);
    cpu_rates.push_back(result.fired_per_cpu_s);
    idle.push_back(result.idle_sweep_ms);
    pending.push_back(result.pending_ms);
    fired = result.fired;
  }
  fs::remove_all(dir);
  std::printf("open timers:          %d (all overdue)\n", open);
  std::printf("fired:                %.0f /s (median of %d; %lld per sweep)\n",
              Median(rates), runs, static_cast<long long>(fired));
  std::printf("fired per CPU second: %.0f /s (median of %d)\n",
              Median(cpu_rates), runs);
  std::printf("sweep with none due:  %.1f ms\n", Median(idle));
  std::printf("listing them (due):   %.1f ms\n", Median(pending));
  return 0;
}

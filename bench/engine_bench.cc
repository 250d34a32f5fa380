// Whole campaign lifecycles through the example department's SOP on the
// SQLite store, each command its own durable transaction (WAL,
// synchronous=NORMAL). Prints medians of several runs.
//
//   engine_bench [--campaigns N] [--in-flight K] [--runs R] [--ticks-together]
//       N campaigns of every example type in turn, K of them moving at once
//       (each command acts on the next campaign in the ring), every step
//       completed or approved by a person allowed to, every checklist item
//       ticked (one item a command; with --ticks-together, each person's
//       items of a checklist in one command): campaigns/s, task
//       completions/s (completes, decisions and ticks), commands/s
//   engine_bench --open N [--commands C] [--cache K]
//       opens N campaigns, then reports the memory per open campaign and
//       the latency (median, p99) of C commands on random open campaigns;
//       the engine keeps K campaigns' states (default: the engine's)
//
// SOP: examples/marketing-ops/sop.yaml under LIVESOP_SOURCE_DIR, or the
// path in --sop.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/clock.h"
#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/sample.h"
#include "sop/loader.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using livesop::engine::Awaited;
using livesop::engine::CampaignState;
using livesop::engine::Engine;
using livesop::engine::SubmitCommand;
using livesop::engine::Verdict;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * v.size()))];
}

// Resident memory of this process in bytes.
int64_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0;
  int64_t resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

struct Bench {
  const livesop::sop::Definition& sop;
  livesop::store::Store& store;
  Engine engine;
  std::vector<std::string> types;
  std::vector<nlohmann::json> requests;  // a sample request per type
  int64_t task_commands = 0;
  int64_t commands = 0;
  bool ticks_together = false;

  Bench(const livesop::sop::Definition& definition,
        livesop::store::Store& target)
      : sop(definition),
        store(target),
        engine(target, definition, livesop::SystemClock()) {
    const livesop::WorkCalendar calendar =
        livesop::engine::DefaultCalendar(sop);
    const int64_t now = livesop::SystemClock().NowMicros();
    for (const auto& type : sop.campaign_types) {
      types.push_back(type.id);
      requests.push_back(
          livesop::engine::SampleRequest(sop, type.id, now, calendar));
    }
  }

  CampaignState Submit(const std::string& id, size_t type) {
    SubmitCommand command;
    command.campaign = id;
    command.campaign_type = types[type];
    command.title = "Benchmark " + id;
    command.actor = sop.people.front().id;
    command.values = requests[type];
    auto submitted = engine.Submit(command);
    ++commands;
    if (!submitted.ok()) {
      std::fprintf(stderr, "submit %s: %s\n", id.c_str(),
                   submitted.status().ToString().c_str());
      std::exit(1);
    }
    return *std::move(submitted);
  }

  // Does the first thing the campaign waits for, as the first person
  // allowed to; approvals and reviews are approved.
  void Step(CampaignState& state) {
    const std::vector<Awaited> awaited = engine.AwaitedNow(state);
    if (awaited.empty() || awaited.front().people.empty()) {
      std::fprintf(stderr, "campaign %s waits for nobody\n",
                   state.campaign.c_str());
      std::exit(1);
    }
    const Awaited& next = awaited.front();
    std::vector<std::string> items;
    for (const Awaited& a : awaited) {
      // One item a command, or every item of the same person at once.
      if (a.step == next.step && !a.item.empty() && !a.people.empty() &&
          a.people.front() == next.people.front() &&
          (items.empty() || ticks_together)) {
        items.push_back(a.item);
      }
    }
    auto moved =
        !next.item.empty()
            ? engine.Tick(state.campaign, next.step, items, next.people.front())
        : next.decision
            ? engine.Decide(state.campaign, next.step, next.people.front(),
                            Verdict::kApprove, "ok")
            : engine.Complete(state.campaign, next.step, next.people.front());
    ++commands;
    ++task_commands;
    if (!moved.ok()) {
      std::fprintf(stderr, "%s %s: %s\n", state.campaign.c_str(),
                   next.step.c_str(), moved.status().ToString().c_str());
      std::exit(1);
    }
    state = *std::move(moved);
  }
};

std::unique_ptr<livesop::store::Store> FreshStore(const fs::path& dir) {
  fs::remove_all(dir);
  fs::create_directories(dir);
  auto store = livesop::store::OpenStore((dir / "livesop.db").string());
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  return std::move(*store);
}

void Lifecycles(const livesop::sop::Definition& sop, const fs::path& dir,
                int campaigns, int in_flight, int runs, bool ticks_together) {
  std::vector<double> campaign_rates;
  std::vector<double> task_rates;
  std::vector<double> command_rates;
  for (int run = 0; run < runs; ++run) {
    auto store = FreshStore(dir / ("run-" + std::to_string(run)));
    Bench bench(sop, *store);
    bench.ticks_together = ticks_together;
    std::vector<CampaignState> ring;
    int started = 0;
    int finished = 0;
    const auto start = Clock::now();
    while (finished < campaigns) {
      while (static_cast<int>(ring.size()) < in_flight && started < campaigns) {
        ring.push_back(bench.Submit("c-" + std::to_string(started),
                                    started % bench.types.size()));
        ++started;
      }
      for (size_t i = 0; i < ring.size();) {
        bench.Step(ring[i]);
        if (ring[i].status != "active") {
          ++finished;
          ring[i] = std::move(ring.back());
          ring.pop_back();
        } else {
          ++i;
        }
      }
    }
    const double seconds = Seconds(start);
    campaign_rates.push_back(campaigns / seconds);
    task_rates.push_back(bench.task_commands / seconds);
    command_rates.push_back(bench.commands / seconds);
    std::printf(
        "run %d: %d campaigns, %lld task commands, %lld commands in %.2f s\n",
        run + 1, campaigns, static_cast<long long>(bench.task_commands),
        static_cast<long long>(bench.commands), seconds);
  }
  std::printf("complete campaigns:  %.0f /s (median of %d)\n",
              Median(campaign_rates), runs);
  std::printf("task completions:    %.0f /s (completes and decisions)\n",
              Median(task_rates));
  std::printf("commands:            %.0f /s (with submits)\n",
              Median(command_rates));
}

void OpenCampaigns(const livesop::sop::Definition& sop, const fs::path& dir,
                   int open, int commands, long cache) {
  auto store = FreshStore(dir / "open");
  Bench bench(sop, *store);
  if (cache >= 0) bench.engine.SetCacheCapacity(static_cast<size_t>(cache));
  // The submits keep nothing here: what the process grows by is the
  // engine's states of the open campaigns (and SQLite's page cache).
  const int64_t before = ResidentBytes();
  auto start = Clock::now();
  for (int i = 0; i < open; ++i) {
    bench.Submit("c-" + std::to_string(i), i % bench.types.size());
  }
  const double submit_seconds = Seconds(start);
  const int64_t grown = ResidentBytes() - before;
  std::printf("opened %d campaigns in %.1f s (%.0f submits/s)\n", open,
              submit_seconds, open / submit_seconds);
  std::printf("memory per open campaign: %.1f KiB (resident growth %.0f MiB)\n",
              static_cast<double>(grown) / open / 1024.0,
              static_cast<double>(grown) / 1048576.0);
  std::mt19937 random(42);
  std::uniform_int_distribution<int> pick(0, open - 1);
  std::vector<double> latencies;
  latencies.reserve(commands);
  for (int i = 0; i < commands; ++i) {
    const std::string id = "c-" + std::to_string(pick(random));
    auto state = bench.engine.Load(id);
    if (!state.ok() || state->status != "active") continue;
    start = Clock::now();
    bench.Step(*state);
    latencies.push_back(Seconds(start) * 1e6);
  }
  std::printf(
      "command latency with %d open campaigns: median %.0f us, "
      "p99 %.0f us (%zu commands)\n",
      open, Median(latencies), Percentile(latencies, 0.99), latencies.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::string sop_path =
      std::string(LIVESOP_SOURCE_DIR) + "/examples/marketing-ops/sop.yaml";
  int campaigns = 2000;
  int in_flight = 100;
  int runs = 5;
  int open = 0;
  int commands = 10000;
  long cache = -1;
  bool ticks_together = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "%s needs a value\n", arg.c_str());
        std::exit(2);
      }
      return argv[++i];
    };
    if (arg == "--sop") {
      sop_path = value();
    } else if (arg == "--campaigns") {
      campaigns = std::stoi(value());
    } else if (arg == "--in-flight") {
      in_flight = std::stoi(value());
    } else if (arg == "--runs") {
      runs = std::stoi(value());
    } else if (arg == "--open") {
      open = std::stoi(value());
    } else if (arg == "--commands") {
      commands = std::stoi(value());
    } else if (arg == "--ticks-together") {
      ticks_together = true;
    } else if (arg == "--cache") {
      cache = std::stol(value());
    } else {
      std::fprintf(stderr, "unknown option %s; see the top of %s\n",
                   arg.c_str(), __FILE__);
      return 2;
    }
  }
  const livesop::sop::LoadResult loaded =
      livesop::sop::LoadDefinition(sop_path);
  if (loaded.diagnostics.has_errors()) {
    std::fprintf(stderr, "%s has errors; run livesop check on it\n",
                 sop_path.c_str());
    return 1;
  }
  const fs::path dir = fs::temp_directory_path() /
                       ("livesop-engine-bench-" + std::to_string(::getpid()));
  if (open > 0) {
    OpenCampaigns(loaded.definition, dir, open, commands, cache);
  } else {
    Lifecycles(loaded.definition, dir, campaigns, in_flight, runs,
               ticks_together);
  }
  fs::remove_all(dir);
  return 0;
}

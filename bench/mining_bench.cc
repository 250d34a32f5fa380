// Whole-program timings of the mining library on real or generated logs
// (BENCHMARKS.md, "Process mining"):
//
//   mining_bench [--runs N] [--threads T] LOG...
//       for each log: import (file to columnar log), directly-follows graph,
//       variants, statistics, Inductive and Heuristics Miner, token-based
//       replay on the Inductive Miner's net; medians of N runs (default 10);
//       the total of import, DFG, Inductive Miner and token replay; the
//       log's memory and the process's peak resident memory (one log is
//       held at a time, so with --runs 1 the peak is the whole job's).
//   mining_bench --generate EVENTS FILE [--seed S]
//       writes the synthetic campaign log (log_generator.h) as XES.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "eventlog/log.h"
#include "log_generator.h"
#include "mining/dfg.h"
#include "mining/heuristics.h"
#include "mining/inductive.h"
#include "mining/stats.h"
#include "mining/token_replay.h"
#include "timing.h"

namespace {

using Clock = std::chrono::steady_clock;

using livesop::bench::MedianMs;

// The process's peak resident memory in MiB (VmHWM).
double PeakMib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::atof(line.c_str() + 6) / 1024;
  }
  return 0;
}

int Generate(int64_t events, const std::string& path, uint64_t seed) {
  std::ofstream out(path, std::ios::binary);
  const auto start = Clock::now();
  auto made = livesop::bench::GenerateCampaignLog(events, seed, out);
  out.close();
  if (!made.ok() || !out) {
    std::fprintf(stderr, "cannot write %s: %s\n", path.c_str(),
                 made.ok() ? "write failed" : made.status().message().c_str());
    return 1;
  }
  std::printf("%s: %lld cases, %lld events in %.1f s\n", path.c_str(),
              static_cast<long long>(made->cases),
              static_cast<long long>(made->events),
              std::chrono::duration<double>(Clock::now() - start).count());
  return 0;
}

int Measure(const std::string& path, int runs, int threads) {
  using livesop::eventlog::EventLog;
  using livesop::eventlog::LogView;
  // The first import is kept; further runs are timed and dropped, one
  // log alive at a time.
  livesop::Result<EventLog> log = livesop::InvalidArgumentError("not read");
  const double import_ms = MedianMs(runs, [&] {
    livesop::Result<EventLog> read = livesop::eventlog::ReadLog(path);
    if (!log.ok()) log = std::move(read);
  });
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().message().c_str());
    return 1;
  }
  const LogView view(*log);
  size_t edges = 0;
  const double dfg_ms = MedianMs(runs, [&] {
    edges = livesop::mining::DiscoverDfg(
                view, {.durations = false, .threads = threads})
                .edges.size();
  });
  const double dfg_times_ms = MedianMs(runs, [&] {
    edges = livesop::mining::DiscoverDfg(
                view, {.durations = true, .threads = threads})
                .edges.size();
  });
  size_t variants = 0;
  const double variants_ms = MedianMs(
      runs, [&] { variants = livesop::eventlog::Variants(view).size(); });
  const double stats_ms =
      MedianMs(runs, [&] { (void)livesop::mining::ComputeStatistics(view); });
  livesop::Result<livesop::sop::PetriNet> net =
      livesop::InvalidArgumentError("not discovered");
  const double inductive_ms = MedianMs(runs, [&] {
    net = livesop::mining::DiscoverPetriNetInductive(view);
    if (!net.ok()) std::abort();
  });
  const size_t transitions = net->transitions.size();
  double fitness = 0;
  const double replay_ms = MedianMs(runs, [&] {
    auto replay =
        livesop::mining::TokenReplay(view, *net, {.threads = threads});
    if (!replay.ok()) std::abort();
    fitness = replay->log_fitness;
  });
  const double heuristics_ms = MedianMs(runs, [&] {
    if (!livesop::mining::DiscoverHeuristicsNet(view).ok()) std::abort();
  });
  std::printf(
      "%s: %zu cases, %zu events, %zu activities, %zu variants, %zu edges\n"
      "  import %.2f ms | dfg %.3f ms (with durations %.3f ms) | variants "
      "%.3f ms | statistics %.3f ms\n"
      "  inductive miner (tree and net, %zu transitions) %.3f ms | heuristics "
      "miner %.3f ms\n"
      "  token-based replay on the inductive net %.3f ms (log fitness %.6f)\n"
      "  total import + dfg + inductive miner + token replay %.1f ms\n"
      "  log memory %.1f MiB, peak resident %.1f MiB (median of %d runs)\n",
      path.c_str(), log->num_cases(), log->num_events(),
      log->activities().size(), variants, edges, import_ms, dfg_ms,
      dfg_times_ms, variants_ms, stats_ms, transitions, inductive_ms,
      heuristics_ms, replay_ms, fitness,
      import_ms + dfg_ms + inductive_ms + replay_ms,
      static_cast<double>(log->MemoryBytes()) / (1 << 20), PeakMib(), runs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  int runs = 10;
  int threads = 0;
  uint64_t seed = 1;
  std::vector<std::string> logs;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--runs" && i + 1 < args.size()) {
      runs = std::max(1, std::atoi(args[++i].c_str()));
    } else if (args[i] == "--threads" && i + 1 < args.size()) {
      threads = std::atoi(args[++i].c_str());
    } else if (args[i] == "--seed" && i + 1 < args.size()) {
      seed = std::strtoull(args[++i].c_str(), nullptr, 10);
    } else if (args[i] == "--generate" && i + 2 < args.size()) {
      const int64_t events = std::atoll(args[i + 1].c_str());
      const std::string path = args[i + 2];
      i += 2;
      for (size_t k = i + 1; k + 1 < args.size(); ++k) {
        if (args[k] == "--seed")
          seed = std::strtoull(args[k + 1].c_str(), nullptr, 10);
      }
      return Generate(events, path, seed);
    } else {
      logs.push_back(args[i]);
    }
  }
  if (logs.empty()) {
    std::fprintf(stderr,
                 "usage: mining_bench [--runs N] [--threads T] LOG...\n"
                 "       mining_bench --generate EVENTS FILE [--seed S]\n");
    return 2;
  }
  for (const std::string& log : logs) {
    if (const int code = Measure(log, runs, threads); code != 0) return code;
  }
  return 0;
}

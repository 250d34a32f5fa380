// Whole-call timings of process discovery on real logs, against PM4Py's:
//
//   mining_discovery_bench [--runs N] LOG...
//
// For each log (read once, outside the clock): the Inductive Miner's tree
// (variants, each sub-log's directly-follows graph, cuts, fold and sort),
// the same plus the conversion to a Petri net (PM4Py's
// discover_petri_net_inductive), and the Heuristics Miner (its
// directly-follows graph, triples and the net). Prints the median and the
// fastest of N runs (default 50), in milliseconds, and the model's size so
// a run that computed nothing shows.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

#include "eventlog/log.h"
#include "mining/heuristics.h"
#include "mining/inductive.h"
#include "mining/process_tree.h"
#include "timing.h"

namespace {

using livesop::bench::Time;
using livesop::bench::Timing;

int Measure(const std::string& path, int runs) {
  using livesop::eventlog::EventLog;
  using livesop::eventlog::LogView;
  livesop::Result<EventLog> log = livesop::eventlog::ReadLog(path);
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().message().c_str());
    return 1;
  }
  const LogView view(*log);
  size_t tree_chars = 0;
  const Timing tree = Time(runs, [&] {
    livesop::Result<livesop::mining::ProcessTree> t =
        livesop::mining::DiscoverProcessTree(view);
    if (!t.ok()) std::abort();
    tree_chars = livesop::mining::ToString(*t).size();
  });
  size_t transitions = 0;
  const Timing net = Time(runs, [&] {
    livesop::Result<livesop::sop::PetriNet> n =
        livesop::mining::DiscoverPetriNetInductive(view);
    if (!n.ok()) std::abort();
    transitions = n->transitions.size();
  });
  size_t edges = 0;
  const Timing heuristics = Time(runs, [&] {
    livesop::Result<livesop::mining::HeuristicsNet> h =
        livesop::mining::DiscoverHeuristicsNet(view);
    if (!h.ok()) std::abort();
    edges = h->edges.size();
  });
  std::printf(
      "%s: %zu cases, %zu events, %zu activities\n"
      "  inductive miner, tree      median %.3f ms (min %.3f)  [tree text "
      "%zu chars]\n"
      "  inductive miner, Petri net median %.3f ms (min %.3f)  [%zu "
      "transitions]\n"
      "  heuristics miner           median %.3f ms (min %.3f)  [%zu edges]\n"
      "  (%d runs each)\n",
      path.c_str(), log->num_cases(), log->num_events(),
      log->activities().size(), tree.median_ms, tree.min_ms, tree_chars,
      net.median_ms, net.min_ms, transitions, heuristics.median_ms,
      heuristics.min_ms, edges, runs);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  int runs = 50;
  std::vector<std::string> logs;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--runs" && i + 1 < args.size()) {
      runs = std::max(1, std::atoi(args[++i].c_str()));
    } else {
      logs.push_back(args[i]);
    }
  }
  if (logs.empty()) {
    std::fprintf(stderr, "usage: mining_discovery_bench [--runs N] LOG...\n");
    return 2;
  }
  for (const std::string& log : logs) {
    if (const int code = Measure(log, runs); code != 0) return code;
  }
  return 0;
}

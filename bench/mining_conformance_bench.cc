// Whole-call timings of conformance checking on real logs, against PM4Py's:
//
//   mining_conformance_bench [--runs N] [--threads T] [--verbose] [--perturb]
//                            LOG NET [LOG NET ...]
//
// For each log and PNML net (both read once, outside the clock): token-based
// replay (TokenReplay: the net's silent paths, the variants, the replay of
// each) and optimal alignments (Align: the empty trace's alignment, the
// variants, an A* search for each). Prints the median and the fastest of N
// runs (default 20), in milliseconds, and the fitness figures, so a run that
// computed something else shows. T is the number of threads (default 0: one
// per core where the work is large enough). --verbose adds the variants whose
// alignment took the most search states; --perturb disturbs every trace
// (two events swapped, one dropped, one inserted) to time deviating logs.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "eventlog/event.h"
#include "eventlog/log.h"
#include "mining/alignments.h"
#include "mining/pnml.h"
#include "mining/token_replay.h"
#include "timing.h"

namespace {

using livesop::bench::Time;
using livesop::bench::Timing;

// The log with every case disturbed the same way per variant: two events
// swapped, one dropped and one activity of the log inserted, so that most
// traces deviate from the model.
livesop::eventlog::EventLog Perturb(const livesop::eventlog::EventLog& log) {
  using livesop::eventlog::AttributeType;
  livesop::eventlog::LogBuilder builder;
  const size_t activities = log.activities().size();
  for (size_t c = 0; c < log.num_cases(); ++c) {
    std::vector<uint32_t> trace(log.trace(c).begin(), log.trace(c).end());
    std::seed_seq seed(trace.begin(), trace.end());
    std::mt19937 random(seed);
    if (trace.size() >= 2) {
      std::swap(trace[random() % trace.size()], trace[random() % trace.size()]);
      trace.erase(trace.begin() + random() % trace.size());
    }
    trace.insert(trace.begin() + random() % (trace.size() + 1),
                 static_cast<uint32_t>(random() % activities));
    livesop::eventlog::Trace out;
    out.attributes.push_back(
        {"concept:name", AttributeType::kString, std::string(log.case_id(c))});
    for (uint32_t a : trace) {
      out.events.push_back(
          {{"concept:name", AttributeType::kString, log.activities()[a]}});
    }
    builder.AddTrace(out);
  }
  return builder.Finish();
}

int Measure(const std::string& log_path, const std::string& net_path, int runs,
            int threads, bool verbose, bool perturb) {
  using livesop::eventlog::EventLog;
  using livesop::eventlog::LogView;
  livesop::Result<EventLog> log = livesop::eventlog::ReadLog(log_path);
  if (!log.ok()) {
    std::fprintf(stderr, "%s\n", log.status().message().c_str());
    return 1;
  }
  livesop::Result<livesop::mining::PnmlNet> pnml =
      livesop::mining::ReadPnml(net_path);
  if (!pnml.ok()) {
    std::fprintf(stderr, "%s\n", pnml.status().message().c_str());
    return 1;
  }
  if (perturb) *log = Perturb(*log);
  const LogView view(*log);
  const livesop::sop::PetriNet& net = pnml->net;

  livesop::mining::TokenReplayResult replay;
  const Timing tbr = Time(runs, [&] {
    livesop::Result<livesop::mining::TokenReplayResult> r =
        livesop::mining::TokenReplay(view, net, {.threads = threads});
    if (!r.ok()) std::abort();
    replay = std::move(*r);
  });
  livesop::mining::AlignmentResult aligned;
  const Timing align = Time(runs, [&] {
    livesop::Result<livesop::mining::AlignmentResult> r =
        livesop::mining::Align(view, net, {.threads = threads});
    if (!r.ok()) std::abort();
    aligned = std::move(*r);
  });
  size_t visited = 0;
  size_t queued = 0;
  for (const livesop::mining::TraceAlignment& a : aligned.variants) {
    visited += a.visited_states;
    queued += a.queued_states;
  }
  std::printf(
      "%s on %s: %zu cases, %zu events, %zu variants; net %zu places, %zu "
      "transitions\n"
      "  token replay  median %.3f ms (min %.3f)  [log fitness %.10f, "
      "average %.10f, fitting %.6f %%]\n"
      "  alignments    median %.3f ms (min %.3f)  [log fitness %.10f, "
      "average %.10f, fitting %.6f %%, not computed %lld, states visited "
      "%zu, queued %zu]\n",
      log_path.c_str(), net_path.c_str(), log->num_cases(), log->num_events(),
      replay.variants.size(), net.places.size(), net.transitions.size(),
      tbr.median_ms, tbr.min_ms, replay.log_fitness,
      replay.average_trace_fitness, replay.percentage_of_fitting_traces,
      align.median_ms, align.min_ms, aligned.log_fitness,
      aligned.average_trace_fitness, aligned.percentage_of_fitting_traces,
      static_cast<long long>(aligned.not_computed_cases), visited, queued);
  if (verbose) {
    // The variants the search spent most on.
    std::vector<size_t> order(aligned.variants.size());
    for (size_t v = 0; v < order.size(); ++v) order[v] = v;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return aligned.variants[a].visited_states >
             aligned.variants[b].visited_states;
    });
    order.resize(std::min<size_t>(order.size(), 8));
    for (size_t v : order) {
      const livesop::mining::TraceAlignment& a = aligned.variants[v];
      std::printf(
          "    variant %zu: %zu moves, cost %lld, visited %zu, "
          "queued %zu\n",
          v, a.moves.size(), static_cast<long long>(a.cost), a.visited_states,
          a.queued_states);
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 20;
  int threads = 0;
  bool verbose = false;
  bool perturb = false;
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--perturb") {
      perturb = true;
    } else if (arg == "--verbose") {
      verbose = true;
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else {
      paths.push_back(arg);
    }
  }
  if (paths.empty() || paths.size() % 2 != 0) {
    std::fprintf(stderr,
                 "usage: mining_conformance_bench [--runs N] [--threads T] "
                 "[--verbose] [--perturb] LOG NET [LOG NET ...]\n");
    return 2;
  }
  int status = 0;
  for (size_t i = 0; i < paths.size(); i += 2) {
    status |= Measure(paths[i], paths[i + 1], runs, threads, verbose, perturb);
  }
  return status;
}

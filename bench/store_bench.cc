// Throughput of the event store: single-event transactions, batched appends
// and streaming reads. Prints one line per measurement with the median of
// several runs, so shared, noisy machines still give stable figures.
//
//   store_bench [URL] [--events N] [--runs R]
//
// URL defaults to a fresh SQLite file in the temporary directory.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"

namespace {

namespace fs = std::filesystem;
using livesop::store::AppendRequest;
using livesop::store::Event;
using livesop::store::OpenStore;
using livesop::store::Store;

double Seconds(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

Event MakeEvent(int i) {
  Event e;
  e.type = "task_completed";
  e.activity = i % 3 == 0 ? "Write brief" : (i % 3 == 1 ? "Review" : "Launch");
  e.time_us = 1'700'000'000'000'000 + i * 1'000'000LL;
  e.resource = "ana";
  e.role = "campaign-manager";
  e.step = "brief";
  e.sop_version = "1.0.0";
  e.campaign_type = "product-launch";
  e.payload = R"({"note":"benchmark"})";
  return e;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int events = 20000;
  int runs = 5;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--events" && i + 1 < argc) {
      events = std::atoi(argv[++i]);
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else {
      url = arg;
    }
  }
  std::vector<double> single, batched, scanned;
  for (int run = 0; run < runs; ++run) {
    fs::path dir;
    std::string target = url;
    if (target.empty()) {
      dir = fs::temp_directory_path() /
            ("livesop-bench-" + std::to_string(::getpid()) + "-" +
             std::to_string(run));
      fs::create_directories(dir);
      target = "sqlite:" + (dir / "bench.db").string();
    }
    auto opened = OpenStore(target);
    if (!opened.ok()) {
      std::fprintf(stderr, "store_bench: %s\n",
                   opened.status().ToString().c_str());
      return 2;
    }
    Store& store = **opened;
    const std::string prefix =
        "bench-" + std::to_string(::getpid()) + "-" + std::to_string(run) + "-";

    // One event per transaction, over 100 campaigns.
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < events; ++i) {
      AppendRequest r;
      r.campaign = prefix + std::to_string(i % 100);
      r.events.push_back(MakeEvent(i));
      if (!store.Append(r).ok()) return 3;
    }
    single.push_back(events / Seconds(start));

    // Batches of 1,000 events (10 campaigns × 100) per transaction. The
    // requests are built first: the figure is the store's, not the
    // benchmark's string building.
    const int batch_events = events * 10;
    std::vector<std::vector<AppendRequest>> batches;
    for (int done = 0; done < batch_events; done += 1000) {
      std::vector<AppendRequest>& requests = batches.emplace_back(10);
      for (int c = 0; c < 10; ++c) {
        requests[c].campaign =
            prefix + "b" + std::to_string((done / 1000) * 10 + c);
        for (int i = 0; i < 100; ++i)
          requests[c].events.push_back(MakeEvent(i));
      }
    }
    start = std::chrono::steady_clock::now();
    for (const std::vector<AppendRequest>& requests : batches) {
      if (!store.AppendAll(requests).ok()) return 3;
    }
    batched.push_back(batch_events / Seconds(start));

    // Stream everything back.
    int64_t seen = 0;
    start = std::chrono::steady_clock::now();
    livesop::Status s = store.Scan({}, [&](const Event&) {
      ++seen;
      return livesop::OkStatus();
    });
    if (!s.ok()) return 3;
    scanned.push_back(seen / Seconds(start));
    opened->reset();
    if (!dir.empty()) fs::remove_all(dir);
  }
  std::printf("backend %s, %d runs, medians:\n",
              url.empty() ? "sqlite" : url.substr(0, url.find(':')).c_str(),
              runs);
  std::printf("single-event transactions: %.0f events/s (%d appends)\n",
              Median(single), events);
  std::printf("batched appends (1000/txn): %.0f events/s (%d events)\n",
              Median(batched), events * 10);
  std::printf("streaming read:             %.0f events/s\n", Median(scanned));
  return 0;
}

// Throughput of the event store. Prints medians of several runs, so shared,
// noisy machines still give stable figures.
//
//   store_bench [URL] [--events N] [--runs R] [--type TYPE]
//       single-event transactions, batched appends and streaming reads
//   store_bench [URL] --writers W [--events N] [--runs R]
//       single-event transactions from W threads at once, each with its own
//       connection and campaigns; N appends per thread
//   store_bench [URL] --growth MAX
//       appends in batches up to MAX events and, at every power of ten,
//       the append and read rates and the storage per event
//
// URL defaults to a fresh SQLite file in the temporary directory. A
// PostgreSQL URL should name an empty database (--growth measures its size).
#include <libpq-fe.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
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

// The type of the events appended: task_completed (default) is a typical
// engine event, whose projection updates the task read model row by row;
// `activity`, what imports write, only counts for its campaign.
std::string event_type = "task_completed";  // NOLINT: set once by main

Event MakeEvent(int i) {
  Event e;
  e.type = event_type;
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

// A store to measure: the URL given, or a new SQLite file that is removed
// with it.
struct Target {
  std::string url;
  fs::path dir;
  ~Target() {
    if (!dir.empty()) fs::remove_all(dir);
  }
};

std::unique_ptr<Target> MakeTarget(const std::string& url, int run) {
  auto target = std::make_unique<Target>();
  target->url = url;
  if (url.empty()) {
    target->dir = fs::temp_directory_path() /
                  ("livesop-bench-" + std::to_string(::getpid()) + "-" +
                   std::to_string(run));
    fs::create_directories(target->dir);
    target->url = "sqlite:" + (target->dir / "bench.db").string();
  }
  return target;
}

std::unique_ptr<Store> Open(const std::string& url) {
  auto opened = OpenStore(url);
  if (!opened.ok()) {
    std::fprintf(stderr, "store_bench: %s\n",
                 opened.status().ToString().c_str());
    std::exit(2);
  }
  return std::move(*opened);
}

void Check(const livesop::Status& status) {
  if (!status.ok()) {
    std::fprintf(stderr, "store_bench: %s\n", status.ToString().c_str());
    std::exit(3);
  }
}

// `count` requests of 10 campaigns × 100 events.
std::vector<std::vector<AppendRequest>> Batches(const std::string& prefix,
                                                int64_t first, int64_t count) {
  std::vector<std::vector<AppendRequest>> batches;
  for (int64_t b = first; b < first + count; ++b) {
    std::vector<AppendRequest>& requests = batches.emplace_back(10);
    for (int c = 0; c < 10; ++c) {
      requests[c].campaign = prefix + "b" + std::to_string(b * 10 + c);
      for (int i = 0; i < 100; ++i) requests[c].events.push_back(MakeEvent(i));
    }
  }
  return batches;
}

// Bytes the store takes: the SQLite files, or PostgreSQL's database size.
int64_t StorageBytes(const Target& target) {
  if (!target.dir.empty()) {
    int64_t bytes = 0;
    for (const auto& entry : fs::directory_iterator(target.dir)) {
      bytes += static_cast<int64_t>(entry.file_size());
    }
    return bytes;
  }
  PGconn* conn = PQconnectdb(target.url.c_str());
  int64_t bytes = -1;
  if (PQstatus(conn) == CONNECTION_OK) {
    PGresult* r = PQexec(conn, "SELECT pg_database_size(current_database())");
    if (PQresultStatus(r) == PGRES_TUPLES_OK) {
      bytes = std::atoll(PQgetvalue(r, 0, 0));
    }
    PQclear(r);
  }
  PQfinish(conn);
  return bytes;
}

double ScanRate(Store& store, int64_t* seen_out = nullptr) {
  int64_t seen = 0;
  const auto start = std::chrono::steady_clock::now();
  Check(store.Scan({}, [&](const Event&) {
    ++seen;
    return livesop::OkStatus();
  }));
  if (seen_out != nullptr) *seen_out = seen;
  return static_cast<double>(seen) / Seconds(start);
}

int Throughput(const std::string& url, int events, int runs) {
  std::vector<double> single, batched, scanned;
  for (int run = 0; run < runs; ++run) {
    auto target = MakeTarget(url, run);
    auto store = Open(target->url);
    const std::string prefix =
        "bench-" + std::to_string(::getpid()) + "-" + std::to_string(run) + "-";

    // One event per transaction, over 100 campaigns.
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < events; ++i) {
      AppendRequest r;
      r.campaign = prefix + std::to_string(i % 100);
      r.events.push_back(MakeEvent(i));
      Check(store->Append(r).status());
    }
    single.push_back(events / Seconds(start));

    // Batches of 1,000 events (10 campaigns × 100) per transaction. The
    // requests are built first: the figure is the store's, not the
    // benchmark's string building.
    const auto batches = Batches(prefix, 0, events / 100);
    start = std::chrono::steady_clock::now();
    for (const auto& requests : batches) {
      Check(store->AppendAll(requests).status());
    }
    batched.push_back(static_cast<double>(batches.size()) * 1000 /
                      Seconds(start));
    scanned.push_back(ScanRate(*store));
  }
  std::printf("backend %s, %s events, %d runs, medians:\n",
              url.empty() ? "sqlite" : url.substr(0, url.find(':')).c_str(),
              event_type.c_str(), runs);
  std::printf("single-event transactions: %.0f events/s (%d appends)\n",
              Median(single), events);
  std::printf("batched appends (1000/txn): %.0f events/s (%d events)\n",
              Median(batched), events * 10);
  std::printf("streaming read:             %.0f events/s\n", Median(scanned));
  return 0;
}

int Writers(const std::string& url, int writers, int events, int runs) {
  std::vector<double> rates;
  for (int run = 0; run < runs; ++run) {
    auto target = MakeTarget(url, run);
    { auto create = Open(target->url); }  // migrate once, before the clock
    std::vector<std::thread> threads;
    const auto start = std::chrono::steady_clock::now();
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&, w] {
        auto store = Open(target->url);
        const std::string prefix = "w-" + std::to_string(::getpid()) + "-" +
                                   std::to_string(run) + "-" +
                                   std::to_string(w) + "-";
        for (int i = 0; i < events; ++i) {
          AppendRequest r;
          r.campaign = prefix + std::to_string(i % 10);
          r.events.push_back(MakeEvent(i));
          Check(store->Append(r).status());
        }
      });
    }
    for (std::thread& t : threads) t.join();
    rates.push_back(static_cast<double>(writers) * events / Seconds(start));
  }
  std::printf(
      "%d concurrent writers, single-event transactions: %.0f "
      "events/s in all (median of %d runs, %d appends each)\n",
      writers, Median(rates), runs, events);
  return 0;
}

int Growth(const std::string& url, int64_t max) {
  auto target = MakeTarget(url, 0);
  auto store = Open(target->url);
  const std::string prefix = "g-" + std::to_string(::getpid()) + "-";
  std::printf("%10s %16s %16s %14s %14s\n", "events", "append ev/s",
              "single ev/s", "scan ev/s", "bytes/event");
  int64_t done = 0;  // events appended in batches so far
  int64_t batch = 0;
  for (int64_t mark = 10'000; mark <= max; mark *= 10) {
    // Appends the decade in chunks, so requests never take much memory.
    double seconds = 0;
    const int64_t decade = mark - done;
    while (done < mark) {
      const int64_t count = std::min<int64_t>((mark - done) / 1000, 100);
      const auto batches = Batches(prefix, batch, count);
      batch += count;
      const auto start = std::chrono::steady_clock::now();
      for (const auto& requests : batches) {
        Check(store->AppendAll(requests).status());
      }
      seconds += Seconds(start);
      done += count * 1000;
    }
    // 1,000 single-event transactions at this size (not counted in the
    // decade's events).
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < 1000; ++i) {
      AppendRequest r;
      r.campaign = prefix + "s" + std::to_string(i % 100);
      r.events.push_back(MakeEvent(i));
      Check(store->Append(r).status());
    }
    const double single = 1000 / Seconds(start);
    int64_t total = 0;
    const double scan = ScanRate(*store, &total);
    std::printf("%10lld %16.0f %16.0f %14.0f %14.1f\n",
                static_cast<long long>(mark),
                static_cast<double>(decade) / seconds, single, scan,
                static_cast<double>(StorageBytes(*target)) /
                    static_cast<double>(total));
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string url;
  int events = 20000;
  int runs = 5;
  int writers = 0;
  int64_t growth = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--events" && i + 1 < argc) {
      events = std::atoi(argv[++i]);
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else if (arg == "--writers" && i + 1 < argc) {
      writers = std::atoi(argv[++i]);
    } else if (arg == "--type" && i + 1 < argc) {
      event_type = argv[++i];
    } else if (arg == "--growth" && i + 1 < argc) {
      growth = std::atoll(argv[++i]);
    } else if (arg.starts_with("--")) {
      std::fprintf(stderr, "store_bench: unknown option %s\n", arg.c_str());
      return 2;
    } else {
      url = arg;
    }
  }
  if (growth > 0) return Growth(url, growth);
  if (writers > 0) return Writers(url, writers, events, runs);
  return Throughput(url, events, runs);
}

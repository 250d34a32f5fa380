// PostgreSQL-specific tests of the store: connection errors, migrations
// against a real server, concurrency between connections. The behaviour
// common to every backend belongs in store_contract_test.cc. Skipped unless
// LIVESOP_TEST_POSTGRES_URL names a server (scripts/with-postgres.sh starts
// one); the role must be allowed to create databases, as each test gets a
// fresh one.
#include "store/internal/postgres_store.h"
#include "store/backup.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace livesop::store::internal {
namespace {

std::string EnvOrEmpty(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// `url` with its database name replaced by `database`.
std::string WithDatabase(const std::string& url, const std::string& database) {
  const size_t query = url.find('?');
  const size_t slash = url.rfind('/', query);
  return url.substr(0, slash + 1) + database +
         (query == std::string::npos ? "" : url.substr(query));
}

// Runs SQL on its own connection; fails the test on error.
class Sql {
 public:
  explicit Sql(const std::string& url) : conn_(PQconnectdb(url.c_str())) {
    EXPECT_EQ(PQstatus(conn_), CONNECTION_OK) << PQerrorMessage(conn_);
  }
  ~Sql() { PQfinish(conn_); }
  Sql(const Sql&) = delete;
  Sql& operator=(const Sql&) = delete;

  // The first column of the first row, "" when there is none.
  std::string Run(const std::string& sql) {
    PGresult* result = PQexec(conn_, sql.c_str());
    const ExecStatusType status = PQresultStatus(result);
    EXPECT_TRUE(status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
        << sql << ": " << PQerrorMessage(conn_);
    std::string value;
    if (status == PGRES_TUPLES_OK && PQntuples(result) > 0) {
      value = PQgetvalue(result, 0, 0);
    }
    PQclear(result);
    return value;
  }

 private:
  PGconn* conn_;
};

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_url_ = EnvOrEmpty("LIVESOP_TEST_POSTGRES_URL");
    if (base_url_.empty()) {
      GTEST_SKIP() << "LIVESOP_TEST_POSTGRES_URL is not set; run under "
                      "scripts/with-postgres.sh";
    }
    std::random_device random;
    database_ = "livesop_t_" + std::to_string(random()) + "_" +
                std::to_string(random());
    Sql(base_url_).Run("CREATE DATABASE " + database_);
    url_ = WithDatabase(base_url_, database_);
  }

  void TearDown() override {
    if (database_.empty()) return;
    Sql(base_url_).Run("DROP DATABASE IF EXISTS " + database_ +
                       " WITH (FORCE)");
  }

  std::unique_ptr<Store> Open(OpenOptions options = {}) {
    Result<std::unique_ptr<Store>> store = OpenPostgresStore(url_, options);
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  static Event MakeEvent(std::string activity, int64_t time_us = 1000) {
    Event e;
    e.type = "task_completed";
    e.activity = std::move(activity);
    e.time_us = time_us;
    e.payload = R"({"amount": 12.5, "note": "ok"})";
    return e;
  }

  static AppendRequest Request(std::string campaign, int64_t expected,
                               std::vector<Event> events,
                               std::string key = "") {
    AppendRequest r;
    r.campaign = std::move(campaign);
    r.expected_version = expected;
    r.idempotency_key = std::move(key);
    r.events = std::move(events);
    return r;
  }

  static std::vector<Event> ScanAll(Store& store, const EventFilter& filter) {
    std::vector<Event> events;
    Status status = store.Scan(filter, [&](const Event& e) {
      events.push_back(e);
      return OkStatus();
    });
    EXPECT_TRUE(status.ok()) << status.ToString();
    return events;
  }

  std::string base_url_;
  std::string database_;
  std::string url_;
};

TEST_F(PostgresStoreTest, OpenAppliesMigrationsOnce) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_STREQ(store->Backend(), "postgresql");
  EXPECT_EQ(store->SchemaVersion().value(), CurrentSchemaVersion());
  EXPECT_EQ(store->LastPosition().value(), 0);
  EXPECT_EQ(store->CampaignVersion("nobody").value(), 0);
  auto again = Open();
  ASSERT_NE(again, nullptr);
  Sql sql(url_);
  EXPECT_EQ(sql.Run("SELECT count(*) FROM livesop_schema"),
            std::to_string(CurrentSchemaVersion()));
  EXPECT_EQ(sql.Run("SELECT count(*) FROM positions"), "1");
}

TEST_F(PostgresStoreTest, ConcurrentOpensDoNotRace) {
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      if (!OpenPostgresStore(url_, {}).ok()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(Sql(url_).Run("SELECT count(*) FROM livesop_schema"),
            std::to_string(CurrentSchemaVersion()));
}

TEST_F(PostgresStoreTest, AppendAndReadBack) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Event first = MakeEvent("Check invoice", 100);
  first.resource = "ana";
  first.role = "clerk";
  first.step = "check";
  first.sop_version = "1.2.0";
  first.deviation = "skipped";
  first.reason = "manager said so";
  first.campaign_type = "invoice";
  first.lifecycle = "start";
  first.payload = R"({"z": [1, 2, {"a": null}], "text": "quote \" and \\ é"})";
  Result<AppendResult> a = store->Append(
      Request("c-1", kNoCampaign, {first, MakeEvent("Approve", 200)}));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(*a, (AppendResult{1, 2, 2, false}));
  Result<AppendResult> b =
      store->Append(Request("c-2", kAnyVersion, {MakeEvent("Pay", 150)}));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(*b, (AppendResult{3, 3, 1, false}));

  EXPECT_EQ(store->LastPosition().value(), 3);
  EXPECT_EQ(store->CampaignVersion("c-1").value(), 2);
  EXPECT_EQ(store->CampaignVersion("c-2").value(), 1);

  std::vector<Event> events = ScanAll(*store, {});
  ASSERT_EQ(events.size(), 3u);
  const Event& got = events[0];
  EXPECT_EQ(got.position, 1);
  EXPECT_EQ(got.sequence, 1);
  EXPECT_GT(got.recorded_us, 0);
  EXPECT_EQ(got.campaign, "c-1");
  EXPECT_EQ(got.activity, "Check invoice");
  EXPECT_EQ(got.time_us, 100);
  EXPECT_EQ(got.lifecycle, "start");
  EXPECT_EQ(got.resource, "ana");
  EXPECT_EQ(got.role, "clerk");
  EXPECT_EQ(got.step, "check");
  EXPECT_EQ(got.sop_version, "1.2.0");
  EXPECT_EQ(got.source, "engine");
  EXPECT_EQ(got.deviation, "skipped");
  EXPECT_EQ(got.reason, "manager said so");
  EXPECT_EQ(got.campaign_type, "invoice");
  // jsonb normalises whitespace and key order: compare parsed values.
  EXPECT_EQ(nlohmann::json::parse(got.payload),
            nlohmann::json::parse(first.payload));
  EXPECT_EQ(events[1].sequence, 2);
  EXPECT_EQ(events[2].campaign, "c-2");
  EXPECT_EQ(events[2].sequence, 1);
}

TEST_F(PostgresStoreTest, RejectsInvalidRequests) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->Append(Request("c", kAnyVersion, {})).status().code(),
            StatusCode::kInvalidArgument);
  Event other = MakeEvent("x");
  other.campaign = "someone-else";
  EXPECT_EQ(store->Append(Request("c", kAnyVersion, {other})).status().code(),
            StatusCode::kInvalidArgument);
  Event bad_json = MakeEvent("x");
  bad_json.payload = "{not json";
  Result<AppendResult> bad =
      store->Append(Request("c", kAnyVersion, {bad_json}));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument)
      << bad.status().ToString();
  EXPECT_EQ(store->LastPosition().value(), 0);
  // The connection is still usable after a failed transaction.
  EXPECT_TRUE(store->Append(Request("c", kAnyVersion, {MakeEvent("x")})).ok());
  EXPECT_EQ(store->LastPosition().value(), 1);
}

TEST_F(PostgresStoreTest, ExpectedVersionConflictIsAborted) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(
      store->Append(Request("c-9", kNoCampaign, {MakeEvent("a")})).ok());
  Result<AppendResult> again =
      store->Append(Request("c-9", kNoCampaign, {MakeEvent("b")}));
  EXPECT_EQ(again.status().code(), StatusCode::kAborted);
  EXPECT_NE(again.status().message().find("c-9"), std::string::npos);
  EXPECT_NE(again.status().message().find("version 1"), std::string::npos);
  EXPECT_NE(again.status().message().find("expected version 0"),
            std::string::npos)
      << again.status().message();
  Result<AppendResult> stale =
      store->Append(Request("c-9", 5, {MakeEvent("b")}));
  EXPECT_EQ(stale.status().code(), StatusCode::kAborted);
  Result<AppendResult> right =
      store->Append(Request("c-9", 1, {MakeEvent("b")}));
  ASSERT_TRUE(right.ok());
  EXPECT_EQ(right->version, 2);
  EXPECT_EQ(store->LastPosition().value(), 2);
}

TEST_F(PostgresStoreTest, IdempotentRetryReturnsFirstResult) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const AppendRequest request =
      Request("c-1", kNoCampaign, {MakeEvent("a"), MakeEvent("b")}, "key-1");
  Result<AppendResult> first = store->Append(request);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_FALSE(first->duplicate);
  ASSERT_TRUE(store->Append(Request("c-1", 2, {MakeEvent("c")})).ok());

  // The retry's expected version is stale now; the key wins.
  Result<AppendResult> retry = store->Append(request);
  ASSERT_TRUE(retry.ok()) << retry.status().ToString();
  EXPECT_TRUE(retry->duplicate);
  EXPECT_EQ(retry->first_position, first->first_position);
  EXPECT_EQ(retry->last_position, first->last_position);
  EXPECT_EQ(retry->version, first->version);
  EXPECT_EQ(store->LastPosition().value(), 3);
  EXPECT_EQ(store->CampaignVersion("c-1").value(), 3);
}

TEST_F(PostgresStoreTest, ConcurrentRetriesWithOneKeyAppendOnce) {
  auto setup = Open();
  ASSERT_NE(setup, nullptr);
  std::vector<std::thread> threads;
  std::atomic<int> fresh{0}, duplicates{0}, aborted{0}, other{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      auto store = OpenPostgresStore(url_, {});
      if (!store.ok()) {
        ++other;
        return;
      }
      auto r = (*store)->Append(
          Request("c-x", kAnyVersion, {MakeEvent("a")}, "same-key"));
      if (r.ok()) {
        ++(r->duplicate ? duplicates : fresh);
      } else if (r.status().code() == StatusCode::kAborted) {
        ++aborted;
      } else {
        ++other;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(fresh.load(), 1);
  EXPECT_EQ(fresh + duplicates + aborted, 8);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(setup->LastPosition().value(), 1);
}

TEST_F(PostgresStoreTest, AppendAllIsAllOrNothing) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Result<std::vector<AppendResult>> bad =
      store->AppendAll({Request("c-1", kNoCampaign, {MakeEvent("a")}, "k-1"),
                        Request("c-2", 7, {MakeEvent("b")})});
  EXPECT_EQ(bad.status().code(), StatusCode::kAborted);
  EXPECT_EQ(store->LastPosition().value(), 0);
  EXPECT_EQ(store->CampaignVersion("c-1").value(), 0);
  EXPECT_TRUE(ScanAll(*store, {}).empty());

  Result<std::vector<AppendResult>> good = store->AppendAll(
      {Request("c-1", kNoCampaign, {MakeEvent("a")}, "k-1"),
       Request("c-2", kNoCampaign, {MakeEvent("b"), MakeEvent("c")}),
       Request("c-1", 1, {MakeEvent("d")})});
  ASSERT_TRUE(good.ok()) << good.status().ToString();
  ASSERT_EQ(good->size(), 3u);
  EXPECT_EQ((*good)[0], (AppendResult{1, 1, 1, false}));
  EXPECT_EQ((*good)[1], (AppendResult{2, 3, 2, false}));
  EXPECT_EQ((*good)[2], (AppendResult{4, 4, 2, false}));
  EXPECT_EQ(store->LastPosition().value(), 4);
}

TEST_F(PostgresStoreTest, ScanFiltersAndOrders) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  const std::string odd = R"(we"ird\,{x} NULL)";
  Event e1 = MakeEvent("A", 10);
  e1.campaign_type = "invoice";
  Event e2 = MakeEvent(odd, 20);
  e2.campaign_type = odd;
  e2.source = "import";
  Event e3 = MakeEvent("A", 30);
  e3.campaign_type = "order";
  ASSERT_TRUE(store->Append(Request("c-1", kAnyVersion, {e1, e2})).ok());
  ASSERT_TRUE(store->Append(Request("c-2", kAnyVersion, {e3})).ok());
  ASSERT_TRUE(store->Append(Request("c-1", kAnyVersion, {e1})).ok());

  auto positions = [&](const EventFilter& filter) {
    std::vector<int64_t> out;
    for (const Event& e : ScanAll(*store, filter)) out.push_back(e.position);
    return out;
  };
  using V = std::vector<int64_t>;
  // -Wmissing-field-initializers rules out designated initializers here.
  auto with = [](const std::function<void(EventFilter&)>& set) {
    EventFilter filter;
    set(filter);
    return filter;
  };
  EXPECT_EQ(positions({}), (V{1, 2, 3, 4}));
  EXPECT_EQ(positions(with([&](EventFilter& f) { f.after_position = 2; })),
            (V{3, 4}));
  EXPECT_EQ(positions(with([&](EventFilter& f) { f.from_us = 20; })),
            (V{2, 3}));
  EXPECT_EQ(positions(with([&](EventFilter& f) { f.until_us = 20; })),
            (V{1, 4}));
  EXPECT_EQ(positions(with([&](EventFilter& f) {
              f.from_us = 10;
              f.until_us = 30;
            })),
            (V{1, 2, 4}));
  EXPECT_EQ(positions(with([&](EventFilter& f) { f.campaign = "c-1"; })),
            (V{1, 2, 4}));
  EXPECT_EQ(positions(with([&](EventFilter& f) {
              f.campaign_types = {"order", odd};
            })),
            (V{2, 3}));
  EXPECT_EQ(positions(with([&](EventFilter& f) { f.sources = {"import"}; })),
            (V{2}));
  EXPECT_EQ(positions(with([&](EventFilter& f) { f.activities = {odd}; })),
            (V{2}));
  EXPECT_EQ(positions(with([&](EventFilter& f) { f.activities = {"A"}; })),
            (V{1, 3, 4}));
  EXPECT_EQ(positions(with([&](EventFilter& f) {
              f.campaign = "c-1";
              f.activities = {"A"};
            })),
            (V{1, 4}));
  EXPECT_EQ(
      positions(with([&](EventFilter& f) { f.activities = {"nothing"}; })),
      V{});
  int seen = 0;
  Status stop = store->Scan({}, [&](const Event&) {
    return ++seen == 2 ? Status(StatusCode::kCancelled, "enough") : OkStatus();
  });
  EXPECT_EQ(stop.code(), StatusCode::kCancelled);
  EXPECT_EQ(seen, 2);
  // The store is usable after a stopped scan.
  EXPECT_TRUE(store->Append(Request("c-3", kAnyVersion, {e1})).ok());
}

TEST_F(PostgresStoreTest, ScanStreamsManyBatches) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  std::vector<AppendRequest> requests;
  for (int c = 0; c < 5; ++c) {
    std::vector<Event> events(1100, MakeEvent("bulk"));
    requests.push_back(
        Request("bulk-" + std::to_string(c), kNoCampaign, std::move(events)));
  }
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(store->AppendAll(requests).ok());
  const auto appended = std::chrono::steady_clock::now();
  int64_t expected = 0;
  Status status = store->Scan({}, [&](const Event& e) {
    if (e.position != ++expected) return InternalError("out of order");
    return OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(expected, 5500);
  const auto scanned = std::chrono::steady_clock::now();
  using Seconds = std::chrono::duration<double>;
  std::printf(
      "[ figures  ] AppendAll of 5500 events: %.0f events/s; "
      "scan: %.0f events/s\n",
      5500 / Seconds(appended - start).count(),
      5500 / Seconds(scanned - appended).count());
}

TEST_F(PostgresStoreTest, SequentialAppendThroughput) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  constexpr int kAppends = 1000;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kAppends; ++i) {
    ASSERT_TRUE(
        store
            ->Append(Request("c-" + std::to_string(i % 10), kAnyVersion,
                             {MakeEvent("step")}, "key-" + std::to_string(i)))
            .ok());
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf(
      "[ figures  ] %d single-event appends with idempotency keys "
      "on one connection: %.0f appends/s\n",
      kAppends, kAppends / seconds);
  EXPECT_EQ(store->LastPosition().value(), kAppends);
}

TEST_F(PostgresStoreTest, ConcurrentAppendsAreGaplessAndOrdered) {
  auto setup = Open();
  ASSERT_NE(setup, nullptr);
  constexpr int kThreads = 8;
  constexpr int kAppends = 150;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto store = OpenPostgresStore(url_, {});
      if (!store.ok()) {
        ++failures;
        return;
      }
      for (int i = 0; i < kAppends; ++i) {
        // Two threads per campaign, so optimistic checks collide; retry.
        const std::string campaign = "c-" + std::to_string(t % 4);
        while (true) {
          auto version = (*store)->CampaignVersion(campaign);
          auto r = (*store)->Append(
              Request(campaign, *version, {MakeEvent("step")}));
          if (r.ok()) break;
          if (r.status().code() != StatusCode::kAborted) {
            ++failures;
            break;
          }
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  EXPECT_EQ(failures.load(), 0);
  std::printf(
      "[ figures  ] %d single-event appends from %d connections in "
      "%.2f s: %.0f appends/s\n",
      kThreads * kAppends, kThreads, seconds, kThreads * kAppends / seconds);
  EXPECT_EQ(setup->LastPosition().value(), kThreads * kAppends);
  int64_t expected = 0;
  std::map<std::string, int64_t> sequences;
  Status status = setup->Scan({}, [&](const Event& e) {
    if (e.position != ++expected) return InternalError("gap in positions");
    if (e.sequence != ++sequences[e.campaign]) {
      return InternalError("gap in sequences");
    }
    return OkStatus();
  });
  EXPECT_TRUE(status.ok()) << status.ToString();
}

TEST_F(PostgresStoreTest, WrongPasswordIsClearAndDoesNotLeakIt) {
  const std::string secret = "Sup3rS3cretNotThePassword";
  std::string url = url_;
  const size_t colon = url.find(':', url.find("://") + 3);
  const size_t at = url.find('@');
  ASSERT_NE(colon, std::string::npos);
  url.replace(colon + 1, at - colon - 1, secret);
  Result<std::unique_ptr<Store>> store = OpenPostgresStore(url, {});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kPermissionDenied)
      << store.status().ToString();
  EXPECT_NE(store.status().message().find("password"), std::string::npos);
  EXPECT_EQ(store.status().message().find(secret), std::string::npos);
}

TEST_F(PostgresStoreTest, UnreachableServerIsUnavailableQuickly) {
  const std::string secret = "AnotherSecret42";
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<Store>> store = OpenPostgresStore(
      "postgresql://livesop:" + secret + "@127.0.0.1:1/x?connect_timeout=2",
      {});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.status().message().find(secret), std::string::npos);
  EXPECT_LT(elapsed, std::chrono::seconds(5));

  Result<std::unique_ptr<Store>> garbled =
      OpenPostgresStore("postgresql://u:" + secret + "@host:notaport/x", {});
  ASSERT_FALSE(garbled.ok());
  EXPECT_EQ(garbled.status().message().find(secret), std::string::npos)
      << garbled.status().ToString();
}

TEST_F(PostgresStoreTest, LostConnectionIsUnavailableThenRecovers) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  Sql(base_url_).Run(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
      "WHERE datname = '" +
      database_ + "' AND pid <> pg_backend_pid()");
  Result<int64_t> lost = store->LastPosition();
  if (!lost.ok()) {
    EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable)
        << lost.status().ToString();
  }
  Result<int64_t> back = store->LastPosition();
  EXPECT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(store->Append(Request("c", kAnyVersion, {MakeEvent("a")})).ok());
}

TEST_F(PostgresStoreTest, BackupAndRestoreThroughAFile) {
  auto store = Open();
  ASSERT_NE(store, nullptr);
  for (int i = 0; i < 50; ++i) {
    AppendRequest r = Request("c" + std::to_string(i % 3), kAnyVersion,
                              {MakeEvent("a" + std::to_string(i))},
                              "key-" + std::to_string(i));
    r.events[0].type = i % 2 == 0 ? "task_created" : "note";
    ASSERT_TRUE(store->Append(r).ok());
  }
  SopVersionRecord sop;
  sop.version = "1.0.0";
  sop.sop_id = "marketing-ops";
  sop.digest = std::string(64, 'a');
  sop.bundle = R"({"format":1,"root":"sop.yaml","files":{"sop.yaml":"x"}})";
  sop.published_us = 1000;
  ASSERT_TRUE(store->PublishSop(sop).ok());
  const std::string file =
      (std::filesystem::temp_directory_path() / (database_ + ".livesop"))
          .string();
  auto stats = BackupStore(*store, file);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->events, 50);

  // Into a second, empty PostgreSQL database.
  const std::string second = database_ + "_r";
  Sql(base_url_).Run("CREATE DATABASE " + second);
  {
    auto target = OpenPostgresStore(WithDatabase(base_url_, second), {});
    ASSERT_TRUE(target.ok()) << target.status().ToString();
    auto restored = RestoreStore(file, **target);
    ASSERT_TRUE(restored.ok()) << restored.status().ToString();
    EXPECT_EQ(*restored, 50);
    EXPECT_EQ(ScanAll(**target, {}), ScanAll(*store, {}));
    EXPECT_EQ(*(*target)->Campaigns({}), *store->Campaigns({}));
    EXPECT_EQ(*(*target)->Tasks({}), *store->Tasks({}));
    EXPECT_EQ(*(*target)->SopVersion("1.0.0"), sop);
    auto retry = (*target)->Append(
        Request("c1", kAnyVersion, {MakeEvent("again")}, "key-1"));
    ASSERT_TRUE(retry.ok());
    EXPECT_TRUE(retry->duplicate);
    EXPECT_EQ((*target)
                  ->Append(Request("c1", kAnyVersion, {MakeEvent("n")}))
                  ->first_position,
              51);
    // Not into a store that holds events.
    EXPECT_EQ(RestoreStore(file, **target).status().code(),
              StatusCode::kFailedPrecondition);
  }
  Sql(base_url_).Run("DROP DATABASE " + second + " WITH (FORCE)");
  // And into SQLite: the backup is backend-neutral.
  const std::string sqlite_path = file + ".db";
  {
    auto target = OpenStore(sqlite_path);
    ASSERT_TRUE(target.ok());
    ASSERT_TRUE(RestoreStore(file, **target).ok());
    EXPECT_EQ(ScanAll(**target, {}), ScanAll(*store, {}));
    EXPECT_EQ(*(*target)->SopVersion("1.0.0"), sop);
  }
  std::filesystem::remove(file);
  std::filesystem::remove(sqlite_path);
}

TEST_F(PostgresStoreTest, NewerSchemaIsRefusedAndNothingChanges) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(
        store->Append(Request("c", kAnyVersion, {MakeEvent("a")})).ok());
  }
  Sql sql(url_);
  sql.Run("INSERT INTO livesop_schema (version) VALUES (999)");
  Result<std::unique_ptr<Store>> store = OpenPostgresStore(url_, {});
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(store.status().message().find("999"), std::string::npos);
  EXPECT_EQ(sql.Run("SELECT count(*) FROM livesop_schema"),
            std::to_string(CurrentSchemaVersion() + 1));
  EXPECT_EQ(sql.Run("SELECT last FROM positions"), "1");
  OpenOptions read_only;
  read_only.read_only = true;
  EXPECT_EQ(OpenPostgresStore(url_, read_only).status().code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(PostgresStoreTest, OlderDatabaseGainsSopVersionsKeepingItsHistory) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(
        store->Append(Request("c", kAnyVersion, {MakeEvent("a")})).ok());
  }
  // Back to schema version 3, before the SOP versions (migration 4); a
  // later migration's tables go here too.
  Sql sql(url_);
  sql.Run("DROP TABLE sop_versions");
  sql.Run(
      "DROP TABLE notify_preferences, notify_cursors, webhook_endpoints, "
      "deliveries, template_versions, side_messages, side_rules, "
      "side_tracker_rows, side_hooks");
  sql.Run("DROP TABLE calendar_feeds");
  sql.Run("DELETE FROM livesop_schema WHERE version >= 4");
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion().value(), CurrentSchemaVersion());
  EXPECT_EQ(store->CampaignVersion("c").value(), 1);
  EXPECT_TRUE(store->SopVersions()->empty());
  SopVersionRecord sop;
  sop.version = "1.0.0";
  sop.sop_id = "marketing-ops";
  sop.digest = std::string(64, 'a');
  sop.bundle = "{}";
  EXPECT_TRUE(store->PublishSop(sop).ok());
  EXPECT_EQ(sql.Run("SELECT count(*) FROM sop_versions"), "1");
}

TEST_F(PostgresStoreTest, MigrationElevenFillsTrackerRowsFromTheMessages) {
  {
    auto store = Open();
    ASSERT_NE(store, nullptr);
  }
  // Back to schema version 10, with tracker rows read before migration 11.
  Sql sql(url_);
  sql.Run("DROP TABLE side_tracker_rows, side_hooks");
  sql.Run("DELETE FROM livesop_schema WHERE version >= 11");
  const auto row = [&](const std::string& hash, int64_t time,
                       const std::string& detail) {
    sql.Run("INSERT INTO side_messages VALUES ('" + hash +
            "', 'sheet', 'f.csv', 'f.csv:2', 'Tracker', '', '', " +
            std::to_string(time) +
            ", 0, 'UTC', 'x', 'ignored', 'unchanged', '', '', '', 0, '" +
            detail + "', 0, 'dina', '', '', 0)");
  };
  row(std::string(64, '1'), 100, R"({"row_key":"CMP-1","status":"Brief"})");
  row(std::string(64, '2'), 200, R"({"row_key":"CMP-1","status":"Approved"})");
  row(std::string(64, '3'), 150, R"({"row_key":"CMP-2","status":"Brief"})");
  row(std::string(64, '4'), 300, R"({"person":"x"})");
  auto store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->SchemaVersion().value(), CurrentSchemaVersion());
  Result<std::vector<TrackerRow>> rows = store->TrackerRows("Tracker");
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].status, "Approved");
  EXPECT_EQ((*rows)[0].time_us, 200);
  EXPECT_EQ((*rows)[1].row_key, "CMP-2");
}

TEST_F(PostgresStoreTest, NewerSchemaOnFreshDatabaseCreatesNothing) {
  Sql sql(url_);
  sql.Run("CREATE TABLE livesop_schema (version int PRIMARY KEY)");
  sql.Run("INSERT INTO livesop_schema VALUES (999)");
  EXPECT_EQ(OpenPostgresStore(url_, {}).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(sql.Run("SELECT to_regclass('events') IS NULL"), "t");
}

TEST_F(PostgresStoreTest, ReadOnlyNeedsAStoreAndRefusesWrites) {
  OpenOptions read_only;
  read_only.read_only = true;
  EXPECT_EQ(OpenPostgresStore(url_, read_only).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Sql(url_).Run("SELECT to_regclass('livesop_schema') IS NULL"), "t");
  ASSERT_NE(Open(), nullptr);
  auto store = Open(read_only);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->LastPosition().value(), 0);
  EXPECT_EQ(store->Append(Request("c", kAnyVersion, {MakeEvent("a")}))
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
}

TEST_F(PostgresStoreTest, LockTimeoutGivesUnavailable) {
  OpenOptions options;
  options.busy_timeout_ms = 200;
  auto store = Open(options);
  ASSERT_NE(store, nullptr);
  // Another session holds the positions row, as a stuck writer would.
  Sql blocker(url_);
  blocker.Run("BEGIN");
  blocker.Run("SELECT last FROM positions FOR UPDATE");
  const auto start = std::chrono::steady_clock::now();
  Result<AppendResult> r =
      store->Append(Request("c", kAnyVersion, {MakeEvent("a")}));
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable)
      << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(3));
  blocker.Run("ROLLBACK");
  EXPECT_TRUE(store->Append(Request("c", kAnyVersion, {MakeEvent("a")})).ok());
}

}  // namespace
}  // namespace livesop::store::internal

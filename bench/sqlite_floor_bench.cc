// What SQLite alone does with livesop's event rows: the same table and
// index as the store's schema (campaign ids, a unique (campaign_id,
// sequence) index), the same WAL settings, rows inserted 1,000 per
// transaction through one prepared statement and read back in keyset pages,
// with no livesop code in between. The store's figures are compared with
// these in BENCHMARKS.md.
//
//   sqlite_floor_bench [--events N]
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

namespace {

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
      .count();
}

bool Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) == SQLITE_OK) return true;
  std::fprintf(stderr, "sqlite_floor_bench: %s\n", error);
  sqlite3_free(error);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  int events = 400000;
  if (argc == 3 && std::string(argv[1]) == "--events") {
    events = std::atoi(argv[2]);
  }
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("livesop-floor-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  sqlite3* db = nullptr;
  // As the store opens its connections: one thread per connection, so no
  // mutex around every call.
  if (sqlite3_open_v2(
          (dir / "floor.db").c_str(), &db,
          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
          nullptr) != SQLITE_OK) {
    return 2;
  }
  if (!Exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;") ||
      !Exec(db,
            "CREATE TABLE events (position INTEGER PRIMARY KEY, campaign_id "
            "INTEGER NOT NULL, sequence INTEGER NOT NULL, type TEXT NOT NULL, "
            "activity TEXT NOT NULL, time_us INTEGER NOT NULL, lifecycle TEXT "
            "NOT NULL, resource TEXT NOT NULL, role TEXT NOT NULL, step TEXT "
            "NOT NULL, sop_version TEXT NOT NULL, source TEXT NOT NULL, "
            "deviation TEXT NOT NULL, reason TEXT NOT NULL, campaign_type "
            "TEXT NOT NULL, payload TEXT NOT NULL, recorded_us INTEGER NOT "
            "NULL, UNIQUE (campaign_id, sequence))")) {
    return 2;
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO events VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, "
                     "?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     -1, &insert, nullptr);
  auto text = [&](int index, const char* value) {
    sqlite3_bind_text(insert, index, value, -1, SQLITE_STATIC);
  };
  auto start = std::chrono::steady_clock::now();
  for (int batch = 0; batch < events / 1000; ++batch) {
    if (!Exec(db, "BEGIN IMMEDIATE")) return 3;
    for (int c = 0; c < 10; ++c) {
      for (int i = 0; i < 100; ++i) {
        sqlite3_bind_int64(insert, 1, batch * 10 + c);
        sqlite3_bind_int64(insert, 2, i + 1);
        text(3, "activity");
        text(4, i % 3 == 0 ? "Write brief" : "Review");
        sqlite3_bind_int64(insert, 5, 1'700'000'000'000'000 + i * 1'000'000LL);
        text(6, "complete");
        text(7, "ana");
        text(8, "campaign-manager");
        text(9, "brief");
        text(10, "1.0.0");
        text(11, "engine");
        text(12, "");
        text(13, "");
        text(14, "product-launch");
        text(15, R"({"note":"benchmark"})");
        sqlite3_bind_int64(insert, 16, 1'700'000'000'000'000);
        if (sqlite3_step(insert) != SQLITE_DONE) return 3;
        sqlite3_reset(insert);
      }
    }
    if (!Exec(db, "COMMIT")) return 3;
  }
  const double append_rate = events / Since(start);
  sqlite3_finalize(insert);

  sqlite3_stmt* scan = nullptr;
  sqlite3_prepare_v2(
      db,
      "SELECT position, sequence, recorded_us, campaign_id, type, activity, "
      "time_us, lifecycle, resource, role, step, sop_version, source, "
      "deviation, reason, campaign_type, payload FROM events WHERE position "
      "> ?1 ORDER BY position LIMIT 2048",
      -1, &scan, nullptr);
  std::string fields[13];
  int64_t after = 0;
  int64_t seen = 0;
  start = std::chrono::steady_clock::now();
  for (int rows = 2048; rows == 2048;) {
    rows = 0;
    sqlite3_bind_int64(scan, 1, after);
    while (sqlite3_step(scan) == SQLITE_ROW) {
      ++rows;
      after = sqlite3_column_int64(scan, 0);
      for (int c = 4; c < 17; ++c) {
        const auto* value =
            reinterpret_cast<const char*>(sqlite3_column_text(scan, c));
        fields[c - 4].assign(value, sqlite3_column_bytes(scan, c));
      }
    }
    sqlite3_reset(scan);
    seen += rows;
  }
  const double scan_rate = seen / Since(start);
  sqlite3_finalize(scan);
  sqlite3_close(db);
  std::filesystem::remove_all(dir);
  std::printf(
      "SQLite alone, %d events: batched appends %.0f rows/s, "
      "streaming read %.0f rows/s\n",
      events, append_rate, scan_rate);
  return 0;
}

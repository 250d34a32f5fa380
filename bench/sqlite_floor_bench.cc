// What SQLite alone does with livesop's event rows: the same table and
// index as the store's schema (campaign ids, a unique (campaign_id,
// sequence) index, the unfiltered attributes packed into one `detail`
// value), the same WAL settings and connection mode, rows inserted 1,000
// per transaction through one prepared statement and read back in keyset
// pages, with no livesop code in between. The store's figures are compared
// with these in BENCHMARKS.md.
//
//   sqlite_floor_bench [--events N]
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
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
            "activity TEXT NOT NULL, time_us INTEGER NOT NULL, source TEXT "
            "NOT NULL, campaign_type TEXT NOT NULL, recorded_us INTEGER NOT "
            "NULL, detail BLOB NOT NULL, UNIQUE (campaign_id, sequence))")) {
    return 2;
  }
  sqlite3_stmt* insert = nullptr;
  sqlite3_prepare_v2(db,
                     "INSERT INTO events VALUES (NULL, ?, ?, ?, ?, ?, ?, ?, "
                     "?, ?)",
                     -1, &insert, nullptr);
  auto text = [&](int index, const char* value) {
    sqlite3_bind_text(insert, index, value, -1, SQLITE_STATIC);
  };
  // The eight packed attributes, each a 4-byte length and its bytes.
  std::string detail;
  for (const char* field : {"complete", "ana", "campaign-manager", "brief",
                            "1.0.0", "", "", R"({"note":"benchmark"})"}) {
    const std::string value(field);
    const auto n = static_cast<uint32_t>(value.size());
    detail.push_back(static_cast<char>(n & 0xff));
    detail.append(3, '\0');
    detail += value;
  }
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
        text(6, "engine");
        text(7, "product-launch");
        sqlite3_bind_int64(insert, 8, 1'700'000'000'000'000);
        sqlite3_bind_blob(insert, 9, detail.data(),
                          static_cast<int>(detail.size()), SQLITE_STATIC);
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
      "time_us, source, campaign_type, detail FROM events WHERE position "
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
      for (int c : {4, 5, 7, 8}) {
        const auto* value =
            reinterpret_cast<const char*>(sqlite3_column_text(scan, c));
        fields[c - 4].assign(value, sqlite3_column_bytes(scan, c));
      }
      const auto* packed =
          static_cast<const char*>(sqlite3_column_blob(scan, 9));
      const auto size = static_cast<size_t>(sqlite3_column_bytes(scan, 9));
      for (size_t at = 0, f = 5; at + 4 <= size && f < 13; ++f) {
        const auto* b = reinterpret_cast<const unsigned char*>(packed + at);
        const size_t n = b[0] | (b[1] << 8) | (b[2] << 16) |
                         (static_cast<size_t>(b[3]) << 24);
        fields[f].assign(packed + at + 4, n);
        at += 4 + n;
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

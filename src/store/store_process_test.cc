// The store under real processes: writers killed with SIGKILL mid-append,
// and several writers racing on one campaign. Runs against SQLite always and
// against PostgreSQL when LIVESOP_TEST_POSTGRES_URL is set.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <random>
#include <set>
#include <string>
#include <thread>

#include "store/store.h"

namespace livesop::store {
namespace {

namespace fs = std::filesystem;

std::string Unique() {
  return std::to_string(::getpid()) + "-" +
         std::to_string(
             std::chrono::steady_clock::now().time_since_epoch().count());
}

Event Note(const std::string& batch, int index, int size) {
  // Types the read models project, so a kill can land in a projection.
  static const char* const kTypes[] = {"task_created", "task_completed",
                                       "notification_sent"};
  Event e;
  e.type = kTypes[index % 3];
  e.activity = "Note";
  e.time_us = index;
  e.payload = "{\"batch\":\"" + batch +
              "\",\"index\":" + std::to_string(index) +
              ",\"size\":" + std::to_string(size) + ",\"task\":\"" + batch +
              "\",\"recipient\":\"ana\"}";
  return e;
}

// Reads "key=value" out of the flat JSON payloads written by Note().
std::string Field(const std::string& payload, const std::string& key) {
  const std::string marker = "\"" + key + "\":";
  size_t at = payload.find(marker);
  if (at == std::string::npos) return {};
  at += marker.size();
  while (at < payload.size() && payload[at] == ' ') ++at;
  if (payload[at] == '"') {
    size_t end = payload.find('"', at + 1);
    return payload.substr(at + 1, end - at - 1);
  }
  size_t end = payload.find_first_of(",}", at);
  return payload.substr(at, end - at);
}

class StoreProcessTest : public testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    if (GetParam() == "postgresql") {
      const char* url = std::getenv("LIVESOP_TEST_POSTGRES_URL");
      if (url == nullptr || *url == '\0') {
        GTEST_SKIP() << "LIVESOP_TEST_POSTGRES_URL is not set";
      }
      url_ = url;
    } else {
      dir_ = fs::temp_directory_path() / ("livesop-proc-" + Unique());
      fs::create_directories(dir_);
      url_ = "sqlite:" + (dir_ / "livesop.db").string();
    }
    prefix_ = "p" + Unique() + "-";
    auto store = OpenStore(url_);  // migrate once before the children race
    ASSERT_TRUE(store.ok()) << store.status().ToString();
  }
  void TearDown() override {
    if (!dir_.empty()) fs::remove_all(dir_);
  }

  std::string url_;
  fs::path dir_;
  std::string prefix_;
};

// The child: appends batches of 1-3 events to one of five campaigns until it
// is killed, writing "campaign batch version" to `fd` after each
// acknowledged append.
[[noreturn]] void AppendUntilKilled(const std::string& url,
                                    const std::string& prefix, int fd,
                                    unsigned seed) {
  auto store = OpenStore(url);
  if (!store.ok()) _exit(3);
  std::mt19937 random(seed);
  for (int n = 0;; ++n) {
    const std::string campaign = prefix + std::to_string(random() % 5);
    const int size = 1 + static_cast<int>(random() % 3);
    const std::string batch = std::to_string(seed) + "-" + std::to_string(n);
    AppendRequest request;
    request.campaign = campaign;
    request.idempotency_key = prefix + batch;
    for (int i = 0; i < size; ++i)
      request.events.push_back(Note(batch, i, size));
    Result<AppendResult> result = (*store)->Append(request);
    if (!result.ok()) {
      if (result.status().code() == StatusCode::kUnavailable) continue;
      _exit(4);
    }
    const std::string line =
        campaign + " " + batch + " " + std::to_string(result->version) + "\n";
    if (write(fd, line.data(), line.size()) < 0) _exit(5);
  }
}

TEST_P(StoreProcessTest, KilledWritersLoseNothingAcknowledged) {
  std::mt19937 random(20261123);
  std::map<std::string, int64_t> acknowledged_version;
  std::set<std::string> acknowledged_batches;
  for (int round = 0; round < 20; ++round) {
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(pipe_fds[0]);
      AppendUntilKilled(url_, prefix_, pipe_fds[1], 1000 + round);
    }
    close(pipe_fds[1]);
    FILE* in = fdopen(pipe_fds[0], "r");
    // Kill at a random moment once the writer is under way (its first
    // acknowledgement), however slowly it started.
    const int first = fgetc(in);
    ASSERT_NE(first, EOF) << "the writer died before its first append";
    ungetc(first, in);
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + random() % 60));
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFSIGNALED(status))
        << "the writer exited by itself, status " << status;
    char campaign[256];
    char batch[256];
    long long version = 0;
    while (fscanf(in, "%255s %255s %lld", campaign, batch, &version) == 3) {
      acknowledged_batches.insert(batch);
      auto& v = acknowledged_version[campaign];
      v = std::max<int64_t>(v, version);
    }
    fclose(in);

    // After every kill: the store opens, and everything acknowledged is
    // there, whole.
    auto store = OpenStore(url_);
    ASSERT_TRUE(store.ok())
        << "round " << round << ": " << store.status().ToString();
    std::map<std::string, int64_t> last_sequence;
    std::map<std::string, std::set<int>> batch_indices;
    std::map<std::string, int> batch_size;
    int64_t last_position = 0;
    Status scanned = (*store)->Scan({}, [&](const Event& e) {
      if (!e.campaign.starts_with(prefix_)) return OkStatus();
      EXPECT_GT(e.position, last_position);
      last_position = e.position;
      EXPECT_EQ(e.sequence, last_sequence[e.campaign] + 1)
          << "gap in campaign " << e.campaign;
      last_sequence[e.campaign] = e.sequence;
      const std::string batch_id = Field(e.payload, "batch");
      batch_indices[batch_id].insert(std::stoi(Field(e.payload, "index")));
      batch_size[batch_id] = std::stoi(Field(e.payload, "size"));
      return OkStatus();
    });
    ASSERT_TRUE(scanned.ok()) << scanned.ToString();
    for (const auto& [id, indices] : batch_indices) {
      EXPECT_EQ(static_cast<int>(indices.size()), batch_size[id])
          << "batch " << id << " is half-written";
    }
    for (const std::string& id : acknowledged_batches) {
      EXPECT_TRUE(batch_indices.count(id) > 0)
          << "acknowledged batch " << id << " is missing after round " << round;
    }
    for (const auto& [c, v] : acknowledged_version) {
      EXPECT_GE(last_sequence[c], v) << "campaign " << c;
      EXPECT_EQ(*(*store)->CampaignVersion(c), last_sequence[c]);
    }
    // The read models the appends left equal what the events rebuild.
    auto mine = [&](auto rows) {
      std::erase_if(rows, [&](const auto& r) {
        return !r.campaign.starts_with(prefix_);
      });
      return rows;
    };
    const auto campaigns = mine(*(*store)->Campaigns({}));
    const auto tasks = mine(*(*store)->Tasks({}));
    const auto inbox = mine(*(*store)->Inbox({}));
    ASSERT_TRUE((*store)->RebuildReadModels().ok());
    EXPECT_EQ(mine(*(*store)->Campaigns({})), campaigns) << "round " << round;
    EXPECT_EQ(mine(*(*store)->Tasks({})), tasks) << "round " << round;
    EXPECT_EQ(mine(*(*store)->Inbox({})), inbox) << "round " << round;
    EXPECT_EQ(campaigns.size(), last_sequence.size());
  }
  EXPECT_GT(acknowledged_batches.size(), 20u)
      << "the writers were killed before they wrote anything";
}

TEST_P(StoreProcessTest, RacingWritersLoseNoUpdate) {
  constexpr int kWriters = 4;
  constexpr int kAppendsEach = 40;
  const std::string campaign = prefix_ + "shared";
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      auto store = OpenStore(url_);
      if (!store.ok()) _exit(3);
      int conflicts = 0;
      for (int n = 0; n < kAppendsEach;) {
        Result<int64_t> version = (*store)->CampaignVersion(campaign);
        if (!version.ok()) continue;
        // Widen the window between reading and writing, so the writers
        // really do race.
        usleep(300);
        AppendRequest request;
        request.campaign = campaign;
        request.expected_version = *version;
        request.idempotency_key =
            prefix_ + std::to_string(w) + "-" + std::to_string(n);
        request.events.push_back(Note(request.idempotency_key, 0, 1));
        Result<AppendResult> result = (*store)->Append(request);
        if (result.ok()) {
          // Retrying an acknowledged command must change nothing.
          if (n % 10 == 0) {
            Result<AppendResult> again = (*store)->Append(request);
            if (!again.ok() || !again->duplicate ||
                again->last_position != result->last_position) {
              _exit(6);
            }
          }
          ++n;
        } else if (result.status().code() == StatusCode::kAborted ||
                   result.status().code() == StatusCode::kUnavailable) {
          ++conflicts;  // lost the race: read again and retry
        } else {
          _exit(4);
        }
      }
      _exit(conflicts > 0 ? 10 : 0);
    }
    children.push_back(child);
  }
  int with_conflicts = 0;
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_TRUE(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 10)
        << "writer failed with " << WEXITSTATUS(status);
    if (WEXITSTATUS(status) == 10) ++with_conflicts;
  }
  auto store = OpenStore(url_);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->CampaignVersion(campaign), kWriters * kAppendsEach);
  EventFilter filter;
  filter.campaign = campaign;
  std::set<std::string> keys;
  int64_t sequence = 0;
  ASSERT_TRUE(
      (*store)
          ->Scan(filter,
                 [&](const Event& e) {
                   EXPECT_EQ(e.sequence, ++sequence);
                   EXPECT_TRUE(keys.insert(Field(e.payload, "batch")).second)
                       << "duplicate command " << Field(e.payload, "batch");
                   return OkStatus();
                 })
          .ok());
  EXPECT_EQ(keys.size(), static_cast<size_t>(kWriters * kAppendsEach));
  // Racing on one campaign, some writer must have lost at least once; if
  // none did, the test did not test the race.
  EXPECT_GT(with_conflicts, 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreProcessTest,
                         testing::Values("sqlite", "postgresql"),
                         [](const testing::TestParamInfo<std::string>& param) {
                           return param.param;
                         });

}  // namespace
}  // namespace livesop::store

// Faults from outside: a full disk, read-only files and folders, a
// PostgreSQL server that stops mid-run. Each must give a clear error and
// leave nothing half-written.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "store/store.h"
#include "store/test_util.h"

namespace livesop::store {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;
using testing::Not;

AppendRequest Batch(const std::string& campaign, int n, int size) {
  AppendRequest r;
  r.campaign = campaign;
  for (int i = 0; i < size; ++i) {
    Event e;
    e.type = i == 0 ? "task_created" : "task_completed";
    e.activity = "Step " + std::to_string(n);
    e.time_us = n * 1000 + i;
    e.step = "s" + std::to_string(n);
    e.payload = R"({"batch":)" + std::to_string(n) + R"(,"index":)" +
                std::to_string(i) + R"(,"size":)" + std::to_string(size) +
                R"(,"text":")" + std::string(200, 'x') + R"("})";
    r.events.push_back(e);
  }
  return r;
}

// Every batch in the store is whole, and the read models equal a rebuild.
void ExpectWholeAndConsistent(Store& store, int64_t acknowledged_events) {
  std::map<int64_t, int> seen;
  std::map<int64_t, int> sizes;
  int64_t count = 0;
  ASSERT_TRUE(store
                  .Scan({},
                        [&](const Event& e) {
                          ++count;
                          EXPECT_EQ(e.position, count) << "a gap";
                          const auto payload = e.payload;
                          const size_t b = payload.find("\"batch\":") + 8;
                          const size_t s = payload.find("\"size\":") + 7;
                          const int64_t batch = std::stoll(payload.substr(b));
                          ++seen[batch];
                          sizes[batch] = std::stoi(payload.substr(s));
                          return OkStatus();
                        })
                  .ok());
  for (const auto& [batch, n] : seen) {
    EXPECT_EQ(n, sizes[batch]) << "batch " << batch << " is half-written";
  }
  EXPECT_GE(count, acknowledged_events);
  const auto campaigns = *store.Campaigns({});
  const auto tasks = *store.Tasks({});
  ASSERT_TRUE(store.RebuildReadModels().ok());
  EXPECT_EQ(*store.Campaigns({}), campaigns);
  EXPECT_EQ(*store.Tasks({}), tasks);
}

class FaultTest : public testing::Test {
 protected:
  // Runs `body` in a child process; returns the exit code, the child's
  // report in `report` (what it wrote to the pipe).
  static int InChild(const std::function<void(int fd)>& body,
                     std::string& report) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    const pid_t child = fork();
    if (child == 0) {
      close(fds[0]);
      body(fds[1]);
      _exit(0);
    }
    close(fds[1]);
    char buffer[4096];
    ssize_t n = 0;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) {
      report.append(buffer, static_cast<size_t>(n));
    }
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }

  static void Say(int fd, const std::string& text) {
    if (write(fd, text.data(), text.size()) < 0) _exit(9);
  }

  TestDir test_dir_{"livesop-fault"};
  const fs::path& dir_ = test_dir_.path();
  const std::string path_ = (dir_ / "livesop.db").string();
};

TEST_F(FaultTest, FullDiskFailsCleanlyAndKeepsEveryAcknowledgedAppend) {
  {
    auto store = OpenStore(path_);  // created before the limit
    ASSERT_TRUE(store.ok());
  }
  std::string report;
  const int code = InChild(
      [&](int fd) {
        // The file-size limit plays a full disk: writes beyond it fail
        // with EFBIG instead of killing the process.
        signal(SIGXFSZ, SIG_IGN);
        rlimit limit{2 << 20, 2 << 20};
        if (setrlimit(RLIMIT_FSIZE, &limit) != 0) _exit(7);
        auto store = OpenStore(path_);
        if (!store.ok()) _exit(8);
        int64_t acknowledged = 0;
        for (int n = 1; n < 100000; ++n) {
          auto result = (*store)->Append(
              Batch("c" + std::to_string(n % 3), n, 1 + n % 5));
          if (!result.ok()) {
            Say(fd, std::to_string(acknowledged) + "\n" +
                        std::string(StatusCodeName(result.status().code())) +
                        "\n" + result.status().message());
            return;
          }
          acknowledged = result->last_position;
        }
        Say(fd, "never failed");
      },
      report);
  ASSERT_EQ(code, 0) << report;
  ASSERT_NE(report, "never failed");
  const int64_t acknowledged = std::stoll(report);
  EXPECT_GT(acknowledged, 100);
  EXPECT_THAT(report, HasSubstr("RESOURCE_EXHAUSTED"));
  EXPECT_THAT(report, HasSubstr("disk is full"));
  auto store = OpenStore(path_);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ExpectWholeAndConsistent(**store, acknowledged);
  // With room again, appends go on.
  EXPECT_TRUE((*store)->Append(Batch("c1", 999999, 2)).ok());
}

TEST_F(FaultTest, ReadOnlyFileAndFolderAreClearErrors) {
  {
    auto store = OpenStore(path_);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Append(Batch("c", 1, 2)).ok());
  }
  fs::permissions(path_, fs::perms::owner_read | fs::perms::group_read |
                             fs::perms::others_read);
  fs::permissions(dir_, fs::perms::owner_all | fs::perms::others_read |
                            fs::perms::others_exec);
  std::string report;
  const int code = InChild(
      [&](int fd) {
        // Root ignores file permissions; an ordinary user does not.
        if (::geteuid() == 0 && setuid(65534) != 0) _exit(7);
        auto store = OpenStore(path_);
        Say(fd, store.ok()
                    ? "opened"
                    : std::string(StatusCodeName(store.status().code())) +
                          ": " + store.status().message());
        OpenOptions read_only;
        read_only.read_only = true;
        auto reader = OpenStore(path_, read_only);
        if (reader.ok()) {
          Say(fd, "\nread " + std::to_string((*reader)->LastPosition().ok()
                                                 ? *(*reader)->LastPosition()
                                                 : -1));
        } else {
          Say(fd, "\nreader: " + reader.status().message());
        }
        auto elsewhere = OpenStore((dir_ / "new.db").string());
        Say(fd, "\n" + (elsewhere.ok() ? std::string("created")
                                       : elsewhere.status().message()));
      },
      report);
  ASSERT_EQ(code, 0) << report;
  EXPECT_THAT(report, HasSubstr("PERMISSION_DENIED"));
  EXPECT_THAT(report, HasSubstr("read-only for this user"));
  EXPECT_THAT(report, HasSubstr(path_));
  EXPECT_THAT(report, Not(HasSubstr("created")));
  EXPECT_FALSE(fs::exists(dir_ / "new.db"));
  // Nothing was changed: the store opens and holds what it held.
  fs::permissions(path_, fs::perms::owner_all);
  auto store = OpenStore(path_);
  ASSERT_TRUE(store.ok());
  EXPECT_EQ(*(*store)->LastPosition(), 2);
}

// Stops the shared server, so it runs only where the test command allows
// it: in an invocation of its own (scripts/test.sh).
TEST(PostgresFaultTest, ServerStoppedMidRunIsUnavailableThenRecovers) {
  const char* url = std::getenv("LIVESOP_TEST_POSTGRES_URL");
  const char* stop = std::getenv("LIVESOP_TEST_POSTGRES_STOP");
  const char* start = std::getenv("LIVESOP_TEST_POSTGRES_START");
  const char* allowed = std::getenv("LIVESOP_TEST_POSTGRES_MAY_STOP");
  if (url == nullptr || stop == nullptr || start == nullptr ||
      allowed == nullptr) {
    GTEST_SKIP()
        << "needs a server of its own: LIVESOP_TEST_POSTGRES_MAY_STOP=1 "
           "scripts/with-postgres.sh store_test "
           "--gtest_filter=PostgresFaultTest.*";
  }
  auto store = OpenStore(url);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  const std::string campaign = "stop-" + std::to_string(::getpid());
  int64_t acknowledged = 0;
  for (int n = 1; n <= 50; ++n) {
    auto result = (*store)->Append(Batch(campaign, n, 3));
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    acknowledged = result->version;
  }
  ASSERT_EQ(std::system(stop), 0);
  auto failed = (*store)->Append(Batch(campaign, 51, 3));
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable)
      << failed.status().ToString();
  EXPECT_THAT(failed.status().message(), HasSubstr("PostgreSQL"));
  EXPECT_EQ((*store)->Campaigns({}).status().code(), StatusCode::kUnavailable);
  ASSERT_EQ(std::system(start), 0);
  // The same handle reconnects; nothing acknowledged is lost, nothing of
  // the failed append is there.
  auto after = (*store)->Append(Batch(campaign, 52, 3));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->version, acknowledged + 3);
  EventFilter mine;
  mine.campaign = campaign;
  int64_t events = 0;
  ASSERT_TRUE((*store)
                  ->Scan(mine,
                         [&](const Event& e) {
                           EXPECT_EQ(e.sequence, ++events);
                           EXPECT_THAT(e.activity, Not(HasSubstr("51")));
                           return OkStatus();
                         })
                  .ok());
  EXPECT_EQ(events, acknowledged + 3);
  TaskQuery tasks;
  tasks.campaign = campaign;
  const auto before = *(*store)->Tasks(tasks);
  EXPECT_EQ(before.size(), 51u);
  ASSERT_TRUE((*store)->RebuildReadModels().ok());
  EXPECT_EQ(*(*store)->Tasks(tasks), before);
}

}  // namespace
}  // namespace livesop::store

// Backups and restores on SQLite; postgres_store_test.cc covers PostgreSQL.
#include "store/backup.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>

#include "store/test_util.h"

namespace livesop::store {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;

Event Note(int i, const std::string& type = "note") {
  Event e;
  e.type = type;
  e.activity = "Activity " + std::to_string(i % 7);
  e.time_us = 1'700'000'000'000'000 + i;
  e.resource = "ana";
  e.payload = R"({"task":"t)" + std::to_string(i % 11) + R"("})";
  return e;
}

class BackupTest : public testing::Test {
 protected:
  void SetUp() override {
    source_ = OpenAt("source.db");
    for (int i = 0; i < 300; ++i) {
      AppendRequest r;
      r.campaign = "c" + std::to_string(i % 4);
      r.idempotency_key = "cmd-" + std::to_string(i);
      r.events = {Note(i, i % 3 == 0 ? "task_created" : "task_completed")};
      ASSERT_TRUE(source_->Append(r).ok());
    }
  }
  void TearDown() override { source_.reset(); }

  std::unique_ptr<Store> OpenAt(const std::string& name) {
    auto store = OpenStore((dir_ / name).string());
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    return store.ok() ? std::move(*store) : nullptr;
  }

  TestDir test_dir_{"livesop-backup"};
  const fs::path& dir_ = test_dir_.path();
  std::unique_ptr<Store> source_;
};

TEST_F(BackupTest, RoundTripKeepsEventsKeysAndReadModels) {
  const std::string file = (dir_ / "backup.livesop").string();
  auto stats = BackupStore(*source_, file);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->events, 300);
  EXPECT_GT(stats->bytes, 0);
  EXPECT_FALSE(fs::exists(file + "-wal"));

  auto target = OpenAt("restored.db");
  auto restored = RestoreStore(file, *target);
  ASSERT_TRUE(restored.ok()) << restored.status().ToString();
  EXPECT_EQ(*restored, 300);
  // The backup stays one file, also after being read.
  EXPECT_FALSE(fs::exists(file + "-wal"));
  EXPECT_FALSE(fs::exists(file + "-shm"));
  EXPECT_EQ(ScanAll(*target),
            ScanAll(*source_));  // positions, recorded times too
  EXPECT_EQ(*target->Campaigns({}), *source_->Campaigns({}));
  EXPECT_EQ(*target->Tasks({}), *source_->Tasks({}));
  // An idempotent retry after the restore still appends nothing.
  AppendRequest retry;
  retry.campaign = "c1";
  retry.idempotency_key = "cmd-5";
  retry.events = {Note(5)};
  auto again = target->Append(retry);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->duplicate);
  EXPECT_EQ(again->first_position, 6);
  // New appends continue after the restored history.
  retry.idempotency_key = "new";
  EXPECT_EQ(target->Append(retry)->first_position, 301);
}

TEST_F(BackupTest, BackupIsASnapshotWhileWritersAppend) {
  std::atomic<bool> stop = false;
  std::thread writer([&] {
    auto other = OpenAt("source.db");
    for (int i = 0; !stop; ++i) {
      AppendRequest r;
      r.campaign = "busy";
      r.events = {Note(i), Note(i + 1)};
      if (!other->Append(r).ok()) break;
    }
  });
  const std::string file = (dir_ / "live.livesop").string();
  auto stats = BackupStore(*source_, file);
  stop = true;
  writer.join();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  auto copy = OpenAt("live.livesop");
  std::vector<Event> events = ScanAll(*copy);
  ASSERT_EQ(static_cast<int64_t>(events.size()), stats->events);
  for (size_t i = 0; i < events.size(); ++i) {
    EXPECT_EQ(events[i].position, static_cast<int64_t>(i) + 1);
  }
  // Whole appends only: the writer appends two events at a time.
  EXPECT_EQ((events.size() - 300) % 2, 0u);
}

TEST_F(BackupTest, NeverOverwritesAndLeavesNothingBehindOnFailure) {
  const fs::path existing = dir_ / "existing.livesop";
  std::ofstream(existing) << "keep me";
  auto stats = BackupStore(*source_, existing.string());
  EXPECT_EQ(stats.status().code(), StatusCode::kAlreadyExists);
  std::ifstream in(existing);
  std::string kept;
  std::getline(in, kept);
  EXPECT_EQ(kept, "keep me");

  auto missing = BackupStore(*source_, (dir_ / "no/such/dir/b").string());
  EXPECT_EQ(missing.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(missing.status().message(), HasSubstr("does not exist"));

  if (::geteuid() != 0) {  // root writes into read-only folders anyway
    const fs::path locked = dir_ / "locked";
    fs::create_directories(locked);
    fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
    auto denied = BackupStore(*source_, (locked / "b.livesop").string());
    EXPECT_FALSE(denied.ok());
    fs::permissions(locked, fs::perms::owner_all);
    EXPECT_TRUE(fs::is_empty(locked));
  }
}

TEST_F(BackupTest, RestoreRefusesNonEmptyTargetsAndForeignFiles) {
  const std::string file = (dir_ / "b.livesop").string();
  ASSERT_TRUE(BackupStore(*source_, file).ok());
  auto busy = OpenAt("busy.db");
  AppendRequest r;
  r.campaign = "mine";
  r.events = {Note(1)};
  ASSERT_TRUE(busy->Append(r).ok());
  auto refused = RestoreStore(file, *busy);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("already holds events"));
  EXPECT_EQ(ScanAll(*busy).size(), 1u);

  const fs::path text = dir_ / "notes.txt";
  std::ofstream(text) << "not a backup\n";
  auto empty = OpenAt("empty.db");
  auto foreign = RestoreStore(text.string(), *empty);
  EXPECT_EQ(foreign.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(foreign.status().message(), HasSubstr("not a livesop backup"));
  auto absent = RestoreStore((dir_ / "absent").string(), *empty);
  EXPECT_EQ(absent.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(*empty->LastPosition(), 0);
}

SopVersionRecord SopVersionOf(const std::string& version, char digest) {
  SopVersionRecord r;
  r.version = version;
  r.sop_id = "marketing-ops";
  r.digest = std::string(64, digest);
  r.bundle = R"({"format":1,"root":"sop.yaml","files":{"sop.yaml":"x: 1\n"}})";
  r.published_by = "ana";
  r.published_us = 1'700'000'000'000'000 + digest;
  r.note = "note";
  return r;
}

TEST_F(BackupTest, RoundTripKeepsPublishedSopVersions) {
  ASSERT_TRUE(source_->PublishSop(SopVersionOf("1.0.0", 'a')).ok());
  ASSERT_TRUE(source_->PublishSop(SopVersionOf("1.1.0", 'b')).ok());
  const std::string file = (dir_ / "sops.livesop").string();
  ASSERT_TRUE(BackupStore(*source_, file).ok());
  auto target = OpenAt("restored.db");
  ASSERT_TRUE(RestoreStore(file, *target).ok());
  EXPECT_EQ(*target->SopVersions(), *source_->SopVersions());
  EXPECT_EQ(*target->SopVersion("1.1.0"), SopVersionOf("1.1.0", 'b'));

  // A target that publishes the same version with the same content takes
  // the restore; with other content it refuses all of it.
  auto same = OpenAt("same.db");
  ASSERT_TRUE(same->PublishSop(SopVersionOf("1.0.0", 'a')).ok());
  ASSERT_TRUE(RestoreStore(file, *same).ok());
  EXPECT_EQ(same->SopVersions()->size(), 2u);
  auto other = OpenAt("other.db");
  ASSERT_TRUE(other->PublishSop(SopVersionOf("1.1.0", 'z')).ok());
  auto refused = RestoreStore(file, *other);
  EXPECT_EQ(refused.status().code(), StatusCode::kAlreadyExists);
  EXPECT_THAT(refused.status().message(), HasSubstr("1.1.0"));
  EXPECT_EQ(*other->LastPosition(), 0);
  SopVersionRecord kept = SopVersionOf("1.1.0", 'z');
  kept.bundle.clear();  // lists hold no bundles
  EXPECT_EQ(*other->SopVersions(), std::vector<SopVersionRecord>{kept});
}

}  // namespace
}  // namespace livesop::store

// Helpers shared by the store's tests.
#ifndef LIVESOP_STORE_TEST_UTIL_H_
#define LIVESOP_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "store/store.h"

namespace livesop::store {

// Every event `filter` lets through, in global order; fails the test when
// the scan fails.
inline std::vector<Event> ScanAll(Store& store,
                                  const EventFilter& filter = {}) {
  std::vector<Event> out;
  Status s = store.Scan(filter, [&](const Event& e) {
    out.push_back(e);
    return OkStatus();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

// A fresh, empty folder for the running test, named after it; removed with
// the object, also when the test made it read-only.
class TestDir {
 public:
  explicit TestDir(const std::string& prefix)
      : path_(std::filesystem::temp_directory_path() /
              (prefix + "-" + std::to_string(::getpid()) + "-" +
               testing::UnitTest::GetInstance()->current_test_info()->name())) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TestDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, ec);
    std::filesystem::remove_all(path_, ec);
  }
  TestDir(const TestDir&) = delete;
  TestDir& operator=(const TestDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace livesop::store

#endif  // LIVESOP_STORE_TEST_UTIL_H_

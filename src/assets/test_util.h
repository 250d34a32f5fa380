// Helpers shared by the assets tests: the committed fixtures and a folder
// of one's own per test.
#ifndef LIVESOP_ASSETS_TEST_UTIL_H_
#define LIVESOP_ASSETS_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace livesop::assets {

// A file of testdata/assets/ (see its README.md for how each was made).
inline std::string Fixture(const std::string& name) {
  return (std::filesystem::path(LIVESOP_SOURCE_DIR) / "testdata" / "assets" /
          name)
      .string();
}

inline std::string ReadBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Gives each test an empty folder, removed afterwards.
class TempDirTest : public testing::Test {
 protected:
  void SetUp() override {
    const testing::TestInfo* info =
        testing::UnitTest::GetInstance()->current_test_info();
    std::string name =
        std::string(info->test_suite_name()) + "-" + info->name();
    for (char& c : name) {
      if (c == '/') c = '_';
    }
    dir_ = std::filesystem::temp_directory_path() /
           ("livesop-assets-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const {
    return (dir_ / name).string();
  }

  std::string Write(const std::string& name, const std::string& content) {
    std::ofstream(Path(name), std::ios::binary) << content;
    return Path(name);
  }

  std::filesystem::path dir_;
};

}  // namespace livesop::assets

#endif  // LIVESOP_ASSETS_TEST_UTIL_H_

// Helpers shared by the eventlog tests: visitors that keep what they are
// given, and a temporary directory per test.
#ifndef LIVESOP_EVENTLOG_LOG_TEST_UTIL_H_
#define LIVESOP_EVENTLOG_LOG_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "eventlog/csv.h"
#include "eventlog/internal/input_file.h"
#include "eventlog/internal/parallel_xes.h"
#include "eventlog/internal/readers.h"
#include "eventlog/xes.h"

namespace livesop::eventlog {

// Everything ReadXes delivered, and what it returned.
struct XesContents {
  Status status;
  int log_calls = 0;
  LogHeader header;
  std::vector<Trace> traces;
};

class CollectingXesVisitor : public XesVisitor {
 public:
  explicit CollectingXesVisitor(XesContents& into) : into_(into) {}
  Status OnLog(const LogHeader& header) override {
    ++into_.log_calls;
    into_.header = header;
    return OkStatus();
  }
  Status OnTrace(const Trace& trace) override {
    into_.traces.push_back(trace);
    return OkStatus();
  }

 private:
  XesContents& into_;
};

inline XesContents ReadXesContents(const std::string& path) {
  XesContents contents;
  CollectingXesVisitor visitor(contents);
  contents.status = ReadXes(path, visitor);
  return contents;
}

// What the parallel fast path delivered: `read` is its answer (true: the
// whole log; false: it gave up, and `contents` may hold part of the log).
struct ParallelContents {
  bool read = false;
  XesContents contents;
};

inline ParallelContents ReadXesParallelContents(
    const std::string& path, const internal::ParallelXesOptions& options) {
  ParallelContents result;
  Result<std::unique_ptr<internal::InputFile>> file =
      internal::InputFile::Open(path);
  if (!file.ok()) {
    result.contents.status = file.status();
    return result;
  }
  CollectingXesVisitor visitor(result.contents);
  Result<bool> read = internal::ReadXesParallel(**file, visitor, options);
  if (!read.ok()) {
    result.contents.status = read.status();
  } else {
    result.read = *read;
  }
  return result;
}

// Checks that the fast path reads `path` whole, to exactly what ReadXes
// reads, with every chunk size and thread count in the lists.
inline void ExpectFastPathReadsAsReadXes(
    const std::string& path, const std::vector<size_t>& chunk_sizes,
    const std::vector<int>& thread_counts) {
  const XesContents exact = ReadXesContents(path);
  ASSERT_TRUE(exact.status.ok()) << exact.status.ToString();
  for (size_t chunk_bytes : chunk_sizes) {
    for (int threads : thread_counts) {
      SCOPED_TRACE(path + ", chunks of " + std::to_string(chunk_bytes) +
                   " bytes, " + std::to_string(threads) + " threads");
      const ParallelContents fast = ReadXesParallelContents(
          path, {.threads = threads, .chunk_bytes = chunk_bytes});
      ASSERT_TRUE(fast.contents.status.ok()) << fast.contents.status.ToString();
      EXPECT_TRUE(fast.read);
      EXPECT_EQ(fast.contents.log_calls, 1);
      EXPECT_EQ(fast.contents.header, exact.header);
      ASSERT_EQ(fast.contents.traces.size(), exact.traces.size());
      for (size_t i = 0; i < exact.traces.size(); ++i) {
        ASSERT_EQ(fast.contents.traces[i], exact.traces[i]) << "trace " << i;
      }
    }
  }
}

// Everything ReadCsv delivered, and what it returned.
struct CsvContents {
  Status status;
  CsvHeader header;
  std::vector<int64_t> lines;
  std::vector<Event> events;
};

class CollectingCsvVisitor : public CsvVisitor {
 public:
  explicit CollectingCsvVisitor(CsvContents& into) : into_(into) {}
  Status OnHeader(const CsvHeader& header) override {
    into_.header = header;
    return OkStatus();
  }
  Status OnRow(int64_t line, const Event& event) override {
    into_.lines.push_back(line);
    into_.events.push_back(event);
    return OkStatus();
  }

 private:
  CsvContents& into_;
};

inline CsvContents ReadCsvContents(const std::string& path,
                                   const CsvOptions& options = {}) {
  CsvContents contents;
  CollectingCsvVisitor visitor(contents);
  contents.status = ReadCsv(path, options, visitor);
  return contents;
}

// A fresh temporary directory per test, removed afterwards.
class TempDirTest : public testing::Test {
 protected:
  void SetUp() override {
    const testing::TestInfo* info =
        testing::UnitTest::GetInstance()->current_test_info();
    dir_ = std::filesystem::temp_directory_path() /
           ("livesop-eventlog-" + std::to_string(::getpid()) + "-" +
            info->test_suite_name() + "-" + info->name());
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

}  // namespace livesop::eventlog

#endif  // LIVESOP_EVENTLOG_LOG_TEST_UTIL_H_

// Helpers shared by the eventlog tests: visitors that keep what they are
// given, comparisons of the fast paths with the streaming reader, and a
// temporary directory per test.
#ifndef LIVESOP_EVENTLOG_LOG_TEST_UTIL_H_
#define LIVESOP_EVENTLOG_LOG_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
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
#include "eventlog/log.h"
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

// Builds the log through the streaming reader alone, as ReadLog did before
// it had a parallel path.
inline EventLog ReadLogSequentially(const std::string& path,
                                    ClassifierSpec classifier = {}) {
  class Building final : public XesVisitor {
   public:
    explicit Building(LogBuilder& builder) : builder_(builder) {}
    Status OnLog(const LogHeader& header) override {
      builder_.SetHeader(header);
      return OkStatus();
    }
    Status OnTrace(const Trace& trace) override {
      builder_.AddTrace(trace);
      return OkStatus();
    }

   private:
    LogBuilder& builder_;
  };
  LogBuilder builder(std::move(classifier));
  Building visitor(builder);
  const Status status = ReadXes(path, visitor);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return builder.Finish();
}

// Every part of two logs, string ids and their order included.
inline void ExpectSameLog(const EventLog& a, const EventLog& b) {
  ASSERT_EQ(a.num_cases(), b.num_cases());
  ASSERT_EQ(a.num_events(), b.num_events());
  EXPECT_EQ(a.activities(), b.activities());
  ASSERT_EQ(a.strings().size(), b.strings().size());
  for (uint32_t i = 0; i < a.strings().size(); ++i) {
    ASSERT_EQ(a.strings()[i], b.strings()[i]) << "string " << i;
  }
  for (size_t c = 0; c < a.num_cases(); ++c) {
    ASSERT_EQ(a.case_id(c), b.case_id(c));
    ASSERT_EQ(a.case_begin(c), b.case_begin(c));
  }
  const auto same = [](auto x, auto y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end());
  };
  EXPECT_TRUE(same(a.activity(), b.activity()));
  EXPECT_TRUE(same(a.timestamp(), b.timestamp()));
  EXPECT_TRUE(same(a.resource(), b.resource()));
  EXPECT_TRUE(same(a.lifecycle(), b.lifecycle()));
  for (const auto* columns : {&a.event_columns(), &a.case_columns()}) {
    const auto& other =
        columns == &a.event_columns() ? b.event_columns() : b.case_columns();
    ASSERT_EQ(columns->size(), other.size());
    for (size_t i = 0; i < columns->size(); ++i) {
      const AttributeColumn& x = (*columns)[i];
      const AttributeColumn& y = other[i];
      EXPECT_EQ(x.key, y.key);
      EXPECT_EQ(x.type, y.type) << x.key;
      EXPECT_EQ(x.strings, y.strings) << x.key;
      EXPECT_EQ(x.ints, y.ints) << x.key;
      EXPECT_EQ(x.floats.size(), y.floats.size()) << x.key;
      for (size_t r = 0; r < x.floats.size() && r < y.floats.size(); ++r) {
        EXPECT_EQ(x.Text(r, a), y.Text(r, b)) << x.key;
      }
      EXPECT_EQ(x.complex, y.complex) << x.key;
    }
  }
  EXPECT_EQ(a.complex_values(), b.complex_values());
  EXPECT_EQ(a.header(), b.header());
}

// Whether ReadLogParallel reads `path` whole.
inline bool ReadLogParallelReads(const std::string& path,
                                 const internal::ParallelXesOptions& options) {
  Result<std::unique_ptr<internal::InputFile>> file =
      internal::InputFile::Open(path);
  if (!file.ok()) {
    ADD_FAILURE() << file.status().ToString();
    return false;
  }
  LogBuilder builder;
  return internal::ReadLogParallel(**file, builder, options);
}

// The log ReadLogParallel builds from `path` (a part per chunk), or an
// empty one, with a failure, when it gives up.
inline EventLog ReadLogInParts(const std::string& path,
                               const internal::ParallelXesOptions& options,
                               ClassifierSpec classifier = {}) {
  LogBuilder builder(std::move(classifier));
  Result<std::unique_ptr<internal::InputFile>> file =
      internal::InputFile::Open(path);
  if (!file.ok()) {
    ADD_FAILURE() << file.status().ToString();
    return EventLog();
  }
  if (!internal::ReadLogParallel(**file, builder, options)) {
    ADD_FAILURE() << "the fast path gave up on " << path;
    return EventLog();
  }
  return builder.Finish();
}

// Checks that ReadLogParallel reads `path` whole, to exactly the log that
// AddTrace builds trace by trace, with every chunk size and thread count in
// the lists (chunks of 1 byte hold one trace each, so that every trace is
// a part of its own).
inline void ExpectPartsBuildTheLogOfAddTrace(
    const std::string& path, const std::vector<size_t>& chunk_sizes,
    const std::vector<int>& thread_counts,
    const ClassifierSpec& classifier = {}) {
  const EventLog expected = ReadLogSequentially(path, classifier);
  for (size_t chunk_bytes : chunk_sizes) {
    for (int threads : thread_counts) {
      SCOPED_TRACE(path + ", chunks of " + std::to_string(chunk_bytes) +
                   " bytes, " + std::to_string(threads) + " threads");
      ExpectSameLog(
          ReadLogInParts(path, {.threads = threads, .chunk_bytes = chunk_bytes},
                         classifier),
          expected);
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

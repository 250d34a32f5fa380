// One file per mistake in testdata/eventlog/invalid/, each with the exact
// status code, the line the message must name and what it must say.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "eventlog/csv.h"
#include "eventlog/log.h"
#include "eventlog/log_test_util.h"
#include "eventlog/xes.h"

namespace livesop::eventlog {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

const std::string kDir = LIVESOP_SOURCE_DIR "/testdata/eventlog/invalid/";

struct Expectation {
  const char* file;
  StatusCode code;
  int line;
  const char* says;
};

const Expectation kExpectations[] = {
    {"truncated.xes", StatusCode::kInvalidArgument, 34,
     "not well-formed XML: "},
    {"not-xml.xes", StatusCode::kInvalidArgument, 1,
     "not XML: the file does not start with '<'"},
    {"bad-date.xes", StatusCode::kInvalidArgument, 11,
     "attribute \"time:timestamp\": invalid timestamp \"30/12/2010 15:06\": "
     "the date is not YYYY-MM-DD; expected ISO 8601"},
    {"wrong-root.xes", StatusCode::kInvalidArgument, 3,
     "the root element is <definitions>; expected <log>"},
    {"attribute-without-key.xes", StatusCode::kInvalidArgument, 6,
     "<string> has no key"},
    {"wrong-field-count.csv", StatusCode::kInvalidArgument, 5,
     "5 fields, but the header has 4 columns"},
    {"missing-case-column.csv", StatusCode::kInvalidArgument, 1,
     "no case id column; the header has \"activity\", \"timestamp\", "
     "\"resource\"; accepted names are \"case:concept:name\", \"case_id\", "
     "\"case\", \"caseid\""},
    {"bad-timestamp.csv", StatusCode::kInvalidArgument, 3,
     "column \"timestamp\": invalid timestamp \"yesterday\""},
    {"empty-case-id.csv", StatusCode::kInvalidArgument, 4,
     "column \"case\": empty case id"},
    {"unclosed-quote.csv", StatusCode::kInvalidArgument, 3,
     "a quoted field is not closed by the end of the file"},
    {"stray-quote.csv", StatusCode::kInvalidArgument, 3,
     "a quote inside an unquoted field"},
    {"timestamp-format-mismatch.csv", StatusCode::kInvalidArgument, 4,
     "column \"time\": timestamp \"2010-12-30 16:10\" does not match the "
     "format \"%d/%m/%Y %H:%M\" detected from the first rows"},
    {"entity-reference.xes", StatusCode::kInvalidArgument, 10,
     "not well-formed XML: Entity 'who' not defined"},
    {"nested-too-deep.xes", StatusCode::kInvalidArgument, 12,
     "elements are nested more than 256 levels deep"},
    {"unknown-attribute-type.xes", StatusCode::kInvalidArgument, 11,
     "<decimal> (key \"cost\") is not an XES attribute type; use string, "
     "date, int, float, boolean, id, list or container"},
};

Status Read(const std::string& path) {
  if (std::filesystem::path(path).extension() == ".csv") {
    return ReadCsvContents(path).status;
  }
  return ReadXesContents(path).status;
}

TEST(InvalidInputTest, EachFileFailsWithItsCodeFileAndLine) {
  for (const Expectation& e : kExpectations) {
    const std::string path = kDir + e.file;
    ASSERT_TRUE(std::filesystem::exists(path)) << path;
    Status status = Read(path);
    EXPECT_EQ(status.code(), e.code) << e.file << ": " << status.ToString();
    EXPECT_THAT(status.message(),
                StartsWith(path + ":" + std::to_string(e.line) + ": "))
        << e.file;
    EXPECT_THAT(status.message(), HasSubstr(e.says)) << e.file;
    // ReadLog, whatever path it reads by, fails the same way.
    Result<EventLog> log = ReadLog(path);
    ASSERT_FALSE(log.ok()) << e.file;
    EXPECT_EQ(log.status().message(), status.message()) << e.file;
  }
}

TEST(InvalidInputTest, EveryFileHasAnExpectation) {
  std::set<std::string> expected;
  for (const Expectation& e : kExpectations) expected.insert(e.file);
  std::set<std::string> present;
  for (const auto& entry : std::filesystem::directory_iterator(kDir)) {
    present.insert(entry.path().filename().string());
  }
  EXPECT_EQ(present, expected);
}

}  // namespace
}  // namespace livesop::eventlog

// Data-driven tests of `livesop check`: every file in testdata/sop/valid/
// must check clean, and every case in testdata/sop/invalid/ must produce
// exactly the diagnostics its `# expect:` lines name (file, line, column,
// severity and code).
#include "sop/validate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <regex>

namespace livesop::sop {
namespace {

namespace fs = std::filesystem;

const fs::path kTestData = fs::path(LIVESOP_SOURCE_DIR) / "testdata" / "sop";

// The root file of each case: `NAME.yaml`, or `NAME/sop.yaml` for cases that
// span several files.
std::vector<fs::path> Cases(const fs::path& dir) {
  std::vector<fs::path> out;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_directory()) {
      out.push_back(entry.path() / "sop.yaml");
    } else if (entry.path().extension() == ".yaml") {
      out.push_back(entry.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Key(const std::string& file, int line, int column,
                const std::string& severity, const std::string& code) {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column) +
         " " + severity + " " + code;
}

// Reads `# expect: [FILE:]LINE:COL [warning] CODE` lines.
std::vector<std::string> Expected(const fs::path& root) {
  std::ifstream in(root);
  std::string line;
  std::vector<std::string> out;
  static const std::regex pattern(
      "#\\s*expect:\\s*(?:([^:\\s]+):)?(\\d+):(\\d+)\\s+(?:(warning)\\s+)?([a-"
      "z-]+)\\s*");
  while (std::getline(in, line)) {
    std::smatch m;
    if (!std::regex_match(line, m, pattern)) continue;
    std::string file = m[1].matched ? m[1].str() : root.filename().string();
    out.push_back(Key(file, std::stoi(m[2]), std::stoi(m[3]),
                      m[4].matched ? "warning" : "error", m[5]));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Actual(const fs::path& root, const LoadResult& r) {
  std::vector<std::string> out;
  for (const Diagnostic& d : r.diagnostics.items()) {
    std::string file = fs::path(d.location.file)
                           .lexically_relative(root.parent_path())
                           .string();
    out.push_back(Key(file, d.location.line, d.location.column,
                      SeverityName(d.severity), d.code));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Dump(const LoadResult& r) {
  std::string out;
  for (const Diagnostic& d : r.diagnostics.items()) {
    out += FormatDiagnostic(d) + "\n";
  }
  return out;
}

std::string CaseName(const testing::TestParamInfo<fs::path>& param_info) {
  const fs::path& root = param_info.param;
  std::string name = root.filename() == "sop.yaml"
                         ? root.parent_path().filename().string()
                         : root.stem().string();
  std::replace_if(
      name.begin(), name.end(), [](char c) { return !std::isalnum(c); }, '_');
  return name;
}

class InvalidSopTest : public testing::TestWithParam<fs::path> {};

TEST_P(InvalidSopTest, ReportsExactlyTheExpectedDiagnostics) {
  const fs::path root = GetParam();
  std::vector<std::string> expected = Expected(root);
  ASSERT_FALSE(expected.empty()) << root << " has no `# expect:` line";
  LoadResult result = Check(root.string());
  EXPECT_EQ(Actual(root, result), expected) << Dump(result);
  EXPECT_TRUE(result.diagnostics.has_errors());
  for (const Diagnostic& d : result.diagnostics.items()) {
    EXPECT_FALSE(d.message.empty());
  }
}

INSTANTIATE_TEST_SUITE_P(Testdata, InvalidSopTest,
                         testing::ValuesIn(Cases(kTestData / "invalid")),
                         CaseName);

TEST(InvalidSopTest, ThereAreAtLeastFortyCases) {
  EXPECT_GE(Cases(kTestData / "invalid").size(), 40u);
}

// Cases that are valid but deserve a warning: exact diagnostics, no errors.
class WarningSopTest : public testing::TestWithParam<fs::path> {};

TEST_P(WarningSopTest, ReportsExactlyTheExpectedWarnings) {
  const fs::path root = GetParam();
  std::vector<std::string> expected = Expected(root);
  ASSERT_FALSE(expected.empty()) << root << " has no `# expect:` line";
  LoadResult result = Check(root.string());
  EXPECT_EQ(Actual(root, result), expected) << Dump(result);
  EXPECT_FALSE(result.diagnostics.has_errors());
  EXPECT_GT(result.diagnostics.warning_count(), 0);
}

INSTANTIATE_TEST_SUITE_P(Testdata, WarningSopTest,
                         testing::ValuesIn(Cases(kTestData / "warnings")),
                         CaseName);

class ValidSopTest : public testing::TestWithParam<fs::path> {};

TEST_P(ValidSopTest, ChecksClean) {
  LoadResult result = Check(GetParam().string());
  EXPECT_FALSE(result.io_failure);
  EXPECT_EQ(result.diagnostics.error_count(), 0) << Dump(result);
  EXPECT_EQ(result.diagnostics.warning_count(), 0) << Dump(result);
  EXPECT_FALSE(result.definition.sop.id.empty());
  EXPECT_FALSE(result.definition.processes.empty());
}

INSTANTIATE_TEST_SUITE_P(Testdata, ValidSopTest,
                         testing::ValuesIn(Cases(kTestData / "valid")),
                         CaseName);

TEST(ExampleSopTest, TheMarketingOpsExampleIsValid) {
  const fs::path root =
      fs::path(LIVESOP_SOURCE_DIR) / "examples" / "marketing-ops" / "sop.yaml";
  LoadResult result = Check(root.string());
  EXPECT_EQ(result.diagnostics.error_count(), 0) << Dump(result);
  const Definition& def = result.definition;
  EXPECT_EQ(def.sop.id, "marketing-ops");
  EXPECT_GE(def.processes.size(), 4u);
  EXPECT_GE(def.people.size(), 20u);
  EXPECT_GE(def.campaign_types.size(), 3u);
  EXPECT_FALSE(def.approval_matrices.empty());
  EXPECT_GE(def.escalations.size(), 3u);
}

}  // namespace
}  // namespace livesop::sop

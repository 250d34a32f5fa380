#include "core/diagnostic.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace livesop {
namespace {

TEST(DiagnosticTest, FormatsCompilerStyle) {
  Diagnostic d{{"sop.yaml", 12, 5},
               Severity::kError,
               "unknown-key",
               "unknown key `aprovers`",
               "did you mean `approvers`?",
               ""};
  EXPECT_EQ(FormatDiagnostic(d),
            "sop.yaml:12:5: error[unknown-key]: unknown key `aprovers`\n"
            "  hint: did you mean `approvers`?");
  d.hint.clear();
  d.location.column = 0;
  d.severity = Severity::kWarning;
  EXPECT_EQ(FormatDiagnostic(d),
            "sop.yaml:12: warning[unknown-key]: unknown key `aprovers`");
}

TEST(DiagnosticTest, SortsDedupesAndCounts) {
  DiagnosticList list;
  list.Error({"b.yaml", 1, 1}, "x", "m");
  list.Warning({"a.yaml", 9, 1}, "w", "m");
  list.Error({"a.yaml", 2, 3}, "y", "m");
  list.Error({"a.yaml", 2, 3}, "y", "m");
  list.SortAndDedupe();
  ASSERT_EQ(list.items().size(), 3u);
  EXPECT_EQ(list.items()[0].code, "y");
  EXPECT_EQ(list.items()[1].code, "w");
  EXPECT_EQ(list.items()[2].location.file, "b.yaml");
  EXPECT_EQ(list.error_count(), 2);
  EXPECT_EQ(list.warning_count(), 1);
  EXPECT_TRUE(list.has_errors());
}

TEST(DiagnosticTest, FirstErrorSkipsWarnings) {
  DiagnosticList list;
  EXPECT_EQ(list.FirstError(), nullptr);
  list.Warning({"a.yaml", 1, 1}, "w", "m");
  EXPECT_EQ(list.FirstError(), nullptr);
  list.Error({"a.yaml", 4, 2}, "x", "first");
  list.Error({"a.yaml", 2, 1}, "y", "second");
  ASSERT_NE(list.FirstError(), nullptr);
  EXPECT_EQ(list.FirstError()->code, "x");
}

TEST(DiagnosticTest, JsonHasEveryField) {
  DiagnosticList list;
  list.Error({"s.yaml", 3, 4}, "duplicate-id", "twice", "rename",
             "roles[1].id");
  nlohmann::json j = DiagnosticsToJson(list);
  ASSERT_EQ(j["diagnostics"].size(), 1u);
  EXPECT_EQ(j["diagnostics"][0]["line"], 3);
  EXPECT_EQ(j["diagnostics"][0]["column"], 4);
  EXPECT_EQ(j["diagnostics"][0]["severity"], "error");
  EXPECT_EQ(j["diagnostics"][0]["path"], "roles[1].id");
  EXPECT_EQ(j["summary"]["errors"], 1);
  EXPECT_EQ(j["summary"]["warnings"], 0);
}

}  // namespace
}  // namespace livesop

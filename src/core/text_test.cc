#include "core/text.h"

#include <gtest/gtest.h>

namespace livesop {
namespace {

TEST(TextTest, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3);
  EXPECT_EQ(EditDistance("steps", "stpes"), 1);  // a transposition
  EXPECT_EQ(EditDistance("nmae", "name"), 1);
  EXPECT_EQ(EditDistance("abc", ""), 3);
}

TEST(TextTest, ClosestMatchSuggestsPlausibleTyposOnly) {
  std::vector<std::string> keys = {"approvers", "quorum", "next", "sla"};
  EXPECT_EQ(ClosestMatch("aprovers", keys), "approvers");
  EXPECT_EQ(ClosestMatch("qorum", keys), "quorum");
  EXPECT_EQ(ClosestMatch("nxt", keys), "next");
  EXPECT_EQ(ClosestMatch("completely-different", keys), "");
}

TEST(TextTest, JoinAndTrim) {
  EXPECT_EQ(Join({"a", "b", "c"}, ", "), "a, b, c");
  EXPECT_EQ(Join({}, ", "), "");
  EXPECT_EQ(Trim("  x y \n"), "x y");
  EXPECT_EQ(Trim("   "), "");
}

TEST(HtmlEscapeTest, EscapesMarkupAndDropsControls) {
  EXPECT_EQ(HtmlEscape("<b a=\"1\">R&D</b>"),
            "&lt;b a=&quot;1&quot;&gt;R&amp;D&lt;/b&gt;");
  EXPECT_EQ(HtmlEscape("tab\tline\nbell\a del\x7f it's"),
            "tab\tline\nbell del it's");
  EXPECT_EQ(HtmlEscape(""), "");
}

}  // namespace
}  // namespace livesop

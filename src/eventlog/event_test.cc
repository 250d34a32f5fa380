#include "eventlog/event.h"

#include <gtest/gtest.h>

namespace livesop::eventlog {
namespace {

TEST(EventTest, FindAttributeReturnsTheFirstWithTheKey) {
  const Event event = {{"concept:name", AttributeType::kString, "decide"},
                       {"cost", AttributeType::kInt, "200"},
                       {"cost", AttributeType::kInt, "300"}};
  const Attribute* cost = FindAttribute(event, "cost");
  ASSERT_NE(cost, nullptr);
  EXPECT_EQ(cost->value, "200");
  EXPECT_EQ(cost->type, AttributeType::kInt);
  EXPECT_EQ(FindAttribute(event, "Cost"), nullptr);  // keys are exact
  EXPECT_EQ(FindAttribute({}, "cost"), nullptr);
}

TEST(EventTest, AttributeValueFallsBackWhenAbsent) {
  const Event event = {
      {std::string(kActivityKey), AttributeType::kString, "decide"},
      {std::string(kResourceKey), AttributeType::kString, ""}};
  EXPECT_EQ(AttributeValue(event, kActivityKey), "decide");
  EXPECT_EQ(AttributeValue(event, kResourceKey, "nobody"), "");
  EXPECT_EQ(AttributeValue(event, kRoleKey, "nobody"), "nobody");
  EXPECT_EQ(AttributeValue(event, kRoleKey), "");
}

TEST(EventTest, TypeNamesAreTheXesElementNames) {
  EXPECT_EQ(AttributeTypeName(AttributeType::kString), "string");
  EXPECT_EQ(AttributeTypeName(AttributeType::kDate), "date");
  EXPECT_EQ(AttributeTypeName(AttributeType::kInt), "int");
  EXPECT_EQ(AttributeTypeName(AttributeType::kFloat), "float");
  EXPECT_EQ(AttributeTypeName(AttributeType::kBoolean), "boolean");
  EXPECT_EQ(AttributeTypeName(AttributeType::kId), "id");
}

TEST(EventTest, StandardExtensionsUseTheIeee1849Uris) {
  const std::vector<Extension>& extensions = StandardExtensions();
  ASSERT_EQ(extensions.size(), 4u);
  EXPECT_EQ(extensions[0], (Extension{"Concept", "concept",
                                      "http://www.xes-standard.org/"
                                      "concept.xesext"}));
  EXPECT_EQ(extensions[1].uri, "http://www.xes-standard.org/time.xesext");
  EXPECT_EQ(extensions[2].prefix, "lifecycle");
  EXPECT_EQ(extensions[3].prefix, "org");
  EXPECT_EQ(extensions[3].name, "Organizational");
  // Every standard key is covered by one of them.
  for (std::string_view key :
       {kActivityKey, kTimestampKey, kLifecycleKey, kResourceKey, kRoleKey}) {
    bool covered = false;
    for (const Extension& e : extensions) {
      covered = covered || key.substr(0, key.find(':')) == e.prefix;
    }
    EXPECT_TRUE(covered) << key;
  }
}

}  // namespace
}  // namespace livesop::eventlog

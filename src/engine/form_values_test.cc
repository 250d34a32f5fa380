// Conversion of typed text to form values, on the example department's
// Campaign Request Form (text, number, money, boolean, multi-choice, date,
// person and file fields) and on a hand-built SOP for what a validated one
// cannot contain.
#include "engine/form_values.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;
using testing::AllOf;
using testing::HasSubstr;

Result<Json> Convert(const std::vector<FieldText>& texts,
                     const std::string& type = "product-launch") {
  return FormValuesFromText(ExampleSop(), type, texts);
}

TEST(FormValuesTest, ConvertsEachFieldByItsType) {
  Result<Json> values = Convert({
      {"campaign_name", "Spring launch"},
      {"budget", "75000000"},
      {"expected_attendees", "250.5"},
      {"urgent", "yes"},
      {"channels", " instagram, email ,,web "},
      {"launch_date", "2026-06-01"},
      {"requester", "intan-permata"},
      {"campaign_brief", "https://drive.example.com/brief"},
  });
  ASSERT_TRUE(values.ok()) << values.status().ToString();
  EXPECT_EQ(*values, Json({
                         {"campaign_name", "Spring launch"},
                         {"budget", 75000000},
                         {"expected_attendees", 250.5},
                         {"urgent", true},
                         {"channels", {"instagram", "email", "web"}},
                         {"launch_date", "2026-06-01"},
                         {"requester", "intan-permata"},
                         {"campaign_brief", "https://drive.example.com/brief"},
                     }));
  EXPECT_TRUE((*values)["budget"].is_number_integer());
}

TEST(FormValuesTest, NoTextsGiveAnEmptyObject) {
  Result<Json> values = Convert({});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, Json::object());
}

TEST(FormValuesTest, ReadsNumbersWithSignsAndExponents) {
  for (const auto& [text, expected] :
       std::vector<std::pair<std::string, Json>>{{"+12", Json(12)},
                                                 {"-3", Json(-3)},
                                                 {"1.5e6", Json(1.5e6)},
                                                 {" 42 ", Json(42)},
                                                 {"0.25", Json(0.25)}}) {
    Result<Json> values = Convert({{"budget", text}});
    ASSERT_TRUE(values.ok()) << text << ": " << values.status().ToString();
    EXPECT_EQ((*values)["budget"], expected) << text;
  }
}

TEST(FormValuesTest, RefusesTextThatIsNotANumberNamingTheField) {
  for (const std::string text :
       {"75jt", "75,000,000", "1e999", "nan", "inf", "0x10", "12 000", "+"}) {
    Result<Json> values = Convert({{"budget", text}});
    EXPECT_EQ(values.status().code(), StatusCode::kInvalidArgument) << text;
    EXPECT_THAT(
        values.status().message(),
        AllOf(HasSubstr("\"budget\""), HasSubstr("(money)"), HasSubstr(text)))
        << text;
  }
  Result<Json> count = Convert({{"expected_attendees", "many"}});
  EXPECT_THAT(
      count.status().message(),
      AllOf(HasSubstr("\"expected_attendees\""), HasSubstr("(number)")));
}

TEST(FormValuesTest, ReadsBooleansInAnyCase) {
  for (const auto& [text, expected] :
       std::vector<std::pair<std::string, bool>>{{"true", true},
                                                 {"YES", true},
                                                 {"Yes", true},
                                                 {"false", false},
                                                 {"No", false},
                                                 {"FALSE", false}}) {
    Result<Json> values = Convert({{"urgent", text}});
    ASSERT_TRUE(values.ok()) << text;
    EXPECT_EQ((*values)["urgent"], Json(expected)) << text;
  }
  Result<Json> values = Convert({{"urgent", "1"}});
  EXPECT_EQ(values.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(
      values.status().message(),
      AllOf(HasSubstr("\"urgent\""), HasSubstr("true, false, yes or no")));
}

TEST(FormValuesTest, BlankTextIsNotFilledIn) {
  Result<Json> values =
      Convert({{"budget", ""}, {"channels", "  "}, {"campaign_name", " "}});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, Json({{"budget", nullptr},
                           {"channels", nullptr},
                           {"campaign_name", nullptr}}));
}

TEST(FormValuesTest, AListOfOnlyCommasIsEmpty) {
  Result<Json> values = Convert({{"channels", ", ,"}});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ((*values)["channels"], Json::array());
}

TEST(FormValuesTest, TextKeepsItsSpacesAndCommas) {
  Result<Json> values = Convert({{"key_message", " Fast, light, yours "}});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ((*values)["key_message"], " Fast, light, yours ");
}

TEST(FormValuesTest, TheLastTextOfAFieldWins) {
  Result<Json> values = Convert({{"budget", "1"}, {"budget", "2"}});
  ASSERT_TRUE(values.ok());
  EXPECT_EQ(*values, Json({{"budget", 2}}));
}

TEST(FormValuesTest, AnUnknownFieldIsNamedWithTheFormsFields) {
  Result<Json> values = Convert({{"budgte", "5"}});
  EXPECT_EQ(values.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(values.status().message(),
              AllOf(HasSubstr("unknown field \"budgte\""),
                    HasSubstr("did you mean \"budget\"?"),
                    HasSubstr("campaign-request"),
                    HasSubstr("campaign_name, campaign_code"),
                    HasSubstr("ooh_locations")));

  Result<Json> far = Convert({{"colour", "red"}});
  EXPECT_THAT(far.status().message(),
              AllOf(HasSubstr("unknown field \"colour\""),
                    testing::Not(HasSubstr("did you mean"))));
}

TEST(FormValuesTest, AnUnknownCampaignTypeListsTheKnownOnes) {
  Result<Json> values = Convert({}, "webinar");
  EXPECT_EQ(values.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(values.status().message(),
              AllOf(HasSubstr("\"webinar\""),
                    HasSubstr("product-launch, event, seasonal")));
}

TEST(FormValuesTest, ATypeWithoutItsFormIsAnSopProblem) {
  sop::Definition sop;
  sop::CampaignType type;
  type.id = "newsletter";
  type.form = "missing-form";
  sop.campaign_types.push_back(type);
  Result<Json> values = FormValuesFromText(sop, "newsletter", {{"a", "b"}});
  EXPECT_EQ(values.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(values.status().message(), HasSubstr("missing-form"));
}

}  // namespace
}  // namespace livesop::engine

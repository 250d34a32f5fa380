// Intake checks on the example department's real forms, and on small
// hand-built forms for what a validated SOP cannot contain (a bad pattern,
// a rule naming a missing field). Business time here is calendar time (a
// day is 24 hours, a week 7 days): the engine injects the SOP's business
// calendar, and these tests are about the checks, not the calendar.
#include "engine/intake.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "core/calendar.h"
#include "core/time.h"
#include "engine/facts.h"
#include "engine/sample.h"
#include "engine/test_util.h"
#include "sop/loader.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;
using testing::Pair;

constexpr int64_t kMinute = int64_t{60} * 1000 * 1000;
constexpr int64_t kDay = 24 * 60 * kMinute;

int64_t CalendarAdd(int64_t start, const sop::BusinessDuration& d) {
  switch (d.unit) {
    case sop::BusinessDuration::Unit::kMinutes:
      return start + d.amount * kMinute;
    case sop::BusinessDuration::Unit::kHours:
      return start + d.amount * 60 * kMinute;
    case sop::BusinessDuration::Unit::kDays:
      return start + d.amount * kDay;
    case sop::BusinessDuration::Unit::kWeeks:
      return start + d.amount * 7 * kDay;
  }
  return start;
}

int64_t At(const std::string& text) {
  Result<int64_t> at = ParseTimestamp(text);
  EXPECT_TRUE(at.ok()) << text;
  return at.ok() ? *at : 0;
}

std::string Day(int64_t at) { return FormatTimestamp(at).substr(0, 10); }

// Monday 2026-01-05, 09:00 in Jakarta: a morning submission, not midnight.
const int64_t kNow = At("2026-01-05T02:00:00Z");

const sop::Definition& Example() { return ExampleSop(); }

const sop::CampaignType& TypeOf(const sop::Definition& sop,
                                const std::string& id) {
  for (const sop::CampaignType& t : sop.campaign_types) {
    if (t.id == id) return t;
  }
  ADD_FAILURE() << "no campaign type " << id;
  return sop.campaign_types.front();
}

// A complete, valid request for `type` (engine/sample.h): every field
// filled in (optional ones too, so each is checked), the launch nine weeks
// out, clear of the lead times, the date rules and the freeze periods.
Json ValidValues(const sop::Definition& sop, const sop::Form& /*form*/,
                 const std::string& type) {
  static const WorkCalendar calendar = DefaultCalendar(Example());
  return SampleRequest(sop, type, kNow, calendar);
}

Json ValidRequest(const std::string& type) {
  const sop::Definition& sop = Example();
  return ValidValues(sop, *sop.FindForm(TypeOf(sop, type).form), type);
}

IntakeReport Check(const std::string& type, const Json& values,
                   const sop::Definition& sop = Example()) {
  return CheckRequest(sop, type, values, kNow, CalendarAdd);
}

// (field, code) of each finding, in order.
std::vector<std::pair<std::string, std::string>> Codes(
    const std::vector<FieldProblem>& problems) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const FieldProblem& p : problems) out.emplace_back(p.field, p.code);
  return out;
}

// Checks `type`'s valid request with `field` set to `value`.
std::vector<std::pair<std::string, std::string>> With(const std::string& type,
                                                      const std::string& field,
                                                      const Json& value) {
  Json values = ValidRequest(type);
  values[field] = value;
  return Codes(Check(type, values).problems);
}

// A definition with one campaign type "t" on one form "f".
sop::Definition HandBuilt(std::vector<sop::FormField> fields,
                          std::vector<sop::FormRule> rules = {}) {
  sop::Definition sop;
  sop::Form form;
  form.id = "f";
  form.name = "Test Form";
  form.fields = std::move(fields);
  form.rules = std::move(rules);
  sop.forms.push_back(std::move(form));
  sop::CampaignType type;
  type.id = "t";
  type.name = "Test";
  type.form = "f";
  sop.campaign_types.push_back(type);
  return sop;
}

sop::FormField Field(const std::string& id, sop::FieldType type) {
  sop::FormField f;
  f.id = id;
  f.label = id;
  f.type = type;
  return f;
}

sop::BusinessDuration Days(int64_t n) {
  sop::BusinessDuration d;
  d.amount = n;
  d.unit = sop::BusinessDuration::Unit::kDays;
  d.text = std::to_string(n) + "d";
  return d;
}

TEST(IntakeTest, CompleteRequestOfEveryExampleCampaignTypePasses) {
  ASSERT_GE(Example().campaign_types.size(), 5u);
  for (const sop::CampaignType& type : Example().campaign_types) {
    const IntakeReport report = Check(type.id, ValidRequest(type.id));
    EXPECT_TRUE(report.ok())
        << type.id << ": " << IntakeReportToJson(report).dump(2);
    EXPECT_THAT(report.notes, IsEmpty()) << type.id;
  }
}

TEST(IntakeTest, CompleteRequestOnTheOtherExampleFormsPasses) {
  sop::Definition sop = Example();
  for (const char* form : {"design-request", "template-request"}) {
    ASSERT_NE(sop.FindForm(form), nullptr) << form;
    sop::CampaignType type;
    type.id = std::string("on-") + form;
    type.name = form;
    type.form = form;
    sop.campaign_types.push_back(type);
    const IntakeReport report =
        Check(type.id, ValidValues(sop, *sop.FindForm(form), type.id), sop);
    EXPECT_TRUE(report.ok())
        << form << ": " << IntakeReportToJson(report).dump(2);
  }
}

TEST(IntakeTest, UnknownCampaignTypeIsOneProblemListingTheKnownOnes) {
  const IntakeReport report = Check("evnt", Json::object());
  ASSERT_THAT(Codes(report.problems),
              ElementsAre(Pair("campaign_type", "unknown-campaign-type")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("Did you mean \"event\""));
  EXPECT_THAT(report.problems[0].message,
              HasSubstr("product-launch, event, seasonal, always-on, "
                        "partnership"));
}

TEST(IntakeTest, UnknownFieldSuggestsTheClosestField) {
  Json values = ValidRequest("product-launch");
  values["campain_name"] = "Spring";
  const IntakeReport report = Check("product-launch", values);
  ASSERT_THAT(Codes(report.problems),
              ElementsAre(Pair("campain_name", "unknown-field")));
  EXPECT_THAT(report.problems[0].message,
              HasSubstr("Did you mean \"campaign_name\"?"));
}

TEST(IntakeTest, AbsentNullBlankAndEmptyValuesAreMissing) {
  for (const Json& empty : {Json(), Json(""), Json("  \t"), Json::array()}) {
    EXPECT_THAT(With("product-launch", "campaign_name", empty),
                ElementsAre(Pair("campaign_name", "required")))
        << empty.dump();
  }
  Json values = ValidRequest("product-launch");
  values.erase("key_message");
  const IntakeReport report = Check("product-launch", values);
  ASSERT_THAT(Codes(report.problems),
              ElementsAre(Pair("key_message", "required")));
  EXPECT_EQ(report.problems[0].message, "Key message is required.");
}

TEST(IntakeTest, TextFields) {
  EXPECT_THAT(With("product-launch", "campaign_name", std::string(121, 'a')),
              ElementsAre(Pair("campaign_name", "too-long")));
  // Characters, not bytes: 120 two-byte letters fit a 120-character field.
  std::string accented;
  for (int i = 0; i < 120; ++i) accented += "é";
  EXPECT_THAT(With("product-launch", "campaign_name", accented), IsEmpty());
  EXPECT_THAT(With("product-launch", "campaign_name", 42),
              ElementsAre(Pair("campaign_name", "not-text")));
  EXPECT_THAT(
      With("product-launch", "strategic_outline", std::string(3001, 'x')),
      ElementsAre(Pair("strategic_outline", "too-long")));
  EXPECT_THAT(With("product-launch", "cost_center", "CC-12"),
              ElementsAre(Pair("cost_center", "pattern")));
  EXPECT_THAT(With("product-launch", "campaign_code", "MKT-26-1"),
              ElementsAre(Pair("campaign_code", "pattern")));
}

TEST(IntakeTest, PatternMessageQuotesTheValueThePatternAndTheHelp) {
  Json values = ValidRequest("product-launch");
  values["campaign_code"] = "MKT-26-1";
  const IntakeReport report = Check("product-launch", values);
  ASSERT_EQ(report.problems.size(), 1u);
  EXPECT_EQ(report.problems[0].message,
            "Campaign code \"MKT-26-1\" does not have the expected form "
            "^MKT-20[0-9]{2}-[0-9]{3}$. Assigned by Marketing Ops in Asana "
            "(MKT-YYYY-NNN); leave empty for a new campaign.");
}

TEST(IntakeTest, AVeryLongValueOfAPatternedFieldIsRefusedWithoutMatching) {
  EXPECT_THAT(With("product-launch", "cost_center", std::string(100000, 'C')),
              ElementsAre(Pair("cost_center", "too-long")));
}

TEST(IntakeTest, PatternsMatchTheLongestValueTheyAccept) {
  sop::FormField words = Field("words", sop::FieldType::kText);
  words.pattern = "^([a-z]+ ?)*$";
  const sop::Definition sop = HandBuilt({words});
  std::string text;
  while (text.size() < 1000) text += "word ";
  text.resize(1000);
  EXPECT_TRUE(Check("t", {{"words", text}}, sop).ok());
  EXPECT_THAT(Codes(Check("t", {{"words", text + "x"}}, sop).problems),
              ElementsAre(Pair("words", "too-long")));
}

TEST(IntakeTest, NumberFields) {
  EXPECT_THAT(With("event", "expected_attendees", "120"),
              ElementsAre(Pair("expected_attendees", "not-a-number")));
  EXPECT_THAT(With("event", "expected_attendees", true),
              ElementsAre(Pair("expected_attendees", "not-a-number")));
  EXPECT_THAT(With("event", "expected_attendees", 9),
              ElementsAre(Pair("expected_attendees", "below-min")));
  EXPECT_THAT(With("event", "expected_attendees", 20001),
              ElementsAre(Pair("expected_attendees", "above-max")));
  EXPECT_THAT(With("event", "expected_attendees", 20000), IsEmpty());
}

TEST(IntakeTest, MoneyFieldsAreNumbersInTheFieldsCurrency) {
  Json values = ValidRequest("seasonal");
  values["budget"] = 500;
  IntakeReport report = Check("seasonal", values);
  ASSERT_THAT(Codes(report.problems), ElementsAre(Pair("budget", "below-min")));
  EXPECT_EQ(report.problems[0].message,
            "Total campaign budget must be at least IDR 1,000,000; IDR 500 "
            "is less.");
  EXPECT_THAT(With("seasonal", "budget", 2e10 + 1),
              ElementsAre(Pair("budget", "above-max")));
  EXPECT_THAT(With("seasonal", "budget", "USD 5000"),
              ElementsAre(Pair("budget", "wrong-currency")));
  EXPECT_THAT(
      With("seasonal", "budget", Json{{"amount", 5}, {"currency", "eur"}}),
      ElementsAre(Pair("budget", "wrong-currency")));
  EXPECT_THAT(With("seasonal", "budget", "5000000"),
              ElementsAre(Pair("budget", "not-a-number")));
  EXPECT_THAT(With("seasonal", "budget", "IDR 5000000"),
              ElementsAre(Pair("budget", "not-a-number")));
}

TEST(IntakeTest, DateFields) {
  EXPECT_THAT(With("product-launch", "brief_date", "next week"),
              ElementsAre(Pair("brief_date", "not-a-date")));
  EXPECT_THAT(With("product-launch", "brief_date", 20260105),
              ElementsAre(Pair("brief_date", "not-a-date")));
  EXPECT_THAT(With("product-launch", "brief_date", "2026-02-30"),
              ElementsAre(Pair("brief_date", "not-a-date")));
  // A date and time is an instant too.
  EXPECT_THAT(With("product-launch", "brief_date", "2026-01-05T10:00:00+07:00"),
              IsEmpty());
}

TEST(IntakeTest, ChoiceFields) {
  Json values = ValidRequest("product-launch");
  values["objective"] = "awarness";
  const IntakeReport report = Check("product-launch", values);
  ASSERT_THAT(Codes(report.problems),
              ElementsAre(Pair("objective", "not-an-option")));
  EXPECT_THAT(report.problems[0].message,
              HasSubstr("Did you mean \"awareness\"?"));
  EXPECT_THAT(With("product-launch", "objective", 1),
              ElementsAre(Pair("objective", "not-an-option")));
}

TEST(IntakeTest, MultiChoiceFields) {
  EXPECT_THAT(With("product-launch", "channels", "instagram"),
              ElementsAre(Pair("channels", "not-a-list")));
  EXPECT_THAT(With("product-launch", "channels", {"instagram", "fax", 3}),
              ElementsAre(Pair("channels", "not-an-option"),
                          Pair("channels", "not-an-option")));
  EXPECT_THAT(With("product-launch", "channels", {"email", "email"}),
              ElementsAre(Pair("channels", "duplicate-option")));

  sop::FormField tags = Field("tags", sop::FieldType::kMultiChoice);
  tags.options = {"a", "b", "c", "d"};
  tags.min = 2;
  tags.max = 3;
  const sop::Definition sop = HandBuilt({tags});
  EXPECT_THAT(Codes(Check("t", {{"tags", {"a"}}}, sop).problems),
              ElementsAre(Pair("tags", "too-few")));
  EXPECT_THAT(Codes(Check("t", {{"tags", {"a", "b", "c", "d"}}}, sop).problems),
              ElementsAre(Pair("tags", "too-many")));
  EXPECT_THAT(Codes(Check("t", {{"tags", {"a", "b", "c"}}}, sop).problems),
              IsEmpty());
}

TEST(IntakeTest, FilePersonAndBooleanFields) {
  EXPECT_THAT(With("product-launch", "campaign_brief", 42),
              ElementsAre(Pair("campaign_brief", "not-a-file")));
  EXPECT_THAT(With("product-launch", "attachments", {"swot.pdf", ""}),
              ElementsAre(Pair("attachments", "not-a-file")));
  EXPECT_THAT(With("product-launch", "attachments", {"swot.pdf", "brief.pdf"}),
              IsEmpty());
  EXPECT_THAT(With("product-launch", "requester", "nobody-at-all"),
              ElementsAre(Pair("requester", "unknown-person")));
  EXPECT_THAT(With("product-launch", "urgent", "yes"),
              ElementsAre(Pair("urgent", "not-a-boolean")));
}

TEST(IntakeTest, DateOrderRulesCountBusinessTimeFromTheEarlierDate) {
  // launch-after-brief: two weeks from the brief to the launch.
  Json values = ValidRequest("product-launch");
  values["brief_date"] = Day(kNow + 57 * kDay);  // launch is at +63 days
  IntakeReport report = Check("product-launch", values);
  ASSERT_THAT(Codes(report.problems), ElementsAre(Pair("launch_date", "rule")));
  EXPECT_EQ(report.problems[0].rule, "launch-after-brief");
  EXPECT_EQ(report.problems[0].message,
            "The launch date must be at least two working weeks after the "
            "brief date. The earliest possible date is 2026-03-17.");

  // event-after-launch: the event two weeks after the launch.
  values = ValidRequest("event");
  values["event_date"] = Day(kNow + 70 * kDay);
  report = Check("event", values);
  ASSERT_THAT(Codes(report.problems), ElementsAre(Pair("event_date", "rule")));
  EXPECT_EQ(report.problems[0].rule, "event-after-launch");
}

TEST(IntakeTest, DateOrderFromTheSubmission) {
  // minimum-notice holds even for an urgent request, whose lead time is
  // only a note.
  Json values = ValidRequest("always-on");
  values["brief_date"] = Day(kNow - 20 * kDay);
  values["launch_date"] = Day(kNow + 3 * kDay);
  values["urgent"] = true;
  const IntakeReport report = Check("always-on", values);
  ASSERT_THAT(Codes(report.problems), ElementsAre(Pair("launch_date", "rule")));
  EXPECT_EQ(report.problems[0].rule, "minimum-notice");
  // Submitted at 02:00Z plus five days: midnight of the 10th is too early.
  EXPECT_THAT(report.problems[0].message,
              HasSubstr("The earliest possible date is 2026-01-11."));
  EXPECT_THAT(Codes(report.notes),
              ElementsAre(Pair("launch_date", "lead-time")));
}

TEST(IntakeTest, CompareRuleUsesTheSopMessage) {
  Json values = ValidRequest("product-launch");
  values["end_date"] = Day(kNow + 62 * kDay);
  const IntakeReport report = Check("product-launch", values);
  ASSERT_THAT(Codes(report.problems), ElementsAre(Pair("end_date", "rule")));
  EXPECT_EQ(report.problems[0].rule, "end-after-launch");
  EXPECT_EQ(report.problems[0].message,
            "The campaign cannot end before it launches.");
  values["end_date"] = values["launch_date"];
  EXPECT_TRUE(Check("product-launch", values).ok());
}

TEST(IntakeTest, HandBuiltRulesWithoutMessagesExplainThemselves) {
  sop::FormRule order;
  order.id = "order";
  order.kind = "date_order";
  order.earlier = "start";
  order.later = "finish";
  order.min_gap = Days(3);
  sop::FormRule cap;
  cap.id = "cap";
  cap.kind = "compare";
  cap.left = "spend";
  cap.op = "<=";
  cap.right = "100";
  sop::FormRule within;
  within.id = "within";
  within.kind = "compare";
  within.left = "spend";
  within.op = "<";
  within.right = "limit";
  const sop::Definition sop =
      HandBuilt({Field("start", sop::FieldType::kDate),
                 Field("finish", sop::FieldType::kDate),
                 Field("spend", sop::FieldType::kNumber),
                 Field("limit", sop::FieldType::kNumber)},
                {order, cap, within});

  const IntakeReport report = Check("t",
                                    {{"start", "2026-02-02"},
                                     {"finish", "2026-02-04"},
                                     {"spend", 150},
                                     {"limit", 120}},
                                    sop);
  ASSERT_THAT(Codes(report.problems),
              ElementsAre(Pair("finish", "rule"), Pair("spend", "rule"),
                          Pair("spend", "rule")));
  EXPECT_EQ(report.problems[0].message,
            "finish (2026-02-04) must be at least 3d of business time after "
            "start (2026-02-02). The earliest possible date is 2026-02-05.");
  EXPECT_EQ(report.problems[1].message, "spend (150) must be <= 100.");
  EXPECT_EQ(report.problems[2].message, "spend (150) must be < limit (120).");

  // A rule whose fields are empty does not apply.
  EXPECT_TRUE(Check("t", {{"spend", 10}}, sop).ok());
}

TEST(IntakeTest, LeadTimeNamesTheEarliestFeasibleLaunchDate) {
  // Product launch: 6w, here 42 calendar days from 2026-01-05T02:00Z, so
  // the first whole date at or after it is 2026-02-17.
  Json values = ValidRequest("product-launch");
  values["launch_date"] = "2026-02-16";
  values["end_date"] = "2026-03-31";
  IntakeReport report = Check("product-launch", values);
  ASSERT_THAT(Codes(report.problems),
              ElementsAre(Pair("launch_date", "lead-time")));
  EXPECT_EQ(report.problems[0].message,
            "Product Launch campaigns need 6w of business time from submission "
            "to launch; the earliest launch date is 2026-02-17.");

  values["launch_date"] = "2026-02-17";
  EXPECT_TRUE(Check("product-launch", values).ok());

  // The fast track is for requests that cannot meet the lead time.
  values["launch_date"] = "2026-02-16";
  values["urgent"] = true;
  values["urgency_reason"] = "Competitor launch";
  report = Check("product-launch", values);
  EXPECT_TRUE(report.ok()) << IntakeReportToJson(report).dump(2);
  EXPECT_THAT(Codes(report.notes),
              ElementsAre(Pair("launch_date", "lead-time")));
  EXPECT_THAT(report.notes[0].message, HasSubstr("fast track"));
}

TEST(IntakeTest, LaunchInAFreezePeriodIsANote) {
  Json values = ValidRequest("always-on");
  values["launch_date"] = "2026-03-20";
  values["end_date"] = "2026-03-31";
  values.erase("event_date");
  const IntakeReport report = Check("always-on", values);
  EXPECT_TRUE(report.ok()) << IntakeReportToJson(report).dump(2);
  ASSERT_THAT(Codes(report.notes),
              ElementsAre(Pair("launch_date", "freeze-period")));
  EXPECT_THAT(report.notes[0].message, HasSubstr("Lebaran freeze"));
}

TEST(IntakeTest, EveryProblemAtOnceInFormOrder) {
  Json values = ValidRequest("product-launch");
  values["notes"] = "call me";                 // not on the form: last
  values["end_date"] = Day(kNow + 10 * kDay);  // before the launch
  values["budget"] = 10;
  values["objective"] = "sales";
  values.erase("campaign_name");
  const IntakeReport report = Check("product-launch", values);
  EXPECT_THAT(Codes(report.problems),
              ElementsAre(Pair("campaign_name", "required"),
                          Pair("objective", "not-an-option"),
                          Pair("budget", "below-min"), Pair("end_date", "rule"),
                          Pair("notes", "unknown-field")));
}

TEST(IntakeTest, RequiredWhenOnlyWhenItsConditionHolds) {
  Json values = ValidRequest("product-launch");
  values.erase("urgency_reason");
  values.erase("finance_reference");
  values.erase("event_date");
  values.erase("event_venue");
  values.erase("expected_attendees");
  values.erase("print_quantity");
  EXPECT_TRUE(Check("product-launch", values).ok());
  values.erase("urgent");
  EXPECT_TRUE(Check("product-launch", values).ok());

  Json urgent = values;
  urgent["urgent"] = true;
  EXPECT_THAT(Codes(Check("product-launch", urgent).problems),
              ElementsAre(Pair("urgency_reason", "required")));

  Json large = values;
  large["budget"] = 250'000'000;  // the large band starts here
  EXPECT_THAT(Codes(Check("product-launch", large).problems),
              ElementsAre(Pair("finance_reference", "required")));
  large["budget"] = 249'999'999;
  EXPECT_TRUE(Check("product-launch", large).ok());

  Json print = values;
  print["channels"] = {"email", "print"};
  EXPECT_THAT(Codes(Check("product-launch", print).problems),
              ElementsAre(Pair("print_quantity", "required")));

  values.erase("campaign_type");
  const IntakeReport event = Check("event", values);
  EXPECT_THAT(Codes(event.problems),
              ElementsAre(Pair("event_date", "required"),
                          Pair("event_venue", "required"),
                          Pair("expected_attendees", "required")));
  EXPECT_EQ(event.problems[0].message,
            "Event date is required when campaign_type: event.");
}

TEST(IntakeTest, CampaignTypeFieldIsTheTypeSubmittedAs) {
  Json values = ValidRequest("event");
  values.erase("campaign_type");
  EXPECT_TRUE(Check("event", values).ok());
  values["campaign_type"] = "seasonal";
  EXPECT_THAT(Codes(Check("event", values).problems),
              ElementsAre(Pair("campaign_type", "type-mismatch")));
}

TEST(IntakeTest, BadPatternIsAProblemNotACrash) {
  sop::FormField code = Field("code", sop::FieldType::kText);
  code.pattern = "([A-Z";
  sop::FormField name = Field("name", sop::FieldType::kText);
  name.required = true;
  const sop::Definition sop = HandBuilt({code, name});
  const IntakeReport report = Check("t", {{"code", "AB"}}, sop);
  ASSERT_THAT(Codes(report.problems),
              ElementsAre(Pair("code", "sop-error"), Pair("name", "required")));
  EXPECT_THAT(report.problems[0].message, HasSubstr("([A-Z"));
}

TEST(IntakeTest, MissingReferencesInTheSopAreProblems) {
  sop::Definition sop = HandBuilt({Field("a", sop::FieldType::kDate)});
  sop.campaign_types[0].form = "gone";
  EXPECT_THAT(Codes(Check("t", Json::object(), sop).problems),
              ElementsAre(Pair("campaign_type", "sop-error")));

  sop::FormRule rule;
  rule.id = "r";
  rule.kind = "date_order";
  rule.earlier = "missing";
  rule.later = "a";
  sop::FormRule odd;
  odd.id = "odd";
  odd.kind = "sum";
  odd.left = "a";
  sop::FormField when = Field("b", sop::FieldType::kText);
  when.required_when = sop::Condition{};
  when.required_when->tests = {{"a", "[1..2"}};
  sop = HandBuilt({Field("a", sop::FieldType::kDate), when}, {rule, odd});
  sop.campaign_types[0].lead_time = Days(5);
  EXPECT_THAT(
      Codes(Check("t", {{"a", "2026-03-01"}}, sop).problems),
      ElementsAre(Pair("campaign_type", "sop-error"), Pair("a", "sop-error"),
                  Pair("a", "sop-error"), Pair("b", "sop-error")));
}

TEST(IntakeTest, ValuesMustBeAnObject) {
  EXPECT_THAT(Codes(Check("product-launch", Json::array()).problems),
              ElementsAre(Pair("", "not-an-object")));
  // No values at all: every required field is missing.
  const IntakeReport report = Check("product-launch", Json());
  EXPECT_GT(report.problems.size(), 10u);
  for (const FieldProblem& p : report.problems) EXPECT_EQ(p.code, "required");
}

TEST(IntakeTest, WithoutBusinessTimeTheGapsAreReportedOnce) {
  const IntakeReport report = CheckRequest(
      Example(), "product-launch", ValidRequest("product-launch"), kNow, {});
  EXPECT_THAT(Codes(report.problems),
              ElementsAre(Pair("launch_date", "no-calendar")));
}

TEST(IntakeTest, ArithmeticThatThrowsKeepsWhatWasFound) {
  Json values = ValidRequest("product-launch");
  values["objective"] = "sales";
  const IntakeReport report =
      CheckRequest(Example(), "product-launch", values, kNow,
                   [](int64_t, const sop::BusinessDuration&) -> int64_t {
                     throw std::runtime_error("calendar unavailable");
                   });
  EXPECT_THAT(Codes(report.problems),
              ElementsAre(Pair("objective", "not-an-option"),
                          Pair("", "internal-error")));
  EXPECT_THAT(report.problems[1].message, HasSubstr("calendar unavailable"));
}

TEST(IntakeTest, ReportAsJson) {
  IntakeReport report;
  report.problems.push_back({"end_date", "rule", "Ends too soon.", "r1"});
  report.notes.push_back({"launch_date", "freeze-period", "Frozen.", ""});
  EXPECT_EQ(IntakeReportToJson(report), Json::parse(R"({"ok": false,
              "problems": [{"field": "end_date", "code": "rule",
                            "message": "Ends too soon.", "rule": "r1"}],
              "notes": [{"field": "launch_date", "code": "freeze-period",
                         "message": "Frozen."}]})"));
  EXPECT_EQ(IntakeReportToJson(IntakeReport{})["ok"], true);
}

}  // namespace
}  // namespace livesop::engine

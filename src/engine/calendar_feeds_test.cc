// Calendar feeds behind secret URLs, on the example department: tokens are
// made once and kept only as hashes, a token renders its scope's calendar
// (read back with libical), and revoked, unknown and malformed tokens get
// one and the same NotFound.
#include "engine/calendar_feeds.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libical/ical.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::HasSubstr;
using testing::Not;

constexpr int64_t kDayUs = int64_t{86400} * 1000000;

// The VEVENT and VTODO counts of `ics` as libical parses it; -1 each when
// it is not one well-formed VCALENDAR.
struct Parsed {
  int events = -1;
  int todos = -1;
};
Parsed Parse(const std::string& ics) {
  icalcomponent* calendar = icalparser_parse_string(ics.c_str());
  Parsed out;
  if (calendar == nullptr) return out;
  if (icalcomponent_isa(calendar) == ICAL_VCALENDAR_COMPONENT &&
      icalcomponent_count_errors(calendar) == 0) {
    out.events =
        icalcomponent_count_components(calendar, ICAL_VEVENT_COMPONENT);
    out.todos = icalcomponent_count_components(calendar, ICAL_VTODO_COMPONENT);
  }
  icalcomponent_free(calendar);
  return out;
}

class CalendarFeedsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    ASSERT_TRUE(SubmitLaunch("c1").ok());
    owner_ = PersonFor("campaign-manager");
  }

  NewCalendarFeed Create(const std::string& kind, const std::string& id) {
    CalendarFeedRequest request;
    request.scope = {kind, id};
    request.label = "phone";
    request.created_by = "ops";
    Result<NewCalendarFeed> made =
        CreateCalendarFeed(*store_, ExampleSop(), request, clock_.NowMicros());
    EXPECT_TRUE(made.ok()) << made.status().ToString();
    return made.ok() ? *made : NewCalendarFeed();
  }

  Result<RenderedFeed> Render(const std::string& token) {
    return RenderCalendarFeed(*store_, ExampleSop(), token, clock_.NowMicros());
  }

  std::string owner_;
};

TEST(CalendarFeedTokenHashTest, IsSha256InHex) {
  EXPECT_EQ(CalendarFeedTokenHash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_F(CalendarFeedsTest, TokenIsShownOnceAndOnlyItsHashIsStored) {
  const NewCalendarFeed made = Create("person", owner_);
  EXPECT_EQ(made.token.size(), 43u);
  EXPECT_TRUE(std::all_of(made.token.begin(), made.token.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
  })) << made.token;
  EXPECT_THAT(made.feed.id, testing::MatchesRegex("cf_[0-9a-f]{16}"));
  EXPECT_EQ(made.feed.token_hash, CalendarFeedTokenHash(made.token));
  EXPECT_EQ(made.feed.scope_kind, "person");
  EXPECT_EQ(made.feed.scope_id, owner_);
  EXPECT_EQ(made.feed.label, "phone");
  EXPECT_EQ(made.feed.created_by, "ops");
  EXPECT_EQ(made.feed.created_us, clock_.NowMicros());
  Result<std::vector<store::CalendarFeed>> stored = store_->CalendarFeeds();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0], made.feed);
  EXPECT_NE((*stored)[0].token_hash, made.token);
  // Every feed gets a token of its own.
  EXPECT_NE(Create("person", owner_).token, made.token);
}

TEST_F(CalendarFeedsTest, TokenRendersItsScopesCalendar) {
  const NewCalendarFeed made = Create("person", owner_);
  Result<RenderedFeed> feed = Render(made.token);
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  EXPECT_EQ(feed->feed, made.feed);
  EXPECT_THAT(feed->ics,
              HasSubstr("X-WR-CALNAME:Marketing calendar of " + owner_));
  EXPECT_THAT(feed->ics, HasSubstr("UID:c1/launch@livesop"));
  EXPECT_THAT(feed->ics, HasSubstr("DTSTART;VALUE=DATE:20260401"));
  const Parsed parsed = Parse(feed->ics);
  EXPECT_EQ(parsed.events, feed->events);
  EXPECT_EQ(parsed.todos, feed->tasks);
  EXPECT_GT(feed->events, 3);

  // The same as the calendar command's feed of that scope and window
  // (30 days back, 365 ahead), but for the stamp.
  Result<CalendarInputs> inputs =
      ReadCalendarInputs(*store_, clock_.NowMicros());
  ASSERT_TRUE(inputs.ok());
  const CalendarScope scope{"person", owner_};
  Result<ScopedCalendar> scoped = BuildScopedCalendar(
      ExampleSop(), *inputs, scope, "2025-12-02", "2027-01-01", true);
  ASSERT_TRUE(scoped.ok()) << scoped.status().ToString();
  const int64_t stamp = inputs->campaigns[0].last_event_us;
  Result<std::string> expected = WriteICalendar(ScopedFeed(
      *scoped, *inputs, scope,
      *DefaultCalendar(ExampleSop()).StartOfLocalDate("2025-12-02"), stamp));
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(feed->ics, *expected);
}

TEST_F(CalendarFeedsTest, UnchangedFeedIsTheSameTextAndAChangeShows) {
  const NewCalendarFeed made = Create("campaign", "c1");
  Result<RenderedFeed> first = Render(made.token);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_GT(first->tasks, 0);  // a campaign's feed holds its tasks
  clock_.Advance(60 * 1000000);
  Result<RenderedFeed> again = Render(made.token);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ics, first->ics);

  CampaignState state = *engine_->Load("c1");
  Round(state);
  Result<RenderedFeed> changed = Render(made.token);
  ASSERT_TRUE(changed.ok());
  EXPECT_NE(changed->ics, first->ics);
}

TEST_F(CalendarFeedsTest, TeamAndEveryoneFeeds) {
  std::string team;
  for (const sop::Person& p : ExampleSop().people) {
    if (p.id == owner_) team = p.team;
  }
  ASSERT_FALSE(team.empty());
  Result<RenderedFeed> of_team = Render(Create("team", team).token);
  ASSERT_TRUE(of_team.ok()) << of_team.status().ToString();
  EXPECT_THAT(of_team->ics, HasSubstr("of team " + team));
  EXPECT_THAT(of_team->ics, HasSubstr("UID:c1/launch@livesop"));

  Result<RenderedFeed> everyone = Render(Create("all", "").token);
  ASSERT_TRUE(everyone.ok()) << everyone.status().ToString();
  EXPECT_THAT(everyone->ics, HasSubstr("UID:c1/launch@livesop"));
  EXPECT_EQ(everyone->tasks, 0);  // milestones only
  EXPECT_EQ(Parse(everyone->ics).todos, 0);
}

TEST_F(CalendarFeedsTest, PersonWithoutCampaignsGetsAnEmptyCalendar) {
  std::string other;
  for (const sop::Person& p : ExampleSop().people) {
    if (p.id != owner_ && other.empty()) other = p.id;
  }
  Result<std::vector<store::TaskRecord>> tasks = store_->Tasks({});
  ASSERT_TRUE(tasks.ok());
  for (const store::TaskRecord& t : *tasks) {
    if (t.assignee == other) GTEST_SKIP() << other << " holds a task";
  }
  Result<RenderedFeed> feed = Render(Create("person", other).token);
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  EXPECT_EQ(feed->events, 0);
  EXPECT_THAT(feed->ics, Not(HasSubstr("c1/")));
  EXPECT_EQ(Parse(feed->ics).events, 0);
}

TEST_F(CalendarFeedsTest, RevokedUnknownAndMalformedTokensAreOneNotFound) {
  const NewCalendarFeed made = Create("person", owner_);
  const NewCalendarFeed other = Create("person", owner_);
  ASSERT_TRUE(
      store_->RevokeCalendarFeed(made.feed.id, clock_.NowMicros()).ok());
  std::string unknown = made.token;
  unknown[0] = unknown[0] == 'A' ? 'B' : 'A';
  for (const std::string& token :
       {made.token, unknown, std::string("../../etc/passwd"), std::string(),
        made.feed.token_hash, made.token + "=", std::string(43, '.')}) {
    Result<RenderedFeed> feed = Render(token);
    EXPECT_EQ(feed.status().code(), StatusCode::kNotFound) << token;
    EXPECT_EQ(feed.status().message(), "no such calendar feed") << token;
  }
  // The other feed lives on.
  EXPECT_TRUE(Render(other.token).ok());
}

TEST_F(CalendarFeedsTest, UnknownScopesAreRefusedWithTheClosestMatch) {
  CalendarFeedRequest request;
  request.scope = {"person", owner_ + "x"};
  Result<NewCalendarFeed> made =
      CreateCalendarFeed(*store_, ExampleSop(), request, clock_.NowMicros());
  EXPECT_EQ(made.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(made.status().message(),
              HasSubstr("unknown person \"" + owner_ + "x\"; did you mean \"" +
                        owner_ + "\"?"));
  request.scope = {"campaign", "c2"};
  made = CreateCalendarFeed(*store_, ExampleSop(), request, clock_.NowMicros());
  EXPECT_EQ(made.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(made.status().message(), HasSubstr("did you mean \"c1\""));
  request.scope = {"team", "nobody-team"};
  EXPECT_EQ(
      CreateCalendarFeed(*store_, ExampleSop(), request, 1).status().code(),
      StatusCode::kNotFound);
  request.scope = {"role", "campaign-manager"};
  EXPECT_EQ(
      CreateCalendarFeed(*store_, ExampleSop(), request, 1).status().code(),
      StatusCode::kInvalidArgument);
  request.scope = {"all", "c1"};
  EXPECT_EQ(
      CreateCalendarFeed(*store_, ExampleSop(), request, 1).status().code(),
      StatusCode::kInvalidArgument);
  request.scope = {"person", ""};
  EXPECT_EQ(
      CreateCalendarFeed(*store_, ExampleSop(), request, 1).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->CalendarFeeds()->empty());
}

TEST_F(CalendarFeedsTest, PersonLeftTheSopIsAFailedPrecondition) {
  const NewCalendarFeed made = Create("person", owner_);
  sop::Definition without = ExampleSop();
  std::erase_if(without.people,
                [&](const sop::Person& p) { return p.id == owner_; });
  Result<RenderedFeed> feed =
      RenderCalendarFeed(*store_, without, made.token, clock_.NowMicros());
  EXPECT_EQ(feed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(feed.status().message(), HasSubstr("revoke it"));
}

TEST_F(CalendarFeedsTest, WindowFollowsTheDayOfTheRequest) {
  const NewCalendarFeed made = Create("campaign", "c1");
  // Fetched more than a year before the launch, the feed does not reach it.
  clock_.Set(clock_.NowMicros() - 400 * kDayUs);
  Result<RenderedFeed> early = Render(made.token);
  ASSERT_TRUE(early.ok()) << early.status().ToString();
  EXPECT_THAT(early->ics, Not(HasSubstr("UID:c1/launch@livesop")));
  FeedWindow longer;
  longer.days_ahead = 500;
  Result<RenderedFeed> wide = RenderCalendarFeed(
      *store_, ExampleSop(), made.token, clock_.NowMicros(), longer);
  ASSERT_TRUE(wide.ok());
  EXPECT_THAT(wide->ics, HasSubstr("UID:c1/launch@livesop"));
}

}  // namespace
}  // namespace livesop::engine

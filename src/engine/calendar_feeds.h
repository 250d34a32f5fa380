// The marketing calendar of one person, team or campaign (or everyone's),
// as `livesop calendar` shows it and as iCalendar feeds serve it, and the
// feeds behind secret, revocable URLs: a feed is made with a random token
// that is handed out once and kept only as its SHA-256, and a request that
// brings the token gets the feed's calendar, rendered from the store at
// that moment. docs/marketing-calendar.md describes both.
//
// Joins the store (feeds, campaigns, tasks) and the calendar
// (marketing_calendar.h, ical.h); the CLI and the HTTP server only parse
// and format around these functions.
#ifndef LIVESOP_ENGINE_CALENDAR_FEEDS_H_
#define LIVESOP_ENGINE_CALENDAR_FEEDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/ical.h"
#include "engine/marketing_calendar.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::engine {

// Who a calendar is for.
struct CalendarScope {
  // "all" (every campaign's milestones, no tasks), "person", "team" or
  // "campaign".
  std::string kind = "all";
  std::string id;  // the person, team or campaign; empty for "all"
};

// OK when `scope` names a person or team of `sop`, or one of `campaigns`
// (ids), or is "all" without an id. NotFound for an unknown person, team
// or campaign: "unknown person \"X\"", with "; did you mean \"Y\"?" when
// one is close. InvalidArgument for another kind, or an id missing (or
// given with "all").
Status CheckCalendarScope(const sop::Definition& sop,
                          const std::vector<std::string>& campaigns,
                          const CalendarScope& scope);

// The calendar of a scope and what its feed needs besides.
struct ScopedCalendar {
  MarketingCalendar calendar;
  // The feed's X-WR-CALNAME: "Marketing calendar", "Marketing calendar of
  // ID", "... of team ID", "... of campaign ID".
  std::string name;
  std::vector<std::string> people;     // the person, or the team's members
  std::vector<std::string> campaigns;  // those shown; empty for "all"
};

// The calendar of `scope` in [from, to) (local dates on the SOP's default
// calendar): a person's is the campaigns they own or hold (or held) a task
// in, a team's its members', a campaign's that campaign (cancelled or
// rejected too). `for_feed` keeps every cancelled and rejected campaign,
// whose items a feed marks CANCELLED so subscribers drop them. A person or
// team with no campaign gets an empty calendar, never everyone's. Its
// items point into `inputs`, which must outlive it. Errors:
// those of CheckCalendarScope (against the campaigns in `inputs`) and of
// BuildMarketingCalendar (InvalidArgument for a malformed range).
Result<ScopedCalendar> BuildScopedCalendar(const sop::Definition& sop,
                                           const CalendarInputs& inputs,
                                           const CalendarScope& scope,
                                           const std::string& from,
                                           const std::string& to,
                                           bool for_feed);

// The iCalendar feed of `scoped`: its items as events and, unless the
// scope is "all", the tasks of its people (a campaign's: every task of the
// campaign) open or done at or after `since_us`, stamped `stamp_us`.
ICalFeed ScopedFeed(const ScopedCalendar& scoped, const CalendarInputs& inputs,
                    const CalendarScope& scope, int64_t since_us,
                    int64_t stamp_us);

// The days a served feed covers, around the day it is fetched: from
// `days_back` days before that day (so recent work stays visible and
// ticked off) up to, not including, `days_ahead` days after it (far enough
// for the lead times of a launch). Default 30 and 365.
struct FeedWindow {
  int days_back = 30;
  int days_ahead = 365;
};

// What CreateCalendarFeed is asked for.
struct CalendarFeedRequest {
  CalendarScope scope;
  std::string label;       // optional: what the subscriber calls it
  std::string created_by;  // optional: who asked, recorded
};

// A feed just made. The token is in no other place: the store keeps its
// hash only, so it cannot be shown again.
struct NewCalendarFeed {
  store::CalendarFeed feed;  // as stored
  std::string token;         // 43 characters: base64url of 32 random bytes
};

// Makes a feed of `request.scope`: checks the scope (people and teams
// against `sop`, campaigns against the store's), draws a 32-byte token from
// OpenSSL's RAND_bytes and a "cf_" id, and stores the feed with the token's
// hash, created at `now_us`. Errors: those of CheckCalendarScope; Internal
// when the random source fails; the store's (AlreadyExists never in
// practice, FailedPrecondition for a read-only store, Unavailable).
Result<NewCalendarFeed> CreateCalendarFeed(store::Store& store,
                                           const sop::Definition& sop,
                                           const CalendarFeedRequest& request,
                                           int64_t now_us);

// The SHA-256 of `token` in lowercase hex: what the store keeps of it.
std::string CalendarFeedTokenHash(const std::string& token);

// A feed as served.
struct RenderedFeed {
  store::CalendarFeed feed;
  std::string ics;  // the VCALENDAR text (ical.h)
  int64_t events = 0;
  int64_t tasks = 0;
};

// Renders the feed whose token is `token`, at `now_us`, over `window`:
// exactly what `livesop calendar --ics` writes for the feed's scope and
// dates, except DTSTAMP, which is the time of the latest event of the
// campaigns shown (the feed's creation when there are none), so a feed
// whose content did not change is the same text, byte for byte.
//
// NotFound with one message, "no such calendar feed", for a token that is
// malformed, unknown or revoked alike: the answer must not tell which, or
// tokens could be probed. FailedPrecondition when the feed's person or
// team is no longer in `sop`. Store errors as they come.
Result<RenderedFeed> RenderCalendarFeed(store::Store& store,
                                        const sop::Definition& sop,
                                        const std::string& token,
                                        int64_t now_us,
                                        const FeedWindow& window = {});

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_CALENDAR_FEEDS_H_

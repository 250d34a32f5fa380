#include "engine/calendar_feeds.h"

#include <openssl/evp.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "core/text.h"
#include "core/webhook_signature.h"
#include "engine/facts.h"

namespace livesop::engine {
namespace {

constexpr int64_t kDayUs = int64_t{86400} * 1000000;
constexpr size_t kTokenBytes = 32;
// base64url of 32 bytes without padding: 43 characters.
constexpr size_t kTokenLength = 43;
constexpr const char* kNoSuchFeed = "no such calendar feed";

// RFC 4648 section 5: URL- and file-name-safe, without padding, so the
// token goes into a path as it is.
std::string Base64Url(const std::string& bytes) {
  constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
    out += kAlphabet[v & 63];
  }
  if (bytes.size() - i == 1) {
    const uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
  } else if (bytes.size() - i == 2) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

std::string Hex(const std::string& bytes) {
  constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Whether `token` could have come from CreateCalendarFeed; anything else
// is turned away before the store is asked.
bool WellFormedToken(const std::string& token) {
  return token.size() == kTokenLength &&
         std::all_of(token.begin(), token.end(), [](char c) {
           return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                  (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

Status Unknown(const std::string& what, const std::string& id,
               const std::vector<std::string>& known) {
  std::string message = "unknown " + what + " \"" + id + "\"";
  const std::string closest = ClosestMatch(id, known);
  if (!closest.empty()) message += "; did you mean \"" + closest + "\"?";
  return NotFoundError(message);
}

bool Contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

Status CheckCalendarScope(const sop::Definition& sop,
                          const std::vector<std::string>& campaigns,
                          const CalendarScope& scope) {
  if (scope.kind == "all") {
    if (!scope.id.empty()) {
      return InvalidArgumentError(
          "the calendar of everyone names no person, team or campaign");
    }
    return OkStatus();
  }
  if (scope.kind != "person" && scope.kind != "team" &&
      scope.kind != "campaign") {
    return InvalidArgumentError("unknown calendar scope \"" + scope.kind +
                                "\"; use person, team, campaign or all");
  }
  if (scope.id.empty()) {
    return InvalidArgumentError("the calendar of a " + scope.kind +
                                " needs its id");
  }
  std::vector<std::string> known;
  if (scope.kind == "person") {
    for (const sop::Person& p : sop.people) known.push_back(p.id);
  } else if (scope.kind == "team") {
    for (const sop::Team& t : sop.teams) known.push_back(t.id);
  } else {
    known = campaigns;
  }
  if (!Contains(known, scope.id)) return Unknown(scope.kind, scope.id, known);
  return OkStatus();
}

Result<ScopedCalendar> BuildScopedCalendar(const sop::Definition& sop,
                                           const CalendarInputs& inputs,
                                           const CalendarScope& scope,
                                           const std::string& from,
                                           const std::string& to,
                                           bool for_feed) {
  std::vector<std::string> ids;
  ids.reserve(inputs.campaigns.size());
  for (const CalendarCampaign& c : inputs.campaigns) ids.push_back(c.campaign);
  LIVESOP_RETURN_IF_ERROR(CheckCalendarScope(sop, ids, scope));

  ScopedCalendar out;
  out.name = "Marketing calendar";
  CalendarOptions options;
  options.include_ended = for_feed;
  if (scope.kind == "person") {
    out.people = {scope.id};
    out.name += " of " + scope.id;
  } else if (scope.kind == "team") {
    out.people = MembersOf(sop, scope.id);
    out.name += " of team " + scope.id;
  } else if (scope.kind == "campaign") {
    out.campaigns = {scope.id};
    // A campaign's own calendar shows it whatever became of it.
    options.include_ended = true;
    out.name += " of campaign " + scope.id;
  }
  if (scope.kind == "person" || scope.kind == "team") {
    out.campaigns = CampaignsOfPeople(inputs, out.people);
  }
  options.only_campaigns = out.campaigns;
  LIVESOP_ASSIGN_OR_RETURN(
      out.calendar, BuildMarketingCalendar(sop, inputs, from, to, options));
  if ((scope.kind == "person" || scope.kind == "team") &&
      out.campaigns.empty()) {
    // Nobody in scope holds a campaign: an empty view, not everyone's (an
    // empty only_campaigns means every campaign).
    out.calendar.items.clear();
    out.calendar.conflicts.clear();
    out.calendar.skipped.clear();
  }
  return out;
}

ICalFeed ScopedFeed(const ScopedCalendar& scoped, const CalendarInputs& inputs,
                    const CalendarScope& scope, int64_t since_us,
                    int64_t stamp_us) {
  ICalFeed feed;
  feed.name = scoped.name;
  feed.stamp_us = stamp_us;
  feed.items = scoped.calendar.items;
  if (scope.kind != "all") {
    feed.tasks =
        FeedTasks(inputs, scoped.people,
                  scope.kind == "campaign" ? scoped.campaigns
                                           : std::vector<std::string>(),
                  since_us);
  }
  return feed;
}

std::string CalendarFeedTokenHash(const std::string& token) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  // SHA-256 of a short string in memory only fails when OpenSSL itself is
  // broken; an empty hash then matches no feed.
  if (EVP_Digest(token.data(), token.size(), digest, &size, EVP_sha256(),
                 nullptr) != 1) {
    return "";
  }
  return Hex(std::string(reinterpret_cast<const char*>(digest), size));
}

Result<NewCalendarFeed> CreateCalendarFeed(store::Store& store,
                                           const sop::Definition& sop,
                                           const CalendarFeedRequest& request,
                                           int64_t now_us) {
  std::vector<std::string> campaigns;
  if (request.scope.kind == "campaign") {
    LIVESOP_ASSIGN_OR_RETURN(std::vector<store::CampaignRecord> records,
                             store.Campaigns({}));
    for (const store::CampaignRecord& c : records) {
      campaigns.push_back(c.campaign);
    }
  }
  LIVESOP_RETURN_IF_ERROR(CheckCalendarScope(sop, campaigns, request.scope));
  LIVESOP_ASSIGN_OR_RETURN(std::string secret, RandomBytes(kTokenBytes));
  LIVESOP_ASSIGN_OR_RETURN(std::string id_bytes, RandomBytes(8));
  NewCalendarFeed out;
  out.token = Base64Url(secret);
  out.feed.id = "cf_" + Hex(id_bytes);
  out.feed.scope_kind = request.scope.kind;
  out.feed.scope_id = request.scope.id;
  out.feed.label = request.label;
  out.feed.token_hash = CalendarFeedTokenHash(out.token);
  out.feed.created_by = request.created_by;
  out.feed.created_us = now_us;
  LIVESOP_RETURN_IF_ERROR(store.AddCalendarFeed(out.feed));
  return out;
}

Result<RenderedFeed> RenderCalendarFeed(store::Store& store,
                                        const sop::Definition& sop,
                                        const std::string& token,
                                        int64_t now_us,
                                        const FeedWindow& window) {
  if (!WellFormedToken(token)) return NotFoundError(kNoSuchFeed);
  Result<store::CalendarFeed> found =
      store.CalendarFeedByTokenHash(CalendarFeedTokenHash(token));
  if (!found.ok()) {
    if (found.status().code() == StatusCode::kNotFound) {
      return NotFoundError(kNoSuchFeed);
    }
    return found.status();
  }
  if (found->revoked_us != 0) return NotFoundError(kNoSuchFeed);

  RenderedFeed out;
  out.feed = std::move(*found);
  const CalendarScope scope{out.feed.scope_kind, out.feed.scope_id};
  LIVESOP_ASSIGN_OR_RETURN(CalendarInputs inputs,
                           ReadCalendarInputs(store, now_us));
  const WorkCalendar work = DefaultCalendar(sop);
  LIVESOP_ASSIGN_OR_RETURN(int64_t today,
                           work.StartOfLocalDate(work.LocalDate(now_us)));
  // Half a day past midnight, so a day of 23 or 25 hours (a change of
  // summer time) still lands on the right date.
  const std::string from =
      work.LocalDate(today - window.days_back * kDayUs + kDayUs / 2);
  const std::string to =
      work.LocalDate(today + window.days_ahead * kDayUs + kDayUs / 2);
  Result<ScopedCalendar> scoped =
      BuildScopedCalendar(sop, inputs, scope, from, to, /*for_feed=*/true);
  if (!scoped.ok()) {
    if (scoped.status().code() != StatusCode::kNotFound) {
      return scoped.status();
    }
    // The token is good, so the holder may learn why it shows nothing.
    return FailedPreconditionError(
        "calendar feed " + out.feed.id + " is of " + scope.kind + " \"" +
        scope.id + "\", which the SOP no longer has (" +
        scoped.status().message() + "); revoke it and make another");
  }
  LIVESOP_ASSIGN_OR_RETURN(int64_t since, work.StartOfLocalDate(from));

  ICalFeed feed = ScopedFeed(*scoped, inputs, scope, since, 0);
  // DTSTAMP: when what the feed shows last changed in the store, not when
  // it was fetched, so an unchanged feed renders the same bytes and the
  // server can answer 304 Not Modified.
  std::unordered_map<std::string, int64_t> last_change;
  for (const CalendarCampaign& c : inputs.campaigns) {
    last_change[c.campaign] = c.last_event_us;
  }
  int64_t stamp = out.feed.created_us;
  for (const CalendarItem& item : feed.items) {
    stamp = std::max(stamp, item.campaign->last_event_us);
  }
  for (const FeedTask& task : feed.tasks) {
    stamp = std::max(stamp, last_change[task.task.campaign]);
  }
  feed.stamp_us = stamp;
  LIVESOP_ASSIGN_OR_RETURN(out.ics, WriteICalendar(feed));
  out.events = static_cast<int64_t>(feed.items.size());
  out.tasks = static_cast<int64_t>(feed.tasks.size());
  return out;
}

}  // namespace livesop::engine

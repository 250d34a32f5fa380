#include "store/internal/calendar_feeds.h"

#include <algorithm>
#include <iterator>

namespace livesop::store::internal {
namespace {

// Every column of a feed, in the order ReadFeed reads them.
#define LIVESOP_FEED_COLUMNS                                              \
  "id, scope_kind, scope_id, label, token_hash, created_by, created_us, " \
  "revoked_us"

// Without a conflict target: an id or a token hash taken both refuse the
// row, and the caller tells which.
constexpr const char* kInsert =
    "INSERT INTO calendar_feeds (" LIVESOP_FEED_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id";
constexpr const char* kSelectAll = "SELECT " LIVESOP_FEED_COLUMNS
                                   " FROM calendar_feeds ORDER BY "
                                   "created_us, id";
constexpr const char* kSelectById =
    "SELECT " LIVESOP_FEED_COLUMNS " FROM calendar_feeds WHERE id = ?";
constexpr const char* kSelectByHash =
    "SELECT " LIVESOP_FEED_COLUMNS " FROM calendar_feeds WHERE token_hash = ?";
// Only a live feed changes: the first revocation time stays.
constexpr const char* kRevoke =
    "UPDATE calendar_feeds SET revoked_us = ? WHERE id = ? AND revoked_us = 0";

#undef LIVESOP_FEED_COLUMNS

constexpr const char* kScopeKinds[] = {"person", "team", "campaign", "all"};

bool HasNul(const std::string& text) {
  return text.find('\0') != std::string::npos;
}

bool IsTokenHash(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

CalendarFeed ReadFeed(const SqlRow& row) {
  CalendarFeed f;
  f.id = row.Text(0);
  f.scope_kind = row.Text(1);
  f.scope_id = row.Text(2);
  f.label = row.Text(3);
  f.token_hash = row.Text(4);
  f.created_by = row.Text(5);
  f.created_us = row.Int(6);
  f.revoked_us = row.Int(7);
  return f;
}

// The one feed `statement` selects with `params`; NotFound when none.
Result<CalendarFeed> QueryOne(SqlExecutor& sql, const char* statement,
                              const SqlParams& params,
                              const std::string& not_found) {
  bool found = false;
  CalendarFeed feed;
  LIVESOP_RETURN_IF_ERROR(sql.Query(statement, params, [&](const SqlRow& row) {
    feed = ReadFeed(row);
    found = true;
    return OkStatus();
  }));
  if (!found) return NotFoundError(not_found);
  return feed;
}

}  // namespace

Status InsertCalendarFeed(SqlExecutor& sql, const CalendarFeed& feed) {
  if (feed.id.empty()) {
    return InvalidArgumentError("a calendar feed needs an id");
  }
  if (std::find(std::begin(kScopeKinds), std::end(kScopeKinds),
                feed.scope_kind) == std::end(kScopeKinds)) {
    return InvalidArgumentError("unknown calendar feed scope \"" +
                                feed.scope_kind +
                                "\"; use person, team, campaign or all");
  }
  if ((feed.scope_kind == "all") != feed.scope_id.empty()) {
    return InvalidArgumentError(
        feed.scope_kind == "all"
            ? "a calendar feed of everyone names no person, team or campaign"
            : "a calendar feed of a " + feed.scope_kind + " needs its id");
  }
  if (!IsTokenHash(feed.token_hash)) {
    return InvalidArgumentError(
        "the token hash of calendar feed " + feed.id +
        " is not a SHA-256 in hex (64 lowercase hex digits)");
  }
  if (feed.created_us < 0 || feed.revoked_us < 0) {
    return InvalidArgumentError("calendar feed " + feed.id +
                                " has a negative time");
  }
  for (const std::string* text :
       {&feed.id, &feed.scope_id, &feed.label, &feed.created_by}) {
    if (HasNul(*text)) {
      return InvalidArgumentError("calendar feed " + feed.id.substr(0, 40) +
                                  " holds a NUL character");
    }
  }
  bool added = false;
  LIVESOP_RETURN_IF_ERROR(sql.Query(
      kInsert,
      {feed.id, feed.scope_kind, feed.scope_id, feed.label, feed.token_hash,
       feed.created_by, feed.created_us, feed.revoked_us},
      [&](const SqlRow&) {
        added = true;
        return OkStatus();
      }));
  if (added) return OkStatus();
  Result<CalendarFeed> same_id =
      QueryOne(sql, kSelectById, {feed.id}, "no calendar feed " + feed.id);
  if (same_id.ok()) {
    return AlreadyExistsError("a calendar feed " + feed.id + " exists already");
  }
  if (same_id.status().code() != StatusCode::kNotFound) {
    return same_id.status();
  }
  return AlreadyExistsError(
      "another calendar feed has the same token hash; make a new token");
}

Result<std::vector<CalendarFeed>> QueryCalendarFeeds(SqlExecutor& sql) {
  std::vector<CalendarFeed> out;
  LIVESOP_RETURN_IF_ERROR(sql.Query(kSelectAll, {}, [&](const SqlRow& row) {
    out.push_back(ReadFeed(row));
    return OkStatus();
  }));
  return out;
}

Result<CalendarFeed> QueryCalendarFeedByTokenHash(
    SqlExecutor& sql, const std::string& token_hash) {
  // The message never repeats the hash: it would only help someone
  // probing for feeds.
  return QueryOne(sql, kSelectByHash, {token_hash},
                  "no calendar feed has this token");
}

Result<CalendarFeed> MarkCalendarFeedRevoked(SqlExecutor& sql,
                                             const std::string& id,
                                             int64_t now_us) {
  // 0 means "live": a revocation needs a real time.
  if (now_us <= 0) {
    return InvalidArgumentError("revoking calendar feed " + id +
                                " needs a time after 1970");
  }
  LIVESOP_RETURN_IF_ERROR(sql.Execute(kRevoke, {now_us, id}));
  return QueryOne(
      sql, kSelectById, {id},
      "no calendar feed " + id + "; `livesop calendar feed list` lists them");
}

Status CopyCalendarFeeds(SqlExecutor& from, SqlExecutor& to) {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<CalendarFeed> feeds,
                           QueryCalendarFeeds(from));
  for (const CalendarFeed& feed : feeds) {
    LIVESOP_RETURN_IF_ERROR(InsertCalendarFeed(to, feed));
  }
  return OkStatus();
}

}  // namespace livesop::store::internal

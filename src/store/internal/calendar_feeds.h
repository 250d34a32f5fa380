// The calendar feeds table (Store::AddCalendarFeed and the rest), written
// once in the SQL both backends run (sql.h).
#ifndef LIVESOP_STORE_INTERNAL_CALENDAR_FEEDS_H_
#define LIVESOP_STORE_INTERNAL_CALENDAR_FEEDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace livesop::store::internal {

Status InsertCalendarFeed(SqlExecutor& sql, const CalendarFeed& feed);
Result<std::vector<CalendarFeed>> QueryCalendarFeeds(SqlExecutor& sql);
Result<CalendarFeed> QueryCalendarFeedByTokenHash(
    SqlExecutor& sql, const std::string& token_hash);
Result<CalendarFeed> MarkCalendarFeedRevoked(SqlExecutor& sql,
                                             const std::string& id,
                                             int64_t now_us);

// Copies every feed of `from` into the empty `to` (backups and restores),
// ids, hashes and revocations kept, so the URLs handed out keep working,
// or keep failing, in the copy.
Status CopyCalendarFeeds(SqlExecutor& from, SqlExecutor& to);

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_CALENDAR_FEEDS_H_

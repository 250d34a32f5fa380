// The read models (campaigns, tasks, inbox) as projections of the events,
// written once in SQL both backends run. Backends call ProjectAppend inside
// each append's transaction and RebuildReadModels inside a transaction that
// holds off appends.
#ifndef LIVESOP_STORE_INTERNAL_READ_MODELS_H_
#define LIVESOP_STORE_INTERNAL_READ_MODELS_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "store/internal/sql.h"
#include "store/store.h"

namespace livesop::store::internal {

// The DDL of the read-model tables, in the shared dialect; several
// statements separated by semicolons.
const char* ReadModelSchema();

// Projects `events` (already in the events table, at positions
// first_position… and sequences first_sequence… of `campaign`).
Status ProjectAppend(SqlExecutor& sql, const std::string& campaign,
                     const std::vector<Event>& events, int64_t first_position,
                     int64_t first_sequence);

// The statements ProjectAppend runs, appended to `statements`, for a
// backend that sends several appends' statements at once.
Status CollectProjection(std::vector<SqlStatement>& statements,
                         const std::string& campaign,
                         const std::vector<Event>& events,
                         int64_t first_position, int64_t first_sequence);

// Replaces `batch` with the next events (all fields) after position
// `after`, in order, at most a few thousand; empty at the end. Each backend
// reads its own table layout.
using EventBatches =
    std::function<Status(int64_t after, std::vector<Event>& batch)>;

// Empties the read models and replays every event `read` yields. Returns
// the number of events replayed.
Result<int64_t> RebuildReadModels(SqlExecutor& sql, const EventBatches& read);

Result<std::vector<CampaignRecord>> QueryCampaigns(SqlExecutor& sql,
                                                   const CampaignQuery& query);
Result<std::vector<TaskRecord>> QueryTasks(SqlExecutor& sql,
                                           const TaskQuery& query);
Result<std::vector<InboxItem>> QueryInbox(SqlExecutor& sql,
                                          const InboxQuery& query);

// Copies every idempotency key from `from` to `to`. For backups and
// restores.
Status CopyKeys(SqlExecutor& from, SqlExecutor& to);

// The campaign's version from the read model, 0 when it has no events.
Result<int64_t> QueryCampaignVersion(SqlExecutor& sql,
                                     const std::string& campaign);

// Checks an append request before any database work: a campaign, at least
// one event, each with a type and an activity and of that campaign, a
// payload that is empty or a JSON object, no NUL characters (PostgreSQL
// text cannot hold them), a sane expected version.
Status ValidateRequest(const AppendRequest& request);

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_READ_MODELS_H_

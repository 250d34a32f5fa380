// The tables of notification delivery (webhook endpoints, email
// preferences, the outbox and its cursors), written once in the SQL both
// backends run (sql.h). Transactions are the backend's: the functions that
// must be atomic say so, and the backend opens one around them.
#ifndef LIVESOP_STORE_INTERNAL_NOTIFY_TABLES_H_
#define LIVESOP_STORE_INTERNAL_NOTIFY_TABLES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace livesop::store::internal {

Status InsertWebhookEndpoint(SqlExecutor& sql, const WebhookEndpoint& endpoint);
Status DeleteWebhookEndpoint(SqlExecutor& sql, const std::string& id);
Result<std::vector<WebhookEndpoint>> QueryWebhookEndpoints(SqlExecutor& sql);

Status UpsertNotifyPreference(SqlExecutor& sql,
                              const NotifyPreference& preference);
Result<NotifyPreference> QueryNotifyPreference(SqlExecutor& sql,
                                               const std::string& person);
Result<std::vector<NotifyPreference>> QueryNotifyPreferences(SqlExecutor& sql);

// Checks every delivery before the transaction starts.
Status ValidateDeliveries(const std::vector<Delivery>& deliveries,
                          const std::string& cursor);
// Inside one write transaction.
Result<int64_t> InsertDeliveries(SqlExecutor& sql,
                                 const std::vector<Delivery>& deliveries,
                                 const std::string& cursor, int64_t position);
Result<int64_t> QueryDispatchCursor(SqlExecutor& sql,
                                    const std::string& cursor);

// How a backend keeps two claimers apart: PostgreSQL locks the rows it
// picks and skips the rows others locked (`FOR UPDATE SKIP LOCKED`);
// SQLite runs the claim in a write transaction, which holds off every
// other writer.
enum class ClaimLocking { kWriteTransaction, kSkipLocked };
// Inside one write transaction.
Result<std::vector<Delivery>> LeaseDeliveries(SqlExecutor& sql,
                                              ClaimLocking locking,
                                              const std::string& owner,
                                              int64_t now_us, int64_t lease_us,
                                              int64_t limit);
Status FinishAttempt(SqlExecutor& sql, int64_t id, const std::string& owner,
                     bool sent, int64_t now_us, const std::string& error,
                     std::optional<int64_t> retry_at_us);
Result<std::vector<Delivery>> QueryDeliveries(SqlExecutor& sql,
                                              const DeliveryQuery& query);
Status ResetDelivery(SqlExecutor& sql, int64_t id, int64_t now_us);
Result<int64_t> ResetDeadDeliveries(SqlExecutor& sql, int64_t now_us);

// Copies endpoints, preferences, cursors and the outbox of `from` into the
// empty `to` (backups and restores), deliveries with their ids and without
// leases.
Status CopyNotifySettings(SqlExecutor& from, SqlExecutor& to);

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_NOTIFY_TABLES_H_

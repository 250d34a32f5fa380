// Side-path messages, rules, tracker rows and inbound hooks
// (Store::WriteSidePath and friends), written once in SQL both backends
// run, on the tables each backend's migrations 10 and 11 create.
#ifndef LIVESOP_STORE_INTERNAL_SIDE_PATH_H_
#define LIVESOP_STORE_INTERNAL_SIDE_PATH_H_

#include <string>
#include <vector>

#include "core/status.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace livesop::store::internal {

// Checks the messages and rules of `write` before its transaction starts:
// InvalidArgument naming the first bad field.
Status ValidateSidePathWrite(const SidePathWrite& write);

// Inside one write transaction (after the appends): inserts, updates and
// rules of `write`.
Status WriteSideRecords(SqlExecutor& sql, const SidePathWrite& write);

Result<std::vector<std::string>> QueryKnownSideMessages(
    SqlExecutor& sql, const std::vector<std::string>& hashes);
Result<std::vector<SideMessage>> QuerySideMessages(
    SqlExecutor& sql, const SideMessageQuery& query);
Result<SideMessage> QuerySideMessageByHash(SqlExecutor& sql,
                                           const std::string& prefix);
Result<std::vector<SideRule>> QuerySideRules(SqlExecutor& sql);
Result<std::vector<TrackerRow>> QueryTrackerRows(
    SqlExecutor& sql, const std::string& conversation);

Status InsertSideHook(SqlExecutor& sql, const SideHook& hook);
Result<std::vector<SideHook>> QuerySideHooks(SqlExecutor& sql);
Result<SideHook> QuerySideHook(SqlExecutor& sql, const std::string& name);
Result<SideHook> UpdateSideHookRevoked(SqlExecutor& sql,
                                       const std::string& name, int64_t now_us);

// Migration 11's tables, in SQL both backends run: a string literal, so
// that each backend's migration appends the SQL, its own, that fills
// side_tracker_rows from the messages kept before.
#define LIVESOP_SIDE_MIGRATION_11_TABLES    \
  "CREATE TABLE side_tracker_rows (\n"      \
  "  conversation TEXT NOT NULL,\n"         \
  "  row_key TEXT NOT NULL,\n"              \
  "  status TEXT NOT NULL,\n"               \
  "  time_us BIGINT NOT NULL,\n"            \
  "  hash TEXT NOT NULL,\n"                 \
  "  PRIMARY KEY (conversation, row_key)\n" \
  ");\n"                                    \
  "CREATE TABLE side_hooks (\n"             \
  "  name TEXT PRIMARY KEY,\n"              \
  "  secret TEXT NOT NULL,\n"               \
  "  actor TEXT NOT NULL,\n"                \
  "  created_by TEXT NOT NULL,\n"           \
  "  created_us BIGINT NOT NULL,\n"         \
  "  revoked_us BIGINT NOT NULL\n"          \
  ");\n"

// Copies every message, rule, tracker row and hook of `from` into `to`
// (backups, restores).
Status CopySideTables(SqlExecutor& from, SqlExecutor& to);

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_SIDE_PATH_H_

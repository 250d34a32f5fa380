// Side-path messages and rules (Store::WriteSidePath and friends), written
// once in SQL both backends run, on the tables each backend's migration 10
// creates.
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

// Copies every message and rule of `from` into `to` (backups, restores).
Status CopySideTables(SqlExecutor& from, SqlExecutor& to);

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_SIDE_PATH_H_

// Absences, kept in one table both backends create alike, through the
// shared SQL executor (sql.h).
#ifndef LIVESOP_STORE_INTERNAL_ABSENCES_H_
#define LIVESOP_STORE_INTERNAL_ABSENCES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace livesop::store::internal {

Result<int64_t> InsertAbsence(SqlExecutor& sql, const Absence& absence);
Status DeleteAbsence(SqlExecutor& sql, int64_t id);
Result<std::vector<Absence>> QueryAbsences(SqlExecutor& sql,
                                           const std::string& person,
                                           int64_t at_us);
// Copies every absence of `from` into `to` (backups and restores); they get
// new ids there.
Status CopyAbsences(SqlExecutor& from, SqlExecutor& to);

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_ABSENCES_H_

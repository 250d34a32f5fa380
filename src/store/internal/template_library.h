// The template library (Store::AddTemplateVersions and friends), written
// once in SQL both backends run, on the `template_versions` table each
// backend's migration 9 creates.
#ifndef LIVESOP_STORE_INTERNAL_TEMPLATE_LIBRARY_H_
#define LIVESOP_STORE_INTERNAL_TEMPLATE_LIBRARY_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace livesop::store::internal {

// Checks every record before the transaction starts: InvalidArgument as
// Store::AddTemplateVersions says.
Status ValidateTemplateVersions(
    const std::vector<TemplateVersionRecord>& records);

// Inside one write transaction: inserts the (validated) records.
Status InsertTemplateVersions(
    SqlExecutor& sql, const std::vector<TemplateVersionRecord>& records);

// Inside one write transaction: Store::ApproveTemplateVersion.
Result<std::vector<std::string>> ApproveTemplate(SqlExecutor& sql,
                                                 const std::string& template_id,
                                                 const std::string& version,
                                                 const std::string& by,
                                                 int64_t at_us);

// Inside one write transaction: Store::RetireTemplateVersion.
Status RetireTemplate(SqlExecutor& sql, const std::string& template_id,
                      const std::string& version, const std::string& by,
                      int64_t at_us);

Result<std::vector<TemplateVersionRecord>> QueryTemplateVersions(
    SqlExecutor& sql, const std::string& template_id);

// Copies every version of `from` into `to` (backups and restores).
Status CopyTemplateVersions(SqlExecutor& from, SqlExecutor& to);

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_TEMPLATE_LIBRARY_H_

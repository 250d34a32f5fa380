// The published SOP versions (Store::PublishSop and friends), written once
// in SQL both backends run, on the `sop_versions` table each backend's
// migration 3 creates.
#ifndef LIVESOP_STORE_INTERNAL_SOP_VERSIONS_H_
#define LIVESOP_STORE_INTERNAL_SOP_VERSIONS_H_

#include <string>
#include <vector>

#include "core/status.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace livesop::store::internal {

// Store::PublishSop on `sql`, outside any transaction: one insert that
// keeps an existing row, then a read of the row that won. InvalidArgument for
// an empty version, SOP id, digest or bundle, a negative time, or a NUL
// character in any field (PostgreSQL text cannot hold one); AlreadyExists
// when the version holds another digest.
Status PublishSopVersion(SqlExecutor& sql, const SopVersionRecord& record);

// Store::SopVersion: the whole record, bundle included; NotFound when the
// version was never published.
Result<SopVersionRecord> QuerySopVersion(SqlExecutor& sql,
                                         const std::string& version);

// Store::SopVersions: every record without its bundle, by publish time,
// then version.
Result<std::vector<SopVersionRecord>> QuerySopVersions(SqlExecutor& sql);

// Publishes every version of `from` into `to`, for backups and restores:
// a version `to` holds already with the same digest is kept, one with
// another digest is AlreadyExists.
Status CopySopVersions(SqlExecutor& from, SqlExecutor& to);

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_SOP_VERSIONS_H_

// The SQLite backend of store.h; use OpenStore() instead of this.
#ifndef LIVESOP_STORE_INTERNAL_SQLITE_STORE_H_
#define LIVESOP_STORE_INTERNAL_SQLITE_STORE_H_

#include <memory>
#include <string>

#include "store/store.h"

namespace livesop::store::internal {

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const OpenOptions& options);

// Switches the database at `path` from WAL to a rollback journal, so it is
// one self-contained file (backups), and opening it read-only creates no
// -wal or -shm files beside it.
Status MakeSingleFile(const std::string& path);

// The number of SQLite migrations.
int SqliteSchemaVersion();

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_SQLITE_STORE_H_

// Backups and restores of a store, whichever backend holds it.
//
// A backup is a livesop SQLite database file: every event (with its
// position, sequence and recorded time) and every idempotency key, with
// read models built, so it can be opened directly (`--db FILE`) as well as
// restored into either backend.
#ifndef LIVESOP_STORE_BACKUP_H_
#define LIVESOP_STORE_BACKUP_H_

#include <cstdint>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace livesop::store {

struct BackupStats {
  int64_t events = 0;
  int64_t bytes = 0;  // size of the backup file
};

// Writes a consistent copy of `source` to the new file `path`, safe while
// other processes append: SQLite's online backup API copies one snapshot;
// for PostgreSQL, one REPEATABLE READ snapshot of livesop's tables is
// copied. The file appears only when complete (written beside it, then
// renamed). Errors: AlreadyExists when `path` exists (nothing is
// overwritten); Unavailable when it cannot be written or the disk is full;
// the source's errors otherwise.
Result<BackupStats> BackupStore(Store& source, const std::string& path);

// Copies the backup file at `path` into `target`, which must hold no
// events, in one transaction, and rebuilds its read models. Returns the
// number of events restored. Errors: FailedPrecondition when `target` is
// not empty (nothing is written) or `path` is not a livesop backup;
// NotFound when `path` does not exist; the target's errors otherwise
// (nothing is written then either).
Result<int64_t> RestoreStore(const std::string& path, Store& target);

}  // namespace livesop::store

#endif  // LIVESOP_STORE_BACKUP_H_

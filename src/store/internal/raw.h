// What backups and restores need from a backend beyond the Store
// interface: its SQL executor and explicit transactions. Both backends
// implement it; backup.cc reaches it with dynamic_cast.
#ifndef LIVESOP_STORE_INTERNAL_RAW_H_
#define LIVESOP_STORE_INTERNAL_RAW_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/internal/sql.h"
#include "store/store.h"

namespace livesop::store::internal {

class RawStore {
 public:
  virtual ~RawStore() = default;
  virtual SqlExecutor& sql() = 0;
  // A read-only transaction that sees one snapshot until it ends, while
  // other connections go on appending.
  virtual Status BeginSnapshot() = 0;
  // A write transaction that holds off every other writer.
  virtual Status BeginExclusive() = 0;
  // Replaces `batch` with the next events after position `after`, in
  // order, at most a few thousand; empty at the end.
  virtual Status ReadEvents(int64_t after, std::vector<Event>& batch) = 0;
  // Inside BeginExclusive: writes events as they are (positions, sequences
  // and recorded times kept), without touching the read models.
  virtual Status WriteEvents(const std::vector<Event>& events) = 0;
  // Inside BeginExclusive, after events were written with their own
  // positions: brings the backend's counters up to date and rebuilds the
  // read models.
  virtual Status FinishCopy() = 0;
  virtual Status Commit() = 0;
  virtual void Rollback() = 0;
  // Writes a copy of the whole database to the new file `path` with the
  // backend's own means, or returns Unimplemented when it has none.
  virtual Status BackupFile(const std::string& path) = 0;
};

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_RAW_H_

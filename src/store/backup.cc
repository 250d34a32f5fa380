#include "store/backup.h"

#include <unistd.h>

#include <filesystem>
#include <memory>
#include <vector>

#include "store/internal/absences.h"
#include "store/internal/calendar_feeds.h"
#include "store/internal/notify_tables.h"
#include "store/internal/raw.h"
#include "store/internal/read_models.h"
#include "store/internal/side_path.h"
#include "store/internal/sop_versions.h"
#include "store/internal/sqlite_store.h"
#include "store/internal/template_library.h"

namespace livesop::store {
namespace {

namespace fs = std::filesystem;
using internal::RawStore;

Result<RawStore*> RawOf(Store& store) {
  auto* raw = dynamic_cast<RawStore*>(&store);
  if (raw == nullptr) {
    return InternalError(std::string("the ") + store.Backend() +
                         " store cannot be backed up or restored");
  }
  return raw;
}

// Copies every event and key from `from` into the empty `to` in one
// transaction of `to`, read from one snapshot of `from`.
Status Copy(RawStore& from, RawStore& to) {
  LIVESOP_RETURN_IF_ERROR(to.BeginExclusive());
  Status status = from.BeginSnapshot();
  if (!status.ok()) {
    to.Rollback();
    return status;
  }
  std::vector<Event> batch;
  status = to.ReadEvents(0, batch);
  if (status.ok() && !batch.empty()) {
    status = FailedPreconditionError(
        "the target store already holds events; restore into a new file or "
        "an empty database. Nothing was written.");
  }
  // A bounded batch at a time, whatever the size of the store.
  for (int64_t after = 0; status.ok();) {
    status = from.ReadEvents(after, batch);
    if (!status.ok() || batch.empty()) break;
    after = batch.back().position;
    status = to.WriteEvents(batch);
  }
  if (status.ok()) status = internal::CopyKeys(from.sql(), to.sql());
  if (status.ok()) status = internal::CopyAbsences(from.sql(), to.sql());
  if (status.ok()) status = internal::CopySopVersions(from.sql(), to.sql());
  if (status.ok()) {
    status = internal::CopyNotifySettings(from.sql(), to.sql());
  }
  if (status.ok()) status = internal::CopyCalendarFeeds(from.sql(), to.sql());
  if (status.ok()) {
    status = internal::CopyTemplateVersions(from.sql(), to.sql());
  }
  if (status.ok()) status = internal::CopySideTables(from.sql(), to.sql());
  if (status.ok()) status = to.FinishCopy();
  if (status.ok()) status = to.Commit();
  from.Rollback();  // ends the read snapshot
  if (!status.ok()) to.Rollback();
  return status;
}

}  // namespace

Result<BackupStats> BackupStore(Store& source, const std::string& path) {
  std::error_code ec;
  if (fs::exists(path, ec)) {
    return AlreadyExistsError("\"" + path +
                              "\" exists; a backup never overwrites a file, "
                              "name a new one");
  }
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec)) {
    return UnavailableError("cannot write the backup \"" + path +
                            "\": the folder \"" + parent.string() +
                            "\" does not exist");
  }
  const std::string temp = path + ".partial-" + std::to_string(::getpid());
  auto cleanup = [&](const Status& status) -> Status {
    fs::remove(temp, ec);
    fs::remove(temp + "-wal", ec);
    fs::remove(temp + "-shm", ec);
    fs::remove(temp + "-journal", ec);
    return status.WithContext("backing up to \"" + path + "\"");
  };
  LIVESOP_ASSIGN_OR_RETURN(RawStore * from, RawOf(source));
  Status copied = from->BackupFile(temp);
  if (copied.code() == StatusCode::kUnimplemented) {
    Result<std::unique_ptr<Store>> target =
        internal::OpenSqliteStore(temp, OpenOptions());
    if (!target.ok()) return cleanup(target.status());
    Result<RawStore*> to = RawOf(**target);
    copied = to.ok() ? Copy(*from, **to) : to.status();
  }
  if (!copied.ok()) return cleanup(copied);
  BackupStats stats;
  {
    // Reopening proves the file is a whole store; closing it folds its WAL
    // back into the one file.
    Result<std::unique_ptr<Store>> check =
        internal::OpenSqliteStore(temp, OpenOptions());
    if (!check.ok()) return cleanup(check.status());
    Result<int64_t> last = (*check)->LastPosition();
    if (!last.ok()) return cleanup(last.status());
    stats.events = *last;
  }
  if (Status single = internal::MakeSingleFile(temp); !single.ok()) {
    return cleanup(single);
  }
  fs::rename(temp, path, ec);
  if (ec) {
    return cleanup(
        UnavailableError("cannot rename the finished backup: " + ec.message()));
  }
  stats.bytes = static_cast<int64_t>(fs::file_size(path, ec));
  return stats;
}

Result<int64_t> RestoreStore(const std::string& path, Store& target) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return NotFoundError("the backup \"" + path + "\" does not exist");
  }
  OpenOptions read_only;
  read_only.read_only = true;
  Result<std::unique_ptr<Store>> source =
      internal::OpenSqliteStore(path, read_only);
  if (!source.ok()) {
    return FailedPreconditionError(
        "\"" + path +
        "\" is not a livesop backup: " + source.status().message());
  }
  LIVESOP_ASSIGN_OR_RETURN(RawStore * from, RawOf(**source));
  LIVESOP_ASSIGN_OR_RETURN(RawStore * to, RawOf(target));
  LIVESOP_RETURN_IF_ERROR(Copy(*from, *to));
  return target.LastPosition();
}

}  // namespace livesop::store

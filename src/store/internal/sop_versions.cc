#include "store/internal/sop_versions.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace livesop::store::internal {
namespace {

constexpr const char* kInsertVersion =
    "INSERT INTO sop_versions (version, sop_id, digest, bundle, "
    "published_by, published_us, note) VALUES (?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (version) DO NOTHING";

constexpr const char* kSelectVersion =
    "SELECT version, sop_id, digest, published_by, published_us, note, "
    "bundle FROM sop_versions WHERE version = ?";

constexpr const char* kSelectVersions =
    "SELECT version, sop_id, digest, published_by, published_us, note FROM "
    "sop_versions ORDER BY published_us, version";

constexpr const char* kSelectAll =
    "SELECT version, sop_id, digest, published_by, published_us, note, "
    "bundle FROM sop_versions ORDER BY published_us, version";

// A row of kSelectVersion, kSelectVersions or kSelectAll.
SopVersionRecord RecordOf(const SqlRow& row, bool with_bundle) {
  SopVersionRecord record;
  record.version = row.Text(0);
  record.sop_id = row.Text(1);
  record.digest = row.Text(2);
  record.published_by = row.Text(3);
  record.published_us = row.Int(4);
  record.note = row.Text(5);
  if (with_bundle) record.bundle = row.Text(6);
  return record;
}

Status CheckRecord(const SopVersionRecord& record) {
  const std::pair<const char*, const std::string*> required[] = {
      {"version", &record.version},
      {"SOP id", &record.sop_id},
      {"digest", &record.digest},
      {"bundle", &record.bundle}};
  for (const auto& [name, value] : required) {
    if (value->empty()) {
      return InvalidArgumentError(std::string("an SOP version needs a ") +
                                  name);
    }
  }
  for (const std::string* field :
       {&record.version, &record.sop_id, &record.digest, &record.bundle,
        &record.published_by, &record.note}) {
    if (field->find('\0') != std::string::npos) {
      return InvalidArgumentError("SOP version \"" + record.version +
                                  "\" holds a NUL character, which a store "
                                  "cannot keep");
    }
  }
  if (record.published_us < 0) {
    return InvalidArgumentError("SOP version \"" + record.version +
                                "\" has a publish time before 1970");
  }
  return OkStatus();
}

}  // namespace

Status PublishSopVersion(SqlExecutor& sql, const SopVersionRecord& record) {
  LIVESOP_RETURN_IF_ERROR(CheckRecord(record));
  const std::string context = "publishing SOP version " + record.version;
  LIVESOP_RETURN_IF_ERROR(
      sql.Execute(kInsertVersion,
                  {record.version, record.sop_id, record.digest, record.bundle,
                   record.published_by, record.published_us, record.note})
          .WithContext(context));
  // Whichever insert won, this one or an earlier one, the row is there now.
  LIVESOP_ASSIGN_OR_RETURN(SopVersionRecord stored,
                           QuerySopVersion(sql, record.version));
  if (stored.digest == record.digest) return OkStatus();
  return AlreadyExistsError(
      "SOP version " + record.version + " was published before with other " +
      "content (digest " + stored.digest.substr(0, 12) + ", by " +
      (stored.published_by.empty() ? "someone" : stored.published_by) +
      "); campaigns may run on it, so it never changes. Raise sop.version " +
      "to publish this content");
}

Result<SopVersionRecord> QuerySopVersion(SqlExecutor& sql,
                                         const std::string& version) {
  std::optional<SopVersionRecord> found;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectVersion, {version}, [&](const SqlRow& row) {
        found = RecordOf(row, /*with_bundle=*/true);
        return OkStatus();
      }));
  if (!found) {
    return NotFoundError("SOP version \"" + version +
                         "\" was never published in this store");
  }
  return *std::move(found);
}

Result<std::vector<SopVersionRecord>> QuerySopVersions(SqlExecutor& sql) {
  std::vector<SopVersionRecord> out;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectVersions, {}, [&](const SqlRow& row) {
        out.push_back(RecordOf(row, /*with_bundle=*/false));
        return OkStatus();
      }));
  return out;
}

Status CopySopVersions(SqlExecutor& from, SqlExecutor& to) {
  return from.Query(kSelectAll, {}, [&](const SqlRow& row) {
    return PublishSopVersion(to, RecordOf(row, /*with_bundle=*/true));
  });
}

}  // namespace livesop::store::internal

#include "store/internal/template_library.h"

#include <algorithm>
#include <cctype>

namespace livesop::store::internal {
namespace {

// Every column, in the order ReadRecord reads them and kInsert writes them.
#define LIVESOP_TEMPLATE_COLUMNS                                          \
  "template, version, status, author, created_us, sha256, file_name, "    \
  "size, mime, changes, from_sop, approved_by, approved_us, retired_by, " \
  "retired_us"

// Without a conflict target, a row that would break any unique rule (the
// key, or a second approved version) is left out; the caller tells which.
constexpr const char* kInsert =
    "INSERT INTO template_versions (" LIVESOP_TEMPLATE_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO "
    "NOTHING RETURNING version";
constexpr const char* kCopy =
    "INSERT INTO template_versions (" LIVESOP_TEMPLATE_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
constexpr const char* kStatusOf =
    "SELECT status FROM template_versions WHERE template = ? AND version = ?";
constexpr const char* kVersionsOf =
    "SELECT version FROM template_versions WHERE template = ? ORDER BY "
    "created_us, version";
constexpr const char* kRetireApproved =
    "UPDATE template_versions SET status = 'retired', retired_by = ?, "
    "retired_us = ? WHERE template = ? AND status = 'approved' RETURNING "
    "version";
constexpr const char* kApprove =
    "UPDATE template_versions SET status = 'approved', approved_by = ?, "
    "approved_us = ? WHERE template = ? AND version = ? AND status = 'draft' "
    "RETURNING version";
constexpr const char* kRetire =
    "UPDATE template_versions SET status = 'retired', retired_by = ?, "
    "retired_us = ? WHERE template = ? AND version = ? AND status <> "
    "'retired' RETURNING version";
constexpr const char* kSelect =
    "SELECT " LIVESOP_TEMPLATE_COLUMNS
    " FROM template_versions WHERE (? = '' OR template = ?) ORDER BY "
    "template, created_us, version";

#undef LIVESOP_TEMPLATE_COLUMNS

bool HasNul(const std::string& text) {
  return text.find('\0') != std::string::npos;
}

bool IsSha256(const std::string& text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](unsigned char c) {
           return std::isdigit(c) != 0 || (c >= 'a' && c <= 'f');
         });
}

std::string Name(const TemplateVersionRecord& r) {
  return "version " + r.version + " of template " + r.template_id;
}

SqlParams Params(const TemplateVersionRecord& r) {
  return {r.template_id,
          r.version,
          r.status,
          r.author,
          r.created_us,
          r.sha256,
          r.file_name,
          r.size,
          r.mime,
          r.changes,
          int64_t{r.from_sop ? 1 : 0},
          r.approved_by,
          r.approved_us,
          r.retired_by,
          r.retired_us};
}

TemplateVersionRecord ReadRecord(const SqlRow& row) {
  TemplateVersionRecord r;
  r.template_id = row.Text(0);
  r.version = row.Text(1);
  r.status = row.Text(2);
  r.author = row.Text(3);
  r.created_us = row.Int(4);
  r.sha256 = row.Text(5);
  r.file_name = row.Text(6);
  r.size = row.Int(7);
  r.mime = row.Text(8);
  r.changes = row.Text(9);
  r.from_sop = row.Int(10) != 0;
  r.approved_by = row.Text(11);
  r.approved_us = row.Int(12);
  r.retired_by = row.Text(13);
  r.retired_us = row.Int(14);
  return r;
}

// The status of a version; empty when there is none.
Result<std::string> StatusOf(SqlExecutor& sql, const std::string& template_id,
                             const std::string& version) {
  std::string status;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kStatusOf, {template_id, version}, [&](const SqlRow& row) {
        status = row.Text(0);
        return OkStatus();
      }));
  return status;
}

// NotFound naming the version and listing the template's versions.
Status NoVersion(SqlExecutor& sql, const std::string& template_id,
                 const std::string& version) {
  std::string known;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kVersionsOf, {template_id}, [&](const SqlRow& row) {
        known += (known.empty() ? "" : ", ") + row.Text(0);
        return OkStatus();
      }));
  return NotFoundError("template " + template_id + " has no version " +
                       version + " in the library; its versions: " +
                       (known.empty() ? std::string("none") : known));
}

// The values of RETURNING version, in order.
Result<std::vector<std::string>> Versions(SqlExecutor& sql,
                                          const char* sql_text,
                                          const SqlParams& params) {
  std::vector<std::string> out;
  LIVESOP_RETURN_IF_ERROR(sql.Query(sql_text, params, [&](const SqlRow& row) {
    out.push_back(row.Text(0));
    return OkStatus();
  }));
  return out;
}

}  // namespace

Status ValidateTemplateVersions(
    const std::vector<TemplateVersionRecord>& records) {
  for (const TemplateVersionRecord& r : records) {
    if (r.template_id.empty() || r.version.empty()) {
      return InvalidArgumentError(
          "a template version needs its template's id and a version");
    }
    if (r.status != "draft" && r.status != "approved" &&
        r.status != "retired") {
      return InvalidArgumentError("unknown status \"" + r.status + "\" of " +
                                  Name(r) + "; use draft, approved or retired");
    }
    if (!r.sha256.empty() && !IsSha256(r.sha256)) {
      return InvalidArgumentError(
          "the SHA-256 of " + Name(r) +
          " must be 64 lower-case hexadecimal digits, not \"" + r.sha256 +
          "\"");
    }
    if (r.created_us < 0 || r.size < 0 || r.approved_us < 0 ||
        r.retired_us < 0) {
      return InvalidArgumentError(Name(r) + " has a negative time or size");
    }
    for (const std::string* text :
         {&r.template_id, &r.version, &r.author, &r.file_name, &r.mime,
          &r.changes, &r.approved_by, &r.retired_by}) {
      if (HasNul(*text)) {
        return InvalidArgumentError(Name(r) + " holds a NUL character");
      }
    }
  }
  return OkStatus();
}

Status InsertTemplateVersions(
    SqlExecutor& sql, const std::vector<TemplateVersionRecord>& records) {
  for (const TemplateVersionRecord& r : records) {
    LIVESOP_ASSIGN_OR_RETURN(std::vector<std::string> added,
                             Versions(sql, kInsert, Params(r)));
    if (!added.empty() || r.from_sop) continue;
    LIVESOP_ASSIGN_OR_RETURN(std::string status,
                             StatusOf(sql, r.template_id, r.version));
    if (!status.empty()) {
      return AlreadyExistsError(Name(r) + " exists already (" + status +
                                "); versions never change: choose a new "
                                "version number");
    }
    return AbortedError("template " + r.template_id +
                        " got an approved version meanwhile; read the "
                        "library again and retry");
  }
  return OkStatus();
}

Result<std::vector<std::string>> ApproveTemplate(SqlExecutor& sql,
                                                 const std::string& template_id,
                                                 const std::string& version,
                                                 const std::string& by,
                                                 int64_t at_us) {
  LIVESOP_ASSIGN_OR_RETURN(std::string status,
                           StatusOf(sql, template_id, version));
  if (status.empty()) return NoVersion(sql, template_id, version);
  if (status == "approved") {
    return FailedPreconditionError("version " + version + " of template " +
                                   template_id + " is approved already");
  }
  if (status == "retired") {
    return FailedPreconditionError(
        "version " + version + " of template " + template_id +
        " is retired, and retired versions stay retired; add it again as a "
        "new version to approve it");
  }
  LIVESOP_ASSIGN_OR_RETURN(
      std::vector<std::string> retired,
      Versions(sql, kRetireApproved, {by, at_us, template_id}));
  LIVESOP_ASSIGN_OR_RETURN(
      std::vector<std::string> approved,
      Versions(sql, kApprove, {by, at_us, template_id, version}));
  if (approved.empty()) {
    return AbortedError("version " + version + " of template " + template_id +
                        " changed meanwhile; read the library again and "
                        "retry");
  }
  return retired;
}

Status RetireTemplate(SqlExecutor& sql, const std::string& template_id,
                      const std::string& version, const std::string& by,
                      int64_t at_us) {
  LIVESOP_ASSIGN_OR_RETURN(std::string status,
                           StatusOf(sql, template_id, version));
  if (status.empty()) return NoVersion(sql, template_id, version);
  if (status == "retired") {
    return FailedPreconditionError("version " + version + " of template " +
                                   template_id + " is retired already");
  }
  LIVESOP_ASSIGN_OR_RETURN(
      std::vector<std::string> retired,
      Versions(sql, kRetire, {by, at_us, template_id, version}));
  if (retired.empty()) {
    return AbortedError("version " + version + " of template " + template_id +
                        " changed meanwhile; read the library again and "
                        "retry");
  }
  return OkStatus();
}

Result<std::vector<TemplateVersionRecord>> QueryTemplateVersions(
    SqlExecutor& sql, const std::string& template_id) {
  std::vector<TemplateVersionRecord> out;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelect, {template_id, template_id}, [&](const SqlRow& row) {
        out.push_back(ReadRecord(row));
        return OkStatus();
      }));
  return out;
}

Status CopyTemplateVersions(SqlExecutor& from, SqlExecutor& to) {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<TemplateVersionRecord> all,
                           QueryTemplateVersions(from, ""));
  for (const TemplateVersionRecord& r : all) {
    LIVESOP_RETURN_IF_ERROR(to.Execute(kCopy, Params(r)));
  }
  return OkStatus();
}

}  // namespace livesop::store::internal

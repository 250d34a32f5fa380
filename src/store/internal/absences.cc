#include "store/internal/absences.h"

namespace livesop::store::internal {
namespace {

constexpr const char* kInsert =
    "INSERT INTO absences (person, from_us, until_us, delegate, note, "
    "recorded_by, recorded_us) VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id";
constexpr const char* kExists = "SELECT id FROM absences WHERE id = ?";
constexpr const char* kDelete = "DELETE FROM absences WHERE id = ?";
constexpr const char* kSelect =
    "SELECT id, person, from_us, until_us, delegate, note, recorded_by, "
    "recorded_us FROM absences WHERE (? = '' OR person = ?) AND "
    "(CAST(? AS BIGINT) = 0 OR (from_us <= ? AND until_us > ?)) ORDER BY "
    "from_us, id";

bool HasNul(const std::string& text) {
  return text.find('\0') != std::string::npos;
}

}  // namespace

Result<int64_t> InsertAbsence(SqlExecutor& sql, const Absence& absence) {
  if (absence.person.empty()) {
    return InvalidArgumentError("an absence needs the person who is away");
  }
  if (absence.until_us <= absence.from_us) {
    return InvalidArgumentError("the absence of " + absence.person +
                                " must end after it starts");
  }
  for (const std::string* text : {&absence.person, &absence.delegate,
                                  &absence.note, &absence.recorded_by}) {
    if (HasNul(*text)) {
      return InvalidArgumentError("an absence holds a NUL character");
    }
  }
  int64_t id = 0;
  LIVESOP_RETURN_IF_ERROR(sql.Query(
      kInsert,
      {absence.person, absence.from_us, absence.until_us, absence.delegate,
       absence.note, absence.recorded_by, absence.recorded_us},
      [&](const SqlRow& row) {
        id = row.Int(0);
        return OkStatus();
      }));
  return id;
}

Status DeleteAbsence(SqlExecutor& sql, int64_t id) {
  bool found = false;
  LIVESOP_RETURN_IF_ERROR(sql.Query(kExists, {id}, [&](const SqlRow&) {
    found = true;
    return OkStatus();
  }));
  if (!found) return NotFoundError("no absence " + std::to_string(id));
  return sql.Execute(kDelete, {id});
}

Result<std::vector<Absence>> QueryAbsences(SqlExecutor& sql,
                                           const std::string& person,
                                           int64_t at_us) {
  std::vector<Absence> out;
  LIVESOP_RETURN_IF_ERROR(sql.Query(
      kSelect, {person, person, at_us, at_us, at_us}, [&](const SqlRow& row) {
        Absence& a = out.emplace_back();
        a.id = row.Int(0);
        a.person = row.Text(1);
        a.from_us = row.Int(2);
        a.until_us = row.Int(3);
        a.delegate = row.Text(4);
        a.note = row.Text(5);
        a.recorded_by = row.Text(6);
        a.recorded_us = row.Int(7);
        return OkStatus();
      }));
  return out;
}

Status CopyAbsences(SqlExecutor& from, SqlExecutor& to) {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<Absence> all,
                           QueryAbsences(from, "", 0));
  for (const Absence& absence : all) {
    LIVESOP_RETURN_IF_ERROR(InsertAbsence(to, absence).status());
  }
  return OkStatus();
}

}  // namespace livesop::store::internal

// The little SQL both backends share: statements written once in the
// dialect SQLite and PostgreSQL both accept (`?` placeholders, ON CONFLICT
// upserts, CASE), run through an executor each backend provides. The read
// models are written this way so their projection exists once.
#ifndef LIVESOP_STORE_INTERNAL_SQL_H_
#define LIVESOP_STORE_INTERNAL_SQL_H_

#include <cstdint>
#include <functional>
#include <string>
#include <variant>
#include <vector>

#include "core/status.h"

namespace livesop::store::internal {

using SqlValue = std::variant<int64_t, std::string>;
using SqlParams = std::vector<SqlValue>;

struct SqlStatement {
  const char* sql;  // a string literal, as for SqlExecutor::Execute
  SqlParams params;
};

// One row of a query result; valid only inside the row callback.
class SqlRow {
 public:
  virtual ~SqlRow() = default;
  virtual int64_t Int(int column) const = 0;
  virtual std::string Text(int column) const = 0;
};

// Runs portable statements on one connection, inside whatever transaction
// the backend has open. `sql` must be a string literal: executors cache the
// prepared statement by its address.
class SqlExecutor {
 public:
  virtual ~SqlExecutor() = default;
  virtual Status Execute(const char* sql, const SqlParams& params) = 0;
  // Runs `statements` in order, stopping at the first error. A backend
  // may send them all before reading any result (PostgreSQL pipelines
  // them: one round trip instead of one per statement).
  virtual Status ExecuteBatch(const std::vector<SqlStatement>& statements) {
    for (const SqlStatement& s : statements) {
      LIVESOP_RETURN_IF_ERROR(Execute(s.sql, s.params));
    }
    return OkStatus();
  }
  // Calls `row` for each result row; a non-OK status from it stops the
  // query and is returned.
  virtual Status Query(const char* sql, const SqlParams& params,
                       const std::function<Status(const SqlRow&)>& row) = 0;
};

}  // namespace livesop::store::internal

#endif  // LIVESOP_STORE_INTERNAL_SQL_H_

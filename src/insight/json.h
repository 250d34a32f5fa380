// The audit as JSON, for `livesop audit --json` and the HTTP API. The
// shape is documented in docs/audit.md; instants are ISO 8601 in UTC.
#ifndef LIVESOP_INSIGHT_JSON_H_
#define LIVESOP_INSIGHT_JSON_H_

#include <nlohmann/json.hpp>

#include "insight/audit.h"

namespace livesop::insight {

nlohmann::json AuditToJson(const Audit& audit);

}  // namespace livesop::insight

#endif  // LIVESOP_INSIGHT_JSON_H_

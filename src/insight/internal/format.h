// Small helpers the audit, its HTML report and the proposals share: shares
// and numbers as text, and whether a person holds a role.
#ifndef LIVESOP_INSIGHT_INTERNAL_FORMAT_H_
#define LIVESOP_INSIGHT_INTERNAL_FORMAT_H_

#include <algorithm>
#include <cstdio>
#include <string>

#include "sop/model.h"

namespace livesop::insight::internal {

// A share (0..1) as a whole percentage: "42%".
inline std::string Percent(double share) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", share * 100);
  return text;
}

// `value` with `digits` decimals.
inline std::string Fixed(double value, int digits = 1) {
  char text[32];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

// Whether `person` is a person of `sop` holding `role`.
inline bool HoldsRole(const sop::Definition& sop, const std::string& person,
                      const std::string& role) {
  const sop::Person* p = sop.FindPerson(person);
  return p != nullptr &&
         std::find(p->roles.begin(), p->roles.end(), role) != p->roles.end();
}

}  // namespace livesop::insight::internal

#endif  // LIVESOP_INSIGHT_INTERNAL_FORMAT_H_

#include "engine/sop_owner.h"

#include <algorithm>

namespace livesop::engine {

Status CheckSopOwner(const sop::Definition& sop, const std::string& person) {
  const sop::Person* p = sop.FindPerson(person);
  if (p == nullptr) {
    return PermissionDeniedError(person + " is no person of the SOP");
  }
  if (person == sop.sop.owner || std::find(p->roles.begin(), p->roles.end(),
                                           sop.sop.owner) != p->roles.end()) {
    return OkStatus();
  }
  return PermissionDeniedError("only the SOP's owner (" + sop.sop.owner +
                               ") accepts changes to the SOP; " + person +
                               " is not");
}

}  // namespace livesop::engine

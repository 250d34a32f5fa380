// Who may change the SOP itself: its owner. Shared by every command that
// makes a new SOP version from inside livesop (accepting a proposal,
// insight/propose.h), so the rule is the engine's, not a command's.
#ifndef LIVESOP_ENGINE_SOP_OWNER_H_
#define LIVESOP_ENGINE_SOP_OWNER_H_

#include <string>

#include "core/status.h"
#include "sop/model.h"

namespace livesop::engine {

// OK when `person` is the SOP's owner (`sop.owner` naming a person) or
// holds the owner's role. PermissionDenied otherwise, naming the owner;
// also for someone who is no person of the SOP.
Status CheckSopOwner(const sop::Definition& sop, const std::string& person);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_SOP_OWNER_H_

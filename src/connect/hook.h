// Inbound webhooks (docs/side-paths/webhook.md): another tool posts
// messages to `livesop serve` at /hooks/side/NAME, signed with the hook's
// secret as Standard Webhooks sign; each delivery is verified, read by the
// webhook connector and imported as `livesop import webhook` would import
// it, in one transaction. The server only parses the request and calls
// ReceiveHook.
#ifndef LIVESOP_CONNECT_HOOK_H_
#define LIVESOP_CONNECT_HOOK_H_

#include <cstdint>
#include <string>

#include "connect/import.h"
#include "connect/match.h"
#include "core/status.h"
#include "engine/engine.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::connect {

// Makes hook `name` whose imports are recorded by `actor` (a person of the
// SOP), with a new secret, and returns it (the secret is shown once, to be
// given to the sending tool). Errors: InvalidArgument for an actor who is
// not a person of the SOP or a malformed name; AlreadyExists for a name
// taken.
Result<store::SideHook> AddHook(store::Store& store, const sop::Definition& sop,
                                const std::string& name,
                                const std::string& actor,
                                const std::string& created_by, int64_t now_us);

// One delivery, as the server received it.
struct HookDelivery {
  std::string name;  // from the URL
  // The Standard Webhooks headers.
  std::string id;
  std::string timestamp;
  std::string signature;
  std::string body;
};

struct HookSettings {
  MatchConfig config;  // the workspace's connect.yaml
  // Deliveries signed longer ago (or further ahead) than this are refused.
  int64_t tolerance_s = 300;
  // Largest body read, in bytes.
  int64_t max_bytes = int64_t{4} << 20;
};

// Verifies and imports one delivery at `now_us`. Errors: NotFound for a
// hook unknown or revoked (alike, so a caller cannot tell which names
// exist); Unauthenticated for a missing, stale or wrong signature;
// InvalidArgument for a body the webhook connector cannot read (naming the
// message and field); ResourceExhausted for a body over max_bytes; the
// import's errors. Nothing is imported unless it returns OK.
Result<ImportReport> ReceiveHook(store::Store& store, engine::Engine& engine,
                                 const sop::Definition& sop,
                                 const HookDelivery& delivery, int64_t now_us,
                                 const HookSettings& settings);

}  // namespace livesop::connect

#endif  // LIVESOP_CONNECT_HOOK_H_

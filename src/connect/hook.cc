#include "connect/hook.h"

#include "connect/connector.h"
#include "core/webhook_signature.h"

namespace livesop::connect {

Result<store::SideHook> AddHook(store::Store& store, const sop::Definition& sop,
                                const std::string& name,
                                const std::string& actor,
                                const std::string& created_by, int64_t now_us) {
  if (sop.FindPerson(actor) == nullptr) {
    return InvalidArgumentError(
        "\"" + actor +
        "\" is not a person of the SOP; give who the hook's imports are "
        "recorded by with --as");
  }
  store::SideHook hook;
  hook.name = name;
  LIVESOP_ASSIGN_OR_RETURN(hook.secret, NewWebhookSecret());
  hook.actor = actor;
  hook.created_by = created_by;
  hook.created_us = now_us;
  LIVESOP_RETURN_IF_ERROR(store.AddSideHook(hook));
  return hook;
}

Result<ImportReport> ReceiveHook(store::Store& store, engine::Engine& engine,
                                 const sop::Definition& sop,
                                 const HookDelivery& delivery, int64_t now_us,
                                 const HookSettings& settings) {
  const Status unknown = NotFoundError("no hook " + delivery.name);
  Result<store::SideHook> hook = store.FindSideHook(delivery.name);
  if (!hook.ok()) {
    return hook.status().code() == StatusCode::kNotFound ? unknown
                                                         : hook.status();
  }
  if (hook->revoked_us != 0) return unknown;
  if (static_cast<int64_t>(delivery.body.size()) > settings.max_bytes) {
    return ResourceExhaustedError(
        "the body holds " + std::to_string(delivery.body.size()) +
        " bytes, more than the " + std::to_string(settings.max_bytes) +
        " a delivery may; send the messages in parts");
  }
  LIVESOP_RETURN_IF_ERROR(VerifyWebhook(
      hook->secret, delivery.id, delivery.timestamp, delivery.signature,
      delivery.body, now_us / 1'000'000, settings.tolerance_s));
  const Connector* connector = FindConnector("webhook");
  if (connector == nullptr) return InternalError("no webhook connector");
  ReadOptions read;
  read.max_bytes = settings.max_bytes;
  // Named in errors and kept as each message's file: the hook and the
  // delivery.
  const std::string where =
      "hook " + delivery.name + " delivery " + delivery.id.substr(0, 80);
  LIVESOP_ASSIGN_OR_RETURN(Export exported,
                           connector->Parse(where, delivery.body, read));
  ImportOptions options;
  options.actor = hook->actor;
  options.config = settings.config;
  options.now_us = now_us;
  return ImportMessages(store, engine, sop, exported, options);
}

}  // namespace livesop::connect

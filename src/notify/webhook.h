// Outbound webhooks as the Standard Webhooks specification
// (https://www.standardwebhooks.com) writes them: endpoint ids and URLs and
// the JSON body of one event. Secrets and signatures are core's
// (core/webhook_signature.h), shared with the hooks livesop receives;
// nothing here talks to the network.
#ifndef LIVESOP_NOTIFY_WEBHOOK_H_
#define LIVESOP_NOTIFY_WEBHOOK_H_

#include <cstdint>
#include <string>

#include "core/status.h"
#include "core/webhook_signature.h"
#include "store/store.h"

namespace livesop::notify {

// A new endpoint id: "wh_" and 16 random hex digits.
Result<std::string> NewEndpointId();

// OK when `url` is an absolute http:// or https:// URL with a host; else
// InvalidArgument naming it.
Status CheckWebhookUrl(const std::string& url);

// The JSON body livesop posts for `event`: {"type", "timestamp" (the
// event's time, ISO 8601), "data": {campaign, position, sequence,
// activity, resource, role, step, sop_version, source, deviation, reason,
// campaign_type, payload}}.
std::string WebhookBody(const store::Event& event);

}  // namespace livesop::notify

#endif  // LIVESOP_NOTIFY_WEBHOOK_H_

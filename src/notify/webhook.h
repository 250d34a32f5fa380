// Webhooks as the Standard Webhooks specification
// (https://www.standardwebhooks.com) writes them: the endpoint's secret,
// the signature a receiver checks, and the JSON body of one event. The
// signing uses OpenSSL's HMAC-SHA256 and base64; nothing here talks to the
// network.
#ifndef LIVESOP_NOTIFY_WEBHOOK_H_
#define LIVESOP_NOTIFY_WEBHOOK_H_

#include <cstdint>
#include <string>

#include "core/status.h"
#include "store/store.h"

namespace livesop::notify {

// A new secret: "whsec_" and the base64 of 24 random bytes (OpenSSL's
// RAND_bytes). Internal when the random source fails.
Result<std::string> NewWebhookSecret();

// A new endpoint id: "wh_" and 16 random hex digits.
Result<std::string> NewEndpointId();

// OK when `secret` is "whsec_" followed by the base64 of at least 24
// bytes; else InvalidArgument saying what is wrong and how a good one
// looks.
Status CheckWebhookSecret(const std::string& secret);

// OK when `url` is an absolute http:// or https:// URL with a host; else
// InvalidArgument naming it.
Status CheckWebhookUrl(const std::string& url);

// The value of the `webhook-signature` header: "v1," and the base64 of
// HMAC-SHA256(key, "{id}.{timestamp}.{body}"), the key being the bytes the
// secret's base64 part decodes to. InvalidArgument for a malformed secret.
Result<std::string> SignWebhook(const std::string& secret,
                                const std::string& id, int64_t timestamp_s,
                                const std::string& body);

// The JSON body livesop posts for `event`: {"type", "timestamp" (the
// event's time, ISO 8601), "data": {campaign, position, sequence,
// activity, resource, role, step, sop_version, source, deviation, reason,
// campaign_type, payload}}.
std::string WebhookBody(const store::Event& event);

// Standard base64 (RFC 4648, with padding) of `bytes`, and back; decoding
// fails with InvalidArgument on anything but whole, well-formed base64.
std::string Base64Encode(const std::string& bytes);
Result<std::string> Base64Decode(const std::string& text);

}  // namespace livesop::notify

#endif  // LIVESOP_NOTIFY_WEBHOOK_H_

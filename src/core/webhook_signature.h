// Secrets and signatures as the Standard Webhooks specification
// (https://www.standardwebhooks.com) makes them: the webhooks livesop sends
// (notify) and the hooks it receives (`livesop serve`, docs/side-paths.md)
// sign the same way. HMAC-SHA256, base64 and random bytes come from
// OpenSSL.
#ifndef LIVESOP_CORE_WEBHOOK_SIGNATURE_H_
#define LIVESOP_CORE_WEBHOOK_SIGNATURE_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "core/status.h"

namespace livesop {

// `n` random bytes (OpenSSL's RAND_bytes). Internal when the random source
// fails.
Result<std::string> RandomBytes(size_t n);

// A new secret: "whsec_" and the base64 of 24 random bytes.
Result<std::string> NewWebhookSecret();

// OK when `secret` is "whsec_" followed by the base64 of at least 24
// bytes; else InvalidArgument saying what is wrong and how a good one
// looks.
Status CheckWebhookSecret(const std::string& secret);

// The value of the `webhook-signature` header: "v1," and the base64 of
// HMAC-SHA256(key, "{id}.{timestamp}.{body}"), the key being the bytes the
// secret's base64 part decodes to. InvalidArgument for a malformed secret.
Result<std::string> SignWebhook(const std::string& secret,
                                const std::string& id, int64_t timestamp_s,
                                const std::string& body);

// Checks a delivery received: the `webhook-id`, `webhook-timestamp` and
// `webhook-signature` header values and the body, against `secret`, at
// `now_s`. The timestamp must lie within `tolerance_s` of now (replays of
// old deliveries are refused); the signature header may list several
// space-separated signatures, any of which may match (compared in constant
// time). Unauthenticated saying which check failed; InvalidArgument for a
// malformed secret.
Status VerifyWebhook(const std::string& secret, const std::string& id,
                     const std::string& timestamp,
                     const std::string& signatures, const std::string& body,
                     int64_t now_s, int64_t tolerance_s = 300);

// Standard base64 (RFC 4648, with padding) of `bytes`, and back; decoding
// fails with InvalidArgument on anything but whole, well-formed base64.
std::string Base64Encode(const std::string& bytes);
Result<std::string> Base64Decode(const std::string& text);

}  // namespace livesop

#endif  // LIVESOP_CORE_WEBHOOK_SIGNATURE_H_

// The SHA-256 the connectors record: of attachments, of raw messages, of a
// message's canonical form (message.h's EvidenceHash).
#ifndef LIVESOP_CONNECT_INTERNAL_DIGEST_H_
#define LIVESOP_CONNECT_INTERNAL_DIGEST_H_

#include <string>
#include <string_view>

namespace livesop::connect::internal {

// SHA-256 of `bytes` (OpenSSL) as 64 lowercase hex digits.
std::string Sha256Hex(std::string_view bytes);

}  // namespace livesop::connect::internal

#endif  // LIVESOP_CONNECT_INTERNAL_DIGEST_H_

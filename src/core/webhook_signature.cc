#include "core/webhook_signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <cstdlib>
#include <string_view>

namespace livesop {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr size_t kMinSecretBytes = 24;

}  // namespace

Result<std::string> RandomBytes(size_t n) {
  std::string bytes(n, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()),
                 static_cast<int>(n)) != 1) {
    return InternalError(
        "the random number source (OpenSSL RAND_bytes) "
        "failed");
  }
  return bytes;
}

std::string Base64Encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  const int n =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(bytes.data()),
                      static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Result<std::string> Base64Decode(const std::string& text) {
  if (text.empty() || text.size() % 4 != 0) {
    return InvalidArgumentError(
        "not base64: its length is not a multiple "
        "of 4");
  }
  std::string out(3 * text.size() / 4, '\0');
  const int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                      reinterpret_cast<const unsigned char*>(text.data()),
                      static_cast<int>(text.size()));
  if (n < 0) return InvalidArgumentError("not base64");
  // EVP_DecodeBlock counts the padding as zero bytes.
  size_t size = static_cast<size_t>(n);
  if (text.ends_with("==")) {
    size -= 2;
  } else if (text.ends_with("=")) {
    size -= 1;
  }
  out.resize(size);
  return out;
}

Result<std::string> NewWebhookSecret() {
  LIVESOP_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(kMinSecretBytes));
  return std::string(kSecretPrefix) + Base64Encode(bytes);
}

Status CheckWebhookSecret(const std::string& secret) {
  constexpr const char* kHow =
      "; a secret is \"whsec_\" followed by the base64 of 24 or more random "
      "bytes (leave --secret out and one is made)";
  if (!secret.starts_with(kSecretPrefix)) {
    return InvalidArgumentError("the secret does not start with \"whsec_\"" +
                                std::string(kHow));
  }
  Result<std::string> key = Base64Decode(secret.substr(kSecretPrefix.size()));
  if (!key.ok()) {
    return InvalidArgumentError("the secret's part after \"whsec_\" is " +
                                key.status().message() + kHow);
  }
  if (key->size() < kMinSecretBytes) {
    return InvalidArgumentError("the secret holds " +
                                std::to_string(key->size()) +
                                " bytes, too few" + kHow);
  }
  return OkStatus();
}

Result<std::string> SignWebhook(const std::string& secret,
                                const std::string& id, int64_t timestamp_s,
                                const std::string& body) {
  LIVESOP_RETURN_IF_ERROR(CheckWebhookSecret(secret));
  LIVESOP_ASSIGN_OR_RETURN(std::string key,
                           Base64Decode(secret.substr(kSecretPrefix.size())));
  const std::string signed_content =
      id + "." + std::to_string(timestamp_s) + "." + body;
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(signed_content.data()),
           signed_content.size(), mac, &size) == nullptr) {
    return InternalError("OpenSSL could not compute an HMAC-SHA256");
  }
  return "v1," + Base64Encode(std::string(reinterpret_cast<char*>(mac), size));
}

Status VerifyWebhook(const std::string& secret, const std::string& id,
                     const std::string& timestamp,
                     const std::string& signatures, const std::string& body,
                     int64_t now_s, int64_t tolerance_s) {
  if (id.empty() || timestamp.empty() || signatures.empty()) {
    return Status(
        StatusCode::kUnauthenticated,
        "unsigned: the webhook-id, webhook-timestamp and webhook-signature "
        "headers are all needed");
  }
  int64_t sent = 0;
  for (char c : timestamp) {
    if (c < '0' || c > '9' || sent > 1'000'000'000'000) {
      return Status(StatusCode::kUnauthenticated,
                    "webhook-timestamp must be whole seconds since 1970");
    }
    sent = sent * 10 + (c - '0');
  }
  if (std::llabs(now_s - sent) > tolerance_s) {
    return Status(
        StatusCode::kUnauthenticated,
        "webhook-timestamp is " + std::to_string(std::llabs(now_s - sent)) +
            " seconds " + (sent < now_s ? "old" : "ahead") +
            ", more than the " + std::to_string(tolerance_s) +
            " allowed; a delivery is signed when it is sent (check the "
            "sender's clock)");
  }
  LIVESOP_ASSIGN_OR_RETURN(std::string expected,
                           SignWebhook(secret, id, sent, body));
  // Several signatures, space-separated, while a secret is rotated: any one
  // of the "v1," kind may match. Compared in constant time.
  std::string_view rest = signatures;
  while (!rest.empty()) {
    const size_t space = rest.find(' ');
    const std::string_view one = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view()
                                           : rest.substr(space + 1);
    if (one.size() == expected.size() &&
        CRYPTO_memcmp(one.data(), expected.data(), one.size()) == 0) {
      return OkStatus();
    }
  }
  return Status(
      StatusCode::kUnauthenticated,
      "the webhook-signature matches no signature of this body with the "
      "hook's secret");
}

}  // namespace livesop

#include "notify/webhook.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <nlohmann/json.hpp>

#include <cctype>
#include <vector>

#include "core/time.h"

namespace livesop::notify {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr size_t kMinSecretBytes = 24;

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

}  // namespace

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

Result<std::string> NewEndpointId() {
  LIVESOP_ASSIGN_OR_RETURN(std::string bytes, RandomBytes(8));
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "wh_";
  for (unsigned char c : bytes) {
    id += kHex[c >> 4];
    id += kHex[c & 0xf];
  }
  return id;
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

Status CheckWebhookUrl(const std::string& url) {
  size_t host = 0;
  if (url.starts_with("http://")) {
    host = 7;
  } else if (url.starts_with("https://")) {
    host = 8;
  } else {
    return InvalidArgumentError("the webhook URL \"" + url +
                                "\" must start with http:// or https://");
  }
  if (host >= url.size() || url[host] == '/' || url[host] == ':') {
    return InvalidArgumentError("the webhook URL \"" + url +
                                "\" names no host; give one such as "
                                "https://example.com/hooks/livesop");
  }
  for (char c : url) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0 ||
        std::iscntrl(static_cast<unsigned char>(c)) != 0) {
      return InvalidArgumentError("the webhook URL \"" + url +
                                  "\" holds a space or a control character");
    }
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

std::string WebhookBody(const store::Event& event) {
  nlohmann::json payload =
      nlohmann::json::parse(event.payload, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded()) payload = nlohmann::json::object();
  const nlohmann::json body = {{"type", event.type},
                               {"timestamp", FormatTimestamp(event.time_us)},
                               {"data",
                                {{"campaign", event.campaign},
                                 {"position", event.position},
                                 {"sequence", event.sequence},
                                 {"activity", event.activity},
                                 {"resource", event.resource},
                                 {"role", event.role},
                                 {"step", event.step},
                                 {"sop_version", event.sop_version},
                                 {"source", event.source},
                                 {"deviation", event.deviation},
                                 {"reason", event.reason},
                                 {"campaign_type", event.campaign_type},
                                 {"payload", payload}}}};
  // Invalid UTF-8 in an event is replaced rather than thrown on.
  return body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace livesop::notify

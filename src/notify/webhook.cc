#include "notify/webhook.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <vector>

#include "core/time.h"

namespace livesop::notify {

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

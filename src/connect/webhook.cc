// The webhook connector: messages another tool sends, as JSON in livesop's
// own shape (docs/side-paths/webhook.md). `livesop serve` reads the bodies
// posted to its signed hooks with it; `livesop import webhook FILE` reads
// the same JSON from a file (a body saved, or a tool's export converted).
//
// A body is one message object, an array of them, or an object with
// "messages" (and optionally "conversation" for all of them and "members",
// the people the tool knows). A message:
//   id (required)      the tool's id for it; the same id again is the same
//                      message, so a delivery retried imports nothing twice
//   time (required)    RFC 3339 with its offset: 2026-03-02T09:15:00+07:00
//   sender (required)  an email address, a phone number or the tool's id
//   text               what was written ("" for a system message)
//   sender_name, conversation, thread, reply_to, subject
//   kind               "text" (default), "system" or "deleted"
//   edited             true when the tool marks it edited
//   fields             an object of strings: "campaign", "person",
//                      "activity" and "status" guide matching
//   attachments        [{name, mime_type, size, sha256}]
//   reactions          [{name, senders: [...]}]
#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "connect/internal/connectors.h"
#include "core/time.h"

namespace livesop::connect::internal {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kSource = "webhook";
// More messages than any one delivery carries; a bigger body is a mistake.
constexpr size_t kMaxMessages = 100'000;
constexpr int kMaxDepth = 16;

// Where in the body, for errors: "hook.json message 3 (id \"x\")".
std::string Where(std::string_view name, size_t index, const Json& message) {
  std::string where =
      std::string(name) + " message " + std::to_string(index + 1);
  if (message.is_object()) {
    const auto id = message.find("id");
    if (id != message.end() && id->is_string()) {
      where += " (id \"" + id->get<std::string>().substr(0, 80) + "\")";
    }
  }
  return where;
}

// Rejects bodies nested deeper than kMaxDepth before they are parsed into
// objects, so a hostile body cannot exhaust the stack or memory.
bool NestedTooDeep(std::string_view bytes) {
  int depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const char c = bytes[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > kMaxDepth) return true;
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

// The offset an RFC 3339 time states, in minutes; false when it states
// none.
bool OffsetOf(std::string_view text, int& minutes) {
  const size_t t = text.find_first_of("Tt ");
  if (t == std::string_view::npos) return false;
  const std::string_view clock = text.substr(t + 1);
  if (!clock.empty() && (clock.back() == 'Z' || clock.back() == 'z')) {
    minutes = 0;
    return true;
  }
  const size_t sign = clock.find_first_of("+-");
  if (sign == std::string_view::npos) return false;
  const std::string_view digits = clock.substr(sign + 1);
  int hours = 0;
  int mins = 0;
  if (digits.size() >= 2) hours = (digits[0] - '0') * 10 + (digits[1] - '0');
  const size_t m = digits.size() > 2 && digits[2] == ':' ? 3 : 2;
  if (digits.size() >= m + 2) {
    mins = (digits[m] - '0') * 10 + (digits[m + 1] - '0');
  }
  minutes = (clock[sign] == '-' ? -1 : 1) * (hours * 60 + mins);
  return true;
}

class Reader {
 public:
  Reader(std::string_view name, Export& out) : name_(name), out_(out) {}

  Status Body(const Json& body) {
    std::string conversation;
    const Json* messages = &body;
    if (body.is_object() && body.contains("messages")) {
      messages = &body["messages"];
      if (!messages->is_array()) {
        return Error(std::string(name_) +
                     ": \"messages\" must be an array of messages");
      }
      LIVESOP_RETURN_IF_ERROR(
          Text(body, "conversation", std::string(name_), conversation));
      if (const auto members = body.find("members"); members != body.end()) {
        LIVESOP_RETURN_IF_ERROR(Members(*members));
      }
    }
    if (messages->is_object()) {
      return One(*messages, 0, conversation);
    }
    if (!messages->is_array()) {
      return Error(std::string(name_) +
                   ": the body must be a message, an array of messages or "
                   "{\"messages\": [...]}");
    }
    if (messages->size() > kMaxMessages) {
      return Error(std::string(name_) + ": " +
                   std::to_string(messages->size()) +
                   " messages in one body, more than " +
                   std::to_string(kMaxMessages) + "; send them in parts");
    }
    for (size_t i = 0; i < messages->size(); ++i) {
      LIVESOP_RETURN_IF_ERROR(One((*messages)[i], i, conversation));
    }
    return OkStatus();
  }

 private:
  static Status Error(std::string text) {
    return InvalidArgumentError(std::move(text));
  }

  // `object[key]` into `out` when it is there: a string, else an error
  // naming `where` and the field.
  static Status Text(const Json& object, const char* key,
                     const std::string& where, std::string& out) {
    const auto it = object.find(key);
    if (it == object.end() || it->is_null()) return OkStatus();
    if (!it->is_string()) {
      return Error(where + ": field \"" + key + "\" must be a string");
    }
    out = it->get<std::string>();
    return OkStatus();
  }

  Status Members(const Json& members) {
    const std::string where = std::string(name_) + " members";
    if (!members.is_array()) {
      return Error(where + ": must be an array of {id, name, email, phone}");
    }
    for (const Json& m : members) {
      if (!m.is_object()) {
        return Error(where + ": each member must be an object");
      }
      Export::Member member;
      LIVESOP_RETURN_IF_ERROR(Text(m, "id", where, member.id));
      LIVESOP_RETURN_IF_ERROR(Text(m, "name", where, member.name));
      LIVESOP_RETURN_IF_ERROR(Text(m, "email", where, member.email));
      LIVESOP_RETURN_IF_ERROR(Text(m, "phone", where, member.phone));
      if (member.id.empty()) return Error(where + ": a member has no id");
      out_.members.push_back(std::move(member));
    }
    return OkStatus();
  }

  Status One(const Json& json, size_t index, const std::string& conversation) {
    const std::string where = Where(name_, index, json);
    if (!json.is_object()) return Error(where + ": must be an object");
    Message message;
    message.source = kSource;
    message.file = std::string(name_);
    message.locator = "message " + std::to_string(index + 1);
    message.conversation = conversation;
    LIVESOP_RETURN_IF_ERROR(Text(json, "id", where, message.id));
    if (message.id.empty()) {
      return Error(where +
                   ": no \"id\"; give the tool's id of the message, so that "
                   "a delivery sent twice is imported once");
    }
    std::string time;
    LIVESOP_RETURN_IF_ERROR(Text(json, "time", where, time));
    if (time.empty()) {
      return Error(where +
                   ": no \"time\"; give when it was written, as "
                   "2026-03-02T09:15:00+07:00");
    }
    Result<int64_t> at = ParseTimestamp(time);
    int offset = 0;
    if (!at.ok() || !OffsetOf(time, offset)) {
      return Error(where + ": field \"time\" is \"" + time.substr(0, 40) +
                   "\"; give a time with its offset, as "
                   "2026-03-02T09:15:00+07:00 or 2026-03-02T02:15:00Z");
    }
    message.time_us = *at;
    message.utc_offset_minutes = offset;
    const int hours = std::abs(offset) / 60;
    const int mins = std::abs(offset) % 60;
    message.zone = std::string(offset < 0 ? "-" : "+") +
                   static_cast<char>('0' + hours / 10) +
                   static_cast<char>('0' + hours % 10) + ":" +
                   static_cast<char>('0' + mins / 10) +
                   static_cast<char>('0' + mins % 10);
    LIVESOP_RETURN_IF_ERROR(Text(json, "sender", where, message.sender));
    if (message.sender.empty()) {
      return Error(where +
                   ": no \"sender\"; give who wrote it (an email address, a "
                   "phone number or the tool's user id)");
    }
    LIVESOP_RETURN_IF_ERROR(
        Text(json, "sender_name", where, message.sender_name));
    LIVESOP_RETURN_IF_ERROR(Text(json, "text", where, message.text));
    LIVESOP_RETURN_IF_ERROR(
        Text(json, "conversation", where, message.conversation));
    LIVESOP_RETURN_IF_ERROR(Text(json, "thread", where, message.thread));
    LIVESOP_RETURN_IF_ERROR(Text(json, "reply_to", where, message.reply_to));
    LIVESOP_RETURN_IF_ERROR(Text(json, "subject", where, message.subject));
    std::string kind = "text";
    LIVESOP_RETURN_IF_ERROR(Text(json, "kind", where, kind));
    if (kind == "text") {
      message.kind = MessageKind::kText;
    } else if (kind == "system") {
      message.kind = MessageKind::kSystem;
    } else if (kind == "deleted") {
      message.kind = MessageKind::kDeleted;
    } else {
      return Error(where + ": field \"kind\" is \"" + kind.substr(0, 40) +
                   "\"; give \"text\", \"system\" or \"deleted\"");
    }
    if (const auto edited = json.find("edited"); edited != json.end()) {
      if (!edited->is_boolean()) {
        return Error(where + ": field \"edited\" must be true or false");
      }
      message.edited = edited->get<bool>();
    }
    if (const auto fields = json.find("fields"); fields != json.end()) {
      if (!fields->is_object()) {
        return Error(where + ": field \"fields\" must be an object of strings");
      }
      for (const auto& [key, value] : fields->items()) {
        if (!value.is_string()) {
          return Error(where + ": fields." + key + " must be a string");
        }
        message.fields[key] = value.get<std::string>();
      }
    }
    LIVESOP_RETURN_IF_ERROR(Attachments(json, where, message));
    LIVESOP_RETURN_IF_ERROR(Reactions(json, where, message));
    out_.messages.push_back(std::move(message));
    return OkStatus();
  }

  static Status Attachments(const Json& json, const std::string& where,
                            Message& message) {
    const auto list = json.find("attachments");
    if (list == json.end()) return OkStatus();
    if (!list->is_array()) {
      return Error(where + ": field \"attachments\" must be an array");
    }
    for (const Json& a : *list) {
      if (!a.is_object()) {
        return Error(where + ": each attachment must be an object");
      }
      Attachment attachment;
      LIVESOP_RETURN_IF_ERROR(Text(a, "name", where, attachment.name));
      LIVESOP_RETURN_IF_ERROR(
          Text(a, "mime_type", where, attachment.mime_type));
      LIVESOP_RETURN_IF_ERROR(Text(a, "sha256", where, attachment.sha256));
      if (!attachment.sha256.empty() &&
          (attachment.sha256.size() != 64 ||
           !std::all_of(
               attachment.sha256.begin(), attachment.sha256.end(), [](char c) {
                 return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
               }))) {
        return Error(where +
                     ": an attachment's sha256 must be 64 lowercase "
                     "hex digits");
      }
      if (const auto size = a.find("size"); size != a.end()) {
        if (!size->is_number_integer() || size->get<int64_t>() < 0) {
          return Error(where +
                       ": an attachment's size must be a whole number of "
                       "bytes");
        }
        attachment.size = size->get<int64_t>();
      }
      attachment.omitted = attachment.sha256.empty();
      message.attachments.push_back(std::move(attachment));
    }
    return OkStatus();
  }

  static Status Reactions(const Json& json, const std::string& where,
                          Message& message) {
    const auto list = json.find("reactions");
    if (list == json.end()) return OkStatus();
    if (!list->is_array()) {
      return Error(where + ": field \"reactions\" must be an array");
    }
    for (const Json& r : *list) {
      if (!r.is_object()) {
        return Error(where + ": each reaction must be {name, senders}");
      }
      Reaction reaction;
      LIVESOP_RETURN_IF_ERROR(Text(r, "name", where, reaction.name));
      const auto senders = r.find("senders");
      if (reaction.name.empty() || senders == r.end() || !senders->is_array()) {
        return Error(where + ": each reaction needs a name and senders");
      }
      for (const Json& sender : *senders) {
        if (!sender.is_string()) {
          return Error(where + ": a reaction's senders must be strings");
        }
        reaction.senders.push_back(sender.get<std::string>());
      }
      message.reactions.push_back(std::move(reaction));
    }
    return OkStatus();
  }

  std::string_view name_;
  Export& out_;
};

class WebhookConnectorImpl final : public Connector {
 public:
  std::string_view Name() const override { return kSource; }
  std::string_view Description() const override {
    return "messages another tool sends as JSON (a signed hook's body, or "
           "the same JSON in a file)";
  }

  Result<Export> Parse(std::string_view name, std::string_view bytes,
                       const ReadOptions& options) const override {
    if (static_cast<int64_t>(bytes.size()) > options.max_bytes) {
      return ResourceExhaustedError(
          std::string(name) + ": " + std::to_string(bytes.size()) +
          " bytes, more than the " + std::to_string(options.max_bytes) +
          " read; send the messages in parts");
    }
    if (NestedTooDeep(bytes)) {
      return InvalidArgumentError(
          std::string(name) + ": JSON nested deeper than " +
          std::to_string(kMaxDepth) + " levels; a message needs 4");
    }
    Json body;
    try {
      body = Json::parse(bytes);
    } catch (const Json::parse_error& error) {
      // nlohmann's byte offset: say where, without echoing the body.
      return InvalidArgumentError(
          std::string(name) + ": not JSON (at byte " +
          std::to_string(error.byte) +
          "); send UTF-8 JSON as docs/side-paths/webhook.md shows");
    } catch (const Json::exception&) {
      // Parsed, but a value does not fit (a number such as 1e999).
      return InvalidArgumentError(
          std::string(name) +
          ": a number is out of range; send numbers as JSON doubles or "
          "strings as docs/side-paths/webhook.md shows");
    }
    Export out;
    out.source = std::string(kSource);
    out.file = std::string(name);
    LIVESOP_RETURN_IF_ERROR(Reader(name, out).Body(body));
    return out;
  }
};

}  // namespace

const Connector& WebhookConnector() {
  static const WebhookConnectorImpl connector;
  return connector;
}

}  // namespace livesop::connect::internal

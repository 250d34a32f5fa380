#include "notify/dispatcher.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <iterator>
#include <optional>
#include <set>
#include <string_view>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/time.h"
#include "notify/inbox.h"
#include "notify/internal/transport.h"
#include "notify/webhook.h"

namespace livesop::notify {
namespace {

using Json = nlohmann::json;

constexpr int64_t kSecondUs = 1000000;
constexpr int64_t kHourUs = 3600 * kSecondUs;

// Stops a scan once a pass has read enough events; not an error.
const Status& BatchFull() {
  static const Status full(StatusCode::kCancelled, "batch full");
  return full;
}

std::string Field(const Json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : "";
}

// The recipients a notification_sent names: `recipients` and `recipient`.
std::vector<std::string> Recipients(const Json& payload) {
  std::vector<std::string> out;
  if (auto it = payload.find("recipients");
      it != payload.end() && it->is_array()) {
    for (const Json& r : *it) {
      if (r.is_string()) out.push_back(r.get<std::string>());
    }
  }
  if (std::string one = Field(payload, "recipient"); !one.empty()) {
    out.push_back(one);
  }
  return out;
}

std::string DefaultOwner() {
  char host[256] = {0};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "localhost") + ":" +
         std::to_string(::getpid());
}

// A message id may not hold ':' (RFC 5322 dot-atom), which keys do.
std::string MessageIdOf(const std::string& key) {
  std::string id = key;
  for (char& c : id) {
    const bool atext = std::isalnum(static_cast<unsigned char>(c)) != 0 ||
                       std::string_view("!#$%&'*+-/=?^_`{|}~.").find(c) !=
                           std::string_view::npos;
    if (!atext) c = '.';
  }
  return id + "@livesop";
}

bool Wants(const store::WebhookEndpoint& endpoint, const std::string& type) {
  return endpoint.event_types.empty() ||
         std::find(endpoint.event_types.begin(), endpoint.event_types.end(),
                   type) != endpoint.event_types.end();
}

std::string EmailBody(const store::Event& e, const Json& payload,
                      const std::string& recipient) {
  std::string body = Field(payload, "body");
  if (!body.empty()) body += "\n\n";
  body += "Campaign: " + e.campaign + "\n";
  if (std::string task = Field(payload, "task"); !task.empty()) {
    body += "Task: " + task + "\n";
  }
  body += "Inbox item: " + std::to_string(e.position) + ":" + recipient + "\n";
  body += "\nSent by livesop; this notification is also in your inbox.\n";
  return body;
}

}  // namespace

int64_t RetryDelayUs(int64_t attempts) {
  static constexpr int64_t kSchedule[] = {kSecondUs * 30, kSecondUs * 60 * 2,
                                          kSecondUs * 60 * 10, kHourUs,
                                          kHourUs * 4};
  constexpr int64_t kCap = 12 * kHourUs;
  if (attempts < 1) attempts = 1;
  const auto steps = static_cast<int64_t>(std::size(kSchedule));
  return attempts <= steps ? kSchedule[attempts - 1] : kCap;
}

Dispatcher::Dispatcher(store::Store& store, const sop::Definition& sop,
                       const Clock& clock, ChannelSettings channels,
                       DispatcherOptions options)
    : store_(store),
      sop_(sop),
      clock_(clock),
      channels_(std::move(channels)),
      options_(std::move(options)),
      calendars_(sop) {
  if (options_.owner.empty()) options_.owner = DefaultOwner();
  if (channels_.mail_from.empty()) channels_.mail_from = "livesop@localhost";
}

std::vector<const sop::Person*> Dispatcher::PeopleNamedBy(
    const std::string& recipient) const {
  std::vector<const sop::Person*> out;
  if (const sop::Person* person = sop_.FindPerson(recipient)) {
    out.push_back(person);
    return out;
  }
  if (sop_.FindRole(recipient) == nullptr) return out;
  for (const sop::Person& p : sop_.people) {
    if (std::find(p.roles.begin(), p.roles.end(), recipient) != p.roles.end()) {
      out.push_back(&p);
    }
  }
  return out;
}

Result<EnqueueCounts> Dispatcher::Enqueue() {
  const int64_t now = clock_.NowMicros();
  LIVESOP_ASSIGN_OR_RETURN(int64_t cursor,
                           store_.DispatchCursor(options_.cursor));
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::WebhookEndpoint> endpoints,
                           store_.WebhookEndpoints());
  std::erase_if(endpoints, [](const auto& e) { return !e.enabled; });
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::NotifyPreference> preferences,
                           store_.NotifyPreferences());
  std::map<std::string, std::string> modes;
  for (const store::NotifyPreference& p : preferences) {
    modes[p.person] = p.email_mode;
  }

  EnqueueCounts counts;
  std::vector<store::Delivery> deliveries;
  int64_t reached = cursor;
  auto add = [&](std::string key, std::string channel, std::string target,
                 std::string subject, std::string body) {
    store::Delivery& d = deliveries.emplace_back();
    d.key = std::move(key);
    d.channel = std::move(channel);
    d.target = std::move(target);
    d.subject = std::move(subject);
    d.body = std::move(body);
    d.next_attempt_us = now;
    d.created_us = now;
  };
  store::EventFilter filter;
  filter.after_position = cursor;
  Status scanned = store_.Scan(filter, [&](const store::Event& e) -> Status {
    if (counts.events >= options_.max_events) return BatchFull();
    ++counts.events;
    reached = e.position;
    const std::string position = std::to_string(e.position);
    if (e.type == "notification_sent") {
      const Json payload = Json::parse(e.payload, nullptr, false);
      const Json fields = payload.is_object() ? payload : Json::object();
      std::set<std::string> done;
      for (const std::string& recipient : Recipients(fields)) {
        for (const sop::Person* person : PeopleNamedBy(recipient)) {
          if (person->email.empty() || !done.insert(person->id).second) {
            continue;
          }
          auto mode = modes.find(person->id);
          if (mode != modes.end() && mode->second != "immediate") continue;
          std::string subject = Field(fields, "subject");
          if (subject.empty()) subject = "livesop: " + e.activity;
          add("email:" + position + ":" + person->id, "email", person->email,
              subject, EmailBody(e, fields, recipient));
        }
      }
    }
    for (const store::WebhookEndpoint& endpoint : endpoints) {
      if (Wants(endpoint, e.type)) {
        add("webhook:" + endpoint.id + ":" + position, "webhook", endpoint.id,
            e.type, WebhookBody(e));
      }
    }
    return OkStatus();
  });
  if (!scanned.ok() && scanned != BatchFull()) return scanned;

  for (const store::NotifyPreference& p : preferences) {
    if (p.email_mode != "daily") continue;
    const sop::Person* person = sop_.FindPerson(p.person);
    if (person == nullptr || person->email.empty()) continue;
    LIVESOP_RETURN_IF_ERROR(AddDigest(*person, p, deliveries));
  }
  if (reached == cursor && deliveries.empty()) return counts;
  LIVESOP_ASSIGN_OR_RETURN(
      counts.enqueued,
      store_.EnqueueDeliveries(deliveries, options_.cursor, reached));
  return counts;
}

Status Dispatcher::AddDigest(const sop::Person& person,
                             const store::NotifyPreference& preference,
                             std::vector<store::Delivery>& out) {
  const WorkCalendar& calendar = calendars_.OfPerson(person.id);
  const int64_t now = clock_.NowMicros();
  const int64_t hour = preference.digest_hour * kHourUs;
  const std::string date = calendar.LocalDate(now);
  LIVESOP_ASSIGN_OR_RETURN(int64_t day_start, calendar.StartOfLocalDate(date));
  const int64_t due = day_start + hour;
  if (now < due) return OkStatus();
  LIVESOP_ASSIGN_OR_RETURN(
      int64_t previous_start,
      calendar.StartOfLocalDate(calendar.LocalDate(day_start - 1)));
  const int64_t since = previous_start + hour;

  LIVESOP_ASSIGN_OR_RETURN(auto inbox, InboxOf(store_, sop_, person.id, false));
  std::vector<const store::InboxItem*> ordered;
  for (const auto& [campaign, items] : inbox) {
    for (const store::InboxItem& item : items) {
      if (item.created_us >= since && item.created_us < due) {
        ordered.push_back(&item);
      }
    }
  }
  if (ordered.empty()) return OkStatus();
  std::sort(ordered.begin(), ordered.end(), [](const auto* a, const auto* b) {
    return a->created_us != b->created_us ? a->created_us < b->created_us
                                          : a->id < b->id;
  });
  std::string body = "Your livesop notifications from " +
                     FormatTimestamp(since) + " to " + FormatTimestamp(due) +
                     ":\n";
  for (const store::InboxItem* item : ordered) {
    body += "\n- " + item->subject + " (campaign " + item->campaign +
            (item->read_us != 0 ? ", read" : "") + ")\n";
    if (!item->body.empty()) body += "  " + item->body + "\n";
    body += "  inbox item " + item->id + "\n";
  }
  store::Delivery& d = out.emplace_back();
  d.key = "digest:" + person.id + ":" + date;
  d.channel = "digest";
  d.target = person.email;
  d.subject = "livesop digest for " + date + ": " +
              std::to_string(ordered.size()) + " notification" +
              (ordered.size() == 1 ? "" : "s");
  d.body = std::move(body);
  d.next_attempt_us = now;
  d.created_us = now;
  return OkStatus();
}

Result<DeliverCounts> Dispatcher::Deliver() {
  LIVESOP_ASSIGN_OR_RETURN(
      std::vector<store::Delivery> claimed,
      store_.ClaimDeliveries(options_.owner, clock_.NowMicros(),
                             options_.lease_us, options_.batch));
  DeliverCounts counts;
  if (claimed.empty()) return counts;
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::WebhookEndpoint> endpoints,
                           store_.WebhookEndpoints());
  for (const store::Delivery& d : claimed) {
    const Status sent = Send(d, endpoints);
    Status recorded;
    if (sent.ok()) {
      recorded =
          store_.MarkDeliverySent(d.id, options_.owner, clock_.NowMicros());
      if (recorded.ok()) ++counts.sent;
    } else {
      const int64_t attempts = d.attempts + 1;
      // An endpoint that is gone will never answer: no point in retrying.
      const bool hopeless = sent.code() == StatusCode::kNotFound;
      std::optional<int64_t> retry_at;
      if (!hopeless && attempts < options_.max_attempts) {
        retry_at = clock_.NowMicros() + RetryDelayUs(attempts);
      }
      recorded = store_.MarkDeliveryFailed(d.id, options_.owner, sent.message(),
                                           retry_at);
      if (recorded.ok()) ++(retry_at ? counts.failed : counts.dead);
    }
    // A lease that ran out means another dispatcher owns the row now; its
    // attempt is the one recorded.
    if (!recorded.ok() && recorded.code() != StatusCode::kFailedPrecondition) {
      return recorded;
    }
  }
  return counts;
}

Status Dispatcher::Send(const store::Delivery& delivery,
                        const std::vector<store::WebhookEndpoint>& endpoints) {
  if (delivery.channel == "webhook") {
    for (const store::WebhookEndpoint& endpoint : endpoints) {
      if (endpoint.id == delivery.target) {
        return SendWebhook(endpoint, delivery.key, delivery.body);
      }
    }
    return NotFoundError("the webhook endpoint " + delivery.target +
                         " was removed");
  }
  return SendEmail(delivery.target, delivery.subject, delivery.body,
                   MessageIdOf(delivery.key));
}

Status Dispatcher::SendWebhook(const store::WebhookEndpoint& endpoint,
                               const std::string& id, const std::string& body) {
  const int64_t timestamp = clock_.NowMicros() / kSecondUs;
  LIVESOP_ASSIGN_OR_RETURN(std::string signature,
                           SignWebhook(endpoint.secret, id, timestamp, body));
  return internal::PostJson(
      endpoint.url,
      {"webhook-id: " + id, "webhook-timestamp: " + std::to_string(timestamp),
       "webhook-signature: " + signature},
      body, {channels_.connect_timeout_ms, channels_.timeout_ms});
}

Status Dispatcher::SendEmail(const std::string& to, const std::string& subject,
                             const std::string& body,
                             const std::string& message_id) {
  if (channels_.smtp_url.empty()) {
    return UnavailableError(
        "no SMTP server is set; give one with --smtp or LIVESOP_SMTP");
  }
  internal::MailMessage message;
  message.from = channels_.mail_from;
  message.to = to;
  message.subject = subject;
  message.body = body;
  message.message_id = message_id;
  message.date_us = clock_.NowMicros();
  return internal::SendMail(
      channels_.smtp_url, message,
      {channels_.connect_timeout_ms, channels_.timeout_ms});
}

Status Dispatcher::SendTest(const std::string& target) {
  const int64_t now = clock_.NowMicros();
  const std::string stamp = std::to_string(now);
  if (target.find('@') != std::string::npos) {
    LIVESOP_RETURN_IF_ERROR(internal::CheckEmailAddress(target));
    return SendEmail(target, "livesop test message",
                     "This is a test message from livesop: email delivery "
                     "works.\n",
                     "test." + stamp + "@livesop");
  }
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::WebhookEndpoint> endpoints,
                           store_.WebhookEndpoints());
  for (const store::WebhookEndpoint& endpoint : endpoints) {
    if (endpoint.id != target) continue;
    const Json body = {{"type", "notify_test"},
                       {"timestamp", FormatTimestamp(now)},
                       {"data", {{"message", "a test message from livesop"}}}};
    return SendWebhook(endpoint, "test:" + stamp, body.dump());
  }
  return NotFoundError("no webhook endpoint \"" + target +
                       "\"; `livesop notify webhook list` shows them, and an "
                       "email address needs an @");
}

}  // namespace livesop::notify

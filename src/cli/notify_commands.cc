// livesop notify run|webhook add|list|remove|deliveries|replay|prefs|test
// and livesop inbox [read]: parse, call the notify module or the store,
// format.
#include "cli/notify_commands.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "cli/exit_codes.h"
#include "cli/store_commands.h"
#include "cli/workflow.h"
#include "core/clock.h"
#include "core/text.h"
#include "notify/dispatcher.h"
#include "notify/inbox.h"
#include "notify/webhook.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

constexpr const char* kCodes =
    "Exit codes: 0 done, 1 refused (an unknown person, delivery or "
    "endpoint, a malformed URL or secret), 2 usage error, 3 the store "
    "failed.";

struct NotifyArgs {
  std::string db;
  std::string sop;
  bool json = false;
  // run
  bool once = false;
  std::string smtp;
  std::string mail_from;
  double interval_s = 5;
  int timeout_ms = 10000;
  int64_t max_attempts = 8;
  // webhook add, remove
  std::string url;
  std::string events;
  std::string secret;
  std::string id;
  // deliveries, replay
  std::string status;
  int64_t limit = 100;
  std::vector<std::string> ids;
  bool dead = false;
  // prefs, inbox
  std::string person;
  std::string email_mode;
  int digest_hour = -1;
  bool unread = false;
  std::vector<std::string> items;
  bool all = false;
  // test
  std::string email;
  std::string webhook;
};

volatile std::sig_atomic_t g_stop = 0;
void RequestStop(int) { g_stop = 1; }

WorkflowArgs SessionArgs(const NotifyArgs& args) {
  WorkflowArgs w;
  w.db = args.db;
  w.sop = args.sop;
  w.json = args.json;
  return w;
}

void AddSop(CLI::App* command, NotifyArgs& args) {
  command
      ->add_option("--sop", args.sop,
                   "The root YAML file of the SOP (its people, roles and "
                   "calendars); default from LIVESOP_SOP, else the latest "
                   "published version")
      ->envname("LIVESOP_SOP");
}

void AddCommon(CLI::App* command, NotifyArgs& args) {
  AddDb(command, args.db);
  command->add_flag("--json", args.json, "Print the result as JSON");
  command->footer(kCodes);
}

// NotFound naming `person` and the closest person of `sop`, unless `person`
// is one.
Status CheckPerson(const sop::Definition& sop, const std::string& person) {
  if (sop.FindPerson(person) != nullptr) return OkStatus();
  std::vector<std::string> ids;
  for (const sop::Person& p : sop.people) ids.push_back(p.id);
  const std::string hint = ClosestMatch(person, ids);
  return NotFoundError("\"" + person + "\" is not a person of the SOP" +
                       (hint.empty() ? "" : "; did you mean " + hint + "?"));
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string item(Trim(std::string_view(text).substr(start, comma - start)));
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

Json DeliveryToJson(const store::Delivery& d) {
  return {{"id", d.id},
          {"key", d.key},
          {"channel", d.channel},
          {"target", d.target},
          {"subject", d.subject},
          {"status", d.status},
          {"attempts", d.attempts},
          {"next_attempt",
           d.status == "pending" ? TimeJson(d.next_attempt_us) : Json(nullptr)},
          {"last_error", d.last_error},
          {"created", TimeJson(d.created_us)},
          {"sent", TimeJson(d.sent_us)}};
}

Json EndpointToJson(const store::WebhookEndpoint& e) {
  return {{"id", e.id},
          {"url", e.url},
          {"events", e.event_types},
          {"enabled", e.enabled},
          {"created", TimeJson(e.created_us)}};
}

notify::ChannelSettings Channels(const NotifyArgs& args) {
  notify::ChannelSettings channels;
  channels.smtp_url = args.smtp;
  if (!args.mail_from.empty()) channels.mail_from = args.mail_from;
  channels.timeout_ms = args.timeout_ms;
  channels.connect_timeout_ms = std::min(5000, args.timeout_ms);
  return channels;
}

// Checks what --smtp and --mail-from hold before anything is sent.
Status CheckChannels(const NotifyArgs& args) {
  if (!args.smtp.empty() && !args.smtp.starts_with("smtp://") &&
      !args.smtp.starts_with("smtps://")) {
    return InvalidArgumentError(
        "--smtp must be smtp://HOST[:PORT] or smtps://HOST[:PORT] (optionally "
        "with USER:PASSWORD@ before the host)");
  }
  if (!args.mail_from.empty() &&
      (args.mail_from.find('@') == std::string::npos ||
       args.mail_from.find_first_of(" <>\r\n") != std::string::npos)) {
    return InvalidArgumentError("--mail-from \"" + args.mail_from +
                                "\" is not an email address");
  }
  if (args.timeout_ms <= 0) {
    return InvalidArgumentError("--timeout-ms must be positive");
  }
  return OkStatus();
}

int RunNotifyRun(const NotifyArgs& args) {
  const std::string command = "notify run";
  if (Status ok = CheckChannels(args); !ok.ok()) {
    return UsageError(command, ok.message());
  }
  if (args.interval_s <= 0) {
    return UsageError(command, "--interval must be more than 0 seconds");
  }
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  notify::DispatcherOptions options;
  options.max_attempts = args.max_attempts;
  notify::Dispatcher dispatcher(*session.store, session.sop, SystemClock(),
                                Channels(args), options);
  std::signal(SIGINT, RequestStop);
  std::signal(SIGTERM, RequestStop);
  int64_t enqueued = 0;
  notify::DeliverCounts total;
  while (true) {
    Result<notify::EnqueueCounts> added = dispatcher.Enqueue();
    if (!added.ok()) return Fail(command, added.status(), args.json);
    enqueued += added->enqueued;
    notify::DeliverCounts pass;
    // Deliver claims one batch; go on while batches come back full.
    while (true) {
      Result<notify::DeliverCounts> done = dispatcher.Deliver();
      if (!done.ok()) return Fail(command, done.status(), args.json);
      pass.sent += done->sent;
      pass.failed += done->failed;
      pass.dead += done->dead;
      if (done->sent + done->failed + done->dead < options.batch ||
          g_stop != 0) {
        break;
      }
    }
    total.sent += pass.sent;
    total.failed += pass.failed;
    total.dead += pass.dead;
    if (args.once) break;
    if (added->enqueued + pass.sent + pass.failed + pass.dead > 0) {
      std::cout << "enqueued " << added->enqueued << ", sent " << pass.sent
                << ", failed " << pass.failed << ", dead " << pass.dead
                << std::endl;
    }
    for (int waited = 0; waited < args.interval_s * 10 && g_stop == 0;
         ++waited) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (g_stop != 0) break;
  }
  if (args.json) {
    std::cout << Json({{"ok", true},
                       {"enqueued", enqueued},
                       {"sent", total.sent},
                       {"failed", total.failed},
                       {"dead", total.dead}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << "enqueued " << enqueued << ", sent " << total.sent
              << ", failed " << total.failed << ", dead " << total.dead << "\n";
  }
  return kExitOk;
}

int RunWebhookAdd(const NotifyArgs& args) {
  const std::string command = "notify webhook add";
  if (Status ok = notify::CheckWebhookUrl(args.url); !ok.ok()) {
    return Fail(command, ok, args.json);
  }
  store::WebhookEndpoint endpoint;
  endpoint.url = args.url;
  endpoint.event_types = SplitList(args.events);
  if (!args.events.empty() && endpoint.event_types.empty()) {
    return UsageError(command,
                      "--events needs event types such as "
                      "task_created,notification_sent (leave it out for every "
                      "event)");
  }
  endpoint.secret = args.secret;
  if (endpoint.secret.empty()) {
    Result<std::string> secret = NewWebhookSecret();
    if (!secret.ok()) return Fail(command, secret.status(), args.json);
    endpoint.secret = *secret;
  } else if (Status ok = CheckWebhookSecret(endpoint.secret); !ok.ok()) {
    return Fail(command, ok, args.json);
  }
  Result<std::string> id = notify::NewEndpointId();
  if (!id.ok()) return Fail(command, id.status(), args.json);
  endpoint.id = *id;
  endpoint.created_us = SystemClock().NowMicros();
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/false, session);
      code != kExitOk) {
    return code;
  }
  if (Status added = session.store->AddWebhookEndpoint(endpoint); !added.ok()) {
    return Fail(command, added, args.json);
  }
  if (args.json) {
    Json out = EndpointToJson(endpoint);
    out["secret"] = endpoint.secret;
    std::cout << Json({{"ok", true}, {"endpoint", out}}).dump(2) << "\n";
  } else {
    std::cout << "added webhook endpoint " << endpoint.id << " for "
              << endpoint.url << " ("
              << (endpoint.event_types.empty() ? std::string("every event")
                                               : "events " + args.events)
              << ")\n"
              << "secret: " << endpoint.secret << "\n"
              << "keep the secret now: it is not shown again; receivers "
                 "check each request's webhook-signature with it\n";
  }
  return kExitOk;
}

int RunWebhookList(const NotifyArgs& args) {
  const std::string command = "notify webhook list";
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/false, session);
      code != kExitOk) {
    return code;
  }
  Result<std::vector<store::WebhookEndpoint>> all =
      session.store->WebhookEndpoints();
  if (!all.ok()) return Fail(command, all.status(), args.json);
  if (args.json) {
    Json list = Json::array();
    for (const auto& e : *all) list.push_back(EndpointToJson(e));
    std::cout << Json({{"ok", true}, {"endpoints", list}}).dump(2) << "\n";
    return kExitOk;
  }
  if (all->empty()) {
    std::cout << "no webhook endpoints; add one with `livesop notify webhook "
                 "add URL`\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "URL", "EVENTS", "CREATED"}};
  for (const auto& e : *all) {
    const std::string events = Join(e.event_types, ",");
    rows.push_back({e.id, e.url, events.empty() ? "(all)" : events,
                    TimeText(e.created_us)});
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

int RunWebhookRemove(const NotifyArgs& args) {
  const std::string command = "notify webhook remove";
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/false, session);
      code != kExitOk) {
    return code;
  }
  Status removed = session.store->RemoveWebhookEndpoint(args.id);
  if (!removed.ok()) {
    if (removed.code() == StatusCode::kNotFound) {
      removed = NotFoundError("no webhook endpoint \"" + args.id +
                              "\"; `livesop notify webhook list` shows them");
    }
    return Fail(command, removed, args.json);
  }
  if (args.json) {
    std::cout << Json({{"ok", true}, {"removed", args.id}}).dump(2) << "\n";
  } else {
    std::cout << "removed webhook endpoint " << args.id
              << "; its pending deliveries will end dead\n";
  }
  return kExitOk;
}

int RunDeliveries(const NotifyArgs& args) {
  const std::string command = "notify deliveries";
  if (!args.status.empty() && args.status != "pending" &&
      args.status != "sent" && args.status != "dead") {
    return UsageError(command, "unknown status \"" + args.status +
                                   "\"; use pending, sent or dead");
  }
  if (args.limit <= 0) return UsageError(command, "--limit must be positive");
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/false, session);
      code != kExitOk) {
    return code;
  }
  Result<std::vector<store::Delivery>> rows =
      session.store->Deliveries({args.status, args.limit});
  if (!rows.ok()) return Fail(command, rows.status(), args.json);
  if (args.json) {
    Json list = Json::array();
    for (const auto& d : *rows) list.push_back(DeliveryToJson(d));
    std::cout << Json({{"ok", true}, {"deliveries", list}}).dump(2) << "\n";
    return kExitOk;
  }
  if (rows->empty()) {
    std::cout << "no deliveries"
              << (args.status.empty() ? "" : " " + args.status) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> table = {{"ID", "STATUS", "CHANNEL",
                                                  "TARGET", "ATTEMPTS", "NEXT",
                                                  "KEY", "LAST ERROR"}};
  for (const auto& d : *rows) {
    table.push_back({std::to_string(d.id), d.status, d.channel, d.target,
                     std::to_string(d.attempts),
                     d.status == "pending" ? TimeText(d.next_attempt_us) : "",
                     d.key, d.last_error.substr(0, 80)});
  }
  PrintTable(table, std::cout);
  return kExitOk;
}

int RunReplay(const NotifyArgs& args) {
  const std::string command = "notify replay";
  if (args.dead == !args.ids.empty()) {
    return UsageError(command, "give delivery ids or --dead (not both)");
  }
  std::vector<int64_t> ids;
  for (const std::string& text : args.ids) {
    char* end = nullptr;
    const long long id = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || id <= 0) {
      return UsageError(command, "\"" + text +
                                     "\" is not a delivery id; `livesop "
                                     "notify deliveries` lists them");
    }
    ids.push_back(id);
  }
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/false, session);
      code != kExitOk) {
    return code;
  }
  const int64_t now = SystemClock().NowMicros();
  int64_t replayed = 0;
  if (args.dead) {
    Result<int64_t> count = session.store->ReplayDeadDeliveries(now);
    if (!count.ok()) return Fail(command, count.status(), args.json);
    replayed = *count;
  } else {
    for (int64_t id : ids) {
      if (Status done = session.store->ReplayDelivery(id, now); !done.ok()) {
        return Fail(command, done, args.json);
      }
      ++replayed;
    }
  }
  if (args.json) {
    std::cout << Json({{"ok", true}, {"replayed", replayed}}).dump(2) << "\n";
  } else {
    std::cout << "replayed " << replayed
              << (replayed == 1 ? " delivery" : " deliveries")
              << "; the next `livesop notify run` sends "
              << (replayed == 1 ? "it" : "them") << "\n";
  }
  return kExitOk;
}

int RunPrefs(const NotifyArgs& args, bool setting) {
  const std::string command = "notify prefs";
  if (!setting && args.digest_hour >= 0) {
    return UsageError(command, "--digest-hour needs --email");
  }
  if (setting && args.email_mode != "immediate" && args.email_mode != "daily" &&
      args.email_mode != "off") {
    return UsageError(command, "unknown email mode \"" + args.email_mode +
                                   "\"; use immediate, daily or off");
  }
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  if (Status known = CheckPerson(session.sop, args.person); !known.ok()) {
    return Fail(command, known, args.json);
  }
  Result<store::NotifyPreference> current =
      session.store->NotifyPreferenceOf(args.person);
  if (!current.ok()) return Fail(command, current.status(), args.json);
  store::NotifyPreference preference = *current;
  if (setting) {
    preference.email_mode = args.email_mode;
    if (args.digest_hour >= 0) preference.digest_hour = args.digest_hour;
    preference.updated_us = SystemClock().NowMicros();
    if (Status set = session.store->SetNotifyPreference(preference);
        !set.ok()) {
      return Fail(command, set, args.json);
    }
  }
  const sop::Person* person = session.sop.FindPerson(args.person);
  if (args.json) {
    std::cout << Json({{"ok", true},
                       {"person", preference.person},
                       {"email", person->email},
                       {"email_mode", preference.email_mode},
                       {"digest_hour", preference.digest_hour}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << preference.person << ": email "
              << (person->email.empty() ? "(no address in the SOP)"
                                        : person->email)
              << ", mode " << preference.email_mode;
    if (preference.email_mode == "daily") {
      std::cout << ", digest at " << preference.digest_hour << ":00 local time";
    }
    std::cout << "\n";
  }
  return kExitOk;
}

int RunTest(const NotifyArgs& args) {
  const std::string command = "notify test";
  if (args.email.empty() == args.webhook.empty()) {
    return UsageError(command, "give --email ADDRESS or --webhook ID");
  }
  if (Status ok = CheckChannels(args); !ok.ok()) {
    return UsageError(command, ok.message());
  }
  if (!args.email.empty() && args.smtp.empty()) {
    return UsageError(command,
                      "an email test needs an SMTP server: --smtp URL or "
                      "LIVESOP_SMTP");
  }
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/false, session);
      code != kExitOk) {
    return code;
  }
  const sop::Definition none;
  notify::Dispatcher dispatcher(*session.store, none, SystemClock(),
                                Channels(args));
  const std::string target = args.email.empty() ? args.webhook : args.email;
  if (!args.email.empty() && args.email.find('@') == std::string::npos) {
    return Fail(
        command,
        InvalidArgumentError("\"" + args.email + "\" is not an email address"),
        args.json);
  }
  Status sent = dispatcher.SendTest(target);
  if (!sent.ok()) {
    // A refused test is the receiver's answer, not the store's failure.
    if (sent.code() == StatusCode::kUnavailable ||
        sent.code() == StatusCode::kDeadlineExceeded) {
      std::cerr << "livesop " << command
                << ": not delivered: " << sent.message() << "\n";
      if (args.json) {
        std::cout << Json({{"ok", false},
                           {"error",
                            {{"code", std::string(StatusCodeName(sent.code()))},
                             {"message", sent.message()}}}})
                         .dump(2)
                  << "\n";
      }
      return kExitInvalid;
    }
    return Fail(command, sent, args.json);
  }
  if (args.json) {
    std::cout << Json({{"ok", true}, {"target", target}}).dump(2) << "\n";
  } else {
    std::cout << "delivered a test message to " << target << "\n";
  }
  return kExitOk;
}

int RunInbox(const NotifyArgs& args) {
  const std::string command = "inbox";
  if (args.person.empty()) {
    return UsageError(command, "name the person: livesop inbox PERSON");
  }
  if (args.db.empty()) {
    return UsageError(command, "--db is required (or LIVESOP_DB)");
  }
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  if (Status known = CheckPerson(session.sop, args.person); !known.ok()) {
    return Fail(command, known, args.json);
  }
  Result<std::map<std::string, std::vector<store::InboxItem>>> inbox =
      notify::InboxOf(*session.store, session.sop, args.person, args.unread);
  if (!inbox.ok()) return Fail(command, inbox.status(), args.json);
  const auto& by_campaign = *inbox;
  if (args.json) {
    Json groups = Json::array();
    int64_t unread_total = 0;
    for (const auto& [campaign, items] : by_campaign) {
      Json list = Json::array();
      int64_t unread = 0;
      for (const auto& item : items) {
        if (item.read_us == 0) ++unread;
        list.push_back({{"id", item.id},
                        {"recipient", item.recipient},
                        {"task", item.task},
                        {"subject", item.subject},
                        {"body", item.body},
                        {"created", TimeJson(item.created_us)},
                        {"read", TimeJson(item.read_us)}});
      }
      unread_total += unread;
      groups.push_back(
          {{"campaign", campaign}, {"unread", unread}, {"items", list}});
    }
    std::cout << Json({{"ok", true},
                       {"person", args.person},
                       {"unread", unread_total},
                       {"campaigns", groups}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  if (by_campaign.empty()) {
    std::cout << args.person << " has no " << (args.unread ? "unread " : "")
              << "notifications\n";
    return kExitOk;
  }
  for (const auto& [campaign, items] : by_campaign) {
    int64_t unread = 0;
    for (const auto& item : items) unread += item.read_us == 0 ? 1 : 0;
    std::cout << campaign << " (" << unread << " unread)\n";
    for (const auto& item : items) {
      std::cout << "  " << (item.read_us == 0 ? "* " : "  ") << item.id << "  "
                << TimeText(item.created_us) << "  " << item.subject << "\n";
    }
  }
  return kExitOk;
}

int RunInboxRead(const NotifyArgs& args) {
  const std::string command = "inbox read";
  if (args.all == !args.items.empty()) {
    return UsageError(command, "give inbox item ids or --all (not both)");
  }
  Session session;
  if (const int code =
          OpenSession(SessionArgs(args), command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  if (Status known = CheckPerson(session.sop, args.person); !known.ok()) {
    return Fail(command, known, args.json);
  }
  Result<int64_t> marked =
      notify::MarkRead(*session.store, session.sop, args.person,
                       args.all ? std::vector<std::string>{} : args.items,
                       SystemClock().NowMicros());
  if (!marked.ok()) return Fail(command, marked.status(), args.json);
  if (args.json) {
    std::cout << Json({{"ok", true}, {"marked_read", *marked}}).dump(2) << "\n";
  } else {
    std::cout << "marked " << *marked << (*marked == 1 ? " item" : " items")
              << " read for " << args.person << "\n";
  }
  return kExitOk;
}

}  // namespace

std::function<int()> AddNotifyCommands(CLI::App& app) {
  auto args = std::make_shared<NotifyArgs>();
  NotifyArgs& a = *args;

  CLI::App* notify = app.add_subcommand(
      "notify", "Deliver notifications by email and webhooks");
  notify->require_subcommand(1);

  CLI::App* run = notify->add_subcommand(
      "run",
      "Turn new events into deliveries and send what is due, every few "
      "seconds until interrupted (or once with --once)");
  AddCommon(run, a);
  AddSop(run, a);
  run->add_flag("--once", a.once, "One pass, then print the counts and exit");
  run->add_option("--smtp", a.smtp,
                  "The SMTP server: smtp://HOST[:PORT] or smtps://…, with "
                  "USER:PASSWORD@ when it asks for a login; default from "
                  "LIVESOP_SMTP")
      ->envname("LIVESOP_SMTP");
  run->add_option("--mail-from", a.mail_from,
                  "The From address of emails (default livesop@localhost, "
                  "or LIVESOP_MAIL_FROM)")
      ->envname("LIVESOP_MAIL_FROM");
  run->add_option("--interval", a.interval_s,
                  "Seconds between passes (default 5)");
  run->add_option("--timeout-ms", a.timeout_ms,
                  "How long one delivery attempt may take (default 10000)");
  run->add_option("--max-attempts", a.max_attempts,
                  "Attempts before a delivery is dead (default 8)")
      ->check(CLI::PositiveNumber);
  run->footer(
      "Exit codes: 0 done (failed deliveries are retried later and listed by "
      "`notify deliveries`), 1 an invalid SOP, 2 usage error, 3 the store "
      "failed.");

  CLI::App* webhook =
      notify->add_subcommand("webhook", "Add, list and remove receivers");
  webhook->require_subcommand(1);
  CLI::App* add = webhook->add_subcommand(
      "add", "Add a webhook endpoint; prints its id and secret once");
  AddCommon(add, a);
  add->add_option("URL", a.url, "Where to POST: http:// or https://")
      ->required();
  add->add_option("--events", a.events,
                  "Only these event types, comma-separated (default every "
                  "event)");
  add->add_option("--secret", a.secret,
                  "The signing secret, whsec_ and base64 of 24+ bytes "
                  "(default a new random one)");
  CLI::App* list = webhook->add_subcommand("list", "List webhook endpoints");
  AddCommon(list, a);
  CLI::App* remove =
      webhook->add_subcommand("remove", "Remove a webhook endpoint");
  AddCommon(remove, a);
  remove->add_option("ID", a.id, "The endpoint's id (wh_…)")->required();

  CLI::App* deliveries = notify->add_subcommand(
      "deliveries", "List the outbox: pending, sent and dead deliveries");
  AddCommon(deliveries, a);
  deliveries->add_option("--status", a.status,
                         "Only pending, sent or dead deliveries");
  deliveries->add_option("--limit", a.limit,
                         "At most this many, newest first (default 100)");

  CLI::App* replay = notify->add_subcommand(
      "replay", "Send deliveries again: due now, attempts reset");
  AddCommon(replay, a);
  replay->add_option("ID", a.ids, "Delivery ids (notify deliveries)");
  replay->add_flag("--dead", a.dead, "Every dead delivery");

  CLI::App* prefs =
      notify->add_subcommand("prefs", "Show or set how a person gets email");
  AddCommon(prefs, a);
  AddSop(prefs, a);
  prefs->add_option("PERSON", a.person, "A person id of the SOP")->required();
  CLI::Option* email_mode = prefs->add_option(
      "--email", a.email_mode,
      "immediate (one email per notification, the default), daily (one "
      "digest a day) or off");
  prefs
      ->add_option("--digest-hour", a.digest_hour,
                   "The local hour of the daily digest, 0-23 (default 8)")
      ->check(CLI::Range(0, 23));

  CLI::App* test = notify->add_subcommand(
      "test", "Send a test message now to an address or a webhook endpoint");
  AddCommon(test, a);
  test->add_option("--email", a.email, "An email address");
  test->add_option("--webhook", a.webhook, "A webhook endpoint's id");
  test->add_option("--smtp", a.smtp, "The SMTP server (as for notify run)")
      ->envname("LIVESOP_SMTP");
  test->add_option("--mail-from", a.mail_from, "The From address")
      ->envname("LIVESOP_MAIL_FROM");
  test->add_option("--timeout-ms", a.timeout_ms,
                   "How long the attempt may take (default 10000)");
  test->footer(
      "Exit codes: 0 delivered, 1 not delivered (the receiver's answer is "
      "printed) or an unknown endpoint, 2 usage error, 3 the store failed.");

  CLI::App* inbox = app.add_subcommand(
      "inbox",
      "A person's notifications, by campaign; `inbox read` marks "
      "them read");
  // `inbox read` has a --db of its own, so the group's is not required
  // when a subcommand runs; RunInbox checks it.
  AddCommon(inbox, a);
  inbox->get_option("--db")->required(false);
  AddSop(inbox, a);
  inbox->add_option("PERSON", a.person, "A person id of the SOP");
  inbox->add_flag("--unread", a.unread, "Only unread items");
  CLI::App* read = inbox->add_subcommand("read", "Mark inbox items read");
  AddCommon(read, a);
  AddSop(read, a);
  read->add_option("PERSON", a.person, "A person id of the SOP")->required();
  read->add_option("ITEM", a.items, "Inbox item ids (POSITION:RECIPIENT)");
  read->add_flag("--all", a.all, "Every item of the person");

  return [=]() -> int {
    if (run->parsed()) return RunNotifyRun(*args);
    if (add->parsed()) return RunWebhookAdd(*args);
    if (list->parsed()) return RunWebhookList(*args);
    if (remove->parsed()) return RunWebhookRemove(*args);
    if (deliveries->parsed()) return RunDeliveries(*args);
    if (replay->parsed()) return RunReplay(*args);
    if (prefs->parsed()) return RunPrefs(*args, email_mode->count() > 0);
    if (test->parsed()) return RunTest(*args);
    if (read->parsed()) return RunInboxRead(*args);
    if (inbox->parsed() && inbox->get_subcommands().empty()) {
      return RunInbox(*args);
    }
    return -1;
  };
}

}  // namespace livesop::cli

// Delivery of notifications outside the app (docs/notifications.md): the
// dispatcher turns events into rows of the store's outbox (emails to the
// people a notification_sent names, webhooks to the endpoints that want the
// event, a daily digest for people who asked for one), then sends what is
// due, retrying failures with backoff. It runs apart from the engine's
// commands, so a slow or dead receiver never holds up work; nothing is
// lost, since every message stays in the outbox, pending or dead, until it
// is sent.
//
// Thread safety: one Dispatcher per thread, each on its own Store. Several
// dispatchers (threads, processes, machines) may share one database: leases
// keep them from sending the same delivery twice at once.
#ifndef LIVESOP_NOTIFY_DISPATCHER_H_
#define LIVESOP_NOTIFY_DISPATCHER_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/status.h"
#include "engine/facts.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::notify {

// Where email goes and how long an attempt may take.
struct ChannelSettings {
  // smtp://HOST[:PORT], smtps://HOST[:PORT], optionally with USER:PASSWORD@
  // before the host. Default empty: email and digest deliveries fail with
  // "no SMTP server" and wait in the outbox until one is set.
  std::string smtp_url;
  // The From address of every email. Default "livesop@localhost".
  std::string mail_from = "livesop@localhost";
  // Default 5000 ms: how long connecting to a receiver may take.
  int connect_timeout_ms = 5000;
  // Default 10000 ms: how long one attempt may take in all. A receiver
  // slower than this fails the attempt, which is retried later.
  int timeout_ms = 10000;
};

struct DispatcherOptions {
  // Default "notify": the name of the cursor in the store. Dispatchers that
  // share a cursor share the work.
  std::string cursor = "notify";
  // The lease owner written on claimed rows. Default empty: "HOST:PID".
  std::string owner;
  // Default 5 minutes: how long a claimed delivery stays with this
  // dispatcher. Longer than an attempt can take, so a lease only runs out
  // when its dispatcher died.
  int64_t lease_us = int64_t{5} * 60 * 1000000;
  // Default 50: deliveries claimed per Deliver call.
  int64_t batch = 50;
  // Default 8: attempts before a delivery is dead.
  int64_t max_attempts = 8;
  // Default 10000: events turned into deliveries per Enqueue call; the
  // next call goes on from there.
  int64_t max_events = 10000;
};

struct EnqueueCounts {
  int64_t events = 0;    // events read after the cursor
  int64_t enqueued = 0;  // deliveries added (rows already there not counted)
};

struct DeliverCounts {
  int64_t sent = 0;
  int64_t failed = 0;  // failed, retried later
  int64_t dead = 0;    // failed for the last time
};

// The wait before attempt `attempts + 1`, after `attempts` attempts failed
// (1 or more): 30 s, 2 min, 10 min, 1 h, 4 h, then 12 h each time.
int64_t RetryDelayUs(int64_t attempts);

class Dispatcher {
 public:
  // `store`, `sop` and `clock` must outlive the dispatcher. `sop` gives the
  // people (email, calendar), the roles a recipient may name and the
  // calendars whose time zones place digest hours.
  Dispatcher(store::Store& store, const sop::Definition& sop,
             const Clock& clock, ChannelSettings channels,
             DispatcherOptions options = {});

  // Reads the events after the cursor and enqueues, with the cursor moved
  // past them in the same transaction:
  //  - for each notification_sent, an email (key "email:POSITION:PERSON")
  //    to every person it names, a role naming each of its holders, who
  //    has an email address and the email mode "immediate";
  //  - for each event a webhook endpoint wants, a webhook (key
  //    "webhook:ENDPOINT:POSITION");
  //  - for each person in "daily" mode whose digest hour has passed today
  //    (their calendar's local time), one digest of the notifications
  //    since the previous digest hour (key "digest:PERSON:DATE"), when
  //    there are any.
  // Running it again, or after a crash, adds nothing twice. Errors are the
  // store's.
  Result<EnqueueCounts> Enqueue();

  // Claims the due deliveries (one batch) and sends each: sent, or failed
  // and retried after RetryDelayUs, or dead after max_attempts. A failed
  // send is an outcome, not an error; errors are the store's.
  Result<DeliverCounts> Deliver();

  // Sends a test message now, outside the outbox: an email when `target`
  // holds an @, else to the webhook endpoint with that id. OK when it was
  // accepted; otherwise the error of the attempt (InvalidArgument for a
  // malformed target, NotFound for an unknown endpoint).
  Status SendTest(const std::string& target);

  // The people `recipient` names: the person with that id, or the holders
  // of the role with that id, in the SOP's order; empty when it names
  // neither.
  std::vector<const sop::Person*> PeopleNamedBy(
      const std::string& recipient) const;

 private:
  // One attempt to send `delivery`; its result is what the outbox records.
  Status Send(const store::Delivery& delivery,
              const std::vector<store::WebhookEndpoint>& endpoints);
  Status SendWebhook(const store::WebhookEndpoint& endpoint,
                     const std::string& id, const std::string& body);
  Status SendEmail(const std::string& to, const std::string& subject,
                   const std::string& body, const std::string& message_id);
  // The digest `person` is owed now, if any, appended to `out`.
  Status AddDigest(const sop::Person& person,
                   const store::NotifyPreference& preference,
                   std::vector<store::Delivery>& out);

  store::Store& store_;
  const sop::Definition& sop_;
  const Clock& clock_;
  ChannelSettings channels_;
  DispatcherOptions options_;
  // People's calendars (their own, else their team's, else the default),
  // whose time zones place digest hours.
  engine::Calendars calendars_;
};

}  // namespace livesop::notify

#endif  // LIVESOP_NOTIFY_DISPATCHER_H_

// The event store: livesop's single source of truth. Events are appended,
// never changed; each has a global position (the order of the whole store)
// and a per-campaign sequence number. Two implementations sit behind this
// interface, chosen by URL: SQLite (embedded, the default) and PostgreSQL.
// The rest of livesop never knows which one it has.
//
// Thread safety: a Store may be used from one thread at a time; open one per
// thread (SQLite in WAL mode and PostgreSQL both serve several connections,
// also from several processes).
#ifndef LIVESOP_STORE_STORE_H_
#define LIVESOP_STORE_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace livesop::store {

// One event, with the XES-compatible attributes of DESIGN.md.
struct Event {
  // Assigned by the store on append; ignored in append requests.
  int64_t position = 0;     // global order, from 1, without gaps
  int64_t sequence = 0;     // order within the campaign, from 1, without gaps
  int64_t recorded_us = 0;  // when the store wrote it (µs since the epoch)

  std::string campaign;  // case:concept:name
  std::string type;      // what happened, machine-readable: "task_completed"
  std::string activity;  // concept:name: the step or activity name
  int64_t time_us = 0;   // time:timestamp, µs since 1970-01-01T00:00:00Z
  std::string lifecycle = "complete";  // lifecycle:transition
  std::string resource;                // org:resource: person id
  std::string role;                    // org:role
  std::string step;                    // livesop:step: SOP step id
  std::string sop_version;             // livesop:sop_version
  std::string source = "engine";       // livesop:source
  std::string deviation;               // livesop:deviation; empty means none
  std::string reason;                  // livesop:reason
  std::string campaign_type;           // the campaign's type, for filters
  std::string payload = "{}";          // typed payload fields, a JSON object

  friend bool operator==(const Event&, const Event&) = default;
};

// Expected versions for optimistic concurrency.
inline constexpr int64_t kAnyVersion = -1;  // append whatever the version
inline constexpr int64_t kNoCampaign = 0;   // the campaign must not exist yet

struct AppendRequest {
  std::string campaign;
  // The campaign's version (its last sequence number) the caller decided
  // on; kAnyVersion skips the check.
  int64_t expected_version = kAnyVersion;
  // Optional. A request whose key was seen before appends nothing and
  // returns the first request's result with `duplicate` set.
  std::string idempotency_key;
  std::vector<Event> events;  // at least one; `campaign` is taken from here
};

struct AppendResult {
  int64_t first_position = 0;
  int64_t last_position = 0;
  int64_t version = 0;  // the campaign's version after the append
  bool duplicate = false;

  friend bool operator==(const AppendResult&, const AppendResult&) = default;
};

// Which events a scan visits. Empty lists mean "any".
struct EventFilter {
  int64_t after_position = 0;       // only positions greater than this
  std::optional<int64_t> from_us;   // time_us >= from_us
  std::optional<int64_t> until_us;  // time_us < until_us
  std::string campaign;             // one campaign only
  std::vector<std::string> campaign_types;
  std::vector<std::string> sources;
  std::vector<std::string> activities;
  std::vector<std::string> types;  // event types: "task_created"
};

// Read models: projections of the events, updated in the same transaction
// as the append that changes them and recreated from the events alone by
// RebuildReadModels(). docs/formats/events.md lists the event types and
// payload fields each one reads.

// One row per campaign that has at least one event.
struct CampaignRecord {
  std::string campaign;
  std::string campaign_type;  // the last non-empty campaign_type seen
  std::string sop_version;    // the last non-empty sop_version seen
  std::string title;          // campaign_created: payload "title"
  std::string owner;          // campaign_created: payload "owner" or resource
  std::string status;         // "active", "completed", "rejected", "cancelled"
  int64_t version = 0;  // the last sequence number: the concurrency version
  int64_t event_count = 0;
  int64_t deviation_count = 0;  // events with a deviation
  int64_t first_event_us = 0;   // the earliest event time
  int64_t last_event_us = 0;    // the latest event time
  int64_t due_us = 0;           // campaign_created: payload "due_us"; 0: none
  int64_t closed_us = 0;        // when completed or cancelled; 0: open

  friend bool operator==(const CampaignRecord&,
                         const CampaignRecord&) = default;
};

// One row per task (a live step), from the task_* and approval_* events.
struct TaskRecord {
  std::string task;  // payload "task", else "CAMPAIGN/STEP"
  std::string campaign;
  std::string step;
  std::string activity;
  std::string role;
  std::string assignee;
  std::string status;    // "open", "in_progress", "done", "skipped",
                         // "cancelled"
  std::string decision;  // approvals: "approve", "reject", "request_changes"
  std::string completed_by;
  int64_t created_us = 0;
  int64_t due_us = 0;  // 0: no deadline
  int64_t completed_us = 0;
  // When the engine's sweep next has something to fire for the task (a
  // reminder, the deadline); 0: nothing (ended, breached or no deadline).
  int64_t timer_us = 0;

  friend bool operator==(const TaskRecord&, const TaskRecord&) = default;
};

// One row per recipient of a notification_sent event.
struct InboxItem {
  std::string id;  // "POSITION:RECIPIENT", stable across rebuilds
  std::string recipient;
  std::string campaign;
  std::string task;
  std::string subject;
  std::string body;
  int64_t created_us = 0;
  int64_t read_us = 0;  // 0: unread

  friend bool operator==(const InboxItem&, const InboxItem&) = default;
};

// Which campaigns, tasks or inbox items a query returns; empty means any.
// Results are ordered by their key (campaign id, task id, item id).
struct CampaignQuery {
  std::string status;
  std::string campaign_type;
};
struct TaskQuery {
  std::string campaign;
  std::string assignee;
  std::string status;
  // When set: only tasks with a deadline (due_us > 0) at or before it.
  int64_t due_by_us = 0;
  // When set: only tasks with a timer (timer_us > 0) at or before it.
  int64_t timer_by_us = 0;
};
struct InboxQuery {
  std::string recipient;
  bool unread_only = false;
};

// A person away (holiday, sick leave, a trade fair) from `from_us` until
// `until_us`: the engine gives their new tasks to `delegate`, else to their
// delegates in the SOP. Not an event: availability is about people, not
// campaigns; it is kept beside the events and backed up with them.
struct Absence {
  int64_t id = 0;  // assigned by the store
  std::string person;
  int64_t from_us = 0;
  int64_t until_us = 0;  // exclusive
  std::string delegate;  // optional
  std::string note;
  std::string recorded_by;
  int64_t recorded_us = 0;

  friend bool operator==(const Absence&, const Absence&) = default;
};

// One published version of an SOP: the files it was published from, kept
// for good, because each campaign runs on the version it started with.
struct SopVersionRecord {
  std::string version;  // sop.version; the key: one record per version
  std::string sop_id;   // sop.id
  std::string digest;   // sop::BundleDigest of the bundle: 64 hex digits
  std::string bundle;   // sop::BundleToJson: the root file and its includes
  std::string published_by;  // who published it (free text, may be empty)
  int64_t published_us = 0;  // when, µs since the epoch (the caller's clock)
  std::string note;          // why, in the publisher's words

  friend bool operator==(const SopVersionRecord&,
                         const SopVersionRecord&) = default;
};

// One version of a template of the Knowledge Library (the SOP's
// `templates`), kept beside the events: a template is the department's,
// not a campaign's. docs/documents.md describes the library.
struct TemplateVersionRecord {
  std::string template_id;  // the SOP's template id
  std::string version;      // "2.1": unique within the template
  // "draft", "approved" or "retired"; at most one version of a template is
  // approved at a time.
  std::string status = "draft";
  std::string author;      // who added it (a person id; empty for the seed)
  int64_t created_us = 0;  // when it was added (or the SOP's date)
  // The file in the workspace's file store: its SHA-256 (64 hex digits;
  // empty for a version copied from the SOP, which names a path instead),
  // the name shown for it, its size in bytes and its MIME type.
  std::string sha256;
  std::string file_name;
  int64_t size = 0;
  std::string mime;
  std::string changes;    // what changed, in the author's words
  bool from_sop = false;  // copied from the SOP's `versions` (the seed)
  std::string approved_by;
  int64_t approved_us = 0;  // 0: never approved
  std::string retired_by;
  int64_t retired_us = 0;  // 0: not retired

  friend bool operator==(const TemplateVersionRecord&,
                         const TemplateVersionRecord&) = default;
};

// Where notifications go outside the app (docs/notifications.md). None of
// these is an event: they are delivery plumbing, kept beside the events.

// A receiver of webhooks: every event whose type is in `event_types` (every
// event when empty) is POSTed to `url`, signed with `secret` as the
// Standard Webhooks specification says.
struct WebhookEndpoint {
  std::string id;      // "wh_" and hex digits; the caller makes it
  std::string url;     // http:// or https://
  std::string secret;  // "whsec_" and the base64 of 24 or more bytes
  std::vector<std::string> event_types;  // empty: every event
  bool enabled = true;
  int64_t created_us = 0;

  friend bool operator==(const WebhookEndpoint&,
                         const WebhookEndpoint&) = default;
};

// How one person wants email about their inbox. A person without a row
// has the defaults.
struct NotifyPreference {
  std::string person;
  std::string email_mode = "immediate";  // "immediate", "daily" or "off"
  int digest_hour = 8;  // local hour (0-23) of the daily digest
  int64_t updated_us = 0;

  friend bool operator==(const NotifyPreference&,
                         const NotifyPreference&) = default;
};

// One message to send: a row of the outbox. `key` makes it unique, so
// enqueueing the same notification twice keeps one row.
struct Delivery {
  int64_t id = 0;       // assigned by the store
  std::string key;      // "email:POSITION:PERSON", "webhook:ID:POSITION"
  std::string channel;  // "email", "webhook" or "digest"
  std::string target;   // an email address, or a webhook endpoint id
  std::string subject;  // email and digest; the event type for webhooks
  std::string body;     // the text of an email, the JSON of a webhook
  std::string status = "pending";  // "pending", "sent" or "dead"
  int64_t attempts = 0;            // attempts made so far
  int64_t next_attempt_us = 0;     // due from then on (pending)
  std::string lease_owner;         // who is sending it now; empty: nobody
  int64_t lease_until_us = 0;      // the lease ends then
  std::string last_error;          // of the latest failed attempt
  int64_t created_us = 0;
  int64_t sent_us = 0;  // 0: not sent

  friend bool operator==(const Delivery&, const Delivery&) = default;
};

// Which deliveries a listing returns, newest first; empty status: any.
struct DeliveryQuery {
  std::string status;
  int64_t limit = 1000;
};

// A calendar feed: a secret URL through which a calendar app subscribes to
// the marketing calendar of a person, a team, a campaign or everyone
// (docs/marketing-calendar.md). Only the SHA-256 of the URL's token is
// kept, so the store cannot give the URL back: the token is shown once,
// when the feed is made. Not an event: access plumbing, kept beside the
// events and backed up with them.
struct CalendarFeed {
  std::string id;          // "cf_" and hex digits; the caller makes it
  std::string scope_kind;  // "person", "team", "campaign" or "all"
  std::string scope_id;    // the person, team or campaign; empty for "all"
  std::string label;       // optional: what the subscriber calls it
  std::string token_hash;  // SHA-256 of the token: 64 lowercase hex digits
  std::string created_by;  // who made it (free text, may be empty)
  int64_t created_us = 0;
  int64_t revoked_us = 0;  // when it was revoked; 0: live

  friend bool operator==(const CalendarFeed&, const CalendarFeed&) = default;
};

// A message read from a side path (a WhatsApp chat, a Slack export, a
// mailbox, a tracker sheet) and what became of it (docs/side-paths.md). Each
// message read is kept once, by its evidence hash, so importing the same
// export again, or an overlapping one, adds nothing; and every message read
// is accounted for: in a campaign's history, in the review queue, or
// ignored with a reason. Not an event itself: the events it led to are.
struct SideMessage {
  std::string hash;    // the evidence hash: 64 hex digits, the key
  std::string source;  // "whatsapp", "slack", "email", "sheet", ...
  std::string file;    // the export it was read from
  // Where in it, as appended to the file's name: ":42", " message 3"
  // (older imports wrote the whole "chat.txt:42").
  std::string location;
  std::string conversation;  // chat, channel, subject, tracker
  std::string sender;        // as the source names them
  std::string sender_name;
  int64_t time_us = 0;  // when it was written, UTC
  int64_t utc_offset_minutes = 0;
  std::string zone;  // the zone its time was read in
  std::string text;
  std::string outcome;   // "event", "review" or "ignored"
  std::string reason;    // why it is in review or ignored; empty for events
  std::string campaign;  // the campaign matched (or recorded in)
  std::string person;    // the person matched
  std::string activity;  // the activity read ("approval", ...); "" for none
  int64_t confidence_per_mille = 0;  // how sure the match is, 0-1000
  std::string detail = "{}";         // the match, as JSON
  int64_t imported_us = 0;
  std::string imported_by;
  // Review: how it was settled ("accepted" or "dismissed"), by whom, when;
  // empty while it waits.
  std::string resolution;
  std::string resolved_by;
  int64_t resolved_us = 0;

  friend bool operator==(const SideMessage&, const SideMessage&) = default;
};

// A decision from the review queue remembered for later imports: a sender
// who is a person ("sender"), a conversation about a campaign
// ("conversation"), a sender whose messages are left out ("ignore_sender").
struct SideRule {
  std::string kind;
  std::string key;
  std::string value;
  std::string created_by;
  int64_t created_us = 0;

  friend bool operator==(const SideRule&, const SideRule&) = default;
};

// A tracker row's last status the store knows (sheets whose status column
// is followed, docs/side-paths/sheet.md): a row is known by its tracker
// (the messages' conversation) and its key; the status of its latest
// export wins.
struct TrackerRow {
  std::string conversation;
  std::string row_key;
  std::string status;
  int64_t time_us = 0;  // the export's time
  std::string hash;     // the message that read it

  friend bool operator==(const TrackerRow&, const TrackerRow&) = default;
};

// An inbound webhook (docs/side-paths/webhook.md): another tool posts
// messages to `livesop serve` at /hooks/side/NAME, signed with `secret` as
// Standard Webhooks sign. Not an event: access plumbing, kept beside the
// events and backed up with them.
struct SideHook {
  std::string name;    // 1-40 of a-z, 0-9 and '-': the URL's last part
  std::string secret;  // "whsec_" and base64, as notify makes them
  std::string actor;   // the person its imports are recorded by
  std::string created_by;
  int64_t created_us = 0;
  int64_t revoked_us = 0;  // when it was revoked; 0: live

  friend bool operator==(const SideHook&, const SideHook&) = default;
};

// One side-path write, all or nothing: the campaigns' events, the messages
// read, the review decisions settled and the rules remembered.
struct SidePathWrite {
  std::vector<AppendRequest> appends;
  // New messages. One whose hash is there already fails the write with
  // Aborted (another import took it meanwhile: read again and retry).
  std::vector<SideMessage> inserts;
  // Messages settled in review: their outcome, reason, campaign, person,
  // activity and resolution are replaced. NotFound for an unknown hash.
  std::vector<SideMessage> updates;
  // Rules, replacing the rule of the same kind and key.
  std::vector<SideRule> rules;
  // Tracker rows read, each replacing the one of its tracker and key
  // unless that one is from a later export.
  std::vector<TrackerRow> tracker_rows;
};

// Which side messages a listing returns, by time then hash; empty fields
// mean any.
struct SideMessageQuery {
  std::string outcome;
  std::string source;
  std::string conversation;
  bool unresolved_only = false;  // review: only those still waiting
  int64_t limit = 0;             // 0: all
};

class Store {
 public:
  virtual ~Store() = default;

  // Appends `request.events` to one campaign in one transaction. Errors:
  // Aborted when the campaign's version is not `expected_version` (read it
  // again and retry); InvalidArgument for an empty request or events of
  // another campaign; Unavailable or Internal when the database fails
  // (nothing is written then).
  virtual Result<AppendResult> Append(const AppendRequest& request) = 0;

  // Appends several requests in one transaction: all or nothing. Used by
  // imports. The results are in request order.
  virtual Result<std::vector<AppendResult>> AppendAll(
      const std::vector<AppendRequest>& requests) = 0;

  // The campaign's version: its last sequence number, 0 when unknown.
  virtual Result<int64_t> CampaignVersion(const std::string& campaign) = 0;

  // Calls `visit` for each event matching `filter`, in global order, holding
  // only a bounded batch in memory. Stops at the first non-OK status from
  // `visit` and returns it. `visit` may read from this store but must not
  // append to it or start another Scan (open a second Store for that).
  virtual Status Scan(const EventFilter& filter,
                      const std::function<Status(const Event&)>& visit) = 0;

  // The read models. Each call is one consistent read.
  virtual Result<std::vector<CampaignRecord>> Campaigns(
      const CampaignQuery& query) = 0;
  virtual Result<std::vector<TaskRecord>> Tasks(const TaskQuery& query) = 0;
  virtual Result<std::vector<InboxItem>> Inbox(const InboxQuery& query) = 0;

  // Records an absence and returns its id. InvalidArgument for an empty
  // person or an absence that does not end after it starts.
  virtual Result<int64_t> RecordAbsence(const Absence& absence) = 0;
  // Removes absence `id` (back early, or entered by mistake). NotFound.
  virtual Status CancelAbsence(int64_t id) = 0;
  // The absences of `person` (everyone's when empty) that cover `at_us`
  // (every absence when 0), by start.
  virtual Result<std::vector<Absence>> Absences(const std::string& person,
                                                int64_t at_us) = 0;

  // Deletes every read model and recreates it from the events, in one
  // transaction that holds off appends meanwhile; the result equals what
  // the appends built. Returns the number of events replayed.
  virtual Result<int64_t> RebuildReadModels() = 0;

  // Publishes an SOP version. Versions never change: publishing a version
  // again with the same digest changes nothing and succeeds (the first
  // record stays); with another digest it fails with AlreadyExists and
  // writes nothing. InvalidArgument for an empty version, SOP id, digest or
  // bundle, a negative time or a NUL character; FailedPrecondition for a
  // store opened read-only; Unavailable or Internal when the database fails.
  // The store does not read the bundle: checking that it is a valid SOP and
  // that the digest is its own is the caller's.
  virtual Status PublishSop(const SopVersionRecord& record) = 0;

  // The published version `version`, bundle included; NotFound when it was
  // never published.
  virtual Result<SopVersionRecord> SopVersion(const std::string& version) = 0;

  // Every published version, without bundles (`bundle` is empty), ordered by
  // publish time, then version.
  virtual Result<std::vector<SopVersionRecord>> SopVersions() = 0;

  // The template library (docs/documents.md).
  //
  // AddTemplateVersions adds `records` in one transaction, all or nothing.
  // A record copied from the SOP (`from_sop`) that is there already, or
  // that would be a second approved version, is left out quietly: two
  // commands seeding a template at once both succeed. Any other record
  // whose version exists is AlreadyExists (naming it). InvalidArgument for
  // an empty template or version, an unknown status, a malformed SHA-256,
  // a negative time or size, or a NUL character; FailedPrecondition for a
  // read-only store.
  virtual Status AddTemplateVersions(
      const std::vector<TemplateVersionRecord>& records) = 0;
  // Approves draft `version` of `template_id` as `by` at `at_us` and, in
  // the same transaction, retires the version approved before it (if
  // any). Returns the versions it retired. NotFound for an unknown
  // version; FailedPrecondition for a version that is not a draft (an
  // approved one is approved already; a retired one stays retired: add a
  // new version); Aborted when another approval of the template won the
  // race (read again and retry).
  virtual Result<std::vector<std::string>> ApproveTemplateVersion(
      const std::string& template_id, const std::string& version,
      const std::string& by, int64_t at_us) = 0;
  // Retires a draft or approved `version`: it stays listed, no longer
  // used. NotFound for an unknown version; FailedPrecondition for one
  // retired already.
  virtual Status RetireTemplateVersion(const std::string& template_id,
                                       const std::string& version,
                                       const std::string& by,
                                       int64_t at_us) = 0;
  // The versions of `template_id` (of every template when empty), by
  // template, then when they were added, then version.
  virtual Result<std::vector<TemplateVersionRecord>> TemplateVersions(
      const std::string& template_id) = 0;

  // Webhook endpoints. AddWebhookEndpoint: InvalidArgument for an empty id
  // or url, AlreadyExists for an id taken. RemoveWebhookEndpoint: NotFound.
  // WebhookEndpoints: every endpoint, by id.
  virtual Status AddWebhookEndpoint(const WebhookEndpoint& endpoint) = 0;
  virtual Status RemoveWebhookEndpoint(const std::string& id) = 0;
  virtual Result<std::vector<WebhookEndpoint>> WebhookEndpoints() = 0;

  // Email preferences. Set replaces the person's row (InvalidArgument for
  // an unknown mode or an hour outside 0-23); Of returns the defaults for
  // a person without one; NotifyPreferences lists the rows, by person.
  virtual Status SetNotifyPreference(const NotifyPreference& preference) = 0;
  virtual Result<NotifyPreference> NotifyPreferenceOf(
      const std::string& person) = 0;
  virtual Result<std::vector<NotifyPreference>> NotifyPreferences() = 0;

  // The outbox (docs/notifications.md). EnqueueDeliveries adds
  // `deliveries` (pending, due at their `next_attempt_us`) and moves the
  // cursor `cursor` to `position`, in one transaction: rows whose key is
  // already there are left as they are, and the cursor never moves back.
  // Returns how many rows were added.
  virtual Result<int64_t> EnqueueDeliveries(
      const std::vector<Delivery>& deliveries, const std::string& cursor,
      int64_t position) = 0;
  // The position cursor `cursor` reached; 0 when it never moved.
  virtual Result<int64_t> DispatchCursor(const std::string& cursor) = 0;
  // Leases up to `limit` pending deliveries due by `now_us` whose lease is
  // free or over to `owner` until `now_us + lease_us`, and returns them,
  // oldest due first. Two callers at once never get the same row.
  virtual Result<std::vector<Delivery>> ClaimDeliveries(
      const std::string& owner, int64_t now_us, int64_t lease_us,
      int64_t limit) = 0;
  // Ends an attempt of a delivery `owner` leased: sent, or failed with
  // `error` and retried at `retry_at_us` (dead when nullopt). Both count
  // the attempt and free the lease. FailedPrecondition when `owner` no
  // longer holds the lease (it ran out and another sender took the row);
  // NotFound for an unknown id.
  virtual Status MarkDeliverySent(int64_t id, const std::string& owner,
                                  int64_t now_us) = 0;
  virtual Status MarkDeliveryFailed(int64_t id, const std::string& owner,
                                    const std::string& error,
                                    std::optional<int64_t> retry_at_us) = 0;
  // The deliveries `query` selects, newest first.
  virtual Result<std::vector<Delivery>> Deliveries(
      const DeliveryQuery& query) = 0;
  // Makes a pending or dead delivery due at `now_us` with its attempts
  // reset (its last error stays until the next attempt). NotFound for an
  // unknown id; FailedPrecondition for one already sent.
  virtual Status ReplayDelivery(int64_t id, int64_t now_us) = 0;
  // Replays every dead delivery; returns how many.
  virtual Result<int64_t> ReplayDeadDeliveries(int64_t now_us) = 0;

  // Calendar feeds. AddCalendarFeed: InvalidArgument for an empty id, a
  // scope kind other than person, team, campaign or all, a scope id
  // missing (or given with "all"), a token hash that is not 64 lowercase
  // hex digits, a negative time or a NUL character; AlreadyExists for an
  // id or a token hash taken (nothing is written then); FailedPrecondition
  // for a store opened read-only. The store does not check that the
  // person, team or campaign exists: that is the caller's.
  virtual Status AddCalendarFeed(const CalendarFeed& feed) = 0;
  // Every feed, revoked ones too, by creation time, then id.
  virtual Result<std::vector<CalendarFeed>> CalendarFeeds() = 0;
  // The feed whose token hashes to `token_hash`, live or revoked (the
  // caller decides what a revoked one means); NotFound when there is none.
  // An index answers it: no scan, whatever the number of feeds.
  virtual Result<CalendarFeed> CalendarFeedByTokenHash(
      const std::string& token_hash) = 0;
  // Revokes feed `id` at `now_us`, for good, and returns it as it is now.
  // A feed revoked before keeps its first revocation time, and the call
  // succeeds. NotFound for an unknown id; InvalidArgument for a time not
  // after 0; FailedPrecondition for a store opened read-only.
  virtual Result<CalendarFeed> RevokeCalendarFeed(const std::string& id,
                                                  int64_t now_us) = 0;

  // Side paths (docs/side-paths.md). WriteSidePath writes `write` in one
  // transaction and returns the appends' results in order. Errors: Aborted
  // for a lost race (a campaign's version, a message imported meanwhile);
  // NotFound for an update of an unknown message; InvalidArgument for a
  // malformed hash or record; FailedPrecondition for a read-only store.
  virtual Result<std::vector<AppendResult>> WriteSidePath(
      const SidePathWrite& write) = 0;
  // Which of `hashes` are kept already.
  virtual Result<std::vector<std::string>> KnownSideMessages(
      const std::vector<std::string>& hashes) = 0;
  virtual Result<std::vector<SideMessage>> SideMessages(
      const SideMessageQuery& query) = 0;
  // The message whose hash starts with `prefix` (at least 6 hex digits):
  // NotFound for none, InvalidArgument when several match.
  virtual Result<SideMessage> SideMessageByHash(const std::string& prefix) = 0;
  virtual Result<std::vector<SideRule>> SideRules() = 0;
  // Every row of tracker `conversation` with its last known status, by key.
  virtual Result<std::vector<TrackerRow>> TrackerRows(
      const std::string& conversation) = 0;

  // Inbound webhooks. AddSideHook: AlreadyExists for a name taken (revoked
  // ones too: a name, once its URL was handed out, is not given again);
  // InvalidArgument for a malformed name, secret or actor.
  virtual Status AddSideHook(const SideHook& hook) = 0;
  // Every hook, revoked ones too, by name.
  virtual Result<std::vector<SideHook>> SideHooks() = 0;
  // NotFound for an unknown name (revoked ones are found).
  virtual Result<SideHook> FindSideHook(const std::string& name) = 0;
  // Revokes hook `name` at `now_us` for good and returns it as it is now;
  // a hook revoked before keeps its first time. NotFound for none.
  virtual Result<SideHook> RevokeSideHook(const std::string& name,
                                          int64_t now_us) = 0;

  // The highest position written, 0 for an empty store.
  virtual Result<int64_t> LastPosition() = 0;

  // The schema version of the open database.
  virtual Result<int> SchemaVersion() = 0;

  // "sqlite" or "postgresql".
  virtual const char* Backend() const = 0;
};

struct OpenOptions {
  // Default 5000 ms: how long a writer waits for another writer's lock
  // before the append fails with Unavailable.
  int busy_timeout_ms = 5000;
  // Default false. True opens an existing database without creating it or
  // applying migrations (for read-only tools and tests).
  bool read_only = false;
};

// Opens the store named by `url`: a file path or `sqlite:PATH` (SQLite, the
// default: WAL, foreign keys on, busy timeout), or `postgresql://…` /
// `postgres://…`. Creates the database file if needed and applies pending
// migrations. Errors: InvalidArgument for an unknown scheme;
// FailedPrecondition for a database whose schema is newer than this program
// (nothing is changed) or a file that is not a livesop database;
// Unavailable when the database cannot be reached or opened.
Result<std::unique_ptr<Store>> OpenStore(const std::string& url,
                                         const OpenOptions& options = {});

// The newest schema version this program knows.
int CurrentSchemaVersion();

}  // namespace livesop::store

#endif  // LIVESOP_STORE_STORE_H_

// The PostgreSQL event store.
//
// Global order: every append takes its positions from the one-row table
// `positions` with UPDATE … RETURNING inside its transaction. The row lock
// is held until commit, so appends are serialised across all clients and
// positions are gapless and in commit order: a reader that has seen
// position p will never later find a newly committed event below p. The
// price is that appends from several servers do not run in parallel (one
// commit at a time, a few thousand per second on ordinary hardware), which
// is far above what people completing SOP steps produce. A sequence would
// scale better but leaves gaps on rollback and commits out of order.
#include "store/internal/postgres_store.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <climits>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <unordered_map>

#include "core/text.h"
#include "store/internal/absences.h"
#include "store/internal/calendar_feeds.h"
#include "store/internal/notify_tables.h"
#include "store/internal/raw.h"
#include "store/internal/read_models.h"
#include "store/internal/side_path.h"
#include "store/internal/sop_versions.h"
#include "store/internal/sql.h"
#include "store/internal/template_library.h"

namespace livesop::store::internal {
namespace {

using Params = std::vector<std::optional<std::string>>;

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

struct ConnDeleter {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
using PgConn = std::unique_ptr<PGconn, ConnDeleter>;

// Key of the advisory lock held while migrating ("livesop" in ASCII).
constexpr const char* kMigrationLockKey = "32496501478993520";

// Rows fetched per round trip while scanning: bounds the memory of a scan.
constexpr int kScanBatch = 1000;

// From this many events on, an append sends them with COPY, which costs a
// round trip more than one INSERT but parses far less.
constexpr size_t kCopyFrom = 16;

// Appends `text` to a COPY text-format row, escaped.
void AppendCopyField(std::string& row, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '\\':
        row += "\\\\";
        break;
      case '\t':
        row += "\\t";
        break;
      case '\n':
        row += "\\n";
        break;
      case '\r':
        row += "\\r";
        break;
      default:
        row += c;
    }
  }
}

constexpr const char* kEventColumnList =
    "position, campaign, sequence, type, activity, time_us, lifecycle, "
    "resource, role, step, sop_version, source, deviation, reason, "
    "campaign_type, payload, recorded_us";

// Migration n is kMigrations[n - 1]; never edit one that has shipped.
struct Migration {
  const char* sql;
  // Creates the read-model tables after `sql` and builds them from the
  // events, in the migration's transaction.
  bool creates_read_models = false;
  // Builds the read models again from the events (after a new column).
  bool rebuilds_read_models = false;
};

constexpr Migration kMigrations[] = {
    {R"sql(
CREATE TABLE events (
  position bigint PRIMARY KEY,
  campaign text NOT NULL,
  sequence bigint NOT NULL,
  type text NOT NULL,
  activity text NOT NULL,
  time_us bigint NOT NULL,
  lifecycle text NOT NULL,
  resource text NOT NULL DEFAULT '',
  role text NOT NULL DEFAULT '',
  step text NOT NULL DEFAULT '',
  sop_version text NOT NULL DEFAULT '',
  source text NOT NULL,
  deviation text NOT NULL DEFAULT '',
  reason text NOT NULL DEFAULT '',
  campaign_type text NOT NULL DEFAULT '',
  payload jsonb NOT NULL,
  recorded_us bigint NOT NULL,
  UNIQUE (campaign, sequence)
);
CREATE INDEX events_time_us ON events (time_us);
CREATE TABLE campaigns_version (
  campaign text PRIMARY KEY,
  version bigint NOT NULL
);
CREATE TABLE idempotency (
  key text PRIMARY KEY,
  campaign text NOT NULL,
  first_position bigint,
  last_position bigint,
  version bigint
);
CREATE TABLE positions (
  id int PRIMARY KEY CHECK (id = 1),
  last bigint NOT NULL
);
INSERT INTO positions (id, last) VALUES (1, 0);
)sql"},
    // The campaign version moves into the campaigns read model, which a
    // rebuild recreates from the events like the other read models. The
    // time index goes: its inserts landed all over the tree and halved
    // batched appends, and time filters stream in position order anyway.
    {"DROP TABLE campaigns_version; DROP INDEX events_time_us;", true},
    // People's absences, for the engine's delegates.
    {R"sql(
CREATE TABLE absences (
  id bigserial PRIMARY KEY,
  person text NOT NULL,
  from_us bigint NOT NULL,
  until_us bigint NOT NULL,
  delegate text NOT NULL,
  note text NOT NULL,
  recorded_by text NOT NULL,
  recorded_us bigint NOT NULL
);
CREATE INDEX absences_by_person ON absences (person, from_us);
)sql"},
    // Published SOP versions (Store::PublishSop): each campaign runs on the
    // version it started with, so every one is kept, files and all.
    {R"sql(
CREATE TABLE sop_versions (
  version text PRIMARY KEY,
  sop_id text NOT NULL,
  digest text NOT NULL,
  bundle text NOT NULL,
  published_by text NOT NULL,
  published_us bigint NOT NULL,
  note text NOT NULL
);
)sql"},
    // SQLite's read models change their physical layout here (WITHOUT
    // ROWID, no secondary indexes); PostgreSQL keeps its tables and
    // indexes. The empty step keeps both backends at one schema version.
    {""},
    // Each task's next timer (a reminder, the deadline), so the sweep asks
    // for what is due without finding breached tasks again. The read model
    // schema of a new store has the column already.
    {"ALTER TABLE tasks ADD COLUMN IF NOT EXISTS timer_us bigint NOT NULL "
     "DEFAULT 0;",
     false, true},
    // Notification delivery (docs/notifications.md): webhook endpoints,
    // email preferences, the outbox and the dispatchers' cursors.
    {R"sql(
CREATE TABLE notify_preferences (
  person TEXT PRIMARY KEY,
  email_mode TEXT NOT NULL,
  digest_hour BIGINT NOT NULL,
  updated_us BIGINT NOT NULL
);
CREATE TABLE notify_cursors (
  name TEXT PRIMARY KEY,
  position BIGINT NOT NULL
);
CREATE TABLE webhook_endpoints (
  id TEXT PRIMARY KEY,
  url TEXT NOT NULL,
  secret TEXT NOT NULL,
  event_types TEXT NOT NULL,
  enabled BIGINT NOT NULL,
  created_us BIGINT NOT NULL
);
CREATE TABLE deliveries (
  id bigserial PRIMARY KEY,
  key TEXT NOT NULL UNIQUE,
  channel TEXT NOT NULL,
  target TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts BIGINT NOT NULL,
  next_attempt_us BIGINT NOT NULL,
  lease_owner TEXT NOT NULL,
  lease_until_us BIGINT NOT NULL,
  last_error TEXT NOT NULL,
  created_us BIGINT NOT NULL,
  sent_us BIGINT NOT NULL
);
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_us);
)sql"},
    // Calendar feeds behind secret URLs (docs/marketing-calendar.md): only
    // the SHA-256 of each token, unique, so a request finds its feed
    // through the index.
    {R"sql(
CREATE TABLE calendar_feeds (
  id TEXT PRIMARY KEY,
  scope_kind TEXT NOT NULL,
  scope_id TEXT NOT NULL,
  label TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_by TEXT NOT NULL,
  created_us BIGINT NOT NULL,
  revoked_us BIGINT NOT NULL
);
)sql"},
    // The template library (docs/documents.md): the versions of the SOP's
    // templates, at most one approved per template.
    {R"sql(
CREATE TABLE template_versions (
  template text NOT NULL,
  version text NOT NULL,
  status text NOT NULL,
  author text NOT NULL,
  created_us bigint NOT NULL,
  sha256 text NOT NULL,
  file_name text NOT NULL,
  size bigint NOT NULL,
  mime text NOT NULL,
  changes text NOT NULL,
  from_sop bigint NOT NULL,
  approved_by text NOT NULL,
  approved_us bigint NOT NULL,
  retired_by text NOT NULL,
  retired_us bigint NOT NULL,
  PRIMARY KEY (template, version)
);
CREATE UNIQUE INDEX template_versions_approved ON template_versions (template)
  WHERE status = 'approved';
)sql"},
    // Side paths (docs/side-paths.md): every message read from a chat,
    // mailbox or tracker, once, with what became of it; and the rules
    // the review queue taught.
    {R"sql(
CREATE TABLE side_messages (
  hash text PRIMARY KEY,
  source text NOT NULL,
  file text NOT NULL,
  location text NOT NULL,
  conversation text NOT NULL,
  sender text NOT NULL,
  sender_name text NOT NULL,
  time_us bigint NOT NULL,
  utc_offset bigint NOT NULL,
  zone text NOT NULL,
  text text NOT NULL,
  outcome text NOT NULL,
  reason text NOT NULL,
  campaign text NOT NULL,
  person text NOT NULL,
  activity text NOT NULL,
  confidence bigint NOT NULL,
  detail text NOT NULL,
  imported_us bigint NOT NULL,
  imported_by text NOT NULL,
  resolution text NOT NULL,
  resolved_by text NOT NULL,
  resolved_us bigint NOT NULL
);
CREATE INDEX side_messages_time ON side_messages (time_us);
CREATE TABLE side_rules (
  kind text NOT NULL,
  key text NOT NULL,
  value text NOT NULL,
  created_by text NOT NULL,
  created_us bigint NOT NULL,
  PRIMARY KEY (kind, key)
);
)sql"},
    // Each tracker row's last status, and inbound webhooks
    // (docs/side-paths.md); the rows come from the messages kept so far,
    // the latest of each row winning.
    {LIVESOP_SIDE_MIGRATION_11_TABLES R"sql(
INSERT INTO side_tracker_rows (conversation, row_key, status, time_us, hash)
SELECT DISTINCT ON (conversation, detail::jsonb ->> 'row_key')
       conversation, detail::jsonb ->> 'row_key',
       COALESCE(detail::jsonb ->> 'status', ''), time_us, hash
FROM side_messages
WHERE source = 'sheet' AND COALESCE(detail::jsonb ->> 'row_key', '') <> ''
ORDER BY conversation, detail::jsonb ->> 'row_key', time_us DESC, hash DESC;
)sql"},
};
constexpr int kMigrationCount = sizeof(kMigrations) / sizeof(kMigrations[0]);

// Replaces every occurrence of `secret` in `text`; libpq does not echo
// passwords today, but a message must never depend on that.
std::string Redact(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (size_t at = text.find(secret); at != std::string::npos;
       at = text.find(secret, at)) {
    text.replace(at, secret.size(), "***");
    at += 3;
  }
  return text;
}

// The password in `url`, from libpq's own parser, or the text between
// "user:" and "@" when the URL does not parse, so it can be redacted.
std::string PasswordOf(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (error != nullptr) PQfreemem(error);
  std::string password;
  if (options != nullptr) {
    for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
      if (std::string_view(o->keyword) == "password" && o->val != nullptr) {
        password = o->val;
      }
    }
    PQconninfoFree(options);
    return password;
  }
  const size_t scheme = url.find("://");
  if (scheme == std::string::npos) return "";
  const size_t at = url.find('@', scheme + 3);
  if (at == std::string::npos) return "";
  const size_t colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return "";
  return url.substr(colon + 1, at - colon - 1);
}

bool ParseInt64(const char* text, int64_t& out) {
  const std::string_view s(text);
  auto [end, error] = std::from_chars(s.data(), s.data() + s.size(), out);
  return error == std::errc() && end == s.data() + s.size();
}

// A PostgreSQL text[] literal: every element double-quoted, with `"` and
// `\` escaped, so any string (commas, braces, NULL) stays one element.
std::string TextArrayLiteral(const std::vector<std::string>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : values[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

constexpr const char* kIdempotencyQuery =
    "SELECT key, first_position, last_position, version, campaign FROM "
    "idempotency WHERE key = ANY($1::text[])";

// Creates the campaigns' read-model rows when new (with no events, which
// the projection's upsert recognises) and locks them all, in the order
// given.
constexpr const char* kLockCampaigns =
    "INSERT INTO campaigns (campaign, campaign_type, sop_version, title, "
    "owner, status, version, event_count, deviation_count, first_event_us, "
    "last_event_us, due_us, closed_us) SELECT c, '', '', '', '', 'active', "
    "0, 0, 0, 0, 0, 0, 0 FROM unnest($1::text[]) WITH ORDINALITY AS u(c, n) "
    "ORDER BY n ON CONFLICT (campaign) DO UPDATE SET version = "
    "campaigns.version RETURNING campaign, version";

constexpr const char* kInsertEventRow =
    "INSERT INTO events (position, campaign, sequence, type, activity, "
    "time_us, lifecycle, resource, role, step, sop_version, source, "
    "deviation, reason, campaign_type, payload, recorded_us) VALUES (?, ?, "
    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

constexpr const char* kSelectEventRows =
    "SELECT position, sequence, campaign, type, activity, time_us, "
    "lifecycle, resource, role, step, sop_version, source, deviation, "
    "reason, campaign_type, payload, recorded_us FROM events WHERE position "
    "> ? ORDER BY position LIMIT 2048";

// The statement that inserts `e` as a row with the given placement.
SqlStatement RowOf(const Event& e, const std::string& campaign,
                   int64_t position, int64_t sequence, int64_t recorded_us) {
  return {kInsertEventRow,
          {position, campaign, sequence, e.type, e.activity, e.time_us,
           e.lifecycle, e.resource, e.role, e.step, e.sop_version, e.source,
           e.deviation, e.reason, e.campaign_type,
           e.payload.empty() ? std::string("{}") : e.payload, recorded_us}};
}

// As it is, for copies between stores.
SqlStatement RowOf(const Event& e) {
  return RowOf(e, e.campaign, e.position, e.sequence, e.recorded_us);
}

constexpr const char* kInsertKey =
    "INSERT INTO idempotency (key, campaign, first_position, last_position, "
    "version) VALUES (?, ?, ?, ?, ?)";

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class PgRow final : public SqlRow {
 public:
  PgRow(const PGresult* result, int row) : result_(result), row_(row) {}
  int64_t Int(int column) const override {
    int64_t value = 0;
    (void)ParseInt64(PQgetvalue(result_, row_, column), value);
    return value;
  }
  std::string Text(int column) const override {
    return std::string(PQgetvalue(result_, row_, column),
                       PQgetlength(result_, row_, column));
  }

 private:
  const PGresult* result_;
  int row_;
};

// The shared `?` placeholders in PostgreSQL's `$n` form. The shared SQL
// holds no `?` inside string literals.
std::string NumberPlaceholders(const char* sql) {
  std::string out;
  int n = 0;
  for (const char* c = sql; *c != '\0'; ++c) {
    if (*c == '?') {
      out += "$" + std::to_string(++n);
    } else {
      out += *c;
    }
  }
  return out;
}

// Parameters as libpq wants them: text, alive as long as this object.
class TextParams {
 public:
  explicit TextParams(const SqlParams& params) {
    texts_.reserve(params.size());
    for (const SqlValue& p : params) {
      if (const auto* number = std::get_if<int64_t>(&p)) {
        texts_.push_back(std::to_string(*number));
      } else {
        texts_.push_back(std::get<std::string>(p));
      }
    }
  }
  int size() const { return static_cast<int>(texts_.size()); }
  // Pointers into this object; valid until it changes.
  const char* const* values() const {
    values_.clear();
    for (const std::string& t : texts_) values_.push_back(t.c_str());
    return values_.data();
  }

 private:
  std::vector<std::string> texts_;
  mutable std::vector<const char*> values_;
};

// One statement of a pipeline: a prepared statement by name, or SQL text.
struct PipelineItem {
  std::string prepared;
  std::string sql;
  TextParams params;
};

// Where one request of an AppendAll goes: its campaign's version before it,
// and its positions.
struct Planned {
  int64_t first_sequence = 0;
  int64_t first_position = 0;
};

class PostgresStore final : public Store, public RawStore, private SqlExecutor {
 public:
  PostgresStore(PgConn conn, std::string password, OpenOptions options)
      : conn_(std::move(conn)),
        password_(std::move(password)),
        options_(options) {}

  // Sets session options and, unless read-only, applies migrations.
  Status Initialize();

  Result<AppendResult> Append(const AppendRequest& request) override;
  Result<std::vector<AppendResult>> AppendAll(
      const std::vector<AppendRequest>& requests) override;
  Result<int64_t> CampaignVersion(const std::string& campaign) override;
  Result<std::vector<AppendResult>> WriteSidePath(
      const SidePathWrite& write) override;
  Result<std::vector<std::string>> KnownSideMessages(
      const std::vector<std::string>& hashes) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryKnownSideMessages(*this, hashes);
  }
  Result<std::vector<SideMessage>> SideMessages(
      const SideMessageQuery& query) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QuerySideMessages(*this, query);
  }
  Result<SideMessage> SideMessageByHash(const std::string& prefix) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QuerySideMessageByHash(*this, prefix);
  }
  Result<std::vector<SideRule>> SideRules() override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QuerySideRules(*this);
  }
  Result<std::vector<TrackerRow>> TrackerRows(
      const std::string& conversation) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryTrackerRows(*this, conversation);
  }
  Status AddSideHook(const SideHook& hook) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::InsertSideHook(*this, hook);
  }
  Result<std::vector<SideHook>> SideHooks() override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QuerySideHooks(*this);
  }
  Result<SideHook> FindSideHook(const std::string& name) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QuerySideHook(*this, name);
  }
  Result<SideHook> RevokeSideHook(const std::string& name,
                                  int64_t now_us) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::UpdateSideHookRevoked(*this, name, now_us);
  }
  Status Scan(const EventFilter& filter,
              const std::function<Status(const Event&)>& visit) override;
  Result<int64_t> LastPosition() override;
  Result<int> SchemaVersion() override;
  const char* Backend() const override { return "postgresql"; }
  Result<std::vector<CampaignRecord>> Campaigns(
      const CampaignQuery& query) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return QueryCampaigns(*this, query);
  }
  Result<std::vector<TaskRecord>> Tasks(const TaskQuery& query) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return QueryTasks(*this, query);
  }
  Result<std::vector<InboxItem>> Inbox(const InboxQuery& query) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return QueryInbox(*this, query);
  }
  Result<int64_t> RecordAbsence(const Absence& absence) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::InsertAbsence(*this, absence);
  }
  Status CancelAbsence(int64_t id) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::DeleteAbsence(*this, id);
  }
  Result<std::vector<Absence>> Absences(const std::string& person,
                                        int64_t at_us) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryAbsences(*this, person, at_us);
  }
  Status AddWebhookEndpoint(const WebhookEndpoint& endpoint) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::InsertWebhookEndpoint(*this, endpoint);
  }
  Status RemoveWebhookEndpoint(const std::string& id) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::DeleteWebhookEndpoint(*this, id);
  }
  Result<std::vector<WebhookEndpoint>> WebhookEndpoints() override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryWebhookEndpoints(*this);
  }
  Status SetNotifyPreference(const NotifyPreference& preference) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::UpsertNotifyPreference(*this, preference);
  }
  Result<NotifyPreference> NotifyPreferenceOf(
      const std::string& person) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryNotifyPreference(*this, person);
  }
  Result<std::vector<NotifyPreference>> NotifyPreferences() override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryNotifyPreferences(*this);
  }
  Result<int64_t> EnqueueDeliveries(const std::vector<Delivery>& deliveries,
                                    const std::string& cursor,
                                    int64_t position) override {
    LIVESOP_RETURN_IF_ERROR(internal::ValidateDeliveries(deliveries, cursor));
    int64_t added = 0;
    LIVESOP_RETURN_IF_ERROR(InTransaction([&]() -> Status {
      LIVESOP_ASSIGN_OR_RETURN(added, internal::InsertDeliveries(
                                          *this, deliveries, cursor, position));
      return OkStatus();
    }));
    return added;
  }
  Result<int64_t> DispatchCursor(const std::string& cursor) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryDispatchCursor(*this, cursor);
  }
  Result<std::vector<Delivery>> ClaimDeliveries(const std::string& owner,
                                                int64_t now_us,
                                                int64_t lease_us,
                                                int64_t limit) override {
    std::vector<Delivery> claimed;
    LIVESOP_RETURN_IF_ERROR(InTransaction([&]() -> Status {
      LIVESOP_ASSIGN_OR_RETURN(
          claimed,
          internal::LeaseDeliveries(*this, internal::ClaimLocking::kSkipLocked,
                                    owner, now_us, lease_us, limit));
      return OkStatus();
    }));
    return claimed;
  }
  Status MarkDeliverySent(int64_t id, const std::string& owner,
                          int64_t now_us) override {
    return InTransaction([&] {
      return internal::FinishAttempt(*this, id, owner, /*sent=*/true, now_us,
                                     "", std::nullopt);
    });
  }
  Status MarkDeliveryFailed(int64_t id, const std::string& owner,
                            const std::string& error,
                            std::optional<int64_t> retry_at_us) override {
    return InTransaction([&] {
      return internal::FinishAttempt(*this, id, owner, /*sent=*/false, 0, error,
                                     retry_at_us);
    });
  }
  Result<std::vector<Delivery>> Deliveries(
      const DeliveryQuery& query) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryDeliveries(*this, query);
  }
  Status ReplayDelivery(int64_t id, int64_t now_us) override {
    return InTransaction(
        [&] { return internal::ResetDelivery(*this, id, now_us); });
  }
  Result<int64_t> ReplayDeadDeliveries(int64_t now_us) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::ResetDeadDeliveries(*this, now_us);
  }
  Status AddCalendarFeed(const CalendarFeed& feed) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::InsertCalendarFeed(*this, feed);
  }
  Result<std::vector<CalendarFeed>> CalendarFeeds() override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryCalendarFeeds(*this);
  }
  Result<CalendarFeed> CalendarFeedByTokenHash(
      const std::string& token_hash) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryCalendarFeedByTokenHash(*this, token_hash);
  }
  Result<CalendarFeed> RevokeCalendarFeed(const std::string& id,
                                          int64_t now_us) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::MarkCalendarFeedRevoked(*this, id, now_us);
  }
  Status PublishSop(const SopVersionRecord& record) override {
    if (options_.read_only) {
      return FailedPreconditionError(
          "the PostgreSQL store was opened read-only; cannot publish an SOP "
          "version");
    }
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return PublishSopVersion(*this, record);
  }
  Result<SopVersionRecord> SopVersion(const std::string& version) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return QuerySopVersion(*this, version);
  }
  Result<std::vector<SopVersionRecord>> SopVersions() override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return QuerySopVersions(*this);
  }
  Status AddTemplateVersions(
      const std::vector<TemplateVersionRecord>& records) override {
    LIVESOP_RETURN_IF_ERROR(internal::ValidateTemplateVersions(records));
    return InTransaction(
        [&] { return internal::InsertTemplateVersions(*this, records); });
  }
  Result<std::vector<std::string>> ApproveTemplateVersion(
      const std::string& template_id, const std::string& version,
      const std::string& by, int64_t at_us) override {
    std::vector<std::string> retired;
    LIVESOP_RETURN_IF_ERROR(InTransaction([&]() -> Status {
      LIVESOP_ASSIGN_OR_RETURN(
          retired,
          internal::ApproveTemplate(*this, template_id, version, by, at_us));
      return OkStatus();
    }));
    return retired;
  }
  Status RetireTemplateVersion(const std::string& template_id,
                               const std::string& version,
                               const std::string& by, int64_t at_us) override {
    return InTransaction([&] {
      return internal::RetireTemplate(*this, template_id, version, by, at_us);
    });
  }
  Result<std::vector<TemplateVersionRecord>> TemplateVersions(
      const std::string& template_id) override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return internal::QueryTemplateVersions(*this, template_id);
  }
  Result<int64_t> RebuildReadModels() override;

  // RawStore.
  SqlExecutor& sql() override { return *this; }
  Status BeginSnapshot() override {
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    return ExecOk("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
  }
  Status BeginExclusive() override {
    if (options_.read_only) {
      return FailedPreconditionError(
          "the PostgreSQL store was opened read-only");
    }
    LIVESOP_RETURN_IF_ERROR(EnsureConnected());
    LIVESOP_RETURN_IF_ERROR(ExecOk("BEGIN"));
    Status locked = ExecOk("LOCK TABLE campaigns IN EXCLUSIVE MODE");
    if (locked.ok()) {
      locked = ExecOk("SELECT last FROM positions WHERE id = 1 FOR UPDATE");
    }
    if (!locked.ok()) Rollback();
    return locked;
  }
  Status FinishCopy() override {
    LIVESOP_RETURN_IF_ERROR(
        ExecOk("UPDATE positions SET last = (SELECT coalesce(max(position), "
               "0) FROM events) WHERE id = 1"));
    // Deliveries are copied with their ids; new ones must come after them.
    LIVESOP_RETURN_IF_ERROR(
        ExecOk("SELECT setval(pg_get_serial_sequence('deliveries', 'id'), "
               "coalesce((SELECT max(id) FROM deliveries), 0) + 1, false)"));
    return internal::RebuildReadModels(*this, Batches()).status();
  }
  Status Commit() override { return ExecOk("COMMIT"); }
  Status ReadEvents(int64_t after, std::vector<Event>& batch) override;
  Status WriteEvents(const std::vector<Event>& events) override {
    std::vector<SqlStatement> statements;
    statements.reserve(events.size());
    for (const Event& e : events) statements.push_back(RowOf(e));
    return RunStatements(statements, /*then_commit=*/false);
  }
  // The events in batches, for rebuilds.
  EventBatches Batches() {
    return [this](int64_t after, std::vector<Event>& batch) {
      return ReadEvents(after, batch);
    };
  }
  void Rollback() override {
    PgResult ignored(PQexec(conn_.get(), "ROLLBACK"));
  }
  Status BackupFile(const std::string&) override {
    return Status(StatusCode::kUnimplemented,
                  "PostgreSQL backups are logical copies");
  }

 private:
  // OK when the store may write; connects again when the server closed the
  // connection.
  Status Writable() {
    if (options_.read_only) {
      return FailedPreconditionError(
          "the PostgreSQL store was opened read-only");
    }
    return EnsureConnected();
  }
  // Runs `body` in a transaction: committed when it succeeds, else rolled
  // back.
  Status InTransaction(const std::function<Status()>& body) {
    LIVESOP_RETURN_IF_ERROR(Writable());
    LIVESOP_RETURN_IF_ERROR(ExecOk("BEGIN"));
    Status status = body();
    if (status.ok()) status = ExecOk("COMMIT");
    if (!status.ok()) Rollback();
    return status;
  }

  // SqlExecutor: the shared read-model SQL, as prepared statements.
  Status Execute(const char* sql, const SqlParams& params) override {
    return RunPrepared(sql, params).status();
  }
  Status Query(const char* sql, const SqlParams& params,
               const std::function<Status(const SqlRow&)>& visit) override {
    LIVESOP_ASSIGN_OR_RETURN(PgResult result, RunPrepared(sql, params));
    for (int r = 0; r < PQntuples(result.get()); ++r) {
      LIVESOP_RETURN_IF_ERROR(visit(PgRow(result.get(), r)));
    }
    return OkStatus();
  }
  Result<PgResult> RunPrepared(const char* sql, const SqlParams& params);
  Status ExecuteBatch(const std::vector<SqlStatement>& statements) override;
  // Runs `statements` in one pipelined round trip per chunk, followed by
  // COMMIT when `then_commit`.
  Status RunStatements(const std::vector<SqlStatement>& statements,
                       bool then_commit);
  // Sends every item, then reads every result: one round trip. Returns the
  // result of item `keep` (a null result when there is none), or the first
  // error.
  Result<PgResult> Pipeline(const std::vector<PipelineItem>& items,
                            size_t keep = SIZE_MAX);
  // The name of the prepared statement for `sql`, preparing it if needed.
  Result<std::string> PreparedName(const char* sql);

  // Runs one statement with text parameters (nullopt is SQL NULL). OK when
  // the statement succeeded; otherwise a Status from its SQLSTATE.
  Result<PgResult> Exec(const std::string& sql, const Params& params = {});
  Status ExecOk(const std::string& sql, const Params& params = {}) {
    return Exec(sql, params).status();
  }
  Status ErrorFrom(const PGresult* result, std::string_view what);
  // `result` when its statement succeeded, else ErrorFrom(result, what).
  Result<PgResult> Checked(PgResult result, std::string_view what);
  // Reconnects when the server closed the connection since the last call.
  Status EnsureConnected();
  Status ApplySessionSettings();
  Status Migrate();
  Status CheckReadableSchema();
  Result<std::vector<AppendResult>> AppendInTransaction(
      const std::vector<AppendRequest>& requests);
  // Fills the results of requests whose idempotency key was seen before.
  Status FindStoredResults(const std::vector<AppendRequest>& requests,
                           std::vector<std::optional<AppendResult>>& results);
  Status CopyEvents(const std::vector<AppendRequest>& requests,
                    const std::vector<Planned>& plan,
                    const std::vector<bool>& write,
                    const std::string& recorded);
  Result<int64_t> QueryInt64(const std::string& sql, const Params& params,
                             std::string_view what);

  PgConn conn_;
  std::string password_;
  OpenOptions options_;
  bool scanning_ = false;
  // Set by AppendAll: the next Exec sends BEGIN in the same round trip.
  bool begin_pending_ = false;
  // False while WriteSidePath runs appends inside its own transaction.
  bool commit_appends_ = true;
  // Statement names by the address of their shared SQL; emptied when the
  // connection is reset, which drops prepared statements.
  std::unordered_map<const char*, std::string> prepared_;
};

Result<std::string> PostgresStore::PreparedName(const char* sql) {
  auto found = prepared_.find(sql);
  if (found != prepared_.end()) return found->second;
  std::string name = "livesop_" + std::to_string(prepared_.size() + 1);
  PgResult prepared(PQprepare(conn_.get(), name.c_str(),
                              NumberPlaceholders(sql).c_str(), 0, nullptr));
  if (!prepared || PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
    return ErrorFrom(prepared.get(), "preparing a statement");
  }
  prepared_.emplace(sql, name);
  return name;
}

Result<PgResult> PostgresStore::RunPrepared(const char* sql,
                                            const SqlParams& params) {
  LIVESOP_ASSIGN_OR_RETURN(std::string name, PreparedName(sql));
  const TextParams text(params);
  return Checked(PgResult(PQexecPrepared(conn_.get(), name.c_str(), text.size(),
                                         text.values(), nullptr, nullptr, 0)),
                 "statement failed");
}

Result<PgResult> PostgresStore::Checked(PgResult result,
                                        std::string_view what) {
  const ExecStatusType status =
      result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    return ErrorFrom(result.get(), what);
  }
  return result;
}

Status PostgresStore::ExecuteBatch(
    const std::vector<SqlStatement>& statements) {
  return RunStatements(statements, /*then_commit=*/false);
}

Status PostgresStore::RunStatements(const std::vector<SqlStatement>& statements,
                                    bool then_commit) {
  // Many statements are sent in chunks, so the server's replies never fill
  // the socket while we are still sending.
  constexpr size_t kChunk = 256;
  if (statements.empty() && !then_commit) return OkStatus();
  if (statements.size() == 1 && !then_commit) {
    return Execute(statements[0].sql, statements[0].params);
  }
  std::vector<PipelineItem> items;
  for (size_t begin = 0; begin < statements.size() || items.empty();
       begin += kChunk) {
    items.clear();
    const size_t end = std::min(statements.size(), begin + kChunk);
    for (size_t i = begin; i < end; ++i) {
      LIVESOP_ASSIGN_OR_RETURN(std::string name,
                               PreparedName(statements[i].sql));
      items.push_back({std::move(name), "", TextParams(statements[i].params)});
    }
    if (then_commit && end == statements.size()) {
      items.push_back({"", "COMMIT", TextParams({})});
    }
    LIVESOP_RETURN_IF_ERROR(Pipeline(items).status());
    if (end == statements.size()) break;
  }
  return OkStatus();
}

Result<PgResult> PostgresStore::Pipeline(const std::vector<PipelineItem>& items,
                                         size_t keep) {
  if (PQenterPipelineMode(conn_.get()) != 1) {
    return ErrorFrom(nullptr, "starting a pipeline");
  }
  bool sent = true;
  for (const PipelineItem& item : items) {
    if (!sent) break;
    sent = (item.prepared.empty()
                ? PQsendQueryParams(conn_.get(), item.sql.c_str(),
                                    item.params.size(), nullptr,
                                    item.params.values(), nullptr, nullptr, 0)
                : PQsendQueryPrepared(conn_.get(), item.prepared.c_str(),
                                      item.params.size(), item.params.values(),
                                      nullptr, nullptr, 0)) == 1;
  }
  sent = sent && PQpipelineSync(conn_.get()) == 1;
  Status first_error;
  if (!sent) first_error = ErrorFrom(nullptr, "sending a pipeline");
  PgResult kept;
  // Each item's results end with a null result, then comes the sync point;
  // after an error the remaining items come back aborted.
  size_t index = 0;
  while (sent) {
    PgResult result(PQgetResult(conn_.get()));
    if (!result) {
      if (PQstatus(conn_.get()) == CONNECTION_BAD) {
        if (first_error.ok()) first_error = ErrorFrom(nullptr, "pipeline");
        break;
      }
      ++index;
      continue;
    }
    const ExecStatusType status = PQresultStatus(result.get());
    if (status == PGRES_PIPELINE_SYNC) break;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      if (status != PGRES_PIPELINE_ABORTED && first_error.ok()) {
        first_error = ErrorFrom(result.get(), "statement failed");
      }
    } else if (index == keep) {
      kept = std::move(result);
    }
  }
  PQexitPipelineMode(conn_.get());
  if (!first_error.ok()) return first_error;
  return kept;
}

Status PostgresStore::ReadEvents(int64_t after, std::vector<Event>& batch) {
  batch.clear();
  return Query(kSelectEventRows, {after}, [&](const SqlRow& row) {
    Event& e = batch.emplace_back();
    e.position = row.Int(0);
    e.sequence = row.Int(1);
    e.campaign = row.Text(2);
    e.type = row.Text(3);
    e.activity = row.Text(4);
    e.time_us = row.Int(5);
    e.lifecycle = row.Text(6);
    e.resource = row.Text(7);
    e.role = row.Text(8);
    e.step = row.Text(9);
    e.sop_version = row.Text(10);
    e.source = row.Text(11);
    e.deviation = row.Text(12);
    e.reason = row.Text(13);
    e.campaign_type = row.Text(14);
    e.payload = row.Text(15);
    e.recorded_us = row.Int(16);
    return OkStatus();
  });
}

Result<int64_t> PostgresStore::RebuildReadModels() {
  if (options_.read_only) {
    return FailedPreconditionError(
        "the PostgreSQL store was opened read-only; cannot rebuild");
  }
  LIVESOP_RETURN_IF_ERROR(EnsureConnected());
  LIVESOP_RETURN_IF_ERROR(ExecOk("BEGIN"));
  auto rebuild = [&]() -> Result<int64_t> {
    // Appends lock campaign rows, then the position counter; taking the
    // campaigns table first waits for running appends and holds off new
    // ones without a deadlock.
    LIVESOP_RETURN_IF_ERROR(ExecOk("LOCK TABLE campaigns IN EXCLUSIVE MODE"));
    LIVESOP_RETURN_IF_ERROR(
        ExecOk("SELECT last FROM positions WHERE id = 1 FOR UPDATE"));
    LIVESOP_ASSIGN_OR_RETURN(int64_t replayed,
                             internal::RebuildReadModels(*this, Batches()));
    LIVESOP_RETURN_IF_ERROR(ExecOk("COMMIT"));
    return replayed;
  };
  Result<int64_t> result = rebuild();
  if (!result.ok()) Rollback();
  return result;
}

Status PostgresStore::ErrorFrom(const PGresult* result, std::string_view what) {
  const char* state =
      result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const char* primary =
      result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  const char* detail =
      result ? PQresultErrorField(result, PG_DIAG_MESSAGE_DETAIL) : nullptr;
  std::string message = primary ? primary : PQerrorMessage(conn_.get());
  if (detail != nullptr) message += std::string(" (") + detail + ")";
  message = Redact(OneLine(message), password_);
  message = "PostgreSQL " + std::string(what) + ": " + message;
  if (PQstatus(conn_.get()) == CONNECTION_BAD) {
    return UnavailableError(message);
  }
  const std::string_view sqlstate = state ? state : "";
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "23505") {
    return AbortedError(message + "; retry");
  }
  if (sqlstate == "55P03") {  // lock_not_available: lock_timeout expired
    return UnavailableError(message);
  }
  if (sqlstate.starts_with("08") || sqlstate.starts_with("53") ||
      sqlstate.starts_with("57")) {
    return UnavailableError(message);
  }
  if (sqlstate.starts_with("22")) return InvalidArgumentError(message);
  if (sqlstate == "25006") return FailedPreconditionError(message);
  if (sqlstate == "42501" || sqlstate.starts_with("28")) {
    return PermissionDeniedError(message);
  }
  return InternalError(message);
}

Result<PgResult> PostgresStore::Exec(const std::string& sql,
                                     const Params& params) {
  if (begin_pending_) {
    // The transaction's BEGIN rides along with its first statement.
    begin_pending_ = false;
    SqlParams values;
    for (const auto& p : params) values.emplace_back(p.value_or(""));
    return Pipeline(
        {{"", "BEGIN", TextParams({})}, {"", sql, TextParams(values)}}, 1);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  return Checked(PgResult(PQexecParams(conn_.get(), sql.c_str(),
                                       static_cast<int>(values.size()), nullptr,
                                       values.data(), nullptr, nullptr, 0)),
                 "query failed");
}

Result<int64_t> PostgresStore::QueryInt64(const std::string& sql,
                                          const Params& params,
                                          std::string_view what) {
  LIVESOP_ASSIGN_OR_RETURN(PgResult result, Exec(sql, params));
  if (PQntuples(result.get()) == 0 || PQgetisnull(result.get(), 0, 0)) {
    return int64_t{0};
  }
  int64_t value = 0;
  if (!ParseInt64(PQgetvalue(result.get(), 0, 0), value)) {
    return InternalError("PostgreSQL returned a malformed " +
                         std::string(what));
  }
  return value;
}

Status PostgresStore::EnsureConnected() {
  if (PQstatus(conn_.get()) == CONNECTION_OK) return OkStatus();
  PQreset(conn_.get());
  prepared_.clear();
  if (PQstatus(conn_.get()) != CONNECTION_OK) {
    return UnavailableError(
        "PostgreSQL connection lost: " +
        Redact(OneLine(PQerrorMessage(conn_.get())), password_));
  }
  return ApplySessionSettings();
}

Status PostgresStore::ApplySessionSettings() {
  // busy_timeout_ms bounds how long an append waits for another writer's
  // row locks (the positions row above all); then it fails with
  // Unavailable. 0 means wait forever, as SQLite's busy timeout.
  const int timeout_ms =
      options_.busy_timeout_ms < 0 ? 0 : options_.busy_timeout_ms;
  LIVESOP_RETURN_IF_ERROR(ExecOk("SELECT set_config('lock_timeout', $1, false)",
                                 {std::to_string(timeout_ms) + "ms"})
                              .WithContext("setting lock_timeout"));
  if (options_.read_only) {
    LIVESOP_RETURN_IF_ERROR(ExecOk(
        "SELECT set_config('default_transaction_read_only', 'on', false)"));
  }
  return OkStatus();
}

Status PostgresStore::Initialize() {
  LIVESOP_RETURN_IF_ERROR(ApplySessionSettings());
  if (options_.read_only) return CheckReadableSchema();
  return Migrate();
}

Status PostgresStore::CheckReadableSchema() {
  LIVESOP_ASSIGN_OR_RETURN(
      PgResult exists,
      Exec("SELECT to_regclass('livesop_schema') IS NOT NULL"));
  if (std::string_view(PQgetvalue(exists.get(), 0, 0)) != "t") {
    return FailedPreconditionError(
        "the PostgreSQL database holds no livesop store (no livesop_schema "
        "table); open it once without read_only to create one");
  }
  LIVESOP_ASSIGN_OR_RETURN(int version, SchemaVersion());
  if (version > CurrentSchemaVersion()) {
    return FailedPreconditionError(
        "the PostgreSQL database has schema version " +
        std::to_string(version) + " but this livesop knows only up to " +
        std::to_string(CurrentSchemaVersion()) + "; upgrade livesop");
  }
  if (version < CurrentSchemaVersion()) {
    return FailedPreconditionError(
        "the PostgreSQL database has schema version " +
        std::to_string(version) + " and needs migrating to " +
        std::to_string(CurrentSchemaVersion()) +
        "; open it once without read_only");
  }
  return OkStatus();
}

Status PostgresStore::Migrate() {
  if (CurrentSchemaVersion() > kMigrationCount) {
    return InternalError("CurrentSchemaVersion() is " +
                         std::to_string(CurrentSchemaVersion()) +
                         " but the PostgreSQL backend has only " +
                         std::to_string(kMigrationCount) + " migrations");
  }
  LIVESOP_RETURN_IF_ERROR(ExecOk("BEGIN"));
  auto migrate = [&]() -> Status {
    // Released at commit or rollback; a second process opening at the same
    // time waits here and then finds the migrations applied.
    LIVESOP_RETURN_IF_ERROR(
        ExecOk("SELECT pg_advisory_xact_lock($1::bigint)", {kMigrationLockKey})
            .WithContext("waiting for the migration lock"));
    LIVESOP_RETURN_IF_ERROR(ExecOk(
        "CREATE TABLE IF NOT EXISTS livesop_schema ("
        "version int PRIMARY KEY, applied_at timestamptz DEFAULT now())"));
    LIVESOP_ASSIGN_OR_RETURN(
        int64_t version,
        QueryInt64("SELECT coalesce(max(version), 0) FROM livesop_schema", {},
                   "schema version"));
    if (version > CurrentSchemaVersion()) {
      return FailedPreconditionError(
          "the PostgreSQL database has schema version " +
          std::to_string(version) + " but this livesop knows only up to " +
          std::to_string(CurrentSchemaVersion()) +
          "; upgrade livesop (nothing was changed)");
    }
    // The read models are built after the last migration, which may still
    // change what they read.
    bool rebuild = false;
    for (int64_t v = version + 1; v <= CurrentSchemaVersion(); ++v) {
      // Several statements, no parameters: the simple protocol runs them
      // all inside the open transaction.
      const Migration& migration = kMigrations[v - 1];
      for (const char* sql :
           {migration.sql,
            migration.creates_read_models ? ReadModelSchema() : ""}) {
        PgResult result(PQexec(conn_.get(), sql));
        const ExecStatusType status =
            result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
        if (status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY) {
          return ErrorFrom(result.get(),
                           "migration " + std::to_string(v) + " failed");
        }
      }
      rebuild = rebuild || migration.creates_read_models ||
                migration.rebuilds_read_models;
      LIVESOP_RETURN_IF_ERROR(
          ExecOk("INSERT INTO livesop_schema (version) VALUES ($1::int)",
                 {std::to_string(v)}));
    }
    if (rebuild) {
      LIVESOP_RETURN_IF_ERROR(
          internal::RebuildReadModels(*this, Batches()).status());
    }
    return ExecOk("COMMIT");
  };
  Status status = migrate();
  if (!status.ok()) Rollback();
  return status;
}

Result<int> PostgresStore::SchemaVersion() {
  LIVESOP_RETURN_IF_ERROR(EnsureConnected());
  LIVESOP_ASSIGN_OR_RETURN(
      int64_t version,
      QueryInt64("SELECT coalesce(max(version), 0) FROM livesop_schema", {},
                 "schema version"));
  return static_cast<int>(version);
}

Result<int64_t> PostgresStore::CampaignVersion(const std::string& campaign) {
  LIVESOP_RETURN_IF_ERROR(EnsureConnected());
  return QueryCampaignVersion(*this, campaign);
}

Result<int64_t> PostgresStore::LastPosition() {
  LIVESOP_RETURN_IF_ERROR(EnsureConnected());
  return QueryInt64("SELECT last FROM positions WHERE id = 1", {},
                    "last position");
}

Status PostgresStore::FindStoredResults(
    const std::vector<AppendRequest>& requests,
    std::vector<std::optional<AppendResult>>& results) {
  std::vector<std::string> keys;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!results[i] && !requests[i].idempotency_key.empty()) {
      keys.push_back(requests[i].idempotency_key);
    }
  }
  if (keys.empty()) return OkStatus();
  LIVESOP_ASSIGN_OR_RETURN(PgResult rows,
                           Exec(kIdempotencyQuery, {TextArrayLiteral(keys)}));
  std::map<std::string, std::pair<std::string, AppendResult>> stored;
  for (int r = 0; r < PQntuples(rows.get()); ++r) {
    AppendResult result;
    result.duplicate = true;
    if (!ParseInt64(PQgetvalue(rows.get(), r, 1), result.first_position) ||
        !ParseInt64(PQgetvalue(rows.get(), r, 2), result.last_position) ||
        !ParseInt64(PQgetvalue(rows.get(), r, 3), result.version)) {
      return InternalError("malformed idempotency row in PostgreSQL");
    }
    stored[PQgetvalue(rows.get(), r, 0)] = {PQgetvalue(rows.get(), r, 4),
                                            result};
  }
  for (size_t i = 0; i < requests.size(); ++i) {
    auto found = stored.find(requests[i].idempotency_key);
    if (results[i] || found == stored.end()) continue;
    if (found->second.first != requests[i].campaign) {
      return InvalidArgumentError(
          "idempotency key \"" + requests[i].idempotency_key +
          "\" was used for campaign \"" + found->second.first + "\", not \"" +
          requests[i].campaign + "\"");
    }
    results[i] = found->second.second;
  }
  return OkStatus();
}

// Every request's events with one COPY … FROM STDIN.
Status PostgresStore::CopyEvents(const std::vector<AppendRequest>& requests,
                                 const std::vector<Planned>& plan,
                                 const std::vector<bool>& write,
                                 const std::string& recorded) {
  const std::string sql =
      std::string("COPY events (") + kEventColumnList + ") FROM STDIN";
  {
    PgResult started(PQexec(conn_.get(), sql.c_str()));
    if (!started || PQresultStatus(started.get()) != PGRES_COPY_IN) {
      return ErrorFrom(started.get(), "starting COPY");
    }
  }
  std::string data;
  bool sent = true;
  auto flush = [&] {
    if (sent && !data.empty()) {
      sent = PQputCopyData(conn_.get(), data.data(),
                           static_cast<int>(data.size())) == 1;
    }
    data.clear();
  };
  for (size_t r = 0; r < requests.size() && sent; ++r) {
    if (!write[r]) continue;
    const AppendRequest& request = requests[r];
    for (size_t i = 0; i < request.events.size(); ++i) {
      const Event& e = request.events[i];
      const auto offset = static_cast<int64_t>(i);
      data += std::to_string(plan[r].first_position + offset);
      data += '\t';
      AppendCopyField(data, request.campaign);
      data += '\t' + std::to_string(plan[r].first_sequence + offset) + '\t';
      AppendCopyField(data, e.type);
      data += '\t';
      AppendCopyField(data, e.activity);
      data += '\t' + std::to_string(e.time_us);
      for (const std::string* field :
           {&e.lifecycle, &e.resource, &e.role, &e.step, &e.sop_version,
            &e.source, &e.deviation, &e.reason, &e.campaign_type}) {
        data += '\t';
        AppendCopyField(data, *field);
      }
      data += '\t';
      AppendCopyField(data, e.payload.empty() ? std::string_view("{}")
                                              : std::string_view(e.payload));
      data += '\t' + recorded + '\n';
      if (data.size() > (1 << 20)) flush();
    }
  }
  flush();
  const bool ended =
      PQputCopyEnd(conn_.get(), sent ? nullptr : "sending failed") == 1;
  PgResult result(PQgetResult(conn_.get()));
  // Drain: libpq wants every result read before the next command.
  while (PGresult* more = PQgetResult(conn_.get())) PQclear(more);
  if (!ended || !result || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    Status status = ErrorFrom(result.get(), "appending events");
    if (status.code() == StatusCode::kInvalidArgument) {
      return status.WithContext("(is every payload a JSON object?)");
    }
    return status;
  }
  return OkStatus();
}

Result<AppendResult> PostgresStore::Append(const AppendRequest& request) {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<AppendResult> results,
                           AppendAll({request}));
  return results.front();
}

Result<std::vector<AppendResult>> PostgresStore::AppendAll(
    const std::vector<AppendRequest>& requests) {
  if (scanning_) {
    return FailedPreconditionError(
        "cannot append to the store from inside its own Scan");
  }
  if (options_.read_only) {
    return FailedPreconditionError(
        "the PostgreSQL store was opened read-only; cannot append");
  }
  for (const AppendRequest& request : requests) {
    LIVESOP_RETURN_IF_ERROR(ValidateRequest(request));
  }
  if (requests.empty()) return std::vector<AppendResult>();
  LIVESOP_RETURN_IF_ERROR(EnsureConnected());
  begin_pending_ = true;
  // Commits, in its last round trip, when it wrote anything.
  Result<std::vector<AppendResult>> results = AppendInTransaction(requests);
  const bool began = !begin_pending_;
  begin_pending_ = false;
  bool all_duplicates = true;
  if (results.ok()) {
    for (const AppendResult& r : *results) all_duplicates &= r.duplicate;
  }
  // After an error, or with nothing to keep (the campaign rows were only
  // locked), the transaction ends here.
  if (began && (!results.ok() || all_duplicates)) Rollback();
  return results;
}

// The whole AppendAll in a fixed number of round trips, however many
// requests it holds: find earlier results of idempotency keys, lock the
// campaigns, take the positions, send the events, then the read-model and
// key updates in one pipeline.
Result<std::vector<AppendResult>> PostgresStore::AppendInTransaction(
    const std::vector<AppendRequest>& requests) {
  std::vector<std::optional<AppendResult>> found(requests.size());
  LIVESOP_RETURN_IF_ERROR(FindStoredResults(requests, found));

  // Creates missing campaign rows and locks them all, in sorted order so
  // that concurrent appends to overlapping campaigns queue instead of
  // deadlocking; the version checks below are then exact.
  std::vector<std::string> campaigns;
  for (size_t i = 0; i < requests.size(); ++i) {
    if (!found[i]) campaigns.push_back(requests[i].campaign);
  }
  std::sort(campaigns.begin(), campaigns.end());
  campaigns.erase(std::unique(campaigns.begin(), campaigns.end()),
                  campaigns.end());
  std::map<std::string, int64_t> version;
  if (!campaigns.empty()) {
    LIVESOP_ASSIGN_OR_RETURN(
        PgResult locked, Exec(kLockCampaigns, {TextArrayLiteral(campaigns)}));
    for (int r = 0; r < PQntuples(locked.get()); ++r) {
      int64_t v = 0;
      if (!ParseInt64(PQgetvalue(locked.get(), r, 1), v)) {
        return InternalError("malformed campaign version in PostgreSQL");
      }
      version[PQgetvalue(locked.get(), r, 0)] = v;
    }
    // A concurrent request with the same key may have committed while we
    // waited for the locks; each statement sees the latest commits.
    LIVESOP_RETURN_IF_ERROR(FindStoredResults(requests, found));
  }

  // Versions, sequences and positions, in request order. A key used twice
  // in one call gets the first use's result.
  std::vector<Planned> plan(requests.size());
  std::vector<bool> write(requests.size(), false);
  std::map<std::string, size_t> first_use;
  int64_t total = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    const AppendRequest& request = requests[i];
    if (found[i]) continue;
    if (!request.idempotency_key.empty()) {
      auto [it, added] = first_use.emplace(request.idempotency_key, i);
      if (!added) {
        if (requests[it->second].campaign != request.campaign) {
          return InvalidArgumentError("idempotency key \"" +
                                      request.idempotency_key +
                                      "\" is used for two campaigns");
        }
        continue;
      }
    }
    int64_t& current = version[request.campaign];
    if (request.expected_version != kAnyVersion &&
        request.expected_version != current) {
      return AbortedError("campaign \"" + request.campaign +
                          "\" is at version " + std::to_string(current) +
                          ", not the expected version " +
                          std::to_string(request.expected_version) +
                          "; read it again and retry");
    }
    plan[i].first_sequence = current + 1;
    plan[i].first_position = total;  // an offset until the counter is read
    write[i] = true;
    const auto count = static_cast<int64_t>(request.events.size());
    current += count;
    total += count;
  }
  if (total > 0) {
    LIVESOP_ASSIGN_OR_RETURN(
        int64_t last,
        QueryInt64("UPDATE positions SET last = last + $1::bigint WHERE id = "
                   "1 RETURNING last",
                   {std::to_string(total)}, "position counter"));
    for (size_t i = 0; i < requests.size(); ++i) {
      if (write[i]) plan[i].first_position += last - total + 1;
    }
  }

  const int64_t recorded = NowMicros();
  std::vector<SqlStatement> statements;
  if (total >= static_cast<int64_t>(kCopyFrom)) {
    LIVESOP_RETURN_IF_ERROR(
        CopyEvents(requests, plan, write, std::to_string(recorded)));
  } else {
    // Few events go row by row in the pipeline below.
    for (size_t i = 0; i < requests.size(); ++i) {
      if (!write[i]) continue;
      for (size_t k = 0; k < requests[i].events.size(); ++k) {
        const Event& e = requests[i].events[k];
        const auto offset = static_cast<int64_t>(k);
        statements.push_back(RowOf(e, requests[i].campaign,
                                   plan[i].first_position + offset,
                                   plan[i].first_sequence + offset, recorded));
      }
    }
  }

  std::vector<AppendResult> results(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const AppendRequest& request = requests[i];
    if (found[i]) {
      results[i] = *found[i];
      continue;
    }
    if (!write[i]) {  // the second use of a key in this call
      results[i] = results[first_use[request.idempotency_key]];
      results[i].duplicate = true;
      continue;
    }
    const auto count = static_cast<int64_t>(request.events.size());
    results[i].first_position = plan[i].first_position;
    results[i].last_position = plan[i].first_position + count - 1;
    results[i].version = plan[i].first_sequence + count - 1;
    LIVESOP_RETURN_IF_ERROR(
        CollectProjection(statements, request.campaign, request.events,
                          plan[i].first_position, plan[i].first_sequence));
    if (!request.idempotency_key.empty()) {
      statements.push_back({kInsertKey,
                            {request.idempotency_key, request.campaign,
                             results[i].first_position,
                             results[i].last_position, results[i].version}});
    }
  }
  if (total > 0) {
    LIVESOP_RETURN_IF_ERROR(RunStatements(statements, commit_appends_));
  }
  return results;
}

// The appends and the side records in one transaction: the appends do not
// commit on their own here.
Result<std::vector<AppendResult>> PostgresStore::WriteSidePath(
    const SidePathWrite& write) {
  if (scanning_) {
    return FailedPreconditionError(
        "cannot write to the store from inside its own Scan");
  }
  for (const AppendRequest& request : write.appends) {
    LIVESOP_RETURN_IF_ERROR(ValidateRequest(request));
  }
  LIVESOP_RETURN_IF_ERROR(internal::ValidateSidePathWrite(write));
  LIVESOP_RETURN_IF_ERROR(EnsureConnected());
  std::vector<AppendResult> results;
  const Status written = InTransaction([&]() -> Status {
    if (!write.appends.empty()) {
      commit_appends_ = false;
      Result<std::vector<AppendResult>> appended =
          AppendInTransaction(write.appends);
      commit_appends_ = true;
      if (!appended.ok()) return appended.status();
      results = *std::move(appended);
    }
    return internal::WriteSideRecords(*this, write);
  });
  if (!written.ok()) return written;
  return results;
}

Status PostgresStore::Scan(const EventFilter& filter,
                           const std::function<Status(const Event&)>& visit) {
  if (scanning_) {
    return FailedPreconditionError("Scan is not reentrant");
  }
  LIVESOP_RETURN_IF_ERROR(EnsureConnected());

  // Only placeholders are concatenated into the SQL; values go as params.
  std::string sql = std::string("DECLARE livesop_scan NO SCROLL CURSOR FOR ") +
                    "SELECT " + kEventColumnList +
                    " FROM events WHERE position > $1::bigint";
  Params params = {std::to_string(filter.after_position)};
  auto next = [&params](std::string value) {
    params.push_back(std::move(value));
    return "$" + std::to_string(params.size());
  };
  if (filter.from_us) {
    sql +=
        " AND time_us >= " + next(std::to_string(*filter.from_us)) + "::bigint";
  }
  if (filter.until_us) {
    sql +=
        " AND time_us < " + next(std::to_string(*filter.until_us)) + "::bigint";
  }
  if (!filter.campaign.empty()) {
    sql += " AND campaign = " + next(filter.campaign);
  }
  if (!filter.campaign_types.empty()) {
    sql += " AND campaign_type = ANY(" +
           next(TextArrayLiteral(filter.campaign_types)) + "::text[])";
  }
  if (!filter.sources.empty()) {
    sql += " AND source = ANY(" + next(TextArrayLiteral(filter.sources)) +
           "::text[])";
  }
  if (!filter.activities.empty()) {
    sql += " AND activity = ANY(" + next(TextArrayLiteral(filter.activities)) +
           "::text[])";
  }
  if (!filter.types.empty()) {
    sql +=
        " AND type = ANY(" + next(TextArrayLiteral(filter.types)) + "::text[])";
  }
  sql += " ORDER BY position";

  // One snapshot for the whole scan, read in batches through a cursor.
  LIVESOP_RETURN_IF_ERROR(
      ExecOk("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"));
  scanning_ = true;
  struct ScanEnd {
    PostgresStore* store;
    ~ScanEnd() {
      store->scanning_ = false;
      // Read-only: ending with ROLLBACK also closes the cursor.
      store->Rollback();
    }
  } end{this};
  auto scan = [&]() -> Status {
    LIVESOP_RETURN_IF_ERROR(ExecOk(sql, params));
    const std::string fetch =
        "FETCH " + std::to_string(kScanBatch) + " FROM livesop_scan";
    Event event;
    while (true) {
      LIVESOP_ASSIGN_OR_RETURN(PgResult batch, Exec(fetch));
      const int rows = PQntuples(batch.get());
      if (rows == 0) break;
      for (int r = 0; r < rows; ++r) {
        auto text = [&](int column) {
          return std::string(PQgetvalue(batch.get(), r, column),
                             PQgetlength(batch.get(), r, column));
        };
        if (!ParseInt64(PQgetvalue(batch.get(), r, 0), event.position) ||
            !ParseInt64(PQgetvalue(batch.get(), r, 2), event.sequence) ||
            !ParseInt64(PQgetvalue(batch.get(), r, 5), event.time_us) ||
            !ParseInt64(PQgetvalue(batch.get(), r, 16), event.recorded_us)) {
          return InternalError("malformed event row in PostgreSQL");
        }
        event.campaign = text(1);
        event.type = text(3);
        event.activity = text(4);
        event.lifecycle = text(6);
        event.resource = text(7);
        event.role = text(8);
        event.step = text(9);
        event.sop_version = text(10);
        event.source = text(11);
        event.deviation = text(12);
        event.reason = text(13);
        event.campaign_type = text(14);
        event.payload = text(15);
        LIVESOP_RETURN_IF_ERROR(visit(event));
      }
      if (rows < kScanBatch) break;
    }
    return OkStatus();
  };
  return scan();
}

}  // namespace

Result<std::unique_ptr<Store>> OpenPostgresStore(const std::string& url,
                                                 const OpenOptions& options) {
  const std::string password = PasswordOf(url);
  {
    char* error = nullptr;
    PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
    if (parsed == nullptr) {
      std::string message =
          error ? Redact(OneLine(error), password) : "out of memory";
      if (error != nullptr) PQfreemem(error);
      return InvalidArgumentError("invalid PostgreSQL URL: " + message);
    }
    PQconninfoFree(parsed);
  }
  // Defaults come first so that the same keys in the URL override them.
  const char* keywords[] = {"connect_timeout", "fallback_application_name",
                            "dbname", nullptr};
  const char* values[] = {"10", "livesop", url.c_str(), nullptr};
  PgConn conn(PQconnectdbParams(keywords, values, /*expand_dbname=*/1));
  if (conn == nullptr) {
    return UnavailableError("cannot connect to PostgreSQL: out of memory");
  }
  if (PQstatus(conn.get()) != CONNECTION_OK) {
    const std::string message =
        Redact(OneLine(PQerrorMessage(conn.get())), password);
    // libpq reports no SQLSTATE for a failed connection; the server's
    // authentication messages are the only signal.
    if (message.find("password authentication failed") != std::string::npos ||
        message.find("no password supplied") != std::string::npos ||
        message.find("authentication failed") != std::string::npos) {
      return PermissionDeniedError(
          "PostgreSQL rejected the credentials (check the user name and "
          "password in the URL): " +
          message);
    }
    return UnavailableError("cannot connect to PostgreSQL: " + message);
  }
  // Server notices ("relation already exists, skipping") are not for the
  // user; libpq would print them to stderr.
  PQsetNoticeProcessor(
      conn.get(), [](void*, const char*) {}, nullptr);
  auto store =
      std::make_unique<PostgresStore>(std::move(conn), password, options);
  LIVESOP_RETURN_IF_ERROR(store->Initialize());
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace livesop::store::internal

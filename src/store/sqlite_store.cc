// The embedded store: one SQLite file in WAL mode.
//
// Durability: `synchronous=NORMAL` in WAL mode. A commit survives a crash of
// the process (every acknowledged append is in the WAL); after a power loss
// or an operating-system crash the last transactions before it may be rolled
// back, but the database stays consistent. FULL would fsync on every commit
// and cap single-event appends at the disk's sync rate (hundreds per second
// instead of tens of thousands); a marketing department's history is not
// worth that trade, and PostgreSQL is there for teams that need more.
#include <sqlite3.h>

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store/internal/sqlite_store.h"

#include <unordered_map>

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

namespace fs = std::filesystem;

// Events are read this many at a time by Scan, so memory stays bounded.
constexpr int kScanBatch = 2048;

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Migration N (index N-1) brings the schema from version N-1 to N. Never
// edit one that has shipped; add the next.
struct Migration {
  const char* sql;
  // Creates the read-model tables after `sql` and builds them from the
  // events, in the migration's transaction.
  bool creates_read_models = false;
  // Builds the read models again from the events (after a new column).
  bool rebuilds_read_models = false;
};

const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> migrations = {
      {R"sql(
CREATE TABLE events (
  position INTEGER PRIMARY KEY,
  campaign TEXT NOT NULL,
  sequence INTEGER NOT NULL,
  type TEXT NOT NULL,
  activity TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  lifecycle TEXT NOT NULL,
  resource TEXT NOT NULL DEFAULT '',
  role TEXT NOT NULL DEFAULT '',
  step TEXT NOT NULL DEFAULT '',
  sop_version TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL,
  deviation TEXT NOT NULL DEFAULT '',
  reason TEXT NOT NULL DEFAULT '',
  campaign_type TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL,
  recorded_us INTEGER NOT NULL,
  UNIQUE (campaign, sequence)
);
CREATE INDEX events_by_time ON events (time_us);
CREATE TABLE campaigns_version (
  campaign TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE idempotency (
  key TEXT PRIMARY KEY,
  campaign TEXT NOT NULL,
  first_position INTEGER NOT NULL,
  last_position INTEGER NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;
)sql"},
      // The layout appends and scans are fast with (BENCHMARKS.md):
      // - campaign ids in place of names, so the (campaign, sequence) index
      //   holds numbers;
      // - no time index: its inserts landed all over the tree, and time
      //   filters stream in position order anyway;
      // - the attributes no filter uses packed into one `detail` value
      //   (PackDetail), so a scan decodes ten columns instead of seventeen;
      // - the campaign version in the campaigns read model, which a rebuild
      //   recreates from the events like the other read models.
      {R"sql(
CREATE TABLE campaign_ids (
  id INTEGER PRIMARY KEY,
  campaign TEXT NOT NULL UNIQUE
);
INSERT INTO campaign_ids (campaign)
  SELECT campaign FROM events GROUP BY campaign ORDER BY min(position);
CREATE TABLE events_packed (
  position INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL,
  sequence INTEGER NOT NULL,
  type TEXT NOT NULL,
  activity TEXT NOT NULL,
  time_us INTEGER NOT NULL,
  source TEXT NOT NULL,
  campaign_type TEXT NOT NULL,
  recorded_us INTEGER NOT NULL,
  detail BLOB NOT NULL,
  UNIQUE (campaign_id, sequence)
);
INSERT INTO events_packed
  SELECT e.position, c.id, e.sequence, e.type, e.activity, e.time_us,
         e.source, e.campaign_type, e.recorded_us,
         livesop_pack_detail(e.lifecycle, e.resource, e.role, e.step,
                             e.sop_version, e.deviation, e.reason, e.payload)
  FROM events e JOIN campaign_ids c ON c.campaign = e.campaign
  ORDER BY e.position;
DROP TABLE events;
ALTER TABLE events_packed RENAME TO events;
DROP TABLE campaigns_version;
)sql",
       true},
      // People's absences, for the engine's delegates.
      {R"sql(
CREATE TABLE absences (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  person TEXT NOT NULL,
  from_us INTEGER NOT NULL,
  until_us INTEGER NOT NULL,
  delegate TEXT NOT NULL,
  note TEXT NOT NULL,
  recorded_by TEXT NOT NULL,
  recorded_us INTEGER NOT NULL
);
CREATE INDEX absences_by_person ON absences (person, from_us);
)sql"},
      // Published SOP versions (Store::PublishSop): each campaign runs on
      // the version it started with, so every one is kept, files and all.
      {R"sql(
CREATE TABLE sop_versions (
  version TEXT PRIMARY KEY,
  sop_id TEXT NOT NULL,
  digest TEXT NOT NULL,
  bundle TEXT NOT NULL,
  published_by TEXT NOT NULL,
  published_us INTEGER NOT NULL,
  note TEXT NOT NULL
) WITHOUT ROWID;
)sql"},
      // The campaigns and tasks read models kept in their key's order
      // (WITHOUT ROWID), so a row is one B-tree instead of a table plus
      // its key's index, and without the secondary indexes SQLite never
      // used: the shared queries filter with `(? = '' OR column = ?)`,
      // which SQLite answers by walking the key's order, not an index.
      // Every append updates a campaign row and most create or end a task;
      // each index left out is a page less written per commit
      // (BENCHMARKS.md). PostgreSQL keeps its layout.
      {R"sql(
CREATE TABLE campaigns_keyed (
  campaign TEXT PRIMARY KEY,
  campaign_type TEXT NOT NULL,
  sop_version TEXT NOT NULL,
  title TEXT NOT NULL,
  owner TEXT NOT NULL,
  status TEXT NOT NULL,
  version BIGINT NOT NULL,
  event_count BIGINT NOT NULL,
  deviation_count BIGINT NOT NULL,
  first_event_us BIGINT NOT NULL,
  last_event_us BIGINT NOT NULL,
  due_us BIGINT NOT NULL,
  closed_us BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO campaigns_keyed (campaign, campaign_type, sop_version, title,
    owner, status, version, event_count, deviation_count, first_event_us,
    last_event_us, due_us, closed_us)
  SELECT campaign, campaign_type, sop_version, title, owner, status, version,
         event_count, deviation_count, first_event_us, last_event_us, due_us,
         closed_us
  FROM campaigns;
DROP TABLE campaigns;
ALTER TABLE campaigns_keyed RENAME TO campaigns;
CREATE TABLE tasks_keyed (
  task TEXT PRIMARY KEY,
  campaign TEXT NOT NULL,
  step TEXT NOT NULL,
  activity TEXT NOT NULL,
  role TEXT NOT NULL,
  assignee TEXT NOT NULL,
  status TEXT NOT NULL,
  decision TEXT NOT NULL,
  completed_by TEXT NOT NULL,
  created_us BIGINT NOT NULL,
  due_us BIGINT NOT NULL,
  completed_us BIGINT NOT NULL
) WITHOUT ROWID;
INSERT INTO tasks_keyed (task, campaign, step, activity, role, assignee,
    status, decision, completed_by, created_us, due_us, completed_us)
  SELECT task, campaign, step, activity, role, assignee, status, decision,
         completed_by, created_us, due_us, completed_us
  FROM tasks;
DROP TABLE tasks;
ALTER TABLE tasks_keyed RENAME TO tasks;
)sql"},
      // Each task's next timer (a reminder, the deadline), so the sweep
      // asks for what is due without finding breached tasks again; filled
      // by building the read models again.
      {"ALTER TABLE tasks ADD COLUMN timer_us BIGINT NOT NULL DEFAULT 0;",
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
  id INTEGER PRIMARY KEY AUTOINCREMENT,
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
      // Calendar feeds behind secret URLs (docs/marketing-calendar.md):
      // only the SHA-256 of each token, unique, so a request finds its
      // feed through the index.
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
      // The template library (docs/documents.md): the versions of the
      // SOP's templates, at most one approved per template.
      {R"sql(
CREATE TABLE template_versions (
  template TEXT NOT NULL,
  version TEXT NOT NULL,
  status TEXT NOT NULL,
  author TEXT NOT NULL,
  created_us BIGINT NOT NULL,
  sha256 TEXT NOT NULL,
  file_name TEXT NOT NULL,
  size BIGINT NOT NULL,
  mime TEXT NOT NULL,
  changes TEXT NOT NULL,
  from_sop BIGINT NOT NULL,
  approved_by TEXT NOT NULL,
  approved_us BIGINT NOT NULL,
  retired_by TEXT NOT NULL,
  retired_us BIGINT NOT NULL,
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
  hash TEXT PRIMARY KEY,
  source TEXT NOT NULL,
  file TEXT NOT NULL,
  location TEXT NOT NULL,
  conversation TEXT NOT NULL,
  sender TEXT NOT NULL,
  sender_name TEXT NOT NULL,
  time_us BIGINT NOT NULL,
  utc_offset BIGINT NOT NULL,
  zone TEXT NOT NULL,
  text TEXT NOT NULL,
  outcome TEXT NOT NULL,
  reason TEXT NOT NULL,
  campaign TEXT NOT NULL,
  person TEXT NOT NULL,
  activity TEXT NOT NULL,
  confidence BIGINT NOT NULL,
  detail TEXT NOT NULL,
  imported_us BIGINT NOT NULL,
  imported_by TEXT NOT NULL,
  resolution TEXT NOT NULL,
  resolved_by TEXT NOT NULL,
  resolved_us BIGINT NOT NULL
);
CREATE INDEX side_messages_time ON side_messages (time_us);
CREATE TABLE side_rules (
  kind TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_us BIGINT NOT NULL,
  PRIMARY KEY (kind, key)
);
)sql"},
      // Each tracker row's last status, and inbound webhooks
      // (docs/side-paths.md); the rows come from the messages kept so far,
      // the latest of each row winning.
      {LIVESOP_SIDE_MIGRATION_11_TABLES R"sql(
INSERT INTO side_tracker_rows (conversation, row_key, status, time_us, hash)
SELECT conversation, json_extract(detail, '$.row_key'),
       COALESCE(json_extract(detail, '$.status'), ''), time_us, hash
FROM side_messages
WHERE source = 'sheet' AND json_valid(detail)
  AND COALESCE(json_extract(detail, '$.row_key'), '') <> ''
ORDER BY time_us, hash
ON CONFLICT (conversation, row_key) DO UPDATE SET status = excluded.status,
  time_us = excluded.time_us, hash = excluded.hash;
)sql"},
  };
  return migrations;
}

// The attributes no filter uses, in one `detail` value: each of lifecycle,
// resource, role, step, sop_version, deviation, reason and payload as a
// 4-byte little-endian length and its bytes. Decoding one value is far
// cheaper for SQLite than decoding eight columns (BENCHMARKS.md).
constexpr int kDetailFields = 8;

void AppendField(std::string& out, std::string_view field) {
  const auto n = static_cast<uint32_t>(field.size());
  const char length[4] = {
      static_cast<char>(n & 0xff), static_cast<char>((n >> 8) & 0xff),
      static_cast<char>((n >> 16) & 0xff), static_cast<char>((n >> 24) & 0xff)};
  out.append(length, 4);
  out.append(field);
}

void PackDetail(const Event& e, std::string& out) {
  out.clear();
  for (const std::string* field : {&e.lifecycle, &e.resource, &e.role, &e.step,
                                   &e.sop_version, &e.deviation, &e.reason}) {
    AppendField(out, *field);
  }
  AppendField(out, e.payload.empty() ? std::string_view("{}") : e.payload);
}

// False when `data` is not a whole detail value (a damaged row).
bool UnpackDetail(const char* data, size_t size, Event& e) {
  std::string* fields[kDetailFields] = {
      &e.lifecycle,   &e.resource,  &e.role,   &e.step,
      &e.sop_version, &e.deviation, &e.reason, &e.payload};
  size_t at = 0;
  for (std::string* field : fields) {
    if (size - at < 4) return false;
    const auto* b = reinterpret_cast<const unsigned char*>(data + at);
    const size_t n =
        b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<size_t>(b[3]) << 24);
    at += 4;
    if (size - at < n) return false;
    field->assign(data + at, n);
    at += n;
  }
  return at == size;
}

// livesop_pack_detail(lifecycle, …, payload): PackDetail for SQL, which the
// migration to the packed layout uses.
void PackDetailSql(sqlite3_context* context, int argc, sqlite3_value** argv) {
  std::string out;
  for (int i = 0; i < argc; ++i) {
    const auto* text =
        reinterpret_cast<const char*>(sqlite3_value_text(argv[i]));
    AppendField(
        out, text == nullptr
                 ? std::string_view()
                 : std::string_view(text, static_cast<size_t>(
                                              sqlite3_value_bytes(argv[i]))));
  }
  sqlite3_result_blob(context, out.data(), static_cast<int>(out.size()),
                      SQLITE_TRANSIENT);
}

// The columns a read decodes, in this order (ReadRow).
constexpr const char* kEventColumns =
    "position, sequence, recorded_us, campaign_id, type, activity, time_us, "
    "source, campaign_type, detail";

// A prepared statement, finalized on destruction.
class Statement {
 public:
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt_); }

  sqlite3_stmt** out() { return &stmt_; }
  sqlite3_stmt* get() const { return stmt_; }

 private:
  sqlite3_stmt* stmt_ = nullptr;
};

// A text column of the current row; empty for NULL.
std::string ColumnText(sqlite3_stmt* stmt, int column) {
  const auto* text =
      reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
  return text == nullptr
             ? std::string()
             : std::string(text, static_cast<size_t>(
                                     sqlite3_column_bytes(stmt, column)));
}

class SqliteRow final : public SqlRow {
 public:
  explicit SqliteRow(sqlite3_stmt* stmt) : stmt_(stmt) {}
  int64_t Int(int column) const override {
    return sqlite3_column_int64(stmt_, column);
  }
  std::string Text(int column) const override;

 private:
  sqlite3_stmt* stmt_;
};

class SqliteStore final : public Store, public RawStore, private SqlExecutor {
 public:
  SqliteStore(sqlite3* db, std::string path, bool read_only)
      : db_(db), path_(std::move(path)), read_only_(read_only) {}
  ~SqliteStore() override {
    statements_.clear();
    scan_statements_.clear();
    sqlite3_close_v2(db_);
  }

  Status Initialize(const OpenOptions& options) {
    sqlite3_busy_timeout(db_, options.busy_timeout_ms);
    sqlite3_create_function_v2(
        db_, "livesop_pack_detail", kDetailFields,
        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY, nullptr,
        &PackDetailSql, nullptr, nullptr, nullptr);
    sqlite3_extended_result_codes(db_, 1);
    // Reading the schema first tells a non-database file apart before any
    // pragma could write to it.
    int version = 0;
    {
      Status probe = Exec("SELECT count(*) FROM sqlite_master");
      if (!probe.ok()) {
        return FailedPreconditionError(
            "\"" + path_ + "\" is not a SQLite database (" + probe.message() +
            "); pass a livesop database file, or a new path to create one");
      }
    }
    if (!options.read_only) {
      LIVESOP_RETURN_IF_ERROR(Exec("PRAGMA journal_mode=WAL"));
      LIVESOP_RETURN_IF_ERROR(Exec("PRAGMA synchronous=NORMAL"));
    }
    LIVESOP_RETURN_IF_ERROR(Exec("PRAGMA foreign_keys=ON"));
    // Reads of many campaigns' histories (a sweep after a restart, a
    // calendar over a year) touch pages all over the file: a larger page
    // cache and memory-mapped reads spare a system call per page. Both are
    // upper bounds; a small database uses what it needs.
    LIVESOP_RETURN_IF_ERROR(Exec("PRAGMA cache_size=-65536"));
    LIVESOP_RETURN_IF_ERROR(Exec("PRAGMA mmap_size=1073741824"));
    LIVESOP_ASSIGN_OR_RETURN(version, ReadUserVersion());
    const int known = static_cast<int>(Migrations().size());
    if (version > known) {
      return FailedPreconditionError(
          "the database \"" + path_ + "\" has schema version " +
          std::to_string(version) + ", newer than this livesop knows (" +
          std::to_string(known) +
          "); upgrade livesop to open it. Nothing was changed.");
    }
    if (version < known && options.read_only) {
      return FailedPreconditionError("the database \"" + path_ +
                                     "\" needs migrations, but it was opened "
                                     "read-only");
    }
    if (version == 0 && !options.read_only) {
      LIVESOP_ASSIGN_OR_RETURN(bool foreign, HasForeignTables());
      if (foreign) {
        return FailedPreconditionError(
            "\"" + path_ +
            "\" is a SQLite database of another program; livesop keeps its "
            "history in a file of its own");
      }
    }
    if (version < known) {
      // All pending migrations in one transaction: a crash leaves the old
      // schema or the new one, never a half-built read model. BEGIN
      // IMMEDIATE takes the write lock, so two processes opening a new
      // database at once migrate it once.
      LIVESOP_RETURN_IF_ERROR(Exec("BEGIN IMMEDIATE"));
      Status applied = Migrate();
      if (!applied.ok()) {
        (void)Exec("ROLLBACK");
        return applied.WithContext("migrating \"" + path_ + "\" to version " +
                                   std::to_string(known));
      }
      LIVESOP_RETURN_IF_ERROR(Exec("COMMIT"));
    }
    return OkStatus();
  }

  // Applies the migrations after the database's version, inside the open
  // write transaction; builds the read models after the last one when any
  // migration asks for it.
  Status Migrate() {
    LIVESOP_ASSIGN_OR_RETURN(int version, ReadUserVersion());
    const int known = static_cast<int>(Migrations().size());
    bool rebuild = false;
    for (; version < known; ++version) {
      const Migration& migration = Migrations()[version];
      LIVESOP_RETURN_IF_ERROR(Exec(migration.sql));
      if (migration.creates_read_models) {
        LIVESOP_RETURN_IF_ERROR(Exec(ReadModelSchema()));
        rebuild = true;
      }
      rebuild = rebuild || migration.rebuilds_read_models;
    }
    if (rebuild) {
      LIVESOP_RETURN_IF_ERROR(
          internal::RebuildReadModels(*this, Batches()).status());
    }
    return Exec("PRAGMA user_version=" + std::to_string(known));
  }

  Result<AppendResult> Append(const AppendRequest& request) override {
    LIVESOP_ASSIGN_OR_RETURN(std::vector<AppendResult> results,
                             AppendAll({request}));
    return results.front();
  }

  Result<std::vector<AppendResult>> AppendAll(
      const std::vector<AppendRequest>& requests) override {
    if (read_only_) {
      return FailedPreconditionError("the SQLite store \"" + path_ +
                                     "\" was opened read-only; cannot append");
    }
    for (const AppendRequest& request : requests) {
      LIVESOP_RETURN_IF_ERROR(ValidateRequest(request));
    }
    if (requests.empty()) return std::vector<AppendResult>();
    LIVESOP_RETURN_IF_ERROR(Step("BEGIN IMMEDIATE"));
    std::vector<AppendResult> results;
    results.reserve(requests.size());
    for (const AppendRequest& request : requests) {
      Result<AppendResult> result = AppendInTransaction(request);
      if (!result.ok()) {
        (void)Step("ROLLBACK");
        return result.status();
      }
      results.push_back(*result);
    }
    Status committed = Step("COMMIT");
    if (!committed.ok()) {
      (void)Step("ROLLBACK");
      return committed;
    }
    return results;
  }

  Result<int64_t> CampaignVersion(const std::string& campaign) override {
    return QueryCampaignVersion(*this, campaign);
  }

  Result<std::vector<AppendResult>> WriteSidePath(
      const SidePathWrite& write) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    for (const AppendRequest& request : write.appends) {
      LIVESOP_RETURN_IF_ERROR(ValidateRequest(request));
    }
    LIVESOP_RETURN_IF_ERROR(internal::ValidateSidePathWrite(write));
    LIVESOP_RETURN_IF_ERROR(Step("BEGIN IMMEDIATE"));
    std::vector<AppendResult> results;
    results.reserve(write.appends.size());
    for (const AppendRequest& request : write.appends) {
      Result<AppendResult> result = AppendInTransaction(request);
      if (!result.ok()) {
        (void)Step("ROLLBACK");
        return result.status();
      }
      results.push_back(*result);
    }
    Status status = internal::WriteSideRecords(*this, write);
    if (status.ok()) status = Step("COMMIT");
    if (!status.ok()) {
      (void)Step("ROLLBACK");
      return status;
    }
    return results;
  }
  Result<std::vector<std::string>> KnownSideMessages(
      const std::vector<std::string>& hashes) override {
    return internal::QueryKnownSideMessages(*this, hashes);
  }
  Result<std::vector<SideMessage>> SideMessages(
      const SideMessageQuery& query) override {
    return internal::QuerySideMessages(*this, query);
  }
  Result<SideMessage> SideMessageByHash(const std::string& prefix) override {
    return internal::QuerySideMessageByHash(*this, prefix);
  }
  Result<std::vector<SideRule>> SideRules() override {
    return internal::QuerySideRules(*this);
  }
  Result<std::vector<TrackerRow>> TrackerRows(
      const std::string& conversation) override {
    return internal::QueryTrackerRows(*this, conversation);
  }
  Status AddSideHook(const SideHook& hook) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::InsertSideHook(*this, hook);
  }
  Result<std::vector<SideHook>> SideHooks() override {
    return internal::QuerySideHooks(*this);
  }
  Result<SideHook> FindSideHook(const std::string& name) override {
    return internal::QuerySideHook(*this, name);
  }
  Result<SideHook> RevokeSideHook(const std::string& name,
                                  int64_t now_us) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::UpdateSideHookRevoked(*this, name, now_us);
  }

  Result<std::vector<CampaignRecord>> Campaigns(
      const CampaignQuery& query) override {
    return QueryCampaigns(*this, query);
  }
  Result<std::vector<TaskRecord>> Tasks(const TaskQuery& query) override {
    return QueryTasks(*this, query);
  }
  Result<std::vector<InboxItem>> Inbox(const InboxQuery& query) override {
    return QueryInbox(*this, query);
  }

  Result<int64_t> RecordAbsence(const Absence& absence) override {
    if (read_only_) {
      return FailedPreconditionError("the SQLite store \"" + path_ +
                                     "\" was opened read-only");
    }
    return internal::InsertAbsence(*this, absence);
  }
  Status CancelAbsence(int64_t id) override {
    if (read_only_) {
      return FailedPreconditionError("the SQLite store \"" + path_ +
                                     "\" was opened read-only");
    }
    return internal::DeleteAbsence(*this, id);
  }
  Result<std::vector<Absence>> Absences(const std::string& person,
                                        int64_t at_us) override {
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
    return internal::QueryWebhookEndpoints(*this);
  }
  Status SetNotifyPreference(const NotifyPreference& preference) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::UpsertNotifyPreference(*this, preference);
  }
  Result<NotifyPreference> NotifyPreferenceOf(
      const std::string& person) override {
    return internal::QueryNotifyPreference(*this, person);
  }
  Result<std::vector<NotifyPreference>> NotifyPreferences() override {
    return internal::QueryNotifyPreferences(*this);
  }
  Result<int64_t> EnqueueDeliveries(const std::vector<Delivery>& deliveries,
                                    const std::string& cursor,
                                    int64_t position) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    LIVESOP_RETURN_IF_ERROR(internal::ValidateDeliveries(deliveries, cursor));
    int64_t added = 0;
    LIVESOP_RETURN_IF_ERROR(InWriteTransaction([&]() -> Status {
      LIVESOP_ASSIGN_OR_RETURN(added, internal::InsertDeliveries(
                                          *this, deliveries, cursor, position));
      return OkStatus();
    }));
    return added;
  }
  Result<int64_t> DispatchCursor(const std::string& cursor) override {
    return internal::QueryDispatchCursor(*this, cursor);
  }
  Result<std::vector<Delivery>> ClaimDeliveries(const std::string& owner,
                                                int64_t now_us,
                                                int64_t lease_us,
                                                int64_t limit) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    std::vector<Delivery> claimed;
    LIVESOP_RETURN_IF_ERROR(InWriteTransaction([&]() -> Status {
      LIVESOP_ASSIGN_OR_RETURN(
          claimed, internal::LeaseDeliveries(
                       *this, internal::ClaimLocking::kWriteTransaction, owner,
                       now_us, lease_us, limit));
      return OkStatus();
    }));
    return claimed;
  }
  Status MarkDeliverySent(int64_t id, const std::string& owner,
                          int64_t now_us) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return InWriteTransaction([&] {
      return internal::FinishAttempt(*this, id, owner, /*sent=*/true, now_us,
                                     "", std::nullopt);
    });
  }
  Status MarkDeliveryFailed(int64_t id, const std::string& owner,
                            const std::string& error,
                            std::optional<int64_t> retry_at_us) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return InWriteTransaction([&] {
      return internal::FinishAttempt(*this, id, owner, /*sent=*/false, 0, error,
                                     retry_at_us);
    });
  }
  Result<std::vector<Delivery>> Deliveries(
      const DeliveryQuery& query) override {
    return internal::QueryDeliveries(*this, query);
  }
  Status ReplayDelivery(int64_t id, int64_t now_us) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return InWriteTransaction(
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
    return internal::QueryCalendarFeeds(*this);
  }
  Result<CalendarFeed> CalendarFeedByTokenHash(
      const std::string& token_hash) override {
    return internal::QueryCalendarFeedByTokenHash(*this, token_hash);
  }
  Result<CalendarFeed> RevokeCalendarFeed(const std::string& id,
                                          int64_t now_us) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    return internal::MarkCalendarFeedRevoked(*this, id, now_us);
  }

  Status PublishSop(const SopVersionRecord& record) override {
    if (read_only_) {
      return FailedPreconditionError(
          "the SQLite store \"" + path_ +
          "\" was opened read-only; cannot publish an SOP version");
    }
    return PublishSopVersion(*this, record);
  }
  Result<SopVersionRecord> SopVersion(const std::string& version) override {
    return QuerySopVersion(*this, version);
  }
  Result<std::vector<SopVersionRecord>> SopVersions() override {
    return QuerySopVersions(*this);
  }

  Status AddTemplateVersions(
      const std::vector<TemplateVersionRecord>& records) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    LIVESOP_RETURN_IF_ERROR(internal::ValidateTemplateVersions(records));
    return InWriteTransaction(
        [&] { return internal::InsertTemplateVersions(*this, records); });
  }
  Result<std::vector<std::string>> ApproveTemplateVersion(
      const std::string& template_id, const std::string& version,
      const std::string& by, int64_t at_us) override {
    LIVESOP_RETURN_IF_ERROR(Writable());
    std::vector<std::string> retired;
    LIVESOP_RETURN_IF_ERROR(InWriteTransaction([&]() -> Status {
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
    LIVESOP_RETURN_IF_ERROR(Writable());
    return InWriteTransaction([&] {
      return internal::RetireTemplate(*this, template_id, version, by, at_us);
    });
  }
  Result<std::vector<TemplateVersionRecord>> TemplateVersions(
      const std::string& template_id) override {
    return internal::QueryTemplateVersions(*this, template_id);
  }

  Result<int64_t> RebuildReadModels() override {
    if (read_only_) {
      return FailedPreconditionError("the SQLite store \"" + path_ +
                                     "\" was opened read-only; cannot rebuild");
    }
    LIVESOP_RETURN_IF_ERROR(Step("BEGIN IMMEDIATE"));
    Result<int64_t> replayed = internal::RebuildReadModels(*this, Batches());
    Status committed = replayed.ok() ? Step("COMMIT") : replayed.status();
    if (!committed.ok()) {
      (void)Step("ROLLBACK");
      return committed;
    }
    return replayed;
  }

  Status Scan(const EventFilter& filter,
              const std::function<Status(const Event&)>& visit) override {
    // Keyset pagination by position: each batch is its own short read, so a
    // long scan neither holds a read transaction open (which would stop WAL
    // checkpoints) nor keeps more than one batch in memory.
    std::string sql = std::string("SELECT ") + kEventColumns +
                      " FROM events WHERE position > ?1";
    std::vector<std::string> texts;
    auto in_list = [&](const char* column,
                       const std::vector<std::string>& values) {
      if (values.empty()) return;
      sql += std::string(" AND ") + column + " IN (";
      for (size_t i = 0; i < values.size(); ++i) {
        texts.push_back(values[i]);
        sql += (i > 0 ? ", ?" : "?") + std::to_string(texts.size() + 3);
      }
      sql += ")";
    };
    if (filter.from_us) sql += " AND time_us >= ?2";
    if (filter.until_us) sql += " AND time_us < ?3";
    if (!filter.campaign.empty()) {
      texts.push_back(filter.campaign);
      sql +=
          " AND campaign_id = (SELECT id FROM campaign_ids WHERE "
          "campaign = ?" +
          std::to_string(texts.size() + 3) + ")";
    }
    in_list("campaign_type", filter.campaign_types);
    in_list("source", filter.sources);
    in_list("activity", filter.activities);
    in_list("type", filter.types);
    // One campaign's events come in position order by its index on
    // (campaign_id, sequence): its sequence grows with the position, and
    // ordering by it spares SQLite a temporary sort per campaign loaded.
    sql +=
        filter.campaign.empty() ? " ORDER BY position" : " ORDER BY sequence";
    sql += " LIMIT " + std::to_string(kScanBatch);

    LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<Statement> taken,
                             TakeScanStatement(sql));
    // Given back when the scan ends, however it ends, for the next scan of
    // the same shape (loading one campaign after another).
    struct GiveBack {
      SqliteStore* store;
      std::string& sql;
      std::unique_ptr<Statement>& stmt;
      ~GiveBack() {
        store->GiveBackScanStatement(std::move(sql), std::move(stmt));
      }
    } give_back{this, sql, taken};
    Statement& stmt = *taken;
    int rc = SQLITE_OK;
    if (filter.from_us) sqlite3_bind_int64(stmt.get(), 2, *filter.from_us);
    if (filter.until_us) sqlite3_bind_int64(stmt.get(), 3, *filter.until_us);
    for (size_t i = 0; i < texts.size(); ++i) {
      sqlite3_bind_text(stmt.get(), static_cast<int>(i) + 4, texts[i].data(),
                        static_cast<int>(texts[i].size()), SQLITE_STATIC);
    }
    int64_t after = filter.after_position;
    // The events are reused from batch to batch, so their strings keep
    // their buffers and a scan allocates next to nothing per event. The
    // batch grows as rows come: a campaign's few events (the engine loading
    // one) do not pay for a full batch.
    std::vector<Event> batch;
    std::vector<int64_t> campaign_ids;
    while (true) {
      size_t count = 0;
      sqlite3_bind_int64(stmt.get(), 1, after);
      Status row;
      while (row.ok() && (rc = sqlite3_step(stmt.get())) == SQLITE_ROW) {
        if (count == batch.size()) {
          batch.emplace_back();
          campaign_ids.push_back(0);
        }
        campaign_ids[count] = sqlite3_column_int64(stmt.get(), 3);
        row = ReadRow(stmt.get(), batch[count++]);
      }
      sqlite3_reset(stmt.get());
      LIVESOP_RETURN_IF_ERROR(row);
      if (rc != SQLITE_DONE) return Error(rc, "scanning events");
      LIVESOP_RETURN_IF_ERROR(NameCampaigns(campaign_ids, batch, count));
      for (size_t i = 0; i < count; ++i) {
        LIVESOP_RETURN_IF_ERROR(visit(batch[i]));
      }
      if (count < static_cast<size_t>(kScanBatch)) return OkStatus();
      after = batch[count - 1].position;
    }
  }

  Result<int64_t> LastPosition() override {
    LIVESOP_ASSIGN_OR_RETURN(
        sqlite3_stmt * stmt,
        Prepare("SELECT coalesce(max(position), 0) FROM events"));
    int rc = sqlite3_step(stmt);
    int64_t last = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW) return Error(rc, "reading the last position");
    return last;
  }

  Result<int> SchemaVersion() override { return ReadUserVersion(); }

  const char* Backend() const override { return "sqlite"; }

  // RawStore.
  SqlExecutor& sql() override { return *this; }
  Status BeginSnapshot() override { return Step("BEGIN"); }
  Status BeginExclusive() override {
    if (read_only_) {
      return FailedPreconditionError("the SQLite store \"" + path_ +
                                     "\" was opened read-only");
    }
    return Step("BEGIN IMMEDIATE");
  }
  Status FinishCopy() override {
    return internal::RebuildReadModels(*this, Batches()).status();
  }

  Status ReadEvents(int64_t after, std::vector<Event>& batch) override {
    static const std::string sql = std::string("SELECT ") + kEventColumns +
                                   " FROM events WHERE position > ? ORDER BY "
                                   "position LIMIT 2048";
    LIVESOP_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql.c_str()));
    sqlite3_bind_int64(stmt, 1, after);
    batch.clear();
    std::vector<int64_t> campaign_ids;
    Status row;
    int rc = SQLITE_OK;
    while (row.ok() && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      campaign_ids.push_back(sqlite3_column_int64(stmt, 3));
      row = ReadRow(stmt, batch.emplace_back());
    }
    sqlite3_reset(stmt);
    LIVESOP_RETURN_IF_ERROR(row);
    if (rc != SQLITE_DONE) return Error(rc, "reading events");
    return NameCampaigns(campaign_ids, batch, batch.size());
  }

  // Writes events as they are: positions, sequences and recorded times.
  Status WriteEvents(const std::vector<Event>& events) override {
    for (const Event& e : events) {
      LIVESOP_ASSIGN_OR_RETURN(const int64_t campaign_id,
                               CampaignId(e.campaign));
      LIVESOP_RETURN_IF_ERROR(
          InsertRow(e, e.position, campaign_id, e.sequence, e.recorded_us));
    }
    return OkStatus();
  }
  Status Commit() override { return Step("COMMIT"); }
  void Rollback() override { (void)Step("ROLLBACK"); }

  // The online backup API: copies the pages of one consistent snapshot;
  // in WAL mode other processes go on appending meanwhile.
  Status BackupFile(const std::string& path) override {
    sqlite3* target = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &target,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    Status status;
    if (rc == SQLITE_OK) {
      sqlite3_backup* backup = sqlite3_backup_init(target, "main", db_, "main");
      if (backup == nullptr) {
        rc = sqlite3_errcode(target);
      } else {
        rc = sqlite3_backup_step(backup, -1);
        const int finished = sqlite3_backup_finish(backup);
        rc = rc == SQLITE_DONE ? finished : rc;
      }
    }
    if (rc != SQLITE_OK) {
      status = Error(rc, "backing up to \"" + path + "\": " +
                             (target != nullptr ? sqlite3_errmsg(target)
                                                : sqlite3_errstr(rc)));
    }
    sqlite3_close_v2(target);
    return status;
  }

 private:
  // Runs inside BEGIN IMMEDIATE, so nothing can change between the reads and
  // the writes.
  Result<AppendResult> AppendInTransaction(const AppendRequest& request) {
    if (!request.idempotency_key.empty()) {
      LIVESOP_ASSIGN_OR_RETURN(
          sqlite3_stmt * find,
          Prepare("SELECT campaign, first_position, last_position, version "
                  "FROM idempotency WHERE key = ?"));
      BindText(find, 1, request.idempotency_key);
      int rc = sqlite3_step(find);
      if (rc == SQLITE_ROW) {
        AppendResult previous;
        const std::string campaign = ColumnText(find, 0);
        previous.first_position = sqlite3_column_int64(find, 1);
        previous.last_position = sqlite3_column_int64(find, 2);
        previous.version = sqlite3_column_int64(find, 3);
        previous.duplicate = true;
        sqlite3_reset(find);
        if (campaign != request.campaign) {
          return InvalidArgumentError("idempotency key \"" +
                                      request.idempotency_key +
                                      "\" was used for campaign " + campaign +
                                      ", not " + request.campaign);
        }
        return previous;
      }
      sqlite3_reset(find);
      if (rc != SQLITE_DONE) return Error(rc, "reading idempotency keys");
    }
    LIVESOP_ASSIGN_OR_RETURN(int64_t version,
                             CampaignVersion(request.campaign));
    const int64_t first_sequence = version + 1;
    if (request.expected_version != kAnyVersion &&
        request.expected_version != version) {
      return AbortedError("campaign " + request.campaign + " is at version " +
                          std::to_string(version) + ", not the expected " +
                          std::to_string(request.expected_version) +
                          "; read it again and retry");
    }
    LIVESOP_ASSIGN_OR_RETURN(const int64_t campaign_id,
                             CampaignId(request.campaign));
    const int64_t recorded = NowMicros();
    AppendResult result;
    for (const Event& e : request.events) {
      ++version;
      LIVESOP_RETURN_IF_ERROR(InsertRow(e, 0, campaign_id, version, recorded));
      const int64_t position = sqlite3_last_insert_rowid(db_);
      if (result.first_position == 0) result.first_position = position;
      result.last_position = position;
    }
    result.version = version;
    LIVESOP_RETURN_IF_ERROR(ProjectAppend(*this, request.campaign,
                                          request.events, result.first_position,
                                          first_sequence));
    if (!request.idempotency_key.empty()) {
      LIVESOP_ASSIGN_OR_RETURN(
          sqlite3_stmt * remember,
          Prepare("INSERT INTO idempotency (key, campaign, first_position, "
                  "last_position, version) VALUES (?, ?, ?, ?, ?)"));
      BindText(remember, 1, request.idempotency_key);
      BindText(remember, 2, request.campaign);
      sqlite3_bind_int64(remember, 3, result.first_position);
      sqlite3_bind_int64(remember, 4, result.last_position);
      sqlite3_bind_int64(remember, 5, result.version);
      const int rc = sqlite3_step(remember);
      sqlite3_reset(remember);
      if (rc != SQLITE_DONE) return Error(rc, "recording the idempotency key");
    }
    return result;
  }

  // Decodes a row of kEventColumns, all but the campaign's name.
  Status ReadRow(sqlite3_stmt* stmt, Event& e) const {
    e.position = sqlite3_column_int64(stmt, 0);
    e.sequence = sqlite3_column_int64(stmt, 1);
    e.recorded_us = sqlite3_column_int64(stmt, 2);
    AssignText(stmt, 4, e.type);
    AssignText(stmt, 5, e.activity);
    e.time_us = sqlite3_column_int64(stmt, 6);
    AssignText(stmt, 7, e.source);
    AssignText(stmt, 8, e.campaign_type);
    const auto* detail = static_cast<const char*>(sqlite3_column_blob(stmt, 9));
    const auto size = static_cast<size_t>(sqlite3_column_bytes(stmt, 9));
    if (!UnpackDetail(detail, size, e)) {
      return DataLossError("SQLite (" + path_ + "): the event at position " +
                           std::to_string(e.position) +
                           " is damaged; restore the store from a backup");
    }
    return OkStatus();
  }

  // Inserts one event row; `position` 0 takes the next one.
  Status InsertRow(const Event& e, int64_t position, int64_t campaign_id,
                   int64_t sequence, int64_t recorded_us) {
    LIVESOP_ASSIGN_OR_RETURN(
        sqlite3_stmt * insert,
        Prepare("INSERT INTO events (position, campaign_id, sequence, type, "
                "activity, time_us, source, campaign_type, recorded_us, "
                "detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
    if (position == 0) {
      sqlite3_bind_null(insert, 1);
    } else {
      sqlite3_bind_int64(insert, 1, position);
    }
    sqlite3_bind_int64(insert, 2, campaign_id);
    sqlite3_bind_int64(insert, 3, sequence);
    BindText(insert, 4, e.type);
    BindText(insert, 5, e.activity);
    sqlite3_bind_int64(insert, 6, e.time_us);
    BindText(insert, 7, e.source);
    BindText(insert, 8, e.campaign_type);
    sqlite3_bind_int64(insert, 9, recorded_us);
    PackDetail(e, detail_);
    sqlite3_bind_blob(insert, 10, detail_.data(),
                      static_cast<int>(detail_.size()), SQLITE_STATIC);
    const int rc = sqlite3_step(insert);
    sqlite3_reset(insert);
    return rc == SQLITE_DONE ? OkStatus() : Error(rc, "appending an event");
  }

  // Sets the campaign names of the first `count` events of `batch` from
  // their ids.
  Status NameCampaigns(const std::vector<int64_t>& campaign_ids,
                       std::vector<Event>& batch, size_t count) {
    for (size_t i = 0; i < count; ++i) {
      LIVESOP_ASSIGN_OR_RETURN(const std::string* name,
                               CampaignName(campaign_ids[i]));
      batch[i].campaign = *name;
    }
    return OkStatus();
  }

  // The events in batches, for rebuilds.
  EventBatches Batches() {
    return [this](int64_t after, std::vector<Event>& batch) {
      return ReadEvents(after, batch);
    };
  }

  static void AssignText(sqlite3_stmt* stmt, int column, std::string& out) {
    const auto* text =
        reinterpret_cast<const char*>(sqlite3_column_text(stmt, column));
    if (text == nullptr) {
      out.clear();
    } else {
      out.assign(text, static_cast<size_t>(sqlite3_column_bytes(stmt, column)));
    }
  }

  // The name of campaign `id`. Names are cached: an id never changes its
  // name, and a scan only meets ids of committed campaigns.
  Result<const std::string*> CampaignName(int64_t id) {
    auto found = campaign_names_.find(id);
    if (found != campaign_names_.end()) return &found->second;
    LIVESOP_ASSIGN_OR_RETURN(
        sqlite3_stmt * stmt,
        Prepare("SELECT campaign FROM campaign_ids WHERE id = ?"));
    sqlite3_bind_int64(stmt, 1, id);
    const int rc = sqlite3_step(stmt);
    std::string name = rc == SQLITE_ROW ? ColumnText(stmt, 0) : std::string();
    sqlite3_reset(stmt);
    if (rc != SQLITE_ROW) return Error(rc, "reading a campaign name");
    return &campaign_names_.emplace(id, std::move(name)).first->second;
  }

  // The id of `campaign`, given it one if it has none; inside the append's
  // transaction, so a rolled-back append leaves no id behind.
  Result<int64_t> CampaignId(const std::string& campaign) {
    LIVESOP_ASSIGN_OR_RETURN(
        sqlite3_stmt * find,
        Prepare("SELECT id FROM campaign_ids WHERE campaign = ?"));
    BindText(find, 1, campaign);
    int rc = sqlite3_step(find);
    const int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(find, 0) : 0;
    sqlite3_reset(find);
    if (rc == SQLITE_ROW) return id;
    if (rc != SQLITE_DONE) return Error(rc, "reading a campaign id");
    LIVESOP_ASSIGN_OR_RETURN(
        sqlite3_stmt * add,
        Prepare("INSERT INTO campaign_ids (campaign) VALUES (?)"));
    BindText(add, 1, campaign);
    rc = sqlite3_step(add);
    sqlite3_reset(add);
    if (rc != SQLITE_DONE) return Error(rc, "adding a campaign id");
    return sqlite3_last_insert_rowid(db_);
  }

  // Binds without a copy: every caller steps and resets the statement
  // while `text` is alive.
  static void BindText(sqlite3_stmt* stmt, int index, const std::string& text) {
    sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()),
                      SQLITE_STATIC);
  }

  Status Writable() const {
    if (!read_only_) return OkStatus();
    return FailedPreconditionError("the SQLite store \"" + path_ +
                                   "\" was opened read-only");
  }

  // Runs `body` in a write transaction (BEGIN IMMEDIATE, so no other
  // writer runs meanwhile): committed when it succeeds, else rolled back.
  Status InWriteTransaction(const std::function<Status()>& body) {
    LIVESOP_RETURN_IF_ERROR(Step("BEGIN IMMEDIATE"));
    Status status = body();
    if (status.ok()) status = Step("COMMIT");
    if (!status.ok()) (void)Step("ROLLBACK");
    return status;
  }

  // A prepared scan statement for `sql`, from the cache when a scan of the
  // same shape ran before. The statement leaves the cache while it is in
  // use, so a scan started from inside another's visitor prepares its own.
  Result<std::unique_ptr<Statement>> TakeScanStatement(const std::string& sql) {
    if (auto found = scan_statements_.find(sql);
        found != scan_statements_.end()) {
      std::unique_ptr<Statement> stmt = std::move(found->second);
      scan_statements_.erase(found);
      return stmt;
    }
    auto stmt = std::make_unique<Statement>();
    int rc = sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT,
                                stmt->out(), nullptr);
    if (rc != SQLITE_OK) return Error(rc, "preparing a scan");
    return stmt;
  }

  // Keeps a scan statement for the next scan of the same SQL. Filters with
  // lists of values make SQL of many shapes, so the cache is bounded.
  void GiveBackScanStatement(std::string sql, std::unique_ptr<Statement> stmt) {
    if (stmt == nullptr || stmt->get() == nullptr) return;
    sqlite3_reset(stmt->get());
    sqlite3_clear_bindings(stmt->get());
    constexpr size_t kMaxScanStatements = 32;
    if (scan_statements_.size() >= kMaxScanStatements) scan_statements_.clear();
    scan_statements_.emplace(std::move(sql), std::move(stmt));
  }

  // A cached prepared statement for the string literal `sql`, owned by the
  // store.
  Result<sqlite3_stmt*> Prepare(const char* sql) {
    auto found = statements_.find(sql);
    if (found != statements_.end()) return found->second->get();
    auto stmt = std::make_unique<Statement>();
    int rc = sqlite3_prepare_v2(db_, sql, -1, stmt->out(), nullptr);
    if (rc != SQLITE_OK) return Error(rc, "preparing a statement");
    sqlite3_stmt* raw = stmt->get();
    statements_.emplace(sql, std::move(stmt));
    return raw;
  }

  static void Bind(sqlite3_stmt* stmt, const SqlParams& params) {
    for (size_t i = 0; i < params.size(); ++i) {
      const int index = static_cast<int>(i) + 1;
      if (const auto* number = std::get_if<int64_t>(&params[i])) {
        sqlite3_bind_int64(stmt, index, *number);
      } else {
        BindText(stmt, index, std::get<std::string>(params[i]));
      }
    }
  }

  // SqlExecutor: the shared read-model SQL runs on this connection.
  Status Execute(const char* sql, const SqlParams& params) override {
    LIVESOP_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    Bind(stmt, params);
    int rc = sqlite3_step(stmt);
    while (rc == SQLITE_ROW) rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    return rc == SQLITE_DONE ? OkStatus() : Error(rc, "writing");
  }

  Status Query(const char* sql, const SqlParams& params,
               const std::function<Status(const SqlRow&)>& visit) override {
    LIVESOP_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    Bind(stmt, params);
    const SqliteRow row(stmt);
    int rc = SQLITE_OK;
    Status status;
    while (status.ok() && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      status = visit(row);
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (!status.ok()) return status;
    return rc == SQLITE_DONE ? OkStatus() : Error(rc, "reading");
  }

  // Runs a cached statement that returns no rows.
  Status Step(const char* sql) {
    LIVESOP_ASSIGN_OR_RETURN(sqlite3_stmt * stmt, Prepare(sql));
    int rc = sqlite3_step(stmt);
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? OkStatus() : Error(rc, sql);
  }

  Status Exec(const std::string& sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    if (rc == SQLITE_OK) return OkStatus();
    std::string text = message != nullptr ? message : sqlite3_errstr(rc);
    sqlite3_free(message);
    return Error(rc, text);
  }

  Result<int> ReadUserVersion() {
    Statement stmt;
    int rc =
        sqlite3_prepare_v2(db_, "PRAGMA user_version", -1, stmt.out(), nullptr);
    if (rc != SQLITE_OK) return Error(rc, "reading the schema version");
    rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW) return Error(rc, "reading the schema version");
    return sqlite3_column_int(stmt.get(), 0);
  }

  Result<bool> HasForeignTables() {
    Statement stmt;
    int rc = sqlite3_prepare_v2(
        db_, "SELECT count(*) FROM sqlite_master WHERE type = 'table'", -1,
        stmt.out(), nullptr);
    if (rc != SQLITE_OK) return Error(rc, "reading the schema");
    rc = sqlite3_step(stmt.get());
    if (rc != SQLITE_ROW) return Error(rc, "reading the schema");
    return sqlite3_column_int(stmt.get(), 0) > 0;
  }

  // Maps a SQLite result code to the canonical codes of status.h.
  Status Error(int rc, const std::string& doing) const {
    const int primary = rc & 0xff;
    std::string message = "SQLite (" + path_ + "): " + doing;
    const char* detail = sqlite3_errmsg(db_);
    if (detail != nullptr && doing.find(detail) == std::string::npos) {
      message += ": " + std::string(detail);
    }
    // A full disk comes back as SQLITE_FULL, but a write refused at a
    // file-size limit or quota as a failed write; the person's remedy is
    // the same.
    if (rc == SQLITE_IOERR_WRITE) {
      return ResourceExhaustedError(
          message +
          " (the disk is full or the file reached its size limit; nothing "
          "of this write was kept. Free space, then retry)");
    }
    switch (primary) {
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        return UnavailableError(message + " (the database is busy; retry)");
      case SQLITE_FULL:
        return ResourceExhaustedError(
            message +
            " (the disk is full; nothing of this write was kept. Free space, "
            "then retry)");
      case SQLITE_READONLY:
      case SQLITE_PERM:
        return PermissionDeniedError(
            message +
            " (the database file or its folder is read-only for this user; "
            "make both writable, or open the store read-only)");
      case SQLITE_CANTOPEN:
        return UnavailableError(
            message + " (check that the folder exists and is writable)");
      case SQLITE_NOTADB:
      case SQLITE_CORRUPT:
        return FailedPreconditionError(message);
      case SQLITE_CONSTRAINT:
        return AbortedError(message + " (a concurrent write; retry)");
      default:
        return InternalError(message);
    }
  }

  sqlite3* db_;
  std::string path_;
  bool read_only_;
  std::unordered_map<const char*, std::unique_ptr<Statement>> statements_;
  std::unordered_map<std::string, std::unique_ptr<Statement>> scan_statements_;
  std::unordered_map<int64_t, std::string> campaign_names_;
  std::string detail_;  // reused by InsertRow
};

std::string SqliteRow::Text(int column) const {
  return ColumnText(stmt_, column);
}

}  // namespace

Result<std::unique_ptr<Store>> OpenSqliteStore(const std::string& path,
                                               const OpenOptions& options) {
  if (path.empty()) {
    return InvalidArgumentError("an empty database path");
  }
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    return InvalidArgumentError("\"" + path +
                                "\" is a directory; name a database file "
                                "inside it, such as " +
                                (fs::path(path) / "livesop.db").string());
  }
  const fs::path parent = fs::path(path).parent_path();
  if (!parent.empty() && !fs::exists(parent, ec)) {
    return UnavailableError("the folder \"" + parent.string() +
                            "\" of database \"" + path + "\" does not exist");
  }
  // SQLite reports both as "unable to open database file"; say which.
  const fs::path folder = parent.empty() ? fs::path(".") : parent;
  if (::access(folder.c_str(), W_OK) != 0) {
    return PermissionDeniedError(
        "cannot open the database \"" + path + "\": its folder \"" +
        folder.string() +
        "\" is read-only for this user, and SQLite writes its -wal and -shm "
        "files beside the database; make the folder writable");
  }
  if (!options.read_only && fs::exists(path, ec) &&
      ::access(path.c_str(), W_OK) != 0) {
    return PermissionDeniedError(
        "the database \"" + path +
        "\" is read-only for this user; make it writable, or open the store "
        "read-only");
  }
  sqlite3* db = nullptr;
  const int flags = options.read_only
                        ? SQLITE_OPEN_READONLY
                        : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc =
      sqlite3_open_v2(path.c_str(), &db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message =
        db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return UnavailableError("cannot open the database \"" + path +
                            "\": " + message);
  }
  if (!options.read_only && sqlite3_db_readonly(db, "main") == 1) {
    sqlite3_close_v2(db);
    return PermissionDeniedError(
        "the database \"" + path +
        "\" is read-only for this user; make it writable, or open the store "
        "read-only");
  }
  auto store = std::make_unique<SqliteStore>(db, path, options.read_only);
  LIVESOP_RETURN_IF_ERROR(store->Initialize(options));
  return std::unique_ptr<Store>(std::move(store));
}

Status MakeSingleFile(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE, nullptr);
  if (rc == SQLITE_OK) {
    rc = sqlite3_exec(db, "PRAGMA journal_mode=DELETE", nullptr, nullptr,
                      nullptr);
  }
  const std::string message =
      db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  sqlite3_close_v2(db);
  if (rc != SQLITE_OK) {
    return UnavailableError("cannot finish \"" + path + "\": " + message);
  }
  return OkStatus();
}

int SqliteSchemaVersion() { return static_cast<int>(Migrations().size()); }

}  // namespace livesop::store::internal

#include "store/internal/read_models.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <string_view>

namespace livesop::store::internal {
namespace {

using Json = nlohmann::json;

constexpr const char* kSchema = R"sql(
CREATE TABLE campaigns (
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
);
CREATE INDEX campaigns_by_status ON campaigns (status, campaign);
CREATE TABLE tasks (
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
  completed_us BIGINT NOT NULL,
  timer_us BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX tasks_by_assignee ON tasks (assignee, status);
CREATE INDEX tasks_by_campaign ON tasks (campaign);
CREATE TABLE inbox (
  id TEXT PRIMARY KEY,
  recipient TEXT NOT NULL,
  campaign TEXT NOT NULL,
  task TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_us BIGINT NOT NULL,
  read_us BIGINT NOT NULL
);
CREATE INDEX inbox_by_recipient ON inbox (recipient, id);
)sql";

// The aggregate columns of a campaign row, merged so that projecting
// events in one group or in several gives the same row. A row with no
// events yet is a placeholder a backend created to lock the campaign.
constexpr const char* kUpsertCampaign =
    "INSERT INTO campaigns (campaign, campaign_type, sop_version, title, "
    "owner, status, version, event_count, deviation_count, first_event_us, "
    "last_event_us, due_us, closed_us) VALUES (?, ?, ?, '', '', 'active', ?, "
    "?, ?, ?, ?, 0, 0) ON CONFLICT (campaign) DO UPDATE SET "
    "campaign_type = CASE WHEN excluded.campaign_type = '' THEN "
    "campaigns.campaign_type ELSE excluded.campaign_type END, "
    "sop_version = CASE WHEN excluded.sop_version = '' THEN "
    "campaigns.sop_version ELSE excluded.sop_version END, "
    "version = excluded.version, "
    "event_count = campaigns.event_count + excluded.event_count, "
    "deviation_count = campaigns.deviation_count + excluded.deviation_count, "
    "first_event_us = CASE WHEN campaigns.event_count = 0 OR "
    "excluded.first_event_us < campaigns.first_event_us THEN "
    "excluded.first_event_us ELSE campaigns.first_event_us END, "
    "last_event_us = CASE WHEN campaigns.event_count = 0 OR "
    "excluded.last_event_us > campaigns.last_event_us THEN "
    "excluded.last_event_us ELSE campaigns.last_event_us END";

constexpr const char* kCampaignCreated =
    "UPDATE campaigns SET title = ?, owner = ?, due_us = ?, status = "
    "'active', closed_us = 0 WHERE campaign = ?";
constexpr const char* kCampaignClosed =
    "UPDATE campaigns SET status = ?, closed_us = ? WHERE campaign = ?";

constexpr const char* kTaskCreated =
    "INSERT INTO tasks (task, campaign, step, activity, role, assignee, "
    "status, decision, completed_by, created_us, due_us, completed_us, "
    "timer_us) VALUES (?, ?, ?, ?, ?, ?, 'open', '', '', ?, ?, 0, ?) ON "
    "CONFLICT (task) DO UPDATE SET campaign = excluded.campaign, "
    "step = excluded.step, activity = excluded.activity, "
    "role = excluded.role, assignee = excluded.assignee, status = 'open', "
    "decision = '', completed_by = '', created_us = excluded.created_us, "
    "due_us = excluded.due_us, completed_us = 0, "
    "timer_us = excluded.timer_us";
constexpr const char* kTaskTimer =
    "UPDATE tasks SET timer_us = ? WHERE task = ?";
constexpr const char* kTaskAssigned =
    "UPDATE tasks SET assignee = ? WHERE task = ?";
constexpr const char* kTaskStarted =
    "UPDATE tasks SET status = 'in_progress' WHERE task = ? AND status = "
    "'open'";
constexpr const char* kTaskEnded =
    "UPDATE tasks SET status = ?, decision = ?, completed_by = ?, "
    "completed_us = ?, timer_us = 0 WHERE task = ?";

constexpr const char* kInboxInsert =
    "INSERT INTO inbox (id, recipient, campaign, task, subject, body, "
    "created_us, read_us) VALUES (?, ?, ?, ?, ?, ?, ?, 0) ON CONFLICT (id) "
    "DO NOTHING";
constexpr const char* kInboxRead =
    "UPDATE inbox SET read_us = ? WHERE id = ? AND read_us = 0";

constexpr const char* kSelectCampaigns =
    "SELECT campaign, campaign_type, sop_version, title, owner, status, "
    "version, event_count, deviation_count, first_event_us, last_event_us, "
    "due_us, closed_us FROM campaigns WHERE (? = '' OR status = ?) AND "
    "(? = '' OR campaign_type = ?) ORDER BY campaign";
constexpr const char* kSelectTasks =
    "SELECT task, campaign, step, activity, role, assignee, status, "
    "decision, completed_by, created_us, due_us, completed_us, timer_us "
    "FROM tasks WHERE (? = '' OR campaign = ?) AND (? = '' OR assignee = ?) "
    "AND (? = '' OR status = ?) AND (CAST(? AS BIGINT) = 0 OR (due_us > 0 AND "
    "due_us <= ?)) "
    "AND (CAST(? AS BIGINT) = 0 OR (timer_us > 0 AND timer_us <= ?)) ORDER BY "
    "task";
constexpr const char* kSelectInbox =
    "SELECT id, recipient, campaign, task, subject, body, created_us, "
    "read_us FROM inbox WHERE (? = '' OR recipient = ?) AND (? = 0 OR "
    "read_us = 0) ORDER BY id";
constexpr const char* kSelectVersion =
    "SELECT version FROM campaigns WHERE campaign = ?";
constexpr const char* kSelectKeys =
    "SELECT key, campaign, first_position, last_position, version FROM "
    "idempotency ORDER BY key";
constexpr const char* kInsertKey =
    "INSERT INTO idempotency (key, campaign, first_position, last_position, "
    "version) VALUES (?, ?, ?, ?, ?)";

// A payload field as text: strings as they are, numbers printed, anything
// else (missing, null, objects) as empty.
std::string Field(const Json& payload, const char* key) {
  auto it = payload.find(key);
  if (it == payload.end()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number() || it->is_boolean()) return it->dump();
  return "";
}

int64_t IntField(const Json& payload, const char* key) {
  auto it = payload.find(key);
  if (it == payload.end() || !it->is_number_integer()) return 0;
  return it->get<int64_t>();
}

// Event types whose payload a projection reads; the others only count.
bool ReadsPayload(std::string_view type) {
  return type.starts_with("campaign_") || type.starts_with("task_") ||
         type == "approval_decided" || type.starts_with("notification_") ||
         type.starts_with("sla_");
}

// The task an event is about: payload "task", else "CAMPAIGN/STEP".
std::string TaskId(const Event& e, const std::string& campaign,
                   const Json& payload) {
  std::string task = Field(payload, "task");
  if (task.empty() && !e.step.empty()) task = campaign + "/" + e.step;
  return task;
}

Status Emit(std::vector<SqlStatement>& out, const char* sql, SqlParams params) {
  out.push_back({sql, std::move(params)});
  return OkStatus();
}

Status ProjectOne(std::vector<SqlStatement>& sql, const std::string& campaign,
                  const Event& e, int64_t position) {
  if (!ReadsPayload(e.type)) return OkStatus();
  Json payload = Json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  if (!payload.is_object()) payload = Json::object();
  const std::string& type = e.type;
  if (type == "campaign_created") {
    std::string owner = Field(payload, "owner");
    if (owner.empty()) owner = e.resource;
    return Emit(sql, kCampaignCreated,
                {Field(payload, "title"), owner, IntField(payload, "due_us"),
                 campaign});
  }
  if (type == "campaign_completed" || type == "campaign_cancelled" ||
      type == "campaign_rejected") {
    return Emit(sql, kCampaignClosed,
                {type.substr(std::string_view("campaign_").size()), e.time_us,
                 campaign});
  }
  if (type == "campaign_reopened") {
    return Emit(sql, kCampaignClosed,
                {std::string("active"), int64_t{0}, campaign});
  }
  if (type == "notification_sent") {
    std::vector<std::string> recipients;
    if (auto it = payload.find("recipients");
        it != payload.end() && it->is_array()) {
      for (const Json& r : *it) {
        if (r.is_string()) recipients.push_back(r.get<std::string>());
      }
    }
    if (std::string one = Field(payload, "recipient"); !one.empty()) {
      recipients.push_back(one);
    }
    for (const std::string& recipient : recipients) {
      LIVESOP_RETURN_IF_ERROR(
          Emit(sql, kInboxInsert,
               {std::to_string(position) + ":" + recipient, recipient, campaign,
                Field(payload, "task"), Field(payload, "subject"),
                Field(payload, "body"), e.time_us}));
    }
    return OkStatus();
  }
  if (type == "notification_read") {
    return Emit(sql, kInboxRead, {e.time_us, Field(payload, "item")});
  }
  const std::string task = TaskId(e, campaign, payload);
  if (task.empty()) return OkStatus();
  if (type == "task_created") {
    // The first thing to fire: a reminder before the deadline, else the
    // deadline.
    const int64_t due = IntField(payload, "due_us");
    const int64_t remind = IntField(payload, "remind_us");
    const int64_t timer =
        remind > 0 && (due == 0 || remind < due) ? remind : due;
    return Emit(sql, kTaskCreated,
                {task, campaign, e.step, e.activity, e.role,
                 Field(payload, "assignee"), e.time_us, due, timer});
  }
  if (type == "sla_reminded") {
    return Emit(sql, kTaskTimer, {IntField(payload, "due_us"), task});
  }
  if (type == "sla_breached") {
    return Emit(sql, kTaskTimer, {int64_t{0}, task});
  }
  if (type == "task_assigned") {
    std::string assignee = Field(payload, "assignee");
    if (assignee.empty()) assignee = e.resource;
    return Emit(sql, kTaskAssigned, {assignee, task});
  }
  if (type == "task_started") return Emit(sql, kTaskStarted, {task});
  if (type == "task_completed" || type == "approval_decided" ||
      type == "task_skipped" || type == "task_cancelled") {
    const char* status = type == "task_skipped"     ? "skipped"
                         : type == "task_cancelled" ? "cancelled"
                                                    : "done";
    return Emit(sql, kTaskEnded,
                {std::string(status), Field(payload, "decision"), e.resource,
                 e.time_us, task});
  }
  return OkStatus();
}

}  // namespace

const char* ReadModelSchema() { return kSchema; }

Status CopyKeys(SqlExecutor& from, SqlExecutor& to) {
  return from.Query(kSelectKeys, {}, [&](const SqlRow& row) {
    return to.Execute(kInsertKey, {row.Text(0), row.Text(1), row.Int(2),
                                   row.Int(3), row.Int(4)});
  });
}

Status ProjectAppend(SqlExecutor& sql, const std::string& campaign,
                     const std::vector<Event>& events, int64_t first_position,
                     int64_t first_sequence) {
  std::vector<SqlStatement> statements;
  LIVESOP_RETURN_IF_ERROR(CollectProjection(statements, campaign, events,
                                            first_position, first_sequence));
  return sql.ExecuteBatch(statements);
}

Status CollectProjection(std::vector<SqlStatement>& statements,
                         const std::string& campaign,
                         const std::vector<Event>& events,
                         int64_t first_position, int64_t first_sequence) {
  if (events.empty()) return OkStatus();
  std::string campaign_type;
  std::string sop_version;
  int64_t deviations = 0;
  int64_t first_us = events.front().time_us;
  int64_t last_us = events.front().time_us;
  for (const Event& e : events) {
    if (!e.campaign_type.empty()) campaign_type = e.campaign_type;
    if (!e.sop_version.empty()) sop_version = e.sop_version;
    if (!e.deviation.empty()) ++deviations;
    first_us = std::min(first_us, e.time_us);
    last_us = std::max(last_us, e.time_us);
  }
  const auto count = static_cast<int64_t>(events.size());
  statements.push_back(
      {kUpsertCampaign,
       {campaign, campaign_type, sop_version, first_sequence + count - 1, count,
        deviations, first_us, last_us}});
  for (size_t i = 0; i < events.size(); ++i) {
    LIVESOP_RETURN_IF_ERROR(
        ProjectOne(statements, campaign, events[i],
                   first_position + static_cast<int64_t>(i)));
  }
  return OkStatus();
}

Result<int64_t> RebuildReadModels(SqlExecutor& sql, const EventBatches& read) {
  for (const char* table :
       {"DELETE FROM campaigns", "DELETE FROM tasks", "DELETE FROM inbox"}) {
    LIVESOP_RETURN_IF_ERROR(sql.Execute(table, {}));
  }
  int64_t replayed = 0;
  int64_t after = 0;
  std::vector<Event> batch;
  while (true) {
    LIVESOP_RETURN_IF_ERROR(read(after, batch));
    if (batch.empty()) break;
    after = batch.back().position;
    // Runs of one campaign's consecutive events project as one append;
    // kUpsertCampaign merges so that the grouping does not matter.
    size_t begin = 0;
    while (begin < batch.size()) {
      size_t end = begin + 1;
      while (end < batch.size() && batch[end].campaign == batch[begin].campaign)
        ++end;
      std::vector<Event> run(std::make_move_iterator(batch.begin() + begin),
                             std::make_move_iterator(batch.begin() + end));
      LIVESOP_RETURN_IF_ERROR(ProjectAppend(sql, run.front().campaign, run,
                                            run.front().position,
                                            run.front().sequence));
      begin = end;
    }
    replayed += static_cast<int64_t>(batch.size());
  }
  return replayed;
}

Result<std::vector<CampaignRecord>> QueryCampaigns(SqlExecutor& sql,
                                                   const CampaignQuery& query) {
  std::vector<CampaignRecord> out;
  LIVESOP_RETURN_IF_ERROR(sql.Query(
      kSelectCampaigns,
      {query.status, query.status, query.campaign_type, query.campaign_type},
      [&](const SqlRow& row) {
        CampaignRecord& c = out.emplace_back();
        c.campaign = row.Text(0);
        c.campaign_type = row.Text(1);
        c.sop_version = row.Text(2);
        c.title = row.Text(3);
        c.owner = row.Text(4);
        c.status = row.Text(5);
        c.version = row.Int(6);
        c.event_count = row.Int(7);
        c.deviation_count = row.Int(8);
        c.first_event_us = row.Int(9);
        c.last_event_us = row.Int(10);
        c.due_us = row.Int(11);
        c.closed_us = row.Int(12);
        return OkStatus();
      }));
  return out;
}

Result<std::vector<TaskRecord>> QueryTasks(SqlExecutor& sql,
                                           const TaskQuery& query) {
  std::vector<TaskRecord> out;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectTasks,
                {query.campaign, query.campaign, query.assignee, query.assignee,
                 query.status, query.status, query.due_by_us, query.due_by_us,
                 query.timer_by_us, query.timer_by_us},
                [&](const SqlRow& row) {
                  TaskRecord& t = out.emplace_back();
                  t.task = row.Text(0);
                  t.campaign = row.Text(1);
                  t.step = row.Text(2);
                  t.activity = row.Text(3);
                  t.role = row.Text(4);
                  t.assignee = row.Text(5);
                  t.status = row.Text(6);
                  t.decision = row.Text(7);
                  t.completed_by = row.Text(8);
                  t.created_us = row.Int(9);
                  t.due_us = row.Int(10);
                  t.completed_us = row.Int(11);
                  t.timer_us = row.Int(12);
                  return OkStatus();
                }));
  return out;
}

Result<std::vector<InboxItem>> QueryInbox(SqlExecutor& sql,
                                          const InboxQuery& query) {
  std::vector<InboxItem> out;
  LIVESOP_RETURN_IF_ERROR(sql.Query(
      kSelectInbox,
      {query.recipient, query.recipient, int64_t{query.unread_only ? 1 : 0}},
      [&](const SqlRow& row) {
        InboxItem& item = out.emplace_back();
        item.id = row.Text(0);
        item.recipient = row.Text(1);
        item.campaign = row.Text(2);
        item.task = row.Text(3);
        item.subject = row.Text(4);
        item.body = row.Text(5);
        item.created_us = row.Int(6);
        item.read_us = row.Int(7);
        return OkStatus();
      }));
  return out;
}

Result<int64_t> QueryCampaignVersion(SqlExecutor& sql,
                                     const std::string& campaign) {
  int64_t version = 0;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectVersion, {campaign}, [&](const SqlRow& row) {
        version = row.Int(0);
        return OkStatus();
      }));
  return version;
}

Status ValidateRequest(const AppendRequest& request) {
  if (request.campaign.empty()) {
    return InvalidArgumentError("an append needs the campaign it is for");
  }
  if (request.events.empty()) {
    return InvalidArgumentError("an append to campaign \"" + request.campaign +
                                "\" has no events");
  }
  if (request.expected_version < kAnyVersion) {
    return InvalidArgumentError(
        "expected_version " + std::to_string(request.expected_version) +
        " is below -1; use kAnyVersion (-1), kNoCampaign (0) or a version");
  }
  const auto has_nul = [](const std::string& s) {
    return s.find('\0') != std::string::npos;
  };
  if (has_nul(request.campaign) || has_nul(request.idempotency_key)) {
    return InvalidArgumentError(
        "the campaign or idempotency key holds a NUL character");
  }
  for (size_t i = 0; i < request.events.size(); ++i) {
    const Event& e = request.events[i];
    // Only built for a message: appends of thousands of events pass here.
    const auto which = [&] {
      return "event " + std::to_string(i + 1) +
             " of the append to campaign \"" + request.campaign + "\"";
    };
    if (!e.campaign.empty() && e.campaign != request.campaign) {
      return InvalidArgumentError(which() + " belongs to campaign \"" +
                                  e.campaign + "\"");
    }
    if (e.type.empty() || e.activity.empty()) {
      return InvalidArgumentError(which() + " needs a type and an activity");
    }
    for (const std::string* field :
         {&e.type, &e.activity, &e.lifecycle, &e.resource, &e.role, &e.step,
          &e.sop_version, &e.source, &e.deviation, &e.reason, &e.campaign_type,
          &e.payload}) {
      if (has_nul(*field)) {
        return InvalidArgumentError(which() +
                                    " has a field with a NUL character");
      }
    }
    if (!e.payload.empty()) {
      const size_t first = e.payload.find_first_not_of(" \t\r\n");
      if (first == std::string::npos || e.payload[first] != '{' ||
          !Json::accept(e.payload)) {
        return InvalidArgumentError(which() +
                                    " has a payload that is not a JSON object");
      }
      // Valid JSON, but PostgreSQL's jsonb refuses it; refused on both
      // backends so that a store can move between them.
      if (e.payload.find("\\u0000") != std::string::npos) {
        return InvalidArgumentError(
            which() +
            " has a payload with a \\u0000 escape; remove the NUL "
            "character");
      }
    }
  }
  return OkStatus();
}

}  // namespace livesop::store::internal

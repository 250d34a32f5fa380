#include "store/internal/notify_tables.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

namespace livesop::store::internal {
namespace {

constexpr const char* kInsertEndpoint =
    "INSERT INTO webhook_endpoints (id, url, secret, event_types, enabled, "
    "created_us) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING "
    "RETURNING id";
constexpr const char* kDeleteEndpoint =
    "DELETE FROM webhook_endpoints WHERE id = ? RETURNING id";
constexpr const char* kSelectEndpoints =
    "SELECT id, url, secret, event_types, enabled, created_us FROM "
    "webhook_endpoints ORDER BY id";

constexpr const char* kUpsertPreference =
    "INSERT INTO notify_preferences (person, email_mode, digest_hour, "
    "updated_us) VALUES (?, ?, ?, ?) ON CONFLICT (person) DO UPDATE SET "
    "email_mode = excluded.email_mode, digest_hour = excluded.digest_hour, "
    "updated_us = excluded.updated_us";
constexpr const char* kSelectPreference =
    "SELECT person, email_mode, digest_hour, updated_us FROM "
    "notify_preferences WHERE person = ?";
constexpr const char* kSelectPreferences =
    "SELECT person, email_mode, digest_hour, updated_us FROM "
    "notify_preferences ORDER BY person";

// Every column of a delivery, in the order ReadDelivery reads them.
#define LIVESOP_DELIVERY_COLUMNS                                           \
  "id, key, channel, target, subject, body, status, attempts, "            \
  "next_attempt_us, lease_owner, lease_until_us, last_error, created_us, " \
  "sent_us"

constexpr const char* kInsertDelivery =
    "INSERT INTO deliveries (key, channel, target, subject, body, status, "
    "attempts, next_attempt_us, lease_owner, lease_until_us, last_error, "
    "created_us, sent_us) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, '', 0, '', "
    "?, 0) ON CONFLICT (key) DO NOTHING RETURNING id";
// The cursor only moves forward: of two dispatchers that enqueued the same
// events, the later commit must not move it back.
constexpr const char* kMoveCursor =
    "INSERT INTO notify_cursors (name, position) VALUES (?, ?) ON CONFLICT "
    "(name) DO UPDATE SET position = CASE WHEN excluded.position > "
    "notify_cursors.position THEN excluded.position ELSE "
    "notify_cursors.position END";
constexpr const char* kSelectCursor =
    "SELECT position FROM notify_cursors WHERE name = ?";

constexpr const char* kClaimInTransaction =
    "UPDATE deliveries SET lease_owner = ?, lease_until_us = ? WHERE id IN "
    "(SELECT id FROM deliveries WHERE status = 'pending' AND "
    "next_attempt_us <= ? AND lease_until_us <= ? ORDER BY next_attempt_us, "
    "id LIMIT ?) RETURNING " LIVESOP_DELIVERY_COLUMNS;
constexpr const char* kClaimSkipLocked =
    "UPDATE deliveries SET lease_owner = ?, lease_until_us = ? WHERE id IN "
    "(SELECT id FROM deliveries WHERE status = 'pending' AND "
    "next_attempt_us <= ? AND lease_until_us <= ? ORDER BY next_attempt_us, "
    "id LIMIT ? FOR UPDATE SKIP LOCKED) RETURNING " LIVESOP_DELIVERY_COLUMNS;

constexpr const char* kMarkSent =
    "UPDATE deliveries SET status = 'sent', attempts = attempts + 1, "
    "sent_us = ?, last_error = '', lease_owner = '', lease_until_us = 0 "
    "WHERE id = ? AND lease_owner = ? AND status = 'pending' RETURNING id";
constexpr const char* kMarkFailed =
    "UPDATE deliveries SET status = CASE WHEN ? = 1 THEN 'dead' ELSE "
    "'pending' END, attempts = attempts + 1, next_attempt_us = ?, "
    "last_error = ?, lease_owner = '', lease_until_us = 0 WHERE id = ? AND "
    "lease_owner = ? AND status = 'pending' RETURNING id";
constexpr const char* kDeliveryStatus =
    "SELECT status FROM deliveries WHERE id = ?";

constexpr const char* kSelectDeliveries =
    "SELECT " LIVESOP_DELIVERY_COLUMNS
    " FROM deliveries WHERE (? = '' OR status = ?) ORDER BY id DESC LIMIT ?";

constexpr const char* kReplay =
    "UPDATE deliveries SET status = 'pending', attempts = 0, "
    "next_attempt_us = ?, lease_owner = '', lease_until_us = 0 WHERE id = ?";
constexpr const char* kReplayDead =
    "UPDATE deliveries SET status = 'pending', attempts = 0, "
    "next_attempt_us = ?, lease_owner = '', lease_until_us = 0 WHERE status "
    "= 'dead' RETURNING id";

// Backups copy rows as they are, ids and history kept, leases dropped: no
// sender of the source holds one in the copy.
constexpr const char* kCopyDelivery =
    "INSERT INTO deliveries (" LIVESOP_DELIVERY_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, '', 0, ?, ?, ?)";
constexpr const char* kSelectCursors =
    "SELECT name, position FROM notify_cursors ORDER BY name";

#undef LIVESOP_DELIVERY_COLUMNS

constexpr const char* kEmailModes[] = {"immediate", "daily", "off"};
constexpr const char* kChannels[] = {"email", "webhook", "digest"};

bool HasNul(const std::string& text) {
  return text.find('\0') != std::string::npos;
}

bool OneOf(const std::string& value, const auto& allowed) {
  return std::find(std::begin(allowed), std::end(allowed), value) !=
         std::end(allowed);
}

// Event types are stored as one comma-separated text: they are names of
// the events format (docs/formats/events.md), which hold no commas.
std::string JoinTypes(const std::vector<std::string>& types) {
  std::string out;
  for (const std::string& t : types) {
    if (!out.empty()) out += ",";
    out += t;
  }
  return out;
}

std::vector<std::string> SplitTypes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.push_back(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

Delivery ReadDelivery(const SqlRow& row) {
  Delivery d;
  d.id = row.Int(0);
  d.key = row.Text(1);
  d.channel = row.Text(2);
  d.target = row.Text(3);
  d.subject = row.Text(4);
  d.body = row.Text(5);
  d.status = row.Text(6);
  d.attempts = row.Int(7);
  d.next_attempt_us = row.Int(8);
  d.lease_owner = row.Text(9);
  d.lease_until_us = row.Int(10);
  d.last_error = row.Text(11);
  d.created_us = row.Int(12);
  d.sent_us = row.Int(13);
  return d;
}

NotifyPreference ReadPreference(const SqlRow& row) {
  NotifyPreference p;
  p.person = row.Text(0);
  p.email_mode = row.Text(1);
  p.digest_hour = static_cast<int>(row.Int(2));
  p.updated_us = row.Int(3);
  return p;
}

// Whether `sql` returned at least one row.
Result<bool> AnyRow(SqlExecutor& sql, const char* statement,
                    const SqlParams& params) {
  bool found = false;
  LIVESOP_RETURN_IF_ERROR(sql.Query(statement, params, [&](const SqlRow&) {
    found = true;
    return OkStatus();
  }));
  return found;
}

}  // namespace

Status InsertWebhookEndpoint(SqlExecutor& sql,
                             const WebhookEndpoint& endpoint) {
  if (endpoint.id.empty() || endpoint.url.empty() || endpoint.secret.empty()) {
    return InvalidArgumentError(
        "a webhook endpoint needs an id, a URL and "
        "a secret");
  }
  for (const std::string* text :
       {&endpoint.id, &endpoint.url, &endpoint.secret}) {
    if (HasNul(*text)) {
      return InvalidArgumentError("a webhook endpoint holds a NUL character");
    }
  }
  for (const std::string& type : endpoint.event_types) {
    if (type.empty() || type.find(',') != std::string::npos || HasNul(type)) {
      return InvalidArgumentError("the event type \"" + type +
                                  "\" of a webhook endpoint is malformed");
    }
  }
  LIVESOP_ASSIGN_OR_RETURN(
      bool added,
      AnyRow(sql, kInsertEndpoint,
             {endpoint.id, endpoint.url, endpoint.secret,
              JoinTypes(endpoint.event_types),
              int64_t{endpoint.enabled ? 1 : 0}, endpoint.created_us}));
  if (!added) {
    return AlreadyExistsError("a webhook endpoint " + endpoint.id +
                              " exists already");
  }
  return OkStatus();
}

Status DeleteWebhookEndpoint(SqlExecutor& sql, const std::string& id) {
  LIVESOP_ASSIGN_OR_RETURN(bool removed, AnyRow(sql, kDeleteEndpoint, {id}));
  if (!removed) return NotFoundError("no webhook endpoint " + id);
  return OkStatus();
}

Result<std::vector<WebhookEndpoint>> QueryWebhookEndpoints(SqlExecutor& sql) {
  std::vector<WebhookEndpoint> out;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectEndpoints, {}, [&](const SqlRow& row) {
        WebhookEndpoint& e = out.emplace_back();
        e.id = row.Text(0);
        e.url = row.Text(1);
        e.secret = row.Text(2);
        e.event_types = SplitTypes(row.Text(3));
        e.enabled = row.Int(4) != 0;
        e.created_us = row.Int(5);
        return OkStatus();
      }));
  return out;
}

Status UpsertNotifyPreference(SqlExecutor& sql,
                              const NotifyPreference& preference) {
  if (preference.person.empty() || HasNul(preference.person)) {
    return InvalidArgumentError("a notification preference needs a person");
  }
  if (!OneOf(preference.email_mode, kEmailModes)) {
    return InvalidArgumentError("unknown email mode \"" +
                                preference.email_mode +
                                "\"; use immediate, daily or off");
  }
  if (preference.digest_hour < 0 || preference.digest_hour > 23) {
    return InvalidArgumentError("the digest hour " +
                                std::to_string(preference.digest_hour) +
                                " is not an hour of the day (0-23)");
  }
  return sql.Execute(kUpsertPreference,
                     {preference.person, preference.email_mode,
                      int64_t{preference.digest_hour}, preference.updated_us});
}

Result<NotifyPreference> QueryNotifyPreference(SqlExecutor& sql,
                                               const std::string& person) {
  NotifyPreference out;
  out.person = person;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectPreference, {person}, [&](const SqlRow& row) {
        out = ReadPreference(row);
        return OkStatus();
      }));
  return out;
}

Result<std::vector<NotifyPreference>> QueryNotifyPreferences(SqlExecutor& sql) {
  std::vector<NotifyPreference> out;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectPreferences, {}, [&](const SqlRow& row) {
        out.push_back(ReadPreference(row));
        return OkStatus();
      }));
  return out;
}

Status ValidateDeliveries(const std::vector<Delivery>& deliveries,
                          const std::string& cursor) {
  if (cursor.empty() || HasNul(cursor)) {
    return InvalidArgumentError("enqueueing deliveries needs a cursor name");
  }
  for (const Delivery& d : deliveries) {
    if (d.key.empty() || d.target.empty()) {
      return InvalidArgumentError("a delivery needs a key and a target");
    }
    if (!OneOf(d.channel, kChannels)) {
      return InvalidArgumentError("unknown delivery channel \"" + d.channel +
                                  "\"; use email, webhook or digest");
    }
    for (const std::string* text : {&d.key, &d.target, &d.subject, &d.body}) {
      if (HasNul(*text)) {
        return InvalidArgumentError("the delivery " + d.key +
                                    " holds a NUL character");
      }
    }
  }
  return OkStatus();
}

Result<int64_t> InsertDeliveries(SqlExecutor& sql,
                                 const std::vector<Delivery>& deliveries,
                                 const std::string& cursor, int64_t position) {
  int64_t added = 0;
  for (const Delivery& d : deliveries) {
    LIVESOP_ASSIGN_OR_RETURN(
        bool inserted, AnyRow(sql, kInsertDelivery,
                              {d.key, d.channel, d.target, d.subject, d.body,
                               d.next_attempt_us, d.created_us}));
    if (inserted) ++added;
  }
  LIVESOP_RETURN_IF_ERROR(sql.Execute(kMoveCursor, {cursor, position}));
  return added;
}

Result<int64_t> QueryDispatchCursor(SqlExecutor& sql,
                                    const std::string& cursor) {
  int64_t position = 0;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectCursor, {cursor}, [&](const SqlRow& row) {
        position = row.Int(0);
        return OkStatus();
      }));
  return position;
}

Result<std::vector<Delivery>> LeaseDeliveries(SqlExecutor& sql,
                                              ClaimLocking locking,
                                              const std::string& owner,
                                              int64_t now_us, int64_t lease_us,
                                              int64_t limit) {
  if (owner.empty() || HasNul(owner)) {
    return InvalidArgumentError("claiming deliveries needs an owner name");
  }
  if (lease_us <= 0 || limit <= 0) {
    return InvalidArgumentError(
        "claiming deliveries needs a positive lease and limit");
  }
  std::vector<Delivery> out;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(locking == ClaimLocking::kSkipLocked ? kClaimSkipLocked
                                                     : kClaimInTransaction,
                {owner, now_us + lease_us, now_us, now_us, limit},
                [&](const SqlRow& row) {
                  out.push_back(ReadDelivery(row));
                  return OkStatus();
                }));
  // RETURNING gives rows in no promised order.
  std::sort(out.begin(), out.end(), [](const Delivery& a, const Delivery& b) {
    return a.next_attempt_us != b.next_attempt_us
               ? a.next_attempt_us < b.next_attempt_us
               : a.id < b.id;
  });
  return out;
}

Status FinishAttempt(SqlExecutor& sql, int64_t id, const std::string& owner,
                     bool sent, int64_t now_us, const std::string& error,
                     std::optional<int64_t> retry_at_us) {
  if (HasNul(error)) {
    return InvalidArgumentError("a delivery error holds a NUL character");
  }
  bool updated = false;
  if (sent) {
    LIVESOP_ASSIGN_OR_RETURN(updated,
                             AnyRow(sql, kMarkSent, {now_us, id, owner}));
  } else {
    LIVESOP_ASSIGN_OR_RETURN(
        updated, AnyRow(sql, kMarkFailed,
                        {int64_t{retry_at_us ? 0 : 1},
                         retry_at_us.value_or(int64_t{0}), error, id, owner}));
  }
  if (updated) return OkStatus();
  LIVESOP_ASSIGN_OR_RETURN(bool exists, AnyRow(sql, kDeliveryStatus, {id}));
  if (!exists) return NotFoundError("no delivery " + std::to_string(id));
  return FailedPreconditionError(
      "the delivery " + std::to_string(id) + " is no longer leased to " +
      owner + " (its lease ran out and another sender took it, or it was " +
      "replayed); this attempt's result was not recorded");
}

Result<std::vector<Delivery>> QueryDeliveries(SqlExecutor& sql,
                                              const DeliveryQuery& query) {
  std::vector<Delivery> out;
  LIVESOP_RETURN_IF_ERROR(sql.Query(
      kSelectDeliveries,
      {query.status, query.status, query.limit > 0 ? query.limit : 1000},
      [&](const SqlRow& row) {
        out.push_back(ReadDelivery(row));
        return OkStatus();
      }));
  return out;
}

Status ResetDelivery(SqlExecutor& sql, int64_t id, int64_t now_us) {
  std::string status;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kDeliveryStatus, {id}, [&](const SqlRow& row) {
        status = row.Text(0);
        return OkStatus();
      }));
  if (status.empty()) {
    return NotFoundError("no delivery " + std::to_string(id) +
                         "; `livesop notify deliveries` lists them");
  }
  if (status == "sent") {
    return FailedPreconditionError("the delivery " + std::to_string(id) +
                                   " was sent already; nothing to replay");
  }
  return sql.Execute(kReplay, {now_us, id});
}

Result<int64_t> ResetDeadDeliveries(SqlExecutor& sql, int64_t now_us) {
  int64_t count = 0;
  LIVESOP_RETURN_IF_ERROR(sql.Query(kReplayDead, {now_us}, [&](const SqlRow&) {
    ++count;
    return OkStatus();
  }));
  return count;
}

Status CopyNotifySettings(SqlExecutor& from, SqlExecutor& to) {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<WebhookEndpoint> endpoints,
                           QueryWebhookEndpoints(from));
  for (const WebhookEndpoint& e : endpoints) {
    LIVESOP_RETURN_IF_ERROR(InsertWebhookEndpoint(to, e));
  }
  LIVESOP_ASSIGN_OR_RETURN(std::vector<NotifyPreference> preferences,
                           QueryNotifyPreferences(from));
  for (const NotifyPreference& p : preferences) {
    LIVESOP_RETURN_IF_ERROR(UpsertNotifyPreference(to, p));
  }
  std::vector<std::pair<std::string, int64_t>> cursors;
  LIVESOP_RETURN_IF_ERROR(from.Query(kSelectCursors, {}, [&](const SqlRow& r) {
    cursors.emplace_back(r.Text(0), r.Int(1));
    return OkStatus();
  }));
  for (const auto& [name, position] : cursors) {
    LIVESOP_RETURN_IF_ERROR(to.Execute(kMoveCursor, {name, position}));
  }
  // Read at once, then written oldest first: a department's outbox is
  // thousands of rows, not millions.
  DeliveryQuery all;
  all.limit = std::numeric_limits<int64_t>::max();
  LIVESOP_ASSIGN_OR_RETURN(std::vector<Delivery> deliveries,
                           QueryDeliveries(from, all));
  for (auto d = deliveries.rbegin(); d != deliveries.rend(); ++d) {
    LIVESOP_RETURN_IF_ERROR(to.Execute(
        kCopyDelivery, {d->id, d->key, d->channel, d->target, d->subject,
                        d->body, d->status, d->attempts, d->next_attempt_us,
                        d->last_error, d->created_us, d->sent_us}));
  }
  return OkStatus();
}

}  // namespace livesop::store::internal

#include "store/internal/side_path.h"

#include <algorithm>

namespace livesop::store::internal {
namespace {

// Every column of a message, in the order ReadMessage reads them.
#define LIVESOP_SIDE_COLUMNS                                             \
  "hash, source, file, location, conversation, sender, sender_name, "    \
  "time_us, utc_offset, zone, text, outcome, reason, campaign, person, " \
  "activity, confidence, detail, imported_us, imported_by, resolution, " \
  "resolved_by, resolved_us"

// Without a conflict target: a hash kept already returns no row, and the
// write is then refused as a lost race.
constexpr const char* kInsert =
    "INSERT INTO side_messages (" LIVESOP_SIDE_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
    "?, ?) ON CONFLICT DO NOTHING RETURNING hash";
constexpr const char* kUpdate =
    "UPDATE side_messages SET outcome = ?, reason = ?, campaign = ?, "
    "person = ?, activity = ?, confidence = ?, detail = ?, resolution = ?, "
    "resolved_by = ?, resolved_us = ? WHERE hash = ? RETURNING hash";
constexpr const char* kUpsertRule =
    "INSERT INTO side_rules (kind, key, value, created_by, created_us) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (kind, key) DO UPDATE SET "
    "value = excluded.value, created_by = excluded.created_by, "
    "created_us = excluded.created_us";
constexpr const char* kSelectIn =
    "SELECT hash FROM side_messages WHERE hash IN (";
constexpr const char* kSelect =
    "SELECT " LIVESOP_SIDE_COLUMNS
    " FROM side_messages WHERE (? = '' OR outcome = ?) AND (? = '' OR "
    "source = ?) AND (? = '' OR conversation = ?) AND (? = 0 OR resolution "
    "= '') ORDER BY time_us, hash";
constexpr const char* kSelectPrefix =
    "SELECT " LIVESOP_SIDE_COLUMNS
    " FROM side_messages WHERE hash >= ? AND hash < ? ORDER BY hash LIMIT 2";
constexpr const char* kSelectRules =
    "SELECT kind, key, value, created_by, created_us FROM side_rules ORDER "
    "BY kind, key";

#undef LIVESOP_SIDE_COLUMNS

// A row of a later export is not replaced by one of an earlier export
// imported after it.
constexpr const char* kUpsertTrackerRow =
    "INSERT INTO side_tracker_rows (conversation, row_key, status, time_us, "
    "hash) VALUES (?, ?, ?, ?, ?) ON CONFLICT (conversation, row_key) DO "
    "UPDATE SET status = excluded.status, time_us = excluded.time_us, hash = "
    "excluded.hash WHERE excluded.time_us >= side_tracker_rows.time_us";
constexpr const char* kSelectTrackerRows =
    "SELECT conversation, row_key, status, time_us, hash FROM "
    "side_tracker_rows WHERE conversation = ? ORDER BY row_key";
constexpr const char* kSelectAllTrackerRows =
    "SELECT conversation, row_key, status, time_us, hash FROM "
    "side_tracker_rows ORDER BY conversation, row_key";

#define LIVESOP_HOOK_COLUMNS \
  "name, secret, actor, created_by, created_us, revoked_us"
constexpr const char* kInsertHook =
    "INSERT INTO side_hooks (" LIVESOP_HOOK_COLUMNS
    ") VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING name";
constexpr const char* kSelectHooks =
    "SELECT " LIVESOP_HOOK_COLUMNS " FROM side_hooks ORDER BY name";
constexpr const char* kSelectHook =
    "SELECT " LIVESOP_HOOK_COLUMNS " FROM side_hooks WHERE name = ?";
constexpr const char* kRevokeHook =
    "UPDATE side_hooks SET revoked_us = ? WHERE name = ? AND revoked_us = 0";
#undef LIVESOP_HOOK_COLUMNS

constexpr const char* kOutcomes[] = {"event", "review", "ignored"};
constexpr const char* kRuleKinds[] = {"sender", "conversation",
                                      "ignore_sender"};

bool IsHash(const std::string& text) {
  return text.size() == 64 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool HasNul(const SideMessage& m) {
  for (const std::string* field :
       {&m.source, &m.file, &m.location, &m.conversation, &m.sender,
        &m.sender_name, &m.zone, &m.text, &m.outcome, &m.reason, &m.campaign,
        &m.person, &m.activity, &m.detail, &m.imported_by, &m.resolution,
        &m.resolved_by}) {
    if (field->find('\0') != std::string::npos) return true;
  }
  return false;
}

Status ValidateMessage(const SideMessage& m) {
  if (!IsHash(m.hash)) {
    return InvalidArgumentError(
        "a side message's hash must be 64 lowercase "
        "hex digits, not \"" +
        m.hash + "\"");
  }
  if (std::find(std::begin(kOutcomes), std::end(kOutcomes), m.outcome) ==
      std::end(kOutcomes)) {
    return InvalidArgumentError("side message " + m.hash +
                                ": unknown outcome \"" + m.outcome + "\"");
  }
  if (m.source.empty()) {
    return InvalidArgumentError("side message " + m.hash + " has no source");
  }
  if (m.confidence_per_mille < 0 || m.confidence_per_mille > 1000) {
    return InvalidArgumentError("side message " + m.hash +
                                ": confidence outside 0-1000");
  }
  if (HasNul(m)) {
    return InvalidArgumentError("side message " + m.hash +
                                " holds a NUL character");
  }
  return OkStatus();
}

SqlParams InsertParams(const SideMessage& m) {
  return {m.hash,
          m.source,
          m.file,
          m.location,
          m.conversation,
          m.sender,
          m.sender_name,
          m.time_us,
          m.utc_offset_minutes,
          m.zone,
          m.text,
          m.outcome,
          m.reason,
          m.campaign,
          m.person,
          m.activity,
          m.confidence_per_mille,
          m.detail,
          m.imported_us,
          m.imported_by,
          m.resolution,
          m.resolved_by,
          m.resolved_us};
}

SideMessage ReadMessage(const SqlRow& row) {
  SideMessage m;
  m.hash = row.Text(0);
  m.source = row.Text(1);
  m.file = row.Text(2);
  m.location = row.Text(3);
  m.conversation = row.Text(4);
  m.sender = row.Text(5);
  m.sender_name = row.Text(6);
  m.time_us = row.Int(7);
  m.utc_offset_minutes = row.Int(8);
  m.zone = row.Text(9);
  m.text = row.Text(10);
  m.outcome = row.Text(11);
  m.reason = row.Text(12);
  m.campaign = row.Text(13);
  m.person = row.Text(14);
  m.activity = row.Text(15);
  m.confidence_per_mille = row.Int(16);
  m.detail = row.Text(17);
  m.imported_us = row.Int(18);
  m.imported_by = row.Text(19);
  m.resolution = row.Text(20);
  m.resolved_by = row.Text(21);
  m.resolved_us = row.Int(22);
  return m;
}

}  // namespace

Status ValidateSidePathWrite(const SidePathWrite& write) {
  for (const SideMessage& m : write.inserts) {
    LIVESOP_RETURN_IF_ERROR(ValidateMessage(m));
  }
  for (const SideMessage& m : write.updates) {
    LIVESOP_RETURN_IF_ERROR(ValidateMessage(m));
  }
  for (const TrackerRow& row : write.tracker_rows) {
    if (row.conversation.empty() || row.row_key.empty() ||
        (row.conversation + row.row_key + row.status + row.hash).find('\0') !=
            std::string::npos) {
      return InvalidArgumentError(
          "a tracker row needs a tracker and a key, without NUL");
    }
  }
  for (const SideRule& rule : write.rules) {
    if (std::find(std::begin(kRuleKinds), std::end(kRuleKinds), rule.kind) ==
        std::end(kRuleKinds)) {
      return InvalidArgumentError("unknown side rule kind \"" + rule.kind +
                                  "\"");
    }
    if (rule.key.empty() || rule.key.find('\0') != std::string::npos ||
        rule.value.find('\0') != std::string::npos) {
      return InvalidArgumentError("a side rule needs a key without NUL");
    }
  }
  return OkStatus();
}

Status WriteSideRecords(SqlExecutor& sql, const SidePathWrite& write) {
  // In the order of their hashes, the table's key: each insert then lands
  // next to the last one in the key's index rather than on a random page.
  std::vector<const SideMessage*> inserts;
  inserts.reserve(write.inserts.size());
  for (const SideMessage& m : write.inserts) inserts.push_back(&m);
  std::sort(inserts.begin(), inserts.end(),
            [](const SideMessage* a, const SideMessage* b) {
              return a->hash < b->hash;
            });
  for (const SideMessage* insert : inserts) {
    const SideMessage& m = *insert;
    bool inserted = false;
    LIVESOP_RETURN_IF_ERROR(
        sql.Query(kInsert, InsertParams(m), [&](const SqlRow&) {
          inserted = true;
          return OkStatus();
        }));
    if (!inserted) {
      return AbortedError("side message " + m.hash +
                          " was imported meanwhile; read again");
    }
  }
  for (const SideMessage& m : write.updates) {
    bool updated = false;
    LIVESOP_RETURN_IF_ERROR(
        sql.Query(kUpdate,
                  {m.outcome, m.reason, m.campaign, m.person, m.activity,
                   m.confidence_per_mille, m.detail, m.resolution,
                   m.resolved_by, m.resolved_us, m.hash},
                  [&](const SqlRow&) {
                    updated = true;
                    return OkStatus();
                  }));
    if (!updated) return NotFoundError("no side message " + m.hash);
  }
  for (const SideRule& rule : write.rules) {
    LIVESOP_RETURN_IF_ERROR(sql.Execute(
        kUpsertRule,
        {rule.kind, rule.key, rule.value, rule.created_by, rule.created_us}));
  }
  for (const TrackerRow& row : write.tracker_rows) {
    LIVESOP_RETURN_IF_ERROR(sql.Execute(
        kUpsertTrackerRow,
        {row.conversation, row.row_key, row.status, row.time_us, row.hash}));
  }
  return OkStatus();
}

Result<std::vector<std::string>> QueryKnownSideMessages(
    SqlExecutor& sql, const std::vector<std::string>& hashes) {
  // kBatch hashes a query, the last batch padded with its last hash: one
  // statement, built once, since executors cache statements by address.
  constexpr size_t kBatch = 256;
  static const std::string kQuery = [] {
    std::string query = kSelectIn;
    for (size_t i = 0; i < kBatch; ++i) query += i == 0 ? "?" : ", ?";
    return query + ")";
  }();
  std::vector<std::string> known;
  for (size_t at = 0; at < hashes.size(); at += kBatch) {
    SqlParams params;
    params.reserve(kBatch);
    for (size_t i = 0; i < kBatch; ++i) {
      params.emplace_back(hashes[std::min(at + i, hashes.size() - 1)]);
    }
    LIVESOP_RETURN_IF_ERROR(
        sql.Query(kQuery.c_str(), params, [&](const SqlRow& row) {
          known.push_back(row.Text(0));
          return OkStatus();
        }));
  }
  return known;
}

Result<std::vector<SideMessage>> QuerySideMessages(
    SqlExecutor& sql, const SideMessageQuery& query) {
  std::vector<SideMessage> out;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelect,
                {query.outcome, query.outcome, query.source, query.source,
                 query.conversation, query.conversation,
                 int64_t{query.unresolved_only ? 1 : 0}},
                [&](const SqlRow& row) {
                  if (query.limit > 0 &&
                      static_cast<int64_t>(out.size()) >= query.limit) {
                    return OkStatus();
                  }
                  out.push_back(ReadMessage(row));
                  return OkStatus();
                }));
  return out;
}

Result<SideMessage> QuerySideMessageByHash(SqlExecutor& sql,
                                           const std::string& prefix) {
  if (prefix.size() < 6 || prefix.size() > 64 ||
      !std::all_of(prefix.begin(), prefix.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
      })) {
    return InvalidArgumentError(
        "\"" + prefix +
        "\" is not a message id: give at least 6 of its hex digits");
  }
  // Every hash starting with the prefix lies in [prefix, prefix + 'g').
  std::vector<SideMessage> found;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectPrefix, {prefix, prefix + "g"}, [&](const SqlRow& row) {
        found.push_back(ReadMessage(row));
        return OkStatus();
      }));
  if (found.empty()) return NotFoundError("no side message " + prefix);
  if (found.size() > 1) {
    return InvalidArgumentError("several messages start with " + prefix +
                                "; give more digits");
  }
  return found.front();
}

Result<std::vector<SideRule>> QuerySideRules(SqlExecutor& sql) {
  std::vector<SideRule> rules;
  LIVESOP_RETURN_IF_ERROR(sql.Query(kSelectRules, {}, [&](const SqlRow& row) {
    rules.push_back(
        {row.Text(0), row.Text(1), row.Text(2), row.Text(3), row.Int(4)});
    return OkStatus();
  }));
  return rules;
}

namespace {

TrackerRow ReadTrackerRow(const SqlRow& row) {
  return {row.Text(0), row.Text(1), row.Text(2), row.Int(3), row.Text(4)};
}

SideHook ReadHook(const SqlRow& row) {
  return {row.Text(0), row.Text(1), row.Text(2),
          row.Text(3), row.Int(4),  row.Int(5)};
}

bool IsHookName(const std::string& name) {
  return !name.empty() && name.size() <= 40 &&
         std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
         });
}

}  // namespace

Result<std::vector<TrackerRow>> QueryTrackerRows(
    SqlExecutor& sql, const std::string& conversation) {
  std::vector<TrackerRow> rows;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectTrackerRows, {conversation}, [&](const SqlRow& row) {
        rows.push_back(ReadTrackerRow(row));
        return OkStatus();
      }));
  return rows;
}

Status InsertSideHook(SqlExecutor& sql, const SideHook& hook) {
  if (!IsHookName(hook.name)) {
    return InvalidArgumentError(
        "\"" + hook.name +
        "\" is not a hook name: use 1-40 of a-z, 0-9 and '-' (it is the "
        "last part of the hook's URL)");
  }
  if (!hook.secret.starts_with("whsec_") || hook.secret.size() < 16 ||
      hook.secret.find('\0') != std::string::npos) {
    return InvalidArgumentError("hook " + hook.name +
                                ": the secret must be \"whsec_\" and base64");
  }
  if (hook.actor.empty() ||
      (hook.actor + hook.created_by).find('\0') != std::string::npos) {
    return InvalidArgumentError("hook " + hook.name +
                                " needs the person its imports are by");
  }
  bool inserted = false;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kInsertHook,
                {hook.name, hook.secret, hook.actor, hook.created_by,
                 hook.created_us, hook.revoked_us},
                [&](const SqlRow&) {
                  inserted = true;
                  return OkStatus();
                }));
  if (!inserted) {
    return AlreadyExistsError("there is a hook named " + hook.name +
                              " already; choose another name");
  }
  return OkStatus();
}

Result<std::vector<SideHook>> QuerySideHooks(SqlExecutor& sql) {
  std::vector<SideHook> hooks;
  LIVESOP_RETURN_IF_ERROR(sql.Query(kSelectHooks, {}, [&](const SqlRow& row) {
    hooks.push_back(ReadHook(row));
    return OkStatus();
  }));
  return hooks;
}

Result<SideHook> QuerySideHook(SqlExecutor& sql, const std::string& name) {
  std::vector<SideHook> found;
  LIVESOP_RETURN_IF_ERROR(
      sql.Query(kSelectHook, {name}, [&](const SqlRow& row) {
        found.push_back(ReadHook(row));
        return OkStatus();
      }));
  if (found.empty()) {
    return NotFoundError("no hook " + name +
                         "; `livesop connect hook list` lists them");
  }
  return found.front();
}

Result<SideHook> UpdateSideHookRevoked(SqlExecutor& sql,
                                       const std::string& name,
                                       int64_t now_us) {
  if (now_us <= 0) {
    return InvalidArgumentError("revoking hook " + name +
                                " needs a time after 1970");
  }
  LIVESOP_RETURN_IF_ERROR(sql.Execute(kRevokeHook, {now_us, name}));
  return QuerySideHook(sql, name);
}

Status CopySideTables(SqlExecutor& from, SqlExecutor& to) {
  Status status =
      from.Query(kSelect, {"", "", "", "", "", "", int64_t{0}},
                 [&](const SqlRow& row) -> Status {
                   return to.Query(kInsert, InsertParams(ReadMessage(row)),
                                   [](const SqlRow&) { return OkStatus(); });
                 });
  LIVESOP_RETURN_IF_ERROR(status);
  LIVESOP_ASSIGN_OR_RETURN(std::vector<SideRule> rules, QuerySideRules(from));
  for (const SideRule& rule : rules) {
    LIVESOP_RETURN_IF_ERROR(to.Execute(
        kUpsertRule,
        {rule.kind, rule.key, rule.value, rule.created_by, rule.created_us}));
  }
  LIVESOP_RETURN_IF_ERROR(
      from.Query(kSelectAllTrackerRows, {}, [&](const SqlRow& row) -> Status {
        const TrackerRow r = ReadTrackerRow(row);
        return to.Execute(kUpsertTrackerRow, {r.conversation, r.row_key,
                                              r.status, r.time_us, r.hash});
      }));
  LIVESOP_ASSIGN_OR_RETURN(std::vector<SideHook> hooks, QuerySideHooks(from));
  for (const SideHook& hook : hooks) {
    LIVESOP_RETURN_IF_ERROR(InsertSideHook(to, hook));
  }
  return OkStatus();
}

}  // namespace livesop::store::internal

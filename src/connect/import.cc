#include "connect/import.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <unordered_map>
#include <unordered_set>

namespace livesop::connect {
namespace {

using Json = nlohmann::json;

const char* LabelOf(Activity activity) {
  switch (activity) {
    case Activity::kBriefSent:
      return "Brief sent";
    case Activity::kAssetDelivered:
      return "Asset delivered";
    case Activity::kLaunched:
      return "Launched";
    case Activity::kApproval:
      return "Approved";
    case Activity::kRejection:
      return "Rejected";
    case Activity::kChangeRequest:
      return "Changes requested";
    case Activity::kStatusChanged:
      return "Status changed";
    case Activity::kNone:
      break;
  }
  return "";
}

bool IsDecision(Activity activity) {
  return activity == Activity::kApproval || activity == Activity::kRejection ||
         activity == Activity::kChangeRequest;
}

engine::Verdict VerdictOf(Activity activity) {
  if (activity == Activity::kRejection) return engine::Verdict::kReject;
  if (activity == Activity::kChangeRequest) {
    return engine::Verdict::kRequestChanges;
  }
  return engine::Verdict::kApprove;
}

int64_t PerMille(double confidence) {
  return std::clamp<int64_t>(std::llround(confidence * 1000), 0, 1000);
}

std::string Percent(double confidence) {
  return std::to_string(std::llround(confidence * 100)) + "%";
}

store::SideMessage RecordOf(const Message& message, const std::string& hash,
                            const ImportOptions& options) {
  store::SideMessage record;
  record.hash = hash;
  record.source = message.source;
  record.file = message.file;
  // Where in the file, as WhereRead appends it to the file's name
  // (":42", " general/2026-03-02.json"): the name is kept once, in `file`.
  record.location = WhereRead(message).substr(message.file.size());
  record.conversation = message.conversation;
  record.sender = message.sender;
  record.sender_name = message.sender_name;
  record.time_us = message.time_us;
  record.utc_offset_minutes = message.utc_offset_minutes;
  record.zone = message.zone;
  record.text = message.text;
  record.imported_us = options.now_us;
  record.imported_by = options.actor;
  return record;
}

// What the history keeps of a message beside its text.
Json EvidenceOf(const Message& message, const Match& match,
                const std::string& hash) {
  Json evidence = {{"hash", hash},
                   {"where", WhereRead(message)},
                   {"sender", message.sender},
                   {"conversation", message.conversation},
                   {"zone", message.zone},
                   {"utc_offset_minutes", message.utc_offset_minutes},
                   {"confidence", match.Confidence()},
                   {"phrase", match.activity.phrase},
                   {"campaign_basis", match.campaign_basis},
                   {"person_basis", match.person_basis}};
  if (!message.id.empty()) evidence["source_id"] = message.id;
  if (!message.sender_name.empty() && message.sender_name != message.sender) {
    evidence["sender_name"] = message.sender_name;
  }
  return evidence;
}

// What matching found, kept with the message: only what it found (most
// messages read are chatter, and every byte is kept for each of them).
Json DetailOf(const Match& match) {
  Json detail = Json::object();
  if (!match.campaign_basis.empty()) {
    detail["campaign_basis"] = match.campaign_basis;
    detail["campaign_confidence"] = match.campaign_confidence;
  }
  if (!match.person_basis.empty()) {
    detail["person_basis"] = match.person_basis;
    detail["person_confidence"] = match.person_confidence;
  }
  if (match.activity.confidence > 0) {
    detail["activity_confidence"] = match.activity.confidence;
  }
  if (!match.activity.phrase.empty()) {
    detail["phrase"] = match.activity.phrase;
  }
  if (!match.other_campaigns.empty()) {
    detail["other_campaigns"] = match.other_campaigns;
  }
  if (!match.activity.not_taken.empty()) {
    detail["not_taken"] = match.activity.not_taken;
  }
  return detail;
}

// Why a matched message cannot go into a history by itself; empty when it
// can.
std::string ReviewReason(const Match& match, const Message& message,
                         double threshold) {
  if (match.campaign.empty()) return "no campaign found";
  if (!match.other_campaigns.empty()) {
    std::string names = match.campaign;
    for (const std::string& other : match.other_campaigns) {
      names += ", " + other;
    }
    return "several campaigns fit: " + names;
  }
  if (IsDecision(match.activity.activity) && match.person.empty()) {
    return "unknown sender " + message.sender;
  }
  const double confidence = match.Confidence();
  if (confidence < threshold) {
    return "not sure enough (" + Percent(confidence) + " < " +
           Percent(threshold) + "): \"" + match.activity.phrase + "\"";
  }
  return "";
}

std::string IgnoreReason(const Message& message, const Match& match) {
  if (message.kind == MessageKind::kSystem) return "system message";
  if (message.kind == MessageKind::kDeleted) return "deleted message";
  if (match.person_basis == "ignored sender") {
    return "sender left out by a review decision";
  }
  const std::string& not_taken = match.activity.not_taken;
  if (not_taken == "unchanged") {
    return "status unchanged since the last export: \"" +
           match.activity.phrase + "\"";
  }
  if (not_taken == "no key") {
    return "a tracker row without a key (" + match.activity.phrase + ")";
  }
  if (not_taken == "question") {
    return "a question, not a statement: \"" + match.activity.phrase + "\"";
  }
  if (not_taken == "pending") {
    return "not yet: \"" + match.activity.phrase + "\"";
  }
  if (not_taken == "negated") {
    return "negated: \"" + match.activity.phrase + "\"";
  }
  return "no activity found";
}

// How a tracker's rows are read (ImportOptions::settings).
struct TrackerColumns {
  std::string status = "Status";
  std::string key;
  std::string campaign = "Code";
  std::string person = "Owner";
};

TrackerColumns TrackerColumnsOf(const std::vector<std::string>& settings) {
  TrackerColumns columns;
  for (const std::string& setting : settings) {
    const size_t equals = setting.find('=');
    if (equals == std::string::npos) continue;
    const std::string name = setting.substr(0, equals);
    const std::string value = setting.substr(equals + 1);
    if (name == "status_column") columns.status = value;
    if (name == "key_column") columns.key = value;
    if (name == "campaign_column") columns.campaign = value;
    if (name == "person_column") columns.person = value;
  }
  if (columns.key.empty()) columns.key = columns.campaign;
  return columns;
}

// Each tracker row's last status the store knows, by the row's key.
Result<std::unordered_map<std::string, std::string>> LastStatuses(
    store::Store& store, const std::string& conversation) {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TrackerRow> rows,
                           store.TrackerRows(conversation));
  std::unordered_map<std::string, std::string> last;
  for (store::TrackerRow& row : rows) {
    last.emplace(std::move(row.row_key), std::move(row.status));
  }
  return last;
}

}  // namespace

std::string WhereKept(const store::SideMessage& message) {
  // Imports before the file's name was kept once wrote it into the
  // location too.
  if (message.location.starts_with(message.file)) return message.location;
  return message.file + message.location;
}

namespace {

// What an import works out without the store, so that the next file of a
// command can be matched while this one is written: each message's
// evidence hash, its match, and the people its reactions' senders are.
struct Matched {
  std::vector<std::string> hashes;
  std::vector<Match> matches;
  // By message, reaction and sender: the person, or empty.
  std::vector<std::vector<std::vector<std::string>>> reactors;
  // What the store keeps of each message, as far as its match tells.
  std::vector<store::SideMessage> records;
};

// The match's part of the kept message.
void FillRecord(const Match& match, store::SideMessage& record) {
  record.campaign = match.campaign;
  record.person = match.person;
  record.activity = match.activity.activity == Activity::kNone
                        ? ""
                        : std::string(ActivityName(match.activity.activity));
  record.confidence_per_mille = PerMille(match.Confidence());
  record.detail = DetailOf(match).dump();
}

// The campaigns and remembered rules matching reads, from the store once
// for every file of a command.
struct MatchInputs {
  std::vector<KnownCampaign> campaigns;
  std::vector<Rule> rules;
};

Result<MatchInputs> ReadMatchInputs(store::Store& store) {
  MatchInputs inputs;
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::CampaignRecord> records,
                           store.Campaigns({}));
  inputs.campaigns.reserve(records.size());
  for (const store::CampaignRecord& r : records) {
    inputs.campaigns.push_back(
        {r.campaign, r.title, r.campaign_type, r.first_event_us, r.closed_us});
  }
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::SideRule> stored_rules,
                           store.SideRules());
  for (const store::SideRule& r : stored_rules) {
    inputs.rules.push_back({r.kind, r.key, r.value});
  }
  return inputs;
}

// A tracker row as matching reads it: its status as the text, its campaign
// and person cells as fields.
Message TrackerRowMessage(const Message& message,
                          const TrackerColumns& columns) {
  const auto cell = [&](const std::string& column) {
    auto it = message.fields.find(column);
    return it == message.fields.end() ? std::string() : it->second;
  };
  Message row = message;
  row.text = cell(columns.status);
  row.fields = {{"campaign", cell(columns.campaign)},
                {"person", cell(columns.person)}};
  return row;
}

Matched MatchExport(const sop::Definition& sop, const MatchInputs& inputs,
                    const Export& exported, const ImportOptions& options) {
  Matched out;
  // Evidence hashes, two identical messages in one export told apart.
  out.hashes.reserve(exported.messages.size());
  std::unordered_map<std::string, int> seen;
  for (const Message& message : exported.messages) {
    std::string first = EvidenceHash(message, 0);
    const int occurrence = seen[first]++;
    out.hashes.push_back(occurrence == 0 ? std::move(first)
                                         : EvidenceHash(message, occurrence));
  }
  Matcher matcher(sop, inputs.campaigns, options.config, inputs.rules,
                  exported.members);
  const bool tracker = exported.source == "sheet";
  const TrackerColumns columns = TrackerColumnsOf(options.settings);
  out.matches.reserve(exported.messages.size());
  out.records.reserve(exported.messages.size());
  out.reactors.resize(exported.messages.size());
  for (size_t i = 0; i < exported.messages.size(); ++i) {
    const Message& message = exported.messages[i];
    out.matches.push_back(
        tracker && message.kind == MessageKind::kText
            ? matcher.MatchMessage(TrackerRowMessage(message, columns))
            : matcher.MatchMessage(message));
    store::SideMessage& record =
        out.records.emplace_back(RecordOf(message, out.hashes[i], options));
    FillRecord(out.matches.back(), record);
    for (const Reaction& reaction : message.reactions) {
      std::vector<std::string>& people = out.reactors[i].emplace_back();
      for (const std::string& sender : reaction.senders) {
        double sure = 0;
        std::string basis;
        people.push_back(matcher.PersonOf(sender, "", &sure, &basis));
      }
    }
  }
  return out;
}

// Records `exported`, matched already, in the store through `engine`.
Result<ImportReport> RecordMatched(store::Store& store, engine::Engine& engine,
                                   const sop::Definition& sop,
                                   const Export& exported,
                                   const ImportOptions& options,
                                   Matched matched) {
  if (sop.FindPerson(options.actor) == nullptr) {
    return InvalidArgumentError(
        "\"" + options.actor +
        "\" is not a person of the SOP; give who imports with --as");
  }
  ImportReport report;
  report.source = exported.source;
  report.file = exported.file;
  report.dry_run = options.dry_run;
  report.messages_read = static_cast<int64_t>(exported.messages.size());
  const std::vector<std::string>& hashes = matched.hashes;
  LIVESOP_ASSIGN_OR_RETURN(std::vector<std::string> known_list,
                           store.KnownSideMessages(hashes));
  const std::unordered_set<std::string> known(known_list.begin(),
                                              known_list.end());

  std::vector<store::SideMessage> inserts;
  std::vector<store::TrackerRow> tracker_rows;
  std::vector<engine::SideEntry> entries;
  // Which message each entry came from.
  std::vector<size_t> entry_message;
  report.messages.resize(exported.messages.size());
  // Trackers: each row's status against the last one known, the store's
  // and then this export's own earlier rows.
  const bool tracker = exported.source == "sheet";
  const TrackerColumns columns = TrackerColumnsOf(options.settings);
  std::unordered_map<std::string, std::unordered_map<std::string, std::string>>
      statuses;  // conversation → row key → status
  for (size_t i = 0; i < exported.messages.size(); ++i) {
    const Message& message = exported.messages[i];
    Match match;
    Json tracked;  // a tracker row's key and status, kept in its detail
    if (tracker && message.kind == MessageKind::kText) {
      const auto cell = [&](const std::string& column) {
        auto it = message.fields.find(column);
        return it == message.fields.end() ? std::string() : it->second;
      };
      if (message.fields.count(columns.status) == 0) {
        return InvalidArgumentError(
            WhereRead(message) + ": no column \"" + columns.status +
            "\" to follow; name the status column with --set "
            "status_column=NAME");
      }
      const std::string key = cell(columns.key);
      const std::string status = cell(columns.status);
      if (statuses.count(message.conversation) == 0) {
        LIVESOP_ASSIGN_OR_RETURN(statuses[message.conversation],
                                 LastStatuses(store, message.conversation));
      }
      std::unordered_map<std::string, std::string>& last =
          statuses[message.conversation];
      const auto previous = last.find(key);
      const bool unchanged =
          previous != last.end() && previous->second == status;
      if (!key.empty()) last[key] = status;
      tracked = {{"row_key", key}, {"status", status}};
      match = matched.matches[i];
      if (key.empty()) {
        match.activity = {Activity::kNone, 0, columns.key + " is empty",
                          "no key"};
      } else if (unchanged) {
        match.activity = {Activity::kNone, 0, status, "unchanged"};
      } else if (match.activity.activity == Activity::kNone) {
        match.activity = {Activity::kStatusChanged, 1.0, status, ""};
      }
    } else {
      match = matched.matches[i];
    }
    ImportedMessage& item = report.messages[i];
    item.hash = hashes[i];
    item.where = WhereRead(message);
    item.time_us = message.time_us;
    item.sender = message.sender;
    item.person = match.person;
    item.campaign = match.campaign;
    item.activity = std::string(ActivityName(match.activity.activity));
    item.confidence = match.Confidence();
    item.text = message.text;
    if (match.person.empty() && !message.sender.empty() &&
        message.kind == MessageKind::kText &&
        match.person_basis != "ignored sender") {
      ++report.unknown_senders[message.sender];
    }
    if (known.count(hashes[i]) > 0) {
      item.outcome = "ignored";
      item.reason = "imported before";
      ++report.already_imported;
      continue;
    }
    if (!tracked.is_null() && !tracked.value("row_key", "").empty()) {
      tracker_rows.push_back(
          {message.conversation, tracked.value("row_key", ""),
           tracked.value("status", ""), message.time_us, hashes[i]});
    }
    // Made while matching; a tracker row's again, with its key and status
    // and what its status change makes of the match.
    store::SideMessage record = std::move(matched.records[i]);
    if (!tracked.is_null()) {
      FillRecord(match, record);
      Json detail = DetailOf(match);
      detail.update(tracked);
      record.detail = detail.dump();
    }

    // Reactions (a ✅ on a request): each approving person's own decision.
    std::vector<engine::SideEntry> reactions;
    if (message.kind == MessageKind::kText && !match.campaign.empty() &&
        match.other_campaigns.empty()) {
      for (size_t r = 0; r < message.reactions.size(); ++r) {
        const Reaction& reaction = message.reactions[r];
        if (ReactionActivity(reaction.name) != Activity::kApproval) continue;
        for (size_t k = 0; k < reaction.senders.size(); ++k) {
          const std::string& sender = reaction.senders[k];
          const std::string& person = matched.reactors[i][r][k];
          if (person.empty()) {
            ++report.unknown_senders[sender];
            continue;
          }
          engine::SideEntry entry;
          entry.key = hashes[i] + ":" + reaction.name + ":" + sender;
          entry.campaign = match.campaign;
          entry.decision = true;
          entry.person = person;
          entry.source = message.source;
          entry.occurred_us = message.time_us;
          entry.text = ":" + reaction.name + ": on \"" + message.text + "\"";
          entry.evidence = EvidenceOf(message, match, hashes[i]);
          entry.evidence["reaction"] = reaction.name;
          entry.evidence["reacted_by"] = sender;
          reactions.push_back(std::move(entry));
        }
      }
    }

    const bool has_activity = message.kind == MessageKind::kText &&
                              match.activity.activity != Activity::kNone;
    if (!has_activity && reactions.empty()) {
      item.outcome = record.outcome = "ignored";
      item.reason = record.reason = IgnoreReason(message, match);
      inserts.push_back(std::move(record));
      continue;
    }
    if (has_activity) {
      const std::string why =
          ReviewReason(match, message, options.config.review_below);
      if (!why.empty()) {
        if (reactions.empty()) {
          item.outcome = record.outcome = "review";
          item.reason = record.reason = why;
          inserts.push_back(std::move(record));
          continue;
        }
      } else {
        engine::SideEntry entry;
        entry.key = hashes[i];
        entry.campaign = match.campaign;
        entry.decision = IsDecision(match.activity.activity);
        entry.verdict = VerdictOf(match.activity.activity);
        entry.activity = std::string(ActivityName(match.activity.activity));
        entry.label = match.activity.activity == Activity::kStatusChanged
                          ? "Status: " + match.activity.phrase
                          : LabelOf(match.activity.activity);
        entry.person = match.person;
        entry.source = message.source;
        entry.occurred_us = message.time_us;
        entry.text = message.text;
        entry.evidence = EvidenceOf(message, match, hashes[i]);
        entries.push_back(std::move(entry));
        entry_message.push_back(i);
      }
    }
    for (engine::SideEntry& entry : reactions) {
      entries.push_back(std::move(entry));
      entry_message.push_back(i);
    }
    item.outcome = record.outcome = "event";  // until the engine says no
    inserts.push_back(std::move(record));
  }

  // The engine's word on each entry decides the outcome of its message: an
  // event when any of its entries is recorded, else the review queue with
  // the engine's reason.
  const auto settle = [&](const std::vector<engine::SideOutcome>& outcomes) {
    std::unordered_map<std::string, size_t> insert_of;
    for (size_t k = 0; k < inserts.size(); ++k) insert_of[inserts[k].hash] = k;
    std::vector<int> recorded(exported.messages.size(), 0);
    std::vector<std::string> refusals(exported.messages.size());
    std::vector<std::string> steps(exported.messages.size());
    for (size_t e = 0; e < outcomes.size(); ++e) {
      const size_t i = entry_message[e];
      if (outcomes[e].recorded) {
        ++recorded[i];
        if (steps[i].empty()) steps[i] = outcomes[e].step;
      } else if (refusals[i].empty()) {
        refusals[i] = outcomes[e].refusal;
      }
    }
    for (size_t i = 0; i < exported.messages.size(); ++i) {
      ImportedMessage& item = report.messages[i];
      if (item.outcome != "event") continue;
      store::SideMessage& record = inserts[insert_of[item.hash]];
      item.events = recorded[i];
      item.step = steps[i];
      if (recorded[i] > 0) {
        item.outcome = record.outcome = "event";
        item.reason = record.reason = "";
      } else {
        item.outcome = record.outcome = "review";
        item.reason = record.reason = "not recorded: " + refusals[i];
      }
    }
  };
  int64_t written = 0;
  const engine::SideAppend append =
      [&](std::vector<store::AppendRequest> requests,
          const std::vector<engine::SideOutcome>& outcomes)
      -> Result<std::vector<store::AppendResult>> {
    settle(outcomes);
    written = 0;
    for (const store::AppendRequest& r : requests) {
      written += static_cast<int64_t>(r.events.size());
    }
    // Lent to the write and taken back, as a lost race tries again.
    store::SidePathWrite write;
    write.appends = std::move(requests);
    write.inserts = std::move(inserts);
    write.tracker_rows = std::move(tracker_rows);
    Result<std::vector<store::AppendResult>> result =
        store.WriteSidePath(write);
    inserts = std::move(write.inserts);
    tracker_rows = std::move(write.tracker_rows);
    return result;
  };
  LIVESOP_ASSIGN_OR_RETURN(
      std::vector<engine::SideOutcome> outcomes,
      engine.RecordSidePath(entries, options.actor, append, options.dry_run));
  if (options.dry_run) settle(outcomes);
  report.events_written = options.dry_run ? 0 : written;
  for (const ImportedMessage& item : report.messages) {
    if (item.outcome == "event") ++report.events;
    if (item.outcome == "review") ++report.review_queue;
    if (item.outcome == "ignored") ++report.ignored;
  }
  return report;
}

}  // namespace

Result<ImportReport> ImportMessages(store::Store& store, engine::Engine& engine,
                                    const sop::Definition& sop,
                                    const Export& exported,
                                    const ImportOptions& options) {
  LIVESOP_ASSIGN_OR_RETURN(const MatchInputs inputs, ReadMatchInputs(store));
  return RecordMatched(store, engine, sop, exported, options,
                       MatchExport(sop, inputs, exported, options));
}

ImportAllResult ImportAll(store::Store& store, engine::Engine& engine,
                          const sop::Definition& sop,
                          const std::vector<Export>& exports,
                          const ImportOptions& options) {
  ImportAllResult result;
  if (exports.empty()) return result;
  Result<MatchInputs> inputs = ReadMatchInputs(store);
  if (!inputs.ok()) {
    result.status = inputs.status();
    return result;
  }
  const auto match = [&](size_t i) {
    return std::async(std::launch::async, [&, i] {
      return MatchExport(sop, *inputs, exports[i], options);
    });
  };
  std::future<Matched> next = match(0);
  for (size_t i = 0; i < exports.size(); ++i) {
    Matched matched = next.get();
    if (i + 1 < exports.size()) next = match(i + 1);
    Result<ImportReport> report = RecordMatched(store, engine, sop, exports[i],
                                                options, std::move(matched));
    if (!report.ok()) {
      result.status = report.status();
      return result;  // `next`, still matching, is waited for first
    }
    result.reports.push_back(*std::move(report));
  }
  return result;
}

Result<store::SideMessage> SettleReview(
    store::Store& store, engine::Engine& engine, const sop::Definition& sop,
    const std::string& hash, const ReviewDecision& decision, int64_t now_us) {
  if (sop.FindPerson(decision.actor) == nullptr) {
    return InvalidArgumentError("\"" + decision.actor +
                                "\" is not a person of the SOP; give who "
                                "decides with --as");
  }
  LIVESOP_ASSIGN_OR_RETURN(store::SideMessage message,
                           store.SideMessageByHash(hash));
  if (message.outcome != "review" || !message.resolution.empty()) {
    return InvalidArgumentError(
        "message " + message.hash.substr(0, 12) +
        " is not waiting in review (" +
        (message.resolution.empty() ? message.outcome : message.resolution) +
        ")");
  }
  store::SidePathWrite write;
  message.resolved_by = decision.actor;
  message.resolved_us = now_us;
  if (!decision.accept) {
    if (decision.reason.find_first_not_of(" \t") == std::string::npos) {
      return InvalidArgumentError("say why the message is dismissed");
    }
    message.outcome = "ignored";
    message.resolution = "dismissed";
    message.reason = decision.reason;
    write.updates.push_back(message);
    if (decision.remember && !message.sender.empty()) {
      write.rules.push_back(
          {"ignore_sender", message.sender, "", decision.actor, now_us});
    }
    LIVESOP_RETURN_IF_ERROR(store.WriteSidePath(write).status());
    return message;
  }

  const std::string campaign =
      !decision.campaign.empty() ? decision.campaign : message.campaign;
  const std::string person =
      !decision.person.empty() ? decision.person : message.person;
  const std::string activity_name =
      !decision.activity.empty() ? decision.activity : message.activity;
  const Activity activity = ActivityNamed(activity_name);
  if (activity == Activity::kNone) {
    return InvalidArgumentError(
        "say which activity the message shows with --activity: approval, "
        "rejection, change_request, brief_sent, asset_delivered or launched");
  }
  if (campaign.empty()) {
    return InvalidArgumentError(
        "say which campaign it is about with --campaign");
  }
  if (!person.empty() && sop.FindPerson(person) == nullptr) {
    return InvalidArgumentError("\"" + person +
                                "\" is not a person of the SOP");
  }
  engine::SideEntry entry;
  entry.key = message.hash;
  entry.campaign = campaign;
  entry.decision = IsDecision(activity);
  entry.verdict = VerdictOf(activity);
  entry.step = decision.step;
  entry.activity = activity_name;
  entry.label = LabelOf(activity);
  entry.person = person;
  entry.source = message.source;
  entry.occurred_us = message.time_us;
  entry.text = message.text;
  entry.evidence = {{"hash", message.hash},
                    {"where", WhereKept(message)},
                    {"sender", message.sender},
                    {"conversation", message.conversation},
                    {"zone", message.zone},
                    {"utc_offset_minutes", message.utc_offset_minutes},
                    {"reviewed_by", decision.actor}};
  message.outcome = "event";
  message.resolution = "accepted";
  message.reason = "";
  message.campaign = campaign;
  message.person = person;
  message.activity = activity_name;
  write.updates.push_back(message);
  if (decision.remember) {
    if (!decision.person.empty() && !message.sender.empty()) {
      write.rules.push_back(
          {"sender", message.sender, decision.person, decision.actor, now_us});
    }
    if (!decision.campaign.empty() && !message.conversation.empty()) {
      write.rules.push_back({"conversation", message.conversation,
                             decision.campaign, decision.actor, now_us});
    }
  }
  std::string refusal;
  const engine::SideAppend append =
      [&](const std::vector<store::AppendRequest>& requests,
          const std::vector<engine::SideOutcome>& outcomes)
      -> Result<std::vector<store::AppendResult>> {
    if (!outcomes.empty() && !outcomes.front().recorded) {
      refusal = outcomes.front().refusal;
      return FailedPreconditionError("not recorded: " + refusal);
    }
    write.appends = requests;
    return store.WriteSidePath(write);
  };
  LIVESOP_RETURN_IF_ERROR(
      engine.RecordSidePath({entry}, decision.actor, append).status());
  return message;
}

}  // namespace livesop::connect

#include "store/exchange.h"

#include <zlib.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <vector>

#include "core/time.h"
#include "eventlog/event.h"
#include "eventlog/xes.h"

namespace livesop::store {
namespace {

using eventlog::Attribute;
using eventlog::AttributeType;
using Json = nlohmann::json;

// livesop's own attribute keys, in XES and CSV alike.
constexpr const char* kType = "livesop:type";
constexpr const char* kStep = "livesop:step";
constexpr const char* kSopVersion = "livesop:sop_version";
constexpr const char* kSource = "livesop:source";
constexpr const char* kDeviation = "livesop:deviation";
constexpr const char* kReason = "livesop:reason";
constexpr const char* kCampaignType = "livesop:campaign_type";
constexpr const char* kPosition = "livesop:position";
constexpr const char* kPayload = "livesop:payload";

const std::vector<std::string>& CsvColumns() {
  static const std::vector<std::string> columns = {"case:concept:name",
                                                   "concept:name",
                                                   "time:timestamp",
                                                   "lifecycle:transition",
                                                   "org:resource",
                                                   "org:role",
                                                   kType,
                                                   kStep,
                                                   kSopVersion,
                                                   kSource,
                                                   kDeviation,
                                                   kReason,
                                                   kCampaignType,
                                                   kPosition,
                                                   kPayload};
  return columns;
}

void Add(eventlog::Event& out, std::string_view key, const std::string& value,
         AttributeType type = AttributeType::kString) {
  if (value.empty()) return;
  out.push_back({std::string(key), type, value});
}

eventlog::Event XesEvent(const Event& e) {
  eventlog::Event out;
  Add(out, eventlog::kActivityKey, e.activity);
  Add(out, eventlog::kTimestampKey, FormatTimestamp(e.time_us),
      AttributeType::kDate);
  Add(out, eventlog::kLifecycleKey, e.lifecycle);
  Add(out, eventlog::kResourceKey, e.resource);
  Add(out, eventlog::kRoleKey, e.role);
  Add(out, kType, e.type);
  Add(out, kStep, e.step);
  Add(out, kSopVersion, e.sop_version);
  Add(out, kSource, e.source);
  Add(out, kDeviation, e.deviation);
  Add(out, kReason, e.reason);
  Add(out, kPosition, std::to_string(e.position), AttributeType::kInt);
  if (e.payload != "{}") Add(out, kPayload, e.payload);
  return out;
}

// Whether `e` finished an SOP step: the engine writes the step's outcome
// into the payload of that event alone.
bool FinishesStep(const Event& e) {
  // A skipped step ends the step without its work: on the path through the
  // SOP it is a step missing, which is what conformance must see.
  if (e.type == "task_skipped") return false;
  if (e.step.empty() || e.payload.find("\"outcome\"") == std::string::npos) {
    return false;
  }
  const nlohmann::json payload =
      nlohmann::json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
  return payload.is_object() && payload.contains("outcome");
}

Status WriteFailed() {
  return UnavailableError("writing the export failed (disk full?)");
}

Result<ExportStats> ExportXes(Store& store, const EventFilter& filter,
                              std::ostream& out) {
  // Campaigns come from the read model: the list is small next to the
  // events, and each campaign's events are then read in its own order.
  std::vector<std::string> campaigns;
  if (!filter.campaign.empty()) {
    campaigns.push_back(filter.campaign);
  } else {
    LIVESOP_ASSIGN_OR_RETURN(std::vector<CampaignRecord> all,
                             store.Campaigns({}));
    for (const CampaignRecord& c : all) campaigns.push_back(c.campaign);
  }
  eventlog::XesWriter writer(out);
  eventlog::LogHeader header;
  header.extensions.push_back({"livesop", "livesop", kLivesopXesUri});
  header.attributes.push_back(
      {"concept:name", AttributeType::kString, "livesop export"});
  header.classifiers.push_back(
      {"Activity", {std::string(eventlog::kActivityKey)}});
  LIVESOP_RETURN_IF_ERROR(writer.Begin(header));
  ExportStats stats;
  for (const std::string& campaign : campaigns) {
    EventFilter one = filter;
    one.campaign = campaign;
    bool open = false;
    const Status scanned = store.Scan(one, [&](const Event& e) -> Status {
      if (!open) {
        std::vector<Attribute> trace = {
            {"concept:name", AttributeType::kString, campaign}};
        if (!e.campaign_type.empty()) {
          trace.push_back(
              {kCampaignType, AttributeType::kString, e.campaign_type});
        }
        LIVESOP_RETURN_IF_ERROR(writer.BeginTrace(trace));
        open = true;
        ++stats.campaigns;
      }
      ++stats.events;
      return writer.WriteEvent(XesEvent(e));
    });
    LIVESOP_RETURN_IF_ERROR(scanned);
    if (open) LIVESOP_RETURN_IF_ERROR(writer.EndTrace());
    if (!out) return WriteFailed();
  }
  LIVESOP_RETURN_IF_ERROR(writer.Finish());
  return stats;
}

Result<ExportStats> ExportCsv(Store& store, const EventFilter& filter,
                              std::ostream& out) {
  eventlog::CsvWriter writer(out, CsvColumns());
  LIVESOP_RETURN_IF_ERROR(writer.Begin());
  ExportStats stats;
  std::map<std::string, bool> seen;
  std::vector<std::string> row(CsvColumns().size());
  LIVESOP_RETURN_IF_ERROR(store.Scan(filter, [&](const Event& e) -> Status {
    ++stats.events;
    if (seen.emplace(e.campaign, true).second) ++stats.campaigns;
    row = {e.campaign,
           e.activity,
           FormatTimestamp(e.time_us),
           e.lifecycle,
           e.resource,
           e.role,
           e.type,
           e.step,
           e.sop_version,
           e.source,
           e.deviation,
           e.reason,
           e.campaign_type,
           std::to_string(e.position),
           e.payload == "{}" ? std::string() : e.payload};
    return writer.WriteRow(row);
  }));
  LIVESOP_RETURN_IF_ERROR(writer.Finish());
  return stats;
}

// The file's CRC-32 and size, which name its import for idempotency.
Result<std::string> Fingerprint(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return UnavailableError("cannot read \"" + path + "\"");
  uLong crc = crc32(0L, Z_NULL, 0);
  std::vector<char> buffer(1 << 16);
  uint64_t size = 0;
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto n = static_cast<uInt>(in.gcount());
    crc = crc32(crc, reinterpret_cast<const Bytef*>(buffer.data()), n);
    size += n;
  }
  char text[32];
  std::snprintf(text, sizeof text, "%08lx", crc);
  return std::string(text) + "-" + std::to_string(size);
}

// Builds a store event from log attributes; `where` names the event in
// messages.
Result<Event> FromAttributes(const eventlog::Event& attributes,
                             const ImportOptions& options,
                             const std::string& where) {
  Event e;
  e.source = options.source;
  Json payload = Json::object();
  for (const Attribute& a : attributes) {
    const std::string& k = a.key;
    if (k == eventlog::kActivityKey) {
      e.activity = a.value;
    } else if (k == eventlog::kTimestampKey) {
      Result<int64_t> time = ParseTimestamp(a.value);
      if (!time.ok()) {
        return InvalidArgumentError(where + ": " + time.status().message());
      }
      e.time_us = *time;
    } else if (k == eventlog::kLifecycleKey) {
      e.lifecycle = a.value;
    } else if (k == eventlog::kResourceKey) {
      e.resource = a.value;
    } else if (k == eventlog::kRoleKey) {
      e.role = a.value;
    } else if (k == kType) {
      e.type = a.value;
    } else if (k == kStep) {
      e.step = a.value;
    } else if (k == kSopVersion) {
      e.sop_version = a.value;
    } else if (k == kSource) {
      e.source = a.value;
    } else if (k == kDeviation) {
      e.deviation = a.value;
    } else if (k == kReason) {
      e.reason = a.value;
    } else if (k == kCampaignType) {
      e.campaign_type = a.value;
    } else if (k == kPayload) {
      Json parsed = Json::parse(a.value, nullptr, /*allow_exceptions=*/false);
      if (!parsed.is_object()) {
        return InvalidArgumentError(where + ": " + kPayload +
                                    " is not a JSON object");
      }
      for (auto& [key, value] : parsed.items()) payload[key] = value;
    } else if (k != kPosition && k != eventlog::kCaseIdKey &&
               !payload.contains(k)) {
      // Everything else rides along in the payload, as text: the log's
      // own attributes (costs, channels) stay available to mining.
      payload[k] = a.value;
    }
  }
  if (e.activity.empty()) {
    return InvalidArgumentError(where +
                                ": no concept:name (the activity); every "
                                "event needs one");
  }
  if (FindAttribute(attributes, eventlog::kTimestampKey) == nullptr) {
    return InvalidArgumentError(where +
                                ": no time:timestamp; every event needs the "
                                "time it happened");
  }
  if (e.type.empty()) e.type = "activity";
  if (e.lifecycle.empty()) e.lifecycle = "complete";
  if (e.campaign_type.empty()) e.campaign_type = options.campaign_type;
  e.payload = payload.empty() ? "{}" : payload.dump();
  return e;
}

class XesCollector final : public eventlog::XesVisitor {
 public:
  XesCollector(const std::string& path, const ImportOptions& options)
      : path_(path), options_(options) {}

  Status OnTrace(const eventlog::Trace& trace) override {
    ++trace_number_;
    const std::string case_id(
        eventlog::AttributeValue(trace.attributes, "concept:name"));
    const std::string where_trace = path_ + ": trace " +
                                    std::to_string(trace_number_) +
                                    " (case \"" + case_id + "\")";
    if (case_id.empty()) {
      return InvalidArgumentError(path_ + ": trace " +
                                  std::to_string(trace_number_) +
                                  " has no concept:name (the case id)");
    }
    if (trace.events.empty()) return OkStatus();
    AppendRequest& request = requests_.emplace_back();
    request.campaign = case_id;
    const std::string trace_type(
        eventlog::AttributeValue(trace.attributes, kCampaignType));
    for (size_t i = 0; i < trace.events.size(); ++i) {
      LIVESOP_ASSIGN_OR_RETURN(
          Event e,
          FromAttributes(trace.events[i], options_,
                         where_trace + ", event " + std::to_string(i + 1)));
      if (!trace_type.empty()) e.campaign_type = trace_type;
      request.events.push_back(std::move(e));
    }
    return OkStatus();
  }

  std::vector<AppendRequest>& requests() { return requests_; }

 private:
  const std::string& path_;
  const ImportOptions& options_;
  int64_t trace_number_ = 0;
  std::vector<AppendRequest> requests_;
};

class CsvCollector final : public eventlog::CsvVisitor {
 public:
  CsvCollector(const std::string& path, const ImportOptions& options)
      : path_(path), options_(options) {}

  Status OnRow(int64_t line, const eventlog::Event& row) override {
    const std::string case_id(
        eventlog::AttributeValue(row, eventlog::kCaseIdKey));
    LIVESOP_ASSIGN_OR_RETURN(
        Event e,
        FromAttributes(row, options_, path_ + ":" + std::to_string(line)));
    auto [it, added] = index_.emplace(case_id, requests_.size());
    if (added) requests_.emplace_back().campaign = case_id;
    requests_[it->second].events.push_back(std::move(e));
    return OkStatus();
  }

  std::vector<AppendRequest>& requests() { return requests_; }

 private:
  const std::string& path_;
  const ImportOptions& options_;
  std::map<std::string, size_t> index_;
  std::vector<AppendRequest> requests_;
};

}  // namespace

Result<eventlog::EventLog> ReadStoreLog(Store& store, const EventFilter& filter,
                                        const StoreLogOptions& options) {
  eventlog::LogBuilder builder(options.classifier);
  eventlog::LogHeader header;
  header.extensions.push_back({"livesop", "livesop", kLivesopXesUri});
  builder.SetHeader(header);
  eventlog::Event row;
  LIVESOP_RETURN_IF_ERROR(store.Scan(filter, [&](const Event& e) -> Status {
    if (options.steps_only && !FinishesStep(e)) return OkStatus();
    row = XesEvent(e);
    std::erase_if(row, [](const Attribute& a) {
      return a.key == kPayload || a.key == kPosition;
    });
    Add(row, kCampaignType, e.campaign_type);
    builder.AddRow(e.campaign, row);
    return OkStatus();
  }));
  return builder.Finish();
}

Result<LogFormat> ParseLogFormat(std::string_view name) {
  if (name == "xes") return LogFormat::kXes;
  if (name == "csv") return LogFormat::kCsv;
  return InvalidArgumentError("unknown log format \"" + std::string(name) +
                              "\"; use xes or csv");
}

Result<ExportStats> ExportLog(Store& store, const EventFilter& filter,
                              LogFormat format, std::ostream& out) {
  Result<ExportStats> stats = format == LogFormat::kXes
                                  ? ExportXes(store, filter, out)
                                  : ExportCsv(store, filter, out);
  if (stats.ok() && !out) return WriteFailed();
  return stats;
}

Result<ImportStats> ImportLog(Store& store, const std::string& path,
                              LogFormat format, const ImportOptions& options) {
  std::vector<AppendRequest> requests;
  if (format == LogFormat::kXes) {
    XesCollector collector(path, options);
    LIVESOP_RETURN_IF_ERROR(eventlog::ReadXes(path, collector));
    requests = std::move(collector.requests());
  } else {
    CsvCollector collector(path, options);
    LIVESOP_RETURN_IF_ERROR(eventlog::ReadCsv(path, options.csv, collector));
    requests = std::move(collector.requests());
    for (AppendRequest& r : requests) {
      std::stable_sort(
          r.events.begin(), r.events.end(),
          [](const Event& a, const Event& b) { return a.time_us < b.time_us; });
    }
  }
  LIVESOP_ASSIGN_OR_RETURN(std::string fingerprint, Fingerprint(path));
  ImportStats stats;
  for (size_t i = 0; i < requests.size(); ++i) {
    requests[i].idempotency_key =
        "import:" + fingerprint + ":" + std::to_string(i + 1);
  }
  if (requests.empty()) return stats;
  Result<std::vector<AppendResult>> results = store.AppendAll(requests);
  if (!results.ok()) {
    return results.status().WithContext("importing \"" + path +
                                        "\" (nothing was imported)");
  }
  std::map<std::string, bool> campaigns;
  int64_t duplicates = 0;
  for (size_t i = 0; i < results->size(); ++i) {
    if ((*results)[i].duplicate) {
      ++duplicates;
      continue;
    }
    campaigns[requests[i].campaign] = true;
    stats.events += static_cast<int64_t>(requests[i].events.size());
  }
  stats.campaigns = static_cast<int64_t>(campaigns.size());
  stats.already_imported = duplicates == static_cast<int64_t>(results->size());
  return stats;
}

}  // namespace livesop::store

#include "cli/workflow.h"

#include <algorithm>
#include <cstddef>
#include <filesystem>
#include <iostream>
#include <utility>

#include "cli/exit_codes.h"
#include "core/clock.h"
#include "core/diagnostic.h"
#include "core/text.h"
#include "core/time.h"
#include "sop/loader.h"
#include "sop/validate.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

// Pads `text` to `width` characters (bytes: ids and codes are ASCII).
std::string Pad(const std::string& text, size_t width) {
  return text.size() >= width ? text
                              : text + std::string(width - text.size(), ' ');
}

}  // namespace

namespace {

// The first error of `loaded`, as `livesop check` prints it.
std::string FirstError(const sop::LoadResult& loaded) {
  const Diagnostic* error = loaded.diagnostics.FirstError();
  return error != nullptr ? FormatDiagnostic(*error) : "";
}

// Loads published version `version`.
Result<sop::Definition> LoadPublished(store::Store& store,
                                      const std::string& version) {
  LIVESOP_ASSIGN_OR_RETURN(store::SopVersionRecord record,
                           store.SopVersion(version));
  LIVESOP_ASSIGN_OR_RETURN(sop::Bundle bundle,
                           sop::BundleFromJson(record.bundle));
  sop::LoadResult loaded = sop::LoadDefinitionFromBundle(bundle);
  if (loaded.io_failure || loaded.diagnostics.has_errors()) {
    return DataLossError("the published SOP version " + version +
                         " no longer loads: " + FirstError(loaded));
  }
  return std::move(loaded.definition);
}

}  // namespace

Result<sop::Definition> ResolveSop(const std::string& path,
                                   store::Store& store) {
  if (path.empty()) {
    LIVESOP_ASSIGN_OR_RETURN(std::vector<store::SopVersionRecord> versions,
                             store.SopVersions());
    if (versions.empty()) {
      return InvalidArgumentError(
          "no SOP given and none published: pass --sop PATH (the root YAML "
          "file of the SOP), or publish one with `livesop sop publish`");
    }
    return LoadPublished(store, versions.back().version);
  }
  sop::LoadResult loaded = sop::Check(path);
  if (loaded.io_failure || loaded.diagnostics.has_errors()) {
    const std::string first = FirstError(loaded);
    if (loaded.io_failure) return NotFoundError(first);
    const int errors = loaded.diagnostics.error_count();
    return FailedPreconditionError(
        "the SOP " + path + " is invalid (" + std::to_string(errors) +
        (errors == 1 ? " error" : " errors") + "; `livesop check " + path +
        "` lists them); the first:\n" + first);
  }
  // The file must not contradict what was published under its version.
  Result<store::SopVersionRecord> published =
      store.SopVersion(loaded.definition.sop.version);
  if (published.ok()) {
    LIVESOP_ASSIGN_OR_RETURN(sop::Bundle bundle, sop::ReadBundle(path));
    if (sop::BundleDigest(bundle) != published->digest) {
      return FailedPreconditionError(
          "the SOP " + path + " says version " + loaded.definition.sop.version +
          ", which was published with other content; raise `sop.version` "
          "(and publish it), or run on the published version by leaving "
          "out --sop");
    }
  } else if (published.status().code() != StatusCode::kNotFound) {
    return published.status();
  }
  return std::move(loaded.definition);
}

Result<std::vector<std::unique_ptr<sop::Definition>>> PublishedVersions(
    store::Store& store, const std::string& except) {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::SopVersionRecord> versions,
                           store.SopVersions());
  std::vector<std::unique_ptr<sop::Definition>> out;
  for (const store::SopVersionRecord& record : versions) {
    if (record.version == except) continue;
    LIVESOP_ASSIGN_OR_RETURN(sop::Definition sop,
                             LoadPublished(store, record.version));
    out.push_back(std::make_unique<sop::Definition>(std::move(sop)));
  }
  return out;
}

int OpenSession(const WorkflowArgs& args, const std::string& command,
                bool with_sop, Session& session) {
  Result<std::unique_ptr<store::Store>> opened = store::OpenStore(args.db);
  if (!opened.ok()) {
    // Whatever the code, a store that does not open is the store's failure
    // (3), except a URL that is malformed (1), as for the store commands.
    Fail(command, opened.status(), args.json);
    return opened.status().code() == StatusCode::kInvalidArgument ? kExitInvalid
                                                                  : kExitStore;
  }
  session.store = std::move(*opened);
  if (!with_sop) return kExitOk;
  Result<sop::Definition> sop = ResolveSop(args.sop, *session.store);
  if (!sop.ok()) {
    Fail(command, sop.status(), args.json);
    return sop.status().code() == StatusCode::kFailedPrecondition ? kExitInvalid
                                                                  : kExitUsage;
  }
  session.sop = std::move(*sop);
  auto pinned = PublishedVersions(*session.store, session.sop.sop.version);
  if (!pinned.ok()) {
    Fail(command, pinned.status(), args.json);
    return ExitFor(pinned.status());
  }
  session.pinned = std::move(*pinned);
  std::vector<const sop::Definition*> versions;
  for (const auto& p : session.pinned) versions.push_back(p.get());
  session.engine = std::make_unique<engine::Engine>(*session.store, session.sop,
                                                    versions, SystemClock());
  return kExitOk;
}

int ExitFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
    case StatusCode::kPermissionDenied:
    case StatusCode::kOutOfRange:
      return kExitInvalid;
    case StatusCode::kAborted:
      return kExitConflict;
    default:
      return kExitStore;
  }
}

int Fail(const std::string& command, const Status& status, bool json) {
  std::string message = status.message();
  if (status.code() == StatusCode::kAborted) {
    message +=
        " (another command changed the campaign while this one ran; "
        "nothing was written: try again)";
  }
  std::cerr << "livesop " << command << ": " << message << "\n";
  if (json) {
    const Json error = {{"ok", false},
                        {"error",
                         {{"code", std::string(StatusCodeName(status.code()))},
                          {"message", message}}}};
    std::cout << error.dump(2) << "\n";
  }
  return ExitFor(status);
}

int UsageError(const std::string& command, const std::string& message) {
  std::cerr << "livesop " << command << ": " << message << "\n";
  return kExitUsage;
}

Result<std::string> FilesRoot(const std::string& files, const std::string& db) {
  if (!files.empty()) return files;
  std::string path = db;
  if (path.starts_with("postgresql:") || path.starts_with("postgres:")) {
    return InvalidArgumentError(
        "a PostgreSQL store has no folder for files: name one with --files "
        "DIR (or set LIVESOP_FILES)");
  }
  if (path.starts_with("sqlite:")) path = path.substr(7);
  return (std::filesystem::path(path).parent_path() / "files").string();
}

Result<nlohmann::json> ChangesAfterApproval(store::Store& store,
                                            const std::string& campaign,
                                            const std::string& type,
                                            int64_t after, int64_t up_to) {
  nlohmann::json changed = nlohmann::json::array();
  store::EventFilter filter;
  filter.campaign = campaign;
  filter.after_position = after;
  LIVESOP_RETURN_IF_ERROR(store.Scan(filter, [&](const store::Event& e) {
    if (e.type != type || e.sequence > up_to) return OkStatus();
    const nlohmann::json payload =
        nlohmann::json::parse(e.payload, nullptr, false);
    if (payload.is_object()) {
      changed.push_back(
          {{"step", payload.value("step", "")},
           {"approved_version", payload.value("approved_version", 0)},
           {"reapproval", payload.value("reapproval", "")}});
    }
    return OkStatus();
  }));
  return changed;
}

std::string TimeText(int64_t micros) {
  if (micros == 0) return "";
  // To the second: the fraction only makes a table harder to read.
  return FormatTimestamp(micros).substr(0, 19) + "Z";
}

nlohmann::json TimeJson(int64_t micros) {
  return micros == 0 ? Json(nullptr) : Json(FormatTimestamp(micros));
}

nlohmann::json TaskToJson(const store::TaskRecord& task) {
  return {{"task", task.task},
          {"campaign", task.campaign},
          {"step", task.step},
          {"activity", task.activity},
          {"role", task.role},
          {"assignee", task.assignee},
          {"status", task.status},
          {"decision", task.decision},
          {"completed_by", task.completed_by},
          {"created", TimeJson(task.created_us)},
          {"due", TimeJson(task.due_us)},
          {"completed", TimeJson(task.completed_us)}};
}

void PrintTable(const std::vector<std::vector<std::string>>& rows,
                std::ostream& out, const std::string& indent) {
  std::vector<size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (size_t i = 0; i < row.size(); ++i) {
      widths[i] = std::max(widths[i], row[i].size());
    }
  }
  for (const auto& row : rows) {
    std::string line = indent;
    for (size_t i = 0; i < row.size(); ++i) {
      line += i + 1 == row.size() ? row[i] : Pad(row[i], widths[i] + 2);
    }
    out << line << "\n";
  }
}

void PrintTasks(const std::vector<store::TaskRecord>& tasks, std::ostream& out,
                const std::string& indent) {
  std::vector<std::vector<std::string>> rows = {
      {"CAMPAIGN", "STEP", "STATUS", "ROLE", "ASSIGNEE", "NAME"}};
  for (const store::TaskRecord& t : tasks) {
    std::string status = t.status;
    if (!t.decision.empty()) status += " (" + t.decision + ")";
    std::string who = t.assignee;
    if (who.empty() && !t.completed_by.empty()) who = "by " + t.completed_by;
    rows.push_back({t.campaign, t.step, status, t.role.empty() ? "-" : t.role,
                    who.empty() ? "-" : who, OneLine(t.activity)});
  }
  PrintTable(rows, out, indent);
}

nlohmann::json AwaitedToJson(const std::vector<engine::Awaited>& awaited) {
  Json out = Json::array();
  for (const engine::Awaited& a : awaited) {
    const char* action = !a.item.empty() ? "tick"
                         : a.decision    ? "decide"
                                         : "complete";
    out.push_back({{"step", a.step},
                   {"name", a.name},
                   {"action", action},
                   {"item", a.item.empty() ? Json(nullptr) : Json(a.item)},
                   {"role", a.role.empty() ? Json(nullptr) : Json(a.role)},
                   {"people", a.people}});
  }
  return out;
}

void PrintStanding(const engine::CampaignState& state,
                   const std::vector<engine::Awaited>& awaited,
                   std::ostream& out) {
  if (state.status != "active") {
    out << "campaign " << state.campaign << " is now " << state.status << "\n";
  } else if (!awaited.empty()) {
    out << "waiting for:\n";
    PrintAwaited(awaited, out);
  }
}

void PrintAwaited(const std::vector<engine::Awaited>& awaited,
                  std::ostream& out) {
  for (const engine::Awaited& a : awaited) {
    out << "  " << a.step;
    if (!a.item.empty()) out << " item " << a.item;
    out << " (" << OneLine(a.name) << "): "
        << (!a.item.empty() ? "tick"
            : a.decision    ? "decide"
                            : "complete");
    if (!a.role.empty()) out << ", role " << a.role;
    out << ": "
        << (a.people.empty() ? std::string("nobody holds it")
                             : Join(a.people, ", "))
        << "\n";
  }
}

}  // namespace livesop::cli

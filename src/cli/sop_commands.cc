#include "cli/sop_commands.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/migrate_command.h"
#include "cli/store_commands.h"
#include "core/diagnostic.h"
#include "core/time.h"
#include "sop/loader.h"
#include "sop/validate.h"
#include "store/store.h"

namespace livesop::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kCodes =
    "Exit codes: 0 done, 1 refused (an invalid SOP, a version published "
    "with other content, an unknown version), 2 usage or file error, 3 the "
    "store failed.";

// The digest as people see it in tables and messages; `show` prints it whole.
constexpr size_t kShortDigest = 12;

struct SopArgs {
  std::string db;
  std::string file;     // publish: the SOP's root YAML file
  std::string version;  // show
  std::string as;
  std::string note;
  bool json = false;
};

// 1 for what the person asked (an invalid SOP, a taken version, an unknown
// one); 3 for the store's failures.
int ExitFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return kExitInvalid;
    default:
      return kExitStore;
  }
}

// Prints "livesop COMMAND: MESSAGE" on standard error and, with `json`,
// {"ok": false, "error": {"code", "message"}} on standard output. Returns
// `exit_code`.
int Fail(const std::string& command, const Status& status, bool json,
         int exit_code) {
  std::cerr << "livesop " << command << ": " << status.message() << "\n";
  if (json) {
    const Json error = {{"ok", false},
                        {"error",
                         {{"code", std::string(StatusCodeName(status.code()))},
                          {"message", status.message()}}}};
    std::cout << error.dump(2) << "\n";
  }
  return exit_code;
}
int Fail(const std::string& command, const Status& status, bool json) {
  return Fail(command, status, json, ExitFor(status));
}

// UTC to the second, for text; "" for no time.
std::string TimeText(int64_t micros) {
  if (micros == 0) return "";
  return FormatTimestamp(micros).substr(0, 19) + "Z";
}
Json TimeJson(int64_t micros) {
  return micros == 0 ? Json(nullptr) : Json(FormatTimestamp(micros));
}

std::string Plural(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// "by ana at 2026-05-04T09:00:00Z", leaving out what is unknown.
std::string ByAt(const store::SopVersionRecord& r) {
  std::string text;
  if (!r.published_by.empty()) text += "by " + r.published_by;
  if (r.published_us != 0) {
    text += (text.empty() ? "at " : " at ") + TimeText(r.published_us);
  }
  return text;
}

// Opens the store; or prints why not, sets `exit_code` (1 for a malformed
// URL, else 3) and returns null.
std::unique_ptr<store::Store> Open(const SopArgs& args,
                                   const std::string& command, int& exit_code) {
  Result<std::unique_ptr<store::Store>> opened = store::OpenStore(args.db);
  if (!opened.ok()) {
    exit_code = Fail(command, opened.status(), args.json,
                     opened.status().code() == StatusCode::kInvalidArgument
                         ? kExitInvalid
                         : kExitStore);
    return nullptr;
  }
  return std::move(*opened);
}

// The name `livesop check` prints for `file` of the bundle read from
// `root_path`: the root as given, the others through its folder.
std::string ShownName(const sop::Bundle& bundle, const std::string& root_path,
                      const std::string& file) {
  if (file.empty()) return file;
  if (file == bundle.root) return root_path;
  return (fs::path(root_path).parent_path() / file).lexically_normal().string();
}

// The bundle loaded and validated as `livesop check` loads the files, with
// the file names check prints, sorted by file and position.
sop::LoadResult CheckBundle(const sop::Bundle& bundle,
                            const std::string& root_path) {
  sop::LoadResult result = sop::LoadDefinitionFromBundle(bundle);
  if (!result.io_failure) {
    result.diagnostics.Append(sop::Validate(result.definition));
  }
  DiagnosticList shown;
  for (Diagnostic d : result.diagnostics.items()) {
    d.location.file = ShownName(bundle, root_path, d.location.file);
    shown.Add(std::move(d));
  }
  shown.SortAndDedupe();
  result.diagnostics = std::move(shown);
  return result;
}

void PrintDiagnostics(const DiagnosticList& list, std::ostream& out) {
  for (const Diagnostic& d : list.items()) out << FormatDiagnostic(d) << "\n";
}

std::vector<std::string> FileNames(const sop::Bundle& bundle) {
  std::vector<std::string> names;
  for (const auto& [path, content] : bundle.files) names.push_back(path);
  return names;
}

Json RecordToJson(const store::SopVersionRecord& r) {
  return {{"version", r.version},
          {"sop_id", r.sop_id},
          {"digest", r.digest},
          {"published_by", r.published_by},
          {"published", TimeJson(r.published_us)},
          {"note", r.note}};
}

int RunPublish(const SopArgs& args) {
  const std::string command = "sop publish";
  Result<sop::Bundle> bundle = sop::ReadBundle(args.file);
  if (!bundle.ok())
    return Fail(command, bundle.status(), args.json, kExitUsage);

  // What is published is what was checked: the bundle, not the files, which
  // may change meanwhile.
  sop::LoadResult checked = CheckBundle(*bundle, args.file);
  const DiagnosticList& diagnostics = checked.diagnostics;
  if (checked.io_failure || diagnostics.has_errors()) {
    PrintDiagnostics(diagnostics, std::cerr);
    const std::string message =
        args.file + ": invalid, " +
        Plural(static_cast<size_t>(diagnostics.error_count()), "error") +
        "; not publishing an invalid SOP: fix the errors above first";
    std::cerr << "livesop " << command << ": " << message << "\n";
    if (args.json) {
      Json doc = DiagnosticsToJson(diagnostics);
      doc["ok"] = false;
      doc["error"] = {{"code", "INVALID_ARGUMENT"}, {"message", message}};
      std::cout << doc.dump(2) << "\n";
    }
    return checked.io_failure ? kExitUsage : kExitInvalid;
  }
  PrintDiagnostics(diagnostics, std::cerr);  // warnings do not stop it

  const sop::Definition& def = checked.definition;
  store::SopVersionRecord record;
  record.version = def.sop.version;
  record.sop_id = def.sop.id;
  record.digest = sop::BundleDigest(*bundle);
  record.bundle = sop::BundleToJson(*bundle);
  record.published_by = args.as;
  record.published_us = std::chrono::duration_cast<std::chrono::microseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  record.note = args.note;
  if (record.digest.empty()) {
    return Fail(command,
                InternalError("cannot compute the SHA-256 digest; check the "
                              "OpenSSL installation"),
                args.json, kExitUsage);
  }

  int exit_code = kExitOk;
  std::unique_ptr<store::Store> store = Open(args, command, exit_code);
  if (store == nullptr) return exit_code;
  Result<store::SopVersionRecord> existing = store->SopVersion(record.version);
  if (!existing.ok() && existing.status().code() != StatusCode::kNotFound) {
    return Fail(command, existing.status(), args.json);
  }
  if (existing.ok() && existing->digest != record.digest) {
    const SourceLocation at =
        sop::LocationOf(def.sop.at, "version", def.sop.where);
    std::string where = ShownName(*bundle, args.file, at.file);
    if (at.line > 0) where += ":" + std::to_string(at.line);
    return Fail(
        command,
        AlreadyExistsError(
            "SOP version " + record.version + " was published " +
            ByAt(*existing) + " with other content (digest " +
            existing->digest.substr(0, kShortDigest) + ", this SOP's is " +
            record.digest.substr(0, kShortDigest) +
            "). A published version never changes: campaigns run on it. "
            "Raise `sop.version` (" +
            where + ") and publish again"),
        args.json);
  }
  const bool already = existing.ok();
  if (!already) {
    if (Status published = store->PublishSop(record); !published.ok()) {
      return Fail(command, published, args.json);
    }
  }
  const store::SopVersionRecord& shown = already ? *existing : record;
  if (args.json) {
    Json doc = RecordToJson(shown);
    doc["ok"] = true;
    doc["already_published"] = already;
    doc["root"] = bundle->root;
    doc["files"] = FileNames(*bundle);
    doc["warnings"] = diagnostics.warning_count();
    std::cout << doc.dump(2) << "\n";
    return kExitOk;
  }
  if (already) {
    std::cout << "SOP " << shown.sop_id << " version " << shown.version
              << " is already published with this content (" << ByAt(shown)
              << "); nothing changed\n";
  } else {
    std::cout << "published SOP " << shown.sop_id << " version "
              << shown.version << ": " << Plural(bundle->files.size(), "file")
              << ", digest " << shown.digest.substr(0, kShortDigest) << ", "
              << ByAt(shown) << "\n";
  }
  return kExitOk;
}

// Prints `rows` (the first is the header) as columns two spaces apart,
// each line after `indent`.
void PrintTable(const std::vector<std::vector<std::string>>& rows,
                std::ostream& out, const std::string& indent = "") {
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
      line += row[i];
      if (i + 1 < row.size()) {
        line += std::string(widths[i] + 2 - row[i].size(), ' ');
      }
    }
    line.erase(line.find_last_not_of(' ') + 1);  // an empty last column
    out << line << "\n";
  }
}

int RunVersions(const SopArgs& args) {
  const std::string command = "sop versions";
  int exit_code = kExitOk;
  std::unique_ptr<store::Store> store = Open(args, command, exit_code);
  if (store == nullptr) return exit_code;
  Result<std::vector<store::SopVersionRecord>> versions = store->SopVersions();
  if (!versions.ok()) return Fail(command, versions.status(), args.json);
  if (args.json) {
    Json list = Json::array();
    for (const store::SopVersionRecord& r : *versions) {
      list.push_back(RecordToJson(r));
    }
    std::cout << Json{{"ok", true}, {"versions", list}}.dump(2) << "\n";
    return kExitOk;
  }
  if (versions->empty()) {
    std::cout << "no SOP version has been published in this store yet; "
                 "`livesop sop publish SOP.yaml` publishes one\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"VERSION", "SOP", "PUBLISHED", "BY", "DIGEST", "NOTE"}};
  for (const store::SopVersionRecord& r : *versions) {
    rows.push_back({r.version, r.sop_id, TimeText(r.published_us),
                    r.published_by.empty() ? "-" : r.published_by,
                    r.digest.substr(0, kShortDigest), r.note});
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

int RunShow(const SopArgs& args) {
  const std::string command = "sop show";
  int exit_code = kExitOk;
  std::unique_ptr<store::Store> store = Open(args, command, exit_code);
  if (store == nullptr) return exit_code;
  Result<store::SopVersionRecord> record = store->SopVersion(args.version);
  if (!record.ok()) return Fail(command, record.status(), args.json);
  // The bundle is read back and checked against its digest: a damaged row
  // is said to be one, not shown as if it were the SOP.
  Result<sop::Bundle> bundle = sop::BundleFromJson(record->bundle);
  if (!bundle.ok()) {
    return Fail(
        command,
        DataLossError("the stored files of SOP version " + record->version +
                      " are damaged (" + bundle.status().message() +
                      "); restore the store from a backup"),
        args.json);
  }
  if (sop::BundleDigest(*bundle) != record->digest) {
    return Fail(
        command,
        DataLossError("the stored files of SOP version " + record->version +
                      " do not match their digest; restore the store "
                      "from a backup"),
        args.json);
  }
  if (args.json) {
    Json doc = RecordToJson(*record);
    doc["ok"] = true;
    doc["root"] = bundle->root;
    Json files = Json::array();
    for (const auto& [path, content] : bundle->files) {
      files.push_back({{"path", path}, {"bytes", content.size()}});
    }
    doc["files"] = files;
    std::cout << doc.dump(2) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"SOP", record->sop_id},
      {"version", record->version},
      {"digest", record->digest},
      {"published", ByAt(*record)},
  };
  if (!record->note.empty()) rows.push_back({"note", record->note});
  rows.push_back({"files", std::to_string(bundle->files.size())});
  PrintTable(rows, std::cout);
  std::vector<std::vector<std::string>> files;
  for (const auto& [path, content] : bundle->files) {
    files.push_back({path, Plural(content.size(), "byte"),
                     path == bundle->root ? "(root)" : ""});
  }
  PrintTable(files, std::cout, "  ");
  return kExitOk;
}

}  // namespace

std::function<int()> AddSopCommands(CLI::App& app) {
  auto args = std::make_shared<SopArgs>();

  CLI::App* sop = app.add_subcommand(
      "sop", "Publish SOP versions into a store and read them back");
  sop->require_subcommand(1);

  CLI::App* publish = sop->add_subcommand(
      "publish",
      "Check an SOP and store it, with every file it includes, as the "
      "version its `sop.version` names; a published version never changes");
  publish->add_option("FILE", args->file, "The SOP's root YAML file")
      ->required();
  publish->add_option("--as", args->as, "Who publishes it (recorded)");
  publish->add_option("--note", args->note,
                      "Why, in a few words (recorded with the version)");

  CLI::App* versions = sop->add_subcommand(
      "versions", "List the SOP versions published in a store, oldest first");

  CLI::App* show = sop->add_subcommand(
      "show", "Show one published SOP version: who, when, and its files");
  show->add_option("VERSION", args->version, "The version, as in sop.version")
      ->required();

  for (CLI::App* c : {publish, versions, show}) {
    AddDb(c, args->db);
    c->add_flag("--json", args->json, "Print the result as one JSON object");
    c->footer(kCodes);
  }

  auto move = std::make_shared<MigrateArgs>();
  CLI::App* migrate = sop->add_subcommand(
      "migrate",
      "Move a running campaign to another published SOP version, mapping "
      "its steps; nothing moves unless every step maps");
  migrate->add_option("CAMPAIGN", move->campaign, "The campaign")->required();
  migrate->add_option("--to", move->to, "The version to move it to")
      ->required();
  migrate->add_option("--map", move->map,
                      "OLD=NEW: a step of the campaign's version and the "
                      "step of the new one it becomes (repeatable; a step "
                      "not named keeps its id)");
  migrate->add_option("--reason", move->reason, "Why, in a few words");
  migrate->add_option("--as", move->as, "Who migrates it (the process owner)")
      ->required();
  migrate
      ->add_option("--sop", move->sop,
                   "The current SOP file (default: the latest published "
                   "version)")
      ->envname("LIVESOP_SOP");
  migrate->add_flag("--dry-run", move->dry_run,
                    "Report what maps and what does not; write nothing");
  AddDb(migrate, move->db);
  migrate->add_flag("--json", move->json, "Print the report as JSON");
  migrate->footer(
      "Exit codes: 0 migrated (with --dry-run: everything maps), 1 refused "
      "or a step does not map (the report says which and how to map it), 2 "
      "usage error, 3 the store failed, 4 another command changed the "
      "campaign meanwhile.");

  return [=]() -> int {
    if (publish->parsed()) return RunPublish(*args);
    if (versions->parsed()) return RunVersions(*args);
    if (show->parsed()) return RunShow(*args);
    if (migrate->parsed()) return RunSopMigrate(*move);
    return -1;
  };
}

}  // namespace livesop::cli

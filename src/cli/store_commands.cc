#include "cli/store_commands.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/exit_codes.h"
#include "core/time.h"
#include "store/backup.h"
#include "store/exchange.h"
#include "store/store.h"

namespace livesop::cli {
namespace {

namespace fs = std::filesystem;

struct StoreArgs {
  std::string db;
  std::string file;
  std::string output;
  std::string format;
  // export filters
  std::string campaign;
  std::vector<std::string> campaign_types;
  std::vector<std::string> sources;
  std::vector<std::string> activities;
  std::string from;
  std::string until;
  // import options
  std::string campaign_type;
  std::string source = "import";
  std::string delimiter;
};

// The log format: --format, else the file's extension.
Result<store::LogFormat> FormatOf(const std::string& format,
                                  const std::string& file) {
  if (!format.empty()) return store::ParseLogFormat(format);
  std::string name = fs::path(file).filename().string();
  if (name.ends_with(".gz")) name.resize(name.size() - 3);
  if (name.ends_with(".xes")) return store::LogFormat::kXes;
  if (name.ends_with(".csv")) return store::LogFormat::kCsv;
  return InvalidArgumentError("cannot tell the format of \"" + file +
                              "\" from its name; pass --format xes or csv");
}

// Exit code for a failed store operation: bad input is the caller's to
// fix (1); everything else is the database's (3).
int ExitFor(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return kExitInvalid;
    case StatusCode::kNotFound:
    case StatusCode::kAlreadyExists:
      return kExitUsage;
    default:
      return kExitStore;
  }
}

int Fail(const char* command, const Status& status) {
  std::cerr << "livesop " << command << ": " << status.message() << "\n";
  return ExitFor(status);
}

Result<std::unique_ptr<store::Store>> Open(const std::string& db,
                                           bool read_only = false) {
  store::OpenOptions options;
  options.read_only = read_only;
  return store::OpenStore(db, options);
}

int RunStatus(const StoreArgs& args) {
  auto opened = Open(args.db);
  if (!opened.ok()) return Fail("db status", opened.status());
  store::Store& s = **opened;
  auto last = s.LastPosition();
  auto schema = s.SchemaVersion();
  auto campaigns = s.Campaigns({});
  store::TaskQuery open_tasks;
  open_tasks.status = "open";
  auto tasks = s.Tasks(open_tasks);
  for (const Status& st :
       {last.status(), schema.status(), campaigns.status(), tasks.status()}) {
    if (!st.ok()) return Fail("db status", st);
  }
  std::cout << "backend: " << s.Backend() << "\n"
            << "schema version: " << *schema
            << " (this livesop: " << store::CurrentSchemaVersion() << ")\n"
            << "events: " << *last << "\n"
            << "campaigns: " << campaigns->size() << "\n"
            << "open tasks: " << tasks->size() << "\n";
  return kExitOk;
}

int RunMigrate(const StoreArgs& args) {
  auto opened = Open(args.db);
  if (!opened.ok()) return Fail("db migrate", opened.status());
  auto schema = (*opened)->SchemaVersion();
  if (!schema.ok()) return Fail("db migrate", schema.status());
  std::cout << "schema version " << *schema << ", up to date\n";
  return kExitOk;
}

int RunRebuild(const StoreArgs& args) {
  auto opened = Open(args.db);
  if (!opened.ok()) return Fail("db rebuild", opened.status());
  auto replayed = (*opened)->RebuildReadModels();
  if (!replayed.ok()) return Fail("db rebuild", replayed.status());
  auto campaigns = (*opened)->Campaigns({});
  auto tasks = (*opened)->Tasks({});
  if (!campaigns.ok()) return Fail("db rebuild", campaigns.status());
  if (!tasks.ok()) return Fail("db rebuild", tasks.status());
  std::cout << "rebuilt the read models from " << *replayed
            << " events: " << campaigns->size() << " campaigns, "
            << tasks->size() << " tasks\n";
  return kExitOk;
}

int RunBackup(const StoreArgs& args) {
  auto opened = Open(args.db, /*read_only=*/true);
  if (!opened.ok()) return Fail("backup", opened.status());
  auto stats = store::BackupStore(**opened, args.output);
  if (!stats.ok()) return Fail("backup", stats.status());
  std::cout << "wrote " << args.output << " (" << stats->events << " events, "
            << stats->bytes << " bytes)\n";
  return kExitOk;
}

int RunRestore(const StoreArgs& args) {
  auto opened = Open(args.db);
  if (!opened.ok()) return Fail("restore", opened.status());
  auto restored = store::RestoreStore(args.file, **opened);
  if (!restored.ok()) return Fail("restore", restored.status());
  std::cout << "restored " << *restored << " events from " << args.file
            << " into " << (*opened)->Backend() << "\n";
  return kExitOk;
}

int RunExport(const StoreArgs& args) {
  auto format = FormatOf(args.format, args.output);
  if (!format.ok()) return Fail("export", format.status());
  store::EventFilter filter;
  filter.campaign = args.campaign;
  filter.campaign_types = args.campaign_types;
  filter.sources = args.sources;
  filter.activities = args.activities;
  for (const auto& [text, bound] : {std::pair{&args.from, &filter.from_us},
                                    std::pair{&args.until, &filter.until_us}}) {
    if (text->empty()) continue;
    auto time = ParseTimestamp(*text);
    if (!time.ok()) return Fail("export", time.status());
    *bound = *time;
  }
  auto opened = Open(args.db, /*read_only=*/true);
  if (!opened.ok()) return Fail("export", opened.status());
  // Written beside the target and renamed when complete, so a failed
  // export never leaves a half-written log under the real name.
  const fs::path target(args.output);
  const fs::path temp =
      target.string() + ".partial-" + std::to_string(::getpid());
  std::error_code ec;
  Result<store::ExportStats> stats = UnavailableError("");
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) {
      std::cerr << "livesop export: cannot write " << args.output
                << ": check that its folder exists and is writable\n";
      return kExitUsage;
    }
    stats = store::ExportLog(**opened, filter, *format, out);
    out.close();
    if (stats.ok() && !out) stats = UnavailableError("writing failed");
  }
  if (stats.ok()) fs::rename(temp, target, ec);
  if (!stats.ok() || ec) {
    fs::remove(temp, ec);
    if (!stats.ok()) return Fail("export", stats.status());
    std::cerr << "livesop export: cannot write " << args.output << "\n";
    return kExitUsage;
  }
  std::cout << "wrote " << args.output << " ("
            << (*format == store::LogFormat::kXes ? "XES" : "CSV") << ", "
            << stats->campaigns << " campaigns, " << stats->events
            << " events)\n";
  return kExitOk;
}

int RunImport(const StoreArgs& args) {
  if (args.file.empty() || args.db.empty()) {
    std::cerr << "livesop import: give the store with --db (or LIVESOP_DB) "
                 "and the log FILE, or a side path: livesop import "
                 "whatsapp|slack|email|sheet FILE\n";
    return kExitUsage;
  }
  auto format = FormatOf(args.format, args.file);
  if (!format.ok()) return Fail("import", format.status());
  store::ImportOptions options;
  options.campaign_type = args.campaign_type;
  options.source = args.source;
  if (args.delimiter.size() > 1 && args.delimiter != "tab") {
    return Fail("import", InvalidArgumentError(
                              "--delimiter takes one character or \"tab\""));
  }
  if (!args.delimiter.empty()) {
    options.csv.delimiter = args.delimiter == "tab" ? '\t' : args.delimiter[0];
  }
  auto opened = Open(args.db);
  if (!opened.ok()) return Fail("import", opened.status());
  auto stats = store::ImportLog(**opened, args.file, *format, options);
  if (!stats.ok()) return Fail("import", stats.status());
  if (stats->already_imported) {
    std::cout << args.file << " was imported before; nothing added\n";
  } else {
    std::cout << "imported " << stats->events << " events of "
              << stats->campaigns << " campaigns from " << args.file << "\n";
  }
  return kExitOk;
}

}  // namespace

CLI::Option* AddDb(CLI::App* command, std::string& db) {
  return command
      ->add_option("--db", db,
                   "The store: a SQLite file (sqlite:PATH or a path) or a "
                   "postgresql:// URL; default from LIVESOP_DB")
      ->envname("LIVESOP_DB")
      ->required();
}

std::function<int()> AddStoreCommands(CLI::App& app) {
  auto args = std::make_shared<StoreArgs>();
  const char* codes =
      "Exit codes: 0 done, 1 invalid input, 2 usage or file error, 3 the "
      "store could not be opened or changed.";

  CLI::App* db = app.add_subcommand("db", "Inspect and maintain a store");
  db->require_subcommand(1);
  CLI::App* status = db->add_subcommand(
      "status", "Backend, schema version and what the store holds");
  CLI::App* migrate = db->add_subcommand(
      "migrate", "Apply pending schema migrations (opening does it too)");
  CLI::App* rebuild = db->add_subcommand(
      "rebuild",
      "Recreate the read models (campaigns, tasks, inbox) from "
      "the events alone");
  for (CLI::App* c : {status, migrate, rebuild}) {
    AddDb(c, args->db);
    c->footer(codes);
  }

  CLI::App* backup = app.add_subcommand(
      "backup",
      "Write a consistent copy of a store to a new file, safe "
      "while the server runs");
  AddDb(backup, args->db);
  backup->add_option("-o,--output", args->output, "The backup file to create")
      ->required();
  backup->footer(codes);

  CLI::App* restore = app.add_subcommand(
      "restore", "Copy a backup into an empty store (either backend)");
  AddDb(restore, args->db);
  restore->add_option("FILE", args->file, "A file written by livesop backup")
      ->required();
  restore->footer(codes);

  CLI::App* exporter = app.add_subcommand(
      "export",
      "Write the history as an XES or CSV event log for process "
      "mining tools");
  AddDb(exporter, args->db);
  exporter->add_option("-o,--output", args->output, "The log file to write")
      ->required();
  exporter
      ->add_option("--format,-f", args->format,
                   "xes or csv (default: from the output's extension)")
      ->check(CLI::IsMember({"xes", "csv"}));
  exporter->add_option("--campaign", args->campaign, "Only this campaign");
  exporter->add_option("--campaign-type", args->campaign_types,
                       "Only campaigns of this type (repeatable)");
  exporter->add_option("--source", args->sources,
                       "Only events from this source, such as whatsapp "
                       "(repeatable)");
  exporter->add_option("--activity", args->activities,
                       "Only this activity (repeatable)");
  exporter->add_option("--from", args->from,
                       "Only events at or after this time (ISO 8601)");
  exporter->add_option("--until", args->until,
                       "Only events before this time (ISO 8601)");
  exporter->footer(codes);

  CLI::App* importer = app.add_subcommand(
      "import",
      "Add an XES or CSV event log from another tool to a store, "
      "in one transaction");
  // `import whatsapp|slack|email|sheet` (connect_commands.cc) have a --db
  // and FILE of their own, so the log import's are checked by RunImport.
  AddDb(importer, args->db)->required(false);
  importer->add_option("FILE", args->file, "The log (.xes, .xes.gz, .csv)");
  importer
      ->add_option("--format,-f", args->format,
                   "xes or csv (default: from the file's extension)")
      ->check(CLI::IsMember({"xes", "csv"}));
  importer->add_option("--campaign-type", args->campaign_type,
                       "Campaign type of cases that carry none");
  importer->add_option("--source", args->source,
                       "Source of events that carry none (default: import)");
  importer->add_option("--delimiter", args->delimiter,
                       "CSV field separator: one character or \"tab\" "
                       "(default: detected from the header)");
  importer->footer(codes);

  return [=]() -> int {
    if (status->parsed()) return RunStatus(*args);
    if (migrate->parsed()) return RunMigrate(*args);
    if (rebuild->parsed()) return RunRebuild(*args);
    if (backup->parsed()) return RunBackup(*args);
    if (restore->parsed()) return RunRestore(*args);
    if (exporter->parsed()) return RunExport(*args);
    if (importer->parsed() && importer->get_subcommands().empty()) {
      return RunImport(*args);
    }
    return -1;
  };
}

}  // namespace livesop::cli

#include "cli/store_commands.h"

#include <iostream>
#include <memory>

#include "cli/exit_codes.h"
#include "store/backup.h"
#include "store/store.h"

namespace livesop::cli {
namespace {

struct StoreArgs {
  std::string db;
  std::string file;
  std::string output;
  std::string format;
};

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

CLI::Option* AddDb(CLI::App* command, std::string& db) {
  return command
      ->add_option("--db", db,
                   "The store: a SQLite file (sqlite:PATH or a path) or a "
                   "postgresql:// URL; default from LIVESOP_DB")
      ->envname("LIVESOP_DB")
      ->required();
}

}  // namespace

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

  return [=]() -> int {
    if (status->parsed()) return RunStatus(*args);
    if (migrate->parsed()) return RunMigrate(*args);
    if (rebuild->parsed()) return RunRebuild(*args);
    if (backup->parsed()) return RunBackup(*args);
    if (restore->parsed()) return RunRestore(*args);
    return -1;
  };
}

}  // namespace livesop::cli

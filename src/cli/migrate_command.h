// livesop sop migrate: moves a running campaign to another published SOP
// version through the engine (Engine::Migrate), with a checked step
// mapping; the `sop` command group registers it.
#ifndef LIVESOP_CLI_MIGRATE_COMMAND_H_
#define LIVESOP_CLI_MIGRATE_COMMAND_H_

#include <string>
#include <vector>

namespace livesop::cli {

struct MigrateArgs {
  std::string db;
  std::string sop;  // optional: the current SOP file, else the latest published
  std::string campaign;
  std::string to;                // the version to move to
  std::vector<std::string> map;  // OLD=NEW step mappings
  std::string reason;
  std::string as;
  bool dry_run = false;
  bool json = false;
};

// Runs the command; returns its exit code: 0 migrated (or, with
// --dry-run, everything maps), 1 refused or something does not map (the
// report says what), 2 usage, 3 the store failed, 4 a conflict.
int RunSopMigrate(const MigrateArgs& args);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_MIGRATE_COMMAND_H_

#include "cli/migrate_command.h"

#include <iostream>
#include <map>

#include "cli/exit_codes.h"
#include "cli/workflow.h"

namespace livesop::cli {

int RunSopMigrate(const MigrateArgs& args) {
  const std::string command = "sop migrate";
  engine::MigrateCommand migrate;
  migrate.campaign = args.campaign;
  migrate.to_version = args.to;
  migrate.actor = args.as;
  migrate.reason = args.reason;
  migrate.dry_run = args.dry_run;
  for (const std::string& pair : args.map) {
    const size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == pair.size()) {
      return UsageError(command,
                        "--map takes OLD=NEW (a step of the "
                        "campaign's version = a step of the new "
                        "one), not \"" +
                            pair + "\"");
    }
    migrate.mapping[pair.substr(0, eq)] = pair.substr(eq + 1);
  }
  WorkflowArgs session_args;
  session_args.db = args.db;
  session_args.sop = args.sop;
  session_args.json = args.json;
  Session session;
  if (const int code = OpenSession(session_args, command, true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::MigrationReport> report = session.engine->Migrate(migrate);
  if (!report.ok()) return Fail(command, report.status(), args.json);
  const bool maps = report->unmapped.empty();
  if (args.json) {
    nlohmann::json out = engine::MigrationReportToJson(*report);
    out["ok"] = maps;
    out["dry_run"] = args.dry_run;
    std::cout << out.dump(2) << "\n";
  } else {
    std::cout << "campaign " << report->campaign << ": " << report->from
              << " -> " << report->to << "\n";
    for (const auto& [from, to] : report->mapped) {
      std::cout << "  " << from << (from == to ? " (same id)" : " -> " + to)
                << "\n";
    }
    for (const std::string& problem : report->unmapped) {
      std::cout << "  cannot map: " << problem << "\n";
    }
    std::cout << (report->applied ? "migrated\n"
                  : maps          ? "everything maps (dry run): nothing "
                                    "written\n"
                                  : "not migrated: nothing written\n");
  }
  return maps ? kExitOk : kExitInvalid;
}

}  // namespace livesop::cli

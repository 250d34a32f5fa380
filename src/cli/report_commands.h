// The department report (docs/reports.md, docs/cli.md): `livesop report`
// opens the store and the SOP, asks the engine for the report of a period
// and prints it as tables, as one JSON object (--json) or as one CSV row per
// campaign (--csv).
#ifndef LIVESOP_CLI_REPORT_COMMANDS_H_
#define LIVESOP_CLI_REPORT_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds `report` to `app`; the returned function runs it when it was parsed
// and returns its exit code, or -1 when it was not.
std::function<int()> AddReportCommand(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_REPORT_COMMANDS_H_

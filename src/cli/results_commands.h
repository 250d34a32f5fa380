// `livesop results import|show`: channel results imported from CSV exports
// into campaigns, and a campaign's KPIs against their targets
// (docs/results.md).
#ifndef LIVESOP_CLI_RESULTS_COMMANDS_H_
#define LIVESOP_CLI_RESULTS_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds `results`; the returned function runs it when it was parsed and
// returns its exit code, or -1 when it was not.
std::function<int()> AddResultsCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_RESULTS_COMMANDS_H_

// The notification subcommands (docs/cli.md, docs/notifications.md):
// livesop notify run|webhook|deliveries|replay|prefs|test, and livesop
// inbox. Each opens the store named by --db (and the SOP where it needs
// people), calls the notify module or the store, and prints the result.
#ifndef LIVESOP_CLI_NOTIFY_COMMANDS_H_
#define LIVESOP_CLI_NOTIFY_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds the `notify` and `inbox` groups to `app`; the returned function runs
// the command that was parsed and returns its exit code, or -1 when none of
// them was.
std::function<int()> AddNotifyCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_NOTIFY_COMMANDS_H_

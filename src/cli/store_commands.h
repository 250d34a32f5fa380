// The store's subcommands: db status|migrate|rebuild, backup, restore,
// export and import. Each opens the store named by --db, calls one facade
// function and prints what happened.
#ifndef LIVESOP_CLI_STORE_COMMANDS_H_
#define LIVESOP_CLI_STORE_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

namespace livesop::cli {

// Adds the --db option every store-using command takes (a SQLite path or
// URL, or a postgresql:// URL; LIVESOP_DB by default; required) to
// `command`, bound to `db`.
CLI::Option* AddDb(CLI::App* command, std::string& db);

// Adds the subcommands to `app`; the returned function runs the one that
// was parsed and returns its exit code, or -1 when none of them was.
std::function<int()> AddStoreCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_STORE_COMMANDS_H_

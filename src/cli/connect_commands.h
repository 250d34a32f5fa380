// livesop import whatsapp|slack|email|sheet and livesop inbox review: side
// paths brought into campaign histories (docs/side-paths.md).
#ifndef LIVESOP_CLI_CONNECT_COMMANDS_H_
#define LIVESOP_CLI_CONNECT_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds one subcommand per connector to `app`'s `import` and `review` (with
// `accept` and `dismiss`) to its `inbox`, which must exist already; the
// returned function runs the one that was parsed and returns its exit
// code, or -1 when none of them was.
std::function<int()> AddConnectCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_CONNECT_COMMANDS_H_

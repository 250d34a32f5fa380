// The SOP version subcommands: livesop sop publish|versions|show
// (docs/cli.md). `publish` reads an SOP's files as a bundle, checks it as
// `livesop check` does and stores it as a version no one can change; the
// others read the versions a store holds.
#ifndef LIVESOP_CLI_SOP_COMMANDS_H_
#define LIVESOP_CLI_SOP_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds the `sop` group to `app`; the returned function runs the command that
// was parsed and returns its exit code, or -1 when none of them was.
std::function<int()> AddSopCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_SOP_COMMANDS_H_

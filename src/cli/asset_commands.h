// `livesop asset check FILE`: what a file really is (read from its content
// with the assets module's libraries) and, given an SOP, which of each
// channel's asset specs it meets or fails and why.
#ifndef LIVESOP_CLI_ASSET_COMMANDS_H_
#define LIVESOP_CLI_ASSET_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds `asset check`; the returned function runs it when it was parsed and
// returns its exit code, or -1 when it was not.
std::function<int()> AddAssetCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_ASSET_COMMANDS_H_

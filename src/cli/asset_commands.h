// `livesop asset check FILE`: what a file really is (read from its content
// with the assets module's libraries) and, given an SOP, which of each
// channel's asset specs it meets or fails and why; and a campaign's assets:
// `asset request|add|readiness|history` (docs/assets.md).
#ifndef LIVESOP_CLI_ASSET_COMMANDS_H_
#define LIVESOP_CLI_ASSET_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds the `asset` group; the returned function runs the command that was
// parsed and returns its exit code, or -1 when none of them was.
std::function<int()> AddAssetCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_ASSET_COMMANDS_H_

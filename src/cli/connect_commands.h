// livesop import whatsapp|slack|email|sheet|webhook, livesop inbox review
// and livesop hook: side paths brought into campaign histories
// (docs/side-paths.md).
#ifndef LIVESOP_CLI_CONNECT_COMMANDS_H_
#define LIVESOP_CLI_CONNECT_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>
#include <string>

#include "connect/match.h"
#include "core/status.h"
#include "sop/model.h"

namespace livesop::cli {

// The workspace's matching settings: the connect.yaml at `path`, else the
// one beside the SOP's root file `sop_path` when there is one; the
// defaults otherwise.
Result<connect::MatchConfig> LoadConnectConfig(const std::string& path,
                                               const std::string& sop_path,
                                               const sop::Definition& sop);

// Adds `hook` (add, list, revoke) to `app`, one subcommand per connector to
// `app`'s `import` and `review` (with `accept` and `dismiss`) to its `inbox`,
// which must exist already; the returned function runs the one that was parsed
// and returns its exit code, or -1 when none of them was.
std::function<int()> AddConnectCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_CONNECT_COMMANDS_H_

// livesop serve: runs the HTTP server (server/server.h) in the foreground
// on the store named by --db, until SIGINT or SIGTERM.
#ifndef LIVESOP_CLI_SERVE_COMMAND_H_
#define LIVESOP_CLI_SERVE_COMMAND_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds `serve` to `app`; the returned function runs it when it was parsed
// and returns its exit code, or -1 when it was not.
std::function<int()> AddServeCommand(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_SERVE_COMMAND_H_

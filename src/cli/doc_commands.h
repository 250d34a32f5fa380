// The template library and campaign documents (docs/documents.md,
// docs/cli.md): livesop template list|show|add-version|approve|retire and
// livesop doc add|show|diff|log. Each opens the store named by --db and the
// SOP (--sop, else the latest published), calls the engine, and prints the
// result as text or, with --json, as one JSON object. Files go to the file
// store named by --files (default: `files/` beside a SQLite store).
#ifndef LIVESOP_CLI_DOC_COMMANDS_H_
#define LIVESOP_CLI_DOC_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds the `template` and `doc` groups to `app`; the returned function runs
// the command that was parsed and returns its exit code, or -1 when none
// of them was.
std::function<int()> AddDocCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_DOC_COMMANDS_H_

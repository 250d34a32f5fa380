// The template library and campaign documents (docs/documents.md,
// docs/cli.md): livesop template list|show|add-version|approve|retire and
// livesop doc add|show|diff|log (the log covers the campaign's assets too).
// Each opens the store named by --db and the
// SOP (--sop, else the latest published), calls the engine, and prints the
// result as text or, with --json, as one JSON object. Files go to the file
// store named by --files (default: `files/` beside a SQLite store).
#ifndef LIVESOP_CLI_DOC_COMMANDS_H_
#define LIVESOP_CLI_DOC_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

#include "engine/engine.h"

namespace livesop::cli {

// Adds the `template` and `doc` groups to `app`; the returned function runs
// the command that was parsed and returns its exit code, or -1 when none
// of them was.
std::function<int()> AddDocCommands(CLI::App& app);

// A line of the revision log as `doc log --json` gives it (`asset history`
// gives its decisions the same way).
nlohmann::json RevisionToJson(const engine::RevisionEntry& e);

// A line of the revision log as text: what happened, then, for an asset's
// check that failed, one line per failed rule ("sizes: REASON").
std::vector<std::string> RevisionText(const engine::RevisionEntry& e);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_DOC_COMMANDS_H_

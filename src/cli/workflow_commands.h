// The workflow subcommands (docs/cli.md): livesop campaign
// submit|show|list|cancel|comment, task list|complete|tick|assign|approve|
// reject|request-changes, deviate ..., timers sweep, escalation ack and
// person away|back|absences. Each opens the store named by --db and the SOP
// (--sop, else the latest published), calls the engine or a read model, and
// prints the result as text or, with --json, as one JSON object.
#ifndef LIVESOP_CLI_WORKFLOW_COMMANDS_H_
#define LIVESOP_CLI_WORKFLOW_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds the `campaign`, `task`, `deviate`, `timers`, `escalation` and
// `person` groups to `app`; the returned function runs
// the command that was parsed and returns its exit code, or -1 when none of
// them was.
std::function<int()> AddWorkflowCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_WORKFLOW_COMMANDS_H_

// `livesop audit`: the audit of the history against the SOP
// (insight/audit.h), as text or JSON.
#ifndef LIVESOP_CLI_AUDIT_COMMANDS_H_
#define LIVESOP_CLI_AUDIT_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds `audit` to `app`. The returned function runs it when it was parsed
// and returns its exit code, else -1.
std::function<int()> AddAuditCommand(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_AUDIT_COMMANDS_H_

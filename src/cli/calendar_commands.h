// The marketing calendar commands (docs/cli.md, docs/marketing-calendar.md):
// `livesop calendar` (the calendar of every campaign as a table, JSON or an
// iCalendar feed, for everyone or a person, team or campaign),
// `livesop calendar plan` (the what-if of a launch date) and `livesop
// calendar feed add|list|revoke` (feeds behind secret URLs, which `livesop
// serve` serves).
#ifndef LIVESOP_CLI_CALENDAR_COMMANDS_H_
#define LIVESOP_CLI_CALENDAR_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <functional>

namespace livesop::cli {

// Adds `calendar` and its subcommands to `app`; the returned function runs
// the one that was parsed and returns its exit code, or -1 when none was.
std::function<int()> AddCalendarCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_CALENDAR_COMMANDS_H_

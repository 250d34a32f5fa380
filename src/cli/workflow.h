// What the campaign and task commands share: their options, opening the
// store and the SOP with an engine over them, the exit code of an engine
// error, and the text and JSON forms of tasks and of what a campaign waits
// for. The commands themselves are in campaign_commands.cc,
// task_commands.cc, deviate_commands.cc (departures, task assign, campaign
// comment) and people_commands.cc (absences, timers, escalations);
// workflow_commands.h adds them to the program.
#ifndef LIVESOP_CLI_WORKFLOW_H_
#define LIVESOP_CLI_WORKFLOW_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "core/status.h"
#include "engine/engine.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::cli {

// Exit code of a command that lost a race with another one on the same
// campaign (the engine's Aborted): nothing was written; run it again.
inline constexpr int kExitConflict = 4;

// Every option of the campaign and task commands; each command reads the
// ones it declares.
struct WorkflowArgs {
  std::string db;
  std::string sop;
  bool json = false;
  std::string as;  // the acting person

  std::string campaign;  // positional CAMPAIGN / ID, or --campaign
  std::string step;

  // campaign submit
  std::string type;
  std::string title;
  std::string id;
  std::vector<std::string> fields;  // KEY=VALUE
  std::string values_file;
  bool check_only = false;

  // campaign show, list, cancel
  bool events = false;
  std::string status;
  std::string reason;

  // task list, decide, tick
  std::string assignee;
  bool mine = false;
  std::string comment;
  std::string item;
  bool untick = false;

  // deviate: every departure (`reason` above is required)
  std::string evidence;       // a message, a link
  std::string evidence_file;  // its SHA-256 is recorded, not the file
  std::string source;         // where it happened: meeting, email, ...
  // deviate approve
  std::string approver;
  std::string channel;
  std::string at;  // also person absences: the time looked at
  // timers due: the window ahead ("2h", "1d"); timers run: seconds between
  // sweeps (0: once)
  std::string within;
  int every_s = 0;
  bool reject = false;
  bool request_changes = false;
  // deviate add-step (its ID goes to `step`)
  std::string name;
  std::string role;  // also reassign and task assign: an approver's role
  std::string person;
  std::string description;
  // deviate expedite
  bool fast_track = false;
  bool parallel_approvals = false;
  double sla_factor = 1.0;
  // deviate reassign, task assign
  std::string to;
  // campaign comment
  std::string text;
  // escalation ack
  std::string escalation;
  // person away, back, absences (the person goes to `person`)
  std::string from;
  std::string until;
  std::string delegate;
  std::string note;
  std::string amount;  // campaign spend: as written, parsed by the command
  int64_t absence = 0;
};

// The SOP the campaign and task commands run for new campaigns: the file
// named by --sop (`path`), loaded and validated as `livesop check` does;
// without one, the latest version published in `store`. A file whose
// version was published with other content is refused (raise its version
// or publish it).
//
// Errors: InvalidArgument when no SOP is named and none is published;
// NotFound when the file (or an include) cannot be read;
// FailedPrecondition when the SOP has errors (the message gives the first
// and says how many) or contradicts its published version.
Result<sop::Definition> ResolveSop(const std::string& path,
                                   store::Store& store);

// Every SOP version published in `store` but `except` (the current one),
// loaded, for the campaigns pinned to them.
Result<std::vector<std::unique_ptr<sop::Definition>>> PublishedVersions(
    store::Store& store, const std::string& except);

// The store, the SOP and the engine one command works with. Not movable:
// the engine refers to the store and the SOP held here.
struct Session {
  Session() = default;
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  std::unique_ptr<store::Store> store;
  sop::Definition sop;  // empty without an SOP
  // The other published SOP versions, which campaigns may be pinned to.
  std::vector<std::unique_ptr<sop::Definition>> pinned;
  std::unique_ptr<engine::Engine> engine;  // null without an SOP
};

// Opens the store of `args.db` into `session` and, when `with_sop`, the SOP
// (ResolveSop) and an engine on the system clock. Returns kExitOk, or
// prints why it failed (as `command`) and returns the exit code: 3 for a
// store that cannot be opened (1 for a malformed URL), 2 when no SOP is
// named or it cannot be read, 1 for an invalid SOP.
int OpenSession(const WorkflowArgs& args, const std::string& command,
                bool with_sop, Session& session);

// The exit code of an engine or store error (docs/cli.md): 1 for what the
// person asked (InvalidArgument, NotFound, AlreadyExists,
// FailedPrecondition, PermissionDenied, OutOfRange), kExitConflict for
// Aborted, 3 for everything else (the store failed).
int ExitFor(const Status& status);

// Prints `status` for `command` on standard error ("livesop COMMAND:
// MESSAGE", with "try again" advice for a conflict) and, with `json`, an
// object {"ok": false, "error": {"code", "message"}} on standard output.
// Returns ExitFor(status).
int Fail(const std::string& command, const Status& status, bool json);

// A usage problem found after parsing (an option that needs another): the
// message on standard error, exit 2.
int UsageError(const std::string& command, const std::string& message);

// The folder of the workspace's file store (uploaded assets, document and
// template files): `files` when given (--files, LIVESOP_FILES), else a
// `files` folder beside a SQLite store `db`. InvalidArgument for a
// PostgreSQL store without `files`: it has no folder of its own.
Result<std::string> FilesRoot(const std::string& files, const std::string& db);

// The `type` events (document_changed_after_approval,
// asset_changed_after_approval) of `campaign` written after store position
// `after` and up to its version `up_to`, as [{step, approved_version,
// reapproval}]: what a new version after an approved one led to.
Result<nlohmann::json> ChangesAfterApproval(store::Store& store,
                                            const std::string& campaign,
                                            const std::string& type,
                                            int64_t after, int64_t up_to);

// For text output: "2026-05-04T09:00:00Z" (UTC, to the second), or "" for
// 0 (no time).
std::string TimeText(int64_t micros);
// For JSON output: the full ISO 8601 time (core/time.h), or null for 0.
nlohmann::json TimeJson(int64_t micros);

// A task of the tasks read model as JSON: task, campaign, step, activity,
// role, assignee, status, decision, completed_by, created, due, completed.
nlohmann::json TaskToJson(const store::TaskRecord& task);

// Prints `rows` (the first is the header) as columns two spaces apart,
// each line after `indent`.
void PrintTable(const std::vector<std::vector<std::string>>& rows,
                std::ostream& out, const std::string& indent = "");

// Prints `tasks` as a table with a header line: CAMPAIGN, STEP, STATUS,
// ROLE, ASSIGNEE (else who completed it), NAME.
void PrintTasks(const std::vector<store::TaskRecord>& tasks, std::ostream& out,
                const std::string& indent = "");

// What a campaign waits for (Engine::AwaitedNow) as JSON: step, name,
// action ("complete", "decide", or "tick" for a checklist item), item (null
// unless a checklist item), role (null for a person or a wait), people.
nlohmann::json AwaitedToJson(const std::vector<engine::Awaited>& awaited);

// One line per awaited action, indented by two spaces:
// "STEP (NAME): decide, role ROLE: PEOPLE", or for a checklist item
// "STEP item ITEM (TEXT): tick, role ROLE: PEOPLE".
void PrintAwaited(const std::vector<engine::Awaited>& awaited,
                  std::ostream& out);

// Where a campaign stands after a command, as text: "campaign ID is now
// STATUS" when it has ended, else what it waits for (PrintAwaited).
void PrintStanding(const engine::CampaignState& state,
                   const std::vector<engine::Awaited>& awaited,
                   std::ostream& out);

// Runners of the commands: each returns its exit code.
int RunCampaignSubmit(const WorkflowArgs& args);
int RunCampaignShow(const WorkflowArgs& args);
int RunCampaignList(const WorkflowArgs& args);
int RunCampaignCancel(const WorkflowArgs& args);
int RunCampaignSpend(const WorkflowArgs& args);
int RunTaskList(const WorkflowArgs& args);
int RunTaskComplete(const WorkflowArgs& args);
int RunTaskTick(const WorkflowArgs& args);
// `verdict` is the subcommand's: approve, reject or request changes.
int RunTaskDecide(const WorkflowArgs& args, engine::Verdict verdict);

// The departures, `livesop deviate …` (deviate_commands.cc), and the two
// commands beside them that leave the SOP's path alone: giving an
// unassigned task by hand and commenting.
int RunDeviateSkip(const WorkflowArgs& args);
int RunDeviateEarly(const WorkflowArgs& args);
int RunDeviateApprove(const WorkflowArgs& args);
int RunDeviateAddStep(const WorkflowArgs& args);
int RunDeviateExpedite(const WorkflowArgs& args);
int RunDeviateReassign(const WorkflowArgs& args);
int RunDeviateReopen(const WorkflowArgs& args);
int RunTaskAssign(const WorkflowArgs& args);
int RunCampaignComment(const WorkflowArgs& args);

// Absences, timers and escalations (people_commands.cc).
int RunPersonAway(const WorkflowArgs& args);
int RunPersonBack(const WorkflowArgs& args);
int RunPersonAbsences(const WorkflowArgs& args);
int RunTimersSweep(const WorkflowArgs& args);
// livesop timers run: sweeps now (so what fell due while nothing ran fires
// once), then every `every_s` seconds until SIGINT or SIGTERM.
int RunTimersRun(const WorkflowArgs& args);
// livesop timers due: the timers that come within `within`.
int RunTimersDue(const WorkflowArgs& args);
int RunEscalationAck(const WorkflowArgs& args);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_WORKFLOW_H_

#include "cli/workflow_commands.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cli/store_commands.h"
#include "cli/workflow.h"

namespace livesop::cli {
namespace {

constexpr const char* kCodes =
    "Exit codes: 0 done, 1 refused (an invalid request, an unknown campaign "
    "or step, a step that is not active, a person who may not act), 2 usage "
    "or file error, 3 the store failed, 4 conflict: another command changed "
    "the campaign meanwhile, try again.";

// --db, --sop and --json, which every command takes.
void AddCommon(CLI::App* command, WorkflowArgs& args) {
  AddDb(command, args.db);
  command
      ->add_option("--sop", args.sop,
                   "The root YAML file of the SOP the campaigns run on; "
                   "default from LIVESOP_SOP")
      ->envname("LIVESOP_SOP");
  command->add_flag("--json", args.json, "Print the result as one JSON object");
  command->footer(kCodes);
}

CLI::Option* AddAs(CLI::App* command, WorkflowArgs& args, bool required) {
  CLI::Option* as = command->add_option(
      "--as", args.as, "The person acting: a person id of the SOP");
  if (required) as->required();
  return as;
}

constexpr const char* kDepartureCodes =
    "Exit codes: 0 recorded, 1 refused (an unknown campaign or step, a step "
    "finished already, a person who may not record it), 2 usage error (such "
    "as no --reason) or an evidence file that cannot be read, 3 the store "
    "failed, 4 conflict: another command changed the campaign meanwhile, try "
    "again.";

// What every departure takes: the common options, the campaign, --reason,
// the evidence, --as and, unless the departure has its own (an informal
// approval's channel), --source.
void AddDeparture(CLI::App* command, WorkflowArgs& args, bool with_source) {
  AddCommon(command, args);
  command->footer(kDepartureCodes);
  command->add_option("CAMPAIGN", args.campaign, "The campaign's id")
      ->required();
  command
      ->add_option("--reason", args.reason,
                   "Why the SOP's path is left, in a few words (required)")
      ->required();
  command->add_option("--evidence", args.evidence,
                      "What shows it: the message's text, a link");
  command->add_option("--evidence-file", args.evidence_file,
                      "A file that shows it, kept elsewhere: its SHA-256 is "
                      "recorded, not the file");
  if (with_source) {
    command->add_option("--source", args.source,
                        "Where it happened: meeting, email, whatsapp, "
                        "slack, phone, sheet, ... (default engine)");
  }
  AddAs(command, args, /*required=*/true);
}

}  // namespace

std::function<int()> AddWorkflowCommands(CLI::App& app) {
  auto args = std::make_shared<WorkflowArgs>();
  WorkflowArgs& a = *args;

  CLI::App* campaign =
      app.add_subcommand("campaign", "Submit, inspect and cancel campaigns");
  campaign->require_subcommand(1);

  CLI::App* submit = campaign->add_subcommand(
      "submit",
      "Submit a campaign request: checks it against its form and starts its "
      "process");
  AddCommon(submit, a);
  submit->add_option("--type", a.type, "The campaign type, such as event")
      ->required();
  submit->add_option("--title", a.title, "The campaign's title")->required();
  submit->add_option("--id", a.id,
                     "The campaign's id (default: made from the title and "
                     "five random letters and digits)");
  submit
      ->add_option("--field", a.fields,
                   "A form value, KEY=VALUE, converted to the field's type "
                   "(repeatable; replaces the same key of --values)")
      ->allow_extra_args(false);
  submit->add_option("--values", a.values_file,
                     "A JSON file holding one object of form values by "
                     "field id");
  submit->add_flag("--check-only", a.check_only,
                   "Print the intake report and the route the request would "
                   "take (steps, approvers, dates, the earliest launch), and "
                   "submit nothing");
  AddAs(submit, a, /*required=*/false);

  CLI::App* show = campaign->add_subcommand(
      "show",
      "A campaign's status, owner, what it waits for, open tasks, "
      "approvals and decisions");
  AddCommon(show, a);
  show->add_option("ID", a.campaign, "The campaign's id")->required();
  show->add_flag("--events", a.events, "Also list its history, event by event");

  CLI::App* list = campaign->add_subcommand("list", "List campaigns");
  AddCommon(list, a);
  list->add_option("--status", a.status, "Only campaigns with this status")
      ->check(CLI::IsMember({"active", "completed", "rejected", "cancelled"}));
  list->add_option("--type", a.type, "Only campaigns of this type");

  CLI::App* cancel = campaign->add_subcommand(
      "cancel", "Cancel an open campaign and every open task of it");
  AddCommon(cancel, a);
  cancel->add_option("ID", a.campaign, "The campaign's id")->required();
  cancel->add_option("--reason", a.reason, "Why it is cancelled")->required();
  AddAs(cancel, a, /*required=*/true);

  CLI::App* spend = campaign->add_subcommand(
      "spend",
      "Record money spent on a campaign (negative for a refund); spend over "
      "the budget starts the SOP's budget escalation to Finance Ops");
  AddCommon(spend, a);
  spend->add_option("ID", a.campaign, "The campaign's id")->required();
  spend
      ->add_option("AMOUNT", a.amount,
                   "In the SOP's budget currency: 2500000 or 2,500,000")
      ->required()
      ->allow_extra_args(false);
  spend->add_option("--note", a.note, "What it was for: an invoice, a buy");
  AddAs(spend, a, /*required=*/true);

  CLI::App* task =
      app.add_subcommand("task", "List, complete, tick and decide tasks");
  task->require_subcommand(1);

  CLI::App* tasks = task->add_subcommand("list", "List tasks");
  AddCommon(tasks, a);
  tasks->add_option("--campaign", a.campaign, "Only this campaign's tasks");
  CLI::Option* assignee = tasks->add_option(
      "--assignee", a.assignee, "Only tasks assigned to this person");
  CLI::Option* as = AddAs(tasks, a, /*required=*/false);
  tasks
      ->add_flag("--mine", a.mine,
                 "Only the tasks of the person given with --as: assigned "
                 "to them, or open and unassigned in a role they hold")
      ->needs(as)
      ->excludes(assignee);
  tasks->add_option("--status", a.status, "Only tasks with this status")
      ->check(CLI::IsMember(
          {"open", "in_progress", "done", "skipped", "cancelled"}));

  CLI::App* complete = task->add_subcommand(
      "complete", "Finish an active task, checklist or wait step");
  CLI::App* tick =
      task->add_subcommand("tick", "Tick an item of an active checklist step");
  struct Decider {
    CLI::App* command;
    engine::Verdict verdict;
  };
  std::vector<Decider> deciders = {
      {task->add_subcommand("approve",
                            "Approve an active approval or review step"),
       engine::Verdict::kApprove},
      {task->add_subcommand(
           "reject",
           "Reject an active approval or review step (needs --comment)"),
       engine::Verdict::kReject},
      {task->add_subcommand("request-changes",
                            "Send an active approval or review step back "
                            "for changes (needs --comment)"),
       engine::Verdict::kRequestChanges},
  };
  std::vector<CLI::App*> acting = {complete, tick};
  for (const Decider& d : deciders) acting.push_back(d.command);
  for (CLI::App* command : acting) {
    AddCommon(command, a);
    command->add_option("CAMPAIGN", a.campaign, "The campaign's id")
        ->required();
    command->add_option("STEP", a.step, "The step's id in the SOP")->required();
    AddAs(command, a, /*required=*/true);
  }
  tick->add_option("ITEM", a.item, "The checklist item's id")->required();
  tick->add_flag("--untick", a.untick, "Untick it instead");
  for (const Decider& d : deciders) {
    CLI::Option* comment =
        d.command->add_option("--comment", a.comment, "Why, for the record");
    if (d.verdict != engine::Verdict::kApprove) comment->required();
  }

  CLI::App* assign = task->add_subcommand(
      "assign",
      "Give an open task no one has to a person: the process owner's role "
      "gives it to anyone, a holder of the task's role takes it");
  AddCommon(assign, a);
  assign->add_option("CAMPAIGN", a.campaign, "The campaign's id")->required();
  assign->add_option("STEP", a.step, "The step's id in the SOP")->required();
  assign->add_option("--to", a.to, "The person to give it to")->required();
  assign->add_option("--role", a.role,
                     "For an approval: the approver role whose task it is");
  AddAs(assign, a, /*required=*/true);

  CLI::App* comment = campaign->add_subcommand(
      "comment",
      "Comment on a campaign or one of its steps; @person and @role notify "
      "them");
  AddCommon(comment, a);
  comment->add_option("ID", a.campaign, "The campaign's id")->required();
  comment->add_option("--step", a.step, "The step the comment is about");
  comment
      ->add_option("--text", a.text,
                   "The comment (at most 10,000 characters); @name mentions "
                   "a person or a role of the SOP")
      ->required();
  AddAs(comment, a, /*required=*/true);

  CLI::App* deviate = app.add_subcommand(
      "deviate",
      "Record a departure from the SOP's path: skip a step, do one early, "
      "an approval given elsewhere, an extra step, expedite, reassign, "
      "reopen");
  deviate->require_subcommand(1);

  CLI::App* skip = deviate->add_subcommand(
      "skip",
      "Pass a step: an active one at once (an approval as approved), one "
      "not reached yet when the flow reaches it");
  AddDeparture(skip, a, /*with_source=*/true);
  skip->add_option("STEP", a.step, "The step's id in the SOP")->required();

  CLI::App* early = deviate->add_subcommand(
      "early",
      "Record a task or checklist step as done before its turn; it is "
      "passed when the flow reaches it");
  AddDeparture(early, a, /*with_source=*/true);
  early->add_option("STEP", a.step, "The step's id in the SOP")->required();

  CLI::App* informal = deviate->add_subcommand(
      "approve",
      "Record an approval given outside livesop (WhatsApp, email, a call) "
      "as its approver's decision; held when the step is not reached yet");
  AddDeparture(informal, a, /*with_source=*/false);
  informal->add_option("STEP", a.step, "The approval or review step's id")
      ->required();
  informal
      ->add_option("--approver", a.approver,
                   "The person who gave it: a person id of the SOP")
      ->required();
  informal
      ->add_option("--channel", a.channel,
                   "Where it was given: whatsapp, email, phone, meeting, "
                   "...; recorded as the events' source")
      ->required();
  informal->add_option("--at", a.at,
                       "When it was given, ISO 8601 (such as "
                       "2026-05-04T10:30+07:00); default now");
  CLI::Option* reject =
      informal->add_flag("--reject", a.reject, "It was a rejection");
  informal
      ->add_flag("--request-changes", a.request_changes,
                 "The approver asked for changes")
      ->excludes(reject);
  informal->add_option("--comment", a.comment,
                       "What the approver said (required with --reject and "
                       "--request-changes)");

  CLI::App* add_step = deviate->add_subcommand(
      "add-step",
      "Add a task to this campaign only, beside the SOP's steps; it does "
      "not hold the flow up");
  AddDeparture(add_step, a, /*with_source=*/true);
  add_step
      ->add_option("ID", a.step,
                   "The new step's id: lower-case letters, digits and "
                   "dashes, not a step id of the process")
      ->required();
  add_step->add_option("--name", a.name, "What is to be done")->required();
  CLI::Option* step_role = add_step->add_option(
      "--role", a.role, "The role that does it (default: the campaign owner)");
  add_step
      ->add_option("--person", a.person,
                   "The person who does it (default: the campaign owner)")
      ->excludes(step_role);
  add_step->add_option("--description", a.description, "More about it");

  CLI::App* expedite = deviate->add_subcommand(
      "expedite",
      "Speed a campaign up: the SOP's fast track, approvals in parallel, "
      "shorter SLAs");
  AddDeparture(expedite, a, /*with_source=*/true);
  expedite->add_flag("--fast-track", a.fast_track,
                     "Set the request's `urgent` field, so the SOP's "
                     "gateways take the fast branch from here on");
  expedite->add_flag("--parallel-approvals", a.parallel_approvals,
                     "Ask every approver at once, also in sequential groups");
  expedite->add_option("--sla-factor", a.sla_factor,
                       "Multiply the SLAs of the tasks created from now on "
                       "by this, above 0 and at most 1 (0.5 halves them)");

  CLI::App* reassign = deviate->add_subcommand(
      "reassign",
      "Give an open task to another person, who may then act on it");
  AddDeparture(reassign, a, /*with_source=*/true);
  reassign->add_option("STEP", a.step, "The active step's id")->required();
  reassign->add_option("--to", a.to, "The person to give it to")->required();
  reassign->add_option("--role", a.role,
                       "For an approval: the approver role whose task it is");

  CLI::App* reopen = deviate->add_subcommand(
      "reopen",
      "Make a work step active again; a campaign that ended is open again");
  AddDeparture(reopen, a, /*with_source=*/true);
  reopen->add_option("STEP", a.step, "The step's id in the SOP")->required();

  CLI::App* timers =
      app.add_subcommand("timers", "Fire the deadlines that are due");
  timers->require_subcommand(1);
  CLI::App* sweep = timers->add_subcommand(
      "sweep",
      "Once, at the current time: end the waits that are over, record the "
      "SLAs passed and raise the escalation notices due");
  AddCommon(sweep, a);
  sweep->footer(
      "Exit codes: 0 swept, 1 some campaign could not be swept (the others "
      "were; each is listed), 2 usage error or no SOP, 3 the store failed.");
  CLI::App* run = timers->add_subcommand(
      "run",
      "Sweep now (what fell due while nothing ran fires once), then every "
      "--every seconds until stopped (SIGINT, SIGTERM)");
  AddCommon(run, a);
  run->add_option("--every", a.every_s,
                  "Seconds between sweeps; 0 (the default) sweeps once");
  run->footer(
      "Several may run at once against one store: each firing is written "
      "once. Exit codes as for sweep.");
  CLI::App* due = timers->add_subcommand(
      "due", "List the timers that have come or come within --within");
  AddCommon(due, a);
  due->add_option("--within", a.within,
                  "How far ahead to look: 30m, 2h, 1d, 1w (wall-clock); "
                  "default: what is due now");

  CLI::App* escalation =
      app.add_subcommand("escalation", "Acknowledge escalations");
  escalation->require_subcommand(1);
  CLI::App* ack = escalation->add_subcommand(
      "ack",
      "Acknowledge an escalation: it raises no more notices (its recipients "
      "and the process owner's role may)");
  AddCommon(ack, a);
  ack->add_option("CAMPAIGN", a.campaign, "The campaign's id")->required();
  ack->add_option("ESCALATION", a.escalation,
                  "The escalation's task id, as `task list` shows it "
                  "(TASK#RULE or CAMPAIGN#RULE)")
      ->required();
  AddAs(ack, a, /*required=*/true);

  CLI::App* person = app.add_subcommand(
      "person", "Absences: who is away, and who stands in for them");
  person->require_subcommand(1);
  constexpr const char* kPersonCodes =
      "Exit codes: 0 done, 1 refused (an unknown person or absence, a time "
      "that is not one, an absence that ends before it starts), 2 usage "
      "error, 3 the store failed.";
  CLI::App* away = person->add_subcommand(
      "away",
      "Record that a person is away: their new tasks go to the stand-in, "
      "else to their delegates in the SOP");
  AddCommon(away, a);
  away->footer(kPersonCodes);
  away->add_option("PERSON", a.person, "The person away: a person id")
      ->required();
  away->add_option("--from", a.from,
                   "The first day (YYYY-MM-DD, from its start in the SOP's "
                   "business calendar) or an ISO 8601 time")
      ->required();
  away->add_option("--until", a.until,
                   "The last day (YYYY-MM-DD, to its end) or an ISO 8601 "
                   "time, exclusive")
      ->required();
  away->add_option("--delegate", a.delegate,
                   "Who stands in (default: the person's delegates in the "
                   "SOP)");
  away->add_option("--note", a.note, "Why, or where to reach them");
  AddAs(away, a, /*required=*/true);

  CLI::App* back = person->add_subcommand(
      "back", "Remove an absence: back early, or recorded by mistake");
  AddCommon(back, a);
  back->footer(kPersonCodes);
  back->add_option("ID", a.absence,
                   "The absence's id, as `person away` printed it and "
                   "`person absences` lists it")
      ->required();

  CLI::App* absences =
      person->add_subcommand("absences", "List absences, by start");
  AddCommon(absences, a);
  absences->footer(kPersonCodes);
  absences->add_option("PERSON", a.person, "Only this person's");
  absences->add_option("--at", a.at,
                       "Only those covering this time (ISO 8601) or the "
                       "start of this day (YYYY-MM-DD, needs the SOP)");

  return [=]() -> int {
    if (submit->parsed()) return RunCampaignSubmit(*args);
    if (show->parsed()) return RunCampaignShow(*args);
    if (list->parsed()) return RunCampaignList(*args);
    if (cancel->parsed()) return RunCampaignCancel(*args);
    if (spend->parsed()) return RunCampaignSpend(*args);
    if (tasks->parsed()) return RunTaskList(*args);
    if (complete->parsed()) return RunTaskComplete(*args);
    if (tick->parsed()) return RunTaskTick(*args);
    if (assign->parsed()) return RunTaskAssign(*args);
    if (comment->parsed()) return RunCampaignComment(*args);
    if (skip->parsed()) return RunDeviateSkip(*args);
    if (early->parsed()) return RunDeviateEarly(*args);
    if (informal->parsed()) return RunDeviateApprove(*args);
    if (add_step->parsed()) return RunDeviateAddStep(*args);
    if (expedite->parsed()) return RunDeviateExpedite(*args);
    if (reassign->parsed()) return RunDeviateReassign(*args);
    if (reopen->parsed()) return RunDeviateReopen(*args);
    if (sweep->parsed()) return RunTimersSweep(*args);
    if (run->parsed()) return RunTimersRun(*args);
    if (due->parsed()) return RunTimersDue(*args);
    if (ack->parsed()) return RunEscalationAck(*args);
    if (away->parsed()) return RunPersonAway(*args);
    if (back->parsed()) return RunPersonBack(*args);
    if (absences->parsed()) return RunPersonAbsences(*args);
    for (const Decider& d : deciders) {
      if (d.command->parsed()) return RunTaskDecide(*args, d.verdict);
    }
    return -1;
  };
}

}  // namespace livesop::cli

// The workflow engine: commands in, events out. Each command loads the
// campaign's state from its events, checks the command against the SOP and
// the actor's roles, works out the events that follow (tasks, approvals,
// gateways passed, the end), and appends them in one transaction with the
// campaign's version as the expected version: two commands racing on one
// campaign cannot both win (the loser gets Aborted and may retry).
//
// The campaign's state is a projection of its events (Apply): the state a
// command returns equals what Load rebuilds from the store.
//
// Thread safety: an Engine may be used from one thread at a time (its
// Store is); several engines, in several processes, may share a database.
#ifndef LIVESOP_ENGINE_ENGINE_H_
#define LIVESOP_ENGINE_ENGINE_H_

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "assets/file_store.h"
#include "assets/inspect.h"
#include "core/calendar.h"
#include "core/clock.h"
#include "core/status.h"
#include "engine/approvals.h"
#include "engine/facts.h"
#include "engine/flow.h"
#include "engine/intake.h"
#include "engine/preview.h"
#include "engine/word_diff.h"
#include "sop/graph.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::engine {

struct SubmitCommand {
  std::string campaign;  // the new campaign's id, chosen by the caller
  std::string campaign_type;
  std::string title;
  nlohmann::json values = nlohmann::json::object();  // form values by id
  std::string actor;                                 // person id
  std::string idempotency_key;  // optional: a retried submit adds nothing
};

// A departure from the SOP's path, as it is recorded: who records it, why,
// where it happened and what shows it. Every departure command needs a
// reason; the evidence is optional (a message's text, a link, a file's
// SHA-256).
struct Departure {
  std::string actor;            // who records it: a person of the SOP
  std::string reason;           // why, in people's words; required
  std::string evidence;         // the message, a link, a note
  std::string evidence_sha256;  // of a file kept elsewhere, 64 hex digits
  // Where it happened: "engine" (default), "whatsapp", "email", "slack",
  // "phone", "meeting", "sheet", ...
  std::string source;
};

// An approval given outside livesop (a WhatsApp "ok", an email reply).
struct InformalApproval {
  std::string approver;     // the person who approved
  std::string channel;      // where: "whatsapp", "email", "phone", ...
  int64_t occurred_us = 0;  // when it really happened; 0: now
  Verdict verdict = Verdict::kApprove;
  std::string comment;
  // What shows it, kept in the decision's payload as `evidence` (a side
  // path's message: where it was read, its sender, zone and match).
  nlohmann::json evidence;
};

// An approval given before its step was active, kept until the step is
// reached (then it counts as that approver's decision) and never dropped.
struct HeldApproval {
  std::string approver;
  std::string channel;
  int64_t occurred_us = 0;
  Verdict verdict = Verdict::kApprove;
  std::string deviation;  // "informal_approval", or "reorder" (given early)
  std::string reason;

  friend bool operator==(const HeldApproval&, const HeldApproval&) = default;
};

// A step added to one campaign by hand, next to the SOP's steps: it does not
// hold the flow up; it is done when someone completes it.
struct AdHocStep {
  std::string id;  // unique in the campaign, not a step id of the SOP
  std::string name;
  std::string role;    // who may complete it: a role ...
  std::string person;  // ... or a person (else the campaign owner)
  std::string description;
  bool done = false;

  friend bool operator==(const AdHocStep&, const AdHocStep&) = default;
};

// How a campaign was expedited.
struct Expedite {
  // Take the SOP's fast track: the request's `urgent` field is set, so the
  // gateways that read it choose the fast branch from here on.
  bool fast_track = false;
  // Approvals ask every approver at once, also in sequential groups.
  bool parallel_approvals = false;
  // SLAs are multiplied by this (0.5: half the time); 1 leaves them.
  double sla_factor = 1.0;

  friend bool operator==(const Expedite&, const Expedite&) = default;
};

// A deadline the engine watches for a task: its SLA, the end of a wait,
// or the next notice of an escalation (whose own task is acknowledged by its
// recipients).
struct Timer {
  std::string kind;    // "sla", "wait" or "escalation"
  int64_t due_us = 0;  // 0: nothing more to fire
  std::string step;
  bool breached = false;  // sla: the breach is recorded
  int64_t remind_us = 0;  // sla: when to remind; 0: none, or sent
  // Escalations:
  std::string rule;         // the SOP's escalation rule
  std::string subject;      // the task (or campaign) it chases
  int64_t since_us = 0;     // when it started: the breach, the rejection
  int fired = 0;            // notices raised so far (levels, then repeats)
  std::string template_id;  // missing_template: the template missing

  friend bool operator==(const Timer&, const Timer&) = default;
};

// A design or asset request: what a campaign needs for a channel.
struct AssetRequest {
  std::string channel;  // the SOP's channel id
  std::string spec;     // its asset spec id; empty: any of the channel's
  std::string note;
  std::string requested_by;
  int64_t at_us = 0;

  friend bool operator==(const AssetRequest&, const AssetRequest&) = default;
};

// One upload of a campaign's asset (a proof): the file, and how it fared
// against its channel's spec.
struct AssetVersion {
  int version = 0;  // 1, 2, ... per asset
  std::string sha256;
  std::string file_name;  // safe display name
  std::string mime;
  int64_t size = 0;
  std::string summary;  // assets::Summary of the inspection
  std::string uploaded_by;
  int64_t at_us = 0;
  std::string comment;  // what changed in this version
  std::string channel;
  std::string spec;  // the spec checked against; empty: the channel has none
  bool passed = false;
  std::vector<std::string> failures;  // the reasons of the failed rules

  friend bool operator==(const AssetVersion&, const AssetVersion&) = default;
};

// A file to add to a campaign as a version of its asset `name`.
struct AssetUpload {
  std::string name;     // the asset's name in the campaign ("hero-banner")
  std::string channel;  // default: the request's of the same name
  std::string spec;     // default: the request's, else the best fit
  std::string sha256;   // where the file store keeps it
  std::string file_name;
  std::string comment;
  assets::Inspection inspection;
};

// Where one asset of a campaign stands (Engine::Readiness).
struct AssetReadiness {
  std::string asset;  // the asset's name; empty for a channel with none
  std::string channel;
  std::string spec;
  bool requested = false;
  int versions = 0;
  // "ready" (the latest version meets its spec), "fails" (it does not),
  // "missing" (requested, nothing uploaded), "unplanned" (a channel of the
  // request with nothing requested or uploaded for it).
  std::string status;
  std::vector<std::string> reasons;  // why it fails, or what is missing
};

// Channel results (results.cc, docs/results.md).

// A CSV export of a channel's results to import: an ad platform's, an
// email tool's or a spreadsheet's, one row per day (or per ad, per day) or
// a row of totals.
struct ResultsImport {
  std::string file;
  std::string channel;  // a channel of the SOP
  // The campaign every row counts for; or the column naming each row's
  // campaign (by id). One of the two.
  std::string campaign;
  std::string campaign_column;
  // Metric → the header of its column, for columns whose names are not
  // recognised (sop/results.h lists the metrics and the names known).
  std::map<std::string, std::string> columns;
  // The column of each row's day (ISO dates); default: a column named
  // "Date", "Day", "Reporting starts", ...; without one, the rows are
  // totals.
  std::string date_column;
  bool decimal_comma = false;  // 1.250.000,50 rather than 1,250,000.50
  std::string actor;
};

// What an import read and recorded.
struct ResultsImportReport {
  std::string file;
  std::string sha256;
  std::string channel;
  int64_t rows = 0;
  std::map<std::string, std::string> columns;  // metric → header used
  std::string date_column;                     // empty: undated totals
  std::vector<std::string> ignored;            // headers not used
  std::vector<std::string> campaigns;          // each got results_imported
  std::map<std::string, double> totals;        // over the file, per metric
};

// A KPI of the campaign's objective, measured on its results.
struct KpiResult {
  std::string id;
  std::string name;
  std::string unit;
  std::string measure;      // "spend / conversions"; empty: not measured
  std::string direction;    // "at_least" or "at_most"
  std::string target_text;  // the SOP's words for the target
  std::optional<double> target;
  std::string target_source;  // "request" (the brief's own), "sop" or ""
  std::optional<double> actual;
  // "met", "missed", "no results" (a metric it needs is missing, or a
  // divisor is 0), "no target" or "not measured" (no measure in the SOP).
  std::string status;
};

// A campaign's results: what was imported, per channel and in total, and
// its KPIs against their targets.
struct CampaignResults {
  std::string campaign;
  std::string objective;  // the request's, else the type's only one
  int64_t imports = 0;
  std::string first_day;  // of dated results; empty when none
  std::string last_day;
  std::map<std::string, double> totals;  // per metric
  std::map<std::string, std::map<std::string, double>> by_channel;
  double spent = 0;  // recorded spend (spend_recorded), not imported
  std::optional<double> budget;
  std::vector<KpiResult> kpis;
};

nlohmann::json CampaignResultsToJson(const CampaignResults& results);

// What a sweep of the due timers did.
struct SweepReport {
  int campaigns = 0;                  // campaigns with something due
  int64_t events = 0;                 // events written
  std::vector<std::string> problems;  // campaigns that could not be swept
};

// A timer the sweep will fire: what and when.
struct PendingTimer {
  std::string task;
  std::string campaign;
  std::string step;
  // "reminder" (before the deadline), "deadline" (an SLA), "wait" (a
  // wait's end; the engine writes no SLA for waits) or "escalation" (the
  // next notice).
  std::string kind;
  int64_t at_us = 0;
  int64_t due_us = 0;  // the task's deadline
  std::string assignee;
  std::string role;
};

// Moving a campaign to another SOP version.
struct MigrateCommand {
  std::string campaign;
  std::string to_version;
  // Steps of the campaign's version → steps of the new one; a step not
  // named keeps its id.
  std::map<std::string, std::string> mapping;
  std::string actor;
  std::string reason;
  bool dry_run = false;  // report only
};

// What a migration mapped and what it could not. A migration is applied
// only when everything maps.
struct MigrationReport {
  std::string campaign;
  std::string from;
  std::string to;
  std::vector<std::pair<std::string, std::string>> mapped;  // old → new
  std::vector<std::string> unmapped;  // in words, with what to do
  bool applied = false;
};

nlohmann::json MigrationReportToJson(const MigrationReport& report);

// One channel's imported results: day → metric → value.
using ChannelResults = std::map<std::string, std::map<std::string, double>>;

// Campaign documents (docs/documents.md): a brief, copy, a script or
// anything else a campaign writes, each with numbered versions that never
// change.

// The kinds of campaign documents.
inline constexpr const char* kDocumentKinds[] = {"brief", "copy", "script",
                                                 "other"};
// The most a text version holds, in bytes: it is kept in its event.
inline constexpr int64_t kMaxDocumentText = int64_t{256} * 1024;
// The most of a text file in the file store that is compared (DiffDocument).
inline constexpr int64_t kMaxComparedFile = int64_t{4} * 1024 * 1024;

// What a new document version holds: text, or a file.
struct DocumentInput {
  // The text itself, when no file is named: UTF-8, not blank, at most
  // kMaxDocumentText bytes.
  std::string text;
  // Or a file: UTF-8 text of at most kMaxDocumentText bytes is kept as
  // text (so versions can be compared word by word); anything else goes
  // to the engine's file store (SetFileStore), up to its size limit.
  std::string file_path;
  std::string file_name;  // shown for the file; default its path's last part
};

// One version of a document, as its event recorded it.
struct DocumentVersion {
  int version = 0;  // 1, 2, ...
  std::string author;
  int64_t time_us = 0;
  std::string comment;
  bool is_file = false;  // a file in the file store; else text in the event
  int64_t bytes = 0;
  std::string sha256;  // files
  std::string mime;    // files
  std::string name;    // the file's name, when it came from a file

  friend bool operator==(const DocumentVersion&,
                         const DocumentVersion&) = default;
};

// A version approved by an approval or review step: the decision that
// approved the step named the version current then. An approved version
// is locked: versions never change, and a later one needs approving
// again.
struct DocumentApproval {
  int version = 0;
  std::string step;
  std::string by;  // who gave the deciding approval
  int64_t time_us = 0;

  friend bool operator==(const DocumentApproval&,
                         const DocumentApproval&) = default;
};

// An asset version is approved, and locked, the same way.
using AssetApproval = DocumentApproval;

struct Document {
  std::string id;    // unique in the campaign: "brief", "copy-id"
  std::string kind;  // one of kDocumentKinds
  std::vector<DocumentVersion> versions;    // by number, from 1
  std::vector<DocumentApproval> approvals;  // in the order given

  friend bool operator==(const Document&, const Document&) = default;
};

// "approved" (some step approved it), "draft" (the latest, not approved)
// or "superseded" (an earlier version no step approved).
std::string DocumentVersionStatus(const Document& document, int version);

// A version's content, read back from its event.
struct DocumentContent {
  std::string document;
  std::string kind;
  DocumentVersion version;
  std::string text;       // text versions
  std::string file_path;  // files: where the file store keeps it, when the
                          // engine has one
};

// One rule of an asset version's check against its channel's spec, as
// `asset_checked` recorded it.
struct CheckedRule {
  std::string rule;     // the spec's key: "sizes", "formats", ...
  std::string outcome;  // "passed", "failed" or "not checkable"
  std::string expected;
  std::string actual;
  std::string reason;

  friend bool operator==(const CheckedRule&, const CheckedRule&) = default;
};

// One line of a campaign's revision log, in time order. It is about a
// document or an asset (`subject`).
struct RevisionEntry {
  // "version": a version was added; "check": an asset version was checked
  // against its channel's spec apart from its upload (an upload's own
  // check is in its "version" line); "decision": an approval or review
  // decision named the version; "changed_after_approval": a version came
  // after an approved one.
  std::string kind;
  std::string subject;  // "document" or "asset"
  int64_t time_us = 0;
  std::string document;   // documents: the document's id
  std::string asset;      // assets: the asset's name
  int version = 0;        // added, decided on, or added after approval
  std::string person;     // the author or the approver
  std::string role;       // decisions: the role decided in
  std::string step;       // decisions and changes after approval
  std::string comment;    // versions and decisions
  std::string decision;   // decisions: approve, reject or request_changes
  bool decides = false;   // decisions: this one decided the step
  bool approved = false;  // decisions: ... as approved (the version is locked)
  int approved_version = 0;  // changed_after_approval
  bool reopened = false;     // changed_after_approval: the step is asked again
  // changed_after_approval: "needed" (the step is asked again),
  // "not_needed" (the SOP says so) or "campaign_ended" (nothing reopened).
  std::string reapproval;
  bool is_file = false;  // versions: a file (always, for assets)
  int64_t bytes = 0;     // versions: the size
  std::string name;      // versions: the file's name
  std::string sha256;    // versions that are files
  std::string mime;      // versions that are files
  std::string summary;   // asset versions: what the file is (its inspection)
  // Asset versions and checks: the check against the channel's spec.
  bool checked = false;  // a check is recorded
  std::string channel;
  std::string spec;  // empty: the channel has no spec to check against
  bool passed = false;
  std::vector<CheckedRule> rules;  // every rule the spec sets

  friend bool operator==(const RevisionEntry&, const RevisionEntry&) = default;
};

// One version of an asset in its proof history.
struct Proof {
  AssetVersion version;  // the file, who uploaded it, when, the check's outcome
  std::vector<CheckedRule> rules;  // its check, rule by rule
  // The decisions that named this version (revision log lines of kind
  // "decision"), in time order.
  std::vector<RevisionEntry> decisions;
  // When it came after an approved version: that change (kind
  // "changed_after_approval").
  std::optional<RevisionEntry> after_approval;
  bool locked = false;  // an approval or review step approved it
  std::string status;   // AssetVersionStatus
};

// The proof history of one asset of a campaign (Engine::AssetHistory).
struct ProofHistory {
  std::string campaign;
  std::string asset;
  bool requested = false;
  AssetRequest request;         // when requested
  std::vector<Proof> versions;  // from 1
  // The latest version's status, or "missing" when nothing is uploaded.
  std::string status;
};

// The template library (docs/documents.md): a template of the SOP with its
// versions from the store's library, or from the SOP when the library has
// none of it yet.
struct LibraryTemplate {
  std::string id;
  std::string name;
  std::string owner;  // a role or a person
  std::string description;
  bool in_library = false;  // the versions are the store's; else the SOP's
  std::vector<store::TemplateVersionRecord> versions;
  std::string approved;  // the approved version; empty when none
};

// A new version of a template: a draft, its file kept in the file store.
struct TemplateVersionInput {
  std::string template_id;
  std::string version;  // "2.2": letters, digits, '.', '-', '_'; new
  std::string file_path;
  std::string file_name;  // default: the path's last part
  std::string changes;
  std::string actor;
};

// What approving a template version did.
struct TemplateApproval {
  LibraryTemplate library;             // the template afterwards
  std::vector<std::string> retired;    // versions it retired
  std::vector<std::string> fulfilled;  // campaigns whose request is met
  std::vector<std::string> problems;   // campaigns that could not be told
};

// An immutable value shared by the copies of whatever holds it: copying
// shares it, and changing it puts a changed copy in place of the shared one
// (Set), so the others keep what they had. The engine keeps each open
// campaign's state and returns a copy after every command; the request's
// form values and the facts read from them are most of a state and change
// only when a campaign is expedited, so they are shared rather than copied.
template <typename T>
class Shared {
 public:
  Shared() : value_(std::make_shared<const T>()) {}
  explicit Shared(T value)
      : value_(std::make_shared<const T>(std::move(value))) {}

  const T& operator*() const { return *value_; }
  const T* operator->() const { return value_.get(); }
  const T& get() const { return *value_; }
  // Replaces the value for this holder only.
  void Set(T value) { value_ = std::make_shared<const T>(std::move(value)); }

  friend bool operator==(const Shared& a, const Shared& b) {
    return a.value_ == b.value_ || *a.value_ == *b.value_;
  }

 private:
  std::shared_ptr<const T> value_;  // never null
};

// A campaign as its events left it.
struct CampaignState {
  std::string campaign;
  std::string campaign_type;
  std::string title;
  std::string owner;
  std::string sop_version;
  // "active", or how it ended: "completed", "rejected", "cancelled".
  std::string status;
  // The request's form values, and what gateways read from them (facts.h).
  Shared<nlohmann::json> values{nlohmann::json::object()};
  Shared<sop::Case> facts;
  FlowState flow;
  // Approval steps under way: their approvers and the decisions so far.
  std::map<std::string, ApprovalPlan> plans;
  std::map<std::string, std::vector<Decision>> decisions;
  std::set<std::string> finished;  // work steps finished at least once
  // Who a task was given to when it was created (its step's person, the
  // request's person field, or the role's assignment policy).
  std::map<std::string, std::string> assigned;
  // Who a task was given to by hand (task id → person); tasks not here go
  // to their step's role or person.
  std::map<std::string, std::string> assignees;
  // Departures waiting for their step: approvals given early, steps done
  // early, steps to skip when reached.
  std::map<std::string, std::vector<HeldApproval>> held;
  std::set<std::string> done_early;
  std::set<std::string> skip_planned;
  std::map<std::string, AdHocStep> adhoc;  // by id
  Expedite expedite;
  // Documents by id.
  std::map<std::string, Document> documents;
  // Templates flagged missing (template_missing) whose request to the
  // owner is open: template → flagged task → its step. A task that ends
  // or a template provided closes it.
  std::map<std::string, std::map<std::string, std::string>> missing_templates;
  // Checklist steps: the items ticked so far.
  std::map<std::string, std::set<std::string>> ticked;
  std::map<std::string, Timer> timers;  // by task id
  // Money spent so far (spend_recorded), in the SOP's budget currency.
  double spent = 0;
  // Imported channel results: channel → day (YYYY-MM-DD; "" for undated
  // totals) → metric → value. A later import of a channel's day replaces
  // the earlier one.
  std::map<std::string, ChannelResults> results;
  int64_t result_imports = 0;
  // Design and asset requests, and every version uploaded, by asset name.
  std::map<std::string, AssetRequest> asset_requests;
  std::map<std::string, std::vector<AssetVersion>> assets;
  // The asset versions approval and review steps approved, by asset name,
  // in the order given.
  std::map<std::string, std::vector<AssetApproval>> asset_approvals;
  int64_t version = 0;  // the campaign's last event sequence

  friend bool operator==(const CampaignState&, const CampaignState&) = default;
};

// The status of version `version` of the campaign's asset `asset`:
// "approved" (an approval or review step approved it: it is locked),
// else for the latest "ready" (it meets its spec) or "fails" (it does
// not, or there is no spec to check it against), else "superseded".
std::string AssetVersionStatus(const CampaignState& state,
                               const std::string& asset, int version);

// An action the campaign waits for: a step to complete or decide, and who
// may do it.
struct Awaited {
  std::string step;
  std::string name;
  bool decision = false;  // approve, reject or request changes; else complete
  std::string item;       // a checklist item to tick first; else the step
  std::string role;       // the role awaited; empty for a person or a wait
  std::vector<std::string> people;  // who may act, in the SOP's order

  friend bool operator==(const Awaited&, const Awaited&) = default;
};

// One thing a side path (a chat, a mailbox, a tracker) shows happened to a
// campaign, for RecordSidePath: a decision someone gave there, or another
// activity (a brief sent, an asset delivered, a launch).
struct SideEntry {
  std::string key;  // the message's evidence hash: names the entry
  std::string campaign;
  // A decision (Verdict) is recorded as an informal approval; anything
  // else as a side_activity event.
  bool decision = false;
  Verdict verdict = Verdict::kApprove;
  // The approval or review decided; empty: the one the person is awaited
  // at now, else the next one they approve.
  std::string step;
  std::string activity;  // side activities: "brief_sent", "launched", ...
  std::string label;     // its name in the history: "Brief sent"
  std::string person;    // who did it (a person id; may be empty for
                         // activities of unknown senders)
  std::string source;    // "whatsapp", "slack", "email", "sheet", "webhook"
  int64_t occurred_us = 0;
  std::string text;  // the message, as evidence
  // What else the history keeps of the message: where it was read, the
  // sender as the source names them, the stated zone, the match.
  nlohmann::json evidence = nlohmann::json::object();
};

// What became of a SideEntry.
struct SideOutcome {
  std::string key;
  bool recorded = false;
  std::string step;     // the step a decision was recorded on
  std::string refusal;  // why the engine did not record it
};

// Writes a side-path import: the appends (the callback's to keep), and
// whatever the caller keeps beside them, in one transaction
// (store::Store::AppendAll when nothing).
using SideAppend = std::function<Result<std::vector<store::AppendResult>>(
    std::vector<store::AppendRequest>, const std::vector<SideOutcome>&)>;

class Engine {
 public:
  // `store`, `sop` and `clock` must outlive the engine. `sop` must be a
  // valid definition (sop::Check without errors).
  Engine(store::Store& store, const sop::Definition& sop, const Clock& clock);

  // Runs `current` for new campaigns, and the older published versions in
  // `pinned` for the campaigns that started on them (each campaign runs on
  // the version it started with until it is migrated). The organisation
  // (people, roles, delegates, calendars) is always `current`'s; processes,
  // forms, approval matrices, checklists and escalations are the pinned
  // version's. Everything must outlive the engine.
  Engine(store::Store& store, const sop::Definition& current,
         const std::vector<const sop::Definition*>& pinned, const Clock& clock);

  // The intake checks of a request (intake.h) on the SOP's default
  // business calendar, at the clock's time: what Submit refuses, for a
  // form to show next to its fields before submitting.
  IntakeReport Check(const std::string& campaign_type,
                     const nlohmann::json& values) const;

  // The route a request would take on the current SOP (preview.h): its
  // steps and approvers, when each is expected, and the earliest launch
  // the SOP allows; nothing is written. Errors: InvalidArgument for an
  // unknown campaign type.
  Result<RequestPreview> Preview(const std::string& campaign_type,
                                 const nlohmann::json& values) const;

  // Opens a campaign of `command.campaign_type` with its form values and
  // starts its process. Errors: InvalidArgument for an unknown campaign
  // type, an empty campaign id, or a request the intake checks refuse (the
  // message lists every problem by field; Check gives them as data);
  // AlreadyExists for a campaign id in use; PermissionDenied for an actor
  // who is not a person of the SOP.
  Result<CampaignState> Submit(const SubmitCommand& command);

  // Finishes the active work step `step` (a task, checklist or wait) as
  // `actor`. Errors: NotFound for an unknown campaign; FailedPrecondition
  // when the step is not active or the campaign has ended;
  // PermissionDenied when the actor holds neither the step's role nor is
  // its named person; InvalidArgument for an approval or review step (they
  // are decided with Decide); Aborted when another command won the race.
  Result<CampaignState> Complete(const std::string& campaign,
                                 const std::string& step,
                                 const std::string& actor);

  // Records `actor`'s decision on the active approval or review `step`; an
  // approval moves on when its quorum decides. Errors as Complete, and
  // PermissionDenied when none of the actor's roles is awaited now.
  Result<CampaignState> Decide(const std::string& campaign,
                               const std::string& step,
                               const std::string& actor, Verdict verdict,
                               const std::string& comment);

  // Ends the campaign as cancelled. Errors: NotFound, FailedPrecondition
  // when it has ended, PermissionDenied for an unknown actor.
  Result<CampaignState> Cancel(const std::string& campaign,
                               const std::string& actor,
                               const std::string& reason);

  // What `state` waits for, step by step in process order: each approval's
  // awaited roles, each other active step's role, person, or (for a wait)
  // the campaign owner and the process owner's role; a checklist's required
  // items not ticked come before the checklist itself.
  std::vector<Awaited> AwaitedNow(const CampaignState& state) const;

  // Departures (docs/engine.md lists who may record each kind). Each is
  // recorded with the departure's actor, reason and evidence, and with its
  // kind as the events' `deviation`; none is refused for leaving the SOP's
  // path, only for being impossible (an unknown step, a step finished
  // already) or for an actor without the right.

  // Skips `step`: an active step is passed at once (approvals and reviews
  // as approved, its open tasks marked skipped); a step not reached yet is
  // passed when it is reached. Deviation "skip".
  Result<CampaignState> Skip(const std::string& campaign,
                             const std::string& step,
                             const Departure& departure);

  // Does a task or checklist step of the process before its turn: when the
  // flow reaches it, it is passed at once. Deviation "reorder".
  Result<CampaignState> CompleteEarly(const std::string& campaign,
                                      const std::string& step,
                                      const Departure& departure);

  // Records an approval given outside livesop, as the approver's decision
  // on approval or review `step`: at once when the step is active (the
  // approver must hold an awaited role), else held until it is reached.
  // The event's time is when it happened, its source the channel.
  // Deviation "informal_approval".
  Result<CampaignState> RecordInformalApproval(const std::string& campaign,
                                               const std::string& step,
                                               const InformalApproval& approval,
                                               const Departure& departure);

  // Records what side paths show (docs/side-paths.md), as `actor` (who
  // imports them): decisions through the informal-approval rules (rights,
  // approvals held until their step, deviation "informal_approval"), other
  // activities as side_activity events; each event with its source, the
  // time the message was written and the message as evidence. Entries are
  // taken per campaign in time order. An entry the engine cannot record (no
  // such campaign, a person who approves nothing there, a step decided
  // already) is not an error: its outcome says why and the others go on.
  // All appends go through `append` at once, all or nothing; with
  // `dry_run` nothing is written. Errors: what `append` or the store
  // returns; Aborted after three lost races.
  Result<std::vector<SideOutcome>> RecordSidePath(
      const std::vector<SideEntry>& entries, const std::string& actor,
      const SideAppend& append, bool dry_run = false);

  // Adds a step to this campaign only. Deviation "ad_hoc_step".
  Result<CampaignState> AddStep(const std::string& campaign,
                                const AdHocStep& step,
                                const Departure& departure);

  // Expedites the campaign (see Expedite). Deviation "expedite".
  Result<CampaignState> ExpediteCampaign(const std::string& campaign,
                                         const Expedite& how,
                                         const Departure& departure);

  // Gives the open task of active `step` (for an approval: the task of
  // `role`) to person `to`, who may then act on it. Deviation "reassign".
  Result<CampaignState> Reassign(const std::string& campaign,
                                 const std::string& step,
                                 const std::string& role, const std::string& to,
                                 const Departure& departure);

  // Makes work step `step` active again (a step finished, or a campaign
  // that ended: it is open again). Deviation "reopen".
  Result<CampaignState> Reopen(const std::string& campaign,
                               const std::string& step,
                               const Departure& departure);

  // Ticks (or unticks) `item` of active checklist step `step`: the item's
  // role, else the step's, may. Completing the step needs every required
  // item that applies to the campaign ticked; skip the step to go on
  // without them.
  Result<CampaignState> Tick(const std::string& campaign,
                             const std::string& step, const std::string& item,
                             const std::string& actor, bool ticked = true);
  // Ticks several items at once (one command, one transaction): all of
  // them, or none when any is refused.
  Result<CampaignState> Tick(const std::string& campaign,
                             const std::string& step,
                             const std::vector<std::string>& items,
                             const std::string& actor, bool ticked = true);

  // Adds a comment to the campaign (or to one of its steps). `@person` and
  // `@role` mentions notify those people (an inbox item each); an unknown
  // mention is refused with the closest known name.
  Result<CampaignState> Comment(const std::string& campaign,
                                const std::string& step,
                                const std::string& actor,
                                const std::string& text);

  // Gives the open, unassigned task of active `step` (for an approval, the
  // task of approver `role`) to `person`: the SOP's way for tasks whose
  // policy is `explicit`. The process owner's role may give it to anyone;
  // a holder of the task's role may take it themselves. A task someone has
  // already is handed on with Reassign (a departure).
  Result<CampaignState> Assign(const std::string& campaign,
                               const std::string& step, const std::string& role,
                               const std::string& person,
                               const std::string& actor);

  // Moves an open campaign to SOP version `to_version` (loaded in this
  // engine): every step its state refers to (active steps, joins waiting,
  // held approvals, planned skips, steps done early) is mapped by
  // `mapping`, else by its id, to a step of the same kind. When everything
  // maps (and not `dry_run`), `campaign_migrated` is written: the campaign
  // runs on the new version from then on, an active step whose id changes
  // starts afresh there (its tasks cancelled and created again), the others
  // keep their tasks and approvals. Otherwise nothing is written and the
  // report says what could not be mapped and how to map it. Publishing a
  // version never moves a campaign by itself. Errors: NotFound for a
  // campaign or version this engine does not have; FailedPrecondition for
  // an ended campaign or one on that version already; PermissionDenied
  // unless the actor holds the process owner's role or is the SOP's owner.
  Result<MigrationReport> Migrate(const MigrateCommand& command);

  // Fires what is due at the clock's time, on every campaign with a task
  // due (from the tasks read model): a wait that is over moves on; an SLA
  // passed is recorded (`sla_breached`) and opens the SOP's escalations for
  // it; escalation notices due are raised to their recipients (an inbox
  // item each) until the escalation stops. Each campaign is its own command;
  // a campaign that cannot be swept is reported and the others go on.
  // Several engines may sweep at once: each notice is written once.
  Result<SweepReport> Sweep();

  // The timers that come at or before `until_us`, earliest first (from the
  // tasks read model; nothing is written). Those before now are what the
  // next sweep fires.
  Result<std::vector<PendingTimer>> PendingTimers(int64_t until_us) const;

  // Acknowledges the escalation whose task is `escalation` (its recipients,
  // and the process owner's role, may): it raises no more notices.
  Result<CampaignState> Acknowledge(const std::string& campaign,
                                    const std::string& escalation,
                                    const std::string& actor);

  // Records money spent on the campaign (an invoice, a media buy, an
  // agency fee) in the SOP's budget currency; a negative amount is a refund
  // or a correction. When the spend so far goes over the campaign's budget
  // (its request's budget field), the campaign records budget_exceeded and
  // the SOP's budget_exceeded escalations start, unless one is still open.
  // The campaign's owner, the process owner's role and whoever such an
  // escalation goes to may record spend, also after the campaign ended.
  // InvalidArgument for an amount of 0, not finite, or a note over 2,000
  // characters; PermissionDenied for anyone else.
  Result<CampaignState> RecordSpend(const std::string& campaign,
                                    const std::string& actor, double amount,
                                    const std::string& note);

  // Requests an asset for one of the SOP's channels, optionally a given
  // spec of it: `asset_requested`. The campaign's owner, the process
  // owner's role, the channel's owner role, and whoever holds a role of the
  // campaign's process may. NotFound for an unknown channel or spec (with
  // the closest name); InvalidArgument for a name that is not a-z, 0-9 and
  // hyphens.
  Result<CampaignState> RequestAsset(const std::string& campaign,
                                     const std::string& actor,
                                     const std::string& name,
                                     const AssetRequest& request);

  // Adds an uploaded file as the next version of the campaign's asset
  // `upload.name` and checks it against its channel's spec (the one given
  // or requested, else the best fit, assets::BestSpecFor): `asset_added`,
  // then `asset_checked` with every rule's outcome and reason, so mining
  // can tie rework to spec failures. A failed check is recorded, not
  // refused. After a version a step approved, the change is recorded and
  // that step asked again, as for a document (AddDocumentVersion);
  // uploads are taken after the campaign ended too, and then reopen
  // nothing. Who may: as for RequestAsset. NotFound for an unknown
  // channel or spec; InvalidArgument without a channel (none given nor
  // requested).
  Result<CampaignState> AddAsset(const std::string& campaign,
                                 const std::string& actor,
                                 const AssetUpload& upload);

  // Per asset of the campaign, requested or uploaded, where it stands; and
  // each channel of its request with nothing for it. By channel, then
  // asset.
  std::vector<AssetReadiness> Readiness(const CampaignState& state) const;

  // The proof history of the campaign's asset `asset`: its request, then
  // every version in order with its file, what the file is, its check
  // against the channel's spec rule by rule, the decisions that named it,
  // the change after an approval it was, whether it is locked and its
  // status (docs/assets.md#the-proof-history-of-an-asset). Nothing is
  // written. NotFound for an unknown campaign, or an asset the campaign
  // neither requested nor has (the message lists those it has).
  Result<ProofHistory> AssetHistory(const std::string& campaign,
                                    const std::string& asset);

  // The campaign's budget: its request's value of the SOP's budget field
  // (a number, or a number written as text); nullopt when there is none.
  std::optional<double> BudgetOf(const CampaignState& state) const;

  // Channel results (results.cc, docs/results.md).

  // Imports a results export into the campaigns its rows name, in one
  // transaction: all of them or none. Errors: InvalidArgument naming the
  // file, line and column (a missing column named in the import, no
  // column of a known metric, a row with missing or extra cells, a cell
  // that is not a number or a date, an empty file), an unknown channel or
  // metric, neither or both of campaign and campaign column; NotFound for
  // an unknown campaign (with the line naming it) or file;
  // PermissionDenied for someone without a part in a campaign's process.
  Result<ResultsImportReport> ImportResults(const ResultsImport& import);
  // The campaign's results and KPIs; NotFound for an unknown campaign.
  Result<CampaignResults> Results(const std::string& campaign);
  CampaignResults ResultsOf(const CampaignState& state) const;
  // What a task or decision on the results carries: the KPIs against
  // their targets and how far the results go ({imports, last_day, kpis}).
  nlohmann::json ResultsSummary(const CampaignState& state) const;
  // The campaign's objective: its request's `objective` when that names
  // one, else its type's only objective; empty when neither tells.
  std::string ObjectiveOf(const CampaignState& state) const;

  // Campaign documents (documents.cc, docs/documents.md).

  // Adds the next version of `document` of the open campaign (its first
  // makes the document, of `kind`: one of kDocumentKinds; default the id
  // when it is a kind, else "other"). `comment` says what changed (at most
  // 2,000 characters). When a step approved an earlier version, the change
  // is recorded (document_changed_after_approval) and that step is asked
  // again (step_reopened), unless its SOP says `reapproval: not_needed` or
  // the flow is to reach it again anyway. Who may: whoever has a part in
  // the campaign's process (its owner, the process owner's role, the SOP's
  // owner, the holders of a role a step names, people a step or task
  // names). Errors: NotFound for an unknown campaign; FailedPrecondition
  // for one that ended, or a file without a file store; InvalidArgument for
  // a malformed id, an unknown or changed kind, empty or blank text, text
  // that is not UTF-8 (a binary file given as text), text over
  // kMaxDocumentText, both text and a file; NotFound for a file
  // that does not exist; InvalidArgument for a file over the file store's
  // limit; PermissionDenied. Nothing is written when it fails.
  Result<CampaignState> AddDocumentVersion(const std::string& campaign,
                                           const std::string& document,
                                           const std::string& actor,
                                           const DocumentInput& input,
                                           const std::string& comment,
                                           const std::string& kind = "");

  // Version `version` (the latest when 0) of a campaign's document, read
  // from its event. NotFound naming the campaign, document or version and
  // listing those there are.
  Result<DocumentContent> ReadDocument(const std::string& campaign,
                                       const std::string& document,
                                       int version = 0);

  // The word-level difference from version `from` to version `to` of a
  // document (word_diff.h). Errors as ReadDocument, and
  // FailedPrecondition for a version that is not text (a file that is not
  // UTF-8 text, or over kMaxComparedFile).
  Result<WordDiff> DiffDocument(const std::string& campaign,
                                const std::string& document, int from, int to);

  // The campaign's revision log across its documents and assets: every
  // version added (an asset's with its check), every check of an asset
  // apart from its upload, every decision that named a version and every
  // change after an approval, in time order (by event time, then as
  // recorded). NotFound for an unknown campaign.
  Result<std::vector<RevisionEntry>> RevisionLog(const std::string& campaign);

  // Where document and template files are kept (a workspace's `files/`);
  // without one, files are refused.
  void SetFileStore(assets::FileStore files);

  // The template library (templates.cc, docs/documents.md).

  // Every template of the current SOP, in its order, with its versions.
  Result<std::vector<LibraryTemplate>> Templates() const;
  // One template; NotFound with the closest id.
  Result<LibraryTemplate> FindLibraryTemplate(const std::string& id) const;
  // Adds a draft version of a template, its file put in the file store.
  // The first version added copies the SOP's versions of the template into
  // the library first (the seed), so the library holds its whole history.
  // Any person of the SOP may. Errors: NotFound for an unknown template or
  // file; InvalidArgument for a malformed version or changes over 2,000
  // characters; AlreadyExists for a version the template has;
  // FailedPrecondition without a file store; InvalidArgument for a file
  // over its limit; PermissionDenied for someone not in the SOP.
  Result<LibraryTemplate> AddTemplateVersion(const TemplateVersionInput& input);
  // Approves a draft version; the version approved before is retired.
  // Then every campaign whose task had the template flagged missing
  // records that the request is met (template_provided) and the
  // missing-template escalations chasing it stop. Who may: the template's
  // owner (the person, or a holder of the role), the SOP's owner, and the
  // owner role of a process with a step that requires the template.
  // Errors: NotFound for an unknown template or version;
  // FailedPrecondition for a version that is not a draft;
  // PermissionDenied; Aborted when another approval of the template won.
  Result<TemplateApproval> ApproveTemplate(const std::string& id,
                                           const std::string& version,
                                           const std::string& actor);
  // Retires a draft or approved version (who may: as ApproveTemplate).
  // NotFound, FailedPrecondition for a version retired already,
  // PermissionDenied.
  Result<LibraryTemplate> RetireTemplate(const std::string& id,
                                         const std::string& version,
                                         const std::string& actor);

  // How many open campaigns' states the engine keeps between commands
  // (default 10,000, about 10 KiB each); beyond it, a command on a campaign
  // not kept reads its events from the store first. 0 keeps none.
  void SetCacheCapacity(size_t campaigns);

  // The campaign's state, rebuilt from its events. NotFound when it has
  // none.
  Result<CampaignState> Load(const std::string& campaign);

 private:
  struct Context;  // one command's state and the events it appends

  // Runs `command` (named `name` in refusals) on the campaign's state and
  // appends the events it added.
  Result<CampaignState> Run(const std::string& campaign, const char* name,
                            const std::function<Status(Context&)>& command);
  // Runs `command` on each of `campaigns` and appends all their events in
  // one transaction: all or nothing. A lost race is tried again.
  Status RunAll(const std::vector<std::string>& campaigns, const char* name,
                const std::function<Status(Context&)>& command);
  void RecordRefusal(Context& context, const Status& refusal);
  // Applies a results_imported payload to `state`.
  static void ApplyResults(CampaignState& state, const nlohmann::json& payload);
  // Applies `event` to `state`; when it moves the flow (a creation starts
  // it, a finished step advances it), the move goes to `*moved`.
  // `payload` is the event's payload, parsed.
  Status Apply(CampaignState& state, const store::Event& event,
               const nlohmann::json& payload, FlowStep* moved = nullptr) const;
  // Moves `state`'s flow on for the finished step and outcome in `payload`.
  Status AdvanceFlow(CampaignState& state, const nlohmann::json& payload,
                     FlowStep* moved) const;
  // Applies the campaign's stored events to `state` (whose `campaign` is
  // set).
  Status ScanInto(CampaignState& state) const;
  // Keeps an open campaign's state for its next command.
  void Remember(CampaignState state);
  // The current SOP's campaign type `id`.
  const sop::CampaignType* TypeOf(const std::string& id) const;
  static const sop::CampaignType* TypeIn(const sop::Definition& sop,
                                         const std::string& id);
  // The SOP version the campaign runs on (the current one when it names
  // none this engine has loaded).
  const sop::Definition& Pinned(const CampaignState& state) const;
  // The process graph of the campaign's type in its SOP version.
  const sop::ProcessGraph* GraphOf(const CampaignState& state) const;
  const sop::ProcessGraph* GraphIn(const std::string& version,
                                   const std::string& campaign_type) const;
  bool Holds(const std::string& person, const std::string& role) const;
  // The people holding `role`, in the SOP's order.
  const std::vector<std::string>& HoldersOf(const std::string& role) const;

  // Appends an event of `type` to the command's events and applies it.
  Status Add(Context& context, const std::string& type,
             const std::string& activity, const std::string& step,
             const std::string& role, const nlohmann::json& payload,
             FlowStep* moved = nullptr);
  // Emits the events of the steps a move activated (tasks, approval
  // requests; notifications are sent and passed at once).
  Status Activated(Context& context, const std::vector<int>& nodes);
  // Appends the event of `type` that finishes step `node` with `outcome`
  // (a task completed, the deciding approval, a notification sent): its
  // payload gets "step" and "outcome", and applying it moves the flow;
  // the move goes to `*moved`.
  Status Finish(Context& context, int node, Outcome outcome,
                const std::string& type, const std::string& role,
                nlohmann::json payload, FlowStep* moved);
  // Emits what a move leads to: the activated steps' events, and the
  // campaign's end when the process ended.
  Status FollowUp(Context& context, const FlowStep& moved);
  // The plan of approval `step` for the campaign (expedited: every group
  // in parallel). `facts`: the campaign's ApprovalFacts when the caller
  // has them (they are worked out from its values otherwise).
  Result<ApprovalPlan> PlanFor(const CampaignState& state,
                               const sop::Step& step,
                               const ApprovalInputs* facts = nullptr) const;
  Status ApplyHeld(Context& context, int node);
  std::string AwaitedRoleOf(const Context& context, int node,
                            const std::string& person) const;
  std::string AwaitedText(const Context& context, int node) const;
  bool MayDo(const CampaignState& state, const sop::Step& step,
             const std::string& task, const std::string& person) const;
  std::string Owner(const CampaignState& state, const sop::Step& step,
                    const std::string& task) const;
  // RecordInformalApproval's work on a context opened for it.
  Status InformalDecision(Context& context, const std::string& step,
                          const InformalApproval& approval,
                          const Departure& departure);
  // The approval or review `person` decides next in the campaign: one
  // awaiting them now, else the first not decided they approve; empty when
  // none.
  std::string NextDecisionOf(const Context& context,
                             const std::string& person) const;
  // One side entry on `context`.
  Status RecordSideEntry(Context& context, const SideEntry& entry,
                         const std::string& actor, SideOutcome& outcome);
  Status DecideAs(Context& context, int node, const std::string& role,
                  Verdict verdict, nlohmann::json payload);
  Status HoldEarly(Context& context, int node, Verdict verdict,
                   const std::string& comment);
  Status MayApprove(const Context& context, const sop::Step& step,
                    const std::string& person,
                    const ApprovalInputs* facts = nullptr) const;
  Status CompleteAdHoc(Context& context, const AdHocStep& step);
  std::vector<std::string> OpenItems(const CampaignState& state,
                                     const sop::Step& step) const;
  // The same items, as the checklist's entries (none when the step names
  // no checklist of the campaign's SOP version).
  std::vector<const sop::ChecklistItem*> OpenItemsOf(
      const CampaignState& state, const sop::Step& step) const;
  const sop::Checklist* FindChecklist(const CampaignState& state,
                                      const std::string& id) const;
  bool Applies(const CampaignState& state,
               const sop::ChecklistItem& item) const;
  // Checks the campaign exists (and is open, when `must_be_active`); sets
  // the context's graph.
  Status Open(Context& context, bool must_be_active) const;
  // The node of work step `step` of the campaign's process; NotFound with
  // the closest step id otherwise.
  Result<int> StepNode(const Context& context, const std::string& step) const;
  // Checks a departure of `kind` may be recorded by its actor (the process
  // owner's role and the SOP's owner always; see docs/engine.md; plus
  // `also_allowed`) and marks the events that follow with it.
  Status Depart(Context& context, const Departure& departure,
                const std::string& kind, const sop::Step* step,
                const std::string& also_allowed) const;

  // Adds the task of `step` (for an approval, the task of approver `role`),
  // with its deadline: the SLA (shortened when expedited), or a wait's end.
  Status Ended(Context& context, const std::string& type,
               const nlohmann::json& payload);
  Status CreateTask(Context& context, const sop::Step& step,
                    const std::string& role);
  // The deadline of a new task of `step`: its SLA counted on `calendar`
  // (its assignee's, else its role's), or a wait's end.
  int64_t DueFor(const CampaignState& state, const sop::Step& step, int64_t now,
                 const WorkCalendar& calendar) const;
  Result<bool> Away(const std::string& person, int64_t at) const;
  Result<std::string> StandIn(const std::string& person, int64_t at) const;
  // Who a new task of `step` for `role` goes to (assignment.cc); empty: the
  // role's queue.
  Result<std::string> PickAssignee(const Context& context,
                                   const sop::Step& step,
                                   const std::string& role);
  int64_t AddBusiness(int64_t start, const sop::BusinessDuration& d) const;
  Status FireDue(Context& context);
  // Whether a step of that id in the current SOP is a wait.
  bool IsWaitStep(const std::string& step) const;
  // Reminds whoever holds `task` that it is due soon (`sla_reminded` and a
  // notification).
  Status Remind(Context& context, const std::string& task);
  // Starts escalation `rule` chasing `subject` (a task, or the campaign)
  // from `since`, unless it runs already, and raises what is due.
  // `about` adds fields to the escalation's payload (the missing
  // template).
  Status OpenEscalation(Context& context, const sop::EscalationRule& rule,
                        const std::string& subject, const std::string& step,
                        int64_t since,
                        const nlohmann::json& about = nlohmann::json::object());
  // Flags each template `step` requires that has no approved version in
  // the template library (else the campaign's SOP) (`template_missing`)
  // and opens the escalations that watch for it, chasing `task`.
  Status FlagMissingTemplates(Context& context, const sop::Step& step,
                              const std::string& task);
  // The approved version of template `id`: the library's when it holds
  // versions of the template, else the approved one of `sop`'s list;
  // empty when there is none.
  Result<std::string> ApprovedTemplateVersion(const sop::Definition& sop,
                                              const std::string& id) const;
  // Records that template `id` is there now (version `version`, approved
  // by `approved_by`) for every open request of the campaign's tasks, and
  // stops the missing-template escalations chasing them.
  Status ProvideTemplate(Context& context, const std::string& id,
                         const std::string& version,
                         const std::string& approved_by);
  // The SOP's versions of template `t` as library records (the seed).
  static std::vector<store::TemplateVersionRecord> SeedOf(
      const sop::Template& t);
  // The template as the library shows it, from `kept` (the store's
  // versions of it; the SOP's list when empty).
  static LibraryTemplate LibraryOf(
      const sop::Template& t, std::vector<store::TemplateVersionRecord> kept);
  // Whether `person` may approve or retire versions of `t`.
  Status MayApproveTemplate(const sop::Template& t,
                            const std::string& person) const;
  // Copies the SOP's versions of `t` into the library when it holds none.
  Status Seed(const sop::Template& t);
  // Whether `person` has a part in the campaign's process (documents).
  bool WorksOn(const CampaignState& state, const std::string& person) const;
  // Records what version `version` of a document or an asset (`subject`:
  // "document" or "asset", named `id`) means for the step that approved
  // an earlier version last (`approvals`: the approvals of its versions, in
  // the order given): `SUBJECT_changed_after_approval`, and the step asked
  // again (`step_reopened`) unless its SOP says `reapproval: not_needed`,
  // the campaign has ended, or the flow is to reach the step anyway
  // (documents.cc).
  Status AfterNewVersion(Context& context, const std::string& subject,
                         const std::string& id, int version,
                         const std::vector<DocumentApproval>& approvals);
  // The revision log of the campaign, read from its events; the campaign
  // is not checked.
  Result<std::vector<RevisionEntry>> ScanRevisions(const std::string& campaign);
  // The payload fields of a new version's content: its text, or its file
  // put in the file store.
  Result<nlohmann::json> ContentOf(const DocumentInput& input) const;
  // The text of a version for comparing.
  Result<std::string> TextOf(const DocumentContent& content) const;
  // InvalidArgument when the file at `path` is larger than the file store
  // takes (checked before anything is written).
  Status FitsFileStore(const std::string& path) const;
  Status RaiseDue(Context& context, const std::string& escalation);
  // When notice `fired` (0-based) of `rule` from `since` is due; 0: never.
  int64_t NoticeDue(const sop::EscalationRule& rule, int64_t since,
                    int fired) const;
  std::vector<std::string> Recipients(const CampaignState& state,
                                      const sop::EscalationLevel& level,
                                      const Timer& timer) const;
  // Cancels the open escalations chasing `subject` (all when empty) that
  // stop when it is done.
  // Opens the escalations that watch rejections of `step`.
  Status Rejected(Context& context, const sop::Step& step);
  Status CloseEscalations(Context& context, const std::string& subject,
                          bool all);
  const sop::EscalationRule* FindEscalation(const CampaignState& state,
                                            const std::string& id) const;
  // The escalation rules with `trigger` that watch `step`.
  std::vector<const sop::EscalationRule*> Watching(const std::string& trigger,
                                                   const CampaignState& state,
                                                   const sop::Step& step) const;

  MigrationReport MapSteps(
      const CampaignState& state, const sop::ProcessGraph& from,
      const sop::ProcessGraph& graph,
      const std::map<std::string, std::string>& mapping) const;
  Status ApplyMigration(CampaignState& state,
                        const nlohmann::json& payload) const;

  // Whether `actor` may request or add the campaign's assets (design.cc).
  Status MayWorkOnAssets(const Context& context, const std::string& actor,
                         const sop::Channel* channel) const;
  // The state change of asset_requested, asset_added and asset_checked.
  static void ApplyAssetEvent(CampaignState& state, const store::Event& event,
                              const nlohmann::json& payload);

  // Checks the campaign is open and `step` active; sets `*node`.
  Status Active(Context& context, const std::string& step, int* node) const;

  store::Store& store_;
  std::optional<assets::FileStore> files_;
  const sop::Definition& sop_;
  const Clock& clock_;
  // Every SOP version loaded, by version: the definition and its process
  // graphs by process id.
  struct PinnedSop {
    const sop::Definition* sop = nullptr;
    std::map<std::string, sop::ProcessGraph> graphs;
  };
  std::map<std::string, PinnedSop> versions_;
  // The current organisation: each person's roles, each role's people.
  std::unordered_map<std::string, std::set<std::string>> roles_of_;
  std::unordered_map<std::string, std::vector<std::string>> holders_;
  // The SOP's default business calendar (Mon-Fri 09:00-17:00 UTC when the
  // SOP names none or it cannot be built).
  std::optional<WorkCalendar> calendar_;
  // Every calendar of the current SOP, and whose is whose.
  std::optional<Calendars> calendars_;
  // The states of open campaigns as the last command here left them. A
  // state another process has since moved on is noticed by the append (its
  // expected version no longer holds) or by a refusal, and the command is
  // tried once more on the state rebuilt from the store.
  std::unordered_map<std::string, CampaignState> cache_;
  size_t cache_capacity_ = 10000;
};

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_ENGINE_H_

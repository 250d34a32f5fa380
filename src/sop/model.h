// The SOP definition model: plain value types produced by the loader
// (loader.h) from one or more YAML files, checked by the validator
// (validate.h) and consumed by the compiler (graph.h, petri_net.h) and the
// manual renderer (render.h). The YAML format is documented in
// docs/formats/sop.md; field names here match its keys.
//
// Every element remembers where it was written (`where`), so any later check
// can point a person at the exact file, line and column.
#ifndef LIVESOP_SOP_MODEL_H_
#define LIVESOP_SOP_MODEL_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/diagnostic.h"

namespace livesop::sop {

// Where each key's value was written, by key; list entries also as
// "key[i]". Lets checks point at the exact value they complain about.
using KeyLocations = std::map<std::string, SourceLocation>;

// The location of `key` in `at`, else `fallback`.
SourceLocation LocationOf(const KeyLocations& at, const std::string& key,
                          const SourceLocation& fallback);

// A span of business time ("4h", "2d", "1w"): `d` is a working day and `h` a
// working hour of the calendar that applies, `m` working minutes, `w` five
// working days. `text` keeps what was written, for the manual.
struct BusinessDuration {
  enum class Unit { kMinutes, kHours, kDays, kWeeks };
  int64_t amount = 0;
  Unit unit = Unit::kDays;
  std::string text;

  // The duration in working minutes, given the length of a working day.
  int64_t Minutes(int64_t minutes_per_day = int64_t{8} * 60) const;
  // As written ("3d"), else amount and unit letter.
  std::string ToString() const;
};

struct ChangelogEntry {
  SourceLocation where;
  KeyLocations at;
  std::string version;
  std::string date;  // ISO 8601 date, YYYY-MM-DD
  std::string author;
  std::vector<std::string> changes;
};

// Identity of the whole SOP: the manual's title page.
struct SopInfo {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string title;
  std::string department;
  std::string version;    // semantic version "MAJOR.MINOR[.PATCH]"
  std::string owner;      // role or person id
  std::string effective;  // date the version takes effect
  std::string overview;
  std::vector<std::string> goals;
};

struct Holiday {
  SourceLocation where;
  KeyLocations at;
  std::string date;  // YYYY-MM-DD
  std::string name;
};

// A file of public holidays a calendar takes its holidays from
// (`holidays_from`): iCalendar (.ics) or YAML (.yaml, .yml).
struct HolidayFile {
  SourceLocation where;  // where the SOP names the file
  std::string path;      // as written, relative to the naming file
};

struct BusinessCalendar {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string timezone;                    // IANA name, "Asia/Jakarta"
  std::vector<std::string> working_days;   // mon..sun
  std::vector<std::string> working_hours;  // "09:00-12:00"
  // The holidays listed in the SOP followed by those read from its
  // holiday files, each date once (the first name given wins).
  std::vector<Holiday> holidays;
  std::vector<HolidayFile> holiday_files;
};

struct Team {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string lead;  // person id
  std::string description;
  std::string calendar;  // calendar id; empty: the SOP's default calendar
};

// How a role's task is given to a person when it is created:
//   queue         open to everyone holding the role (the default)
//   explicit      open to the role until the process owner gives it to
//                 someone (the engine's Assign)
//   round_robin   to the holders in turn
//   least_loaded  to the holder with the fewest open tasks
// People who are away are passed over; their delegates stand in.
inline constexpr const char* kAssignmentPolicies[] = {
    "queue", "explicit", "round_robin", "least_loaded"};

struct Role {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string team;  // team id, optional
  std::string description;
  std::vector<std::string> responsibilities;
  std::string assignment;  // a policy above; empty: queue
};

struct Person {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string email;
  std::string phone;
  std::vector<std::string> roles;      // role ids
  std::string team;                    // team id
  std::string calendar;                // calendar id
  std::vector<std::string> delegates;  // person ids, in order of preference
  bool external = false;               // agency or freelancer
};

struct Kpi {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string unit;
  std::string target;  // free text, "≥ 2% CTR"
  // How the KPI is computed from a campaign's imported results
  // (docs/results.md): a metric ("leads") or a ratio of two ("spend /
  // conversions"), named as sop/results.h lists them; empty when results
  // cannot tell it (share of voice, NPS).
  std::string measure;
  // Whether the KPI is met at or above its target ("at_least", the
  // default) or at or below it ("at_most").
  std::string direction;
  // The target as a number, in `unit` (a percentage for "%").
  std::optional<double> value;
  // A field of the request form whose value, when a campaign's request
  // gives one, is that campaign's own target ("as set in the brief").
  std::string field;
};

struct Objective {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string description;
  std::vector<Kpi> kpis;
  std::string reporting_cadence;   // daily | weekly | biweekly | monthly | end
  std::string reporting_template;  // template id
};

// Budget bands partition the request's budget field: a band covers
// [previous band's upper bound, `below`); the last band has no upper bound.
struct BudgetBand {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::optional<double> below;
};

struct Budget {
  SourceLocation where;
  KeyLocations at;
  std::string currency;  // ISO 4217
  std::string field;     // form field holding the campaign budget
  std::vector<BudgetBand> bands;
};

enum class FieldType {
  kText,
  kLongText,
  kNumber,
  kMoney,
  kDate,
  kChoice,
  kMultiChoice,
  kFile,
  kPerson,
  kBoolean,
};

// A condition over request fields and derived inputs (campaign_type,
// budget_band, channel): each entry maps an input name to a DMN S-FEEL unary
// test ("-", "< 5000", "[1000..5000)", "tv, radio", "not(tv)"). All entries
// must hold.
struct Condition {
  SourceLocation where;
  KeyLocations at;
  std::vector<std::pair<std::string, std::string>> tests;
  std::vector<SourceLocation> test_locations;  // parallel to `tests`
};

struct FormField {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string label;
  FieldType type = FieldType::kText;
  std::string help;
  bool required = false;
  std::optional<Condition> required_when;
  std::vector<std::string> options;  // choice, multi_choice
  std::optional<double> min;         // number, money; count for multi_choice
  std::optional<double> max;
  std::optional<int> max_length;  // text
  std::string pattern;            // ECMAScript regular expression, text
  std::string currency;           // money
};

// A rule across fields. `kind` is "date_order" (later >= earlier + min_gap),
// or "compare" (left op right, numbers or dates).
struct FormRule {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string kind;
  std::string earlier;
  std::string later;
  std::optional<BusinessDuration> min_gap;
  std::string left;
  std::string op;  // < <= > >= == !=
  std::string right;
  std::string message;
};

struct Form {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::vector<FormField> fields;
  std::vector<FormRule> rules;
};

struct CampaignType {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string description;
  std::string process;                        // process id
  std::string form;                           // form id
  std::vector<std::string> objectives;        // objective ids
  std::optional<BusinessDuration> lead_time;  // submission to launch, minimum
};

enum class StepType {
  kTask,
  kApproval,
  kReview,
  kChecklist,
  kNotification,
  kWait,
  kExclusive,  // gateway: one branch by condition
  kParallel,   // gateway: all branches at once
  kJoin,       // gateway: waits for every incoming branch
  kEnd,
};

// "task", "approval", ..., as written in YAML.
const char* StepTypeName(StepType type);

enum class Quorum { kAll, kAny, kCount };
enum class ApprovalMode { kParallel, kSequential };

struct Branch {
  SourceLocation where;
  KeyLocations at;
  std::optional<Condition> when;  // absent on the default branch
  bool is_default = false;
  std::string next;  // step id or "end"
  std::string label;
};

// A node of a process. Work steps (task .. wait) carry `next`; an approval or
// review may instead route its outcomes (`on_approved`, `on_rejected`,
// `on_changes_requested`); gateways carry `branches` (exclusive, parallel).
struct Step {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  StepType type = StepType::kTask;
  bool type_known = false;  // false when `type` was missing or misspelt
  std::string description;
  std::string role;           // who does it: role id
  std::string person;         // or a named person
  std::string assignment;     // policy (kAssignmentPolicies); else the role's
  std::string assignee_from;  // a person field of the request: its person
  std::vector<std::string> consulted;   // RACI: role ids
  std::vector<std::string> informed;    // RACI: role ids
  std::optional<BusinessDuration> sla;  // due time after the step starts
  // A reminder to whoever holds the task this long before it is due
  // (business time); else the marketing calendar's `remind_before`.
  std::optional<BusinessDuration> remind_before;
  std::vector<std::string> templates;  // template ids the step requires
  // The step reports on or reviews the campaign's results: its tasks and
  // decisions carry the KPIs against their targets (docs/results.md).
  bool results = false;
  std::vector<std::string> outputs;    // deliverables, free text
  std::string checklist;               // checklist id (checklist steps)
  std::string matrix;                  // approval matrix id (approvals)
  std::vector<std::string> approvers;  // role ids (approvals w/o matrix)
  Quorum quorum = Quorum::kAll;
  int quorum_count = 0;  // for Quorum::kCount
  ApprovalMode mode = ApprovalMode::kParallel;
  std::string on_approved;
  std::string on_rejected;
  std::string on_changes_requested;
  int max_revisions = 0;  // 0: unlimited
  // Approval and review steps: whether a campaign document changed after
  // the step approved it needs the step's approval again ("needed", the
  // default when empty) or not ("not_needed"). docs/documents.md.
  std::string reapproval;
  std::optional<BusinessDuration> wait_for;  // wait steps
  std::string until;                         // wait steps: "launch_date"
  std::vector<std::string> notify;           // notification: role or person ids
  std::string message;                       // notification text
  std::string next;
  std::vector<Branch> branches;
  std::string outcome;  // end steps: completed | rejected | cancelled
};

enum class Category { kRevenueFacing, kEfficiencyFacing };

struct Process {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string owner;  // role id
  std::string purpose;
  Category category = Category::kRevenueFacing;
  std::string trigger;
  std::string start;  // first step id; defaults to the first step
  std::vector<Step> steps;
};

enum class HitPolicy { kUnique, kFirst, kCollect };

struct MatrixRule {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  Condition when;  // over campaign_type, budget_band, channel
  std::vector<std::string> approvers;  // role ids
  Quorum quorum = Quorum::kAll;
  int quorum_count = 0;
  ApprovalMode mode = ApprovalMode::kParallel;
  std::string note;
};

// The role and approval matrix as a DMN-style decision table.
struct ApprovalMatrix {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  HitPolicy hit_policy = HitPolicy::kUnique;
  std::vector<MatrixRule> rules;
};

// Escalation targets resolved per case rather than named in the SOP: the
// owner of the template that is missing, the owner of the process, and the
// person the task is assigned to.
inline constexpr const char* kTemplateOwner = "template_owner";
inline constexpr const char* kProcessOwner = "process_owner";
inline constexpr const char* kAssignee = "assignee";

struct EscalationLevel {
  SourceLocation where;
  KeyLocations at;
  std::string to;  // role or person id, or one of the targets above
  BusinessDuration after;
};

// `trigger` is one of: sla_breach, missing_template, budget_exceeded,
// rejected, condition.
struct EscalationRule {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string trigger;
  std::vector<std::string> step_types;  // which steps it watches ("approval")
  std::vector<std::string> steps;  // or which steps: "step" or "process.step"
  std::optional<Condition> when;   // trigger: condition
  std::string channel;             // where it is raised, free text
  std::vector<EscalationLevel> levels;
  std::optional<BusinessDuration> repeat_every;
  int repeat_times = 0;
  std::string stop;    // task_completed | acknowledged | campaign_closed
  std::string action;  // free text: what the recipient does
};

struct TemplateVersion {
  SourceLocation where;
  KeyLocations at;
  std::string version;
  std::string status;  // draft | approved | retired
  std::string date;
  std::string file;
  std::string changes;
};

struct Template {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string owner;  // role or person id
  std::string description;
  std::vector<TemplateVersion> versions;
};

struct AssetSpec {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::vector<std::string> formats;        // jpg, png, mp4, html, pdf …
  std::vector<std::string> sizes;          // "1080x1080"
  std::vector<std::string> aspect_ratios;  // "1:1"
  std::string max_file_size;               // "8MB"
  std::optional<double> max_duration_seconds;
  std::optional<int> max_copy_length;  // characters
  std::string color_space;             // sRGB
  std::optional<int> min_dpi;          // print
  std::optional<double> bleed_mm;      // print
  std::string notes;
};

struct Channel {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string owner;  // role id
  std::vector<AssetSpec> assets;
};

struct ChecklistItem {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string text;
  std::string role;
  bool required = true;
  std::optional<Condition> when;  // applies only to matching campaigns
};

struct Checklist {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string phase;  // pre-launch | launch-day | post-launch | other
  std::vector<ChecklistItem> items;
};

// A dated obligation relative to the launch date, for the marketing calendar.
struct Deadline {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  BusinessDuration before_launch;
  std::string step;  // "step" or "process.step" it belongs to, optional
  std::string role;
};

// Dates in which launches are frozen (inclusive), with the rule that holds.
struct FreezePeriod {
  SourceLocation where;
  KeyLocations at;
  std::string name;
  std::string from;  // YYYY-MM-DD
  std::string to;    // YYYY-MM-DD, not before `from`
  std::string rule;  // what is and is not allowed
};

// How many launches the calendar takes before it flags a conflict; 0: no
// limit.
struct CalendarLimits {
  int launches_per_day = 0;
  int launches_per_channel_per_day = 0;
};

struct CalendarInfo {
  SourceLocation where;
  KeyLocations at;
  std::string planning_cycle;    // free text: "quarterly plan, monthly lock"
  std::string default_calendar;  // calendar id
  // Reminders before a task with an SLA is due, for steps that set none.
  std::optional<BusinessDuration> remind_before;
  std::vector<Deadline> deadlines;
  std::vector<FreezePeriod> freeze_periods;
  CalendarLimits limits;  // `limits`; unset keys are 0 (no limit)
};

struct Tool {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string purpose;
  bool official = true;  // false: a known side path (WhatsApp, sheets)
};

struct Communication {
  SourceLocation where;
  KeyLocations at;
  std::vector<Tool> tools;
  std::vector<std::string> rules;
};

// A deterministic automated check or action ("AI assistant usage").
struct Automation {
  SourceLocation where;
  KeyLocations at;
  std::string id;
  std::string name;
  std::string trigger;
  std::string description;
};

// The whole SOP, after includes are merged.
struct Definition {
  std::string root_file;
  std::vector<std::string> files;  // every file loaded, root first
  SopInfo sop;
  std::vector<ChangelogEntry> changelog;
  std::vector<BusinessCalendar> calendars;
  std::vector<Team> teams;
  std::vector<Role> roles;
  std::vector<Person> people;
  std::vector<Objective> objectives;
  std::optional<Budget> budget;
  std::vector<Form> forms;
  std::vector<CampaignType> campaign_types;
  std::vector<Process> processes;
  std::vector<ApprovalMatrix> approval_matrices;
  std::vector<EscalationRule> escalations;
  std::vector<Template> templates;
  std::vector<Channel> channels;
  std::vector<Checklist> checklists;
  std::optional<CalendarInfo> calendar;
  std::optional<Communication> communication;
  std::vector<Automation> automations;

  // Lookups by id; nullptr when absent.
  const Role* FindRole(const std::string& id) const;
  const Person* FindPerson(const std::string& id) const;
  const Process* FindProcess(const std::string& id) const;
  const Form* FindForm(const std::string& id) const;
  const Template* FindTemplate(const std::string& id) const;
  const Checklist* FindChecklist(const std::string& id) const;
  const ApprovalMatrix* FindMatrix(const std::string& id) const;
  const BusinessCalendar* FindCalendar(const std::string& id) const;
};

// The reserved step id that ends a process with outcome "completed".
inline constexpr const char* kEndStep = "end";

const char* CategoryName(Category category);       // "revenue-facing" …
const char* HitPolicyName(HitPolicy policy);       // "unique" …
const char* FieldTypeName(FieldType type);         // "text" …
std::string QuorumText(Quorum quorum, int count);  // "all", "any", "2"

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_MODEL_H_

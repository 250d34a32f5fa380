#include "sop/validate.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/calendar.h"
#include "core/text.h"
#include "sop/asset_spec.h"
#include "sop/condition.h"
#include "sop/graph.h"
#include "sop/petri_net.h"

namespace livesop::sop {
namespace {

// Inputs every condition may test besides form fields.
const std::vector<std::string>& DerivedInputs() {
  static const std::vector<std::string> inputs = {
      "campaign_type", "budget_band", "channel", "objective", "urgent"};
  return inputs;
}

// At most this many cases are enumerated per exhaustiveness or matrix check.
constexpr size_t kMaxCases = 200000;

class Validator {
 public:
  explicit Validator(const Definition& def) : def_(def) {}

  DiagnosticList Run() {
    CollectIds();
    CheckSop();
    CheckOrganisation();
    CheckObjectivesAndBudget();
    CheckForms();
    CheckCampaignTypes();
    for (const Process& p : def_.processes) CheckProcess(p);
    for (const ApprovalMatrix& m : def_.approval_matrices) CheckMatrix(m);
    CheckEscalations();
    CheckTemplates();
    CheckContent();
    CheckUsage();
    return std::move(out_);
  }

 private:
  using Ids = std::set<std::string>;

  // ---- ids --------------------------------------------------------------

  template <typename T>
  Ids Unique(const std::vector<T>& items, const std::string& kind,
             const std::string& owner = {}) {
    Ids ids;
    std::map<std::string, SourceLocation> first;
    for (const T& item : items) {
      if (item.id.empty()) continue;
      if (!ids.insert(item.id).second) {
        const SourceLocation& prior = first[item.id];
        out_.Error(LocationOf(Locations(item), "id", item.where),
                   "duplicate-id",
                   kind + " `" + item.id + "`" + owner +
                       " is defined twice (first at " + prior.file + ":" +
                       std::to_string(prior.line) + ")",
                   "give each " + kind + " its own id");
      } else {
        first[item.id] = LocationOf(Locations(item), "id", item.where);
      }
    }
    return ids;
  }

  template <typename T>
  static KeyLocations Locations(const T& item) {
    if constexpr (requires { item.at; }) {
      return item.at;
    } else {
      return {};
    }
  }

  void CollectIds() {
    calendars_ = Unique(def_.calendars, "calendar");
    teams_ = Unique(def_.teams, "team");
    roles_ = Unique(def_.roles, "role");
    people_ = Unique(def_.people, "person");
    objectives_ = Unique(def_.objectives, "objective");
    forms_ = Unique(def_.forms, "form");
    types_ = Unique(def_.campaign_types, "campaign type");
    processes_ = Unique(def_.processes, "process");
    matrices_ = Unique(def_.approval_matrices, "approval matrix");
    Unique(def_.escalations, "escalation");
    templates_ = Unique(def_.templates, "template");
    channels_ = Unique(def_.channels, "channel");
    checklists_ = Unique(def_.checklists, "checklist");
    Unique(def_.automations, "automation");
    if (def_.budget) bands_ = Unique(def_.budget->bands, "budget band");
    if (def_.calendar) Unique(def_.calendar->deadlines, "deadline");
    if (def_.communication) Unique(def_.communication->tools, "tool");
    for (const Form& f : def_.forms) {
      Unique(f.fields, "field", " of form " + f.id);
      Unique(f.rules, "rule", " of form " + f.id);
    }
    for (const Process& p : def_.processes) {
      Unique(p.steps, "step", " of process " + p.id);
    }
    for (const ApprovalMatrix& m : def_.approval_matrices) {
      Unique(m.rules, "rule", " of matrix " + m.id);
    }
    for (const Channel& c : def_.channels)
      Unique(c.assets, "asset", " of channel " + c.id);
    for (const Checklist& c : def_.checklists) {
      Unique(c.items, "item", " of checklist " + c.id);
    }
    for (const Objective& o : def_.objectives)
      Unique(o.kpis, "KPI", " of objective " + o.id);
    for (const Process& p : def_.processes) {
      for (const Step& s : p.steps) all_steps_.insert(s.id);
    }
  }

  // ---- references ---------------------------------------------------------

  // Reports `id` (written at `at`/`key`) unless it is in `ids`.
  void Ref(const std::string& id, const Ids& ids, const std::string& kind,
           const KeyLocations& at, const std::string& key,
           const SourceLocation& fallback, const std::string& context,
           const std::string& owner = {}) {
    if (id.empty() || ids.count(id) > 0) return;
    std::vector<std::string> candidates(ids.begin(), ids.end());
    std::string suggestion = ClosestMatch(id, candidates);
    out_.Error(LocationOf(at, key, fallback), "unknown-reference",
               context + " names " + kind + " `" + id + "`" + owner +
                   ", which is not defined",
               suggestion.empty()
                   ? "define it, or use one of: " + Preview(candidates)
                   : "did you mean `" + suggestion + "`?");
  }

  void RefList(const std::vector<std::string>& ids, const Ids& known,
               const std::string& kind, const KeyLocations& at,
               const std::string& key, const SourceLocation& fallback,
               const std::string& context) {
    for (size_t i = 0; i < ids.size(); ++i) {
      Ref(ids[i], known, kind, at, key + "[" + std::to_string(i) + "]",
          LocationOf(at, key, fallback), context);
    }
  }

  // A step outside its process: `step` (in any process) or `process.step`.
  void RefStep(const std::string& ref, const KeyLocations& at,
               const std::string& key, const SourceLocation& fallback,
               const std::string& context) {
    const size_t dot = ref.find('.');
    if (dot == std::string::npos) {
      Ref(ref, all_steps_, "step", at, key, fallback, context);
      return;
    }
    const std::string process_id = ref.substr(0, dot);
    const Process* process = def_.FindProcess(process_id);
    if (process == nullptr) {
      Ref(process_id, processes_, "process", at, key, fallback, context);
      return;
    }
    Ids steps;
    for (const Step& s : process->steps) steps.insert(s.id);
    Ref(ref.substr(dot + 1), steps, "step", at, key, fallback, context,
        " in process `" + process_id + "`");
  }

  // A role or a person.
  void RefActor(const std::string& id, const KeyLocations& at,
                const std::string& key, const SourceLocation& fallback,
                const std::string& context, const std::string& code) {
    if (id.empty() || roles_.count(id) > 0 || people_.count(id) > 0) return;
    std::vector<std::string> candidates(roles_.begin(), roles_.end());
    candidates.insert(candidates.end(), people_.begin(), people_.end());
    std::string suggestion = ClosestMatch(id, candidates);
    out_.Error(LocationOf(at, key, fallback), code,
               context + " names `" + id +
                   "`, which is neither a role nor a "
                   "person",
               suggestion.empty() ? "name a role or a person id"
                                  : "did you mean `" + suggestion + "`?");
  }

  static std::string Preview(const std::vector<std::string>& items) {
    if (items.empty()) return "(none defined)";
    std::vector<std::string> head(
        items.begin(), items.begin() + std::min<size_t>(8, items.size()));
    return Join(head, ", ") + (items.size() > 8 ? ", …" : "");
  }

  // ---- sections -----------------------------------------------------------

  void CheckSop() {
    const SopInfo& sop = def_.sop;
    RefActor(sop.owner, sop.at, "owner", sop.where, "the SOP's owner",
             "unknown-reference");
    if (!sop.version.empty()) {
      bool found = std::any_of(
          def_.changelog.begin(), def_.changelog.end(),
          [&](const ChangelogEntry& e) { return e.version == sop.version; });
      if (!found) {
        out_.Warning(LocationOf(sop.at, "version", sop.where),
                     "changelog-missing-version",
                     "the changelog has no entry for version " + sop.version,
                     "add `changelog: - version: " + sop.version +
                         "` with what changed");
      }
    }
  }

  void CheckOrganisation() {
    for (const BusinessCalendar& c : def_.calendars) {
      if (c.timezone.empty()) continue;  // reported as missing on loading
      std::vector<std::string> dates;
      for (const Holiday& h : c.holidays) dates.push_back(h.date);
      Result<WorkCalendar> made = WorkCalendar::Make(c.timezone, c.working_days,
                                                     c.working_hours, dates);
      if (!made.ok()) {
        out_.Error(LocationOf(c.at, "timezone", c.where), "invalid-calendar",
                   "calendar `" + c.id + "`: " + made.status().message(),
                   "zones are IANA names such as Asia/Jakarta or "
                   "Europe/Berlin");
      }
    }
    for (const Team& t : def_.teams) {
      Ref(t.lead, people_, "person", t.at, "lead", t.where,
          "team `" + t.id + "`");
      Ref(t.calendar, calendars_, "calendar", t.at, "calendar", t.where,
          "team `" + t.id + "`");
    }
    for (const Role& r : def_.roles) {
      Ref(r.team, teams_, "team", r.at, "team", r.where, "role `" + r.id + "`");
    }
    for (const Person& p : def_.people) {
      const std::string who = "person `" + p.id + "`";
      RefList(p.roles, roles_, "role", p.at, "roles", p.where, who);
      Ref(p.team, teams_, "team", p.at, "team", p.where, who);
      Ref(p.calendar, calendars_, "calendar", p.at, "calendar", p.where, who);
      RefList(p.delegates, people_, "person", p.at, "delegates", p.where, who);
      for (size_t i = 0; i < p.delegates.size(); ++i) {
        if (p.delegates[i] == p.id) {
          out_.Error(
              LocationOf(p.at, "delegates[" + std::to_string(i) + "]", p.where),
              "invalid-value", who + " is their own delegate",
              "name someone else who acts when " + p.id + " is away");
        }
      }
      for (const std::string& r : p.roles) held_roles_.insert(r);
    }
    if (def_.calendar) {
      const CalendarInfo& c = *def_.calendar;
      Ref(c.default_calendar, calendars_, "calendar", c.at, "default_calendar",
          c.where, "the marketing calendar");
      for (const Deadline& d : c.deadlines) {
        const std::string what = "deadline `" + d.id + "`";
        RefStep(d.step, d.at, "step", d.where, what);
        Ref(d.role, roles_, "role", d.at, "role", d.where, what);
        if (!d.role.empty()) used_roles_.insert(d.role);
      }
    }
  }

  // A KPI's target must be computable: a target without a measure, or a
  // field that no form has, would leave the results review empty.
  void CheckKpi(const Objective& o, const Kpi& k) {
    const std::string what = "KPI `" + k.id + "` of objective `" + o.id + "`";
    if (k.measure.empty() &&
        (k.value || !k.field.empty() || !k.direction.empty())) {
      out_.Error(k.where, "missing-key",
                 what + " has a target but no `measure`",
                 "say how results compute it, as `measure: leads` or "
                 "`measure: spend / conversions`");
    }
    if (k.field.empty()) return;
    const FormField* field = FindField(k.field, nullptr);
    if (field == nullptr) {
      out_.Error(LocationOf(k.at, "field", k.where), "unknown-reference",
                 what + " takes its target from `" + k.field +
                     "`, which is not a field of any form",
                 "name a number field of the request form");
    } else if (field->type != FieldType::kMoney &&
               field->type != FieldType::kNumber) {
      out_.Error(LocationOf(k.at, "field", k.where), "invalid-value",
                 what + " takes its target from `" + k.field + "`, a " +
                     FieldTypeName(field->type) + " field",
                 "use a number or money field");
    }
  }

  void CheckObjectivesAndBudget() {
    for (const Objective& o : def_.objectives) {
      Ref(o.reporting_template, templates_, "template", o.at, "reporting",
          o.where, "objective `" + o.id + "`");
      for (const Kpi& k : o.kpis) CheckKpi(o, k);
    }
    if (!def_.budget) return;
    const Budget& b = *def_.budget;
    if (!b.field.empty()) {
      const FormField* field = FindField(b.field, nullptr);
      if (field == nullptr) {
        out_.Error(
            LocationOf(b.at, "field", b.where), "unknown-reference",
            "the budget field `" + b.field + "` is not a field of any form",
            "name the money field of the request form");
      } else if (field->type != FieldType::kMoney &&
                 field->type != FieldType::kNumber) {
        out_.Error(LocationOf(b.at, "field", b.where), "invalid-value",
                   "the budget field `" + b.field + "` is a " +
                       FieldTypeName(field->type) + " field",
                   "use a money or number field");
      }
    }
    std::optional<double> previous;
    for (size_t i = 0; i < b.bands.size(); ++i) {
      const BudgetBand& band = b.bands[i];
      const bool last = i + 1 == b.bands.size();
      if (!band.below && !last) {
        out_.Error(band.where, "missing-key",
                   "budget band `" + band.id + "` needs `below`",
                   "only the last band is open-ended");
      }
      if (band.below && last) {
        out_.Error(
            LocationOf(band.at, "below", band.where), "invalid-value",
            "the last budget band `" + band.id +
                "` has an upper bound, so larger budgets have no band",
            "remove `below` from the last band, or add an open-ended one");
      }
      if (band.below && previous && *band.below <= *previous) {
        out_.Error(LocationOf(band.at, "below", band.where), "invalid-value",
                   "budget bands must rise: `" + band.id +
                       "` is not above the band before it",
                   "order the bands from smallest to largest");
      }
      if (band.below) previous = band.below;
    }
  }

  // Finds a field by id in `form`, or in any form when `form` is null.
  const FormField* FindField(const std::string& id, const Form* form) const {
    auto search = [&](const Form& f) -> const FormField* {
      for (const FormField& field : f.fields) {
        if (field.id == id) return &field;
      }
      return nullptr;
    };
    if (form != nullptr) return search(*form);
    for (const Form& f : def_.forms) {
      if (const FormField* field = search(f)) return field;
    }
    return nullptr;
  }

  // Checks that every input of `c` is a derived input or a field of one of
  // `forms` (of any form when `forms` is empty).
  void CheckConditionInputs(const Condition& c,
                            const std::vector<const Form*>& forms,
                            const std::string& context) {
    for (size_t i = 0; i < c.tests.size(); ++i) {
      const std::string& input = c.tests[i].first;
      if (std::find(DerivedInputs().begin(), DerivedInputs().end(), input) !=
          DerivedInputs().end()) {
        CheckDerivedValues(input, c.tests[i].second, c.test_locations[i],
                           context);
        continue;
      }
      bool found = false;
      std::vector<std::string> candidates = DerivedInputs();
      if (forms.empty()) {
        found = FindField(input, nullptr) != nullptr;
        for (const Form& f : def_.forms) {
          for (const FormField& field : f.fields)
            candidates.push_back(field.id);
        }
      } else {
        for (const Form* f : forms) {
          if (FindField(input, f) != nullptr) found = true;
          for (const FormField& field : f->fields)
            candidates.push_back(field.id);
        }
      }
      if (!found) {
        std::string suggestion = ClosestMatch(input, candidates);
        out_.Error(c.test_locations[i], "unknown-reference",
                   context + " tests `" + input +
                       "`, which is not a field of the request form",
                   suggestion.empty() ? "test a form field or one of: " +
                                            Join(DerivedInputs(), ", ")
                                      : "did you mean `" + suggestion + "`?");
      }
    }
  }

  // Values of campaign_type, budget_band, channel and objective must exist.
  void CheckDerivedValues(const std::string& input, const std::string& text,
                          const SourceLocation& where,
                          const std::string& context) {
    const Ids* known = input == "campaign_type" ? &types_
                       : input == "budget_band" ? &bands_
                       : input == "channel"     ? &channels_
                       : input == "objective"   ? &objectives_
                                                : nullptr;
    if (known == nullptr || known->empty()) return;
    Result<UnaryTest> test = ParseUnaryTest(text);
    if (!test.ok()) return;
    for (const std::string& value : test->values) {
      if (known->count(value) == 0) {
        std::vector<std::string> candidates(known->begin(), known->end());
        std::string suggestion = ClosestMatch(value, candidates);
        out_.Error(where, "unknown-reference",
                   context + " tests " + input + " \"" + value +
                       "\", which is not defined",
                   suggestion.empty() ? "use one of: " + Preview(candidates)
                                      : "did you mean `" + suggestion + "`?");
      }
    }
  }

  void CheckForms() {
    for (const Form& f : def_.forms) {
      for (const FormField& field : f.fields) {
        if (field.required_when) {
          CheckConditionInputs(*field.required_when, {&f},
                               "`required_when` of field `" + field.id + "`");
        }
      }
      for (const FormRule& rule : f.rules) {
        const std::string what =
            "rule `" + rule.id + "` of form `" + f.id + "`";
        auto check_field = [&](const std::string& id, const std::string& key,
                               bool must_be_date) {
          if (id.empty() || (must_be_date && id == "submitted_at")) return;
          const FormField* field = FindField(id, &f);
          if (field == nullptr) {
            std::vector<std::string> candidates;
            for (const FormField& x : f.fields) candidates.push_back(x.id);
            std::string s = ClosestMatch(id, candidates);
            out_.Error(LocationOf(rule.at, key, rule.where),
                       "unknown-reference",
                       what + " names field `" + id + "`, which the form lacks",
                       s.empty() ? "" : "did you mean `" + s + "`?");
          } else if (must_be_date && field->type != FieldType::kDate) {
            out_.Error(LocationOf(rule.at, key, rule.where), "invalid-value",
                       what + " orders `" + id + "`, which is not a date field",
                       "date_order rules compare date fields");
          }
        };
        if (rule.kind == "date_order") {
          check_field(rule.earlier, "earlier", true);
          check_field(rule.later, "later", true);
        } else if (rule.kind == "compare") {
          check_field(rule.left, "left", false);
          const bool number =
              !rule.right.empty() && ParseUnaryTest("= " + rule.right).ok();
          if (!number) check_field(rule.right, "right", false);
        }
      }
    }
  }

  void CheckCampaignTypes() {
    for (const CampaignType& t : def_.campaign_types) {
      const std::string what = "campaign type `" + t.id + "`";
      Ref(t.process, processes_, "process", t.at, "process", t.where, what);
      Ref(t.form, forms_, "form", t.at, "form", t.where, what);
      RefList(t.objectives, objectives_, "objective", t.at, "objectives",
              t.where, what);
    }
  }

  // The forms and campaign types that run through `process`.
  std::vector<const Form*> FormsOf(const Process& process) const {
    std::vector<const Form*> forms;
    for (const CampaignType& t : def_.campaign_types) {
      if (t.process != process.id) continue;
      const Form* f = def_.FindForm(t.form);
      if (f != nullptr &&
          std::find(forms.begin(), forms.end(), f) == forms.end()) {
        forms.push_back(f);
      }
    }
    return forms;
  }

  void CheckStepReferences(const Process& p, const Step& s,
                           const std::vector<const Form*>& forms) {
    const std::string what = "step `" + s.id + "`";
    Ids steps;
    for (const Step& x : p.steps) steps.insert(x.id);
    steps.insert(kEndStep);
    if (s.id == kEndStep && s.type != StepType::kEnd) {
      out_.Error(LocationOf(s.at, "id", s.where), "invalid-value",
                 "`end` is reserved for the end of the process",
                 "give the step another id");
    }
    Ref(s.role, roles_, "role", s.at, "role", s.where, what);
    Ref(s.person, people_, "person", s.at, "person", s.where, what);
    RefList(s.consulted, roles_, "role", s.at, "consulted", s.where, what);
    RefList(s.informed, roles_, "role", s.at, "informed", s.where, what);
    RefList(s.templates, templates_, "template", s.at, "templates", s.where,
            what);
    Ref(s.checklist, checklists_, "checklist", s.at, "checklist", s.where,
        what);
    Ref(s.matrix, matrices_, "approval matrix", s.at, "matrix", s.where, what);
    RefList(s.approvers, roles_, "role", s.at, "approvers", s.where, what);
    for (size_t i = 0; i < s.notify.size(); ++i) {
      RefActor(s.notify[i], s.at,
               s.at.count("notify[0]") > 0 ? "notify[" + std::to_string(i) + "]"
                                           : "notify",
               s.where, what, "unknown-reference");
    }
    for (const char* key :
         {"next", "on_approved", "on_rejected", "on_changes_requested"}) {
      const std::string& target =
          key == std::string("next")          ? s.next
          : key == std::string("on_approved") ? s.on_approved
          : key == std::string("on_rejected") ? s.on_rejected
                                              : s.on_changes_requested;
      if (!target.empty() && steps.count(target) == 0) ++broken_targets_;
      Ref(target, steps, "step", s.at, key, s.where, what);
    }
    for (const Branch& b : s.branches) {
      if (!b.next.empty() && steps.count(b.next) == 0) ++broken_targets_;
      Ref(b.next, steps, "step", b.at, "next", b.where, what);
      if (b.when) CheckConditionInputs(*b.when, forms, "a branch of " + what);
    }
    if (!s.until.empty()) {
      const FormField* field = nullptr;
      for (const Form* f : forms) {
        if (field == nullptr) field = FindField(s.until, f);
      }
      if (forms.empty()) field = FindField(s.until, nullptr);
      if (field == nullptr || field->type != FieldType::kDate) {
        out_.Error(LocationOf(s.at, "until", s.where), "unknown-reference",
                   what + " waits until `" + s.until +
                       "`, which is not a date field of the request form",
                   "name a date field such as launch_date");
      }
    }
    if (!s.assignee_from.empty()) {
      const FormField* field = nullptr;
      for (const Form* f : forms) {
        if (field == nullptr) field = FindField(s.assignee_from, f);
      }
      if (forms.empty()) field = FindField(s.assignee_from, nullptr);
      if (field == nullptr || field->type != FieldType::kPerson) {
        out_.Error(LocationOf(s.at, "assignee_from", s.where),
                   "unknown-reference",
                   what + " takes its person from `" + s.assignee_from +
                       "`, which is not a person field of the request form",
                   "name a field of type person");
      }
    }
    if (!s.person.empty() &&
        (!s.assignment.empty() || !s.assignee_from.empty())) {
      out_.Error(LocationOf(s.at, "person", s.where), "invalid-value",
                 what +
                     " names its person, so it needs no `assignment` or "
                     "`assignee_from`",
                 "keep `person:`, or give the step a role and a policy");
    }
    const bool needs_actor = s.type_known && (s.type == StepType::kTask ||
                                              s.type == StepType::kReview ||
                                              s.type == StepType::kChecklist);
    if (needs_actor && s.role.empty() && s.person.empty()) {
      out_.Error(s.where, "missing-key", what + " has nobody to do it",
                 "add `role:` (or `person:`) to say who does the " +
                     std::string(StepTypeName(s.type)));
    }
    if (!s.role.empty()) used_roles_.insert(s.role);
    for (const auto& r : s.approvers) used_roles_.insert(r);
    for (const auto& r : s.consulted) used_roles_.insert(r);
    for (const auto& r : s.informed) used_roles_.insert(r);
    used_roles_.insert(s.notify.begin(), s.notify.end());
    if (!s.role.empty())
      assigned_roles_[s.role] = LocationOf(s.at, "role", s.where);
    for (size_t i = 0; i < s.approvers.size(); ++i) {
      assigned_roles_.emplace(
          s.approvers[i],
          LocationOf(s.at, "approvers[" + std::to_string(i) + "]", s.where));
    }
    for (const std::string& t : s.templates) required_templates_[t] = &s;
    int defaults = 0;
    for (const Branch& b : s.branches) defaults += b.is_default ? 1 : 0;
    if (defaults > 1) {
      out_.Error(
          s.where, "invalid-value",
          what + " has " + std::to_string(defaults) + " default branches",
          "keep one `default: true`");
    }
  }

  void CheckProcess(const Process& p) {
    Ref(p.owner, roles_, "role", p.at, "owner", p.where,
        "process `" + p.id + "`");
    if (!p.owner.empty()) used_roles_.insert(p.owner);
    std::vector<const Form*> forms = FormsOf(p);
    broken_targets_ = 0;
    for (const Step& s : p.steps) CheckStepReferences(p, s, forms);
    std::set<std::string> step_ids;
    for (const Step& s : p.steps) {
      if (!step_ids.insert(s.id).second || !s.type_known) ++broken_targets_;
    }
    // The structure cannot be judged until every target exists; reporting
    // it anyway would bury the real mistake under follow-on errors.
    if (p.steps.empty() || broken_targets_ > 0) return;
    ProcessGraph graph = CompileGraph(p);
    if (!p.start.empty() && graph.start < 0) {
      Ids own;
      for (const Step& s : p.steps) own.insert(s.id);
      Ref(p.start, own, "step", p.at, "start", p.where,
          "process `" + p.id + "`");
      return;
    }
    const size_t before = out_.error_count();
    CheckStructure(p, graph);
    for (int n = 0; n < static_cast<int>(graph.nodes.size()); ++n) {
      const GraphNode& node = graph.nodes[n];
      if (node.step != nullptr && node.type == StepType::kExclusive) {
        CheckExhaustive(p, *node.step, forms);
      }
    }
    if (static_cast<size_t>(out_.error_count()) == before) {
      CheckSound(p, graph);
    }
  }

  // Reports where runs get stuck, at the root cause only: steps nothing
  // leads to, steps that lead nowhere, and loops whose every edge stays in
  // the loop. Steps upstream of those cannot finish either, but saying so
  // would bury the cause.
  void CheckStructure(const Process& p, const ProcessGraph& graph) {
    std::vector<bool> reachable = ReachableFromStart(graph);
    std::vector<bool> finishes = CanReachEnd(graph);
    for (const std::vector<int>& component :
         StronglyConnectedComponents(graph)) {
      const std::set<int> members(component.begin(), component.end());
      bool cyclic = component.size() > 1;
      bool closed = true;
      for (int n : component) {
        for (int e : graph.nodes[n].out) {
          if (graph.edges[e].to == n) cyclic = true;
          if (members.count(graph.edges[e].to) == 0) closed = false;
        }
      }
      if (!cyclic || !closed || finishes[component[0]] ||
          !reachable[component[0]]) {
        continue;
      }
      std::vector<int> sorted = component;
      std::sort(sorted.begin(), sorted.end());
      std::vector<std::string> names;
      names.reserve(sorted.size());
      for (int n : sorted) names.push_back(graph.nodes[n].id);
      const Step& first = *graph.nodes[sorted.front()].step;
      out_.Error(first.where, "loop-without-exit",
                 "in process `" + p.id + "`, steps " + Join(names, ", ") +
                     " only lead to each other; the loop never ends",
                 "give one of them a way out, such as `on_approved:` or a "
                 "branch to a later step");
    }
    for (size_t n = 0; n < graph.nodes.size(); ++n) {
      const GraphNode& node = graph.nodes[n];
      if (node.step == nullptr) continue;
      if (!reachable[n]) {
        out_.Error(node.step->where, "unreachable-step",
                   "step `" + node.id + "` of process `" + p.id +
                       "` cannot be reached from the start (`" +
                       graph.nodes[graph.start].id + "`)",
                   "point a `next` or a branch at it, or remove it");
      } else if (node.out.empty() && !graph.IsTerminal(static_cast<int>(n))) {
        out_.Error(node.step->where, "no-path-to-end",
                   "step `" + node.id + "` of process `" + p.id +
                       "` leads nowhere: it has no `next`, so the process "
                       "cannot reach its end from here",
                   "add `next:` naming the following step, or `next: end`");
      }
    }
  }

  // Domains of the inputs that `conditions` test, for `process`'s forms.
  // Returns false when an input cannot be enumerated (text, dates).
  bool DomainsFor(const std::vector<const Condition*>& conditions,
                  const std::vector<const Form*>& forms, const Process* process,
                  std::vector<InputDomain>* domains) const {
    std::set<std::string> inputs;
    for (const Condition* c : conditions) {
      for (const auto& [input, text] : c->tests) inputs.insert(input);
    }
    for (const std::string& input : inputs) {
      InputDomain d;
      d.name = input;
      if (input == "campaign_type") {
        for (const CampaignType& t : def_.campaign_types) {
          if (process == nullptr || t.process == process->id) {
            d.values.push_back(t.id);
          }
        }
        if (d.values.empty()) {
          for (const CampaignType& t : def_.campaign_types)
            d.values.push_back(t.id);
        }
      } else if (input == "budget_band") {
        if (!def_.budget) return false;
        for (const BudgetBand& b : def_.budget->bands) d.values.push_back(b.id);
      } else if (input == "channel") {
        for (const Channel& c : def_.channels) d.values.push_back(c.id);
      } else if (input == "objective") {
        for (const Objective& o : def_.objectives) d.values.push_back(o.id);
      } else if (input == "urgent") {
        d.values = {"true", "false"};
      } else {
        const FormField* field = nullptr;
        for (const Form* f : forms) {
          if (field == nullptr) field = FindField(input, f);
        }
        if (forms.empty()) field = FindField(input, nullptr);
        if (field == nullptr) return false;
        switch (field->type) {
          case FieldType::kChoice:
          case FieldType::kMultiChoice:
            d.values = field->options;
            break;
          case FieldType::kBoolean:
            d.values = {"true", "false"};
            break;
          case FieldType::kNumber:
          case FieldType::kMoney:
            d.numeric = true;
            break;
          default:
            return false;
        }
      }
      if (!d.numeric && d.values.empty()) return false;
      domains->push_back(std::move(d));
    }
    return true;
  }

  void CheckExhaustive(const Process& p, const Step& s,
                       const std::vector<const Form*>& forms) {
    std::vector<const Condition*> conditions;
    for (const Branch& b : s.branches) {
      if (b.is_default) return;
      if (b.when) conditions.push_back(&*b.when);
    }
    if (conditions.empty()) return;
    std::vector<InputDomain> domains;
    if (!DomainsFor(conditions, forms, &p, &domains)) return;
    bool truncated = false;
    for (const Case& c :
         EnumerateCases(domains, conditions, kMaxCases, &truncated)) {
      bool covered =
          std::any_of(conditions.begin(), conditions.end(),
                      [&](const Condition* x) { return Holds(*x, c); });
      if (!covered) {
        out_.Error(s.where, "branch-not-exhaustive",
                   "no branch of `" + s.id + "` in process `" + p.id +
                       "` applies when " + CaseToString(c),
                   "add a branch for it, or `- default: true` with the step "
                   "that takes every other case");
        return;
      }
    }
  }

  void CheckMatrix(const ApprovalMatrix& m) {
    const std::string what = "rule of matrix `" + m.id + "`";
    for (const MatrixRule& r : m.rules) {
      RefList(r.approvers, roles_, "role", r.at, "approvers", r.where,
              "rule `" + r.id + "`");
      for (const auto& a : r.approvers) {
        used_roles_.insert(a);
        assigned_roles_.emplace(a, LocationOf(r.at, "approvers", r.where));
      }
      CheckConditionInputs(r.when, {}, "rule `" + r.id + "`");
    }
    if (m.rules.empty()) return;
    // The decision table's cells: every campaign type, band and channel.
    std::vector<InputDomain> domains;
    InputDomain types{"campaign_type", false, {}};
    for (const CampaignType& t : def_.campaign_types)
      types.values.push_back(t.id);
    if (!types.values.empty()) domains.push_back(types);
    if (def_.budget && !def_.budget->bands.empty()) {
      InputDomain bands{"budget_band", false, {}};
      for (const BudgetBand& b : def_.budget->bands)
        bands.values.push_back(b.id);
      domains.push_back(bands);
    }
    InputDomain channels{"channel", false, {}};
    for (const Channel& c : def_.channels) channels.values.push_back(c.id);
    if (!channels.values.empty()) domains.push_back(channels);
    if (domains.empty()) return;

    bool truncated = false;
    std::set<std::pair<size_t, size_t>> overlaps;
    std::set<std::string> uncovered_reported;
    int uncovered = 0;
    for (const Case& c : EnumerateCases(domains, {}, kMaxCases, &truncated)) {
      std::vector<size_t> hits;
      for (size_t i = 0; i < m.rules.size(); ++i) {
        if (Holds(m.rules[i].when, c)) hits.push_back(i);
      }
      if (hits.empty()) {
        Case key = c;
        key.erase("channel");
        std::string text = CaseToString(key);
        if (uncovered_reported.insert(text).second && uncovered < 10) {
          ++uncovered;
          out_.Error(
              m.where, "matrix-uncovered",
              "no rule of matrix `" + m.id + "` covers " + CaseToString(c),
              "add a rule for it, or a catch-all rule with \"-\"");
        }
      }
      if (m.hit_policy == HitPolicy::kUnique && hits.size() > 1) {
        for (size_t a = 0; a < hits.size(); ++a) {
          for (size_t b = a + 1; b < hits.size(); ++b) {
            if (!overlaps.insert({hits[a], hits[b]}).second) continue;
            const MatrixRule& later = m.rules[hits[b]];
            out_.Error(LocationOf(later.at, "when", later.where),
                       "matrix-overlap",
                       "rules `" + m.rules[hits[a]].id + "` and `" + later.id +
                           "` of matrix `" + m.id + "` both match " +
                           CaseToString(c) + " under hit policy unique",
                       "narrow one of them, or use hit_policy: first or "
                       "collect");
          }
        }
      }
    }
    (void)what;
  }

  // "p_review_in0, 2*o" -> the steps the tokens wait at: "`review`, the end".
  static std::string DescribeMarking(const PetriNet& net,
                                     const std::string& marking, bool* at_end) {
    std::vector<std::string> names;
    size_t begin = 0;
    while (begin <= marking.size()) {
      size_t comma = marking.find(", ", begin);
      std::string item =
          marking.substr(begin, comma == std::string::npos ? std::string::npos
                                                           : comma - begin);
      size_t star = item.find('*');
      std::string id = star == std::string::npos ? item : item.substr(star + 1);
      std::string name = id;
      for (size_t i = 0; i < net.places.size(); ++i) {
        if (net.places[i].id != id) continue;
        if (static_cast<int>(i) == net.sink) {
          *at_end = true;
          name = "the end";
        } else {
          name = "`" + net.places[i].name + "`";
        }
      }
      if (std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
      }
      if (comma == std::string::npos) break;
      begin = comma + 2;
    }
    return Join(names, ", ");
  }

  void CheckSound(const Process& p, const ProcessGraph& graph) {
    PetriNet net = CompileNet(graph);
    SoundnessReport report = CheckSoundness(net);
    if (report.sound()) return;
    std::vector<std::string> problems;
    for (const std::string& marking : report.deadlocks) {
      bool at_end = false;
      std::string where = DescribeMarking(net, marking, &at_end);
      if (at_end) continue;  // reported as improper completion below
      problems.push_back("a run can get stuck waiting at " + where +
                         " (a join that waits for a branch an exclusive "
                         "choice did not take?)");
      break;
    }
    if (!report.proper_completion) {
      std::string where;
      if (!report.improper_markings.empty()) {
        bool at_end = false;
        where =
            " (" +
            DescribeMarking(net, report.improper_markings.front(), &at_end) +
            ")";
      }
      problems.push_back("a run can reach the end while work is still open" +
                         where +
                         " (parallel branches that meet without a join?)");
    }
    if (problems.empty() && !report.option_to_complete) {
      problems.push_back("some runs can never finish");
    }
    if (!report.bounded) {
      problems.push_back(
          "work can pile up without bound (a parallel split "
          "inside a loop?)");
    }
    if (!report.dead_transitions.empty()) {
      std::vector<std::string> names;
      for (int t : report.dead_transitions) {
        const Transition& tr = net.transitions[t];
        if (!tr.step.empty() &&
            std::find(names.begin(), names.end(), tr.step) == names.end()) {
          names.push_back(tr.step);
        }
      }
      if (!names.empty()) {
        problems.push_back("these steps can never run: " + Join(names, ", "));
      }
    }
    if (report.truncated) {
      problems.push_back("it has more than " +
                         std::to_string(report.states_explored) +
                         " states, too many to check");
    }
    out_.Error(p.where, "unsound-process",
               "process `" + p.id + "` is not sound: " + Join(problems, "; "),
               "close every parallel split with a join, and never close an "
               "exclusive split with one");
  }

  void CheckEscalations() {
    for (const EscalationRule& e : def_.escalations) {
      const std::string what = "escalation `" + e.id + "`";
      for (size_t i = 0; i < e.steps.size(); ++i) {
        RefStep(e.steps[i], e.at, "steps[" + std::to_string(i) + "]", e.where,
                what);
      }
      for (const EscalationLevel& l : e.levels) {
        if (l.to == kTemplateOwner && e.trigger != "missing_template") {
          out_.Error(LocationOf(l.at, "to", l.where), "escalation-target",
                     what +
                         " escalates to `template_owner`, but only a "
                         "missing_template trigger has a template",
                     "name a role or a person");
          continue;
        }
        if (l.to == kTemplateOwner || l.to == kProcessOwner ||
            l.to == kAssignee) {
          continue;
        }
        RefActor(l.to, l.at, "to", l.where, what, "escalation-target");
        if (!l.to.empty()) used_roles_.insert(l.to);
      }
      if (e.when) CheckConditionInputs(*e.when, {}, what);
    }
  }

  void CheckTemplates() {
    for (const Template& t : def_.templates) {
      RefActor(t.owner, t.at, "owner", t.where, "template `" + t.id + "`",
               "unknown-reference");
      if (!t.owner.empty()) used_roles_.insert(t.owner);
    }
    for (const auto& [id, step] : required_templates_) {
      const Template* t = def_.FindTemplate(id);
      if (t == nullptr) continue;
      bool approved = std::any_of(
          t->versions.begin(), t->versions.end(),
          [](const TemplateVersion& v) { return v.status == "approved"; });
      if (!approved) {
        out_.Warning(t->where, "template-not-approved",
                     "template `" + id + "` is required by step `" + step->id +
                         "` but has no approved version",
                     "approve a version, or the missing-template escalation "
                     "fires on every campaign");
      }
    }
  }

  void CheckContent() {
    for (const Channel& c : def_.channels) {
      Ref(c.owner, roles_, "role", c.at, "owner", c.where,
          "channel `" + c.id + "`");
      if (!c.owner.empty()) used_roles_.insert(c.owner);
      for (const AssetSpec& a : c.assets) CheckAssetSpec(c, a);
    }
    for (const Checklist& c : def_.checklists) {
      for (const ChecklistItem& i : c.items) {
        Ref(i.role, roles_, "role", i.at, "role", i.where,
            "item `" + i.id + "` of checklist `" + c.id + "`");
        if (i.when) {
          CheckConditionInputs(
              *i.when, {}, "item `" + i.id + "` of checklist `" + c.id + "`");
        }
        if (!i.role.empty()) {
          used_roles_.insert(i.role);
          assigned_roles_.emplace(i.role, LocationOf(i.at, "role", i.where));
        }
      }
    }
    for (const Form& f : def_.forms) {
      for (const FormField& field : f.fields) {
        if (field.id == "channels" || field.id == "channel") {
          for (size_t i = 0; i < field.options.size(); ++i) {
            if (!channels_.empty() && channels_.count(field.options[i]) == 0) {
              Ref(field.options[i], channels_, "channel", field.at,
                  "options[" + std::to_string(i) + "]", field.where,
                  "field `" + field.id + "`");
            }
          }
        }
      }
    }
  }

  // The loader has checked the syntax of sizes, ratios and file sizes; here
  // is what the spec check (src/assets/check.h) needs beyond syntax: names it
  // knows, limits that admit some file, and sizes its ratios allow.
  void CheckAssetSpec(const Channel& c, const AssetSpec& a) {
    const std::string what = "asset `" + a.id + "` of channel `" + c.id + "`";
    for (size_t i = 0; i < a.formats.size(); ++i) {
      if (!CanonicalFormat(a.formats[i]).empty()) continue;
      std::string suggestion = ClosestMatch(a.formats[i], KnownFormats());
      out_.Warning(
          LocationOf(a.at, "formats[" + std::to_string(i) + "]", a.where),
          "unknown-asset-format",
          what + " names format `" + a.formats[i] +
              "`, which the asset check cannot recognise in a file, so no "
              "file will match it",
          suggestion.empty() ? "use one of: " + Join(KnownFormats(), ", ")
                             : "did you mean `" + suggestion + "`?");
    }
    if (!a.color_space.empty() && CanonicalColorSpace(a.color_space).empty()) {
      std::string suggestion = ClosestMatch(a.color_space, KnownColorSpaces());
      out_.Warning(
          LocationOf(a.at, "color_space", a.where), "unknown-color-space",
          what + " wants colour space `" + a.color_space +
              "`, which the asset check cannot recognise in a file, "
              "so no file will pass it",
          suggestion.empty() ? "use one of: " + Join(KnownColorSpaces(), ", ")
                             : "did you mean `" + suggestion + "`?");
    }
    auto positive = [&](bool ok, const std::string& key,
                        const std::string& meaning) {
      if (ok) return;
      out_.Error(LocationOf(a.at, key, a.where), "invalid-value",
                 what + ": `" + key + "` must be more than zero",
                 "a limit of zero or less " + meaning +
                     "; remove the key for no limit");
    };
    if (a.max_duration_seconds) {
      positive(*a.max_duration_seconds > 0, "max_duration_seconds",
               "admits no video");
    }
    if (a.max_copy_length) {
      positive(*a.max_copy_length > 0, "max_copy_length", "admits no copy");
    }
    if (a.min_dpi) positive(*a.min_dpi > 0, "min_dpi", "means nothing");
    std::optional<int64_t> bytes = ParseFileSize(a.max_file_size);
    if (bytes) positive(*bytes > 0, "max_file_size", "admits no file");
    if (a.bleed_mm && *a.bleed_mm < 0) {
      out_.Error(LocationOf(a.at, "bleed_mm", a.where), "invalid-value",
                 what + ": `bleed_mm` cannot be negative",
                 "write the bleed each edge needs, such as 3");
    }
    std::vector<double> ratios;
    for (const std::string& r : a.aspect_ratios) {
      if (std::optional<double> ratio = ParseAspectRatio(r)) {
        ratios.push_back(*ratio);
      }
    }
    if (ratios.empty()) return;
    for (size_t i = 0; i < a.sizes.size(); ++i) {
      std::optional<PixelSize> size = ParsePixelSize(a.sizes[i]);
      if (!size) continue;
      const double ratio = static_cast<double>(size->width) / size->height;
      if (std::any_of(ratios.begin(), ratios.end(), [&](double wanted) {
            return SameAspectRatio(ratio, wanted);
          })) {
        continue;
      }
      out_.Error(
          LocationOf(a.at, "sizes[" + std::to_string(i) + "]", a.where),
          "asset-spec-conflict",
          what + " wants size " + a.sizes[i] +
              ", whose aspect ratio is none of " + Join(a.aspect_ratios, ", ") +
              ", so no file can meet both",
          "correct the size or the aspect ratio, or add the size's ratio");
    }
  }

  void CheckUsage() {
    for (const Role& r : def_.roles) {
      if (used_roles_.count(r.id) == 0 && held_roles_.count(r.id) == 0) {
        out_.Warning(r.where, "unused-role",
                     "role `" + r.id +
                         "` is not used by any step, rule or "
                         "person",
                     "assign it or remove it");
      }
    }
    for (const auto& [role, where] : assigned_roles_) {
      if (roles_.count(role) > 0 && held_roles_.count(role) == 0) {
        out_.Warning(
            where, "role-without-people",
            "work is assigned to role `" + role + "`, but no person holds it",
            "add the role to someone's `roles:`");
      }
    }
  }

  const Definition& def_;
  DiagnosticList out_;
  Ids calendars_, teams_, roles_, people_, objectives_, forms_, types_,
      processes_, matrices_, templates_, channels_, checklists_, bands_,
      all_steps_;
  std::set<std::string> used_roles_, held_roles_;
  std::map<std::string, SourceLocation> assigned_roles_;
  std::map<std::string, const Step*> required_templates_;
  int broken_targets_ = 0;
};

}  // namespace

DiagnosticList Validate(const Definition& definition) {
  return Validator(definition).Run();
}

LoadResult Check(const std::string& path, const LoadOptions& options) {
  LoadResult result = LoadDefinition(path, options);
  if (!result.io_failure) {
    result.diagnostics.Append(Validate(result.definition));
  }
  result.diagnostics.SortAndDedupe();
  return result;
}

}  // namespace livesop::sop

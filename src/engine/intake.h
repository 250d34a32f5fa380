// Intake checks: whether a campaign request, as submitted on its campaign
// type's form, is complete and consistent with the SOP before any work
// starts. Every problem is reported at once, each tied to the form field a
// person has to change, so a request goes back to its author one time with
// the whole list rather than once per mistake. docs/intake.md lists what is
// checked and every problem code.
//
// Pure functions of their arguments: the time of submission and the
// business-time arithmetic are passed in, so the same request checks the
// same way in tests, in the engine and in a replay.
#ifndef LIVESOP_ENGINE_INTAKE_H_
#define LIVESOP_ENGINE_INTAKE_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "sop/model.h"

namespace livesop::engine {

// The date field a campaign type's `lead_time` is counted to, and the
// boolean field that marks a request for the fast track (which may miss the
// lead time). The SOP format names `urgent` as a condition input; the
// launch date is this module's convention (docs/intake.md).
inline constexpr const char* kLaunchDateField = "launch_date";
inline constexpr const char* kUrgentField = "urgent";

// The name form rules use for the moment the request is submitted
// (`earlier: submitted_at`). It is not a field and is never read from the
// submitted values.
inline constexpr const char* kSubmittedAt = "submitted_at";

// One finding about a request. `field` is the id of the form field to
// change ("campaign_type" for the type itself, the key as written for a
// value the form does not have). `code` is stable and machine-readable
// (kebab-case, listed in docs/intake.md); `message` is for the person who
// filled in the form. `rule` is the id of the form rule that was broken,
// for code "rule"; empty otherwise.
struct FieldProblem {
  std::string field;
  std::string code;
  std::string message;
  std::string rule;

  friend bool operator==(const FieldProblem&, const FieldProblem&) = default;
};

// What the intake check found. `problems` block the request; `notes` do not
// but are worth showing to the requester and approvers (an urgent request
// that misses the lead time, a launch in a freeze period). Both are in form
// order: by the position of their field in the form; findings about the
// campaign type first and values the form does not have last.
struct IntakeReport {
  std::vector<FieldProblem> problems;
  std::vector<FieldProblem> notes;

  // True when nothing blocks the request.
  bool ok() const { return problems.empty(); }
};

// The business-time arithmetic the checks need: the instant `duration` of
// business time after `start_us` (both microseconds since the Unix epoch),
// on the calendar that applies to the request. Injected so that this module
// does not choose the calendar: callers pass the SOP's default calendar
// (core/calendar.h); tests may count calendar days.
using AddBusinessTime = std::function<int64_t(
    int64_t start_us, const sop::BusinessDuration& duration)>;

// Checks a request for a campaign of `campaign_type` against that type's
// form in `sop`, as if submitted at `now_us`.
//
// `values` is a JSON object from field id to value, each in its natural
// JSON type: text, long text, dates (ISO 8601, as core/time.h parses),
// choices, people (person ids) and files (references) as strings;
// numbers and money as numbers (money in the field's currency); booleans
// as booleans; multi-choice as an array of strings; files may also be an
// array of strings. A field that is absent, null, an empty or blank string
// or an empty array is not filled in. A JSON null for `values` is an empty
// request.
//
// `sop` is expected to have passed sop::Check, but a definition that did
// not (a missing form, a rule naming an unknown field, a pattern that is
// not a valid regular expression) gives problems with code "sop-error"
// rather than a crash. Never throws and never fails: everything it finds
// is in the report. `add` must be callable; when it is empty, the checks
// that need business time report "no-calendar".
IntakeReport CheckRequest(const sop::Definition& sop,
                          const std::string& campaign_type,
                          const nlohmann::json& values, int64_t now_us,
                          const AddBusinessTime& add);

// The report as JSON, for the API and `--json` outputs:
// {"ok": bool, "problems": [{"field", "code", "message"[, "rule"]}],
//  "notes": [...]}.
nlohmann::json IntakeReportToJson(const IntakeReport& report);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_INTAKE_H_

// Form values typed as text (a command line's `--field KEY=VALUE`, a cell of
// a spreadsheet) turned into the JSON types the intake checks and the engine
// read (docs/intake.md, "How values are written"). The field's type in the
// campaign type's form decides the conversion, so "75000000" becomes a
// number for a money field and stays text for a text field.
//
// Only the type is converted here. Whether a value is allowed (one of the
// options, within the range, matching the pattern, required) is for the
// intake checks (intake.h), which report every problem of a request at once.
#ifndef LIVESOP_ENGINE_FORM_VALUES_H_
#define LIVESOP_ENGINE_FORM_VALUES_H_

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "core/status.h"
#include "sop/model.h"

namespace livesop::engine {

// One value as typed: the form field's id and its text.
struct FieldText {
  std::string field;
  std::string text;

  friend bool operator==(const FieldText&, const FieldText&) = default;
};

// Converts `texts` to a JSON object of form values for a campaign of
// `campaign_type`, each value by the type of its field in the type's form:
//
//   number, money    a JSON number: "75000000", "-2.5", "1.5e6" (a leading
//                    "+" is allowed; no thousands separators); an integer
//                    stays an integer
//   boolean          true for "true" or "yes", false for "false" or "no",
//                    in any letter case
//   multi_choice     an array of the comma-separated items, each trimmed,
//                    empty items dropped: "instagram, email"
//   any other type   the text as typed (dates, choices, people and files
//                    are strings)
//
// Text that is empty or only white space gives null, which the intake
// checks read as "not filled in" (a caller merging these values over others
// may take it as "clear this field"). A field given more than once takes
// its last text.
//
// Errors: InvalidArgument for an unknown campaign type (the message lists
// the known ones), a field the form does not have (the message names it,
// the closest field when it looks like a typo, and the form's fields), or
// text that is not a number or a boolean for a field that needs one (the
// message names the field); FailedPrecondition when the campaign type names
// a form the SOP does not have (an SOP that did not pass sop::Check).
Result<nlohmann::json> FormValuesFromText(const sop::Definition& sop,
                                          const std::string& campaign_type,
                                          const std::vector<FieldText>& texts);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_FORM_VALUES_H_

// Conditions as DMN S-FEEL unary tests ("-", "a, b", "not(a)", "< 5000",
// "[1000..5000)", "true"), and the analysis the validator needs on them:
// whether a set of conditions covers every case of their inputs
// (exhaustiveness), and whether two can hold at once (overlap).
#ifndef LIVESOP_SOP_CONDITION_H_
#define LIVESOP_SOP_CONDITION_H_

#include <limits>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sop/model.h"

namespace livesop::sop {

// One parsed unary test.
struct UnaryTest {
  enum class Kind { kAny, kValues, kNotValues, kRange };
  Kind kind = Kind::kAny;
  std::vector<std::string> values;  // kValues, kNotValues (quotes removed)
  // kRange: the interval of numbers that pass.
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
  bool low_open = true;
  bool high_open = true;

  // Whether `value` passes. Numeric ranges parse `value` as a number (a
  // non-number fails); value lists compare text, and numbers numerically.
  bool Matches(std::string_view value) const;
  bool MatchesNumber(double value) const;
};

// Parses `text`. On failure returns InvalidArgument with a message that says
// what was expected, e.g. `expected ".." in interval "[1000, 5000]"`.
Result<UnaryTest> ParseUnaryTest(std::string_view text);

// The values an input can take, for analysis. Finite inputs list their
// values; numeric inputs are analysed at sample points derived from the
// bounds that the tests use.
struct InputDomain {
  std::string name;
  bool numeric = false;
  std::vector<std::string> values;  // finite domain
};

// A case: one value per input, by input name.
using Case = std::map<std::string, std::string>;

// Whether `condition` holds for `c`. Inputs the condition does not test pass;
// tests that do not parse fail.
bool Holds(const Condition& condition, const Case& c);

// Enumerates the cases over `domains` that the conditions must distinguish:
// every combination of finite values, and for numeric inputs the bounds used
// by `conditions` and points between and beyond them. Stops after
// `max_cases`; `truncated` is set when it did.
std::vector<Case> EnumerateCases(
    const std::vector<InputDomain>& domains,
    const std::vector<const Condition*>& conditions, size_t max_cases,
    bool* truncated);

// "campaign_type=event, budget_band=small", for messages.
std::string CaseToString(const Case& c);

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_CONDITION_H_

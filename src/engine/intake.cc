#include "engine/intake.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <exception>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "core/text.h"
#include "core/time.h"
#include "sop/condition.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

constexpr int64_t kMicrosPerDay = int64_t{86400} * 1000 * 1000;

// std::regex (libstdc++) matches by recursion, about one frame per
// character, so a long enough value would exhaust the stack. Patterned
// fields hold codes and references, far shorter than this.
constexpr size_t kMaxPatternedLength = 1000;

// A field's pattern, compiled once per thread and kept (SOPs have a few):
// nullptr with `*error` set when it is not a valid regular expression.
const std::regex* CompiledPattern(const std::string& pattern,
                                  std::string* error) {
  struct Compiled {
    std::optional<std::regex> regex;
    std::string error;
  };
  thread_local std::unordered_map<std::string, Compiled> compiled;
  auto it = compiled.find(pattern);
  if (it == compiled.end()) {
    if (compiled.size() >= 256) compiled.clear();
    Compiled entry;
    try {
      entry.regex.emplace(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      entry.error = e.what();
    }
    it = compiled.emplace(pattern, std::move(entry)).first;
  }
  *error = it->second.error;
  return it->second.regex ? &*it->second.regex : nullptr;
}

std::string Label(const sop::FormField& field) {
  return field.label.empty() ? field.id : field.label;
}

// Whether a person filled the field in: blank text and empty lists are
// what a form sends for an untouched input, so they count as absent.
bool Filled(const Json& value) {
  if (value.is_null()) return false;
  if (value.is_string())
    return !Trim(value.get_ref<const std::string&>()).empty();
  if (value.is_array() || value.is_object()) return !value.empty();
  return true;
}

// Characters as a person counts them: UTF-8 code points, not bytes, so an
// Indonesian or emoji-laden name is not cut short.
size_t CodePoints(std::string_view text) {
  return static_cast<size_t>(std::count_if(
      text.begin(), text.end(),
      [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

// At most `limit` bytes of `text`, not cutting a UTF-8 sequence.
std::string Shorten(const std::string& text, size_t limit = 60) {
  if (text.size() <= limit) return text;
  size_t end = limit;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
    --end;
  }
  return text.substr(0, end) + "…";
}

// "1,000,000" for whole numbers, the shortest exact form otherwise.
std::string FormatNumber(double value) {
  if (std::fabs(value) < 1e15 && value == std::floor(value)) {
    const auto whole = static_cast<int64_t>(value);
    std::string digits = std::to_string(whole < 0 ? -whole : whole);
    std::string out;
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
      out += digits[i];
    }
    return whole < 0 ? "-" + out : out;
  }
  char buffer[64];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return ec == std::errc() ? std::string(buffer, end) : std::to_string(value);
}

// A submitted value as a message quotes it.
std::string Describe(const Json& value) {
  if (value.is_string()) {
    return "\"" + Shorten(value.get_ref<const std::string&>()) + "\"";
  }
  if (value.is_array()) return "a list";
  if (value.is_object()) return "an object";
  return value.dump();
}

// A date as people write it: the day alone for a midnight (UTC), which is
// what a date field holds; the full timestamp otherwise.
std::string DateText(int64_t at) {
  std::string text = FormatTimestamp(at);
  return at % kMicrosPerDay == 0 ? text.substr(0, 10) : text;
}

// The first midnight (UTC) at or after `at`: the earliest date a date
// field can hold and still be at or after `at`.
int64_t CeilToDay(int64_t at) {
  int64_t days = at / kMicrosPerDay;
  if (at % kMicrosPerDay > 0) ++days;
  return days * kMicrosPerDay;
}

// "urgent: true and campaign_type: event".
std::string ConditionText(const sop::Condition& condition) {
  std::vector<std::string> parts;
  for (const auto& [input, test] : condition.tests) {
    parts.push_back(input + ": " + test);
  }
  return Join(parts, " and ");
}

// A currency code written with an amount ("USD 500", "500 usd", or an
// object's "currency"), upper-cased; empty when none is written.
std::string StatedCurrency(const Json& value) {
  if (value.is_object()) {
    auto it = value.find("currency");
    if (it == value.end() || !it->is_string()) return "";
    std::string code = it->get<std::string>();
    for (char& c : code) c = static_cast<char>(std::toupper(c));
    return code;
  }
  if (!value.is_string()) return "";
  const std::string_view text = Trim(value.get_ref<const std::string&>());
  auto letters = [](std::string_view s) {
    return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) {
             return std::isalpha(static_cast<unsigned char>(c)) != 0;
           });
  };
  std::string_view code;
  if (text.size() > 3 && letters(text.substr(0, 3))) {
    code = text.substr(0, 3);
  } else if (text.size() > 3 && letters(text.substr(text.size() - 3))) {
    code = text.substr(text.size() - 3);
  }
  std::string out(code);
  for (char& c : out) c = static_cast<char>(std::toupper(c));
  return out;
}

bool CompareValues(double left, const std::string& op, double right) {
  if (op == "<") return left < right;
  if (op == "<=") return left <= right;
  if (op == ">") return left > right;
  if (op == ">=") return left >= right;
  if (op == "==") return left == right;
  return left != right;  // "!=", the only operator left after validation
}

bool KnownOperator(const std::string& op) {
  return op == "<" || op == "<=" || op == ">" || op == ">=" || op == "==" ||
         op == "!=";
}

// One side of a form rule, resolved against the request.
struct Operand {
  enum class Kind { kNumber, kDate };
  Kind kind = Kind::kNumber;
  std::optional<double> value;  // absent: the field is empty or invalid
  std::string text;             // how messages show it
};

// Checks one request. Findings are collected with their place in the form
// and sorted once at the end, so each check can run in the order that
// suits it (field values before the rules that read them).
class Checker {
 public:
  Checker(const sop::Definition& sop, const sop::CampaignType& type,
          const sop::Form& form, Json values, int64_t now,
          const AddBusinessTime& add)
      : sop_(sop),
        type_(type),
        form_(form),
        values_(std::move(values)),
        now_(now),
        add_(add) {
    for (size_t i = 0; i < form_.fields.size(); ++i) {
      position_.emplace(form_.fields[i].id, i);
    }
  }

  void Run() {
    FillCampaignType();
    CollectInputs();
    for (const sop::FormField& field : form_.fields) CheckField(field);
    for (const sop::FormRule& rule : form_.rules) CheckRule(rule);
    CheckLaunch();
    CheckUnknownFields();
  }

  // The findings in form order. May be called after Run threw, to keep
  // what was found before.
  IntakeReport Report(const std::string& internal_error = "") {
    if (!internal_error.empty()) {
      Add(kLast,
          {"", "internal-error",
           "The request could not be checked completely: " + internal_error,
           ""});
    }
    std::stable_sort(
        findings_.begin(), findings_.end(),
        [](const Finding& a, const Finding& b) { return a.order < b.order; });
    IntakeReport report;
    for (Finding& f : findings_) {
      (f.note ? report.notes : report.problems).push_back(std::move(f.problem));
    }
    findings_.clear();
    return report;
  }

 private:
  struct Finding {
    size_t order = 0;
    FieldProblem problem;
    bool note = false;
  };

  // Orders: the campaign type first, then the fields, then values the form
  // does not have.
  static constexpr size_t kFirst = 0;
  static constexpr size_t kLast = static_cast<size_t>(-1);

  size_t OrderOf(const std::string& field) const {
    auto it = position_.find(field);
    return it == position_.end() ? kLast - 1 : it->second + 1;
  }

  void Add(size_t order, FieldProblem problem, bool note = false) {
    findings_.push_back({order, std::move(problem), note});
  }
  void Problem(const std::string& field, std::string code, std::string message,
               std::string rule = {}) {
    Add(OrderOf(field),
        {field, std::move(code), std::move(message), std::move(rule)});
  }
  void SopError(const std::string& field, std::string message) {
    Problem(field, "sop-error",
            std::move(message) + " The SOP needs correcting; tell its owner.");
  }

  const Json* Find(const std::string& id) const {
    auto it = values_.find(id);
    return it == values_.end() ? nullptr : &*it;
  }

  const sop::FormField* FieldOf(const std::string& id) const {
    auto it = position_.find(id);
    return it == position_.end() ? nullptr : &form_.fields[it->second];
  }

  // The form's own campaign_type field states the same fact as the type the
  // request is submitted as; a request need not repeat it.
  void FillCampaignType() {
    if (position_.count("campaign_type") == 0) return;
    const Json* value = Find("campaign_type");
    if (value == nullptr || !Filled(*value)) {
      values_["campaign_type"] = type_.id;
    }
  }

  // The inputs conditions read, each a list of scalars: a multi-choice
  // field is the list of its choices. The derived inputs follow
  // docs/formats/sop.md: the type submitted as, the budget band of the
  // budget field, each channel of the `channels` field.
  void CollectInputs() {
    for (const auto& [key, value] : values_.items()) {
      std::vector<Json>& list = inputs_[key];
      if (value.is_array()) {
        for (const Json& item : value) {
          if (item.is_primitive() && Filled(item)) list.push_back(item);
        }
      } else if (value.is_primitive() && Filled(value)) {
        list.push_back(value);
      }
    }
    inputs_["campaign_type"] = {Json(type_.id)};
    if (sop_.budget && inputs_.count("budget_band") == 0) {
      const Json* amount = Find(sop_.budget->field);
      if (amount != nullptr && amount->is_number()) {
        for (const sop::BudgetBand& band : sop_.budget->bands) {
          if (!band.below || amount->get<double>() < *band.below) {
            inputs_["budget_band"] = {Json(band.id)};
            break;
          }
        }
      }
    }
    if (inputs_.count("channel") == 0) {
      if (auto it = inputs_.find("channels"); it != inputs_.end()) {
        inputs_["channel"] = it->second;
      }
    }
  }

  // Whether `condition` holds for the request. Unlike gateway matching, an
  // input the request leaves empty holds only for "-" and "not(...)": a
  // field required when `urgent: true` is not required when nobody said
  // the request is urgent. A list input holds when any of its values
  // passes, and for "not(...)" when none is excluded. Sets `*error` for a
  // test that does not parse.
  bool Holds(const sop::Condition& condition, std::string* error) const {
    for (const auto& [input, text] : condition.tests) {
      Result<sop::UnaryTest> test = sop::ParseUnaryTest(text);
      if (!test.ok()) {
        *error = "the condition " + input + ": \"" + text +
                 "\" does not parse (" + test.status().message() + ").";
        return false;
      }
      if (test->kind == sop::UnaryTest::Kind::kAny) continue;
      auto it = inputs_.find(input);
      const std::vector<Json> empty;
      const std::vector<Json>& list = it == inputs_.end() ? empty : it->second;
      auto passes = [&](const Json& v) {
        if (v.is_number()) return test->MatchesNumber(v.get<double>());
        if (v.is_string()) return test->Matches(v.get<std::string>());
        return test->Matches(v.dump());  // true, false
      };
      const bool holds = test->kind == sop::UnaryTest::Kind::kNotValues
                             ? std::all_of(list.begin(), list.end(), passes)
                             : std::any_of(list.begin(), list.end(), passes);
      if (!holds) return false;
    }
    return true;
  }

  void CheckField(const sop::FormField& field) {
    const Json* value = Find(field.id);
    if (value == nullptr || !Filled(*value)) {
      if (field.required) {
        Problem(field.id, "required", Label(field) + " is required.");
      } else if (field.required_when) {
        std::string error;
        const bool holds = Holds(*field.required_when, &error);
        if (!error.empty()) {
          SopError(field.id, "When " + Label(field) +
                                 " is required cannot be "
                                 "decided: " +
                                 error);
        } else if (holds) {
          Problem(field.id, "required",
                  Label(field) + " is required when " +
                      ConditionText(*field.required_when) + ".");
        }
      }
      return;
    }
    switch (field.type) {
      case sop::FieldType::kText:
      case sop::FieldType::kLongText:
        CheckText(field, *value);
        break;
      case sop::FieldType::kNumber:
      case sop::FieldType::kMoney:
        CheckNumber(field, *value);
        break;
      case sop::FieldType::kDate:
        CheckDate(field, *value);
        break;
      case sop::FieldType::kChoice:
        CheckChoice(field, *value);
        break;
      case sop::FieldType::kMultiChoice:
        CheckMultiChoice(field, *value);
        break;
      case sop::FieldType::kFile:
        CheckFile(field, *value);
        break;
      case sop::FieldType::kPerson:
        CheckPerson(field, *value);
        break;
      case sop::FieldType::kBoolean:
        if (!value->is_boolean()) {
          Problem(field.id, "not-a-boolean",
                  Label(field) + " must be true or false, not " +
                      Describe(*value) + ".");
        }
        break;
    }
    if (field.id == "campaign_type" && value->is_string() &&
        value->get_ref<const std::string&>() != type_.id) {
      Problem(field.id, "type-mismatch",
              "The request is submitted as a " + type_.name + " campaign (" +
                  type_.id + "), but " + Label(field) + " says " +
                  Describe(*value) + ".");
    }
  }

  void CheckText(const sop::FormField& field, const Json& value) {
    if (!value.is_string()) {
      Problem(field.id, "not-text",
              Label(field) + " must be text, not " + Describe(value) + ".");
      return;
    }
    const std::string& text = value.get_ref<const std::string&>();
    const size_t length = CodePoints(text);
    if (field.max_length && length > static_cast<size_t>(*field.max_length)) {
      Problem(field.id, "too-long",
              Label(field) + " is " + FormatNumber(length) +
                  " characters long; at most " +
                  FormatNumber(*field.max_length) + " are allowed.");
      return;
    }
    if (field.pattern.empty()) return;
    if (length > kMaxPatternedLength) {
      Problem(field.id, "too-long",
              Label(field) + " is " + FormatNumber(length) +
                  " characters long; a field with a set form takes at most " +
                  FormatNumber(kMaxPatternedLength) + ".");
      return;
    }
    std::string error;
    const std::regex* pattern = CompiledPattern(field.pattern, &error);
    if (pattern == nullptr) {
      SopError(field.id, "The form of " + Label(field) + " (" + field.pattern +
                             ") is not a valid regular expression: " + error +
                             ".");
      return;
    }
    bool matches = false;
    try {
      matches = std::regex_search(text, *pattern);
    } catch (const std::regex_error& e) {
      SopError(field.id, "The form of " + Label(field) + " (" + field.pattern +
                             ") could not be matched: " + e.what() + ".");
      return;
    }
    if (!matches) {
      std::string message = Label(field) + " " + Describe(value) +
                            " does not have the expected form " +
                            field.pattern + ".";
      if (!field.help.empty()) message += " " + field.help;
      Problem(field.id, "pattern", std::move(message));
    }
  }

  std::string Currency(const sop::FormField& field) const {
    if (!field.currency.empty()) return field.currency;
    if (sop_.budget && sop_.budget->field == field.id) {
      return sop_.budget->currency;
    }
    return "";
  }

  std::string Amount(const sop::FormField& field, double value) const {
    if (field.type != sop::FieldType::kMoney) return FormatNumber(value);
    const std::string currency = Currency(field);
    return currency.empty() ? FormatNumber(value)
                            : currency + " " + FormatNumber(value);
  }

  void CheckNumber(const sop::FormField& field, const Json& value) {
    const bool money = field.type == sop::FieldType::kMoney;
    if (!value.is_number()) {
      const std::string currency = Currency(field);
      const std::string stated = money ? StatedCurrency(value) : "";
      if (!stated.empty() && !currency.empty() && stated != currency) {
        Problem(field.id, "wrong-currency",
                Label(field) + " is in " + currency + "; " + Describe(value) +
                    " is in " + stated + ".");
      } else {
        Problem(
            field.id, "not-a-number",
            Label(field) + " must be a number" +
                (money && !currency.empty() ? " (an amount in " + currency + ")"
                                            : std::string()) +
                ", not " + Describe(value) + ".");
      }
      return;
    }
    const double number = value.get<double>();
    numbers_[field.id] = number;
    if (field.min && number < *field.min) {
      Problem(field.id, "below-min",
              Label(field) + " must be at least " + Amount(field, *field.min) +
                  "; " + Amount(field, number) + " is less.");
    } else if (field.max && number > *field.max) {
      Problem(field.id, "above-max",
              Label(field) + " must be at most " + Amount(field, *field.max) +
                  "; " + Amount(field, number) + " is more.");
    }
  }

  void CheckDate(const sop::FormField& field, const Json& value) {
    Result<int64_t> at = value.is_string()
                             ? ParseTimestamp(value.get<std::string>())
                             : Result<int64_t>(InvalidArgumentError(""));
    if (!at.ok()) {
      Problem(field.id, "not-a-date",
              Label(field) + " must be a date written YYYY-MM-DD, not " +
                  Describe(value) + ".");
      return;
    }
    dates_[field.id] = *at;
  }

  std::string NotAnOption(const sop::FormField& field,
                          const std::string& value) const {
    std::string message =
        "\"" + Shorten(value) + "\" is not an option of " + Label(field) + ".";
    const std::string closest = ClosestMatch(value, field.options);
    if (!closest.empty()) message += " Did you mean \"" + closest + "\"?";
    return message + " The options are: " + Join(field.options, ", ") + ".";
  }

  bool IsOption(const sop::FormField& field, const std::string& value) const {
    return std::find(field.options.begin(), field.options.end(), value) !=
           field.options.end();
  }

  void CheckChoice(const sop::FormField& field, const Json& value) {
    if (!value.is_string()) {
      Problem(field.id, "not-an-option",
              Label(field) + " must be one of " + Join(field.options, ", ") +
                  ", not " + Describe(value) + ".");
    } else if (!IsOption(field, value.get<std::string>())) {
      Problem(field.id, "not-an-option",
              NotAnOption(field, value.get<std::string>()));
    }
  }

  void CheckMultiChoice(const sop::FormField& field, const Json& value) {
    if (!value.is_array()) {
      Problem(field.id, "not-a-list",
              Label(field) + " must be a list of options, not " +
                  Describe(value) + ".");
      return;
    }
    std::set<std::string> chosen;
    for (const Json& item : value) {
      if (!item.is_string()) {
        Problem(field.id, "not-an-option",
                Describe(item) + " is not an option of " + Label(field) +
                    ". The options are: " + Join(field.options, ", ") + ".");
        continue;
      }
      const std::string& option = item.get_ref<const std::string&>();
      if (!IsOption(field, option)) {
        Problem(field.id, "not-an-option", NotAnOption(field, option));
      } else if (!chosen.insert(option).second) {
        Problem(field.id, "duplicate-option",
                "\"" + option + "\" is chosen more than once in " +
                    Label(field) + ".");
      }
    }
    const auto count = static_cast<double>(chosen.size());
    if (field.min && count < *field.min) {
      Problem(field.id, "too-few",
              "Choose at least " + FormatNumber(*field.min) + " of " +
                  Label(field) + "; " + FormatNumber(count) + " chosen.");
    } else if (field.max && count > *field.max) {
      Problem(field.id, "too-many",
              "Choose at most " + FormatNumber(*field.max) + " of " +
                  Label(field) + "; " + FormatNumber(count) + " chosen.");
    }
  }

  void CheckFile(const sop::FormField& field, const Json& value) {
    auto reference = [](const Json& v) { return v.is_string() && Filled(v); };
    const bool ok = value.is_array()
                        ? std::all_of(value.begin(), value.end(), reference)
                        : reference(value);
    if (!ok) {
      Problem(field.id, "not-a-file",
              Label(field) +
                  " must name an attached file (a link or document id), or a "
                  "list of them, not " +
                  Describe(value) + ".");
    }
  }

  void CheckPerson(const sop::FormField& field, const Json& value) {
    if (value.is_string() &&
        sop_.FindPerson(value.get_ref<const std::string&>()) != nullptr) {
      return;
    }
    std::string message = Label(field) + " must be a person of the SOP, not " +
                          Describe(value) + ".";
    if (value.is_string()) {
      std::vector<std::string> ids;
      for (const sop::Person& p : sop_.people) ids.push_back(p.id);
      const std::string closest =
          ClosestMatch(value.get_ref<const std::string&>(), ids);
      if (!closest.empty()) message += " Did you mean \"" + closest + "\"?";
    }
    Problem(field.id, "unknown-person", std::move(message));
  }

  // The instant `duration` of business time after `start`; nullopt, with
  // one "no-calendar" problem on `field`, when no arithmetic was given.
  std::optional<int64_t> AddTime(int64_t start,
                                 const sop::BusinessDuration& duration,
                                 const std::string& field) {
    if (add_) return add_(start, duration);
    if (!no_calendar_reported_) {
      no_calendar_reported_ = true;
      Problem(field, "no-calendar",
              "No business calendar was given, so business-time gaps and "
              "lead times cannot be checked.");
    }
    return std::nullopt;
  }

  // Resolves `name` (a field, `submitted_at`, or for `literal_ok` a
  // number) for `rule`; nullopt, with a sop-error on `at`, when the SOP
  // names something the form does not have.
  std::optional<Operand> Resolve(const sop::FormRule& rule,
                                 const std::string& name, bool literal_ok,
                                 const std::string& at) {
    Operand out;
    if (name == kSubmittedAt) {
      out.kind = Operand::Kind::kDate;
      out.value = static_cast<double>(now_);
      out.text = "the submission (" + DateText(now_) + ")";
      return out;
    }
    const sop::FormField* field = FieldOf(name);
    if (field == nullptr) {
      double number = 0;
      const std::string_view text = Trim(name);
      auto [end, ec] =
          std::from_chars(text.data(), text.data() + text.size(), number);
      if (literal_ok && !text.empty() && ec == std::errc() &&
          end == text.data() + text.size()) {
        out.value = number;
        out.text = FormatNumber(number);
        return out;
      }
      SopError(at, "The rule " + rule.id + " names \"" + name +
                       "\", which is not a field of " + form_.name + ".");
      return std::nullopt;
    }
    switch (field->type) {
      case sop::FieldType::kDate: {
        out.kind = Operand::Kind::kDate;
        auto it = dates_.find(name);
        if (it != dates_.end()) {
          out.value = static_cast<double>(it->second);
          out.text = Label(*field) + " (" + DateText(it->second) + ")";
        }
        return out;
      }
      case sop::FieldType::kNumber:
      case sop::FieldType::kMoney: {
        auto it = numbers_.find(name);
        if (it != numbers_.end()) {
          out.value = it->second;
          out.text = Label(*field) + " (" + Amount(*field, it->second) + ")";
        }
        return out;
      }
      default:
        SopError(at, "The rule " + rule.id + " compares " + Label(*field) +
                         ", which is neither a number nor a date.");
        return std::nullopt;
    }
  }

  void CheckRule(const sop::FormRule& rule) {
    if (rule.kind == "date_order") {
      // The later date is the one a person moves to satisfy the rule.
      const std::string at =
          rule.later == kSubmittedAt ? rule.earlier : rule.later;
      std::optional<Operand> earlier = Resolve(rule, rule.earlier, false, at);
      std::optional<Operand> later = Resolve(rule, rule.later, false, at);
      if (!earlier || !later) return;
      if (earlier->kind != Operand::Kind::kDate ||
          later->kind != Operand::Kind::kDate) {
        SopError(at, "The rule " + rule.id +
                         " orders fields that are not "
                         "dates.");
        return;
      }
      if (!earlier->value || !later->value) return;  // does not apply
      const auto start = static_cast<int64_t>(*earlier->value);
      int64_t required = start;
      if (rule.min_gap) {
        std::optional<int64_t> after = AddTime(start, *rule.min_gap, at);
        if (!after) return;
        required = *after;
      }
      if (static_cast<int64_t>(*later->value) >= required) return;
      std::string message = rule.message;
      if (message.empty()) {
        message = later->text + " must be " +
                  (rule.min_gap ? "at least " + rule.min_gap->ToString() +
                                      " of business time after "
                                : "on or after ") +
                  earlier->text + ".";
      }
      if (rule.later != kSubmittedAt) {
        message += " The earliest possible date is " +
                   DateText(CeilToDay(required)) + ".";
      }
      Problem(at, "rule", std::move(message), rule.id);
    } else if (rule.kind == "compare") {
      const std::string& at = rule.left;
      if (!KnownOperator(rule.op)) {
        SopError(at, "The rule " + rule.id + " has the unknown operator \"" +
                         rule.op + "\".");
        return;
      }
      std::optional<Operand> left = Resolve(rule, rule.left, false, at);
      std::optional<Operand> right = Resolve(rule, rule.right, true, at);
      if (!left || !right) return;
      if (left->kind != right->kind) {
        SopError(at, "The rule " + rule.id + " compares a date with a number.");
        return;
      }
      if (!left->value || !right->value) return;  // does not apply
      if (CompareValues(*left->value, rule.op, *right->value)) return;
      Problem(at, "rule",
              rule.message.empty()
                  ? left->text + " must be " + rule.op + " " + right->text + "."
                  : rule.message,
              rule.id);
    } else {
      SopError(rule.left.empty() ? rule.later : rule.left,
               "The rule " + rule.id + " has the unknown kind \"" + rule.kind +
                   "\".");
    }
  }

  bool Urgent() const {
    const Json* urgent = Find(kUrgentField);
    return urgent != nullptr && urgent->is_boolean() && urgent->get<bool>();
  }

  // The campaign type's lead time, and launches in a freeze period.
  void CheckLaunch() {
    const sop::FormField* launch_field = FieldOf(kLaunchDateField);
    if (launch_field == nullptr ||
        launch_field->type != sop::FieldType::kDate) {
      if (type_.lead_time) {
        Add(kFirst, {"campaign_type", "sop-error",
                     type_.name + " campaigns need a lead time of " +
                         type_.lead_time->ToString() + ", but " + form_.name +
                         " has no date field " + kLaunchDateField +
                         " to count it to. The SOP needs correcting; tell its "
                         "owner.",
                     ""});
      }
      return;
    }
    auto launch = dates_.find(kLaunchDateField);
    if (launch == dates_.end()) return;  // empty or not a date: reported
    if (type_.lead_time) {
      std::optional<int64_t> earliest =
          AddTime(now_, *type_.lead_time, kLaunchDateField);
      if (earliest && launch->second < *earliest) {
        std::string message =
            type_.name + " campaigns need " + type_.lead_time->ToString() +
            " of business time from submission to launch; the earliest "
            "launch date is " +
            DateText(CeilToDay(*earliest)) + ".";
        const bool urgent = Urgent();
        if (urgent) {
          message += " The request is urgent, so it may take the fast track.";
        }
        Add(OrderOf(kLaunchDateField),
            {kLaunchDateField, "lead-time", std::move(message), ""}, urgent);
      }
    }
    if (!sop_.calendar) return;
    // Freeze periods are whole days; the launch day is its UTC date, as a
    // date field holds it.
    const std::string day = FormatTimestamp(launch->second).substr(0, 10);
    for (const sop::FreezePeriod& freeze : sop_.calendar->freeze_periods) {
      if (day < freeze.from || day > freeze.to) continue;
      std::string message = "The launch date " + day + " falls in the " +
                            freeze.name + " (" + freeze.from + " to " +
                            freeze.to + ")";
      message += freeze.rule.empty() ? "." : ": " + freeze.rule;
      Add(OrderOf(kLaunchDateField),
          {kLaunchDateField, "freeze-period", std::move(message), ""}, true);
    }
  }

  void CheckUnknownFields() {
    std::vector<std::string> ids;
    for (const sop::FormField& f : form_.fields) ids.push_back(f.id);
    for (const auto& [key, value] : values_.items()) {
      if (position_.count(key) != 0) continue;
      std::string message =
          form_.name + " has no field \"" + Shorten(key) + "\".";
      const std::string closest = ClosestMatch(key, ids);
      if (!closest.empty()) message += " Did you mean \"" + closest + "\"?";
      Add(kLast - 1, {key, "unknown-field", std::move(message), ""});
    }
  }

  const sop::Definition& sop_;
  const sop::CampaignType& type_;
  const sop::Form& form_;
  Json values_;
  const int64_t now_;
  const AddBusinessTime& add_;
  std::map<std::string, size_t> position_;  // field id -> index in the form
  std::map<std::string, std::vector<Json>> inputs_;
  std::map<std::string, int64_t> dates_;   // valid dates, by field id
  std::map<std::string, double> numbers_;  // valid numbers, by field id
  std::vector<Finding> findings_;
  bool no_calendar_reported_ = false;
};

IntakeReport Single(FieldProblem problem) {
  IntakeReport report;
  report.problems.push_back(std::move(problem));
  return report;
}

Json ProblemsToJson(const std::vector<FieldProblem>& problems) {
  Json out = Json::array();
  for (const FieldProblem& p : problems) {
    Json item = {{"field", p.field}, {"code", p.code}, {"message", p.message}};
    if (!p.rule.empty()) item["rule"] = p.rule;
    out.push_back(std::move(item));
  }
  return out;
}

}  // namespace

IntakeReport CheckRequest(const sop::Definition& sop,
                          const std::string& campaign_type,
                          const nlohmann::json& values, int64_t now_us,
                          const AddBusinessTime& add) {
  const sop::CampaignType* type = nullptr;
  std::vector<std::string> known;
  for (const sop::CampaignType& t : sop.campaign_types) {
    known.push_back(t.id);
    if (t.id == campaign_type) type = &t;
  }
  if (type == nullptr) {
    std::string message =
        "There is no campaign type \"" + Shorten(campaign_type) + "\".";
    const std::string closest = ClosestMatch(campaign_type, known);
    if (!closest.empty()) message += " Did you mean \"" + closest + "\"?";
    message += known.empty()
                   ? " The SOP defines no campaign types."
                   : " The campaign types are: " + Join(known, ", ") + ".";
    return Single({"campaign_type", "unknown-campaign-type", message, ""});
  }
  const sop::Form* form = sop.FindForm(type->form);
  if (form == nullptr) {
    return Single({"campaign_type", "sop-error",
                   type->name + " campaigns use the form \"" + type->form +
                       "\", which the SOP does not have. The SOP needs "
                       "correcting; tell its owner.",
                   ""});
  }
  if (!values.is_null() && !values.is_object()) {
    return Single({"", "not-an-object",
                   "The request's values must be a JSON object from field id "
                   "to value.",
                   ""});
  }

  Checker checker(sop, *type, *form,
                  values.is_null() ? nlohmann::json::object() : values, now_us,
                  add);
  try {
    checker.Run();
  } catch (const std::exception& e) {
    // Only the injected `add` or an exhausted allocator can get here; the
    // findings so far are kept.
    return checker.Report(e.what());
  }
  return checker.Report();
}

nlohmann::json IntakeReportToJson(const IntakeReport& report) {
  return {{"ok", report.ok()},
          {"problems", ProblemsToJson(report.problems)},
          {"notes", ProblemsToJson(report.notes)}};
}

}  // namespace livesop::engine

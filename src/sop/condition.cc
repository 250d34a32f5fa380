#include "sop/condition.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <set>

#include "core/text.h"

namespace livesop::sop {
namespace {

std::optional<double> ParseNumber(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::nullopt;
  std::string s(text);
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  double value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return value;
}

std::string Unquote(std::string_view text) {
  text = Trim(text);
  if (text.size() >= 2 && ((text.front() == '"' && text.back() == '"') ||
                           (text.front() == '\'' && text.back() == '\''))) {
    text = text.substr(1, text.size() - 2);
  }
  return std::string(text);
}

// Splits a value list on commas outside quotes.
Result<std::vector<std::string>> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::string current;
  char quote = 0;
  for (char ch : text) {
    if (quote != 0) {
      current += ch;
      if (ch == quote) quote = 0;
    } else if (ch == '"' || ch == '\'') {
      quote = ch;
      current += ch;
    } else if (ch == ',') {
      out.push_back(current);
      current.clear();
    } else {
      current += ch;
    }
  }
  if (quote != 0) return InvalidArgumentError("unterminated quoted value");
  out.push_back(current);
  for (std::string& item : out) {
    if (Trim(item).empty()) {
      return InvalidArgumentError(
          "empty value in the list (two commas in a row?)");
    }
    item = Unquote(item);
  }
  return out;
}

bool ValueEquals(std::string_view a, std::string_view b) {
  if (a == b) return true;
  auto x = ParseNumber(a);
  auto y = ParseNumber(b);
  return x && y && *x == *y;
}

}  // namespace

bool UnaryTest::MatchesNumber(double value) const {
  switch (kind) {
    case Kind::kAny:
      return true;
    case Kind::kRange:
      if (low_open ? !(value > low) : !(value >= low)) return false;
      if (high_open ? !(value < high) : !(value <= high)) return false;
      return true;
    case Kind::kValues:
    case Kind::kNotValues: {
      bool found =
          std::any_of(values.begin(), values.end(), [&](const auto& v) {
            auto n = ParseNumber(v);
            return n && *n == value;
          });
      return kind == Kind::kValues ? found : !found;
    }
  }
  return false;
}

bool UnaryTest::Matches(std::string_view value) const {
  switch (kind) {
    case Kind::kAny:
      return true;
    case Kind::kRange: {
      auto n = ParseNumber(value);
      return n && MatchesNumber(*n);
    }
    case Kind::kValues:
    case Kind::kNotValues: {
      bool found =
          std::any_of(values.begin(), values.end(),
                      [&](const auto& v) { return ValueEquals(v, value); });
      return kind == Kind::kValues ? found : !found;
    }
  }
  return false;
}

Result<UnaryTest> ParseUnaryTest(std::string_view text) {
  text = Trim(text);
  UnaryTest test;
  if (text.empty()) {
    return InvalidArgumentError("empty test; write \"-\" for any value");
  }
  if (text == "-") return test;

  if (text.starts_with("not(") || text.starts_with("not (")) {
    if (text.back() != ')') {
      return InvalidArgumentError("\"not(\" without a closing \")\"");
    }
    std::string_view inner = text.substr(text.find('(') + 1);
    inner.remove_suffix(1);
    LIVESOP_ASSIGN_OR_RETURN(std::vector<std::string> values, SplitList(inner));
    test.kind = UnaryTest::Kind::kNotValues;
    test.values = std::move(values);
    return test;
  }

  const char first = text.front();
  if (first == '[' || first == '(' || first == ']') {
    const char last = text.back();
    if (last != ']' && last != ')' && last != '[') {
      return InvalidArgumentError("an interval must end with \"]\" or \")\"");
    }
    std::string_view inner = text.substr(1, text.size() - 2);
    size_t dots = inner.find("..");
    if (dots == std::string_view::npos) {
      return InvalidArgumentError(
          "expected \"..\" between the bounds, as in "
          "\"[1000..5000)\"");
    }
    auto low = ParseNumber(inner.substr(0, dots));
    auto high = ParseNumber(inner.substr(dots + 2));
    if (!low || !high) {
      return InvalidArgumentError("interval bounds must be numbers");
    }
    if (*low > *high) {
      return InvalidArgumentError("the lower bound is above the upper bound");
    }
    test.kind = UnaryTest::Kind::kRange;
    test.low = *low;
    test.high = *high;
    test.low_open = first != '[';
    test.high_open = last != ']';
    return test;
  }

  static const std::vector<std::string> kOps = {
      "<=", ">=", "!=", "<", ">", "="};
  for (const std::string& op : kOps) {
    if (!text.starts_with(op)) continue;
    auto number = ParseNumber(text.substr(op.size()));
    if (!number) {
      return InvalidArgumentError("\"" + op +
                                  "\" must be followed by a number");
    }
    if (op == "!=") {
      test.kind = UnaryTest::Kind::kNotValues;
      test.values = {std::string(Trim(text.substr(op.size())))};
      return test;
    }
    if (op == "=") {
      test.kind = UnaryTest::Kind::kValues;
      test.values = {std::string(Trim(text.substr(op.size())))};
      return test;
    }
    test.kind = UnaryTest::Kind::kRange;
    if (op == "<" || op == "<=") {
      test.high = *number;
      test.high_open = op == "<";
    } else {
      test.low = *number;
      test.low_open = op == ">";
    }
    return test;
  }

  LIVESOP_ASSIGN_OR_RETURN(std::vector<std::string> values, SplitList(text));
  for (const std::string& v : values) {
    if (v.find_first_of("()[]<>") != std::string::npos) {
      return InvalidArgumentError("unexpected character in value \"" + v +
                                  "\"; quote values that contain brackets");
    }
  }
  test.kind = UnaryTest::Kind::kValues;
  test.values = std::move(values);
  return test;
}

bool Holds(const Condition& condition, const Case& c) {
  for (const auto& [input, text] : condition.tests) {
    auto it = c.find(input);
    if (it == c.end()) continue;
    Result<UnaryTest> test = ParseUnaryTest(text);
    if (!test.ok() || !test->Matches(it->second)) return false;
  }
  return true;
}

namespace {

std::string FormatNumber(double value) {
  char buffer[64];
  auto [ptr, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value,
                                 std::chars_format::fixed);
  return ec == std::errc() ? std::string(buffer, ptr) : std::to_string(value);
}

std::vector<std::string> NumericSamples(
    const std::string& input, const std::vector<const Condition*>& conditions) {
  std::set<double> bounds;
  for (const Condition* condition : conditions) {
    if (condition == nullptr) continue;
    for (const auto& [name, text] : condition->tests) {
      if (name != input) continue;
      Result<UnaryTest> test = ParseUnaryTest(text);
      if (!test.ok()) continue;
      if (std::isfinite(test->low)) bounds.insert(test->low);
      if (std::isfinite(test->high)) bounds.insert(test->high);
      for (const std::string& v : test->values) {
        if (auto n = ParseNumber(v)) bounds.insert(*n);
      }
    }
  }
  std::vector<double> points;
  if (bounds.empty()) {
    points.push_back(0);
  } else {
    points.push_back(*bounds.begin() - 1);
    double previous = 0;
    bool first = true;
    for (double b : bounds) {
      if (!first) points.push_back((previous + b) / 2);
      points.push_back(b);
      previous = b;
      first = false;
    }
    points.push_back(*bounds.rbegin() + 1);
  }
  std::vector<std::string> out;
  out.reserve(points.size());
  for (double p : points) out.push_back(FormatNumber(p));
  return out;
}

}  // namespace

std::vector<Case> EnumerateCases(
    const std::vector<InputDomain>& domains,
    const std::vector<const Condition*>& conditions, size_t max_cases,
    bool* truncated) {
  std::vector<std::vector<std::string>> samples;
  for (const InputDomain& d : domains) {
    samples.push_back(d.numeric ? NumericSamples(d.name, conditions)
                                : d.values);
    if (samples.back().empty()) samples.back().push_back("");
  }
  std::vector<Case> out;
  *truncated = false;
  std::vector<size_t> index(domains.size(), 0);
  while (true) {
    if (out.size() >= max_cases) {
      *truncated = true;
      break;
    }
    Case c;
    for (size_t i = 0; i < domains.size(); ++i) {
      c[domains[i].name] = samples[i][index[i]];
    }
    out.push_back(std::move(c));
    size_t i = 0;
    while (i < domains.size()) {
      if (++index[i] < samples[i].size()) break;
      index[i] = 0;
      ++i;
    }
    if (i == domains.size()) break;
  }
  return out;
}

std::string CaseToString(const Case& c) {
  std::vector<std::string> parts;
  for (const auto& [name, value] : c) parts.push_back(name + "=" + value);
  return Join(parts, ", ");
}

}  // namespace livesop::sop

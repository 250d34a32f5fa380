#include "sop/loader.h"

#include <openssl/evp.h>
#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "core/text.h"
#include "sop/asset_spec.h"
#include "sop/condition.h"
#include "sop/holidays.h"
#include "sop/results.h"

namespace livesop::sop {
namespace {

namespace fs = std::filesystem;

const std::regex& IdPattern() {
  static const std::regex pattern("[a-z][a-z0-9_-]{0,63}");
  return pattern;
}

// A step reference: `step` or `process.step`.
const std::regex& StepRefPattern() {
  static const std::regex pattern(
      "[a-z][a-z0-9_-]{0,63}(\\.[a-z][a-z0-9_-]{0,63})?");
  return pattern;
}

// State shared by every reader of one load: diagnostics and the current file.
struct Context {
  DiagnosticList* diagnostics = nullptr;
  std::string file;
  int elements = 0;
  int max_elements = 200000;
  bool too_many_reported = false;

  SourceLocation At(const YAML::Node& node) const {
    const YAML::Mark mark = node.Mark();
    if (mark.is_null()) return {file, 0, 0};
    return {file, mark.line + 1, mark.column + 1};
  }
  void Error(const YAML::Node& node, std::string code, std::string message,
             std::string hint = {}, std::string path = {}) {
    diagnostics->Error(At(node), std::move(code), std::move(message),
                       std::move(hint), std::move(path));
  }
  // Counts one element; false once the limit is passed.
  bool Count(const YAML::Node& node) {
    if (++elements <= max_elements) return true;
    if (!too_many_reported) {
      too_many_reported = true;
      Error(node, "too-many-elements",
            "the definition has more than " + std::to_string(max_elements) +
                " elements",
            "split the SOP or remove repeated aliases");
    }
    return false;
  }
};

const char* YamlTypeName(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a map";
    case YAML::NodeType::Undefined:
      return "nothing";
  }
  return "nothing";
}

std::string JoinPath(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// Reads one YAML map against a fixed set of keys. Reports unknown and
// duplicate keys on construction, then hands out typed values; each getter
// reports wrong types and missing required keys and returns an empty value,
// so reading goes on and every problem is found in one pass.
class MapReader {
 public:
  MapReader(Context& ctx, const YAML::Node& node, std::string path,
            std::vector<std::string> keys)
      : ctx_(ctx), node_(node), path_(std::move(path)), keys_(std::move(keys)) {
    if (!node_.IsMap()) {
      ok_ = false;
      ctx_.Error(
          node_, "not-a-mapping",
          Describe() + " should be a map of keys, found " + YamlTypeName(node_),
          "write `key: value` lines indented under it", path_);
      return;
    }
    ok_ = ctx_.Count(node_);
    std::set<std::string> seen;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      const YAML::Node key = it->first;  // a copy: `*it` is a temporary
      if (!key.IsScalar()) {
        ctx_.Error(key, "wrong-type", "a key must be a plain word", {}, path_);
        continue;
      }
      const std::string& name = key.Scalar();
      if (!seen.insert(name).second) {
        ctx_.Error(key, "duplicate-key",
                   "key `" + name + "` is written twice in " + Describe(),
                   "remove one of them; YAML keeps only one",
                   JoinPath(path_, name));
      }
      if (std::find(keys_.begin(), keys_.end(), name) == keys_.end()) {
        std::string suggestion = ClosestMatch(name, keys_);
        std::string hint = suggestion.empty()
                               ? "allowed keys here: " + Join(keys_, ", ")
                               : "did you mean `" + suggestion + "`?";
        ctx_.Error(key, "unknown-key",
                   "unknown key `" + name + "` in " + Describe(), hint,
                   JoinPath(path_, name));
      }
    }
  }

  bool ok() const { return ok_; }
  const YAML::Node& node() const { return node_; }

  // Where each key's value (and each list entry) was written.
  KeyLocations Locations() const {
    KeyLocations at;
    if (!ok_) return at;
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (!it->first.IsScalar()) continue;
      const std::string key = it->first.Scalar();
      at[key] = ctx_.At(it->second.IsNull() ? it->first : it->second);
      if (it->second.IsSequence()) {
        int i = 0;
        const YAML::Node list = it->second;
        for (const YAML::Node& item : list) {
          at[key + "[" + std::to_string(i++) + "]"] = ctx_.At(item);
        }
      }
    }
    return at;
  }
  SourceLocation where() const { return ctx_.At(node_); }

  // The value node of `key`, or an undefined node.
  YAML::Node Get(const std::string& key) const {
    if (!ok_) return YAML::Node(YAML::NodeType::Undefined);
    for (auto it = node_.begin(); it != node_.end(); ++it) {
      if (it->first.IsScalar() && it->first.Scalar() == key) return it->second;
    }
    return YAML::Node(YAML::NodeType::Undefined);
  }
  bool Has(const std::string& key) const {
    YAML::Node value = Get(key);
    return value.IsDefined() && !value.IsNull();
  }
  SourceLocation Where(const std::string& key) const {
    YAML::Node value = Get(key);
    return value.IsDefined() ? ctx_.At(value) : where();
  }

  std::string String(const std::string& key, bool required = false) {
    YAML::Node value = Get(key);
    if (!Present(key, value, required)) return {};
    if (!value.IsScalar()) {
      WrongType(key, value, "a text value");
      return {};
    }
    return value.Scalar();
  }

  std::string Id(const std::string& key, bool required = false) {
    std::string id = String(key, required);
    if (!id.empty()) CheckId(Get(key), key, id);
    return id;
  }

  // A step outside its process: `step` (that step in every process that has
  // it) or `process.step`.
  std::string StepRef(const std::string& key) {
    std::string ref = String(key);
    if (!ref.empty()) CheckStepRef(Get(key), key, ref);
    return ref;
  }
  std::vector<std::string> StepRefs(const std::string& key) {
    std::vector<std::string> out = Strings(key);
    YAML::Node value = Get(key);
    if (value.IsSequence()) {
      for (const YAML::Node& item : value) {
        if (item.IsScalar()) CheckStepRef(item, key, item.Scalar());
      }
    }
    return out;
  }

  bool Bool(const std::string& key, bool fallback) {
    YAML::Node value = Get(key);
    if (!Present(key, value, false)) return fallback;
    if (value.IsScalar() &&
        (value.Scalar() == "true" || value.Scalar() == "false")) {
      return value.Scalar() == "true";
    }
    WrongType(key, value, "true or false");
    return fallback;
  }

  std::optional<double> Number(const std::string& key) {
    YAML::Node value = Get(key);
    if (!Present(key, value, false)) return std::nullopt;
    if (value.IsScalar()) {
      std::string text = value.Scalar();
      text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
      char* end = nullptr;
      double number = std::strtod(text.c_str(), &end);
      if (!text.empty() && end == text.c_str() + text.size() &&
          std::isfinite(number)) {
        return number;
      }
    }
    WrongType(key, value, "a number");
    return std::nullopt;
  }

  std::optional<int> Int(const std::string& key) {
    std::optional<double> number = Number(key);
    if (!number) return std::nullopt;
    if (*number != static_cast<double>(static_cast<int>(*number)) ||
        std::abs(*number) > 1e9) {
      WrongType(key, Get(key), "a whole number");
      return std::nullopt;
    }
    return static_cast<int>(*number);
  }

  std::vector<std::string> Strings(const std::string& key,
                                   bool required = false) {
    YAML::Node value = Get(key);
    std::vector<std::string> out;
    if (!Present(key, value, required)) return out;
    if (!value.IsSequence()) {
      WrongType(key, value, "a list",
                value.IsScalar() ? "write it as a list: `" + key + ": [" +
                                       value.Scalar() + "]`"
                                 : "");
      return out;
    }
    for (const YAML::Node& item : value) {
      if (!item.IsScalar()) {
        ctx_.Error(
            item, "wrong-type",
            "`" + key + "` entries should be text, found " + YamlTypeName(item),
            {}, JoinPath(path_, key));
        continue;
      }
      out.push_back(item.Scalar());
    }
    return out;
  }

  // One id, or a list of them.
  std::vector<std::string> IdOrIds(const std::string& key) {
    YAML::Node value = Get(key);
    if (value.IsScalar()) return {Id(key)};
    return Ids(key);
  }

  // A list of ids; each entry's format is checked.
  std::vector<std::string> Ids(const std::string& key, bool required = false) {
    std::vector<std::string> out = Strings(key, required);
    YAML::Node value = Get(key);
    if (value.IsSequence()) {
      for (const YAML::Node& item : value) {
        if (item.IsScalar()) CheckId(item, key, item.Scalar());
      }
    }
    return out;
  }

  // A business duration. Zero is allowed only where `allow_zero` says so
  // (an escalation that fires at once); negative never.
  std::optional<BusinessDuration> Duration(const std::string& key,
                                           bool required = false,
                                           bool allow_zero = false) {
    YAML::Node value = Get(key);
    if (!Present(key, value, required)) return std::nullopt;
    if (!value.IsScalar()) {
      WrongType(key, value, "a duration such as `2d`");
      return std::nullopt;
    }
    static const std::regex pattern("(-?[0-9]+)\\s*(m|h|d|w)");
    std::smatch match;
    const std::string& text = value.Scalar();
    if (!std::regex_match(text, match, pattern)) {
      ctx_.Error(value, "invalid-value",
                 "`" + key + "` has \"" + text + "\", which is not a duration",
                 "write a whole number and a unit: 30m, 4h, 2d (working days) "
                 "or 1w",
                 JoinPath(path_, key));
      return std::nullopt;
    }
    BusinessDuration d;
    d.text = text;
    try {
      d.amount = std::stoll(match[1].str());
    } catch (const std::out_of_range&) {
      ctx_.Error(value, "invalid-value", "`" + key + "` is too large", {},
                 JoinPath(path_, key));
      return std::nullopt;
    }
    const char unit = match[2].str()[0];
    d.unit = unit == 'm'   ? BusinessDuration::Unit::kMinutes
             : unit == 'h' ? BusinessDuration::Unit::kHours
             : unit == 'd' ? BusinessDuration::Unit::kDays
                           : BusinessDuration::Unit::kWeeks;
    if (d.amount < 0 || (d.amount == 0 && !allow_zero)) {
      ctx_.Error(value, "invalid-sla",
                 "`" + key + "` is " + text + "; a duration must be positive",
                 "give the time the step may take, for example 2d",
                 JoinPath(path_, key));
      return std::nullopt;
    }
    if (d.amount > 100000) {
      ctx_.Error(value, "invalid-value",
                 "`" + key + "` is " + text + ", longer than any SOP needs", {},
                 JoinPath(path_, key));
      return std::nullopt;
    }
    return d;
  }

  std::string Date(const std::string& key, bool required = false) {
    std::string text = String(key, required);
    static const std::regex pattern(
        "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])");
    if (!text.empty() && !std::regex_match(text, pattern)) {
      ctx_.Error(Get(key), "invalid-value",
                 "`" + key + "` has \"" + text + "\", which is not a date",
                 "write dates as YYYY-MM-DD", JoinPath(path_, key));
      return {};
    }
    return text;
  }

  // One of `allowed`; reports invalid-value with a suggestion otherwise.
  std::string Enum(const std::string& key,
                   const std::vector<std::string>& allowed,
                   bool required = false) {
    std::string text = String(key, required);
    if (text.empty()) return text;
    if (std::find(allowed.begin(), allowed.end(), text) == allowed.end()) {
      std::string suggestion = ClosestMatch(text, allowed);
      ctx_.Error(Get(key), "invalid-value",
                 "`" + key + "` is \"" + text + "\", expected one of " +
                     Join(allowed, ", "),
                 suggestion.empty() ? "" : "did you mean `" + suggestion + "`?",
                 JoinPath(path_, key));
      return {};
    }
    return text;
  }

  // Calls `read(item, path)` for each entry of the list under `key`.
  template <typename Fn>
  void List(const std::string& key, Fn read, bool required = false) {
    YAML::Node value = Get(key);
    if (!Present(key, value, required)) return;
    if (!value.IsSequence()) {
      WrongType(key, value, "a list of entries",
                "start each entry with `- ` on its own line");
      return;
    }
    int index = 0;
    for (const YAML::Node& item : value) {
      if (ctx_.too_many_reported) return;
      read(item, JoinPath(path_, key) + "[" + std::to_string(index++) + "]");
    }
  }

  std::optional<Condition> ReadCondition(const std::string& key,
                                         bool required = false);

  std::string Path(const std::string& key) const {
    return JoinPath(path_, key);
  }
  Context& ctx() { return ctx_; }

 private:
  std::string Describe() const {
    return path_.empty() ? "the document" : "`" + path_ + "`";
  }

  bool Present(const std::string& key, const YAML::Node& value, bool required) {
    if (value.IsDefined() && !value.IsNull()) return true;
    if (required && ok_) {
      ctx_.Error(value.IsDefined() ? value : node_, "missing-key",
                 Describe() + " needs `" + key + "`", {}, JoinPath(path_, key));
    }
    return false;
  }

  void WrongType(const std::string& key, const YAML::Node& value,
                 const std::string& expected, std::string hint = {}) {
    ctx_.Error(value, "wrong-type",
               "`" + key + "` should be " + expected + ", found " +
                   YamlTypeName(value),
               std::move(hint), JoinPath(path_, key));
  }

  void CheckStepRef(const YAML::Node& value, const std::string& key,
                    const std::string& ref) {
    if (std::regex_match(ref, StepRefPattern())) return;
    ctx_.Error(
        value, "invalid-value",
        "`" + key + "` has \"" + ref + "\", which is not a step reference",
        "write a step id, or process-id.step-id for one process's step",
        JoinPath(path_, key));
  }

  void CheckId(const YAML::Node& value, const std::string& key,
               const std::string& id) {
    if (std::regex_match(id, IdPattern())) return;
    ctx_.Error(value, "invalid-value",
               "`" + key + "` has \"" + id + "\", which is not a valid id",
               "ids are lower-case letters, digits, '-' and '_', starting with "
               "a letter, at most 64 characters",
               JoinPath(path_, key));
  }

  Context& ctx_;
  YAML::Node node_;
  std::string path_;
  std::vector<std::string> keys_;
  bool ok_ = true;
};

std::optional<Condition> MapReader::ReadCondition(const std::string& key,
                                                  bool required) {
  YAML::Node value = Get(key);
  if (!Present(key, value, required)) return std::nullopt;
  if (!value.IsMap()) {
    WrongType(key, value, "a map of input: test",
              "for example `" + key + ": { budget_band: \"large\" }`");
    return std::nullopt;
  }
  Condition condition;
  condition.where = ctx_.At(value);
  for (auto it = value.begin(); it != value.end(); ++it) {
    const YAML::Node input = it->first;  // copies: `*it` is a temporary
    const YAML::Node test = it->second;
    if (!input.IsScalar()) {
      ctx_.Error(input, "wrong-type", "a condition input must be a field name",
                 {}, Path(key));
      continue;
    }
    std::string text;
    if (test.IsNull()) {
      text = "-";
    } else if (test.IsScalar()) {
      text = test.Scalar();
    } else if (test.IsSequence()) {
      std::vector<std::string> values;
      for (const YAML::Node& v : test) {
        if (v.IsScalar()) values.push_back("\"" + v.Scalar() + "\"");
      }
      text = values.empty() ? "-" : Join(values, ", ");
    } else {
      ctx_.Error(test, "wrong-type",
                 "the test for `" + input.Scalar() +
                     "` should be text such as "
                     "\"< 5000\" or \"a, b\", found a map",
                 {}, Path(key) + "." + input.Scalar());
      continue;
    }
    Result<UnaryTest> parsed = ParseUnaryTest(text);
    if (!parsed.ok()) {
      ctx_.Error(test, "invalid-condition",
                 "the test \"" + text + "\" for `" + input.Scalar() +
                     "` does not parse: " + parsed.status().message(),
                 "use \"-\", \"a, b\", \"not(a)\", \"< 5000\" or "
                 "\"[1000..5000)\"",
                 Path(key) + "." + input.Scalar());
      continue;
    }
    condition.tests.emplace_back(input.Scalar(), text);
    condition.test_locations.push_back(ctx_.At(test));
  }
  return condition;
}

// ---------------------------------------------------------------------------
// Element readers, one per model type. Each returns false when the node is
// not a map (the element is then skipped).

bool ReadChangelog(Context& ctx, const YAML::Node& node,
                   const std::string& path, ChangelogEntry* out) {
  MapReader r(ctx, node, path, {"version", "date", "author", "changes"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->version = r.String("version", true);
  out->date = r.Date("date");
  out->author = r.String("author");
  out->changes = r.Strings("changes");
  return true;
}

void ReadSopInfo(Context& ctx, const YAML::Node& node, SopInfo* out) {
  MapReader r(ctx, node, "sop",
              {"id", "title", "department", "version", "owner", "effective",
               "overview", "goals"});
  if (!r.ok()) return;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->title = r.String("title", true);
  out->department = r.String("department");
  out->version = r.String("version", true);
  static const std::regex version("[0-9]+\\.[0-9]+(\\.[0-9]+)?");
  if (!out->version.empty() && !std::regex_match(out->version, version)) {
    ctx.Error(r.Get("version"), "invalid-value",
              "`version` is \"" + out->version +
                  "\", expected MAJOR.MINOR or MAJOR.MINOR.PATCH",
              "for example 1.2.0", "sop.version");
  }
  out->owner = r.Id("owner", true);
  out->effective = r.Date("effective");
  out->overview = r.String("overview");
  out->goals = r.Strings("goals");
}

bool ReadCalendar(Context& ctx, const YAML::Node& node, const std::string& path,
                  BusinessCalendar* out) {
  MapReader r(ctx, node, path,
              {"id", "name", "timezone", "working_days", "working_hours",
               "holidays", "holidays_from"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name");
  out->timezone = r.String("timezone", true);
  out->working_days = r.Strings("working_days");
  static const std::vector<std::string> kDays = {"mon", "tue", "wed", "thu",
                                                 "fri", "sat", "sun"};
  YAML::Node days = r.Get("working_days");
  if (days.IsSequence()) {
    for (const YAML::Node& d : days) {
      if (d.IsScalar() &&
          std::find(kDays.begin(), kDays.end(), d.Scalar()) == kDays.end()) {
        std::string s = ClosestMatch(d.Scalar(), kDays);
        ctx.Error(d, "invalid-value",
                  "\"" + d.Scalar() +
                      "\" is not a day; use mon, tue, wed, "
                      "thu, fri, sat, sun",
                  s.empty() ? "" : "did you mean `" + s + "`?",
                  r.Path("working_days"));
      }
    }
  }
  if (out->working_days.empty()) {
    out->working_days = {"mon", "tue", "wed", "thu", "fri"};
  }
  out->working_hours = r.Strings("working_hours");
  YAML::Node hours = r.Get("working_hours");
  static const std::regex span(
      "([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-4]):[0-5][0-9]");
  if (hours.IsSequence()) {
    for (const YAML::Node& h : hours) {
      if (!h.IsScalar()) continue;
      std::smatch m;
      const std::string text = h.Scalar();
      if (!std::regex_match(text, m, span) ||
          text.substr(0, 5) >= text.substr(6, 5)) {
        ctx.Error(h, "invalid-value",
                  "\"" + text + "\" is not a span of working hours",
                  "write HH:MM-HH:MM with the start before the end, such as "
                  "09:00-17:00",
                  r.Path("working_hours"));
      }
    }
  }
  if (out->working_hours.empty()) out->working_hours = {"09:00-17:00"};
  r.List("holidays", [&](const YAML::Node& item, const std::string& p) {
    MapReader h(ctx, item, p, {"date", "name"});
    if (!h.ok()) return;
    Holiday holiday;
    holiday.where = h.where();
    holiday.date = h.Date("date", true);
    holiday.name = h.String("name");
    out->holidays.push_back(std::move(holiday));
  });
  r.List("holidays_from", [&](const YAML::Node& item, const std::string& p) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      ctx.Error(item, "wrong-type", "a holiday file should be a file path",
                "name an .ics or .yaml file, relative to this file", p);
      return;
    }
    out->holiday_files.push_back({ctx.At(item), item.Scalar()});
  });
  return true;
}

bool ReadTeam(Context& ctx, const YAML::Node& node, const std::string& path,
              Team* out) {
  MapReader r(ctx, node, path,
              {"id", "name", "lead", "description", "calendar"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->lead = r.Id("lead");
  out->description = r.String("description");
  out->calendar = r.Id("calendar");
  return true;
}

const std::vector<std::string>& AssignmentPolicies() {
  static const std::vector<std::string> kPolicies(
      std::begin(kAssignmentPolicies), std::end(kAssignmentPolicies));
  return kPolicies;
}

bool ReadRole(Context& ctx, const YAML::Node& node, const std::string& path,
              Role* out) {
  MapReader r(
      ctx, node, path,
      {"id", "name", "team", "description", "responsibilities", "assignment"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->team = r.Id("team");
  out->description = r.String("description");
  out->responsibilities = r.Strings("responsibilities");
  out->assignment = r.Enum("assignment", AssignmentPolicies());
  return true;
}

bool ReadPerson(Context& ctx, const YAML::Node& node, const std::string& path,
                Person* out) {
  MapReader r(ctx, node, path,
              {"id", "name", "email", "phone", "roles", "team", "calendar",
               "delegates", "external"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->email = r.String("email");
  static const std::regex email("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  if (!out->email.empty() && !std::regex_match(out->email, email)) {
    ctx.Error(r.Get("email"), "invalid-value",
              "\"" + out->email + "\" is not an email address", {},
              r.Path("email"));
  }
  out->phone = r.String("phone");
  out->roles = r.Ids("roles", true);
  out->team = r.Id("team");
  out->calendar = r.Id("calendar");
  out->delegates = r.Ids("delegates");
  out->external = r.Bool("external", false);
  return true;
}

bool ReadObjective(Context& ctx, const YAML::Node& node,
                   const std::string& path, Objective* out) {
  MapReader r(ctx, node, path,
              {"id", "name", "description", "kpis", "reporting"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->description = r.String("description");
  r.List("kpis", [&](const YAML::Node& item, const std::string& p) {
    MapReader k(ctx, item, p,
                {"id", "name", "unit", "target", "measure", "direction",
                 "value", "field"});
    if (!k.ok()) return;
    Kpi kpi;
    kpi.where = k.where();
    kpi.at = k.Locations();
    kpi.id = k.Id("id", true);
    kpi.name = k.String("name", true);
    kpi.unit = k.String("unit");
    kpi.target = k.String("target");
    kpi.measure = k.String("measure");
    if (!kpi.measure.empty()) {
      if (Result<ResultMeasure> measure = ParseMeasure(kpi.measure);
          !measure.ok()) {
        ctx.Error(k.Get("measure"), "invalid-value",
                  std::string(measure.status().message()), {},
                  k.Path("measure"));
      }
    }
    kpi.direction = k.Enum("direction", {"at_least", "at_most"});
    kpi.value = k.Number("value");
    kpi.field = k.Id("field");
    out->kpis.push_back(std::move(kpi));
  });
  if (r.Has("reporting")) {
    MapReader rep(ctx, r.Get("reporting"), r.Path("reporting"),
                  {"cadence", "template"});
    if (rep.ok()) {
      out->reporting_cadence = rep.Enum(
          "cadence",
          {"daily", "weekly", "biweekly", "monthly", "quarterly", "end"});
      out->reporting_template = rep.Id("template");
    }
  }
  return true;
}

void ReadBudget(Context& ctx, const YAML::Node& node, Budget* out) {
  MapReader r(ctx, node, "budget", {"currency", "field", "bands"});
  if (!r.ok()) return;
  out->where = r.where();
  out->at = r.Locations();
  out->currency = r.String("currency", true);
  static const std::regex currency("[A-Z]{3}");
  if (!out->currency.empty() && !std::regex_match(out->currency, currency)) {
    ctx.Error(r.Get("currency"), "invalid-value",
              "\"" + out->currency + "\" is not an ISO 4217 currency code",
              "for example IDR, USD or EUR", "budget.currency");
  }
  out->field = r.Id("field", true);
  r.List(
      "bands",
      [&](const YAML::Node& item, const std::string& p) {
        MapReader b(ctx, item, p, {"id", "name", "below"});
        if (!b.ok()) return;
        BudgetBand band;
        band.where = b.where();
        band.at = b.Locations();
        band.id = b.Id("id", true);
        band.name = b.String("name");
        band.below = b.Number("below");
        out->bands.push_back(std::move(band));
      },
      true);
}

const std::vector<std::string>& FieldTypeNames() {
  static const std::vector<std::string> names = {
      "text",   "long_text",    "number", "money",  "date",
      "choice", "multi_choice", "file",   "person", "boolean"};
  return names;
}

bool ReadField(Context& ctx, const YAML::Node& node, const std::string& path,
               FormField* out) {
  MapReader r(ctx, node, path,
              {"id", "label", "type", "help", "required", "required_when",
               "options", "min", "max", "max_length", "pattern", "currency"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->label = r.String("label");
  std::string type = r.Enum("type", FieldTypeNames(), true);
  for (size_t i = 0; i < FieldTypeNames().size(); ++i) {
    if (FieldTypeNames()[i] == type) out->type = static_cast<FieldType>(i);
  }
  out->help = r.String("help");
  out->required = r.Bool("required", false);
  out->required_when = r.ReadCondition("required_when");
  out->options = r.Strings("options");
  out->min = r.Number("min");
  out->max = r.Number("max");
  out->max_length = r.Int("max_length");
  out->pattern = r.String("pattern");
  if (!out->pattern.empty()) {
    try {
      std::regex check(out->pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      ctx.Error(r.Get("pattern"), "invalid-value",
                "`pattern` is not a valid regular expression: " +
                    std::string(e.what()),
                "use ECMAScript syntax, for example ^[A-Z]{3}-[0-9]+$",
                r.Path("pattern"));
    }
  }
  out->currency = r.String("currency");
  const bool choice =
      out->type == FieldType::kChoice || out->type == FieldType::kMultiChoice;
  if (choice && out->options.empty() && !type.empty()) {
    ctx.Error(node, "missing-key",
              "choice field `" + out->id + "` needs `options`", {},
              r.Path("options"));
  }
  if (out->min && out->max && *out->min > *out->max) {
    ctx.Error(r.Get("min"), "invalid-value",
              "`min` is above `max` for field `" + out->id + "`", {},
              r.Path("min"));
  }
  return true;
}

bool ReadFormRule(Context& ctx, const YAML::Node& node, const std::string& path,
                  FormRule* out) {
  MapReader r(ctx, node, path,
              {"id", "kind", "earlier", "later", "min_gap", "left", "op",
               "right", "message"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->kind = r.Enum("kind", {"date_order", "compare"}, true);
  out->message = r.String("message");
  if (out->kind == "date_order") {
    out->earlier = r.Id("earlier", true);
    out->later = r.Id("later", true);
    out->min_gap = r.Duration("min_gap");
  } else if (out->kind == "compare") {
    out->left = r.Id("left", true);
    out->op = r.Enum("op", {"<", "<=", ">", ">=", "==", "!="}, true);
    out->right = r.String("right", true);
  }
  return true;
}

bool ReadForm(Context& ctx, const YAML::Node& node, const std::string& path,
              Form* out) {
  MapReader r(ctx, node, path, {"id", "name", "fields", "rules"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name");
  r.List(
      "fields",
      [&](const YAML::Node& item, const std::string& p) {
        FormField field;
        if (ReadField(ctx, item, p, &field))
          out->fields.push_back(std::move(field));
      },
      true);
  r.List("rules", [&](const YAML::Node& item, const std::string& p) {
    FormRule rule;
    if (ReadFormRule(ctx, item, p, &rule))
      out->rules.push_back(std::move(rule));
  });
  return true;
}

bool ReadCampaignType(Context& ctx, const YAML::Node& node,
                      const std::string& path, CampaignType* out) {
  MapReader r(ctx, node, path,
              {"id", "name", "description", "process", "form", "objectives",
               "lead_time"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->description = r.String("description");
  out->process = r.Id("process", true);
  out->form = r.Id("form", true);
  out->objectives = r.Ids("objectives");
  out->lead_time = r.Duration("lead_time");
  return true;
}

const std::vector<std::string>& StepTypeNames() {
  static const std::vector<std::string> names = {
      "task", "approval",  "review",   "checklist", "notification",
      "wait", "exclusive", "parallel", "join",      "end"};
  return names;
}

void ReadQuorum(MapReader& r, Quorum* quorum, int* count) {
  YAML::Node value = r.Get("quorum");
  if (!value.IsDefined() || value.IsNull()) return;
  std::string text = value.IsScalar() ? value.Scalar() : "";
  if (text == "all") {
    *quorum = Quorum::kAll;
  } else if (text == "any") {
    *quorum = Quorum::kAny;
  } else if (!text.empty() &&
             std::all_of(text.begin(), text.end(), ::isdigit) &&
             text.size() < 4 && std::stoi(text) >= 1) {
    *quorum = Quorum::kCount;
    *count = std::stoi(text);
  } else {
    r.ctx().Error(value, "invalid-value",
                  "`quorum` is \"" + text +
                      "\", expected all, any or a "
                      "number of approvers from 1",
                  {}, r.Path("quorum"));
  }
}

void ReadMode(MapReader& r, ApprovalMode* mode) {
  std::string text = r.Enum("mode", {"parallel", "sequential"});
  if (text == "sequential") *mode = ApprovalMode::kSequential;
}

bool ReadStep(Context& ctx, const YAML::Node& node, const std::string& path,
              Step* out) {
  MapReader r(ctx, node, path,
              {"id",
               "name",
               "type",
               "description",
               "role",
               "person",
               "assignment",
               "assignee_from",
               "consulted",
               "informed",
               "sla",
               "remind_before",
               "templates",
               "results",
               "outputs",
               "checklist",
               "matrix",
               "approvers",
               "quorum",
               "mode",
               "on_approved",
               "on_rejected",
               "on_changes_requested",
               "max_revisions",
               "reapproval",
               "wait_for",
               "until",
               "notify",
               "message",
               "next",
               "branches",
               "outcome"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name");
  if (out->name.empty()) out->name = out->id;
  std::string type = r.Enum("type", StepTypeNames(), true);
  for (size_t i = 0; i < StepTypeNames().size(); ++i) {
    if (StepTypeNames()[i] == type) {
      out->type = static_cast<StepType>(i);
      out->type_known = true;
    }
  }
  out->description = r.String("description");
  out->role = r.Id("role");
  out->person = r.Id("person");
  out->assignment = r.Enum("assignment", AssignmentPolicies());
  out->assignee_from = r.Id("assignee_from");
  out->consulted = r.Ids("consulted");
  out->informed = r.Ids("informed");
  out->sla = r.Duration("sla");
  out->remind_before = r.Duration("remind_before");
  out->templates = r.Ids("templates");
  out->results = r.Bool("results", false);
  out->outputs = r.Strings("outputs");
  out->checklist = r.Id("checklist");
  out->matrix = r.Id("matrix");
  out->approvers = r.Ids("approvers");
  ReadQuorum(r, &out->quorum, &out->quorum_count);
  ReadMode(r, &out->mode);
  out->on_approved = r.Id("on_approved");
  out->on_rejected = r.Id("on_rejected");
  out->on_changes_requested = r.Id("on_changes_requested");
  out->max_revisions = r.Int("max_revisions").value_or(0);
  out->reapproval = r.Enum("reapproval", {"needed", "not_needed"});
  out->wait_for = r.Duration("wait_for");
  out->until = r.Id("until");
  out->notify = r.IdOrIds("notify");
  out->message = r.String("message");
  out->next = r.Id("next");
  out->outcome = r.Enum("outcome", {"completed", "rejected", "cancelled"});
  r.List("branches", [&](const YAML::Node& item, const std::string& p) {
    MapReader b(ctx, item, p, {"when", "next", "label", "default"});
    if (!b.ok()) return;
    Branch branch;
    branch.where = b.where();
    branch.at = b.Locations();
    branch.when = b.ReadCondition("when");
    branch.is_default = b.Bool("default", false);
    branch.next = b.Id("next", true);
    branch.label = b.String("label");
    out->branches.push_back(std::move(branch));
  });
  if (type.empty()) return true;

  // Keys that do not belong to the step's type are errors too: they would be
  // silently ignored otherwise.
  auto forbid = [&](const std::string& key, const std::string& why) {
    if (r.Has(key)) {
      ctx.Error(r.Get(key), "unknown-key",
                "`" + key + "` has no meaning on a " + type + " step", why,
                r.Path(key));
    }
  };
  const bool gateway =
      out->type == StepType::kExclusive || out->type == StepType::kParallel;
  const bool decision =
      out->type == StepType::kApproval || out->type == StepType::kReview;
  if (!gateway) forbid("branches", "only exclusive and parallel steps branch");
  if (gateway) forbid("next", "gateways route with `branches`");
  if (!decision) {
    for (const char* key :
         {"on_approved", "on_rejected", "on_changes_requested", "max_revisions",
          "reapproval"}) {
      forbid(key, "only approval and review steps have outcomes");
    }
  }
  if (out->type != StepType::kApproval) {
    for (const char* key : {"matrix", "approvers", "quorum", "mode"}) {
      forbid(key, "only approval steps have approvers");
    }
  }
  if (gateway || out->type == StepType::kEnd ||
      out->type == StepType::kNotification || out->type == StepType::kWait) {
    for (const char* key : {"assignment", "assignee_from"}) {
      forbid(key, "only steps with tasks are given to people");
    }
  }
  if (gateway || out->type == StepType::kEnd ||
      out->type == StepType::kNotification || out->type == StepType::kWait) {
    forbid("remind_before", "only steps with tasks and an `sla` are due");
  } else if (r.Has("remind_before") && !r.Has("sla")) {
    ctx.Error(r.Get("remind_before"), "invalid-value",
              "`remind_before` needs an `sla` on the same step",
              "give the step an `sla`, or remove the reminder",
              r.Path("remind_before"));
  }
  if (out->type != StepType::kEnd) forbid("outcome", "only end steps");
  if (out->type == StepType::kEnd)
    forbid("next", "an end step ends the process");
  if (gateway && out->branches.empty()) {
    ctx.Error(node, "missing-key", "gateway `" + out->id + "` needs `branches`",
              {}, r.Path("branches"));
  }
  if (out->type == StepType::kParallel) {
    for (const Branch& b : out->branches) {
      if (b.when || b.is_default) {
        ctx.diagnostics->Error(b.where, "invalid-value",
                               "parallel branches all run; they take no "
                               "`when` or `default`",
                               "use an exclusive step to choose a branch",
                               r.Path("branches"));
      }
    }
  }
  if (out->type == StepType::kExclusive) {
    for (const Branch& b : out->branches) {
      if (!b.when && !b.is_default) {
        ctx.diagnostics->Error(b.where, "missing-key",
                               "an exclusive branch needs `when` or "
                               "`default: true`",
                               {}, r.Path("branches"));
      }
    }
  }
  if (out->type == StepType::kApproval && out->matrix.empty() &&
      out->approvers.empty()) {
    ctx.Error(node, "missing-key",
              "approval `" + out->id + "` needs `matrix` or `approvers`", {},
              r.Path("approvers"));
  }
  if (out->type == StepType::kChecklist && out->checklist.empty()) {
    ctx.Error(node, "missing-key",
              "checklist step `" + out->id + "` needs `checklist`", {},
              r.Path("checklist"));
  }
  if (out->type == StepType::kWait && !out->wait_for && out->until.empty()) {
    ctx.Error(node, "missing-key",
              "wait step `" + out->id + "` needs `wait_for` or `until`", {},
              r.Path("wait_for"));
  }
  return true;
}

bool ReadProcess(Context& ctx, const YAML::Node& node, const std::string& path,
                 Process* out) {
  MapReader r(ctx, node, path,
              {"id", "name", "owner", "purpose", "category", "trigger", "start",
               "steps"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->owner = r.Id("owner", true);
  out->purpose = r.String("purpose");
  std::string category =
      r.Enum("category", {"revenue-facing", "efficiency-facing"}, true);
  out->category = category == "efficiency-facing" ? Category::kEfficiencyFacing
                                                  : Category::kRevenueFacing;
  out->trigger = r.String("trigger");
  out->start = r.Id("start");
  r.List(
      "steps",
      [&](const YAML::Node& item, const std::string& p) {
        Step step;
        if (ReadStep(ctx, item, p, &step))
          out->steps.push_back(std::move(step));
      },
      true);
  return true;
}

bool ReadMatrix(Context& ctx, const YAML::Node& node, const std::string& path,
                ApprovalMatrix* out) {
  MapReader r(ctx, node, path, {"id", "name", "hit_policy", "rules"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name");
  std::string policy =
      r.Enum("hit_policy", {"unique", "first", "collect"}, true);
  out->hit_policy = policy == "first"     ? HitPolicy::kFirst
                    : policy == "collect" ? HitPolicy::kCollect
                                          : HitPolicy::kUnique;
  r.List(
      "rules",
      [&](const YAML::Node& item, const std::string& p) {
        MapReader m(ctx, item, p,
                    {"id", "when", "approvers", "quorum", "mode", "note"});
        if (!m.ok()) return;
        MatrixRule rule;
        rule.where = m.where();
        rule.at = m.Locations();
        rule.id = m.Id("id", true);
        if (auto when = m.ReadCondition("when")) rule.when = std::move(*when);
        rule.when.where = rule.where;
        if (m.Has("when")) rule.when.where = m.Where("when");
        rule.approvers = m.Ids("approvers", true);
        ReadQuorum(m, &rule.quorum, &rule.quorum_count);
        ReadMode(m, &rule.mode);
        rule.note = m.String("note");
        for (size_t i = 0; i < rule.when.tests.size(); ++i) {
          const std::string& input = rule.when.tests[i].first;
          if (input != "campaign_type" && input != "budget_band" &&
              input != "channel") {
            ctx.diagnostics->Error(
                rule.when.test_locations[i], "unknown-key",
                "matrix rules test campaign_type, budget_band and channel, "
                "not `" +
                    input + "`",
                "route on other fields with an exclusive step", m.Path("when"));
          }
        }
        out->rules.push_back(std::move(rule));
      },
      true);
  return true;
}

bool ReadEscalation(Context& ctx, const YAML::Node& node,
                    const std::string& path, EscalationRule* out) {
  MapReader r(ctx, node, path,
              {"id", "name", "trigger", "step_types", "steps", "when",
               "channel", "levels", "repeat", "stop", "action"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name");
  out->trigger = r.Enum("trigger",
                        {"sla_breach", "missing_template", "budget_exceeded",
                         "rejected", "condition"},
                        true);
  out->step_types = r.Strings("step_types");
  YAML::Node types = r.Get("step_types");
  if (types.IsSequence()) {
    for (const YAML::Node& t : types) {
      if (t.IsScalar() &&
          std::find(StepTypeNames().begin(), StepTypeNames().end(),
                    t.Scalar()) == StepTypeNames().end()) {
        std::string s = ClosestMatch(t.Scalar(), StepTypeNames());
        ctx.Error(
            t, "invalid-value", "\"" + t.Scalar() + "\" is not a step type",
            s.empty() ? "" : "did you mean `" + s + "`?", r.Path("step_types"));
      }
    }
  }
  out->steps = r.StepRefs("steps");
  out->when = r.ReadCondition("when");
  if (out->trigger == "condition" && !out->when) {
    ctx.Error(
        node, "missing-key",
        "escalation `" + out->id + "` with trigger condition needs `when`", {},
        r.Path("when"));
  }
  out->channel = r.String("channel");
  r.List(
      "levels",
      [&](const YAML::Node& item, const std::string& p) {
        MapReader l(ctx, item, p, {"to", "after"});
        if (!l.ok()) return;
        EscalationLevel level;
        level.where = l.where();
        level.at = l.Locations();
        level.to = l.Id("to", true);
        if (auto after = l.Duration("after", true, /*allow_zero=*/true)) {
          level.after = *after;
        }
        out->levels.push_back(std::move(level));
      },
      true);
  if (r.Has("repeat")) {
    MapReader rep(ctx, r.Get("repeat"), r.Path("repeat"), {"every", "times"});
    if (rep.ok()) {
      out->repeat_every = rep.Duration("every", true);
      out->repeat_times = rep.Int("times").value_or(0);
      if (out->repeat_times < 0) {
        ctx.Error(rep.Get("times"), "invalid-value",
                  "`times` must be 0 (until stopped) or more", {},
                  rep.Path("times"));
      }
    }
  }
  out->stop =
      r.Enum("stop", {"task_completed", "acknowledged", "campaign_closed"});
  out->action = r.String("action");
  return true;
}

bool ReadTemplate(Context& ctx, const YAML::Node& node, const std::string& path,
                  Template* out) {
  MapReader r(ctx, node, path,
              {"id", "name", "owner", "description", "versions"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->owner = r.Id("owner");
  if (out->owner.empty() && !r.Has("owner") && !out->id.empty()) {
    ctx.Error(node, "template-no-owner",
              "template `" + out->id + "` has no owner",
              "name the role or person who keeps it current with `owner:`",
              r.Path("owner"));
  }
  out->description = r.String("description");
  r.List("versions", [&](const YAML::Node& item, const std::string& p) {
    MapReader v(ctx, item, p, {"version", "status", "date", "file", "changes"});
    if (!v.ok()) return;
    TemplateVersion version;
    version.where = v.where();
    version.version = v.String("version", true);
    version.status = v.Enum("status", {"draft", "approved", "retired"}, true);
    version.date = v.Date("date");
    version.file = v.String("file");
    version.changes = v.String("changes");
    out->versions.push_back(std::move(version));
  });
  return true;
}

bool ReadChannel(Context& ctx, const YAML::Node& node, const std::string& path,
                 Channel* out) {
  MapReader r(ctx, node, path, {"id", "name", "owner", "assets"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->owner = r.Id("owner");
  r.List("assets", [&](const YAML::Node& item, const std::string& p) {
    MapReader a(ctx, item, p,
                {"id", "name", "formats", "sizes", "aspect_ratios",
                 "max_file_size", "max_duration_seconds", "max_copy_length",
                 "color_space", "min_dpi", "bleed_mm", "notes"});
    if (!a.ok()) return;
    AssetSpec spec;
    spec.where = a.where();
    spec.at = a.Locations();
    spec.id = a.Id("id", true);
    spec.name = a.String("name");
    spec.formats = a.Strings("formats");
    spec.sizes = a.Strings("sizes");
    YAML::Node sizes = a.Get("sizes");
    if (sizes.IsSequence()) {
      for (const YAML::Node& s : sizes) {
        if (s.IsScalar() && !ParsePixelSize(s.Scalar())) {
          ctx.Error(s, "invalid-value",
                    "\"" + s.Scalar() + "\" is not a pixel size",
                    "write WIDTHxHEIGHT, such as 1080x1350", a.Path("sizes"));
        }
      }
    }
    spec.aspect_ratios = a.Strings("aspect_ratios");
    YAML::Node ratios = a.Get("aspect_ratios");
    if (ratios.IsSequence()) {
      for (const YAML::Node& s : ratios) {
        if (s.IsScalar() && !ParseAspectRatio(s.Scalar())) {
          ctx.Error(s, "invalid-value",
                    "\"" + s.Scalar() + "\" is not an aspect ratio",
                    "write W:H, such as 4:5 or 1.91:1",
                    a.Path("aspect_ratios"));
        }
      }
    }
    spec.max_file_size = a.String("max_file_size");
    if (!spec.max_file_size.empty() && !ParseFileSize(spec.max_file_size)) {
      ctx.Error(a.Get("max_file_size"), "invalid-value",
                "\"" + spec.max_file_size + "\" is not a file size",
                "write a number and B, KB, MB or GB, such as 8MB",
                a.Path("max_file_size"));
    }
    spec.max_duration_seconds = a.Number("max_duration_seconds");
    spec.max_copy_length = a.Int("max_copy_length");
    spec.color_space = a.String("color_space");
    spec.min_dpi = a.Int("min_dpi");
    spec.bleed_mm = a.Number("bleed_mm");
    spec.notes = a.String("notes");
    out->assets.push_back(std::move(spec));
  });
  return true;
}

bool ReadChecklist(Context& ctx, const YAML::Node& node,
                   const std::string& path, Checklist* out) {
  MapReader r(ctx, node, path, {"id", "name", "phase", "items"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->phase =
      r.Enum("phase", {"pre-launch", "launch-day", "post-launch", "other"});
  if (out->phase.empty()) out->phase = "other";
  r.List(
      "items",
      [&](const YAML::Node& item, const std::string& p) {
        MapReader i(ctx, item, p, {"id", "text", "role", "required", "when"});
        if (!i.ok()) return;
        ChecklistItem entry;
        entry.where = i.where();
        entry.at = i.Locations();
        entry.id = i.Id("id", true);
        entry.text = i.String("text", true);
        entry.role = i.Id("role");
        entry.required = i.Bool("required", true);
        entry.when = i.ReadCondition("when");
        out->items.push_back(std::move(entry));
      },
      true);
  return true;
}

void ReadCalendarInfo(Context& ctx, const YAML::Node& node, CalendarInfo* out) {
  MapReader r(ctx, node, "calendar",
              {"planning_cycle", "default_calendar", "remind_before",
               "deadlines", "freeze_periods", "limits"});
  if (!r.ok()) return;
  out->where = r.where();
  out->at = r.Locations();
  out->planning_cycle = r.String("planning_cycle");
  out->default_calendar = r.Id("default_calendar");
  out->remind_before = r.Duration("remind_before");
  if (r.Has("limits")) {
    MapReader l(ctx, r.Get("limits"), r.Path("limits"),
                {"launches_per_day", "launches_per_channel_per_day"});
    if (l.ok()) {
      auto positive = [&](const std::string& key) {
        std::optional<int> n = l.Int(key);
        if (n && *n < 1) {
          ctx.Error(l.Get(key), "invalid-value",
                    "`" + key + "` must be a positive whole number",
                    "leave it out for no limit", l.Path(key));
          return 0;
        }
        return n.value_or(0);
      };
      out->limits.launches_per_day = positive("launches_per_day");
      out->limits.launches_per_channel_per_day =
          positive("launches_per_channel_per_day");
    }
  }
  r.List("freeze_periods", [&](const YAML::Node& item, const std::string& p) {
    MapReader f(ctx, item, p, {"name", "from", "to", "rule"});
    if (!f.ok()) return;
    FreezePeriod period;
    period.where = f.where();
    period.at = f.Locations();
    period.name = f.String("name", true);
    period.from = f.Date("from", true);
    period.to = f.Date("to", true);
    period.rule = f.String("rule");
    if (!period.from.empty() && !period.to.empty() && period.to < period.from) {
      ctx.Error(f.Get("to"), "invalid-value",
                "freeze period `" + period.name + "` ends before it starts",
                "`to` is the last frozen day and may not be before `from`",
                f.Path("to"));
    }
    out->freeze_periods.push_back(std::move(period));
  });
  r.List("deadlines", [&](const YAML::Node& item, const std::string& p) {
    MapReader d(ctx, item, p, {"id", "name", "before_launch", "step", "role"});
    if (!d.ok()) return;
    Deadline deadline;
    deadline.where = d.where();
    deadline.at = d.Locations();
    deadline.id = d.Id("id", true);
    deadline.name = d.String("name", true);
    if (auto before = d.Duration("before_launch", true)) {
      deadline.before_launch = *before;
    }
    deadline.step = d.StepRef("step");
    deadline.role = d.Id("role");
    out->deadlines.push_back(std::move(deadline));
  });
}

void ReadCommunication(Context& ctx, const YAML::Node& node,
                       Communication* out) {
  MapReader r(ctx, node, "communication", {"tools", "rules"});
  if (!r.ok()) return;
  out->where = r.where();
  out->at = r.Locations();
  out->rules = r.Strings("rules");
  r.List("tools", [&](const YAML::Node& item, const std::string& p) {
    MapReader t(ctx, item, p, {"id", "name", "purpose", "official"});
    if (!t.ok()) return;
    Tool tool;
    tool.where = t.where();
    tool.id = t.Id("id", true);
    tool.name = t.String("name", true);
    tool.purpose = t.String("purpose");
    tool.official = t.Bool("official", true);
    out->tools.push_back(std::move(tool));
  });
}

bool ReadAutomation(Context& ctx, const YAML::Node& node,
                    const std::string& path, Automation* out) {
  MapReader r(ctx, node, path, {"id", "name", "trigger", "description"});
  if (!r.ok()) return false;
  out->where = r.where();
  out->at = r.Locations();
  out->id = r.Id("id", true);
  out->name = r.String("name", true);
  out->trigger = r.String("trigger");
  out->description = r.String("description");
  return true;
}

template <typename T, typename Fn>
void ReadList(MapReader& top, Context& ctx, const std::string& key,
              std::vector<T>* out, Fn read) {
  top.List(key, [&](const YAML::Node& item, const std::string& path) {
    T value;
    if (read(ctx, item, path, &value)) out->push_back(std::move(value));
  });
}

// ---------------------------------------------------------------------------
// Files and includes.

class Loader {
 public:
  // Reads files from disk, or only from `bundle` when it is given.
  Loader(const LoadOptions& options, LoadResult* result,
         const Bundle* bundle = nullptr)
      : options_(options), result_(result), bundle_(bundle) {}

  // When set, called with each file's path and text once it has been read.
  std::function<void(const std::string& path, const std::string& text)> on_read;

  // The first file that could not be read, if any: ReadBundle's error.
  const std::optional<Diagnostic>& read_failure() const {
    return read_failure_;
  }

  // Loads one file given by `path` as written by the user (or an include).
  void LoadFile(const std::string& path, const SourceLocation& included_from,
                int depth) {
    // A bundle has no links to resolve and must not look at the disk.
    std::string key = fs::path(path).lexically_normal().string();
    if (bundle_ == nullptr) {
      std::error_code ec;
      fs::path canonical = fs::weakly_canonical(path, ec);
      key = ec ? path : canonical.string();
    }
    if (std::find(stack_.begin(), stack_.end(), key) != stack_.end()) {
      result_->diagnostics.Error(
          included_from, "include-cycle",
          "including \"" + path + "\" again makes a cycle: " +
              Join(stack_display_, " -> ") + " -> " + path,
          "remove one of the includes");
      return;
    }
    if (depth > options_.max_include_depth) {
      result_->diagnostics.Error(included_from, "include-cycle",
                                 "includes are nested deeper than " +
                                     std::to_string(options_.max_include_depth),
                                 "flatten the include tree");
      return;
    }
    if (!loaded_.insert(key).second) return;  // a diamond: read once

    std::string text;
    const bool read = bundle_ != nullptr
                          ? ReadFromBundle(path, included_from, depth, &text)
                          : ReadText(path, included_from, depth, &text);
    if (!read) return;
    if (on_read) on_read(path, text);
    result_->definition.files.push_back(path);
    stack_.push_back(key);
    stack_display_.push_back(path);
    LoadText(text, path, depth);
    stack_.pop_back();
    stack_display_.pop_back();
  }

  void LoadText(const std::string& text, const std::string& name, int depth) {
    Context ctx;
    ctx.diagnostics = &result_->diagnostics;
    ctx.file = name;
    ctx.elements = elements_;
    ctx.max_elements = options_.max_elements;
    YAML::Node root;
    try {
      root = YAML::Load(text);
    } catch (const YAML::DeepRecursion& e) {
      SourceLocation where{name, e.mark.line + 1, e.mark.column + 1};
      result_->diagnostics.Error(where, "yaml-syntax",
                                 "not valid YAML: nested more than " +
                                     std::to_string(e.depth()) + " levels deep",
                                 "an SOP nests a few levels; check for "
                                 "unbalanced brackets");
      return;
    } catch (const YAML::Exception& e) {
      SourceLocation where{name, 0, 0};
      if (!e.mark.is_null()) {
        where.line = e.mark.line + 1;
        where.column = e.mark.column + 1;
      }
      result_->diagnostics.Error(where, "yaml-syntax",
                                 "not valid YAML: " + e.msg,
                                 "check indentation and quoting near here; "
                                 "values starting with - or : need quotes");
      return;
    }
    if (root.IsNull() || !root.IsDefined()) {
      result_->diagnostics.Error({name, 1, 1}, "empty-file",
                                 "the file has no content",
                                 "start from `livesop init DIR`, which writes "
                                 "a complete example");
      return;
    }
    try {
      ReadDocument(ctx, root, name, depth);
    } catch (const YAML::Exception& e) {
      result_->diagnostics.Error(
          {name, 0, 0}, "yaml-syntax",
          std::string("could not read the YAML: ") + e.msg);
    }
    elements_ = ctx.elements;
  }

 private:
  bool ReadText(const std::string& path, const SourceLocation& included_from,
                int depth, std::string* text) {
    auto fail = [&](const std::string& code, const std::string& message,
                    const std::string& hint) {
      SourceLocation where =
          depth == 0 ? SourceLocation{path, 0, 0} : included_from;
      result_->diagnostics.Error(where, code, message, hint);
      if (!read_failure_) read_failure_ = result_->diagnostics.items().back();
    };
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      if (depth == 0) {
        result_->io_failure = true;
        fail("io-error", "cannot read \"" + path + "\": no such file",
             "check the path; `livesop init DIR` creates an example SOP");
      } else {
        fail("include-not-found",
             "included file \"" + path + "\" does not exist",
             "paths are relative to the including file");
      }
      return false;
    }
    if (fs::is_directory(status)) {
      result_->io_failure = true;
      fail("io-error", "\"" + path + "\" is a directory, not a file",
           "pass the SOP's root file, usually sop.yaml");
      return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      result_->io_failure = true;
      fail("io-error", "cannot open \"" + path + "\" for reading",
           "check the file's permissions");
      return false;
    }
    std::ostringstream buffer;
    // Read at most one byte past the limit, so a huge file is never loaded.
    std::vector<char> chunk(size_t{64} * 1024);
    size_t total = 0;
    while (in) {
      in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
      const size_t got = static_cast<size_t>(in.gcount());
      total += got;
      if (total > options_.max_file_bytes) {
        result_->io_failure = true;
        fail("file-too-large",
             "\"" + path + "\" is larger than " +
                 std::to_string(options_.max_file_bytes /
                                (size_t{1024} * 1024)) +
                 " MiB",
             "an SOP is a few hundred KiB at most; split it with `include:` "
             "or check that this is the right file");
        return false;
      }
      buffer.write(chunk.data(), static_cast<std::streamsize>(got));
    }
    if (in.bad()) {
      result_->io_failure = true;
      fail("io-error", "error while reading \"" + path + "\"", "");
      return false;
    }
    *text = buffer.str();
    if (text->find('\0') != std::string::npos) {
      fail("yaml-syntax", "\"" + path + "\" is a binary file, not YAML",
           "pass the SOP's YAML file");
      return false;
    }
    return true;
  }

  // ReadText for a file of the bundle: the same limits and diagnostics, but
  // a file the bundle does not hold is not looked for anywhere else.
  bool ReadFromBundle(const std::string& path,
                      const SourceLocation& included_from, int depth,
                      std::string* text) {
    auto fail = [&](const std::string& code, const std::string& message,
                    const std::string& hint) {
      SourceLocation where =
          depth == 0 ? SourceLocation{path, 0, 0} : included_from;
      result_->diagnostics.Error(where, code, message, hint);
    };
    auto found =
        bundle_->files.find(fs::path(path).lexically_normal().string());
    if (found == bundle_->files.end()) {
      if (depth == 0) {
        result_->io_failure = true;
        fail("io-error",
             "the bundle does not hold its root file \"" + path + "\"",
             "publish the SOP again");
      } else {
        fail("include-not-found",
             "included file \"" + path + "\" is not in the bundle",
             "a published SOP holds the files it included when it was "
             "published; publish it again with the file in place");
      }
      return false;
    }
    if (found->second.size() > options_.max_file_bytes) {
      result_->io_failure = true;
      fail("file-too-large",
           "\"" + path + "\" is larger than " +
               std::to_string(options_.max_file_bytes / (size_t{1024} * 1024)) +
               " MiB",
           "an SOP is a few hundred KiB at most; split it with `include:`");
      return false;
    }
    if (found->second.find('\0') != std::string::npos) {
      fail("yaml-syntax", "\"" + path + "\" is a binary file, not YAML",
           "pass the SOP's YAML file");
      return false;
    }
    *text = found->second;
    return true;
  }

  void ReadDocument(Context& ctx, const YAML::Node& root,
                    const std::string& name, int depth) {
    MapReader top(ctx, root, "", {"livesop",     "include",
                                  "sop",         "changelog",
                                  "calendars",   "teams",
                                  "roles",       "people",
                                  "objectives",  "budget",
                                  "forms",       "campaign_types",
                                  "processes",   "approval_matrices",
                                  "escalations", "templates",
                                  "channels",    "checklists",
                                  "calendar",    "communication",
                                  "automations"});
    if (!top.ok()) return;
    Definition& def = result_->definition;
    if (top.Has("livesop")) {
      std::optional<int> version = top.Int("livesop");
      if (version && *version != 1) {
        ctx.Error(top.Get("livesop"), "invalid-value",
                  "format version " + std::to_string(*version) +
                      " is not supported; this livesop reads version 1",
                  "upgrade livesop", "livesop");
      }
    }
    auto single = [&](const std::string& key, bool already, auto read) {
      if (!top.Has(key)) return;
      if (already) {
        ctx.Error(top.Get(key), "duplicate-section",
                  "`" + key + "` is already defined in another file",
                  "keep `" + key + "` in one file", key);
        return;
      }
      read(top.Get(key));
    };
    single("sop", !def.sop.id.empty() || sop_seen_, [&](const YAML::Node& n) {
      sop_seen_ = true;
      ReadSopInfo(ctx, n, &def.sop);
    });
    single("budget", def.budget.has_value(), [&](const YAML::Node& n) {
      def.budget.emplace();
      ReadBudget(ctx, n, &*def.budget);
    });
    single("calendar", def.calendar.has_value(), [&](const YAML::Node& n) {
      def.calendar.emplace();
      ReadCalendarInfo(ctx, n, &*def.calendar);
    });
    single("communication", def.communication.has_value(),
           [&](const YAML::Node& n) {
             def.communication.emplace();
             ReadCommunication(ctx, n, &*def.communication);
           });
    ReadList(top, ctx, "changelog", &def.changelog, ReadChangelog);
    const size_t calendars_before = def.calendars.size();
    ReadList(top, ctx, "calendars", &def.calendars, ReadCalendar);
    for (size_t i = calendars_before; i < def.calendars.size(); ++i) {
      ReadHolidayFiles(name, depth, &def.calendars[i]);
    }
    ReadList(top, ctx, "teams", &def.teams, ReadTeam);
    ReadList(top, ctx, "roles", &def.roles, ReadRole);
    ReadList(top, ctx, "people", &def.people, ReadPerson);
    ReadList(top, ctx, "objectives", &def.objectives, ReadObjective);
    ReadList(top, ctx, "forms", &def.forms, ReadForm);
    ReadList(top, ctx, "campaign_types", &def.campaign_types, ReadCampaignType);
    ReadList(top, ctx, "processes", &def.processes, ReadProcess);
    ReadList(top, ctx, "approval_matrices", &def.approval_matrices, ReadMatrix);
    ReadList(top, ctx, "escalations", &def.escalations, ReadEscalation);
    ReadList(top, ctx, "templates", &def.templates, ReadTemplate);
    ReadList(top, ctx, "channels", &def.channels, ReadChannel);
    ReadList(top, ctx, "checklists", &def.checklists, ReadChecklist);
    ReadList(top, ctx, "automations", &def.automations, ReadAutomation);

    // Includes last, so the including file's entries come first.
    std::vector<std::pair<std::string, SourceLocation>> includes;
    top.List("include", [&](const YAML::Node& item, const std::string&) {
      if (!item.IsScalar() || item.Scalar().empty()) {
        ctx.Error(item, "wrong-type", "an include should be a file path", {},
                  "include");
        return;
      }
      includes.emplace_back(item.Scalar(), ctx.At(item));
    });
    elements_ = ctx.elements;
    const fs::path base = fs::path(name).parent_path();
    for (const auto& [include, where] : includes) {
      fs::path target =
          fs::path(include).is_absolute() ? fs::path(include) : base / include;
      LoadFile(target.lexically_normal().string(), where, depth + 1);
    }
    ctx.elements = elements_;
  }

  // Adds the holidays of each file `calendar` names (relative to `name`,
  // the file naming them) to those the SOP lists; a date already listed
  // keeps its first name.
  void ReadHolidayFiles(const std::string& name, int depth,
                        BusinessCalendar* calendar) {
    const fs::path base = fs::path(name).parent_path();
    std::set<std::string> dates;
    for (const Holiday& h : calendar->holidays) dates.insert(h.date);
    for (const HolidayFile& file : calendar->holiday_files) {
      const std::string path =
          (fs::path(file.path).is_absolute() ? fs::path(file.path)
                                             : base / file.path)
              .lexically_normal()
              .string();
      std::string text;
      const bool read = bundle_ != nullptr
                            ? ReadFromBundle(path, file.where, depth + 1, &text)
                            : ReadText(path, file.where, depth + 1, &text);
      if (!read) continue;
      if (on_read) on_read(path, text);
      HolidayFileResult parsed = ParseHolidayFile(text, path);
      for (const Diagnostic& d : parsed.diagnostics.items()) {
        result_->diagnostics.Add(d);
      }
      for (Holiday& h : parsed.holidays) {
        if (dates.insert(h.date).second) {
          calendar->holidays.push_back(std::move(h));
        }
      }
    }
  }

  const LoadOptions& options_;
  LoadResult* result_;
  const Bundle* bundle_;
  std::optional<Diagnostic> read_failure_;
  std::vector<std::string> stack_;
  std::vector<std::string> stack_display_;
  std::set<std::string> loaded_;
  int elements_ = 0;
  bool sop_seen_ = false;
};

void FinishLoad(LoadResult* result) {
  Definition& def = result->definition;
  if (def.sop.id.empty() && def.sop.title.empty() &&
      !result->diagnostics.has_errors()) {
    result->diagnostics.Error({def.root_file, 1, 1}, "missing-key",
                              "no file defines the `sop:` section (id, title, "
                              "version, owner)",
                              "add it to the root file");
  }
}

}  // namespace

LoadResult LoadDefinition(const std::string& path, const LoadOptions& options) {
  LoadResult result;
  result.definition.root_file = path;
  Loader loader(options, &result);
  loader.LoadFile(path, {path, 0, 0}, 0);
  if (!result.io_failure) FinishLoad(&result);
  return result;
}

LoadResult LoadDefinitionFromString(const std::string& text,
                                    const std::string& name,
                                    const LoadOptions& options) {
  LoadResult result;
  result.definition.root_file = name;
  result.definition.files.push_back(name);
  if (text.size() > options.max_file_bytes) {
    result.io_failure = true;
    result.diagnostics.Error({name, 0, 0}, "file-too-large",
                             "the text is larger than the limit");
    return result;
  }
  Loader loader(options, &result);
  loader.LoadText(text, name, 0);
  FinishLoad(&result);
  return result;
}

Result<Bundle> ReadBundle(const std::string& root_path,
                          const LoadOptions& options) {
  const fs::path root = fs::path(root_path).lexically_normal();
  const fs::path folder =
      root.has_parent_path() ? root.parent_path() : fs::path(".");
  Bundle bundle;
  bundle.root = root.filename().string();
  LoadResult disk;
  disk.definition.root_file = root_path;
  Loader loader(options, &disk);
  Status problem;
  loader.on_read = [&](const std::string& path, const std::string& text) {
    if (!problem.ok()) return;
    const std::string relative =
        fs::path(path).lexically_normal().lexically_relative(folder).string();
    if (relative.empty()) {
      problem = InvalidArgumentError("cannot bundle \"" + path +
                                     "\": it has no path relative to \"" +
                                     folder.string() + "\"");
      return;
    }
    try {
      // Only to learn whether the text is UTF-8: dump() throws if not.
      (void)nlohmann::json(text).dump();
    } catch (const nlohmann::json::exception&) {
      problem = InvalidArgumentError(
          "\"" + path +
          "\" is not UTF-8 text; save it as UTF-8 (YAML files are)");
      return;
    }
    bundle.files.emplace(relative, text);
  };
  loader.LoadFile(root_path, {root_path, 0, 0}, 0);
  if (const std::optional<Diagnostic>& failure = loader.read_failure()) {
    std::error_code ec;
    const bool missing =
        failure->code == "include-not-found" || !fs::exists(root_path, ec);
    const std::string message =
        "cannot read the SOP's files: " + FormatDiagnostic(*failure);
    return missing ? NotFoundError(message) : InvalidArgumentError(message);
  }
  LIVESOP_RETURN_IF_ERROR(problem);
  // Each file must be found again from inside the bundle: an include by
  // absolute path, for one, would not be.
  LoadResult bundled = LoadDefinitionFromBundle(bundle, options);
  for (const Diagnostic& d : bundled.diagnostics.items()) {
    if (d.code == "include-not-found" || d.code == "io-error") {
      return InvalidArgumentError(
          "cannot bundle the SOP: " + FormatDiagnostic(d) +
          " (write includes as paths relative to the including file)");
    }
  }
  if (bundled.definition.files.size() != disk.definition.files.size()) {
    return InvalidArgumentError(
        "cannot bundle the SOP: its includes name " +
        std::to_string(disk.definition.files.size()) +
        " files, of which the bundle resolves " +
        std::to_string(bundled.definition.files.size()) +
        "; write includes as paths relative to the including file");
  }
  return bundle;
}

LoadResult LoadDefinitionFromBundle(const Bundle& bundle,
                                    const LoadOptions& options) {
  LoadResult result;
  result.definition.root_file = bundle.root;
  Loader loader(options, &result, &bundle);
  loader.LoadFile(bundle.root, {bundle.root, 0, 0}, 0);
  if (!result.io_failure) FinishLoad(&result);
  return result;
}

std::string BundleToJson(const Bundle& bundle) {
  nlohmann::json doc = {
      {"format", 1}, {"root", bundle.root}, {"files", bundle.files}};
  return doc.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<Bundle> BundleFromJson(const std::string& json) {
  auto invalid = [](const std::string& what) {
    return InvalidArgumentError("not an SOP bundle: " + what);
  };
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(json);
  } catch (const nlohmann::json::exception& e) {
    return invalid(std::string("the JSON does not parse (") + e.what() + ")");
  }
  if (!doc.is_object()) return invalid("the JSON is not an object");
  const auto format = doc.find("format");
  if (format == doc.end() || !format->is_number_integer() || *format != 1) {
    return invalid("\"format\" is not 1");
  }
  const auto root = doc.find("root");
  if (root == doc.end() || !root->is_string() ||
      root->get_ref<const std::string&>().empty()) {
    return invalid("\"root\" is not a file name");
  }
  const auto files = doc.find("files");
  if (files == doc.end() || !files->is_object()) {
    return invalid("\"files\" is not an object");
  }
  Bundle bundle;
  bundle.root = root->get<std::string>();
  for (const auto& [path, content] : files->items()) {
    if (path.empty() || fs::path(path).is_absolute() ||
        fs::path(path).lexically_normal().string() != path) {
      return invalid("the file path \"" + path +
                     "\" is not a normal relative path");
    }
    if (!content.is_string()) {
      return invalid("the content of \"" + path + "\" is not a string");
    }
    bundle.files.emplace(path, content.get<std::string>());
  }
  if (!bundle.files.contains(bundle.root)) {
    return invalid("it does not hold its root file \"" + bundle.root + "\"");
  }
  return bundle;
}

std::string BundleDigest(const Bundle& bundle) {
  std::string canonical = "livesop-sop-bundle-1\n";
  auto add = [&](const std::string& field) {
    canonical += std::to_string(field.size());
    canonical += ':';
    canonical += field;
  };
  add(bundle.root);
  for (const auto& [path, content] : bundle.files) {
    add(path);
    add(content);
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_Digest(canonical.data(), canonical.size(), digest, &size,
                 EVP_sha256(), nullptr) != 1) {
    // Only when OpenSSL cannot run SHA-256 at all (a broken installation);
    // an empty digest never equals a real one.
    return {};
  }
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(size_t{2} * size);
  for (unsigned int i = 0; i < size; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace livesop::sop

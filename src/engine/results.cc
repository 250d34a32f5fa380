// Channel results: CSV exports of the ad platforms and email tools
// imported into campaigns (results_imported), and the campaign's KPIs
// measured against their targets (docs/results.md).
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <openssl/evp.h>

#include "core/text.h"
#include "core/time.h"
#include "engine/engine.h"
#include "engine/internal/context.h"
#include "eventlog/csv.h"
#include "sop/results.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

// Header names of the date and campaign columns recognised without
// options, as MatchKey reduces them.
const std::vector<std::string>& DateAliases() {
  static const std::vector<std::string> aliases = {
      "date", "day", "reportingstarts", "reportdate", "sentdate", "week"};
  return aliases;
}

// A header reduced for matching: lower case, without spaces, '_', '-',
// '.', and without a trailing unit in parentheses ("Amount spent (IDR)"
// matches "amount spent").
std::string MatchKey(std::string_view name) {
  std::string_view text = Trim(name);
  if (text.ends_with(')')) {
    if (const size_t open = text.rfind('(');
        open != std::string_view::npos && open > 0) {
      text = Trim(text.substr(0, open));
    }
  }
  std::string key;
  for (const char c : text) {
    if (c == ' ' || c == '_' || c == '-' || c == '.') continue;
    key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return key;
}

// The SHA-256 of the file at `path`, in hex; it names the import.
Result<std::string> FileDigest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read \"" + path + "\"");
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  if (md == nullptr || EVP_DigestInit_ex(md, EVP_sha256(), nullptr) != 1) {
    EVP_MD_CTX_free(md);
    return InternalError("cannot start a SHA-256 digest");
  }
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof buffer);
    EVP_DigestUpdate(md, buffer, static_cast<size_t>(in.gcount()));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(md, digest, &length);
  EVP_MD_CTX_free(md);
  static const char* const kHex = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return hex;
}

// A cell as a number: "1,250,000", "Rp 1.250.000" (with decimal_comma),
// "IDR 12,500.50", "3.2%", "-150". nullopt for an empty cell or a dash
// (no figure). InvalidArgument for anything else.
Result<std::optional<double>> ReadNumber(std::string_view cell,
                                         bool decimal_comma) {
  std::string_view text = Trim(cell);
  if (text.empty() || text == "-" || text == "--" || text == "—") {
    return std::optional<double>();
  }
  // A currency before or after the figure, and a percent sign after it.
  size_t start = 0;
  while (start < text.size() &&
         (std::isalpha(static_cast<unsigned char>(text[start])) != 0 ||
          text[start] == '$' || text[start] == ' ')) {
    ++start;
  }
  size_t end = text.size();
  while (end > start &&
         (std::isalpha(static_cast<unsigned char>(text[end - 1])) != 0 ||
          text[end - 1] == '%' || text[end - 1] == ' ')) {
    --end;
  }
  const char thousands = decimal_comma ? '.' : ',';
  const char decimal = decimal_comma ? ',' : '.';
  std::string plain;
  for (size_t i = start; i < end; ++i) {
    const char c = text[i];
    if (c == thousands || c == ' ' || c == '\'') continue;
    plain += c == decimal ? '.' : c;
  }
  char* parsed_end = nullptr;
  const double value = std::strtod(plain.c_str(), &parsed_end);
  if (plain.empty() || parsed_end != plain.c_str() + plain.size() ||
      !std::isfinite(value) ||
      plain.find_first_of("eExXnN") != std::string::npos) {
    return InvalidArgumentError(
        "\"" + std::string(text) + "\" is not a number" +
        (decimal_comma
             ? " (read with a decimal comma: 1.250.000,50)"
             : " (read with a decimal point: 1,250,000.50; for 1.250.000,50 "
               "import with the decimal comma option)"));
  }
  return std::optional<double>(value);
}

// A date cell as YYYY-MM-DD: an ISO 8601 date, alone or with a time.
Result<std::string> ReadDate(std::string_view cell) {
  const std::string_view text = Trim(cell);
  const std::string_view day = text.substr(0, 10);
  if (day.size() == 10 && ParseTimestamp(std::string(day)).ok() &&
      (text.size() == 10 || text[10] == 'T' || text[10] == ' ')) {
    return std::string(day);
  }
  return InvalidArgumentError(
      "\"" + std::string(text) +
      "\" is not a date as YYYY-MM-DD; export the report with ISO dates, or "
      "leave the date column out to import totals");
}

// What one import found for one campaign: its days (YYYY-MM-DD, or "" for
// undated rows), each with the sum of its rows per metric.
using Days = std::map<std::string, std::map<std::string, double>>;

// Reads a results export into days per campaign.
class ResultsReader final : public eventlog::CsvTableVisitor {
 public:
  ResultsReader(const ResultsImport& import, ResultsImportReport& report)
      : import_(import), report_(report) {}

  Status OnHeader(int64_t line, const std::vector<std::string>& columns,
                  char /*delimiter*/) override {
    columns_ = columns;
    std::set<size_t> used;
    // Columns named in the import come first; they must be there.
    const auto find = [&](const std::string& name) -> std::optional<size_t> {
      for (size_t i = 0; i < columns.size(); ++i) {
        if (MatchKey(columns[i]) == MatchKey(name)) return i;
      }
      return std::nullopt;
    };
    const auto missing = [&](const std::string& name, const std::string& as) {
      return InvalidArgumentError(import_.file + ":" + std::to_string(line) +
                                  ": no column \"" + name + "\", named as " +
                                  as + "; the header has " + HeaderList());
    };
    for (const auto& [metric, name] : import_.columns) {
      if (sop::FindResultMetric(metric) == nullptr) {
        std::vector<std::string> ids;
        for (const sop::ResultMetric& m : sop::ResultMetrics()) {
          ids.push_back(m.id);
        }
        return InvalidArgumentError("\"" + metric +
                                    "\" is not a metric; the metrics are " +
                                    Join(ids, ", "));
      }
      const std::optional<size_t> at = find(name);
      if (!at) return missing(name, "the " + metric + " column");
      if (used.count(*at) > 0) {
        return InvalidArgumentError("column \"" + columns[*at] +
                                    "\" is named for two metrics");
      }
      metric_columns_.emplace_back(metric, *at);
      used.insert(*at);
    }
    if (!import_.campaign_column.empty()) {
      campaign_column_ = find(import_.campaign_column);
      if (!campaign_column_) {
        return missing(import_.campaign_column, "the campaign column");
      }
      used.insert(*campaign_column_);
    }
    if (!import_.date_column.empty()) {
      date_column_ = find(import_.date_column);
      if (!date_column_) return missing(import_.date_column, "the date column");
      used.insert(*date_column_);
    } else {
      for (size_t i = 0; i < columns.size() && !date_column_; ++i) {
        const std::string key = MatchKey(columns[i]);
        if (used.count(i) == 0 &&
            std::find(DateAliases().begin(), DateAliases().end(), key) !=
                DateAliases().end()) {
          date_column_ = i;
          used.insert(i);
        }
      }
    }
    // Then the usual names of each metric not named.
    for (const sop::ResultMetric& metric : sop::ResultMetrics()) {
      if (import_.columns.count(metric.id) > 0) continue;
      for (size_t i = 0; i < columns.size(); ++i) {
        if (used.count(i) > 0) continue;
        const std::string key = MatchKey(columns[i]);
        const bool known =
            key == MatchKey(metric.id) ||
            std::any_of(
                metric.aliases.begin(), metric.aliases.end(),
                [&](const std::string& a) { return key == MatchKey(a); });
        if (!known) continue;
        metric_columns_.emplace_back(metric.id, i);
        used.insert(i);
        break;
      }
    }
    if (metric_columns_.empty()) {
      return InvalidArgumentError(
          import_.file + ":" + std::to_string(line) +
          ": no column holds a known metric; the header has " + HeaderList() +
          "; name the columns as METRIC=COLUMN (spend, impressions, reach, "
          "clicks, conversions, leads, revenue, ...)");
    }
    for (const auto& [metric, column] : metric_columns_) {
      report_.columns[metric] = columns[column];
    }
    if (date_column_) report_.date_column = columns[*date_column_];
    for (size_t i = 0; i < columns.size(); ++i) {
      if (used.count(i) == 0) report_.ignored.push_back(columns[i]);
    }
    return OkStatus();
  }

  Status OnRow(int64_t line, const std::vector<std::string>& cells) override {
    const auto error = [&](size_t column, const std::string& what) {
      return InvalidArgumentError(import_.file + ":" + std::to_string(line) +
                                  ": column \"" + columns_[column] +
                                  "\": " + what);
    };
    std::string campaign = import_.campaign;
    if (campaign_column_) {
      campaign = std::string(Trim(cells[*campaign_column_]));
      if (campaign.empty()) {
        return error(*campaign_column_,
                     "no campaign; every row needs the campaign it counts "
                     "for");
      }
    }
    std::string day;
    if (date_column_) {
      Result<std::string> date = ReadDate(cells[*date_column_]);
      if (!date.ok()) return error(*date_column_, date.status().message());
      day = *date;
    }
    std::map<std::string, double>& sums = found_[campaign][day];
    for (const auto& [metric, column] : metric_columns_) {
      Result<std::optional<double>> value =
          ReadNumber(cells[column], import_.decimal_comma);
      if (!value.ok()) return error(column, value.status().message());
      if (*value) sums[metric] += **value;
    }
    if (!rows_of_.count(campaign)) campaign_lines_[campaign] = line;
    ++rows_of_[campaign];
    ++report_.rows;
    return OkStatus();
  }

  // Campaign → its days.
  std::map<std::string, Days>& found() { return found_; }
  const std::map<std::string, int64_t>& rows_of() const { return rows_of_; }
  // The first line naming each campaign, for errors.
  int64_t LineOf(const std::string& campaign) const {
    auto it = campaign_lines_.find(campaign);
    return it == campaign_lines_.end() ? 0 : it->second;
  }

 private:
  std::string HeaderList() const {
    std::vector<std::string> quoted;
    for (const std::string& c : columns_) quoted.push_back("\"" + c + "\"");
    return Join(quoted, ", ");
  }

  const ResultsImport& import_;
  ResultsImportReport& report_;
  std::vector<std::string> columns_;
  std::vector<std::pair<std::string, size_t>> metric_columns_;
  std::optional<size_t> campaign_column_;
  std::optional<size_t> date_column_;
  std::map<std::string, Days> found_;
  std::map<std::string, int64_t> rows_of_;
  std::map<std::string, int64_t> campaign_lines_;
};

// The value of a measure over `totals`; nullopt when a metric it needs is
// missing or a divisor is 0.
std::optional<double> Measure(const sop::ResultMeasure& measure,
                              const std::map<std::string, double>& totals,
                              bool percent) {
  auto numerator = totals.find(measure.numerator);
  if (numerator == totals.end()) return std::nullopt;
  if (measure.denominator.empty()) return numerator->second;
  auto denominator = totals.find(measure.denominator);
  if (denominator == totals.end() || denominator->second == 0) {
    return std::nullopt;
  }
  const double ratio = numerator->second / denominator->second;
  return percent ? ratio * 100 : ratio;
}

// A form value as a number: a number, or a number written as text.
std::optional<double> NumberOf(const Json& value) {
  if (value.is_number()) return value.get<double>();
  if (!value.is_string()) return std::nullopt;
  const std::string& text = value.get_ref<const std::string&>();
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !std::isfinite(number)) {
    return std::nullopt;
  }
  return number;
}

// The element of `items` with id `id`; nullptr when there is none.
template <typename T>
const T* ById(const std::vector<T>& items, const std::string& id) {
  auto found = std::find_if(items.begin(), items.end(),
                            [&](const T& item) { return item.id == id; });
  return found == items.end() ? nullptr : &*found;
}

}  // namespace

void Engine::ApplyResults(CampaignState& state, const Json& payload) {
  const std::string channel = payload.value("channel", "");
  const Json& days = payload.value("days", Json::object());
  if (!days.is_object()) return;
  ChannelResults& results = state.results[channel];
  for (const auto& [day, metrics] : days.items()) {
    if (!metrics.is_object()) continue;
    std::map<std::string, double>& kept = results[day];
    kept.clear();  // the latest import of a day replaces what was there
    for (const auto& [metric, value] : metrics.items()) {
      if (value.is_number()) kept[metric] = value.get<double>();
    }
  }
  ++state.result_imports;
}

Result<ResultsImportReport> Engine::ImportResults(const ResultsImport& import) {
  ResultsImportReport report;
  report.file = import.file;
  report.channel = import.channel;
  if (import.campaign.empty() == import.campaign_column.empty()) {
    return InvalidArgumentError(
        "name the campaign the results are for, or the column that names "
        "each row's campaign (one of the two)");
  }
  if (ById(sop_.channels, import.channel) == nullptr) {
    std::vector<std::string> ids;
    for (const sop::Channel& c : sop_.channels) ids.push_back(c.id);
    const std::string closest = ClosestMatch(import.channel, ids);
    return InvalidArgumentError(
        "\"" + import.channel + "\" is not a channel of the SOP" +
        (closest.empty() ? "" : "; did you mean \"" + closest + "\"?") +
        " The channels: " + Join(ids, ", "));
  }
  if (sop_.FindPerson(import.actor) == nullptr) {
    return PermissionDeniedError("\"" + import.actor +
                                 "\" is not a person of the SOP");
  }
  LIVESOP_ASSIGN_OR_RETURN(report.sha256, FileDigest(import.file));
  ResultsReader reader(import, report);
  LIVESOP_RETURN_IF_ERROR(eventlog::ReadCsvTable(import.file, '\0', reader));
  if (report.rows == 0) {
    return InvalidArgumentError(import.file +
                                ": the header has no rows under it; nothing "
                                "to import");
  }
  std::vector<std::string> campaigns;
  for (const auto& [campaign, days] : reader.found()) {
    campaigns.push_back(campaign);
  }
  const std::string file_name =
      import.file.substr(import.file.find_last_of('/') + 1);
  const Status recorded =
      RunAll(campaigns, "results import", [&](Context& context) -> Status {
        context.actor = import.actor;
        const std::string& campaign = context.state.campaign;
        if (context.state.version == 0) {
          return NotFoundError(
              "no campaign " + campaign +
              (import.campaign_column.empty()
                   ? std::string()
                   : " (named on line " +
                         std::to_string(reader.LineOf(campaign)) + " of " +
                         import.file + ")"));
        }
        LIVESOP_RETURN_IF_ERROR(Open(context, false));
        if (!WorksOn(context.state, import.actor)) {
          return PermissionDeniedError(
              import.actor + " may not import results into campaign " +
              campaign +
              ": whoever has a part in its process may (its owner, the "
              "analysts of its reporting step, ...)");
        }
        Json days = Json::object();
        for (const auto& [day, metrics] : reader.found()[campaign]) {
          days[day] = metrics;
        }
        return Add(context, "results_imported",
                   "Results imported: " + import.channel, "", "",
                   {{"channel", import.channel},
                    {"file", file_name},
                    {"sha256", report.sha256},
                    {"rows", reader.rows_of().at(campaign)},
                    {"columns", report.columns},
                    {"days", std::move(days)}});
      });
  if (!recorded.ok()) return recorded;
  report.campaigns = campaigns;
  for (const auto& [campaign, days] : reader.found()) {
    for (const auto& [day, metrics] : days) {
      for (const auto& [metric, value] : metrics) {
        report.totals[metric] += value;
      }
    }
  }
  return report;
}

std::string Engine::ObjectiveOf(const CampaignState& state) const {
  const sop::Definition& sop = Pinned(state);
  const Json& values = *state.values;
  if (auto found = values.find("objective");
      found != values.end() && found->is_string() &&
      ById(sop.objectives, found->get<std::string>()) != nullptr) {
    return found->get<std::string>();
  }
  const sop::CampaignType* type = ById(sop.campaign_types, state.campaign_type);
  if (type != nullptr && type->objectives.size() == 1) {
    return type->objectives.front();
  }
  return "";
}

CampaignResults Engine::ResultsOf(const CampaignState& state) const {
  CampaignResults out;
  out.campaign = state.campaign;
  out.objective = ObjectiveOf(state);
  out.imports = state.result_imports;
  out.spent = state.spent;
  out.budget = BudgetOf(state);
  for (const auto& [channel, days] : state.results) {
    for (const auto& [day, metrics] : days) {
      if (!day.empty()) {
        if (out.first_day.empty() || day < out.first_day) out.first_day = day;
        if (day > out.last_day) out.last_day = day;
      }
      for (const auto& [metric, value] : metrics) {
        out.by_channel[channel][metric] += value;
        out.totals[metric] += value;
      }
    }
  }
  const sop::Definition& sop = Pinned(state);
  const sop::Objective* objective = ById(sop.objectives, out.objective);
  if (objective == nullptr) return out;
  const Json& values = *state.values;
  for (const sop::Kpi& kpi : objective->kpis) {
    KpiResult& r = out.kpis.emplace_back();
    r.id = kpi.id;
    r.name = kpi.name;
    r.unit = kpi.unit;
    r.measure = kpi.measure;
    r.target_text = kpi.target;
    r.direction = kpi.direction.empty() ? "at_least" : kpi.direction;
    if (!kpi.field.empty()) {
      if (auto found = values.find(kpi.field); found != values.end()) {
        if (std::optional<double> own = NumberOf(*found)) {
          r.target = own;
          r.target_source = "request";
        }
      }
    }
    if (!r.target && kpi.value) {
      r.target = kpi.value;
      r.target_source = "sop";
    }
    if (kpi.measure.empty()) {
      r.status = "not measured";
      continue;
    }
    Result<sop::ResultMeasure> measure = sop::ParseMeasure(kpi.measure);
    if (measure.ok()) {
      r.actual = Measure(*measure, out.totals, kpi.unit == "%");
    }
    if (!r.actual) {
      r.status = "no results";
    } else if (!r.target) {
      r.status = "no target";
    } else {
      const bool met = r.direction == "at_most" ? *r.actual <= *r.target
                                                : *r.actual >= *r.target;
      r.status = met ? "met" : "missed";
    }
  }
  return out;
}

Json Engine::ResultsSummary(const CampaignState& state) const {
  const CampaignResults results = ResultsOf(state);
  Json kpis = Json::array();
  for (const KpiResult& k : results.kpis) {
    kpis.push_back({{"kpi", k.id},
                    {"actual", k.actual ? Json(*k.actual) : Json()},
                    {"target", k.target ? Json(*k.target) : Json()},
                    {"status", k.status}});
  }
  return {{"imports", results.imports},
          {"last_day", results.last_day},
          {"kpis", std::move(kpis)}};
}

Result<CampaignResults> Engine::Results(const std::string& campaign) {
  LIVESOP_ASSIGN_OR_RETURN(CampaignState state, Load(campaign));
  if (state.version == 0) return NotFoundError("no campaign " + campaign);
  return ResultsOf(state);
}

Json CampaignResultsToJson(const CampaignResults& results) {
  Json kpis = Json::array();
  for (const KpiResult& k : results.kpis) {
    kpis.push_back({{"id", k.id},
                    {"name", k.name},
                    {"unit", k.unit},
                    {"measure", k.measure},
                    {"direction", k.direction},
                    {"target", k.target ? Json(*k.target) : Json()},
                    {"target_source", k.target_source},
                    {"target_text", k.target_text},
                    {"actual", k.actual ? Json(*k.actual) : Json()},
                    {"status", k.status}});
  }
  return {{"campaign", results.campaign},
          {"objective", results.objective},
          {"imports", results.imports},
          {"first_day", results.first_day},
          {"last_day", results.last_day},
          {"totals", results.totals},
          {"by_channel", results.by_channel},
          {"spent", results.spent},
          {"budget", results.budget ? Json(*results.budget) : Json()},
          {"kpis", std::move(kpis)}};
}

}  // namespace livesop::engine

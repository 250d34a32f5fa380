#include "cli/results_commands.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/workflow.h"
#include "core/text.h"
#include "engine/engine.h"
#include "sop/results.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

struct ResultsArgs {
  WorkflowArgs common;
  std::string file;
  std::string channel;
  std::string campaign_column;
  std::vector<std::string> maps;  // METRIC=COLUMN
  std::string date_column;
  bool decimal_comma = false;
};

// A figure as people read it: thousands separated, at most two decimals.
std::string Figure(double value) {
  char text[64];
  const bool whole = std::fabs(value - std::round(value)) < 1e-9;
  std::snprintf(text, sizeof text, whole ? "%.0f" : "%.2f", value);
  std::string digits = text;
  const size_t dot = digits.find('.');
  size_t end = dot == std::string::npos ? digits.size() : dot;
  const size_t start = digits[0] == '-' ? 1 : 0;
  while (end > start + 3) {
    end -= 3;
    digits.insert(end, ",");
  }
  return digits;
}

std::string MetricName(const std::string& id) {
  const sop::ResultMetric* metric = sop::FindResultMetric(id);
  return metric == nullptr ? id : metric->name;
}

int RunResultsImport(const ResultsArgs& args) {
  const std::string command = "results import";
  engine::ResultsImport import;
  import.file = args.file;
  import.channel = args.channel;
  import.campaign = args.common.campaign;
  import.campaign_column = args.campaign_column;
  import.date_column = args.date_column;
  import.decimal_comma = args.decimal_comma;
  import.actor = args.common.as;
  for (const std::string& map : args.maps) {
    const size_t equals = map.find('=');
    if (equals == std::string::npos || equals == 0 ||
        equals + 1 == map.size()) {
      return UsageError(command,
                        "--map takes METRIC=COLUMN, as "
                        "spend=\"Amount spent (IDR)\"; got \"" +
                            map + "\"");
    }
    import.columns[map.substr(0, equals)] = map.substr(equals + 1);
  }
  if (import.campaign.empty() == import.campaign_column.empty()) {
    return UsageError(command,
                      "name the campaign (--campaign ID) or the column naming "
                      "each row's campaign (--campaign-column NAME), one of "
                      "the two");
  }
  Session session;
  if (const int code = OpenSession(args.common, command, true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::ResultsImportReport> report =
      session.engine->ImportResults(import);
  if (!report.ok()) return Fail(command, report.status(), args.common.json);
  if (args.common.json) {
    std::cout << Json({{"ok", true},
                       {"file", report->file},
                       {"sha256", report->sha256},
                       {"channel", report->channel},
                       {"rows", report->rows},
                       {"columns", report->columns},
                       {"date_column", report->date_column},
                       {"ignored", report->ignored},
                       {"campaigns", report->campaigns},
                       {"totals", report->totals}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << "imported " << report->rows << " row"
            << (report->rows == 1 ? "" : "s") << " of " << report->channel
            << " results into " << Join(report->campaigns, ", ") << "\n";
  std::vector<std::vector<std::string>> rows = {{"METRIC", "COLUMN", "TOTAL"}};
  for (const auto& [metric, column] : report->columns) {
    auto total = report->totals.find(metric);
    rows.push_back(
        {metric, column,
         total == report->totals.end() ? "-" : Figure(total->second)});
  }
  PrintTable(rows, std::cout);
  std::cout << (report->date_column.empty()
                    ? "no date column: the rows are totals\n"
                    : "days from column \"" + report->date_column + "\"\n");
  if (!report->ignored.empty()) {
    std::cout << "columns not imported: " << Join(report->ignored, ", ")
              << " (name one with --map METRIC=COLUMN)\n";
  }
  return kExitOk;
}

int RunResultsShow(const ResultsArgs& args) {
  const std::string command = "results show";
  Session session;
  if (const int code = OpenSession(args.common, command, true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignResults> results =
      session.engine->Results(args.common.campaign);
  if (!results.ok()) return Fail(command, results.status(), args.common.json);
  if (args.common.json) {
    Json out = engine::CampaignResultsToJson(*results);
    out["ok"] = true;
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  const engine::CampaignResults& r = *results;
  std::cout << "campaign " << r.campaign;
  if (!r.objective.empty()) std::cout << ", objective " << r.objective;
  std::cout << "\n";
  if (r.imports == 0) {
    std::cout << "no results imported yet (livesop results import)\n";
  } else {
    std::cout << r.imports << " import" << (r.imports == 1 ? "" : "s");
    if (!r.first_day.empty()) {
      std::cout << ", " << r.first_day << " to " << r.last_day;
    }
    std::cout << "\n";
    std::vector<std::string> header = {"METRIC"};
    for (const auto& [channel, metrics] : r.by_channel) {
      header.push_back(channel);
    }
    header.push_back("TOTAL");
    std::vector<std::vector<std::string>> rows = {header};
    for (const auto& [metric, total] : r.totals) {
      std::vector<std::string> row = {MetricName(metric)};
      for (const auto& [channel, metrics] : r.by_channel) {
        auto found = metrics.find(metric);
        row.push_back(found == metrics.end() ? "-" : Figure(found->second));
      }
      row.push_back(Figure(total));
      rows.push_back(std::move(row));
    }
    PrintTable(rows, std::cout);
  }
  std::cout << "spent (recorded): " << Figure(r.spent);
  if (r.budget) std::cout << " of a budget of " << Figure(*r.budget);
  std::cout << "\n";
  if (r.kpis.empty()) {
    std::cout << "no KPIs: the campaign's objective is not known\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"KPI", "ACTUAL", "TARGET", "STATUS"}};
  for (const engine::KpiResult& k : r.kpis) {
    const std::string unit = k.unit == "%" ? "%" : "";
    std::string target = k.target_text;
    if (k.target) {
      target = std::string(k.direction == "at_most" ? "<= " : ">= ") +
               Figure(*k.target) + unit +
               (k.target_source == "request" ? " (brief)" : "");
    }
    rows.push_back(
        {k.name, k.actual ? Figure(*k.actual) + unit : "-", target, k.status});
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

void AddStoreOptions(CLI::App* command, ResultsArgs& args, bool with_as) {
  command
      ->add_option("--db", args.common.db,
                   "The store: a SQLite file or a postgresql:// URL; default "
                   "from LIVESOP_DB")
      ->envname("LIVESOP_DB")
      ->required();
  command
      ->add_option("--sop", args.common.sop,
                   "The root YAML file of the SOP; default from LIVESOP_SOP, "
                   "else the latest published")
      ->envname("LIVESOP_SOP");
  command->add_flag("--json", args.common.json,
                    "Print the result as one JSON object");
  if (with_as) {
    command->add_option("--as", args.common.as, "Who imports: a person id")
        ->required();
  }
  command->footer(
      "Exit codes: 0 done, 1 refused (a cell that is not a number or a date, "
      "a row with missing or extra cells, a column that is not there, an "
      "unknown campaign, channel or metric, someone who may not), 2 usage "
      "error or a file that cannot be read, 3 the store failed, 4 another "
      "command changed a campaign meanwhile: try again.");
}

}  // namespace

std::function<int()> AddResultsCommands(CLI::App& app) {
  auto args = std::make_shared<ResultsArgs>();
  ResultsArgs& a = *args;
  CLI::App* results = app.add_subcommand(
      "results", "Channel results of campaigns, and their KPIs against target");
  results->require_subcommand(1);
  CLI::App* import = results->add_subcommand(
      "import",
      "Import a CSV export of a channel's results (spend, impressions, "
      "clicks, conversions, leads, ...) into one campaign or the campaigns "
      "its rows name; all or nothing");
  import->add_option("FILE", a.file, "The CSV export")
      ->required()
      ->check(CLI::ExistingFile);
  import->add_option("--channel", a.channel, "The SOP's channel id")
      ->required();
  import->add_option("--campaign", a.common.campaign,
                     "The campaign every row counts for");
  import->add_option("--campaign-column", a.campaign_column,
                     "Or the column naming each row's campaign (by id)");
  import->add_option(
      "--map", a.maps,
      "METRIC=COLUMN for a column whose name is not recognised, as "
      "--map leads=\"Form submissions\"; repeat for more");
  import->add_option("--date-column", a.date_column,
                     "The column of each row's day (ISO dates); default a "
                     "column named Date, Day or Reporting starts");
  import->add_flag("--decimal-comma", a.decimal_comma,
                   "Numbers are written 1.250.000,50 (default 1,250,000.50)");
  AddStoreOptions(import, a, true);

  CLI::App* show = results->add_subcommand(
      "show",
      "A campaign's imported results per channel, its spend, and each KPI "
      "of its objective against its target");
  show->add_option("CAMPAIGN", a.common.campaign, "The campaign's id")
      ->required();
  AddStoreOptions(show, a, false);

  return [=]() -> int {
    if (import->parsed()) return RunResultsImport(*args);
    if (show->parsed()) return RunResultsShow(*args);
    return -1;
  };
}

}  // namespace livesop::cli

#include "cli/report_commands.h"

#include <cstdio>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/store_commands.h"
#include "cli/workflow.h"
#include "core/clock.h"
#include "engine/report.h"

namespace livesop::cli {
namespace {

struct ReportArgs {
  WorkflowArgs common;  // --db, --sop, --json
  std::string from;
  std::string to;
  std::string type;
  bool csv = false;
};

// The text report lists every campaign's spend up to this many campaigns;
// beyond it, only those over their budget (--csv lists every one).
constexpr size_t kSpendRows = 50;

// "1,234,567" or "1,234.50": thousands grouped, two decimals unless whole.
std::string Money(double amount) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", amount);
  std::string digits = text;
  if (digits.ends_with(".00")) digits.resize(digits.size() - 3);
  const size_t sign = digits.starts_with("-") ? 1 : 0;
  size_t point = digits.find('.');
  if (point == std::string::npos) point = digits.size();
  for (size_t at = point; at > sign + 3; at -= 3) digits.insert(at - 3, ",");
  return digits;
}

// One decimal: "2.5".
std::string Fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

std::string Percent(const std::optional<double>& share) {
  return share ? Fixed(*share) + "%" : "-";
}

std::string Stat(const engine::DurationStats& s, double value) {
  return s.count > 0 ? Fixed(value) : "-";
}

std::string Count(int64_t n) { return std::to_string(n); }

void PrintStatus(const engine::DepartmentReport& r, std::ostream& out) {
  out << "\nCampaigns by status\n";
  std::vector<std::vector<std::string>> rows = {
      {"TYPE", "TOTAL", "ACTIVE", "COMPLETED", "REJECTED", "CANCELLED"}};
  auto row = [&](const std::string& name, const engine::StatusCounts& s) {
    rows.push_back({name, Count(s.total), Count(s.active), Count(s.completed),
                    Count(s.rejected), Count(s.cancelled)});
  };
  for (const engine::TypeFigures& t : r.types) row(t.campaign_type, t.status);
  row("all", r.status);
  PrintTable(rows, out, "  ");
}

void PrintLaunches(const engine::DepartmentReport& r, std::ostream& out) {
  out << "\nLaunches against the requested launch date\n";
  std::vector<std::vector<std::string>> rows = {
      {"TYPE", "ON TIME", "LATE", "NOT YET", "OVERDUE", "NEVER", "NO DATE",
       "ON-TIME SHARE", "DAYS LATE MEDIAN", "MAX"}};
  auto row = [&](const std::string& name, const engine::LaunchSummary& l) {
    rows.push_back(
        {name, Count(l.on_time), Count(l.late), Count(l.not_yet),
         Count(l.overdue), Count(l.never_launched), Count(l.no_launch_date),
         Percent(l.on_time_share ? std::optional<double>(*l.on_time_share * 100)
                                 : std::nullopt),
         Stat(l.days_late, l.days_late.median),
         Stat(l.days_late, l.days_late.max)});
  };
  for (const engine::TypeFigures& t : r.types) row(t.campaign_type, t.launch);
  row("all", r.launch);
  PrintTable(rows, out, "  ");
  std::vector<std::vector<std::string>> late = {
      {"CAMPAIGN", "LAUNCH DATE", "LAUNCHED", "DAYS LATE"}};
  for (const engine::CampaignFigures& c : r.campaigns) {
    if (c.launch == engine::LaunchStatus::kLate ||
        c.launch == engine::LaunchStatus::kOverdue) {
      late.push_back(
          {c.campaign, c.launch_date,
           c.launched_date.empty() ? "not yet" : c.launched_date,
           c.launch == engine::LaunchStatus::kLate ? Count(c.days_late) : "-"});
    }
  }
  if (late.size() > 1 && late.size() <= kSpendRows + 1) {
    out << "  Late and overdue:\n";
    PrintTable(late, out, "    ");
  }
}

void PrintCycle(const engine::DepartmentReport& r, std::ostream& out) {
  out << "\nCycle time, submission to completion (days)\n";
  std::vector<std::vector<std::string>> rows = {{"TYPE", "COMPLETED", "MEDIAN",
                                                 "P90", "MIN", "MAX", "OPEN",
                                                 "REJECTED/CANCELLED"}};
  auto row = [&](const std::string& name, const engine::CycleTimes& c) {
    const engine::DurationStats& d = c.days;
    rows.push_back({name, Count(d.count), Stat(d, d.median), Stat(d, d.p90),
                    Stat(d, d.min), Stat(d, d.max), Count(c.open),
                    Count(c.rejected_or_cancelled)});
  };
  for (const engine::TypeFigures& t : r.types) row(t.campaign_type, t.cycle);
  row("all", r.cycle);
  PrintTable(rows, out, "  ");
}

void PrintApprovals(const engine::DepartmentReport& r, std::ostream& out) {
  out << "\nApproval and review times, task created to decision (hours)\n";
  if (r.approvals.empty()) {
    out << "  no decisions\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {
      {"STEP", "ROLE", "DECISIONS", "MEDIAN", "P90", "INFORMAL",
       "CHANGES REQUESTED", "CAMPAIGNS REVISED"}};
  auto row = [&](const std::string& step, const std::string& role,
                 const engine::ApprovalFigures& a) {
    rows.push_back(
        {step, role, Count(a.decisions), Stat(a.hours, a.hours.median),
         Stat(a.hours, a.hours.p90), Count(a.informal),
         Count(a.changes_requested),
         Count(a.campaigns_with_revisions) + " of " + Count(a.campaigns)});
  };
  for (const engine::ApprovalFigures& a : r.approvals) {
    row(a.step, "all", a);
    if (a.roles.size() < 2) continue;
    for (const engine::ApprovalFigures& role : a.roles) {
      row("", role.role, role);
    }
  }
  PrintTable(rows, out, "  ");
}

void PrintSpend(const engine::DepartmentReport& r, std::ostream& out) {
  out << "\nSpend against budget"
      << (r.currency.empty() ? "" : " (" + r.currency + ")") << "\n";
  std::vector<std::vector<std::string>> rows = {
      {"TYPE", "CAMPAIGNS", "BUDGET", "SPENT", "REMAINING", "USED",
       "OVER BUDGET", "SPENT WITHOUT BUDGET"}};
  auto row = [&](const std::string& name, const engine::SpendTotals& s) {
    rows.push_back({name, Count(s.campaigns), Money(s.budget), Money(s.spent),
                    Money(s.remaining), Percent(s.used_pct),
                    Count(s.over_budget), Money(s.unbudgeted_spent)});
  };
  for (const engine::TypeFigures& t : r.types) row(t.campaign_type, t.spend);
  row("all", r.spend);
  PrintTable(rows, out, "  ");

  const bool all = r.campaigns.size() <= kSpendRows;
  std::vector<std::vector<std::string>> campaigns = {
      {"CAMPAIGN", "TYPE", "BUDGET", "SPENT", "REMAINING", "USED", "OVER"}};
  for (const engine::CampaignFigures& c : r.campaigns) {
    if (!all && !c.over_budget) continue;
    if (campaigns.size() > kSpendRows) break;
    campaigns.push_back({c.campaign, c.campaign_type,
                         c.budget ? Money(*c.budget) : "-", Money(c.spent),
                         c.remaining ? Money(*c.remaining) : "-",
                         Percent(c.used_pct), c.over_budget ? "over" : "-"});
  }
  if (campaigns.size() == 1) return;
  out << (all ? "  By campaign:\n"
              : "  Over budget (--csv lists every campaign):\n");
  PrintTable(campaigns, out, "    ");
}

void PrintReport(const engine::DepartmentReport& r, std::ostream& out) {
  std::string period = "every campaign";
  if (!r.from.empty() || !r.to.empty()) {
    period = "campaigns launching or submitted " +
             (r.from.empty() ? std::string("up to ") + r.to
              : r.to.empty() ? "from " + r.from
                             : "from " + r.from + " to " + r.to) +
             " (both included)";
  }
  out << "Department report: " << period
      << (r.campaign_type.empty() ? "" : ", type " + r.campaign_type) << "\n";
  out << "Dates on the " << r.calendar_zone << " calendar"
      << (r.currency.empty() ? "" : "; money in " + r.currency) << ".\n";
  if (r.campaigns_in_store == 0) {
    out << "\nThe store holds no campaigns"
        << (r.campaign_type.empty() ? "" : " of type " + r.campaign_type)
        << " yet: nothing to report.\n";
    return;
  }
  if (r.campaigns.empty()) {
    out << "\nNo campaign falls in the period (" << r.campaigns_in_store
        << " in the store): nothing to report.\n";
    return;
  }
  PrintStatus(r, out);
  PrintLaunches(r, out);
  PrintCycle(r, out);
  PrintApprovals(r, out);
  PrintSpend(r, out);
}

int RunReport(const ReportArgs& args) {
  const std::string command = "report";
  const WorkflowArgs& a = args.common;
  if (a.json && args.csv)
    return UsageError(command, "give --json or --csv, not both");
  Session session;
  if (const int code = OpenSession(a, command, true, session);
      code != kExitOk) {
    return code;
  }
  engine::ReportOptions options;
  options.from = args.from;
  options.to = args.to;
  options.campaign_type = args.type;
  options.now_us = SystemClock().NowMicros();
  for (const auto& p : session.pinned) options.pinned.push_back(p.get());
  Result<engine::DepartmentReport> report =
      engine::BuildDepartmentReport(*session.store, session.sop, options);
  if (!report.ok()) {
    // A malformed or reversed period is a usage error; an unknown type is
    // refused; anything else is the store's.
    if (report.status().code() == StatusCode::kInvalidArgument) {
      return UsageError(command, report.status().message());
    }
    return Fail(command, report.status(), a.json);
  }
  if (a.json) {
    std::cout << engine::DepartmentReportToJson(*report).dump(2) << "\n";
  } else if (args.csv) {
    std::cout << engine::DepartmentReportToCsv(*report);
  } else {
    PrintReport(*report, std::cout);
  }
  return kExitOk;
}

}  // namespace

std::function<int()> AddReportCommand(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  ReportArgs& a = *args;
  CLI::App* report = app.add_subcommand(
      "report",
      "The department report: campaigns by status and type, launches on "
      "time, cycle times, approval times, spend against budget");
  AddDb(report, a.common.db);
  report
      ->add_option("--sop", a.common.sop,
                   "The root YAML file of the SOP; default from LIVESOP_SOP, "
                   "else the latest published")
      ->envname("LIVESOP_SOP");
  report->add_option("--from", a.from,
                     "First date of the period, YYYY-MM-DD (default: no "
                     "bound); a campaign is in it when its launch date or "
                     "its submission falls in it");
  report->add_option("--to", a.to,
                     "Last date of the period, YYYY-MM-DD, included "
                     "(default: no bound)");
  report->add_option("--type", a.type, "Only campaigns of this type");
  report->add_flag("--json", a.common.json,
                   "Print the report as one JSON object");
  report->add_flag("--csv", a.csv, "Print one CSV row per campaign");
  report->footer(
      "Exit codes: 0 done (also for an empty report), 1 refused (an unknown "
      "campaign type), 2 usage error (a malformed date, --from after --to, "
      "--json with --csv), 3 the store failed.");
  return [args, report]() -> int {
    if (report->parsed()) return RunReport(*args);
    return -1;
  };
}

}  // namespace livesop::cli

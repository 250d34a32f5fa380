#include "cli/calendar_commands.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/store_commands.h"
#include "cli/workflow.h"
#include "core/clock.h"
#include "core/text.h"
#include "engine/facts.h"
#include "engine/ical.h"
#include "engine/marketing_calendar.h"

namespace livesop::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr int64_t kDayUs = int64_t{86400} * 1000000;

struct CalendarArgs {
  WorkflowArgs common;  // db, sop, json, person, campaign
  std::string from;
  std::string to;
  std::string team;
  bool ics = false;
  std::string output;
  // calendar plan
  std::string type;
  std::string launch;
};

// Writes `content` to `path` through a temporary file and a rename, so a
// failure never leaves a half-written feed behind.
bool WriteAtomically(const fs::path& path, const std::string& content,
                     std::string* error) {
  fs::path temp = path;
  temp += ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << content;
    out.flush();
    if (!out) {
      *error = "cannot write " + temp.string();
      std::error_code ec;
      fs::remove(temp, ec);
      return false;
    }
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) {
    *error = "cannot write " + path.string() + ": " + ec.message();
    fs::remove(temp, ec);
    return false;
  }
  return true;
}

// "unknown person X" with a "did you mean" when one is close.
int Unknown(const std::string& what, const std::string& id,
            const std::vector<std::string>& known, bool json) {
  std::string message = "unknown " + what + " \"" + id + "\"";
  const std::string closest = ClosestMatch(id, known);
  if (!closest.empty()) message += "; did you mean \"" + closest + "\"?";
  return Fail("calendar", NotFoundError(message), json);
}

// The local wall-clock time of `at` on the day `date` starts ("09:00").
std::string LocalTime(const WorkCalendar& calendar, const std::string& date,
                      int64_t at) {
  Result<int64_t> start = calendar.StartOfLocalDate(date);
  if (!start.ok()) return "";
  const int64_t minutes = (at - *start) / 60000000;
  char text[8];
  std::snprintf(text, sizeof text, "%02d:%02d",
                static_cast<int>(minutes / 60 % 100),
                static_cast<int>(minutes % 60));
  return text;
}

void PrintCalendar(const engine::MarketingCalendar& calendar,
                   const WorkCalendar& work, std::ostream& out) {
  out << "Marketing calendar " << calendar.from << " to " << calendar.to
      << " (end exclusive): " << calendar.items.size() << " item"
      << (calendar.items.size() == 1 ? "" : "s") << "\n";
  size_t i = 0;
  while (i < calendar.items.size()) {
    const std::string& date = calendar.items[i].milestone.date;
    out << "\n" << date << "\n";
    std::vector<std::vector<std::string>> rows = {
        {"TIME", "CAMPAIGN", "MILESTONE", "KIND", "ROLE", "STATUS"}};
    for (;
         i < calendar.items.size() && calendar.items[i].milestone.date == date;
         ++i) {
      const engine::CalendarItem& item = calendar.items[i];
      const engine::Milestone& m = item.milestone;
      rows.push_back({m.all_day ? "all day" : LocalTime(work, date, m.due_us),
                      item.campaign, OneLine(m.name), m.kind, m.role,
                      m.status});
    }
    PrintTable(rows, out, "  ");
  }
  if (calendar.conflicts.empty()) {
    out << "\nNo conflicts.\n";
  } else {
    out << "\nConflicts (" << calendar.conflicts.size() << "):\n";
    for (const engine::CalendarConflict& c : calendar.conflicts) {
      out << "  " << c.date << "  " << c.kind << ": " << c.message << "\n";
    }
  }
  for (const std::string& s : calendar.skipped) {
    out << "skipped " << s << "\n";
  }
}

int RunCalendar(const CalendarArgs& args) {
  const WorkflowArgs& a = args.common;
  const int scopes =
      !a.person.empty() + !args.team.empty() + !a.campaign.empty();
  if (scopes > 1) {
    return UsageError("calendar",
                      "give at most one of --person, --team and --campaign");
  }
  if (a.db.empty()) return UsageError("calendar", "--db is required");
  if (a.json && args.ics) {
    return UsageError("calendar", "give --json or --ics, not both");
  }
  if (!args.output.empty() && !args.ics) {
    return UsageError("calendar", "-o writes the --ics feed; add --ics");
  }
  Session session;
  if (const int code = OpenSession(a, "calendar", true, session);
      code != kExitOk) {
    return code;
  }
  const sop::Definition& sop = session.sop;
  const WorkCalendar work = engine::DefaultCalendar(sop);
  const int64_t now = SystemClock().NowMicros();
  std::string from = args.from;
  if (from.empty()) from = work.LocalDate(now);
  std::string to = args.to;
  if (to.empty()) {
    Result<int64_t> start = work.StartOfLocalDate(from);
    if (!start.ok()) {
      return UsageError("calendar", "--from \"" + from +
                                        "\" is not a date: write YYYY-MM-DD");
    }
    to = work.LocalDate(*start + 56 * kDayUs + kDayUs / 2);
  }

  // Who the view is for.
  std::vector<std::string> people;
  std::string name = "Marketing calendar";
  if (!a.person.empty()) {
    std::vector<std::string> ids;
    for (const sop::Person& p : sop.people) ids.push_back(p.id);
    if (std::find(ids.begin(), ids.end(), a.person) == ids.end()) {
      return Unknown("person", a.person, ids, a.json);
    }
    people = {a.person};
    name += " of " + a.person;
  } else if (!args.team.empty()) {
    std::vector<std::string> ids;
    for (const sop::Team& t : sop.teams) ids.push_back(t.id);
    if (std::find(ids.begin(), ids.end(), args.team) == ids.end()) {
      return Unknown("team", args.team, ids, a.json);
    }
    people = engine::MembersOf(sop, args.team);
    name += " of team " + args.team;
  }

  Result<engine::CalendarInputs> inputs =
      engine::ReadCalendarInputs(*session.store, now);
  if (!inputs.ok()) return Fail("calendar", inputs.status(), a.json);

  engine::CalendarOptions options;
  options.include_ended = args.ics;
  std::vector<std::string> campaigns;
  if (!a.campaign.empty()) {
    std::vector<std::string> ids;
    for (const engine::CalendarCampaign& c : inputs->campaigns) {
      ids.push_back(c.campaign);
    }
    if (std::find(ids.begin(), ids.end(), a.campaign) == ids.end()) {
      return Unknown("campaign", a.campaign, ids, a.json);
    }
    campaigns = {a.campaign};
    options.include_ended = true;
    name += " of campaign " + a.campaign;
  } else if (!a.person.empty() || !args.team.empty()) {
    campaigns = engine::CampaignsOfPeople(*inputs, people);
  }
  options.only_campaigns = campaigns;
  const bool scoped = !a.person.empty() || !args.team.empty();
  Result<engine::MarketingCalendar> calendar =
      engine::BuildMarketingCalendar(sop, *inputs, from, to, options);
  if (!calendar.ok())
    return UsageError("calendar", calendar.status().message());
  if (scoped && campaigns.empty()) {
    // Nobody in scope holds a campaign: an empty view, not everyone's.
    calendar->items.clear();
    calendar->conflicts.clear();
    calendar->skipped.clear();
  }

  if (args.ics) {
    engine::ICalFeed feed;
    feed.name = name;
    feed.stamp_us = now;
    feed.items = calendar->items;
    Result<int64_t> since = work.StartOfLocalDate(from);
    if (scoped || !a.campaign.empty()) {
      feed.tasks = engine::FeedTasks(*inputs, people, campaigns,
                                     since.ok() ? *since : now);
    }
    Result<std::string> text = engine::WriteICalendar(feed);
    if (!text.ok()) return Fail("calendar", text.status(), false);
    if (args.output.empty() || args.output == "-") {
      std::cout << *text;
      return kExitOk;
    }
    std::string error;
    if (!WriteAtomically(args.output, *text, &error)) {
      std::cerr << "livesop calendar: " << error << "\n";
      return kExitUsage;
    }
    std::cerr << "wrote " << args.output << ": " << feed.items.size()
              << " events, " << feed.tasks.size() << " tasks\n";
    return kExitOk;
  }
  if (a.json) {
    std::cout << engine::MarketingCalendarToJson(*calendar).dump(2) << "\n";
    return kExitOk;
  }
  PrintCalendar(*calendar, work, std::cout);
  return kExitOk;
}

int RunCalendarPlan(const CalendarArgs& args) {
  const WorkflowArgs& a = args.common;
  Session session;
  if (const int code = OpenSession(a, "calendar plan", true, session);
      code != kExitOk) {
    return code;
  }
  const int64_t now = SystemClock().NowMicros();
  Result<engine::LaunchPlan> plan =
      engine::PlanLaunch(session.sop, args.type, args.launch, now);
  if (!plan.ok()) {
    const std::string message = plan.status().message();
    // A malformed date is a usage error; an unknown type is refused.
    if (message.find("is not a date") != std::string::npos) {
      return UsageError("calendar plan", message);
    }
    return Fail("calendar plan", plan.status(), a.json);
  }
  if (a.json) {
    std::cout << engine::LaunchPlanToJson(*plan).dump(2) << "\n";
    return plan->feasible ? kExitOk : kExitInvalid;
  }
  std::cout << "Launch of a " << plan->campaign_type << " campaign on "
            << plan->launch_date << ": "
            << (plan->feasible ? "feasible" : "NOT feasible") << "\n";
  if (!plan->verdict.empty()) std::cout << "  " << plan->verdict << "\n";
  if (!plan->earliest_launch.empty()) {
    std::cout << "  earliest feasible launch: " << plan->earliest_launch
              << "\n";
  }
  std::vector<std::vector<std::string>> rows = {
      {"DATE", "MILESTONE", "KIND", "STEP", "ROLE"}};
  for (const engine::Milestone& m : plan->milestones) {
    rows.push_back({m.date, OneLine(m.name), m.kind, m.step, m.role});
  }
  std::cout << "\n";
  PrintTable(rows, std::cout, "  ");
  if (!plan->warnings.empty()) {
    std::cout << "\nWarnings:\n";
    for (const std::string& w : plan->warnings) {
      std::cout << "  " << w << "\n";
    }
  }
  for (const engine::PreviewProblem& p : plan->problems) {
    std::cout << "problem " << p.code << ": " << p.message << "\n";
  }
  return plan->feasible ? kExitOk : kExitInvalid;
}

constexpr const char* kCodes =
    "Exit codes: 0 done (plan: the launch date is feasible), 1 refused (an "
    "unknown campaign type, person, team or campaign; plan: the date is not "
    "feasible), 2 usage error (a malformed date, --to not after --from) or "
    "a file that cannot be written, 3 the store failed.";

// `calendar` has a subcommand, so its --db cannot be required by CLI11
// (`calendar plan --db X` would fail on the parent): RunCalendar checks it.
void AddCommon(CLI::App* command, CalendarArgs& args, bool db_required) {
  AddDb(command, args.common.db)->required(db_required);
  command
      ->add_option("--sop", args.common.sop,
                   "The root YAML file of the SOP; default from LIVESOP_SOP, "
                   "else the latest published")
      ->envname("LIVESOP_SOP");
  command->add_flag("--json", args.common.json,
                    "Print the result as one JSON object");
  command->footer(kCodes);
}

}  // namespace

std::function<int()> AddCalendarCommands(CLI::App& app) {
  auto args = std::make_shared<CalendarArgs>();
  CalendarArgs& a = *args;
  CLI::App* calendar = app.add_subcommand(
      "calendar",
      "The marketing calendar: every campaign's launch and milestones, "
      "derived backwards from its launch date, and the conflicts");
  calendar->require_subcommand(0, 1);
  AddCommon(calendar, a, /*db_required=*/false);
  calendar->add_option("--from", a.from,
                       "First date shown, YYYY-MM-DD (default today)");
  calendar->add_option("--to", a.to,
                       "Date the view ends before, YYYY-MM-DD (default eight "
                       "weeks after --from)");
  calendar->add_option("--person", a.common.person,
                       "Only the campaigns this person owns or holds tasks "
                       "in (and, with --ics, their tasks)");
  calendar->add_option("--team", a.team, "Only the campaigns of its members");
  calendar->add_option("--campaign", a.common.campaign, "Only this campaign");
  calendar->add_flag("--ics", a.ics, "Write an iCalendar (RFC 5545) feed");
  calendar->add_option("-o,--output", a.output,
                       "Write the --ics feed to this file (atomically)");

  CLI::App* plan = calendar->add_subcommand(
      "plan",
      "What if a campaign of TYPE launched on a date: its milestones, what "
      "would already be late, and the earliest feasible launch");
  AddCommon(plan, a, /*db_required=*/true);
  plan->add_option("TYPE", a.type, "The campaign type, such as event")
      ->required();
  plan->add_option("--launch", a.launch, "The launch date, YYYY-MM-DD")
      ->required();

  return [args, calendar, plan]() -> int {
    if (plan->parsed()) return RunCalendarPlan(*args);
    if (calendar->parsed()) return RunCalendar(*args);
    return -1;
  };
}

}  // namespace livesop::cli

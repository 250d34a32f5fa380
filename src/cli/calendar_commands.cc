#include "cli/calendar_commands.h"

#include <nlohmann/json.hpp>

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
#include "engine/calendar_feeds.h"
#include "engine/facts.h"
#include "engine/ical.h"
#include "engine/marketing_calendar.h"
#include "store/store.h"

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
  // calendar feed add, revoke
  bool all = false;
  std::string label;
  std::string base_url = "http://127.0.0.1:8080";
  std::string feed_id;
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
                      item.campaign->campaign, OneLine(m.name), m.kind, m.role,
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

  engine::CalendarScope scope;
  if (!a.person.empty()) scope = {"person", a.person};
  if (!args.team.empty()) scope = {"team", args.team};
  if (!a.campaign.empty()) scope = {"campaign", a.campaign};

  Result<engine::CalendarInputs> inputs =
      engine::ReadCalendarInputs(*session.store, now);
  if (!inputs.ok()) return Fail("calendar", inputs.status(), a.json);
  Result<engine::ScopedCalendar> scoped = engine::BuildScopedCalendar(
      sop, *inputs, scope, from, to, /*for_feed=*/args.ics);
  if (!scoped.ok()) {
    // An unknown person, team or campaign is refused; a bad range is a
    // usage error.
    if (scoped.status().code() == StatusCode::kNotFound) {
      return Fail("calendar", scoped.status(), a.json);
    }
    return UsageError("calendar", scoped.status().message());
  }
  const engine::MarketingCalendar& calendar = scoped->calendar;

  if (args.ics) {
    Result<int64_t> since = work.StartOfLocalDate(from);
    const engine::ICalFeed feed = engine::ScopedFeed(
        *scoped, *inputs, scope, since.ok() ? *since : now, now);
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
    std::cout << engine::MarketingCalendarToJson(calendar).dump(2) << "\n";
    return kExitOk;
  }
  PrintCalendar(calendar, work, std::cout);
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

// The subscribe URL of a feed: `base` (an http:// or https:// URL, a
// trailing slash or not) and /ical/TOKEN.ics. Empty when `base` is not
// such a URL.
std::string FeedUrl(std::string base, const std::string& token) {
  const bool http = base.starts_with("http://") || base.starts_with("https://");
  const size_t host = base.find("://") + 3;
  if (!http || base.size() <= host || base[host] == '/' ||
      base.find_first_of(" \t\r\n?#") != std::string::npos) {
    return "";
  }
  while (base.ends_with("/")) base.pop_back();
  return base + "/ical/" + token + ".ics";
}

std::string ScopeText(const store::CalendarFeed& feed) {
  return feed.scope_kind == "all" ? std::string("all")
                                  : feed.scope_kind + " " + feed.scope_id;
}

Json FeedToJson(const store::CalendarFeed& feed) {
  return {{"id", feed.id},
          {"scope", feed.scope_kind},
          {"scope_id", feed.scope_id},
          {"label", feed.label},
          {"created_by", feed.created_by},
          {"created", TimeJson(feed.created_us)},
          {"revoked", TimeJson(feed.revoked_us)},
          {"status", feed.revoked_us != 0 ? "revoked" : "live"}};
}

int RunFeedAdd(const CalendarArgs& args) {
  const std::string command = "calendar feed add";
  const WorkflowArgs& a = args.common;
  const int scopes = !a.person.empty() + !args.team.empty() +
                     !a.campaign.empty() + (args.all ? 1 : 0);
  if (scopes != 1) {
    return UsageError(command,
                      "give one of --person ID, --team ID, --campaign ID or "
                      "--all: whose calendar the feed shows");
  }
  engine::CalendarFeedRequest request;
  std::string option = "--all";
  if (!a.person.empty()) {
    request.scope = {"person", a.person};
    option = "--person";
  } else if (!args.team.empty()) {
    request.scope = {"team", args.team};
    option = "--team";
  } else if (!a.campaign.empty()) {
    request.scope = {"campaign", a.campaign};
    option = "--campaign";
  }
  request.label = args.label;
  request.created_by = a.as;
  if (FeedUrl(args.base_url, "x").empty()) {
    return UsageError(command, "--base-url \"" + args.base_url +
                                   "\" is not an http:// or https:// URL; "
                                   "give the address subscribers reach "
                                   "`livesop serve` at, such as "
                                   "https://livesop.example.com");
  }
  // People and teams are the SOP's; a campaign or everyone needs the store
  // only.
  const bool needs_sop =
      request.scope.kind == "person" || request.scope.kind == "team";
  Session session;
  if (const int code = OpenSession(a, command, needs_sop, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::NewCalendarFeed> made = engine::CreateCalendarFeed(
      *session.store, session.sop, request, SystemClock().NowMicros());
  if (!made.ok()) {
    if (made.status().code() == StatusCode::kNotFound) {
      return Fail(command, made.status().WithContext(option), a.json);
    }
    return Fail(command, made.status(), a.json);
  }
  const std::string url = FeedUrl(args.base_url, made->token);
  if (a.json) {
    Json out = FeedToJson(made->feed);
    out["url"] = url;
    std::cout << Json({{"ok", true}, {"feed", out}}).dump(2) << "\n";
  } else {
    std::cout << "made calendar feed " << made->feed.id << " ("
              << ScopeText(made->feed)
              << (made->feed.label.empty() ? "" : ", " + made->feed.label)
              << ")\n"
              << "subscribe URL: " << url << "\n";
  }
  std::cerr << "livesop " << command
            << ": keep the URL now: its token is shown only this once (the "
               "store keeps only its hash), and whoever has it can read "
               "this calendar. `livesop calendar feed revoke "
            << made->feed.id << "` turns it off; `livesop serve` serves it\n";
  return kExitOk;
}

int RunFeedList(const CalendarArgs& args) {
  const std::string command = "calendar feed list";
  const WorkflowArgs& a = args.common;
  Session session;
  if (const int code = OpenSession(a, command, false, session);
      code != kExitOk) {
    return code;
  }
  Result<std::vector<store::CalendarFeed>> feeds =
      session.store->CalendarFeeds();
  if (!feeds.ok()) return Fail(command, feeds.status(), a.json);
  if (a.json) {
    Json list = Json::array();
    for (const store::CalendarFeed& f : *feeds) list.push_back(FeedToJson(f));
    std::cout << Json({{"ok", true}, {"feeds", list}}).dump(2) << "\n";
    return kExitOk;
  }
  if (feeds->empty()) {
    std::cout << "no calendar feeds; make one with `livesop calendar feed "
                 "add --person ID`\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"ID", "SCOPE", "STATUS", "CREATED", "BY", "LABEL"}};
  for (const store::CalendarFeed& f : *feeds) {
    rows.push_back(
        {f.id, ScopeText(f),
         f.revoked_us != 0 ? "revoked " + TimeText(f.revoked_us) : "live",
         TimeText(f.created_us), f.created_by.empty() ? "-" : f.created_by,
         f.label.empty() ? "-" : OneLine(f.label)});
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

int RunFeedRevoke(const CalendarArgs& args) {
  const std::string command = "calendar feed revoke";
  const WorkflowArgs& a = args.common;
  Session session;
  if (const int code = OpenSession(a, command, false, session);
      code != kExitOk) {
    return code;
  }
  Result<store::CalendarFeed> revoked = session.store->RevokeCalendarFeed(
      args.feed_id, SystemClock().NowMicros());
  if (!revoked.ok()) {
    Status status = revoked.status();
    if (status.code() == StatusCode::kNotFound) {
      std::vector<std::string> ids;
      if (auto feeds = session.store->CalendarFeeds(); feeds.ok()) {
        for (const store::CalendarFeed& f : *feeds) ids.push_back(f.id);
      }
      std::string message = "no calendar feed \"" + args.feed_id + "\"";
      const std::string closest = ClosestMatch(args.feed_id, ids);
      message += closest.empty() ? "; `livesop calendar feed list` lists them"
                                 : "; did you mean \"" + closest + "\"?";
      status = NotFoundError(message);
    }
    return Fail(command, status, a.json);
  }
  if (a.json) {
    std::cout << Json({{"ok", true}, {"feed", FeedToJson(*revoked)}}).dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << "revoked calendar feed " << revoked->id << " ("
            << ScopeText(*revoked) << ") at " << TimeText(revoked->revoked_us)
            << ": its URL now answers 404 Not Found\n";
  return kExitOk;
}

constexpr const char* kCodes =
    "Exit codes: 0 done (plan: the launch date is feasible), 1 refused (an "
    "unknown campaign type, person, team or campaign; plan: the date is not "
    "feasible), 2 usage error (a malformed date, --to not after --from) or "
    "a file that cannot be written, 3 the store failed.";

constexpr const char* kFeedCodes =
    "Exit codes: 0 done, 1 refused (an unknown person, team, campaign or "
    "feed), 2 usage error (no scope or two, a malformed --base-url), 3 the "
    "store failed.";

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

  CLI::App* feed = calendar->add_subcommand(
      "feed",
      "Calendar feeds behind secret, revocable URLs, for calendar apps to "
      "subscribe to (served by `livesop serve`)");
  feed->require_subcommand(1);
  feed->footer(kFeedCodes);
  CLI::App* add = feed->add_subcommand(
      "add",
      "Make a feed of a person's, team's, campaign's or everyone's calendar "
      "and print its URL, once");
  AddDb(add, a.common.db);
  add->add_option("--sop", a.common.sop,
                  "The root YAML file of the SOP (for --person and --team); "
                  "default from LIVESOP_SOP, else the latest published")
      ->envname("LIVESOP_SOP");
  add->add_option("--person", a.common.person,
                  "The campaigns this person owns or holds tasks in, and "
                  "their tasks");
  add->add_option("--team", a.team, "The same for every member of the team");
  add->add_option("--campaign", a.common.campaign,
                  "One campaign's milestones and tasks");
  add->add_flag("--all", a.all, "Every campaign's milestones");
  add->add_option("--label", a.label,
                  "What the subscriber calls it, such as \"Intan's phone\"");
  add->add_option("--base-url", a.base_url,
                  "Where subscribers reach `livesop serve` (default "
                  "http://127.0.0.1:8080)");
  add->add_option("--as", a.common.as, "Who makes it (recorded)");
  add->add_flag("--json", a.common.json,
                "Print the feed and its URL as one JSON object");
  add->footer(kFeedCodes);

  CLI::App* list = feed->add_subcommand(
      "list", "List the feeds, live and revoked (never their tokens)");
  AddDb(list, a.common.db);
  list->add_flag("--json", a.common.json, "Print the feeds as JSON");
  list->footer(kFeedCodes);

  CLI::App* revoke = feed->add_subcommand(
      "revoke", "Turn a feed's URL off for good (it answers 404 from then on)");
  AddDb(revoke, a.common.db);
  revoke->add_option("ID", a.feed_id, "The feed's id (cf_...)")->required();
  revoke->add_flag("--json", a.common.json, "Print the feed as JSON");
  revoke->footer(kFeedCodes);

  return [args, calendar, plan, add, list, revoke]() -> int {
    if (add->parsed()) return RunFeedAdd(*args);
    if (list->parsed()) return RunFeedList(*args);
    if (revoke->parsed()) return RunFeedRevoke(*args);
    if (plan->parsed()) return RunCalendarPlan(*args);
    if (calendar->parsed()) return RunCalendar(*args);
    return -1;
  };
}

}  // namespace livesop::cli

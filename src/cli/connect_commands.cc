// livesop import whatsapp|slack|email|sheet FILE, and livesop inbox review:
// side paths brought into campaign histories (docs/side-paths.md).
#include "cli/connect_commands.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/exit_codes.h"
#include "cli/workflow.h"
#include "connect/connector.h"
#include "connect/hook.h"
#include "connect/import.h"
#include "connect/match.h"
#include "core/clock.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

struct ConnectArgs {
  WorkflowArgs common;  // db, sop, json, as
  std::vector<std::string> files;
  bool dry_run = false;
  std::string time_zone;
  std::string date_order = "auto";
  std::string conversation;
  std::string config;  // connect.yaml
  std::vector<std::string> settings;
  // inbox review
  std::string id;
  std::string campaign;
  std::string person;
  std::string activity;
  std::string step;
  std::string reason;
  bool remember = false;
  bool all = false;
  // hook
  std::string hook;
};

// The zone of the SOP's default calendar, for exports that state none.
std::string DefaultZone(const sop::Definition& sop) {
  if (sop.calendar && !sop.calendar->default_calendar.empty()) {
    if (const sop::BusinessCalendar* c =
            sop.FindCalendar(sop.calendar->default_calendar)) {
      return c->timezone;
    }
  }
  for (const sop::BusinessCalendar& c : sop.calendars) {
    if (!c.timezone.empty()) return c.timezone;
  }
  return "UTC";
}

Result<connect::MatchConfig> LoadConfig(const ConnectArgs& args,
                                        const sop::Definition& sop) {
  return LoadConnectConfig(args.config, args.common.sop, sop);
}

std::string Short(const std::string& hash) { return hash.substr(0, 12); }

std::string Quote(const std::string& text) {
  std::string line = text.substr(0, 80);
  for (char& c : line) {
    if (c == '\n') c = ' ';
  }
  return "\"" + line + (text.size() > 80 ? "…" : "") + "\"";
}

Json MessageJson(const connect::ImportedMessage& m) {
  Json out = {{"id", m.hash},
              {"where", m.where},
              {"time", TimeJson(m.time_us)},
              {"sender", m.sender},
              {"person", m.person},
              {"campaign", m.campaign},
              {"activity", m.activity},
              {"confidence", m.confidence},
              {"outcome", m.outcome},
              {"text", m.text}};
  if (!m.reason.empty()) out["reason"] = m.reason;
  if (!m.step.empty()) out["step"] = m.step;
  if (m.events > 0) out["events"] = m.events;
  return out;
}

// Adds `file`'s report to the command's.
void Merge(connect::ImportReport& into, connect::ImportReport&& file) {
  into.messages_read += file.messages_read;
  into.events += file.events;
  into.review_queue += file.review_queue;
  into.ignored += file.ignored;
  into.already_imported += file.already_imported;
  into.events_written += file.events_written;
  for (connect::ImportedMessage& m : file.messages) {
    into.messages.push_back(std::move(m));
  }
  for (const auto& [sender, count] : file.unknown_senders) {
    into.unknown_senders[sender] += count;
  }
}

Json CountsJson(const connect::ImportReport& report) {
  return {{"messages_read", report.messages_read},
          {"events", report.events},
          {"review_queue", report.review_queue},
          {"ignored", report.ignored},
          {"already_imported", report.already_imported},
          {"events_written", report.events_written}};
}

void PrintImport(const connect::ImportReport& report,
                 const std::vector<connect::ImportReport>& files) {
  for (const connect::ImportReport& file : files) {
    std::cout << (report.dry_run ? "would import " : "imported ") << file.file
              << ": " << file.messages_read << " messages read: " << file.events
              << " into campaigns, " << file.review_queue << " to review, "
              << file.ignored << " ignored";
    if (file.already_imported > 0) {
      std::cout << " (" << file.already_imported << " imported before)";
    }
    std::cout << "\n";
  }
  if (files.size() > 1) {
    std::cout << "in all, " << files.size()
              << " files: " << report.messages_read
              << " messages read: " << report.events << " into campaigns, "
              << report.review_queue << " to review, " << report.ignored
              << " ignored\n";
  }
  std::vector<std::vector<std::string>> rows = {
      {"TIME", "CAMPAIGN", "ACTIVITY", "PERSON", "STEP", "MESSAGE"}};
  for (const connect::ImportedMessage& m : report.messages) {
    if (m.outcome != "event") continue;
    rows.push_back({TimeText(m.time_us), m.campaign, m.activity, m.person,
                    m.step, Quote(m.text)});
  }
  if (rows.size() > 1) {
    std::cout << "\ninto campaigns:\n";
    PrintTable(rows, std::cout, "  ");
  }
  rows = {{"ID", "TIME", "WHY", "MESSAGE"}};
  for (const connect::ImportedMessage& m : report.messages) {
    if (m.outcome != "review") continue;
    rows.push_back(
        {Short(m.hash), TimeText(m.time_us), m.reason, Quote(m.text)});
  }
  if (rows.size() > 1) {
    std::cout << "\nto review (livesop inbox review):\n";
    PrintTable(rows, std::cout, "  ");
  }
  if (!report.unknown_senders.empty()) {
    std::cout << "\nunknown senders (map them in connect.yaml, or accept "
                 "their messages with --person and --remember):\n";
    for (const auto& [sender, count] : report.unknown_senders) {
      std::cout << "  " << sender << " (" << count
                << (count == 1 ? " message)\n" : " messages)\n");
    }
  }
}

// Reads every file first, so that one that cannot be read imports nothing;
// then imports each in its own transaction (connect::ImportAll: one engine
// keeping the campaigns it loaded, the next file matched while one is
// written).
int RunImportSide(const std::string& source, const ConnectArgs& args) {
  const std::string command = "import " + source;
  const connect::Connector* connector = connect::FindConnector(source);
  if (connector == nullptr) {
    return UsageError(command, "no connector " + source);
  }
  Session session;
  if (const int code = OpenSession(args.common, command, true, session);
      code != kExitOk) {
    return code;
  }
  Result<connect::MatchConfig> config = LoadConfig(args, session.sop);
  if (!config.ok()) return Fail(command, config.status(), args.common.json);
  connect::ReadOptions read;
  read.time_zone =
      args.time_zone.empty() ? DefaultZone(session.sop) : args.time_zone;
  read.date_order = args.date_order;
  read.conversation = args.conversation;
  read.settings = args.settings;
  std::vector<connect::Export> exports;
  for (const std::string& file : args.files) {
    Result<connect::Export> exported =
        connect::ReadExport(*connector, file, read);
    if (!exported.ok()) {
      const StatusCode code = exported.status().code();
      if (code == StatusCode::kNotFound ||
          code == StatusCode::kResourceExhausted) {
        std::cerr << "livesop " << command << ": "
                  << exported.status().message() << "\n";
        return kExitUsage;
      }
      return Fail(command, exported.status(), args.common.json);
    }
    exports.push_back(*std::move(exported));
  }
  connect::ImportOptions options;
  options.actor = args.common.as;
  options.dry_run = args.dry_run;
  options.config = *config;
  options.now_us = SystemClock().NowMicros();
  options.settings = args.settings;
  connect::ImportReport report;
  report.source = source;
  report.dry_run = args.dry_run;
  connect::ImportAllResult imported = connect::ImportAll(
      *session.store, *session.engine, session.sop, exports, options);
  if (!imported.status.ok()) {
    Status status = imported.status;
    const size_t done = imported.reports.size();
    if (done > 0 && !args.dry_run) {
      status = Status(status.code(),
                      exports[done].file + ": " + status.message() +
                          "; nothing of it was imported (the " +
                          std::to_string(done) + " files before it were)");
    }
    return Fail(command, status, args.common.json);
  }
  std::vector<connect::ImportReport> files;
  for (connect::ImportReport& file : imported.reports) {
    connect::ImportReport counts = file;
    counts.messages.clear();
    counts.unknown_senders.clear();
    files.push_back(std::move(counts));
    Merge(report, std::move(file));
  }

  if (!args.common.json) {
    PrintImport(report, files);
    return kExitOk;
  }
  Json messages = Json::array();
  Json events = Json::array();
  for (const connect::ImportedMessage& m : report.messages) {
    messages.push_back(MessageJson(m));
    if (m.outcome == "event") events.push_back(MessageJson(m));
  }
  Json per_file = Json::array();
  for (const connect::ImportReport& file : files) {
    Json counts = CountsJson(file);
    counts["file"] = file.file;
    per_file.push_back(std::move(counts));
  }
  Json out = {{"ok", true}, {"source", report.source}};
  if (files.size() == 1) out["file"] = files.front().file;
  out["dry_run"] = report.dry_run;
  out.update(CountsJson(report));
  out["files"] = std::move(per_file);
  out["unknown_senders"] = report.unknown_senders;
  out["made"] = std::move(events);
  out["messages"] = std::move(messages);
  std::cout << out.dump(2) << "\n";
  return kExitOk;
}

int RunReviewList(const ConnectArgs& args) {
  const std::string command = "inbox review";
  if (args.common.db.empty()) {
    return UsageError(command, "--db is required (or LIVESOP_DB)");
  }
  Session session;
  if (const int code = OpenSession(args.common, command, false, session);
      code != kExitOk) {
    return code;
  }
  store::SideMessageQuery query;
  query.outcome = args.all ? "" : "review";
  query.unresolved_only = !args.all;
  Result<std::vector<store::SideMessage>> messages =
      session.store->SideMessages(query);
  if (!messages.ok()) {
    return Fail(command, messages.status(), args.common.json);
  }
  if (args.all) {
    std::erase_if(*messages, [](const store::SideMessage& m) {
      return m.outcome != "review" && m.resolution.empty();
    });
  }
  if (args.common.json) {
    Json list = Json::array();
    for (const store::SideMessage& m : *messages) {
      list.push_back({{"id", m.hash},
                      {"source", m.source},
                      {"where", connect::WhereKept(m)},
                      {"conversation", m.conversation},
                      {"time", TimeJson(m.time_us)},
                      {"sender", m.sender},
                      {"person", m.person},
                      {"campaign", m.campaign},
                      {"activity", m.activity},
                      {"confidence", m.confidence_per_mille / 1000.0},
                      {"reason", m.reason},
                      {"resolution", m.resolution},
                      {"resolved_by", m.resolved_by},
                      {"text", m.text},
                      {"match", Json::parse(m.detail, nullptr, false)}});
    }
    std::cout << Json({{"ok", true}, {"messages", list}}).dump(2) << "\n";
    return kExitOk;
  }
  if (messages->empty()) {
    std::cout << "the review queue is empty\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {{"ID", "TIME", "SOURCE",
                                                 "SENDER", "CAMPAIGN",
                                                 "ACTIVITY", "WHY", "MESSAGE"}};
  for (const store::SideMessage& m : *messages) {
    rows.push_back({Short(m.hash), TimeText(m.time_us), m.source, m.sender,
                    m.campaign, m.activity,
                    m.resolution.empty() ? m.reason : m.resolution,
                    Quote(m.text)});
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

int RunReviewSettle(const ConnectArgs& args, bool accept) {
  const std::string command =
      std::string("inbox review ") + (accept ? "accept" : "dismiss");
  Session session;
  if (const int code = OpenSession(args.common, command, true, session);
      code != kExitOk) {
    return code;
  }
  connect::ReviewDecision decision;
  decision.actor = args.common.as;
  decision.accept = accept;
  decision.campaign = args.campaign;
  decision.person = args.person;
  decision.activity = args.activity;
  decision.step = args.step;
  decision.reason = args.reason;
  decision.remember = args.remember;
  Result<store::SideMessage> settled =
      connect::SettleReview(*session.store, *session.engine, session.sop,
                            args.id, decision, SystemClock().NowMicros());
  if (!settled.ok()) return Fail(command, settled.status(), args.common.json);
  if (args.common.json) {
    std::cout << Json({{"ok", true},
                       {"id", settled->hash},
                       {"outcome", settled->outcome},
                       {"resolution", settled->resolution},
                       {"campaign", settled->campaign},
                       {"person", settled->person},
                       {"activity", settled->activity}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  if (accept) {
    std::cout << "accepted " << Short(settled->hash) << ": "
              << settled->activity << " in " << settled->campaign
              << (settled->person.empty() ? "" : " by " + settled->person)
              << "\n";
  } else {
    std::cout << "dismissed " << Short(settled->hash) << ": " << settled->reason
              << "\n";
  }
  return kExitOk;
}

// livesop hook add NAME --as P: the secret is shown here, once.
int RunHookAdd(const ConnectArgs& args) {
  const std::string command = "hook add";
  Session session;
  if (const int code = OpenSession(args.common, command, true, session);
      code != kExitOk) {
    return code;
  }
  Result<store::SideHook> hook =
      connect::AddHook(*session.store, session.sop, args.hook, args.common.as,
                       args.common.as, SystemClock().NowMicros());
  if (!hook.ok()) return Fail(command, hook.status(), args.common.json);
  const std::string path = "/hooks/side/" + hook->name;
  if (args.common.json) {
    std::cout << Json({{"ok", true},
                       {"name", hook->name},
                       {"path", path},
                       {"secret", hook->secret},
                       {"actor", hook->actor}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << "hook " << hook->name << ": POST to `livesop serve` at " << path
            << "\n  secret " << hook->secret
            << "\n  (shown once: give it to the sending tool, which signs "
               "each delivery with it as Standard Webhooks do; its imports "
               "are recorded as by "
            << hook->actor << ")\n";
  return kExitOk;
}

int RunHookList(const ConnectArgs& args) {
  const std::string command = "hook list";
  Session session;
  if (const int code = OpenSession(args.common, command, false, session);
      code != kExitOk) {
    return code;
  }
  Result<std::vector<store::SideHook>> hooks = session.store->SideHooks();
  if (!hooks.ok()) return Fail(command, hooks.status(), args.common.json);
  if (args.common.json) {
    Json list = Json::array();
    for (const store::SideHook& h : *hooks) {
      list.push_back({{"name", h.name},
                      {"path", "/hooks/side/" + h.name},
                      {"actor", h.actor},
                      {"created", TimeJson(h.created_us)},
                      {"revoked", h.revoked_us == 0 ? Json(nullptr)
                                                    : TimeJson(h.revoked_us)}});
    }
    std::cout << Json({{"ok", true}, {"hooks", list}}).dump(2) << "\n";
    return kExitOk;
  }
  if (hooks->empty()) {
    std::cout << "no hooks; `livesop hook add NAME --as PERSON` makes one\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"NAME", "PATH", "IMPORTS BY", "CREATED", "REVOKED"}};
  for (const store::SideHook& h : *hooks) {
    rows.push_back({h.name, "/hooks/side/" + h.name, h.actor,
                    TimeText(h.created_us),
                    h.revoked_us == 0 ? "" : TimeText(h.revoked_us)});
  }
  PrintTable(rows, std::cout, "");
  return kExitOk;
}

int RunHookRevoke(const ConnectArgs& args) {
  const std::string command = "hook revoke";
  Session session;
  if (const int code = OpenSession(args.common, command, false, session);
      code != kExitOk) {
    return code;
  }
  Result<store::SideHook> hook =
      session.store->RevokeSideHook(args.hook, SystemClock().NowMicros());
  if (!hook.ok()) return Fail(command, hook.status(), args.common.json);
  if (args.common.json) {
    std::cout << Json({{"ok", true},
                       {"name", hook->name},
                       {"revoked", TimeJson(hook->revoked_us)}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << "hook " << hook->name << " revoked at "
            << TimeText(hook->revoked_us)
            << ": deliveries to it are refused from now on\n";
  return kExitOk;
}

void AddSessionOptions(CLI::App* command, ConnectArgs& a, bool with_as) {
  command->add_option("--db", a.common.db, "The store's URL")
      ->envname("LIVESOP_DB")
      ->required();
  command
      ->add_option("--sop", a.common.sop,
                   "The root YAML file of the SOP; default from LIVESOP_SOP, "
                   "else the latest published")
      ->envname("LIVESOP_SOP");
  command->add_flag("--json", a.common.json,
                    "Print the result as one JSON object");
  if (with_as) {
    command->add_option("--as", a.common.as, "Who does it: a person id")
        ->required();
  }
}

}  // namespace

Result<connect::MatchConfig> LoadConnectConfig(const std::string& path,
                                               const std::string& sop_path,
                                               const sop::Definition& sop) {
  std::string file = path;
  if (file.empty() && !sop_path.empty()) {
    const std::filesystem::path beside =
        std::filesystem::path(sop_path).parent_path() / "connect.yaml";
    if (std::filesystem::exists(beside)) file = beside.string();
  }
  if (file.empty()) return connect::MatchConfig{};
  return connect::LoadMatchConfig(file, sop);
}

std::function<int()> AddConnectCommands(CLI::App& app) {
  auto args = std::make_shared<ConnectArgs>();
  ConnectArgs& a = *args;
  CLI::App* import = app.get_subcommand("import");
  std::vector<std::pair<std::string, CLI::App*>> importers;
  for (const connect::Connector* connector : connect::Connectors()) {
    const std::string name(connector->Name());
    CLI::App* sub = import->add_subcommand(
        name, "Import " + std::string(connector->Description()) +
                  ": each message into a campaign's history, the review "
                  "queue, or ignored with a reason; each file in one "
                  "transaction");
    sub->add_option("FILE", a.files,
                    "The exports (several: each read first, then each "
                    "imported in its own transaction)")
        ->required();
    AddSessionOptions(sub, a, true);
    sub->add_flag("--dry-run", a.dry_run,
                  "Match and decide, write nothing: what the import would do");
    sub->add_option("--tz", a.time_zone,
                    "The IANA zone of times the export states without one "
                    "(default: the SOP's default calendar's)");
    sub->add_option("--date-order", a.date_order,
                    "dmy, mdy or ymd, when the export's dates do not tell "
                    "(default: auto)")
        ->check(CLI::IsMember({"auto", "dmy", "mdy", "ymd"}));
    sub->add_option("--conversation", a.conversation,
                    "The conversation's name, when the file's name does not "
                    "tell it");
    sub->add_option("--connect", a.config,
                    "The matching settings (default: connect.yaml beside "
                    "the SOP)");
    sub->add_option("--set", a.settings,
                    "NAME=VALUE settings of the connector (repeatable)");
    sub->footer(
        "Exit codes: 0 imported, 1 refused (an export that cannot be read, "
        "named by file and line; a bad connect.yaml; an importer who is not "
        "a person of the SOP), 2 usage error or a file that cannot be "
        "read, 3 the store failed, 4 another import took the same messages "
        "meanwhile: run it again.");
    importers.emplace_back(name, sub);
  }

  CLI::App* inbox = app.get_subcommand("inbox");
  CLI::App* review = inbox->add_subcommand(
      "review",
      "Side-path messages waiting for a person: list them, accept one into "
      "a campaign's history, or dismiss it");
  AddSessionOptions(review, a, false);
  // `accept` and `dismiss` have a --db of their own; RunReviewList checks
  // the list's.
  review->get_option("--db")->required(false);
  review->add_flag("--all", a.all, "Also the messages settled already");
  CLI::App* accept = review->add_subcommand(
      "accept", "Record a message of the review queue in a campaign");
  accept->add_option("ID", a.id, "The message's id (6 or more hex digits)")
      ->required();
  AddSessionOptions(accept, a, true);
  accept->add_option("--campaign", a.campaign, "The campaign it is about");
  accept->add_option("--person", a.person, "Who wrote it: a person id");
  accept->add_option("--activity", a.activity,
                     "approval, rejection, change_request, brief_sent, "
                     "asset_delivered or launched");
  accept->add_option("--step", a.step, "For a decision: the step decided");
  accept->add_flag("--remember", a.remember,
                   "Remember for later imports: the sender is --person, the "
                   "conversation is about --campaign");
  CLI::App* dismiss = review->add_subcommand(
      "dismiss", "Leave a message of the review queue out, with a reason");
  dismiss->add_option("ID", a.id, "The message's id (6 or more hex digits)")
      ->required();
  AddSessionOptions(dismiss, a, true);
  dismiss->add_option("--reason", a.reason, "Why")->required();
  dismiss->add_flag("--remember", a.remember,
                    "Leave this sender's messages out of later imports");

  CLI::App* hook = app.add_subcommand(
      "hook",
      "Inbound webhooks: other tools post side-path messages to `livesop "
      "serve` at /hooks/side/NAME, signed as Standard Webhooks sign");
  hook->require_subcommand(1);
  CLI::App* hook_add =
      hook->add_subcommand("add", "Make a hook and print its secret (once)");
  hook_add->add_option("NAME", a.hook, "1-40 of a-z, 0-9 and '-'")->required();
  AddSessionOptions(hook_add, a, true);
  hook_add->get_option("--as")->description(
      "The person the hook's imports are recorded by");
  CLI::App* hook_list = hook->add_subcommand(
      "list", "The hooks, revoked ones too (never their secrets)");
  AddSessionOptions(hook_list, a, false);
  CLI::App* hook_revoke = hook->add_subcommand(
      "revoke", "Refuse every delivery to a hook from now on, for good");
  hook_revoke->add_option("NAME", a.hook, "The hook")->required();
  AddSessionOptions(hook_revoke, a, false);

  return [=]() -> int {
    if (hook_add->parsed()) return RunHookAdd(*args);
    if (hook_list->parsed()) return RunHookList(*args);
    if (hook_revoke->parsed()) return RunHookRevoke(*args);
    for (const auto& [name, sub] : importers) {
      if (sub->parsed()) return RunImportSide(name, *args);
    }
    if (accept->parsed()) return RunReviewSettle(*args, true);
    if (dismiss->parsed()) return RunReviewSettle(*args, false);
    if (review->parsed()) return RunReviewList(*args);
    return -1;
  };
}

}  // namespace livesop::cli

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
#include "connect/import.h"
#include "connect/match.h"
#include "core/clock.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

struct ConnectArgs {
  WorkflowArgs common;  // db, sop, json, as
  std::string file;
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

// connect.yaml: --connect, else beside the SOP's root file when there is
// one; the defaults otherwise.
Result<connect::MatchConfig> LoadConfig(const ConnectArgs& args,
                                        const sop::Definition& sop) {
  std::string path = args.config;
  if (path.empty() && !args.common.sop.empty()) {
    const std::filesystem::path beside =
        std::filesystem::path(args.common.sop).parent_path() / "connect.yaml";
    if (std::filesystem::exists(beside)) path = beside.string();
  }
  if (path.empty()) return connect::MatchConfig{};
  return connect::LoadMatchConfig(path, sop);
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
  Result<connect::Export> exported =
      connect::ReadExport(*connector, args.file, read);
  if (!exported.ok()) {
    const StatusCode code = exported.status().code();
    if (code == StatusCode::kNotFound ||
        code == StatusCode::kResourceExhausted) {
      std::cerr << "livesop " << command << ": " << exported.status().message()
                << "\n";
      return kExitUsage;
    }
    return Fail(command, exported.status(), args.common.json);
  }
  connect::ImportOptions options;
  options.actor = args.common.as;
  options.dry_run = args.dry_run;
  options.config = *config;
  options.now_us = SystemClock().NowMicros();
  options.settings = args.settings;
  Result<connect::ImportReport> report = connect::ImportMessages(
      *session.store, *session.engine, session.sop, *exported, options);
  if (!report.ok()) return Fail(command, report.status(), args.common.json);

  if (args.common.json) {
    Json messages = Json::array();
    Json events = Json::array();
    for (const connect::ImportedMessage& m : report->messages) {
      messages.push_back(MessageJson(m));
      if (m.outcome == "event") events.push_back(MessageJson(m));
    }
    std::cout << Json({{"ok", true},
                       {"source", report->source},
                       {"file", report->file},
                       {"dry_run", report->dry_run},
                       {"messages_read", report->messages_read},
                       {"events", report->events},
                       {"review_queue", report->review_queue},
                       {"ignored", report->ignored},
                       {"already_imported", report->already_imported},
                       {"events_written", report->events_written},
                       {"unknown_senders", report->unknown_senders},
                       {"made", events},
                       {"messages", messages}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << (report->dry_run ? "would import " : "imported ") << report->file
            << ": " << report->messages_read
            << " messages read: " << report->events << " into campaigns, "
            << report->review_queue << " to review, " << report->ignored
            << " ignored";
  if (report->already_imported > 0) {
    std::cout << " (" << report->already_imported << " imported before)";
  }
  std::cout << "\n";
  std::vector<std::vector<std::string>> rows = {
      {"TIME", "CAMPAIGN", "ACTIVITY", "PERSON", "STEP", "MESSAGE"}};
  for (const connect::ImportedMessage& m : report->messages) {
    if (m.outcome != "event") continue;
    rows.push_back({TimeText(m.time_us), m.campaign, m.activity, m.person,
                    m.step, Quote(m.text)});
  }
  if (rows.size() > 1) {
    std::cout << "\ninto campaigns:\n";
    PrintTable(rows, std::cout, "  ");
  }
  rows = {{"ID", "TIME", "WHY", "MESSAGE"}};
  for (const connect::ImportedMessage& m : report->messages) {
    if (m.outcome != "review") continue;
    rows.push_back(
        {Short(m.hash), TimeText(m.time_us), m.reason, Quote(m.text)});
  }
  if (rows.size() > 1) {
    std::cout << "\nto review (livesop inbox review):\n";
    PrintTable(rows, std::cout, "  ");
  }
  if (!report->unknown_senders.empty()) {
    std::cout << "\nunknown senders (map them in connect.yaml, or accept "
                 "their messages with --person and --remember):\n";
    for (const auto& [sender, count] : report->unknown_senders) {
      std::cout << "  " << sender << " (" << count
                << (count == 1 ? " message)\n" : " messages)\n");
    }
  }
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
                      {"where", m.location},
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
                  "queue, or ignored with a reason; one transaction");
    sub->add_option("FILE", a.file, "The export")->required();
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

  return [=]() -> int {
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

// livesop campaign submit|show|list|cancel: parse, call the engine or the
// campaigns read model, format.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

#include "cli/exit_codes.h"
#include "cli/workflow.h"
#include "core/text.h"
#include "engine/approvals.h"
#include "engine/form_values.h"
#include "engine/intake.h"

namespace livesop::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr const char* kSubmit = "campaign submit";
constexpr const char* kShow = "campaign show";
constexpr const char* kList = "campaign list";
constexpr const char* kCancel = "campaign cancel";
constexpr const char* kSpend = "campaign spend";

// Money with thousands separators and at most two decimals: 2,500,000 or
// -1,250.50.
std::string MoneyText(double amount) {
  const bool negative = amount < 0;
  const auto cents =
      static_cast<long long>(std::llround(std::fabs(amount) * 100));
  std::string whole = std::to_string(cents / 100);
  for (int at = static_cast<int>(whole.size()) - 3; at > 0; at -= 3) {
    whole.insert(static_cast<size_t>(at), ",");
  }
  std::string text = (negative ? "-" : "") + whole;
  if (cents % 100 != 0) {
    text += "." + std::string(cents % 100 < 10 ? "0" : "") +
            std::to_string(cents % 100);
  }
  return text;
}

// The largest --values file read, as for SOP files: a request is a few KiB.
constexpr std::uintmax_t kMaxValuesBytes = std::uintmax_t{8} * 1024 * 1024;

// How many generated ids are tried when one is taken already.
constexpr int kIdAttempts = 5;

// A readable id for a campaign submitted without --id: the title in lower
// case, every run of characters other than ASCII letters and digits as one
// hyphen, cut to 40 characters ("campaign" when nothing is left), then a
// hyphen and five random lower-case letters and digits:
// "Spring Launch 2026!" gives "spring-launch-2026-k3x9q".
std::string GenerateCampaignId(const std::string& title) {
  std::string slug;
  for (const char c : title) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) != 0 && u < 0x80) {
      slug += static_cast<char>(std::tolower(u));
    } else if (!slug.empty() && slug.back() != '-') {
      slug += '-';
    }
    if (slug.size() >= 40) break;
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "campaign";
  static constexpr std::string_view kAlphabet =
      "abcdefghijklmnopqrstuvwxyz0123456789";
  std::random_device random;
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1);
  slug += '-';
  for (int i = 0; i < 5; ++i) slug += kAlphabet[pick(random)];
  return slug;
}

// The --field texts as (field, text) pairs. Sets `*error` for one without
// "=" or with an empty key.
std::vector<engine::FieldText> ParseFields(
    const std::vector<std::string>& fields, std::string* error) {
  std::vector<engine::FieldText> texts;
  for (const std::string& field : fields) {
    const size_t equals = field.find('=');
    const std::string key(Trim(std::string_view(field).substr(0, equals)));
    if (equals == std::string::npos || key.empty()) {
      *error =
          "--field takes KEY=VALUE (a field id of the form, then the "
          "value), not \"" +
          field + "\"";
      return {};
    }
    texts.push_back({key, field.substr(equals + 1)});
  }
  return texts;
}

// Reads the --values file: `*exit` is 2 when it cannot be read and 1 when
// it is not a JSON object; the message goes to standard error.
Json ReadValuesFile(const std::string& path, int* exit) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  const std::string where = "livesop " + std::string(kSubmit) + ": " + path;
  if (ec || !fs::exists(status)) {
    std::cerr << where << ": no such file\n";
    *exit = kExitUsage;
    return nullptr;
  }
  if (!fs::is_regular_file(status)) {
    std::cerr << where << ": not a regular file\n";
    *exit = kExitUsage;
    return nullptr;
  }
  const std::uintmax_t size = fs::file_size(path, ec);
  if (!ec && size > kMaxValuesBytes) {
    std::cerr << where << ": larger than 8 MiB\n";
    *exit = kExitUsage;
    return nullptr;
  }
  std::ifstream in(path, std::ios::binary);
  const std::string text((std::istreambuf_iterator<char>(in)),
                         std::istreambuf_iterator<char>());
  if (ec || !in.is_open() || in.bad()) {
    std::cerr << where << ": cannot be read\n";
    *exit = kExitUsage;
    return nullptr;
  }
  Json values;
  try {
    values = Json::parse(text);
  } catch (const Json::exception& e) {
    std::cerr << where << ": not valid JSON: " << e.what() << "\n";
    *exit = kExitInvalid;
    return nullptr;
  }
  if (!values.is_object()) {
    std::cerr << where
              << ": must hold one JSON object of form values by field id, "
                 "such as {\"budget\": 75000000}\n";
    *exit = kExitInvalid;
    return nullptr;
  }
  *exit = kExitOk;
  return values;
}

void PrintFindings(const std::vector<engine::FieldProblem>& findings,
                   const std::string& prefix, std::ostream& out) {
  for (const engine::FieldProblem& p : findings) {
    out << prefix << p.field << ": " << p.message << " [" << p.code << "]\n";
  }
}

std::string Count(size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

// The route preview as text: the steps with who and when, the gateway
// decisions, and the earliest launch with what set it.
void PrintPreview(const engine::RequestPreview& preview, std::ostream& out) {
  out << "route (" << preview.process << "):\n";
  for (const engine::PreviewStep& s : preview.steps) {
    std::string who = !s.person.empty() ? s.person : s.role;
    for (const engine::ApproverGroup& g : s.approvers) {
      who += (who.empty() ? "" : "; ") + Join(g.roles, ", ");
    }
    out << "  " << TimeText(s.due_us).substr(0, 10) << "  " << s.step << " ("
        << s.type << (who.empty() ? "" : ", " + who) << ")"
        << (s.after_launch ? " after launch" : "") << "\n";
  }
  for (const engine::GatewayDecision& g : preview.gateways) {
    out << "  decision: " << g.text << "\n";
  }
  out << "earliest launch: " << preview.earliest_launch << "\n";
  for (const engine::LaunchConstraint& c : preview.launch_constraints) {
    if (c.binding) out << "  because " << c.text << "\n";
  }
  if (preview.requested_launch) {
    out << "requested launch " << preview.requested_launch->date << ": "
        << preview.requested_launch->text << "\n";
  }
  for (const engine::PreviewProblem& p : preview.problems) {
    out << "problem at " << p.step << ": " << p.message << "\n";
  }
}

int RunCheckOnly(const WorkflowArgs& args, const engine::IntakeReport& report,
                 const Result<engine::RequestPreview>& preview) {
  if (args.json) {
    Json out = {{"ok", report.ok()},
                {"submitted", false},
                {"intake", engine::IntakeReportToJson(report)}};
    if (preview.ok()) out["preview"] = engine::RequestPreviewToJson(*preview);
    std::cout << out.dump(2) << "\n";
    return report.ok() ? kExitOk : kExitInvalid;
  }
  if (preview.ok()) PrintPreview(*preview, std::cout);
  if (report.ok()) {
    std::cout << "the request is complete: `livesop campaign submit` would "
                 "accept it\n";
    PrintFindings(report.notes, "note: ", std::cout);
  } else {
    std::cout << "the request is not complete ("
              << Count(report.problems.size(), "problem") << "):\n";
    PrintFindings(report.problems, "  ", std::cout);
    PrintFindings(report.notes, "note: ", std::cout);
  }
  return report.ok() ? kExitOk : kExitInvalid;
}

int Refuse(const WorkflowArgs& args, const engine::IntakeReport& report) {
  const std::string message = "the request is not complete (" +
                              Count(report.problems.size(), "problem") +
                              "); nothing was submitted";
  std::cerr << "livesop " << kSubmit << ": " << message << ":\n";
  PrintFindings(report.problems, "  ", std::cerr);
  if (args.json) {
    std::cout << Json({{"ok", false},
                       {"submitted", false},
                       {"intake", engine::IntakeReportToJson(report)},
                       {"error",
                        {{"code", "INVALID_ARGUMENT"}, {"message", message}}}})
                     .dump(2)
              << "\n";
  }
  return kExitInvalid;
}

Json CampaignToJson(const store::CampaignRecord& c) {
  return {{"campaign", c.campaign},
          {"title", c.title},
          {"campaign_type", c.campaign_type},
          {"status", c.status},
          {"owner", c.owner},
          {"sop_version", c.sop_version},
          {"version", c.version},
          {"event_count", c.event_count},
          {"deviation_count", c.deviation_count},
          {"first_event", TimeJson(c.first_event_us)},
          {"last_event", TimeJson(c.last_event_us)},
          {"due", TimeJson(c.due_us)},
          {"closed", TimeJson(c.closed_us)}};
}

// A decision's name in words, for text output.
std::string DecisionText(const std::string& name) {
  if (name == "approve") return "approved";
  if (name == "reject") return "rejected";
  if (name == "request_changes") return "requested changes";
  return name;
}

// A decision from the history: an approval_decided event.
struct DecisionEvent {
  int64_t time_us = 0;
  std::string step;
  std::string activity;
  std::string role;
  std::string person;
  std::string decision;
  std::string comment;
};

// The approvals under way with their groups and each role's standing:
// decided (by whom, how), awaited now, or not asked yet (later in a
// sequential group).
Json ApprovalsToJson(const engine::CampaignState& state) {
  Json out = Json::array();
  for (const auto& [step, plan] : state.plans) {
    const auto found = state.decisions.find(step);
    const std::vector<engine::Decision> decisions =
        found == state.decisions.end() ? std::vector<engine::Decision>{}
                                       : found->second;
    const std::vector<std::string> awaited =
        engine::AwaitedRoles(plan, decisions);
    Json groups = Json::array();
    for (const engine::ApproverGroup& group : plan.groups) {
      Json roles = Json::array();
      for (const std::string& role : group.roles) {
        Json entry = {{"role", role}};
        // A role's later decision replaces its earlier one.
        for (const engine::Decision& d : decisions) {
          if (d.role != role) continue;
          entry["decision"] = engine::VerdictName(d.verdict);
          entry["person"] = d.person;
        }
        if (!entry.contains("decision")) {
          entry["decision"] = nullptr;
          entry["awaited"] =
              std::find(awaited.begin(), awaited.end(), role) != awaited.end();
        }
        roles.push_back(std::move(entry));
      }
      groups.push_back(
          {{"rule", group.rule},
           {"needed", group.Needed()},
           {"quorum", sop::QuorumText(group.quorum, group.quorum_count)},
           {"sequential", group.mode == sop::ApprovalMode::kSequential},
           {"roles", std::move(roles)}});
    }
    out.push_back({{"step", step}, {"groups", std::move(groups)}});
  }
  return out;
}

void PrintApprovals(const Json& approvals, std::ostream& out) {
  for (const Json& approval : approvals) {
    out << "  " << approval["step"].get<std::string>() << "\n";
    for (const Json& group : approval["groups"]) {
      const std::string rule = group["rule"].get<std::string>();
      out << "    " << (rule.empty() ? "approvers" : "rule " + rule)
          << ": needs " << group["needed"].get<int>() << " of "
          << group["roles"].size()
          << (group["sequential"].get<bool>() ? ", one after the other"
                                              : ", in parallel")
          << "\n";
      for (const Json& role : group["roles"]) {
        out << "      " << role["role"].get<std::string>() << ": ";
        if (!role["decision"].is_null()) {
          out << DecisionText(role["decision"].get<std::string>()) << " by "
              << role["person"].get<std::string>();
        } else {
          out << (role["awaited"].get<bool>() ? "awaited" : "not asked yet");
        }
        out << "\n";
      }
    }
  }
}

using HeldMap = std::map<std::string, std::vector<engine::HeldApproval>>;

// Decisions given before their step was reached, kept for it.
Json HeldToJson(const HeldMap& held) {
  Json out = Json::array();
  for (const auto& [step, decisions] : held) {
    for (const engine::HeldApproval& h : decisions) {
      out.push_back({{"step", step},
                     {"person", h.approver},
                     {"decision", engine::VerdictName(h.verdict)},
                     {"channel", h.channel},
                     {"time", TimeJson(h.occurred_us)}});
    }
  }
  return out;
}

Json EventToJson(const store::Event& e) {
  Json payload = Json::parse(e.payload, nullptr, false);
  if (payload.is_discarded()) payload = e.payload;
  return {{"position", e.position},       {"sequence", e.sequence},
          {"time", TimeJson(e.time_us)},  {"type", e.type},
          {"activity", e.activity},       {"step", e.step},
          {"resource", e.resource},       {"role", e.role},
          {"source", e.source},           {"deviation", e.deviation},
          {"reason", e.reason},           {"sop_version", e.sop_version},
          {"payload", std::move(payload)}};
}

}  // namespace

int RunCampaignSubmit(const WorkflowArgs& args) {
  if (!args.check_only && args.as.empty()) {
    return UsageError(kSubmit,
                      "--as PERSON is required: the person submitting the "
                      "request (or use --check-only)");
  }
  std::string error;
  const std::vector<engine::FieldText> texts = ParseFields(args.fields, &error);
  if (!error.empty()) return UsageError(kSubmit, error);
  Json values = Json::object();
  if (!args.values_file.empty()) {
    int exit = kExitOk;
    values = ReadValuesFile(args.values_file, &exit);
    if (exit != kExitOk) return exit;
  }

  Session session;
  if (const int code = OpenSession(args, kSubmit, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<Json> typed =
      engine::FormValuesFromText(session.sop, args.type, texts);
  if (!typed.ok()) return Fail(kSubmit, typed.status(), args.json);
  // --field comes after --values: it replaces a value, and a blank one
  // removes it.
  for (const auto& [field, value] : typed->items()) {
    if (value.is_null()) {
      values.erase(field);
    } else {
      values[field] = value;
    }
  }

  const engine::IntakeReport report = session.engine->Check(args.type, values);
  if (args.check_only) {
    return RunCheckOnly(args, report,
                        session.engine->Preview(args.type, values));
  }
  if (!report.ok()) return Refuse(args, report);

  engine::SubmitCommand command;
  command.campaign_type = args.type;
  command.title = args.title;
  command.values = values;
  command.actor = args.as;
  Result<engine::CampaignState> state = NotFoundError("not submitted");
  for (int attempt = 0; attempt < kIdAttempts; ++attempt) {
    command.campaign =
        args.id.empty() ? GenerateCampaignId(args.title) : args.id;
    state = session.engine->Submit(command);
    // A generated id may be taken (by chance, or by a twin submission):
    // draw another.
    if (state.ok() || !args.id.empty() ||
        state.status().code() != StatusCode::kAlreadyExists) {
      break;
    }
  }
  if (!state.ok()) return Fail(kSubmit, state.status(), args.json);

  const std::vector<engine::Awaited> awaited =
      session.engine->AwaitedNow(*state);
  if (args.json) {
    std::cout << Json({{"ok", true},
                       {"submitted", true},
                       {"campaign", state->campaign},
                       {"title", state->title},
                       {"campaign_type", state->campaign_type},
                       {"owner", state->owner},
                       {"status", state->status},
                       {"sop_version", state->sop_version},
                       {"version", state->version},
                       {"intake", engine::IntakeReportToJson(report)},
                       {"awaited", AwaitedToJson(awaited)}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << "submitted campaign " << state->campaign << ": \""
            << state->title << "\" (" << state->campaign_type << "), owner "
            << state->owner << ", SOP version " << state->sop_version << "\n";
  PrintFindings(report.notes, "note: ", std::cout);
  if (!awaited.empty()) {
    std::cout << "waiting for:\n";
    PrintAwaited(awaited, std::cout);
  }
  return kExitOk;
}

int RunCampaignShow(const WorkflowArgs& args) {
  Session session;
  if (const int code = OpenSession(args, kShow, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  store::Store& store = *session.store;
  // The read model has no lookup by id: the status and type narrow the
  // list once the engine has rebuilt the campaign.
  Result<engine::CampaignState> state = session.engine->Load(args.campaign);
  if (!state.ok() && state.status().code() == StatusCode::kNotFound) {
    return Fail(kShow, state.status(), args.json);
  }
  store::CampaignQuery query;
  if (state.ok()) {
    query.status = state->status;
    query.campaign_type = state->campaign_type;
  }
  Result<std::vector<store::CampaignRecord>> campaigns = store.Campaigns(query);
  if (!campaigns.ok()) return Fail(kShow, campaigns.status(), args.json);
  const auto record = std::find_if(campaigns->begin(), campaigns->end(),
                                   [&](const store::CampaignRecord& c) {
                                     return c.campaign == args.campaign;
                                   });
  if (record == campaigns->end()) {
    return Fail(kShow, NotFoundError("no campaign " + args.campaign),
                args.json);
  }
  store::TaskQuery task_query;
  task_query.campaign = args.campaign;
  Result<std::vector<store::TaskRecord>> tasks = store.Tasks(task_query);
  if (!tasks.ok()) return Fail(kShow, tasks.status(), args.json);
  std::vector<store::TaskRecord> open;
  for (const store::TaskRecord& t : *tasks) {
    if (t.status == "open" || t.status == "in_progress") open.push_back(t);
  }

  std::vector<DecisionEvent> decisions;
  std::vector<store::Event> history;
  store::EventFilter filter;
  filter.campaign = args.campaign;
  const Status scanned = store.Scan(filter, [&](const store::Event& e) {
    if (args.events) history.push_back(e);
    if (e.type == "approval_decided") {
      const Json payload = Json::parse(e.payload, nullptr, false);
      const auto text = [&](const char* key) {
        return payload.is_object() && payload.contains(key) &&
                       payload[key].is_string()
                   ? payload[key].get<std::string>()
                   : std::string();
      };
      decisions.push_back({e.time_us, e.step, e.activity, e.role, e.resource,
                           text("decision"), text("comment")});
    }
    return OkStatus();
  });
  if (!scanned.ok()) return Fail(kShow, scanned, args.json);

  // A campaign the engine cannot rebuild (imported events of another SOP, a
  // damaged history) is still shown from the read models, with the reason.
  std::vector<engine::Awaited> awaited;
  Json approvals = Json::array();
  if (state.ok()) {
    awaited = session.engine->AwaitedNow(*state);
    approvals = ApprovalsToJson(*state);
  } else {
    std::cerr << "livesop " << kShow << ": cannot rebuild the campaign's "
              << "state from its events: " << state.status().message()
              << "; showing the read models only\n";
  }

  if (args.json) {
    Json out = CampaignToJson(*record);
    out["ok"] = state.ok();
    out["sop_version_given"] = session.sop.sop.version;
    out["values"] = state.ok() ? *state->values : Json(nullptr);
    out["awaited"] = AwaitedToJson(awaited);
    Json open_json = Json::array();
    for (const store::TaskRecord& t : open) open_json.push_back(TaskToJson(t));
    out["open_tasks"] = std::move(open_json);
    out["approvals"] = approvals;
    out["held"] = HeldToJson(state.ok() ? state->held : HeldMap{});
    Json decisions_json = Json::array();
    for (const DecisionEvent& d : decisions) {
      decisions_json.push_back({{"time", TimeJson(d.time_us)},
                                {"step", d.step},
                                {"activity", d.activity},
                                {"role", d.role},
                                {"person", d.person},
                                {"decision", d.decision},
                                {"comment", d.comment}});
    }
    out["decisions"] = std::move(decisions_json);
    if (state.ok()) {
      const std::optional<double> budget = session.engine->BudgetOf(*state);
      out["budget"] = budget ? Json(*budget) : Json(nullptr);
      out["spent"] = state->spent;
    }
    if (args.events) {
      Json events = Json::array();
      for (const store::Event& e : history) events.push_back(EventToJson(e));
      out["events"] = std::move(events);
    }
    if (!state.ok()) {
      out["error"] = {
          {"code", std::string(StatusCodeName(state.status().code()))},
          {"message", state.status().message()}};
    }
    std::cout << out.dump(2) << "\n";
    return state.ok() ? kExitOk : ExitFor(state.status());
  }

  const store::CampaignRecord& c = *record;
  std::cout << "campaign     " << c.campaign << "\n"
            << "title        " << OneLine(c.title) << "\n"
            << "type         " << c.campaign_type << "\n"
            << "status       " << c.status << "\n"
            << "owner        " << c.owner << "\n"
            << "SOP version  " << c.sop_version;
  if (c.sop_version != session.sop.sop.version) {
    std::cout << " (the SOP given is version " << session.sop.sop.version
              << ")";
  }
  std::cout << "\n"
            << "events       " << c.event_count << ", "
            << TimeText(c.first_event_us) << " to " << TimeText(c.last_event_us)
            << "\n";
  if (c.deviation_count != 0) {
    std::cout << "deviations   " << c.deviation_count
              << " events departed from the SOP's path\n";
  }
  if (c.closed_us != 0) {
    std::cout << "closed       " << TimeText(c.closed_us) << "\n";
  }
  if (state.ok() && state->spent != 0) {
    const std::optional<double> budget = session.engine->BudgetOf(*state);
    std::cout << "spent        " << MoneyText(state->spent);
    if (budget) {
      std::cout << " of a budget of " << MoneyText(*budget)
                << (state->spent > *budget ? " (over)" : "");
    }
    std::cout << "\n";
  }
  if (!awaited.empty()) {
    std::cout << "\nwaiting for:\n";
    PrintAwaited(awaited, std::cout);
  }
  std::cout << "\nopen tasks:";
  if (open.empty()) {
    std::cout << " none\n";
  } else {
    std::cout << "\n";
    PrintTasks(open, std::cout, "  ");
  }
  if (!approvals.empty()) {
    std::cout << "\napprovals under way:\n";
    PrintApprovals(approvals, std::cout);
  }
  if (state.ok() && !state->held.empty()) {
    std::cout << "\nheld for steps not reached yet:\n";
    for (const Json& h : HeldToJson(state->held)) {
      std::cout << "  " << h["step"].get<std::string>() << ": "
                << DecisionText(h["decision"].get<std::string>()) << " by "
                << h["person"].get<std::string>() << "\n";
    }
  }
  if (!decisions.empty()) {
    std::cout << "\ndecisions:\n";
    for (const DecisionEvent& d : decisions) {
      std::cout << "  " << TimeText(d.time_us) << "  " << d.step << "  "
                << DecisionText(d.decision) << " by " << d.person;
      if (!d.role.empty()) std::cout << " (" << d.role << ")";
      if (!d.comment.empty()) std::cout << ": \"" << OneLine(d.comment) << "\"";
      std::cout << "\n";
    }
  }
  if (args.events) {
    std::cout << "\nhistory:\n";
    std::vector<std::vector<std::string>> rows = {
        {"#", "TIME", "TYPE", "STEP", "BY", "ROLE"}};
    for (const store::Event& e : history) {
      rows.push_back({std::to_string(e.sequence), TimeText(e.time_us), e.type,
                      e.step.empty() ? "-" : e.step,
                      e.resource.empty() ? "-" : e.resource,
                      e.role.empty() ? "-" : e.role});
    }
    PrintTable(rows, std::cout, "  ");
  }
  return state.ok() ? kExitOk : ExitFor(state.status());
}

int RunCampaignList(const WorkflowArgs& args) {
  Session session;
  if (const int code = OpenSession(args, kList, /*with_sop=*/false, session);
      code != kExitOk) {
    return code;
  }
  store::CampaignQuery query;
  query.status = args.status;
  query.campaign_type = args.type;
  Result<std::vector<store::CampaignRecord>> campaigns =
      session.store->Campaigns(query);
  if (!campaigns.ok()) return Fail(kList, campaigns.status(), args.json);
  if (args.json) {
    Json list = Json::array();
    for (const store::CampaignRecord& c : *campaigns) {
      list.push_back(CampaignToJson(c));
    }
    std::cout << Json({{"ok", true}, {"campaigns", std::move(list)}}).dump(2)
              << "\n";
    return kExitOk;
  }
  if (campaigns->empty()) {
    std::cout << "no campaigns\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"CAMPAIGN", "STATUS", "TYPE", "OWNER", "UPDATED", "TITLE"}};
  for (const store::CampaignRecord& c : *campaigns) {
    rows.push_back({c.campaign, c.status,
                    c.campaign_type.empty() ? "-" : c.campaign_type,
                    c.owner.empty() ? "-" : c.owner,
                    TimeText(c.last_event_us).substr(0, 10), OneLine(c.title)});
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

int RunCampaignCancel(const WorkflowArgs& args) {
  if (Trim(args.reason).empty()) {
    return UsageError(kCancel, "--reason needs a text: why it is cancelled");
  }
  Session session;
  if (const int code = OpenSession(args, kCancel, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignState> state =
      session.engine->Cancel(args.campaign, args.as, args.reason);
  if (!state.ok()) return Fail(kCancel, state.status(), args.json);
  if (args.json) {
    std::cout << Json({{"ok", true},
                       {"campaign", state->campaign},
                       {"status", state->status},
                       {"version", state->version}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << args.as << " cancelled campaign " << state->campaign << ": "
              << OneLine(args.reason) << "\n";
  }
  return kExitOk;
}

int RunCampaignSpend(const WorkflowArgs& args) {
  // Amounts as people write them: 2500000, 2,500,000, 2_500_000, -500000.
  std::string digits;
  for (char c : Trim(args.amount)) {
    if (c != ',' && c != '_') digits.push_back(c);
  }
  char* end = nullptr;
  const double amount = std::strtod(digits.c_str(), &end);
  if (digits.empty() || end == digits.c_str() || *end != '\0' ||
      !std::isfinite(amount)) {
    return UsageError(kSpend, "AMOUNT \"" + args.amount +
                                  "\" is not a number; write it like "
                                  "2500000 or 2,500,000 (negative for a "
                                  "refund)");
  }
  Session session;
  if (const int code = OpenSession(args, kSpend, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::CampaignState> state =
      session.engine->RecordSpend(args.campaign, args.as, amount, args.note);
  if (!state.ok()) return Fail(kSpend, state.status(), args.json);
  const std::optional<double> budget = session.engine->BudgetOf(*state);
  if (args.json) {
    std::cout << Json({{"ok", true},
                       {"campaign", state->campaign},
                       {"amount", amount},
                       {"spent", state->spent},
                       {"budget", budget ? Json(*budget) : Json(nullptr)},
                       {"over_budget", budget && state->spent > *budget},
                       {"version", state->version}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << args.as << " recorded " << MoneyText(amount) << " on campaign "
              << state->campaign << ": " << MoneyText(state->spent) << " spent";
    if (budget) {
      std::cout << " of a budget of " << MoneyText(*budget);
      if (state->spent > *budget) {
        std::cout << ", over by " << MoneyText(state->spent - *budget)
                  << " (Finance Ops is told as the SOP's escalations say)";
      }
    }
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace livesop::cli

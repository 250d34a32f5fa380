#include "cli/audit_commands.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include "cli/exit_codes.h"
#include "cli/store_commands.h"
#include "cli/workflow.h"
#include "core/time.h"
#include "insight/audit.h"
#include "insight/history.h"
#include "insight/html.h"
#include "insight/json.h"
#include "insight/propose.h"
#include "sop/loader.h"

namespace livesop::cli {
namespace {

using Json = nlohmann::json;

struct AuditArgs {
  WorkflowArgs common;  // --db, --sop, --json
  std::string from;
  std::string to;
  std::vector<std::string> types;
  int64_t min_count = 3;
  double min_share = 0.2;
  std::string html;  // write the HTML report here
};

std::string Percent(double share) {
  char text[16];
  std::snprintf(text, sizeof text, "%.0f%%", share * 100);
  return text;
}

std::string Fixed(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

std::string Date(int64_t us) {
  return us == 0 ? "-" : FormatTimestamp(us).substr(0, 10);
}

// "a, b, c and 4 more".
std::string Listed(const std::vector<std::string>& items, size_t show = 6) {
  std::string out;
  for (size_t i = 0; i < items.size() && i < show; ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  if (items.size() > show) {
    out += " and " + std::to_string(items.size() - show) + " more";
  }
  return out;
}

std::string PeopleText(const std::vector<insight::PersonShare>& people,
                       size_t show = 3) {
  std::string out;
  for (size_t i = 0; i < people.size() && i < show; ++i) {
    if (i > 0) out += ", ";
    out += people[i].person + " " + Percent(people[i].share) + " (" +
           std::to_string(people[i].count) + ")";
  }
  return out.empty() ? "nobody" : out;
}

void PrintProcess(const insight::ProcessAudit& p, std::ostream& out) {
  out << "\n" << p.name << " [" << p.process << "], " << p.category << "\n";
  out << "  " << p.campaigns << " campaigns (" << p.completed
      << " completed) of " << Listed(p.campaign_types) << "; "
      << Percent(p.on_path_share) << " on the documented path; median cycle "
      << (p.completed > 0 ? Fixed(p.median_cycle_days) + " days" : "-") << "\n";
  out << "  time in decisions " << Percent(p.decision_wait_share)
      << ", decisions through side paths " << Percent(p.informal_share)
      << ", deadlines missed " << Percent(p.breach_share)
      << ", campaigns with rework " << Percent(p.rework_share) << "\n";
  out << "  Maturity " << p.maturity.level << " (" << p.maturity.name << ")";
  std::vector<std::string> unmet;
  for (const insight::Criterion& c : p.maturity.criteria) {
    if (!c.met && c.level == p.maturity.level + 1) unmet.push_back(c.text);
  }
  if (!unmet.empty()) {
    out << "; for level " << p.maturity.level + 1 << ": ";
    for (size_t i = 0; i < unmet.size(); ++i) {
      out << (i > 0 ? "; " : "") << unmet[i];
    }
  }
  out << "\n";
  if (p.findings.empty()) {
    out << "  No findings.\n";
  } else {
    out << "  Findings:\n";
    for (const insight::Finding& f : p.findings) {
      out << "    " << insight::FindingKindName(f.kind) << " / " << f.code
          << ": " << f.summary << "\n";
      if (!f.people.empty()) {
        out << "      people: " << Listed(f.people, 4) << "\n";
      }
      out << "      campaigns: " << Listed(f.campaigns) << "\n";
    }
  }
  std::vector<std::vector<std::string>> rows = {
      {"STEP", "TYPE", "SLA", "VISITS", "MEDIAN H", "P90 H", "BREACHED",
       "SKIPPED", "SIDE PATH", "REPEATED"}};
  for (const insight::StepFigures& s : p.steps) {
    rows.push_back(
        {s.step, s.type, s.sla.empty() ? "-" : s.sla, std::to_string(s.visits),
         Fixed(s.median_hours), Fixed(s.p90_hours),
         std::to_string(s.breached) + "/" + std::to_string(s.with_due),
         std::to_string(s.skipped), std::to_string(s.off_system),
         std::to_string(s.repeated)});
  }
  out << "  Steps:\n";
  PrintTable(rows, out, "    ");
}

void PrintAnswers(const insight::Answers& a, std::ostream& out) {
  out << "\nThe six questions\n";
  const insight::InformalCounts& i = a.informal;
  out << "  1. Informal work: " << Percent(i.informal_share) << " of work ("
      << i.informal_items << " of " << i.work_items
      << " steps, decisions and side-path activities) went through side "
         "paths; "
      << Percent(i.informal_decision_share) << " of decisions ("
      << i.informal_decisions << " of " << i.decisions << ").";
  if (!i.by_source.empty()) {
    out << " By source:";
    for (const auto& [source, n] : i.by_source)
      out << " " << source << " " << n;
    out << ".";
  }
  out << "\n";
  for (const insight::InformalCounts& t : a.informal_by_type) {
    out << "     " << t.campaign_type << ": " << Percent(t.informal_share)
        << " of work, " << Percent(t.informal_decision_share)
        << " of decisions (" << t.campaigns << " campaigns)\n";
  }
  out << "  2. Under pressure: " << a.pressured
      << " urgent or expedited campaigns, "
      << Percent(a.pressured_on_path_share)
      << " on the documented path (the others " << Percent(a.calm_on_path_share)
      << "); their departures by: " << PeopleText(a.pressure_people) << "\n";
  out << "  3. Control is lost first at: ";
  if (a.first_departures.empty()) {
    out << "nowhere (no departures)";
  }
  for (size_t n = 0; n < a.first_departures.size() && n < 3; ++n) {
    const insight::StepCount& s = a.first_departures[n];
    out << (n > 0 ? "; " : "") << s.process << "/"
        << (s.step.empty() ? "(the campaign)" : s.step) << " "
        << Percent(s.share) << " (" << s.campaigns << ")";
  }
  out << "\n";
  out << "  4. Undocumented coordination: " << a.coordinated
      << (a.coordinated == 1 ? " campaign (" : " campaigns (")
      << Percent(a.coordinated_share)
      << ") needed a side path, an informal approval or an ad-hoc step; "
      << Percent(a.off_system_event_share)
      << " of events came through side paths\n";
  out << "  5. Holding together: " << Percent(a.on_path_share)
      << " of campaigns on the documented path; " << a.exceptions
      << " exceptions, handled by " << PeopleText(a.exception_people)
      << "; bus factor " << a.bus_factor << "\n";
  out << "  6. SOP versions:\n";
  for (const insight::VersionLife& v : a.versions) {
    out << "     " << (v.version.empty() ? "(none)" : v.version) << " from "
        << Date(v.published_us) << ": " << v.campaigns << " campaigns, "
        << Percent(v.on_path_share) << " on its path; "
        << (v.days_real >= 0 ? "its path stopped being the real one after " +
                                   std::to_string(v.days_real) + " days"
                             : "its path is still the real one after " +
                                   std::to_string(v.observed_days) + " days")
        << "\n";
  }
}

void PrintDrift(const std::vector<insight::RateSeries>& drift,
                std::ostream& out) {
  out << "\nDrift of the documented path\n";
  bool any = false;
  for (const insight::RateSeries& r : drift) {
    const std::string what =
        r.step.empty() ? r.campaign_type + ": campaigns on the documented path"
                       : r.campaign_type + " / " + r.step + ": done as written";
    if (r.changes.empty()) {
      out << "  " << what << " " << Percent(r.rate) << " of " << r.cases
          << ", no change\n";
      continue;
    }
    any = true;
    out << "  " << what << " (" << r.cases << "):";
    for (const insight::RateChange& c : r.changes) {
      out << " " << Percent(c.before) << " → " << Percent(c.after) << " from "
          << Date(c.time_us) << " (" << c.first.campaign << ", p "
          << Fixed(c.p_value * 100) << "%);";
    }
    out << "\n";
  }
  if (!any) out << "  No change point.\n";
}

void PrintMatrix(const std::vector<insight::MatrixCell>& cells,
                 std::ostream& out) {
  if (cells.empty()) return;
  out << "\nThe approval matrix against who decided\n";
  std::vector<std::vector<std::string>> rows = {
      {"STEP", "TYPE", "BAND", "ROLE", "NAMED", "REQUIRED", "IN LIVESOP",
       "SIDE PATH", "OTHERS", "SKIPPED", "WITHOUT", "DECIDED BY", "CHANGES"}};
  for (const insight::MatrixCell& c : cells) {
    std::string deciders;
    for (size_t i = 0; i < c.deciders.size() && i < 2; ++i) {
      deciders += (i > 0 ? ", " : "") + c.deciders[i].person + " " +
                  std::to_string(c.deciders[i].count);
    }
    std::string changes;
    for (const insight::RateChange& change : c.changes) {
      changes += (changes.empty() ? "" : "; ") + Percent(change.before) +
                 " → " + Percent(change.after) + " from " +
                 Date(change.time_us);
    }
    rows.push_back(
        {c.step, c.campaign_type, c.budget_band.empty() ? "-" : c.budget_band,
         c.role, std::to_string(c.named), std::to_string(c.required),
         std::to_string(c.decided), std::to_string(c.informal),
         std::to_string(c.by_others), std::to_string(c.skipped),
         std::to_string(c.without), deciders.empty() ? "-" : deciders,
         changes.empty() ? "-" : changes});
  }
  PrintTable(rows, out, "  ");
}

Result<int64_t> DateArg(const std::string& text, const std::string& option) {
  if (text.empty()) return int64_t{0};
  Result<int64_t> at = ParseTimestamp(text);
  if (!at.ok() || text.size() != 10) {
    return InvalidArgumentError(option + " \"" + text +
                                "\" is not a date: write YYYY-MM-DD");
  }
  return *at;
}

// Writes `bundle`'s files under `dir`, each to a temporary file renamed
// into place, so a failure leaves every file whole.
Status WriteBundle(const sop::Bundle& bundle, const std::string& dir) {
  namespace fs = std::filesystem;
  for (const auto& [path, text] : bundle.files) {
    const fs::path target = fs::path(dir) / path;
    std::error_code ec;
    fs::create_directories(target.parent_path(), ec);
    const fs::path temporary = target.string() + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << text;
      out.close();
      if (!out) {
        return UnavailableError(temporary.string() +
                                ": cannot be written; check the folder");
      }
    }
    fs::rename(temporary, target, ec);
    if (ec) {
      return UnavailableError(target.string() + ": " + ec.message());
    }
  }
  return OkStatus();
}

int RunAudit(const AuditArgs& args) {
  const std::string command = "audit";
  const WorkflowArgs& a = args.common;
  Result<int64_t> from = DateArg(args.from, "--from");
  if (!from.ok()) return UsageError(command, from.status().message());
  Result<int64_t> to = DateArg(args.to, "--to");
  if (!to.ok()) return UsageError(command, to.status().message());
  if (*from != 0 && *to != 0 && *to < *from) {
    return UsageError(command,
                      "--to " + args.to + " is before --from " + args.from);
  }
  if (args.min_share < 0 || args.min_share > 1) {
    return UsageError(command, "--min-share must be between 0 and 1");
  }
  Session session;
  if (const int code = OpenSession(a, command, true, session);
      code != kExitOk) {
    return code;
  }
  for (const std::string& type : args.types) {
    bool known = false;
    for (const sop::CampaignType& t : session.sop.campaign_types) {
      if (t.id == type) known = true;
    }
    if (!known) {
      return Fail(command,
                  InvalidArgumentError("unknown campaign type \"" + type +
                                       "\"; `livesop sop show` lists them"),
                  a.json);
    }
  }
  insight::HistoryFilter filter;
  filter.from_us = *from;
  filter.until_us = *to != 0 ? *to + int64_t{24} * 3600 * 1'000'000 : 0;
  filter.campaign_types = args.types;
  Result<insight::History> history =
      insight::ReadHistory(*session.store, filter);
  if (!history.ok()) return Fail(command, history.status(), a.json);

  std::map<std::string, const sop::Definition*> versions;
  for (const auto& pinned : session.pinned) {
    versions[pinned->sop.version] = pinned.get();
  }
  insight::AuditOptions options;
  options.min_count = args.min_count;
  options.min_share = args.min_share;
  Result<std::vector<store::SopVersionRecord>> published =
      session.store->SopVersions();
  if (!published.ok()) return Fail(command, published.status(), a.json);
  for (const store::SopVersionRecord& v : *published) {
    options.published_us[v.version] = v.published_us;
  }
  const insight::Audit audit =
      insight::RunAudit(*history, session.sop, versions, options);

  if (!args.html.empty()) {
    Result<std::string> html =
        insight::AuditToHtml(audit, *history, session.sop);
    if (!html.ok()) return Fail(command, html.status(), a.json);
    sop::Bundle page;  // one file, written as WriteBundle writes
    const std::filesystem::path target(args.html);
    page.files[target.filename().string()] = *html;
    const std::string dir = target.parent_path().empty()
                                ? std::string(".")
                                : target.parent_path().string();
    if (Status written = WriteBundle(page, dir); !written.ok()) {
      return Fail(command, written, a.json);
    }
    std::cerr << "livesop audit: report written to " << args.html << "\n";
  }
  if (a.json) {
    std::cout << insight::AuditToJson(audit).dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "Audit of " << audit.campaigns << " campaigns (" << audit.events
            << " events), " << Date(audit.from_us) << " to "
            << Date(audit.until_us) << "\n";
  if (audit.campaigns == 0) {
    std::cout << "\nNo campaign in the store"
              << (args.from.empty() && args.to.empty() && args.types.empty()
                      ? ""
                      : " matches the selection")
              << ": nothing to audit.\n";
    return kExitOk;
  }
  for (const insight::ProcessAudit& p : audit.processes) {
    PrintProcess(p, std::cout);
  }
  PrintAnswers(audit.answers, std::cout);
  PrintDrift(audit.drift, std::cout);
  PrintMatrix(audit.matrix, std::cout);
  return kExitOk;
}

struct ProposeArgs {
  WorkflowArgs common;  // --db, --sop, --json, --as
  std::string id;       // accept: the proposal
  std::string out;      // accept: write the new SOP's files here
  int64_t min_count = 5;
};

// The SOP proposals are made for, as a bundle (its files' text) and the
// definition loaded from it, so that locations name the bundle's files:
// the --sop file, else the latest published version.
Result<std::pair<sop::Bundle, sop::Definition>> CurrentSop(
    const std::string& path, store::Store& store) {
  sop::Bundle bundle;
  if (!path.empty()) {
    LIVESOP_ASSIGN_OR_RETURN(bundle, sop::ReadBundle(path));
  } else {
    LIVESOP_ASSIGN_OR_RETURN(std::vector<store::SopVersionRecord> versions,
                             store.SopVersions());
    if (versions.empty()) {
      return InvalidArgumentError(
          "no SOP given and none published: pass --sop PATH, or publish one "
          "with `livesop sop publish`");
    }
    LIVESOP_ASSIGN_OR_RETURN(store::SopVersionRecord latest,
                             store.SopVersion(versions.back().version));
    LIVESOP_ASSIGN_OR_RETURN(bundle, sop::BundleFromJson(latest.bundle));
  }
  sop::LoadResult loaded = sop::LoadDefinitionFromBundle(bundle);
  if (loaded.io_failure || loaded.diagnostics.has_errors()) {
    return FailedPreconditionError(
        "the SOP does not load; `livesop check` lists its errors");
  }
  return std::make_pair(std::move(bundle), std::move(loaded.definition));
}

Json ProposalToJson(const insight::Proposal& p) {
  Json edits = Json::array();
  for (const insight::LineEdit& e : p.edits) {
    edits.push_back({{"file", e.file},
                     {"line", e.line},
                     {"insert", e.insert},
                     {"before", e.before},
                     {"after", e.after}});
  }
  Json evidence = Json::array();
  for (const insight::EventRef& ref : p.evidence) {
    evidence.push_back({{"campaign", ref.campaign},
                        {"position", ref.position},
                        {"time", FormatTimestamp(ref.time_us)}});
  }
  return {{"id", p.id},           {"kind", p.kind},
          {"title", p.title},     {"rationale", p.rationale},
          {"effect", p.effect},   {"campaigns", p.campaigns},
          {"evidence", evidence}, {"edits", edits},
          {"diff", p.diff}};
}

int RunPropose(const ProposeArgs& args, bool accept) {
  const std::string command = accept ? "propose accept" : "propose";
  const WorkflowArgs& a = args.common;
  if (a.db.empty()) {
    return UsageError(command, "--db is required (or LIVESOP_DB)");
  }
  if (accept && a.as.empty()) {
    return UsageError(command, "say who accepts with --as PERSON");
  }
  Session session;
  if (const int code = OpenSession(a, command, true, session);
      code != kExitOk) {
    return code;
  }
  auto current = CurrentSop(a.sop, *session.store);
  if (!current.ok()) return Fail(command, current.status(), a.json);
  const auto& [bundle, sop] = *current;
  Result<insight::History> history = insight::ReadHistory(*session.store);
  if (!history.ok()) return Fail(command, history.status(), a.json);
  std::map<std::string, const sop::Definition*> versions;
  for (const auto& pinned : session.pinned) {
    versions[pinned->sop.version] = pinned.get();
  }
  const insight::Audit audit = insight::RunAudit(*history, sop, versions);
  insight::ProposeOptions options;
  options.min_count = args.min_count;
  const std::vector<insight::Proposal> proposals =
      insight::Propose(*history, audit, sop, bundle, options);

  if (!accept) {
    if (a.json) {
      Json out = Json::array();
      for (const insight::Proposal& p : proposals) {
        out.push_back(ProposalToJson(p));
      }
      std::cout
          << Json{{"sop_version", sop.sop.version}, {"proposals", out}}.dump(2)
          << "\n";
      return kExitOk;
    }
    std::cout << "Proposals for SOP " << sop.sop.id << " " << sop.sop.version
              << " from " << history->campaigns.size()
              << " campaigns: " << proposals.size() << "\n";
    for (const insight::Proposal& p : proposals) {
      std::cout << "\n"
                << p.id << "\n  " << p.title << "\n  Why: " << p.rationale
                << "\n  Effect: " << p.effect
                << "\n  Campaigns: " << Listed(p.campaigns) << "\n"
                << p.diff;
    }
    if (proposals.empty()) {
      std::cout << "The history gives no reason to change the SOP.\n";
    }
    return kExitOk;
  }

  const insight::Proposal* chosen = nullptr;
  std::vector<std::string> ids;
  for (const insight::Proposal& p : proposals) {
    ids.push_back(p.id);
    if (p.id == args.id) chosen = &p;
  }
  if (chosen == nullptr) {
    return Fail(command,
                NotFoundError("no proposal " + args.id + " for SOP " +
                              sop.sop.version + " (the proposals now: " +
                              (ids.empty() ? std::string("none")
                                           : Listed(ids, ids.size())) +
                              ")"),
                a.json);
  }
  const int64_t now = std::chrono::duration_cast<std::chrono::microseconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  Result<insight::Accepted> accepted = insight::AcceptProposal(
      *chosen, sop, bundle, a.as, FormatTimestamp(now).substr(0, 10));
  if (!accepted.ok()) return Fail(command, accepted.status(), a.json);
  store::SopVersionRecord record;
  record.version = accepted->version;
  record.sop_id = sop.sop.id;
  record.digest = sop::BundleDigest(accepted->bundle);
  record.bundle = sop::BundleToJson(accepted->bundle);
  record.published_by = a.as;
  record.published_us = now;
  record.note = "proposal " + chosen->id + ": " + chosen->title;
  if (Result<store::SopVersionRecord> existing =
          session.store->SopVersion(record.version);
      existing.ok()) {
    return Fail(command,
                AlreadyExistsError("SOP version " + record.version +
                                   " is published already; accept the "
                                   "proposal on the latest version"),
                a.json);
  }
  if (!args.out.empty()) {
    if (Status written = WriteBundle(accepted->bundle, args.out);
        !written.ok()) {
      return Fail(command, written, a.json);
    }
  }
  if (Status published = session.store->PublishSop(record); !published.ok()) {
    return Fail(command, published, a.json);
  }
  if (a.json) {
    std::cout << Json{{"ok", true},
                      {"proposal", chosen->id},
                      {"version", record.version},
                      {"digest", record.digest},
                      {"diff", accepted->diff},
                      {"written_to", args.out}}
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << a.as << " accepted " << chosen->id << ": SOP " << sop.sop.id
            << " " << record.version << " published"
            << (args.out.empty() ? "" : ", its files written to " + args.out)
            << "\n"
            << accepted->diff;
  return kExitOk;
}

void AddSop(CLI::App* command, std::string& sop) {
  command
      ->add_option("--sop", sop,
                   "The root YAML file of the SOP; default from LIVESOP_SOP, "
                   "else the latest published")
      ->envname("LIVESOP_SOP");
}

}  // namespace

std::function<int()> AddAuditCommand(CLI::App& app) {
  auto args = std::make_shared<AuditArgs>();
  AuditArgs& a = *args;
  CLI::App* audit = app.add_subcommand(
      "audit",
      "Audit the history against the SOP: friction, redundancy, handoff "
      "failures and gaps per process with their evidence, the six "
      "diagnostic questions, maturity (docs/audit.md)");
  AddDb(audit, a.common.db);
  AddSop(audit, a.common.sop);
  audit->add_option("--from", a.from,
                    "Only campaigns that started on or after this date, "
                    "YYYY-MM-DD (UTC)");
  audit->add_option("--to", a.to,
                    "Only campaigns that started on or before this date, "
                    "YYYY-MM-DD (UTC), included");
  audit->add_option("--type", a.types,
                    "Only campaigns of this type (repeatable)");
  audit
      ->add_option("--min-count", a.min_count,
                   "Fewest cases behind a finding (default 3)")
      ->check(CLI::PositiveNumber);
  audit->add_option("--min-share", a.min_share,
                    "Smallest share of cases that makes a finding, 0 to 1 "
                    "(default 0.2)");
  audit->add_flag("--json", a.common.json,
                  "Print the audit as one JSON object (docs/audit.md)");
  audit->add_option("--html", a.html,
                    "Also write the audit as one self-contained HTML file, "
                    "with charts, process maps and the evidence");
  audit->footer(
      "Exit codes: 0 done (also for an empty history), 1 refused (an "
      "unknown campaign type), 2 usage error (a malformed date, --to before "
      "--from, no SOP), 3 the store failed.");

  auto proposal_args = std::make_shared<ProposeArgs>();
  ProposeArgs& p = *proposal_args;
  CLI::App* propose = app.add_subcommand(
      "propose",
      "Proposals for the SOP's next version from the history: SLAs set to "
      "the work they measure, approval rules to who decides, delegates to "
      "who stands in; each with its evidence, expected effect and diff "
      "(docs/proposals.md)");
  // --db on `propose` and on `accept`: required by RunPropose, since a
  // required option of `propose` would be asked of `accept` too.
  const char* db_help =
      "The store: a SQLite file (sqlite:PATH or a path) or a postgresql:// "
      "URL; default from LIVESOP_DB";
  propose->add_option("--db", p.common.db, db_help)->envname("LIVESOP_DB");
  AddSop(propose, p.common.sop);
  propose
      ->add_option("--min-count", p.min_count,
                   "Fewest cases behind a proposal (default 5)")
      ->check(CLI::PositiveNumber);
  propose->add_flag("--json", p.common.json, "Print JSON");
  CLI::App* accept = propose->add_subcommand(
      "accept",
      "Accept a proposal as the SOP's owner: the SOP's next minor version "
      "with the change and a changelog entry, published in the store");
  accept->add_option("ID", p.id, "The proposal's id, as `propose` lists it")
      ->required();
  accept->add_option("--db", p.common.db, db_help)->envname("LIVESOP_DB");
  AddSop(accept, p.common.sop);
  accept
      ->add_option("--min-count", p.min_count,
                   "Fewest cases behind a proposal (default 5), as given "
                   "to `propose`")
      ->check(CLI::PositiveNumber);
  accept->add_option("--as", p.common.as, "Who accepts: the SOP's owner")
      ->required();
  accept->add_option("-o,--out", p.out,
                     "Also write the new version's files into this folder");
  accept->add_flag("--json", p.common.json, "Print JSON");
  propose->footer(
      "Exit codes: 0 done, 1 refused (no such proposal, not the SOP's "
      "owner, the SOP changed since), 2 usage error or no SOP, 3 the store "
      "failed.");
  return [args, audit, proposal_args, propose, accept]() -> int {
    if (audit->parsed()) return RunAudit(*args);
    if (accept->parsed()) return RunPropose(*proposal_args, true);
    if (propose->parsed()) return RunPropose(*proposal_args, false);
    return -1;
  };
}

}  // namespace livesop::cli

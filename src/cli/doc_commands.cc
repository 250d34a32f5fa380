#include "cli/doc_commands.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "assets/file_store.h"
#include "cli/exit_codes.h"
#include "cli/store_commands.h"
#include "cli/workflow.h"
#include "core/text.h"

namespace livesop::cli {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

// Every option of the template and doc commands; each reads the ones it
// declares.
struct DocArgs {
  WorkflowArgs common;  // --db, --sop, --json, --as
  std::string files;    // the file store's folder
  std::string id;       // a template id, or a campaign id
  std::string document;
  std::string version;  // a template version, or a document's --version
  std::string from;     // doc diff A
  std::string to;       // doc diff B
  std::string file;
  std::string text;
  std::string kind;
  std::string comment;
  std::string changes;
};

constexpr const char* kCodes =
    "Exit codes: 0 done, 1 refused (an unknown template, campaign, document "
    "or version, a version that is not a number, empty text, a binary file "
    "given as text, a file over the limit, a person who may not), 2 usage "
    "error or a file that cannot be read, 3 the store failed, 4 conflict: "
    "another command changed the campaign meanwhile, try again.";

void AddCommon(CLI::App* command, DocArgs& args) {
  AddDb(command, args.common.db);
  command
      ->add_option("--sop", args.common.sop,
                   "The root YAML file of the SOP; default from LIVESOP_SOP, "
                   "else the latest published version")
      ->envname("LIVESOP_SOP");
  command->add_flag("--json", args.common.json,
                    "Print the result as one JSON object");
  command->footer(kCodes);
}

void AddFiles(CLI::App* command, DocArgs& args) {
  command
      ->add_option("--files", args.files,
                   "The folder of the file store (default: files/ beside a "
                   "SQLite store; from LIVESOP_FILES)")
      ->envname("LIVESOP_FILES");
}

void AddAs(CLI::App* command, DocArgs& args) {
  command
      ->add_option("--as", args.common.as,
                   "The person acting: a person id of the SOP")
      ->required();
}

// Gives the session's engine the file store; `create` makes its folder
// when missing (commands that only read leave a missing one alone).
Status AttachFiles(const DocArgs& args, Session& session, bool create) {
  LIVESOP_ASSIGN_OR_RETURN(std::string root,
                           FilesRoot(args.files, args.common.db));
  std::error_code ec;
  if (!create && !fs::exists(root, ec)) return OkStatus();
  LIVESOP_ASSIGN_OR_RETURN(assets::FileStore files,
                           assets::FileStore::Open(root));
  session.engine->SetFileStore(std::move(files));
  return OkStatus();
}

// A document version as people write it: 2 or v2.
Result<int> ParseVersion(const std::string& text) {
  std::string digits = text;
  if (!digits.empty() && (digits[0] == 'v' || digits[0] == 'V')) {
    digits.erase(0, 1);
  }
  const bool number =
      !digits.empty() && digits.size() <= 6 &&
      std::all_of(digits.begin(), digits.end(),
                  [](unsigned char c) { return std::isdigit(c) != 0; });
  if (!number || std::stoi(digits) == 0) {
    return InvalidArgumentError("version \"" + text +
                                "\" is not a version number: versions are "
                                "numbered 1, 2, 3 (or v1, v2, v3)");
  }
  return std::stoi(digits);
}

std::string BytesText(int64_t bytes) {
  return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
}

std::string WordsText(int64_t words) {
  return std::to_string(words) + (words == 1 ? " word" : " words");
}

Json TemplateVersionToJson(const store::TemplateVersionRecord& v) {
  return {
      {"version", v.version},
      {"status", v.status},
      {"author", v.author.empty() ? Json(nullptr) : Json(v.author)},
      {"added", TimeJson(v.created_us)},
      {"sha256", v.sha256.empty() ? Json(nullptr) : Json(v.sha256)},
      {"file", v.file_name},
      {"size", v.size},
      {"mime", v.mime},
      {"changes", v.changes},
      {"from_sop", v.from_sop},
      {"approved_by",
       v.approved_by.empty() ? Json(nullptr) : Json(v.approved_by)},
      {"approved", TimeJson(v.approved_us)},
      {"retired_by", v.retired_by.empty() ? Json(nullptr) : Json(v.retired_by)},
      {"retired", TimeJson(v.retired_us)}};
}

Json TemplateToJson(const engine::LibraryTemplate& t) {
  Json versions = Json::array();
  for (const store::TemplateVersionRecord& v : t.versions) {
    versions.push_back(TemplateVersionToJson(v));
  }
  return {{"id", t.id},
          {"name", t.name},
          {"owner", t.owner},
          {"description", t.description},
          {"in_library", t.in_library},
          {"approved", t.approved.empty() ? Json(nullptr) : Json(t.approved)},
          {"versions", std::move(versions)}};
}

void PrintTemplate(const engine::LibraryTemplate& t) {
  std::cout << "template " << t.id << ": " << t.name << "\n"
            << "owner: " << t.owner << "\n"
            << "approved: " << (t.approved.empty() ? "none" : t.approved)
            << "\n"
            << "versions "
            << (t.in_library ? "(in the template library)"
                             : "(from the SOP; the library holds none yet)")
            << ":\n";
  std::vector<std::vector<std::string>> rows = {
      {"VERSION", "STATUS", "ADDED", "BY", "FILE", "CHANGES"}};
  for (const store::TemplateVersionRecord& v : t.versions) {
    rows.push_back(
        {v.version, v.status,
         v.created_us == 0 ? "-" : TimeText(v.created_us).substr(0, 10),
         v.author.empty() ? "-" : v.author,
         v.file_name.empty() ? "-" : v.file_name, OneLine(v.changes)});
  }
  PrintTable(rows, std::cout, "  ");
}

int RunTemplateList(const DocArgs& args) {
  const std::string command = "template list";
  Session session;
  if (const int code =
          OpenSession(args.common, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<std::vector<engine::LibraryTemplate>> all =
      session.engine->Templates();
  if (!all.ok()) return Fail(command, all.status(), args.common.json);
  if (args.common.json) {
    Json templates = Json::array();
    for (const engine::LibraryTemplate& t : *all) {
      templates.push_back(TemplateToJson(t));
    }
    std::cout << Json({{"templates", std::move(templates)}}).dump(2) << "\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"TEMPLATE", "APPROVED", "VERSIONS", "FROM", "OWNER", "NAME"}};
  for (const engine::LibraryTemplate& t : *all) {
    rows.push_back({t.id, t.approved.empty() ? "none" : t.approved,
                    std::to_string(t.versions.size()),
                    t.in_library ? "library" : "sop", t.owner, t.name});
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

int RunTemplateShow(const DocArgs& args) {
  const std::string command = "template show";
  Session session;
  if (const int code =
          OpenSession(args.common, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::LibraryTemplate> t =
      session.engine->FindLibraryTemplate(args.id);
  if (!t.ok()) return Fail(command, t.status(), args.common.json);
  if (args.common.json) {
    std::cout << TemplateToJson(*t).dump(2) << "\n";
  } else {
    PrintTemplate(*t);
  }
  return kExitOk;
}

int RunTemplateAddVersion(const DocArgs& args) {
  const std::string command = "template add-version";
  Session session;
  if (const int code =
          OpenSession(args.common, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  if (Status attached = AttachFiles(args, session, /*create=*/true);
      !attached.ok()) {
    return Fail(command, attached, args.common.json);
  }
  engine::TemplateVersionInput input;
  input.template_id = args.id;
  input.version = args.version;
  input.file_path = args.file;
  input.changes = args.changes;
  input.actor = args.common.as;
  Result<engine::LibraryTemplate> t = session.engine->AddTemplateVersion(input);
  if (!t.ok()) return Fail(command, t.status(), args.common.json);
  const store::TemplateVersionRecord* added = nullptr;
  for (const store::TemplateVersionRecord& v : t->versions) {
    if (v.version == args.version) added = &v;
  }
  if (args.common.json) {
    std::cout << Json(
                     {{"ok", true},
                      {"template", TemplateToJson(*t)},
                      {"added", added != nullptr ? TemplateVersionToJson(*added)
                                                 : Json(nullptr)}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << args.common.as << " added draft " << args.version
            << " of template " << t->id;
  if (added != nullptr) {
    std::cout << " (" << added->file_name << ", " << BytesText(added->size)
              << ", sha256 " << added->sha256.substr(0, 12) << "…)";
  }
  std::cout << "; approved now: "
            << (t->approved.empty() ? "none" : t->approved) << "\n";
  return kExitOk;
}

int RunTemplateApprove(const DocArgs& args) {
  const std::string command = "template approve";
  Session session;
  if (const int code =
          OpenSession(args.common, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::TemplateApproval> approval =
      session.engine->ApproveTemplate(args.id, args.version, args.common.as);
  if (!approval.ok()) return Fail(command, approval.status(), args.common.json);
  if (args.common.json) {
    std::cout << Json({{"ok", approval->problems.empty()},
                       {"template", TemplateToJson(approval->library)},
                       {"retired", approval->retired},
                       {"fulfilled", approval->fulfilled},
                       {"problems", approval->problems}})
                     .dump(2)
              << "\n";
  } else {
    std::cout << args.common.as << " approved version " << args.version
              << " of template " << args.id;
    if (!approval->retired.empty()) {
      std::cout << "; retired " << Join(approval->retired, ", ");
    }
    std::cout << "\n";
    if (!approval->fulfilled.empty()) {
      std::cout << "the request for it is met on campaign"
                << (approval->fulfilled.size() == 1 ? " " : "s ")
                << Join(approval->fulfilled, ", ")
                << " (their missing-template escalations stop)\n";
    }
  }
  // The approval holds; a campaign not told now is told by the next
  // timers sweep, before its escalation's next notice.
  for (const std::string& problem : approval->problems) {
    std::cerr << "livesop " << command << ": could not tell campaign "
              << problem << "; the next timers sweep does\n";
  }
  return kExitOk;
}

int RunTemplateRetire(const DocArgs& args) {
  const std::string command = "template retire";
  Session session;
  if (const int code =
          OpenSession(args.common, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<engine::LibraryTemplate> t =
      session.engine->RetireTemplate(args.id, args.version, args.common.as);
  if (!t.ok()) return Fail(command, t.status(), args.common.json);
  if (args.common.json) {
    std::cout << Json({{"ok", true}, {"template", TemplateToJson(*t)}}).dump(2)
              << "\n";
  } else {
    std::cout << args.common.as << " retired version " << args.version
              << " of template " << t->id << "; approved now: "
              << (t->approved.empty() ? "none" : t->approved) << "\n";
  }
  return kExitOk;
}

Json VersionToJson(const engine::Document& document,
                   const engine::DocumentVersion& v) {
  Json approvals = Json::array();
  for (const engine::DocumentApproval& a : document.approvals) {
    if (a.version != v.version) continue;
    approvals.push_back(
        {{"step", a.step}, {"by", a.by}, {"time", TimeJson(a.time_us)}});
  }
  return {{"version", v.version},
          {"status", engine::DocumentVersionStatus(document, v.version)},
          {"author", v.author},
          {"time", TimeJson(v.time_us)},
          {"comment", v.comment},
          {"content", v.is_file ? "file" : "text"},
          {"bytes", v.bytes},
          {"name", v.name.empty() ? Json(nullptr) : Json(v.name)},
          {"sha256", v.sha256.empty() ? Json(nullptr) : Json(v.sha256)},
          {"mime", v.mime.empty() ? Json(nullptr) : Json(v.mime)},
          {"approvals", std::move(approvals)}};
}

int RunDocAdd(const DocArgs& args, bool text_given) {
  const std::string command = "doc add";
  if (text_given == !args.file.empty()) {
    return UsageError(command,
                      "give the version's content: --text TEXT or --file "
                      "PATH, one of them");
  }
  Session session;
  if (const int code =
          OpenSession(args.common, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  if (!args.file.empty()) {
    if (Status attached = AttachFiles(args, session, /*create=*/true);
        !attached.ok()) {
      return Fail(command, attached, args.common.json);
    }
  }
  // What a change after an approval led to is in the events the command
  // wrote: those after the store's last position now.
  Result<int64_t> before = session.store->LastPosition();
  if (!before.ok()) return Fail(command, before.status(), args.common.json);
  engine::DocumentInput input;
  input.text = args.text;
  input.file_path = args.file;
  Result<engine::CampaignState> state = session.engine->AddDocumentVersion(
      args.id, args.document, args.common.as, input, args.comment, args.kind);
  if (!state.ok()) return Fail(command, state.status(), args.common.json);
  Result<Json> changed = ChangesAfterApproval(*session.store, args.id,
                                              "document_changed_after_approval",
                                              *before, state->version);
  if (!changed.ok()) return Fail(command, changed.status(), args.common.json);
  const engine::Document& document = state->documents.at(args.document);
  const engine::DocumentVersion& v = document.versions.back();
  const std::vector<engine::Awaited> awaited =
      session.engine->AwaitedNow(*state);
  if (args.common.json) {
    std::cout << Json({{"ok", true},
                       {"campaign", state->campaign},
                       {"document", document.id},
                       {"kind", document.kind},
                       {"version", VersionToJson(document, v)},
                       {"changed_after_approval", *changed},
                       {"awaiting", AwaitedToJson(awaited)}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << args.common.as << " added version " << v.version
            << " of document " << document.id << " (" << document.kind
            << ") to campaign " << state->campaign << ": "
            << (v.is_file ? "file " + v.name + ", " + v.mime + ", "
                          : std::string("text, "))
            << BytesText(v.bytes) << "\n";
  for (const Json& c : *changed) {
    std::cout << "it came after version " << c["approved_version"].get<int>()
              << " was approved at " << c["step"].get<std::string>() << ": "
              << (c["reapproval"] == "needed"
                      ? "the step is asked to approve again"
                      : "no new approval needed (the SOP's reapproval: "
                        "not_needed)")
              << "\n";
  }
  PrintStanding(*state, awaited, std::cout);
  return kExitOk;
}

int RunDocShow(const DocArgs& args) {
  const std::string command = "doc show";
  int version = 0;
  if (!args.version.empty()) {
    Result<int> parsed = ParseVersion(args.version);
    if (!parsed.ok()) return Fail(command, parsed.status(), args.common.json);
    version = *parsed;
  }
  Session session;
  if (const int code =
          OpenSession(args.common, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  if (Status attached = AttachFiles(args, session, /*create=*/false);
      !attached.ok() && !args.files.empty()) {
    return Fail(command, attached, args.common.json);
  }
  Result<engine::DocumentContent> content =
      session.engine->ReadDocument(args.id, args.document, version);
  if (!content.ok()) return Fail(command, content.status(), args.common.json);
  Result<engine::CampaignState> state = session.engine->Load(args.id);
  if (!state.ok()) return Fail(command, state.status(), args.common.json);
  const engine::Document& document = state->documents.at(args.document);
  const engine::DocumentVersion& v = content->version;
  if (args.common.json) {
    Json versions = Json::array();
    for (const engine::DocumentVersion& each : document.versions) {
      versions.push_back(VersionToJson(document, each));
    }
    Json shown = VersionToJson(document, v);
    shown["file_path"] =
        content->file_path.empty() ? Json(nullptr) : Json(content->file_path);
    std::cout << Json(
                     {{"campaign", args.id},
                      {"document", document.id},
                      {"kind", document.kind},
                      {"version", shown},
                      {"text", v.is_file ? Json(nullptr) : Json(content->text)},
                      {"versions", std::move(versions)}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  std::cout << "document " << document.id << " (" << document.kind
            << ") of campaign " << args.id << ": version " << v.version
            << " of " << document.versions.size() << ", "
            << engine::DocumentVersionStatus(document, v.version) << "\n";
  std::cout << "added by " << v.author << " at " << TimeText(v.time_us);
  if (!v.comment.empty()) std::cout << ": " << OneLine(v.comment);
  std::cout << "\n";
  for (const engine::DocumentApproval& a : document.approvals) {
    if (a.version != v.version) continue;
    std::cout << "approved at " << a.step << " by " << a.by << " at "
              << TimeText(a.time_us) << " (locked)\n";
  }
  std::vector<std::string> all;
  for (const engine::DocumentVersion& each : document.versions) {
    all.push_back(std::to_string(each.version) + " " +
                  engine::DocumentVersionStatus(document, each.version));
  }
  std::cout << "versions: " << Join(all, ", ") << "\n";
  if (v.is_file) {
    std::cout << "file: " << v.name << " (" << v.mime << ", "
              << BytesText(v.bytes) << "), sha256 " << v.sha256 << "\n";
    if (!content->file_path.empty()) {
      std::cout << "kept at " << content->file_path << "\n";
    }
    return kExitOk;
  }
  std::cout << "\n" << content->text;
  if (!content->text.ends_with("\n")) std::cout << "\n";
  return kExitOk;
}

int RunDocDiff(const DocArgs& args) {
  const std::string command = "doc diff";
  Result<int> from = ParseVersion(args.from);
  if (!from.ok()) return Fail(command, from.status(), args.common.json);
  Result<int> to = ParseVersion(args.to);
  if (!to.ok()) return Fail(command, to.status(), args.common.json);
  Session session;
  if (const int code =
          OpenSession(args.common, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  if (Status attached = AttachFiles(args, session, /*create=*/false);
      !attached.ok() && !args.files.empty()) {
    return Fail(command, attached, args.common.json);
  }
  Result<engine::WordDiff> diff =
      session.engine->DiffDocument(args.id, args.document, *from, *to);
  if (!diff.ok()) return Fail(command, diff.status(), args.common.json);
  if (args.common.json) {
    Json out = {{"campaign", args.id},
                {"document", args.document},
                {"from", *from},
                {"to", *to}};
    out.update(engine::WordDiffToJson(*diff));
    std::cout << out.dump(2) << "\n";
    return kExitOk;
  }
  std::cout << "document " << args.document << " of campaign " << args.id
            << ", version " << *from << " to " << *to << ": "
            << WordsText(diff->deleted_words) << " deleted, "
            << diff->inserted_words << " inserted, " << diff->unchanged_words
            << " unchanged"
            << (diff->approximate ? " (too different to compare word by word "
                                    "throughout: some changes are shown in "
                                    "larger blocks)"
                                  : "")
            << "\n\n";
  const std::string text = engine::WordDiffText(*diff);
  std::cout << text;
  if (!text.ends_with("\n")) std::cout << "\n";
  return kExitOk;
}

int RunDocLog(const DocArgs& args) {
  const std::string command = "doc log";
  Session session;
  if (const int code =
          OpenSession(args.common, command, /*with_sop=*/true, session);
      code != kExitOk) {
    return code;
  }
  Result<std::vector<engine::RevisionEntry>> log =
      session.engine->RevisionLog(args.id);
  if (!log.ok()) return Fail(command, log.status(), args.common.json);
  if (args.common.json) {
    Json entries = Json::array();
    for (const engine::RevisionEntry& e : *log) {
      entries.push_back(RevisionToJson(e));
    }
    std::cout << Json({{"campaign", args.id}, {"entries", std::move(entries)}})
                     .dump(2)
              << "\n";
    return kExitOk;
  }
  if (log->empty()) {
    std::cout << "campaign " << args.id << " has no documents or assets yet\n";
    return kExitOk;
  }
  std::vector<std::vector<std::string>> rows = {
      {"TIME", "ITEM", "VERSION", "WHAT"}};
  for (const engine::RevisionEntry& e : *log) {
    const std::vector<std::string> lines = RevisionText(e);
    rows.push_back(
        {TimeText(e.time_us),
         e.subject + " " + (e.subject == "asset" ? e.asset : e.document),
         std::to_string(e.version), lines.front()});
    for (size_t i = 1; i < lines.size(); ++i) {
      rows.push_back({"", "", "", "  " + lines[i]});
    }
  }
  PrintTable(rows, std::cout);
  return kExitOk;
}

// The check of an asset version, or null when none is recorded.
Json CheckToJson(const engine::RevisionEntry& e) {
  if (!e.checked) return nullptr;
  Json failures = Json::array();
  for (const engine::CheckedRule& r : e.rules) {
    if (r.outcome == "failed") {
      failures.push_back({{"rule", r.rule}, {"reason", r.reason}});
    }
  }
  return {{"channel", e.channel},
          {"spec", e.spec.empty() ? Json(nullptr) : Json(e.spec)},
          {"passed", e.passed},
          {"failures", std::move(failures)}};
}

// "meets instagram (ig-feed-portrait)", "fails instagram (ig-feed-portrait)"
// and the failed rules, one line each.
std::vector<std::string> CheckText(const engine::RevisionEntry& e) {
  if (!e.checked) return {"not checked"};
  std::vector<std::string> lines = {
      std::string(e.passed ? "meets " : "fails ") + e.channel +
      (e.spec.empty() ? ": the channel has no asset spec to check it against"
                      : " (" + e.spec + ")")};
  for (const engine::CheckedRule& r : e.rules) {
    if (r.outcome == "failed") lines.push_back(r.rule + ": " + r.reason);
  }
  return lines;
}

}  // namespace

Json RevisionToJson(const engine::RevisionEntry& e) {
  Json out = {
      {"kind", e.kind}, {"subject", e.subject}, {"time", TimeJson(e.time_us)}};
  if (e.subject == "asset") {
    out["asset"] = e.asset;
  } else {
    out["document"] = e.document;
  }
  out["version"] = e.version;
  out["person"] = e.person;
  if (e.kind == "version" && e.subject == "asset") {
    out["comment"] = e.comment;
    out["file_name"] = e.name;
    out["size"] = e.bytes;
    out["sha256"] = e.sha256;
    out["mime"] = e.mime;
    out["summary"] = e.summary;
    out["check"] = CheckToJson(e);
  } else if (e.kind == "version") {
    out["comment"] = e.comment;
    out["content"] = e.is_file ? "file" : "text";
    out["bytes"] = e.bytes;
    out["name"] = e.name.empty() ? Json(nullptr) : Json(e.name);
    out["sha256"] = e.sha256.empty() ? Json(nullptr) : Json(e.sha256);
  } else if (e.kind == "check") {
    out["check"] = CheckToJson(e);
  } else if (e.kind == "decision") {
    out["step"] = e.step;
    out["role"] = e.role;
    out["decision"] = e.decision;
    out["comment"] = e.comment;
    out["decides"] = e.decides;
    out["approved"] = e.approved;
  } else {
    out["step"] = e.step;
    out["approved_version"] = e.approved_version;
    out["reapproval"] = e.reapproval;
    out["reopened"] = e.reopened;
  }
  return out;
}

std::vector<std::string> RevisionText(const engine::RevisionEntry& e) {
  const std::string comment =
      e.comment.empty() ? "" : ": " + OneLine(e.comment);
  if (e.kind == "version" && e.subject == "asset") {
    std::vector<std::string> lines = CheckText(e);
    lines.front() = "added by " + e.person + " (file " + e.name + ", " +
                    BytesText(e.bytes) + ", sha256 " + e.sha256.substr(0, 12) +
                    "…)" + comment + "; " + lines.front();
    return lines;
  }
  if (e.kind == "version") {
    return {"added by " + e.person + " (" +
            (e.is_file ? "file " + e.name : std::string("text")) + ", " +
            BytesText(e.bytes) + ")" + comment};
  }
  if (e.kind == "check") {
    std::vector<std::string> lines = CheckText(e);
    lines.front() = "checked: " + lines.front();
    return lines;
  }
  if (e.kind == "decision") {
    const std::string decision = e.decision == "approve"  ? "approved"
                                 : e.decision == "reject" ? "rejected"
                                                          : "changes requested";
    return {decision + " by " + e.person +
            (e.role.empty() ? "" : " (" + e.role + ")") + " at " + e.step +
            (e.approved  ? "; the step is approved: this version is locked"
             : e.decides ? "; this decided the step"
                         : "") +
            comment};
  }
  return {"came after version " + std::to_string(e.approved_version) +
          " was approved at " + e.step + ": " +
          (e.reopened                         ? "asked to approve again"
           : e.reapproval == "campaign_ended" ? "the campaign has ended, so no "
                                                "step is asked again"
                                              : "no new approval needed")};
}

std::function<int()> AddDocCommands(CLI::App& app) {
  auto args = std::make_shared<DocArgs>();
  DocArgs& a = *args;

  CLI::App* library = app.add_subcommand(
      "template",
      "The template library: versions of the SOP's templates, added, "
      "approved and retired");
  library->require_subcommand(1);

  CLI::App* list = library->add_subcommand(
      "list", "Every template of the SOP with its approved version");
  AddCommon(list, a);

  CLI::App* show =
      library->add_subcommand("show", "A template and every version of it");
  AddCommon(show, a);
  show->add_option("ID", a.id, "The template's id")->required();

  CLI::App* add_version = library->add_subcommand(
      "add-version",
      "Add a draft version of a template; its file goes to the file store");
  AddCommon(add_version, a);
  AddFiles(add_version, a);
  add_version->add_option("ID", a.id, "The template's id")->required();
  add_version
      ->add_option("--version", a.version,
                   "The new version: 2.2 (letters, digits, dots, dashes)")
      ->required();
  add_version->add_option("--file", a.file, "The template's file")->required();
  add_version->add_option("--changes", a.changes, "What changed");
  AddAs(add_version, a);

  CLI::App* approve = library->add_subcommand(
      "approve",
      "Approve a draft version (its owner, the SOP's owner or the owner of "
      "a process using it); the one approved before is retired");
  AddCommon(approve, a);
  approve->add_option("ID", a.id, "The template's id")->required();
  approve->add_option("VERSION", a.version, "The draft version")->required();
  AddAs(approve, a);

  CLI::App* retire = library->add_subcommand(
      "retire", "Retire a version: it stays listed, no longer used");
  AddCommon(retire, a);
  retire->add_option("ID", a.id, "The template's id")->required();
  retire->add_option("VERSION", a.version, "The version")->required();
  AddAs(retire, a);

  CLI::App* doc = app.add_subcommand(
      "doc",
      "Campaign documents (brief, copy, script) with versions, approvals "
      "and a revision log");
  doc->require_subcommand(1);

  CLI::App* add = doc->add_subcommand(
      "add",
      "Add the next version of a campaign document (the first makes it)");
  AddCommon(add, a);
  AddFiles(add, a);
  add->add_option("CAMPAIGN", a.id, "The campaign's id")->required();
  add->add_option("DOC", a.document,
                  "The document's id in the campaign: brief, copy, "
                  "script-30s, …")
      ->required();
  CLI::Option* text = add->add_option(
      "--text", a.text, "The version's text (UTF-8, at most 256 KiB)");
  add->add_option("--file", a.file,
                  "The version's file: UTF-8 text up to 256 KiB is kept as "
                  "text, anything else in the file store")
      ->excludes(text);
  add->add_option("--kind", a.kind,
                  "brief, copy, script or other (default: the id when it is "
                  "a kind, else other); only for the first version");
  add->add_option("--comment", a.comment, "What changed, for the log");
  AddAs(add, a);

  CLI::App* doc_show = doc->add_subcommand(
      "show", "A version of a campaign document (default the latest)");
  AddCommon(doc_show, a);
  AddFiles(doc_show, a);
  doc_show->add_option("CAMPAIGN", a.id, "The campaign's id")->required();
  doc_show->add_option("DOC", a.document, "The document's id")->required();
  doc_show->add_option("--version", a.version, "The version: 2 or v2");

  CLI::App* diff = doc->add_subcommand(
      "diff",
      "The words deleted and inserted from one version of a document to "
      "another, as [-deleted-]{+inserted+}");
  AddCommon(diff, a);
  AddFiles(diff, a);
  diff->add_option("CAMPAIGN", a.id, "The campaign's id")->required();
  diff->add_option("DOC", a.document, "The document's id")->required();
  diff->add_option("A", a.from, "The earlier version: 1 or v1")->required();
  diff->add_option("B", a.to, "The later version")->required();

  CLI::App* log = doc->add_subcommand(
      "log",
      "The campaign's revision log across its documents and assets: every "
      "version (an asset's with its spec check), every decision that named "
      "one and every change after an approval, in time order");
  AddCommon(log, a);
  log->add_option("CAMPAIGN", a.id, "The campaign's id")->required();

  return [=]() -> int {
    if (list->parsed()) return RunTemplateList(*args);
    if (show->parsed()) return RunTemplateShow(*args);
    if (add_version->parsed()) return RunTemplateAddVersion(*args);
    if (approve->parsed()) return RunTemplateApprove(*args);
    if (retire->parsed()) return RunTemplateRetire(*args);
    if (add->parsed()) return RunDocAdd(*args, text->count() > 0);
    if (doc_show->parsed()) return RunDocShow(*args);
    if (diff->parsed()) return RunDocDiff(*args);
    if (log->parsed()) return RunDocLog(*args);
    return -1;
  };
}

}  // namespace livesop::cli

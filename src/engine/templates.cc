// The template library: the versions of the SOP's templates kept in the
// store (drafts added with their files, approved, retired), seeded from the
// SOP's own lists, and what an approval means for the campaigns whose tasks
// wait for a template (docs/documents.md).
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "core/time.h"
#include "engine/engine.h"
#include "engine/internal/context.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

bool IsVersionText(const std::string& version) {
  return !version.empty() && version.size() <= 32 &&
         std::all_of(version.begin(), version.end(), [](unsigned char c) {
           return std::isalnum(c) != 0 || c == '.' || c == '-' || c == '_';
         });
}

std::vector<std::string> VersionsOf(const LibraryTemplate& t) {
  std::vector<std::string> out;
  for (const store::TemplateVersionRecord& v : t.versions) {
    out.push_back(v.version);
  }
  return out;
}

// Checks `version` of `t` is there and may change from its status to
// `to` ("approved" or "retired") before anything is written; the store
// checks again in its transaction.
Status MayMove(const LibraryTemplate& t, const std::string& version,
               const std::string& to) {
  for (const store::TemplateVersionRecord& v : t.versions) {
    if (v.version != version) continue;
    if (v.status == "retired") {
      return FailedPreconditionError(
          "version " + version + " of template " + t.id +
          (to == "retired" ? " is retired already"
                           : " is retired, and retired versions stay retired; "
                             "add it again as a new version to approve it"));
    }
    if (v.status == "approved" && to == "approved") {
      return FailedPreconditionError("version " + version + " of template " +
                                     t.id + " is approved already");
    }
    return OkStatus();
  }
  const std::vector<std::string> versions = VersionsOf(t);
  return NotFoundError(
      "template " + t.id + " has no version " + version + "; its versions: " +
      (versions.empty() ? std::string("none") : Join(versions, ", ")));
}

}  // namespace

std::vector<store::TemplateVersionRecord> Engine::SeedOf(
    const sop::Template& t) {
  std::vector<store::TemplateVersionRecord> out;
  // The library holds one approved version at a time; when the SOP lists
  // several, the last one written is the approved one.
  int last_approved = -1;
  for (size_t i = 0; i < t.versions.size(); ++i) {
    if (t.versions[i].status == "approved") last_approved = static_cast<int>(i);
  }
  for (size_t i = 0; i < t.versions.size(); ++i) {
    const sop::TemplateVersion& v = t.versions[i];
    store::TemplateVersionRecord& r = out.emplace_back();
    r.template_id = t.id;
    r.version = v.version;
    r.status = v.status == "approved" && static_cast<int>(i) != last_approved
                   ? "retired"
                   : v.status;
    if (r.status != "draft" && r.status != "approved") r.status = "retired";
    Result<int64_t> date = ParseTimestamp(v.date);
    r.created_us = date.ok() && *date > 0 ? *date : 0;
    r.file_name = v.file;
    r.changes = v.changes;
    r.from_sop = true;
  }
  return out;
}

LibraryTemplate Engine::LibraryOf(
    const sop::Template& t, std::vector<store::TemplateVersionRecord> kept) {
  LibraryTemplate out;
  out.id = t.id;
  out.name = t.name;
  out.owner = t.owner;
  out.description = t.description;
  out.in_library = !kept.empty();
  out.versions = out.in_library ? std::move(kept) : SeedOf(t);
  for (const store::TemplateVersionRecord& v : out.versions) {
    if (v.status == "approved") out.approved = v.version;
  }
  return out;
}

Result<std::string> Engine::ApprovedTemplateVersion(
    const sop::Definition& sop, const std::string& id) const {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TemplateVersionRecord> kept,
                           store_.TemplateVersions(id));
  if (!kept.empty()) {
    for (const store::TemplateVersionRecord& v : kept) {
      if (v.status == "approved") return v.version;
    }
    return std::string();
  }
  const sop::Template* t = sop.FindTemplate(id);
  if (t == nullptr) return std::string();
  std::string approved;
  for (const sop::TemplateVersion& v : t->versions) {
    if (v.status == "approved") approved = v.version;
  }
  return approved;
}

Result<std::vector<LibraryTemplate>> Engine::Templates() const {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TemplateVersionRecord> all,
                           store_.TemplateVersions(""));
  std::map<std::string, std::vector<store::TemplateVersionRecord>> kept;
  for (store::TemplateVersionRecord& r : all) {
    kept[r.template_id].push_back(std::move(r));
  }
  std::vector<LibraryTemplate> out;
  for (const sop::Template& t : sop_.templates) {
    auto found = kept.find(t.id);
    out.push_back(LibraryOf(t, found == kept.end()
                                   ? std::vector<store::TemplateVersionRecord>{}
                                   : std::move(found->second)));
  }
  return out;
}

Result<LibraryTemplate> Engine::FindLibraryTemplate(
    const std::string& id) const {
  const sop::Template* t = sop_.FindTemplate(id);
  if (t == nullptr) {
    std::vector<std::string> ids;
    for (const sop::Template& known : sop_.templates) ids.push_back(known.id);
    const std::string hint = ClosestMatch(id, ids);
    return NotFoundError("the SOP has no template " + id +
                         (hint.empty() ? "; its templates: " + Join(ids, ", ")
                                       : "; did you mean " + hint + "?"));
  }
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TemplateVersionRecord> kept,
                           store_.TemplateVersions(id));
  return LibraryOf(*t, std::move(kept));
}

Status Engine::Seed(const sop::Template& t) {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<store::TemplateVersionRecord> kept,
                           store_.TemplateVersions(t.id));
  if (!kept.empty()) return OkStatus();
  const std::vector<store::TemplateVersionRecord> seed = SeedOf(t);
  return seed.empty() ? OkStatus() : store_.AddTemplateVersions(seed);
}

Status Engine::MayApproveTemplate(const sop::Template& t,
                                  const std::string& person) const {
  if (sop_.FindPerson(person) == nullptr) {
    return PermissionDeniedError("\"" + person +
                                 "\" is not a person of the SOP");
  }
  bool allowed = person == t.owner || Holds(person, t.owner) ||
                 person == sop_.sop.owner || Holds(person, sop_.sop.owner);
  std::set<std::string> process_owners;
  for (const sop::Process& process : sop_.processes) {
    for (const sop::Step& step : process.steps) {
      if (std::find(step.templates.begin(), step.templates.end(), t.id) !=
          step.templates.end()) {
        process_owners.insert(process.owner);
      }
    }
  }
  for (const std::string& role : process_owners) {
    allowed = allowed || Holds(person, role);
  }
  if (allowed) return OkStatus();
  std::string who =
      "its owner " + t.owner + ", the SOP's owner " + sop_.sop.owner;
  if (!process_owners.empty()) {
    who += ", or role " +
           Join(std::vector<std::string>(process_owners.begin(),
                                         process_owners.end()),
                ", ") +
           " (owning the processes that use it)";
  }
  return PermissionDeniedError(person +
                               " may not approve or retire versions "
                               "of template " +
                               t.id + ": that is for " + who);
}

Result<LibraryTemplate> Engine::AddTemplateVersion(
    const TemplateVersionInput& input) {
  LIVESOP_ASSIGN_OR_RETURN(LibraryTemplate library,
                           FindLibraryTemplate(input.template_id));
  if (sop_.FindPerson(input.actor) == nullptr) {
    return PermissionDeniedError("\"" + input.actor +
                                 "\" is not a person of the SOP");
  }
  if (!IsVersionText(input.version)) {
    return InvalidArgumentError(
        "a template version is 1 to 32 letters, digits, dots, dashes and "
        "underscores (\"2.2\"), not \"" +
        input.version + "\"");
  }
  const std::vector<std::string> versions = VersionsOf(library);
  if (std::find(versions.begin(), versions.end(), input.version) !=
      versions.end()) {
    return AlreadyExistsError("template " + input.template_id +
                              " has a version " + input.version +
                              " already; versions never change: choose a "
                              "new number (it has " +
                              Join(versions, ", ") + ")");
  }
  if (input.changes.size() > 2000) {
    return InvalidArgumentError(
        "a template version's changes hold at most 2,000 characters");
  }
  if (input.file_path.empty()) {
    return InvalidArgumentError("a template version needs its file");
  }
  if (!files_) {
    return FailedPreconditionError(
        "no file store to keep the template's file in");
  }
  const std::string name =
      !input.file_name.empty()
          ? input.file_name
          : std::filesystem::path(input.file_path).filename().string();
  LIVESOP_RETURN_IF_ERROR(FitsFileStore(input.file_path));
  LIVESOP_ASSIGN_OR_RETURN(assets::StoredFile stored,
                           files_->PutFile(input.file_path, name));
  const sop::Template* t = sop_.FindTemplate(input.template_id);
  std::vector<store::TemplateVersionRecord> records;
  if (!library.in_library) records = SeedOf(*t);
  store::TemplateVersionRecord& r = records.emplace_back();
  r.template_id = t->id;
  r.version = input.version;
  r.status = "draft";
  r.author = input.actor;
  r.created_us = clock_.NowMicros();
  r.sha256 = stored.sha256;
  r.file_name = stored.safe_name;
  r.size = stored.size;
  r.mime = stored.mime;
  r.changes = input.changes;
  LIVESOP_RETURN_IF_ERROR(store_.AddTemplateVersions(records));
  return FindLibraryTemplate(t->id);
}

Result<TemplateApproval> Engine::ApproveTemplate(const std::string& id,
                                                 const std::string& version,
                                                 const std::string& actor) {
  LIVESOP_ASSIGN_OR_RETURN(const LibraryTemplate library,
                           FindLibraryTemplate(id));
  const sop::Template& t = *sop_.FindTemplate(id);
  LIVESOP_RETURN_IF_ERROR(MayApproveTemplate(t, actor));
  LIVESOP_RETURN_IF_ERROR(MayMove(library, version, "approved"));
  LIVESOP_RETURN_IF_ERROR(Seed(t));
  TemplateApproval out;
  LIVESOP_ASSIGN_OR_RETURN(
      out.retired,
      store_.ApproveTemplateVersion(id, version, actor, clock_.NowMicros()));
  // The campaigns that flagged the template: their template_missing
  // events carry its name as their activity, under any SOP version loaded.
  store::EventFilter filter;
  std::set<std::string> names = {"Missing template: " + id};
  for (const auto& [v, pinned] : versions_) {
    if (const sop::Template* named = pinned.sop->FindTemplate(id)) {
      names.insert("Missing template: " + named->name);
    }
  }
  filter.activities.assign(names.begin(), names.end());
  std::set<std::string> flagged;
  LIVESOP_RETURN_IF_ERROR(store_.Scan(filter, [&](const store::Event& e) {
    if (e.type == "template_missing") flagged.insert(e.campaign);
    return OkStatus();
  }));
  for (const std::string& campaign : flagged) {
    bool provided = false;
    Result<CampaignState> told =
        Run(campaign, "approve template", [&](Context& context) -> Status {
          context.actor = actor;
          LIVESOP_RETURN_IF_ERROR(Open(context, false));
          const size_t before = context.events.size();
          LIVESOP_RETURN_IF_ERROR(ProvideTemplate(context, id, version, actor));
          provided = context.events.size() > before;
          return OkStatus();
        });
    if (!told.ok()) {
      out.problems.push_back(campaign + ": " + told.status().ToString());
    } else if (provided) {
      out.fulfilled.push_back(campaign);
    }
  }
  LIVESOP_ASSIGN_OR_RETURN(out.library, FindLibraryTemplate(id));
  return out;
}

Result<LibraryTemplate> Engine::RetireTemplate(const std::string& id,
                                               const std::string& version,
                                               const std::string& actor) {
  LIVESOP_ASSIGN_OR_RETURN(const LibraryTemplate library,
                           FindLibraryTemplate(id));
  const sop::Template& t = *sop_.FindTemplate(id);
  LIVESOP_RETURN_IF_ERROR(MayApproveTemplate(t, actor));
  LIVESOP_RETURN_IF_ERROR(MayMove(library, version, "retired"));
  LIVESOP_RETURN_IF_ERROR(Seed(t));
  LIVESOP_RETURN_IF_ERROR(
      store_.RetireTemplateVersion(id, version, actor, clock_.NowMicros()));
  return FindLibraryTemplate(id);
}

Status Engine::ProvideTemplate(Context& context, const std::string& id,
                               const std::string& version,
                               const std::string& approved_by) {
  // The tasks whose request is open, and those escalations still chase.
  std::map<std::string, std::string> tasks;
  if (auto open = context.state.missing_templates.find(id);
      open != context.state.missing_templates.end()) {
    tasks = open->second;
  }
  std::vector<std::pair<std::string, Timer>> chasing;
  for (const auto& [task, timer] : context.state.timers) {
    if (timer.kind == "escalation" && timer.template_id == id) {
      chasing.emplace_back(task, timer);
      tasks.emplace(timer.subject, timer.step);
    }
  }
  if (tasks.empty()) return OkStatus();
  const sop::Template* t = Pinned(context.state).FindTemplate(id);
  const std::string name = t != nullptr ? t->name : id;
  Context::Plain plain(context);
  for (const auto& [task, step] : tasks) {
    Json payload = {
        {"task", task}, {"step", step}, {"template", id}, {"version", version}};
    if (!approved_by.empty()) payload["approved_by"] = approved_by;
    LIVESOP_RETURN_IF_ERROR(Add(context, "template_provided",
                                "Template provided: " + name, step, "",
                                payload));
  }
  for (const auto& [task, timer] : chasing) {
    LIVESOP_RETURN_IF_ERROR(
        Add(context, "task_cancelled", "Escalation closed", timer.step, "",
            {{"task", task}, {"closed", "template_approved"}}));
  }
  return OkStatus();
}

}  // namespace livesop::engine

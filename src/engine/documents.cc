// Campaign documents with a revision log: versions added (text in the event,
// or a file in the file store), approvals bound to the versions current when
// a step is approved, re-approval when a version comes after an approved
// one, word-level comparison of versions, and the log of it all
// (docs/documents.md).
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"
#include "engine/engine.h"
#include "engine/internal/context.h"

namespace livesop::engine {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

constexpr size_t kMaxComment = 2000;

// Ids of documents: lowercase letters, digits and dashes.
bool IsDocumentId(const std::string& id) {
  return !id.empty() && id.size() <= 64 &&
         std::all_of(id.begin(), id.end(), [](unsigned char c) {
           return std::islower(c) != 0 || std::isdigit(c) != 0 || c == '-';
         });
}

bool IsKind(const std::string& kind) {
  return std::find(std::begin(kDocumentKinds), std::end(kDocumentKinds),
                   kind) != std::end(kDocumentKinds);
}

std::string KindList() {
  return Join(std::vector<std::string>(std::begin(kDocumentKinds),
                                       std::end(kDocumentKinds)),
              ", ");
}

// The offset of the first byte of `text` that is not text: not UTF-8, a NUL
// or a control character other than tab, line feed, carriage return and
// form feed. npos when it is all text.
size_t FirstNonText(std::string_view text) {
  size_t at = 0;
  while (at < text.size()) {
    const auto c = static_cast<unsigned char>(text[at]);
    if (c < 0x80) {
      if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f') {
        return at;
      }
      ++at;
      continue;
    }
    size_t n = 0;
    uint32_t cp = 0;
    uint32_t min = 0;
    if ((c & 0xE0) == 0xC0) {
      n = 2;
      cp = c & 0x1Fu;
      min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      n = 3;
      cp = c & 0x0Fu;
      min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      n = 4;
      cp = c & 0x07u;
      min = 0x10000;
    } else {
      return at;
    }
    if (at + n > text.size()) return at;
    for (size_t i = 1; i < n; ++i) {
      const auto next = static_cast<unsigned char>(text[at + i]);
      if ((next & 0xC0) != 0x80) return at;
      cp = (cp << 6) | (next & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return at;
    }
    at += n;
  }
  return std::string_view::npos;
}

bool IsBlank(std::string_view text) {
  return text.find_first_not_of(" \t\r\n\f") == std::string_view::npos;
}

// Why `text` cannot be a text version; OK when it can.
Status CheckText(std::string_view text, const std::string& what) {
  if (text.empty()) {
    return InvalidArgumentError("a document version needs some text: " + what +
                                " is empty");
  }
  if (const size_t bad = FirstNonText(text); bad != std::string_view::npos) {
    return InvalidArgumentError(
        what + " is not UTF-8 text (byte " + std::to_string(bad + 1) +
        " is not): is it a binary file? Give it as a file, which is kept in "
        "the file store");
  }
  if (IsBlank(text)) {
    return InvalidArgumentError("a document version needs some text: " + what +
                                " holds only whitespace");
  }
  if (static_cast<int64_t>(text.size()) > kMaxDocumentText) {
    return InvalidArgumentError(
        what + " has " + std::to_string(text.size()) +
        " bytes, over the 262,144 (256 KiB) a text version holds; give it "
        "as a file, which is kept in the file store");
  }
  return OkStatus();
}

// "1 to 3", "1".
std::string VersionRange(const Document& document) {
  const size_t n = document.versions.size();
  return n == 1 ? std::string("1") : "1 to " + std::to_string(n);
}

Result<const Document*> FindDocument(const CampaignState& state,
                                     const std::string& id) {
  auto found = state.documents.find(id);
  if (found != state.documents.end()) return &found->second;
  std::vector<std::string> ids;
  for (const auto& [known, document] : state.documents) ids.push_back(known);
  return NotFoundError("campaign " + state.campaign + " has no document " + id +
                       "; " +
                       (ids.empty() ? std::string("it has no documents yet")
                                    : "its documents: " + Join(ids, ", ")));
}

Result<const DocumentVersion*> FindVersion(const CampaignState& state,
                                           const Document& document,
                                           int version) {
  if (version == 0 && !document.versions.empty()) {
    return &document.versions.back();
  }
  for (const DocumentVersion& v : document.versions) {
    if (v.version == version) return &v;
  }
  return NotFoundError("document " + document.id + " of campaign " +
                       state.campaign + " has no version " +
                       std::to_string(version) +
                       "; its versions: " + VersionRange(document));
}

}  // namespace

Status Engine::FitsFileStore(const std::string& path) const {
  std::error_code ec;
  const auto size = static_cast<int64_t>(fs::file_size(path, ec));
  const int64_t limit = files_ ? files_->options().max_file_size : 0;
  if (ec || !files_ || size <= limit) return OkStatus();
  constexpr double kMiB = 1024.0 * 1024.0;
  char text[160];
  std::snprintf(text, sizeof text,
                " is %.1f MiB (%lld bytes), over the %.1f MiB the file store "
                "accepts",
                static_cast<double>(size) / kMiB, static_cast<long long>(size),
                static_cast<double>(limit) / kMiB);
  return InvalidArgumentError("\"" + path + "\"" + text +
                              "; make it smaller (compress it, shorten it or "
                              "lower its resolution) or share a link to it "
                              "instead");
}

namespace {

// Reads all `size` bytes of a small file.
Result<std::string> ReadSmallFile(const std::string& path, int64_t size) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return UnavailableError("cannot read \"" + path + "\"");
  std::string bytes(static_cast<size_t>(size), '\0');
  in.read(bytes.data(), static_cast<std::streamsize>(size));
  if (in.gcount() != static_cast<std::streamsize>(size)) {
    return AbortedError("\"" + path +
                        "\" changed while it was read; try again");
  }
  return bytes;
}

}  // namespace

std::string DocumentVersionStatus(const Document& document, int version) {
  for (const DocumentApproval& a : document.approvals) {
    if (a.version == version) return "approved";
  }
  if (!document.versions.empty() &&
      document.versions.back().version == version) {
    return "draft";
  }
  return "superseded";
}

void Engine::SetFileStore(assets::FileStore files) {
  files_.emplace(std::move(files));
}

bool Engine::WorksOn(const CampaignState& state,
                     const std::string& person) const {
  if (person == state.owner || person == sop_.sop.owner ||
      Holds(person, sop_.sop.owner)) {
    return true;
  }
  const sop::ProcessGraph* graph = GraphOf(state);
  if (graph == nullptr || graph->process == nullptr) return false;
  if (Holds(person, graph->process->owner)) return true;
  const sop::Definition& sop = Pinned(state);
  auto holds_any = [&](const std::vector<std::string>& roles) {
    return std::any_of(roles.begin(), roles.end(),
                       [&](const std::string& r) { return Holds(person, r); });
  };
  for (const sop::Step& step : graph->process->steps) {
    if (step.person == person ||
        (!step.role.empty() && Holds(person, step.role)) ||
        holds_any(step.approvers)) {
      return true;
    }
    if (const sop::ApprovalMatrix* matrix = sop.FindMatrix(step.matrix)) {
      for (const sop::MatrixRule& rule : matrix->rules) {
        if (holds_any(rule.approvers)) return true;
      }
    }
  }
  for (const auto* given : {&state.assigned, &state.assignees}) {
    for (const auto& [task, who] : *given) {
      if (who == person) return true;
    }
  }
  for (const auto& [id, step] : state.adhoc) {
    if (step.person == person ||
        (!step.role.empty() && Holds(person, step.role))) {
      return true;
    }
  }
  return false;
}

Result<Json> Engine::ContentOf(const DocumentInput& input) const {
  if (!input.text.empty() && !input.file_path.empty()) {
    return InvalidArgumentError(
        "a document version is text or a file, not both");
  }
  if (input.file_path.empty()) {
    LIVESOP_RETURN_IF_ERROR(CheckText(input.text, "the text"));
    return Json{{"content", "text"},
                {"text", input.text},
                {"bytes", static_cast<int64_t>(input.text.size())}};
  }
  const std::string& path = input.file_path;
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    return NotFoundError("no file \"" + path + "\"");
  }
  if (!fs::is_regular_file(status)) {
    return InvalidArgumentError("\"" + path + "\" is not a file");
  }
  const auto size = static_cast<int64_t>(fs::file_size(path, ec));
  if (ec)
    return UnavailableError("cannot read \"" + path + "\": " + ec.message());
  const std::string name = assets::SafeFileName(
      !input.file_name.empty() ? input.file_name
                               : fs::path(path).filename().string());
  if (size == 0) {
    return InvalidArgumentError("the file \"" + path + "\" is empty");
  }
  if (size <= kMaxDocumentText) {
    LIVESOP_ASSIGN_OR_RETURN(std::string bytes, ReadSmallFile(path, size));
    if (FirstNonText(bytes) == std::string::npos) {
      // Text: kept in the event, so versions can be compared.
      LIVESOP_RETURN_IF_ERROR(CheckText(bytes, "the file \"" + path + "\""));
      return Json{{"content", "text"},
                  {"text", std::move(bytes)},
                  {"bytes", size},
                  {"name", name}};
    }
  }
  if (!files_) {
    return FailedPreconditionError(
        "\"" + path +
        "\" is not UTF-8 text of at most 256 KiB, so it goes to the file "
        "store, and there is none");
  }
  LIVESOP_RETURN_IF_ERROR(FitsFileStore(path));
  LIVESOP_ASSIGN_OR_RETURN(assets::StoredFile stored,
                           files_->PutFile(path, name));
  return Json{{"content", "file"},
              {"sha256", stored.sha256},
              {"bytes", stored.size},
              {"mime", stored.mime},
              {"name", stored.safe_name}};
}

Result<CampaignState> Engine::AddDocumentVersion(const std::string& campaign,
                                                 const std::string& document,
                                                 const std::string& actor,
                                                 const DocumentInput& input,
                                                 const std::string& comment,
                                                 const std::string& kind) {
  return Run(campaign, "add document version", [&](Context& context) -> Status {
    context.actor = actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, true));
    if (sop_.FindPerson(actor) == nullptr) {
      return PermissionDeniedError("\"" + actor +
                                   "\" is not a person of the SOP");
    }
    if (!IsDocumentId(document)) {
      return InvalidArgumentError(
          "a document needs an id of lowercase letters, digits and dashes (at "
          "most 64), such as brief or copy-id, not \"" +
          document + "\"");
    }
    if (!kind.empty() && !IsKind(kind)) {
      return InvalidArgumentError("unknown document kind \"" + kind +
                                  "\"; the kinds are " + KindList());
    }
    auto existing = context.state.documents.find(document);
    std::string kind_of = kind;
    if (existing != context.state.documents.end()) {
      if (!kind.empty() && kind != existing->second.kind) {
        return InvalidArgumentError(
            "document " + document + " of campaign " + campaign + " is a " +
            existing->second.kind + "; its kind stays (not " + kind + ")");
      }
      kind_of = existing->second.kind;
    } else if (kind_of.empty()) {
      kind_of = IsKind(document) ? document : "other";
    }
    if (comment.size() > kMaxComment) {
      return InvalidArgumentError(
          "a document version's comment holds at most 2,000 characters");
    }
    if (!WorksOn(context.state, actor)) {
      return PermissionDeniedError(
          actor + " may not add documents to campaign " + campaign +
          ": that is for the people with a part in its process (its owner, "
          "the process owner's role, the roles of its steps)");
    }
    LIVESOP_ASSIGN_OR_RETURN(Json payload, ContentOf(input));
    const int version =
        existing == context.state.documents.end()
            ? 1
            : static_cast<int>(existing->second.versions.size()) + 1;
    payload["document"] = document;
    payload["kind"] = kind_of;
    payload["version"] = version;
    payload["comment"] = comment;
    LIVESOP_RETURN_IF_ERROR(Add(context, "document_version_added",
                                "Document version: " + document, "", "",
                                payload));
    const Document& added = context.state.documents.at(document);
    return AfterNewVersion(context, "document", document, version,
                           added.approvals);
  });
}

Status Engine::AfterNewVersion(Context& context, const std::string& subject,
                               const std::string& id, int version,
                               const std::vector<DocumentApproval>& approvals) {
  if (approvals.empty()) return OkStatus();
  // Read only before the first event is added: events change the state
  // `approvals` is in.
  const DocumentApproval& approved = approvals.back();
  const int node = context.graph->Find(approved.step);
  const sop::Step* step = node >= 0 ? context.graph->nodes[node].step : nullptr;
  if (step == nullptr) return OkStatus();  // a step of an earlier version
  // When the step is being decided, or the flow is to reach it again, its
  // decision comes anyway and names the new version.
  std::vector<bool> reached(context.graph->nodes.size(), false);
  std::queue<int> next;
  for (int active : context.state.flow.active) {
    reached[active] = true;
    next.push(active);
  }
  while (!next.empty()) {
    const int at = next.front();
    next.pop();
    for (int e : context.graph->nodes[at].out) {
      const int to = context.graph->edges[e].to;
      if (!reached[to]) {
        reached[to] = true;
        next.push(to);
      }
    }
  }
  if (reached[node]) return OkStatus();
  // A campaign that ended is not opened again by a late version (assets
  // may be added after the end); reopening it is a departure of its own.
  const bool ended = context.state.status != "active";
  const bool needed = !ended && step->reapproval != "not_needed";
  const std::string cause = subject + "_changed_after_approval";
  const std::string activity = subject == "asset"
                                   ? "Asset changed after approval"
                                   : "Document changed after approval";
  LIVESOP_RETURN_IF_ERROR(Add(context, cause, activity, step->id, "",
                              {{subject, id},
                               {"version", version},
                               {"approved_version", approved.version},
                               {"step", step->id},
                               {"approved_by", approved.by},
                               {"reapproval", ended    ? "campaign_ended"
                                              : needed ? "needed"
                                                       : "not_needed"}}));
  if (!needed) return OkStatus();
  FlowStep moved;
  LIVESOP_RETURN_IF_ERROR(Add(context, "step_reopened", step->name, step->id,
                              step->role,
                              {{"step", step->id},
                               {subject, id},
                               {"version", version},
                               {"cause", cause}},
                              &moved));
  return FollowUp(context, moved);
}

Result<DocumentContent> Engine::ReadDocument(const std::string& campaign,
                                             const std::string& document,
                                             int version) {
  LIVESOP_ASSIGN_OR_RETURN(CampaignState state, Load(campaign));
  LIVESOP_ASSIGN_OR_RETURN(const Document* d, FindDocument(state, document));
  LIVESOP_ASSIGN_OR_RETURN(const DocumentVersion* v,
                           FindVersion(state, *d, version));
  DocumentContent out;
  out.document = document;
  out.kind = d->kind;
  out.version = *v;
  bool found = false;
  store::EventFilter filter;
  filter.campaign = campaign;
  LIVESOP_RETURN_IF_ERROR(store_.Scan(filter, [&](const store::Event& e) {
    if (found || e.type != "document_version_added") return OkStatus();
    Json payload = Json::parse(e.payload, nullptr, false);
    if (!payload.is_object() || payload.value("document", "") != document ||
        payload.value("version", 0) != v->version) {
      return OkStatus();
    }
    found = true;
    out.text = payload.value("text", "");
    return OkStatus();
  }));
  if (!found) {
    return DataLossError("version " + std::to_string(v->version) +
                         " of document " + document + " of campaign " +
                         campaign + " has no event");
  }
  if (v->is_file && files_) {
    Result<std::string> path = files_->Path(v->sha256);
    if (path.ok()) out.file_path = *path;
  }
  return out;
}

Result<std::string> Engine::TextOf(const DocumentContent& content) const {
  const DocumentVersion& v = content.version;
  const std::string which = "version " + std::to_string(v.version) +
                            " of document " + content.document;
  if (!v.is_file) return content.text;
  if (!files_) {
    return FailedPreconditionError(which +
                                   " is a file, and there is no file store "
                                   "to read it from");
  }
  if (v.bytes > kMaxComparedFile) {
    return FailedPreconditionError(which + " is a file of " +
                                   std::to_string(v.bytes) +
                                   " bytes; files over 4 MiB are not compared");
  }
  LIVESOP_ASSIGN_OR_RETURN(std::string path, files_->Path(v.sha256));
  LIVESOP_ASSIGN_OR_RETURN(std::string bytes, ReadSmallFile(path, v.bytes));
  if (FirstNonText(bytes) != std::string::npos) {
    return FailedPreconditionError(
        which + " is a file (" + (v.mime.empty() ? "binary" : v.mime) +
        "), not text; only text versions are compared word by word");
  }
  return bytes;
}

Result<WordDiff> Engine::DiffDocument(const std::string& campaign,
                                      const std::string& document, int from,
                                      int to) {
  LIVESOP_ASSIGN_OR_RETURN(DocumentContent before,
                           ReadDocument(campaign, document, from));
  LIVESOP_ASSIGN_OR_RETURN(DocumentContent after,
                           ReadDocument(campaign, document, to));
  LIVESOP_ASSIGN_OR_RETURN(std::string a, TextOf(before));
  LIVESOP_ASSIGN_OR_RETURN(std::string b, TextOf(after));
  return DiffWords(a, b);
}

Result<std::vector<RevisionEntry>> Engine::RevisionLog(
    const std::string& campaign) {
  LIVESOP_RETURN_IF_ERROR(Load(campaign).status());
  return ScanRevisions(campaign);
}

namespace {

// The events the revision log reads.
bool IsRevisionEvent(const std::string& type) {
  return type == "document_version_added" || type == "asset_added" ||
         type == "asset_checked" || type == "approval_decided" ||
         type == "document_changed_after_approval" ||
         type == "asset_changed_after_approval";
}

// The elements of the array `payload[key]`; none when it is missing (events
// written before the field was) or not an array.
Json ArrayOf(const Json& payload, const char* key) {
  auto found = payload.find(key);
  return found != payload.end() && found->is_array() ? *found : Json::array();
}

// Fills in the check `asset_checked` recorded.
void SetCheck(RevisionEntry& r, const Json& payload) {
  r.checked = true;
  r.channel = payload.value("channel", "");
  r.spec = payload.value("spec", "");
  r.passed = payload.value("passed", false);
  r.rules.clear();
  for (const Json& rule : ArrayOf(payload, "rules")) {
    if (!rule.is_object()) continue;
    r.rules.push_back({rule.value("rule", ""), rule.value("outcome", ""),
                       rule.value("expected", ""), rule.value("actual", ""),
                       rule.value("reason", "")});
  }
}

}  // namespace

Result<std::vector<RevisionEntry>> Engine::ScanRevisions(
    const std::string& campaign) {
  std::vector<RevisionEntry> out;
  // Each asset version's line, by asset and version, for its check.
  std::map<std::pair<std::string, int>, size_t> asset_lines;
  store::EventFilter filter;
  filter.campaign = campaign;
  LIVESOP_RETURN_IF_ERROR(store_.Scan(filter, [&](const store::Event& e) {
    if (!IsRevisionEvent(e.type)) return OkStatus();
    Json payload = Json::parse(e.payload, nullptr, false);
    if (!payload.is_object()) return OkStatus();
    if (e.type == "approval_decided") {
      // One line per version the decision named.
      auto named = [&](const std::string& subject, const Json& version) {
        if (!version.is_object()) return;
        RevisionEntry& r = out.emplace_back();
        r.kind = "decision";
        r.subject = subject;
        r.time_us = e.time_us;
        if (subject == "asset") {
          r.asset = version.value("asset", "");
        } else {
          r.document = version.value("document", "");
        }
        r.version = version.value("version", 0);
        r.person = e.resource;
        r.role = e.role;
        r.step = payload.value("step", e.step);
        r.comment = payload.value("comment", "");
        r.decision = payload.value("decision", "");
        r.decides = payload.contains("outcome");
        r.approved = payload.value("outcome", "") == "approved";
      };
      for (const Json& v : ArrayOf(payload, "documents")) named("document", v);
      for (const Json& v : ArrayOf(payload, "assets")) named("asset", v);
      return OkStatus();
    }
    const bool asset = e.type.starts_with("asset_");
    const std::string asset_name = payload.value("asset", "");
    const int version = payload.value("version", 0);
    if (e.type == "asset_checked") {
      auto line = asset_lines.find({asset_name, version});
      if (line != asset_lines.end() && !out[line->second].checked) {
        SetCheck(out[line->second], payload);
        return OkStatus();
      }
    }
    RevisionEntry& r = out.emplace_back();
    r.subject = asset ? "asset" : "document";
    r.time_us = e.time_us;
    r.document = asset ? "" : payload.value("document", "");
    r.asset = asset_name;
    r.version = version;
    r.person = e.resource;
    if (e.type == "document_version_added") {
      r.kind = "version";
      r.comment = payload.value("comment", "");
      r.is_file = payload.value("content", "text") == "file";
      r.bytes = payload.value("bytes", int64_t{0});
      r.name = payload.value("name", "");
      r.sha256 = payload.value("sha256", "");
      r.mime = payload.value("mime", "");
    } else if (e.type == "asset_added") {
      r.kind = "version";
      r.comment = payload.value("comment", "");
      r.is_file = true;
      r.bytes = payload.value("size", int64_t{0});
      r.name = payload.value("file_name", "");
      r.sha256 = payload.value("sha256", "");
      r.mime = payload.value("mime", "");
      r.summary = payload.value("summary", "");
      r.channel = payload.value("channel", "");
      asset_lines[{asset_name, version}] = out.size() - 1;
    } else if (e.type == "asset_checked") {
      r.kind = "check";
      SetCheck(r, payload);
    } else {
      r.kind = "changed_after_approval";
      r.step = payload.value("step", e.step);
      r.approved_version = payload.value("approved_version", 0);
      r.reapproval = payload.value("reapproval", "");
      r.reopened = r.reapproval == "needed";
    }
    return OkStatus();
  }));
  // Informal approvals carry the time they were given, which may be
  // earlier than when they were recorded.
  std::stable_sort(out.begin(), out.end(),
                   [](const RevisionEntry& a, const RevisionEntry& b) {
                     return a.time_us < b.time_us;
                   });
  return out;
}

}  // namespace livesop::engine

// Campaign documents and the template library: versions and their content,
// approvals bound to the versions current then, re-approval after a change,
// comparison of versions, the revision log; template versions added,
// approved and retired, and the missing-template requests they meet.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "assets/file_store.h"
#include "engine/engine.h"
#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::HasSubstr;

constexpr int64_t kDay = int64_t{24} * 3600 * 1'000'000;

class DocumentsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    manager_ = PersonFor("campaign-manager");
  }

  DocumentInput Text(const std::string& text) {
    DocumentInput input;
    input.text = text;
    return input;
  }

  // Writes `bytes` to a file in the test's folder and returns its path.
  std::string WriteFile(const std::string& name, const std::string& bytes) {
    std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }

  void UseFileStore() {
    auto files = assets::FileStore::Open((dir_ / "files").string());
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    engine_->SetFileStore(*files);
  }

  // Adds a version as the campaign manager; fails the test when refused.
  CampaignState Add(const std::string& campaign, const std::string& document,
                    const std::string& text, const std::string& comment = "") {
    auto state = engine_->AddDocumentVersion(campaign, document, manager_,
                                             Text(text), comment);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return state.ok() ? *state : CampaignState{};
  }

  // The events of `campaign` that change it (every one but refusals).
  size_t WorkEvents(const std::string& campaign) {
    size_t n = 0;
    for (const store::Event& e : EventsOf(campaign)) {
      n += e.type != "command_refused" ? 1 : 0;
    }
    return n;
  }

  // A person holding none of the roles campaign-delivery names (its
  // steps, approvers, matrices, owner) nor the SOP's owner role.
  std::string Outsider() {
    const sop::Definition& sop = ExampleSop();
    std::set<std::string> used = {sop.sop.owner};
    for (const sop::Process& p : sop.processes) {
      if (p.id != "campaign-delivery") continue;
      used.insert(p.owner);
      for (const sop::Step& s : p.steps) {
        used.insert(s.role);
        used.insert(s.approvers.begin(), s.approvers.end());
        if (const sop::ApprovalMatrix* m = sop.FindMatrix(s.matrix)) {
          for (const sop::MatrixRule& r : m->rules) {
            used.insert(r.approvers.begin(), r.approvers.end());
          }
        }
      }
    }
    for (const sop::Person& p : sop.people) {
      if (std::none_of(p.roles.begin(), p.roles.end(),
                       [&](const std::string& r) { return used.count(r); })) {
        return p.id;
      }
    }
    ADD_FAILURE() << "everyone has a part in campaign-delivery";
    return "";
  }

  std::string manager_;
};

TEST_F(DocumentsTest, VersionsAreNumberedAndReadBackExactly) {
  ASSERT_TRUE(SubmitLaunch("d-1").ok());
  const std::string first = "Tujuan: awareness.\nPesan utama: lebih ringan.";
  Add("d-1", "brief", first, "first draft");
  CampaignState state = Add("d-1", "brief", "Tujuan: awareness dan konversi.");
  ASSERT_EQ(state.documents.count("brief"), 1u);
  const Document& brief = state.documents.at("brief");
  EXPECT_EQ(brief.kind, "brief");
  ASSERT_EQ(brief.versions.size(), 2u);
  EXPECT_EQ(brief.versions[0].version, 1);
  EXPECT_EQ(brief.versions[0].author, manager_);
  EXPECT_EQ(brief.versions[0].comment, "first draft");
  EXPECT_EQ(brief.versions[0].bytes, static_cast<int64_t>(first.size()));
  EXPECT_FALSE(brief.versions[0].is_file);
  EXPECT_EQ(DocumentVersionStatus(brief, 1), "superseded");
  EXPECT_EQ(DocumentVersionStatus(brief, 2), "draft");
  // A document whose id is no kind is "other", unless a kind is given.
  state = Add("d-1", "faq", "T: Kapan? J: Besok.");
  EXPECT_EQ(state.documents.at("faq").kind, "other");
  auto tagline = engine_->AddDocumentVersion("d-1", "tagline", manager_,
                                             Text("Lebih ringan."), "", "copy");
  ASSERT_TRUE(tagline.ok()) << tagline.status().ToString();
  EXPECT_EQ(tagline->documents.at("tagline").kind, "copy");

  auto read = engine_->ReadDocument("d-1", "brief", 1);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->text, first);
  EXPECT_EQ(read->version.version, 1);
  auto latest = engine_->ReadDocument("d-1", "brief");
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->text, "Tujuan: awareness dan konversi.");
  // The state a command returns is what the events rebuild.
  auto loaded = engine_->Load("d-1");
  ASSERT_TRUE(loaded.ok());
  EXPECT_EQ(*loaded, *tagline);

  auto missing = engine_->ReadDocument("d-1", "script");
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr("brief, faq, tagline"));
  auto no_version = engine_->ReadDocument("d-1", "brief", 7);
  EXPECT_EQ(no_version.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(no_version.status().message(), HasSubstr("1 to 2"));
  EXPECT_EQ(engine_->ReadDocument("nope", "brief").status().code(),
            StatusCode::kNotFound);
}

TEST_F(DocumentsTest, BadInputWritesNothing) {
  ASSERT_TRUE(SubmitLaunch("d-bad").ok());
  Add("d-bad", "brief", "Versi pertama.");
  const size_t before = WorkEvents("d-bad");
  struct Case {
    std::string name;
    std::string document;
    DocumentInput input;
    std::string kind;
    StatusCode code;
    std::string says;
  };
  DocumentInput both = Text("a");
  both.file_path = "/etc/hostname";
  DocumentInput no_file;
  no_file.file_path = (dir_ / "no-such-file.txt").string();
  const std::vector<Case> cases = {
      {"empty", "brief", Text(""), "", StatusCode::kInvalidArgument, "empty"},
      {"blank", "brief", Text(" \n\t "), "", StatusCode::kInvalidArgument,
       "only whitespace"},
      {"binary", "brief", Text(std::string("PNG\0\x01\xFF", 6)), "",
       StatusCode::kInvalidArgument, "not UTF-8 text"},
      {"invalid utf-8", "brief", Text("caf\xC3"), "",
       StatusCode::kInvalidArgument, "binary file"},
      {"over the limit", "brief",
       Text(std::string(static_cast<size_t>(kMaxDocumentText) + 1, 'a')), "",
       StatusCode::kInvalidArgument, "256 KiB"},
      {"both", "brief", both, "", StatusCode::kInvalidArgument, "not both"},
      {"neither", "brief", DocumentInput{}, "", StatusCode::kInvalidArgument,
       "empty"},
      {"no such file", "brief", no_file, "", StatusCode::kNotFound,
       "no-such-file.txt"},
      {"bad id", "Brief!", Text("x"), "", StatusCode::kInvalidArgument,
       "lowercase"},
      {"unknown kind", "memo", Text("x"), "poster",
       StatusCode::kInvalidArgument, "brief, copy, script, other"},
      {"kind changed", "brief", Text("x"), "copy", StatusCode::kInvalidArgument,
       "its kind stays"},
  };
  for (const Case& c : cases) {
    auto refused = engine_->AddDocumentVersion("d-bad", c.document, manager_,
                                               c.input, "", c.kind);
    EXPECT_EQ(refused.status().code(), c.code)
        << c.name << ": " << refused.status().ToString();
    EXPECT_THAT(refused.status().message(), HasSubstr(c.says)) << c.name;
  }
  EXPECT_EQ(WorkEvents("d-bad"), before);
  auto unknown =
      engine_->AddDocumentVersion("d-none", "brief", manager_, Text("x"), "");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  auto stranger =
      engine_->AddDocumentVersion("d-bad", "brief", "nobody", Text("x"), "");
  EXPECT_EQ(stranger.status().code(), StatusCode::kPermissionDenied);
  auto outsider =
      engine_->AddDocumentVersion("d-bad", "brief", Outsider(), Text("x"), "");
  EXPECT_EQ(outsider.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(WorkEvents("d-bad"), before);
  // A binary file needs a file store.
  DocumentInput image;
  image.file_path =
      WriteFile("banner.png", std::string("\x89PNG\r\n\x1a\n\0", 9));
  EXPECT_EQ(engine_->AddDocumentVersion("d-bad", "banner", manager_, image, "")
                .status()
                .code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(WorkEvents("d-bad"), before);
}

TEST_F(DocumentsTest, FilesGoToTheFileStoreAndTextFilesStayText) {
  UseFileStore();
  ASSERT_TRUE(SubmitLaunch("d-file").ok());
  DocumentInput image;
  image.file_path =
      WriteFile("banner.png", std::string("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16));
  auto state = engine_->AddDocumentVersion("d-file", "banner", manager_, image,
                                           "first cut", "other");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const DocumentVersion& v = state->documents.at("banner").versions.at(0);
  EXPECT_TRUE(v.is_file);
  EXPECT_TRUE(assets::IsSha256Hex(v.sha256)) << v.sha256;
  EXPECT_EQ(v.bytes, 16);
  EXPECT_EQ(v.name, "banner.png");
  auto read = engine_->ReadDocument("d-file", "banner");
  ASSERT_TRUE(read.ok());
  EXPECT_FALSE(read->file_path.empty());
  EXPECT_TRUE(std::filesystem::exists(read->file_path));

  DocumentInput copy;
  copy.file_path = WriteFile("copy.md", "Judul: Lebih ringan\nIsi: baru.\n");
  state = engine_->AddDocumentVersion("d-file", "copy", manager_, copy, "");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_FALSE(state->documents.at("copy").versions.at(0).is_file);
  EXPECT_EQ(state->documents.at("copy").versions.at(0).name, "copy.md");
  EXPECT_EQ(engine_->ReadDocument("d-file", "copy")->text,
            "Judul: Lebih ringan\nIsi: baru.\n");

  // Files that are not text are not compared.
  state = engine_->AddDocumentVersion("d-file", "banner", manager_, image, "");
  ASSERT_TRUE(state.ok());
  auto diff = engine_->DiffDocument("d-file", "banner", 1, 2);
  EXPECT_EQ(diff.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(diff.status().message(), HasSubstr("not text"));
}

TEST_F(DocumentsTest, VersionsAreComparedWordByWord) {
  ASSERT_TRUE(SubmitLaunch("d-diff").ok());
  Add("d-diff", "copy", "Peluncuran produk baru minggu depan.");
  Add("d-diff", "copy", "Peluncuran produk terbaru bulan depan!");
  auto diff = engine_->DiffDocument("d-diff", "copy", 1, 2);
  ASSERT_TRUE(diff.ok()) << diff.status().ToString();
  EXPECT_EQ(WordDiffText(*diff),
            "Peluncuran produk [-baru minggu-]{+terbaru bulan+} "
            "depan[-.-]{+!+}");
  auto back = engine_->DiffDocument("d-diff", "copy", 2, 1);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->deleted_words, diff->inserted_words);
  auto same = engine_->DiffDocument("d-diff", "copy", 2, 2);
  ASSERT_TRUE(same.ok());
  EXPECT_EQ(same->inserted_words + same->deleted_words, 0);
  EXPECT_EQ(engine_->DiffDocument("d-diff", "copy", 1, 3).status().code(),
            StatusCode::kNotFound);
}

// The deciding approval names the versions current then; they are locked.
// A version after it, once the flow has left the approval behind, asks the
// approvers again.
TEST_F(DocumentsTest, ApprovalsBindVersionsAndAChangeAsksAgain) {
  auto submitted = SubmitLaunch("d-2");
  ASSERT_TRUE(submitted.ok());
  Add("d-2", "brief", "Versi pertama brief.");
  CampaignState state = Until(*engine_->Load("d-2"), "write-copy");
  const Document& brief = state.documents.at("brief");
  ASSERT_FALSE(brief.approvals.empty());
  EXPECT_EQ(brief.approvals.back().step, "campaign-approval");
  EXPECT_EQ(brief.approvals.back().version, 1);
  EXPECT_EQ(DocumentVersionStatus(brief, 1), "approved");
  const auto decided = EventsOf("d-2", "approval_decided");
  ASSERT_FALSE(decided.empty());
  EXPECT_THAT(decided.back().payload,
              HasSubstr(R"("documents":[{"document":"brief","version":1}])"));
  // A review's approval binds too.
  EXPECT_TRUE(std::any_of(
      brief.approvals.begin(), brief.approvals.end(),
      [](const DocumentApproval& a) { return a.step == "internal-review"; }));

  state = Add("d-2", "brief", "Versi kedua brief.", "budget changed");
  const auto changed = EventsOf("d-2", "document_changed_after_approval");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].step, "campaign-approval");
  EXPECT_THAT(changed[0].payload, HasSubstr(R"("approved_version":1)"));
  EXPECT_THAT(changed[0].payload, HasSubstr(R"("reapproval":"needed")"));
  const auto reopened = EventsOf("d-2", "step_reopened");
  ASSERT_EQ(reopened.size(), 1u);
  EXPECT_EQ(reopened[0].step, "campaign-approval");
  EXPECT_TRUE(reopened[0].deviation.empty());  // the SOP's rule, no departure
  EXPECT_TRUE(IsActive(state, "campaign-approval"));
  EXPECT_TRUE(IsActive(state, "write-copy"));  // work goes on meanwhile
  EXPECT_EQ(state.plans.count("campaign-approval"), 1u);
  // Version 1 stays approved, and exactly what it was.
  EXPECT_EQ(DocumentVersionStatus(state.documents.at("brief"), 1), "approved");
  EXPECT_EQ(DocumentVersionStatus(state.documents.at("brief"), 2), "draft");
  EXPECT_EQ(engine_->ReadDocument("d-2", "brief", 1)->text,
            "Versi pertama brief.");

  // Approved again: version 2 is bound.
  for (int round = 0; round < 10 && IsActive(state, "campaign-approval");
       ++round) {
    for (const Awaited& a : engine_->AwaitedNow(state)) {
      if (a.step != "campaign-approval") continue;
      auto next = engine_->Decide("d-2", a.step, a.people.front(),
                                  Verdict::kApprove, "ok again");
      ASSERT_TRUE(next.ok()) << next.status().ToString();
      state = *next;
      break;
    }
  }
  EXPECT_FALSE(IsActive(state, "campaign-approval"));
  EXPECT_EQ(state.documents.at("brief").approvals.back().version, 2);
  EXPECT_EQ(DocumentVersionStatus(state.documents.at("brief"), 2), "approved");
  EXPECT_EQ(*engine_->Load("d-2"), state);

  // The revision log, in time order.
  auto log = engine_->RevisionLog("d-2");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  std::vector<std::string> kinds;
  for (const RevisionEntry& e : *log) {
    if (e.kind == "decision" && !e.decides) continue;
    kinds.push_back(e.kind + ":" + std::to_string(e.version) +
                    (e.step.empty() ? "" : "@" + e.step));
  }
  ASSERT_GE(kinds.size(), 4u);
  EXPECT_EQ(kinds.front(), "version:1");
  EXPECT_EQ(kinds[kinds.size() - 3], "version:2");
  EXPECT_EQ(kinds[kinds.size() - 2],
            "changed_after_approval:2@campaign-approval");
  EXPECT_EQ(kinds.back(), "decision:2@campaign-approval");
  EXPECT_TRUE(
      std::is_sorted(log->begin(), log->end(),
                     [](const RevisionEntry& a, const RevisionEntry& b) {
                       return a.time_us < b.time_us;
                     }));
  EXPECT_EQ(engine_->RevisionLog("nope").status().code(),
            StatusCode::kNotFound);
}

// While the flow is to reach the approval again (the revision loop of the
// planning stage), a new version waits for that decision.
TEST_F(DocumentsTest, NoReapprovalWhileTheFlowComesBackToTheStep) {
  ASSERT_TRUE(SubmitLaunch("d-3").ok());
  Add("d-3", "brief", "Versi pertama.");
  CampaignState state = Until(*engine_->Load("d-3"), "submit-request");
  ASSERT_EQ(state.documents.at("brief").approvals.back().step,
            "internal-review");
  state = Add("d-3", "brief", "Versi kedua.");
  EXPECT_TRUE(EventsOf("d-3", "document_changed_after_approval").empty());
  EXPECT_TRUE(EventsOf("d-3", "step_reopened").empty());
}

TEST_F(DocumentsTest, ReapprovalNotNeededWhenTheSopSaysSo) {
  sop::Definition sop = ExampleSop();
  for (sop::Process& p : sop.processes) {
    for (sop::Step& s : p.steps) {
      if (s.id == "campaign-approval") s.reapproval = "not_needed";
    }
  }
  engine_ = std::make_unique<Engine>(*store_, sop, clock_);
  ASSERT_TRUE(SubmitLaunch("d-4").ok());
  Add("d-4", "brief", "Versi pertama.");
  CampaignState state = Until(*engine_->Load("d-4"), "write-copy");
  state = Add("d-4", "brief", "Versi kedua.");
  const auto changed = EventsOf("d-4", "document_changed_after_approval");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_THAT(changed[0].payload, HasSubstr(R"("reapproval":"not_needed")"));
  EXPECT_TRUE(EventsOf("d-4", "step_reopened").empty());
  EXPECT_FALSE(IsActive(state, "campaign-approval"));
  EXPECT_EQ(DocumentVersionStatus(state.documents.at("brief"), 2), "draft");
  auto log = engine_->RevisionLog("d-4");
  ASSERT_TRUE(log.ok());
  EXPECT_EQ(log->back().kind, "changed_after_approval");
  EXPECT_FALSE(log->back().reopened);
}

// ---------------------------------------------------------------------------
// The template library.

class TemplatesTest : public DocumentsTest {
 protected:
  // Adds draft `version` of campaign-brief as the campaign manager.
  Result<LibraryTemplate> AddDraft(const std::string& version) {
    TemplateVersionInput input;
    input.template_id = "campaign-brief";
    input.version = version;
    input.file_path = WriteFile("brief-" + version + ".docx",
                                "PK\x03\x04 brief template " + version);
    input.changes = "Bagian mitra";
    input.actor = manager_;
    return engine_->AddTemplateVersion(input);
  }
};

TEST_F(TemplatesTest, TheSopIsTheSeedUntilTheLibraryHoldsVersions) {
  UseFileStore();
  auto before = engine_->FindLibraryTemplate("campaign-brief");
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  EXPECT_FALSE(before->in_library);
  EXPECT_EQ(before->approved, "2.1");
  ASSERT_EQ(before->versions.size(), 4u);
  EXPECT_TRUE(before->versions[0].from_sop);

  auto added = AddDraft("3.0");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_TRUE(added->in_library);
  EXPECT_EQ(added->approved, "2.1");
  ASSERT_EQ(added->versions.size(), 5u);
  // By when they were added: the SOP's 2.2 is dated after the fake clock.
  auto found = std::find_if(
      added->versions.begin(), added->versions.end(),
      [](const store::TemplateVersionRecord& v) { return v.version == "3.0"; });
  ASSERT_NE(found, added->versions.end());
  const store::TemplateVersionRecord& draft = *found;
  EXPECT_EQ(draft.status, "draft");
  EXPECT_EQ(draft.author, manager_);
  EXPECT_TRUE(assets::IsSha256Hex(draft.sha256));
  EXPECT_EQ(draft.file_name, "brief-3.0.docx");
  EXPECT_FALSE(draft.from_sop);

  auto all = engine_->Templates();
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), ExampleSop().templates.size());

  EXPECT_EQ(AddDraft("2.1").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(AddDraft("3.0").status().code(), StatusCode::kAlreadyExists);
  EXPECT_EQ(AddDraft("3 0").status().code(), StatusCode::kInvalidArgument);
  TemplateVersionInput unknown;
  unknown.template_id = "campaign-brif";
  unknown.version = "1";
  unknown.actor = manager_;
  auto not_found = engine_->AddTemplateVersion(unknown);
  EXPECT_EQ(not_found.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(not_found.status().message(), HasSubstr("campaign-brief"));
}

TEST_F(TemplatesTest, OwnersApproveAndRetire) {
  UseFileStore();
  ASSERT_TRUE(AddDraft("3.0").ok());
  const std::string lead = PersonFor("campaign-lead");  // the owner role
  auto refused = engine_->ApproveTemplate("campaign-brief", "3.0", Outsider());
  EXPECT_EQ(refused.status().code(), StatusCode::kPermissionDenied);
  EXPECT_THAT(refused.status().message(), HasSubstr("campaign-lead"));
  EXPECT_EQ(
      engine_->ApproveTemplate("campaign-brief", "9.9", lead).status().code(),
      StatusCode::kNotFound);
  auto approved = engine_->ApproveTemplate("campaign-brief", "3.0", lead);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->retired, std::vector<std::string>{"2.1"});
  EXPECT_EQ(approved->library.approved, "3.0");
  EXPECT_EQ(
      engine_->ApproveTemplate("campaign-brief", "3.0", lead).status().code(),
      StatusCode::kFailedPrecondition);
  EXPECT_EQ(
      engine_->ApproveTemplate("campaign-brief", "2.1", lead).status().code(),
      StatusCode::kFailedPrecondition);
  // The SOP's owner may too, and retiring leaves no approved version.
  auto retired = engine_->RetireTemplate("campaign-brief", "3.0",
                                         PersonFor("head-of-marketing-ops"));
  ASSERT_TRUE(retired.ok()) << retired.status().ToString();
  EXPECT_TRUE(retired->approved.empty());
  EXPECT_EQ(
      engine_->RetireTemplate("campaign-brief", "3.0", lead).status().code(),
      StatusCode::kFailedPrecondition);
  // A version the SOP lists as retired stays retired; a refusal writes
  // nothing, not even the seed.
  auto seeded =
      engine_->ApproveTemplate("copy-deck", "1.0", PersonFor("content-lead"));
  EXPECT_EQ(seeded.status().code(), StatusCode::kFailedPrecondition);
  auto listed = engine_->FindLibraryTemplate("copy-deck");
  EXPECT_FALSE(listed->in_library);  // nothing written on a refusal
}

// A task that needs a template with no approved version in the library
// flags it to its owner; approving a version meets the request: the
// campaign records it and the escalation stops.
TEST_F(TemplatesTest, ApprovingAMissingTemplateMeetsTheRequest) {
  UseFileStore();
  const std::string lead = PersonFor("campaign-lead");
  ASSERT_TRUE(AddDraft("3.0").ok());
  ASSERT_TRUE(engine_->RetireTemplate("campaign-brief", "2.1", lead).ok());
  auto state = SubmitLaunch("t-miss");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  ASSERT_EQ(EventsOf("t-miss", "template_missing").size(), 1u);
  ASSERT_EQ(state->missing_templates.count("campaign-brief"), 1u);
  ASSERT_EQ(state->timers.count("t-miss/plan#missing-template"), 1u);

  auto approved = engine_->ApproveTemplate("campaign-brief", "3.0", lead);
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->fulfilled, std::vector<std::string>{"t-miss"});
  EXPECT_TRUE(approved->problems.empty());
  const auto provided = EventsOf("t-miss", "template_provided");
  ASSERT_EQ(provided.size(), 1u);
  EXPECT_EQ(provided[0].resource, lead);
  EXPECT_THAT(provided[0].payload, HasSubstr(R"("version":"3.0")"));
  EXPECT_THAT(provided[0].payload, HasSubstr(R"("task":"t-miss/plan")"));
  auto after = engine_->Load("t-miss");
  ASSERT_TRUE(after.ok());
  EXPECT_TRUE(after->missing_templates.empty());
  EXPECT_EQ(after->timers.count("t-miss/plan#missing-template"), 0u);
  EXPECT_EQ(TaskOf("t-miss/plan#missing-template").status, "cancelled");
  EXPECT_EQ(TaskOf("t-miss/plan").status, "open");  // the work goes on
  // Nothing more to meet: approving again tells no campaign.
  ASSERT_TRUE(AddDraft("3.1").ok());
  auto again = engine_->ApproveTemplate("campaign-brief", "3.1", lead);
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->fulfilled.empty());
  EXPECT_EQ(EventsOf("t-miss", "template_provided").size(), 1u);
  // A new campaign finds the approved version: nothing is flagged.
  ASSERT_TRUE(SubmitLaunch("t-fine").ok());
  EXPECT_TRUE(EventsOf("t-fine", "template_missing").empty());
}

// An approval made behind the engine's back (or whose follow-up was cut
// short) is found by the sweep before the next notice goes out.
TEST_F(TemplatesTest, TheSweepFindsATemplateApprovedMeanwhile) {
  UseFileStore();
  const std::string lead = PersonFor("campaign-lead");
  ASSERT_TRUE(AddDraft("3.0").ok());
  ASSERT_TRUE(engine_->RetireTemplate("campaign-brief", "2.1", lead).ok());
  ASSERT_TRUE(SubmitLaunch("t-sweep").ok());
  // The missing-template notices raised (other escalations may follow,
  // such as the plan's SLA).
  auto notices = [&] {
    size_t n = 0;
    for (const store::Event& e : EventsOf("t-sweep", "escalation_raised")) {
      n += e.payload.find(R"("rule":"missing-template")") != std::string::npos;
    }
    return n;
  };
  const size_t raised = notices();
  ASSERT_EQ(raised, 1u);
  ASSERT_TRUE(
      store_->ApproveTemplateVersion("campaign-brief", "3.0", lead, 1).ok());
  clock_.Advance(10 * kDay);  // past the next level, 3 working days on
  auto report = engine_->Sweep();
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(EventsOf("t-sweep", "template_provided").size(), 1u);
  EXPECT_EQ(notices(), raised);
  auto state = engine_->Load("t-sweep");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->timers.count("t-sweep/plan#missing-template"), 0u);
}

}  // namespace
}  // namespace livesop::engine

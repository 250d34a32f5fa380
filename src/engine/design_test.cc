// A campaign's assets through its approvals: every decision names the
// latest version of each asset, the deciding approval binds them, a version
// after an approved one asks again; the revision log across documents and
// assets, and the proof history of one asset.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "assets/file_store.h"
#include "assets/inspect.h"
#include "engine/engine.h"
#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::HasSubstr;
using testing::Not;

constexpr int64_t kHour = int64_t{3600} * 1'000'000;

class ProofsTest : public EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    manager_ = PersonFor("campaign-manager");
    auto files = assets::FileStore::Open((dir_ / "files").string());
    ASSERT_TRUE(files.ok()) << files.status().ToString();
    files_.emplace(std::move(*files));
  }

  static std::string Fixture(const std::string& name) {
    return std::string(LIVESOP_SOURCE_DIR) + "/testdata/assets/" + name;
  }

  // Uploads the fixture `file` (testdata/assets) as the next version of
  // the campaign's asset `asset` (for `channel`; default the request's),
  // as the campaign manager, an hour after whatever came before.
  Result<CampaignState> TryUpload(const std::string& campaign,
                                  const std::string& asset,
                                  const std::string& file,
                                  const std::string& comment,
                                  const std::string& channel = "") {
    clock_.Advance(kHour);
    LIVESOP_ASSIGN_OR_RETURN(assets::Inspection inspection,
                             assets::Inspect(Fixture(file)));
    LIVESOP_ASSIGN_OR_RETURN(assets::StoredFile stored,
                             files_->PutFile(Fixture(file), ""));
    AssetUpload upload;
    upload.name = asset;
    upload.channel = channel;
    upload.sha256 = stored.sha256;
    upload.file_name = stored.safe_name;
    upload.comment = comment;
    upload.inspection = std::move(inspection);
    return engine_->AddAsset(campaign, manager_, upload);
  }

  CampaignState Upload(const std::string& campaign, const std::string& asset,
                       const std::string& file, const std::string& comment,
                       const std::string& channel = "") {
    auto state = TryUpload(campaign, asset, file, comment, channel);
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return state.ok() ? *state : CampaignState{};
  }

  CampaignState AddText(const std::string& campaign,
                        const std::string& document, const std::string& text) {
    clock_.Advance(kHour);
    DocumentInput input;
    input.text = text;
    auto state =
        engine_->AddDocumentVersion(campaign, document, manager_, input, "");
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    return state.ok() ? *state : CampaignState{};
  }

  // Completes, or approves until it is decided, active step `step`, each
  // time as the first person it awaits.
  CampaignState Do(CampaignState state, const std::string& step) {
    for (int round = 0; round < 10 && IsActive(state, step); ++round) {
      bool acted = false;
      for (const Awaited& a : engine_->AwaitedNow(state)) {
        if (a.step != step || a.people.empty() || !a.item.empty()) continue;
        clock_.Advance(kHour);
        auto next =
            a.decision
                ? engine_->Decide(state.campaign, step, a.people.front(),
                                  Verdict::kApprove, "looks right")
                : engine_->Complete(state.campaign, step, a.people.front());
        EXPECT_TRUE(next.ok()) << step << ": " << next.status().ToString();
        if (!next.ok()) return state;
        state = *next;
        acted = true;
        break;
      }
      if (!acted) break;
    }
    EXPECT_FALSE(IsActive(state, step)) << step << " is still active";
    return state;
  }

  // A campaign whose content stream is done and whose asset hero (for
  // Instagram's portrait feed spec) was uploaded twice during production,
  // first failing the spec, then meeting it, with the copy deck's first
  // version between them and the brief's before; then the asset check
  // approved by the creative lead.
  CampaignState ApprovedAtTheReview(const std::string& id) {
    EXPECT_TRUE(SubmitLaunch(id).ok());
    AddText(id, "brief", "Peluncuran produk baru.");
    AssetRequest request;
    request.channel = "instagram";
    request.spec = "ig-feed-portrait";
    request.note = "Product on white";
    EXPECT_TRUE(engine_->RequestAsset(id, manager_, "hero", request).ok());
    CampaignState state = Until(*engine_->Load(id), "asset-production");
    // The content stream goes first (process order), so no decision of
    // its names the asset.
    for (const char* step : {"write-copy", "peer-review", "final-edits"}) {
      EXPECT_FALSE(IsActive(state, step)) << step;
    }
    Upload(id, "hero", "square-1080.png", "first cut");
    AddText(id, "copy", "Lebih ringan, lebih cepat.");
    Upload(id, "hero", "portrait-1080x1350.jpg", "portrait crop");
    state = Do(*engine_->Load(id), "asset-production");
    EXPECT_TRUE(IsActive(state, "asset-spec-check"));
    return Do(state, "asset-spec-check");
  }

  // The events of `campaign` that change it (every one but refusals).
  size_t WorkEvents(const std::string& campaign) {
    size_t n = 0;
    for (const store::Event& e : EventsOf(campaign)) {
      n += e.type != "command_refused" ? 1 : 0;
    }
    return n;
  }

  std::string manager_;
  std::optional<assets::FileStore> files_;
};

TEST_F(ProofsTest, TheDecidingApprovalBindsTheLatestAssetVersion) {
  CampaignState state = ApprovedAtTheReview("p-1");
  const auto decided = EventsOf("p-1", "approval_decided");
  ASSERT_FALSE(decided.empty());
  EXPECT_EQ(decided.back().step, "asset-spec-check");
  EXPECT_THAT(decided.back().payload,
              HasSubstr(R"("assets":[{"asset":"hero","version":2}])"));
  EXPECT_THAT(decided.back().payload, HasSubstr(R"("outcome":"approved")"));
  // Decisions before the upload named no asset.
  EXPECT_THAT(decided.front().payload, Not(HasSubstr(R"("assets")")));

  ASSERT_EQ(state.asset_approvals.count("hero"), 1u);
  const AssetApproval& bound = state.asset_approvals.at("hero").back();
  EXPECT_EQ(bound.version, 2);
  EXPECT_EQ(bound.step, "asset-spec-check");
  EXPECT_EQ(bound.by, decided.back().resource);
  EXPECT_EQ(AssetVersionStatus(state, "hero", 1), "superseded");
  EXPECT_EQ(AssetVersionStatus(state, "hero", 2), "approved");
  // The approval is replayed from the events.
  EXPECT_EQ(*engine_->Load("p-1"), state);
}

TEST_F(ProofsTest, TheHistoryShowsEveryVersionItsCheckAndItsApproval) {
  ApprovedAtTheReview("p-2");
  const size_t before = WorkEvents("p-2");
  auto history = engine_->AssetHistory("p-2", "hero");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ(history->status, "approved");
  ASSERT_TRUE(history->requested);
  EXPECT_EQ(history->request.channel, "instagram");
  EXPECT_EQ(history->request.spec, "ig-feed-portrait");
  EXPECT_EQ(history->request.note, "Product on white");
  EXPECT_EQ(history->request.requested_by, manager_);
  ASSERT_EQ(history->versions.size(), 2u);

  const Proof& first = history->versions[0];
  EXPECT_EQ(first.version.version, 1);
  EXPECT_EQ(first.status, "superseded");
  EXPECT_FALSE(first.locked);
  EXPECT_EQ(first.version.uploaded_by, manager_);
  EXPECT_EQ(first.version.comment, "first cut");
  EXPECT_EQ(first.version.file_name, "square-1080.png");
  EXPECT_EQ(first.version.size, static_cast<int64_t>(std::filesystem::file_size(
                                    Fixture("square-1080.png"))));
  EXPECT_TRUE(assets::IsSha256Hex(first.version.sha256));
  EXPECT_THAT(first.version.summary, HasSubstr("1080x1080"));
  EXPECT_EQ(first.version.spec, "ig-feed-portrait");
  EXPECT_FALSE(first.version.passed);
  std::vector<std::string> failed;
  for (const CheckedRule& r : first.rules) {
    if (r.outcome == "failed") failed.push_back(r.rule + ": " + r.reason);
  }
  EXPECT_THAT(
      failed,
      testing::Contains("sizes: 1080×1080 px; the channel wants 1080×1350 px"));
  EXPECT_TRUE(first.decisions.empty());
  EXPECT_FALSE(first.after_approval.has_value());

  const Proof& second = history->versions[1];
  EXPECT_EQ(second.status, "approved");
  EXPECT_TRUE(second.locked);
  EXPECT_EQ(second.version.comment, "portrait crop");
  EXPECT_EQ(second.version.file_name, "portrait-1080x1350.jpg");
  EXPECT_TRUE(second.version.passed);
  EXPECT_NE(second.version.sha256, first.version.sha256);
  EXPECT_FALSE(second.rules.empty());
  EXPECT_TRUE(
      std::all_of(second.rules.begin(), second.rules.end(),
                  [](const CheckedRule& r) { return r.outcome != "failed"; }));
  ASSERT_EQ(second.decisions.size(), 1u);
  const RevisionEntry& decision = second.decisions[0];
  EXPECT_EQ(decision.step, "asset-spec-check");
  EXPECT_EQ(decision.decision, "approve");
  EXPECT_EQ(decision.role, "creative-lead");
  EXPECT_EQ(decision.comment, "looks right");
  EXPECT_TRUE(decision.approved);
  EXPECT_EQ(WorkEvents("p-2"), before);  // reading writes nothing
}

TEST_F(ProofsTest, TheRevisionLogInterleavesDocumentsAndAssetsInTimeOrder) {
  ApprovedAtTheReview("p-3");
  auto log = engine_->RevisionLog("p-3");
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  EXPECT_TRUE(
      std::is_sorted(log->begin(), log->end(),
                     [](const RevisionEntry& a, const RevisionEntry& b) {
                       return a.time_us < b.time_us;
                     }));
  std::vector<std::string> versions;
  for (const RevisionEntry& e : *log) {
    if (e.kind != "version") continue;
    versions.push_back(e.subject + " " +
                       (e.subject == "asset" ? e.asset : e.document) + " " +
                       std::to_string(e.version));
  }
  EXPECT_THAT(versions,
              testing::ElementsAre("document brief 1", "asset hero 1",
                                   "document copy 1", "asset hero 2"));
  // The upload's check is on its line.
  auto first = std::find_if(log->begin(), log->end(), [](const auto& e) {
    return e.kind == "version" && e.asset == "hero" && e.version == 1;
  });
  ASSERT_NE(first, log->end());
  EXPECT_TRUE(first->checked);
  EXPECT_FALSE(first->passed);
  EXPECT_EQ(first->channel, "instagram");
  EXPECT_EQ(first->name, "square-1080.png");
  EXPECT_EQ(first->comment, "first cut");
  EXPECT_EQ(first->person, manager_);
  EXPECT_TRUE(first->is_file);
  EXPECT_FALSE(first->summary.empty());
  // The review's decision names every document and asset version.
  std::vector<std::string> named;
  for (const RevisionEntry& e : *log) {
    if (e.kind == "decision" && e.step == "asset-spec-check") {
      named.push_back(e.subject + " " +
                      (e.subject == "asset" ? e.asset : e.document) + " " +
                      std::to_string(e.version));
    }
  }
  EXPECT_THAT(named,
              testing::UnorderedElementsAre("document brief 1",
                                            "document copy 1", "asset hero 2"));
  // No separate check lines: each check was its upload's.
  EXPECT_TRUE(std::none_of(log->begin(), log->end(),
                           [](const auto& e) { return e.kind == "check"; }));
}

// After the final content approval (which named version 2 too), version 3
// asks that approval again; version 2 stays approved and locked.
TEST_F(ProofsTest, AVersionAfterTheApprovalAsksAgain) {
  CampaignState state = Until(ApprovedAtTheReview("p-4"), "pre-launch");
  EXPECT_EQ(state.asset_approvals.at("hero").back().step, "content-approval");
  state = Upload("p-4", "hero", "portrait-1080x1350.jpg", "brighter");
  const auto changed = EventsOf("p-4", "asset_changed_after_approval");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].step, "content-approval");
  EXPECT_THAT(changed[0].payload, HasSubstr(R"("asset":"hero")"));
  EXPECT_THAT(changed[0].payload, HasSubstr(R"("version":3)"));
  EXPECT_THAT(changed[0].payload, HasSubstr(R"("approved_version":2)"));
  EXPECT_THAT(changed[0].payload, HasSubstr(R"("reapproval":"needed")"));
  const auto reopened = EventsOf("p-4", "step_reopened");
  ASSERT_EQ(reopened.size(), 1u);
  EXPECT_EQ(reopened[0].step, "content-approval");
  EXPECT_THAT(reopened[0].payload,
              HasSubstr(R"("cause":"asset_changed_after_approval")"));
  EXPECT_TRUE(reopened[0].deviation.empty());
  EXPECT_TRUE(IsActive(state, "content-approval"));
  EXPECT_TRUE(IsActive(state, "pre-launch"));  // work goes on meanwhile
  EXPECT_EQ(AssetVersionStatus(state, "hero", 2), "approved");
  EXPECT_EQ(AssetVersionStatus(state, "hero", 3), "ready");
  EXPECT_EQ(*engine_->Load("p-4"), state);

  auto history = engine_->AssetHistory("p-4", "hero");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->versions.size(), 3u);
  ASSERT_TRUE(history->versions[2].after_approval.has_value());
  EXPECT_EQ(history->versions[2].after_approval->step, "content-approval");
  EXPECT_EQ(history->versions[2].after_approval->approved_version, 2);
  EXPECT_TRUE(history->versions[2].after_approval->reopened);
  EXPECT_EQ(history->status, "ready");

  state = Do(state, "content-approval");
  EXPECT_EQ(state.asset_approvals.at("hero").back().version, 3);
  EXPECT_EQ(AssetVersionStatus(state, "hero", 3), "approved");
  EXPECT_EQ(AssetVersionStatus(state, "hero", 2), "approved");
}

// When the review is the latest approval of the asset and the flow has
// left it behind for good, a new version reopens the review itself.
TEST_F(ProofsTest, AVersionAfterTheReviewReopensTheReview) {
  CampaignState state = ApprovedAtTheReview("p-5");
  Departure skip;
  skip.actor = PersonFor("marketing-ops-lead");
  skip.reason = "signed off in the launch meeting";
  auto skipped = engine_->Skip("p-5", "content-approval", skip);
  ASSERT_TRUE(skipped.ok()) << skipped.status().ToString();
  state = *skipped;
  ASSERT_TRUE(IsActive(state, "pre-launch"));
  state = Upload("p-5", "hero", "portrait-1080x1350.jpg", "logo moved");
  const auto reopened = EventsOf("p-5", "step_reopened");
  ASSERT_EQ(reopened.size(), 1u);
  EXPECT_EQ(reopened[0].step, "asset-spec-check");
  EXPECT_TRUE(IsActive(state, "asset-spec-check"));
  const std::vector<Awaited> awaited = engine_->AwaitedNow(state);
  EXPECT_TRUE(std::any_of(awaited.begin(), awaited.end(), [](const auto& a) {
    return a.step == "asset-spec-check" && a.role == "creative-lead";
  }));
  state = Do(state, "asset-spec-check");
  EXPECT_EQ(state.asset_approvals.at("hero").back().version, 3);
  EXPECT_EQ(state.asset_approvals.at("hero").back().step, "asset-spec-check");
}

// While the flow may come back to the review (the final approval can send
// production back), a new version waits for that decision.
TEST_F(ProofsTest, NoReapprovalWhileTheFlowComesBackToTheReview) {
  ApprovedAtTheReview("p-6");
  const CampaignState state =
      Upload("p-6", "hero", "portrait-1080x1350.jpg", "tweak");
  EXPECT_TRUE(EventsOf("p-6", "asset_changed_after_approval").empty());
  EXPECT_TRUE(EventsOf("p-6", "step_reopened").empty());
  EXPECT_EQ(AssetVersionStatus(state, "hero", 3), "ready");
  const auto decided = EventsOf("p-6", "approval_decided");
  ASSERT_FALSE(decided.empty());
  // The next decision (the final approval) names the new version.
  CampaignState next = Do(state, "content-approval");
  EXPECT_THAT(EventsOf("p-6", "approval_decided").back().payload,
              HasSubstr(R"({"asset":"hero","version":3})"));
  EXPECT_EQ(next.asset_approvals.at("hero").back().version, 3);
}

// An asset uploaded after the campaign ended is recorded; nothing reopens.
TEST_F(ProofsTest, AVersionAfterTheEndReopensNothing) {
  ApprovedAtTheReview("p-7");
  CampaignState state = *engine_->Load("p-7");
  for (int i = 0; i < 300 && state.status == "active"; ++i) {
    state = Round(state);
  }
  ASSERT_EQ(state.status, "completed");
  state = Upload("p-7", "hero", "portrait-1080x1350.jpg", "archive export");
  EXPECT_EQ(state.status, "completed");
  const auto changed = EventsOf("p-7", "asset_changed_after_approval");
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_THAT(changed[0].payload,
              HasSubstr(R"("reapproval":"campaign_ended")"));
  EXPECT_TRUE(EventsOf("p-7", "step_reopened").empty());
}

TEST_F(ProofsTest, UnknownCampaignsAndAssetsAreNamed) {
  ASSERT_TRUE(SubmitLaunch("p-8").ok());
  auto none = engine_->AssetHistory("p-8", "hero");
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(none.status().message(), HasSubstr("none requested or uploaded"));
  AssetRequest request;
  request.channel = "email";
  ASSERT_TRUE(
      engine_->RequestAsset("p-8", manager_, "newsletter", request).ok());
  Upload("p-8", "hero", "square-1080.png", "", "instagram");  // unrequested
  const size_t before = WorkEvents("p-8");
  auto unknown = engine_->AssetHistory("p-8", "banner");
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(),
              HasSubstr("campaign p-8 has no asset banner; its assets: hero, "
                        "newsletter"));
  EXPECT_EQ(engine_->AssetHistory("nope", "hero").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(engine_->RevisionLog("nope").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(WorkEvents("p-8"), before);
  // Requested, nothing uploaded: missing.
  auto missing = engine_->AssetHistory("p-8", "newsletter");
  ASSERT_TRUE(missing.ok());
  EXPECT_EQ(missing->status, "missing");
  EXPECT_TRUE(missing->versions.empty());
}

// Decisions recorded before approvals named assets carry no `assets`: they
// replay, and bind no asset version.
TEST_F(ProofsTest, DecisionsWithoutAssetsStillReplay) {
  ApprovedAtTheReview("p-9");
  auto old_store = store::OpenStore((dir_ / "old.db").string());
  ASSERT_TRUE(old_store.ok()) << old_store.status().ToString();
  store::AppendRequest copy;
  copy.campaign = "p-9";
  for (store::Event e : EventsOf("p-9")) {
    if (e.type == "approval_decided") {
      nlohmann::json payload = nlohmann::json::parse(e.payload);
      payload.erase("assets");
      e.payload = payload.dump();
    }
    copy.events.push_back(std::move(e));
  }
  ASSERT_TRUE((*old_store)->Append(copy).ok());
  Engine old(**old_store, ExampleSop(), clock_);
  auto state = old.Load("p-9");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  EXPECT_EQ(state->assets.at("hero").size(), 2u);
  EXPECT_TRUE(state->asset_approvals.empty());
  EXPECT_EQ(AssetVersionStatus(*state, "hero", 2), "ready");
  EXPECT_FALSE(state->documents.at("brief").approvals.empty());
  auto history = old.AssetHistory("p-9", "hero");
  ASSERT_TRUE(history.ok());
  EXPECT_TRUE(history->versions[1].decisions.empty());
  EXPECT_EQ(history->status, "ready");
}

TEST_F(ProofsTest, ACheckLandsOnTheVersionItNames) {
  ApprovedAtTheReview("p-10");
  // A check of version 1 recorded after version 2 was uploaded (a check
  // run again later, or imported).
  store::Event check;
  check.campaign = "p-10";
  check.type = "asset_checked";
  check.activity = "Asset checked: hero";
  check.time_us = clock_.NowMicros();
  check.payload =
      nlohmann::json{{"asset", "hero"},
                     {"version", 1},
                     {"spec", "late-spec"},
                     {"passed", false},
                     {"rules", {{{"outcome", "failed"}, {"reason", "late"}}}}}
          .dump();
  store::AppendRequest request;
  request.campaign = "p-10";
  request.expected_version = store::kAnyVersion;
  request.events.push_back(check);
  ASSERT_TRUE(store_->Append(request).ok());
  Engine fresh(*store_, ExampleSop(), clock_);
  auto state = fresh.Load("p-10");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const std::vector<AssetVersion>& hero = state->assets.at("hero");
  ASSERT_EQ(hero.size(), 2u);
  EXPECT_EQ(hero[0].spec, "late-spec");
  EXPECT_EQ(hero[0].failures, std::vector<std::string>{"late"});
  EXPECT_NE(hero[1].spec, "late-spec");
}

}  // namespace
}  // namespace livesop::engine

#include "connect/import.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "connect/hook.h"
#include "core/time.h"
#include "core/webhook_signature.h"
#include "engine/test_util.h"

namespace livesop::connect {
namespace {

using engine::CampaignState;
using engine::ExampleSop;
using testing::HasSubstr;

int64_t At(std::string_view text) { return *ParseTimestamp(text); }

class ImportTest : public engine::EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    Result<CampaignState> state = SubmitLaunch("CMP-0142");
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    // Work on until an approval is awaited; its first approver is the
    // person who approves on WhatsApp below.
    CampaignState s = *state;
    for (int round = 0; round < 40; ++round) {
      const std::vector<engine::Awaited> awaited = engine_->AwaitedNow(s);
      ASSERT_FALSE(awaited.empty());
      if (awaited.front().decision) {
        approval_step_ = awaited.front().step;
        approver_ = awaited.front().people.front();
        break;
      }
      s = Round(s);
    }
    ASSERT_FALSE(approver_.empty());
    owner_ = s.owner;
    clock_.Set(At("2026-01-10T00:00:00Z"));
  }

  std::string NameOf(const std::string& person) {
    return ExampleSop().FindPerson(person)->name;
  }

  std::string Write(const std::string& name, const std::string& text) {
    std::string path = (dir_ / name).string();
    std::ofstream(path) << text;
    return path;
  }

  Result<ImportReport> Import(const std::string& path, bool dry_run = false) {
    ReadOptions read;
    read.time_zone = "Asia/Jakarta";
    read.date_order = "dmy";
    Result<Export> exported =
        ReadExport(*FindConnector("whatsapp"), path, read);
    if (!exported.ok()) return exported.status();
    ImportOptions options;
    options.actor = owner_;
    options.dry_run = dry_run;
    options.now_us = clock_.NowMicros();
    return ImportMessages(*store_, *engine_, ExampleSop(), *exported, options);
  }

  std::string Chat() {
    return "09/01/2026, 09:58 - Messages and calls are end-to-end "
           "encrypted.\n"
           "09/01/2026, 10:00 - " +
           NameOf(owner_) +
           ": Brief for CMP-0142 is in the drive, brief sent\n"
           "09/01/2026, 10:05 - " +
           NameOf(approver_) +
           ": approved 👍\n"
           "09/01/2026, 10:06 - +62 899-0000-0000: ok lanjut\n"
           "09/01/2026, 10:07 - " +
           NameOf(approver_) + ": launched?\n";
  }

  std::string approval_step_;
  std::string approver_;
  std::string owner_;
};

TEST_F(ImportTest, EachMessageEndsAsAnEventInReviewOrIgnored) {
  const std::string path = Write("WhatsApp Chat with Launch.txt", Chat());
  Result<ImportReport> report = Import(path);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->messages_read, 5);
  EXPECT_EQ(report->events, 2);
  EXPECT_EQ(report->review_queue, 1);
  EXPECT_EQ(report->ignored, 2);
  EXPECT_EQ(report->events + report->review_queue + report->ignored,
            report->messages_read);
  EXPECT_EQ(report->messages[0].reason, "system message");
  EXPECT_EQ(report->messages[2].step, approval_step_);
  EXPECT_THAT(report->messages[3].reason, HasSubstr("unknown sender"));
  EXPECT_THAT(report->messages[4].reason, HasSubstr("question"));
  EXPECT_EQ(report->unknown_senders.at("+62 899-0000-0000"), 1);

  const std::vector<store::Event> decided =
      EventsOf("CMP-0142", "approval_decided");
  ASSERT_FALSE(decided.empty());
  const store::Event& approval = decided.back();
  EXPECT_EQ(approval.resource, approver_);
  EXPECT_EQ(approval.source, "whatsapp");
  EXPECT_EQ(approval.deviation, "informal_approval");
  EXPECT_EQ(approval.time_us, At("2026-01-09T10:05:00+07:00"));
  EXPECT_THAT(approval.payload, HasSubstr("approved"));

  const std::vector<store::Event> side = EventsOf("CMP-0142", "side_activity");
  ASSERT_EQ(side.size(), 1u);
  EXPECT_EQ(side[0].activity, "Brief sent");
  EXPECT_EQ(side[0].resource, owner_);
  EXPECT_EQ(side[0].source, "whatsapp");
  const nlohmann::json payload = nlohmann::json::parse(side[0].payload);
  EXPECT_EQ(payload["evidence"]["zone"], "Asia/Jakarta");
  EXPECT_EQ(payload["evidence"]["utc_offset_minutes"], 420);
  EXPECT_EQ(payload["evidence"]["hash"].get<std::string>().size(), 64u);
  EXPECT_THAT(payload["evidence"]["text"].get<std::string>(),
              HasSubstr("Brief for CMP-0142"));
}

TEST_F(ImportTest, ImportingAgainOrAnOverlappingExportAddsNothing) {
  const std::string path = Write("WhatsApp Chat with Launch.txt", Chat());
  ASSERT_TRUE(Import(path).ok());
  const int64_t version = *store_->CampaignVersion("CMP-0142");
  Result<ImportReport> again = Import(path);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->events, 0);
  EXPECT_EQ(again->ignored, 5);
  EXPECT_EQ(again->already_imported, 5);
  EXPECT_EQ(*store_->CampaignVersion("CMP-0142"), version);

  // A later export of the same chat: only its new message is new.
  const std::string later =
      Write("WhatsApp Chat with Launch 2.txt",
            Chat() + "09/01/2026, 11:00 - " + NameOf(owner_) +
                ": key visual for IG is final, artwork done\n");
  ReadOptions read;
  read.time_zone = "Asia/Jakarta";
  read.date_order = "dmy";
  read.conversation = "Launch";
  Result<Export> exported = ReadExport(*FindConnector("whatsapp"), later, read);
  ASSERT_TRUE(exported.ok()) << exported.status().ToString();
  ImportOptions options;
  options.actor = owner_;
  options.now_us = clock_.NowMicros();
  Result<ImportReport> overlap =
      ImportMessages(*store_, *engine_, ExampleSop(), *exported, options);
  ASSERT_TRUE(overlap.ok()) << overlap.status().ToString();
  EXPECT_EQ(overlap->already_imported, 5);
  EXPECT_EQ(overlap->events, 1);
  EXPECT_EQ(EventsOf("CMP-0142", "side_activity").size(), 2u);
}

TEST_F(ImportTest, SeveralFilesImportInOrderEachOnce) {
  ReadOptions read;
  read.time_zone = "Asia/Jakarta";
  read.date_order = "dmy";
  read.conversation = "Launch";
  std::vector<Export> exports;
  for (const std::string& text :
       {Chat(), Chat() + "09/01/2026, 11:00 - " + NameOf(owner_) +
                    ": key visual for IG is final, artwork done\n"}) {
    Result<Export> exported =
        FindConnector("whatsapp")
            ->Parse("WhatsApp Chat with Launch.txt", text, read);
    ASSERT_TRUE(exported.ok()) << exported.status().ToString();
    exports.push_back(*exported);
  }
  ImportOptions options;
  options.actor = owner_;
  options.now_us = clock_.NowMicros();
  ImportAllResult all =
      ImportAll(*store_, *engine_, ExampleSop(), exports, options);
  ASSERT_TRUE(all.status.ok()) << all.status.ToString();
  ASSERT_EQ(all.reports.size(), 2u);
  EXPECT_EQ(all.reports[0].events, 2);
  // The second export repeats the first: matched while the first was
  // written, its repeated messages are still found imported.
  EXPECT_EQ(all.reports[1].already_imported, 5);
  EXPECT_EQ(all.reports[1].events, 1);
  EXPECT_EQ(EventsOf("CMP-0142", "side_activity").size(), 2u);

  // An importer who is no person imports nothing.
  Export changed = exports[0];
  changed.messages[1].text += " again";
  std::vector<Export> more = {changed, exports[1]};
  ImportOptions nobody = options;
  nobody.actor = "nobody";
  ImportAllResult failed =
      ImportAll(*store_, *engine_, ExampleSop(), more, nobody);
  EXPECT_EQ(failed.status.code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(failed.reports.empty());
}

TEST_F(ImportTest, ADryRunWritesNothing) {
  const std::string path = Write("WhatsApp Chat with Launch.txt", Chat());
  const int64_t version = *store_->CampaignVersion("CMP-0142");
  Result<ImportReport> report = Import(path, /*dry_run=*/true);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->events, 2);
  EXPECT_EQ(report->events_written, 0);
  EXPECT_EQ(*store_->CampaignVersion("CMP-0142"), version);
  EXPECT_TRUE(store_->SideMessages({})->empty());
  // The real import after it records everything.
  Result<ImportReport> real = Import(path);
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real->events, 2);
}

TEST_F(ImportTest, AnApprovalTheEngineRefusesWaitsInReview) {
  // A designer approving: no approval of the campaign asks designers.
  const std::string designer = PersonFor("graphic-designer");
  const std::string chat = "09/01/2026, 10:05 - " + NameOf(designer) +
                           ": CMP-0142 approved from my side\n";
  Result<ImportReport> report = Import(Write("WhatsApp Chat with X.txt", chat));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->messages[0].person, designer);
  EXPECT_EQ(report->events, 0);
  EXPECT_EQ(report->review_queue, 1);
  EXPECT_THAT(report->messages[0].reason, HasSubstr("not recorded"));
  EXPECT_THAT(report->messages[0].reason, HasSubstr(designer));
  EXPECT_TRUE(EventsOf("CMP-0142", "approval_held").empty());
}

TEST_F(ImportTest, TheReviewQueueIsSettledAndRemembered) {
  ASSERT_TRUE(Import(Write("WhatsApp Chat with Launch.txt", Chat())).ok());
  store::SideMessageQuery query;
  query.outcome = "review";
  query.unresolved_only = true;
  Result<std::vector<store::SideMessage>> queue = store_->SideMessages(query);
  ASSERT_TRUE(queue.ok());
  ASSERT_EQ(queue->size(), 1u);
  const std::string id = queue->front().hash.substr(0, 10);

  ReviewDecision decision;
  decision.actor = owner_;
  decision.campaign = "CMP-0142";
  decision.person = owner_;
  decision.activity = "launched";
  decision.remember = true;
  Result<store::SideMessage> settled = SettleReview(
      *store_, *engine_, ExampleSop(), id, decision, clock_.NowMicros());
  ASSERT_TRUE(settled.ok()) << settled.status().ToString();
  EXPECT_EQ(settled->outcome, "event");
  EXPECT_EQ(settled->resolution, "accepted");
  const std::vector<store::Event> side = EventsOf("CMP-0142", "side_activity");
  ASSERT_EQ(side.size(), 2u);
  EXPECT_EQ(side[1].activity, "Launched");
  EXPECT_EQ(side[1].resource, owner_);

  // Settled once only.
  EXPECT_EQ(SettleReview(*store_, *engine_, ExampleSop(), id, decision,
                         clock_.NowMicros())
                .status()
                .code(),
            StatusCode::kInvalidArgument);

  // The sender is now known to the next import.
  const std::string next =
      "09/01/2026, 12:00 - +62 899-0000-0000: CMP-0142 sudah tayang di IG\n";
  Result<ImportReport> report = Import(Write("WhatsApp Chat with Y.txt", next));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(report->messages[0].person, owner_);
  EXPECT_EQ(report->events, 1);

  // Dismissing needs a reason.
  ReviewDecision dismiss;
  dismiss.actor = owner_;
  dismiss.accept = false;
  EXPECT_FALSE(SettleReview(*store_, *engine_, ExampleSop(), id, dismiss,
                            clock_.NowMicros())
                   .ok());
}

TEST_F(ImportTest, ATrackersStatusChangesBetweenExportsBecomeEvents) {
  const auto import_sheet = [&](const std::string& as_of,
                                const std::string& status) {
    const std::string csv =
        "Code,Campaign,Owner,Status\nCMP-0142,Spring "
        "launch," +
        NameOf(approver_) + "," + status + "\n";
    ReadOptions read;
    read.time_zone = "Asia/Jakarta";
    read.settings = {"as_of=" + as_of};
    Result<Export> exported =
        FindConnector("sheet")->Parse("tracker.csv", csv, read);
    EXPECT_TRUE(exported.ok()) << exported.status().ToString();
    ImportOptions options;
    options.actor = owner_;
    options.now_us = clock_.NowMicros();
    return ImportMessages(*store_, *engine_, ExampleSop(), *exported, options);
  };
  // The first export records the row's status as it stands.
  Result<ImportReport> first = import_sheet("2026-01-08T10:00", "In design");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->events, 1);
  const std::vector<store::Event> side = EventsOf("CMP-0142", "side_activity");
  ASSERT_EQ(side.size(), 1u);
  EXPECT_EQ(side[0].activity, "Status: In design");
  EXPECT_EQ(side[0].source, "sheet");
  EXPECT_EQ(side[0].time_us, At("2026-01-08T10:00:00+07:00"));

  // A week later the status says approved: the owner's approval.
  Result<ImportReport> second = import_sheet("2026-01-09T10:00", "Approved");
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(second->events, 1);
  EXPECT_EQ(second->messages[0].activity, "approval");
  EXPECT_EQ(second->messages[0].step, approval_step_);
  EXPECT_EQ(EventsOf("CMP-0142", "approval_decided").back().resource,
            approver_);

  // The next export with the same status adds nothing.
  Result<ImportReport> third = import_sheet("2026-01-09T18:00", "Approved");
  ASSERT_TRUE(third.ok()) << third.status().ToString();
  EXPECT_EQ(third->events, 0);
  EXPECT_EQ(third->ignored, 1);
  EXPECT_THAT(third->messages[0].reason, HasSubstr("unchanged"));

  // A tracker without the status column is refused.
  ReadOptions read;
  read.settings = {"as_of=2026-01-09T18:00"};
  Result<Export> no_status = FindConnector("sheet")->Parse(
      "other.csv", "Code,State\nCMP-0142,Live\n", read);
  ASSERT_TRUE(no_status.ok());
  ImportOptions options;
  options.actor = owner_;
  Result<ImportReport> refused =
      ImportMessages(*store_, *engine_, ExampleSop(), *no_status, options);
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(refused.status().message(), HasSubstr("status_column"));
}

TEST_F(ImportTest, AnImporterWhoIsNotAPersonIsRefused) {
  ReadOptions read;
  read.date_order = "dmy";
  Result<Export> exported =
      ReadExport(*FindConnector("whatsapp"),
                 Write("WhatsApp Chat with Launch.txt", Chat()), read);
  ASSERT_TRUE(exported.ok());
  ImportOptions options;
  options.actor = "nobody";
  Result<ImportReport> report =
      ImportMessages(*store_, *engine_, ExampleSop(), *exported, options);
  ASSERT_FALSE(report.ok());
  EXPECT_THAT(report.status().message(), HasSubstr("--as"));
  EXPECT_TRUE(store_->SideMessages({})->empty());
}

// Inbound hooks: a delivery signed with the hook's secret is imported as
// the webhook connector reads it; anything else imports nothing.
class HookTest : public ImportTest {
 protected:
  void SetUp() override {
    ImportTest::SetUp();
    Result<store::SideHook> hook = AddHook(*store_, ExampleSop(), "asana",
                                           owner_, owner_, clock_.NowMicros());
    ASSERT_TRUE(hook.ok()) << hook.status().ToString();
    secret_ = hook->secret;
  }

  std::string Body() {
    return R"({"conversation": "Campaign board", "messages": [
      {"id": "c-1", "time": "2026-01-09T10:05:00+07:00",
       "sender": ")" +
           ExampleSop().FindPerson(approver_)->email +
           R"(", "text": "Approved, go ahead",
       "fields": {"campaign": "CMP-0142"}},
      {"id": "c-2", "time": "2026-01-09T10:06:00+07:00",
       "sender": "bot@tool.example", "text": "Task moved", "kind": "system"}
    ]})";
  }

  HookDelivery Signed(const std::string& body, int64_t at_s) {
    HookDelivery d;
    d.name = "asana";
    d.id = "msg_1";
    d.timestamp = std::to_string(at_s);
    d.signature = *SignWebhook(secret_, d.id, at_s, body);
    d.body = body;
    return d;
  }

  Result<ImportReport> Receive(const HookDelivery& delivery) {
    return ReceiveHook(*store_, *engine_, ExampleSop(), delivery,
                       clock_.NowMicros(), HookSettings{});
  }

  std::string secret_;
};

TEST_F(HookTest, ASignedDeliveryIsImportedOnceThroughTheEngine) {
  const int64_t now_s = clock_.NowMicros() / 1'000'000;
  Result<ImportReport> report = Receive(Signed(Body(), now_s));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->messages_read, 2);
  EXPECT_EQ(report->events, 1);
  EXPECT_EQ(report->ignored, 1);
  const std::vector<store::Event> decided =
      EventsOf("CMP-0142", "approval_decided");
  ASSERT_FALSE(decided.empty());
  EXPECT_EQ(decided.back().resource, approver_);
  EXPECT_EQ(decided.back().source, "webhook");
  EXPECT_EQ(decided.back().deviation, "informal_approval");
  // The evidence says which hook and delivery it came by.
  EXPECT_THAT(decided.back().payload,
              HasSubstr("hook asana delivery msg_1 message 1"));

  // The sender retries the delivery: nothing is imported twice.
  const int64_t version = *store_->CampaignVersion("CMP-0142");
  Result<ImportReport> again = Receive(Signed(Body(), now_s + 30));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->already_imported, 2);
  EXPECT_EQ(*store_->CampaignVersion("CMP-0142"), version);
}

TEST_F(HookTest, UnsignedStaleWrongOrRevokedDeliveriesImportNothing) {
  const int64_t now_s = clock_.NowMicros() / 1'000'000;
  const auto code_of = [&](const HookDelivery& d) {
    return Receive(d).status().code();
  };
  HookDelivery tampered = Signed(Body(), now_s);
  tampered.body.replace(tampered.body.find("Approved"), 8, "Rejected");
  EXPECT_EQ(code_of(tampered), StatusCode::kUnauthenticated);
  HookDelivery unsigned_delivery = Signed(Body(), now_s);
  unsigned_delivery.signature.clear();
  EXPECT_EQ(code_of(unsigned_delivery), StatusCode::kUnauthenticated);
  EXPECT_EQ(code_of(Signed(Body(), now_s - 600)), StatusCode::kUnauthenticated);
  HookDelivery other = Signed(Body(), now_s);
  other.name = "jira";
  EXPECT_EQ(code_of(other), StatusCode::kNotFound);
  // A bad body, signed: refused naming the message, nothing written.
  Result<ImportReport> bad = Receive(Signed(
      R"([{"id": "c-9", "time": "2026-01-09 10:00", "sender": "x"}])", now_s));
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(),
              HasSubstr("hook asana delivery msg_1 message 1"));
  EXPECT_TRUE(store_->SideMessages({})->empty());

  ASSERT_TRUE(store_->RevokeSideHook("asana", clock_.NowMicros()).ok());
  Result<ImportReport> revoked = Receive(Signed(Body(), now_s));
  EXPECT_EQ(revoked.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(revoked.status().message(), "no hook asana");
  EXPECT_TRUE(store_->SideMessages({})->empty());
}

TEST_F(HookTest, AHookNeedsAPersonAndAFreeName) {
  EXPECT_EQ(
      AddHook(*store_, ExampleSop(), "jira", "nobody", "x", 1).status().code(),
      StatusCode::kInvalidArgument);
  EXPECT_EQ(AddHook(*store_, ExampleSop(), "asana", owner_, owner_, 1)
                .status()
                .code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(AddHook(*store_, ExampleSop(), "Bad Name", owner_, owner_, 1)
                .status()
                .code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace livesop::connect

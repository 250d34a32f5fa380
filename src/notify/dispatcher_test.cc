#include "notify/dispatcher.h"
#include "notify/inbox.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/time.h"
#include "notify/test_util.h"

namespace livesop::notify {
namespace {

namespace fs = std::filesystem;
using testing::ElementsAre;
using testing::HasSubstr;
using Json = nlohmann::json;

constexpr int64_t kSecond = 1000000;
constexpr int64_t kHour = 3600 * kSecond;
constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

int64_t At(const char* iso) { return *ParseTimestamp(iso); }

// Two reviewers with email, one without, a manager outside the role; the
// office in Jakarta (UTC+7).
sop::Definition Sop() {
  sop::Definition d;
  sop::BusinessCalendar jakarta;
  jakarta.id = "jakarta";
  jakarta.timezone = "Asia/Jakarta";
  d.calendars.push_back(jakarta);
  sop::Role reviewer;
  reviewer.id = "reviewer";
  d.roles.push_back(reviewer);
  auto person = [&](const char* id, const char* email,
                    std::vector<std::string> roles) {
    sop::Person p;
    p.id = id;
    p.email = email;
    p.roles = std::move(roles);
    p.calendar = "jakarta";
    d.people.push_back(p);
  };
  person("sari", "sari@lumina.example", {"reviewer"});
  person("dimas", "dimas@lumina.example", {"reviewer"});
  person("budi", "", {"reviewer"});
  person("ana", "ana@lumina.example", {});
  return d;
}

class DispatcherTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("livesop-notify-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Result<std::unique_ptr<store::Store>> opened =
        store::OpenStore((dir_ / "store.db").string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(*opened);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }

  // Appends a notification_sent to `recipients` at `time_us`; its position.
  int64_t Notify(std::vector<std::string> recipients, int64_t time_us,
                 const std::string& subject = "Review the brief") {
    store::Event e;
    e.campaign = "spring";
    e.type = "notification_sent";
    e.activity = "Mention";
    e.time_us = time_us;
    e.payload = Json{{"recipients", recipients},
                     {"subject", subject},
                     {"body", "Please look at it today."},
                     {"task", "spring/review"}}
                    .dump();
    store::AppendRequest request;
    request.campaign = "spring";
    request.events = {e};
    Result<store::AppendResult> appended = store_->Append(request);
    EXPECT_TRUE(appended.ok()) << appended.status().ToString();
    return appended.ok() ? appended->last_position : 0;
  }

  int64_t AddEvent(const std::string& type, int64_t time_us) {
    store::Event e;
    e.campaign = "spring";
    e.type = type;
    e.activity = type;
    e.time_us = time_us;
    store::AppendRequest request;
    request.campaign = "spring";
    request.events = {e};
    return store_->Append(request)->last_position;
  }

  std::map<std::string, store::Delivery> Outbox() {
    std::map<std::string, store::Delivery> out;
    Result<std::vector<store::Delivery>> all = store_->Deliveries({});
    EXPECT_TRUE(all.ok()) << all.status().ToString();
    if (!all.ok()) return out;
    for (store::Delivery& d : *all) out[d.key] = d;
    return out;
  }

  std::vector<std::string> Keys() {
    std::vector<std::string> out;
    for (const auto& [key, unused] : Outbox()) out.push_back(key);
    return out;
  }

  void AddEndpoint(const std::string& url,
                   std::vector<std::string> types = {}) {
    store::WebhookEndpoint endpoint;
    endpoint.id = "wh_test";
    endpoint.url = url;
    endpoint.secret = kSecret;
    endpoint.event_types = std::move(types);
    ASSERT_TRUE(store_->AddWebhookEndpoint(endpoint).ok());
  }

  fs::path dir_;
  std::unique_ptr<store::Store> store_;
  sop::Definition sop_ = Sop();
  FakeClock clock_{At("2026-06-01T03:00:00Z")};
};

TEST(RetryDelayTest, BacksOffThenCaps) {
  EXPECT_EQ(RetryDelayUs(1), 30 * kSecond);
  EXPECT_EQ(RetryDelayUs(2), 120 * kSecond);
  EXPECT_EQ(RetryDelayUs(3), 600 * kSecond);
  EXPECT_EQ(RetryDelayUs(4), kHour);
  EXPECT_EQ(RetryDelayUs(5), 4 * kHour);
  EXPECT_EQ(RetryDelayUs(6), 12 * kHour);
  EXPECT_EQ(RetryDelayUs(60), 12 * kHour);
}

TEST_F(DispatcherTest, RolesAreExpandedToTheirHoldersWithEmail) {
  Dispatcher dispatcher(*store_, sop_, clock_, {});
  std::vector<std::string> named;
  for (const sop::Person* p : dispatcher.PeopleNamedBy("reviewer")) {
    named.push_back(p->id);
  }
  EXPECT_THAT(named, ElementsAre("sari", "dimas", "budi"));
  EXPECT_EQ(dispatcher.PeopleNamedBy("ana").size(), 1u);
  EXPECT_TRUE(dispatcher.PeopleNamedBy("nobody").empty());

  // The role and one of its holders by name: one email each, none for the
  // holder without an address or for an unknown name.
  const int64_t position =
      Notify({"reviewer", "sari", "nobody"}, clock_.NowMicros());
  Result<EnqueueCounts> counts = dispatcher.Enqueue();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->events, 1);
  EXPECT_EQ(counts->enqueued, 2);
  const std::string p = std::to_string(position);
  EXPECT_THAT(Keys(),
              ElementsAre("email:" + p + ":dimas", "email:" + p + ":sari"));
  store::Delivery sari = Outbox()["email:" + p + ":sari"];
  EXPECT_EQ(sari.channel, "email");
  EXPECT_EQ(sari.target, "sari@lumina.example");
  EXPECT_EQ(sari.subject, "Review the brief");
  EXPECT_THAT(sari.body, HasSubstr("Please look at it today."));
  EXPECT_THAT(sari.body, HasSubstr("Campaign: spring"));
}

TEST_F(DispatcherTest, PreferencesOffAndDailySendNoImmediateEmail) {
  ASSERT_TRUE(store_->SetNotifyPreference({"sari", "off", 8, 0}).ok());
  ASSERT_TRUE(store_->SetNotifyPreference({"dimas", "daily", 8, 0}).ok());
  Dispatcher dispatcher(*store_, sop_, clock_, {});
  Notify({"reviewer", "ana"}, clock_.NowMicros());
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  std::vector<std::string> keys = Keys();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_THAT(keys[0], testing::EndsWith(":ana"));
}

TEST_F(DispatcherTest, EnqueueTwiceOrAfterARestartAddsNothingTwice) {
  AddEndpoint("http://127.0.0.1:9/hooks", {"task_created"});
  Notify({"sari"}, clock_.NowMicros());
  AddEvent("task_created", clock_.NowMicros());
  AddEvent("task_completed", clock_.NowMicros());
  {
    Dispatcher dispatcher(*store_, sop_, clock_, {});
    EXPECT_EQ(dispatcher.Enqueue()->enqueued, 2);
    Result<EnqueueCounts> again = dispatcher.Enqueue();
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(again->events, 0);
    EXPECT_EQ(again->enqueued, 0);
  }
  EXPECT_EQ(*store_->DispatchCursor("notify"), 3);
  // A dispatcher that lost its cursor reads every event again: the keys
  // keep the outbox as it was.
  DispatcherOptions lost;
  lost.cursor = "restarted";
  Dispatcher restarted(*store_, sop_, clock_, {}, lost);
  Result<EnqueueCounts> counts = restarted.Enqueue();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->events, 3);
  EXPECT_EQ(counts->enqueued, 0);
  EXPECT_EQ(Keys().size(), 2u);
  // A small batch goes on where the last pass stopped.
  DispatcherOptions small;
  small.cursor = "small";
  small.max_events = 2;
  Dispatcher stepwise(*store_, sop_, clock_, {}, small);
  EXPECT_EQ(stepwise.Enqueue()->events, 2);
  EXPECT_EQ(*store_->DispatchCursor("small"), 2);
  EXPECT_EQ(stepwise.Enqueue()->events, 1);
  EXPECT_EQ(*store_->DispatchCursor("small"), 3);
}

TEST_F(DispatcherTest, DigestIsMadeOnceADayAfterTheLocalHour) {
  // 08:00 in Jakarta is 01:00 UTC.
  ASSERT_TRUE(store_->SetNotifyPreference({"sari", "daily", 8, 0}).ok());
  clock_.Set(At("2026-05-31T12:00:00Z"));
  Notify({"sari"}, At("2026-05-31T12:00:00Z"), "Brief ready");
  Notify({"reviewer"}, At("2026-05-31T20:00:00Z"), "Review due");
  Dispatcher dispatcher(*store_, sop_, clock_, {});
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  // Sari is in daily mode: no email of her own; Dimas, the other reviewer,
  // has his at once. Yesterday's digest had nothing to list.
  EXPECT_THAT(Keys(), ElementsAre("email:2:dimas"));

  clock_.Set(At("2026-06-01T00:59:59Z"));  // 07:59:59 in Jakarta
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  EXPECT_THAT(Keys(), ElementsAre("email:2:dimas"));

  clock_.Set(At("2026-06-01T01:00:00Z"));
  Result<EnqueueCounts> counts = dispatcher.Enqueue();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->enqueued, 1);
  store::Delivery digest = Outbox()["digest:sari:2026-06-01"];
  EXPECT_EQ(digest.channel, "digest");
  EXPECT_EQ(digest.target, "sari@lumina.example");
  EXPECT_THAT(digest.subject, HasSubstr("2 notifications"));
  EXPECT_THAT(digest.body, HasSubstr("Brief ready"));
  EXPECT_THAT(digest.body, HasSubstr("Review due"));

  clock_.Set(At("2026-06-01T16:00:00Z"));  // 23:00 the same day
  Notify({"sari"}, At("2026-06-01T05:00:00Z"), "Launch moved");
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  EXPECT_EQ(Outbox().count("digest:sari:2026-06-02"), 0u);
  EXPECT_EQ(Outbox().size(), 2u);

  clock_.Set(At("2026-06-02T01:30:00Z"));  // 08:30 the next day
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  digest = Outbox()["digest:sari:2026-06-02"];
  EXPECT_THAT(digest.subject, HasSubstr("1 notification"));
  EXPECT_THAT(digest.body, HasSubstr("Launch moved"));
  EXPECT_THAT(digest.body, testing::Not(HasSubstr("Brief ready")));
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  EXPECT_EQ(Outbox().size(), 3u);
}

class DeliveryTest : public DispatcherTest {
 protected:
  void SetUp() override {
    DispatcherTest::SetUp();
    webhook_ = std::make_unique<WebhookReceiver>(dir_, kSecret);
    ASSERT_GT(webhook_->port(), 0) << "the webhook receiver did not start";
    smtp_ = std::make_unique<SmtpReceiver>(dir_);
    ASSERT_GT(smtp_->port(), 0) << "the SMTP receiver did not start";
    channels_.smtp_url = smtp_->url();
    channels_.mail_from = "livesop@lumina.example";
    channels_.timeout_ms = 1000;
  }
  void TearDown() override {
    webhook_.reset();
    smtp_.reset();
    DispatcherTest::TearDown();
  }

  std::unique_ptr<WebhookReceiver> webhook_;
  std::unique_ptr<SmtpReceiver> smtp_;
  ChannelSettings channels_;
};

TEST_F(DeliveryTest, AWebhookAnswering500ThenOkIsDeliveredOnceAfterARetry) {
  AddEndpoint(webhook_->url(), {"task_created"});
  const int64_t position = AddEvent("task_created", clock_.NowMicros());
  Dispatcher dispatcher(*store_, sop_, clock_, channels_);
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  webhook_->Answer("500");
  Result<DeliverCounts> counts = dispatcher.Deliver();
  ASSERT_TRUE(counts.ok()) << counts.status().ToString();
  EXPECT_EQ(counts->failed, 1);
  const std::string key = "webhook:wh_test:" + std::to_string(position);
  store::Delivery row = Outbox()[key];
  EXPECT_EQ(row.status, "pending");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_THAT(row.last_error, HasSubstr("HTTP 500"));
  EXPECT_EQ(row.next_attempt_us, clock_.NowMicros() + 30 * kSecond);

  webhook_->Answer("200");
  EXPECT_EQ(dispatcher.Deliver()->sent, 0) << "not due before its backoff";
  clock_.Advance(30 * kSecond);
  EXPECT_EQ(dispatcher.Deliver()->sent, 1);
  clock_.Advance(kHour);
  EXPECT_EQ(dispatcher.Deliver()->sent, 0);
  EXPECT_EQ(Outbox()[key].status, "sent");

  std::vector<Json> requests = webhook_->Requests();
  ASSERT_EQ(requests.size(), 2u);
  for (const Json& r : requests) {
    EXPECT_EQ(r["id"], key);
    EXPECT_TRUE(r["verified"].get<bool>()) << r.dump();
    EXPECT_EQ(r["content_type"], "application/json");
    EXPECT_EQ(Json::parse(r["body"].get<std::string>())["type"],
              "task_created");
  }
  EXPECT_EQ(requests[0]["status"], 500);
  EXPECT_EQ(requests[1]["status"], 200);
  // Each attempt is signed with its own time.
  EXPECT_EQ(std::stoll(requests[1]["timestamp"].get<std::string>()) -
                std::stoll(requests[0]["timestamp"].get<std::string>()),
            30);
}

TEST_F(DeliveryTest, ADownEndpointEndsDeadAndReplayDeliversIt) {
  AddEndpoint(webhook_->url());
  AddEvent("campaign_completed", clock_.NowMicros());
  DispatcherOptions options;
  options.max_attempts = 4;
  Dispatcher dispatcher(*store_, sop_, clock_, channels_, options);
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  webhook_->Answer("503");
  DeliverCounts total;
  for (int attempt = 1; attempt <= 4; ++attempt) {
    Result<DeliverCounts> counts = dispatcher.Deliver();
    ASSERT_TRUE(counts.ok());
    total.failed += counts->failed;
    total.dead += counts->dead;
    clock_.Advance(RetryDelayUs(attempt));
  }
  EXPECT_EQ(total.failed, 3);
  EXPECT_EQ(total.dead, 1);
  std::vector<store::Delivery> dead = *store_->Deliveries({"dead", 10});
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].attempts, 4);
  EXPECT_THAT(dead[0].last_error, HasSubstr("HTTP 503"));
  clock_.Advance(24 * kHour);
  EXPECT_EQ(dispatcher.Deliver()->sent, 0) << "dead stays dead";

  webhook_->Answer("200");
  ASSERT_EQ(*store_->ReplayDeadDeliveries(clock_.NowMicros()), 1);
  EXPECT_EQ(dispatcher.Deliver()->sent, 1);
  EXPECT_EQ(webhook_->Requests().size(), 5u);
  EXPECT_TRUE(webhook_->Requests().back()["verified"].get<bool>());
}

TEST_F(DeliveryTest, ASlowReceiverTimesOutAndIsRetried) {
  AddEndpoint(webhook_->url());
  AddEvent("task_created", clock_.NowMicros());
  Dispatcher dispatcher(*store_, sop_, clock_, channels_);
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  webhook_->Answer("sleep 3");
  EXPECT_EQ(dispatcher.Deliver()->failed, 1);
  std::vector<store::Delivery> rows = *store_->Deliveries({"pending", 10});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].last_error, HasSubstr("imeout"));
  webhook_->Answer("200");
  clock_.Advance(30 * kSecond);
  EXPECT_EQ(dispatcher.Deliver()->sent, 1);
}

TEST_F(DeliveryTest, RefusedEmailIsRecordedRetriedThenArrives) {
  const int64_t position = Notify({"sari"}, clock_.NowMicros(),
                                  "Persetujuan diperlukan — “Ramadan”");
  Dispatcher dispatcher(*store_, sop_, clock_, channels_);
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  smtp_->Refuse("sari@lumina.example");
  EXPECT_EQ(dispatcher.Deliver()->failed, 1);
  const std::string key = "email:" + std::to_string(position) + ":sari";
  EXPECT_THAT(Outbox()[key].last_error, HasSubstr("550"));
  EXPECT_TRUE(smtp_->Messages().empty());

  smtp_->AcceptAll();
  clock_.Advance(30 * kSecond);
  EXPECT_EQ(dispatcher.Deliver()->sent, 1);
  std::vector<std::string> mail = smtp_->Messages();
  ASSERT_EQ(mail.size(), 1u);
  EXPECT_THAT(mail[0], HasSubstr("To: sari@lumina.example"));
  EXPECT_THAT(mail[0], HasSubstr("From: livesop@lumina.example"));
  EXPECT_THAT(mail[0], HasSubstr("Message-ID: <email." +
                                 std::to_string(position) + ".sari@livesop>"));
  EXPECT_THAT(mail[0], HasSubstr("Subject: =?UTF-8?B?"));
  clock_.Advance(kHour);
  EXPECT_EQ(dispatcher.Deliver()->sent, 0);
  EXPECT_EQ(smtp_->Messages().size(), 1u);
}

TEST_F(DeliveryTest, WithoutAnSmtpServerEmailWaitsInTheOutbox) {
  Notify({"sari"}, clock_.NowMicros());
  Dispatcher dispatcher(*store_, sop_, clock_, {});
  ASSERT_TRUE(dispatcher.Enqueue().ok());
  EXPECT_EQ(dispatcher.Deliver()->failed, 1);
  std::vector<store::Delivery> rows = *store_->Deliveries({"pending", 10});
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_THAT(rows[0].last_error, HasSubstr("no SMTP server"));
}

TEST_F(DeliveryTest, TestSendsGoOutAtOnce) {
  AddEndpoint(webhook_->url());
  Dispatcher dispatcher(*store_, sop_, clock_, channels_);
  ASSERT_TRUE(dispatcher.SendTest("wh_test").ok());
  ASSERT_EQ(webhook_->Requests().size(), 1u);
  EXPECT_TRUE(webhook_->Requests()[0]["verified"].get<bool>());
  ASSERT_TRUE(dispatcher.SendTest("ana@lumina.example").ok());
  ASSERT_EQ(smtp_->Messages().size(), 1u);
  EXPECT_EQ(dispatcher.SendTest("wh_nope").code(), StatusCode::kNotFound);
  EXPECT_EQ(dispatcher.SendTest("a b@c").code(), StatusCode::kInvalidArgument);
  webhook_->Answer("500");
  EXPECT_THAT(dispatcher.SendTest("wh_test").message(), HasSubstr("HTTP 500"));
  EXPECT_TRUE(Outbox().empty()) << "tests leave the outbox alone";
}

// The inbox gathers a person's items and their roles', by campaign; marking
// read is one event per item, once.
TEST_F(DispatcherTest, InboxGathersPersonAndRoleItemsAndMarksThemReadOnce) {
  const sop::Definition sop = Sop();
  Notify({"sari"}, At("2026-03-02T02:00:00Z"), "For Sari");
  Notify({"reviewer"}, At("2026-03-02T03:00:00Z"), "For reviewers");
  Notify({"ana"}, At("2026-03-02T04:00:00Z"), "For Ana");
  auto inbox = InboxOf(*store_, sop, "sari", /*unread_only=*/true);
  ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
  ASSERT_EQ(inbox->size(), 1u);
  const std::vector<store::InboxItem>& items = inbox->at("spring");
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].subject, "For reviewers");  // newest first
  EXPECT_EQ(items[1].subject, "For Sari");

  auto wrong =
      MarkRead(*store_, sop, "sari", {"1:ana"}, At("2026-03-02T05:00:00Z"));
  EXPECT_EQ(wrong.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(wrong.status().message(), HasSubstr("livesop inbox sari"));
  auto unknown = InboxOf(*store_, sop, "sary", false);
  EXPECT_EQ(unknown.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(unknown.status().message(), HasSubstr("did you mean sari"));

  auto marked = MarkRead(*store_, sop, "sari", {}, At("2026-03-02T05:00:00Z"));
  ASSERT_TRUE(marked.ok()) << marked.status().ToString();
  EXPECT_EQ(*marked, 2);
  auto again = MarkRead(*store_, sop, "sari", {}, At("2026-03-02T06:00:00Z"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  auto unread = InboxOf(*store_, sop, "sari", true);
  ASSERT_TRUE(unread.ok());
  EXPECT_TRUE(unread->empty());
  // Ana's item is hers alone and still unread.
  auto ana = InboxOf(*store_, sop, "ana", true);
  ASSERT_TRUE(ana.ok());
  ASSERT_EQ(ana->size(), 1u);
  EXPECT_EQ(ana->at("spring").front().subject, "For Ana");
}

}  // namespace
}  // namespace livesop::notify

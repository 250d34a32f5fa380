// The server on loopback, talked to with httplib's client: a feed's URL
// gives its calendar with an ETag and 304 on a match; revoked, unknown and
// malformed tokens and paths that try to climb out of /ical/ get the same
// JSON 404; tokens never reach the log. Port 0 throughout, so runs never
// collide.
#include "server/server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "connect/hook.h"
#include "core/webhook_signature.h"
#include "engine/calendar_feeds.h"
#include "engine/test_util.h"

namespace livesop::server {
namespace {

using testing::HasSubstr;
using testing::Not;

class ServerTest : public engine::EngineFixture {
 protected:
  void SetUp() override {
    EngineFixture::SetUp();
    ASSERT_TRUE(SubmitLaunch("c1").ok());
    engine::CalendarFeedRequest request;
    request.scope = {"campaign", "c1"};
    Result<engine::NewCalendarFeed> made = engine::CreateCalendarFeed(
        *store_, engine::ExampleSop(), request, clock_.NowMicros());
    ASSERT_TRUE(made.ok()) << made.status().ToString();
    feed_ = *made;

    ServerOptions options;
    options.port = 0;
    options.db_url = (dir_ / "livesop.db").string();
    options.clock = &clock_;
    options.threads = 2;
    options.log = &log_;
    Result<std::unique_ptr<Server>> server =
        Server::Create(engine::ExampleSop(), options);
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
    ASSERT_GT(server_->port(), 0);
    serving_ = std::thread([this] { served_ = server_->Serve(); });
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_connection_timeout(5);
    client_->set_read_timeout(10);
  }

  void TearDown() override {
    StopServer();
    EngineFixture::TearDown();
  }

  // Stops the server and waits for Serve to return: after it, every
  // request's log line is written.
  void StopServer() {
    if (server_ == nullptr) return;
    server_->Stop();
    serving_.join();
    EXPECT_TRUE(served_.ok()) << served_.ToString();
    server_.reset();
  }

  std::string FeedPath() const { return "/ical/" + feed_.token + ".ics"; }

  // A 404 whose body is the JSON error with code not_found.
  void ExpectNotFound(const std::string& path) {
    httplib::Result res = client_->Get(path);
    ASSERT_TRUE(res) << path << ": " << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 404) << path;
    EXPECT_THAT(res->get_header_value("Content-Type"),
                HasSubstr("application/json"))
        << path;
    EXPECT_THAT(res->body, Not(HasSubstr("BEGIN:VCALENDAR"))) << path;
    nlohmann::json body = nlohmann::json::parse(res->body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << path << ": " << res->body;
    EXPECT_EQ(body["error"]["code"], "not_found") << path;
    EXPECT_TRUE(body["error"]["message"].is_string()) << path;
  }

  engine::NewCalendarFeed feed_;
  std::ostringstream log_;
  std::unique_ptr<Server> server_;
  std::thread serving_;
  Status served_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(ServerTest, ServesTheFeedWithCachingHeaders) {
  httplib::Result res = client_->Get(FeedPath());
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type"),
            "text/calendar; charset=utf-8");
  EXPECT_EQ(res->get_header_value("Cache-Control"), "private, max-age=300");
  EXPECT_THAT(res->get_header_value("ETag"),
              testing::MatchesRegex("\"[0-9a-f]{64}\""));
  EXPECT_THAT(res->body, testing::StartsWith("BEGIN:VCALENDAR\r\n"));
  EXPECT_THAT(res->body, HasSubstr("X-WR-CALNAME:Marketing calendar of "
                                   "campaign c1"));
  EXPECT_THAT(res->body, HasSubstr("UID:c1/launch@livesop"));
  EXPECT_THAT(res->body, HasSubstr("BEGIN:VTODO"));
}

TEST_F(ServerTest, MatchingETagIsNotModified) {
  httplib::Result first = client_->Get(FeedPath());
  ASSERT_TRUE(first);
  const std::string etag = first->get_header_value("ETag");
  ASSERT_FALSE(etag.empty());
  // Later, the same content: the same ETag, so a 304 without a body.
  clock_.Advance(int64_t{120} * 1000000);
  for (const std::string& header :
       {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    httplib::Result res = client_->Get(FeedPath(), {{"If-None-Match", header}});
    ASSERT_TRUE(res) << header;
    EXPECT_EQ(res->status, 304) << header;
    EXPECT_TRUE(res->body.empty()) << header;
    EXPECT_EQ(res->get_header_value("ETag"), etag) << header;
  }
  httplib::Result other =
      client_->Get(FeedPath(), {{"If-None-Match", "\"other\""}});
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 200);
  EXPECT_EQ(other->body, first->body);
  // A change in the campaign changes the body and so the ETag.
  Round(*engine_->Load("c1"));
  httplib::Result changed = client_->Get(FeedPath(), {{"If-None-Match", etag}});
  ASSERT_TRUE(changed);
  EXPECT_EQ(changed->status, 200);
  EXPECT_NE(changed->get_header_value("ETag"), etag);
}

TEST_F(ServerTest, RevokedFeedIsNotFound) {
  httplib::Result before = client_->Get(FeedPath());
  ASSERT_TRUE(before);
  EXPECT_EQ(before->status, 200);
  ASSERT_TRUE(
      store_->RevokeCalendarFeed(feed_.feed.id, clock_.NowMicros()).ok());
  ExpectNotFound(FeedPath());
  httplib::Result res = client_->Get(FeedPath());
  ASSERT_TRUE(res);
  EXPECT_EQ(nlohmann::json::parse(res->body)["error"]["message"],
            "no such calendar feed");
}

TEST_F(ServerTest, GarbageTokensAndPathsThatClimbOutAreNotFound) {
  std::string unknown = feed_.token;
  unknown[0] = unknown[0] == 'A' ? 'B' : 'A';
  for (const std::string& path :
       {"/ical/" + unknown + ".ics", std::string("/ical/garbage.ics"),
        std::string("/ical/.ics"), std::string("/ical/../x"),
        std::string("/ical/../../etc/passwd.ics"),
        std::string("/ical/..%2F..%2Fetc%2Fpasswd.ics"),
        std::string("/ical/%2e%2e/x.ics"), "/ical/" + feed_.token,
        "/ical/" + feed_.token + ".ics/x", std::string("/"),
        std::string("/api/feeds")}) {
    ExpectNotFound(path);
  }
  // The real token still works after all that.
  httplib::Result res = client_->Get(FeedPath());
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
}

TEST_F(ServerTest, HealthzAnswers) {
  httplib::Result res = client_->Get("/healthz");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(nlohmann::json::parse(res->body)["status"], "ok");
}

TEST_F(ServerTest, TheLogNeverHoldsATokenOrItsHash) {
  ASSERT_TRUE(client_->Get(FeedPath()));
  ASSERT_TRUE(client_->Get("/ical/" + feed_.feed.token_hash + ".ics"));
  ASSERT_TRUE(client_->Get("/healthz"));
  // httplib logs a request after answering it.
  StopServer();
  const std::string log = log_.str();
  EXPECT_THAT(log, HasSubstr("GET /ical/[token].ics 200"));
  EXPECT_THAT(log, HasSubstr("GET /ical/[token].ics 404"));
  EXPECT_THAT(log, HasSubstr("GET /healthz 200"));
  EXPECT_THAT(log, Not(HasSubstr(feed_.token)));
  EXPECT_THAT(log, Not(HasSubstr(feed_.feed.token_hash)));
}

// POST /hooks/side/NAME: a delivery signed with the hook's secret.
httplib::Result PostHook(httplib::Client& client, const std::string& name,
                         const std::string& secret, const std::string& body,
                         int64_t at_s) {
  const std::string signature = *SignWebhook(secret, "msg_1", at_s, body);
  const httplib::Headers headers = {{"webhook-id", "msg_1"},
                                    {"webhook-timestamp", std::to_string(at_s)},
                                    {"webhook-signature", signature}};
  return client.Post("/hooks/side/" + name, headers, body, "application/json");
}

TEST_F(ServerTest, AHookImportsSignedDeliveriesAndRefusesTheRest) {
  Result<store::SideHook> hook = connect::AddHook(
      *store_, engine::ExampleSop(), "asana",
      engine::ExampleSop().people.front().id, "test", clock_.NowMicros());
  ASSERT_TRUE(hook.ok()) << hook.status().ToString();
  const int64_t now_s = clock_.NowMicros() / 1'000'000;
  const std::string body =
      R"({"messages": [{"id": "t-1", "time": "2026-01-05T09:00:00+07:00",
          "sender": "bot@tool.example", "text": "moved", "kind": "system"},
         {"id": "t-2", "time": "2026-01-05T09:01:00+07:00",
          "sender": "bot@tool.example", "text": "hello"}]})";
  httplib::Result res = PostHook(*client_, "asana", hook->secret, body, now_s);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 200) << res->body;
  const nlohmann::json counts = nlohmann::json::parse(res->body);
  EXPECT_EQ(counts["messages_read"], 2);
  EXPECT_EQ(counts["ignored"], 2);
  EXPECT_EQ(store_->SideMessages({})->size(), 2u);

  // Sent again: accepted, nothing new.
  res = PostHook(*client_, "asana", hook->secret, body, now_s);
  ASSERT_TRUE(res);
  EXPECT_EQ(nlohmann::json::parse(res->body)["already_imported"], 2);

  const auto error_of = [](const httplib::Result& r) {
    return nlohmann::json::parse(r->body)["error"];
  };
  res = PostHook(*client_, "asana", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                 body, now_s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  EXPECT_EQ(error_of(res)["code"], "unauthenticated");
  res = PostHook(*client_, "asana", hook->secret, body, now_s - 3600);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 401);
  res = PostHook(*client_, "jira", hook->secret, body, now_s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  EXPECT_EQ(error_of(res)["code"], "not_found");
  res = PostHook(*client_, "ASANA", hook->secret, body, now_s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 404);
  res = PostHook(*client_, "asana", hook->secret, R"([{"id": "t-3"}])", now_s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_THAT(error_of(res)["message"].get<std::string>(),
              HasSubstr("message 1 (id \"t-3\"): no \"time\""));
  EXPECT_EQ(store_->SideMessages({})->size(), 2u);
  // A body over the limit is refused before it is read.
  res = PostHook(*client_, "asana", hook->secret, std::string(5 << 20, ' '),
                 now_s);
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 413);
}

TEST_F(ServerTest, SecondServerOnATakenPortIsRefused) {
  ServerOptions options;
  options.port = server_->port();
  options.db_url = (dir_ / "livesop.db").string();
  Result<std::unique_ptr<Server>> second =
      Server::Create(engine::ExampleSop(), options);
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(second.status().message(),
              HasSubstr(std::to_string(server_->port())));
}

TEST(ServerOptionsTest, BadOptionsAreRefusedBeforeAnythingOpens) {
  ServerOptions options;
  options.db_url = "sqlite:/nonexistent-folder/livesop.db";
  options.port = 70000;
  EXPECT_EQ(Server::Create(sop::Definition(), options).status().code(),
            StatusCode::kInvalidArgument);
  options.port = 0;
  options.threads = 0;
  EXPECT_EQ(Server::Create(sop::Definition(), options).status().code(),
            StatusCode::kInvalidArgument);
  options.threads = 1;
  options.db_url.clear();
  EXPECT_EQ(Server::Create(sop::Definition(), options).status().code(),
            StatusCode::kInvalidArgument);
  // A store that cannot be opened fails at once, not at the first request.
  options.db_url = "sqlite:/nonexistent-folder/livesop.db";
  EXPECT_FALSE(Server::Create(sop::Definition(), options).ok());
}

TEST(ServerStopTest, StopBeforeServeMakesServeReturnAtOnce) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() /
      ("livesop-server-stop-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  ServerOptions options;
  options.port = 0;
  options.db_url = (dir / "livesop.db").string();
  Result<std::unique_ptr<Server>> server =
      Server::Create(sop::Definition(), options);
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  (*server)->Stop();
  EXPECT_TRUE((*server)->Serve().ok());
  server->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace livesop::server

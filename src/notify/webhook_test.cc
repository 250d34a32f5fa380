#include "notify/webhook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace livesop::notify {
namespace {

using testing::HasSubstr;

TEST(EndpointIdTest, IsWhAndSixteenHexDigits) {
  Result<std::string> id = NewEndpointId();
  ASSERT_TRUE(id.ok());
  EXPECT_THAT(*id, testing::MatchesRegex("wh_[0-9a-f]{16}"));
  EXPECT_NE(*id, *NewEndpointId());
}

TEST(WebhookUrlTest, OnlyHttpAndHttpsWithAHost) {
  EXPECT_TRUE(CheckWebhookUrl("https://example.com/hooks").ok());
  EXPECT_TRUE(CheckWebhookUrl("http://127.0.0.1:8080/x").ok());
  EXPECT_THAT(CheckWebhookUrl("ftp://example.com").message(),
              HasSubstr("must start with http:// or https://"));
  EXPECT_THAT(CheckWebhookUrl("example.com/hooks").message(),
              HasSubstr("\"example.com/hooks\""));
  EXPECT_THAT(CheckWebhookUrl("https:///path").message(),
              HasSubstr("names no host"));
  EXPECT_FALSE(CheckWebhookUrl("https://exa mple.com").ok());
}

TEST(WebhookBodyTest, CarriesTheEventAndItsPayload) {
  store::Event e;
  e.position = 12;
  e.sequence = 3;
  e.campaign = "spring-launch";
  e.type = "task_created";
  e.activity = "Write brief";
  e.time_us = 1'780'000'000'000'000;
  e.step = "brief";
  e.payload = R"({"assignee":"sari-kusuma"})";
  const nlohmann::json body = nlohmann::json::parse(WebhookBody(e));
  EXPECT_EQ(body["type"], "task_created");
  EXPECT_EQ(body["timestamp"], "2026-05-28T20:26:40.000+00:00");
  EXPECT_EQ(body["data"]["campaign"], "spring-launch");
  EXPECT_EQ(body["data"]["position"], 12);
  EXPECT_EQ(body["data"]["sequence"], 3);
  EXPECT_EQ(body["data"]["step"], "brief");
  EXPECT_EQ(body["data"]["payload"]["assignee"], "sari-kusuma");
}

}  // namespace
}  // namespace livesop::notify

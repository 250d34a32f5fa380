#include "notify/webhook.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace livesop::notify {
namespace {

using testing::HasSubstr;
using testing::StartsWith;

// The example of the Standard Webhooks specification (and of its reference
// libraries' tests).
TEST(SignWebhookTest, MatchesTheSpecificationsExample) {
  Result<std::string> signature = SignWebhook(
      "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek",
      1614265330, R"({"test": 2432232314})");
  ASSERT_TRUE(signature.ok()) << signature.status().ToString();
  EXPECT_EQ(*signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
}

TEST(SignWebhookTest, EveryPartChangesTheSignature) {
  const std::string secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
  const std::string base = *SignWebhook(secret, "id", 1, "{}");
  EXPECT_NE(*SignWebhook(secret, "id2", 1, "{}"), base);
  EXPECT_NE(*SignWebhook(secret, "id", 2, "{}"), base);
  EXPECT_NE(*SignWebhook(secret, "id", 1, "{ }"), base);
  EXPECT_EQ(SignWebhook("secret", "id", 1, "{}").status().code(),
            StatusCode::kInvalidArgument);
}

TEST(WebhookSecretTest, NewSecretsAreWellFormedAndDiffer) {
  Result<std::string> a = NewWebhookSecret();
  Result<std::string> b = NewWebhookSecret();
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_THAT(*a, StartsWith("whsec_"));
  EXPECT_NE(*a, *b);
  EXPECT_TRUE(CheckWebhookSecret(*a).ok());
  EXPECT_EQ(Base64Decode(a->substr(6))->size(), 24u);
  Result<std::string> id = NewEndpointId();
  ASSERT_TRUE(id.ok());
  EXPECT_THAT(*id, testing::MatchesRegex("wh_[0-9a-f]{16}"));
}

TEST(WebhookSecretTest, MalformedSecretsAreRefusedWithTheReason) {
  EXPECT_THAT(CheckWebhookSecret("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").message(),
              HasSubstr("does not start with \"whsec_\""));
  EXPECT_THAT(CheckWebhookSecret("whsec_not base64!").message(),
              HasSubstr("not base64"));
  EXPECT_THAT(CheckWebhookSecret("whsec_c2hvcnQ=").message(),
              HasSubstr("5 bytes, too few"));
  EXPECT_TRUE(
      CheckWebhookSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").ok());
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

TEST(Base64Test, RoundTripsEveryLength) {
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    if (n > 0) {
      Result<std::string> back = Base64Decode(Base64Encode(bytes));
      ASSERT_TRUE(back.ok()) << n;
      EXPECT_EQ(*back, bytes) << n;
    }
    bytes += static_cast<char>(n * 37);
  }
  EXPECT_EQ(Base64Encode("hi"), "aGk=");
  EXPECT_FALSE(Base64Decode("abc").ok());
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

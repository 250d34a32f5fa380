#include "core/webhook_signature.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace livesop {
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

constexpr const char* kSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

TEST(VerifyWebhookTest, AcceptsTheSignatureOfTheBodyWithinTheTolerance) {
  const std::string body = R"({"messages": []})";
  const std::string signature = *SignWebhook(kSecret, "msg_1", 1000, body);
  EXPECT_TRUE(
      VerifyWebhook(kSecret, "msg_1", "1000", signature, body, 1000).ok());
  EXPECT_TRUE(
      VerifyWebhook(kSecret, "msg_1", "1000", signature, body, 1300).ok());
  // Rotating secrets: the old and the new signature side by side.
  EXPECT_TRUE(VerifyWebhook(kSecret, "msg_1", "1000",
                            "v1,c29tZXRoaW5nIGVsc2U= " + signature, body, 1000)
                  .ok());
}

TEST(VerifyWebhookTest, RefusesWhatWasChangedOrIsStaleSayingWhy) {
  const std::string body = R"({"messages": []})";
  const std::string signature = *SignWebhook(kSecret, "msg_1", 1000, body);
  const auto refusal = [&](const std::string& id, const std::string& time,
                           const std::string& sig, const std::string& b,
                           int64_t now) {
    const Status status = VerifyWebhook(kSecret, id, time, sig, b, now);
    EXPECT_EQ(status.code(), StatusCode::kUnauthenticated) << status.message();
    return status.message();
  };
  EXPECT_THAT(refusal("msg_1", "1000", signature, body + " ", 1000),
              HasSubstr("matches no signature"));
  EXPECT_THAT(refusal("msg_2", "1000", signature, body, 1000),
              HasSubstr("matches no signature"));
  EXPECT_THAT(refusal("msg_1", "1000", signature, body, 1301),
              HasSubstr("301 seconds old"));
  EXPECT_THAT(refusal("msg_1", "1000", signature, body, 699),
              HasSubstr("301 seconds ahead"));
  EXPECT_THAT(refusal("msg_1", "10x0", signature, body, 1000),
              HasSubstr("whole seconds"));
  EXPECT_THAT(refusal("", "1000", signature, body, 1000),
              HasSubstr("headers are all needed"));
  EXPECT_THAT(refusal("msg_1", "1000", "v1,", body, 1000),
              HasSubstr("matches no signature"));
  // A signature cut short is no prefix match.
  EXPECT_THAT(refusal("msg_1", "1000", signature.substr(0, 10), body, 1000),
              HasSubstr("matches no signature"));
}

}  // namespace
}  // namespace livesop

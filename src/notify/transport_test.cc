#include "notify/internal/transport.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

#include "notify/test_util.h"
#include "notify/webhook.h"

namespace livesop::notify::internal {
namespace {

namespace fs = std::filesystem;
using testing::HasSubstr;
using testing::Not;

// Decodes RFC 2047 "=?UTF-8?B?...?=" words joined by folding whitespace.
std::string DecodeWords(const std::string& value) {
  std::string out;
  size_t at = 0;
  while ((at = value.find("=?UTF-8?B?", at)) != std::string::npos) {
    const size_t start = at + 10;
    const size_t end = value.find("?=", start);
    out += *Base64Decode(value.substr(start, end - start));
    at = end + 2;
  }
  return out;
}

TEST(EncodeHeaderTextTest, AsciiStaysAsItIs) {
  EXPECT_EQ(EncodeHeaderText("Brief approved"), "Brief approved");
  EXPECT_EQ(EncodeHeaderText("two\r\nlines"), "two  lines");
}

TEST(EncodeHeaderTextTest, Utf8BecomesShortWordsThatDecodeBack) {
  const std::string subject =
      "Persetujuan diperlukan: Peluncuran produk — “Ramadan” 2026 ✓ "
      "kampanye besar untuk Jakarta, Surabaya dan Bandung";
  const std::string encoded = EncodeHeaderText(subject);
  EXPECT_THAT(encoded, testing::StartsWith("=?UTF-8?B?"));
  size_t start = 0;
  while (start < encoded.size()) {
    size_t end = encoded.find("\r\n ", start);
    if (end == std::string::npos) end = encoded.size();
    EXPECT_LE(end - start, 75u);
    start = end + 3;
  }
  EXPECT_GT(encoded.find("\r\n "), 0u);
  EXPECT_EQ(DecodeWords(encoded), subject);
}

TEST(FormatMessageTest, HasTheHeadersOfRfc5322) {
  MailMessage m;
  m.from = "livesop@lumina.example";
  m.to = "sari.kusuma@lumina.example";
  m.subject = "Review due";
  m.body = "Please review the brief.\n";
  m.message_id = "email.12.sari-kusuma@livesop";
  m.date_us = 1'780'000'000'000'000;
  const std::string text = FormatMessage(m);
  EXPECT_THAT(text, HasSubstr("Date: Thu, 28 May 2026 20:26:40 +0000\r\n"));
  EXPECT_THAT(text, HasSubstr("From: livesop@lumina.example\r\n"));
  EXPECT_THAT(text, HasSubstr("To: sari.kusuma@lumina.example\r\n"));
  EXPECT_THAT(text, HasSubstr("Subject: Review due\r\n"));
  EXPECT_THAT(text,
              HasSubstr("Message-ID: <email.12.sari-kusuma@livesop>\r\n"));
  EXPECT_THAT(text, HasSubstr("Content-Type: text/plain; charset=utf-8\r\n"));
  const size_t body = text.find("\r\n\r\n");
  ASSERT_NE(body, std::string::npos);
  std::string encoded = text.substr(body + 4);
  std::erase(encoded, '\r');
  std::erase(encoded, '\n');
  EXPECT_EQ(*Base64Decode(encoded), m.body);
}

TEST(RedactUrlTest, HidesThePasswordOnly) {
  EXPECT_EQ(RedactUrl("smtp://ana:s3cret@mail.example:587"),
            "smtp://ana:***@mail.example:587");
  EXPECT_EQ(RedactUrl("smtp://mail.example:25"), "smtp://mail.example:25");
  EXPECT_EQ(RedactUrl("smtp://ana@mail.example"), "smtp://ana@mail.example");
}

TEST(CheckEmailAddressTest, RefusesWhatIsNoAddress) {
  EXPECT_TRUE(CheckEmailAddress("ana@example.com").ok());
  EXPECT_FALSE(CheckEmailAddress("ana").ok());
  EXPECT_FALSE(CheckEmailAddress("@example.com").ok());
  EXPECT_FALSE(CheckEmailAddress("ana@").ok());
  EXPECT_FALSE(CheckEmailAddress("a b@example.com").ok());
  EXPECT_FALSE(CheckEmailAddress("ana@example.com>\r\nBcc: x@y").ok());
}

class SmtpTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("livesop-smtp-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    smtp_ = std::make_unique<SmtpReceiver>(dir_);
    ASSERT_GT(smtp_->port(), 0) << "the SMTP receiver did not start";
  }
  void TearDown() override {
    smtp_.reset();
    fs::remove_all(dir_);
  }
  MailMessage Message() const {
    MailMessage m;
    m.from = "livesop@lumina.example";
    m.to = "sari.kusuma@lumina.example";
    m.subject = "Review due";
    m.body = "Please review.\n";
    m.message_id = "email.1.sari@livesop";
    m.date_us = 1'780'000'000'000'000;
    return m;
  }

  fs::path dir_;
  std::unique_ptr<SmtpReceiver> smtp_;
};

TEST_F(SmtpTest, DeliversTheMessage) {
  ASSERT_TRUE(SendMail(smtp_->url(), Message(), {}).ok());
  std::vector<std::string> got = smtp_->Messages();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_THAT(got[0], HasSubstr("X-Envelope-To: sari.kusuma@lumina.example"));
  EXPECT_THAT(got[0], HasSubstr("Message-ID: <email.1.sari@livesop>"));
}

TEST_F(SmtpTest, ARefusedRecipientIsAnErrorWithTheServersAnswer) {
  smtp_->Refuse("sari.kusuma@lumina.example");
  const Status sent = SendMail(smtp_->url(), Message(), {});
  EXPECT_EQ(sent.code(), StatusCode::kUnavailable);
  EXPECT_THAT(sent.message(), HasSubstr("550"));
  EXPECT_TRUE(smtp_->Messages().empty());
}

TEST_F(SmtpTest, AnUnreachableServerIsAnErrorWithoutThePassword) {
  const Status sent =
      SendMail("smtp://ana:s3cret@127.0.0.1:1", Message(), {1000, 2000});
  EXPECT_FALSE(sent.ok());
  EXPECT_THAT(sent.message(), HasSubstr("ana:***@127.0.0.1:1"));
  EXPECT_THAT(sent.message(), Not(HasSubstr("s3cret")));
  EXPECT_EQ(SendMail("http://127.0.0.1:1", Message(), {}).code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace livesop::notify::internal

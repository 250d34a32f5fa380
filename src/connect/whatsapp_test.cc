#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "connect/connector.h"
#include "core/time.h"

namespace livesop::connect {
namespace {

using testing::HasSubstr;
using testing::SizeIs;

const std::string kDir =
    std::string(LIVESOP_SOURCE_DIR) + "/testdata/connect/whatsapp/";

int64_t At(std::string_view text) {
  Result<int64_t> t = ParseTimestamp(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : 0;
}

Result<Export> Read(const std::string& file, ReadOptions options = {}) {
  const Connector* whatsapp = FindConnector("whatsapp");
  EXPECT_NE(whatsapp, nullptr);
  if (options.time_zone.empty()) options.time_zone = "Asia/Jakarta";
  return ReadExport(*whatsapp, kDir + file, options);
}

TEST(WhatsAppTest, AndroidEnglishTwentyFourHours) {
  Result<Export> chat = Read("WhatsApp Chat with Ramadan Sale 2026.txt");
  ASSERT_TRUE(chat.ok()) << chat.status().message();
  const auto& m = chat->messages;
  ASSERT_THAT(m, SizeIs(10));
  EXPECT_EQ(m[0].kind, MessageKind::kSystem);
  EXPECT_EQ(m[1].kind, MessageKind::kSystem);
  EXPECT_EQ(m[2].kind, MessageKind::kSystem);
  EXPECT_EQ(m[2].text, "Dewi Lestari added Rina Wijaya");

  EXPECT_EQ(m[3].kind, MessageKind::kText);
  EXPECT_EQ(m[3].sender, "Dewi Lestari");
  EXPECT_EQ(m[3].conversation, "Ramadan Sale 2026");
  EXPECT_EQ(m[3].text,
            "Brief for CMP-0142 Ramadan Sale is in the drive.\n"
            "Please check the budget line, Pak Budi.");
  EXPECT_EQ(m[3].time_us, At("2026-02-10T09:15:00+07:00"));
  EXPECT_EQ(m[3].utc_offset_minutes, 420);
  EXPECT_EQ(m[3].zone, "Asia/Jakarta");
  EXPECT_EQ(m[3].line, 4);
  EXPECT_EQ(m[4].line, 6);  // after the message's second line

  EXPECT_EQ(m[5].sender, "+62 812-3456-7890");
  ASSERT_THAT(m[5].attachments, SizeIs(1));
  EXPECT_TRUE(m[5].attachments[0].omitted);
  EXPECT_EQ(m[5].text, "");

  EXPECT_EQ(m[7].kind, MessageKind::kDeleted);
  EXPECT_TRUE(m[8].edited);
  EXPECT_EQ(m[8].text, "not approved yet, waiting for legal");
  EXPECT_EQ(m[9].time_us, At("2026-02-13T16:05:00+07:00"));
}

TEST(WhatsAppTest, AndroidUsTwelveHoursWithAFileAndACaption) {
  Result<Export> chat = Read("WhatsApp Chat with Brand Team.txt");
  ASSERT_TRUE(chat.ok()) << chat.status().message();
  const auto& m = chat->messages;
  ASSERT_THAT(m, SizeIs(4));
  EXPECT_EQ(m[0].time_us, At("2026-02-13T09:05:00+07:00"));
  EXPECT_EQ(m[1].time_us, At("2026-02-13T12:30:00+07:00"));
  EXPECT_EQ(m[3].time_us, At("2026-02-14T01:00:00+07:00"));
  ASSERT_THAT(m[2].attachments, SizeIs(1));
  EXPECT_EQ(m[2].attachments[0].name, "IMG-20260213-WA0004.jpg");
  EXPECT_TRUE(m[2].attachments[0].omitted);  // a .txt holds no media
  EXPECT_EQ(m[2].text, "final banner");
}

TEST(WhatsAppTest, AndroidIndonesian) {
  Result<Export> chat = Read("Chat WhatsApp dengan Tim Kampanye.txt");
  ASSERT_TRUE(chat.ok()) << chat.status().message();
  const auto& m = chat->messages;
  ASSERT_THAT(m, SizeIs(6));
  EXPECT_EQ(m[0].kind, MessageKind::kSystem);
  EXPECT_EQ(m[1].conversation, "Tim Kampanye");
  EXPECT_EQ(m[2].text, "ok lanjut");
  EXPECT_EQ(m[2].time_us, At("2026-03-12T08:30:00+07:00"));
  EXPECT_TRUE(m[3].attachments.at(0).omitted);
  EXPECT_EQ(m[4].kind, MessageKind::kDeleted);
  EXPECT_EQ(m[4].time_us, At("2026-03-14T09:00:00+07:00"));
  EXPECT_TRUE(m[5].edited);
  EXPECT_EQ(m[5].text, "belum acc dari legal");
}

TEST(WhatsAppTest, IosIndonesianNeedsItsDateOrder) {
  Result<Export> unknown = Read("Chat WhatsApp - Tim Kampanye iOS.txt");
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(unknown.status().message(), HasSubstr("--date-order"));

  ReadOptions options;
  options.date_order = "dmy";
  Result<Export> chat = Read("Chat WhatsApp - Tim Kampanye iOS.txt", options);
  ASSERT_TRUE(chat.ok()) << chat.status().message();
  const auto& m = chat->messages;
  ASSERT_THAT(m, SizeIs(3));
  EXPECT_EQ(m[0].kind, MessageKind::kSystem);
  EXPECT_EQ(m[1].text, "sudah oke");
  EXPECT_EQ(m[1].time_us, At("2026-03-12T14:06:01+07:00"));
  EXPECT_EQ(m[2].kind, MessageKind::kText);
  EXPECT_TRUE(m[2].attachments.at(0).omitted);
}

TEST(WhatsAppTest, IosZipWithMedia) {
  ReadOptions options;
  options.date_order = "dmy";  // no day of the chat is past the 12th
  Result<Export> chat = Read("WhatsApp Chat - Ramadan Sale 2026.zip", options);
  ASSERT_TRUE(chat.ok()) << chat.status().message();
  const auto& m = chat->messages;
  ASSERT_THAT(m, SizeIs(7));
  EXPECT_EQ(m[0].kind, MessageKind::kSystem);
  EXPECT_EQ(m[1].kind, MessageKind::kSystem);  // "created group"
  EXPECT_EQ(m[2].conversation, "Ramadan Sale 2026");
  EXPECT_EQ(m[2].locator, "_chat.txt");
  EXPECT_EQ(m[2].time_us, At("2026-02-10T09:15:20+07:00"));
  ASSERT_THAT(m[3].attachments, SizeIs(1));
  EXPECT_EQ(m[3].attachments[0].name, "00000004-PHOTO-2026-02-10-10-02-45.jpg");
  EXPECT_FALSE(m[3].attachments[0].omitted);
  EXPECT_EQ(m[3].attachments[0].size, 1024);
  EXPECT_THAT(m[3].attachments[0].sha256, SizeIs(64));
  EXPECT_TRUE(m[4].attachments.at(0).omitted);
  EXPECT_EQ(m[5].text, "approved, go ahead");
  EXPECT_EQ(m[6].kind, MessageKind::kDeleted);
}

TEST(WhatsAppTest, TheSameMessageHashesTheSameInOverlappingExports) {
  Result<Export> a = Read("WhatsApp Chat with Ramadan Sale 2026.txt");
  Result<Export> b = Read("WhatsApp Chat with Ramadan Sale 2026.txt");
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(EvidenceHash(a->messages[4], 0), EvidenceHash(b->messages[4], 0));
  EXPECT_NE(EvidenceHash(a->messages[4], 0), EvidenceHash(a->messages[4], 1));
  EXPECT_NE(EvidenceHash(a->messages[4], 0), EvidenceHash(a->messages[3], 0));
}

TEST(WhatsAppTest, BadExportsNameTheFileAndLine) {
  struct Case {
    std::string file;
    std::string expected;
  };
  const Case cases[] = {
      {"invalid/unknown-layout.txt", "unknown-layout.txt:1: no line starts"},
      {"invalid/ambiguous-dates.txt", "--date-order dmy or mdy"},
      {"invalid/latin1.txt", "latin1.txt:2: not UTF-8"},
      {"invalid/cut-at-start.txt", "cut-at-start.txt:1: text before"},
      {"invalid/truncated.zip", "truncated.zip: not a readable zip"},
      {"invalid/no-chat.zip", "no chat text"},
      {"invalid/missing.txt", "no such file"},
  };
  for (const Case& c : cases) {
    Result<Export> chat = Read(c.file);
    ASSERT_FALSE(chat.ok()) << c.file;
    EXPECT_THAT(chat.status().message(), HasSubstr(c.expected)) << c.file;
  }
}

TEST(WhatsAppTest, ArbitraryBytesNeverCrash) {
  const Connector* whatsapp = FindConnector("whatsapp");
  ASSERT_NE(whatsapp, nullptr);
  const std::string inputs[] = {"",
                                "\n\n",
                                "1/1/1, 1:1 - ",
                                "[",
                                "[1/1/26, 1:00] a: b",
                                "PK\x03\x04garbage",
                                "99/99/99, 99:99 - x: y",
                                "1/1/26, 13:00 PM - a: b",
                                std::string("1/1/26, 1:00 - a: b\0c", 21)};
  for (const std::string& input : inputs) {
    Result<Export> chat = whatsapp->Parse("fuzz.txt", input, {});
    (void)chat;  // an error or a result, never a crash
  }
  Result<Export> bad = whatsapp->Parse("x.txt", "99/99/99, 10:00 - a: b", {});
  EXPECT_FALSE(bad.ok());
}

TEST(WhatsAppTest, ExportsOverTheLimitAreRefused) {
  const Connector* whatsapp = FindConnector("whatsapp");
  ReadOptions options;
  options.max_bytes = 10;
  Result<Export> chat =
      whatsapp->Parse("big.txt", "10/02/2026, 09:15 - a: hello there", options);
  ASSERT_FALSE(chat.ok());
  EXPECT_EQ(chat.status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace livesop::connect

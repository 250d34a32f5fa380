#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include "connect/connector.h"
#include "connect/internal/connectors.h"
#include "connect/message.h"
#include "core/status.h"
#include "core/time.h"

namespace livesop::connect {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;
using ::testing::SizeIs;

const std::string kDir = LIVESOP_SOURCE_DIR "/testdata/connect/email/";

std::string ReadTestFile(const std::string& name) {
  std::ifstream in(kDir + name, std::ios::binary);
  EXPECT_TRUE(in) << kDir + name;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

// Parses testdata/connect/email/`name`, named by that relative path.
Result<Export> ParseTestFile(const std::string& name) {
  return internal::EmailConnector().Parse(name, ReadTestFile(name),
                                          ReadOptions());
}

Export ParseOk(const std::string& name) {
  Result<Export> result = ParseTestFile(name);
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  return result.ok() ? *std::move(result) : Export();
}

Result<Export> ParseText(std::string_view text) {
  return internal::EmailConnector().Parse("inline.eml", text, ReadOptions());
}

int64_t Utc(std::string_view iso) {
  const Result<int64_t> micros = ParseTimestamp(iso);
  EXPECT_TRUE(micros.ok()) << micros.status().ToString();
  return micros.ok() ? *micros : 0;
}

// The error of parsing `name`; fails the test when it parses.
Status ErrorOf(const std::string& name) {
  const Result<Export> result = ParseTestFile(name);
  EXPECT_FALSE(result.ok()) << name << " parsed";
  return result.status();
}

TEST(EmailConnectorTest, IsRegisteredAsEmail) {
  const Connector* connector = FindConnector("email");
  ASSERT_NE(connector, nullptr);
  EXPECT_EQ(connector->Name(), "email");
  EXPECT_THAT(connector->Description(), HasSubstr("mbox"));
}

TEST(EmailConnectorTest, ReadsPlainMessage) {
  const Export parsed = ParseOk("plain.eml");
  EXPECT_EQ(parsed.source, "email");
  EXPECT_EQ(parsed.file, "plain.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  const Message& m = parsed.messages[0];
  EXPECT_EQ(m.source, "email");
  EXPECT_EQ(m.id, "CAB7x2026030201@mail.sinarmart.example");
  EXPECT_EQ(m.subject, "CMP-0142 Ramadan Sale 2026: banner draft v1");
  EXPECT_EQ(m.conversation, "CMP-0142 Ramadan Sale 2026: banner draft v1");
  EXPECT_EQ(m.thread, "CAB7x2026030201@mail.sinarmart.example");
  EXPECT_EQ(m.reply_to, "");
  EXPECT_EQ(m.sender, "budi.santoso@sinarmart.example");
  EXPECT_EQ(m.sender_name, "Budi Santoso");
  EXPECT_EQ(m.time_us, Utc("2026-03-02T01:45:12Z"));
  EXPECT_EQ(m.utc_offset_minutes, 420);
  EXPECT_EQ(m.zone, "+07:00");
  EXPECT_EQ(m.kind, MessageKind::kText);
  EXPECT_EQ(m.text,
            "Hi Rina,\n\nThe first banner draft for CMP-0142 is in the shared "
            "folder.\nSizes: 1080x1080 for Instagram, 1200x628 for "
            "Facebook.\n\nPlease review before Wednesday.\n\nBudi");
  EXPECT_THAT(m.attachments, IsEmpty());
  EXPECT_THAT(m.fields, IsEmpty());
  EXPECT_EQ(m.file, "plain.eml");
  EXPECT_EQ(m.line, 1);
  EXPECT_EQ(m.locator, "");
  EXPECT_EQ(WhereRead(m), "plain.eml:1");
}

TEST(EmailConnectorTest, PrefersPlainTextInAlternative) {
  const Export parsed = ParseOk("alternative.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  const Message& m = parsed.messages[0];
  EXPECT_EQ(m.text,
            "Thanks Budi, the Instagram size looks good. Please make the logo "
            "bigger.");
  EXPECT_EQ(m.sender, "rina.wijaya@sinarmart.example");
  EXPECT_EQ(m.sender_name, "Rina Wijaya");
  EXPECT_EQ(m.reply_to, "CAB7x2026030201@mail.sinarmart.example");
  EXPECT_EQ(m.thread, "CAB7x2026030201@mail.sinarmart.example");
  EXPECT_EQ(m.conversation, "CMP-0142 Ramadan Sale 2026: banner draft v1");
  EXPECT_THAT(m.attachments, IsEmpty());
}

TEST(EmailConnectorTest, ReadsHtmlOnlyBodyAsText) {
  const Export parsed = ParseOk("html_only.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  const Message& m = parsed.messages[0];
  EXPECT_EQ(m.text,
            "Hi Rina,\n\nLooks good & on brand.\nBudget stays at Rp "
            "25.000.000.\n\nInstagram: ok\nFacebook: ok");
  EXPECT_EQ(m.fields.at("quoted"),
            "Hi Rina,\n\nLooks good & on brand.\nBudget stays at Rp "
            "25.000.000.\n\nInstagram: ok\nFacebook: ok\nOn Tue, 3 Mar 2026 at "
            "10:05, Rina Wijaya <rina.wijaya@sinarmart.example> wrote:\n> "
            "Thanks Budi, the Instagram size looks good.");
  EXPECT_EQ(m.thread, "CAB7x2026030201@mail.sinarmart.example");
  EXPECT_EQ(m.reply_to, "alt-0142-0003@mail.sinarmart.example");
}

TEST(EmailConnectorTest, DecodesQuotedPrintable) {
  const Export parsed = ParseOk("quoted_printable.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  const Message& m = parsed.messages[0];
  EXPECT_EQ(m.text,
            "Halo tim,\n\nBudget untuk CMP-0142 Ramadan Sale 2026 sudah "
            "disetujui: Rp 150.000.000 \u2014 termasuk produksi video dan "
            "iklan berbayar di Instagram, TikTok dan YouTube.\nCaf\u00e9 "
            "partner: Kopi Kenangan \u2013 lokasi Jakarta Selatan.\n\nSalam,"
            "\nDewi");
  EXPECT_EQ(m.time_us, Utc("2026-03-04T01:30:00Z"));
  EXPECT_EQ(m.utc_offset_minutes, 480);
  EXPECT_EQ(m.zone, "+08:00");
}

TEST(EmailConnectorTest, DecodesBase64) {
  const Export parsed = ParseOk("base64.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  EXPECT_EQ(parsed.messages[0].text,
            "Jadwal syuting video CMP-0142: Kamis 5 Maret 2026, 13.00 WIB di "
            "studio Kemang.\nMohon konfirmasi kehadiran.");
  EXPECT_EQ(parsed.messages[0].time_us, Utc("2026-03-04T09:00:00Z"));
}

TEST(EmailConnectorTest, ConvertsIso88591ToUtf8) {
  const Export parsed = ParseOk("latin1.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  const Message& m = parsed.messages[0];
  EXPECT_EQ(m.text,
            "Bonjour Rina,\nLe caf\u00e9 \u00e0 Bandung confirme la "
            "r\u00e9servation pour le lancement.\nAndr\u00e9");
  EXPECT_EQ(m.time_us, Utc("2026-03-05T02:10:00Z"));
  EXPECT_EQ(m.utc_offset_minutes, 60);
  EXPECT_EQ(m.zone, "+01:00");
}

TEST(EmailConnectorTest, ConvertsWindows1252ToUtf8) {
  const Export parsed = ParseOk("windows1252.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  EXPECT_EQ(parsed.messages[0].text,
            "Hi Rina,\n\u201cRamadan Sale 2026\u201d print run: \u20ac 1.200 "
            "\u2013 invoice follows.\nSiti");
}

TEST(EmailConnectorTest, DecodesEncodedSubjectAndNames) {
  const Export parsed = ParseOk("encoded_headers.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  const Message& m = parsed.messages[0];
  EXPECT_EQ(m.subject, "Persetujuan anggaran \u2013 Ramadan Sale 2026 \u2705");
  EXPECT_EQ(m.conversation, m.subject);
  EXPECT_EQ(m.sender, "andre@agence-lumiere.example");
  EXPECT_EQ(m.sender_name, "Andr\u00e9 Halim");
}

TEST(EmailConnectorTest, ReadsAttachmentsWithSizeAndHash) {
  const Export parsed = ParseOk("attachment.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  const Message& m = parsed.messages[0];
  EXPECT_EQ(m.text, "Bu Dewi, terlampir media plan final untuk CMP-0142.");
  Attachment pdf;
  pdf.name = "media-plan-CMP-0142.pdf";
  pdf.mime_type = "application/pdf";
  pdf.size = 102;
  pdf.sha256 =
      "a8bc8a12009c326cc7b18cbaddf96b465829d5eff196420adb70e13e45ed2827";
  Attachment png;
  png.name = "logo.png";
  png.mime_type = "image/png";
  png.size = 66;
  png.sha256 =
      "62d7693d527ce6e5cf4a4f54478b889fe3e01a144d09a0a0482ca512d4225b3a";
  EXPECT_THAT(m.attachments, ElementsAre(pdf, png));
  EXPECT_THAT(m.fields, IsEmpty());
}

TEST(EmailConnectorTest, StripsIndonesianQuotedReply) {
  const Export parsed = ParseOk("reply_id.eml");
  ASSERT_THAT(parsed.messages, SizeIs(1));
  const Message& m = parsed.messages[0];
  EXPECT_EQ(m.text, "Siap Bu, revisi logo saya kirim sore ini.");
  EXPECT_EQ(m.fields.at("quoted"),
            "Siap Bu, revisi logo saya kirim sore ini.\n\nPada Sen, 2 Mar 2026 "
            "pukul 09.15 Rina Wijaya <rina.wijaya@sinarmart.example>\nmenulis:"
            "\n\n> Budi, tolong logonya dibesarkan ya.\n>\n> Pada Sen, 2 Mar "
            "2026 pukul 08.45 Budi Santoso <budi.santoso@sinarmart.example> "
            "menulis:\n>> Hi Rina,\n>> The first banner draft for CMP-0142 is "
            "in the shared folder.");
  EXPECT_EQ(m.subject,
            "Balas: Re: CMP-0142 Ramadan Sale 2026: banner draft v1");
  EXPECT_EQ(m.conversation, "CMP-0142 Ramadan Sale 2026: banner draft v1");
  EXPECT_EQ(m.thread, "CAB7x2026030201@mail.sinarmart.example");
  EXPECT_EQ(m.reply_to, "CAB7x2026030201-re@mail.sinarmart.example");
  EXPECT_EQ(m.time_us, Utc("2026-03-02T03:02:30Z"));
}

TEST(EmailConnectorTest, ReadsMboxThreadWithForwardedApproval) {
  const Export parsed = ParseOk("thread.mbox");
  ASSERT_THAT(parsed.messages, SizeIs(8));
  const std::vector<Message>& m = parsed.messages;
  const std::string kRoot = "req-0142-001@mail.sinarmart.example";
  const std::string kConversation =
      "CMP-0142 Ramadan Sale 2026 - approval for paid media budget";

  struct Expected {
    std::string id;
    std::string sender;
    std::string time;
    int offset;
    int64_t line;
    std::string locator;
  };
  const Expected expected[] = {
      {kRoot, "rina.wijaya@sinarmart.example", "2026-03-02T02:00:00Z", 420, 1,
       "message 1"},
      {"q-0142-002@mail.sinarmart.example", "dewi.lestari@sinarmart.example",
       "2026-03-02T02:40:00Z", 480, 19, "message 2"},
      {"a-0142-003@mail.sinarmart.example", "rina.wijaya@sinarmart.example",
       "2026-03-02T03:05:00Z", 420, 37, "message 3"},
      {"q-0142-004@mail.sinarmart.example", "budi.santoso@sinarmart.example",
       "2026-03-02T03:30:00Z", 420, 52, "message 4"},
      {"ok-0142-005@mail.sinarmart.example", "dewi.lestari@sinarmart.example",
       "2026-03-02T04:10:00Z", 480, 66, "message 5"},
      {"fwd-0142-006@mail.sinarmart.example#fwd1",
       "hendra.gunawan@sinarmart.example", "2026-03-02T06:30:00Z", 420, 87,
       "message 6"},
      {"fwd-0142-006@mail.sinarmart.example", "agus.pratama@sinarmart.example",
       "2026-03-02T07:00:00Z", 420, 87, "message 6"},
      {"sha256:"
       "fe54634a62fd53fffce8ac8caa007634347bc9bbfa5b0374b1c2526c7716193f",
       "rina.wijaya@sinarmart.example", "2026-03-02T07:20:00Z", 420, 111,
       "message 7"},
  };
  for (size_t i = 0; i < m.size(); ++i) {
    SCOPED_TRACE("message " + std::to_string(i));
    EXPECT_EQ(m[i].id, expected[i].id);
    EXPECT_EQ(m[i].sender, expected[i].sender);
    EXPECT_EQ(m[i].time_us, Utc(expected[i].time));
    EXPECT_EQ(m[i].utc_offset_minutes, expected[i].offset);
    EXPECT_EQ(m[i].line, expected[i].line);
    EXPECT_EQ(m[i].locator, expected[i].locator);
    EXPECT_EQ(m[i].file, "thread.mbox");
    EXPECT_EQ(m[i].kind, MessageKind::kText);
    EXPECT_EQ(m[i].conversation, kConversation);
    EXPECT_EQ(m[i].source, "email");
  }
  for (size_t i = 0; i < 7; ++i) EXPECT_EQ(m[i].thread, kRoot) << i;
  // No References: the thread is the message it answers.
  EXPECT_EQ(m[7].thread, "fwd-0142-006@mail.sinarmart.example");
  EXPECT_EQ(m[7].reply_to, "fwd-0142-006@mail.sinarmart.example");
  EXPECT_EQ(WhereRead(m[3]), "thread.mbox message 4 line 52");

  EXPECT_EQ(m[0].reply_to, "");
  EXPECT_EQ(m[0].text,
            "Bu Dewi,\n\nFor CMP-0142 Ramadan Sale 2026 we need approval for "
            "the paid media budget:\nRp 150.000.000 split between Instagram, "
            "TikTok and two billboards.\n\nThanks,\nRina");
  EXPECT_EQ(m[1].text,
            "What is the split between Instagram and the billboards?");
  EXPECT_EQ(m[1].reply_to, kRoot);
  EXPECT_EQ(m[1].sender_name, "Dewi Lestari");
  EXPECT_EQ(m[1].zone, "+08:00");
  // mboxrd quoting undone: ">From" is "From", ">>From" a quoted ">From".
  EXPECT_EQ(m[2].text,
            "Instagram and TikTok Rp 90.000.000, billboards Rp 60.000.000.\n"
            "From the agency quote, the billboards run two weeks.");
  EXPECT_EQ(m[2].fields.at("quoted"),
            "Instagram and TikTok Rp 90.000.000, billboards Rp 60.000.000.\n"
            "From the agency quote, the billboards run two weeks.\n"
            ">From line kept quoted once.");
  EXPECT_EQ(m[2].subject,
            "RE: Re: CMP-0142 Ramadan Sale 2026 - approval for paid media "
            "budget");
  EXPECT_THAT(m[3].fields, IsEmpty());
  EXPECT_EQ(m[4].text, "Approved, go ahead.\n\nDewi");
  EXPECT_EQ(m[4].reply_to, "a-0142-003@mail.sinarmart.example");

  const Message& forwarded = m[5];
  EXPECT_EQ(forwarded.sender_name, "Hendra Gunawan");
  EXPECT_EQ(forwarded.zone, "+07:00");
  EXPECT_EQ(forwarded.subject, "Re: CMP-0142 budget");
  EXPECT_EQ(forwarded.thread, kRoot);
  EXPECT_EQ(forwarded.reply_to, "");
  EXPECT_EQ(forwarded.text,
            "Approved from the finance side, Rp 150.000.000 maximum.\n\n"
            "Hendra");
  EXPECT_THAT(
      forwarded.fields,
      ElementsAre(Pair("forwarded_by", "agus.pratama@sinarmart.example")));
  EXPECT_EQ(m[6].text, "See below, approved by Hendra for finance.");
  EXPECT_THAT(
      m[6].fields.at("quoted"),
      HasSubstr("---------- Forwarded message ---------\nFrom: Hendra"));
  EXPECT_EQ(m[6].reply_to, "ok-0142-005@mail.sinarmart.example");

  EXPECT_EQ(m[7].text, "Thank you both, booking the media today.");
}

TEST(EmailConnectorTest, ReadsOutlookAppleAndIndonesianForwards) {
  const Export parsed = ParseOk("forwards.mbox");
  ASSERT_THAT(parsed.messages, SizeIs(6));
  const std::vector<Message>& m = parsed.messages;

  EXPECT_EQ(m[0].id, "outlook-fwd-0142@mail.sinarmart.example#fwd1");
  EXPECT_EQ(m[0].sender, "yusuf.hakim@sinarmart.example");
  EXPECT_EQ(m[0].sender_name, "Yusuf Hakim");
  EXPECT_EQ(m[0].time_us, Utc("2026-03-02T09:45:00Z"));
  EXPECT_EQ(m[0].zone, "+07:00");
  EXPECT_EQ(m[0].text, "Contract reviewed, OK to sign.");
  EXPECT_EQ(m[0].conversation, "Billboard contract CMP-0142");
  EXPECT_EQ(m[0].fields.at("forwarded_by"), "agus.pratama@sinarmart.example");
  EXPECT_EQ(m[1].id, "outlook-fwd-0142@mail.sinarmart.example");
  EXPECT_EQ(m[1].text, "FYI, legal signed off.");

  // Apple Mail states the zone itself (GMT+7); the forwarder is at +08:00.
  EXPECT_EQ(m[2].sender, "maya.kusuma@sinarmart.example");
  EXPECT_EQ(m[2].time_us, Utc("2026-03-02T13:15:00Z"));
  EXPECT_EQ(m[2].utc_offset_minutes, 420);
  EXPECT_EQ(m[2].subject, "Re: TikTok creator shortlist");
  EXPECT_EQ(m[2].text, "Shortlist approved. Go with the first three creators.");
  EXPECT_EQ(m[2].fields.at("forwarded_by"), "dewi.lestari@sinarmart.example");
  EXPECT_EQ(m[3].text, "Approved by the director, see below.");
  EXPECT_EQ(m[3].utc_offset_minutes, 480);

  EXPECT_EQ(m[4].id, "gmail-id-fwd-0142@mail.sinarmart.example#fwd1");
  EXPECT_EQ(m[4].sender, "hendra.gunawan@sinarmart.example");
  EXPECT_EQ(m[4].time_us, Utc("2026-03-02T10:05:00Z"));
  EXPECT_EQ(m[4].subject, "Materi cetak CMP-0142");
  EXPECT_EQ(m[4].text, "Oke, materi cetak disetujui. Silakan lanjut.");
  EXPECT_THAT(m[4].fields.at("quoted"),
              HasSubstr("> Pak Hendra, mohon persetujuan materi cetak."));
  EXPECT_EQ(m[4].conversation, "Materi cetak CMP-0142");
  EXPECT_EQ(m[5].conversation, "Materi cetak CMP-0142");
  EXPECT_EQ(m[5].text, "Mbak Rina, sudah disetujui Pak Hendra.");
  EXPECT_EQ(m[5].locator, "message 3");
  EXPECT_EQ(m[4].locator, "message 3");
}

TEST(EmailConnectorTest, KeepsMessagesWithBrokenMimePartsAndWarns) {
  const Export parsed = ParseOk("warnings.mbox");
  ASSERT_THAT(parsed.messages, SizeIs(2));
  const Message& cut = parsed.messages[0];
  EXPECT_EQ(cut.text,
            "Brief attached; the mail client cut this message short.");
  EXPECT_THAT(cut.fields.at("mime_warning"), HasSubstr("truncated"));
  ASSERT_THAT(cut.attachments, SizeIs(1));
  EXPECT_EQ(cut.attachments[0].name, "brief.pdf");
  EXPECT_EQ(cut.attachments[0].size, 32);
  EXPECT_EQ(cut.attachments[0].sha256,
            "abae3cd6b58d4e64053220fdc5ee34a766c8412142968a35ab92396639148c79");

  const Message& bad = parsed.messages[1];
  EXPECT_EQ(bad.text, "Received, the sketch is attached.");
  EXPECT_THAT(bad.fields.at("mime_warning"),
              HasSubstr("part \"sketch.jpg\" (image/jpeg): invalid base64"));
  ASSERT_THAT(bad.attachments, SizeIs(1));
  EXPECT_EQ(bad.attachments[0].name, "sketch.jpg");
}

TEST(EmailConnectorTest, ReadsZipOfEmlFiles) {
  const Export parsed = ParseOk("emails.zip");
  ASSERT_THAT(parsed.messages, SizeIs(2));
  EXPECT_EQ(parsed.messages[0].id, "CAB7x2026030201@mail.sinarmart.example");
  EXPECT_EQ(parsed.messages[0].file, "emails.zip");
  EXPECT_EQ(parsed.messages[0].locator, "CMP-0142/plain.eml");
  EXPECT_EQ(parsed.messages[0].line, 1);
  EXPECT_EQ(WhereRead(parsed.messages[0]),
            "emails.zip CMP-0142/plain.eml line 1");
  EXPECT_EQ(parsed.messages[1].id, "CAKp9-balas-0142@mail.sinarmart.example");
  EXPECT_EQ(parsed.messages[1].locator, "CMP-0142/reply_id.eml");
  EXPECT_EQ(parsed.messages[1].text,
            "Siap Bu, revisi logo saya kirim sore ini.");
}

TEST(EmailConnectorTest, StripsEveryReplyAndForwardPrefix) {
  const Result<Export> parsed = ParseText(
      "From: rina.wijaya@sinarmart.example\n"
      "Date: Mon, 2 Mar 2026 09:00:00 +0700\n"
      "Subject: RE: Fwd: FW: Aw: WG: Balas: Teruskan: re:  CMP-0142 recap\n"
      "\n"
      "ok\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_THAT(parsed->messages, SizeIs(1));
  EXPECT_EQ(parsed->messages[0].conversation, "CMP-0142 recap");
  EXPECT_EQ(parsed->messages[0].sender_name, "");
  // No Message-ID: named by the hash of the message's bytes.
  EXPECT_THAT(parsed->messages[0].id, HasSubstr("sha256:"));
  EXPECT_THAT(parsed->messages[0].id, SizeIs(7 + 64));
}

TEST(EmailConnectorTest, ReadsCrlfLineEndings) {
  const Result<Export> parsed = ParseText(
      "From: Rina Wijaya <rina.wijaya@sinarmart.example>\r\n"
      "Date: Mon, 2 Mar 2026 09:00:00 -0000\r\n"
      "Message-ID: <crlf@sinarmart.example>\r\n"
      "Subject: CMP-0142\r\n"
      "\r\n"
      "Approved.\r\n"
      "\r\n"
      "On Mon, 2 Mar 2026 at 08:00, Budi wrote:\r\n"
      "> please approve\r\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  ASSERT_THAT(parsed->messages, SizeIs(1));
  EXPECT_EQ(parsed->messages[0].text, "Approved.");
  EXPECT_EQ(parsed->messages[0].time_us, Utc("2026-03-02T09:00:00Z"));
  EXPECT_EQ(parsed->messages[0].zone, "+00:00");
}

TEST(EmailConnectorTest, KeepsSentenceStartingWithOnThatIsNoAttribution) {
  const Result<Export> parsed = ParseText(
      "From: rina.wijaya@sinarmart.example\n"
      "Date: Mon, 2 Mar 2026 09:00:00 +0700\n"
      "\n"
      "On Monday the agency wrote:\n"
      "the banner is late.\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->messages[0].text,
            "On Monday the agency wrote:\nthe banner is late.");
  EXPECT_THAT(parsed->messages[0].fields, IsEmpty());
}

TEST(EmailConnectorTest, MessageWithoutDateNamesMessageAndLine) {
  const Status status = ErrorOf("invalid/missing_date.mbox");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("invalid/missing_date.mbox message 2 (line 11): no "
                        "Date header"));
}

TEST(EmailConnectorTest, UnreadableDateNamesItsLine) {
  const Status status = ErrorOf("invalid/bad_date.eml");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("invalid/bad_date.eml message 1 (line 5): Date "
                        "\"sometime next week\" cannot be read"));
}

TEST(EmailConnectorTest, TruncatedMboxIsAnError) {
  const Status status = ErrorOf("invalid/truncated.mbox");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("invalid/truncated.mbox message 2 (line 11): the "
                        "message ends inside its headers"));
}

TEST(EmailConnectorTest, BinaryGarbageIsAnError) {
  const Status status = ErrorOf("invalid/garbage.eml");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("invalid/garbage.eml message 1 (line 1): not an email "
                        "message"));
}

TEST(EmailConnectorTest, EmptyFileIsAnError) {
  const Status status = ErrorOf("invalid/empty.eml");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("invalid/empty.eml: empty"));
}

TEST(EmailConnectorTest, ZipMemberErrorNamesTheMember) {
  const Status status = ErrorOf("invalid/bad_member.zip");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("invalid/bad_member.zip bad_date.eml message 1 (line "
                        "5): Date"));
}

TEST(EmailConnectorTest, ZipMemberThatIsNoEmailIsAnError) {
  const Status status = ErrorOf("invalid/other_member.zip");
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(),
              HasSubstr("invalid/other_member.zip notes.txt: not an .eml"));
}

TEST(EmailConnectorTest, MissingFromIsAnError) {
  const Result<Export> parsed =
      ParseText("Date: Mon, 2 Mar 2026 09:00:00 +0700\nSubject: x\n\nbody\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("inline.eml message 1 (line 1): no From address"));
}

TEST(EmailConnectorTest, UnreadableForwardedDateIsAnError) {
  const Result<Export> parsed = ParseText(
      "From: agus.pratama@sinarmart.example\n"
      "Date: Mon, 2 Mar 2026 09:00:00 +0700\n"
      "\n"
      "---------- Forwarded message ---------\n"
      "From: Hendra <hendra.gunawan@sinarmart.example>\n"
      "Date: kemarin sore\n"
      "Subject: ok\n"
      "\n"
      "Approved.\n");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("message 1 (line 1): the forwarded message's date "
                        "\"kemarin sore\" cannot be read"));
}

TEST(EmailConnectorTest, RejectsExportOverMaxBytes) {
  ReadOptions options;
  options.max_bytes = 10;
  const Result<Export> parsed = internal::EmailConnector().Parse(
      "plain.eml", ReadTestFile("plain.eml"), options);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), StatusCode::kResourceExhausted);
}

// Parse must end, with messages or an error, on any bytes: every cut of
// the test files and random damage to them.
TEST(EmailConnectorTest, NeverCrashesOnDamagedInput) {
  const Connector& connector = internal::EmailConnector();
  std::mt19937 random(142);
  for (const char* name : {"thread.mbox", "attachment.eml", "html_only.eml",
                           "forwards.mbox", "warnings.mbox", "emails.zip"}) {
    const std::string bytes = ReadTestFile(name);
    for (size_t cut = 0; cut < bytes.size(); cut += 13) {
      (void)connector.Parse(name, std::string_view(bytes).substr(0, cut),
                            ReadOptions());
    }
    for (int round = 0; round < 200; ++round) {
      std::string damaged = bytes;
      for (int flips = 0; flips < 8; ++flips) {
        damaged[random() % damaged.size()] = static_cast<char>(random());
      }
      (void)connector.Parse(name, damaged, ReadOptions());
    }
  }
}

}  // namespace
}  // namespace livesop::connect

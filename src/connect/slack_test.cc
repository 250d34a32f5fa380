#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <ostream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "connect/connector.h"
#include "connect/internal/zip.h"
#include "connect/message.h"
#include "core/status.h"
#include "core/time.h"

namespace livesop::connect {

// Readable failures for whole-message comparisons.
void PrintTo(const Message& m, std::ostream* os) {
  *os << "{id=" << m.id << " conversation=" << m.conversation
      << " thread=" << m.thread << " reply_to=" << m.reply_to
      << " sender=" << m.sender << " sender_name=" << m.sender_name
      << " time_us=" << m.time_us << " zone=" << m.zone << "/"
      << m.utc_offset_minutes << " kind=" << static_cast<int>(m.kind)
      << " text=\"" << m.text << "\" edited=" << m.edited
      << " attachments=" << m.attachments.size()
      << " reactions=" << m.reactions.size() << " file=" << m.file
      << " locator=" << m.locator << " line=" << m.line << "}";
}

namespace {

namespace fs = std::filesystem;
using testing::ElementsAre;
using testing::HasSubstr;

const fs::path kTestData =
    fs::path(LIVESOP_SOURCE_DIR) / "testdata" / "connect" / "slack";

const Connector& Slack() {
  const Connector* connector = FindConnector("slack");
  EXPECT_NE(connector, nullptr);
  return *connector;
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

Export MustRead(const fs::path& path, const ReadOptions& options = {}) {
  Result<Export> read = ReadExport(Slack(), path.string(), options);
  EXPECT_TRUE(read.ok()) << read.status().ToString();
  return read.ok() ? *std::move(read) : Export{};
}

Export MustParse(std::string_view name, std::string_view bytes,
                 const ReadOptions& options = {}) {
  Result<Export> read = Slack().Parse(name, bytes, options);
  EXPECT_TRUE(read.ok()) << read.status().ToString();
  return read.ok() ? *std::move(read) : Export{};
}

Status ParseError(std::string_view name, std::string_view bytes,
                  const ReadOptions& options = {}) {
  Result<Export> read = Slack().Parse(name, bytes, options);
  EXPECT_FALSE(read.ok()) << name << " was read";
  return read.status();
}

int64_t Utc(std::string_view text) {
  Result<int64_t> time = ParseTimestamp(text);
  EXPECT_TRUE(time.ok()) << time.status().ToString();
  return time.ok() ? *time : 0;
}

const Message* FindById(const Export& read, std::string_view id) {
  for (const Message& message : read.messages) {
    if (message.id == id) return &message;
  }
  ADD_FAILURE() << "no message " << id;
  return nullptr;
}

constexpr char kRamadan[] = "cmp-0142-ramadan-sale-2026";

TEST(SlackConnectorTest, IsRegistered) {
  EXPECT_EQ(Slack().Name(), "slack");
  EXPECT_THAT(std::string(Slack().Description()), HasSubstr("Slack"));
}

TEST(SlackConnectorTest, WorkspaceReadsEveryMessageInTimeOrder) {
  const fs::path path = kTestData / "workspace.zip";
  const Export read = MustRead(path);
  EXPECT_EQ(read.source, "slack");
  EXPECT_EQ(read.file, path.string());
  ASSERT_EQ(read.messages.size(), 37u);
  EXPECT_TRUE(std::is_sorted(read.messages.begin(), read.messages.end(),
                             [](const Message& a, const Message& b) {
                               return a.time_us < b.time_us;
                             }));
  std::map<MessageKind, int> kinds;
  std::map<std::string, int> conversations;
  for (const Message& message : read.messages) {
    EXPECT_EQ(message.source, "slack");
    EXPECT_EQ(message.file, path.string());
    EXPECT_EQ(message.zone, "UTC");
    EXPECT_EQ(message.utc_offset_minutes, 0);
    EXPECT_GT(message.line, 0) << message.id;
    ++kinds[message.kind];
    ++conversations[message.conversation];
  }
  EXPECT_EQ(kinds[MessageKind::kText], 23);
  EXPECT_EQ(kinds[MessageKind::kSystem], 12);
  EXPECT_EQ(kinds[MessageKind::kDeleted], 2);
  EXPECT_EQ(conversations["#general"], 9);
  EXPECT_EQ(conversations["#cmp-0142-ramadan-sale-2026"], 19);
  EXPECT_EQ(conversations["#design-requests"], 9);
  EXPECT_EQ(read.messages.front().id, "general/1772416500.630674");
  EXPECT_EQ(read.messages.back().id,
            std::string(kRamadan) + "/1772679900.530736");
}

TEST(SlackConnectorTest, MembersComeFromUsersJson) {
  const Export read = MustRead(kTestData / "workspace.zip");
  EXPECT_THAT(
      read.members,
      ElementsAre(Export::Member{"U05RINA01", "Rina Wijaya",
                                 "rina.wijaya@kopinusantara.co.id",
                                 "+62 812-3456-7801"},
                  // Emails are lowercased, as senders' emails are everywhere.
                  Export::Member{"U05BUDI02", "Budi Santoso",
                                 "budi.santoso@kopinusantara.co.id", ""},
                  Export::Member{"U05SARI03", "Sari Lestari",
                                 "sari.lestari@kopinusantara.co.id",
                                 "+62 813-2222-0303"},
                  Export::Member{"U05DEWI04", "Dewi Anggraini",
                                 "dewi.anggraini@kopinusantara.co.id", ""},
                  // No real name: the display name.
                  Export::Member{"U05AGUS05", "Agus P.",
                                 "agus.pratama@kopinusantara.co.id", ""}));
}

TEST(SlackConnectorTest, TextMessageWithMarkup) {
  const fs::path path = kTestData / "workspace.zip";
  const Export read = MustRead(path);
  Message expected;
  expected.source = "slack";
  expected.id = "general/1772416500.630674";
  expected.conversation = "#general";
  expected.sender = "U05RINA01";
  expected.sender_name = "Rina Wijaya";
  expected.time_us = Utc("2026-03-02T01:55:00.630674Z");
  expected.zone = "UTC";
  expected.kind = MessageKind::kText;
  expected.text =
      "Selamat pagi tim! Kickoff #cmp-0142-ramadan-sale-2026 hari ini jam 10. "
      "Agenda: Brief Ramadan Sale 2026 "
      "(https://docs.google.com/document/d/1AbC) & timeline.";
  expected.file = path.string();
  expected.line = 2;
  expected.locator = "general/2026-03-02.json message 1";
  EXPECT_EQ(read.messages[0], expected);
  EXPECT_EQ(WhereRead(read.messages[0]),
            path.string() + " general/2026-03-02.json message 1 line 2");
}

TEST(SlackConnectorTest, ThreadsReactionsAndFiles) {
  const Export read = MustRead(kTestData / "workspace.zip");
  const std::string parent_id = std::string(kRamadan) + "/1772421300.642520";
  const Message* parent = FindById(read, parent_id);
  ASSERT_NE(parent, nullptr);
  EXPECT_EQ(parent->thread, parent_id);
  EXPECT_EQ(parent->reply_to, "");
  EXPECT_EQ(parent->text,
            "@Sari Lestari tolong siapkan banner hero 1200x628 untuk CMP-0142, "
            "deadline Kamis. Brief: brief-banner.pdf "
            "(https://drive.google.com/file/d/9XyZ)");
  EXPECT_EQ(parent->time_us, Utc("2026-03-02T03:15:00.642520Z"));
  EXPECT_EQ(parent->line, 45);
  EXPECT_EQ(parent->locator,
            std::string(kRamadan) + "/2026-03-02.json message 7");
  // "+1::skin-tone-3" and "+1" are one reaction.
  EXPECT_THAT(parent->reactions,
              ElementsAre(Reaction{"white_check_mark", {"U05SARI03"}},
                          Reaction{"+1", {"U05BUDI02", "U05DEWI04"}}));

  // The replies, one of them in the next day's file.
  std::vector<std::string> replies;
  for (const Message& message : read.messages) {
    if (message.reply_to == parent_id) {
      EXPECT_EQ(message.thread, parent_id);
      replies.push_back(message.id);
    }
  }
  EXPECT_THAT(replies,
              ElementsAre(std::string(kRamadan) + "/1772421600.018271",
                          std::string(kRamadan) + "/1772590500.560100",
                          std::string(kRamadan) + "/1772596920.400947"));

  const Message* draft = FindById(read, replies[1]);
  ASSERT_NE(draft, nullptr);
  EXPECT_EQ(draft->kind, MessageKind::kText);
  EXPECT_EQ(draft->sender, "U05SARI03");
  EXPECT_EQ(draft->text, "Draft v1 banner hero, mohon review");
  EXPECT_EQ(draft->time_us, Utc("2026-03-04T02:15:00.560100Z"));
  EXPECT_EQ(draft->locator,
            std::string(kRamadan) + "/2026-03-04.json message 1");
  EXPECT_THAT(draft->attachments,
              ElementsAre(Attachment{"banner-hero-v1.png", "image/png", 482133,
                                     "", true}));

  const Message* approved = FindById(read, replies[2]);
  ASSERT_NE(approved, nullptr);
  EXPECT_EQ(approved->text, "Approved \u2705 lanjut resize ke story 1080x1920");
  EXPECT_THAT(approved->reactions,
              ElementsAre(Reaction{"heavy_check_mark", {"U05SARI03"}}));

  const Message* batch = FindById(read, "design-requests/1772612400.989141");
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->reply_to, "design-requests/1772502300.092434");
  EXPECT_THAT(
      batch->attachments,
      ElementsAre(
          Attachment{"feed-ramadan-1.png", "image/png", 1048576, "", true},
          Attachment{"feed-ramadan-2.png", "image/png", 998120, "", true}));

  const Message* budget =
      FindById(read, std::string(kRamadan) + "/1772422800.521224");
  ASSERT_NE(budget, nullptr);
  EXPECT_EQ(budget->sender_name, "Agus P.");
  EXPECT_EQ(budget->text,
            "Budget ads Meta untuk CMP-0142: Rp 25.000.000, minta approval "
            "@Rina Wijaya");
  EXPECT_THAT(
      budget->reactions,
      ElementsAre(Reaction{"thumbsup", {"U05RINA01"}},
                  Reaction{"white_check_mark", {"U05RINA01", "U05BUDI02"}}));
}

TEST(SlackConnectorTest, EditsAndDeletions) {
  const Export read = MustRead(kTestData / "workspace.zip");
  int edited = 0;
  for (const Message& message : read.messages) edited += message.edited;
  EXPECT_EQ(edited, 1);
  const Message* copy =
      FindById(read, std::string(kRamadan) + "/1772422200.769739");
  ASSERT_NE(copy, nullptr);
  EXPECT_TRUE(copy->edited);
  EXPECT_EQ(copy->kind, MessageKind::kText);
  EXPECT_EQ(copy->text,
            "Draft copy headline: \"Berkah Ramadan, Hemat s/d 40%\" \u2014 ada "
            "masukan?");

  // A deleted thread parent stays as Slack's tombstone; its reply stays a
  // reply.
  const std::string tombstone_id = std::string(kRamadan) + "/1772503200.219653";
  const Message* tombstone = FindById(read, tombstone_id);
  ASSERT_NE(tombstone, nullptr);
  EXPECT_EQ(tombstone->kind, MessageKind::kDeleted);
  EXPECT_EQ(tombstone->sender, "USLACKBOT");
  EXPECT_EQ(tombstone->thread, tombstone_id);
  const Message* reply =
      FindById(read, std::string(kRamadan) + "/1772503500.595387");
  ASSERT_NE(reply, nullptr);
  EXPECT_EQ(reply->kind, MessageKind::kText);
  EXPECT_EQ(reply->reply_to, tombstone_id);

  const Message* deleted = FindById(read, "design-requests/1772618400.503957");
  ASSERT_NE(deleted, nullptr);
  EXPECT_EQ(deleted->kind, MessageKind::kDeleted);
  EXPECT_EQ(deleted->sender, "U05RINA01");
  EXPECT_EQ(deleted->text, "This message was deleted.");
}

TEST(SlackConnectorTest, SystemMessages) {
  const Export read = MustRead(kTestData / "workspace.zip");
  const auto expect_system = [&](const std::string& id, const std::string& text,
                                 const std::string& sender_name) {
    const Message* message = FindById(read, id);
    ASSERT_NE(message, nullptr);
    EXPECT_EQ(message->kind, MessageKind::kSystem) << id;
    EXPECT_EQ(message->text, text) << id;
    EXPECT_EQ(message->sender_name, sender_name) << id;
  };
  expect_system(std::string(kRamadan) + "/1772420400.515301",
                "@Rina Wijaya has joined the channel", "Rina Wijaya");
  // A guest users.json does not list: the name is the message's profile.
  expect_system("general/1772417400.757893",
                "@Fajar Nugroho has joined the channel", "Fajar Nugroho");
  expect_system("general/1772418600.260863",
                "set the channel topic: Info umum tim marketing",
                "Rina Wijaya");
  expect_system(
      std::string(kRamadan) + "/1772420700.891035",
      "set the channel purpose: Koordinasi CMP-0142 Ramadan Sale 2026",
      "Rina Wijaya");
  expect_system("design-requests/1772506860.203686",
                "@Agus P. has left the channel", "Agus P.");
  expect_system("general/1772614800.995064",
                "added an integration to this channel: Asana "
                "(https://kopinusantara.slack.com/services/B05ASANA1)",
                "Rina Wijaya");
  expect_system(std::string(kRamadan) + "/1772679900.530736",
                "@Rina Wijaya pinned a message to this channel.",
                "Rina Wijaya");

  // "/me" messages are someone writing.
  const Message* me = FindById(read, "design-requests/1772589600.432881");
  ASSERT_NE(me, nullptr);
  EXPECT_EQ(me->kind, MessageKind::kText);
}

TEST(SlackConnectorTest, BotMessages) {
  const Export read = MustRead(kTestData / "workspace.zip");
  const Message* asana = FindById(read, "general/1772618520.454254");
  ASSERT_NE(asana, nullptr);
  EXPECT_EQ(asana->kind, MessageKind::kText);
  EXPECT_EQ(asana->sender, "B05ASANA1");
  EXPECT_EQ(asana->sender_name, "Asana");
  EXPECT_EQ(asana->text,
            "Task completed: *CMP-0142 Banner hero final* by Sari Lestari");

  // No text of its own: its attachment's fallback is what Slack shows.
  const Message* drive =
      FindById(read, std::string(kRamadan) + "/1772521200.764067");
  ASSERT_NE(drive, nullptr);
  EXPECT_EQ(drive->kind, MessageKind::kText);
  EXPECT_EQ(drive->sender, "B05GDRV02");
  EXPECT_EQ(drive->sender_name, "Google Drive");
  EXPECT_EQ(drive->text, "Dewi Anggraini shared Copy Final CMP-0142.docx");

  const Message* reminder = FindById(read, "general/1772617500.376738");
  ASSERT_NE(reminder, nullptr);
  EXPECT_EQ(reminder->text, "Reminder: deadline copy Ramadan besok ya @here");
  const Message* legal =
      FindById(read, std::string(kRamadan) + "/1772422320.720036");
  ASSERT_NE(legal, nullptr);
  EXPECT_EQ(legal->text,
            "Bagus! Tapi klaim \"s/d 40%\" perlu cek legal > finance dulu");
  const Message* folder =
      FindById(read, std::string(kRamadan) + "/1772517600.255191");
  ASSERT_NE(folder, nullptr);
  EXPECT_EQ(folder->text,
            "Copy final sudah di folder: "
            "https://drive.google.com/drive/folders/ramadan2026");
}

TEST(SlackConnectorTest, PrivateChannelsAndDirectMessages) {
  const fs::path path = kTestData / "private.zip";
  const Export read = MustRead(path);
  ASSERT_EQ(read.messages.size(), 6u);
  EXPECT_EQ(read.members.size(), 5u);
  const std::string top =
      "Kopi Nusantara Slack export Mar 2 2026 - Mar 5 2026/";
  std::vector<std::string> conversations;
  for (const Message& message : read.messages) {
    conversations.push_back(message.conversation);
  }
  EXPECT_THAT(conversations,
              ElementsAre("#general", "#leads-budget", "#leads-budget",
                          "DM Rina Wijaya, Budi Santoso",
                          "DM Rina Wijaya, Budi Santoso",
                          "DM Rina Wijaya, Budi Santoso, Sari Lestari"));
  const Message& invoice = read.messages[3];
  EXPECT_EQ(invoice.id, "D05RB0001/1772586600.675473");
  EXPECT_EQ(invoice.time_us, Utc("2026-03-04T01:10:00.675473Z"));
  EXPECT_EQ(invoice.sender, "U05BUDI02");
  EXPECT_EQ(invoice.text,
            "Mbak, invoice agensi sudah saya kirim ke "
            "finance@kopinusantara.co.id");
  EXPECT_EQ(invoice.locator, top + "D05RB0001/2026-03-04.json message 1");
  EXPECT_EQ(read.messages[5].id,
            "mpdm-rina.wijaya--budi.santoso--sari.lestari-1/1772604000.468419");
  EXPECT_THAT(read.messages[2].reactions,
              ElementsAre(Reaction{"white_check_mark", {"U05RINA01"}}));
}

TEST(SlackConnectorTest, WithoutUsersJsonNamesComeFromMessages) {
  const Export read = MustRead(kTestData / "without_users.zip");
  EXPECT_TRUE(read.members.empty());
  ASSERT_EQ(read.messages.size(), 4u);
  EXPECT_EQ(read.messages[0].sender, "U05RINA01");
  EXPECT_EQ(read.messages[0].sender_name, "Rina Wijaya");
  EXPECT_EQ(read.messages[2].text, "@Fajar Nugroho has joined the channel");
  // The channel id in a mention is named by channels.json or its label.
  EXPECT_THAT(read.messages[0].text, HasSubstr("#cmp-0142-ramadan-sale-2026"));
}

TEST(SlackConnectorTest, DayFileAloneTakesItsFolderAsTheChannel) {
  const fs::path path = kTestData / "day" / kRamadan / "2026-03-02.json";
  const Export read = MustRead(path);
  ASSERT_EQ(read.messages.size(), 11u);
  EXPECT_TRUE(read.members.empty());
  const Message& request = read.messages[6];
  EXPECT_EQ(request.conversation, "#cmp-0142-ramadan-sale-2026");
  EXPECT_EQ(request.id, std::string(kRamadan) + "/1772421300.642520");
  EXPECT_EQ(request.thread, request.id);
  EXPECT_EQ(request.file, path.string());
  EXPECT_EQ(request.locator, "message 7");
  EXPECT_EQ(request.line, 45);
  EXPECT_EQ(WhereRead(request), path.string() + " message 7 line 45");
  // Without users.json, names come from the messages' profiles.
  EXPECT_EQ(request.sender_name, "Rina Wijaya");
  EXPECT_THAT(request.text, testing::StartsWith("@Sari Lestari tolong"));
  EXPECT_EQ(read.messages[10].sender_name, "Agus P.");

  ReadOptions options;
  options.conversation = "#ramadan";
  const Export renamed = MustRead(path, options);
  ASSERT_EQ(renamed.messages.size(), 11u);
  EXPECT_EQ(renamed.messages[6].conversation, "#ramadan");
  EXPECT_EQ(renamed.messages[6].id, "ramadan/1772421300.642520");
}

TEST(SlackConnectorTest, DayFileNamedAfterItsChannel) {
  const Export read = MustParse(
      "exports/design-requests.json",
      R"([{"type": "message", "user": "U1", "text": "hi", "ts": "1772416500"}])");
  ASSERT_EQ(read.messages.size(), 1u);
  EXPECT_EQ(read.messages[0].conversation, "#design-requests");
  EXPECT_EQ(read.messages[0].id, "design-requests/1772416500");
  EXPECT_EQ(read.messages[0].time_us, Utc("2026-03-02T01:55:00Z"));
  EXPECT_EQ(read.messages[0].sender, "U1");
  EXPECT_EQ(read.messages[0].sender_name, "");
  EXPECT_EQ(read.messages[0].line, 1);

  const Status unnamed = ParseError("2026-03-02.json", "[]");
  EXPECT_EQ(unnamed.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(unnamed.message(), HasSubstr("does not tell the channel"));
  ReadOptions options;
  options.conversation = "general";
  EXPECT_TRUE(Slack().Parse("2026-03-02.json", "[]", options).ok());
}

std::string OneMessage(std::string_view fields) {
  return "[\n  {\"type\": \"message\", \"user\": \"U1\", \"ts\": "
         "\"1772416500.000100\", " +
         std::string(fields) + "}\n]\n";
}

std::string TextOf(std::string_view slack_text) {
  const Export read =
      MustParse("general.json",
                OneMessage("\"text\": \"" + std::string(slack_text) + "\""));
  return read.messages.empty() ? "" : read.messages[0].text;
}

TEST(SlackConnectorTest, MarkupIsMadeReadable) {
  EXPECT_EQ(TextOf("ping <@U9|rina>"), "ping @rina");
  EXPECT_EQ(TextOf("ping <@U9>"), "ping @U9");
  EXPECT_EQ(TextOf("see <#C9>"), "see #C9");
  EXPECT_EQ(TextOf("<!subteam^S1|@design> <!channel> <!everyone>"),
            "@design @channel @everyone");
  EXPECT_EQ(TextOf("<!date^1772416500^{date_short}|2 Mar 2026> ok"),
            "2 Mar 2026 ok");
  EXPECT_EQ(TextOf("mail <mailto:a@b.co|a@b.co> or <mailto:c@d.co|Tim C>"),
            "mail a@b.co or Tim C (c@d.co)");
  EXPECT_EQ(TextOf("<https://x.id|https://x.id> <https://y.id>"),
            "https://x.id https://y.id");
  EXPECT_EQ(TextOf("a &lt;b&gt; &amp;amp; &quot;"), "a <b> &amp; &quot;");
  EXPECT_EQ(TextOf("<https://x.id?a=1&amp;b=2|Q&amp;A>"),
            "Q&A (https://x.id?a=1&b=2)");
  EXPECT_EQ(TextOf("unclosed <https://x.id"), "unclosed <https://x.id");
  EXPECT_EQ(TextOf("plain text, no markup"), "plain text, no markup");
}

TEST(SlackConnectorTest, TimestampsAndReactions) {
  Export read = MustParse("general.json", OneMessage("\"text\": \"x\""));
  ASSERT_EQ(read.messages.size(), 1u);
  EXPECT_EQ(read.messages[0].time_us, Utc("2026-03-02T01:55:00.000100Z"));

  read = MustParse("general.json",
                   R"([{"user": "U1", "ts": 1772416500.25, "text": "x"}])");
  ASSERT_EQ(read.messages.size(), 1u);
  EXPECT_EQ(read.messages[0].time_us, Utc("2026-03-02T01:55:00.25Z"));
  EXPECT_EQ(read.messages[0].id, "general/1772416500.250000");

  read = MustParse("general.json", OneMessage(R"("text": "ok", "reactions": [
        {"name": "+1::skin-tone-3", "users": ["U2"], "count": 1},
        {"name": "thumbsup", "users": ["U3"], "count": 1},
        {"name": "+1::skin-tone-5", "users": ["U2", "U4"], "count": 2}],
        "edited": {"user": "U1", "ts": "1772416600.000000"})"));
  ASSERT_EQ(read.messages.size(), 1u);
  EXPECT_TRUE(read.messages[0].edited);
  EXPECT_THAT(
      read.messages[0].reactions,
      ElementsAre(Reaction{"+1", {"U2", "U4"}}, Reaction{"thumbsup", {"U3"}}));
}

TEST(SlackConnectorTest, EqualTimesKeepTheExportOrder) {
  const Export read = MustParse("general.json", R"([
    {"user": "U1", "ts": "1772416600.000000", "text": "later"},
    {"user": "U1", "ts": "1772416500.000000", "text": "first"},
    {"user": "U2", "ts": "1772416500.000000", "text": "second"}
  ])");
  ASSERT_EQ(read.messages.size(), 3u);
  EXPECT_EQ(read.messages[0].text, "first");
  EXPECT_EQ(read.messages[1].text, "second");
  EXPECT_EQ(read.messages[2].text, "later");
  EXPECT_EQ(read.messages[2].line, 2);
  EXPECT_EQ(read.messages[2].locator, "message 1");
}

// Invalid inputs: each error names the file and where in it.

TEST(SlackConnectorTest, TruncatedZipIsAnError) {
  const fs::path path = kTestData / "invalid" / "truncated.zip";
  Result<Export> read = ReadExport(Slack(), path.string(), {});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status().message(), HasSubstr(path.string()));
  EXPECT_THAT(read.status().message(), HasSubstr("export it again"));
}

TEST(SlackConnectorTest, BrokenDayFileNamesMemberAndLine) {
  const fs::path path = kTestData / "invalid" / "broken_json.zip";
  Result<Export> read = ReadExport(Slack(), path.string(), {});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
  // The comma is missing at the end of line 7; the parser stops on line 8.
  EXPECT_THAT(read.status().message(),
              HasSubstr(path.string() +
                        " general/2026-03-02.json line 8, column 14: not valid "
                        "JSON (syntax error"));

  const fs::path alone = kTestData / "invalid" / "broken-day.json";
  read = ReadExport(Slack(), alone.string(), {});
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(),
              HasSubstr(alone.string() + " line 8, column 14: not valid JSON"));
}

TEST(SlackConnectorTest, NumberOutOfRangeInUsersJsonIsAnError) {
  Result<std::string> zip = internal::WriteZip(
      {{"users.json", R"([{"id": "U1", "name": "ana", "tz_offset": 1e999}])"},
       {"general/2026-03-02.json", R"([{"ts": "1772442000.000100",
          "user": "U1", "text": "hi"}])"}});
  ASSERT_TRUE(zip.ok()) << zip.status().message();
  Result<Export> read = Slack().Parse("export.zip", *zip, {});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status().message(),
              HasSubstr("users.json: a number is out of range"));
}

TEST(SlackConnectorTest, MessageWithoutTsIsAnError) {
  const fs::path path = kTestData / "invalid" / "no_ts.zip";
  Result<Export> read = ReadExport(Slack(), path.string(), {});
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status().message(),
              HasSubstr(path.string() +
                        " general/2026-03-02.json message 2 (line 37): no "
                        "\"ts\""));
}

TEST(SlackConnectorTest, TsThatIsNotANumberIsAnError) {
  const fs::path path = kTestData / "invalid" / "bad_ts.zip";
  Result<Export> read = ReadExport(Slack(), path.string(), {});
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(),
              HasSubstr(path.string() +
                        " general/2026-03-02.json message 3 (line 72): \"ts\" "
                        "is \"kemarin\", not a Slack timestamp"));
}

TEST(SlackConnectorTest, MalformedUsersJsonIsAnError) {
  const fs::path path = kTestData / "invalid" / "bad_users.zip";
  Result<Export> read = ReadExport(Slack(), path.string(), {});
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(),
              HasSubstr(path.string() + " users.json line "));
  EXPECT_THAT(read.status().message(), HasSubstr("not valid JSON"));

  const fs::path no_id = kTestData / "invalid" / "users_without_id.zip";
  read = ReadExport(Slack(), no_id.string(), {});
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(),
              HasSubstr(no_id.string() + " users.json entry 2: not an object "
                                         "with an \"id\""));
}

TEST(SlackConnectorTest, OtherArchivesAndFilesAreNotSlackExports) {
  const fs::path not_slack = kTestData / "invalid" / "not_slack.zip";
  Result<Export> read = ReadExport(Slack(), not_slack.string(), {});
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(),
              HasSubstr(not_slack.string() + ": not a Slack export"));

  const fs::path not_a_day = kTestData / "invalid" / "not_a_day.json";
  read = ReadExport(Slack(), not_a_day.string(), {});
  ASSERT_FALSE(read.ok());
  EXPECT_THAT(read.status().message(),
              HasSubstr(not_a_day.string() + ": not a Slack day file (a JSON "
                                             "object"));

  EXPECT_THAT(ParseError("chat.txt", "12/03/26 10:00 - Rina: halo").message(),
              HasSubstr("chat.txt: not a Slack export"));
  EXPECT_THAT(ParseError("export.zip", "not a zip at all").message(),
              HasSubstr("export.zip: not a readable zip archive"));

  ReadOptions small;
  small.max_bytes = 10;
  EXPECT_EQ(
      ParseError("general.json", OneMessage("\"text\": \"x\""), small).code(),
      StatusCode::kResourceExhausted);
  const std::string zip = ReadFile(kTestData / "workspace.zip");
  small.max_bytes = static_cast<int64_t>(zip.size()) + 100;
  EXPECT_EQ(ParseError("workspace.zip", zip, small).code(),
            StatusCode::kResourceExhausted);
}

TEST(SlackConnectorTest, WrongValuesNameTheMessage) {
  const auto error_of = [](std::string_view json) {
    return ParseError("general.json", json).message();
  };
  EXPECT_THAT(error_of(R"([{"user": "U1", "ts": "1.5", "text": 5}])"),
              HasSubstr("general.json message 1 (line 1): \"text\" is a JSON "
                        "number, not a string"));
  EXPECT_THAT(error_of("[\n{\"ts\": \"1\"},\n\"hello\"\n]"),
              HasSubstr("general.json message 2 (line 3): a JSON string"));
  EXPECT_THAT(error_of(R"([{"ts": "1", "reactions": {"name": "+1"}}])"),
              HasSubstr("message 1 (line 1): \"reactions\" is not a list"));
  EXPECT_THAT(error_of(R"([{"ts": "1", "reactions": [{"users": []}]}])"),
              HasSubstr("a reaction without a \"name\""));
  EXPECT_THAT(error_of(R"([{"ts": "1", "files": "banner.png"}])"),
              HasSubstr("\"files\" is not a list"));
  EXPECT_THAT(error_of(R"([{"ts": "1", "files": [3]}])"),
              HasSubstr("a file that is not an object"));
  EXPECT_THAT(error_of(R"([{"ts": true}])"),
              HasSubstr("\"ts\" is a JSON boolean, not a Slack timestamp"));
  EXPECT_THAT(error_of(R"([{"ts": "1.", "text": "x"}])"),
              HasSubstr("\"ts\" is \"1.\", not a Slack timestamp"));
  EXPECT_THAT(error_of(R"([{"ts": "-5"}])"),
              HasSubstr("not a Slack timestamp"));
  EXPECT_THAT(error_of(R"([{"ts": "1", "thread_ts": "abc"}])"),
              HasSubstr("\"thread_ts\" is \"abc\", not a Slack timestamp"));
  EXPECT_THAT(error_of(R"([{"ts": "1"}, {"ts": null}])"),
              HasSubstr("message 2 (line 1): no \"ts\""));
}

// Whatever the bytes, Parse returns: damaged archives and day files cut or
// garbled anywhere give errors, never a crash.
TEST(SlackConnectorTest, NeverCrashesOnDamagedInput) {
  const std::string zip = ReadFile(kTestData / "workspace.zip");
  const std::string day =
      ReadFile(kTestData / "day" / kRamadan / "2026-03-02.json");
  ASSERT_FALSE(zip.empty());
  ASSERT_FALSE(day.empty());
  for (size_t size = 0; size < day.size(); size += 7) {
    (void)Slack().Parse("general/2026-03-02.json", day.substr(0, size), {});
  }
  std::mt19937 random(20260302);
  for (int round = 0; round < 300; ++round) {
    std::string garbled = round % 2 == 0 ? zip : day;
    std::uniform_int_distribution<size_t> where(0, garbled.size() - 1);
    for (int i = 0; i < 1 + round % 5; ++i) {
      garbled[where(random)] = static_cast<char>(random() & 0xff);
    }
    (void)Slack().Parse(round % 2 == 0 ? "w.zip" : "general/2026-03-02.json",
                        garbled, {});
  }
}

}  // namespace
}  // namespace livesop::connect

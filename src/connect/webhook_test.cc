#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "connect/connector.h"
#include "core/time.h"

namespace livesop::connect {
namespace {

using testing::HasSubstr;

Result<Export> Read(const std::string& body) {
  return FindConnector("webhook")->Parse("delivery.json", body, ReadOptions{});
}

std::string Message(const std::string& extra = "") {
  return R"({"id": "task-7/comment-3", "time": "2026-03-02T09:15:00+07:00",
             "sender": "dewi@sinarmart.example", "text": "Approved, go ahead")" +
         extra + "}";
}

TEST(WebhookConnectorTest, ReadsOneMessageAnArrayOrAnEnvelope) {
  Result<Export> one = Read(Message());
  ASSERT_TRUE(one.ok()) << one.status().ToString();
  ASSERT_EQ(one->messages.size(), 1u);
  const struct Message& m = one->messages[0];
  EXPECT_EQ(m.source, "webhook");
  EXPECT_EQ(m.id, "task-7/comment-3");
  EXPECT_EQ(m.sender, "dewi@sinarmart.example");
  EXPECT_EQ(m.text, "Approved, go ahead");
  EXPECT_EQ(m.time_us, *ParseTimestamp("2026-03-02T02:15:00Z"));
  EXPECT_EQ(m.utc_offset_minutes, 420);
  EXPECT_EQ(m.zone, "+07:00");
  EXPECT_EQ(m.kind, MessageKind::kText);

  Result<Export> array = Read("[" + Message() + ", " + Message() + "]");
  ASSERT_TRUE(array.ok()) << array.status().ToString();
  EXPECT_EQ(array->messages.size(), 2u);

  Result<Export> envelope = Read(
      R"({"conversation": "Campaign board", "members": [{"id": "u-9",
          "name": "Dewi", "email": "dewi@sinarmart.example"}], "messages": [)" +
      Message(R"(, "thread": "task-7", "reply_to": "task-7/comment-1",
                 "kind": "text", "edited": true,
                 "fields": {"campaign": "CMP-0142", "activity": "approval"},
                 "attachments": [{"name": "kv.png", "mime_type": "image/png",
                                  "size": 2048}],
                 "reactions": [{"name": "+1", "senders": ["u-9"]}])") +
      ", " + Message(R"(, "id": "x-2", "time": "2026-03-02T03:00:00Z",
                        "conversation": "Other", "kind": "system")") +
      "]}");
  ASSERT_TRUE(envelope.ok()) << envelope.status().ToString();
  ASSERT_EQ(envelope->messages.size(), 2u);
  const struct Message& first = envelope->messages[0];
  EXPECT_EQ(first.conversation, "Campaign board");
  EXPECT_EQ(first.thread, "task-7");
  EXPECT_EQ(first.reply_to, "task-7/comment-1");
  EXPECT_TRUE(first.edited);
  EXPECT_EQ(first.fields.at("campaign"), "CMP-0142");
  ASSERT_EQ(first.attachments.size(), 1u);
  EXPECT_EQ(first.attachments[0].size, 2048);
  EXPECT_TRUE(first.attachments[0].omitted);
  ASSERT_EQ(first.reactions.size(), 1u);
  EXPECT_EQ(first.reactions[0].senders, std::vector<std::string>{"u-9"});
  EXPECT_EQ(envelope->messages[1].conversation, "Other");
  EXPECT_EQ(envelope->messages[1].kind, MessageKind::kSystem);
  EXPECT_EQ(envelope->messages[1].zone, "+00:00");
  ASSERT_EQ(envelope->members.size(), 1u);
  EXPECT_EQ(envelope->members[0].email, "dewi@sinarmart.example");
}

TEST(WebhookConnectorTest, ABadBodyIsRefusedNamingTheMessageAndField) {
  const auto error = [](const std::string& body) {
    Result<Export> read = Read(body);
    EXPECT_FALSE(read.ok()) << body;
    EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument);
    return read.status().message();
  };
  EXPECT_THAT(error("{not json"), HasSubstr("delivery.json: not JSON"));
  // Well-formed JSON whose number does not fit a double.
  EXPECT_THAT(error(" 777e777"),
              HasSubstr("delivery.json: a number is out of range"));
  EXPECT_THAT(error(Message(R"(, "fields": {"budget": 1e999})")),
              HasSubstr("a number is out of range"));
  EXPECT_THAT(error("42"), HasSubstr("a message, an array of messages"));
  EXPECT_THAT(error(R"({"messages": {}})"), HasSubstr("must be an array"));
  EXPECT_THAT(error("[" + Message() + R"(, {"time": "2026-03-02T09:15:00Z",
                    "sender": "a", "text": "x"}])"),
              HasSubstr("message 2: no \"id\""));
  EXPECT_THAT(error(Message(R"(, "time": "2026-03-02 09:15")")),
              HasSubstr("give a time with its offset"));
  EXPECT_THAT(error(Message(R"(, "time": "yesterday")")),
              HasSubstr("(id \"task-7/comment-3\"): field \"time\""));
  EXPECT_THAT(error(Message(R"(, "sender": "")")), HasSubstr("no \"sender\""));
  EXPECT_THAT(error(Message(R"(, "text": 5)")),
              HasSubstr("field \"text\" must be a string"));
  EXPECT_THAT(error(Message(R"(, "kind": "poll")")),
              HasSubstr("\"text\", \"system\" or \"deleted\""));
  EXPECT_THAT(error(Message(R"(, "fields": {"campaign": 7})")),
              HasSubstr("fields.campaign must be a string"));
  EXPECT_THAT(error(Message(R"(, "attachments": [{"sha256": "abc"}])")),
              HasSubstr("64 lowercase hex digits"));
  EXPECT_THAT(error(Message(R"(, "reactions": [{"name": "+1"}])")),
              HasSubstr("needs a name and senders"));
  EXPECT_THAT(error(std::string(40, '[') + std::string(40, ']')),
              HasSubstr("nested deeper than 16"));
}

TEST(WebhookConnectorTest, ABodyOverTheLimitIsRefused) {
  ReadOptions options;
  options.max_bytes = 10;
  Result<Export> read =
      FindConnector("webhook")->Parse("delivery.json", Message(), options);
  EXPECT_EQ(read.status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace livesop::connect

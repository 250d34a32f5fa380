#include "connect/match.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "sop/loader.h"

namespace livesop::connect {
namespace {

using testing::HasSubstr;

struct Case {
  std::string text;
  Activity activity;
  std::string not_taken;
};

TEST(ReadActivityTest, EnglishAndIndonesianWithNegationsAndQuestions) {
  const Case cases[] = {
      {"Budget ok, approved 👍", Activity::kApproval, ""},
      {"LGTM, go ahead with the Valentine email", Activity::kApproval, ""},
      {"ok lanjut", Activity::kApproval, ""},
      {"acc", Activity::kApproval, ""},
      {"Setuju, silakan", Activity::kApproval, ""},
      {"sudah oke pak", Activity::kApproval, ""},
      {"not approved yet, waiting for legal", Activity::kNone, "pending"},
      {"belum acc dari legal", Activity::kNone, "pending"},
      {"approved?", Activity::kNone, "question"},
      {"Is it approved", Activity::kNone, "question"},
      {"sudah acc belum?", Activity::kNone, "question"},
      {"Not approved, the price is wrong", Activity::kRejection, ""},
      {"I don't approve this", Activity::kRejection, ""},
      {"Rejected. Budget too high", Activity::kRejection, ""},
      {"ditolak", Activity::kRejection, ""},
      {"Please revise the headline", Activity::kChangeRequest, ""},
      {"tolong ganti warnanya", Activity::kChangeRequest, ""},
      {"Brief sent to the agency", Activity::kBriefSent, ""},
      {"Pak, brief sudah saya kirim untuk CMP-0150", Activity::kBriefSent, ""},
      {"key visual v1 for IG", Activity::kAssetDelivered, ""},
      {"Launched 🚀", Activity::kLaunched, ""},
      {"sudah tayang di IG", Activity::kLaunched, ""},
      {"launched?", Activity::kNone, "question"},
      {"Morning team", Activity::kNone, ""},
      {"Approved. Can we launch tomorrow?", Activity::kApproval, ""},
  };
  for (const Case& c : cases) {
    const ActivityMatch match = ReadActivity(c.text);
    EXPECT_EQ(ActivityName(match.activity), ActivityName(c.activity)) << c.text;
    EXPECT_EQ(match.not_taken, c.not_taken) << c.text;
    if (c.activity != Activity::kNone) {
      EXPECT_GT(match.confidence, 0.5) << c.text;
    }
  }
}

TEST(ReadActivityTest, WeakWordsAreLessSure) {
  EXPECT_LT(ReadActivity("ok").confidence, ReadActivity("approved").confidence);
  EXPECT_LT(ReadActivity("Not approved").confidence,
            ReadActivity("rejected").confidence);
}

TEST(ReadActivityTest, ApprovalAndRefusalTogetherAreForAPerson) {
  const ActivityMatch match = ReadActivity("Approved. Sorry, rejected.");
  EXPECT_LE(match.confidence, 0.5);
}

TEST(ReadActivityTest, ExtraPhrases) {
  EXPECT_EQ(ReadActivity("gaskeun bos").activity, Activity::kNone);
  EXPECT_EQ(ReadActivity("gaskeun bos", {{"approval", {"gaskeun"}}}).activity,
            Activity::kApproval);
}

TEST(ReactionActivityTest, ChecksAndThumbsApprove) {
  EXPECT_EQ(ReactionActivity("white_check_mark"), Activity::kApproval);
  EXPECT_EQ(ReactionActivity("+1::skin-tone-3"), Activity::kApproval);
  EXPECT_EQ(ReactionActivity("eyes"), Activity::kNone);
}

TEST(NormalizePhoneTest, LocalAndInternationalFormsAgree) {
  EXPECT_EQ(NormalizePhone("+62 812-3456-7890", "62"), "6281234567890");
  EXPECT_EQ(NormalizePhone("0812 3456 7890", "62"), "6281234567890");
  EXPECT_EQ(NormalizePhone("0062 812 3456 7890", "62"), "6281234567890");
}

class MatcherTest : public testing::Test {
 protected:
  void SetUp() override {
    sop::LoadResult loaded = sop::LoadDefinition(
        std::string(LIVESOP_SOURCE_DIR) + "/examples/marketing-ops/sop.yaml");
    ASSERT_FALSE(loaded.diagnostics.has_errors());
    sop_ = std::move(loaded.definition);
    campaigns_ = {
        {"CMP-0142", "Ramadan Sale 2026", "seasonal", 0, 0},
        {"CMP-0150", "Valentine Email Blast", "email", 0, 0},
        {"CMP-0151", "Ramadan Sale 2026 Billboards", "seasonal", 0, 0},
    };
  }

  Message Text(std::string sender, std::string text,
               std::string conversation = "Marketing Team",
               int64_t time_us = 1'000'000'000'000'000) {
    Message m;
    m.source = "whatsapp";
    m.sender = std::move(sender);
    m.sender_name = m.sender;
    m.text = std::move(text);
    m.conversation = std::move(conversation);
    m.time_us = time_us;
    return m;
  }

  sop::Definition sop_;
  std::vector<KnownCampaign> campaigns_;
  MatchConfig config_;
};

TEST_F(MatcherTest, CampaignByIdTitleAndContext) {
  Matcher matcher(sop_, campaigns_, config_, {}, {});
  Match by_id =
      matcher.MatchMessage(Text("x", "brief cmp-0150 sudah saya kirim"));
  EXPECT_EQ(by_id.campaign, "CMP-0150");
  EXPECT_EQ(by_id.campaign_basis, "id in text");
  EXPECT_DOUBLE_EQ(by_id.campaign_confidence, 1.0);

  // The next message in the chat is about the campaign named just before.
  Match context = matcher.MatchMessage(Text("y", "ok lanjut"));
  EXPECT_EQ(context.campaign, "CMP-0150");
  EXPECT_EQ(context.campaign_basis, "named earlier in the conversation");

  // A day and more later the chat has moved on.
  Match later = matcher.MatchMessage(
      Text("y", "ok lanjut", "Marketing Team",
           1'000'000'000'000'000 + int64_t{25} * 3'600'000'000));
  EXPECT_EQ(later.campaign, "");

  Match title = matcher.MatchMessage(
      Text("x", "Valentine email blast is live", "Other chat"));
  EXPECT_EQ(title.campaign, "CMP-0150");
  EXPECT_EQ(title.campaign_basis, "title in text");

  // "Ramadan Sale 2026" is all of one title and most of another: the whole
  // title is surer.
  Match ramadan =
      matcher.MatchMessage(Text("x", "approved", "Ramadan Sale 2026"));
  EXPECT_EQ(ramadan.campaign, "CMP-0142");
  EXPECT_EQ(ramadan.campaign_basis, "title in conversation");

  Match two = matcher.MatchMessage(Text("x", "CMP-0142 and CMP-0150 approved"));
  EXPECT_EQ(two.campaign, "CMP-0142");
  EXPECT_EQ(two.other_campaigns, std::vector<std::string>{"CMP-0150"});
  EXPECT_LE(two.Confidence(), 0.5);
}

TEST_F(MatcherTest, PeopleByPhoneEmailNameAndRules) {
  ASSERT_FALSE(sop_.people.empty());
  const sop::Person& someone = sop_.people.front();
  Matcher matcher(sop_, campaigns_, config_,
                  {{"sender", "+62 811-0000-0000", someone.id}}, {});
  double sure = 0;
  std::string basis;
  EXPECT_EQ(matcher.PersonOf(someone.name, someone.name, &sure, &basis),
            someone.id);
  EXPECT_EQ(basis, "name");
  if (!someone.email.empty()) {
    std::string upper = someone.email;
    for (char& c : upper) c = static_cast<char>(std::toupper(c));
    EXPECT_EQ(matcher.PersonOf(upper, "", &sure, &basis), someone.id);
    EXPECT_EQ(basis, "email");
  }
  EXPECT_EQ(matcher.PersonOf("+62 811-0000-0000", "", &sure, &basis),
            someone.id);
  EXPECT_EQ(basis, "rule");
  EXPECT_EQ(matcher.PersonOf("+62 899-9999-9999", "", &sure, &basis), "");
}

TEST_F(MatcherTest, TheConfigurationMapsPeopleAndConversations) {
  const std::string path = testing::TempDir() + "/connect.yaml";
  const sop::Person& someone = sop_.people.front();
  {
    std::ofstream out(path);
    out << "review_below: 0.8\n"
           "people:\n"
           "  - person: "
        << someone.id
        << "\n"
           "    phones: [\"0812 3456 7890\"]\n"
           "conversations:\n"
           "  - name: Launch squad\n"
           "    campaign: CMP-0150\n"
           "phrases:\n"
           "  approval: [gaskeun]\n";
  }
  Result<MatchConfig> config = LoadMatchConfig(path, sop_);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_DOUBLE_EQ(config->review_below, 0.8);
  Matcher matcher(sop_, campaigns_, *config, {}, {});
  Match match = matcher.MatchMessage(
      Text("+62 812-3456-7890", "gaskeun", "Launch squad"));
  EXPECT_EQ(match.person, someone.id);
  EXPECT_EQ(match.campaign, "CMP-0150");
  EXPECT_EQ(match.activity.activity, Activity::kApproval);
}

TEST_F(MatcherTest, BadConfigurationsNameTheLine) {
  const std::string path = testing::TempDir() + "/bad-connect.yaml";
  const std::pair<std::string, std::string> cases[] = {
      {"review_below: 3\n", ":1: review_below must be between 0 and 1"},
      {"people:\n  - person: nobody-here\n",
       ":2: \"nobody-here\" is not a person"},
      {"phrases:\n  aproval: [x]\n", ":2: unknown activity \"aproval\""},
      {"reviewbelow: 0.5\n", ":1: unknown key \"reviewbelow\""},
      {"people: [\n", "bad-connect.yaml:"},
  };
  for (const auto& [text, expected] : cases) {
    {
      std::ofstream out(path);
      out << text;
    }
    Result<MatchConfig> config = LoadMatchConfig(path, sop_);
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_THAT(config.status().message(), HasSubstr(expected)) << text;
  }
}

}  // namespace
}  // namespace livesop::connect

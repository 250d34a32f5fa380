// Matching side-path messages to what they are about (docs/side-paths.md):
// the campaign (its id, its title, the thread and the conversation), the
// person (phone numbers, email addresses, Slack ids and names), and the
// activity (approval, rejection, change request, brief sent, asset
// delivered, launched) by a lexicon in English and Indonesian that knows
// negations and questions. Every match says how sure it is and why.
#ifndef LIVESOP_CONNECT_MATCH_H_
#define LIVESOP_CONNECT_MATCH_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "connect/connector.h"
#include "connect/message.h"
#include "core/status.h"
#include "sop/model.h"

namespace livesop::connect {

// The workspace's matching settings: `connect.yaml` beside the SOP. Every
// field is optional; the defaults match by the SOP's people and the store's
// campaigns alone.
struct MatchConfig {
  // A message whose match is less sure than this goes to the review queue
  // instead of the history. Default 0.7.
  double review_below = 0.7;
  // The country code put before phone numbers written with a leading 0
  // ("0812…" is "+62 812…"). Default "62".
  std::string country_code = "62";
  // How long a chat stays about the campaign last named in it, in hours:
  // an "ok lanjut" right after "brief CMP-0150 sudah saya kirim" is about
  // CMP-0150. Default 24.
  int context_hours = 24;

  // Other ways people appear in exports, beside the SOP's email and phone.
  struct Alias {
    std::string person;  // a person id of the SOP
    std::vector<std::string> phones;
    std::vector<std::string> emails;
    std::vector<std::string> slack;  // Slack user ids
    std::vector<std::string> names;  // display names
  };
  std::vector<Alias> people;

  // A chat, channel or mail subject that is about one campaign.
  struct Conversation {
    std::string name;  // as the export names it: "Ramadan Sale 2026", "#launch"
    std::string campaign;
  };
  std::vector<Conversation> conversations;

  // More phrases for an activity, in any language: activity → phrases.
  std::map<std::string, std::vector<std::string>> phrases;
};

// Reads `connect.yaml`. Errors: InvalidArgument naming the file, line and
// key (an unknown key, a threshold outside 0-1, an unknown activity, a
// person the SOP does not have).
Result<MatchConfig> LoadMatchConfig(const std::string& path,
                                    const sop::Definition& sop);

// The activities a message can show.
enum class Activity {
  kNone,
  kApproval,
  kRejection,
  kChangeRequest,
  kBriefSent,
  kAssetDelivered,
  kLaunched,
  // A tracker row's status changed between exports (never read from text).
  kStatusChanged,
};

// "approval", "change_request", …; "none".
std::string_view ActivityName(Activity activity);
// The activity named `name` ("approval"); kNone for an unknown name.
Activity ActivityNamed(std::string_view name);

// What the lexicon read in a text.
struct ActivityMatch {
  Activity activity = Activity::kNone;
  double confidence = 0;
  std::string phrase;  // the words that matched, as written
  // Why an activity's words were not taken as the activity: "negated"
  // ("belum acc"), "pending" ("not approved yet"), "question"
  // ("approved?"); empty otherwise.
  std::string not_taken;
};

// Finds the activity of `text` (sentence by sentence; the surest match
// wins). `extra` adds phrases per activity (MatchConfig::phrases).
ActivityMatch ReadActivity(
    std::string_view text,
    const std::map<std::string, std::vector<std::string>>& extra = {});

// The activity a reaction's emoji shows ("white_check_mark", "+1",
// "thumbsup", "heavy_check_mark", or the emoji itself): kApproval, or kNone.
Activity ReactionActivity(std::string_view name);

// A campaign matching can name.
struct KnownCampaign {
  std::string id;
  std::string title;
  std::string campaign_type;
  int64_t created_us = 0;  // its first event
  int64_t closed_us = 0;   // 0: open
};

// A decision remembered from the review queue, applied to later imports:
// a sender who is a person, a conversation about a campaign, a sender to
// leave out ("ignore").
struct Rule {
  std::string kind;   // "sender", "conversation" or "ignore_sender"
  std::string key;    // the source's sender id or conversation name
  std::string value;  // the person or campaign ("" for ignore_sender)
};

// What a message was matched to.
struct Match {
  std::string campaign;  // empty: none found
  double campaign_confidence = 0;
  std::string campaign_basis;  // "id in text", "title in text", "thread", …
  std::vector<std::string> other_campaigns;  // as sure as the one chosen

  std::string person;  // empty: an unknown sender
  double person_confidence = 0;
  std::string person_basis;  // "phone", "email", "slack id", "name", "rule"

  ActivityMatch activity;

  // The least sure of the three that count for this message.
  double Confidence() const;
};

// Matches the messages of one export in their order, keeping each
// conversation's and thread's context. Not thread-safe; one per import.
class Matcher {
 public:
  // `sop`, `campaigns`, `config` and `rules` must outlive the matcher.
  // `members` are the people the export names (Slack's users.json).
  Matcher(const sop::Definition& sop,
          const std::vector<KnownCampaign>& campaigns,
          const MatchConfig& config, const std::vector<Rule>& rules,
          const std::vector<Export::Member>& members);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  Match MatchMessage(const Message& message);

  // The person `sender` is (a phone, email, Slack id or display name), and
  // on what basis; empty when unknown.
  std::string PersonOf(const std::string& sender, const std::string& name,
                       double* confidence, std::string* basis) const;

 private:
  struct Index;
  std::unique_ptr<Index> index_;
};

// Digits of a phone number with the country code: "+62 812-3456-7890",
// "0812 3456 7890" and "6281234567890" are all "6281234567890".
std::string NormalizePhone(std::string_view phone,
                           std::string_view country_code);

}  // namespace livesop::connect

#endif  // LIVESOP_CONNECT_MATCH_H_

#include "connect/match.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace livesop::connect {
namespace {

// Letters and digits are ASCII here; every byte of a UTF-8 sequence counts
// as a letter, so words in any script stay whole.
bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c >= 0x80;
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Words of `text`, lowercased: runs of letters and digits, joined across
// single '-' or '_' ("cmp-0142", "spring-sale-2026" stay one word, as ids
// are written). "n't" becomes the word "not".
std::vector<std::string> Words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  const auto flush = [&] {
    while (!word.empty() && (word.back() == '-' || word.back() == '_')) {
      word.pop_back();
    }
    if (word.empty()) return;
    words.push_back(std::move(word));
    word.clear();
  };
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (IsWordByte(c)) {
      word += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a')
                                     : static_cast<char>(c);
      continue;
    }
    if ((c == '-' || c == '_') && !word.empty() && i + 1 < text.size() &&
        IsWordByte(static_cast<unsigned char>(text[i + 1]))) {
      word += static_cast<char>(c);
      continue;
    }
    // don't, isn't, can't (with ' or ’): the word before keeps its stem
    // and "not" follows.
    const bool apostrophe =
        c == '\'' || text.substr(i).starts_with("\xE2\x80\x99");
    if (apostrophe && word.ends_with("n")) {
      const size_t after = i + (c == '\'' ? 1 : 3);
      if (after < text.size() && (text[after] | 0x20) == 't' &&
          (after + 1 == text.size() ||
           !IsWordByte(static_cast<unsigned char>(text[after + 1])))) {
        word.pop_back();
        flush();
        words.emplace_back("not");
        i = after;
        continue;
      }
    }
    flush();
  }
  flush();
  return words;
}

struct Phrase {
  std::vector<std::string> words;  // empty for a symbol
  std::string symbol;              // an emoji, matched as written
  double weight = 0;
};

struct Lexicon {
  std::array<std::vector<Phrase>, 7> by_activity;
};

void AddPhrases(Lexicon& lexicon, Activity activity, double weight,
                std::initializer_list<std::string_view> phrases) {
  for (std::string_view text : phrases) {
    Phrase phrase;
    phrase.weight = weight;
    phrase.words = Words(text);
    if (phrase.words.empty()) phrase.symbol = std::string(text);
    lexicon.by_activity[static_cast<int>(activity)].push_back(
        std::move(phrase));
  }
}

// The built-in lexicon, English and Indonesian (docs/side-paths.md lists
// it). Weights: how surely the words alone mean the activity.
const Lexicon& BuiltInLexicon() {
  static const Lexicon lexicon = [] {
    Lexicon l;
    AddPhrases(l, Activity::kApproval, 0.9,
               {"approved",       "approve",       "i approve",
                "approval given", "lgtm",          "looks good to me",
                "go ahead",       "good to go",    "green light",
                "signed off",     "sign off",      "acc",
                "di-acc",         "diacc",         "sudah acc",
                "udah acc",       "sdh acc",       "setuju",
                "disetujui",      "sudah oke",     "sudah ok",
                "udah oke",       "ok lanjut",     "oke lanjut",
                "lanjutkan",      "silakan jalan", "\xE2\x9C\x85",
                "\xE2\x9C\x94"});
    AddPhrases(l, Activity::kApproval, 0.75, {"looks good", "fine by me"});
    AddPhrases(l, Activity::kApproval, 0.6,
               {"ok", "oke", "okay", "okey", "sip", "mantap", "lanjut", "gas",
                "\xF0\x9F\x91\x8D"});
    AddPhrases(l, Activity::kRejection, 0.85,
               {"rejected", "reject", "declined", "decline", "no go", "ditolak",
                "tolak", "tidak disetujui", "batal", "\xE2\x9D\x8C"});
    AddPhrases(
        l, Activity::kChangeRequest, 0.8,
        {"please change", "please revise", "needs changes", "need changes",
         "request changes", "changes requested", "revise", "revision", "revisi",
         "tolong ganti", "tolong ubah", "perlu diubah", "diubah", "perbaiki",
         "can you change", "can you update", "fix the"});
    AddPhrases(l, Activity::kBriefSent, 0.8,
               {"brief sent", "sent the brief", "brief is in", "brief attached",
                "brief is ready", "brief sudah", "brief sdh", "kirim brief",
                "brief terlampir"});
    AddPhrases(l, Activity::kAssetDelivered, 0.8,
               {"key visual", "final banner", "final design", "design attached",
                "here is the design", "here are the assets", "assets delivered",
                "desain sudah", "materi sudah", "desain final", "artwork"});
    AddPhrases(l, Activity::kLaunched, 0.85,
               {"launched", "is live", "went live", "now live", "published",
                "sudah live", "sudah tayang", "sudah naik", "sudah rilis",
                "\xF0\x9F\x9A\x80"});
    return l;
  }();
  return lexicon;
}

bool Contains(const std::vector<std::string_view>& set, std::string_view w) {
  return std::find(set.begin(), set.end(), w) != set.end();
}

const std::vector<std::string_view>& Negations() {
  static const std::vector<std::string_view> words = {
      "not", "no",    "never", "without", "tidak", "tak", "bukan", "jangan",
      "gak", "nggak", "ga",    "enggak",  "belum", "blm", "ndak"};
  return words;
}

const std::vector<std::string_view>& QuestionStarts() {
  static const std::vector<std::string_view> words = {
      "is",       "are",     "was",    "did",      "has",
      "have",     "can",     "could",  "should",   "apakah",
      "sudahkah", "bisakah", "gimana", "bagaimana"};
  return words;
}

// Finds `phrase` in `words`; returns its start or -1.
int FindPhrase(const std::vector<std::string>& words, const Phrase& phrase) {
  const size_t n = phrase.words.size();
  if (n == 0 || n > words.size()) return -1;
  for (size_t i = 0; i + n <= words.size(); ++i) {
    if (std::equal(phrase.words.begin(), phrase.words.end(),
                   words.begin() + static_cast<std::ptrdiff_t>(i))) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Reads one sentence; `question` when it ends with '?'.
ActivityMatch ReadSentence(std::string_view sentence, bool question,
                           const Lexicon& lexicon, const Lexicon* extra) {
  const std::vector<std::string> words = Words(sentence);
  const bool asks =
      question || (!words.empty() && Contains(QuestionStarts(), words.front()));
  const bool pending =
      std::find(words.begin(), words.end(), "yet") != words.end();
  ActivityMatch best;
  for (const Lexicon* source : {&lexicon, extra}) {
    if (source == nullptr) continue;
    for (int a = 1; a < 7; ++a) {
      for (const Phrase& phrase : source->by_activity[a]) {
        int start = -1;
        if (!phrase.symbol.empty()) {
          if (sentence.find(phrase.symbol) == std::string_view::npos) continue;
        } else {
          start = FindPhrase(words, phrase);
          if (start < 0) continue;
        }
        ActivityMatch match;
        match.activity = static_cast<Activity>(a);
        match.confidence = phrase.weight;
        match.phrase = phrase.symbol.empty() ? [&] {
          std::string text;
          for (const std::string& w : phrase.words) {
            if (!text.empty()) text += ' ';
            text += w;
          }
          return text;
        }()
                                             : phrase.symbol;
        // A negation in the three words before the phrase turns it.
        std::string negation;
        for (int i = std::max(0, start - 3); i < start; ++i) {
          if (Contains(Negations(), words[static_cast<size_t>(i)])) {
            negation = words[static_cast<size_t>(i)];
          }
        }
        if (!negation.empty()) {
          const bool not_yet =
              pending || negation == "belum" || negation == "blm";
          if (match.activity == Activity::kApproval && !not_yet && !asks) {
            // "not approved": a refusal, said less surely than "rejected".
            match.activity = Activity::kRejection;
            match.confidence = 0.6;
            match.phrase = negation + " " + match.phrase;
          } else {
            match.activity = Activity::kNone;
            match.not_taken = not_yet ? "pending" : "negated";
            match.phrase = negation + " " + match.phrase;
          }
        } else if (asks) {
          match.activity = Activity::kNone;
          match.not_taken = "question";
        }
        if (match.activity == Activity::kNone) {
          if (best.activity == Activity::kNone && best.not_taken.empty()) {
            best = match;
          }
          continue;
        }
        if (match.confidence > best.confidence) best = match;
      }
    }
  }
  return best;
}

Lexicon ExtraLexicon(
    const std::map<std::string, std::vector<std::string>>& extra) {
  Lexicon lexicon;
  for (const auto& [name, phrases] : extra) {
    const Activity activity = ActivityNamed(name);
    if (activity == Activity::kNone) continue;
    for (const std::string& text : phrases) {
      Phrase phrase;
      phrase.weight = 0.85;
      phrase.words = Words(text);
      if (phrase.words.empty()) phrase.symbol = text;
      lexicon.by_activity[static_cast<int>(activity)].push_back(
          std::move(phrase));
    }
  }
  return lexicon;
}

ActivityMatch ReadWithLexicons(std::string_view text, const Lexicon* extra) {
  ActivityMatch best;
  size_t begin = 0;
  for (size_t i = 0; i <= text.size(); ++i) {
    const bool end = i == text.size();
    const char c = end ? '\n' : text[i];
    if (c != '.' && c != '!' && c != '?' && c != '\n' && c != ';') continue;
    // "v1.2", "3.5%": a dot between digits ends no sentence.
    if (c == '.' && i > 0 && i + 1 < text.size() &&
        IsWordByte(static_cast<unsigned char>(text[i - 1])) &&
        IsWordByte(static_cast<unsigned char>(text[i + 1]))) {
      continue;
    }
    std::string_view sentence = text.substr(begin, i - begin);
    begin = i + 1;
    if (sentence.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    bool question = c == '?';
    while (begin < text.size() && text[begin] == '?') {
      question = true;
      ++begin;
    }
    const ActivityMatch match =
        ReadSentence(sentence, question, BuiltInLexicon(), extra);
    if (match.activity != Activity::kNone) {
      if (best.activity != Activity::kNone && best.activity != match.activity &&
          (best.activity == Activity::kApproval) !=
              (match.activity == Activity::kApproval) &&
          (best.activity == Activity::kRejection ||
           match.activity == Activity::kRejection)) {
        // Approval and refusal in one message: for a person to read.
        best.confidence = std::min({best.confidence, match.confidence, 0.5});
        continue;
      }
      if (match.confidence > best.confidence) best = match;
    } else if (best.activity == Activity::kNone && best.not_taken.empty()) {
      best = match;
    }
  }
  return best;
}

// Title words that say nothing about which campaign it is.
bool Significant(std::string_view word) {
  static const std::unordered_set<std::string_view> kStop = {
      "the", "and",   "for",  "with",     "our",      "new",
      "dan", "untuk", "yang", "campaign", "kampanye", "promo"};
  return word.size() >= 3 && kStop.count(word) == 0;
}

}  // namespace

std::string_view ActivityName(Activity activity) {
  switch (activity) {
    case Activity::kNone:
      return "none";
    case Activity::kApproval:
      return "approval";
    case Activity::kRejection:
      return "rejection";
    case Activity::kChangeRequest:
      return "change_request";
    case Activity::kBriefSent:
      return "brief_sent";
    case Activity::kAssetDelivered:
      return "asset_delivered";
    case Activity::kLaunched:
      return "launched";
    case Activity::kStatusChanged:
      return "status_changed";
  }
  return "none";
}

Activity ActivityNamed(std::string_view name) {
  for (int a = 1; a <= static_cast<int>(Activity::kStatusChanged); ++a) {
    if (ActivityName(static_cast<Activity>(a)) == name) {
      return static_cast<Activity>(a);
    }
  }
  return Activity::kNone;
}

ActivityMatch ReadActivity(
    std::string_view text,
    const std::map<std::string, std::vector<std::string>>& extra) {
  if (extra.empty()) return ReadWithLexicons(text, nullptr);
  const Lexicon lexicon = ExtraLexicon(extra);
  return ReadWithLexicons(text, &lexicon);
}

Activity ReactionActivity(std::string_view name) {
  if (const size_t skin = name.find("::skin-tone"); skin != name.npos) {
    name = name.substr(0, skin);
  }
  static constexpr std::array<std::string_view, 8> kApprovals = {
      "white_check_mark", "heavy_check_mark",      "+1",
      "thumbsup",         "ballot_box_with_check", "\xE2\x9C\x85",
      "\xF0\x9F\x91\x8D", "\xE2\x9C\x94"};
  return std::find(kApprovals.begin(), kApprovals.end(), name) !=
                 kApprovals.end()
             ? Activity::kApproval
             : Activity::kNone;
}

double Match::Confidence() const {
  double confidence = activity.confidence;
  if (activity.activity == Activity::kNone) return 0;
  confidence = std::min(confidence, campaign.empty() ? 0 : campaign_confidence);
  const bool needs_person = activity.activity == Activity::kApproval ||
                            activity.activity == Activity::kRejection ||
                            activity.activity == Activity::kChangeRequest;
  if (needs_person) {
    confidence = std::min(confidence, person.empty() ? 0 : person_confidence);
  }
  if (!other_campaigns.empty()) confidence = std::min(confidence, 0.5);
  return confidence;
}

std::string NormalizePhone(std::string_view phone,
                           std::string_view country_code) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.empty()) return digits;
  const bool international =
      phone.find('+') != std::string_view::npos || digits.starts_with("00");
  if (digits.starts_with("00")) digits.erase(0, 2);
  if (!international && digits.starts_with('0')) {
    digits = std::string(country_code) + digits.substr(1);
  }
  return digits;
}

struct Matcher::Index {
  const sop::Definition& sop;
  const MatchConfig& config;
  Lexicon extra;
  bool has_extra = false;

  std::unordered_map<std::string, std::string> phone_to_person;
  std::unordered_map<std::string, std::string> email_to_person;
  std::unordered_map<std::string, std::string> slack_to_person;
  std::unordered_map<std::string, std::string> name_to_person;  // lowercased
  std::unordered_map<std::string, std::string> first_name_to_person;
  std::unordered_map<std::string, std::string> sender_rules;
  std::unordered_set<std::string> ignored_senders;

  std::unordered_map<std::string, const KnownCampaign*> campaign_by_id;
  std::unordered_map<std::string, std::string> conversation_rules;
  // Significant title word → the campaigns whose titles have it.
  std::unordered_map<std::string, std::vector<const KnownCampaign*>>
      by_title_word;
  std::unordered_map<const KnownCampaign*, int> title_words;

  // Context of this export.
  std::unordered_map<std::string, std::string> thread_campaign;
  std::unordered_map<std::string, std::string> message_campaign;
  struct Named {
    std::string campaign;
    int64_t at_us = 0;
  };
  std::unordered_map<std::string, Named> conversation_last;

  Index(const sop::Definition& s, const MatchConfig& c) : sop(s), config(c) {}
};

Matcher::Matcher(const sop::Definition& sop,
                 const std::vector<KnownCampaign>& campaigns,
                 const MatchConfig& config, const std::vector<Rule>& rules,
                 const std::vector<Export::Member>& members)
    : index_(std::make_unique<Index>(sop, config)) {
  Index& x = *index_;
  if (!config.phrases.empty()) {
    x.extra = ExtraLexicon(config.phrases);
    x.has_extra = true;
  }
  std::unordered_map<std::string, int> first_names;
  for (const sop::Person& person : sop.people) {
    if (!person.phone.empty()) {
      x.phone_to_person[NormalizePhone(person.phone, config.country_code)] =
          person.id;
    }
    if (!person.email.empty())
      x.email_to_person[Lower(person.email)] = person.id;
    x.name_to_person[Lower(person.name)] = person.id;
    x.name_to_person[Lower(person.id)] = person.id;
    const std::string first =
        Lower(person.name.substr(0, person.name.find(' ')));
    if (++first_names[first] == 1) {
      x.first_name_to_person[first] = person.id;
    } else {
      x.first_name_to_person.erase(first);
    }
  }
  for (const MatchConfig::Alias& alias : config.people) {
    for (const std::string& p : alias.phones) {
      x.phone_to_person[NormalizePhone(p, config.country_code)] = alias.person;
    }
    for (const std::string& e : alias.emails) {
      x.email_to_person[Lower(e)] = alias.person;
    }
    for (const std::string& s : alias.slack)
      x.slack_to_person[s] = alias.person;
    for (const std::string& n : alias.names) {
      x.name_to_person[Lower(n)] = alias.person;
    }
  }
  for (const Rule& rule : rules) {
    if (rule.kind == "sender") x.sender_rules[rule.key] = rule.value;
    if (rule.kind == "ignore_sender") x.ignored_senders.insert(rule.key);
    if (rule.kind == "conversation") {
      x.conversation_rules[Lower(rule.key)] = rule.value;
    }
  }
  for (const MatchConfig::Conversation& c : config.conversations) {
    x.conversation_rules[Lower(c.name)] = c.campaign;
  }
  // The export's own people (Slack's users.json): an id whose email or
  // phone the SOP knows is that person.
  for (const Export::Member& member : members) {
    std::string person;
    if (!member.email.empty()) {
      auto found = x.email_to_person.find(Lower(member.email));
      if (found != x.email_to_person.end()) person = found->second;
    }
    if (person.empty() && !member.phone.empty()) {
      auto found = x.phone_to_person.find(
          NormalizePhone(member.phone, config.country_code));
      if (found != x.phone_to_person.end()) person = found->second;
    }
    if (!person.empty() && x.slack_to_person.count(member.id) == 0) {
      x.slack_to_person[member.id] = person;
    }
  }
  for (const KnownCampaign& campaign : campaigns) {
    x.campaign_by_id[Lower(campaign.id)] = &campaign;
    std::set<std::string> seen;
    for (std::string& word : Words(campaign.title)) {
      if (!Significant(word) || !seen.insert(word).second) continue;
      x.by_title_word[word].push_back(&campaign);
    }
    x.title_words[&campaign] = static_cast<int>(seen.size());
  }
}

Matcher::~Matcher() = default;

std::string Matcher::PersonOf(const std::string& sender,
                              const std::string& name, double* confidence,
                              std::string* basis) const {
  const Index& x = *index_;
  const auto found =
      [&](const std::unordered_map<std::string, std::string>& map,
          const std::string& key, double sure,
          const char* why) -> const std::string* {
    auto it = map.find(key);
    if (it == map.end()) return nullptr;
    *confidence = sure;
    *basis = why;
    return &it->second;
  };
  if (const std::string* p = found(x.sender_rules, sender, 1.0, "rule")) {
    return *p;
  }
  if (sender.find('@') != std::string::npos) {
    if (const std::string* p =
            found(x.email_to_person, Lower(sender), 1.0, "email")) {
      return *p;
    }
  }
  if (const std::string* p =
          found(x.slack_to_person, sender, 1.0, "slack id")) {
    return *p;
  }
  const std::string phone = NormalizePhone(sender, x.config.country_code);
  if (phone.size() >= 8 &&
      sender.find_first_of("abcdefghijklmnopqrstuvwxyz"
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ@") ==
          std::string::npos) {
    if (const std::string* p = found(x.phone_to_person, phone, 1.0, "phone")) {
      return *p;
    }
    return "";
  }
  for (const std::string* key : {&name, &sender}) {
    if (key->empty()) continue;
    if (const std::string* p =
            found(x.name_to_person, Lower(*key), 0.9, "name")) {
      return *p;
    }
  }
  for (const std::string* key : {&name, &sender}) {
    if (key->empty() || key->find(' ') != std::string::npos) continue;
    if (const std::string* p =
            found(x.first_name_to_person, Lower(*key), 0.7, "first name")) {
      return *p;
    }
  }
  *confidence = 0;
  basis->clear();
  return "";
}

Match Matcher::MatchMessage(const Message& message) {
  Index& x = *index_;
  Match match;
  if (x.ignored_senders.count(message.sender) > 0) {
    match.person_basis = "ignored sender";
    return match;
  }
  match.person = PersonOf(message.sender, message.sender_name,
                          &match.person_confidence, &match.person_basis);
  match.activity = ReadActivity(message.text, {});
  if (x.has_extra) {
    const ActivityMatch extra = ReadWithLexicons(message.text, &x.extra);
    if (extra.confidence > match.activity.confidence) match.activity = extra;
  }
  if (auto person = message.fields.find("person");
      person != message.fields.end() && match.person.empty()) {
    match.person = PersonOf(person->second, person->second,
                            &match.person_confidence, &match.person_basis);
  }
  if (auto activity = message.fields.find("activity");
      activity != message.fields.end()) {
    const Activity named = ActivityNamed(activity->second);
    if (named != Activity::kNone) {
      match.activity = {named, 1.0, activity->second, ""};
    }
  }

  // The campaign: the surest of the ways below.
  const auto consider = [&](const std::string& id, double sure,
                            const char* why) {
    if (id.empty()) return;
    if (sure > match.campaign_confidence) {
      match.campaign = id;
      match.campaign_confidence = sure;
      match.campaign_basis = why;
      match.other_campaigns.clear();
    } else if (sure == match.campaign_confidence && id != match.campaign &&
               std::find(match.other_campaigns.begin(),
                         match.other_campaigns.end(),
                         id) == match.other_campaigns.end()) {
      match.other_campaigns.push_back(id);
    }
  };
  const auto by_id = [&](const std::string& word) -> std::string {
    auto it = x.campaign_by_id.find(word);
    return it == x.campaign_by_id.end() ? "" : it->second->id;
  };
  if (auto field = message.fields.find("campaign");
      field != message.fields.end()) {
    consider(by_id(Lower(field->second)), 1.0, "campaign field");
  }
  const std::vector<std::string> words = Words(message.text);
  for (const std::string& word : words)
    consider(by_id(word), 1.0, "id in text");
  if (match.campaign.empty()) {
    const std::string conversation = Lower(message.conversation);
    if (auto rule = x.conversation_rules.find(conversation);
        rule != x.conversation_rules.end()) {
      consider(rule->second, 0.95, "conversation rule");
    }
    for (const std::string& word : Words(message.conversation)) {
      consider(by_id(word), 0.95, "id in conversation");
    }
  }
  if (match.campaign_confidence < 0.9) {
    if (!message.reply_to.empty()) {
      if (auto it = x.message_campaign.find(message.reply_to);
          it != x.message_campaign.end()) {
        consider(it->second, 0.9, "reply");
      }
    }
    if (!message.thread.empty()) {
      if (auto it = x.thread_campaign.find(message.thread);
          it != x.thread_campaign.end()) {
        consider(it->second, 0.9, "thread");
      }
    }
  }
  if (match.campaign_confidence < 0.85) {
    // Titles: every significant word of a title in the text (0.85) or the
    // conversation (0.8); most of them, two at least, in the text (0.7).
    const auto titles = [&](const std::vector<std::string>& in, double all,
                            double most, const char* why_all,
                            const char* why_most) {
      std::unordered_map<const KnownCampaign*, int> hits;
      std::set<std::string> seen;
      for (const std::string& word : in) {
        if (!seen.insert(word).second) continue;
        auto it = x.by_title_word.find(word);
        if (it == x.by_title_word.end()) continue;
        for (const KnownCampaign* c : it->second) ++hits[c];
      }
      for (const auto& [campaign, count] : hits) {
        const int total = x.title_words[campaign];
        if (count == total) {
          consider(campaign->id, all, why_all);
        } else if (most > 0 && count >= 2 && count * 5 >= total * 3) {
          consider(campaign->id, most, why_most);
        }
      }
    };
    titles(words, 0.85, 0.7, "title in text", "most of the title in text");
    if (match.campaign_confidence < 0.8) {
      titles(Words(message.conversation), 0.8, 0, "title in conversation", "");
    }
  }
  if (match.campaign.empty()) {
    if (auto it = x.conversation_last.find(message.conversation);
        it != x.conversation_last.end() &&
        message.time_us - it->second.at_us <=
            int64_t{x.config.context_hours} * 3'600'000'000) {
      consider(it->second.campaign, 0.8, "named earlier in the conversation");
    }
  }
  std::sort(match.other_campaigns.begin(), match.other_campaigns.end());

  // Context for the next messages.
  if (!match.campaign.empty() && match.other_campaigns.empty()) {
    if (!message.id.empty()) x.message_campaign[message.id] = match.campaign;
    if (!message.thread.empty() &&
        x.thread_campaign.count(message.thread) == 0) {
      x.thread_campaign[message.thread] = match.campaign;
    }
    if (match.campaign_basis !=
        std::string("named earlier in the conversation")) {
      x.conversation_last[message.conversation] = {match.campaign,
                                                   message.time_us};
    }
  }
  return match;
}

Result<MatchConfig> LoadMatchConfig(const std::string& path,
                                    const sop::Definition& sop) {
  MatchConfig config;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return NotFoundError(path + ": no such file");
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(path + ":" + std::to_string(e.mark.line + 1) +
                                ": " + e.msg);
  }
  const auto at = [&](const YAML::Node& node) {
    return path + ":" + std::to_string(node.Mark().line + 1);
  };
  if (root.IsNull()) return config;
  if (!root.IsMap()) {
    return InvalidArgumentError(at(root) + ": expected a mapping of settings");
  }
  const auto strings = [&](const YAML::Node& node, const std::string& key,
                           std::vector<std::string>* out) -> Status {
    if (!node) return OkStatus();
    if (node.IsScalar()) {
      out->push_back(node.as<std::string>());
      return OkStatus();
    }
    if (!node.IsSequence()) {
      return InvalidArgumentError(at(node) + ": " + key +
                                  " must be a list of text");
    }
    for (const YAML::Node& item : node) {
      if (!item.IsScalar()) {
        return InvalidArgumentError(at(item) + ": " + key +
                                    " must be a list of text");
      }
      out->push_back(item.as<std::string>());
    }
    return OkStatus();
  };
  try {
    for (const auto& entry : root) {
      const std::string key = entry.first.as<std::string>();
      const YAML::Node& value = entry.second;
      if (key == "review_below") {
        config.review_below = value.as<double>();
        if (config.review_below < 0 || config.review_below > 1) {
          return InvalidArgumentError(at(value) +
                                      ": review_below must be between 0 and 1");
        }
      } else if (key == "country_code") {
        config.country_code = value.as<std::string>();
      } else if (key == "context_hours") {
        config.context_hours = value.as<int>();
        if (config.context_hours < 0) {
          return InvalidArgumentError(at(value) +
                                      ": context_hours cannot be negative");
        }
      } else if (key == "people") {
        if (!value.IsSequence()) {
          return InvalidArgumentError(at(value) + ": people must be a list");
        }
        for (const YAML::Node& item : value) {
          MatchConfig::Alias alias;
          if (!item.IsMap() || !item["person"]) {
            return InvalidArgumentError(
                at(item) + ": each entry of people needs a person");
          }
          alias.person = item["person"].as<std::string>();
          if (sop.FindPerson(alias.person) == nullptr) {
            return InvalidArgumentError(at(item["person"]) + ": \"" +
                                        alias.person +
                                        "\" is not a person of the SOP");
          }
          for (const auto& field : item) {
            const std::string name = field.first.as<std::string>();
            if (name == "person") continue;
            std::vector<std::string>* out = name == "phones"   ? &alias.phones
                                            : name == "emails" ? &alias.emails
                                            : name == "slack"  ? &alias.slack
                                            : name == "names"  ? &alias.names
                                                               : nullptr;
            if (out == nullptr) {
              return InvalidArgumentError(
                  at(field.first) + ": unknown key \"" + name +
                  "\"; a person has phones, emails, slack and names");
            }
            LIVESOP_RETURN_IF_ERROR(strings(field.second, name, out));
          }
          config.people.push_back(std::move(alias));
        }
      } else if (key == "conversations") {
        if (!value.IsSequence()) {
          return InvalidArgumentError(at(value) +
                                      ": conversations must be a list");
        }
        for (const YAML::Node& item : value) {
          if (!item.IsMap() || !item["name"] || !item["campaign"]) {
            return InvalidArgumentError(
                at(item) + ": each conversation needs a name and a campaign");
          }
          config.conversations.push_back({item["name"].as<std::string>(),
                                          item["campaign"].as<std::string>()});
        }
      } else if (key == "phrases") {
        if (!value.IsMap()) {
          return InvalidArgumentError(
              at(value) + ": phrases maps an activity to its phrases");
        }
        for (const auto& item : value) {
          const std::string activity = item.first.as<std::string>();
          if (ActivityNamed(activity) == Activity::kNone) {
            return InvalidArgumentError(
                at(item.first) + ": unknown activity \"" + activity +
                "\"; give approval, rejection, change_request, brief_sent, "
                "asset_delivered or launched");
          }
          LIVESOP_RETURN_IF_ERROR(
              strings(item.second, activity, &config.phrases[activity]));
        }
      } else {
        return InvalidArgumentError(
            at(entry.first) + ": unknown key \"" + key +
            "\"; connect.yaml has review_below, country_code, "
            "context_hours, people, conversations and phrases");
      }
    }
  } catch (const YAML::Exception& e) {
    return InvalidArgumentError(path + ":" + std::to_string(e.mark.line + 1) +
                                ": " + e.msg);
  }
  return config;
}

}  // namespace livesop::connect

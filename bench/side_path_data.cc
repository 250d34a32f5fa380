#include "bench/side_path_data.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <string_view>

#include <nlohmann/json.hpp>

#include "connect/internal/zip.h"
#include "core/status.h"

namespace livesop::bench {
namespace {

constexpr const char* kWords[] = {
    "Ramadan", "Sale",   "Spring", "Launch", "Email", "Blast",
    "Summer",  "Promo",  "Brand",  "Week",   "Flash", "Members",
    "Payday",  "Bundle", "Gift",   "Guide",  "Video", "Series"};

constexpr const char* kSaid[] = {
    "Brief for {C} is in the drive, brief sent",
    "ok lanjut {C}",
    "approved 👍",
    "belum acc dari legal",
    "key visual v2 for IG attached, final design",
    "Morning team, meeting at 10?",
    "Please revise the headline of {C}, the price is wrong",
    "{T} sudah tayang di IG",
    "LGTM, go ahead",
    "not approved yet, waiting for finance",
    "<Media omitted>",
    "Can we move the launch of {C} to Friday?\nThe agency needs two more "
    "days for the video.",
    "setuju",
    "Thanks!",
    "{C} approved?",
    "Copy for {T} is final, sending it to design",
    "lunch anyone?",
    "acc {C}",
};

// Everyday chatter, in English and Indonesian: no activity in any.
constexpr const char* kChatter[] = {
    "noted",
    "thanks all",
    "see you at the standup",
    "file di drive ya",
    "nanti saya cek",
    "on my way",
    "who has the latest deck?",
    "meeting moved to 2pm",
    "haha",
    "sorry, in a call",
    "makan siang di mana?",
    "printer lantai 3 rusak lagi",
};

std::mt19937 Random(uint32_t seed) { return std::mt19937(seed); }

size_t Pick(std::mt19937& random, size_t n) {
  return static_cast<size_t>(random() % static_cast<uint32_t>(n));
}

// UTC fields of `us`.
std::tm Utc(int64_t us) {
  const std::time_t seconds = static_cast<std::time_t>(us / 1'000'000);
  std::tm fields{};
  gmtime_r(&seconds, &fields);
  return fields;
}

std::string Format(int64_t us, const char* layout) {
  const std::tm fields = Utc(us);
  char text[96];
  std::strftime(text, sizeof text, layout, &fields);
  return text;
}

// A working minute of the day: 08:00-18:59.
int64_t WorkingMinuteUs(std::mt19937& random) {
  return (8 * 60 + static_cast<int64_t>(Pick(random, 11 * 60))) * 60'000'000;
}

}  // namespace

std::vector<SideCampaign> MakeSideCampaigns(int count) {
  std::vector<SideCampaign> campaigns;
  campaigns.reserve(static_cast<size_t>(count));
  for (int i = 0; i < count; ++i) {
    campaigns.push_back({"CMP-" + std::to_string(1000 + i),
                         std::string(kWords[i % 18]) + " " +
                             kWords[(i / 18 + 5) % 18] + " " +
                             std::to_string(2026 + i % 3)});
  }
  return campaigns;
}

std::string SideLine(uint32_t pick, const SideCampaign& campaign,
                     int work_percent) {
  // The low bits pick the kind of line, the rest the line.
  if (static_cast<int>(pick % 100) >= work_percent) {
    return kChatter[(pick / 100) % std::size(kChatter)];
  }
  std::string text = kSaid[(pick / 100) % std::size(kSaid)];
  for (const auto& [mark, value] :
       {std::pair<std::string_view, const std::string&>{"{C}", campaign.id},
        {"{T}", campaign.title}}) {
    const size_t at = text.find(mark);
    if (at != std::string::npos) text.replace(at, mark.size(), value);
  }
  return text;
}

std::string MakeWhatsAppChat(int count, const std::vector<SidePerson>& people,
                             const std::vector<SideCampaign>& campaigns,
                             int days, uint32_t seed, int work_percent) {
  std::mt19937 random = Random(seed);
  std::string chat;
  chat.reserve(static_cast<size_t>(count) * 64);
  // Minutes from the start, in steps averaging the span over the count.
  const int64_t span = int64_t{days} * 24 * 60;
  const uint32_t step = static_cast<uint32_t>(
      std::max<int64_t>(1, 2 * span / std::max(count, 1)));
  int64_t minute = 0;
  for (int i = 0; i < count; ++i) {
    minute += 1 + static_cast<int64_t>(random() % step);
    const int64_t at = kYear2026Us + std::min(minute, span - 1) * 60'000'000;
    chat += Format(at, "%d/%m/%Y, %H:%M - ");
    const SidePerson& who = people[Pick(random, people.size())];
    chat += who.phone.empty() ? who.name : who.phone;
    chat += ": ";
    chat += SideLine(random(), campaigns[Pick(random, campaigns.size())],
                     work_percent);
    chat += '\n';
  }
  return chat;
}

std::string MakeSlackExport(int count, int channels,
                            const std::vector<SidePerson>& people,
                            const std::vector<SideCampaign>& campaigns,
                            int days, uint32_t seed, int work_percent) {
  using Json = nlohmann::json;
  std::mt19937 random = Random(seed);
  std::vector<connect::internal::ZipMember> members;
  Json users = Json::array();
  for (const SidePerson& p : people) {
    users.push_back({{"id", p.slack},
                     {"name", p.email.substr(0, p.email.find('@'))},
                     {"real_name", p.name},
                     {"profile", {{"real_name", p.name}, {"email", p.email}}}});
  }
  members.push_back({"users.json", users.dump()});
  static const char* const kChannels[] = {"campaigns", "approvals", "design",
                                          "content",   "social",    "general",
                                          "agency",    "events"};
  Json list = Json::array();
  // Day files in turn, channel by channel, `count` messages in all.
  const int64_t day_files = int64_t{std::max(channels, 1)} * std::max(days, 1);
  int written = 0;
  for (int c = 0; c < channels; ++c) {
    const std::string name = kChannels[c % 8] + std::string(c < 8 ? "" : "-") +
                             (c < 8 ? "" : std::to_string(c));
    list.push_back({{"id", "C" + std::to_string(100 + c)},
                    {"name", name},
                    {"created", kYear2026Us / 1'000'000}});
    for (int day = 0; day < days && written < count; ++day) {
      const int64_t file = int64_t{c} * days + day;
      const int per_day = static_cast<int>(count * (file + 1) / day_files -
                                           count * file / day_files);
      if (per_day == 0) continue;
      Json messages = Json::array();
      std::vector<std::string> roots;
      int64_t at = kYear2026Us + int64_t{day} * 86'400'000'000 +
                   WorkingMinuteUs(random) / 2;
      for (int k = 0; k < per_day && written < count; ++k, ++written) {
        at += 1'000'000 + static_cast<int64_t>(Pick(random, 600)) * 1'000'000;
        char ts[32];
        std::snprintf(ts, sizeof ts, "%lld.%06lld",
                      static_cast<long long>(at / 1'000'000),
                      static_cast<long long>(k));
        const SidePerson& who = people[Pick(random, people.size())];
        Json message = {
            {"type", "message"},
            {"user", who.slack},
            {"ts", ts},
            {"text",
             SideLine(random(), campaigns[Pick(random, campaigns.size())],
                      work_percent)}};
        if (!roots.empty() && Pick(random, 10) < 3) {
          message["thread_ts"] = roots[Pick(random, roots.size())];
        } else {
          roots.emplace_back(ts);
        }
        if (Pick(random, 10) == 0) {
          message["reactions"] = Json::array(
              {{{"name", "white_check_mark"},
                {"users", {people[Pick(random, people.size())].slack}},
                {"count", 1}}});
        }
        if (Pick(random, 20) == 0) {
          message["edited"] = {{"user", who.slack}, {"ts", ts}};
        }
        messages.push_back(std::move(message));
      }
      members.push_back(
          {name + "/" +
               Format(kYear2026Us + int64_t{day} * 86'400'000'000, "%Y-%m-%d") +
               ".json",
           messages.dump()});
    }
  }
  members.insert(members.begin(), {"channels.json", list.dump()});
  Result<std::string> zip = connect::internal::WriteZip(members);
  return zip.ok() ? *zip : std::string();
}

std::string MakeMbox(int count, int month,
                     const std::vector<SidePerson>& people,
                     const std::vector<SideCampaign>& campaigns, uint32_t seed,
                     int work_percent) {
  std::mt19937 random = Random(seed);
  std::tm first{};
  first.tm_year = 126;
  first.tm_mon = month - 1;
  first.tm_mday = 1;
  const int64_t start = int64_t{timegm(&first)} * 1'000'000;
  std::string mbox;
  mbox.reserve(static_cast<size_t>(count) * 480);
  std::string subject;
  std::string previous;
  int64_t at = start;
  for (int i = 0; i < count; ++i) {
    const bool reply = i % 4 != 0;
    const SideCampaign& campaign = campaigns[Pick(random, campaigns.size())];
    if (!reply) subject = campaign.id + " " + campaign.title;
    at += 60'000'000 + static_cast<int64_t>(Pick(random, 1200)) * 1'000'000;
    const SidePerson& who = people[Pick(random, people.size())];
    const std::string id = "<m" + std::to_string(month) + "-" +
                           std::to_string(i) + "@sinarmart.example>";
    mbox +=
        "From " + who.email + " " + Format(at, "%a %b %e %H:%M:%S %Y") + "\n";
    mbox += "From: " + who.name + " <" + who.email + ">\n";
    mbox += "To: marketing@sinarmart.example\n";
    mbox += "Subject: " + std::string(reply ? "Re: " : "") + subject + "\n";
    mbox += "Date: " + Format(at, "%a, %d %b %Y %H:%M:%S +0000") + "\n";
    mbox += "Message-ID: " + id + "\n";
    if (reply) mbox += "In-Reply-To: " + previous + "\n";
    mbox += "Content-Type: text/plain; charset=utf-8\n\n";
    mbox += SideLine(random(), campaign, work_percent) + "\n\nRegards,\n" +
            who.name + "\n\n";
    previous = id;
  }
  return mbox;
}

std::string MakeTrackerCsv(int week, const std::vector<SidePerson>& people,
                           const std::vector<SideCampaign>& campaigns) {
  static const char* const kStages[] = {
      "Brief", "In review", "Approved", "In production", "Launched", "Done"};
  std::string csv = "Code,Title,Owner,Status\n";
  const size_t n = campaigns.size();
  for (size_t i = 0; i < n; ++i) {
    const int started = static_cast<int>(i * 52 / n);
    if (started > week) break;
    const size_t stage =
        std::min<size_t>(5, static_cast<size_t>(week - started));
    csv += campaigns[i].id + "," + campaigns[i].title + "," +
           people[i % people.size()].name + "," + kStages[stage] + "\n";
  }
  return csv;
}

}  // namespace livesop::bench

// Side paths: how fast a WhatsApp export is parsed and its messages
// matched to campaigns, people and activities (BENCHMARKS.md "Side paths").
// A generated chat of a 50-person department about 200 campaigns over a
// year, in the Android layout, is parsed by the WhatsApp connector and
// matched by the Matcher, as `livesop import whatsapp` does before it
// writes anything.
//
//   connect_bench [--messages N] [--runs R] [--sop FILE]
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "bench/timing.h"
#include "connect/connector.h"
#include "connect/match.h"
#include "sop/loader.h"

namespace {

using livesop::bench::Time;
using livesop::bench::Timing;
namespace connect = livesop::connect;

// A chat of `count` messages among `people`, about `campaigns`, written as
// Android's English export writes it (day/month/year, 24 hours).
std::string MakeChat(int count, const std::vector<std::string>& people,
                     const std::vector<connect::KnownCampaign>& campaigns,
                     uint32_t seed) {
  std::mt19937 random(seed);
  const auto pick = [&](size_t n) {
    return static_cast<size_t>(random() % static_cast<uint32_t>(n));
  };
  static const char* const kSaid[] = {
      "Brief for {C} is in the drive, brief sent",
      "ok lanjut",
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
  };
  std::string chat;
  chat.reserve(static_cast<size_t>(count) * 64);
  int64_t minute = 0;
  for (int i = 0; i < count; ++i) {
    minute += 1 + static_cast<int64_t>(pick(3));
    const int64_t day_index = minute / (24 * 60) % 365;
    // A plain calendar of 2026: months of 31/28/... days.
    static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int month = 0;
    int64_t day = day_index;
    while (day >= kDays[month]) day -= kDays[month++];
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "%02d/%02d/2026, %02d:%02d - ",
                  static_cast<int>(day + 1), month + 1,
                  static_cast<int>(minute / 60 % 24),
                  static_cast<int>(minute % 60));
    std::string text = kSaid[pick(std::size(kSaid))];
    const connect::KnownCampaign& campaign = campaigns[pick(campaigns.size())];
    for (const auto& [mark, value] :
         {std::pair<std::string, std::string>{"{C}", campaign.id},
          {"{T}", campaign.title}}) {
      const size_t at = text.find(mark);
      if (at != std::string::npos) text.replace(at, mark.size(), value);
    }
    chat += stamp;
    chat += people[pick(people.size())];
    chat += ": ";
    chat += text;
    chat += '\n';
  }
  return chat;
}

}  // namespace

int main(int argc, char** argv) {
  int messages = 200'000;
  int runs = 5;
  std::string sop_path = "examples/marketing-ops/sop.yaml";
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--messages") == 0)
      messages = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--sop") == 0) sop_path = argv[i + 1];
  }
  const livesop::sop::LoadResult loaded =
      livesop::sop::LoadDefinition(sop_path);
  if (loaded.diagnostics.has_errors()) {
    std::cerr << "connect_bench: the SOP " << sop_path << " has errors\n";
    return 2;
  }
  const livesop::sop::Definition& sop = loaded.definition;

  // 50 senders: the SOP's people by name, the rest as phone numbers.
  std::vector<std::string> people;
  for (const livesop::sop::Person& p : sop.people) people.push_back(p.name);
  for (int i = 0; people.size() < 50; ++i) {
    people.push_back("+62 812-5555-" + std::to_string(1000 + i));
  }
  people.resize(50);
  static const char* const kWords[] = {
      "Ramadan", "Sale",   "Spring", "Launch", "Email", "Blast",
      "Summer",  "Promo",  "Brand",  "Week",   "Flash", "Members",
      "Payday",  "Bundle", "Gift",   "Guide",  "Video", "Series"};
  std::vector<connect::KnownCampaign> campaigns;
  for (int i = 0; i < 200; ++i) {
    connect::KnownCampaign c;
    c.id = "CMP-" + std::to_string(1000 + i);
    c.title = std::string(kWords[i % 18]) + " " + kWords[(i / 18 + 5) % 18] +
              " " + std::to_string(2026 + i % 3);
    campaigns.push_back(c);
  }

  const std::string chat = MakeChat(messages, people, campaigns, 42);
  const connect::Connector* whatsapp = connect::FindConnector("whatsapp");
  connect::ReadOptions options;
  options.time_zone = "Asia/Jakarta";
  options.date_order = "dmy";
  options.conversation = "Marketing Team";

  livesop::Result<connect::Export> parsed =
      whatsapp->Parse("WhatsApp Chat with Marketing Team.txt", chat, options);
  if (!parsed.ok()) {
    std::cerr << "connect_bench: " << parsed.status().message() << "\n";
    return 1;
  }
  const Timing parse = Time(runs, [&] {
    parsed =
        whatsapp->Parse("WhatsApp Chat with Marketing Team.txt", chat, options);
  });
  int64_t activities = 0;
  int64_t matched = 0;
  const connect::MatchConfig config;
  const Timing match = Time(runs, [&] {
    connect::Matcher matcher(sop, campaigns, config, {}, {});
    activities = 0;
    matched = 0;
    for (const connect::Message& m : parsed->messages) {
      const connect::Match found = matcher.MatchMessage(m);
      if (found.activity.activity != connect::Activity::kNone) ++activities;
      if (!found.campaign.empty()) ++matched;
    }
  });
  int64_t hashed = 0;
  const Timing hash = Time(runs, [&] {
    hashed = 0;
    for (const connect::Message& m : parsed->messages) {
      hashed += static_cast<int64_t>(connect::EvidenceHash(m, 0).size());
    }
  });
  const double n = static_cast<double>(parsed->messages.size());
  const double total_ms = parse.median_ms + match.median_ms + hash.median_ms;
  std::printf("messages                  %d (%.1f MB)\n", messages,
              static_cast<double>(chat.size()) / 1e6);
  std::printf("with an activity          %lld, with a campaign %lld\n",
              static_cast<long long>(activities),
              static_cast<long long>(matched));
  std::printf("parse                     %.1f ms (fastest %.1f)\n",
              parse.median_ms, parse.min_ms);
  std::printf("match                     %.1f ms (fastest %.1f)\n",
              match.median_ms, match.min_ms);
  std::printf("evidence hashes           %.1f ms (fastest %.1f)\n",
              hash.median_ms, hash.min_ms);
  std::printf(
      "parsed and matched        %.0f messages/s (medians; %.0f "
      "with the hashes)\n",
      n / ((parse.median_ms + match.median_ms) / 1000.0),
      n / (total_ms / 1000.0));
  return 0;
}

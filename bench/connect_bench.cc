// Side paths: how fast a WhatsApp export is parsed and its messages
// matched to campaigns, people and activities (BENCHMARKS.md "Side paths").
// A generated chat of a 50-person department about 200 campaigns over a
// year, in the Android layout, is parsed by the WhatsApp connector and
// matched by the Matcher, as `livesop import whatsapp` does before it
// writes anything.
//
//   connect_bench [--messages N] [--runs R] [--sop FILE]
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "bench/side_path_data.h"
#include "bench/timing.h"
#include "connect/connector.h"
#include "connect/match.h"
#include "sop/loader.h"

namespace {

using livesop::bench::Time;
using livesop::bench::Timing;
namespace connect = livesop::connect;

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
  std::vector<livesop::bench::SidePerson> people;
  for (const livesop::sop::Person& p : sop.people) {
    people.push_back({p.name, p.email, "", ""});
  }
  for (int i = 0; people.size() < 50; ++i) {
    people.push_back({"", "", "+62 812-5555-" + std::to_string(1000 + i), ""});
  }
  people.resize(50);
  std::vector<connect::KnownCampaign> campaigns;
  const std::vector<livesop::bench::SideCampaign> made =
      livesop::bench::MakeSideCampaigns(200);
  for (const livesop::bench::SideCampaign& c : made) {
    campaigns.push_back({c.id, c.title, "", 0, 0});
  }
  // About 200,000 messages a year; more span proportionally more days.
  const std::string chat = livesop::bench::MakeWhatsAppChat(
      messages, people, made, std::max(1, messages / 550), 42);
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

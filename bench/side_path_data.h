// Generated side-path exports for the benchmarks (BENCHMARKS.md "Side
// paths"): invented people and campaigns, written in the layouts the
// connectors read. Deterministic for a seed.
#ifndef LIVESOP_BENCH_SIDE_PATH_DATA_H_
#define LIVESOP_BENCH_SIDE_PATH_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

namespace livesop::bench {

struct SideCampaign {
  std::string id;     // "CMP-1000"
  std::string title;  // "Ramadan Summer 2026"
};

struct SidePerson {
  std::string name;   // as chats show it
  std::string email;  // for mail and Slack's users.json
  std::string phone;  // "+62 812-5555-1000"; empty: chats show the name
  std::string slack;  // Slack user id, "U0001"
};

// `count` campaigns with titles made of marketing words.
std::vector<SideCampaign> MakeSideCampaigns(int count);

// Something a team member writes: with `work_percent` % chance a line
// about work (a brief sent, an approval, a change request, a negation, a
// question about `campaign`, and some chat among them), else everyday
// chatter ("noted", "meeting moved to 2pm").
std::string SideLine(uint32_t pick, const SideCampaign& campaign,
                     int work_percent);

// A WhatsApp chat of `count` lines among `people` about `campaigns`, as
// Android's English export writes it (day/month/year, 24 hours), spread
// over `days` days from 1 January 2026. Senders show as their phone number
// when they have one, else as their name.
std::string MakeWhatsAppChat(int count, const std::vector<SidePerson>& people,
                             const std::vector<SideCampaign>& campaigns,
                             int days, uint32_t seed, int work_percent = 100);

// A Slack workspace export (a zip) with `channels` channels and `count`
// messages over `days` days of 2026: threads, ✅ reactions, edits.
std::string MakeSlackExport(int count, int channels,
                            const std::vector<SidePerson>& people,
                            const std::vector<SideCampaign>& campaigns,
                            int days, uint32_t seed, int work_percent = 100);

// An mbox of `count` messages in threads of about four, in `month` (1-12)
// of 2026, subjects naming campaigns, replies by In-Reply-To.
std::string MakeMbox(int count, int month,
                     const std::vector<SidePerson>& people,
                     const std::vector<SideCampaign>& campaigns, uint32_t seed,
                     int work_percent = 100);

// A tracker's CSV export in week `week` (0-51) of 2026: one row per campaign
// started by then (campaign i starts in week i * 52 / campaigns.size()),
// columns Code, Title, Owner and Status, the status a stage further each
// week.
std::string MakeTrackerCsv(int week, const std::vector<SidePerson>& people,
                           const std::vector<SideCampaign>& campaigns);

// 00:00 UTC on 1 January 2026, in µs since the epoch.
constexpr int64_t kYear2026Us = int64_t{1767225600} * 1'000'000;

}  // namespace livesop::bench

#endif  // LIVESOP_BENCH_SIDE_PATH_DATA_H_

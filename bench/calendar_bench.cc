// The marketing calendar of 10,000 campaigns and an iCalendar feed of 1,000
// items, timed on the example SOP (examples/marketing-ops) with inputs made
// in memory: campaigns of every type launching over a year, 20 tasks each,
// a few absences. BENCHMARKS.md reports the medians.
//
//   build/bench/calendar_bench [SOP] [CAMPAIGNS] [RUNS]
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "core/time.h"
#include "engine/ical.h"
#include "engine/marketing_calendar.h"
#include "sop/loader.h"
#include "timing.h"

namespace {

using livesop::engine::CalendarCampaign;
using livesop::engine::CalendarInputs;

CalendarInputs MakeInputs(const livesop::sop::Definition& sop, int n) {
  CalendarInputs in;
  in.now_us = *livesop::ParseTimestamp("2026-01-05T09:00:00+07:00");
  const int64_t jan1 = *livesop::ParseTimestamp("2026-01-01T12:00:00Z");
  const std::vector<std::string> channels = {"email", "instagram", "tiktok",
                                             "youtube", "website"};
  std::mt19937 random(42);
  for (int i = 0; i < n; ++i) {
    const auto& type = sop.campaign_types[i % sop.campaign_types.size()];
    CalendarCampaign c;
    c.campaign = "c" + std::to_string(100000 + i);
    c.campaign_type = type.id;
    c.title = "Campaign " + std::to_string(i);
    c.owner = "intan-permata";
    c.status = "active";
    c.version = 10;
    const int64_t day = static_cast<int64_t>(random() % 365);
    const std::string launch =
        livesop::FormatTimestamp(jan1 + day * 86400 * int64_t{1000000})
            .substr(0, 10);
    c.values = {{"launch_date", launch},
                {"channels", {channels[random() % channels.size()]}},
                {"budget", (random() % 2) ? 25000000 : 400000000},
                {"urgent", random() % 10 == 0}};
    c.step_sequence["submit-request"] = 2;
    for (int t = 0; t < 20; ++t) {
      livesop::store::TaskRecord task;
      task.campaign = c.campaign;
      task.step = "step-" + std::to_string(t);
      task.task = c.campaign + "/" + task.step;
      task.status = t < 10 ? "done" : "open";
      task.assignee = "intan-permata";
      task.due_us = in.now_us + t * 86400 * int64_t{1000000};
      in.tasks.push_back(task);
    }
    in.campaigns.push_back(std::move(c));
  }
  for (const auto& p : sop.people) {
    livesop::store::Absence a;
    a.person = p.id;
    a.from_us = jan1 + 30 * 86400 * int64_t{1000000};
    a.until_us = a.from_us + 5 * 86400 * int64_t{1000000};
    in.absences.push_back(a);
  }
  return in;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1]
                                    : std::string(LIVESOP_SOURCE_DIR) +
                                          "/examples/marketing-ops/sop.yaml";
  const int n = argc > 2 ? std::atoi(argv[2]) : 10000;
  const int runs = argc > 3 ? std::atoi(argv[3]) : 5;
  const livesop::sop::LoadResult loaded = livesop::sop::LoadDefinition(path);
  if (loaded.diagnostics.has_errors()) {
    std::fprintf(stderr, "cannot load %s\n", path.c_str());
    return 2;
  }
  const livesop::sop::Definition& sop = loaded.definition;
  const CalendarInputs inputs = MakeInputs(sop, n);

  size_t items = 0, conflicts = 0;
  const livesop::bench::Timing calendar = livesop::bench::Time(runs, [&] {
    auto cal = livesop::engine::BuildMarketingCalendar(
        sop, inputs, "2026-01-01", "2027-01-01");
    items = cal.ok() ? cal->items.size() : 0;
    conflicts = cal.ok() ? cal->conflicts.size() : 0;
  });
  std::printf(
      "calendar of %d campaigns for 2026: %zu items, %zu conflicts: median "
      "%.1f ms, fastest %.1f ms (%d runs)\n",
      n, items, conflicts, calendar.median_ms, calendar.min_ms, runs);

  const livesop::bench::Timing weeks = livesop::bench::Time(runs, [&] {
    auto cal = livesop::engine::BuildMarketingCalendar(
        sop, inputs, "2026-06-01", "2026-07-27");
    items = cal.ok() ? cal->items.size() : 0;
  });
  std::printf(
      "calendar of %d campaigns for 8 weeks: %zu items: median %.1f ms, "
      "fastest %.1f ms (%d runs)\n",
      n, items, weeks.median_ms, weeks.min_ms, runs);

  auto cal = livesop::engine::BuildMarketingCalendar(sop, inputs, "2026-01-01",
                                                     "2027-01-01");
  if (!cal.ok() || cal->items.size() < 1000) {
    std::fprintf(stderr, "too few items for the feed\n");
    return 1;
  }
  livesop::engine::ICalFeed feed;
  feed.name = "bench";
  feed.stamp_us = inputs.now_us;
  feed.items.assign(cal->items.begin(), cal->items.begin() + 1000);
  size_t bytes = 0;
  const livesop::bench::Timing ical = livesop::bench::Time(runs * 2, [&] {
    auto text = livesop::engine::WriteICalendar(feed);
    bytes = text.ok() ? text->size() : 0;
  });
  std::printf(
      "iCalendar feed of 1000 events: %zu bytes: median %.1f ms, fastest "
      "%.1f ms (%d runs)\n",
      bytes, ical.median_ms, ical.min_ms, runs * 2);
  return 0;
}

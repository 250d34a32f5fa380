// Side paths: a year of a 50-person marketing department's exports
// imported into a SQLite store (BENCHMARKS.md "Side paths"), as `livesop
// import whatsapp|slack|email|sheet` imports them, one file after another:
// read, matched, and written to the campaigns' histories through the
// engine, the review queue or ignored, each file in one transaction.
//
// The department: the example SOP's people and invented ones up to 50, 600
// campaigns submitted through the engine over 2026. Its year of exports:
// four WhatsApp group chats, one Slack workspace export, twelve monthly
// mboxes and 52 weekly exports of the campaign tracker (sizes below and in
// --help). Each run imports them all into a copy of the same store.
//
//   connect_year_bench [--runs R] [--scale F] [--sop FILE] [--dir DIR]
//                      [--only SOURCE] [--work-percent P]
//     --scale F multiplies every message count (default 1); --only imports
//     one source's files alone (for profiling); --work-percent P makes P %
//     of the chat and mail lines about work (briefs, approvals, changes,
//     launches, questions and negations about them), the rest everyday
//     chatter (default 25: about one message in six then carries an
//     activity; 100 is the stress case, more than half).
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "bench/side_path_data.h"
#include "connect/connector.h"
#include "connect/import.h"
#include "core/clock.h"
#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/sample.h"
#include "sop/loader.h"
#include "store/store.h"

namespace {

namespace fs = std::filesystem;
namespace bench = livesop::bench;
namespace connect = livesop::connect;
using SteadyClock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "connect_year_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(livesop::Result<T> result, const std::string& what) {
  if (!result.ok()) Die(what + ": " + result.status().ToString());
  return *std::move(result);
}

void WriteFile(const fs::path& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out) Die("cannot write " + path.string());
}

// The SOP's people and invented ones up to 50, each with the roles of an
// SOP person in turn, an email, a Slack id and (for most) a phone.
std::vector<bench::SidePerson> Department(livesop::sop::Definition& sop) {
  static const char* const kFirst[] = {"Ayu",   "Budi",  "Citra", "Dewi",
                                       "Eko",   "Fajar", "Gita",  "Hadi",
                                       "Indah", "Joko"};
  static const char* const kLast[] = {"Lestari", "Santoso", "Wibowo", "Pratama",
                                      "Kusuma"};
  const size_t documented = sop.people.size();
  for (int i = 0; sop.people.size() < 50; ++i) {
    livesop::sop::Person person =
        sop.people[static_cast<size_t>(i) % documented];
    person.id = "staff-" + std::to_string(i);
    person.name = std::string(kFirst[i % 10]) + " " + kLast[(i / 10) % 5] +
                  " " + std::to_string(i);
    person.email = "staff" + std::to_string(i) + "@sinarmart.example";
    person.phone = "";
    person.delegates.clear();
    sop.people.push_back(std::move(person));
  }
  std::vector<bench::SidePerson> people;
  for (size_t i = 0; i < sop.people.size(); ++i) {
    livesop::sop::Person& p = sop.people[i];
    if (p.email.empty()) p.email = p.id + "@sinarmart.example";
    if (p.phone.empty() && i % 4 != 0) {
      p.phone = "+62 812-5555-" + std::to_string(1000 + i);
    }
    char slack[32];
    std::snprintf(slack, sizeof slack, "U%04zu", i);
    people.push_back({p.name, p.email, p.phone, slack});
  }
  return people;
}

struct File {
  std::string source;
  fs::path path;
  std::string conversation;  // for trackers: one tracker, many exports
  int64_t messages = 0;
  std::vector<std::string> settings;  // a tracker export's as_of
};

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  double scale = 1.0;
  std::string sop_path = "examples/marketing-ops/sop.yaml";
  fs::path dir = fs::temp_directory_path() / "livesop-connect-year-bench";
  std::string only;  // one source alone, for profiling
  // The share of chat and mail lines about work; the rest is chatter.
  int work_percent = 25;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--runs") == 0) runs = std::atoi(argv[i + 1]);
    if (std::strcmp(argv[i], "--scale") == 0) scale = std::atof(argv[i + 1]);
    if (std::strcmp(argv[i], "--sop") == 0) sop_path = argv[i + 1];
    if (std::strcmp(argv[i], "--dir") == 0) dir = argv[i + 1];
    if (std::strcmp(argv[i], "--only") == 0) only = argv[i + 1];
    if (std::strcmp(argv[i], "--work-percent") == 0) {
      work_percent = std::atoi(argv[i + 1]);
    }
  }
  livesop::sop::LoadResult loaded = livesop::sop::LoadDefinition(sop_path);
  if (loaded.diagnostics.has_errors())
    Die("the SOP " + sop_path + " has errors");
  livesop::sop::Definition sop = std::move(loaded.definition);
  const std::vector<bench::SidePerson> people = Department(sop);
  const std::vector<bench::SideCampaign> campaigns =
      bench::MakeSideCampaigns(600);
  const auto scaled = [&](int n) {
    return std::max(1, static_cast<int>(n * scale));
  };

  fs::remove_all(dir);
  fs::create_directories(dir / "exports");
  std::vector<File> files;
  static const char* const kGroups[] = {"Marketing Team", "Campaign Approvals",
                                        "Design Squad", "Agency Kreatif"};
  for (int g = 0; g < 4; ++g) {
    const int count = scaled(45'000);
    File file{"whatsapp",
              dir / "exports" /
                  ("WhatsApp Chat with " + std::string(kGroups[g]) + ".txt"),
              "",
              count,
              {}};
    WriteFile(file.path, bench::MakeWhatsAppChat(count, people, campaigns, 365,
                                                 100 + g, work_percent));
    files.push_back(file);
  }
  {
    const int count = scaled(110'000);
    File file{
        "slack", dir / "exports" / "sinarmart-slack-export.zip", "", count, {}};
    WriteFile(file.path, bench::MakeSlackExport(count, 6, people, campaigns,
                                                365, 7, work_percent));
    files.push_back(file);
  }
  for (int month = 1; month <= 12; ++month) {
    const int count = scaled(3'000);
    char name[32];
    std::snprintf(name, sizeof name, "marketing-2026-%02d.mbox", month);
    File file{"email", dir / "exports" / name, "", count, {}};
    WriteFile(file.path, bench::MakeMbox(count, month, people, campaigns,
                                         200 + month, work_percent));
    files.push_back(file);
  }
  for (int week = 0; week < 52; ++week) {
    char name[48];
    std::snprintf(name, sizeof name, "campaign-tracker-2026-w%02d.csv",
                  week + 1);
    const std::string csv = bench::MakeTrackerCsv(week, people, campaigns);
    // Exported on the week's Friday at 17:00 (1 January 2026 is a Thursday).
    const int day = 1 + week * 7;
    const std::time_t friday = static_cast<std::time_t>(
        bench::kYear2026Us / 1'000'000 + int64_t{day} * 86'400 + 17 * 3'600);
    std::tm fields{};
    gmtime_r(&friday, &fields);
    char as_of[48];
    std::strftime(as_of, sizeof as_of, "as_of=%Y-%m-%dT%H:%M", &fields);
    File file{
        "sheet",
        dir / "exports" / name,
        "Campaign tracker",
        static_cast<int64_t>(std::count(csv.begin(), csv.end(), '\n')) - 1,
        {as_of}};
    WriteFile(file.path, csv);
    files.push_back(file);
  }
  int64_t total_messages = 0;
  for (const File& f : files) total_messages += f.messages;

  // The store the runs copy: the campaigns, each submitted on its day.
  const fs::path base = dir / "base.db";
  {
    auto store = Must(livesop::store::OpenStore(base.string()), "open");
    livesop::FakeClock clock(bench::kYear2026Us);
    livesop::engine::Engine engine(*store, sop, clock);
    const livesop::WorkCalendar calendar =
        livesop::engine::DefaultCalendar(sop);
    for (size_t i = 0; i < campaigns.size(); ++i) {
      clock.Set(bench::kYear2026Us +
                static_cast<int64_t>(i * 364 / campaigns.size()) *
                    86'400'000'000 +
                9 * 3'600'000'000LL);
      const std::string& type =
          sop.campaign_types[i % sop.campaign_types.size()].id;
      livesop::engine::SubmitCommand command;
      command.campaign = campaigns[i].id;
      command.campaign_type = type;
      command.title = campaigns[i].title;
      command.actor = sop.people.front().id;
      command.values = livesop::engine::SampleRequest(
          sop, type, clock.NowMicros(), calendar);
      Must(engine.Submit(command), "submit " + campaigns[i].id);
    }
  }
  const int64_t year_end = bench::kYear2026Us + 365 * 86'400'000'000LL;

  std::vector<double> seconds;
  connect::ImportReport totals;
  std::vector<double> by_source_ms(4, 0);
  std::vector<double> read_ms(4, 0);  // of those, reading the files
  static const char* const kSources[] = {"whatsapp", "slack", "email", "sheet"};
  for (int run = 0; run < std::max(runs, 1); ++run) {
    const fs::path db = dir / "run.db";
    fs::remove(db);
    fs::remove(dir / "run.db-wal");
    fs::remove(dir / "run.db-shm");
    fs::copy_file(base, db);
    auto store = Must(livesop::store::OpenStore(db.string()), "open run");
    livesop::FakeClock clock(year_end);
    totals = {};
    std::vector<double> ms(4, 0);
    read_ms.assign(4, 0);
    const auto start = SteadyClock::now();
    // Each source's files as one `livesop import SOURCE FILE...`: every
    // file read, then all imported with one engine (connect::ImportAll).
    for (size_t s = 0; s < 4; ++s) {
      if (!only.empty() && only != kSources[s]) continue;
      const auto source_start = SteadyClock::now();
      std::vector<connect::Export> exports;
      for (const File& f : files) {
        if (f.source != kSources[s]) continue;
        // The SOP's default zone; the tracker named once for all its
        // exports, each with its own time.
        connect::ReadOptions read;
        read.time_zone = "Asia/Jakarta";
        read.date_order = "dmy";
        read.conversation = f.conversation;
        read.settings = f.settings;
        exports.push_back(
            Must(connect::ReadExport(*connect::FindConnector(f.source),
                                     f.path.string(), read),
                 f.path.string()));
      }
      read_ms[s] = std::chrono::duration<double, std::milli>(
                       SteadyClock::now() - source_start)
                       .count();
      livesop::engine::Engine engine(*store, sop, clock);
      connect::ImportOptions options;
      options.actor = sop.people.front().id;
      options.now_us = clock.NowMicros();
      const connect::ImportAllResult imported =
          connect::ImportAll(*store, engine, sop, exports, options);
      if (!imported.status.ok()) {
        Die(std::string("import ") + kSources[s] + ": " +
            imported.status.ToString());
      }
      for (const connect::ImportReport& report : imported.reports) {
        totals.messages_read += report.messages_read;
        totals.events += report.events;
        totals.review_queue += report.review_queue;
        totals.ignored += report.ignored;
        totals.events_written += report.events_written;
      }
      ms[s] = std::chrono::duration<double, std::milli>(SteadyClock::now() -
                                                        source_start)
                  .count();
    }
    seconds.push_back(
        std::chrono::duration<double>(SteadyClock::now() - start).count());
    by_source_ms = ms;
    std::printf("run %d                     %.2f s\n", run + 1, seconds.back());
  }
  std::sort(seconds.begin(), seconds.end());
  std::printf("people, campaigns         %zu, %zu\n", people.size(),
              campaigns.size());
  std::printf(
      "files                     %zu (4 chats, 1 Slack export, 12 "
      "mboxes, 52 tracker exports)\n",
      files.size());
  std::printf("messages read             %lld (expected %lld)\n",
              static_cast<long long>(totals.messages_read),
              static_cast<long long>(total_messages));
  std::printf("into campaigns            %lld messages, %lld events written\n",
              static_cast<long long>(totals.events),
              static_cast<long long>(totals.events_written));
  std::printf("review queue, ignored     %lld, %lld\n",
              static_cast<long long>(totals.review_queue),
              static_cast<long long>(totals.ignored));
  for (size_t s = 0; s < 4; ++s) {
    std::printf("  %-8s (last run)      %.0f ms, %.0f of them reading\n",
                kSources[s], by_source_ms[s], read_ms[s]);
  }
  std::printf("year imported            %.2f s median of %zu (fastest %.2f)\n",
              seconds[seconds.size() / 2], seconds.size(), seconds.front());
  return 0;
}

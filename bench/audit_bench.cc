// The audit of a large history: campaigns through the example SOP's
// campaign-delivery process, generated as the engine's events (no store),
// folded into a History and audited. Reports the fold's rate, the audit's
// time and the peak memory.
//
//   audit_bench [--campaigns N] [--weeks W] [--runs R]
//
// Planted so the audit has work to do: from the middle week on, 70% of
// campaigns skip peer-review; 15% of brand approvals come by WhatsApp; a
// fifth of the campaigns are urgent and the Marketing Ops lead expedites
// them.
#include <sys/resource.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "bench/timing.h"
#include "insight/audit.h"
#include "insight/history.h"
#include "sop/loader.h"
#include "store/store.h"

namespace {

using livesop::insight::Audit;
using livesop::insight::History;
using livesop::insight::HistoryBuilder;
using livesop::store::Event;

constexpr int64_t kHour = int64_t{3600} * 1'000'000;
constexpr int64_t kStart = 1'767'225'600'000'000;  // 2026-01-01

struct Step {
  const char* id;
  bool approval;
};

// campaign-delivery's work steps on its standard route, in order.
constexpr Step kSteps[] = {{"plan", false},
                           {"internal-review", true},
                           {"submit-request", false},
                           {"completeness-check", true},
                           {"campaign-approval", true},
                           {"write-copy", false},
                           {"peer-review", true},
                           {"final-edits", false},
                           {"design-request", false},
                           {"designer-kickoff", false},
                           {"asset-production", false},
                           {"asset-spec-check", true},
                           {"content-approval", true},
                           {"pre-launch", false},
                           {"launch-day", false},
                           {"reporting", false},
                           {"performance-review", true}};

class Generator {
 public:
  Generator(int64_t campaigns, int weeks)
      : campaigns_(campaigns), weeks_(weeks) {}

  // Feeds every event to `builder`; returns how many.
  int64_t Run(HistoryBuilder& builder) {
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> unit(0, 1);
    int64_t position = 0;
    const int64_t span = int64_t{weeks_} * 7 * 24 * kHour;
    for (int64_t i = 0; i < campaigns_; ++i) {
      const std::string id = "C" + std::to_string(100000 + i);
      int64_t t = kStart + span * i / campaigns_;
      const bool late = t >= kStart + span / 2;
      const bool urgent = unit(random) < 0.2;
      auto add = [&](const char* type, const std::string& step,
                     const std::string& payload, const std::string& resource,
                     const std::string& role = "") -> Event& {
        event_ = Event();
        event_.position = ++position;
        event_.campaign = id;
        event_.type = type;
        event_.activity = step.empty() ? type : step;
        event_.step = step;
        event_.time_us = t;
        event_.resource = resource;
        event_.role = role;
        event_.sop_version = "1.0.0";
        event_.campaign_type = "product-launch";
        event_.payload = payload;
        return event_;
      };
      builder.Add(
          add("campaign_created", "",
              std::string(R"({"title":"Launch","owner":"intan-permata",)") +
                  R"("values":{"budget":25000000,"channels":["email"],)" +
                  R"("urgent":)" + (urgent ? "true" : "false") + "}}",
              "intan-permata"));
      if (urgent) {
        Event& e = add("campaign_expedited", "",
                       R"({"parallel_approvals":true})", "sari-kusuma");
        e.deviation = "expedite";
        e.reason = "launch moved up";
        builder.Add(e);
      }
      for (const Step& step : kSteps) {
        t += static_cast<int64_t>(unit(random) * 30 * kHour) + kHour;
        if (step.approval && std::strcmp(step.id, "campaign-approval") == 0) {
          builder.Add(
              add("approval_requested", step.id,
                  R"({"step":"campaign-approval","groups":[{"rule":)"
                  R"("brand-fit","roles":["brand-manager"],"quorum":0}]})",
                  "dimas-saputra"));
        }
        builder.Add(add("task_created", step.id,
                        R"({"due_us":)" + std::to_string(t + 24 * kHour) + "}",
                        "intan-permata", "campaign-manager"));
        const int64_t took = static_cast<int64_t>(unit(random) * 40 * kHour);
        t += took;
        if (took > 24 * kHour) {
          builder.Add(add("sla_breached", step.id, "{}", ""));
        }
        if (std::strcmp(step.id, "peer-review") == 0 && late &&
            unit(random) < 0.7) {
          Event& e = add("task_skipped", step.id, R"({"outcome":"approved"})",
                         "sari-kusuma");
          e.deviation = "skip";
          e.reason = "no time";
          builder.Add(e);
          continue;
        }
        if (step.approval) {
          const bool informal =
              std::strcmp(step.id, "campaign-approval") == 0 &&
              unit(random) < 0.15;
          Event& e = add("approval_decided", step.id,
                         R"({"decision":"approve","outcome":"approved"})",
                         informal ? "larasati-putri" : "bayu-setiawan",
                         informal ? "brand-manager" : "campaign-lead");
          if (informal) {
            e.source = "whatsapp";
            e.deviation = "informal_approval";
          }
          builder.Add(e);
        } else {
          builder.Add(add("task_completed", step.id, R"({"outcome":"done"})",
                          "intan-permata"));
        }
      }
      builder.Add(add("campaign_completed", "", "{}", "intan-permata"));
    }
    return position;
  }

 private:
  int64_t campaigns_;
  int weeks_;
  Event event_;
};

long PeakRssMb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024;
}

}  // namespace

int main(int argc, char** argv) {
  int64_t campaigns = 100'000;
  int weeks = 26;
  int runs = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--campaigns")
      campaigns = std::atoll(argv[i + 1]);
    else if (flag == "--weeks")
      weeks = std::atoi(argv[i + 1]);
    else if (flag == "--runs")
      runs = std::atoi(argv[i + 1]);
    else {
      std::fprintf(stderr, "usage: %s [--campaigns N] [--weeks W] [--runs R]\n",
                   argv[0]);
      return 2;
    }
  }
  const livesop::sop::LoadResult sop = livesop::sop::LoadDefinition(
      std::string(LIVESOP_SOURCE_DIR) + "/examples/marketing-ops/sop.yaml");
  if (sop.diagnostics.has_errors()) {
    std::fprintf(stderr, "the example SOP does not load\n");
    return 1;
  }
  int64_t events = 0;
  History history;
  const livesop::bench::Timing fold = livesop::bench::Time(runs, [&] {
    HistoryBuilder builder;
    events = Generator(campaigns, weeks).Run(builder);
    history = builder.Finish();
  });
  Audit audit;
  const livesop::bench::Timing audited = livesop::bench::Time(runs, [&] {
    audit = livesop::insight::RunAudit(history, sop.definition, {});
  });
  size_t findings = 0;
  for (const auto& p : audit.processes) findings += p.findings.size();
  size_t changes = 0;
  for (const auto& r : audit.drift) changes += r.changes.size();
  std::printf(
      "campaigns %lld, events %lld\n"
      "generate and fold: median %.0f ms (min %.0f), %.0f events/s\n"
      "audit: median %.0f ms (min %.0f)\n"
      "findings %zu, drift series %zu with %zu change points\n"
      "peak memory %ld MB\n",
      static_cast<long long>(campaigns), static_cast<long long>(events),
      fold.median_ms, fold.min_ms, events / (fold.median_ms / 1000.0),
      audited.median_ms, audited.min_ms, findings, audit.drift.size(), changes,
      PeakRssMb());
  return 0;
}

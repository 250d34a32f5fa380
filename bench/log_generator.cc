#include "log_generator.h"

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "core/time.h"
#include "eventlog/xes.h"

namespace livesop::bench {
namespace {

using eventlog::AttributeType;

struct Step {
  std::string activity;
  std::string role;
};

class CaseBuilder {
 public:
  explicit CaseBuilder(std::mt19937_64& random) : random_(random) {}

  bool Chance(double p) {
    return std::uniform_real_distribution<>(0, 1)(random_) < p;
  }
  int Pick(int n) { return std::uniform_int_distribution<>(0, n - 1)(random_); }

  void Do(const char* activity, const char* role) {
    steps_.push_back({activity, role});
  }
  // Several steps in any order (parallel work as a log shows it).
  void Parallel(std::vector<Step> branch) {
    std::shuffle(branch.begin(), branch.end(), random_);
    for (Step& s : branch) steps_.push_back(std::move(s));
  }

  std::vector<Step> Take() {
    // Noise: a skipped step, two neighbours swapped.
    std::vector<Step> out;
    for (size_t i = 0; i < steps_.size(); ++i) {
      if (i > 0 && Chance(0.02)) continue;
      out.push_back(steps_[i]);
    }
    for (size_t i = 1; i + 1 < out.size(); ++i) {
      if (Chance(0.01)) std::swap(out[i], out[i + 1]);
    }
    steps_.clear();
    return out;
  }

 private:
  std::mt19937_64& random_;
  std::vector<Step> steps_;
};

void BuildCase(CaseBuilder& c) {
  c.Do("Submit request", "requester");
  if (c.Chance(0.08)) c.Do("Expedite campaign", "marketing_ops");
  c.Do("Check completeness", "marketing_ops");
  while (c.Chance(0.15)) {
    c.Do("Request missing information", "marketing_ops");
    c.Do("Check completeness", "marketing_ops");
  }
  c.Do("Triage request", "marketing_ops");
  const int type = c.Pick(4);
  switch (type) {
    case 0:
      c.Do("Write product brief", "product_marketing");
      c.Parallel({{"Plan channels", "marketing_ops"},
                  {"Align with sales", "product_marketing"}});
      break;
    case 1:
      c.Do("Book venue", "events");
      c.Parallel({{"Plan agenda", "events"}, {"Invite speakers", "events"}});
      break;
    case 2:
      c.Do("Select newsletter content", "content");
      break;
    default:
      c.Do("Plan social posts", "social");
      break;
  }
  std::vector<Step> work = {{"Draft copy", "content"},
                            {"Design assets", "design"}};
  if (c.Chance(0.2)) work.push_back({"Produce video", "design"});
  if (type == 0 || c.Chance(0.3)) work.push_back({"Translate copy", "content"});
  c.Parallel(work);
  c.Do("Check channel specs", "design");
  c.Do("Review content", "brand");
  for (int round = 0; round < 4 && c.Chance(0.3); ++round) {
    c.Do("Revise content", "content");
    c.Do("Review content", "brand");
  }
  std::vector<Step> approvals = {{"Approve (marketing lead)", "marketing_lead"},
                                 {"Approve (brand)", "brand"}};
  if (type == 0 && c.Chance(0.6))
    approvals.push_back({"Approve (legal)", "legal"});
  if (c.Chance(0.3)) approvals.push_back({"Approve (finance)", "finance"});
  c.Parallel(approvals);
  if (c.Chance(0.05)) c.Do("Escalate delay", "marketing_ops");
  c.Do("Schedule launch", "marketing_ops");
  c.Do("Complete launch checklist", "marketing_ops");
  c.Do("Launch campaign", "marketing_ops");
  std::vector<Step> channels = {{"Publish on website", "web"}};
  if (type == 2 || c.Chance(0.4))
    channels.push_back({"Send newsletter", "content"});
  if (type == 3 || c.Chance(0.5))
    channels.push_back({"Post on social media", "social"});
  c.Parallel(channels);
  c.Do("Collect results", "analyst");
  c.Do("Report results", "analyst");
  if (c.Chance(0.1)) c.Do("Hold retrospective", "marketing_lead");
}

}  // namespace

Result<GeneratedLog> GenerateCampaignLog(int64_t events, uint64_t seed,
                                         std::ostream& out) {
  std::mt19937_64 random(seed);
  CaseBuilder builder(random);
  eventlog::XesWriter writer(out);
  eventlog::LogHeader header;
  header.attributes.push_back(
      {"concept:name", AttributeType::kString, "generated campaigns"});
  header.classifiers.push_back({"Activity", {"concept:name"}});
  LIVESOP_RETURN_IF_ERROR(writer.Begin(header));
  GeneratedLog made;
  int64_t arrival = *ParseTimestamp("2024-01-01T08:00:00Z");
  std::exponential_distribution<> gap(1.0 / (20 * 60e6));    // ~20 min
  std::exponential_distribution<> work(1.0 / (6 * 3600e6));  // ~6 h
  eventlog::Event event(3);
  event[0] = {"concept:name", AttributeType::kString, ""};
  event[1] = {"time:timestamp", AttributeType::kDate, ""};
  event[2] = {"org:resource", AttributeType::kString, ""};
  while (made.events < events) {
    BuildCase(builder);
    const std::vector<Step> steps = builder.Take();
    arrival += static_cast<int64_t>(gap(random));
    LIVESOP_RETURN_IF_ERROR(
        writer.BeginTrace({{"concept:name", AttributeType::kString,
                            "campaign-" + std::to_string(made.cases + 1)}}));
    int64_t time = arrival;
    for (const Step& step : steps) {
      time += 60'000'000 + static_cast<int64_t>(work(random));
      event[0].value = step.activity;
      event[1].value = FormatTimestamp(time);
      event[2].value = step.role + "-" + std::to_string(builder.Pick(6) + 1);
      LIVESOP_RETURN_IF_ERROR(writer.WriteEvent(event));
    }
    LIVESOP_RETURN_IF_ERROR(writer.EndTrace());
    ++made.cases;
    made.events += static_cast<int64_t>(steps.size());
  }
  LIVESOP_RETURN_IF_ERROR(writer.Finish());
  return made;
}

}  // namespace livesop::bench

// The route preview on the example department's SOP, and on small SOPs
// written here for what the example cannot show. Expected routes, approvers
// and dates are read from examples/marketing-ops/*.yaml and the Jakarta
// calendar (09:00-12:00 and 13:00-18:00, Monday to Friday, with the 2026
// holidays), not taken from the preview's output.
#include "engine/preview.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/time.h"
#include "engine/facts.h"
#include "engine/test_util.h"
#include "sop/loader.h"

namespace livesop::engine {
namespace {

using testing::Contains;
using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;
using testing::Not;

// Monday 2026-01-05, 09:00 in Jakarta: the office has just opened.
const int64_t kMonday = *ParseTimestamp("2026-01-05T09:00:00+07:00");

class PreviewTest : public testing::Test {
 protected:
  static const WorkCalendar& Jakarta() {
    static const WorkCalendar calendar = DefaultCalendar(ExampleSop());
    return calendar;
  }

  // The compiled graph of the example's process `id`, kept for the binary.
  static const sop::ProcessGraph& GraphOf(const std::string& id) {
    static std::map<std::string, sop::ProcessGraph> graphs;
    auto it = graphs.find(id);
    if (it == graphs.end()) {
      const sop::Process* process = ExampleSop().FindProcess(id);
      EXPECT_NE(process, nullptr) << id;
      it = graphs
               .emplace(id, process == nullptr ? sop::ProcessGraph()
                                               : sop::CompileGraph(*process))
               .first;
    }
    return it->second;
  }

  static std::string ProcessOf(const std::string& type) {
    for (const sop::CampaignType& t : ExampleSop().campaign_types) {
      if (t.id == type) return t.process;
    }
    return "";
  }

  // The preview of a request on the example SOP; a failure fails the test.
  static RequestPreview Preview(const std::string& type,
                                const nlohmann::json& values,
                                int64_t now = kMonday) {
    Result<RequestPreview> preview =
        PreviewRequest(ExampleSop(), GraphOf(ProcessOf(type)), type, values,
                       now, Jakarta());
    EXPECT_TRUE(preview.ok()) << preview.status().ToString();
    return preview.ok() ? *preview : RequestPreview();
  }

  // A complete Campaign Request Form with a medium budget (IDR 100
  // million), Instagram and email, launching far ahead.
  static nlohmann::json Request(const std::string& type) {
    nlohmann::json values = {
        {"campaign_name", "Spring"},
        {"requester", "rina-wijaya"},
        {"campaign_type", type},
        {"objective", "awareness"},
        {"target_audience", "Urban professionals, 25-40"},
        {"key_message", "Lighter, faster, greener"},
        {"strategic_outline", "Supports the Q2 growth goal"},
        {"campaign_brief", "https://drive.example.com/brief"},
        {"channels", {"instagram", "email"}},
        {"asset_needs", "Reels, stories, one email"},
        {"budget", 100'000'000},
        {"cost_center", "CC-1234"},
        {"brief_date", "2026-01-05"},
        {"end_date", "2026-12-31"},
        {"timeline", "https://drive.example.com/timeline"},
        {"urgent", false}};
    if (type == "event") {
      values["event_date"] = "2026-09-01";
      values["event_venue"] = "Jakarta";
      values["expected_attendees"] = 300;
    }
    if (type == "partnership") values["partner_name"] = "Bank Nusantara";
    if (type == "seasonal") values["promo_mechanics"] = "20% off";
    return values;
  }

  static std::vector<std::string> Ids(const RequestPreview& p) {
    std::vector<std::string> out;
    for (const PreviewStep& s : p.steps) out.push_back(s.step);
    return out;
  }

  static const PreviewStep& StepOf(const RequestPreview& p,
                                   const std::string& id) {
    for (const PreviewStep& s : p.steps) {
      if (s.step == id) return s;
    }
    ADD_FAILURE() << id << " is not on the route";
    static const PreviewStep none;
    return none;
  }

  // Each approver group as "rule: role, role".
  static std::vector<std::string> Groups(const PreviewStep& step) {
    std::vector<std::string> out;
    for (const ApproverGroup& g : step.approvers) {
      std::string text = g.rule + ":";
      for (const std::string& role : g.roles) text += " " + role;
      out.push_back(text);
    }
    return out;
  }

  static std::vector<std::string> Kinds(const RequestPreview& p,
                                        bool binding_only) {
    std::vector<std::string> out;
    for (const LaunchConstraint& c : p.launch_constraints) {
      if (!binding_only || c.binding) out.push_back(c.kind);
    }
    return out;
  }

  static const LaunchConstraint* ConstraintOf(const RequestPreview& p,
                                              const std::string& kind,
                                              const std::string& date) {
    for (const LaunchConstraint& c : p.launch_constraints) {
      if (c.kind == kind && c.date == date) return &c;
    }
    return nullptr;
  }

  static std::string Codes(const RequestPreview& p) {
    std::string out;
    for (const PreviewProblem& problem : p.problems) {
      out += problem.code + "@" + problem.step + " ";
    }
    return out;
  }

  // The date a date field must hold to be at or after `at` (UTC), as the
  // intake checks count.
  static std::string DayAtOrAfter(int64_t at) {
    constexpr int64_t kDay = int64_t{86400} * 1000 * 1000;
    const int64_t days = at / kDay + (at % kDay > 0 ? 1 : 0);
    return FormatTimestamp(days * kDay).substr(0, 10);
  }

  static sop::BusinessDuration Weeks(int64_t n) {
    sop::BusinessDuration d;
    d.amount = n;
    d.unit = sop::BusinessDuration::Unit::kWeeks;
    return d;
  }
};

@@TESTS@@

}  // namespace
}  // namespace livesop::engine

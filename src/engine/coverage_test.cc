// The whole example department through the engine: every campaign type
// from request to its end, and every row of every approval matrix asking
// its approvers in a real campaign.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/sample.h"
#include "engine/test_util.h"
#include "sop/graph.h"

namespace livesop::engine {
namespace {

class CoverageTest : public EngineFixture {
 protected:
  nlohmann::json Sample(const std::string& type) {
    return SampleRequest(ExampleSop(), type, clock_.NowMicros(),
                         DefaultCalendar(ExampleSop()));
  }

  Result<CampaignState> Submit(const std::string& id, const std::string& type,
                               const nlohmann::json& values) {
    SubmitCommand command;
    command.campaign = id;
    command.campaign_type = type;
    command.title = "Coverage " + id;
    command.actor = PersonFor("campaign-manager");
    command.values = values;
    return engine_->Submit(command);
  }

  // The process graph of a campaign type.
  static const sop::Process* ProcessOf(const std::string& type) {
    for (const sop::CampaignType& t : ExampleSop().campaign_types) {
      if (t.id == type) return ExampleSop().FindProcess(t.process);
    }
    return nullptr;
  }
};

TEST_F(CoverageTest, EveryCampaignTypeRunsFromRequestToItsEnd) {
  int types = 0;
  for (const sop::CampaignType& type : ExampleSop().campaign_types) {
    SCOPED_TRACE(type.id);
    ++types;
    const nlohmann::json values = Sample(type.id);
    ASSERT_FALSE(values.empty());
    auto state = Submit("all-" + type.id, type.id, values);
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    CampaignState s = *state;
    int moves = 0;
    for (; moves < 600 && s.status == "active"; ++moves) {
      clock_.Advance(600'000'000);
      s = Round(s);
    }
    EXPECT_EQ(s.status, "completed") << "after " << moves << " moves";
    EXPECT_EQ(*engine_->Load(s.campaign), s);
    // Every work step on the approved path was done, none skipped.
    EXPECT_GT(s.finished.size(), 3u);
    const sop::Process* process = ProcessOf(type.id);
    ASSERT_NE(process, nullptr);
    for (const std::string& step : s.finished) {
      EXPECT_TRUE(
          std::any_of(process->steps.begin(), process->steps.end(),
                      [&](const sop::Step& st) { return st.id == step; }))
          << step << " is not a step of " << process->id;
    }
  }
  EXPECT_GE(types, 5);
}

TEST_F(CoverageTest, EveryApprovalMatrixRowAsksItsApprovers) {
  const sop::Definition& sop = ExampleSop();
  // Budgets, one in each band.
  std::vector<double> budgets;
  double floor = 0;
  for (const sop::BudgetBand& band : sop.budget->bands) {
    budgets.push_back(band.below ? (floor + *band.below) / 2 : floor * 2);
    if (band.below) floor = *band.below;
  }
  std::vector<std::string> channels;
  for (const sop::Form& form : sop.forms) {
    for (const sop::FormField& f : form.fields) {
      if (f.id == "channels") channels = f.options;
    }
  }
  ASSERT_FALSE(channels.empty());
  int rows = 0;
  int campaign = 0;
  for (const sop::ApprovalMatrix& matrix : sop.approval_matrices) {
    // The steps of the campaign-delivery processes that use it.
    for (const sop::MatrixRule& rule : matrix.rules) {
      SCOPED_TRACE(matrix.id + "/" + rule.id);
      ++rows;
      // Find a campaign the row applies to, and its step.
      std::optional<std::pair<std::string, nlohmann::json>> found;
      std::string step_id;
      for (const sop::CampaignType& type : sop.campaign_types) {
        const sop::Process* process = sop.FindProcess(type.process);
        const sop::Step* step = nullptr;
        for (const sop::Step& s : process->steps) {
          if (s.matrix == matrix.id) step = &s;
        }
        if (step == nullptr) continue;
        for (double budget : budgets) {
          for (const std::string& channel : channels) {
            if (found) break;
            nlohmann::json values = Sample(type.id);
            if (!values.contains("budget")) continue;
            values["budget"] = budget;
            values["channels"] = {channel};
            values["urgent"] = false;
            auto plan =
                PlanApproval(sop, *step, ApprovalFacts(sop, type.id, values));
            if (!plan.ok()) continue;
            for (const ApproverGroup& g : plan->groups) {
              if (g.rule == rule.id) {
                found.emplace(type.id, values);
                step_id = step->id;
              }
            }
          }
        }
        if (found) break;
      }
      ASSERT_TRUE(found) << "no campaign of the example meets the row";
      const std::string id = "row-" + std::to_string(++campaign);
      auto state = Submit(id, found->first, found->second);
      ASSERT_TRUE(state.ok()) << state.status().ToString();
      CampaignState s = *state;
      const sop::ProcessGraph graph =
          sop::CompileGraph(*ProcessOf(found->first));
      const int node = graph.Find(step_id);
      for (int i = 0;
           i < 300 && s.status == "active" && s.flow.active.count(node) == 0;
           ++i) {
        s = Round(s);
      }
      ASSERT_EQ(s.flow.active.count(node), 1u) << step_id << " not reached";
      const ApprovalPlan& plan = s.plans.at(step_id);
      const auto group = std::find_if(
          plan.groups.begin(), plan.groups.end(),
          [&](const ApproverGroup& g) { return g.rule == rule.id; });
      ASSERT_NE(group, plan.groups.end());
      EXPECT_EQ(group->roles, rule.approvers);
      // Its first approver has an open task now.
      const std::string task = id + "/" + step_id + "/" + rule.approvers[0];
      bool open = false;
      for (const Awaited& a : engine_->AwaitedNow(s)) {
        open = open || (a.step == step_id && a.role == rule.approvers[0]);
      }
      EXPECT_TRUE(open) << task;
    }
  }
  EXPECT_GE(rows, 10);
}

}  // namespace
}  // namespace livesop::engine

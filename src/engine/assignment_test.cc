// Who gets a task: assignment policies of the example's roles and steps,
// the request's person field, people who are away and their delegates, and
// tasks given by hand.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/test_util.h"

namespace livesop::engine {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

constexpr int64_t kDay = int64_t{24} * 3600 * 1'000'000;

class AssignmentTest : public EngineFixture {
 protected:
  // The example SOP with the policies under test, and an engine on it.
  void Use(const std::function<void(sop::Definition&)>& change) {
    sop_ = std::make_unique<sop::Definition>(ExampleSop());
    change(*sop_);
    engine_ = std::make_unique<Engine>(*store_, *sop_, clock_);
  }

  static sop::Role& RoleOf(sop::Definition& sop, const std::string& id) {
    for (sop::Role& r : sop.roles) {
      if (r.id == id) return r;
    }
    ADD_FAILURE() << "no role " << id;
    return sop.roles.front();
  }

  static sop::Step& StepOf(sop::Definition& sop, const std::string& id) {
    for (sop::Process& p : sop.processes) {
      for (sop::Step& s : p.steps) {
        if (p.id == "campaign-delivery" && s.id == id) return s;
      }
    }
    ADD_FAILURE() << "no step " << id;
    return sop.processes.front().steps.front();
  }

  // The assignee of `task` in the tasks read model.
  std::string AssigneeOf(const std::string& task) {
    const store::TaskRecord t = TaskOf(task);
    return t.status == "missing" ? "(no task)" : t.assignee;
  }

  std::unique_ptr<sop::Definition> sop_;
};

TEST_F(AssignmentTest, RoundRobinGivesTheRolesTasksInTurn) {
  Use([](sop::Definition& sop) {
    RoleOf(sop, "copywriter").assignment = "round_robin";
  });
  std::vector<std::string> given;
  for (int i = 0; i < 4; ++i) {
    const std::string id = "rr-" + std::to_string(i);
    ASSERT_TRUE(SubmitLaunch(id).ok());
    Until(*engine_->Load(id), "write-copy");
    given.push_back(AssigneeOf(id + "/write-copy"));
    clock_.Advance(60'000'000);
  }
  // The example's copywriters, in turn, in the SOP's order.
  std::vector<std::string> copywriters;
  for (const sop::Person& p : sop_->people) {
    for (const std::string& r : p.roles) {
      if (r == "copywriter") copywriters.push_back(p.id);
    }
  }
  ASSERT_GE(copywriters.size(), 2u);
  for (size_t i = 0; i < given.size(); ++i) {
    EXPECT_EQ(given[i], copywriters[i % copywriters.size()]) << i;
  }
}

TEST_F(AssignmentTest, LeastLoadedGivesTheTaskToWhoeverHasFewest) {
  Use([](sop::Definition& sop) {
    RoleOf(sop, "graphic-designer").assignment = "least_loaded";
  });
  ASSERT_TRUE(SubmitLaunch("ll-1").ok());
  CampaignState s = Until(*engine_->Load("ll-1"), "asset-production");
  const std::string first = AssigneeOf("ll-1/asset-production");
  ASSERT_FALSE(first.empty());
  // The first designer is busy with it; the next campaign's goes to the
  // other one.
  ASSERT_TRUE(SubmitLaunch("ll-2").ok());
  Until(*engine_->Load("ll-2"), "asset-production");
  const std::string second = AssigneeOf("ll-2/asset-production");
  EXPECT_FALSE(second.empty());
  EXPECT_NE(second, first);
  // The assignee may do it; so may the role's other holders (it is on
  // the assignee's list, not locked to them).
  ASSERT_TRUE(engine_->Complete("ll-1", "asset-production", second).ok());
}

TEST_F(AssignmentTest, ATaskGoesToThePersonTheRequestNames) {
  Use([](sop::Definition& sop) {
    StepOf(sop, "plan").assignee_from = "requester";
  });
  auto state = SubmitLaunch("af-1");
  ASSERT_TRUE(state.ok()) << state.status().ToString();
  const std::string requester =
      state->values->at("requester").get<std::string>();
  EXPECT_EQ(AssigneeOf("af-1/plan"), requester);
  EXPECT_EQ(state->assigned.at("af-1/plan"), requester);
  EXPECT_EQ(engine_->AwaitedNow(*state).front().people.front(), requester);
}

TEST_F(AssignmentTest, SomeoneAwayIsPassedOverForTheirDelegate) {
  Use([](sop::Definition& sop) {
    StepOf(sop, "plan").assignee_from = "requester";
    RoleOf(sop, "copywriter").assignment = "least_loaded";
  });
  const std::string manager = PersonFor("campaign-manager");
  const sop::Person* person = sop_->FindPerson(manager);
  ASSERT_NE(person, nullptr);
  ASSERT_FALSE(person->delegates.empty());
  store::Absence away;
  away.person = manager;
  away.from_us = clock_.NowMicros() - kDay;
  away.until_us = clock_.NowMicros() + 7 * kDay;
  ASSERT_TRUE(store_->RecordAbsence(away).ok());
  auto state = SubmitLaunch("aw-1");
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(AssigneeOf("aw-1/plan"), person->delegates.front());
  // The delegate may act though they may not hold the role.
  ASSERT_TRUE(
      engine_->Complete("aw-1", "plan", person->delegates.front()).ok());
  // An absence naming its own stand-in wins over the SOP's delegates; a
  // role's holder who is away is passed over.
  store::Absence writer;
  writer.person = "anisa-fitriani";
  writer.from_us = clock_.NowMicros() - kDay;
  writer.until_us = clock_.NowMicros() + 30 * kDay;
  ASSERT_TRUE(store_->RecordAbsence(writer).ok());
  Until(*engine_->Load("aw-1"), "write-copy");
  EXPECT_NE(AssigneeOf("aw-1/write-copy"), "anisa-fitriani");
  EXPECT_FALSE(AssigneeOf("aw-1/write-copy").empty());
}

TEST_F(AssignmentTest, AnExplicitTaskIsGivenByTheProcessOwnerOrTaken) {
  Use([](sop::Definition& sop) {
    RoleOf(sop, "campaign-manager").assignment = "explicit";
  });
  ASSERT_TRUE(SubmitLaunch("ex-1").ok());
  EXPECT_EQ(AssigneeOf("ex-1/plan"), "");
  const std::string manager = PersonFor("campaign-manager");
  EXPECT_EQ(
      engine_->Assign("ex-1", "plan", "", manager, PersonFor("copywriter"))
          .status()
          .code(),
      StatusCode::kPermissionDenied);
  auto given = engine_->Assign("ex-1", "plan", "", manager,
                               PersonFor("marketing-ops-lead"));
  ASSERT_TRUE(given.ok()) << given.status().ToString();
  EXPECT_EQ(AssigneeOf("ex-1/plan"), manager);
  EXPECT_EQ(
      engine_
          ->Assign("ex-1", "plan", "", manager, PersonFor("marketing-ops-lead"))
          .status()
          .code(),
      StatusCode::kFailedPrecondition);
  // A holder of the role takes an unassigned task themselves.
  ASSERT_TRUE(engine_->Complete("ex-1", "plan", manager).ok());
  auto taken =
      engine_->Assign("ex-1", "internal-review", "", PersonFor("campaign-lead"),
                      PersonFor("campaign-lead"));
  ASSERT_TRUE(taken.ok()) << taken.status().ToString();
  EXPECT_EQ(*engine_->Load("ex-1"), *taken);
}

TEST_F(AssignmentTest, TheSopRefusesPoliciesThatCannotApply) {
  const sop::LoadResult loaded = sop::LoadDefinitionFromString(R"yaml(
sop: { id: s, title: T, version: "1.0", owner: ops }
roles:
  - { id: ops, name: Ops, assignment: round_robbin }
people:
  - { id: ana, name: Ana, roles: [ops] }
processes:
  - id: p
    name: P
    owner: ops
    category: revenue-facing
    steps:
      - { id: a, type: task, role: ops, assignment: least_loaded, next: w }
      - { id: w, type: wait, wait_for: 1d, assignment: queue, next: end }
)yaml",
                                                               "bad.yaml");
  std::vector<std::string> codes;
  for (const Diagnostic& d : loaded.diagnostics.items()) {
    codes.push_back(d.code + "@" + std::to_string(d.location.line));
  }
  // Lines count from the empty first line of the text.
  EXPECT_THAT(codes, testing::Contains("invalid-value@4"));  // the typo
  EXPECT_THAT(codes, testing::Contains("unknown-key@14"));   // on a wait
  EXPECT_THAT(codes, testing::Not(testing::Contains("unknown-key@13")));
}

}  // namespace
}  // namespace livesop::engine

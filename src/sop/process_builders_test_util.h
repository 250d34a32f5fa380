// Builders of hand-made processes for the sop module's tests.
#ifndef LIVESOP_SOP_PROCESS_BUILDERS_TEST_UTIL_H_
#define LIVESOP_SOP_PROCESS_BUILDERS_TEST_UTIL_H_

#include <string>
#include <utility>
#include <vector>

#include "sop/model.h"

namespace livesop::sop::test_util {

inline Step MakeStep(std::string id, StepType type) {
  Step step;
  step.id = id;
  step.name = "Step " + id;
  step.type = type;
  return step;
}

inline Step Task(std::string id, std::string next) {
  Step step = MakeStep(std::move(id), StepType::kTask);
  step.next = std::move(next);
  return step;
}

inline Step Review(std::string id, std::string approved,
                   std::string rejected = {}, std::string changes = {}) {
  Step step = MakeStep(std::move(id), StepType::kReview);
  step.on_approved = std::move(approved);
  step.on_rejected = std::move(rejected);
  step.on_changes_requested = std::move(changes);
  return step;
}

inline Branch When(std::string field, std::string test, std::string next,
                   std::string label = {}) {
  Branch branch;
  Condition condition;
  condition.tests.emplace_back(std::move(field), std::move(test));
  branch.when = condition;
  branch.next = std::move(next);
  branch.label = std::move(label);
  return branch;
}

inline Branch Default(std::string next) {
  Branch branch;
  branch.is_default = true;
  branch.next = std::move(next);
  return branch;
}

inline Branch To(std::string next) {
  Branch branch;
  branch.next = std::move(next);
  return branch;
}

inline Step Gateway(std::string id, StepType type,
                    std::vector<Branch> branches) {
  Step step = MakeStep(std::move(id), type);
  step.branches = std::move(branches);
  return step;
}

inline Step Join(std::string id, std::string next) {
  Step step = MakeStep(std::move(id), StepType::kJoin);
  step.next = std::move(next);
  return step;
}

inline Step EndStep(std::string id) {
  return MakeStep(std::move(id), StepType::kEnd);
}

inline Process MakeProcess(std::vector<Step> steps) {
  Process process;
  process.id = "p";
  process.steps = std::move(steps);
  return process;
}

}  // namespace livesop::sop::test_util

#endif  // LIVESOP_SOP_PROCESS_BUILDERS_TEST_UTIL_H_

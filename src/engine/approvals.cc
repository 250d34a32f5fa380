#include "engine/approvals.h"

#include <algorithm>
#include <map>

#include "core/text.h"
#include "engine/facts.h"

namespace livesop::engine {
namespace {

// Whether `rule` holds for the campaign: with channels, for at least one of
// them.
bool RuleHolds(const sop::MatrixRule& rule, const ApprovalInputs& inputs) {
  return HoldsForAnyChannel(rule.when,
                            {{"campaign_type", inputs.campaign_type},
                             {"budget_band", inputs.budget_band}},
                            inputs.channels);
}

std::string Facts(const ApprovalInputs& inputs) {
  return "campaign_type=" + inputs.campaign_type +
         ", budget_band=" + inputs.budget_band +
         ", channels=" + Join(inputs.channels, "/");
}

// The latest verdict of each role, by role.
std::map<std::string, Verdict> Latest(const std::vector<Decision>& decisions) {
  std::map<std::string, Verdict> latest;
  for (const Decision& d : decisions) latest[d.role] = d.verdict;
  return latest;
}

enum class GroupState { kPending, kApproved, kRejected };

GroupState StateOf(const ApproverGroup& group,
                   const std::map<std::string, Verdict>& latest) {
  int approved = 0;
  int rejected = 0;
  for (const std::string& role : group.roles) {
    auto it = latest.find(role);
    if (it == latest.end()) continue;
    if (it->second == Verdict::kApprove) ++approved;
    if (it->second == Verdict::kReject) ++rejected;
  }
  const int needed = group.Needed();
  if (approved >= needed) return GroupState::kApproved;
  const int possible = static_cast<int>(group.roles.size()) - rejected;
  if (possible < needed) return GroupState::kRejected;
  return GroupState::kPending;
}

}  // namespace

const char* VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kApprove:
      return "approve";
    case Verdict::kReject:
      return "reject";
    case Verdict::kRequestChanges:
      return "request_changes";
  }
  return "approve";
}

std::optional<Verdict> ParseVerdict(std::string_view name) {
  if (name == "approve") return Verdict::kApprove;
  if (name == "reject") return Verdict::kReject;
  if (name == "request_changes") return Verdict::kRequestChanges;
  return std::nullopt;
}

int ApproverGroup::Needed() const {
  const int all = static_cast<int>(roles.size());
  switch (quorum) {
    case sop::Quorum::kAll:
      return all;
    case sop::Quorum::kAny:
      return std::min(1, all);
    case sop::Quorum::kCount:
      return std::clamp(quorum_count, 1, std::max(all, 1));
  }
  return all;
}

Result<ApprovalPlan> PlanApproval(const sop::Definition& sop,
                                  const sop::Step& step,
                                  const ApprovalInputs& inputs) {
  if (step.type != sop::StepType::kApproval) {
    return InvalidArgumentError("step " + step.id + " is not an approval");
  }
  ApprovalPlan plan;
  if (step.matrix.empty()) {
    ApproverGroup group;
    group.roles = step.approvers;
    group.quorum = step.quorum;
    group.quorum_count = step.quorum_count;
    group.mode = step.mode;
    plan.groups.push_back(std::move(group));
    return plan;
  }
  const sop::ApprovalMatrix* matrix = nullptr;
  for (const sop::ApprovalMatrix& m : sop.approval_matrices) {
    if (m.id == step.matrix) matrix = &m;
  }
  if (matrix == nullptr) {
    return InvalidArgumentError("step " + step.id +
                                " names the unknown approval matrix " +
                                step.matrix);
  }
  std::vector<const sop::MatrixRule*> matching;
  for (const sop::MatrixRule& rule : matrix->rules) {
    if (RuleHolds(rule, inputs)) matching.push_back(&rule);
  }
  if (matching.empty()) {
    return FailedPreconditionError("no rule of approval matrix " + matrix->id +
                                   " matches " + Facts(inputs) +
                                   "; add a rule for it to the SOP");
  }
  if (matrix->hit_policy == sop::HitPolicy::kUnique && matching.size() > 1) {
    std::vector<std::string> ids;
    for (const sop::MatrixRule* rule : matching) ids.push_back(rule->id);
    return FailedPreconditionError("approval matrix " + matrix->id +
                                   " is UNIQUE but rules " + Join(ids, ", ") +
                                   " all match " + Facts(inputs));
  }
  if (matrix->hit_policy != sop::HitPolicy::kCollect) {
    matching.erase(matching.begin() + 1, matching.end());
  }
  for (const sop::MatrixRule* rule : matching) {
    ApproverGroup group;
    group.rule = rule->id;
    group.roles = rule->approvers;
    group.quorum = rule->quorum;
    group.quorum_count = rule->quorum_count;
    group.mode = rule->mode;
    plan.groups.push_back(std::move(group));
  }
  return plan;
}

Tally Count(const ApprovalPlan& plan, const std::vector<Decision>& decisions) {
  const std::map<std::string, Verdict> latest = Latest(decisions);
  for (const ApproverGroup& group : plan.groups) {
    for (const std::string& role : group.roles) {
      auto it = latest.find(role);
      if (it != latest.end() && it->second == Verdict::kRequestChanges) {
        return Tally::kChangesRequested;
      }
    }
  }
  bool all_approved = true;
  for (const ApproverGroup& group : plan.groups) {
    const GroupState state = StateOf(group, latest);
    if (state == GroupState::kRejected) return Tally::kRejected;
    all_approved = all_approved && state == GroupState::kApproved;
  }
  return all_approved ? Tally::kApproved : Tally::kPending;
}

std::vector<std::string> AwaitedRoles(const ApprovalPlan& plan,
                                      const std::vector<Decision>& decisions) {
  const std::map<std::string, Verdict> latest = Latest(decisions);
  std::vector<std::string> awaited;
  auto add = [&](const std::string& role) {
    if (std::find(awaited.begin(), awaited.end(), role) == awaited.end()) {
      awaited.push_back(role);
    }
  };
  for (const ApproverGroup& group : plan.groups) {
    if (StateOf(group, latest) != GroupState::kPending) continue;
    for (const std::string& role : group.roles) {
      if (latest.count(role) > 0) continue;
      add(role);
      if (group.mode == sop::ApprovalMode::kSequential) break;
    }
  }
  return awaited;
}

}  // namespace livesop::engine

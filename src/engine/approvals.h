// Who approves a campaign at an approval step, and when an approval is
// decided. The approvers come from the step's approval matrix (its rules
// matched against the campaign's type, budget band and channels, under the
// matrix's hit policy) or from the step's own list; each matching rule is a
// group of roles with its quorum and order. Pure functions: the engine
// records the plan and every decision as events.
#ifndef LIVESOP_ENGINE_APPROVALS_H_
#define LIVESOP_ENGINE_APPROVALS_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sop/condition.h"
#include "sop/model.h"

namespace livesop::engine {

// One group of approvers: the roles of one matrix rule (or of the step).
struct ApproverGroup {
  std::string rule;  // matrix rule id; empty for the step's own approvers
  std::vector<std::string> roles;
  sop::Quorum quorum = sop::Quorum::kAll;
  int quorum_count = 0;  // for kCount
  sop::ApprovalMode mode = sop::ApprovalMode::kParallel;

  // How many roles must approve: all, one, or quorum_count (at most all).
  int Needed() const;

  friend bool operator==(const ApproverGroup&, const ApproverGroup&) = default;
};

// Every group must reach its quorum; the groups run side by side.
struct ApprovalPlan {
  std::vector<ApproverGroup> groups;
  friend bool operator==(const ApprovalPlan&, const ApprovalPlan&) = default;
};

// The campaign facts a matrix looks at.
struct ApprovalInputs {
  std::string campaign_type;
  std::string budget_band;
  std::vector<std::string> channels;  // a rule on `channel` matches any
};

// The approvers of `step` for a campaign. Errors: InvalidArgument when
// `step` is not an approval or names an unknown matrix; FailedPrecondition
// when a UNIQUE matrix has no rule or several rules for the campaign, or no
// rule of any matrix matches (the message names the campaign's facts), so
// no approval is ever silently skipped.
Result<ApprovalPlan> PlanApproval(const sop::Definition& sop,
                                  const sop::Step& step,
                                  const ApprovalInputs& inputs);

enum class Verdict { kApprove, kReject, kRequestChanges };

// "approve", "reject", "request_changes": as events and the API write them.
const char* VerdictName(Verdict verdict);
// The verdict named so; nullopt for any other text.
std::optional<Verdict> ParseVerdict(std::string_view name);

// One approver's decision, as recorded.
struct Decision {
  std::string role;    // the role the person decided for
  std::string person;  // who
  Verdict verdict = Verdict::kApprove;

  friend bool operator==(const Decision&, const Decision&) = default;
};

enum class Tally { kPending, kApproved, kRejected, kChangesRequested };

// Where the decisions so far leave the approval: a changes request by
// anyone sends it back at once; a group is rejected when too few of its
// roles are left undecided-or-approving to reach its quorum; the approval
// is approved when every group reached its quorum. A role's later decision
// replaces its earlier one. Decisions for roles in no group do not count.
Tally Count(const ApprovalPlan& plan, const std::vector<Decision>& decisions);

// The roles whose decision is awaited now: every undecided role of a
// parallel group, the first undecided role of a sequential one, none of a
// group that is decided. Roles appear once, in plan order.
std::vector<std::string> AwaitedRoles(const ApprovalPlan& plan,
                                      const std::vector<Decision>& decisions);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_APPROVALS_H_

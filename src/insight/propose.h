// SOP proposals (docs/proposals.md): concrete edits to the SOP's files that
// bring it to what the history shows people do, each with its evidence and
// its expected effect, shown as a unified diff; and accepting one, which
// makes the SOP's next version.
#ifndef LIVESOP_INSIGHT_PROPOSE_H_
#define LIVESOP_INSIGHT_PROPOSE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "insight/audit.h"
#include "insight/history.h"
#include "sop/loader.h"
#include "sop/model.h"

namespace livesop::insight {

// One line of one file of the SOP, replaced or added.
struct LineEdit {
  std::string file;  // the bundle's path of the file
  int line = 0;      // 1-based
  // The line as it is; for an insertion, empty (the new line goes after
  // `line`, 0 for the top of the file).
  std::string before;
  std::string after;
  bool insert = false;
};

struct Proposal {
  // Stable across runs on the same history and SOP: KIND:TARGET, such as
  // "set-sla:campaign-delivery/content-approval".
  std::string id;
  // set-sla, change-approver, add-delegate, make-step-optional,
  // expedite-variant.
  std::string kind;
  std::string title;                   // what changes, in one line
  std::string rationale;               // why, with the numbers
  std::string effect;                  // what to expect, with the numbers
  std::vector<std::string> campaigns;  // the evidence: campaigns ...
  std::vector<EventRef> evidence;      // ... and up to kMaxEvidence events
  std::vector<LineEdit> edits;
  std::string diff;  // the edits as a unified diff of the SOP's files
};

struct ProposeOptions {
  // Fewest cases behind a proposal (default 5): SOPs change on habits,
  // not on anecdotes.
  int64_t min_count = 5;
  // set-sla: the SLA proposed is this percentile of the step's observed
  // working time (default 0.8), when more than `breach_share` (default
  // 0.2) of its visits missed the SLA written.
  double sla_percentile = 0.8;
  double breach_share = 0.2;
  // change-approver: the share of a role's approvals decided by people who
  // do not hold it, all by one other role, at which the rule should name
  // that role instead (default 0.5).
  double approver_share = 0.5;
  // make-step-optional: the share of a step's visits by a campaign type
  // (since the step's last change, when it changed) that were skipped
  // (default 0.6).
  double optional_share = 0.6;
};

// The proposals for `sop` (loaded from `bundle`, so that its locations
// name the bundle's files) from `history` and its `audit`: the SLA of a step
// whose deadlines are missed set to the observed percentile of its working
// time on the SOP's default calendar; an approval matrix rule's role
// replaced by the role that decides in practice; a person who keeps handing
// their tasks to the same colleague given that colleague as a delegate; a
// step that campaigns of some types skip as a rule routed around for them
// by a new exclusive gateway; for a process without a fast track whose
// campaigns are expedited as a habit, the fast track they already take (an
// approval by the same roles at once, in the time it took them) behind a
// gateway on the form's `urgent` field. Only proposals whose edits give an
// SOP that loads without errors are made. Sorted by id. Pure.
std::vector<Proposal> Propose(const History& history, const Audit& audit,
                              const sop::Definition& sop,
                              const sop::Bundle& bundle,
                              const ProposeOptions& options = {});

struct Accepted {
  sop::Bundle bundle;   // the SOP's next version
  std::string version;  // its sop.version
  std::string diff;     // against the bundle given, version and log included
};

// Applies `proposal` to `bundle` (whose SOP is `sop`) as `person`, with the
// next minor version ("1.2.0" after "1.1.3") and a changelog entry dated
// `date` (YYYY-MM-DD) naming the proposal, and checks that the result
// loads without errors. Errors: PermissionDenied unless `person` is the
// SOP's owner (engine::CheckSopOwner);
// FailedPrecondition when the files no longer hold the lines the proposal
// edits (the SOP changed: propose again) or the result does not load
// cleanly (the first error named).
Result<Accepted> AcceptProposal(const Proposal& proposal,
                                const sop::Definition& sop,
                                const sop::Bundle& bundle,
                                const std::string& person,
                                const std::string& date);

}  // namespace livesop::insight

#endif  // LIVESOP_INSIGHT_PROPOSE_H_

// The workflow engine: commands in, events out. Each command loads the
// campaign's state from its events, checks the command against the SOP and
// the actor's roles, works out the events that follow (tasks, approvals,
// gateways passed, the end), and appends them in one transaction with the
// campaign's version as the expected version: two commands racing on one
// campaign cannot both win (the loser gets Aborted and may retry).
//
// The campaign's state is a projection of its events (Apply): the state a
// command returns equals what Load rebuilds from the store.
//
// Thread safety: an Engine may be used from one thread at a time (its
// Store is); several engines, in several processes, may share a database.
#ifndef LIVESOP_ENGINE_ENGINE_H_
#define LIVESOP_ENGINE_ENGINE_H_

#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/calendar.h"
#include "core/clock.h"
#include "core/status.h"
#include "engine/approvals.h"
#include "engine/flow.h"
#include "engine/intake.h"
#include "sop/graph.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::engine {

struct SubmitCommand {
  std::string campaign;  // the new campaign's id, chosen by the caller
  std::string campaign_type;
  std::string title;
  nlohmann::json values = nlohmann::json::object();  // form values by id
  std::string actor;                                 // person id
  std::string idempotency_key;  // optional: a retried submit adds nothing
};

// A campaign as its events left it.
struct CampaignState {
  std::string campaign;
  std::string campaign_type;
  std::string title;
  std::string owner;
  std::string sop_version;
  // "active", or how it ended: "completed", "rejected", "cancelled".
  std::string status;
  nlohmann::json values = nlohmann::json::object();
  sop::Case facts;  // what gateways read (facts.h), from the values
  FlowState flow;
  // Approval steps under way: their approvers and the decisions so far.
  std::map<std::string, ApprovalPlan> plans;
  std::map<std::string, std::vector<Decision>> decisions;
  int64_t version = 0;  // the campaign's last event sequence

  friend bool operator==(const CampaignState&, const CampaignState&) = default;
};

// An action the campaign waits for: a step to complete or decide, and who
// may do it.
struct Awaited {
  std::string step;
  std::string name;
  bool decision = false;  // approve, reject or request changes; else complete
  std::string role;       // the role awaited; empty for a person or a wait
  std::vector<std::string> people;  // who may act, in the SOP's order

  friend bool operator==(const Awaited&, const Awaited&) = default;
};

class Engine {
 public:
  // `store`, `sop` and `clock` must outlive the engine. `sop` must be a
  // valid definition (sop::Check without errors).
  Engine(store::Store& store, const sop::Definition& sop, const Clock& clock);

  // The intake checks of a request (intake.h) on the SOP's default
  // business calendar, at the clock's time: what Submit refuses, for a
  // form to show next to its fields before submitting.
  IntakeReport Check(const std::string& campaign_type,
                     const nlohmann::json& values) const;

  // Opens a campaign of `command.campaign_type` with its form values and
  // starts its process. Errors: InvalidArgument for an unknown campaign
  // type, an empty campaign id, or a request the intake checks refuse (the
  // message lists every problem by field; Check gives them as data);
  // AlreadyExists for a campaign id in use; PermissionDenied for an actor
  // who is not a person of the SOP.
  Result<CampaignState> Submit(const SubmitCommand& command);

  // Finishes the active work step `step` (a task, checklist or wait) as
  // `actor`. Errors: NotFound for an unknown campaign; FailedPrecondition
  // when the step is not active or the campaign has ended;
  // PermissionDenied when the actor holds neither the step's role nor is
  // its named person; InvalidArgument for an approval or review step (they
  // are decided with Decide); Aborted when another command won the race.
  Result<CampaignState> Complete(const std::string& campaign,
                                 const std::string& step,
                                 const std::string& actor);

  // Records `actor`'s decision on the active approval or review `step`; an
  // approval moves on when its quorum decides. Errors as Complete, and
  // PermissionDenied when none of the actor's roles is awaited now.
  Result<CampaignState> Decide(const std::string& campaign,
                               const std::string& step,
                               const std::string& actor, Verdict verdict,
                               const std::string& comment);

  // Ends the campaign as cancelled. Errors: NotFound, FailedPrecondition
  // when it has ended, PermissionDenied for an unknown actor.
  Result<CampaignState> Cancel(const std::string& campaign,
                               const std::string& actor,
                               const std::string& reason);

  // What `state` waits for, step by step in process order: each approval's
  // awaited roles, each other active step's role, person, or (for a wait)
  // the campaign owner and the process owner's role.
  std::vector<Awaited> AwaitedNow(const CampaignState& state) const;

  // The campaign's state, rebuilt from its events. NotFound when it has
  // none.
  Result<CampaignState> Load(const std::string& campaign);

 private:
  struct Context;  // one command's state and the events it appends

  Result<CampaignState> Run(const std::string& campaign,
                            const std::function<Status(Context&)>& command);
  // Applies `event` to `state`; when it moves the flow (a creation starts
  // it, a finished step advances it), the move goes to `*moved`.
  // `payload` is the event's payload, parsed.
  Status Apply(CampaignState& state, const store::Event& event,
               const nlohmann::json& payload, FlowStep* moved = nullptr) const;
  // Moves `state`'s flow on for the finished step and outcome in `payload`.
  Status AdvanceFlow(CampaignState& state, const nlohmann::json& payload,
                     FlowStep* moved) const;
  // Applies the campaign's stored events to `state` (whose `campaign` is
  // set).
  Status ScanInto(CampaignState& state) const;
  // Keeps an open campaign's state for its next command.
  void Remember(const CampaignState& state);
  const sop::CampaignType* TypeOf(const std::string& id) const;
  const sop::ProcessGraph* GraphOf(const std::string& campaign_type) const;
  bool Holds(const std::string& person, const std::string& role) const;

  // Appends an event of `type` to the command's events and applies it.
  Status Add(Context& context, const std::string& type,
             const std::string& activity, const std::string& step,
             const std::string& role, const nlohmann::json& payload,
             FlowStep* moved = nullptr);
  // Emits the events of the steps a move activated (tasks, approval
  // requests; notifications are sent and passed at once).
  Status Activated(Context& context, const std::vector<int>& nodes);
  // Appends the event of `type` that finishes step `node` with `outcome`
  // (a task completed, the deciding approval, a notification sent): its
  // payload gets "step" and "outcome", and applying it moves the flow;
  // the move goes to `*moved`.
  Status Finish(Context& context, int node, Outcome outcome,
                const std::string& type, const std::string& role,
                nlohmann::json payload, FlowStep* moved);
  // Emits what a move leads to: the activated steps' events, and the
  // campaign's end when the process ended.
  Status FollowUp(Context& context, const FlowStep& moved);
  // Checks the campaign is open and `step` active; sets `*node`.
  Status Active(Context& context, const std::string& step, int* node) const;

  store::Store& store_;
  const sop::Definition& sop_;
  const Clock& clock_;
  std::map<std::string, sop::ProcessGraph> graphs_;  // by process id
  // The SOP's default business calendar (Mon-Fri 09:00-17:00 UTC when the
  // SOP names none or it cannot be built).
  std::optional<WorkCalendar> calendar_;
  // The states of open campaigns as the last command here left them. A
  // state another process has since moved on is noticed by the append (its
  // expected version no longer holds) or by a refusal, and the command is
  // tried once more on the state rebuilt from the store.
  std::unordered_map<std::string, CampaignState> cache_;
  size_t cache_capacity_ = 200000;
};

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_ENGINE_H_

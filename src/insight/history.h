// A department's history as the insights read it: each campaign's step
// visits, decisions, departures and side-path activities, folded from the
// store's events in one pass. The audit (audit.h) and the drift of the
// documented path are computed on this, never on the store's tables.
#ifndef LIVESOP_INSIGHT_HISTORY_H_
#define LIVESOP_INSIGHT_HISTORY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "store/store.h"

namespace livesop::insight {

// Where a fact came from in the store: enough to find the event again
// (`livesop campaign show ID --events` lists positions).
struct EventRef {
  std::string campaign;
  int64_t position = 0;
  int64_t time_us = 0;

  friend bool operator==(const EventRef&, const EventRef&) = default;
};

// A group of approvers an approval asked (`approval_requested`): the
// matrix rule that named them and how many of them had to decide.
struct NamedGroup {
  std::string rule;
  std::vector<std::string> roles;
  int needed = 0;  // all of them, one, or the quorum's count
};

// One time a step was active in a campaign: from the event that made it
// active (`task_created`, `approval_requested`) to the one that ended its
// work (an event with an `outcome`, `task_skipped`), or to the campaign's
// end. A step done again after "request changes" or a reopen is a second
// visit.
struct StepVisit {
  std::string step;      // the SOP step id (an ad-hoc step's own id)
  std::string activity;  // its name as recorded
  std::string role;      // the role asked, when one was
  int visit = 1;         // 1 for the first visit of this step, then 2, ...
  int64_t start_us = 0;  // equal to end_us when nothing started it
  int64_t end_us = 0;    // 0 while the step is active
  int64_t due_us = 0;    // the deadline of its first task; 0: none
  // done, approved, rejected, changes_requested, skipped (the step was
  // passed by a departure), cancelled (the campaign ended first), or empty
  // while active.
  std::string outcome;
  std::string by;                 // who ended it (the deciding approver)
  std::string source;             // the source of the event that ended it
  std::string deviation;          // the departure that ended it, if one did
  std::vector<NamedGroup> named;  // an approval's approvers, as asked
  bool decided = false;           // ended by a decision (see Decision)
  bool adhoc = false;             // an ad-hoc step, not the SOP's
  bool breached = false;          // an SLA breach was recorded on it
  EventRef start;
  EventRef end;

  bool open() const { return end_us == 0 && outcome.empty(); }
};

// One approver's decision on an approval or review (`approval_decided`).
struct Decision {
  std::string step;
  std::string approver;  // the person
  std::string role;
  std::string decision;  // approve, reject, request_changes
  std::string source;    // engine, or the channel of an informal approval
  std::string deviation;
  // The documents' and assets' versions current when it was decided, as
  // "document:version" joined by ","; empty when the campaign had none.
  std::string versions;
  bool settled = false;  // this decision decided the step
  int visit = 0;         // the visit of the step it was given in; 0: none open
  EventRef at;
};

// A departure from the documented path: one command of the engine's
// departures (docs/engine.md), however many events it wrote.
struct Departure {
  std::string kind;  // skip, reorder, informal_approval, ad_hoc_step, ...
  std::string step;
  std::string actor;   // who departed (the approver of an informal approval)
  std::string source;  // where it happened
  std::string reason;
  // A reassignment: the role whose task it was (approvals), the person it
  // was taken from (when it was someone's) and given to.
  std::string role;
  std::string from;
  std::string to;
  EventRef at;
};

// Something a side path shows happened (`side_activity`), or any other
// event whose source is a side path.
struct SideActivity {
  std::string activity;  // brief_sent, asset_delivered, launched, ...
  std::string source;    // whatsapp, slack, email, sheet, webhook, ...
  std::string person;
  std::string step;  // the step it was matched to, when it was
  EventRef at;
};

struct CampaignHistory {
  std::string id;
  std::string type;         // campaign type id
  std::string sop_version;  // the version it runs on (its last)
  std::string title;
  std::string owner;
  std::string status;                 // active, completed, rejected, cancelled
  int64_t created_us = 0;             // its first event's time
  int64_t closed_us = 0;              // 0 while open
  int64_t last_us = 0;                // its latest event's time
  bool urgent = false;                // submitted with the form's `urgent` set
  bool expedited = false;             // a campaign_expedited departure
  std::vector<std::string> channels;  // the request's `channels`
  double budget = 0;                  // the request's `budget`, 0: none
  std::string values;                 // the request's form values, as JSON text
  int64_t events = 0;
  int64_t off_system_events = 0;  // events whose source is a side path

  std::vector<StepVisit> visits;  // in the order the steps started
  std::vector<Decision> decisions;
  std::vector<Departure> departures;
  std::vector<SideActivity> side;
  // People who acted on the campaign (resources of its events), with how
  // many events each.
  std::map<std::string, int64_t> actors;

  // Under pressure: urgent or expedited.
  bool pressured() const { return urgent || expedited; }
  // No departure at all: the campaign ran on the documented path.
  bool on_path() const { return departures.empty(); }
};

struct History {
  std::vector<CampaignHistory> campaigns;  // by first event, then id
  int64_t events = 0;
  int64_t first_us = 0;  // the earliest and latest event times
  int64_t last_us = 0;
};

// Whether an event from `source` came through a side path (a chat, a
// mailbox, a tracker, a meeting, a hook) rather than livesop itself or an
// imported event log: anything but "engine", "api", "web", "cli" and
// "import".
bool IsOffSystem(const std::string& source);

// Folds events, in the store's global order, into a History. Not
// thread-safe; one builder per history.
class HistoryBuilder {
 public:
  HistoryBuilder();
  ~HistoryBuilder();
  HistoryBuilder(const HistoryBuilder&) = delete;
  HistoryBuilder& operator=(const HistoryBuilder&) = delete;

  // Takes one event. An event whose payload is not JSON is still counted;
  // only what its payload would have said is missing.
  void Add(const store::Event& event);

  // The history of every event added; the builder is empty afterwards.
  History Finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// For each visit of `c`, the index of the visit it followed: the ended
// visit whose end was appended last before the visit started (one command
// appends both, so parallel branches do not interleave); -1 for a visit
// that followed none (the first step, a visit nothing started).
std::vector<int> FollowedVisits(const CampaignHistory& c);

// Which campaigns a history holds. Defaults: every one.
struct HistoryFilter {
  // Campaigns whose first event is in [from_us, until_us); 0: no bound.
  int64_t from_us = 0;
  int64_t until_us = 0;
  std::vector<std::string> campaign_types;  // empty: every type
};

// The history of the campaigns `filter` selects, read with one scan of the
// store's events (whole campaigns: a campaign in the period keeps its
// events after it). Errors: the store's.
Result<History> ReadHistory(store::Store& store,
                            const HistoryFilter& filter = {});

}  // namespace livesop::insight

#endif  // LIVESOP_INSIGHT_HISTORY_H_

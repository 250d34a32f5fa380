#include "insight/history.h"

#include <algorithm>
#include <set>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>

#include <nlohmann/json.hpp>

namespace livesop::insight {
namespace {

using Json = nlohmann::json;

// Event types whose payload is read; every other payload stays unparsed.
bool PayloadNeeded(std::string_view type) {
  return type == "campaign_created" || type == "task_created" ||
         type == "task_completed" || type == "approval_decided" ||
         type == "task_skipped" || type == "step_finished" ||
         type == "notification_sent" || type == "side_activity" ||
         type == "sla_breached" || type == "approval_requested" ||
         type == "task_assigned";
}

std::string StringField(const Json& payload, const char* key) {
  auto it = payload.find(key);
  return it != payload.end() && it->is_string() ? it->get<std::string>() : "";
}

// Payloads of imported events hold any text: a field of the wrong type is
// as good as absent.
int64_t IntField(const Json& object, const char* key, int64_t absent) {
  auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<int64_t>()
                                                       : absent;
}

bool BoolField(const Json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

// "document:version,…" of a decision's documents and assets.
std::string VersionsOf(const Json& payload) {
  std::vector<std::string> parts;
  for (const char* list : {"documents", "assets"}) {
    auto it = payload.find(list);
    if (it == payload.end() || !it->is_array()) continue;
    for (const Json& item : *it) {
      if (!item.is_object()) continue;
      const std::string id =
          StringField(item, list[0] == 'd' ? "document" : "asset");
      auto version = item.find("version");
      parts.push_back(id + ":" +
                      (version != item.end() ? version->dump() : "?"));
    }
  }
  std::sort(parts.begin(), parts.end());
  std::string out;
  for (const std::string& p : parts) {
    if (!out.empty()) out += ",";
    out += p;
  }
  return out;
}

// A campaign while its events are folded. Its open visits are a handful at
// a time, so they are kept as indexes and found by their step.
struct Building {
  CampaignHistory history;
  std::vector<size_t> open;  // indexes into history.visits

  // The index of `step`'s open visit in `open`, or open.size().
  size_t FindOpen(const std::string& step) const {
    size_t i = 0;
    while (i < open.size() && history.visits[open[i]].step != step) ++i;
    return i;
  }
  StepVisit* OpenVisit(const std::string& step) {
    const size_t i = FindOpen(step);
    return i < open.size() ? &history.visits[open[i]] : nullptr;
  }
  void Close(const std::string& step) {
    const size_t i = FindOpen(step);
    if (i < open.size()) open.erase(open.begin() + static_cast<long>(i));
  }
  int VisitsOf(const std::string& step) const {
    int n = 0;
    for (const StepVisit& v : history.visits) n += v.step == step ? 1 : 0;
    return n;
  }
  // A command's events share kind, step, actor and time: one departure.
  bool Departed(const std::string& kind, const std::string& step,
                const std::string& actor, int64_t time_us) const {
    for (const Departure& d : history.departures) {
      if (d.kind == kind && d.step == step && d.actor == actor &&
          d.at.time_us == time_us) {
        return true;
      }
    }
    return false;
  }
};

}  // namespace

bool IsOffSystem(const std::string& source) {
  return !source.empty() && source != "engine" && source != "api" &&
         source != "web" && source != "cli" && source != "import";
}

struct HistoryBuilder::State {
  std::unordered_map<std::string, Building> campaigns;
  std::vector<std::string> order;  // campaigns by first event added
  int64_t events = 0;
  int64_t first_us = 0;
  int64_t last_us = 0;

  StepVisit& Open(Building& b, const store::Event& e, const std::string& step,
                  const EventRef& ref) {
    StepVisit visit;
    visit.step = step;
    visit.activity = e.activity;
    visit.role = e.role;
    visit.visit = b.VisitsOf(step) + 1;
    visit.start_us = e.time_us;
    visit.start = ref;
    b.Close(step);
    b.history.visits.push_back(std::move(visit));
    b.open.push_back(b.history.visits.size() - 1);
    return b.history.visits.back();
  }

  void End(Building& b, const store::Event& e, const std::string& step,
           const std::string& outcome, const EventRef& ref) {
    StepVisit* visit = b.OpenVisit(step);
    if (visit != nullptr) {
      b.Close(step);
    } else {
      // Every task of a skipped approval is skipped with the same event
      // time: the first ended the visit.
      for (auto v = b.history.visits.rbegin(); v != b.history.visits.rend();
           ++v) {
        if (v->step != step) continue;
        if (v->end_us == e.time_us && v->outcome == outcome) return;
        break;
      }
      visit = &Open(b, e, step, ref);
      b.Close(step);
    }
    visit->end_us = e.time_us;
    visit->end = ref;
    visit->outcome = outcome;
    visit->by = e.resource;
    visit->source = e.source;
    visit->deviation = e.deviation;
    visit->decided = e.type == "approval_decided";
  }

  void CloseAll(Building& b, const store::Event& e, const EventRef& ref) {
    for (size_t index : b.open) {
      StepVisit& visit = b.history.visits[index];
      visit.end_us = e.time_us;
      visit.end = ref;
      visit.outcome = "cancelled";
    }
    b.open.clear();
  }

  void Add(const store::Event& e) {
    auto [it, fresh] = campaigns.try_emplace(e.campaign);
    Building& b = it->second;
    CampaignHistory& c = b.history;
    if (fresh) {
      order.push_back(e.campaign);
      c.id = e.campaign;
      c.created_us = e.time_us;
      c.status = "active";
    }
    ++events;
    if (events == 1 || e.time_us < first_us) first_us = e.time_us;
    last_us = std::max(last_us, e.time_us);
    ++c.events;
    c.created_us = std::min(c.created_us, e.time_us);
    c.last_us = std::max(c.last_us, e.time_us);
    if (!e.campaign_type.empty()) c.type = e.campaign_type;
    if (!e.sop_version.empty()) c.sop_version = e.sop_version;
    if (!e.resource.empty()) ++c.actors[e.resource];
    const bool off_system = IsOffSystem(e.source);
    if (off_system) ++c.off_system_events;
    const EventRef ref{e.campaign, e.position, e.time_us};

    Json payload;
    if (PayloadNeeded(e.type)) {
      payload = Json::parse(e.payload, nullptr, /*allow_exceptions=*/false);
      if (!payload.is_object()) payload = Json::object();
    }
    const std::string step =
        !e.step.empty()
            ? e.step
            : (payload.is_object() ? StringField(payload, "step") : "");

    const bool type_is_assignment = e.type == "task_assigned";
    if (!e.deviation.empty()) {
      const std::string& kind = e.deviation;
      if (!b.Departed(kind, step, e.resource, e.time_us)) {
        Departure d{kind,   step, e.resource, e.source, e.reason,
                    e.role, "",   "",         ref};
        if (type_is_assignment) {
          d.from = StringField(payload, "from");
          d.to = StringField(payload, "assignee");
        }
        c.departures.push_back(std::move(d));
      }
    }

    const std::string& type = e.type;
    if (type == "campaign_created") {
      c.title = StringField(payload, "title");
      c.owner = StringField(payload, "owner");
      if (c.owner.empty()) c.owner = e.resource;
      auto values = payload.find("values");
      if (values != payload.end() && values->is_object()) {
        c.values = values->dump();
        auto urgent = values->find("urgent");
        c.urgent =
            urgent != values->end() &&
            ((urgent->is_boolean() && urgent->get<bool>()) ||
             (urgent->is_string() && (*urgent == "true" || *urgent == "yes")));
        auto channels = values->find("channels");
        if (channels != values->end() && channels->is_array()) {
          for (const Json& ch : *channels) {
            if (ch.is_string()) c.channels.push_back(ch.get<std::string>());
          }
        }
        auto budget = values->find("budget");
        if (budget != values->end() && budget->is_number()) {
          c.budget = budget->get<double>();
        }
      }
    } else if (type == "campaign_expedited") {
      c.expedited = true;
    } else if (type == "campaign_completed" || type == "campaign_rejected" ||
               type == "campaign_cancelled") {
      c.status = type.substr(std::string_view("campaign_").size());
      c.closed_us = e.time_us;
      CloseAll(b, e, ref);
      // Most campaigns end for good: give back what their lists grew into.
      c.visits.shrink_to_fit();
      c.decisions.shrink_to_fit();
      c.departures.shrink_to_fit();
      c.side.shrink_to_fit();
      b.open.shrink_to_fit();
    } else if (type == "campaign_reopened") {
      c.status = "active";
      c.closed_us = 0;
    } else if (type == "task_created" || type == "approval_requested" ||
               type == "step_reopened") {
      if (step.empty()) return;
      // Escalations are tasks that chase a step, not the step's work.
      if (type == "task_created" &&
          StringField(payload, "timer") == "escalation") {
        return;
      }
      if (StepVisit* open = b.OpenVisit(step); open != nullptr) {
        // Another approver's task: its deadline is the approval's.
        if (type == "task_created" && open->due_us == 0) {
          open->due_us = IntField(payload, "due_us", 0);
        }
        return;
      }
      StepVisit& visit = Open(b, e, step, ref);
      if (type == "approval_requested") {
        auto groups = payload.find("groups");
        if (groups != payload.end() && groups->is_array()) {
          for (const Json& g : *groups) {
            if (!g.is_object()) continue;
            NamedGroup group;
            group.rule = StringField(g, "rule");
            auto roles = g.find("roles");
            if (roles != g.end() && roles->is_array()) {
              for (const Json& r : *roles) {
                if (r.is_string()) group.roles.push_back(r.get<std::string>());
              }
            }
            // The engine's quorum: 0 all, 1 any, 2 a count.
            const int64_t quorum = IntField(g, "quorum", 0);
            const int roles_named = static_cast<int>(group.roles.size());
            group.needed = quorum == 1 ? std::min(1, roles_named)
                           : quorum == 2
                               ? static_cast<int>(std::min<int64_t>(
                                     IntField(g, "count", 1), roles_named))
                               : roles_named;
            visit.named.push_back(std::move(group));
          }
        }
      }
      if (type == "task_created") {
        visit.adhoc = BoolField(payload, "adhoc");
        visit.due_us = IntField(payload, "due_us", 0);
      }
    } else if (type == "sla_breached") {
      if (StepVisit* open = b.OpenVisit(step)) open->breached = true;
    } else if (type == "side_activity") {
      c.side.push_back(
          {StringField(payload, "activity"), e.source, e.resource, step, ref});
    }

    if (type == "approval_decided") {
      Decision d;
      d.step = step;
      d.approver = e.resource;
      d.role = e.role;
      d.decision = StringField(payload, "decision");
      d.source = e.source;
      d.deviation = e.deviation;
      d.versions = VersionsOf(payload);
      d.settled = payload.contains("outcome");
      if (const StepVisit* open = b.OpenVisit(step)) d.visit = open->visit;
      d.at = ref;
      c.decisions.push_back(std::move(d));
    }
    if (type == "task_skipped") {
      if (!step.empty()) End(b, e, step, "skipped", ref);
    } else if ((type == "task_completed" || type == "approval_decided" ||
                type == "notification_sent" || type == "step_finished") &&
               !step.empty()) {
      const std::string outcome = StringField(payload, "outcome");
      if (!outcome.empty()) End(b, e, step, outcome, ref);
    }
    if (off_system && type != "side_activity" && e.deviation.empty() &&
        type != "approval_decided") {
      // A tracker's status change, an imported message's event: work the
      // SOP's tools did not carry.
      c.side.push_back({e.activity, e.source, e.resource, step, ref});
    }
  }
};

HistoryBuilder::HistoryBuilder() : state_(std::make_unique<State>()) {}
HistoryBuilder::~HistoryBuilder() = default;

void HistoryBuilder::Add(const store::Event& event) { state_->Add(event); }

History HistoryBuilder::Finish() {
  History out;
  out.events = state_->events;
  out.first_us = state_->first_us;
  out.last_us = state_->last_us;
  out.campaigns.reserve(state_->order.size());
  for (const std::string& id : state_->order) {
    auto node = state_->campaigns.extract(id);
    CampaignHistory& c = node.mapped().history;
    c.visits.shrink_to_fit();
    c.decisions.shrink_to_fit();
    out.campaigns.push_back(std::move(c));
  }
  std::stable_sort(out.campaigns.begin(), out.campaigns.end(),
                   [](const CampaignHistory& a, const CampaignHistory& b) {
                     return std::tie(a.created_us, a.id) <
                            std::tie(b.created_us, b.id);
                   });
  state_ = std::make_unique<State>();
  return out;
}

std::vector<int> FollowedVisits(const CampaignHistory& c) {
  std::vector<int> ended;  // indexes of ended visits, by end position
  for (size_t i = 0; i < c.visits.size(); ++i) {
    const StepVisit& v = c.visits[i];
    if (!v.open() && v.outcome != "cancelled" && v.end.position > 0) {
      ended.push_back(static_cast<int>(i));
    }
  }
  std::sort(ended.begin(), ended.end(), [&](int a, int b) {
    return c.visits[a].end.position < c.visits[b].end.position;
  });
  std::vector<int> followed(c.visits.size(), -1);
  for (size_t i = 0; i < c.visits.size(); ++i) {
    const StepVisit& v = c.visits[i];
    if (v.start.position == 0 || v.start.position == v.end.position) continue;
    auto after = std::lower_bound(
        ended.begin(), ended.end(), v.start.position,
        [&](int e, int64_t at) { return c.visits[e].end.position < at; });
    if (after != ended.begin()) followed[i] = *(after - 1);
  }
  return followed;
}

Result<History> ReadHistory(store::Store& store, const HistoryFilter& filter) {
  store::EventFilter events;
  events.campaign_types = filter.campaign_types;
  HistoryBuilder builder;
  LIVESOP_RETURN_IF_ERROR(store.Scan(events, [&](const store::Event& e) {
    builder.Add(e);
    return OkStatus();
  }));
  History history = builder.Finish();
  if (filter.from_us == 0 && filter.until_us == 0) return history;
  std::erase_if(history.campaigns, [&](const CampaignHistory& c) {
    return (filter.from_us != 0 && c.created_us < filter.from_us) ||
           (filter.until_us != 0 && c.created_us >= filter.until_us);
  });
  history.events = 0;
  history.first_us = 0;
  history.last_us = 0;
  for (const CampaignHistory& c : history.campaigns) {
    history.events += c.events;
    if (history.first_us == 0 || c.created_us < history.first_us) {
      history.first_us = c.created_us;
    }
    history.last_us = std::max(history.last_us, c.last_us);
  }
  return history;
}

}  // namespace livesop::insight

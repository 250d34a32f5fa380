#include "engine/facts.h"

#include "core/text.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>
#include <vector>

namespace livesop::engine {

using Json = nlohmann::json;

Result<const sop::CampaignType*> CampaignTypeOf(const sop::Definition& sop,
                                                const std::string& id) {
  std::vector<std::string> known;
  for (const sop::CampaignType& t : sop.campaign_types) {
    if (t.id == id) return &t;
    known.push_back(t.id);
  }
  const std::string closest = ClosestMatch(id, known);
  return InvalidArgumentError(
      "unknown campaign type \"" + id + "\"" +
      (closest.empty() ? "" : "; did you mean " + closest + "?") +
      (known.empty() ? "; the SOP has none"
                     : "; the SOP has " + Join(known, ", ")));
}

sop::Case CaseFacts(const sop::Definition& sop,
                    const std::string& campaign_type, const Json& values) {
  sop::Case inputs = {{"campaign_type", campaign_type}};
  if (!values.is_object()) return inputs;
  for (const auto& [key, value] : values.items()) {
    if (value.is_string()) {
      inputs[key] = value.get<std::string>();
    } else if (value.is_boolean() || value.is_number()) {
      inputs[key] = value.dump();
    }
  }
  // A field left out is read as a form sends it: a yes/no field as false,
  // any other as empty; so a condition on it does not hold by default
  // (`urgent: "true"` is not met by a request that does not say).
  for (const sop::CampaignType& type : sop.campaign_types) {
    if (type.id != campaign_type) continue;
    const sop::Form* form = sop.FindForm(type.form);
    if (form == nullptr) break;
    for (const sop::FormField& field : form->fields) {
      if (inputs.count(field.id) > 0) continue;
      inputs[field.id] = field.type == sop::FieldType::kBoolean ? "false" : "";
    }
  }
  if (sop.budget && inputs.count("budget_band") == 0) {
    // No budget, no band: a test on the band does not hold.
    inputs["budget_band"] = "";
    auto amount = values.find(sop.budget->field);
    if (amount != values.end() && amount->is_number()) {
      for (const sop::BudgetBand& band : sop.budget->bands) {
        if (!band.below || amount->get<double>() < *band.below) {
          inputs["budget_band"] = band.id;
          break;
        }
      }
    }
  }
  return inputs;
}

ApprovalInputs ApprovalFacts(const sop::Definition& sop,
                             const std::string& campaign_type,
                             const Json& values) {
  const sop::Case inputs = CaseFacts(sop, campaign_type, values);
  ApprovalInputs out;
  out.campaign_type = campaign_type;
  if (auto it = inputs.find("budget_band"); it != inputs.end()) {
    out.budget_band = it->second;
  }
  out.channels = ChannelsOf(values);
  return out;
}

bool HoldsForAnyChannel(const sop::Condition& condition, const sop::Case& facts,
                        const std::vector<std::string>& channels) {
  // Only the inputs the condition tests, so a campaign's many facts are not
  // copied for each channel.
  sop::Case tested;
  for (const auto& [input, test] : condition.tests) {
    if (input == "channel") continue;
    if (auto it = facts.find(input); it != facts.end())
      tested[input] = it->second;
  }
  if (channels.empty()) {
    tested["channel"] = "";
    return sop::Holds(condition, tested);
  }
  return std::any_of(channels.begin(), channels.end(),
                     [&](const std::string& channel) {
                       tested["channel"] = channel;
                       return sop::Holds(condition, tested);
                     });
}

std::vector<std::string> ChannelsOf(const Json& values) {
  std::vector<std::string> out;
  if (!values.is_object()) return out;
  for (const char* key : {"channels", "channel"}) {
    auto it = values.find(key);
    if (it == values.end()) continue;
    if (it->is_array()) {
      for (const Json& c : *it) {
        if (c.is_string()) out.push_back(c.get<std::string>());
      }
    } else if (it->is_string()) {
      out.push_back(it->get<std::string>());
    }
  }
  return out;
}

std::optional<double> BudgetIn(const sop::Definition& sop, const Json& values) {
  if (!sop.budget || sop.budget->field.empty() || !values.is_object()) {
    return std::nullopt;
  }
  auto found = values.find(sop.budget->field);
  if (found == values.end()) return std::nullopt;
  if (found->is_number()) return found->get<double>();
  if (found->is_string()) {
    // A form may carry the amount as text ("75000000").
    const std::string& text = found->get_ref<const std::string&>();
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    if (end != text.c_str() && *end == '\0' && std::isfinite(value)) {
      return value;
    }
  }
  return std::nullopt;
}

WorkCalendar DefaultCalendar(const sop::Definition& sop) {
  const sop::BusinessCalendar* calendar =
      sop.calendar ? sop.FindCalendar(sop.calendar->default_calendar) : nullptr;
  if (calendar == nullptr && !sop.calendars.empty()) {
    calendar = &sop.calendars.front();
  }
  if (calendar != nullptr) {
    std::vector<std::string> holidays;
    for (const sop::Holiday& h : calendar->holidays) holidays.push_back(h.date);
    Result<WorkCalendar> made =
        WorkCalendar::Make(calendar->timezone, calendar->working_days,
                           calendar->working_hours, holidays);
    if (made.ok()) return std::move(*made);
  }
  Result<WorkCalendar> fallback = WorkCalendar::Make("UTC", {}, {}, {});
  return std::move(*fallback);  // UTC with the defaults always builds
}

Calendars::Calendars(const sop::Definition& sop) {
  calendars_.push_back(DefaultCalendar(sop));
  const sop::BusinessCalendar* first =
      sop.calendar ? sop.FindCalendar(sop.calendar->default_calendar) : nullptr;
  if (first == nullptr && !sop.calendars.empty())
    first = &sop.calendars.front();
  ids_.push_back(first != nullptr ? first->id : "");
  for (const sop::BusinessCalendar& c : sop.calendars) {
    if (first != nullptr && c.id == first->id) {
      by_id_.emplace(c.id, 0);
      continue;
    }
    std::vector<std::string> holidays;
    for (const sop::Holiday& h : c.holidays) holidays.push_back(h.date);
    Result<WorkCalendar> made = WorkCalendar::Make(c.timezone, c.working_days,
                                                   c.working_hours, holidays);
    if (!made.ok()) continue;
    by_id_.emplace(c.id, calendars_.size());
    calendars_.push_back(std::move(*made));
    ids_.push_back(c.id);
  }
  std::unordered_map<std::string, size_t> by_team;
  for (const sop::Team& t : sop.teams) {
    if (!t.calendar.empty()) by_team.emplace(t.id, Index(by_id_, t.calendar));
  }
  for (const sop::Role& r : sop.roles) {
    by_role_.emplace(r.id, Index(by_team, r.team));
  }
  for (const sop::Person& p : sop.people) {
    by_person_.emplace(p.id, p.calendar.empty() ? Index(by_team, p.team)
                                                : Index(by_id_, p.calendar));
  }
}

size_t Calendars::Index(const std::unordered_map<std::string, size_t>& map,
                        const std::string& key) const {
  auto it = map.find(key);
  return it == map.end() ? 0 : it->second;
}

const WorkCalendar& Calendars::OfPerson(const std::string& person) const {
  return calendars_[Index(by_person_, person)];
}

const WorkCalendar& Calendars::OfRole(const std::string& role) const {
  return calendars_[Index(by_role_, role)];
}

const WorkCalendar& Calendars::ById(const std::string& id) const {
  return calendars_[Index(by_id_, id)];
}

const std::string& Calendars::IdOfPerson(const std::string& person) const {
  return ids_[Index(by_person_, person)];
}

AddBusinessTime BusinessTimeOn(const WorkCalendar& calendar) {
  return [&calendar](int64_t start, const sop::BusinessDuration& d) {
    using Unit = sop::BusinessDuration::Unit;
    switch (d.unit) {
      case Unit::kDays:
        return calendar.AddWorkingDays(start, d.amount);
      case Unit::kWeeks:
        return calendar.AddWorkingDays(start, d.amount * 5);
      default:
        return calendar.AddWorkingMinutes(
            start, d.Minutes(calendar.MinutesPerWorkingDay()));
    }
  };
}

}  // namespace livesop::engine

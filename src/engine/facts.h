// The facts about a campaign that the SOP's conditions read, and the
// business calendar its times are counted on. Shared by the engine, the
// route preview and the intake checks, so a request is judged the same way
// before and after it is submitted.
#ifndef LIVESOP_ENGINE_FACTS_H_
#define LIVESOP_ENGINE_FACTS_H_

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/calendar.h"
#include "core/status.h"
#include "engine/approvals.h"
#include "engine/intake.h"
#include "sop/condition.h"
#include "sop/model.h"

namespace livesop::engine {

// Campaign type `id` of `sop`. InvalidArgument naming the types the SOP
// has (and the closest) when there is none.
Result<const sop::CampaignType*> CampaignTypeOf(const sop::Definition& sop,
                                                const std::string& id);

// What gateways read: `campaign_type`, every scalar form value as text
// (numbers and booleans as their JSON text; a field of the type's form left
// out as "false" for yes/no fields, else ""), and `budget_band`, the band of
// the SOP's budget field the budget falls in.
sop::Case CaseFacts(const sop::Definition& sop,
                    const std::string& campaign_type,
                    const nlohmann::json& values);

// What approval matrices read: the type, the budget band, and the
// campaign's channels (the `channels` field, a list, or `channel`).
ApprovalInputs ApprovalFacts(const sop::Definition& sop,
                             const std::string& campaign_type,
                             const nlohmann::json& values);

// Whether `condition` holds for a campaign with `facts`, reading `channel`
// as any of `channels` (as approval matrices and checklist items do); a
// campaign without channels is judged with an empty channel.
bool HoldsForAnyChannel(const sop::Condition& condition, const sop::Case& facts,
                        const std::vector<std::string>& channels);

// The campaign's channels: the `channels` field (a list), or `channel`.
std::vector<std::string> ChannelsOf(const nlohmann::json& values);

// A campaign's budget: its form value of `sop`'s budget field (a number,
// or a number written as text); nullopt when the SOP names no budget field
// or the form has no such number.
std::optional<double> BudgetIn(const sop::Definition& sop,
                               const nlohmann::json& values);

// The SOP's default business calendar (`calendar.default_calendar`, else
// its first calendar), or Monday to Friday 09:00-17:00 UTC when it names
// none or the one named cannot be built.
WorkCalendar DefaultCalendar(const sop::Definition& sop);

// The business calendars of an SOP and whose is whose: a person's own
// (`people[].calendar`), else their team's (`teams[].calendar`), else the
// default; a role's is its team's, else the default. A calendar that
// cannot be built (an unknown zone) counts as the default. Immutable.
class Calendars {
 public:
  explicit Calendars(const sop::Definition& sop);

  const WorkCalendar& Default() const { return calendars_.front(); }
  const WorkCalendar& OfPerson(const std::string& person) const;
  const WorkCalendar& OfRole(const std::string& role) const;
  // The calendar with SOP id `id`; the default for an unknown id.
  const WorkCalendar& ById(const std::string& id) const;
  // The SOP id of a person's calendar (the default's id, possibly empty,
  // when they have none of their own).
  const std::string& IdOfPerson(const std::string& person) const;

 private:
  size_t Index(const std::unordered_map<std::string, size_t>& map,
               const std::string& key) const;

  std::vector<WorkCalendar> calendars_;  // the default first
  std::vector<std::string> ids_;         // parallel to calendars_
  std::unordered_map<std::string, size_t> by_id_, by_person_, by_role_;
};

// Adds a business duration on `calendar`: `d` in working days, `w` as five
// working days, `h` and `m` in working minutes. `calendar` must outlive the
// function returned.
AddBusinessTime BusinessTimeOn(const WorkCalendar& calendar);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_FACTS_H_

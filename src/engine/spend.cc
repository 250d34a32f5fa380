// Spend against a campaign's budget, and the budget constraint it raises:
// the seed's "Budget constraints → escalate to Finance Ops".
#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "engine/facts.h"
#include "engine/internal/context.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

// Money as people write it: no more than two decimals, no exponent.
std::string Money(double amount) {
  char text[64];
  std::snprintf(text, sizeof text, "%.2f", amount);
  std::string out = text;
  if (out.ends_with(".00")) out.resize(out.size() - 3);
  return out;
}

}  // namespace

std::optional<double> Engine::BudgetOf(const CampaignState& state) const {
  return BudgetIn(Pinned(state), *state.values);
}

Result<CampaignState> Engine::RecordSpend(const std::string& campaign,
                                          const std::string& actor,
                                          double amount,
                                          const std::string& note) {
  return Run(campaign, "spend", [&](Context& context) -> Status {
    context.actor = actor;
    LIVESOP_RETURN_IF_ERROR(Open(context, false));
    if (!std::isfinite(amount) || amount == 0) {
      return InvalidArgumentError(
          "a spend needs an amount other than 0 (negative for a refund or a "
          "correction)");
    }
    if (note.size() > 2000) {
      return InvalidArgumentError(
          "a spend's note holds at most 2,000 characters");
    }
    const sop::Definition& sop = Pinned(context.state);
    const std::vector<const sop::EscalationRule*> rules =
        Watching("budget_exceeded", context.state, sop::Step{});
    // The campaign's owner, the process owner's role, and whoever a budget
    // escalation goes to (Finance Ops) keep the campaign's books.
    bool allowed = actor == context.state.owner ||
                   (context.graph->process != nullptr &&
                    Holds(actor, context.graph->process->owner));
    for (const sop::EscalationRule* rule : rules) {
      for (const sop::EscalationLevel& level : rule->levels) {
        allowed = allowed || level.to == actor || Holds(actor, level.to);
      }
    }
    if (sop_.FindPerson(actor) == nullptr) {
      return PermissionDeniedError("\"" + actor +
                                   "\" is not a person of the SOP");
    }
    if (!allowed) {
      return PermissionDeniedError(
          actor + " may not record spend on campaign " + campaign +
          ": its owner, the process owner's role or Finance Ops may");
    }
    const std::string currency = sop.budget ? sop.budget->currency : "";
    const double before = context.state.spent;
    const double total = before + amount;
    LIVESOP_RETURN_IF_ERROR(Add(
        context, "spend_recorded",
        std::string(amount < 0 ? "Refund recorded" : "Spend recorded"), "", "",
        {{"amount", amount},
         {"currency", currency},
         {"total", total},
         {"note", note}}));
    const std::optional<double> budget = BudgetOf(context.state);
    // Over the budget now and not before, or still over it while no budget
    // escalation is open (the last one was acknowledged, and more went out).
    if (!budget || total <= *budget || amount <= 0) return OkStatus();
    bool open = false;
    for (const sop::EscalationRule* rule : rules) {
      open = open || context.state.timers.count(campaign + "#" + rule->id) > 0;
    }
    if (open) return OkStatus();
    LIVESOP_RETURN_IF_ERROR(
        Add(context, "budget_exceeded", "Budget exceeded", "", "",
            {{"budget", *budget},
             {"spent", total},
             {"over", total - *budget},
             {"currency", currency},
             {"reason", "spend of " + Money(total) +
                            (currency.empty() ? "" : " " + currency) +
                            " is over the budget of " + Money(*budget) +
                            (currency.empty() ? "" : " " + currency) + " by " +
                            Money(total - *budget)}}));
    for (const sop::EscalationRule* rule : rules) {
      LIVESOP_RETURN_IF_ERROR(
          OpenEscalation(context, *rule, campaign, "", context.now,
                         {{"budget", *budget}, {"spent", total}}));
    }
    return OkStatus();
  });
}

}  // namespace livesop::engine

// One engine command's working state: the campaign's state as the command
// changes it, and the events it will append. Shared by the files that
// implement Engine's commands.
#ifndef LIVESOP_ENGINE_INTERNAL_CONTEXT_H_
#define LIVESOP_ENGINE_INTERNAL_CONTEXT_H_

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/engine.h"
#include "sop/graph.h"
#include "store/store.h"

namespace livesop::engine {

// Approvals and reviews: the steps someone decides on.
inline bool IsDecided(const sop::Step& step) {
  return step.type == sop::StepType::kApproval ||
         step.type == sop::StepType::kReview;
}

struct Engine::Context {
  CampaignState state;
  std::vector<store::Event> events;
  const sop::ProcessGraph* graph = nullptr;
  std::string command;  // "complete", "skip", ...: named in refusals
  std::string actor;    // who gives the command
  int64_t now = 0;
  std::string idempotency_key;
  // While set, the events added are marked as this departure: its kind as
  // their deviation, its reason and source, and its evidence in the
  // payload.
  const Departure* departure = nullptr;
  std::string deviation;
  // While set, the events added have this resource and time instead of the
  // actor and now (an approval someone gave elsewhere, earlier).
  std::string resource;
  int64_t time_us = 0;
  std::string source;
  // While set (side paths), MayApprove keeps the roles deciding each
  // approval or review here, by step: a campaign's facts do not change
  // while side entries are recorded on it.
  std::unordered_map<std::string, std::vector<std::string>>* decider_roles =
      nullptr;

  // Clears the marks above for its lifetime: what a departure leads to
  // (the next steps' tasks, approvers no longer asked) is ordinary work.
  class Plain {
   public:
    explicit Plain(Context& context)
        : context_(context),
          departure_(std::exchange(context.departure, nullptr)),
          deviation_(std::exchange(context.deviation, {})),
          resource_(std::exchange(context.resource, {})),
          time_us_(std::exchange(context.time_us, 0)),
          source_(std::exchange(context.source, {})) {}
    ~Plain() {
      context_.departure = departure_;
      context_.deviation = std::move(deviation_);
      context_.resource = std::move(resource_);
      context_.time_us = time_us_;
      context_.source = std::move(source_);
    }
    Plain(const Plain&) = delete;
    Plain& operator=(const Plain&) = delete;

   private:
    Context& context_;
    const Departure* departure_;
    std::string deviation_;
    std::string resource_;
    int64_t time_us_;
    std::string source_;
  };
};

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_INTERNAL_CONTEXT_H_

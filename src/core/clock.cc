#include "core/clock.h"

#include <chrono>

namespace livesop {
namespace {

class RealClock final : public Clock {
 public:
  int64_t NowMicros() const override {
    return std::chrono::floor<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

Clock& SystemClock() {
  // Never destroyed, so threads still running during static destruction can
  // keep reading it.
  static Clock& clock = *new RealClock();
  return clock;
}

}  // namespace livesop

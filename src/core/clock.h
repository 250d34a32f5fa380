// The clock livesop reads "now" from. The engine never asks the operating
// system for the time itself: it is handed a Clock, so that production uses
// the real one and tests move a FakeClock forward instead of sleeping.
#ifndef LIVESOP_CORE_CLOCK_H_
#define LIVESOP_CORE_CLOCK_H_

#include <atomic>
#include <cstdint>

namespace livesop {

// A source of the current instant. Implementations are thread-safe: one
// clock is shared by every thread of a process.
class Clock {
 public:
  virtual ~Clock() = default;

  // Returns the current instant in microseconds since the Unix epoch (UTC),
  // the unit of core/time.h. Never fails.
  virtual int64_t NowMicros() const = 0;
};

// Returns the process-wide clock backed by the operating system's real-time
// clock (std::chrono::system_clock). It lives for the whole program, so
// callers may keep the reference. Like the system clock it can step
// backwards when the host's time is corrected; callers measuring durations
// must tolerate that. Thread-safe.
Clock& SystemClock();

// A clock that moves only when told to, for tests. Thread-safe: Set and
// Advance may race with NowMicros on other threads.
class FakeClock final : public Clock {
 public:
  // Starts at `now_micros` (microseconds since the Unix epoch).
  explicit FakeClock(int64_t now_micros) : now_(now_micros) {}

  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;

  // Returns the instant last set or reached by advancing.
  int64_t NowMicros() const override { return now_.load(); }

  // Moves the clock to `now_micros`, forwards or backwards.
  void Set(int64_t now_micros) { now_.store(now_micros); }

  // Moves the clock by `delta_micros` (negative moves it back) and returns
  // the new instant. Concurrent advances all take effect.
  int64_t Advance(int64_t delta_micros) {
    return now_.fetch_add(delta_micros) + delta_micros;
  }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace livesop

#endif  // LIVESOP_CORE_CLOCK_H_

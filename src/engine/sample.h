// A complete, valid request for a campaign type, built from its form: every
// field filled in (optional ones too), dates placed so the request passes
// the intake checks at the given time. For examples in the manual and the
// web app, the simulated department, tests and benchmarks.
#ifndef LIVESOP_ENGINE_SAMPLE_H_
#define LIVESOP_ENGINE_SAMPLE_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "core/calendar.h"
#include "sop/model.h"

namespace livesop::engine {

// Text fields get "Sample FIELD" (or a value matching their pattern for the
// example's patterned fields), numbers their minimum, choices their first
// option, people the SOP's first person, files a URL, booleans false. The
// launch date is the first day, nine weeks or more after `now_us`, on which
// the request passes CheckRequest on `calendar` (clear of lead times, date
// rules and freeze periods); other dates follow it. An unknown campaign type
// gives an empty object.
nlohmann::json SampleRequest(const sop::Definition& sop,
                             const std::string& campaign_type, int64_t now_us,
                             const WorkCalendar& calendar);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_SAMPLE_H_

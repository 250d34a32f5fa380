// Timestamps on the readers' hot path: the text of a date normalised with
// as little work as possible, giving exactly what ParseTimestamp and
// FormatTimestamp (core/time.h) give.
#ifndef LIVESOP_EVENTLOG_INTERNAL_TIMESTAMP_H_
#define LIVESOP_EVENTLOG_INTERNAL_TIMESTAMP_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace livesop::eventlog::internal {

// Parses the shape nearly every XES file writes,
// `YYYY-MM-DDTHH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]` (`T` or a space), into
// microseconds since the epoch. Returns false for anything else, including
// invalid dates and times: the caller then falls back to ParseTimestamp,
// which accepts more and explains what is wrong. When it returns true,
// `micros` is what ParseTimestamp(text) gives.
bool ParseCommonTimestamp(std::string_view text, int64_t& micros);

// Replaces the content of `out` with FormatTimestamp(micros), reusing its
// buffer.
void FormatTimestampInto(int64_t micros, std::string& out);

// Sets `out` to the normal form of the date `text` (FormatTimestamp of
// ParseTimestamp). Returns ParseTimestamp's error, `out` unspecified, when
// the text is not a date.
Status NormaliseTimestamp(std::string_view text, std::string& out);

}  // namespace livesop::eventlog::internal

#endif  // LIVESOP_EVENTLOG_INTERNAL_TIMESTAMP_H_

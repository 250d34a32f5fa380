// Public holidays read from a file a business calendar names in
// `holidays_from` (docs/formats/sop.md): iCalendar (RFC 5545), as holiday
// calendars are published, or YAML.
#ifndef LIVESOP_SOP_HOLIDAYS_H_
#define LIVESOP_SOP_HOLIDAYS_H_

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "sop/model.h"

namespace livesop::sop {

struct HolidayFileResult {
  std::vector<Holiday> holidays;  // in the file's order, expanded
  DiagnosticList diagnostics;     // each naming `name` and a line
};

// Reads holidays from `text`, the content of the file `name`, by its
// extension:
// - `.ics`: every VEVENT is a holiday on its DTSTART's date (a date-time
//   counts for its date as written), through the day before DTEND for
//   events of several days, named by its SUMMARY; an RRULE repeats it
//   (unbounded rules up to 30 years), EXDATE dates are left out. Other
//   components are ignored.
// - `.yaml` / `.yml`: a list of `{date, name}`, or a map whose `holidays`
//   key holds that list.
// Problems (not iCalendar or YAML, a VEVENT without a date, a date that is
// not real, an unknown extension) are errors naming the line; holidays read
// before and after a bad one are kept. Never throws.
HolidayFileResult ParseHolidayFile(const std::string& text,
                                   const std::string& name);

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_HOLIDAYS_H_

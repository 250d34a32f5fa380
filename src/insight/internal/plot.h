// Charts for the audit's HTML report, drawn by gnuplot (Debian's
// gnuplot-nox) as SVG: the program is run on a script written to a
// temporary file, its standard output read back.
#ifndef LIVESOP_INSIGHT_INTERNAL_PLOT_H_
#define LIVESOP_INSIGHT_INTERNAL_PLOT_H_

#include <string>

#include "core/status.h"

namespace livesop::insight::internal {

// Runs gnuplot on `script`, which must set an SVG terminal and plot, and
// returns the `<svg` element it printed. Unavailable when gnuplot cannot
// be run (not installed: `apt-get install gnuplot-nox`); Internal with its
// messages when it fails.
Result<std::string> RunGnuplot(const std::string& script);

// `text` safe inside a gnuplot string and as SVG text: letters, digits,
// space and ". _ - : / %" kept, anything else "?".
std::string PlotLabel(const std::string& text);

}  // namespace livesop::insight::internal

#endif  // LIVESOP_INSIGHT_INTERNAL_PLOT_H_

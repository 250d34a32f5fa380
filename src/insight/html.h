// The audit as one self-contained HTML file (docs/audit.md#the-html-report):
// the six answers with charts, each process with its maturity, findings,
// steps, the process map of what happened beside the documented one, the
// drift of the documented path with its change points, the approval
// matrix against who decided, and an appendix with every campaign a
// finding names, which the findings link to. No script; styles inline.
#ifndef LIVESOP_INSIGHT_HTML_H_
#define LIVESOP_INSIGHT_HTML_H_

#include <string>

#include "core/status.h"
#include "insight/audit.h"
#include "insight/history.h"
#include "sop/model.h"

namespace livesop::insight {

// Renders the report of `audit`, made from `history` against `sop`.
// Errors: Unavailable when gnuplot, which draws the charts, cannot be run;
// Internal when it or Graphviz fails.
Result<std::string> AuditToHtml(const Audit& audit, const History& history,
                                const sop::Definition& sop);

}  // namespace livesop::insight

#endif  // LIVESOP_INSIGHT_HTML_H_

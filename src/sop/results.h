// The metrics a campaign's channel results are imported as, and how a KPI
// is computed from them (docs/results.md). The SOP's validator and the
// engine's import share this list, so a KPI names only metrics an import
// can fill.
#ifndef LIVESOP_SOP_RESULTS_H_
#define LIVESOP_SOP_RESULTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace livesop::sop {

// One metric of channel results.
struct ResultMetric {
  std::string id;    // "spend", "impressions", ...
  std::string name;  // "Spend", as reports show it
  // Header names of channel exports (Meta Ads, Google Ads, TikTok, email
  // platforms, analytics) recognised as this metric, compared ignoring
  // case, spaces, '_', '-' and a trailing "(IDR)"-style unit.
  std::vector<std::string> aliases;
};

// Every metric, in the order reports list them.
const std::vector<ResultMetric>& ResultMetrics();

// The metric `id`; nullptr when there is none.
const ResultMetric* FindResultMetric(std::string_view id);

// A KPI's measure: one metric, or the ratio of two.
struct ResultMeasure {
  std::string numerator;
  std::string denominator;  // empty: the metric alone
};

// Reads "leads" or "spend / conversions". InvalidArgument naming what is
// wrong and listing the metrics.
Result<ResultMeasure> ParseMeasure(std::string_view text);

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_RESULTS_H_

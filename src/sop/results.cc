#include "sop/results.h"

#include <string>
#include <vector>

#include "core/text.h"

namespace livesop::sop {

const std::vector<ResultMetric>& ResultMetrics() {
  static const std::vector<ResultMetric> metrics = {
      {"spend",
       "Spend",
       {"spend", "amount spent", "cost", "spent", "media cost",
        "budget spent"}},
      {"impressions", "Impressions", {"impressions", "impr", "impr."}},
      {"reach", "Reach", {"reach", "unique reach", "people reached"}},
      {"clicks",
       "Clicks",
       {"clicks", "link clicks", "clicks (all)", "total clicks"}},
      {"conversions",
       "Conversions",
       {"conversions", "results", "purchases", "orders", "all conv."}},
      {"leads", "Leads", {"leads", "qualified leads", "sign-ups", "signups"}},
      {"revenue",
       "Revenue",
       {"revenue", "conversion value", "purchase conversion value", "sales",
        "conv. value"}},
      {"video_views", "Video views", {"video views", "views", "thruplays"}},
      {"video_completions",
       "Video completions",
       {"video completions", "video plays at 100%", "completed views"}},
      {"emails_sent", "Emails sent", {"emails sent", "sent", "delivered"}},
      {"opens", "Opens", {"opens", "unique opens", "email opens"}},
  };
  return metrics;
}

const ResultMetric* FindResultMetric(std::string_view id) {
  for (const ResultMetric& metric : ResultMetrics()) {
    if (metric.id == id) return &metric;
  }
  return nullptr;
}

namespace {

std::string MetricList() {
  std::vector<std::string> ids;
  for (const ResultMetric& metric : ResultMetrics()) ids.push_back(metric.id);
  return Join(ids, ", ");
}

Status CheckMetric(const std::string& id, std::string_view text) {
  if (FindResultMetric(id) != nullptr) return OkStatus();
  return InvalidArgumentError(
      "the measure \"" + std::string(text) + "\" " +
      (id.empty() ? std::string("lacks a metric")
                  : "names \"" + id + "\", which is not a metric") +
      "; a measure is a metric or two divided (\"spend / conversions\"), of " +
      MetricList());
}

}  // namespace

Result<ResultMeasure> ParseMeasure(std::string_view text) {
  ResultMeasure measure;
  const size_t slash = text.find('/');
  measure.numerator = Trim(text.substr(0, slash));
  if (slash != std::string_view::npos) {
    measure.denominator = Trim(text.substr(slash + 1));
    LIVESOP_RETURN_IF_ERROR(CheckMetric(measure.denominator, text));
  }
  LIVESOP_RETURN_IF_ERROR(CheckMetric(measure.numerator, text));
  return measure;
}

}  // namespace livesop::sop

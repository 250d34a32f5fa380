#include "engine/sample.h"

#include <map>

#include "core/time.h"
#include "engine/facts.h"
#include "engine/intake.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

constexpr int64_t kDay = int64_t{24} * 3600 * 1'000'000;

std::string Day(int64_t at) { return FormatTimestamp(at).substr(0, 10); }

// Values for the patterned fields of the example department.
std::string PatternedSample(const sop::FormField& field) {
  static const std::map<std::string, std::string> kKnown = {
      {"campaign_code", "MKT-2026-001"},
      {"cost_center", "CC-1234"},
      {"finance_reference", "FIN-123456"},
  };
  auto it = kKnown.find(field.id);
  return it != kKnown.end() ? it->second : "Sample " + field.id;
}

Json Fill(const sop::Definition& sop, const sop::Form& form,
          const std::string& type, int64_t now, int64_t launch) {
  const std::map<std::string, std::string> dates = {
      {"brief_date", Day(now)},
      {"launch_date", Day(launch)},
      {"end_date", Day(launch + 30 * kDay)},
      {"event_date", Day(launch + 21 * kDay)},
  };
  Json values = Json::object();
  for (const sop::FormField& f : form.fields) {
    switch (f.type) {
      case sop::FieldType::kText:
      case sop::FieldType::kLongText:
        values[f.id] =
            f.pattern.empty() ? "Sample " + f.id : PatternedSample(f);
        break;
      case sop::FieldType::kNumber:
      case sop::FieldType::kMoney:
        values[f.id] = f.min ? *f.min : (f.max ? *f.max : 1.0);
        break;
      case sop::FieldType::kDate:
        values[f.id] =
            dates.count(f.id) != 0 ? dates.at(f.id) : Day(now + 14 * kDay);
        break;
      case sop::FieldType::kChoice:
        values[f.id] = f.id == "campaign_type" ? type : f.options.front();
        break;
      case sop::FieldType::kMultiChoice: {
        Json chosen = Json::array();
        const size_t count = f.min ? static_cast<size_t>(*f.min) : 1;
        for (size_t i = 0; i < count && i < f.options.size(); ++i) {
          chosen.push_back(f.options[i]);
        }
        values[f.id] = chosen;
        break;
      }
      case sop::FieldType::kFile:
        values[f.id] = "https://files.example.com/" + f.id + ".pdf";
        break;
      case sop::FieldType::kPerson:
        values[f.id] = sop.people.empty() ? "" : sop.people.front().id;
        break;
      case sop::FieldType::kBoolean:
        values[f.id] = false;
        break;
    }
  }
  return values;
}

}  // namespace

Json SampleRequest(const sop::Definition& sop, const std::string& campaign_type,
                   int64_t now_us, const WorkCalendar& calendar) {
  const sop::CampaignType* type = nullptr;
  for (const sop::CampaignType& t : sop.campaign_types) {
    if (t.id == campaign_type) type = &t;
  }
  const sop::Form* form = type != nullptr ? sop.FindForm(type->form) : nullptr;
  if (form == nullptr) return Json::object();
  Json values;
  for (int day = 63; day < 63 + 366; ++day) {
    values = Fill(sop, *form, campaign_type, now_us, now_us + day * kDay);
    if (CheckRequest(sop, campaign_type, values, now_us,
                     BusinessTimeOn(calendar))
            .ok()) {
      break;
    }
  }
  return values;
}

}  // namespace livesop::engine

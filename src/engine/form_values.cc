#include "engine/form_values.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>

#include "core/text.h"
#include "engine/facts.h"

namespace livesop::engine {
namespace {

using Json = nlohmann::json;

// The whole of `text` as a number: an integer when it is one that fits,
// else a finite double; nullopt otherwise.
std::optional<Json> ParseNumber(std::string_view text) {
  if (text.starts_with('+')) text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  const char* end = text.data() + text.size();
  int64_t integer = 0;
  auto [int_end, int_error] = std::from_chars(text.data(), end, integer);
  if (int_error == std::errc() && int_end == end) return Json(integer);
  double real = 0;
  auto [real_end, real_error] = std::from_chars(text.data(), end, real);
  if (real_error == std::errc() && real_end == end && std::isfinite(real)) {
    return Json(real);
  }
  return std::nullopt;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  if (lower == "true" || lower == "yes") return true;
  if (lower == "false" || lower == "no") return false;
  return std::nullopt;
}

Json SplitList(std::string_view text) {
  Json items = Json::array();
  while (true) {
    const size_t comma = text.find(',');
    const std::string_view item = Trim(text.substr(0, comma));
    if (!item.empty()) items.push_back(std::string(item));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

Result<Json> Convert(const sop::FormField& field, const std::string& text) {
  const std::string_view trimmed = Trim(text);
  if (trimmed.empty()) return Json(nullptr);
  const std::string type = sop::FieldTypeName(field.type);
  switch (field.type) {
    case sop::FieldType::kNumber:
    case sop::FieldType::kMoney:
      if (std::optional<Json> number = ParseNumber(trimmed)) return *number;
      return InvalidArgumentError(
          "field \"" + field.id + "\" (" + type +
          ") takes a number written with digits, such as 75000000 or 2.5, "
          "not \"" +
          text + "\"");
    case sop::FieldType::kBoolean:
      if (std::optional<bool> value = ParseBoolean(trimmed))
        return Json(*value);
      return InvalidArgumentError("field \"" + field.id +
                                  "\" (boolean) takes true, false, yes or "
                                  "no, not \"" +
                                  text + "\"");
    case sop::FieldType::kMultiChoice:
      return SplitList(trimmed);
    default:
      return Json(text);
  }
}

}  // namespace

Result<nlohmann::json> FormValuesFromText(const sop::Definition& sop,
                                          const std::string& campaign_type,
                                          const std::vector<FieldText>& texts) {
  LIVESOP_ASSIGN_OR_RETURN(const sop::CampaignType* type,
                           CampaignTypeOf(sop, campaign_type));
  const sop::Form* form = sop.FindForm(type->form);
  if (form == nullptr) {
    return FailedPreconditionError("campaign type " + campaign_type +
                                   " names form \"" + type->form +
                                   "\", which the SOP does not have");
  }
  Json values = Json::object();
  for (const FieldText& given : texts) {
    const sop::FormField* field = nullptr;
    std::vector<std::string> known;
    for (const sop::FormField& f : form->fields) {
      known.push_back(f.id);
      if (f.id == given.field) field = &f;
    }
    if (field == nullptr) {
      const std::string close = ClosestMatch(given.field, known);
      return InvalidArgumentError(
          "unknown field \"" + given.field + "\" for campaign type " +
          campaign_type + " (form " + form->id + ")" +
          (close.empty() ? "" : "; did you mean \"" + close + "\"?") +
          "; the fields are " + Join(known, ", "));
    }
    LIVESOP_ASSIGN_OR_RETURN(Json value, Convert(*field, given.text));
    values[field->id] = std::move(value);
  }
  return values;
}

}  // namespace livesop::engine

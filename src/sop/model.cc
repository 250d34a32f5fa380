#include "sop/model.h"

#include <algorithm>

namespace livesop::sop {
namespace {

template <typename T>
const T* FindById(const std::vector<T>& items, const std::string& id) {
  auto it = std::find_if(items.begin(), items.end(),
                         [&](const T& item) { return item.id == id; });
  return it == items.end() ? nullptr : &*it;
}

}  // namespace

SourceLocation LocationOf(const KeyLocations& at, const std::string& key,
                          const SourceLocation& fallback) {
  auto it = at.find(key);
  return it == at.end() ? fallback : it->second;
}

std::string BusinessDuration::ToString() const {
  if (!text.empty()) return text;
  const char* letter = "d";
  switch (unit) {
    case Unit::kMinutes:
      letter = "m";
      break;
    case Unit::kHours:
      letter = "h";
      break;
    case Unit::kDays:
      letter = "d";
      break;
    case Unit::kWeeks:
      letter = "w";
      break;
  }
  return std::to_string(amount) + letter;
}

int64_t BusinessDuration::Minutes(int64_t minutes_per_day) const {
  switch (unit) {
    case Unit::kMinutes:
      return amount;
    case Unit::kHours:
      return amount * 60;
    case Unit::kDays:
      return amount * minutes_per_day;
    case Unit::kWeeks:
      return amount * 5 * minutes_per_day;
  }
  return amount;
}

const Role* Definition::FindRole(const std::string& id) const {
  return FindById(roles, id);
}
const Person* Definition::FindPerson(const std::string& id) const {
  return FindById(people, id);
}
const Process* Definition::FindProcess(const std::string& id) const {
  return FindById(processes, id);
}
const Form* Definition::FindForm(const std::string& id) const {
  return FindById(forms, id);
}
const Template* Definition::FindTemplate(const std::string& id) const {
  return FindById(templates, id);
}
const Checklist* Definition::FindChecklist(const std::string& id) const {
  return FindById(checklists, id);
}
const ApprovalMatrix* Definition::FindMatrix(const std::string& id) const {
  return FindById(approval_matrices, id);
}
const BusinessCalendar* Definition::FindCalendar(const std::string& id) const {
  return FindById(calendars, id);
}

const char* StepTypeName(StepType type) {
  switch (type) {
    case StepType::kTask:
      return "task";
    case StepType::kApproval:
      return "approval";
    case StepType::kReview:
      return "review";
    case StepType::kChecklist:
      return "checklist";
    case StepType::kNotification:
      return "notification";
    case StepType::kWait:
      return "wait";
    case StepType::kExclusive:
      return "exclusive";
    case StepType::kParallel:
      return "parallel";
    case StepType::kJoin:
      return "join";
    case StepType::kEnd:
      return "end";
  }
  return "task";
}

const char* CategoryName(Category category) {
  return category == Category::kRevenueFacing ? "revenue-facing"
                                              : "efficiency-facing";
}

const char* HitPolicyName(HitPolicy policy) {
  switch (policy) {
    case HitPolicy::kUnique:
      return "unique";
    case HitPolicy::kFirst:
      return "first";
    case HitPolicy::kCollect:
      return "collect";
  }
  return "unique";
}

const char* FieldTypeName(FieldType type) {
  switch (type) {
    case FieldType::kText:
      return "text";
    case FieldType::kLongText:
      return "long_text";
    case FieldType::kNumber:
      return "number";
    case FieldType::kMoney:
      return "money";
    case FieldType::kDate:
      return "date";
    case FieldType::kChoice:
      return "choice";
    case FieldType::kMultiChoice:
      return "multi_choice";
    case FieldType::kFile:
      return "file";
    case FieldType::kPerson:
      return "person";
    case FieldType::kBoolean:
      return "boolean";
  }
  return "text";
}

std::string QuorumText(Quorum quorum, int count) {
  switch (quorum) {
    case Quorum::kAll:
      return "all";
    case Quorum::kAny:
      return "any";
    case Quorum::kCount:
      return std::to_string(count);
  }
  return "all";
}

}  // namespace livesop::sop

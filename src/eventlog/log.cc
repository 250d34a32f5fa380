#include "eventlog/log.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <numeric>
#include <ostream>
#include <utility>

#include "core/time.h"
#include "eventlog/internal/input_file.h"
#include "eventlog/internal/log_part.h"
#include "eventlog/internal/parallel_xes.h"
#include "eventlog/internal/timestamp.h"
#include "eventlog/xes.h"

namespace livesop::eventlog {
namespace {

constexpr double kNoFloat = std::numeric_limits<double>::quiet_NaN();

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.substr(text.size() - suffix.size()) == suffix;
}

// Which vector of AttributeColumn holds values of `type`.
enum class Storage { kStrings, kInts, kFloats, kComplex };

Storage StorageOf(AttributeType type) {
  switch (type) {
    case AttributeType::kDate:
    case AttributeType::kInt:
    case AttributeType::kBoolean:
      return Storage::kInts;
    case AttributeType::kFloat:
      return Storage::kFloats;
    case AttributeType::kString:
    case AttributeType::kId:
      return Storage::kStrings;
    case AttributeType::kList:
    case AttributeType::kContainer:
      return Storage::kComplex;
  }
  return Storage::kComplex;
}

// The instant of a date's text, or kNoTime. Readers hand over dates in
// FormatTimestamp's form, which the common shape's parser takes.
int64_t ParseTime(std::string_view text) {
  int64_t micros = 0;
  if (internal::ParseCommonTimestamp(text, micros)) return micros;
  Result<int64_t> parsed = ParseTimestamp(text);
  return parsed.ok() ? *parsed : kNoTime;
}

size_t RowsOf(const AttributeColumn& column) {
  switch (StorageOf(column.type)) {
    case Storage::kStrings:
      return column.strings.size();
    case Storage::kInts:
      return column.ints.size();
    case Storage::kFloats:
      return column.floats.size();
    case Storage::kComplex:
      return column.complex.size();
  }
  return 0;
}

void Resize(AttributeColumn& column, size_t rows) {
  switch (StorageOf(column.type)) {
    case Storage::kStrings:
      column.strings.resize(rows, kNoString);
      break;
    case Storage::kInts:
      column.ints.resize(rows, kNoTime);
      break;
    case Storage::kFloats:
      column.floats.resize(rows, kNoFloat);
      break;
    case Storage::kComplex:
      column.complex.resize(rows, kNoString);
      break;
  }
}

template <typename T>
size_t Capacity(const std::vector<T>& v) {
  return v.capacity() * sizeof(T);
}

}  // namespace

StringPool::StringPool(StringPool&& other) noexcept
    : ids_(std::move(other.ids_)),
      blocks_(std::move(other.blocks_)),
      next_(std::exchange(other.next_, nullptr)),
      free_(std::exchange(other.free_, 0)),
      block_bytes_(std::exchange(other.block_bytes_, 0)) {
  other.ids_.Clear();
}

StringPool& StringPool::operator=(StringPool&& other) noexcept {
  if (this != &other) {
    ids_ = std::move(other.ids_);
    blocks_ = std::move(other.blocks_);
    next_ = std::exchange(other.next_, nullptr);
    free_ = std::exchange(other.free_, 0);
    block_bytes_ = std::exchange(other.block_bytes_, 0);
    other.ids_.Clear();
  }
  return *this;
}

std::string_view StringPool::Store(std::string_view text) {
  // Blocks of 64 KiB; a long text gets a block of its own, leaving the
  // free end of the one being filled for the next texts.
  constexpr size_t kBlockBytes = size_t{64} << 10;
  if (text.empty()) return "";
  if (text.size() > kBlockBytes / 4) {
    const std::unique_ptr<char[]>& block = blocks_.emplace_back(
        std::make_unique_for_overwrite<char[]>(text.size()));
    block_bytes_ += text.size();
    std::memcpy(block.get(), text.data(), text.size());
    return {block.get(), text.size()};
  }
  if (text.size() > free_) {
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(kBlockBytes));
    block_bytes_ += kBlockBytes;
    next_ = blocks_.back().get();
    free_ = kBlockBytes;
  }
  std::memcpy(next_, text.data(), text.size());
  const std::string_view stored(next_, text.size());
  next_ += text.size();
  free_ -= text.size();
  return stored;
}

uint32_t StringPool::Intern(std::string_view text) {
  return Intern(text, internal::TextIds::Hash(text));
}

uint32_t StringPool::Intern(std::string_view text, uint32_t hash) {
  bool added = false;
  const uint32_t id = ids_.Intern(text, hash, added);
  if (added) ids_.Repoint(id, Store(text));
  return id;
}

uint32_t StringPool::Find(std::string_view text) const {
  const uint32_t id = ids_.Find(text);
  return id == internal::TextIds::kNone ? kNoString : id;
}

size_t StringPool::MemoryBytes() const {
  return ids_.MemoryBytes() + Capacity(blocks_) + block_bytes_;
}

bool AttributeColumn::Has(size_t row) const {
  switch (StorageOf(type)) {
    case Storage::kStrings:
      return strings[row] != kNoString;
    case Storage::kInts:
      return ints[row] != kNoTime;
    case Storage::kFloats:
      return !std::isnan(floats[row]);
    case Storage::kComplex:
      return complex[row] != kNoString;
  }
  return false;
}

std::string AttributeColumn::Text(size_t row, const EventLog& log) const {
  if (!Has(row)) return "";
  switch (type) {
    case AttributeType::kString:
    case AttributeType::kId:
      return std::string(log.strings()[strings[row]]);
    case AttributeType::kDate:
      return FormatTimestamp(ints[row]);
    case AttributeType::kInt:
      return std::to_string(ints[row]);
    case AttributeType::kBoolean:
      return ints[row] != 0 ? "true" : "false";
    case AttributeType::kFloat: {
      char buffer[32];
      auto [end, error] =
          std::to_chars(buffer, buffer + sizeof(buffer), floats[row]);
      return std::string(buffer, end);
    }
    case AttributeType::kList:
    case AttributeType::kContainer:
      break;
  }
  return log.complex_values()[complex[row]].value;
}

uint32_t EventLog::FindActivity(std::string_view name) const {
  auto found = activity_ids_.find(std::string(name));
  return found == activity_ids_.end() ? kNoString : found->second;
}

const AttributeColumn* EventLog::FindEventColumn(std::string_view key) const {
  for (const AttributeColumn& column : event_columns_) {
    if (column.key == key) return &column;
  }
  return nullptr;
}

const AttributeColumn* EventLog::FindCaseColumn(std::string_view key) const {
  for (const AttributeColumn& column : case_columns_) {
    if (column.key == key) return &column;
  }
  return nullptr;
}

size_t EventLog::MemoryBytes() const {
  size_t bytes = strings_.MemoryBytes() + Capacity(case_ids_) +
                 Capacity(offsets_) + Capacity(activity_) +
                 Capacity(timestamp_) + Capacity(resource_) +
                 Capacity(lifecycle_);
  for (const std::string& name : activities_) bytes += name.capacity();
  for (const auto* columns : {&event_columns_, &case_columns_}) {
    for (const AttributeColumn& column : *columns) {
      bytes += Capacity(column.strings) + Capacity(column.ints) +
               Capacity(column.floats) + Capacity(column.complex);
    }
  }
  return bytes;
}

LogBuilder::LogBuilder(ClassifierSpec classifier) {
  if (classifier.keys.empty()) classifier.keys = ClassifierSpec().keys;
  log_.classifier_ = std::move(classifier);
}

void LogBuilder::SetHeader(const LogHeader& header) { log_.header_ = header; }

uint32_t LogBuilder::ActivityOf(const Event& event) {
  const std::vector<std::string>& keys = log_.classifier_.keys;
  std::string_view name;
  if (keys.size() == 1) {
    name = AttributeValue(event, keys[0]);
  } else {
    scratch_.clear();
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i > 0) scratch_ += '+';
      scratch_ += AttributeValue(event, keys[i]);
    }
    name = scratch_;
  }
  // The lookup needs a std::string key; the scratch buffer avoids a fresh
  // allocation per event.
  if (name.data() != scratch_.data()) scratch_.assign(name);
  auto found = log_.activity_ids_.find(scratch_);
  if (found != log_.activity_ids_.end()) return found->second;
  const auto id = static_cast<uint32_t>(log_.activities_.size());
  log_.activities_.push_back(scratch_);
  log_.activity_ids_.emplace(scratch_, id);
  return id;
}

void LogBuilder::SetColumn(std::vector<AttributeColumn>& columns,
                           std::unordered_map<std::string, size_t>& index,
                           size_t rows_before, const Attribute& attribute,
                           size_t row) {
  auto found = index.find(attribute.key);
  size_t at = 0;
  if (found == index.end()) {
    at = columns.size();
    AttributeColumn& added = columns.emplace_back();
    added.key = attribute.key;
    added.type = attribute.type;
    Resize(added, rows_before);
    index.emplace(attribute.key, at);
  } else {
    at = found->second;
  }
  AttributeColumn& column = columns[at];
  if (RowsOf(column) <= row) Resize(column, row + 1);
  if (column.type != attribute.type) {
    // Rows disagree on the type: the column keeps every value as text.
    if (column.type != AttributeType::kString) {
      AttributeColumn text;
      text.key = column.key;
      text.type = AttributeType::kString;
      text.strings.assign(RowsOf(column), kNoString);
      for (size_t r = 0; r < RowsOf(column); ++r) {
        if (column.Has(r)) {
          text.strings[r] = log_.strings_.Intern(column.Text(r, log_));
        }
      }
      column = std::move(text);
    }
    column.strings[row] = log_.strings_.Intern(attribute.value);
    return;
  }
  switch (attribute.type) {
    case AttributeType::kString:
    case AttributeType::kId:
      column.strings[row] = log_.strings_.Intern(attribute.value);
      return;
    case AttributeType::kDate:
      column.ints[row] = ParseTime(attribute.value);
      return;
    case AttributeType::kBoolean:
      column.ints[row] = attribute.value == "true" || attribute.value == "1";
      return;
    case AttributeType::kInt: {
      char* end = nullptr;
      const long long value = std::strtoll(attribute.value.c_str(), &end, 10);
      column.ints[row] = end != attribute.value.c_str() ? value : kNoTime;
      return;
    }
    case AttributeType::kFloat: {
      char* end = nullptr;
      const double value = std::strtod(attribute.value.c_str(), &end);
      column.floats[row] = end != attribute.value.c_str() ? value : kNoFloat;
      return;
    }
    case AttributeType::kList:
    case AttributeType::kContainer:
      break;
  }
  column.complex[row] = static_cast<uint32_t>(log_.complex_.size());
  log_.complex_.push_back(attribute);
}

void LogBuilder::PadColumns(std::vector<AttributeColumn>& columns,
                            size_t rows) {
  for (AttributeColumn& column : columns) Resize(column, rows);
}

void LogBuilder::AddEvent(const Event& event) {
  const size_t row = log_.activity_.size();
  log_.activity_.push_back(ActivityOf(event));
  int64_t time = kNoTime;
  uint32_t resource = kNoString;
  uint32_t lifecycle = kNoString;
  for (const Attribute& attribute : event) {
    if (attribute.key == kTimestampKey &&
        attribute.type == AttributeType::kDate) {
      if (time == kNoTime) time = ParseTime(attribute.value);
    } else if (attribute.key == kResourceKey) {
      if (resource == kNoString)
        resource = log_.strings_.Intern(attribute.value);
    } else if (attribute.key == kLifecycleKey) {
      if (lifecycle == kNoString) {
        lifecycle = log_.strings_.Intern(attribute.value);
      }
    } else if (attribute.key != kActivityKey) {
      SetColumn(log_.event_columns_, event_column_index_, row, attribute, row);
    }
  }
  log_.timestamp_.push_back(time);
  log_.resource_.push_back(resource);
  log_.lifecycle_.push_back(lifecycle);
}

// internal::LogPartBuilder (below) builds parts by the same rules as
// AddTrace, AddEvent, ActivityOf and SetColumn; they change together.
void LogBuilder::AddTrace(const Trace& trace) {
  const size_t c = log_.case_ids_.size();
  std::string_view id = AttributeValue(trace.attributes, kActivityKey);
  std::string numbered;
  if (id.empty() && FindAttribute(trace.attributes, kActivityKey) == nullptr) {
    numbered = "case " + std::to_string(c + 1);
    id = numbered;
  }
  log_.case_ids_.push_back(log_.strings_.Intern(id));
  for (const Attribute& attribute : trace.attributes) {
    if (attribute.key == kActivityKey) continue;
    SetColumn(log_.case_columns_, case_column_index_, c, attribute, c);
  }
  for (const Event& event : trace.events) AddEvent(event);
  log_.offsets_.push_back(static_cast<uint32_t>(log_.activity_.size()));
}

bool LogBuilder::AddPart(internal::LogPart& part) {
  if (!part.mergeable) return false;
  const auto same_types =
      [](const std::vector<AttributeColumn>& columns,
         const std::unordered_map<std::string, size_t>& index,
         const std::vector<AttributeColumn>& incoming) {
        for (const AttributeColumn& column : incoming) {
          auto found = index.find(column.key);
          if (found != index.end() &&
              columns[found->second].type != column.type) {
            return false;
          }
        }
        return true;
      };
  if (!same_types(log_.event_columns_, event_column_index_,
                  part.event_columns) ||
      !same_types(log_.case_columns_, case_column_index_, part.case_columns)) {
    return false;
  }
  // The part numbered its strings and activities in the order AddTrace
  // would have met them, so interning them in that order gives the ids
  // AddTrace would have given.
  const std::vector<std::string_view>& texts = part.strings.texts();
  const std::vector<uint32_t>& hashes = part.strings.hashes();
  string_ids_.resize(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    string_ids_[i] = log_.strings_.Intern(texts[i], hashes[i]);
  }
  const std::vector<std::string_view>& names = part.activities.texts();
  activity_ids_.resize(names.size());
  for (size_t i = 0; i < names.size(); ++i) {
    scratch_.assign(names[i]);
    auto [at, added] = log_.activity_ids_.try_emplace(
        scratch_, static_cast<uint32_t>(log_.activities_.size()));
    if (added) log_.activities_.push_back(scratch_);
    activity_ids_[i] = at->second;
  }

  const size_t cases_before = log_.case_ids_.size();
  const size_t events_before = log_.activity_.size();
  const size_t complex_before = log_.complex_.size();
  const auto string_id = [this](uint32_t id) {
    return id == kNoString ? kNoString : string_ids_[id];
  };
  const size_t cases = part.case_ids.size();
  const size_t events = part.activity.size();
  log_.case_ids_.resize(cases_before + cases);
  log_.offsets_.resize(cases_before + 1 + cases);
  for (size_t c = 0; c < cases; ++c) {
    log_.case_ids_[cases_before + c] = string_ids_[part.case_ids[c]];
    log_.offsets_[cases_before + 1 + c] =
        static_cast<uint32_t>(events_before + part.case_ends[c]);
  }
  log_.activity_.resize(events_before + events);
  log_.resource_.resize(events_before + events);
  log_.lifecycle_.resize(events_before + events);
  for (size_t e = 0; e < events; ++e) {
    log_.activity_[events_before + e] = activity_ids_[part.activity[e]];
    log_.resource_[events_before + e] = string_id(part.resource[e]);
    log_.lifecycle_[events_before + e] = string_id(part.lifecycle[e]);
  }
  log_.timestamp_.insert(log_.timestamp_.end(), part.timestamp.begin(),
                         part.timestamp.end());
  MergeColumns(log_.event_columns_, event_column_index_, events_before,
               part.event_columns, complex_before);
  MergeColumns(log_.case_columns_, case_column_index_, cases_before,
               part.case_columns, complex_before);
  std::move(part.complex.begin(), part.complex.end(),
            std::back_inserter(log_.complex_));
  return true;
}

void LogBuilder::MergeColumns(std::vector<AttributeColumn>& columns,
                              std::unordered_map<std::string, size_t>& index,
                              size_t rows_before,
                              const std::vector<AttributeColumn>& from,
                              size_t complex_before) {
  for (const AttributeColumn& incoming : from) {
    auto [found, added] = index.try_emplace(incoming.key, columns.size());
    if (added) {
      AttributeColumn& column = columns.emplace_back();
      column.key = incoming.key;
      column.type = incoming.type;
    }
    AttributeColumn& column = columns[found->second];
    Resize(column, rows_before);
    switch (StorageOf(column.type)) {
      case Storage::kStrings:
        for (uint32_t id : incoming.strings) {
          column.strings.push_back(id == kNoString ? kNoString
                                                   : string_ids_[id]);
        }
        break;
      case Storage::kInts:
        column.ints.insert(column.ints.end(), incoming.ints.begin(),
                           incoming.ints.end());
        break;
      case Storage::kFloats:
        column.floats.insert(column.floats.end(), incoming.floats.begin(),
                             incoming.floats.end());
        break;
      case Storage::kComplex:
        for (uint32_t at : incoming.complex) {
          column.complex.push_back(
              at == kNoString ? kNoString
                              : static_cast<uint32_t>(complex_before + at));
        }
        break;
    }
  }
}

void LogBuilder::AddRow(std::string_view case_id, const Event& event) {
  auto [at, added] =
      row_case_.try_emplace(std::string(case_id), row_events_.size());
  if (added) {
    row_events_.emplace_back();
    row_case_ids_.emplace_back(case_id);
  }
  Event& kept = row_events_[at->second].emplace_back();
  for (const Attribute& attribute : event) {
    if (attribute.key != kCaseIdKey) kept.push_back(attribute);
  }
}

EventLog LogBuilder::Finish() {
  Trace trace;
  for (size_t i = 0; i < row_events_.size(); ++i) {
    trace.attributes = {Attribute{std::string(kActivityKey),
                                  AttributeType::kString, row_case_ids_[i]}};
    trace.events = std::move(row_events_[i]);
    AddTrace(trace);
  }
  row_events_.clear();
  row_case_ids_.clear();
  row_case_.clear();
  PadColumns(log_.event_columns_, log_.activity_.size());
  PadColumns(log_.case_columns_, log_.case_ids_.size());
  if (sort_by_time_) {
    std::vector<uint32_t> order;
    for (size_t c = 0; c < log_.num_cases(); ++c) {
      const uint32_t begin = log_.offsets_[c];
      const uint32_t end = log_.offsets_[c + 1];
      order.resize(end - begin);
      std::iota(order.begin(), order.end(), begin);
      // Events without a time keep their place among the timed ones by
      // taking the time of the event before them.
      std::vector<int64_t> key(end - begin);
      int64_t last = std::numeric_limits<int64_t>::min();
      for (uint32_t e = begin; e < end; ++e) {
        if (log_.timestamp_[e] != kNoTime) last = log_.timestamp_[e];
        key[e - begin] = last;
      }
      if (std::is_sorted(key.begin(), key.end())) continue;
      std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return key[a - begin] < key[b - begin];
      });
      auto permute = [&](auto& values) {
        using T = typename std::decay_t<decltype(values)>::value_type;
        std::vector<T> copy(order.size());
        for (size_t i = 0; i < order.size(); ++i) copy[i] = values[order[i]];
        std::copy(copy.begin(), copy.end(), values.begin() + begin);
      };
      permute(log_.activity_);
      permute(log_.timestamp_);
      permute(log_.resource_);
      permute(log_.lifecycle_);
      for (AttributeColumn& column : log_.event_columns_) {
        if (!column.strings.empty()) permute(column.strings);
        if (!column.ints.empty()) permute(column.ints);
        if (!column.floats.empty()) permute(column.floats);
        if (!column.complex.empty()) permute(column.complex);
      }
    }
  }
  EventLog built = std::move(log_);
  log_ = EventLog();
  log_.classifier_ = built.classifier_;
  event_column_index_.clear();
  case_column_index_.clear();
  return built;
}

namespace internal {
namespace {

// The first attribute with `key`, or nullptr.
const AttributeView* Find(std::span<const AttributeView> attributes,
                          std::string_view key) {
  for (const AttributeView& attribute : attributes) {
    if (attribute.key == key) return &attribute;
  }
  return nullptr;
}

// ParseTimestamp(FormatTimestamp(t)) == t for t in the years 0000-9999
// (core/time.h): from 0000-01-01 to 10000-01-01, exclusive.
constexpr int64_t kFirstExactTime = -62'167'219'200'000'000;
constexpr int64_t kEndExactTime = 253'402'300'800'000'000;

}  // namespace

LogPartBuilder::LogPartBuilder(ClassifierSpec classifier)
    : classifier_(std::move(classifier)) {
  if (classifier_.keys.empty()) classifier_.keys = ClassifierSpec().keys;
}

void LogPartBuilder::Start(LogPart& part) {
  part_ = &part;
  part.strings.Clear();
  part.activities.Clear();
  part.case_ids.clear();
  part.case_ends.clear();
  part.activity.clear();
  part.timestamp.clear();
  part.resource.clear();
  part.lifecycle.clear();
  part.event_columns.clear();
  part.case_columns.clear();
  part.complex.clear();
  part.mergeable = true;
  part.kept.clear();
  event_column_index_.clear();
  case_column_index_.clear();
}

std::string_view LogPartBuilder::Keep(std::string_view text) {
  return part_->kept.emplace_back(text);
}

std::string_view LogPartBuilder::TextOf(const AttributeView& attribute) {
  if (attribute.type != AttributeType::kDate) return attribute.text;
  FormatTimestampInto(attribute.time, scratch_);
  return Keep(scratch_);
}

int64_t LogPartBuilder::TimeOf(const AttributeView& attribute) {
  // LogBuilder reads the time back from the date's text, which keeps the
  // instant in the years FormatTimestamp writes with four digits.
  if (attribute.time >= kFirstExactTime && attribute.time < kEndExactTime) {
    return attribute.time;
  }
  return ParseTime(FormatTimestamp(attribute.time));
}

uint32_t LogPartBuilder::ActivityOf(std::span<const AttributeView> event) {
  const std::vector<std::string>& keys = classifier_.keys;
  if (keys.size() == 1) {
    const AttributeView* found = Find(event, keys[0]);
    return part_->activities.Intern(found != nullptr ? TextOf(*found)
                                                     : std::string_view(""));
  }
  joined_.clear();
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) joined_ += '+';
    const AttributeView* found = Find(event, keys[i]);
    if (found != nullptr) joined_ += TextOf(*found);
  }
  bool added = false;
  const uint32_t id = part_->activities.Intern(joined_, added);
  if (added) part_->activities.Repoint(id, Keep(joined_));
  return id;
}

void LogPartBuilder::SetColumn(
    std::vector<AttributeColumn>& columns,
    std::unordered_map<std::string_view, uint32_t>& index,
    std::vector<uint32_t>& hints, size_t position,
    const AttributeView& attribute, size_t row) {
  if (hints.size() <= position) hints.resize(position + 1, kNoString);
  uint32_t at = hints[position];
  if (at >= columns.size() || columns[at].key != attribute.key) {
    auto found = index.find(attribute.key);
    if (found == index.end()) {
      at = static_cast<uint32_t>(columns.size());
      AttributeColumn& added = columns.emplace_back();
      added.key = attribute.key;
      added.type = attribute.type;
      Resize(added, row);
      index.emplace(attribute.key, at);
    } else {
      at = found->second;
    }
    hints[position] = at;
  }
  AttributeColumn& column = columns[at];
  if (column.type != attribute.type) {
    // LogBuilder turns the column into text from here on, interning the
    // earlier rows' texts between this part's strings.
    part_->mergeable = false;
    return;
  }
  if (RowsOf(column) <= row) Resize(column, row + 1);
  const std::string_view text = attribute.text;
  switch (attribute.type) {
    case AttributeType::kString:
    case AttributeType::kId:
      column.strings[row] = part_->strings.Intern(text);
      return;
    case AttributeType::kDate:
      column.ints[row] = TimeOf(attribute);
      return;
    case AttributeType::kBoolean:
      column.ints[row] = text == "true" || text == "1";
      return;
    case AttributeType::kInt: {
      char* end = nullptr;
      const long long value = std::strtoll(text.data(), &end, 10);
      column.ints[row] = end != text.data() ? value : kNoTime;
      return;
    }
    case AttributeType::kFloat: {
      char* end = nullptr;
      const double value = std::strtod(text.data(), &end);
      column.floats[row] = end != text.data() ? value : kNoFloat;
      return;
    }
    case AttributeType::kList:
    case AttributeType::kContainer:
      break;
  }
  column.complex[row] = static_cast<uint32_t>(part_->complex.size());
  part_->complex.push_back(*attribute.whole);
}

void LogPartBuilder::BeginTrace(std::span<const AttributeView> attributes) {
  LogPart& part = *part_;
  if (!part.mergeable) return;
  const AttributeView* id = Find(attributes, kActivityKey);
  if (id == nullptr) {
    // LogBuilder numbers it by its place in the whole log.
    part.mergeable = false;
    return;
  }
  const size_t c = part.case_ids.size();
  part.case_ids.push_back(part.strings.Intern(TextOf(*id)));
  for (size_t i = 0; i < attributes.size(); ++i) {
    if (attributes[i].key == kActivityKey) continue;
    SetColumn(part.case_columns, case_column_index_, case_hints_, i,
              attributes[i], c);
  }
}

void LogPartBuilder::AddEvent(std::span<const AttributeView> attributes) {
  LogPart& part = *part_;
  if (!part.mergeable) return;
  const size_t row = part.activity.size();
  part.activity.push_back(ActivityOf(attributes));
  int64_t time = kNoTime;
  uint32_t resource = kNoString;
  uint32_t lifecycle = kNoString;
  for (size_t i = 0; i < attributes.size(); ++i) {
    const AttributeView& attribute = attributes[i];
    if (attribute.key == kTimestampKey &&
        attribute.type == AttributeType::kDate) {
      if (time == kNoTime) time = TimeOf(attribute);
    } else if (attribute.key == kResourceKey) {
      if (resource == kNoString) {
        resource = part.strings.Intern(TextOf(attribute));
      }
    } else if (attribute.key == kLifecycleKey) {
      if (lifecycle == kNoString) {
        lifecycle = part.strings.Intern(TextOf(attribute));
      }
    } else if (attribute.key != kActivityKey) {
      SetColumn(part.event_columns, event_column_index_, event_hints_, i,
                attribute, row);
    }
  }
  part.timestamp.push_back(time);
  part.resource.push_back(resource);
  part.lifecycle.push_back(lifecycle);
}

void LogPartBuilder::EndTrace() {
  if (!part_->mergeable) return;
  part_->case_ends.push_back(static_cast<uint32_t>(part_->activity.size()));
}

}  // namespace internal

namespace {

class BuildingXesVisitor final : public XesVisitor {
 public:
  explicit BuildingXesVisitor(LogBuilder& builder) : builder_(builder) {}
  Status OnLog(const LogHeader& header) override {
    builder_.SetHeader(header);
    return OkStatus();
  }
  Status OnTrace(const Trace& trace) override {
    builder_.AddTrace(trace);
    return OkStatus();
  }

 private:
  LogBuilder& builder_;
};

class BuildingCsvVisitor final : public CsvVisitor {
 public:
  explicit BuildingCsvVisitor(LogBuilder& builder) : builder_(builder) {}
  Status OnRow(int64_t /*line*/, const Event& event) override {
    builder_.AddRow(AttributeValue(event, kCaseIdKey), event);
    return OkStatus();
  }

 private:
  LogBuilder& builder_;
};

}  // namespace

Result<EventLog> ReadLog(const std::string& path,
                         const ReadLogOptions& options) {
  LogBuilder builder(options.classifier);
  if (options.sort_by_time) builder.SortByTime();
  if (EndsWith(path, ".csv") || EndsWith(path, ".csv.gz")) {
    BuildingCsvVisitor visitor(builder);
    LIVESOP_RETURN_IF_ERROR(ReadCsv(path, options.csv, visitor));
    return builder.Finish();
  }
  {
    LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<internal::InputFile> file,
                             internal::InputFile::Open(path));
    if (internal::ReadLogParallel(*file, builder,
                                  {.threads = options.threads})) {
      return builder.Finish();
    }
  }
  // The fast path gave up: the streaming reader reads the file exactly, or
  // names the file and line of what is wrong.
  LogBuilder exact(options.classifier);
  if (options.sort_by_time) exact.SortByTime();
  BuildingXesVisitor visitor(exact);
  LIVESOP_RETURN_IF_ERROR(ReadXes(path, visitor));
  return exact.Finish();
}

Status WriteXesLog(const EventLog& log, std::ostream& out) {
  XesWriter writer(out);
  LIVESOP_RETURN_IF_ERROR(writer.Begin(log.header()));
  std::vector<Attribute> attributes;
  Event event;
  auto add_columns = [&log](const std::vector<AttributeColumn>& columns,
                            size_t row, std::vector<Attribute>& into) {
    for (const AttributeColumn& column : columns) {
      if (!column.Has(row)) continue;
      if (StorageOf(column.type) == Storage::kComplex) {
        into.push_back(log.complex_values()[column.complex[row]]);
      } else {
        into.push_back({column.key, column.type, column.Text(row, log)});
      }
    }
  };
  const bool plain_classifier = log.classifier().keys.size() == 1 &&
                                log.classifier().keys[0] == kActivityKey;
  for (size_t c = 0; c < log.num_cases(); ++c) {
    attributes.clear();
    attributes.push_back({std::string(kActivityKey), AttributeType::kString,
                          std::string(log.case_id(c))});
    add_columns(log.case_columns(), c, attributes);
    LIVESOP_RETURN_IF_ERROR(writer.BeginTrace(attributes));
    for (size_t e = log.case_begin(c); e < log.case_end(c); ++e) {
      event.clear();
      if (plain_classifier) {
        event.push_back({std::string(kActivityKey), AttributeType::kString,
                         log.activities()[log.activity()[e]]});
      }
      if (log.timestamp()[e] != kNoTime) {
        event.push_back({std::string(kTimestampKey), AttributeType::kDate,
                         FormatTimestamp(log.timestamp()[e])});
      }
      if (log.resource()[e] != kNoString) {
        event.push_back({std::string(kResourceKey), AttributeType::kString,
                         std::string(log.strings()[log.resource()[e]])});
      }
      if (log.lifecycle()[e] != kNoString) {
        event.push_back({std::string(kLifecycleKey), AttributeType::kString,
                         std::string(log.strings()[log.lifecycle()[e]])});
      }
      add_columns(log.event_columns(), e, event);
      LIVESOP_RETURN_IF_ERROR(writer.WriteEvent(event));
    }
    LIVESOP_RETURN_IF_ERROR(writer.EndTrace());
  }
  return writer.Finish();
}

LogView::LogView(const EventLog& log) : log_(&log) {
  cases_.resize(log.num_cases());
  std::iota(cases_.begin(), cases_.end(), 0U);
}

LogView::LogView(const EventLog& log, std::vector<uint32_t> cases)
    : log_(&log), cases_(std::move(cases)) {}

size_t LogView::num_events() const {
  size_t events = 0;
  for (uint32_t c : cases_) events += log_->case_size(c);
  return events;
}

std::vector<Variant> Variants(const LogView& view) {
  struct SpanHash {
    size_t operator()(std::span<const uint32_t> s) const {
      uint64_t h = 1469598103934665603ULL;
      for (uint32_t a : s) h = (h ^ a) * 1099511628211ULL;
      return static_cast<size_t>(h ^ (h >> 29));
    }
  };
  struct SpanEq {
    bool operator()(std::span<const uint32_t> a,
                    std::span<const uint32_t> b) const {
      return std::equal(a.begin(), a.end(), b.begin(), b.end());
    }
  };
  const EventLog& log = view.log();
  std::unordered_map<std::span<const uint32_t>, size_t, SpanHash, SpanEq> ids;
  std::vector<Variant> variants;
  for (uint32_t c : view.cases()) {
    auto [at, added] = ids.try_emplace(log.trace(c), variants.size());
    if (added) {
      Variant& v = variants.emplace_back();
      v.activities.assign(log.trace(c).begin(), log.trace(c).end());
    }
    variants[at->second].cases.push_back(c);
  }
  std::stable_sort(variants.begin(), variants.end(),
                   [](const Variant& a, const Variant& b) {
                     return a.cases.size() > b.cases.size();
                   });
  return variants;
}

}  // namespace livesop::eventlog

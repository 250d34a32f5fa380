#include <csv.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eventlog/csv.h"

namespace livesop::eventlog {
namespace {

// Whether `field` must be quoted to read back as itself here and in
// spreadsheet programs: it holds the delimiter, a quote or a line break, or
// starts or ends with white space, which some readers trim.
bool NeedsQuotes(std::string_view field, char delimiter) {
  if (field.empty()) return false;
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') return true;
  }
  const auto space = [](char c) { return c == ' ' || c == '\t'; };
  return space(field.front()) || space(field.back());
}

}  // namespace

CsvWriter::CsvWriter(std::ostream& out, std::vector<std::string> columns,
                     char delimiter)
    : out_(out), columns_(std::move(columns)), delimiter_(delimiter) {}

Status CsvWriter::Expect(Stage expected, const char* call) {
  if (!failed_.ok()) return failed_;
  if (stage_ != expected) {
    static constexpr const char* kStageNames[] = {"before Begin", "",
                                                  "after Finish"};
    failed_ =
        FailedPreconditionError(std::string("CsvWriter::") + call + " called " +
                                kStageNames[static_cast<int>(stage_)]);
    return failed_;
  }
  return OkStatus();
}

Status CsvWriter::WriteLine(const std::vector<std::string>& fields) {
  line_.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) line_ += delimiter_;
    const std::string& field = fields[i];
    // A lone empty field would make an empty line, which readers skip.
    if (NeedsQuotes(field, delimiter_) ||
        (fields.size() == 1 && field.empty())) {
      const size_t at = line_.size();
      const size_t needed = csv_write(nullptr, 0, field.data(), field.size());
      line_.resize(at + needed);
      csv_write(line_.data() + at, needed, field.data(), field.size());
    } else {
      line_ += field;
    }
  }
  line_ += '\n';
  out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  if (!out_) {
    failed_ = UnavailableError("cannot write CSV: the output stream failed");
    return failed_;
  }
  return OkStatus();
}

Status CsvWriter::Begin() {
  LIVESOP_RETURN_IF_ERROR(Expect(Stage::kNew, "Begin"));
  if (delimiter_ == '"' || delimiter_ == '\n' || delimiter_ == '\r' ||
      delimiter_ == '\0') {
    failed_ = FailedPreconditionError(
        "CsvWriter: the delimiter cannot be a quote, a line break or NUL");
    return failed_;
  }
  stage_ = Stage::kWriting;
  return WriteLine(columns_);
}

Status CsvWriter::WriteRow(const std::vector<std::string>& fields) {
  LIVESOP_RETURN_IF_ERROR(Expect(Stage::kWriting, "WriteRow"));
  if (fields.size() != columns_.size()) {
    return InvalidArgumentError(
        "CsvWriter::WriteRow: " + std::to_string(fields.size()) +
        " fields, but the header has " + std::to_string(columns_.size()) +
        " columns");
  }
  return WriteLine(fields);
}

Status CsvWriter::WriteEvent(const Event& event) {
  return WriteEvent({}, event);
}

Status CsvWriter::WriteEvent(const std::vector<Attribute>& trace_attributes,
                             const Event& event) {
  LIVESOP_RETURN_IF_ERROR(Expect(Stage::kWriting, "WriteEvent"));
  constexpr std::string_view kCasePrefix = "case:";
  fields_.resize(columns_.size());
  for (size_t i = 0; i < columns_.size(); ++i) {
    const std::string_view column = columns_[i];
    const Attribute* attribute = FindAttribute(event, column);
    if (attribute == nullptr &&
        column.substr(0, kCasePrefix.size()) == kCasePrefix) {
      attribute =
          FindAttribute(trace_attributes, column.substr(kCasePrefix.size()));
    }
    if (attribute != nullptr) {
      fields_[i] = attribute->value;
    } else {
      fields_[i].clear();
    }
  }
  return WriteLine(fields_);
}

Status CsvWriter::Finish() {
  LIVESOP_RETURN_IF_ERROR(Expect(Stage::kWriting, "Finish"));
  stage_ = Stage::kFinished;
  out_.flush();
  if (!out_) {
    failed_ = UnavailableError("cannot write CSV: the output stream failed");
    return failed_;
  }
  return OkStatus();
}

}  // namespace livesop::eventlog

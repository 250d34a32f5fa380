// ReadCsv: libcsv tokenises (RFC 4180 quoting); this file counts lines,
// maps the header and turns rows into events.
#include <csv.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/text.h"
#include "eventlog/csv.h"
#include "eventlog/internal/input_file.h"
#include "eventlog/internal/readers.h"
#include "eventlog/internal/timestamp.h"
#include "eventlog/internal/timestamp_format.h"

namespace livesop::eventlog {
namespace {

// A quoted field left open swallows the rest of the file into one field;
// stopping here keeps the memory bounded and the error readable.
constexpr size_t kMaxFieldBytes = size_t{64} << 20;

// How far ahead the header line is looked for when detecting the delimiter.
constexpr size_t kMaxHeaderScan = size_t{1} << 20;

constexpr size_t kChunkBytes = size_t{64} << 10;

// The timestamp format is detected from the first kSampleCells non-empty
// timestamps; the rows they are on wait until it is known. A column left
// mostly empty (require_timestamp = false) stops the wait after
// kMaxSampleRows rows.
constexpr size_t kSampleCells = 1000;
constexpr size_t kMaxSampleRows = 10'000;

// One standard attribute a column can map to.
struct Role {
  std::string_view key;
  std::string_view what;  // for messages
  std::string CsvOptions::*option;
  std::array<std::string_view, 4> aliases;  // empty entries unused
};

// In the order attributes are delivered (csv.h, CsvVisitor::OnRow).
constexpr size_t kCase = 0;
constexpr size_t kActivity = 1;
constexpr size_t kTimestamp = 2;
constexpr std::array<Role, 6> kRoles = {{
    {kCaseIdKey,
     "case id",
     &CsvOptions::case_column,
     {"case:concept:name", "case_id", "case", "caseid"}},
    {kActivityKey,
     "activity",
     &CsvOptions::activity_column,
     {"concept:name", "activity"}},
    {kTimestampKey,
     "timestamp",
     &CsvOptions::timestamp_column,
     {"time:timestamp", "timestamp", "time"}},
    {kResourceKey,
     "resource",
     &CsvOptions::resource_column,
     {"org:resource", "resource"}},
    {kRoleKey, "role", &CsvOptions::role_column, {"org:role", "role"}},
    {kLifecycleKey,
     "lifecycle",
     &CsvOptions::lifecycle_column,
     {"lifecycle:transition", "lifecycle"}},
}};

// A header name reduced for matching: lower case, without spaces,
// underscores and hyphens, so "Case ID", "case_id" and "CaseId" are one.
std::string MatchKey(std::string_view name) {
  std::string key;
  for (char c : name) {
    if (c == ' ' || c == '_' || c == '-' || c == '\t') continue;
    key += c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
  }
  return key;
}

std::string Quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

std::string QuotedList(const std::vector<std::string>& names) {
  std::vector<std::string> quoted;
  quoted.reserve(names.size());
  for (const std::string& name : names) quoted.push_back(Quoted(name));
  return quoted.empty() ? "(none)" : Join(quoted, ", ");
}

// The most frequent of ',', ';' and tab outside quotes in `line`; ',' when
// none occurs or on a tie with it.
char DetectDelimiter(std::string_view line) {
  size_t commas = 0;
  size_t semicolons = 0;
  size_t tabs = 0;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == ',') ++commas;
    if (c == ';') ++semicolons;
    if (c == '\t') ++tabs;
  }
  if (semicolons > commas && semicolons >= tabs) return ';';
  if (tabs > commas && tabs > semicolons) return '\t';
  return ',';
}

Status CheckDelimiter(const std::string& path, const CsvOptions& options) {
  if (options.delimiter == '"' || options.delimiter == '\n' ||
      options.delimiter == '\r') {
    return InvalidArgumentError(
        "cannot read " + path +
        ": the delimiter cannot be a quote or a line break");
  }
  return OkStatus();
}

// Cells are data as written: no white space is dropped around fields.
int NeverSpace(unsigned char /*c*/) { return 0; }

// What the tokenizer hands on: each row, with the line it starts on.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // Called once, before the first row, with the delimiter in use.
  virtual void OnStart(char /*delimiter*/) {}
  // The row's first `count` cells are in `fields`; the sink may change
  // them. A non-OK status stops the read.
  virtual Status OnRow(int64_t line, std::vector<std::string>& fields,
                       size_t count) = 0;
  // Delivers rows the sink held back; called before an error of the
  // tokenizer ends the read, so errors come in file order, and at the end.
  virtual Status Flush() { return OkStatus(); }
};

// Splits a CSV file into rows with libcsv, counting lines so that every
// row knows the line it starts on.
class CsvTokenizer {
 public:
  CsvTokenizer(internal::ByteSource& file, char delimiter, RowSink& sink)
      : file_(file), delimiter_(delimiter), sink_(sink) {}

  ~CsvTokenizer() {
    if (initialised_) csv_free(&parser_);
  }
  CsvTokenizer(const CsvTokenizer&) = delete;
  CsvTokenizer& operator=(const CsvTokenizer&) = delete;

  Status Run() {
    if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) {
      return ResourceExhaustedError("cannot read " + file_.path() +
                                    ": out of memory");
    }
    initialised_ = true;
    csv_set_space_func(&parser_, &NeverSpace);

    // The start of the file, up to the end of the header line, decides the
    // delimiter before libcsv sees a byte.
    std::string start;
    std::vector<char> chunk(kChunkBytes);
    bool at_end = false;
    while (start.find('\n') == std::string::npos &&
           start.size() < kMaxHeaderScan && !at_end) {
      LIVESOP_ASSIGN_OR_RETURN(size_t n,
                               file_.Read(chunk.data(), chunk.size()));
      start.append(chunk.data(), n);
      at_end = n == 0;
    }
    std::string_view text = start;
    if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
    if (delimiter_ == '\0') {
      std::string_view first_line =
          text.substr(std::min(text.find_first_not_of("\r\n"), text.size()));
      first_line = first_line.substr(0, first_line.find('\n'));
      delimiter_ = DetectDelimiter(first_line);
    }
    csv_set_delim(&parser_, static_cast<unsigned char>(delimiter_));
    sink_.OnStart(delimiter_);

    LIVESOP_RETURN_IF_ERROR(Feed(text));
    while (!at_end) {
      LIVESOP_ASSIGN_OR_RETURN(size_t n,
                               file_.Read(chunk.data(), chunk.size()));
      at_end = n == 0;
      LIVESOP_RETURN_IF_ERROR(Feed(std::string_view(chunk.data(), n)));
    }
    const int64_t open_quote_line = row_line_ != 0 ? row_line_ : line_;
    if (csv_fini(&parser_, &CsvTokenizer::OnField, &CsvTokenizer::OnRowEnd,
                 this) != 0) {
      LIVESOP_RETURN_IF_ERROR(status_);
      LIVESOP_RETURN_IF_ERROR(sink_.Flush());
      return Error(open_quote_line,
                   "a quoted field is not closed by the end of the file");
    }
    LIVESOP_RETURN_IF_ERROR(status_);
    if (rows_ == 0)
      return Error(1, "the file is empty; expected a header line");
    return sink_.Flush();
  }

 private:
  // Passes `data` to libcsv one line at a time, so that every row knows the
  // line it starts on.
  Status Feed(std::string_view data) {
    while (!data.empty()) {
      const size_t newline = data.find('\n');
      const size_t length =
          newline == std::string_view::npos ? data.size() : newline + 1;
      const std::string_view segment = data.substr(0, length);
      // Between rows, the first byte that is not a line break starts the
      // next row; libcsv skips empty lines, and so must the count.
      if (row_line_ == 0 &&
          segment.find_first_not_of("\r\n") != std::string_view::npos) {
        row_line_ = line_;
      }
      const size_t parsed =
          csv_parse(&parser_, segment.data(), segment.size(),
                    &CsvTokenizer::OnField, &CsvTokenizer::OnRowEnd, this);
      LIVESOP_RETURN_IF_ERROR(status_);
      if (parsed != segment.size() ||
          csv_get_buffer_size(&parser_) > kMaxFieldBytes) {
        // The rows before the mistake come first, as they would have
        // without the sample.
        LIVESOP_RETURN_IF_ERROR(sink_.Flush());
      }
      if (parsed != segment.size()) {
        if (csv_error(&parser_) == CSV_EPARSE) {
          return Error(line_,
                       "a quote inside an unquoted field, or text after a "
                       "closing quote; a field holding quotes must be quoted "
                       "whole, with its quotes doubled (RFC 4180)");
        }
        // CSV_ENOMEM or CSV_ETOOBIG: the field outgrew memory.
        return ResourceExhaustedError(file_.path() + ":" +
                                      std::to_string(line_) + ": " +
                                      csv_strerror(csv_error(&parser_)));
      }
      if (csv_get_buffer_size(&parser_) > kMaxFieldBytes) {
        return Error(row_line_,
                     "a field is longer than 64 MiB; is a quote "
                     "left open?");
      }
      if (newline != std::string_view::npos) ++line_;
      data.remove_prefix(length);
    }
    return OkStatus();
  }

  static void OnField(void* data, size_t size, void* context) {
    auto* self = static_cast<CsvTokenizer*>(context);
    if (!self->status_.ok()) return;
    if (self->field_count_ == self->fields_.size())
      self->fields_.emplace_back();
    std::string& field = self->fields_[self->field_count_++];
    // libcsv passes a null buffer for an empty field before it has
    // allocated one.
    if (data == nullptr) {
      field.clear();
    } else {
      field.assign(static_cast<const char*>(data), size);
    }
  }

  static void OnRowEnd(int /*terminator*/, void* context) {
    auto* self = static_cast<CsvTokenizer*>(context);
    const int64_t line = self->row_line_ != 0 ? self->row_line_ : self->line_;
    self->row_line_ = 0;
    if (!self->status_.ok()) return;
    ++self->rows_;
    self->status_ = self->sink_.OnRow(line, self->fields_, self->field_count_);
    self->field_count_ = 0;
  }

  Status Error(int64_t line, const std::string& what) const {
    return InvalidArgumentError(file_.path() + ":" + std::to_string(line) +
                                ": " + what);
  }

  internal::ByteSource& file_;
  char delimiter_;
  RowSink& sink_;
  csv_parser parser_{};
  bool initialised_ = false;

  int64_t line_ = 1;      // the line being fed to libcsv
  int64_t row_line_ = 0;  // the line the current row started on; 0 between
  int64_t rows_ = 0;      // rows handed on
  Status status_;         // the first error from a callback
  std::vector<std::string> fields_;  // of the current row, reused
  size_t field_count_ = 0;
};

// Turns rows into events: the header mapped to the standard attributes,
// timestamps normalised (their format detected from a sample of rows held
// back until it is known).
class EventRows final : public RowSink {
 public:
  EventRows(const std::string& path, const CsvOptions& options,
            CsvVisitor& visitor)
      : path_(path), options_(options), visitor_(visitor) {}

  void OnStart(char delimiter) override { header_.delimiter = delimiter; }

  Status OnRow(int64_t line, std::vector<std::string>& fields,
               size_t count) override {
    if (!header_seen_) return Header(line, fields, count);
    if (sampling_) return AddToSample(line, fields, count);
    return Row(line, fields, count);
  }

  Status Flush() override { return EndSample(); }

 private:
  Status Error(int64_t line, const std::string& what) const {
    return InvalidArgumentError(path_ + ":" + std::to_string(line) + ": " +
                                what);
  }

  Status ColumnError(int64_t line, size_t column,
                     const std::string& what) const {
    return Error(line,
                 "column " + Quoted(header_.columns[column]) + ": " + what);
  }

  Status Header(int64_t line, const std::vector<std::string>& fields,
                size_t count) {
    header_seen_ = true;
    header_.columns.clear();
    for (size_t i = 0; i < count; ++i) {
      header_.columns.emplace_back(Trim(fields[i]));
    }
    const std::vector<std::string>& columns = header_.columns;
    header_.keys.assign(columns.size(), "");
    role_columns_.fill(std::nullopt);

    for (size_t r = 0; r < kRoles.size(); ++r) {
      const Role& role = kRoles[r];
      const std::string& named = options_.*role.option;
      std::optional<size_t> found;
      if (!named.empty()) {
        for (size_t i = 0; i < columns.size() && !found; ++i) {
          if (MatchKey(columns[i]) == MatchKey(named)) found = i;
        }
        if (!found) {
          return Error(line, "no column " + Quoted(named) + ", named as the " +
                                 std::string(role.what) +
                                 " column; the header has " +
                                 QuotedList(columns));
        }
      } else {
        for (std::string_view alias : role.aliases) {
          for (size_t i = 0; i < columns.size() && !found && !alias.empty();
               ++i) {
            if (MatchKey(columns[i]) == MatchKey(alias)) found = i;
          }
        }
      }
      const bool required = r == kCase || r == kActivity ||
                            (r == kTimestamp && options_.require_timestamp);
      if (!found && required) {
        std::vector<std::string> accepted;
        for (std::string_view alias : role.aliases) {
          if (!alias.empty()) accepted.emplace_back(alias);
        }
        return Error(line, "no " + std::string(role.what) +
                               " column; the header has " +
                               QuotedList(columns) + "; accepted names are " +
                               QuotedList(accepted) +
                               " (ignoring case, spaces, '_' and '-'), or "
                               "name the column in the options");
      }
      if (!found) continue;
      if (!header_.keys[*found].empty()) {
        return Error(line, "column " + Quoted(columns[*found]) +
                               " cannot be both " + header_.keys[*found] +
                               " and " + std::string(role.key));
      }
      header_.keys[*found] = role.key;
      role_columns_[r] = *found;
    }

    extra_columns_.clear();
    for (size_t i = 0; i < columns.size(); ++i) {
      if (!header_.keys[i].empty()) continue;
      // An unnamed column (typically a spreadsheet's or a data frame's row
      // number) cannot become an attribute key.
      if (columns[i].empty()) continue;
      for (size_t r = 0; r < kRoles.size(); ++r) {
        if (role_columns_[r] && columns[i] == kRoles[r].key) {
          return Error(line,
                       "column " + Quoted(columns[i]) + " would repeat the " +
                           std::string(kRoles[r].what) + " taken from column " +
                           Quoted(columns[*role_columns_[r]]) +
                           "; rename one of them");
        }
      }
      for (size_t j : extra_columns_) {
        if (columns[j] == columns[i]) {
          return Error(line, "column " + Quoted(columns[i]) +
                                 " appears twice in the header");
        }
      }
      header_.keys[i] = columns[i];
      extra_columns_.push_back(i);
    }
    if (!role_columns_[kTimestamp]) return visitor_.OnHeader(header_);
    if (!options_.timestamp_format.empty()) {
      header_.timestamp_format = options_.timestamp_format;
      format_ =
          std::make_unique<internal::TimestampFormat>(header_.timestamp_format);
      format_given_ = true;
      return visitor_.OnHeader(header_);
    }
    // OnHeader waits for the sample, so that it can tell the format.
    sampling_ = true;
    return OkStatus();
  }

  // Keeps the current row for later, its timestamp in the sample.
  Status AddToSample(int64_t line, const std::vector<std::string>& fields,
                     size_t count) {
    SampleRow& row = sample_rows_.emplace_back();
    row.line = line;
    row.fields.assign(fields.begin(),
                      fields.begin() + static_cast<ptrdiff_t>(count));
    const size_t column = *role_columns_[kTimestamp];
    if (column < count && !fields[column].empty()) ++sample_cells_;
    if (sample_cells_ >= kSampleCells ||
        sample_rows_.size() >= kMaxSampleRows) {
      return EndSample();
    }
    return OkStatus();
  }

  // Detects the timestamp format from the sample, calls OnHeader and then
  // Row for every row kept. Does nothing when not sampling.
  Status EndSample() {
    if (!sampling_) return OkStatus();
    sampling_ = false;
    const size_t column = *role_columns_[kTimestamp];
    std::vector<std::string_view> cells;
    for (const SampleRow& row : sample_rows_) {
      if (column < row.fields.size() && !row.fields[column].empty()) {
        cells.emplace_back(row.fields[column]);
      }
    }
    if (!cells.empty()) DetectFormat(cells);
    LIVESOP_RETURN_IF_ERROR(visitor_.OnHeader(header_));
    std::vector<SampleRow> rows = std::move(sample_rows_);
    sample_rows_.clear();
    for (SampleRow& row : rows) {
      LIVESOP_RETURN_IF_ERROR(Row(row.line, row.fields, row.fields.size()));
    }
    return OkStatus();
  }

  // Sets format_ from `cells`. When no format matches them all, the format
  // that matched the most cells before failing is used, so that the cell
  // that defeated it fails in its row, in file order.
  void DetectFormat(const std::vector<std::string_view>& cells) {
    internal::TimestampDetection detection =
        internal::DetectTimestampFormat(cells);
    if (detection.format.empty()) {
      no_format_matched_ = detection.failed_cell == 0;
      detection.format = detection.closest_format;
    }
    header_.timestamp_format = detection.format;
    header_.timestamp_format_ambiguous = detection.ambiguous;
    format_ = std::make_unique<internal::TimestampFormat>(detection.format,
                                                          /*detected=*/true);
  }

  // Normalises the timestamp `value` in place; the error names the column.
  Status ReadTimestamp(int64_t line, size_t column, std::string& value) {
    if (format_ == nullptr) {
      // A column that was empty all through the sample.
      DetectFormat({value});
    }
    if (format_->name() == internal::kIsoFormat) {
      Status status = internal::NormaliseTimestamp(value, scratch_);
      if (status.ok()) {
        value.swap(scratch_);
        return status;
      }
      if (no_format_matched_) return NoFormatError(line, column, value);
      return ColumnError(line, column, status.message());
    }
    int64_t micros = 0;
    if (format_->Parse(value, micros)) {
      internal::FormatTimestampInto(micros, value);
      return OkStatus();
    }
    if (no_format_matched_) return NoFormatError(line, column, value);
    return ColumnError(
        line, column,
        "timestamp " + Quoted(Shown(value)) + " does not match the format " +
            Quoted(format_->name()) +
            (format_given_ ? " given in the options"
                           : " detected from the first rows; name the format "
                             "in the options if it is another"));
  }

  Status NoFormatError(int64_t line, size_t column,
                       std::string_view value) const {
    return ColumnError(
        line, column,
        "cannot tell the timestamp format from " + Quoted(Shown(value)) +
            ": it is none of " + internal::DetectableFormats() +
            "; name the format in the options (a date::parse format such as "
            "%d/%m/%Y %H:%M)");
  }

  // A cell as messages show it: one line, the first 64 bytes.
  static std::string Shown(std::string_view text) {
    constexpr size_t kShown = 64;
    std::string shown = OneLine(text.substr(0, kShown));
    if (text.size() > kShown) shown += "...";
    return shown;
  }

  // Turns the first `field_count` of `fields` into an event for OnRow;
  // the fields are changed (a timestamp is normalised in place).
  Status Row(int64_t line, std::vector<std::string>& fields,
             size_t field_count) {
    const std::vector<std::string>& columns = header_.columns;
    if (field_count != columns.size()) {
      return Error(line, std::to_string(field_count) + " field" +
                             (field_count == 1 ? "" : "s") +
                             ", but the header has " +
                             std::to_string(columns.size()) + " columns");
    }
    event_.clear();
    for (size_t r = 0; r < kRoles.size(); ++r) {
      if (!role_columns_[r]) continue;
      const size_t column = *role_columns_[r];
      std::string& value = fields[column];
      if (value.empty()) {
        if (r == kCase) return ColumnError(line, column, "empty case id");
        if (r == kActivity) return ColumnError(line, column, "empty activity");
        if (r == kTimestamp && options_.require_timestamp) {
          return ColumnError(line, column, "empty timestamp");
        }
        continue;
      }
      AttributeType type = AttributeType::kString;
      if (r == kTimestamp) {
        LIVESOP_RETURN_IF_ERROR(ReadTimestamp(line, column, value));
        type = AttributeType::kDate;
      }
      event_.push_back({std::string(kRoles[r].key), type, value});
    }
    for (size_t column : extra_columns_) {
      if (fields[column].empty()) continue;
      event_.push_back(
          {header_.keys[column], AttributeType::kString, fields[column]});
    }
    return visitor_.OnRow(line, event_);
  }

  const std::string& path_;
  const CsvOptions& options_;
  CsvVisitor& visitor_;

  bool header_seen_ = false;
  CsvHeader header_;
  std::array<std::optional<size_t>, kRoles.size()> role_columns_;
  std::vector<size_t> extra_columns_;
  Event event_;

  // The timestamp format: given, or detected from the sample.
  std::unique_ptr<internal::TimestampFormat> format_;
  bool format_given_ = false;
  bool no_format_matched_ = false;  // not even by the first sample cell
  struct SampleRow {
    int64_t line = 0;
    std::vector<std::string> fields;
  };
  bool sampling_ = false;
  std::vector<SampleRow> sample_rows_;
  size_t sample_cells_ = 0;
  std::string scratch_;
};

// Hands a table's header and rows to a CsvTableVisitor, checking that
// every row has as many cells as the header.
class TableRows final : public RowSink {
 public:
  TableRows(const std::string& path, CsvTableVisitor& visitor)
      : path_(path), visitor_(visitor) {}

  void OnStart(char delimiter) override { delimiter_ = delimiter; }

  Status OnRow(int64_t line, std::vector<std::string>& fields,
               size_t count) override {
    if (columns_.empty()) {
      for (size_t i = 0; i < count; ++i) {
        columns_.emplace_back(Trim(fields[i]));
      }
      return visitor_.OnHeader(line, columns_, delimiter_);
    }
    if (count != columns_.size()) {
      return InvalidArgumentError(
          path_ + ":" + std::to_string(line) + ": " + std::to_string(count) +
          " field" + (count == 1 ? "" : "s") + ", but the header has " +
          std::to_string(columns_.size()) + " column" +
          (columns_.size() == 1 ? "" : "s") +
          "; every row needs one cell per column (quote a cell that holds " +
          "the delimiter)");
    }
    fields.resize(count);
    return visitor_.OnRow(line, fields);
  }

 private:
  const std::string& path_;
  CsvTableVisitor& visitor_;
  char delimiter_ = ',';
  std::vector<std::string> columns_;
};

}  // namespace

Status CsvVisitor::OnHeader(const CsvHeader& /*header*/) { return OkStatus(); }

Status ReadCsvTable(const std::string& path, char delimiter,
                    CsvTableVisitor& visitor) {
  CsvOptions options;
  options.delimiter = delimiter;
  LIVESOP_RETURN_IF_ERROR(CheckDelimiter(path, options));
  LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<internal::InputFile> file,
                           internal::InputFile::Open(path));
  TableRows rows(file->path(), visitor);
  CsvTokenizer tokenizer(*file, delimiter, rows);
  return tokenizer.Run();
}

Status ReadCsvTableBytes(const std::string& name, std::string_view bytes,
                         char delimiter, CsvTableVisitor& visitor) {
  CsvOptions options;
  options.delimiter = delimiter;
  LIVESOP_RETURN_IF_ERROR(CheckDelimiter(name, options));
  internal::MemoryInput input(bytes, name);
  TableRows rows(input.path(), visitor);
  CsvTokenizer tokenizer(input, delimiter, rows);
  return tokenizer.Run();
}

Status ReadCsv(const std::string& path, const CsvOptions& options,
               CsvVisitor& visitor) {
  LIVESOP_RETURN_IF_ERROR(CheckDelimiter(path, options));
  LIVESOP_ASSIGN_OR_RETURN(std::unique_ptr<internal::InputFile> file,
                           internal::InputFile::Open(path));
  return internal::ReadCsvFrom(*file, options, visitor);
}

namespace internal {

Status ReadCsvFrom(ByteSource& input, const CsvOptions& options,
                   CsvVisitor& visitor) {
  LIVESOP_RETURN_IF_ERROR(CheckDelimiter(input.path(), options));
  EventRows rows(input.path(), options, visitor);
  CsvTokenizer tokenizer(input, options.delimiter, rows);
  return tokenizer.Run();
}

}  // namespace internal

}  // namespace livesop::eventlog

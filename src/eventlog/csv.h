// CSV event logs (RFC 4180), read and written as streams: one row is one
// event, the first line is the header.
//
// Reading maps header columns to the standard XES keys of event.h (case id,
// activity, timestamp, resource, role, lifecycle), by name or by the usual
// aliases, and delivers every other column as a string attribute keyed by
// its header. An empty cell means the attribute is absent.
#ifndef LIVESOP_EVENTLOG_CSV_H_
#define LIVESOP_EVENTLOG_CSV_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "eventlog/event.h"

namespace livesop::eventlog {

struct CsvOptions {
  // The field separator. '\0' (the default) detects it from the header
  // line: the most frequent of ',', ';' and tab outside quotes, ',' when
  // none occurs. Set it when the header is a single column whose name
  // contains one of the others.
  char delimiter = '\0';

  // The header names of the columns holding each standard attribute.
  // Names are matched ignoring case, spaces, underscores and hyphens, so
  // "Case ID" finds `case_id`. Empty (the default) recognises the usual
  // names, the first found in this order:
  //   case id    case:concept:name, case_id, case, caseid     (required)
  //   activity   concept:name, activity                       (required)
  //   timestamp  time:timestamp, timestamp, time
  //   resource   org:resource, resource
  //   role       org:role, role
  //   lifecycle  lifecycle:transition, lifecycle
  // A name given here must exist in the header.
  std::string case_column;
  std::string activity_column;
  std::string timestamp_column;
  std::string resource_column;
  std::string role_column;
  std::string lifecycle_column;

  // Whether a timestamp column is required and every row must have a
  // timestamp (default true: ordering within a case and every duration
  // depend on it). False accepts logs without times, whose events are then
  // ordered by their position in the file.
  bool require_timestamp = true;

  // How the timestamps are written. Empty (the default) detects it from the
  // first 1,000 non-empty timestamps (see ReadCsv). Otherwise "ISO 8601",
  // "unix seconds", "unix milliseconds", or a format of Howard Hinnant's
  // date::parse (strftime-like: %Y %m %d %H %M %S, %z for an offset, %b
  // for English month names, ...) such as "%d/%m/%Y %H:%M" that every
  // timestamp must match whole. Times without an offset are UTC.
  std::string timestamp_format;
};

// How ReadCsv understood the header.
struct CsvHeader {
  char delimiter = ',';              // the one used, given or detected
  std::vector<std::string> columns;  // header names, trimmed, file order
  std::vector<std::string> keys;     // the attribute key of each column
  // The timestamp format used, given or detected (the names of
  // CsvOptions::timestamp_format); empty when there is no timestamp column
  // or the first rows have no timestamp.
  std::string timestamp_format;
  // True when the detected format is day-first only because no timestamp
  // of the sample told day-first from month-first (no day above 12): the
  // caller may want to say so, or ask.
  bool timestamp_format_ambiguous = false;
};

// Receives what ReadCsv reads. A non-OK status stops the read and becomes
// ReadCsv's result.
class CsvVisitor {
 public:
  virtual ~CsvVisitor() = default;

  // Called once, after the header is read and mapped, before any row.
  virtual Status OnHeader(const CsvHeader& header);

  // Called for each row in file order. `line` is the line the row starts on
  // (rows may span lines in quoted fields). `event` holds, in this order,
  // case:concept:name, concept:name, time:timestamp (kDate, normalised to
  // FormatTimestamp text), org:resource, org:role, lifecycle:transition
  // (each only when its cell is not empty), then the other columns in header
  // order. `event` is valid only during the call.
  virtual Status OnRow(int64_t line, const Event& event) = 0;
};

// Reads the CSV file at `path` (UTF-8; a byte order mark is skipped; gzip
// content is decompressed, whatever the name), calling `visitor` as it goes.
// Quoting follows RFC 4180: a quoted field may hold the delimiter, line
// breaks and doubled quotes. Lines may end in LF or CRLF; empty lines are
// skipped. Cells are taken as written, without trimming.
//
// Timestamps: unless `options.timestamp_format` names the format, it is
// detected from the first 1,000 non-empty timestamp cells (within the first
// 10,000 rows), which wait in memory until then; OnHeader is called after
// that and reports the format. Detected are: Unix seconds or milliseconds
// (all digits, nine or more; milliseconds when 12 or more); ISO 8601 in
// every form ParseTimestamp (core/time.h) accepts; and YYYY/MM/DD,
// DD-MM-YYYY, MM-DD-YYYY, DD/MM/YYYY, MM/DD/YYYY, DD.MM.YYYY and MM.DD.YYYY,
// each alone or followed by HH:MM or HH:MM:SS (a fraction allowed), with
// four-digit years. Day-first or month-first is decided by the values (a
// first field above 12 means day-first, a second one month-first); when no
// value decides, day-first is taken and the header says so
// (timestamp_format_ambiguous). Times without an offset are UTC. Every
// timestamp is normalised to FormatTimestamp text.
//
// Returns OK when the whole file was read. Errors:
// - NotFound when `path` does not exist, Unavailable when it cannot be
//   opened or read, InvalidArgument for a directory.
// - InvalidArgument "PATH:LINE: what is wrong", naming the column where one
//   is concerned: an empty file; a required column missing from the header
//   (the message lists the columns found and the names accepted); a column
//   named in `options` that is not there; an extra column whose header is
//   one of the standard keys in use; a row with the wrong number of fields;
//   an empty case id or activity; a missing timestamp; a timestamp that
//   does not match the format (the message names the format, and whether
//   it was detected or given), or, when not even the first one matches a
//   known format, that the format cannot be told; a quote in the wrong
//   place or a quoted field left open at the end; a field longer than
//   64 MiB (a quote left open, most likely). Errors come in file order: the
//   rows before the first mistake are delivered first.
// - Whatever a visitor method returned, unchanged.
Status ReadCsv(const std::string& path, const CsvOptions& options,
               CsvVisitor& visitor);

// Receives the rows of any CSV table (ReadCsvTable). A non-OK status stops
// the read and becomes ReadCsvTable's result.
class CsvTableVisitor {
 public:
  virtual ~CsvTableVisitor() = default;
  // The header: its names trimmed, in file order, and the delimiter used.
  virtual Status OnHeader(int64_t line, const std::vector<std::string>& columns,
                          char delimiter) = 0;
  // Each row in file order, one cell per column, as written (not
  // trimmed). `line` is the line the row starts on.
  virtual Status OnRow(int64_t line, const std::vector<std::string>& cells) = 0;
};

// Reads the CSV file at `path` as a table, with ReadCsv's rules for
// quoting, line ends, empty lines, a byte order mark, gzip and the
// delimiter ('\0' detects it from the header line). Errors: as ReadCsv's
// for the file, the quoting and the empty file, and InvalidArgument
// "PATH:LINE: N fields, but the header has M columns" for a row with
// missing or extra cells; whatever the visitor returned, unchanged.
Status ReadCsvTable(const std::string& path, char delimiter,
                    CsvTableVisitor& visitor);

// ReadCsvTable on `bytes` held in memory (an upload, a member of an
// archive), read as they are (no gzip); errors name `name` as the file.
Status ReadCsvTableBytes(const std::string& name, std::string_view bytes,
                         char delimiter, CsvTableVisitor& visitor);

// Writes a CSV event log to a stream, one row at a time, with a fixed header:
//
//   CsvWriter writer(out, {"case:concept:name", "concept:name",
//                          "time:timestamp", "org:resource"});
//   LIVESOP_RETURN_IF_ERROR(writer.Begin());
//   LIVESOP_RETURN_IF_ERROR(writer.WriteEvent(trace.attributes, event));
//   LIVESOP_RETURN_IF_ERROR(writer.Finish());
//
// A field is quoted (RFC 4180, quotes doubled) when it holds the delimiter,
// a quote, a line break, or leading or trailing white space, and left bare
// otherwise. Lines end in LF. ReadCsv reads the output back to the same
// values, an absent attribute and an empty one both becoming an empty cell.
//
// The caller owns the stream, as with XesWriter: write to a temporary file
// and rename it after Finish succeeds.
//
// Errors: FailedPrecondition when a method is called out of order or the
// delimiter is a quote, a line break or NUL; InvalidArgument for a row with the
// wrong number of fields (nothing is written, the writer stays usable);
// Unavailable when the stream fails. After FailedPrecondition or
// Unavailable every later call returns the same error.
//
// Thread safety: one thread at a time.
class CsvWriter {
 public:
  // `columns` are the header, and the attribute key each column is filled
  // from. `out` must outlive the writer.
  CsvWriter(std::ostream& out, std::vector<std::string> columns,
            char delimiter = ',');

  // Writes the header line. Must be called once, first.
  Status Begin();

  // Writes one row of exactly as many fields as there are columns.
  Status WriteRow(const std::vector<std::string>& fields);

  // Writes `event` as a row: each column gets the value of the event's
  // attribute with that key, or an empty cell. Attributes whose key is not
  // a column are left out.
  Status WriteEvent(const Event& event);

  // Like WriteEvent(event), and a column "case:KEY" that the event lacks is
  // filled from the trace attribute KEY, so `case:concept:name` gets the
  // case id of an XES trace.
  Status WriteEvent(const std::vector<Attribute>& trace_attributes,
                    const Event& event);

  // Flushes the stream and checks it. After it succeeds no further calls
  // are allowed.
  Status Finish();

 private:
  enum class Stage { kNew, kWriting, kFinished };

  Status Expect(Stage expected, const char* call);
  Status WriteLine(const std::vector<std::string>& fields);

  std::ostream& out_;
  std::vector<std::string> columns_;
  char delimiter_;
  Stage stage_ = Stage::kNew;
  Status failed_;
  std::string line_;                 // reused for every row
  std::vector<std::string> fields_;  // reused by WriteEvent
};

}  // namespace livesop::eventlog

#endif  // LIVESOP_EVENTLOG_CSV_H_

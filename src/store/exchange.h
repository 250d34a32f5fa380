// Exporting a store's history as an event log other process mining tools
// read (XES, CSV), and importing such logs into a store. The attribute
// mapping is in docs/formats/event-logs.md.
#ifndef LIVESOP_STORE_EXCHANGE_H_
#define LIVESOP_STORE_EXCHANGE_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

#include "core/status.h"
#include "eventlog/csv.h"
#include "eventlog/log.h"
#include "store/store.h"

namespace livesop::store {

enum class LogFormat { kXes, kCsv };

// "xes" or "csv". InvalidArgument otherwise, naming the accepted ones.
Result<LogFormat> ParseLogFormat(std::string_view name);

// The extension declared for livesop's own attributes in XES exports.
inline constexpr const char* kLivesopXesUri = "urn:livesop:xes:extension";

struct ExportStats {
  int64_t campaigns = 0;
  int64_t events = 0;
};

// Writes the events matching `filter` to `out`.
// XES: one trace per campaign (campaigns in id order, each trace's events
// in the campaign's order), the standard extensions and livesop's declared.
// CSV: one row per event in global order, with the columns of
// kCsvExportColumns. Memory stays bounded by one batch of events (and, for
// XES, the list of campaign ids). Errors: the store's, or Unavailable when
// `out` fails; `out` then holds a partial log, so write to a temporary file
// and rename it only on success.
Result<ExportStats> ExportLog(Store& store, const EventFilter& filter,
                              LogFormat format, std::ostream& out);

struct StoreLogOptions {
  // How events are told apart as activities (default concept:name).
  eventlog::ClassifierSpec classifier;
  // Keep only the events that finish an SOP step's work (their payload has
  // an `outcome`: a task completed, the decision that settled an approval or
  // review; not a step skipped, whose work was not done), so that each case
  // reads as its path through the SOP's steps, the log to check against the
  // SOP compiled to a Petri net. Default false: every event.
  bool steps_only = false;
};

// The events matching `filter` as a columnar log for mining: one case per
// campaign (campaigns ordered by their first event, each case's events in
// the campaign's order), with the attributes of the XES export except the
// payload and the position, which no mining result reads. Streams the
// events once, in global order. Errors: the store's.
Result<eventlog::EventLog> ReadStoreLog(Store& store, const EventFilter& filter,
                                        const StoreLogOptions& options = {});

struct ImportOptions {
  // Default empty: the campaign type of imported campaigns whose trace
  // does not carry livesop:campaign_type.
  std::string campaign_type;
  // Default "import": the source of events that carry no livesop:source.
  std::string source = "import";
  // Column mapping and delimiter for CSV.
  eventlog::CsvOptions csv;
};

struct ImportStats {
  int64_t campaigns = 0;
  int64_t events = 0;
  // True when every case of the file had been imported before: nothing
  // was added.
  bool already_imported = false;
};

// Reads the log at `path` whole, checks every event, then appends it in
// one transaction: a file that is malformed anywhere imports nothing.
// Each case becomes one append to the campaign named by its case id, with
// an idempotency key made of the file's checksum and the case's number, so
// importing the same file again adds nothing. XES events keep their file
// order; CSV rows are grouped by case and ordered by time (stable).
// Errors: NotFound / Unavailable for a missing or unreadable file;
// InvalidArgument "PATH:LINE: …" (CSV) or "PATH: trace N (case ID), event
// M: …" (XES) for malformed content, naming what to fix; the store's
// errors otherwise. Memory: the whole log, as events.
Result<ImportStats> ImportLog(Store& store, const std::string& path,
                              LogFormat format, const ImportOptions& options);

}  // namespace livesop::store

#endif  // LIVESOP_STORE_EXCHANGE_H_

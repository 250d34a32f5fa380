// `livesop mine`: process mining on an XES or CSV file or on the store's
// history. The commands read the log into the columnar form, call the
// mining facade and print its results (text, or the JSON of mining/json.h).
#ifndef LIVESOP_CLI_MINE_COMMANDS_H_
#define LIVESOP_CLI_MINE_COMMANDS_H_

#include <CLI/CLI.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "core/status.h"
#include "eventlog/log.h"

namespace livesop::cli {

// Stage-by-stage progress on standard error, shown only when it is a
// terminal: "reading receipt.xes: 8577 events, 1434 cases (12 ms)".
class Progress {
 public:
  Progress();
  void Begin(const std::string& stage);
  void End(const std::string& result);

 private:
  bool on_;
  std::string stage_;
  std::chrono::steady_clock::time_point started_;
};

// Reads LOG: a store (sqlite:PATH, postgresql://…, or a file that is a
// SQLite database) or an XES / CSV file. `steps_only` keeps, of a store's
// history, the events that finish an SOP step (store::StoreLogOptions).
Result<eventlog::EventLog> LoadLog(const std::string& log,
                                   const std::vector<std::string>& classifier,
                                   bool sort_by_time, Progress& progress,
                                   bool steps_only = false);

// Adds `mine stats|variants|map|discover|conformance`; the returned function
// runs the one parsed and returns its exit code, or -1 when none was.
std::function<int()> AddMineCommands(CLI::App& app);

}  // namespace livesop::cli

#endif  // LIVESOP_CLI_MINE_COMMANDS_H_

// Importing side paths (docs/side-paths.md): the messages a connector read
// are matched, and each ends in a campaign's history (through the engine),
// in the review queue, or ignored with a stated reason; the review queue is
// settled later by a person, and what they decide is remembered.
#ifndef LIVESOP_CONNECT_IMPORT_H_
#define LIVESOP_CONNECT_IMPORT_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "connect/connector.h"
#include "connect/match.h"
#include "core/status.h"
#include "engine/engine.h"
#include "sop/model.h"
#include "store/store.h"

namespace livesop::connect {

struct ImportOptions {
  // Who imports: a person of the SOP, recorded as whoever recorded the
  // informal approvals (the SOP's rules on who may, apply).
  std::string actor;
  bool dry_run = false;  // match and decide, write nothing
  MatchConfig config;
  int64_t now_us = 0;  // when the import runs (the engine's clock)
  // Trackers (source "sheet"), as NAME=VALUE: status_column (default
  // "Status"), key_column (the row's identity; default the campaign
  // column), campaign_column (default "Code"), person_column (who changed
  // it; default "Owner" when there is one). Other names are the
  // connector's and left alone here.
  std::vector<std::string> settings;
};

// One message read, and what became of it.
struct ImportedMessage {
  std::string hash;
  std::string where;  // WhereRead
  int64_t time_us = 0;
  std::string sender;
  std::string person;
  std::string campaign;
  std::string activity;  // ActivityName; "none"
  double confidence = 0;
  // "event", "review" or "ignored".
  std::string outcome;
  std::string reason;  // review and ignored: why
  std::string step;    // decisions: the step recorded on
  int events = 0;      // entries recorded from it (reactions add some)
  std::string text;
};

struct ImportReport {
  std::string source;
  std::string file;
  bool dry_run = false;
  int64_t messages_read = 0;
  // Messages by outcome; they add up to messages_read.
  int64_t events = 0;
  int64_t review_queue = 0;
  int64_t ignored = 0;
  // Of the ignored: kept from an earlier import.
  int64_t already_imported = 0;
  int64_t events_written = 0;             // store events appended
  std::vector<ImportedMessage> messages;  // every message, in export order
  // Senders no person matched, with how many messages each sent.
  std::map<std::string, int64_t> unknown_senders;
};

// Imports `exported` (ReadExport's) into the store through `engine`, in one
// transaction (or nothing, with `dry_run`).
// Messages kept from an earlier import are counted and left alone.
// Errors: InvalidArgument for an actor who is not a person of the SOP; the
// store's errors (nothing is written then); Aborted when other imports of
// the same messages kept winning the race.
Result<ImportReport> ImportMessages(store::Store& store, engine::Engine& engine,
                                    const sop::Definition& sop,
                                    const Export& exported,
                                    const ImportOptions& options);

// Where a message kept by the store was read, for people: its file and
// the place in it ("chat.txt:42").
std::string WhereKept(const store::SideMessage& message);

// What ImportAll did: the reports of the files imported, in order, and
// OK, or the error of the file that failed (the files before it stay
// imported; nothing of the failing one is).
struct ImportAllResult {
  std::vector<ImportReport> reports;
  Status status;
};

// Imports `exports` (of one source) in order, each as ImportMessages does
// in its own transaction, with one engine; while one file is written, the
// next is matched on another thread (matching reads nothing a write
// changes: the campaigns and remembered rules are read once, first).
ImportAllResult ImportAll(store::Store& store, engine::Engine& engine,
                          const sop::Definition& sop,
                          const std::vector<Export>& exports,
                          const ImportOptions& options);

// How a person settles a message of the review queue.
struct ReviewDecision {
  std::string actor;  // who decides (a person of the SOP)
  // Accept: record it in a campaign's history; the fields override what
  // matching found.
  bool accept = true;
  std::string campaign;
  std::string person;
  std::string activity;  // ActivityName
  std::string step;      // a decision's step; empty: the engine picks
  // Dismiss: why.
  std::string reason;
  // Remember for later imports: the sender is `person` (accept), the
  // conversation is about `campaign` (accept), or the sender's messages are
  // left out (dismiss).
  bool remember = false;
};

// Settles the review queue's message whose hash starts with `hash`.
// Errors: NotFound, InvalidArgument (a prefix several match, a message not
// in review or settled already, an unknown activity, person or campaign),
// FailedPrecondition when the engine refuses the accepted entry (the
// message then stays in review).
Result<store::SideMessage> SettleReview(
    store::Store& store, engine::Engine& engine, const sop::Definition& sop,
    const std::string& hash, const ReviewDecision& decision, int64_t now_us);

}  // namespace livesop::connect

#endif  // LIVESOP_CONNECT_IMPORT_H_

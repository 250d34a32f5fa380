// Side-path connectors: each reads one kind of export (a WhatsApp chat, a
// Slack workspace export, a mailbox, a tracker sheet, a webhook's body) into
// Messages, and is found by its name (docs/side-paths.md).
//
// A connector only reads: it never matches, decides or writes. It reads the
// whole export or nothing: any part it cannot read is an error naming the
// file and the line, member or message, never a message quietly left out.
#ifndef LIVESOP_CONNECT_CONNECTOR_H_
#define LIVESOP_CONNECT_CONNECTOR_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "connect/message.h"
#include "core/status.h"

namespace livesop::connect {

// How to read an export. Each field's default suits the usual case.
struct ReadOptions {
  // The IANA zone of the local times in sources that state none (WhatsApp
  // exports, tracker sheets). Default: the caller's (the SOP's default
  // calendar zone); "UTC" when empty.
  std::string time_zone;
  // The date order of sources whose dates can be read either way
  // (WhatsApp: 03/04/26): "auto" (default: decided by the export's own
  // dates, an error when they never tell), "dmy", "mdy" or "ymd".
  std::string date_order = "auto";
  // The conversation's name, when the file's name does not tell it (a
  // WhatsApp "_chat.txt"). Default: read from the file's name.
  std::string conversation;
  // Connector-specific settings ("status_column=Status", "key_column=Code"
  // for sheets), as NAME=VALUE.
  std::vector<std::string> settings;
  // Largest export read, in bytes (default 256 MiB); larger is an error.
  int64_t max_bytes = int64_t{256} << 20;
};

// What a connector read from one export.
struct Export {
  std::string source;  // the connector's name
  std::string file;    // as given
  // Every message, in the export's order: text, system and deleted ones.
  std::vector<Message> messages;
  // People the export itself names (Slack's users.json): source id → display
  // name, email or phone, so matching can map them.
  struct Member {
    std::string id;
    std::string name;
    std::string email;
    std::string phone;

    friend bool operator==(const Member&, const Member&) = default;
  };
  std::vector<Member> members;
};

class Connector {
 public:
  virtual ~Connector() = default;

  // The name it is registered and invoked by: "whatsapp".
  virtual std::string_view Name() const = 0;
  // One line for `--help`: what it reads.
  virtual std::string_view Description() const = 0;

  // Reads the export `bytes`, which came from the file `name` (used in
  // messages and to tell the conversation's name and a zip from a text).
  // Errors: InvalidArgument naming `name` and the line, member or message
  // that could not be read and what to do; ResourceExhausted for an export
  // (or a zip member) over `options.max_bytes`. Never crashes on any input.
  virtual Result<Export> Parse(std::string_view name, std::string_view bytes,
                               const ReadOptions& options) const = 0;
};

// The connector registered as `name`; nullptr when there is none.
const Connector* FindConnector(std::string_view name);

// Every registered connector, by name.
std::vector<const Connector*> Connectors();

// Reads the file at `path` and parses it with `connector`. Errors: NotFound
// for a missing file, InvalidArgument for a directory or an unreadable one,
// ResourceExhausted for one over `options.max_bytes`, and the connector's.
Result<Export> ReadExport(const Connector& connector, const std::string& path,
                          const ReadOptions& options);

}  // namespace livesop::connect

#endif  // LIVESOP_CONNECT_CONNECTOR_H_

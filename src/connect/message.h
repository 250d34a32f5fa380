// What every side-path connector reads out of an export: messages in one
// shape, whatever the source (docs/side-paths.md). A WhatsApp line, a Slack
// message, an email and a tracker row's change are all a Message; matching
// and importing never look at the source's own format.
#ifndef LIVESOP_CONNECT_MESSAGE_H_
#define LIVESOP_CONNECT_MESSAGE_H_

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace livesop::connect {

// What kind of line a message is. Only kText messages can carry work;
// the others are read so that the import accounts for every line.
enum class MessageKind {
  kText,     // someone wrote something (possibly with attachments)
  kSystem,   // the source's own notice: "X added Y", "Messages are end-to-end
             // encrypted", a channel join
  kDeleted,  // "This message was deleted"
};

// A file that came with a message: a WhatsApp media file, a Slack file
// share, an email attachment.
struct Attachment {
  std::string name;       // as the source names it
  std::string mime_type;  // when known
  int64_t size = 0;       // bytes; 0 when unknown
  // SHA-256 of the content (64 hex digits) when the export holds the bytes.
  std::string sha256;
  // The export held no bytes for it ("<Media omitted>", a Slack file the
  // export links to).
  bool omitted = false;

  friend bool operator==(const Attachment&, const Attachment&) = default;
};

// A reaction on a message (Slack): the emoji's name as the source writes it
// ("white_check_mark", "+1") and who reacted, as source ids.
struct Reaction {
  std::string name;
  std::vector<std::string> senders;

  friend bool operator==(const Reaction&, const Reaction&) = default;
};

struct Message {
  // "whatsapp", "slack", "email", "sheet" or "webhook": the event's
  // livesop:source.
  std::string source;
  // The source's own id when it has one (an email's Message-ID, a Slack
  // message's "CHANNEL/TS"); empty otherwise.
  std::string id;
  // Where it was said: the chat's, channel's or tracker's name, an email's
  // subject without "Re:"/"Fwd:". Matching reads campaigns from it.
  std::string conversation;
  // The thread it belongs to (a Slack thread's first ts, an email thread's
  // first Message-ID); empty when the source has no threads.
  std::string thread;
  // The id of the message this one answers (In-Reply-To, a Slack parent).
  std::string reply_to;
  // Who wrote it as the source knows them: a phone number, an email address
  // or a Slack user id; a display name when the source gives nothing else
  // (WhatsApp exports of saved contacts).
  std::string sender;
  std::string sender_name;  // the display name, when the source gives one

  // When it was written, µs since the epoch (UTC), and how the source stated
  // it: the offset from UTC in minutes and the zone it was read in
  // ("Asia/Jakarta" for a chat export's local times, "+07:00" for an
  // email's Date header).
  int64_t time_us = 0;
  int utc_offset_minutes = 0;
  std::string zone;

  MessageKind kind = MessageKind::kText;
  std::string text;     // UTF-8, as written (lines joined with '\n')
  std::string subject;  // email
  bool edited = false;  // the source marks it as edited
  std::vector<Attachment> attachments;
  std::vector<Reaction> reactions;
  // Named values the source gives beside the text: a tracker row's cells by
  // column name, a webhook's fields. Matching reads "campaign", "person",
  // "activity" and "status" from here before it reads the text.
  std::map<std::string, std::string> fields;

  // Where it was read, for errors, the review queue and the evidence: the
  // file, the line in it (0 when the source has no lines) and, inside an
  // archive or mailbox, which member or message ("general/2026-03-02.json",
  // "message 12").
  std::string file;
  int64_t line = 0;
  std::string locator;

  friend bool operator==(const Message&, const Message&) = default;
};

// "chat.txt:42", "export.zip general/2026-03-02.json", "inbox.mbox message 3
// (line 120)": where a message was read, for people.
std::string WhereRead(const Message& message);

// The message's evidence hash: SHA-256 (64 hex digits) of its source, id,
// conversation, sender, time, kind and text, and `occurrence` (how many
// messages with the same hash came before it in the same export, so two
// identical "ok"s in one minute stay two). The same message read from two
// overlapping exports has the same hash; it is how imports stay idempotent.
std::string EvidenceHash(const Message& message, int occurrence);

}  // namespace livesop::connect

#endif  // LIVESOP_CONNECT_MESSAGE_H_

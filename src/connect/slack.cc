// The Slack connector: a workspace export (the zip of channel folders with
// one JSON file per day, users.json, channels.json and, in exports that hold
// them, groups.json, dms.json and mpims.json), or one channel's day file
// given alone. docs/side-paths/slack.md describes what is read and why.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <functional>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "connect/connector.h"
#include "connect/internal/connectors.h"
#include "connect/internal/zip.h"
#include "connect/message.h"
#include "core/status.h"

namespace livesop::connect::internal {
namespace {

using Json = nlohmann::json;

constexpr std::string_view kSource = "slack";
constexpr std::string_view kDeletedText = "This message was deleted.";

// The subtypes under which a person (or a bot) wrote something. Every other
// subtype is Slack's own notice (joins, topic changes, pins, huddles, ...),
// so a subtype Slack adds later is read as a notice rather than as work.
constexpr std::string_view kTextSubtypes[] = {
    "bot_message",  "me_message",       "file_share",      "file_comment",
    "file_mention", "thread_broadcast", "reply_broadcast", "slackbot_response",
};

bool IsTextSubtype(std::string_view subtype) {
  return std::find(std::begin(kTextSubtypes), std::end(kTextSubtypes),
                   subtype) != std::end(kTextSubtypes);
}

bool EndsWithNoCase(std::string_view text, std::string_view suffix) {
  if (text.size() < suffix.size()) return false;
  text.remove_prefix(text.size() - suffix.size());
  return std::equal(text.begin(), text.end(), suffix.begin(), suffix.end(),
                    [](char a, char b) {
                      return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b;
                    });
}

std::string Lowercase(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// A character iterator that counts the lines it passes, so the JSON parser
// (which keeps no positions in the values it builds) tells on which line
// each message starts. The count is shared by the parser's copies.
class LineCountingIterator {
 public:
  using iterator_category = std::input_iterator_tag;
  using value_type = char;
  using difference_type = std::ptrdiff_t;
  using pointer = const char*;
  using reference = const char&;

  LineCountingIterator(const char* at, int64_t* line) : at_(at), line_(line) {}

  const char& operator*() const { return *at_; }
  LineCountingIterator& operator++() {
    *line_ += *at_ == '\n';
    ++at_;
    return *this;
  }
  LineCountingIterator operator++(int) {
    LineCountingIterator before = *this;
    ++*this;
    return before;
  }
  friend bool operator==(const LineCountingIterator& a,
                         const LineCountingIterator& b) {
    return a.at_ == b.at_;
  }

 private:
  const char* at_;
  int64_t* line_;
};

// "line 7, column 3: syntax error ..." for a parse error at the parser's
// byte offset (1-based, the last character it read).
std::string JsonErrorText(std::string_view bytes, size_t byte,
                          std::string_view what) {
  const size_t end = std::min(byte > 0 ? byte - 1 : 0, bytes.size());
  const std::string_view before = bytes.substr(0, end);
  const int64_t line = 1 + std::count(before.begin(), before.end(), '\n');
  const size_t line_start = before.rfind('\n');
  const size_t column =
      end - (line_start == std::string_view::npos ? 0 : line_start + 1) + 1;
  // The library's text repeats the position; what follows it says what
  // was wrong ("syntax error while parsing value - invalid literal").
  std::string_view reason = what;
  const size_t at = reason.find("parse error");
  if (at != std::string_view::npos) {
    const size_t colon = reason.find(": ", at);
    if (colon != std::string_view::npos) reason.remove_prefix(colon + 2);
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(column) +
         ": not valid JSON (" + std::string(reason) + ")";
}

// A whole JSON document (users.json, channels.json). `where` names it.
Result<Json> ParseDocument(const std::string& where, std::string_view bytes) {
  try {
    return Json::parse(bytes.begin(), bytes.end());
  } catch (const nlohmann::json::parse_error& error) {
    return InvalidArgumentError(where + " " +
                                JsonErrorText(bytes, error.byte, error.what()) +
                                "; the export is damaged: export it again");
  } catch (const nlohmann::json::exception&) {
    return InvalidArgumentError(
        where +
        ": a number is out of range; the export is damaged: export it "
        "again");
  }
}

// The keys of a message that are read. The others (the rich-text copy of
// the text in "blocks", which is the bulk of an export, thread summaries,
// team ids) are skipped while parsing, never built into values.
constexpr std::string_view kReadKeys[] = {
    "ts",        "thread_ts", "text",         "subtype",     "user",
    "bot_id",    "username",  "user_profile", "bot_profile", "edited",
    "reactions", "files",     "file",         "attachments",
};

bool IsReadKey(std::string_view key) {
  return std::find(std::begin(kReadKeys), std::end(kReadKeys), key) !=
         std::end(kReadKeys);
}

// Called with each element of a day file (a message object, or whatever
// else the file holds there) and the line it starts on.
using MessageSink = std::function<Status(const Json& element, int64_t line)>;

// Reads a day file as nlohmann::json's SAX events, building one message at
// a time: an export's day files can hold hundreds of thousands of messages,
// and a whole-file DOM would hold every one (and every key Slack writes)
// at once.
class DayFileHandler {
 public:
  DayFileHandler(const int64_t* line, MessageSink sink)
      : line_(line), sink_(std::move(sink)) {}

  // What stopped the parse, when it stopped: a syntax error, a file that
  // is not an array, or the sink's error.
  const Status& status() const { return status_; }
  size_t error_byte() const { return error_byte_; }
  std::string_view top_type() const { return top_type_; }

  bool null() { return Value(nullptr); }
  bool boolean(bool value) { return Value(value); }
  bool number_integer(Json::number_integer_t value) { return Value(value); }
  bool number_unsigned(Json::number_unsigned_t value) { return Value(value); }
  bool number_float(Json::number_float_t value, const std::string&) {
    return Value(value);
  }
  // Strings are copied, not moved: the parser's buffer keeps its capacity
  // for the next token.
  bool string(std::string& value) { return Value(std::as_const(value)); }
  bool binary(Json::binary_t& /*value*/) { return Value(nullptr); }

  bool start_object(size_t /*size*/) { return Start(Json::object()); }
  bool start_array(size_t /*size*/) { return Start(Json::array()); }
  bool end_object() { return End(); }
  bool end_array() { return End(); }

  bool key(std::string& key) {
    if (skip_depth_ > 0) return true;
    // Keys of the message itself: unread ones are skipped with their value.
    skip_next_ = stack_.size() == 1 && !IsReadKey(key);
    if (!skip_next_) key_ = key;
    return true;
  }

  bool parse_error(size_t byte, const std::string& /*last_token*/,
                   const Json::exception& error) {
    error_byte_ = byte;
    status_ = InvalidArgumentError(error.what());
    return false;
  }

 private:
  bool Start(Json container) {
    if (skip_depth_ > 0 || skip_next_) {
      skip_next_ = false;
      ++skip_depth_;
      return true;
    }
    if (!in_array_) {
      if (container.is_array()) {
        in_array_ = true;
        return true;
      }
      return NotAnArray(container);
    }
    if (stack_.empty()) {
      message_ = std::move(container);
      message_line_ = *line_;
      stack_.push_back(&message_);
      return true;
    }
    stack_.push_back(&Insert(std::move(container)));
    return true;
  }

  bool End() {
    if (skip_depth_ > 0) {
      --skip_depth_;
      return true;
    }
    if (stack_.empty()) return true;  // the file's array
    stack_.pop_back();
    return stack_.empty() ? Deliver(message_, message_line_) : true;
  }

  // Builds the value only when it is kept.
  template <typename T>
  bool Value(const T& value) {
    if (skip_depth_ > 0) return true;
    if (skip_next_) {
      skip_next_ = false;
      return true;
    }
    if (!in_array_) return NotAnArray(Json(value));
    if (stack_.empty()) return Deliver(Json(value), *line_);
    Insert(Json(value));
    return true;
  }

  Json& Insert(Json value) {
    Json& parent = *stack_.back();
    if (parent.is_object()) return parent[key_] = std::move(value);
    parent.push_back(std::move(value));
    return parent.back();
  }

  bool Deliver(const Json& element, int64_t line) {
    status_ = sink_(element, line);
    return status_.ok();
  }

  bool NotAnArray(const Json& value) {
    top_type_ = value.type_name();
    status_ = InvalidArgumentError("not an array");
    return false;
  }

  const int64_t* line_;
  MessageSink sink_;
  Status status_;
  size_t error_byte_ = 0;
  std::string_view top_type_;
  bool in_array_ = false;
  Json message_;
  int64_t message_line_ = 0;
  std::vector<Json*> stack_;  // the message and its open values
  std::string key_;
  bool skip_next_ = false;  // the coming value belongs to an unread key
  int skip_depth_ = 0;      // open containers of a skipped value
};

// Reads the day file `bytes`, handing each element to `sink`. `where`
// names the file for errors.
Status ParseDayFile(const std::string& where, std::string_view bytes,
                    MessageSink sink) {
  int64_t line = 1;
  DayFileHandler handler(&line, std::move(sink));
  const bool read = Json::sax_parse(
      LineCountingIterator(bytes.data(), &line),
      LineCountingIterator(bytes.data() + bytes.size(), &line), &handler);
  if (read) return OkStatus();
  if (handler.error_byte() > 0) {
    return InvalidArgumentError(
        where + " " +
        JsonErrorText(bytes, handler.error_byte(), handler.status().message()) +
        "; the export is damaged: export it again");
  }
  if (!handler.top_type().empty()) {
    return InvalidArgumentError(
        where + ": not a Slack day file (a JSON " +
        std::string(handler.top_type()) +
        ", where Slack writes an array of messages); give the export as "
        "Slack wrote it");
  }
  return handler.status();
}

// The string at `key` of `object`; empty when absent or not a string.
std::string_view StringAt(const Json& object, std::string_view key) {
  const auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return {};
  return it->get_ref<const std::string&>();
}

// The first non-empty of `object`'s strings at `keys`.
std::string_view FirstStringAt(const Json& object,
                               std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    std::string_view value = StringAt(object, key);
    if (!value.empty()) return value;
  }
  return {};
}

// A person's name as Slack shows it: the real name, else the display name,
// else the user name. `user` is a users.json entry or a message's
// user_profile.
std::string_view PersonName(const Json& user) {
  std::string_view name = StringAt(user, "real_name");
  if (!name.empty()) return name;
  const auto profile = user.find("profile");
  if (profile != user.end() && profile->is_object()) {
    name = FirstStringAt(*profile, {"real_name", "display_name"});
    if (!name.empty()) return name;
  }
  return FirstStringAt(user, {"display_name", "name"});
}

// A Slack timestamp ("1709368200.001200": seconds and microseconds since
// the epoch, UTC) as µs; false when it is not one.
bool ParseTs(std::string_view ts, int64_t& time_us) {
  const size_t dot = ts.find('.');
  const std::string_view seconds = ts.substr(0, dot);
  const std::string_view fraction =
      dot == std::string_view::npos ? std::string_view() : ts.substr(dot + 1);
  // Twelve digits of seconds reach past the year 30000 and stay far from
  // overflowing.
  if (seconds.empty() || seconds.size() > 12 ||
      (dot != std::string_view::npos && fraction.empty())) {
    return false;
  }
  int64_t value = 0;
  for (char c : seconds) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  int64_t micros = 0;
  for (size_t i = 0; i < fraction.size(); ++i) {
    const char c = fraction[i];
    if (c < '0' || c > '9') return false;
    if (i < 6) micros = micros * 10 + (c - '0');
  }
  for (size_t i = fraction.size(); i < 6; ++i) micros *= 10;
  time_us = value * 1'000'000 + micros;
  return true;
}

// The ts at `key` as Slack wrote it (a string; a number is taken as its
// decimal form). Empty when absent; `error` is set when it is there but is
// not a timestamp.
std::string TsAt(const Json& message, std::string_view key, int64_t& time_us,
                 std::string& error) {
  const auto it = message.find(key);
  if (it == message.end() || it->is_null()) return {};
  std::string ts;
  if (it->is_string()) {
    ts = it->get<std::string>();
  } else if (it->is_number_unsigned() || it->is_number_integer()) {
    ts = it->dump();
  } else if (it->is_number_float()) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6f", it->get<double>());
    ts = buffer;
  } else {
    error = "\"" + std::string(key) + "\" is a JSON " +
            std::string(it->type_name()) + ", not a Slack timestamp";
    return {};
  }
  if (!ParseTs(ts, time_us)) {
    error = "\"" + std::string(key) + "\" is \"" + ts +
            "\", not a Slack timestamp (seconds since 1970, like "
            "\"1709368200.001200\")";
    return {};
  }
  return ts;
}

// A reaction's name without its skin tone ("+1::skin-tone-3" is "+1"), so
// approvals read the same whoever gave them.
std::string_view ReactionName(std::string_view name) {
  const size_t tone = name.find("::skin-tone-");
  return tone == std::string_view::npos ? name : name.substr(0, tone);
}

// Lets the maps below be searched with a string_view, without a copy.
struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view text) const {
    return std::hash<std::string_view>{}(text);
  }
};
template <typename Value>
using StringMap =
    std::unordered_map<std::string, Value, StringHash, std::equal_to<>>;

// Reads one export: the directory files first, then every day file.
class ExportReader {
 public:
  ExportReader(std::string_view file, Export& out) : file_(file), out_(out) {}

  Status ReadUsers(const std::string& member, std::string_view bytes);
  // channels.json and groups.json: folders named after the channel.
  Status ReadChannels(const std::string& member, std::string_view bytes);
  // dms.json (folders named by id) and mpims.json (by name): the
  // conversation is named after its members.
  Status ReadDirectMessages(const std::string& member, std::string_view bytes,
                            bool named_by_id);
  // Reads the day file `member` of the conversation kept in `folder`.
  // `conversation` overrides the folder's conversation when not empty.
  Status ReadDay(const std::string& member, std::string_view folder,
                 std::string_view conversation, std::string_view bytes);
  // Makes names and texts readable once every person is known, and puts the
  // messages in time order.
  void Finish();

 private:
  Result<Json> ReadArray(const std::string& member, std::string_view bytes);
  // Reads one element of a day file into a Message, or says why it cannot.
  Status ReadMessage(const Json& json, std::string_view folder,
                     const std::string& conversation,
                     const std::string& locator, int64_t line);
  std::string_view NameOf(std::string_view user_id) const;
  std::string ReadableText(std::string_view raw) const;

  std::string file_;
  Export& out_;
  // users.json's names by user id, then names read from messages'
  // user_profile for people users.json does not list.
  StringMap<std::string> user_names_;
  StringMap<std::string> profile_names_;
  StringMap<std::string> channel_names_;  // by id
  // Each folder's conversation: "#general", "DM Rina Wijaya, Budi Santoso".
  StringMap<std::string> folders_;
};

std::string_view ExportReader::NameOf(std::string_view user_id) const {
  if (auto it = user_names_.find(user_id); it != user_names_.end()) {
    return it->second;
  }
  if (auto it = profile_names_.find(user_id); it != profile_names_.end()) {
    return it->second;
  }
  return {};
}

Result<Json> ExportReader::ReadArray(const std::string& member,
                                     std::string_view bytes) {
  const std::string where = file_ + " " + member;
  LIVESOP_ASSIGN_OR_RETURN(Json json, ParseDocument(where, bytes));
  if (!json.is_array()) {
    return InvalidArgumentError(where + ": a JSON " +
                                std::string(json.type_name()) +
                                ", where Slack writes an array; export the "
                                "workspace again");
  }
  for (size_t i = 0; i < json.size(); ++i) {
    if (!json[i].is_object() || StringAt(json[i], "id").empty()) {
      return InvalidArgumentError(
          where + " entry " + std::to_string(i + 1) +
          ": not an object with an \"id\"; export the workspace again");
    }
  }
  return json;
}

Status ExportReader::ReadUsers(const std::string& member,
                               std::string_view bytes) {
  LIVESOP_ASSIGN_OR_RETURN(const Json users, ReadArray(member, bytes));
  out_.members.reserve(users.size());
  for (const Json& user : users) {
    Export::Member person;
    person.id = StringAt(user, "id");
    person.name = PersonName(user);
    if (const auto profile = user.find("profile");
        profile != user.end() && profile->is_object()) {
      person.email = Lowercase(StringAt(*profile, "email"));
      person.phone = StringAt(*profile, "phone");
    }
    user_names_[person.id] = person.name;
    out_.members.push_back(std::move(person));
  }
  return OkStatus();
}

Status ExportReader::ReadChannels(const std::string& member,
                                  std::string_view bytes) {
  LIVESOP_ASSIGN_OR_RETURN(const Json channels, ReadArray(member, bytes));
  for (size_t i = 0; i < channels.size(); ++i) {
    const std::string_view name = StringAt(channels[i], "name");
    if (name.empty()) {
      return InvalidArgumentError(file_ + " " + member + " entry " +
                                  std::to_string(i + 1) +
                                  ": no \"name\"; export the workspace again");
    }
    channel_names_[std::string(StringAt(channels[i], "id"))] = name;
    folders_[std::string(name)] = "#" + std::string(name);
  }
  return OkStatus();
}

Status ExportReader::ReadDirectMessages(const std::string& member,
                                        std::string_view bytes,
                                        bool named_by_id) {
  LIVESOP_ASSIGN_OR_RETURN(const Json conversations, ReadArray(member, bytes));
  for (size_t i = 0; i < conversations.size(); ++i) {
    const Json& entry = conversations[i];
    const std::string_view folder =
        named_by_id ? StringAt(entry, "id") : StringAt(entry, "name");
    if (folder.empty()) {
      return InvalidArgumentError(file_ + " " + member + " entry " +
                                  std::to_string(i + 1) +
                                  ": no \"name\"; export the workspace again");
    }
    std::string name = "DM ";
    bool first = true;
    if (const auto members = entry.find("members");
        members != entry.end() && members->is_array()) {
      for (const Json& id : *members) {
        if (!id.is_string()) continue;
        const std::string_view person =
            NameOf(id.get_ref<const std::string&>());
        if (!first) name += ", ";
        name += person.empty() ? id.get_ref<const std::string&>() : person;
        first = false;
      }
    }
    if (first) name += folder;
    folders_[std::string(folder)] = std::move(name);
  }
  return OkStatus();
}

Status ExportReader::ReadDay(const std::string& member, std::string_view folder,
                             std::string_view conversation,
                             std::string_view bytes) {
  const std::string where = member == file_ ? file_ : file_ + " " + member;
  std::string name(conversation);
  if (name.empty()) {
    const auto it = folders_.find(folder);
    name = it != folders_.end() ? it->second : "#" + std::string(folder);
  }
  const std::string locator_prefix =
      member == file_ ? std::string() : member + " ";
  int64_t count = 0;
  return ParseDayFile(where, bytes, [&](const Json& element, int64_t line) {
    const std::string locator =
        locator_prefix + "message " + std::to_string(++count);
    return ReadMessage(element, folder, name, locator, line);
  });
}

Status ExportReader::ReadMessage(const Json& json, std::string_view folder,
                                 const std::string& conversation,
                                 const std::string& locator, int64_t line) {
  const auto fail = [&](std::string_view what) {
    return InvalidArgumentError(file_ + " " + locator + " (line " +
                                std::to_string(line) +
                                "): " + std::string(what));
  };
  if (!json.is_object()) {
    return fail("a JSON " + std::string(json.type_name()) +
                ", where Slack writes a message object; give the export as "
                "Slack wrote it");
  }
  Message message;
  message.source = kSource;
  message.file = file_;
  message.locator = locator;
  message.line = line;
  message.conversation = conversation;
  message.zone = "UTC";

  std::string error;
  const std::string ts = TsAt(json, "ts", message.time_us, error);
  if (!error.empty()) return fail(error + "; the export is damaged");
  if (ts.empty()) {
    return fail(
        "no \"ts\" (every Slack message has one: its time and id); the "
        "export is damaged, export it again");
  }
  message.id = std::string(folder) + "/" + ts;
  int64_t thread_time = 0;
  const std::string thread_ts = TsAt(json, "thread_ts", thread_time, error);
  if (!error.empty()) return fail(error + "; the export is damaged");
  if (!thread_ts.empty()) {
    message.thread = std::string(folder) + "/" + thread_ts;
    if (thread_ts != ts) message.reply_to = message.thread;
  }

  for (std::string_view key :
       {"text", "subtype", "user", "bot_id", "username"}) {
    const auto it = json.find(key);
    if (it != json.end() && !it->is_null() && !it->is_string()) {
      return fail("\"" + std::string(key) + "\" is a JSON " +
                  std::string(it->type_name()) +
                  ", not a string; the export is damaged");
    }
  }
  const std::string_view subtype = StringAt(json, "subtype");
  message.text = StringAt(json, "text");
  if (subtype == "tombstone" || message.text == kDeletedText) {
    message.kind = MessageKind::kDeleted;
  } else if (!subtype.empty() && !IsTextSubtype(subtype)) {
    message.kind = MessageKind::kSystem;
  }
  // A bot or an integration often leaves the text empty and writes into
  // its legacy attachments; their fallback is the text Slack shows instead.
  if (message.text.empty()) {
    if (const auto parts = json.find("attachments");
        parts != json.end() && parts->is_array()) {
      for (const Json& part : *parts) {
        if (!part.is_object()) continue;
        const std::string_view fallback =
            FirstStringAt(part, {"fallback", "text"});
        if (fallback.empty()) continue;
        if (!message.text.empty()) message.text += '\n';
        message.text += fallback;
      }
    }
  }

  const std::string_view user = StringAt(json, "user");
  if (subtype == "bot_message" || (user.empty() && json.contains("bot_id"))) {
    message.sender = FirstStringAt(json, {"bot_id", "username", "user"});
    message.sender_name = StringAt(json, "username");
    if (const auto bot = json.find("bot_profile");
        message.sender_name.empty() && bot != json.end() && bot->is_object()) {
      message.sender_name = StringAt(*bot, "name");
    }
  } else {
    message.sender = user;
  }
  if (const auto profile = json.find("user_profile");
      !user.empty() && profile != json.end() && profile->is_object()) {
    const std::string_view name = PersonName(*profile);
    if (!name.empty()) profile_names_.try_emplace(std::string(user), name);
  }

  const auto edited = json.find("edited");
  message.edited = edited != json.end() && edited->is_object();

  if (const auto reactions = json.find("reactions");
      reactions != json.end() && !reactions->is_null()) {
    if (!reactions->is_array()) return fail("\"reactions\" is not a list");
    for (const Json& reaction : *reactions) {
      const std::string_view name =
          reaction.is_object() ? ReactionName(StringAt(reaction, "name"))
                               : std::string_view();
      if (name.empty()) {
        return fail("a reaction without a \"name\"; the export is damaged");
      }
      auto same = std::find_if(
          message.reactions.begin(), message.reactions.end(),
          [&](const Reaction& other) { return other.name == name; });
      if (same == message.reactions.end()) {
        message.reactions.push_back(Reaction{std::string(name), {}});
        same = message.reactions.end() - 1;
      }
      if (const auto users = reaction.find("users");
          users != reaction.end() && users->is_array()) {
        for (const Json& id : *users) {
          if (!id.is_string()) continue;
          const std::string& sender = id.get_ref<const std::string&>();
          if (std::find(same->senders.begin(), same->senders.end(), sender) ==
              same->senders.end()) {
            same->senders.push_back(sender);
          }
        }
      }
    }
  }

  // Exports link files rather than hold them; older ones put a file share's
  // one file under "file".
  const auto add_file = [&](const Json& file) {
    if (!file.is_object()) return false;
    Attachment attachment;
    attachment.name = FirstStringAt(file, {"name", "title", "id"});
    attachment.mime_type = StringAt(file, "mimetype");
    if (const auto size = file.find("size");
        size != file.end() && size->is_number_integer()) {
      attachment.size = size->get<int64_t>();
    }
    attachment.omitted = true;
    message.attachments.push_back(std::move(attachment));
    return true;
  };
  if (const auto files = json.find("files");
      files != json.end() && !files->is_null()) {
    if (!files->is_array()) return fail("\"files\" is not a list");
    for (const Json& file : *files) {
      if (!add_file(file)) return fail("a file that is not an object");
    }
  } else if (const auto file = json.find("file");
             file != json.end() && !file->is_null() && !add_file(*file)) {
    return fail("\"file\" is not an object");
  }

  out_.messages.push_back(std::move(message));
  return OkStatus();
}

// Slack's markup made readable: "<@U123>" is "@Rina Wijaya", "<#C123|general>"
// is "#general", "<https://x|label>" is "label (https://x)", "<!here>" is
// "@here", and "&amp;", "&lt;", "&gt;" (the only escapes Slack writes) are
// unescaped.
std::string ExportReader::ReadableText(std::string_view raw) const {
  std::string text;
  text.reserve(raw.size());
  const auto append_unescaped = [&text](std::string_view part) {
    for (size_t i = 0; i < part.size(); ++i) {
      if (part[i] == '&') {
        const std::string_view rest = part.substr(i);
        if (rest.starts_with("&amp;")) {
          text += '&';
          i += 4;
          continue;
        }
        if (rest.starts_with("&lt;")) {
          text += '<';
          i += 3;
          continue;
        }
        if (rest.starts_with("&gt;")) {
          text += '>';
          i += 3;
          continue;
        }
      }
      text += part[i];
    }
  };
  size_t at = 0;
  while (at < raw.size()) {
    const size_t open = raw.find('<', at);
    const size_t close =
        open == std::string_view::npos ? open : raw.find('>', open + 1);
    if (close == std::string_view::npos) {
      append_unescaped(raw.substr(at));
      break;
    }
    append_unescaped(raw.substr(at, open - at));
    const std::string_view inner = raw.substr(open + 1, close - open - 1);
    const size_t bar = inner.find('|');
    const std::string_view target = inner.substr(0, bar);
    const std::string_view label = bar == std::string_view::npos
                                       ? std::string_view()
                                       : inner.substr(bar + 1);
    if (target.starts_with('@')) {
      const std::string_view name = NameOf(target.substr(1));
      text += '@';
      if (!name.empty()) {
        text += name;
      } else {
        append_unescaped(label.empty() ? target.substr(1) : label);
      }
    } else if (target.starts_with('#')) {
      text += '#';
      if (!label.empty()) {
        append_unescaped(label);
      } else {
        const auto it = channel_names_.find(target.substr(1));
        text += it != channel_names_.end() ? std::string_view(it->second)
                                           : target.substr(1);
      }
    } else if (target.starts_with('!')) {
      // "<!here>", "<!channel>", "<!subteam^S1|@design>",
      // "<!date^1709368200^{date}|2 March 2026>": the label is what Slack
      // shows; a bare special mention is shown as "@here".
      if (!label.empty()) {
        append_unescaped(label);
      } else {
        text += '@';
        append_unescaped(target.substr(1, target.find('^') - 1));
      }
    } else {
      // A link. "mailto:" links show as their address.
      std::string_view url = target;
      if (url.starts_with("mailto:")) url.remove_prefix(7);
      if (label.empty() || label == url || label == target) {
        append_unescaped(url);
      } else {
        append_unescaped(label);
        text += " (";
        append_unescaped(url);
        text += ')';
      }
    }
    at = close + 1;
  }
  return text;
}

void ExportReader::Finish() {
  for (Message& message : out_.messages) {
    if (message.sender_name.empty() && !message.sender.empty()) {
      message.sender_name = NameOf(message.sender);
    }
    if (message.text.find_first_of("<&") != std::string::npos) {
      message.text = ReadableText(message.text);
    }
  }
  std::stable_sort(
      out_.messages.begin(), out_.messages.end(),
      [](const Message& a, const Message& b) { return a.time_us < b.time_us; });
}

// A day file's name: "2026-03-02.json".
bool IsDayFileName(std::string_view name) {
  if (name.size() != 15 || !name.ends_with(".json")) return false;
  for (size_t i = 0; i < 10; ++i) {
    const bool dash = i == 4 || i == 7;
    if (dash ? name[i] != '-' : (name[i] < '0' || name[i] > '9')) return false;
  }
  return true;
}

// The directory files, read before the day files they name people and
// channels for.
constexpr std::string_view kDirectoryFiles[] = {
    "users.json", "channels.json", "groups.json", "dms.json", "mpims.json"};

Result<Export> ParseWorkspace(std::string_view name, std::string_view bytes,
                              const ReadOptions& options) {
  LIVESOP_ASSIGN_OR_RETURN(std::vector<ZipMember> members,
                           ReadZip(name, bytes, options.max_bytes));
  // Some archivers put the export in a folder of its own; the directory
  // files tell where the export starts.
  std::string root;
  size_t root_depth = std::string::npos;
  for (const ZipMember& member : members) {
    const size_t slash = member.name.rfind('/');
    const std::string_view base =
        slash == std::string::npos
            ? std::string_view(member.name)
            : std::string_view(member.name).substr(slash + 1);
    if (std::find(std::begin(kDirectoryFiles), std::end(kDirectoryFiles),
                  base) == std::end(kDirectoryFiles)) {
      continue;
    }
    const size_t depth =
        std::count(member.name.begin(), member.name.end(), '/');
    if (depth < root_depth) {
      root_depth = depth;
      root = slash == std::string::npos ? "" : member.name.substr(0, slash + 1);
    }
  }

  Export out;
  out.source = kSource;
  out.file = name;
  ExportReader reader(name, out);
  for (std::string_view directory_file : kDirectoryFiles) {
    const auto member =
        std::find_if(members.begin(), members.end(), [&](const ZipMember& m) {
          return m.name.size() == root.size() + directory_file.size() &&
                 m.name.starts_with(root) && m.name.ends_with(directory_file);
        });
    if (member == members.end()) continue;
    if (directory_file == "users.json") {
      LIVESOP_RETURN_IF_ERROR(reader.ReadUsers(member->name, member->bytes));
    } else if (directory_file == "channels.json" ||
               directory_file == "groups.json") {
      LIVESOP_RETURN_IF_ERROR(reader.ReadChannels(member->name, member->bytes));
    } else {
      LIVESOP_RETURN_IF_ERROR(reader.ReadDirectMessages(
          member->name, member->bytes, directory_file == "dms.json"));
    }
  }

  // Day files by folder and date, so messages at the same instant keep one
  // order whatever order the archive lists them in.
  struct Day {
    const ZipMember* member;
    std::string_view folder;
  };
  std::vector<Day> days;
  for (const ZipMember& member : members) {
    if (!member.name.starts_with(root)) continue;
    const std::string_view path =
        std::string_view(member.name).substr(root.size());
    const size_t slash = path.find('/');
    if (slash == std::string_view::npos || slash == 0 ||
        path.find('/', slash + 1) != std::string_view::npos ||
        !IsDayFileName(path.substr(slash + 1))) {
      continue;
    }
    days.push_back(Day{&member, path.substr(0, slash)});
  }
  if (days.empty() && root_depth == std::string::npos) {
    return InvalidArgumentError(
        std::string(name) +
        ": not a Slack export (no users.json, channels.json or channel "
        "folders of day files like general/2026-03-02.json); give the zip "
        "Slack's workspace export made");
  }
  std::sort(days.begin(), days.end(), [](const Day& a, const Day& b) {
    return a.member->name < b.member->name;
  });
  for (const Day& day : days) {
    LIVESOP_RETURN_IF_ERROR(
        reader.ReadDay(day.member->name, day.folder, {}, day.member->bytes));
  }
  reader.Finish();
  return out;
}

// One channel's day file given alone: the channel is the option's
// conversation, else the folder the file is in ("general/2026-03-02.json"),
// else the file's own name ("general.json").
Result<Export> ParseDayFileAlone(std::string_view name, std::string_view bytes,
                                 const ReadOptions& options) {
  std::string_view path = name;
  const size_t slash = path.find_last_of("/\\");
  std::string_view base =
      slash == std::string_view::npos ? path : path.substr(slash + 1);
  std::string_view folder;
  if (IsDayFileName(base) && slash != std::string_view::npos) {
    const std::string_view parent = path.substr(0, slash);
    const size_t parent_slash = parent.find_last_of("/\\");
    folder = parent_slash == std::string_view::npos
                 ? parent
                 : parent.substr(parent_slash + 1);
  } else if (!IsDayFileName(base)) {
    folder =
        EndsWithNoCase(base, ".json") ? base.substr(0, base.size() - 5) : base;
  }
  std::string conversation = options.conversation;
  if (!conversation.empty()) {
    folder = conversation;
    if (folder.starts_with('#')) folder.remove_prefix(1);
  } else if (!folder.empty()) {
    conversation = "#" + std::string(folder);
  } else {
    return InvalidArgumentError(
        std::string(name) +
        ": the file's name does not tell the channel; give the channel's "
        "name as the conversation, or the file inside its channel folder");
  }
  Export out;
  out.source = kSource;
  out.file = name;
  ExportReader reader(name, out);
  LIVESOP_RETURN_IF_ERROR(
      reader.ReadDay(std::string(name), folder, conversation, bytes));
  reader.Finish();
  return out;
}

class SlackConnectorImpl final : public Connector {
 public:
  std::string_view Name() const override { return kSource; }
  std::string_view Description() const override {
    return "Slack workspace export (.zip of channel folders with daily JSON "
           "files, users.json, channels.json), or one channel's day file "
           "(.json)";
  }

  Result<Export> Parse(std::string_view name, std::string_view bytes,
                       const ReadOptions& options) const override {
    if (static_cast<int64_t>(bytes.size()) > options.max_bytes) {
      return ResourceExhaustedError(
          std::string(name) + ": " + std::to_string(bytes.size()) +
          " bytes, more than the " + std::to_string(options.max_bytes) +
          " an import reads; export fewer days or channels");
    }
    try {
      if (LooksLikeZip(bytes) || EndsWithNoCase(name, ".zip")) {
        return ParseWorkspace(name, bytes, options);
      }
      const size_t first = bytes.find_first_not_of(" \t\r\n");
      if (EndsWithNoCase(name, ".json") ||
          (first != std::string_view::npos && bytes[first] == '[')) {
        return ParseDayFileAlone(name, bytes, options);
      }
    } catch (const std::exception& error) {
      // The readers check every value's type before reading it; this is
      // the last guard of "never crashes on any input".
      return InternalError(std::string(name) +
                           ": cannot be read as a Slack export (" +
                           error.what() + ")");
    }
    return InvalidArgumentError(
        std::string(name) +
        ": not a Slack export; give the workspace export's .zip or one "
        "channel's day file (.json)");
  }
};

}  // namespace

const Connector& SlackConnector() {
  static const SlackConnectorImpl* const connector = new SlackConnectorImpl;
  return *connector;
}

}  // namespace livesop::connect::internal

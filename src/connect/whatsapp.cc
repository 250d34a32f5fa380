// WhatsApp chat exports (docs/side-paths/whatsapp.md): the text file
// "Export chat" writes, alone or in a zip with the media, from Android and
// iOS, in English and Indonesian, with 12- or 24-hour clocks and any date
// order. A message starts with its date and time; lines that do not are the
// previous message's next lines.
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "connect/connector.h"
#include "connect/internal/connectors.h"
#include "connect/internal/digest.h"
#include "connect/internal/zip.h"
#include "core/time.h"

namespace livesop::connect::internal {
namespace {

// Marks WhatsApp puts before the text of system lines, media and deletions
// (U+200E LEFT-TO-RIGHT MARK), and at the start of a file (the BOM).
constexpr std::string_view kLrm = "\xE2\x80\x8E";
constexpr std::string_view kBom = "\xEF\xBB\xBF";

// A message's first line, taken apart; the date's parts are kept as
// written until the export's date order is known.
struct Header {
  std::array<int, 3> date{};  // the three numbers as written
  int year_digits = 0;        // of the third number (2 or 4); 0 for ymd
  bool year_first = false;    // 2026-03-12
  int hour = 0;
  int minute = 0;
  int second = 0;
  bool seconds_given = false;
  std::string_view rest;  // after "] " or " - ": "Name: text" or a notice
  bool ios = false;       // "[date, time] " rather than "date, time - "
};

// Whether `text` is well-formed UTF-8, which WhatsApp always writes.
bool IsUtf8(std::string_view text) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(text.data());
  const auto length = static_cast<int32_t>(text.size());
  for (int32_t i = 0; i < length;) {
    UChar32 c = 0;
    U8_NEXT(bytes, i, length, c);
    if (c < 0) return false;
  }
  return true;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Reads 1 to `max_digits` digits at `text[*at]`.
std::optional<int> Number(std::string_view text, size_t* at, int max_digits,
                          int* digits = nullptr) {
  size_t end = *at;
  while (end < text.size() && IsDigit(text[end]) &&
         end - *at < static_cast<size_t>(max_digits)) {
    ++end;
  }
  if (end == *at) return std::nullopt;
  if (end < text.size() && IsDigit(text[end])) return std::nullopt;
  int value = 0;
  std::from_chars(text.data() + *at, text.data() + end, value);
  if (digits != nullptr) *digits = static_cast<int>(end - *at);
  *at = end;
  return value;
}

bool Skip(std::string_view text, size_t* at, std::string_view what) {
  if (text.substr(*at).starts_with(what)) {
    *at += what.size();
    return true;
  }
  return false;
}

// The spaces phones put between a time and AM/PM: a space, a no-break
// space or a narrow no-break space (U+202F, newer phones).
bool SkipSpace(std::string_view text, size_t* at) {
  return Skip(text, at, " ") || Skip(text, at, "\xE2\x80\xAF") ||
         Skip(text, at, "\xC2\xA0");
}

// "AM", "pm", "a.m.", "p. m.": returns 0 for AM, 12 for PM.
std::optional<int> Meridiem(std::string_view text, size_t* at) {
  size_t i = *at;
  if (i >= text.size()) return std::nullopt;
  const char first = static_cast<char>(text[i] | 0x20);
  if (first != 'a' && first != 'p') return std::nullopt;
  ++i;
  Skip(text, &i, ".");
  SkipSpace(text, &i);
  if (i >= text.size() || (text[i] | 0x20) != 'm') return std::nullopt;
  ++i;
  Skip(text, &i, ".");
  *at = i;
  return first == 'a' ? 0 : 12;
}

// Reads "12/03/2026, 14:05" (and its variants) at `text[*at]`.
bool DateAndTime(std::string_view text, size_t* at, Header* header) {
  size_t i = *at;
  int first_digits = 0;
  const std::optional<int> a = Number(text, &i, 4, &first_digits);
  if (!a || i >= text.size()) return false;
  const char separator = text[i];
  if (separator != '/' && separator != '.' && separator != '-') return false;
  ++i;
  const std::optional<int> b = Number(text, &i, 2);
  if (!b || !Skip(text, &i, std::string_view(&separator, 1))) return false;
  int last_digits = 0;
  const std::optional<int> c = Number(text, &i, 4, &last_digits);
  if (!c) return false;
  header->year_first = first_digits == 4;
  if (header->year_first ? last_digits > 2 : first_digits > 2) return false;
  header->year_digits = header->year_first ? 0 : last_digits;
  if (!header->year_first && last_digits != 2 && last_digits != 4) {
    return false;
  }
  header->date = {*a, *b, *c};
  Skip(text, &i, ",");
  if (!SkipSpace(text, &i)) return false;
  const std::optional<int> hour = Number(text, &i, 2);
  if (!hour || i >= text.size() || (text[i] != ':' && text[i] != '.')) {
    return false;
  }
  const char time_separator = text[i++];
  const std::optional<int> minute = Number(text, &i, 2);
  if (!minute) return false;
  header->seconds_given = false;
  header->second = 0;
  if (i < text.size() && text[i] == time_separator) {
    size_t j = i + 1;
    const std::optional<int> second = Number(text, &j, 2);
    if (second) {
      header->second = *second;
      header->seconds_given = true;
      i = j;
    }
  }
  header->hour = *hour;
  header->minute = *minute;
  size_t j = i;
  if (SkipSpace(text, &j)) {
    if (const std::optional<int> meridiem = Meridiem(text, &j)) {
      if (header->hour < 1 || header->hour > 12) return false;
      header->hour = header->hour % 12 + *meridiem;
      i = j;
    }
  }
  *at = i;
  return true;
}

// A message header at the start of `line`, or nothing (a next line).
std::optional<Header> ReadHeader(std::string_view line) {
  size_t at = 0;
  while (Skip(line, &at, kLrm) || Skip(line, &at, kBom)) {
  }
  Header header;
  if (Skip(line, &at, "[")) {
    if (!DateAndTime(line, &at, &header) || !Skip(line, &at, "] ")) {
      return std::nullopt;
    }
    header.ios = true;
  } else {
    if (!DateAndTime(line, &at, &header)) return std::nullopt;
    // " - " with a plain or a no-break space before the dash.
    if (!Skip(line, &at, " - ") && !Skip(line, &at, "\xE2\x80\xAF- ")) {
      return std::nullopt;
    }
  }
  header.rest = line.substr(at);
  return header;
}

enum class DateOrder { kDmy, kMdy, kYmd };

struct Civil {
  int year = 0;
  int month = 0;
  int day = 0;
};

Civil ToCivil(const Header& header, DateOrder order) {
  const auto& d = header.date;
  const auto full_year = [&](int y) {
    return header.year_digits == 2 ? 2000 + y : y;
  };
  switch (order) {
    case DateOrder::kYmd:
      return {d[0], d[1], d[2]};
    case DateOrder::kMdy:
      return {full_year(d[2]), d[0], d[1]};
    case DateOrder::kDmy:
      break;
  }
  return {full_year(d[2]), d[1], d[0]};
}

bool Valid(const Civil& c) {
  return c.month >= 1 && c.month <= 12 && c.day >= 1 && c.day <= 31;
}

// Which date order the export uses: a date that only one order can read
// tells; else the order in which the dates never go back in time (a chat
// is written in time order); else the export cannot tell and the caller
// must say.
Result<DateOrder> DecideOrder(const std::vector<Header>& headers,
                              std::string_view wanted,
                              const std::string& file) {
  if (wanted == "dmy") return DateOrder::kDmy;
  if (wanted == "mdy") return DateOrder::kMdy;
  if (wanted == "ymd") return DateOrder::kYmd;
  if (wanted != "auto" && !wanted.empty()) {
    return InvalidArgumentError("unknown date order \"" + std::string(wanted) +
                                "\"; give dmy, mdy or ymd");
  }
  if (!headers.empty() && headers.front().year_first) return DateOrder::kYmd;
  bool dmy_possible = true;
  bool mdy_possible = true;
  for (const Header& header : headers) {
    dmy_possible = dmy_possible && Valid(ToCivil(header, DateOrder::kDmy));
    mdy_possible = mdy_possible && Valid(ToCivil(header, DateOrder::kMdy));
  }
  if (dmy_possible != mdy_possible) {
    return dmy_possible ? DateOrder::kDmy : DateOrder::kMdy;
  }
  if (!dmy_possible) {
    return InvalidArgumentError(
        file +
        ": its dates fit neither day/month/year nor month/day/year; "
        "check that it is a WhatsApp export");
  }
  const auto in_time_order = [&](DateOrder order) {
    std::array<int, 3> last{};
    for (const Header& header : headers) {
      const Civil c = ToCivil(header, order);
      const std::array<int, 3> key = {c.year, c.month, c.day};
      if (key < last) return false;
      last = key;
    }
    return true;
  };
  const bool dmy_ordered = in_time_order(DateOrder::kDmy);
  const bool mdy_ordered = in_time_order(DateOrder::kMdy);
  if (dmy_ordered != mdy_ordered) {
    return dmy_ordered ? DateOrder::kDmy : DateOrder::kMdy;
  }
  return InvalidArgumentError(
      file +
      ": its dates read as day/month and as month/day alike (no day past "
      "the 12th); give the phone's date order with --date-order dmy or mdy");
}

std::string_view StripLrm(std::string_view text) {
  while (text.starts_with(kLrm)) text.remove_prefix(kLrm.size());
  return text;
}

bool OneOf(std::string_view text,
           std::initializer_list<std::string_view> options) {
  return std::find(options.begin(), options.end(), text) != options.end();
}

bool IsDeletedText(std::string_view text) {
  return OneOf(text, {"This message was deleted", "This message was deleted.",
                      "You deleted this message", "You deleted this message.",
                      "Pesan ini telah dihapus", "Pesan ini telah dihapus.",
                      "Anda menghapus pesan ini", "Anda menghapus pesan ini."});
}

// What WhatsApp writes where a medium was left out of the export.
std::optional<std::string_view> OmittedMedium(std::string_view text) {
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 16>
      kOmitted = {{
          {"<Media omitted>", "media"},
          {"<Media tidak disertakan>", "media"},
          {"image omitted", "image"},
          {"video omitted", "video"},
          {"audio omitted", "audio"},
          {"sticker omitted", "sticker"},
          {"document omitted", "document"},
          {"GIF omitted", "GIF"},
          {"Contact card omitted", "contact card"},
          {"gambar tidak disertakan", "image"},
          {"video tidak disertakan", "video"},
          {"audio tidak disertakan", "audio"},
          {"stiker tidak disertakan", "sticker"},
          {"dokumen tidak disertakan", "document"},
          {"GIF tidak disertakan", "GIF"},
          {"kartu kontak tidak disertakan", "contact card"},
      }};
  for (const auto& [written, medium] : kOmitted) {
    if (text == written) return medium;
  }
  return std::nullopt;
}

// Notices WhatsApp writes in the chat itself, in English and Indonesian.
// On iOS they come as "Group name: ‎notice", so they are told by their
// words; on Android they have no "Name: " at all.
bool IsNotice(std::string_view text) {
  static constexpr std::array<std::string_view, 24> kPhrases = {
      "Messages and calls are end-to-end encrypted",
      "Messages to this group are now secured",
      "created group",
      "created this group",
      " added ",
      " removed ",
      " left",
      "joined using this group's invite link",
      "changed the subject",
      "changed this group's icon",
      "changed the group description",
      "changed their phone number",
      "You're now an admin",
      "security code changed",
      "Pesan dan panggilan terenkripsi",
      "membuat grup",
      " menambahkan ",
      " mengeluarkan ",
      " keluar",
      "bergabung menggunakan tautan undangan",
      "mengubah subjek",
      "mengubah ikon grup",
      "mengubah deskripsi grup",
      "kode keamanan",
  };
  return std::any_of(kPhrases.begin(), kPhrases.end(),
                     [&](std::string_view phrase) {
                       return text.find(phrase) != std::string_view::npos;
                     });
}

// The marks WhatsApp appends to an edited message.
bool StripEdited(std::string& text) {
  for (std::string_view mark :
       {"<This message was edited>", "<Pesan ini diedit>"}) {
    if (std::string_view(text).ends_with(mark)) {
      text.resize(text.size() - mark.size());
      while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) {
        text.pop_back();
      }
      if (std::string_view(text).ends_with(kLrm)) {
        text.resize(text.size() - kLrm.size());
      }
      return true;
    }
  }
  return false;
}

// A file the message carries: "<attached: NAME>" (iOS), "NAME (file
// attached)" (Android), and their Indonesian forms. Removes the mark from
// `text` and returns the file's name.
std::optional<std::string> TakeAttached(std::string& text) {
  for (std::string_view open : {"<attached: ", "<terlampir: "}) {
    const size_t start = text.find(open);
    if (start == std::string::npos) continue;
    const size_t end = text.find('>', start);
    if (end == std::string::npos) continue;
    std::string name =
        text.substr(start + open.size(), end - start - open.size());
    text.erase(start, end + 1 - start);
    return name;
  }
  for (std::string_view mark : {" (file attached)", " (file terlampir)"}) {
    const size_t at = text.find(mark);
    if (at == std::string::npos) continue;
    const size_t line_start = text.rfind('\n', at);
    const size_t begin = line_start == std::string::npos ? 0 : line_start + 1;
    std::string name = text.substr(begin, at - begin);
    size_t erase_end = at + mark.size();
    if (erase_end < text.size() && text[erase_end] == '\n') ++erase_end;
    text.erase(begin, erase_end - begin);
    return name;
  }
  return std::nullopt;
}

// The chat's name from the export's file name: "WhatsApp Chat with Ramadan
// Sale.txt", "WhatsApp Chat - Ramadan Sale.zip", "Chat WhatsApp dengan
// Ramadan Sale.txt".
std::string ConversationOf(std::string_view path) {
  const size_t slash = path.find_last_of("/\\");
  std::string_view name =
      slash == std::string_view::npos ? path : path.substr(slash + 1);
  const size_t dot = name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
  for (std::string_view prefix :
       {"WhatsApp Chat with ", "WhatsApp Chat - ", "Chat WhatsApp dengan ",
        "Chat WhatsApp - "}) {
    if (name.starts_with(prefix)) {
      name.remove_prefix(prefix.size());
      break;
    }
  }
  return std::string(name);
}

// Splits "Name: text" (the first ": "). On Android a notice has no name.
bool SplitSender(std::string_view rest, std::string_view* sender,
                 std::string_view* text) {
  const size_t colon = rest.find(": ");
  if (colon == std::string_view::npos || colon == 0 || colon > 80) {
    return false;
  }
  *sender = rest.substr(0, colon);
  *text = rest.substr(colon + 2);
  return true;
}

// Turns a zone's local times into instants, asking the time zone database
// once per local hour.
class LocalClock {
 public:
  explicit LocalClock(std::string zone) : zone_(std::move(zone)) {}

  Result<ZonedInstant> Resolve(const CivilTime& civil) {
    const int64_t key =
        ((int64_t{civil.year} * 13 + civil.month) * 32 + civil.day) * 24 +
        civil.hour;
    auto found = hours_.find(key);
    if (found == hours_.end()) {
      CivilTime hour = civil;
      hour.minute = 0;
      hour.second = 0;
      LIVESOP_ASSIGN_OR_RETURN(ZonedInstant start,
                               ResolveCivilTime(zone_, hour));
      found = hours_.emplace(key, start).first;
    }
    ZonedInstant instant = found->second;
    instant.time_us += (int64_t{civil.minute} * 60 + civil.second) * 1'000'000;
    return instant;
  }

  const std::string& zone() const { return zone_; }

 private:
  std::string zone_;
  std::map<int64_t, ZonedInstant> hours_;
};

struct Chat {
  std::string file;       // for messages: the export's name
  std::string member;     // the text file inside a zip; empty otherwise
  std::string_view text;  // the chat's text
  std::map<std::string, const std::string*> media;  // zip members by name
};

Result<Export> ParseChat(const Chat& chat, const ReadOptions& options) {
  Export result;
  result.source = "whatsapp";
  result.file = chat.file;
  const std::string where =
      chat.member.empty() ? chat.file : chat.file + " " + chat.member;

  // First pass: find each message's first line and read its header.
  struct Start {
    int64_t line = 0;
    size_t begin = 0;  // offset of the line in the text
    size_t end = 0;
    Header header;
  };
  std::vector<Start> starts;
  std::vector<Header> headers;
  int64_t line_number = 0;
  int64_t first_orphan = 0;
  for (size_t begin = 0; begin < chat.text.size();) {
    size_t end = chat.text.find('\n', begin);
    if (end == std::string_view::npos) end = chat.text.size();
    ++line_number;
    std::string_view line = chat.text.substr(begin, end - begin);
    if (line.ends_with('\r')) line.remove_suffix(1);
    if (!IsUtf8(line)) {
      return InvalidArgumentError(
          where + ":" + std::to_string(line_number) +
          ": not UTF-8 text, which WhatsApp writes; the file was converted "
          "to another encoding after the export: export the chat again");
    }
    if (std::optional<Header> header = ReadHeader(line)) {
      starts.push_back({line_number, begin, end, *header});
      headers.push_back(*header);
    } else if (starts.empty() && first_orphan == 0 && !StripLrm(line).empty() &&
               line != kBom) {
      first_orphan = line_number;
    }
    begin = end + 1;
  }
  if (starts.empty()) {
    if (chat.text.find_first_not_of(" \r\n\t") == std::string_view::npos) {
      return result;  // an empty chat: nothing to import
    }
    std::string_view first = chat.text.substr(0, chat.text.find('\n'));
    if (first.size() > 60) first = first.substr(0, 60);
    return InvalidArgumentError(
        where +
        ":1: no line starts with a date and time WhatsApp writes (such as "
        "\"12/03/2026, 14:05 - Name: text\" or \"[12/03/26 14.05.32] Name: "
        "text\"); the first line is \"" +
        std::string(first) +
        "\". Export the chat again with \"Export chat\" from the phone");
  }
  if (first_orphan != 0) {
    return InvalidArgumentError(
        where + ":" + std::to_string(first_orphan) +
        ": text before the first message; the export may be cut at its "
        "start: export the chat again");
  }
  LIVESOP_ASSIGN_OR_RETURN(DateOrder order,
                           DecideOrder(headers, options.date_order, where));
  LocalClock clock(options.time_zone.empty() ? "UTC" : options.time_zone);
  const std::string conversation = !options.conversation.empty()
                                       ? options.conversation
                                       : ConversationOf(chat.file);

  result.messages.reserve(starts.size());
  for (size_t i = 0; i < starts.size(); ++i) {
    const Start& start = starts[i];
    const size_t text_end =
        i + 1 < starts.size() ? starts[i + 1].begin : chat.text.size();
    const Header& header = start.header;
    const Civil civil = ToCivil(header, order);
    Result<ZonedInstant> instant =
        clock.Resolve({civil.year, civil.month, civil.day, header.hour,
                       header.minute, header.second});
    if (!instant.ok()) {
      return InvalidArgumentError(where + ":" + std::to_string(start.line) +
                                  ": " + instant.status().message());
    }
    Message message;
    message.source = "whatsapp";
    message.conversation = conversation;
    message.time_us = instant->time_us;
    message.utc_offset_minutes = instant->utc_offset_minutes;
    message.zone = clock.zone();
    message.file = chat.file;
    message.locator = chat.member;
    message.line = start.line;

    // The first line's text and the next lines, without the final newline.
    std::string_view body =
        chat.text.substr(start.begin, text_end - start.begin);
    body.remove_prefix(header.rest.data() - (chat.text.data() + start.begin));
    while (body.ends_with('\n') || body.ends_with('\r')) body.remove_suffix(1);

    std::string_view sender;
    std::string_view said;
    const bool has_sender = SplitSender(body, &sender, &said);
    if (!has_sender) {
      message.kind = MessageKind::kSystem;  // Android notices
      message.text = std::string(StripLrm(body));
    } else {
      message.sender = std::string(StripLrm(sender));
      message.sender_name = message.sender;
      const bool marked = said.starts_with(kLrm);
      std::string text(StripLrm(said));
      if (text.find('\r') != std::string::npos) {
        std::erase(text, '\r');
      }
      message.edited = StripEdited(text);
      if (IsDeletedText(text)) {
        message.kind = MessageKind::kDeleted;
      } else if (header.ios && marked && IsNotice(text)) {
        message.kind = MessageKind::kSystem;
      } else if (std::optional<std::string_view> medium = OmittedMedium(text)) {
        Attachment attachment;
        attachment.name = std::string(*medium);
        attachment.omitted = true;
        message.attachments.push_back(std::move(attachment));
        text.clear();
      } else if (std::optional<std::string> file = TakeAttached(text)) {
        Attachment attachment;
        attachment.name = *file;
        const auto held = chat.media.find(*file);
        if (held != chat.media.end()) {
          attachment.size = static_cast<int64_t>(held->second->size());
          attachment.sha256 = Sha256Hex(*held->second);
        } else {
          attachment.omitted = true;
        }
        message.attachments.push_back(std::move(attachment));
        while (!text.empty() && (text.front() == '\n' || text.front() == ' ')) {
          text.erase(text.begin());
        }
      }
      message.text = std::move(text);
    }
    result.messages.push_back(std::move(message));
  }
  return result;
}

class WhatsApp final : public Connector {
 public:
  std::string_view Name() const override { return "whatsapp"; }
  std::string_view Description() const override {
    return "WhatsApp chat exports (.txt, or the .zip with media) from "
           "Android and iOS";
  }

  Result<Export> Parse(std::string_view name, std::string_view bytes,
                       const ReadOptions& options) const override {
    const std::string file(name);
    if (static_cast<int64_t>(bytes.size()) > options.max_bytes) {
      return ResourceExhaustedError(file + ": larger than " +
                                    std::to_string(options.max_bytes) +
                                    " bytes; export a shorter period");
    }
    if (!LooksLikeZip(bytes)) {
      if (bytes.find('\0') != std::string_view::npos) {
        return InvalidArgumentError(
            file +
            ": not a text file (it holds NUL bytes); give the .txt "
            "or .zip the phone's \"Export chat\" wrote");
      }
      return ParseChat({file, "", bytes, {}}, options);
    }
    LIVESOP_ASSIGN_OR_RETURN(std::vector<ZipMember> members,
                             ReadZip(file, bytes, options.max_bytes));
    Chat chat;
    chat.file = file;
    const ZipMember* text = nullptr;
    for (const ZipMember& member : members) {
      const std::string_view member_name(member.name);
      if (member_name.ends_with(".txt") &&
          (text == nullptr || member_name == "_chat.txt" ||
           member_name.find("WhatsApp") != std::string_view::npos)) {
        text = &member;
      }
    }
    if (text == nullptr) {
      return InvalidArgumentError(
          file +
          ": the zip holds no chat text (_chat.txt or \"WhatsApp Chat "
          "with ….txt\"); export the chat again");
    }
    for (const ZipMember& member : members) {
      if (&member == text) continue;
      const size_t slash = member.name.find_last_of('/');
      chat.media[slash == std::string::npos ? member.name
                                            : member.name.substr(slash + 1)] =
          &member.bytes;
    }
    chat.member = text->name;
    chat.text = text->bytes;
    if (chat.text.find('\0') != std::string_view::npos) {
      return InvalidArgumentError(file + " " + text->name +
                                  ": not a text file (it holds NUL bytes)");
    }
    ReadOptions named = options;
    if (named.conversation.empty()) {
      named.conversation = ConversationOf(
          text->name == "_chat.txt" ? file : std::string(text->name));
    }
    return ParseChat(chat, named);
  }
};

}  // namespace

const Connector& WhatsAppConnector() {
  static const WhatsApp connector;
  return connector;
}

}  // namespace livesop::connect::internal

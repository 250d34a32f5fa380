// The "sheet" connector: spreadsheet trackers exported as CSV or XLSX, one
// Message per data row with the row's cells by column name
// (docs/side-paths/sheet.md).
//
// CSV goes through eventlog's ReadCsvTable (libcsv, the delimiter detected,
// lines counted). XLSX is a zip of OOXML parts read with libzip and
// pugixml: the workbook for sheet names and the date system, its
// relationships for the sheet's part, the shared strings, the styles for
// which number formats are dates, and the sheet's cells by reference.
#include <date/date.h>
#include <iconv.h>

#include <pugixml.hpp>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <exception>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "connect/internal/connectors.h"
#include "connect/internal/zip.h"
#include "core/text.h"
#include "core/time.h"
#include "eventlog/csv.h"

namespace livesop::connect::internal {
namespace {

constexpr std::string_view kSource = "sheet";

// An XLSX sheet's limits (Excel's own): cells past them mean a damaged part.
constexpr int64_t kMaxRows = 1'048'576;
constexpr size_t kMaxColumns = 16'384;

// ---------------------------------------------------------------------------
// Small text helpers.

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c;
}

bool EqualsIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(),
                    [](char x, char y) { return Lower(x) == Lower(y); });
}

bool EndsWithIgnoringCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         EqualsIgnoringCase(text.substr(text.size() - suffix.size()), suffix);
}

bool IsBlank(std::string_view text) { return Trim(text).empty(); }

std::string Quoted(std::string_view text) {
  return "\"" + std::string(text) + "\"";
}

// "A" for column 0, "AB" for column 27: as a spreadsheet names columns.
std::string ColumnLetters(size_t index) {
  std::string letters;
  for (size_t n = index + 1; n > 0; n = (n - 1) / 26) {
    letters.insert(letters.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return letters;
}

// The file's name without folders and without its last extension: the
// tracker's name ("exports/Campaign tracker.xlsx" -> "Campaign tracker").
std::string Stem(std::string_view name) {
  const size_t slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  const size_t dot = name.rfind('.');
  if (dot != std::string_view::npos && dot > 0) name = name.substr(0, dot);
  return std::string(name);
}

// The line (1-based) that byte `offset` of `text` is on.
int64_t LineAt(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  return 1 + std::count(text.begin(), text.begin() + static_cast<long>(offset),
                        '\n');
}

// Appends `value` (0-99) as two digits.
void AppendTwoDigits(std::string& out, int64_t value) {
  out += static_cast<char>('0' + value / 10);
  out += static_cast<char>('0' + value % 10);
}

// Parses all of `text` as a non-negative decimal integer.
std::optional<int64_t> ParseCount(std::string_view text) {
  int64_t value = 0;
  const auto [end, error] =
      std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value < 0) {
    return std::nullopt;
  }
  return value;
}

// ---------------------------------------------------------------------------
// Settings.

struct Settings {
  std::string sheet;        // sheet=: the sheet read; empty for the first
  int64_t header_row = 0;   // header_row=: 0 for the first non-empty row
  std::string time_column;  // time_column=
  std::string as_of;        // as_of=
  // status_column= and key_column= are read by the import; they are
  // checked here so a misspelt column is found before anything is read.
  std::string status_column;
  std::string key_column;
  std::string campaign_column;
  std::string person_column;
};

Result<Settings> ReadSettings(const std::string& file,
                              const std::vector<std::string>& settings) {
  Settings result;
  for (const std::string& setting : settings) {
    const size_t equals = setting.find('=');
    const std::string_view name =
        Trim(std::string_view(setting).substr(0, equals));
    const std::string_view value =
        equals == std::string::npos
            ? std::string_view()
            : Trim(std::string_view(setting).substr(equals + 1));
    if (equals == std::string::npos || value.empty()) {
      return InvalidArgumentError(
          file + ": setting " + Quoted(setting) +
          " has no value; write it as NAME=VALUE (sheet=Q1, header_row=3, "
          "time_column=Last update, as_of=2026-03-09T17:00)");
    }
    if (name == "sheet") {
      result.sheet = value;
    } else if (name == "header_row") {
      const std::optional<int64_t> row = ParseCount(value);
      if (!row || *row < 1 || *row > kMaxRows) {
        return InvalidArgumentError(
            file + ": header_row=" + std::string(value) +
            " is not a row number; give the header's row as the spreadsheet "
            "numbers it (1 for the first)");
      }
      result.header_row = *row;
    } else if (name == "time_column") {
      result.time_column = value;
    } else if (name == "as_of") {
      result.as_of = value;
    } else if (name == "status_column") {
      result.status_column = value;
    } else if (name == "key_column") {
      result.key_column = value;
    } else if (name == "campaign_column") {
      result.campaign_column = value;
    } else if (name == "person_column") {
      result.person_column = value;
    } else {
      return InvalidArgumentError(
          file + ": unknown setting " + Quoted(name) +
          " for a sheet; known are sheet, header_row, time_column, as_of, "
          "status_column, key_column, campaign_column and person_column");
    }
  }
  return result;
}

// ---------------------------------------------------------------------------
// Times: the cells of a time column, as_of, and the workbook's own time.

// A date and time as written: a civil time, its fraction of a second and,
// when the text states one, its offset from UTC.
struct StatedTime {
  CivilTime civil;
  int64_t micros = 0;  // below the second
  bool has_offset = false;
  bool zulu = false;  // "Z": UTC
  int offset_minutes = 0;
};

// Reads exactly `count` digits at `text`, advancing it.
bool TakeDigits(std::string_view& text, size_t count, int& value) {
  if (text.size() < count) return false;
  value = 0;
  for (size_t i = 0; i < count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  text.remove_prefix(count);
  return true;
}

// Reads one or two digits at `text`, advancing it.
bool TakeShortNumber(std::string_view& text, int& value) {
  size_t count = 0;
  while (count < text.size() && count < 2 && text[count] >= '0' &&
         text[count] <= '9') {
    ++count;
  }
  return count > 0 && TakeDigits(text, count, value);
}

bool TakeChar(std::string_view& text, char c) {
  if (text.empty() || text.front() != c) return false;
  text.remove_prefix(1);
  return true;
}

// Reads a fraction of a second ("5", "123456789") into microseconds.
int64_t TakeFraction(std::string_view& text) {
  int64_t micros = 0;
  int64_t scale = 100'000;
  while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
    micros += (text.front() - '0') * scale;
    scale /= 10;
    text.remove_prefix(1);
  }
  return micros;
}

// ISO 8601 as spreadsheets and people write it: YYYY-MM-DD, optionally
// followed by 'T' or a space and HH:MM[:SS[.fraction]], optionally followed
// by Z or an offset (+07:00, +0700, +07). nullopt when `text` is not that.
std::optional<StatedTime> ParseIsoTime(std::string_view text) {
  StatedTime t;
  if (!TakeDigits(text, 4, t.civil.year) || !TakeChar(text, '-') ||
      !TakeDigits(text, 2, t.civil.month) || !TakeChar(text, '-') ||
      !TakeDigits(text, 2, t.civil.day)) {
    return std::nullopt;
  }
  if (text.empty()) return t;
  if (text.front() != 'T' && text.front() != 't' && text.front() != ' ') {
    return std::nullopt;
  }
  text.remove_prefix(1);
  if (!TakeDigits(text, 2, t.civil.hour) || !TakeChar(text, ':') ||
      !TakeDigits(text, 2, t.civil.minute)) {
    return std::nullopt;
  }
  if (TakeChar(text, ':')) {
    if (!TakeDigits(text, 2, t.civil.second)) return std::nullopt;
    if (TakeChar(text, '.') || TakeChar(text, ',')) {
      t.micros = TakeFraction(text);
    }
  }
  if (text.empty()) return t;
  if (text == "Z" || text == "z") {
    t.has_offset = true;
    t.zulu = true;
    return t;
  }
  const char sign = text.front();
  if (sign != '+' && sign != '-') return std::nullopt;
  text.remove_prefix(1);
  int hours = 0;
  int minutes = 0;
  if (!TakeDigits(text, 2, hours)) return std::nullopt;
  TakeChar(text, ':');
  if (!text.empty() && !TakeDigits(text, 2, minutes)) return std::nullopt;
  if (!text.empty() || hours > 23 || minutes > 59) return std::nullopt;
  t.has_offset = true;
  t.offset_minutes = (sign == '-' ? -1 : 1) * (hours * 60 + minutes);
  return t;
}

// A date written with numbers in a locale's order, as CSV exports write
// the dates of date cells: "02/03/2026", "3/2/2026 2:30 PM",
// "02.03.2026 14.30", "2026/03/02". `first` and `second` are the two
// fields before the year when the year comes last.
struct LocaleDate {
  bool year_first = false;
  int first = 0;
  int second = 0;
  int year = 0;
  int hour = 0;
  int minute = 0;
  int seconds = 0;
};

std::optional<LocaleDate> ParseLocaleDate(std::string_view text) {
  LocaleDate d;
  if (text.size() > 4 && (text[4] == '/' || text[4] == '.' || text[4] == '-')) {
    d.year_first = true;
    const char sep = text[4];
    if (!TakeDigits(text, 4, d.year) || !TakeChar(text, sep) ||
        !TakeShortNumber(text, d.first) || !TakeChar(text, sep) ||
        !TakeShortNumber(text, d.second)) {
      return std::nullopt;
    }
  } else {
    if (!TakeShortNumber(text, d.first) || text.empty()) return std::nullopt;
    const char sep = text.front();
    if (sep != '/' && sep != '.' && sep != '-') return std::nullopt;
    text.remove_prefix(1);
    if (!TakeShortNumber(text, d.second) || !TakeChar(text, sep) ||
        !TakeDigits(text, 4, d.year)) {
      return std::nullopt;
    }
  }
  if (text.empty()) return d;
  if (!TakeChar(text, ' ')) return std::nullopt;
  while (TakeChar(text, ' ')) {
  }
  if (!TakeShortNumber(text, d.hour) || text.empty()) return std::nullopt;
  const char time_sep = text.front();
  if (time_sep != ':' && time_sep != '.') return std::nullopt;
  text.remove_prefix(1);
  if (!TakeDigits(text, 2, d.minute)) return std::nullopt;
  if (TakeChar(text, time_sep) && !TakeDigits(text, 2, d.seconds)) {
    return std::nullopt;
  }
  while (TakeChar(text, ' ')) {
  }
  if (text.empty()) return d;
  const bool pm = EqualsIgnoringCase(text, "PM");
  if (!pm && !EqualsIgnoringCase(text, "AM")) return std::nullopt;
  if (d.hour < 1 || d.hour > 12) return std::nullopt;
  d.hour = d.hour % 12 + (pm ? 12 : 0);
  return d;
}

// "+07:00", "-03:30": an offset as a zone's name.
std::string OffsetName(int minutes) {
  const int magnitude = std::abs(minutes);  // below 24 hours (ParseIsoTime)
  std::string name(1, minutes < 0 ? '-' : '+');
  AppendTwoDigits(name, magnitude / 60);
  name += ':';
  AppendTwoDigits(name, magnitude % 60);
  return name;
}

struct RowTime {
  int64_t time_us = 0;
  int utc_offset_minutes = 0;
  std::string zone;
};

// The instant `t` names: at its own offset when it states one, else as a
// local time in `zone`.
Result<RowTime> Resolve(const StatedTime& t, const std::string& zone) {
  RowTime result;
  if (t.has_offset) {
    LIVESOP_ASSIGN_OR_RETURN(ZonedInstant utc,
                             ResolveCivilTime("UTC", t.civil));
    result.time_us =
        utc.time_us - int64_t{t.offset_minutes} * 60'000'000 + t.micros;
    result.utc_offset_minutes = t.offset_minutes;
    result.zone = t.zulu ? "UTC" : OffsetName(t.offset_minutes);
    return result;
  }
  LIVESOP_ASSIGN_OR_RETURN(ZonedInstant local, ResolveCivilTime(zone, t.civil));
  result.time_us = local.time_us + t.micros;
  result.utc_offset_minutes = local.utc_offset_minutes;
  result.zone = zone;
  return result;
}

// ---------------------------------------------------------------------------
// Rows into messages, for both formats.

// Where rows and cells are, for errors: "tracker.csv:7" and "column 4" for
// a CSV; "tracker.xlsx sheet \"Q1\" row 7" and "column D" for a workbook.
struct Place {
  std::string file;
  std::string sheet;  // empty for a CSV
  bool xlsx = false;

  std::string Row(int64_t row) const {
    if (!xlsx) return file + ":" + std::to_string(row);
    return file + " sheet " + Quoted(sheet) + " row " + std::to_string(row);
  }
  std::string Cell(size_t column, int64_t row) const {
    if (!xlsx) return Row(row);
    return file + " sheet " + Quoted(sheet) + " cell " + ColumnLetters(column) +
           std::to_string(row);
  }
  std::string Column(size_t column) const {
    return xlsx ? "column " + ColumnLetters(column)
                : "column " + std::to_string(column + 1);
  }
  std::string Again() const {
    return xlsx ? "save the workbook again" : "export it again";
  }
};

// Takes the header and then the data rows of one sheet, and turns each
// data row into a Message; Finish stamps their times.
class SheetRows {
 public:
  SheetRows(Place place, const Settings& settings, Message prototype)
      : place_(std::move(place)),
        settings_(settings),
        prototype_(std::move(prototype)) {}

  bool has_header() const { return !names_.empty(); }

  // Makes room for `rows` messages, so a large sheet's messages are not
  // moved again and again as they come.
  void Reserve(size_t rows) { messages_.reserve(rows); }

  // `names` trimmed, in column order.
  Status SetHeader(int64_t row, std::vector<std::string> names) {
    header_row_ = row;
    bool any = false;
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i].empty()) continue;
      any = true;
      for (size_t j = 0; j < i; ++j) {
        if (EqualsIgnoringCase(names[i], names[j])) {
          return InvalidArgumentError(
              place_.Row(row) + ": " + place_.Column(j) + " and " +
              place_.Column(i) + " are both named " + Quoted(names[i]) +
              "; every column needs its own name: rename one in the sheet "
              "and " +
              place_.Again());
        }
      }
    }
    if (!any) {
      return InvalidArgumentError(
          place_.Row(row) +
          ": the header row has no column names; give header_row=N for the "
          "row that names the columns");
    }
    names_ = std::move(names);
    const std::pair<std::string_view, const std::string*> named[] = {
        {"time_column", &settings_.time_column},
        {"status_column", &settings_.status_column},
        {"key_column", &settings_.key_column},
        {"campaign_column", &settings_.campaign_column},
        {"person_column", &settings_.person_column}};
    for (const auto& [setting, column] : named) {
      if (column->empty() ||
          std::find(names_.begin(), names_.end(), *column) != names_.end()) {
        continue;
      }
      std::vector<std::string> present;
      for (const std::string& name : names_) {
        if (!name.empty()) present.push_back(Quoted(name));
      }
      return InvalidArgumentError(
          place_.Row(row) + ": " + std::string(setting) + "=" + *column +
          " names no column of the header; the columns are " +
          Join(present, ", "));
    }
    if (!settings_.time_column.empty()) {
      time_index_ = static_cast<size_t>(
          std::find(names_.begin(), names_.end(), settings_.time_column) -
          names_.begin());
    }
    return OkStatus();
  }

  // One row's cells by column (cells past the end are empty). A row of
  // blank cells is no data row and is passed over.
  Status AddRow(int64_t row, const std::vector<std::string>& cells) {
    bool any = false;
    for (size_t i = 0; i < cells.size(); ++i) {
      if (IsBlank(cells[i])) continue;
      any = true;
      if (i >= names_.size() || names_[i].empty()) {
        return InvalidArgumentError(
            place_.Cell(i, row) + ": " + place_.Column(i) +
            " has no header, but this row has " + Quoted(OneLine(cells[i])) +
            " in it: name the column in the header row (" +
            std::to_string(header_row_) + ") and " + place_.Again() +
            ", or give header_row=N when the header is another row");
      }
    }
    if (!any) return OkStatus();
    Message& message = messages_.emplace_back(prototype_);
    message.line = row;
    std::string& text = message.text;
    for (size_t i = 0; i < names_.size(); ++i) {
      if (names_[i].empty()) continue;
      const std::string& cell = i < cells.size() ? cells[i] : empty_;
      if (!IsBlank(cell)) {
        if (!text.empty()) text += "; ";
        text += names_[i];
        text += ": ";
        text += cell;
      }
      message.fields.emplace(names_[i], cell);
    }
    return OkStatus();
  }

  // Stamps every message with its time: the time column's cell, else
  // as_of, else `stated` (the workbook's own time); `no_time` is the error
  // when none is there. `encoding`, when not empty, is noted in every
  // message's fields["encoding"] (a column of that name keeps its cells).
  Result<std::vector<Message>> Finish(const ReadOptions& options,
                                      const std::optional<StatedTime>& stated,
                                      const std::string& no_time,
                                      const std::string& encoding) {
    if (!has_header()) {
      return InvalidArgumentError(
          place_.xlsx ? place_.file + " sheet " + Quoted(place_.sheet) +
                            ": the sheet is empty; give sheet=NAME for the "
                            "sheet that holds the tracker"
                      : place_.file + ": the file holds no rows");
    }
    const std::string zone =
        options.time_zone.empty() ? "UTC" : options.time_zone;
    std::optional<RowTime> as_of;
    if (!settings_.as_of.empty()) {
      const std::optional<StatedTime> t = ParseIsoTime(settings_.as_of);
      if (!t) {
        return InvalidArgumentError(
            place_.file + ": as_of=" + settings_.as_of +
            " is not an ISO 8601 time; write it as 2026-03-09T17:00 (a local "
            "time in the import's time zone) or 2026-03-09T17:00+07:00");
      }
      Result<RowTime> resolved = Resolve(*t, zone);
      if (!resolved.ok()) {
        return resolved.status().WithContext(place_.file +
                                             ": as_of=" + settings_.as_of);
      }
      as_of = *std::move(resolved);
    } else if (stated && settings_.time_column.empty()) {
      Result<RowTime> resolved = Resolve(*stated, zone);
      if (!resolved.ok()) {
        return resolved.status().WithContext(place_.file +
                                             ": the workbook's modified time");
      }
      as_of = *std::move(resolved);
    }
    if (!settings_.time_column.empty()) {
      LIVESOP_RETURN_IF_ERROR(StampFromColumn(options, zone, as_of));
    } else if (as_of) {
      for (Message& message : messages_) Stamp(message, *as_of);
    } else {
      return InvalidArgumentError(no_time);
    }
    if (!encoding.empty()) {
      for (Message& message : messages_) {
        message.fields.emplace("encoding", encoding);
      }
    }
    return std::move(messages_);
  }

 private:
  static void Stamp(Message& message, const RowTime& time) {
    message.time_us = time.time_us;
    message.utc_offset_minutes = time.utc_offset_minutes;
    message.zone = time.zone;
  }

  Status CellTimeError(const Message& message, std::string_view value,
                       const std::string& why) const {
    return InvalidArgumentError(place_.Cell(time_index_, message.line) + ": " +
                                Quoted(value) + " in column " +
                                Quoted(settings_.time_column) + " " + why);
  }

  // Reads every row's time from the time column. Dates written day-first
  // or month-first are read in the order options.date_order gives, or in
  // the one the column's own values tell ("auto").
  Status StampFromColumn(const ReadOptions& options, const std::string& zone,
                         const std::optional<RowTime>& as_of) {
    struct Pending {
      StatedTime time;
      std::optional<LocaleDate> locale;  // set when written in a locale order
    };
    std::vector<std::optional<Pending>> pending(messages_.size());
    bool day_first_seen = false;    // a first field above 12
    bool month_first_seen = false;  // a second field above 12
    bool undecided = false;         // a locale date neither tells
    const std::string& column = settings_.time_column;
    for (size_t i = 0; i < messages_.size(); ++i) {
      const std::string_view value = Trim(messages_[i].fields[column]);
      if (value.empty()) {
        if (!as_of) {
          return InvalidArgumentError(
              place_.Cell(time_index_, messages_[i].line) +
              ": no time in column " + Quoted(column) +
              "; fill it in, or give as_of= for the rows without one");
        }
        continue;
      }
      Pending& p = pending[i].emplace();
      if (const std::optional<StatedTime> iso = ParseIsoTime(value)) {
        p.time = *iso;
        continue;
      }
      p.locale = ParseLocaleDate(value);
      if (!p.locale) {
        return CellTimeError(
            messages_[i], value,
            "is not a date and time; write it as 2026-03-02 or 2026-03-02 "
            "14:30 (or format the column as a date in the sheet)");
      }
      if (p.locale->year_first) continue;
      if (p.locale->first > 12) day_first_seen = true;
      if (p.locale->second > 12) month_first_seen = true;
      if (p.locale->first <= 12 && p.locale->second <= 12) undecided = true;
    }
    bool day_first = true;
    if (options.date_order == "dmy" || options.date_order == "mdy") {
      day_first = options.date_order == "dmy";
    } else if (day_first_seen && month_first_seen) {
      return InvalidArgumentError(
          place_.file + ": column " + Quoted(column) +
          " has dates written both day-first and month-first; write them as "
          "2026-03-02 in the sheet");
    } else if (month_first_seen) {
      day_first = false;
    } else if (!day_first_seen && undecided) {
      return InvalidArgumentError(
          place_.file + ": the dates in column " + Quoted(column) +
          " do not tell whether the day or the month comes first; give the "
          "date order (dmy or mdy)");
    }
    for (size_t i = 0; i < messages_.size(); ++i) {
      Message& message = messages_[i];
      if (!pending[i]) {
        Stamp(message, *as_of);
        continue;
      }
      StatedTime& t = pending[i]->time;
      if (const std::optional<LocaleDate>& d = pending[i]->locale) {
        t.civil.year = d->year;
        t.civil.month = d->year_first || !day_first ? d->first : d->second;
        t.civil.day = d->year_first || !day_first ? d->second : d->first;
        t.civil.hour = d->hour;
        t.civil.minute = d->minute;
        t.civil.second = d->seconds;
      }
      Result<RowTime> time = Resolve(t, zone);
      if (!time.ok()) {
        return CellTimeError(message, Trim(message.fields[column]),
                             "cannot be read: " + time.status().message());
      }
      Stamp(message, *time);
    }
    return OkStatus();
  }

  Place place_;
  const Settings& settings_;
  Message prototype_;
  std::vector<std::string> names_;
  int64_t header_row_ = 0;
  size_t time_index_ = 0;
  std::vector<Message> messages_;
  const std::string empty_;
};

// ---------------------------------------------------------------------------
// CSV.

bool IsValidUtf8(std::string_view text, size_t& bad_offset) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const size_t size = text.size();
  size_t i = 0;
  while (i < size) {
    const unsigned char c = bytes[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      length = 3;
      if (c == 0xE0) low = 0xA0;   // no overlong forms
      if (c == 0xED) high = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      length = 4;
      if (c == 0xF0) low = 0x90;
      if (c == 0xF4) high = 0x8F;
    } else {
      bad_offset = i;
      return false;
    }
    if (i + length > size || bytes[i + 1] < low || bytes[i + 1] > high) {
      bad_offset = i;
      return false;
    }
    for (size_t k = 2; k < length; ++k) {
      if (bytes[i + k] < 0x80 || bytes[i + k] > 0xBF) {
        bad_offset = i;
        return false;
      }
    }
    i += length;
  }
  return true;
}

// Converts `text` from `from` to UTF-8 with iconv. Errors name the line of
// the first byte that is not valid in `from`.
Result<std::string> ToUtf8(const std::string& file, std::string_view text,
                           const char* from, std::string_view what) {
  iconv_t cd = iconv_open("UTF-8", from);
  // (iconv_t)-1 is iconv_open's failure value, as POSIX defines it.
  // NOLINTNEXTLINE(performance-no-int-to-ptr)
  if (cd == reinterpret_cast<iconv_t>(-1)) {
    return InternalError(file + ": cannot convert from " + std::string(what) +
                         " (iconv has no " + from + ")");
  }
  std::string out(text.size() * 2 + 16, '\0');
  // iconv's interface takes a non-const input pointer; it does not write
  // through it.
  char* in = const_cast<char*>(text.data());
  size_t in_left = text.size();
  size_t done = 0;
  Status status;
  while (in_left > 0) {
    char* out_ptr = out.data() + done;
    size_t out_left = out.size() - done;
    const size_t result = iconv(cd, &in, &in_left, &out_ptr, &out_left);
    done = out.size() - out_left;
    if (result != static_cast<size_t>(-1)) break;
    if (errno == E2BIG) {
      out.resize(out.size() * 2);
      continue;
    }
    const size_t offset = static_cast<size_t>(in - text.data());
    status = InvalidArgumentError(
        file + ":" + std::to_string(LineAt(text, offset)) +
        ": the file is neither UTF-8 nor " + std::string(what) + " (byte " +
        std::to_string(offset + 1) + "); export it again as \"CSV UTF-8\"");
    break;
  }
  iconv_close(cd);
  if (!status.ok()) return status;
  out.resize(done);
  return out;
}

class CsvRows final : public eventlog::CsvTableVisitor {
 public:
  CsvRows(SheetRows& rows, int64_t header_line, const std::string& file)
      : rows_(rows), header_line_(header_line), file_(file) {}

  Status OnHeader(int64_t line, const std::vector<std::string>& columns,
                  char /*delimiter*/) override {
    return Take(line, columns);
  }

  Status OnRow(int64_t line, const std::vector<std::string>& cells) override {
    if (rows_.has_header()) return rows_.AddRow(line, cells);
    return Take(line, cells);
  }

 private:
  // A row before the header is known: the header when it is the line
  // header_row names, or the first row with a name in it.
  Status Take(int64_t line, const std::vector<std::string>& cells) {
    if (header_line_ > 0 && line != header_line_) {
      return InvalidArgumentError(
          file_ + ":" + std::to_string(header_line_) +
          ": the line header_row names is empty; give the line of the "
          "column names");
    }
    std::vector<std::string> names;
    names.reserve(cells.size());
    bool any = false;
    for (const std::string& cell : cells) {
      names.emplace_back(Trim(cell));
      any = any || !names.back().empty();
    }
    if (!any && header_line_ == 0) return OkStatus();
    return rows_.SetHeader(line, std::move(names));
  }

  SheetRows& rows_;
  int64_t header_line_;
  const std::string& file_;
};

Result<Export> ParseCsv(const std::string& file, std::string_view bytes,
                        const ReadOptions& options, const Settings& settings) {
  if (!settings.sheet.empty()) {
    return InvalidArgumentError(
        file + ": sheet=" + settings.sheet +
        " is for XLSX workbooks; a CSV holds one sheet");
  }
  std::string converted;
  std::string encoding;
  size_t bad = 0;
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    // Excel's "Unicode Text": UTF-16 with a byte order mark.
    LIVESOP_ASSIGN_OR_RETURN(converted,
                             ToUtf8(file, bytes, "UTF-16", "UTF-16"));
    encoding = "utf-16";
    bytes = converted;
  } else if (!IsValidUtf8(bytes, bad)) {
    if (bytes.starts_with("\xEF\xBB\xBF")) {
      return InvalidArgumentError(
          file + ":" + std::to_string(LineAt(bytes, bad)) +
          ": the file says it is UTF-8 but byte " + std::to_string(bad + 1) +
          " is not; export it again as \"CSV UTF-8\"");
    }
    // Spreadsheets on Windows save "CSV" in the ANSI code page.
    LIVESOP_ASSIGN_OR_RETURN(
        converted, ToUtf8(file, bytes, "WINDOWS-1252", "Windows-1252"));
    encoding = "windows-1252";
    bytes = converted;
  }
  std::string shifted;
  if (settings.header_row > 1) {
    // The lines above the header (a title, notes) are left out as empty
    // lines, which the reader skips, so line numbers stay the file's.
    size_t start = 0;
    for (int64_t line = 1; line < settings.header_row; ++line) {
      const size_t newline = bytes.find('\n', start);
      if (newline == std::string_view::npos) {
        const int64_t lines = line - 1 + (start < bytes.size() ? 1 : 0);
        return InvalidArgumentError(
            file + ": header_row=" + std::to_string(settings.header_row) +
            ", but the file has only " + std::to_string(lines) + " lines");
      }
      start = newline + 1;
    }
    shifted.reserve(bytes.size() - start + settings.header_row);
    shifted.assign(static_cast<size_t>(settings.header_row - 1), '\n');
    shifted.append(bytes.substr(start));
    bytes = shifted;
  }

  Message prototype;
  prototype.source = kSource;
  prototype.conversation =
      options.conversation.empty() ? Stem(file) : options.conversation;
  prototype.file = file;
  prototype.kind = MessageKind::kText;
  SheetRows rows(Place{file, "", false}, settings, std::move(prototype));
  rows.Reserve(
      static_cast<size_t>(std::count(bytes.begin(), bytes.end(), '\n')));
  CsvRows visitor(rows, settings.header_row, file);
  LIVESOP_RETURN_IF_ERROR(
      eventlog::ReadCsvTableBytes(file, bytes, '\0', visitor));
  LIVESOP_ASSIGN_OR_RETURN(
      std::vector<Message> messages,
      rows.Finish(options, std::nullopt,
                  file +
                      ": a CSV states no time of export; give as_of= with the "
                      "time it was exported (as_of=2026-03-09T17:00), or "
                      "time_column= naming the column that holds each row's "
                      "time",
                  encoding));
  Export result;
  result.source = kSource;
  result.file = file;
  result.messages = std::move(messages);
  return result;
}

// ---------------------------------------------------------------------------
// XLSX.

// An element's name without its namespace prefix ("x:row" -> "row"):
// OOXML writers differ in the prefixes they use.
std::string_view LocalName(const pugi::xml_node& node) {
  const std::string_view name = node.name();
  const size_t colon = name.find(':');
  return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node Child(const pugi::xml_node& node, std::string_view name) {
  for (pugi::xml_node child : node.children()) {
    if (child.type() == pugi::node_element && LocalName(child) == name) {
      return child;
    }
  }
  return {};
}

// The attribute whose name ends in ":local" or is `local` (r:id is
// namespaced with whatever prefix the writer chose).
pugi::xml_attribute Attribute(const pugi::xml_node& node,
                              std::string_view local) {
  for (pugi::xml_attribute attribute : node.attributes()) {
    std::string_view name = attribute.name();
    const size_t colon = name.find(':');
    if (colon != std::string_view::npos) name.remove_prefix(colon + 1);
    if (name == local) return attribute;
  }
  return {};
}

// Decodes the _xHHHH_ escapes Excel writes for characters XML cannot hold
// (_x000D_ for a carriage return, _x005F_ for an underscore).
std::string Unescape(std::string_view text) {
  if (text.find("_x") == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned code = 0;
    if (text[i] == '_' && i + 6 < text.size() && text[i + 1] == 'x' &&
        text[i + 6] == '_' &&
        std::from_chars(text.data() + i + 2, text.data() + i + 6, code, 16)
                .ptr == text.data() + i + 6) {
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      }
      i += 6;
      continue;
    }
    out += text[i];
  }
  return out;
}

// The text of a shared or inline string: its <t>, or its rich text runs'
// <t>s joined (phonetic runs, <rPh>, left out).
std::string StringItemText(const pugi::xml_node& item) {
  std::string text;
  for (pugi::xml_node child : item.children()) {
    const std::string_view name = LocalName(child);
    if (name == "t") {
      text += child.text().get();
    } else if (name == "r") {
      text += Child(child, "t").text().get();
    }
  }
  return Unescape(text);
}

// How a cell's number format shows its number.
enum class NumberShape {
  kNumber,
  kDate,      // a date: 2026-03-02
  kDateTime,  // a date and time: 2026-03-02T14:30:00
  kTime,      // a time of day: 14:30:00
  kElapsed,   // a duration in hours: [h]:mm:ss
};

// Classifies a number format code by the date and time parts in its first
// section, leaving out quoted text, escaped and padding characters, colors
// and locales in brackets, and AM/PM markers.
NumberShape ClassifyFormat(std::string_view code) {
  bool date = false;
  bool time = false;
  bool elapsed = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = Lower(code[i]);
    if (c == ';') break;
    if (c == '"') {
      const size_t close = code.find('"', i + 1);
      if (close == std::string_view::npos) break;
      i = close;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (c == '[') {
      const size_t close = code.find(']', i + 1);
      if (close == std::string_view::npos) break;
      const std::string_view inside = code.substr(i + 1, close - i - 1);
      if (!inside.empty() &&
          inside.find_first_not_of("hHmMsS") == std::string_view::npos) {
        elapsed = true;
      }
      i = close;
    } else if (EqualsIgnoringCase(code.substr(i, 5), "AM/PM")) {
      time = true;
      i += 4;
    } else if (EqualsIgnoringCase(code.substr(i, 3), "A/P")) {
      time = true;
      i += 2;
    } else if (EqualsIgnoringCase(code.substr(i, 7), "General")) {
      i += 6;
    } else if (c == 'y' || c == 'd') {
      date = true;
    } else if (c == 'h' || c == 's') {
      time = true;
    } else if (c == 'm') {
      // Minutes beside hours or seconds, months otherwise; either way a
      // date or time format.
      const bool near_time =
          code.find_first_of("hHsS") != std::string_view::npos;
      (near_time ? time : date) = true;
    }
  }
  if (elapsed) return NumberShape::kElapsed;
  if (date && time) return NumberShape::kDateTime;
  if (date) return NumberShape::kDate;
  if (time) return NumberShape::kTime;
  return NumberShape::kNumber;
}

NumberShape BuiltInShape(int id) {
  if (id >= 14 && id <= 17) return NumberShape::kDate;
  if ((id >= 18 && id <= 21) || id == 45 || id == 47) return NumberShape::kTime;
  if (id == 22) return NumberShape::kDateTime;
  if (id == 46) return NumberShape::kElapsed;
  return NumberShape::kNumber;
}

// A number as a spreadsheet shows it in General format: up to 15
// significant digits, no trailing zeros ("1500000", "0.3", "1.5E+20" as
// "1.5e+20").
std::string FormatNumber(double value) {
  // Whole numbers, the usual case (budgets, counts), without to_chars'
  // general-format search.
  if (value == std::trunc(value) && std::abs(value) < 1e15) {
    return std::to_string(static_cast<int64_t>(value));
  }
  char text[32];
  const auto result = std::to_chars(text, text + sizeof text, value,
                                    std::chars_format::general, 15);
  return std::string(text, result.ptr);
}

// A date cell's serial number as ISO 8601 text, in the workbook's date
// system. nullopt when the number is no date a spreadsheet can show.
std::optional<std::string> FormatSerial(double serial, NumberShape shape,
                                        bool date1904) {
  if (!std::isfinite(serial) || std::abs(serial) > 3.0e6) return std::nullopt;
  const int64_t seconds = std::llround(serial * 86'400.0);
  if (shape == NumberShape::kElapsed) {
    const int64_t magnitude = std::abs(seconds);
    std::string out = seconds < 0 ? "-" : "";
    out += std::to_string(magnitude / 3600);
    out += ':';
    AppendTwoDigits(out, magnitude / 60 % 60);
    out += ':';
    AppendTwoDigits(out, magnitude % 60);
    return out;
  }
  if (seconds < 0) return std::nullopt;
  const int64_t days = seconds / 86'400;
  const int64_t second_of_day = seconds % 86'400;
  std::string time;
  AppendTwoDigits(time, second_of_day / 3600);
  time += ':';
  AppendTwoDigits(time, second_of_day / 60 % 60);
  time += ':';
  AppendTwoDigits(time, second_of_day % 60);
  // In the 1900 system day 0 is no date ("1900-01-00"): the cell holds a
  // time of day alone.
  if (shape == NumberShape::kTime && days == 0) return time;
  if (!date1904 && days == 0) return time;
  date::sys_days day;
  if (date1904) {
    day = date::sys_days{date::year{1904} / 1 / 1} + date::days{days};
  } else if (days < 60) {
    day = date::sys_days{date::year{1899} / 12 / 31} + date::days{days};
  } else if (days == 60) {
    // 1900-02-29: Excel keeps Lotus 1-2-3's leap day, which never was.
    return std::nullopt;
  } else {
    day = date::sys_days{date::year{1899} / 12 / 30} + date::days{days};
  }
  const date::year_month_day ymd{day};
  const int year = static_cast<int>(ymd.year());
  if (year > 9999) return std::nullopt;
  std::string out;
  out.reserve(19);
  AppendTwoDigits(out, year / 100);
  AppendTwoDigits(out, year % 100);
  out += '-';
  AppendTwoDigits(out, static_cast<unsigned>(ymd.month()));
  out += '-';
  AppendTwoDigits(out, static_cast<unsigned>(ymd.day()));
  if (shape != NumberShape::kDate || second_of_day != 0) {
    out += 'T';
    out += time;
  }
  return out;
}

// "C7" -> column 2, row 7. nullopt for anything else, or past a sheet's
// limits.
std::optional<std::pair<size_t, int64_t>> ParseCellReference(
    std::string_view text) {
  size_t column = 0;
  size_t i = 0;
  while (i < text.size() && ((text[i] >= 'A' && text[i] <= 'Z') ||
                             (text[i] >= 'a' && text[i] <= 'z'))) {
    column = column * 26 + static_cast<size_t>(Lower(text[i]) - 'a' + 1);
    if (column > kMaxColumns) return std::nullopt;
    ++i;
  }
  if (i == 0) return std::nullopt;
  const std::optional<int64_t> row = ParseCount(text.substr(i));
  if (!row || *row < 1 || *row > kMaxRows) return std::nullopt;
  return std::make_pair(column - 1, *row);
}

// The parts of one workbook, by path.
class Workbook {
 public:
  Workbook(std::string file, std::vector<ZipMember> members)
      : file_(std::move(file)), members_(std::move(members)) {
    for (ZipMember& member : members_) by_name_[member.name] = &member;
  }

  const std::string& file() const { return file_; }

  // The part at `path` ("xl/workbook.xml"), or nullptr. OOXML part names
  // ignore case.
  ZipMember* Find(const std::string& path) {
    if (auto it = by_name_.find(path); it != by_name_.end()) return it->second;
    for (ZipMember& member : members_) {
      if (EqualsIgnoringCase(member.name, path)) return &member;
    }
    return nullptr;
  }

  // Parses the part `member` into `doc`, in place.
  Status Load(ZipMember& member, pugi::xml_document& doc) const {
    const pugi::xml_parse_result parsed = doc.load_buffer_inplace(
        member.bytes.data(), member.bytes.size(),
        pugi::parse_default | pugi::parse_ws_pcdata_single);
    if (!parsed) {
      return InvalidArgumentError(
          file_ + " " + member.name + " line " +
          std::to_string(
              LineAt(member.bytes, static_cast<size_t>(parsed.offset))) +
          ": not well-formed XML (" + parsed.description() +
          "); the workbook is damaged: save it again from the spreadsheet");
    }
    return OkStatus();
  }

  // The relationships of the part `path`: id -> (type, target part path).
  struct Relationship {
    std::string type;
    std::string target;
  };
  Result<std::unordered_map<std::string, Relationship>> Relationships(
      const std::string& path) {
    const size_t slash = path.rfind('/');
    const std::string folder =
        slash == std::string::npos ? "" : path.substr(0, slash + 1);
    const std::string rels_path =
        folder + "_rels/" + path.substr(folder.size()) + ".rels";
    std::unordered_map<std::string, Relationship> result;
    ZipMember* member = Find(rels_path);
    if (member == nullptr) return result;
    pugi::xml_document doc;
    LIVESOP_RETURN_IF_ERROR(Load(*member, doc));
    for (pugi::xml_node node : Child(doc, "Relationships").children()) {
      if (LocalName(node) != "Relationship") continue;
      if (std::string_view(node.attribute("TargetMode").value()) ==
          "External") {
        continue;
      }
      result[node.attribute("Id").value()] = {
          node.attribute("Type").value(),
          ResolvePath(folder, node.attribute("Target").value())};
    }
    return result;
  }

 private:
  // `target` relative to `folder` ("xl/" + "worksheets/sheet1.xml"), or
  // absolute ("/xl/worksheets/sheet1.xml"), with ".." resolved.
  static std::string ResolvePath(const std::string& folder,
                                 std::string_view target) {
    std::string joined;
    if (target.starts_with('/')) {
      joined = target.substr(1);
    } else {
      joined = folder + std::string(target);
    }
    std::vector<std::string> parts;
    size_t start = 0;
    while (start <= joined.size()) {
      size_t end = joined.find('/', start);
      if (end == std::string::npos) end = joined.size();
      const std::string part = joined.substr(start, end - start);
      if (part == "..") {
        if (!parts.empty()) parts.pop_back();
      } else if (!part.empty() && part != ".") {
        parts.push_back(part);
      }
      start = end + 1;
    }
    return Join(parts, "/");
  }

  std::string file_;
  std::vector<ZipMember> members_;
  std::unordered_map<std::string, ZipMember*> by_name_;
};

bool TypeIs(const std::string& type, std::string_view suffix) {
  return type.size() > suffix.size() && type.ends_with(suffix) &&
         type[type.size() - suffix.size() - 1] == '/';
}

// The shape of each cell style (cellXfs), by its index.
Result<std::vector<NumberShape>> ReadStyles(Workbook& book,
                                            const std::string& path) {
  std::vector<NumberShape> shapes;
  ZipMember* member = book.Find(path);
  if (member == nullptr) return shapes;
  pugi::xml_document doc;
  LIVESOP_RETURN_IF_ERROR(book.Load(*member, doc));
  const pugi::xml_node root = Child(doc, "styleSheet");
  std::unordered_map<int, NumberShape> custom;
  for (pugi::xml_node format : Child(root, "numFmts").children()) {
    if (LocalName(format) != "numFmt") continue;
    custom[format.attribute("numFmtId").as_int(-1)] =
        ClassifyFormat(format.attribute("formatCode").value());
  }
  for (pugi::xml_node xf : Child(root, "cellXfs").children()) {
    if (LocalName(xf) != "xf") continue;
    const int id = xf.attribute("numFmtId").as_int(0);
    const auto it = custom.find(id);
    shapes.push_back(it != custom.end() ? it->second : BuiltInShape(id));
  }
  return shapes;
}

Result<std::vector<std::string>> ReadSharedStrings(Workbook& book,
                                                   const std::string& path) {
  std::vector<std::string> strings;
  ZipMember* member = book.Find(path);
  if (member == nullptr) return strings;
  pugi::xml_document doc;
  LIVESOP_RETURN_IF_ERROR(book.Load(*member, doc));
  for (pugi::xml_node item : Child(doc, "sst").children()) {
    if (LocalName(item) == "si") strings.push_back(StringItemText(item));
  }
  return strings;
}

// dcterms:modified of docProps/core.xml, when the workbook has one.
Result<std::optional<StatedTime>> ReadModified(Workbook& book,
                                               const std::string& path) {
  ZipMember* member = book.Find(path);
  if (member == nullptr) return std::optional<StatedTime>();
  pugi::xml_document doc;
  LIVESOP_RETURN_IF_ERROR(book.Load(*member, doc));
  const pugi::xml_node modified =
      Child(Child(doc, "coreProperties"), "modified");
  const std::string_view text = Trim(modified.text().get());
  if (text.empty()) return std::optional<StatedTime>();
  std::optional<StatedTime> time = ParseIsoTime(text);
  if (!time) {
    return InvalidArgumentError(book.file() + " " + member->name +
                                ": the modified time " + Quoted(text) +
                                " cannot be read; give as_of= with the time "
                                "the workbook was exported");
  }
  return time;
}

// What a sheet's cells need to be read.
struct CellContext {
  const Place& place;
  const std::vector<std::string>& strings;
  const std::vector<NumberShape>& shapes;
  bool date1904 = false;
};

// The value of the cell `c` at (column, row) as text; empty for a cell
// without a value.
Result<std::string> CellValue(const pugi::xml_node& c, size_t column,
                              int64_t row, const CellContext& context) {
  const std::string_view type = c.attribute("t").value();
  const pugi::xml_node v = Child(c, "v");
  const std::string_view raw = v.text().get();
  if (type == "inlineStr") return StringItemText(Child(c, "is"));
  // A formula's cached value is its value; a file written by a program
  // that does not calculate has none (or an empty one), though the cell
  // is not empty. An empty text result is written as an empty <v> of a
  // "str" cell.
  if (!v || (raw.empty() && type != "str")) {
    if (Child(c, "f")) {
      return InvalidArgumentError(
          context.place.Cell(column, row) +
          ": a formula without a computed value (=" +
          std::string(Child(c, "f").text().get()) +
          "); open the workbook in a spreadsheet, save it and export again");
    }
    return std::string();
  }
  if (type == "s") {
    const std::optional<int64_t> index = ParseCount(Trim(raw));
    if (!index || static_cast<size_t>(*index) >= context.strings.size()) {
      return InvalidArgumentError(
          context.place.Cell(column, row) + ": shared string " + Quoted(raw) +
          " does not exist; the workbook is damaged: save it "
          "again from the spreadsheet");
    }
    return context.strings[static_cast<size_t>(*index)];
  }
  if (type == "str" || type == "e" || type == "d") return Unescape(raw);
  if (type == "b") return std::string(Trim(raw) == "1" ? "TRUE" : "FALSE");
  if (!type.empty() && type != "n") {
    return InvalidArgumentError(context.place.Cell(column, row) +
                                ": unknown cell type " + Quoted(type) +
                                "; save the workbook again as .xlsx");
  }
  const std::string_view number_text = Trim(raw);
  double number = 0;
  const auto [end, error] = std::from_chars(
      number_text.data(), number_text.data() + number_text.size(), number);
  if (error != std::errc() || end != number_text.data() + number_text.size() ||
      number_text.empty()) {
    return InvalidArgumentError(context.place.Cell(column, row) + ": " +
                                Quoted(raw) +
                                " is not a number; the workbook is damaged: "
                                "save it again from the spreadsheet");
  }
  const size_t style = static_cast<size_t>(c.attribute("s").as_uint(0));
  const NumberShape shape = style < context.shapes.size()
                                ? context.shapes[style]
                                : NumberShape::kNumber;
  if (shape == NumberShape::kNumber) return FormatNumber(number);
  std::optional<std::string> date =
      FormatSerial(number, shape, context.date1904);
  if (!date) {
    return InvalidArgumentError(
        context.place.Cell(column, row) + ": " + Quoted(raw) +
        " is formatted as a date but is no date a spreadsheet can show; "
        "correct the cell or format it as a number");
  }
  return *std::move(date);
}

// The merged range `ref` ("B3:D3"): its first and last rows.
std::optional<std::pair<int64_t, int64_t>> MergedRows(std::string_view ref) {
  const size_t colon = ref.find(':');
  const auto first = ParseCellReference(ref.substr(0, colon));
  const auto last = colon == std::string_view::npos
                        ? first
                        : ParseCellReference(ref.substr(colon + 1));
  if (!first || !last) return std::nullopt;
  return std::make_pair(std::min(first->second, last->second),
                        std::max(first->second, last->second));
}

Result<Export> ParseXlsx(const std::string& file, std::string_view bytes,
                         const ReadOptions& options, const Settings& settings) {
  if (!LooksLikeZip(bytes)) {
    return InvalidArgumentError(
        file +
        ": not an XLSX workbook (an .xlsx is a zip archive, this is "
        "not one); save it again from the spreadsheet as .xlsx, or "
        "export it as CSV");
  }
  Result<std::vector<ZipMember>> members =
      ReadZip(file, bytes, options.max_bytes);
  if (!members.ok()) {
    if (members.status().code() != StatusCode::kInvalidArgument) {
      return members.status();
    }
    // ReadZip's own advice is for chat exports; a workbook's is to save it
    // again.
    std::string what = members.status().message();
    what = what.substr(0, what.find("; "));
    return InvalidArgumentError(
        what +
        "; the workbook may be truncated or damaged: save it again from the "
        "spreadsheet");
  }
  Workbook book(file, *std::move(members));

  // The workbook part and its relationships.
  std::string workbook_path = "xl/workbook.xml";
  std::string core_path = "docProps/core.xml";
  {
    LIVESOP_ASSIGN_OR_RETURN(auto package_rels, book.Relationships(""));
    for (const auto& [id, rel] : package_rels) {
      if (TypeIs(rel.type, "officeDocument")) workbook_path = rel.target;
      if (TypeIs(rel.type, "core-properties")) core_path = rel.target;
    }
  }
  ZipMember* workbook_member = book.Find(workbook_path);
  if (workbook_member == nullptr) {
    return InvalidArgumentError(
        file + ": a zip archive without a workbook (no " + workbook_path +
        "); save it again from the spreadsheet as .xlsx");
  }
  LIVESOP_ASSIGN_OR_RETURN(auto workbook_rels,
                           book.Relationships(workbook_path));
  pugi::xml_document workbook;
  LIVESOP_RETURN_IF_ERROR(book.Load(*workbook_member, workbook));
  const pugi::xml_node workbook_root = Child(workbook, "workbook");
  const std::string_view date1904_text =
      Child(workbook_root, "workbookPr").attribute("date1904").value();
  const bool date1904 = date1904_text == "1" || date1904_text == "true";

  std::vector<std::pair<std::string, std::string>> sheets;  // name, rel id
  for (pugi::xml_node sheet : Child(workbook_root, "sheets").children()) {
    if (LocalName(sheet) != "sheet") continue;
    sheets.emplace_back(sheet.attribute("name").value(),
                        Attribute(sheet, "id").value());
  }
  if (sheets.empty()) {
    return InvalidArgumentError(file + " " + workbook_path +
                                ": the workbook names no sheets; save it "
                                "again from the spreadsheet");
  }
  const auto chosen =
      settings.sheet.empty()
          ? sheets.begin()
          : std::find_if(sheets.begin(), sheets.end(), [&](const auto& s) {
              return s.first == settings.sheet;
            });
  if (chosen == sheets.end()) {
    std::vector<std::string> names;
    for (const auto& sheet : sheets) names.push_back(Quoted(sheet.first));
    return InvalidArgumentError(
        file + ": no sheet named " + Quoted(settings.sheet) +
        "; the workbook's sheets are " + Join(names, ", "));
  }
  const std::string& sheet_name = chosen->first;
  const auto rel = workbook_rels.find(chosen->second);
  if (rel == workbook_rels.end()) {
    return InvalidArgumentError(file + ": sheet " + Quoted(sheet_name) +
                                " has no part in the workbook; save it again "
                                "from the spreadsheet");
  }
  if (!TypeIs(rel->second.type, "worksheet")) {
    return InvalidArgumentError(file + ": sheet " + Quoted(sheet_name) +
                                " is a chart or dialog, not a table of cells; "
                                "give sheet=NAME for the tracker's sheet");
  }
  ZipMember* sheet_member = book.Find(rel->second.target);
  if (sheet_member == nullptr) {
    return InvalidArgumentError(file + ": sheet " + Quoted(sheet_name) +
                                " is missing (no " + rel->second.target +
                                "); the workbook is damaged: save it again");
  }
  std::string strings_path;
  std::string styles_path;
  for (const auto& [id, r] : workbook_rels) {
    if (TypeIs(r.type, "sharedStrings")) strings_path = r.target;
    if (TypeIs(r.type, "styles")) styles_path = r.target;
  }
  LIVESOP_ASSIGN_OR_RETURN(std::vector<std::string> strings,
                           ReadSharedStrings(book, strings_path));
  LIVESOP_ASSIGN_OR_RETURN(std::vector<NumberShape> shapes,
                           ReadStyles(book, styles_path));
  std::optional<StatedTime> modified;
  if (settings.as_of.empty() && settings.time_column.empty()) {
    LIVESOP_ASSIGN_OR_RETURN(modified, ReadModified(book, core_path));
  }

  pugi::xml_document sheet;
  LIVESOP_RETURN_IF_ERROR(book.Load(*sheet_member, sheet));
  const pugi::xml_node worksheet = Child(sheet, "worksheet");
  const Place place{file, sheet_name, true};
  const CellContext context{place, strings, shapes, date1904};

  Message prototype;
  prototype.source = kSource;
  prototype.conversation =
      (options.conversation.empty() ? Stem(file) : options.conversation) +
      " / " + sheet_name;
  prototype.file = file;
  prototype.locator = sheet_name;
  prototype.kind = MessageKind::kText;
  SheetRows rows(place, settings, std::move(prototype));

  const pugi::xml_node sheet_data = Child(worksheet, "sheetData");
  rows.Reserve(
      static_cast<size_t>(std::distance(sheet_data.begin(), sheet_data.end())));
  int64_t header_row = 0;
  int64_t last_row = 0;
  std::vector<std::string> cells;
  for (pugi::xml_node row : sheet_data.children()) {
    if (LocalName(row) != "row") continue;
    int64_t number = last_row + 1;
    if (pugi::xml_attribute r = row.attribute("r")) {
      const std::optional<int64_t> parsed = ParseCount(r.value());
      if (!parsed || *parsed < 1 || *parsed > kMaxRows || *parsed <= last_row) {
        return InvalidArgumentError(
            place.Row(last_row + 1) + ": row number " + Quoted(r.value()) +
            " is out of order; the workbook is damaged: save it again");
      }
      number = *parsed;
    }
    last_row = number;
    if (settings.header_row > 0 && number < settings.header_row) continue;
    cells.clear();
    size_t next_column = 0;
    for (pugi::xml_node c : row.children()) {
      if (LocalName(c) != "c") continue;
      size_t column = next_column;
      if (pugi::xml_attribute r = c.attribute("r")) {
        const auto reference = ParseCellReference(r.value());
        if (!reference || reference->second != number) {
          return InvalidArgumentError(
              place.Row(number) + ": cell reference " + Quoted(r.value()) +
              " is not in this row; the workbook is damaged: save it again");
        }
        column = reference->first;
      }
      if (column >= kMaxColumns) {
        return InvalidArgumentError(place.Row(number) +
                                    ": a cell past the last column; the "
                                    "workbook is damaged: save it again");
      }
      next_column = column + 1;
      LIVESOP_ASSIGN_OR_RETURN(std::string value,
                               CellValue(c, column, number, context));
      if (value.empty()) continue;
      if (cells.size() <= column) cells.resize(column + 1);
      cells[column] = std::move(value);
    }
    if (!rows.has_header()) {
      bool any = false;
      for (const std::string& cell : cells) any = any || !IsBlank(cell);
      if (settings.header_row > 0 && number != settings.header_row) break;
      if (!any && settings.header_row == 0) continue;
      std::vector<std::string> names;
      names.reserve(cells.size());
      for (const std::string& cell : cells) names.emplace_back(Trim(cell));
      header_row = number;
      LIVESOP_RETURN_IF_ERROR(rows.SetHeader(number, std::move(names)));
      continue;
    }
    LIVESOP_RETURN_IF_ERROR(rows.AddRow(number, cells));
  }
  if (settings.header_row > 0 && header_row != settings.header_row) {
    return InvalidArgumentError(place.Row(settings.header_row) +
                                ": the row header_row names is empty; give "
                                "the row of the column names");
  }
  if (header_row > 0) {
    for (pugi::xml_node merge : Child(worksheet, "mergeCells").children()) {
      if (LocalName(merge) != "mergeCell") continue;
      const std::string_view ref = merge.attribute("ref").value();
      const auto span = MergedRows(ref);
      if (!span) {
        return InvalidArgumentError(file + " sheet " + Quoted(sheet_name) +
                                    ": merged range " + Quoted(ref) +
                                    " cannot be read; the workbook is "
                                    "damaged: save it again");
      }
      // A merged title above the header is fine; merges among the header
      // and the rows hide which cell a value belongs to.
      if (span->second >= header_row) {
        return InvalidArgumentError(
            file + " sheet " + Quoted(sheet_name) + ": cells " +
            std::string(ref) +
            " are merged; unmerge them (every row needs its own value in "
            "every column) and save the workbook again");
      }
    }
  }
  LIVESOP_ASSIGN_OR_RETURN(
      std::vector<Message> messages,
      rows.Finish(options, modified,
                  file +
                      ": the workbook states no time it was saved "
                      "(docProps/core.xml has no modified time); give as_of= "
                      "with the time it was exported "
                      "(as_of=2026-03-09T17:00), or time_column= naming the "
                      "column that holds each row's time",
                  ""));
  Export result;
  result.source = kSource;
  result.file = file;
  result.messages = std::move(messages);
  return result;
}

// ---------------------------------------------------------------------------

class SheetConnectorImpl final : public Connector {
 public:
  std::string_view Name() const override { return kSource; }

  std::string_view Description() const override {
    return "spreadsheet trackers exported as CSV or XLSX: one message per "
           "row, its cells by column name";
  }

  Result<Export> Parse(std::string_view name, std::string_view bytes,
                       const ReadOptions& options) const override {
    const std::string file(name);
    try {
      return ParseFile(file, bytes, options);
    } catch (const std::bad_alloc&) {
      return ResourceExhaustedError(file + ": out of memory while reading");
    } catch (const std::exception& e) {
      return InternalError(file + ": " + e.what());
    }
  }

 private:
  static Result<Export> ParseFile(const std::string& file,
                                  std::string_view bytes,
                                  const ReadOptions& options) {
    if (static_cast<int64_t>(bytes.size()) > options.max_bytes) {
      return ResourceExhaustedError(file + ": " + std::to_string(bytes.size()) +
                                    " bytes, more than the " +
                                    std::to_string(options.max_bytes) +
                                    " an import reads; split it");
    }
    LIVESOP_ASSIGN_OR_RETURN(Settings settings,
                             ReadSettings(file, options.settings));
    if (EndsWithIgnoringCase(file, ".xls") ||
        bytes.starts_with("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1")) {
      return InvalidArgumentError(
          file +
          ": an old binary Excel workbook (.xls), which is not read; "
          "open it and save it as .xlsx (Excel Workbook) or export "
          "the sheet as CSV UTF-8");
    }
    if (EndsWithIgnoringCase(file, ".ods")) {
      return InvalidArgumentError(
          file +
          ": an OpenDocument spreadsheet, which is not read; save it "
          "as .xlsx or export the sheet as CSV UTF-8");
    }
    if (EndsWithIgnoringCase(file, ".xlsx") ||
        EndsWithIgnoringCase(file, ".xlsm") || LooksLikeZip(bytes)) {
      return ParseXlsx(file, bytes, options, settings);
    }
    return ParseCsv(file, bytes, options, settings);
  }
};

}  // namespace

const Connector& SheetConnector() {
  static const SheetConnectorImpl* const connector = new SheetConnectorImpl;
  return *connector;
}

}  // namespace livesop::connect::internal

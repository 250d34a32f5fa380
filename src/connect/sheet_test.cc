#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "connect/connector.h"
#include "connect/internal/connectors.h"
#include "connect/internal/zip.h"
#include "core/time.h"

namespace livesop::connect {
namespace {

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

const fs::path kTestData =
    fs::path(LIVESOP_SOURCE_DIR) / "testdata" / "connect" / "sheet";

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

int64_t Utc(const char* iso) {
  Result<int64_t> time = ParseTimestamp(iso);
  EXPECT_TRUE(time.ok()) << iso;
  return time.ok() ? *time : 0;
}

ReadOptions Options(std::vector<std::string> settings,
                    std::string zone = "Asia/Jakarta") {
  ReadOptions options;
  options.time_zone = std::move(zone);
  options.settings = std::move(settings);
  return options;
}

// Parses testdata/connect/sheet/`name` under the name `name`, as the import
// gives it.
Result<Export> Parse(const std::string& name, const ReadOptions& options) {
  return internal::SheetConnector().Parse(name, ReadBytes(kTestData / name),
                                          options);
}

Status ParseError(const std::string& name, const ReadOptions& options) {
  Result<Export> result = Parse(name, options);
  EXPECT_FALSE(result.ok()) << name << " was read";
  return result.status();
}

std::vector<int64_t> Lines(const Export& e) {
  std::vector<int64_t> lines;
  for (const Message& m : e.messages) lines.push_back(m.line);
  return lines;
}

std::vector<std::string> Column(const Export& e, const std::string& name) {
  std::vector<std::string> values;
  for (const Message& m : e.messages) {
    const auto it = m.fields.find(name);
    values.push_back(it == m.fields.end() ? "<absent>" : it->second);
  }
  return values;
}

TEST(SheetConnectorTest, IsRegisteredAsSheet) {
  const Connector* connector = FindConnector("sheet");
  ASSERT_NE(connector, nullptr);
  EXPECT_EQ(connector->Name(), "sheet");
  EXPECT_THAT(std::string(connector->Description()), HasSubstr("XLSX"));
}

// --- CSV -------------------------------------------------------------------

TEST(SheetCsvTest, EachRowIsAMessageWithItsCellsByHeader) {
  Result<Export> read =
      Parse("campaign-tracker.csv", Options({"as_of=2026-03-09T17:00"}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->source, "sheet");
  EXPECT_EQ(read->file, "campaign-tracker.csv");
  // Line 6 holds only empty cells: no row of the tracker.
  EXPECT_THAT(Lines(*read), ElementsAre(2, 3, 7));

  Message first;
  first.source = "sheet";
  first.conversation = "campaign-tracker";
  first.time_us = Utc("2026-03-09T10:00:00Z");
  first.utc_offset_minutes = 420;
  first.zone = "Asia/Jakarta";
  first.kind = MessageKind::kText;
  first.text =
      "Code: CMP-0142; Campaign: Ramadan Sale 2026; Owner: Rina Wijaya; "
      "Status: In review; Channel: Instagram; Launch date: 2026-02-18; Last "
      "update: 2026-03-02 09:15; Notes: Waiting for legal";
  first.fields = {{"Code", "CMP-0142"},
                  {"Campaign", "Ramadan Sale 2026"},
                  {"Owner", "Rina Wijaya"},
                  {"Status", "In review"},
                  {"Channel", "Instagram"},
                  {"Launch date", "2026-02-18"},
                  {"Last update", "2026-03-02 09:15"},
                  {"Notes", "Waiting for legal"}};
  first.file = "campaign-tracker.csv";
  first.line = 2;
  EXPECT_EQ(read->messages[0], first);

  const Message& quoted = read->messages[1];
  EXPECT_EQ(quoted.fields.at("Campaign"), "Mudik Bareng, Hemat Bareng");
  EXPECT_EQ(quoted.fields.at("Notes"),
            "Copy v2 needs:\r\n- new CTA\r\n- shorter caption");
  EXPECT_EQ(quoted.time_us, first.time_us);

  // A blank cell stays in the fields, as written, and is left out of the
  // text.
  const Message& last = read->messages[2];
  EXPECT_EQ(last.fields.at("Notes"), " ");
  EXPECT_EQ(last.text,
            "Code: CMP-0144; Campaign: Lebaran Hampers; Owner: Siti "
            "Rahmawati; Status: Approved; Channel: Email; Launch date: "
            "2026-03-05; Last update: 2026-03-01");
  EXPECT_EQ(last.id, "");
  EXPECT_EQ(last.sender, "");
  EXPECT_EQ(last.fields.count("encoding"), 0u);
}

TEST(SheetCsvTest, TimeColumnGivesEachRowItsTime) {
  Result<Export> read =
      Parse("campaign-tracker.csv", Options({"time_column=Last update"}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->messages.size(), 3u);
  // A local time, read in the import's zone.
  EXPECT_EQ(read->messages[0].time_us, Utc("2026-03-02T02:15:00Z"));
  EXPECT_EQ(read->messages[0].utc_offset_minutes, 420);
  EXPECT_EQ(read->messages[0].zone, "Asia/Jakarta");
  // A time with its own offset keeps it.
  EXPECT_EQ(read->messages[1].time_us, Utc("2026-03-02T04:40:00Z"));
  EXPECT_EQ(read->messages[1].utc_offset_minutes, 420);
  EXPECT_EQ(read->messages[1].zone, "+07:00");
  // A date alone is local midnight.
  EXPECT_EQ(read->messages[2].time_us, Utc("2026-02-28T17:00:00Z"));
}

TEST(SheetCsvTest, AsOfWithAnOffsetAndTheDefaultZone) {
  ReadOptions options = Options({"as_of=2026-03-09T17:00:00+08:00"}, "");
  Result<Export> read = Parse("campaign-tracker.csv", options);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->messages[0].time_us, Utc("2026-03-09T09:00:00Z"));
  EXPECT_EQ(read->messages[0].utc_offset_minutes, 480);
  EXPECT_EQ(read->messages[0].zone, "+08:00");
  options.settings = {"as_of=2026-03-09"};
  read = Parse("campaign-tracker.csv", options);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->messages[0].time_us, Utc("2026-03-09T00:00:00Z"));
  EXPECT_EQ(read->messages[0].zone, "UTC");
}

TEST(SheetCsvTest, ConversationOptionNamesTheTracker) {
  ReadOptions options = Options({"as_of=2026-03-09T17:00"});
  options.conversation = "Campaign tracker";
  Result<Export> read = Parse("campaign-tracker.csv", options);
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->messages[0].conversation, "Campaign tracker");
}

TEST(SheetCsvTest, SemicolonsTitleRowsAndDayFirstDates) {
  // The title on line 1 is taken for the header unless header_row says
  // otherwise; the header's names then sit in unnamed columns.
  EXPECT_EQ(ParseError("campaign-tracker-semicolon.csv",
                       Options({"as_of=2026-03-02T18:00"}))
                .message(),
            "campaign-tracker-semicolon.csv:3: column 2 has no header, but "
            "this row has \"Campaign\" in it: name the column in the header "
            "row (1) and export it again, or give header_row=N when the "
            "header is another row");

  Result<Export> read =
      Parse("campaign-tracker-semicolon.csv",
            Options({"header_row=3", "time_column=Last update"}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_THAT(Lines(*read), ElementsAre(4, 5));
  EXPECT_THAT(Column(*read, "Code"), ElementsAre("CMP-0150", "CMP-0151"));
  EXPECT_THAT(Column(*read, "Launch date"),
              ElementsAre("01/03/2026", "03/03/2026"));
  // 28/02 tells the column is day-first, so 02/03 is 2 March.
  EXPECT_EQ(read->messages[0].time_us, Utc("2026-02-28T10:45:00Z"));
  EXPECT_EQ(read->messages[1].time_us, Utc("2026-03-02T01:05:00Z"));

  ReadOptions month_first =
      Options({"header_row=3", "time_column=Last update"});
  month_first.date_order = "mdy";
  EXPECT_THAT(
      ParseError("campaign-tracker-semicolon.csv", month_first).message(),
      HasSubstr("campaign-tracker-semicolon.csv:4: \"28/02/2026 "
                "17:45\" in column \"Last update\" cannot be read: "
                "no such date and time"));
}

TEST(SheetCsvTest, WindowsCodePageIsConvertedAndNoted) {
  Result<Export> read =
      Parse("campaign-tracker-cp1252.csv", Options({"as_of=2026-03-09T17:00"}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->messages.size(), 2u);
  EXPECT_EQ(read->messages[0].fields.at("Campaign"), "Déjà vu Diskon");
  EXPECT_EQ(read->messages[0].fields.at("Owner"), "Andrés Pérez");
  EXPECT_EQ(read->messages[0].fields.at("Notes"), "Budget 5.000 €");
  EXPECT_EQ(read->messages[0].fields.at("encoding"), "windows-1252");
  EXPECT_EQ(read->messages[1].fields.at("Campaign"), "Kopi Susu Café");
  EXPECT_EQ(read->messages[1].fields.at("Notes"), "");
  EXPECT_EQ(read->messages[1].text,
            "Code: CMP-0161; Campaign: Kopi Susu Café; Owner: Rina Wijaya; "
            "Status: Draft; Channel: Instagram");
}

TEST(SheetCsvTest, UnicodeTextIsReadAsUtf16WithTabs) {
  Result<Export> read = Parse("campaign-tracker-unicode.txt",
                              Options({"as_of=2026-03-09T17:00"}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->messages.size(), 1u);
  EXPECT_EQ(read->messages[0].conversation, "campaign-tracker-unicode");
  EXPECT_EQ(read->messages[0].fields, (std::map<std::string, std::string>{
                                          {"Code", "CMP-0170"},
                                          {"Campaign", "Sale Akhir Tahun"},
                                          {"Owner", "Budi Santoso"},
                                          {"Status", "Done"},
                                          {"encoding", "utf-16"}}));
}

TEST(SheetCsvTest, ReadExportReadsAFile) {
  const std::string path = (kTestData / "campaign-tracker.csv").string();
  Result<Export> read = ReadExport(internal::SheetConnector(), path,
                                   Options({"as_of=2026-03-09T17:00"}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->messages[0].file, path);
  EXPECT_EQ(read->messages[0].conversation, "campaign-tracker");
  EXPECT_EQ(WhereRead(read->messages[0]), path + ":2");
}

// --- XLSX ------------------------------------------------------------------

TEST(SheetXlsxTest, FirstSheetWithStringsDatesNumbersAndBooleans) {
  Result<Export> read = Parse("campaign-tracker.xlsx", Options({}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  // Row 4 holds only formatted empty cells.
  EXPECT_THAT(Lines(*read), ElementsAre(2, 3, 5));

  Message first;
  first.source = "sheet";
  first.conversation = "campaign-tracker / Campaigns";
  // No time column and no as_of: the workbook's modified time, in UTC as
  // it states it.
  first.time_us = Utc("2026-03-02T10:30:00Z");
  first.utc_offset_minutes = 0;
  first.zone = "UTC";
  first.kind = MessageKind::kText;
  first.text =
      "Code: CMP-0142; Campaign: Ramadan Sale 2026; Owner: Rina Wijaya; "
      "Status: In review; Channel: Instagram; Launch date: 2026-02-18; Last "
      "update: 2026-03-02T09:15:00; Review at: 14:30:00; Budget (IDR): "
      "150000000; Paid: TRUE; Share: 0.35; Notes: Waiting for legal";
  first.fields = {{"Code", "CMP-0142"},
                  // A rich text string: its runs joined.
                  {"Campaign", "Ramadan Sale 2026"},
                  {"Owner", "Rina Wijaya"},
                  {"Status", "In review"},
                  {"Channel", "Instagram"},
                  {"Launch date", "2026-02-18"},
                  {"Last update", "2026-03-02T09:15:00"},
                  {"Review at", "14:30:00"},
                  {"Budget (IDR)", "150000000"},
                  {"Paid", "TRUE"},
                  {"Share", "0.35"},
                  // An inline string.
                  {"Notes", "Waiting for legal"}};
  first.file = "campaign-tracker.xlsx";
  first.line = 2;
  first.locator = "Campaigns";
  EXPECT_EQ(read->messages[0], first);
  EXPECT_EQ(WhereRead(read->messages[0]),
            "campaign-tracker.xlsx Campaigns line 2");

  // Built-in date format 14, seconds kept, empty cells as empty fields.
  EXPECT_THAT(Column(*read, "Launch date"),
              ElementsAre("2026-02-18", "2026-03-10", ""));
  EXPECT_THAT(Column(*read, "Last update"),
              ElementsAre("2026-03-02T09:15:00", "2026-03-02T11:40:30",
                          "2026-03-01T16:05:00"));
  EXPECT_THAT(Column(*read, "Review at"), ElementsAre("14:30:00", "", ""));
  EXPECT_THAT(Column(*read, "Budget (IDR)"),
              ElementsAre("150000000", "", "45000000.5"));
  EXPECT_THAT(Column(*read, "Paid"), ElementsAre("TRUE", "FALSE", ""));
  EXPECT_THAT(Column(*read, "Share"),
              ElementsAre("0.35", "0.2", "0.333333333333333"));
  EXPECT_THAT(Column(*read, "Notes"),
              ElementsAre("Waiting for legal", "Copy v2 needs:\nnew CTA", ""));
}

TEST(SheetXlsxTest, SheetSettingChoosesASheet) {
  Result<Export> read =
      Parse("campaign-tracker.xlsx", Options({"sheet=Owners"}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  ASSERT_EQ(read->messages.size(), 2u);
  EXPECT_EQ(read->messages[0].conversation, "campaign-tracker / Owners");
  EXPECT_EQ(read->messages[0].locator, "Owners");
  EXPECT_EQ(read->messages[1].fields,
            (std::map<std::string, std::string>{
                {"Name", "Budi Santoso"},
                {"Team", "Performance"},
                {"Email", "budi.santoso@example.co.id"}}));

  EXPECT_EQ(
      ParseError("campaign-tracker.xlsx", Options({"sheet=Budget"})).message(),
      "campaign-tracker.xlsx: no sheet named \"Budget\"; the "
      "workbook's sheets are \"Campaigns\", \"Owners\"");
}

TEST(SheetXlsxTest, DateCellsAsTimeColumnAreLocalTimes) {
  Result<Export> read =
      Parse("campaign-tracker.xlsx", Options({"time_column=Last update"}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_EQ(read->messages[0].time_us, Utc("2026-03-02T02:15:00Z"));
  EXPECT_EQ(read->messages[0].utc_offset_minutes, 420);
  EXPECT_EQ(read->messages[0].zone, "Asia/Jakarta");
  EXPECT_EQ(read->messages[1].time_us, Utc("2026-03-02T04:40:30Z"));
  EXPECT_EQ(read->messages[2].time_us, Utc("2026-03-01T09:05:00Z"));

  // A column of plain numbers is no time.
  EXPECT_EQ(
      ParseError("campaign-tracker.xlsx", Options({"time_column=Budget (IDR)"}))
          .message(),
      "campaign-tracker.xlsx sheet \"Campaigns\" cell I2: "
      "\"150000000\" in column \"Budget (IDR)\" is not a date and "
      "time; write it as 2026-03-02 or 2026-03-02 14:30 (or format "
      "the column as a date in the sheet)");
}

TEST(SheetXlsxTest, Mac1904DatesAndAMergedTitleAboveTheHeader) {
  EXPECT_EQ(ParseError("campaign-tracker-mac.xlsx", Options({})).message(),
            "campaign-tracker-mac.xlsx sheet \"Q1\" cell B3: column B has no "
            "header, but this row has \"Campaign\" in it: name the column in "
            "the header row (1) and save the workbook again, or give "
            "header_row=N when the header is another row");

  Result<Export> read =
      Parse("campaign-tracker-mac.xlsx", Options({"header_row=3"}));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  EXPECT_THAT(Lines(*read), ElementsAre(4, 5));
  EXPECT_THAT(Column(*read, "Launch date"),
              ElementsAre("2026-03-03", "2026-07-13T08:00:00"));
  EXPECT_EQ(read->messages[0].conversation, "campaign-tracker-mac / Q1");
  EXPECT_EQ(read->messages[0].time_us, Utc("2026-03-02T01:00:00Z"));
}

TEST(SheetXlsxTest, TwoExportsAWeekApartShowTheStatusesThen) {
  ReadOptions options = Options({});
  options.conversation = "Campaign tracker";
  Result<Export> before = Parse("tracker-2026-03-02.xlsx", options);
  Result<Export> after = Parse("tracker-2026-03-09.xlsx", options);
  ASSERT_TRUE(before.ok()) << before.status().ToString();
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_THAT(Column(*before, "Code"),
              ElementsAre("CMP-0142", "CMP-0143", "CMP-0144"));
  EXPECT_THAT(Column(*before, "Status"),
              ElementsAre("In review", "Draft", "Approved"));
  EXPECT_THAT(Column(*after, "Code"),
              ElementsAre("CMP-0142", "CMP-0143", "CMP-0144", "CMP-0147"));
  EXPECT_THAT(Column(*after, "Status"),
              ElementsAre("Approved", "In review", "Live", "Draft"));
  EXPECT_EQ(before->messages[0].conversation, "Campaign tracker / Tracker");
  EXPECT_EQ(after->messages[0].conversation, "Campaign tracker / Tracker");
  EXPECT_EQ(before->messages[0].time_us, Utc("2026-03-02T10:00:00Z"));
  EXPECT_EQ(after->messages[0].time_us, Utc("2026-03-09T10:00:00Z"));
}

// --- Invalid inputs --------------------------------------------------------

TEST(SheetInvalidTest, ACsvStatesNoTimeOfExport) {
  EXPECT_EQ(ParseError("campaign-tracker.csv", Options({})),
            InvalidArgumentError(
                "campaign-tracker.csv: a CSV states no time of export; give "
                "as_of= with the time it was exported "
                "(as_of=2026-03-09T17:00), or time_column= naming the column "
                "that holds each row's time"));
}

TEST(SheetInvalidTest, HeaderNamesMustBeThereAndDiffer) {
  EXPECT_EQ(ParseError("invalid/duplicate-headers.csv",
                       Options({"as_of=2026-03-09T17:00"}))
                .message(),
            "invalid/duplicate-headers.csv:1: column 3 and column 5 are both "
            "named \"status\"; every column needs its own name: rename one "
            "in the sheet and export it again");
  EXPECT_EQ(ParseError("invalid/unnamed-column.csv",
                       Options({"as_of=2026-03-09T17:00"}))
                .message(),
            "invalid/unnamed-column.csv:3: column 4 has no header, but this "
            "row has \"TikTok\" in it: name the column in the header row (1) "
            "and export it again, or give header_row=N when the header is "
            "another row");
}

TEST(SheetInvalidTest, ARowWithMoreCellsThanHeaders) {
  EXPECT_EQ(
      ParseError("invalid/extra-cells.csv", Options({"as_of=2026-03-09T17:00"}))
          .message(),
      "invalid/extra-cells.csv:3: 5 fields, but the header has 4 "
      "columns; every row needs one cell per column (quote a cell that "
      "holds the delimiter)");
}

TEST(SheetInvalidTest, ATimeCellThatCannotBeRead) {
  EXPECT_EQ(
      ParseError("invalid/bad-time.csv", Options({"time_column=Last update"}))
          .message(),
      "invalid/bad-time.csv:3: \"besok pagi\" in column \"Last "
      "update\" is not a date and time; write it as 2026-03-02 or "
      "2026-03-02 14:30 (or format the column as a date in the sheet)");
  EXPECT_EQ(ParseError("invalid/bad-time.csv", Options({"time_column=Updated"}))
                .message(),
            "invalid/bad-time.csv:1: time_column=Updated names no column of "
            "the header; the columns are \"Code\", \"Campaign\", \"Status\", "
            "\"Last update\"");
}

TEST(SheetInvalidTest, BytesNeitherUtf8NorWindows1252) {
  EXPECT_EQ(ParseError("invalid/undefined-byte.csv",
                       Options({"as_of=2026-03-09T17:00"}))
                .message(),
            "invalid/undefined-byte.csv:2: the file is neither UTF-8 nor "
            "Windows-1252 (byte 46); export it again as \"CSV UTF-8\"");
}

TEST(SheetInvalidTest, MergedCellsInTheRows) {
  EXPECT_EQ(ParseError("invalid/merged-cells.xlsx", Options({})).message(),
            "invalid/merged-cells.xlsx sheet \"Campaigns\": cells B3:D3 are "
            "merged; unmerge them (every row needs its own "
            "value in every column) and save the workbook again");
}

TEST(SheetInvalidTest, AFormulaWithoutItsValue) {
  EXPECT_EQ(
      ParseError("invalid/formula-without-value.xlsx", Options({})).message(),
      "invalid/formula-without-value.xlsx sheet \"Budget\" cell B3: a "
      "formula without a computed value (=SUM(B2:B2)); open the "
      "workbook in a spreadsheet, save it and export again");
}

TEST(SheetInvalidTest, TruncatedAndFalseWorkbooks) {
  const Status truncated = ParseError("invalid/truncated.xlsx", Options({}));
  EXPECT_EQ(truncated.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(truncated.message(),
            "invalid/truncated.xlsx: not a readable zip archive (Not a zip "
            "archive); the workbook may be truncated or damaged: save it "
            "again from the spreadsheet");
  EXPECT_EQ(ParseError("invalid/not-a-workbook.xlsx", Options({})).message(),
            "invalid/not-a-workbook.xlsx: not an XLSX workbook (an .xlsx is "
            "a zip archive, this is not one); save it again from the "
            "spreadsheet as .xlsx, or export it as CSV");
  EXPECT_EQ(ParseError("invalid/old-excel.xls", Options({})).message(),
            "invalid/old-excel.xls: an old binary Excel workbook (.xls), "
            "which is not read; open it and save it as .xlsx (Excel "
            "Workbook) or export the sheet as CSV UTF-8");
}

TEST(SheetInvalidTest, SettingsAreChecked) {
  EXPECT_EQ(
      ParseError("campaign-tracker.csv", Options({"time_colum=x"})).message(),
      "campaign-tracker.csv: unknown setting \"time_colum\" for a "
      "sheet; known are sheet, header_row, time_column, as_of, "
      "status_column, key_column, campaign_column and person_column");
  EXPECT_THAT(
      ParseError("campaign-tracker.csv", Options({"header_row=0"})).message(),
      HasSubstr("header_row=0 is not a row number"));
  EXPECT_EQ(ParseError("campaign-tracker.csv",
                       Options({"header_row=40", "as_of=2026-03-09"}))
                .message(),
            "campaign-tracker.csv: header_row=40, but the file has only 7 "
            "lines");
  EXPECT_THAT(
      ParseError("campaign-tracker.csv", Options({"as_of=Monday"})).message(),
      HasSubstr("as_of=Monday is not an ISO 8601 time"));
  EXPECT_THAT(ParseError("campaign-tracker.csv",
                         Options({"as_of=2026-03-09", "sheet=Q1"}))
                  .message(),
              HasSubstr("sheet=Q1 is for XLSX workbooks"));
  EXPECT_THAT(ParseError("campaign-tracker.csv",
                         Options({"as_of=2026-03-09", "status_column=State"}))
                  .message(),
              HasSubstr("status_column=State names no column"));
  EXPECT_THAT(ParseError("campaign-tracker.csv",
                         Options({"as_of=2026-03-09"}, "Asia/Jakrta"))
                  .message(),
              HasSubstr("unknown time zone \"Asia/Jakrta\""));
}

TEST(SheetInvalidTest, TooBigIsResourceExhausted) {
  ReadOptions options = Options({"as_of=2026-03-09"});
  options.max_bytes = 100;
  EXPECT_EQ(ParseError("campaign-tracker.csv", options).code(),
            StatusCode::kResourceExhausted);
  EXPECT_EQ(ParseError("campaign-tracker.xlsx", options).code(),
            StatusCode::kResourceExhausted);
}

// Every prefix and many one-byte changes of the workbook and the CSV read
// or fail with InvalidArgument: never a crash, never another code.
TEST(SheetInvalidTest, DamagedInputsNeverCrash) {
  for (const char* name :
       {"campaign-tracker.xlsx", "campaign-tracker.csv",
        "campaign-tracker-cp1252.csv", "campaign-tracker-unicode.txt"}) {
    const std::string bytes = ReadBytes(kTestData / name);
    const ReadOptions options = Options({"as_of=2026-03-09T17:00"});
    for (size_t size = 0; size < bytes.size(); size += 7) {
      Result<Export> read = internal::SheetConnector().Parse(
          name, std::string_view(bytes).substr(0, size), options);
      if (!read.ok()) {
        EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument)
            << name << " cut at " << size << ": " << read.status().ToString();
      }
    }
    for (size_t at = 0; at < bytes.size(); at += 5) {
      std::string changed = bytes;
      changed[at] = static_cast<char>(changed[at] ^ 0x5A);
      Result<Export> read =
          internal::SheetConnector().Parse(name, changed, options);
      if (!read.ok()) {
        EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument)
            << name << " changed at " << at << ": " << read.status().ToString();
      }
    }
  }
}

// Writes `members` into a zip archive in memory.
std::string Zip(const std::vector<internal::ZipMember>& members) {
  Result<std::string> bytes = internal::WriteZip(members);
  EXPECT_TRUE(bytes.ok()) << bytes.status().ToString();
  return bytes.ok() ? *bytes : std::string();
}

// The workbook's parts, each cut short or with a byte changed, zipped
// again: whatever XML the parts hold, reading never crashes and fails, if
// it fails, with InvalidArgument.
TEST(SheetInvalidTest, DamagedWorkbookPartsNeverCrash) {
  const std::string bytes = ReadBytes(kTestData / "campaign-tracker.xlsx");
  Result<std::vector<internal::ZipMember>> members =
      internal::ReadZip("campaign-tracker.xlsx", bytes, int64_t{1} << 24);
  ASSERT_TRUE(members.ok()) << members.status().ToString();
  ASSERT_TRUE(internal::SheetConnector()
                  .Parse("campaign-tracker.xlsx", Zip(*members), Options({}))
                  .ok());
  int failures = 0;
  const auto check = [&](const std::vector<internal::ZipMember>& damaged,
                         const std::string& what) {
    Result<Export> read = internal::SheetConnector().Parse(
        "campaign-tracker.xlsx", Zip(damaged), Options({}));
    if (!read.ok()) {
      ++failures;
      EXPECT_EQ(read.status().code(), StatusCode::kInvalidArgument)
          << what << ": " << read.status().ToString();
    }
  };
  for (size_t m = 0; m < members->size(); ++m) {
    const std::string original = (*members)[m].bytes;
    const std::string& name = (*members)[m].name;
    // The theme and the application's properties are not read.
    if (name.find("theme") != std::string::npos || name == "docProps/app.xml") {
      continue;
    }
    std::vector<internal::ZipMember> damaged = *members;
    for (size_t size = 0; size < original.size(); size += 29) {
      damaged[m].bytes = original.substr(0, size);
      check(damaged, name + " cut at " + std::to_string(size));
    }
    for (size_t at = 0; at < original.size(); at += 11) {
      for (char c : {'<', '"', '9', '\0'}) {
        damaged[m].bytes = original;
        damaged[m].bytes[at] = c;
        check(damaged, name + " changed at " + std::to_string(at));
      }
    }
  }
  EXPECT_GT(failures, 0);
}

}  // namespace
}  // namespace livesop::connect

#include "eventlog/csv.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <sstream>
#include <string>

#include "eventlog/log_test_util.h"

namespace livesop::eventlog {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;

Attribute S(std::string key, std::string value) {
  return {std::move(key), AttributeType::kString, std::move(value)};
}
Attribute D(std::string key, std::string value) {
  return {std::move(key), AttributeType::kDate, std::move(value)};
}

class CsvTest : public TempDirTest {};

TEST_F(CsvTest, MapsTheUsualColumnNamesToStandardKeys) {
  CsvContents read = ReadCsvContents(
      Write("log.csv",
            "Case ID,Activity,Timestamp,Resource,Role,Lifecycle,Cost\n"
            "c1,register request,2010-12-30 14:32:00+01:00,Pete,clerk,"
            "complete,50\n"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.header.delimiter, ',');
  EXPECT_THAT(
      read.header.keys,
      ElementsAre("case:concept:name", "concept:name", "time:timestamp",
                  "org:resource", "org:role", "lifecycle:transition", "Cost"));
  ASSERT_EQ(read.events.size(), 1u);
  EXPECT_EQ(read.lines, std::vector<int64_t>{2});
  EXPECT_EQ(read.events[0],
            (Event{S("case:concept:name", "c1"),
                   S("concept:name", "register request"),
                   D("time:timestamp", "2010-12-30T13:32:00.000+00:00"),
                   S("org:resource", "Pete"), S("org:role", "clerk"),
                   S("lifecycle:transition", "complete"), S("Cost", "50")}));
}

TEST_F(CsvTest, RecognisesEveryAliasCaseInsensitively) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"case:concept:name,concept:name,time:timestamp", ","},
      {"CASE_ID,ACTIVITY,TIME", ","},
      {"case;activity;timestamp", ";"},
      {"CaseId\tConcept:Name\tTime:Timestamp", "\t"},
  };
  for (const auto& [header, delimiter] : cases) {
    const std::string row = "c1" + delimiter + "a" + delimiter + "2024-01-01";
    CsvContents read =
        ReadCsvContents(Write("aliases.csv", header + "\n" + row + "\n"));
    ASSERT_TRUE(read.status.ok()) << header << ": " << read.status.ToString();
    EXPECT_EQ(read.header.delimiter, delimiter[0]) << header;
    ASSERT_EQ(read.events.size(), 1u) << header;
    EXPECT_EQ(AttributeValue(read.events[0], kCaseIdKey), "c1") << header;
    EXPECT_EQ(AttributeValue(read.events[0], kActivityKey), "a") << header;
    EXPECT_EQ(AttributeValue(read.events[0], kTimestampKey),
              "2024-01-01T00:00:00.000+00:00")
        << header;
  }
}

TEST_F(CsvTest, PrefersTheXesNameWhenSeveralAliasesArePresent) {
  CsvContents read =
      ReadCsvContents(Write("both.csv",
                            "case,activity,case:concept:name,timestamp\n"
                            "short,a,long,2024-01-01\n"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(AttributeValue(read.events[0], kCaseIdKey), "long");
  // The other alias is an ordinary column.
  EXPECT_EQ(AttributeValue(read.events[0], "case"), "short");
}

TEST_F(CsvTest, ColumnsNamedInTheOptionsWin) {
  CsvOptions options;
  options.case_column = "Ticket";
  options.activity_column = " step ";
  options.timestamp_column = "When";
  CsvContents read =
      ReadCsvContents(Write("named.csv",
                            "Ticket,Step,When,activity\nT-1,triage,2024-01-01,"
                            "ignored\n"),
                      options);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.events[0],
            (Event{S("case:concept:name", "T-1"), S("concept:name", "triage"),
                   D("time:timestamp", "2024-01-01T00:00:00.000+00:00"),
                   S("activity", "ignored")}));

  options.role_column = "Team";
  read = ReadCsvContents(Path("named.csv"), options);
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              HasSubstr(Path("named.csv") + ":1: no column \"Team\", named as "
                                            "the role column; the header has "
                                            "\"Ticket\", \"Step\""));
}

TEST_F(CsvTest, QuotingLineBreaksBomAndBlankLines) {
  const std::string path = Write(
      "quoted.csv",
      "\xEF\xBB\xBF"
      "case,activity,timestamp,note\r\n"
      "\r\n"
      "1,\"say \"\"hi\"\", then, leave\",2024-01-01,\"one\r\ntwo\nthree\"\r\n"
      "\n"
      "2,b,2024-01-02, spaced \n"
      "3,c,2024-01-03,\"\"");  // no final line break
  CsvContents read = ReadCsvContents(path);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.header.columns[0], "case");  // the BOM is gone
  EXPECT_EQ(read.lines, (std::vector<int64_t>{3, 7, 8}));
  ASSERT_EQ(read.events.size(), 3u);
  EXPECT_EQ(AttributeValue(read.events[0], kActivityKey),
            "say \"hi\", then, leave");
  EXPECT_EQ(AttributeValue(read.events[0], "note"), "one\r\ntwo\nthree");
  EXPECT_EQ(AttributeValue(read.events[1], "note"), " spaced ");
  EXPECT_EQ(FindAttribute(read.events[2], "note"), nullptr);  // empty: absent
}

TEST_F(CsvTest, TimestampsAreOptionalWhenNotRequired) {
  CsvOptions options;
  options.require_timestamp = false;
  CsvContents read = ReadCsvContents(
      Write("no-time.csv", "case,activity,resource\n1,a,\n1,b,ana\n"), options);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.events[0],
            (Event{S("case:concept:name", "1"), S("concept:name", "a")}));
  EXPECT_EQ(read.events[1].back(), S("org:resource", "ana"));

  read = ReadCsvContents(
      Write("empty-time.csv", "case,activity,time\n1,a,\n1,b,2024-01-01\n"),
      options);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(FindAttribute(read.events[0], kTimestampKey), nullptr);
  EXPECT_NE(FindAttribute(read.events[1], kTimestampKey), nullptr);

  read = ReadCsvContents(Path("empty-time.csv"));  // required by default
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              HasSubstr(":2: column \"time\": empty timestamp"));
}

TEST_F(CsvTest, HeaderMistakesAreNamed) {
  CsvOptions ticket;
  ticket.case_column = "Ticket";
  CsvContents read = ReadCsvContents(
      Write("shadow.csv", "Ticket,activity,time,case:concept:name\n"), ticket);
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              HasSubstr(":1: column \"case:concept:name\" would repeat the "
                        "case id taken from column \"Ticket\""));

  read = ReadCsvContents(Write("twice.csv", "case,activity,time,x,x\n"));
  EXPECT_THAT(read.status.message(),
              HasSubstr(":1: column \"x\" appears twice"));

  read = ReadCsvContents(Write("no-activity.csv", "case,time\n"));
  EXPECT_THAT(read.status.message(),
              HasSubstr(":1: no activity column; the header has \"case\", "
                        "\"time\"; accepted names are \"concept:name\", "
                        "\"activity\""));

  read = ReadCsvContents(Write("empty.csv", "\n\n"));
  EXPECT_EQ(read.status,
            InvalidArgumentError(Path("empty.csv") +
                                 ":1: the file is empty; expected a header "
                                 "line"));
}

TEST_F(CsvTest, UnnamedColumnsAreNotAttributes) {
  CsvContents read = ReadCsvContents(
      Write("index.csv", ",case,activity,time\n0,1,a,2024-01-01\n"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.events[0].size(), 3u);
  EXPECT_EQ(FindAttribute(read.events[0], ""), nullptr);
}

// One log per format: the header line, then `cells` as the timestamps of
// consecutive rows of case 1.
std::string LogWithTimes(const std::vector<std::string>& cells) {
  std::string text = "case,activity,time\n";
  for (const std::string& cell : cells) text += "1,a," + cell + "\n";
  return text;
}

struct FormatCase {
  std::vector<std::string> cells;
  std::string format;                 // what the header must report
  std::vector<std::string> expected;  // the normalised times
};

TEST_F(CsvTest, DetectsEachCommonTimestampFormat) {
  const std::vector<FormatCase> cases = {
      {{"2024-03-01T09:05:00Z", "2024-03-13T09:05:07.5+01:00"},
       "ISO 8601",
       {"2024-03-01T09:05:00.000+00:00", "2024-03-13T08:05:07.500+00:00"}},
      {{"2024-03-01 09:05", "2024-03-13 09:05:07", "2024-03-14"},
       "ISO 8601",
       {"2024-03-01T09:05:00.000+00:00", "2024-03-13T09:05:07.000+00:00",
        "2024-03-14T00:00:00.000+00:00"}},
      {{"2024/03/01 09:05", "2024/03/13 19:05"},
       "%Y/%m/%d %H:%M",
       {"2024-03-01T09:05:00.000+00:00", "2024-03-13T19:05:00.000+00:00"}},
      {{"2024/03/01 09:05:07", "2024/3/13 9:05:07.25"},
       "%Y/%m/%d %H:%M:%S",
       {"2024-03-01T09:05:07.000+00:00", "2024-03-13T09:05:07.250+00:00"}},
      {{"13-03-2024 09:05", "01-03-2024 10:00"},
       "%d-%m-%Y %H:%M",
       {"2024-03-13T09:05:00.000+00:00", "2024-03-01T10:00:00.000+00:00"}},
      {{"03-13-2024 09:05:07", "03-01-2024 10:00:00"},
       "%m-%d-%Y %H:%M:%S",
       {"2024-03-13T09:05:07.000+00:00", "2024-03-01T10:00:00.000+00:00"}},
      {{"01/03/2024 10:00:00", "13/03/2024 09:05:07"},
       "%d/%m/%Y %H:%M:%S",
       {"2024-03-01T10:00:00.000+00:00", "2024-03-13T09:05:07.000+00:00"}},
      {{"03/01/2024 10:00", "03/13/2024 09:05"},
       "%m/%d/%Y %H:%M",
       {"2024-03-01T10:00:00.000+00:00", "2024-03-13T09:05:00.000+00:00"}},
      {{"13.03.2024 09:05:07", "1.3.2024 10:00:00"},
       "%d.%m.%Y %H:%M:%S",
       {"2024-03-13T09:05:07.000+00:00", "2024-03-01T10:00:00.000+00:00"}},
      {{"13/03/2024", "14/03/2024"},
       "%d/%m/%Y",
       {"2024-03-13T00:00:00.000+00:00", "2024-03-14T00:00:00.000+00:00"}},
      {{"1709283900", "1709283907"},
       "unix seconds",
       {"2024-03-01T09:05:00.000+00:00", "2024-03-01T09:05:07.000+00:00"}},
      {{"1709283900123", "1709283907000"},
       "unix milliseconds",
       {"2024-03-01T09:05:00.123+00:00", "2024-03-01T09:05:07.000+00:00"}},
  };
  for (const FormatCase& c : cases) {
    CsvContents read =
        ReadCsvContents(Write("times.csv", LogWithTimes(c.cells)));
    ASSERT_TRUE(read.status.ok()) << c.format << ": " << read.status.ToString();
    // Reported to OnHeader, which CollectingCsvVisitor keeps.
    EXPECT_EQ(read.header.timestamp_format, c.format);
    EXPECT_FALSE(read.header.timestamp_format_ambiguous) << c.format;
    ASSERT_EQ(read.events.size(), c.expected.size()) << c.format;
    for (size_t i = 0; i < c.expected.size(); ++i) {
      EXPECT_EQ(AttributeValue(read.events[i], kTimestampKey), c.expected[i])
          << c.format << ", row " << i;
      EXPECT_EQ(FindAttribute(read.events[i], kTimestampKey)->type,
                AttributeType::kDate);
    }
  }
}

TEST_F(CsvTest, DayFirstOrMonthFirstIsDecidedByTheValues) {
  // Nothing above 12: either order reads; day-first, and the header says
  // the choice was not forced by the data.
  CsvContents read = ReadCsvContents(Write(
      "ambiguous.csv", LogWithTimes({"01/02/2024 10:00", "03/04/2024 11:00"})));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.header.timestamp_format, "%d/%m/%Y %H:%M");
  EXPECT_TRUE(read.header.timestamp_format_ambiguous);
  EXPECT_EQ(AttributeValue(read.events[0], kTimestampKey),
            "2024-02-01T10:00:00.000+00:00");

  // One second field above 12, late in the sample, makes it month-first.
  std::vector<std::string> cells(500, "01/02/2024 10:00");
  cells.push_back("02/25/2024 10:00");
  read = ReadCsvContents(Write("month-first.csv", LogWithTimes(cells)));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.header.timestamp_format, "%m/%d/%Y %H:%M");
  EXPECT_FALSE(read.header.timestamp_format_ambiguous);
  EXPECT_EQ(AttributeValue(read.events[0], kTimestampKey),
            "2024-01-02T10:00:00.000+00:00");
  EXPECT_EQ(AttributeValue(read.events.back(), kTimestampKey),
            "2024-02-25T10:00:00.000+00:00");

  // A first field above 12 makes it day-first, and not ambiguous.
  read = ReadCsvContents(Write(
      "day-first.csv", LogWithTimes({"01-02-2024 10:00", "25-02-2024 10:00"})));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.header.timestamp_format, "%d-%m-%Y %H:%M");
  EXPECT_FALSE(read.header.timestamp_format_ambiguous);

  // Both: no single order reads every row. The order that read the most
  // rows before failing names the row that breaks it.
  read = ReadCsvContents(
      Write("both.csv", LogWithTimes({"25/02/2024 10:00", "26/02/2024 10:00",
                                      "02/27/2024 10:00"})));
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              HasSubstr(Path("both.csv") +
                        ":4: column \"time\": timestamp \"02/27/2024 10:00\" "
                        "does not match the format \"%d/%m/%Y %H:%M\" detected "
                        "from the first rows"));
  EXPECT_EQ(read.events.size(), 2u);  // the rows before it were delivered
}

TEST_F(CsvTest, ARowThatDoesNotMatchTheDetectedFormatIsNamed) {
  // After the sample of 1,000 timestamps the format is fixed; a later row
  // in another format fails with its line, column and the format.
  std::vector<std::string> cells(1200, "13/03/2024 09:05");
  cells[1100] = "2024-03-13 09:05";
  CsvContents read = ReadCsvContents(Write("late.csv", LogWithTimes(cells)));
  EXPECT_EQ(read.status,
            InvalidArgumentError(
                Path("late.csv") +
                ":1102: column \"time\": timestamp \"2024-03-13 09:05\" does "
                "not match the format \"%d/%m/%Y %H:%M\" detected from the "
                "first rows; name the format in the options if it is "
                "another"));
  EXPECT_EQ(read.events.size(), 1100u);

  // ISO 8601 keeps ParseTimestamp's explanation.
  read = ReadCsvContents(
      Write("iso.csv", LogWithTimes({"2024-03-13 09:05", "13/03/2024 09:05"})));
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              HasSubstr(":3: column \"time\": invalid timestamp \"13/03/2024 "
                        "09:05\": the date is not YYYY-MM-DD; expected ISO "
                        "8601"));

  // No known format reads the first timestamp.
  read = ReadCsvContents(
      Write("unknown.csv", LogWithTimes({"yesterday", "2024-03-13"})));
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              HasSubstr(Path("unknown.csv") +
                        ":2: column \"time\": cannot tell the timestamp format "
                        "from \"yesterday\": it is none of unix seconds or "
                        "milliseconds, ISO 8601, %Y/%m/%d"));
  EXPECT_THAT(read.status.message(),
              HasSubstr("name the format in the options"));

  // Two-digit years are not guessed at.
  read = ReadCsvContents(
      Write("short-year.csv", LogWithTimes({"13/03/24 09:05"})));
  EXPECT_THAT(read.status.message(),
              HasSubstr("cannot tell the timestamp format from \"13/03/24 "
                        "09:05\""));
}

TEST_F(CsvTest, TheFormatIsFixedByTheFirstThousandTimestamps) {
  // Evidence for month-first after the sample comes too late: the format
  // was taken day-first (ambiguously) from the first 1,000.
  std::vector<std::string> cells(1000, "01/02/2024 10:00");
  cells.push_back("02/25/2024 10:00");
  CsvContents read = ReadCsvContents(Write("late.csv", LogWithTimes(cells)));
  EXPECT_EQ(read.header.timestamp_format, "%d/%m/%Y %H:%M");
  EXPECT_TRUE(read.header.timestamp_format_ambiguous);
  EXPECT_THAT(read.status.message(),
              HasSubstr(":1002: column \"time\": timestamp \"02/25/2024 "
                        "10:00\" does not match the format"));

  // A column empty all through the first 10,000 rows (timestamps not
  // required) takes its format from its first value.
  CsvOptions optional;
  optional.require_timestamp = false;
  std::vector<std::string> sparse(10000, "");
  sparse.push_back("13/03/2024 09:05");
  sparse.push_back("14/03/2024 09:05");
  read = ReadCsvContents(Write("sparse.csv", LogWithTimes(sparse)), optional);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.header.timestamp_format, "");  // unknown at OnHeader
  ASSERT_EQ(read.events.size(), 10002u);
  EXPECT_EQ(FindAttribute(read.events[0], kTimestampKey), nullptr);
  EXPECT_EQ(AttributeValue(read.events[10001], kTimestampKey),
            "2024-03-14T09:05:00.000+00:00");
}

TEST_F(CsvTest, AFormatGivenInTheOptionsIsUsedAsIs) {
  CsvOptions options;
  options.timestamp_format = "%d %b %Y, %H:%M%z";
  CsvContents read = ReadCsvContents(
      Write("named.csv",
            "case,activity,time\n1,a,\"13 Mar 2024, 09:05+0100\"\n"
            "1,b,\"14 Mar 2024, 10:00+0000\"\n"),
      options);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.header.timestamp_format, "%d %b %Y, %H:%M%z");
  EXPECT_EQ(AttributeValue(read.events[0], kTimestampKey),
            "2024-03-13T08:05:00.000+00:00");

  options.timestamp_format = "%d/%m/%y %H:%M";  // two-digit years, named
  read = ReadCsvContents(
      Write("short.csv", LogWithTimes({"13/03/24 09:05", "2024-03-13 09:05"})),
      options);
  EXPECT_EQ(read.status,
            InvalidArgumentError(
                Path("short.csv") +
                ":3: column \"time\": timestamp \"2024-03-13 09:05\" does not "
                "match the format \"%d/%m/%y %H:%M\" given in the options"));
  ASSERT_EQ(read.events.size(), 1u);
  EXPECT_EQ(AttributeValue(read.events[0], kTimestampKey),
            "2024-03-13T09:05:00.000+00:00");

  options.timestamp_format = "unix milliseconds";
  read = ReadCsvContents(Write("ms.csv", LogWithTimes({"0", "1500"})), options);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(AttributeValue(read.events[1], kTimestampKey),
            "1970-01-01T00:00:01.500+00:00");

  options.timestamp_format = "ISO 8601";
  read =
      ReadCsvContents(Write("iso.csv", LogWithTimes({"1709283900"})), options);
  EXPECT_THAT(read.status.message(),
              HasSubstr(":2: column \"time\": invalid timestamp"));
}

TEST_F(CsvTest, TheSampleKeepsFileOrderForErrorsAndVisitors) {
  // A row error before the timestamp that defeats detection comes first.
  CsvContents read = ReadCsvContents(
      Write("order.csv",
            "case,activity,time\n1,a,13/03/2024\n,b,14/03/2024\n"
            "1,c,yesterday\n"));
  EXPECT_THAT(read.status.message(), HasSubstr(":3: column \"case\": empty"));

  // Rows before a syntax error reach the visitor before the error does.
  class StopAtFirst : public CsvVisitor {
   public:
    Status OnRow(int64_t /*line*/, const Event& /*event*/) override {
      return AbortedError("first row");
    }
  } stop;
  const std::string path = Write(
      "syntax.csv", "case,activity,time\n1,a,13/03/2024\n1,b\"x,14/03/2024\n");
  EXPECT_EQ(ReadCsv(path, {}, stop), AbortedError("first row"));
  read = ReadCsvContents(path);
  EXPECT_THAT(read.status.message(), HasSubstr(":3: a quote inside"));
  EXPECT_EQ(read.events.size(), 1u);
  EXPECT_EQ(read.header.timestamp_format, "%d/%m/%Y");

  // Without timestamps there is nothing to detect.
  CsvOptions optional;
  optional.require_timestamp = false;
  read = ReadCsvContents(Write("none.csv", "case,activity,time\n1,a,\n"),
                         optional);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.header.timestamp_format, "");
}

TEST_F(CsvTest, AVisitorErrorStopsTheRead) {
  class StopAtSecond : public CsvVisitor {
   public:
    Status OnRow(int64_t line, const Event& /*event*/) override {
      ++rows;
      return line == 3 ? AbortedError("stop") : OkStatus();
    }
    int rows = 0;
  } visitor;
  const std::string path =
      Write("three.csv",
            "case,activity,time\n1,a,2024-01-01\n1,b,2024-01-02\n"
            "1,c,2024-01-03\n");
  EXPECT_EQ(ReadCsv(path, {}, visitor), AbortedError("stop"));
  EXPECT_EQ(visitor.rows, 2);
}

TEST_F(CsvTest, GzipCompressedCsvReads) {
  const std::string text = "case,activity,time\n1,a,2024-01-01\n";
  gzFile file = gzopen(Path("log.csv.gz").c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
  CsvContents read = ReadCsvContents(Path("log.csv.gz"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_EQ(read.events.size(), 1u);
  EXPECT_EQ(AttributeValue(read.events[0], kActivityKey), "a");
}

TEST_F(CsvTest, MissingFileIsNotFound) {
  CsvContents read = ReadCsvContents(Path("nope.csv"));
  EXPECT_EQ(read.status.code(), StatusCode::kNotFound);
  EXPECT_THAT(read.status.message(), HasSubstr(Path("nope.csv")));
}

TEST_F(CsvTest, ADelimiterThatCannotWorkIsRejected) {
  const std::string path = Write("log.csv", "case,activity,time\n");
  CsvOptions options;
  options.delimiter = '"';
  CsvContents read = ReadCsvContents(path, options);
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
}

TEST_F(CsvTest, WriteThenReadGivesBackEveryValue) {
  const std::vector<std::string> nasty = {"\"quoted\"",  "a,b",
                                          "semi;colon",  "tab\there",
                                          "line\nbreak", "crlf\r\nbreak",
                                          "  spaced  ",  "unicode é 日本語 🚀",
                                          "<&>",         "'"};
  const std::string kTime = "2024-02-29T12:00:00.000+00:00";
  for (char delimiter : {',', ';', '\t'}) {
    std::ostringstream out;
    CsvWriter writer(out,
                     {"case:concept:name", "concept:name", "time:timestamp",
                      "org:resource", "note"},
                     delimiter);
    ASSERT_TRUE(writer.Begin().ok());
    for (const std::string& value : nasty) {
      ASSERT_TRUE(
          writer
              .WriteEvent({S("concept:name", "case " + value)},
                          {S("concept:name", value), D("time:timestamp", kTime),
                           S("note", value), S("not a column", "x")})
              .ok());
    }
    // An empty value and an absent one both become an empty cell, which
    // reads back as absent.
    ASSERT_TRUE(writer
                    .WriteEvent({S("concept:name", "c-9")},
                                {S("concept:name", "last"), S("note", ""),
                                 D("time:timestamp", kTime)})
                    .ok());
    ASSERT_TRUE(writer.Finish().ok());

    // The delimiter is detected from the header.
    CsvContents read = ReadCsvContents(Write("round.csv", out.str()));
    ASSERT_TRUE(read.status.ok()) << read.status.ToString();
    EXPECT_EQ(read.header.delimiter, delimiter);
    ASSERT_EQ(read.events.size(), nasty.size() + 1);
    for (size_t i = 0; i < nasty.size(); ++i) {
      EXPECT_EQ(read.events[i],
                (Event{S("case:concept:name", "case " + nasty[i]),
                       S("concept:name", nasty[i]), D("time:timestamp", kTime),
                       S("note", nasty[i])}))
          << "delimiter " << static_cast<int>(delimiter) << ", value "
          << nasty[i];
    }
    EXPECT_EQ(read.events.back(),
              (Event{S("case:concept:name", "c-9"), S("concept:name", "last"),
                     D("time:timestamp", kTime)}));
  }
}

TEST_F(CsvTest, CaseColumnsAreFilledFromTheTrace) {
  std::ostringstream out;
  CsvWriter writer(out, {"case:concept:name", "concept:name", "case:owner"});
  ASSERT_TRUE(writer.Begin().ok());
  const std::vector<Attribute> trace = {S("concept:name", "case, \"one\""),
                                        S("owner", "ana")};
  ASSERT_TRUE(writer.WriteEvent(trace, {S("concept:name", "x")}).ok());
  // The event's own value wins over the trace's.
  ASSERT_TRUE(
      writer.WriteEvent(trace, {S("concept:name", "y"), S("case:owner", "ben")})
          .ok());
  ASSERT_TRUE(writer.WriteEvent({S("concept:name", "z")}).ok());
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(out.str(),
            "case:concept:name,concept:name,case:owner\n"
            "\"case, \"\"one\"\"\",x,ana\n"
            "\"case, \"\"one\"\"\",y,ben\n"
            ",z,\n");
}

TEST_F(CsvTest, WriterQuotesOnlyWhatNeedsIt) {
  std::ostringstream out;
  CsvWriter writer(out, {"a", "b", "c"});
  ASSERT_TRUE(writer.Begin().ok());
  ASSERT_TRUE(writer.WriteRow({"plain", "with \"quote\"", ""}).ok());
  ASSERT_TRUE(writer.WriteRow({" lead", "semi;colon", "x,y"}).ok());
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_EQ(out.str(),
            "a,b,c\n"
            "plain,\"with \"\"quote\"\"\",\n"
            "\" lead\",semi;colon,\"x,y\"\n");

  std::ostringstream single;
  CsvWriter one(single, {"only"});
  ASSERT_TRUE(one.Begin().ok());
  ASSERT_TRUE(one.WriteRow({""}).ok());
  ASSERT_TRUE(one.Finish().ok());
  EXPECT_EQ(single.str(), "only\n\"\"\n");  // not an empty line
}

TEST_F(CsvTest, WriterMisuse) {
  std::ostringstream out;
  CsvWriter writer(out, {"a", "b"});
  EXPECT_EQ(writer.WriteRow({"1", "2"}).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(writer.Begin().code(), StatusCode::kFailedPrecondition);  // sticks

  std::ostringstream out2;
  CsvWriter second(out2, {"a", "b"});
  ASSERT_TRUE(second.Begin().ok());
  Status status = second.WriteRow({"1"});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("1 fields, but the header has 2"));
  ASSERT_TRUE(second.WriteRow({"1", "2"}).ok());  // still usable
  ASSERT_TRUE(second.Finish().ok());
  EXPECT_EQ(out2.str(), "a,b\n1,2\n");
  EXPECT_EQ(second.WriteRow({"1", "2"}).code(),
            StatusCode::kFailedPrecondition);

  std::ostringstream out3;
  CsvWriter quote(out3, {"a"}, '"');
  EXPECT_EQ(quote.Begin().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(out3.str(), "");

  std::ostringstream broken;
  broken.setstate(std::ios::badbit);
  CsvWriter failing(broken, {"a"});
  EXPECT_EQ(failing.Begin().code(), StatusCode::kUnavailable);
}

// A table of any columns: what channel result exports are read with.
class TableCollector : public CsvTableVisitor {
 public:
  Status OnHeader(int64_t line, const std::vector<std::string>& names,
                  char used) override {
    header_line = line;
    columns = names;
    delimiter = used;
    return OkStatus();
  }
  Status OnRow(int64_t line, const std::vector<std::string>& cells) override {
    lines.push_back(line);
    rows.push_back(cells);
    return OkStatus();
  }
  int64_t header_line = 0;
  std::vector<std::string> columns;
  char delimiter = '\0';
  std::vector<int64_t> lines;
  std::vector<std::vector<std::string>> rows;
};

TEST_F(CsvTest, ATableKeepsEveryCellAsWritten) {
  const std::string path = Write("results.csv",
                                 "\xEF\xBB\xBF"
                                 "\n"
                                 "Day; Amount spent (IDR) ;Impressions\r\n"
                                 "2026-03-01;\"1.250.000,50\";\"12;5\"\r\n"
                                 "\r\n"
                                 "2026-03-02;; 900 \n");
  TableCollector table;
  ASSERT_TRUE(ReadCsvTable(path, '\0', table).ok());
  EXPECT_EQ(table.header_line, 2);
  EXPECT_EQ(table.delimiter, ';');
  EXPECT_EQ(table.columns, (std::vector<std::string>{
                               "Day", "Amount spent (IDR)", "Impressions"}));
  EXPECT_EQ(table.lines, (std::vector<int64_t>{3, 5}));
  EXPECT_EQ(table.rows, (std::vector<std::vector<std::string>>{
                            {"2026-03-01", "1.250.000,50", "12;5"},
                            {"2026-03-02", "", " 900 "}}));
}

TEST_F(CsvTest, ATableRowWithMissingOrExtraCellsIsNamedByLine) {
  TableCollector missing;
  const std::string short_row =
      Write("short.csv", "day,spend,clicks\n2026-03-01,10,2\n2026-03-02,11\n");
  EXPECT_EQ(ReadCsvTable(short_row, '\0', missing),
            InvalidArgumentError(
                short_row +
                ":3: 2 fields, but the header has 3 columns; every row needs "
                "one cell per column (quote a cell that holds the "
                "delimiter)"));
  EXPECT_EQ(missing.rows.size(), 1u);  // the rows before it came first
  TableCollector extra;
  const std::string long_row =
      Write("long.csv", "day,spend\n2026-03-01,10,2\n");
  const Status status = ReadCsvTable(long_row, '\0', extra);
  EXPECT_THAT(status.message(),
              ::testing::HasSubstr(":2: 3 fields, but the header has 2"));
  TableCollector empty;
  const std::string nothing = Write("empty.csv", "");
  EXPECT_THAT(ReadCsvTable(nothing, '\0', empty).message(),
              ::testing::HasSubstr("the file is empty"));
}

TEST_F(CsvTest, ATableReadFromMemoryNamesTheGivenName) {
  TableCollector table;
  ASSERT_TRUE(ReadCsvTableBytes("upload.csv", "Code;Status\nCMP-0142;Live\n",
                                '\0', table)
                  .ok());
  EXPECT_EQ(table.delimiter, ';');
  EXPECT_EQ(table.rows,
            (std::vector<std::vector<std::string>>{{"CMP-0142", "Live"}}));
  TableCollector bad;
  EXPECT_EQ(
      ReadCsvTableBytes("upload.csv", "a,b\n1,2,3\n", '\0', bad).message(),
      "upload.csv:2: 3 fields, but the header has 2 columns; every row "
      "needs one cell per column (quote a cell that holds the "
      "delimiter)");
}

}  // namespace
}  // namespace livesop::eventlog

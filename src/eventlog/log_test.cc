#include "eventlog/log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/time.h"
#include "eventlog/log_test_util.h"

namespace livesop::eventlog {
namespace {

const std::string kLogs = LIVESOP_SOURCE_DIR "/../shared/data/logs/";

Attribute S(std::string key, std::string value) {
  return {std::move(key), AttributeType::kString, std::move(value)};
}
Attribute D(std::string key, std::string value) {
  return {std::move(key), AttributeType::kDate, std::move(value)};
}

TEST(EventLogTest, CasesAreRangesOfColumnsWithInternedStrings) {
  LogBuilder builder;
  Trace one;
  one.attributes = {S("concept:name", "c1"), S("channel", "email")};
  one.events = {{S("concept:name", "draft"),
                 D("time:timestamp", "2026-01-05T09:00:00.000+00:00"),
                 S("org:resource", "ana"),
                 S("lifecycle:transition", "complete"),
                 {"cost", AttributeType::kFloat, "12.5"}},
                {S("concept:name", "review"), S("org:resource", "ana")}};
  Trace two;
  two.attributes = {S("concept:name", "c2")};
  two.events = {
      {S("concept:name", "review"), {"cost", AttributeType::kFloat, "3"}}};
  builder.AddTrace(one);
  builder.AddTrace(two);
  const EventLog log = builder.Finish();

  ASSERT_EQ(log.num_cases(), 2u);
  ASSERT_EQ(log.num_events(), 3u);
  EXPECT_EQ(log.case_id(1), "c2");
  EXPECT_EQ(log.case_begin(1), 2u);
  EXPECT_EQ(log.activities(), (std::vector<std::string>{"draft", "review"}));
  EXPECT_EQ(std::vector<uint32_t>(log.trace(0).begin(), log.trace(0).end()),
            (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(log.timestamp()[0], *ParseTimestamp("2026-01-05T09:00:00Z"));
  EXPECT_EQ(log.timestamp()[1], kNoTime);
  // One "ana" for both events.
  EXPECT_EQ(log.resource()[0], log.resource()[1]);
  EXPECT_EQ(log.strings()[log.resource()[0]], "ana");
  EXPECT_EQ(log.resource()[2], kNoString);
  const AttributeColumn* cost = log.FindEventColumn("cost");
  ASSERT_NE(cost, nullptr);
  EXPECT_EQ(cost->type, AttributeType::kFloat);
  EXPECT_DOUBLE_EQ(cost->floats[0], 12.5);
  EXPECT_FALSE(cost->Has(1));
  EXPECT_EQ(cost->Text(2, log), "3");
  const AttributeColumn* channel = log.FindCaseColumn("channel");
  ASSERT_NE(channel, nullptr);
  EXPECT_EQ(channel->Text(0, log), "email");
  EXPECT_FALSE(channel->Has(1));
  EXPECT_GT(log.MemoryBytes(), 0u);
}

TEST(EventLogTest, AnAttributeWhoseTypeVariesIsKeptAsText) {
  LogBuilder builder;
  Trace trace;
  trace.attributes = {S("concept:name", "c")};
  trace.events = {{S("concept:name", "a"), {"n", AttributeType::kInt, "7"}},
                  {S("concept:name", "b"), S("n", "seven")}};
  builder.AddTrace(trace);
  const EventLog log = builder.Finish();
  const AttributeColumn* n = log.FindEventColumn("n");
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->type, AttributeType::kString);
  EXPECT_EQ(n->Text(0, log), "7");
  EXPECT_EQ(n->Text(1, log), "seven");
}

TEST(EventLogTest, AClassifierOfTwoKeysJoinsTheirValues) {
  LogBuilder builder(ClassifierSpec{{"concept:name", "lifecycle:transition"}});
  Trace trace;
  trace.attributes = {S("concept:name", "c")};
  trace.events = {
      {S("concept:name", "a"), S("lifecycle:transition", "start")},
      {S("concept:name", "a"), S("lifecycle:transition", "complete")}};
  builder.AddTrace(trace);
  const EventLog log = builder.Finish();
  EXPECT_EQ(log.activities(),
            (std::vector<std::string>{"a+start", "a+complete"}));
}

TEST(EventLogTest, SortByTimeOrdersEachCaseStablyAndKeepsUntimedInPlace) {
  LogBuilder builder;
  builder.SortByTime();
  Trace trace;
  trace.attributes = {S("concept:name", "c")};
  trace.events = {{S("concept:name", "late"),
                   D("time:timestamp", "2026-01-05T12:00:00Z"), S("x", "1")},
                  {S("concept:name", "untimed"), S("x", "2")},
                  {S("concept:name", "early"),
                   D("time:timestamp", "2026-01-05T09:00:00Z"), S("x", "3")},
                  {S("concept:name", "early too"),
                   D("time:timestamp", "2026-01-05T09:00:00Z")}};
  builder.AddTrace(trace);
  const EventLog log = builder.Finish();
  std::vector<std::string> order;
  for (uint32_t a : log.trace(0)) order.push_back(log.activities()[a]);
  EXPECT_EQ(order, (std::vector<std::string>{"early", "early too", "late",
                                             "untimed"}));
  const AttributeColumn* x = log.FindEventColumn("x");
  ASSERT_NE(x, nullptr);
  EXPECT_EQ(x->Text(0, log), "3");
  EXPECT_FALSE(x->Has(1));
  EXPECT_EQ(x->Text(3, log), "2");
}

TEST(EventLogTest, RowsOfOneCaseNeedNotBeConsecutive) {
  LogBuilder builder;
  builder.AddRow("b", {S("case:concept:name", "b"), S("concept:name", "x")});
  builder.AddRow("a", {S("case:concept:name", "a"), S("concept:name", "y")});
  builder.AddRow("b", {S("case:concept:name", "b"), S("concept:name", "z")});
  const EventLog log = builder.Finish();
  ASSERT_EQ(log.num_cases(), 2u);
  EXPECT_EQ(log.case_id(0), "b");
  EXPECT_EQ(log.case_size(0), 2u);
  EXPECT_EQ(log.activities()[log.trace(0)[1]], "z");
  EXPECT_EQ(log.event_columns().size(), 0u);  // the case id is no column
}

TEST(EventLogTest, VariantsGroupCasesMostFrequentFirst) {
  LogBuilder builder;
  for (const char* sequence : {"ab", "abc", "abc", "ab", "abc", "b"}) {
    Trace trace;
    trace.attributes = {S("concept:name", sequence)};
    for (const char* a = sequence; *a != 0; ++a) {
      trace.events.push_back({S("concept:name", std::string(1, *a))});
    }
    builder.AddTrace(trace);
  }
  const EventLog log = builder.Finish();
  const std::vector<Variant> variants = Variants(LogView(log));
  ASSERT_EQ(variants.size(), 3u);
  EXPECT_EQ(variants[0].cases, (std::vector<uint32_t>{1, 2, 4}));
  EXPECT_EQ(variants[1].cases, (std::vector<uint32_t>{0, 3}));
  EXPECT_EQ(variants[2].activities.size(), 1u);
  const LogView filtered = LogView(log).Filter(
      [](const EventLog& l, uint32_t c) { return l.case_size(c) == 2; });
  EXPECT_EQ(filtered.num_cases(), 2u);
  EXPECT_EQ(filtered.num_events(), 4u);
  EXPECT_EQ(Variants(filtered).size(), 1u);
}

class ReadLogTest : public TempDirTest {};

TEST_F(ReadLogTest, ReadsTheSharedLogsWithTheirCounts) {
  struct Expected {
    const char* file;
    size_t cases, events, activities, variants;
  };
  for (const Expected& e :
       {Expected{"running-example.xes", 6, 42, 8, 6},
        Expected{"receipt.xes", 1434, 8577, 27, 116},
        Expected{"roadtraffic100traces.xes", 100, 390, 10, 10}}) {
    SCOPED_TRACE(e.file);
    Result<EventLog> log = ReadLog(kLogs + e.file);
    ASSERT_TRUE(log.ok()) << log.status().message();
    EXPECT_EQ(log->num_cases(), e.cases);
    EXPECT_EQ(log->num_events(), e.events);
    EXPECT_EQ(log->activities().size(), e.activities);
    EXPECT_EQ(Variants(LogView(*log)).size(), e.variants);
  }
}

TEST_F(ReadLogTest, WrittenXesReadsBackToTheSameLog) {
  Result<EventLog> log = ReadLog(kLogs + "running-example.xes");
  ASSERT_TRUE(log.ok());
  const std::string path = Path("copy.xes");
  {
    std::ofstream out(path);
    ASSERT_TRUE(WriteXesLog(*log, out).ok());
  }
  Result<EventLog> copy = ReadLog(path);
  ASSERT_TRUE(copy.ok()) << copy.status().message();
  ASSERT_EQ(copy->num_events(), log->num_events());
  EXPECT_EQ(copy->activities(), log->activities());
  for (size_t e = 0; e < log->num_events(); ++e) {
    EXPECT_EQ(copy->activity()[e], log->activity()[e]);
    EXPECT_EQ(copy->timestamp()[e], log->timestamp()[e]);
  }
  for (const AttributeColumn& column : log->event_columns()) {
    const AttributeColumn* same = copy->FindEventColumn(column.key);
    ASSERT_NE(same, nullptr) << column.key;
    for (size_t e = 0; e < log->num_events(); ++e) {
      EXPECT_EQ(same->Text(e, *copy), column.Text(e, *log)) << column.key;
    }
  }
}

// Builds the log through the streaming reader alone, as ReadLog did before
// it had a parallel path.
EventLog ReadLogSequentially(const std::string& path) {
  class Building final : public XesVisitor {
   public:
    explicit Building(LogBuilder& builder) : builder_(builder) {}
    Status OnLog(const LogHeader& header) override {
      builder_.SetHeader(header);
      return OkStatus();
    }
    Status OnTrace(const Trace& trace) override {
      builder_.AddTrace(trace);
      return OkStatus();
    }

   private:
    LogBuilder& builder_;
  };
  LogBuilder builder;
  Building visitor(builder);
  const Status status = ReadXes(path, visitor);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return builder.Finish();
}

// Every part of two logs, string ids and their order included.
void ExpectSameLog(const EventLog& a, const EventLog& b) {
  ASSERT_EQ(a.num_cases(), b.num_cases());
  ASSERT_EQ(a.num_events(), b.num_events());
  EXPECT_EQ(a.activities(), b.activities());
  ASSERT_EQ(a.strings().size(), b.strings().size());
  for (uint32_t i = 0; i < a.strings().size(); ++i) {
    ASSERT_EQ(a.strings()[i], b.strings()[i]) << "string " << i;
  }
  for (size_t c = 0; c < a.num_cases(); ++c) {
    ASSERT_EQ(a.case_id(c), b.case_id(c));
    ASSERT_EQ(a.case_begin(c), b.case_begin(c));
  }
  const auto same = [](auto x, auto y) {
    return std::equal(x.begin(), x.end(), y.begin(), y.end());
  };
  EXPECT_TRUE(same(a.activity(), b.activity()));
  EXPECT_TRUE(same(a.timestamp(), b.timestamp()));
  EXPECT_TRUE(same(a.resource(), b.resource()));
  EXPECT_TRUE(same(a.lifecycle(), b.lifecycle()));
  for (const auto* columns : {&a.event_columns(), &a.case_columns()}) {
    const auto& other =
        columns == &a.event_columns() ? b.event_columns() : b.case_columns();
    ASSERT_EQ(columns->size(), other.size());
    for (size_t i = 0; i < columns->size(); ++i) {
      const AttributeColumn& x = (*columns)[i];
      const AttributeColumn& y = other[i];
      EXPECT_EQ(x.key, y.key);
      EXPECT_EQ(x.type, y.type) << x.key;
      EXPECT_EQ(x.strings, y.strings) << x.key;
      EXPECT_EQ(x.ints, y.ints) << x.key;
      EXPECT_EQ(x.floats.size(), y.floats.size()) << x.key;
      for (size_t r = 0; r < x.floats.size() && r < y.floats.size(); ++r) {
        EXPECT_EQ(x.Text(r, a), y.Text(r, b)) << x.key;
      }
      EXPECT_EQ(x.complex, y.complex) << x.key;
    }
  }
  EXPECT_EQ(a.complex_values(), b.complex_values());
  EXPECT_EQ(a.header(), b.header());
}

TEST_F(ReadLogTest, ParallelReadingGivesTheLogOfTheStreamingReader) {
  for (const std::string& path :
       {kLogs + "running-example.xes", kLogs + "receipt.xes",
        kLogs + "roadtraffic100traces.xes",
        std::string(LIVESOP_SOURCE_DIR "/testdata/eventlog/complete.xes")}) {
    SCOPED_TRACE(path);
    const EventLog expected = ReadLogSequentially(path);
    for (int threads : {1, 2, 4}) {
      SCOPED_TRACE(threads);
      ReadLogOptions options;
      options.threads = threads;
      Result<EventLog> log = ReadLog(path, options);
      ASSERT_TRUE(log.ok()) << log.status().message();
      ExpectSameLog(*log, expected);
    }
  }
}

TEST_F(ReadLogTest, ALogTheFastPathCannotReadIsReadWhole) {
  // A comment among the traces sends ReadLog to the streaming reader, which
  // reads every trace, those before the comment included, once.
  const std::string path = Path("comment.xes");
  std::ofstream(path)
      << "<log>\n"
         "<trace><string key=\"concept:name\" value=\"1\"/><event><string "
         "key=\"concept:name\" value=\"a\"/></event></trace>\n"
         "<!-- <trace> -->\n"
         "<trace><string key=\"concept:name\" value=\"2\"/><event><string "
         "key=\"concept:name\" value=\"b\"/></event></trace>\n"
         "</log>\n";
  Result<EventLog> log = ReadLog(path);
  ASSERT_TRUE(log.ok()) << log.status().message();
  ExpectSameLog(*log, ReadLogSequentially(path));
  EXPECT_EQ(log->num_cases(), 2u);
}

TEST_F(ReadLogTest, ReadsCsvRowsIntoCases) {
  const std::string path = Path("log.csv");
  std::ofstream(path) << "case,activity,timestamp,resource\n"
                         "1,draft,2026-01-05T09:00:00Z,ana\n"
                         "2,draft,2026-01-05T09:30:00Z,ben\n"
                         "1,review,2026-01-05T10:00:00Z,ben\n";
  Result<EventLog> log = ReadLog(path);
  ASSERT_TRUE(log.ok()) << log.status().message();
  ASSERT_EQ(log->num_cases(), 2u);
  EXPECT_EQ(log->case_size(0), 2u);
  EXPECT_EQ(log->strings()[log->resource()[1]], "ben");
}

TEST_F(ReadLogTest, AFileThatIsNoLogFailsWithItsLine) {
  const std::string path = Path("broken.xes");
  std::ofstream(path)
      << "<log>\n<trace>\n<string key=\"concept:name\" value=\"1\"/>\n";
  Result<EventLog> log = ReadLog(path);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("broken.xes:"), std::string::npos)
      << log.status().message();
}

}  // namespace
}  // namespace livesop::eventlog

#include "eventlog/log.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "core/time.h"
#include "eventlog/internal/log_part.h"
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

// LogBuilder::AddPart must give the log AddTrace gives, trace by trace.

TEST(LogPartTest, PartsMergedInFileOrderGiveTheIdsOfAddTrace) {
  using internal::AttributeView;
  // Two runs of traces built apart, each numbering its strings from 0: the
  // second meets "r" after "s", which the log already holds.
  const std::vector<std::vector<std::pair<std::string, std::string>>> cases = {
      {{"1", "r"}, {"1", "a"}}, {{"2", "s"}, {"3", "r"}, {"3", "b"}}};
  LogBuilder whole;
  LogBuilder merged;
  internal::LogPartBuilder parts(merged.classifier());
  for (size_t run = 0; run < cases.size(); ++run) {
    internal::LogPart part;
    parts.Start(part);
    for (const auto& [id, resource] : cases[run]) {
      Trace trace;
      trace.attributes = {S("concept:name", id)};
      trace.events = {{S("concept:name", "act " + resource),
                       S("org:resource", resource),
                       {"n", AttributeType::kInt, id}}};
      whole.AddTrace(trace);
      const std::vector<AttributeView> attributes = {
          {.key = "concept:name", .text = id}};
      const std::vector<AttributeView> event = {
          {.key = "concept:name", .text = parts.Keep("act " + resource)},
          {.key = "org:resource", .text = resource},
          {.key = "n", .type = AttributeType::kInt, .text = id}};
      parts.BeginTrace(attributes);
      parts.AddEvent(event);
      parts.EndTrace();
    }
    ASSERT_TRUE(merged.AddPart(part));
  }
  ExpectSameLog(merged.Finish(), whole.Finish());
}

TEST(LogPartTest, APartWhoseColumnHasAnotherTypeInTheLogAddsNothing) {
  LogBuilder builder;
  Trace trace;
  trace.attributes = {S("concept:name", "1")};
  trace.events = {{S("concept:name", "a"), {"n", AttributeType::kInt, "7"}}};
  builder.AddTrace(trace);
  internal::LogPartBuilder parts(builder.classifier());
  internal::LogPart part;
  parts.Start(part);
  const std::vector<internal::AttributeView> attributes = {
      {.key = "concept:name", .text = "2"}};
  const std::vector<internal::AttributeView> event = {
      {.key = "concept:name", .text = "b"}, {.key = "n", .text = "seven"}};
  parts.BeginTrace(attributes);
  parts.AddEvent(event);
  parts.EndTrace();
  EXPECT_TRUE(part.mergeable);
  EXPECT_FALSE(builder.AddPart(part));
  const EventLog log = builder.Finish();
  EXPECT_EQ(log.num_cases(), 1u);
  EXPECT_EQ(log.num_events(), 1u);
  EXPECT_EQ(log.strings().size(), 1u);
  EXPECT_EQ(log.activities().size(), 1u);
}

TEST_F(ReadLogTest, PartsBuildTheLogOfAddTraceWhateverTheAttributes) {
  // Every trace is a part of its own with chunks of 1 byte, and all are one
  // part with chunks of 100,000. Keys in another order from trace to
  // trace; repeated keys; standard keys of other types; references in keys
  // and values; lists and containers; meta-attributes; numbers that do not
  // read; dates outside the years 0000-9999 once in UTC; columns whose type
  // changes (the part is then added by AddTrace) and parts merged after
  // that; a case without concept:name (numbered by its place in the log),
  // one without events, attributes after the events.
  const std::string path = Write("varied.xes", R"(<?xml version="1.0"?>
<log xes.version="1849-2016">
  <string key="log" value="header"/>
  <trace>
    <string key="concept:name" value="c1"/>
    <int key="size" value="007"/>
    <event>
      <string key="concept:name" value="a"/>
      <date key="time:timestamp" value="2024-01-01T00:00:00+02:00"/>
      <date key="time:timestamp" value="2025-01-01T00:00:00Z"/>
      <string key="org:resource" value="r1"/>
      <string key="org:resource" value="r2"/>
      <int key="x" value="007"/>
      <float key="cost" value="1.5e3"/>
      <boolean key="ok" value="TRUE"/>
      <string key="note" value="first"/>
      <string key="note" value="second"/>
      <list key="tags"><values><string key="tag" value="t"/></values></list>
    </event>
    <event>
      <string key="lifecycle:transition" value="start"/>
      <string key="concept:name" value="b &amp; c"/>
      <string key="k&#x41;y" value="&#233;t&#233;"/>
      <id key="ref" value="id-1"/>
    </event>
  </trace>
  <trace>
    <event>
      <boolean key="ok" value="1"/>
      <float key="cost" value=" 2"/>
      <string key="concept:name" value="a"/>
      <int key="x" value="12abc"/>
      <date key="deadline" value="2024-02-29T12:00:00.123456-05:30"/>
      <container key="box"><string key="inside" value="v"/></container>
      <string key="lifecycle:transition" value="complete"/>
    </event>
    <string key="concept:name" value="c2"/>
    <date key="opened" value="2024-01-01T00:00:00.000+00:00"/>
  </trace>
  <trace>
    <string key="concept:name" value="c3"/>
    <event>
      <date key="concept:name" value="2024-01-01T00:00:00Z"/>
      <list key="org:resource" value="listed"/>
      <date key="lifecycle:transition" value="2024-01-01T10:00:00+10:00"/>
      <string key="meta" value="m"><int key="m1" value="1"><date key="m2" value="2024-01-01"/></int></string>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="c4"/>
    <string key="size" value="big"/>
    <event><string key="concept:name" value="a"/><string key="x" value="now text"/></event>
  </trace>
  <trace>
    <event><string key="concept:name" value="a"/><int key="x" value="5"/></event>
  </trace>
  <trace><string key="concept:name" value="c6"/></trace>
  <trace>
    <string key="concept:name" value="c7"/>
    <event>
      <string key="concept:name" value="d"/>
      <string key="time:timestamp" value="not a date"/>
      <date key="when" value="0000-01-01T00:30:00+01:00"/>
      <date key="until" value="9999-12-31T23:30:00-01:00"/>
      <string key="org:resource" value="r9"/>
    </event>
  </trace>
  <trace>
    <string key="concept:name" value="c8"/>
    <event><string key="org:resource" value="r1"/><string key="concept:name" value="e"/><string key="new" value="n"/></event>
  </trace>
</log>
)");
  for (const ClassifierSpec& classifier :
       {ClassifierSpec{},
        ClassifierSpec{{"concept:name", "lifecycle:transition"}}}) {
    SCOPED_TRACE(classifier.keys.size());
    ExpectPartsBuildTheLogOfAddTrace(path, {1, 64, 100000}, {1, 2, 3},
                                     classifier);
  }
}

TEST_F(ReadLogTest, PartsWhoseColumnsChangeTypeAreAddedTraceByTrace) {
  // Types that change within an event, within a trace, between traces of
  // one part and between parts, for event and case columns; the parts
  // before and after them are merged.
  const std::string path = Write("types.xes", R"(<?xml version="1.0"?>
<log>
  <trace><string key="concept:name" value="c0"/><int key="t" value="1"/>
    <event><string key="concept:name" value="a"/><string key="s" value="s0"/></event>
  </trace>
  <trace><string key="concept:name" value="c1"/>
    <event><string key="concept:name" value="a"/><int key="x" value="1"/></event>
    <event><string key="concept:name" value="b"/><string key="x" value="one"/></event>
  </trace>
  <trace><string key="concept:name" value="c2"/><string key="t" value="two"/>
    <event><string key="concept:name" value="a"/><int key="x" value="2"/><float key="y" value="2.5"/></event>
  </trace>
  <trace><string key="concept:name" value="c3"/>
    <event><string key="concept:name" value="c"/><int key="d" value="3"/><string key="d" value="three"/></event>
  </trace>
  <trace><string key="concept:name" value="c4"/><date key="t" value="2024-01-01T00:00:00Z"/>
    <event><string key="concept:name" value="d"/><string key="s" value="s4"/><float key="y" value="4"/></event>
  </trace>
  <trace><string key="concept:name" value="c5"/>
    <event><string key="concept:name" value="e"/><boolean key="y" value="true"/></event>
  </trace>
  <trace><string key="concept:name" value="c6"/>
    <event><string key="concept:name" value="a"/><string key="s" value="s6"/></event>
  </trace>
</log>
)");
  ExpectPartsBuildTheLogOfAddTrace(path, {1, 300, 100000}, {1, 2});
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

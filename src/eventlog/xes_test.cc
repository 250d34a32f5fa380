#include "eventlog/xes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zlib.h>

#include <filesystem>
#include <functional>
#include <random>
#include <sstream>
#include <streambuf>
#include <string>

#include "eventlog/log.h"
#include "eventlog/log_test_util.h"

namespace livesop::eventlog {

namespace {

using testing::HasSubstr;
using testing::StartsWith;

Attribute S(std::string key, std::string value) {
  return {std::move(key), AttributeType::kString, std::move(value)};
}
Attribute S(std::string key, std::string value,
            std::vector<Attribute> children) {
  return {std::move(key), AttributeType::kString, std::move(value),
          std::move(children)};
}
Attribute D(std::string key, std::string value) {
  return {std::move(key), AttributeType::kDate, std::move(value)};
}
Attribute I(std::string key, int value) {
  return {std::move(key), AttributeType::kInt, std::to_string(value)};
}
Attribute F(std::string key, std::string value,
            std::vector<Attribute> children = {}) {
  return {std::move(key), AttributeType::kFloat, std::move(value),
          std::move(children)};
}
Attribute B(std::string key, std::string value) {
  return {std::move(key), AttributeType::kBoolean, std::move(value)};
}
Attribute L(std::string key, std::vector<Attribute> elements) {
  return {std::move(key), AttributeType::kList, "", std::move(elements)};
}
Attribute C(std::string key, std::vector<Attribute> children) {
  return {std::move(key), AttributeType::kContainer, "", std::move(children)};
}

// Values that break naive XML writers or readers.
const std::vector<std::string>& NastyValues() {
  static const std::vector<std::string>* const values =
      new std::vector<std::string>{
          "",
          "\"double\" and 'single' quotes",
          "<tag> & &amp; &#10; ]]> -->",
          "line one\nline two\r\nline three\rend",
          "\ttabbed\t",
          "  leading and trailing spaces  ",
          "a,b;c\td",
          "unicode: é ß 日本語 🚀 \u00a0(nbsp)",
      };
  return *values;
}

LogHeader SampleHeader() {
  LogHeader header;
  header.extensions = {{"livesop", "livesop", "https://livesop.example/x"}};
  header.attributes = {S("concept:name", "campaign log & <more>"),
                       {"livesop:events", AttributeType::kInt, "12"}};
  header.trace_globals = {S("concept:name", "UNKNOWN")};
  header.event_globals = {S("concept:name", "UNKNOWN"),
                          D("time:timestamp", "1970-01-01T00:00:00.000+00:00")};
  header.classifiers = {{"Activity", {"concept:name", "lifecycle:transition"}},
                        {"Spaced", {"Activity Name", "org:resource"}}};
  return header;
}

std::vector<Trace> SampleTraces() {
  std::vector<Trace> traces;
  for (size_t i = 0; i < NastyValues().size(); ++i) {
    Trace trace;
    trace.attributes = {S("concept:name", "case " + std::to_string(i)),
                        S("livesop:note", NastyValues()[i])};
    trace.events.push_back(
        {S("concept:name", NastyValues()[i]),
         D("time:timestamp", "2024-02-29T23:59:59.123456+00:00"),
         S("org:resource", "ana"),
         {"livesop:cost", AttributeType::kFloat, "12.5"},
         {"livesop:late", AttributeType::kBoolean, "true"},
         {"livesop:step", AttributeType::kId, "step-" + std::to_string(i)}});
    trace.events.push_back(
        {S(NastyValues()[i].empty() ? "k" : "key " + NastyValues()[i],
           NastyValues()[i])});
    traces.push_back(std::move(trace));
  }
  traces.push_back(Trace{{S("concept:name", "no events")}, {}});
  traces.push_back(Trace{{}, {Event{}}});  // no attributes, one empty event
  return traces;
}

std::string WriteLog(const LogHeader& header,
                     const std::vector<Trace>& traces) {
  std::ostringstream out;
  XesWriter writer(out);
  EXPECT_TRUE(writer.Begin(header).ok());
  for (const Trace& trace : traces) {
    Status status = writer.WriteTrace(trace);
    EXPECT_TRUE(status.ok()) << status.ToString();
  }
  Status status = writer.Finish();
  EXPECT_TRUE(status.ok()) << status.ToString();
  return out.str();
}

class XesTest : public TempDirTest {};

TEST_F(XesTest, WriteThenReadGivesBackEveryValue) {
  const std::string xml = WriteLog(SampleHeader(), SampleTraces());
  XesContents read = ReadXesContents(Write("log.xes", xml));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.log_calls, 1);
  EXPECT_EQ(read.traces, SampleTraces());

  LogHeader expected = SampleHeader();
  expected.extensions = StandardExtensions();
  expected.extensions.push_back(SampleHeader().extensions[0]);
  EXPECT_EQ(read.header, expected);
}

TEST_F(XesTest, OutputIsWellFormedXesThatLibxml2Parses) {
  const std::string xml = WriteLog(SampleHeader(), SampleTraces());
  EXPECT_THAT(xml, StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"));
  EXPECT_THAT(xml, HasSubstr("<log xes.version=\"1849-2016\" "
                             "xes.features=\"\""));
  EXPECT_THAT(xml, HasSubstr("<extension name=\"Organizational\" "
                             "prefix=\"org\" "
                             "uri=\"http://www.xes-standard.org/org.xesext\""));
  EXPECT_THAT(xml, HasSubstr("<classifier name=\"Spaced\" "
                             "keys=\"'Activity Name' org:resource\"/>"));
  // UTF-8 is written as itself, not as character references.
  EXPECT_THAT(xml, HasSubstr("日本語 🚀"));
  xmlDocPtr doc = xmlReadMemory(xml.data(), static_cast<int>(xml.size()),
                                "log.xes", nullptr, XML_PARSE_NONET);
  ASSERT_NE(doc, nullptr);
  xmlNodePtr root = xmlDocGetRootElement(doc);
  ASSERT_NE(root, nullptr);
  EXPECT_STREQ(reinterpret_cast<const char*>(root->name), "log");
  xmlFreeDoc(doc);
}

TEST_F(XesTest, DatesAreNormalisedToUtcOnBothSides) {
  std::ostringstream out;
  XesWriter writer(out);
  ASSERT_TRUE(writer.Begin({}).ok());
  ASSERT_TRUE(writer.BeginTrace({S("concept:name", "1")}).ok());
  ASSERT_TRUE(
      writer.WriteEvent({D("time:timestamp", "2010-12-30T14:32:00+01:00")})
          .ok());
  ASSERT_TRUE(writer.EndTrace().ok());
  ASSERT_TRUE(writer.Finish().ok());
  EXPECT_THAT(out.str(), HasSubstr("value=\"2010-12-30T13:32:00.000+00:00\""));

  XesContents read = ReadXesContents(Write(
      "dates.xes",
      "<log><trace><event>"
      "<date key=\"time:timestamp\" value=\"2010-12-30T14:32:00.5-02:00\"/>"
      "</event></trace></log>"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(read.traces[0].events[0][0].value, "2010-12-30T16:32:00.500+00:00");
}

TEST_F(XesTest, NestedAttributesAreKeptAndUnknownElementsSkipped) {
  XesContents read =
      ReadXesContents(Write("nested.xes", R"(<?xml version="1.0"?>
<log xes.version="2.0" xmlns="http://www.xes-standard.org/">
  <float key="meta:avg" value="2.5">
    <float key="Resource14" value="1.0"/>
    <string key="deeper" value="x"><int key="deepest" value="1"/></string>
  </float>
  <list key="tags"><string key="tag" value="a"/></list>
  <global scope="event"><string key="concept:name" value="name"/></global>
  <global><string key="org:resource" value="who"/></global>
  <global scope="trace"><string key="concept:name" value="case"/></global>
  <classifier name="Both" keys="concept:name lifecycle:transition"/>
  <foreign:thing xmlns:foreign="urn:x"><string key="x" value="y"/></foreign:thing>
  <event><string key="concept:name" value="outside any trace"/></event>
  <trace>
    <string key="concept:name" value="c1"/>
    <container key="box"><string key="inside" value="1"/><unknown/></container>
    <event>
      <string key="concept:name" value="a"/>
      <list key="items"><int key="n" value="1"/><values><int key="n" value="2"/></values></list>
      <string key="org:resource" value="ana"><string key="meta" value="m"/></string>
      <trace><string key="in a trace in an event" value="skipped"/></trace>
    </event>
    <event/>
  </trace>
  <trace/>
  <string key="late" value="after the first trace"/>
</log>
)"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.header.attributes,
            (std::vector<Attribute>{F("meta:avg", "2.5",
                                      {F("Resource14", "1.0"),
                                       S("deeper", "x", {I("deepest", 1)})}),
                                    L("tags", {S("tag", "a")})}));
  EXPECT_EQ(read.header.event_globals,
            (std::vector<Attribute>{S("concept:name", "name"),
                                    S("org:resource", "who")}));
  EXPECT_EQ(read.header.trace_globals,
            (std::vector<Attribute>{S("concept:name", "case")}));
  ASSERT_EQ(read.header.classifiers.size(), 1u);
  EXPECT_EQ(read.header.classifiers[0].keys,
            (std::vector<std::string>{"concept:name", "lifecycle:transition"}));
  ASSERT_EQ(read.traces.size(), 2u);
  EXPECT_EQ(read.traces[0].attributes,
            (std::vector<Attribute>{S("concept:name", "c1"),
                                    C("box", {S("inside", "1")})}));
  ASSERT_EQ(read.traces[0].events.size(), 2u);
  // A list's elements may stand directly in <list> (as before IEEE 1849
  // put them in <values>) or in <values>; both are kept, in file order.
  EXPECT_EQ(read.traces[0].events[0],
            (Event{S("concept:name", "a"), L("items", {I("n", 1), I("n", 2)}),
                   S("org:resource", "ana", {S("meta", "m")})}));
  EXPECT_TRUE(read.traces[0].events[1].empty());
  EXPECT_EQ(read.traces[1], Trace{});
}

// What testdata/eventlog/complete.xes holds, attribute by attribute.
LogHeader CompleteHeader() {
  LogHeader header;
  header.extensions = StandardExtensions();
  header.extensions.push_back(
      {"Cost", "cost", "http://www.xes-standard.org/cost.xesext"});
  header.trace_globals = {S("concept:name", "UNKNOWN")};
  header.event_globals = {S("concept:name", "UNKNOWN"),
                          D("time:timestamp", "1970-01-01T00:00:00.000+00:00"),
                          S("lifecycle:transition", "complete"),
                          L("cost:drivers", {})};
  header.classifiers = {{"Activity", {"concept:name", "lifecycle:transition"}},
                        {"Who", {"Resource Name", "org:role"}}};
  header.attributes = {
      S("concept:name", "purchase orders & invoices"),
      F("meta:avg_trace_length", "2.5",
        {S("unit", "events", {S("language", "en", {B("verified", "true")})})})};
  return header;
}

std::vector<Trace> CompleteTraces() {
  Trace first;
  first.attributes = {S("concept:name", "PO-1"), I("cost:total", 1200),
                      C("supplier", {S("name", "Acme"),
                                     {"number", AttributeType::kId,
                                      "6ba7b810-9dad-11d1-80b4-00c04fd430c8"},
                                     C("address", {S("city", "Lyon")})})};
  first.events = {
      {S("concept:name", "create order"), S("lifecycle:transition", "start"),
       D("time:timestamp", "2024-03-01T08:00:00.000+00:00"),
       S("org:resource", "ana")},
      {S("concept:name", "create order"), S("lifecycle:transition", "complete"),
       D("time:timestamp", "2024-03-01T08:30:00.250+00:00"),
       S("org:resource", "ana"),
       L("cost:drivers",
         {C("driver", {S("cost:type", "labour"), F("cost:amount", "40.5")}),
          C("driver",
            {S("cost:type", "material"), F("cost:amount", "1159.5")})}),
       L("tags", {S("tag", "urgent"), S("tag", "framework contract"),
                  L("nested", {I("n", 1), I("n", 2)})})},
      {S("concept:name", "approve order"),
       S("lifecycle:transition", "complete"),
       D("time:timestamp", "2024-03-02T14:00:00.000+00:00"),
       S("org:resource", "ben",
         {S("org:role", "manager",
            {S("department", "finance",
               {D("since", "2019-04-30T22:00:00.000+00:00")})})}),
       B("approved", "true")}};
  Trace second;
  second.attributes = {S("concept:name", "PO-2"), L("empty", {})};
  second.events = {{S("concept:name", "create order"),
                    S("lifecycle:transition", "complete"),
                    D("time:timestamp", "2024-03-04T08:15:00.000+00:00")}};
  return {first, second};
}

const std::string kCompleteXes =
    LIVESOP_SOURCE_DIR "/testdata/eventlog/complete.xes";

TEST_F(XesTest, EveryPartOfIeee1849IsRead) {
  XesContents read = ReadXesContents(kCompleteXes);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.log_calls, 1);
  EXPECT_EQ(read.header, CompleteHeader());
  EXPECT_EQ(read.traces, CompleteTraces());
}

TEST_F(XesTest, ReadWriteReadGivesEqualRecords) {
  XesContents first = ReadXesContents(kCompleteXes);
  ASSERT_TRUE(first.status.ok()) << first.status.ToString();
  const std::string xml = WriteLog(first.header, first.traces);
  // IEEE 1849-2016 puts a list's elements inside <values>; a list or
  // container has no value of its own.
  EXPECT_THAT(xml, HasSubstr("<list key=\"tags\">\n"));
  EXPECT_THAT(xml, HasSubstr("<values>\n"));
  EXPECT_THAT(xml, HasSubstr("<container key=\"supplier\">\n"));
  EXPECT_THAT(xml, HasSubstr("<list key=\"empty\">\n      <values/>"));
  XesContents second = ReadXesContents(Write("again.xes", xml));
  ASSERT_TRUE(second.status.ok()) << second.status.ToString();
  EXPECT_EQ(second.header, first.header);
  EXPECT_EQ(second.traces, first.traces);
  // And once more, byte for byte: the writer's output is stable.
  EXPECT_EQ(WriteLog(second.header, second.traces), xml);
}

TEST_F(XesTest, ACollectionMayCarryAValue) {
  const Attribute list = {"odd", AttributeType::kList, "v", {S("x", "1")}};
  const std::string xml = WriteLog({}, {Trace{{list}, {}}});
  EXPECT_THAT(xml, HasSubstr("<list key=\"odd\" value=\"v\">"));
  XesContents read = ReadXesContents(Write("odd.xes", xml));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(read.traces[0].attributes, std::vector<Attribute>{list});
  EXPECT_EQ(AttributeTypeName(AttributeType::kList), "list");
  EXPECT_EQ(AttributeTypeName(AttributeType::kContainer), "container");
}

// Traces of varied shape one after another: the reader reuses one Trace
// and its attributes' buffers, so a trace must never show what an earlier,
// larger one left behind.
TEST_F(XesTest, ReusedBuffersNeverLeakIntoTheNextTrace) {
  std::mt19937 random(42);
  auto pick = [&](int n) {
    return static_cast<int>(random() % static_cast<unsigned>(n));
  };
  std::function<Attribute(int)> make = [&](int depth) {
    static constexpr AttributeType kTypes[] = {
        AttributeType::kString, AttributeType::kDate, AttributeType::kInt,
        AttributeType::kList, AttributeType::kContainer};
    Attribute a;
    a.type = kTypes[pick(5)];
    a.key = "k" + std::to_string(pick(4)) + std::string(pick(30), 'x');
    if (a.type == AttributeType::kDate) {
      a.value = "2024-01-0" + std::to_string(1 + pick(9)) + "T00:00:00." +
                std::to_string(100 + pick(900)) + "+00:00";
    } else if (a.type == AttributeType::kString ||
               a.type == AttributeType::kInt) {
      a.value = std::string(pick(40), static_cast<char>('a' + pick(26)));
    }
    const int children = depth < 3 ? pick(4) : 0;
    for (int i = 0; i < children; ++i) a.children.push_back(make(depth + 1));
    return a;
  };
  std::vector<Trace> traces(60);
  for (Trace& trace : traces) {
    for (int i = pick(4); i > 0; --i) trace.attributes.push_back(make(0));
    trace.events.resize(static_cast<size_t>(pick(6)));
    for (Event& event : trace.events) {
      for (int i = pick(7); i > 0; --i) event.push_back(make(pick(3)));
    }
  }
  XesContents read = ReadXesContents(Write("varied.xes", WriteLog({}, traces)));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_EQ(read.traces.size(), traces.size());
  for (size_t i = 0; i < traces.size(); ++i) {
    EXPECT_EQ(read.traces[i], traces[i]) << "trace " << i;
  }
}

TEST_F(XesTest, DeepNestingIsRefusedWithTheLine) {
  std::string xml = "<log><trace><event>\n";
  for (int i = 0; i < 300; ++i) xml += "<string key=\"k\" value=\"v\">\n";
  XesContents read = ReadXesContents(Write("deep.xes", xml));
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  // <log> is level 1, so the 257th element, on line 255, is one too many.
  EXPECT_THAT(read.status.message(),
              StartsWith(Path("deep.xes") +
                         ":255: elements are nested more than 256 levels "
                         "deep"));

  // The writer refuses a record nested deeper than the reader would read.
  Attribute deep = S("k", "v");
  for (int i = 0; i < 300; ++i) {
    Attribute parent = S("k", "v");
    parent.children.push_back(std::move(deep));
    deep = std::move(parent);
  }
  std::ostringstream out;
  XesWriter writer(out);
  ASSERT_TRUE(writer.Begin({}).ok());
  ASSERT_TRUE(writer.BeginTrace({}).ok());
  Status status = writer.WriteEvent({deep});
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("nested more than 256 levels"));
  EXPECT_TRUE(writer.WriteEvent({S("k", "shallow")}).ok());  // still usable
}

TEST_F(XesTest, EntitiesAreNeverExpanded) {
  // Declared in the file or not, a general entity is an error: the reader
  // registers no declarations, so nothing can expand (no "billion laughs").
  XesContents read =
      ReadXesContents(Write("internal.xes",
                            "<?xml version=\"1.0\"?>\n"
                            "<!DOCTYPE log [<!ENTITY x \"expanded\">]>\n"
                            "<log><trace>\n"
                            "<string key=\"concept:name\" value=\"&x;\"/>\n"
                            "</trace></log>\n"));
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              StartsWith(Path("internal.xes") + ":4: not well-formed XML: "));
  EXPECT_THAT(read.status.message(), HasSubstr("'x'"));
  EXPECT_TRUE(read.traces.empty());

  // With an external DTD named (never loaded), libxml2 only warns about an
  // undeclared entity and would drop it from the value; still an error.
  read = ReadXesContents(
      Write("external.xes",
            "<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE log SYSTEM \"http://example.invalid/xes.dtd\">\n"
            "<log><trace>\n"
            "<string key=\"concept:name\" value=\"a&x;b\"/>\n"
            "</trace></log>\n"));
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              StartsWith(Path("external.xes") + ":4: not well-formed XML: "));
  EXPECT_TRUE(read.traces.empty());

  // Character references and the five predefined entities are XML itself.
  read = ReadXesContents(Write(
      "refs.xes",
      "<log><trace><string key=\"a&amp;b\" value=\"&lt;&#38;&amp;#38;&#x1F680;"
      "&quot;&apos;&gt;\"/></trace></log>"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(read.traces[0].attributes,
            std::vector<Attribute>{S("a&b", "<&&#38;🚀\"'>")});
}

TEST_F(XesTest, AttributesMissingTheirKeyOrValueAreNamed) {
  XesContents read =
      ReadXesContents(Write("no-value.xes",
                            "<log>\n<trace>\n<event>\n<date key=\"a&amp;b\"/>\n"
                            "</event></trace></log>\n"));
  EXPECT_EQ(read.status,
            InvalidArgumentError(Path("no-value.xes") +
                                 ":4: <date key=\"a&b\"> has no value"));
  // Lists and containers need no value; they still need a key.
  read = ReadXesContents(Write("no-key.xes",
                               "<log>\n<trace>\n<container value=\"v\"/>\n"
                               "</trace></log>\n"));
  EXPECT_EQ(read.status, InvalidArgumentError(Path("no-key.xes") +
                                              ":3: <container> has no key"));
  // A prefixed XML attribute is another attribute, not the key.
  read = ReadXesContents(Write(
      "prefixed.xes",
      "<log xmlns:x=\"urn:x\">\n<string x:key=\"k\" value=\"v\"/>\n</log>\n"));
  EXPECT_EQ(read.status, InvalidArgumentError(Path("prefixed.xes") +
                                              ":2: <string> has no key"));
}

TEST_F(XesTest, BadDatesNameTheKeyTheTextAndTheLine) {
  XesContents read = ReadXesContents(
      Write("dates.xes",
            "<log>\n<trace>\n<event>\n"
            "<date key=\"time:timestamp\" value=\"2024-02-30T10:00:00Z\"/>\n"
            "</event></trace></log>\n"));
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              StartsWith(Path("dates.xes") +
                         ":4: attribute \"time:timestamp\": invalid "
                         "timestamp \"2024-02-30T10:00:00Z\": there is no "
                         "such day"));
  // A meta-attribute's date is checked like any other.
  read = ReadXesContents(
      Write("meta-date.xes",
            "<log>\n<trace>\n<string key=\"k\" value=\"v\">\n"
            "<date key=\"since\" value=\"soon\"/>\n</string></trace></log>\n"));
  EXPECT_THAT(read.status.message(),
              StartsWith(Path("meta-date.xes") +
                         ":4: attribute \"since\": invalid timestamp "
                         "\"soon\""));
}

TEST_F(XesTest, UndeclaredNamespacePrefixesAreTolerated) {
  // libxml2 recovers from these, as the previous reader did.
  XesContents read = ReadXesContents(
      Write("ns.xes",
            "<log><x:extra/><trace><string key=\"concept:name\" value=\"1\"/>"
            "<event><y:string key=\"k\" value=\"v\"/></event></trace></log>"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_EQ(read.traces.size(), 1u);
  // Elements are matched by local name, whatever their prefix.
  EXPECT_EQ(read.traces[0].events, std::vector<Event>{{S("k", "v")}});
}

TEST_F(XesTest, TextTheDeclaredEncodingCannotReadIsAnError) {
  // libxml2 reports this one outside its structured errors and leaves the
  // document "well-formed"; the log must still not pass as read whole.
  XesContents read = ReadXesContents(Write(
      "utf7.xes", std::string("<?xml version=\"1.0\" encoding=\"UTF-7\"?>\n"
                              "<log>\n<string key=\"k\" value=\"") +
                      std::string(8, '\0') + "\"/>\n</log>\n"));
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(),
              StartsWith(Path("utf7.xes") + ":3: not well-formed XML: the "
                                            "text cannot be read in its "
                                            "declared encoding"));
  EXPECT_EQ(read.log_calls, 0);
}

TEST_F(XesTest, Utf16AndByteOrderMarksRead) {
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?><log><trace>"
      "<string key=\"concept:name\" value=\"é\"/></trace></log>";
  XesContents read = ReadXesContents(Write("bom.xes", "\xEF\xBB\xBF" + xml));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(AttributeValue(read.traces[0].attributes, "concept:name"), "é");

  // UTF-16LE with a byte order mark: every ASCII character followed by NUL.
  std::string utf16 = "\xFF\xFE";
  const std::string ascii =
      "<?xml version=\"1.0\" encoding=\"UTF-16\"?><log><trace>"
      "<string key=\"concept:name\" value=\"x\"/></trace></log>";
  for (char c : ascii) {
    utf16 += c;
    utf16 += '\0';
  }
  read = ReadXesContents(Write("utf16.xes", utf16));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_EQ(read.traces.size(), 1u);
  EXPECT_EQ(AttributeValue(read.traces[0].attributes, "concept:name"), "x");
}

TEST_F(XesTest, ALogWithoutTracesStillDeliversItsHeader) {
  XesContents read = ReadXesContents(
      Write("empty-log.xes", "<log><string key=\"k\" value=\"v\"/></log>"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.log_calls, 1);
  EXPECT_EQ(read.header.attributes, (std::vector<Attribute>{S("k", "v")}));
  EXPECT_TRUE(read.traces.empty());
}

// Stops after `limit` traces.
class StoppingVisitor : public XesVisitor {
 public:
  explicit StoppingVisitor(int limit) : limit_(limit) {}
  Status OnTrace(const Trace& /*trace*/) override {
    if (++seen_ == limit_) return AbortedError("enough");
    return OkStatus();
  }
  int seen() const { return seen_; }

 private:
  int limit_;
  int seen_ = 0;
};

TEST_F(XesTest, AVisitorErrorStopsTheReadAndIsReturned) {
  const std::string path = Write("log.xes", WriteLog({}, SampleTraces()));
  StoppingVisitor visitor(2);
  Status status = ReadXes(path, visitor);
  EXPECT_EQ(status, AbortedError("enough"));
  EXPECT_EQ(visitor.seen(), 2);

  class FailingHeader : public XesVisitor {
   public:
    Status OnLog(const LogHeader& /*header*/) override {
      return FailedPreconditionError("no header wanted");
    }
    Status OnTrace(const Trace& /*trace*/) override {
      ADD_FAILURE() << "a trace after a failed OnLog";
      return OkStatus();
    }
  } failing;
  EXPECT_EQ(ReadXes(path, failing).code(), StatusCode::kFailedPrecondition);
}

// Writes `content` gzip-compressed to `path`.
void WriteGzip(const std::string& path, const std::string& content) {
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(
      gzwrite(file, content.data(), static_cast<unsigned>(content.size())),
      static_cast<int>(content.size()));
  ASSERT_EQ(gzclose(file), Z_OK);
}

TEST_F(XesTest, GzipCompressedLogsAreRecognisedByTheirContent) {
  const std::string xml = WriteLog(SampleHeader(), SampleTraces());
  WriteGzip(Path("log.xes.gz"), xml);
  ASSERT_NE(std::filesystem::file_size(Path("log.xes.gz")), xml.size());
  XesContents read = ReadXesContents(Path("log.xes.gz"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.traces, SampleTraces());

  // The name does not matter: gzip data under a plain name reads too.
  WriteGzip(Path("misnamed.xes"), xml);
  read = ReadXesContents(Path("misnamed.xes"));
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  EXPECT_EQ(read.traces.size(), SampleTraces().size());
}

TEST_F(XesTest, CorruptGzipIsAnInvalidArgumentNamingThePath) {
  const std::string xml = WriteLog(SampleHeader(), SampleTraces());
  WriteGzip(Path("whole.xes.gz"), xml);
  std::ifstream in(Path("whole.xes.gz"), std::ios::binary);
  std::string gz((std::istreambuf_iterator<char>(in)),
                 std::istreambuf_iterator<char>());
  const std::string path = Write("cut.xes.gz", gz.substr(0, gz.size() / 2));
  XesContents read = ReadXesContents(path);
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(), HasSubstr(path));
}

TEST_F(XesTest, MissingFilesAndDirectoriesAreReportedWithThePath) {
  XesContents read = ReadXesContents(Path("nope.xes"));
  EXPECT_EQ(read.status.code(), StatusCode::kNotFound);
  EXPECT_THAT(read.status.message(), HasSubstr(Path("nope.xes")));
  read = ReadXesContents(dir_.string());
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(), HasSubstr("directory"));
  EXPECT_EQ(read.log_calls, 0);
}

TEST_F(XesTest, AnEmptyFileIsNamedAsSuch) {
  XesContents read = ReadXesContents(Write("empty.xes", ""));
  EXPECT_EQ(read.status,
            InvalidArgumentError(Path("empty.xes") +
                                 ":1: the file is empty; expected an XES log"));
}

TEST_F(XesTest, ContentAfterTheLogIsAnError) {
  XesContents read = ReadXesContents(Write("after.xes", "<log/>\n\n<log/>\n"));
  EXPECT_EQ(read.status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(read.status.message(), StartsWith(Path("after.xes") + ":3: "));
}

TEST_F(XesTest, EntitiesFromOutsideTheFileAreNotLoaded) {
  const std::string secret = Write("secret.txt", "top secret");
  XesContents read = ReadXesContents(
      Write("xxe.xes",
            "<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE log [<!ENTITY x SYSTEM \"file://" +
                secret +
                "\">]>\n"
                "<log><trace><string key=\"concept:name\" value=\"&x;\"/>"
                "</trace></log>\n"));
  // libxml2 refuses an external entity in an attribute value; either way
  // the file's content must never reach a value.
  for (const Trace& trace : read.traces) {
    EXPECT_NE(AttributeValue(trace.attributes, "concept:name"), "top secret");
  }
  EXPECT_FALSE(read.status.ok());
}

TEST_F(XesTest, WriterRejectsWhatXmlCannotHoldAndStaysUsable) {
  std::ostringstream out;
  XesWriter writer(out);
  ASSERT_TRUE(writer.Begin({}).ok());
  ASSERT_TRUE(writer.BeginTrace({S("concept:name", "1")}).ok());
  for (const std::string& bad :
       {std::string("bell \x07"), std::string("nul \0 byte", 10),
        std::string("latin-1 \xE9t\xE9"), std::string("cut \xE6\x97"),
        std::string("overlong \xC0\xAF"), std::string("surrogate \xED\xA0\x80"),
        std::string("U+FFFE \xEF\xBF\xBE")}) {
    Status status =
        writer.WriteEvent({S("concept:name", "ok"), S("note", bad)});
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(status.message(), HasSubstr("\"note\"")) << bad;
  }
  Status bad_date = writer.WriteEvent({D("time:timestamp", "tomorrow")});
  EXPECT_EQ(bad_date.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(bad_date.message(), HasSubstr("\"time:timestamp\""));
  EXPECT_FALSE(writer.WriteEvent({S("bad key \x01", "v")}).ok());

  ASSERT_TRUE(writer.WriteEvent({S("concept:name", "after the errors")}).ok());
  ASSERT_TRUE(writer.EndTrace().ok());
  ASSERT_TRUE(writer.Finish().ok());
  const std::string path = Write("after-errors.xes", out.str());
  XesContents read = ReadXesContents(path);
  ASSERT_TRUE(read.status.ok()) << read.status.ToString();
  ASSERT_EQ(read.traces.size(), 1u);
  ASSERT_EQ(read.traces[0].events.size(), 1u);
  EXPECT_EQ(read.traces[0].events[0][0].value, "after the errors");
}

TEST_F(XesTest, WriterCallsOutOfOrderAreFailedPreconditionsThatStick) {
  std::ostringstream out;
  XesWriter writer(out);
  EXPECT_EQ(writer.WriteEvent({}).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(writer.Begin({}).code(), StatusCode::kFailedPrecondition);

  std::ostringstream out2;
  XesWriter second(out2);
  ASSERT_TRUE(second.Begin({}).ok());
  EXPECT_EQ(second.EndTrace().code(), StatusCode::kFailedPrecondition);

  std::ostringstream out3;
  XesWriter third(out3);
  ASSERT_TRUE(third.Begin({}).ok());
  ASSERT_TRUE(third.BeginTrace({}).ok());
  Status status = third.Finish();
  EXPECT_EQ(status.code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("Finish called inside a trace"));

  std::ostringstream out4;
  XesWriter fourth(out4);
  ASSERT_TRUE(fourth.Begin({}).ok());
  ASSERT_TRUE(fourth.Finish().ok());
  EXPECT_EQ(fourth.BeginTrace({}).code(), StatusCode::kFailedPrecondition);
}

// A stream buffer that accepts `capacity` bytes and then fails, like a full
// disk.
class FullDisk : public std::streambuf {
 public:
  explicit FullDisk(size_t capacity) : capacity_(capacity) {}

 protected:
  int_type overflow(int_type c) override {
    if (written_ >= capacity_) return traits_type::eof();
    ++written_;
    return traits_type::not_eof(c);
  }
  std::streamsize xsputn(const char* /*s*/, std::streamsize n) override {
    const auto room = static_cast<std::streamsize>(capacity_ - written_);
    const std::streamsize taken = std::min(n, room);
    written_ += static_cast<size_t>(taken);
    return taken;
  }

 private:
  size_t capacity_;
  size_t written_ = 0;
};

TEST_F(XesTest, AFailingStreamIsUnavailable) {
  FullDisk disk(1000);
  std::ostream out(&disk);
  XesWriter writer(out);
  Status status = writer.Begin(SampleHeader());
  for (int i = 0; status.ok() && i < 10000; ++i) {
    status = writer.WriteTrace(SampleTraces()[1]);
  }
  if (status.ok()) status = writer.Finish();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_EQ(writer.Finish().code(), StatusCode::kUnavailable);
}

// The parallel fast path of ReadLog (internal/parallel_xes.h) must read
// exactly what ReadXes reads, or give up so that ReadXes reads the file.

TEST_F(XesTest, FastPathReadsEveryPartOfIeee1849AsReadXes) {
  ExpectFastPathReadsAsReadXes(LIVESOP_SOURCE_DIR
                               "/testdata/eventlog/complete.xes",
                               {1, 64, 4096, size_t{256} << 10}, {1, 2, 3});
  ExpectPartsBuildTheLogOfAddTrace(LIVESOP_SOURCE_DIR
                                   "/testdata/eventlog/complete.xes",
                                   {1, 64, 4096, size_t{256} << 10}, {1, 2, 3});
}

TEST_F(XesTest, FastPathReadsWrittenLogsWithNastyValuesAsReadXes) {
  // Every trace cut into a chunk of its own (1 byte) and chunks of several
  // traces; values with references, white space and non-ASCII text.
  const std::string path = Write("nasty.xes", WriteLog({}, SampleTraces()));
  ExpectFastPathReadsAsReadXes(path, {1, 200, 100000}, {1, 2});
  ExpectPartsBuildTheLogOfAddTrace(path, {1, 200, 100000}, {1, 2});
}

TEST_F(XesTest, FastPathSkipsWhatReadXesSkipsAfterTheFirstTrace) {
  // Header elements after a trace, events directly under <log>, unknown
  // elements with content, lists with and without <values>, containers and
  // meta-attributes nested in each other, references of every kind, white
  // space in values, single quotes, a self-closed trace.
  const std::string path = Write("tricky.xes", R"(<?xml version="1.0"?>
<!-- comments before the first trace are read by libxml2 -->
<log xes.version="1849-2016">
  <extension name="Concept" prefix="concept" uri="c"/>
  <string key="log" value="before"/>
  <trace><string key="concept:name" value="a &amp; b &#38; c &lt;&gt;&quot;&apos; &#x41;&#233;&#x1F600;"/>
    <event>
      <string key='concept:name' value='tab	and
newline&#10;kept'/>
      <list key="l"><string key="x" value="1"/><values><int key="i" value="2"/>
        <values><string key="skipped" value="3"/></values></values>
        <float key="after" value="4.5"/></list>
      <container key="c"><list key="inner"><values><date key="d" value="2020-02-29T23:59:59.5-01:30"/></values></list>
        <values><string key="skipped" value="in a container"/></values></container>
      <string key="meta" value="m"><string key="m1" value="1"><int key="m2" value="2"/></string></string>
      <unknown a="1"><string key="inside unknown" value="x"/></unknown>
      <event><string key="nested event" value="skipped"/></event>
    </event>
    <unknown/>
  </trace>
  <string key="log" value="after the first trace"/>
  <extension name="Late" prefix="late" uri="l"/>
  <event><string key="concept:name" value="outside any trace"/></event>
  <trace/>
  <trace >
    <event/>
  </trace>
  <global scope="event"><string key="late" value="x"/></global>
</log>
)");
  ExpectFastPathReadsAsReadXes(path, {1, 300, 100000}, {1, 2});
  ExpectPartsBuildTheLogOfAddTrace(path, {1, 300, 100000}, {1, 2});
}

TEST_F(XesTest, FastPathGivesUpOnWhatItDoesNotReadAndReadLogStillReads) {
  const std::string head = R"(<?xml version="1.0" encoding="UTF-8"?>
<log>
  <trace><string key="concept:name" value="1"/><event><string key="concept:name" value="a"/></event></trace>
)";
  const std::string tail = R"(
  <trace><string key="concept:name" value="2"/><event><string key="concept:name" value="b"/></event></trace>
</log>
)";
  const std::vector<std::pair<std::string, std::string>> files = {
      {"comment", "<!-- <trace> -->"},
      {"cdata",
       "<trace><event><string key=\"k\" value=\"v\"><![CDATA[<trace "
       "x]]></string></event></trace>"},
      {"pi", "<?pi <trace ?>"},
      {"text", "<trace>text</trace>"},
      {"prefix", "<x:trace xmlns:x=\"urn:x\"><x:event/></x:trace>"},
      {"doctype", ""},
      {"prologue-comment", ""},
      {"latin1", ""},
  };
  for (const auto& [name, middle] : files) {
    SCOPED_TRACE(name);
    std::string content = head + middle + tail;
    if (name == "doctype") {
      content.insert(
          content.find("<log>"),
          "<!DOCTYPE log [<!ATTLIST string value NMTOKEN #IMPLIED>]>\n");
    } else if (name == "prologue-comment") {
      content.insert(content.find("<log>") + 5, "<!-- <trace> -->");
    }
    if (name == "latin1") {
      content.replace(content.find("UTF-8"), 5, "ISO-8859-1");
      content.replace(content.find("\"a\""), 3, "\"\xE9\"");
    }
    const std::string path = Write(name + ".xes", content);
    const ParallelContents fast =
        ReadXesParallelContents(path, {.chunk_bytes = 1});
    EXPECT_TRUE(fast.contents.status.ok()) << fast.contents.status.ToString();
    EXPECT_FALSE(fast.read);
    EXPECT_FALSE(ReadLogParallelReads(path, {.chunk_bytes = 1}));
    const XesContents exact = ReadXesContents(path);
    ASSERT_TRUE(exact.status.ok()) << exact.status.ToString();
    Result<EventLog> log = ReadLog(path);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    EXPECT_EQ(log->num_cases(), exact.traces.size());
  }
}

TEST_F(XesTest, FastPathGivesUpOnEveryErrorAndReadLogNamesTheLine) {
  // Mistakes inside the traces, where only the fast path looks at first:
  // ReadLog must fail exactly as ReadXes does.
  const std::vector<std::pair<std::string, std::string>> mistakes = {
      {"entity", "<string key=\"k\" value=\"&who;\"/>"},
      {"bare-ampersand", "<string key=\"k\" value=\"a & b\"/>"},
      {"bad-reference", "<string key=\"k\" value=\"&#0;\"/>"},
      {"no-key", "<string value=\"v\"/>"},
      {"no-value", "<string key=\"k\"/>"},
      {"bad-date", "<date key=\"time:timestamp\" value=\"30/12/2010\"/>"},
      {"twice", "<string key=\"k\" key=\"k\" value=\"v\"/>"},
      {"less-than", "<string key=\"k\" value=\"a<b\"/>"},
      {"control", "<string key=\"k\" value=\"a\x01\"/>"},
      {"not-utf8", "<string key=\"k\" value=\"\xC3\x28\"/>"},
      {"unclosed", "<string key=\"k\" value=\"v\">"},
      {"mismatch", "<string key=\"k\" value=\"v\"></date>"},
      {"cdata-end", "<string key=\"k\" value=\"v\"/>]]>"},
      {"no-space", "<string key=\"k\"value=\"v\"/>"},
  };
  for (const auto& [name, mistake] : mistakes) {
    SCOPED_TRACE(name);
    const std::string path = Write(name + ".xes", R"(<?xml version="1.0"?>
<log>
  <trace><event><string key="concept:name" value="a"/></event></trace>
  <trace>
    <event>
      )" + mistake + R"(
    </event>
  </trace>
  <trace><event><string key="concept:name" value="b"/></event></trace>
</log>
)");
    const ParallelContents fast = ReadXesParallelContents(path, {});
    EXPECT_FALSE(fast.read);
    EXPECT_FALSE(ReadLogParallelReads(path, {}));
    EXPECT_FALSE(ReadLogParallelReads(path, {.chunk_bytes = 1}));
    const XesContents exact = ReadXesContents(path);
    ASSERT_FALSE(exact.status.ok());
    EXPECT_THAT(exact.status.message(), StartsWith(path + ":"));
    Result<EventLog> log = ReadLog(path);
    ASSERT_FALSE(log.ok());
    EXPECT_EQ(log.status(), exact.status);
  }
}

TEST_F(XesTest, FastPathDepthLimitIsReadXesLimit) {
  // 256 levels, <log> included, read; one more is an error.
  for (int depth : {256, 257}) {
    SCOPED_TRACE(depth);
    std::string nested;
    for (int i = 3; i < depth; ++i) nested += "<string key=\"k\" value=\"v\">";
    nested += "<string key=\"k\" value=\"v\"/>";
    for (int i = 3; i < depth; ++i) nested += "</string>";
    const std::string path =
        Write("deep.xes", "<log><trace><event>" + nested +
                              "</event></trace><trace/></log>\n");
    const XesContents exact = ReadXesContents(path);
    const ParallelContents fast = ReadXesParallelContents(path, {});
    EXPECT_EQ(fast.read, exact.status.ok());
    EXPECT_EQ(ReadLogParallelReads(path, {}), exact.status.ok());
    if (exact.status.ok()) {
      EXPECT_EQ(fast.contents.traces, exact.traces);
    }
  }
}

TEST_F(XesTest, FastPathReadsGzipAsPlain) {
  const std::string plain =
      LIVESOP_SOURCE_DIR "/testdata/eventlog/complete.xes";
  std::ifstream in(plain, std::ios::binary);
  const std::string content((std::istreambuf_iterator<char>(in)),
                            std::istreambuf_iterator<char>());
  gzFile gz = gzopen(Path("complete.xes.gz").c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  ASSERT_EQ(gzwrite(gz, content.data(), static_cast<unsigned>(content.size())),
            static_cast<int>(content.size()));
  ASSERT_EQ(gzclose(gz), Z_OK);
  ExpectFastPathReadsAsReadXes(Path("complete.xes.gz"), {64}, {2});
  ExpectPartsBuildTheLogOfAddTrace(Path("complete.xes.gz"), {64}, {2});
}

TEST_F(XesTest, ManyTracesStreamThrough) {
  // A log far larger than one trace, to exercise the reader's node freeing
  // and the writer's buffering; the counts must come out exact.
  constexpr int kTraces = 20000;
  {
    std::ofstream file(Path("big.xes"), std::ios::binary);
    XesWriter writer(file);
    ASSERT_TRUE(writer.Begin({}).ok());
    for (int i = 0; i < kTraces; ++i) {
      ASSERT_TRUE(
          writer.BeginTrace({S("concept:name", std::to_string(i))}).ok());
      for (int e = 0; e < 5; ++e) {
        ASSERT_TRUE(
            writer
                .WriteEvent({S("concept:name", "step " + std::to_string(e)),
                             D("time:timestamp", "2024-01-01T00:00:00Z")})
                .ok());
      }
      ASSERT_TRUE(writer.EndTrace().ok());
    }
    ASSERT_TRUE(writer.Finish().ok());
  }
  class Counter : public XesVisitor {
   public:
    Status OnTrace(const Trace& trace) override {
      if (AttributeValue(trace.attributes, "concept:name") !=
          std::to_string(traces)) {
        return InternalError("out of order at " + std::to_string(traces));
      }
      ++traces;
      events += static_cast<int>(trace.events.size());
      return OkStatus();
    }
    int traces = 0;
    int events = 0;
  } counter;
  Status status = ReadXes(Path("big.xes"), counter);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(counter.traces, kTraces);
  EXPECT_EQ(counter.events, 5 * kTraces);
}

}  // namespace
}  // namespace livesop::eventlog

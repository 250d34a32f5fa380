// The public logs in ../shared/data/logs/: counts from their README and
// directly-follows counts computed by PM4Py, reference/<log>.dfg.json.
#include <gtest/gtest.h>
#include <zlib.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <utility>

#include "eventlog/log_test_util.h"
#include "eventlog/xes.h"

namespace livesop::eventlog {
namespace {

const std::string kLogs = LIVESOP_SOURCE_DIR "/../shared/data/logs/";

// What the mining module will need first: counts, activities and
// directly-follows pairs by concept:name in file order.
class Summary : public XesVisitor {
 public:
  Status OnLog(const LogHeader& header) override {
    header_ = header;
    return OkStatus();
  }
  Status OnTrace(const Trace& trace) override {
    ++cases;
    events += trace.events.size();
    for (size_t i = 0; i < trace.events.size(); ++i) {
      const std::string activity(AttributeValue(trace.events[i], kActivityKey));
      activities.insert(activity);
      if (i == 0) ++starts[activity];
      if (i + 1 == trace.events.size()) ++ends[activity];
      if (i > 0) {
        ++directly_follows[{
            std::string(AttributeValue(trace.events[i - 1], kActivityKey)),
            activity}];
      }
      if (FindAttribute(trace.events[i], kTimestampKey) == nullptr) {
        ++events_without_time;
      }
    }
    return OkStatus();
  }

  LogHeader header_;
  size_t cases = 0;
  size_t events = 0;
  size_t events_without_time = 0;
  std::set<std::string> activities;
  std::map<std::string, int> starts;
  std::map<std::string, int> ends;
  std::map<std::pair<std::string, std::string>, int> directly_follows;
};

Summary Summarise(const std::string& path) {
  Summary summary;
  Status status = ReadXes(path, summary);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return summary;
}

TEST(RealLogsTest, RunningExampleCounts) {
  Summary s = Summarise(kLogs + "running-example.xes");
  EXPECT_EQ(s.cases, 6u);
  EXPECT_EQ(s.events, 42u);
  EXPECT_EQ(s.activities.size(), 8u);
  EXPECT_EQ(s.events_without_time, 0u);
  // Globals are declarations, not events; the header carries them.
  EXPECT_EQ(s.header_.event_globals.size(), 6u);
  EXPECT_EQ(s.header_.trace_globals.size(), 1u);
  ASSERT_EQ(s.header_.classifiers.size(), 2u);
  EXPECT_EQ(s.header_.classifiers[0].keys,
            std::vector<std::string>{"Activity"});
  EXPECT_EQ(s.header_.extensions.size(), 3u);
}

TEST(RealLogsTest, ReceiptCounts) {
  Summary s = Summarise(kLogs + "receipt.xes");
  EXPECT_EQ(s.cases, 1434u);
  EXPECT_EQ(s.events, 8577u);
  EXPECT_EQ(s.activities.size(), 27u);
  EXPECT_EQ(s.events_without_time, 0u);
  EXPECT_EQ(s.header_.extensions.size(), 11u);
}

TEST(RealLogsTest, RoadTrafficCounts) {
  Summary s = Summarise(kLogs + "roadtraffic100traces.xes");
  EXPECT_EQ(s.cases, 100u);
  EXPECT_EQ(s.events, 390u);
  EXPECT_EQ(s.activities.size(), 10u);
}

// Compares the directly-follows counts, start and end activities with
// reference/<name>.dfg.json.
void ExpectReferenceDfg(const std::string& name, const Summary& s) {
  std::ifstream in(kLogs + "reference/" + name + ".dfg.json");
  ASSERT_TRUE(in) << name;
  const nlohmann::json reference = nlohmann::json::parse(in);
  std::map<std::pair<std::string, std::string>, int> expected;
  for (const nlohmann::json& edge : reference.at("dfg")) {
    expected[{edge.at(0).get<std::string>(), edge.at(1).get<std::string>()}] =
        edge.at(2).get<int>();
  }
  ASSERT_FALSE(expected.empty());
  EXPECT_EQ(s.directly_follows, expected) << name;
  EXPECT_EQ(
      s.starts,
      (reference.at("start_activities").get<std::map<std::string, int>>()))
      << name;
  EXPECT_EQ(s.ends,
            (reference.at("end_activities").get<std::map<std::string, int>>()))
      << name;
}

TEST(RealLogsTest, DirectlyFollowsMatchPm4py) {
  for (const char* name :
       {"running-example", "receipt", "roadtraffic100traces"}) {
    ExpectReferenceDfg(name, Summarise(kLogs + name + ".xes"));
  }
}

TEST(RealLogsTest, TheParallelPathReadsEachLogAsTheStreamingReader) {
  // Chunks small enough that traces fall on every side of their borders.
  for (const char* name :
       {"running-example", "receipt", "roadtraffic100traces"}) {
    ExpectFastPathReadsAsReadXes(kLogs + name + ".xes",
                                 {1, 5000, size_t{256} << 10}, {1, 2});
  }
}

TEST(RealLogsTest, TheParallelPathBuildsEachLogAsAddTrace) {
  // A part per trace, parts of a few traces, parts of many; activities of
  // one key and of two.
  for (const char* name :
       {"running-example", "receipt", "roadtraffic100traces"}) {
    for (const ClassifierSpec& classifier :
         {ClassifierSpec{},
          ClassifierSpec{{"concept:name", "lifecycle:transition"}}}) {
      ExpectPartsBuildTheLogOfAddTrace(kLogs + name + ".xes",
                                       {1, 5000, size_t{256} << 10}, {1, 2},
                                       classifier);
    }
  }
}

class RealLogsRoundTripTest : public TempDirTest {};

TEST_F(RealLogsRoundTripTest, RewrittenAndGzippedLogsReadTheSame) {
  XesContents original = ReadXesContents(kLogs + "receipt.xes");
  ASSERT_TRUE(original.status.ok()) << original.status.ToString();

  std::ostringstream out;
  XesWriter writer(out);
  ASSERT_TRUE(writer.Begin(original.header).ok());
  for (const Trace& trace : original.traces) {
    ASSERT_TRUE(writer.WriteTrace(trace).ok());
  }
  ASSERT_TRUE(writer.Finish().ok());
  const std::string xml = out.str();

  gzFile file = gzopen(Path("receipt.xes.gz").c_str(), "wb");
  ASSERT_NE(file, nullptr);
  ASSERT_EQ(gzwrite(file, xml.data(), static_cast<unsigned>(xml.size())),
            static_cast<int>(xml.size()));
  ASSERT_EQ(gzclose(file), Z_OK);

  XesContents copy = ReadXesContents(Path("receipt.xes.gz"));
  ASSERT_TRUE(copy.status.ok()) << copy.status.ToString();
  EXPECT_EQ(copy.traces, original.traces);
  EXPECT_EQ(copy.header.attributes, original.header.attributes);
  EXPECT_EQ(copy.header.classifiers, original.header.classifiers);
  EXPECT_EQ(copy.header.event_globals, original.header.event_globals);
  ExpectReferenceDfg("receipt", Summarise(Path("receipt.xes.gz")));
}

}  // namespace
}  // namespace livesop::eventlog

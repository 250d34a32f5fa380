#include "mining/pnml.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "mining/test_util.h"

namespace livesop::mining {
namespace {

using testing::HasSubstr;

const std::string kTestdata = LIVESOP_SOURCE_DIR "/testdata/mining/";

int CountArcs(const sop::PetriNet& net) {
  int arcs = 0;
  for (const sop::Transition& t : net.transitions) {
    arcs += static_cast<int>(t.inputs.size() + t.outputs.size());
  }
  return arcs;
}

int PlaceIndex(const sop::PetriNet& net, const std::string& id) {
  for (size_t p = 0; p < net.places.size(); ++p) {
    if (net.places[p].id == id) return static_cast<int>(p);
  }
  return -1;
}

// The net of the running example: the first place in the file is the
// source with one token, the final marking one token on "sink", and the two
// silent transitions are skip_5 and tauSplit_3.
TEST(PnmlTest, ReadsPm4pyNetWithMarkingsAndSilentTransitions) {
  Result<PnmlNet> pnml =
      ReadPnml(kSharedLogs + "reference/running-example.im.pnml");
  ASSERT_TRUE(pnml.ok()) << pnml.status().message();
  const sop::PetriNet& net = pnml->net;
  EXPECT_EQ(pnml->name, "imdf_net_1795452347.1484046");
  EXPECT_EQ(net.id, "imdf_net_1795452347.1484046");
  ASSERT_EQ(net.places.size(), 9U);
  ASSERT_EQ(net.transitions.size(), 10U);
  EXPECT_EQ(net.places[0].id, "source");
  EXPECT_EQ(net.source, 0);
  EXPECT_EQ(net.sink, PlaceIndex(net, "sink"));
  EXPECT_EQ(net.initial[0], 1);
  EXPECT_EQ(net.final[PlaceIndex(net, "sink")], 1);
  EXPECT_FALSE(pnml->final_marking_guessed);
  ASSERT_EQ(pnml->final_markings.size(), 1U);

  EXPECT_EQ(net.transitions[0].id, "skip_5");
  EXPECT_TRUE(net.transitions[0].silent);
  EXPECT_EQ(net.transitions[0].label, "");
  EXPECT_EQ(net.transitions[1].label, "pay compensation");
  EXPECT_FALSE(net.transitions[1].silent);
  // tauSplit_3 -> p_8 and p_10.
  const sop::Transition& split = net.transitions[3];
  EXPECT_EQ(split.id, "tauSplit_3");
  EXPECT_TRUE(split.silent);
  ASSERT_EQ(split.outputs.size(), 2U);
  EXPECT_EQ(split.outputs[0], PlaceIndex(net, "p_8"));
  EXPECT_EQ(split.outputs[1], PlaceIndex(net, "p_10"));
  ASSERT_EQ(split.inputs.size(), 1U);
  EXPECT_EQ(split.inputs[0], PlaceIndex(net, "p_5"));
  EXPECT_EQ(CountArcs(net), 22);
}

// The shape of every reference net, against the counts PM4Py wrote.
class ReferenceNetTest : public testing::TestWithParam<std::string> {};

TEST_P(ReferenceNetTest, HasPm4pysCounts) {
  Result<PnmlNet> pnml =
      ReadPnml(kSharedLogs + "reference/" + GetParam() + ".im.pnml");
  ASSERT_TRUE(pnml.ok()) << pnml.status().message();
  std::ifstream file(kSharedLogs + "reference/" + GetParam() + ".fitness.json");
  ASSERT_TRUE(file.good());
  const nlohmann::json expected = nlohmann::json::parse(file)["im_net"];
  const sop::PetriNet& net = pnml->net;
  const auto silent =
      std::count_if(net.transitions.begin(), net.transitions.end(),
                    [](const sop::Transition& t) { return t.silent; });
  EXPECT_EQ(net.places.size(), expected["places"].get<size_t>());
  EXPECT_EQ(net.transitions.size(), expected["transitions"].get<size_t>());
  EXPECT_EQ(silent, expected["silent_transitions"].get<int64_t>());
  EXPECT_EQ(static_cast<int64_t>(net.transitions.size()) - silent,
            expected["visible_transitions"].get<int64_t>());
  EXPECT_EQ(CountArcs(net), expected["arcs"].get<int>());
  int im = 0;
  int fm = 0;
  for (int tokens : net.initial) im += tokens;
  for (int tokens : net.final) fm += tokens;
  EXPECT_EQ(im, expected["im_tokens"].get<int>());
  EXPECT_EQ(fm, expected["fm_tokens"].get<int>());
}

INSTANTIATE_TEST_SUITE_P(SharedLogs, ReferenceNetTest,
                         testing::Values("running-example", "receipt",
                                         "roadtraffic100traces"));

void ExpectSameNet(const PnmlNet& a, const PnmlNet& b) {
  ASSERT_EQ(a.net.places.size(), b.net.places.size());
  ASSERT_EQ(a.net.transitions.size(), b.net.transitions.size());
  for (size_t p = 0; p < a.net.places.size(); ++p) {
    EXPECT_EQ(a.net.places[p].id, b.net.places[p].id);
    EXPECT_EQ(a.net.places[p].name, b.net.places[p].name);
  }
  for (size_t t = 0; t < a.net.transitions.size(); ++t) {
    const sop::Transition& x = a.net.transitions[t];
    const sop::Transition& y = b.net.transitions[t];
    EXPECT_EQ(x.id, y.id);
    EXPECT_EQ(x.label, y.label);
    EXPECT_EQ(x.silent, y.silent);
    EXPECT_EQ(x.inputs, y.inputs) << x.id;
    EXPECT_EQ(x.outputs, y.outputs) << x.id;
  }
  EXPECT_EQ(a.net.initial, b.net.initial);
  EXPECT_EQ(a.net.final, b.net.final);
  EXPECT_EQ(a.final_markings, b.final_markings);
  EXPECT_EQ(a.net.source, b.net.source);
  EXPECT_EQ(a.net.sink, b.net.sink);
}

TEST(PnmlTest, RoundTripsEveryReferenceAndTestNet) {
  for (const std::string& path :
       {kSharedLogs + "reference/running-example.im.pnml",
        kSharedLogs + "reference/receipt.im.pnml",
        kSharedLogs + "reference/roadtraffic100traces.im.pnml",
        kTestdata + "skip.pnml", kTestdata + "parallel.pnml",
        kTestdata + "loop.pnml", kTestdata + "duplicates.pnml",
        kTestdata + "weighted.pnml"}) {
    SCOPED_TRACE(path);
    Result<PnmlNet> first = ReadPnml(path);
    ASSERT_TRUE(first.ok()) << first.status().message();
    std::ostringstream out;
    ASSERT_TRUE(WritePnml(*first, out).ok());
    Result<PnmlNet> second = ReadPnmlString(out.str(), "written");
    ASSERT_TRUE(second.ok()) << second.status().message() << "\n" << out.str();
    ExpectSameNet(*first, *second);
    EXPECT_EQ(second->name, first->name);
    // Writing the sop::PetriNet alone gives the same net too.
    std::ostringstream plain;
    ASSERT_TRUE(WritePnml(first->net, plain).ok());
    Result<PnmlNet> third = ReadPnmlString(plain.str());
    ASSERT_TRUE(third.ok()) << third.status().message();
    ExpectSameNet(*first, *third);
  }
}

TEST(PnmlTest, ArcWeightsBecomeRepeatedPlacesAndInscriptions) {
  Result<PnmlNet> pnml = ReadPnml(kTestdata + "weighted.pnml");
  ASSERT_TRUE(pnml.ok()) << pnml.status().message();
  const sop::PetriNet& net = pnml->net;
  const int p1 = PlaceIndex(net, "p1");
  ASSERT_EQ(net.transitions.size(), 2U);
  EXPECT_EQ(net.transitions[0].outputs, (std::vector<int>{p1, p1}));
  EXPECT_EQ(net.transitions[1].inputs, (std::vector<int>{p1, p1}));

  std::ostringstream out;
  ASSERT_TRUE(WritePnml(net, out).ok());
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("<inscription>"));
  EXPECT_THAT(text, HasSubstr("<text>2</text>"));
  // One arc per place, not one per token.
  size_t arcs = 0;
  for (size_t at = text.find("<arc "); at != std::string::npos;
       at = text.find("<arc ", at + 1)) {
    ++arcs;
  }
  EXPECT_EQ(arcs, 4U);
}

TEST(PnmlTest, WritesPm4pyLayoutWithInvisibleMarkerAndFinalMarking) {
  sop::PetriNet net;
  net.id = "n";
  const int i = net.AddPlace("i", "start & go");
  const int o = net.AddPlace("o");
  const int t = net.AddTransition("t1", "check <b> \"x\"", false);
  const int tau = net.AddTransition("tau", "", true);
  net.AddArc(i, t);
  net.AddArc(t, o, true);
  net.AddArc(o, tau);
  net.AddArc(tau, o, true);
  net.initial[i] = 1;
  net.final[o] = 1;
  std::ostringstream out;
  ASSERT_TRUE(WritePnml(net, out).ok());
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("<page id=\"n0\">"));
  EXPECT_THAT(text, HasSubstr("activity=\"$invisible$\""));
  EXPECT_THAT(text, HasSubstr("<finalmarkings>"));
  EXPECT_THAT(text, HasSubstr("start &amp; go"));
  Result<PnmlNet> back = ReadPnmlString(text);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->net.places[0].name, "start & go");
  EXPECT_EQ(back->net.places[1].name, "o");
  EXPECT_EQ(back->net.transitions[0].label, "check <b> \"x\"");
  EXPECT_TRUE(back->net.transitions[1].silent);
  EXPECT_EQ(back->net.final, net.final);
}

constexpr char kHeader[] =
    "<?xml version=\"1.0\"?>\n<pnml>\n<net id=\"n\">\n<page id=\"p\">\n";

TEST(PnmlTest, NamelessTransitionIsSilentAndFinalMarkingIsGuessed) {
  const std::string text = std::string(kHeader) +
                           "<place id=\"i\"><initialMarking><text>1</text>"
                           "</initialMarking></place>\n"
                           "<place id=\"o\"/>\n"
                           "<transition id=\"t\"/>\n"
                           "<arc id=\"a1\" source=\"i\" target=\"t\"/>\n"
                           "<arc id=\"a2\" source=\"t\" target=\"o\"/>\n"
                           "</page></net></pnml>\n";
  Result<PnmlNet> pnml = ReadPnmlString(text);
  ASSERT_TRUE(pnml.ok()) << pnml.status().message();
  EXPECT_TRUE(pnml->net.transitions[0].silent);
  EXPECT_TRUE(pnml->final_marking_guessed);
  // o has no outgoing arc: PM4Py's guess puts the token there.
  EXPECT_EQ(pnml->net.final, (sop::Marking{0, 1}));
  EXPECT_EQ(pnml->net.sink, 1);
}

TEST(PnmlTest, NodesOnNestedPagesAndANamespaceAreRead) {
  const std::string text =
      "<pnml xmlns=\"http://www.pnml.org/version-2009/grammar/pnml\">"
      "<net id=\"n\" type=\"x\"><page id=\"a\">"
      "<place id=\"i\"><initialMarking><text> 2 </text></initialMarking>"
      "</place><page id=\"b\"><transition id=\"t\"><name><text>go</text>"
      "</name></transition></page></page>"
      "<arc id=\"x\" source=\"i\" target=\"t\"/></net></pnml>";
  Result<PnmlNet> pnml = ReadPnmlString(text);
  ASSERT_TRUE(pnml.ok()) << pnml.status().message();
  EXPECT_EQ(pnml->net.initial, (sop::Marking{2}));
  ASSERT_EQ(pnml->net.transitions.size(), 1U);
  EXPECT_EQ(pnml->net.transitions[0].label, "go");
  EXPECT_EQ(pnml->net.transitions[0].inputs, (std::vector<int>{0}));
  EXPECT_EQ(pnml->net.source, -1);  // two tokens: not a workflow source
}

struct BadPnml {
  std::string name;
  std::string text;
  std::string message;  // expected in the error, after "file:line: "
  int line;
};

class BadPnmlTest : public testing::TestWithParam<BadPnml> {};

TEST_P(BadPnmlTest, NamesFileLineAndProblem) {
  const BadPnml& bad = GetParam();
  Result<PnmlNet> pnml = ReadPnmlString(bad.text, "net.pnml");
  ASSERT_FALSE(pnml.ok());
  EXPECT_EQ(pnml.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(pnml.status().message(),
              HasSubstr("net.pnml:" + std::to_string(bad.line) + ": "));
  EXPECT_THAT(pnml.status().message(), HasSubstr(bad.message));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BadPnmlTest,
    testing::Values(
        BadPnml{"NotXml", "places: 3\n", "not XML", 1},
        BadPnml{"Empty", "  \n", "the file is empty", 1},
        BadPnml{"Malformed", "<pnml>\n<net id=\"n\">\n</pnml>\n",
                "not well-formed XML", 3},
        BadPnml{"NotPnml", "<?xml version=\"1.0\"?>\n<log/>\n",
                "not PNML: the root element is <log>", 2},
        BadPnml{"NoNet", "<pnml>\n</pnml>\n", "holds no <net>", 1},
        BadPnml{"PlaceWithoutId",
                std::string(kHeader) + "<place/>\n</page></net></pnml>",
                "<place> has no id", 5},
        BadPnml{"DuplicateId",
                std::string(kHeader) +
                    "<place id=\"x\"/>\n<transition id=\"x\"/>\n"
                    "</page></net></pnml>",
                "the id 'x' is used twice", 6},
        BadPnml{"UnknownArcSource",
                std::string(kHeader) +
                    "<place id=\"p\"/>\n<transition id=\"t\"/>\n"
                    "<arc id=\"a9\" source=\"q\" target=\"t\"/>\n"
                    "</page></net></pnml>",
                "arc 'a9': unknown source 'q'", 7},
        BadPnml{"UnknownArcTarget",
                std::string(kHeader) +
                    "<place id=\"p\"/>\n<transition id=\"t\"/>\n"
                    "<arc id=\"a9\" source=\"t\" target=\"nowhere\"/>\n"
                    "</page></net></pnml>",
                "arc 'a9': unknown target 'nowhere'", 7},
        BadPnml{"ArcBetweenPlaces",
                std::string(kHeader) +
                    "<place id=\"p\"/>\n<place id=\"q\"/>\n"
                    "<arc id=\"a\" source=\"p\" target=\"q\"/>\n"
                    "</page></net></pnml>",
                "arc 'a' joins two places", 7},
        BadPnml{"ZeroWeight",
                std::string(kHeader) +
                    "<place id=\"p\"/>\n<transition id=\"t\"/>\n"
                    "<arc id=\"a\" source=\"p\" target=\"t\">"
                    "<inscription><text>0</text></inscription></arc>\n"
                    "</page></net></pnml>",
                "the weight '0' is not a positive integer", 7},
        BadPnml{"BadMarking",
                std::string(kHeader) +
                    "<place id=\"p\">\n<initialMarking><text>one</text>"
                    "</initialMarking></place>\n</page></net></pnml>",
                "the initial marking 'one' is not a non-negative integer", 5},
        BadPnml{"FinalMarkingOnUnknownPlace",
                std::string(kHeader) +
                    "<place id=\"p\"/>\n</page>\n<finalmarkings><marking>\n"
                    "<place idref=\"z\"><text>1</text></place>\n"
                    "</marking></finalmarkings></net></pnml>",
                "a final marking names 'z', which is not a place", 8},
        BadPnml{"ReferenceNode",
                std::string(kHeader) + "<referencePlace id=\"r\" ref=\"p\"/>\n"
                                       "</page></net></pnml>",
                "<referencePlace> (a reference node) is not supported", 5}),
    [](const testing::TestParamInfo<BadPnml>& param) {
      return param.param.name;
    });

TEST(PnmlTest, ThreadsReadAtOnceAndKeepTheirOwnErrors) {
  std::vector<std::thread> threads;
  std::vector<int> good(4, 0);
  std::vector<std::string> errors(4);
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([i, &good, &errors] {
      for (int k = 0; k < 20; ++k) {
        Result<PnmlNet> net =
            ReadPnml(kSharedLogs + "reference/receipt.im.pnml");
        if (net.ok() && net->net.transitions.size() == 74) ++good[i];
        Result<PnmlNet> bad = ReadPnmlString("<pnml>\n<net id=\"n\">\n</pnml>",
                                             "bad" + std::to_string(i));
        errors[i] = bad.status().message();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(good[i], 20);
    EXPECT_THAT(errors[i], HasSubstr("bad" + std::to_string(i) + ":3: "));
  }
}

TEST(PnmlTest, MissingFileIsNotFound) {
  Result<PnmlNet> pnml = ReadPnml(kTestdata + "no-such-net.pnml");
  ASSERT_FALSE(pnml.ok());
  EXPECT_EQ(pnml.status().code(), StatusCode::kNotFound);
  EXPECT_THAT(pnml.status().message(), HasSubstr("no-such-net.pnml"));
}

TEST(PnmlTest, ErrorsInAFileNameItsPath) {
  const std::string path = testing::TempDir() + "/livesop_pnml_test_bad.pnml";
  {
    std::ofstream out(path);
    out << "<pnml>\n<net id=\"n\">\n<arc source=\"a\" target=\"b\"/>\n"
           "</net>\n</pnml>\n";
  }
  Result<PnmlNet> pnml = ReadPnml(path);
  ASSERT_FALSE(pnml.ok());
  EXPECT_THAT(pnml.status().message(),
              HasSubstr(path + ":3: an arc: unknown source 'a'"));
  std::remove(path.c_str());
}

TEST(PnmlTest, WriteRejectsBrokenNetsAndReportsAFailedStream) {
  sop::PetriNet net;
  const int p = net.AddPlace("p");
  const int t = net.AddTransition("p", "clash", false);
  net.AddArc(p, t);
  std::ostringstream out;
  Status status = WritePnml(net, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("'p' is used twice"));

  net.transitions[0].id = "t";
  net.transitions[0].inputs.push_back(7);
  status = WritePnml(net, out);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("place index 7"));

  net.transitions[0].inputs.pop_back();
  std::ostringstream failed;
  failed.setstate(std::ios::badbit);
  status = WritePnml(net, failed);
  EXPECT_EQ(status.code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace livesop::mining

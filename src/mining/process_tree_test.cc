#include "mining/process_tree.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mining/test_util.h"

namespace livesop::mining {
namespace {

ProcessTree Parse(const std::string& text) {
  Result<ProcessTree> tree = ParseProcessTree(text);
  EXPECT_TRUE(tree.ok()) << text << ": " << tree.status().ToString();
  return tree.ok() ? std::move(*tree) : ProcessTree();
}

ProcessTree A(const char* label) { return ProcessTree::Activity(label); }

// ---- text form --------------------------------------------------------------

TEST(ProcessTreeTest, PrintsPm4pyNotation) {
  const ProcessTree tree = ProcessTree::Operator(
      TreeKind::kSequence,
      {A("a"),
       ProcessTree::Operator(TreeKind::kExclusiveChoice, {A("b"), A("c")}),
       ProcessTree::Tau()});
  EXPECT_EQ(ToString(tree), "->( 'a', X( 'b', 'c' ), tau )");
  EXPECT_EQ(ToString(ProcessTree::Operator(
                TreeKind::kLoop,
                {ProcessTree::Operator(TreeKind::kParallel, {A("a"), A("b")}),
                 ProcessTree::Tau()})),
            "*( +( 'a', 'b' ), tau )");
  EXPECT_EQ(ToString(A("send offer")), "'send offer'");
  EXPECT_EQ(ToString(ProcessTree::Tau()), "tau");
}

TEST(ProcessTreeTest, ParsesWhatItPrints) {
  for (const std::string text :
       {"->( 'a', X( 'b', 'c' ), tau )", "*( +( 'a', 'b' ), tau )", "'a'",
        "tau", "X( tau, *( ->( 'x y', 'z' ), X( 'p', 'q' ) ) )"}) {
    EXPECT_EQ(ToString(Parse(text)), text);
  }
  // Free whitespace and PM4Py's tau sign.
  EXPECT_EQ(ToString(Parse(" ->('a',X('b' , \xCF\x84 ))")),
            "->( 'a', X( 'b', tau ) )");
}

TEST(ProcessTreeTest, ParseErrorsSayWhere) {
  struct Case {
    const char* text;
    const char* message;
  };
  for (const Case& c : {
           Case{"->( 'a', 'b'", "offset 12: expected ',' or ')'"},
           Case{"->( 'a )", "unterminated label"},
           Case{"'a' 'b'", "offset 4: unexpected text after the tree"},
           Case{"->( )", "expected an operator, a quoted activity or tau"},
           Case{"''", "empty activity label"},
           Case{"*( 'a', 'b', 'c' )", "loop needs exactly two children"},
       }) {
    Result<ProcessTree> tree = ParseProcessTree(c.text);
    ASSERT_FALSE(tree.ok()) << c.text;
    EXPECT_EQ(tree.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(tree.status().message().find(c.message), std::string::npos)
        << c.text << ": " << tree.status().message();
  }
}

TEST(ProcessTreeTest, ValidateNamesTheBadNode) {
  ProcessTree no_children;
  no_children.kind = TreeKind::kParallel;
  const ProcessTree tree = ProcessTree::Operator(
      TreeKind::kSequence,
      {A("a"), ProcessTree::Operator(TreeKind::kExclusiveChoice,
                                     {A("b"), std::move(no_children)})});
  const Status status = ValidateProcessTree(tree);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(status.message().find("[1 1]: an operator has no children"),
            std::string::npos)
      << status.message();

  ProcessTree leaf = A("a");
  leaf.children.push_back(A("b"));
  EXPECT_NE(ValidateProcessTree(leaf).message().find("a leaf has children"),
            std::string::npos);
  EXPECT_FALSE(ValidateProcessTree(A("")).ok());
  EXPECT_TRUE(ValidateProcessTree(Parse("*( 'a', tau )")).ok());
}

// ---- fold and sort ----------------------------------------------------------

TEST(ProcessTreeTest, FoldsLikePm4py) {
  struct Case {
    const char* before;
    const char* after;
  };
  for (const Case& c : {
           Case{"X( X( 'a', 'b' ), 'c' )", "X( 'a', 'b', 'c' )"},
           Case{"->( 'a', tau, 'b' )", "->( 'a', 'b' )"},
           Case{"+( 'a', +( 'b', tau ), ->( 'c' ) )", "+( 'a', 'b', 'c' )"},
           Case{"X( tau, tau, 'a' )", "X( tau, 'a' )"},
           Case{"->( tau, tau )", "tau"},
           Case{"X( tau, X( tau, 'a' ) )", "X( tau, 'a' )"},
           Case{"*( tau, tau )", "tau"},
           Case{"*( 'a', tau )", "*( 'a', tau )"},
           Case{"->( 'a', ->( 'b', X( 'c' ) ) )", "->( 'a', 'b', 'c' )"},
           Case{"*( ->( 'a', tau ), X( 'b', X( 'c', 'd' ) ) )",
                "*( 'a', X( 'b', 'c', 'd' ) )"},
       }) {
    EXPECT_EQ(ToString(FoldProcessTree(Parse(c.before))), c.after) << c.before;
  }
}

// MD5 as numbers: a < c < d < b < e. MD5(b) + MD5(e) exceeds 2^128, so a
// 128-bit sum would wrap and put ->( 'b', 'e' ) before 'd'.
TEST(ProcessTreeTest, SortsChoicesAndParallelsByMd5Sums) {
  ProcessTree tree = Parse("X( 'b', 'e', 'a', 'c', 'd' )");
  SortProcessTree(tree);
  EXPECT_EQ(ToString(tree), "X( 'a', 'c', 'd', 'b', 'e' )");

  tree = Parse("+( ->( 'b', 'e' ), 'd', 'a' )");
  SortProcessTree(tree);
  EXPECT_EQ(ToString(tree), "+( 'a', 'd', ->( 'b', 'e' ) )");

  // Sequences and loops keep their order; tau sums to 0 and comes first.
  tree = Parse("->( 'b', 'a', X( 'c', tau ), *( 'e', 'a' ) )");
  SortProcessTree(tree);
  EXPECT_EQ(ToString(tree), "->( 'b', 'a', X( tau, 'c' ), *( 'e', 'a' ) )");
}

// ---- Petri nets -------------------------------------------------------------

// The net's arcs as "from -> to", visible transitions by their label,
// sorted.
std::multiset<std::string> Arcs(const sop::PetriNet& net) {
  std::multiset<std::string> arcs;
  for (const sop::Transition& t : net.transitions) {
    const std::string name = t.silent ? t.id : t.label;
    for (int p : t.inputs) arcs.insert(net.places[p].id + " -> " + name);
    for (int p : t.outputs) arcs.insert(name + " -> " + net.places[p].id);
  }
  return arcs;
}

sop::PetriNet SoundNet(const std::string& text) {
  Result<sop::PetriNet> net = ProcessTreeToPetriNet(Parse(text));
  EXPECT_TRUE(net.ok()) << net.status().ToString();
  if (!net.ok()) return {};
  EXPECT_EQ(net->places[net->source].id, "source");
  EXPECT_EQ(net->places[net->sink].id, "sink");
  EXPECT_EQ(net->initial[net->source], 1);
  EXPECT_EQ(net->final[net->sink], 1);
  const sop::SoundnessReport report = sop::CheckSoundness(*net);
  EXPECT_TRUE(report.sound()) << text;
  return std::move(*net);
}

TEST(ProcessTreeNetTest, SingleActivity) {
  const sop::PetriNet net = SoundNet("'a'");
  EXPECT_EQ(Arcs(net),
            (std::multiset<std::string>{"source -> a", "a -> sink"}));
}

// A root choice needs a silent step after the source and before the sink.
TEST(ProcessTreeNetTest, Choice) {
  const sop::PetriNet net = SoundNet("X( 'a', 'b' )");
  EXPECT_EQ(Arcs(net),
            (std::multiset<std::string>{
                "source -> tau_1", "tau_1 -> p_3", "p_3 -> a", "p_3 -> b",
                "a -> p_4", "b -> p_4", "p_4 -> tau_2", "tau_2 -> sink"}));
}

// The split fuses into the silent start step; the final silent step into
// the join.
TEST(ProcessTreeNetTest, Parallel) {
  const sop::PetriNet net = SoundNet("+( 'a', 'b' )");
  EXPECT_EQ(Arcs(net),
            (std::multiset<std::string>{
                "source -> tau_1", "tau_1 -> p_5", "tau_1 -> p_7", "p_5 -> a",
                "a -> p_6", "p_7 -> b", "b -> p_8", "p_6 -> tauJoin_4",
                "p_8 -> tauJoin_4", "tauJoin_4 -> sink"}));
}

// Entering and repeating the loop fuse away; leaving it stays silent.
TEST(ProcessTreeNetTest, Loop) {
  const sop::PetriNet net = SoundNet("*( 'a', 'b' )");
  EXPECT_EQ(Arcs(net),
            (std::multiset<std::string>{
                "source -> tau_1", "tau_1 -> p_5", "p_5 -> a", "a -> p_6",
                "p_6 -> b", "b -> p_5", "p_6 -> skip_5", "skip_5 -> sink"}));
}

// PM4Py's own net for its tree of the running example
// (../shared/data/logs/reference/running-example.im.pnml), arc by arc:
// place and silent transition ids included.
TEST(ProcessTreeNetTest, MatchesPm4pyRunningExampleNet) {
  const sop::PetriNet net = SoundNet(
      "->( 'register request', *( ->( +( 'check ticket', X( 'examine "
      "thoroughly', 'examine casually' ) ), 'decide' ), 'reinitiate request' "
      "), X( 'reject request', 'pay compensation' ) )");
  std::ifstream file(kSharedLogs + "reference/running-example.im.pnml");
  std::stringstream buffer;
  buffer << file.rdbuf();
  const std::string pnml = buffer.str();
  // Transition id -> name (the label, or the id of a silent one).
  std::map<std::string, std::string> names;
  for (size_t at = pnml.find("<transition id=\""); at != std::string::npos;
       at = pnml.find("<transition id=\"", at + 1)) {
    const size_t id_begin = at + 16;
    const std::string id =
        pnml.substr(id_begin, pnml.find('"', id_begin) - id_begin);
    const size_t text = pnml.find("<text>", at) + 6;
    names[id] = pnml.substr(text, pnml.find("</text>", text) - text);
  }
  std::multiset<std::string> expected;
  for (size_t at = pnml.find("<arc id="); at != std::string::npos;
       at = pnml.find("<arc id=", at + 1)) {
    auto attribute = [&](const std::string& key) {
      const size_t begin = pnml.find(key + "=\"", at) + key.size() + 2;
      const std::string value =
          pnml.substr(begin, pnml.find('"', begin) - begin);
      return names.count(value) ? names[value] : value;
    };
    expected.insert(attribute("source") + " -> " + attribute("target"));
  }
  ASSERT_EQ(expected.size(), 22u);
  EXPECT_EQ(Arcs(net), expected);
}

// Every shape the converter handles gives a sound workflow net.
class SoundNetTest : public testing::TestWithParam<std::string> {};

TEST_P(SoundNetTest, IsSound) { SoundNet(GetParam()); }

INSTANTIATE_TEST_SUITE_P(
    Trees, SoundNetTest,
    testing::Values(
        "tau", "->( 'a', 'b', 'c' )", "X( tau, 'a' )",
        "->( 'a', X( 'b', 'c' ), tau )", "*( 'a', tau )", "*( tau, 'a' )",
        "*( X( 'a', 'b', 'c' ), tau )", "->( *( 'a', 'b' ), 'c' )",
        "->( 'a', *( 'b', 'c' ) )", "+( *( 'a', tau ), 'b', X( tau, 'c' ) )",
        "*( *( 'a', 'b' ), *( 'c', tau ) )",
        "X( *( 'a', 'b' ), +( 'c', 'd' ) )",
        "->( +( ->( 'a', *( 'b', tau ) ), X( 'c', tau ) ), *( 'd', +( 'e', "
        "'f' ) ) )",
        "+( ->( X( tau, 'a' ), *( ->( 'b', X( 'c', tau ) ), 'd' ) ), 'e' )"));

TEST(ProcessTreeNetTest, RejectsInvalidTrees) {
  ProcessTree loop;
  loop.kind = TreeKind::kLoop;
  loop.children = {A("a")};
  EXPECT_EQ(ProcessTreeToPetriNet(loop).status().code(),
            StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace livesop::mining

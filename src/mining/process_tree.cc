#include "mining/process_tree.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <utility>

namespace livesop::mining {
namespace {

bool IsOperator(TreeKind kind) {
  return kind != TreeKind::kActivity && kind != TreeKind::kTau;
}

std::string_view OperatorText(TreeKind kind) {
  switch (kind) {
    case TreeKind::kSequence:
      return "->";
    case TreeKind::kExclusiveChoice:
      return "X";
    case TreeKind::kParallel:
      return "+";
    case TreeKind::kLoop:
      return "*";
    case TreeKind::kActivity:
    case TreeKind::kTau:
      break;
  }
  return "";
}

void AppendTree(const ProcessTree& tree, std::string& out) {
  switch (tree.kind) {
    case TreeKind::kActivity:
      out += '\'';
      out += tree.label;
      out += '\'';
      return;
    case TreeKind::kTau:
      out += "tau";
      return;
    default:
      break;
  }
  out += OperatorText(tree.kind);
  out += "( ";
  for (size_t i = 0; i < tree.children.size(); ++i) {
    if (i > 0) out += ", ";
    AppendTree(tree.children[i], out);
  }
  out += " )";
}

// ---- parsing ---------------------------------------------------------------

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<ProcessTree> Parse() {
    LIVESOP_ASSIGN_OR_RETURN(ProcessTree tree, Node(0));
    SkipSpace();
    if (pos_ != text_.size()) return Error("unexpected text after the tree");
    return tree;
  }

 private:
  static constexpr int kMaxDepth = 1000;

  Status Error(std::string_view what) const {
    return InvalidArgumentError("process tree, offset " + std::to_string(pos_) +
                                ": " + std::string(what));
  }

  void SkipSpace() {
    while (pos_ < text_.size() &&
           (text_[pos_] == ' ' || text_[pos_] == '\t' || text_[pos_] == '\n' ||
            text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Consume(std::string_view token) {
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }

  // The operator starting at pos_ when it is followed by "(".
  bool ConsumeOperator(TreeKind& kind) {
    const size_t start = pos_;
    for (TreeKind k : {TreeKind::kSequence, TreeKind::kExclusiveChoice,
                       TreeKind::kParallel, TreeKind::kLoop}) {
      if (Consume(OperatorText(k))) {
        SkipSpace();
        if (Consume("(")) {
          kind = k;
          return true;
        }
        pos_ = start;
      }
    }
    return false;
  }

  Result<ProcessTree> Node(int depth) {
    if (depth > kMaxDepth) return Error("tree nested too deeply");
    SkipSpace();
    TreeKind kind = TreeKind::kTau;
    if (ConsumeOperator(kind)) {
      ProcessTree tree;
      tree.kind = kind;
      while (true) {
        LIVESOP_ASSIGN_OR_RETURN(ProcessTree child, Node(depth + 1));
        tree.children.push_back(std::move(child));
        SkipSpace();
        if (Consume(",")) continue;
        if (Consume(")")) break;
        return Error("expected ',' or ')'");
      }
      return tree;
    }
    if (Consume("'")) {
      const size_t end = text_.find('\'', pos_);
      if (end == std::string_view::npos) return Error("unterminated label");
      std::string label(text_.substr(pos_, end - pos_));
      pos_ = end + 1;
      if (label.empty()) return Error("empty activity label");
      return ProcessTree::Activity(std::move(label));
    }
    if (Consume("tau") || Consume("\xCF\x84")) return ProcessTree::Tau();
    return Error("expected an operator, a quoted activity or tau");
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Status Validate(const ProcessTree& tree, std::string& path) {
  auto fail = [&](std::string_view what) {
    return InvalidArgumentError("process tree node [" + path +
                                "]: " + std::string(what));
  };
  if (!IsOperator(tree.kind)) {
    if (!tree.children.empty()) return fail("a leaf has children");
    if (tree.kind == TreeKind::kActivity && tree.label.empty()) {
      return fail("an activity has an empty label");
    }
    return OkStatus();
  }
  if (tree.children.empty()) return fail("an operator has no children");
  if (tree.kind == TreeKind::kLoop && tree.children.size() != 2) {
    return fail("a loop needs exactly two children (do, redo)");
  }
  for (size_t i = 0; i < tree.children.size(); ++i) {
    const size_t length = path.size();
    if (!path.empty()) path += ' ';
    path += std::to_string(i);
    LIVESOP_RETURN_IF_ERROR(Validate(tree.children[i], path));
    path.resize(length);
  }
  return OkStatus();
}

// ---- fold ------------------------------------------------------------------

bool IsTauLeaf(const ProcessTree& tree) { return tree.kind == TreeKind::kTau; }

// PM4Py's reduce_tau_leafs: taus that add nothing go. In a sequence or
// parallel with other children every tau goes; a choice keeps one; a node
// of taus only keeps one (a loop of two taus keeps one, and the fold then
// replaces it by that tau).
void ReduceTauLeaves(ProcessTree& tree) {
  if (tree.children.empty()) return;
  for (ProcessTree& child : tree.children) ReduceTauLeaves(child);
  const size_t silents = static_cast<size_t>(
      std::count_if(tree.children.begin(), tree.children.end(), IsTauLeaf));
  if (silents == 0) return;
  auto keep_last_tau = [&] {
    size_t left = silents;
    for (size_t i = 0; i < tree.children.size() && left > 1;) {
      if (IsTauLeaf(tree.children[i])) {
        tree.children.erase(tree.children.begin() + static_cast<long>(i));
        --left;
      } else {
        ++i;
      }
    }
  };
  if (silents == tree.children.size()) {
    if (tree.kind == TreeKind::kLoop) {
      if (tree.children.size() == 2) tree.children.pop_back();
    } else {
      keep_last_tau();
    }
    return;
  }
  if (tree.kind == TreeKind::kSequence || tree.kind == TreeKind::kParallel) {
    std::erase_if(tree.children, IsTauLeaf);
  } else if (tree.kind == TreeKind::kExclusiveChoice) {
    keep_last_tau();
  }
}

// PM4Py's _fold, one pass. Returns false when the node vanishes (an
// operator left without children).
bool FoldStep(ProcessTree& tree) {
  ReduceTauLeaves(tree);
  if (tree.children.empty()) return true;
  std::vector<ProcessTree> kept;
  kept.reserve(tree.children.size());
  for (ProcessTree& child : tree.children) {
    if (FoldStep(child)) kept.push_back(std::move(child));
  }
  tree.children = std::move(kept);
  if (tree.children.empty()) return false;
  if (tree.children.size() == 1) {
    ProcessTree only = std::move(tree.children.front());
    tree = std::move(only);
    return true;
  }
  if (tree.kind == TreeKind::kSequence || tree.kind == TreeKind::kParallel) {
    std::erase_if(tree.children, IsTauLeaf);
    if (tree.children.empty()) {
      tree = ProcessTree::Tau();
      return true;
    }
  }
  if (tree.kind == TreeKind::kSequence ||
      tree.kind == TreeKind::kExclusiveChoice ||
      tree.kind == TreeKind::kParallel) {
    std::vector<ProcessTree> flat;
    flat.reserve(tree.children.size());
    for (ProcessTree& child : tree.children) {
      if (child.kind == tree.kind) {
        for (ProcessTree& grandchild : child.children) {
          flat.push_back(std::move(grandchild));
        }
      } else {
        flat.push_back(std::move(child));
      }
    }
    tree.children = std::move(flat);
  }
  return true;
}

// ---- sort ------------------------------------------------------------------

// A sum of 128-bit numbers, wide enough not to overflow: limbs low first.
struct WideSum {
  std::array<uint64_t, 3> limbs{};

  void Add(const WideSum& other) {
    uint64_t carry = 0;
    for (size_t i = 0; i < limbs.size(); ++i) {
      const uint64_t partial = limbs[i] + other.limbs[i];
      const uint64_t carry_a = partial < limbs[i] ? 1 : 0;
      limbs[i] = partial + carry;
      const uint64_t carry_b = limbs[i] < partial ? 1 : 0;
      carry = carry_a + carry_b;
    }
  }
  friend bool operator<(const WideSum& a, const WideSum& b) {
    return std::lexicographical_compare(a.limbs.rbegin(), a.limbs.rend(),
                                        b.limbs.rbegin(), b.limbs.rend());
  }
};

// The MD5 digest of `text` read as a big-endian 128-bit number, as Python's
// int(hashlib.md5(text).hexdigest(), 16).
WideSum Md5Number(std::string_view text) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int size = 0;
  WideSum sum;
  if (EVP_Digest(text.data(), text.size(), digest.data(), &size, EVP_md5(),
                 nullptr) != 1 ||
      size != 16) {
    return sum;  // unreachable with a working libcrypto; order stays stable
  }
  for (size_t i = 0; i < 8; ++i) {
    sum.limbs[1] = (sum.limbs[1] << 8) | digest[i];
    sum.limbs[0] = (sum.limbs[0] << 8) | digest[i + 8];
  }
  return sum;
}

WideSum SortAndSum(ProcessTree& tree) {
  WideSum total;
  std::vector<WideSum> sums;
  sums.reserve(tree.children.size());
  for (ProcessTree& child : tree.children) {
    sums.push_back(SortAndSum(child));
    total.Add(sums.back());
  }
  if (tree.kind == TreeKind::kActivity) total.Add(Md5Number(tree.label));
  if (tree.kind == TreeKind::kExclusiveChoice ||
      tree.kind == TreeKind::kParallel) {
    std::vector<size_t> order(tree.children.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return sums[a] < sums[b]; });
    std::vector<ProcessTree> sorted;
    sorted.reserve(order.size());
    for (size_t i : order) sorted.push_back(std::move(tree.children[i]));
    tree.children = std::move(sorted);
  }
  return total;
}

// ---- Petri net -------------------------------------------------------------

// A net under construction, with arcs that can be removed, as PM4Py's
// conversion and reduction need.
class NetBuilder {
 public:
  // What a subtree attaches to: nothing (a new place), a place or a
  // transition (a new place linked to it).
  struct Entity {
    enum Kind { kNone, kPlace, kTransition } kind = kNone;
    int index = -1;
  };
  static Entity None() { return {}; }
  static Entity Place(int p) { return {Entity::kPlace, p}; }
  static Entity Transition(int t) { return {Entity::kTransition, t}; }

  sop::PetriNet Build(const ProcessTree& tree) {
    source_ = NewPlace();
    places_[static_cast<size_t>(source_)].id = "source";
    sink_ = NewPlace();
    places_[static_cast<size_t>(sink_)].id = "sink";
    int initial = source_;
    int final = sink_;
    if (CheckInitialLoop(tree) || LoopToFirst(tree) || IsSplit(tree)) {
      initial = NewPlace();
      const int tau = NewHidden("tau");
      ArcToTransition(source_, tau);
      ArcToPlace(tau, initial);
    }
    if (CheckTerminalLoop(tree) || LoopToLast(tree) || IsSplit(tree)) {
      final = NewPlace();
      const int tau = NewHidden("tau");
      ArcToTransition(final, tau);
      ArcToPlace(tau, sink_);
    }
    Add(tree, Place(initial), Place(final));
    ReduceSingleEntryTransitions();
    ReduceSingleExitTransitions();
    RemoveDanglingPlaces();
    return Finish();
  }

 private:
  struct Node {
    std::string id;
    std::string label;  // transitions: the activity; empty when silent
    bool silent = false;
    bool alive = true;
    std::vector<int> in, out;  // arc indices
  };
  struct Arc {
    int from = 0;  // a place index when to_transition, else a transition's
    int to = 0;
    bool to_transition = true;
    bool alive = true;
  };

  static bool IsSplit(const ProcessTree& tree) {
    return tree.kind == TreeKind::kExclusiveChoice ||
           tree.kind == TreeKind::kParallel;
  }
  // PM4Py's check_terminal_loop: the rightmost chain of operators holds a
  // loop.
  static bool CheckTerminalLoop(const ProcessTree& tree) {
    if (tree.children.empty()) return false;
    const ProcessTree& last = tree.children.back();
    if (!IsOperator(last.kind)) return false;
    return last.kind == TreeKind::kLoop || CheckTerminalLoop(last);
  }
  // PM4Py's check_initial_loop: the first child is a loop, or (as PM4Py
  // has it) the first child's rightmost chain holds one.
  static bool CheckInitialLoop(const ProcessTree& tree) {
    if (tree.children.empty()) return false;
    const ProcessTree& first = tree.children.front();
    if (!IsOperator(first.kind)) return false;
    return first.kind == TreeKind::kLoop || CheckTerminalLoop(first);
  }
  static bool LoopToFirst(const ProcessTree& tree) {
    if (tree.kind == TreeKind::kLoop) return true;
    return !tree.children.empty() && LoopToFirst(tree.children.front());
  }
  static bool LoopToLast(const ProcessTree& tree) {
    if (tree.kind == TreeKind::kLoop) return true;
    return !tree.children.empty() && LoopToLast(tree.children.back());
  }

  int NewPlace() {
    ++num_places_;
    Node node;
    node.id = "p_" + std::to_string(num_places_);
    places_.push_back(std::move(node));
    return static_cast<int>(places_.size()) - 1;
  }
  int NewHidden(std::string_view type) {
    ++num_hidden_;
    Node node;
    node.id = std::string(type) + "_" + std::to_string(num_hidden_);
    node.silent = true;
    transitions_.push_back(std::move(node));
    return static_cast<int>(transitions_.size()) - 1;
  }
  int NewVisible(const std::string& label) {
    ++num_visible_;
    Node node;
    node.id = "t" + std::to_string(num_visible_);
    node.label = label;
    transitions_.push_back(std::move(node));
    return static_cast<int>(transitions_.size()) - 1;
  }
  Node& place(int p) { return places_[static_cast<size_t>(p)]; }
  Node& transition(int t) { return transitions_[static_cast<size_t>(t)]; }

  void ArcToTransition(int p, int t) {
    const int a = static_cast<int>(arcs_.size());
    arcs_.push_back({p, t, true, true});
    place(p).out.push_back(a);
    transition(t).in.push_back(a);
  }
  void ArcToPlace(int t, int p) {
    const int a = static_cast<int>(arcs_.size());
    arcs_.push_back({t, p, false, true});
    transition(t).out.push_back(a);
    place(p).in.push_back(a);
  }
  void RemoveArc(int a) {
    Arc& arc = arcs_[static_cast<size_t>(a)];
    if (!arc.alive) return;
    arc.alive = false;
    auto drop = [a](std::vector<int>& list) { std::erase(list, a); };
    if (arc.to_transition) {
      drop(place(arc.from).out);
      drop(transition(arc.to).in);
    } else {
      drop(transition(arc.from).out);
      drop(place(arc.to).in);
    }
  }
  void RemoveTransition(int t) {
    Node& node = transition(t);
    for (int a : std::vector<int>(node.in)) RemoveArc(a);
    for (int a : std::vector<int>(node.out)) RemoveArc(a);
    node.alive = false;
  }
  void RemovePlace(int p) {
    Node& node = place(p);
    for (int a : std::vector<int>(node.in)) RemoveArc(a);
    for (int a : std::vector<int>(node.out)) RemoveArc(a);
    node.alive = false;
  }

  // PM4Py's recursively_add_tree; returns the subtree's final place.
  int Add(const ProcessTree& tree, Entity initial, Entity final) {
    int initial_place = initial.index;
    if (initial.kind == Entity::kTransition) {
      initial_place = NewPlace();
      ArcToPlace(initial.index, initial_place);
    }
    int final_place = final.index;
    if (final.kind != Entity::kPlace) {
      final_place = NewPlace();
      if (final.kind == Entity::kTransition) {
        ArcToTransition(final_place, final.index);
      }
    }
    switch (tree.kind) {
      case TreeKind::kActivity:
      case TreeKind::kTau: {
        const int t = tree.kind == TreeKind::kTau ? NewHidden("skip")
                                                  : NewVisible(tree.label);
        ArcToTransition(initial_place, t);
        ArcToPlace(t, final_place);
        break;
      }
      case TreeKind::kExclusiveChoice:
        for (const ProcessTree& child : tree.children) {
          Add(child, Place(initial_place), Place(final_place));
        }
        break;
      case TreeKind::kParallel: {
        const int split = NewHidden("tauSplit");
        ArcToTransition(initial_place, split);
        const int join = NewHidden("tauJoin");
        ArcToPlace(join, final_place);
        for (const ProcessTree& child : tree.children) {
          Add(child, Transition(split), Transition(join));
        }
        break;
      }
      case TreeKind::kSequence: {
        int intermediate = initial_place;
        for (size_t i = 0; i < tree.children.size(); ++i) {
          intermediate =
              Add(tree.children[i], Place(intermediate),
                  i + 1 == tree.children.size() ? Place(final_place) : None());
        }
        break;
      }
      case TreeKind::kLoop: {
        const int loop_start = NewPlace();
        const int init_loop = NewHidden("init_loop");
        ArcToTransition(initial_place, init_loop);
        ArcToPlace(init_loop, loop_start);
        const int loop = NewHidden("loop");
        const int after_do = Add(tree.children[0], Place(loop_start), None());
        const int after_redo = Add(tree.children[1], Place(after_do), None());
        Add(ProcessTree::Tau(), Place(after_do), Place(final_place));
        ArcToTransition(after_redo, loop);
        ArcToPlace(loop, loop_start);
        break;
      }
    }
    return final_place;
  }

  // A silent transition whose only input place has only it as output and
  // only one producer: the producer takes over its outputs.
  void ReduceSingleEntryTransitions() {
    for (bool changed = true; changed;) {
      changed = false;
      for (int t = 0; t < static_cast<int>(transitions_.size()); ++t) {
        const Node& node = transition(t);
        if (!node.alive || !node.silent || node.in.size() != 1) continue;
        const int p = arcs_[static_cast<size_t>(node.in[0])].from;
        if (place(p).in.size() != 1 || place(p).out.size() != 1) continue;
        const int producer = arcs_[static_cast<size_t>(place(p).in[0])].from;
        if (producer == t) continue;
        std::vector<int> targets;
        for (int a : node.out)
          targets.push_back(arcs_[static_cast<size_t>(a)].to);
        RemoveTransition(t);
        RemovePlace(p);
        for (int q : targets) ArcToPlace(producer, q);
        changed = true;
        break;
      }
    }
  }

  // A silent transition whose only output place has only it as input and
  // only one consumer: the consumer takes over its inputs.
  void ReduceSingleExitTransitions() {
    for (bool changed = true; changed;) {
      changed = false;
      for (int t = 0; t < static_cast<int>(transitions_.size()); ++t) {
        const Node& node = transition(t);
        if (!node.alive || !node.silent || node.out.size() != 1) continue;
        const int p = arcs_[static_cast<size_t>(node.out[0])].to;
        if (place(p).in.size() != 1 || place(p).out.size() != 1) continue;
        const int consumer = arcs_[static_cast<size_t>(place(p).out[0])].to;
        if (consumer == t) continue;
        std::vector<int> sources;
        for (int a : node.in)
          sources.push_back(arcs_[static_cast<size_t>(a)].from);
        RemoveTransition(t);
        RemovePlace(p);
        for (int q : sources) ArcToTransition(q, consumer);
        changed = true;
        break;
      }
    }
  }

  void RemoveDanglingPlaces() {
    for (int p = 0; p < static_cast<int>(places_.size()); ++p) {
      if (place(p).alive && place(p).out.empty() && p != sink_) RemovePlace(p);
      if (place(p).alive && place(p).in.empty() && p != source_) {
        RemovePlace(p);
      }
    }
  }

  sop::PetriNet Finish() {
    sop::PetriNet net;
    net.id = "process_tree";
    std::vector<int> place_index(places_.size(), -1);
    for (size_t p = 0; p < places_.size(); ++p) {
      if (!places_[p].alive) continue;
      place_index[p] = net.AddPlace(places_[p].id, places_[p].id);
    }
    std::vector<int> transition_index(transitions_.size(), -1);
    for (size_t t = 0; t < transitions_.size(); ++t) {
      if (!transitions_[t].alive) continue;
      transition_index[t] = net.AddTransition(
          transitions_[t].id, transitions_[t].label, transitions_[t].silent);
    }
    for (const Arc& arc : arcs_) {
      if (!arc.alive) continue;
      if (arc.to_transition) {
        net.AddArc(place_index[static_cast<size_t>(arc.from)],
                   transition_index[static_cast<size_t>(arc.to)]);
      } else {
        net.AddArc(transition_index[static_cast<size_t>(arc.from)],
                   place_index[static_cast<size_t>(arc.to)], true);
      }
    }
    net.source = place_index[static_cast<size_t>(source_)];
    net.sink = place_index[static_cast<size_t>(sink_)];
    net.initial[static_cast<size_t>(net.source)] = 1;
    net.final[static_cast<size_t>(net.sink)] = 1;
    return net;
  }

  std::vector<Node> places_;
  std::vector<Node> transitions_;
  std::vector<Arc> arcs_;
  int num_places_ = 0;
  int num_hidden_ = 0;
  int num_visible_ = 0;
  int source_ = -1;
  int sink_ = -1;
};

}  // namespace

ProcessTree ProcessTree::Activity(std::string label) {
  ProcessTree tree;
  tree.kind = TreeKind::kActivity;
  tree.label = std::move(label);
  return tree;
}

ProcessTree ProcessTree::Tau() { return ProcessTree(); }

ProcessTree ProcessTree::Operator(TreeKind kind,
                                  std::vector<ProcessTree> children) {
  ProcessTree tree;
  tree.kind = kind;
  tree.children = std::move(children);
  return tree;
}

std::string ToString(const ProcessTree& tree) {
  std::string out;
  AppendTree(tree, out);
  return out;
}

Result<ProcessTree> ParseProcessTree(std::string_view text) {
  LIVESOP_ASSIGN_OR_RETURN(ProcessTree tree, Parser(text).Parse());
  LIVESOP_RETURN_IF_ERROR(ValidateProcessTree(tree));
  return tree;
}

Status ValidateProcessTree(const ProcessTree& tree) {
  std::string path;
  return Validate(tree, path);
}

ProcessTree FoldProcessTree(ProcessTree tree) {
  std::string before;
  do {
    before = ToString(tree);
    if (!FoldStep(tree)) tree = ProcessTree::Tau();
    ReduceTauLeaves(tree);
  } while (ToString(tree) != before);
  return tree;
}

void SortProcessTree(ProcessTree& tree) { SortAndSum(tree); }

Result<sop::PetriNet> ProcessTreeToPetriNet(const ProcessTree& tree) {
  LIVESOP_RETURN_IF_ERROR(ValidateProcessTree(tree));
  return NetBuilder().Build(tree);
}

}  // namespace livesop::mining

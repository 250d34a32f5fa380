#include "mining/model_render.h"

#include <cstdio>
#include <sstream>

#include "mining/internal/dot.h"
#include "sop/render.h"

namespace livesop::mining {
namespace {

int TokensAt(const sop::Marking& marking, size_t place) {
  return place < marking.size() ? marking[place] : 0;
}

}  // namespace

std::string PetriNetToDot(const sop::PetriNet& net) {
  std::ostringstream dot;
  dot << "digraph net {\n  rankdir=LR;\n"
      << "  node [fontname=\"Helvetica\", fontsize=10];\n";
  for (size_t p = 0; p < net.places.size(); ++p) {
    const int tokens = TokensAt(net.initial, p);
    const bool final = TokensAt(net.final, p) > 0;
    dot << "  p" << p << " [shape=" << (final ? "doublecircle" : "circle")
        << ", width=0.3, fixedsize=true, label="
        << internal::DotQuote(tokens == 0   ? ""
                              : tokens == 1 ? "●"
                                            : std::to_string(tokens))
        << ", tooltip=" << internal::DotQuote(net.places[p].id) << "];\n";
  }
  for (size_t t = 0; t < net.transitions.size(); ++t) {
    const sop::Transition& transition = net.transitions[t];
    if (transition.silent) {
      dot << "  t" << t
          << " [shape=box, style=filled, fillcolor=black, label=\"\", "
             "width=0.12, height=0.4, tooltip="
          << internal::DotQuote(transition.id) << "];\n";
    } else {
      dot << "  t" << t << " [shape=box, style=rounded, label="
          << internal::DotQuote(transition.label) << "];\n";
    }
    for (int p : transition.inputs) dot << "  p" << p << " -> t" << t << ";\n";
    for (int p : transition.outputs) dot << "  t" << t << " -> p" << p << ";\n";
  }
  dot << "}\n";
  return dot.str();
}

std::string HeuristicsNetToDot(const HeuristicsNet& net) {
  std::ostringstream dot;
  dot << "digraph heuristics {\n  rankdir=TB;\n"
      << "  node [shape=box, style=rounded, fontname=\"Helvetica\", "
         "fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=9];\n";
  for (const HeuristicsNode& node : net.nodes) {
    dot << "  a" << node.activity << " [label="
        << internal::DotQuote(node.name + "\n" + std::to_string(node.count))
        << "];\n";
  }
  for (const HeuristicsEdge& edge : net.edges) {
    char label[48];
    std::snprintf(label, sizeof(label), "%.3f (%lld)", edge.dependency,
                  static_cast<long long>(edge.count));
    dot << "  a" << edge.source << " -> a" << edge.target
        << " [label=" << internal::DotQuote(label) << "];\n";
  }
  dot << "}\n";
  return dot.str();
}

Result<std::string> PetriNetToSvg(const sop::PetriNet& net) {
  return sop::LayoutDotSvg(PetriNetToDot(net));
}

Result<std::string> HeuristicsNetToSvg(const HeuristicsNet& net) {
  return sop::LayoutDotSvg(HeuristicsNetToDot(net));
}

}  // namespace livesop::mining

// PNML (ISO/IEC 15909-2) import and export of place/transition nets, in the
// flavour PM4Py and ProM write: one net, its nodes on pages, silent
// transitions marked by a ProM tool-specific element, arc weights as
// inscriptions, the initial marking on the places and the final markings in
// a <finalmarkings> element after the pages.
//
// The net read is the project's sop::PetriNet, so conformance checking
// (token_replay.h, alignments.h) runs on the same type the SOP compiler
// produces.
#ifndef LIVESOP_MINING_PNML_H_
#define LIVESOP_MINING_PNML_H_

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "sop/petri_net.h"

namespace livesop::mining {

// A net read from PNML.
//
// `net.initial` holds the initial marking (the places' <initialMarking>)
// and `net.final` the first final marking; `final_markings` holds every
// <marking> of <finalmarkings>, in file order. A file without final
// markings gets PM4Py's guess, one token on every place without outgoing
// arcs, with `final_marking_guessed` set. `net.source` / `net.sink` are the
// place of a one-token initial / final marking, or -1.
//
// Places keep their PNML id in `id` and their <name> text in `name` (the id
// when there is none). A transition's `label` is its <name> text; a
// transition is silent (empty label, `silent` set) when it carries
// <toolspecific tool="ProM" activity="$invisible$"/> or has no name text.
// (PM4Py labels a nameless transition with its id instead.) An arc of weight
// w lists its place w times in the transition's `inputs` or `outputs`.
struct PnmlNet {
  sop::PetriNet net;
  std::string name;  // the net's <name> text, or "" when absent
  std::vector<sop::Marking> final_markings;
  bool final_marking_guessed = false;
};

// Reads the first net of the PNML file at `path`. Nodes may sit on nested
// pages or directly in the net. Errors (InvalidArgument, or NotFound when the
// file cannot be opened) name the file and line and what is wrong: XML that
// is not well-formed, a root other than <pnml>, no <net>, a node without an
// id or with an id used twice, an arc whose source or target is unknown or
// joins two nodes of the same kind, an inscription or marking that is not a
// non-negative integer (weights must be at least 1), reference nodes (not
// supported). No external entity or DTD is fetched.
//
// Thread safety: safe to call from several threads at once.
Result<PnmlNet> ReadPnml(const std::string& path);

// The same for PNML held in memory; errors name `name` as the file.
Result<PnmlNet> ReadPnmlString(std::string_view pnml,
                               const std::string& name = "<string>");

// Writes `net` with its initial marking `net.initial` and its final marking
// `net.final` (omitted when empty) as PNML in PM4Py's layout: one page "n0",
// places with <name> and <initialMarking>, transitions with <name> (a silent
// transition's name is its id, plus the ProM $invisible$ marker), arcs with
// an <inscription> when the weight is above 1 (a visible transition with an
// empty label reads back as silent). Ids are written as they are;
// a net whose place or transition ids are empty or repeated, or whose arcs
// or markings name places that do not exist, is InvalidArgument. A failed
// stream is DataLoss.
Status WritePnml(const sop::PetriNet& net, std::ostream& out);

// The same, writing every marking of `pnml.final_markings` (the net's own
// `final` when that list is empty) and the net's name.
Status WritePnml(const PnmlNet& pnml, std::ostream& out);

}  // namespace livesop::mining

#endif  // LIVESOP_MINING_PNML_H_

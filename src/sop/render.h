// The manual renderer: turns a Definition into the department's SOP manual,
// as Markdown (with process diagrams as SVG files beside it) or as one
// self-contained HTML document (diagrams inlined). The manual's structure
// echoes a classic marketing SOP manual: overview, process catalogue,
// organisation, one section per process with its diagram and steps, the
// approval matrix, RACI, SLAs and escalations, templates, channels,
// checklists, calendar, communication, automations and the changelog.
//
// Output is deterministic (stable order, no timestamps), so it can be golden
// tested. Diagram layout depends on the Graphviz build and its fonts.
//
// Safety: text from the SOP is escaped where it must stay literal (names,
// table cells) and kept as Markdown where the format says free text is
// Markdown (descriptions, purposes), but never as raw HTML: the HTML manual
// is rendered by cmark-gfm in safe mode, and the only markup inserted after
// rendering is the SVG that Graphviz produced from escaped labels.
#ifndef LIVESOP_SOP_RENDER_H_
#define LIVESOP_SOP_RENDER_H_

#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "sop/model.h"

namespace livesop::sop {

enum class ManualFormat { kMarkdown, kHtml };

struct RenderOptions {
  // Markdown (default) for review in a repository, or HTML for people who
  // read the manual in a browser.
  ManualFormat format = ManualFormat::kMarkdown;
  // Default true: draw one diagram per process. In Markdown the diagrams are
  // image links to SVG files returned in RenderedManual::files; in HTML they
  // are inlined. False skips Graphviz entirely (faster, no image files).
  bool diagrams = true;
};

struct RenderedManual {
  // The Markdown or the HTML document.
  std::string text;
  // Extra files to write beside a Markdown manual, as (relative path,
  // content), for example ("diagrams/campaign-delivery.svg", "<?xml …").
  // Paths contain only [A-Za-z0-9_-./] and never "..". Empty for HTML.
  std::vector<std::pair<std::string, std::string>> files;
};

// Returns the Graphviz DOT text of the diagram of `process`: a start circle,
// one node per step shaped by its type, the implicit end when a step routes
// to "end", lanes (clusters) per responsible role, and edges labelled with
// approval outcomes and branch conditions. Deterministic.
std::string RenderProcessDot(const Definition& def, const Process& process);

// Lays out RenderProcessDot(def, process) with Graphviz's dot layout and
// returns the SVG element, starting at "<svg" (the XML declaration, DOCTYPE
// and generator comments are stripped). Returns an Internal error when
// Graphviz fails. Graphviz keeps global state, so calls are serialised by a
// process-wide mutex.
Result<std::string> RenderProcessSvg(const Definition& def,
                                     const Process& process);

// Lays out a Graphviz DOT graph with `dot` and returns the `<svg>` element
// (no XML declaration). InternalError with Graphviz's messages when the
// text does not parse or cannot be laid out. Thread-safe: calls are
// serialised, as Graphviz is not reentrant.
Result<std::string> LayoutDotSvg(const std::string& dot);

// Renders the whole manual in `options.format`. Fails only when a diagram
// cannot be drawn or cmark-gfm fails; the definition need not be valid
// (unknown references are shown as their ids).
Result<RenderedManual> RenderManual(const Definition& def,
                                    const RenderOptions& options);

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_RENDER_H_

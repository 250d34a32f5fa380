// PNML through libxml2: the file is small (a model, not a log), so it is
// parsed into a tree and walked; the writer uses libxml2's text writer, which
// escapes ids and labels.
#include "mining/pnml.h"

#include <libxml/globals.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xmlstring.h>
#include <libxml/xmlversion.h>
#include <libxml/xmlwriter.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <ostream>
#include <sstream>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace livesop::mining {
namespace {

// The error parameter of a structured error handler gained `const` in
// libxml2 2.12; Debian 12 has 2.9.
#if LIBXML_VERSION >= 21200
using XmlErrorArg = const xmlError*;
#else
using XmlErrorArg = xmlError*;
#endif

// libxml2's lazy initialisation is not safe when two threads start parsing
// at the same moment.
void InitLibXml() {
  static std::once_flag once;
  std::call_once(once, [] { xmlInitParser(); });
}

void IgnoreGeneric(void* /*context*/, const char* /*format*/, ...) {}

// While alive, collects libxml2's errors on this thread (its handlers are
// per thread) instead of letting it print them, and keeps the first.
class XmlErrorCollector {
 public:
  XmlErrorCollector()
      : generic_(xmlGenericError),
        generic_context_(xmlGenericErrorContext),
        structured_(xmlStructuredError),
        structured_context_(xmlStructuredErrorContext) {
    xmlSetGenericErrorFunc(nullptr, &IgnoreGeneric);
    xmlSetStructuredErrorFunc(this, &XmlErrorCollector::OnError);
  }
  ~XmlErrorCollector() {
    xmlSetGenericErrorFunc(generic_context_, generic_);
    xmlSetStructuredErrorFunc(structured_context_, structured_);
  }
  XmlErrorCollector(const XmlErrorCollector&) = delete;
  XmlErrorCollector& operator=(const XmlErrorCollector&) = delete;

  bool has_error() const { return line_ >= 0; }
  int line() const { return line_; }
  const std::string& message() const { return message_; }

 private:
  static void OnError(void* context, XmlErrorArg error) {
    auto* self = static_cast<XmlErrorCollector*>(context);
    if (error == nullptr || error->level < XML_ERR_ERROR || self->has_error()) {
      return;
    }
    self->line_ = error->line;
    std::string message = error->message != nullptr ? error->message : "";
    while (!message.empty() &&
           (message.back() == '\n' || message.back() == ' ')) {
      message.pop_back();
    }
    self->message_ = std::move(message);
  }

  xmlGenericErrorFunc generic_;
  void* generic_context_;
  xmlStructuredErrorFunc structured_;
  void* structured_context_;
  int line_ = -1;
  std::string message_;
};

struct DocDeleter {
  void operator()(xmlDoc* doc) const { xmlFreeDoc(doc); }
};
using DocPtr = std::unique_ptr<xmlDoc, DocDeleter>;

std::string_view LocalName(const xmlNode* node) {
  return reinterpret_cast<const char*>(node->name);
}

bool IsElement(const xmlNode* node, std::string_view name) {
  return node->type == XML_ELEMENT_NODE && LocalName(node) == name;
}

const xmlNode* FirstChild(const xmlNode* node, std::string_view name) {
  for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
    if (IsElement(c, name)) return c;
  }
  return nullptr;
}

std::optional<std::string> Attribute(const xmlNode* node, const char* name) {
  xmlChar* value = xmlGetNoNsProp(node, reinterpret_cast<const xmlChar*>(name));
  if (value == nullptr) return std::nullopt;
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

std::string Content(const xmlNode* node) {
  xmlChar* value = xmlNodeGetContent(node);
  if (value == nullptr) return {};
  std::string text(reinterpret_cast<const char*>(value));
  xmlFree(value);
  return text;
}

// The content of the <text> child of `node`'s child `element`
// (<name><text>…</text></name>), or nullopt when either is absent.
std::optional<std::string> TextOf(const xmlNode* node,
                                  std::string_view element) {
  const xmlNode* child = FirstChild(node, element);
  if (child == nullptr) return std::nullopt;
  const xmlNode* text = FirstChild(child, "text");
  if (text == nullptr) return std::nullopt;
  return Content(text);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' ||
                        s.front() == '\n' || s.front() == '\r')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' ||
                        s.back() == '\n' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// A non-negative decimal integer below 10^9, or nullopt.
std::optional<int> ParseCount(std::string_view text) {
  text = Trim(text);
  if (text.empty() || text.size() > 9) return std::nullopt;
  int value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');
  }
  return value;
}

// Walks one parsed document into a PnmlNet.
class PnmlReader {
 public:
  explicit PnmlReader(std::string file) : file_(std::move(file)) {}

  Result<PnmlNet> Read(const xmlDoc* doc) {
    const xmlNode* root = xmlDocGetRootElement(doc);
    if (root == nullptr) return Error(1, "no root element; expected <pnml>");
    if (!IsElement(root, "pnml")) {
      return Error(root, "not PNML: the root element is <" +
                             std::string(LocalName(root)) +
                             ">; expected <pnml>");
    }
    const xmlNode* net_node = FirstChild(root, "net");
    if (net_node == nullptr) return Error(root, "<pnml> holds no <net>");

    PnmlNet result;
    result.net.id = Attribute(net_node, "id").value_or("");
    result.name = TextOf(net_node, "name").value_or("");
    LIVESOP_RETURN_IF_ERROR(Collect(net_node));

    for (const xmlNode* node : places_) {
      LIVESOP_RETURN_IF_ERROR(AddPlace(node, result.net));
    }
    for (const xmlNode* node : transitions_) {
      LIVESOP_RETURN_IF_ERROR(AddTransition(node, result.net));
    }
    for (const xmlNode* node : arcs_) {
      LIVESOP_RETURN_IF_ERROR(AddArc(node, result.net));
    }
    if (final_markings_ != nullptr) {
      LIVESOP_RETURN_IF_ERROR(ReadFinalMarkings(result));
    }
    sop::PetriNet& net = result.net;
    if (result.final_markings.empty()) {
      // PM4Py's guess (final_marking.discover_final_marking): a token on
      // every place no arc leaves.
      std::vector<bool> has_out(net.places.size(), false);
      for (const sop::Transition& t : net.transitions) {
        for (int p : t.inputs) has_out[p] = true;
      }
      sop::Marking guess(net.places.size(), 0);
      for (size_t p = 0; p < net.places.size(); ++p) {
        if (!has_out[p]) guess[p] = 1;
      }
      result.final_markings.push_back(std::move(guess));
      result.final_marking_guessed = true;
    }
    net.final = result.final_markings.front();
    net.source = SinglePlace(net.initial);
    net.sink = SinglePlace(net.final);
    return result;
  }

 private:
  Status Error(long line, const std::string& message) const {
    return InvalidArgumentError(file_ + ":" + std::to_string(line) + ": " +
                                message);
  }
  Status Error(const xmlNode* node, const std::string& message) const {
    return Error(xmlGetLineNo(node), message);
  }

  static int SinglePlace(const sop::Marking& marking) {
    int place = -1;
    for (size_t p = 0; p < marking.size(); ++p) {
      if (marking[p] == 0) continue;
      if (marking[p] != 1 || place >= 0) return -1;
      place = static_cast<int>(p);
    }
    return place;
  }

  // Gathers the nodes of `parent` and of its pages, nested or not.
  Status Collect(const xmlNode* parent) {
    for (const xmlNode* c = parent->children; c != nullptr; c = c->next) {
      if (c->type != XML_ELEMENT_NODE) continue;
      const std::string_view name = LocalName(c);
      if (name == "page") {
        LIVESOP_RETURN_IF_ERROR(Collect(c));
      } else if (name == "place") {
        places_.push_back(c);
      } else if (name == "transition") {
        transitions_.push_back(c);
      } else if (name == "arc") {
        arcs_.push_back(c);
      } else if (name == "finalmarkings") {
        if (final_markings_ == nullptr) final_markings_ = c;
      } else if (name == "referencePlace" || name == "referenceTransition") {
        return Error(c, "<" + std::string(name) +
                            "> (a reference node) is not supported");
      }
    }
    return OkStatus();
  }

  Result<std::string> NodeId(const xmlNode* node) {
    std::optional<std::string> id = Attribute(node, "id");
    if (!id.has_value() || id->empty()) {
      return Error(node, "<" + std::string(LocalName(node)) + "> has no id");
    }
    if (!ids_.emplace(*id, Node{}).second) {
      return Error(node, "the id '" + *id + "' is used twice");
    }
    return *id;
  }

  Status AddPlace(const xmlNode* node, sop::PetriNet& net) {
    LIVESOP_ASSIGN_OR_RETURN(std::string id, NodeId(node));
    std::string name = TextOf(node, "name").value_or("");
    if (name.empty()) name = id;
    const int index = net.AddPlace(id, std::move(name));
    ids_[id] = Node{true, index};
    if (std::optional<std::string> text = TextOf(node, "initialMarking")) {
      const std::optional<int> tokens = ParseCount(*text);
      if (!tokens.has_value()) {
        return Error(node, "place '" + id + "': the initial marking '" +
                               std::string(Trim(*text)) +
                               "' is not a non-negative integer");
      }
      net.initial[index] = *tokens;
    }
    return OkStatus();
  }

  static bool IsInvisibleMarker(const xmlNode* tool_specific) {
    const std::string tool = Attribute(tool_specific, "tool").value_or("");
    if (tool.find("ProM") != std::string::npos) {
      return Attribute(tool_specific, "activity")
                 .value_or("")
                 .find("invisible") != std::string::npos;
    }
    if (tool.find("StochasticPetriNet") != std::string::npos) {
      for (const xmlNode* c = tool_specific->children; c != nullptr;
           c = c->next) {
        if (IsElement(c, "property") &&
            Attribute(c, "key").value_or("") == "invisible") {
          return Trim(Content(c)) == "true";
        }
      }
    }
    return false;
  }

  Status AddTransition(const xmlNode* node, sop::PetriNet& net) {
    LIVESOP_ASSIGN_OR_RETURN(std::string id, NodeId(node));
    std::string label = TextOf(node, "name").value_or("");
    bool silent = label.empty();
    for (const xmlNode* c = node->children; c != nullptr; c = c->next) {
      if (IsElement(c, "toolspecific") && IsInvisibleMarker(c)) silent = true;
    }
    const int index = net.AddTransition(id, std::move(label), silent);
    ids_[id] = Node{false, index};
    return OkStatus();
  }

  Status AddArc(const xmlNode* node, sop::PetriNet& net) {
    const std::string id = Attribute(node, "id").value_or("");
    const std::string what = id.empty() ? "an arc" : "arc '" + id + "'";
    const std::optional<std::string> source = Attribute(node, "source");
    const std::optional<std::string> target = Attribute(node, "target");
    if (!source.has_value()) return Error(node, what + " has no source");
    if (!target.has_value()) return Error(node, what + " has no target");
    const auto from = ids_.find(*source);
    if (from == ids_.end()) {
      return Error(node, what + ": unknown source '" + *source + "'");
    }
    const auto to = ids_.find(*target);
    if (to == ids_.end()) {
      return Error(node, what + ": unknown target '" + *target + "'");
    }
    if (from->second.is_place == to->second.is_place) {
      return Error(
          node, what + " joins two " +
                    (from->second.is_place ? "places ('" : "transitions ('") +
                    *source + "', '" + *target + "')");
    }
    int weight = 1;
    if (std::optional<std::string> text = TextOf(node, "inscription")) {
      const std::optional<int> parsed = ParseCount(*text);
      if (!parsed.has_value() || *parsed < 1) {
        return Error(node, what + ": the weight '" + std::string(Trim(*text)) +
                               "' is not a positive integer");
      }
      weight = *parsed;
    }
    for (int k = 0; k < weight; ++k) {
      if (from->second.is_place) {
        net.AddArc(from->second.index, to->second.index);
      } else {
        net.AddArc(from->second.index, to->second.index, /*to_place=*/true);
      }
    }
    return OkStatus();
  }

  Status ReadFinalMarkings(PnmlNet& result) {
    for (const xmlNode* m = final_markings_->children; m != nullptr;
         m = m->next) {
      if (!IsElement(m, "marking")) continue;
      sop::Marking marking(result.net.places.size(), 0);
      for (const xmlNode* p = m->children; p != nullptr; p = p->next) {
        if (!IsElement(p, "place")) continue;
        const std::optional<std::string> ref = Attribute(p, "idref");
        if (!ref.has_value()) {
          return Error(p, "a place of a final marking has no idref");
        }
        const auto found = ids_.find(*ref);
        if (found == ids_.end() || !found->second.is_place) {
          return Error(
              p, "a final marking names '" + *ref + "', which is not a place");
        }
        const xmlNode* text = FirstChild(p, "text");
        const std::string content = text != nullptr ? Content(text) : "";
        const std::optional<int> tokens = ParseCount(content);
        if (!tokens.has_value()) {
          return Error(p, "place '" + *ref + "' of a final marking: '" +
                              std::string(Trim(content)) +
                              "' is not a non-negative integer");
        }
        marking[found->second.index] += *tokens;
      }
      result.final_markings.push_back(std::move(marking));
    }
    return OkStatus();
  }

  struct Node {
    bool is_place = false;
    int index = -1;
  };

  std::string file_;
  std::vector<const xmlNode*> places_;
  std::vector<const xmlNode*> transitions_;
  std::vector<const xmlNode*> arcs_;
  const xmlNode* final_markings_ = nullptr;
  std::unordered_map<std::string, Node> ids_;
};

// No network, and (by leaving out XML_PARSE_DTDLOAD and XML_PARSE_NOENT) no
// external DTD and no external entities: a model file is data and must not
// make the reader fetch anything. Big lines: line numbers past 65535 stay
// right.
constexpr int kParseOptions = XML_PARSE_NONET | XML_PARSE_BIG_LINES;

Result<PnmlNet> Parse(std::string_view text, const std::string& file) {
  if (Trim(text).empty()) {
    return InvalidArgumentError(file + ":1: the file is empty; expected PNML");
  }
  if (text.size() > static_cast<size_t>(std::numeric_limits<int>::max())) {
    return InvalidArgumentError(file + ": the file is too large for PNML");
  }
  InitLibXml();
  DocPtr doc;
  XmlErrorCollector errors;
  doc.reset(xmlReadMemory(text.data(), static_cast<int>(text.size()),
                          file.c_str(), nullptr, kParseOptions));
  if (doc == nullptr || errors.has_error()) {
    const int line = errors.has_error() ? std::max(errors.line(), 1) : 1;
    const std::string_view start = Trim(text);
    if (start.front() != '<') {
      return InvalidArgumentError(file + ":1: not XML: expected PNML");
    }
    return InvalidArgumentError(
        file + ":" + std::to_string(line) + ": not well-formed XML: " +
        (errors.has_error() ? errors.message() : "the XML parser failed"));
  }
  return PnmlReader(file).Read(doc.get());
}

// libxml2's text writer into a memory buffer, checked call by call.
class PnmlWriter {
 public:
  PnmlWriter() : buffer_(xmlBufferCreate()) {
    if (buffer_ != nullptr) writer_ = xmlNewTextWriterMemory(buffer_, 0);
  }
  ~PnmlWriter() {
    if (writer_ != nullptr) xmlFreeTextWriter(writer_);
    if (buffer_ != nullptr) xmlBufferFree(buffer_);
  }
  PnmlWriter(const PnmlWriter&) = delete;
  PnmlWriter& operator=(const PnmlWriter&) = delete;

  Status Write(const sop::PetriNet& net, const std::string& name,
               const std::vector<sop::Marking>& finals, std::ostream& out) {
    if (writer_ == nullptr) return InternalError("cannot create a PNML writer");
    Check(xmlTextWriterSetIndent(writer_, 1));
    Check(xmlTextWriterSetIndentString(writer_, Xml("  ")));
    Check(xmlTextWriterStartDocument(writer_, nullptr, "UTF-8", nullptr));
    Start("pnml");
    Start("net");
    const std::string net_id = net.id.empty() ? "net1" : net.id;
    Attr("id", net_id);
    Attr("type", "http://www.pnml.org/version-2009/grammar/pnmlcoremodel");
    NameText(name.empty() ? net_id : name);
    Start("page");
    Attr("id", "n0");
    for (size_t p = 0; p < net.places.size(); ++p) {
      const sop::Place& place = net.places[p];
      Start("place");
      Attr("id", place.id);
      NameText(place.name.empty() ? place.id : place.name);
      if (p < net.initial.size() && net.initial[p] > 0) {
        Start("initialMarking");
        TextElement(std::to_string(net.initial[p]));
        End();
      }
      End();
    }
    for (const sop::Transition& t : net.transitions) {
      Start("transition");
      Attr("id", t.id);
      NameText(t.silent ? t.id : t.label);
      if (t.silent) {
        Start("toolspecific");
        Attr("tool", "ProM");
        Attr("version", "6.4");
        Attr("activity", "$invisible$");
        End();
      }
      End();
    }
    int arc_number = 0;
    for (const sop::Transition& t : net.transitions) {
      for (const auto& [place, weight] : Weighted(t.inputs)) {
        WriteArc(++arc_number, net.places[place].id, t.id, weight);
      }
      for (const auto& [place, weight] : Weighted(t.outputs)) {
        WriteArc(++arc_number, t.id, net.places[place].id, weight);
      }
    }
    End();  // page
    bool any_final = false;
    for (const sop::Marking& m : finals) {
      for (int tokens : m) any_final = any_final || tokens > 0;
    }
    if (any_final) {
      Start("finalmarkings");
      for (const sop::Marking& m : finals) {
        Start("marking");
        for (size_t p = 0; p < m.size(); ++p) {
          if (m[p] <= 0) continue;
          Start("place");
          Attr("idref", net.places[p].id);
          TextElement(std::to_string(m[p]));
          End();
        }
        End();
      }
      End();
    }
    End();  // net
    End();  // pnml
    Check(xmlTextWriterEndDocument(writer_));
    Check(xmlTextWriterFlush(writer_));
    if (failed_) return InternalError("libxml2 failed to write PNML");
    out.write(reinterpret_cast<const char*>(xmlBufferContent(buffer_)),
              xmlBufferLength(buffer_));
    out.flush();
    if (!out.good()) return DataLossError("cannot write PNML: stream failed");
    return OkStatus();
  }

 private:
  static const xmlChar* Xml(const char* text) {
    return reinterpret_cast<const xmlChar*>(text);
  }
  static const xmlChar* Xml(const std::string& text) {
    return Xml(text.c_str());
  }

  // Places of an arc list with their weights, in first-seen order.
  static std::vector<std::pair<int, int>> Weighted(
      const std::vector<int>& places) {
    std::vector<std::pair<int, int>> weighted;
    for (int p : places) {
      bool found = false;
      for (auto& [place, weight] : weighted) {
        if (place == p) {
          ++weight;
          found = true;
          break;
        }
      }
      if (!found) weighted.emplace_back(p, 1);
    }
    return weighted;
  }

  void Check(int rc) { failed_ = failed_ || rc < 0; }
  void Start(const char* element) {
    Check(xmlTextWriterStartElement(writer_, Xml(element)));
  }
  void End() { Check(xmlTextWriterEndElement(writer_)); }
  void Attr(const char* key, const std::string& value) {
    Check(xmlTextWriterWriteAttribute(writer_, Xml(key), Xml(value)));
  }
  void TextElement(const std::string& text) {
    Check(xmlTextWriterWriteElement(writer_, Xml("text"), Xml(text)));
  }
  void NameText(const std::string& text) {
    Start("name");
    TextElement(text);
    End();
  }
  void WriteArc(int number, const std::string& source,
                const std::string& target, int weight) {
    Start("arc");
    Attr("id", "arc" + std::to_string(number));
    Attr("source", source);
    Attr("target", target);
    if (weight > 1) {
      Start("inscription");
      TextElement(std::to_string(weight));
      End();
    }
    End();
  }

  xmlBuffer* buffer_ = nullptr;
  xmlTextWriter* writer_ = nullptr;
  bool failed_ = false;
};

Status CheckWritable(const sop::PetriNet& net,
                     const std::vector<sop::Marking>& markings) {
  std::map<std::string, int> ids;
  for (const sop::Place& p : net.places) {
    if (p.id.empty()) return InvalidArgumentError("a place has an empty id");
    if (++ids[p.id] > 1) {
      return InvalidArgumentError("the id '" + p.id + "' is used twice");
    }
  }
  const int places = static_cast<int>(net.places.size());
  for (const sop::Transition& t : net.transitions) {
    if (t.id.empty()) {
      return InvalidArgumentError("a transition has an empty id");
    }
    if (++ids[t.id] > 1) {
      return InvalidArgumentError("the id '" + t.id + "' is used twice");
    }
    for (const std::vector<int>* arcs : {&t.inputs, &t.outputs}) {
      for (int p : *arcs) {
        if (p < 0 || p >= places) {
          return InvalidArgumentError(
              "transition '" + t.id + "' has an arc to place index " +
              std::to_string(p) + ", which is not a place");
        }
      }
    }
  }
  for (const sop::Marking& m : markings) {
    for (size_t p = 0; p < m.size(); ++p) {
      if (m[p] < 0 || (p >= net.places.size() && m[p] != 0)) {
        return InvalidArgumentError(
            "a marking puts tokens on place index " + std::to_string(p) +
            (m[p] < 0 ? ": a negative count" : ", which is not a place"));
      }
    }
  }
  return OkStatus();
}

}  // namespace

Result<PnmlNet> ReadPnml(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot open " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return DataLossError("cannot read " + path);
  return Parse(text.str(), path);
}

Result<PnmlNet> ReadPnmlString(std::string_view pnml, const std::string& name) {
  return Parse(pnml, name);
}

Status WritePnml(const sop::PetriNet& net, std::ostream& out) {
  const std::vector<sop::Marking> finals = {net.final};
  LIVESOP_RETURN_IF_ERROR(CheckWritable(net, {net.initial, net.final}));
  return PnmlWriter().Write(net, "", finals, out);
}

Status WritePnml(const PnmlNet& pnml, std::ostream& out) {
  std::vector<sop::Marking> finals = pnml.final_markings;
  if (finals.empty()) finals.push_back(pnml.net.final);
  std::vector<sop::Marking> all = finals;
  all.push_back(pnml.net.initial);
  LIVESOP_RETURN_IF_ERROR(CheckWritable(pnml.net, all));
  return PnmlWriter().Write(pnml.net, pnml.name, finals, out);
}

}  // namespace livesop::mining

// ReadXesParallel and ReadLogParallel. The file is read in three parts:
//
// - The prologue, everything before the first `<trace`: the XML
//   declaration, comments, `<log>` and the header elements. It goes through
//   ReadXesFrom itself, closed by a synthetic `<trace/></log>`, which gives
//   the header exactly and proves that the first `<trace` is a child of the
//   root `<log>` (a `<trace` in a comment, a CDATA section or an attribute
//   value leaves the synthetic document malformed).
// - The body, cut into chunks just before a `<trace`. Each chunk is checked
//   byte by byte (UTF-8, XML characters, references, `]]>`), parsed by
//   pugixml as a fragment and walked into records or a log part. A chunk
//   that is not a balanced fragment of elements (a cut inside a comment or
//   a nested element, a tag left open) fails, so when every chunk parses,
//   every chunk starts where the first did: directly inside `<log>`.
// - The epilogue, `</log>` and white space.
//
// Chunks are parsed by the calling thread and helper threads, and handed
// over by the calling thread in file order: as records to the visitor, or,
// for ReadLogParallel, as log parts built by the thread that parsed the
// chunk (log_part.h) to the log builder. A few chunks are in flight at a
// time, so memory stays bounded whatever the file.
#include "eventlog/internal/parallel_xes.h"

#include <pugixml.hpp>

#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "core/time.h"
#include "eventlog/internal/log_part.h"
#include "eventlog/internal/readers.h"
#include "eventlog/internal/timestamp.h"
#include "eventlog/internal/xes_tags.h"

namespace livesop::eventlog::internal {
namespace {

// As ReadXes: elements nested deeper than this (`<log>` included) are
// refused, here by giving up.
constexpr int kMaxDepth = 256;

// libxml2 refuses a single value longer than this (XML_MAX_TEXT_LENGTH).
constexpr size_t kMaxValueBytes = 10'000'000;

// A prologue or a chunk (one trace, then) larger than this is left to the
// streaming reader, so that memory stays bounded.
constexpr size_t kMaxPieceBytes = size_t{64} << 20;

// Bytes asked of the input at a time.
constexpr size_t kReadBytes = size_t{256} << 10;

// Zeros after the NUL that ends a chunk (and are not part of it), so that
// values can be scanned sixteen bytes at a time up to their end.
constexpr size_t kChunkPadding = 16;

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// --- The bytes of a chunk -------------------------------------------------

// Whether `text` at `at` is a reference libxml2 accepts without a DTD: one
// of the five predefined entities or a character reference to an XML
// character. Sets `length` to its length.
bool ValidReference(std::string_view text, size_t at, size_t& length) {
  const std::string_view rest = text.substr(at);
  for (std::string_view entity :
       {"&amp;", "&lt;", "&gt;", "&quot;", "&apos;"}) {
    if (rest.substr(0, entity.size()) == entity) {
      length = entity.size();
      return true;
    }
  }
  if (rest.size() < 4 || rest[1] != '#') return false;
  const bool hex = rest[2] == 'x';
  size_t i = hex ? 3 : 2;
  uint32_t code = 0;
  const size_t first = i;
  for (; i < rest.size() && rest[i] != ';'; ++i) {
    const char c = rest[i];
    uint32_t digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<uint32_t>(c - '0');
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = static_cast<uint32_t>(c - 'a' + 10);
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return false;
    }
    code = code * (hex ? 16 : 10) + digit;
    if (code > 0x10FFFF) return false;
  }
  if (i == first || i == rest.size()) return false;
  const bool is_char = code == 0x9 || code == 0xA || code == 0xD ||
                       (code >= 0x20 && code <= 0xD7FF) ||
                       (code >= 0xE000 && code <= 0xFFFD) || code >= 0x10000;
  length = i + 1;
  return is_char;
}

// Whether the UTF-8 sequence at `at` encodes an XML character; sets
// `length`.
bool ValidUtf8(std::string_view text, size_t at, size_t& length) {
  const auto byte = [&](size_t i) {
    return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0U;
  };
  const unsigned lead = byte(0);
  const auto continuation = [&](size_t i, unsigned low, unsigned high) {
    const unsigned b = byte(i);
    return b >= low && b <= high;
  };
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    return continuation(1, 0x80, 0xBF);
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    const unsigned low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned high = lead == 0xED ? 0x9F : 0xBF;  // no surrogates
    if (!continuation(1, low, high) || !continuation(2, 0x80, 0xBF)) {
      return false;
    }
    // U+FFFE and U+FFFF are not XML characters.
    return !(lead == 0xEF && byte(1) == 0xBF && byte(2) >= 0xBE);
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    const unsigned low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned high = lead == 0xF4 ? 0x8F : 0xBF;
    return continuation(1, low, high) && continuation(2, 0x80, 0xBF) &&
           continuation(3, 0x80, 0xBF);
  }
  return false;
}

// Checks the byte at `at`, one the scan flagged: a control character, a
// byte of a multi-byte character, '&' or ']'. Returns how many bytes it
// covers, 0 when libxml2 would reject it.
size_t CheckFlagged(std::string_view text, size_t at) {
  const auto c = static_cast<unsigned char>(text[at]);
  size_t length = 1;
  if (c == '&') return ValidReference(text, at, length) ? length : 0;
  if (c == ']') return text.substr(at, 3) == "]]>" ? 0 : 1;
  if (c < 0x20) return c == '\t' || c == '\n' || c == '\r' ? 1 : 0;
  if (c >= 0x80) return ValidUtf8(text, at, length) ? length : 0;
  return 1;
}

bool Flagged(char c) {
  const auto u = static_cast<unsigned char>(c);
  return u < 0x20 || u >= 0x80 || c == '&' || c == ']';
}

// Whether libxml2 would accept the characters of `text`: valid UTF-8 of
// XML characters, references it can resolve without a DTD, no `]]>`
// outside CDATA (which makes the chunk fail anyway). Markup is pugixml's.
bool ValidCharacters(std::string_view text) {
  const char* p = text.data();
  const size_t n = text.size();
  size_t i = 0;
#ifdef __SSE2__
  // Sixteen bytes at a time: nearly all of a log is printable ASCII that
  // needs no further look.
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i tab = _mm_set1_epi8('\t');
  const __m128i lf = _mm_set1_epi8('\n');
  const __m128i cr = _mm_set1_epi8('\r');
  const __m128i amp = _mm_set1_epi8('&');
  const __m128i bracket = _mm_set1_epi8(']');
  while (i + 16 <= n) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + i));
    // Signed comparison: bytes of 0x80 and above are negative, so below
    // 0x20 too.
    const __m128i low = _mm_cmplt_epi8(v, space);
    const __m128i white = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, tab), _mm_cmpeq_epi8(v, lf)),
        _mm_cmpeq_epi8(v, cr));
    const __m128i flagged = _mm_or_si128(
        _mm_andnot_si128(white, low),
        _mm_or_si128(_mm_cmpeq_epi8(v, amp), _mm_cmpeq_epi8(v, bracket)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(flagged));
    if (mask == 0) {
      i += 16;
      continue;
    }
    i += static_cast<size_t>(__builtin_ctz(mask));
    const size_t length = CheckFlagged(text, i);
    if (length == 0) return false;
    i += length;
  }
#endif
  while (i < n) {
    if (!Flagged(p[i]) || IsSpace(p[i])) {
      ++i;
      continue;
    }
    const size_t length = CheckFlagged(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

// Sets `out` to an attribute value as pugixml leaves it without
// parse_escapes (white space already normalised), with the references
// decoded as libxml2 decodes them. The references were checked by
// ValidCharacters.
void DecodeValue(std::string& out, const char* raw) {
  const char* p = raw;
  while (*p != '\0' && *p != '&') ++p;
  if (*p == '\0') {
    out.assign(raw, static_cast<size_t>(p - raw));
    return;
  }
  const char* amp = p;
  out.clear();
  while (amp != nullptr) {
    out.append(raw, static_cast<size_t>(amp - raw));
    const std::string_view rest(amp);
    size_t length = 1;
    if (rest.substr(0, 5) == "&amp;") {
      out += '&';
      length = 5;
    } else if (rest.substr(0, 4) == "&lt;") {
      out += '<';
      length = 4;
    } else if (rest.substr(0, 4) == "&gt;") {
      out += '>';
      length = 4;
    } else if (rest.substr(0, 6) == "&quot;") {
      out += '"';
      length = 6;
    } else if (rest.substr(0, 6) == "&apos;") {
      out += '\'';
      length = 6;
    } else {
      const bool hex = rest.size() > 2 && rest[2] == 'x';
      size_t i = hex ? 3 : 2;
      uint32_t code = 0;
      for (; i < rest.size() && rest[i] != ';'; ++i) {
        const char c = rest[i];
        const uint32_t digit =
            c <= '9' ? static_cast<uint32_t>(c - '0')
                     : static_cast<uint32_t>((c | 0x20) - 'a' + 10);
        code = code * (hex ? 16 : 10) + digit;
      }
      length = i + 1;
      if (code < 0x80) {
        out += static_cast<char>(code);
      } else if (code < 0x800) {
        out += static_cast<char>(0xC0 | (code >> 6));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else if (code < 0x10000) {
        out += static_cast<char>(0xE0 | (code >> 12));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      } else {
        out += static_cast<char>(0xF0 | (code >> 18));
        out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (code & 0x3F));
      }
    }
    raw = amp + length;
    amp = std::strchr(raw, '&');
  }
  out.append(raw);
}

// Whether `name` is a name both libxml2 and pugixml read the same way:
// ASCII, no namespace prefix. Anything else is left to ReadXes.
bool PlainName(const char* name) {
  const auto start = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  };
  if (!start(*name)) return false;
  for (++name; *name != '\0'; ++name) {
    const char c = *name;
    if (!start(c) && !(c >= '0' && c <= '9') && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

// --- Records from a parsed chunk ------------------------------------------

using Tag = XesTag;

// Whether the NUL-terminated `name` is `literal`; inlined, unlike strcmp,
// which costs more than the comparison itself on names this short.
template <size_t N>
bool Is(const char* name, const char (&literal)[N]) {
  for (size_t i = 0; i < N - 1; ++i) {
    if (name[i] != literal[i]) return false;
  }
  return name[N - 1] == '\0';
}

// The element names the body reader acts on; other names are checked by
// PlainName and skipped.
Tag TagOf(const char* name) {
  switch (name[0]) {
    case 's':
      return Is(name, "string") ? Tag::kString : Tag::kOther;
    case 'd':
      return Is(name, "date") ? Tag::kDate : Tag::kOther;
    case 'e':
      return Is(name, "event") ? Tag::kEvent : Tag::kOther;
    case 'i':
      if (Is(name, "int")) return Tag::kInt;
      return Is(name, "id") ? Tag::kId : Tag::kOther;
    case 'f':
      return Is(name, "float") ? Tag::kFloat : Tag::kOther;
    case 'b':
      return Is(name, "boolean") ? Tag::kBoolean : Tag::kOther;
    case 't':
      return Is(name, "trace") ? Tag::kTrace : Tag::kOther;
    case 'l':
      return Is(name, "list") ? Tag::kList : Tag::kOther;
    case 'c':
      return Is(name, "container") ? Tag::kContainer : Tag::kOther;
    case 'v':
      return Is(name, "values") ? Tag::kValues : Tag::kOther;
    default:
      return Tag::kOther;
  }
}

// The next element of `into` to fill: one an earlier chunk left there, one
// kept in `spare`, or a new one. Reusing them keeps their strings' buffers,
// so that a long log is read with next to no allocation.
template <typename T>
T& NextSlot(std::vector<T>& into, size_t& used, std::vector<T>& spare) {
  if (used == into.size()) {
    if (spare.empty()) {
      into.emplace_back();
    } else {
      into.push_back(std::move(spare.back()));
      spare.pop_back();
    }
  }
  return into[used++];
}

// Cuts `into` to its first `used`, keeping the rest in `spare`.
template <typename T>
void Trim(std::vector<T>& into, size_t used, std::vector<T>& spare) {
  while (into.size() > used) {
    spare.push_back(std::move(into.back()));
    into.pop_back();
  }
}

// Parses chunks into traces or log parts; one per thread, reused from
// chunk to chunk.
class ChunkParser {
 public:
  // A parser that reads chunks into records (Parse), or, given the
  // classifier of the log being built, into log parts (ParsePart).
  explicit ChunkParser(const ClassifierSpec* classifier = nullptr) {
    if (classifier != nullptr) part_builder_.emplace(*classifier);
  }

  // Parses the NUL-terminated `text` (`size` bytes with the NUL), a run of
  // whole traces and other children of `<log>`, into `traces[0, used)`.
  // Returns false when the fast path cannot vouch for the result.
  bool Parse(char* text, size_t size, std::vector<Trace>& traces,
             size_t& used) {
    used = 0;
    const bool ok =
        Load(text, size, document_) && ReadRecords(document_, traces, used);
    document_.reset();
    return ok;
  }

  // As Parse, into `part` (the parser must have been given a classifier),
  // leaving the parsed chunk in `document`, which the part's views point
  // into: ReadRecords reads the same traces from it when the part cannot
  // be merged.
  bool ParsePart(char* text, size_t size, pugi::xml_document& document,
                 LogPart& part) {
    part_builder_->Start(part);
    if (!Load(text, size, document)) return false;
    bool ok = true;
    for (pugi::xml_node node = document.first_child(); ok && node;
         node = node.next_sibling()) {
      KeyValue found;
      if (!CheckElement(node, found)) {
        ok = false;
      } else if (found.tag == Tag::kTrace) {
        ok = ReadTraceViews(node);
      } else {
        ok = CheckTree(node, 2);  // skipped, as in ReadRecords
      }
    }
    return ok;
  }

  // Reads the traces of a chunk that Load parsed into `document` into
  // `traces[0, used)`; false when the fast path cannot vouch for them.
  bool ReadRecords(const pugi::xml_document& document,
                   std::vector<Trace>& traces, size_t& used) {
    used = 0;
    bool ok = true;
    for (pugi::xml_node node = document.first_child(); ok && node;
         node = node.next_sibling()) {
      KeyValue found;
      if (!CheckElement(node, found)) {
        ok = false;
      } else if (found.tag == Tag::kTrace) {
        ok = ReadTrace(node, NextSlot(traces, used, spare_traces_));
      } else {
        // Header elements after the first trace and events outside traces
        // are skipped, as ReadXes skips them.
        ok = CheckTree(node, 2);
      }
    }
    return ok;
  }

 private:
  // What CheckElement finds of an element: its tag, and the XML attributes
  // an attribute element is read from (their values as pugixml leaves them,
  // their lengths, and whether they hold references).
  struct KeyValue {
    Tag tag = Tag::kOther;  // the element's
    const char* key = nullptr;
    const char* value = nullptr;
    size_t key_size = 0;
    size_t value_size = 0;
    bool key_references = false;
    bool value_references = false;
  };

  // Checks the characters of `text` and parses it into `document`.
  bool Load(char* text, size_t size, pugi::xml_document& document) {
    if (!ValidCharacters(std::string_view(text, size - 1))) return false;
    text_ = text;
    text_end_ = text + size;
    // Without parse_escapes values keep their references, decoded by
    // DecodeValue as libxml2 does. Comments, CDATA, processing instructions,
    // declarations and text are parsed only to be noticed.
    constexpr unsigned kOptions =
        pugi::parse_fragment | pugi::parse_cdata | pugi::parse_comments |
        pugi::parse_pi | pugi::parse_declaration | pugi::parse_doctype |
        pugi::parse_wconv_attribute | pugi::parse_eol;
    const pugi::xml_parse_result result =
        document.load_buffer_inplace(text, size, kOptions, pugi::encoding_utf8);
    return result.status == pugi::status_ok;
  }

  // Whether `node` is an element with plain names, each XML attribute once,
  // and values libxml2 accepts; sets `found` to its key and value.
  bool CheckElement(pugi::xml_node node, KeyValue& found) const {
    if (node.type() != pugi::node_element) return false;
    const char* name = node.name();
    found.tag = TagOf(name);
    if (found.tag == Tag::kOther && !PlainName(name)) return false;
    for (pugi::xml_attribute a = node.first_attribute(); a;
         a = a.next_attribute()) {
      const char* attribute_name = a.name();
      const char* value = a.value();
      size_t size = 0;
      bool references = false;
      if (!CheckValue(value, size, references)) return false;
      if (Is(attribute_name, "key")) {
        if (found.key != nullptr) return false;
        found.key = value;
        found.key_size = size;
        found.key_references = references;
      } else if (Is(attribute_name, "value")) {
        if (found.value != nullptr) return false;
        found.value = value;
        found.value_size = size;
        found.value_references = references;
      } else {
        // Namespace declarations are left to ReadXes.
        if (!PlainName(attribute_name) ||
            std::strncmp(attribute_name, "xmlns", 5) == 0) {
          return false;
        }
        for (pugi::xml_attribute b = node.first_attribute(); b != a;
             b = b.next_attribute()) {
          if (std::strcmp(b.name(), attribute_name) == 0) return false;
        }
      }
    }
    // An unknown element with a key may be an attribute of a type XES
    // does not define, which ReadXes reports with its line.
    return found.tag != Tag::kOther || found.key == nullptr;
  }

  bool CheckElement(pugi::xml_node node) const {
    KeyValue ignored;
    return CheckElement(node, ignored);
  }

  // Whether libxml2 accepts `value` as an attribute value: no '<', not
  // longer than its limit. Sets `size` to its length and `references` to
  // whether it holds a reference ('&').
  bool CheckValue(const char* value, size_t& size, bool& references) const {
#ifdef __SSE2__
    // Sixteen bytes at a time, within the chunk: zeros follow its end.
    if (value >= text_ && value < text_end_) {
      const __m128i zero = _mm_setzero_si128();
      const __m128i less = _mm_set1_epi8('<');
      const __m128i amp = _mm_set1_epi8('&');
      for (size_t i = 0;; i += 16) {
        const __m128i v =
            _mm_loadu_si128(reinterpret_cast<const __m128i*>(value + i));
        const auto end =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, zero)));
        auto lt =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, less)));
        auto refs =
            static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, amp)));
        if (end != 0) {
          const unsigned before = (end - 1) & ~end;  // the bytes before it
          lt &= before;
          refs &= before;
          if (refs != 0) references = true;
          size = i + static_cast<size_t>(__builtin_ctz(end));
          return lt == 0 && size <= kMaxValueBytes;
        }
        if (lt != 0) return false;
        if (refs != 0) references = true;
      }
    }
#endif
    const char* p = value;
    for (; *p != '\0'; ++p) {
      if (*p == '<') return false;
      if (*p == '&') references = true;
    }
    size = static_cast<size_t>(p - value);
    return size <= kMaxValueBytes;
  }

  // Checks an element skipped with its content, at nesting `depth`.
  bool CheckTree(pugi::xml_node node, int depth) const {
    if (depth > kMaxDepth) return false;
    for (pugi::xml_node child = node.first_child(); child;
         child = child.next_sibling()) {
      if (!CheckElement(child) || !CheckTree(child, depth + 1)) return false;
    }
    return true;
  }

  // --- Into records ---

  bool ReadTrace(pugi::xml_node node, Trace& trace) {
    size_t attributes = 0;
    size_t events = 0;
    for (pugi::xml_node child = node.first_child(); child;
         child = child.next_sibling()) {
      KeyValue found;
      if (!CheckElement(child, found)) return false;
      const Tag tag = found.tag;
      bool ok = true;
      if (tag == Tag::kEvent) {
        Event& event = NextSlot(trace.events, events, spare_events_);
        size_t used = 0;
        ok = ReadChildren(child, false, event, used, 3);
        Trim(event, used, spare_attributes_);
      } else if (const std::optional<AttributeType> type =
                     AttributeTypeOf(tag)) {
        ok =
            ReadAttribute(child, found, *type, trace.attributes, attributes, 3);
      } else {
        ok = CheckTree(child, 3);
      }
      if (!ok) return false;
    }
    Trim(trace.attributes, attributes, spare_attributes_);
    Trim(trace.events, events, spare_events_);
    return true;
  }

  // Reads the attribute elements among the children of `node`, itself at
  // nesting `depth` (`<log>` is 1, a trace 2), into `into`, from `into[used]`
  // on; in a list, the elements of
  // `<values>` too. Skips the rest.
  bool ReadChildren(pugi::xml_node node, bool list,
                    std::vector<Attribute>& into, size_t& used, int depth) {
    if (depth > kMaxDepth) return false;
    for (pugi::xml_node child = node.first_child(); child;
         child = child.next_sibling()) {
      KeyValue found;
      if (!CheckElement(child, found)) return false;
      const Tag tag = found.tag;
      bool ok = true;
      if (const std::optional<AttributeType> type = AttributeTypeOf(tag)) {
        ok = ReadAttribute(child, found, *type, into, used, depth + 1);
      } else if (list && tag == Tag::kValues) {
        ok = ReadChildren(child, false, into, used, depth + 1);
      } else {
        ok = CheckTree(child, depth + 1);
      }
      if (!ok) return false;
    }
    return true;
  }

  // Whether the attribute element `node`, at nesting `depth`, has what
  // ReadXes needs: a key, and a value unless it is a list or container.
  static bool Readable(const KeyValue& found, AttributeType type, int depth) {
    const bool collection =
        type == AttributeType::kList || type == AttributeType::kContainer;
    // ReadXes reports these with their line.
    return depth <= kMaxDepth && found.key != nullptr &&
           (found.value != nullptr || collection);
  }

  // Reads the attribute element `node`, at nesting `depth`, into the next
  // slot of `into`.
  bool ReadAttribute(pugi::xml_node node, const KeyValue& found,
                     AttributeType type, std::vector<Attribute>& into,
                     size_t& used, int depth) {
    if (!Readable(found, type, depth)) return false;
    return FillAttribute(node, found, type,
                         NextSlot(into, used, spare_attributes_), depth);
  }

  // Reads the attribute element `node`, at nesting `depth`, checked by
  // Readable, into `attribute`.
  bool FillAttribute(pugi::xml_node node, const KeyValue& found,
                     AttributeType type, Attribute& attribute, int depth) {
    DecodeValue(attribute.key, found.key);
    attribute.type = type;
    if (type == AttributeType::kDate) {
      DecodeValue(scratch_, found.value);
      if (!NormaliseTimestamp(scratch_, attribute.value).ok()) return false;
    } else if (found.value != nullptr) {
      DecodeValue(attribute.value, found.value);
    } else {
      attribute.value.clear();
    }
    size_t children = 0;
    const bool ok = ReadChildren(node, type == AttributeType::kList,
                                 attribute.children, children, depth);
    Trim(attribute.children, children, spare_attributes_);
    return ok;
  }

  // --- Into a log part ---

  // Reads a trace into the part: its attributes first, then its events,
  // the order in which LogBuilder::AddTrace takes them.
  bool ReadTraceViews(pugi::xml_node node) {
    trace_views_.clear();
    events_.clear();
    wholes_used_ = 0;
    for (pugi::xml_node child = node.first_child(); child;
         child = child.next_sibling()) {
      KeyValue found;
      if (!CheckElement(child, found)) return false;
      const Tag tag = found.tag;
      if (tag == Tag::kEvent) {
        events_.push_back(child);
        continue;
      }
      if (const std::optional<AttributeType> type = AttributeTypeOf(tag)) {
        if (!ReadView(child, found, *type, 3, trace_views_)) return false;
      } else if (!CheckTree(child, 3)) {
        return false;
      }
    }
    part_builder_->BeginTrace(trace_views_);
    for (pugi::xml_node event : events_) {
      event_views_.clear();
      for (pugi::xml_node element = event.first_child(); element;
           element = element.next_sibling()) {
        KeyValue found;
        if (!CheckElement(element, found)) return false;
        if (const std::optional<AttributeType> type =
                AttributeTypeOf(found.tag)) {
          if (!ReadView(element, found, *type, 4, event_views_)) return false;
        } else if (!CheckTree(element, 4)) {
          return false;
        }
      }
      part_builder_->AddEvent(event_views_);
    }
    part_builder_->EndTrace();
    return true;
  }

  // The text of an XML attribute value with its references decoded: a view
  // into the chunk when it has none, else a copy kept in the part.
  std::string_view Decoded(const char* raw, size_t size, bool references) {
    if (!references) return {raw, size};
    DecodeValue(scratch_, raw);
    return part_builder_->Keep(scratch_);
  }

  // Reads the attribute element `node`, at nesting `depth`, into a view
  // appended to `into`: what FillAttribute would read, without copying.
  bool ReadView(pugi::xml_node node, const KeyValue& found, AttributeType type,
                int depth, std::vector<AttributeView>& into) {
    if (!Readable(found, type, depth)) return false;
    AttributeView& view = into.emplace_back();
    view.type = type;
    if (type == AttributeType::kList || type == AttributeType::kContainer) {
      // Kept whole: the part stores the attribute, children and all. The
      // deque keeps each record in place while later ones are added.
      if (wholes_used_ == wholes_.size()) wholes_.emplace_back();
      Attribute& whole = wholes_[wholes_used_++];
      if (!FillAttribute(node, found, type, whole, depth)) return false;
      view.key = part_builder_->Keep(whole.key);
      view.text = part_builder_->Keep(whole.value);
      view.whole = &whole;
      return true;
    }
    view.key = Decoded(found.key, found.key_size, found.key_references);
    if (type == AttributeType::kDate) {
      std::string_view text(found.value, found.value_size);
      if (found.value_references) {
        DecodeValue(scratch_, found.value);
        text = scratch_;
      }
      if (!ParseCommonTimestamp(text, view.time)) {
        Result<int64_t> parsed = ParseTimestamp(text);
        if (!parsed.ok()) return false;
        view.time = *parsed;
      }
    } else {
      view.text =
          Decoded(found.value, found.value_size, found.value_references);
    }
    if (!node.first_child()) return true;
    // Meta-attributes: LogBuilder keeps none of them, but ReadXes reads
    // them, and fails where they are wrong.
    size_t children = 0;
    const bool ok = ReadChildren(node, false, spare_children_, children, depth);
    Trim(spare_children_, children, spare_attributes_);
    return ok;
  }

  // The chunk being read, its NUL included; kChunkPadding zeros follow.
  const char* text_ = nullptr;
  const char* text_end_ = nullptr;
  pugi::xml_document document_;
  std::string scratch_;
  std::vector<Attribute> spare_attributes_;
  std::vector<Event> spare_events_;
  std::vector<Trace> spare_traces_;

  std::optional<LogPartBuilder> part_builder_;
  std::vector<AttributeView> trace_views_;
  std::vector<pugi::xml_node> events_;  // of the trace
  std::vector<AttributeView> event_views_;
  std::deque<Attribute> wholes_;  // lists and containers of the trace
  size_t wholes_used_ = 0;
  std::vector<Attribute> spare_children_;
};

// --- The prologue ---------------------------------------------------------

// Keeps the header ReadXesFrom reads from the synthetic document.
class HeaderVisitor final : public XesVisitor {
 public:
  Status OnLog(const LogHeader& header) override {
    header_ = header;
    return OkStatus();
  }
  Status OnTrace(const Trace& /*trace*/) override { return OkStatus(); }

  LogHeader header_;
};

// The value of the pseudo-attribute `name` of the XML declaration `decl`,
// or nullopt.
std::optional<std::string_view> DeclarationValue(std::string_view decl,
                                                 std::string_view name) {
  const size_t at = decl.find(name);
  if (at == std::string_view::npos) return std::nullopt;
  const size_t quote = decl.find_first_of("\"'", at + name.size());
  if (quote == std::string_view::npos) return std::nullopt;
  const size_t end = decl.find(decl[quote], quote + 1);
  if (end == std::string_view::npos) return std::nullopt;
  return decl.substr(quote + 1, end - quote - 1);
}

// Reads the header from `prologue`, everything before the first `<trace`.
// False when ReadXes might read the file differently: an encoding other
// than UTF-8, XML 1.1, a DTD (its attribute declarations could change how
// values are normalised), or a prologue that does not close as a log.
bool ReadHeader(std::string_view prologue, const std::string& path,
                LogHeader& header) {
  std::string_view text = prologue;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  if (text.empty() || text[0] != '<') return false;
  if (text.substr(0, 5) == "<?xml") {
    const size_t end = text.find("?>");
    if (end == std::string_view::npos) return false;
    const std::string_view decl = text.substr(0, end);
    const std::optional<std::string_view> version =
        DeclarationValue(decl, "version");
    if (version && *version != "1.0") return false;
    const std::optional<std::string_view> encoding =
        DeclarationValue(decl, "encoding");
    if (encoding) {
      std::string lower(*encoding);
      for (char& c : lower) {
        c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
      }
      if (lower != "utf-8" && lower != "utf8") return false;
    }
  }
  if (text.find("<!DOCTYPE") != std::string_view::npos) return false;
  std::string document(prologue);
  document += "<trace/></log>";
  MemoryInput input(document, path);
  HeaderVisitor visitor;
  if (!ReadXesFrom(input, visitor).ok()) return false;
  header = std::move(visitor.header_);
  return true;
}

// --- The pipeline ---------------------------------------------------------

// The position of the last `<trace` that starts a tag in `text` at or after
// `from`, or npos.
size_t FindLastTraceTag(std::string_view text, size_t from) {
  size_t end = text.size();
  while (end > from) {
    const void* found = memrchr(text.data() + from, '<', end - from);
    if (found == nullptr) return std::string_view::npos;
    const size_t at =
        static_cast<size_t>(static_cast<const char*>(found) - text.data());
    const std::string_view rest = text.substr(at);
    if (rest.size() > 6 && rest.substr(1, 5) == "trace" &&
        (IsSpace(rest[6]) || rest[6] == '>' || rest[6] == '/')) {
      return at;
    }
    end = at;
  }
  return std::string_view::npos;
}

size_t FindFirstTraceTag(std::string_view text, size_t from) {
  while (true) {
    const size_t at = text.find("<trace", from);
    if (at == std::string_view::npos || at + 6 >= text.size()) {
      return std::string_view::npos;
    }
    const char next = text[at + 6];
    if (IsSpace(next) || next == '>' || next == '/') return at;
    from = at + 1;
  }
}

// Where the body ends in the last piece of the file: the `</log` that
// closes the root, followed by nothing but white space; npos when the file
// ends otherwise.
size_t FindEpilogue(std::string_view text) {
  const size_t at = text.rfind("</log");
  if (at == std::string_view::npos) return at;
  size_t i = at + 5;
  while (i < text.size() && IsSpace(text[i])) ++i;
  if (i == text.size() || text[i] != '>') return std::string_view::npos;
  for (++i; i < text.size(); ++i) {
    if (!IsSpace(text[i])) return std::string_view::npos;
  }
  return at;
}

// Bytes read from the input: a chunk, or what follows it. Unlike a
// std::string it does not zero what it grows by, which the input
// overwrites at once.
class Buffer {
 public:
  char* data() { return data_.get(); }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_.get(), size_}; }

  // Room for `n` more bytes after size(); Commit then counts those
  // written.
  char* Grow(size_t n) {
    if (size_ + n > capacity_) {
      const size_t capacity = std::max(size_ + n, capacity_ * 2);
      std::unique_ptr<char[]> data =
          std::make_unique_for_overwrite<char[]>(capacity);
      if (size_ > 0) std::memcpy(data.get(), data_.get(), size_);
      data_ = std::move(data);
      capacity_ = capacity;
    }
    return data_.get() + size_;
  }
  void Commit(size_t n) { size_ += n; }

  void Append(char c) {
    *Grow(1) = c;
    ++size_;
  }
  void Assign(std::string_view text) {
    size_ = 0;
    if (!text.empty()) std::memcpy(Grow(text.size()), text.data(), text.size());
    size_ = text.size();
  }
  // Keeps the first `n` bytes, n <= size().
  void Truncate(size_t n) { size_ = n; }
  void EraseFront(size_t n) {
    std::memmove(data_.get(), data_.get() + n, size_ - n);
    size_ -= n;
  }
  void Clear() { size_ = 0; }
  void Reserve(size_t n) {
    if (n > capacity_) Grow(n - size_);
  }
  void Swap(Buffer& other) noexcept {
    std::swap(data_, other.data_);
    std::swap(size_, other.size_);
    std::swap(capacity_, other.capacity_);
  }

 private:
  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

class Pipeline {
 public:
  // Hands the log to `visitor` as records, or to `builder` as parts; one
  // of the two is null.
  Pipeline(ByteSource& input, XesVisitor* visitor, LogBuilder* builder,
           const ParallelXesOptions& options)
      : input_(input),
        visitor_(visitor),
        builder_(builder),
        classifier_(builder != nullptr ? &builder->classifier() : nullptr),
        options_(options),
        parser_(classifier_) {
    threads_ = options.threads > 0
                   ? options.threads
                   : static_cast<int>(
                         std::max(1U, std::thread::hardware_concurrency()));
    // Enough chunks in flight that no thread waits for the one handing
    // them to the visitor or the builder.
    slots_.resize(static_cast<size_t>(threads_) * 2 + 1);
  }

  ~Pipeline() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    work_ready_.notify_all();
    for (std::thread& helper : helpers_) helper.join();
  }

  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  Result<bool> Run() {
    // The prologue: read until the first `<trace`.
    size_t cut = std::string_view::npos;
    while (cut == std::string_view::npos) {
      const size_t searched = pending_.size() > 6 ? pending_.size() - 6 : 0;
      if (!Fill(pending_)) return false;
      if (pending_.size() > kMaxPieceBytes) return false;
      cut = FindFirstTraceTag(pending_.view(), searched);
      if (cut == std::string_view::npos && eof_) return false;
    }
    const std::string prologue(pending_.view().substr(0, cut));
    pending_.EraseFront(cut);

    // The helpers parse the first chunks while this thread reads the
    // header.
    for (int i = 1; i < threads_; ++i) {
      helpers_.emplace_back([this] { HelpLoop(); });
    }
    if (!QueueChunks()) return false;
    LogHeader header;
    if (!ReadHeader(prologue, input_.path(), header)) return false;
    if (builder_ != nullptr) {
      builder_->SetHeader(header);
    } else {
      LIVESOP_RETURN_IF_ERROR(visitor_->OnLog(header));
    }

    while (delivered_ < filled_) {
      Slot& slot = slots_[delivered_ % slots_.size()];
      if (!WaitFor(slot)) return false;
      LIVESOP_ASSIGN_OR_RETURN(const bool read, Deliver(slot));
      if (!read) return false;
      slot.state = State::kFree;
      ++delivered_;
      if (!QueueChunks()) return false;
    }
    return true;
  }

 private:
  enum class State { kFree, kQueued, kParsing, kDone, kFailed };
  struct Slot {
    Buffer text;  // the chunk, NUL-terminated
    // Records: the traces. Parts: the part, and the parsed chunk it points
    // into, read into `traces` if the part cannot be merged.
    std::vector<Trace> traces;
    size_t used = 0;
    LogPart part;
    std::unique_ptr<pugi::xml_document> document;
    State state = State::kFree;
  };

  // Reads chunks into the free slots and queues them for parsing; false
  // when the fast path gives up.
  bool QueueChunks() {
    while (more_ && filled_ - delivered_ < slots_.size()) {
      Slot& slot = slots_[filled_ % slots_.size()];
      const int got = NextChunk(slot.text);
      if (got < 0) return false;
      if (got == 0) {
        more_ = false;
        break;
      }
      if (builder_ != nullptr && slot.document == nullptr) {
        slot.document = std::make_unique<pugi::xml_document>();
      }
      {
        std::lock_guard<std::mutex> lock(mutex_);
        slot.state = State::kQueued;
        queue_.push_back(filled_);
      }
      work_ready_.notify_one();
      ++filled_;
    }
    return true;
  }

  // Hands a parsed chunk over, in file order; false when the fast path
  // gives up.
  Result<bool> Deliver(Slot& slot) {
    if (builder_ == nullptr) {
      for (size_t t = 0; t < slot.used; ++t) {
        LIVESOP_RETURN_IF_ERROR(visitor_->OnTrace(slot.traces[t]));
      }
      return true;
    }
    if (builder_->AddPart(slot.part)) {
      // Its memory goes to the chunks parsed next.
      slot.document->reset();
      return true;
    }
    if (!parser_.ReadRecords(*slot.document, slot.traces, slot.used)) {
      return false;
    }
    for (size_t t = 0; t < slot.used; ++t) builder_->AddTrace(slot.traces[t]);
    return true;
  }

  // Appends what the input gives to `into`; false on a read error.
  bool Fill(Buffer& into) {
    Result<size_t> n = input_.Read(into.Grow(kReadBytes), kReadBytes);
    if (!n.ok()) return false;
    into.Commit(*n);
    if (*n == 0) eof_ = true;
    return true;
  }

  // Sets `chunk` to the next run of whole traces, NUL-terminated. Returns
  // 1, 0 at the end of the body, -1 when the fast path gives up.
  int NextChunk(Buffer& chunk) {
    if (done_) return 0;
    chunk.Swap(pending_);
    pending_.Clear();
    // Room for a chunk and the rest of its last read, so that the buffers
    // seldom move.
    chunk.Reserve(options_.chunk_bytes + kReadBytes + 1 + kChunkPadding);
    size_t searched = 0;
    while (true) {
      while (!eof_ && chunk.size() < options_.chunk_bytes) {
        if (!Fill(chunk)) return -1;
      }
      // Cut before the first trace that starts after chunk_bytes, or else
      // before the last one read, so that the next chunk starts with it; a
      // chunk of one large trace grows until the next one starts.
      size_t cut = FindFirstTraceTag(
          chunk.view(), std::max({searched, options_.chunk_bytes, size_t{1}}));
      if (cut == std::string_view::npos) {
        cut = FindLastTraceTag(chunk.view(), std::max<size_t>(searched, 1));
      }
      if (cut != std::string_view::npos) {
        pending_.Assign(chunk.view().substr(cut));
        chunk.Truncate(cut);
        break;
      }
      if (eof_) {
        const size_t end = FindEpilogue(chunk.view());
        if (end == std::string_view::npos) return -1;
        chunk.Truncate(end);
        done_ = true;
        break;
      }
      if (chunk.size() > kMaxPieceBytes) return -1;
      searched = chunk.size() > 6 ? chunk.size() - 6 : 0;
      if (!Fill(chunk)) return -1;
    }
    chunk.Append('\0');
    std::memset(chunk.Grow(kChunkPadding), 0, kChunkPadding);
    return 1;
  }

  // Waits until `slot` is parsed, parsing queued chunks meanwhile; false
  // when it failed.
  bool WaitFor(Slot& slot) {
    std::unique_lock<std::mutex> lock(mutex_);
    while (slot.state != State::kDone && slot.state != State::kFailed) {
      if (!queue_.empty()) {
        ParseNext(lock, parser_);
      } else {
        chunk_done_.wait(lock);
      }
    }
    return slot.state == State::kDone;
  }

  void HelpLoop() {
    ChunkParser parser(classifier_);
    std::unique_lock<std::mutex> lock(mutex_);
    while (true) {
      work_ready_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      ParseNext(lock, parser);
    }
  }

  // Parses the first queued chunk with `lock` released meanwhile.
  void ParseNext(std::unique_lock<std::mutex>& lock, ChunkParser& parser) {
    const size_t index = queue_.front();
    queue_.pop_front();
    Slot& slot = slots_[index % slots_.size()];
    slot.state = State::kParsing;
    lock.unlock();
    const bool ok = builder_ != nullptr
                        ? parser.ParsePart(slot.text.data(), slot.text.size(),
                                           *slot.document, slot.part)
                        : parser.Parse(slot.text.data(), slot.text.size(),
                                       slot.traces, slot.used);
    lock.lock();
    slot.state = ok ? State::kDone : State::kFailed;
    chunk_done_.notify_all();
  }

  ByteSource& input_;
  XesVisitor* visitor_;
  LogBuilder* builder_;
  const ClassifierSpec* classifier_;  // the builder's, for the parts
  const ParallelXesOptions options_;
  ChunkParser parser_;  // the calling thread's
  int threads_ = 1;

  Buffer pending_;  // read, not yet in a chunk
  bool eof_ = false;
  bool done_ = false;  // the last chunk was cut
  size_t filled_ = 0;  // chunks read
  size_t delivered_ = 0;
  bool more_ = true;  // chunks remain to be read

  std::mutex mutex_;
  std::condition_variable work_ready_;
  std::condition_variable chunk_done_;
  std::deque<size_t> queue_;  // chunks to parse, by number
  bool stop_ = false;
  std::vector<Slot> slots_;
  std::vector<std::thread> helpers_;
};

}  // namespace

Result<bool> ReadXesParallel(ByteSource& input, XesVisitor& visitor,
                             const ParallelXesOptions& options) {
  Pipeline pipeline(input, &visitor, nullptr, options);
  return pipeline.Run();
}

bool ReadLogParallel(ByteSource& input, LogBuilder& builder,
                     const ParallelXesOptions& options) {
  Pipeline pipeline(input, nullptr, &builder, options);
  Result<bool> read = pipeline.Run();
  // The builder returns no errors; the visitor that could is not there.
  return read.ok() && *read;
}

}  // namespace livesop::eventlog::internal

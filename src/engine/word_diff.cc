#include "engine/word_diff.h"

#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>

namespace livesop::engine {
namespace {

enum class CharClass { kWord, kSpace, kMark, kSingle };

// Decodes the code point at `text[at]`; `*length` gets its length in bytes.
// Returns -1 (with length 1) for a byte that does not start valid UTF-8.
int32_t Decode(std::string_view text, size_t at, size_t* length) {
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[at + i]);
  };
  const unsigned char c = byte(0);
  *length = 1;
  if (c < 0x80) return c;
  size_t n = 0;
  int32_t cp = 0;
  int32_t min = 0;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
    min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
    min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
    min = 0x10000;
  } else {
    return -1;
  }
  if (at + n > text.size()) return -1;
  for (size_t i = 1; i < n; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  // Overlong forms, surrogates and values past Unicode are not UTF-8.
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *length = n;
  return cp;
}

bool In(int32_t cp, int32_t from, int32_t to) { return cp >= from && cp <= to; }

// What a code point is for splitting: part of a word, whitespace, a mark
// that belongs to the character before it, or a token of its own
// (punctuation, symbols, emoji, CJK ideographs and kana, bytes that are
// not UTF-8). Without a Unicode database, the ranges below cover the
// scripts and punctuation marketing copy uses; every other letter of any
// script is a word character.
CharClass Classify(int32_t cp) {
  if (cp < 0) return CharClass::kSingle;
  if (cp < 0x80) {
    if (cp == ' ' || (cp >= '\t' && cp <= '\r')) return CharClass::kSpace;
    if ((cp >= '0' && cp <= '9') || (cp >= 'A' && cp <= 'Z') ||
        (cp >= 'a' && cp <= 'z') || cp == '_') {
      return CharClass::kWord;
    }
    return CharClass::kSingle;
  }
  if (cp == 0x85 || cp == 0xA0 || cp == 0x1680 || In(cp, 0x2000, 0x200A) ||
      cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F ||
      cp == 0x3000) {
    return CharClass::kSpace;
  }
  if (In(cp, 0x0300, 0x036F) || In(cp, 0x1AB0, 0x1AFF) ||
      In(cp, 0x1DC0, 0x1DFF) || In(cp, 0x20D0, 0x20FF) ||
      In(cp, 0xFE00, 0xFE0F) || In(cp, 0xFE20, 0xFE2F) || cp == 0x200D ||
      In(cp, 0x1F3FB, 0x1F3FF) || In(cp, 0xE0100, 0xE01EF)) {
    return CharClass::kMark;
  }
  if (In(cp, 0x80, 0x9F)) return CharClass::kSingle;  // C1 controls
  if (In(cp, 0xA1, 0xBF)) {
    // Latin-1 punctuation and symbols; ª º µ and the superscript digits
    // and fractions are parts of words.
    return cp == 0xAA || cp == 0xB2 || cp == 0xB3 || cp == 0xB5 || cp == 0xB9 ||
                   cp == 0xBA || In(cp, 0xBC, 0xBE)
               ? CharClass::kWord
               : CharClass::kSingle;
  }
  if (cp == 0xD7 || cp == 0xF7) return CharClass::kSingle;  // × ÷
  if (In(cp, 0x2010, 0x2027) || In(cp, 0x2030, 0x205E) ||
      In(cp, 0x20A0, 0x20CF) || In(cp, 0x2100, 0x214F) ||
      In(cp, 0x2190, 0x2BFF) || In(cp, 0x3001, 0x303F) ||
      In(cp, 0x3040, 0x30FF) || In(cp, 0x3400, 0x4DBF) ||
      In(cp, 0x4E00, 0x9FFF) || In(cp, 0xF900, 0xFAFF) ||
      In(cp, 0xFE30, 0xFE4F) || In(cp, 0xFF01, 0xFF0F) ||
      In(cp, 0xFF1A, 0xFF20) || In(cp, 0xFF3B, 0xFF40) ||
      In(cp, 0xFF5B, 0xFF65) || In(cp, 0x1F000, 0x1FAFF) ||
      In(cp, 0x20000, 0x3FFFF)) {
    return CharClass::kSingle;
  }
  return CharClass::kWord;
}

bool IsSpace(std::string_view token) {
  size_t length = 0;
  return !token.empty() &&
         Classify(Decode(token, 0, &length)) == CharClass::kSpace;
}

// A stretch of the edit script: equal tokens (a and b ranges of one
// length), or a change that deletes a[a_begin, a_end) and inserts
// b[b_begin, b_end) in their place.
struct Segment {
  bool equal = false;
  size_t a_begin = 0;
  size_t a_end = 0;
  size_t b_begin = 0;
  size_t b_end = 0;
};

// Myers' difference algorithm, linear-space form: the middle snake of each
// range splits it in two, until a range is trivial. Its output is the
// sequence of ops, one per token (an equal token advances both texts).
class Differ {
 public:
  Differ(const std::vector<int>& a, const std::vector<int>& b,
         int64_t max_steps)
      : a_(a), b_(b), steps_left_(max_steps) {}

  std::vector<DiffOp> Run() {
    Diff(0, a_.size(), 0, b_.size());
    return std::move(ops_);
  }
  bool approximate() const { return approximate_; }

 private:
  void Emit(DiffOp op, size_t count) { ops_.insert(ops_.end(), count, op); }

  void Diff(size_t a0, size_t a1, size_t b0, size_t b1) {
    size_t prefix = 0;
    while (a0 + prefix < a1 && b0 + prefix < b1 &&
           a_[a0 + prefix] == b_[b0 + prefix]) {
      ++prefix;
    }
    Emit(DiffOp::kEqual, prefix);
    a0 += prefix;
    b0 += prefix;
    size_t suffix = 0;
    while (a1 - suffix > a0 && b1 - suffix > b0 &&
           a_[a1 - suffix - 1] == b_[b1 - suffix - 1]) {
      ++suffix;
    }
    a1 -= suffix;
    b1 -= suffix;
    if (a0 == a1) {
      Emit(DiffOp::kInsert, b1 - b0);
    } else if (b0 == b1) {
      Emit(DiffOp::kDelete, a1 - a0);
    } else {
      size_t x = 0;
      size_t y = 0;
      const Split split = Bisect(a0, a1, b0, b1, &x, &y);
      if (split == Split::kFound) {
        Diff(a0, x, b0, y);
        Diff(x, a1, y, b1);
      } else {
        // Nothing in common (exact), or out of time (approximate).
        approximate_ = approximate_ || split == Split::kOutOfSteps;
        Emit(DiffOp::kDelete, a1 - a0);
        Emit(DiffOp::kInsert, b1 - b0);
      }
    }
    Emit(DiffOp::kEqual, suffix);
  }

  enum class Split { kFound, kNothingInCommon, kOutOfSteps };

  // Finds the middle snake of a[a0, a1) and b[b0, b1), both non-empty and
  // with different first and last tokens: the paths from the start and
  // from the end meet at (*x, *y), a split of a shortest edit script. The
  // paths meet before d reaches half the total length unless the ranges
  // have no token in common.
  Split Bisect(size_t a0, size_t a1, size_t b0, size_t b1, size_t* x,
               size_t* y) {
    const int64_t n = static_cast<int64_t>(a1 - a0);
    const int64_t m = static_cast<int64_t>(b1 - b0);
    const int64_t max_d = (n + m + 1) / 2;
    const int64_t offset = max_d + 1;
    const size_t length = static_cast<size_t>(2 * max_d + 3);
    std::vector<int64_t> forward(length, -1);
    std::vector<int64_t> reverse(length, -1);
    forward[offset + 1] = 0;
    reverse[offset + 1] = 0;
    const int64_t delta = n - m;
    // With an odd delta the forward path meets the reverse one, else the
    // reverse meets the forward.
    const bool front = delta % 2 != 0;
    int64_t k1_start = 0;
    int64_t k1_end = 0;
    int64_t k2_start = 0;
    int64_t k2_end = 0;
    const auto A = [&](int64_t i) { return a_[a0 + static_cast<size_t>(i)]; };
    const auto B = [&](int64_t j) { return b_[b0 + static_cast<size_t>(j)]; };
    for (int64_t d = 0; d < max_d; ++d) {
      if (steps_left_ <= 0) return Split::kOutOfSteps;
      for (int64_t k1 = -d + k1_start; k1 <= d - k1_end; k1 += 2) {
        const int64_t k1_at = offset + k1;
        int64_t x1 =
            k1 == -d || (k1 != d && forward[k1_at - 1] < forward[k1_at + 1])
                ? forward[k1_at + 1]
                : forward[k1_at - 1] + 1;
        int64_t y1 = x1 - k1;
        const int64_t snake_from = x1;
        while (x1 < n && y1 < m && A(x1) == B(y1)) {
          ++x1;
          ++y1;
        }
        steps_left_ -= 1 + x1 - snake_from;
        forward[k1_at] = x1;
        if (x1 > n) {
          k1_end += 2;  // ran off the right
        } else if (y1 > m) {
          k1_start += 2;  // ran off the bottom
        } else if (front) {
          const int64_t k2_at = offset + delta - k1;
          if (k2_at >= 0 && k2_at < static_cast<int64_t>(length) &&
              reverse[k2_at] != -1 && x1 >= n - reverse[k2_at]) {
            *x = a0 + static_cast<size_t>(x1);
            *y = b0 + static_cast<size_t>(y1);
            return Split::kFound;
          }
        }
      }
      for (int64_t k2 = -d + k2_start; k2 <= d - k2_end; k2 += 2) {
        const int64_t k2_at = offset + k2;
        int64_t x2 =
            k2 == -d || (k2 != d && reverse[k2_at - 1] < reverse[k2_at + 1])
                ? reverse[k2_at + 1]
                : reverse[k2_at - 1] + 1;
        int64_t y2 = x2 - k2;
        const int64_t snake_from = x2;
        while (x2 < n && y2 < m && A(n - x2 - 1) == B(m - y2 - 1)) {
          ++x2;
          ++y2;
        }
        steps_left_ -= 1 + x2 - snake_from;
        reverse[k2_at] = x2;
        if (x2 > n) {
          k2_end += 2;
        } else if (y2 > m) {
          k2_start += 2;
        } else if (!front) {
          const int64_t k1_at = offset + delta - k2;
          if (k1_at >= 0 && k1_at < static_cast<int64_t>(length) &&
              forward[k1_at] != -1) {
            const int64_t x1 = forward[k1_at];
            const int64_t y1 = x1 - (k1_at - offset);
            if (x1 >= n - x2) {
              *x = a0 + static_cast<size_t>(x1);
              *y = b0 + static_cast<size_t>(y1);
              return Split::kFound;
            }
          }
        }
      }
    }
    return Split::kNothingInCommon;
  }

  const std::vector<int>& a_;
  const std::vector<int>& b_;
  int64_t steps_left_;
  bool approximate_ = false;
  std::vector<DiffOp> ops_;
};

// The segments of an edit script: maximal runs of equal tokens, and
// between them the tokens deleted and inserted.
std::vector<Segment> Segments(const std::vector<DiffOp>& ops) {
  std::vector<Segment> out;
  size_t i = 0;
  size_t j = 0;
  for (DiffOp op : ops) {
    const bool equal = op == DiffOp::kEqual;
    if (out.empty() || out.back().equal != equal) {
      out.push_back({equal, i, i, j, j});
    }
    Segment& s = out.back();
    if (op != DiffOp::kInsert) s.a_end = ++i;
    if (op != DiffOp::kDelete) s.b_end = ++j;
  }
  return out;
}

// Drops the equal segments sliding emptied and joins the changes they
// separated.
void Normalize(std::vector<Segment>& segments) {
  std::vector<Segment> out;
  for (const Segment& s : segments) {
    if (s.equal && s.a_begin == s.a_end) continue;
    if (!out.empty() && !out.back().equal && !s.equal) {
      out.back().a_end = s.a_end;
      out.back().b_end = s.b_end;
      continue;
    }
    out.push_back(s);
  }
  segments = std::move(out);
}

class Cleanup {
 public:
  Cleanup(const std::vector<std::string_view>& a,
          const std::vector<std::string_view>& b)
      : a_(a), b_(b) {}

  // Moves each pure insertion or deletion to where it starts or ends at a
  // word's edge, among the places it can equally be (a deletion of "b " or
  // " b" from "a b c"); of places as good, the last.
  void Slide(std::vector<Segment>& segments) const {
    // Empty equal segments at both ends give every change two neighbours.
    if (!segments.empty() && !segments.front().equal) {
      segments.insert(segments.begin(), Segment{true, 0, 0, 0, 0});
    }
    if (!segments.empty() && !segments.back().equal) {
      const Segment& last = segments.back();
      segments.push_back(
          {true, last.a_end, last.a_end, last.b_end, last.b_end});
    }
    for (size_t s = 1; s + 1 < segments.size(); ++s) {
      Segment& change = segments[s];
      Segment& before = segments[s - 1];
      Segment& after = segments[s + 1];
      if (change.equal || !before.equal || !after.equal) continue;
      const bool deletion = change.b_begin == change.b_end;
      const bool insertion = change.a_begin == change.a_end;
      if (deletion == insertion) continue;
      const std::vector<std::string_view>& tokens = deletion ? a_ : b_;
      size_t& begin = deletion ? change.a_begin : change.b_begin;
      size_t& end = deletion ? change.a_end : change.b_end;
      const size_t low = deletion ? before.a_begin : before.b_begin;
      const size_t high = deletion ? after.a_end : after.b_end;
      size_t left = begin;
      size_t width = end - begin;
      while (left > low && tokens[left - 1] == tokens[left - 1 + width]) {
        --left;
      }
      size_t best = left;
      int best_score = -1;
      for (size_t at = left;; ++at) {
        const int score = Score(tokens, at, at + width);
        if (score >= best_score) {
          best = at;
          best_score = score;
        }
        if (at + width >= high || tokens[at] != tokens[at + width]) break;
      }
      begin = best;
      end = best + width;
      // The equal neighbours give and take what the change moved over,
      // keeping their two sides the same length.
      if (deletion) {
        before.a_end = begin;
        before.b_end = before.b_begin + (before.a_end - before.a_begin);
        after.a_begin = end;
        after.b_begin = after.b_end - (after.a_end - after.a_begin);
        change.b_begin = change.b_end = before.b_end;
      } else {
        before.b_end = begin;
        before.a_end = before.a_begin + (before.b_end - before.b_begin);
        after.b_begin = end;
        after.a_begin = after.a_end - (after.b_end - after.b_begin);
        change.a_begin = change.a_end = before.a_end;
      }
    }
  }

  // Joins two replacements separated only by whitespace into one, so
  // "[-a-]{+x+} [-b-]{+y+}" reads "[-a b-]{+x y+}".
  void JoinReplacements(std::vector<Segment>& segments) const {
    std::vector<Segment> out;
    for (const Segment& s : segments) {
      out.push_back(s);
      while (out.size() >= 3) {
        const Segment& first = out[out.size() - 3];
        const Segment& gap = out[out.size() - 2];
        const Segment& second = out.back();
        if (!IsReplacement(first) || !gap.equal || !IsReplacement(second) ||
            !AllSpace(gap)) {
          break;
        }
        Segment joined{false, first.a_begin, second.a_end, first.b_begin,
                       second.b_end};
        out.resize(out.size() - 3);
        out.push_back(joined);
      }
    }
    segments = std::move(out);
  }

 private:
  static bool IsReplacement(const Segment& s) {
    return !s.equal && s.a_begin < s.a_end && s.b_begin < s.b_end;
  }

  bool AllSpace(const Segment& s) const {
    for (size_t i = s.a_begin; i < s.a_end; ++i) {
      if (!IsSpace(a_[i])) return false;
    }
    return s.a_begin < s.a_end;
  }

  // How well tokens[begin, end) sits as a change: one point for starting
  // a word (after whitespace or at the start of the text), one for ending
  // one (before whitespace or at the end).
  static int Score(const std::vector<std::string_view>& tokens, size_t begin,
                   size_t end) {
    int score = 0;
    if (!IsSpace(tokens[begin]) && (begin == 0 || IsSpace(tokens[begin - 1]))) {
      ++score;
    }
    if (!IsSpace(tokens[end - 1]) &&
        (end == tokens.size() || IsSpace(tokens[end]))) {
      ++score;
    }
    return score;
  }

  const std::vector<std::string_view>& a_;
  const std::vector<std::string_view>& b_;
};

// The text of tokens[begin, end): they are contiguous in their source.
std::string Join(const std::vector<std::string_view>& tokens, size_t begin,
                 size_t end) {
  if (begin >= end) return {};
  const char* first = tokens[begin].data();
  const char* last = tokens[end - 1].data() + tokens[end - 1].size();
  return std::string(first, static_cast<size_t>(last - first));
}

int64_t Words(const std::vector<std::string_view>& tokens, size_t begin,
              size_t end) {
  int64_t words = 0;
  for (size_t i = begin; i < end; ++i) words += IsSpace(tokens[i]) ? 0 : 1;
  return words;
}

void Append(std::vector<DiffRun>& runs, DiffOp op, std::string text) {
  if (text.empty()) return;
  if (!runs.empty() && runs.back().op == op) {
    runs.back().text += text;
    return;
  }
  runs.push_back({op, std::move(text)});
}

}  // namespace

const char* DiffOpName(DiffOp op) {
  switch (op) {
    case DiffOp::kEqual:
      return "equal";
    case DiffOp::kDelete:
      return "delete";
    case DiffOp::kInsert:
      return "insert";
  }
  return "equal";
}

std::vector<std::string_view> WordTokens(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t start = 0;
  CharClass current = CharClass::kSingle;
  bool open = false;  // a word or whitespace token is being extended
  size_t at = 0;
  while (at < text.size()) {
    size_t length = 0;
    const CharClass c = Classify(Decode(text, at, &length));
    if (c == CharClass::kMark && at > 0) {
      // Belongs to the character before it, whatever its token.
      at += length;
      continue;
    }
    const bool extends = open && c == current && c != CharClass::kSingle;
    if (!extends) {
      if (at > start) tokens.push_back(text.substr(start, at - start));
      start = at;
      current = c == CharClass::kMark ? CharClass::kWord : c;
      open = current != CharClass::kSingle;
    }
    at += length;
  }
  if (at > start) tokens.push_back(text.substr(start, at - start));
  return tokens;
}

WordDiff DiffWords(std::string_view before, std::string_view after,
                   const DiffOptions& options) {
  const std::vector<std::string_view> a = WordTokens(before);
  const std::vector<std::string_view> b = WordTokens(after);
  // Tokens as numbers: equal text, equal number.
  std::unordered_map<std::string_view, int> ids;
  auto intern = [&](const std::vector<std::string_view>& tokens) {
    std::vector<int> out;
    out.reserve(tokens.size());
    for (std::string_view t : tokens) {
      out.push_back(ids.emplace(t, static_cast<int>(ids.size())).first->second);
    }
    return out;
  };
  const std::vector<int> a_ids = intern(a);
  const std::vector<int> b_ids = intern(b);
  Differ differ(a_ids, b_ids, options.max_steps);
  std::vector<Segment> segments = Segments(differ.Run());
  const Cleanup cleanup(a, b);
  cleanup.Slide(segments);
  Normalize(segments);
  cleanup.JoinReplacements(segments);

  WordDiff diff;
  diff.approximate = differ.approximate();
  for (const Segment& s : segments) {
    if (s.equal) {
      Append(diff.runs, DiffOp::kEqual, Join(b, s.b_begin, s.b_end));
      diff.unchanged_words += Words(b, s.b_begin, s.b_end);
      continue;
    }
    Append(diff.runs, DiffOp::kDelete, Join(a, s.a_begin, s.a_end));
    Append(diff.runs, DiffOp::kInsert, Join(b, s.b_begin, s.b_end));
    diff.deleted_words += Words(a, s.a_begin, s.a_end);
    diff.inserted_words += Words(b, s.b_begin, s.b_end);
  }
  return diff;
}

std::string WordDiffText(const WordDiff& diff) {
  std::string out;
  for (const DiffRun& run : diff.runs) {
    switch (run.op) {
      case DiffOp::kEqual:
        out += run.text;
        break;
      case DiffOp::kDelete:
        out += "[-" + run.text + "-]";
        break;
      case DiffOp::kInsert:
        out += "{+" + run.text + "+}";
        break;
    }
  }
  return out;
}

nlohmann::json WordDiffToJson(const WordDiff& diff) {
  nlohmann::json runs = nlohmann::json::array();
  for (const DiffRun& run : diff.runs) {
    runs.push_back({{"op", DiffOpName(run.op)}, {"text", run.text}});
  }
  return {{"runs", std::move(runs)},
          {"deleted_words", diff.deleted_words},
          {"inserted_words", diff.inserted_words},
          {"unchanged_words", diff.unchanged_words},
          {"approximate", diff.approximate}};
}

}  // namespace livesop::engine

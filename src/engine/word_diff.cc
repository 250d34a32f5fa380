#include "engine/word_diff.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>
#include <dtl/dtl.hpp>

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <utility>

namespace livesop::engine {
namespace {

// A token, and whether it is whitespace: whitespace is not counted as a
// word, and changes are moved to start and end next to it.
struct Token {
  std::string_view text;
  bool space = false;
};

// ICU's break iterators count positions in int32_t, so a longer text is
// split into pieces of at most this many bytes, cut between characters.
constexpr size_t kMaxPieceBytes = size_t{1} << 30;

// Punctuation (other than the connectors such as "_" that UAX #29 counts
// as part of a word), symbols and separators: each is a token of its own,
// even where UAX #29 keeps it inside a word ("50.000", "Ümit’s").
bool StandsAlone(UChar32 c) {
  constexpr uint32_t kAlone =
      (U_GC_P_MASK & ~U_GC_PC_MASK) | U_GC_S_MASK | U_GC_Z_MASK;
  const uint32_t category = U_GET_GC_MASK(c);
  // The whitespace that is not a separator (Z) is a control: tab, line
  // feed, carriage return and the like.
  return (category & kAlone) != 0 ||
         ((category & U_GC_CC_MASK) != 0 && u_isUWhiteSpace(c) != 0);
}

// Splits text into tokens with ICU: UAX #29 word boundaries from a word
// break iterator, grapheme clusters from a character break iterator.
class Tokenizer {
 public:
  Tokenizer() {
    UErrorCode status = U_ZERO_ERROR;
    words_.reset(
        icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    clusters_.reset(icu::BreakIterator::createCharacterInstance(
        icu::Locale::getRoot(), status));
    if (U_FAILURE(status)) {
      words_.reset();
      clusters_.reset();
    }
  }

  // Appends the tokens of `piece` (at most kMaxPieceBytes) to `out`, the
  // tokens of the text before it.
  void Split(std::string_view piece, std::vector<Token>& out) {
    piece_ = piece;
    UErrorCode status = U_ZERO_ERROR;
    // Over UTF-8, ICU's positions are byte offsets into `piece`; an
    // ill-formed sequence reads as U+FFFD and keeps its bytes' offsets.
    icu::LocalUTextPointer text(utext_openUTF8(
        nullptr, piece.data(), static_cast<int64_t>(piece.size()), &status));
    if (words_ != nullptr) {
      words_->setText(text.getAlias(), status);
      clusters_->setText(text.getAlias(), status);
    }
    if (words_ == nullptr || U_FAILURE(status)) {
      // ICU's data is part of Debian's libicu, so this is not expected;
      // one token for the piece still rebuilds the text, only coarsely.
      Emit({piece, false}, out);
      return;
    }
    int32_t start = words_->first();
    for (int32_t end = words_->next(); end != icu::BreakIterator::DONE;
         start = end, end = words_->next()) {
      AddSegment(start, end, words_->getRuleStatus(), out);
    }
  }

 private:
  // UAX #29 keeps a run of spaces together but makes each line break and
  // tab a segment of its own; here any run of whitespace is one token, so
  // a blank line is one change, not two.
  static void Emit(Token token, std::vector<Token>& out) {
    if (!out.empty() && out.back().space && token.space) {
      // The tokens before are the text before, so the two are neighbours.
      Token& last = out.back();
      last.text = std::string_view(last.text.data(),
                                   last.text.size() + token.text.size());
      return;
    }
    out.push_back(token);
  }

  const uint8_t* Bytes() const {
    return reinterpret_cast<const uint8_t*>(piece_.data());
  }

  // The token piece_[begin, end), well-formed UTF-8; whitespace if its
  // first character is.
  Token MakeToken(int32_t begin, int32_t end) const {
    UChar32 first = 0;
    int32_t at = begin;
    U8_NEXT(Bytes(), at, end, first);
    return {piece_.substr(static_cast<size_t>(begin),
                          static_cast<size_t>(end - begin)),
            first >= 0 && u_isUWhiteSpace(first) != 0};
  }

  // One segment between two word boundaries, with the status of the rule
  // that ended it (UBRK_WORD_NONE for spaces, punctuation, symbols and
  // emoji; UBRK_WORD_NUMBER, _LETTER, _KANA, _IDEO for words).
  void AddSegment(int32_t begin, int32_t end, int32_t rule_status,
                  std::vector<Token>& out) const {
    bool ill_formed = false;
    bool has_alone = false;
    for (int32_t at = begin; at < end;) {
      UChar32 c = 0;
      U8_NEXT(Bytes(), at, end, c);
      if (c < 0) {
        ill_formed = true;
      } else if (StandsAlone(c)) {
        has_alone = true;
      }
    }
    if (ill_formed) {
      SplitIllFormed(begin, end, out);
    } else if (rule_status >= UBRK_WORD_KANA &&
               rule_status < UBRK_WORD_IDEO_LIMIT) {
      // ICU segments Chinese and Japanese with a dictionary; the promise
      // here is one token per ideograph or kana, as those scripts put no
      // spaces between words and a dictionary's choices would make
      // changes look larger than they are.
      SplitClusters(begin, end, /*every_cluster=*/true, out);
    } else if (rule_status >= UBRK_WORD_NONE_LIMIT && has_alone) {
      SplitClusters(begin, end, /*every_cluster=*/false, out);
    } else {
      Emit(MakeToken(begin, end), out);
    }
  }

  // Splits piece_[begin, end) between grapheme clusters, so a combining
  // mark, a skin tone or a joined emoji stays with its character. Every
  // cluster is a token if `every_cluster`; otherwise the clusters that
  // stand alone are, and the runs between them are one token each.
  void SplitClusters(int32_t begin, int32_t end, bool every_cluster,
                     std::vector<Token>& out) const {
    int32_t run = begin;
    for (int32_t at = begin; at < end;) {
      int32_t next = clusters_->following(at);
      if (next <= at || next > end) next = end;
      UChar32 first = 0;
      int32_t after_first = at;
      U8_NEXT(Bytes(), after_first, end, first);
      if (every_cluster || StandsAlone(first)) {
        if (run < at) Emit(MakeToken(run, at), out);
        Emit(MakeToken(at, next), out);
        run = next;
      }
      at = next;
    }
    if (run < end) Emit(MakeToken(run, end), out);
  }

  // A segment with bytes that are not UTF-8 (ICU read them as U+FFFD):
  // each such byte is a token, the well-formed runs between them too.
  void SplitIllFormed(int32_t begin, int32_t end,
                      std::vector<Token>& out) const {
    int32_t run = begin;
    for (int32_t at = begin; at < end;) {
      const int32_t from = at;
      UChar32 c = 0;
      U8_NEXT(Bytes(), at, end, c);
      if (c >= 0) continue;
      if (run < from) Emit(MakeToken(run, from), out);
      for (int32_t i = from; i < at; ++i) {
        Emit({piece_.substr(static_cast<size_t>(i), 1), false}, out);
      }
      run = at;
    }
    if (run < end) Emit(MakeToken(run, end), out);
  }

  std::unique_ptr<icu::BreakIterator> words_;
  std::unique_ptr<icu::BreakIterator> clusters_;
  std::string_view piece_;
};

// The tokens of `text`, in order; joined, they are `text`.
std::vector<Token> Tokenize(std::string_view text) {
  std::vector<Token> tokens;
  Tokenizer tokenizer;
  while (!text.empty()) {
    size_t size = std::min(text.size(), kMaxPieceBytes);
    // Back over the continuation bytes of a character cut in two (UTF-8
    // has at most three).
    for (int back = 0; back < 3 && size < text.size() &&
                       U8_IS_TRAIL(static_cast<uint8_t>(text[size]));
         ++back) {
      --size;
    }
    tokenizer.Split(text.substr(0, size), tokens);
    text.remove_prefix(size);
  }
  return tokens;
}

// How many more pairs of tokens dtl may compare.
struct StepBudget {
  int64_t left = 0;
  bool spent = false;  // some comparison was refused
};

// dtl's comparator, its one hook into the inner loop, bounds the work:
// once the steps are spent every pair of tokens compares as different.
// dtl then finishes quickly (it can no longer follow runs of equal tokens,
// and stops at its own limit of path points), with an edit script that
// may delete and insert more than needed.
class CountedEquality {
 public:
  explicit CountedEquality(StepBudget* budget) : budget_(budget) {}

  bool impl(int a, int b) const {
    if (budget_->left <= 0) {
      budget_->spent = true;
      return false;
    }
    --budget_->left;
    return a == b;
  }

 private:
  StepBudget* budget_;
};

// dtl's storage hook (Diff::storeSES): the op of each element of the edit
// script, in order.
template <typename SesElem, typename Ops>
class OpRecorder {
 public:
  explicit OpRecorder(Ops& ops) : ops_(ops) {}

  void operator()(const SesElem& element) const {
    switch (element.second.type) {
      case dtl::SES_ADD:
        ops_.push_back(DiffOp::kInsert);
        break;
      case dtl::SES_DELETE:
        ops_.push_back(DiffOp::kDelete);
        break;
      default:
        ops_.push_back(DiffOp::kEqual);
        break;
    }
  }

 private:
  Ops& ops_;
};

// Whether dtl stopped at its limit of recorded path points
// (dtl::MAX_CORDINATES_SIZE) and, asked for an "unserious" difference,
// gave the rest as deleted and inserted whole. dtl does not report it, but
// its edit distance shows it. Its O(NP) search over sequences whose
// lengths differ by delta records delta + 2q + 1 path points in round q,
// so (p + 1)(delta + 1) + p(p + 1) after rounds 0 to p, and starts a round
// only while fewer than the limit are recorded. A complete search ending
// in round p reports delta + 2p; a stopped one adds what it gave whole to
// the rounds it ran, which puts p past the limit.
bool StoppedAtPathLimit(size_t m, size_t n, long long distance) {
  const unsigned long long delta = m > n ? m - n : n - m;
  const auto d = static_cast<unsigned long long>(distance);
  if (d <= delta) return false;
  const unsigned long long p = (d - delta) / 2;
  if (p >= dtl::MAX_CORDINATES_SIZE) return true;
  const unsigned long long points_before_round_p =
      p * (delta + 1) + (p - 1) * p;
  return points_before_round_p >= dtl::MAX_CORDINATES_SIZE;
}

struct EditScript {
  std::vector<DiffOp> ops;  // one per token; kEqual advances both texts
  bool approximate = false;
};

// The shortest edit script from token ids `a` to `b`, from dtl (Wu,
// Manber and Myers' O(NP) algorithm), bounded by `max_steps` comparisons.
EditScript ShortestEditScript(const std::vector<int>& a,
                              const std::vector<int>& b, int64_t max_steps) {
  // The common start and end are set aside first: it is cheap, and dtl's
  // time and memory then go to the part that changed.
  size_t prefix = 0;
  while (prefix < a.size() && prefix < b.size() && a[prefix] == b[prefix]) {
    ++prefix;
  }
  size_t suffix = 0;
  while (suffix < a.size() - prefix && suffix < b.size() - prefix &&
         a[a.size() - 1 - suffix] == b[b.size() - 1 - suffix]) {
    ++suffix;
  }
  const std::vector<int> a_changed(
      a.begin() + static_cast<std::ptrdiff_t>(prefix),
      a.end() - static_cast<std::ptrdiff_t>(suffix));
  const std::vector<int> b_changed(
      b.begin() + static_cast<std::ptrdiff_t>(prefix),
      b.end() - static_cast<std::ptrdiff_t>(suffix));
  EditScript script;
  script.ops.reserve(a.size() + b.size());
  script.ops.insert(script.ops.end(), prefix, DiffOp::kEqual);
  if (a_changed.empty() || b_changed.empty()) {
    script.ops.insert(script.ops.end(), a_changed.size(), DiffOp::kDelete);
    script.ops.insert(script.ops.end(), b_changed.size(), DiffOp::kInsert);
  } else {
    StepBudget budget{max_steps};
    dtl::Diff<int, std::vector<int>, CountedEquality> diff(
        a_changed, b_changed, CountedEquality(&budget));
    // Past dtl's limit of path points, the rest as one deletion and one
    // insertion, rather than dtl's default of searching again on the rest,
    // each time up to the limit (time without a useful bound).
    diff.onUnserious();
    diff.compose();
    diff.storeSES<std::vector<DiffOp>, OpRecorder>(script.ops);
    script.approximate =
        budget.spent || StoppedAtPathLimit(a_changed.size(), b_changed.size(),
                                           diff.getEditDistance());
  }
  script.ops.insert(script.ops.end(), suffix, DiffOp::kEqual);
  return script;
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
  Cleanup(const std::vector<Token>& a, const std::vector<Token>& b)
      : a_(a), b_(b) {}

  // Moves each pure insertion or deletion to where it starts or ends at a
  // word's edge, among the places it can equally be (a deletion of "b " or
  // " b" from "a b c"); of places as good, one next to another change (the
  // two then read as one: "[-a b-]{+x+} c", not "[-a-]{+x+} [-b -]c"),
  // else the last.
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
      const std::vector<Token>& tokens = deletion ? a_ : b_;
      size_t& begin = deletion ? change.a_begin : change.b_begin;
      size_t& end = deletion ? change.a_end : change.b_end;
      const size_t low = deletion ? before.a_begin : before.b_begin;
      const size_t high = deletion ? after.a_end : after.b_end;
      size_t left = begin;
      size_t width = end - begin;
      while (left > low &&
             tokens[left - 1].text == tokens[left - 1 + width].text) {
        --left;
      }
      // Segments alternate, equal and not: the change two places away is
      // the one a slide to the end of its equal neighbour would touch.
      const bool change_before = s >= 2;
      const bool change_after = s + 2 < segments.size();
      size_t best = left;
      int best_score = -1;
      for (size_t at = left;; ++at) {
        const bool touches = (change_before && at == low) ||
                             (change_after && at + width == high);
        const int score = 2 * Score(tokens, at, at + width) + (touches ? 1 : 0);
        if (score >= best_score) {
          best = at;
          best_score = score;
        }
        if (at + width >= high || tokens[at].text != tokens[at + width].text)
          break;
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
      if (!a_[i].space) return false;
    }
    return s.a_begin < s.a_end;
  }

  // How well tokens[begin, end) sits as a change: one point for starting
  // a word (after whitespace or at the start of the text), one for ending
  // one (before whitespace or at the end).
  static int Score(const std::vector<Token>& tokens, size_t begin, size_t end) {
    int score = 0;
    if (!tokens[begin].space && (begin == 0 || tokens[begin - 1].space)) {
      ++score;
    }
    if (!tokens[end - 1].space && (end == tokens.size() || tokens[end].space)) {
      ++score;
    }
    return score;
  }

  const std::vector<Token>& a_;
  const std::vector<Token>& b_;
};

// The text of tokens[begin, end): they are contiguous in their source.
std::string Join(const std::vector<Token>& tokens, size_t begin, size_t end) {
  if (begin >= end) return {};
  const char* first = tokens[begin].text.data();
  const char* last = tokens[end - 1].text.data() + tokens[end - 1].text.size();
  return std::string(first, static_cast<size_t>(last - first));
}

int64_t Words(const std::vector<Token>& tokens, size_t begin, size_t end) {
  int64_t words = 0;
  for (size_t i = begin; i < end; ++i) words += tokens[i].space ? 0 : 1;
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
  std::vector<std::string_view> out;
  for (const Token& token : Tokenize(text)) out.push_back(token.text);
  return out;
}

WordDiff DiffWords(std::string_view before, std::string_view after,
                   const DiffOptions& options) {
  const std::vector<Token> a = Tokenize(before);
  const std::vector<Token> b = Tokenize(after);
  // Tokens as numbers: equal text, equal number.
  std::unordered_map<std::string_view, int> ids;
  auto intern = [&](const std::vector<Token>& tokens) {
    std::vector<int> out;
    out.reserve(tokens.size());
    for (const Token& t : tokens) {
      out.push_back(
          ids.emplace(t.text, static_cast<int>(ids.size())).first->second);
    }
    return out;
  };
  const std::vector<int> a_ids = intern(a);
  const std::vector<int> b_ids = intern(b);
  const EditScript script = ShortestEditScript(a_ids, b_ids, options.max_steps);
  std::vector<Segment> segments = Segments(script.ops);
  const Cleanup cleanup(a, b);
  cleanup.Slide(segments);
  Normalize(segments);
  cleanup.JoinReplacements(segments);

  WordDiff diff;
  diff.approximate = script.approximate;
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

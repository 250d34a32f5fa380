// Word-level differences between two texts, for the revision log of
// campaign documents (docs/documents.md): which words were deleted and
// which inserted, as data, as text with [-deleted-]{+inserted+} markers
// (like `git diff --word-diff`) and as JSON.
//
// Texts are split into tokens with ICU's word break iterator (the word
// boundaries of Unicode's UAX #29, with dictionaries for Thai, Lao, Khmer
// and Burmese): words of any script (so "kampanye" and "peluncuran" are
// one word each, and a combining accent stays with its letter), each
// punctuation mark or symbol on its own (also inside a word or number:
// "50.000" is three tokens), each CJK ideograph or kana on its own (those
// scripts have no spaces between words), each emoji with its skin tone or
// joined sequence, and runs of whitespace. The shortest edit script over
// the tokens comes from dtl (Wu, Manber and Myers' O(NP) algorithm), then
// changes are moved to word boundaries and whitespace between two
// replacements joins them, so the result reads as a person would describe
// the edit. Whitespace is compared like any other token, so the runs
// rebuild both texts exactly. Safe on any bytes.
#ifndef LIVESOP_ENGINE_WORD_DIFF_H_
#define LIVESOP_ENGINE_WORD_DIFF_H_

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace livesop::engine {

enum class DiffOp { kEqual, kDelete, kInsert };

// "equal", "delete" or "insert".
const char* DiffOpName(DiffOp op);

// A run of text that is in both versions, only in the earlier one
// (deleted) or only in the later one (inserted).
struct DiffRun {
  DiffOp op = DiffOp::kEqual;
  std::string text;

  friend bool operator==(const DiffRun&, const DiffRun&) = default;
};

struct WordDiff {
  // In reading order. The equal and deleted runs, joined, are the earlier
  // text exactly; the equal and inserted runs, the later one. A deleted
  // run comes before the inserted run that replaces it. Adjacent runs
  // never have the same op.
  std::vector<DiffRun> runs;
  // Words and punctuation marks (tokens other than whitespace) in each.
  int64_t deleted_words = 0;
  int64_t inserted_words = 0;
  int64_t unchanged_words = 0;
  // True when the texts were too different to compare token by token
  // within the bound on work (DiffOptions::max_steps, or dtl's own limit
  // of 2 million path points): some changes are then reported as a larger
  // block deleted and inserted than needed. Still exact text.
  bool approximate = false;

  friend bool operator==(const WordDiff&, const WordDiff&) = default;
};

struct DiffOptions {
  // The most token comparisons the search for the shortest edit script
  // makes (after the common start and end are set aside). Default 50
  // million: a fraction of a second. Bounds the time of two long texts
  // with little in common (the search takes time proportional to their
  // length times the size of the difference): once spent, the tokens left
  // compare as different, and the result is `approximate`. dtl's own limit
  // of 2 million path points (about 48 MB) bounds memory, and the time
  // left after the comparisons are spent, the same way.
  int64_t max_steps = 50'000'000;
};

// The tokens of `text` (see above), in order; joined, they are `text`.
// Bytes that are not UTF-8 are tokens of one byte each.
std::vector<std::string_view> WordTokens(std::string_view text);

// The word-level difference from `before` to `after`.
WordDiff DiffWords(std::string_view before, std::string_view after,
                   const DiffOptions& options = {});

// The difference as one text: equal runs as they are, deleted runs as
// [-text-], inserted runs as {+text+}.
std::string WordDiffText(const WordDiff& diff);

// {"runs": [{"op", "text"}], "deleted_words", "inserted_words",
// "unchanged_words", "approximate"}.
nlohmann::json WordDiffToJson(const WordDiff& diff);

}  // namespace livesop::engine

#endif  // LIVESOP_ENGINE_WORD_DIFF_H_

// Small text utilities shared by the checkers.
#ifndef LIVESOP_CORE_TEXT_H_
#define LIVESOP_CORE_TEXT_H_

#include <string>
#include <string_view>
#include <vector>

namespace livesop {

// Levenshtein distance between `a` and `b` (bytes, not code points).
int EditDistance(std::string_view a, std::string_view b);

// Returns the candidate closest to `word` when it is close enough to be a
// plausible typo (distance at most a third of the word, minimum 1, maximum 3),
// else an empty string. Used for "did you mean" hints.
std::string ClosestMatch(std::string_view word,
                         const std::vector<std::string>& candidates);

// Joins `parts` with `separator`.
std::string Join(const std::vector<std::string>& parts,
                 std::string_view separator);

// Collapses every run of white space (spaces, tabs, line breaks) into one
// space and trims both ends, for text that must stay on one line: table
// cells, diagram labels, error messages from libraries.
std::string OneLine(std::string_view text);

// `s` as HTML text or a double-quoted attribute value: & < > " escaped,
// and C0 control characters other than tab, line feed and carriage return
// (invalid in HTML) and DEL dropped.
std::string HtmlEscape(std::string_view s);

// Removes ASCII white space at both ends.
std::string_view Trim(std::string_view s);

}  // namespace livesop

#endif  // LIVESOP_CORE_TEXT_H_

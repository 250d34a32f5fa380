// A file against a channel's asset spec (sop::AssetSpec): one line per rule
// the spec sets, each with what the spec wants, what the file is, whether
// it passes and why, so a readiness report can tell a designer exactly what
// to change. A failed rule is an expected outcome, so it is data here, not
// an error. The rules and their tolerances are in docs/assets.md.
#ifndef LIVESOP_ASSETS_CHECK_H_
#define LIVESOP_ASSETS_CHECK_H_

#include <optional>
#include <string>
#include <vector>

#include "assets/inspect.h"
#include "sop/model.h"

namespace livesop::assets {

enum class RuleOutcome {
  kPassed,
  kFailed,
  // The library that read the file cannot tell (a PDF's colour space and
  // the resolution of its images), or the rule is about something the file
  // does not carry (a caption's length for an image). It does not fail the
  // spec; the reason says what to check by other means.
  kNotCheckable,
};

// "passed", "failed" or "not checkable".
const char* RuleOutcomeName(RuleOutcome outcome);

struct RuleCheck {
  // The spec key the rule comes from, in this order: "formats", "sizes",
  // "aspect_ratios", "max_file_size", "max_duration_seconds",
  // "color_space", "min_dpi", "bleed_mm", "max_copy_length".
  std::string rule;
  std::string expected;  // what the spec says: "1080x1080", "8MB", "90 s"
  std::string actual;    // what the file is: "1080x1350", "5.8 KB", "1 s"
  RuleOutcome outcome = RuleOutcome::kFailed;
  // One sentence for a person: "1080×1350 px is 4:5, the channel wants 1:1".
  std::string reason;

  bool passed() const { return outcome != RuleOutcome::kFailed; }
};

struct AssetReport {
  std::string spec_id;
  std::string spec_name;
  bool passed = false;  // true when no rule failed
  // A line for each rule the spec sets, in RuleCheck::rule's order; rules
  // the spec leaves out are not reported. A value the spec writes that does
  // not parse (size "big") is a failed line that says so.
  std::vector<RuleCheck> rules;

  int failures() const;
};

// Checks `inspection` against `spec`. Never fails: every problem, with the
// file or with the spec, is a line of the report.
AssetReport CheckAsset(const Inspection& inspection,
                       const sop::AssetSpec& spec);

// Which of `channel`'s asset specs the file is meant for, with its report:
// the first spec it passes; else the one it fails on the fewest rules,
// preferring specs that take its format, and of equals the first in the
// channel's order. nullopt when the channel has no asset specs.
std::optional<AssetReport> BestSpecFor(const Inspection& inspection,
                                       const sop::Channel& channel);

}  // namespace livesop::assets

#endif  // LIVESOP_ASSETS_CHECK_H_

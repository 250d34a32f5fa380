#include "assets/check.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <utility>

#include "assets/internal/units.h"
#include "core/text.h"
#include "sop/asset_spec.h"

namespace livesop::assets {
namespace {

using internal::FormatBytes;
using internal::FormatNumber;

// A video just over its limit is usually the encoder's rounding (audio
// priming, the last frame's duration), not a longer cut.
constexpr double kDurationToleranceSeconds = 0.05;
// A pixel size turned into millimetres at a resolution is whole pixels
// rounded: 1748 px at 300 dpi is 147.99 mm for an A5 page of 148 mm.
constexpr double kPageToleranceMm = 1.0;
// Bleed boxes are drawn in points; a tenth of a millimetre is below that.
constexpr double kBleedToleranceMm = 0.1;
// A stated resolution is often a rounded fraction (299.9994 dpi).
constexpr double kDpiTolerance = 0.5;

RuleCheck Line(std::string rule, std::string expected, std::string actual,
               RuleOutcome outcome, std::string reason) {
  return RuleCheck{std::move(rule), std::move(expected), std::move(actual),
                   outcome, std::move(reason)};
}

RuleOutcome PassIf(bool passed) {
  return passed ? RuleOutcome::kPassed : RuleOutcome::kFailed;
}

// "an image", "a video", "a PDF", "a text file", "a file", for reasons.
std::string KindPhrase(AssetKind kind) {
  switch (kind) {
    case AssetKind::kImage:
      return "an image";
    case AssetKind::kVideo:
      return "a video";
    case AssetKind::kPdf:
      return "a PDF";
    case AssetKind::kText:
      return "a text file";
    case AssetKind::kOther:
      return "this file";
  }
  return "this file";
}

std::string FormatPhrase(const Inspection& file) {
  if (file.format.empty()) return "a file of type " + file.mime;
  if (file.format == "text") return "a plain-text file";
  if (file.format == "html") return "an HTML file";
  std::string upper = file.format == "jpg" ? "JPEG" : file.format;
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return std::toupper(c); });
  // Said letter by letter: "an MP4", "an SVG", "a PNG".
  const bool vowel_sound =
      std::string_view("AEFHILMNORSX").find(upper.front()) !=
      std::string_view::npos;
  return (vowel_sound ? "an " : "a ") + upper + " file";
}

// "a or b", "a, b or c".
std::string Either(const std::vector<std::string>& items) {
  if (items.empty()) return "";
  if (items.size() == 1) return items.front();
  std::vector<std::string> head(items.begin(), items.end() - 1);
  return Join(head, ", ") + " or " + items.back();
}

std::string Quoted(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  out.reserve(items.size());
  for (const std::string& item : items) out.push_back("\"" + item + "\"");
  return Join(out, ", ");
}

std::string Times(int64_t width, int64_t height) {
  return std::to_string(width) + "×" + std::to_string(height);
}

std::string Mm(double value) { return FormatNumber(value, 1); }

RuleCheck CheckFormat(const Inspection& file, const sop::AssetSpec& spec) {
  std::vector<std::string> known;
  std::vector<std::string> unknown;
  for (const std::string& f : spec.formats) {
    std::string canonical = sop::CanonicalFormat(f);
    if (canonical.empty()) {
      unknown.push_back(f);
    } else if (std::find(known.begin(), known.end(), canonical) ==
               known.end()) {
      known.push_back(canonical);
    }
  }
  const std::string expected = Join(spec.formats, ", ");
  const std::string actual = file.format.empty() ? file.mime : file.format;
  const bool passed =
      !file.format.empty() &&
      std::find(known.begin(), known.end(), file.format) != known.end();
  std::string reason =
      passed ? FormatPhrase(file) + ", a format the channel takes"
             : FormatPhrase(file) + "; the channel takes " +
                   (known.empty() ? std::string("no format the check knows")
                                  : Either(known));
  if (!unknown.empty()) {
    reason += " (the spec's " + Quoted(unknown) +
              " is no format the check recognises; correct the SOP)";
  }
  return Line("formats", expected, actual, PassIf(passed), reason);
}

// The wanted sizes that parse, and a note on those that do not.
struct ParsedSizes {
  std::vector<sop::PixelSize> sizes;
  std::vector<std::string> invalid;
};

ParsedSizes ParseSizes(const std::vector<std::string>& texts) {
  ParsedSizes out;
  for (const std::string& text : texts) {
    if (std::optional<sop::PixelSize> size = sop::ParsePixelSize(text)) {
      out.sizes.push_back(*size);
    } else {
      out.invalid.push_back(text);
    }
  }
  return out;
}

std::string InvalidNote(const std::vector<std::string>& invalid,
                        const std::string& what, const std::string& form) {
  if (invalid.empty()) return "";
  return " (the spec's " + Quoted(invalid) + " is not " + what + ": write " +
         form + " in the SOP)";
}

RuleCheck CheckSizes(const Inspection& file, const sop::AssetSpec& spec) {
  const std::string expected = Join(spec.sizes, ", ");
  ParsedSizes wanted = ParseSizes(spec.sizes);
  const std::string note =
      InvalidNote(wanted.invalid, "a pixel size", "WIDTHxHEIGHT");
  std::vector<std::string> wanted_text;
  for (const sop::PixelSize& s : wanted.sizes) {
    wanted_text.push_back(Times(s.width, s.height));
  }

  int width = 0;
  int height = 0;
  if (file.image) {
    width = file.image->width;
    height = file.image->height;
  } else if (file.video) {
    width = file.video->width;
    height = file.video->height;
  } else if (file.pdf) {
    const PdfInfo& pdf = *file.pdf;
    const std::string actual =
        Mm(pdf.width_mm) + "x" + Mm(pdf.height_mm) + " mm";
    const std::string page =
        Mm(pdf.width_mm) + " × " + Mm(pdf.height_mm) + " mm";
    if (wanted.sizes.empty()) {
      return Line("sizes", expected, actual, RuleOutcome::kFailed,
                  "the spec gives no size the check can read" + note);
    }
    if (!spec.min_dpi || *spec.min_dpi <= 0) {
      return Line("sizes", expected, actual, RuleOutcome::kNotCheckable,
                  "a PDF page is measured in millimetres, and the spec sets "
                  "no min_dpi to turn " +
                      Either(wanted_text) + " px into millimetres");
    }
    const double dpi = *spec.min_dpi;
    std::vector<std::string> wanted_mm;
    std::string matched;
    for (size_t i = 0; i < wanted.sizes.size(); ++i) {
      const double w = wanted.sizes[i].width / dpi * 25.4;
      const double h = wanted.sizes[i].height / dpi * 25.4;
      wanted_mm.push_back(Mm(w) + " × " + Mm(h) + " mm");
      if (matched.empty() && std::abs(pdf.width_mm - w) <= kPageToleranceMm &&
          std::abs(pdf.height_mm - h) <= kPageToleranceMm) {
        matched = wanted_text[i];
      }
    }
    const std::string at = " px at " + std::to_string(*spec.min_dpi) + " dpi";
    const bool passed = !matched.empty();
    return Line("sizes", expected, actual, PassIf(passed),
                passed ? "the trimmed page is " + page + ", which is " +
                             matched + at + note
                       : "the trimmed page is " + page +
                             "; the channel wants " + Either(wanted_mm) + " (" +
                             Either(wanted_text) + at + ")" + note);
  } else {
    return Line("sizes", expected, "none", RuleOutcome::kFailed,
                KindPhrase(file.kind) + " has no pixel size");
  }

  const std::string actual =
      std::to_string(width) + "x" + std::to_string(height);
  if (wanted.sizes.empty()) {
    return Line("sizes", expected, actual, RuleOutcome::kFailed,
                "the spec gives no size the check can read" + note);
  }
  const bool passed = std::any_of(
      wanted.sizes.begin(), wanted.sizes.end(), [&](const sop::PixelSize& s) {
        return s.width == width && s.height == height;
      });
  return Line("sizes", expected, actual, PassIf(passed),
              passed ? Times(width, height) + " px, as the channel wants" + note
                     : Times(width, height) + " px; the channel wants " +
                           Either(wanted_text) + " px" + note);
}

RuleCheck CheckAspectRatios(const Inspection& file,
                            const sop::AssetSpec& spec) {
  const std::string expected = Join(spec.aspect_ratios, ", ");
  std::vector<double> wanted;
  std::vector<std::string> wanted_text;
  std::vector<std::string> invalid;
  for (const std::string& text : spec.aspect_ratios) {
    if (std::optional<double> ratio = sop::ParseAspectRatio(text)) {
      wanted.push_back(*ratio);
      wanted_text.push_back(text);
    } else {
      invalid.push_back(text);
    }
  }
  const std::string note = InvalidNote(invalid, "an aspect ratio", "W:H");

  double ratio = 0;
  std::string actual;
  std::string shape;
  if (file.image || file.video) {
    const int w = file.image ? file.image->width : file.video->width;
    const int h = file.image ? file.image->height : file.video->height;
    actual = file.image ? file.image->aspect_ratio : file.video->aspect_ratio;
    ratio = h > 0 ? static_cast<double>(w) / h : 0;
    shape = Times(w, h) + " px";
  } else if (file.pdf) {
    actual = file.pdf->aspect_ratio;
    ratio =
        file.pdf->height_mm > 0 ? file.pdf->width_mm / file.pdf->height_mm : 0;
    shape = "the trimmed page, " + Mm(file.pdf->width_mm) + " × " +
            Mm(file.pdf->height_mm) + " mm,";
  } else {
    return Line("aspect_ratios", expected, "none", RuleOutcome::kFailed,
                KindPhrase(file.kind) + " has no aspect ratio");
  }
  if (wanted.empty()) {
    return Line("aspect_ratios", expected, actual, RuleOutcome::kFailed,
                "the spec gives no aspect ratio the check can read" + note);
  }
  const bool passed = std::any_of(wanted.begin(), wanted.end(), [&](double w) {
    return sop::SameAspectRatio(ratio, w);
  });
  return Line("aspect_ratios", expected, actual, PassIf(passed),
              passed ? shape + " is " + actual + ", as the channel wants" + note
                     : shape + " is " + actual + ", the channel wants " +
                           Either(wanted_text) + note);
}

RuleCheck CheckFileSize(const Inspection& file, const sop::AssetSpec& spec) {
  const std::string actual = FormatBytes(file.file_size);
  std::optional<int64_t> limit = sop::ParseFileSize(spec.max_file_size);
  if (!limit) {
    return Line("max_file_size", spec.max_file_size, actual,
                RuleOutcome::kFailed,
                "the spec's limit \"" + spec.max_file_size +
                    "\" is not a file size: write a number and B, KB, MB or "
                    "GB, such as 8MB, in the SOP");
  }
  const bool passed = file.file_size <= *limit;
  return Line("max_file_size", spec.max_file_size, actual, PassIf(passed),
              passed ? actual + ", within the " + FormatBytes(*limit) + " limit"
                     : actual + ", over the " + FormatBytes(*limit) +
                           " limit; compress it or lower its resolution");
}

RuleCheck CheckDuration(const Inspection& file, const sop::AssetSpec& spec) {
  const double limit = *spec.max_duration_seconds;
  const std::string expected = FormatNumber(limit, 2) + " s";
  double seconds = 0;
  if (file.video) {
    seconds = file.video->duration_seconds;
  } else if (file.image && file.image->animated) {
    seconds = file.image->duration_seconds;
  } else {
    return Line("max_duration_seconds", expected, "none", RuleOutcome::kPassed,
                file.image ? "a still image has no duration"
                           : KindPhrase(file.kind) + " has no duration");
  }
  const std::string actual = FormatNumber(seconds, 2) + " s";
  const bool passed = seconds <= limit + kDurationToleranceSeconds;
  return Line("max_duration_seconds", expected, actual, PassIf(passed),
              passed ? actual + ", within the " + expected + " limit"
                     : actual + ", longer than the " + expected +
                           " the channel allows; cut it to " + expected);
}

// A video's colour space as a spec names it: BT.709 shares its primaries
// and white point with sRGB, and players take a video that declares none
// as BT.709.
std::string VideoColorSpace(const std::string& primaries) {
  if (primaries == "bt709" || primaries == "unknown") return "sRGB";
  if (primaries == "smpte432") return "Display P3";
  return primaries;
}

RuleCheck CheckColorSpace(const Inspection& file, const sop::AssetSpec& spec) {
  const std::string& expected = spec.color_space;
  const std::string wanted = sop::CanonicalColorSpace(spec.color_space);
  std::string actual;
  std::string said;
  if (file.image) {
    actual = file.image->color_space;
    said = actual;
  } else if (file.video) {
    const std::string& primaries = file.video->color_primaries;
    actual = VideoColorSpace(primaries);
    said = primaries == "unknown"
               ? "no colour primaries declared; players assume BT.709, "
                 "whose primaries sRGB shares"
           : primaries == "bt709" ? "BT.709, whose primaries sRGB shares"
                                  : primaries;
  } else if (file.pdf) {
    return Line("color_space", expected, "unknown", RuleOutcome::kNotCheckable,
                "poppler does not report the colour spaces used inside a "
                "PDF; check for " +
                    expected + " in the printer's preflight");
  } else {
    return Line("color_space", expected, "none", RuleOutcome::kFailed,
                KindPhrase(file.kind) + " has no colour space");
  }
  if (wanted.empty()) {
    return Line("color_space", expected, actual, RuleOutcome::kFailed,
                "the spec's colour space \"" + expected +
                    "\" is not one the check recognises (" +
                    Join(sop::KnownColorSpaces(), ", ") + "); correct the SOP");
  }
  if (actual == "grey" && file.image) {
    return Line("color_space", expected, actual, RuleOutcome::kPassed,
                "greyscale, which converts to " + wanted + " without change");
  }
  const bool passed = actual == wanted;
  return Line("color_space", expected, actual, PassIf(passed),
              passed ? said + ", as the channel wants"
                     : said + "; the channel wants " + wanted +
                           ": convert it to " + wanted + " when exporting");
}

RuleCheck CheckMinDpi(const Inspection& file, const sop::AssetSpec& spec) {
  const int wanted = *spec.min_dpi;
  const std::string expected = std::to_string(wanted) + " dpi";
  if (file.pdf) {
    return Line("min_dpi", expected, "unknown", RuleOutcome::kNotCheckable,
                "poppler does not list the images inside a PDF, so their "
                "resolution is not checked; check for " +
                    expected + " in the printer's preflight");
  }
  if (!file.image) {
    return Line("min_dpi", expected, "none", RuleOutcome::kFailed,
                KindPhrase(file.kind) + " has no print resolution");
  }
  if (!file.image->dpi) {
    return Line(
        "min_dpi", expected, "not stated", RuleOutcome::kFailed,
        "the file states no resolution; export it at " + expected + " or more");
  }
  const double dpi = *file.image->dpi;
  const std::string actual = FormatNumber(dpi, 1) + " dpi";
  const bool passed = dpi + kDpiTolerance >= wanted;
  return Line(
      "min_dpi", expected, actual, PassIf(passed),
      passed ? actual + ", at least the " + expected + " the channel wants"
             : actual + ", under the " + expected +
                   " the channel wants; export it at " + expected + " or more");
}

RuleCheck CheckBleed(const Inspection& file, const sop::AssetSpec& spec) {
  const double wanted = *spec.bleed_mm;
  const std::string expected = Mm(wanted) + " mm";
  if (file.image) {
    return Line("bleed_mm", expected, "unknown", RuleOutcome::kNotCheckable,
                "an image records no trim or bleed; check for " + expected +
                    " of bleed in the artwork");
  }
  if (!file.pdf) {
    return Line("bleed_mm", expected, "none", RuleOutcome::kFailed,
                KindPhrase(file.kind) + " has no bleed");
  }
  const double bleed = file.pdf->bleed_mm;
  const std::string actual = Mm(bleed) + " mm";
  const bool passed = bleed + kBleedToleranceMm >= wanted;
  std::string reason;
  if (passed) {
    reason =
        actual + " of bleed on every side, as the channel wants " + expected;
  } else if (bleed <= 0) {
    reason =
        "the page has no bleed (its trim box is the whole page); the "
        "channel wants " +
        expected + " on every side: export with bleed and crop marks off";
  } else {
    reason = actual + " of bleed on the narrowest side; the channel wants " +
             expected + " on every side";
  }
  return Line("bleed_mm", expected, actual, PassIf(passed), reason);
}

RuleCheck CheckCopyLength(const Inspection& file, const sop::AssetSpec& spec) {
  const int wanted = *spec.max_copy_length;
  const std::string expected = std::to_string(wanted) + " characters";
  if (!file.text) {
    return Line("max_copy_length", expected, "none", RuleOutcome::kNotCheckable,
                "the limit is for the copy that goes with " +
                    KindPhrase(file.kind) +
                    " (a caption or a post), which is not in the file; check "
                    "it in the copy deck");
  }
  const int64_t characters = file.text->characters;
  const std::string actual = std::to_string(characters) + " characters";
  const bool passed = characters <= wanted;
  return Line("max_copy_length", expected, actual, PassIf(passed),
              passed ? actual + ", within the " + std::to_string(wanted) +
                           " the channel allows"
                     : actual + ", over the " + std::to_string(wanted) +
                           " the channel allows; shorten it by " +
                           std::to_string(characters - wanted));
}

}  // namespace

const char* RuleOutcomeName(RuleOutcome outcome) {
  switch (outcome) {
    case RuleOutcome::kPassed:
      return "passed";
    case RuleOutcome::kFailed:
      return "failed";
    case RuleOutcome::kNotCheckable:
      return "not checkable";
  }
  return "failed";
}

int AssetReport::failures() const {
  return static_cast<int>(
      std::count_if(rules.begin(), rules.end(),
                    [](const RuleCheck& r) { return !r.passed(); }));
}

AssetReport CheckAsset(const Inspection& inspection,
                       const sop::AssetSpec& spec) {
  AssetReport report;
  report.spec_id = spec.id;
  report.spec_name = spec.name;
  std::vector<RuleCheck>& rules = report.rules;
  if (!spec.formats.empty()) rules.push_back(CheckFormat(inspection, spec));
  if (!spec.sizes.empty()) rules.push_back(CheckSizes(inspection, spec));
  if (!spec.aspect_ratios.empty()) {
    rules.push_back(CheckAspectRatios(inspection, spec));
  }
  if (!spec.max_file_size.empty()) {
    rules.push_back(CheckFileSize(inspection, spec));
  }
  if (spec.max_duration_seconds) {
    rules.push_back(CheckDuration(inspection, spec));
  }
  if (!spec.color_space.empty()) {
    rules.push_back(CheckColorSpace(inspection, spec));
  }
  if (spec.min_dpi) rules.push_back(CheckMinDpi(inspection, spec));
  if (spec.bleed_mm) rules.push_back(CheckBleed(inspection, spec));
  if (spec.max_copy_length) {
    rules.push_back(CheckCopyLength(inspection, spec));
  }
  report.passed = report.failures() == 0;
  return report;
}

std::optional<AssetReport> BestSpecFor(const Inspection& inspection,
                                       const sop::Channel& channel) {
  // A file's format says most about what it is meant for: a JPEG failing
  // three rules of an image spec is closer to it than to a text spec whose
  // only rule, the format, it fails.
  auto format_fails = [](const AssetReport& report) {
    return std::any_of(
        report.rules.begin(), report.rules.end(),
        [](const RuleCheck& r) { return r.rule == "formats" && !r.passed(); });
  };
  auto rank = [&](const AssetReport& report) {
    return std::make_pair(format_fails(report), report.failures());
  };
  std::optional<AssetReport> best;
  for (const sop::AssetSpec& spec : channel.assets) {
    AssetReport report = CheckAsset(inspection, spec);
    if (report.passed) return report;
    if (!best || rank(report) < rank(*best)) best = std::move(report);
  }
  return best;
}

}  // namespace livesop::assets

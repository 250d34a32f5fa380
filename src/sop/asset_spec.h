// The values of an asset spec (model.h's AssetSpec) as numbers and names:
// the syntax the loader accepts for sizes, aspect ratios and file sizes, and
// the format and colour-space names the spec check (src/assets/check.h)
// recognises. Kept in one place so that the SOP validator and the check
// never disagree about what a spec says.
#ifndef LIVESOP_SOP_ASSET_SPEC_H_
#define LIVESOP_SOP_ASSET_SPEC_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace livesop::sop {

struct PixelSize {
  int width = 0;
  int height = 0;

  friend bool operator==(const PixelSize&, const PixelSize&) = default;
};

// "1080x1350": WIDTHxHEIGHT, each a whole number from 1 to 999999 with no
// sign, space or leading zero. nullopt for anything else.
std::optional<PixelSize> ParsePixelSize(std::string_view text);

// "4:5", "1.91:1": WIDTH:HEIGHT with positive terms, decimals allowed.
// Returns width / height; nullopt for anything else.
std::optional<double> ParseAspectRatio(std::string_view text);

// "8MB", "500 KB", "1.5GB", "300B": a number and one of B, KB, MB, GB, in
// bytes. The units are binary (1 KB = 1024 bytes), as file managers and
// upload forms count them. nullopt for anything else.
std::optional<int64_t> ParseFileSize(std::string_view text);

// Two aspect ratios (width / height) are taken as the same when they differ
// by at most this fraction of the wanted one: "1.91:1" is how platforms
// write 1200x630 (1.905), and encoders round odd sizes to even pixels.
inline constexpr double kAspectRatioTolerance = 0.01;

// True when `actual` is within kAspectRatioTolerance of `wanted`.
bool SameAspectRatio(double actual, double wanted);

// The canonical name of a file format as a spec writes it, lower case
// ("jpg", "png", "mp4", "pdf", "html", "text"); aliases map to it ("jpeg"
// and "JPG" to "jpg", "tiff" to "tif", "txt" to "text"). Empty when the spec
// check does not know the format.
std::string CanonicalFormat(std::string_view name);

// Every canonical format name, in a stable order (for hints).
const std::vector<std::string>& KnownFormats();

// The canonical name of a colour space ("sRGB", "Display P3", "Adobe RGB",
// "CMYK", "grey"), matched ignoring case, spaces, dashes and underscores
// ("srgb", "gray", "display-p3"). Empty when unknown.
std::string CanonicalColorSpace(std::string_view name);

// Every canonical colour-space name, in a stable order (for hints).
const std::vector<std::string>& KnownColorSpaces();

}  // namespace livesop::sop

#endif  // LIVESOP_SOP_ASSET_SPEC_H_
